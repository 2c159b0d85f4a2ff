/* question.c - a trust question's plumbing (question.h): the keyring as a
 * source of summaries, the roots in effect, the network (or GnuPG's
 * model) set up over them, and the results as weft/trust.h gives them.
 * The questions themselves are in api.c.
 *
 * Roots in effect (unless a question brings its own):
 *   1. explicit roots (weft root add), with their amounts;
 *   2. own keys (secret key material in the keyring), at 120;
 *   3. keys with ultimate ownertrust, at 120;
 *   4. keys with full (120) or marginal (40) ownertrust, when one of
 *      their self-signed, unrevoked user IDs is fully authenticated from
 *      roots 1-3.  This is how sq-wot's --gpg-ownertrust brings GnuPG's
 *      ownertrust into the model: "I trust this person to check keys"
 *      counts once their key is authenticated, and three marginally
 *      trusted introducers give 120, as in GnuPG.
 * A key named twice keeps the larger amount.
 */
#include <stdio.h>
#include <stdlib.h>

#include "question.h"
#include "../util/mem.h"

/* ---- the keyring as a source ---------------------------------------------- */

const weft_tnode_overlay *
weft_question__overlay_find(const store_source *ss, const uint8_t *fpr,
			    size_t len)
{
	size_t i;

	for (i = 0; i < ss->nov; i++)
		if (ss->ov[i].fpr_len == len && !memcmp(ss->ov[i].fpr, fpr, len))
			return &ss->ov[i];
	return NULL;
}

