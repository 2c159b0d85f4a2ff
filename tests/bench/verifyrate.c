/* verifyrate.c - the physical limit of an import: how long libgcrypt
 * takes to verify a keyring's Ed25519 signatures and nothing else.
 *
 * usage: verifyrate RECORDS THREADS [COUNT]
 *
 * RECORDS is the .vrec file genkeyring.py writes next to a keyring: one
 * 128-octet record per signature of the keyring, in file order (the
 * first 100,000 at most): the issuer's public point A (32 octets), the
 * SHA-256 digest the signature signs (32), R and S (64).  Each record is
 * verified the way weft verifies a legacy EdDSA signature
 * (keyring/crypto/pubkey.c): a public-key S-expression with the point
 * 0x40||A, (data (flags eddsa) (hash-algo sha512) (value DIGEST)) and
 * (sig-val (eddsa (r R) (s S))), gcry_pk_verify; the S-expressions are
 * built for every record, as an import builds them.  COUNT records
 * (default all; more than the file holds wraps round) are shared among
 * THREADS threads, each taking the next record from a shared counter.
 *
 * Prints one line: "COUNT THREADS SECONDS" (wall time of the
 * verifications alone, after libgcrypt is initialised and the file is
 * read) and exits 1 if any signature does not verify: the generator's
 * signatures are checked here too.
 *
 * Built by tests/bench/scale.sh with: cc -O2 verifyrate.c -lgcrypt -lpthread
 */
#include <gcrypt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REC 128

static unsigned char *recs;
static size_t nrecs, count;
static atomic_size_t next, bad;

static int
verify_one(const unsigned char *r)
{
	unsigned char q[33];
	gcry_sexp_t key = NULL, data = NULL, sig = NULL;
	int ok = 0;

	q[0] = 0x40;
	memcpy(q + 1, r, 32);
	if (!gcry_sexp_build(&key, NULL,
			     "(public-key(ecc(curve Ed25519)(flags eddsa)(q%b)))",
			     33, q) &&
	    !gcry_sexp_build(&data, NULL,
			     "(data(flags eddsa)(hash-algo sha512)(value %b))",
			     32, r + 32) &&
	    !gcry_sexp_build(&sig, NULL, "(sig-val(eddsa(r%b)(s%b)))",
			     32, r + 64, 32, r + 96))
		ok = !gcry_pk_verify(sig, data, key);
	gcry_sexp_release(key);
	gcry_sexp_release(data);
	gcry_sexp_release(sig);
	return ok;
}

static void *
worker(void *arg)
{
	size_t i;

	(void)arg;
	while ((i = atomic_fetch_add(&next, 1)) < count)
		if (!verify_one(recs + (i % nrecs) * REC))
			atomic_fetch_add(&bad, 1);
	return NULL;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	FILE *f;
	long size;
	int threads, t;
	pthread_t tid[64];
	double t0, t1;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: verifyrate RECORDS THREADS [COUNT]\n");
		return 2;
	}
	threads = atoi(argv[2]);
	if (threads < 1 || threads > 64) {
		fprintf(stderr, "verifyrate: 1 to 64 threads\n");
		return 2;
	}
	if (!(f = fopen(argv[1], "rb")) || fseek(f, 0, SEEK_END) ||
	    (size = ftell(f)) < REC || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "verifyrate: cannot read %s\n", argv[1]);
		return 2;
	}
	nrecs = (size_t)size / REC;
	if (!(recs = malloc(nrecs * REC)) || fread(recs, REC, nrecs, f) != nrecs) {
		fprintf(stderr, "verifyrate: cannot read %s\n", argv[1]);
		return 2;
	}
	fclose(f);
	count = argc == 4 ? strtoul(argv[3], NULL, 10) : nrecs;

	if (!gcry_check_version("1.10.0")) {
		fprintf(stderr, "verifyrate: libgcrypt too old\n");
		return 2;
	}
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	/* One verification before the threads start: libgcrypt 1.10 sets up
	 * some EdDSA constants lazily without a lock (as weft's warm_up). */
	if (!verify_one(recs))
		atomic_fetch_add(&bad, 1);

	t0 = now();
	for (t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, worker, NULL)) {
			fprintf(stderr, "verifyrate: pthread_create failed\n");
			return 2;
		}
	for (t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	t1 = now();

	printf("%zu %d %.6f\n", count, threads, t1 - t0);
	if (bad) {
		fprintf(stderr, "verifyrate: %zu of %zu signatures do not verify\n",
			(size_t)bad, count);
		return 1;
	}
	return 0;
}
