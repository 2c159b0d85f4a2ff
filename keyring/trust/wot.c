/* wot.c - authenticating a binding: backward propagation and greedy
 * rounds, as sequoia-wot 0.2.0 does (backward_propagation.rs,
 * network/rooted.rs, network/filter.rs).
 *
 * Authenticating (target, user ID) to a requested amount:
 *   1. Repeat while the sum of the paths found is below the request and
 *      the last round found a path:
 *      a. run a backward propagation that lets the target's own
 *         self-signature be the last hop ("self-signed pass"); if some
 *         root reaches the target, take the best root's path;
 *      b. otherwise run a normal backward propagation (the last edge must
 *         certify the target user ID itself) and take the best root's
 *         path;
 *      c. the best path has the largest amount, then the fewest nodes,
 *         then the largest root fingerprint;
 *      d. subtract the path's amount from every certification between
 *         each consecutive pair of keys on it (all user IDs of that pair
 *         share one capacity), or, for a root's own one-node path, from
 *         everything the root issues.
 *   2. A certification's usable amount: its amount (a trust signature's,
 *      or 120), capped by its issuer's root amount when the issuer is a
 *      root below 120, minus what earlier rounds subtracted (not below 0).
 *
 * Backward propagation from the target, Dijkstra-like:
 *   3. Give the target a forward pointer "end" (cost: depth 1 in the
 *      self-signed pass, which requires the target to have self-signed
 *      the user ID, else 0; amount 120) and queue it.  Pop nodes by depth,
 *      smallest first, ties by fingerprint, smallest first (sq-wot's
 *      queue; its amount comparison compares an amount with itself, so
 *      amounts never order the queue).
 *   4. For every edge into the popped node, from its issuer: skip it if
 *      its usable amount is 0; if it certifies the target and this is the
 *      normal pass, it must certify the target user ID; its depth must be
 *      at least the popped node's path depth (255 is unlimited); its
 *      regexes must match the target user ID.  The proposed path for the
 *      issuer has depth + 1 and the smaller amount.  An issuer without a
 *      forward pointer gets this one and is queued; one with a pointer
 *      takes it only if it is shorter, or as long with a larger amount.
 *      A pointer is never replaced by a longer one, which keeps every
 *      depth constraint valid.
 *   5. Each root with a forward pointer has a path: follow the pointers;
 *      in the self-signed pass append the self-signature hop unless the
 *      last edge already certifies the target user ID.
 */
#include <stdlib.h>

#include "trust-int.h"
#include "../util/mem.h"

typedef struct suppress {
	uint32_t issuer;
	uint32_t target;         /* UINT32_MAX: everything the issuer issues */
	int amount;
} suppress;

typedef struct search {
	weft_network *n;
	uint32_t target;
	const uint8_t *uid;
	size_t uid_len;
	int target_uid;          /* index, or -1 when not a user ID of it */
	suppress *sup;
	size_t nsup, sup_cap;
	/* per pass: forward pointers, stamped with the pass number (the
	 * network's, shared by one search after another) */
	weft_scratch *fp;
	bool self_signed;
	weft_tedge selfsig;      /* the synthesised last hop */
} search;

/* ---- usable amounts (step 2) --------------------------------------------- */

static int
usable(const search *s, uint32_t issuer, uint32_t target, int amount)
{
	int root = weft_network_root_amount(s->n, issuer), sub = 0;
	size_t i;

	if (weft_network__flags(s->n) & WEFT_NET_GOSSIP)
		return WEFT_FULL;
	if (root && root < WEFT_FULL && amount > root)
		amount = root;
	for (i = 0; i < s->nsup; i++)
		if (s->sup[i].issuer == issuer &&
		    (s->sup[i].target == target || s->sup[i].target == UINT32_MAX))
			sub += s->sup[i].amount;
	return amount > sub ? amount - sub : 0;
}

static int
edge_depth(const search *s, const weft_tedge *e)
{
	if (weft_network__flags(s->n) & WEFT_NET_GOSSIP)
		return WEFT_DEPTH_UNLIMITED;
	return e->depth;
}

static const weft_tedge *
edge_of(search *s, int32_t e)
{
	return weft_network__edge(s->n, (uint32_t)e);
}

