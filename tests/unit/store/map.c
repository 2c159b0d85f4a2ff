/* tests/unit/store/map.c - the kept ranges of the keyring's map
 * (weft_map__keep, weft_map__keep_clear in store/map.c): page ranges a
 * release leaves mapped.  A mistake there either keeps map memory it
 * should let go of or releases pages a search still reads.
 *
 * The ranges are checked directly in a struct weft_map whose base is a
 * fake map: a PROT_NONE reservation of the map's size (with a guard page
 * on each side, so the pointers "just outside the map" are ours too).
 * Keeping only does arithmetic on the pointers; a read of the region
 * would fault and fail the program.  No LMDB environment is opened, so
 * weft_map__release and weft_map__breathe (which madvise the map) are
 * never called here.  Like LMDB's own map, the reservation needs 32 GiB
 * of address space (not memory).
 *
 * Expected ranges are written in pages from the base, [lo, hi).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "store/map.h"
#include "t.h"

/* map.c's limits (not exported): at most this many ranges, of at most
 * this many octets in all. */
#define KEEP_RANGES 256
#define KEEP_MAX ((uint64_t)16 << 20)

static uintptr_t pg;    /* the page size */
static uintptr_t fake;  /* the fake map's base */

/* Keep LEN octets at offset OFF (octets) from the fake base. */
static void
keep_at(struct weft_map *m, uintptr_t off, size_t len)
{
	weft_map__keep(m, (const void *)(fake + off), len);
}

/* Keep pages [LO, HI) exactly. */
static void
keep_pages(struct weft_map *m, uintptr_t lo, uintptr_t hi)
{
	keep_at(m, lo * pg, (hi - lo) * pg);
}

static void
dump(const struct weft_map *m)
{
	size_t i;

	printf("    %zu ranges, %llu octets:", m->nkeep,
	       (unsigned long long)m->keep_bytes);
	for (i = 0; i < m->nkeep && i < 16; i++)
		printf(" [%lld, %lld)",
		       (long long)((m->keep[i].lo - fake) / pg),
		       (long long)((m->keep[i].hi - fake) / pg));
	printf("%s\n", m->nkeep > 16 ? " ..." : "");
}

/* The ranges must be exactly WANT (N pairs of pages, [lo, hi)), page
 * aligned, and keep_bytes their total. */
static void
expect_(int line, const struct weft_map *m, const uintptr_t *want, size_t n)
{
	uint64_t bytes = 0;
	size_t i;
	int ok = 1;

	T_CHECK(m->nkeep == n, "line %d: %zu ranges, want %zu", line,
		m->nkeep, n);
	if (m->nkeep != n)
		ok = 0;
	for (i = 0; i < n && i < m->nkeep; i++) {
		uintptr_t lo = fake + want[2 * i] * pg,
			  hi = fake + want[2 * i + 1] * pg;

		if (m->keep[i].lo != lo || m->keep[i].hi != hi)
			ok = 0;
		bytes += hi - lo;
	}
	T_CHECK(ok, "line %d: ranges differ", line);
	T_CHECK(m->keep_bytes == bytes, "line %d: keep_bytes %llu, want %llu",
		line, (unsigned long long)m->keep_bytes,
		(unsigned long long)bytes);
	if (!ok || m->keep_bytes != bytes)
		dump(m);
}

#define EXPECT(m, ...)                                                        \
	expect_(__LINE__, (m), (const uintptr_t[]){__VA_ARGS__},              \
		sizeof((const uintptr_t[]){__VA_ARGS__}) / sizeof(uintptr_t) / 2)
#define EXPECT_NONE(m) expect_(__LINE__, (m), NULL, 0)

/* Every range page aligned, non-empty, and apart from the next by at
 * least a page (touching ranges are merged); keep_bytes their total. */
static void
invariant_(int line, const struct weft_map *m)
{
	uint64_t bytes = 0;
	size_t i;
	int ok = 1;

	for (i = 0; i < m->nkeep; i++) {
		if (m->keep[i].lo % pg || m->keep[i].hi % pg ||
		    m->keep[i].lo >= m->keep[i].hi ||
		    (i + 1 < m->nkeep && m->keep[i].hi >= m->keep[i + 1].lo))
			ok = 0;
		bytes += m->keep[i].hi - m->keep[i].lo;
	}
	T_CHECK(ok && bytes == m->keep_bytes && m->nkeep <= KEEP_RANGES &&
			m->keep_bytes <= KEEP_MAX,
		"line %d: ranges not sorted, apart and within the limits",
		line);
	if (!ok || bytes != m->keep_bytes)
		dump(m);
}
#define INVARIANT(m) invariant_(__LINE__, (m))

