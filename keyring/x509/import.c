/* import.c - weft_x509_import: certificates and CRLs planned one by one
 * (refused with the reason, or added to the set), roots confirmed,
 * trusted by your key, and everything stored in one transaction. */
#include "x509.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "../secret/secret.h"
#include "../util/text.h"
#include "../store/import.h"
#include "../util/mem.h"

#define DEFAULT_DEPTH_CAP 3

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
	weft_x509_list_b report;
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
			    (err = weft_x509__push(&pl->report, &x)))
				return err;
			x->source = in[i].name;
			if ((err = refuse(x, "%s", d.msg[0] ? d.msg
						   : gpg_strerror(err))))
				return err;
			continue;
		}
		pl->good_inputs++;
		for (k = 0; k < nb; k++) {
			if ((err = weft_x509__push(&pl->report, &x)))
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
			if ((err = weft_x509__fill_crl(x, &pl->set, k)))
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
		if ((err = weft_x509__fill(x, &pl->set, (size_t)at, pl->now)))
			return err;
	}
	return 0;
}

/* The roots to confirm: new ones, and those whose trust changes. */
static gpg_error_t
roots_to_confirm(plan *pl, weft_x509_list **out)
{
	weft_x509_list_b b;
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
		if ((err = weft_x509__push(&b, &x)) || (err = weft_x509__fill(x, &pl->set, i,
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
	if (dp.domain && !weft_domain_ok(dp.domain))
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
