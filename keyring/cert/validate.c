/* validate.c - self-signature verification and the state of each
 * component at a reference time.
 *
 * The rules follow Sequoia's (RFC 9580 5.2.3.x, 10.1), which gpg agrees
 * with on everything a keyring listing shows:
 *   1. A self-signature counts only if it verifies with the primary key,
 *      has a creation time not before the key's, carries no unknown
 *      critical subpacket, and its version suits the key (v6 keys: v6
 *      signatures; v4 keys: v4 or v3).
 *   2. At time T a component's binding is its newest counting
 *      self-signature created at or before T and not expired at T.
 *   3. A hard revocation (no reason, unspecified, key compromised, or an
 *      unknown reason) is in effect at every time; a soft one (superseded,
 *      retired, user ID no longer valid) from its creation time on, and
 *      only if no newer binding overrides it.
 *   4. A signing-capable subkey is only good for signing when its binding
 *      carries a valid primary-key binding signature (back-signature).
 */
#include <stdlib.h>

#include "summary.h"

gpg_error_t
weft_cert_pubkey(weft_cert *c, weft_pubkey **out)
{
	gpg_error_t err = 0;

	*out = NULL;
	if (!c->pubkey)
		err = weft_pubkey_new(&c->pubkey, &c->primary.key);
	*out = c->pubkey;
	return err;
}

/* Checks every signature must pass before any cryptography. */
static bool
sig_sane(const weft_keyrec *signer, const weft_pkt_sig *s)
{
	if (!s->has_created || s->unknown_critical)
		return false;
	if (signer->key.version == 6 ? s->version != 6 : s->version == 6)
		return false;
	if (s->created < signer->key.created)
		return false;
	return true;
}

static void
verify_one(weft_cert *c, weft_pubkey *pk, weft_sigrec *rec,
	   const weft_sig_target *t)
{
	if (!sig_sane(&c->primary, &rec->sig)) {
		rec->state = WEFT_SIG_BAD;
		return;
	}
	rec->state = weft_sig_verify(pk, &rec->sig, t) ? WEFT_SIG_BAD
						       : WEFT_SIG_GOOD;
}

bool
weft_binding_needs_backsig(const weft_pkt_key *sub, const weft_pkt_sig *binding)
{
	if (binding->has_key_flags)
		return (binding->key_flags & (WEFT_KF_SIGN | WEFT_KF_CERTIFY)) != 0;
	/* No key flags: usable for whatever the algorithm can do, so a
	 * signing algorithm needs the back-signature too (as in gpg). */
	return weft_pk_algo_can_sign(sub->algo);
}

static bool
check_backsig(weft_cert *c, weft_keyrec *k, const weft_pkt_sig *binding)
{
	weft_pkt_sig back;
	weft_pubkey *spk = NULL;
	weft_sig_target t = { .primary = &c->primary.key, .subkey = &k->key };
	bool ok = false;

	if (!binding->embedded ||
	    weft_pkt_sig_parse(&back, binding->embedded, binding->embedded_len,
			       NULL))
		return false;
	if (back.type != WEFT_SIG_PRIMARY_BINDING || !sig_sane(k, &back))
		return false;
	if (weft_pubkey_new(&spk, &k->key))
		return false;
	ok = weft_sig_verify(spk, &back, &t) == 0;
	weft_pubkey_free(spk);
	return ok;
}

static bool
want(const weft_sigrec *r, bool only_new)
{
	return r->state == WEFT_SIG_UNCHECKED && (!only_new || r->is_new);
}

