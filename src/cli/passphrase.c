/* passphrase.c - where passphrases come from: the terminal (no echo; a
 * new one is asked twice) or, for scripts, one line read from a file
 * descriptor (--passphrase-fd N).  Without either the callback says so
 * and the command fails with a message naming the option.
 *
 * The engine calls cli_passphrase_cb through the context; the
 * passphrase is written into the engine's secure buffer, and what this
 * file keeps (the line from the descriptor) lives in secure memory too. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define LINE_MAX_PP 1024

static struct {
	cli *c;
	int fd;                  /* --passphrase-fd, or -1 */
	char *line;              /* what it gave (secure memory) */
	size_t len;
	bool read;
	gpg_error_t read_err;
	bool no_tty;             /* the last request found no terminal */
} pp = { NULL, -1, NULL, 0, false, 0, false };

/* The shell's guided signing asks for the passphrase before its last
 * question and signs after it: the passphrase that unlocked the key is
 * held (secure memory) for requests with the same description until
 * cli_passphrase_forget. */
static struct {
	bool on;
	char *pass;              /* LINE_MAX_PP octets, or NULL */
	char desc[512];
} held;

/* The terminal while echo is off, to restore it on a signal. */
static int tty_fd = -1;
static struct termios tty_saved;
static volatile sig_atomic_t tty_echo_off;
static volatile sig_atomic_t tty_interrupted;

