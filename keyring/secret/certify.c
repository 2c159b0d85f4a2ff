/* certify.c - certifying other keys' user IDs with my key, and revoking
 * those certifications (weft_certify, weft_revoke_certifications).
 *
 * The signatures are written as gpg 2.2 writes them (checked byte for
 * byte against its sign/lsign/tsign/ltsign/revsig; tests/e2e/certify.sh):
 *
 *   certification 0x10+level   hashed: issuer fingerprint (33), creation
 *                              time (2), expiry (3, critical), Exportable=0
 *                              (4, not critical; local only), trust (5,
 *                              depth and amount, not critical), regex (6,
 *                              critical, NUL-terminated, one per regex);
 *                              unhashed: issuer key ID (16)
 *   revocation 0x30            hashed: issuer fingerprint, creation time,
 *                              Exportable=0 (when the certification was
 *                              local), reason (29: code, comment)
 *
 * gpg turns a domain into the regex <[^>]+[@.]DOMAIN>$ with every
 * character that is not a letter or digit escaped by a backslash
 * (keyedit.c trustsig_prompt); --domain does the same.
 */
#include <stdio.h>
#include <stdlib.h>

#include "secret.h"
#include "../store/query.h"
#include "../util/mem.h"
#include "../util/text.h"

#define MAX_REGEX_LEN 1024

/* A user ID chosen for signing, copied out of the certificate (whose
 * records move when it is merged into). */
typedef struct chosen {
	uint8_t tag;
	uint8_t *data;
	size_t len;
} chosen;

typedef struct job {
	weft_ctx *ctx;
	weft_txn *t;
	weft_cert *target;       /* what will be stored */
	weft_cert *old;          /* what was stored */
	chosen *uids;
	size_t nuids, uids_cap;
	bool *todo;              /* per chosen user ID: sign it */
	weft_signer me;
	uint32_t now;
} job;

static void
job_free(job *j)
{
	size_t i;

	weft_cert_free(j->target);
	weft_cert_free(j->old);
	for (i = 0; i < j->nuids; i++)
		free(j->uids[i].data);
	free(j->uids);
	free(j->todo);
	weft_secret__signer_free(&j->me);
}

