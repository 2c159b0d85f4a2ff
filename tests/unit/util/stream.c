/* tests/unit/util/stream.c - pull streams (util/stream.h): reads in
 * every chunk size, peek and skip across the buffer's edges, lines of
 * every length around the limit, sticky errors, the end, memory and fd
 * sources (a pipe, with signals interrupting the reads).
 *
 * The sources here hand out their data in pieces of a chosen size (one
 * octet, a few, random, huge), so that every path of the buffer is
 * crossed: a read that starts in the look-ahead and ends in the source,
 * a peek that must move the window, a line that straddles two fills.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/stream.h"
#include "t.h"

#define BUF WEFT_STREAM_BUF

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* A source over memory that hands out at most CHUNK octets per call
 * (CHUNK 0: a random size up to RMAX), fails with FAIL_CODE once FAIL_AT
 * octets were given, and counts calls after it said 0. */
typedef struct tsrc {
	const uint8_t *p;
	size_t n, off;
	size_t chunk, rmax;
	size_t fail_at;
	gpg_err_code_t fail_code;
	unsigned calls, calls_after_eof, calls_after_err;
	bool eof, failed;
	int freed;
} tsrc;

static void
tsrc_init(tsrc *t, const uint8_t *p, size_t n, size_t chunk, size_t rmax)
{
	memset(t, 0, sizeof *t);
	t->p = p;
	t->n = n;
	t->chunk = chunk;
	t->rmax = rmax;
	t->fail_at = SIZE_MAX;
}

static gpg_error_t
tsrc_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	tsrc *t = opaque;
	size_t k;

	t->calls++;
	if (t->eof)
		t->calls_after_eof++;
	if (t->failed)
		t->calls_after_err++;
	*got = 0;
	if (t->off >= t->fail_at) {
		t->failed = true;
		return gpg_error(t->fail_code);
	}
	k = t->chunk ? t->chunk : 1 + (size_t)(rng() % t->rmax);
	if (k > n)
		k = n;
	if (k > t->n - t->off)
		k = t->n - t->off;
	if (t->fail_at != SIZE_MAX && k > t->fail_at - t->off)
		k = t->fail_at - t->off;
	memcpy(buf, t->p + t->off, k);
	t->off += k;
	*got = k;
	if (!k)
		t->eof = true;
	return 0;
}

static void
tsrc_free(void *opaque)
{
	((tsrc *)opaque)->freed++;
}

static uint8_t *
random_data(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	size_t i;

	if (!p)
		abort();
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(rng() >> 24);
	return p;
}

/* Source chunkings to try: fixed sizes around the buffer's, and random. */
static const struct {
	size_t chunk, rmax;
} chunkings[] = {
	{ 1, 0 }, { 2, 0 }, { 3, 0 }, { 7, 0 }, { 64, 0 }, { 4095, 0 },
	{ BUF - 1, 0 }, { BUF, 0 }, { BUF + 1, 0 }, { 3 * BUF, 0 },
	{ 0, 13 }, { 0, 5000 }, { 0, 3 * BUF },
};

/* ---- read ---------------------------------------------------------------- */

