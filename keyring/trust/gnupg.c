/* gnupg.c - GnuPG's classic/pgp trust model (--model gnupg), computed as
 * gpg 2.2.40 does: g10/trustdb.c validate_keys, validate_key_list,
 * validate_one_keyblock and check_regexp; g10/key-clean.c
 * mark_usable_uid_certs; the key and user ID states of g10/getkey.c
 * merge_selfsigs_main; and the letters g10/keylist.c prints.  The rules
 * below were checked against gpg 2.2.40 (tests/e2e/gnupg-model.sh and the
 * fixtures of tests/unit/trust/gnupg-web.c), except the two expiry rules of
 * 1c, which follow the source.
 *
 * The algorithm, over every key of the keyring at once:
 *
 *  1. States (gpg's merge_selfsigs).  A signature counts only if it was
 *     created at or before T and is not MD5; a third-party certification
 *     or certification revocation made with SHA-1 after 2019-01-19
 *     (1547856000) does not count either (gpg 2.2.18's cut-off).
 *     a. A key is revoked when it carries a key revocation by itself,
 *        made at any time.
 *     b. A user ID's chosen self-signature is its newest self-
 *        certification or self-revocation (a tie goes to the
 *        revocation).  The user ID is revoked when that is a revocation,
 *        expired when that has expired at T.  A user ID without any is
 *        neither (gpg still lets it carry trust).
 *     c. A key's expiry is that of its newest unexpired direct-key
 *        self-signature when that sets one; otherwise that of the user
 *        ID (neither revoked nor expired) whose chosen self-signature is
 *        newest among those that set one.  It has expired when that
 *        time is before T.
 *  2. Ultimately trusted keys (UTK): the ULTIMATE list plus every key
 *     whose ownertrust is ultimate, disabled or not.  Keys not in the
 *     keyring and expired keys are dropped.  Every UTK is marked seen,
 *     and all its user IDs get validity ultimate.  The first klist is the
 *     UTKs with ownertrust ultimate; a revoked UTK is left out of it
 *     (gpg refuses its certifications).
 *  3. For depth = 0 .. max-cert-depth - 1:
 *     a. Each klist key's ownertrust is raised to what the trust
 *        signature that brought it in says: value >= 120 full, >= 60
 *        marginal ("never" and "unknown" are raised alike).
 *     b. Each key not yet seen: a revoked or expired key is marked seen
 *        and skipped.  Otherwise each of its user IDs that is neither
 *        revoked nor expired is validated:
 *        - per klist signer, its certifications (0x10-0x13; 0x11-0x13
 *          below min-cert-level are ignored, 0x10 never is) and
 *          revocations (0x30) of the user ID are reduced to one: a
 *          non-revocable unexpired certification beats everything,
 *          otherwise the newest wins (a tie goes to the revocation).  A
 *          revocation, or a certification expired at T, leaves nothing:
 *          there is no fall-back to an older certification;
 *        - a signer that was brought in by a trust signature with a
 *          regex counts only if the user ID matches it, in gpg's
 *          sanitised form ("<[^>]+[@.]" and ">$" kept, every other
 *          operator but "." escaped), case-insensitively;
 *        - counting: an ultimate signer sets the full count to
 *          completes-needed, a full one adds one to it, a marginal one
 *          adds one to the marginal count.  The counts carry over from
 *          earlier depths.  The user ID is full when full >=
 *          completes-needed or marginal >= marginals-needed, marginal
 *          with any count, else undefined ("q": certified only by
 *          signers whose ownertrust is unknown, undefined or never);
 *        - a counted certification that is a trust signature with a
 *          depth gives the key the signature's trust value, a depth of
 *          min(signature's depth, signer's depth) - 1 (the signature's
 *          own when the signer is ultimate), and its regex (an earlier
 *          regex stays when it has none); when several do, the newest
 *          wins (gpg takes the last one in its keyring's packet order,
 *          which weft does not keep).
 *        A key with at least one such user ID is "signed"; one whose
 *        user IDs are all full is marked seen.
 *     c. The next klist: the signed keys that have a full user ID and
 *        were not in a klist before, with their ownertrust (the disabled
 *        flag dropped: a disabled key still introduces) and the trust
 *        signature state of step b.  Stop when it is empty.
 *  4. Letters (field 2 of gpg --with-colons): a key is revoked, else
 *     expired, else the highest validity of its user IDs ("-" unknown
 *     when none).  A user ID is revoked or expired by its own state
 *     first, then by its key's; on an ultimately trusted key it is
 *     ultimate; else it has its own validity.
 */
