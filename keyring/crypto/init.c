/* init.c - one-time libgcrypt set-up, and random octets. */
#include <pthread.h>

#include "crypto-int.h"

#define WEFT_GCRYPT_MIN "1.10.0"
#define WEFT_SECMEM_SIZE (64 * 1024)

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static gpg_error_t init_err;

/* 1. Check the version (this also does libgcrypt's own global set-up).
 * 2. If the host program has already finished initialising libgcrypt
 *    (it linked us and ran its own set-up), keep its settings.
 * 3. Otherwise: keep the random pool in secure memory, silence the
 *    "insecure memory" warning (mlock needs privileges we may not have;
 *    libgcrypt then still uses its pool, just unlocked), make a 1 MiB
 *    secure memory pool and declare initialisation finished.
 * libgcrypt >= 1.6 does its own locking with pthreads; no thread
 * callbacks are needed. */
/* libgcrypt 1.10 initialises a few EdDSA constants lazily and without a
 * lock (_gcry_ecc_eddsa_recover_x); two threads verifying Ed25519 at the
 * same time can both allocate them and one copy leaks.  One verification
 * sets them up, run once before the first Ed25519 key is made (a key is
 * needed to verify), not at start-up: it is a whole verification, most
 * of a millisecond, which commands that verify nothing (authenticate,
 * list) need not pay.  RFC 8032 7.1, test 2. */
static pthread_once_t warm_once = PTHREAD_ONCE_INIT;

static void
warm_up(void)
{
	static const unsigned char q[32] = {
		0x3d, 0x40, 0x17, 0xc3, 0xe8, 0x43, 0x89, 0x5a, 0x92, 0xb7, 0x0a,
		0xa7, 0x4d, 0x1b, 0x7e, 0xbc, 0x9c, 0x98, 0x2c, 0xcf, 0x2e, 0xc4,
		0x96, 0x8c, 0xc0, 0xcd, 0x55, 0xf1, 0x2a, 0xf4, 0x66, 0x0c };
	static const unsigned char sig[64] = {
		0x92, 0xa0, 0x09, 0xa9, 0xf0, 0xd4, 0xca, 0xb8, 0x72, 0x0e, 0x82,
		0x0b, 0x5f, 0x64, 0x25, 0x40, 0xa2, 0xb2, 0x7b, 0x54, 0x16, 0x50,
		0x3f, 0x8f, 0xb3, 0x76, 0x22, 0x23, 0xeb, 0xdb, 0x69, 0xda, 0x08,
		0x5a, 0xc1, 0xe4, 0x3e, 0x15, 0x99, 0x6e, 0x45, 0x8f, 0x36, 0x13,
		0xd0, 0xf1, 0x1d, 0x8c, 0x38, 0x7b, 0x2e, 0xae, 0xb4, 0x30, 0x2a,
		0xee, 0xb0, 0x0d, 0x29, 0x16, 0x12, 0xbb, 0x0c, 0x00 };
	static const unsigned char msg[1] = { 0x72 };
	gcry_sexp_t key = NULL, data = NULL, sv = NULL;

	if (!gcry_sexp_build(&key, NULL,
			     "(public-key(ecc(curve Ed25519)(flags eddsa)(q %b)))",
			     (int)sizeof q, q) &&
	    !gcry_sexp_build(&data, NULL,
			     "(data(flags eddsa)(hash-algo sha512)(value %b))",
			     (int)sizeof msg, msg) &&
	    !gcry_sexp_build(&sv, NULL, "(sig-val(eddsa(r %b)(s %b)))", 32,
			     sig, 32, sig + 32))
		(void)gcry_pk_verify(sv, data, key);
	gcry_sexp_release(key);
	gcry_sexp_release(data);
	gcry_sexp_release(sv);
}

static void
crypto_init_once(void)
{
	if (!gcry_check_version(WEFT_GCRYPT_MIN)) {
		init_err = WEFT_ERR(GPG_ERR_NOT_SUPPORTED);
		return;
	}
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return;
	/* A small locked pool (GnuPG's agent uses 64 KiB too: locking a
	 * megabyte cost every command several milliseconds of page faults),
	 * grown in unlocked chunks when a large RSA key needs more rather
	 * than failing. */
	gcry_control(GCRYCTL_AUTO_EXPAND_SECMEM, 64 * 1024);
	gcry_control(GCRYCTL_USE_SECURE_RNDPOOL);
	gcry_control(GCRYCTL_DISABLE_SECMEM_WARN);
	/* Returns GPG_ERR_GENERAL when the pool could not be locked; the
	 * pool is usable all the same, so that is not an error for us. */
	(void)gcry_control(GCRYCTL_INIT_SECMEM, WEFT_SECMEM_SIZE, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
}

void
weft_crypto__eddsa_ready(void)
{
	(void)pthread_once(&warm_once, warm_up);
}

gpg_error_t
weft_crypto_init(void)
{
	if (pthread_once(&init_once, crypto_init_once))
		return WEFT_ERR(GPG_ERR_INTERNAL);
	return init_err;
}

void
weft_random(void *p, size_t n, bool strong)
{
	if (!n)
		return;
	if (strong)
		gcry_randomize(p, n, GCRY_STRONG_RANDOM);
	else
		gcry_create_nonce(p, n);  /* public values: salts, nonces */
}
