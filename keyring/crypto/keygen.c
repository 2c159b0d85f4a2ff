/* keygen.c - new key pairs with gcry_pk_genkey, written as OpenPGP key
 * material (RFC 9580 5.5.5).
 *
 * What libgcrypt 1.10 hands back, and how it becomes OpenPGP:
 *
 *   Ed25519     (genkey(ecc(curve Ed25519)(flags eddsa))): q is the
 *               32-octet point, d the 32-octet seed.
 *               EdDSA legacy (22): OID, MPI 0x40||q; secret MPI d.
 *               Ed25519 (27): q; secret d (native).
 *   Curve25519  (genkey(ecc(curve Curve25519)(flags djb-tweak comp))):
 *               q is 0x40||u (u little-endian, as RFC 7748 writes it),
 *               d the clamped scalar in big-endian order.
 *               ECDH (18): OID, MPI q, KDF; secret MPI d (big-endian is
 *               what gpg writes and RFC 9580 5.5.5.6 calls for).
 *               X25519 (25): u; secret d reversed (native little-endian).
 *   RSA         (genkey(rsa(nbits N))) with e = 65537: n, e; secret d,
 *               p, q, u, where libgcrypt already orders p < q and makes
 *               u = p^-1 mod q, OpenPGP's convention.
 */
#include <stdlib.h>

#include "crypto-int.h"
#include "../util/mem.h"

static const uint8_t oid_ed25519[] = {
	0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01 };
static const uint8_t oid_cv25519[] = {
	0x2b, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01 };
/* KDF parameters gpg writes for Curve25519: reserved 1, SHA-256,
 * AES-128. */
static const uint8_t kdf_cv25519[] = { 0x03, 0x01, WEFT_HASH_SHA256,
				       WEFT_CIPHER_AES128 };

/* The octets of token NAME of the private key in KEY into a secure
 * buffer (caller frees with weft_secure_free(*out, *len)). */
static gpg_error_t
get_secure(gcry_sexp_t key, const char *name, uint8_t **out, size_t *len)
{
	gcry_sexp_t l = gcry_sexp_find_token(key, name, 0);
	const char *p;
	size_t n = 0;

	*out = NULL;
	*len = 0;
	if (!l)
		return WEFT_ERR(GPG_ERR_INTERNAL);
	p = gcry_sexp_nth_data(l, 1, &n);
	if (!p || !n || !(*out = weft_secure_alloc(n))) {
		gcry_sexp_release(l);
		return WEFT_ERR(p && n ? GPG_ERR_ENOMEM : GPG_ERR_INTERNAL);
	}
	memcpy(*out, p, n);
	*len = n;
	gcry_sexp_release(l);
	return 0;
}

/* Left-pad (or strip leading zeros of) P..N to exactly 32 octets in OUT;
 * false when it does not fit. */
static bool
to32(uint8_t out[32], const uint8_t *p, size_t n)
{
	while (n > 32 && !*p) {
		p++;
		n--;
	}
	if (n > 32)
		return false;
	memset(out, 0, 32 - n);
	memcpy(out + 32 - n, p, n);
	return true;
}

/* The packet body up to the material (version, time, algorithm); for
 * v6 the material's length follows. */
static void
put_head(weft_buf *pub, uint8_t version, uint32_t created, uint8_t algo,
	 size_t matlen)
{
	weft_buf_put_u8(pub, version);
	weft_buf_put_u32(pub, created);
	weft_buf_put_u8(pub, algo);
	if (version == 6)
		weft_buf_put_u32(pub, (uint32_t)matlen);
}

