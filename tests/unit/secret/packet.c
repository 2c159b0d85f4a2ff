/* packet.c - weft_pkt_secret_parse / _write and weft_secret_fields_parse:
 * the secret part of secret key packets, v4 and v6.
 *
 * A table of secret parts after a fixed public part (RFC 9580 A.1's v4
 * EdDSA key, A.4's v6 Ed25519 key), each with the result it must give;
 * broken ones outnumber good ones.  Every good one writes back byte for
 * byte, and every truncation inside its parameters is an error. */
#include "sectest.h"

/* RFC 9580 A.1: v4 EdDSA legacy public key. */
static const char v4pub[] =
	"0453f35f0b16092b06010401da470f010107403f098994bdd916ed4053197934e4"
	"a87c80733a1280d62f8010992e43ee3b2406";
/* RFC 9580 A.4: v6 Ed25519 public key. */
static const char v6pub[] =
	"0663877fe31b00000020f94da7bb48d60a61e567706a6587d0331999bb9d891a08"
	"242ead84543df895a3";

#define SALT8 "0102030405060708"
#define SALT16 "0102030405060708090a0b0c0d0e0f10"
#define IV16 "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
#define NONCE15 "b0b1b2b3b4b5b6b7b8b9babbbcbdbe"
#define D32 "00ff1f2f3f4f5f6f7f8f9fafbfcfdfef0102030405060708090a0b0c0d0e0f10"

