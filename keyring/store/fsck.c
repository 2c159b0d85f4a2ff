/* fsck.c - checking the keyring's indexes against its certificates.
 *
 *   1. Every certificate record must decode, and its key must be the
 *      fingerprint of the primary key it holds.
 *   2. Every index entry a certificate implies must be present.
 *   3. Each index must hold exactly as many entries as the certificates
 *      imply; if not, the entries no certificate implies are named.
 *   4. Every certificate has a tnodes record (its summary).  Every tnodes
 *      record belongs to a certificate or to a supplement (tsupp: the
 *      X.509 bridge's derived keys have only that); where a supplement
 *      takes part, the record must be exactly the merge it implies, and
 *      every supplement must have its record.  (Whether the supplements
 *      themselves agree with the X.509 bridge's records is checked by
 *      weft_x509_fsck.)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "store.h"
#include "../ctx.h"
#include "../util/mem.h"
#include "../util/buf.h"

#define CHECKED_DBS 4   /* keyids, emails, uids, pending */

static const int checked[CHECKED_DBS] = {
	WEFT_DB_KEYIDS, WEFT_DB_EMAILS, WEFT_DB_UIDS, WEFT_DB_PENDING,
};

typedef struct entry {
	int db;
	uint8_t key[512];
	size_t klen;
	uint8_t val[WEFT_FPR_MAX];
	size_t vlen;
} entry;

typedef struct fsck {
	weft_ctx *ctx;
	weft_txn *txn;
	weft_fsck_cb cb;
	void *opaque;
	uint64_t problems;
	uint64_t keys;
	uint64_t expected[WEFT_DB_COUNT];
	entry *ents;
	size_t n, cap;
} fsck;

