/* tests/unit/cert/validate.c - self-signature verification on real gpg
 * keys, corrupted self-signatures (BAD, then pruned with a note), and the
 * state of user IDs, primary keys and subkeys at chosen times: expiry,
 * soft and hard revocations with Sequoia's semantics, newer bindings, the
 * SHA-1 cut-off and the revocation grace period of the policy;
 * weft_uid_email.
 *
 * The fixtures were made with gpg --faked-system-time so that every
 * signature has a known date (tests/data/cert/README).  Run from the top
 * of the source tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert.h"
#include "crypto/crypto.h"
#include "t.h"

#define D "tests/data/cert/"
#define DAY 86400u
#define T0 1577836800u   /* 2020-01-01 */
#define T1 1609459200u   /* 2021-01-01 */
#define T2 1640995200u   /* 2022-01-01 */
#define T3 1672531200u   /* 2023-01-01 */

/* ---- helpers ------------------------------------------------------------------ */

static weft_cert *
load_bytes(const uint8_t *p, size_t n, const char *what)
{
	weft_cert *c = NULL;
	weft_diag diag;
	gpg_error_t err;

	weft_diag_clear(&diag);
	err = weft_cert_from_bytes(&c, p, n, NULL, 0, NULL, 0, &diag);
	if (err) {
		printf("FAIL %s: %s (%s)\n", what, gpg_strerror(err),
		       diag.msg);
		exit(1);
	}
	return c;
}

/* Load, verify self-signatures, canonicalize. */
static weft_cert *
load(const char *path)
{
	size_t n;
	uint8_t *p = t_slurp(path, &n);
	weft_cert *c = load_bytes(p, n, path);

	free(p);
	T_OK(weft_cert_check_self(c, false));
	weft_cert_canonicalize(c);
	return c;
}

static const weft_uidrec *
uid_named(const weft_cert *c, const char *uid)
{
	size_t i, n = strlen(uid);

	for (i = 0; i < c->nuids; i++)
		if (c->uids[i].len == n && !memcmp(c->uids[i].data, uid, n))
			return &c->uids[i];
	printf("FAIL no user ID %s\n", uid);
	exit(1);
}


static const weft_keyrec *
subkey_fpr(const weft_cert *c, const char *fpr)
{
	size_t i;
	char h[65];

	for (i = 0; i < c->nsubkeys; i++) {
		t_hex(h, c->subkeys[i].fpr, c->subkeys[i].fpr_len);
		if (!strcmp(h, fpr))
			return &c->subkeys[i];
	}
	printf("FAIL no subkey %s\n", fpr);
	exit(1);
}

/* Counts of signature states over the whole certificate. */
static void
count_states(const weft_cert *c, size_t *good, size_t *bad,
	     size_t *unchecked, size_t *self_unchecked)
{
	size_t i, j;
	const weft_sigvec *v;

	*good = *bad = *unchecked = *self_unchecked = 0;
	for (i = 0; i < 1 + c->nuids + c->nsubkeys; i++) {
		v = i == 0 ? &c->primary.sigs
		  : i <= c->nuids ? &c->uids[i - 1].sigs
				  : &c->subkeys[i - 1 - c->nuids].sigs;
		for (j = 0; j < v->n; j++) {
			*good += v->v[j].state == WEFT_SIG_GOOD;
			*bad += v->v[j].state == WEFT_SIG_BAD;
			*unchecked += v->v[j].state == WEFT_SIG_UNCHECKED;
			*self_unchecked += v->v[j].state == WEFT_SIG_UNCHECKED &&
					   v->v[j].self;
		}
	}
}

/* ---- real keys: every self-signature verifies -------------------------------- */

static void
test_check_self_real(void)
{
	/* GOOD self-signatures, UNCHECKED third-party ones, and BAD ones:
	 * a certification with a critical notation is invalid at once. */
	static const struct {
		const char *file;
		size_t good, third_party, bad;
	} f[] = {
		{ D "dates.pgp", 4, 0, 0 },
		{ D "subrev.pgp", 7, 0, 0 },
		{ D "uidrev.pgp", 8, 0, 0 },
		{ D "keyrev-soft.pgp", 3, 0, 0 },
		{ D "keyrev-hard.pgp", 3, 0, 0 },
		{ D "sha1.pgp", 3, 0, 0 },
		{ D "merge.pgp", 5, 2, 0 },
		{ D "merge-secret.pgp", 5, 2, 0 },
		{ D "certifier.pgp", 1, 0, 0 },
		{ "tests/data/packet/rsa1024.pgp", 2, 0, 0 },
		{ "tests/data/packet/dsa1024-elg.pgp", 2, 0, 0 },
		{ "tests/data/packet/nistp256.pgp", 2, 1, 0 },
		{ "tests/data/packet/ed25519.pgp", 2, 0, 1 },
		{ "tests/data/crypto/gpg-rsa2048.pgp", 4, 2, 0 },
		{ "tests/data/crypto/gpg-brainpoolP256r1.pgp", 3, 0, 0 },
		{ "tests/data/crypto/sq-cv25519.pgp", 5, 0, 0 },
		{ "tests/data/crypto/rfc9580-a3-v6-cert.pgp", 2, 0, 0 },
	};
	size_t i, good, bad, unchecked, self_unchecked, dropped;
	weft_diag note;

	for (i = 0; i < WEFT_ARRAY_SIZE(f); i++) {
		weft_cert *c = load(f[i].file);

		count_states(c, &good, &bad, &unchecked, &self_unchecked);
		T_CHECK(good == f[i].good && bad == f[i].bad &&
				unchecked == f[i].third_party &&
				self_unchecked == 0,
			"%s: %zu good, %zu bad, %zu unchecked", f[i].file, good,
			bad, unchecked);
		weft_diag_clear(&note);
		dropped = weft_cert_prune(c, &note);
		T_CHECK(dropped == f[i].bad && (f[i].bad || !note.msg[0]),
			"%s: %zu pruned (%s)", f[i].file, dropped, note.msg);
		T_CHECK(weft_cert_is_usable(c), "%s: usable", f[i].file);
		weft_cert_free(c);
	}
}

