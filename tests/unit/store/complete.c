/* tests/unit/store/complete.c - tab completion: weft_store_each_prefix on
 * raw databases, and weft_complete (fingerprints, key IDs, addresses,
 * user IDs) on keyrings made from the fixtures.
 *
 * Expected words come from outside the code under test: fingerprints and
 * key IDs written in tests/data/cert/README and RFC 9580 A.3, and a model
 * that reads the fixture files (cert/, not the store) and filters their
 * words with its own prefix rules.  A second keyring holds copies of fixtures
 * whose user IDs were patched in place (control characters, invalid
 * UTF-8, one user ID in two cases, one in two certificates); it is
 * written through the store directly, since the patched self-signatures
 * no longer verify.
 *
 * Every test works in its own mkdtemp directory under $TMPDIR (or /tmp),
 * removed at the end.  Run from the top of the source tree.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "store/store.h"
#include "cert/cert.h"
#include "crypto/crypto.h"
#include <weft/weft.h>
#include "t.h"
#include "store-t.h"

#define V6 "tests/data/crypto/rfc9580-a3-v6-cert.pgp"

/* tests/data/cert/README and RFC 9580 A.3. */
#define FPR_CERTIFIER "ED58EC43FEC2FCDADDD447B65265FC665AAD7153"
#define FPR_DATES "C768A5BFB3AC3A66C17FC8CDFAD3B81251343072"
#define FPR_DATES_SIGN "4E0EEC2122B4975940C79FA7BCBD722A47BD6086"
#define FPR_UIDREV "4F174BA91CD525739B8D5C5A5391A2CA44F107D8"
#define FPR_KEYREV_HARD "B900101DA42E33B5AD626BE57236A045C5B6D8D7"
#define FPR_SUBREV_B "D9A3E2FC3194F2E84AA6C6086C1E7256DB55EE95"
#define FPR_V6 "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9"
#define KEYID_V6 "CB186C4F0609A697"
#define KEYID_V6_SUB "12C83F1E706F6308"

/* ---- lists of words ------------------------------------------------------------ */

#define MAXW 256

typedef struct wl {
	const char *v[MAXW];
	size_t n;
} wl;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
wl_add(wl *l, const char *s)
{
	if (l->n == MAXW) {
		printf("FAIL model: more than %d words\n", MAXW);
		exit(1);
	}
	l->v[l->n++] = s;
}

/* Sort, drop duplicates, keep MAX (0: all). */
static void
wl_settle(wl *l, size_t max)
{
	size_t i, k = 0;

	qsort(l->v, l->n, sizeof *l->v, cmp_str);
	for (i = 0; i < l->n; i++)
		if (!k || strcmp(l->v[k - 1], l->v[i]))
			l->v[k++] = l->v[i];
	l->n = max && k > max ? max : k;
}

/* The words expected, given as arguments (NULL-terminated), sorted by
 * the caller. */
static wl
want(const char *first, ...)
{
	wl l;
	va_list ap;
	const char *s;

	memset(&l, 0, sizeof l);
	va_start(ap, first);
	for (s = first; s; s = va_arg(ap, const char *))
		wl_add(&l, s);
	va_end(ap);
	return l;
}

/* Call weft_complete and compare with W exactly (order included).  Also
 * checks that the result is strcmp-sorted without repeats and that
 * v[n] is NULL. */
#define T_COMPLETE(ctx, prefix, what, max, w)                                 \
	t_complete(__FILE__, __LINE__, (ctx), (prefix), (what), (max), (w))

