/* unlock.c - opening protected secret keys and protecting clear ones.
 *
 * 1. RFC 9580 A.5: the locked v6 key (usage 253, AES-256, OCB, Argon2id)
 *    opens with "correct horse battery staple" to exactly the clear
 *    fields of A.4, primary and subkey; a wrong passphrase is
 *    (its Argon2 takes 2 GiB: opened once per key).
 * 2. Keys exported by gpg 2.2 (usage 254, AES-128, iterated SHA-1) and
 *    sq 0.27 (AES-256, iterated SHA-256) open with their passphrase into
 *    keys that pass libgcrypt's consistency check; clear ones need none;
 *    gpg's stub has nothing to open (GPG_ERR_NO_SECKEY).
 * 3. weft's own protection, v4 (254, AES-256, S2K 3 SHA-256 count 0xff)
 *    and v6 (253, OCB, Argon2id t=3 p=4 m=2^16), round-trips for every
 *    algorithm weft generates, and refuses a wrong passphrase, a changed
 *    public part or packet tag (v6: the associated data); a key already
 *    protected is not protected again.
 * 4. Usage 255 (CFB with a 16-bit checksum), built by hand, opens; its
 *    wrong passphrase is refused.
 * 5. Every bit flip of a protected key's secret part fails to open (or
 *    opens to something else that libgcrypt then rejects): never the
 *    original fields, never a crash.
 * Fixtures: tests/data/secret/README, tests/data/rfc9580/README. */
#include "sectest.h"
#include "secret/secret.h"

#define SEC "tests/data/secret/"
#define RFC "tests/data/rfc9580/"

static void
rfc9580_a5(void)
{
	st_file locked, clear;
	weft_pkt_key lk, ck;
	weft_pkt_secret ls, cs;
	weft_buf fields;
	uint8_t tags[2] = { WEFT_PKT_SECRET_KEY, WEFT_PKT_SECRET_SUBKEY };
	static const char pw[] = "correct horse battery staple";
	weft_field f[WEFT_MAX_FIELDS];
	weft_seckey *sk = NULL;
	unsigned nf;
	size_t i;

	/* Its Argon2 parameters are RFC 9580's first recommendation: t=1,
	 * p=4, 2 GiB.  Each opening takes seconds, so each key is opened
	 * once; wrong passphrases and changed associated data are tried on
	 * weft's own v6 keys (own_protection). */
	st_load(&locked, RFC "v6-secret-locked.asc");
	st_load(&clear, RFC "v6-secret.asc");
	weft_buf_init_secure(&fields);
	for (i = 0; i < 2; i++) {
		T_CHECK(st_key(&locked, tags[i], 0, &lk), "A.5 key %zu", i);
		T_CHECK(st_key(&clear, tags[i], 0, &ck), "A.4 key %zu", i);
		T_OK(weft_pkt_secret_parse(&ls, &lk, NULL));
		T_OK(weft_pkt_secret_parse(&cs, &ck, NULL));
		T_EQ_INT(ls.usage, 253);
		T_EQ_INT(ls.cipher_algo, WEFT_CIPHER_AES256);
		T_EQ_INT(ls.aead_algo, WEFT_AEAD_OCB);
		T_EQ_INT(ls.s2k.type, WEFT_S2K_ARGON2);
		T_EQ_INT(ls.s2k.passes, 1);
		T_EQ_INT(ls.s2k.parallelism, 4);
		T_EQ_INT(ls.s2k.mem_exp, 21);
		T_EQ_INT(ls.iv_len, 15);
		T_EQ_INT(cs.usage, 0);
		T_CHECK(weft_secret__is_protected(&lk), "A.5 is protected");
		T_CHECK(!weft_secret__is_protected(&ck), "A.4 is clear");
		weft_buf_reset(&fields);
		T_OK(weft_secret__decrypt(&lk, pw, strlen(pw), &fields));
		T_EQ_INT(fields.len, cs.data_len);
		T_CHECK(fields.len == cs.data_len &&
			!memcmp(fields.data, cs.data, cs.data_len),
			"A.5 opens to the A.4 secret of key %zu", i);
		if (i == 0) {
			/* The primary opens to a key that signs. */
			T_OK(weft_secret_fields_parse(&lk, fields.data,
						      fields.len, f, &nf));
			T_OK(weft_seckey_new(&sk, &lk, f, nf));
			T_EQ_INT(weft_seckey_algo(sk), WEFT_PK_ED25519);
			weft_seckey_free(sk);
		}
	}
	weft_buf_free(&fields);
	st_free(&locked);
	st_free(&clear);
}

