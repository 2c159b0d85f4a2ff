/* init.c - one-time libgcrypt set-up, and random octets. */
#include <pthread.h>

#include "crypto-int.h"

#define WEFT_GCRYPT_MIN "1.10.0"
#define WEFT_SECMEM_SIZE (1024 * 1024)

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
static void
crypto_init_once(void)
{
	if (!gcry_check_version(WEFT_GCRYPT_MIN)) {
		init_err = WEFT_ERR(GPG_ERR_NOT_SUPPORTED);
		return;
	}
	if (gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P))
		return;
	gcry_control(GCRYCTL_USE_SECURE_RNDPOOL);
	gcry_control(GCRYCTL_DISABLE_SECMEM_WARN);
	/* Returns GPG_ERR_GENERAL when the pool could not be locked; the
	 * pool is usable all the same, so that is not an error for us. */
	(void)gcry_control(GCRYCTL_INIT_SECMEM, WEFT_SECMEM_SIZE, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
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