static void
t_complete(const char *file, int line, weft_ctx *ctx, const char *prefix,
	   unsigned what, size_t max, const wl *w)
{
	weft_word_list *l = NULL;
	gpg_error_t err;
	size_t i;
	bool same;

	err = weft_complete(ctx, prefix, what, max, &l);
	if (err || !l) {
		t_fail_++;
		printf("FAIL %s:%d: complete \"%s\" %u %zu: %s (%s)\n", file,
		       line, prefix, what, max, gpg_strerror(err),
		       weft_ctx_error(ctx));
		weft_word_list_free(l);
		return;
	}
	same = l->n == w->n && l->v[l->n] == NULL;
	for (i = 0; same && i < l->n; i++)
		same = l->v[i] && !strcmp(l->v[i], w->v[i]) &&
		       (!i || strcmp(l->v[i - 1], l->v[i]) < 0);
	if (same) {
		t_pass_++;
	} else {
		t_fail_++;
		printf("FAIL %s:%d: complete \"%s\" what %u max %zu\n", file,
		       line, prefix, what, max);
		for (i = 0; i < l->n; i++)
			printf("     got  %s\n", l->v[i]);
		for (i = 0; i < w->n; i++)
			printf("     want %s\n", w->v[i]);
	}
	weft_word_list_free(l);
}

/* ---- the model ---------------------------------------------------------------------- */

/* Every word the keyring holds, read from the fixture files themselves
 * (parsed, self-signatures checked, pruned: what import keeps). */
typedef struct universe {
	char *pool[4 * MAXW];
	size_t npool;
	wl fpr, keyid, email, uid;
} universe;

static const char *
keep(universe *u, const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p || u->npool == WEFT_ARRAY_SIZE(u->pool)) {
		printf("FAIL model: out of room\n");
		exit(1);
	}
	memcpy(p, s, n);
	p[n] = 0;
	return u->pool[u->npool++] = p;
}

static const char *
keep_hex(universe *u, const uint8_t *p, size_t n)
{
	char hex[2 * WEFT_FPR_MAX + 1];

	t_hex(hex, p, n);
	return keep(u, hex, 2 * n);
}

static void
universe_add(universe *u, const char *path)
{
	size_t n, i;
	uint8_t *p = t_slurp(path, &n);
	weft_cert *c = NULL;
	char email[256];

	if (weft_cert_from_bytes(&c, p, n, NULL, 0, NULL, 0, NULL) ||
	    weft_cert_check_self(c, false)) {
		printf("FAIL model: cannot read %s\n", path);
		exit(1);
	}
	weft_cert_prune(c, NULL);
	wl_add(&u->fpr, keep_hex(u, c->primary.fpr, c->primary.fpr_len));
	wl_add(&u->keyid, keep_hex(u, c->primary.keyid, 8));
	for (i = 0; i < c->nsubkeys; i++)
		wl_add(&u->keyid, keep_hex(u, c->subkeys[i].keyid, 8));
	for (i = 0; i < c->nuids; i++) {
		const weft_uidrec *r = &c->uids[i];

		if (r->tag != WEFT_PKT_USER_ID)
			continue;
		wl_add(&u->uid, keep(u, (const char *)r->data, r->len));
		if (weft_uid_email(r->data, r->len, email, sizeof email))
			wl_add(&u->email, keep(u, email, strlen(email)));
	}
	weft_cert_free(c);
	free(p);
}

static void
universe_free(universe *u)
{
	while (u->npool)
		free(u->pool[--u->npool]);
}

static bool
is_hex(const char *p)
{
	for (; *p; p++)
		if (!strchr("0123456789abcdefABCDEF", *p))
			return false;
	return true;
}

/* What weft_complete should answer, by brute force over U (ASCII: the
 * fixtures' words are ASCII). */
static wl
model(const universe *u, const char *prefix, unsigned what, size_t max)
{
	const char *hex = prefix;
	size_t i, n = strlen(prefix);
	wl l;

	memset(&l, 0, sizeof l);
	if (!strncasecmp(hex, "0x", 2))
		hex += 2;
	if (is_hex(hex)) {
		for (i = 0; (what & WEFT_COMPLETE_FPR) && i < u->fpr.n; i++)
			if (!strncasecmp(u->fpr.v[i], hex, strlen(hex)))
				wl_add(&l, u->fpr.v[i]);
		for (i = 0; (what & WEFT_COMPLETE_KEYID) && i < u->keyid.n; i++)
			if (!strncasecmp(u->keyid.v[i], hex, strlen(hex)))
				wl_add(&l, u->keyid.v[i]);
	}
	for (i = 0; (what & WEFT_COMPLETE_EMAIL) && i < u->email.n; i++)
		if (!strncasecmp(u->email.v[i], prefix, n))
			wl_add(&l, u->email.v[i]);
	for (i = 0; (what & WEFT_COMPLETE_UID) && i < u->uid.n; i++)
		if (!strncasecmp(u->uid.v[i], prefix, n))
			wl_add(&l, u->uid.v[i]);
	wl_settle(&l, max);
	return l;
}

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 32;
}

