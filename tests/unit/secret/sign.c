/* sign.c - making signatures: every algorithm weft signs with, round
 * trip through weft_sig_verify.
 *
 * 1. Keys weft generates (EdDSA legacy and Ed25519 in v4, Ed25519 in v6,
 *    RSA-2048 in v4 and v6) and keys from gpg (ECDSA P-256, DSA-2048, from
 *    tests/data/secret) and RFC 8032 (Ed448, 7.4 "Blank"; Ed25519, 7.1
 *    test 1) sign user ID certifications, subkey bindings, direct-key
 *    signatures and data signatures; each verifies with the public key,
 *    carries the right left-16 bits and, for v6, a salt of the right size.
 * 2. A changed bit in the signature, the hashed area or the signed data
 *    makes it fail.
 * 3. The expected errors: a secret that does not match the public key
 *    (GPG_ERR_BAD_SECKEY), keys that cannot sign (ECDH, X25519), a
 *    builder for another algorithm, a hash too short for Ed25519 v6.
 * 4. Key generation writes what RFC 9580 5.5.5 says: sizes, the 0x40
 *    prefix of legacy points, the KDF parameters gpg writes, X25519's
 *    secret in native order (the public key derives from it). */
#include "sectest.h"

/* A clear secret key of a new key: its packet body, the key, its fields. */
typedef struct skey {
	weft_buf body;
	weft_pkt_key k;
	weft_field f[WEFT_MAX_FIELDS];
	unsigned nf;
} skey;

static void
gen(skey *s, uint8_t version, uint8_t algo, unsigned bits)
{
	weft_buf sec;
	size_t publen;

	weft_buf_init_secure(&s->body);
	weft_buf_init_secure(&sec);
	T_OK(weft_keygen(version, algo, bits, 1700000000, &s->body, &sec));
	publen = s->body.len;
	weft_buf_put(&s->body, sec.data, sec.len);
	T_OK(weft_pkt_key_parse(&s->k, WEFT_PKT_PUBLIC_KEY, s->body.data,
				publen, NULL));
	T_OK(weft_secret_fields_parse(&s->k, s->body.data + publen, sec.len,
				      s->f, &s->nf));
	weft_buf_free(&sec);
}

/* Sign with SK over T (type TYPE, VERSION, HASH), then check the result
 * and that changes break it. */
static void
round_trip(const weft_seckey *sk, const weft_pubkey *pk, uint8_t version,
	   uint8_t type, uint8_t hash, const weft_sig_target *t,
	   const char *what)
{
	weft_sig_builder sb;
	weft_buf out;
	weft_pkt_sig sig;
	uint8_t ts[4] = { 0x65, 0x53, 0xf1, 0x00 }, *copy;
	uint8_t digest[64];
	size_t dlen, i;

	weft_sig_builder_init(&sb, version, type, weft_seckey_algo(sk), hash);
	weft_sig_builder_add(&sb, true, WEFT_SUB_CREATION_TIME, false, ts, 4);
	weft_buf_init(&out);
	T_CHECK(!weft_sig_sign(sk, &sb, t, &out), "%s: signs", what);
	T_CHECK(!weft_pkt_sig_parse(&sig, out.data, out.len, NULL),
		"%s: parses", what);
	T_CHECK(!weft_sig_verify(pk, &sig, t), "%s: verifies", what);
	T_EQ_INT(sig.version, version);
	T_EQ_INT(sig.type, type);
	T_EQ_INT(sig.hash_algo, hash);
	if (version == 6)
		T_EQ_INT(sig.salt_len, weft_hash_v6_salt_len(hash));
	T_OK(weft_sig_digest(&sig, t, digest, &dlen));
	T_CHECK(!memcmp(digest, sig.left16, 2), "%s: left 16 bits", what);
	/* A flipped bit anywhere but the unhashed area (none here) breaks
	 * it; the last octet is in a signature value. */
	copy = malloc(out.len);
	for (i = 0; i < out.len; i += (i < 16 ? 1 : 7)) {
		memcpy(copy, out.data, out.len);
		copy[i] ^= 0x10;
		if (weft_pkt_sig_parse(&sig, copy, out.len, NULL))
			continue;
		T_CHECK(weft_sig_verify(pk, &sig, t) != 0,
			"%s: bit flip at %zu is noticed", what, i);
	}
	memcpy(copy, out.data, out.len);
	copy[out.len - 1] ^= 1;
	if (!weft_pkt_sig_parse(&sig, copy, out.len, NULL))
		T_CHECK(weft_sig_verify(pk, &sig, t) != 0,
			"%s: last octet", what);
	free(copy);
	weft_buf_free(&out);
	weft_sig_builder_free(&sb);
}

