/* store.c - LMDB environment, transactions, raw get/put/del/each, and
 * the lookups by key ID, address and user ID (the map's memory: map.c;
 * certificate records with their summaries and supplements: record.c;
 * the index entries a certificate implies: index.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lmdb.h>

#include "map.h"
#include "store.h"
#include "../util/buf.h"

#define UID_KEY_MAX WEFT_UID_KEY_MAX

#include "store-int.h"

struct weft_txn {
	weft_store *store;       /* NULL: the empty keyring */
	MDB_txn *txn;
	bool write;
};

static const struct {
	const char *name;
	unsigned flags;
} dbs[WEFT_DB_COUNT] = {
	[WEFT_DB_CERTS] = { "certs", 0 },
	[WEFT_DB_KEYIDS] = { "keyids", MDB_DUPSORT },
	[WEFT_DB_EMAILS] = { "emails", MDB_DUPSORT },
	[WEFT_DB_UIDS] = { "uids", MDB_DUPSORT },
	[WEFT_DB_PENDING] = { "pending", MDB_DUPSORT },
	[WEFT_DB_ROOTS] = { "roots", 0 },
	[WEFT_DB_SECRETS] = { "secrets", 0 },
	[WEFT_DB_X509] = { "x509", 0 },
	[WEFT_DB_META] = { "meta", 0 },
	[WEFT_DB_TNODES] = { "tnodes", 0 },
	[WEFT_DB_OWNERTRUST] = { "ownertrust", 0 },
	[WEFT_DB_TSUPP] = { "tsupp", 0 },
	[WEFT_DB_X509IDX] = { "x509idx", MDB_DUPSORT },
	[WEFT_DB_X509KEYS] = { "x509keys", 0 },
};

/* Databases an older weft kept and this one does not: a writable open
 * deletes them.  edges (issuer -> the keys it certified, verified) and
 * redges (the reverse) were written with every verified certification
 * and read by nothing but fsck and, for edges, an import whose key of a
 * later chunk verified certifications and then was not stored: the trust
 * engine takes a key's certifiers from its summary (tnodes), and the
 * import keeps its own record of what such keys verified (import.h,
 * ahead_target).  At 100,000 keys each held 480,000 entries in 6,000
 * pages, and every chunk of an import rewrote some 3,000 of them. */
static const char *const retired[] = { "redges", "edges" };

const char *
weft_store_db_name(int db)
{
	return db >= 0 && db < WEFT_DB_COUNT ? dbs[db].name : "?";
}

/* LMDB codes to gpg-error codes (the store boundary, STYLE.md 3). */
static gpg_error_t
map_err(int rc, weft_diag *diag)
{
	if (!rc)
		return 0;
	if (rc == MDB_NOTFOUND)
		return WEFT_ERR(GPG_ERR_NOT_FOUND);
	if (rc > 0)
		return weft_diag_set(diag, gpg_err_make(GPG_ERR_SOURCE_DEFAULT,
					gpg_err_code_from_errno(rc)),
				     "%s", mdb_strerror(rc));
	if (rc == MDB_MAP_FULL)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_ENOSPC),
				     "keyring map is full: %s", mdb_strerror(rc));
	if (rc == MDB_READERS_FULL)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_EAGAIN),
				     "too many readers: %s", mdb_strerror(rc));
	return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INTERNAL), "LMDB: %s",
			     mdb_strerror(rc));
}

bool
weft_store_exists(const char *dir)
{
	char *p = NULL;
	bool ok;

	if (asprintf(&p, "%s/data.mdb", dir) < 0)
		return false;
	ok = access(p, F_OK) == 0;
	free(p);
	return ok;
}

