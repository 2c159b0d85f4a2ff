/* buf.h - a growable byte buffer for writers.
 *
 * Errors are sticky: after an allocation failure or a size overflow every
 * later put is a no-op and weft_buf_error() reports the first error, so a
 * writer may do many puts and check once at the end.
 *
 * A buffer made with weft_buf_init_secure() lives in libgcrypt's secure
 * memory and is wiped when it grows or is freed; use it for anything that
 * holds secret key material or passphrases.
 */
#ifndef WEFT_UTIL_BUF_H
#define WEFT_UTIL_BUF_H

#include "../internal.h"

typedef struct weft_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	bool secure;
	gpg_error_t err;
} weft_buf;

void weft_buf_init(weft_buf *b);
void weft_buf_init_secure(weft_buf *b);
/* Frees (wiping first when secure) and re-initialises. */
void weft_buf_free(weft_buf *b);
/* Keep the allocation, drop the contents. */
void weft_buf_reset(weft_buf *b);
gpg_error_t weft_buf_error(const weft_buf *b);

gpg_error_t weft_buf_reserve(weft_buf *b, size_t more);
gpg_error_t weft_buf_put(weft_buf *b, const void *p, size_t n);
gpg_error_t weft_buf_put_u8(weft_buf *b, uint8_t v);
gpg_error_t weft_buf_put_u16(weft_buf *b, uint16_t v);  /* big endian */
gpg_error_t weft_buf_put_u32(weft_buf *b, uint32_t v);  /* big endian */
gpg_error_t weft_buf_put_str(weft_buf *b, const char *s);
gpg_error_t weft_buf_printf(weft_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends a NUL that is not counted in len, so data can be used as a C
 * string. */
gpg_error_t weft_buf_terminate(weft_buf *b);

/* Hand the bytes to the caller (who frees them with free(), or with
 * gcry_free() for a secure buffer) and re-initialise B.  Returns NULL when
 * the buffer is in error (check weft_buf_error() first to know which). */
uint8_t *weft_buf_steal(weft_buf *b, size_t *len);

#endif /* WEFT_UTIL_BUF_H */
