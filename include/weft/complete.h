/* weft/complete.h - words for tab completion.
 *
 * weft_complete() looks the keyring's indexes up by prefix, so that an
 * interactive program can offer what the user may be about to type:
 * fingerprints, key IDs, email addresses and user IDs.  It only reads
 * (one read transaction) and works on a keyring that does not exist yet
 * (opened WEFT_OPEN_READONLY: no words).
 *
 * Words are NUL-terminated copies that belong to the list; they are safe
 * to show as they are: a word never contains control characters (below
 * 0x20, 0x7f, or U+0080..U+009F) or invalid UTF-8.  User IDs that have
 * any are left out (they cannot be typed).
 */
#ifndef WEFT_COMPLETE_H
#define WEFT_COMPLETE_H

#include <stddef.h>

#include <weft/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_ctx weft_ctx;

/* What to complete (bits). */
enum {
	WEFT_COMPLETE_FPR = 1,
	WEFT_COMPLETE_KEYID = 2,
	WEFT_COMPLETE_EMAIL = 4,
	WEFT_COMPLETE_UID = 8,
	WEFT_COMPLETE_ALL = 15,
};

/* N words, sorted; V[N] is NULL (a readline-style array). */
typedef struct weft_word_list {
	char **v;
	size_t n;
} weft_word_list;

/* The words of the kinds in WHAT that start with PREFIX, sorted (strcmp),
 * each once, at most MAX of them (0: no limit; the first MAX in that
 * order).  "" matches everything.
 *   WEFT_COMPLETE_FPR    primary-key fingerprints, 40 (v4) or 64 (v6)
 *                        upper-case hex digits
 *   WEFT_COMPLETE_KEYID  key IDs of primary keys and subkeys, 16
 *                        upper-case hex digits
 *   WEFT_COMPLETE_EMAIL  email addresses as the index keeps them (lower
 *                        case, IDNA domain)
 *   WEFT_COMPLETE_UID    user IDs, as the certificate has them (original
 *                        case)
 * Fingerprints and key IDs are tried only when PREFIX looks like hex: an
 * optional "0x" or "0X", then hex digits only, in either case, any number
 * of them (odd counts too).  The words never carry the "0x".  Addresses
 * and user IDs match PREFIX (with any "0x") ignoring case: PREFIX is
 * lower-cased as the indexes lower-case what they hold.
 *
 * On success *OUT is a list (N may be 0: nothing matches, which is not an
 * error); free it with weft_word_list_free.  On error *OUT is NULL.
 *   GPG_ERR_INV_VALUE        PREFIX is NULL
 *   GPG_ERR_NOT_INITIALIZED  no keyring is open
 *   GPG_ERR_ENOMEM, and the store's errors (weft_ctx_error() tells)
 * A certificate whose stored record cannot be read is skipped. */
gpg_error_t weft_complete(weft_ctx *ctx, const char *prefix, unsigned what,
			  size_t max, weft_word_list **out);
/* Accepts NULL. */
void weft_word_list_free(weft_word_list *l);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_COMPLETE_H */
