/* stream.h - pull streams: octets read piece by piece from a source, so
 * that a signed file of any size passes through in constant memory.
 * Filters (armor, decompression, packet bodies) are streams reading from
 * other streams.
 *
 * A stream owns a look-ahead buffer (WEFT_STREAM_BUF octets), which makes
 * peeking (format detection) and reading lines cheap.  Its source is a
 * read function: it fills up to N octets and says how many (*GOT 0 means
 * the end; it is called again after the end and must keep saying 0).
 *
 * Expected errors from reads: the source's (an errno code for files), and
 * each filter's own (see armor.h, inflate.h); after an error the stream
 * keeps returning it.
 */
#ifndef WEFT_UTIL_STREAM_H
#define WEFT_UTIL_STREAM_H

#include "../internal.h"

#define WEFT_STREAM_BUF (64u * 1024)

typedef gpg_error_t (*weft_stream_read_fn)(void *opaque, uint8_t *buf,
					   size_t n, size_t *got);

typedef struct weft_stream {
	weft_stream_read_fn read;
	void (*free)(void *opaque);  /* frees OPAQUE at close, or NULL */
	void *opaque;
	uint8_t *buf;                /* look-ahead: buf[pos..len) */
	size_t pos, len;
	bool eof;                    /* the source said 0 */
	gpg_error_t err;             /* sticky */
	uint64_t consumed;           /* octets handed to the reader so far */
} weft_stream;

/* Set S up over READ/OPAQUE (FREE called at close).  ENOMEM. */
gpg_error_t weft_stream_init(weft_stream *s, weft_stream_read_fn read,
			     void (*free_fn)(void *opaque), void *opaque);
/* Free the buffer and the source's state (not the source's own source). */
void weft_stream_close(weft_stream *s);

/* Sources. */
gpg_error_t weft_stream_mem(weft_stream *s, const void *p, size_t n);
gpg_error_t weft_stream_fd(weft_stream *s, int fd);   /* does not close FD */

/* Read N octets into OUT (fewer only at the end; *GOT says how many). */
gpg_error_t weft_stream_read(weft_stream *s, void *out, size_t n,
			     size_t *got);
/* Make up to N (at most WEFT_STREAM_BUF) octets available without
 * consuming them: *P points at them, *AVAIL says how many there are
 * (fewer than N only at the end).  Valid until the next call. */
gpg_error_t weft_stream_peek(weft_stream *s, size_t n, const uint8_t **p,
			     size_t *avail);
/* Consume N octets seen with peek. */
void weft_stream_skip(weft_stream *s, size_t n);
/* The next line, LF included when there is one, into LINE (at most MAX
 * octets; *LEN its length, 0 only at the end).  A longer line is
 * GPG_ERR_TOO_LARGE (nothing of it consumed). */
gpg_error_t weft_stream_line(weft_stream *s, uint8_t *line, size_t max,
			     size_t *len);
/* True at the end (peeks). */
bool weft_stream_at_end(weft_stream *s);

#endif /* WEFT_UTIL_STREAM_H */
