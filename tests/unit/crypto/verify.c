/* verify.c - weft_sig_digest / weft_sig_verify on real signatures.
 *
 * 1. Every signature in every certificate fixture (self-signatures,
 *    bindings, back-signatures, a third-party certification) verifies with
 *    its issuer's key.
 * 2. Each of them, altered (a bit of a signature value, of the hashed
 *    area, of left16 or the v6 salt, or of what it signs), fails with
 *    GPG_ERR_BAD_SIGNATURE.
 * 3. Checked with every other primary key it fails: BAD_SIGNATURE when
 *    the algorithms match, PUBKEY_ALGO when they do not.
 * 4. Detached data signatures (binary and text, v3/v4/v6, every hash,
 *    digests with leading zero octets) verify, and fail on altered data.
 * 5. The expected errors: unknown hash, wrong algorithm, keys that cannot
 *    sign, malformed values, targets that do not fit, short digests for
 *    Ed25519/Ed448, v6 salt size.
 * Fixtures: tests/data/crypto/README.
 */
#include "cryptotest.h"

static const char *certs[] = {
	"gpg-rsa2048.pgp", "gpg-dsa2048.pgp", "gpg-ed25519.pgp",
	"gpg-nistp256.pgp", "gpg-nistp384.pgp", "gpg-nistp521.pgp",
	"gpg-brainpoolP256r1.pgp", "sq-cv25519.pgp", "sq-rsa3k.pgp",
	"rfc9580-a2-ed25519legacy.pgp", "rfc9580-a3-v6-cert.pgp",
	"rfc9580-a4-v6-secret.pgp", "syn-rsa.pgp", "syn-secp256k1.pgp",
	"syn-brainpoolP384r1.pgp", "syn-brainpoolP512r1.pgp",
	"syn-v6-ed448.pgp", "syn-v4-ed25519.pgp",
};
#define NCERTS WEFT_ARRAY_SIZE(certs)

/* How many signatures each file must have verified (packets plus
 * embedded back-signatures), so that nothing is skipped silently. */
static const int want_good[NCERTS] = {
	/* rsa2048: 2 uid self-sigs, 2 certs by ed25519, a user ID
	 * revocation (0x30), binding + backsig */
	7,
	/* dsa2048: uid, elg binding */
	2,
	/* ed25519: uid, cv25519 binding, ed25519 binding + backsig */
	4,
	/* nistp256, nistp384, nistp521 */
	2, 1, 1,
	/* brainpoolP256r1: uid, binding, subkey revocation (0x28) */
	3,
	/* sq cv25519: direct, uid, 3 bindings, 1 backsig */
	6,
	/* sq rsa3k: direct, uid, 3 bindings, 1 backsig */
	6,
	0, 2, 2,
	/* syn-rsa: v4 and v3 certification */
	2, 1, 1, 1,
	/* syn-v6-ed448: direct, uid, binding */
	3, 1,
};

static ct_file pool[NCERTS];
static weft_pubkey *pool_pk[NCERTS][CT_MAX];

/* The pool key that issued SIG, or NULL. */
static const weft_pubkey *
find_issuer(const weft_pkt_sig *sig, int *fi, int *ki)
{
	uint8_t fpr[WEFT_FPR_MAX], keyid[8];
	size_t len, f;
	int i;

	for (f = 0; f < NCERTS; f++) {
		for (i = 0; i < pool[f].n; i++) {
			if (!pool_pk[f][i])
				continue;
			if (weft_key_fingerprint(&pool[f].item[i].key, fpr, &len))
				continue;
			weft_keyid_from_fpr(fpr, len, keyid);
			if (!sig->issuer_fpr_len && !sig->has_issuer_keyid)
				continue;
			if (weft_pkt_sig_issuer_matches(sig, fpr, len, keyid)) {
				*fi = (int)f;
				*ki = i;
				return pool_pk[f][i];
			}
		}
	}
	return NULL;
}

/* Verify SIG after flipping MASK at offset OFF of its body. */
static gpg_error_t
verify_flipped(const weft_pubkey *pk, const uint8_t *body, size_t len,
	       size_t off, uint8_t mask, const weft_sig_target *t,
	       bool *parsed)
{
	uint8_t *buf = malloc(len);
	weft_pkt_sig s;
	gpg_error_t err;

	if (!buf)
		abort();
	memcpy(buf, body, len);
	buf[off] ^= mask;
	err = weft_pkt_sig_parse(&s, buf, len, NULL);
	*parsed = !err;
	if (!err)
		err = weft_sig_verify(pk, &s, t);
	free(buf);
	return err;
}