/* ---- weft_store_each_prefix ------------------------------------------------------- */

#define MAXKV 16

struct kvseen {
	int n;
	char kv[MAXKV][40];       /* "key=value" */
	int stop_after;           /* return 99 after this many (0: never) */
};

static gpg_error_t
kv_collect(void *opaque, const uint8_t *key, size_t klen,
	   const uint8_t *val, size_t vlen)
{
	struct kvseen *s = opaque;

	if (s->n < MAXKV)
		snprintf(s->kv[s->n], sizeof s->kv[0], "%.*s=%.*s",
			 (int)(klen < 16 ? klen : 16), (const char *)key,
			 (int)(vlen < 16 ? vlen : 16), (const char *)val);
	s->n++;
	if (s->stop_after && s->n >= s->stop_after)
		return 99;
	return 0;
}

static void
each_prefix(weft_txn *t, int db, const char *prefix, size_t plen,
	    struct kvseen *s)
{
	memset(s, 0, sizeof *s);
	T_OK(weft_store_each_prefix(t, db, prefix, plen, kv_collect, s));
}

static void
test_each_prefix(void)
{
	char dir[300];
	weft_store *s = NULL;
	weft_txn *t;
	weft_diag diag;
	struct kvseen seen;
	char big[600];

	mk_tmp(dir, sizeof dir, "prefix");
	weft_diag_clear(&diag);
	T_OK(weft_store_open(&s, dir, false, &diag));
	if (!s)
		return;
	T_OK(weft_txn_begin(s, true, &t));
	/* dupsort: values of a key come in value order */
	put_s(t, WEFT_DB_EMAILS, "ab", "2");
	put_s(t, WEFT_DB_EMAILS, "ab", "1");
	put_s(t, WEFT_DB_EMAILS, "a", "0");
	put_s(t, WEFT_DB_EMAILS, "abd", "4");
	put_s(t, WEFT_DB_EMAILS, "abc", "3");
	put_s(t, WEFT_DB_EMAILS, "ac", "5");
	put_s(t, WEFT_DB_EMAILS, "b", "6");
	put_s(t, WEFT_DB_ROOTS, "ab", "x");
	put_s(t, WEFT_DB_ROOTS, "abc", "y");
	put_s(t, WEFT_DB_ROOTS, "b", "z");
	T_OK(weft_txn_commit(t));

	T_OK(weft_txn_begin(s, false, &t));
	each_prefix(t, WEFT_DB_EMAILS, "ab", 2, &seen);
	T_EQ_INT(seen.n, 4);
	T_EQ_STR(seen.kv[0], "ab=1");
	T_EQ_STR(seen.kv[1], "ab=2");
	T_EQ_STR(seen.kv[2], "abc=3");
	T_EQ_STR(seen.kv[3], "abd=4");
	/* a prefix that is no key: starts at the next key */
	each_prefix(t, WEFT_DB_EMAILS, "abb", 3, &seen);
	T_EQ_INT(seen.n, 0);
	each_prefix(t, WEFT_DB_EMAILS, "aa", 2, &seen);
	T_EQ_INT(seen.n, 0);
	/* everything: plen 0 */
	each_prefix(t, WEFT_DB_EMAILS, "", 0, &seen);
	T_EQ_INT(seen.n, 7);
	T_EQ_STR(seen.kv[0], "a=0");
	T_EQ_STR(seen.kv[6], "b=6");
	/* the last key, and past it */
	each_prefix(t, WEFT_DB_EMAILS, "b", 1, &seen);
	T_EQ_INT(seen.n, 1);
	T_EQ_STR(seen.kv[0], "b=6");
	each_prefix(t, WEFT_DB_EMAILS, "c", 1, &seen);
	T_EQ_INT(seen.n, 0);
	/* the whole "a" range ends before "b" */
	each_prefix(t, WEFT_DB_EMAILS, "a", 1, &seen);
	T_EQ_INT(seen.n, 6);
	T_EQ_STR(seen.kv[5], "ac=5");
	/* plain database */
	each_prefix(t, WEFT_DB_ROOTS, "ab", 2, &seen);
	T_EQ_INT(seen.n, 2);
	T_EQ_STR(seen.kv[0], "ab=x");
	T_EQ_STR(seen.kv[1], "abc=y");
	/* the callback's value stops the walk and is returned */
	memset(&seen, 0, sizeof seen);
	seen.stop_after = 2;
	T_EQ_INT(weft_store_each_prefix(t, WEFT_DB_EMAILS, "a", 1, kv_collect,
					&seen), 99);
	T_EQ_INT(seen.n, 2);
	/* longer than any key can be */
	memset(big, 'a', sizeof big);
	each_prefix(t, WEFT_DB_EMAILS, big, sizeof big, &seen);
	T_EQ_INT(seen.n, 0);
	/* an empty database */
	each_prefix(t, WEFT_DB_X509, "", 0, &seen);
	T_EQ_INT(seen.n, 0);
	weft_txn_abort(t);
	weft_store_close(s);

	/* the empty keyring (no store) */
	T_OK(weft_txn_begin(NULL, false, &t));
	each_prefix(t, WEFT_DB_CERTS, "", 0, &seen);
	T_EQ_INT(seen.n, 0);
	each_prefix(t, WEFT_DB_EMAILS, "a", 1, &seen);
	T_EQ_INT(seen.n, 0);
	weft_txn_abort(t);
	rm_rf(dir);
}

