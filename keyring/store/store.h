/* store.h - the keyring in LMDB.  Callers outside store/ never see LMDB:
 * only files in store/ include <lmdb.h>.
 *
 * Databases (DESIGN.md 2):
 *   certs    primary fingerprint -> record: "WC", format 2, flags,
 *            nsigs (u32), one state per signature, the verified issuers
 *            of third-party signatures, canonical packets
 *   tnodes   primary fingerprint -> the certificate's summary
 *            (cert/summary.h): what trust questions need, no packets
 *   keyids   (dupsort) 8-octet key ID of primary and subkeys -> primary fpr
 *   emails   (dupsort) lower-cased address -> primary fpr
 *   uids     (dupsort) lower-cased user ID (first 480 octets) -> fpr
 *   pending  (dupsort) issuer key ID -> target fpr (issuer not present)
 *   roots    fingerprint -> trust root amount (explicit roots)
 *   ownertrust fingerprint -> GnuPG ownertrust value
 *   secrets  primary fingerprint -> protected secret keys (secret/)
 *   x509     SHA-256 of a DER certificate or CRL -> the X.509 bridge's
 *            record of it (keyring/x509/x509.h has the format)
 *   meta     name -> value ("schema" -> "2")
 *   tsupp    fingerprint -> a supplement summary: records about a key
 *            that no OpenPGP packet carries (the X.509 bridge's derived
 *            keys: their user IDs, X.509 issuances, CRL revocations, the
 *            user's trust in a CA root).  tnodes holds the certificate's
 *            summary merged with it (weft_summary_merge), or the
 *            supplement alone when no certificate has that fingerprint
 *   x509idx  (dupsort) the X.509 bridge's indexes, a kind octet then the
 *            key:  'f' derived fpr -> SHA-256 of each certificate with
 *            that key;  'k' key ID -> derived fpr;  'g' keygrip ->
 *            derived fpr;  'e' lower-cased address -> derived fpr;
 *            'u' lower-cased user ID (weft_store_uid_key) -> derived fpr
 *   x509keys derived fpr -> its OpenPGP v4 public key packet (header
 *            included), so that certifications made with a CA's key in
 *            OpenPGP verify (store/import-tp.c)
 *
 * Databases added after schema 2 (tsupp, x509idx, x509keys) are created
 * when a keyring is opened for writing; read-only opens of older
 * keyrings see them as empty.
 *
 * Lifetimes: pointers returned by weft_store_*_get point into the map and
 * are valid until the transaction ends or the next write in it.
 *
 * Errors: MDB_NOTFOUND becomes GPG_ERR_NOT_FOUND; errno values pass
 * through gpg_err_code_from_errno; other LMDB codes become GPG_ERR_INTERNAL
 * (MDB_MAP_FULL: GPG_ERR_ENOSPC) with mdb_strerror in the diag.
 */
#ifndef WEFT_STORE_STORE_H
#define WEFT_STORE_STORE_H

#include "../internal.h"
#include "../cert/cert.h"
#include "../util/diag.h"

#define WEFT_SCHEMA_VERSION 2
/* Octets of a user ID kept as its key in the uids index. */
#define WEFT_UID_KEY_MAX 480

typedef struct weft_store weft_store;
typedef struct weft_txn weft_txn;

enum weft_db {
	WEFT_DB_CERTS = 0,
	WEFT_DB_KEYIDS,
	WEFT_DB_EMAILS,
	WEFT_DB_UIDS,
	WEFT_DB_PENDING,
	WEFT_DB_ROOTS,
	WEFT_DB_SECRETS,
	WEFT_DB_X509,
	WEFT_DB_META,
	WEFT_DB_TNODES,
	WEFT_DB_OWNERTRUST,
	WEFT_DB_TSUPP,
	WEFT_DB_X509IDX,
	WEFT_DB_X509KEYS,
	WEFT_DB_COUNT
};

bool weft_store_exists(const char *dir);
gpg_error_t weft_store_open(weft_store **out, const char *dir, bool readonly,
			    weft_diag *diag);
void weft_store_close(weft_store *s);

/* A NULL store gives transactions over an empty keyring. */
gpg_error_t weft_txn_begin(weft_store *s, bool write, weft_txn **out);
gpg_error_t weft_txn_commit(weft_txn *t);   /* frees T, also on error */
void weft_txn_abort(weft_txn *t);
/* Drop this process's mapping of the keyring pages it has read (they
 * stay in the page cache); between the chunks of a large import. */
