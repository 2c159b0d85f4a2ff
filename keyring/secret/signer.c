/* signer.c - choosing one of my keys, unlocking it, and signing with it;
 * adding the result to a certificate as import would. */
#include <stdio.h>
#include <stdlib.h>

#include "secret.h"
#include "../store/query.h"
#include "../util/mem.h"

/* ---- finding my key ------------------------------------------------------------ */

struct mine {
	weft_fprset set;
};

static gpg_error_t
collect_secret(void *opaque, const uint8_t *key, size_t klen,
	       const uint8_t *val, size_t vlen)
{
	(void)val;
	(void)vlen;
	return weft_fprset_add(&((struct mine *)opaque)->set, key, klen);
}

/* Append "FPR uid" for each candidate to OUT (user IDs as labels, cut to
 * 60 octets). */
static void
list_candidates(weft_ctx *ctx, weft_txn *t, const weft_fprset *set,
		char *out, size_t outlen)
{
	size_t i, used = strlen(out);
	char hex[2 * WEFT_FPR_MAX + 1], label[64];
	weft_cert *c;
	const weft_uidrec *u;
	int n;

	for (i = 0; i < set->n && used + 1 < outlen; i++) {
		weft_hex(set->v[i] + 1, set->v[i][0], hex);
		u = NULL;
		c = NULL;
		if (!weft_store_cert_load(t, set->v[i] + 1, set->v[i][0], &c,
					  NULL))
			u = weft_cert_primary_uid(c, weft_ctx__now(ctx));
		label[0] = 0;
		if (u)
			weft_secret__label(u->data, u->len, label, sizeof label);
		n = snprintf(out + used, outlen - used, "%s%s%s%s",
			     i ? "; " : "", hex, label[0] ? " " : "", label);
		weft_cert_free(c);
		if (n < 0)
			break;
		used += (size_t)n;
		if (used >= outlen)
			used = outlen - 1;
	}
}

/* 1. The keys I have secrets for: those BY resolves to that have a
 *    secrets record, or all of them.
 * 2. Exactly one must remain.
 * 3. Load its certificate and its record; the primary key's secret
 *    must be there (certifying needs the primary key), and the key must
 *    be alive: not revoked, not expired.
 * 4. Unlock it (now, or later with weft_secret__signer_unlock). */