/* ---- forward pointers ------------------------------------------------------- */

static gpg_error_t
ensure(search *s)
{
	weft_scratch *f = s->fp;
	size_t need = weft_network__nnodes(s->n), ncap;
	uint32_t *stamp;
	int32_t *next;

	if (need <= f->cap)
		return 0;
	ncap = need + need / 2 + 64;
	stamp = realloc(f->stamp, ncap * sizeof *stamp);
	if (!stamp)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	f->stamp = stamp;
	next = realloc(f->next, ncap * sizeof *next);
	if (!next)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	f->next = next;
	/* New slots carry no pointer of any pass (passes start at 1). */
	memset(f->stamp + f->cap, 0, (ncap - f->cap) * sizeof *stamp);
	f->cap = ncap;
	return 0;
}

/* A pass number no slot carries yet. */
static void
next_pass(search *s)
{
	weft_scratch *f = s->fp;

	if (++f->pass == 0) {
		/* Wrapped after four billion passes: start over. */
		memset(f->stamp, 0, f->cap * sizeof *f->stamp);
		f->pass = 1;
	}
}

static bool
has_fp(const search *s, uint32_t i)
{
	return i < s->fp->cap && s->fp->stamp[i] == s->fp->pass;
}

static void
set_fp(search *s, uint32_t i, int32_t e)
{
	s->fp->stamp[i] = s->fp->pass;
	s->fp->next[i] = e;
}

typedef struct cost {
	int depth;
	int amount;
} cost;

/* The cost of node I's path suffix, following its pointers. */
static cost
fp_cost(search *s, uint32_t i)
{
	cost c = { s->self_signed ? 1 : 0, WEFT_FULL };
	int32_t e;
	int a;

	while ((e = s->fp->next[i]) >= 0) {
		const weft_tedge *ed = edge_of(s, e);

		a = usable(s, ed->issuer, ed->target, ed->amount);
		if (a < c.amount)
			c.amount = a;
		c.depth++;
		i = ed->target;
	}
	return c;
}

/* ---- the queue (step 3) ------------------------------------------------------ */

typedef struct qent {
	int depth;
	uint32_t node;
} qent;

typedef struct queue {
	qent *v;
	size_t n, cap;
} queue;

static int
fpr_cmp(weft_network *n, uint32_t a, uint32_t b)
{
	size_t la, lb;
	const uint8_t *fa = weft_network_fpr(n, a, &la);
	const uint8_t *fb = weft_network_fpr(n, b, &lb);

	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(fa, fb, la);
}

/* A before B: smaller depth, then smaller fingerprint. */
static bool
q_before(weft_network *n, const qent *a, const qent *b)
{
	if (a->depth != b->depth)
		return a->depth < b->depth;
	return fpr_cmp(n, a->node, b->node) < 0;
}

static gpg_error_t
q_push(weft_network *n, queue *q, int depth, uint32_t node)
{
	size_t i, p;
	qent e = { depth, node };
	gpg_error_t err = weft_grow((void **)&q->v, &q->cap, q->n + 1,
				    sizeof *q->v);

	if (err)
		return err;
	i = q->n++;
	while (i > 0) {
		p = (i - 1) / 2;
		if (!q_before(n, &e, &q->v[p]))
			break;
		q->v[i] = q->v[p];
		i = p;
	}
	q->v[i] = e;
	return 0;
}

static bool
q_pop(weft_network *n, queue *q, uint32_t *node)
{
	qent last;
	size_t i = 0, c;

	if (!q->n)
		return false;
	*node = q->v[0].node;
	last = q->v[--q->n];
	for (;;) {
		c = 2 * i + 1;
		if (c >= q->n)
			break;
		if (c + 1 < q->n && q_before(n, &q->v[c + 1], &q->v[c]))
			c++;
		if (!q_before(n, &q->v[c], &last))
			break;
		q->v[i] = q->v[c];
		i = c;
	}
	if (q->n)
		q->v[i] = last;
	return true;
}

/* ---- backward propagation (steps 3 and 4) --------------------------------- */