/* Open KEY with PW and check that it signs (for signing algorithms);
 * with WRONG, also that a wrong passphrase is refused. */
static void
opens(const weft_pkt_key *k, const char *pw, bool wrong, const char *what)
{
	weft_buf fields;
	weft_field f[WEFT_MAX_FIELDS];
	weft_seckey *sk = NULL;
	unsigned nf = 0;

	weft_buf_init_secure(&fields);
	T_CHECK(!weft_secret__decrypt(k, pw, pw ? strlen(pw) : 0, &fields),
		"%s opens", what);
	T_CHECK(!weft_secret_fields_parse(k, fields.data, fields.len, f, &nf),
		"%s: fields parse", what);
	if (weft_seckey_algo_ok(k)) {
		T_CHECK(!weft_seckey_new(&sk, k, f, nf),
			"%s: the secret matches the public key", what);
		weft_seckey_free(sk);
	}
	if (pw && wrong) {
		weft_buf_reset(&fields);
		T_CHECK(gpg_err_code(weft_secret__decrypt(k, "abd", 3, &fields)) ==
				GPG_ERR_BAD_PASSPHRASE,
			"%s: wrong passphrase refused", what);
	}
	weft_buf_free(&fields);
}

static void
tool_keys(void)
{
	static const struct {
		const char *file;
		const char *pw;
		unsigned nkeys;
		uint8_t usage;
	} v[] = {
		{ "gpg-ed25519-pw.pgp", "abc", 2, 254 },
		{ "gpg-rsa2048-pw.pgp", "abc", 1, 254 },
		{ "gpg-nistp256-pw.pgp", "abc", 1, 254 },
		{ "gpg-dsa2048-pw.pgp", "abc", 1, 254 },
		{ "gpg-ed25519-clear.pgp", NULL, 1, 0 },
		{ "sq-ed25519-clear.pgp", NULL, 4, 0 },
		{ "sq-ed25519-pw.pgp", "abc", 4, 254 },
	};
	st_file f;
	weft_pkt_key k;
	weft_pkt_secret s;
	weft_buf fields;
	char what[128];
	size_t i, j;

	weft_buf_init_secure(&fields);
	for (i = 0; i < WEFT_ARRAY_SIZE(v); i++) {
		snprintf(what, sizeof what, SEC "%s", v[i].file);
		st_load(&f, what);
		for (j = 0; j < v[i].nkeys; j++) {
			T_CHECK(st_key(&f, j ? WEFT_PKT_SECRET_SUBKEY
					     : WEFT_PKT_SECRET_KEY,
				       j ? j - 1 : 0, &k),
				"%s key %zu", v[i].file, j);
			T_OK(weft_pkt_secret_parse(&s, &k, NULL));
			T_EQ_INT(s.usage, v[i].usage);
			snprintf(what, sizeof what, "%s key %zu", v[i].file, j);
			opens(&k, v[i].pw, j == 0, what);
		}
		T_CHECK(!st_key(&f, WEFT_PKT_SECRET_SUBKEY, v[i].nkeys - 1, &k),
			"%s: no more keys", v[i].file);
		st_free(&f);
	}
	/* gpg --export-secret-subkeys: the primary is a stub. */
	st_load(&f, SEC "gpg-ed25519-stub.pgp");
	T_CHECK(st_key(&f, WEFT_PKT_SECRET_KEY, 0, &k), "stub primary");
	T_OK(weft_pkt_secret_parse(&s, &k, NULL));
	T_CHECK(s.stub, "gnu-dummy is a stub");
	T_EQ_INT(s.s2k.type, WEFT_S2K_GNU);
	T_EQ_INT(s.s2k.gnu_mode, WEFT_GNU_DUMMY);
	T_ERR(weft_secret__decrypt(&k, "abc", 3, &fields), GPG_ERR_NO_SECKEY);
	T_CHECK(st_key(&f, WEFT_PKT_SECRET_SUBKEY, 0, &k), "stub subkey");
	opens(&k, "abc", false, "stub file subkey");
	st_free(&f);
	weft_buf_free(&fields);
}