/* Back-signatures of signing subkeys. */
static void
test_backsig(void)
{
	weft_cert *c = load(D "dates.pgp");
	const weft_keyrec *sign = subkey_fpr(c, "4E0EEC2122B4975940C79FA7BCBD722A47BD6086");
	const weft_keyrec *enc = subkey_fpr(c, "33BB7A4F362D55C63EBBF70D701375DC22147562");
	weft_key_state st;

	T_CHECK(sign->sigs.n == 1 && sign->sigs.v[0].backsig_ok,
		"signing subkey: back-signature verified");
	T_CHECK(enc->sigs.n == 1 && !enc->sigs.v[0].backsig_ok,
		"encryption subkey: no back-signature needed");
	weft_cert_subkey_state(c, sign, T0 + 3600 + DAY, &st);
	T_CHECK(st.b.valid && st.key_flags == WEFT_KF_SIGN && st.has_key_flags,
		"signing subkey can sign (flags %02x)", st.key_flags);
	/* without the back-signature it cannot */
	((weft_keyrec *)sign)->sigs.v[0].backsig_ok = false;
	weft_cert_subkey_state(c, sign, T0 + 3600 + DAY, &st);
	T_CHECK(st.b.valid && !(st.key_flags & WEFT_KF_SIGN),
		"no back-signature: no signing (flags %02x)", st.key_flags);
	weft_cert_free(c);
}

/* ---- corrupted self-signatures -------------------------------------------------- */

/* FILE with the last octet of the Nth signature packet flipped (inside the
 * signature value), or with OFFSET (from the body's start) flipped. */
static weft_cert *
load_corrupted(const char *file, int nth, long offset)
{
	size_t n;
	uint8_t *p = t_slurp(file, &n);
	weft_reader r;
	weft_packet pkt;
	int i = 0;
	weft_cert *c;

	weft_reader_init(&r, p, n);
	while (!weft_packet_next(&r, &pkt, NULL)) {
		if (pkt.tag != WEFT_PKT_SIGNATURE || i++ != nth)
			continue;
		if (offset < 0)
			p[pkt.offset + pkt.header_len + pkt.body_len - 1] ^= 0x01;
		else
			p[pkt.offset + pkt.header_len + (size_t)offset] ^= 0x01;
		break;
	}
	c = load_bytes(p, n, file);
	free(p);
	return c;
}

static void
test_corrupted(void)
{
	weft_cert *c;
	weft_diag note;
	size_t good, bad, unchecked, self_unchecked, dropped;

	/* merge.pgp: packet order Three(sig 0), One(sig 1, cert 2),
	 * Two(sig 3, cert 4), cv(sig 5), ed(sig 6).  Corrupt Two's
	 * self-signature: it is BAD, the user ID goes with it, the
	 * certification on it too. */
	c = load_corrupted(D "merge.pgp", 3, -1);
	T_OK(weft_cert_check_self(c, false));
	count_states(c, &good, &bad, &unchecked, &self_unchecked);
	T_CHECK(good == 4 && bad == 1 && unchecked == 2,
		"Two's self-sig BAD: %zu/%zu/%zu", good, bad, unchecked);
	T_CHECK(uid_named(c, "Merge Two <two@example.org>")->sigs.v[0].state ==
			WEFT_SIG_BAD ||
		uid_named(c, "Merge Two <two@example.org>")->sigs.v[1].state ==
			WEFT_SIG_BAD,
		"the BAD one is on Merge Two");
	weft_diag_clear(&note);
	dropped = weft_cert_prune(c, &note);
	T_EQ_INT(dropped, 1);
	T_EQ_INT(c->nuids, 2);
	T_EQ_STR(note.msg, "skipped 1 user ID(s) and 0 subkey(s) without a valid self-signature");
	T_CHECK(weft_cert_is_usable(c), "still usable");
	weft_cert_free(c);

	/* a corrupted certification by someone else: not checked here */
	c = load_corrupted(D "merge.pgp", 2, -1);
	T_OK(weft_cert_check_self(c, false));
	count_states(c, &good, &bad, &unchecked, &self_unchecked);
	T_CHECK(good == 5 && bad == 0 && unchecked == 2,
		"third-party left UNCHECKED");
	weft_cert_free(c);

	/* a corrupted subkey binding: the subkey goes */
	c = load_corrupted(D "merge.pgp", 6, -1);
	T_OK(weft_cert_check_self(c, false));
	count_states(c, &good, &bad, &unchecked, &self_unchecked);
	T_CHECK(good == 4 && bad == 1, "binding BAD");
	weft_diag_clear(&note);
	T_EQ_INT(weft_cert_prune(c, &note), 1);
	T_EQ_INT(c->nsubkeys, 1);
	T_EQ_STR(note.msg, "skipped 0 user ID(s) and 1 subkey(s) without a valid self-signature");
	weft_cert_free(c);

	/* a changed creation time in the hashed area (gpg's layout: 4
	 * octets, the area length, issuer fpr (23 octets), then the creation
	 * time subpacket whose last octet is at 34): BAD too */
	c = load_corrupted(D "merge.pgp", 0, 34);
	T_OK(weft_cert_check_self(c, false));
	count_states(c, &good, &bad, &unchecked, &self_unchecked);
	T_CHECK(good == 4 && bad == 1, "hashed area change: BAD");
	weft_cert_free(c);

	/* one of two self-signatures of a user ID: the signature goes, the
	 * user ID stays.  uidrev.pgp in gpg's order: Carol (revocation,
	 * T0, T2), Alice (T0 = sig 3, T2), Alice Old (...). */
	c = load_corrupted(D "uidrev.pgp", 3, -1);
	T_OK(weft_cert_check_self(c, false));
	weft_diag_clear(&note);
	T_EQ_INT(weft_cert_prune(c, &note), 1);
	T_EQ_INT(c->nuids, 3);
	T_EQ_STR(note.msg, "dropped 1 invalid signature(s)");
	weft_cert_free(c);

	/* every self-signature corrupted: nothing usable */
	{
		size_t n;
		uint8_t *p = t_slurp(D "certifier.pgp", &n);

		p[n - 1] ^= 0x01;
		c = load_bytes(p, n, "certifier corrupted");
		T_OK(weft_cert_check_self(c, false));
		weft_cert_prune(c, NULL);
		T_EQ_INT(c->nuids, 0);
		T_CHECK(!weft_cert_is_usable(c), "not usable");
		weft_cert_free(c);
		free(p);
	}
}

