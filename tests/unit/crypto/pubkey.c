/* pubkey.c - weft_pubkey_new for every algorithm and curve, and keygrips
 * against what gpg 2.2.40 prints (gpg --with-colons --with-keygrip). */
#include "cryptotest.h"

static const struct {
	const char *file;
	struct { const char *fpr, *grip; } keys[4];
} grips[] = {
	{ "gpg-rsa2048.pgp", {
	  { "79281F5FED9108D5BAF6ED35976EACDD2CD1A0A1", "7631276CE35B7ED2CB096A7803F4A5285692AD9B" },
	  { "653C6A0D31D995D4DA331B0E6E81330279192CA2", "2A2801286209C4D17E966A5455B0A0280CAEB54C" } } },
	{ "gpg-dsa2048.pgp", {  /* DSA, ElGamal */
	  { "543040DF18356085A2EDEDB5C9210E43E305156B", "757D31BE733ECC65537D203EED1E98F53CBA5B95" },
	  { "82BBDA69C7EAC09D1461160F7020FCA1265E7AAB", "0427B28B87BD390F6E06009D26D3C8C27E8A154C" } } },
	{ "gpg-ed25519.pgp", {  /* EdDSA, ECDH cv25519, EdDSA */
	  { "9BF545B341280CEC154EF9C5D6B5DBC35F728982", "22D2E4F653029372385D56FD3937689CE3FD7337" },
	  { "E7C23D2ED654F9B416F7491361FE7B93A75E1BC1", "63B686316CE5C6E92EEC7A36DEEE84006FB82DDF" },
	  { "F7A8F5DC3039F873CDE1A9516FFB70D40B11A04C", "8B60CAB0DD950856C454DFA1C33CB8363C379DFD" } } },
	{ "gpg-nistp256.pgp", {  /* ECDSA, ECDH P-256 */
	  { "42C7D23B0889323DE0E02FA23338881F77B65833", "DE877080DEEBBACA26A180C5BA00DB3A04DC0614" },
	  { "304A2D4DE8AF76BE81D5FC9065102288068E3CB0", "2EF31709371A857E15199E485A95D8B97EC186F3" } } },
	{ "gpg-nistp384.pgp", {
	  { "DDA57D8B8B89423064E038CB318C720160637EC7", "6DB363597BBDB73FC6893BCE77AE6845D0FF7C86" } } },
	{ "gpg-nistp521.pgp", {
	  { "5E1619127762B586E02387CA5A544471A6C1A20F", "B9A93F4FBB50B0FDBB3DC097A3E867B94EE35D0C" } } },
	{ "gpg-brainpoolP256r1.pgp", {
	  { "2F7E6F9A69F704EA94289D4E59FC391E61CCBE3C", "8C890AF066CD0493C08EF058C2120E48F6BA0163" },
	  { "1DA6ACBAEBD54FCBFEF650615F3AC892006168EB", "794D352F4589E03B4C3219E6C0A3AB0A4D0EDDE5" } } },
	{ "sq-cv25519.pgp", {  /* imported into gpg for the grips */
	  { "28053C395CC60539BEF9736C6420D0E0CFC50516", "7E7DC3B2E7C94A8E6BBD37E8896E28D83611DB0D" },
	  { "EF86DF51E7366A7E487D107EEBD31351867F8C43", "815ADF7AB3366096715EA18F3E80E4B4B8023053" },
	  { "D9906BFDAD2456DE5DA3AFDA83AAC7E2AEF9DB0C", "6150CB9B3B9672FD821C422B6E037AD52A932BB1" },
	  { "7D622336C777EE0ADD1773F90ED7795CB68E6CC4", "15A47D1CEF06A2F7880F8CA033878831367608DC" } } },
	{ "sq-rsa3k.pgp", {
	  { "7FA3D0C539933EFFDF1119C377E400C124C22E45", "034DF6D6CDE4E787B06B3B5CCA92959D52A77E3A" },
	  { "5BE4D287D4EB5FA82E3D081195D68D8711CFCAB6", "B17FEED8044CFEA7580F7B3FB103DF0057C6868F" },
	  { "598B424E64B746EC4C3D6C803D328B400CC22FF3", "97801FAD1BF93313732DA8035D7443B38CBF2DCB" },
	  { "CC818764B9F7E55669F87883A7AEFE79EB3AC6CD", "FFE55B896605EDA620C4BBFFB5FBFD9D0501C66C" } } },
	{ "syn-rsa.pgp", {
	  { "3748DF3658546E449D6E398CD2DA8D314C0D2FDF", "D4298CB37DFE008DD68B9D7020292956FD33F7AF" } } },
	{ "syn-secp256k1.pgp", {
	  { "C7E30F63E60856D8B48D0D0CD17401689A525DD6", "A59B38573C2E47E830E88D61B03B5611F358DEA2" } } },
	{ "syn-brainpoolP384r1.pgp", {
	  { "AC4F522D46702DB51918DADC3B8E93BF69977064", "F90B852858BD0733C7BB977A79841AC595CD41C4" } } },
	{ "syn-brainpoolP512r1.pgp", {
	  { "068CD3DFD7341C796CF8BBC6A7F6B2DA2A8D4F6F", "C158AD57F40174215553894CFAD24E5F2E8FBA26" } } },
};

