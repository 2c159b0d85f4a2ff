/* protect.c - protecting secret keys with a passphrase and unlocking them
 * (RFC 9580 5.5.3; what weft writes is described in secret.h).
 *
 * Every buffer that holds a passphrase, a derived key or clear secret
 * fields is in secure memory and wiped when freed. */
#include <stdio.h>

#include "secret.h"
#include "../util/mem.h"

/* Parameters of what we write. */
#define V4_S2K_COUNT 0xff          /* 65011712 octets */
#define V6_ARGON2_T 3
#define V6_ARGON2_P 4
#define V6_ARGON2_M 16             /* 2^16 KiB = 64 MiB */

static uint8_t
packet_tag_octet(const weft_pkt_key *key)
{
	/* "the Packet Tag in OpenPGP format encoding (bits 7 and 6 set,
	 * bits 5-0 carry the packet tag)" */
	return (uint8_t)(0xc0 | key->tag);
}

/* The KEK of usage 253: HKDF-SHA256 over the S2K output with info =
 * tag octet, version, cipher, AEAD mode (RFC 9580 5.5.3). */
static gpg_error_t
aead_kek(const weft_pkt_key *key, const weft_pkt_secret *s, const uint8_t *ikm,
	 size_t keylen, uint8_t *kek)
{
	uint8_t info[4];

	info[0] = packet_tag_octet(key);
	info[1] = key->version;
	info[2] = s->cipher_algo;
	info[3] = s->aead_algo;
	return weft_hkdf_sha256(ikm, keylen, NULL, 0, info, sizeof info, kek,
				keylen);
}

/* The associated data of usage 253: tag octet, then the public part. */
static gpg_error_t
aead_ad(const weft_pkt_key *key, weft_buf *ad)
{
	weft_buf_put_u8(ad, packet_tag_octet(key));
	return weft_buf_put(ad, key->pub, key->pub_len);
}

bool
weft_secret__is_protected(const weft_pkt_key *key)
{
	weft_pkt_secret s;

	if (weft_pkt_secret_parse(&s, key, NULL))
		return true;  /* unreadable: certainly not usable in clear */
	return s.usage != WEFT_S2K_USAGE_CLEAR;
}

/* 1. The key must be in clear; its fields are what we encrypt.
 * 2. v4: iterated+salted SHA-256 S2K gives an AES-256 key; the fields and
 *    their SHA-1 are encrypted in CFB mode under a random IV (usage 254).
 * 3. v6: Argon2id gives the input of HKDF, whose output is the AES-256
 *    key; OCB under a random nonce, with the tag octet and the public
 *    part as associated data (usage 253).
 * 4. Write the public part, then the new secret part. */