void weft_store_release_pages(weft_store *s);
/* Called on every read of the map (get, and each step of a walk); now
 * and then it looks at how much of the keyring this process has mapped
 * and lets go of it past a budget (64 MiB).  Long runs of lookups that
 * do not go through weft_store_get may call it too.  Any thread. */
void weft_store_breathe(weft_store *s);
/* ON: commits leave out the second sync LMDB makes of the meta page
 * (MDB_NOMETASYNC), which the next commit's sync then covers: a system
 * crash may undo the last commit, never part of one (atomicity and
 * consistency stay).  For the chunks of one import, whose last commit
 * is made durable by weft_store_sync.  OFF: back to a sync per write.
 * The flag is the environment's: only while this thread is the keyring's
 * one writer in the process (an import is). */
void weft_store_lazy_commits(weft_store *s, bool on);
/* Make every commit so far durable (LMDB's mdb_env_sync, forced). */
gpg_error_t weft_store_sync(weft_store *s);
void weft_txn_breathe(weft_txn *t);                 /* accepts NULL */
/* Keep the pages of P (LEN octets, in the map) mapped through releases
 * until the transaction ends: the records a long question reads over and
 * over (the trust roots' and introducers' summaries in weft check), which
 * would otherwise be faulted in again after every release.  At most 16
 * MiB in all; beyond that (or outside the map) it does nothing. */
void weft_txn_keep_mapped(weft_txn *t, const void *p, size_t len);

/* Raw access. */
gpg_error_t weft_store_get(weft_txn *t, int db, const void *key, size_t klen,
			   const uint8_t **val, size_t *vlen);
gpg_error_t weft_store_put(weft_txn *t, int db, const void *key, size_t klen,
			   const void *val, size_t vlen);
/* Delete KEY (all its values when VAL is NULL).  Absent is not an error. */
gpg_error_t weft_store_del(weft_txn *t, int db, const void *key, size_t klen,
			   const void *val, size_t vlen);

/* Iterate: every value of KEY (dupsort dbs), or, with KEY NULL, every
 * (key, value) pair.  The callback returns non-zero to stop; that value is
 * returned. */
typedef gpg_error_t (*weft_store_cb)(void *opaque, const uint8_t *key,
				     size_t klen, const uint8_t *val,
				     size_t vlen);
gpg_error_t weft_store_each(weft_txn *t, int db, const void *key,
			    size_t klen, weft_store_cb cb, void *opaque);
/* Iterate over every (key, value) pair whose key starts with the PLEN
 * octets of PREFIX (PLEN 0: every pair), in key order; in dupsort dbs
 * every value of each key, in value order.  The callback returns non-zero
 * to stop; that value is returned (callers that stop early by design
 * return GPG_ERR_EOF and treat it as success).  A missing database or
 * the empty keyring visits nothing and returns 0. */
gpg_error_t weft_store_each_prefix(weft_txn *t, int db, const void *prefix,
				   size_t plen, weft_store_cb cb,
				   void *opaque);
/* Is the pair (KEY, VAL) present?  GPG_ERR_NOT_FOUND when not. */
gpg_error_t weft_store_has(weft_txn *t, int db, const void *key, size_t klen,
			   const void *val, size_t vlen);
/* Number of entries in a database. */
gpg_error_t weft_store_count(weft_txn *t, int db, uint64_t *n);
/* LMDB's number for T: a write transaction's is one more than the last
 * committed one's (0: no LMDB transaction, as in the empty keyring).
 * LMDB numbers only commits that change something, so a writer that
 * wants to tell, from its next transaction's number, whether another
 * wrote in between makes its own transaction change something first
 * (weft_txn_touch): then that number is one past its own exactly when
 * nobody else committed. */
uint64_t weft_txn_id(weft_txn *t);
/* Make the write transaction T change the keyring (a record written and
 * deleted again): its commit takes a number, and leaves no trace. */
gpg_error_t weft_txn_touch(weft_txn *t);

/* ---- certificates ------------------------------------------------------------ */