static gpg_error_t
check_schema(weft_store *s, weft_diag *diag)
{
	MDB_txn *txn = NULL;
	MDB_val k = { 6, "schema" }, v;
	char buf[16];
	int rc, ver;
	gpg_error_t err = 0;

	rc = mdb_txn_begin(s->env, NULL, s->readonly ? MDB_RDONLY : 0, &txn);
	if (rc)
		return map_err(rc, diag);
	rc = mdb_get(txn, s->dbi[WEFT_DB_META], &k, &v);
	if (rc == MDB_NOTFOUND) {
		if (s->readonly)
			goto leave;
		snprintf(buf, sizeof buf, "%d", WEFT_SCHEMA_VERSION);
		v.mv_data = buf;
		v.mv_size = strlen(buf);
		if ((rc = mdb_put(txn, s->dbi[WEFT_DB_META], &k, &v, 0))) {
			err = map_err(rc, diag);
			goto leave;
		}
		rc = mdb_txn_commit(txn);
		txn = NULL;
		err = map_err(rc, diag);
		goto leave;
	}
	if (rc) {
		err = map_err(rc, diag);
		goto leave;
	}
	if (v.mv_size >= sizeof buf) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_DATA),
				    "keyring has a damaged schema version");
		goto leave;
	}
	memcpy(buf, v.mv_data, v.mv_size);
	buf[v.mv_size] = 0;
	ver = atoi(buf);
	if (ver != WEFT_SCHEMA_VERSION)
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_DATA),
			"keyring schema version %d, this weft understands %d",
			ver, WEFT_SCHEMA_VERSION);
leave:
	if (txn)
		mdb_txn_abort(txn);
	return err;
}

/* Open S->dir's environment and its named databases (S->readonly says
 * how); on failure S->env is NULL again. */
gpg_error_t
weft_store__env_open(weft_store *s, weft_diag *diag)
{
	MDB_txn *txn = NULL;
	int rc, i, dead;
	gpg_error_t err = 0;

	if ((rc = mdb_env_create(&s->env)) ||
	    (rc = mdb_env_set_maxdbs(s->env, WEFT_DB_COUNT + 4)) ||
	    (rc = mdb_env_set_mapsize(s->env, WEFT_MAP_SIZE)) ||
	    (rc = mdb_env_set_maxreaders(s->env, 256))) {
		err = map_err(rc, diag);
		goto leave;
	}
	rc = mdb_env_open(s->env, s->dir, s->readonly ? MDB_RDONLY : 0, 0600);
	if (rc) {
		err = map_err(rc, diag);
		goto leave;
	}
	/* Clear reader slots of processes that died. */
	mdb_reader_check(s->env, &dead);

	/* Open (or, writable, create) every named database once; the
	 * handles stay valid for the environment's life. */
	rc = mdb_txn_begin(s->env, NULL, s->readonly ? MDB_RDONLY : 0, &txn);
	if (rc) {
		err = map_err(rc, diag);
		goto leave;
	}
	for (i = 0; i < WEFT_DB_COUNT; i++) {
		rc = mdb_dbi_open(txn, dbs[i].name,
				  dbs[i].flags | (s->readonly ? 0 : MDB_CREATE),
				  &s->dbi[i]);
		if (rc == MDB_NOTFOUND && s->readonly) {
			/* Written by an older weft that lacked this db. */
			s->dbi[i] = (MDB_dbi)-1;
			continue;
		}
		if (rc) {
			err = map_err(rc, diag);
			goto leave;
		}
	}
	for (i = 0; !s->readonly && i < (int)(sizeof retired / sizeof *retired);
	     i++) {
		MDB_dbi dbi;

		rc = mdb_dbi_open(txn, retired[i], 0, &dbi);
		if (rc == MDB_NOTFOUND)
			continue;
		if (rc || (rc = mdb_drop(txn, dbi, 1))) {
			err = map_err(rc, diag);
			goto leave;
		}
	}
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc) {
		err = map_err(rc, diag);
		goto leave;
	}
	if (s->dbi[WEFT_DB_META] != (MDB_dbi)-1 &&
	    (err = check_schema(s, diag)))
		goto leave;
	weft_map__open(&s->map, s->env);
leave:
	if (txn)
		mdb_txn_abort(txn);
	if (err)
		weft_store__env_close(s);
	return err;
}

void
weft_store__env_close(weft_store *s)
{
	if (s->env)
		mdb_env_close(s->env);
	s->env = NULL;
	weft_map__close(&s->map);
	memset(&s->map, 0, sizeof s->map);
	weft_map__init(&s->map);
}