/* Signatures in the wrong place are BAD; ONLY_NEW limits the checking. */
static void
test_misplaced_and_only_new(void)
{
	size_t n, good, bad, unchecked, self_unchecked;
	uint8_t *p = t_slurp(D "dates.pgp", &n);
	weft_reader r;
	weft_packet pkt;
	weft_buf moved;
	const uint8_t *binding = NULL;
	size_t binding_len = 0;
	weft_cert *c, *c2;
	bool changed;

	/* find the first subkey binding and put a copy of it after the
	 * user ID, and put the user ID self-signature after a subkey */
	weft_reader_init(&r, p, n);
	while (!weft_packet_next(&r, &pkt, NULL))
		if (pkt.tag == WEFT_PKT_SIGNATURE && pkt.body[1] == 0x18 &&
		    !binding) {
			binding = pkt.body;
			binding_len = pkt.body_len;
		}
	weft_buf_init(&moved);
	weft_reader_init(&r, p, n);
	while (!weft_packet_next(&r, &pkt, NULL)) {
		weft_buf_put(&moved, p + pkt.offset,
			     pkt.header_len + pkt.body_len);
		if (pkt.tag == WEFT_PKT_USER_ID)
			weft_packet_write(&moved, WEFT_PKT_SIGNATURE, binding,
					  binding_len);
		if (pkt.tag == WEFT_PKT_PUBLIC_KEY)
			weft_packet_write(&moved, WEFT_PKT_SIGNATURE, binding,
					  binding_len);
	}
	c = load_bytes(moved.data, moved.len, "moved");
	T_OK(weft_cert_check_self(c, false));
	count_states(c, &good, &bad, &unchecked, &self_unchecked);
	T_CHECK(good == 4 && bad == 2 && unchecked == 0,
		"binding on a user ID and on the primary: BAD (%zu/%zu/%zu)",
		good, bad, unchecked);
	weft_cert_free(c);

	/* ONLY_NEW: nothing is new after from_bytes */
	c = load_bytes(p, n, "dates");
	T_OK(weft_cert_check_self(c, true));
	count_states(c, &good, &bad, &unchecked, &self_unchecked);
	T_CHECK(good == 0 && unchecked == 4, "only_new: nothing checked");
	/* ... a merge makes the other copy's extra signatures new */
	c2 = load_bytes(moved.data, moved.len, "moved");
	T_OK(weft_cert_merge(c, c2, &changed));
	T_CHECK(changed, "merge added the misplaced copies");
	T_OK(weft_cert_check_self(c, true));
	count_states(c, &good, &bad, &unchecked, &self_unchecked);
	T_CHECK(good == 0 && bad == 2 && unchecked == 4,
		"only_new: only the new ones checked (%zu/%zu/%zu)", good, bad,
		unchecked);
	weft_cert_free(c);
	weft_cert_free(c2);
	weft_buf_free(&moved);
	free(p);
}

/* A user ID whose only self-signature is a revocation is kept (gpg keeps
 * them; minimised keyrings have them). */
static void
test_uid_with_only_a_revocation(void)
{
	size_t n;
	uint8_t *p = t_slurp(D "uidrev.pgp", &n);
	weft_reader r;
	weft_packet pkt;
	weft_buf out;
	bool in_carol = false;
	weft_cert *c;
	weft_binding_state st;

	weft_buf_init(&out);
	weft_reader_init(&r, p, n);
	while (!weft_packet_next(&r, &pkt, NULL)) {
		if (pkt.tag == WEFT_PKT_USER_ID)
			in_carol = pkt.body_len > 5 &&
				   !memcmp(pkt.body, "Carol", 5);
		if (in_carol && pkt.tag == WEFT_PKT_SIGNATURE &&
		    pkt.body[1] != 0x30)
			continue;
		weft_buf_put(&out, p + pkt.offset,
			     pkt.header_len + pkt.body_len);
	}
	c = load_bytes(out.data, out.len, "carol revoked only");
	T_OK(weft_cert_check_self(c, false));
	T_EQ_INT(weft_cert_prune(c, NULL), 0);
	T_EQ_INT(c->nuids, 3);
	weft_cert_uid_state(c, uid_named(c, "Carol <carol@example.org>"),
			    T3, &st);
	T_CHECK(!st.valid && st.revoked && st.binding == NULL,
		"no binding, revoked");
	weft_cert_free(c);
	weft_buf_free(&out);
	free(p);
}

/* ---- expiry ------------------------------------------------------------------- */

