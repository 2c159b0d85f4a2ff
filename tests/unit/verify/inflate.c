/* tests/unit/verify/inflate.c - decompression as a stream filter
 * (verify/inflate.h): round trips through zlib (raw deflate and zlib
 * format) and libbz2 at sizes around the buffer's, read one octet at a
 * time and in big pieces, from sources that give one octet at a time;
 * every prefix of a compressed stream (truncated), damaged streams
 * (corrupt), trailing octets (ignored), unknown algorithms, the output
 * cap, the ratio limit on a bzip2 bomb of 200 MB made on the fly (and
 * deflate's own best ratio, which must not trip it), source errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <bzlib.h>
#include <zlib.h>

#include "util/buf.h"
#include "verify/inflate.h"
#include "t.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define MiB (1024u * 1024)

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ---- compressing (the reference side) -------------------------------- */

/* ALGO's compressed form of IN (caller frees). */
static uint8_t *
compress_algo(int algo, const uint8_t *in, size_t n, size_t *outlen)
{
	size_t cap = n + n / 50 + 1024;
	uint8_t *out = malloc(cap);
	int r = -1;

	if (!out)
		abort();
	if (algo == WEFT_COMPRESS_NONE) {
		if (n)
			memcpy(out, in, n);
		*outlen = n;
		return out;
	}
	if (algo == WEFT_COMPRESS_ZIP) {
		z_stream z;

		memset(&z, 0, sizeof z);
		if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			abort();
		z.next_in = (Bytef *)(uintptr_t)in;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = (uInt)cap;
		r = deflate(&z, Z_FINISH);
		*outlen = cap - z.avail_out;
		deflateEnd(&z);
		r = r == Z_STREAM_END ? 0 : -1;
	} else if (algo == WEFT_COMPRESS_ZLIB) {
		uLongf l = (uLongf)cap;

		r = compress2(out, &l, in, (uLong)n, 6) == Z_OK ? 0 : -1;
		*outlen = l;
	} else if (algo == WEFT_COMPRESS_BZIP2) {
		unsigned l = (unsigned)cap;

		/* 100k blocks when the data fits one: the decoder then
		 * allocates 400 KB, not 3.6 MB (many runs under ASan) */
		r = BZ2_bzBuffToBuffCompress((char *)out, &l,
					     (char *)(uintptr_t)in,
					     (unsigned)n, n < 100000 ? 1 : 9,
					     0, 30) == BZ_OK
			    ? 0 : -1;
		*outlen = l;
	}
	if (r)
		abort();
	return out;
}

/* Random octets (incompressible) or text (compressible), N of them. */
static uint8_t *
make_data(size_t n, bool text)
{
	static const char *words[] = { "the ", "signed ", "file ", "weft ",
				       "keyring\n", "of ", "trust ", "a " };
	uint8_t *p = malloc(n ? n : 1);
	size_t i = 0, k;

	if (!p)
		abort();
	while (i < n) {
		if (text) {
			const char *w = words[rng() % 8];

			for (k = 0; w[k] && i < n; k++)
				p[i++] = (uint8_t)w[k];
		} else {
			p[i++] = (uint8_t)(rng() >> 24);
		}
	}
	return p;
}

/* ---- decompressing through the filter -------------------------------- */

typedef struct tsrc {
	const uint8_t *p;
	size_t n, off;
	size_t chunk;            /* 0: random 1..1000 */
	size_t fail_at;
} tsrc;

static gpg_error_t
tsrc_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	tsrc *t = opaque;
	size_t k;

	*got = 0;
	if (t->off >= t->fail_at)
		return gpg_error(GPG_ERR_EIO);
	k = t->chunk ? t->chunk : 1 + (size_t)(rng() % 1000);
	if (k > n)
		k = n;
	if (k > t->n - t->off)
		k = t->n - t->off;
	if (k > t->fail_at - t->off)
		k = t->fail_at - t->off;
	memcpy(buf, t->p + t->off, k);
	t->off += k;
	*got = k;
	return 0;
}

typedef struct result {
	gpg_error_t open_err, err;
	weft_buf out;
	weft_diag diag;
} result;

/* Decompress IN with ALGO and LIM (NULL: defaults); the source gives
 * CHUNK octets at a time (SIZE_MAX: all), reads of OUT ask for READSZ (0:
 * random up to 100000; 1: one octet). RAW: call the filter's own read
 * function (so it sees small requests too). */
