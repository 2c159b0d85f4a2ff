/* tests/unit/store/store.c - the LMDB keyring: raw put/get/each/del/has/
 * count on plain and dupsort databases, weft_store_cert_put with its
 * indexes (key IDs of primary and subkeys, addresses, user IDs, pending
 * certifications and edges) and their removal when a certificate is
 * updated, read-only reopening, the schema version check, a retired
 * database of an older keyring deleted by a writable open (and left alone
 * by a read-only one), and a missing keyring opened read-only through the
 * public API.
 *
 * Every test works in its own mkdtemp directory under $TMPDIR (or /tmp),
 * removed at the end.  Run from the top of the source tree (fixtures in
 * tests/data/cert/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lmdb.h>

#include "store/store.h"
#include "cert/cert.h"
#include "crypto/crypto.h"
#include <weft/weft.h>
#include "t.h"

#define D "tests/data/cert/"

static char tmproot[256];

static void
mk_tmp(char *out, size_t n, const char *name)
{
	const char *base = getenv("TMPDIR");

	snprintf(out, n, "%s/weft-store-%s-XXXXXX", base && *base ? base : "/tmp",
		 name);
	if (!mkdtemp(out)) {
		printf("FAIL mkdtemp %s\n", out);
		exit(1);
	}
}

static void
rm_rf(const char *dir)
{
	char cmd[600];

	/* our own mkdtemp directories only */
	if (strstr(dir, "/weft-store-")) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("warning: could not remove %s\n", dir);
	}
}

static weft_store *
open_store(const char *dir, bool ro)
{
	weft_store *s = NULL;
	weft_diag diag;
	gpg_error_t err;

	weft_diag_clear(&diag);
	err = weft_store_open(&s, dir, ro, &diag);
	if (err) {
		printf("FAIL open %s: %s (%s)\n", dir, gpg_strerror(err),
		       diag.msg);
		exit(1);
	}
	return s;
}

static weft_cert *
load_cert(const char *path)
{
	size_t n;
	uint8_t *p = t_slurp(path, &n);
	weft_cert *c = NULL;
	gpg_error_t err = weft_cert_from_bytes(&c, p, n, NULL, 0, NULL, 0, NULL);

	free(p);
	if (err) {
		printf("FAIL %s: %s\n", path, gpg_strerror(err));
		exit(1);
	}
	T_OK(weft_cert_check_self(c, false));
	weft_cert_prune(c, NULL);
	weft_cert_canonicalize(c);
	return c;
}

/* ---- callbacks ------------------------------------------------------------------ */

#define MAXSEEN 32

struct seen {
	int n;
	char key[MAXSEEN][64];
	char val[MAXSEEN][64];
	int stop_after;          /* return 99 after this many (0: never) */
};

static gpg_error_t
collect(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	size_t vlen)
{
	struct seen *s = opaque;

	if (s->n < MAXSEEN) {
		snprintf(s->key[s->n], 64, "%.*s", (int)(klen < 63 ? klen : 63),
			 (const char *)key);
		snprintf(s->val[s->n], 64, "%.*s", (int)(vlen < 63 ? vlen : 63),
			 (const char *)val);
	}
	s->n++;
	if (s->stop_after && s->n >= s->stop_after)
		return 99;
	return 0;
}

static gpg_error_t
count_cb(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	 size_t vlen)
{
	(*(int *)opaque)++;
	return 0;
}

/* ---- raw databases ---------------------------------------------------------------- */

static void
put_s(weft_txn *t, int db, const char *k, const char *v)
{
	T_OK(weft_store_put(t, db, k, strlen(k), v, strlen(v)));
}

