/* init.c - weft_crypto_init in a host program that set libgcrypt up
 * itself, called from several threads at once, which then share one
 * weft_pubkey read-only. */
#include <pthread.h>

#include "cryptotest.h"

#include <gcrypt.h>  /* the test plays the host program */

#define NTHREADS 8
#define ROUNDS 10

static ct_file cert;
static weft_pubkey *pk;
static int sig_index;

static void *
worker(void *arg)
{
	long bad = 0;
	int r;
	weft_sig_target t;
	weft_pkt_sig s;

	(void)arg;
	if (weft_crypto_init())
		return (void *)1L;
	t = ct_target(&cert, sig_index);
	for (r = 0; r < ROUNDS; r++) {
		s = cert.item[sig_index].sig;
		if (weft_sig_verify(pk, &s, &t))
			bad++;
		s.left16[0] ^= 1;
		if (gpg_err_code(weft_sig_verify(pk, &s, &t)) !=
		    GPG_ERR_BAD_SIGNATURE)
			bad++;
	}
	return (void *)bad;
}

int
main(void)
{
	pthread_t th[NTHREADS];
	void *ret;
	int i;

	/* the host's own set-up, finished before weft is called */
	T_CHECK(gcry_check_version(NULL) != NULL, "gcry_check_version");
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);

	ct_load(&cert, "gpg-ed25519.pgp");
	for (sig_index = 0; sig_index < cert.n &&
	     cert.item[sig_index].tag != WEFT_PKT_SIGNATURE; sig_index++)
		;
	T_OK(weft_pubkey_new(&pk, &cert.item[0].key));

	for (i = 0; i < NTHREADS; i++)
		T_CHECK(!pthread_create(&th[i], NULL, worker, NULL),
			"pthread_create");
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], &ret);
		T_CHECK(ret == NULL, "thread %d: %ld failures", i, (long)ret);
	}
	/* the host's choice (no secure memory) was kept */
	T_CHECK(gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P),
		"initialisation no longer finished");
	T_OK(weft_crypto_init());
	{
		void *p = gcry_malloc_secure(16);

		T_CHECK(p && !gcry_is_secure(p),
			"weft set up secure memory over the host's choice");
		gcry_free(p);
	}

	weft_pubkey_free(pk);
	ct_free(&cert);
	return t_done();
}