/* Step 2 for one good signature. */
static void
mutate_sig(const char *file, int idx, const weft_pubkey *pk,
	   const weft_pkt_sig *sig, const uint8_t *body, size_t len,
	   const weft_sig_target *t)
{
	size_t off;
	unsigned i;
	bool parsed;
	gpg_error_t err;

	/* every signature value: first, middle and last octet */
	for (i = 0; i < sig->nmpis; i++) {
		size_t base = (size_t)(sig->mpis[i].data - body);
		size_t n = sig->mpis[i].len;
		size_t at[3] = { base, base + n / 2, base + n - 1 };
		unsigned j;

		for (j = 0; j < 3; j++) {
			err = verify_flipped(pk, body, len, at[j], 0x01, t,
					     &parsed);
			T_CHECK(parsed && gpg_err_code(err) == GPG_ERR_BAD_SIGNATURE,
				"%s sig %d: value %u octet %zu flipped: %s",
				file, idx, i, at[j] - base,
				err ? gpg_strerror(err) : "verifies");
		}
	}
	/* left16: just before the v6 salt (and its length octet) and the
	 * first value (and its bit count) */
	off = (size_t)(sig->mpis[0].data - body);
	off -= (sig->version == 6 ? 1 + sig->salt_len : 0) +
	       (sig->mpis[0].kind == WEFT_FIELD_MPI ? 2 : 0) + 2;
	err = verify_flipped(pk, body, len, off, 0x80, t, &parsed);
	T_CHECK(parsed && gpg_err_code(err) == GPG_ERR_BAD_SIGNATURE,
		"%s sig %d: left16 flipped: %s", file, idx,
		err ? gpg_strerror(err) : "verifies");
	/* v6 salt */
	if (sig->version == 6) {
		off = (size_t)(sig->salt - body);
		err = verify_flipped(pk, body, len, off + sig->salt_len - 1,
				     0x01, t, &parsed);
		T_CHECK(parsed && gpg_err_code(err) == GPG_ERR_BAD_SIGNATURE,
			"%s sig %d: salt flipped: %s", file, idx,
			err ? gpg_strerror(err) : "verifies");
	}
	/* the hashed part: v3 creation time, else the last octet of the
	 * hashed subpacket area (the parser may refuse the result; it must
	 * never verify) */
	if (sig->version == 3)
		off = (size_t)(sig->hashed_part - body) + 4;
	else
		off = (size_t)(sig->hashed - body) + sig->hashed_len - 1;
	err = verify_flipped(pk, body, len, off, 0x01, t, &parsed);
	T_CHECK(!parsed || gpg_err_code(err) == GPG_ERR_BAD_SIGNATURE,
		"%s sig %d: hashed area flipped: %s", file, idx,
		err ? gpg_strerror(err) : "verifies");
}

/* Step 2, the signed side: the user ID, the subkey, the primary's
 * creation time. */
static void
mutate_target(const char *file, int idx, const weft_pubkey *pk,
	      const weft_pkt_sig *sig, const weft_sig_target *t)
{
	weft_sig_target t2 = *t;
	weft_pkt_key k2;
	uint8_t *copy;
	gpg_error_t err;

	if (t->uid_tag && t->uid_len) {
		copy = malloc(t->uid_len);
		memcpy(copy, t->uid, t->uid_len);
		copy[t->uid_len - 1] ^= 0x20;
		t2.uid = copy;
		T_ERR(weft_sig_verify(pk, sig, &t2), GPG_ERR_BAD_SIGNATURE);
		free(copy);
		t2 = *t;
	}
	if (t->subkey) {
		copy = malloc(t->subkey->pub_len);
		memcpy(copy, t->subkey->pub, t->subkey->pub_len);
		copy[t->subkey->pub_len - 1] ^= 0x01;
		k2 = *t->subkey;
		k2.pub = copy;
		t2.subkey = &k2;
		err = weft_sig_verify(pk, sig, &t2);
		T_CHECK(gpg_err_code(err) == GPG_ERR_BAD_SIGNATURE,
			"%s sig %d: subkey altered: %s", file, idx,
			err ? gpg_strerror(err) : "verifies");
		free(copy);
		t2 = *t;
	}
	if (t->primary) {
		copy = malloc(t->primary->pub_len);
		memcpy(copy, t->primary->pub, t->primary->pub_len);
		copy[2] ^= 0x01;  /* creation time */
		k2 = *t->primary;
		k2.pub = copy;
		t2.primary = &k2;
		err = weft_sig_verify(pk, sig, &t2);
		T_CHECK(gpg_err_code(err) == GPG_ERR_BAD_SIGNATURE,
			"%s sig %d: primary altered: %s", file, idx,
			err ? gpg_strerror(err) : "verifies");
		free(copy);
	}
}

