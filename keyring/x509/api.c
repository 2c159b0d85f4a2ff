/* api.c - weft/x509.h: import, list, show, remove, fsck, the X.509 lines
 * of trust answers, and the S/MIME hook (x509.h).
 *
 * Every function loads the keyring's X.509 records into a set, adds or
 * takes away what it was asked to, works out the chains (chain.c) and,
 * when it writes, stores the records and everything they imply
 * (bridge.c) in one transaction.
 */
#include "x509.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "../cert/summary.h"
#include "../secret/secret.h"
#include "../store/import.h"
#include "../store/query.h"
#include "../trust/trust.h"
#include "../util/mem.h"
#include "../util/text.h"

#define DEFAULT_DEPTH_CAP 3

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

typedef struct list_b {
	weft_x509_list *l;
	size_t cap;
} list_b;

static gpg_error_t
push(list_b *b, weft_x509_info **out)
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

static gpg_error_t
set_str(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static gpg_error_t
set_str(char **dst, const char *fmt, ...)
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
static gpg_error_t
status_of(const weft_x509_set *s, size_t i, int64_t t, bool *valid,
	  char **out)
{
	const weft_x509_node *nd = &s->nodes[i];
	char why[700], d[32];
	size_t root;

	*valid = weft_x509_set_status(s, i, t, why, sizeof why, &root);
	if (!*valid)
		return set_str(out, "%s", why);
	weft_x509_date(nd->cert->not_after, d, sizeof d);
	if (root == i)
		return set_str(out, "a root you trust; valid until %s", d);
	if (nd->cert->is_ca && nd->budget < 0)
		return set_str(out, "valid until %s, under the root %s; but it may not issue certificates: %s has pathLenConstraint %d",
			       d, s->nodes[root].cert->subject,
			       s->nodes[nd->limiter].cert->subject,
			       s->nodes[nd->limiter].cert->pathlen);
	return set_str(out, "valid until %s, under the root %s", d,
		       s->nodes[root].cert->subject);
}

/* Fill X from node I of S at time T. */
static gpg_error_t
fill(weft_x509_info *x, const weft_x509_set *s, size_t i, int64_t t)
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
			if ((err = set_str(&x->same_key, "%s", hex)))
				return err;
			break;
		}
	return status_of(s, i, t, &x->valid, &x->status);
}

static gpg_error_t
fill_crl(weft_x509_info *x, const weft_x509_set *s, size_t k)
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
		return set_str(&x->status, "signed by %s; %zu revoked",
			       s->nodes[s->crl_issuer[k]].cert->subject,
			       crl->nentries);
	return set_str(&x->status, "its issuer is not imported, or its signature does not verify: it has no effect");
}

/* ---- my key ------------------------------------------------------------------------- */

typedef struct mykey {
	uint8_t fpr[WEFT_FPR_MAX];
	size_t len;
	uint32_t created;
} mykey;

struct secrets {
	weft_txn *txn;
	uint32_t now;
	mykey *out;
	bool found;
};

static gpg_error_t
first_alive(void *opaque, const uint8_t *key, size_t klen,
	    const uint8_t *val, size_t vlen)
{
	struct secrets *sc = opaque;
	weft_cert *c = NULL;
	weft_key_state ks;

	(void)val;
	(void)vlen;
	if (sc->found || klen > WEFT_FPR_MAX ||
	    weft_store_cert_load(sc->txn, key, klen, &c, NULL))
		return 0;
	weft_cert_primary_state(c, sc->now, &ks);
	if (ks.b.valid && !ks.b.revoked && !ks.expired) {
		memcpy(sc->out->fpr, key, klen);
		sc->out->len = klen;
		sc->out->created = c->primary.key.created;
		sc->found = true;
	}
	weft_cert_free(c);
	return 0;
}

/* Your key that vouches for roots: BY's, or the first of yours that is
 * alive (all of them are trust roots; which one signs does not change
 * what authenticates). */
static gpg_error_t
my_key(weft_ctx *ctx, weft_txn *txn, const char *by, mykey *out)
{
	struct secrets sc;
	weft_signer me;
	gpg_error_t err;

	memset(out, 0, sizeof *out);
	if (by) {
		if ((err = weft_secret__signer(ctx, txn, by, false, &me)))
			return err;
		memcpy(out->fpr, me.cert->primary.fpr,
		       me.cert->primary.fpr_len);
		out->len = me.cert->primary.fpr_len;
		out->created = me.cert->primary.key.created;
		weft_secret__signer_free(&me);
		return 0;
	}
	memset(&sc, 0, sizeof sc);
	sc.txn = txn;
	sc.now = weft_ctx__now(ctx);
	sc.out = out;
	if ((err = weft_store_each(txn, WEFT_DB_SECRETS, NULL, 0, first_alive,
				   &sc)))
		return err;
	if (!sc.found)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_SECKEY),
			"you have no key of your own to vouch for the root: "
			"make one with \"weft generate\" first (or import yours)");
	return 0;
}