static void
test_raw(void)
{
	char dir[300];
	weft_store *s;
	weft_txn *t;
	const uint8_t *val;
	size_t vlen;
	uint64_t n;
	struct seen seen;
	uint8_t big[600];

	mk_tmp(dir, sizeof dir, "raw");
	T_CHECK(!weft_store_exists(dir), "empty dir: no store");
	s = open_store(dir, false);
	T_CHECK(weft_store_exists(dir), "store created");

	T_OK(weft_txn_begin(s, true, &t));
	/* plain database: a put replaces */
	put_s(t, WEFT_DB_ROOTS, "k1", "one");
	put_s(t, WEFT_DB_ROOTS, "k1", "uno");
	put_s(t, WEFT_DB_ROOTS, "k2", "two");
	put_s(t, WEFT_DB_ROOTS, "k3", "three");
	T_OK(weft_store_get(t, WEFT_DB_ROOTS, "k1", 2, &val, &vlen));
	T_CHECK(vlen == 3 && !memcmp(val, "uno", 3), "plain: replaced");
	T_OK(weft_store_count(t, WEFT_DB_ROOTS, &n));
	T_EQ_INT(n, 3);
	/* dupsort database: values accumulate, duplicates ignored */
	put_s(t, WEFT_DB_EMAILS, "a@x", "fpr2");
	put_s(t, WEFT_DB_EMAILS, "a@x", "fpr1");
	put_s(t, WEFT_DB_EMAILS, "a@x", "fpr2");
	put_s(t, WEFT_DB_EMAILS, "b@x", "fpr3");
	T_OK(weft_store_count(t, WEFT_DB_EMAILS, &n));
	T_EQ_INT(n, 3);
	/* limits: empty and over-long keys */
	T_ERR(weft_store_put(t, WEFT_DB_ROOTS, "", 0, "v", 1),
	      GPG_ERR_TOO_LARGE);
	memset(big, 'k', sizeof big);
	T_ERR(weft_store_put(t, WEFT_DB_ROOTS, big, 512, "v", 1),
	      GPG_ERR_TOO_LARGE);
	T_OK(weft_store_put(t, WEFT_DB_ROOTS, big, 511, "v", 1));
	T_OK(weft_txn_commit(t));

	T_OK(weft_txn_begin(s, false, &t));
	/* get */
	T_ERR(weft_store_get(t, WEFT_DB_ROOTS, "nope", 4, &val, &vlen),
	      GPG_ERR_NOT_FOUND);
	T_CHECK(val == NULL && vlen == 0, "outputs cleared on NOT_FOUND");
	T_OK(weft_store_get(t, WEFT_DB_EMAILS, "a@x", 3, &val, &vlen));
	T_CHECK(vlen == 4 && !memcmp(val, "fpr1", 4),
		"dupsort get: the first value in order");
	/* each over one key of a dupsort db: its values, sorted */
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_each(t, WEFT_DB_EMAILS, "a@x", 3, collect, &seen));
	T_EQ_INT(seen.n, 2);
	T_EQ_STR(seen.val[0], "fpr1");
	T_EQ_STR(seen.val[1], "fpr2");
	/* each over a key that is absent: nothing, no error */
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_each(t, WEFT_DB_EMAILS, "c@x", 3, collect, &seen));
	T_EQ_INT(seen.n, 0);
	/* each over everything */
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_each(t, WEFT_DB_EMAILS, NULL, 0, collect, &seen));
	T_EQ_INT(seen.n, 3);
	T_EQ_STR(seen.key[2], "b@x");
	/* the callback stops the walk, its value comes back */
	memset(&seen, 0, sizeof seen);
	seen.stop_after = 2;
	T_EQ_INT(weft_store_each(t, WEFT_DB_ROOTS, NULL, 0, collect, &seen),
		 99);
	T_EQ_INT(seen.n, 2);
	/* each over one key of a plain db: that key's value only */
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_each(t, WEFT_DB_ROOTS, "k2", 2, collect, &seen));
	T_CHECK(seen.n == 1 && !strcmp(seen.val[0], "two"),
		"each_on_plain_db_with_key_yields_one_value: %d values (%s, %s)",
		seen.n, seen.val[0], seen.n > 1 ? seen.val[1] : "");
	/* has */
	T_OK(weft_store_has(t, WEFT_DB_EMAILS, "a@x", 3, "fpr2", 4));
	T_ERR(weft_store_has(t, WEFT_DB_EMAILS, "a@x", 3, "fpr3", 4),
	      GPG_ERR_NOT_FOUND);
	T_ERR(weft_store_has(t, WEFT_DB_EMAILS, "zz", 2, "fpr1", 4),
	      GPG_ERR_NOT_FOUND);
	T_OK(weft_store_has(t, WEFT_DB_ROOTS, "k2", 2, "two", 3));
	T_ERR(weft_store_has(t, WEFT_DB_ROOTS, "k2", 2, "tw", 2),
	      GPG_ERR_NOT_FOUND);
	T_ERR(weft_store_has(t, WEFT_DB_ROOTS, "k2", 2, "twO", 3),
	      GPG_ERR_NOT_FOUND);
	T_ERR(weft_store_has(t, WEFT_DB_ROOTS, "", 0, "", 0),
	      GPG_ERR_NOT_FOUND);
	/* writes in a read transaction */
	T_ERR(weft_store_put(t, WEFT_DB_ROOTS, "k9", 2, "x", 1),
	      GPG_ERR_EACCES);
	T_ERR(weft_store_del(t, WEFT_DB_ROOTS, "k1", 2, NULL, 0),
	      GPG_ERR_EACCES);
	weft_txn_abort(t);

	/* delete: one value, all values, absent keys */
	T_OK(weft_txn_begin(s, true, &t));
	T_OK(weft_store_del(t, WEFT_DB_EMAILS, "a@x", 3, "fpr1", 4));
	T_ERR(weft_store_has(t, WEFT_DB_EMAILS, "a@x", 3, "fpr1", 4),
	      GPG_ERR_NOT_FOUND);
	T_OK(weft_store_has(t, WEFT_DB_EMAILS, "a@x", 3, "fpr2", 4));
	T_OK(weft_store_del(t, WEFT_DB_EMAILS, "a@x", 3, "fpr9", 4));
	T_OK(weft_store_del(t, WEFT_DB_EMAILS, "b@x", 3, NULL, 0));
	T_ERR(weft_store_get(t, WEFT_DB_EMAILS, "b@x", 3, &val, &vlen),
	      GPG_ERR_NOT_FOUND);
	T_OK(weft_store_del(t, WEFT_DB_ROOTS, "k1", 2, NULL, 0));
	T_OK(weft_store_del(t, WEFT_DB_ROOTS, "k1", 2, NULL, 0));
	T_OK(weft_store_del(t, WEFT_DB_ROOTS, "never", 5, NULL, 0));
	T_OK(weft_store_count(t, WEFT_DB_EMAILS, &n));
	T_EQ_INT(n, 1);
	/* aborted writes vanish */
	put_s(t, WEFT_DB_ROOTS, "gone", "x");
	weft_txn_abort(t);
	T_OK(weft_txn_begin(s, false, &t));
	T_ERR(weft_store_get(t, WEFT_DB_ROOTS, "gone", 4, &val, &vlen),
	      GPG_ERR_NOT_FOUND);
	/* the abort also undid the deletes of that transaction */
	T_OK(weft_store_get(t, WEFT_DB_ROOTS, "k1", 2, &val, &vlen));
	T_OK(weft_store_has(t, WEFT_DB_EMAILS, "a@x", 3, "fpr1", 4));
	weft_txn_abort(t);
	weft_txn_abort(NULL);
	weft_store_close(s);

	/* read-only reopen: everything there, no writes */
	s = open_store(dir, true);
	T_OK(weft_txn_begin(s, false, &t));
	T_OK(weft_store_get(t, WEFT_DB_ROOTS, "k2", 2, &val, &vlen));
	T_CHECK(vlen == 3 && !memcmp(val, "two", 3), "read-only: data there");
	T_OK(weft_store_get(t, WEFT_DB_META, "schema", 6, &val, &vlen));
	T_CHECK(vlen == 1 && val[0] == '2', "schema 2 recorded");
	T_ERR(weft_store_put(t, WEFT_DB_ROOTS, "k9", 2, "x", 1),
	      GPG_ERR_EACCES);
	weft_txn_abort(t);
	t = NULL;
	T_ERR(weft_txn_begin(s, true, &t), GPG_ERR_EACCES);
	T_CHECK(t == NULL, "no transaction");
	weft_store_close(s);
	weft_store_close(NULL);
	rm_rf(dir);
}

