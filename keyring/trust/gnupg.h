/* gnupg.h - GnuPG's classic/pgp trust model (--model gnupg): validity
 * from ownertrust by counting signatures, exactly as gpg 2.2.40's
 * g10/trustdb.c validate_keys does (the algorithm is written out at the
 * top of gnupg.c; see also ../shared/gnupg-reference.md 4).
 *
 * Runs over every certificate of a source at once (GnuPG's algorithm is
 * global), then answers per key and user ID with the letter gpg prints
 * after --check-trustdb (field 2 of --with-colons pub and uid records):
 *   o, -  WEFT_VALIDITY_UNKNOWN      q  UNDEFINED    n  NEVER
 *   m     MARGINAL   f  FULL   u  ULTIMATE   e  EXPIRED   r  REVOKED
 * Revoked and expired are gpg's idea of them (which differs from
 * Sequoia's: a key revocation is final whatever its reason, a user ID is
 * revoked when its newest self-signature is a revocation).
 */
#ifndef WEFT_TRUST_GNUPG_H
#define WEFT_TRUST_GNUPG_H

#include "trust.h"
#include <weft/trust.h>

typedef struct weft_gnupg weft_gnupg;

/* One key's ownertrust (gpg's numbers, with the disabled flag). */
typedef struct weft_gnupg_owner {
	uint8_t fpr[WEFT_FPR_MAX];
	uint8_t fpr_len;
	uint8_t value;
} weft_gnupg_owner;

/* Compute validity at T ("now" for gpg) for the certificates FPRS
 * (every key of the keyring; those SRC does not know are left out,
 * duplicates folded), with ULTIMATE keys (own keys, explicit roots at
 * 120: gpg's --trusted-key) and OWNERS' ownertrust (a value whose low
 * bits say ultimate makes a key ultimate too, disabled or not), under
 * PARAMS (NULL or zeros: gpg's defaults 3, 1, 5, 2).  SRC's summaries
 * must outlive OUT.  OUT is freed with weft_gnupg_free.
 *   GPG_ERR_INV_VALUE  a parameter gpg refuses: marginals-needed < 2,
 *                      completes-needed < 1, max-cert-depth outside
 *                      1..255, min-cert-level outside 1..3
 *   GPG_ERR_ENOMEM, and whatever SRC's get returns but NOT_FOUND */
gpg_error_t weft_gnupg_run(weft_gnupg **out, const weft_tsource *src,
			   uint32_t t, const weft_troot *fprs, size_t nfprs,
			   const weft_troot *ultimate, size_t nultimate,
			   const weft_gnupg_owner *owners, size_t nowners,
			   const weft_gnupg_params *params);
void weft_gnupg_free(weft_gnupg *g);

/* Validity of (FPR, UID) as gpg shows it on the uid line: one of
 * WEFT_VALIDITY_*.  UNKNOWN for a key or user ID it does not know (UID
 * is the user ID's octets, or a user attribute's).  G may be NULL. */
weft_validity weft_gnupg_uid_validity(const weft_gnupg *g, const uint8_t *fpr,
				      size_t fpr_len, const uint8_t *uid,
				      size_t uid_len);
/* Validity of the key (gpg's pub line): revoked, expired, else the
 * highest of its user IDs'.  G may be NULL. */
weft_validity weft_gnupg_key_validity(const weft_gnupg *g, const uint8_t *fpr,
				      size_t fpr_len);

#endif /* WEFT_TRUST_GNUPG_H */