static void
test_dates(void)
{
	weft_cert *c = load(D "dates.pgp");
	weft_key_state st;
	const weft_keyrec *enc = subkey_fpr(c, "33BB7A4F362D55C63EBBF70D701375DC22147562");
	const weft_keyrec *sign = subkey_fpr(c, "4E0EEC2122B4975940C79FA7BCBD722A47BD6086");
	const weft_uidrec *u = uid_named(c, "Dates <dates@example.org>");
	weft_binding_state bs;

	/* before the key existed: nothing */
	weft_cert_primary_state(c, T0 - 1, &st);
	T_CHECK(!st.b.valid && !st.b.binding, "before creation: no binding");

	/* during the first year: the T0 binding, expiring T0 + 2y */
	weft_cert_primary_state(c, T0 + DAY, &st);
	T_CHECK(st.b.valid && st.b.binding &&
			st.b.binding->sig.created == T0,
		"T0+1d: the T0 binding");
	T_EQ_INT(st.created, T0);
	T_EQ_INT(st.expires, 1640908800);
	T_CHECK(!st.expired && !st.b.revoked, "T0+1d: live");
	T_CHECK(st.has_key_flags && st.key_flags == WEFT_KF_CERTIFY,
		"primary flags %02x", st.key_flags);

	/* after the new self-signature: T1 + 5y */
	weft_cert_primary_state(c, T1 + DAY, &st);
	T_CHECK(st.b.valid && st.b.binding->sig.created == T1,
		"T1+1d: the T1 binding");
	T_EQ_INT(st.expires, 1767139200);
	T_CHECK(!st.expired, "T1+1d: not expired");

	/* the old expiry has passed, the new one has not */
	weft_cert_primary_state(c, 1640908800 + DAY, &st);
	T_CHECK(st.b.valid && !st.expired, "2022: extended, not expired");
	weft_cert_primary_state(c, 1767139200 - 1, &st);
	T_CHECK(!st.expired, "one second before expiry");
	weft_cert_primary_state(c, 1767139200, &st);
	T_CHECK(st.expired, "at the expiry time: expired");
	weft_cert_primary_state(c, 1767139200 + DAY, &st);
	T_CHECK(st.expired && st.expires == 1767139200, "after: expired");

	/* the user ID follows its binding */
	weft_cert_uid_state(c, u, T0 + DAY, &bs);
	T_CHECK(bs.valid && bs.binding->sig.created == T0 && !bs.revoked,
		"uid at T0+1d");
	weft_cert_uid_state(c, u, T1 + DAY, &bs);
	T_CHECK(bs.valid && bs.binding->sig.created == T1, "uid at T1+1d");
	T_CHECK(weft_cert_primary_uid(c, T1) == u, "primary uid");

	/* encryption subkey: no expiry */
	weft_cert_subkey_state(c, enc, T0 + DAY, &st);
	T_CHECK(st.b.valid && !st.expired && st.expires == 0 &&
			st.has_key_flags &&
			st.key_flags == (WEFT_KF_ENCRYPT_COMMS |
					 WEFT_KF_ENCRYPT_STORAGE),
		"encryption subkey (flags %02x)", st.key_flags);

	/* signing subkey: created T0+3600, expires one year later */
	weft_cert_subkey_state(c, sign, T0, &st);
	T_CHECK(!st.b.valid, "signing subkey before its binding");
	weft_cert_subkey_state(c, sign, T0 + 3600 + DAY, &st);
	T_CHECK(st.b.valid && !st.expired && st.expires == 1609376400,
		"signing subkey live, expires %u", st.expires);
	T_EQ_INT(st.created, T0 + 3600);
	weft_cert_subkey_state(c, sign, T1 + DAY, &st);
	T_CHECK(st.expired && st.b.valid, "signing subkey expired at T1+1d");
	weft_cert_free(c);
}

/* ---- revocations ------------------------------------------------------------------ */

#define SUB_A "6ABA82BC7B5F43EE311EDBA20895C82C2500F97D"
#define SUB_B "D9A3E2FC3194F2E84AA6C6086C1E7256DB55EE95"

static void
test_subkey_revocations(void)
{
	weft_cert *c = load(D "subrev.pgp");
	const weft_keyrec *a = subkey_fpr(c, SUB_A), *b = subkey_fpr(c, SUB_B);
	weft_key_state st;

	/* A: soft ("superseded") at T1, re-bound at T2 */
	weft_cert_subkey_state(c, a, T0 + DAY, &st);
	T_CHECK(st.b.valid && !st.b.revoked, "A at T0+1d: valid");
	weft_cert_subkey_state(c, a, T1 - 1, &st);
	T_CHECK(!st.b.revoked, "A one second before the soft revocation");
	weft_cert_subkey_state(c, a, T1, &st);
	T_CHECK(st.b.revoked && !st.b.hard_revoked && st.b.revoked_at == T1,
		"A at T1: soft-revoked");
	weft_cert_subkey_state(c, a, T1 + DAY, &st);
	T_CHECK(st.b.valid && st.b.revoked && !st.b.hard_revoked &&
			st.b.revoked_at == T1 && st.b.revocation &&
			st.b.revocation->sig.reason == WEFT_REASON_SUPERSEDED,
		"A at T1+1d: soft-revoked");
	T_CHECK(st.b.binding && st.b.binding->sig.created == T0 + 60,
		"A at T1+1d: binding from T0");
	weft_cert_subkey_state(c, a, T2 + DAY, &st);
	T_CHECK(st.b.valid && !st.b.revoked && !st.b.revocation &&
			st.b.binding->sig.created == T2,
		"A at T2+1d: the newer binding overrides the soft revocation");

	/* B: hard ("compromised") at T2, re-bound at T3: revoked at every
	 * time, even before the revocation was made */
	weft_cert_subkey_state(c, b, T0 + DAY, &st);
	T_CHECK(st.b.revoked && st.b.hard_revoked && st.b.revoked_at == T2,
		"B at T0+1d: hard revocation already in effect");
	weft_cert_subkey_state(c, b, T2 + DAY, &st);
	T_CHECK(st.b.revoked && st.b.hard_revoked, "B at T2+1d");
	weft_cert_subkey_state(c, b, T3 + DAY, &st);
	T_CHECK(st.b.revoked && st.b.hard_revoked &&
			st.b.binding->sig.created == T3,
		"B at T3+1d: the newer binding does not lift a hard revocation");
	T_CHECK(weft_revocation_is_hard(&st.b.revocation->sig),
		"reason 2 is hard");
	weft_cert_free(c);
}

