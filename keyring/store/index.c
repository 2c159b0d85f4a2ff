/* index.c - a certificate's index entries (keyids, uids, emails,
 * pending): what they are, and bringing the indexes from what an
 * older version of a certificate implied to what the new one implies by
 * writing only the difference.  It writes through weft_store_put and
 * weft_store_del; the records are record.c's, LMDB itself store.c's. */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "../util/buf.h"
#include "../util/mem.h"
#include "../util/text.h"

#define UID_KEY_MAX WEFT_UID_KEY_MAX

#include "store-int.h"

/* ---- indexes ---------------------------------------------------------------- */

/* The key of a user ID in the uids index: lower case (Unicode), at most
 * UID_KEY_MAX octets. */
static size_t
uid_key(const uint8_t *uid, size_t len, uint8_t *out)
{
	size_t n = 0, i;
	char *low = weft_text_lower(uid, len, &n);

	if (!low) {
		n = len < UID_KEY_MAX ? len : UID_KEY_MAX;
		for (i = 0; i < n; i++)
			out[i] = (uid[i] >= 'A' && uid[i] <= 'Z') ? uid[i] + 32
								  : uid[i];
		return n;
	}
	if (n > UID_KEY_MAX)
		n = UID_KEY_MAX;
	memcpy(out, low, n);
	free(low);
	return n;
}

size_t
weft_store_uid_key(const uint8_t *uid, size_t len,
		   uint8_t out[WEFT_UID_KEY_MAX])
{
	return uid_key(uid, len, out);
}

/* A third-party signature: pending under its issuer's key ID while the
 * issuer is unknown (once verified, its issuer is in the record and in
 * the certificate's summary, and no index names it). */
static gpg_error_t
index_sig(const weft_cert *c, const weft_sigrec *r, weft_index_cb cb,
	  void *opaque)
{
	uint8_t keyid[8];

	if (r->self)
		return 0;
	if (r->state == WEFT_SIG_UNCHECKED) {
		if (!weft_sigrec_issuer_keyid(r, keyid))
			return 0;
		return cb(opaque, WEFT_DB_PENDING, keyid, 8, c->primary.fpr,
			  c->primary.fpr_len);
	}
	return 0;
}

gpg_error_t
weft_store_cert_index(weft_txn *t, const weft_cert *c, weft_index_cb cb,
		      void *opaque)
{
	const uint8_t *fpr = c->primary.fpr;
	size_t fl = c->primary.fpr_len, i, j;
	uint8_t key[UID_KEY_MAX];
	char email[256];
	gpg_error_t err;

	(void)t;
	if ((err = cb(opaque, WEFT_DB_KEYIDS, c->primary.keyid, 8, fpr, fl)))
		return err;
	for (i = 0; i < c->nsubkeys; i++)
		if ((err = cb(opaque, WEFT_DB_KEYIDS, c->subkeys[i].keyid, 8,
			      fpr, fl)))
			return err;
	for (i = 0; i < c->nuids; i++) {
		const weft_uidrec *u = &c->uids[i];

		if (u->tag != WEFT_PKT_USER_ID)
			continue;
		if (u->len && (err = cb(opaque, WEFT_DB_UIDS, key,
					uid_key(u->data, u->len, key), fpr, fl)))
			return err;
		if (weft_uid_email(u->data, u->len, email, sizeof email) &&
		    (err = cb(opaque, WEFT_DB_EMAILS, (const uint8_t *)email,
			      strlen(email), fpr, fl)))
			return err;
	}
	for (i = 0; i < c->primary.sigs.n; i++)
		if ((err = index_sig(c, &c->primary.sigs.v[i], cb, opaque)))
			return err;
	for (i = 0; i < c->nuids; i++)
		for (j = 0; j < c->uids[i].sigs.n; j++)
			if ((err = index_sig(c, &c->uids[i].sigs.v[j], cb,
					     opaque)))
				return err;
	return 0;
}

static gpg_error_t
index_put(void *opaque, int db, const uint8_t *key, size_t klen,
	  const uint8_t *val, size_t vlen)
{
	return weft_store_put(opaque, db, key, klen, val, vlen);
}

/* ---- replacing a certificate's index entries ---------------------------------------- */

