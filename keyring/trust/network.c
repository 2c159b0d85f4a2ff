/* network.c - the certification network, built lazily around questions.
 *
 * A node is a certificate that the policy accepts at the reference time T
 * (sq-wot keeps only ValidCerts).  Expired and soft-revoked certificates
 * stay nodes: they still introduce what they certified while alive.
 *
 * The incoming edges of a node are computed the first time a search
 * reaches it, as sq-wot's Network::from_valid_certs does for every
 * certificate:
 *   1. Only user IDs bound at T (a live self-signature the policy
 *      accepts; revoked ones included) that are valid UTF-8 carry edges.
 *   2. Their third-party certifications that the policy accepts (with
 *      collision resistance), taken per issuer from the newest:
 *      a. created after T, or expired at T: skipped;
 *      b. the target must be valid, alive, not hard-revoked and not
 *         soft-revoked at or before the certification's time;
 *      c. the issuer must be a node, and valid, alive, not hard-revoked
 *         and not soft-revoked at or before the certification's time;
 *      d. a revocation of the certification by the same issuer, made
 *         after it and at or before T, kills it (an older certification
 *         of the same issuer is then tried, and is killed too unless it
 *         is newer than the revocation);
 *      e. the first certification that passes wins for that issuer and
 *         user ID, with any others of the same second ("newest wins";
 *         an expired or future one does not shadow an older live one).
 *   3. A certification without a trust signature is an edge of depth 0
 *      and amount 120; a trust signature gives its depth (255 =
 *      unlimited) and amount, and its regexes scope it.
 */
#include <stdlib.h>

#include "trust-int.h"
#include "../util/mem.h"

typedef struct tnode {
	uint8_t fpr[WEFT_FPR_MAX];
	uint8_t fpr_len;
	bool loaded;
	bool valid;              /* a node of the network */
	bool redges_done;
	const weft_summary *sum;
	uint32_t expires;        /* at T; 0 = never */
	weft_rev_kind rev;       /* at T */
	uint32_t rev_time;
	uint32_t created;
	uint32_t stable_from;    /* from then on the state is as at T
				    (weft_summary_stable_from) */
	int root;                /* root amount, 0 if not a root */
	uint32_t *redges;        /* incoming edges (indices) */
	size_t nredges;
	uint32_t *tredges;       /* those of depth 1 or more, in that order
				    (NULL when none) */
	size_t ntredges;
} tnode;

struct weft_network {
	const weft_tsource *src;
	uint32_t t;
	unsigned flags;
	tnode *nodes;
	size_t nnodes, nodes_cap;
	uint64_t *table;         /* open addressing: SLOT(hash, index) */
	size_t tcap;
	weft_tedge *edges;
	size_t nedges, edges_cap;
	uint32_t *roots;         /* the nodes with a root amount, ascending
				    (fixed once the network is made) */
	size_t nroots;
	uint8_t *reach;          /* weft_network_reach: 1 for the nodes a
				    path from a root can pass through; NULL
				    when not computed */
	size_t nreach;           /* nodes it covers (later ones: maybe) */
	weft_scratch scratch;    /* for the searches (wot.c) */
};

/* ---- nodes -------------------------------------------------------------- */

/* Fingerprints are hash outputs: a few multiplications of their words
 * spread them well enough, and do not wait on each octet in turn. */
static uint32_t
hash_fpr(const uint8_t *p, size_t n)
{
	uint64_t h = n, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15u;
	}
	if (i < n) {
		w = 0;
		memcpy(&w, p + i, n - i);
		h = (h ^ w) * 0x9e3779b97f4a7c15u;
	}
	return (uint32_t)(h >> 32);
}

/* A slot: the fingerprint's hash above, node index + 1 below (0: empty),
 * so that a probe looks at a node only when the hashes agree. */
#define SLOT(hash, i) ((uint64_t)(hash) << 32 | ((uint32_t)(i) + 1))

