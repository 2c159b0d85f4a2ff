/* hash.c - weft_hash over gcry_md: known answers, copies, unknown
 * algorithms, and the handles kept for digests of public data. */
#include "crypto/crypto-int.h"  /* engine headers first: they set the
                                    error source before <gpg-error.h> */
#include <pthread.h>

#include "t.h"

/* FIPS 180-4 / FIPS 202 / RFC 1321 / RIPEMD-160 answers for "abc"
 * (checked with Python's hashlib when written). */
static const struct {
	uint8_t algo;
	const char *abc;
} kat[] = {
	{ WEFT_HASH_MD5, "900150983cd24fb0d6963f7d28e17f72" },
	{ WEFT_HASH_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ WEFT_HASH_RIPEMD160, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc" },
	{ WEFT_HASH_SHA224,
	  "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7" },
	{ WEFT_HASH_SHA256,
	  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ WEFT_HASH_SHA384,
	  "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
	  "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7" },
	{ WEFT_HASH_SHA512,
	  "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	  "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
	{ WEFT_HASH_SHA3_256,
	  "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532" },
	{ WEFT_HASH_SHA3_512,
	  "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
	  "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0" },
};

/* Algorithm numbers with no hash behind them: 0, the reserved 4-7 and 13,
 * 15, private/experimental 100 and 110, and 255. */
static const uint8_t unknown[] = { 0, 4, 5, 6, 7, 13, 15, 100, 110, 255 };

/* The digest of "abc" with ALGO from a weft_hash_new_public handle,
 * written in two pieces; true when it is KAT entry I's. */
static bool
public_abc(size_t i)
{
	uint8_t want[64], got[64];
	size_t wn, n = 0;
	weft_hash *h = NULL;

	wn = t_unhex(kat[i].abc, want, sizeof want);
	if (weft_hash_new_public(&h, kat[i].algo))
		return false;
	weft_hash_write(h, "a", 1);
	weft_hash_write(h, "bc", 2);
	weft_hash_final(h, got, &n);
	weft_hash_free(h);
	return n == wn && !memcmp(got, want, wn);
}

#define ROUNDS 3000

/* A thread's share of the race: every algorithm in turn, with a handle
 * abandoned half-way now and then; the number of wrong digests. */
static void *
race(void *arg)
{
	size_t r, wrong = 0, i;
	weft_hash *h;

	for (r = 0; r < ROUNDS; r++) {
		i = (r + (size_t)(uintptr_t)arg) % WEFT_ARRAY_SIZE(kat);
		if (r % 7 == 0 && !weft_hash_new_public(&h, kat[i].algo)) {
			weft_hash_write(h, "garbage", 7);
			weft_hash_free(h);
		}
		wrong += !public_abc(i);
	}
	return (void *)(uintptr_t)wrong;
}

static void
check_public(void)
{
	weft_hash *h[6], *kept, *unused;
	uint8_t got[64];
	size_t i, j, n;
	pthread_t tid[4];
	void *ret;

	for (i = 0; i < WEFT_ARRAY_SIZE(kat); i++) {
		/* a fresh one, then one this thread kept */
		T_CHECK(public_abc(i), "algo %u: first public digest",
			kat[i].algo);
		T_CHECK(public_abc(i), "algo %u: kept handle", kat[i].algo);
		/* abandoned half-way, and after its final: reset for the next */
		T_OK(weft_hash_new_public(&kept, kat[i].algo));
		weft_hash_write(kept, "xyz", 3);
		weft_hash_free(kept);
		T_CHECK(public_abc(i), "algo %u: after a handle left half-way",
			kat[i].algo);
		T_OK(weft_hash_new_public(&kept, kat[i].algo));
		weft_hash_write(kept, "abcabc", 6);
		weft_hash_final(kept, got, &n);
		weft_hash_free(kept);
		T_CHECK(public_abc(i), "algo %u: after a finished handle",
			kat[i].algo);
		/* the handle freed is kept, whatever algorithms came before,
		 * and is the one handed out next */
		T_OK(weft_hash_new_public(&kept, kat[i].algo));
		T_EQ_INT(weft_crypto__hash_spares(kat[i].algo), 0);
		weft_hash_free(kept);
		T_EQ_INT(weft_crypto__hash_spares(kat[i].algo), 1);
		T_OK(weft_hash_new_public(&h[0], kat[i].algo));
		T_CHECK(h[0] == kept, "algo %u: a freed handle is not kept",
			kat[i].algo);
		T_EQ_INT(weft_crypto__hash_spares(kat[i].algo), 0);
		weft_hash_free(h[0]);
	}
	/* More at once than a thread keeps, of two algorithms: each its own
	 * state. */
	for (j = 0; j < 6; j++) {
		T_OK(weft_hash_new_public(&h[j], kat[j % 2 + 1].algo));
		weft_hash_write(h[j], "a", 1);
	}
	for (j = 0; j < 6; j++)
		weft_hash_write(h[j], "bc", 2);
	for (j = 0; j < 6; j++) {
		uint8_t want[64];
		size_t wn = t_unhex(kat[j % 2 + 1].abc, want, sizeof want);

		weft_hash_final(h[j], got, &n);
		T_CHECK(n == wn && !memcmp(got, want, wn),
			"handle %zu of 6 at once", j);
		weft_hash_free(h[j]);
	}
	for (i = 0; i < WEFT_ARRAY_SIZE(kat); i++)
		T_CHECK(public_abc(i), "algo %u: after six at once",
			kat[i].algo);
	for (i = 0; i < sizeof unknown; i++) {
		unused = (weft_hash *)1;
		T_ERR(weft_hash_new_public(&unused, unknown[i]),
		      GPG_ERR_DIGEST_ALGO);
		T_CHECK(unused == NULL, "public: output not cleared for %u",
			unknown[i]);
	}
	/* Threads, each with its own spares, all at once. */
	for (j = 0; j < 4; j++)
		T_CHECK(!pthread_create(&tid[j], NULL, race,
					(void *)(uintptr_t)j),
			"thread %zu", j);
	for (j = 0; j < 4; j++) {
		ret = (void *)1;
		pthread_join(tid[j], &ret);
		T_CHECK(ret == NULL, "thread %zu: %zu wrong digests of %d", j,
			(size_t)(uintptr_t)ret, ROUNDS);
	}
}

int
main(void)
{
	uint8_t want[64], got[64], got2[64];
	size_t i, n, wn, n2;
	weft_hash *h, *c, *unused;

	T_OK(weft_crypto_init());
	T_OK(weft_crypto_init());  /* idempotent */

	for (i = 0; i < WEFT_ARRAY_SIZE(kat); i++) {
		wn = t_unhex(kat[i].abc, want, sizeof want);
		T_EQ_INT(wn, weft_hash_algo_len(kat[i].algo));

		/* one shot */
		memset(got, 0xaa, sizeof got);
		T_OK(weft_hash_buffer(kat[i].algo, "abc", 3, got, &n));
		T_EQ_INT(n, wn);
		T_EQ_MEM(got, want, wn);

		/* in pieces, with a copy taken half-way: both copies go on
		 * independently */
		h = c = NULL;
		T_OK(weft_hash_new(&h, kat[i].algo));
		weft_hash_write(h, "a", 1);
		weft_hash_write(h, "", 0);
		T_OK(weft_hash_copy(&c, h));
		weft_hash_write(h, "bc", 2);
		weft_hash_write(c, "bX", 2);
		weft_hash_final(h, got, &n);
		weft_hash_final(c, got2, &n2);
		T_EQ_MEM(got, want, wn);
		T_CHECK(n2 == wn && memcmp(got2, want, wn) != 0,
			"algo %u: copy shares state", kat[i].algo);
		weft_hash_free(h);
		weft_hash_free(c);
	}

	for (i = 0; i < sizeof unknown; i++) {
		unused = (weft_hash *)1;
		T_ERR(weft_hash_new(&unused, unknown[i]), GPG_ERR_DIGEST_ALGO);
		T_CHECK(unused == NULL, "output not cleared for %u", unknown[i]);
		n = 99;
		T_ERR(weft_hash_buffer(unknown[i], "abc", 3, got, &n),
		      GPG_ERR_DIGEST_ALGO);
		T_EQ_INT(n, 0);
	}
	weft_hash_free(NULL);
	check_public();

	/* weft_random: fills, and two draws differ */
	memset(got, 0, sizeof got);
	memset(got2, 0, sizeof got2);
	weft_random(got, 32, false);
	weft_random(got2, 32, true);
	T_CHECK(memcmp(got, got2, 32) != 0, "two random draws are equal");
	weft_random(got, 0, true);

	return t_done();
}