static bool
target_usable(search *s)
{
	weft_network *n = s->n;
	uint32_t t = weft_network__time(n), when, exp;
	weft_tstate st;

	exp = weft_network__node_expires(n, s->target);
	if (exp && exp <= t)
		return false;
	switch (weft_network__node_rev(n, s->target, &when)) {
	case WEFT_REV_HARD:
		return false;
	case WEFT_REV_SOFT:
		if (t >= when)
			return false;
		break;
	default:
		break;
	}
	if (s->target_uid >= 0) {
		weft_summary_uid_state(weft_network_summary(n, s->target),
				       (size_t)s->target_uid, t, t, &st);
		if (st.revoked)
			return false;
	}
	return true;
}

static gpg_error_t
propagate(search *s)
{
	weft_network *n = s->n;
	queue q = { NULL, 0, 0 };
	uint32_t signee;
	gpg_error_t err = 0;

	if ((err = ensure(s)))
		return err;
	next_pass(s);
	set_fp(s, s->target, -1);
	if ((err = q_push(n, &q, s->self_signed ? 1 : 0, s->target)))
		goto leave;
	while (q_pop(n, &q, &signee)) {
		const uint32_t *re;
		size_t nre, k;
		cost sc;

		sc = fp_cost(s, signee);
		/* Beyond the first hop only trust signatures can carry a
		 * path: the plain certifications of a key certified by
		 * thousands (most of its incoming edges) are not looked at
		 * again for every key it certified.  Same edges, same order,
		 * as the depth test below would leave. */
		if (sc.depth > 0 && !(weft_network__flags(n) & WEFT_NET_GOSSIP))
			err = weft_network__tredges(n, signee, &re, &nre);
		else
			err = weft_network__redges(n, signee, &re, &nre);
		if (err)
			goto leave;
		if (!nre)
			continue;
		if ((err = ensure(s)))
			goto leave;
		for (k = 0; k < nre; k++) {
			const weft_tedge *e = weft_network__edge(n, re[k]);
			uint32_t issuer = e->issuer;
			int a, d;
			cost prop, cur;

			/* No root reaches it: nothing behind it can lead
			 * to one (weft_network_reach). */
			if (!weft_network__may_carry(n, issuer))
				continue;
			a = usable(s, issuer, e->target, e->amount);
			d = edge_depth(s, e);
			if (a == 0)
				continue;
			if (!s->self_signed && signee == s->target &&
			    e->uid != s->target_uid)
				continue;
			if (d != WEFT_DEPTH_UNLIMITED && d < sc.depth)
				continue;
			if (!(weft_network__flags(n) & WEFT_NET_GOSSIP) &&
			    !weft_trust_regex_match(weft_network_summary(n,
						e->target), e->sig, s->uid,
						s->uid_len))
				continue;
			prop.depth = sc.depth + 1;
			prop.amount = a < sc.amount ? a : sc.amount;
			if (has_fp(s, issuer)) {
				cur = fp_cost(s, issuer);
				if (prop.depth < cur.depth ||
				    (prop.depth == cur.depth &&
				     prop.amount > cur.amount))
					set_fp(s, issuer, (int32_t)re[k]);
				continue;
			}
			set_fp(s, issuer, (int32_t)re[k]);
			if ((err = q_push(n, &q, prop.depth, issuer)))
				goto leave;
		}
	}
leave:
	free(q.v);
	return err;
}

/* ---- paths (step 5) -------------------------------------------------------- */

static gpg_error_t
path_of(search *s, uint32_t root, weft_tpath *out)
{
	size_t n = 0, cap = 0;
	uint32_t i = root;
	int32_t e;
	int amount = WEFT_FULL, a;
	weft_tedge *edges = NULL;
	gpg_error_t err;

	memset(out, 0, sizeof *out);
	out->root = root;
	if (root == s->target) {
		/* A root's own user ID: the self-signature, filtered. */
		if (!s->self_signed)
			return WEFT_ERR(GPG_ERR_NOT_FOUND);
		a = usable(s, s->target, s->target, WEFT_FULL);
		if (a == 0)
			return WEFT_ERR(GPG_ERR_NOT_FOUND);
		out->amount = a;
		return 0;
	}
	while ((e = s->fp->next[i]) >= 0) {
		const weft_tedge *ed = edge_of(s, e);

		if ((err = weft_grow((void **)&edges, &cap, n + 2,
				     sizeof *edges))) {
			free(edges);
			return err;
		}
		edges[n++] = *ed;
		a = usable(s, ed->issuer, ed->target, ed->amount);
		if (a < amount)
			amount = a;
		i = ed->target;
	}
	if (s->self_signed && edges[n - 1].uid != s->target_uid)
		edges[n++] = s->selfsig;
	out->edges = edges;
	out->nedges = n;
	out->amount = amount;
	return 0;
}

