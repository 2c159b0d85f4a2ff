/* tests/unit/util/mem.c - allocation helpers (util/mem.h): checked size
 * arithmetic at the edges, weft_grow's doubling, refusals and kept
 * contents, and arenas: every allocation zeroed, aligned to 16,
 * disjoint from every other and intact until the arena is freed, across
 * small chunks, huge page chunks and allocations larger than any chunk;
 * sizes that would wrap refused.
 */
#include <stdint.h>

#include "util/mem.h"
#include "t.h"

static void
check_sizes(void)
{
	size_t r;

	T_CHECK(weft_size_add(&r, 1, 2) && r == 3, "1 + 2");
	T_CHECK(weft_size_add(&r, SIZE_MAX - 1, 1) && r == SIZE_MAX,
		"SIZE_MAX - 1 + 1");
	T_CHECK(!weft_size_add(&r, SIZE_MAX, 1), "SIZE_MAX + 1 wraps");
	T_CHECK(weft_size_mul(&r, SIZE_MAX / 2, 2), "SIZE_MAX / 2 * 2");
	T_CHECK(!weft_size_mul(&r, SIZE_MAX / 2 + 1, 2), "(SIZE_MAX / 2 + 1) * 2 wraps");
}

static void
check_grow(void)
{
	uint32_t *v = NULL;
	size_t cap = 0, i, n = (size_t)3 << 20;   /* 12 MiB of uint32_t */
	bool kept = true;

	T_OK(weft_grow((void **)&v, &cap, 0, sizeof *v));
	T_EQ_INT(cap, 0);
	T_OK(weft_grow((void **)&v, &cap, 1, sizeof *v));
	T_EQ_INT(cap, 2);
	T_OK(weft_grow((void **)&v, &cap, 3, sizeof *v));
	T_EQ_INT(cap, 4);
	T_OK(weft_grow((void **)&v, &cap, 4, sizeof *v));
	T_EQ_INT(cap, 4);
	for (i = 0; i < n; i++) {
		if (i == cap && weft_grow((void **)&v, &cap, i + 1, sizeof *v))
			break;
		v[i] = (uint32_t)(i * 2654435761u);
	}
	T_EQ_INT(i, n);
	for (i = 0; i < n && kept; i++)
		kept = v[i] == (uint32_t)(i * 2654435761u);
	T_CHECK(kept, "weft_grow past 8 MiB keeps what was written (first loss at %zu)", i - 1);
	T_ERR(weft_grow((void **)&v, &cap, SIZE_MAX / 2, sizeof *v), GPG_ERR_TOO_LARGE);
	T_CHECK(v != NULL && v[n - 1] == (uint32_t)((n - 1) * 2654435761u),
		"a refused growth leaves the array as it was");
	free(v);
}

typedef struct piece {
	uint8_t *p;
	size_t n;
} piece;

static void
check_arena(void)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 17, 100, 4096, 70000,
					(size_t)3 << 20, (size_t)70 << 20 };
	piece pc[600];
	weft_arena *a = weft_arena_new();
	size_t i, j, k, np = 0, nonzero = 0, misaligned = 0, overlap = 0,
		damaged = 0;

	T_CHECK(a != NULL, "arena");
	if (!a)
		return;
	for (i = 0; i < 60; i++)
		for (j = 0; j < WEFT_ARRAY_SIZE(sizes); j++) {
			size_t n = sizes[j] + (sizes[j] < 100000 ? i : 0);
			uint8_t *p;

			/* the two largest once each */
			if (sizes[j] > 100000 && i != 7)
				continue;
			p = weft_arena_zalloc(a, n);
			T_CHECK(p != NULL, "arena allocation of %zu", n);
			if (!p)
				continue;
			for (k = 0; k < n; k++)
				nonzero += p[k] != 0;
			misaligned += ((uintptr_t)p & 15) != 0;
			memset(p, (int)(np & 0xff) | 1, n);
			pc[np].p = p;
			pc[np++].n = n;
		}
	T_EQ_INT(nonzero, 0);
	T_EQ_INT(misaligned, 0);
	for (i = 0; i < np; i++) {
		for (k = 0; k < pc[i].n; k++)
			damaged += pc[i].p[k] != ((i & 0xff) | 1);
		for (j = i + 1; j < np; j++)
			overlap += pc[i].n && pc[j].n &&
				   pc[i].p < pc[j].p + pc[j].n &&
				   pc[j].p < pc[i].p + pc[i].n;
	}
	T_EQ_INT(damaged, 0);
	T_EQ_INT(overlap, 0);
	T_CHECK(weft_arena_zalloc(a, SIZE_MAX) == NULL, "SIZE_MAX octets: refused");
	T_CHECK(weft_arena_zalloc(a, SIZE_MAX - 8) == NULL, "SIZE_MAX - 8 octets: refused");
	/* past the rounding, wrapping only with the chunk's header */
	T_CHECK(weft_arena_zalloc(a, SIZE_MAX - 31) == NULL, "SIZE_MAX - 31 octets: refused");
	T_CHECK(weft_arena_zalloc(a, 32) != NULL, "the arena still serves after a refusal");
	weft_arena_free(a);
	weft_arena_free(NULL);
}

int
main(void)
{
	check_sizes();
	check_grow();
	check_arena();
	return t_done();
}
