/* check.c - judging the signatures of a message (see verify.h and
 * weft/verify.h for the policy).
 *
 * For each signature:
 *  1. What it says: version, algorithms, class, times, issuer.
 *  2. The candidate keys: certificates with a key (primary or subkey)
 *     whose key ID is the issuer's (and whose fingerprint is, when the
 *     signature names one).  None: NO_KEY.
 *  3. The cryptography with each candidate until one agrees: GOOD, else
 *     BAD (ERROR when none could even try: an unknown algorithm).
 *  4. The facts: the key's state when it signed and now, the signature's
 *     expiry, the policy (hash, key algorithm, critical subpackets), the
 *     key's capability to sign.
 *  5. ok = GOOD and no fact that makes it count for nothing; PROBLEM is
 *     the first such fact, in words.
 * Trust comes after (weft_verify__trust), outside the transaction.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "verify.h"
#include "../ctx.h"
#include "../cert/cert.h"
#include "../store/query.h"
#include "../store/store.h"
#include "../util/mem.h"

/* Signatures made this far in the future still count (clock skew). */
#define FUTURE_SLACK 300

static void
set_problem(weft_sig_info *i, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
set_problem(weft_sig_info *i, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (i->problem)
		return;         /* the first one says most */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	i->problem = strdup(buf);
}

static void
date(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(out, n, "%Y-%m-%d", &tm);
	else
		snprintf(out, n, "?");
}

/* Does key record K fit the signature's issuer (key ID, and fingerprint
 * when the signature has one)? */
static bool
issuer_fits(const weft_pkt_sig *sig, const weft_keyrec *k)
{
	if (sig->issuer_fpr_len)
		return sig->issuer_fpr_len == k->fpr_len &&
		       !memcmp(sig->issuer_fpr, k->fpr, k->fpr_len);
	return sig->has_issuer_keyid && !memcmp(sig->issuer_keyid, k->keyid, 8);
}

/* The issuer's key ID as hex, for the lookup. */
static bool
issuer_keyid_hex(const weft_pkt_sig *sig, char hex[17])
{
	uint8_t kid[8];

	if (sig->issuer_fpr_len == 20)
		memcpy(kid, sig->issuer_fpr + 12, 8);
	else if (sig->issuer_fpr_len == 32)
		memcpy(kid, sig->issuer_fpr, 8);
	else if (sig->has_issuer_keyid)
		memcpy(kid, sig->issuer_keyid, 8);
	else
		return false;
	weft_hex(kid, 8, hex);
	return true;
}

/* Try key K of certificate C on slot S; 0 good, BAD_SIGNATURE, or an
 * error that says it could not try. */
static gpg_error_t
try_key(weft_vslot *s, const weft_pkt_key *k)
{
	weft_pubkey *pk = NULL;
	weft_sig_target t;
	gpg_error_t err;

	if ((err = weft_pubkey_new(&pk, k)))
		return err;
	memset(&t, 0, sizeof t);
	t.data = s->h;
	err = weft_sig_verify(pk, &s->sig, &t);
	weft_pubkey_free(pk);
	return err;
}

/* 4: the facts about KEY (a record of C) for a signature made at
 * CREATED, judged at NOW. */
static void
facts(weft_sig_info *info, const weft_cert *c, const weft_keyrec *kr,
      bool primary, uint32_t created, uint32_t now)
{
	weft_key_state then, pnow, pthen, know;
	char d[16];

	weft_cert_primary_state(c, created, &pthen);
	weft_cert_primary_state(c, now, &pnow);
	if (primary) {
		then = pthen;
		know = pnow;
	} else {
		weft_cert_subkey_state(c, kr, created, &then);
		weft_cert_subkey_state(c, kr, now, &know);
	}
	info->key_expires = know.expires;
	/* The certificate and the key must have been valid when it signed. */
	if (!pthen.b.valid || !then.b.valid) {
		info->flags |= WEFT_SIGF_KEY_INVALID_AT_SIG;
		date(created, d, sizeof d);
		set_problem(info, "the key was not valid when it signed (%s): "
			    "no valid self-signature then", d);
	}
	if (pthen.expired || then.expired) {
		info->flags |= WEFT_SIGF_KEY_EXPIRED_AT_SIG;
		date(then.expired ? then.expires : pthen.expires, d, sizeof d);
		set_problem(info, "the key had expired (%s) when it signed", d);
	}
	if (pnow.expired || know.expired)
		info->flags |= WEFT_SIGF_KEY_EXPIRED;
	/* Revocations: hard ones count at every time. */
	if ((pnow.b.revoked && pnow.b.hard_revoked) ||
	    (know.b.revoked && know.b.hard_revoked)) {
		const weft_sigrec *rv = pnow.b.hard_revoked ? pnow.b.revocation
							      : know.b.revocation;

		info->flags |= WEFT_SIGF_KEY_HARD_REVOKED | WEFT_SIGF_KEY_REVOKED;
		info->key_revoked = pnow.b.hard_revoked ? pnow.b.revoked_at
							 : know.b.revoked_at;
		if (rv && rv->sig.has_reason && rv->sig.reason_len)
			info->revocation_reason = strndup(
				(const char *)rv->sig.reason_text,
				rv->sig.reason_len);
		set_problem(info, "the key is revoked%s, which voids every "
			    "signature it made",
			    rv && rv->sig.has_reason && rv->sig.reason == 2
				    ? " as compromised" : "");
	} else if (pnow.b.revoked || know.b.revoked) {
		const weft_sigrec *rv = pnow.b.revoked ? pnow.b.revocation
							: know.b.revocation;

		info->flags |= WEFT_SIGF_KEY_REVOKED;
		info->key_revoked = pnow.b.revoked ? pnow.b.revoked_at
						    : know.b.revoked_at;
		if (rv && rv->sig.has_reason && rv->sig.reason_len)
			info->revocation_reason = strndup(
				(const char *)rv->sig.reason_text,
				rv->sig.reason_len);
		if (pthen.b.revoked || then.b.revoked) {
			info->flags |= WEFT_SIGF_KEY_REVOKED_AT_SIG;
			date(info->key_revoked, d, sizeof d);
			set_problem(info, "the key had been retired (revoked "
				    "%s) when it signed", d);
		}
	}
	/* Data signatures need a key allowed to sign. */
	if (then.b.valid && !(then.key_flags & WEFT_KF_SIGN)) {
		info->flags |= WEFT_SIGF_NOT_SIGNING;
		set_problem(info, "the %s that made it may not sign data (its "
			    "key flags)", primary ? "key" : "subkey");
	}
	if (!weft_policy_key_ok(&kr->key, now)) {
		info->flags |= WEFT_SIGF_POLICY_KEY;
		set_problem(info, "%s", weft_policy_key_reason(&kr->key));
	}
}

void
weft_verify__check(weft_vmsg *m, weft_txn *t, weft_vslot *s,
		   weft_sig_info *info)
{
	const weft_pkt_sig *sig = &s->sig;
	uint32_t now = weft_ctx__now(m->ctx);
	weft_fprset set = { NULL, 0, 0 };
	char kid[17], d[16];
	weft_cert *c = NULL;
	size_t i, k;
	bool tried = false, found = false;
	gpg_error_t err;

	memset(info, 0, sizeof *info);
	info->verdict = WEFT_VERDICT_ERROR;
	/* 1 */
	if (!s->body || s->hash_err || !s->h) {
		if (s->body && !s->hash_err && !s->h)
			set_problem(info, "the signed data never arrived");
		else if (s->body && gpg_err_code(s->hash_err) == GPG_ERR_DIGEST_ALGO)
			set_problem(info, "an unknown hash algorithm (%u)",
				    sig->hash_algo);
		else if (s->body)
			set_problem(info, "the signature cannot be read: %s",
				    gpg_strerror(s->hash_err));
		else
			set_problem(info, "a one-pass signature without its "
				    "signature");
		if (s->body && !s->hash_err)
			goto describe;
		return;
	}
describe:
	info->version = sig->version;
	info->pk_algo = sig->pk_algo;
	info->hash_algo = sig->hash_algo;
	info->sig_class = sig->type;
	info->created = sig->created;
	info->expires = sig->expires ? (int64_t)sig->created + sig->expires : 0;
	if (sig->issuer_fpr_len)
		weft_hex(sig->issuer_fpr, sig->issuer_fpr_len, info->issuer);
	else if (sig->has_issuer_keyid)
		weft_hex(sig->issuer_keyid, 8, info->issuer);
	if (info->problem)
		return;
	if (s->mismatch) {
		set_problem(info, "%s", s->mismatch);
		return;
	}
	if (sig->type != WEFT_SIG_BINARY && sig->type != WEFT_SIG_TEXT) {
		set_problem(info, "a signature of class 0x%02x, not over data",
			    sig->type);
		return;
	}
	if (!sig->has_created) {
		set_problem(info, "the signature has no creation time");
		return;
	}
	/* 2 */
	if (!issuer_keyid_hex(sig, kid)) {
		info->verdict = WEFT_VERDICT_NO_KEY;
		set_problem(info, "the signature does not say which key made "
			    "it");
		return;
	}
	if ((err = weft_query_resolve(t, kid, WEFT_FIND_EXACT, &set)))
		goto leave_err;
	weft_fprset_sort(&set);
	/* 3 */
	for (i = 0; i < set.n && !found; i++) {
		weft_keyrec *kr;

		if (weft_store_cert_load(t, set.v[i] + 1, set.v[i][0], &c, NULL))
			continue;
		for (k = 0; k <= c->nsubkeys && !found; k++) {
			kr = k ? &c->subkeys[k - 1] : &c->primary;
			if (!issuer_fits(sig, kr))
				continue;
			err = try_key(s, &kr->key);
			if (gpg_err_code(err) == GPG_ERR_BAD_SIGNATURE) {
				const weft_uidrec *u;

				tried = true;
				weft_hex(kr->fpr, kr->fpr_len, info->key_fpr);
				weft_hex(c->primary.fpr, c->primary.fpr_len,
					 info->primary_fpr);
				u = weft_cert_primary_uid(c, now);
				if (u && !info->uid &&
				    (info->uid = weft_memdupz(u->data,
							      u->len))) {
					info->uid_len = u->len;
				}
				continue;
			}
			if (err) {
				if (!tried)
					set_problem(info, "the key cannot check "
						    "it: %s", gpg_strerror(err));
				continue;
			}
			found = true;
			weft_hex(kr->fpr, kr->fpr_len, info->key_fpr);
			weft_hex(c->primary.fpr, c->primary.fpr_len,
				 info->primary_fpr);
			info->verdict = WEFT_VERDICT_GOOD;
			free(info->problem);
			info->problem = NULL;
			/* 4 */
			facts(info, c, kr, k == 0, sig->created, now);
		}
		if (!found) {
			weft_cert_free(c);
			c = NULL;
		}
	}
	if (!found) {
		if (tried) {
			info->verdict = WEFT_VERDICT_BAD;
			free(info->problem);
			info->problem = NULL;
			set_problem(info, "BAD signature: the data or the "
				    "signature was changed");
		} else if (!set.n) {
			info->verdict = WEFT_VERDICT_NO_KEY;
			set_problem(info, "the key %s is not in the keyring",
				    info->issuer);
		} else if (!info->problem) {
			info->verdict = WEFT_VERDICT_NO_KEY;
			set_problem(info, "no key in the keyring matches the "
				    "issuer %s", info->issuer);
		}
		goto leave;
	}
	/* 4, the signature's own facts */
	if (info->expires && info->expires <= (int64_t)now) {
		info->flags |= WEFT_SIGF_EXPIRED;
		date(info->expires, d, sizeof d);
		set_problem(info, "the signature expired on %s", d);
	}
	if ((int64_t)sig->created > (int64_t)now + FUTURE_SLACK) {
		info->flags |= WEFT_SIGF_FUTURE;
		date(sig->created, d, sizeof d);
		set_problem(info, "the signature is dated in the future (%s)", d);
	}
	if (sig->unknown_critical) {
		info->flags |= WEFT_SIGF_CRITICAL;
		set_problem(info, "the signature has a critical subpacket weft "
			    "does not know");
	}
	if (!weft_policy_hash_ok(sig->hash_algo, sig->type,
				 WEFT_SEC_COLLISION, now)) {
		info->flags |= WEFT_SIGF_POLICY_HASH;
		set_problem(info, "%s (gpg accepts it)",
			    weft_policy_hash_reason(sig->hash_algo));
	}
	if (s->hash_header_bad) {
		info->flags |= WEFT_SIGF_HASH_HEADER;
		set_problem(info, "the message's Hash header does not name the "
			    "signature's hash algorithm");
	}
	/* 5 */
	info->ok = !(info->flags & (WEFT_SIGF_EXPIRED |
				    WEFT_SIGF_KEY_EXPIRED_AT_SIG |
				    WEFT_SIGF_KEY_REVOKED_AT_SIG |
				    WEFT_SIGF_KEY_HARD_REVOKED |
				    WEFT_SIGF_POLICY_HASH |
				    WEFT_SIGF_POLICY_KEY |
				    WEFT_SIGF_NOT_SIGNING |
				    WEFT_SIGF_KEY_INVALID_AT_SIG |
				    WEFT_SIGF_FUTURE | WEFT_SIGF_CRITICAL |
				    WEFT_SIGF_HASH_HEADER));
	/* the signer's own words, for the record */
	{
		weft_subpacket_iter it;
		weft_subpacket sp;

		weft_subpacket_iter_init(&it, sig->hashed, sig->hashed_len,
					 true);
		while (!weft_subpacket_next(&it, &sp))
			if (sp.type == WEFT_SUB_SIGNERS_UID && !info->signers_uid)
				info->signers_uid = strndup(
					(const char *)sp.data, sp.len);
	}
	/* the primary user ID, until trust says better */
	{
		const weft_uidrec *u = weft_cert_primary_uid(c, now);

		if (u && (info->uid = weft_memdupz(u->data, u->len)))
			info->uid_len = u->len;
	}
	goto leave;
leave_err:
	set_problem(info, "looking up the key failed: %s", gpg_strerror(err));
leave:
	weft_cert_free(c);
	weft_fprset_free(&set);
}

/* "Root -> Introducer -> Signer" from a path's names. */
static char *
path_line(const weft_path_info *p)
{
	weft_buf b;
	size_t i;
	char *out;

	weft_buf_init(&b);
	for (i = 0; i < p->n; i++) {
		if (i && !strcmp(p->fprs[i], p->fprs[i - 1]))
			continue;   /* the self-signature hop */
		if (i)
			weft_buf_put(&b, " -> ", 4);
		if (p->names && p->names[i])
			weft_buf_put(&b, p->names[i], strlen(p->names[i]));
		else
			weft_buf_put(&b, p->fprs[i], 16);
	}
	weft_buf_put_u8(&b, 0);
	if (weft_buf_error(&b)) {
		weft_buf_free(&b);
		return NULL;
	}
	out = (char *)weft_buf_steal(&b, &i);
	return out;
}

/* Does the Signer's User ID subpacket SU name binding B's user ID? */
static bool
names_signer(const weft_binding_info *b, const char *su)
{
	char a[512], e[512];

	if (!su)
		return false;
	if (strlen(su) == b->uid_len && !memcmp(su, b->uid, b->uid_len))
		return true;
	return weft_uid_email((const uint8_t *)b->uid, b->uid_len, a,
			      sizeof a) &&
	       weft_uid_email((const uint8_t *)su, strlen(su), e, sizeof e) &&
	       !strcmp(a, e);
}

gpg_error_t
weft_verify__trust(weft_vmsg *m)
{
	size_t i, k;
	gpg_error_t err;

	for (i = 0; i < m->res->n; i++) {
		weft_sig_info *info = &m->res->sigs[i];
		weft_binding_list *l = NULL;
		const weft_binding_info *best = NULL;

		if (info->verdict != WEFT_VERDICT_GOOD || !info->primary_fpr[0])
			continue;
		err = weft_identify(m->ctx, info->primary_fpr, m->p->trust, &l);
		if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND) {
			weft_binding_list_free(l);
			return err;
		}
		/* the highest amount; of equals, the one the signature
		 * names (Signer's User ID: a user ID or its address) */
		for (k = 0; l && k < l->n; k++)
			if (!best || l->v[k].amount > best->amount ||
			    (l->v[k].amount == best->amount &&
			     names_signer(&l->v[k], info->signers_uid) &&
			     !names_signer(best, info->signers_uid)))
				best = &l->v[k];
		if (best) {
			info->amount = best->amount;
			info->requested = best->requested;
			info->validity = best->validity;
			info->authenticated = best->authenticated;
			if (best->amount > 0 || !info->uid) {
				free(info->uid);
				info->uid = strndup(best->uid, best->uid_len);
				info->uid_len = info->uid ? best->uid_len : 0;
			}
			if (best->npaths)
				info->path = path_line(&best->paths[0]);
		}
		weft_binding_list_free(l);
	}
	return 0;
}
