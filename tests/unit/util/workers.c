/* tests/unit/util/workers.c - threads (util/workers.h): a parallel for
 * runs every job once on every thread count and reports progress that
 * only grows and ends at the total; a background job set runs every job
 * once whether the caller finishes at once, late, or cancels (then
 * nothing runs twice and what ran is counted); values per thread are
 * each thread's own, start empty, and are destroyed when their thread
 * ends (the main thread's never: exit runs no destructor); threads that
 * use a new value at the same instant make one key, not one each.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "util/workers.h"
#include "t.h"

#define NJOBS 5000

static atomic_int runs[NJOBS];

static void
count_job(void *arg, size_t i)
{
	(void)arg;
	atomic_fetch_add(&runs[i], 1);
}

static void
reset(void)
{
	size_t i;

	for (i = 0; i < NJOBS; i++)
		atomic_store(&runs[i], 0);
}

/* How many jobs ran once, and whether none ran twice. */
static size_t
ran_once(bool *twice)
{
	size_t i, n = 0;

	*twice = false;
	for (i = 0; i < NJOBS; i++) {
		int r = atomic_load(&runs[i]);

		n += r == 1;
		*twice |= r > 1;
	}
	return n;
}

typedef struct ticks {
	size_t calls, last, total;
	bool backwards;
} ticks;

static void
tick(void *opaque, size_t done, size_t total)
{
	ticks *t = opaque;

	t->backwards |= done < t->last;
	t->last = done;
	t->total = total;
	t->calls++;
}

static void
check_parallel(void)
{
	static const unsigned threads[] = { 1, 2, 3, 8, 64 };
	static const size_t sizes[] = { 0, 1, 2, 17, NJOBS };
	size_t a, b, once;
	bool twice;

	for (a = 0; a < WEFT_ARRAY_SIZE(threads); a++)
		for (b = 0; b < WEFT_ARRAY_SIZE(sizes); b++) {
			ticks t = { 0 };

			reset();
			weft_parallel(sizes[b], threads[a], count_job, NULL,
				      tick, &t);
			once = ran_once(&twice);
			T_CHECK(once == sizes[b] && !twice,
				"parallel %zu jobs on %u threads: %zu ran once%s",
				sizes[b], threads[a], once,
				twice ? ", some twice" : "");
			if (!sizes[b]) {
				T_EQ_INT(t.calls, 0);
				continue;
			}
			T_CHECK(!t.backwards && t.last == sizes[b] &&
					t.total == sizes[b],
				"parallel %zu on %u: progress ends at %zu of %zu%s",
				sizes[b], threads[a], t.last, t.total,
				t.backwards ? ", went backwards" : "");
		}
}

static atomic_int slow_started;

static void
slow_job(void *arg, size_t i)
{
	(void)arg;
	atomic_fetch_add(&slow_started, 1);
	usleep(1000);   /* all of them: over 5 s */
	atomic_fetch_add(&runs[i], 1);
}

static void
check_background(void)
{
	weft_background *bg;
	size_t once, n;
	bool twice;
	int started;

	/* finished at once: the caller helps */
	reset();
	bg = weft_background_start(NJOBS, count_job, NULL);
	T_CHECK(bg != NULL, "background start");
	weft_background_finish(bg, false);
	once = ran_once(&twice);
	T_CHECK(once == NJOBS && !twice, "background, finished at once: %zu ran once%s",
		once, twice ? ", some twice" : "");

	/* finished late: the thread did it all */
	reset();
	bg = weft_background_start(200, count_job, NULL);
	usleep(200 * 1000);
	weft_background_finish(bg, false);
	once = ran_once(&twice);
	T_CHECK(once == 200 && !twice, "background, finished late: %zu ran once", once);

	/* cancelled while it runs: what began ended, nothing twice, the
	 * rest dropped */
	reset();
	atomic_store(&slow_started, 0);
	bg = weft_background_start(NJOBS, slow_job, NULL);
	usleep(20 * 1000);
	weft_background_finish(bg, true);
	started = atomic_load(&slow_started);
	once = ran_once(&twice);
	T_CHECK(!twice && once == (size_t)started && once < NJOBS,
		"background, cancelled: %zu ran of %d begun (of %d)", once,
		started, NJOBS);

	/* nothing to do; NULL (start out of memory) is finished too */
	reset();
	bg = weft_background_start(0, count_job, NULL);
	weft_background_finish(bg, false);
	weft_background_finish(NULL, true);
	n = ran_once(&twice);
	T_EQ_INT(n, 0);
}

static atomic_int destroyed;
static atomic_int destroyed_sum;