static void
problem(fsck *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
problem(fsck *f, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	f->problems++;
	if (f->cb)
		f->cb(f->opaque, line);
}

static gpg_error_t
collect(void *opaque, int db, const uint8_t *key, size_t klen,
	const uint8_t *val, size_t vlen)
{
	fsck *f = opaque;
	entry *e;
	gpg_error_t err;

	if (klen > sizeof e->key || vlen > WEFT_FPR_MAX)
		return 0;
	if ((err = weft_grow((void **)&f->ents, &f->cap, f->n + 1,
			     sizeof *f->ents)))
		return err;
	e = &f->ents[f->n++];
	e->db = db;
	memcpy(e->key, key, klen);
	e->klen = klen;
	memcpy(e->val, val, vlen);
	e->vlen = vlen;
	return 0;
}

static int
entry_cmp(const void *pa, const void *pb)
{
	const entry *a = pa, *b = pb;
	int r;

	if (a->db != b->db)
		return a->db - b->db;
	if (a->klen != b->klen)
		return a->klen < b->klen ? -1 : 1;
	if ((r = memcmp(a->key, b->key, a->klen)))
		return r;
	if (a->vlen != b->vlen)
		return a->vlen < b->vlen ? -1 : 1;
	return memcmp(a->val, b->val, a->vlen);
}

/* The index entries C implies, sorted and without duplicates. */
static gpg_error_t
expected_entries(fsck *f, const weft_cert *c)
{
	size_t i, w;
	gpg_error_t err;

	f->n = 0;
	if ((err = weft_store_cert_index(f->txn, c, collect, f)))
		return err;
	if (f->n < 2)
		return 0;
	qsort(f->ents, f->n, sizeof *f->ents, entry_cmp);
	for (i = 1, w = 0; i < f->n; i++)
		if (entry_cmp(&f->ents[w], &f->ents[i]))
			f->ents[++w] = f->ents[i];
	f->n = w + 1;
	return 0;
}

static gpg_error_t
check_cert(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	   size_t vlen)
{
	fsck *f = opaque;
	weft_cert *c = NULL;
	weft_diag d = { { 0 } };
	char hex[2 * WEFT_FPR_MAX + 1], khex[1100];
	const uint8_t *tn;
	size_t i, tnlen;
	gpg_error_t err;

	f->keys++;
	weft_hex(key, klen < 512 ? klen : 512, khex);
	if (weft_store_cert_decode(val, vlen, &c, &d)) {
		problem(f, "certificate %s: record does not decode: %s", khex,
			d.msg);
		return 0;
	}
	if (c->primary.fpr_len != klen ||
	    memcmp(c->primary.fpr, key, klen)) {
		weft_hex(c->primary.fpr, c->primary.fpr_len, hex);
		problem(f, "certificate stored under %s holds key %s", khex,
			hex);
	}
	if (weft_store_get(f->txn, WEFT_DB_TNODES, key, klen, &tn, &tnlen))
		problem(f, "certificate %s has no summary record (tnodes)",
			khex);
	if ((err = expected_entries(f, c)))
		goto leave;
	for (i = 0; i < f->n; i++) {
		entry *e = &f->ents[i];

		f->expected[e->db]++;
		if (weft_store_has(f->txn, e->db, e->key, e->klen, e->val,
				   e->vlen)) {
			weft_hex(e->key, e->klen < 64 ? e->klen : 64, hex);
			problem(f, "index %s lacks the entry %s for certificate %s",
				weft_store_db_name(e->db), hex, khex);
		}
	}
leave:
	weft_cert_free(c);
	return err;
}

/* Step 3: an entry is stray unless its owner implies it. */
struct stray_ctx {
	fsck *f;
	int db;
};

static gpg_error_t
check_entry(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	    size_t vlen)
{
	struct stray_ctx *s = opaque;
	fsck *f = s->f;
	const uint8_t *owner = val;
	size_t olen = vlen;
	weft_cert *c = NULL;
	entry probe;
	char hex[130];
	bool found = false;
	gpg_error_t err;

	if (klen <= sizeof probe.key && vlen <= WEFT_FPR_MAX &&
	    !weft_store_cert_load(f->txn, owner, olen, &c, NULL)) {
		if ((err = expected_entries(f, c))) {
			weft_cert_free(c);
			return err;
		}
		memset(&probe, 0, sizeof probe);
		probe.db = s->db;
		memcpy(probe.key, key, klen);
		probe.klen = klen;
		memcpy(probe.val, val, vlen);
		probe.vlen = vlen;
		found = bsearch(&probe, f->ents, f->n, sizeof *f->ents,
				entry_cmp) != NULL;
		weft_cert_free(c);
	}
	if (!found) {
		weft_hex(key, klen < 64 ? klen : 64, hex);
		problem(f, "index %s has a stray entry %s (no certificate implies it)",
			weft_store_db_name(s->db), hex);
	}
	return 0;
}

/* Step 4, for one tnodes record. */
static gpg_error_t
check_tnode(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	    size_t vlen)
{
	fsck *f = opaque;
	const uint8_t *p;
	size_t plen;
	char hex[130];
	weft_buf want;
	bool any, supp;
	gpg_error_t err;

	weft_hex(key, klen < 64 ? klen : 64, hex);
	supp = !weft_store_get(f->txn, WEFT_DB_TSUPP, key, klen, &p, &plen);
	if (!supp) {
		if (weft_store_get(f->txn, WEFT_DB_CERTS, key, klen, &p, &plen))
			problem(f, "index tnodes has a stray record %s (no certificate or supplement implies it)",
				hex);
		return 0;
	}
	weft_buf_init(&want);
	err = weft_store_tnode_expected(f->txn, key, klen, &want, &any);
	if (!err && (!any || want.len != vlen || memcmp(want.data, val, vlen)))
		problem(f, "index tnodes: the record of %s is not its summary merged with its supplement",
			hex);
	weft_buf_free(&want);
	if (err && gpg_err_code(err) != GPG_ERR_ENOMEM) {
		problem(f, "index tnodes: the record of %s or its supplement does not decode: %s",
			hex, gpg_strerror(err));
		err = 0;
	}
	return err;
}

static gpg_error_t
check_supplement(void *opaque, const uint8_t *key, size_t klen,
		 const uint8_t *val, size_t vlen)
{
	fsck *f = opaque;
	const uint8_t *p;
	size_t plen;
	char hex[130];

	(void)val;
	(void)vlen;
	if (weft_store_get(f->txn, WEFT_DB_TNODES, key, klen, &p, &plen)) {
		weft_hex(key, klen < 64 ? klen : 64, hex);
		problem(f, "index tnodes lacks the record of %s (it has a supplement)",
			hex);
	}
	return 0;
}

gpg_error_t
weft_fsck(weft_ctx *ctx, weft_fsck_cb cb, void *opaque, uint64_t *problems,
	  uint64_t *keys)
{
	fsck f;
	uint64_t have;
	struct stray_ctx sc;
	int i;
	gpg_error_t err;

	*problems = 0;
	*keys = 0;
	memset(&f, 0, sizeof f);
	f.ctx = ctx;
	f.cb = cb;
	f.opaque = opaque;
	ctx->error[0] = 0;
	if ((err = weft_ctx__txn(ctx, false, &f.txn)))
		return err;
	if ((err = weft_store_each(f.txn, WEFT_DB_CERTS, NULL, 0, check_cert,
				   &f)))
		goto leave;
	for (i = 0; i < CHECKED_DBS; i++) {
		int db = checked[i];

		if ((err = weft_store_count(f.txn, db, &have)))
			goto leave;
		if (have == f.expected[db])
			continue;
		sc.f = &f;
		sc.db = db;
		if ((err = weft_store_each(f.txn, db, NULL, 0, check_entry,
					   &sc)))
			goto leave;
	}
	if ((err = weft_store_each(f.txn, WEFT_DB_TNODES, NULL, 0, check_tnode,
				   &f)) ||
	    (err = weft_store_each(f.txn, WEFT_DB_TSUPP, NULL, 0,
				   check_supplement, &f)))
		goto leave;
leave:
	*problems = f.problems;
	*keys = f.keys;
	free(f.ents);
	weft_txn_abort(f.txn);
	if (err)
		weft_ctx__error(ctx, err, "fsck could not read the keyring: %s",
				gpg_strerror(err));
	return err;
}