gpg_error_t
weft_secret__signer(weft_ctx *ctx, weft_txn *t, const char *by, bool unlock,
		    weft_signer *out)
{
	struct mine m = { { NULL, 0, 0 } };
	weft_fprset found = { NULL, 0, 0 };
	weft_key_state ks;
	weft_pkt_key key;
	weft_diag d = { { 0 } };
	char desc[512], msg[400];
	size_t i;
	gpg_error_t err;

	memset(out, 0, sizeof *out);
	weft_buf_init_secure(&out->pkts);
	/* 1 */
	if (by) {
		if ((err = weft_query_resolve(t, by, 0, &found)))
			goto leave;
		weft_fprset_sort(&found);
		if (!found.n) {
			err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				"--by %s: no key matches", by);
			goto leave;
		}
		for (i = 0; i < found.n; i++)
			if (weft_secret__have(t, found.v[i] + 1, found.v[i][0]) &&
			    (err = weft_fprset_add(&m.set, found.v[i] + 1,
						   found.v[i][0])))
				goto leave;
		if (!m.set.n) {
			err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_SECKEY),
				"--by %s: the keyring has no secret key for it", by);
			goto leave;
		}
	} else {
		if ((err = weft_store_each(t, WEFT_DB_SECRETS, NULL, 0,
					   collect_secret, &m)))
			goto leave;
		if (!m.set.n) {
			err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_SECKEY),
				"you have no secret key: make one with \"weft generate\" "
				"or import yours (gpg --export-secret-keys | weft import)");
			goto leave;
		}
	}
	weft_fprset_sort(&m.set);
	/* 2 */
	if (m.set.n > 1) {
		msg[0] = 0;
		list_candidates(ctx, t, &m.set, msg, sizeof msg);
		if (by)
			err = weft_ctx__error(ctx,
				WEFT_ERR(GPG_ERR_AMBIGUOUS_NAME),
				"--by %s matches several of your keys; give a "
				"fingerprint: %s", by, msg);
		else
			err = weft_ctx__error(ctx,
				WEFT_ERR(GPG_ERR_AMBIGUOUS_NAME),
				"you have several keys; choose one with --by: %s",
				msg);
		goto leave;
	}
	/* 3 */
	if ((err = weft_store_cert_load(t, m.set.v[0] + 1, m.set.v[0][0],
					&out->cert, &d))) {
		weft_ctx__error(ctx, err, "your key cannot be loaded: %s",
				d.msg[0] ? d.msg : gpg_strerror(err));
		goto leave;
	}
	if ((err = weft_secret__record_get(t, out->cert->primary.fpr,
					   out->cert->primary.fpr_len,
					   &out->pkts))) {
		weft_ctx__error(ctx, err, "the secret keys record is damaged");
		goto leave;
	}
	weft_secret__describe(out->cert, &out->cert->primary.key,
			      weft_ctx__now(ctx), desc, sizeof desc);
	err = weft_secret__find(out->pkts.data, out->pkts.len,
				out->cert->primary.key.pub,
				out->cert->primary.key.pub_len, &key);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_SECKEY),
			"only subkeys of %s are in the keyring; certifying needs "
			"the primary key's secret", desc);
		goto leave;
	}
	if (err) {
		weft_ctx__error(ctx, err, "the secret keys record of %s is damaged",
				desc);
		goto leave;
	}
	weft_cert_primary_state(out->cert, weft_ctx__now(ctx), &ks);
	if (ks.b.revoked || ks.expired) {
		err = weft_ctx__error(ctx, WEFT_ERR(ks.b.revoked ?
						    GPG_ERR_CERT_REVOKED :
						    GPG_ERR_CERT_EXPIRED),
			"your key %s is %s; it cannot certify", desc,
			ks.b.revoked ? "revoked" : "expired");
		goto leave;
	}
	out->key = key;
	snprintf(out->desc, sizeof out->desc, "%s", desc);
	/* 4 */
	if (unlock)
		err = weft_secret__signer_unlock(ctx, out);
leave:
	weft_fprset_free(&m.set);
	weft_fprset_free(&found);
	if (err)
		weft_secret__signer_free(out);
	return err;
}

gpg_error_t
weft_secret_check(weft_ctx *ctx, const char *by, char fpr[65], char *desc,
		  size_t desclen)
{
	weft_txn *t = NULL;
	weft_signer s;
	gpg_error_t err;

	fpr[0] = 0;
	if (desclen)
		desc[0] = 0;
	ctx->error[0] = 0;
	if ((err = weft_ctx__txn(ctx, false, &t)))
		return err;
	err = weft_secret__signer(ctx, t, by, true, &s);
	weft_txn_abort(t);
	if (err)
		return err;
	weft_hex(s.cert->primary.fpr, s.cert->primary.fpr_len, fpr);
	if (desclen)
		snprintf(desc, desclen, "%s", s.desc);
	weft_secret__signer_free(&s);
	return 0;
}

gpg_error_t
weft_secret__signer_unlock(weft_ctx *ctx, weft_signer *s)
{
	if (s->sk)
		return 0;
	return weft_secret__unlock(ctx, &s->key, s->desc, &s->sk);
}

void
weft_secret__signer_free(weft_signer *s)
{
	if (!s)
		return;
	weft_cert_free(s->cert);
	weft_buf_free(&s->pkts);
	weft_seckey_free(s->sk);
	s->cert = NULL;
	s->sk = NULL;
}

/* ---- signing ---------------------------------------------------------------------- */

/* The hash for a key: SHA-512 for v6 (with Ed25519 it must be at least
 * 256 bits anyway), SHA-256 for v4 as gpg 2.2 writes certifications,
 * larger where the key is: ECDSA over P-384/P-521 and brainpool curves of
 * those sizes. */