static gpg_error_t
table_grow(weft_network *n)
{
	size_t ncap = n->tcap ? n->tcap * 2 : 256, i, h;
	uint64_t *t = calloc(ncap, sizeof *t);

	if (!t)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (i = 0; i < n->tcap; i++) {
		if (!n->table[i])
			continue;
		h = (size_t)(n->table[i] >> 32) & (ncap - 1);
		while (t[h])
			h = (h + 1) & (ncap - 1);
		t[h] = n->table[i];
	}
	free(n->table);
	n->table = t;
	n->tcap = ncap;
	return 0;
}

/* Find FPR's node index, creating an unloaded entry if needed. */
static gpg_error_t
node_index(weft_network *n, const uint8_t *fpr, size_t len, uint32_t *out)
{
	uint32_t hash, i;
	size_t h;
	tnode *nd;
	gpg_error_t err;

	if (len == 0 || len > WEFT_FPR_MAX)
		return WEFT_ERR(GPG_ERR_INV_VALUE);
	if (2 * (n->nnodes + 1) > n->tcap && (err = table_grow(n)))
		return err;
	hash = hash_fpr(fpr, len);
	h = hash & (n->tcap - 1);
	for (; n->table[h]; h = (h + 1) & (n->tcap - 1)) {
		if ((uint32_t)(n->table[h] >> 32) != hash)
			continue;
		i = (uint32_t)n->table[h] - 1;
		nd = &n->nodes[i];
		if (nd->fpr_len == len && !memcmp(nd->fpr, fpr, len)) {
			*out = i;
			return 0;
		}
	}
	if ((err = weft_grow((void **)&n->nodes, &n->nodes_cap, n->nnodes + 1,
			     sizeof *n->nodes)))
		return err;
	nd = &n->nodes[n->nnodes];
	memset(nd, 0, sizeof *nd);
	memcpy(nd->fpr, fpr, len);
	nd->fpr_len = (uint8_t)len;
	n->table[h] = SLOT(hash, n->nnodes);
	*out = (uint32_t)n->nnodes++;
	return 0;
}

/* Load a node's summary and its state at T. */
static gpg_error_t
node_load(weft_network *n, uint32_t i)
{
	tnode *nd = &n->nodes[i];
	const weft_summary *s;
	weft_tkey_state ks;
	gpg_error_t err;

	if (nd->loaded)
		return 0;
	nd->loaded = true;
	err = n->src->get(n->src->opaque, nd->fpr, nd->fpr_len, &s);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
		return 0;
	if (err)
		return err;
	nd->sum = s;
	weft_summary_primary_state(s, n->t, n->t, &ks);
	nd->valid = ks.b.valid;
	nd->expires = ks.expires;
	nd->rev = !ks.b.revoked ? WEFT_REV_NONE
		  : ks.b.hard_revoked ? WEFT_REV_HARD : WEFT_REV_SOFT;
	nd->rev_time = ks.b.revoked ? ks.b.revoked_at : 0;
	nd->created = ks.created;
	nd->stable_from = weft_summary_stable_from(s, n->t);
	return 0;
}

gpg_error_t
weft_network_node(weft_network *n, const uint8_t *fpr, size_t len,
		  uint32_t *out)
{
	uint32_t i;
	gpg_error_t err;

	if ((err = node_index(n, fpr, len, &i)) || (err = node_load(n, i)))
		return err;
	if (!n->nodes[i].valid)
		return WEFT_ERR(GPG_ERR_NOT_FOUND);
	*out = i;
	return 0;
}

gpg_error_t
weft_network_node_any(weft_network *n, const uint8_t *fpr, size_t len,
		      uint32_t *out)
{
	uint32_t i;
	gpg_error_t err;

	if ((err = node_index(n, fpr, len, &i)) || (err = node_load(n, i)))
		return err;
	if (!n->nodes[i].sum)
		return WEFT_ERR(GPG_ERR_NOT_FOUND);
	*out = i;
	return 0;
}

const weft_summary *
weft_network_summary(weft_network *n, uint32_t node)
{
	return n->nodes[node].sum;
}

const uint8_t *
weft_network_fpr(weft_network *n, uint32_t node, size_t *len)
{
	*len = n->nodes[node].fpr_len;
	return n->nodes[node].fpr;
}