/* The NULL store: an empty keyring. */
static void
test_null_store(void)
{
	weft_txn *t;
	const uint8_t *val;
	size_t vlen;
	uint64_t n = 7;
	int calls = 0;

	T_OK(weft_txn_begin(NULL, false, &t));
	T_ERR(weft_store_get(t, WEFT_DB_CERTS, "x", 1, &val, &vlen),
	      GPG_ERR_NOT_FOUND);
	T_OK(weft_store_each(t, WEFT_DB_KEYIDS, NULL, 0, count_cb, &calls));
	T_EQ_INT(calls, 0);
	T_OK(weft_store_count(t, WEFT_DB_CERTS, &n));
	T_EQ_INT(n, 0);
	T_ERR(weft_store_has(t, WEFT_DB_EMAILS, "a", 1, "b", 1),
	      GPG_ERR_NOT_FOUND);
	T_ERR(weft_store_put(t, WEFT_DB_ROOTS, "k", 1, "v", 1),
	      GPG_ERR_EACCES);
	T_OK(weft_txn_commit(t));
	T_OK(weft_txn_begin(NULL, true, &t));
	T_ERR(weft_store_put(t, WEFT_DB_ROOTS, "k", 1, "v", 1),
	      GPG_ERR_EACCES);
	weft_txn_abort(t);
}

/* ---- schema -------------------------------------------------------------------------- */

static void
test_schema(void)
{
	char dir[300];
	weft_store *s;
	weft_txn *t;
	weft_diag diag;

	mk_tmp(dir, sizeof dir, "schema");
	s = open_store(dir, false);
	T_OK(weft_txn_begin(s, true, &t));
	put_s(t, WEFT_DB_META, "schema", "99");
	T_OK(weft_txn_commit(t));
	weft_store_close(s);

	s = (weft_store *)1;
	weft_diag_clear(&diag);
	T_ERR(weft_store_open(&s, dir, false, &diag), GPG_ERR_INV_DATA);
	T_CHECK(s == NULL, "no store on error");
	T_CHECK(strstr(diag.msg, "schema version 99") != NULL, "diag: %s",
		diag.msg);
	weft_diag_clear(&diag);
	T_ERR(weft_store_open(&s, dir, true, &diag), GPG_ERR_INV_DATA);
	T_CHECK(strstr(diag.msg, "99") != NULL, "read-only diag: %s",
		diag.msg);

	/* the public API says the same */
	{
		weft_ctx *ctx;

		T_OK(weft_ctx_new(&ctx));
		T_ERR(weft_ctx_open(ctx, dir, 0), GPG_ERR_INV_DATA);
		T_CHECK(strstr(weft_ctx_error(ctx), "schema") != NULL,
			"ctx error: %s", weft_ctx_error(ctx));
		weft_ctx_free(ctx);
		T_OK(weft_ctx_new(&ctx));
		T_ERR(weft_ctx_open(ctx, dir, WEFT_OPEN_READONLY),
		      GPG_ERR_INV_DATA);
		weft_ctx_free(ctx);
	}
	rm_rf(dir);

	/* a damaged version (too long), and "0" */
	mk_tmp(dir, sizeof dir, "schema2");
	s = open_store(dir, false);
	T_OK(weft_txn_begin(s, true, &t));
	put_s(t, WEFT_DB_META, "schema", "1111111111111111111111");
	T_OK(weft_txn_commit(t));
	weft_store_close(s);
	weft_diag_clear(&diag);
	T_ERR(weft_store_open(&s, dir, false, &diag), GPG_ERR_INV_DATA);
	T_CHECK(strstr(diag.msg, "damaged") != NULL, "diag: %s", diag.msg);
	rm_rf(dir);

	mk_tmp(dir, sizeof dir, "schema3");
	s = open_store(dir, false);
	T_OK(weft_txn_begin(s, true, &t));
	put_s(t, WEFT_DB_META, "schema", "0");
	T_OK(weft_txn_commit(t));
	weft_store_close(s);
	T_ERR(weft_store_open(&s, dir, true, NULL), GPG_ERR_INV_DATA);
	rm_rf(dir);
}

