/* map.c - the keyring's map in this process's memory: where it is, how
 * much of it is resident, and letting go of its pages (madvise) past a
 * budget, except the ranges a transaction keeps (see map.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lmdb.h>

#include "map.h"
#include "../util/mem.h"

/* The map is shared and read-only (no MDB_WRITEMAP), so the pages a
 * process has read are in the page cache; dropping this process's
 * mapping of them frees nothing the keyring needs (a later read maps
 * them again, from the cache: pointers into the map stay valid) but
 * keeps a long import or check from holding every page of the keyring it
 * ever touched.  The kernel maps up to 16 neighbouring cached pages on
 * each fault, so a few thousand random lookups map the whole file.
 * LMDB does not say where its map is (mdb_env_info's me_mapaddr is only
 * set for MDB_FIXEDMAP): it is found once in /proc/self/maps by the data
 * file's inode. */
static void
find_map(struct weft_map *m)
{
	struct stat st;
	unsigned long lo, hi, ino;
	char line[512];
	FILE *f;
	int fd;

	if (mdb_env_get_fd(m->env, &fd) || fstat(fd, &st) ||
	    !(f = fopen("/proc/self/maps", "r")))
		return;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%lx-%lx %*s %*s %*s %lu", &lo, &hi, &ino) == 3 &&
		    ino == (unsigned long)st.st_ino && hi > lo &&
		    hi - lo == WEFT_MAP_SIZE) {
			m->base = (uint8_t *)lo;
			break;
		}
		/* A line longer than the buffer: skip its rest. */
		while (!strchr(line, '\n') && fgets(line, sizeof line, f))
			;
	}
	fclose(f);
}

/* Octets of this process's memory mapped from files (the keyring's map,
 * the program and its libraries): the third field of /proc/self/statm,
 * in pages.  0 when it cannot be read. */
