/* api.c - the public trust API: the keyring as a source of summaries,
 * the roots in effect, and the questions of weft/trust.h.
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

#include "trust.h"
#include "gnupg.h"
#include "../ctx.h"
#include "../secret/secret.h"
#include "../store/query.h"
#include "../util/mem.h"
#include "../util/text.h"
#include <weft/trust.h>

/* ---- the keyring as a source ---------------------------------------------- */

typedef struct store_source {
	weft_tsource src;
	weft_txn *txn;
	weft_summary **held;
	size_t nheld, cap;
	const weft_tnode_overlay *ov;  /* records that stand in for the
					  keyring's (one question only) */
	size_t nov;
} store_source;

static const weft_tnode_overlay *
overlay_find(const store_source *ss, const uint8_t *fpr, size_t len)
{
	size_t i;

	for (i = 0; i < ss->nov; i++)
		if (ss->ov[i].fpr_len == len && !memcmp(ss->ov[i].fpr, fpr, len))
			return &ss->ov[i];
	return NULL;
}

static gpg_error_t
source_get(void *opaque, const uint8_t *fpr, size_t len,
	   const weft_summary **out)
{
	store_source *ss = opaque;
	const weft_tnode_overlay *ov;
	const uint8_t *rec;
	size_t rlen;
	weft_summary *s;
	gpg_error_t err;

	*out = NULL;
	if ((ov = overlay_find(ss, fpr, len))) {
		rec = ov->rec;
		rlen = ov->len;
	} else if ((err = weft_store_summary_get(ss->txn, fpr, len, &rec,
						 &rlen))) {
		return err;
	}
	if ((err = weft_grow((void **)&ss->held, &ss->cap, ss->nheld + 1,
			     sizeof *ss->held)))
		return err;
	s = calloc(1, sizeof *s);
	if (!s)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	/* The record lives in the map until the transaction ends. */
	if ((err = weft_summary_decode(s, rec, rlen))) {
		free(s);
		return err;
	}
	ss->held[ss->nheld++] = s;
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

	if (!overlay_find(ss, fpr, len) &&
	    !weft_store_summary_get(ss->txn, fpr, len, &rec, &rlen))
		weft_txn_keep_mapped(ss->txn, rec, rlen);
}

static void
source_init(store_source *ss, weft_txn *txn)
{
	memset(ss, 0, sizeof *ss);
	ss->src.opaque = ss;
	ss->src.get = source_get;
	ss->src.idle = source_idle;
	ss->src.keep = source_keep;
	ss->txn = txn;
}

static void
source_free(store_source *ss)
{
	size_t i;

	for (i = 0; i < ss->nheld; i++) {
		weft_summary_free(ss->held[i]);
		free(ss->held[i]);
	}
	free(ss->held);
}

/* ---- roots -------------------------------------------------------------------- */

typedef struct rootset {
	weft_troot *v;
	unsigned *sources;
	size_t n, cap, scap;
} rootset;

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

static void
rootset_free(rootset *r)
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
static gpg_error_t
roots_in_effect(weft_ctx *ctx, store_source *ss, uint32_t t,
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
	rootset_free(&pending);
	if (err)
		rootset_free(out);
	return err;
}

/* ---- a question's set-up ---------------------------------------------------- */

typedef struct question {
	weft_ctx *ctx;
	weft_txn *txn;
	store_source ss;
	rootset roots;
	weft_network *net;
	weft_gnupg *gnupg;       /* --model gnupg: validity from here */
	uint32_t t;
	int request;
	unsigned flags;
	bool amount_only;        /* bindings without their paths (a listing
				    or check shows none) */
} question;

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
	rootset_free(&all);
	rootset_free(&ult);
	free(o.v);
	return err;
}

static gpg_error_t
q_open_with(question *q, weft_ctx *ctx, const weft_trust_opts *opts,
	    const weft_tnode_overlay *ov, size_t nov);

static gpg_error_t
q_open(question *q, weft_ctx *ctx, const weft_trust_opts *opts)
{
	return q_open_with(q, ctx, opts, NULL, 0);
}

