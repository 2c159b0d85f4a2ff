/* weft/store.h - changing the keyring: import, export, fsck.
 *
 * Every change is one LMDB write transaction, which lands completely or
 * not at all; concurrent readers see the keyring before or after it,
 * never in between.  A large import is several (WEFT_IMPORT_CHUNK).
 */
#ifndef WEFT_STORE_H
#define WEFT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <weft/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_ctx weft_ctx;

typedef enum weft_import_status {
	WEFT_IMPORT_NEW = 0,
	WEFT_IMPORT_UPDATED,
	WEFT_IMPORT_UNCHANGED,
	WEFT_IMPORT_REJECTED,
} weft_import_status;

/* What happened to one key of the input (callback argument; valid during
 * the call only). */
typedef struct weft_import_event {
	weft_import_status status;
	const char *fpr;          /* hex; "" when the key could not be read */
	const char *uid;          /* primary user ID (raw octets, NUL-
				     terminated) or NULL */
	const char *reason;       /* rejections: why; others: a note about
				     dropped parts, or NULL */
	uint64_t offset;          /* where the key started in its block */
	unsigned block;           /* 1-based armor block (0 for binary) */
	unsigned new_uids, new_subkeys, new_sigs;
} weft_import_event;

typedef struct weft_import_stats {
	uint64_t keys;            /* keys read */
	uint64_t new_keys, updated, unchanged, rejected;
	uint64_t new_uids, new_subkeys, new_sigs;
	uint64_t sigs_verified;   /* signatures checked (cryptography) */
	uint64_t certs_pending;   /* third-party certifications whose issuer
				     is not in the keyring */
	uint64_t certs_resolved;  /* pending ones verified by this import */
	uint64_t dropped;         /* invalid signatures/components dropped */
	uint64_t secret_imported; /* secret keys stored (protected) */
	uint64_t secret_skipped;  /* secret keys whose secret part was not
				     imported */
	uint64_t revocations;     /* stand-alone revocation certificates */
	uint64_t certs_flooded;   /* certifications by keys not in the
				     keyring dropped beyond the limit
				     (WEFT_MAX_WAITING per certificate) */
	uint64_t keys_flooded;    /* certificates that hit that limit */
} weft_import_stats;

/* Third-party certifications waiting for an issuer that is not in the
 * keyring, kept at most per certificate: a certificate flooded with
 * certifications by unknown keys (the 2019 attack on the SKS keyservers)
 * keeps every certification its holder's keyring can verify and the
 * newest WEFT_MAX_WAITING of the rest; the import says so. */
#define WEFT_MAX_WAITING 1000

/* Keys an import commits at a time.  An input of at most this many keys
 * is one transaction: it lands completely or not at all.  A larger one
 * (a keyserver dump, a whole web of trust) is imported in chunks of this
 * many keys, each one transaction, so that its memory stays that of a
 * chunk, whatever the size of the input: interrupted, the keyring holds
 * the whole keys of the chunks committed before (every index consistent
 * with them), and importing the input again adds the rest. */
#define WEFT_IMPORT_CHUNK 1000

typedef void (*weft_import_cb)(void *opaque, const weft_import_event *ev);

/* Import everything in DATA (binary or armored, one or many keys,
 * stand-alone revocation certificates).  SOURCE names the input in
 * messages.  Keys are merged with what the keyring has (the union of
 * their packets, as gpg does); signatures are verified once, in parallel,
 * and third-party certifications are verified as soon as their issuer is
 * present.  A key that cannot be used is rejected and the import goes on
 * with the next.  The changes are committed in one transaction, or in
 * one per WEFT_IMPORT_CHUNK keys for a larger input.  A certification
 * whose issuer comes in a later chunk than the key it certifies is
 * verified against the issuer's key packet in the input when its target
 * is stored; if the issuer's chunk then rejects the issuer, it is made
 * to wait again, as in one transaction.  (Interrupted between the two,
 * the keyring keeps it verified by a key it does not hold yet.)
 *   0                 the input was read to its end (rejections are
 *                     reported through CB and STATS, not as errors)
 *   GPG_ERR_NO_DATA   no OpenPGP data in the input
 *   GPG_ERR_BAD_DATA / GPG_ERR_CHECKSUM
 *                     the armor is damaged; nothing was imported
 *   GPG_ERR_INV_PACKET / GPG_ERR_TOO_LARGE
 *                     a packet is damaged; keys before the damage were
 *                     imported, and the damage was reported through CB as
 *                     a rejection (weft_ctx_error() is then empty: there
 *                     is nothing more to say)
 *   GPG_ERR_EACCES    the keyring is read-only
 * Any other error (out of memory or disk) undoes the chunk it happened
 * in; weft_ctx_error() says how many keys earlier chunks stored. */
gpg_error_t weft_import(weft_ctx *ctx, const void *data, size_t len,
			const char *source, weft_import_cb cb, void *opaque,
			weft_import_stats *stats);

/* As weft_import, for DATA mapped read-only from a regular file (mmap,
 * PROT_READ, MAP_PRIVATE or MAP_SHARED, at the address mmap returned):
 * the pages of a large input are let go once read or once the keys on
 * them are committed, so the input need not stay in memory as a whole.
 * Nothing is written to DATA.  (The caller answers for the file not
 * shrinking meanwhile: reading a page past its end raises SIGBUS.) */
gpg_error_t weft_import_mapped(weft_ctx *ctx, const void *data, size_t len,
			       const char *source, weft_import_cb cb,
			       void *opaque, weft_import_stats *stats);