/* All signature kinds with one primary key P (and a fresh subkey). */
static void
all_kinds(const weft_pkt_key *p, const weft_field *f, unsigned nf,
	  uint8_t hash, const char *name)
{
	static const uint8_t uid[] = "Test <test@example.org>";
	weft_seckey *sk = NULL;
	weft_pubkey *pk = NULL;
	weft_sig_target t;
	skey sub;
	weft_hash *h = NULL;
	weft_pkt_sig fake;
	char what[96];

	T_CHECK(weft_seckey_algo_ok(p), "%s can sign", name);
	T_CHECK(!weft_seckey_new(&sk, p, f, nf), "%s: secret key", name);
	T_OK(weft_pubkey_new(&pk, p));
	if (!sk || !pk)
		goto leave;
	memset(&t, 0, sizeof t);
	t.primary = p;
	t.uid = uid;
	t.uid_len = sizeof uid - 1;
	t.uid_tag = WEFT_PKT_USER_ID;
	snprintf(what, sizeof what, "%s 0x13", name);
	round_trip(sk, pk, p->version, WEFT_SIG_POSITIVE_CERT, hash, &t, what);
	snprintf(what, sizeof what, "%s 0x10", name);
	round_trip(sk, pk, p->version, WEFT_SIG_GENERIC_CERT, hash, &t, what);
	snprintf(what, sizeof what, "%s 0x30", name);
	round_trip(sk, pk, p->version, WEFT_SIG_CERT_REVOCATION, hash, &t,
		   what);
	memset(&t, 0, sizeof t);
	t.primary = p;
	snprintf(what, sizeof what, "%s 0x1f", name);
	round_trip(sk, pk, p->version, WEFT_SIG_DIRECT_KEY, hash, &t, what);
	gen(&sub, p->version, p->version == 6 ? WEFT_PK_X25519 : WEFT_PK_ECDH,
	    0);
	t.subkey = &sub.k;
	snprintf(what, sizeof what, "%s 0x18", name);
	round_trip(sk, pk, p->version, WEFT_SIG_SUBKEY_BINDING, hash, &t,
		   what);
	weft_buf_free(&sub.body);
	/* A data signature: the caller opens the hash (v6: salt first). */
	{
		weft_sig_builder sb;
		weft_buf out;
		weft_pkt_sig sig;
		uint8_t ts[4] = { 0x65, 0x53, 0xf1, 0x00 };

		weft_sig_builder_init(&sb, p->version, WEFT_SIG_BINARY,
				      weft_seckey_algo(sk), hash);
		weft_sig_builder_add(&sb, true, WEFT_SUB_CREATION_TIME, false,
				     ts, 4);
		memset(&fake, 0, sizeof fake);
		fake.version = p->version;
		fake.hash_algo = hash;
		if (p->version == 6) {
			sb.salt_len = weft_hash_v6_salt_len(hash);
			weft_random(sb.salt, sb.salt_len, false);
			fake.salt = sb.salt;
			fake.salt_len = sb.salt_len;
		}
		T_OK(weft_sig_data_hash_new(&h, &fake));
		weft_hash_write(h, "hello\n", 6);
		memset(&t, 0, sizeof t);
		t.data = h;
		weft_buf_init(&out);
		T_CHECK(!weft_sig_sign(sk, &sb, &t, &out), "%s: data", name);
		T_CHECK(!weft_pkt_sig_parse(&sig, out.data, out.len, NULL) &&
			!weft_sig_verify(pk, &sig, &t),
			"%s: data signature verifies", name);
		if (p->version == 6)
			T_CHECK(sig.salt_len == sb.salt_len &&
				!memcmp(sig.salt, sb.salt, sb.salt_len),
				"%s: the caller's salt is kept", name);
		weft_hash_free(h);
		T_OK(weft_sig_data_hash_new(&h, &sig));
		weft_hash_write(h, "hello!", 6);
		t.data = h;
		T_CHECK(weft_sig_verify(pk, &sig, &t) != 0,
			"%s: other data fails", name);
		weft_hash_free(h);
		weft_buf_free(&out);
		weft_sig_builder_free(&sb);
	}
	/* Another algorithm in the builder. */
	{
		weft_sig_builder sb;
		weft_buf out;

		weft_sig_builder_init(&sb, p->version, WEFT_SIG_DIRECT_KEY,
				      weft_seckey_algo(sk) == WEFT_PK_RSA
					      ? WEFT_PK_DSA : WEFT_PK_RSA, hash);
		weft_buf_init(&out);
		memset(&t, 0, sizeof t);
		t.primary = p;
		T_ERR(weft_sig_sign(sk, &sb, &t, &out), GPG_ERR_PUBKEY_ALGO);
		weft_buf_free(&out);
		weft_sig_builder_free(&sb);
	}
leave:
	weft_seckey_free(sk);
	weft_pubkey_free(pk);
}

