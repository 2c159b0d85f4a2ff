/* s2k.c - from a passphrase to a key, and the ciphers that protect secret
 * keys: S2K (RFC 9580 3.7: simple, salted, iterated and salted, Argon2),
 * HKDF-SHA256 (RFC 5869), CFB without resynchronisation, and AEAD (EAX,
 * OCB, GCM).
 *
 * libgcrypt 1.10 has the OpenPGP S2K functions (gcry_kdf_derive), Argon2
 * (gcry_kdf_open/compute/final) and the three AEAD modes; HKDF comes in
 * 1.11 only, so it is written out here over HMAC. */
#include <pthread.h>
#include <stdlib.h>

#include "crypto-int.h"
#include "../util/mem.h"

/* ---- ciphers ------------------------------------------------------------------ */

static int
gcry_cipher_for(uint8_t algo)
{
	switch (algo) {
	case WEFT_CIPHER_IDEA: return GCRY_CIPHER_IDEA;
	case WEFT_CIPHER_3DES: return GCRY_CIPHER_3DES;
	case WEFT_CIPHER_CAST5: return GCRY_CIPHER_CAST5;
	case WEFT_CIPHER_BLOWFISH: return GCRY_CIPHER_BLOWFISH;
	case WEFT_CIPHER_AES128: return GCRY_CIPHER_AES128;
	case WEFT_CIPHER_AES192: return GCRY_CIPHER_AES192;
	case WEFT_CIPHER_AES256: return GCRY_CIPHER_AES256;
	case WEFT_CIPHER_TWOFISH: return GCRY_CIPHER_TWOFISH;
	case WEFT_CIPHER_CAMELLIA128: return GCRY_CIPHER_CAMELLIA128;
	case WEFT_CIPHER_CAMELLIA192: return GCRY_CIPHER_CAMELLIA192;
	case WEFT_CIPHER_CAMELLIA256: return GCRY_CIPHER_CAMELLIA256;
	default: return 0;
	}
}

static int
gcry_aead_mode_for(uint8_t aead)
{
	switch (aead) {
	case WEFT_AEAD_EAX: return GCRY_CIPHER_MODE_EAX;
	case WEFT_AEAD_OCB: return GCRY_CIPHER_MODE_OCB;
	case WEFT_AEAD_GCM: return GCRY_CIPHER_MODE_GCM;
	default: return 0;
	}
}

gpg_error_t
weft_cfb_crypt(uint8_t cipher_algo, const uint8_t *key, const uint8_t *iv,
	       bool encrypt, uint8_t *buf, size_t n)
{
	int galgo = gcry_cipher_for(cipher_algo);
	gcry_cipher_hd_t h = NULL;
	gpg_error_t err;

	if (!galgo || gcry_cipher_test_algo(galgo))
		return WEFT_ERR(GPG_ERR_CIPHER_ALGO);
	if ((err = gcry_cipher_open(&h, galgo, GCRY_CIPHER_MODE_CFB,
				    GCRY_CIPHER_SECURE)))
		return err;
	if ((err = gcry_cipher_setkey(h, key, weft_cipher_key_len(cipher_algo))) ||
	    (err = gcry_cipher_setiv(h, iv, weft_cipher_block_len(cipher_algo))))
		goto leave;
	err = encrypt ? gcry_cipher_encrypt(h, buf, n, NULL, 0)
		      : gcry_cipher_decrypt(h, buf, n, NULL, 0);
leave:
	gcry_cipher_close(h);
	return err;
}

/* 1. Open the cipher in the AEAD mode, set the key and the nonce.
 * 2. Feed the associated data, then declare the next call the last
 *    (OCB needs that before its final block).
 * 3. Encrypt and append the tag, or decrypt and check the tag. */
