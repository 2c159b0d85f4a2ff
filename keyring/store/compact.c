/* compact.c - rewriting the keyring file compactly, and the lock that
 * keeps that from under other weft processes.
 *
 * LMDB writes a transaction's pages wherever its free list or the end of
 * the file has room, so after a large import the pages of every
 * database are interleaved: at 100,000 keys the trust summaries a check
 * reads (tnodes, 58 MB) lie spread among 360 MB of certificates and
 * indexes, and every page fault maps neighbours nobody asked for
 * (tests/bench/NOTES.md: check took 2.8 s on such a file, 1.1 s on a
 * compacted copy of it).  LMDB's compacting copy (mdb_env_copyfd2 with
 * MDB_CP_COMPACT) writes each database's pages together, in key order,
 * and leaves the free pages out.
 *
 * The copy replaces data.mdb, and that is only safe when no other
 * process has the environment open: one that has would go on reading and
 * writing the old file.  Every weft that opens a keyring holds a shared
 * lock on DIR/weft.lock for as long as it is open (through a read-only
 * descriptor when it cannot open the file for writing); a compaction
 * turns it into an exclusive lock without waiting and, if another weft
 * holds the keyring (or LMDB's reader table shows another process),
 * does nothing.  A store whose lock cannot be made exclusive (weft.lock
 * read-only to it, or not locked at all) cannot know that it is alone
 * and never compacts.  While a compaction holds the exclusive lock,
 * other wefts wait to open.  Each way of doing nothing has its reason
 * (weft_compact_stats), for the import to tell.
 *
 * weft.lock only sees wefts that take it, so before the rename the
 * compaction also asks LMDB's own lock (lmdb_alone): a process that has
 * the environment open, weft or not, keeps the old file in place.  The
 * copy goes to DIR/data.mdb.compact (the old file's owner and mode), is
 * synced, and is renamed over data.mdb only if no transaction committed
 * during the copy; then the directory is synced and the environment
 * opened again (the only one open, so LMDB starts its lock file afresh
 * from the new file).  Once renamed, the new file is the keyring: a
 * directory that cannot be synced is an error that says so (a crash may
 * then bring back the old file, whole), and the environment is opened
 * again all the same.
 * Interrupted at any point, data.mdb is the old file or the whole new
 * one; a stray data.mdb.compact is overwritten by the next compaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store-int.h"
#include "../ctx.h"

static char *
path_in(const weft_store *s, const char *name)
{
	char *p = NULL;

	return asprintf(&p, "%s/%s", s->dir, name) < 0 ? NULL : p;
}

/* An open-file-description lock on the whole of weft.lock: held per
 * open file, not per process (two stores in one process exclude each
 * other too), and, unlike flock(), turned from shared to exclusive
 * without letting go of it first: a try that fails keeps the shared
 * lock. */
static int
ofd_lock(int fd, short type, bool wait)
{
	struct flock fl;
	int rc;

	memset(&fl, 0, sizeof fl);
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	while ((rc = fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl)) < 0 &&
	       errno == EINTR)
		;
	return rc;
}

/* Say in S->lock_why why the store's lock cannot be made exclusive. */
static void __attribute__((format(printf, 2, 3)))
lock_note(weft_store *s, const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	free(s->lock_why);
	s->lock_why = m;
}

void
weft_store__lock(weft_store *s)
{
	char *p = path_in(s, "weft.lock");
	int e;

	s->lock_fd = -1;
	s->lock_rw = false;
	if (!p) {
		lock_note(s, "out of memory");
		return;
	}
	/* A reader creates it too if it can: an older weft's keyring
	 * lacks it, and a reader must hold it from the start.  Failing
	 * that (a directory this user cannot write, another user's
	 * weft.lock), read-only, by a writer too: a shared lock needs no
	 * more, and other wefts see it all the same.  Such a store cannot
	 * take the exclusive lock a compaction needs. */
	s->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->lock_fd >= 0) {
		s->lock_rw = true;
	} else {
		e = errno;
		s->lock_fd = open(p, O_RDONLY | O_CLOEXEC);
		if (s->lock_fd >= 0)
			lock_note(s, "cannot open %s for writing: %s", p,
				  strerror(e));
		else if (errno == ENOENT)
			lock_note(s, "cannot create %s: %s", p, strerror(e));
		else
			lock_note(s, "cannot open %s: %s", p, strerror(errno));
	}
	if (s->lock_fd >= 0 && ofd_lock(s->lock_fd, F_RDLCK, true)) {
		lock_note(s, "cannot lock %s: %s", p, strerror(errno));
		close(s->lock_fd);
		s->lock_fd = -1;
		s->lock_rw = false;
	}
	free(p);
}