gpg_error_t
weft_store_open(weft_store **out, const char *dir, bool readonly,
		weft_diag *diag)
{
	weft_store *s;
	gpg_error_t err;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	weft_map__init(&s->map);
	s->readonly = readonly;
	s->lock_fd = -1;
	if (!(s->dir = strdup(dir))) {
		free(s);
		return WEFT_ERR(GPG_ERR_ENOMEM);
	}
	/* Shared, for as long as the store is open: a compaction
	 * (compact.c) waits for no one and replaces the file only while
	 * no other weft holds it. */
	weft_store__lock(s);
	if ((err = weft_store__env_open(s, diag))) {
		weft_store_close(s);
		return err;
	}
	*out = s;
	return 0;
}

void
weft_store_close(weft_store *s)
{
	if (!s)
		return;
	weft_store__env_close(s);
	weft_map__close(&s->map);
	weft_store__unlock(s);
	free(s->dir);
	free(s);
}

gpg_error_t
weft_txn_begin(weft_store *s, bool write, weft_txn **out)
{
	weft_txn *t;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof *t);
	if (!t)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	t->store = s;
	t->write = write;
	if (s) {
		rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY,
				   &t->txn);
		if (rc) {
			free(t);
			return map_err(rc, NULL);
		}
	}
	*out = t;
	return 0;
}

gpg_error_t
weft_txn_commit(weft_txn *t)
{
	int rc = 0;

	if (t->txn)
		rc = mdb_txn_commit(t->txn);
	if (t->store)
		weft_map__keep_clear(&t->store->map);
	free(t);
	return map_err(rc, NULL);
}

uint64_t
weft_txn_id(weft_txn *t)
{
	return t && t->txn ? (uint64_t)mdb_txn_id(t->txn) : 0;
}

void
weft_store_lazy_commits(weft_store *s, bool on)
{
	if (s && s->env && !s->readonly)
		(void)mdb_env_set_flags(s->env, MDB_NOMETASYNC, on);
}

gpg_error_t
weft_store_sync(weft_store *s)
{
	weft_diag d;

	if (!s || !s->env || s->readonly)
		return 0;
	return map_err(mdb_env_sync(s->env, 1), &d);
}

void
weft_store_breathe(weft_store *s)
{
	if (s)
		weft_map__breathe(&s->map, 1);
}

void
weft_txn_breathe(weft_txn *t)
{
	if (t)
		weft_store_breathe(t->store);
}

void
weft_txn_keep_mapped(weft_txn *t, const void *p, size_t len)
{
	if (t && t->store)
		weft_map__keep(&t->store->map, p, len);
}

void
weft_store_release_pages(weft_store *s)
{
	if (s)
		weft_map__release(&s->map);
}

void
weft_txn_abort(weft_txn *t)
{
	if (!t)
		return;
	if (t->txn)
		mdb_txn_abort(t->txn);
	if (t->store)
		weft_map__keep_clear(&t->store->map);
	free(t);
}

static bool
usable(weft_txn *t, int db)
{
	return t->txn && t->store->dbi[db] != (MDB_dbi)-1;
}

gpg_error_t
weft_txn_touch(weft_txn *t)
{
	static const char name[] = "touched"; /* never stays */
	MDB_val k = { sizeof name - 1, (void *)name }, v = { 1, (void *)"" };
	int rc;

	if (!t->write || !usable(t, WEFT_DB_META))
		return WEFT_ERR(GPG_ERR_EACCES);
	if ((rc = mdb_put(t->txn, t->store->dbi[WEFT_DB_META], &k, &v, 0)) ||
	    (rc = mdb_del(t->txn, t->store->dbi[WEFT_DB_META], &k, NULL)))
		return map_err(rc, NULL);
	return 0;
}

gpg_error_t
weft_store_get(weft_txn *t, int db, const void *key, size_t klen,
	       const uint8_t **val, size_t *vlen)
{
	MDB_val k = { klen, (void *)key }, v;
	int rc;

	*val = NULL;
	*vlen = 0;
	if (!usable(t, db))
		return WEFT_ERR(GPG_ERR_NOT_FOUND);
	weft_store_breathe(t->store);
	if ((rc = mdb_get(t->txn, t->store->dbi[db], &k, &v)))
		return map_err(rc, NULL);
	/* A large record (a well-known key's thousands of certifications)
	 * weighs as many lookups as the folios it spans: its reader maps
	 * them all. */
	if (v.mv_size >= 65536)
		weft_map__breathe(&t->store->map,
				  (unsigned)(v.mv_size >> 16));
	*val = v.mv_data;
	*vlen = v.mv_size;
	return 0;
}