static bool
algos_fit(uint8_t key_algo, uint8_t sig_algo)
{
	bool krsa = key_algo == WEFT_PK_RSA || key_algo == WEFT_PK_RSA_S;
	bool srsa = sig_algo == WEFT_PK_RSA || sig_algo == WEFT_PK_RSA_S;

	return krsa ? srsa : key_algo == sig_algo;
}

/* Step 3: the signature against every other primary key. */
static void
wrong_keys(size_t f, int idx, int ifile, int ikey, const weft_pkt_sig *sig,
	   const weft_sig_target *t)
{
	size_t g;
	gpg_error_t err;
	gpg_err_code_t want;

	for (g = 0; g < NCERTS; g++) {
		const weft_pubkey *other = pool_pk[g][0];

		if (!other || ((int)g == ifile && ikey == 0))
			continue;
		/* the same key in another file (A.3 and A.4) */
		if (!strncmp(certs[g], "rfc9580-a", 9) &&
		    !strncmp(certs[ifile], "rfc9580-a", 9) &&
		    pool[g].item[0].key.version == 6 &&
		    pool[ifile].item[ikey].key.version == 6 &&
		    pool[g].item[0].key.pub_len == pool[ifile].item[ikey].key.pub_len &&
		    !memcmp(pool[g].item[0].key.pub, pool[ifile].item[ikey].key.pub,
			    pool[g].item[0].key.pub_len))
			continue;
		want = algos_fit(weft_pubkey_algo(other), sig->pk_algo) ?
			GPG_ERR_BAD_SIGNATURE : GPG_ERR_PUBKEY_ALGO;
		/* Ed448 wants a 512-bit digest before anything else */
		if (want == GPG_ERR_BAD_SIGNATURE &&
		    weft_pubkey_algo(other) == WEFT_PK_ED448 &&
		    weft_hash_algo_len(sig->hash_algo) < 64)
			want = GPG_ERR_DIGEST_ALGO;
		err = weft_sig_verify(other, sig, t);
		T_CHECK(gpg_err_code(err) == want,
			"%s sig %d checked with %s: want %s, got %s", certs[f],
			idx, certs[g], gpg_strerror(want),
			err ? gpg_strerror(err) : "success");
	}
}

static void
check_certs(void)
{
	size_t f;
	int i, fi, ki, good;
	const weft_pubkey *pk;
	weft_sig_target t;
	gpg_error_t err;

	for (f = 0; f < NCERTS; f++) {
		good = 0;
		for (i = 0; i < pool[f].n; i++) {
			const ct_item *it = &pool[f].item[i];

			if (it->tag != WEFT_PKT_SIGNATURE)
				continue;
			t = ct_target(&pool[f], i);
			pk = find_issuer(&it->sig, &fi, &ki);
			T_CHECK(pk != NULL, "%s sig %d: issuer not in the pool",
				certs[f], i);
			if (!pk)
				continue;
			err = weft_sig_verify(pk, &it->sig, &t);
			T_CHECK(!err, "%s sig %d (type 0x%02x, v%u, algo %u, hash %u): %s",
				certs[f], i, it->sig.type, it->sig.version,
				it->sig.pk_algo, it->sig.hash_algo,
				gpg_strerror(err));
			if (err)
				continue;
			good++;
			mutate_sig(certs[f], i, pk, &it->sig, it->body,
				   it->body_len, &t);
			mutate_target(certs[f], i, pk, &it->sig, &t);
			wrong_keys(f, i, fi, ki, &it->sig, &t);

			/* The back-signature inside a signing subkey's binding
			 * is made by the subkey over the same two keys. */
			if (it->sig.embedded && it->subkey >= 0) {
				weft_pkt_sig back;

				T_OK(weft_pkt_sig_parse(&back, it->sig.embedded,
							it->sig.embedded_len,
							NULL));
				T_EQ_INT(back.type, WEFT_SIG_PRIMARY_BINDING);
				err = weft_sig_verify(pool_pk[f][it->subkey],
						      &back, &t);
				T_CHECK(!err, "%s sig %d: back-signature: %s",
					certs[f], i, gpg_strerror(err));
				if (!err) {
					good++;
					mutate_sig(certs[f], i,
						   pool_pk[f][it->subkey], &back,
						   it->sig.embedded,
						   it->sig.embedded_len, &t);
					/* the primary key cannot stand in */
					T_ERR(weft_sig_verify(pool_pk[f][it->primary],
							      &back, &t),
					      GPG_ERR_BAD_SIGNATURE);
				}
			}
		}
		T_CHECK(good == want_good[f], "%s: %d signatures verified, want %d",
			certs[f], good, want_good[f]);
	}
}