static void
run(int algo, const uint8_t *in, size_t n, const weft_inflate_limits *lim,
    size_t chunk, size_t readsz, bool raw, result *r)
{
	weft_stream src, out;
	tsrc t;
	static uint8_t buf[100000];
	size_t got, want;
	gpg_error_t err;

	memset(r, 0, sizeof *r);
	weft_buf_init(&r->out);
	memset(&t, 0, sizeof t);
	t.p = in;
	t.n = n;
	t.chunk = chunk;
	t.fail_at = SIZE_MAX;
	if (weft_stream_init(&src, tsrc_read, NULL, &t))
		abort();
	r->open_err = weft_inflate_open(&out, &src, algo, lim, &r->diag);
	if (r->open_err) {
		r->err = r->open_err;
		goto leave;
	}
	do {
		want = readsz ? readsz : 1 + (size_t)(rng() % 100000);
		if (raw) {
			err = out.read(out.opaque, buf, want, &got);
		} else {
			err = weft_stream_read(&out, buf, want, &got);
		}
		weft_buf_put(&r->out, buf, got);
	} while (!err && got);
	r->err = err;
	weft_stream_close(&out);
leave:
	weft_stream_close(&src);
}

static const char *algo_names[] = { "none", "ZIP", "ZLIB", "BZip2" };

static void
test_roundtrip(void)
{
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537,
					5 * MiB };
	static const struct {
		size_t chunk, readsz;
		bool raw;
	} modes[] = {
		{ SIZE_MAX, 1 << 16, false },
		{ 1, 1, false },
		{ 0, 0, false },
		{ 4096, 1, true },
		{ 7, 13, true },
	};
	size_t s, m, clen, nmodes;
	int algo, text, bad;
	uint8_t *data, *comp;
	result r;

	for (s = 0; s < WEFT_ARRAY_SIZE(sizes); s++) {
		for (text = 0; text < 2; text++) {
			/* random octets (stored blocks) up to 64 KiB + 1;
			 * 5 MB of them only costs bzip2 time */
			if (sizes[s] > MiB && !text)
				continue;
			data = make_data(sizes[s], text);
			for (algo = 0; algo < 4; algo++) {
				comp = compress_algo(algo, data, sizes[s],
						     &clen);
				/* one octet at a time through 5 MB is slow
				 * under the sanitizers: whole and random
				 * pieces there */
				nmodes = WEFT_ARRAY_SIZE(modes);
				for (m = 0, bad = 0; m < nmodes; m++) {
					if (sizes[s] > MiB && m != 0 && m != 2)
						continue;
					run(algo, comp, clen, NULL,
					    modes[m].chunk, modes[m].readsz,
					    modes[m].raw, &r);
					if (r.err || r.out.len != sizes[s] ||
					    (sizes[s] && memcmp(r.out.data,
								data,
								sizes[s]))) {
						bad++;
						printf("%s, %zu octets, mode "
						       "%zu: %s (%s), %zu "
						       "octets\n",
						       algo_names[algo],
						       sizes[s], m,
						       gpg_strerror(r.err),
						       r.diag.msg, r.out.len);
					}
					weft_buf_free(&r.out);
				}
				T_CHECK(!bad, "round trip %s %zu %s",
					algo_names[algo], sizes[s],
					text ? "text" : "random");
				free(comp);
			}
			free(data);
		}
	}
}

/* Every prefix of a compressed stream is truncated, and what comes out
 * before the error is a prefix of the data. */
static void
test_truncated(void)
{
	size_t n = 6000, clen, i;
	uint8_t *data = make_data(n, true), *comp;
	int algo, bad;
	result r;

	for (algo = 1; algo < 4; algo++) {
		comp = compress_algo(algo, data, n, &clen);
		for (i = 0, bad = 0; i < clen; i++) {
			run(algo, comp, i, NULL, i % 3 ? SIZE_MAX : 1,
			    i % 2 ? 1 : 0, false, &r);
			if (gpg_err_code(r.err) != GPG_ERR_BAD_DATA ||
			    !strstr(r.diag.msg, "truncated") ||
			    r.out.len > n ||
			    (r.out.len &&
			     memcmp(r.out.data, data, r.out.len))) {
				if (bad++ < 3)
					printf("%s cut at %zu of %zu: %s (%s)"
					       "\n", algo_names[algo], i, clen,
					       gpg_strerror(r.err), r.diag.msg);
			}
			weft_buf_free(&r.out);
		}
		T_CHECK(!bad, "%s: %d of %zu prefixes misbehaved",
			algo_names[algo], bad, clen);
		free(comp);
	}
	free(data);
}