gpg_error_t
weft_cert_check_self(weft_cert *c, bool only_new)
{
	weft_pubkey *pk;
	weft_sig_target t;
	size_t i, j;
	gpg_error_t err;

	if ((err = weft_cert_pubkey(c, &pk)))
		return err;

	/* 1. Signatures directly on the primary key. */
	for (i = 0; i < c->primary.sigs.n; i++) {
		weft_sigrec *r = &c->primary.sigs.v[i];
		uint8_t ty = r->sig.type;

		if (!want(r, only_new))
			continue;
		if (ty != WEFT_SIG_DIRECT_KEY && ty != WEFT_SIG_KEY_REVOCATION) {
			r->state = WEFT_SIG_BAD; /* misplaced */
			continue;
		}
		if (!r->self)
			continue; /* third-party: checked against its issuer */
		memset(&t, 0, sizeof t);
		t.primary = &c->primary.key;
		verify_one(c, pk, r, &t);
	}

	/* 2. User IDs and attributes. */
	for (i = 0; i < c->nuids; i++) {
		weft_uidrec *u = &c->uids[i];

		for (j = 0; j < u->sigs.n; j++) {
			weft_sigrec *r = &u->sigs.v[j];
			uint8_t ty = r->sig.type;

			if (!want(r, only_new))
				continue;
			if (!weft_sig_is_cert(ty) && ty != WEFT_SIG_CERT_REVOCATION) {
				r->state = WEFT_SIG_BAD;
				continue;
			}
			if (!r->sig.has_created || r->sig.unknown_critical) {
				r->state = WEFT_SIG_BAD;
				continue;
			}
			if (!r->self)
				continue;
			memset(&t, 0, sizeof t);
			t.primary = &c->primary.key;
			t.uid = u->data;
			t.uid_len = u->len;
			t.uid_tag = u->tag;
			verify_one(c, pk, r, &t);
		}
	}

	/* 3. Subkeys: only the primary key may bind or revoke them. */
	for (i = 0; i < c->nsubkeys; i++) {
		weft_keyrec *k = &c->subkeys[i];

		for (j = 0; j < k->sigs.n; j++) {
			weft_sigrec *r = &k->sigs.v[j];
			uint8_t ty = r->sig.type;

			if (!want(r, only_new))
				continue;
			if ((ty != WEFT_SIG_SUBKEY_BINDING &&
			     ty != WEFT_SIG_SUBKEY_REVOCATION) || !r->self) {
				r->state = WEFT_SIG_BAD;
				continue;
			}
			memset(&t, 0, sizeof t);
			t.primary = &c->primary.key;
			t.subkey = &k->key;
			verify_one(c, pk, r, &t);
			if (r->state == WEFT_SIG_GOOD &&
			    ty == WEFT_SIG_SUBKEY_BINDING &&
			    weft_binding_needs_backsig(&k->key, &r->sig))
				r->backsig_ok = check_backsig(c, k, &r->sig);
		}
	}
	return 0;
}

gpg_error_t
weft_cert_check_third_party(weft_cert *target, weft_sigrec *rec,
			    const weft_uidrec *uid, weft_cert *issuer)
{
	weft_pubkey *pk;
	weft_sig_target t;
	gpg_error_t err;

	if ((err = weft_cert_pubkey(issuer, &pk)))
		return err;
	if (!sig_sane(&issuer->primary, &rec->sig)) {
		rec->state = WEFT_SIG_BAD;
		return 0;
	}
	memset(&t, 0, sizeof t);
	t.primary = &target->primary.key;
	if (uid) {
		t.uid = uid->data;
		t.uid_len = uid->len;
		t.uid_tag = uid->tag;
	}
	rec->state = weft_sig_verify(pk, &rec->sig, &t) ? WEFT_SIG_BAD
							: WEFT_SIG_GOOD;
	if (rec->state == WEFT_SIG_GOOD) {
		rec->issuer_fpr_len = (uint8_t)issuer->primary.fpr_len;
		memcpy(rec->issuer_fpr, issuer->primary.fpr,
		       issuer->primary.fpr_len);
	}
	return 0;
}

/* ---- pruning ------------------------------------------------------------------- */

static size_t
sigvec_prune(weft_sigvec *v)
{
	size_t i, w = 0, dropped = 0;

	for (i = 0; i < v->n; i++) {
		if (v->v[i].state == WEFT_SIG_BAD) {
			dropped++;
			continue;
		}
		v->v[w++] = v->v[i];
	}
	v->n = w;
	return dropped;
}