static gpg_error_t
choose(job *j, const weft_uidrec *u)
{
	chosen *c;
	gpg_error_t err;

	if ((err = weft_grow((void **)&j->uids, &j->uids_cap, j->nuids + 1,
			     sizeof *j->uids)))
		return err;
	c = &j->uids[j->nuids];
	if (!(c->data = malloc(u->len ? u->len : 1)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	memcpy(c->data, u->data, u->len);
	c->len = u->len;
	c->tag = u->tag;
	j->nuids++;
	return 0;
}

static weft_uidrec *
find_uid(weft_cert *c, const chosen *ch)
{
	size_t i;

	for (i = 0; i < c->nuids; i++)
		if (c->uids[i].tag == ch->tag && c->uids[i].len == ch->len &&
		    !memcmp(c->uids[i].data, ch->data, ch->len))
			return &c->uids[i];
	return NULL;
}

/* ---- the target ----------------------------------------------------------------- */

/* 1. KEY must name exactly one key.
 * 2. Load it twice: one copy is changed, the other says what the indexes
 *    had (as import does).
 * 3. It must not be mine, and must be alive. */
static gpg_error_t
load_target(job *j, const char *key, bool need_alive)
{
	weft_fprset set = { NULL, 0, 0 };
	weft_key_state ks;
	weft_diag d = { { 0 } };
	char hex[2 * WEFT_FPR_MAX + 1];
	gpg_error_t err;

	/* 1 */
	if (!key || !*key)
		return weft_ctx__error(j->ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
				       "which key? give a fingerprint, key ID, "
				       "address or part of a user ID");
	if ((err = weft_query_resolve(j->t, key, 0, &set)))
		goto leave;
	weft_fprset_sort(&set);
	if (!set.n) {
		err = weft_ctx__error(j->ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				      "no key matches \"%s\"", key);
		goto leave;
	}
	if (set.n > 1) {
		err = weft_ctx__error(j->ctx, WEFT_ERR(GPG_ERR_AMBIGUOUS_NAME),
			"\"%s\" matches %zu keys; give a fingerprint", key,
			set.n);
		goto leave;
	}
	/* 2 */
	if ((err = weft_store_cert_load(j->t, set.v[0] + 1, set.v[0][0],
					&j->target, &d)) ||
	    (err = weft_store_cert_load(j->t, set.v[0] + 1, set.v[0][0],
					&j->old, &d))) {
		weft_ctx__error(j->ctx, err, "keyring record damaged: %s",
				d.msg[0] ? d.msg : gpg_strerror(err));
		goto leave;
	}
	/* 3 */
	weft_hex(j->target->primary.fpr, j->target->primary.fpr_len, hex);
	if (need_alive) {
		weft_cert_primary_state(j->target, j->now, &ks);
		if (ks.b.revoked || ks.expired || !ks.b.valid) {
			err = weft_ctx__error(j->ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
				"key %s is %s; it cannot be certified", hex,
				ks.b.revoked ? "revoked" :
				ks.expired ? "expired" : "not valid");
			goto leave;
		}
	}
leave:
	weft_fprset_free(&set);
	return err;
}

static bool
is_mine(const job *j, const weft_sigrec *r)
{
	const weft_cert *me = j->me.cert;

	return !r->self && r->state == WEFT_SIG_GOOD &&
	       weft_sigrec_issued_by(r, me->primary.fpr, me->primary.fpr_len,
				     me->primary.keyid);
}

/* My newest certification or certification revocation on U; on a tie
 * the revocation is newer.  (Signatures dated after NOW count too: one
 * made a second ahead so as to be newer than its predecessor, or one
 * made with a later --at, is still mine.) */
static const weft_sigrec *
my_latest(const job *j, const weft_uidrec *u)
{
	const weft_sigrec *best = NULL;
	size_t i;

	for (i = 0; i < u->sigs.n; i++) {
		const weft_sigrec *r = &u->sigs.v[i];

		if (!is_mine(j, r) ||
		    (!weft_sig_is_cert(r->sig.type) &&
		     r->sig.type != WEFT_SIG_CERT_REVOCATION))
			continue;
		if (!best || r->sig.created > best->sig.created ||
		    (r->sig.created == best->sig.created &&
		     r->sig.type == WEFT_SIG_CERT_REVOCATION))
			best = r;
	}
	return best;
}

/* A user ID given on the command line: the exact user ID, else the one
 * with that address, else the one that contains it (case-insensitive). */
static gpg_error_t
match_uid(job *j, const char *want, const weft_uidrec **out)
{
	const weft_cert *c = j->target;
	const weft_uidrec *hit = NULL;
	char email[512], wantmail[512];
	size_t i, n, wl = strlen(want), pass;

	*out = NULL;
	for (n = 0; want[n] && n + 1 < sizeof wantmail; n++)
		wantmail[n] = (char)((want[n] >= 'A' && want[n] <= 'Z')
					     ? want[n] + 32 : want[n]);
	wantmail[n] = 0;
	if (wantmail[0] == '<' && n > 1 && wantmail[n - 1] == '>') {
		memmove(wantmail, wantmail + 1, n - 2);
		wantmail[n - 2] = 0;
	}
	for (pass = 0; pass < 3; pass++) {
		n = 0;
		for (i = 0; i < c->nuids; i++) {
			const weft_uidrec *u = &c->uids[i];
			bool ok;

			if (u->tag != WEFT_PKT_USER_ID)
				continue;
			if (pass == 0)
				ok = u->len == wl && !memcmp(u->data, want, wl);
			else if (pass == 1)
				ok = weft_uid_email(u->data, u->len, email,
						    sizeof email) &&
				     !strcmp(email, wantmail);
			else
				ok = wl && memmem(u->data, u->len, want, wl);
			if (ok) {
				hit = u;
				n++;
			}
		}
		if (n == 1) {
			*out = hit;
			return 0;
		}
		if (n > 1)
			return weft_ctx__error(j->ctx,
				WEFT_ERR(GPG_ERR_AMBIGUOUS_NAME),
				"\"%s\" matches %zu user IDs of the key; give one "
				"exactly", want, n);
	}
	return weft_ctx__error(j->ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
			       "the key has no user ID \"%s\"", want);
}

static void
report(weft_uid_cb cb, void *opaque, const chosen *ch, weft_uid_outcome what)
{
	char *s;

	if (!cb)
		return;
	if (!(s = weft_memdupz(ch->data, ch->len)))
		return;
	cb(opaque, s, ch->len, what);
	free(s);
}

/* Sign one user ID of the target and add the signature to it. */
static gpg_error_t
sign_uid(job *j, const chosen *ch, uint8_t type, uint32_t created,
	 const weft_buf *extra)
{
	weft_buf body;
	weft_sig_target tg;
	weft_uidrec *u = find_uid(j->target, ch);
	gpg_error_t err;

	if (!u)
		return WEFT_ERR(GPG_ERR_INTERNAL);
	weft_buf_init(&body);
	memset(&tg, 0, sizeof tg);
	tg.primary = &j->target->primary.key;
	tg.uid = ch->data;
	tg.uid_len = ch->len;
	tg.uid_tag = ch->tag;
	if (!(err = weft_secret__sign(&j->me, type, created, extra, &tg,
				      &body)))
		err = weft_secret__add_cert_sig(j->target, u, body.data,
						body.len, j->me.cert);
	weft_buf_free(&body);
	return err;
}

static gpg_error_t
store(job *j)
{
	gpg_error_t err;

	if ((err = weft_store_cert_put(j->t, j->target, j->old)))
		return err;
	err = weft_txn_commit(j->t);
	j->t = NULL;
	if (err)
		weft_ctx__error(j->ctx, err, "could not commit: %s",
				gpg_strerror(err));
	return err;
}

/* ---- certify -------------------------------------------------------------------- */

/* gpg's domain regex: <[^>]+[@.]DOMAIN>$, every character of DOMAIN that
 * is not a letter or a digit escaped with a backslash. */
static gpg_error_t
domain_regex(const char *domain, weft_buf *out)
{
	const char *p;

	weft_buf_put_str(out, "<[^>]+[@.]");
	for (p = domain; *p; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9')))
			weft_buf_put_u8(out, '\\');
		weft_buf_put_u8(out, (uint8_t)*p);
	}
	return weft_buf_put_str(out, ">$");
}

/* The regexes of a signature as a list of NUL-terminated strings in one
 * buffer, to compare with what would be written. */
static void
sig_regexes(const weft_pkt_sig *s, weft_buf *out)
{
	const uint8_t *re;
	size_t len;
	unsigned i;

	for (i = 0; weft_pkt_sig_regex(s, i, &re, &len); i++) {
		weft_buf_put(out, re, len);
		weft_buf_put_u8(out, 0);
	}
}

typedef struct cparams {
	uint8_t type;
	bool local, trust;
	uint8_t depth, amount;
	weft_buf regexes;        /* NUL-terminated, one after another */
	int64_t expires;         /* absolute, 0 never */
	uint32_t expires_in;     /* or relative to the creation time */
} cparams;

/* Does my certification R say what P would say, and is it in force? */
static bool
same_cert(const job *j, const weft_sigrec *r, const cparams *p)
{
	const weft_pkt_sig *s = &r->sig;
	weft_buf rx;
	bool same;

	if (s->type != p->type || s->exportable == p->local ||
	    s->has_trust != p->trust)
		return false;
	if (p->trust && (s->trust_depth != p->depth ||
			 s->trust_amount != p->amount))
		return false;
	if (s->expires && (uint64_t)s->created + s->expires <= j->now)
		return false;
	if (p->expires_in ? s->expires != p->expires_in
			  : (s->expires ? (int64_t)s->created + s->expires : 0) !=
				    p->expires)
		return false;
	weft_buf_init(&rx);
	sig_regexes(s, &rx);
	same = !weft_buf_error(&rx) && rx.len == p->regexes.len &&
	       (!rx.len || !memcmp(rx.data, p->regexes.data, rx.len));
	weft_buf_free(&rx);
	return same;
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The subpackets after issuer and creation time, in gpg's order. */
static gpg_error_t
cert_subpackets(const cparams *p, uint32_t created, weft_buf *out)
{
	uint8_t b[4], zero = 0;
	size_t off, n;

	if (p->expires || p->expires_in) {
		if (p->expires && p->expires <= (int64_t)created)
			return WEFT_ERR(GPG_ERR_INV_VALUE);
		put_u32(b, p->expires ? (uint32_t)(p->expires - created)
				      : p->expires_in);
		weft_secret__subpacket(out, WEFT_SUB_EXPIRATION_TIME, true, b,
				       4);
	}
	if (p->local)
		weft_secret__subpacket(out, WEFT_SUB_EXPORTABLE, false, &zero,
				       1);
	if (p->trust) {
		b[0] = p->depth;
		b[1] = p->amount;
		weft_secret__subpacket(out, WEFT_SUB_TRUST, false, b, 2);
	}
	/* Each regex with its terminating NUL (RFC 9580 5.2.3.22). */
	for (off = 0; off < p->regexes.len; off += n + 1) {
		n = strlen((const char *)p->regexes.data + off);
		weft_secret__subpacket(out, WEFT_SUB_REGEX, true,
				       p->regexes.data + off, n + 1);
	}
	return weft_buf_error(out);
}

/* My key again, in the write transaction: the checks of
 * weft_secret__signer (alive, not revoked, the secret still there, --by
 * naming one key) on the keyring as it is now, keeping the key the
 * first pass unlocked when it is the same one. */
static gpg_error_t
signer_again(job *j, const char *by)
{
	weft_signer fresh;
	gpg_error_t err;

	if (!j->me.cert)
		return weft_secret__signer(j->ctx, j->t, by, false, &j->me);
	if ((err = weft_secret__signer(j->ctx, j->t, by, false, &fresh)))
		return err;
	if (fresh.cert->primary.fpr_len == j->me.cert->primary.fpr_len &&
	    !memcmp(fresh.cert->primary.fpr, j->me.cert->primary.fpr,
		    fresh.cert->primary.fpr_len)) {
		fresh.sk = j->me.sk;
		j->me.sk = NULL;
	}
	weft_secret__signer_free(&j->me);
	j->me = fresh;
	return 0;
}

/* A change needs a keyring opened for writing: say so before asking for
 * a passphrase. */
static gpg_error_t
need_write(weft_ctx *ctx)
{
	if (ctx->readonly)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_EACCES),
				       "the keyring was opened read-only");
	return 0;
}

/* Steps 2 and 3 of weft_certify up to the signing, in J's transaction:
 * the target, the user IDs to certify, my key (found once, kept), and
 * in *N how many of the user IDs need a new certification. */
static gpg_error_t
certify_select(job *j, const char *key, const weft_certify_params *p,
	       const cparams *cp, size_t *n)
{
	weft_binding_state bs;
	const weft_uidrec *u;
	const weft_sigrec *last;
	size_t i;
	gpg_error_t err;

	if ((err = load_target(j, key, true)))
		return err;
	for (i = 0; i < p->nuids; i++) {
		if ((err = match_uid(j, p->uids[i], &u)))
			return err;
		weft_cert_uid_state(j->target, u, j->now, &bs);
		if (!bs.valid || bs.revoked) {
			char label[200];

			weft_secret__label(u->data, u->len, label, sizeof label);
			return weft_ctx__error(j->ctx,
				WEFT_ERR(GPG_ERR_INV_VALUE),
				"user ID \"%s\" is %s; it cannot be certified",
				label, bs.revoked ? "revoked" : "not valid");
		}
		if ((err = choose(j, u)))
			return err;
	}
	if (!p->nuids) {
		for (i = 0; i < j->target->nuids; i++) {
			u = &j->target->uids[i];
			if (u->tag != WEFT_PKT_USER_ID)
				continue;
			weft_cert_uid_state(j->target, u, j->now, &bs);
			if (!bs.valid || bs.revoked)
				continue;
			if ((err = choose(j, u)))
				return err;
		}
	}
	if (!j->nuids) {
		return weft_ctx__error(j->ctx, WEFT_ERR(GPG_ERR_NO_USER_ID),
				       "the key has no valid user ID to certify");
	}
	if ((err = signer_again(j, p->by)))
		return err;
	if (j->me.cert->primary.fpr_len == j->target->primary.fpr_len &&
	    !memcmp(j->me.cert->primary.fpr, j->target->primary.fpr,
		    j->target->primary.fpr_len)) {
		return weft_ctx__error(j->ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"that is your own key: its user IDs carry your "
			"self-signatures already");
	}

	if (!(j->todo = calloc(j->nuids, sizeof *j->todo)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (i = 0, *n = 0; i < j->nuids; i++) {
		weft_uidrec *ur = find_uid(j->target, &j->uids[i]);

		last = ur ? my_latest(j, ur) : NULL;
		j->todo[i] = !(last && weft_sig_is_cert(last->sig.type) &&
			      same_cert(j, last, cp));
		*n += j->todo[i];
	}
	return 0;
}

/* Forget what certify_select chose (not my key) before it runs again. */
static void
job_reset(job *j)
{
	size_t i;

	weft_cert_free(j->target);
	weft_cert_free(j->old);
	j->target = j->old = NULL;
	for (i = 0; i < j->nuids; i++)
		free(j->uids[i].data);
	j->nuids = 0;
	free(j->todo);
	j->todo = NULL;
}

/* 1. Check the parameters and turn them into what the signature says.
 * 2. The target and its user IDs (all valid ones, or those named), then
 *    my key, unlocked: first in a read transaction (the passphrase is
 *    asked there), then again in the one write transaction.
 * 3. Per user ID: skip it when my certification in force says the same;
 *    else sign (a second after my latest signature on it, so the new one
 *    is the newer), verify and add.
 * 4. Store the certificate as import stores it, and commit. */
gpg_error_t
weft_certify(weft_ctx *ctx, const char *key, const weft_certify_params *p,
	     weft_uid_cb cb, void *opaque, size_t *done)
{
	job j;
	cparams cp;
	weft_buf extra;
	const weft_sigrec *last;
	uint32_t created;
	size_t i, n;
	gpg_error_t err = 0;

	memset(&j, 0, sizeof j);
	memset(&cp, 0, sizeof cp);
	weft_buf_init(&cp.regexes);
	weft_buf_init(&extra);
	*done = 0;
	ctx->error[0] = 0;
	j.ctx = ctx;
	j.now = weft_ctx__now(ctx);

	/* 1 */
	if (p->level < 0 || p->level > 3 || p->depth < 0 || p->depth > 255 ||
	    p->amount < 0 || p->amount > 255)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"out of range: level is 0 to 3, depth and amount 0 to 255");
	if (p->domain && p->nregexes)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"give either regular expressions or a domain, not both");
	if ((p->domain || p->nregexes) && p->depth < 1)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"a regular expression or domain scopes a trusted "
			"introducer: give --depth 1 or more");
	if (p->domain && !weft_domain_ok(p->domain))
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"\"%s\" is not a domain name", p->domain);
	if (p->nregexes > WEFT_MAX_REGEXES)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"at most %u regular expressions", WEFT_MAX_REGEXES);
	for (i = 0; i < p->nregexes; i++) {
		n = strlen(p->regexes[i]);
		if (!n || n > MAX_REGEX_LEN)
			return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
				"a regular expression must be 1 to %u octets",
				MAX_REGEX_LEN);
		weft_buf_put(&cp.regexes, p->regexes[i], n + 1);
	}
	if (p->domain) {
		domain_regex(p->domain, &cp.regexes);
		weft_buf_put_u8(&cp.regexes, 0);
	}
	if ((err = weft_buf_error(&cp.regexes)))
		goto leave;
	cp.type = (uint8_t)(WEFT_SIG_GENERIC_CERT + p->level);
	cp.local = p->local;
	cp.trust = p->depth > 0 || p->amount > 0;
	cp.depth = (uint8_t)p->depth;
	cp.amount = (uint8_t)(cp.trust && !p->amount ? 120 : p->amount);
	cp.expires = p->expires;
	cp.expires_in = p->expires ? 0 : p->expires_in;
	if (cp.expires && (cp.expires <= (int64_t)j.now ||
			   cp.expires - (int64_t)j.now > UINT32_MAX)) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"the certification's expiry must be in the future "
			"(and within 136 years)");
		goto leave;
	}

	/* 2a.  The choice and the passphrase in a read transaction, so that
	 * no other writer (an import in another terminal) waits while the
	 * user types it. */
	if ((err = need_write(ctx)) ||
	    (err = weft_ctx__txn(ctx, false, &j.t)) ||
	    (err = certify_select(&j, key, p, &cp, &n)))
		goto leave;
	/* The read transaction ends before the prompt: an open reader
	 * would keep other processes' writes from reusing pages. */
	weft_txn_abort(j.t);
	j.t = NULL;
	job_reset(&j);
	if (n && (err = weft_secret__signer_unlock(ctx, &j.me)))
		goto leave;

	/* 2b, 3.  The same choice again in the write transaction, on what
	 * the keyring holds now; the key stays unlocked.  (Should the
	 * keyring have changed so that something needs signing only now,
	 * the passphrase is asked here, in the write transaction.) */
	if ((err = weft_ctx__txn(ctx, true, &j.t)) ||
	    (err = certify_select(&j, key, p, &cp, &n)))
		goto leave;
	if (n && (err = weft_secret__signer_unlock(ctx, &j.me)))
		goto leave;
	for (i = 0; i < j.nuids; i++) {
		weft_uidrec *ur = find_uid(j.target, &j.uids[i]);

		if (!j.todo[i]) {
			report(cb, opaque, &j.uids[i], WEFT_UID_ALREADY);
			continue;
		}
		last = ur ? my_latest(&j, ur) : NULL;
		created = j.now;
		if (last && last->sig.created >= created)
			created = last->sig.created + 1;
		weft_buf_reset(&extra);
		if ((err = cert_subpackets(&cp, created, &extra)) ||
		    (err = sign_uid(&j, &j.uids[i], cp.type, created, &extra)))
			goto fail;
		(*done)++;
		report(cb, opaque, &j.uids[i], WEFT_UID_CERTIFIED);
	}

	/* 4 */
	if (*done && (err = store(&j)))
		goto leave;
	goto leave;