/* A clear secret key packet body of a new key. */
static void
new_clear(weft_buf *body, uint8_t version, uint8_t algo, unsigned bits,
	  uint8_t tag, weft_pkt_key *k)
{
	weft_buf sec;

	weft_buf_init_secure(body);
	weft_buf_init_secure(&sec);
	T_OK(weft_keygen(version, algo, bits, 1700000000, body, &sec));
	weft_buf_put_u8(body, 0);
	weft_buf_put(body, sec.data, sec.len);
	if (version == 4)
		weft_buf_put_u16(body, weft_secret_checksum(sec.data, sec.len));
	T_OK(weft_pkt_key_parse(k, tag, body->data, body->len, NULL));
	weft_buf_free(&sec);
}

static void
own_protection(void)
{
	static const struct {
		uint8_t version, algo, tag;
		unsigned bits;
	} v[] = {
		{ 4, WEFT_PK_EDDSA_LEGACY, 5, 0 },
		{ 4, WEFT_PK_ECDH, 7, 0 },
		{ 4, WEFT_PK_ED25519, 5, 0 },
		{ 4, WEFT_PK_X25519, 7, 0 },
		{ 4, WEFT_PK_RSA, 5, 2048 },
		{ 6, WEFT_PK_ED25519, 5, 0 },
		{ 6, WEFT_PK_X25519, 7, 0 },
	};
	weft_buf clear, prot, fields, again;
	weft_pkt_key ck, pk, pk2;
	weft_pkt_secret cs, ps;
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(v); i++) {
		new_clear(&clear, v[i].version, v[i].algo, v[i].bits, v[i].tag,
			  &ck);
		weft_buf_init_secure(&prot);
		weft_buf_init_secure(&fields);
		weft_buf_init_secure(&again);
		T_OK(weft_pkt_secret_parse(&cs, &ck, NULL));
		T_OK(weft_secret__protect(&ck, "pw", 2, &prot));
		T_OK(weft_pkt_key_parse(&pk, v[i].tag, prot.data, prot.len,
					NULL));
		T_CHECK(pk.pub_len == ck.pub_len &&
			!memcmp(pk.pub, ck.pub, ck.pub_len),
			"protection keeps the public part (%zu)", i);
		T_OK(weft_pkt_secret_parse(&ps, &pk, NULL));
		T_EQ_INT(ps.cipher_algo, WEFT_CIPHER_AES256);
		if (v[i].version == 4) {
			T_EQ_INT(ps.usage, 254);
			T_EQ_INT(ps.s2k.type, WEFT_S2K_ITERATED);
			T_EQ_INT(ps.s2k.hash_algo, WEFT_HASH_SHA256);
			T_EQ_INT(ps.s2k.count, 0xff);
			T_EQ_INT(ps.iv_len, 16);
		} else {
			T_EQ_INT(ps.usage, 253);
			T_EQ_INT(ps.aead_algo, WEFT_AEAD_OCB);
			T_EQ_INT(ps.s2k.type, WEFT_S2K_ARGON2);
			T_EQ_INT(ps.s2k.passes, 3);
			T_EQ_INT(ps.s2k.parallelism, 4);
			T_EQ_INT(ps.s2k.mem_exp, 16);
			T_EQ_INT(ps.iv_len, 15);
		}
		T_OK(weft_secret__decrypt(&pk, "pw", 2, &fields));
		T_CHECK(fields.len == cs.data_len &&
			!memcmp(fields.data, cs.data, cs.data_len),
			"protected key %zu opens to its clear fields", i);
		T_ERR(weft_secret__decrypt(&pk, "pW", 2, &again),
		      GPG_ERR_BAD_PASSPHRASE);
		T_ERR(weft_secret__protect(&pk, "pw", 2, &again),
		      GPG_ERR_INV_VALUE);
		if (v[i].version == 6) {
			/* The public part is associated data: another
			 * creation time, and the tag no longer matches. */
			uint8_t *copy = malloc(prot.len);
			weft_pkt_key moved;

			memcpy(copy, prot.data, prot.len);
			copy[4] ^= 1;
			T_OK(weft_pkt_key_parse(&moved, v[i].tag, copy,
						prot.len, NULL));
			weft_buf_reset(&again);
			T_ERR(weft_secret__decrypt(&moved, "pw", 2, &again),
			      GPG_ERR_BAD_PASSPHRASE);
			/* So is the packet tag (0xC5 vs 0xC7). */
			T_OK(weft_pkt_key_parse(&moved, v[i].tag == 5 ? 7 : 5,
						prot.data, prot.len, NULL));
			weft_buf_reset(&again);
			T_ERR(weft_secret__decrypt(&moved, "pw", 2, &again),
			      GPG_ERR_BAD_PASSPHRASE);
			free(copy);
		}
		/* Written back as parsed, the packet is the same. */
		weft_buf_reset(&again);
		weft_buf_put(&again, pk.pub, pk.pub_len);
		T_OK(weft_pkt_secret_write(&again, &ps));
		T_CHECK(again.len == prot.len &&
			!memcmp(again.data, prot.data, prot.len),
			"secret part %zu writes back as read", i);
		T_OK(weft_pkt_key_parse(&pk2, v[i].tag, again.data, again.len,
					NULL));
		weft_buf_free(&clear);
		weft_buf_free(&prot);
		weft_buf_free(&fields);
		weft_buf_free(&again);
	}
}