gpg_error_t
weft_aead_crypt(uint8_t cipher_algo, uint8_t aead_algo, const uint8_t *key,
		const uint8_t *nonce, size_t nonce_len, const void *ad,
		size_t adlen, bool encrypt, const uint8_t *in, size_t n,
		uint8_t *out)
{
	int galgo = gcry_cipher_for(cipher_algo);
	int mode = gcry_aead_mode_for(aead_algo);
	gcry_cipher_hd_t h = NULL;
	size_t len;
	gpg_error_t err;

	if (!galgo || !mode || weft_cipher_block_len(cipher_algo) != 16 ||
	    gcry_cipher_test_algo(galgo))
		return WEFT_ERR(GPG_ERR_CIPHER_ALGO);
	if (!encrypt && n < 16)
		return WEFT_ERR(GPG_ERR_CHECKSUM);
	len = encrypt ? n : n - 16;
	/* 1 */
	if ((err = gcry_cipher_open(&h, galgo, mode, GCRY_CIPHER_SECURE)))
		return err;
	if ((err = gcry_cipher_setkey(h, key, weft_cipher_key_len(cipher_algo))) ||
	    (err = gcry_cipher_setiv(h, nonce, nonce_len)))
		goto leave;
	/* 2 */
	if (adlen && (err = gcry_cipher_authenticate(h, ad, adlen)))
		goto leave;
	if ((err = gcry_cipher_final(h)))
		goto leave;
	/* 3 */
	if (encrypt) {
		if ((err = gcry_cipher_encrypt(h, out, len, in, len)))
			goto leave;
		err = gcry_cipher_gettag(h, out + len, 16);
	} else {
		if ((err = gcry_cipher_decrypt(h, out, len, in, len)))
			goto leave;
		if (gcry_cipher_checktag(h, in + len, 16)) {
			weft_wipe(out, len);
			err = WEFT_ERR(GPG_ERR_CHECKSUM);
		}
	}
leave:
	gcry_cipher_close(h);
	return err;
}

/* ---- key derivation -------------------------------------------------------------- */

uint32_t
weft_s2k_count(uint8_t c)
{
	return (uint32_t)(16 + (c & 15)) << ((c >> 4) + 6);
}

/* Argon2's lanes run in parallel: libgcrypt hands out one job per lane
 * and segment and waits for all of them before the next segment.  Each
 * job gets a thread; when none can be had it runs right here (the jobs
 * of one segment are independent, so order does not matter). */
#define ARGON2_THREADS 16

typedef struct kdf_job {
	gcry_kdf_job_fn_t fn;
	void *priv;
} kdf_job;

typedef struct kdf_jobs {
	pthread_t th[ARGON2_THREADS];
	kdf_job job[ARGON2_THREADS];
	unsigned n;
} kdf_jobs;

static void *
kdf_job_main(void *arg)
{
	kdf_job *j = arg;

	j->fn(j->priv);
	return NULL;
}

static int
kdf_dispatch(void *ctx, gcry_kdf_job_fn_t fn, void *priv)
{
	kdf_jobs *k = ctx;

	if (k->n < ARGON2_THREADS) {
		k->job[k->n].fn = fn;
		k->job[k->n].priv = priv;
		if (!pthread_create(&k->th[k->n], NULL, kdf_job_main,
				    &k->job[k->n])) {
			k->n++;
			return 0;
		}
	}
	fn(priv);
	return 0;
}

static int
kdf_wait_all(void *ctx)
{
	kdf_jobs *k = ctx;
	unsigned i;

	for (i = 0; i < k->n; i++)
		pthread_join(k->th[i], NULL);
	k->n = 0;
	return 0;
}

gpg_error_t
weft_argon2(int type, const void *pass, size_t passlen, const void *salt,
	    size_t saltlen, const void *secret, size_t secretlen,
	    const void *ad, size_t adlen, unsigned t, unsigned long m_kib,
	    unsigned p, uint8_t *out, size_t outlen)
{
	gcry_kdf_hd_t hd = NULL;
	unsigned long param[4];
	gpg_error_t err;

	param[0] = outlen;
	param[1] = t;
	param[2] = m_kib;
	param[3] = p;
	err = gcry_kdf_open(&hd, GCRY_KDF_ARGON2, type, param, 4, pass,
			    passlen, salt, saltlen, secret, secretlen, ad,
			    adlen);
	if (err)
		return gpg_err_code(err) == GPG_ERR_ENOMEM
			       ? err : WEFT_ERR(GPG_ERR_INV_VALUE);
	{
		kdf_jobs jobs;
		gcry_kdf_thread_ops_t ops;

		jobs.n = 0;
		ops.jobs_context = &jobs;
		ops.dispatch_job = kdf_dispatch;
		ops.wait_all_jobs = kdf_wait_all;
		if (!(err = gcry_kdf_compute(hd, p > 1 ? &ops : NULL)))
			err = gcry_kdf_final(hd, outlen, out);
	}
	gcry_kdf_close(hd);
	return err;
}