/* ---- import --------------------------------------------------------------------------- */

typedef struct pending {
	uint8_t sha[32];
	bool crl;
	size_t entry;            /* in the report */
} pending;

typedef struct plan {
	weft_ctx *ctx;
	const weft_x509_params *p;
	weft_x509_set set;
	list_b report;
	pending *objs;
	size_t nobjs, ocap;
	bool need_key;
	mykey me;
	uint32_t now;
	size_t good_inputs;
} plan;

static gpg_error_t
refuse(weft_x509_info *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static gpg_error_t
refuse(weft_x509_info *x, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	x->outcome = WEFT_X509_REFUSED;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(x->note);
	x->note = s;
	return s ? 0 : WEFT_ERR(GPG_ERR_ENOMEM);
}

static bool
domain_ok(const char *d)
{
	size_t n = strlen(d);

	if (!n || n > 253 || d[0] == '.' || d[n - 1] == '.')
		return false;
	for (; *d; d++)
		if (!((*d >= 'A' && *d <= 'Z') || (*d >= 'a' && *d <= 'z') ||
		      (*d >= '0' && *d <= '9') || *d == '-' || *d == '.'))
			return false;
	return true;
}

/* The trust a root gets: depth pathLen + 1 (or the cap), the amount, the
 * domains (--domain, else its permitted rfc822Name subtrees). */
static gpg_error_t
give_trust(plan *pl, weft_x509_node *nd)
{
	const weft_x509_cert *c = nd->cert;
	const weft_x509_params *p = pl->p;
	char **d = NULL;
	size_t nd_ = 0, k;
	gpg_error_t err;

	for (k = 0; k < nd->trust.ndomains; k++)
		free(nd->trust.domains[k]);
	memset(&nd->trust, 0, sizeof nd->trust);
	memcpy(nd->trust.by, pl->me.fpr, pl->me.len);
	nd->trust.by_len = (uint8_t)pl->me.len;
	nd->trust.created = c->not_before > (int64_t)pl->me.created
		? (uint32_t)c->not_before : pl->me.created;
	nd->trust.depth = (uint8_t)(c->pathlen >= 0
		? (c->pathlen + 1 > 254 ? 254 : c->pathlen + 1)
		: (p->depth_cap ? p->depth_cap : DEFAULT_DEPTH_CAP));
	nd->trust.amount = (uint8_t)(p->amount ? p->amount : 120);
	if (p->domain) {
		if (!(nd->trust.domains[0] = strdup(p->domain)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		for (k = 0; nd->trust.domains[0][k]; k++)
			if (nd->trust.domains[0][k] >= 'A' &&
			    nd->trust.domains[0][k] <= 'Z')
				nd->trust.domains[0][k] += 32;
		nd->trust.ndomains = 1;
		return 0;
	}
	if ((err = weft_x509__nc_domains(c->nc, &d, &nd_)))
		return err;
	for (k = 0; k < nd_; k++)
		nd->trust.domains[nd->trust.ndomains++] = d[k];
	free(d);
	return 0;
}

/* One certificate of the input. */
static gpg_error_t
plan_cert(plan *pl, weft_x509_info *x, const weft_x509_blob *b)
{
	weft_x509_cert *c = NULL;
	weft_diag d = { { 0 } };
	ptrdiff_t at;
	size_t idx = 0, k;
	weft_x509_node *nd;
	pending *po;
	gpg_error_t err;

	x->kind = WEFT_X509_UNPARSED;
	if ((err = weft_x509_cert_parse(&c, b->der, b->len, &d))) {
		if (gpg_err_code(err) == GPG_ERR_ENOMEM)
			return err;
		return refuse(x, "%s", d.msg[0] ? d.msg : gpg_strerror(err));
	}
	x->kind = c->is_ca ? WEFT_X509_CA : WEFT_X509_LEAF;
	weft_hex(c->sha256, 32, x->sha256);
	if (!(x->subject = strdup(c->subject)) ||
	    !(x->name = strdup(c->cn))) {
		weft_x509_cert_free(c);
		return WEFT_ERR(GPG_ERR_ENOMEM);
	}
	if ((at = weft_x509_set_find(&pl->set, c->sha256)) >= 0) {
		nd = &pl->set.nodes[at];
		weft_x509_cert_free(c);
		x->outcome = WEFT_X509_UNCHANGED;
		if (nd->stored && nd->root && pl->p->retrust && !nd->dirty) {
			x->outcome = WEFT_X509_UPDATED;
			nd->dirty = true;
			pl->need_key = true;
		}
		goto record;
	}
	if (c->key_problem) {
		err = refuse(x, "%s", c->key_problem);
		weft_x509_cert_free(c);
		return err;
	}
	if (c->bad_ext) {
		err = refuse(x, "it has an extension weft cannot process: %s",
			     c->bad_ext);
		weft_x509_cert_free(c);
		return err;
	}
	if (c->sigalg == WEFT_X509_SIG_RSA_PSS) {
		weft_x509_cert_free(c);
		return refuse(x, "it is signed with RSA-PSS, which weft does not support");
	}
	if (c->sigalg == WEFT_X509_SIG_UNKNOWN) {
		err = refuse(x, "it is signed with an algorithm weft does not know (%s)",
			     c->sigalg_oid);
		weft_x509_cert_free(c);
		return err;
	}
	if (c->self_issued && !weft_x509_cert_verify(c, c)) {
		if (!c->is_ca) {
			weft_x509_cert_free(c);
			return refuse(x, "it is self-signed but not a CA certificate (no basicConstraints cA): nothing can vouch for it");
		}
		x->kind = WEFT_X509_ROOT;
	} else if (c->sig_hash == WEFT_HASH_MD5 ||
		   c->sig_hash == WEFT_HASH_SHA1) {
		err = refuse(x, "it is signed with %s, which is not accepted (collisions)",
			     c->sigalg_name);
		weft_x509_cert_free(c);
		return err;
	}
	if ((err = weft_x509_set_add(&pl->set, c, &idx)))
		return err;
	nd = &pl->set.nodes[idx];
	nd->dirty = true;
	nd->imported = pl->now;
	x->outcome = WEFT_X509_NEW;
	if (x->kind == WEFT_X509_ROOT) {
		nd->root = true;
		pl->need_key = true;
	}
record:
	if ((err = weft_grow((void **)&pl->objs, &pl->ocap, pl->nobjs + 1,
			     sizeof *pl->objs)))
		return err;
	po = &pl->objs[pl->nobjs++];
	k = (size_t)(x - pl->report.l->v);
	memcpy(po->sha, pl->set.nodes[at >= 0 ? (size_t)at : idx].cert->sha256,
	       32);
	po->crl = false;
	po->entry = k;
	return 0;
}

static gpg_error_t
plan_crl(plan *pl, weft_x509_info *x, const weft_x509_blob *b)
{
	weft_x509_crl *crl = NULL;
	weft_diag d = { { 0 } };
	pending *po;
	size_t k;
	gpg_error_t err;

	x->kind = WEFT_X509_CRL;
	if ((err = weft_x509_crl_parse(&crl, b->der, b->len, &d))) {
		if (gpg_err_code(err) == GPG_ERR_ENOMEM)
			return err;
		return refuse(x, "%s", d.msg[0] ? d.msg : gpg_strerror(err));
	}
	weft_hex(crl->sha256, 32, x->sha256);
	if (!(x->subject = strdup("")) || !(x->name = strdup(crl->issuer))) {
		weft_x509_crl_free(crl);
		return WEFT_ERR(GPG_ERR_ENOMEM);
	}
	for (k = 0; k < pl->set.ncrls; k++)
		if (!memcmp(pl->set.crls[k]->sha256, crl->sha256, 32))
			break;
	if (k < pl->set.ncrls) {
		weft_x509_crl_free(crl);
		x->outcome = WEFT_X509_UNCHANGED;
	} else {
		crl->imported = pl->now;
		x->outcome = WEFT_X509_NEW;
		if ((err = weft_grow((void **)&pl->objs, &pl->ocap,
				     pl->nobjs + 1, sizeof *pl->objs)))
			return err;
		po = &pl->objs[pl->nobjs++];
		memcpy(po->sha, crl->sha256, 32);
		po->crl = true;
		po->entry = (size_t)(x - pl->report.l->v);
		return weft_x509_set_add_crl(&pl->set, crl, false);
	}
	return 0;
}

static void
plan_free(plan *pl)
{
	weft_x509_set_free(&pl->set);
	free(pl->objs);
	weft_x509_list_free(pl->report.l);
	pl->report.l = NULL;
}

/* 1. The keyring's records.
 * 2. Each input, each object in it: parse; what is there already is
 *    unchanged; what cannot be used is refused with the reason; the rest
 *    is added (a self-signed CA certificate as a root to trust).
 * 3. Roots need your key; each gets its trust.
 * 4. Chains; CRLs whose issuer's signature does not verify are refused.
 * 5. Each object's report, at the reference time. */
static gpg_error_t
make_plan(plan *pl, weft_ctx *ctx, weft_txn *txn, const weft_x509_input *in,
	  size_t n, const weft_x509_params *p)
{
	weft_diag d = { { 0 } };
	weft_x509_blob *blobs;
	weft_x509_info *x;
	size_t i, k, nb;
	ptrdiff_t at;
	gpg_error_t err;

	memset(pl, 0, sizeof *pl);
	pl->ctx = ctx;
	pl->p = p;
	pl->now = weft_ctx__now(ctx);
	if (!(pl->report.l = calloc(1, sizeof *pl->report.l)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	/* 1 */
	if ((err = weft_x509__load(txn, &pl->set, &d, NULL, NULL, NULL)))
		return weft_ctx__error(ctx, err, "the keyring's X.509 records: %s",
				       d.msg);
	/* 2 */
	for (i = 0; i < n; i++) {
		weft_diag_clear(&d);
		err = weft_x509_split(in[i].data, in[i].len, &blobs, &nb, &d);
		if (err) {
			if (gpg_err_code(err) == GPG_ERR_ENOMEM ||
			    (err = push(&pl->report, &x)))
				return err;
			x->source = in[i].name;
			if ((err = refuse(x, "%s", d.msg[0] ? d.msg
						   : gpg_strerror(err))))
				return err;
			continue;
		}
		pl->good_inputs++;
		for (k = 0; k < nb; k++) {
			if ((err = push(&pl->report, &x)))
				break;
			x->source = in[i].name;
			x->index = blobs[k].index;
			err = blobs[k].crl ? plan_crl(pl, x, &blobs[k])
					   : plan_cert(pl, x, &blobs[k]);
			if (err)
				break;
		}
		weft_x509_blobs_free(blobs, nb);
		if (err)
			return err;
	}
	/* 3 */
	if (pl->need_key) {
		if ((err = my_key(ctx, txn, p->by, &pl->me)))
			return err;
		for (i = 0; i < pl->set.n; i++) {
			weft_x509_node *nd = &pl->set.nodes[i];

			if (nd->root && nd->dirty &&
			    (err = give_trust(pl, nd)))
				return err;
		}
	}
	/* 4 */
	weft_x509_set_sort(&pl->set);
	if ((err = weft_x509_set_resolve(&pl->set)))
		return err;
	/* 5 */
	for (i = 0; i < pl->nobjs; i++) {
		pending *po = &pl->objs[i];

		x = &pl->report.l->v[po->entry];
		if (po->crl) {
			for (k = 0; k < pl->set.ncrls; k++)
				if (!memcmp(pl->set.crls[k]->sha256, po->sha,
					    32))
					break;
			if (k == pl->set.ncrls)
				continue;
			free(x->subject);
			free(x->name);
			x->subject = x->name = NULL;
			if ((err = fill_crl(x, &pl->set, k)))
				return err;
			if (x->outcome == WEFT_X509_NEW &&
			    pl->set.crl_issuer[k] == (size_t)-1) {
				if ((err = refuse(x, "no imported CA certificate signed it (its issuer %s is not imported, or the signature does not verify)",
						  pl->set.crls[k]->issuer)))
					return err;
				/* not stored */
				pl->set.crl_stored[k] = true;
			}
			continue;
		}
		if ((at = weft_x509_set_find(&pl->set, po->sha)) < 0)
			continue;
		free(x->subject);
		free(x->name);
		x->subject = x->name = NULL;
		if ((err = fill(x, &pl->set, (size_t)at, pl->now)))
			return err;
	}
	return 0;
}

/* The roots to confirm: new ones, and those whose trust changes. */
static gpg_error_t
roots_to_confirm(plan *pl, weft_x509_list **out)
{
	list_b b;
	weft_x509_info *x;
	size_t i;
	gpg_error_t err;

	*out = NULL;
	if (!(b.l = calloc(1, sizeof *b.l)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	b.cap = 0;
	for (i = 0; i < pl->set.n; i++) {
		const weft_x509_node *nd = &pl->set.nodes[i];

		if (!nd->root || !nd->dirty)
			continue;
		if ((err = push(&b, &x)) || (err = fill(x, &pl->set, i,
						       pl->now))) {
			weft_x509_list_free(b.l);
			return err;
		}
		x->outcome = nd->stored ? WEFT_X509_UPDATED : WEFT_X509_NEW;
	}
	*out = b.l;
	return 0;
}

/* OpenPGP certifications made with the keys of these certificates (an
 * admin who certifies employees' keys with the CA's key, OpenPGP CA
 * style) may have arrived first and wait in db pending: verify them now
 * that the keys are known. */
static gpg_error_t
resolve_pending(weft_ctx *ctx, weft_txn *txn, const weft_x509_set *s)
{
	uint8_t (*ids)[8];
	size_t i, n = 0;
	uint64_t resolved;
	gpg_error_t err;

	if (!s->n)
		return 0;
	if (!(ids = calloc(s->n, sizeof *ids)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (i = 0; i < s->n; i++)
		if (!s->nodes[i].removed && !s->nodes[i].cert->key_problem)
			memcpy(ids[n++], s->nodes[i].cert->keyid, 8);
	err = weft_import_resolve_pending(ctx, txn, (const uint8_t (*)[8])ids,
					  n, &resolved);
	free(ids);
	return err;
}

gpg_error_t
weft_x509_import(weft_ctx *ctx, const weft_x509_input *in, size_t n,
		 const weft_x509_params *p, weft_x509_confirm_cb confirm,
		 void *opaque, weft_x509_list **out)
{
	weft_x509_params dp;
	weft_txn *txn = NULL;
	weft_x509_list *roots = NULL;
	plan pl;
	gpg_error_t err;

	*out = NULL;
	ctx->error[0] = 0;
	memset(&pl, 0, sizeof pl);
	memset(&dp, 0, sizeof dp);
	if (p)
		dp = *p;
	if (dp.amount < 0 || dp.amount > 120 || dp.depth_cap < 0 ||
	    dp.depth_cap > 254)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"out of range: the amount is 1 to 120, the depth cap 1 to 254");
	if (dp.domain && !domain_ok(dp.domain))
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
				       "\"%s\" is not a domain name", dp.domain);
	/* Look first, with a reader; ask; then do it again in one write
	 * transaction (the keyring may have changed while the user
	 * thought). */
	if ((err = weft_ctx__txn(ctx, false, &txn)) ||
	    (err = make_plan(&pl, ctx, txn, in, n, &dp)))
		goto leave;
	weft_txn_abort(txn);
	txn = NULL;
	if (!pl.good_inputs) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_DATA),
				      "no certificate or CRL found");
		goto leave;
	}
	if ((err = roots_to_confirm(&pl, &roots)))
		goto leave;
	if (roots->n && confirm && !confirm(opaque, roots)) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_CANCELED),
				      "nothing imported");
		goto leave;
	}
	plan_free(&pl);
	if ((err = weft_ctx__txn(ctx, true, &txn)) ||
	    (err = make_plan(&pl, ctx, txn, in, n, &dp)) ||
	    (err = weft_x509__store(txn, &pl.set)) ||
	    (err = resolve_pending(ctx, txn, &pl.set)))
		goto leave;
	err = weft_txn_commit(txn);
	txn = NULL;
	if (err)
		weft_ctx__error(ctx, err, "could not commit: %s",
				gpg_strerror(err));
leave:
	weft_txn_abort(txn);
	weft_x509_list_free(roots);
	if (pl.report.l) {
		*out = pl.report.l;
		pl.report.l = NULL;
	} else {
		*out = calloc(1, sizeof **out);
	}
	plan_free(&pl);
	if (err && !ctx->error[0])
		weft_ctx__error(ctx, err, "x509 import failed: %s",
				gpg_strerror(err));
	return err;
}

/* ---- list, show, remove ----------------------------------------------------------------- */

static gpg_error_t
load_resolved(weft_ctx *ctx, weft_txn *txn, weft_x509_set *s)
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
	list_b b;
	weft_x509_info *x;
	size_t i;
	gpg_error_t err;

	b.l = l;
	b.cap = *cap;
	for (i = 0; i < s->n; i++)
		if ((!nodes || nodes[i]) &&
		    ((err = push(&b, &x)) || (err = fill(x, s, i, t))))
			return err;
	for (i = 0; i < s->ncrls; i++)
		if ((!crls || crls[i]) &&
		    ((err = push(&b, &x)) || (err = fill_crl(x, s, i))))
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
	    !(err = load_resolved(ctx, txn, &s)))
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
	    !(err = load_resolved(ctx, txn, &s)) &&
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
	    (err = load_resolved(ctx, txn, &s)) ||
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