void
weft_store__unlock(weft_store *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);  /* lets go of the lock */
	s->lock_fd = -1;
	s->lock_rw = false;
	free(s->lock_why);
	s->lock_why = NULL;
}

/* Nothing done, and why. */
static void __attribute__((format(printf, 3, 4)))
skip(weft_compact_stats *stats, weft_compact_why why, const char *fmt, ...)
{
	va_list ap;

	stats->why = why;
	va_start(ap, fmt);
	vsnprintf(stats->reason, sizeof stats->reason, fmt, ap);
	va_end(ap);
}

/* mdb_reader_list's lines: a heading, then "PID THREAD TXNID" per slot
 * in use.  Counts the slots of other processes. */
static int
count_others(const char *msg, void *opaque)
{
	long pid;

	if (sscanf(msg, "%ld", &pid) == 1 && pid != (long)getpid())
		++*(int *)opaque;
	return 0;
}

static uint64_t
file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) ? 0 : (uint64_t)st.st_size;
}

/* The copy reads every page of the map, and each page read stays in
 * this process's memory: at 100,000 keys that would be 360 MB.  A thread
 * holds it to the map's budget meanwhile, as reads through the store
 * do (map.c); what it lets go of the copy has already read or faults in
 * again from the page cache. */
struct trimmer {
	struct weft_map *map;
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	bool done;
};

static void *
trim_loop(void *arg)
{
	struct trimmer *t = arg;
	struct timespec until;

	pthread_mutex_lock(&t->lock);
	while (!t->done) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 5 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&t->done_cv, &t->lock, &until);
		if (!t->done)
			weft_map__trim(t->map);
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* Write the compacted copy to TMP; 0 or an error with DIAG set. */
static gpg_error_t
write_copy(weft_store *s, const char *tmp, mode_t mode, weft_diag *diag)
{
	struct trimmer t = { .map = &s->map, .done = false };
	pthread_t tid;
	bool trimming;
	int fd, rc;
	gpg_error_t err = 0;

	unlink(tmp);  /* a stray one, of an interrupted compaction */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd >= 0)
		(void)fchmod(fd, mode);
	if (fd < 0)
		return weft_diag_set(diag, gpg_error_from_syserror(),
				     "cannot create %s: %s", tmp,
				     strerror(errno));
	/* Start from the least memory: the map let go of, and the heap an
	 * import freed given back (glibc keeps it otherwise, 60 MB after
	 * 100,000 keys). */
	weft_map__rebase(&s->map);
#ifdef __GLIBC__
	malloc_trim(0);
#endif
	pthread_mutex_init(&t.lock, NULL);
	pthread_cond_init(&t.done_cv, NULL);
	trimming = !pthread_create(&tid, NULL, trim_loop, &t);
	rc = mdb_env_copyfd2(s->env, fd, MDB_CP_COMPACT);
	if (trimming) {
		pthread_mutex_lock(&t.lock);
		t.done = true;
		pthread_cond_signal(&t.done_cv);
		pthread_mutex_unlock(&t.lock);
		pthread_join(tid, NULL);
	}
	pthread_cond_destroy(&t.done_cv);
	pthread_mutex_destroy(&t.lock);
	if (rc)
		err = weft_diag_set(diag,
				    rc > 0 ? gpg_err_make(GPG_ERR_SOURCE_DEFAULT,
						gpg_err_code_from_errno(rc))
					   : WEFT_ERR(GPG_ERR_INTERNAL),
				    "cannot write %s: %s", tmp, mdb_strerror(rc));
	else if (fsync(fd))
		err = weft_diag_set(diag, gpg_error_from_syserror(),
				    "cannot write %s: %s", tmp,
				    strerror(errno));
	if (close(fd) && !err)
		err = weft_diag_set(diag, gpg_error_from_syserror(),
				    "cannot write %s: %s", tmp,
				    strerror(errno));
	if (err)
		unlink(tmp);
	return err;
}

/* Make the rename in DIR durable: 0, or -1 with errno.  A file system
 * that cannot sync a directory (EINVAL) has nothing more to give. */
