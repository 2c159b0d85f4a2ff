/* fingerprint.c - v4/v6 fingerprints and key IDs of real keys, against
 * what gpg 2.2.40 (--with-colons --fingerprint), sq 0.27 (sq inspect) and
 * RFC 9580 Appendix A print for them. */
#include "cryptotest.h"

typedef struct want_key {
	const char *fpr;
	const char *keyid;       /* gpg's field 5 / the RFC's key ID */
} want_key;

static const struct {
	const char *file;
	want_key keys[5];
} cases[] = {
	/* gpg --quick-gen-key ... rsa2048, + rsa2048 signing subkey */
	{ "gpg-rsa2048.pgp", {
	  { "79281F5FED9108D5BAF6ED35976EACDD2CD1A0A1", "976EACDD2CD1A0A1" },
	  { "653C6A0D31D995D4DA331B0E6E81330279192CA2", "6E81330279192CA2" } } },
	/* dsa2048 + elg2048 encryption subkey */
	{ "gpg-dsa2048.pgp", {
	  { "543040DF18356085A2EDEDB5C9210E43E305156B", "C9210E43E305156B" },
	  { "82BBDA69C7EAC09D1461160F7020FCA1265E7AAB", "7020FCA1265E7AAB" } } },
	/* ed25519 (EdDSA legacy) + cv25519 + ed25519 signing subkey */
	{ "gpg-ed25519.pgp", {
	  { "9BF545B341280CEC154EF9C5D6B5DBC35F728982", "D6B5DBC35F728982" },
	  { "E7C23D2ED654F9B416F7491361FE7B93A75E1BC1", "61FE7B93A75E1BC1" },
	  { "F7A8F5DC3039F873CDE1A9516FFB70D40B11A04C", "6FFB70D40B11A04C" } } },
	{ "gpg-nistp256.pgp", {
	  { "42C7D23B0889323DE0E02FA23338881F77B65833", "3338881F77B65833" },
	  { "304A2D4DE8AF76BE81D5FC9065102288068E3CB0", "65102288068E3CB0" } } },
	{ "gpg-nistp384.pgp", {
	  { "DDA57D8B8B89423064E038CB318C720160637EC7", "318C720160637EC7" } } },
	{ "gpg-nistp521.pgp", {
	  { "5E1619127762B586E02387CA5A544471A6C1A20F", "5A544471A6C1A20F" } } },
	{ "gpg-brainpoolP256r1.pgp", {
	  { "2F7E6F9A69F704EA94289D4E59FC391E61CCBE3C", "59FC391E61CCBE3C" },
	  { "1DA6ACBAEBD54FCBFEF650615F3AC892006168EB", "5F3AC892006168EB" } } },
	/* sq key generate --cipher-suite cv25519 (sq inspect; gpg agrees) */
	{ "sq-cv25519.pgp", {
	  { "28053C395CC60539BEF9736C6420D0E0CFC50516", "6420D0E0CFC50516" },
	  { "EF86DF51E7366A7E487D107EEBD31351867F8C43", "EBD31351867F8C43" },
	  { "D9906BFDAD2456DE5DA3AFDA83AAC7E2AEF9DB0C", "83AAC7E2AEF9DB0C" },
	  { "7D622336C777EE0ADD1773F90ED7795CB68E6CC4", "0ED7795CB68E6CC4" } } },
	{ "sq-rsa3k.pgp", {
	  { "7FA3D0C539933EFFDF1119C377E400C124C22E45", "77E400C124C22E45" },
	  { "5BE4D287D4EB5FA82E3D081195D68D8711CFCAB6", "95D68D8711CFCAB6" },
	  { "598B424E64B746EC4C3D6C803D328B400CC22FF3", "3D328B400CC22FF3" },
	  { "CC818764B9F7E55669F87883A7AEFE79EB3AC6CD", "A7AEFE79EB3AC6CD" } } },
	/* RFC 9580 A.2: v4 Ed25519Legacy key */
	{ "rfc9580-a2-ed25519legacy.pgp", {
	  { "C959BDBAFA32A2F89A153B678CFDE12197965A9A", "8CFDE12197965A9A" } } },
	/* RFC 9580 A.3 (certificate) and A.4 (secret key): v6 Ed25519 +
	 * X25519; the fingerprints printed in the RFC */
	{ "rfc9580-a3-v6-cert.pgp", {
	  { "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9",
	    "CB186C4F0609A697" },
	  { "12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885",
	    "12C83F1E706F6308" } } },
	{ "rfc9580-a4-v6-secret.pgp", {
	  { "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9",
	    "CB186C4F0609A697" },
	  { "12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885",
	    "12C83F1E706F6308" } } },
	/* synthetic (make-synthetic.py): v4 ones as gpg prints them, the
	 * v6 and algorithm-27 ones as the script computed them */
	{ "syn-rsa.pgp", {
	  { "3748DF3658546E449D6E398CD2DA8D314C0D2FDF", "D2DA8D314C0D2FDF" } } },
	{ "syn-secp256k1.pgp", {
	  { "C7E30F63E60856D8B48D0D0CD17401689A525DD6", "D17401689A525DD6" } } },
	{ "syn-brainpoolP384r1.pgp", {
	  { "AC4F522D46702DB51918DADC3B8E93BF69977064", "3B8E93BF69977064" } } },
	{ "syn-brainpoolP512r1.pgp", {
	  { "068CD3DFD7341C796CF8BBC6A7F6B2DA2A8D4F6F", "A7F6B2DA2A8D4F6F" } } },
	{ "syn-v6-ed448.pgp", {
	  { "F6C95C19B2F17A0E73207B36B6A2AEAF736158422780D9DA38C5D54643E92D0B",
	    "F6C95C19B2F17A0E" },
	  { "5E99F052507B7B93440AC237B45FA9A373A5206B209AC31FB2619EE2D7A4F3EF",
	    "5E99F052507B7B93" } } },
	{ "syn-v4-ed25519.pgp", {
	  { "6DD33B8C709FC3D83ECF33C941D7A240CE4ACFEB", "41D7A240CE4ACFEB" } } },
};

