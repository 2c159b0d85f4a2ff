/* tests/fuzz/inflate.c - libFuzzer target for weft_inflate_open.
 *
 *   make fuzz && build/fuzz/inflate -max_len=4096 corpus/
 *
 * The first octet picks the algorithm (below 0xf0: that value modulo 4,
 * 0 none, 1 ZIP, 2 ZLIB, 3 BZip2; from 0xf0: the octet itself, an unknown
 * algorithm that must be GPG_ERR_COMPR_ALGO); the second how the source
 * hands out the data and how OUT is read; the rest is the compressed
 * data.  Everything is read with small limits (1 MiB out, a ratio of 100
 * after 64 KiB).
 *
 * Checked: only the documented errors, each with a diagnostic; never more
 * than the cap; errors are sticky.  And a round trip: the rest of the
 * input, compressed with zlib or libbz2, must come back exactly through
 * a source that gives one octet at a time.
 */
#include <stdio.h>
#include <stdlib.h>

#include <bzlib.h>
#include <zlib.h>

#include "verify/inflate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct src {
	const uint8_t *p;
	size_t n, off, chunk;
} src;

static gpg_error_t
src_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	src *s = opaque;
	size_t k = s->chunk;

	if (k > n)
		k = n;
	if (k > s->n - s->off)
		k = s->n - s->off;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	*got = k;
	return 0;
}

/* Read all of P/N decompressed with ALGO into OUT (when not NULL).
 * *TOTAL counts the octets. */
static gpg_error_t
decompress_all(int algo, const uint8_t *p, size_t n, size_t chunk,
	       size_t readsz, bool raw, const weft_inflate_limits *lim,
	       uint8_t *out, size_t outcap, uint64_t *total, weft_diag *diag)
{
	static uint8_t buf[70000];
	weft_stream in, o;
	src s = { p, n, 0, chunk };
	size_t got;
	gpg_error_t err, again;

	*total = 0;
	if (weft_stream_init(&in, src_read, NULL, &s))
		abort();
	err = weft_inflate_open(&o, &in, algo, lim, diag);
	if (err) {
		if (o.read || o.buf)
			abort();
		weft_stream_close(&in);
		return err;
	}
	do {
		if (raw)
			err = o.read(o.opaque, buf, readsz, &got);
		else
			err = weft_stream_read(&o, buf, readsz, &got);
		if (got > readsz)
			abort();
		if (out) {
			if (*total + got > outcap)
				abort();
			memcpy(out + *total, buf, got);
		}
		*total += got;
	} while (!err && got);
	if (err) {
		/* sticky */
		again = raw ? o.read(o.opaque, buf, 1, &got)
			    : weft_stream_read(&o, buf, 1, &got);
		if (gpg_err_code(again) != gpg_err_code(err) || got)
			abort();
	}
	weft_stream_close(&o);
	weft_stream_close(&in);
	return err;
}

static void
roundtrip(int algo, const uint8_t *p, size_t n)
{
	static uint8_t comp[8192 + 1024], back[8192];
	weft_inflate_limits lim = weft_inflate_default_limits();
	size_t clen = sizeof comp;
	uint64_t total;
	weft_diag diag;
	gpg_error_t err;

	if (n > 8192)
		return;
	if (algo == WEFT_COMPRESS_NONE) {
		memcpy(comp, p, n);
		clen = n;
	} else if (algo == WEFT_COMPRESS_BZIP2) {
		unsigned l = sizeof comp;

		if (BZ2_bzBuffToBuffCompress((char *)comp, &l,
					     (char *)(uintptr_t)p,
					     (unsigned)n, 1, 0, 30) != BZ_OK)
			abort();
		clen = l;
	} else {
		z_stream z;

		memset(&z, 0, sizeof z);
		if (deflateInit2(&z, 6, Z_DEFLATED,
				 algo == WEFT_COMPRESS_ZIP ? -15 : 15, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			abort();
		z.next_in = (Bytef *)(uintptr_t)p;
		z.avail_in = (uInt)n;
		z.next_out = comp;
		z.avail_out = sizeof comp;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			abort();
		clen = sizeof comp - z.avail_out;
		deflateEnd(&z);
	}
	weft_diag_clear(&diag);
	err = decompress_all(algo, comp, clen, 1, 3, false, &lim, back,
			     sizeof back, &total, &diag);
	if (err || total != n || (n && memcmp(back, p, n))) {
		fprintf(stderr, "round trip: %s (%s)\n", gpg_strerror(err),
			diag.msg);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = { 1, 2, 7, 100, 4096, SIZE_MAX };
	static const size_t reads[] = { 1, 3, 1000, 65536 };
	weft_inflate_limits lim = { 1024 * 1024, 100, 64 * 1024 };
	int algo;
	uint8_t mode;
	uint64_t total;
	weft_diag diag;
	gpg_error_t err;

	if (size < 2)
		return 0;
	algo = data[0] < 0xf0 ? data[0] % 4 : data[0];
	mode = data[1];
	weft_diag_clear(&diag);
	err = decompress_all(algo, data + 2, size - 2, chunks[mode % 6],
			     reads[(mode / 6) % 4], mode & 0x80, &lim, NULL, 0,
			     &total, &diag);
	if (total > lim.max_out)
		abort();
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_ERROR:
		if (algo > 3)
			abort();
		break;
	case GPG_ERR_COMPR_ALGO:
		if (algo <= 3 || !diag.msg[0])
			abort();
		break;
	case GPG_ERR_BAD_DATA:
	case GPG_ERR_TOO_LARGE:
		if (algo > 3 || algo == WEFT_COMPRESS_NONE || !diag.msg[0])
			if (!(algo == WEFT_COMPRESS_NONE &&
			      gpg_err_code(err) == GPG_ERR_TOO_LARGE &&
			      diag.msg[0]))
				abort();
		break;
	default:
		fprintf(stderr, "unexpected: %s (%s)\n", gpg_strerror(err),
			diag.msg);
		abort();
	}
	if (algo <= 3)
		roundtrip(algo, data + 2, size - 2);
	return 0;
}
