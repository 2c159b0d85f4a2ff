/* mem.h - secure memory, wiping and allocation helpers.
 *
 * Secret key material and passphrases live in libgcrypt's secure memory
 * (locked, never swapped) and are wiped before they are freed.  This file
 * is the one place outside crypto/ that includes <gcrypt.h>, and only for
 * its allocator.
 */
#ifndef WEFT_UTIL_MEM_H
#define WEFT_UTIL_MEM_H

#include "../internal.h"

/* Zero N bytes in a way the compiler may not elide. */
void weft_wipe(void *p, size_t n);
/* Secure allocation; NULL on failure.  Free with weft_secure_free. */
void *weft_secure_alloc(size_t n);
/* Wipes the first N bytes, then frees.  Accepts NULL. */
void weft_secure_free(void *p, size_t n);
/* Overflow-checked size arithmetic: false when the result would wrap. */
bool weft_size_add(size_t *out, size_t a, size_t b);
bool weft_size_mul(size_t *out, size_t a, size_t b);
/* calloc-like array growth: make *ARR hold at least NEED elements of SIZE
 * bytes, doubling; *CAP is updated.  GPG_ERR_ENOMEM or GPG_ERR_TOO_LARGE. */
gpg_error_t weft_grow(void **arr, size_t *cap, size_t need, size_t size);
/* N octets of P and a NUL, in a new malloc'd string (caller frees with
 * free); P may be NULL when N is 0.  NULL when out of memory. */
char *weft_memdupz(const void *p, size_t n);

/* An arena: many allocations that are freed together.  Its first chunks
 * are small; from 2 MiB on they are anonymous mappings aligned to 2 MiB
 * and advised as transparent huge pages, so that memory a large trust
 * question fills and then reads at random costs a page fault and a TLB
 * entry per 2 MiB instead of per 4 KiB.  weft_arena_zalloc gives N zeroed
 * octets aligned to 16, NULL when out of memory; weft_arena_free frees
 * every allocation and the arena (NULL is fine). */
typedef struct weft_arena weft_arena;

weft_arena *weft_arena_new(void);
void *weft_arena_zalloc(weft_arena *a, size_t n);
void weft_arena_free(weft_arena *a);

#endif /* WEFT_UTIL_MEM_H */
