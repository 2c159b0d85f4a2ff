/* annotate.c - the X.509 lines of trust answers (each hop's
 * certificate, why a chain fails) and the S/MIME hook (x509.h). */
#include "x509.h"

#include <stdlib.h>

#include "../trust/trust.h"
#include "../util/text.h"

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
				return weft_x509__set_str(out, "X.509 root %s; trusted by you (depth %d, amount %d)",
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
			return weft_x509__set_str(out, "X.509 %s %s, issued by %s",
				       nd->cert->is_ca ? "CA" : "certificate",
				       d, in->cert->subject);
		}
	}
	/* a certification in OpenPGP by the key of a CA certificate */
	for (i = 0; i < s->n; i++)
		if (node_has_fpr(&s->nodes[i], h->issuer) && !h->self) {
			weft_hex(s->nodes[i].cert->fpr, 20, fh);
			describe(s->nodes[i].cert, d, sizeof d);
			return weft_x509__set_str(out, "an OpenPGP certification by the key of the X.509 %s %s",
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
		if ((err = weft_x509__status_of(s, i, t, &valid, &st)))
			break;
		if (!any || valid) {
			describe(s->nodes[i].cert, d, sizeof d);
			err = weft_x509__set_str(out, "%s: %s", d, st);
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
	    (err = weft_x509__load_resolved(ctx, txn, &s)))
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
	    (err = weft_x509__load_resolved(ctx, txn, &s)))
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
			weft_x509__set_str(status_line, "the signer's certificate cannot be read: %s",
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
			err = weft_x509__set_str(status_line, "%s", lc->key_problem);
			goto leave;
		}
		weft_hex(lc->fpr, 20, fpr);
		snprintf(derived_fpr, 65, "%s", fpr);
		out->chains = weft_x509_set_status(&s, (size_t)li, at, why,
						   sizeof why, &root);
		if (!out->chains) {
			err = weft_x509__set_str(status_line, "%s", why);
			goto leave;
		}
		if ((err = weft_x509__set_str(status_line, "issued by %s, under the imported root %s%s",
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
