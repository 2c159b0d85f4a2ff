/* query.c - finding keys and describing them (weft_keys_find). */
#include <stdio.h>
#include <stdlib.h>

#include "query.h"
#include "../ctx.h"
#include "../util/mem.h"
#include "../util/text.h"
#include "../cert/summary.h"

/* ---- sets of fingerprints -------------------------------------------------- */

static int
fpr_entry_cmp(const void *a, const void *b)
{
	return memcmp(a, b, WEFT_FPR_MAX + 1);
}

gpg_error_t
weft_fprset_add(weft_fprset *s, const uint8_t *fpr, size_t len)
{
	gpg_error_t err;

	if (len == 0 || len > WEFT_FPR_MAX)
		return 0;
	if ((err = weft_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v)))
		return err;
	memset(s->v[s->n], 0, sizeof s->v[s->n]);
	/* Length first, so v4 keys sort before v6 keys. */
	s->v[s->n][0] = (uint8_t)len;
	memcpy(s->v[s->n] + 1, fpr, len);
	s->n++;
	return 0;
}

void
weft_fprset_sort(weft_fprset *s)
{
	size_t i, w;

	if (s->n < 2)
		return;
	qsort(s->v, s->n, sizeof *s->v, fpr_entry_cmp);
	for (i = 1, w = 0; i < s->n; i++)
		if (memcmp(s->v[w], s->v[i], sizeof s->v[i]))
			memcpy(s->v[++w], s->v[i], sizeof s->v[i]);
	s->n = w + 1;
}