static uint8_t
hash_for(const weft_pkt_key *k)
{
	if (k->version == 6 || k->algo == WEFT_PK_ED448)
		return WEFT_HASH_SHA512;
	if (k->algo == WEFT_PK_ECDSA && k->bits > 384)
		return WEFT_HASH_SHA512;
	if (k->algo == WEFT_PK_ECDSA && k->bits > 256)
		return WEFT_HASH_SHA384;
	return WEFT_HASH_SHA256;
}

uint8_t
weft_secret__hash_for(const weft_pkt_key *k)
{
	return hash_for(k);
}

/* SALT (SALT_LEN octets) is a v6 data signature's, already hashed into
 * T->data; NULL otherwise. */
static gpg_error_t
sign_common(const weft_pkt_key *k, const uint8_t *fpr, size_t fpr_len,
	    const weft_seckey *sk, uint8_t type, uint32_t created,
	    const weft_buf *extra, const uint8_t *salt, size_t salt_len,
	    const weft_sig_target *t, weft_buf *out)
{
	weft_sig_builder sb;
	uint8_t ifpr[1 + WEFT_FPR_MAX], keyid[8], ts[4];
	gpg_error_t err;

	weft_sig_builder_init(&sb, k->version, type, k->algo, hash_for(k));
	if (salt && salt_len <= sizeof sb.salt) {
		memcpy(sb.salt, salt, salt_len);
		sb.salt_len = salt_len;
	}
	ifpr[0] = k->version;
	memcpy(ifpr + 1, fpr, fpr_len);
	ts[0] = (uint8_t)(created >> 24);
	ts[1] = (uint8_t)(created >> 16);
	ts[2] = (uint8_t)(created >> 8);
	ts[3] = (uint8_t)created;
	weft_sig_builder_add(&sb, true, WEFT_SUB_ISSUER_FPR, false, ifpr,
			     1 + fpr_len);
	/* Critical in v6 signatures, as RFC 9580's samples and sq have it;
	 * gpg 2.2 writes it plain. */
	weft_sig_builder_add(&sb, true, WEFT_SUB_CREATION_TIME,
			     k->version == 6, ts, 4);
	if (extra && extra->len)
		weft_buf_put(&sb.hashed, extra->data, extra->len);
	/* RFC 9580 5.2.3.12: v6 signatures carry no issuer key ID. */
	if (k->version == 4) {
		weft_keyid_from_fpr(fpr, fpr_len, keyid);
		weft_sig_builder_add(&sb, false, WEFT_SUB_ISSUER, false, keyid,
				     8);
	}
	if ((err = weft_buf_error(&sb.hashed)) ||
	    (err = weft_buf_error(&sb.unhashed)))
		goto leave;
	err = weft_sig_sign(sk, &sb, t, out);
leave:
	weft_sig_builder_free(&sb);
	return err;
}

gpg_error_t
weft_secret__sign_with(const weft_pkt_key *k, const uint8_t *fpr,
		       size_t fpr_len, const weft_seckey *sk, uint8_t type,
		       uint32_t created, const weft_buf *extra,
		       const weft_sig_target *t, weft_buf *out)
{
	return sign_common(k, fpr, fpr_len, sk, type, created, extra, NULL, 0,
			   t, out);
}

gpg_error_t
weft_secret__sign_data(const weft_pkt_key *k, const uint8_t *fpr,
		       size_t fpr_len, const weft_seckey *sk, uint8_t type,
		       uint32_t created, const uint8_t *salt, size_t salt_len,
		       weft_hash *data, weft_buf *out)
{
	weft_sig_target t;

	memset(&t, 0, sizeof t);
	t.data = data;
	return sign_common(k, fpr, fpr_len, sk, type, created, NULL, salt,
			   salt_len, &t, out);
}

gpg_error_t
weft_secret__sign(const weft_signer *s, uint8_t type, uint32_t created,
		  const weft_buf *extra, const weft_sig_target *t,
		  weft_buf *out)
{
	return weft_secret__sign_with(&s->cert->primary.key,
				      s->cert->primary.fpr,
				      s->cert->primary.fpr_len, s->sk, type,
				      created, extra, t, out);
}

