/* map.h - the keyring's map in this process's memory (map.c), internal
 * to store/.  The store embeds one struct weft_map; store.c's public
 * calls (weft_store_breathe, weft_store_release_pages,
 * weft_txn_keep_mapped, see store.h) come here.
 *
 * Lifetime: weft_map__init before anything else (weft_map__close may
 * follow it alone, on a failed open); weft_map__open once the LMDB
 * environment is open; weft_map__close before freeing, after the
 * environment is closed.  Until weft_map__open finds the map, releasing
 * and keeping do nothing. */
#ifndef WEFT_STORE_MAP_H
#define WEFT_STORE_MAP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct MDB_env;

/* 32 GiB of address space; the file grows only as data is written. */
#define WEFT_MAP_SIZE ((size_t)1 << 35)

struct weft_map {
	struct MDB_env *env;     /* the store's, borrowed */
	uint8_t *base;           /* where the map is, or NULL: not found */
	unsigned calls;          /* weft_map__breathe */
	uint64_t resident_base;  /* file-backed memory when opened */
	int statm;               /* /proc/self/statm, or -1 */
	/* weft_map__keep: page ranges a release leaves alone. */
	pthread_mutex_t keep_lock;
	struct weft_map__range {
		uintptr_t lo, hi;
	} *keep;
	size_t nkeep, keep_cap;
	uint64_t keep_bytes;
};

void weft_map__init(struct weft_map *m);
void weft_map__open(struct weft_map *m, struct MDB_env *env);
void weft_map__close(struct weft_map *m);

/* WEIGHT more reads of the map; now and then, let go of it past the
 * budget (weft_store_breathe).  Any thread. */
void weft_map__breathe(struct weft_map *m, unsigned weight);
/* Let go of the map now if past the budget (as weft_map__breathe does
 * every so often).  Any thread. */
void weft_map__trim(struct weft_map *m);
/* Let go of the map now and count the budget from what is left (the
 * floor a long import raised no longer applies). */
void weft_map__rebase(struct weft_map *m);
/* Drop this process's mapping of the map's pages, except the kept
 * ranges (weft_store_release_pages). */
void weft_map__release(struct weft_map *m);
/* Keep the pages of P (LEN octets) mapped through releases until
 * weft_map__keep_clear (weft_txn_keep_mapped; the end of a transaction). */
void weft_map__keep(struct weft_map *m, const void *p, size_t len);
void weft_map__keep_clear(struct weft_map *m);

#endif /* WEFT_STORE_MAP_H */
