/* inflate.c - OpenPGP compressed data as a stream filter (inflate.h).
 *
 * Each read of OUT, step by step:
 *
 *  1. Ask for no more than the output cap allows, plus one octet: if that
 *     octet comes, the cap is exceeded (GPG_ERR_TOO_LARGE), and what came
 *     before it up to the cap is still handed out.
 *
 *  2. Peek at SRC's look-ahead (up to WEFT_STREAM_BUF octets, no copy),
 *     give it to the decompressor with the room left in the caller's
 *     buffer, and skip what it took.  The decompressor is called even
 *     when SRC is at its end: zlib and bzip2 may hold decoded octets that
 *     did not fit last time.
 *
 *  3. The end of the compressed stream (Z_STREAM_END, BZ_STREAM_END) ends
 *     OUT; octets after it in SRC are ignored, as gpg ignores them.
 *
 *  4. A call that neither takes input nor gives output while SRC is at
 *     its end means the compressed stream was cut short: BAD_DATA
 *     "compressed data truncated".  This is strict on purpose: gpg
 *     accepts some deflate streams that lack their final block (old PGP
 *     wrote such), and weft does not guess where such data ends.
 *
 *  5. After every call the totals are checked against the ratio limit.
 *
 * An error found after some octets were produced is kept and returned by
 * the next read, so that OUT hands out everything decoded before it.
 *
 * Memory: zlib's inflate state and 32 KiB window; bzip2's decoder with
 * small=0 (up to 3.6 MB for 900k blocks, faster than the small mode).
 * Both are fixed at the stream's start, whatever the data's size.
 */
#include "../internal.h"

#include <assert.h>
#include <limits.h>
#include <stdlib.h>

#include <bzlib.h>
#include <zlib.h>

#include "inflate.h"

/* zlib and bzip2 count in unsigned int. */
#define MAX_CALL ((size_t)1 << 30)

typedef struct istate {
	weft_stream *src;        /* borrowed */
	weft_diag *diag;         /* borrowed */
	int algo;
	weft_inflate_limits lim;
	uint64_t in, out;        /* compressed octets taken, octets produced */
	bool ended;
	gpg_error_t err;         /* returned once the octets before it are */
	z_stream z;
	bool z_init;
	bz_stream bz;
	bool bz_init;
} istate;

static const char *
algo_name(int algo)
{
	switch (algo) {
	case WEFT_COMPRESS_ZIP: return "ZIP";
	case WEFT_COMPRESS_ZLIB: return "ZLIB";
	case WEFT_COMPRESS_BZIP2: return "BZip2";
	default: return "uncompressed";
	}
}

weft_inflate_limits
weft_inflate_default_limits(void)
{
	weft_inflate_limits l;

	l.max_out = WEFT_MAX_INFLATE_OUT;
	l.max_ratio = WEFT_MAX_INFLATE_RATIO;
	l.ratio_after = WEFT_INFLATE_RATIO_AFTER;
	return l;
}

static void
istate_free(void *opaque)
{
	istate *st = opaque;

	if (!st)
		return;
	if (st->z_init)
		inflateEnd(&st->z);
	if (st->bz_init)
		BZ2_bzDecompressEnd(&st->bz);
	free(st);
}

/* Step 5. */
static gpg_error_t
check_ratio(istate *st)
{
	uint32_t r = st->lim.max_ratio;

	if (!r || st->out <= st->lim.ratio_after)
		return 0;
	if (st->in > UINT64_MAX / r || st->out <= st->in * r)
		return 0;
	return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
			     "%s compressed data expands more than %u times "
			     "(%llu octets from %llu): a compression bomb?",
			     algo_name(st->algo), r,
			     (unsigned long long)st->out,
			     (unsigned long long)st->in);
}

/* One decompressor call: IN/AVAIL in, room N at OUT.  *USED and *MADE
 * say what it took and gave, *END whether the stream ended. */
static gpg_error_t
zlib_step(istate *st, const uint8_t *in, size_t avail, uint8_t *out,
	  size_t n, size_t *used, size_t *made, bool *end)
{
	int r;

	st->z.next_in = (Bytef *)(uintptr_t)in;
	st->z.avail_in = (uInt)avail;
	st->z.next_out = out;
	st->z.avail_out = (uInt)n;
	r = inflate(&st->z, Z_NO_FLUSH);
	*used = avail - st->z.avail_in;
	*made = n - st->z.avail_out;
	*end = r == Z_STREAM_END;
	switch (r) {
	case Z_OK:
	case Z_STREAM_END:
	case Z_BUF_ERROR: /* no progress: step 4 decides */
		return 0;
	case Z_MEM_ERROR:
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_ENOMEM),
				     "%s decompression: out of memory",
				     algo_name(st->algo));
	case Z_NEED_DICT:
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "corrupt %s compressed data: it asks "
				     "for a preset dictionary",
				     algo_name(st->algo));
	case Z_DATA_ERROR:
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "corrupt %s compressed data (%s)",
				     algo_name(st->algo),
				     st->z.msg ? st->z.msg : "zlib error");
	default:
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_INTERNAL),
				     "%s decompression: zlib error %d",
				     algo_name(st->algo), r);
	}
}