#include <regex.h>
#include <stdlib.h>

#include "gnupg.h"
#include "../util/mem.h"

/* gpg's TRUST_* values (trustdb.h); ownertrust uses the same numbers. */
enum {
	TRUST_UNKNOWN = 0,
	TRUST_EXPIRED = 1,
	TRUST_UNDEFINED = 2,
	TRUST_NEVER = 3,
	TRUST_MARGINAL = 4,
	TRUST_FULLY = 5,
	TRUST_ULTIMATE = 6,
	TRUST_MASK = 15,
};

/* SHA-1 third-party key signatures made after this are rejected. */
#define SHA1_CUTOFF 1547856000u

/* A user ID's state (gpg's uid->flags). */
enum { UID_OK = 0, UID_REVOKED, UID_EXPIRED };

/* Per-pass user ID flags (gpg's kbnode flag bits 0..2). */
enum { FL_SIGNED = 1, FL_MARGINAL = 2, FL_FULL = 4 };

typedef struct guid {
	uint32_t first, end;     /* its signatures in the summary */
	uint8_t state;           /* UID_* */
	uint8_t validity;        /* stored validity: TRUST_* (0: none) */
	uint8_t flags;           /* FL_* of the current pass */
	int full, marginal;      /* counts, kept across depths */
} guid;

typedef struct gkey {
	const weft_summary *s;
	uint8_t fpr[WEFT_FPR_MAX];
	uint8_t fpr_len;
	uint8_t ownertrust;      /* as stored, flags included */
	bool revoked, expired;
	bool utk;                /* ultimately trusted */
	bool seen;               /* gpg's full_trust table */
	bool used;               /* gpg's used table: was in a klist */
	int32_t *issuer_key;     /* per summary issuer: key index or -1 */
	guid *uids;
	/* The trust signature state of the current pass (pk->trust_*). */
	uint8_t trust_depth, trust_value;
	const weft_tbytes *trust_regexp;
} gkey;

/* A klist entry (gpg's struct key_item). */
typedef struct kitem {
	uint32_t key;
	uint8_t ownertrust;
	uint8_t trust_depth, trust_value;
	const weft_tbytes *trust_regexp;
} kitem;

typedef struct klist {
	kitem *v;
	size_t n, cap;
} klist;

/* A counted trust signature, applied in time order after a key's user
 * IDs are done. */
typedef struct tsig_event {
	const weft_tsig *sig;
	const kitem *kr;
	size_t order;
} tsig_event;

struct weft_gnupg {
	gkey *keys;              /* sorted by fingerprint */
	size_t nkeys;
	uint32_t t;
	int marginals, completes, max_depth, min_level;
	/* Scratch for the passes. */
	int32_t *klpos;          /* key index -> klist entry, or -1 */
	tsig_event *ev;
	size_t nev, evcap;
};

/* ---- lookups ---------------------------------------------------------------- */

static int
fpr_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

static int
key_cmp(const void *a, const void *b)
{
	const gkey *x = a, *y = b;

	return fpr_cmp(x->fpr, x->fpr_len, y->fpr, y->fpr_len);
}