static void
test_uid_revocations(void)
{
	weft_cert *c = load(D "uidrev.pgp");
	const weft_uidrec *alice = uid_named(c, "Alice <alice@example.org>");
	const weft_uidrec *old = uid_named(c, "Alice Old <old@example.org>");
	const weft_uidrec *carol = uid_named(c, "Carol <carol@example.org>");
	weft_binding_state st;

	weft_cert_uid_state(c, old, T0 + DAY, &st);
	T_CHECK(st.valid && !st.revoked, "Old at T0+1d");
	weft_cert_uid_state(c, old, T1 + DAY, &st);
	T_CHECK(st.valid && st.revoked && !st.hard_revoked &&
			st.revoked_at == T1 &&
			st.revocation->sig.reason == WEFT_REASON_UID_INVALID,
		"Old at T1+1d: revoked (reason 32, soft)");
	weft_cert_uid_state(c, old, T2 + DAY, &st);
	T_CHECK(st.valid && !st.revoked && st.binding->sig.created == T2,
		"Old at T2+1d: re-bound");

	/* reason 0 is a hard reason, but for user IDs nothing is final */
	weft_cert_uid_state(c, carol, T1 + DAY, &st);
	T_CHECK(st.valid && st.revoked && st.hard_revoked &&
			st.revocation->sig.has_reason &&
			st.revocation->sig.reason == 0,
		"Carol at T1+1d: revoked, hard reason");
	weft_cert_uid_state(c, carol, T0 + DAY, &st);
	T_CHECK(st.valid && !st.revoked,
		"Carol at T0+1d: not yet revoked (user IDs: no final revocation)");
	weft_cert_uid_state(c, carol, T2 + DAY, &st);
	T_CHECK(st.valid && !st.revoked,
		"Carol at T2+1d: the newer binding wins even over a hard reason");

	weft_cert_uid_state(c, alice, T1 + DAY, &st);
	T_CHECK(st.valid && !st.revoked, "Alice never revoked");
	T_CHECK(weft_cert_primary_uid(c, T1 + DAY) == alice,
		"T1+1d: the only unrevoked user ID is primary");
	weft_cert_free(c);
}

static void
test_key_revocations(void)
{
	weft_cert *c = load(D "keyrev-soft.pgp");
	weft_key_state st;

	weft_cert_primary_state(c, T0 + DAY, &st);
	T_CHECK(st.b.valid && !st.b.revoked, "soft: T0+1d not revoked");
	weft_cert_primary_state(c, T1 + DAY, &st);
	T_CHECK(st.b.valid && st.b.revoked && !st.b.hard_revoked &&
			st.b.revoked_at == T1,
		"soft: T1+1d revoked");
	weft_cert_primary_state(c, T2 + DAY, &st);
	T_CHECK(st.b.valid && !st.b.revoked &&
			st.b.binding->sig.created == T2,
		"soft: T2+1d the newer binding wins");
	weft_cert_free(c);

	c = load(D "keyrev-hard.pgp");
	weft_cert_primary_state(c, T0 + DAY, &st);
	T_CHECK(st.b.revoked && st.b.hard_revoked && st.b.revoked_at == T2,
		"hard: T0+1d already revoked");
	weft_cert_primary_state(c, T3 + DAY, &st);
	T_CHECK(st.b.revoked && st.b.hard_revoked &&
			st.b.binding->sig.created == T3,
		"hard: T3+1d still revoked despite the newer binding");
	weft_cert_free(c);
}

static void
test_revocation_is_hard(void)
{
	static const struct {
		const char *reason;      /* hex body of subpacket 29, or NULL */
		int hard;
	} r[] = {
		{ NULL, 1 }, { "00", 1 }, { "01", 0 }, { "02", 1 }, { "03", 0 },
		{ "20", 0 }, { "04", 1 }, { "64", 1 }, { "ff", 1 },
		{ "01 7465787420", 0 },
	};
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(r); i++) {
		weft_pkt_sig s;

		memset(&s, 0, sizeof s);
		if (r[i].reason) {
			uint8_t b[8];

			t_unhex(r[i].reason, b, sizeof b);
			s.has_reason = true;
			s.reason = b[0];
		}
		T_CHECK(weft_revocation_is_hard(&s) == !!r[i].hard,
			"reason %s: hard %d", r[i].reason ? r[i].reason : "none",
			r[i].hard);
	}
}

/* ---- policy ------------------------------------------------------------------------ */

#define Y2013M2 1359676800u
#define Y2014M2 1391212800u
#define Y2023M2 1675209600u
#define GRACE_END 1896134400u   /* 2023-02-01 + 7 years and 2 days */

static void
test_sha1_fixture(void)
{
	weft_cert *c = load(D "sha1.pgp");
	const weft_uidrec *u = uid_named(c, "Sha One <sha1@example.org>");
	const weft_keyrec *sk = subkey_fpr(c, "1E3379EED132A4FCBBE9A466BDCCC4AFADFD0714");
	weft_binding_state bs;
	weft_key_state st;

	T_EQ_INT(u->sigs.v[0].sig.hash_algo, WEFT_HASH_SHA1);
	/* accepted before the cut-off, rejected from it on */
	weft_cert_uid_state(c, u, Y2023M2 - DAY, &bs);
	T_CHECK(bs.valid && bs.policy_ok, "SHA-1 binding on 2023-01-31");
	weft_cert_uid_state(c, u, Y2023M2, &bs);
	T_CHECK(!bs.valid && !bs.policy_ok && bs.binding,
		"SHA-1 binding on 2023-02-01: rejected, but reported");
	weft_cert_primary_state(c, Y2023M2 - DAY, &st);
	T_CHECK(st.b.valid, "primary valid before the cut-off");
	weft_cert_primary_state(c, Y2023M2 + DAY, &st);
	T_CHECK(!st.b.valid, "primary not valid after the cut-off");

	/* the SHA-1 subkey revocation (T1, compromised): counts until the
	 * grace period ends, even though the binding no longer does */
	weft_cert_subkey_state(c, sk, T0 + DAY, &st);
	T_CHECK(st.b.revoked && st.b.hard_revoked,
		"2020: hard revocation in effect");
	weft_cert_subkey_state(c, sk, 1861920000u, &st);  /* 2029-01-01 */
	T_CHECK(st.b.revoked && !st.b.valid,
		"2029: revocation within its grace, binding rejected");
	weft_cert_subkey_state(c, sk, GRACE_END - 1, &st);
	T_CHECK(st.b.revoked, "last second of the grace period");
	weft_cert_subkey_state(c, sk, GRACE_END, &st);
	T_CHECK(!st.b.revoked, "2030-02-01: the SHA-1 revocation expired");
	weft_cert_free(c);
}

