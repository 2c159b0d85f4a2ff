/* store.c - the secrets database (placeholder until secret keys land:
 * secret key material is not imported yet). */
#include "secret.h"

gpg_error_t
weft_secret__import(weft_ctx *ctx, weft_txn *t, const weft_cert *c,
		    bool *stored, weft_diag *note)
{
	*stored = false;
	(void)ctx;
	(void)t;
	(void)c;
	weft_diag_set(note, 0,
		"secret key material was not imported (only the public key)");
	return 0;
}

bool
weft_secret__have(weft_txn *t, const uint8_t *fpr, size_t fpr_len)
{
	const uint8_t *v;
	size_t n;

	return weft_store_get(t, WEFT_DB_SECRETS, fpr, fpr_len, &v, &n) == 0;
}