fail:
	*done = 0;
	if (!ctx->error[0])
		weft_ctx__error(ctx, err, "certifying failed: %s",
				gpg_strerror(err));
leave:
	if (err && !ctx->error[0])
		weft_ctx__error(ctx, err, "certify failed: %s",
				gpg_strerror(err));
	weft_txn_abort(j.t);
	job_free(&j);
	weft_buf_free(&cp.regexes);
	weft_buf_free(&extra);
	return err;
}

/* ---- revoke ----------------------------------------------------------------------- */

/* Step 2 of weft_revoke_certifications in J's transaction: the target,
 * the user IDs, my key (found once, kept); in *K how many of the user
 * IDs carry a certification of mine in force, to be revoked. */
static gpg_error_t
revoke_select(job *j, const char *key, const weft_revoke_params *p,
	      size_t *k)
{
	const weft_uidrec *u;
	const weft_sigrec *last;
	size_t i, m;
	gpg_error_t err;

	if ((err = load_target(j, key, false)))
		return err;
	if ((err = signer_again(j, p->by)))
		return err;
	for (i = 0; i < p->nuids; i++) {
		if ((err = match_uid(j, p->uids[i], &u)) ||
		    (err = choose(j, u)))
			return err;
	}
	if (!p->nuids)
		for (i = 0; i < j->target->nuids; i++) {
			u = &j->target->uids[i];
			for (m = 0; m < u->sigs.n; m++)
				if (is_mine(j, &u->sigs.v[m]) &&
				    weft_sig_is_cert(u->sigs.v[m].sig.type))
					break;
			if (m < u->sigs.n && (err = choose(j, u)))
				return err;
		}
	if (!j->nuids)
		return weft_ctx__error(j->ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				       "you have not certified this key");
	for (i = 0, *k = 0; i < j->nuids; i++) {
		weft_uidrec *ur = find_uid(j->target, &j->uids[i]);

		last = ur ? my_latest(j, ur) : NULL;
		*k += last && weft_sig_is_cert(last->sig.type);
	}
	return 0;
}