/* Usage 255, built by hand: CFB over the fields and their checksum. */
static void
usage_255(void)
{
	weft_buf clear, prot, enc, fields;
	weft_pkt_key ck, pk;
	weft_pkt_secret cs, ps;
	uint8_t key[32], iv[16];
	size_t flen;

	new_clear(&clear, 4, WEFT_PK_EDDSA_LEGACY, 0, 5, &ck);
	T_OK(weft_pkt_secret_parse(&cs, &ck, NULL));
	weft_buf_init_secure(&prot);
	weft_buf_init_secure(&enc);
	weft_buf_init_secure(&fields);
	memset(&ps, 0, sizeof ps);
	ps.version = 4;
	ps.usage = 255;
	ps.cipher_algo = WEFT_CIPHER_AES256;
	ps.s2k.type = WEFT_S2K_ITERATED;
	ps.s2k.hash_algo = WEFT_HASH_SHA256;
	memset(ps.s2k.salt, 0x5a, 8);
	ps.s2k.salt_len = 8;
	ps.s2k.count = 0x60;
	memset(iv, 0xa5, 16);
	ps.iv = iv;
	ps.iv_len = 16;
	T_OK(weft_s2k_derive(&ps.s2k, "two", 3, key, 32));
	weft_buf_put(&enc, cs.data, cs.data_len);
	weft_buf_put_u16(&enc, weft_secret_checksum(cs.data, cs.data_len));
	T_OK(weft_cfb_crypt(WEFT_CIPHER_AES256, key, iv, true, enc.data,
			    enc.len));
	ps.data = enc.data;
	ps.data_len = enc.len;
	weft_buf_put(&prot, ck.pub, ck.pub_len);
	T_OK(weft_pkt_secret_write(&prot, &ps));
	T_OK(weft_pkt_key_parse(&pk, 5, prot.data, prot.len, NULL));
	T_OK(weft_secret__decrypt(&pk, "two", 3, &fields));
	flen = fields.len;
	T_CHECK(flen == cs.data_len && !memcmp(fields.data, cs.data, flen),
		"usage 255 opens");
	weft_buf_reset(&fields);
	T_ERR(weft_secret__decrypt(&pk, "tw0", 3, &fields),
	      GPG_ERR_BAD_PASSPHRASE);
	weft_buf_free(&clear);
	weft_buf_free(&prot);
	weft_buf_free(&enc);
	weft_buf_free(&fields);
}

