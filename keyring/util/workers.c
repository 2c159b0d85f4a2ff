/* workers.c - a parallel for over independent jobs. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "workers.h"

struct pool {
	size_t n;
	atomic_size_t next;
	atomic_size_t done;
	weft_job_fn fn;
	void *arg;
};

static void *
worker(void *p)
{
	struct pool *pool = p;
	size_t i;

	while ((i = atomic_fetch_add(&pool->next, 1)) < pool->n) {
		pool->fn(pool->arg, i);
		atomic_fetch_add(&pool->done, 1);
	}
	return NULL;
}

void
weft_parallel(size_t n, unsigned threads, weft_job_fn fn, void *arg,
	      weft_tick_fn tick, void *tick_opaque)
{
	struct pool pool;
	pthread_t *tids = NULL;
	unsigned started = 0, t;
	size_t i, last = 0;

	if (!n)
		return;
	pool.n = n;
	atomic_init(&pool.next, 0);
	atomic_init(&pool.done, 0);
	pool.fn = fn;
	pool.arg = arg;
	if (threads > n)
		threads = (unsigned)n;
	if (threads > 1)
		tids = calloc(threads - 1, sizeof *tids);
	for (t = 0; tids && t + 1 < threads; t++) {
		if (pthread_create(&tids[t], NULL, worker, &pool))
			break;
		started++;
	}
	/* The caller works too, and reports progress between jobs. */
	while ((i = atomic_fetch_add(&pool.next, 1)) < n) {
		fn(arg, i);
		atomic_fetch_add(&pool.done, 1);
		if (tick) {
			size_t d = atomic_load(&pool.done);
			if (d - last >= 16 || d == n) {
				tick(tick_opaque, d, n);
				last = d;
			}
		}
	}
	for (t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	free(tids);
	if (tick)
		tick(tick_opaque, n, n);
}