/* ---- annotating trust answers -------------------------------------------------------------- */

static bool
node_has_fpr(const weft_x509_node *nd, const char *hex)
{
	char h[41];

	if (nd->removed || nd->cert->key_problem)
		return false;
	weft_hex(nd->cert->fpr, 20, h);
	return !strcasecmp(h, hex);
}

/* "CN=..., serial 0A, valid 2026-01-01 to 2027-01-01" */
static void
describe(const weft_x509_cert *c, char *out, size_t outlen)
{
	char a[32], b[32];

	weft_x509_date(c->not_before, a, sizeof a);
	weft_x509_date(c->not_after, b, sizeof b);
	snprintf(out, outlen, "%s, serial %s, valid %s to %s", c->subject,
		 c->serial, a, b);
}

/* The certificate behind the hop ISSUER -> TARGET: an issuance, your
 * trust in a root, or an OpenPGP certification by a CA's key. */
static gpg_error_t
hop_line(const weft_x509_set *s, const weft_hop *h, char **out)
{
	char d[800], fh[41];
	size_t i, k;

	for (i = 0; i < s->n; i++) {
		const weft_x509_node *nd = &s->nodes[i];

		if (!node_has_fpr(nd, h->target))
			continue;
		if (nd->root_ok) {
			char by[65];

			weft_hex(nd->trust.by, nd->trust.by_len, by);
			if (!strcasecmp(by, h->issuer)) {
				describe(nd->cert, d, sizeof d);
				return set_str(out, "X.509 root %s; trusted by you (depth %d, amount %d)",
					       d, nd->trust.depth,
					       nd->trust.amount);
			}
		}
		for (k = 0; k < nd->nin; k++) {
			const weft_x509_node *in =
				&s->nodes[s->edges[nd->in[k]].issuer];

			if (!node_has_fpr(in, h->issuer))
				continue;
			describe(nd->cert, d, sizeof d);
			return set_str(out, "X.509 %s %s, issued by %s",
				       nd->cert->is_ca ? "CA" : "certificate",
				       d, in->cert->subject);
		}
	}
	/* a certification in OpenPGP by the key of a CA certificate */
	for (i = 0; i < s->n; i++)
		if (node_has_fpr(&s->nodes[i], h->issuer) && !h->self) {
			weft_hex(s->nodes[i].cert->fpr, 20, fh);
			describe(s->nodes[i].cert, d, sizeof d);
			return set_str(out, "an OpenPGP certification by the key of the X.509 %s %s",
				       s->nodes[i].cert->is_ca ? "CA" : "certificate",
				       d);
		}
	return 0;
}

