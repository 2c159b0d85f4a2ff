/* gnupg.h - GnuPG's classic/pgp trust model (--model gnupg): validity
 * from ownertrust by counting signatures, exactly as gpg 2.2's
 * g10/trustdb.c validate_keys does (see ../shared/gnupg-reference.md 4).
 *
 * Runs over every certificate of a source at once (GnuPG's algorithm is
 * global), then answers per key and user ID.
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

/* Compute validity at T for the certificates FPRS (every key of the
 * keyring), with ULTIMATE keys (own keys, ownertrust ultimate, explicit
 * roots at 120: gpg's --trusted-key) and OWNERS' ownertrust, under PARAMS
 * (zeros: gpg's defaults).  OUT is freed with weft_gnupg_free. */
gpg_error_t weft_gnupg_run(weft_gnupg **out, const weft_tsource *src,
			   uint32_t t, const weft_troot *fprs, size_t nfprs,
			   const weft_troot *ultimate, size_t nultimate,
			   const weft_gnupg_owner *owners, size_t nowners,
			   const weft_gnupg_params *params);
void weft_gnupg_free(weft_gnupg *g);

/* Validity of (FPR, UID) as gpg shows it on the uid line: one of
 * WEFT_VALIDITY_*.  UNKNOWN for a key or user ID it does not know. */
weft_validity weft_gnupg_uid_validity(const weft_gnupg *g, const uint8_t *fpr,
				      size_t fpr_len, const uint8_t *uid,
				      size_t uid_len);
/* Validity of the key (gpg's pub line). */
weft_validity weft_gnupg_key_validity(const weft_gnupg *g, const uint8_t *fpr,
				      size_t fpr_len);

#endif /* WEFT_TRUST_GNUPG_H */