static gpg_error_t
bzip2_step(istate *st, const uint8_t *in, size_t avail, uint8_t *out,
	   size_t n, size_t *used, size_t *made, bool *end)
{
	int r;

	st->bz.next_in = (char *)(uintptr_t)in;
	st->bz.avail_in = (unsigned)avail;
	st->bz.next_out = (char *)out;
	st->bz.avail_out = (unsigned)n;
	r = BZ2_bzDecompress(&st->bz);
	*used = avail - st->bz.avail_in;
	*made = n - st->bz.avail_out;
	*end = r == BZ_STREAM_END;
	switch (r) {
	case BZ_OK:
	case BZ_STREAM_END:
		return 0;
	case BZ_MEM_ERROR:
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_ENOMEM),
				     "BZip2 decompression: out of memory");
	case BZ_DATA_ERROR_MAGIC:
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "corrupt BZip2 compressed data (no "
				     "\"BZh\" signature)");
	case BZ_DATA_ERROR:
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "corrupt BZip2 compressed data (a "
				     "block fails its check)");
	default:
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_INTERNAL),
				     "BZip2 decompression: bzip2 error %d", r);
	}
}

/* Decompress into OUT (N > 0 octets of room); *GOT what came. */
static gpg_error_t
decompress(istate *st, uint8_t *out, size_t n, size_t *got)
{
	const uint8_t *p;
	size_t avail, used, made, o = 0, room;
	bool end = false;
	gpg_error_t err;

	*got = 0;
	while (o < n && !st->ended) {
		/* Step 2. */
		if ((err = weft_stream_peek(st->src, WEFT_STREAM_BUF, &p,
					    &avail)))
			break;
		room = n - o < MAX_CALL ? n - o : MAX_CALL;
		if (st->algo == WEFT_COMPRESS_BZIP2)
			err = bzip2_step(st, p, avail, out + o, room, &used,
					 &made, &end);
		else
			err = zlib_step(st, p, avail, out + o, room, &used,
					&made, &end);
		weft_stream_skip(st->src, used);
		st->in += used;
		st->out += made;
		o += made;
		if (err)
			break;
		if (end) {
			st->ended = true; /* step 3 */
			break;
		}
		if (!used && !made) {
			/* Step 4.  With input there and room for output,
			 * neither library stops without progress; this
			 * guards against looping if one did. */
			err = avail ? weft_diag_set(
					      st->diag,
					      WEFT_ERR(GPG_ERR_INTERNAL),
					      "%s decompression made no "
					      "progress",
					      algo_name(st->algo))
				    : weft_diag_set(
					      st->diag,
					      WEFT_ERR(GPG_ERR_BAD_DATA),
					      "compressed data truncated (the "
					      "%s stream has no end)",
					      algo_name(st->algo));
			break;
		}
		if ((err = check_ratio(st)))
			break;
	}
	*got = o;
	return err;
}

static gpg_error_t
inflate_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	istate *st = opaque;
	uint64_t before = st->out, cap = st->lim.max_out;
	size_t o = 0;
	gpg_error_t err = 0;

	*got = 0;
	if (st->err)
		return st->err;
	if (st->ended || !n)
		return 0;

	/* Step 1: one octet past the cap is enough to know. */
	assert(!cap || before <= cap);
	if (cap && n > cap - before)
		n = (size_t)(cap - before) + 1;

	if (st->algo == WEFT_COMPRESS_NONE) {
		err = weft_stream_read(st->src, buf, n, &o);
		st->in += o;
		st->out += o;
		if (!err && o < n)
			st->ended = true;
	} else {
		err = decompress(st, buf, n, &o);
	}
	if (cap && st->out > cap) {
		if (!err)
			err = weft_diag_set(st->diag,
					    WEFT_ERR(GPG_ERR_TOO_LARGE),
					    "%s data larger than %llu octets",
					    st->algo ? "decompressed"
						     : "uncompressed",
					    (unsigned long long)cap);
		o = (size_t)(cap - before);
		st->out = cap;
	}
	if (err)
		st->err = err;
	*got = o;
	return o ? 0 : err;
}

gpg_error_t
weft_inflate_open(weft_stream *out, weft_stream *src, int algo,
		  const weft_inflate_limits *lim, weft_diag *diag)
{
	istate *st = NULL;
	gpg_error_t err = WEFT_ERR(GPG_ERR_INTERNAL);
	int r;

	assert(out && src);
	memset(out, 0, sizeof *out);
	if (algo < WEFT_COMPRESS_NONE || algo > WEFT_COMPRESS_BZIP2)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_COMPR_ALGO),
				     "unknown compression algorithm %d", algo);
	if (!(st = calloc(1, sizeof *st))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	st->src = src;
	st->diag = diag;
	st->algo = algo;
	st->lim = lim ? *lim : weft_inflate_default_limits();

	switch (algo) {
	case WEFT_COMPRESS_ZIP:
	case WEFT_COMPRESS_ZLIB:
		r = inflateInit2(&st->z, algo == WEFT_COMPRESS_ZIP ? -15 : 15);
		if (r != Z_OK) {
			err = WEFT_ERR(r == Z_MEM_ERROR ? GPG_ERR_ENOMEM
							: GPG_ERR_INTERNAL);
			goto leave;
		}
		st->z_init = true;
		break;
	case WEFT_COMPRESS_BZIP2:
		r = BZ2_bzDecompressInit(&st->bz, 0, 0);
		if (r != BZ_OK) {
			err = WEFT_ERR(r == BZ_MEM_ERROR ? GPG_ERR_ENOMEM
							 : GPG_ERR_INTERNAL);
			goto leave;
		}
		st->bz_init = true;
		break;
	default:
		break;
	}
	if ((err = weft_stream_init(out, inflate_read, istate_free, st)))
		goto leave;
	st = NULL; /* OUT owns it */
	err = 0;

leave:
	if (err)
		err = weft_diag_set(diag, err, "cannot set up %s "
				    "decompression: %s", algo_name(algo),
				    gpg_strerror(err));
	istate_free(st);
	return err;
}