/* Damage: checked formats (ZLIB's Adler-32, bzip2's CRCs) fail or give
 * the same octets; raw deflate fails or gives something; never another
 * error, never a crash. */
static void
test_corrupt(void)
{
	size_t n = 3000, clen, i;
	uint8_t *data = make_data(n, true), *comp, *m;
	int algo, bit, bad, errors;
	bool adler_ok;
	gpg_err_code_t ec;
	result r;

	for (algo = 1; algo < 4; algo++) {
		comp = compress_algo(algo, data, n, &clen);
		m = malloc(clen);
		bad = errors = 0;
		for (i = 0; i < clen; i++) {
			/* three changes per octet: two bits, taken in turn
			 * (every bit position over the octets), and all
			 * eight */
			for (bit = 0; bit < 3; bit++) {
				memcpy(m, comp, clen);
				m[i] ^= bit == 0 ? (uint8_t)(1u << (i % 8))
				      : bit == 1 ? (uint8_t)(1u << ((i * 3 + 5) % 8))
						 : 0xff;
				run(algo, m, clen, NULL, SIZE_MAX, 0, false,
				    &r);
				ec = gpg_err_code(r.err);
				if (ec)
					errors++;
				/* Adler-32 is weak: a damaged distance that
				 * only moves octets about can keep it (one
				 * flip of this loop did, in an earlier
				 * version).  zlib cannot tell then, and the
				 * octets must at least have the original's
				 * Adler-32. */
				adler_ok = algo == WEFT_COMPRESS_ZLIB &&
					   r.out.len == n &&
					   adler32(1, r.out.data, (uInt)n) ==
						   adler32(1, data, (uInt)n);
				if ((ec && ec != GPG_ERR_BAD_DATA) ||
				    (ec && !r.diag.msg[0]) ||
				    (!ec && algo != WEFT_COMPRESS_ZIP &&
				     !adler_ok &&
				     (r.out.len != n ||
				      memcmp(r.out.data, data, n)))) {
					if (bad++ < 3)
						printf("%s octet %zu change "
						       "%d: %s (%s), %zu "
						       "octets\n",
						       algo_names[algo], i,
						       bit, gpg_strerror(r.err),
						       r.diag.msg, r.out.len);
				}
				weft_buf_free(&r.out);
			}
		}
		T_CHECK(!bad, "%s: %d damaged streams misbehaved",
			algo_names[algo], bad);
		T_CHECK(errors > (int)clen, "%s: only %d errors",
			algo_names[algo], errors);
		free(m);
		free(comp);
	}
	free(data);

	/* Known damage, known words. */
	{
		static const struct {
			int algo;
			const char *hex, *diag;
		} cases[] = {
			/* BFINAL=1, BTYPE=11 (reserved) */
			{ WEFT_COMPRESS_ZIP, "07", "invalid block type" },
			/* zlib header check fails (0x789d) */
			{ WEFT_COMPRESS_ZLIB, "789d0300000000", "header check" },
			/* FDICT set (0x78bb is a valid header with it) */
			{ WEFT_COMPRESS_ZLIB, "78bb00000000", "dictionary" },
			/* not deflate (method 7) */
			{ WEFT_COMPRESS_ZLIB, "7701", "header" },
			{ WEFT_COMPRESS_BZIP2, "585a683931415926", "BZh" },
			{ WEFT_COMPRESS_BZIP2,
			  /* a block with no symbols in use */
			  "425a68393141592653590000000000000000000000",
			  "check" },
		};
		uint8_t b[64];
		size_t k, i2;

		for (i2 = 0; i2 < WEFT_ARRAY_SIZE(cases); i2++) {
			k = t_unhex(cases[i2].hex, b, sizeof b);
			run(cases[i2].algo, b, k, NULL, SIZE_MAX, 0, false, &r);
			T_ERR(r.err, GPG_ERR_BAD_DATA);
			T_CHECK(strstr(r.diag.msg, cases[i2].diag), "%s: %s",
				cases[i2].hex, r.diag.msg);
			T_EQ_INT(gpg_err_source(r.err), GPG_ERR_SOURCE_DEFAULT);
			weft_buf_free(&r.out);
		}
	}
}