static void
map_init(struct weft_map *m)
{
	memset(m, 0, sizeof *m);
	weft_map__init(m);
	m->base = (uint8_t *)fake;
}

/* weft_map__close: no statm descriptor (weft_map__init sets -1), no
 * environment is touched; it frees the ranges. */
static void
map_close(struct weft_map *m)
{
	weft_map__close(m);
}

/* What keep must ignore: no map found (base NULL), empty lengths,
 * pointers outside [base, base + WEFT_MAP_SIZE) even when the length
 * would reach into the map. */
static void
test_ignored(void)
{
	struct weft_map m;

	map_init(&m);
	m.base = NULL;
	keep_at(&m, 0, pg);
	weft_map__keep(&m, NULL, pg);
	weft_map__keep(&m, (const void *)(fake + 5 * pg), 3 * pg);
	EXPECT_NONE(&m);
	T_CHECK(m.keep == NULL && m.keep_cap == 0,
		"base NULL: nothing allocated");

	m.base = (uint8_t *)fake;
	keep_at(&m, 0, 0);
	keep_at(&m, 3 * pg + 1, 0);
	EXPECT_NONE(&m);
	weft_map__keep(&m, NULL, pg);
	weft_map__keep(&m, (const void *)(fake - 1), 2);
	weft_map__keep(&m, (const void *)(fake - pg), 3 * pg);
	weft_map__keep(&m, (const void *)(fake + WEFT_MAP_SIZE), 1);
	weft_map__keep(&m, (const void *)(fake + WEFT_MAP_SIZE), pg);
	weft_map__keep(&m, (const void *)(fake + WEFT_MAP_SIZE + pg - 1), 1);
	EXPECT_NONE(&m);
	T_CHECK(m.keep == NULL && m.keep_cap == 0,
		"outside the map: nothing allocated");

	/* The first and the last octet of the map are inside. */
	keep_at(&m, 0, 1);
	EXPECT(&m, 0, 1);
	keep_at(&m, WEFT_MAP_SIZE - 1, 1);
	EXPECT(&m, 0, 1, WEFT_MAP_SIZE / pg - 1, WEFT_MAP_SIZE / pg);
	/* A range that starts in the map ends at the map's end, however
	 * long it claims to be (a length that would wrap included). */
	weft_map__keep_clear(&m);
	keep_at(&m, WEFT_MAP_SIZE - 1, 2 * pg);
	EXPECT(&m, WEFT_MAP_SIZE / pg - 1, WEFT_MAP_SIZE / pg);
	weft_map__keep_clear(&m);
	keep_at(&m, WEFT_MAP_SIZE - 3 * pg + 1, SIZE_MAX);
	EXPECT(&m, WEFT_MAP_SIZE / pg - 3, WEFT_MAP_SIZE / pg);
	map_close(&m);
}

/* Ranges are widened to whole pages: LO down, the end up. */
static void
test_pages(void)
{
	struct weft_map m;

	map_init(&m);
	keep_at(&m, 3 * pg + 1, 1);
	EXPECT(&m, 3, 4);
	weft_map__keep_clear(&m);
	keep_at(&m, 3 * pg + pg - 1, 1);  /* the page's last octet */
	EXPECT(&m, 3, 4);
	weft_map__keep_clear(&m);
	keep_at(&m, 3 * pg, pg);          /* exactly one page */
	EXPECT(&m, 3, 4);
	weft_map__keep_clear(&m);
	keep_at(&m, 3 * pg, pg + 1);      /* one octet into the next */
	EXPECT(&m, 3, 5);
	weft_map__keep_clear(&m);
	keep_at(&m, 3 * pg - 1, 2);       /* two octets over a boundary */
	EXPECT(&m, 2, 4);
	weft_map__keep_clear(&m);
	keep_at(&m, 10 * pg + 7, 5 * pg); /* five pages, unaligned */
	EXPECT(&m, 10, 16);
	INVARIANT(&m);
	map_close(&m);
}