static gpg_error_t
q_open_with(question *q, weft_ctx *ctx, const weft_trust_opts *opts,
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
	source_init(&q->ss, q->txn);
	q->ss.ov = ov;
	q->ss.nov = nov;
	if ((err = roots_in_effect(ctx, &q->ss, q->t, opts, &q->roots)))
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

static void
q_close(question *q)
{
	weft_gnupg_free(q->gnupg);
	weft_network_free(q->net);
	rootset_free(&q->roots);
	source_free(&q->ss);
	weft_txn_abort(q->txn);
}

/* ---- results --------------------------------------------------------------------- */

static char *
dupn(const void *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		if (n)
			memcpy(s, p, n);
		s[n] = 0;
	}
	return s;
}

static char *
node_name(question *q, uint32_t node)
{
	const weft_summary *s = weft_network_summary(q->net, node);
	int u = weft_summary_primary_uid(s, q->t, q->t);

	return u < 0 ? NULL : dupn(s->uids[u].data, s->uids[u].len);
}

static void
node_hex(question *q, uint32_t node, char out[65])
{
	size_t len;
	const uint8_t *fpr = weft_network_fpr(q->net, node, &len);

	weft_hex(fpr, len, out);
}

static gpg_error_t
convert_path(question *q, const weft_tpath *p, weft_path_info *out)
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
			h->uid = dupn(ts->uids[e->uid].data,
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

			h->regex = dupn(r->data, r->len);
			h->nregex = e->sig->nregex;
		}
	}
	return 0;
}

static weft_validity
validity_of(question *q, uint32_t node, int uid, int amount, bool own_root)
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

static gpg_error_t
list_push(weft_binding_list *l, size_t *cap, weft_binding_info **out)
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

/* Authenticate (NODE, user ID U or the octets UID) and append it. */
/* The amount that stands for a validity of GnuPG's model. */
static int
gnupg_amount(weft_validity v)
{
	return v == WEFT_VALIDITY_FULL || v == WEFT_VALIDITY_ULTIMATE ? WEFT_FULL
	     : v == WEFT_VALIDITY_MARGINAL ? 60 : 0;
}

