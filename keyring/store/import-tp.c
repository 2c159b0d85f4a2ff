/* import-tp.c - import step 5: third-party certifications, verified
 * against issuers from the input or the keyring (see import.h). */
#include <stddef.h>
#include <stdlib.h>

#include "import.h"
#include "../util/mem.h"
#include "../util/workers.h"

/* ---- 5. third-party certifications ---------------------------------------------- */

static gpg_error_t
push_cand(import *im, weft_cert *c)
{
	gpg_error_t err = weft_grow((void **)&im->cands, &im->cands_cap,
				    im->ncands + 1, sizeof *im->cands);

	if (!err)
		im->cands[im->ncands++] = c;
	return err;
}

static bool
item_live(const item *it)
{
	return !it->rejected && !it->folded && it->merged;
}

static gpg_error_t
index_item(import *im, size_t i)
{
	const weft_cert *c = im->items[i].merged;

	return weft_import__map_put(&im->item_map, c->primary.fpr,
				    c->primary.fpr_len, (uint32_t)i);
}

static int
keyid_ent_cmp(const void *a, const void *b)
{
	const keyid_ent *x = a, *y = b;
	int c = memcmp(x->keyid, y->keyid, 8);

	return c ? c : (x->item > y->item) - (x->item < y->item);
}

/* The live items sorted by primary key ID (after step 5 has added the
 * touched ones). */