static void
generated(void)
{
	static const struct {
		uint8_t version, algo;
		unsigned bits;
		uint8_t hash;
		const char *name;
	} v[] = {
		{ 4, WEFT_PK_EDDSA_LEGACY, 0, WEFT_HASH_SHA256, "v4 EdDSA" },
		{ 4, WEFT_PK_ED25519, 0, WEFT_HASH_SHA256, "v4 Ed25519" },
		{ 6, WEFT_PK_ED25519, 0, WEFT_HASH_SHA512, "v6 Ed25519" },
		{ 6, WEFT_PK_ED25519, 0, WEFT_HASH_SHA256, "v6 Ed25519/256" },
		{ 4, WEFT_PK_RSA, 2048, WEFT_HASH_SHA256, "v4 RSA" },
		{ 6, WEFT_PK_RSA, 2048, WEFT_HASH_SHA512, "v6 RSA" },
	};
	skey s;
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(v); i++) {
		gen(&s, v[i].version, v[i].algo, v[i].bits);
		all_kinds(&s.k, s.f, s.nf, v[i].hash, v[i].name);
		weft_buf_free(&s.body);
	}
}

static void
from_gpg(void)
{
	static const struct {
		const char *file;
		uint8_t hash;
	} v[] = {
		{ "tests/data/secret/gpg-nistp256-pw.pgp", WEFT_HASH_SHA256 },
		{ "tests/data/secret/gpg-nistp256-pw.pgp", WEFT_HASH_SHA512 },
		{ "tests/data/secret/gpg-dsa2048-pw.pgp", WEFT_HASH_SHA256 },
		{ "tests/data/secret/gpg-rsa2048-pw.pgp", WEFT_HASH_SHA512 },
	};
	st_file f;
	weft_pkt_key k;
	weft_pkt_secret s;
	weft_buf fields;
	weft_field fl[WEFT_MAX_FIELDS];
	uint8_t key[32];
	unsigned nf;
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(v); i++) {
		weft_buf_init_secure(&fields);
		st_load(&f, v[i].file);
		T_CHECK(st_key(&f, WEFT_PKT_SECRET_KEY, 0, &k), "%s", v[i].file);
		/* Opened by hand: gpg's protection, AES-128 CFB + SHA-1. */
		T_OK(weft_pkt_secret_parse(&s, &k, NULL));
		T_OK(weft_s2k_derive(&s.s2k, "abc", 3, key, 16));
		weft_buf_put(&fields, s.data, s.data_len);
		T_OK(weft_cfb_crypt(s.cipher_algo, key, s.iv, false,
				    fields.data, fields.len));
		T_OK(weft_secret_fields_parse(&k, fields.data, fields.len - 20,
					      fl, &nf));
		all_kinds(&k, fl, nf, v[i].hash, v[i].file + 18);
		st_free(&f);
		weft_buf_free(&fields);
	}
}

