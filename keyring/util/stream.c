/* stream.c - pull streams over a read function (stream.h).
 *
 * The look-ahead buffer:
 *
 *  1. BUF[POS..LEN) holds octets read from the source and not yet handed
 *     to the reader.  It is allocated once, at init, and never grows, so
 *     a stream uses the same memory whatever passes through it.
 *
 *  2. Its capacity is twice WEFT_STREAM_BUF, although a peek or a line
 *     never needs more than WEFT_STREAM_BUF octets in view.  The second
 *     half is what keeps look-ahead cheap: a caller that peeks a full
 *     WEFT_STREAM_BUF octets and then consumes a short line (the
 *     cleartext reader does, line after line) would otherwise force the
 *     whole window to be moved down before every peek.  With the slack,
 *     the unread octets are moved to the front only when a request would
 *     run past the end of the buffer, which happens at most once per
 *     WEFT_STREAM_BUF octets consumed: each octet is moved at most once.
 *
 *  3. The source is asked for as much as fits after LEN; it may give
 *     less.  Once it says 0 (EOF) it is not called again.
 *
 *  4. A read of at least WEFT_STREAM_BUF octets that finds the buffer
 *     empty goes straight from the source into the caller's memory.
 *
 *  5. Errors from the source are kept in ERR; every later call returns
 *     them (sticky).  GPG_ERR_TOO_LARGE from weft_stream_line is not a
 *     stream error: nothing was consumed, and the caller may still read
 *     the octets another way.
 *
 * Contracts the header leaves implicit:
 *   - weft_stream_init on failure leaves S zeroed and does not call
 *     FREE_FN: OPAQUE still belongs to the caller.
 *   - weft_stream_close accepts a zeroed stream (and a closed one).
 *   - On an error from weft_stream_read, *GOT still says how many octets
 *     were stored into OUT (and consumed) before it.
 *   - weft_stream_peek gives at most N octets (*AVAIL <= N).
 *   - weft_stream_line treats a MAX above WEFT_STREAM_BUF as
 *     WEFT_STREAM_BUF: lines are held to what one look-ahead can see.
 *     A line is at most MAX octets with its LF; the last line of the
 *     input, without a LF, may be MAX octets long.
 *   - weft_stream_at_end is false after an error (the next read tells
 *     it).
 */
#include "../internal.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "mem.h"
#include "stream.h"

#define CAP (2 * (size_t)WEFT_STREAM_BUF)

/* How far into BUF octets were ever stored, kept in a word just past the
 * buffer (the header's struct has no field for it): close wipes only
 * that much, so that a stream that saw a few octets does not touch (and
 * fault in) 128 KiB to wipe them. */
static size_t *
high_water(weft_stream *s)
{
	return (size_t *)(void *)(s->buf + CAP);
}

gpg_error_t
weft_stream_init(weft_stream *s, weft_stream_read_fn read,
		 void (*free_fn)(void *opaque), void *opaque)
{
	assert(s && read);
	memset(s, 0, sizeof *s);
	s->buf = malloc(CAP + sizeof(size_t));
	if (!s->buf)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	*high_water(s) = 0;
	s->read = read;
	s->free = free_fn;
	s->opaque = opaque;
	return 0;
}

void
weft_stream_close(weft_stream *s)
{
	if (!s)
		return;
	if (s->free && s->opaque)
		s->free(s->opaque);
	if (s->buf) {
		/* Filters may carry decoded secret keys (an armored private
		 * key block): wipe what was stored. */
		weft_wipe(s->buf, *high_water(s));
		free(s->buf);
	}
	memset(s, 0, sizeof *s);
}

/* Ask the source once for up to N octets at DST. */
static gpg_error_t
pull(weft_stream *s, uint8_t *dst, size_t n, size_t *got)
{
	gpg_error_t err;

	*got = 0;
	err = s->read(s->opaque, dst, n, got);
	if (err) {
		*got = 0;
		return s->err = err;
	}
	assert(*got <= n);
	if (!*got)
		s->eof = true;
	return 0;
}

/* Make WANT (at most WEFT_STREAM_BUF + 1, for weft_stream_line) octets
 * available at BUF + POS, or all there are at the end. */
static gpg_error_t
fill(weft_stream *s, size_t want)
{
	size_t got;
	gpg_error_t err;

	assert(want <= WEFT_STREAM_BUF + 1);
	while (s->len - s->pos < want && !s->eof) {
		if (s->pos == s->len) {
			s->pos = s->len = 0;
		} else if (s->pos + want > CAP) {
			memmove(s->buf, s->buf + s->pos, s->len - s->pos);
			s->len -= s->pos;
			s->pos = 0;
		}
		if ((err = pull(s, s->buf + s->len, CAP - s->len, &got)))
			return err;
		s->len += got;
		if (s->len > *high_water(s))
			*high_water(s) = s->len;
	}
	return 0;
}