static const struct {
	int version;
	const char *hex;          /* the secret part */
	gpg_err_code_t want;
	uint8_t usage;            /* when it parses */
	bool stub;
	const char *what;
} cases[] = {
	/* v4, clear: MPI of 255 bits (00ff... has a leading zero octet in
	 * D32: written as a 31-octet MPI), checksum. */
	{ 4, "00" "00f8" "ff1f2f3f4f5f6f7f8f9fafbfcfdfef0102030405060708090a0b0c0d0e0f10" "09e1",
	  0, 0, false, "v4 clear" },
	{ 4, "00" "00f8" "ff1f2f3f4f5f6f7f8f9fafbfcfdfef0102030405060708090a0b0c0d0e0f10" "09e2",
	  GPG_ERR_CHECKSUM, 0, false, "v4 clear, bad checksum" },
	{ 4, "00" "0000", GPG_ERR_INV_PACKET, 0, false, "v4 clear, nothing" },
	{ 4, "00" "00", GPG_ERR_INV_PACKET, 0, false, "v4 clear, half a checksum" },
	{ 4, "00", GPG_ERR_INV_PACKET, 0, false, "v4 usage octet only" },
	/* v4, 254: AES-256, iterated SHA-256. */
	{ 4, "fe" "09" "03" "08" SALT8 "ff" IV16 "deadbeef",
	  0, 254, false, "v4 254 iterated" },
	{ 4, "fe" "09" "03" "08" SALT8 "ff" "a0a1a2",
	  GPG_ERR_INV_PACKET, 0, false, "v4 254 IV cut" },
	{ 4, "fe" "09" "03" "08" SALT8 "ff" IV16,
	  GPG_ERR_INV_PACKET, 0, false, "v4 254 no data" },
	{ 4, "fe" "63" "03" "08" SALT8 "ff" IV16 "00",
	  GPG_ERR_CIPHER_ALGO, 0, false, "v4 254 cipher 99" },
	{ 4, "fe" "09" "02" "08" SALT8 "ff" IV16 "00",
	  GPG_ERR_NOT_SUPPORTED, 0, false, "v4 254 S2K type 2" },
	{ 4, "fe" "09" "05" "08" IV16 "00",
	  GPG_ERR_NOT_SUPPORTED, 0, false, "v4 254 S2K type 5" },
	{ 4, "fe" "09" "03" "08" "0102",
	  GPG_ERR_INV_PACKET, 0, false, "v4 254 salt cut" },
	{ 4, "fe" "03" "01" "02" SALT8 "a0a1a2a3a4a5a6a7" "00",
	  0, 254, false, "v4 254 CAST5, salted SHA-1 (8-octet IV)" },
	{ 4, "fe" "09" "00" "02" IV16 "00", 0, 254, false, "v4 254 simple S2K" },
	{ 4, "fe" "09" "04" SALT16 "01" "01" "03" IV16 "00",
	  0, 254, false, "v4 254 Argon2" },
	{ 4, "ff" "09" "03" "08" SALT8 "60" IV16 "00",
	  0, 255, false, "v4 255" },
	{ 4, "ff" "09" "04" SALT16 "01" "01" "03" IV16 "00",
	  GPG_ERR_INV_PACKET, 0, false, "v4 255 with Argon2" },
	/* Argon2 parameters (RFC 9580 3.7.1.4). */
	{ 4, "fe" "09" "04" SALT16 "00" "01" "03" IV16 "00",
	  GPG_ERR_INV_PACKET, 0, false, "Argon2 t=0" },
	{ 4, "fe" "09" "04" SALT16 "01" "00" "03" IV16 "00",
	  GPG_ERR_INV_PACKET, 0, false, "Argon2 p=0" },
	{ 4, "fe" "09" "04" SALT16 "01" "01" "02" IV16 "00",
	  GPG_ERR_INV_PACKET, 0, false, "Argon2 m < 8p" },
	{ 4, "fe" "09" "04" SALT16 "01" "04" "04" IV16 "00",
	  GPG_ERR_INV_PACKET, 0, false, "Argon2 m < 8p (p=4)" },
	{ 4, "fe" "09" "04" SALT16 "01" "01" "20" IV16 "00",
	  GPG_ERR_INV_PACKET, 0, false, "Argon2 m = 2^32" },
	/* Obsolete: usage is a cipher. */
	{ 4, "07" IV16 "00", GPG_ERR_CIPHER_ALGO, 0, false, "v4 usage 7" },
	{ 4, "01" "a0a1a2a3a4a5a6a7" "00", GPG_ERR_CIPHER_ALGO, 0, false,
	  "v4 usage 1" },
	/* v4, 253 (AEAD). */
	{ 4, "fd" "09" "02" "03" "08" SALT8 "ff" NONCE15
	     "00112233445566778899aabbccddeeff00",
	  0, 253, false, "v4 253 OCB" },
	{ 4, "fd" "09" "01" "03" "08" SALT8 "ff" IV16 "00",
	  0, 253, false, "v4 253 EAX (16-octet nonce)" },
	{ 4, "fd" "09" "03" "03" "08" SALT8 "ff" "a0a1a2a3a4a5a6a7a8a9aaab" "00",
	  0, 253, false, "v4 253 GCM (12-octet nonce)" },
	{ 4, "fd" "02" "02" "03" "08" SALT8 "ff" NONCE15 "00",
	  GPG_ERR_CIPHER_ALGO, 0, false, "v4 253 with 3DES" },
	{ 4, "fd" "09" "09" "03" "08" SALT8 "ff" NONCE15 "00",
	  GPG_ERR_CIPHER_ALGO, 0, false, "v4 253 AEAD 9" },
	{ 4, "fd" "09" "02" "03" "08" SALT8 "ff" "b0b1",
	  GPG_ERR_INV_PACKET, 0, false, "v4 253 nonce cut" },
	/* GnuPG stubs. */
	{ 4, "ff" "00" "65" "00" "474e55" "01", 0, 255, true, "gnu-dummy" },
	{ 4, "fe" "00" "65" "02" "474e55" "01", 0, 254, true, "gnu-dummy 254" },
	{ 4, "ff" "00" "65" "00" "474e55" "02" "10" SALT16, 0, 255, true,
	  "card stub" },
	{ 4, "ff" "00" "65" "00" "474e55" "02" "11" SALT16 "00",
	  GPG_ERR_INV_PACKET, 0, false, "card stub, 17-octet serial" },
	{ 4, "ff" "00" "65" "00" "474e55" "02" "10" "0102",
	  GPG_ERR_INV_PACKET, 0, false, "card stub, serial cut" },
	{ 4, "ff" "00" "65" "00" "474e55" "03", GPG_ERR_NOT_SUPPORTED, 0, false,
	  "GNU mode 3" },
	{ 4, "ff" "00" "65" "00" "474e56" "01", GPG_ERR_NOT_SUPPORTED, 0, false,
	  "not GNU" },
	{ 4, "ff" "00" "65" "00" "474e", GPG_ERR_INV_PACKET, 0, false,
	  "GNU cut" },
	{ 4, "ff" "00" "03" "08" SALT8 "ff" IV16 "00", GPG_ERR_CIPHER_ALGO, 0,
	  false, "cipher 0 without a stub" },

	/* v6, clear: 32 native octets, no checksum. */
	{ 6, "00" D32, 0, 0, false, "v6 clear" },
	{ 6, "00", GPG_ERR_INV_PACKET, 0, false, "v6 clear, nothing" },
	/* v6, 253: count 0x26 = cipher, AEAD, S2K length, S2K (20), nonce. */
	{ 6, "fd" "26" "09" "02" "14" "04" SALT16 "01" "04" "15" NONCE15
	     "00112233445566778899aabbccddeeff" D32,
	  0, 253, false, "v6 253 OCB Argon2 (A.5's shape)" },
	{ 6, "fd" "25" "09" "02" "14" "04" SALT16 "01" "04" "15" NONCE15 "00",
	  GPG_ERR_INV_PACKET, 0, false, "v6 count one short" },
	{ 6, "fd" "27" "09" "02" "14" "04" SALT16 "01" "04" "15" NONCE15 "00",
	  GPG_ERR_INV_PACKET, 0, false, "v6 count one long" },
	{ 6, "fd" "26" "09" "02" "13" "04" SALT16 "01" "04" "15" NONCE15 "00",
	  GPG_ERR_INV_PACKET, 0, false, "v6 S2K length one short" },
	{ 6, "fd" "ff" "09" "02" "14" "04" SALT16 "01" "04" "15" NONCE15,
	  GPG_ERR_INV_PACKET, 0, false, "v6 count past the end" },
	{ 6, "fd", GPG_ERR_INV_PACKET, 0, false, "v6 count missing" },
	/* v6, 254: count = cipher, S2K length, S2K (11), IV (16). */
	{ 6, "fe" "1d" "09" "0b" "03" "08" SALT8 "ff" IV16 "00",
	  0, 254, false, "v6 254 iterated" },
	{ 6, "ff" "1c" "09" "03" "08" SALT8 "ff" IV16 "00",
	  GPG_ERR_INV_PACKET, 0, false, "v6 255" },
	{ 6, "07" IV16 "00", GPG_ERR_CIPHER_ALGO, 0, false, "v6 usage 7" },
};

