/* tests/unit/store/store-t.h - what the store's unit tests share: their
 * own mkdtemp directories, opening a store, loading a fixture
 * certificate, and callbacks that collect or count entries. */
#ifndef WEFT_TEST_STORE_T_H
#define WEFT_TEST_STORE_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "cert/cert.h"
#include "t.h"

#define D "tests/data/cert/"

static inline void
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

static inline void
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

static inline weft_store *
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

static inline weft_cert *
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

static inline gpg_error_t
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

static inline gpg_error_t
count_cb(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	 size_t vlen)
{
	(*(int *)opaque)++;
	return 0;
}

/* ---- raw databases ---------------------------------------------------------------- */

static inline void
put_s(weft_txn *t, int db, const char *k, const char *v)
{
	T_OK(weft_store_put(t, db, k, strlen(k), v, strlen(v)));
}

#endif /* WEFT_TEST_STORE_T_H */
