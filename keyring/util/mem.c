/* mem.c - secure memory, wiping, checked size arithmetic, copies,
 * arenas. */
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* ---- arenas ------------------------------------------------------------------ */

#define ARENA_FIRST ((size_t)64 << 10)
#define ARENA_HUGE ((size_t)2 << 20)     /* the x86-64 huge page */
#define ARENA_MAX ((size_t)64 << 20)     /* chunks stop doubling here */
#define ARENA_ALIGN 16

typedef struct chunk {
	struct chunk *prev;
	size_t size;             /* of the whole chunk, this header too */
	bool mapped;             /* mmap (else malloc) */
} chunk;

#define HDR ((sizeof(chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

struct weft_arena {
	chunk *cur;
	size_t used;             /* octets of cur taken, its header too */
	size_t next;             /* size of the next chunk */
};

weft_arena *
weft_arena_new(void)
{
	weft_arena *a = calloc(1, sizeof *a);

	if (a)
		a->next = ARENA_FIRST;
	return a;
}

/* Under AddressSanitizer each allocation is a malloc block of its own,
 * so that a read past one is caught rather than landing in the next
 * (gcc says so with __SANITIZE_ADDRESS__, clang before 21 only through
 * __has_feature). */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#if !defined(ARENA_ASAN)
/* The huge pages inside [P, P + N): memory filled and then read at random
 * saves page faults and TLB misses.  Only advice: without transparent
 * huge pages nothing changes. */
static void
advise_huge(void *p, size_t n)
{
	uintptr_t lo = ((uintptr_t)p + ARENA_HUGE - 1) & ~(uintptr_t)(ARENA_HUGE - 1);
	uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(ARENA_HUGE - 1);

	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

/* A mapping of SIZE (a multiple of ARENA_HUGE) that starts on a huge page
 * boundary: map more, give the ends back. */
static void *
map_huge(size_t size)
{
	uint8_t *p, *at;
	size_t head;

	p = mmap(NULL, size + ARENA_HUGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	at = (uint8_t *)(((uintptr_t)p + ARENA_HUGE - 1) & ~(uintptr_t)(ARENA_HUGE - 1));
	head = (size_t)(at - p);
	if (head)
		(void)munmap(p, head);
	(void)munmap(at + size, ARENA_HUGE - head);
	advise_huge(at, size);
	return at;
}

static bool
arena_grow(weft_arena *a, size_t need)
{
	size_t size = a->next;
	chunk *c;

	if (!weft_size_add(&need, need, HDR))
		return false;
	while (size < need) {
		if (!weft_size_mul(&size, size, 2))
			return false;
	}
	if (size >= ARENA_HUGE) {
		if (!weft_size_add(&size, size, ARENA_HUGE - 1))
			return false;
		size &= ~(ARENA_HUGE - 1);
		c = map_huge(size);
	} else {
		c = calloc(1, size);
	}
	if (!c)
		return false;
	c->prev = a->cur;
	c->size = size;
	c->mapped = size >= ARENA_HUGE;
	a->cur = c;
	a->used = HDR;
	if (a->next < ARENA_MAX)
		a->next *= 2;
	return true;
}

void *
weft_arena_zalloc(weft_arena *a, size_t n)
{
	uint8_t *p;

	if (!weft_size_add(&n, n ? n : 1, ARENA_ALIGN - 1))
		return NULL;
	n &= ~(size_t)(ARENA_ALIGN - 1);
	if ((!a->cur || a->cur->size - a->used < n) && !arena_grow(a, n))
		return NULL;
	/* Fresh memory, calloc's or the kernel's: zero already. */
	p = (uint8_t *)a->cur + a->used;
	a->used += n;
	return p;
}
#else
void *
weft_arena_zalloc(weft_arena *a, size_t n)
{
	chunk *c;
	size_t size;

	if (!weft_size_add(&size, n ? n : 1, HDR) || !(c = calloc(1, size)))
		return NULL;
	c->prev = a->cur;
	c->size = size;
	c->mapped = false;
	a->cur = c;
	return (uint8_t *)c + HDR;
}
#endif

void
weft_arena_free(weft_arena *a)
{
	chunk *c, *prev;

	if (!a)
		return;
	for (c = a->cur; c; c = prev) {
		prev = c->prev;
		if (c->mapped)
			(void)munmap(c, c->size);
		else
			free(c);
	}
	free(a);
}
