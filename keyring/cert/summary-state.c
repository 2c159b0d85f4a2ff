/* summary-state.c - the state of a summary's components at a time X,
 * under the policy of time P (the records: summary.c).
 *
 * The state rules are Sequoia's (sequoia-openpgp 1.12, cert/bundle.rs):
 *   1. A component's binding at X is its newest self-signature of a
 *      binding type that is live at X (created at or before X, not
 *      expired at X) and that the policy of P accepts.  If the policy
 *      rejects them all, the newest live one is still reported (for
 *      listings), flagged policy_ok = false; it never makes the component
 *      valid.
 *   2. Revocations by the certificate itself: with HARD_FINAL (keys and
 *      subkeys) a hard revocation (no reason, unspecified, compromised,
 *      unknown) is in effect at every time.  Otherwise (soft ones, and all
 *      revocations of user IDs) a revocation counts when it is live at X
 *      and not older than the binding.  The policy applies to revocations
 *      too (with their seven-year grace, policy.c).
 *   3. The primary key's binding is the primary user ID's binding (v4;
 *      the direct-key signature for v6), else the newest direct-key
 *      signature.  Its key expiry and key flags apply, and a key expiry
 *      found only on the direct-key signature applies as well.
 *   4. The primary user ID: the valid, unrevoked one with the primary flag
 *      and then the newest binding; failing that, one only the policy
 *      rejects; failing that, a revoked or unbound one.
 *   5. A signing subkey without a valid back-signature cannot sign.
 */
#include "summary.h"

/* The first signature of component COMP (or nsigs).  Its range runs on
 * while the component number is COMP; the self-signatures come first in
 * it, so the walks below stop at the first third-party one instead of
 * finding the end (a key certified by thousands has thousands after
 * them, and its state is asked for again and again). */