/* ---- weft_complete on imported fixtures --------------------------------------------- */

static void
import(weft_ctx *ctx, const char *path)
{
	size_t n;
	uint8_t *p = t_slurp(path, &n);
	weft_import_stats stats;

	memset(&stats, 0, sizeof stats);
	T_OK(weft_import(ctx, p, n, path, NULL, NULL, &stats));
	T_EQ_INT(stats.new_keys, 1);
	free(p);
}

static void
test_fixtures(void)
{
	static const char *files[] = {
		D "certifier.pgp", D "dates.pgp", D "merge.pgp",
		D "uidrev.pgp", D "subrev.pgp", D "sha1.pgp",
		D "keyrev-soft.pgp", V6,
	};
	char dir[300], p[128], q[128];
	weft_ctx *ctx;
	weft_word_list *l;
	universe u;
	wl w, all;
	size_t i, j, k;
	unsigned what;

	mk_tmp(dir, sizeof dir, "complete");
	memset(&u, 0, sizeof u);
	for (i = 0; i < WEFT_ARRAY_SIZE(files); i++)
		universe_add(&u, files[i]);
	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, dir, 0));
	for (i = 0; i < WEFT_ARRAY_SIZE(files); i++)
		import(ctx, files[i]);
	weft_ctx_free(ctx);

	/* Read-only from here: a second process could be importing. */
	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, dir, WEFT_OPEN_READONLY));

	/* Fingerprints: even and odd prefixes, either case, 0x. */
	w = want(FPR_DATES, NULL);
	T_COMPLETE(ctx, "C768", WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, "c768a", WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, "0xc768A5B", WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, "0XC7", WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, "c768a5bfb3ac3a66c17fc8cdfad3b81251343072",
		   WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, "0x" FPR_DATES, WEFT_COMPLETE_ALL, 0, &w);
	w = want(FPR_CERTIFIER, NULL);
	T_COMPLETE(ctx, "ed5", WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, "ED58E", WEFT_COMPLETE_FPR, 0, &w);
	/* v6: 64 digits */
	w = want(FPR_V6, NULL);
	T_COMPLETE(ctx, "cb186c4f0609a697e4d", WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, FPR_V6, WEFT_COMPLETE_FPR, 0, &w);
	/* one digit too many, or not the next one */
	w = want(NULL);
	T_COMPLETE(ctx, FPR_DATES "0", WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, FPR_V6 "0", WEFT_COMPLETE_ALL, 0, &w);
	T_COMPLETE(ctx, "C769", WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, "C76", WEFT_COMPLETE_KEYID, 0, &w);
	/* not hex: no fingerprints or key IDs at all */
	T_COMPLETE(ctx, "C768g", WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, "0x0x", WEFT_COMPLETE_ALL, 0, &w);
	T_COMPLETE(ctx, "x", WEFT_COMPLETE_FPR | WEFT_COMPLETE_KEYID, 0, &w);
	T_COMPLETE(ctx, " C768", WEFT_COMPLETE_ALL, 0, &w);
	/* a subkey fingerprint is not a primary fingerprint */
	T_COMPLETE(ctx, FPR_DATES_SIGN, WEFT_COMPLETE_FPR, 0, &w);
	T_COMPLETE(ctx, FPR_SUBREV_B, WEFT_COMPLETE_ALL, 0, &w);

	/* Key IDs: primary keys and subkeys (v4: the last 16 digits of the
	 * fingerprint; v6: the first 16). */
	w = want(FPR_DATES + 24, NULL);
	T_COMPLETE(ctx, "fad3b", WEFT_COMPLETE_KEYID, 0, &w);
	w = want(FPR_DATES_SIGN + 24, NULL);
	T_COMPLETE(ctx, "bcbd722", WEFT_COMPLETE_KEYID, 0, &w);
	T_COMPLETE(ctx, "0xBCBD722A47BD6086", WEFT_COMPLETE_ALL, 0, &w);
	w = want(FPR_SUBREV_B + 24, NULL);
	T_COMPLETE(ctx, "6C1E", WEFT_COMPLETE_KEYID, 0, &w);
	w = want(KEYID_V6_SUB, NULL);
	T_COMPLETE(ctx, "12c83", WEFT_COMPLETE_KEYID, 0, &w);
	/* a fingerprint and a key ID with one prefix (the key ID is a
	 * prefix of the fingerprint: it sorts first) */
	w = want(KEYID_V6, FPR_V6, NULL);
	T_COMPLETE(ctx, "cb18", WEFT_COMPLETE_ALL, 0, &w);
	w = want(KEYID_V6, NULL);
	T_COMPLETE(ctx, "cb18", WEFT_COMPLETE_KEYID, 0, &w);
	/* longer than a key ID */
	w = want(NULL);
	T_COMPLETE(ctx, "CB186C4F0609A6970", WEFT_COMPLETE_KEYID, 0, &w);

	/* Addresses: lower case as stored, whatever case was typed. */
	w = want("alice@example.org", NULL);
	T_COMPLETE(ctx, "ALICE@", WEFT_COMPLETE_EMAIL, 0, &w);
	T_COMPLETE(ctx, "a", WEFT_COMPLETE_EMAIL, 0, &w);
	w = want("old@example.org", "one@example.org", NULL);
	T_COMPLETE(ctx, "o", WEFT_COMPLETE_EMAIL, 0, &w);
	w = want("one@example.org", NULL);
	T_COMPLETE(ctx, "on", WEFT_COMPLETE_EMAIL, 0, &w);
	T_COMPLETE(ctx, "one@example.org", WEFT_COMPLETE_EMAIL, 0, &w);
	w = want(NULL);
	T_COMPLETE(ctx, "one@example.org.", WEFT_COMPLETE_EMAIL, 0, &w);
	T_COMPLETE(ctx, "Merge", WEFT_COMPLETE_EMAIL, 0, &w);

	/* User IDs: in the certificate's own case. */
	w = want("Merge Three <three@example.org>",
		 "Merge Two <two@example.org>", NULL);
	T_COMPLETE(ctx, "merge t", WEFT_COMPLETE_UID, 0, &w);
	T_COMPLETE(ctx, "MERGE T", WEFT_COMPLETE_ALL, 0, &w);
	w = want("Alice <alice@example.org>", "Alice Old <old@example.org>",
		 NULL);
	T_COMPLETE(ctx, "alice", WEFT_COMPLETE_UID, 0, &w);
	w = want("Alice <alice@example.org>", "Alice Old <old@example.org>",
		 "alice@example.org", NULL);
	T_COMPLETE(ctx, "aLiCe", WEFT_COMPLETE_ALL, 0, &w);
	/* "C" is hex: fingerprints, key IDs, addresses and user IDs */
	w = model(&u, "c", WEFT_COMPLETE_ALL, 0);
	T_CHECK(w.n >= 5, "model for \"c\": %zu words", w.n);
	T_COMPLETE(ctx, "c", WEFT_COMPLETE_ALL, 0, &w);
	w = want("Carol <carol@example.org>",
		 "Certifier <certifier@example.org>", NULL);
	T_COMPLETE(ctx, "c", WEFT_COMPLETE_UID, 0, &w);
	w = want(NULL);
	T_COMPLETE(ctx, "merge x", WEFT_COMPLETE_UID, 0, &w);
	T_COMPLETE(ctx, "erge", WEFT_COMPLETE_UID, 0, &w);

	/* The empty prefix: everything, sorted; and MAX. */
	all = model(&u, "", WEFT_COMPLETE_ALL, 0);
	T_EQ_INT(all.n, u.fpr.n + u.keyid.n + u.email.n + u.uid.n);
	T_COMPLETE(ctx, "", WEFT_COMPLETE_ALL, 0, &all);
	for (k = 1; k <= all.n + 1; k++) {
		w = all;
		w.n = k < all.n ? k : all.n;
		T_COMPLETE(ctx, "", WEFT_COMPLETE_ALL, k, &w);
	}
	w = model(&u, "", WEFT_COMPLETE_FPR, 2);
	T_EQ_INT(w.n, 2);
	T_COMPLETE(ctx, "", WEFT_COMPLETE_FPR, 2, &w);
	w = want("Alice <alice@example.org>", NULL);
	T_COMPLETE(ctx, "", WEFT_COMPLETE_UID, 1, &w);
	T_COMPLETE(ctx, "a", WEFT_COMPLETE_UID, 1, &w);
	w = want("alice@example.org", "carol@example.org", NULL);
	T_COMPLETE(ctx, "", WEFT_COMPLETE_EMAIL, 2, &w);
	w = want(NULL);
	T_COMPLETE(ctx, "", 0, 0, &w);

	/* Every prefix of every word, as typed and in lower case, for
	 * each kind alone and all together, against the model. */
	for (what = 1; what <= WEFT_COMPLETE_ALL; what <<= 1) {
		const wl *src = what == WEFT_COMPLETE_FPR ? &u.fpr :
				what == WEFT_COMPLETE_KEYID ? &u.keyid :
				what == WEFT_COMPLETE_EMAIL ? &u.email : &u.uid;

		for (i = 0; i < src->n; i++) {
			for (j = 0; j <= strlen(src->v[i]) && j < sizeof p;
			     j++) {
				snprintf(p, sizeof p, "%.*s", (int)j,
					 src->v[i]);
				snprintf(q, sizeof q, "%s", p);
				lower(q);
				w = model(&u, p, what, 0);
				T_COMPLETE(ctx, p, what, 0, &w);
				w = model(&u, q, WEFT_COMPLETE_ALL, 3);
				T_COMPLETE(ctx, q, WEFT_COMPLETE_ALL, 3, &w);
			}
		}
	}

	/* Errors. */
	l = (weft_word_list *)1;
	T_ERR(weft_complete(ctx, NULL, WEFT_COMPLETE_ALL, 0, &l),
	      GPG_ERR_INV_VALUE);
	T_CHECK(l == NULL, "no list on error");
	T_CHECK(*weft_ctx_error(ctx), "an error line");
	weft_word_list_free(NULL);

	universe_free(&u);
	weft_ctx_free(ctx);
	rm_rf(dir);
}