/* Octets after the end of the compressed stream are ignored. */
static void
test_trailing(void)
{
	size_t n = 70000, clen, tail = 200000, i;
	uint8_t *data = make_data(n, true), *comp, *all;
	int algo;
	result r;

	for (algo = 1; algo < 4; algo++) {
		comp = compress_algo(algo, data, n, &clen);
		all = malloc(clen + tail);
		memcpy(all, comp, clen);
		for (i = 0; i < tail; i++)
			all[clen + i] = (uint8_t)rng();
		run(algo, all, clen + tail, NULL, 0, 0, false, &r);
		T_OK(r.err);
		T_CHECK(r.out.len == n && !memcmp(r.out.data, data, n),
			"%s with trailing octets", algo_names[algo]);
		weft_buf_free(&r.out);
		/* a second stream after the first is ignored too */
		memcpy(all + clen, comp, clen);
		run(algo, all, 2 * clen, NULL, 1, 1, false, &r);
		T_OK(r.err);
		T_EQ_INT(r.out.len, n);
		weft_buf_free(&r.out);
		free(all);
		free(comp);
	}
	free(data);
}

static void
test_unknown_algo(void)
{
	static const int algos[] = { 4, 5, 99, 100, 110, 255, -1 };
	weft_stream src, out;
	weft_diag diag;
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(algos); i++) {
		T_OK(weft_stream_mem(&src, "x", 1));
		weft_diag_clear(&diag);
		memset(&out, 0xa5, sizeof out);
		T_ERR(weft_inflate_open(&out, &src, algos[i], NULL, &diag),
		      GPG_ERR_COMPR_ALGO);
		T_CHECK(out.read == NULL && out.buf == NULL, "OUT unset");
		T_CHECK(strstr(diag.msg, "compression algorithm"), "%s",
			diag.msg);
		weft_stream_close(&out);
		T_EQ_INT(src.consumed, 0);
		weft_stream_close(&src);
	}
}

/* The output cap: exactly MAX_OUT is fine, one more is TOO_LARGE, and
 * the MAX_OUT octets before it all come out. */
static void
test_max_out(void)
{
	size_t n = 100000, clen;
	uint8_t *data = make_data(n, true), *comp;
	weft_inflate_limits lim = weft_inflate_default_limits();
	int algo, readsz;
	result r;

	for (algo = 0; algo < 4; algo++) {
		comp = compress_algo(algo, data, n, &clen);
		for (readsz = 0; readsz < 2; readsz++) {
			lim.max_out = n;
			run(algo, comp, clen, &lim, 0, (size_t)readsz, false,
			    &r);
			T_OK(r.err);
			T_EQ_INT(r.out.len, n);
			weft_buf_free(&r.out);

			lim.max_out = n - 1;
			run(algo, comp, clen, &lim, 0, (size_t)readsz, false,
			    &r);
			T_ERR(r.err, GPG_ERR_TOO_LARGE);
			T_CHECK(r.out.len == n - 1 &&
					!memcmp(r.out.data, data, n - 1),
				"%s: %zu octets before the cap error",
				algo_names[algo], r.out.len);
			T_CHECK(strstr(r.diag.msg, "larger than 99999"), "%s",
				r.diag.msg);
			weft_buf_free(&r.out);

			lim.max_out = 1;
			run(algo, comp, clen, &lim, SIZE_MAX, 1, true, &r);
			T_ERR(r.err, GPG_ERR_TOO_LARGE);
			T_EQ_INT(r.out.len, 1);
			weft_buf_free(&r.out);
		}
		free(comp);
	}
	free(data);
}

/* The ratio on small inputs, with small limits: compressible text trips
 * it, random octets do not. */