static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc, e;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	if (rc && e == EINVAL)
		rc = 0;
	errno = e;
	return rc;
}

/* Whether no other process has the environment open, ours being
 * closed: each that has holds a POSIX read lock on octet 0 of lock.mdb
 * (LMDB's mdb_env_excl_lock), which an OFD write lock conflicts with.
 * This covers what weft.lock cannot: an older weft, another LMDB
 * program, one that opened without a reader slot.  Returns the fd that
 * holds the lock (close it before opening the environment again, or
 * LMDB waits on it), or -1 with STATS saying why not. */
static int
lmdb_alone(const weft_store *s, weft_compact_stats *stats)
{
	struct flock fl;
	char *p = path_in(s, "lock.mdb");
	int fd;

	if (!p) {
		skip(stats, WEFT_COMPACT_NO_LOCK, "out of memory");
		return -1;
	}
	fd = open(p, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		skip(stats, WEFT_COMPACT_NO_LOCK, "cannot open %s: %s", p,
		     strerror(errno));
		free(p);
		return -1;
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 0;
	fl.l_len = 1;
	if (fcntl(fd, F_OFD_SETLK, &fl)) {
		if (errno == EAGAIN || errno == EACCES)
			skip(stats, WEFT_COMPACT_IN_USE,
			     "another process has it open");
		else
			skip(stats, WEFT_COMPACT_NO_LOCK, "cannot lock %s: %s",
			     p, strerror(errno));
		close(fd);
		fd = -1;
	}
	free(p);
	return fd;
}

static uint64_t
last_txnid(weft_store *s)
{
	MDB_envinfo info;

	return mdb_env_info(s->env, &info) ? 0 : (uint64_t)info.me_last_txnid;
}

gpg_error_t
weft_compact(weft_ctx *ctx, weft_compact_stats *stats)
{
	weft_store *s = ctx->store;
	weft_diag diag, odiag;
	char *data = NULL, *tmp = NULL;
	struct stat st;
	uint64_t txn;
	int others = 0, alone = -1;
	gpg_error_t err = 0, oerr;

	memset(stats, 0, sizeof *stats);
	ctx->error[0] = 0;
	weft_diag_clear(&diag);
	weft_diag_clear(&odiag);
	if (!ctx->opened || (!s && !ctx->readonly))
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_INITIALIZED),
				       "no keyring is open");
	if (ctx->readonly)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_EACCES),
				       "the keyring was opened read-only");
	/* Without a lock it can make exclusive this weft cannot know that
	 * no other one has the keyring open (one that holds weft.lock
	 * shared would go on using the old file): leave it. */
	if (s->lock_fd < 0 || !s->lock_rw) {
		skip(stats, WEFT_COMPACT_NO_LOCK, "%s",
		     s->lock_why ? s->lock_why
				 : "this weft holds no lock on weft.lock");
		return 0;
	}
	if (!(data = path_in(s, "data.mdb")) ||
	    !(tmp = path_in(s, "data.mdb.compact"))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	stats->before = file_size(data);

	if (ofd_lock(s->lock_fd, F_WRLCK, false)) {
		/* still shared */
		if (errno == EAGAIN || errno == EACCES)
			skip(stats, WEFT_COMPACT_BUSY,
			     "another weft has it open");
		else
			skip(stats, WEFT_COMPACT_NO_LOCK,
			     "cannot lock %s/weft.lock: %s", s->dir,
			     strerror(errno));
		goto leave;
	}
	mdb_reader_check(s->env, &others);  /* slots of dead processes */
	others = 0;
	mdb_reader_list(s->env, count_others, &others);
	if (others) {
		skip(stats, WEFT_COMPACT_IN_USE, "another process has it open");
		goto relock;
	}

	/* The file must stay ours (a sudo'd weft must not hand the user a
	 * keyring owned by root). */
	if (stat(data, &st)) {
		err = weft_diag_set(&diag, gpg_error_from_syserror(),
				    "cannot read %s: %s", data,
				    strerror(errno));
		goto relock;
	}
	if (st.st_uid != geteuid()) {
		skip(stats, WEFT_COMPACT_NOT_OWNER,
		     "%s belongs to another user", data);
		goto relock;
	}
	txn = last_txnid(s);
	if ((err = write_copy(s, tmp, st.st_mode & 07777, &diag)))
		goto relock;
	/* A writer that commits meanwhile (one without weft.lock) would be
	 * lost with the old file. */
	if (last_txnid(s) != txn) {
		unlink(tmp);
		skip(stats, WEFT_COMPACT_CHANGED,
		     "another process changed it during the copy");
		goto relock;
	}
	weft_store__env_close(s);
	if ((alone = lmdb_alone(s, stats)) < 0) {
		/* someone has the environment open after all (or that cannot
		 * be known): keep the old file, and the copy goes */
		unlink(tmp);
	} else if (rename(tmp, data)) {
		err = weft_diag_set(&diag, gpg_error_from_syserror(),
				    "cannot replace %s: %s", data,
				    strerror(errno));
		unlink(tmp);
	} else {
		/* The new file is the keyring from here on, whatever
		 * follows. */
		stats->done = true;
		stats->after = file_size(data);
		if (sync_dir(s->dir))
			err = weft_diag_set(&diag, gpg_error_from_syserror(),
					    "syncing the directory failed (%s): "
					    "after a system crash the keyring "
					    "may be the old file again",
					    strerror(errno));
	}
	if (alone >= 0)
		close(alone);
	/* Open again, the new file or the old one.  Failing that matters
	 * more than anything before. */
	if ((oerr = weft_store__env_open(s, &odiag))) {
		err = oerr;
		weft_diag_clear(&diag);
		weft_diag_set(&diag, err, "cannot open it again: %s",
			      odiag.msg[0] ? odiag.msg : gpg_strerror(err));
	}
relock:
	if (ofd_lock(s->lock_fd, F_RDLCK, false) && !err)
		err = weft_diag_set(&diag, gpg_error_from_syserror(),
				    "cannot lock %s/weft.lock: %s", s->dir,
				    strerror(errno));
leave:
	if (err) {
		stats->why = WEFT_COMPACT_OK;
		stats->reason[0] = 0;
		if (stats->done)  /* diag is set */
			weft_ctx__error(ctx, err,
					"the keyring %s was compacted, but %s",
					s->dir, diag.msg);
		else
			weft_ctx__error(ctx, err,
					"cannot compact the keyring %s: %s",
					s->dir, diag.msg[0] ? diag.msg
							    : gpg_strerror(err));
		/* Without an environment the keyring cannot be used any
		 * more: say so to the next caller instead of crashing. */
		if (!s->env) {
			weft_store_close(s);
			ctx->store = NULL;
			ctx->opened = false;
		}
	}
	free(data);
	free(tmp);
	return err;
}