gpg_error_t
weft_secret__protect(const weft_pkt_key *key, const char *pass, size_t passlen,
		     weft_buf *out)
{
	weft_pkt_secret s, ps;
	weft_buf data, ad;
	uint8_t *kd = NULL, *kek = NULL, iv[16], sha1[20];
	size_t dlen = 0;
	gpg_error_t err;

	weft_buf_init_secure(&data);
	weft_buf_init(&ad);
	/* 1 */
	if ((err = weft_pkt_secret_parse(&s, key, NULL)))
		return err;
	if (s.usage != WEFT_S2K_USAGE_CLEAR)
		return WEFT_ERR(GPG_ERR_INV_VALUE);
	if (!(kd = weft_secure_alloc(32)) || !(kek = weft_secure_alloc(32))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	memset(&ps, 0, sizeof ps);
	ps.version = key->version;
	ps.cipher_algo = WEFT_CIPHER_AES256;
	if (key->version == 4) {
		/* 2 */
		ps.usage = WEFT_S2K_USAGE_SHA1;
		ps.s2k.type = WEFT_S2K_ITERATED;
		ps.s2k.hash_algo = WEFT_HASH_SHA256;
		ps.s2k.salt_len = 8;
		weft_random(ps.s2k.salt, 8, false);
		ps.s2k.count = V4_S2K_COUNT;
		weft_random(iv, 16, false);
		if ((err = weft_s2k_derive(&ps.s2k, pass, passlen, kd, 32)))
			goto leave;
		if ((err = weft_hash_buffer(WEFT_HASH_SHA1, s.data, s.data_len,
					    sha1, &dlen)))
			goto leave;
		weft_buf_put(&data, s.data, s.data_len);
		weft_buf_put(&data, sha1, 20);
		if ((err = weft_buf_error(&data)))
			goto leave;
		if ((err = weft_cfb_crypt(ps.cipher_algo, kd, iv, true,
					  data.data, data.len)))
			goto leave;
		ps.iv = iv;
		ps.iv_len = 16;
	} else {
		/* 3 */
		ps.usage = WEFT_S2K_USAGE_AEAD;
		ps.aead_algo = WEFT_AEAD_OCB;
		ps.s2k.type = WEFT_S2K_ARGON2;
		ps.s2k.salt_len = 16;
		weft_random(ps.s2k.salt, 16, false);
		ps.s2k.passes = V6_ARGON2_T;
		ps.s2k.parallelism = V6_ARGON2_P;
		ps.s2k.mem_exp = V6_ARGON2_M;
		weft_random(iv, 15, false);
		if ((err = weft_s2k_derive(&ps.s2k, pass, passlen, kd, 32)) ||
		    (err = aead_kek(key, &ps, kd, 32, kek)) ||
		    (err = aead_ad(key, &ad)) ||
		    (err = weft_buf_reserve(&data, s.data_len + 16)))
			goto leave;
		if ((err = weft_aead_crypt(ps.cipher_algo, ps.aead_algo, kek,
					   iv, 15, ad.data, ad.len, true, s.data,
					   s.data_len, data.data)))
			goto leave;
		data.len = s.data_len + 16;
		ps.iv = iv;
		ps.iv_len = 15;
	}
	ps.data = data.data;
	ps.data_len = data.len;
	/* 4 */
	weft_buf_put(out, key->pub, key->pub_len);
	err = weft_pkt_secret_write(out, &ps);
leave:
	weft_secure_free(kd, 32);
	weft_secure_free(kek, 32);
	weft_buf_free(&data);
	weft_buf_free(&ad);
	return err;
}

/* 1. Parse the secret part; a stub has nothing to decrypt.
 * 2. Clear keys: the fields as they are.
 * 3. CFB (254, 255): derive the key with the S2K, decrypt, then check
 *    the SHA-1 (254) or the checksum (255) of the fields.
 * 4. AEAD (253): S2K, then HKDF for the KEK, then decrypt and check the
 *    tag over the fields and the associated data.
 * 5. The fields must parse as the algorithm's secret fields. */
gpg_error_t
weft_secret__decrypt(const weft_pkt_key *key, const char *pass, size_t passlen,
		     weft_buf *fields)
{
	weft_pkt_secret s;
	weft_buf plain, ad;
	weft_field f[WEFT_MAX_FIELDS];
	uint8_t *kd = NULL, *kek = NULL, sha1[20];
	size_t keylen = 0, flen = 0, dlen;
	unsigned nf;
	gpg_error_t err;

	weft_buf_init_secure(&plain);
	weft_buf_init(&ad);
	/* 1 */
	if ((err = weft_pkt_secret_parse(&s, key, NULL)))
		return err;
	if (s.stub)
		return WEFT_ERR(GPG_ERR_NO_SECKEY);
	/* 2 */
	if (s.usage == WEFT_S2K_USAGE_CLEAR) {
		if ((err = weft_buf_put(&plain, s.data, s.data_len)))
			goto leave;
		flen = plain.len;
		goto fields;
	}
	keylen = weft_cipher_key_len(s.cipher_algo);
	if (!(kd = weft_secure_alloc(keylen)) ||
	    !(kek = weft_secure_alloc(keylen))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	/* An empty passphrase never protects a key (libgcrypt's KDFs
	 * refuse it): it is a wrong one. */
	if (!passlen) {
		err = WEFT_ERR(GPG_ERR_BAD_PASSPHRASE);
		goto leave;
	}
	if ((err = weft_s2k_derive(&s.s2k, pass, passlen, kd, keylen)))
		goto leave;
	if (s.usage != WEFT_S2K_USAGE_AEAD) {
		/* 3 */
		if ((err = weft_buf_put(&plain, s.data, s.data_len)))
			goto leave;
		if ((err = weft_cfb_crypt(s.cipher_algo, kd, s.iv, false,
					  plain.data, plain.len)))
			goto leave;
		if (s.usage == WEFT_S2K_USAGE_SHA1) {
			if (plain.len < 20) {
				err = WEFT_ERR(GPG_ERR_BAD_PASSPHRASE);
				goto leave;
			}
			flen = plain.len - 20;
			if ((err = weft_hash_buffer(WEFT_HASH_SHA1, plain.data,
						    flen, sha1, &dlen)))
				goto leave;
			if (memcmp(sha1, plain.data + flen, 20)) {
				err = WEFT_ERR(GPG_ERR_BAD_PASSPHRASE);
				goto leave;
			}
		} else {
			if (plain.len < 2) {
				err = WEFT_ERR(GPG_ERR_BAD_PASSPHRASE);
				goto leave;
			}
			flen = plain.len - 2;
			if (weft_secret_checksum(plain.data, flen) !=
			    (uint16_t)(plain.data[flen] << 8 |
				       plain.data[flen + 1])) {
				err = WEFT_ERR(GPG_ERR_BAD_PASSPHRASE);
				goto leave;
			}
		}
	} else {
		/* 4 */
		if (s.data_len < 16) {
			err = WEFT_ERR(GPG_ERR_INV_PACKET);
			goto leave;
		}
		if ((err = aead_kek(key, &s, kd, keylen, kek)) ||
		    (err = aead_ad(key, &ad)) ||
		    (err = weft_buf_reserve(&plain, s.data_len)))
			goto leave;
		err = weft_aead_crypt(s.cipher_algo, s.aead_algo, kek, s.iv,
				      s.iv_len, ad.data, ad.len, false, s.data,
				      s.data_len, plain.data);
		if (gpg_err_code(err) == GPG_ERR_CHECKSUM)
			err = WEFT_ERR(GPG_ERR_BAD_PASSPHRASE);
		if (err)
			goto leave;
		plain.len = flen = s.data_len - 16;
	}
fields:
	/* 5 */
	if (weft_secret_fields_parse(key, plain.data, flen, f, &nf)) {
		err = WEFT_ERR(s.usage == WEFT_S2K_USAGE_CLEAR ?
			       GPG_ERR_INV_PACKET : GPG_ERR_BAD_PASSPHRASE);
		goto leave;
	}
	err = weft_buf_put(fields, plain.data, flen);
leave:
	if (kd)
		weft_secure_free(kd, keylen);
	if (kek)
		weft_secure_free(kek, keylen);
	weft_buf_free(&plain);
	weft_buf_free(&ad);
	return err;
}

/* ---- asking for passphrases ----------------------------------------------- */

static void
algo_label(const weft_pkt_key *k, char *out, size_t n)
{
	if (k->curve)
		snprintf(out, n, "%s", k->curve->display);
	else if (k->algo == WEFT_PK_RSA || k->algo == WEFT_PK_RSA_E ||
		 k->algo == WEFT_PK_RSA_S || k->algo == WEFT_PK_DSA ||
		 k->algo == WEFT_PK_ELGAMAL_E)
		snprintf(out, n, "%s%u", weft_pk_algo_name(k->algo), k->bits);
	else
		snprintf(out, n, "%s", weft_pk_algo_name(k->algo));
}

void
weft_secret__label(const uint8_t *uid, size_t len, char *out, size_t outlen)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < outlen; i++)
		out[n++] = (uid[i] < 0x20 || uid[i] == 0x7f) ? '?'
							     : (char)uid[i];
	if (outlen)
		out[n] = 0;
}