static int32_t
find_key(const weft_gnupg *g, const uint8_t *fpr, size_t len)
{
	size_t lo = 0, hi = g->nkeys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = fpr_cmp(g->keys[mid].fpr, g->keys[mid].fpr_len, fpr,
				len);

		if (!c)
			return (int32_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* ---- signatures as gpg sees them --------------------------------------------- */

static bool
is_cert(uint8_t type)
{
	return type >= WEFT_SIG_GENERIC_CERT && type <= WEFT_SIG_POSITIVE_CERT;
}

static bool
is_uid_sig(uint8_t type)
{
	return is_cert(type) || type == WEFT_SIG_CERT_REVOCATION;
}

/* Would gpg accept signature T at all (check_key_signature)? */
static bool
sig_counts(const weft_tsig *t, uint32_t now)
{
	if (t->created > now || t->hash == WEFT_HASH_MD5)
		return false;
	/* sig-check.c: SHA-1 third-party key signatures after the cut-off
	 * make chosen-prefix collisions possible. */
	if (t->issuer && t->hash == WEFT_HASH_SHA1 && t->created > SHA1_CUTOFF)
		return false;
	return true;
}

static bool
sig_expired(const weft_tsig *t, uint32_t now)
{
	return t->expires && t->expires <= now;
}

/* Is signature I of S non-revocable (Revocable subpacket 0)? */
static bool
sig_nonrevocable(const weft_summary *s, size_t i)
{
	return (s->sigs[i].flags2 & WEFT_TSF2_NONREVOCABLE) != 0;
}

/* ---- step 1: key and user ID states -------------------------------------------- */

static void
sig_range(const weft_summary *s, uint16_t comp, uint32_t *first,
	  uint32_t *end)
{
	size_t lo = 0, hi = s->nsigs, b;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->sigs[mid].comp < comp)
			lo = mid + 1;
		else
			hi = mid;
	}
	b = lo;
	hi = s->nsigs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->sigs[mid].comp <= comp)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = (uint32_t)b;
	*end = (uint32_t)lo;
}

static void
key_states(gkey *k, uint32_t now)
{
	const weft_summary *s = k->s;
	const weft_tsig *direct = NULL;
	uint32_t first, end, i, expire = 0, best = 0;
	size_t u;

	/* 1a and the direct-key part of 1c. */
	sig_range(s, WEFT_TS_PRIMARY, &first, &end);
	for (i = first; i < end; i++) {
		const weft_tsig *t = &s->sigs[i];

		if (t->issuer || !sig_counts(t, now))
			continue;
		if (t->type == WEFT_SIG_KEY_REVOCATION)
			k->revoked = true;
		else if (t->type == WEFT_SIG_DIRECT_KEY &&
			 !sig_expired(t, now) &&
			 (!direct || t->created >= direct->created))
			direct = t;
	}
	/* 1b. */
	for (u = 0; u < s->nuids; u++) {
		guid *g = &k->uids[u];
		const weft_tsig *chosen = NULL;

		sig_range(s, (uint16_t)u, &g->first, &g->end);
		for (i = g->first; i < g->end && !s->sigs[i].issuer; i++) {
			const weft_tsig *t = &s->sigs[i];

			if (!is_uid_sig(t->type) || !sig_counts(t, now))
				continue;
			if (!chosen || t->created > chosen->created ||
			    (t->created == chosen->created &&
			     t->type == WEFT_SIG_CERT_REVOCATION))
				chosen = t;
		}
		if (!chosen)
			continue;
		if (chosen->type == WEFT_SIG_CERT_REVOCATION) {
			g->state = UID_REVOKED;
			continue;
		}
		if (sig_expired(chosen, now)) {
			g->state = UID_EXPIRED;
			continue;
		}
		/* 1c: the newest binding that sets a key expiry. */
		if (chosen->key_expires && chosen->created > best) {
			best = chosen->created;
			expire = chosen->key_expires;
		}
	}
	if (direct && direct->key_expires)
		expire = direct->key_expires;
	k->expired = expire && expire < now;
}