static void
test_policy_table(void)
{
	static const struct {
		uint8_t hash, type;
		weft_hash_security sec;
		uint32_t t;
		int ok;
	} p[] = {
		{ 2, 0x13, WEFT_SEC_SECOND_PREIMAGE, Y2023M2 - 1, 1 },
		{ 2, 0x13, WEFT_SEC_SECOND_PREIMAGE, Y2023M2, 0 },
		{ 2, 0x18, WEFT_SEC_SECOND_PREIMAGE, Y2023M2 - 1, 1 },
		{ 2, 0x18, WEFT_SEC_SECOND_PREIMAGE, Y2023M2, 0 },
		{ 2, 0x10, WEFT_SEC_COLLISION, Y2013M2 - 1, 1 },
		{ 2, 0x10, WEFT_SEC_COLLISION, Y2013M2, 0 },
		{ 2, 0x00, WEFT_SEC_COLLISION, Y2013M2 + 1, 0 },
		/* revocations: seven years and two days of grace */
		{ 2, 0x20, WEFT_SEC_SECOND_PREIMAGE, GRACE_END - 1, 1 },
		{ 2, 0x20, WEFT_SEC_SECOND_PREIMAGE, GRACE_END, 0 },
		{ 2, 0x28, WEFT_SEC_SECOND_PREIMAGE, GRACE_END - 1, 1 },
		{ 2, 0x30, WEFT_SEC_SECOND_PREIMAGE, GRACE_END - 1, 1 },
		{ 2, 0x30, WEFT_SEC_COLLISION, Y2013M2 + 220924800u - 1, 1 },
		{ 2, 0x30, WEFT_SEC_COLLISION, Y2013M2 + 220924800u, 0 },
		{ 2, 0x13, WEFT_SEC_SECOND_PREIMAGE, GRACE_END - 1, 0 },
		/* MD5, RIPEMD-160 */
		{ 1, 0x13, WEFT_SEC_SECOND_PREIMAGE, 1075593600u - 1, 1 },
		{ 1, 0x13, WEFT_SEC_SECOND_PREIMAGE, 1075593600u, 0 },
		{ 1, 0x10, WEFT_SEC_COLLISION, 854755200u, 0 },
		{ 3, 0x13, WEFT_SEC_SECOND_PREIMAGE, Y2013M2 - 1, 1 },
		{ 3, 0x13, WEFT_SEC_SECOND_PREIMAGE, Y2013M2, 0 },
		/* SHA-2: always; SHA-3 and unknown: never */
		{ 8, 0x10, WEFT_SEC_COLLISION, 4000000000u, 1 },
		{ 9, 0x13, WEFT_SEC_SECOND_PREIMAGE, 4000000000u, 1 },
		{ 10, 0x00, WEFT_SEC_COLLISION, 0, 1 },
		{ 11, 0x10, WEFT_SEC_COLLISION, 4000000000u, 1 },
		{ 12, 0x13, WEFT_SEC_SECOND_PREIMAGE, T0, 0 },
		{ 14, 0x13, WEFT_SEC_SECOND_PREIMAGE, T0, 0 },
		{ 0, 0x13, WEFT_SEC_SECOND_PREIMAGE, T0, 0 },
		{ 99, 0x13, WEFT_SEC_SECOND_PREIMAGE, T0, 0 },
	};
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(p); i++)
		T_CHECK(weft_policy_hash_ok(p[i].hash, p[i].type, p[i].sec,
					    p[i].t) == !!p[i].ok,
			"policy %zu: hash %u type %02x sec %d at %u: want %d", i,
			p[i].hash, p[i].type, p[i].sec, p[i].t, p[i].ok);

	/* the critical-subpacket rule on top */
	{
		weft_pkt_sig s;

		memset(&s, 0, sizeof s);
		s.hash_algo = 8;
		s.type = 0x13;
		T_CHECK(weft_policy_sig_ok(&s, WEFT_SEC_COLLISION, T0), "ok");
		s.unknown_critical = true;
		T_CHECK(!weft_policy_sig_ok(&s, WEFT_SEC_COLLISION, T0),
			"unknown critical: rejected");
	}
	T_CHECK(strstr(weft_policy_hash_reason(2), "SHA-1") != NULL, "reason");
}