static void
test_read_chunks(void)
{
	static const size_t reads[] = { 1, 5, 4096, BUF - 1, BUF, BUF + 1,
					3 * BUF, 0 /* random */ };
	size_t n = 5 * BUF + 123, c, r, off, want, got;
	uint8_t *data = random_data(n), *out = malloc(3 * BUF + 1);
	weft_stream s;
	tsrc t;
	int bad;

	for (c = 0; c < WEFT_ARRAY_SIZE(chunkings); c++) {
		for (r = 0; r < WEFT_ARRAY_SIZE(reads); r++) {
			tsrc_init(&t, data, n, chunkings[c].chunk,
				  chunkings[c].rmax);
			T_OK(weft_stream_init(&s, tsrc_read, NULL, &t));
			bad = 0;
			for (off = 0;;) {
				want = reads[r] ? reads[r]
						: (size_t)(rng() % (3 * BUF)) + 1;
				if (weft_stream_read(&s, out, want, &got)) {
					bad++;
					break;
				}
				/* fewer than asked only at the end */
				if (got != want && off + got != n)
					bad++;
				if (got && memcmp(out, data + off, got))
					bad++;
				off += got;
				if (!got)
					break;
			}
			T_CHECK(!bad && off == n && s.consumed == n,
				"chunk %zu/%zu, reads of %zu: %d bad, %zu of "
				"%zu octets", chunkings[c].chunk,
				chunkings[c].rmax, reads[r], bad, off, n);
			T_CHECK(weft_stream_at_end(&s), "at end");
			T_OK(weft_stream_read(&s, out, 10, &got));
			T_EQ_INT(got, 0);
			T_EQ_INT(t.calls_after_eof, 0);
			weft_stream_close(&s);
		}
	}

	/* A read of zero octets, and of an empty source. */
	tsrc_init(&t, data, 0, 1, 0);
	T_OK(weft_stream_init(&s, tsrc_read, NULL, &t));
	T_OK(weft_stream_read(&s, out, 0, &got));
	T_EQ_INT(got, 0);
	T_EQ_INT(t.calls, 0);
	T_CHECK(weft_stream_at_end(&s), "empty source at end");
	T_OK(weft_stream_read(&s, out, 1, &got));
	T_EQ_INT(got, 0);
	T_EQ_INT(t.calls, 1); /* the source is not asked again after 0 */
	weft_stream_close(&s);

	free(data);
	free(out);
}

/* ---- peek and skip ------------------------------------------------------- */

/* Consume up to positions around the buffer's edges, then peek various
 * sizes; each peek must show the next octets, as many as asked for (fewer
 * only at the end), and a read must then give the same. */
static void
test_peek(void)
{
	static const size_t at[] = { 0, 1, BUF - 1, BUF, BUF + 1, 2 * BUF - 1,
				     2 * BUF, 2 * BUF + 1, 3 * BUF + 7,
				     4 * BUF - 2, 4 * BUF };
	static const size_t sizes[] = { 0, 1, 2, 100, BUF - 1, BUF };
	size_t n = 4 * BUF, c, a, k, avail, got, left, bad = 0, pos;
	uint8_t *data = random_data(n), *out = malloc(BUF);
	const uint8_t *p;
	weft_stream s;
	tsrc t;

	for (c = 0; c < WEFT_ARRAY_SIZE(chunkings); c++) {
		for (a = 0; a < WEFT_ARRAY_SIZE(at); a++) {
			for (k = 0; k < WEFT_ARRAY_SIZE(sizes); k++) {
				tsrc_init(&t, data, n, chunkings[c].chunk,
					  chunkings[c].rmax);
				T_OK(weft_stream_init(&s, tsrc_read, NULL, &t));
				/* get to AT[A] by peeks and skips of odd
				 * sizes, and a read */
				pos = 0;
				while (pos < at[a]) {
					size_t step = at[a] - pos;

					if (step > 777)
						step = 777;
					if (weft_stream_peek(&s, step, &p,
							     &avail) ||
					    avail != step ||
					    memcmp(p, data + pos, step))
						bad++;
					weft_stream_skip(&s, avail);
					pos += avail;
					if (!avail)
						break;
				}
				if (s.consumed != at[a])
					bad++;
				left = n - at[a];
				if (weft_stream_peek(&s, sizes[k], &p, &avail) ||
				    avail != (sizes[k] < left ? sizes[k] : left) ||
				    (avail && memcmp(p, data + at[a], avail)))
					bad++;
				/* a second peek shows the same */
				if (weft_stream_peek(&s, sizes[k] / 2, &p,
						     &avail) ||
				    (avail && memcmp(p, data + at[a], avail)))
					bad++;
				if (weft_stream_read(&s, out, BUF, &got) ||
				    got != (BUF < left ? BUF : left) ||
				    memcmp(out, data + at[a], got))
					bad++;
				if (s.consumed != at[a] + got)
					bad++;
				weft_stream_close(&s);
			}
		}
	}
	T_CHECK(!bad, "%zu peeks misbehaved", bad);

	/* Peek a full window, skip a short line, again and again (the
	 * cleartext reader's pattern): every octet seen in order. */
	for (c = 0; c < WEFT_ARRAY_SIZE(chunkings); c++) {
		tsrc_init(&t, data, n, chunkings[c].chunk, chunkings[c].rmax);
		T_OK(weft_stream_init(&s, tsrc_read, NULL, &t));
		pos = 0;
		bad = 0;
		for (;;) {
			if (weft_stream_peek(&s, BUF, &p, &avail)) {
				bad++;
				break;
			}
			if (avail != (n - pos < BUF ? n - pos : BUF) ||
			    (avail && memcmp(p, data + pos, avail)))
				bad++;
			if (!avail)
				break;
			k = 1 + (size_t)(rng() % 100);
			if (k > avail)
				k = avail;
			weft_stream_skip(&s, k);
			pos += k;
		}
		T_CHECK(!bad && pos == n, "window walk with chunk %zu: %zu bad",
			chunkings[c].chunk, bad);
		weft_stream_close(&s);
	}
	free(data);
	free(out);
}