int
weft_network_root_amount(weft_network *n, uint32_t node)
{
	return n->nodes[node].root;
}

/* Steps 2b and 2c: valid, alive and not revoked when a certification was
 * made at X (at or before T).  Most certifications are younger than the
 * self-signatures of both their keys: then the state at T answers, and a
 * key certified thousands of times is not looked at again for each. */
bool
weft_network__node_alive_at(weft_network *n, uint32_t i, uint32_t x)
{
	const tnode *nd = &n->nodes[i];
	const weft_summary *s = nd->sum;
	weft_tkey_state ks;

	if (!s)
		return false;
	if (x >= nd->stable_from && x <= n->t)
		return nd->valid && !(nd->expires && nd->expires <= x) &&
		       nd->created <= x &&
		       !(nd->rev == WEFT_REV_HARD ||
			 (nd->rev == WEFT_REV_SOFT && nd->rev_time <= x));
	weft_summary_primary_state(s, x, n->t, &ks);
	if (!ks.b.valid || ks.expired || ks.created > x)
		return false;
	if (ks.b.revoked && (ks.b.hard_revoked || ks.b.revoked_at <= x))
		return false;
	return true;
}

uint32_t
weft_network__node_expires(weft_network *n, uint32_t i)
{
	return n->nodes[i].expires;
}

weft_rev_kind
weft_network__node_rev(weft_network *n, uint32_t i, uint32_t *when)
{
	*when = n->nodes[i].rev_time;
	return n->nodes[i].rev;
}

weft_tedge *
weft_network__edge(weft_network *n, uint32_t e)
{
	return &n->edges[e];
}

unsigned
weft_network__flags(weft_network *n)
{
	return n->flags;
}

uint32_t
weft_network__time(weft_network *n)
{
	return n->t;
}

size_t
weft_network__nnodes(weft_network *n)
{
	return n->nnodes;
}

/* ---- edges ------------------------------------------------------------------ */

static bool
valid_utf8(const uint8_t *p, size_t n)
{
	size_t i = 0, len, k;
	uint32_t cp;

	while (i < n) {
		uint8_t c = p[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += len;
	}
	return true;
}

static gpg_error_t
push_edge(weft_network *n, const weft_tedge *e, uint32_t *out)
{
	gpg_error_t err = weft_grow((void **)&n->edges, &n->edges_cap,
				    n->nedges + 1, sizeof *n->edges);

	if (err)
		return err;
	n->edges[n->nedges] = *e;
	*out = (uint32_t)n->nedges++;
	return 0;
}

/* Step 2d: a revocation by the issuer of group [G, END) newer than C. */
static bool
revoked_by_issuer(const weft_summary *s, size_t g, size_t end,
		  const weft_tsig *c, uint32_t t)
{
	size_t i;

	for (i = g; i < end; i++) {
		const weft_tsig *r = &s->sigs[i];

		if (r->type != WEFT_SIG_CERT_REVOCATION || r->created > t ||
		    r->created <= c->created)
			continue;
		if (!weft_tsig_policy_ok(r, WEFT_SEC_COLLISION, t))
			continue;
		return true;
	}
	return false;
}

static gpg_error_t
uid_edges(weft_network *n, uint32_t ti, size_t u, uint32_t **list,
	  size_t *count, size_t *cap)
{
	const weft_summary *s = n->nodes[ti].sum;
	uint32_t t = n->t, ii, ei;
	size_t first, end, g, gend, i;
	gpg_error_t err;

	/* The component's signatures: self first, then issuer groups. */
	for (first = 0; first < s->nsigs && s->sigs[first].comp < u; first++)
		;
	for (end = first; end < s->nsigs && s->sigs[end].comp == u; end++)
		;
	while (first < end && s->sigs[first].issuer == 0)
		first++;

	for (g = first; g < end; g = gend) {
		const weft_tbytes *issuer = weft_summary_issuer(s, &s->sigs[g]);
		bool seen = false, issuer_loaded = false, issuer_ok = false;
		uint32_t seen_time = 0;

		for (gend = g; gend < end && s->sigs[gend].issuer ==
					     s->sigs[g].issuer; gend++)
			;
		if (!issuer)
			continue;
		for (i = g; i < gend; i++) {
			const weft_tsig *c = &s->sigs[i];
			weft_tedge e;

			if (!weft_sig_is_cert(c->type))
				continue;
			if (!weft_tsig_policy_ok(c, WEFT_SEC_COLLISION, t))
				continue;
			/* a. */
			if (c->created > t || (c->expires && c->expires <= t))
				continue;
			/* b. */
			if (!weft_network__node_alive_at(n, ti, c->created))
				continue;
			/* c. */
			if (!issuer_loaded) {
				issuer_loaded = true;
				err = weft_network_node(n, issuer->data,
							issuer->len, &ii);
				if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND)
					return err;
				issuer_ok = !err;
				/* weft_network_node may have moved the nodes */
				s = n->nodes[ti].sum;
			}
			if (!issuer_ok)
				break;
			if (!weft_network__node_alive_at(n, ii, c->created))
				continue;
			/* d. */
			if (revoked_by_issuer(s, g, gend, c, t))
				continue;
			/* e. */
			if (seen && seen_time > c->created)
				break;
			seen = true;
			seen_time = c->created;

			memset(&e, 0, sizeof e);
			e.issuer = ii;
			e.target = ti;
			e.uid = (int)u;
			e.created = c->created;
			e.expires = c->expires;
			e.level = c->type - WEFT_SIG_GENERIC_CERT;
			e.sig = c;
			if (c->flags & WEFT_TSF_TRUST) {
				e.depth = c->depth;
				e.amount = c->amount;
			} else {
				e.depth = 0;
				e.amount = WEFT_FULL;
			}
			if ((err = push_edge(n, &e, &ei)) ||
			    (err = weft_grow((void **)list, cap, *count + 1,
					     sizeof **list)))
				return err;
			(*list)[(*count)++] = ei;
		}
	}
	return 0;
}