/* ---- user IDs that cannot be typed, and cases -------------------------------------- */

/* Replace FROM by TO (as long) at its first place in P. */
static void
patch(uint8_t *p, size_t n, const char *from, const char *to)
{
	size_t i, len = strlen(from);

	for (i = 0; i + len <= n; i++)
		if (!memcmp(p + i, from, len)) {
			memcpy(p + i, to, len);
			return;
		}
	printf("FAIL patch: \"%s\" not in the fixture\n", from);
	exit(1);
}

static void
put_patched(weft_txn *t, const char *path, const char *from1,
	    const char *to1, const char *from2, const char *to2)
{
	size_t n;
	uint8_t *p = t_slurp(path, &n);
	weft_cert *c = NULL;

	if (from1)
		patch(p, n, from1, to1);
	if (from2)
		patch(p, n, from2, to2);
	/* No self-signature check: the patched ones would fail it. */
	T_OK(weft_cert_from_bytes(&c, p, n, NULL, 0, NULL, 0, NULL));
	if (c) {
		weft_cert_canonicalize(c);
		T_OK(weft_store_cert_put(t, c, NULL));
	}
	weft_cert_free(c);
	free(p);
}

static void
test_untypeable(void)
{
	char dir[300];
	weft_store *s = NULL;
	weft_txn *t;
	weft_diag diag;
	weft_ctx *ctx;
	wl w;
	static const uint8_t zero1[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t zero2[8] = { 0, 0, 0, 0, 0, 0, 0, 2 };
	uint8_t fpr_a[20], fpr_b[20], fpr_hard[20], fpr_gone[20];

	t_unhex(FPR_DATES, fpr_a, sizeof fpr_a);
	t_unhex(FPR_UIDREV, fpr_b, sizeof fpr_b);
	t_unhex(FPR_KEYREV_HARD, fpr_hard, sizeof fpr_hard);
	t_unhex(FPR_SUBREV_B, fpr_gone, sizeof fpr_gone);
	mk_tmp(dir, sizeof dir, "untypeable");
	weft_diag_clear(&diag);
	T_OK(weft_store_open(&s, dir, false, &diag));
	if (!s)
		return;
	T_OK(weft_txn_begin(s, true, &t));
	/* DEL, and C1 (U+0085 in place of " T") */
	put_patched(t, D "merge.pgp", "Merge Two", "Merge\x7fTwo",
		    "Merge Three", "Merge\xc2\x85hree");
	/* invalid UTF-8 */
	put_patched(t, D "certifier.pgp", "Certifier <", "Certifier\xff<",
		    NULL, NULL);
	/* ESC; the other two user IDs stay */
	put_patched(t, D "uidrev.pgp", "Alice Old", "Alice\x1bOld", NULL,
		    NULL);
	/* a second certificate with Carol's user ID */
	put_patched(t, D "dates.pgp", "Dates <dates@", "Carol <carol@",
		    NULL, NULL);
	/* one user ID in two cases, in two certificates */
	put_patched(t, D "keyrev-soft.pgp", NULL, NULL, NULL, NULL);
	put_patched(t, D "keyrev-hard.pgp", "Hardrev <hardrev@",
		    "SOFTREV <softrev@", NULL, NULL);
	/* a key ID shared by two certificates (a collision, or a subkey
	 * bound to two primary keys), then another */
	T_OK(weft_store_put(t, WEFT_DB_KEYIDS, zero1, 8, fpr_a, 20));
	T_OK(weft_store_put(t, WEFT_DB_KEYIDS, zero1, 8, fpr_b, 20));
	T_OK(weft_store_put(t, WEFT_DB_KEYIDS, zero2, 8, fpr_a, 20));
	/* SOFTREV's summary gone: its certificate gives the user IDs */
	T_OK(weft_store_del(t, WEFT_DB_TNODES, fpr_hard, 20, NULL, 0));
	/* a user ID entry whose certificate is missing: skipped */
	T_OK(weft_store_put(t, WEFT_DB_UIDS, "zz top", 6, zero1, 8));
	T_OK(weft_store_put(t, WEFT_DB_UIDS, "zz top", 6, fpr_gone, 20));
	T_OK(weft_txn_commit(t));
	weft_store_close(s);

	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, dir, WEFT_OPEN_READONLY));
	w = want(NULL);
	T_COMPLETE(ctx, "zz", WEFT_COMPLETE_ALL, 0, &w);
	/* repeated index keys count once towards MAX */
	w = want("0000000000000001", "0000000000000002", NULL);
	T_COMPLETE(ctx, "0000", WEFT_COMPLETE_KEYID, 2, &w);
	T_COMPLETE(ctx, "0x0000", WEFT_COMPLETE_ALL, 0, &w);
	w = want("alice@example.org", "carol@example.org",
		 "certifier@example.org", NULL);
	T_COMPLETE(ctx, "", WEFT_COMPLETE_EMAIL, 3, &w);
	w = want("Alice <alice@example.org>", "Carol <carol@example.org>",
		 "Merge One <one@example.org>",
		 "SOFTREV <softrev@example.org>",
		 "Softrev <softrev@example.org>", NULL);
	T_COMPLETE(ctx, "", WEFT_COMPLETE_UID, 0, &w);
	w = want("Merge One <one@example.org>", NULL);
	T_COMPLETE(ctx, "merge", WEFT_COMPLETE_UID, 0, &w);
	w = want("Alice <alice@example.org>", NULL);
	T_COMPLETE(ctx, "ALICE", WEFT_COMPLETE_UID, 0, &w);
	w = want(NULL);
	T_COMPLETE(ctx, "alice\x1b", WEFT_COMPLETE_UID, 0, &w);
	T_COMPLETE(ctx, "certifier", WEFT_COMPLETE_UID, 0, &w);
	/* each word once, in each certificate's own case */
	w = want("SOFTREV <softrev@example.org>",
		 "Softrev <softrev@example.org>", "softrev@example.org", NULL);
	T_COMPLETE(ctx, "soft", WEFT_COMPLETE_ALL, 0, &w);
	w = want("SOFTREV <softrev@example.org>", NULL);
	T_COMPLETE(ctx, "soft", WEFT_COMPLETE_ALL, 1, &w);
	w = want("Carol <carol@example.org>", "carol@example.org", NULL);
	T_COMPLETE(ctx, "car", WEFT_COMPLETE_ALL, 0, &w);
	/* addresses of those user IDs are still words */
	w = want("three@example.org", "two@example.org", NULL);
	T_COMPLETE(ctx, "t", WEFT_COMPLETE_EMAIL, 0, &w);
	weft_ctx_free(ctx);
	rm_rf(dir);
}