gpg_error_t
weft_question__source_get(void *opaque, const uint8_t *fpr, size_t len,
			  const weft_summary **out)
{
	store_source *ss = opaque;
	const weft_tnode_overlay *ov;
	const uint8_t *rec;
	size_t rlen;
	weft_summary *s;
	gpg_error_t err;

	*out = NULL;
	if ((ov = weft_question__overlay_find(ss, fpr, len))) {
		rec = ov->rec;
		rlen = ov->len;
	} else if ((err = weft_store_summary_get(ss->txn, fpr, len, &rec,
						 &rlen))) {
		return err;
	}
	if (!ss->arena && !(ss->arena = weft_arena_new()))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (!(s = weft_arena_zalloc(ss->arena, sizeof *s)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	/* The record lives in the map until the transaction ends. */
	if ((err = weft_summary_decode_in(s, rec, rlen, ss->arena)))
		return err;
	*out = s;
	return 0;
}

static void
source_idle(void *opaque)
{
	store_source *ss = opaque;

	weft_txn_breathe(ss->txn);
}

static void
source_keep(void *opaque, const uint8_t *fpr, size_t len)
{
	store_source *ss = opaque;
	const uint8_t *rec;
	size_t rlen;

	if (!weft_question__overlay_find(ss, fpr, len) &&
	    !weft_store_summary_get(ss->txn, fpr, len, &rec, &rlen))
		weft_txn_keep_mapped(ss->txn, rec, rlen);
}

void
weft_question__source_init(store_source *ss, weft_txn *txn)
{
	memset(ss, 0, sizeof *ss);
	ss->src.opaque = ss;
	ss->src.get = weft_question__source_get;
	ss->src.idle = source_idle;
	ss->src.keep = source_keep;
	ss->txn = txn;
}

void
weft_question__source_free(store_source *ss)
{
	weft_arena_free(ss->arena);
	ss->arena = NULL;
}

/* ---- roots -------------------------------------------------------------------- */

static gpg_error_t
rootset_add(rootset *r, const uint8_t *fpr, size_t len, int amount,
	    unsigned source)
{
	size_t i;
	gpg_error_t err;

	if (!len || len > WEFT_FPR_MAX)
		return 0;
	for (i = 0; i < r->n; i++)
		if (r->v[i].fpr_len == len && !memcmp(r->v[i].fpr, fpr, len)) {
			if (amount > r->v[i].amount)
				r->v[i].amount = amount;
			r->sources[i] |= source;
			return 0;
		}
	if ((err = weft_grow((void **)&r->v, &r->cap, r->n + 1,
			     sizeof *r->v)) ||
	    (err = weft_grow((void **)&r->sources, &r->scap, r->n + 1,
			     sizeof *r->sources)))
		return err;
	memset(&r->v[r->n], 0, sizeof r->v[r->n]);
	memcpy(r->v[r->n].fpr, fpr, len);
	r->v[r->n].fpr_len = (uint8_t)len;
	r->v[r->n].amount = amount;
	r->sources[r->n] = source;
	r->n++;
	return 0;
}

void
weft_question__rootset_free(rootset *r)
{
	free(r->v);
	free(r->sources);
	memset(r, 0, sizeof *r);
}

typedef struct collect_ctx {
	rootset *r;
	int amount;               /* < 0: the value holds it */
	unsigned source;
	weft_txn *txn;
	/* ownertrust: full/marginal candidates for step 4 */
	rootset *pending;
} collect_ctx;

static int
parse_amount(const uint8_t *v, size_t n)
{
	int a = 0;
	size_t i;

	for (i = 0; i < n && i < 4; i++) {
		if (v[i] < '0' || v[i] > '9')
			return WEFT_FULL;
		a = a * 10 + (v[i] - '0');
	}
	return a < 1 ? 1 : a > WEFT_FULL ? WEFT_FULL : a;
}

static gpg_error_t
collect_root(void *opaque, const uint8_t *key, size_t klen,
	     const uint8_t *val, size_t vlen)
{
	collect_ctx *cc = opaque;

	return rootset_add(cc->r, key, klen,
			   cc->amount < 0 ? parse_amount(val, vlen) : cc->amount,
			   cc->source);
}

static gpg_error_t
collect_ownertrust(void *opaque, const uint8_t *key, size_t klen,
		   const uint8_t *val, size_t vlen)
{
	collect_ctx *cc = opaque;
	int v;

	if (vlen != 1)
		return 0;
	v = val[0];
	if (v & WEFT_OWNERTRUST_DISABLED)
		return 0;
	switch (v & 0x7f) {
	case WEFT_OWNERTRUST_ULTIMATE:
		return rootset_add(cc->r, key, klen, WEFT_FULL,
				   WEFT_ROOT_OWNERTRUST);
	case WEFT_OWNERTRUST_FULL:
		return rootset_add(cc->pending, key, klen, WEFT_FULL,
				   WEFT_ROOT_OWNERTRUST);
	case WEFT_OWNERTRUST_MARGINAL:
		return rootset_add(cc->pending, key, klen, 40,
				   WEFT_ROOT_OWNERTRUST);
	default:
		return 0;
	}
}

/* Step 4: is one of the key's self-signed, unrevoked user IDs fully
 * authenticated from the roots so far? */
static gpg_error_t
authenticated_key(store_source *ss, uint32_t t, const rootset *base,
		  const weft_troot *cand, bool *yes)
{
	weft_network *n = NULL;
	const weft_summary *s;
	weft_tpaths paths;
	weft_tstate st;
	uint32_t node;
	size_t u;
	gpg_error_t err;

	*yes = false;
	if ((err = weft_network_new(&n, &ss->src, t, base->v, base->n, 0)))
		return err;
	err = weft_network_node(n, cand->fpr, cand->fpr_len, &node);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
		err = 0;
		goto leave;
	}
	if (err)
		goto leave;
	s = weft_network_summary(n, node);
	for (u = 0; u < s->nuids && !*yes; u++) {
		if (s->uids[u].tag != WEFT_PKT_USER_ID)
			continue;
		weft_summary_uid_state(s, u, t, t, &st);
		if (!st.valid || st.revoked)
			continue;
		if ((err = weft_network_authenticate(n, cand->fpr,
						     cand->fpr_len,
						     s->uids[u].data,
						     s->uids[u].len, WEFT_FULL,
						     &paths)))
			goto leave;
		*yes = paths.amount >= WEFT_FULL;
		weft_tpaths_free(&paths);
	}
leave:
	weft_network_free(n);
	return err;
}

/* The roots in effect for SS at T (see the file comment), or the ones the
 * question brings. */
gpg_error_t
weft_question__roots_in_effect(weft_ctx *ctx, store_source *ss, uint32_t t,
			       const weft_trust_opts *opts, rootset *out)
{
	collect_ctx cc;
	rootset pending = { NULL, NULL, 0, 0, 0 };
	uint8_t fpr[WEFT_FPR_MAX];
	size_t i, n;
	bool yes;
	gpg_error_t err = 0;

	memset(out, 0, sizeof *out);
	if (opts && opts->roots) {
		for (i = 0; i < opts->nroots; i++) {
			const char *spec = opts->roots[i], *colon;
			char hex[2 * WEFT_FPR_MAX + 8];
			int amount = WEFT_FULL;

			colon = strchr(spec, ':');
			snprintf(hex, sizeof hex, "%.*s",
				 (int)(colon ? (size_t)(colon - spec)
					     : strlen(spec)), spec);
			if (colon)
				amount = atoi(colon + 1);
			n = weft_unhex(hex, fpr, sizeof fpr);
			if ((n != 20 && n != 32) || amount < 1 ||
			    amount > WEFT_FULL)
				return weft_ctx__error(ctx,
					WEFT_ERR(GPG_ERR_INV_VALUE),
					"--root %s: give a full fingerprint and optionally :AMOUNT (1-120)",
					spec);
			if ((err = rootset_add(out, fpr, n, amount,
					       WEFT_ROOT_EXPLICIT)))
				return err;
		}
		return 0;
	}
	memset(&cc, 0, sizeof cc);
	cc.r = out;
	cc.txn = ss->txn;
	cc.pending = &pending;
	cc.amount = -1;
	cc.source = WEFT_ROOT_EXPLICIT;
	if ((err = weft_store_each(ss->txn, WEFT_DB_ROOTS, NULL, 0,
				   collect_root, &cc)))
		goto leave;
	cc.amount = WEFT_FULL;
	cc.source = WEFT_ROOT_OWN_KEY;
	if ((err = weft_store_each(ss->txn, WEFT_DB_SECRETS, NULL, 0,
				   collect_root, &cc)))
		goto leave;
	if ((err = weft_store_each(ss->txn, WEFT_DB_OWNERTRUST, NULL, 0,
				   collect_ownertrust, &cc)))
		goto leave;
	for (i = 0; i < pending.n; i++) {
		if ((err = authenticated_key(ss, t, out, &pending.v[i], &yes)))
			goto leave;
		if (yes && (err = rootset_add(out, pending.v[i].fpr,
					      pending.v[i].fpr_len,
					      pending.v[i].amount,
					      WEFT_ROOT_OWNERTRUST)))
			goto leave;
	}
leave:
	weft_question__rootset_free(&pending);
	if (err)
		weft_question__rootset_free(out);
	return err;
}

/* ---- a question's set-up ---------------------------------------------------- */

static gpg_error_t
collect_all(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	    size_t vlen)
{
	rootset *all = opaque;

	(void)val;
	(void)vlen;
	return rootset_add(all, key, klen, 0, 0);
}

typedef struct owners {
	weft_gnupg_owner *v;
	size_t n, cap;
} owners;

static gpg_error_t
collect_owner(void *opaque, const uint8_t *key, size_t klen,
	      const uint8_t *val, size_t vlen)
{
	owners *o = opaque;
	gpg_error_t err;

	if (vlen != 1 || klen > WEFT_FPR_MAX)
		return 0;
	if ((err = weft_grow((void **)&o->v, &o->cap, o->n + 1,
			     sizeof *o->v)))
		return err;
	memset(&o->v[o->n], 0, sizeof o->v[o->n]);
	memcpy(o->v[o->n].fpr, key, klen);
	o->v[o->n].fpr_len = (uint8_t)klen;
	o->v[o->n].value = val[0];
	o->n++;
	return 0;
}

/* --model gnupg: ultimately trusted keys are the roots at 120 (own keys,
 * ultimate ownertrust, explicit roots: gpg's --trusted-key); GnuPG's
 * algorithm then runs over every key with the ownertrust values. */
static gpg_error_t
gnupg_open(question *q, const weft_trust_opts *opts)
{
	rootset all = { NULL, NULL, 0, 0, 0 }, ult = { NULL, NULL, 0, 0, 0 };
	owners o = { NULL, 0, 0 };
	size_t i;
	gpg_error_t err;

	if ((err = weft_store_each(q->txn, WEFT_DB_TNODES, NULL, 0,
				   collect_all, &all)) ||
	    (err = weft_store_each(q->txn, WEFT_DB_OWNERTRUST, NULL, 0,
				   collect_owner, &o)))
		goto leave;
	for (i = 0; i < q->roots.n; i++)
		if (q->roots.v[i].amount >= WEFT_FULL &&
		    (q->roots.sources[i] & (WEFT_ROOT_EXPLICIT |
					    WEFT_ROOT_OWN_KEY)) &&
		    (err = rootset_add(&ult, q->roots.v[i].fpr,
				       q->roots.v[i].fpr_len, WEFT_FULL, 0)))
			goto leave;
	for (i = 0; i < o.n; i++)
		if ((o.v[i].value & 0x7f) == WEFT_OWNERTRUST_ULTIMATE &&
		    !(o.v[i].value & WEFT_OWNERTRUST_DISABLED) &&
		    (err = rootset_add(&ult, o.v[i].fpr, o.v[i].fpr_len,
				       WEFT_FULL, 0)))
			goto leave;
	err = weft_gnupg_run(&q->gnupg, &q->ss.src, q->t, all.v, all.n,
			     ult.v, ult.n, o.v, o.n, &opts->gnupg);
	if (gpg_err_code(err) == GPG_ERR_NOT_IMPLEMENTED)
		err = weft_ctx__error(q->ctx, err,
			"the gnupg trust model is not available yet; use the default model");
leave:
	weft_question__rootset_free(&all);
	weft_question__rootset_free(&ult);
	free(o.v);
	return err;
}

gpg_error_t
weft_question__open(question *q, weft_ctx *ctx, const weft_trust_opts *opts)
{
	return weft_question__open_with(q, ctx, opts, NULL, 0);
}

gpg_error_t
weft_question__open_with(question *q, weft_ctx *ctx,
			 const weft_trust_opts *opts,
			 const weft_tnode_overlay *ov, size_t nov)
{
	gpg_error_t err;

	memset(q, 0, sizeof *q);
	q->ctx = ctx;
	ctx->error[0] = 0;
	q->t = weft_ctx__now(ctx);
	q->request = opts && opts->amount > 0 ? opts->amount : WEFT_FULL;
	q->flags = opts ? opts->flags : 0;
	if ((err = weft_ctx__txn(ctx, false, &q->txn)))
		return err;
	weft_question__source_init(&q->ss, q->txn);
	q->ss.ov = ov;
	q->ss.nov = nov;
	if ((err = weft_question__roots_in_effect(ctx, &q->ss, q->t, opts,
						  &q->roots)))
		return err;
	if ((err = weft_network_new(&q->net, &q->ss.src, q->t, q->roots.v,
				    q->roots.n,
				    (q->flags & WEFT_TRUST_GOSSIP)
					    ? WEFT_NET_GOSSIP : 0)))
		return err;
	if (opts && opts->model == WEFT_MODEL_GNUPG &&
	    (err = gnupg_open(q, opts)))
		return err;
	return 0;
}

void
weft_question__close(question *q)
{
	weft_gnupg_free(q->gnupg);
	weft_network_free(q->net);
	weft_question__rootset_free(&q->roots);
	weft_question__source_free(&q->ss);
	weft_txn_abort(q->txn);
}

/* ---- results --------------------------------------------------------------------- */

static char *
node_name(question *q, uint32_t node)
{
	const weft_summary *s = weft_network_summary(q->net, node);
	int u = weft_summary_primary_uid(s, q->t, q->t);

	return u < 0 ? NULL
		     : weft_memdupz(s->uids[u].data, s->uids[u].len);
}

static void
node_hex(question *q, uint32_t node, char out[65])
{
	size_t len;
	const uint8_t *fpr = weft_network_fpr(q->net, node, &len);

	weft_hex(fpr, len, out);
}

gpg_error_t
weft_question__convert_path(question *q, const weft_tpath *p,
			    weft_path_info *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	out->amount = p->amount;
	out->n = p->nedges + 1;
	out->fprs = calloc(out->n, sizeof *out->fprs);
	out->names = calloc(out->n, sizeof *out->names);
	out->hops = calloc(out->n, sizeof *out->hops);
	if (!out->fprs || !out->names || !out->hops)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	node_hex(q, p->root, out->fprs[0]);
	out->names[0] = node_name(q, p->root);
	for (i = 0; i < p->nedges; i++) {
		const weft_tedge *e = &p->edges[i];
		const weft_summary *ts = weft_network_summary(q->net, e->target);
		weft_hop *h = &out->hops[i];

		node_hex(q, e->target, out->fprs[i + 1]);
		out->names[i + 1] = node_name(q, e->target);
		node_hex(q, e->issuer, h->issuer);
		node_hex(q, e->target, h->target);
		if (e->uid >= 0) {
			h->uid = weft_memdupz(ts->uids[e->uid].data,
					      ts->uids[e->uid].len);
			h->uid_len = ts->uids[e->uid].len;
		}
		h->self = e->self;
		h->created = e->created;
		h->expires = e->expires;
		h->level = e->level;
		h->depth = e->depth;
		h->amount = e->amount;
		h->usable = e->amount;
		if (e->sig && e->sig->nregex) {
			const weft_tbytes *r = &ts->regexes[e->sig->regex];

			h->regex = weft_memdupz(r->data, r->len);
			h->nregex = e->sig->nregex;
		}
	}
	return 0;
}

weft_validity
weft_question__validity_of(question *q, uint32_t node, int uid, int amount,
			   bool own_root)
{
	const weft_summary *s = weft_network_summary(q->net, node);
	weft_tkey_state ks;
	weft_tstate st;

	weft_summary_primary_state(s, q->t, q->t, &ks);
	if (ks.b.revoked && (ks.b.hard_revoked || ks.b.revoked_at <= q->t))
		return WEFT_VALIDITY_REVOKED;
	if (ks.expired)
		return WEFT_VALIDITY_EXPIRED;
	if (uid >= 0) {
		weft_summary_uid_state(s, (size_t)uid, q->t, q->t, &st);
		if (st.revoked)
			return WEFT_VALIDITY_REVOKED;
	}
	if (own_root && amount >= WEFT_FULL)
		return WEFT_VALIDITY_ULTIMATE;
	if (amount >= WEFT_FULL)
		return WEFT_VALIDITY_FULL;
	if (amount > 0)
		return WEFT_VALIDITY_MARGINAL;
	return WEFT_VALIDITY_UNKNOWN;
}

gpg_error_t
weft_question__list_push(weft_binding_list *l, size_t *cap,
			 weft_binding_info **out)
{
	gpg_error_t err = weft_grow((void **)&l->v, cap, l->n + 1,
				    sizeof *l->v);

	*out = NULL;
	if (err)
		return err;
	*out = &l->v[l->n++];
	memset(*out, 0, sizeof **out);
	return 0;
}

/* The amount that stands for a validity of GnuPG's model. */
int
weft_question__gnupg_amount(weft_validity v)
{
	return v == WEFT_VALIDITY_FULL || v == WEFT_VALIDITY_ULTIMATE ? WEFT_FULL
	     : v == WEFT_VALIDITY_MARGINAL ? 60 : 0;
}

/* Authenticate (NODE, user ID U or the octets UID) and append it. */
gpg_error_t
weft_question__add_binding(question *q, weft_binding_list *l, size_t *cap,
			   uint32_t node, int u, const uint8_t *uid,
			   size_t uid_len)
{
	weft_binding_info *b;
	weft_tpaths paths;
	size_t len, i;
	const weft_summary *s = weft_network_summary(q->net, node);
	uint8_t fpr[WEFT_FPR_MAX];
	bool own_root = false;
	gpg_error_t err;

	/* A copy: authenticating adds nodes, which moves them. */
	{
		const uint8_t *f = weft_network_fpr(q->net, node, &len);

		memcpy(fpr, f, len);
	}
	if (u >= 0) {
		uid = s->uids[u].data;
		uid_len = s->uids[u].len;
	}
	/* GnuPG's model counts signatures; it has no paths to show. */
	memset(&paths, 0, sizeof paths);
	if (!q->gnupg &&
	    (err = weft_network_authenticate(q->net, fpr, len, uid, uid_len,
					     q->request, &paths)))
		return err;
	if ((err = weft_question__list_push(l, cap, &b)))
		goto leave;
	weft_hex(fpr, len, b->fpr);
	b->uid = weft_memdupz(uid, uid_len);
	b->uid_len = uid_len;
	b->amount = paths.amount;
	b->requested = q->request;
	b->authenticated = !(q->flags & WEFT_TRUST_GOSSIP) &&
			   paths.amount >= q->request && paths.amount > 0;
	if (!b->uid) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	b->paths = calloc(q->amount_only ? 1 : paths.n + 1, sizeof *b->paths);
	if (!b->paths) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	for (i = 0; i < paths.n; i++) {
		if (!paths.v[i].nedges && paths.v[i].root == node)
			own_root = true;
		if (q->amount_only)
			continue;
		if ((err = weft_question__convert_path(q, &paths.v[i],
						       &b->paths[i])))
			goto leave;
		b->npaths++;
	}
	if (u < 0)
		for (i = 0; i < s->nuids; i++)
			if (s->uids[i].len == uid_len &&
			    !memcmp(s->uids[i].data, uid, uid_len))
				u = (int)i;
	b->validity = (q->flags & WEFT_TRUST_GOSSIP)
		? WEFT_VALIDITY_UNKNOWN
		: weft_question__validity_of(q, node, u, paths.amount,
					     own_root);
	if (q->gnupg) {
		/* GnuPG's answer: validity by counting, no amounts to add. */
		b->validity = weft_gnupg_uid_validity(q->gnupg, fpr, len, uid,
						      uid_len);
		b->amount = weft_question__gnupg_amount(b->validity);
		b->authenticated = b->amount >= q->request;
	}
leave:
	weft_tpaths_free(&paths);
	return err;
}

static void
free_path(weft_path_info *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->names)
			free(p->names[i]);
		if (p->hops) {
			free(p->hops[i].uid);
			free(p->hops[i].regex);
			free(p->hops[i].x509);
		}
	}
	free(p->fprs);
	free(p->names);
	free(p->hops);
}

