/* import.h - importing certificates: the state shared by the steps.
 *
 * The input is read, and imported, in chunks of WEFT_IMPORT_CHUNK keys;
 * each chunk is one write transaction, so an input of at most that many
 * keys lands completely or not at all, and a larger one in whole chunks
 * (memory stays bounded by a chunk, not the input).  For each chunk:
 *   1. Decode the armor (or take binary input as it is) and split the
 *      packet stream into transferable keys.  A key whose packets cannot
 *      be read is rejected; stand-alone signatures are kept aside as
 *      revocation certificates, attached in the last chunk.
 *   2. Fold duplicates of one key within the chunk together, and attach
 *      each revocation certificate to the key it revokes (from the input
 *      or from the keyring).
 *   3. Load what the keyring already has of each key and merge the input
 *      into it: the union of packets, duplicates dropped.  Only what is
 *      new needs checking.
 *   4. Verify the new self-signatures, one key per job, on every core.
 *      Drop what does not verify; reject keys left without a valid user
 *      ID or direct-key signature.
 *   5. Verify third-party certifications whose issuer is now known: the
 *      unchecked ones on the imported keys (issuer from the chunk, the
 *      keyring, or a later chunk of the input: its key packet, copied by
 *      the scan), and those waiting in the keyring for an issuer that
 *      this chunk brings ("pending").  Again on every core.  A
 *      certification that does not verify against its issuer is dropped.
 *      Before it, certifications that earlier chunks verified against a
 *      key of this chunk that was rejected are made to wait again.
 *   6. Write every changed certificate with its indexes, report each key
 *      in input order, and commit.
 * A chunked import reads the next chunk before it runs steps 2 to 6 of
 * this one, and verifies the self-signatures of its keys that are new to
 * the keyring on a thread of its own meanwhile: steps 3 and 6 are one
 * thread's work (LMDB's write transaction is bound to its thread), and
 * the other cores would idle through them.  A self-signature's verdict
 * is the key's own business (its primary key and the packets it binds),
 * so what that thread decided is what step 4 would: step 4 checks only
 * what is still unchecked.
 */
#ifndef WEFT_STORE_IMPORT_H
#define WEFT_STORE_IMPORT_H

#include "store.h"
#include "../ctx.h"

/* Files: import.c runs the steps (3, 4, 6); import-read.c reads the
 * input (1, 2); import-tp.c verifies third-party certifications (5);
 * import-map.c has the lookups they share. */

typedef struct item {
	weft_cert *cert;         /* as read from the input */
	weft_cert *merged;       /* what will be stored */
	bool had_old;            /* the keyring had this key: what it had
				    is decoded again only to be replaced
				    (weft_import__put), not held through
				    the whole import */
	unsigned block;
	uint64_t offset;
	bool rejected;
	bool folded;             /* merged into an earlier item */
	bool touched;            /* keyring-only: pending certifications */
	bool states_changed;     /* third-party verification changed it */
	bool earlier_chunk;      /* stored by an earlier chunk of this
				    import, which counted what waits on it */
	bool pre_check;          /* read ahead, and new to the keyring when
				    read: its self-signatures are verified
				    in the background (step 4 early) */
	gpg_error_t check_err;
	char *uid_hint;          /* first user ID as read, for reports */
	weft_diag note;
	unsigned new_uids, new_subkeys, new_sigs;
} item;

typedef struct stray {
	uint8_t *body;
	size_t len;
	unsigned block;
	uint64_t offset;
} stray;

/* A third-party certification to verify against candidate issuers. */
typedef struct tp_job {
	size_t item;             /* index of the target's item */
	weft_cert *target;
	weft_sigrec *rec;
	const weft_uidrec *uid;
	size_t cand;             /* index into import.cands */
	size_t ncand;
	bool pending;            /* was waiting in the keyring */
	bool ahead;              /* the candidates are keys of later chunks */
} tp_job;

/* Fingerprint -> index, open addressing (import-tp.c): step 5 looks up
 * issuers among tens of thousands of keys. */
typedef struct fpr_map {
	struct fpr_slot {
		uint8_t fpr[WEFT_FPR_MAX];
		uint8_t len;             /* 0: empty */
		uint32_t val;
	} *v;
	size_t n, cap;
} fpr_map;

/* Key ID -> item, sorted (import-tp.c). */
typedef struct keyid_ent {
	uint8_t keyid[8];
	uint32_t item;
} keyid_ent;

/* Where the reading of one block stopped (import-read.c). */
typedef struct read_cursor {
	weft_reader r;
	weft_cert_builder b;
	bool have;               /* b holds a key being read */
	bool skipping;           /* inside a key whose primary was unreadable */
	bool done;
	uint64_t start;
	unsigned block;
} read_cursor;

/* A primary key of a chunked input, met by the scan (import-read.c):
 * a copy of its key packet, so that a certification by a key of a later
 * chunk is verified when the key it certifies is stored, instead of
 * waiting in the keyring for its issuer's chunk, which would then load,
 * decode and rewrite the certified key again (import-tp.c). */