static gpg_error_t
index_keyids(import *im)
{
	size_t i;

	free(im->by_keyid);
	im->nby_keyid = 0;
	if (!(im->by_keyid = calloc(im->nitems + 1, sizeof *im->by_keyid)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (i = 0; i < im->nitems; i++) {
		if (!item_live(&im->items[i]))
			continue;
		memcpy(im->by_keyid[im->nby_keyid].keyid,
		       im->items[i].merged->primary.keyid, 8);
		im->by_keyid[im->nby_keyid++].item = (uint32_t)i;
	}
	qsort(im->by_keyid, im->nby_keyid, sizeof *im->by_keyid,
	      keyid_ent_cmp);
	return 0;
}

void
weft_import__tp_free(import *im)
{
	free(im->item_map.v);
	free(im->loaded_map.v);
	free(im->by_keyid);
	memset(&im->item_map, 0, sizeof im->item_map);
	memset(&im->loaded_map, 0, sizeof im->loaded_map);
	im->by_keyid = NULL;
	im->nby_keyid = 0;
}

static weft_cert *
loaded_find(import *im, const uint8_t *fpr, size_t len)
{
	uint32_t i;

	return weft_import__map_get(&im->loaded_map, fpr, len, &i) ?
	       im->loaded[i] : NULL;
}

/* Hold C, a key loaded for this chunk, in IM->loaded (C is freed when
 * that fails). */
static gpg_error_t
loaded_add(import *im, weft_cert *c)
{
	gpg_error_t err = weft_grow((void **)&im->loaded, &im->loaded_cap,
				    im->nloaded + 1, sizeof *im->loaded);

	if (err) {
		weft_cert_free(c);
		return err;
	}
	im->loaded[im->nloaded++] = c;
	return weft_import__map_put(&im->loaded_map, c->primary.fpr,
				    c->primary.fpr_len,
				    (uint32_t)(im->nloaded - 1));
}

/* Find the imported item with this primary fingerprint (the index is
 * built when step 5 starts; before that, a scan). */
item *
weft_import__item_by_fpr(import *im, const uint8_t *fpr, size_t len)
{
	size_t i;
	uint32_t v;

	if (im->item_map.cap) {
		if (!weft_import__map_get(&im->item_map, fpr, len, &v) ||
		    !item_live(&im->items[v]))
			return NULL;
		return &im->items[v];
	}
	for (i = 0; i < im->nitems; i++) {
		item *it = &im->items[i];

		if (!item_live(it))
			continue;
		if (it->merged->primary.fpr_len == len &&
		    !memcmp(it->merged->primary.fpr, fpr, len))
			return it;
	}
	return NULL;
}

static weft_cert *ahead_copy(import *im, const uint8_t *fpr, size_t len);

struct cand_ctx {
	import *im;
	const weft_sigrec *rec;
	const uint8_t *keyid;
	const weft_cert *target;
	gpg_error_t err;
};

static gpg_error_t
add_store_cand(void *opaque, const uint8_t *key, size_t klen,
	       const uint8_t *val, size_t vlen)
{
	struct cand_ctx *cc = opaque;
	import *im = cc->im;
	uint8_t kid[8];
	weft_cert *c;
	gpg_error_t err;

	(void)key;
	(void)klen;
	if (vlen > WEFT_FPR_MAX)
		return 0;
	weft_keyid_from_fpr(val, vlen, kid);
	if (memcmp(kid, cc->keyid, 8))
		return 0; /* a subkey with this key ID */
	if (!weft_pkt_sig_issuer_matches(&cc->rec->sig, val, vlen, kid))
		return 0;
	if (vlen == cc->target->primary.fpr_len &&
	    !memcmp(val, cc->target->primary.fpr, vlen))
		return 0;
	if (weft_import__item_by_fpr(im, val, vlen))
		return 0; /* the imported version is used instead */
	c = loaded_find(im, val, vlen);
	if (!c) {
		/* A key an earlier chunk stored has its key packet in the
		 * look-ahead: the same octets, without a page fault. */
		if (!(c = ahead_copy(im, val, vlen)) &&
		    (err = weft_store_cert_load_primary(im->txn, val, vlen, &c,
							NULL)))
			return gpg_err_code(err) == GPG_ERR_NOT_FOUND ? 0 : err;
		if ((err = loaded_add(im, c)))
			return err;
	}
	return push_cand(im, c);
}

/* The keyring's keys with primary key ID KEYID, to add_store_cand. */
static gpg_error_t
store_cands(import *im, const uint8_t keyid[8], struct cand_ctx *cc)
{
	size_t i;
	gpg_error_t err;

	if (im->snap_state != SNAP_LIVE)
		return weft_store_by_keyid(im->txn, keyid, add_store_cand, cc);
	for (i = weft_import__keyid_first(im->snap, im->nsnap,
					  sizeof *im->snap, keyid);
	     i < im->nsnap && !memcmp(im->snap[i].keyid, keyid, 8); i++)
		if ((err = add_store_cand(cc, keyid, 8, im->snap[i].fpr,
					  im->snap[i].len)))
			return err;
	return weft_import__run_by_keyid(im, keyid, add_store_cand, cc);
}

/* A key of the X.509 bridge (x509idx 'k' -> fingerprint, x509keys ->
 * its key packet): an enterprise CA's key that certifies in OpenPGP as
 * well (OpenPGP CA style).  Such a key has no certificate in db certs
 * (when it has, add_store_cand found it already). */
static gpg_error_t
add_x509_cand(void *opaque, const uint8_t *key, size_t klen,
	      const uint8_t *val, size_t vlen)
{
	struct cand_ctx *cc = opaque;
	import *im = cc->im;
	const uint8_t *pkt, *rec;
	size_t plen, rlen;
	uint8_t kid[8];
	weft_cert *c;
	gpg_error_t err;

	(void)key;
	(void)klen;
	if (vlen > WEFT_FPR_MAX)
		return 0;
	weft_keyid_from_fpr(val, vlen, kid);
	if (memcmp(kid, cc->keyid, 8) ||
	    !weft_pkt_sig_issuer_matches(&cc->rec->sig, val, vlen, kid))
		return 0;
	if ((vlen == cc->target->primary.fpr_len &&
	     !memcmp(val, cc->target->primary.fpr, vlen)) ||
	    weft_import__item_by_fpr(im, val, vlen) ||
	    !weft_store_get(im->txn, WEFT_DB_CERTS, val, vlen, &rec, &rlen))
		return 0;
	c = loaded_find(im, val, vlen);
	if (!c) {
		err = weft_store_get(im->txn, WEFT_DB_X509KEYS, val, vlen,
				     &pkt, &plen);
		if (err)
			return gpg_err_code(err) == GPG_ERR_NOT_FOUND ? 0 : err;
		if (weft_cert_from_bytes(&c, pkt, plen, NULL, 0, NULL, 0,
					 NULL))
			return 0;  /* fsck reports a damaged key packet */
		if (c->primary.fpr_len != vlen ||
		    memcmp(c->primary.fpr, val, vlen)) {
			weft_cert_free(c);
			return 0;
		}
		if ((err = loaded_add(im, c)))
			return err;
	}
	return push_cand(im, c);
}

/* ---- keys of later chunks (import.ahead) ------------------------------------------- */

/* ahead_used: a certification was checked against the key (USED); its
 * chunk came and it was stored (SETTLED), or it was not and what it
 * verified must wait again (REVERT, until that is done). */
enum { AHEAD_USED = 1, AHEAD_SETTLED = 2, AHEAD_REVERT = 3 };

/* Is A after the last key of the chunk (so not stored yet)? */
static bool
ahead_later(const import *im, const ahead_key *a)
{
	if (a->block != im->chunk_block)
		return a->block > im->chunk_block;
	return a->offset > im->chunk_offset;
}

/* A's key as a certificate of its primary key alone (NULL when the
 * packet is not a key weft can use). */
static weft_cert *
ahead_parse(const import *im, const ahead_key *a)
{
	weft_cert *c = NULL;

	if (weft_cert_from_bytes(&c, im->ahead_bytes + a->at, a->len, NULL, 0,
				 NULL, 0, NULL))
		return NULL;
	return c;
}

/* A's key among IM->loaded (one copy per chunk, whichever certification
 * asks first; parsed once: a key of a later chunk may have issued
 * hundreds of this chunk's certifications); *OUT NULL when it is not
 * usable. */
static gpg_error_t
ahead_load(import *im, const ahead_key *a, weft_cert **out)
{
	ahead_slot *slot;
	weft_cert *c;
	uint32_t chunk = (uint32_t)im->chunks_committed + 1, i;
	gpg_error_t err;

	*out = NULL;
	if (!im->ahead_slots &&
	    !(im->ahead_slots = calloc(im->nahead, sizeof *im->ahead_slots)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	slot = &im->ahead_slots[a - im->ahead];
	if (slot->chunk == chunk) {
		if (slot->loaded != UINT32_MAX)
			*out = im->loaded[slot->loaded];
		return 0;
	}
	slot->chunk = chunk;
	slot->loaded = UINT32_MAX;
	if (!(c = ahead_parse(im, a)))
		return 0;
	if (weft_import__map_get(&im->loaded_map, c->primary.fpr,
				 c->primary.fpr_len, &i)) {
		weft_cert_free(c);
	} else {
		if ((err = loaded_add(im, c)))
			return err;
		i = (uint32_t)(im->nloaded - 1);
	}
	slot->loaded = i;
	*out = im->loaded[i];
	return 0;
}

/* The look-ahead's copy of the key packet of FPR's key, as a
 * certificate of its primary key alone, when an earlier chunk of this
 * import stored that key (NULL otherwise). */
static weft_cert *
ahead_copy(import *im, const uint8_t *fpr, size_t len)
{
	uint8_t kid[8];
	uint32_t v;
	size_t i;

	if (!im->nahead || !weft_import__map_get(&im->run_map, fpr, len, &v))
		return NULL;
	weft_keyid_from_fpr(fpr, len, kid);
	for (i = weft_import__keyid_first(im->ahead, im->nahead,
					  sizeof *im->ahead, kid);
	     i < im->nahead && !memcmp(im->ahead[i].keyid, kid, 8); i++) {
		weft_cert *c = ahead_parse(im, &im->ahead[i]);

		if (c && c->primary.fpr_len == len &&
		    !memcmp(c->primary.fpr, fpr, len))
			return c;
		weft_cert_free(c);
	}
	return NULL;
}

/* The keys of later chunks with KEYID that could have issued REC (on
 * TARGET): candidates like any other.  What one verifies is stored as
 * verified by that key before the key itself is; the key's own chunk
 * settles it (weft_import__ahead_settle). */
static gpg_error_t
ahead_cands(import *im, const weft_sigrec *rec, const uint8_t keyid[8],
	    const weft_cert *target)
{
	size_t i;
	weft_cert *c;
	gpg_error_t err;

	for (i = weft_import__keyid_first(im->ahead, im->nahead,
					  sizeof *im->ahead, keyid);
	     i < im->nahead && !memcmp(im->ahead[i].keyid, keyid, 8); i++) {
		if (!ahead_later(im, &im->ahead[i]))
			continue;
		if ((err = ahead_load(im, &im->ahead[i], &c)))
			return err;
		if (!c || (c->primary.fpr_len == target->primary.fpr_len &&
			   !memcmp(c->primary.fpr, target->primary.fpr,
				   c->primary.fpr_len)) ||
		    !weft_pkt_sig_issuer_matches(&rec->sig, c->primary.fpr,
						 c->primary.fpr_len, keyid))
			continue;
		im->ahead_used[i] = AHEAD_USED;
		if ((err = weft_import__map_put(&im->ahead_map, c->primary.fpr,
				   c->primary.fpr_len, (uint32_t)i)) ||
		    (err = push_cand(im, c)))
			return err;
	}
	return 0;
}

/* Make the certifications in V that FPR verified wait again.  UIDS:
 * V holds a user ID's certifications (the ones counted as waiting). */
static bool
ahead_revert_vec(import *im, weft_sigvec *v, const uint8_t *fpr, size_t len,
		 bool uids)
{
	bool any = false;
	size_t i;

	for (i = 0; i < v->n; i++) {
		weft_sigrec *r = &v->v[i];

		if (r->self || r->state != WEFT_SIG_GOOD ||
		    r->issuer_fpr_len != len || memcmp(r->issuer_fpr, fpr, len))
			continue;
		r->state = WEFT_SIG_UNCHECKED;
		r->issuer_fpr_len = 0;
		memset(r->issuer_fpr, 0, sizeof r->issuer_fpr);
		if (im->stats->sigs_verified)
			im->stats->sigs_verified--;
		if (uids)
			im->stats->certs_pending++;
		any = true;
	}
	return any;
}

static void
ahead_revert(import *im, item *t, const uint8_t *fpr, size_t len)
{
	weft_cert *c = t->merged;
	bool any = ahead_revert_vec(im, &c->primary.sigs, fpr, len, false);
	size_t i;

	for (i = 0; i < c->nuids; i++)
		any |= ahead_revert_vec(im, &c->uids[i].sigs, fpr, len, true);
	if (any)
		t->states_changed = true;
}

/* Is A's key stored now (by this chunk, an earlier one, or before the
 * import), so that what it verified stands? */
static bool
ahead_stored(import *im, const ahead_key *a)
{
	weft_cert *c = ahead_parse(im, a);
	const uint8_t *fpr, *val;
	size_t len, vlen;
	bool r;

	if (!c)
		return true; /* never a candidate: verified nothing */
	fpr = c->primary.fpr;
	len = c->primary.fpr_len;
	r = weft_import__item_by_fpr(im, fpr, len) ||
	    weft_import__remembered(im, c, NULL) ||
	    !weft_store_get(im->txn, WEFT_DB_CERTS, fpr, len, &val, &vlen) ||
	    !weft_store_get(im->txn, WEFT_DB_X509KEYS, fpr, len, &val, &vlen);
	weft_cert_free(c);
	return r;
}

/* Make the certifications that the key A verified on the N keys of V
 * (all with A's index) wait again: A's chunk came and A was not stored
 * (rejected, or its packets unreadable), as they would have waited in
 * one transaction. */
static gpg_error_t
ahead_revert_targets(import *im, const ahead_key *a, const ahead_target *v,
		     size_t n)
{
	weft_cert *c = ahead_parse(im, a);
	const uint8_t *fpr;
	size_t len, i;
	item *t;
	gpg_error_t err = 0;

	if (!c)
		return 0;
	fpr = c->primary.fpr;
	len = c->primary.fpr_len;
	for (i = 0; i < n; i++) {
		if (!(t = weft_import__item_by_fpr(im, v[i].fpr, v[i].len))) {
			if ((err = weft_import__push_item(im, &t)))
				break;
			t->touched = true;
			err = weft_store_cert_load(im->txn, v[i].fpr, v[i].len,
						   &t->merged, NULL);
			t->had_old = !err;
			if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
				/* Not stored after all (too large). */
				weft_cert_free(t->merged);
				t->merged = NULL;
				t->rejected = true;
				err = 0;
				continue;
			}
			if (err)
				break;
		}
		ahead_revert(im, t, fpr, len);
	}
	weft_cert_free(c);
	return err;
}

static int
ahead_target_cmp(const void *a, const void *b)
{
	const ahead_target *x = a, *y = b;

	return (x->ahead > y->ahead) - (x->ahead < y->ahead);
}

gpg_error_t
weft_import__ahead_settle(import *im)
{
	size_t i, j, k, n = im->nitems, nrevert = 0;
	bool any = false;
	gpg_error_t err;

	if (!im->nahead)
		return 0;
	/* The chunk ends at its last key (rejected ones included). */
	for (i = 0; i < n; i++) {
		const item *it = &im->items[i];

		if (it->touched)
			continue;
		if (!any || it->block > im->chunk_block ||
		    (it->block == im->chunk_block &&
		     it->offset > im->chunk_offset)) {
			im->chunk_block = it->block;
			im->chunk_offset = it->offset;
			any = true;
		}
	}
	for (i = 0; i < im->nahead; i++) {
		if (im->ahead_used[i] != AHEAD_USED ||
		    ahead_later(im, &im->ahead[i]))
			continue;
		if (ahead_stored(im, &im->ahead[i])) {
			im->ahead_used[i] = AHEAD_SETTLED;
		} else {
			im->ahead_used[i] = AHEAD_REVERT;
			nrevert++;
		}
	}
	if (nrevert) {
		qsort(im->ahead_targets, im->nahead_targets,
		      sizeof *im->ahead_targets, ahead_target_cmp);
		for (i = 0; i < im->nahead_targets; i = j) {
			uint32_t a = im->ahead_targets[i].ahead;

			for (j = i + 1; j < im->nahead_targets &&
			     im->ahead_targets[j].ahead == a; j++)
				;
			if (im->ahead_used[a] == AHEAD_REVERT &&
			    (err = ahead_revert_targets(im, &im->ahead[a],
					im->ahead_targets + i, j - i)))
				return err;
		}
		for (i = 0; i < im->nahead; i++)
			if (im->ahead_used[i] == AHEAD_REVERT)
				im->ahead_used[i] = AHEAD_SETTLED;
	}
	/* What a settled key verified needs no record any more. */
	for (i = k = 0; i < im->nahead_targets; i++)
		if (im->ahead_used[im->ahead_targets[i].ahead] != AHEAD_SETTLED)
			im->ahead_targets[k++] = im->ahead_targets[i];
	im->nahead_targets = k;
	return 0;
}

/* After step 5: remember the certifications that keys of later chunks
 * verified (what weft_import__ahead_settle may have to undo). */
static gpg_error_t
ahead_record(import *im)
{
	size_t i;
	uint32_t a;
	gpg_error_t err;

	for (i = 0; i < im->njobs; i++) {
		const tp_job *j = &im->jobs[i];
		const weft_sigrec *r = j->rec;
		ahead_target *e;

		if (!j->ahead || r->state != WEFT_SIG_GOOD ||
		    !weft_import__map_get(&im->ahead_map, r->issuer_fpr,
					  r->issuer_fpr_len, &a))
			continue;
		if ((err = weft_grow((void **)&im->ahead_targets,
				     &im->ahead_targets_cap,
				     im->nahead_targets + 1,
				     sizeof *im->ahead_targets)))
			return err;
		e = &im->ahead_targets[im->nahead_targets++];
		e->ahead = a;
		e->len = (uint8_t)j->target->primary.fpr_len;
		memcpy(e->fpr, j->target->primary.fpr, e->len);
	}
	return 0;
}

/* Queue REC (a third-party certification on TARGET) with every key that
 * could have issued it: imported ones, ones in the keyring, and (a
 * certification new in this import on a key it stores) keys of later
 * chunks. */
static gpg_error_t
queue_tp(import *im, size_t item_idx, weft_sigrec *rec,
	 const weft_uidrec *uid)
{
	weft_cert *target = im->items[item_idx].merged;
	uint8_t keyid[8];
	size_t first = im->ncands, i;
	struct cand_ctx cc;
	tp_job *j;
	bool ahead;
	gpg_error_t err;

	if (!weft_sigrec_issuer_keyid(rec, keyid))
		return 0;
	{
		for (i = weft_import__keyid_first(im->by_keyid,
				im->nby_keyid, sizeof *im->by_keyid, keyid);
		     i < im->nby_keyid &&
		     !memcmp(im->by_keyid[i].keyid, keyid, 8); i++) {
			item *it = &im->items[im->by_keyid[i].item];

			if (!item_live(it) || it->merged == target)
				continue;
			if (!weft_pkt_sig_issuer_matches(&rec->sig,
					it->merged->primary.fpr,
					it->merged->primary.fpr_len, keyid))
				continue;
			if ((err = push_cand(im, it->merged)))
				return err;
		}
		memset(&cc, 0, sizeof cc);
		cc.im = im;
		cc.rec = rec;
		cc.keyid = keyid;
		cc.target = target;
		if ((err = store_cands(im, keyid, &cc)) ||
		    (err = weft_store_x509idx_each(im->txn, 'k', keyid, 8,
						   add_x509_cand, &cc)))
			return err;
	}
	ahead = im->ncands == first && im->nahead &&
		!im->items[item_idx].touched &&
		(!im->items[item_idx].had_old || rec->is_new);
	if (ahead && (err = ahead_cands(im, rec, keyid, target)))
		return err;
	if (im->ncands == first)
		return 0;
	if ((err = weft_grow((void **)&im->jobs, &im->jobs_cap, im->njobs + 1,
			     sizeof *im->jobs)))
		return err;
	j = &im->jobs[im->njobs++];
	j->item = item_idx;
	j->target = target;
	j->rec = rec;
	j->uid = uid;
	j->cand = first;
	j->ncand = im->ncands - first;
	j->pending = im->items[item_idx].touched;
	j->ahead = ahead;
	return 0;
}

static bool
is_tp_cert(const weft_sigrec *r)
{
	uint8_t t = r->sig.type;

	return !r->self && r->state == WEFT_SIG_UNCHECKED &&
	       ((t >= WEFT_SIG_GENERIC_CERT && t <= WEFT_SIG_POSITIVE_CERT) ||
		t == WEFT_SIG_CERT_REVOCATION || t == WEFT_SIG_DIRECT_KEY ||
		t == WEFT_SIG_KEY_REVOCATION);
}

static gpg_error_t
queue_cert_tps(import *im, size_t item_idx)
{
	weft_cert *c = im->items[item_idx].merged;
	size_t i, j;
	gpg_error_t err;

	for (i = 0; i < c->primary.sigs.n; i++)
		if (is_tp_cert(&c->primary.sigs.v[i]) &&
		    (err = queue_tp(im, item_idx, &c->primary.sigs.v[i], NULL)))
			return err;
	for (i = 0; i < c->nuids; i++)
		for (j = 0; j < c->uids[i].sigs.n; j++)
			if (is_tp_cert(&c->uids[i].sigs.v[j]) &&
			    (err = queue_tp(im, item_idx, &c->uids[i].sigs.v[j],
					    &c->uids[i])))
				return err;
	return 0;
}

/* The fingerprints a pending entry lists, each with its length first. */
struct fpr_list {
	uint8_t (*fprs)[WEFT_FPR_MAX + 1];
	size_t n, cap;
};

static gpg_error_t
collect_fpr(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	    size_t vlen)
{
	struct fpr_list *l = opaque;
	gpg_error_t err;

	(void)key;
	(void)klen;
	if (vlen > WEFT_FPR_MAX)
		return 0;
	if ((err = weft_grow((void **)&l->fprs, &l->cap, l->n + 1,
			     sizeof *l->fprs)))
		return err;
	l->fprs[l->n][0] = (uint8_t)vlen;
	memcpy(l->fprs[l->n] + 1, val, vlen);
	l->n++;
	return 0;
}

/* Keyring certificates holding certifications by the key with KEYID,
 * which this import brings: load them as "touched" items. */
gpg_error_t
weft_import__queue_pending(import *im, const uint8_t keyid[8])
{
	struct fpr_list l = { NULL, 0, 0 };
	item *t;
	size_t i;
	gpg_error_t err;

	if ((err = weft_store_each(im->txn, WEFT_DB_PENDING, keyid, 8,
				   collect_fpr, &l)))
		goto leave;
	for (i = 0; i < l.n; i++) {
		const uint8_t *fpr = l.fprs[i] + 1;
		size_t len = l.fprs[i][0];

		if (weft_import__item_by_fpr(im, fpr, len))
			continue; /* imported, or touched already */
		if ((err = weft_import__push_item(im, &t)))
			goto leave;
		t->touched = true;
		err = weft_store_cert_load(im->txn, fpr, len, &t->merged, NULL);
		t->had_old = !err;
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
			/* A stale index entry: fsck reports it. */
			weft_cert_free(t->merged);
			t->merged = NULL;
			t->rejected = true;
			err = 0;
		}
		if (!err && item_live(t))
			err = index_item(im, (size_t)(t - im->items));
		if (err)
			goto leave;
	}
leave:
	free(l.fprs);
	return err;
}

static void
tp_job_run(void *arg, size_t i)
{
	import *im = arg;
	tp_job *j = &im->jobs[i];
	size_t k;

	bool tried = false;

	for (k = 0; k < j->ncand; k++) {
		j->rec->state = WEFT_SIG_UNCHECKED;
		if (weft_cert_check_third_party(j->target, j->rec, j->uid,
						im->cands[j->cand + k]))
			continue; /* this candidate cannot verify anything */
		tried = true;
		if (j->rec->state == WEFT_SIG_GOOD)
			return;
	}
	/* BAD only when some candidate could check it and none agreed. */
	j->rec->state = tried ? WEFT_SIG_BAD : WEFT_SIG_UNCHECKED;
}

gpg_error_t
weft_import__third_party(import *im)
{
	size_t i, n = im->nitems;
	item *it;
	gpg_error_t err;

	for (i = 0; i < n; i++)
		if (item_live(&im->items[i]) && (err = index_item(im, i)))
			return err;
	/* Keyring certificates waiting for a key that arrives now become
	 * "touched" items, appended after the imported ones. */
	for (i = 0; i < n; i++) {
		uint8_t keyid[8];

		it = &im->items[i];
		if (it->rejected || it->folded || !it->merged || it->had_old)
			continue;
		memcpy(keyid, it->merged->primary.keyid, 8);
		if ((err = weft_import__queue_pending(im, keyid)))
			return err;
	}
	/* Every unchecked certification on imported and touched keys whose
	 * issuer is now at hand. */
	if ((err = index_keyids(im)))
		return err;
	for (i = 0; i < im->nitems; i++) {
		it = &im->items[i];
		if (it->rejected || it->folded || !it->merged)
			continue;
		if ((err = queue_cert_tps(im, i)))
			return err;
	}
	/* Build every issuer's public key before the threads share it. */
	for (i = 0; i < im->ncands; i++) {
		weft_pubkey *pk;

		weft_cert_pubkey(im->cands[i], &pk);
	}
	im->phase = PHASE_VERIFYING_CERTS;
	weft_parallel(im->njobs, weft_ctx__threads(im->ctx), tp_job_run, im,
		      weft_import__tick, im);
	for (i = 0; i < im->njobs; i++) {
		tp_job *j = &im->jobs[i];

		if (j->rec->state == WEFT_SIG_UNCHECKED)
			continue;
		im->stats->sigs_verified++;
		/* A certification that was already stored, waiting. */
		if (im->items[j->item].had_old && !j->rec->is_new) {
			im->items[j->item].states_changed = true;
			bool new_key = false;

			if (weft_import__remembered(im, j->target, &new_key) &&
			    j->uid && im->stats->certs_pending) {
				/* Stored by an earlier chunk of this import,
				 * which counted it as waiting: it waits no
				 * more. */
				im->stats->certs_pending--;
			}
			/* What waited before this import began and is
			 * verified now (a key new in this import brought
			 * all its certifications with it). */
			if (!new_key && j->rec->state == WEFT_SIG_GOOD)
				im->stats->certs_resolved++;
		}
	}
	return ahead_record(im);
}