void
weft_question__free_binding(weft_binding_info *b)
{
	size_t j;

	for (j = 0; j < b->npaths; j++)
		free_path(&b->paths[j]);
	free(b->paths);
	free(b->uid);
	free(b->x509);
}

void
weft_binding_list_free(weft_binding_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		weft_question__free_binding(&l->v[i]);
	free(l->v);
	free(l);
}

/* ---- a question's nodes and bindings -------------------------------------- */

/* The node of a certificate: under GnuPG's model any the keyring holds
 * (gpg has its own idea of which keys and user IDs count), else one
 * that is valid at the reference time. */
gpg_error_t
weft_question__node(question *q, const uint8_t *fpr, size_t len, uint32_t *node)
{
	return q->gnupg ? weft_network_node_any(q->net, fpr, len, node)
			: weft_network_node(q->net, fpr, len, node);
}

/* The user IDs of NODE that form bindings: every user ID under GnuPG's
 * model (gpg gives each a validity), else sq-wot's certified user IDs. */
gpg_error_t
weft_question__bindings(question *q, uint32_t node, int **out, size_t *n)
{
	const weft_summary *s;
	size_t k;

	if (!q->gnupg)
		return weft_network_bindings(q->net, node, out, n);
	s = weft_network_summary(q->net, node);
	*n = 0;
	if (!(*out = calloc(s->nuids + 1, sizeof **out)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (k = 0; k < s->nuids; k++)
		if (s->uids[k].tag == WEFT_PKT_USER_ID)
			(*out)[(*n)++] = (int)k;
	return 0;
}

static gpg_error_t
add_key_to_set(void *opaque, const uint8_t *key, size_t klen,
	       const uint8_t *val, size_t vlen)
{
	(void)val;
	(void)vlen;
	return weft_fprset_add(opaque, key, klen);
}

/* The nodes of the keyring (SET from db tnodes) for a question about
 * all of them: load every node, then find which of them a root reaches;
 * a search per binding then walks only the part of the web that can
 * carry a path (without it, each search walked all the trust signatures
 * behind its target, roots or not, and check grew faster than the web).
 * Not for GnuPG's model or gossip, which have no use for it. */
gpg_error_t
weft_question__preload(question *q, const weft_fprset *set)
{
	uint32_t node;
	size_t i;
	gpg_error_t err = 0;

	if (q->gnupg || (q->flags & WEFT_TRUST_GOSSIP))
		return 0;
	for (i = 0; i < set->n && !err; i++) {
		weft_ctx__progress(q->ctx, "reading the web", i, set->n);
		err = weft_question__node(q, set->v[i] + 1, set->v[i][0],
					  &node);
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
			err = 0;
		weft_txn_breathe(q->txn);
	}
	weft_ctx__progress(q->ctx, "reading the web", set->n, set->n);
	return err ? err : weft_network_reach(q->net);
}

gpg_error_t
weft_question__nodes(question *q, weft_fprset *set)
{
	return weft_store_each(q->txn, WEFT_DB_TNODES, NULL, 0,
			       add_key_to_set, set);
}