/* Step 1c: the best root's path, or GPG_ERR_NOT_FOUND. */
static gpg_error_t
best_path(search *s, const uint32_t *roots, size_t nroots, weft_tpath *best)
{
	weft_tpath p;
	size_t i;
	bool have = false;
	gpg_error_t err;

	memset(best, 0, sizeof *best);
	for (i = 0; i < nroots; i++) {
		if (!has_fp(s, roots[i]))
			continue;
		err = path_of(s, roots[i], &p);
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
			continue;
		if (err)
			return err;
		if (!have || p.amount > best->amount ||
		    (p.amount == best->amount &&
		     (p.nedges < best->nedges ||
		      (p.nedges == best->nedges &&
		       fpr_cmp(s->n, p.root, best->root) > 0)))) {
			free(best->edges);
			*best = p;
			have = true;
		} else {
			free(p.edges);
		}
	}
	return have ? 0 : WEFT_ERR(GPG_ERR_NOT_FOUND);
}

static gpg_error_t
suppress_add(search *s, uint32_t issuer, uint32_t target, int amount)
{
	size_t i;
	gpg_error_t err;

	for (i = 0; i < s->nsup; i++)
		if (s->sup[i].issuer == issuer && s->sup[i].target == target) {
			s->sup[i].amount += amount;
			return 0;
		}
	if ((err = weft_grow((void **)&s->sup, &s->sup_cap, s->nsup + 1,
			     sizeof *s->sup)))
		return err;
	s->sup[s->nsup].issuer = issuer;
	s->sup[s->nsup].target = target;
	s->sup[s->nsup].amount = amount;
	s->nsup++;
	return 0;
}

static gpg_error_t
paths_push(weft_tpaths *out, weft_tpath *p)
{
	gpg_error_t err = weft_grow((void **)&out->v, &out->cap, out->n + 1,
				    sizeof *out->v);

	if (err)
		return err;
	out->v[out->n++] = *p;
	out->amount += p->amount;
	memset(p, 0, sizeof *p);
	return 0;
}

/* The roots of the network that the searches reach (all loaded nodes
 * with a root amount; in gossip mode, every node). */
