/* ctx.c - the context: options, the open store, errors, progress. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctx.h"
#include "crypto/crypto.h"

const char *
weft_version(void)
{
	return WEFT_VERSION;
}

gpg_error_t
weft_ctx_new(weft_ctx **out)
{
	weft_ctx *ctx;
	gpg_error_t err;

	*out = NULL;
	if ((err = weft_crypto_init()))
		return err;
	ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	*out = ctx;
	return 0;
}

void
weft_ctx_free(weft_ctx *ctx)
{
	if (!ctx)
		return;
	weft_store_close(ctx->store);
	free(ctx->home);
	free(ctx);
}

const char *
weft_ctx_error(const weft_ctx *ctx)
{
	return ctx->error;
}

gpg_error_t
weft_ctx__error(weft_ctx *ctx, gpg_error_t err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
	va_end(ap);
	return err;
}

void
weft_ctx_set_time(weft_ctx *ctx, int64_t t)
{
	ctx->time = t;
}

int64_t
weft_ctx_time(const weft_ctx *ctx)
{
	return ctx->time ? ctx->time : (int64_t)time(NULL);
}

uint32_t
weft_ctx__now(const weft_ctx *ctx)
{
	int64_t t = weft_ctx_time(ctx);

	if (t < 0)
		return 0;
	if (t > UINT32_MAX)
		return UINT32_MAX;
	return (uint32_t)t;
}

void
weft_ctx_set_progress(weft_ctx *ctx, weft_progress_cb cb, void *opaque)
{
	ctx->progress = cb;
	ctx->progress_opaque = opaque;
}

void
weft_ctx__progress(const weft_ctx *ctx, const char *what, uint64_t done,
		   uint64_t total)
{
	if (ctx->progress)
		ctx->progress(ctx->progress_opaque, what, done, total);
}

void
weft_ctx_set_passphrase(weft_ctx *ctx, weft_passphrase_cb cb, void *opaque)
{
	ctx->passphrase = cb;
	ctx->passphrase_opaque = opaque;
}

void
weft_ctx_set_threads(weft_ctx *ctx, unsigned n)
{
	ctx->threads = n;
}

unsigned
weft_ctx__threads(const weft_ctx *ctx)
{
	long n;

	if (ctx->threads)
		return ctx->threads;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

char *
weft_default_home(const char *home)
{
	const char *env;
	char *p = NULL;

	if (home && *home)
		return strdup(home);
	if ((env = getenv("WEFT_HOME")) && *env)
		return strdup(env);
	if ((env = getenv("XDG_DATA_HOME")) && *env) {
		if (asprintf(&p, "%s/weft", env) < 0)
			return NULL;
		return p;
	}
	if ((env = getenv("HOME")) && *env) {
		if (asprintf(&p, "%s/.local/share/weft", env) < 0)
			return NULL;
		return p;
	}
	return NULL;
}

/* mkdir -p with mode 0700 for the last component. */
static int
make_dirs(const char *path)
{
	char *tmp = strdup(path), *s;
	int rc = 0;

	if (!tmp)
		return -1;
	for (s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(tmp, 0755) && errno != EEXIST) {
			rc = -1;
			break;
		}
		*s = '/';
	}
	if (!rc && mkdir(tmp, 0700) && errno != EEXIST)
		rc = -1;
	free(tmp);
	return rc;
}

gpg_error_t
weft_ctx_open(weft_ctx *ctx, const char *home, unsigned flags)
{
	weft_diag diag = { { 0 } };
	struct stat st;
	char *dir;
	gpg_error_t err;

	ctx->error[0] = 0;
	if (ctx->opened)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_CONFLICT),
				       "a keyring is already open");
	dir = weft_default_home(home);
	if (!dir)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_ENOENT),
			"no keyring directory: give --home DIR or set WEFT_HOME");
	ctx->readonly = (flags & WEFT_OPEN_READONLY) != 0;
	if ((flags & WEFT_OPEN_EXISTING) &&
	    (stat(dir, &st) || !S_ISDIR(st.st_mode) ||
	     !weft_store_exists(dir))) {
		/* Neither made nor read as empty: the caller's work needs
		 * a keyring that is there. */
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_ENOENT),
				      "there is no keyring in %s", dir);
		free(dir);
		return err;
	}
	if (ctx->readonly) {
		if (stat(dir, &st) || !S_ISDIR(st.st_mode) ||
		    !weft_store_exists(dir)) {
			/* Nothing there yet: an empty keyring. */
			ctx->home = dir;
			ctx->opened = true;
			return 0;
		}
	} else if (make_dirs(dir)) {
		err = gpg_error_from_syserror();
		weft_ctx__error(ctx, err, "cannot create keyring directory %s: %s",
				dir, strerror(errno));
		free(dir);
		return err;
	}
	err = weft_store_open(&ctx->store, dir, ctx->readonly, &diag);
	if (err) {
		weft_ctx__error(ctx, err, "cannot open keyring %s: %s", dir,
				diag.msg[0] ? diag.msg : gpg_strerror(err));
		free(dir);
		return err;
	}
	ctx->home = dir;
	ctx->opened = true;
	return 0;
}

const char *
weft_ctx_home(const weft_ctx *ctx)
{
	return ctx->home;
}

gpg_error_t
weft_ctx__txn(weft_ctx *ctx, bool write, weft_txn **out)
{
	*out = NULL;
	if (!ctx->opened)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_INITIALIZED),
				       "no keyring is open");
	if (write && ctx->readonly)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_EACCES),
				       "the keyring was opened read-only");
	return weft_txn_begin(ctx->store, write, out);
}

void
weft_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
weft_unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1, v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		if (*s == ' ' || *s == ':')
			continue;
		if ((v = hexval(*s)) < 0)
			return 0;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == max)
			return 0;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? n : 0;
}
