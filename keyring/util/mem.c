/* mem.c - secure memory, wiping, checked size arithmetic and copies. */
#include "mem.h"

#include <stdlib.h>
#include <string.h>
#include <gcrypt.h>

void
weft_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

void *
weft_secure_alloc(size_t n)
{
	return gcry_malloc_secure(n ? n : 1);
}

void
weft_secure_free(void *p, size_t n)
{
	if (!p)
		return;
	weft_wipe(p, n);
	gcry_free(p);
}

bool
weft_size_add(size_t *out, size_t a, size_t b)
{
	return !__builtin_add_overflow(a, b, out);
}

bool
weft_size_mul(size_t *out, size_t a, size_t b)
{
	return !__builtin_mul_overflow(a, b, out);
}

gpg_error_t
weft_grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap, bytes;
	void *n;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 2;
	while (ncap < need) {
		if (!weft_size_mul(&ncap, ncap, 2))
			return WEFT_ERR(GPG_ERR_TOO_LARGE);
	}
	if (!weft_size_mul(&bytes, ncap, size))
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	n = realloc(*arr, bytes);
	if (!n)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	*arr = n;
	*cap = ncap;
	return 0;
}

char *
weft_memdupz(const void *p, size_t n)
{
	size_t sz;
	char *s;

	if (!weft_size_add(&sz, n, 1) || !(s = malloc(sz)))
		return NULL;
	if (n)
		memcpy(s, p, n);
	s[n] = 0;
	return s;
}