/* ---- lines --------------------------------------------------------------- */

/* Lines of the lengths that matter for MAX (with and without LF, CRLF),
 * then random ones, the last without a LF. */
static uint8_t *
make_lines(size_t max, size_t *len, bool final_lf)
{
	size_t cap = 64 * BUF, n = 0, i, k;
	uint8_t *p = malloc(cap);
	static const long around[] = { 0, 1, 2, -3, -2, -1, 0, 1, 2 };

	if (!p)
		abort();
	/* line lengths (LF included): 1, 2, max-3 .. max+2 */
	for (i = 0; i < WEFT_ARRAY_SIZE(around); i++) {
		long l = i < 3 ? around[i] + 1 : (long)max + around[i];

		if (l < 1)
			l = 1;
		for (k = 0; k + 1 < (size_t)l; k++)
			p[n++] = (uint8_t)('a' + k % 26);
		p[n++] = '\n';
	}
	/* CRLF lines and an empty one */
	memcpy(p + n, "crlf\r\n\r\n\n", 9);
	n += 9;
	/* random lengths up to a bit over the window, random octets */
	while (n < 40 * BUF) {
		size_t l = (size_t)(rng() % 3 == 0 ? rng() % (BUF + 10)
						   : rng() % 200);

		for (k = 0; k < l; k++) {
			uint8_t o = (uint8_t)(rng() >> 24);

			p[n++] = o == '\n' ? 'x' : o;
		}
		p[n++] = '\n';
	}
	/* the last line: exactly MAX octets without a LF, or with one */
	for (k = 0; k + (final_lf ? 1 : 0) < max; k++)
		p[n++] = 'z';
	if (final_lf)
		p[n++] = '\n';
	*len = n;
	return p;
}