static void
check_file(size_t c)
{
	ct_file f;
	uint8_t fpr[WEFT_FPR_MAX], keyid[8];
	char hex[2 * WEFT_FPR_MAX + 1], kidhex[17];
	size_t len, nwant = 0, nfound = 0, k;
	int i;
	bool found;

	for (k = 0; k < 5 && cases[c].keys[k].fpr; k++)
		nwant++;
	ct_load(&f, cases[c].file);
	for (i = 0; i < f.n; i++) {
		if (!ct_is_key(&f.item[i]))
			continue;
		T_OK(weft_key_fingerprint(&f.item[i].key, fpr, &len));
		T_EQ_INT(len, f.item[i].key.version == 6 ? 32 : 20);
		ct_hex(hex, fpr, len);
		weft_keyid_from_fpr(fpr, len, keyid);
		ct_hex(kidhex, keyid, 8);
		found = false;
		for (k = 0; k < nwant; k++) {
			if (strcmp(hex, cases[c].keys[k].fpr))
				continue;
			found = true;
			nfound++;
			T_EQ_STR(kidhex, cases[c].keys[k].keyid);
		}
		T_CHECK(found, "%s: unexpected key %s", cases[c].file, hex);
	}
	T_CHECK(nfound == nwant, "%s: %zu of %zu keys found", cases[c].file,
		nfound, nwant);
	ct_free(&f);
}

/* A hand-built key: the RFC 9580 A.2 key packet body, fed through a
 * weft_pkt_key filled by hand (no parser), then with its version
 * changed. */
static void
check_hand_built(void)
{
	static const char body_hex[] =
		"0453f35f0b16092b06010401da470f010107403f098994bdd916ed4053197934"
		"e4a87c80733a1280d62f8010992e43ee3b2406";
	uint8_t body[64], fpr[WEFT_FPR_MAX], want[20], keyid[8];
	size_t n, len;
	weft_pkt_key k;

	n = t_unhex(body_hex, body, sizeof body);
	memset(&k, 0, sizeof k);
	k.tag = WEFT_PKT_PUBLIC_KEY;
	k.version = 4;
	k.pub = body;
	k.pub_len = n;
	T_OK(weft_key_fingerprint(&k, fpr, &len));
	t_unhex("C959BDBAFA32A2F89A153B678CFDE12197965A9A", want, sizeof want);
	T_EQ_INT(len, 20);
	T_EQ_MEM(fpr, want, 20);

	/* v6 framing over the same octets gives a 32-octet SHA-256 */
	k.version = 6;
	T_OK(weft_key_fingerprint(&k, fpr, &len));
	T_EQ_INT(len, 32);
	T_CHECK(memcmp(fpr, want, 20) != 0, "v6 framing ignored");

	/* versions without a fingerprint we compute */
	{
		static const uint8_t bad[] = { 0, 2, 3, 5, 7, 255 };
		size_t i;

		for (i = 0; i < sizeof bad; i++) {
			k.version = bad[i];
			memset(fpr, 0xee, sizeof fpr);
			len = 77;
			T_ERR(weft_key_fingerprint(&k, fpr, &len),
			      GPG_ERR_UNKNOWN_VERSION);
			T_EQ_INT(len, 0);
			T_EQ_INT(fpr[0], 0);
		}
	}

	/* a v4 public part over 65535 octets cannot be framed */
	{
		static uint8_t big[70000];

		k.version = 4;
		k.pub = big;
		k.pub_len = sizeof big;
		T_ERR(weft_key_fingerprint(&k, fpr, &len), GPG_ERR_TOO_LARGE);
	}

	/* key IDs of odd lengths */
	memset(fpr, 0x11, sizeof fpr);
	fpr[0] = 0xaa;
	fpr[19] = 0xbb;
	weft_keyid_from_fpr(fpr, 20, keyid);
	T_EQ_INT(keyid[7], 0xbb);
	weft_keyid_from_fpr(fpr, 32, keyid);
	T_EQ_INT(keyid[0], 0xaa);
	weft_keyid_from_fpr(fpr, 4, keyid);
	T_EQ_INT(keyid[0] | keyid[7], 0);
}

int
main(void)
{
	size_t c;

	T_OK(weft_crypto_init());
	for (c = 0; c < WEFT_ARRAY_SIZE(cases); c++)
		check_file(c);
	check_hand_built();
	return t_done();
}