/* RFC 8032 key pairs in OpenPGP packets built here. */
static void
rfc8032(void)
{
	static const char ed448_sk[] =
		"6c82a562cb808d10d632be89c8513ebf6c929f34ddfa8c9f63c9960ef6e3"
		"48a3528c8a3fcc2f044e39a3fc5b94492f8f032e7549a20098f95b";
	static const char ed448_pk[] =
		"5fd7449b59b461fd2ce787ec616ad46a1da1342485a70e1f8a0ea75d80e9"
		"6778edf124769b46c7061bd6783df1e50f6cd1fa1abeafe8256180";
	static const char ed25519_sk[] =
		"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
	static const char ed25519_pk[] =
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
	uint8_t body[128], *sec, other[57];
	weft_pkt_key k;
	weft_field f;
	weft_seckey *sk = NULL;
	size_t n;

	sec = weft_secure_alloc(57);
	/* v6 Ed448: version, time, algo 28, length 57, the point. */
	body[0] = 6;
	memcpy(body + 1, "\x65\x53\xf1\x00", 4);
	body[5] = WEFT_PK_ED448;
	memcpy(body + 6, "\x00\x00\x00\x39", 4);
	n = t_unhex(ed448_pk, body + 10, 57);
	T_EQ_INT(n, 57);
	T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY, body, 67, NULL));
	t_unhex(ed448_sk, sec, 57);
	memset(&f, 0, sizeof f);
	f.kind = WEFT_FIELD_NATIVE;
	f.data = sec;
	f.len = 57;
	all_kinds(&k, &f, 1, WEFT_HASH_SHA512, "v6 Ed448");
	/* Its secret with another public key: refused. */
	memcpy(other, body + 10, 57);
	body[10] ^= 1;
	T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY, body, 67, NULL));
	T_ERR(weft_seckey_new(&sk, &k, &f, 1), GPG_ERR_BAD_SECKEY);
	memcpy(body + 10, other, 57);
	/* Ed448 needs a 512-bit hash. */
	T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY, body, 67, NULL));
	T_OK(weft_seckey_new(&sk, &k, &f, 1));
	{
		weft_sig_builder sb;
		weft_buf out;
		weft_sig_target t;

		weft_sig_builder_init(&sb, 6, WEFT_SIG_DIRECT_KEY,
				      WEFT_PK_ED448, WEFT_HASH_SHA256);
		weft_buf_init(&out);
		memset(&t, 0, sizeof t);
		t.primary = &k;
		T_ERR(weft_sig_sign(sk, &sb, &t, &out), GPG_ERR_DIGEST_ALGO);
		weft_buf_free(&out);
		weft_sig_builder_free(&sb);
	}
	weft_seckey_free(sk);
	sk = NULL;

	/* v4 Ed25519 (27), RFC 8032 7.1 test 1. */
	body[0] = 4;
	body[5] = WEFT_PK_ED25519;
	t_unhex(ed25519_pk, body + 6, 32);
	T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY, body, 38, NULL));
	t_unhex(ed25519_sk, sec, 32);
	f.len = 32;
	all_kinds(&k, &f, 1, WEFT_HASH_SHA256, "v4 Ed25519 RFC 8032");
	/* libgcrypt's testkey lets an EdDSA seed with another point pass;
	 * the pairwise check does not. */
	body[6] ^= 1;
	T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY, body, 38, NULL));
	T_ERR(weft_seckey_new(&sk, &k, &f, 1), GPG_ERR_BAD_SECKEY);
	body[6] ^= 1;
	/* The same pair as EdDSA legacy: OID, MPI 0x40||point, MPI seed. */
	body[5] = WEFT_PK_EDDSA_LEGACY;
	body[6] = 9;
	memcpy(body + 7, "\x2b\x06\x01\x04\x01\xda\x47\x0f\x01", 9);
	body[16] = 0x01;
	body[17] = 0x07;
	body[18] = 0x40;
	t_unhex(ed25519_pk, body + 19, 32);
	T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY, body, 51, NULL));
	f.kind = WEFT_FIELD_MPI;
	all_kinds(&k, &f, 1, WEFT_HASH_SHA256, "v4 EdDSA RFC 8032");
	/* A seed whose leading octets are zero is still 32 octets. */
	weft_secure_free(sec, 57);
}

