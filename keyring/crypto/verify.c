/* verify.c - what a signature hashes (RFC 9580 5.2.4), and checking it. */
#include "crypto-int.h"

/* Does the target carry exactly what a signature of TYPE covers? */
static bool
target_fits(uint8_t type, const weft_sig_target *t)
{
	bool key = t->primary && !t->data;
	bool uid = t->uid_tag == WEFT_PKT_USER_ID ||
		   t->uid_tag == WEFT_PKT_USER_ATTR;

	if (!uid && (t->uid || t->uid_len || t->uid_tag))
		return false;  /* a half-filled user ID */
	if (t->uid_len && !t->uid)
		return false;
	switch (type) {
	case WEFT_SIG_BINARY:
	case WEFT_SIG_TEXT:
		return t->data && !t->primary && !t->subkey && !uid;
	case WEFT_SIG_STANDALONE:
	case WEFT_SIG_TIMESTAMP:
		return !t->data && !t->primary && !t->subkey && !uid;
	case WEFT_SIG_GENERIC_CERT:
	case WEFT_SIG_PERSONA_CERT:
	case WEFT_SIG_CASUAL_CERT:
	case WEFT_SIG_POSITIVE_CERT:
	case WEFT_SIG_CERT_REVOCATION:
		return key && uid && !t->subkey;
	case WEFT_SIG_SUBKEY_BINDING:
	case WEFT_SIG_PRIMARY_BINDING:
	case WEFT_SIG_SUBKEY_REVOCATION:
		return key && t->subkey && !uid;
	case WEFT_SIG_DIRECT_KEY:
	case WEFT_SIG_KEY_REVOCATION:
		return key && !t->subkey && !uid;
	default:
		/* 0x50 third-party confirmation and unknown types. */
		return false;
	}
}

static void
put_u32(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

gpg_error_t
weft_sig_data_hash_new(weft_hash **out, const weft_pkt_sig *sig)
{
	gpg_error_t err;

	*out = NULL;
	if ((err = weft_hash_new(out, sig->hash_algo)))
		return err;
	if (sig->version == 6)
		weft_hash_write(*out, sig->salt, sig->salt_len);
	return 0;
}

/* 1. Check the hash algorithm, the version and that the target fits the
 *    signature type.
 * 2. Start the hash: a copy of the caller's running hash for data
 *    signatures (a v6 salt is already in it), else a new one that gets
 *    the v6 salt first.
 * 3. Key signatures: the primary key, then the subkey, each framed by
 *    its own version (0x99 + len16 for v3/v4 keys, 0x9B + len32 for v6);
 *    then the user ID or attribute, framed with 0xB4/0xD1 + len32 unless
 *    the signature is v3.
 * 4. The signature's hashed part; for v4/v6 the trailer VERSION 0xFF
 *    len32(hashed part).
 * 5. Finish into DIGEST. */
gpg_error_t
weft_sig_digest(const weft_pkt_sig *sig, const weft_sig_target *t,
		uint8_t digest[64], size_t *digest_len)
{
	weft_hash *h = NULL;
	uint8_t hdr[6];
	gpg_error_t err;

	memset(digest, 0, 64);
	*digest_len = 0;

	/* 1 */
	if (!weft_hash_algo_len(sig->hash_algo) ||
	    !weft_crypto__md_algo(sig->hash_algo))
		return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
	if (sig->version != 3 && sig->version != 4 && sig->version != 6)
		return WEFT_ERR(GPG_ERR_UNKNOWN_VERSION);
	if (!target_fits(sig->type, t))
		return WEFT_ERR(GPG_ERR_SIG_CLASS);

	/* 2 */
	if (t->data) {
		if (weft_crypto__hash_algo(t->data) != sig->hash_algo)
			return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
		if ((err = weft_hash_copy(&h, t->data)))
			goto leave;
	} else {
		/* A key signature: public data. */
		if ((err = weft_hash_new_public(&h, sig->hash_algo)))
			goto leave;
		if (sig->version == 6)
			weft_hash_write(h, sig->salt, sig->salt_len);
	}

	/* 3 */
	if (t->primary && (err = weft_crypto__hash_key(h, t->primary)))
		goto leave;
	if (t->subkey && (err = weft_crypto__hash_key(h, t->subkey)))
		goto leave;
	if (t->uid_tag) {
		if (sig->version != 3) {
			if (t->uid_len > 0xffffffffu) {
				err = WEFT_ERR(GPG_ERR_TOO_LARGE);
				goto leave;
			}
			hdr[0] = t->uid_tag == WEFT_PKT_USER_ATTR ? 0xd1 : 0xb4;
			put_u32(hdr + 1, t->uid_len);
			weft_hash_write(h, hdr, 5);
		}
		weft_hash_write(h, t->uid, t->uid_len);
	}

	/* 4 */
	weft_hash_write(h, sig->hashed_part, sig->hashed_part_len);
	if (sig->version != 3) {
		if (sig->hashed_part_len > 0xffffffffu) {
			err = WEFT_ERR(GPG_ERR_TOO_LARGE);
			goto leave;
		}
		hdr[0] = sig->version;
		hdr[1] = 0xff;
		put_u32(hdr + 2, sig->hashed_part_len);
		weft_hash_write(h, hdr, 6);
	}

	/* 5 */
	weft_hash_final(h, digest, digest_len);
leave:
	weft_hash_free(h);
	return err;
}

static bool
sig_algo_fits(const weft_pk_ops *ops, uint8_t sig_algo)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(ops->sig_algos); i++)
		if (ops->sig_algos[i] && ops->sig_algos[i] == sig_algo)
			return true;
	return false;
}

/* 1. The key must be able to sign, and the signature must name the key's
 *    algorithm (RSA keys take RSA and RSA-sign-only signatures).
 * 2. The hash must be one we have and, for Ed25519/Ed448, long enough.
 * 3. v6: the salt must have the size the hash algorithm prescribes.
 * 4. Compute the digest; its left 16 bits must match the packet's (a
 *    cheap rejection before the public-key operation).
 * 5. The algorithm's row checks the signature values. */
gpg_error_t
weft_sig_verify(const weft_pubkey *pk, const weft_pkt_sig *sig,
		const weft_sig_target *t)
{
	const weft_pk_ops *ops = pk->ops;
	uint8_t digest[64];
	size_t dlen = 0;
	gpg_error_t err;

	/* 1 */
	if (!ops->verify || !sig_algo_fits(ops, sig->pk_algo))
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	/* 2 */
	if (!weft_hash_algo_len(sig->hash_algo) ||
	    !weft_crypto__md_algo(sig->hash_algo) ||
	    weft_hash_algo_len(sig->hash_algo) < ops->min_digest)
		return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
	/* 3 */
	if (sig->version == 6 &&
	    (!weft_hash_v6_salt_len(sig->hash_algo) ||
	     sig->salt_len != weft_hash_v6_salt_len(sig->hash_algo)))
		return WEFT_ERR(GPG_ERR_BAD_SIGNATURE);
	/* 4 */
	if ((err = weft_sig_digest(sig, t, digest, &dlen)))
		goto leave;
	if (digest[0] != sig->left16[0] || digest[1] != sig->left16[1]) {
		err = WEFT_ERR(GPG_ERR_BAD_SIGNATURE);
		goto leave;
	}
	/* 5 */
	err = ops->verify(pk, sig, digest, dlen);
leave:
	return err;
}