/* The binding's key: its certificates' status (the first that holds, or
 * the reason of the first). */
static gpg_error_t
binding_line(const weft_x509_set *s, const weft_binding_info *b, int64_t t,
	     char **out)
{
	char d[800], *st = NULL;
	size_t i;
	bool valid, any = false;
	gpg_error_t err = 0;

	for (i = 0; i < s->n && !err; i++) {
		if (!node_has_fpr(&s->nodes[i], b->fpr))
			continue;
		if ((err = status_of(s, i, t, &valid, &st)))
			break;
		if (!any || valid) {
			describe(s->nodes[i].cert, d, sizeof d);
			err = set_str(out, "%s: %s", d, st);
			any = true;
		}
		if (valid)
			break;
	}
	free(st);
	return err;
}

gpg_error_t
weft_x509_annotate(weft_ctx *ctx, weft_binding_list *l)
{
	weft_txn *txn = NULL;
	weft_x509_set s;
	int64_t t = weft_ctx__now(ctx);
	size_t i, p, h;
	gpg_error_t err;

	if (!l || !l->n)
		return 0;
	memset(&s, 0, sizeof s);
	if ((err = weft_ctx__txn(ctx, false, &txn)) ||
	    (err = load_resolved(ctx, txn, &s)))
		goto leave;
	for (i = 0; i < l->n && !err; i++) {
		weft_binding_info *b = &l->v[i];

		if ((err = binding_line(&s, b, t, &b->x509)))
			break;
		for (p = 0; p < b->npaths && !err; p++)
			for (h = 0; h + 1 < b->paths[p].n && !err; h++)
				err = hop_line(&s, &b->paths[p].hops[h],
					       &b->paths[p].hops[h].x509);
	}
leave:
	weft_x509_set_free(&s);
	weft_txn_abort(txn);
	return err;
}