static void
test_ratio_small(void)
{
	size_t n = 200000, clen;
	uint8_t *text = make_data(n, true), *rnd = make_data(n, false), *comp;
	weft_inflate_limits lim = { 0, 2, 1000 };
	int algo;
	result r;

	for (algo = 1; algo < 4; algo++) {
		comp = compress_algo(algo, text, n, &clen);
		run(algo, comp, clen, &lim, 0, 0, false, &r);
		T_ERR(r.err, GPG_ERR_TOO_LARGE);
		T_CHECK(strstr(r.diag.msg, "compression bomb"), "%s",
			r.diag.msg);
		T_CHECK(r.out.len < n, "%s: stopped early", algo_names[algo]);
		weft_buf_free(&r.out);
		/* no ratio check when MAX_RATIO is 0 */
		lim.max_ratio = 0;
		run(algo, comp, clen, &lim, 0, 0, false, &r);
		T_OK(r.err);
		weft_buf_free(&r.out);
		lim.max_ratio = 2;
		free(comp);

		comp = compress_algo(algo, rnd, n, &clen);
		run(algo, comp, clen, &lim, 0, 0, false, &r);
		T_OK(r.err);
		T_EQ_INT(r.out.len, n);
		weft_buf_free(&r.out);
		free(comp);
	}
	free(text);
	free(rnd);
}