enum {
	WEFT_EXPORT_ARMOR = 1,
	WEFT_EXPORT_LOCAL = 2,    /* include non-exportable certifications */
	WEFT_EXPORT_SECRET = 4,   /* secret keys (protected as stored) */
};

/* Export the keys matching QUERIES (all keys when N is 0) into *OUT
 * (caller frees with free()).
 *   GPG_ERR_NOT_FOUND  a query matched nothing (nothing is exported) */
gpg_error_t weft_export(weft_ctx *ctx, const char *const *queries, size_t n,
			unsigned flags, uint8_t **out, size_t *outlen);

/* Export the one key KEY names (a query that must match exactly one)
 * with only the user ID UID (UID_LEN octets, exactly as the key has it),
 * its self-signatures and certifications, and the subkeys: what a
 * keysigning party sends to the address a user ID names (as caff does).
 * FLAGS as weft_export (not SECRET).
 *   GPG_ERR_NOT_FOUND       KEY matches no key, or the key has no such
 *                           user ID
 *   GPG_ERR_AMBIGUOUS_NAME  KEY matches several keys */
gpg_error_t weft_export_uid(weft_ctx *ctx, const char *key, const char *uid,
			    size_t uid_len, unsigned flags, uint8_t **out,
			    size_t *outlen);

/* Why weft_compact left the file as it was. */
typedef enum weft_compact_why {
	WEFT_COMPACT_OK = 0,     /* it compacted, or it returned an error */
	WEFT_COMPACT_BUSY,       /* another weft holds DIR/weft.lock */
	WEFT_COMPACT_IN_USE,     /* another process has the LMDB environment
				  * open: its reader table or lock.mdb shows
				  * one that does not take weft.lock (an
				  * older weft, another LMDB program) */
	WEFT_COMPACT_NO_LOCK,    /* this weft holds no lock it can make
				  * exclusive (weft.lock cannot be created,
				  * opened for writing or locked), so it
				  * cannot know that it is alone */
	WEFT_COMPACT_NOT_OWNER,  /* data.mdb belongs to another user */
	WEFT_COMPACT_CHANGED     /* a transaction was committed while the
				  * copy was written */
} weft_compact_why;

/* What weft_compact did.  DONE: the compacted file is the keyring;
 * BEFORE and AFTER are the file's size in octets.  When weft_compact
 * returns 0 with DONE false, WHY says why nothing was done and REASON
 * says it in words, for "keyring not compacted: REASON" ("another weft
 * has it open"); after an error REASON is empty (weft_ctx_error has
 * the detail). */
typedef struct weft_compact_stats {
	bool done;
	uint64_t before, after;
	weft_compact_why why;
	char reason[256];
} weft_compact_stats;

/* Rewrite the keyring file with LMDB's compacting copy: each database's
 * pages together and in key order, free pages left out.  After a large
 * import the databases' pages are interleaved through the file, and a
 * check or a listing that reads one of them pays for the others (weft
 * import compacts after storing WEFT_COMPACT_AFTER certificates).  The
 * new file replaces the old one only while no other process has the
 * keyring open (every weft holds a shared lock on DIR/weft.lock while it
 * has it open) and this one can prove it (its lock on weft.lock can be
 * made exclusive); otherwise nothing is done, STATS->done is false and
 * STATS->why and ->reason say why.  Interrupted, the keyring is the old
 * file or the whole new one.  No transaction of CTX may be open: the
 * environment is closed and opened again.
 *   GPG_ERR_EACCES  the keyring was opened read-only
 * Errors of writing the copy (a full disk) leave the keyring as it was;
 * if the keyring cannot be opened again afterwards, the context is left
 * with no keyring open.  An error with STATS->done true: the compacted
 * file is the keyring, but the directory could not be synced after the
 * rename (after a system crash the keyring may be the old file again,
 * whole). */
gpg_error_t weft_compact(weft_ctx *ctx, weft_compact_stats *stats);

/* What a compaction would leave out: *FILE the size of the keyring file,
 * *SPARE the octets of its pages that LMDB holds free (pages earlier
 * transactions replaced) and of the file past its last page.  A file
 * with little to spare gains nothing from a compaction either (one
 * import transaction into an empty keyring: tests/bench/NOTES.md).  It
 * reads in a transaction of its own: no transaction of CTX may be open
 * in this thread (as for weft_compact). */
gpg_error_t weft_compact_spare(weft_ctx *ctx, uint64_t *file,
			       uint64_t *spare);

/* weft import compacts the keyring after storing at least this many new
 * or changed certificates, when the file is WEFT_COMPACT_LARGE octets or
 * more (pages in key order save a large keyring's check more than half
 * its time, even with few pages free: 263.5 -> 238.5 MB at 100,000
 * keys), or when at least 1/WEFT_COMPACT_SPARE of it is spare
 * (weft_compact_spare).  A small file with little to spare is left: a
 * copy gains nothing there. */
#define WEFT_COMPACT_AFTER 1000
#define WEFT_COMPACT_LARGE ((uint64_t)16 << 20)
#define WEFT_COMPACT_SPARE 8

/* Check every index against the certificates.  CB gets one line per
 * problem.  *PROBLEMS counts them; 0 means consistent. */
typedef void (*weft_fsck_cb)(void *opaque, const char *problem);
gpg_error_t weft_fsck(weft_ctx *ctx, weft_fsck_cb cb, void *opaque,
		      uint64_t *problems, uint64_t *keys);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_STORE_H */
