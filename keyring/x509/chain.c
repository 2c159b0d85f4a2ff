/* chain.c - which certificate issued which, and which issuances hold.
 *
 * The rules are RFC 5280's path validation (6.1), turned around: instead
 * of validating one path up from a leaf, every path is walked down from
 * every trusted root at once, and each step that holds becomes an edge
 * (a certification in the web of trust, bridge.c).  Time is left out
 * here (the edges carry notBefore and notAfter, and the trust engine
 * judges them at its reference time); weft_x509_set_status puts it back
 * for the explanations.
 *
 *   1. Links: a certificate's issuer candidates are the certificates whose
 *      subject Name is its issuer Name (as DER, else as libksba's
 *      string); a candidate is an issuer when its key verifies the
 *      signature.  Links found before are kept in the records (the
 *      signature is checked once).
 *   2. Roots: a certificate you trusted must be self-signed (its own key
 *      verifies it) and a CA (basicConstraints cA).
 *   3. Down from each root, depth first, carrying the path: a child C of
 *      issuer I holds when
 *        a. I is a CA, and its keyUsage (if present) has keyCertSign;
 *        b. I may still issue: the pathLenConstraints above left room
 *           (each non-self-issued CA below the root takes one);
 *        c. C has no critical extension weft cannot process, a key that
 *           maps to OpenPGP, and, not being a CA, an extKeyUsage (if
 *           present) that allows email protection;
 *        d. C's names (subjectAltName, the subject DN's emailAddress, the
 *           subject DN unless C is a self-issued CA) fall within the
 *           nameConstraints of every CA on the path.
 *      The edge I -> C is made at max(notBefore of I, C) and expires with
 *      the first notAfter on the path (X.509's shell model: a chain is
 *      only as valid as its shortest-lived certificate).  A CA child gets
 *      depth (room left) + 1, or unlimited, and its own permitted
 *      rfc822Name subtrees as the edge's scope; the walk goes on into it.
 *   4. Every certificate no step reached gets the first reason found.
 *   5. CRLs: the issuer is the certificate whose subject is the CRL's
 *      issuer, whose key verifies the CRL's signature and (keyUsage
 *      present) may sign CRLs.  An entry revokes the certificate of that
 *      issuer with that serial, from the entry's date; certificateHold
 *      counts only on the issuer's newest CRL.
 */
#include "x509.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <ksba.h>

#include "../util/mem.h"

#define UNLIMITED INT_MAX
#define MAX_PATH 16

/* ---- the set --------------------------------------------------------------- */

static void
trust_free(weft_x509_trust *t)
{
	size_t i;

	for (i = 0; i < t->ndomains; i++)
		free(t->domains[i]);
	memset(t, 0, sizeof *t);
}

static void
edge_free(weft_x509_edge *e)
{
	size_t i;

	for (i = 0; i < e->ndomains; i++)
		free(e->domains[i]);
	free(e->domains);
}

void
weft_x509_set_free(weft_x509_set *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		weft_x509_node *nd = &s->nodes[i];

		weft_x509_cert_free(nd->cert);
		trust_free(&nd->trust);
		free(nd->known);
		free(nd->issuers);
		free(nd->why);
		free(nd->in);
	}
	free(s->nodes);
	for (i = 0; i < s->ncrls; i++)
		weft_x509_crl_free(s->crls[i]);
	free(s->crls);
	free(s->crl_stored);
	free(s->crl_issuer);
	for (i = 0; i < s->nedges; i++)
		edge_free(&s->edges[i]);
	free(s->edges);
	memset(s, 0, sizeof *s);
}

gpg_error_t
weft_x509_set_add(weft_x509_set *s, weft_x509_cert *c, size_t *idx)
{
	gpg_error_t err = weft_grow((void **)&s->nodes, &s->cap, s->n + 1,
				    sizeof *s->nodes);

	if (err) {
		weft_x509_cert_free(c);
		return err;
	}
	memset(&s->nodes[s->n], 0, sizeof s->nodes[s->n]);
	s->nodes[s->n].cert = c;
	s->nodes[s->n].budget = -1;
	if (idx)
		*idx = s->n;
	s->n++;
	return 0;
}

