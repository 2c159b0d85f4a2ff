/* api.c - the questions of weft/trust.h over the keyring: authenticate,
 * identify, lookup, every binding (list, check), a given path, the roots
 * in effect, and key listings with trust.  Each opens a question
 * (question.c: the keyring as a source, its roots, the network over
 * them), asks it, and closes it.
 */
#include <stdlib.h>

#include "question.h"
#include "../util/mem.h"
#include "../util/text.h"

/* ---- resolving keys ----------------------------------------------------------- */

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
	    (weft_question__overlay_find(&q->ss, bin, n) ||
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
	err = weft_question__node(q, set.v[0] + 1, set.v[0][0], node);
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
	if ((err = weft_question__open_with(&q, ctx, opts, ov, nov)))
		goto leave;
	err = resolve_key(&q, key, &node, &present);
	if ((!err || gpg_err_code(err) == GPG_ERR_NOT_FOUND) && !present &&
	    !(q.flags & WEFT_TRUST_EMAIL)) {
		/* Unknown, or not valid now: a binding nobody vouches for. */
		weft_binding_info *bi;
		uint8_t bin[WEFT_FPR_MAX];
		size_t n = weft_unhex(key, bin, sizeof bin);
		gpg_error_t e2 = weft_question__list_push(l, &cap, &bi);

		if (e2) {
			err = e2;
			goto leave;
		}
		weft_hex(bin, n, bi->fpr);
		bi->uid = weft_memdupz(uid, strlen(uid));
		bi->uid_len = strlen(uid);
		bi->requested = q.request;
		if (!bi->uid)
			err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	if (err || !present)
		goto leave;
	if (!(q.flags & WEFT_TRUST_EMAIL)) {
		err = weft_question__add_binding(&q, l, &cap, node, -1,
						 (const uint8_t *)uid,
						 strlen(uid));
		goto leave;
	}
	lower_email(uid, email, sizeof email);
	if ((err = weft_question__bindings(&q, node, &b, &nb)))
		goto leave;
	for (i = 0; i < nb && !err; i++) {
		const weft_tuid *tu = &weft_network_summary(q.net, node)->uids[b[i]];

		if (same_email(tu->data, tu->len, email))
			err = weft_question__add_binding(&q, l, &cap, node,
							 b[i], NULL, 0);
	}
leave:
	free(b);
	weft_question__close(&q);
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
	if ((err = weft_question__open(&q, ctx, opts)))
		goto leave;
	if ((err = resolve_key(&q, key, &node, &present)) || !present)
		goto leave;
	if ((err = weft_question__bindings(&q, node, &b, &nb)))
		goto leave;
	for (i = 0; i < nb && !err; i++)
		err = weft_question__add_binding(&q, l, &cap, node, b[i],
						 NULL, 0);
leave:
	free(b);
	weft_question__close(&q);
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
	if ((err = weft_question__open(&q, ctx, opts)))
		goto leave;
	email = (q.flags & WEFT_TRUST_EMAIL) != 0;
	lower_email(uid, low, sizeof low);
	if ((err = candidates(&q, uid, email, &set)))
		goto leave;
	weft_fprset_sort(&set);
	for (i = 0; i < set.n && !err; i++) {
		const weft_summary *s;

		err = weft_question__node(&q, set.v[i] + 1, set.v[i][0], &node);
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
			err = 0;
			continue;
		}
		if (err || (err = weft_question__bindings(&q, node, &b, &nb)))
			break;
		s = weft_network_summary(q.net, node);
		for (k = 0; k < nb && !err; k++) {
			const weft_tuid *tu = &s->uids[b[k]];

			if (email ? same_email(tu->data, tu->len, low)
				  : (tu->len == ulen &&
				     !memcmp(tu->data, uid, ulen)))
				err = weft_question__add_binding(&q, l, &cap,
								 node, b[k],
								 NULL, 0);
		}
		free(b);
	}
leave:
	weft_fprset_free(&set);
	weft_question__close(&q);
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

/* Every node of the keyring, and for each its bindings matching
 * PATTERN: into L, or, with STATS, only counted (check keeps no list). */
static gpg_error_t
all_bindings(question *q, const char *pattern, weft_binding_list *l,
	     weft_check_stats *stats)
{
	weft_fprset set = { NULL, 0, 0 };
	size_t cap = 0, i, k, nb;
	uint32_t node;
	int *b;
	gpg_error_t err;

	if ((err = weft_question__nodes(q, &set)) ||
	    (!pattern && (err = weft_question__preload(q, &set))))
		goto leave;
	for (i = 0; i < set.n && !err; i++) {
		const weft_summary *s;

		weft_ctx__progress(q->ctx, "authenticating", i, set.n);
		/* The summaries point into the map; what a search read of it
		 * need not stay mapped. */
		weft_txn_breathe(q->txn);
		if (stats)
			stats->keys++;
		err = weft_question__node(q, set.v[i] + 1, set.v[i][0], &node);
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
			err = 0;
			continue;
		}
		if (err || (err = weft_question__bindings(q, node, &b, &nb)))
			break;
		s = weft_network_summary(q->net, node);
		for (k = 0; k < nb && !err; k++) {
			const weft_tuid *tu = &s->uids[b[k]];

			if (pattern && !pattern_matches(q, tu, pattern))
				continue;
			err = weft_question__add_binding(q, l, &cap, node, b[k],
							 NULL, 0);
			if (!err && stats) {
				const weft_binding_info *bi = &l->v[l->n - 1];

				stats->bindings++;
				stats->by_validity[bi->validity]++;
				if (bi->authenticated)
					stats->authenticated++;
				else if (bi->amount > 0)
					stats->partially++;
				/* Counted: a check keeps no list. */
				weft_question__free_binding(&l->v[--l->n]);
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
	if (!(err = weft_question__open(&q, ctx, opts)))
		err = all_bindings(&q, pattern && *pattern ? pattern : NULL, l,
				   NULL);
	weft_question__close(&q);
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
	if (!(err = weft_question__open(&q, ctx, opts))) {
		q.amount_only = true;   /* counted, not shown */
		err = all_bindings(&q, NULL, l, stats);
	}
	weft_question__close(&q);
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
	if ((err = weft_question__open(&q, ctx, opts)))
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
	if ((err = weft_question__list_push(l, &cap, &b)))
		goto leave;
	{
		size_t flen;
		const uint8_t *fpr = weft_network_fpr(q.net, nodes[n - 1],
						      &flen);

		weft_hex(fpr, flen, b->fpr);
	}
	b->uid = weft_memdupz(uid, strlen(uid));
	b->uid_len = strlen(uid);
	b->requested = q.request;
	if (!why[0]) {
		b->paths = calloc(1, sizeof *b->paths);
		if (!b->paths || !b->uid) {
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			goto leave;
		}
		if ((err = weft_question__convert_path(&q, &p, &b->paths[0])))
			goto leave;
		b->npaths = 1;
		b->amount = p.amount;
		b->authenticated = !(q.flags & WEFT_TRUST_GOSSIP) &&
				   p.amount >= q.request;
		b->validity = weft_question__validity_of(&q, nodes[n - 1], -1,
							 p.amount, false);
	} else {
		weft_ctx__error(ctx, 0, "the path does not hold: %s", why);
	}
leave:
	free(p.edges);
	free(nodes);
	weft_question__close(&q);
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
	weft_question__source_init(&ss, txn);
	if ((err = weft_question__roots_in_effect(ctx, &ss, t, NULL, &roots)))
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
		if (!weft_question__source_get(&ss, roots.v[i].fpr,
					       roots.v[i].fpr_len, &s) &&
		    (u = weft_summary_primary_uid(s, t, t)) >= 0)
			ri->name = weft_memdupz(s->uids[u].data,
						s->uids[u].len);
	}
leave:
	weft_question__rootset_free(&roots);
	weft_question__source_free(&ss);
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
			u->amount = weft_question__gnupg_amount(u->validity);
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
		if ((err = weft_question__add_binding(q, &tmp, &cap, node, -1,
						      (const uint8_t *)u->uid,
						      u->uid_len)))
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
		weft_question__free_binding(&tmp.v[i]);
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

	if ((err = weft_question__open(&q, ctx, opts)))
		goto leave;
	q.amount_only = true;
	w->q = &q;
	/* Without roots there is nothing to compute. */
	w->fill = q.roots.n || (q.flags & WEFT_TRUST_GOSSIP) || q.gnupg;
	if (w->fill && (!query || !*query) && !q.gnupg &&
	    !(q.flags & WEFT_TRUST_GOSSIP) &&
	    ((err = weft_question__nodes(&q, &set)) ||
	     (err = weft_question__preload(&q, &set))))
		goto leave;
	weft_fprset_free(&set);
	err = weft_store__keys_each(ctx, q.txn, query, flags, key_walk_one,
				    w);
leave:
	weft_fprset_free(&set);
	weft_question__close(&q);
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