static bool
has_good_self(const weft_sigvec *v, bool (*type_ok)(uint8_t))
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->v[i].self && v->v[i].state == WEFT_SIG_GOOD &&
		    type_ok(v->v[i].sig.type))
			return true;
	return false;
}

/* A user ID is kept when its owner signed it: a certification or a
 * revocation (gpg keeps revoked user IDs whose binding was minimised
 * away; Debian's keyring has 296 of them). */
static bool
is_uid_self_type(uint8_t t)
{
	return weft_sig_is_cert(t) || t == WEFT_SIG_CERT_REVOCATION;
}

static bool
is_binding_type(uint8_t t)
{
	return t == WEFT_SIG_SUBKEY_BINDING;
}

static bool
is_direct_or_rev(uint8_t t)
{
	return t == WEFT_SIG_DIRECT_KEY || t == WEFT_SIG_KEY_REVOCATION;
}

size_t
weft_cert_prune(weft_cert *c, weft_diag *note)
{
	size_t i, w, dropped = 0, uids_dropped = 0, subkeys_dropped = 0;

	dropped += sigvec_prune(&c->primary.sigs);
	for (i = 0, w = 0; i < c->nuids; i++) {
		weft_uidrec *u = &c->uids[i];

		dropped += sigvec_prune(&u->sigs);
		if (!has_good_self(&u->sigs, is_uid_self_type)) {
			uids_dropped++;
			free(u->sigs.v);
			continue;
		}
		c->uids[w++] = *u;
	}
	c->nuids = w;
	for (i = 0, w = 0; i < c->nsubkeys; i++) {
		weft_keyrec *k = &c->subkeys[i];

		dropped += sigvec_prune(&k->sigs);
		if (!has_good_self(&k->sigs, is_binding_type)) {
			subkeys_dropped++;
			free(k->sigs.v);
			continue;
		}
		c->subkeys[w++] = *k;
	}
	c->nsubkeys = w;
	if (uids_dropped || subkeys_dropped)
		weft_diag_set(note, 0,
			"skipped %zu user ID(s) and %zu subkey(s) without a valid self-signature",
			uids_dropped, subkeys_dropped);
	else if (dropped)
		weft_diag_set(note, 0, "dropped %zu invalid signature(s)",
			      dropped);
	return dropped;
}

bool
weft_cert_is_usable(const weft_cert *c)
{
	size_t i;

	if (has_good_self(&c->primary.sigs, is_direct_or_rev))
		return true;
	for (i = 0; i < c->nuids; i++)
		if (has_good_self(&c->uids[i].sigs, weft_sig_is_cert))
			return true;
	return false;
}

bool
weft_sigrec_issued_by(const weft_sigrec *rec, const uint8_t *fpr,
		      size_t fpr_len, const uint8_t keyid[8])
{
	if (!rec->sig.issuer_fpr_len && !rec->sig.has_issuer_keyid)
		return false;
	return weft_pkt_sig_issuer_matches(&rec->sig, fpr, fpr_len, keyid);
}

bool
weft_sigrec_issuer_keyid(const weft_sigrec *rec, uint8_t keyid[8])
{
	const weft_pkt_sig *s = &rec->sig;

	if (s->issuer_fpr_len) {
		weft_keyid_from_fpr(s->issuer_fpr, s->issuer_fpr_len, keyid);
		return true;
	}
	if (s->has_issuer_keyid) {
		memcpy(keyid, s->issuer_keyid, 8);
		return true;
	}
	memset(keyid, 0, 8);
	return false;
}

/* ---- state at a reference time ------------------------------------------- */

bool
weft_revocation_is_hard(const weft_pkt_sig *rev)
{
	if (!rev->has_reason)
		return true;
	switch (rev->reason) {
	case WEFT_REASON_SUPERSEDED:
	case WEFT_REASON_RETIRED:
	case WEFT_REASON_UID_INVALID:
		return false;
	default:
		return true;
	}
}

/* ---- state at a reference time: summary.c answers, these map back -------- */

