/* tests/unit/store/store.c - the LMDB keyring: raw put/get/each/del/has/
 * count on plain and dupsort databases, read-only reopening, the schema
 * version check, retired databases of an older keyring deleted by a
 * writable open (and left alone by a read-only one), a missing keyring
 * opened read-only through the public API, and LMDB's transaction
 * numbers.  Certificate records and their indexes: cert.c.
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

#include "store-t.h"

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
	T_EQ_STR(weft_store_db_name(WEFT_DB_EMAILS), "emails");
	T_EQ_STR(weft_store_db_name(WEFT_DB_COUNT), "?");
	T_EQ_STR(weft_store_db_name(-1), "?");
	return t_done();
}
