/* inflate.h - decompression of OpenPGP compressed data (RFC 9580 5.6) as
 * a stream filter: OUT yields the decompressed octets of SRC, in constant
 * memory whatever their size.
 */
#ifndef WEFT_VERIFY_INFLATE_H
#define WEFT_VERIFY_INFLATE_H

#include "../internal.h"
#include "../util/diag.h"
#include "../util/stream.h"

/* What a decompressor may produce.
 *
 *   MAX_OUT      output beyond MAX_OUT octets is GPG_ERR_TOO_LARGE
 *                (0: no cap).  Exactly MAX_OUT octets are fine.
 *   MAX_RATIO    once more than RATIO_AFTER octets came out, an output
 *   RATIO_AFTER  to input ratio above MAX_RATIO is GPG_ERR_TOO_LARGE: a
 *                compression bomb (MAX_RATIO 0: no ratio check).  Input
 *                counts the compressed octets the decompressor took from
 *                SRC so far.
 *
 * Defaults (weft_inflate_default_limits, util/limits.h): no cap on the
 * output, ratio 1100 after 256 MiB.  Deflate (ZIP, ZLIB) cannot exceed
 * about 1032:1, so honest data never trips the ratio; bzip2 bombs (a
 * million to one) do. */
typedef struct weft_inflate_limits {
	uint64_t max_out;
	uint32_t max_ratio;
	uint64_t ratio_after;
} weft_inflate_limits;

weft_inflate_limits weft_inflate_default_limits(void);

/* OpenPGP compression algorithms. */
#define WEFT_COMPRESS_NONE  0   /* the octets as they are */
#define WEFT_COMPRESS_ZIP   1   /* raw deflate, RFC 1951 */
#define WEFT_COMPRESS_ZLIB  2   /* RFC 1950 */
#define WEFT_COMPRESS_BZIP2 3

/* Set OUT up to yield SRC decompressed with ALGO, within LIM (NULL: the
 * defaults).  OUT reads SRC but does not own it: close OUT first.  DIAG
 * (may be NULL) must stay valid until OUT is closed.
 *
 * Octets in SRC after the end of the compressed stream are ignored (as
 * gpg does); how far into them SRC has been read is not specified.
 *
 * Errors from this function (OUT is then unset, and closing it is
 * harmless):
 *   GPG_ERR_COMPR_ALGO   ALGO is none of the above
 *   GPG_ERR_ENOMEM
 * Errors from OUT's reads (after the octets that came before them):
 *   GPG_ERR_BAD_DATA     corrupt data; SRC ends before the compressed
 *                        stream does ("compressed data truncated": a
 *                        deflate stream without its final block is
 *                        refused, where gpg sometimes accepts it)
 *   GPG_ERR_TOO_LARGE    beyond LIM
 *   GPG_ERR_ENOMEM, and SRC's own errors. */
gpg_error_t weft_inflate_open(weft_stream *out, weft_stream *src, int algo,
			      const weft_inflate_limits *lim,
			      weft_diag *diag);

#endif /* WEFT_VERIFY_INFLATE_H */