gpg_error_t
weft_x509_annotate_lookup(weft_ctx *ctx, const char *email,
			  weft_binding_list *l)
{
	weft_txn *txn = NULL;
	weft_x509_set s;
	char want[512], addr[512], hexf[41], **uids = NULL;
	size_t i, u, k, nu = 0;
	int64_t t = weft_ctx__now(ctx);
	gpg_error_t err;

	if (!weft_email_normalize((const uint8_t *)email, strlen(email), want,
				  sizeof want))
		return 0;
	memset(&s, 0, sizeof s);
	if ((err = weft_ctx__txn(ctx, false, &txn)) ||
	    (err = load_resolved(ctx, txn, &s)))
		goto leave;
	for (i = 0; i < s.n && !err; i++) {
		if (s.nodes[i].cert->key_problem)
			continue;
		weft_hex(s.nodes[i].cert->fpr, 20, hexf);
		if ((err = weft_x509__uids(&s, i, &uids, &nu)))
			break;
		for (u = 0; u < nu && !err; u++) {
			weft_binding_info *b, *v;
			bool seen = false;

			if (!weft_uid_email((const uint8_t *)uids[u],
					    strlen(uids[u]), addr, sizeof addr) ||
			    strcmp(addr, want))
				continue;
			for (k = 0; k < l->n; k++)
				if (!strcasecmp(l->v[k].fpr, hexf))
					seen = true;
			if (seen)
				continue;
			if (!(v = realloc(l->v, (l->n + 1) * sizeof *v))) {
				err = WEFT_ERR(GPG_ERR_ENOMEM);
				break;
			}
			l->v = v;
			b = &l->v[l->n];
			memset(b, 0, sizeof *b);
			snprintf(b->fpr, sizeof b->fpr, "%s", hexf);
			b->requested = l->n ? l->v[0].requested : 120;
			if (!(b->uid = strdup(uids[u]))) {
				err = WEFT_ERR(GPG_ERR_ENOMEM);
				break;
			}
			b->uid_len = strlen(uids[u]);
			l->n++;
			err = binding_line(&s, b, t, &b->x509);
		}
		for (u = 0; u < nu; u++)
			free(uids[u]);
		free(uids);
		uids = NULL;
		nu = 0;
	}
leave:
	weft_x509_set_free(&s);
	weft_txn_abort(txn);
	return err;
}