static gpg_error_t
add_binding(question *q, weft_binding_list *l, size_t *cap, uint32_t node,
	    int u, const uint8_t *uid, size_t uid_len)
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
	if ((err = list_push(l, cap, &b)))
		goto leave;
	weft_hex(fpr, len, b->fpr);
	b->uid = dupn(uid, uid_len);
	b->uid_len = uid_len;
	b->amount = paths.amount;
	b->requested = q->request;
	b->authenticated = !(q->flags & WEFT_TRUST_GOSSIP) &&
			   paths.amount >= q->request && paths.amount > 0;
	if (!b->uid) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	b->paths = calloc(paths.n + 1, sizeof *b->paths);
	if (!b->paths) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	for (i = 0; i < paths.n; i++) {
		if (!paths.v[i].nedges && paths.v[i].root == node)
			own_root = true;
		if (q->amount_only)
			continue;
		if ((err = convert_path(q, &paths.v[i], &b->paths[i])))
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
		: validity_of(q, node, u, paths.amount, own_root);
	if (q->gnupg) {
		/* GnuPG's answer: validity by counting, no amounts to add. */
		b->validity = weft_gnupg_uid_validity(q->gnupg, fpr, len, uid,
						      uid_len);
		b->amount = gnupg_amount(b->validity);
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

static void
free_binding(weft_binding_info *b)
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
		free_binding(&l->v[i]);
	free(l->v);
	free(l);
}

/* ---- resolving keys ----------------------------------------------------------- */

/* The node of a certificate: under GnuPG's model any the keyring holds
 * (gpg has its own idea of which keys and user IDs count), else one
 * that is valid at the reference time. */
static gpg_error_t
q_node(question *q, const uint8_t *fpr, size_t len, uint32_t *node)
{
	return q->gnupg ? weft_network_node_any(q->net, fpr, len, node)
			: weft_network_node(q->net, fpr, len, node);
}

/* The user IDs of NODE that form bindings: every user ID under GnuPG's
 * model (gpg gives each a validity), else sq-wot's certified user IDs. */
static gpg_error_t
q_bindings(question *q, uint32_t node, int **out, size_t *n)
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
add_to_set(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	   size_t vlen);

/* Keys of the X.509 bridge (no certificate in db certs, a summary in
 * tnodes): by fingerprint, or by key ID through its index. */
static gpg_error_t
derived_keys(question *q, const uint8_t *bin, size_t n, weft_fprset *set)
{
	const uint8_t *rec;
	size_t len;

	if (n == 8)
		return weft_store_x509idx_each(q->txn, 'k', bin, 8, add_to_set,
					       set);
	if ((n == 20 || n == 32) &&
	    (overlay_find(&q->ss, bin, n) ||
	     !weft_store_summary_get(q->txn, bin, n, &rec, &len)))
		return weft_fprset_add(set, bin, n);
	return 0;
}

static gpg_error_t
resolve_key(question *q, const char *key, uint32_t *node, bool *present)
{
	weft_fprset set = { NULL, 0, 0 };
	uint8_t bin[WEFT_FPR_MAX];
	size_t n;
	gpg_error_t err;

	*present = false;
	n = weft_unhex(key, bin, sizeof bin);
	if (n < 8)
		return weft_ctx__error(q->ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"\"%s\" is not a fingerprint or key ID", key);
	if (n != 8 && n != 20 && n != 32)
		return weft_ctx__error(q->ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				       "no key %s in the keyring", key);
	if ((err = weft_query_resolve(q->txn, key, WEFT_FIND_EXACT, &set)) ||
	    (!set.n && (err = derived_keys(q, bin, n, &set))))
		goto leave;
	weft_fprset_sort(&set);
	if (!set.n) {
		err = weft_ctx__error(q->ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				      "no key %s in the keyring", key);
		goto leave;
	}
	if (set.n > 1) {
		err = weft_ctx__error(q->ctx, WEFT_ERR(GPG_ERR_AMBIGUOUS_NAME),
			"key ID %s names %zu keys; give the fingerprint", key,
			set.n);
		goto leave;
	}
	err = q_node(q, set.v[0] + 1, set.v[0][0], node);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
		err = 0; /* in the keyring, but not valid at this time */
		goto leave;
	}
	*present = !err;
leave:
	weft_fprset_free(&set);
	return err;
}

/* Lower-case the address of a user ID for --email comparisons. */
static bool
same_email(const uint8_t *uid, size_t len, const char *email)
{
	char addr[512];

	return weft_uid_email(uid, len, addr, sizeof addr) &&
	       !strcmp(addr, email);
}

/* The address argument of --email, normalised ("" if it is none). */
static void
lower_email(const char *in, char *out, size_t outlen)
{
	if (!weft_email_normalize((const uint8_t *)in, strlen(in), out, outlen))
		out[0] = 0;
}

gpg_error_t
weft_authenticate(weft_ctx *ctx, const char *key, const char *uid,
		  const weft_trust_opts *opts, weft_binding_list **out)
{
	return weft_trust__authenticate_with(ctx, key, uid, opts, NULL, 0,
					     out);
}