/* Ranges that touch or overlap become one; contained ranges change
 * nothing; keep_bytes counts each page once. */
static void
test_merge(void)
{
	struct weft_map m;

	map_init(&m);
	keep_pages(&m, 4, 5);
	keep_pages(&m, 5, 6);  /* touches on the right */
	EXPECT(&m, 4, 6);
	keep_pages(&m, 3, 4);  /* touches on the left */
	EXPECT(&m, 3, 6);
	keep_pages(&m, 10, 12);
	keep_pages(&m, 7, 8);  /* a page apart from both: its own range */
	EXPECT(&m, 3, 6, 7, 8, 10, 12);

	keep_pages(&m, 4, 5);  /* contained */
	keep_at(&m, 4 * pg + 100, 10);
	keep_pages(&m, 3, 6);  /* the same range again */
	keep_pages(&m, 10, 11);
	EXPECT(&m, 3, 6, 7, 8, 10, 12);

	keep_pages(&m, 5, 7);  /* overlaps one, touches the next */
	EXPECT(&m, 3, 8, 10, 12);
	keep_pages(&m, 9, 11); /* overlaps the start of one */
	EXPECT(&m, 3, 8, 9, 12);
	keep_pages(&m, 11, 14); /* overlaps the end of one */
	EXPECT(&m, 3, 8, 9, 14);
	keep_pages(&m, 1, 20); /* contains them all */
	EXPECT(&m, 1, 20);
	INVARIANT(&m);

	/* One page fills the gap between two ranges: all three are one. */
	weft_map__keep_clear(&m);
	keep_pages(&m, 0, 2);
	keep_pages(&m, 3, 5);
	keep_pages(&m, 6, 8);
	EXPECT(&m, 0, 2, 3, 5, 6, 8);
	keep_pages(&m, 2, 3);
	EXPECT(&m, 0, 5, 6, 8);
	keep_at(&m, 5 * pg + pg / 2, 1); /* an octet of the gap */
	EXPECT(&m, 0, 8);

	/* A range over several, from the middle of one to the middle of
	 * another, leaves the ones after it in place. */
	weft_map__keep_clear(&m);
	keep_pages(&m, 0, 2);
	keep_pages(&m, 4, 6);
	keep_pages(&m, 8, 10);
	keep_pages(&m, 12, 14);
	keep_pages(&m, 16, 18);
	keep_at(&m, 5 * pg + 1, 8 * pg); /* pages 5 to 13 */
	EXPECT(&m, 0, 2, 4, 14, 16, 18);
	INVARIANT(&m);
	map_close(&m);
}