/* Incoming edges in sq-wot's order: by issuer fingerprint (v4 before
 * v6, then octets), then user ID. */
static int
redge_cmp(const void *pa, const void *pb, void *arg)
{
	weft_network *n = arg;
	const weft_tedge *a = &n->edges[*(const uint32_t *)pa];
	const weft_tedge *b = &n->edges[*(const uint32_t *)pb];
	const tnode *ia = &n->nodes[a->issuer], *ib = &n->nodes[b->issuer];
	int r;

	if (ia->fpr_len != ib->fpr_len)
		return ia->fpr_len < ib->fpr_len ? -1 : 1;
	if ((r = memcmp(ia->fpr, ib->fpr, ia->fpr_len)))
		return r;
	if (a->uid != b->uid)
		return a->uid < b->uid ? -1 : 1;
	return *(const uint32_t *)pa < *(const uint32_t *)pb ? -1 : 1;
}

/* Step 1, then 2 for each user ID. */
gpg_error_t
weft_network__redges(weft_network *n, uint32_t i, const uint32_t **edges,
		     size_t *nedges)
{
	const weft_summary *s;
	uint32_t *list = NULL;
	size_t count = 0, cap = 0, u;
	weft_tstate st;
	gpg_error_t err;

	*edges = NULL;
	*nedges = 0;
	if (!n->nodes[i].valid)
		return 0;
	if (n->nodes[i].redges_done) {
		*edges = n->nodes[i].redges;
		*nedges = n->nodes[i].nredges;
		return 0;
	}
	s = n->nodes[i].sum;
	for (u = 0; u < s->nuids; u++) {
		if (s->uids[u].tag != WEFT_PKT_USER_ID ||
		    !valid_utf8(s->uids[u].data, s->uids[u].len))
			continue;
		weft_summary_uid_state(s, u, n->t, n->t, &st);
		if (!st.valid)
			continue;
		if ((err = uid_edges(n, i, u, &list, &count, &cap))) {
			free(list);
			return err;
		}
		s = n->nodes[i].sum;
	}
	if (count > 1)
		qsort_r(list, count, sizeof *list, redge_cmp, n);
	for (u = 0; u < count; u++)
		n->nodes[i].ntredges += n->edges[list[u]].depth > 0;
	if (n->nodes[i].ntredges) {
		uint32_t *t = malloc(n->nodes[i].ntredges * sizeof *t);
		size_t w = 0;

		if (!t) {
			n->nodes[i].ntredges = 0;
			free(list);
			return WEFT_ERR(GPG_ERR_ENOMEM);
		}
		for (u = 0; u < count; u++)
			if (n->edges[list[u]].depth > 0)
				t[w++] = list[u];
		n->nodes[i].tredges = t;
	}
	n->nodes[i].redges = list;
	n->nodes[i].nredges = count;
	n->nodes[i].redges_done = true;
	*edges = list;
	*nedges = count;
	return 0;
}

