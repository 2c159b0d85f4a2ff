/* buf.c - a growable byte buffer with sticky errors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "mem.h"

void
weft_buf_init(weft_buf *b)
{
	memset(b, 0, sizeof *b);
}

void
weft_buf_init_secure(weft_buf *b)
{
	memset(b, 0, sizeof *b);
	b->secure = true;
}

void
weft_buf_free(weft_buf *b)
{
	bool secure = b->secure;

	if (b->data) {
		if (secure)
			weft_secure_free(b->data, b->cap);
		else
			free(b->data);
	}
	memset(b, 0, sizeof *b);
	b->secure = secure;
}

void
weft_buf_reset(weft_buf *b)
{
	if (b->secure && b->data)
		weft_wipe(b->data, b->len);
	b->len = 0;
	b->err = 0;
}

gpg_error_t
weft_buf_error(const weft_buf *b)
{
	return b->err;
}

gpg_error_t
weft_buf_reserve(weft_buf *b, size_t more)
{
	size_t need, ncap;
	uint8_t *n;

	if (b->err)
		return b->err;
	if (more > SIZE_MAX - b->len - 1)
		return b->err = WEFT_ERR(GPG_ERR_TOO_LARGE);
	need = b->len + more + 1; /* room for weft_buf_terminate */
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2) {
			ncap = need;
			break;
		}
		ncap *= 2;
	}
	if (b->secure) {
		n = weft_secure_alloc(ncap);
		if (n && b->data) {
			memcpy(n, b->data, b->len);
			weft_secure_free(b->data, b->cap);
		}
	} else {
		n = realloc(b->data, ncap);
	}
	if (!n)
		return b->err = WEFT_ERR(GPG_ERR_ENOMEM);
	b->data = n;
	b->cap = ncap;
	return 0;
}

gpg_error_t
weft_buf_put(weft_buf *b, const void *p, size_t n)
{
	gpg_error_t err = weft_buf_reserve(b, n);

	if (err)
		return err;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

gpg_error_t
weft_buf_put_u8(weft_buf *b, uint8_t v)
{
	return weft_buf_put(b, &v, 1);
}

gpg_error_t
weft_buf_put_u16(weft_buf *b, uint16_t v)
{
	uint8_t t[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	return weft_buf_put(b, t, 2);
}

gpg_error_t
weft_buf_put_u32(weft_buf *b, uint32_t v)
{
	uint8_t t[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };
	return weft_buf_put(b, t, 4);
}

gpg_error_t
weft_buf_put_str(weft_buf *b, const char *s)
{
	return weft_buf_put(b, s, strlen(s));
}

gpg_error_t
weft_buf_printf(weft_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	gpg_error_t err;

	if (b->err)
		return b->err;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return b->err = WEFT_ERR(GPG_ERR_INTERNAL);
	err = weft_buf_reserve(b, (size_t)n);
	if (err)
		return err;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

gpg_error_t
weft_buf_terminate(weft_buf *b)
{
	gpg_error_t err = weft_buf_reserve(b, 0);

	if (!err)
		b->data[b->len] = 0;
	return err;
}

uint8_t *
weft_buf_steal(weft_buf *b, size_t *len)
{
	uint8_t *p;
	bool secure = b->secure;

	if (len)
		*len = 0;
	if (b->err) {
		weft_buf_free(b);
		return NULL;
	}
	if (!b->data && weft_buf_reserve(b, 0))
		return NULL;
	b->data[b->len] = 0;
	p = b->data;
	if (len)
		*len = b->len;
	memset(b, 0, sizeof *b);
	b->secure = secure;
	return p;
}