/* Out of order: the ranges stay sorted. */
static void
test_order(void)
{
	static const uintptr_t odd[] = {9, 1, 5, 13, 3, 11, 7};
	struct weft_map m;
	size_t i;

	map_init(&m);
	for (i = 0; i < WEFT_ARRAY_SIZE(odd); i++) {
		keep_pages(&m, odd[i], odd[i] + 1);
		INVARIANT(&m);
	}
	EXPECT(&m, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
	keep_pages(&m, 20, 21);  /* after the last */
	keep_pages(&m, 16, 17);  /* between two, apart from both */
	EXPECT(&m, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17,
	       20, 21);
	keep_pages(&m, 8, 9);    /* joins the 4th and 5th */
	EXPECT(&m, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17, 20, 21);
	keep_pages(&m, 0, 1);    /* before the first, touching it */
	keep_pages(&m, 2, 3);    /* joins the first two */
	EXPECT(&m, 0, 4, 5, 6, 7, 10, 11, 12, 13, 14, 16, 17, 20, 21);
	keep_pages(&m, 14, 16);  /* joins two */
	keep_pages(&m, 21, 22);  /* grows the last */
	EXPECT(&m, 0, 4, 5, 6, 7, 10, 11, 12, 13, 17, 20, 22);
	INVARIANT(&m);
	map_close(&m);
}

/* At KEEP_RANGES ranges, a range apart from all of them is not kept;
 * one that joins or grows a range still is.  keep_clear empties the
 * ranges (the array stays for the next transaction). */
static void
test_cap(void)
{
	struct weft_map m;
	struct weft_map__range *was;
	size_t i, k, cap;
	int ok = 1;

	map_init(&m);
	/* Pages 0, 2, 4 ... 510 in a scattered order (97 is prime to 256). */
	for (i = 0; i < KEEP_RANGES; i++) {
		k = (i * 97 + 31) % KEEP_RANGES;
		keep_pages(&m, 2 * k, 2 * k + 1);
	}
	T_EQ_INT(m.nkeep, KEEP_RANGES);
	T_EQ_INT(m.keep_bytes, (uint64_t)KEEP_RANGES * pg);
	for (i = 0; i < m.nkeep; i++)
		if (m.keep[i].lo != fake + 2 * i * pg ||
		    m.keep[i].hi != fake + (2 * i + 1) * pg)
			ok = 0;
	T_CHECK(ok, "%d ranges inserted out of order: sorted", KEEP_RANGES);
	INVARIANT(&m);

	/* Full: new ranges apart from the others are left out. */
	keep_pages(&m, 1000, 1001);
	keep_pages(&m, 512, 513);
	T_EQ_INT(m.nkeep, KEEP_RANGES);
	T_EQ_INT(m.keep_bytes, (uint64_t)KEEP_RANGES * pg);
	T_CHECK(m.keep[KEEP_RANGES - 1].lo == fake + 510 * pg &&
			m.keep[KEEP_RANGES - 1].hi == fake + 511 * pg,
		"full: the last range is still [510, 511)");
	/* A range already kept is fine. */
	keep_pages(&m, 0, 1);
	keep_at(&m, 200 * pg + 3, 1);
	T_EQ_INT(m.nkeep, KEEP_RANGES);
	T_EQ_INT(m.keep_bytes, (uint64_t)KEEP_RANGES * pg);

	/* With 64 KiB pages, 256 of them are all of KEEP_MAX: a merge that
	 * adds a page would be refused for that instead (see test_max). */
	if ((uint64_t)(KEEP_RANGES + 2) * pg <= KEEP_MAX) {
		/* Growing a range at the cap. */
		keep_pages(&m, 510, 512);
		T_EQ_INT(m.nkeep, KEEP_RANGES);
		T_EQ_INT(m.keep_bytes, (uint64_t)(KEEP_RANGES + 1) * pg);
		T_CHECK(m.keep[KEEP_RANGES - 1].hi == fake + 512 * pg,
			"full: the last range grew to [510, 512)");
		/* Joining two leaves room for one more ... */
		keep_pages(&m, 1, 2);
		T_EQ_INT(m.nkeep, KEEP_RANGES - 1);
		T_CHECK(m.keep[0].lo == fake && m.keep[0].hi == fake + 3 * pg,
			"full: pages 0 to 2 joined");
		keep_pages(&m, 1000, 1001);
		T_EQ_INT(m.nkeep, KEEP_RANGES);
		T_CHECK(m.keep[KEEP_RANGES - 1].lo == fake + 1000 * pg,
			"full again: [1000, 1001) is the last range");
		/* ... and only one. */
		keep_pages(&m, 2000, 2001);
		T_EQ_INT(m.nkeep, KEEP_RANGES);
		T_EQ_INT(m.keep_bytes, (uint64_t)(KEEP_RANGES + 3) * pg);
		INVARIANT(&m);
	}

	was = m.keep;
	cap = m.keep_cap;
	weft_map__keep_clear(&m);
	EXPECT_NONE(&m);
	T_CHECK(m.keep == was && m.keep_cap == cap && cap >= KEEP_RANGES,
		"keep_clear keeps the array");
	keep_pages(&m, 2000, 2001);
	keep_pages(&m, 7, 8);
	EXPECT(&m, 7, 8, 2000, 2001);
	/* Cleared, the cap counts from nothing again. */
	for (i = 0; i < KEEP_RANGES; i++)
		keep_pages(&m, 3000 + 2 * i, 3000 + 2 * i + 1);
	T_EQ_INT(m.nkeep, KEEP_RANGES);
	T_CHECK(m.keep[0].lo == fake + 7 * pg &&
			m.keep[1].lo == fake + 2000 * pg &&
			m.keep[KEEP_RANGES - 1].lo ==
				fake + (3000 + 2 * (KEEP_RANGES - 3)) * pg,
		"after clear: the first ranges asked for are kept");
	INVARIANT(&m);
	map_close(&m);
}

/* At most KEEP_MAX octets are kept: a range that would go past it is
 * not kept at all (not cut short), and what was kept before stays.  The
 * count takes merges into account: pages already kept count once. */
static void
test_max(void)
{
	struct weft_map m;
	uintptr_t n = KEEP_MAX / pg;  /* pages in KEEP_MAX */

	map_init(&m);
	keep_pages(&m, 0, n);
	EXPECT(&m, 0, n);
	T_EQ_INT(m.keep_bytes, KEEP_MAX);
	keep_pages(&m, n + 10, n + 11);  /* apart: over */
	keep_pages(&m, n, n + 1);        /* touching: over */
	keep_pages(&m, n - 1, n + 1);    /* overlapping: over */
	keep_at(&m, n * pg - 1, 2);      /* one octet over */
	EXPECT(&m, 0, n);
	keep_pages(&m, 5, 7);            /* inside: nothing more */
	keep_pages(&m, 0, n);
	EXPECT(&m, 0, n);

	/* A single range over the limit is not kept at all. */
	weft_map__keep_clear(&m);
	keep_at(&m, 0, KEEP_MAX + 1);
	EXPECT_NONE(&m);
	keep_at(&m, 1, KEEP_MAX);        /* n + 1 pages once aligned */
	EXPECT_NONE(&m);
	keep_at(&m, 100 * pg, KEEP_MAX); /* exactly n pages */
	EXPECT(&m, 100, 100 + n);

	/* What is asked first is kept; what comes after, up to the limit. */
	weft_map__keep_clear(&m);
	keep_pages(&m, 10, 10 + n / 2);
	keep_pages(&m, 20 + n, 20 + n + n / 2 + 1); /* one page too many */
	keep_pages(&m, 20 + n, 20 + n + n / 2);     /* fits exactly */
	EXPECT(&m, 10, 10 + n / 2, 20 + n, 20 + n + n / 2);
	T_EQ_INT(m.keep_bytes, KEEP_MAX);

	/* Growing a range to the limit: its own pages count once. */
	weft_map__keep_clear(&m);
	keep_pages(&m, 0, n - 1);
	keep_pages(&m, 0, n);
	EXPECT(&m, 0, n);
	/* Joining two ranges to the limit: theirs count once. */
	weft_map__keep_clear(&m);
	keep_pages(&m, 0, 3);
	keep_pages(&m, 4, n);
	EXPECT(&m, 0, 3, 4, n);
	keep_pages(&m, 2, 5);
	EXPECT(&m, 0, n);
	T_EQ_INT(m.keep_bytes, KEEP_MAX);
	INVARIANT(&m);
	map_close(&m);
}

/* Threads keeping interleaved pages (each a page apart from its own
 * others) end with their union: one range. */
#define NTHREADS 4
#define NPAGES 200

struct job {
	struct weft_map *m;
	uintptr_t first;
};

static void *
keeper(void *arg)
{
	struct job *j = arg;
	uintptr_t p;

	for (p = j->first; p < NPAGES; p += NTHREADS)
		keep_pages(j->m, p, p + 1);
	return NULL;
}

static void
test_threads(void)
{
	struct weft_map m;
	pthread_t th[NTHREADS];
	struct job jobs[NTHREADS];
	int started[NTHREADS];
	size_t i;

	map_init(&m);
	for (i = 0; i < NTHREADS; i++) {
		jobs[i].m = &m;
		jobs[i].first = i;
		started[i] = !pthread_create(&th[i], NULL, keeper, &jobs[i]);
		T_CHECK(started[i], "pthread_create");
	}
	for (i = 0; i < NTHREADS; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	EXPECT(&m, 0, NPAGES);
	map_close(&m);
}

int
main(void)
{
	void *res;
	size_t size;

	pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	size = WEFT_MAP_SIZE + 2 * pg;
	res = mmap(NULL, size, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED) {
		printf("FAIL cannot reserve %zu octets of address space\n",
		       size);
		return 1;
	}
	fake = (uintptr_t)res + pg;

	test_ignored();
	test_pages();
	test_merge();
	test_order();
	test_cap();
	test_max();
	test_threads();

	munmap(res, size);
	return t_done();
}