static uint64_t
file_resident(struct weft_map *m)
{
	char buf[128];
	unsigned long size, resident, shared;
	ssize_t n;

	if (m->statm < 0)
		return 0;
	n = pread(m->statm, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	if (sscanf(buf, "%lu %lu %lu", &size, &resident, &shared) != 3)
		return 0;
	return (uint64_t)shared * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Every BREATHE_EVERY reads of the map (a record of 64 KiB or more
 * counts one more per 64 KiB), look at how much of it this
 * process has mapped, and let go of it past MAP_BUDGET.  Letting go is
 * cheap but every page read after it faults again (the inner pages of
 * the B-trees first): a budget, rather than a fixed rhythm, lets it
 * happen only when random lookups have spread over the file. */
#define BREATHE_EVERY 64
#define MAP_BUDGET ((uint64_t)64 << 20)

void
weft_map__breathe(struct weft_map *m, unsigned weight)
{
	unsigned before, after;

	after = __atomic_add_fetch(&m->calls, weight, __ATOMIC_RELAXED);
	before = after - weight;
	if (before / BREATHE_EVERY == after / BREATHE_EVERY)
		return;
	weft_map__trim(m);
}

void
weft_map__rebase(struct weft_map *m)
{
	weft_map__release(m);
	__atomic_store_n(&m->resident_base, file_resident(m),
			 __ATOMIC_RELAXED);
}

void
weft_map__trim(struct weft_map *m)
{
	uint64_t now;

	now = file_resident(m);
	if (now <= __atomic_load_n(&m->resident_base, __ATOMIC_RELAXED) +
			  MAP_BUDGET)
		return;
	weft_map__release(m);
	/* What a release cannot let go of (another file this process maps,
	 * such as a large import's input, or the kept ranges) raises the
	 * floor: otherwise every check would release again. */
	now = file_resident(m);
	if (now > __atomic_load_n(&m->resident_base, __ATOMIC_RELAXED) +
			  MAP_BUDGET / 2)
		__atomic_store_n(&m->resident_base, now - MAP_BUDGET / 2,
				 __ATOMIC_RELAXED);
}


/* At most this much of the map is kept mapped through releases, in at
 * most this many ranges (a release makes a call per gap between them:
 * thousands of scattered one-page ranges made releasing cost more than
 * the faults it saves; what is asked first is what is kept). */
#define KEEP_MAX ((uint64_t)16 << 20)
#define KEEP_RANGES 256

void
weft_map__keep(struct weft_map *m, const void *p, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), lo, hi, was;
	size_t i, j, a, b;

	if (!m->base || !len || (uintptr_t)p < (uintptr_t)m->base ||
	    (uintptr_t)p >= (uintptr_t)m->base + WEFT_MAP_SIZE)
		return;
	/* Nothing past the map's end (and no length that wraps). */
	if (len > (uintptr_t)m->base + WEFT_MAP_SIZE - (uintptr_t)p)
		len = (uintptr_t)m->base + WEFT_MAP_SIZE - (uintptr_t)p;
	lo = (uintptr_t)p & ~(page - 1);
	hi = ((uintptr_t)p + len + page - 1) & ~(page - 1);
	pthread_mutex_lock(&m->keep_lock);
	/* The first range that ends at or after LO (sorted, disjoint). */
	a = 0;
	b = m->nkeep;
	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (m->keep[mid].hi < lo)
			a = mid + 1;
		else
			b = mid;
	}
	i = a;
	/* Ranges that touch [LO, HI) are merged with it. */
	for (j = i, was = 0; j < m->nkeep && m->keep[j].lo <= hi; j++) {
		was += m->keep[j].hi - m->keep[j].lo;
		if (m->keep[j].lo < lo)
			lo = m->keep[j].lo;
		if (m->keep[j].hi > hi)
			hi = m->keep[j].hi;
	}
	if (m->keep_bytes - was + (hi - lo) > KEEP_MAX)
		goto leave;
	if (j > i) {
		m->keep[i].lo = lo;
		m->keep[i].hi = hi;
		memmove(&m->keep[i + 1], &m->keep[j],
			(m->nkeep - j) * sizeof *m->keep);
		m->nkeep -= j - i - 1;
	} else if (m->nkeep < KEEP_RANGES &&
		   !weft_grow((void **)&m->keep, &m->keep_cap, m->nkeep + 1,
			      sizeof *m->keep)) {
		memmove(&m->keep[i + 1], &m->keep[i],
			(m->nkeep - i) * sizeof *m->keep);
		m->keep[i].lo = lo;
		m->keep[i].hi = hi;
		m->nkeep++;
	} else {
		goto leave;
	}
	m->keep_bytes = m->keep_bytes - was + (hi - lo);
leave:
	pthread_mutex_unlock(&m->keep_lock);
}

void
weft_map__keep_clear(struct weft_map *m)
{
	pthread_mutex_lock(&m->keep_lock);
	m->nkeep = 0;
	m->keep_bytes = 0;
	pthread_mutex_unlock(&m->keep_lock);
}

void
weft_map__release(struct weft_map *m)
{
	MDB_envinfo info;
	MDB_stat st;
	uintptr_t cur, end;
	size_t i;

	if (!m->base || mdb_env_info(m->env, &info) ||
	    mdb_env_stat(m->env, &st))
		return;
	cur = (uintptr_t)m->base;
	end = cur + ((size_t)info.me_last_pgno + 1) * st.ms_psize;
	pthread_mutex_lock(&m->keep_lock);
	/* The gaps between the kept ranges (sorted, disjoint). */
	for (i = 0; i < m->nkeep && cur < end; i++) {
		if (m->keep[i].lo > cur)
			(void)madvise((void *)cur, (m->keep[i].lo < end ?
					m->keep[i].lo : end) - cur,
				      MADV_DONTNEED);
		if (m->keep[i].hi > cur)
			cur = m->keep[i].hi;
	}
	if (cur < end)
		(void)madvise((void *)cur, end - cur, MADV_DONTNEED);
	pthread_mutex_unlock(&m->keep_lock);
}

void
weft_map__init(struct weft_map *m)
{
	pthread_mutex_init(&m->keep_lock, NULL);
	m->statm = -1;
}

void
weft_map__open(struct weft_map *m, struct MDB_env *env)
{
	m->env = env;
	find_map(m);
	m->statm = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	m->resident_base = file_resident(m);
}

void
weft_map__close(struct weft_map *m)
{
	if (m->statm >= 0)
		close(m->statm);
	pthread_mutex_destroy(&m->keep_lock);
	free(m->keep);
}
