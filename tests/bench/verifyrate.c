/* verifyrate.c - the physical limit of an import: how long a keyring's
 * Ed25519 signatures take to verify and nothing else.
 *
 * usage: verifyrate RECORDS THREADS [COUNT]
 *
 * RECORDS is the .vrec file genkeyring.py writes next to a keyring: one
 * 128-octet record per signature of the keyring, in file order (the
 * first 100,000 at most): the issuer's public point A (32 octets), the
 * SHA-256 digest the signature signs (32), R and S (64).
 *
 * Two measurements, each with COUNT records (default all; more than the
 * file holds wraps round) shared among THREADS threads, each thread
 * taking the next record from a shared counter:
 *
 *   weft   the way an import verifies: each issuer's point is decoded
 *          once (weft_ed25519_new, as weft keeps a key's decoded point
 *          with the key), then every signature is checked with
 *          weft_ed25519_verify (keyring/crypto/ed25519.c).  The decoding
 *          is timed too, threads sharing the keys.  This is the limit.
 *   gcry   libgcrypt's own gcry_pk_verify on the first min(COUNT, 20,000)
 *          records, S-expressions built for every record (what weft did
 *          before ed25519.c; shown for comparison).
 *
 * Prints one line: "COUNT THREADS SECONDS KEYS GCOUNT GSECONDS DSECONDS"
 * (wall times of the verifications alone, after libgcrypt is initialised
 * and the file is read; KEYS distinct issuers, whose decoding took
 * DSECONDS of SECONDS: the records are a sample of a large keyring, and
 * an import decodes each of its keys once, so the caller scales the two
 * parts apart) and exits 1 if any signature does not verify: the
 * generator's signatures are checked here too.
 *
 * Built by make bench ($(BUILD)/bench/verifyrate) with libweft.a.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* crypto.h fixes GPG_ERR_SOURCE_DEFAULT, before <gcrypt.h>. */
#include "crypto/crypto.h"

#include <gcrypt.h>

#define REC 128
#define GCRY_MAX 20000

static unsigned char *recs;
static size_t nrecs, count, nkeys;
static weft_ed25519 **keys;      /* per distinct point, in key order */
static unsigned char *points;    /* the distinct points, sorted */
static size_t *rec_key;          /* record -> index into keys */
static atomic_size_t next, bad;
static int use_gcry;

static int
gcry_one(const unsigned char *r)
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
decoder(void *arg)
{
	size_t i;

	(void)arg;
	while ((i = atomic_fetch_add(&next, 1)) < nkeys)
		if (weft_ed25519_new(&keys[i], points + i * 32))
			atomic_fetch_add(&bad, 1);
	return NULL;
}

static void *
worker(void *arg)
{
	size_t i, lim = use_gcry ? (count < GCRY_MAX ? count : GCRY_MAX) : count;
	const unsigned char *r;
	weft_ed25519 *k;

	(void)arg;
	while ((i = atomic_fetch_add(&next, 1)) < lim) {
		r = recs + (i % nrecs) * REC;
		if (use_gcry) {
			if (!gcry_one(r))
				atomic_fetch_add(&bad, 1);
			continue;
		}
		k = keys[rec_key[i % nrecs]];
		if (!k || weft_ed25519_verify(k, r + 64, r + 96, r + 32, 32))
			atomic_fetch_add(&bad, 1);
	}
	return NULL;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_point(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* Run FN on THREADS threads from a fresh counter; the wall time. */
static double
run(void *(*fn)(void *), int threads)
{
	pthread_t tid[64];
	double t0;
	int t;

	atomic_store(&next, 0);
	t0 = now();
	for (t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, fn, NULL)) {
			fprintf(stderr, "verifyrate: pthread_create failed\n");
			exit(2);
		}
	for (t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	return now() - t0;
}

int
main(int argc, char **argv)
{
	FILE *f;
	long size;
	int threads;
	size_t i, n;
	double tdec, tver, tgcry;
	weft_ed25519 *warm;
	const unsigned char *hit;

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
	/* One decoding and one verification before the threads start:
	 * libgcrypt 1.10 sets up some EdDSA constants lazily without a
	 * lock (as weft's warm_up). */
	if (!gcry_one(recs))
		atomic_fetch_add(&bad, 1);
	if (weft_ed25519_new(&warm, recs))
		atomic_fetch_add(&bad, 1);
	weft_ed25519_free(warm);

	/* The distinct issuers, and each record's (untimed: an import finds
	 * the issuer's key in its keyring). */
	points = malloc(nrecs * 32);
	rec_key = malloc(nrecs * sizeof *rec_key);
	if (!points || !rec_key) {
		fprintf(stderr, "verifyrate: out of memory\n");
		return 2;
	}
	for (i = 0; i < nrecs; i++)
		memcpy(points + i * 32, recs + i * REC, 32);
	qsort(points, nrecs, 32, cmp_point);
	for (i = n = 0; i < nrecs; i++)
		if (!n || memcmp(points + (n - 1) * 32, points + i * 32, 32))
			memmove(points + n++ * 32, points + i * 32, 32);
	nkeys = n;
	for (i = 0; i < nrecs; i++) {
		hit = bsearch(recs + i * REC, points, nkeys, 32, cmp_point);
		rec_key[i] = (size_t)(hit - points) / 32;
	}
	if (!(keys = calloc(nkeys, sizeof *keys))) {
		fprintf(stderr, "verifyrate: out of memory\n");
		return 2;
	}

	tdec = run(decoder, threads);
	tver = run(worker, threads);
	use_gcry = 1;
	tgcry = run(worker, threads);

	printf("%zu %d %.6f %zu %zu %.6f %.6f\n", count, threads, tdec + tver,
	       nkeys, count < GCRY_MAX ? count : GCRY_MAX, tgcry, tdec);
	for (i = 0; i < nkeys; i++)
		weft_ed25519_free(keys[i]);
	if (bad) {
		fprintf(stderr, "verifyrate: %zu signatures do not verify\n",
			(size_t)bad);
		return 1;
	}
	return 0;
}