typedef struct ahead_key {
	uint8_t keyid[8];
	uint32_t block;          /* as item.block */
	uint32_t len;            /* of the packet, header included */
	uint64_t offset;         /* of the packet in its block */
	size_t at;               /* of the copy in import.ahead_bytes */
} ahead_key;

/* A certification that verified against the key packet of a later
 * chunk's key: that key (its index in import.ahead) and the key it
 * certified.  Kept until the issuer's chunk settles it
 * (weft_import__ahead_settle): the import's own record of what it has to
 * make wait again should that key not be stored. */
typedef struct ahead_target {
	uint32_t ahead;
	uint8_t len;
	uint8_t fpr[WEFT_FPR_MAX];
} ahead_target;

/* Per ahead key: its copy among import.loaded in the chunk numbered
 * CHUNK (import.chunks_committed + 1), LOADED UINT32_MAX when its packet
 * is not a key weft can use. */
typedef struct ahead_slot {
	uint32_t chunk;
	uint32_t loaded;
} ahead_slot;

/* A primary key of the keyring as a chunked import found it: its key
 * ID and fingerprint (import.snap). */
typedef struct keyid_fpr {
	uint8_t keyid[8];
	uint8_t len;
	uint8_t fpr[WEFT_FPR_MAX];
} keyid_fpr;

/* import.snap holds at most this many keys (41 octets each: 10 MiB); a
 * larger keyring is asked instead. */
#define SNAP_MAX ((size_t)1 << 18)

/* An issuer's key packets are copied up to this many octets in all
 * (100,000 Ed25519 keys take 5 MiB, as many RSA-4096 keys 53 MiB); the
 * keys beyond it are not looked ahead at, and what they certified in
 * earlier chunks waits for them. */
#define AHEAD_MAX ((size_t)32 << 20)

/* The steps of a chunk, for the progress bar (weft_import__tick). */
typedef enum import_phase {
	PHASE_READING,
	PHASE_VERIFYING_KEYS,
	PHASE_VERIFYING_CERTS,
	PHASE_WRITING,
} import_phase;

typedef struct import {
	weft_ctx *ctx;
	weft_txn *txn;
	const char *source;
	item *items;
	size_t nitems, items_cap;
	item *next;              /* chunked: the next chunk's keys, read */
	size_t nnext, next_cap;  /* while this one runs */
	struct weft_background *bg; /* verifying their self-signatures */
	stray *strays;
	size_t nstrays, strays_cap;
	tp_job *jobs;
	size_t njobs, jobs_cap;
	weft_cert **cands;
	size_t ncands, cands_cap;
	weft_cert **loaded;      /* issuer certificates loaded from the store */
	size_t nloaded, loaded_cap;
	fpr_map item_map;        /* live item by primary fingerprint */
	fpr_map loaded_map;      /* index into loaded */
	keyid_ent *by_keyid;     /* live items by primary key ID */
	size_t nby_keyid;
	weft_import_stats *stats;
	import_phase phase;
	gpg_error_t input_err;
	/* Across chunks: */
	fpr_map run_map;         /* keys stored by an earlier chunk */
	bool chunked;            /* more than one chunk */
	size_t keys_total;       /* in the input, for the progress bar */
	size_t keys_done;        /* in the chunks before this one */
	size_t chunks_committed;
	uint8_t (*input_keyids)[8]; /* chunked: every key of the input */
	size_t ninput_keyids, input_keyids_cap;
	ahead_key *ahead;        /* chunked: the primary keys of the input,
				    by key ID */
	size_t nahead, ahead_cap;
	uint8_t *ahead_used;     /* per ahead key: AHEAD_USED, AHEAD_SETTLED */
	ahead_slot *ahead_slots; /* per ahead key, made at its first use */
	fpr_map ahead_map;       /* fingerprint -> index of a used ahead key */
	ahead_target *ahead_targets; /* what used ahead keys verified */
	size_t nahead_targets, ahead_targets_cap;
	uint8_t *ahead_bytes;
	size_t ahead_len, ahead_bytes_cap;
	/* Chunked: the keyring's primary keys when the import began, sorted
	 * by key ID (SNAP_LIVE), so that step 5 looks issuers up in memory:
	 * these, and the keys new to the keyring that earlier chunks stored
	 * (run_map).  Asking the keyring instead costs a B-tree descent per
	 * certification, each a page fault once a large keyring no longer
	 * fits the map's budget.  SNAP_OFF: the keyring is asked (too many
	 * keys, or another process wrote between two chunks). */
	keyid_fpr *snap;
	size_t nsnap, snap_cap;
	enum { SNAP_NONE, SNAP_LIVE, SNAP_OFF } snap_state;
	uint64_t snap_txn;       /* LMDB's number of the chunk's transaction */
	uint32_t chunk_block;    /* where the chunk's last key starts: an */
	uint64_t chunk_offset;   /* ahead key after it is in a later chunk */
	/* weft_import_mapped: the input's map, and how much of it was let
	 * go (weft_import__input_release). */
	const uint8_t *map;
	size_t map_len, map_released;
} import;