/* 1. Check the reason.
 * 2. The target; the user IDs named, or all that carry my
 *    certification; then my key, unlocked.
 * 3. Per user ID: my newest certification-or-revocation must be a
 *    certification; revoke it (local when it was local), a second after
 *    it when need be.
 * 4. Store and commit. */
gpg_error_t
weft_revoke_certifications(weft_ctx *ctx, const char *key,
			   const weft_revoke_params *p, weft_uid_cb cb,
			   void *opaque, size_t *done)
{
	job j;
	weft_buf extra, reason;
	const weft_sigrec *last;
	uint8_t code, zero = 0;
	uint32_t created;
	size_t i, k, clen;
	gpg_error_t err = 0;

	memset(&j, 0, sizeof j);
	weft_buf_init(&extra);
	weft_buf_init(&reason);
	*done = 0;
	ctx->error[0] = 0;
	j.ctx = ctx;
	j.now = weft_ctx__now(ctx);

	/* 1 */
	if (p->reason == -1)
		code = WEFT_REASON_UID_INVALID;
	else if (p->reason == WEFT_REASON_UNSPECIFIED ||
		 p->reason == WEFT_REASON_RETIRED ||
		 p->reason == WEFT_REASON_UID_INVALID)
		code = (uint8_t)p->reason;
	else
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"reason %d: use 0 (unspecified), 3 (retired) or 32 "
			"(user ID no longer valid)", p->reason);
	clen = p->comment ? strlen(p->comment) : 0;
	if (clen > 4096)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
				       "the comment is too long (4096 octets at most)");
	weft_buf_put_u8(&reason, code);
	weft_buf_put(&reason, p->comment, clen);
	if ((err = weft_buf_error(&reason)))
		goto leave;

	/* 2, as weft_certify does: first in a read transaction (the
	 * passphrase), then again in the write transaction. */
	if ((err = need_write(ctx)) ||
	    (err = weft_ctx__txn(ctx, false, &j.t)) ||
	    (err = revoke_select(&j, key, p, &k)))
		goto leave;
	weft_txn_abort(j.t);
	j.t = NULL;
	job_reset(&j);
	if (k && (err = weft_secret__signer_unlock(ctx, &j.me)))
		goto leave;
	if ((err = weft_ctx__txn(ctx, true, &j.t)) ||
	    (err = revoke_select(&j, key, p, &k)))
		goto leave;

	/* 3 */
	if (k && (err = weft_secret__signer_unlock(ctx, &j.me)))
		goto leave;
	for (i = 0; i < j.nuids; i++) {
		weft_uidrec *ur = find_uid(j.target, &j.uids[i]);

		last = ur ? my_latest(&j, ur) : NULL;
		if (!last) {
			report(cb, opaque, &j.uids[i], WEFT_UID_NOT_CERTIFIED);
			continue;
		}
		if (!weft_sig_is_cert(last->sig.type)) {
			report(cb, opaque, &j.uids[i], WEFT_UID_ALREADY);
			continue;
		}
		created = j.now;
		if (last->sig.created >= created)
			created = last->sig.created + 1;
		weft_buf_reset(&extra);
		if (!last->sig.exportable)
			weft_secret__subpacket(&extra, WEFT_SUB_EXPORTABLE,
					       false, &zero, 1);
		weft_secret__subpacket(&extra, WEFT_SUB_REVOCATION_REASON,
				       false, reason.data, reason.len);
		if ((err = weft_buf_error(&extra)) ||
		    (err = sign_uid(&j, &j.uids[i], WEFT_SIG_CERT_REVOCATION,
				    created, &extra)))
			goto fail;
		(*done)++;
		report(cb, opaque, &j.uids[i], WEFT_UID_CERTIFIED);
	}

	/* 4 */
	if (*done && (err = store(&j)))
		goto leave;
	goto leave;
fail:
	*done = 0;
leave:
	if (err && !ctx->error[0])
		weft_ctx__error(ctx, err, "revoke failed: %s",
				gpg_strerror(err));
	weft_txn_abort(j.t);
	job_free(&j);
	weft_buf_free(&extra);
	weft_buf_free(&reason);
	return err;
}