gpg_error_t
weft_x509_set_add_crl(weft_x509_set *s, weft_x509_crl *c, bool stored)
{
	size_t cap = s->crls_cap;
	gpg_error_t err;

	if ((err = weft_grow((void **)&s->crls, &cap, s->ncrls + 1,
			     sizeof *s->crls))) {
		weft_x509_crl_free(c);
		return err;
	}
	cap = s->crls_cap;
	if ((err = weft_grow((void **)&s->crl_stored, &cap, s->ncrls + 1,
			     sizeof *s->crl_stored))) {
		weft_x509_crl_free(c);
		return err;
	}
	cap = s->crls_cap;
	if ((err = weft_grow((void **)&s->crl_issuer, &cap, s->ncrls + 1,
			     sizeof *s->crl_issuer))) {
		weft_x509_crl_free(c);
		return err;
	}
	s->crls_cap = cap;
	s->crls[s->ncrls] = c;
	s->crl_stored[s->ncrls] = stored;
	s->crl_issuer[s->ncrls] = (size_t)-1;
	s->ncrls++;
	return 0;
}

static int
node_cmp(const void *a, const void *b)
{
	return memcmp(((const weft_x509_node *)a)->cert->sha256,
		      ((const weft_x509_node *)b)->cert->sha256, 32);
}

static int
crl_cmp(const void *a, const void *b)
{
	return memcmp((*(weft_x509_crl *const *)a)->sha256,
		      (*(weft_x509_crl *const *)b)->sha256, 32);
}

void
weft_x509_set_sort(weft_x509_set *s)
{
	size_t i;

	if (s->n > 1)
		qsort(s->nodes, s->n, sizeof *s->nodes, node_cmp);
	if (s->ncrls > 1) {
		/* crl_stored follows its CRL */
		for (i = 0; i < s->ncrls; i++)
			s->crls[i]->stored_flag = s->crl_stored[i];
		qsort(s->crls, s->ncrls, sizeof *s->crls, crl_cmp);
		for (i = 0; i < s->ncrls; i++)
			s->crl_stored[i] = s->crls[i]->stored_flag;
	}
}

ptrdiff_t
weft_x509_set_find(const weft_x509_set *s, const uint8_t sha[32])
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!memcmp(s->nodes[i].cert->sha256, sha, 32))
			return (ptrdiff_t)i;
	return -1;
}

/* ---- signatures ----------------------------------------------------------------- */

/* libksba's hash callback: collect the TBSCertificate. */
static void
collect(void *arg, const void *p, size_t n)
{
	weft_buf_put(arg, p, n);
}

gpg_error_t
weft_x509_cert_verify(const weft_x509_cert *c, const weft_x509_cert *issuer)
{
	switch (c->sigalg) {
	case WEFT_X509_SIG_RSA:
	case WEFT_X509_SIG_ECDSA:
	case WEFT_X509_SIG_ED25519:
		break;
	default:
		return WEFT_ERR(GPG_ERR_NOT_SUPPORTED);
	}
	/* MD5 never; SHA-1 only where collisions do not matter: a root's
	 * signature over itself (the trust comes from you, not from it). */
	if (c->sig_hash == WEFT_HASH_MD5 ||
	    (c->sig_hash == WEFT_HASH_SHA1 && c != issuer))
		return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
	{
		/* The signed part: what libksba streams when asked for the
		 * TBSCertificate (what = 1). */
		weft_buf tbs;
		gpg_error_t err;

		weft_buf_init(&tbs);
		err = ksba_cert_hash(c->ksba, 1, collect, &tbs);
		if (!err)
			err = weft_buf_error(&tbs);
		if (!err) {
			ksba_sexp_t sv = ksba_cert_get_sig_val(c->ksba);
			size_t svlen = weft_x509__canon_len(sv, 64 * 1024);

			err = svlen ? weft_x509_sig_verify(issuer->key_sexp,
						issuer->key_sexp_len, sv, svlen,
						c->sig_hash, tbs.data, tbs.len)
				    : WEFT_ERR(GPG_ERR_INV_DATA);
			ksba_free(sv);
		}
		weft_buf_free(&tbs);
		return err;
	}
}

/* ---- 1. links ------------------------------------------------------------------------ */

static bool
names_issuer(const weft_x509_cert *issuer, const weft_x509_cert *c)
{
	if (issuer->subject_der_len == c->issuer_der_len &&
	    !memcmp(issuer->subject_der, c->issuer_der, c->issuer_der_len))
		return true;
	return issuer->subject[0] && !strcmp(issuer->subject, c->issuer);
}