/* The index entries of one certificate, as a set.  Every entry names
 * the certificate itself (as key or value), so the entries of two
 * versions of it can be compared alone: rewriting a key certified 8,500
 * times to add one certification deleted and put back 17,000 entries
 * (of the edge indexes weft kept then), which dirtied pages all over two
 * trees at every chunk of an import. */
typedef struct ientry {
	size_t off;              /* key, then value, in the set's data */
	uint16_t klen;
	uint16_t vlen;
	uint8_t db;
	const uint8_t *p;        /* set once the data stops moving */
} ientry;

typedef struct ientries {
	ientry *v;
	size_t n, cap;
	weft_buf data;
} ientries;

static gpg_error_t
ientry_add(void *opaque, int db, const uint8_t *key, size_t klen,
	   const uint8_t *val, size_t vlen)
{
	ientries *s = opaque;
	gpg_error_t err;

	if (klen > UINT16_MAX || vlen > UINT16_MAX)
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	if ((err = weft_grow((void **)&s->v, &s->cap, s->n + 1,
			     sizeof *s->v)))
		return err;
	s->v[s->n].off = s->data.len;
	s->v[s->n].klen = (uint16_t)klen;
	s->v[s->n].vlen = (uint16_t)vlen;
	s->v[s->n].db = (uint8_t)db;
	weft_buf_put(&s->data, key, klen);
	weft_buf_put(&s->data, val, vlen);
	if ((err = weft_buf_error(&s->data)))
		return err;
	s->n++;
	return 0;
}

static int
ientry_cmp(const void *a, const void *b)
{
	const ientry *x = a, *y = b;
	size_t n;
	int c;

	if (x->db != y->db)
		return x->db < y->db ? -1 : 1;
	if (x->klen != y->klen)
		return x->klen < y->klen ? -1 : 1;
	if (x->vlen != y->vlen)
		return x->vlen < y->vlen ? -1 : 1;
	n = (size_t)x->klen + x->vlen;
	c = n ? memcmp(x->p, y->p, n) : 0;
	return c;
}

static gpg_error_t
ientries_of(weft_txn *t, const weft_cert *c, ientries *s)
{
	size_t i;
	gpg_error_t err;

	if ((err = weft_store_cert_index(t, c, ientry_add, s)))
		return err;
	for (i = 0; i < s->n; i++)
		s->v[i].p = s->data.data + s->v[i].off;
	qsort(s->v, s->n, sizeof *s->v, ientry_cmp);
	return 0;
}

static void
ientries_free(ientries *s)
{
	free(s->v);
	weft_buf_free(&s->data);
}

static gpg_error_t
ientry_apply(weft_txn *t, const ientry *e, bool put)
{
	return put ? weft_store_put(t, e->db, e->p, e->klen, e->p + e->klen,
				    e->vlen)
		   : weft_store_del(t, e->db, e->p, e->klen, e->p + e->klen,
				    e->vlen);
}

/* Index C in place of OLD: delete what only OLD has, put what only C
 * has (entries both have stay as they are).  A new certificate (OLD
 * NULL) has nothing to compare with: its entries go in as they come. */
gpg_error_t
weft_store__reindex(weft_txn *t, const weft_cert *old, const weft_cert *c)
{
	ientries a = { 0 }, b = { 0 };
	size_t i = 0, j = 0;
	int cmp;
	gpg_error_t err;

	if (!old)
		return weft_store_cert_index(t, c, index_put, t);
	weft_buf_init(&a.data);
	weft_buf_init(&b.data);
	if ((err = ientries_of(t, old, &a)) || (err = ientries_of(t, c, &b)))
		goto leave;
	while (!err && (i < a.n || j < b.n)) {
		/* Equal neighbours are one entry of the set. */
		if (i < a.n && i && !ientry_cmp(&a.v[i - 1], &a.v[i])) {
			i++;
			continue;
		}
		if (j < b.n && j && !ientry_cmp(&b.v[j - 1], &b.v[j])) {
			j++;
			continue;
		}
		cmp = i == a.n ? 1 : j == b.n ? -1 : ientry_cmp(&a.v[i], &b.v[j]);
		if (cmp < 0)
			err = ientry_apply(t, &a.v[i++], false);
		else if (cmp > 0)
			err = ientry_apply(t, &b.v[j++], true);
		else
			i++, j++;
	}
leave:
	ientries_free(&a);
	ientries_free(&b);
	return err;
}