/* ---- data signatures -------------------------------------------------- */

static const struct {
	const char *sig, *data, *cert;
	bool text;
} datasigs[] = {
	{ "data-rsa2048.sig", "data.txt", "gpg-rsa2048.pgp", false },
	{ "data-dsa2048.sig", "data.txt", "gpg-dsa2048.pgp", false },
	/* SHA-512 over a 256-bit q: libgcrypt truncates */
	{ "data-dsa2048-sha512.sig", "data.txt", "gpg-dsa2048.pgp", false },
	{ "data-ed25519.sig", "data.txt", "gpg-ed25519.pgp", false },
	{ "data-ed25519-text.sig", "data.txt", "gpg-ed25519.pgp", true },
	{ "data-nistp256.sig", "data.txt", "gpg-nistp256.pgp", false },
	{ "data-nistp256-sha512.sig", "data.txt", "gpg-nistp256.pgp", false },
	{ "data-nistp521.sig", "data.txt", "gpg-nistp521.pgp", false },
	/* digests beginning with a zero octet */
	{ "lz-dsa2048-sha512.sig", "lz-dsa2048-sha512.txt", "gpg-dsa2048.pgp", false },
	{ "lz-nistp256-sha512.sig", "lz-nistp256-sha512.txt", "gpg-nistp256.pgp", false },
	{ "lz-rsa2048-sha256.sig", "lz-rsa2048-sha256.txt", "gpg-rsa2048.pgp", false },
	{ "lz-ed25519-sha256.sig", "lz-ed25519-sha256.txt", "gpg-ed25519.pgp", false },
	/* RFC 9580 A.2.1 (v4 Ed25519Legacy) and A.6 (v6 text signature) */
	{ "rfc9580-a2-1.sig", "rfc9580-a2-1.txt", "rfc9580-a2-ed25519legacy.pgp", false },
	{ "rfc9580-a6-v6-text.sig", "rfc9580-a6.txt", "rfc9580-a3-v6-cert.pgp", true },
	/* synthetic: v3, every hash, more curves, v6 Ed448 */
	{ "syn-rsa-v3-data.sig", "data.txt", "syn-rsa.pgp", false },
	{ "syn-rsa-md5.sig", "data.txt", "syn-rsa.pgp", false },
	{ "syn-rsa-sha1.sig", "data.txt", "syn-rsa.pgp", false },
	{ "syn-rsa-ripemd160.sig", "data.txt", "syn-rsa.pgp", false },
	{ "syn-rsa-sha224.sig", "data.txt", "syn-rsa.pgp", false },
	{ "syn-rsa-sha384.sig", "data.txt", "syn-rsa.pgp", false },
	{ "syn-rsa-sha3-256.sig", "data.txt", "syn-rsa.pgp", false },
	{ "syn-rsa-sha3-512.sig", "data.txt", "syn-rsa.pgp", false },
	{ "syn-secp256k1-data.sig", "data.txt", "syn-secp256k1.pgp", false },
	{ "syn-brainpoolP384r1-data.sig", "data.txt", "syn-brainpoolP384r1.pgp", false },
	{ "syn-brainpoolP512r1-data.sig", "data.txt", "syn-brainpoolP512r1.pgp", false },
	{ "syn-v6-ed448-data.sig", "data.txt", "syn-v6-ed448.pgp", false },
};