void
weft_secret__describe(const weft_cert *c, const weft_pkt_key *key,
		      uint32_t now, char *out, size_t outlen)
{
	const weft_uidrec *u = c ? weft_cert_primary_uid(c, now) : NULL;
	uint8_t fpr[WEFT_FPR_MAX];
	char hex[2 * WEFT_FPR_MAX + 1] = "", algo[32], uid[160] = "";
	size_t flen = 0;

	if (!weft_key_fingerprint(key, fpr, &flen))
		weft_hex(fpr, flen, hex);
	algo_label(key, algo, sizeof algo);
	/* The user ID comes from the keyring: it is only a label. */
	if (u)
		weft_secret__label(u->data, u->len, uid, sizeof uid);
	if (uid[0])
		snprintf(out, outlen, "%s, %s key %s", uid, algo, hex);
	else
		snprintf(out, outlen, "%s key %s", algo, hex);
}

static gpg_error_t
ask(weft_ctx *ctx, const char *desc, bool new_, unsigned attempt, char *buf)
{
	gpg_error_t err;

	memset(buf, 0, WEFT_PASSPHRASE_MAX);
	if (!ctx->passphrase)
		return WEFT_ERR(GPG_ERR_NO_PASSPHRASE);
	err = ctx->passphrase(ctx->passphrase_opaque, desc, new_, attempt,
			      buf, WEFT_PASSPHRASE_MAX);
	buf[WEFT_PASSPHRASE_MAX - 1] = 0;
	return err;
}