static void
test_uid_hash_security(void)
{
	static const struct {
		const char *uid;
		size_t len;
		uint8_t tag;
		int collision;
	} u[] = {
		{ "Alice <alice@example.org>", 0, 13, 0 },
		{ "", 0, 13, 0 },
		{ "J\xc3\xb6rg <j@example.org>", 0, 13, 0 },   /* UTF-8 */
		{ "\xe2\x82\xac \xf0\x9f\x94\x91", 0, 13, 0 },  /* 3, 4 octets */
		{ "Alice <alice@example.org>", 0, 17, 1 },      /* attribute */
		{ "Alice\n<alice@example.org>", 0, 13, 1 },     /* control */
		{ "Alice\x7f", 0, 13, 1 },                      /* DEL */
		{ "tab\tuid", 0, 13, 1 },
		{ "nul\0uid", 7, 13, 1 },
		{ "J\xf6rg", 0, 13, 1 },                        /* Latin-1 */
		{ "\xc0\xaf", 0, 13, 1 },                       /* overlong */
		{ "\xe0\x80\xaf", 0, 13, 1 },                   /* overlong */
		{ "\xed\xa0\x80", 0, 13, 1 },                   /* surrogate */
		{ "\xc2\x85", 0, 13, 1 },                       /* C1 NEL */
		{ "\xf4\x90\x80\x80", 0, 13, 1 },               /* > U+10FFFF */
		{ "\xc3", 0, 13, 1 },                           /* cut */
		{ "\xe2\x82", 0, 13, 1 },                       /* cut */
		{ "\xff", 0, 13, 1 },
		/* 96 octets: fine; 97: too long */
		{ "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456",
		  96, 13, 0 },
		{ "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456",
		  97, 13, 1 },
	};
	size_t i, n;

	for (i = 0; i < WEFT_ARRAY_SIZE(u); i++) {
		n = u[i].len ? u[i].len : strlen(u[i].uid);
		T_CHECK(weft_uid_hash_security((const uint8_t *)u[i].uid, n,
					       u[i].tag) ==
				(u[i].collision ? WEFT_SEC_COLLISION
						: WEFT_SEC_SECOND_PREIMAGE),
			"uid hash security %zu", i);
	}
}

static void
test_policy_keys(void)
{
	weft_pkt_key k;

	memset(&k, 0, sizeof k);
	k.algo = WEFT_PK_RSA;
	k.bits = 2048;
	T_CHECK(weft_policy_key_ok(&k, 4000000000u), "RSA 2048");
	k.bits = 2047;
	T_CHECK(weft_policy_key_ok(&k, Y2014M2 - 1), "RSA 2047 in 2014-01");
	T_CHECK(!weft_policy_key_ok(&k, Y2014M2), "RSA 2047 from 2014-02");
	k.algo = WEFT_PK_DSA;
	k.bits = 1024;
	T_CHECK(!weft_policy_key_ok(&k, T0), "DSA 1024 in 2020");
	k.algo = WEFT_PK_ELGAMAL_E;
	T_CHECK(!weft_policy_key_ok(&k, T0), "ElGamal 1024 in 2020");
	k.algo = WEFT_PK_ED25519;
	T_CHECK(weft_policy_key_ok(&k, T0), "Ed25519");
	k.algo = WEFT_PK_X448;
	T_CHECK(weft_policy_key_ok(&k, T0), "X448");
	k.algo = WEFT_PK_ECDSA;
	k.curve = NULL;
	T_CHECK(!weft_policy_key_ok(&k, T0), "ECDSA unknown curve");
	{
		static const uint8_t p256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d,
						0x03, 0x01, 0x07 };
		static const uint8_t k1[] = { 0x2b, 0x81, 0x04, 0x00, 0x0a };

		k.curve = weft_curve_by_oid(p256, sizeof p256);
		T_CHECK(weft_policy_key_ok(&k, T0), "ECDSA P-256");
		k.curve = weft_curve_by_oid(k1, sizeof k1);
		T_CHECK(!weft_policy_key_ok(&k, T0), "ECDSA secp256k1");
	}
	k.algo = 99;
	T_CHECK(!weft_policy_key_ok(&k, T0), "unknown algorithm");
}

/* The rsa1024 fixture (2020): keys under 2048 bits are rejected, so its
 * primary key is not valid even though its self-signatures verify. */
static void
test_small_key_state(void)
{
	weft_cert *c = load("tests/data/packet/rsa1024.pgp");
	weft_key_state st;

	weft_cert_primary_state(c, T0 + DAY, &st);
	T_CHECK(!st.b.valid && !st.b.policy_ok && st.b.binding,
		"RSA-1024 primary in 2020: bound but rejected");
	weft_cert_subkey_state(c, &c->subkeys[0], T0 + DAY, &st);
	T_CHECK(!st.b.valid && st.b.binding, "RSA-1024 subkey rejected");
	weft_cert_free(c);
}

/* RFC 9580 A.3: a v6 certificate without user IDs, bound by its
 * direct-key signature. */
static void
test_v6_direct_key(void)
{
	weft_cert *c = load("tests/data/crypto/rfc9580-a3-v6-cert.pgp");
	weft_key_state st;
	const uint32_t created = 1669824483u;

	T_CHECK(weft_cert_primary_uid(c, created + DAY) == NULL, "no user ID");
	weft_cert_primary_state(c, created - 1, &st);
	T_CHECK(!st.b.valid, "v6: before the direct-key signature");
	weft_cert_primary_state(c, created + DAY, &st);
	T_CHECK(st.b.valid && st.b.binding &&
			st.b.binding->sig.type == WEFT_SIG_DIRECT_KEY &&
			!st.b.revoked && !st.expired && st.expires == 0,
		"v6: bound by the direct-key signature");
	T_CHECK(st.has_key_flags &&
			st.key_flags == (WEFT_KF_CERTIFY | WEFT_KF_SIGN),
		"v6 primary flags %02x", st.key_flags);
	weft_cert_subkey_state(c, &c->subkeys[0], created + DAY, &st);
	T_CHECK(st.b.valid && st.key_flags == (WEFT_KF_ENCRYPT_COMMS |
					       WEFT_KF_ENCRYPT_STORAGE),
		"v6 X25519 subkey (flags %02x)", st.key_flags);
	T_CHECK(weft_cert_is_usable(c), "usable through the direct-key sig");
	weft_cert_free(c);
}

/* ---- third-party certifications ------------------------------------------------- */