gpg_error_t
weft_stream_read(weft_stream *s, void *out, size_t n, size_t *got)
{
	uint8_t *o = out;
	size_t done = 0, k;
	gpg_error_t err = 0;

	assert(s && s->buf && got && (out || !n));
	*got = 0;
	if (s->err)
		return s->err;
	while (done < n) {
		k = s->len - s->pos;
		if (k) {
			if (k > n - done)
				k = n - done;
			memcpy(o + done, s->buf + s->pos, k);
			s->pos += k;
			done += k;
			continue;
		}
		if (s->eof)
			break;
		s->pos = s->len = 0;
		if (n - done >= WEFT_STREAM_BUF) {
			/* Step 4: large reads bypass the buffer. */
			if ((err = pull(s, o + done, n - done, &k)))
				break;
			done += k;
		} else if ((err = fill(s, 1))) {
			break;
		}
	}
	s->consumed += done;
	*got = done;
	return err;
}

gpg_error_t
weft_stream_peek(weft_stream *s, size_t n, const uint8_t **p,
		 size_t *avail)
{
	gpg_error_t err;

	assert(s && s->buf && p && avail && n <= WEFT_STREAM_BUF);
	*p = s->buf + s->pos;
	*avail = 0;
	if (s->err)
		return s->err;
	if ((err = fill(s, n)))
		return err;
	*p = s->buf + s->pos;
	*avail = s->len - s->pos < n ? s->len - s->pos : n;
	return 0;
}

void
weft_stream_skip(weft_stream *s, size_t n)
{
	assert(s && n <= s->len - s->pos);
	s->pos += n;
	s->consumed += n;
}

gpg_error_t
weft_stream_line(weft_stream *s, uint8_t *line, size_t max, size_t *len)
{
	const uint8_t *nl;
	size_t avail, look, seen = 0, k;
	gpg_error_t err;

	assert(s && s->buf && line && len && max);
	*len = 0;
	if (s->err)
		return s->err;
	if (max > WEFT_STREAM_BUF)
		max = WEFT_STREAM_BUF;
	for (;;) {
		avail = s->len - s->pos;
		look = avail < max ? avail : max;
		/* Octets before SEEN were searched already (they moved
		 * with the window, if it moved). */
		nl = look > seen ? memchr(s->buf + s->pos + seen, '\n',
					  look - seen) : NULL;
		if (nl) {
			k = (size_t)(nl - (s->buf + s->pos)) + 1;
			break;
		}
		seen = look;
		/* MAX octets without a LF are a line only at the end: one
		 * more octet of look-ahead tells. */
		if (avail > max)
			return WEFT_ERR(GPG_ERR_TOO_LARGE);
		if (s->eof) {
			k = avail; /* the last line, without a LF */
			break;
		}
		if ((err = fill(s, avail + 1)))
			return err;
	}
	if (k)
		memcpy(line, s->buf + s->pos, k);
	s->pos += k;
	s->consumed += k;
	*len = k;
	return 0;
}

bool
weft_stream_at_end(weft_stream *s)
{
	const uint8_t *p;
	size_t avail;

	return !weft_stream_peek(s, 1, &p, &avail) && !avail;
}

/* ---- sources ---------------------------------------------------------- */

typedef struct mem_src {
	const uint8_t *p;
	size_t n, off;
} mem_src;

static gpg_error_t
mem_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	mem_src *m = opaque;
	size_t k = m->n - m->off;

	if (k > n)
		k = n;
	if (k)
		memcpy(buf, m->p + m->off, k);
	m->off += k;
	*got = k;
	return 0;
}

gpg_error_t
weft_stream_mem(weft_stream *s, const void *p, size_t n)
{
	mem_src *m;
	gpg_error_t err;

	assert(s && (p || !n));
	memset(s, 0, sizeof *s);
	if (!(m = malloc(sizeof *m)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	m->p = p;
	m->n = n;
	m->off = 0;
	if ((err = weft_stream_init(s, mem_read, free, m)))
		free(m);
	return err;
}

/* The descriptor is kept in the opaque pointer itself (no allocation);
 * fd + 1, so that it is never NULL and close has nothing to free. */
static gpg_error_t
fd_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	int fd = (int)((intptr_t)opaque - 1);
	ssize_t r;

	*got = 0;
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return WEFT_ERR(gpg_err_code_from_errno(errno));
	*got = (size_t)r;
	return 0;
}

gpg_error_t
weft_stream_fd(weft_stream *s, int fd)
{
	assert(s && fd >= 0);
	return weft_stream_init(s, fd_read, NULL, (void *)((intptr_t)fd + 1));
}
