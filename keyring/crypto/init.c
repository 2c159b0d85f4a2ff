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
/* libgcrypt 1.10 initialises some constants lazily and without a lock:
 * the primes of its fast field arithmetic (mpi/ec.c, ec_p_init, at the
 * first context of a curve) and the exponents of EdDSA's square roots
 * (cipher/ecc-eddsa.c, _gcry_ecc_eddsa_recover_x for Ed25519,
 * ecc_ed448_recover_x for Ed448).  Two threads verifying at the same
 * time can both allocate one, and one copy leaks.  Before the first
 * elliptic-curve key is made (a key is needed to verify or sign), a
 * context of secp256k1, the last curve of ec_p_init's table (its loop
 * sets up every prime before the one it matches; NIST P-521 covers all
 * but secp256k1 where that curve is not allowed), and the decoding of a
 * point of each Edwards curve set them all up: about 0.3 ms once per
 * process, where a whole verification (the set-up before) took 0.65 ms
 * and left Ed448 out.  Not at start-up: commands that verify nothing
 * (authenticate, list) need not pay.  The points are the public keys of
 * RFC 8032 7.1 test 1 and 7.4 "Blank". */
static pthread_once_t warm_once = PTHREAD_ONCE_INIT;

static void
warm_curve(const char *curve, const uint8_t *point, size_t len)
{
	gcry_ctx_t ctx = NULL;
	gcry_mpi_point_t p = NULL;
	gcry_mpi_t v = NULL;

	if (gcry_mpi_ec_new(&ctx, NULL, curve))
		return;
	if (point && (v = gcry_mpi_set_opaque_copy(NULL, point, len * 8)) &&
	    (p = gcry_mpi_point_new(0)))
		(void)gcry_mpi_ec_decode_point(p, v, ctx);
	gcry_mpi_point_release(p);
	gcry_mpi_release(v);
	gcry_ctx_release(ctx);
}

static void
warm_up(void)
{
	static const uint8_t ed25519[32] = {
		0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b,
		0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3,
		0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07,
		0x51, 0x1a };
	static const uint8_t ed448[57] = {
		0x5f, 0xd7, 0x44, 0x9b, 0x59, 0xb4, 0x61, 0xfd, 0x2c, 0xe7,
		0x87, 0xec, 0x61, 0x6a, 0xd4, 0x6a, 0x1d, 0xa1, 0x34, 0x24,
		0x85, 0xa7, 0x0e, 0x1f, 0x8a, 0x0e, 0xa7, 0x5d, 0x80, 0xe9,
		0x67, 0x78, 0xed, 0xf1, 0x24, 0x76, 0x9b, 0x46, 0xc7, 0x06,
		0x1b, 0xd6, 0x78, 0x3d, 0xf1, 0xe5, 0x0f, 0x6c, 0xd1, 0xfa,
		0x1a, 0xbe, 0xaf, 0xe8, 0x25, 0x61, 0x80 };

	warm_curve("Ed25519", ed25519, sizeof ed25519);
	warm_curve("Ed448", ed448, sizeof ed448);
	warm_curve("NIST P-521", NULL, 0);
	warm_curve("secp256k1", NULL, 0);
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
weft_crypto__ec_ready(void)
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
