/* api.c - weft/x509.h: list, show, remove and fsck, and the report
 * entries (weft_x509_info) that import (import.c) fills too.
 *
 * Every function loads the keyring's X.509 records into a set, adds or
 * takes away what it was asked to, works out the chains (chain.c) and,
 * when it writes, stores the records and everything they imply
 * (bridge.c) in one transaction.  The X.509 lines of trust answers and
 * the S/MIME hook are in annotate.c.
 */
#include "x509.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../util/mem.h"

/* ---- infos --------------------------------------------------------------------- */

static void
info_free(weft_x509_info *x)
{
	size_t i;

	free(x->note);
	free(x->subject);
	free(x->issuer);
	free(x->name);
	for (i = 0; i < x->npermitted; i++)
		free(x->permitted[i]);
	free(x->permitted);
	for (i = 0; i < x->nexcluded; i++)
		free(x->excluded[i]);
	free(x->excluded);
	for (i = 0; i < x->nuids; i++)
		free(x->uids[i]);
	free(x->uids);
	for (i = 0; i < x->nregexes; i++)
		free(x->regexes[i]);
	free(x->regexes);
	free(x->same_key);
	free(x->status);
}

void
weft_x509_list_free(weft_x509_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		info_free(&l->v[i]);
	free(l->v);
	free(l);
}

gpg_error_t
weft_x509__push(weft_x509_list_b *b, weft_x509_info **out)
{
	gpg_error_t err = weft_grow((void **)&b->l->v, &b->cap, b->l->n + 1,
				    sizeof *b->l->v);

	*out = NULL;
	if (err)
		return err;
	*out = &b->l->v[b->l->n++];
	memset(*out, 0, sizeof **out);
	(*out)->pathlen = -1;
	return 0;
}

gpg_error_t
weft_x509__set_str(char **dst, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	free(*dst);
	*dst = s;
	return 0;
}