static void
test_third_party(void)
{
	weft_cert *c = load(D "merge.pgp"), *issuer = load(D "certifier.pgp");
	weft_cert *other = load(D "dates.pgp");
	size_t i, j, checked = 0;
	uint8_t kid[8];

	for (i = 0; i < c->nuids; i++)
		for (j = 0; j < c->uids[i].sigs.n; j++) {
			weft_sigrec *r = &c->uids[i].sigs.v[j];

			if (r->self)
				continue;
			T_CHECK(weft_sigrec_issued_by(r, issuer->primary.fpr, 20,
						      issuer->primary.keyid),
				"issued by the certifier");
			T_CHECK(!weft_sigrec_issued_by(r, other->primary.fpr, 20,
						       other->primary.keyid),
				"not issued by another key");
			T_CHECK(weft_sigrec_issuer_keyid(r, kid) &&
					!memcmp(kid, issuer->primary.keyid, 8),
				"issuer key ID");
			/* the wrong issuer: BAD */
			T_OK(weft_cert_check_third_party(c, r, &c->uids[i],
							 other));
			T_EQ_INT(r->state, WEFT_SIG_BAD);
			/* the wrong user ID: BAD */
			T_OK(weft_cert_check_third_party(
				c, r, &c->uids[(i + 1) % c->nuids], issuer));
			T_EQ_INT(r->state, WEFT_SIG_BAD);
			/* the right one: GOOD */
			T_OK(weft_cert_check_third_party(c, r, &c->uids[i],
							 issuer));
			T_EQ_INT(r->state, WEFT_SIG_GOOD);
			checked++;
		}
	T_EQ_INT(checked, 2);
	/* self-signatures name their issuer too */
	T_CHECK(weft_sigrec_issued_by(&c->uids[0].sigs.v[0], c->primary.fpr,
				      20, c->primary.keyid),
		"self-signature issued by the primary");
	weft_cert_free(c);
	weft_cert_free(issuer);
	weft_cert_free(other);
}

/* ---- user ID addresses ------------------------------------------------------------- */

static void
test_uid_email(void)
{
	static const struct {
		const char *uid;
		size_t len;              /* 0: strlen */
		const char *want;        /* NULL: none */
	} e[] = {
		{ "Name <A@B.org>", 0, "a@b.org" },
		{ "Name <a@b.org>", 0, "a@b.org" },
		{ "a@b.org", 0, "a@b.org" },
		{ "ALICE@EXAMPLE.ORG", 0, "alice@example.org" },
		{ "<a@b.org>", 0, "a@b.org" },
		{ "Name (comment) <x.y+tag@sub.example.org>", 0,
		  "x.y+tag@sub.example.org" },
		{ "J\xc3\xb6rg <J\xc3\x96RG@example.org>", 0,
		  "j\xc3\xb6rg@example.org" },        /* Unicode lower case, as Sequoia */
		{ "a <b <c@d.org>", 0, "c@d.org" },   /* two '<': the last */
		{ "<a@b.org> <c@d.org>", 0, "c@d.org" },
		{ "Name <a@b.org> (trailing)", 0, "a@b.org" },
		/* none */
		{ "Name", 0, NULL },
		{ "", 0, NULL },
		{ "Name <>", 0, NULL },
		{ "Name <a@b.org", 0, NULL },
		{ "Name a@b.org>", 0, NULL },
		{ "Name <ab.org>", 0, NULL },
		{ "Name <a@@b.org>", 0, NULL },
		{ "Name <a@b@c.org>", 0, NULL },
		{ "Name <@b.org>", 0, NULL },
		{ "Name <a@>", 0, NULL },
		{ "Name <a b@c.org>", 0, NULL },
		{ "Name <a@b.org> <other>", 0, NULL },
		{ "two words@example.org", 0, NULL },
		/* control characters */
		{ "Name <a\x01@b.org>", 0, NULL },
		{ "Name <a@b.org\n>", 0, NULL },
		{ "a@b.org\n", 0, NULL },
		{ "a@b.\x7forg", 0, NULL },
		{ "Name <a\0b@c.org>", 16, NULL },
		{ "a@b.org\0", 8, NULL },
		{ "\ta@b.org", 0, NULL },
	};
	char out[256];
	size_t i, n;
	bool got;

	for (i = 0; i < WEFT_ARRAY_SIZE(e); i++) {
		n = e[i].len ? e[i].len : strlen(e[i].uid);
		memset(out, 'x', sizeof out);
		got = weft_uid_email((const uint8_t *)e[i].uid, n, out,
				     sizeof out);
		if (e[i].want)
			T_CHECK(got && !strcmp(out, e[i].want),
				"email of case %zu: got %d \"%s\"", i, got,
				got ? out : "");
		else
			T_CHECK(!got,
				"no email in case %zu: got \"%s\"", i,
				got ? out : "");
	}
	/* the output buffer: 7 characters need 8 octets */
	T_CHECK(!weft_uid_email((const uint8_t *)"<a@b.org>", 9, out, 7),
		"outlen 7 too small");
	T_CHECK(weft_uid_email((const uint8_t *)"<a@b.org>", 9, out, 8) &&
			!strcmp(out, "a@b.org"),
		"outlen 8 enough");
	T_CHECK(!weft_uid_email((const uint8_t *)"a@b.org", 7, out, 0),
		"outlen 0");
}

int
main(void)
{
	if (weft_crypto_init()) {
		printf("FAIL weft_crypto_init\n");
		return 1;
	}
	test_check_self_real();
	test_backsig();
	test_corrupted();
	test_misplaced_and_only_new();
	test_uid_with_only_a_revocation();
	test_dates();
	test_subkey_revocations();
	test_uid_revocations();
	test_key_revocations();
	test_revocation_is_hard();
	test_sha1_fixture();
	test_policy_table();
	test_uid_hash_security();
	test_policy_keys();
	test_small_key_state();
	test_v6_direct_key();
	test_third_party();
	test_uid_email();
	return t_done();
}
