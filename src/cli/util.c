/* util.c - errors, reading input files, the progress bar. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void
cli_err(cli *c, const char *fmt, ...)
{
	va_list ap;

	cli_progress_done(c);
	fputs("weft: ", c->err);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
}

int
cli_fail(cli *c, gpg_error_t err, const char *what)
{
	const char *detail = c->ctx ? weft_ctx_error(c->ctx) : "";

	if (detail && *detail)
		cli_err(c, "%s", detail);
	else
		cli_err(c, "%s: %s", what, gpg_strerror(err));
	return gpg_err_code(err) == GPG_ERR_NOT_FOUND ? EXIT_NEGATIVE
						      : EXIT_ERROR;
}

int
cli_usage(cli *c, const command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->err, "weft: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fprintf(c->err, "\nusage: weft %s %s\n", cmd->name, cmd->usage);
	return EXIT_ERROR;
}

gpg_error_t
cli_fd_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	int fd = *(int *)opaque;
	ssize_t r;

	for (;;) {
		r = read(fd, buf, n);
		if (r >= 0)
			break;
		if (errno != EINTR)
			return gpg_error_from_syserror();
	}
	*got = (size_t)r;
	return 0;
}

/* All of F (PATH names it in messages; ST is its fstat, or NULL for
 * standard input) into *DATA, *LEN.  Closes F unless it is stdin. */
static int
read_all(cli *c, const char *path, FILE *f, const struct stat *st,
	 uint8_t **data, size_t *len)
{
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, n = 0, got;

	*data = NULL;
	*len = 0;
	if (st && S_ISDIR(st->st_mode)) {
		cli_err(c, "%s: is a directory", path);
		goto fail;
	}
	/* A regular file is read into a buffer of its size (plus one
	 * octet, to see the end): doubling from 64 KiB made an 80 MB
	 * keyring take 134 MB. */
	if (st && S_ISREG(st->st_mode) && st->st_size > 0 &&
	    (uint64_t)st->st_size < (uint64_t)2 << 30) {
		cap = (size_t)st->st_size + 1;
		if (!(buf = malloc(cap))) {
			cli_err(c, "%s: out of memory", path);
			goto fail;
		}
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			if (cap > (size_t)2 << 30) {
				cli_err(c, "%s: larger than 2 GiB; refusing to read it",
					path);
				goto fail;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				cli_err(c, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				cli_err(c, "%s: %s", path, strerror(errno));
				goto fail;
			}
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	*data = buf;
	*len = n;
	return EXIT_OK;
fail:
	free(buf);
	if (f != stdin)
		fclose(f);
	return EXIT_ERROR;
}

/* Open PATH once ("-": standard input) and read it whole, or, for a
 * regular file over CLI_MAP_MIN, map it.  One open and one fstat: a
 * FIFO opened twice would lose its writer. */
static int
input_open(cli *c, const char *path, bool map, cli_input *in)
{
	struct stat st;
	FILE *f;
	void *p;
	int fd;

	memset(in, 0, sizeof *in);
	if (!strcmp(path, "-"))
		return read_all(c, path, stdin, NULL, &in->data, &in->len);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		cli_err(c, "%s: %s", path, strerror(errno));
		return EXIT_ERROR;
	}
	if (fstat(fd, &st)) {
		cli_err(c, "%s: %s", path, strerror(errno));
		close(fd);
		return EXIT_ERROR;
	}
	if (map && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > CLI_MAP_MIN &&
	    (uint64_t)st.st_size < (uint64_t)2 << 30 &&
	    (p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
		      0)) != MAP_FAILED) {
		close(fd);
		in->data = p;
		in->len = (size_t)st.st_size;
		in->mapped = true;
		return EXIT_OK;
	}
	if (!(f = fdopen(fd, "rb"))) {
		cli_err(c, "%s: %s", path, strerror(errno));
		close(fd);
		return EXIT_ERROR;
	}
	return read_all(c, path, f, &st, &in->data, &in->len);
}

int
cli_read_file(cli *c, const char *path, uint8_t **data, size_t *len)
{
	cli_input in;
	int rc = input_open(c, path, false, &in);

	*data = in.data;
	*len = in.len;
	return rc;
}

int
cli_input_open(cli *c, const char *path, cli_input *in)
{
	return input_open(c, path, true, in);
}

void
cli_input_close(cli_input *in)
{
	if (in->mapped)
		munmap(in->data, in->len);
	else
		free(in->data);
	memset(in, 0, sizeof *in);
}

/* ---- progress ----------------------------------------------------------------- */

static struct {
	bool shown;
	struct timespec last;
	const char *what;
} bar;

void
cli_progress(void *opaque, const char *what, uint64_t done, uint64_t total)
{
	cli *c = opaque;
	struct timespec now;
	long ms;
	int width = 30, fill, i;

	if (!c->progress || !total)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (now.tv_sec - bar.last.tv_sec) * 1000 +
	     (now.tv_nsec - bar.last.tv_nsec) / 1000000;
	/* At most ten updates a second, but always the first and last of a
	 * phase. */
	if (bar.shown && ms < 100 && done < total && what == bar.what)
		return;
	bar.last = now;
	bar.what = what;
	fill = (int)((uint64_t)width * done / total);
	fprintf(c->err, "\r\033[K%-26s [", what);
	for (i = 0; i < width; i++)
		fputc(i < fill ? '#' : ' ', c->err);
	fprintf(c->err, "] %llu/%llu", (unsigned long long)done,
		(unsigned long long)total);
	fflush(c->err);
	bar.shown = true;
}

void
cli_progress_done(cli *c)
{
	if (bar.shown) {
		fputs("\r\033[K", c->err);
		fflush(c->err);
		bar.shown = false;
	}
}