/* Text signatures hash the data with every line ending made CRLF. */
static uint8_t *
canonical_text(const uint8_t *p, size_t n, size_t *out_len)
{
	uint8_t *o = malloc(2 * n + 1);
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			o[m++] = '\r';
		o[m++] = p[i];
	}
	*out_len = m;
	return o;
}

static gpg_error_t
verify_data(const weft_pubkey *pk, const weft_pkt_sig *sig, const uint8_t *data,
	    size_t n)
{
	weft_hash *h = NULL;
	weft_sig_target t;
	gpg_error_t err;

	if ((err = weft_sig_data_hash_new(&h, sig)))
		return err;
	weft_hash_write(h, data, n);
	memset(&t, 0, sizeof t);
	t.data = h;
	err = weft_sig_verify(pk, sig, &t);
	weft_hash_free(h);
	return err;
}

static size_t
pool_index(const char *name)
{
	size_t f;

	for (f = 0; f < NCERTS; f++)
		if (!strcmp(certs[f], name))
			return f;
	printf("FAIL no pool file %s\n", name);
	exit(1);
}

static void
check_data_sigs(void)
{
	size_t d, n, len;
	ct_file sf;
	char path[256];
	uint8_t *raw, *data;
	const weft_pubkey *pk;
	int fi, ki;
	gpg_error_t err;
	bool parsed;

	for (d = 0; d < WEFT_ARRAY_SIZE(datasigs); d++) {
		ct_load_sig(&sf, datasigs[d].sig);
		snprintf(path, sizeof path, CT_DATA "%s", datasigs[d].data);
		raw = t_slurp(path, &n);
		if (datasigs[d].text) {
			data = canonical_text(raw, n, &len);
			free(raw);
		} else {
			data = raw;
			len = n;
		}
		pk = find_issuer(&sf.item[0].sig, &fi, &ki);
		if (!pk)  /* v3 signatures name only a key ID */
			pk = pool_pk[pool_index(datasigs[d].cert)][0];
		T_CHECK(pk == pool_pk[pool_index(datasigs[d].cert)][0],
			"%s: issuer is not the primary of %s", datasigs[d].sig,
			datasigs[d].cert);
		err = verify_data(pk, &sf.item[0].sig, data, len);
		T_CHECK(!err, "%s: %s", datasigs[d].sig, gpg_strerror(err));

		/* altered data: every position class */
		data[0] ^= 0x01;
		T_ERR(verify_data(pk, &sf.item[0].sig, data, len),
		      GPG_ERR_BAD_SIGNATURE);
		data[0] ^= 0x01;
		data[len - 1] ^= 0x40;
		T_ERR(verify_data(pk, &sf.item[0].sig, data, len),
		      GPG_ERR_BAD_SIGNATURE);
		data[len - 1] ^= 0x40;
		T_ERR(verify_data(pk, &sf.item[0].sig, data, len - 1),
		      GPG_ERR_BAD_SIGNATURE);

		/* altered signature values */
		{
			const weft_pkt_sig *s = &sf.item[0].sig;
			unsigned i;

			for (i = 0; i < s->nmpis; i++) {
				size_t off = (size_t)(s->mpis[i].data - sf.item[0].body);
				uint8_t *b = malloc(sf.item[0].body_len);
				weft_pkt_sig s2;

				memcpy(b, sf.item[0].body, sf.item[0].body_len);
				b[off + s->mpis[i].len / 2] ^= 0x10;
				err = weft_pkt_sig_parse(&s2, b, sf.item[0].body_len,
							 NULL);
				parsed = !err;
				if (!err)
					err = verify_data(pk, &s2, data, len);
				T_CHECK(parsed && gpg_err_code(err) == GPG_ERR_BAD_SIGNATURE,
					"%s: value %u altered: %s", datasigs[d].sig,
					i, err ? gpg_strerror(err) : "verifies");
				free(b);
			}
		}
		free(data);
		ct_free(&sf);
	}
}

