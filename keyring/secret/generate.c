/* generate.c - new key pairs (weft_generate).
 *
 * What the certificate looks like:
 *
 *   v4 (as gpg 2.2 makes them, so gpg 2.2 and sq 0.27 read them):
 *     primary   EdDSA (22) Ed25519, or RSA; [SC]
 *     0x13      on the user ID, SHA-256: issuer fingerprint, creation
 *               time, key flags 03, key expiration (if any), preferred
 *               ciphers AES256 AES192 AES128, hashes SHA512 SHA384 SHA256
 *               SHA224, compression ZLIB BZIP2 ZIP, features 01 (SEIPD
 *               v1: gpg 2.2 has no v2), keyserver preferences 80
 *               (no-modify); issuer key ID unhashed
 *     subkey    ECDH (18) Curve25519 (KDF SHA-256, AES-128), or RSA; [E]
 *     0x18      key flags 0C, key expiration (if any)
 *
 *   v6 (RFC 9580, as its Appendix A.3 sample):
 *     primary   Ed25519 (27), or RSA; [SC]
 *     0x1f      SHA-512, salted: issuer fingerprint, creation time
 *               (critical), key flags 03 (critical), key expiration,
 *               ciphers AES256 AES128, AEAD AES256-OCB AES128-OCB,
 *               hashes SHA512 SHA3-512 SHA256 SHA3-256, compression none,
 *               features 09 (SEIPD v1 and v2)
 *     0x13      the same, plus primary user ID
 *     subkey    X25519 (25), or RSA; [E]
 *     0x18      key flags 0C (critical), key expiration
 *
 * The key expiration goes on every self-signature of the primary key so
 * that whichever one a reader takes as the binding says the same.
 */
#include <stdio.h>

#include "secret.h"
#include "../util/mem.h"

static const uint8_t v4_prefs[] = {
	/* the subpackets after key flags and expiration, encoded */
	4, WEFT_SUB_PREF_SYMMETRIC, 9, 8, 7,
	5, WEFT_SUB_PREF_HASH, 10, 9, 8, 11,
	4, WEFT_SUB_PREF_COMPRESSION, 2, 3, 1,
	2, WEFT_SUB_FEATURES, 0x01,
	2, WEFT_SUB_KEYSERVER_PREFS, 0x80,
};

static const uint8_t v6_prefs[] = {
	3, WEFT_SUB_PREF_SYMMETRIC, 9, 7,
	5, WEFT_SUB_PREF_AEAD, 9, 2, 7, 2,
	5, WEFT_SUB_PREF_HASH, 10, 14, 8, 12,
	2, WEFT_SUB_PREF_COMPRESSION, 0,
	2, WEFT_SUB_FEATURES, 0x09,
};

typedef struct newkey {
	weft_buf body;           /* the clear secret key packet body */
	weft_pkt_key key;        /* parsed from BODY (tag 5 or 7) */
	weft_pkt_key pub;        /* the public part as a public key packet */
	uint8_t fpr[WEFT_FPR_MAX];
	size_t fpr_len;
} newkey;

