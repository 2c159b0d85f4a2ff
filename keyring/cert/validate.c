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

#include "cert.h"

static bool
is_cert_type(uint8_t t)
{
	return t >= WEFT_SIG_GENERIC_CERT && t <= WEFT_SIG_POSITIVE_CERT;
}

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

/* Does the binding of subkey K call for a back-signature? */
static bool
needs_backsig(const weft_keyrec *k, const weft_pkt_sig *binding)
{
	if (binding->has_key_flags)
		return (binding->key_flags & (WEFT_KF_SIGN | WEFT_KF_CERTIFY)) != 0;
	/* No key flags: usable for whatever the algorithm can do, so a
	 * signing algorithm needs the back-signature too (as in gpg). */
	return weft_pk_algo_can_sign(k->key.algo);
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
			if (!is_cert_type(ty) && ty != WEFT_SIG_CERT_REVOCATION) {
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
			    needs_backsig(k, &r->sig))
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
	return is_cert_type(t) || t == WEFT_SIG_CERT_REVOCATION;
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
		if (has_good_self(&c->uids[i].sigs, is_cert_type))
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

static bool
sig_live(const weft_pkt_sig *s, uint32_t t)
{
	if (s->created > t)
		return false;
	if (s->expires && (uint64_t)s->created + s->expires <= t)
		return false;
	return true;
}

/* Step 2: the newest live self-signature of a binding type that the
 * policy accepts at T. */
static const weft_sigrec *
find_binding(const weft_sigvec *v, bool (*binding_type)(uint8_t),
	     weft_hash_security sec, uint32_t t, bool policy)
{
	const weft_sigrec *b = NULL;
	size_t i;

	for (i = 0; i < v->n; i++) {
		const weft_sigrec *r = &v->v[i];

		if (!r->self || r->state != WEFT_SIG_GOOD ||
		    !binding_type(r->sig.type) || !sig_live(&r->sig, t) ||
		    (policy && !weft_policy_sig_ok(&r->sig, sec, t)))
			continue;
		if (!b || r->sig.created >= b->sig.created)
			b = r;
	}
	return b;
}

/* Step 3, as Sequoia's ComponentBundle::_revocation_status: with
 * HARD_FINAL (keys and subkeys) a hard revocation is in effect whatever
 * the time; otherwise a revocation counts when it is live at T and not
 * older than the binding BINDING. */
static void
revocation_state(const weft_sigvec *v, uint8_t rev_type,
		 weft_hash_security sec, bool hard_final,
		 const weft_sigrec *binding, uint32_t t,
		 weft_binding_state *out)
{
	uint32_t bt = binding ? binding->sig.created : 0;
	size_t i;

	for (i = 0; i < v->n; i++) {
		const weft_sigrec *r = &v->v[i];
		bool hard;

		if (!r->self || r->state != WEFT_SIG_GOOD ||
		    r->sig.type != rev_type ||
		    !weft_policy_sig_ok(&r->sig, sec, t))
			continue;
		hard = weft_revocation_is_hard(&r->sig);
		if (!(hard_final && hard)) {
			if (bt > r->sig.created || !sig_live(&r->sig, t))
				continue;
		}
		/* Prefer a hard revocation, then the earliest. */
		if (!out->revocation || (hard && !out->hard_revoked) ||
		    (hard == out->hard_revoked &&
		     r->sig.created < out->revoked_at)) {
			out->revocation = r;
			out->revoked = true;
			out->hard_revoked = hard;
			out->revoked_at = r->sig.created;
		}
	}
}

static void
binding_state(const weft_sigvec *v, bool (*binding_type)(uint8_t),
	      uint8_t rev_type, weft_hash_security sec, bool hard_final,
	      uint32_t t, weft_binding_state *out)
{
	memset(out, 0, sizeof *out);
	out->binding = find_binding(v, binding_type, sec, t, true);
	out->policy_ok = out->binding != NULL;
	if (!out->binding)
		out->binding = find_binding(v, binding_type, sec, t, false);
	out->valid = out->policy_ok;
	revocation_state(v, rev_type, sec, hard_final, out->binding, t, out);
}

void
weft_cert_uid_state(const weft_cert *c, const weft_uidrec *u, uint32_t t,
		    weft_binding_state *out)
{
	(void)c;
	binding_state(&u->sigs, is_cert_type, WEFT_SIG_CERT_REVOCATION,
		      weft_uid_hash_security(u->data, u->len, u->tag), false,
		      t, out);
}

static bool
is_direct(uint8_t t)
{
	return t == WEFT_SIG_DIRECT_KEY;
}

/* Rank of a user ID for being primary: 3 valid and unrevoked, 2 bound
 * but rejected by the policy, 1 revoked or unbound. */
static int
uid_rank(const weft_binding_state *st)
{
	if (st->revoked || !st->binding)
		return 1;
	return st->policy_ok ? 3 : 2;
}

const weft_uidrec *
weft_cert_primary_uid(const weft_cert *c, uint32_t t)
{
	const weft_uidrec *best = NULL;
	weft_binding_state st, bst;
	int rank, brank = 0;
	size_t i;

	memset(&bst, 0, sizeof bst);
	for (i = 0; i < c->nuids; i++) {
		const weft_uidrec *u = &c->uids[i];
		bool better;

		if (u->tag != WEFT_PKT_USER_ID)
			continue;
		weft_cert_uid_state(c, u, t, &st);
		rank = uid_rank(&st);
		if (rank != brank) {
			better = rank > brank;
		} else if (!st.binding || !bst.binding) {
			better = false;
		} else if (st.binding->sig.primary_uid !=
			   bst.binding->sig.primary_uid) {
			/* The primary flag first, then the newest binding. */
			better = st.binding->sig.primary_uid;
		} else {
			better = st.binding->sig.created >
				 bst.binding->sig.created;
		}
		if (better) {
			best = u;
			brank = rank;
			bst = st;
		}
	}
	return best;
}

static void
key_flags_of(const weft_pkt_key *k, const weft_pkt_sig *s, uint8_t *flags,
	     bool *has)
{
	if (s && s->has_key_flags) {
		*flags = s->key_flags;
		*has = true;
		return;
	}
	/* No key flags: what the algorithm can do (gpg's rule). */
	*has = false;
	*flags = 0;
	if (weft_pk_algo_can_sign(k->algo))
		*flags |= WEFT_KF_SIGN | WEFT_KF_CERTIFY;
	if (weft_pk_algo_can_encrypt(k->algo))
		*flags |= WEFT_KF_ENCRYPT_COMMS | WEFT_KF_ENCRYPT_STORAGE;
}

static void
set_expiry(weft_key_state *out, const weft_pkt_key *k,
	   const weft_pkt_sig *s, uint32_t t)
{
	uint64_t e;

	out->created = k->created;
	out->expires = 0;
	if (k->version < 4 && k->v3_days)
		out->expires = k->created + (uint32_t)k->v3_days * 86400u;
	if (s && s->has_key_expires && s->key_expires) {
		e = (uint64_t)k->created + s->key_expires;
		out->expires = e > UINT32_MAX ? UINT32_MAX : (uint32_t)e;
	}
	out->expired = out->expires && out->expires <= t;
}

void
weft_cert_primary_state(const weft_cert *c, uint32_t t, weft_key_state *out)
{
	const weft_sigrec *direct, *binding;
	weft_binding_state uidst;
	const weft_uidrec *pu;
	const weft_pkt_sig *s, *exp;

	memset(out, 0, sizeof *out);
	direct = find_binding(&c->primary.sigs, is_direct,
			      WEFT_SEC_SECOND_PREIMAGE, t, true);
	if (!direct)
		direct = find_binding(&c->primary.sigs, is_direct,
				      WEFT_SEC_SECOND_PREIMAGE, t, false);
	pu = weft_cert_primary_uid(c, t);
	memset(&uidst, 0, sizeof uidst);
	if (pu)
		weft_cert_uid_state(c, pu, t, &uidst);
	/* v6: the direct-key signature is authoritative (RFC 9580 5.2.3.10);
	 * v4: the primary user ID's binding, else the direct-key signature
	 * (Sequoia's rule). */
	if (c->primary.key.version == 6)
		binding = direct ? direct : uidst.binding;
	else
		binding = uidst.binding ? uidst.binding : direct;
	out->b.binding = binding;
	out->b.policy_ok = binding &&
		weft_policy_sig_ok(&binding->sig, binding == direct ?
				   WEFT_SEC_SECOND_PREIMAGE :
				   weft_uid_hash_security(pu->data, pu->len,
							  pu->tag), t) &&
		weft_policy_key_ok(&c->primary.key, t);
	out->b.valid = out->b.policy_ok;
	revocation_state(&c->primary.sigs, WEFT_SIG_KEY_REVOCATION,
			 WEFT_SEC_SECOND_PREIMAGE, true, binding, t, &out->b);
	s = binding ? &binding->sig : NULL;
	/* A key expiry may sit on the direct-key signature alone. */
	exp = s;
	if ((!exp || !exp->has_key_expires) && direct &&
	    direct->sig.has_key_expires)
		exp = &direct->sig;
	set_expiry(out, &c->primary.key, exp, t);
	key_flags_of(&c->primary.key, s, &out->key_flags, &out->has_key_flags);
}

void
weft_cert_subkey_state(const weft_cert *c, const weft_keyrec *k, uint32_t t,
		       weft_key_state *out)
{
	const weft_pkt_sig *s;

	(void)c;
	memset(out, 0, sizeof *out);
	binding_state(&k->sigs, is_binding_type, WEFT_SIG_SUBKEY_REVOCATION,
		      WEFT_SEC_SECOND_PREIMAGE, true, t, &out->b);
	out->b.policy_ok = out->b.policy_ok && weft_policy_key_ok(&k->key, t);
	out->b.valid = out->b.policy_ok;
	s = out->b.binding ? &out->b.binding->sig : NULL;
	set_expiry(out, &k->key, s, t);
	key_flags_of(&k->key, s, &out->key_flags, &out->has_key_flags);
	if (out->b.binding && needs_backsig(k, s) && !out->b.binding->backsig_ok)
		out->key_flags &= (uint8_t)~(WEFT_KF_SIGN | WEFT_KF_CERTIFY);
}