/* ---- the public API on a missing keyring ----------------------------------------------- */

static void
test_missing_readonly(void)
{
	char dir[300], missing[400];
	weft_ctx *ctx;
	weft_key_list *l = NULL;
	uint8_t *out = NULL;
	size_t outlen = 99;
	struct stat st;
	gpg_error_t err;
	uint64_t problems = 9, keys = 9;
	weft_import_stats stats;

	mk_tmp(dir, sizeof dir, "missing");
	snprintf(missing, sizeof missing, "%s/not/there", dir);
	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, missing, WEFT_OPEN_READONLY));
	T_EQ_STR(weft_ctx_home(ctx), missing);
	T_CHECK(stat(missing, &st) != 0, "read-only open creates nothing");

	err = weft_keys_find(ctx, NULL, 0, &l);
	T_CHECK(!err || gpg_err_code(err) == GPG_ERR_NOT_FOUND,
		"list all: %s", gpg_strerror(err));
	T_CHECK(l && l->n == 0, "an empty list");
	weft_key_list_free(l);
	l = NULL;
	T_ERR(weft_keys_find(ctx, "alice@example.org", 0, &l),
	      GPG_ERR_NOT_FOUND);
	T_CHECK(l && l->n == 0, "nothing found");
	weft_key_list_free(l);

	T_OK(weft_export(ctx, NULL, 0, 0, &out, &outlen));
	T_EQ_INT(outlen, 0);
	free(out);
	T_OK(weft_fsck(ctx, NULL, NULL, &problems, &keys));
	T_EQ_INT(problems, 0);
	T_EQ_INT(keys, 0);
	memset(&stats, 0, sizeof stats);
	T_ERR(weft_import(ctx, "\x99\x00\x00", 3, "test", NULL, NULL, &stats),
	      GPG_ERR_EACCES);
	T_CHECK(stat(missing, &st) != 0, "still nothing created");
	weft_ctx_free(ctx);

	/* an existing directory without a keyring reads as empty too */
	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, dir, WEFT_OPEN_READONLY));
	T_OK(weft_fsck(ctx, NULL, NULL, &problems, &keys));
	T_EQ_INT(keys, 0);
	T_CHECK(!weft_store_exists(dir), "no data.mdb made");
	weft_ctx_free(ctx);

	/* EXISTING: neither created nor read as empty, writable or not;
	 * the context stays unopened */
	T_OK(weft_ctx_new(&ctx));
	T_ERR(weft_ctx_open(ctx, missing, WEFT_OPEN_EXISTING), GPG_ERR_ENOENT);
	T_CHECK(strstr(weft_ctx_error(ctx), missing) != NULL,
		"the error names the directory: %s", weft_ctx_error(ctx));
	T_CHECK(stat(missing, &st) != 0, "EXISTING creates nothing");
	T_ERR(weft_ctx_open(ctx, missing,
			    WEFT_OPEN_EXISTING | WEFT_OPEN_READONLY),
	      GPG_ERR_ENOENT);
	T_ERR(weft_ctx_open(ctx, dir, WEFT_OPEN_EXISTING), GPG_ERR_ENOENT);
	T_CHECK(!weft_store_exists(dir), "EXISTING makes no data.mdb");
	T_ERR(weft_fsck(ctx, NULL, NULL, &problems, &keys),
	      GPG_ERR_NOT_INITIALIZED);
	weft_ctx_free(ctx);

	/* writable: created (0700) */
	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, missing, 0));
	T_CHECK(stat(missing, &st) == 0 && S_ISDIR(st.st_mode) &&
			(st.st_mode & 0777) == 0700,
		"created 0700 (mode %o)", st.st_mode & 0777);
	T_ERR(weft_ctx_open(ctx, missing, 0), GPG_ERR_CONFLICT);
	weft_ctx_free(ctx);

	/* EXISTING opens one that is there, for writing */
	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, missing, WEFT_OPEN_EXISTING));
	memset(&stats, 0, sizeof stats);
	err = weft_import(ctx, "\x99\x00\x00", 3, "test", NULL, NULL, &stats);
	T_CHECK(gpg_err_code(err) != GPG_ERR_EACCES,
		"EXISTING alone is writable: %s", gpg_strerror(err));
	weft_ctx_free(ctx);
	rm_rf(dir);
}

/* ---- certificates and their indexes ------------------------------------------------ */

struct idx {
	int n;
	int db[64];
	uint8_t key[64][512];
	size_t klen[64];
	uint8_t val[64][32];
	size_t vlen[64];
};

static gpg_error_t
idx_cb(void *opaque, int db, const uint8_t *key, size_t klen,
       const uint8_t *val, size_t vlen)
{
	struct idx *x = opaque;

	if (x->n < 64 && klen <= 512 && vlen <= 32) {
		x->db[x->n] = db;
		memcpy(x->key[x->n], key, klen);
		x->klen[x->n] = klen;
		memcpy(x->val[x->n], val, vlen);
		x->vlen[x->n] = vlen;
		x->n++;
	}
	return 0;
}