static gpg_error_t
strs_of(char ***out, size_t *n, const weft_gname *g, size_t count)
{
	char t[300];
	size_t i;

	*out = NULL;
	*n = 0;
	if (!count)
		return 0;
	if (!(*out = calloc(count, sizeof **out)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (i = 0; i < count; i++) {
		weft_x509_gname_text(&g[i], t, sizeof t);
		if (!((*out)[i] = strdup(t)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		(*n)++;
	}
	return 0;
}

/* The status line of node I at T. */
gpg_error_t
weft_x509__status_of(const weft_x509_set *s, size_t i, int64_t t, bool *valid,
	  char **out)
{
	const weft_x509_node *nd = &s->nodes[i];
	char why[700], d[32];
	size_t root;

	*valid = weft_x509_set_status(s, i, t, why, sizeof why, &root);
	if (!*valid)
		return weft_x509__set_str(out, "%s", why);
	weft_x509_date(nd->cert->not_after, d, sizeof d);
	if (root == i)
		return weft_x509__set_str(out, "a root you trust; valid until %s", d);
	if (nd->cert->is_ca && nd->budget < 0)
		return weft_x509__set_str(out, "valid until %s, under the root %s; but it may not issue certificates: %s has pathLenConstraint %d",
			       d, s->nodes[root].cert->subject,
			       s->nodes[nd->limiter].cert->subject,
			       s->nodes[nd->limiter].cert->pathlen);
	return weft_x509__set_str(out, "valid until %s, under the root %s", d,
		       s->nodes[root].cert->subject);
}

/* Fill X from node I of S at time T. */
gpg_error_t
weft_x509__fill(weft_x509_info *x, const weft_x509_set *s, size_t i, int64_t t)
{
	const weft_x509_node *nd = &s->nodes[i];
	const weft_x509_cert *c = nd->cert;
	weft_buf rx;
	size_t k;
	gpg_error_t err;

	x->kind = nd->root ? WEFT_X509_ROOT
		: c->is_ca ? WEFT_X509_CA : WEFT_X509_LEAF;
	weft_hex(c->sha256, 32, x->sha256);
	if (!c->key_problem) {
		weft_hex(c->fpr, 20, x->fpr);
		weft_hex(c->grip, 20, x->keygrip);
	}
	if (!(x->subject = strdup(c->subject)) ||
	    !(x->issuer = strdup(c->issuer)) || !(x->name = strdup(c->cn)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	snprintf(x->serial, sizeof x->serial, "%s", c->serial);
	snprintf(x->algo, sizeof x->algo, "%s", c->algo[0] ? c->algo : "?");
	x->sigalg = c->sigalg_name;
	x->not_before = c->not_before;
	x->not_after = c->not_after;
	x->is_ca = c->is_ca;
	x->pathlen = c->pathlen;
	x->has_key_usage = c->has_ku;
	x->key_usage = c->ku;
	if (c->nc &&
	    ((err = strs_of(&x->permitted, &x->npermitted, c->nc->permitted,
			    c->nc->npermitted)) ||
	     (err = strs_of(&x->excluded, &x->nexcluded, c->nc->excluded,
			    c->nc->nexcluded))))
		return err;
	if (!c->key_problem &&
	    (err = weft_x509__uids(s, i, &x->uids, &x->nuids)))
		return err;
	if (nd->root) {
		x->trusted = nd->root_ok;
		weft_hex(nd->trust.by, nd->trust.by_len, x->by);
		x->depth = nd->trust.depth;
		x->amount = nd->trust.amount;
		if (nd->trust.ndomains &&
		    !(x->regexes = calloc(nd->trust.ndomains,
					  sizeof *x->regexes)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		for (k = 0; k < nd->trust.ndomains; k++) {
			weft_buf_init(&rx);
			weft_x509_domain_regex(nd->trust.domains[k], &rx);
			weft_buf_terminate(&rx);
			if ((err = weft_buf_error(&rx))) {
				weft_buf_free(&rx);
				return err;
			}
			x->regexes[x->nregexes++] = (char *)weft_buf_steal(&rx,
									   NULL);
		}
	}
	for (k = 0; k < s->n; k++)
		if (k != i && !s->nodes[k].removed &&
		    !memcmp(s->nodes[k].cert->grip, c->grip, 20) &&
		    !c->key_problem && !s->nodes[k].cert->key_problem) {
			char hex[65];

			weft_hex(s->nodes[k].cert->sha256, 32, hex);
			if ((err = weft_x509__set_str(&x->same_key, "%s", hex)))
				return err;
			break;
		}
	return weft_x509__status_of(s, i, t, &x->valid, &x->status);
}

gpg_error_t
weft_x509__fill_crl(weft_x509_info *x, const weft_x509_set *s, size_t k)
{
	const weft_x509_crl *crl = s->crls[k];

	x->kind = WEFT_X509_CRL;
	weft_hex(crl->sha256, 32, x->sha256);
	if (!(x->subject = strdup("")) || !(x->issuer = strdup(crl->issuer)) ||
	    !(x->name = strdup(crl->issuer)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	x->sigalg = crl->sigalg_name;
	x->not_before = crl->this_update;
	x->not_after = crl->next_update;
	x->crl_entries = crl->nentries;
	x->valid = s->crl_issuer[k] != (size_t)-1;
	if (x->valid)
		return weft_x509__set_str(&x->status, "signed by %s; %zu revoked",
			       s->nodes[s->crl_issuer[k]].cert->subject,
			       crl->nentries);
	return weft_x509__set_str(&x->status, "its issuer is not imported, or its signature does not verify: it has no effect");
}

/* ---- list, show, remove ----------------------------------------------------------------- */

gpg_error_t
weft_x509__load_resolved(weft_ctx *ctx, weft_txn *txn, weft_x509_set *s)
{
	weft_diag d = { { 0 } };
	gpg_error_t err;

	memset(s, 0, sizeof *s);
	if ((err = weft_x509__load(txn, s, &d, NULL, NULL, NULL)))
		return weft_ctx__error(ctx, err, "the keyring's X.509 records: %s",
				       d.msg);
	weft_x509_set_sort(s);
	return weft_x509_set_resolve(s);
}

static int
kind_rank(const weft_x509_info *x)
{
	return (int)x->kind;
}

static int
info_cmp(const void *a, const void *b)
{
	const weft_x509_info *x = a, *y = b;
	int r;

	if (kind_rank(x) != kind_rank(y))
		return kind_rank(x) - kind_rank(y);
	if ((r = strcmp(x->name ? x->name : "", y->name ? y->name : "")))
		return r;
	return strcmp(x->sha256, y->sha256);
}

/* Does ID name node I (or, NODE false, CRL I)? */
static bool
matches(const char *id, size_t idlen, const weft_x509_set *s, size_t i,
	bool node)
{
	char hex[65];

	if (!node) {
		weft_hex(s->crls[i]->sha256, 32, hex);
		return idlen >= 8 && !strncasecmp(hex, id, idlen);
	}
	weft_hex(s->nodes[i].cert->sha256, 32, hex);
	if (idlen >= 8 && !strncasecmp(hex, id, idlen))
		return true;
	if (s->nodes[i].cert->key_problem)
		return false;
	if (idlen == 40) {
		weft_hex(s->nodes[i].cert->fpr, 20, hex);
		if (!strcasecmp(hex, id))
			return true;
		weft_hex(s->nodes[i].cert->grip, 20, hex);
		if (!strcasecmp(hex, id))
			return true;
	}
	if (idlen == 16) {
		weft_hex(s->nodes[i].cert->keyid, 8, hex);
		if (!strcasecmp(hex, id))
			return true;
	}
	return false;
}

/* Normalise ID: hex digits only (spaces and colons dropped). */
static bool
clean_id(const char *id, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *id; id++) {
		if (*id == ' ' || *id == ':')
			continue;
		if (!((*id >= '0' && *id <= '9') || (*id >= 'a' && *id <= 'f') ||
		      (*id >= 'A' && *id <= 'F')) || o + 1 >= outlen)
			return false;
		out[o++] = *id;
	}
	out[o] = 0;
	return o >= 8;
}

/* Mark what ID names; how many in *N.  SHA-256 prefixes must be unique
 * (a derived fingerprint may name several certificates of one key). */
static gpg_error_t
select_id(weft_ctx *ctx, weft_x509_set *s, const char *id, bool **nodes,
	  bool **crls, size_t *n)
{
	char clean[80];
	size_t i, len, by_sha = 0;
	char hex[65];

	*n = 0;
	*nodes = calloc(s->n + 1, sizeof **nodes);
	*crls = calloc(s->ncrls + 1, sizeof **crls);
	if (!*nodes || !*crls)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (!clean_id(id, clean, sizeof clean))
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"\"%s\": give a SHA-256 fingerprint (or 8 or more of its first hex digits), a derived OpenPGP fingerprint, key ID or keygrip",
			id);
	len = strlen(clean);
	for (i = 0; i < s->n; i++)
		if (matches(clean, len, s, i, true)) {
			(*nodes)[i] = true;
			(*n)++;
			weft_hex(s->nodes[i].cert->sha256, 32, hex);
			by_sha += !strncasecmp(hex, clean, len);
		}
	for (i = 0; i < s->ncrls; i++)
		if (matches(clean, len, s, i, false)) {
			(*crls)[i] = true;
			(*n)++;
			by_sha++;
		}
	if (!*n)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				       "no X.509 certificate or CRL %s", id);
	if (by_sha > 1 && len < 64)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_AMBIGUOUS_NAME),
			"%s is the start of %zu SHA-256 fingerprints; give more of it",
			id, by_sha);
	return 0;
}

static gpg_error_t
fill_selected(weft_x509_list *l, size_t *cap, const weft_x509_set *s,
	      const bool *nodes, const bool *crls, int64_t t)
{
	weft_x509_list_b b;
	weft_x509_info *x;
	size_t i;
	gpg_error_t err;

	b.l = l;
	b.cap = *cap;
	for (i = 0; i < s->n; i++)
		if ((!nodes || nodes[i]) &&
		    ((err = weft_x509__push(&b, &x)) || (err = weft_x509__fill(x, s, i, t))))
			return err;
	for (i = 0; i < s->ncrls; i++)
		if ((!crls || crls[i]) &&
		    ((err = weft_x509__push(&b, &x)) || (err = weft_x509__fill_crl(x, s, i))))
			return err;
	*cap = b.cap;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, info_cmp);
	return 0;
}

gpg_error_t
weft_x509_list_all(weft_ctx *ctx, weft_x509_list **out)
{
	weft_txn *txn = NULL;
	weft_x509_set s;
	size_t cap = 0;
	gpg_error_t err;

	*out = NULL;
	ctx->error[0] = 0;
	memset(&s, 0, sizeof s);
	if (!(*out = calloc(1, sizeof **out)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (!(err = weft_ctx__txn(ctx, false, &txn)) &&
	    !(err = weft_x509__load_resolved(ctx, txn, &s)))
		err = fill_selected(*out, &cap, &s, NULL, NULL,
				    weft_ctx__now(ctx));
	weft_x509_set_free(&s);
	weft_txn_abort(txn);
	return err;
}

gpg_error_t
weft_x509_show(weft_ctx *ctx, const char *id, weft_x509_list **out)
{
	weft_txn *txn = NULL;
	weft_x509_set s;
	bool *nodes = NULL, *crls = NULL;
	size_t cap = 0, n;
	gpg_error_t err;

	*out = NULL;
	ctx->error[0] = 0;
	memset(&s, 0, sizeof s);
	if (!(*out = calloc(1, sizeof **out)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (!(err = weft_ctx__txn(ctx, false, &txn)) &&
	    !(err = weft_x509__load_resolved(ctx, txn, &s)) &&
	    !(err = select_id(ctx, &s, id, &nodes, &crls, &n)))
		err = fill_selected(*out, &cap, &s, nodes, crls,
				    weft_ctx__now(ctx));
	free(nodes);
	free(crls);
	weft_x509_set_free(&s);
	weft_txn_abort(txn);
	return err;
}

/* 1. What ID names is reported, then marked removed (CRLs are dropped
 *    from the set and their records deleted).
 * 2. The chains are worked out without them and stored: a removed
 *    root's trust signature goes with its supplement, and what it
 *    vouched for no longer chains. */
gpg_error_t
weft_x509_remove(weft_ctx *ctx, const char *id, weft_x509_list **out)
{
	weft_txn *txn = NULL;
	weft_x509_set s;
	bool *nodes = NULL, *crls = NULL;
	size_t cap = 0, n, i, w;
	gpg_error_t err;

	*out = NULL;
	ctx->error[0] = 0;
	memset(&s, 0, sizeof s);
	if (!(*out = calloc(1, sizeof **out)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if ((err = weft_ctx__txn(ctx, true, &txn)) ||
	    (err = weft_x509__load_resolved(ctx, txn, &s)) ||
	    (err = select_id(ctx, &s, id, &nodes, &crls, &n)) ||
	    (err = fill_selected(*out, &cap, &s, nodes, crls,
				 weft_ctx__now(ctx))))
		goto leave;
	/* 1 */
	weft_x509_set_free(&s);
	memset(&s, 0, sizeof s);
	{
		weft_diag d = { { 0 } };

		if ((err = weft_x509__load(txn, &s, &d, NULL, NULL, NULL)))
			goto leave;
	}
	weft_x509_set_sort(&s);
	for (i = 0; i < s.n; i++)
		s.nodes[i].removed = nodes[i];
	for (i = w = 0; i < s.ncrls; i++) {
		if (crls[i]) {
			if ((err = weft_store_del(txn, WEFT_DB_X509,
						  s.crls[i]->sha256, 32, NULL,
						  0)))
				goto leave;
			weft_x509_crl_free(s.crls[i]);
			continue;
		}
		s.crls[w] = s.crls[i];
		s.crl_stored[w] = s.crl_stored[i];
		w++;
	}
	s.ncrls = w;
	/* 2 */
	if ((err = weft_x509_set_resolve(&s)) ||
	    (err = weft_x509__store(txn, &s)))
		goto leave;
	err = weft_txn_commit(txn);
	txn = NULL;
	if (err)
		weft_ctx__error(ctx, err, "could not commit: %s",
				gpg_strerror(err));
leave:
	free(nodes);
	free(crls);
	weft_x509_set_free(&s);
	weft_txn_abort(txn);
	return err;
}

/* ---- fsck --------------------------------------------------------------------------------- */

struct fsck_cb {
	weft_fsck_cb cb;
	void *opaque;
};

static void
fsck_line(void *opaque, const char *line)
{
	struct fsck_cb *f = opaque;

	if (f->cb)
		f->cb(f->opaque, line);
}

gpg_error_t
weft_x509_fsck(weft_ctx *ctx, weft_fsck_cb cb, void *opaque,
	       uint64_t *problems)
{
	weft_txn *txn = NULL;
	weft_x509_set s;
	struct fsck_cb f = { cb, opaque };
	gpg_error_t err;

	*problems = 0;
	ctx->error[0] = 0;
	memset(&s, 0, sizeof s);
	if (!(err = weft_ctx__txn(ctx, false, &txn)) &&
	    !(err = weft_x509__load(txn, &s, NULL, fsck_line, &f, problems))) {
		weft_x509_set_sort(&s);
		if (!(err = weft_x509_set_resolve(&s)))
			err = weft_x509__check(txn, &s, fsck_line, &f,
					       problems);
	}
	weft_x509_set_free(&s);
	weft_txn_abort(txn);
	if (err)
		weft_ctx__error(ctx, err, "fsck could not read the X.509 records: %s",
				gpg_strerror(err));
	return err;
}