/* ---- no keyring --------------------------------------------------------------------- */

static void
test_no_keyring(void)
{
	char dir[300], missing[400];
	weft_ctx *ctx;
	weft_word_list *l = NULL;
	wl w;

	mk_tmp(dir, sizeof dir, "nokeyring");
	snprintf(missing, sizeof missing, "%s/not/there", dir);

	/* not open */
	T_OK(weft_ctx_new(&ctx));
	l = (weft_word_list *)1;
	T_ERR(weft_complete(ctx, "", WEFT_COMPLETE_ALL, 0, &l),
	      GPG_ERR_NOT_INITIALIZED);
	T_CHECK(l == NULL, "no list on error");
	weft_ctx_free(ctx);

	/* missing, read-only: no words, no error, nothing created */
	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, missing, WEFT_OPEN_READONLY));
	w = want(NULL);
	T_COMPLETE(ctx, "", WEFT_COMPLETE_ALL, 0, &w);
	T_COMPLETE(ctx, "c7", WEFT_COMPLETE_ALL, 5, &w);
	T_CHECK(access(missing, F_OK) != 0, "nothing created");
	weft_ctx_free(ctx);

	/* an empty keyring */
	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, dir, 0));
	T_COMPLETE(ctx, "", WEFT_COMPLETE_ALL, 0, &w);
	weft_ctx_free(ctx);
	rm_rf(dir);
}

int
main(void)
{
	if (weft_crypto_init()) {
		printf("FAIL weft_crypto_init\n");
		return 1;
	}
	test_each_prefix();
	test_fixtures();
	test_untypeable();
	test_no_keyring();
	return t_done();
}