static void
check_lines(size_t max, bool final_lf, size_t chunk, size_t rmax)
{
	size_t n, off = 0, want, got, len, bad = 0, toolarge = 0, lines = 0;
	size_t eff = max > BUF ? BUF : max;
	uint8_t *data = make_lines(max > BUF ? BUF : max, &n, final_lf);
	uint8_t *line = malloc((max > BUF ? max : BUF) + 1);
	const uint8_t *nl;
	weft_stream s;
	tsrc t;
	gpg_error_t err;

	tsrc_init(&t, data, n, chunk, rmax);
	T_OK(weft_stream_init(&s, tsrc_read, NULL, &t));
	for (;;) {
		nl = memchr(data + off, '\n', n - off);
		want = nl ? (size_t)(nl - (data + off)) + 1 : n - off;
		err = weft_stream_line(&s, line, max, &len);
		if (want <= eff) {
			if (err || len != want ||
			    (want && memcmp(line, data + off, want))) {
				bad++;
				if (bad < 5)
					printf("line at %zu: want %zu, got %zu "
					       "(%s)\n", off, want, len,
					       gpg_strerror(err));
				break;
			}
		} else {
			/* too long: nothing consumed, not sticky */
			if (gpg_err_code(err) != GPG_ERR_TOO_LARGE || len ||
			    s.consumed != off) {
				bad++;
				break;
			}
			toolarge++;
			while (want) {
				size_t k = want < BUF ? want : BUF;

				if (weft_stream_read(&s, line, k, &got) ||
				    got != k || memcmp(line, data + off, k)) {
					bad++;
					break;
				}
				off += k;
				want -= k;
			}
			continue;
		}
		if (!want)
			break;
		lines++;
		off += want;
		if (s.consumed != off)
			bad++;
	}
	T_CHECK(!bad && off == n, "lines, max %zu, chunk %zu/%zu, final LF "
		"%d: %zu bad, %zu of %zu octets", max, chunk, rmax, final_lf,
		bad, off, n);
	T_CHECK(toolarge > 0 && lines >= 3, "max %zu: %zu too large, %zu "
		"lines", max, toolarge, lines);
	/* At the end: length 0, again and again. */
	T_OK(weft_stream_line(&s, line, max, &len));
	T_EQ_INT(len, 0);
	T_OK(weft_stream_line(&s, line, max, &len));
	T_EQ_INT(len, 0);
	weft_stream_close(&s);
	free(data);
	free(line);
}

static void
test_lines(void)
{
	static const size_t maxes[] = { 1, 2, 80, 4096, BUF - 1, BUF,
					2 * BUF /* acts as BUF */ };
	size_t m, c;

	for (m = 0; m < WEFT_ARRAY_SIZE(maxes); m++)
		for (c = 0; c < WEFT_ARRAY_SIZE(chunkings); c++) {
			check_lines(maxes[m], m % 2, chunkings[c].chunk,
				    chunkings[c].rmax);
		}
	for (m = 0; m < WEFT_ARRAY_SIZE(maxes); m++)
		check_lines(maxes[m], !(m % 2), 0, 3 * BUF);

	/* The last line, exactly MAX octets without a LF, is a line; MAX
	 * octets followed by anything but the end are not. */
	{
		static const char a[] = "abcd", b[] = "abcde", c2[] = "abcd\n";
		uint8_t line[8];
		size_t len;
		weft_stream s;

		T_OK(weft_stream_mem(&s, a, 4));
		T_OK(weft_stream_line(&s, line, 4, &len));
		T_EQ_INT(len, 4);
		weft_stream_close(&s);

		T_OK(weft_stream_mem(&s, b, 5));
		T_ERR(weft_stream_line(&s, line, 4, &len), GPG_ERR_TOO_LARGE);
		T_EQ_INT(len, 0);
		T_EQ_INT(s.consumed, 0);
		T_OK(weft_stream_line(&s, line, 5, &len)); /* not sticky */
		T_EQ_INT(len, 5);
		weft_stream_close(&s);

		T_OK(weft_stream_mem(&s, c2, 5));
		T_ERR(weft_stream_line(&s, line, 4, &len), GPG_ERR_TOO_LARGE);
		T_OK(weft_stream_line(&s, line, 5, &len));
		T_EQ_INT(len, 5);
		T_EQ_MEM(line, "abcd\n", 5);
		weft_stream_close(&s);

		/* CRLF is the caller's to strip */
		T_OK(weft_stream_mem(&s, "x\r\ny", 4));
		T_OK(weft_stream_line(&s, line, 8, &len));
		T_CHECK(len == 3 && !memcmp(line, "x\r\n", 3), "CRLF kept");
		T_OK(weft_stream_line(&s, line, 8, &len));
		T_CHECK(len == 1 && line[0] == 'y', "last line without LF");
		T_OK(weft_stream_line(&s, line, 8, &len));
		T_EQ_INT(len, 0);
		weft_stream_close(&s);
	}
}

/* ---- errors -------------------------------------------------------------- */

