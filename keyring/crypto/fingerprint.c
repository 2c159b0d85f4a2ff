/* fingerprint.c - v4 and v6 fingerprints and key IDs (RFC 9580 5.5.4). */
#include "crypto-int.h"

gpg_error_t
weft_key_fingerprint(const weft_pkt_key *k, uint8_t fpr[WEFT_FPR_MAX],
		     size_t *fpr_len)
{
	weft_hash *h = NULL;
	uint8_t algo;
	gpg_error_t err;

	memset(fpr, 0, WEFT_FPR_MAX);
	*fpr_len = 0;
	switch (k->version) {
	case 4:
		algo = WEFT_HASH_SHA1;
		break;
	case 6:
		algo = WEFT_HASH_SHA256;
		break;
	default:
		/* v3 (MD5 over n and e) is deliberately not supported. */
		return WEFT_ERR(GPG_ERR_UNKNOWN_VERSION);
	}
	if ((err = weft_hash_new_public(&h, algo)))
		goto leave;
	if ((err = weft_crypto__hash_key(h, k)))
		goto leave;
	weft_hash_final(h, fpr, fpr_len);
leave:
	weft_hash_free(h);
	return err;
}

void
weft_keyid_from_fpr(const uint8_t *fpr, size_t fpr_len, uint8_t keyid[8])
{
	memset(keyid, 0, 8);
	if (fpr_len == 32)
		memcpy(keyid, fpr, 8);               /* v6: high 64 bits */
	else if (fpr_len >= 8)
		memcpy(keyid, fpr + fpr_len - 8, 8); /* v4: low 64 bits */
}