/* Key revocations (0x20) as gpg writes them to openpgp-revocs.d/. */
static void
check_key_revocations(void)
{
	static const struct { const char *sig, *cert; } revs[] = {
		{ "rev-nistp384.sig", "gpg-nistp384.pgp" },
		{ "rev-ed25519.sig", "gpg-ed25519.pgp" },
	};
	size_t r, f;
	ct_file sf;
	weft_sig_target t;

	for (r = 0; r < WEFT_ARRAY_SIZE(revs); r++) {
		ct_load_sig(&sf, revs[r].sig);
		f = pool_index(revs[r].cert);
		T_EQ_INT(sf.item[0].sig.type, WEFT_SIG_KEY_REVOCATION);
		memset(&t, 0, sizeof t);
		t.primary = &pool[f].item[0].key;
		T_OK(weft_sig_verify(pool_pk[f][0], &sf.item[0].sig, &t));
		mutate_sig(revs[r].sig, 0, pool_pk[f][0], &sf.item[0].sig,
			   sf.item[0].body, sf.item[0].body_len, &t);
		mutate_target(revs[r].sig, 0, pool_pk[f][0], &sf.item[0].sig,
			      &t);
		wrong_keys(f, 0, (int)f, 0, &sf.item[0].sig, &t);
		ct_free(&sf);
	}
}

/* ---- expected errors ---------------------------------------------------- */

