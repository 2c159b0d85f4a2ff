/* store-int.h - the store's insides, shared by store.c, compact.c,
 * index.c and record.c and nothing else. */
#ifndef WEFT_STORE_INT_H
#define WEFT_STORE_INT_H

#include <lmdb.h>

#include "map.h"
#include "store.h"
#include "../util/buf.h"

struct weft_store {
	MDB_env *env;
	MDB_dbi dbi[WEFT_DB_COUNT];
	bool readonly;
	char *dir;
	int lock_fd;             /* DIR/weft.lock, locked shared; or -1 */
	bool lock_rw;            /* lock_fd is open for writing: its lock
				  * can be made exclusive (compact.c) */
	char *lock_why;          /* when it cannot: why not, or NULL */
	struct weft_map map;     /* the map in this process's memory */
};

/* Open S->dir's environment and its databases; on failure S->env is
 * NULL.  Close it (the store stays, to be opened again). */
gpg_error_t weft_store__env_open(weft_store *s, weft_diag *diag);
void weft_store__env_close(weft_store *s);

/* The keyring's weft.lock: shared while open (compact.c).  When it
 * cannot be created or opened for writing (a directory this user cannot
 * write, a weft.lock of another user's), it is locked through a
 * read-only descriptor, which other wefts see all the same; without one
 * at all (no weft.lock, or it cannot be read or locked) the store opens
 * unlocked.  Either way it cannot be compacted (LOCK_WHY says why). */
void weft_store__lock(weft_store *s);
void weft_store__unlock(weft_store *s);

/* T is a write transaction of an open keyring. */
bool weft_store__writable(weft_txn *t);
/* Put KEY -> the bytes of BUFS (N of them, concatenated) in DB, the
 * space reserved in the map and filled in place: no extra copy.
 * GPG_ERR_EACCES unless T can write. */
gpg_error_t weft_store__put_parts(weft_txn *t, int db, const uint8_t *key,
				  size_t klen, const weft_buf *const *bufs,
				  size_t n);

/* Index C in place of OLD (NULL: a new certificate); index.c. */
gpg_error_t weft_store__reindex(weft_txn *t, const weft_cert *old,
				const weft_cert *c);

#endif /* WEFT_STORE_INT_H */