/* ---- check_regexp ----------------------------------------------------------------- */

/* gpg's sanitize_regexp: keep "<[^>]+[@.]" ... ">$" around the domain,
 * escape every operator but "." and backslash in between. */
static char *
sanitize_regexp(const char *old)
{
	static const char ops[] = "^[$()|*+?{";
	size_t start = 0, len = strlen(old), idx = 0;
	bool escaped = false, bracket = false;
	char *out = malloc(len * 2 + 3);

	if (!out)
		return NULL;
	if (len >= 12 && !strncmp(old, "<[^>]+[@.]", 10) &&
	    old[len - 2] == '>' && old[len - 1] == '$') {
		memcpy(out, "<[^>]+[@.]", 10);
		idx = 10;
		bracket = true;
		start = 10;
		len -= 2;
	}
	for (; start < len; start++) {
		if (!escaped && old[start] == '\\')
			escaped = true;
		else if (!escaped && strchr(ops, old[start]))
			out[idx++] = '\\';
		else
			escaped = false;
		out[idx++] = old[start];
	}
	if (bracket) {
		out[idx++] = '>';
		out[idx++] = '$';
	}
	out[idx] = 0;
	return out;
}

/* Both strings are used as C strings, as gpg does: up to a NUL. */
static char *
cstr(const uint8_t *p, size_t n)
{
	const uint8_t *z = memchr(p, 0, n);

	if (z)
		n = (size_t)(z - p);
	return weft_memdupz(p, n);
}

/* gpg 2.2.40 compiles with its bundled regex engine (REG_ICASE |
 * REG_EXTENDED); POSIX regcomp agrees on the sanitised patterns, except
 * that in the C locale case folding and "." work on octets rather than
 * UTF-8 characters. */
static bool
check_regexp(const weft_tbytes *expr, const weft_tuid *uid)
{
	char *raw, *re = NULL, *subject = NULL;
	regex_t pat;
	bool match = false;

	/* gpg matches a photo ID's made-up name ("[jpeg image of size
	 * N]"), which no "<...>$" regex matches. */
	if (uid->tag != WEFT_PKT_USER_ID)
		return false;
	if (!(raw = cstr(expr->data, expr->len)))
		return false;
	re = sanitize_regexp(raw);
	subject = cstr(uid->data, uid->len);
	if (re && subject && !regcomp(&pat, re, REG_ICASE | REG_EXTENDED)) {
		match = regexec(&pat, subject, 0, NULL, 0) == 0;
		regfree(&pat);
	}
	free(raw);
	free(re);
	free(subject);
	return match;
}

/* ---- step 3: one key at one depth ------------------------------------------------ */

static bool
nonrev_live(const weft_summary *s, size_t i, uint32_t now)
{
	const weft_tsig *t = &s->sigs[i];

	return is_cert(t->type) && sig_nonrevocable(s, i) &&
	       !sig_expired(t, now);
}

/* mark_usable_uid_certs for one signer: its signatures on the user ID
 * are S->sigs[FIRST..END), newest first as the summary sorts them.
 * gpg walks them in packet order, where signatures sit in the order they
 * arrived: oldest first, and at the same second a revocation after the
 * certification it revokes.  Returns the usable certification's index,
 * or -1. */