static gpg_error_t
gen_25519(uint8_t version, uint8_t algo, uint32_t created, weft_buf *pub,
	  weft_buf *sec)
{
	bool sign = algo == WEFT_PK_EDDSA_LEGACY || algo == WEFT_PK_ED25519;
	gcry_sexp_t parms = NULL, key = NULL, priv = NULL;
	uint8_t *q = NULL, *d = NULL, point[33], scalar[32];
	size_t qlen = 0, dlen = 0, i;
	weft_buf mat;
	gpg_error_t err;

	weft_buf_init(&mat);
	if ((err = gcry_sexp_build(&parms, NULL, sign ?
			"(genkey(ecc(curve Ed25519)(flags eddsa)))" :
			"(genkey(ecc(curve Curve25519)(flags djb-tweak comp)))")))
		goto leave;
	if ((err = gcry_pk_genkey(&key, parms)))
		goto leave;
	if (!(priv = gcry_sexp_find_token(key, "private-key", 0))) {
		err = WEFT_ERR(GPG_ERR_INTERNAL);
		goto leave;
	}
	if ((err = get_secure(priv, "q", &q, &qlen)) ||
	    (err = get_secure(priv, "d", &d, &dlen)))
		goto leave;
	/* The point: 32 octets, prefixed 0x40 in the legacy forms. */
	if (qlen == 33 && q[0] == 0x40)
		memcpy(point, q, 33);
	else if (qlen == 32) {
		point[0] = 0x40;
		memcpy(point + 1, q, 32);
	} else {
		err = WEFT_ERR(GPG_ERR_INTERNAL);
		goto leave;
	}
	if (!to32(scalar, d, dlen)) {
		err = WEFT_ERR(GPG_ERR_INTERNAL);
		goto leave;
	}
	switch (algo) {
	case WEFT_PK_EDDSA_LEGACY:
	case WEFT_PK_ECDH:
		weft_buf_put_u8(&mat, algo == WEFT_PK_ECDH ? sizeof oid_cv25519
							    : sizeof oid_ed25519);
		if (algo == WEFT_PK_ECDH)
			weft_buf_put(&mat, oid_cv25519, sizeof oid_cv25519);
		else
			weft_buf_put(&mat, oid_ed25519, sizeof oid_ed25519);
		weft_mpi_write(&mat, point, 33);
		if (algo == WEFT_PK_ECDH)
			weft_buf_put(&mat, kdf_cv25519, sizeof kdf_cv25519);
		weft_mpi_write(sec, scalar, 32);
		break;
	case WEFT_PK_ED25519:
		weft_buf_put(&mat, point + 1, 32);
		weft_buf_put(sec, scalar, 32);
		break;
	case WEFT_PK_X25519:
		weft_buf_put(&mat, point + 1, 32);
		/* Native X25519 secrets are little-endian. */
		for (i = 0; i < 32; i++)
			weft_buf_put_u8(sec, scalar[31 - i]);
		break;
	}
	if ((err = weft_buf_error(&mat)))
		goto leave;
	put_head(pub, version, created, algo, mat.len);
	weft_buf_put(pub, mat.data, mat.len);
	if (!(err = weft_buf_error(pub)))
		err = weft_buf_error(sec);
leave:
	weft_wipe(scalar, sizeof scalar);
	weft_secure_free(q, qlen);
	weft_secure_free(d, dlen);
	weft_buf_free(&mat);
	gcry_sexp_release(parms);
	gcry_sexp_release(priv);
	gcry_sexp_release(key);
	return err;
}

static gpg_error_t
gen_rsa(uint8_t version, unsigned bits, uint32_t created, weft_buf *pub,
	weft_buf *sec)
{
	static const char *const pubnames[] = { "n", "e" };
	static const char *const secnames[] = { "d", "p", "q", "u" };
	gcry_sexp_t parms = NULL, key = NULL, priv = NULL;
	uint8_t *v = NULL;
	size_t vlen = 0, i;
	weft_buf mat;
	gpg_error_t err;

	weft_buf_init(&mat);
	if (bits < 2048 || bits > 4096)
		return WEFT_ERR(GPG_ERR_INV_VALUE);
	if ((err = gcry_sexp_build(&parms, NULL,
				   "(genkey(rsa(nbits %d)(rsa-use-e %d)))",
				   (int)bits, 65537)))
		goto leave;
	if ((err = gcry_pk_genkey(&key, parms)))
		goto leave;
	if (!(priv = gcry_sexp_find_token(key, "private-key", 0))) {
		err = WEFT_ERR(GPG_ERR_INTERNAL);
		goto leave;
	}
	for (i = 0; i < 2; i++) {
		if ((err = get_secure(priv, pubnames[i], &v, &vlen)))
			goto leave;
		weft_mpi_write(&mat, v, vlen);
		weft_secure_free(v, vlen);
		v = NULL;
	}
	for (i = 0; i < 4; i++) {
		if ((err = get_secure(priv, secnames[i], &v, &vlen)))
			goto leave;
		weft_mpi_write(sec, v, vlen);
		weft_secure_free(v, vlen);
		v = NULL;
	}
	if ((err = weft_buf_error(&mat)))
		goto leave;
	put_head(pub, version, created, WEFT_PK_RSA, mat.len);
	weft_buf_put(pub, mat.data, mat.len);
	if (!(err = weft_buf_error(pub)))
		err = weft_buf_error(sec);
leave:
	weft_secure_free(v, vlen);
	weft_buf_free(&mat);
	gcry_sexp_release(parms);
	gcry_sexp_release(priv);
	gcry_sexp_release(key);
	return err;
}

/* gcry_pk_genkey draws GCRY_VERY_STRONG_RANDOM, for which libgcrypt
 * 1.10 sets up its jitter entropy collector (128 KiB) and keeps it until
 * the random device is closed; nothing else closes it, so it would stay
 * (and LeakSanitizer reports it).  Closing is harmless: libgcrypt opens
 * the device again when it next needs it. */
static gpg_error_t
done_with_entropy(gpg_error_t err)
{
	gcry_control(GCRYCTL_CLOSE_RANDOM_DEVICE, 0);
	return err;
}

gpg_error_t
weft_keygen(uint8_t version, uint8_t pk_algo, unsigned bits, uint32_t created,
	    weft_buf *pub, weft_buf *sec)
{
	if (version != 4 && version != 6)
		return WEFT_ERR(GPG_ERR_UNKNOWN_VERSION);
	switch (pk_algo) {
	case WEFT_PK_EDDSA_LEGACY:
	case WEFT_PK_ECDH:
		/* RFC 9580 9.2: not with v6 keys. */
		if (version != 4)
			return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
		/* fall through */
	case WEFT_PK_ED25519:
	case WEFT_PK_X25519:
		return done_with_entropy(gen_25519(version, pk_algo, created,
						   pub, sec));
	case WEFT_PK_RSA:
		return done_with_entropy(gen_rsa(version, bits, created, pub,
						 sec));
	default:
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	}
}