static int
idx_count(const struct idx *x, int db)
{
	int i, n = 0;

	for (i = 0; i < x->n; i++)
		n += x->db[i] == db;
	return n;
}

static bool
idx_has(const struct idx *x, int db, const void *key, size_t klen)
{
	int i;

	for (i = 0; i < x->n; i++)
		if (x->db[i] == db && x->klen[i] == klen &&
		    !memcmp(x->key[i], key, klen))
			return true;
	return false;
}

/* Every entry the certificate implies is in the store. */
static void
check_indexed(weft_txn *t, const weft_cert *c, const char *what)
{
	struct idx x;
	int i, missing = 0;

	memset(&x, 0, sizeof x);
	T_OK(weft_store_cert_index(t, c, idx_cb, &x));
	for (i = 0; i < x.n; i++)
		if (weft_store_has(t, x.db[i], x.key[i], x.klen[i], x.val[i],
				   x.vlen[i]))
			missing++;
	T_CHECK(missing == 0, "%s: %d of %d index entries missing", what,
		missing, x.n);
}

static int
n_values(weft_txn *t, int db, const void *key, size_t klen)
{
	int n = 0;

	T_OK(weft_store_each(t, db, key, klen, count_cb, &n));
	return n;
}

static void
test_cert_put(void)
{
	char dir[300];
	weft_store *s;
	weft_txn *t;
	weft_cert *merge = load_cert(D "merge.pgp");
	weft_cert *certifier = load_cert(D "certifier.pgp");
	weft_cert *loaded = NULL, *smaller;
	struct idx x;
	const uint8_t *val;
	size_t vlen, i;
	weft_buf a, b, st;
	struct seen seen;
	uint64_t n;

	mk_tmp(dir, sizeof dir, "certs");
	s = open_store(dir, false);

	/* the index entries merge.pgp implies */
	T_OK(weft_txn_begin(s, true, &t));
	memset(&x, 0, sizeof x);
	T_OK(weft_store_cert_index(t, merge, idx_cb, &x));
	T_EQ_INT(idx_count(&x, WEFT_DB_KEYIDS), 3);   /* primary + 2 subkeys */
	T_EQ_INT(idx_count(&x, WEFT_DB_EMAILS), 3);
	T_EQ_INT(idx_count(&x, WEFT_DB_UIDS), 3);
	T_EQ_INT(idx_count(&x, WEFT_DB_PENDING), 2);  /* certifier unknown */
	T_EQ_INT(x.n, 11);   /* and nothing else */
	T_CHECK(idx_has(&x, WEFT_DB_KEYIDS, merge->primary.keyid, 8) &&
			idx_has(&x, WEFT_DB_KEYIDS, merge->subkeys[0].keyid, 8) &&
			idx_has(&x, WEFT_DB_KEYIDS, merge->subkeys[1].keyid, 8),
		"key IDs of primary and subkeys");
	T_CHECK(idx_has(&x, WEFT_DB_EMAILS, "one@example.org", 15) &&
			idx_has(&x, WEFT_DB_EMAILS, "three@example.org", 17),
		"addresses");
	T_CHECK(idx_has(&x, WEFT_DB_UIDS, "merge one <one@example.org>", 27),
		"user IDs lower-cased");
	T_CHECK(idx_has(&x, WEFT_DB_PENDING, certifier->primary.keyid, 8),
		"pending under the certifier's key ID");

	T_OK(weft_store_cert_put(t, merge, NULL));
	check_indexed(t, merge, "merge");
	T_OK(weft_txn_commit(t));

	/* the record reads back as the same certificate */
	T_OK(weft_txn_begin(s, false, &t));
	T_OK(weft_store_get(t, WEFT_DB_CERTS, merge->primary.fpr, 20, &val,
			    &vlen));
	T_CHECK(vlen > 8 && val[0] == 'W' && val[1] == 'C' && val[2] == 2 &&
			val[3] == 0,
		"record header");
	T_CHECK(vlen > 8 && ((uint32_t)val[4] << 24 | (uint32_t)val[5] << 16 |
			     (uint32_t)val[6] << 8 | val[7]) == 7,
		"7 signatures recorded");
	T_OK(weft_store_cert_load(t, merge->primary.fpr, 20, &loaded, NULL));
	weft_buf_init(&a);
	weft_buf_init(&b);
	weft_buf_init(&st);
	T_OK(weft_cert_write(merge, WEFT_CERT_WRITE_LOCAL |
			     WEFT_CERT_WRITE_UNCHECKED, &a, &st, NULL));
	T_OK(weft_cert_write(loaded, WEFT_CERT_WRITE_LOCAL |
			     WEFT_CERT_WRITE_UNCHECKED, &b, NULL, NULL));
	T_CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len),
		"loaded == stored");
	{
		weft_buf iss;
		size_t ilen;

		weft_buf_init(&iss);
		T_OK(weft_cert_write(merge, WEFT_CERT_WRITE_LOCAL |
				     WEFT_CERT_WRITE_UNCHECKED, &b, NULL, &iss));
		ilen = vlen > 12 + st.len ?
			((size_t)val[8 + st.len] << 24 |
			 (size_t)val[9 + st.len] << 16 |
			 (size_t)val[10 + st.len] << 8 | val[11 + st.len]) : 0;
		T_CHECK(vlen == 8 + st.len + 4 + ilen + a.len &&
				!memcmp(val + 8, st.data, st.len) &&
				ilen == iss.len,
			"states and issuers stored");
		weft_buf_free(&iss);
	}
	for (i = 0; loaded && i < loaded->nsubkeys; i++)
		T_CHECK(loaded->subkeys[i].sigs.v[0].state == WEFT_SIG_GOOD &&
				loaded->subkeys[i].sigs.v[0].backsig_ok ==
					merge->subkeys[i].sigs.v[0].backsig_ok,
			"subkey %zu: state and back-signature reloaded", i);
	weft_buf_free(&a);
	weft_buf_free(&b);
	weft_buf_free(&st);
	weft_cert_free(loaded);
	loaded = NULL;
	T_ERR(weft_store_cert_load(t, certifier->primary.fpr, 20, &loaded,
				   NULL),
	      GPG_ERR_NOT_FOUND);
	T_CHECK(loaded == NULL, "nothing loaded");

	/* lookups */
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_by_keyid(t, merge->subkeys[1].keyid, collect, &seen));
	T_EQ_INT(seen.n, 1);
	T_EQ_INT(n_values(t, WEFT_DB_KEYIDS, merge->subkeys[0].keyid, 8), 1);
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_by_email(t, "two@example.org", collect, &seen));
	T_EQ_INT(seen.n, 1);
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_by_uid_substring(t, "MERGE T", collect, &seen));
	T_EQ_INT(seen.n, 2);   /* Three and Two */
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_by_uid_substring(t, "nobody", collect, &seen));
	T_EQ_INT(seen.n, 0);
	weft_txn_abort(t);

	/* the certifier arrives; its certifications verify; the merge
	 * certificate is stored again: its pending entries go, and the
	 * record keeps who verified them */
	T_OK(weft_txn_begin(s, true, &t));
	T_OK(weft_store_cert_put(t, certifier, NULL));
	{
		weft_cert *old = NULL, *upd = NULL;

		T_OK(weft_store_cert_load(t, merge->primary.fpr, 20, &old,
					  NULL));
		T_OK(weft_store_cert_load(t, merge->primary.fpr, 20, &upd,
					  NULL));
		for (i = 0; upd && i < upd->nuids; i++) {
			size_t j;

			for (j = 0; j < upd->uids[i].sigs.n; j++)
				if (!upd->uids[i].sigs.v[j].self)
					T_OK(weft_cert_check_third_party(
						upd, &upd->uids[i].sigs.v[j],
						&upd->uids[i], certifier));
		}
		T_OK(weft_store_cert_put(t, upd, old));
		T_EQ_INT(n_values(t, WEFT_DB_PENDING, certifier->primary.keyid,
				  8), 0);
		check_indexed(t, upd, "merge, certifications verified");
		memset(&x, 0, sizeof x);
		T_OK(weft_store_cert_index(t, upd, idx_cb, &x));
		T_EQ_INT(x.n, 9);    /* keyids, emails, uids: no pending */
		weft_cert_free(loaded);
		loaded = NULL;
		T_OK(weft_store_cert_load(t, merge->primary.fpr, 20, &loaded,
					  NULL));
		{
			size_t good = 0, j;

			for (i = 0; loaded && i < loaded->nuids; i++)
				for (j = 0; j < loaded->uids[i].sigs.n; j++) {
					const weft_sigrec *r =
						&loaded->uids[i].sigs.v[j];

					if (r->self)
						continue;
					T_EQ_INT(r->state, WEFT_SIG_GOOD);
					T_EQ_INT(r->issuer_fpr_len, 20);
					T_EQ_MEM(r->issuer_fpr,
						 certifier->primary.fpr, 20);
					good++;
				}
			T_EQ_INT(good, 2);
		}
		weft_cert_free(loaded);
		loaded = NULL;
		check_indexed(t, certifier, "certifier");
		weft_cert_free(old);
		weft_cert_free(upd);
	}
	T_OK(weft_txn_commit(t));

	/* an update that loses a user ID and a subkey: their entries go,
	 * the rest stays */
	{
		weft_buf w;
		weft_cert *old = NULL;
		size_t k;

		weft_buf_init(&w);
		T_OK(weft_txn_begin(s, true, &t));
		T_OK(weft_store_cert_load(t, merge->primary.fpr, 20, &old,
					  NULL));
		/* the same certificate minus "Merge Three" and the
		 * cv25519 subkey */
		smaller = load_cert(D "merge.pgp");
		for (i = 0, k = 0; i < smaller->nuids; i++) {
			if (!memcmp(smaller->uids[i].data, "Merge Three", 11)) {
				free(smaller->uids[i].sigs.v);
				continue;
			}
			smaller->uids[k++] = smaller->uids[i];
		}
		smaller->nuids = k;
		for (i = 0, k = 0; i < smaller->nsubkeys; i++) {
			if (smaller->subkeys[i].key.algo == 18) {
				free(smaller->subkeys[i].sigs.v);
				continue;
			}
			smaller->subkeys[k++] = smaller->subkeys[i];
		}
		smaller->nsubkeys = k;
		T_EQ_INT(smaller->nuids, 2);
		T_EQ_INT(smaller->nsubkeys, 1);

		/* another certificate shares "three@example.org" */
		T_OK(weft_store_put(t, WEFT_DB_EMAILS, "three@example.org", 17,
				    certifier->primary.fpr, 20));

		T_OK(weft_store_cert_put(t, smaller, old));
		check_indexed(t, smaller, "smaller");
		T_ERR(weft_store_has(t, WEFT_DB_EMAILS, "three@example.org", 17,
				     merge->primary.fpr, 20),
		      GPG_ERR_NOT_FOUND);
		T_OK(weft_store_has(t, WEFT_DB_EMAILS, "three@example.org", 17,
				    certifier->primary.fpr, 20));
		T_ERR(weft_store_has(t, WEFT_DB_UIDS,
				     "merge three <three@example.org>", 31,
				     merge->primary.fpr, 20),
		      GPG_ERR_NOT_FOUND);
		for (i = 0; i < merge->nsubkeys; i++) {
			if (merge->subkeys[i].key.algo != 18)
				continue;
			T_ERR(weft_store_has(t, WEFT_DB_KEYIDS,
					     merge->subkeys[i].keyid, 8,
					     merge->primary.fpr, 20),
			      GPG_ERR_NOT_FOUND);
		}
		/* SMALLER comes from the file, so the certification on the
		 * remaining user ID is UNCHECKED again: pending */
		T_EQ_INT(n_values(t, WEFT_DB_PENDING, certifier->primary.keyid,
				  8), 1);
		T_OK(weft_store_count(t, WEFT_DB_CERTS, &n));
		T_EQ_INT(n, 2);
		T_OK(weft_txn_commit(t));
		weft_cert_free(old);
		weft_cert_free(smaller);
		weft_buf_free(&w);
	}

	/* read-only reopen: the certificates and indexes are there */
	weft_store_close(s);
	s = open_store(dir, true);
	T_OK(weft_txn_begin(s, false, &t));
	T_OK(weft_store_count(t, WEFT_DB_CERTS, &n));
	T_EQ_INT(n, 2);
	T_OK(weft_store_cert_load(t, certifier->primary.fpr, 20, &loaded,
				  NULL));
	check_indexed(t, loaded, "certifier after reopen");
	weft_cert_free(loaded);
	T_ERR(weft_store_cert_put(t, certifier, NULL), GPG_ERR_EACCES);
	weft_txn_abort(t);
	weft_store_close(s);

	weft_cert_free(merge);
	weft_cert_free(certifier);
	rm_rf(dir);
}