gpg_error_t
weft_trust__authenticate_with(weft_ctx *ctx, const char *key, const char *uid,
			      const weft_trust_opts *opts,
			      const weft_tnode_overlay *ov, size_t nov,
			      weft_binding_list **out)
{
	question q;
	weft_binding_list *l;
	size_t cap = 0, i, nb;
	uint32_t node;
	bool present;
	int *b = NULL;
	char email[512];
	gpg_error_t err;

	*out = NULL;
	if (!(l = calloc(1, sizeof *l)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if ((err = q_open_with(&q, ctx, opts, ov, nov)))
		goto leave;
	err = resolve_key(&q, key, &node, &present);
	if ((!err || gpg_err_code(err) == GPG_ERR_NOT_FOUND) && !present &&
	    !(q.flags & WEFT_TRUST_EMAIL)) {
		/* Unknown, or not valid now: a binding nobody vouches for. */
		weft_binding_info *bi;
		uint8_t bin[WEFT_FPR_MAX];
		size_t n = weft_unhex(key, bin, sizeof bin);
		gpg_error_t e2 = list_push(l, &cap, &bi);

		if (e2) {
			err = e2;
			goto leave;
		}
		weft_hex(bin, n, bi->fpr);
		bi->uid = dupn(uid, strlen(uid));
		bi->uid_len = strlen(uid);
		bi->requested = q.request;
		if (!bi->uid)
			err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	if (err || !present)
		goto leave;
	if (!(q.flags & WEFT_TRUST_EMAIL)) {
		err = add_binding(&q, l, &cap, node, -1, (const uint8_t *)uid,
				  strlen(uid));
		goto leave;
	}
	lower_email(uid, email, sizeof email);
	if ((err = q_bindings(&q, node, &b, &nb)))
		goto leave;
	for (i = 0; i < nb && !err; i++) {
		const weft_tuid *tu = &weft_network_summary(q.net, node)->uids[b[i]];

		if (same_email(tu->data, tu->len, email))
			err = add_binding(&q, l, &cap, node, b[i], NULL, 0);
	}
leave:
	free(b);
	q_close(&q);
	if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND) {
		weft_binding_list_free(l);
		return err;
	}
	*out = l;
	return err;
}

gpg_error_t
weft_identify(weft_ctx *ctx, const char *key, const weft_trust_opts *opts,
	      weft_binding_list **out)
{
	question q;
	weft_binding_list *l;
	size_t cap = 0, i, nb;
	uint32_t node;
	bool present;
	int *b = NULL;
	gpg_error_t err;

	*out = NULL;
	if (!(l = calloc(1, sizeof *l)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if ((err = q_open(&q, ctx, opts)))
		goto leave;
	if ((err = resolve_key(&q, key, &node, &present)) || !present)
		goto leave;
	if ((err = q_bindings(&q, node, &b, &nb)))
		goto leave;
	for (i = 0; i < nb && !err; i++)
		err = add_binding(&q, l, &cap, node, b[i], NULL, 0);
leave:
	free(b);
	q_close(&q);
	if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND) {
		weft_binding_list_free(l);
		return err;
	}
	*out = l;
	return err;
}

static gpg_error_t
add_to_set(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	   size_t vlen)
{
	(void)key;
	(void)klen;
	return weft_fprset_add(opaque, val, vlen);
}

static gpg_error_t
add_key_to_set(void *opaque, const uint8_t *key, size_t klen,
	       const uint8_t *val, size_t vlen)
{
	(void)val;
	(void)vlen;
	return weft_fprset_add(opaque, key, klen);
}

struct x509_uid {
	const uint8_t *needle;
	size_t nlen;
	weft_fprset *set;
};

static gpg_error_t
x509_uid_match(void *opaque, const uint8_t *key, size_t klen,
	       const uint8_t *val, size_t vlen)
{
	struct x509_uid *x = opaque;

	if (klen < 1 || !memmem(key + 1, klen - 1, x->needle, x->nlen))
		return 0;
	return weft_fprset_add(x->set, val, vlen);
}

/* Derived keys whose user IDs contain UID (the x509idx 'u' entries,
 * lower-cased as the uids index is). */
static gpg_error_t
x509_uid_candidates(question *q, const char *uid, weft_fprset *set)
{
	uint8_t low[WEFT_UID_KEY_MAX];
	struct x509_uid x;

	x.nlen = weft_store_uid_key((const uint8_t *)uid, strlen(uid), low);
	if (!x.nlen)
		return 0;
	x.needle = low;
	x.set = set;
	return weft_store_each_prefix(q->txn, WEFT_DB_X509IDX, "u", 1,
				      x509_uid_match, &x);
}

/* Candidates for a user ID: keys whose indexed user IDs contain it. */
static gpg_error_t
candidates(question *q, const char *uid, bool email, weft_fprset *set)
{
	char low[512];

	gpg_error_t err;

	if (email) {
		lower_email(uid, low, sizeof low);
		if ((err = weft_store_by_email(q->txn, low, add_to_set, set)))
			return err;
		/* keys of the X.509 bridge have their own index */
		return weft_store_x509idx_each(q->txn, 'e', low, strlen(low),
					       add_to_set, set);
	}
	if ((err = weft_store_by_uid_substring(q->txn, uid, add_to_set, set)))
		return err;
	return x509_uid_candidates(q, uid, set);
}

gpg_error_t
weft_lookup(weft_ctx *ctx, const char *uid, const weft_trust_opts *opts,
	    weft_binding_list **out)
{
	question q;
	weft_binding_list *l;
	weft_fprset set = { NULL, 0, 0 };
	size_t cap = 0, i, k, nb, ulen = strlen(uid);
	uint32_t node;
	int *b;
	bool email;
	char low[512];
	gpg_error_t err;

	*out = NULL;
	if (!(l = calloc(1, sizeof *l)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if ((err = q_open(&q, ctx, opts)))
		goto leave;
	email = (q.flags & WEFT_TRUST_EMAIL) != 0;
	lower_email(uid, low, sizeof low);
	if ((err = candidates(&q, uid, email, &set)))
		goto leave;
	weft_fprset_sort(&set);
	for (i = 0; i < set.n && !err; i++) {
		const weft_summary *s;

		err = q_node(&q, set.v[i] + 1, set.v[i][0], &node);
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
			err = 0;
			continue;
		}
		if (err || (err = q_bindings(&q, node, &b, &nb)))
			break;
		s = weft_network_summary(q.net, node);
		for (k = 0; k < nb && !err; k++) {
			const weft_tuid *tu = &s->uids[b[k]];

			if (email ? same_email(tu->data, tu->len, low)
				  : (tu->len == ulen &&
				     !memcmp(tu->data, uid, ulen)))
				err = add_binding(&q, l, &cap, node, b[k],
						  NULL, 0);
		}
		free(b);
	}
leave:
	weft_fprset_free(&set);
	q_close(&q);
	if (err) {
		weft_binding_list_free(l);
		return err;
	}
	*out = l;
	return 0;
}

/* ---- every binding ------------------------------------------------------------ */

/* sq-wot's list PATTERN: a case-insensitive part of the user ID; with
 * --email, of its address as written or normalised. */
static bool
pattern_matches(question *q, const weft_tuid *tu, const char *pattern)
{
	const uint8_t *a;
	size_t n;
	char norm[512];

	if (!(q->flags & WEFT_TRUST_EMAIL))
		return weft_text_contains_ci(tu->data, tu->len, pattern);
	if (!weft_uid_address(tu->data, tu->len, &a, &n))
		return false;
	if (weft_uid_email(tu->data, tu->len, norm, sizeof norm) &&
	    weft_text_contains_ci((const uint8_t *)norm, strlen(norm), pattern))
		return true;
	/* the raw address only when it is one */
	return memchr(a, '@', n) && weft_text_contains_ci(a, n, pattern);
}

/* The nodes of the keyring (SET from db tnodes) for a question about
 * all of them: load every node, then find which of them a root reaches;
 * a search per binding then walks only the part of the web that can
 * carry a path (without it, each search walked all the trust signatures
 * behind its target, roots or not, and check grew faster than the web).
 * Not for GnuPG's model or gossip, which have no use for it. */
static gpg_error_t
q_preload(question *q, const weft_fprset *set)
{
	uint32_t node;
	size_t i;
	gpg_error_t err = 0;

	if (q->gnupg || (q->flags & WEFT_TRUST_GOSSIP))
		return 0;
	for (i = 0; i < set->n && !err; i++) {
		weft_ctx__progress(q->ctx, "reading the web", i, set->n);
		err = q_node(q, set->v[i] + 1, set->v[i][0], &node);
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
			err = 0;
		weft_txn_breathe(q->txn);
	}
	weft_ctx__progress(q->ctx, "reading the web", set->n, set->n);
	return err ? err : weft_network_reach(q->net);
}

static gpg_error_t
q_nodes(question *q, weft_fprset *set)
{
	return weft_store_each(q->txn, WEFT_DB_TNODES, NULL, 0,
			       add_key_to_set, set);
}

/* Every node of the keyring, and for each its bindings matching
 * PATTERN; CB gets each authenticated binding (the list holds it). */
static gpg_error_t
all_bindings(question *q, const char *pattern, weft_binding_list *l,
	     weft_check_stats *stats)
{
	weft_fprset set = { NULL, 0, 0 };
	size_t cap = 0, i, k, nb;
	uint32_t node;
	int *b;
	gpg_error_t err;

	if ((err = q_nodes(q, &set)) ||
	    (!pattern && (err = q_preload(q, &set))))
		goto leave;
	for (i = 0; i < set.n && !err; i++) {
		const weft_summary *s;

		weft_ctx__progress(q->ctx, "authenticating", i, set.n);
		/* The summaries point into the map; what a search read of it
		 * need not stay mapped. */
		weft_txn_breathe(q->txn);
		if (stats)
			stats->keys++;
		err = q_node(q, set.v[i] + 1, set.v[i][0], &node);
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
			err = 0;
			continue;
		}
		if (err || (err = q_bindings(q, node, &b, &nb)))
			break;
		s = weft_network_summary(q->net, node);
		for (k = 0; k < nb && !err; k++) {
			const weft_tuid *tu = &s->uids[b[k]];

			if (pattern && !pattern_matches(q, tu, pattern))
				continue;
			err = add_binding(q, l, &cap, node, b[k], NULL, 0);
			if (!err && stats) {
				const weft_binding_info *bi = &l->v[l->n - 1];

				stats->bindings++;
				stats->by_validity[bi->validity]++;
				if (bi->authenticated)
					stats->authenticated++;
				else if (bi->amount > 0)
					stats->partially++;
				/* Counted: a check keeps no list. */
				free_binding(&l->v[--l->n]);
			}
		}
		free(b);
	}
	weft_ctx__progress(q->ctx, "authenticating", set.n, set.n);
leave:
	weft_fprset_free(&set);
	return err;
}

gpg_error_t
weft_bindings(weft_ctx *ctx, const char *pattern, const weft_trust_opts *opts,
	      weft_binding_list **out)
{
	question q;
	weft_binding_list *l;
	gpg_error_t err;

	*out = NULL;
	if (!(l = calloc(1, sizeof *l)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (!(err = q_open(&q, ctx, opts)))
		err = all_bindings(&q, pattern && *pattern ? pattern : NULL, l,
				   NULL);
	q_close(&q);
	if (err) {
		weft_binding_list_free(l);
		return err;
	}
	*out = l;
	return 0;
}

gpg_error_t
weft_check(weft_ctx *ctx, const weft_trust_opts *opts,
	   weft_check_stats *stats)
{
	question q;
	weft_binding_list *l;
	gpg_error_t err;

	memset(stats, 0, sizeof *stats);
	if (!(l = calloc(1, sizeof *l)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (!(err = q_open(&q, ctx, opts))) {
		q.amount_only = true;   /* counted, not shown */
		err = all_bindings(&q, NULL, l, stats);
	}
	q_close(&q);
	weft_binding_list_free(l);
	return err;
}

/* ---- a given path ----------------------------------------------------------------- */

gpg_error_t
weft_path(weft_ctx *ctx, const char *const *keys, size_t n, const char *uid,
	  const weft_trust_opts *opts, weft_binding_list **out)
{
	question q;
	weft_binding_list *l;
	weft_binding_info *b;
	uint32_t *nodes = NULL;
	weft_tpath p;
	bool present;
	size_t i, cap = 0;
	char why[256];
	gpg_error_t err;

	*out = NULL;
	memset(&p, 0, sizeof p);
	if (!(l = calloc(1, sizeof *l)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if ((err = q_open(&q, ctx, opts)))
		goto leave;
	if (!(nodes = calloc(n + 1, sizeof *nodes))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	for (i = 0; i < n; i++) {
		if ((err = resolve_key(&q, keys[i], &nodes[i], &present)))
			goto leave;
		if (!present) {
			err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				"key %s is not valid at this time", keys[i]);
			goto leave;
		}
	}
	err = weft_network_check_path(q.net, nodes, n, (const uint8_t *)uid,
				      strlen(uid), &p, why, sizeof why);
	if ((err = list_push(l, &cap, &b)))
		goto leave;
	{
		size_t flen;
		const uint8_t *fpr = weft_network_fpr(q.net, nodes[n - 1],
						      &flen);

		weft_hex(fpr, flen, b->fpr);
	}
	b->uid = dupn(uid, strlen(uid));
	b->uid_len = strlen(uid);
	b->requested = q.request;
	if (!why[0]) {
		b->paths = calloc(1, sizeof *b->paths);
		if (!b->paths || !b->uid) {
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			goto leave;
		}
		if ((err = convert_path(&q, &p, &b->paths[0])))
			goto leave;
		b->npaths = 1;
		b->amount = p.amount;
		b->authenticated = !(q.flags & WEFT_TRUST_GOSSIP) &&
				   p.amount >= q.request;
		b->validity = validity_of(&q, nodes[n - 1], -1, p.amount, false);
	} else {
		weft_ctx__error(ctx, 0, "the path does not hold: %s", why);
	}
leave:
	free(p.edges);
	free(nodes);
	q_close(&q);
	if (err) {
		weft_binding_list_free(l);
		return err;
	}
	*out = l;
	return 0;
}

/* ---- the roots in effect ---------------------------------------------------- */

gpg_error_t
weft_roots(weft_ctx *ctx, weft_root_list **out)
{
	weft_txn *txn = NULL;
	store_source ss;
	rootset roots = { NULL, NULL, 0, 0, 0 };
	weft_root_list *l;
	const weft_summary *s;
	uint32_t t = weft_ctx__now(ctx);
	size_t i;
	int u;
	gpg_error_t err;

	*out = NULL;
	ctx->error[0] = 0;
	if (!(l = calloc(1, sizeof *l)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if ((err = weft_ctx__txn(ctx, false, &txn))) {
		free(l);
		return err;
	}
	source_init(&ss, txn);
	if ((err = roots_in_effect(ctx, &ss, t, NULL, &roots)))
		goto leave;
	if (roots.n && !(l->v = calloc(roots.n, sizeof *l->v))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	for (i = 0; i < roots.n; i++) {
		weft_root_info *ri = &l->v[l->n++];

		weft_hex(roots.v[i].fpr, roots.v[i].fpr_len, ri->fpr);
		ri->amount = roots.v[i].amount;
		ri->sources = roots.sources[i];
		if (!source_get(&ss, roots.v[i].fpr, roots.v[i].fpr_len, &s) &&
		    (u = weft_summary_primary_uid(s, t, t)) >= 0)
			ri->name = dupn(s->uids[u].data, s->uids[u].len);
	}
leave:
	rootset_free(&roots);
	source_free(&ss);
	weft_txn_abort(txn);
	if (err) {
		weft_root_list_free(l);
		return err;
	}
	*out = l;
	return 0;
}

/* ---- key listings with trust -------------------------------------------------- */

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static size_t
unhex_fpr(const char *hex, uint8_t *out)
{
	size_t n = 0;

	while (hex[0] && hex[1] && n < WEFT_FPR_MAX &&
	       hexval(hex[0]) >= 0 && hexval(hex[1]) >= 0) {
		out[n++] = (uint8_t)(hexval(hex[0]) << 4 | hexval(hex[1]));
		hex += 2;
	}
	return n;
}

/* Fill each user ID's amount and validity (the key's too) from Q. */
static gpg_error_t
fill_trust(question *q, weft_key_info *k)
{
	uint8_t fpr[WEFT_FPR_MAX];
	size_t len = unhex_fpr(k->fpr, fpr), i;
	uint32_t node;
	weft_binding_list tmp = { NULL, 0 };
	weft_binding_info *b;
	size_t cap = 0;
	gpg_error_t err;

	if (q->gnupg) {
		/* gpg's answer for every key it knows, whether or not
		 * Sequoia's policy (the network's) accepts the key. */
		for (i = 0; i < k->nuids; i++) {
			weft_uid_info *u = &k->uids[i];

			if (u->is_attribute)
				continue;
			u->validity = weft_gnupg_uid_validity(q->gnupg, fpr, len,
				(const uint8_t *)u->uid, u->uid_len);
			u->amount = gnupg_amount(u->validity);
		}
		k->validity = weft_gnupg_key_validity(q->gnupg, fpr, len);
		return 0;
	}
	err = weft_network_node(q->net, fpr, len, &node);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
		return 0;
	if (err)
		return err;
	for (i = 0; i < k->nuids; i++) {
		weft_uid_info *u = &k->uids[i];

		if (u->is_attribute)
			continue;
		if ((err = add_binding(q, &tmp, &cap, node, -1,
				       (const uint8_t *)u->uid, u->uid_len)))
			break;
		b = &tmp.v[tmp.n - 1];
		u->amount = b->amount;
		/* Expired and revoked say more than an amount. */
		if (u->validity != WEFT_VALIDITY_EXPIRED &&
		    u->validity != WEFT_VALIDITY_REVOKED)
			u->validity = b->validity;
		if (u->primary &&
		    k->validity != WEFT_VALIDITY_EXPIRED &&
		    k->validity != WEFT_VALIDITY_REVOKED)
			k->validity = u->validity;
	}
	for (i = 0; i < tmp.n; i++)
		free_binding(&tmp.v[i]);
	free(tmp.v);
	return err;
}

typedef struct key_walk {
	question *q;
	bool fill;
	weft_store__key_fn take;  /* may take the key over, or */
	weft_key_fn fn;           /* only looks at it */
	void *arg;
} key_walk;

static gpg_error_t
key_walk_one(void *opaque, weft_key_info *k)
{
	key_walk *w = opaque;
	gpg_error_t err;

	if (w->fill && (err = fill_trust(w->q, k)))
		return err;
	/* What the search read of the map need not stay mapped. */
	weft_txn_breathe(w->q->txn);
	return w->take ? w->take(w->arg, k) : w->fn(w->arg, k);
}

/* Listing a keyring holds one key at a time, not all of them (at
 * 100,000 keys the list alone was over 100 MB), and reads keys and trust
 * in one snapshot. */
static gpg_error_t
keys_walk(weft_ctx *ctx, const char *query, unsigned flags,
	  const weft_trust_opts *opts, key_walk *w)
{
	question q;
	weft_fprset set = { NULL, 0, 0 };
	gpg_error_t err;

	if ((err = q_open(&q, ctx, opts)))
		goto leave;
	q.amount_only = true;
	w->q = &q;
	/* Without roots there is nothing to compute. */
	w->fill = q.roots.n || (q.flags & WEFT_TRUST_GOSSIP) || q.gnupg;
	if (w->fill && (!query || !*query) &&
	    ((err = q_nodes(&q, &set)) || (err = q_preload(&q, &set))))
		goto leave;
	weft_fprset_free(&set);
	err = weft_store__keys_each(ctx, q.txn, query, flags, key_walk_one,
				    w);
leave:
	weft_fprset_free(&set);
	q_close(&q);
	return err;
}

gpg_error_t
weft_keys_each(weft_ctx *ctx, const char *query, unsigned flags,
	       const weft_trust_opts *opts, weft_key_fn fn, void *arg)
{
	key_walk w = { NULL, false, NULL, fn, arg };

	return keys_walk(ctx, query, flags, opts, &w);
}

typedef struct key_collect {
	weft_key_list *l;
	size_t cap;
} key_collect;

static gpg_error_t
collect_key(void *opaque, weft_key_info *k)
{
	key_collect *kc = opaque;
	gpg_error_t err = weft_grow((void **)&kc->l->keys, &kc->cap,
				    kc->l->n + 1, sizeof *kc->l->keys);

	if (err)
		return err;
	/* Taken over: the walk frees what is left behind, nothing. */
	kc->l->keys[kc->l->n++] = *k;
	memset(k, 0, sizeof *k);
	return 0;
}

gpg_error_t
weft_keys_find_trust(weft_ctx *ctx, const char *query, unsigned flags,
		     const weft_trust_opts *opts, weft_key_list **out)
{
	key_collect kc = { NULL, 0 };
	key_walk w = { NULL, false, collect_key, NULL, &kc };
	gpg_error_t err;

	*out = NULL;
	if (!(kc.l = calloc(1, sizeof *kc.l)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	err = keys_walk(ctx, query, flags, opts, &w);
	if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND) {
		weft_key_list_free(kc.l);
		return err;
	}
	*out = kc.l;
	return err;
}

gpg_error_t
weft_keys_find(weft_ctx *ctx, const char *query, unsigned flags,
	       weft_key_list **out)
{
	return weft_keys_find_trust(ctx, query, flags, NULL, out);
}