gpg_error_t
weft_network__tredges(weft_network *n, uint32_t i, const uint32_t **edges,
		      size_t *nedges)
{
	gpg_error_t err = weft_network__redges(n, i, edges, nedges);

	if (!err) {
		*edges = n->nodes[i].tredges;
		*nedges = n->nodes[i].ntredges;
	}
	return err;
}

/* ---- the network ------------------------------------------------------------- */

gpg_error_t
weft_network_new(weft_network **out, const weft_tsource *src, uint32_t t,
		 const weft_troot *roots, size_t nroots, unsigned flags)
{
	weft_network *n;
	uint32_t idx;
	size_t i;
	int amount;
	gpg_error_t err;

	*out = NULL;
	n = calloc(1, sizeof *n);
	if (!n)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	n->src = src;
	n->t = t;
	n->flags = flags;
	for (i = 0; i < nroots; i++) {
		err = weft_network_node(n, roots[i].fpr, roots[i].fpr_len, &idx);
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
			continue; /* roots not in the network are dropped */
		if (err) {
			weft_network_free(n);
			return err;
		}
		amount = roots[i].amount > WEFT_FULL ? WEFT_FULL
						     : roots[i].amount;
		if (amount > n->nodes[idx].root)
			n->nodes[idx].root = amount;
	}
	/* The roots as a list, so that a search does not scan every node
	 * for them (weft check runs one search per binding). */
	n->roots = calloc(nroots + 1, sizeof *n->roots);
	if (!n->roots) {
		weft_network_free(n);
		return WEFT_ERR(GPG_ERR_ENOMEM);
	}
	for (i = 0; i < n->nnodes; i++)
		if (n->nodes[i].root)
			n->roots[n->nroots++] = (uint32_t)i;
	*out = n;
	return 0;
}

/* The nodes a path from a root can pass through, short of its target:
 * every hop but the last is a trust signature (depth 1 or more), so they
 * are the roots and the nodes that chains of trust signatures lead to
 * from a root.  The edges followed here are all the incoming edges of
 * depth 1 or more (weft_network__tredges), whatever their amount,
 * regexes or what the depth left by the chain allows: more than any
 * search may use, never less.  A search from a target then leaves out
 * certifiers that no root reaches, and what lies behind them (which no
 * root reaches either: a trust signature by a reached key would reach
 * it), without changing any answer.  Needs every node's edges: for the
 * questions over every binding, after loading every node. */
