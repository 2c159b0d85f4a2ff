/* workers.h - run independent jobs on every core.
 *
 * weft_parallel() calls FN(ARG, i) once for every i in [0, N), on up to
 * THREADS threads including the caller's.  Jobs must not touch shared
 * mutable state (LMDB transactions in particular are bound to the
 * caller's thread).  TICK, if given, is called from the caller's thread
 * between jobs with the number done so far, so progress bars stay in the
 * thread that owns the terminal.
 */
#ifndef WEFT_UTIL_WORKERS_H
#define WEFT_UTIL_WORKERS_H

#include "../internal.h"

typedef void (*weft_job_fn)(void *arg, size_t i);
typedef void (*weft_tick_fn)(void *opaque, size_t done, size_t total);

void weft_parallel(size_t n, unsigned threads, weft_job_fn fn, void *arg,
		   weft_tick_fn tick, void *tick_opaque);

#endif /* WEFT_UTIL_WORKERS_H */