static void
check_grips(size_t c)
{
	ct_file f;
	weft_pubkey *pk;
	uint8_t fpr[WEFT_FPR_MAX], grip[20];
	char fhex[2 * WEFT_FPR_MAX + 1], ghex[41];
	size_t len, k, nwant = 0;
	int i, nfound = 0;
	bool found;

	for (k = 0; k < 4 && grips[c].keys[k].fpr; k++)
		nwant++;
	ct_load(&f, grips[c].file);
	for (i = 0; i < f.n; i++) {
		if (!ct_is_key(&f.item[i]))
			continue;
		T_OK(weft_key_fingerprint(&f.item[i].key, fpr, &len));
		ct_hex(fhex, fpr, len);
		pk = NULL;
		T_OK(weft_pubkey_new(&pk, &f.item[i].key));
		if (!pk)
			continue;
		T_EQ_INT(weft_pubkey_algo(pk), f.item[i].key.algo);
		T_OK(weft_pubkey_keygrip(pk, grip));
		ct_hex(ghex, grip, 20);
		found = false;
		for (k = 0; k < nwant; k++) {
			if (strcmp(fhex, grips[c].keys[k].fpr))
				continue;
			found = true;
			nfound++;
			T_CHECK(!strcmp(ghex, grips[c].keys[k].grip),
				"%s key %s (algo %u): grip %s, gpg says %s",
				grips[c].file, fhex, f.item[i].key.algo, ghex,
				grips[c].keys[k].grip);
		}
		T_CHECK(found, "%s: key %s not in the table", grips[c].file, fhex);
		weft_pubkey_free(pk);
	}
	T_EQ_INT(nfound, nwant);
	ct_free(&f);
}

static void
grip_of(const weft_pkt_key *k, uint8_t grip[20])
{
	weft_pubkey *pk = NULL;

	memset(grip, 0, 20);
	T_OK(weft_pubkey_new(&pk, k));
	if (pk)
		T_OK(weft_pubkey_keygrip(pk, grip));
	weft_pubkey_free(pk);
}

static const uint8_t oid_ed25519[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01 };
static const uint8_t oid_cv25519[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01 };
static const uint8_t oid_p256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t oid_ed448[] = { 0x2b, 0x65, 0x71 };
static const uint8_t oid_x448[] = { 0x2b, 0x65, 0x6f };
static const uint8_t oid_unknown[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x01 };

/* A legacy (v4-style) EC key with OID and point, built by hand. */
static weft_pkt_key
ec_key(uint8_t algo, const uint8_t *oid, size_t oid_len, const uint8_t *q,
       size_t q_len)
{
	static const uint8_t kdf[] = { 0x01, 0x08, 0x07 };
	weft_pkt_key k;

	memset(&k, 0, sizeof k);
	k.tag = WEFT_PKT_PUBLIC_KEY;
	k.version = 4;
	k.algo = algo;
	k.known_algo = true;
	k.fields[0].kind = WEFT_FIELD_OID;
	k.fields[0].data = oid;
	k.fields[0].len = oid_len;
	k.fields[1].kind = WEFT_FIELD_MPI;
	k.fields[1].data = q;
	k.fields[1].len = q_len;
	k.fields[1].bits = (unsigned)q_len * 8;
	k.nfields = 2;
	if (algo == WEFT_PK_ECDH) {
		k.fields[2].kind = WEFT_FIELD_KDF;
		k.fields[2].data = kdf;
		k.fields[2].len = sizeof kdf;
		k.nfields = 3;
	}
	k.curve = weft_curve_by_oid(oid, oid_len);
	return k;
}