/* import.c */
gpg_error_t weft_import__push_item(import *im, item **out);
gpg_error_t weft_import__reject_unread(import *im, unsigned block,
				       uint64_t offset, const char *why);
void weft_import__tick(void *opaque, size_t done, size_t total);

/* Store IT's merged certificate, replacing what the keyring had. */
gpg_error_t weft_import__put(import *im, item *it);

/* import-read.c: steps 1 and 2 */
void weft_import__cursor_init(read_cursor *c, const uint8_t *data, size_t len,
			      unsigned block);
void weft_import__cursor_free(read_cursor *c);
gpg_error_t weft_import__read_some(import *im, read_cursor *c, size_t max);
/* One walk over a block's packet headers: count its keys (primary key
 * packets; it stops quietly at damage, which the reading proper reports)
 * into IM->keys_total, add the key IDs of every primary key and subkey
 * to IM->input_keyids, and copy every primary public key packet to
 * IM->ahead.  A chunked import knows every key of its input: a
 * certification by a key of a later chunk is verified against that key's
 * packet, or waits for it, and is no flooding.  BLOCK numbers the block
 * as item.block does. */
gpg_error_t weft_import__scan(import *im, const uint8_t *data, size_t len,
			      unsigned block);
/* After the scan: chunked or not, and the key IDs sorted (or freed). */
void weft_import__scan_done(import *im);
/* A mapped input: let go of its pages below UPTO (all of them when UPTO
 * is NULL), once at least a few MiB are behind the last time (ALWAYS:
 * whatever is behind).  Nothing is lost: a page read again comes back
 * from the file. */
void weft_import__input_release(import *im, const uint8_t *upto,
				bool always);
bool weft_import__in_input(const import *im, const uint8_t keyid[8]);
gpg_error_t weft_import__fold_duplicates(import *im);
gpg_error_t weft_import__attach_revocations(import *im);

/* import-map.c: the lookups */
/* FPR's value in M (false: not there). */
bool weft_import__map_get(const fpr_map *m, const uint8_t *fpr, size_t len,
			  uint32_t *val);
/* Set FPR to VAL (the first value stays when it is there already). */
gpg_error_t weft_import__map_put(fpr_map *m, const uint8_t *fpr, size_t len,
				 uint32_t val);
/* The first of the N elements of SIZE octets at V, sorted by the key ID
 * each starts with, whose key ID is KEYID (or N): by_keyid, ahead, snap. */
size_t weft_import__keyid_first(const void *v, size_t n, size_t size,
				const uint8_t keyid[8]);
/* The keys new to the keyring that earlier chunks stored (run_map) with
 * primary key ID KEYID, each to CB as weft_store_by_keyid gives it. */
gpg_error_t weft_import__run_by_keyid(import *im, const uint8_t keyid[8],
				      weft_store_cb cb, void *opaque);
/* At the start of each chunk's transaction: take import.snap (the first
 * chunk of a chunked import), or give it up when another writer came
 * between this chunk and the one before. */
gpg_error_t weft_import__snap_begin(import *im);
/* True when the key with fingerprint FPR is surely not in the keyring
 * (import.snap live: neither there nor stored by an earlier chunk), so
 * that a new key costs no lookup; false when it is or may be. */
bool weft_import__not_in_keyring(const import *im, const uint8_t *fpr,
				 size_t len);

/* import-tp.c: step 5 */
item *weft_import__item_by_fpr(import *im, const uint8_t *fpr, size_t len);
/* Load the keyring certificates that wait (db pending) for the key with
 * KEYID as "touched" items. */
gpg_error_t weft_import__queue_pending(import *im, const uint8_t keyid[8]);
gpg_error_t weft_import__third_party(import *im);
/* After step 4: the certifications that earlier chunks verified against
 * the packet of a key of this chunk (IM->ahead) stay verified when that
 * key is stored; when it is not (rejected), they are made to wait again,
 * as they would have in one transaction. */
gpg_error_t weft_import__ahead_settle(import *im);
void weft_import__tp_free(import *im);
/* The keys of the run stored so far (run_map). */
gpg_error_t weft_import__remember(import *im, const weft_cert *c,
				  bool new_key);
/* Stored by this import (*NEW_KEY: and new to the keyring then)? */
bool weft_import__remembered(const import *im, const weft_cert *c,
			     bool *new_key);

/* import.c: keys that become known without an import (the X.509
 * bridge's derived keys, keyring/x509/): verify the certifications
 * waiting for the key IDs KEYIDS (N of them) in the keyring, and store
 * what changed, inside the caller's write transaction TXN.  *RESOLVED
 * counts the certifications that verified. */
gpg_error_t weft_import_resolve_pending(weft_ctx *ctx, weft_txn *txn,
					const uint8_t (*keyids)[8], size_t n,
					uint64_t *resolved);

#endif /* WEFT_STORE_IMPORT_H */
