/* workers.c - a parallel for over independent jobs, a job beside the
 * caller, values per thread. */
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

static void
pool_init(struct pool *pool, size_t n, weft_job_fn fn, void *arg)
{
	pool->n = n;
	atomic_init(&pool->next, 0);
	atomic_init(&pool->done, 0);
	pool->fn = fn;
	pool->arg = arg;
}

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
	pool_init(&pool, n, fn, arg);
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
	pool_init(&bg->pool, n, fn, arg);
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

/* The key is made at the first use (pthread_once takes no argument to
 * say which value). */
static bool
thread_key(weft_thread_value *v)
{
	if (!atomic_load_explicit(&v->made, memory_order_acquire)) {
		pthread_mutex_lock(&v->lock);
		if (!atomic_load_explicit(&v->made, memory_order_relaxed)) {
			v->ok = !pthread_key_create(&v->key, v->destroy);
			atomic_store_explicit(&v->made, true,
					      memory_order_release);
		}
		pthread_mutex_unlock(&v->lock);
	}
	return v->ok;
}

void *
weft_thread_get(weft_thread_value *v)
{
	return thread_key(v) ? pthread_getspecific(v->key) : NULL;
}

bool
weft_thread_set(weft_thread_value *v, void *p)
{
	return thread_key(v) && !pthread_setspecific(v->key, p);
}