/* Damaged records are refused, not crashed on. */
static void
test_cert_decode(void)
{
	static const struct {
		const char *name;
		const char *hex;
		gpg_err_code_t want;
	} d[] = {
		{ "empty", "", GPG_ERR_INV_DATA },
		{ "short header", "5743 02 00 0000", GPG_ERR_INV_DATA },
		{ "bad magic", "5744 02 00 00000000 00000000 9800",
		  GPG_ERR_INV_DATA },
		{ "format 1 (old)", "5743 01 00 00000000 9800",
		  GPG_ERR_INV_DATA },
		{ "more states than octets", "5743 02 00 00000005 0101",
		  GPG_ERR_INV_DATA },
		{ "nsigs 4 GB", "5743 02 00 ffffffff 01", GPG_ERR_INV_DATA },
		{ "issuer table past the end",
		  "5743 02 00 00000000 00000009 0102", GPG_ERR_INV_DATA },
		/* an empty record is damaged, not the end of something */
		{ "no packets (cert_decode_empty_record_is_not_eof)",
		  "5743 02 00 00000000 00000000", GPG_ERR_INV_DATA },
		{ "not a key", "5743 02 00 00000000 00000000 cd0141",
		  GPG_ERR_INV_PACKET },
		{ "truncated key", "5743 02 00 00000000 00000000 c60504",
		  GPG_ERR_INV_PACKET },
	};
	size_t i, n;
	uint8_t buf[64];
	weft_cert *c;
	gpg_error_t err;

	for (i = 0; i < WEFT_ARRAY_SIZE(d); i++) {
		n = t_unhex(d[i].hex, buf, sizeof buf);
		c = (weft_cert *)1;
		err = weft_store_cert_decode(n ? buf : NULL, n, &c, NULL);
		T_CHECK(gpg_err_code(err) == d[i].want && c == NULL,
			"decode %s: %s", d[i].name, gpg_strerror(err));
	}
}