void
weft_fprset_free(weft_fprset *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

static gpg_error_t
add_val(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	size_t vlen)
{
	(void)key;
	(void)klen;
	return weft_fprset_add(opaque, val, vlen);
}

static gpg_error_t
add_key(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	size_t vlen)
{
	(void)val;
	(void)vlen;
	return weft_fprset_add(opaque, key, klen);
}

/* ---- query parsing ------------------------------------------------------------- */

/* A subkey fingerprint: find the certificate through the key ID index
 * and confirm the full fingerprint. */
struct subfpr {
	weft_txn *txn;
	const uint8_t *fpr;
	size_t len;
	weft_fprset *out;
};

static gpg_error_t
check_subfpr(void *opaque, const uint8_t *key, size_t klen,
	     const uint8_t *val, size_t vlen)
{
	struct subfpr *s = opaque;
	weft_cert *c = NULL;
	size_t i;
	gpg_error_t err;

	(void)key;
	(void)klen;
	if (weft_store_cert_load(s->txn, val, vlen, &c, NULL))
		return 0;
	err = 0;
	for (i = 0; i < c->nsubkeys; i++)
		if (c->subkeys[i].fpr_len == s->len &&
		    !memcmp(c->subkeys[i].fpr, s->fpr, s->len))
			err = weft_fprset_add(s->out, val, vlen);
	weft_cert_free(c);
	return err;
}

static void
strip(const char *q, char *out, size_t outlen)
{
	size_t n;

	while (*q == ' ' || *q == '\t')
		q++;
	snprintf(out, outlen, "%s", q);
	n = strlen(out);
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\t' ||
		     out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = 0;
}

gpg_error_t
weft_query_resolve(weft_txn *txn, const char *query, unsigned flags,
		   weft_fprset *out)
{
	char q[1024], email[512];
	uint8_t bin[WEFT_FPR_MAX];
	size_t n, len;
	const uint8_t *val;
	size_t vlen;
	struct subfpr sf;
	gpg_error_t err;

	if (!query || !*query)
		return weft_store_each(txn, WEFT_DB_CERTS, NULL, 0, add_key,
				       out);
	strip(query, q, sizeof q);
	n = weft_unhex(q, bin, sizeof bin);
	if (n == 20 || n == 32) {
		if (!weft_store_get(txn, WEFT_DB_CERTS, bin, n, &val, &vlen))
			return weft_fprset_add(out, bin, n);
		sf.txn = txn;
		sf.fpr = bin;
		sf.len = n;
		sf.out = out;
		return weft_store_by_keyid(txn, n == 20 ? bin + 12 : bin,
					   check_subfpr, &sf);
	}
	if (n == 8)
		return weft_store_by_keyid(txn, bin, add_val, out);

	len = strlen(q);
	if (len >= 2 && q[0] == '<' && q[len - 1] == '>') {
		q[len - 1] = 0;
		memmove(q, q + 1, len - 1);
	}
	if (strchr(q, '@') && !strchr(q, ' ') &&
	    weft_email_normalize((const uint8_t *)q, strlen(q), email,
				 sizeof email)) {
		if ((err = weft_store_by_email(txn, email, add_val, out)))
			return err;
		if (out->n || (flags & WEFT_FIND_EXACT))
			return 0;
	}
	if (flags & WEFT_FIND_EXACT)
		return 0;
	return weft_store_by_uid_substring(txn, q, add_val, out);
}

/* ---- describing ---------------------------------------------------------------- */

const char *
weft_validity_name(weft_validity v)
{
	static const char *names[] = {
		"unknown", "undefined", "never", "marginal", "full",
		"ultimate", "expired", "revoked",
	};

	return (unsigned)v < WEFT_ARRAY_SIZE(names) ? names[v] : "unknown";
}

static unsigned
caps_of(uint8_t kf)
{
	unsigned c = 0;

	if (kf & WEFT_KF_CERTIFY)
		c |= WEFT_CAP_CERTIFY;
	if (kf & WEFT_KF_SIGN)
		c |= WEFT_CAP_SIGN;
	if (kf & (WEFT_KF_ENCRYPT_COMMS | WEFT_KF_ENCRYPT_STORAGE))
		c |= WEFT_CAP_ENCRYPT;
	if (kf & WEFT_KF_AUTH)
		c |= WEFT_CAP_AUTH;
	return c;
}

/* Issuer certificates looked up while describing certifications. */
typedef struct issuer_cache {
	weft_txn *txn;
	uint32_t now;
	struct {
		uint8_t keyid[8];
		char fpr[2 * WEFT_FPR_MAX + 1];
		char *uid;
		bool found;
	} *v;
	size_t n, cap;
} issuer_cache;

struct first_primary {
	const uint8_t *keyid;
	uint8_t fpr[WEFT_FPR_MAX];
	size_t len;
};

static gpg_error_t
first_primary(void *opaque, const uint8_t *key, size_t klen,
	      const uint8_t *val, size_t vlen)
{
	struct first_primary *f = opaque;
	uint8_t kid[8];

	(void)key;
	(void)klen;
	if (vlen > WEFT_FPR_MAX)
		return 0;
	weft_keyid_from_fpr(val, vlen, kid);
	if (memcmp(kid, f->keyid, 8))
		return 0;
	memcpy(f->fpr, val, vlen);
	f->len = vlen;
	return WEFT_ERR(GPG_ERR_EOF);
}

static void
issuer_lookup(issuer_cache *ic, const weft_sigrec *r, char *fpr_out,
	      char **uid_out)
{
	uint8_t keyid[8];
	struct first_primary fp;
	weft_cert *c = NULL;
	const weft_uidrec *pu;
	size_t i;

	*uid_out = NULL;
	weft_sigrec_issuer_keyid(r, keyid);
	for (i = 0; i < ic->n; i++)
		if (!memcmp(ic->v[i].keyid, keyid, 8))
			goto found;
	if (weft_grow((void **)&ic->v, &ic->cap, ic->n + 1, sizeof *ic->v)) {
		weft_hex(keyid, 8, fpr_out);
		return;
	}
	i = ic->n++;
	memset(&ic->v[i], 0, sizeof ic->v[i]);
	memcpy(ic->v[i].keyid, keyid, 8);
	memset(&fp, 0, sizeof fp);
	fp.keyid = keyid;
	weft_store_by_keyid(ic->txn, keyid, first_primary, &fp);
	if (fp.len && !weft_store_cert_load(ic->txn, fp.fpr, fp.len, &c, NULL)) {
		weft_hex(fp.fpr, fp.len, ic->v[i].fpr);
		ic->v[i].found = true;
		pu = weft_cert_primary_uid(c, ic->now);
		if (pu)
			ic->v[i].uid = weft_memdupz(pu->data, pu->len);
		weft_cert_free(c);
	} else if (r->sig.issuer_fpr_len) {
		weft_hex(r->sig.issuer_fpr, r->sig.issuer_fpr_len,
			 ic->v[i].fpr);
	} else {
		weft_hex(keyid, 8, ic->v[i].fpr);
	}
found:
	snprintf(fpr_out, 2 * WEFT_FPR_MAX + 1, "%s", ic->v[i].fpr);
	if (ic->v[i].uid)
		*uid_out = strdup(ic->v[i].uid);
}

static void
issuer_cache_free(issuer_cache *ic)
{
	size_t i;

	for (i = 0; i < ic->n; i++)
		free(ic->v[i].uid);
	free(ic->v);
}

static bool
is_cert_or_rev(uint8_t t)
{
	return (t >= WEFT_SIG_GENERIC_CERT && t <= WEFT_SIG_POSITIVE_CERT) ||
	       t == WEFT_SIG_CERT_REVOCATION;
}

static gpg_error_t
describe_certs(weft_uid_info *ui, const weft_uidrec *u, issuer_cache *ic)
{
	const uint8_t *re;
	size_t i, j, n = 0, re_len;
	weft_certification_info *ci;

	for (i = 0; i < u->sigs.n; i++)
		n += !u->sigs.v[i].self && is_cert_or_rev(u->sigs.v[i].sig.type);
	if (!n)
		return 0;
	ui->certs = calloc(n, sizeof *ui->certs);
	if (!ui->certs)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (i = 0; i < u->sigs.n; i++) {
		const weft_sigrec *r = &u->sigs.v[i];
		const weft_pkt_sig *s = &r->sig;

		if (r->self || !is_cert_or_rev(s->type))
			continue;
		ci = &ui->certs[ui->ncerts++];
		issuer_lookup(ic, r, ci->issuer, &ci->issuer_uid);
		ci->created = s->created;
		ci->expires = s->expires ? (int64_t)s->created + s->expires : 0;
		ci->verified = r->state == WEFT_SIG_GOOD;
		ci->local = !s->exportable;
		ci->revocation = s->type == WEFT_SIG_CERT_REVOCATION;
		ci->level = ci->revocation ? 0 : s->type - WEFT_SIG_GENERIC_CERT;
		ci->trust_depth = s->has_trust ? s->trust_depth : -1;
		ci->trust_amount = s->has_trust ? s->trust_amount : 0;
		if (s->has_trust && weft_pkt_sig_regex(s, 0, &re, &re_len))
			ci->regex = weft_memdupz(re, re_len);
		ci->hash = weft_hash_algo_name(s->hash_algo);
		ci->policy_ok = weft_policy_sig_ok(s, WEFT_SEC_COLLISION,
						   ic->now);
		/* Revoked by a later revocation from the same issuer. */
		for (j = 0; j < u->sigs.n && !ci->revocation; j++) {
			const weft_sigrec *rv = &u->sigs.v[j];
			uint8_t a[8], b[8];

			if (rv->sig.type != WEFT_SIG_CERT_REVOCATION ||
			    rv->state != WEFT_SIG_GOOD ||
			    rv->sig.created < s->created)
				continue;
			weft_sigrec_issuer_keyid(rv, a);
			weft_sigrec_issuer_keyid(r, b);
			if (!memcmp(a, b, 8))
				ci->revoked = true;
		}
	}
	return 0;
}

static void
describe_key(const weft_keyrec *k, char *fpr, char *keyid, int *version,
	     const char **algo, int *pk_algo, unsigned *bits,
	     const char **curve)
{
	weft_hex(k->fpr, k->fpr_len, fpr);
	weft_hex(k->keyid, 8, keyid);
	*version = k->key.version;
	*algo = weft_pk_algo_name(k->key.algo);
	*pk_algo = k->key.algo;
	*bits = k->key.bits;
	*curve = k->key.curve ? k->key.curve->display : NULL;
}

static weft_validity
binding_validity(bool revoked, bool expired)
{
	if (revoked)
		return WEFT_VALIDITY_REVOKED;
	if (expired)
		return WEFT_VALIDITY_EXPIRED;
	return WEFT_VALIDITY_UNKNOWN;
}

static gpg_error_t
describe_uid(weft_uid_info *ui, const weft_cert_view *v, const weft_uidrec *u,
	     const weft_key_state *ks, uint32_t t, unsigned flags,
	     issuer_cache *ic)
{
	weft_binding_state st;
	char email[256];
	char tmp[64];

	weft_cert_view_uid_state(v, u, t, &st);
	if (u->tag == WEFT_PKT_USER_ATTR) {
		ui->is_attribute = true;
		snprintf(tmp, sizeof tmp, "[attribute of %zu bytes]", u->len);
		ui->uid = strdup(tmp);
		ui->uid_len = ui->uid ? strlen(ui->uid) : 0;
	} else {
		ui->uid = weft_memdupz(u->data, u->len);
		ui->uid_len = u->len;
		if (weft_uid_email(u->data, u->len, email, sizeof email))
			ui->email = strdup(email);
	}
	if (!ui->uid)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	ui->revoked = st.revoked;
	ui->expired = ks->expired;
	ui->created = st.binding ? st.binding->sig.created : 0;
	ui->amount = 0;
	ui->validity = binding_validity(st.revoked || ks->b.revoked,
					ks->expired);
	if (st.binding && !st.policy_ok)
		ui->policy = weft_policy_hash_reason(st.binding->sig.hash_algo);
	if (flags & WEFT_FIND_CERTIFICATIONS)
		return describe_certs(ui, u, ic);
	return 0;
}

static gpg_error_t
describe_view(weft_key_info *ki, const weft_cert_view *v, uint32_t t,
	      unsigned flags, issuer_cache *ic)
{
	const weft_cert *c = v->c;
	weft_key_state ks, ss;
	const weft_uidrec *pu;
	size_t i;
	gpg_error_t err;

	describe_key(&c->primary, ki->fpr, ki->keyid, &ki->version, &ki->algo,
		     &ki->pk_algo, &ki->bits, &ki->curve);
	weft_cert_view_primary_state(v, t, &ks);
	ki->created = ks.created;
	ki->expires = ks.expires;
	ki->expired = ks.expired;
	ki->revoked = ks.b.revoked;
	if (ks.b.revoked && ks.b.revocation && ks.b.revocation->sig.reason_len)
		ki->revocation_reason =
			weft_memdupz(ks.b.revocation->sig.reason_text,
				     ks.b.revocation->sig.reason_len);
	ki->caps = caps_of(ks.key_flags);
	ki->has_secret = false;
	if (!weft_policy_key_ok(&c->primary.key, t))
		ki->policy = weft_policy_key_reason(&c->primary.key);
	else if (!ks.b.binding)
		ki->policy = "no valid self-signature";
	else if (!ks.b.policy_ok)
		ki->policy = weft_policy_hash_reason(ks.b.binding->sig.hash_algo);

	pu = weft_cert_view_primary_uid(v, t);
	if (c->nuids) {
		ki->uids = calloc(c->nuids, sizeof *ki->uids);
		if (!ki->uids)
			return WEFT_ERR(GPG_ERR_ENOMEM);
	}
	/* nuids counts as they are made: an error frees what was. */
	if (pu && (err = describe_uid(&ki->uids[ki->nuids++], v, pu, &ks, t,
				      flags, ic)))
		return err;
	if (pu)
		ki->uids[0].primary = true;
	for (i = 0; i < c->nuids; i++) {
		if (&c->uids[i] == pu)
			continue;
		if ((err = describe_uid(&ki->uids[ki->nuids++], v, &c->uids[i],
					&ks, t, flags, ic)))
			return err;
	}
	if (pu) {
		ki->validity = ki->uids[0].validity;
	} else {
		ki->validity = binding_validity(ks.b.revoked, ks.expired);
	}
	if (ks.b.revoked)
		ki->validity = WEFT_VALIDITY_REVOKED;
	else if (ks.expired)
		ki->validity = WEFT_VALIDITY_EXPIRED;

	if (c->nsubkeys) {
		ki->subkeys = calloc(c->nsubkeys, sizeof *ki->subkeys);
		if (!ki->subkeys)
			return WEFT_ERR(GPG_ERR_ENOMEM);
	}
	for (i = 0; i < c->nsubkeys; i++) {
		weft_subkey_info *si = &ki->subkeys[i];

		describe_key(&c->subkeys[i], si->fpr, si->keyid, &si->version,
			     &si->algo, &si->pk_algo, &si->bits, &si->curve);
		weft_cert_view_subkey_state(v, &c->subkeys[i], t, &ss);
		si->created = ss.created;
		si->expires = ss.expires;
		/* A subkey of an expired or revoked key is too (gpg and
		 * Sequoia agree); its own expiry date is kept. */
		si->expired = ss.expired || ks.expired;
		si->revoked = ss.b.revoked || ks.b.revoked;
		si->caps = caps_of(ss.key_flags);
		if (!weft_policy_key_ok(&c->subkeys[i].key, t))
			si->policy = weft_policy_key_reason(&c->subkeys[i].key);
		else if (ss.b.binding && !ss.b.policy_ok)
			si->policy = weft_policy_hash_reason(
				ss.b.binding->sig.hash_algo);
		ki->nsubkeys++;
	}
	return 0;
}

static gpg_error_t
describe(weft_key_info *ki, const weft_cert *c, uint32_t t, unsigned flags,
	 issuer_cache *ic)
{
	weft_cert_view v;
	gpg_error_t err;

	weft_cert_view_open(&v, c);
	err = describe_view(ki, &v, t, flags, ic);
	weft_cert_view_close(&v);
	return err;
}

static void
free_info(weft_key_info *ki)
{
	size_t i, j;

	for (i = 0; i < ki->nuids; i++) {
		weft_uid_info *u = &ki->uids[i];

		free(u->uid);
		free(u->email);
		for (j = 0; j < u->ncerts; j++) {
			free(u->certs[j].issuer_uid);
			free(u->certs[j].regex);
		}
		free(u->certs);
	}
	free(ki->uids);
	free(ki->subkeys);
	free(ki->revocation_reason);
}

void
weft_key_list_free(weft_key_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		free_info(&l->keys[i]);
	free(l->keys);
	free(l);
}

gpg_error_t
weft_store__keys_each(weft_ctx *ctx, weft_txn *txn, const char *query,
		      unsigned flags, weft_store__key_fn fn, void *arg)
{
	weft_fprset set = { NULL, 0, 0 };
	weft_key_info ki;
	weft_cert *c;
	issuer_cache ic;
	weft_diag d;
	uint32_t now = weft_ctx__now(ctx);
	size_t i;
	gpg_error_t err;

	ctx->error[0] = 0;
	memset(&ic, 0, sizeof ic);
	ic.txn = txn;
	ic.now = now;
	if ((err = weft_query_resolve(txn, query, flags, &set)))
		goto leave;
	weft_fprset_sort(&set);
	for (i = 0; i < set.n; i++) {
		weft_diag_clear(&d);
		err = weft_store_cert_load(txn, set.v[i] + 1, set.v[i][0], &c,
					   &d);
		if (err) {
			char hex[2 * WEFT_FPR_MAX + 1];

			weft_hex(set.v[i] + 1, set.v[i][0], hex);
			weft_ctx__error(ctx, err, "key %s: %s", hex,
					d.msg[0] ? d.msg : gpg_strerror(err));
			goto leave;
		}
		memset(&ki, 0, sizeof ki);
		err = describe(&ki, c, now, flags, &ic);
		weft_cert_free(c);
		if (!err)
			err = fn(arg, &ki);
		free_info(&ki);
		if (err)
			goto leave;
	}
	if (!set.n && query && *query)
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				      "no key matches \"%s\"", query);
leave:
	issuer_cache_free(&ic);
	weft_fprset_free(&set);
	return err;
}