gpg_error_t
weft_store_put(weft_txn *t, int db, const void *key, size_t klen,
	       const void *val, size_t vlen)
{
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	int rc;

	if (!t->write || !t->txn)
		return WEFT_ERR(GPG_ERR_EACCES);
	if (klen == 0 || klen > 511)
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	weft_store_breathe(t->store);
	rc = mdb_put(t->txn, t->store->dbi[db], &k, &v,
		     (dbs[db].flags & MDB_DUPSORT) ? MDB_NODUPDATA : 0);
	if (rc == MDB_KEYEXIST)
		return 0;
	return map_err(rc, NULL);
}

gpg_error_t
weft_store_del(weft_txn *t, int db, const void *key, size_t klen,
	       const void *val, size_t vlen)
{
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	int rc;

	if (!t->write || !t->txn)
		return WEFT_ERR(GPG_ERR_EACCES);
	if (klen == 0 || klen > 511)
		return 0;
	weft_store_breathe(t->store);
	rc = mdb_del(t->txn, t->store->dbi[db], &k, val ? &v : NULL);
	if (rc == MDB_NOTFOUND)
		return 0;
	return map_err(rc, NULL);
}

gpg_error_t
weft_store_each(weft_txn *t, int db, const void *key, size_t klen,
		weft_store_cb cb, void *opaque)
{
	MDB_cursor *cur = NULL;
	MDB_val k = { klen, (void *)key }, v;
	MDB_cursor_op op;
	int rc;
	gpg_error_t err = 0;

	if (!usable(t, db))
		return 0;
	if ((rc = mdb_cursor_open(t->txn, t->store->dbi[db], &cur)))
		return map_err(rc, NULL);
	if (key) {
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY);
		op = MDB_NEXT_DUP;
	} else {
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
		op = MDB_NEXT;
	}
	while (!rc) {
		if ((err = cb(opaque, k.mv_data, k.mv_size, v.mv_data,
			      v.mv_size)))
			break;
		if (key && !(dbs[db].flags & MDB_DUPSORT))
			break; /* one value per key: MDB_NEXT_DUP would move on */
		/* A walk over a whole database maps all of it otherwise. */
		weft_store_breathe(t->store);
		rc = mdb_cursor_get(cur, &k, &v, op);
	}
	mdb_cursor_close(cur);
	if (err)
		return err;
	if (rc && rc != MDB_NOTFOUND)
		return map_err(rc, NULL);
	return 0;
}

gpg_error_t
weft_store_each_prefix(weft_txn *t, int db, const void *prefix, size_t plen,
		       weft_store_cb cb, void *opaque)
{
	MDB_cursor *cur = NULL;
	MDB_val k = { plen, (void *)prefix }, v;
	int rc;
	gpg_error_t err = 0;

	if (!usable(t, db) || plen > 511)
		return 0; /* no key is longer than 511 octets */
	if ((rc = mdb_cursor_open(t->txn, t->store->dbi[db], &cur)))
		return map_err(rc, NULL);
	/* MDB_SET_RANGE: the first key >= PREFIX (LMDB refuses an empty
	 * key there, so "everything" starts at MDB_FIRST).  MDB_NEXT then
	 * walks every duplicate of a key before the next key. */
	rc = mdb_cursor_get(cur, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST);
	while (!rc) {
		if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen))
			break; /* past the keys that start with PREFIX */
		if ((err = cb(opaque, k.mv_data, k.mv_size, v.mv_data,
			      v.mv_size)))
			break;
		weft_store_breathe(t->store);
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (err)
		return err;
	if (rc && rc != MDB_NOTFOUND)
		return map_err(rc, NULL);
	return 0;
}

