/* import-map.c - what a large import looks keys up in (see import.h):
 * fingerprint maps, key ID runs, the keys of earlier chunks (run_map) and
 * the keyring's primary keys taken at the start (snap).  An import of
 * 100,000 keys asks "which key is this?" millions of times. */
#include <stddef.h>
#include <stdlib.h>

#include "import.h"
#include "../util/mem.h"

static size_t
keyid_hash(const uint8_t keyid[8])
{
	size_t h = 0, i;

	for (i = 0; i < 8; i++)
		h = h << 8 | keyid[i];
	return h;
}

/* Fingerprints are hash outputs already: the octets of the key ID do
 * (the last 8 of a v4 fingerprint, the first 8 of a v6 one), and keys
 * with one key ID lie in one run of slots (run_by_keyid). */
static size_t
fpr_hash(const uint8_t *fpr, size_t len)
{
	uint8_t kid[8];

	weft_keyid_from_fpr(fpr, len, kid);
	return keyid_hash(kid);
}

static struct fpr_slot *
map_slot(const fpr_map *m, const uint8_t *fpr, size_t len)
{
	size_t i = fpr_hash(fpr, len) & (m->cap - 1);

	while (m->v[i].len &&
	       (m->v[i].len != len || memcmp(m->v[i].fpr, fpr, len)))
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

bool
weft_import__map_get(const fpr_map *m, const uint8_t *fpr, size_t len,
		     uint32_t *val)
{
	struct fpr_slot *s;

	if (!m->cap || !len || len > WEFT_FPR_MAX)
		return false;
	s = map_slot(m, fpr, len);
	if (!s->len)
		return false;
	*val = s->val;
	return true;
}

gpg_error_t
weft_import__map_put(fpr_map *m, const uint8_t *fpr, size_t len,
		     uint32_t val)
{
	struct fpr_slot *s;

	if (!len || len > WEFT_FPR_MAX)
		return 0;
	if (2 * (m->n + 1) > m->cap) {
		fpr_map g = { NULL, 0, m->cap ? 2 * m->cap : 1024 };
		size_t i;

		if (!(g.v = calloc(g.cap, sizeof *g.v)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		for (i = 0; i < m->cap; i++)
			if (m->v[i].len)
				*map_slot(&g, m->v[i].fpr, m->v[i].len) =
					m->v[i];
		g.n = m->n;
		free(m->v);
		*m = g;
	}
	s = map_slot(m, fpr, len);
	if (s->len)
		return 0;
	memcpy(s->fpr, fpr, len);
	s->len = (uint8_t)len;
	s->val = val;
	m->n++;
	return 0;
}

gpg_error_t
weft_import__remember(import *im, const weft_cert *c, bool new_key)
{
	return weft_import__map_put(&im->run_map, c->primary.fpr,
				    c->primary.fpr_len, new_key);
}

bool
weft_import__remembered(const import *im, const weft_cert *c, bool *new_key)
{
	uint32_t v = 0;
	bool r = weft_import__map_get(&im->run_map, c->primary.fpr,
				      c->primary.fpr_len, &v);

	if (new_key)
		*new_key = r && v;
	return r;
}

/* Keys new to the keyring only (value 1): the others are in import.snap.
 * With open addressing, every key whose key ID hashes to one slot is in
 * the run of slots from there to the next empty one. */
gpg_error_t
weft_import__run_by_keyid(import *im, const uint8_t keyid[8],
			  weft_store_cb cb, void *opaque)
{
	const fpr_map *m = &im->run_map;
	uint8_t kid[8];
	size_t i;
	gpg_error_t err;

	if (!m->cap)
		return 0;
	for (i = keyid_hash(keyid) & (m->cap - 1); m->v[i].len;
	     i = (i + 1) & (m->cap - 1)) {
		if (!m->v[i].val)
			continue;
		weft_keyid_from_fpr(m->v[i].fpr, m->v[i].len, kid);
		if (!memcmp(kid, keyid, 8) &&
		    (err = cb(opaque, keyid, 8, m->v[i].fpr, m->v[i].len)))
			return err;
	}
	return 0;
}

_Static_assert(offsetof(keyid_ent, keyid) == 0 &&
	       offsetof(ahead_key, keyid) == 0 &&
	       offsetof(keyid_fpr, keyid) == 0,
	       "keyid_first reads the key ID at the start of an element");
size_t
weft_import__keyid_first(const void *v, size_t n, size_t size,
			 const uint8_t keyid[8])
{
	const uint8_t *b = v;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(b + mid * size, keyid, 8) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static gpg_error_t
snap_add(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	 size_t vlen)
{
	import *im = opaque;
	uint8_t kid[8];
	keyid_fpr *e;
	gpg_error_t err;

	if (klen != 8 || !vlen || vlen > WEFT_FPR_MAX)
		return 0;
	weft_keyid_from_fpr(val, vlen, kid);
	if (memcmp(kid, key, 8))
		return 0; /* a subkey's: never an issuer (add_store_cand) */
	if (im->nsnap >= SNAP_MAX)
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	if ((err = weft_grow((void **)&im->snap, &im->snap_cap, im->nsnap + 1,
			     sizeof *im->snap)))
		return err;
	e = &im->snap[im->nsnap++];
	memcpy(e->keyid, kid, 8);
	e->len = (uint8_t)vlen;
	memcpy(e->fpr, val, vlen);
	return 0;
}

static void
snap_off(import *im)
{
	free(im->snap);
	im->snap = NULL;
	im->nsnap = im->snap_cap = 0;
	im->snap_state = SNAP_OFF;
}

bool
weft_import__not_in_keyring(const import *im, const uint8_t *fpr, size_t len)
{
	uint8_t kid[8];
	uint32_t v;
	size_t i;

	if (im->snap_state != SNAP_LIVE ||
	    weft_import__map_get(&im->run_map, fpr, len, &v))
		return false;
	weft_keyid_from_fpr(fpr, len, kid);
	for (i = weft_import__keyid_first(im->snap, im->nsnap,
					  sizeof *im->snap, kid);
	     i < im->nsnap && !memcmp(im->snap[i].keyid, kid, 8); i++)
		if (im->snap[i].len == len && !memcmp(im->snap[i].fpr, fpr, len))
			return false;
	return true;
}

gpg_error_t
weft_import__snap_begin(import *im)
{
	uint64_t id = weft_txn_id(im->txn), n = 0;
	gpg_error_t err;

	if (!im->chunked || im->snap_state == SNAP_OFF)
		return 0;
	if (im->snap_state == SNAP_NONE) {
		/* LMDB walks the index in key order: the snapshot comes
		 * sorted (key IDs, then fingerprints).  The index holds
		 * subkeys too, which the snapshot skips: the walk stops at
		 * SNAP_MAX primary keys (snap_add), and is not begun on an
		 * index so large that it surely would. */
		if (!id || im->chunks_committed ||
		    weft_store_count(im->txn, WEFT_DB_KEYIDS, &n) ||
		    n > 4 * SNAP_MAX) {
			snap_off(im);
			return 0;
		}
		err = weft_store_each(im->txn, WEFT_DB_KEYIDS, NULL, 0,
				      snap_add, im);
		if (gpg_err_code(err) == GPG_ERR_TOO_LARGE) {
			snap_off(im);
			return 0;
		}
		if (err)
			return err;
		im->snap_state = SNAP_LIVE;
	} else if (id != im->snap_txn + 1) {
		snap_off(im); /* another writer came in between */
		return 0;
	}
	/* A chunk that changes nothing would not take a number, and the
	 * next chunk could not tell another writer's commit from its own. */
	im->snap_txn = id;
	return weft_txn_touch(im->txn);
}