static long
usable_cert(const weft_gnupg *g, const weft_summary *s, uint32_t first,
	    uint32_t end)
{
	uint32_t run_end, i, sigdate = 0;
	long node = -1;
	int pass;

	for (run_end = end; run_end > first;) {
		uint32_t run = run_end - 1;

		while (run > first &&
		       s->sigs[run - 1].created == s->sigs[run_end - 1].created)
			run--;
		for (pass = 0; pass < 2; pass++)
			for (i = run_end; i-- > run;) {
				const weft_tsig *t = &s->sigs[i];
				bool keep, take;

				if ((t->type == WEFT_SIG_CERT_REVOCATION) !=
				    (pass == 1) ||
				    !is_uid_sig(t->type) || !sig_counts(t, g->t))
					continue;
				/* Below min-cert-level: as if invalid.
				 * 0x10 has no level to compare. */
				if (t->type > WEFT_SIG_GENERIC_CERT &&
				    is_cert(t->type) &&
				    t->type - WEFT_SIG_GENERIC_CERT < g->min_level)
					continue;
				if (node < 0) {
					node = i;
					sigdate = t->created;
					continue;
				}
				/* The latest and greatest, as gpg picks it:
				 * a non-revocable live certification wins
				 * whatever its age. */
				keep = nonrev_live(s, (size_t)node, g->t);
				take = nonrev_live(s, i, g->t);
				if (keep && !take)
					continue;
				if ((!keep && take) || t->created >= sigdate) {
					node = i;
					sigdate = t->created;
				}
			}
		run_end = run;
	}
	/* A revocation or an expired certification: nothing, no
	 * fall-back. */
	if (node < 0 || !is_cert(s->sigs[node].type) ||
	    sig_expired(&s->sigs[node], g->t))
		return -1;
	return node;
}

static gpg_error_t
add_event(weft_gnupg *g, const weft_tsig *sig, const kitem *kr)
{
	gpg_error_t err;

	if ((err = weft_grow((void **)&g->ev, &g->evcap, g->nev + 1,
			     sizeof *g->ev)))
		return err;
	g->ev[g->nev].sig = sig;
	g->ev[g->nev].kr = kr;
	g->ev[g->nev].order = g->nev;
	g->nev++;
	return 0;
}

