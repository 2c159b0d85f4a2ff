/* query.h - resolving what a user typed to primary fingerprints. */
#ifndef WEFT_STORE_QUERY_H
#define WEFT_STORE_QUERY_H

#include "store.h"
#include <weft/weft.h>

/* A set of fingerprints: each entry is the length octet then the
 * fingerprint, zero-padded, so entries sort and compare as memory. */
typedef struct weft_fprset {
	uint8_t (*v)[WEFT_FPR_MAX + 1];
	size_t n, cap;
} weft_fprset;

gpg_error_t weft_fprset_add(weft_fprset *s, const uint8_t *fpr, size_t len);
void weft_fprset_sort(weft_fprset *s);   /* sorts and drops duplicates */
void weft_fprset_free(weft_fprset *s);

/* Add the primary fingerprints matching QUERY (see weft_keys_find) to
 * OUT.  FLAGS: WEFT_FIND_EXACT. */
gpg_error_t weft_query_resolve(weft_txn *txn, const char *query,
			       unsigned flags, weft_fprset *out);

/* weft_keys_each without trust, in TXN: FN gets each key matching
 * QUERY, by fingerprint, to fill in and use (it is freed after FN
 * returns; an error from FN stops the walk and is returned).  Validity
 * is "unknown" unless expired or revoked and amounts are 0: the trust
 * layer fills them in.
 *   GPG_ERR_NOT_FOUND  a non-empty QUERY matches nothing */
typedef gpg_error_t (*weft_store__key_fn)(void *arg, weft_key_info *k);
gpg_error_t weft_store__keys_each(weft_ctx *ctx, weft_txn *txn,
				  const char *query, unsigned flags,
				  weft_store__key_fn fn, void *arg);

/* The last step of every export: BIN as it is, or armored with LABEL
 * (nothing for an empty BIN), handed to the caller as *OUT (freed with
 * free()); BIN is emptied. */
gpg_error_t weft_export__finish(weft_buf *bin, bool armor, const char *label,
				uint8_t **out, size_t *outlen);

#endif /* WEFT_STORE_QUERY_H */