/* Load the certificate with primary fingerprint FPR.  GPG_ERR_NOT_FOUND. */
gpg_error_t weft_store_cert_load(weft_txn *t, const uint8_t *fpr,
				 size_t fpr_len, weft_cert **out,
				 weft_diag *diag);
/* Load only its primary key (no user IDs, subkeys or signatures): what
 * verifying a certification it made needs, without decoding the
 * thousands of certifications a well-known key carries. */
gpg_error_t weft_store_cert_load_primary(weft_txn *t, const uint8_t *fpr,
					 size_t fpr_len, weft_cert **out,
					 weft_diag *diag);
/* Parse a stored record. */
gpg_error_t weft_store_cert_decode(const uint8_t *val, size_t vlen,
				   weft_cert **out, weft_diag *diag);
/* Store C (canonical form), its summary, and bring every index up to
 * date.  OLD is what was stored before (NULL for a new certificate): only
 * the index entries that differ between OLD and C are deleted or added
 * (index.c).  GPG_ERR_TOO_LARGE beyond
 * WEFT_MAX_CERT. */
gpg_error_t weft_store_cert_put(weft_txn *t, const weft_cert *c,
				const weft_cert *old);
/* The stored summary record of FPR (borrowed until the txn ends). */
gpg_error_t weft_store_summary_get(weft_txn *t, const uint8_t *fpr,
				   size_t fpr_len, const uint8_t **rec,
				   size_t *len);

/* ---- supplements (see tsupp above) ------------------------------------------ */

/* Set FPR's supplement to the summary record REC (weft_summary_write)
 * and rewrite its tnodes record: the certificate's summary merged with
 * it, or REC alone.  GPG_ERR_INV_DATA when REC does not decode,
 * GPG_ERR_CONFLICT when it names another key. */
gpg_error_t weft_store_supplement_put(weft_txn *t, const uint8_t *fpr,
				      size_t fpr_len, const uint8_t *rec,
				      size_t len);
/* Drop FPR's supplement: its tnodes record becomes the certificate's
 * summary, or goes when there is no certificate.  Absent is no error. */
gpg_error_t weft_store_supplement_del(weft_txn *t, const uint8_t *fpr,
				      size_t fpr_len);
/* What FPR's tnodes record must hold (for fsck): into OUT, *ANY false
 * when neither a certificate nor a supplement has FPR. */
gpg_error_t weft_store_tnode_expected(weft_txn *t, const uint8_t *fpr,
				      size_t fpr_len, weft_buf *out,
				      bool *any);

/* Every value of KIND||KEY in x509idx (see above); CB as
 * weft_store_each. */
gpg_error_t weft_store_x509idx_each(weft_txn *t, uint8_t kind,
				    const void *key, size_t klen,
				    weft_store_cb cb, void *opaque);

/* Primary fingerprints whose certificate has key ID KEYID (primary or
 * subkey), by email, or whose user IDs contain NEEDLE (case-insensitive).
 * CB gets (fpr, fpr_len) as (val, vlen). */
gpg_error_t weft_store_by_keyid(weft_txn *t, const uint8_t keyid[8],
				weft_store_cb cb, void *opaque);
gpg_error_t weft_store_by_email(weft_txn *t, const char *email,
				weft_store_cb cb, void *opaque);
gpg_error_t weft_store_by_uid_substring(weft_txn *t, const char *needle,
					weft_store_cb cb, void *opaque);
/* The key of user ID UID (LEN octets) in the uids index, written to OUT:
 * lower case (Unicode; ASCII only when UID is not UTF-8), at most
 * WEFT_UID_KEY_MAX octets (cut there, possibly inside a character).
 * Returns its length. */
size_t weft_store_uid_key(const uint8_t *uid, size_t len,
			  uint8_t out[WEFT_UID_KEY_MAX]);

/* The index entries a certificate implies, in the order cert_put writes
 * them (for fsck): CB gets each one's database number DB, key and value.
 * T is not read (the entries follow from C alone). */
typedef gpg_error_t (*weft_index_cb)(void *opaque, int db, const uint8_t *key,
				     size_t klen, const uint8_t *val,
				     size_t vlen);
gpg_error_t weft_store_cert_index(weft_txn *t, const weft_cert *c,
				  weft_index_cb cb, void *opaque);


const char *weft_store_db_name(int db);

#endif /* WEFT_STORE_STORE_H */