/* ---- the S/MIME hook ------------------------------------------------------------------------ */

typedef struct overlay_b {
	weft_tnode_overlay *v;
	weft_buf *bufs;
	size_t n;
} overlay_b;

static void
overlay_free(overlay_b *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		weft_buf_free(&o->bufs[i]);
	free(o->bufs);
	free(o->v);
	memset(o, 0, sizeof *o);
}

/* The tnodes record key FPR would have if the set's supplement were
 * stored: merged with a certificate that has that fingerprint. */
static gpg_error_t
overlay_record(weft_txn *txn, const weft_x509_set *s, const uint8_t fpr[20],
	       weft_buf *out)
{
	weft_buf supp, own;
	weft_summary a, b;
	weft_cert *c = NULL;
	gpg_error_t err;

	weft_buf_init(&supp);
	weft_buf_init(&own);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	if ((err = weft_x509__supplement(s, fpr, &supp)))
		goto leave;
	err = weft_store_cert_load(txn, fpr, 20, &c, NULL);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
		err = weft_buf_put(out, supp.data, supp.len);
		goto leave;
	}
	if (err || (err = weft_summary_build(c, &own)) ||
	    (err = weft_summary_decode(&a, own.data, own.len)) ||
	    (err = weft_summary_decode(&b, supp.data, supp.len)))
		goto leave;
	err = weft_summary_merge(&a, &b, out);