static void
test_sticky(void)
{
	static const size_t fails[] = { 0, 1, 1000, BUF, 2 * BUF + 3 };
	size_t n = 3 * BUF, f, c, got, off, avail, len;
	uint8_t *data = random_data(n), *out = malloc(BUF), line[100];
	const uint8_t *p;
	weft_stream s;
	tsrc t;
	gpg_error_t err;
	int path;

	for (f = 0; f < WEFT_ARRAY_SIZE(fails); f++) {
		for (c = 0; c < WEFT_ARRAY_SIZE(chunkings); c++) {
			for (path = 0; path < 3; path++) {
				tsrc_init(&t, data, n, chunkings[c].chunk,
					  chunkings[c].rmax);
				t.fail_at = fails[f];
				t.fail_code = GPG_ERR_EIO;
				T_OK(weft_stream_init(&s, tsrc_read, NULL, &t));
				/* read (or peek and skip, or lines) until the
				 * error; every octet before it is right */
				off = 0;
				for (;;) {
					if (path == 0) {
						err = weft_stream_read(
							&s, out, 1000, &got);
						if (got && memcmp(out,
								  data + off,
								  got))
							break;
						off += got;
					} else if (path == 1) {
						err = weft_stream_peek(
							&s, 999, &p, &avail);
						if (err)
							break;
						if (memcmp(p, data + off,
							   avail))
							break;
						weft_stream_skip(&s, avail);
						off += avail;
						got = avail;
					} else {
						err = weft_stream_line(
							&s, line, sizeof line,
							&got);
						if (gpg_err_code(err) ==
						    GPG_ERR_TOO_LARGE)
							err = weft_stream_read(
								&s, line,
								sizeof line,
								&got);
						if (got && memcmp(line,
								  data + off,
								  got))
							break;
						off += got;
					}
					if (err || !got)
						break;
				}
				/* peeks and lines look ahead, so they may
				 * meet the error before the octets in front
				 * of it are consumed; reads get them all */
				T_CHECK(gpg_err_code(err) == GPG_ERR_EIO &&
						(path ? off <= fails[f]
						      : off == fails[f]) &&
						s.consumed == off,
					"fail at %zu, chunk %zu, path %d: %s, "
					"%zu octets", fails[f],
					chunkings[c].chunk, path,
					gpg_strerror(err), off);
				/* sticky, everywhere; the source is not
				 * asked again */
				T_ERR(weft_stream_read(&s, out, 1, &got),
				      GPG_ERR_EIO);
				T_EQ_INT(got, 0);
				T_ERR(weft_stream_peek(&s, 1, &p, &avail),
				      GPG_ERR_EIO);
				T_EQ_INT(avail, 0);
				T_ERR(weft_stream_line(&s, line, 10, &len),
				      GPG_ERR_EIO);
				T_CHECK(!weft_stream_at_end(&s),
					"an error is not the end");
				T_EQ_INT(s.consumed, off);
				T_EQ_INT(t.calls_after_err, 0);
				weft_stream_close(&s);
			}
		}
	}

	/* A read that gets part of its octets, then the error: it reports
	 * the error and how many octets it stored before it. */
	tsrc_init(&t, data, n, 100, 0);
	t.fail_at = 250;
	t.fail_code = GPG_ERR_EPIPE;
	T_OK(weft_stream_init(&s, tsrc_read, NULL, &t));
	T_ERR(weft_stream_read(&s, out, 1000, &got), GPG_ERR_EPIPE);
	T_EQ_INT(got, 250);
	T_EQ_MEM(out, data, 250);
	weft_stream_close(&s);

	free(data);
	free(out);
}

/* ---- sources, close ------------------------------------------------------ */