/* Flip every bit of the secret part of a (quickly opened) protected key:
 * it must never open to the original fields. */
static void
bit_flips(void)
{
	weft_buf clear, prot, fields;
	weft_pkt_key ck, pk;
	weft_pkt_secret cs, ps;
	uint8_t key[32], iv[16], *copy;
	size_t i, bit, accepted = 0;
	gpg_error_t err;

	new_clear(&clear, 4, WEFT_PK_EDDSA_LEGACY, 0, 5, &ck);
	T_OK(weft_pkt_secret_parse(&cs, &ck, NULL));
	weft_buf_init_secure(&prot);
	weft_buf_init_secure(&fields);
	memset(&ps, 0, sizeof ps);
	/* As weft writes it, but with a small S2K count to stay fast. */
	ps.version = 4;
	ps.usage = 254;
	ps.cipher_algo = WEFT_CIPHER_AES256;
	ps.s2k.type = WEFT_S2K_ITERATED;
	ps.s2k.hash_algo = WEFT_HASH_SHA256;
	ps.s2k.salt_len = 8;
	ps.s2k.count = 0;
	memset(iv, 3, 16);
	ps.iv = iv;
	ps.iv_len = 16;
	T_OK(weft_s2k_derive(&ps.s2k, "x", 1, key, 32));
	{
		uint8_t sha[20];
		size_t n;
		weft_buf enc;

		weft_buf_init_secure(&enc);
		weft_buf_put(&enc, cs.data, cs.data_len);
		weft_hash_buffer(WEFT_HASH_SHA1, cs.data, cs.data_len, sha, &n);
		weft_buf_put(&enc, sha, 20);
		T_OK(weft_cfb_crypt(ps.cipher_algo, key, iv, true, enc.data,
				    enc.len));
		ps.data = enc.data;
		ps.data_len = enc.len;
		weft_buf_put(&prot, ck.pub, ck.pub_len);
		T_OK(weft_pkt_secret_write(&prot, &ps));
		weft_buf_free(&enc);
	}
	T_OK(weft_pkt_key_parse(&pk, 5, prot.data, prot.len, NULL));
	T_OK(weft_secret__decrypt(&pk, "x", 1, &fields));
	copy = malloc(prot.len);
	for (i = ck.pub_len; i < prot.len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(copy, prot.data, prot.len);
			copy[i] ^= (uint8_t)(1u << bit);
			if (weft_pkt_key_parse(&pk, 5, copy, prot.len, NULL))
				continue;
			weft_buf_reset(&fields);
			err = weft_secret__decrypt(&pk, "x", 1, &fields);
			if (!err && fields.len == cs.data_len &&
			    !memcmp(fields.data, cs.data, cs.data_len))
				accepted++;
		}
	}
	T_EQ_INT(accepted, 0);
	/* Truncations. */
	for (i = ck.pub_len; i < prot.len; i++) {
		if (weft_pkt_key_parse(&pk, 5, prot.data, i, NULL))
			continue;
		weft_buf_reset(&fields);
		T_CHECK(weft_secret__decrypt(&pk, "x", 1, &fields) != 0,
			"truncated at %zu does not open", i);
	}
	free(copy);
	weft_buf_free(&clear);
	weft_buf_free(&prot);
	weft_buf_free(&fields);
}

int
main(void)
{
	T_OK(weft_crypto_init());
	rfc9580_a5();
	tool_keys();
	own_protection();
	usage_255();
	bit_flips();
	return t_done();
}