/* Native keys get the grip of the same point in its legacy packet:
 * RFC 9580 A.3's Ed25519 primary and X25519 subkey. */
static void
check_native_vs_legacy(void)
{
	ct_file f;
	uint8_t point[33], g_native[20], g_legacy[20];
	weft_pkt_key k;
	int i, checked = 0;

	ct_load(&f, "rfc9580-a3-v6-cert.pgp");
	for (i = 0; i < f.n; i++) {
		const weft_pkt_key *nk = &f.item[i].key;

		if (!ct_is_key(&f.item[i]))
			continue;
		grip_of(nk, g_native);
		point[0] = 0x40;
		memcpy(point + 1, nk->fields[0].data, 32);
		if (nk->algo == WEFT_PK_ED25519)
			k = ec_key(WEFT_PK_EDDSA_LEGACY, oid_ed25519,
				   sizeof oid_ed25519, point, 33);
		else if (nk->algo == WEFT_PK_X25519)
			k = ec_key(WEFT_PK_ECDH, oid_cv25519, sizeof oid_cv25519,
				   point, 33);
		else
			continue;
		grip_of(&k, g_legacy);
		T_EQ_MEM(g_native, g_legacy, 20);
		checked++;
	}
	T_EQ_INT(checked, 2);
	ct_free(&f);
}

/* Ed448 and X448 (synthetic v6 key): built, grips computed and distinct. */
static void
check_448(void)
{
	ct_file f;
	uint8_t g[2][20];
	int i, n = 0;

	ct_load(&f, "syn-v6-ed448.pgp");
	for (i = 0; i < f.n && n < 2; i++) {
		if (!ct_is_key(&f.item[i]))
			continue;
		T_EQ_INT(f.item[i].key.algo, n ? WEFT_PK_X448 : WEFT_PK_ED448);
		grip_of(&f.item[i].key, g[n]);
		n++;
	}
	T_EQ_INT(n, 2);
	T_CHECK(memcmp(g[0], g[1], 20) != 0, "Ed448 and X448 grips equal");
	ct_free(&f);
}

static void
expect_fail(const weft_pkt_key *k, gpg_err_code_t code, const char *what)
{
	weft_pubkey *pk = (weft_pubkey *)&pk;  /* must be cleared */
	gpg_error_t err = weft_pubkey_new(&pk, k);

	T_CHECK(gpg_err_code(err) == code, "%s: want %s, got %s", what,
		gpg_strerror(code), err ? gpg_strerror(err) : "success");
	T_CHECK(pk == NULL, "%s: output not cleared", what);
	if (!err)
		weft_pubkey_free(pk);
}