gpg_error_t
weft_secret__subpacket(weft_buf *b, uint8_t type, bool critical,
		       const void *data, size_t len)
{
	size_t n = len + 1;

	/* RFC 9580 4.2.1 lengths, as weft_sig_builder_add writes them. */
	if (n < 192) {
		weft_buf_put_u8(b, (uint8_t)n);
	} else if (n < 16320) {
		n -= 192;
		weft_buf_put_u8(b, (uint8_t)((n >> 8) + 192));
		weft_buf_put_u8(b, (uint8_t)(n & 0xff));
	} else {
		weft_buf_put_u8(b, 255);
		weft_buf_put_u32(b, (uint32_t)n);
	}
	weft_buf_put_u8(b, (uint8_t)(type | (critical ? 0x80 : 0)));
	return weft_buf_put(b, data, len);
}

/* ---- adding a certification ----------------------------------------------------- */

/* 1. Build a small certificate of the same primary key: the key, the
 *    user ID, the new signature (the packets a gpg export would carry).
 * 2. Merge it into C, as import merges what it reads.
 * 3. Find the new record and verify it with the issuer's key, as import
 *    verifies third-party certifications: it becomes GOOD, issuer ME. */
gpg_error_t
weft_secret__add_cert_sig(weft_cert *c, const weft_uidrec *uid,
			  const uint8_t *body, size_t len, weft_cert *issuer)
{
	weft_buf bytes;
	weft_reader r;
	weft_packet pkt;
	weft_cert_builder b;
	weft_cert *mini = NULL;
	bool changed, started = false;
	uint8_t utag;
	const uint8_t *udata;
	size_t ulen;
	size_t i, j;
	gpg_error_t err;

	/* UID points into C's user ID records, which move when C is merged
	 * into; its octets are in C's arena, which does not. */
	utag = uid->tag;
	udata = uid->data;
	ulen = uid->len;
	weft_buf_init(&bytes);
	memset(&b, 0, sizeof b);
	/* 1 */
	weft_packet_write(&bytes, WEFT_PKT_PUBLIC_KEY, c->primary.key.body,
			  c->primary.key.body_len);
	weft_packet_write(&bytes, utag, udata, ulen);
	weft_packet_write(&bytes, WEFT_PKT_SIGNATURE, body, len);
	if ((err = weft_buf_error(&bytes)))
		goto leave;
	weft_reader_init(&r, bytes.data, bytes.len);
	for (;;) {
		err = weft_packet_next(&r, &pkt, NULL);
		if (gpg_err_code(err) == GPG_ERR_EOF) {
			err = 0;
			break;
		}
		if (err)
			goto leave;
		err = started ? weft_cert_builder_add(&b, &pkt)
			      : weft_cert_builder_start(&b, &pkt, NULL);
		started = true;
		weft_packet_release(&pkt);
		if (err)
			goto leave;
	}
	mini = weft_cert_builder_finish(&b);
	if (!mini) {
		err = WEFT_ERR(GPG_ERR_INV_DATA);
		goto leave;
	}
	/* 2 */
	if ((err = weft_cert_merge(c, mini, &changed)))
		goto leave;
	/* 3 */
	err = WEFT_ERR(GPG_ERR_NOT_FOUND);
	for (i = 0; i < c->nuids; i++) {
		weft_uidrec *u = &c->uids[i];

		if (u->tag != utag || u->len != ulen ||
		    memcmp(u->data, udata, ulen))
			continue;
		for (j = 0; j < u->sigs.n; j++) {
			weft_sigrec *rec = &u->sigs.v[j];

			if (rec->sig.body_len != len ||
			    memcmp(rec->sig.body, body, len))
				continue;
			if ((err = weft_cert_check_third_party(c, rec, u,
							       issuer)))
				goto leave;
			err = rec->state == WEFT_SIG_GOOD
				      ? 0 : WEFT_ERR(GPG_ERR_BAD_SIGNATURE);
			goto leave;
		}
	}
leave:
	weft_cert_builder_free(&b);
	weft_cert_free(mini);
	weft_buf_free(&bytes);
	return err;
}