gpg_error_t
weft_secret__new_passphrase(weft_ctx *ctx, const char *desc, char *pass,
			    size_t *len)
{
	gpg_error_t err;

	*len = 0;
	if ((err = ask(ctx, desc, true, 1, pass))) {
		if (gpg_err_code(err) == GPG_ERR_NO_PASSPHRASE)
			return weft_ctx__error(ctx, err,
				"no passphrase available to protect %s", desc);
		if (gpg_err_code(err) == GPG_ERR_CANCELED)
			return weft_ctx__error(ctx, err,
				"no passphrase given for %s", desc);
		return weft_ctx__error(ctx, err, "passphrase for %s: %s", desc,
				       gpg_strerror(err));
	}
	*len = strlen(pass);
	if (!*len)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_PASSPHRASE),
			"empty passphrase for %s: secret keys are only stored "
			"unprotected when asked to (--no-passphrase)", desc);
	return 0;
}

/* 1. Only keys that can sign, and not stubs.
 * 2. A clear key needs no passphrase.
 * 3. Otherwise ask, try, and ask again after a wrong one, three times at
 *    most.  A callback that gives up after a wrong passphrase (no more
 *    lines on a passphrase file) ends with "wrong passphrase" too.
 * 4. The signing key checks the secret against the public key; a 16-bit
 *    checksum (usage 255) may pass a wrong passphrase, this does not. */
gpg_error_t
weft_secret__unlock(weft_ctx *ctx, const weft_pkt_key *key, const char *desc,
		    weft_seckey **out)
{
	weft_pkt_secret s;
	weft_buf fields;
	weft_field f[WEFT_MAX_FIELDS];
	unsigned nf, attempt;
	char *pass = NULL;
	uint8_t fpr[WEFT_FPR_MAX];
	char hex[2 * WEFT_FPR_MAX + 1] = "";
	size_t flen = 0;
	gpg_error_t err;

	*out = NULL;
	weft_buf_init_secure(&fields);
	if (!weft_key_fingerprint(key, fpr, &flen))
		weft_hex(fpr, flen, hex);
	/* 1 */
	if (!weft_seckey_algo_ok(key))
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_PUBKEY_ALGO),
			"key %s (%s) cannot make signatures here", hex,
			weft_pk_algo_name(key->algo));
	if ((err = weft_pkt_secret_parse(&s, key, NULL)))
		return weft_ctx__error(ctx, err,
			"the secret key %s cannot be read: %s", hex,
			gpg_strerror(err));
	if (s.stub)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_SECKEY),
			"the secret key %s is not in the keyring (only a stub)",
			hex);
	/* 2 */
	if (s.usage == WEFT_S2K_USAGE_CLEAR) {
		if ((err = weft_secret__decrypt(key, NULL, 0, &fields)))
			goto fail;
		goto build;
	}
	/* 3 */
	if (!(pass = weft_secure_alloc(WEFT_PASSPHRASE_MAX))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	for (attempt = 1;; attempt++) {
		if ((err = ask(ctx, desc, false, attempt, pass))) {
			if (attempt > 1)
				goto wrong;
			if (gpg_err_code(err) == GPG_ERR_NO_PASSPHRASE) {
				weft_ctx__error(ctx, err,
					"a passphrase is needed to unlock %s and none was given",
					desc);
				goto leave;
			}
			weft_ctx__error(ctx, err, "unlocking %s: %s", desc,
					gpg_strerror(err));
			goto leave;
		}
		weft_buf_reset(&fields);
		err = weft_secret__decrypt(key, pass, strlen(pass), &fields);
		if (!err) {
			/* 4 */
			if (weft_secret_fields_parse(key, fields.data,
						     fields.len, f, &nf)) {
				err = WEFT_ERR(GPG_ERR_BAD_PASSPHRASE);
			} else {
				err = weft_seckey_new(out, key, f, nf);
				if (gpg_err_code(err) == GPG_ERR_BAD_SECKEY &&
				    s.usage == WEFT_S2K_USAGE_CHECKSUM)
					err = WEFT_ERR(GPG_ERR_BAD_PASSPHRASE);
			}
			if (!err)
				goto leave;
		}
		if (gpg_err_code(err) != GPG_ERR_BAD_PASSPHRASE)
			goto fail;
		if (attempt >= 3)
			goto wrong;
	}
build:
	/* 4 */
	if ((err = weft_secret_fields_parse(key, fields.data, fields.len, f,
					    &nf)) ||
	    (err = weft_seckey_new(out, key, f, nf)))
		goto fail;
	goto leave;
wrong:
	err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_BAD_PASSPHRASE),
			      "wrong passphrase for key %s", hex);
	goto leave;
fail:
	weft_ctx__error(ctx, err, "cannot unlock the secret key %s: %s", hex,
			gpg_strerror(err));
leave:
	weft_secure_free(pass, WEFT_PASSPHRASE_MAX);
	weft_buf_free(&fields);
	return err;
}