gpg_error_t
weft_store_has(weft_txn *t, int db, const void *key, size_t klen,
	       const void *val, size_t vlen)
{
	MDB_cursor *cur = NULL;
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	int rc;

	if (!usable(t, db) || klen == 0 || klen > 511)
		return WEFT_ERR(GPG_ERR_NOT_FOUND);
	if (!(dbs[db].flags & MDB_DUPSORT)) {
		const uint8_t *p;
		size_t n;
		gpg_error_t err = weft_store_get(t, db, key, klen, &p, &n);

		if (err)
			return err;
		return n == vlen && !memcmp(p, val, n)
			       ? 0 : WEFT_ERR(GPG_ERR_NOT_FOUND);
	}
	if ((rc = mdb_cursor_open(t->txn, t->store->dbi[db], &cur)))
		return map_err(rc, NULL);
	weft_store_breathe(t->store);
	rc = mdb_cursor_get(cur, &k, &v, MDB_GET_BOTH);
	mdb_cursor_close(cur);
	return map_err(rc, NULL);
}

gpg_error_t
weft_store_count(weft_txn *t, int db, uint64_t *n)
{
	MDB_stat st;
	int rc;

	*n = 0;
	if (!usable(t, db))
		return 0;
	if ((rc = mdb_stat(t->txn, t->store->dbi[db], &st)))
		return map_err(rc, NULL);
	*n = st.ms_entries;
	return 0;
}

bool
weft_store__writable(weft_txn *t)
{
	return t && t->write && t->txn;
}

/* Put KEY -> the bytes of BUFS (concatenated) in DB, reserving the space
 * in the map and filling it in place: no extra copy. */
gpg_error_t
weft_store__put_parts(weft_txn *t, int db, const uint8_t *key, size_t klen,
		      const weft_buf *const *bufs, size_t n)
{
	MDB_val k = { klen, (void *)key }, v = { 0, NULL };
	size_t i, total = 0;
	uint8_t *p;
	int rc;

	if (!weft_store__writable(t))
		return WEFT_ERR(GPG_ERR_EACCES);
	for (i = 0; i < n; i++)
		total += bufs[i]->len;
	v.mv_size = total;
	if ((rc = mdb_put(t->txn, t->store->dbi[db], &k, &v, MDB_RESERVE)))
		return map_err(rc, NULL);
	p = v.mv_data;
	for (i = 0; i < n; i++) {
		if (bufs[i]->len)
			memcpy(p, bufs[i]->data, bufs[i]->len);
		p += bufs[i]->len;
	}
	return 0;
}

gpg_error_t
weft_store_x509idx_each(weft_txn *t, uint8_t kind, const void *key,
			size_t klen, weft_store_cb cb, void *opaque)
{
	uint8_t k[512];

	if (!klen || klen + 1 > sizeof k - 1)
		return 0;
	k[0] = kind;
	memcpy(k + 1, key, klen);
	return weft_store_each(t, WEFT_DB_X509IDX, k, klen + 1, cb, opaque);
}

gpg_error_t
weft_store_by_keyid(weft_txn *t, const uint8_t keyid[8], weft_store_cb cb,
		    void *opaque)
{
	return weft_store_each(t, WEFT_DB_KEYIDS, keyid, 8, cb, opaque);
}

gpg_error_t
weft_store_by_email(weft_txn *t, const char *email, weft_store_cb cb,
		    void *opaque)
{
	size_t n = strlen(email);

	if (!n || n > 511)
		return 0;
	return weft_store_each(t, WEFT_DB_EMAILS, email, n, cb, opaque);
}

struct substr_ctx {
	const char *needle;
	size_t nlen;
	weft_store_cb cb;
	void *opaque;
};

static gpg_error_t
substr_match(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	     size_t vlen)
{
	struct substr_ctx *s = opaque;

	if (!memmem(key, klen, s->needle, s->nlen))
		return 0;
	return s->cb(s->opaque, key, klen, val, vlen);
}

gpg_error_t
weft_store_by_uid_substring(weft_txn *t, const char *needle, weft_store_cb cb,
			    void *opaque)
{
	uint8_t low[UID_KEY_MAX];
	struct substr_ctx s;
	size_t n = strlen(needle);

	if (n > UID_KEY_MAX)
		return 0;
	s.needle = (const char *)low;
	s.nlen = weft_store_uid_key((const uint8_t *)needle, n, low);
	if (!s.nlen)
		return 0;
	s.cb = cb;
	s.opaque = opaque;
	return weft_store_each(t, WEFT_DB_UIDS, NULL, 0, substr_match, &s);
}