gpg_error_t
weft_compact_spare(weft_ctx *ctx, uint64_t *file, uint64_t *spare)
{
	weft_store *s = ctx->store;
	MDB_txn *txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	MDB_envinfo info;
	MDB_stat st;
	char *data;
	uint64_t pages = 0, used;
	int rc;

	*file = *spare = 0;
	if (!ctx->opened || !s)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_INITIALIZED),
				       "no keyring is open");
	if (!(data = path_in(s, "data.mdb")))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	*file = file_size(data);
	free(data);
	if ((rc = mdb_env_info(s->env, &info)) ||
	    (rc = mdb_env_stat(s->env, &st)) ||
	    (rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn)) ||
	    (rc = mdb_cursor_open(txn, 0 /* LMDB's free list */, &cur)))
		goto leave;
	/* Each record of the free list: the pages one transaction freed,
	 * as a count and then the page numbers. */
	while (!(rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)))
		if (v.mv_size >= sizeof(size_t)) {
			size_t n;

			memcpy(&n, v.mv_data, sizeof n);
			pages += n;
		}
	if (rc == MDB_NOTFOUND)
		rc = 0;
	used = ((uint64_t)info.me_last_pgno + 1) * st.ms_psize;
	*spare = pages * st.ms_psize + (*file > used ? *file - used : 0);
	if (*spare > *file)
		*spare = *file;
leave:
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	if (!rc)
		return 0;
	return weft_ctx__error(ctx, rc > 0 ? gpg_err_make(GPG_ERR_SOURCE_DEFAULT,
						gpg_err_code_from_errno(rc))
				      : WEFT_ERR(GPG_ERR_INTERNAL),
			       "cannot read the free pages of the keyring %s: %s",
			       s->dir, mdb_strerror(rc));
}