static void
cannot_sign(void)
{
	skey s;
	weft_seckey *sk = (weft_seckey *)1;

	gen(&s, 4, WEFT_PK_ECDH, 0);
	T_CHECK(!weft_seckey_algo_ok(&s.k), "ECDH cannot sign");
	T_ERR(weft_seckey_new(&sk, &s.k, s.f, s.nf), GPG_ERR_PUBKEY_ALGO);
	T_CHECK(sk == NULL, "output cleared");
	weft_buf_free(&s.body);
	gen(&s, 6, WEFT_PK_X25519, 0);
	T_ERR(weft_seckey_new(&sk, &s.k, s.f, s.nf), GPG_ERR_PUBKEY_ALGO);
	weft_buf_free(&s.body);
	/* Wrong number or kind of fields. */
	gen(&s, 4, WEFT_PK_EDDSA_LEGACY, 0);
	T_ERR(weft_seckey_new(&sk, &s.k, s.f, 0), GPG_ERR_BAD_SECKEY);
	s.f[0].kind = WEFT_FIELD_NATIVE;
	T_ERR(weft_seckey_new(&sk, &s.k, s.f, 1), GPG_ERR_BAD_SECKEY);
	weft_buf_free(&s.body);
	gen(&s, 4, WEFT_PK_RSA, 2048);
	T_ERR(weft_seckey_new(&sk, &s.k, s.f, 3), GPG_ERR_BAD_SECKEY);
	/* d of another key: n = pq still holds, d does not fit e. */
	{
		skey o;

		gen(&o, 4, WEFT_PK_RSA, 2048);
		s.f[0] = o.f[0];
		T_ERR(weft_seckey_new(&sk, &s.k, s.f, 4), GPG_ERR_BAD_SECKEY);
		s.f[1] = o.f[1];
		T_ERR(weft_seckey_new(&sk, &s.k, s.f, 4), GPG_ERR_BAD_SECKEY);
		weft_buf_free(&o.body);
	}
	weft_buf_free(&s.body);
	/* What keygen refuses. */
	{
		weft_buf pub, sec;

		weft_buf_init(&pub);
		weft_buf_init_secure(&sec);
		T_ERR(weft_keygen(6, WEFT_PK_EDDSA_LEGACY, 0, 0, &pub, &sec),
		      GPG_ERR_PUBKEY_ALGO);
		T_ERR(weft_keygen(6, WEFT_PK_ECDH, 0, 0, &pub, &sec),
		      GPG_ERR_PUBKEY_ALGO);
		T_ERR(weft_keygen(4, WEFT_PK_RSA, 1024, 0, &pub, &sec),
		      GPG_ERR_INV_VALUE);
		T_ERR(weft_keygen(4, WEFT_PK_DSA, 2048, 0, &pub, &sec),
		      GPG_ERR_PUBKEY_ALGO);
		T_ERR(weft_keygen(5, WEFT_PK_ED25519, 0, 0, &pub, &sec),
		      GPG_ERR_UNKNOWN_VERSION);
		T_EQ_INT(pub.len, 0);
		weft_buf_free(&pub);
		weft_buf_free(&sec);
	}
}

static void
keygen_layout(void)
{
	skey s;
	static const uint8_t kdf[] = { 1, 8, 7 };

	gen(&s, 4, WEFT_PK_EDDSA_LEGACY, 0);
	T_EQ_INT(s.k.nfields, 2);
	T_EQ_INT(s.k.fields[1].len, 33);
	T_EQ_INT(s.k.fields[1].data[0], 0x40);
	T_EQ_INT(s.k.fields[1].bits, 263);
	T_CHECK(s.k.curve && !strcmp(s.k.curve->name, "Ed25519"), "Ed25519 OID");
	T_EQ_INT(s.f[0].kind, WEFT_FIELD_MPI);
	T_CHECK(s.f[0].len <= 32, "seed MPI");
	weft_buf_free(&s.body);
	gen(&s, 4, WEFT_PK_ECDH, 0);
	T_EQ_INT(s.k.nfields, 3);
	T_CHECK(s.k.curve && !strcmp(s.k.curve->name, "Curve25519"), "cv25519");
	/* KDF: length 3 (not kept), reserved 1, SHA-256, AES-128. */
	T_EQ_INT(s.k.fields[2].len, 3);
	T_EQ_MEM(s.k.fields[2].data, kdf, 3);
	/* The scalar is big-endian and clamped: top octet 01xxxxxx, last
	 * octet a multiple of 8. */
	T_EQ_INT(s.f[0].len, 32);
	T_EQ_INT(s.f[0].data[0] & 0xc0, 0x40);
	T_EQ_INT(s.f[0].data[31] & 7, 0);
	weft_buf_free(&s.body);
	gen(&s, 6, WEFT_PK_X25519, 0);
	T_EQ_INT(s.k.version, 6);
	T_EQ_INT(s.k.fields[0].len, 32);
	/* Native X25519: little-endian, clamped the other way round. */
	T_EQ_INT(s.f[0].kind, WEFT_FIELD_NATIVE);
	T_EQ_INT(s.f[0].data[31] & 0xc0, 0x40);
	T_EQ_INT(s.f[0].data[0] & 7, 0);
	weft_buf_free(&s.body);
	gen(&s, 4, WEFT_PK_RSA, 2048);
	T_EQ_INT(s.k.bits, 2048);
	T_EQ_INT(s.nf, 4);
	T_EQ_INT(s.k.fields[1].len, 3);          /* e = 65537 */
	weft_buf_free(&s.body);
}

int
main(void)
{
	T_OK(weft_crypto_init());
	generated();
	from_gpg();
	rfc8032();
	cannot_sign();
	keygen_layout();
	return t_done();
}