gpg_error_t
weft_network_reach(weft_network *n)
{
	size_t nn = n->nnodes, i, k, ne = 0, head = 0, tail = 0;
	uint32_t *start = NULL, *adj = NULL, *queue = NULL, *fill = NULL;
	uint8_t *reach = NULL;
	const uint32_t *te;
	size_t nte;
	gpg_error_t err = 0;

	if (n->flags & WEFT_NET_GOSSIP)
		return 0;
	/* Every node's edges first (this may add nodes: issuers). */
	for (i = 0; i < n->nnodes; i++) {
		if ((err = weft_network__tredges(n, (uint32_t)i, &te, &nte)))
			return err;
		if (n->src->idle)
			n->src->idle(n->src->opaque);
	}
	nn = n->nnodes;
	for (i = 0; i < nn; i++)
		ne += n->nodes[i].ntredges;
	start = calloc(nn + 1, sizeof *start);
	fill = calloc(nn + 1, sizeof *fill);
	adj = malloc((ne ? ne : 1) * sizeof *adj);
	queue = malloc((nn ? nn : 1) * sizeof *queue);
	reach = calloc(nn ? nn : 1, 1);
	if (!start || !fill || !adj || !queue || !reach) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	/* Outgoing trust edges, issuer by issuer. */
	for (i = 0; i < nn; i++)
		for (k = 0; k < n->nodes[i].ntredges; k++)
			start[n->edges[n->nodes[i].tredges[k]].issuer + 1]++;
	for (i = 0; i < nn; i++)
		start[i + 1] += start[i];
	for (i = 0; i < nn; i++)
		for (k = 0; k < n->nodes[i].ntredges; k++) {
			uint32_t is = n->edges[n->nodes[i].tredges[k]].issuer;

			adj[start[is] + fill[is]++] = (uint32_t)i;
		}
	for (i = 0; i < n->nroots; i++)
		if (n->roots[i] < nn && !reach[n->roots[i]]) {
			reach[n->roots[i]] = 1;
			queue[tail++] = n->roots[i];
		}
	while (head < tail) {
		uint32_t v = queue[head++];

		for (k = start[v]; k < start[v + 1]; k++)
			if (!reach[adj[k]]) {
				reach[adj[k]] = 1;
				queue[tail++] = adj[k];
			}
	}
	/* What every search reads: the summaries of the nodes that carry
	 * paths (roots first: the queue is in the order they were
	 * reached). */
	for (i = 0; n->src->keep && i < tail; i++)
		n->src->keep(n->src->opaque, n->nodes[queue[i]].fpr,
			     n->nodes[queue[i]].fpr_len);
	free(n->reach);
	n->reach = reach;
	n->nreach = nn;
	reach = NULL;
leave:
	free(start);
	free(fill);
	free(adj);
	free(queue);
	free(reach);
	return err;
}

bool
weft_network__may_carry(weft_network *n, uint32_t i)
{
	return !n->reach || i >= n->nreach || n->reach[i];
}

const uint32_t *
weft_network__roots(weft_network *n, size_t *count)
{
	*count = n->nroots;
	return n->roots;
}

void
weft_network_free(weft_network *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nnodes; i++) {
		free(n->nodes[i].redges);
		free(n->nodes[i].tredges);
	}
	free(n->nodes);
	free(n->table);
	free(n->edges);
	free(n->roots);
	free(n->reach);
	free(n->scratch.stamp);
	free(n->scratch.next);
	free(n);
}

weft_scratch *
weft_network__scratch(weft_network *n)
{
	return &n->scratch;
}

void
weft_tpaths_free(weft_tpaths *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i].edges);
	free(p->v);
	memset(p, 0, sizeof *p);
}

/* ---- bindings --------------------------------------------------------------- */

static int
int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

gpg_error_t
weft_network_bindings(weft_network *n, uint32_t i, int **uids, size_t *nuids)
{
	const weft_summary *s = n->nodes[i].sum;
	const uint32_t *re;
	size_t nre, k, cnt = 0, w;
	int *v;
	weft_tstate st;
	gpg_error_t err;

	*uids = NULL;
	*nuids = 0;
	if ((err = weft_network__redges(n, i, &re, &nre)))
		return err;
	v = calloc(s->nuids + nre + 1, sizeof *v);
	if (!v)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (k = 0; k < s->nuids; k++) {
		if (s->uids[k].tag != WEFT_PKT_USER_ID)
			continue;
		weft_summary_uid_state(s, k, n->t, n->t, &st);
		if (st.valid)
			v[cnt++] = (int)k;
	}
	for (k = 0; k < nre; k++)
		v[cnt++] = n->edges[re[k]].uid;
	qsort(v, cnt, sizeof *v, int_cmp);
	for (k = 1, w = cnt ? 1 : 0; k < cnt; k++)
		if (v[k] != v[w - 1])
			v[w++] = v[k];
	*uids = v;
	*nuids = w;
	return 0;
}