static bool
known_link(const weft_x509_node *nd, const uint8_t sha[32])
{
	size_t i;

	for (i = 0; i < nd->nknown; i++)
		if (!memcmp(nd->known[i], sha, 32))
			return true;
	return false;
}

static gpg_error_t
set_why(weft_x509_node *nd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static gpg_error_t
set_why(weft_x509_node *nd, const char *fmt, ...)
{
	char line[600];
	va_list ap;

	if (nd->why)
		return 0;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	return (nd->why = strdup(line)) ? 0 : WEFT_ERR(GPG_ERR_ENOMEM);
}

static gpg_error_t
link_node(weft_x509_set *s, size_t i)
{
	weft_x509_node *nd = &s->nodes[i];
	const weft_x509_cert *c = nd->cert;
	size_t j, cand = 0, kept = 0, cap = 0;
	gpg_error_t err, verr = 0;

	for (j = 0; j < s->n; j++) {
		const weft_x509_cert *ic = s->nodes[j].cert;

		if (s->nodes[j].removed || !names_issuer(ic, c))
			continue;
		if (j == i && !c->self_issued)
			continue;
		cand++;
		if (!known_link(nd, ic->sha256)) {
			err = weft_x509_cert_verify(c, ic);
			if (err) {
				if (!verr)
					verr = err;
				continue;
			}
			nd->links_changed = true;
		} else {
			kept++;
		}
		if ((err = weft_grow((void **)&nd->issuers, &cap,
				     nd->nissuers + 1, sizeof *nd->issuers)))
			return err;
		nd->issuers[nd->nissuers++] = j;
	}
	if (kept != nd->nknown)
		nd->links_changed = true;  /* a linked issuer went */
	if (nd->nissuers)
		return 0;
	if (!cand)
		return set_why(nd, "its issuer %s is not imported", c->issuer);
	switch (gpg_err_code(verr)) {
	case GPG_ERR_NOT_SUPPORTED:
		return set_why(nd, "it is signed with %s, which weft cannot check%s",
			       c->sigalg_name,
			       c->sigalg == WEFT_X509_SIG_RSA_PSS
				       ? " (RSA-PSS is not supported)" : "");
	case GPG_ERR_DIGEST_ALGO:
		return set_why(nd, "it is signed with %s: %s is not accepted (collisions)",
			       c->sigalg_name,
			       c->sig_hash == WEFT_HASH_MD5 ? "MD5" : "SHA-1");
	default:
		return set_why(nd, "its signature does not verify with the key of %s",
			       c->issuer);
	}
}

/* ---- 3. down from the roots ------------------------------------------------------------- */

typedef struct walk {
	weft_x509_set *s;
	size_t path[MAX_PATH];   /* nodes, root first */
	size_t npath;
} walk;

static bool
on_path(const walk *w, size_t n)
{
	size_t i;

	for (i = 0; i < w->npath; i++)
		if (w->path[i] == n)
			return true;
	return false;
}

static bool
has_issuer(const weft_x509_node *nd, size_t i)
{
	size_t k;

	for (k = 0; k < nd->nissuers; k++)
		if (nd->issuers[k] == i)
			return true;
	return false;
}

/* The permitted rfc822Name subtrees of NC as domains ("example.com" and
 * ".example.com" both give example.com; a mailbox stays a mailbox). */
gpg_error_t
weft_x509__nc_domains(const weft_x509_nc *nc, char ***out, size_t *n)
{
	char **v, d[300];
	size_t i, k, cnt = 0;

	*out = NULL;
	*n = 0;
	if (!nc)
		return 0;
	if (!(v = calloc(nc->npermitted + 1, sizeof *v)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (i = 0; i < nc->npermitted; i++) {
		const weft_gname *g = &nc->permitted[i];
		size_t off = 0, len;

		if (g->type != WEFT_GN_RFC822 || !g->len)
			continue;
		if (g->data[0] == '.')
			off = 1;
		len = g->len - off;
		if (!len || len >= sizeof d)
			continue;
		for (k = 0; k < len; k++) {
			char ch = (char)g->data[off + k];

			d[k] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
		}
		d[len] = 0;
		for (k = 0; k < cnt; k++)
			if (!strcmp(v[k], d))
				break;
		if (k < cnt)
			continue;
		if (!(v[cnt] = strdup(d))) {
			while (cnt)
				free(v[--cnt]);
			free(v);
			return WEFT_ERR(GPG_ERR_ENOMEM);
		}
		cnt++;
	}
	if (!cnt) {
		free(v);
		return 0;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static uint32_t
u32_time(int64_t t)
{
	return t < 0 ? 0 : t > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

static gpg_error_t
add_edge(weft_x509_set *s, size_t issuer, size_t subject, uint32_t created,
	 uint32_t expires, uint8_t depth, size_t parent, size_t *out)
{
	weft_x509_node *sub = &s->nodes[subject];
	weft_x509_edge *e;
	size_t i, cap;
	gpg_error_t err;

	for (i = 0; i < sub->nin; i++) {
		e = &s->edges[sub->in[i]];
		if (e->issuer == issuer && e->created == created &&
		    e->expires == expires && e->depth == depth) {
			*out = sub->in[i];
			return 0;
		}
	}
	if ((err = weft_grow((void **)&s->edges, &s->edges_cap, s->nedges + 1,
			     sizeof *s->edges)))
		return err;
	cap = sub->nin;
	if ((err = weft_grow((void **)&sub->in, &cap, sub->nin + 1,
			     sizeof *sub->in)))
		return err;
	e = &s->edges[s->nedges];
	memset(e, 0, sizeof *e);
	e->issuer = issuer;
	e->subject = subject;
	e->created = created;
	e->expires = expires;
	e->depth = depth;
	e->parent = parent;
	if (depth && (err = weft_x509__nc_domains(sub->cert->nc, &e->domains,
						  &e->ndomains)))
		return err;
	sub->in[sub->nin++] = s->nedges;
	*out = s->nedges++;
	return 0;
}

/* The first notAfter on the path down to (and including) node I, as
 * walked: the minimum. */
static int64_t
path_end(const walk *w)
{
	int64_t end = INT64_MAX;
	size_t i;

	for (i = 0; i < w->npath; i++) {
		int64_t na = w->s->nodes[w->path[i]].cert->not_after;

		if (na < end)
			end = na;
	}
	return end;
}

static gpg_error_t visit(walk *w, size_t i, int budget, size_t limiter,
			 size_t in_edge);

/* 3a-d for child C of the last node on the path, I. */
static gpg_error_t
child(walk *w, size_t i, size_t ci, int budget, size_t limiter,
      size_t in_edge)
{
	weft_x509_set *s = w->s;
	weft_x509_node *cn = &s->nodes[ci];
	const weft_x509_cert *ic = s->nodes[i].cert, *c = cn->cert;
	weft_x509_names names;
	char why[400];
	int cb;
	size_t k, e, lim;
	uint8_t depth;
	int64_t end;
	gpg_error_t err;

	/* a */
	if (!ic->is_ca)
		return set_why(cn, "its issuer %s is not a CA (basicConstraints)",
			       ic->subject);
	if (ic->has_ku && !(ic->ku & KSBA_KEYUSAGE_KEY_CERT_SIGN))
		return set_why(cn, "its issuer %s may not sign certificates (keyUsage lacks keyCertSign)",
			       ic->subject);
	/* b */
	if (budget < 0) {
		const weft_x509_cert *lc = s->nodes[limiter].cert;

		return set_why(cn, "path length: %s has pathLenConstraint %d, so %s may not be a CA that issues certificates",
			       lc->subject, lc->pathlen, ic->subject);
	}
	/* c */
	if (c->bad_ext)
		return set_why(cn, "it has an extension weft cannot process: %s",
			       c->bad_ext);
	if (c->key_problem)
		return set_why(cn, "%s", c->key_problem);
	if (!c->is_ca && c->has_eku && !c->eku_email)
		return set_why(cn, "it is not for email: its extendedKeyUsage lacks emailProtection");
	/* d */
	memset(&names, 0, sizeof names);
	names.san = c->san;
	names.nsan = c->nsan;
	names.dn_emails = (const char *const *)c->dn_emails;
	names.ndn_emails = c->ndn_emails;
	if (!(c->is_ca && c->self_issued)) {
		names.subject = c->subject_der;
		names.subject_len = c->subject_der_len;
	}
	for (k = 0; k < w->npath; k++) {
		const weft_x509_cert *a = s->nodes[w->path[k]].cert;

		if (a->has_nc && !weft_x509_nc_check(a->nc, &names, why,
						     sizeof why))
			return set_why(cn, "outside the name constraints of %s: %s",
				       a->subject, why);
	}
	/* the edge */
	end = path_end(w);
	if (c->not_after < end)
		end = c->not_after;
	cb = -1;
	lim = limiter;
	if (c->is_ca) {
		cb = budget == UNLIMITED ? UNLIMITED
		   : c->self_issued ? budget : budget - 1;
		if (c->pathlen >= 0 && c->pathlen <= cb) {
			cb = c->pathlen;
			lim = ci;
		}
	}
	depth = cb < 0 ? 0 : cb == UNLIMITED ? 255
	      : (uint8_t)(cb + 1 > 254 ? 254 : cb + 1);
	if ((err = add_edge(s, i, ci,
			    u32_time(c->not_before > ic->not_before
					     ? c->not_before : ic->not_before),
			    end >= (int64_t)UINT32_MAX ? 0 : u32_time(end),
			    depth, in_edge, &e)))
		return err;
	cn->chained = true;
	if (cb > cn->budget || !cn->nin_budget++) {
		cn->budget = cb;
		cn->limiter = lim;
	}
	if (!c->is_ca)
		return 0;
	return visit(w, ci, cb, lim, e);
}

static gpg_error_t
visit(walk *w, size_t i, int budget, size_t limiter, size_t in_edge)
{
	weft_x509_set *s = w->s;
	size_t ci;
	gpg_error_t err = 0;

	if (w->npath == MAX_PATH)
		return 0;
	w->path[w->npath++] = i;
	for (ci = 0; ci < s->n && !err; ci++) {
		if (s->nodes[ci].removed || on_path(w, ci) ||
		    !has_issuer(&s->nodes[ci], i))
			continue;
		err = child(w, i, ci, budget, limiter, in_edge);
	}
	w->npath--;
	return err;
}

/* ---- 5. CRLs ------------------------------------------------------------------------------ */

static gpg_error_t
apply_crls(weft_x509_set *s)
{
	size_t k, j, e, i;

	for (k = 0; k < s->ncrls; k++) {
		const weft_x509_crl *crl = s->crls[k];

		for (j = 0; j < s->n; j++) {
			const weft_x509_cert *ic = s->nodes[j].cert;

			if (s->nodes[j].removed || !ic->subject[0] ||
			    strcmp(ic->subject, crl->issuer))
				continue;
			if (ic->has_ku && !(ic->ku & KSBA_KEYUSAGE_CRL_SIGN))
				continue;
			if (!weft_x509_crl_verify(crl, ic)) {
				s->crl_issuer[k] = j;
				break;
			}
		}
	}
	for (k = 0; k < s->ncrls; k++) {
		const weft_x509_crl *crl = s->crls[k];
		bool newest = true;

		if (s->crl_issuer[k] == (size_t)-1)
			continue;
		for (j = 0; j < s->ncrls; j++)
			if (j != k && s->crl_issuer[j] == s->crl_issuer[k] &&
			    s->crls[j]->this_update > crl->this_update)
				newest = false;
		for (e = 0; e < crl->nentries; e++) {
			const weft_x509_crl_entry *en = &crl->entries[e];

			if ((en->reason & KSBA_CRLREASON_CERTIFICATE_HOLD) &&
			    !newest)
				continue;
			for (i = 0; i < s->n; i++) {
				weft_x509_node *nd = &s->nodes[i];

				if (nd->removed || strcmp(nd->cert->serial,
							  en->serial) ||
				    strcmp(nd->cert->issuer, crl->issuer))
					continue;
				if (nd->revoked && nd->revoked_at <= en->when)
					continue;
				nd->revoked = true;
				nd->revoked_at = en->when;
				nd->revoked_reason = en->reason;
				nd->revoked_by = crl->issuer;
			}
		}
	}
	return 0;
}

/* ---- the whole resolution ----------------------------------------------------------- */

gpg_error_t
weft_x509_set_resolve(weft_x509_set *s)
{
	walk w;
	size_t i, k;
	gpg_error_t err;

	/* 1 */
	for (i = 0; i < s->n; i++)
		if (!s->nodes[i].removed && (err = link_node(s, i)))
			return err;
	/* 2 */
	for (i = 0; i < s->n; i++) {
		weft_x509_node *nd = &s->nodes[i];

		if (nd->removed || !nd->root)
			continue;
		if (!has_issuer(nd, i)) {
			free(nd->why);
			nd->why = NULL;
			if ((err = set_why(nd, "its self-signature does not verify")))
				return err;
			continue;
		}
		if (!nd->cert->is_ca) {
			if ((err = set_why(nd, "it is not a CA certificate (basicConstraints)")))
				return err;
			continue;
		}
		if (nd->cert->key_problem || nd->cert->bad_ext) {
			if ((err = set_why(nd, "%s", nd->cert->key_problem
					   ? nd->cert->key_problem
					   : nd->cert->bad_ext)))
				return err;
			continue;
		}
		nd->root_ok = true;
		nd->chained = true;
		free(nd->why);
		nd->why = NULL;
	}
	/* 3 */
	memset(&w, 0, sizeof w);
	w.s = s;
	for (i = 0; i < s->n; i++) {
		weft_x509_node *nd = &s->nodes[i];
		int budget;

		if (!nd->root_ok)
			continue;
		budget = nd->cert->pathlen >= 0 ? nd->cert->pathlen : UNLIMITED;
		if (budget > nd->budget)
			nd->budget = budget;
		if ((err = visit(&w, i, budget, i, (size_t)-1)))
			return err;
	}
	/* 4 */
	for (i = 0; i < s->n; i++) {
		weft_x509_node *nd = &s->nodes[i];

		if (nd->removed || nd->chained || nd->why)
			continue;
		for (k = 0; k < nd->nissuers; k++)
			if (nd->issuers[k] != i)
				break;
		if (k < nd->nissuers)
			err = set_why(nd, "its issuer %s does not chain to a root you trust",
				      s->nodes[nd->issuers[k]].cert->subject);
		else
			err = set_why(nd, "it is self-signed but not a root you trust");
		if (err)
			return err;
	}
	/* 5 */
	return apply_crls(s);
}

/* ---- status at a time --------------------------------------------------------------------- */

/* Is node I valid at T (its own validity and revocation)?  WHY when
 * not. */
static bool
valid_at(const weft_x509_node *nd, int64_t t, char *why, size_t whylen)
{
	const weft_x509_cert *c = nd->cert;
	char d[32];

	if (t < c->not_before) {
		weft_x509_date(c->not_before, d, sizeof d);
		snprintf(why, whylen, "%s is not valid before %s", c->subject, d);
		return false;
	}
	if (t >= c->not_after) {
		weft_x509_date(c->not_after, d, sizeof d);
		snprintf(why, whylen, "%s expired on %s", c->subject, d);
		return false;
	}
	if (nd->revoked && (nd->revoked_at <= t ||
			    (nd->revoked_reason &
			     (KSBA_CRLREASON_KEY_COMPROMISE |
			      KSBA_CRLREASON_CA_COMPROMISE)))) {
		weft_x509_date(nd->revoked_at, d, sizeof d);
		snprintf(why, whylen, "%s was revoked on %s by the CRL of %s (%s)",
			 c->subject, d, nd->revoked_by,
			 weft_x509_reason_name(nd->revoked_reason));
		return false;
	}
	return true;
}

static bool
chain_at(const weft_x509_set *s, size_t i, int64_t t, int depth, char *why,
	 size_t whylen, size_t *root)
{
	const weft_x509_node *nd = &s->nodes[i];
	char first[600] = "";
	size_t k;

	if (!valid_at(nd, t, why, whylen))
		return false;
	if (nd->root_ok) {
		*root = i;
		return true;
	}
	if (depth == MAX_PATH)
		return false;
	for (k = 0; k < nd->nin; k++) {
		const weft_x509_edge *e = &s->edges[nd->in[k]];

		if (chain_at(s, e->issuer, t, depth + 1, why, whylen, root))
			return true;
		if (!first[0])
			snprintf(first, sizeof first, "%s", why);
	}
	if (first[0])
		snprintf(why, whylen, "%s", first);
	return false;
}

bool
weft_x509_set_status(const weft_x509_set *s, size_t i, int64_t t, char *why,
		     size_t whylen, size_t *root)
{
	const weft_x509_node *nd = &s->nodes[i];

	*root = (size_t)-1;
	if (whylen)
		why[0] = 0;
	if (!nd->chained) {
		snprintf(why, whylen, "%s", nd->why ? nd->why : "no chain to a root you trust");
		return false;
	}
	return chain_at(s, i, t, 0, why, whylen, root);
}