leave:
	weft_summary_free(&a);
	weft_summary_free(&b);
	weft_cert_free(c);
	weft_buf_free(&supp);
	weft_buf_free(&own);
	return err;
}

/* 1. The keyring's certificates, the signer's and the message's (those
 *    not imported) in one set; the chains.
 * 2. The signer's status at AT.
 * 3. Overlay records for the derived keys of what is not imported.
 * 4. Each of the signer's user IDs authenticated at AT with them; the
 *    best one is the answer. */
gpg_error_t
weft_x509_chain_for_smime(weft_ctx *ctx, const unsigned char *cert_der,
			  size_t len, const unsigned char *const *extra,
			  const size_t *extra_len, size_t nextra, int64_t at,
			  char **status_line, char derived_fpr[65],
			  weft_x509_smime_result *out)
{
	weft_txn *txn = NULL;
	weft_x509_set s;
	weft_x509_cert *c = NULL;
	weft_diag d = { { 0 } };
	overlay_b ov = { NULL, NULL, 0 };
	uint8_t leaf[32];
	char why[700], fpr[41], **uids = NULL;
	size_t i, k, nu = 0, root;
	ptrdiff_t li;
	int64_t saved = weft_ctx_time(ctx);
	gpg_error_t err;

	*status_line = NULL;
	derived_fpr[0] = 0;
	memset(out, 0, sizeof *out);
	memset(&s, 0, sizeof s);
	if (!at)
		at = weft_ctx__now(ctx);
	/* 1 */
	if ((err = weft_x509_cert_parse(&c, cert_der, len, &d))) {
		if (gpg_err_code(err) != GPG_ERR_ENOMEM)
			set_str(status_line, "the signer's certificate cannot be read: %s",
				d.msg[0] ? d.msg : gpg_strerror(err));
		return err;
	}
	memcpy(leaf, c->sha256, 32);
	if ((err = weft_ctx__txn(ctx, false, &txn)) ||
	    (err = weft_x509__load(txn, &s, &d, NULL, NULL, NULL)))
		goto leave;
	if (weft_x509_set_find(&s, leaf) < 0) {
		err = weft_x509_set_add(&s, c, NULL);
		c = NULL;
		if (err)
			goto leave;
	}
	for (i = 0; i < nextra; i++) {
		weft_x509_cert *x = NULL;

		if (weft_x509_cert_parse(&x, extra[i], extra_len[i], NULL))
			continue;
		if (weft_x509_set_find(&s, x->sha256) >= 0) {
			weft_x509_cert_free(x);
			continue;
		}
		if ((err = weft_x509_set_add(&s, x, NULL)))
			goto leave;
	}
	weft_x509_set_sort(&s);
	if ((err = weft_x509_set_resolve(&s)))
		goto leave;
	li = weft_x509_set_find(&s, leaf);
	/* 2 */
	{
		const weft_x509_cert *lc = s.nodes[li].cert;

		if (lc->key_problem) {
			err = set_str(status_line, "%s", lc->key_problem);
			goto leave;
		}
		weft_hex(lc->fpr, 20, fpr);
		snprintf(derived_fpr, 65, "%s", fpr);
		out->chains = weft_x509_set_status(&s, (size_t)li, at, why,
						   sizeof why, &root);
		if (!out->chains) {
			err = set_str(status_line, "%s", why);
			goto leave;
		}
		if ((err = set_str(status_line, "issued by %s, under the imported root %s%s",
				   lc->issuer, s.nodes[root].cert->subject,
				   s.nodes[li].stored ? ""
				   : " (the certificate itself is not imported)")))
			goto leave;
	}
	/* 3 */
	if (!(ov.v = calloc(s.n + 1, sizeof *ov.v)) ||
	    !(ov.bufs = calloc(s.n + 1, sizeof *ov.bufs))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	for (i = 0; i < s.n; i++) {
		const weft_x509_cert *xc = s.nodes[i].cert;

		if (s.nodes[i].stored || xc->key_problem)
			continue;
		for (k = 0; k < ov.n; k++)
			if (!memcmp(ov.v[k].fpr, xc->fpr, 20))
				break;
		if (k < ov.n)
			continue;
		weft_buf_init(&ov.bufs[ov.n]);
		if ((err = overlay_record(txn, &s, xc->fpr, &ov.bufs[ov.n])))
			goto leave;
		ov.v[ov.n].fpr = xc->fpr;
		ov.v[ov.n].fpr_len = 20;
		ov.v[ov.n].rec = ov.bufs[ov.n].data;
		ov.v[ov.n].len = ov.bufs[ov.n].len;
		ov.n++;
	}
	weft_txn_abort(txn);
	txn = NULL;
	/* 4 */
	if ((err = weft_x509__uids(&s, (size_t)li, &uids, &nu)))
		goto leave;
	weft_ctx_set_time(ctx, at);
	for (i = 0; i < nu && !err; i++) {
		weft_binding_list *l = NULL;

		err = weft_trust__authenticate_with(ctx, fpr, uids[i], NULL,
						    ov.v, ov.n, &l);
		if (!err && l && l->n && (!out->uid || l->v[0].amount >
						       out->amount)) {
			out->amount = l->v[0].amount;
			out->authenticated = l->v[0].authenticated;
			free(out->uid);
			if (!(out->uid = strdup(uids[i])))
				err = WEFT_ERR(GPG_ERR_ENOMEM);
		}
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
			err = 0;
		weft_binding_list_free(l);
	}
	weft_ctx_set_time(ctx, saved);
leave:
	for (i = 0; i < nu; i++)
		free(uids[i]);
	free(uids);
	overlay_free(&ov);
	weft_x509_cert_free(c);
	weft_x509_set_free(&s);
	weft_txn_abort(txn);
	return err;
}