static size_t
comp_first(const weft_summary *s, uint16_t comp)
{
	size_t lo = 0, hi = s->nsigs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->sigs[mid].comp < comp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is signature I a self-signature of component COMP? */
static bool
comp_self(const weft_summary *s, uint16_t comp, size_t i)
{
	return i < s->nsigs && s->sigs[i].comp == comp &&
	       s->sigs[i].issuer == 0;
}

static bool
tsig_live(const weft_tsig *t, uint32_t x)
{
	return t->created <= x && (!t->expires || t->expires > x);
}

bool
weft_tsig_policy_ok(const weft_tsig *t, weft_hash_security sec, uint32_t p)
{
	return !(t->flags & WEFT_TSF_BADCRIT) &&
	       weft_policy_hash_ok(t->hash, t->type, sec, p);
}

typedef bool (*type_fn)(uint8_t);

static bool
is_uid_binding(uint8_t t)
{
	return weft_sig_is_cert(t);
}

static bool
is_direct(uint8_t t)
{
	return t == WEFT_SIG_DIRECT_KEY;
}

static bool
is_subkey_binding(uint8_t t)
{
	return t == WEFT_SIG_SUBKEY_BINDING;
}

/* Step 1.  Self-signatures come first in a component's range and newest
 * first, so the first match is the newest. */
static const weft_tsig *
find_binding(const weft_summary *s, uint16_t comp, type_fn binding_type,
	     weft_hash_security sec, uint32_t x, uint32_t p, bool policy)
{
	size_t i;

	for (i = comp_first(s, comp); comp_self(s, comp, i); i++) {
		const weft_tsig *t = &s->sigs[i];

		if (!binding_type(t->type) || !tsig_live(t, x))
			continue;
		if (policy && !weft_tsig_policy_ok(t, sec, p))
			continue;
		return t;
	}
	return NULL;
}

/* Step 2. */
static void
revocation_state(const weft_summary *s, uint16_t comp, uint8_t rev_type,
		 weft_hash_security sec, bool hard_final,
		 const weft_tsig *binding, uint32_t x, uint32_t p,
		 weft_tstate *out)
{
	uint32_t bt = binding ? binding->created : 0;
	size_t i;

	for (i = comp_first(s, comp); comp_self(s, comp, i); i++) {
		const weft_tsig *t = &s->sigs[i];
		bool hard = (t->flags & WEFT_TSF_HARD) != 0;

		if (t->type != rev_type || !weft_tsig_policy_ok(t, sec, p))
			continue;
		if (!(hard_final && hard) && (bt > t->created || !tsig_live(t, x)))
			continue;
		/* Prefer a hard revocation, then the earliest. */
		if (!out->revocation || (hard && !out->hard_revoked) ||
		    (hard == out->hard_revoked && t->created < out->revoked_at)) {
			out->revocation = t;
			out->revoked = true;
			out->hard_revoked = hard;
			out->revoked_at = t->created;
		}
	}
}

static void
binding_state(const weft_summary *s, uint16_t comp, type_fn binding_type,
	      uint8_t rev_type, weft_hash_security sec, bool hard_final,
	      uint32_t x, uint32_t p, weft_tstate *out)
{
	memset(out, 0, sizeof *out);
	out->binding = find_binding(s, comp, binding_type, sec, x, p, true);
	out->policy_ok = out->binding != NULL;
	if (!out->binding)
		out->binding = find_binding(s, comp, binding_type, sec, x, p,
					    false);
	out->valid = out->policy_ok;
	revocation_state(s, comp, rev_type, sec, hard_final, out->binding, x, p,
			 out);
}

void
weft_summary_uid_state(const weft_summary *s, size_t u, uint32_t x,
		       uint32_t p, weft_tstate *out)
{
	binding_state(s, (uint16_t)u, is_uid_binding, WEFT_SIG_CERT_REVOCATION,
		      (weft_hash_security)s->uids[u].sec, false, x, p, out);
}

static int
uid_rank(const weft_tstate *st)
{
	if (st->revoked || !st->binding)
		return 1;
	return st->policy_ok ? 3 : 2;
}

/* Step 4. */
int
weft_summary_primary_uid(const weft_summary *s, uint32_t x, uint32_t p)
{
	weft_tstate st, bst;
	int best = -1, rank, brank = 0;
	size_t i;
	bool better;

	memset(&bst, 0, sizeof bst);
	for (i = 0; i < s->nuids; i++) {
		if (s->uids[i].tag != WEFT_PKT_USER_ID)
			continue;
		weft_summary_uid_state(s, i, x, p, &st);
		rank = uid_rank(&st);
		if (rank != brank)
			better = rank > brank;
		else if (!st.binding || !bst.binding)
			better = false;
		else if ((st.binding->flags & WEFT_TSF_PRIMARY_UID) !=
			 (bst.binding->flags & WEFT_TSF_PRIMARY_UID))
			better = (st.binding->flags & WEFT_TSF_PRIMARY_UID) != 0;
		else
			better = st.binding->created > bst.binding->created;
		if (better) {
			best = (int)i;
			brank = rank;
			bst = st;
		}
	}
	return best;
}

bool
weft_summary_key_policy_ok(const weft_tkey *k, uint32_t p)
{
	weft_pkt_key fake;
	weft_curve curve;

	memset(&fake, 0, sizeof fake);
	memset(&curve, 0, sizeof curve);
	fake.algo = k->algo;
	fake.bits = k->bits;
	curve.display = "";
	fake.curve = k->policy_ok_curve ? &curve : NULL;
	return weft_policy_key_ok(&fake, p);
}

static void
key_flags_of(const weft_tkey *k, const weft_tsig *t, uint8_t *flags,
	     bool *has)
{
	if (t && (t->flags & WEFT_TSF_KEY_FLAGS)) {
		*flags = t->key_flags;
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
set_expiry(weft_tkey_state *out, const weft_tkey *k, const weft_tsig *t,
	   uint32_t x)
{
	out->created = k->created;
	out->expires = t ? t->key_expires : 0;
	out->expired = out->expires && out->expires <= x;
}

/* Step 3. */
void
weft_summary_primary_state(const weft_summary *s, uint32_t x, uint32_t p,
			   weft_tkey_state *out)
{
	const weft_tsig *direct, *binding, *exp;
	weft_tstate uidst;
	int pu;
	weft_hash_security sec = WEFT_SEC_SECOND_PREIMAGE;

	memset(out, 0, sizeof *out);
	direct = find_binding(s, WEFT_TS_PRIMARY, is_direct,
			      WEFT_SEC_SECOND_PREIMAGE, x, p, true);
	if (!direct)
		direct = find_binding(s, WEFT_TS_PRIMARY, is_direct,
				      WEFT_SEC_SECOND_PREIMAGE, x, p, false);
	pu = weft_summary_primary_uid(s, x, p);
	memset(&uidst, 0, sizeof uidst);
	if (pu >= 0)
		weft_summary_uid_state(s, (size_t)pu, x, p, &uidst);
	if (s->key.version == 6)
		binding = direct ? direct : uidst.binding;
	else
		binding = uidst.binding ? uidst.binding : direct;
	if (binding && binding != direct && pu >= 0)
		sec = (weft_hash_security)s->uids[pu].sec;
	out->b.binding = binding;
	out->b.policy_ok = binding && weft_tsig_policy_ok(binding, sec, p) &&
			   weft_summary_key_policy_ok(&s->key, p);
	out->b.valid = out->b.policy_ok;
	revocation_state(s, WEFT_TS_PRIMARY, WEFT_SIG_KEY_REVOCATION,
			 WEFT_SEC_SECOND_PREIMAGE, true, binding, x, p, &out->b);
	exp = binding;
	if ((!exp || !exp->key_expires) && direct && direct->key_expires)
		exp = direct;
	set_expiry(out, &s->key, exp, x);
	key_flags_of(&s->key, binding, &out->key_flags, &out->has_key_flags);
}

/* The state of the primary key at X depends on X only through which of
 * its self-signatures (direct key, user ID bindings, revocations) are
 * live at X.  From the time returned on, up to T, every one of them was
 * made and those expired by T had expired: the same ones are live as at
 * T, so weft_summary_primary_state answers as at T but for what it
 * compares with X itself (expired, and revoked_at against X). */
uint32_t
weft_summary_stable_from(const weft_summary *s, uint32_t t)
{
	uint32_t from = 0;
	size_t u, i;

	for (u = 0; u <= s->nuids; u++) {
		uint16_t comp = u < s->nuids ? (uint16_t)u : WEFT_TS_PRIMARY;

		for (i = comp_first(s, comp); comp_self(s, comp, i); i++) {
			const weft_tsig *g = &s->sigs[i];

			if (g->created > from)
				from = g->created;
			if (g->expires && g->expires <= t && g->expires > from)
				from = g->expires;
		}
	}
	return from;
}

void
weft_summary_subkey_state(const weft_summary *s, size_t i, uint32_t x,
			  uint32_t p, weft_tkey_state *out)
{
	const weft_tkey *k = &s->subkeys[i];
	const weft_tsig *t;

	memset(out, 0, sizeof *out);
	binding_state(s, (uint16_t)(WEFT_TS_SUBKEY | i), is_subkey_binding,
		      WEFT_SIG_SUBKEY_REVOCATION, WEFT_SEC_SECOND_PREIMAGE, true,
		      x, p, &out->b);
	out->b.policy_ok = out->b.policy_ok && weft_summary_key_policy_ok(k, p);
	out->b.valid = out->b.policy_ok;
	t = out->b.binding;
	set_expiry(out, k, t, x);
	key_flags_of(k, t, &out->key_flags, &out->has_key_flags);
	if (t && (t->flags & WEFT_TSF_NEEDS_BACKSIG) &&
	    !(t->flags & WEFT_TSF_BACKSIG_OK))
		out->key_flags &= (uint8_t)~(WEFT_KF_SIGN | WEFT_KF_CERTIFY);
}

bool
weft_summary_valid_at(const weft_summary *s, uint32_t x, uint32_t p)
{
	weft_tkey_state ks;

	weft_summary_primary_state(s, x, p, &ks);
	return ks.b.valid;
}

weft_rev_kind
weft_summary_revocation(const weft_summary *s, uint32_t x, uint32_t p,
			uint32_t *soft_time)
{
	weft_tkey_state ks;

	weft_summary_primary_state(s, x, p, &ks);
	*soft_time = 0;
	if (!ks.b.revoked)
		return WEFT_REV_NONE;
	if (ks.b.hard_revoked)
		return WEFT_REV_HARD;
	*soft_time = ks.b.revoked_at;
	return WEFT_REV_SOFT;
}