void
weft_cert_view_open(weft_cert_view *v, const weft_cert *c)
{
	v->c = c;
	weft_buf_init(&v->buf);
	v->ok = weft_summary_of(c, &v->buf, &v->s) == 0;
}

void
weft_cert_view_close(weft_cert_view *v)
{
	weft_summary_free(&v->s);
	weft_buf_free(&v->buf);
}

static const weft_sigrec *
rec_of(const weft_cert_view *m, const weft_tsig *t)
{
	return t ? m->s.recs[t - m->s.sigs] : NULL;
}

static void
to_binding_state(const weft_cert_view *m, const weft_tstate *ts,
		 weft_binding_state *out)
{
	out->binding = rec_of(m, ts->binding);
	out->revocation = rec_of(m, ts->revocation);
	out->valid = ts->valid;
	out->policy_ok = ts->policy_ok;
	out->revoked = ts->revoked;
	out->hard_revoked = ts->hard_revoked;
	out->revoked_at = ts->revoked_at;
}

static void
to_key_state(const weft_cert_view *m, const weft_tkey_state *ts,
	     weft_key_state *out)
{
	to_binding_state(m, &ts->b, &out->b);
	out->created = ts->created;
	out->expires = ts->expires;
	out->expired = ts->expired;
	out->key_flags = ts->key_flags;
	out->has_key_flags = ts->has_key_flags;
}

void
weft_cert_view_uid_state(const weft_cert_view *v, const weft_uidrec *u,
			 uint32_t t, weft_binding_state *out)
{
	weft_tstate ts;

	memset(out, 0, sizeof *out);
	if (v->ok) {
		weft_summary_uid_state(&v->s, (size_t)(u - v->c->uids), t, t,
				       &ts);
		to_binding_state(v, &ts, out);
	}
}

const weft_uidrec *
weft_cert_view_primary_uid(const weft_cert_view *v, uint32_t t)
{
	int i = v->ok ? weft_summary_primary_uid(&v->s, t, t) : -1;

	return i < 0 ? NULL : &v->c->uids[i];
}

void
weft_cert_view_primary_state(const weft_cert_view *v, uint32_t t,
			     weft_key_state *out)
{
	weft_tkey_state ts;

	memset(out, 0, sizeof *out);
	if (v->ok) {
		weft_summary_primary_state(&v->s, t, t, &ts);
		to_key_state(v, &ts, out);
	}
}

void
weft_cert_view_subkey_state(const weft_cert_view *v, const weft_keyrec *k,
			    uint32_t t, weft_key_state *out)
{
	weft_tkey_state ts;

	memset(out, 0, sizeof *out);
	if (v->ok) {
		weft_summary_subkey_state(&v->s, (size_t)(k - v->c->subkeys),
					  t, t, &ts);
		to_key_state(v, &ts, out);
	}
}

/* One question each: the view for it alone. */
void
weft_cert_uid_state(const weft_cert *c, const weft_uidrec *u, uint32_t t,
		    weft_binding_state *out)
{
	weft_cert_view v;

	weft_cert_view_open(&v, c);
	weft_cert_view_uid_state(&v, u, t, out);
	weft_cert_view_close(&v);
}

const weft_uidrec *
weft_cert_primary_uid(const weft_cert *c, uint32_t t)
{
	weft_cert_view v;
	const weft_uidrec *u;

	weft_cert_view_open(&v, c);
	u = weft_cert_view_primary_uid(&v, t);
	weft_cert_view_close(&v);
	return u;
}

void
weft_cert_primary_state(const weft_cert *c, uint32_t t, weft_key_state *out)
{
	weft_cert_view v;

	weft_cert_view_open(&v, c);
	weft_cert_view_primary_state(&v, t, out);
	weft_cert_view_close(&v);
}

void
weft_cert_subkey_state(const weft_cert *c, const weft_keyrec *k, uint32_t t,
		       weft_key_state *out)
{
	weft_cert_view v;

	weft_cert_view_open(&v, c);
	weft_cert_view_subkey_state(&v, k, t, out);
	weft_cert_view_close(&v);
}
