/* gnupg.c - GnuPG's trust model (placeholder: not implemented yet). */
#include <stdlib.h>

#include "gnupg.h"

struct weft_gnupg {
	int unused;
};

gpg_error_t
weft_gnupg_run(weft_gnupg **out, const weft_tsource *src, uint32_t t,
	       const weft_troot *fprs, size_t nfprs, const weft_troot *ultimate,
	       size_t nultimate, const weft_gnupg_owner *owners, size_t nowners,
	       const weft_gnupg_params *params)
{
	(void)src; (void)t; (void)fprs; (void)nfprs; (void)ultimate;
	(void)nultimate; (void)owners; (void)nowners; (void)params;
	*out = NULL;
	return WEFT_ERR(GPG_ERR_NOT_IMPLEMENTED);
}

void
weft_gnupg_free(weft_gnupg *g)
{
	free(g);
}

weft_validity
weft_gnupg_uid_validity(const weft_gnupg *g, const uint8_t *fpr,
			size_t fpr_len, const uint8_t *uid, size_t uid_len)
{
	(void)g; (void)fpr; (void)fpr_len; (void)uid; (void)uid_len;
	return WEFT_VALIDITY_UNKNOWN;
}

weft_validity
weft_gnupg_key_validity(const weft_gnupg *g, const uint8_t *fpr,
			size_t fpr_len)
{
	(void)g; (void)fpr; (void)fpr_len;
	return WEFT_VALIDITY_UNKNOWN;
}