static void
check_errors(void)
{
	size_t rsa = pool_index("gpg-rsa2048.pgp");
	size_t dsa = pool_index("gpg-dsa2048.pgp");
	size_t ed = pool_index("gpg-ed25519.pgp");
	size_t v6 = pool_index("rfc9580-a3-v6-cert.pgp");
	size_t ed448 = pool_index("syn-v6-ed448.pgp");
	const ct_file *f;
	weft_pkt_sig s;
	weft_sig_target t;
	uint8_t digest[64];
	size_t dlen;
	int i;

	/* the first uid self-signature of the RSA key */
	f = &pool[rsa];
	for (i = 0; i < f->n && f->item[i].tag != WEFT_PKT_SIGNATURE; i++)
		;
	t = ct_target(f, i);
	s = f->item[i].sig;
	T_OK(weft_sig_verify(pool_pk[rsa][0], &s, &t));

	/* unknown or reserved hash algorithms */
	s.hash_algo = 99;
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_DIGEST_ALGO);
	dlen = 5;
	T_ERR(weft_sig_digest(&s, &t, digest, &dlen), GPG_ERR_DIGEST_ALGO);
	T_EQ_INT(dlen, 0);
	s.hash_algo = 4;
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_DIGEST_ALGO);
	s.hash_algo = 0;
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_DIGEST_ALGO);
	s = f->item[i].sig;

	/* another hash than the one the signature names: left16 differs */
	s.hash_algo = s.hash_algo == WEFT_HASH_SHA256 ? WEFT_HASH_SHA512
						      : WEFT_HASH_SHA256;
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_BAD_SIGNATURE);
	s = f->item[i].sig;

	/* bad left16 alone (the values untouched) */
	s.left16[1] ^= 0x01;
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_BAD_SIGNATURE);
	s = f->item[i].sig;

	/* the signature claims another algorithm than the key's */
	s.pk_algo = WEFT_PK_DSA;
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_PUBKEY_ALGO);
	s.pk_algo = WEFT_PK_RSA_E;
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_PUBKEY_ALGO);
	s.pk_algo = 0;
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_PUBKEY_ALGO);
	s = f->item[i].sig;
	T_ERR(weft_sig_verify(pool_pk[dsa][0], &s, &t), GPG_ERR_PUBKEY_ALGO);

	/* RSA sign-only (3) and RSA (1) are interchangeable */
	{
		weft_pkt_key k3 = f->item[0].key;
		weft_pubkey *pk3 = NULL;

		k3.algo = WEFT_PK_RSA_S;
		T_OK(weft_pubkey_new(&pk3, &k3));
		T_OK(weft_sig_verify(pk3, &s, &t));
		k3.algo = WEFT_PK_RSA_E;
		weft_pubkey_free(pk3);
		pk3 = NULL;
		T_OK(weft_pubkey_new(&pk3, &k3));
		T_ERR(weft_sig_verify(pk3, &s, &t), GPG_ERR_PUBKEY_ALGO);
		weft_pubkey_free(pk3);
	}

	/* malformed values */
	s.nmpis = 2;
	s.mpis[1] = s.mpis[0];
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_INV_DATA);
	s = f->item[i].sig;
	s.mpis[0].kind = WEFT_FIELD_NATIVE;
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_INV_DATA);
	s = f->item[i].sig;
	s.mpis[0].len = 0;  /* s = 0 */
	T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t), GPG_ERR_BAD_SIGNATURE);
	s = f->item[i].sig;

	/* targets that do not fit the type */
	{
		weft_sig_target t2 = t;
		weft_hash *h = NULL;

		t2.subkey = &f->item[0].key;
		T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t2), GPG_ERR_SIG_CLASS);
		t2 = t;
		t2.uid_tag = 0;
		T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t2), GPG_ERR_SIG_CLASS);
		t2.uid = NULL;
		t2.uid_len = 0;
		T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t2), GPG_ERR_SIG_CLASS);
		t2 = t;
		t2.uid_tag = 5;
		T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t2), GPG_ERR_SIG_CLASS);
		t2 = t;
		t2.primary = NULL;
		T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t2), GPG_ERR_SIG_CLASS);
		T_OK(weft_hash_new(&h, s.hash_algo));
		t2 = t;
		t2.data = h;
		T_ERR(weft_sig_verify(pool_pk[rsa][0], &s, &t2), GPG_ERR_SIG_CLASS);
		weft_hash_free(h);
		/* a 0x50 third-party confirmation, and an unknown type */
		s.type = WEFT_SIG_THIRD_PARTY;
		T_ERR(weft_sig_digest(&s, &t, digest, &dlen), GPG_ERR_SIG_CLASS);
		s.type = 0x77;
		T_ERR(weft_sig_digest(&s, &t, digest, &dlen), GPG_ERR_SIG_CLASS);
		s = f->item[i].sig;
		/* a data signature needs a running hash of its own algorithm */
		s.type = WEFT_SIG_BINARY;
		T_ERR(weft_sig_digest(&s, &t, digest, &dlen), GPG_ERR_SIG_CLASS);
		memset(&t2, 0, sizeof t2);
		T_OK(weft_hash_new(&h, s.hash_algo == WEFT_HASH_SHA1 ?
				   WEFT_HASH_SHA256 : WEFT_HASH_SHA1));
		t2.data = h;
		T_ERR(weft_sig_digest(&s, &t2, digest, &dlen), GPG_ERR_DIGEST_ALGO);
		weft_hash_free(h);
		s = f->item[i].sig;
		/* a version we do not hash */
		s.version = 5;
		T_ERR(weft_sig_digest(&s, &t, digest, &dlen),
		      GPG_ERR_UNKNOWN_VERSION);
		s = f->item[i].sig;
	}

	/* keys that cannot verify: ElGamal, ECDH, X25519, X448 subkeys */
	{
		int n = 0, j;

		for (j = 0; j < pool[dsa].n; j++) {
			if (pool[dsa].item[j].tag != WEFT_PKT_PUBLIC_SUBKEY)
				continue;
			T_EQ_INT(weft_pubkey_algo(pool_pk[dsa][j]),
				 WEFT_PK_ELGAMAL_E);
			s.pk_algo = WEFT_PK_ELGAMAL_E;
			T_ERR(weft_sig_verify(pool_pk[dsa][j], &s, &t),
			      GPG_ERR_PUBKEY_ALGO);
			s.pk_algo = WEFT_PK_ELGAMAL_ES;
			T_ERR(weft_sig_verify(pool_pk[dsa][j], &s, &t),
			      GPG_ERR_PUBKEY_ALGO);
			n++;
		}
		T_EQ_INT(n, 1);
		s = f->item[i].sig;
	}
	{
		size_t files[] = { ed, v6, ed448 };
		size_t j;
		int n = 0;

		for (j = 0; j < WEFT_ARRAY_SIZE(files); j++)
			for (i = 1; i < pool[files[j]].n; i++) {
				const weft_pubkey *pk = pool_pk[files[j]][i];
				uint8_t a;

				if (!pk)
					continue;
				a = weft_pubkey_algo(pk);
				if (a != WEFT_PK_ECDH && a != WEFT_PK_X25519 &&
				    a != WEFT_PK_X448)
					continue;
				s.pk_algo = a;
				T_ERR(weft_sig_verify(pk, &s, &t),
				      GPG_ERR_PUBKEY_ALGO);
				n++;
			}
		T_EQ_INT(n, 3);
	}

	/* Ed25519 (27) wants at least a 256-bit digest, Ed448 512 bits; v6
	 * salts must have the size of their hash */
	f = &pool[v6];
	for (i = 0; i < f->n && f->item[i].tag != WEFT_PKT_SIGNATURE; i++)
		;
	t = ct_target(f, i);
	s = f->item[i].sig;
	T_OK(weft_sig_verify(pool_pk[v6][0], &s, &t));
	s.hash_algo = WEFT_HASH_SHA1;
	T_ERR(weft_sig_verify(pool_pk[v6][0], &s, &t), GPG_ERR_DIGEST_ALGO);
	s.hash_algo = WEFT_HASH_SHA224;
	T_ERR(weft_sig_verify(pool_pk[v6][0], &s, &t), GPG_ERR_DIGEST_ALGO);
	s = f->item[i].sig;
	s.salt_len--;
	T_ERR(weft_sig_verify(pool_pk[v6][0], &s, &t), GPG_ERR_BAD_SIGNATURE);
	s.salt_len += 2;
	T_ERR(weft_sig_verify(pool_pk[v6][0], &s, &t), GPG_ERR_BAD_SIGNATURE);
	s = f->item[i].sig;
	s.mpis[0].len = 63;
	T_ERR(weft_sig_verify(pool_pk[v6][0], &s, &t), GPG_ERR_INV_DATA);
	s = f->item[i].sig;
	s.mpis[0].kind = WEFT_FIELD_MPI;
	T_ERR(weft_sig_verify(pool_pk[v6][0], &s, &t), GPG_ERR_INV_DATA);

	f = &pool[ed448];
	t = ct_target(f, 1);
	s = f->item[1].sig;
	T_OK(weft_sig_verify(pool_pk[ed448][0], &s, &t));
	s.hash_algo = WEFT_HASH_SHA384;
	T_ERR(weft_sig_verify(pool_pk[ed448][0], &s, &t), GPG_ERR_DIGEST_ALGO);
	s = f->item[1].sig;
	s.mpis[0].len = 113;
	T_ERR(weft_sig_verify(pool_pk[ed448][0], &s, &t), GPG_ERR_INV_DATA);

	/* EdDSA legacy: r or s longer than 32 octets is malformed; leading
	 * zeros are not */
	f = &pool[ed];
	for (i = 0; i < f->n && f->item[i].tag != WEFT_PKT_SIGNATURE; i++)
		;
	t = ct_target(f, i);
	s = f->item[i].sig;
	T_OK(weft_sig_verify(pool_pk[ed][0], &s, &t));
	{
		uint8_t r33[33];

		r33[0] = 0;
		memcpy(r33 + 1, s.mpis[0].data, s.mpis[0].len);
		s.mpis[0].data = r33;
		s.mpis[0].len++;
		T_OK(weft_sig_verify(pool_pk[ed][0], &s, &t));
		r33[0] = 1;
		T_ERR(weft_sig_verify(pool_pk[ed][0], &s, &t), GPG_ERR_INV_DATA);
	}
	s = f->item[i].sig;
	s.nmpis = 1;
	T_ERR(weft_sig_verify(pool_pk[ed][0], &s, &t), GPG_ERR_INV_DATA);
}

int
main(void)
{
	size_t f;
	int i;
	gpg_error_t err;

	T_OK(weft_crypto_init());
	for (f = 0; f < NCERTS; f++) {
		ct_load(&pool[f], certs[f]);
		for (i = 0; i < pool[f].n; i++) {
			if (!ct_is_key(&pool[f].item[i]))
				continue;
			err = weft_pubkey_new(&pool_pk[f][i], &pool[f].item[i].key);
			T_CHECK(!err, "%s key %d (algo %u): %s", certs[f], i,
				pool[f].item[i].key.algo, gpg_strerror(err));
		}
	}
	check_certs();
	check_data_sigs();
	check_key_revocations();
	check_errors();
	for (f = 0; f < NCERTS; f++) {
		for (i = 0; i < CT_MAX; i++)
			weft_pubkey_free(pool_pk[f][i]);
		ct_free(&pool[f]);
	}
	return t_done();
}