static void
restore_on_signal(int sig)
{
	if (tty_echo_off)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Ctrl-C at a passphrase prompt gives up on the passphrase (the command
 * then stops with "canceled"; the shell goes on). */
static void
cancel_on_sigint(int sig)
{
	(void)sig;
	if (tty_echo_off)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	tty_echo_off = 0;
	tty_interrupted = 1;
}

static void
tty_printf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
tty_printf(int fd, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;
	size_t off = 0;
	ssize_t w;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	while (off < (size_t)n) {
		w = write(fd, buf + off, (size_t)n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

/* Read one line from FD into BUF (at most N-1 octets, NUL-terminated),
 * octet by octet so that nothing after the line is consumed.  The line
 * end (LF, CR LF) is dropped.  Returns the length, or -1 at end of input
 * before anything was read, -2 when the line is too long, -3 when Ctrl-C
 * interrupted it. */
static ssize_t
read_line(int fd, char *buf, size_t n)
{
	size_t len = 0;
	ssize_t r;
	char ch;
	bool any = false, toolong = false;

	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR) {
			if (tty_interrupted)
				return -3;
			continue;
		}
		if (r <= 0)
			break;
		any = true;
		if (ch == '\n')
			break;
		if (len + 1 < n)
			buf[len++] = ch;
		else
			toolong = true;
	}
	if (len && buf[len - 1] == '\r')
		len--;
	buf[len] = 0;
	if (toolong)
		return -2;
	return any ? (ssize_t)len : -1;
}

/* Ask on the terminal with echo off. */
static gpg_error_t
ask_tty(int fd, const char *prompt, char *buf, size_t n)
{
	struct termios t;
	struct sigaction sa, old_int, old_term, old_quit;
	ssize_t len;
	bool have_attr;

	/* Echo goes off before the prompt appears, so that nothing typed
	 * after the prompt is shown or flushed away. */
	have_attr = tcgetattr(fd, &t) == 0;
	if (have_attr) {
		tty_saved = t;
		tty_fd = fd;
		memset(&sa, 0, sizeof sa);
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = restore_on_signal;
		sigaction(SIGTERM, &sa, &old_term);
		sigaction(SIGQUIT, &sa, &old_quit);
		/* no SA_RESTART: read() returns, read_line sees the flag */
		sa.sa_handler = cancel_on_sigint;
		tty_interrupted = 0;
		sigaction(SIGINT, &sa, &old_int);
		t.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		tty_echo_off = 1;
		tcsetattr(fd, TCSAFLUSH, &t);
	}
	tty_printf(fd, "%s", prompt);
	len = read_line(fd, buf, n);
	if (have_attr) {
		tcsetattr(fd, TCSANOW, &tty_saved);
		tty_echo_off = 0;
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
	}
	tty_printf(fd, "\n");
	if (len == -1 || len == -3)
		return gpg_error(GPG_ERR_CANCELED);
	if (len == -2) {
		tty_printf(fd, "That passphrase is too long (%u octets at most).\n",
			   LINE_MAX_PP - 1);
		return gpg_error(GPG_ERR_TOO_LARGE);
	}
	return 0;
}

/* 1. --passphrase-fd: one line, read the first time and given for every
 *    request; after a wrong passphrase there is nothing more to give.
 * 2. Otherwise the terminal (/dev/tty, so that standard input can carry
 *    data); none: GPG_ERR_NO_PASSPHRASE.
 * 3. A new passphrase is asked twice and must not be empty (keys are
 *    stored unprotected only with --no-passphrase). */
static gpg_error_t
cli_passphrase_cb(void *opaque, const char *desc, bool new_, unsigned attempt,
		  char *buf, size_t buflen)
{
	char *again = NULL;
	int fd, tries;
	gpg_error_t err = 0;

	(void)opaque;
	pp.no_tty = false;
	/* 1 */
	if (pp.fd >= 0) {
		if (attempt > 1)
			return gpg_error(GPG_ERR_BAD_PASSPHRASE);
		if (!pp.read) {
			ssize_t n;

			pp.read = true;
			if (!(pp.line = weft_secmem_alloc(LINE_MAX_PP)))
				return pp.read_err = gpg_error(GPG_ERR_ENOMEM);
			n = read_line(pp.fd, pp.line, LINE_MAX_PP);
			if (n == -1)
				pp.read_err = gpg_error(GPG_ERR_NO_PASSPHRASE);
			else if (n == -2)
				pp.read_err = gpg_error(GPG_ERR_TOO_LARGE);
			else
				pp.len = (size_t)n;
		}
		if (pp.read_err)
			return pp.read_err;
		if (pp.len + 1 > buflen)
			return gpg_error(GPG_ERR_TOO_LARGE);
		memcpy(buf, pp.line, pp.len + 1);
		return 0;
	}
	/* held */
	if (held.pass && !new_ && !strcmp(desc, held.desc)) {
		if (attempt == 1 && strlen(held.pass) + 1 <= buflen) {
			memcpy(buf, held.pass, strlen(held.pass) + 1);
			return 0;
		}
		cli_passphrase_forget();  /* it did not do */
		held.on = true;
	}
	/* 2 */
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		pp.no_tty = true;
		return gpg_error(GPG_ERR_NO_PASSPHRASE);
	}
	if (pp.c)
		cli_progress_done(pp.c);
	if (!new_) {
		if (attempt > 1)
			tty_printf(fd, "Wrong passphrase; try again.\n");
		tty_printf(fd, "Unlocking %s.\n", desc);
		err = ask_tty(fd, "Passphrase: ", buf, buflen);
		if (!err && held.on && (held.pass ||
		    (held.pass = weft_secmem_alloc(LINE_MAX_PP)))) {
			snprintf(held.pass, LINE_MAX_PP, "%s", buf);
			snprintf(held.desc, sizeof held.desc, "%s", desc);
		}
		goto leave;
	}
	/* 3 */
	if (!(again = weft_secmem_alloc(buflen))) {
		err = gpg_error(GPG_ERR_ENOMEM);
		goto leave;
	}
	tty_printf(fd, "Choose a passphrase to protect %s.\n", desc);
	for (tries = 0; tries < 3; tries++) {
		if ((err = ask_tty(fd, "New passphrase: ", buf, buflen)))
			goto leave;
		if (!*buf) {
			tty_printf(fd, "An empty passphrase would leave the key "
				   "unprotected (weft generate --no-passphrase "
				   "does that on purpose).\n");
			continue;
		}
		if ((err = ask_tty(fd, "Repeat it: ", again, buflen)))
			goto leave;
		if (!strcmp(buf, again))
			goto leave;
		tty_printf(fd, "The two do not match; once more.\n");
	}
	memset(buf, 0, buflen);
	err = gpg_error(GPG_ERR_CANCELED);
leave:
	weft_secmem_free(again, again ? buflen : 0);
	close(fd);
	return err;
}

void
cli_passphrase_hold(void)
{
	held.on = true;
}

void
cli_passphrase_forget(void)
{
	weft_secmem_free(held.pass, held.pass ? LINE_MAX_PP : 0);
	held.pass = NULL;
	held.desc[0] = 0;
	held.on = false;
}

static void
wipe_line(void)
{
	weft_secmem_free(pp.line, LINE_MAX_PP);
	pp.line = NULL;
	cli_passphrase_forget();
}

bool
cli_passphrase_setup(cli *c, const opt_result *r)
{
	static bool atexit_done;
	int i;
	char *end;
	long v;

	pp.c = c;
	for (i = 0; i < r->nopts; i++) {
		if (r->opts[i].id != GOPT_PASSPHRASE_FD)
			continue;
		errno = 0;
		v = strtol(r->opts[i].arg, &end, 10);
		if (errno || *end || end == r->opts[i].arg || v < 0 ||
		    v > 65535 || fcntl((int)v, F_GETFD) < 0) {
			cli_err(c, "--passphrase-fd %s: not an open file "
				"descriptor (e.g. --passphrase-fd 3 3<file)",
				r->opts[i].arg);
			return false;
		}
		pp.fd = (int)v;
	}
	weft_ctx_set_passphrase(c->ctx, cli_passphrase_cb, NULL);
	if (!atexit_done) {     /* the shell sets up once per command */
		atexit(wipe_line);
		atexit_done = true;
	}
	return true;
}

int
cli_fail_secret(cli *c, gpg_error_t err, const char *what)
{
	int rc = cli_fail(c, err, what);

	if (gpg_err_code(err) == GPG_ERR_NO_PASSPHRASE) {
		if (pp.no_tty)
			cli_err(c, "there is no terminal to ask for it on: "
				"give it with --passphrase-fd N (one line on "
				"file descriptor N)");
		else if (pp.fd >= 0 && pp.read_err)
			cli_err(c, "--passphrase-fd %d gave no line", pp.fd);
	}
	return rc;
}

/* ---- times ------------------------------------------------------------------- */

bool
parse_expiry(const char *s, int64_t *at, uint32_t *in)
{
	char *end;
	long long n;
	uint32_t unit;

	*at = 0;
	*in = 0;
	if (!strcmp(s, "never") || !strcmp(s, "0"))
		return true;
	if (*s >= '0' && *s <= '9') {
		errno = 0;
		n = strtoll(s, &end, 10);
		if (!errno && n > 0 && end[0] && !end[1]) {
			/* gpg's units: a year is 365 days, a month 30. */
			switch (end[0]) {
			case 'd': unit = 86400; break;
			case 'w': unit = 7 * 86400; break;
			case 'm': unit = 30 * 86400; break;
			case 'y': unit = 365 * 86400; break;
			default: unit = 0; break;
			}
			if (unit && n <= (long long)(UINT32_MAX / unit)) {
				*in = (uint32_t)n * unit;
				return true;
			}
		}
	}
	return parse_time(s, at) && *at > 0;
}
