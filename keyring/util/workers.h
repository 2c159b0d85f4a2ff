/* workers.h - run independent jobs on every core.
 *
 * weft_parallel() calls FN(ARG, i) once for every i in [0, N), on up to
 * THREADS threads including the caller's.  Jobs must not touch shared
 * mutable state (LMDB transactions in particular are bound to the
 * caller's thread).  TICK, if given, is called from the caller's thread
 * between jobs with the number done so far, so progress bars stay in the
 * thread that owns the terminal.
 *
 * weft_background_start() runs FN(ARG, i) for i in [0, N) on one thread
 * of its own while the caller goes on with other work (one core would
 * idle otherwise); weft_background_finish() has the caller run what is
 * left beside it (or, with CANCEL, drop what has not begun) and waits
 * for it.  Every job has run, or been dropped, when it returns.  A NULL
 * from start (out of memory) means nothing was run: the caller does the
 * work itself.
 *
 * A weft_thread_value is one pointer per thread, given to DESTROY when
 * its thread ends (a cache of handles, scratch space):
 *   static weft_thread_value v = WEFT_THREAD_VALUE_INIT(destroy);
 * weft_thread_get() is this thread's (NULL at first); weft_thread_set()
 * makes P this thread's, false when it cannot (then P is the caller's
 * to free).
 */
#ifndef WEFT_UTIL_WORKERS_H
#define WEFT_UTIL_WORKERS_H

#include <pthread.h>
#include <stdatomic.h>

#include "../internal.h"

typedef void (*weft_job_fn)(void *arg, size_t i);
typedef void (*weft_tick_fn)(void *opaque, size_t done, size_t total);

void weft_parallel(size_t n, unsigned threads, weft_job_fn fn, void *arg,
		   weft_tick_fn tick, void *tick_opaque);

typedef struct weft_background weft_background;

weft_background *weft_background_start(size_t n, weft_job_fn fn, void *arg);
void weft_background_finish(weft_background *bg, bool cancel);

typedef struct weft_thread_value {
	pthread_mutex_t lock;
	atomic_bool made;        /* key (or the failure to make it) is set */
	bool ok;
	pthread_key_t key;
	void (*destroy)(void *);
} weft_thread_value;

#define WEFT_THREAD_VALUE_INIT(destroy) \
	{ PTHREAD_MUTEX_INITIALIZER, false, false, 0, (destroy) }

void *weft_thread_get(weft_thread_value *v);
bool weft_thread_set(weft_thread_value *v, void *p);

#endif /* WEFT_UTIL_WORKERS_H */