static void
test_mem_and_close(void)
{
	static const char text[] = "line one\nline two\n";
	uint8_t out[64];
	size_t got;
	weft_stream s;
	tsrc t;

	T_OK(weft_stream_mem(&s, text, strlen(text)));
	T_OK(weft_stream_read(&s, out, sizeof out, &got));
	T_EQ_INT(got, strlen(text));
	T_EQ_MEM(out, text, got);
	T_CHECK(weft_stream_at_end(&s), "mem at end");
	weft_stream_close(&s);
	weft_stream_close(&s); /* twice is harmless */

	T_OK(weft_stream_mem(&s, NULL, 0));
	T_CHECK(weft_stream_at_end(&s), "empty mem at end");
	weft_stream_close(&s);

	memset(&s, 0, sizeof s);
	weft_stream_close(&s); /* a zeroed stream */
	weft_stream_close(NULL);

	/* FREE is called once, at close, with OPAQUE. */
	tsrc_init(&t, (const uint8_t *)text, 5, 1, 0);
	T_OK(weft_stream_init(&s, tsrc_read, tsrc_free, &t));
	T_OK(weft_stream_read(&s, out, 2, &got));
	T_EQ_INT(t.freed, 0);
	weft_stream_close(&s);
	T_EQ_INT(t.freed, 1);
	weft_stream_close(&s);
	T_EQ_INT(t.freed, 1);
	T_CHECK(s.buf == NULL && s.read == NULL, "closed stream is zeroed");
}

static volatile sig_atomic_t alarms;

static void
on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* A pipe fed by a child process in pieces, with pauses; a timer's
 * signals (installed without SA_RESTART) interrupt the blocked reads,
 * which must be retried. */
static void
test_fd(void)
{
	size_t n = 3 * BUF + 17, off = 0, got, k;
	uint8_t *data = random_data(n), *out = malloc(n + 1);
	struct sigaction sa, old;
	struct itimerval it;
	weft_stream s;
	gpg_error_t err;
	int fds[2], status = -1, dir;
	pid_t pid;

	T_CHECK(pipe(fds) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_IGN);
		close(fds[0]);
		for (off = 0; off < n; off += k) {
			k = n - off < 50000 ? n - off : 50000;
			if (write(fds[1], data + off, k) != (ssize_t)k)
				_exit(1);
			usleep(30000);
		}
		_exit(0);
	}
	close(fds[1]);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: read() fails with EINTR */
	sigaction(SIGALRM, &sa, &old);
	memset(&it, 0, sizeof it);
	it.it_interval.tv_usec = 2000;
	it.it_value.tv_usec = 2000;
	setitimer(ITIMER_REAL, &it, NULL);

	T_OK(weft_stream_fd(&s, fds[0]));
	off = 0;
	do {
		err = weft_stream_read(&s, out + off, 7777, &got);
		off += got;
	} while (!err && got);
	T_OK(err);
	T_EQ_INT(off, n);
	T_CHECK(off == n && !memcmp(out, data, n), "pipe data");
	weft_stream_close(&s);

	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old, NULL);
	T_CHECK(alarms > 5, "%d signals arrived during the reads",
		(int)alarms);
	/* the descriptor is still open: weft_stream_close does not close
	 * it */
	T_CHECK(fcntl(fds[0], F_GETFD) != -1, "fd left open");
	close(fds[0]); /* before waiting: a writer stuck on a full pipe
			  (reads that gave up) gets EPIPE and ends */
	waitpid(pid, &status, 0);
	T_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer");

	/* errno becomes the error code, with weft's error source */
	dir = open(".", O_RDONLY | O_DIRECTORY);
	T_CHECK(dir >= 0, "open .");
	T_OK(weft_stream_fd(&s, dir));
	err = weft_stream_read(&s, out, 10, &got);
	T_ERR(err, GPG_ERR_EISDIR);
	T_EQ_INT(gpg_err_source(err), GPG_ERR_SOURCE_DEFAULT);
	T_ERR(weft_stream_read(&s, out, 10, &got), GPG_ERR_EISDIR);
	weft_stream_close(&s);
	close(dir);

	free(data);
	free(out);
}

int
main(void)
{
	test_read_chunks();
	test_peek();
	test_lines();
	test_sticky();
	test_mem_and_close();
	test_fd();
	return t_done();
}