/* weft_txn_id: a write transaction's number is one past the last
 * committed one; an aborted one, and a committed one that changed
 * nothing, use none, unless weft_txn_touch made it change something
 * (leaving nothing behind); another process's commit in between shows as
 * a gap (what a chunked import checks); a read transaction sees the last
 * committed number. */
static void
test_txn_id(void)
{
	char dir[300];
	weft_store *s, *other;
	weft_txn *t;
	const uint8_t *val;
	size_t vlen;
	uint64_t a, b;
	pid_t pid;
	int status = -1;

	mk_tmp(dir, sizeof dir, "txnid");
	s = open_store(dir, false);
	T_EQ_INT(weft_txn_id(NULL), 0);
	T_OK(weft_txn_begin(s, true, &t));
	a = weft_txn_id(t);
	T_CHECK(a > 0, "a write transaction has a number");
	put_s(t, WEFT_DB_ROOTS, "k", "1");
	T_OK(weft_txn_commit(t));
	T_OK(weft_txn_begin(s, true, &t));
	b = weft_txn_id(t);
	T_EQ_INT(b, a + 1);
	weft_txn_abort(t);
	T_OK(weft_txn_begin(s, false, &t));
	T_EQ_INT(weft_txn_id(t), a);
	weft_txn_abort(t);
	T_OK(weft_txn_begin(s, true, &t));
	T_EQ_INT(weft_txn_id(t), a + 1);
	T_OK(weft_txn_commit(t));           /* nothing changed */
	T_OK(weft_txn_begin(s, true, &t));
	T_EQ_INT(weft_txn_id(t), a + 1);
	T_OK(weft_txn_touch(t));
	T_OK(weft_txn_commit(t));
	T_OK(weft_txn_begin(s, false, &t));
	T_EQ_INT(weft_txn_id(t), a + 1);
	T_ERR(weft_txn_touch(t), GPG_ERR_EACCES);
	T_ERR(weft_store_get(t, WEFT_DB_META, "touched", 7, &val, &vlen),
	      GPG_ERR_NOT_FOUND);
	weft_txn_abort(t);
	/* another process (LMDB allows one environment per file in a
	 * process) */
	fflush(stdout);
	if ((pid = fork()) == 0) {
		int bad = 1;

		if (!weft_store_open(&other, dir, false, NULL)) {
			bad = weft_txn_begin(other, true, &t) ||
			      weft_store_put(t, WEFT_DB_ROOTS, "k", 1, "2", 1) ||
			      weft_txn_commit(t);
			weft_store_close(other);
		}
		_exit(bad);
	}
	T_CHECK(pid > 0 && waitpid(pid, &status, 0) == pid &&
		WIFEXITED(status) && WEXITSTATUS(status) == 0,
		"the other process wrote");
	T_OK(weft_txn_begin(s, true, &t));
	T_EQ_INT(weft_txn_id(t), a + 3);
	weft_txn_abort(t);
	weft_store_close(s);
	rm_rf(dir);
}