static void
table(void)
{
	uint8_t body[512], back[512];
	size_t i, publen, len, cut, hdr;
	weft_pkt_key k;
	weft_pkt_secret s;
	weft_buf out;
	gpg_error_t err;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		publen = t_unhex(cases[i].version == 6 ? v6pub : v4pub, body,
				 sizeof body);
		len = publen + t_unhex(cases[i].hex, body + publen,
				       sizeof body - publen);
		T_CHECK(!weft_pkt_key_parse(&k, WEFT_PKT_SECRET_KEY, body, len,
					    NULL), "%s: key parses", cases[i].what);
		err = weft_pkt_secret_parse(&s, &k, NULL);
		T_CHECK(gpg_err_code(err) == cases[i].want, "%s: want %s, got %s",
			cases[i].what, gpg_strerror(cases[i].want),
			gpg_strerror(err));
		if (err)
			continue;
		T_EQ_INT(s.usage, cases[i].usage);
		T_EQ_INT(s.stub, cases[i].stub);
		T_EQ_INT(s.version, cases[i].version);
		/* Written back: the same octets. */
		weft_buf_init(&out);
		weft_buf_put(&out, k.pub, k.pub_len);
		T_OK(weft_pkt_secret_write(&out, &s));
		T_CHECK(out.len == len && !memcmp(out.data, body, len),
			"%s: writes back as read", cases[i].what);
		weft_buf_free(&out);
		/* Truncated inside the parameters: an error. */
		hdr = s.data ? (size_t)(s.data - body) : len;
		memcpy(back, body, len);
		for (cut = publen + 1; cut < hdr; cut++) {
			if (weft_pkt_key_parse(&k, WEFT_PKT_SECRET_KEY, back,
					       cut, NULL))
				continue;
			T_CHECK(weft_pkt_secret_parse(&s, &k, NULL) != 0,
				"%s: cut at %zu", cases[i].what, cut);
		}
	}
	/* A public key packet has no secret part. */
	publen = t_unhex(v4pub, body, sizeof body);
	T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY, body, publen, NULL));
	T_ERR(weft_pkt_secret_parse(&s, &k, NULL), GPG_ERR_INV_PACKET);
}