/* Generate one key and parse it as a clear secret key packet. */
static gpg_error_t
make_key(newkey *nk, uint8_t tag, uint8_t version, uint8_t algo,
	 unsigned bits, uint32_t created)
{
	weft_buf sec;
	gpg_error_t err;

	weft_buf_init_secure(&nk->body);
	weft_buf_init_secure(&sec);
	if ((err = weft_keygen(version, algo, bits, created, &nk->body, &sec)))
		goto leave;
	weft_buf_put_u8(&nk->body, WEFT_S2K_USAGE_CLEAR);
	weft_buf_put(&nk->body, sec.data, sec.len);
	if (version == 4)
		weft_buf_put_u16(&nk->body, weft_secret_checksum(sec.data,
								 sec.len));
	if ((err = weft_buf_error(&nk->body)))
		goto leave;
	if ((err = weft_pkt_key_parse(&nk->key, tag, nk->body.data,
				      nk->body.len, NULL)))
		goto leave;
	if ((err = weft_pkt_key_parse(&nk->pub,
				      tag == WEFT_PKT_SECRET_KEY
					      ? WEFT_PKT_PUBLIC_KEY
					      : WEFT_PKT_PUBLIC_SUBKEY,
				      nk->key.pub, nk->key.pub_len, NULL)))
		goto leave;
	err = weft_key_fingerprint(&nk->pub, nk->fpr, &nk->fpr_len);
leave:
	weft_buf_free(&sec);
	return err;
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The subpackets of a primary key self-signature after the issuer and
 * the creation time. */
static void
primary_subpackets(weft_buf *b, uint8_t version, uint32_t key_exp,
		   bool primary_uid)
{
	uint8_t flags = WEFT_KF_CERTIFY | WEFT_KF_SIGN, one = 1, e[4];

	if (primary_uid)
		weft_secret__subpacket(b, WEFT_SUB_PRIMARY_UID, false, &one, 1);
	weft_secret__subpacket(b, WEFT_SUB_KEY_FLAGS, version == 6, &flags, 1);
	if (key_exp) {
		put_u32(e, key_exp);
		weft_secret__subpacket(b, WEFT_SUB_KEY_EXPIRATION, false, e, 4);
	}
	if (version == 6)
		weft_buf_put(b, v6_prefs, sizeof v6_prefs);
	else
		weft_buf_put(b, v4_prefs, sizeof v4_prefs);
}

/* 1. Check the parameters; ask for the passphrase first, so that a
 *    missing terminal fails before any work.
 * 2. Generate the primary key and the subkey.
 * 3. Self-sign: (v6: a direct-key signature,) the user ID, the subkey.
 * 4. Build the certificate from these packets and check it as import
 *    checks what it reads.
 * 5. Protect the secret keys (unless told not to).
 * 6. Store the certificate and the secrets in one transaction. */
gpg_error_t
weft_generate(weft_ctx *ctx, const weft_generate_params *p, char fpr_out[65])
{
	newkey prim, sub;
	weft_seckey *sk = NULL;
	weft_buf extra, sigs[3], certbytes, secrets, prot;
	weft_field f[WEFT_MAX_FIELDS];
	weft_sig_target tg;
	weft_cert_builder b;
	weft_cert *c = NULL;
	weft_reader r;
	weft_packet pkt;
	weft_txn *t = NULL;
	weft_diag note = { { 0 } };
	const uint8_t *v;
	uint8_t palgo, salgo, kflags = WEFT_KF_ENCRYPT_COMMS |
				       WEFT_KF_ENCRYPT_STORAGE, e[4];
	uint8_t version = p->v6 ? 6 : 4;
	unsigned bits = 0, nf, i;
	uint32_t created = weft_ctx__now(ctx), key_exp = 0;
	char *pass = NULL, desc[600];
	size_t passlen = 0, uidlen, vlen;
	bool started = false;
	gpg_error_t err;

	fpr_out[0] = 0;
	ctx->error[0] = 0;
	memset(&prim, 0, sizeof prim);
	memset(&sub, 0, sizeof sub);
	memset(&b, 0, sizeof b);
	weft_buf_init(&extra);
	weft_buf_init(&certbytes);
	weft_buf_init_secure(&secrets);
	weft_buf_init_secure(&prot);
	for (i = 0; i < 3; i++)
		weft_buf_init(&sigs[i]);
	weft_buf_init_secure(&prim.body);
	weft_buf_init_secure(&sub.body);

	/* 1 */
	uidlen = p->uid ? strlen(p->uid) : 0;
	if (!uidlen || uidlen > 2048)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_USER_ID),
			"the user ID must be 1 to 2048 octets (\"Name <email>\")");
	switch (p->algo) {
	case WEFT_KEYGEN_ED25519:
		palgo = p->v6 ? WEFT_PK_ED25519 : WEFT_PK_EDDSA_LEGACY;
		salgo = p->v6 ? WEFT_PK_X25519 : WEFT_PK_ECDH;
		break;
	case WEFT_KEYGEN_RSA3072:
	case WEFT_KEYGEN_RSA4096:
		palgo = salgo = WEFT_PK_RSA;
		bits = p->algo == WEFT_KEYGEN_RSA3072 ? 3072 : 4096;
		break;
	default:
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
				       "unknown key algorithm");
	}
	if (p->expires) {
		if (p->expires <= (int64_t)created ||
		    p->expires - (int64_t)created > UINT32_MAX)
			return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
				"the expiry must be after the creation time and "
				"within 136 years of it");
		key_exp = (uint32_t)(p->expires - created);
	} else {
		key_exp = p->expires_in;
	}
	if ((err = weft_ctx__txn(ctx, true, &t)))
		goto leave;
	if (!p->no_passphrase) {
		if (!(pass = weft_secure_alloc(WEFT_PASSPHRASE_MAX))) {
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			goto leave;
		}
		snprintf(desc, sizeof desc, "the new key of %s", p->uid);
		if ((err = weft_secret__new_passphrase(ctx, desc, pass,
						       &passlen)))
			goto leave;
	}

	/* 2 */
	if ((err = make_key(&prim, WEFT_PKT_SECRET_KEY, version, palgo, bits,
			    created)) ||
	    (err = make_key(&sub, WEFT_PKT_SECRET_SUBKEY, version, salgo, bits,
			    created))) {
		weft_ctx__error(ctx, err, "key generation failed: %s",
				gpg_strerror(err));
		goto leave;
	}
	{
		weft_pkt_secret s;

		if ((err = weft_pkt_secret_parse(&s, &prim.key, NULL)) ||
		    (err = weft_secret_fields_parse(&prim.key, s.data,
						    s.data_len, f, &nf)) ||
		    (err = weft_seckey_new(&sk, &prim.key, f, nf)))
			goto leave;
	}

	/* 3 */
	memset(&tg, 0, sizeof tg);
	tg.primary = &prim.pub;
	if (version == 6) {
		primary_subpackets(&extra, version, key_exp, false);
		if ((err = weft_buf_error(&extra)) ||
		    (err = weft_secret__sign_with(&prim.pub, prim.fpr,
						  prim.fpr_len, sk,
						  WEFT_SIG_DIRECT_KEY, created,
						  &extra, &tg, &sigs[0])))
			goto leave;
		weft_buf_reset(&extra);
	}
	tg.uid = (const uint8_t *)p->uid;
	tg.uid_len = uidlen;
	tg.uid_tag = WEFT_PKT_USER_ID;
	primary_subpackets(&extra, version, key_exp, version == 6);
	if ((err = weft_buf_error(&extra)) ||
	    (err = weft_secret__sign_with(&prim.pub, prim.fpr, prim.fpr_len,
					  sk, WEFT_SIG_POSITIVE_CERT, created,
					  &extra, &tg, &sigs[1])))
		goto leave;
	weft_buf_reset(&extra);
	memset(&tg, 0, sizeof tg);
	tg.primary = &prim.pub;
	tg.subkey = &sub.pub;
	weft_secret__subpacket(&extra, WEFT_SUB_KEY_FLAGS, version == 6,
			       &kflags, 1);
	if (key_exp) {
		put_u32(e, key_exp);
		weft_secret__subpacket(&extra, WEFT_SUB_KEY_EXPIRATION, false,
				       e, 4);
	}
	if ((err = weft_buf_error(&extra)) ||
	    (err = weft_secret__sign_with(&prim.pub, prim.fpr, prim.fpr_len,
					  sk, WEFT_SIG_SUBKEY_BINDING, created,
					  &extra, &tg, &sigs[2])))
		goto leave;

	/* 4 */
	weft_packet_write(&certbytes, WEFT_PKT_PUBLIC_KEY, prim.key.pub,
			  prim.key.pub_len);
	if (sigs[0].len)
		weft_packet_write(&certbytes, WEFT_PKT_SIGNATURE, sigs[0].data,
				  sigs[0].len);
	weft_packet_write(&certbytes, WEFT_PKT_USER_ID, p->uid, uidlen);
	weft_packet_write(&certbytes, WEFT_PKT_SIGNATURE, sigs[1].data,
			  sigs[1].len);
	weft_packet_write(&certbytes, WEFT_PKT_PUBLIC_SUBKEY, sub.key.pub,
			  sub.key.pub_len);
	weft_packet_write(&certbytes, WEFT_PKT_SIGNATURE, sigs[2].data,
			  sigs[2].len);
	if ((err = weft_buf_error(&certbytes)))
		goto leave;
	weft_reader_init(&r, certbytes.data, certbytes.len);
	while (!(err = weft_packet_next(&r, &pkt, NULL))) {
		err = started ? weft_cert_builder_add(&b, &pkt)
			      : weft_cert_builder_start(&b, &pkt, NULL);
		started = true;
		weft_packet_release(&pkt);
		if (err)
			goto leave;
	}
	if (gpg_err_code(err) != GPG_ERR_EOF)
		goto leave;
	c = weft_cert_builder_finish(&b);
	if (!c || (err = weft_cert_check_self(c, false))) {
		err = err ? err : WEFT_ERR(GPG_ERR_INTERNAL);
		goto leave;
	}
	weft_cert_prune(c, &note);
	if (!weft_cert_is_usable(c) || c->nsubkeys != 1 || note.msg[0]) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INTERNAL),
			"the new key does not check out: %s",
			note.msg[0] ? note.msg : "unusable");
		goto leave;
	}

	/* 5 */
	if (p->no_passphrase) {
		weft_packet_write(&secrets, WEFT_PKT_SECRET_KEY, prim.body.data,
				  prim.body.len);
		weft_packet_write(&secrets, WEFT_PKT_SECRET_SUBKEY,
				  sub.body.data, sub.body.len);
	} else {
		if ((err = weft_secret__protect(&prim.key, pass, passlen,
						&prot)))
			goto leave;
		weft_packet_write(&secrets, WEFT_PKT_SECRET_KEY, prot.data,
				  prot.len);
		weft_buf_reset(&prot);
		if ((err = weft_secret__protect(&sub.key, pass, passlen,
						&prot)))
			goto leave;
		weft_packet_write(&secrets, WEFT_PKT_SECRET_SUBKEY, prot.data,
				  prot.len);
	}
	if ((err = weft_buf_error(&secrets)))
		goto leave;

	/* 6 */
	if (!weft_store_get(t, WEFT_DB_CERTS, c->primary.fpr,
			    c->primary.fpr_len, &v, &vlen)) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_CONFLICT),
			"a key with the new key's fingerprint is already in "
			"the keyring");
		goto leave;
	}
	if ((err = weft_store_cert_put(t, c, NULL)) ||
	    (err = weft_secret__record_put(t, c->primary.fpr,
					   c->primary.fpr_len, secrets.data,
					   secrets.len)))
		goto leave;
	err = weft_txn_commit(t);
	t = NULL;
	if (err)
		goto leave;
	weft_hex(c->primary.fpr, c->primary.fpr_len, fpr_out);
leave:
	if (err && !ctx->error[0])
		weft_ctx__error(ctx, err, "generate failed: %s",
				gpg_strerror(err));
	weft_txn_abort(t);
	weft_seckey_free(sk);
	weft_secure_free(pass, WEFT_PASSPHRASE_MAX);
	weft_cert_builder_free(&b);
	weft_cert_free(c);
	weft_buf_free(&prim.body);
	weft_buf_free(&sub.body);
	weft_buf_free(&extra);
	weft_buf_free(&certbytes);
	weft_buf_free(&secrets);
	weft_buf_free(&prot);
	for (i = 0; i < 3; i++)
		weft_buf_free(&sigs[i]);
	return err;
}