static gpg_error_t
collect_roots(search *s, uint32_t **roots, size_t *nroots)
{
	size_t i, nn = weft_network__nnodes(s->n), cnt;
	const uint32_t *r;
	uint32_t *v;

	if (weft_network__flags(s->n) & WEFT_NET_GOSSIP) {
		if (!(v = calloc(nn + 1, sizeof *v)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		for (i = 0; i < nn; i++)
			v[i] = (uint32_t)i;
		cnt = nn;
	} else {
		/* The network's list: not a scan of every node per search. */
		r = weft_network__roots(s->n, &cnt);
		if (!(v = malloc((cnt + 1) * sizeof *v)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		if (cnt)
			memcpy(v, r, cnt * sizeof *v);
	}
	*roots = v;
	*nroots = cnt;
	return 0;
}

static void
search_free(search *s)
{
	free(s->sup);
}

/* Gossip: every node that reaches the target gives its path; nothing is
 * authenticated, nothing is subtracted. */
static gpg_error_t
gossip(search *s, weft_tpaths *out)
{
	uint32_t *roots = NULL;
	size_t nroots, i;
	weft_tpath p;
	int pass;
	gpg_error_t err = 0;

	for (pass = 0; pass < 2 && !out->n; pass++) {
		s->self_signed = pass == 0;
		if (s->self_signed && s->target_uid < 0)
			continue;
		if ((err = propagate(s)))
			break;
		free(roots);
		if ((err = collect_roots(s, &roots, &nroots)))
			break;
		for (i = 0; i < nroots; i++) {
			if (roots[i] == s->target || !has_fp(s, roots[i]))
				continue;
			if ((err = path_of(s, roots[i], &p)))
				break;
			if ((err = paths_push(out, &p))) {
				free(p.edges);
				break;
			}
		}
	}
	free(roots);
	out->amount = 0;
	return err;
}

gpg_error_t
weft_network_authenticate(weft_network *n, const uint8_t *fpr, size_t fpr_len,
			  const uint8_t *uid, size_t uid_len, int request,
			  weft_tpaths *out)
{
	search s;
	uint32_t *roots = NULL;
	size_t nroots, i;
	weft_tpath best;
	const weft_summary *sum;
	bool progress = true;
	int pass;
	gpg_error_t err;

	memset(out, 0, sizeof *out);
	memset(&s, 0, sizeof s);
	s.n = n;
	s.fp = weft_network__scratch(n);
	s.uid = uid;
	s.uid_len = uid_len;
	err = weft_network_node(n, fpr, fpr_len, &s.target);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
		return 0;
	if (err)
		return err;
	sum = weft_network_summary(n, s.target);
	s.target_uid = -1;
	for (i = 0; i < sum->nuids; i++) {
		weft_tstate st;

		if (sum->uids[i].tag != WEFT_PKT_USER_ID ||
		    sum->uids[i].len != uid_len ||
		    memcmp(sum->uids[i].data, uid, uid_len))
			continue;
		weft_summary_uid_state(sum, i, weft_network__time(n),
				       weft_network__time(n), &st);
		if (st.valid) {
			s.target_uid = (int)i;
			break;
		}
	}
	if (!target_usable(&s))
		goto leave;
	memset(&s.selfsig, 0, sizeof s.selfsig);
	s.selfsig.issuer = s.selfsig.target = s.target;
	s.selfsig.uid = s.target_uid;
	s.selfsig.amount = WEFT_FULL;
	s.selfsig.self = true;

	if (weft_network__flags(n) & WEFT_NET_GOSSIP) {
		err = gossip(&s, out);
		goto leave;
	}
	while (progress && out->amount < request) {
		progress = false;
		for (pass = 0; pass < 2 && !progress; pass++) {
			s.self_signed = pass == 0;
			if (s.self_signed && s.target_uid < 0)
				continue;
			if ((err = propagate(&s)))
				goto leave;
			free(roots);
			roots = NULL;
			if ((err = collect_roots(&s, &roots, &nroots)))
				goto leave;
			err = best_path(&s, roots, nroots, &best);
			if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
				err = 0;
				continue;
			}
			if (err)
				goto leave;
			/* Step 1d. */
			if (!best.nedges) {
				err = suppress_add(&s, best.root, UINT32_MAX,
						   best.amount);
			} else {
				for (i = 0; i < best.nedges && !err; i++)
					err = suppress_add(&s,
							   best.edges[i].issuer,
							   best.edges[i].target,
							   best.amount);
			}
			if (!err)
				err = paths_push(out, &best);
			if (err) {
				free(best.edges);
				goto leave;
			}
			progress = true;
		}
	}
leave:
	free(roots);
	search_free(&s);
	if (err)
		weft_tpaths_free(out);
	return err;
}

/* ---- checking a given path ---------------------------------------------------
 *
 * NODES[0] -> ... -> NODES[N-1] for user ID UID of the last node:
 *   1. NODES[0] must be a root (any node, with gossip).
 *   2. For each hop i, among the valid certifications by NODES[i] of
 *      NODES[i+1], take the best usable one: on the last hop it must
 *      certify UID (or, when the last two nodes are the same key, the hop
 *      is the key's self-signature, which needs UID to be self-signed);
 *      earlier hops may certify any user ID.  Each certification's depth
 *      must cover the hops after it (255 = unlimited) and its regexes
 *      must match UID.
 *   3. The path's amount is the smallest amount on it, the first hop
 *      capped by the root's amount.
 */
gpg_error_t
weft_network_check_path(weft_network *n, const uint32_t *nodes, size_t nnodes,
			const uint8_t *uid, size_t uid_len, weft_tpath *out,
			char *why, size_t whylen)
{
	const weft_summary *ts;
	size_t i, k, nre;
	const uint32_t *re;
	int amount = WEFT_FULL, root, target_uid = -1;
	weft_tstate st;
	gpg_error_t err;

	memset(out, 0, sizeof *out);
	why[0] = 0;
	if (!nnodes)
		return WEFT_ERR(GPG_ERR_INV_VALUE);
	out->root = nodes[0];
	root = weft_network_root_amount(n, nodes[0]);
	if (!root && !(weft_network__flags(n) & WEFT_NET_GOSSIP)) {
		snprintf(why, whylen, "the first key is not a trust root");
		return WEFT_ERR(GPG_ERR_BAD_CERT_CHAIN);
	}
	if (root && root < amount)
		amount = root;
	ts = weft_network_summary(n, nodes[nnodes - 1]);
	for (i = 0; i < ts->nuids; i++)
		if (ts->uids[i].tag == WEFT_PKT_USER_ID &&
		    ts->uids[i].len == uid_len &&
		    !memcmp(ts->uids[i].data, uid, uid_len)) {
			weft_summary_uid_state(ts, i, weft_network__time(n),
					       weft_network__time(n), &st);
			if (st.valid)
				target_uid = (int)i;
		}
	out->edges = calloc(nnodes, sizeof *out->edges);
	if (!out->edges)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (nnodes == 1) {
		if (target_uid < 0) {
			snprintf(why, whylen,
				 "the root did not self-sign this user ID");
			return WEFT_ERR(GPG_ERR_BAD_CERT_CHAIN);
		}
		out->amount = amount;
		return 0;
	}
	for (i = 0; i + 1 < nnodes; i++) {
		uint32_t from = nodes[i], to = nodes[i + 1];
		bool last = i + 2 == nnodes;
		int need = (int)(nnodes - 2 - i), best = -1, best_amount = -1;

		if (last && from == to) {
			/* The self-signature hop. */
			if (target_uid < 0) {
				snprintf(why, whylen,
					 "hop %zu: the key did not self-sign this user ID",
					 i + 1);
				return WEFT_ERR(GPG_ERR_BAD_CERT_CHAIN);
			}
			out->edges[out->nedges].issuer = from;
			out->edges[out->nedges].target = to;
			out->edges[out->nedges].uid = target_uid;
			out->edges[out->nedges].amount = WEFT_FULL;
			out->edges[out->nedges].self = true;
			out->nedges++;
			continue;
		}
		if ((err = weft_network__redges(n, to, &re, &nre)))
			return err;
		for (k = 0; k < nre; k++) {
			const weft_tedge *e = weft_network__edge(n, re[k]);
			int d = e->depth, a = e->amount;

			if (e->issuer != from)
				continue;
			if (last && e->uid != target_uid)
				continue;
			if (!(weft_network__flags(n) & WEFT_NET_GOSSIP)) {
				if (d != WEFT_DEPTH_UNLIMITED && d < need)
					continue;
				if (!weft_trust_regex_match(
					    weft_network_summary(n, to), e->sig,
					    uid, uid_len))
					continue;
			}
			if (a > best_amount) {
				best_amount = a;
				best = (int)k;
			}
		}
		if (best < 0) {
			snprintf(why, whylen,
				 "hop %zu: no valid certification %s the next key%s",
				 i + 1, last ? "of this user ID by" : "by this key of",
				 need > 0 ? " as a trusted introducer deep enough, in scope" : "");
			return WEFT_ERR(GPG_ERR_BAD_CERT_CHAIN);
		}
		out->edges[out->nedges++] = *weft_network__edge(n, re[best]);
		if (best_amount < amount)
			amount = best_amount;
	}
	if (out->nedges && !out->edges[out->nedges - 1].self &&
	    out->edges[out->nedges - 1].uid != target_uid) {
		snprintf(why, whylen, "the last hop does not certify this user ID");
		return WEFT_ERR(GPG_ERR_BAD_CERT_CHAIN);
	}
	out->amount = amount;
	return 0;
}