static int
event_cmp(const void *a, const void *b)
{
	const tsig_event *x = a, *y = b;

	if (x->sig->created != y->sig->created)
		return x->sig->created < y->sig->created ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* validate_one_keyblock: true when some user ID was signed by KLIST. */
static gpg_error_t
validate_one(weft_gnupg *g, gkey *k, const klist *kl, bool *any_signed)
{
	const weft_summary *s = k->s;
	size_t u, e;
	gpg_error_t err;

	*any_signed = false;
	k->trust_depth = k->trust_value = 0;
	k->trust_regexp = NULL;
	g->nev = 0;
	for (u = 0; u < s->nuids; u++) {
		guid *gu = &k->uids[u];
		bool issigned = false;
		uint32_t i, j;

		gu->flags = 0;
		if (gu->state != UID_OK)
			continue;
		/* Third-party signatures come grouped by issuer. */
		for (i = gu->first; i < gu->end; i = j) {
			uint16_t iss = s->sigs[i].issuer;
			const kitem *kr;
			int32_t ik;
			long c;

			for (j = i + 1; j < gu->end && s->sigs[j].issuer == iss;
			     j++)
				;
			if (!iss || iss > s->nissuers)
				continue;
			ik = k->issuer_key[iss - 1];
			if (ik < 0 || g->klpos[ik] < 0)
				continue;
			kr = &kl->v[g->klpos[ik]];
			if ((c = usable_cert(g, s, i, j)) < 0)
				continue;
			/* A regex that does not match: as if the
			 * certification did not exist. */
			if (kr->trust_regexp &&
			    !check_regexp(kr->trust_regexp, &s->uids[u]))
				continue;
			if (s->sigs[c].depth &&
			    (s->sigs[c].flags & WEFT_TSF_TRUST) &&
			    (err = add_event(g, &s->sigs[c], kr)))
				return err;
			if (kr->ownertrust == TRUST_ULTIMATE)
				gu->full = g->completes;
			else if (kr->ownertrust == TRUST_FULLY)
				gu->full++;
			else if (kr->ownertrust == TRUST_MARGINAL)
				gu->marginal++;
			issigned = true;
		}
		if (!issigned)
			continue;
		if (gu->full >= g->completes || gu->marginal >= g->marginals)
			gu->flags |= FL_FULL;
		else if (gu->full || gu->marginal)
			gu->flags |= FL_MARGINAL;
		gu->flags |= FL_SIGNED;
		*any_signed = true;
	}
	/* The trust signatures, oldest first: the newest one stays. */
	if (g->nev > 1)
		qsort(g->ev, g->nev, sizeof *g->ev, event_cmp);
	for (e = 0; e < g->nev; e++) {
		const weft_tsig *sig = g->ev[e].sig;
		const kitem *kr = g->ev[e].kr;
		uint8_t depth;

		if (sig->depth < kr->trust_depth ||
		    kr->ownertrust == TRUST_ULTIMATE)
			depth = sig->depth;
		else
			depth = kr->trust_depth;
		if (!depth)
			continue;
		k->trust_value = sig->amount;
		k->trust_depth = (uint8_t)(depth - 1);
		if (sig->nregex)
			k->trust_regexp = &s->regexes[sig->regex];
	}
	return 0;
}

/* ---- steps 2 and 3 --------------------------------------------------------------- */

static gpg_error_t
klist_add(klist *kl, uint32_t key, uint8_t ownertrust, const gkey *k)
{
	gpg_error_t err;
	kitem *it;

	if ((err = weft_grow((void **)&kl->v, &kl->cap, kl->n + 1,
			     sizeof *kl->v)))
		return err;
	it = &kl->v[kl->n++];
	it->key = key;
	it->ownertrust = ownertrust;
	it->trust_depth = k ? k->trust_depth : 0;
	it->trust_value = k ? k->trust_value : 0;
	it->trust_regexp = k ? k->trust_regexp : NULL;
	return 0;
}

static gpg_error_t
validate_keys(weft_gnupg *g)
{
	klist kl = { NULL, 0, 0 }, next = { NULL, 0, 0 }, tmp;
	size_t i, u;
	int depth;
	gpg_error_t err = 0;

	/* Step 2. */
	for (i = 0; i < g->nkeys; i++) {
		gkey *k = &g->keys[i];

		if (!k->utk)
			continue;
		if (k->expired) {
			k->utk = false;
			continue;
		}
		k->seen = k->used = true;
		for (u = 0; u < k->s->nuids; u++)
			k->uids[u].validity = TRUST_ULTIMATE;
		if (!k->revoked &&
		    (err = klist_add(&kl, (uint32_t)i, TRUST_ULTIMATE, NULL)))
			goto leave;
	}
	/* Step 3. */
	for (depth = 0; depth < g->max_depth && kl.n; depth++) {
		for (i = 0; i < kl.n; i++) {
			kitem *it = &kl.v[i];
			uint8_t min = it->trust_value >= 120 ? TRUST_FULLY
				    : it->trust_value >= 60 ? TRUST_MARGINAL
				    : 0;

			if (it->ownertrust < min)
				it->ownertrust = min;
			g->klpos[it->key] = (int32_t)i;
		}
		next.n = 0;
		for (i = 0; i < g->nkeys; i++) {
			gkey *k = &g->keys[i];
			bool signed_, all_full = true, any_full = false;

			if (k->seen)
				continue;
			if (k->revoked || k->expired) {
				k->seen = true;
				continue;
			}
			if ((err = validate_one(g, k, &kl, &signed_)))
				goto leave;
			if (!signed_)
				continue;
			for (u = 0; u < k->s->nuids; u++) {
				guid *gu = &k->uids[u];

				if (gu->flags & FL_FULL)
					any_full = true;
				else
					all_full = false;
				if (gu->flags & FL_FULL)
					gu->validity = TRUST_FULLY;
				else if (gu->flags & FL_MARGINAL)
					gu->validity = TRUST_MARGINAL;
				else if (gu->flags & FL_SIGNED)
					gu->validity = TRUST_UNDEFINED;
			}
			if (all_full)
				k->seen = true;
			if (any_full && !k->used) {
				k->used = true;
				if ((err = klist_add(&next, (uint32_t)i,
						     k->ownertrust & TRUST_MASK,
						     k)))
					goto leave;
			}
		}
		for (i = 0; i < kl.n; i++)
			g->klpos[kl.v[i].key] = -1;
		tmp = kl;
		kl = next;
		next = tmp;
	}
leave:
	free(kl.v);
	free(next.v);
	return err;
}

/* ---- set-up ------------------------------------------------------------------------ */

static gpg_error_t
check_params(weft_gnupg *g, const weft_gnupg_params *p)
{
	g->marginals = p && p->marginals_needed ? p->marginals_needed : 3;
	g->completes = p && p->completes_needed ? p->completes_needed : 1;
	g->max_depth = p && p->max_cert_depth ? p->max_cert_depth : 5;
	g->min_level = p && p->min_cert_level ? p->min_cert_level : 2;
	/* gpg refuses to start with other values. */
	if (g->marginals < 2 || g->completes < 1 || g->max_depth < 1 ||
	    g->max_depth > 255 || g->min_level < 1 || g->min_level > 3)
		return WEFT_ERR(GPG_ERR_INV_VALUE);
	return 0;
}

static gpg_error_t
load_key(weft_gnupg *g, gkey *k)
{
	const weft_summary *s = k->s;
	size_t i;

	if (s->nissuers &&
	    !(k->issuer_key = malloc(s->nissuers * sizeof *k->issuer_key)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (i = 0; i < s->nissuers; i++)
		k->issuer_key[i] = find_key(g, s->issuers[i].data,
					    s->issuers[i].len);
	if (s->nuids && !(k->uids = calloc(s->nuids, sizeof *k->uids)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	key_states(k, g->t);
	return 0;
}

gpg_error_t
weft_gnupg_run(weft_gnupg **out, const weft_tsource *src, uint32_t t,
	       const weft_troot *fprs, size_t nfprs, const weft_troot *ultimate,
	       size_t nultimate, const weft_gnupg_owner *owners, size_t nowners,
	       const weft_gnupg_params *params)
{
	weft_gnupg *g;
	size_t i, w;
	int32_t k;
	gpg_error_t err;

	*out = NULL;
	if (!(g = calloc(1, sizeof *g)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	g->t = t;
	if ((err = check_params(g, params)))
		goto leave;
	if (nfprs && !(g->keys = calloc(nfprs, sizeof *g->keys))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	for (i = 0; i < nfprs; i++) {
		gkey *gk = &g->keys[g->nkeys];

		if (fprs[i].fpr_len > WEFT_FPR_MAX)
			continue;
		memcpy(gk->fpr, fprs[i].fpr, fprs[i].fpr_len);
		gk->fpr_len = fprs[i].fpr_len;
		g->nkeys++;
	}
	if (g->nkeys > 1) {
		qsort(g->keys, g->nkeys, sizeof *g->keys, key_cmp);
		for (i = 1, w = 0; i < g->nkeys; i++)
			if (key_cmp(&g->keys[w], &g->keys[i]))
				g->keys[++w] = g->keys[i];
		g->nkeys = w + 1;
	}
	/* Only keys the source knows take part. */
	for (i = 0, w = 0; i < g->nkeys; i++) {
		gkey *gk = &g->keys[i];

		err = src->get(src->opaque, gk->fpr, gk->fpr_len, &gk->s);
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
			continue;
		if (err)
			goto leave;
		g->keys[w++] = *gk;
	}
	err = 0;
	g->nkeys = w;
	for (i = 0; i < g->nkeys; i++)
		if ((err = load_key(g, &g->keys[i])))
			goto leave;
	for (i = 0; i < nowners; i++) {
		if ((k = find_key(g, owners[i].fpr, owners[i].fpr_len)) < 0)
			continue;
		g->keys[k].ownertrust = owners[i].value;
		if ((owners[i].value & TRUST_MASK) == TRUST_ULTIMATE)
			g->keys[k].utk = true;
	}
	for (i = 0; i < nultimate; i++)
		if ((k = find_key(g, ultimate[i].fpr, ultimate[i].fpr_len)) >= 0)
			g->keys[k].utk = true;
	if (g->nkeys &&
	    !(g->klpos = malloc(g->nkeys * sizeof *g->klpos))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	for (i = 0; i < g->nkeys; i++)
		g->klpos[i] = -1;
	err = validate_keys(g);
leave:
	if (err) {
		weft_gnupg_free(g);
		return err;
	}
	free(g->ev);
	g->ev = NULL;
	g->nev = g->evcap = 0;
	*out = g;
	return 0;
}

void
weft_gnupg_free(weft_gnupg *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->nkeys; i++) {
		free(g->keys[i].issuer_key);
		free(g->keys[i].uids);
	}
	free(g->keys);
	free(g->klpos);
	free(g->ev);
	free(g);
}

/* ---- step 4: answers --------------------------------------------------------------- */

static weft_validity
letter(uint8_t v)
{
	switch (v) {
	case TRUST_UNDEFINED: return WEFT_VALIDITY_UNDEFINED;
	case TRUST_NEVER: return WEFT_VALIDITY_NEVER;
	case TRUST_MARGINAL: return WEFT_VALIDITY_MARGINAL;
	case TRUST_FULLY: return WEFT_VALIDITY_FULL;
	case TRUST_ULTIMATE: return WEFT_VALIDITY_ULTIMATE;
	default: return WEFT_VALIDITY_UNKNOWN;
	}
}

static uint8_t
key_best(const gkey *k)
{
	uint8_t best = 0;
	size_t u;

	for (u = 0; u < k->s->nuids; u++)
		if (k->uids[u].validity > best)
			best = k->uids[u].validity;
	return best;
}

weft_validity
weft_gnupg_uid_validity(const weft_gnupg *g, const uint8_t *fpr,
			size_t fpr_len, const uint8_t *uid, size_t uid_len)
{
	const gkey *k;
	int32_t i;
	size_t u;

	if (!g || (i = find_key(g, fpr, fpr_len)) < 0)
		return WEFT_VALIDITY_UNKNOWN;
	k = &g->keys[i];
	for (u = 0; u < k->s->nuids; u++)
		if (k->s->uids[u].len == uid_len &&
		    (!uid_len || !memcmp(k->s->uids[u].data, uid, uid_len)))
			break;
	if (u == k->s->nuids)
		return WEFT_VALIDITY_UNKNOWN;
	if (k->uids[u].state == UID_REVOKED)
		return WEFT_VALIDITY_REVOKED;
	if (k->uids[u].state == UID_EXPIRED)
		return WEFT_VALIDITY_EXPIRED;
	if (k->revoked)
		return WEFT_VALIDITY_REVOKED;
	if (k->expired)
		return WEFT_VALIDITY_EXPIRED;
	/* keylist.c's ulti_hack: every user ID of an ultimate key. */
	if (key_best(k) == TRUST_ULTIMATE)
		return WEFT_VALIDITY_ULTIMATE;
	return letter(k->uids[u].validity);
}

weft_validity
weft_gnupg_key_validity(const weft_gnupg *g, const uint8_t *fpr,
			size_t fpr_len)
{
	const gkey *k;
	int32_t i;

	if (!g || (i = find_key(g, fpr, fpr_len)) < 0)
		return WEFT_VALIDITY_UNKNOWN;
	k = &g->keys[i];
	if (k->revoked)
		return WEFT_VALIDITY_REVOKED;
	if (k->expired)
		return WEFT_VALIDITY_EXPIRED;
	return letter(key_best(k));
}