static void
value_free(void *p)
{
	atomic_fetch_add(&destroyed, 1);
	atomic_fetch_add(&destroyed_sum, *(int *)p);
	free(p);
}

static weft_thread_value value = WEFT_THREAD_VALUE_INIT(value_free);
static weft_thread_value other = WEFT_THREAD_VALUE_INIT(NULL);

typedef struct seen {
	int id;
	bool empty_at_first, own, other_empty;
} seen;

static void *
value_thread(void *arg)
{
	seen *s = arg;
	int *mine = malloc(sizeof *mine), i;

	s->empty_at_first = weft_thread_get(&value) == NULL;
	*mine = s->id;
	if (!weft_thread_set(&value, mine))
		free(mine);
	s->own = true;
	for (i = 0; i < 1000; i++) {
		int *v = weft_thread_get(&value);

		s->own &= v == mine && *v == s->id;
	}
	s->other_empty = weft_thread_get(&other) == NULL;
	return NULL;
}

static void
check_values(void)
{
	pthread_t tid[8];
	seen s[8];
	int *main_v = malloc(sizeof *main_v);
	unsigned i, ok = 0;
	int want_sum = 0;

	T_CHECK(weft_thread_get(&value) == NULL, "main: empty at first");
	*main_v = 1000;
	T_CHECK(weft_thread_set(&value, main_v), "main: set");
	for (i = 0; i < 8; i++) {
		s[i] = (seen){ .id = (int)i + 1 };
		want_sum += (int)i + 1;
		if (!pthread_create(&tid[i], NULL, value_thread, &s[i]))
			ok |= 1u << i;
	}
	for (i = 0; i < 8; i++) {
		if (!(ok & (1u << i)))
			continue;
		pthread_join(tid[i], NULL);
		T_CHECK(s[i].empty_at_first && s[i].own && s[i].other_empty,
			"thread %u: empty at first %d, its own %d, another value empty %d",
			i + 1, s[i].empty_at_first, s[i].own, s[i].other_empty);
	}
	T_EQ_INT(ok, 0xff);
	T_EQ_INT(atomic_load(&destroyed), 8);
	T_EQ_INT(atomic_load(&destroyed_sum), want_sum);
	T_CHECK(weft_thread_get(&value) == main_v && *main_v == 1000,
		"main: its value stays while the others end");
	/* the main thread's value is freed here: exit runs no destructor */
	T_CHECK(weft_thread_set(&value, NULL), "main: clear");
	free(main_v);
}

/* First use from many threads at once: one key.  Were two made, a
 * thread's set would go to one key and another thread's get (or its own,
 * after a later set) to the other. */
#define RACERS 8
#define ROUNDS 100

static pthread_barrier_t start_line;
static weft_thread_value *racing;

static void *
race_thread(void *arg)
{
	int *mine = malloc(sizeof *mine);
	bool *ok = arg;

	*mine = 1;
	pthread_barrier_wait(&start_line);
	*ok = weft_thread_set(racing, mine) && weft_thread_get(racing) == mine;
	pthread_barrier_wait(&start_line);
	/* everyone has set: still this thread's own */
	*ok = *ok && weft_thread_get(racing) == mine;
	return NULL;
}

static void
value_free_plain(void *p)
{
	free(p);
}

static void
check_first_use_race(void)
{
	pthread_t tid[RACERS];
	bool ok[RACERS];
	unsigned r, i, started, bad = 0;

	for (r = 0; r < ROUNDS; r++) {
		weft_thread_value v = WEFT_THREAD_VALUE_INIT(value_free_plain);

		racing = &v;
		pthread_barrier_init(&start_line, NULL, RACERS);
		for (started = 0; started < RACERS; started++)
			if (pthread_create(&tid[started], NULL, race_thread,
					   &ok[started]))
				break;
		if (started < RACERS) {
			/* those started wait at the barrier forever: give up */
			T_CHECK(false, "round %u: only %u threads", r, started);
			return;
		}
		for (i = 0; i < RACERS; i++) {
			pthread_join(tid[i], NULL);
			bad += !ok[i];
		}
		pthread_barrier_destroy(&start_line);
		/* the key of this round's value is not reused: leak it (8
		 * bytes of the thread library per round) rather than delete
		 * it, as weft never deletes its keys either */
	}
	T_CHECK(bad == 0, "first use by %d threads at once, %d rounds: %u saw another's value or none",
		RACERS, ROUNDS, bad);
}

int
main(void)
{
	check_parallel();
	check_background();
	check_values();
	check_first_use_race();
	return t_done();
}