static void
fields(void)
{
	static const struct {
		int version;
		const char *fields;
		gpg_err_code_t want;
		unsigned n;
	} v[] = {
		{ 4, "00f8ff1f2f3f4f5f6f7f8f9fafbfcfdfef0102030405060708090a0b0c0d0e0f10",
		  0, 1 },
		{ 4, "0008ff", 0, 1 },
		{ 4, "0008ff00", GPG_ERR_INV_PACKET, 0 },   /* stray octet */
		{ 4, "0100ff", GPG_ERR_INV_PACKET, 0 },     /* MPI cut */
		{ 4, "", GPG_ERR_INV_PACKET, 0 },
		{ 6, D32, 0, 1 },
		{ 6, D32 "00", GPG_ERR_INV_PACKET, 0 },
		{ 6, "00ff", GPG_ERR_INV_PACKET, 0 },
	};
	uint8_t body[128], f[128];
	weft_field fl[WEFT_MAX_FIELDS];
	weft_pkt_key k;
	size_t i, publen, n;
	unsigned nf;
	gpg_error_t err;

	for (i = 0; i < WEFT_ARRAY_SIZE(v); i++) {
		publen = t_unhex(v[i].version == 6 ? v6pub : v4pub, body,
				 sizeof body);
		T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY, body, publen,
					NULL));
		n = t_unhex(v[i].fields, f, sizeof f);
		err = weft_secret_fields_parse(&k, f, n, fl, &nf);
		T_CHECK(gpg_err_code(err) == v[i].want, "fields %zu: %s", i,
			gpg_strerror(err));
		if (!err)
			T_EQ_INT(nf, v[i].n);
	}
	/* RSA: four MPIs; an unknown algorithm has no layout. */
	body[0] = 4;
	memset(body + 1, 0, 4);
	body[5] = WEFT_PK_RSA;
	memcpy(body + 6, "\x00\x08\xc5\x00\x02\x03", 6);
	T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY, body, 12, NULL));
	n = t_unhex("0008030008050008070008ff", f, sizeof f);
	T_OK(weft_secret_fields_parse(&k, f, n, fl, &nf));
	T_EQ_INT(nf, 4);
	T_ERR(weft_secret_fields_parse(&k, f, n - 3, fl, &nf),
	      GPG_ERR_INV_PACKET);
	k.algo = 99;
	T_ERR(weft_secret_fields_parse(&k, f, n, fl, &nf), GPG_ERR_PUBKEY_ALGO);
	T_EQ_INT(weft_secret_checksum((const uint8_t *)"\xff\xff\x01", 3),
		 0x1ff);
}

int
main(void)
{
	table();
	fields();
	return t_done();
}
