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

struct weft_background {
	struct pool pool;
	pthread_t tid;
	bool started;
};

weft_background *
weft_background_start(size_t n, weft_job_fn fn, void *arg)
{
	weft_background *bg = calloc(1, sizeof *bg);

	if (!bg)
		return NULL;
	bg->pool.n = n;
	atomic_init(&bg->pool.next, 0);
	atomic_init(&bg->pool.done, 0);
	bg->pool.fn = fn;
	bg->pool.arg = arg;
	/* Without a thread, finish runs every job. */
	bg->started = n && !pthread_create(&bg->tid, NULL, worker, &bg->pool);
	return bg;
}

void
weft_background_finish(weft_background *bg, bool cancel)
{
	size_t i;

	if (!bg)
		return;
	if (cancel)
		atomic_store(&bg->pool.next, bg->pool.n);
	while ((i = atomic_fetch_add(&bg->pool.next, 1)) < bg->pool.n)
		bg->pool.fn(bg->pool.arg, i);
	if (bg->started)
		pthread_join(bg->tid, NULL);
	free(bg);
}