/* Material we refuse.  More broken inputs than good ones. */
static void
check_refused(void)
{
	ct_file rsa, ed, p256, a3;
	weft_pkt_key k;
	uint8_t q33[33], q32[32], q65[65];

	ct_load(&rsa, "gpg-rsa2048.pgp");
	ct_load(&ed, "gpg-ed25519.pgp");
	ct_load(&p256, "gpg-nistp256.pgp");
	ct_load(&a3, "rfc9580-a3-v6-cert.pgp");

	/* unknown algorithms, or material the parser did not split */
	k = rsa.item[0].key;
	k.algo = 99;
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "algo 99");
	k.algo = 0;
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "algo 0");
	k = rsa.item[0].key;
	k.known_algo = false;
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "unknown material");

	/* RSA: a missing field, a field of the wrong kind, n = 0 */
	k = rsa.item[0].key;
	k.nfields = 1;
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "RSA without e");
	k = rsa.item[0].key;
	k.fields[1].kind = WEFT_FIELD_OID;
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "RSA e not an MPI");
	k = rsa.item[0].key;
	k.fields[0].len = 0;
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "RSA n = 0");
	/* DSA with three fields */
	k = rsa.item[0].key;
	k.algo = WEFT_PK_DSA;
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "DSA with RSA's fields");

	/* curves that do not go with the algorithm */
	memcpy(q33, ed.item[0].key.fields[1].data, 33);
	memcpy(q65, p256.item[0].key.fields[1].data, 65);
	k = ec_key(WEFT_PK_ECDSA, oid_ed25519, sizeof oid_ed25519, q33, 33);
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "ECDSA on Ed25519");
	k = ec_key(WEFT_PK_ECDSA, oid_cv25519, sizeof oid_cv25519, q33, 33);
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "ECDSA on Curve25519");
	k = ec_key(WEFT_PK_ECDSA, oid_ed448, sizeof oid_ed448, q33, 33);
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "ECDSA on Ed448");
	k = ec_key(WEFT_PK_EDDSA_LEGACY, oid_p256, sizeof oid_p256, q65, 65);
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "EdDSA on P-256");
	k = ec_key(WEFT_PK_EDDSA_LEGACY, oid_ed448, sizeof oid_ed448, q33, 33);
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "EdDSA legacy on Ed448");
	k = ec_key(WEFT_PK_EDDSA_LEGACY, oid_cv25519, sizeof oid_cv25519, q33, 33);
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "EdDSA on Curve25519");
	k = ec_key(WEFT_PK_ECDH, oid_ed25519, sizeof oid_ed25519, q33, 33);
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "ECDH on Ed25519");
	k = ec_key(WEFT_PK_ECDSA, oid_unknown, sizeof oid_unknown, q65, 65);
	T_CHECK(k.curve == NULL, "test OID is known");
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "ECDSA on an unknown curve");
	k = ec_key(WEFT_PK_ECDH, oid_unknown, sizeof oid_unknown, q65, 65);
	expect_fail(&k, GPG_ERR_PUBKEY_ALGO, "ECDH on an unknown curve");

	/* points of the wrong shape */
	memcpy(q32, q33 + 1, 32);
	k = ec_key(WEFT_PK_EDDSA_LEGACY, oid_ed25519, sizeof oid_ed25519, q32, 32);
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "Ed25519 point without 0x40");
	q33[0] = 0x04;
	k = ec_key(WEFT_PK_EDDSA_LEGACY, oid_ed25519, sizeof oid_ed25519, q33, 33);
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "Ed25519 point with 0x04");
	k = ec_key(WEFT_PK_ECDH, oid_cv25519, sizeof oid_cv25519, q33, 33);
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "Curve25519 point with 0x04");
	k = ec_key(WEFT_PK_ECDH, oid_cv25519, sizeof oid_cv25519, q32, 32);
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "Curve25519 point without prefix");
	k = ec_key(WEFT_PK_ECDSA, oid_p256, sizeof oid_p256, q65, 0);
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "P-256 empty point");
	q33[0] = 0x40;

	/* native keys of the wrong size or kind */
	k = a3.item[0].key;
	k.fields[0].len = 31;
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "Ed25519 of 31 octets");
	k = a3.item[0].key;
	k.fields[0].kind = WEFT_FIELD_MPI;
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "Ed25519 as an MPI");
	k = a3.item[0].key;
	k.algo = WEFT_PK_ED448;
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "Ed448 of 32 octets");
	k.algo = WEFT_PK_X448;
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "X448 of 32 octets");
	k = a3.item[0].key;
	k.nfields = 0;
	expect_fail(&k, GPG_ERR_BAD_PUBKEY, "Ed25519 without fields");

	/* and what is accepted: ECDH on X448 by OID (GnuPG's v5 form),
	 * ECDSA on P-256 from hand-built fields */
	{
		uint8_t x[57], g[20];

		memset(x, 0x09, sizeof x);
		x[0] = 0x40;
		k = ec_key(WEFT_PK_ECDH, oid_x448, sizeof oid_x448, x, 57);
		grip_of(&k, g);
		k = ec_key(WEFT_PK_ECDSA, oid_p256, sizeof oid_p256, q65, 65);
		grip_of(&k, g);
	}

	weft_pubkey_free(NULL);
	ct_free(&rsa);
	ct_free(&ed);
	ct_free(&p256);
	ct_free(&a3);
}

int
main(void)
{
	size_t c;

	T_OK(weft_crypto_init());
	for (c = 0; c < WEFT_ARRAY_SIZE(grips); c++)
		check_grips(c);
	check_native_vs_legacy();
	check_448();
	check_refused();
	return t_done();
}