/* N zeros, compressed by ALGO in a stream (never held whole). */
static uint8_t *
zeros_compressed(int algo, uint64_t n, size_t *outlen)
{
	static uint8_t zero[1 << 16];
	size_t cap = 1 << 20, o = 0;
	uint8_t *out = malloc(cap);
	uint64_t fed = 0;
	int r;

	if (algo == WEFT_COMPRESS_BZIP2) {
		bz_stream b;

		memset(&b, 0, sizeof b);
		if (BZ2_bzCompressInit(&b, 9, 0, 0) != BZ_OK)
			abort();
		for (;;) {
			size_t k = n - fed < sizeof zero ? (size_t)(n - fed)
							 : sizeof zero;

			b.next_in = (char *)zero;
			b.avail_in = (unsigned)k;
			fed += k;
			do {
				b.next_out = (char *)out + o;
				b.avail_out = (unsigned)(cap - o);
				r = BZ2_bzCompress(&b, fed == n ? BZ_FINISH
								: BZ_RUN);
				o = cap - b.avail_out;
			} while (fed == n ? r != BZ_STREAM_END : b.avail_in != 0);
			if (fed == n)
				break;
		}
		BZ2_bzCompressEnd(&b);
	} else {
		z_stream z;

		memset(&z, 0, sizeof z);
		if (deflateInit2(&z, 9, Z_DEFLATED,
				 algo == WEFT_COMPRESS_ZIP ? -15 : 15, 9,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			abort();
		for (;;) {
			size_t k = n - fed < sizeof zero ? (size_t)(n - fed)
							 : sizeof zero;

			z.next_in = zero;
			z.avail_in = (uInt)k;
			fed += k;
			do {
				z.next_out = out + o;
				z.avail_out = (uInt)(cap - o);
				r = deflate(&z, fed == n ? Z_FINISH
							 : Z_NO_FLUSH);
				o = cap - z.avail_out;
			} while (fed == n ? r != Z_STREAM_END : z.avail_in != 0);
			if (fed == n)
				break;
		}
		deflateEnd(&z);
	}
	*outlen = o;
	return out;
}

static long
maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Read all of ALGO-compressed COMP, counting the octets and checking
 * they are zeros, in pieces (never held). */
static gpg_error_t
drain_zeros(int algo, const uint8_t *comp, size_t clen,
	    const weft_inflate_limits *lim, uint64_t *total, bool *nonzero,
	    weft_diag *diag)
{
	static uint8_t buf[100000], zero[100000];
	weft_stream src, out;
	size_t got;
	gpg_error_t err;

	*total = 0;
	*nonzero = false;
	weft_diag_clear(diag);
	if ((err = weft_stream_mem(&src, comp, clen)))
		return err;
	if ((err = weft_inflate_open(&out, &src, algo, lim, diag))) {
		weft_stream_close(&src);
		return err;
	}
	do {
		err = weft_stream_read(&out, buf, sizeof buf, &got);
		if (memcmp(buf, zero, got))
			*nonzero = true;
		*total += got;
	} while (!err && got);
	weft_stream_close(&out);
	weft_stream_close(&src);
	return err;
}

static void
test_bomb(void)
{
	const uint64_t n = 200ull * MiB;
	weft_inflate_limits lim = { 0, 1100, 1 * MiB };
	size_t clen;
	uint8_t *bomb;
	uint64_t total;
	bool nonzero;
	weft_diag diag;
	gpg_error_t err;
	long rss0 = maxrss_kb();
	int algo;

	bomb = zeros_compressed(WEFT_COMPRESS_BZIP2, n, &clen);
	T_CHECK(clen < 1000, "200 MB of zeros in %zu octets of bzip2", clen);

	/* Tripped soon after RATIO_AFTER. */
	err = drain_zeros(WEFT_COMPRESS_BZIP2, bomb, clen, &lim, &total,
			  &nonzero, &diag);
	T_ERR(err, GPG_ERR_TOO_LARGE);
	T_CHECK(strstr(diag.msg, "compression bomb"), "%s", diag.msg);
	T_CHECK(total > lim.ratio_after && total < lim.ratio_after + 2 * MiB,
		"%llu octets came out before the bomb was stopped",
		(unsigned long long)total);

	/* The defaults let 200 MB pass (the ratio counts after 256 MiB):
	 * all of it comes out, in constant memory. */
	err = drain_zeros(WEFT_COMPRESS_BZIP2, bomb, clen, NULL, &total,
			  &nonzero, &diag);
	T_OK(err);
	T_CHECK(total == n && !nonzero, "%llu octets",
		(unsigned long long)total);
	free(bomb);

	/* Deflate at its best (about 1030:1) never trips the default
	 * ratio, however early it is checked. */
	for (algo = 1; algo <= 2; algo++) {
		const uint64_t dn = 64ull * MiB;

		lim.max_ratio = WEFT_MAX_INFLATE_RATIO;
		lim.ratio_after = 0;
		bomb = zeros_compressed(algo, dn, &clen);
		T_CHECK((double)dn / (double)clen > 1000.0,
			"%s ratio %.1f", algo_names[algo],
			(double)dn / (double)clen);
		err = drain_zeros(algo, bomb, clen, &lim, &total, &nonzero,
				  &diag);
		T_OK(err);
		T_CHECK(total == dn && !nonzero, "%s: %llu octets (%s)",
			algo_names[algo], (unsigned long long)total,
			diag.msg);
		free(bomb);
	}
#ifndef UNDER_ASAN
	T_CHECK(maxrss_kb() - rss0 < 16 * 1024, "max RSS grew by %ld KiB",
		maxrss_kb() - rss0);
#else
	(void)rss0;
#endif
	{
		weft_inflate_limits d = weft_inflate_default_limits();

		T_EQ_INT(d.max_out, 0);
		T_EQ_INT(d.max_ratio, 1100);
		T_EQ_INT(d.ratio_after, 256ull * MiB);
	}
}

/* The source's errors come through; the filter's errors are sticky. */
static void
test_source_errors(void)
{
	size_t n = 100000, clen, at;
	uint8_t *data = make_data(n, true), *comp, buf[4096];
	weft_stream src, out;
	gpg_error_t err;
	size_t got;
	int algo, bad;
	tsrc t;

	for (algo = 0; algo < 4; algo++) {
		comp = compress_algo(algo, data, n, &clen);
		for (at = 0, bad = 0; at < clen; at += 1 + clen / 50) {
			memset(&t, 0, sizeof t);
			t.p = comp;
			t.n = clen;
			t.chunk = 100;
			t.fail_at = at;
			T_OK(weft_stream_init(&src, tsrc_read, NULL, &t));
			T_OK(weft_inflate_open(&out, &src, algo, NULL, NULL));
			do
				err = weft_stream_read(&out, buf, sizeof buf,
						       &got);
			while (!err && got);
			if (gpg_err_code(err) != GPG_ERR_EIO)
				bad++;
			if (gpg_err_code(weft_stream_read(&out, buf, 1,
							  &got)) !=
			    GPG_ERR_EIO)
				bad++;
			weft_stream_close(&out);
			weft_stream_close(&src);
		}
		T_CHECK(!bad, "%s: %d source errors lost", algo_names[algo],
			bad);
		free(comp);
	}
	free(data);
}

int
main(void)
{
	test_bomb(); /* first: its RSS check wants a quiet baseline */
	test_roundtrip();
	test_truncated();
	test_corrupt();
	test_trailing();
	test_unknown_algo();
	test_max_out();
	test_ratio_small();
	test_source_errors();
	return t_done();
}