gpg_error_t
weft_s2k_derive(const weft_s2k *s, const void *pass, size_t passlen,
		uint8_t *key, size_t keylen)
{
	int md = 0;
	static const char empty[1] = "";

	/* libgcrypt wants a passphrase buffer even when it is empty. */
	if (!pass)
		pass = empty;
	switch (s->type) {
	case WEFT_S2K_SIMPLE:
	case WEFT_S2K_SALTED:
	case WEFT_S2K_ITERATED:
		if (!(md = weft_crypto__md_algo(s->hash_algo)))
			return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
		break;
	case WEFT_S2K_ARGON2:
		/* RFC 9580 3.7.1.4: Argon2id, encoded_m gives 2^m KiB. */
		return weft_argon2(GCRY_KDF_ARGON2ID, pass, passlen, s->salt,
				   16, NULL, 0, NULL, 0, s->passes,
				   1ul << s->mem_exp, s->parallelism, key,
				   keylen);
	default:
		return WEFT_ERR(GPG_ERR_NOT_SUPPORTED);
	}
	if (s->type == WEFT_S2K_SIMPLE)
		return gcry_kdf_derive(pass, passlen, GCRY_KDF_SIMPLE_S2K, md,
				       NULL, 0, 0, keylen, key);
	if (s->type == WEFT_S2K_SALTED)
		return gcry_kdf_derive(pass, passlen, GCRY_KDF_SALTED_S2K, md,
				       s->salt, 8, 0, keylen, key);
	return gcry_kdf_derive(pass, passlen, GCRY_KDF_ITERSALTED_S2K, md,
			       s->salt, 8, weft_s2k_count(s->count), keylen,
			       key);
}

/* HMAC-SHA256 of the concatenation of up to three pieces. */
static gpg_error_t
hmac256(const void *key, size_t keylen, const void *a, size_t alen,
	const void *b, size_t blen, const void *c, size_t clen, uint8_t out[32])
{
	gcry_md_hd_t h = NULL;
	gpg_error_t err;

	if ((err = gcry_md_open(&h, GCRY_MD_SHA256,
				GCRY_MD_FLAG_HMAC | GCRY_MD_FLAG_SECURE)))
		return err;
	if ((err = gcry_md_setkey(h, key, keylen)))
		goto leave;
	if (alen)
		gcry_md_write(h, a, alen);
	if (blen)
		gcry_md_write(h, b, blen);
	if (clen)
		gcry_md_write(h, c, clen);
	memcpy(out, gcry_md_read(h, GCRY_MD_SHA256), 32);
leave:
	gcry_md_close(h);
	return err;
}

/* RFC 5869: PRK = HMAC(salt, IKM); T(i) = HMAC(PRK, T(i-1) | info | i);
 * the output is T(1) | T(2) | ... cut to OUTLEN (at most 255 blocks). */
gpg_error_t
weft_hkdf_sha256(const void *ikm, size_t ikmlen, const void *salt,
		 size_t saltlen, const void *info, size_t infolen,
		 uint8_t *out, size_t outlen)
{
	static const uint8_t zeros[32];
	uint8_t *prk = NULL, *t = NULL, i;
	size_t done = 0, tlen = 0, n;
	gpg_error_t err;

	if (outlen > 255 * 32)
		return WEFT_ERR(GPG_ERR_INV_VALUE);
	prk = weft_secure_alloc(32);
	t = weft_secure_alloc(32);
	if (!prk || !t) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	if (!salt || !saltlen) {
		salt = zeros;
		saltlen = sizeof zeros;
	}
	if ((err = hmac256(salt, saltlen, ikm, ikmlen, NULL, 0, NULL, 0, prk)))
		goto leave;
	for (i = 1; done < outlen; i++) {
		if ((err = hmac256(prk, 32, t, tlen, info, infolen, &i, 1, t)))
			goto leave;
		tlen = 32;
		n = outlen - done < 32 ? outlen - done : 32;
		memcpy(out + done, t, n);
		done += n;
	}
leave:
	weft_secure_free(prk, 32);
	weft_secure_free(t, 32);
	return err;
}