/* With LMDB itself, whether DIR's keyring has the database NAME, and
 * with how many entries (-1: none); ADD: create it with one entry. */
static long
raw_db(const char *dir, const char *name, bool add)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_stat st;
	MDB_val k = { 20, (void *)"0123456789abcdefghij" },
		v = { 20, (void *)"ABCDEFGHIJ0123456789" };
	long n = -1;

	if (mdb_env_create(&env) || mdb_env_set_maxdbs(env, 32) ||
	    mdb_env_set_mapsize(env, (size_t)1 << 35) ||
	    mdb_env_open(env, dir, 0, 0600) ||
	    mdb_txn_begin(env, NULL, 0, &txn)) {
		T_CHECK(false, "raw LMDB open of %s", dir);
		goto leave;
	}
	if (!mdb_dbi_open(txn, name, MDB_DUPSORT | (add ? MDB_CREATE : 0),
			  &dbi)) {
		if (add)
			T_CHECK(!mdb_put(txn, dbi, &k, &v, 0), "raw put");
		if (!mdb_stat(txn, dbi, &st))
			n = (long)st.ms_entries;
	}
	T_CHECK(!mdb_txn_commit(txn), "raw commit");
	txn = NULL;
leave:
	if (txn)
		mdb_txn_abort(txn);
	if (env)
		mdb_env_close(env);
	return n;
}

/* A keyring of an older weft has "redges" and "edges", which this one
 * neither writes nor reads: a read-only open leaves them, a writable open
 * deletes them, and the rest of the keyring is untouched. */
static void
test_retired(void)
{
	static const char *const names[] = { "redges", "edges" };
	char dir[300];
	weft_store *s;
	weft_txn *t;
	size_t i;

	mk_tmp(dir, sizeof dir, "retired");
	s = open_store(dir, false);
	T_OK(weft_txn_begin(s, true, &t));
	put_s(t, WEFT_DB_ROOTS, "kept", "1");
	T_OK(weft_txn_commit(t));
	weft_store_close(s);
	for (i = 0; i < 2; i++) {
		T_EQ_INT(raw_db(dir, names[i], false), -1);
		T_EQ_INT(raw_db(dir, names[i], true), 1);
	}

	s = open_store(dir, true);
	weft_store_close(s);
	for (i = 0; i < 2; i++)
		T_EQ_INT(raw_db(dir, names[i], false), 1);

	s = open_store(dir, false);
	T_OK(weft_txn_begin(s, false, &t));
	T_OK(weft_store_has(t, WEFT_DB_ROOTS, "kept", 4, "1", 1));
	weft_txn_abort(t);
	weft_store_close(s);
	for (i = 0; i < 2; i++)
		T_EQ_INT(raw_db(dir, names[i], false), -1);
	rm_rf(dir);
}

int
main(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmproot, sizeof tmproot, "%s", base && *base ? base : "/tmp");
	if (weft_crypto_init()) {
		printf("FAIL weft_crypto_init\n");
		return 1;
	}
	test_raw();
	test_null_store();
	test_schema();
	test_retired();
	test_txn_id();
	test_missing_readonly();
	test_cert_put();
	test_cert_decode();
	T_EQ_STR(weft_store_db_name(WEFT_DB_EMAILS), "emails");
	T_EQ_STR(weft_store_db_name(WEFT_DB_COUNT), "?");
	T_EQ_STR(weft_store_db_name(-1), "?");
	return t_done();
}
