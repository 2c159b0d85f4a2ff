/* tests/unit/packet/key.c - key packets (tags 5, 6, 7, 14): v4 RSA, DSA,
 * ElGamal, ECDSA, EdDSA and ECDH keys made by gpg, v6 Ed25519/X25519 from
 * RFC 9580 (dearmored), v3 keys (parsed here, refused by the certificate
 * layer), unknown algorithms in public and secret packets, stray octets,
 * MPI and OID limits; key sizes and curve names; MPI reading and writing.
 *
 * Run from the top of the source tree (fixtures in tests/data/packet/,
 * tests/data/crypto/ and tests/data/rfc9580/, see their READMEs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet/packet.h"
#include "armor/armor.h"
#include "cert/cert.h"
#include "crypto/crypto.h"
#include "t.h"

/* ---- loading fixtures ------------------------------------------------- */

#define MAXKEYS 8

typedef struct kfile {
	uint8_t *bytes;          /* file contents, or the dearmored octets */
	size_t len;
	const uint8_t *body[MAXKEYS];
	size_t body_len[MAXKEYS];
	uint8_t tag[MAXKEYS];
	int n;
} kfile;

/* The key packets of PATH (dearmored when it ends in .asc). */
static void
kload(kfile *f, const char *path)
{
	weft_reader r;
	weft_packet pkt;
	gpg_error_t err;
	size_t len;
	uint8_t *raw = t_slurp(path, &len);

	memset(f, 0, sizeof *f);
	if (strstr(path, ".asc")) {
		weft_armor_list l;

		if (weft_armor_decode(raw, len, &l, NULL) || l.n != 1) {
			printf("FAIL %s: cannot dearmor\n", path);
			exit(1);
		}
		f->bytes = malloc(l.blocks[0].len);
		memcpy(f->bytes, l.blocks[0].data, l.blocks[0].len);
		f->len = l.blocks[0].len;
		weft_armor_list_free(&l);
		free(raw);
	} else {
		f->bytes = raw;
		f->len = len;
	}
	weft_reader_init(&r, f->bytes, f->len);
	while (!(err = weft_packet_next(&r, &pkt, NULL))) {
		if (pkt.partial) {
			printf("FAIL %s: partial packet in a key\n", path);
			exit(1);
		}
		if ((pkt.tag == 5 || pkt.tag == 6 || pkt.tag == 7 ||
		     pkt.tag == 14) && f->n < MAXKEYS) {
			f->body[f->n] = pkt.body;
			f->body_len[f->n] = pkt.body_len;
			f->tag[f->n] = pkt.tag;
			f->n++;
		}
	}
	if (gpg_err_code(err) != GPG_ERR_EOF) {
		printf("FAIL %s: %s\n", path, gpg_strerror(err));
		exit(1);
	}
}

static void
kfree(kfile *f)
{
	free(f->bytes);
	memset(f, 0, sizeof *f);
}


/* ---- real keys ------------------------------------------------------------ */

/* Expected values for key packet INDEX of FILE.  CURVE is gpg's curve
 * name (weft_curve.display) or NULL; KINDS lists the field kinds. */
struct kcase {
	const char *file;
	int index;
	uint8_t tag, version, algo;
	uint32_t created;
	unsigned nfields;
	const char *kinds;       /* M mpi, O oid, K kdf, N native */
	unsigned bits;
	const char *curve, *gcry_curve;
	const char *fpr;
	size_t pub_len, secret_len;  /* 0: pub_len == body_len, no secret */
};

#define P "tests/data/packet/"
#define C "tests/data/crypto/"
#define R "tests/data/rfc9580/"
#define T0 1577836800u

static const struct kcase kcases[] = {
	/* gpg 2.2.40, tests/data/packet/README */
	{ P "rsa1024.pgp", 0, 6, 4, 1, T0, 2, "MM", 1024, NULL, NULL,
	  "72092EDB553E8ACEE3AC80647C6152D5C0350F81", 0, 0 },
	{ P "rsa1024.pgp", 1, 14, 4, 1, T0, 2, "MM", 1024, NULL, NULL,
	  "2CA69E3CE5A48717013C75300449D001141439AF", 0, 0 },
	{ P "dsa1024-elg.pgp", 0, 6, 4, 17, T0, 4, "MMMM", 1024, NULL, NULL,
	  "D396463C86D49E669C92DA6C1686926F894A9F51", 0, 0 },
	{ P "dsa1024-elg.pgp", 1, 14, 4, 16, T0, 3, "MMM", 1024, NULL, NULL,
	  "86330C908EE0E33C58079692D0533EE477443CA9", 0, 0 },
	{ P "nistp256.pgp", 0, 6, 4, 19, T0, 2, "OM", 256, "nistp256",
	  "NIST P-256", "9C0D6837C1864DBF75CE624BA51875B10FD5FBF2", 0, 0 },
	{ P "nistp256.pgp", 1, 14, 4, 18, T0, 3, "OMK", 256, "nistp256",
	  "NIST P-256", "BF9D157B5ACE31F2200932D42B8774F7197A6B6C", 0, 0 },
	{ P "ed25519.pgp", 0, 6, 4, 22, T0, 2, "OM", 255, "ed25519",
	  "Ed25519", "EFD9D82D5623AA525BD897995121EE0AFBD2EDDD", 0, 0 },
	{ P "ed25519.pgp", 1, 14, 4, 18, T0, 3, "OMK", 255, "cv25519",
	  "Curve25519", "B82607CF03F88100566B59631FF975BDA1F1FC1C", 0, 0 },
	/* the same as secret key packets: public part 51 and 56 octets */
	{ P "ed25519-secret.pgp", 0, 5, 4, 22, T0, 2, "OM", 255, "ed25519",
	  "Ed25519", "EFD9D82D5623AA525BD897995121EE0AFBD2EDDD", 51, 37 },
	{ P "ed25519-secret.pgp", 1, 7, 4, 18, T0, 3, "OMK", 255, "cv25519",
	  "Curve25519", "B82607CF03F88100566B59631FF975BDA1F1FC1C", 56, 37 },
	/* tests/data/crypto (its README) */
	{ C "gpg-rsa2048.pgp", 0, 6, 4, 1, 1795420462, 2, "MM", 2048, NULL,
	  NULL, "79281F5FED9108D5BAF6ED35976EACDD2CD1A0A1", 0, 0 },
	{ C "gpg-dsa2048.pgp", 0, 6, 4, 17, 1795420462, 4, "MMMM", 2048, NULL,
	  NULL, "543040DF18356085A2EDEDB5C9210E43E305156B", 0, 0 },
	{ C "gpg-dsa2048.pgp", 1, 14, 4, 16, 1795420468, 3, "MMM", 2048, NULL,
	  NULL, "82BBDA69C7EAC09D1461160F7020FCA1265E7AAB", 0, 0 },
	{ C "gpg-nistp384.pgp", 0, 6, 4, 19, 1795420462, 2, "OM", 384,
	  "nistp384", "NIST P-384", "DDA57D8B8B89423064E038CB318C720160637EC7",
	  0, 0 },
	{ C "gpg-nistp521.pgp", 0, 6, 4, 19, 1795420462, 2, "OM", 521,
	  "nistp521", "NIST P-521", "5E1619127762B586E02387CA5A544471A6C1A20F",
	  0, 0 },
	{ C "gpg-brainpoolP256r1.pgp", 0, 6, 4, 19, 1795420462, 2, "OM", 256,
	  "brainpoolP256r1", "brainpoolP256r1",
	  "2F7E6F9A69F704EA94289D4E59FC391E61CCBE3C", 0, 0 },
	{ C "gpg-brainpoolP256r1.pgp", 1, 14, 4, 18, 1795420472, 3, "OMK", 256,
	  "brainpoolP256r1", "brainpoolP256r1",
	  "1DA6ACBAEBD54FCBFEF650615F3AC892006168EB", 0, 0 },
	{ C "syn-brainpoolP384r1.pgp", 0, 6, 4, 19, 0, 2, "OM", 384,
	  "brainpoolP384r1", "brainpoolP384r1",
	  "AC4F522D46702DB51918DADC3B8E93BF69977064", 0, 0 },
	{ C "syn-brainpoolP512r1.pgp", 0, 6, 4, 19, 0, 2, "OM", 512,
	  "brainpoolP512r1", "brainpoolP512r1",
	  "068CD3DFD7341C796CF8BBC6A7F6B2DA2A8D4F6F", 0, 0 },
	{ C "syn-secp256k1.pgp", 0, 6, 4, 19, 1700000000, 2, "OM", 256,
	  "secp256k1", "secp256k1", "C7E30F63E60856D8B48D0D0CD17401689A525DD6",
	  0, 0 },
	{ C "syn-v4-ed25519.pgp", 0, 6, 4, 27, 1700000000, 1, "N", 255, NULL,
	  NULL, "6DD33B8C709FC3D83ECF33C941D7A240CE4ACFEB", 0, 0 },
	{ C "syn-v6-ed448.pgp", 0, 6, 6, 28, 0, 1, "N", 448, NULL, NULL,
	  "F6C95C19B2F17A0E73207B36B6A2AEAF736158422780D9DA38C5D54643E92D0B",
	  0, 0 },
	{ C "syn-v6-ed448.pgp", 1, 14, 6, 26, 0, 1, "N", 448, NULL, NULL,
	  "5E99F052507B7B93440AC237B45FA9A373A5206B209AC31FB2619EE2D7A4F3EF",
	  0, 0 },
	/* RFC 9580 A.1, A.3, A.4 through weft_armor_decode */
	{ R "v4-ed25519-legacy-cert.asc", 0, 6, 4, 22, 1408458507, 2, "OM",
	  255, "ed25519", "Ed25519", "C959BDBAFA32A2F89A153B678CFDE12197965A9A",
	  0, 0 },
	{ R "v6-cert.asc", 0, 6, 6, 27, 1669824483, 1, "N", 255, NULL, NULL,
	  "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9",
	  0, 0 },
	{ R "v6-cert.asc", 1, 14, 6, 25, 1669824483, 1, "N", 255, NULL, NULL,
	  "12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885",
	  0, 0 },
	/* v6 public part: version, time, algo, 4-octet length, 32 octets */
	{ R "v6-secret.asc", 0, 5, 6, 27, 1669824483, 1, "N", 255, NULL, NULL,
	  "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9",
	  42, 0 },
	{ R "v6-secret.asc", 1, 7, 6, 25, 1669824483, 1, "N", 255, NULL, NULL,
	  "12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885",
	  42, 0 },
};

static const char *
kind_letters(const weft_pkt_key *k, char *buf)
{
	unsigned i;

	for (i = 0; i < k->nfields; i++)
		buf[i] = "?MONK"[k->fields[i].kind <= 4 ? k->fields[i].kind : 0];
	buf[i] = 0;
	return buf;
}

static void
run_kcase(const struct kcase *c)
{
	kfile f;
	weft_pkt_key k;
	weft_diag diag;
	uint8_t fpr[WEFT_FPR_MAX];
	size_t fl, i;
	char hx[2 * WEFT_FPR_MAX + 1], kinds[8];
	const char *name = c->file;

	kload(&f, c->file);
	if (c->index >= f.n) {
		T_CHECK(0, "%s: no key packet %d", name, c->index);
		kfree(&f);
		return;
	}
	weft_diag_clear(&diag);
	T_OK(weft_pkt_key_parse(&k, f.tag[c->index], f.body[c->index],
				f.body_len[c->index], &diag));
	T_CHECK(!diag.msg[0], "%s: no diagnostic on success (%s)", name,
		diag.msg);
	T_CHECK(k.tag == c->tag, "%s[%d]: tag %u", name, c->index, k.tag);
	T_CHECK(k.version == c->version, "%s[%d]: version %u", name, c->index,
		k.version);
	T_CHECK(k.algo == c->algo, "%s[%d]: algo %u", name, c->index, k.algo);
	if (c->created)
		T_CHECK(k.created == c->created, "%s[%d]: created %u", name,
			c->index, k.created);
	T_CHECK(k.known_algo, "%s[%d]: known algorithm", name, c->index);
	T_CHECK(k.nfields == c->nfields, "%s[%d]: nfields %u", name,
		c->index, k.nfields);
	T_CHECK(!strcmp(kind_letters(&k, kinds), c->kinds),
		"%s[%d]: field kinds %s, want %s", name, c->index, kinds,
		c->kinds);
	T_CHECK(k.bits == c->bits, "%s[%d]: bits %u, want %u", name, c->index,
		k.bits, c->bits);
	if (c->curve) {
		T_CHECK(k.curve && !strcmp(k.curve->display, c->curve) &&
				!strcmp(k.curve->name, c->gcry_curve),
			"%s[%d]: curve %s", name, c->index,
			k.curve ? k.curve->display : "(none)");
		T_CHECK(k.curve && k.curve->bits == c->bits &&
				k.fields[0].len == k.curve->oid_len &&
				!memcmp(k.fields[0].data, k.curve->oid,
					k.curve->oid_len),
			"%s[%d]: OID field", name, c->index);
	} else {
		T_CHECK(k.curve == NULL, "%s[%d]: no curve", name, c->index);
	}
	/* Every field lies inside the public part. */
	for (i = 0; i < k.nfields; i++)
		T_CHECK(k.fields[i].data >= k.pub &&
				k.fields[i].data + k.fields[i].len <=
					k.pub + k.pub_len,
			"%s[%d]: field %zu inside pub", name, c->index, i);
	T_CHECK(k.body == f.body[c->index] && k.body_len ==
			f.body_len[c->index] && k.pub == k.body,
		"%s[%d]: body and pub", name, c->index);
	if (c->tag == 5 || c->tag == 7) {
		T_CHECK(k.pub_len == c->pub_len, "%s[%d]: pub_len %zu", name,
			c->index, k.pub_len);
		T_CHECK(k.secret == k.body + k.pub_len &&
				k.secret_len == k.body_len - k.pub_len &&
				k.secret_len > 0,
			"%s[%d]: secret part", name, c->index);
		if (c->secret_len)
			T_EQ_INT(k.secret_len, c->secret_len);
	} else {
		T_CHECK(k.pub_len == k.body_len && !k.secret && !k.secret_len,
			"%s[%d]: public packet is all pub", name, c->index);
	}
	T_OK(weft_key_fingerprint(&k, fpr, &fl));
	t_hex(hx, fpr, fl);
	T_CHECK(!strcmp(hx, c->fpr), "%s[%d]: fingerprint %s", name, c->index,
		hx);
	kfree(&f);
}

/* The public part of a secret key packet is byte for byte the public key
 * packet (v4 gpg export, v6 RFC A.3/A.4). */
static void
test_secret_public_part(void)
{
	static const char *const pairs[][2] = {
		{ P "ed25519-secret.pgp", P "ed25519.pgp" },
		{ R "v6-secret.asc", R "v6-cert.asc" },
		{ C "rfc9580-a4-v6-secret.pgp", C "rfc9580-a3-v6-cert.pgp" },
	};
	size_t i;
	int j;

	for (i = 0; i < WEFT_ARRAY_SIZE(pairs); i++) {
		kfile s, p;
		weft_pkt_key ks, kp;

		kload(&s, pairs[i][0]);
		kload(&p, pairs[i][1]);
		T_EQ_INT(s.n, p.n);
		for (j = 0; j < s.n && j < p.n; j++) {
			T_OK(weft_pkt_key_parse(&ks, s.tag[j], s.body[j],
						s.body_len[j], NULL));
			T_OK(weft_pkt_key_parse(&kp, p.tag[j], p.body[j],
						p.body_len[j], NULL));
			T_CHECK(ks.pub_len == kp.body_len &&
					!memcmp(ks.pub, kp.body, kp.body_len),
				"%s[%d]: pub == public packet", pairs[i][0], j);
			/* Parsing the public part alone as a public packet
			 * gives the same key. */
			T_OK(weft_pkt_key_parse(&kp, j ? 14 : 6, ks.pub,
						ks.pub_len, NULL));
			T_EQ_INT(kp.nfields, ks.nfields);
		}
		kfree(&s);
		kfree(&p);
	}
}

/* Every strict prefix of a public key body is an error (truncated), never
 * a success and never an over-read (the sanitizer build watches). */
static void
test_truncated_bodies(void)
{
	static const char *const files[] = {
		P "rsa1024.pgp", P "dsa1024-elg.pgp", P "nistp256.pgp",
		P "ed25519.pgp", R "v6-cert.asc", C "syn-v6-ed448.pgp",
		C "syn-v4-ed25519.pgp",
	};
	size_t i, cut;
	int j;
	unsigned bad = 0, total = 0;

	for (i = 0; i < WEFT_ARRAY_SIZE(files); i++) {
		kfile f;

		kload(&f, files[i]);
		for (j = 0; j < f.n; j++) {
			for (cut = 0; cut < f.body_len[j]; cut++) {
				uint8_t *p = malloc(cut ? cut : 1);
				weft_pkt_key k;
				gpg_error_t err;

				memcpy(p, f.body[j], cut);
				err = weft_pkt_key_parse(&k, f.tag[j], p, cut,
							 NULL);
				total++;
				if (gpg_err_code(err) != GPG_ERR_INV_PACKET) {
					if (bad++ < 5)
						printf("  %s[%d] cut at %zu: %s\n",
						       files[i], j, cut,
						       gpg_strerror(err));
				}
				free(p);
			}
		}
		kfree(&f);
	}
	T_CHECK(bad == 0, "%u of %u truncated key bodies not INV_PACKET", bad,
		total);
}

/* ---- hand-made bodies ------------------------------------------------------- */

/* BODY is HEX, then FILL octets of 0x42, then TAIL (hex). */
struct hcase {
	const char *name;
	uint8_t tag;
	const char *hex;
	size_t fill;
	const char *tail;
	gpg_err_code_t want;
	uint8_t version, algo;
	int known;
	unsigned nfields, bits;
	size_t pub_len;          /* 0: the whole body */
	const char *diag;
};

#define TS "5e0be100"        /* 2020-01-01 */
#define RSA_SMALL "0008 ff 0002 03"  /* n = 0xff (8 bits), e = 3 */

static const struct hcase hcases[] = {
	/* ---- valid ---- */
	{ "v4 RSA, tiny", 6, "04" TS "01" RSA_SMALL, 0, "", 0,
	  4, 1, 1, 2, 8, 0, NULL },
	{ "v4 RSA-S subkey", 14, "04" TS "03" RSA_SMALL, 0, "", 0,
	  4, 3, 1, 2, 8, 0, NULL },
	{ "v4 RSA, sloppy bit count: size from the value", 6,
	  "04" TS "01 0010 00ff 0002 03", 0, "", 0, 4, 1, 1, 2, 8, 0, NULL },
	{ "v4 RSA, zero-bit MPIs", 6, "04" TS "01 0000 0000", 0, "", 0,
	  4, 1, 1, 2, 0, 0, NULL },
	{ "v4 RSA secret: pub ends after e", 5,
	  "04" TS "01" RSA_SMALL " 00 0008 aa 00aa", 0, "", 0,
	  4, 1, 1, 2, 8, 12, NULL },
	{ "v3 RSA (parsed; the cert layer refuses it)", 6,
	  "03" TS "000a 01" RSA_SMALL, 0, "", 0, 3, 1, 1, 2, 8, 0, NULL },
	{ "v2 RSA, same format as v3", 14, "02" TS "0000 01" RSA_SMALL, 0,
	  "", 0, 2, 1, 1, 2, 8, 0, NULL },
	{ "v3 DSA: not a v3 algorithm, kept raw", 6,
	  "03" TS "0000 11 0008 ff", 0, "", 0, 3, 17, 0, 0, 0, 0, NULL },
	{ "v4 unknown algorithm 99, public: kept raw", 6,
	  "04" TS "63 010203", 0, "", 0, 4, 99, 0, 0, 0, 0, NULL },
	{ "v4 unknown algorithm 0, public", 14, "04" TS "00", 0, "", 0,
	  4, 0, 0, 0, 0, 0, NULL },
	{ "v6 unknown algorithm, public: delimited by its length", 6,
	  "06" TS "63 00000003 010203", 0, "", 0, 6, 99, 0, 0, 0, 0, NULL },
	{ "v6 unknown algorithm, secret: delimited, secret kept", 5,
	  "06" TS "63 00000003 010203 00ab", 0, "", 0, 6, 99, 0, 0, 0, 13,
	  NULL },
	{ "v6 Ed25519", 6, "06" TS "1b 00000020", 32, "", 0,
	  6, 27, 1, 1, 255, 0, NULL },
	{ "v6 Ed448", 6, "06" TS "1c 00000039", 57, "", 0,
	  6, 28, 1, 1, 448, 0, NULL },
	{ "v6 X448 subkey", 14, "06" TS "1a 00000038", 56, "", 0,
	  6, 26, 1, 1, 448, 0, NULL },
	{ "v4 X25519 (native in a v4 packet)", 14, "04" TS "19", 32, "", 0,
	  4, 25, 1, 1, 255, 0, NULL },
	{ "ECDSA with an unknown OID: no curve, no size", 6,
	  "04" TS "13 03 2b0601 0008 04", 0, "", 0, 4, 19, 1, 2, 0, 0, NULL },
	{ "ECDH with a 3-octet KDF", 14,
	  "04" TS "12 08 2a8648ce3d030107 0008 04 03 010807", 0, "", 0,
	  4, 18, 1, 3, 256, 0, NULL },
	{ "ECDH with a longer KDF (kept)", 14,
	  "04" TS "12 08 2a8648ce3d030107 0008 04 05 0108070000", 0, "", 0,
	  4, 18, 1, 3, 256, 0, NULL },

	/* ---- versions ---- */
	{ "version 0", 6, "00" TS "01" RSA_SMALL, 0, "", GPG_ERR_UNKNOWN_VERSION,
	  0, 0, 0, 0, 0, 0, "unsupported version 0" },
	{ "version 1", 6, "01" TS "01" RSA_SMALL, 0, "",
	  GPG_ERR_UNKNOWN_VERSION, 0, 0, 0, 0, 0, 0, NULL },
	{ "version 5 (LibrePGP)", 6, "05" TS "16 0000000a", 10, "",
	  GPG_ERR_UNKNOWN_VERSION, 0, 0, 0, 0, 0, 0, "unsupported version 5" },
	{ "version 7", 6, "07" TS "1b 00000020", 32, "",
	  GPG_ERR_UNKNOWN_VERSION, 0, 0, 0, 0, 0, 0, NULL },
	{ "version 255", 14, "ff", 0, "", GPG_ERR_UNKNOWN_VERSION,
	  0, 0, 0, 0, 0, 0, NULL },

	/* ---- truncated ---- */
	{ "empty body", 6, "", 0, "", GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, "truncated key packet" },
	{ "version only", 6, "04", 0, "", GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL },
	{ "time cut", 6, "04 5e0be1", 0, "", GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL },
	{ "no algorithm", 6, "04" TS, 0, "", GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL },
	{ "v3 without validity days", 6, "03" TS "00", 0, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "RSA without material", 6, "04" TS "01", 0, "", GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, "truncated rsa key material" },
	{ "RSA MPI length cut", 6, "04" TS "01 00", 0, "", GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL },
	{ "RSA MPI cut", 6, "04" TS "01 0010 ff", 0, "", GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL },
	{ "RSA without e", 6, "04" TS "01 0008 ff", 0, "", GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL },
	{ "DSA with three of four MPIs", 6,
	  "04" TS "11 0008 ff 0008 ff 0008 ff", 0, "", GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, "truncated dsa key material" },
	{ "ElGamal with two of three MPIs", 14, "04" TS "10 0008 ff 0002 02",
	  0, "", GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "ECDSA OID cut", 6, "04" TS "13 08 2a8648", 0, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "ECDSA without the point", 6, "04" TS "13 08 2a8648ce3d030107", 0,
	  "", GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "ECDH without KDF", 14, "04" TS "12 08 2a8648ce3d030107 0008 04", 0,
	  "", GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "ECDH KDF cut", 14, "04" TS "12 08 2a8648ce3d030107 0008 04 03 0108",
	  0, "", GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "v4 Ed25519 native cut", 6, "04" TS "1b", 31, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "v6 material length cut", 6, "06" TS "1b 0000", 0, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "v6 material length past the end", 6, "06" TS "1b 00000021", 32, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "v6 material length 2 GB", 6, "06" TS "1b 80000000", 32, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "v6 material length shorter than the key", 6, "06" TS "1b 0000001f",
	  32, "", GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },

	/* ---- stray octets ---- */
	{ "v4 RSA, one stray octet", 6, "04" TS "01" RSA_SMALL "00", 0, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0,
	  "1 stray octets after rsa key material" },
	{ "v4 EdDSA, stray octets", 6,
	  "04" TS "16 09 2b06010401da470f01 0008 40 0000", 0, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, "2 stray octets" },
	{ "v6 Ed25519, material length one too long", 6, "06" TS "1b 00000021",
	  32, "00", GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0,
	  "stray octets after ed25519 key material" },
	{ "v6 Ed25519, octet after the material", 6, "06" TS "1b 00000020",
	  32, "00", GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, "1 stray octets" },
	{ "secret packet without secret material", 5, "04" TS "01" RSA_SMALL,
	  0, "", GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0,
	  "without secret material" },
	{ "secret subkey without secret material", 7,
	  "06" TS "19 00000020", 32, "", GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, "without secret material" },

	/* ---- unknown algorithms in secret packets ---- */
	{ "v4 unknown algorithm 99, secret", 5, "04" TS "63 010203", 0, "",
	  GPG_ERR_PUBKEY_ALGO, 0, 0, 0, 0, 0, 0, "unknown algorithm 99" },
	{ "v4 unknown algorithm, secret subkey", 7, "04" TS "64 00", 0, "",
	  GPG_ERR_PUBKEY_ALGO, 0, 0, 0, 0, 0, 0, NULL },
	{ "v3 DSA secret", 5, "03" TS "0000 11 0008 ff", 0, "",
	  GPG_ERR_PUBKEY_ALGO, 0, 0, 0, 0, 0, 0, NULL },

	/* ---- limits ---- */
	{ "MPI of 16385 bits", 6, "04" TS "01 4001", 0, "",
	  GPG_ERR_TOO_LARGE, 0, 0, 0, 0, 0, 0, "larger than 16384 bits" },
	{ "MPI of 65535 bits", 6, "04" TS "01 ffff", 0, "",
	  GPG_ERR_TOO_LARGE, 0, 0, 0, 0, 0, 0, NULL },
	{ "second MPI too large", 6, "04" TS "01 0008 ff 8000", 0, "",
	  GPG_ERR_TOO_LARGE, 0, 0, 0, 0, 0, 0, NULL },
	{ "DSA fourth MPI too large", 6,
	  "04" TS "11 0008 ff 0008 ff 0008 ff 4001", 0, "",
	  GPG_ERR_TOO_LARGE, 0, 0, 0, 0, 0, 0, NULL },
	{ "EdDSA point MPI too large", 6,
	  "04" TS "16 09 2b06010401da470f01 ffff", 0, "",
	  GPG_ERR_TOO_LARGE, 0, 0, 0, 0, 0, 0, NULL },
	{ "OID length 0", 6, "04" TS "13 00 0008 04", 0, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, "reserved curve OID length 0" },
	{ "OID length 0xff", 6, "04" TS "13 ff", 255, "0008 04",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0,
	  "reserved curve OID length 255" },
	{ "ECDH OID length 0", 14, "04" TS "12 00 0008 04 03 010807", 0, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "EdDSA OID length 0xff", 6, "04" TS "16 ff", 0, "",
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
	{ "ECDH KDF length 2", 14, "04" TS "12 08 2a8648ce3d030107 0008 04 02 0108",
	  0, "", GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, "KDF parameters too short" },
	{ "ECDH KDF length 0", 14, "04" TS "12 08 2a8648ce3d030107 0008 04 00",
	  0, "", GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL },
};

static void
run_hcase(const struct hcase *c)
{
	size_t cap = strlen(c->hex) + c->fill + strlen(c->tail) + 8, n;
	uint8_t *body = malloc(cap);
	weft_pkt_key k;
	weft_diag diag;
	gpg_error_t err;

	n = t_unhex(c->hex, body, cap);
	memset(body + n, 0x42, c->fill);
	n += c->fill;
	n += t_unhex(c->tail, body + n, cap - n);
	weft_diag_clear(&diag);
	err = weft_pkt_key_parse(&k, c->tag, n ? body : NULL, n, &diag);
	T_CHECK(gpg_err_code(err) == c->want, "%s: want %s, got %s", c->name,
		gpg_strerror(c->want), err ? gpg_strerror(err) : "success");
	if (err) {
		T_CHECK(diag.msg[0], "%s: a diagnostic", c->name);
		if (c->diag)
			T_CHECK(strstr(diag.msg, c->diag) != NULL,
				"%s: diag \"%s\" lacks \"%s\"", c->name,
				diag.msg, c->diag);
		free(body);
		return;
	}
	T_CHECK(k.tag == c->tag && k.version == c->version &&
			k.algo == c->algo,
		"%s: tag/version/algo %u/%u/%u", c->name, k.tag, k.version,
		k.algo);
	T_CHECK(k.known_algo == !!c->known, "%s: known_algo", c->name);
	T_CHECK(k.nfields == c->nfields, "%s: nfields %u", c->name, k.nfields);
	T_CHECK(k.bits == c->bits, "%s: bits %u", c->name, k.bits);
	T_CHECK(k.pub_len == (c->pub_len ? c->pub_len : n),
		"%s: pub_len %zu", c->name, k.pub_len);
	if (c->tag == 5 || c->tag == 7)
		T_CHECK(k.secret_len == n - k.pub_len && k.secret_len,
			"%s: secret_len %zu", c->name, k.secret_len);
	if (c->version == 3 || c->version == 2)
		T_CHECK(k.created == 0x5e0be100, "%s: v3 created", c->name);
	free(body);
}

/* v3 RSA: the fields, and the validity period. */
static void
test_v3_fields(void)
{
	uint8_t body[32];
	size_t n = t_unhex("03" TS "016d 01 0010 c001 0003 05", body,
			   sizeof body);
	weft_pkt_key k;
	uint8_t fpr[WEFT_FPR_MAX];
	size_t fl;

	T_OK(weft_pkt_key_parse(&k, 6, body, n, NULL));
	T_EQ_INT(k.version, 3);
	T_EQ_INT(k.v3_days, 365);
	T_EQ_INT(k.bits, 16);
	T_EQ_INT(k.fields[0].bits, 16);
	T_EQ_INT(k.fields[0].len, 2);
	T_EQ_INT(k.fields[1].bits, 3);
	T_EQ_INT(k.fields[1].data[0], 5);
	/* No v3 fingerprints here: they are MD5 over the MPIs, never used. */
	T_ERR(weft_key_fingerprint(&k, fpr, &fl), GPG_ERR_UNKNOWN_VERSION);
}

/* The certificate layer parses v3 keys and then refuses them: as the
 * primary key (the whole certificate) and as a subkey (dropped). */
static void
test_v3_refused_by_cert(void)
{
	uint8_t buf[64];
	size_t n = t_unhex("03" TS "0000 01" RSA_SMALL, buf, sizeof buf);
	weft_packet pkt;
	weft_cert_builder b;
	weft_diag diag;
	kfile f;

	memset(&pkt, 0, sizeof pkt);
	pkt.tag = WEFT_PKT_PUBLIC_KEY;
	pkt.body = buf;
	pkt.body_len = n;
	weft_diag_clear(&diag);
	T_ERR(weft_cert_builder_start(&b, &pkt, &diag),
	      GPG_ERR_UNKNOWN_VERSION);
	T_CHECK(strstr(diag.msg, "v3 key") != NULL, "diag: %s", diag.msg);
	T_CHECK(b.cert == NULL, "no certificate left behind");

	/* A v3 subkey under a good primary: dropped with a note. */
	kload(&f, P "ed25519.pgp");
	pkt.tag = WEFT_PKT_PUBLIC_KEY;
	pkt.body = f.body[0];
	pkt.body_len = f.body_len[0];
	T_OK(weft_cert_builder_start(&b, &pkt, NULL));
	pkt.tag = WEFT_PKT_PUBLIC_SUBKEY;
	pkt.body = buf;
	pkt.body_len = n;
	T_OK(weft_cert_builder_add(&b, &pkt));
	T_EQ_INT(b.dropped, 1);
	T_EQ_INT(b.cert->nsubkeys, 0);
	T_CHECK(strstr(b.note.msg, "dropped a subkey") != NULL, "note: %s",
		b.note.msg);
	weft_cert_builder_free(&b);
	kfree(&f);
}

/* MPIs of exactly WEFT_MAX_MPI_BITS are accepted. */
static void
test_mpi_at_the_cap(void)
{
	size_t n = 0, len = 1 + 4 + 1 + 2 + 2048 + 3;
	uint8_t *body = malloc(len);
	weft_pkt_key k;

	n = t_unhex("04" TS "01 4000", body, len);
	memset(body + n, 0xff, 2048);
	n += 2048;
	n += t_unhex("0002 03", body + n, len - n);
	T_OK(weft_pkt_key_parse(&k, 6, body, n, NULL));
	T_EQ_INT(k.bits, 16384);
	T_EQ_INT(k.fields[0].len, 2048);
	/* One bit more needs one octet more, and is refused before it is
	 * read. */
	body[6] = 0x40;
	body[7] = 0x01;
	T_ERR(weft_pkt_key_parse(&k, 6, body, n, NULL), GPG_ERR_TOO_LARGE);
	free(body);
}

/* ---- MPIs ------------------------------------------------------------------- */

static void
test_mpi_read(void)
{
	static const struct {
		const char *hex;
		gpg_err_code_t want;
		unsigned bits;
		size_t len, left;
	} m[] = {
		{ "0000", 0, 0, 0, 0 },
		{ "0001 01", 0, 1, 1, 0 },
		{ "0008 ff", 0, 8, 1, 0 },
		{ "0009 01ff", 0, 9, 2, 0 },
		{ "0010 ffff 99", 0, 16, 2, 1 },
		{ "4000", GPG_ERR_INV_PACKET, 0, 0, 0 },   /* no data */
		{ "4001", GPG_ERR_TOO_LARGE, 0, 0, 0 },
		{ "", GPG_ERR_INV_PACKET, 0, 0, 0 },
		{ "00", GPG_ERR_INV_PACKET, 0, 0, 0 },
		{ "0009 01", GPG_ERR_INV_PACKET, 0, 0, 0 },
	};
	size_t i, n;
	uint8_t buf[16];
	weft_reader r;
	weft_field f;
	gpg_error_t err;

	for (i = 0; i < WEFT_ARRAY_SIZE(m); i++) {
		n = t_unhex(m[i].hex, buf, sizeof buf);
		weft_reader_init(&r, buf, n);
		memset(&f, 0x77, sizeof f);
		err = weft_mpi_read(&r, &f);
		T_CHECK(gpg_err_code(err) == m[i].want, "mpi %s: %s", m[i].hex,
			err ? gpg_strerror(err) : "success");
		if (err)
			continue;
		T_CHECK(f.kind == WEFT_FIELD_MPI && f.bits == m[i].bits &&
				f.len == m[i].len &&
				weft_reader_left(&r) == m[i].left,
			"mpi %s: kind %u bits %u len %zu", m[i].hex, f.kind,
			f.bits, f.len);
		T_CHECK(f.data == buf + 2, "mpi %s: data borrowed", m[i].hex);
	}
}

static void
test_mpi_write(void)
{
	static const struct {
		const char *in, *out;
	} m[] = {
		{ "", "0000" },
		{ "00", "0000" },
		{ "000000", "0000" },
		{ "01", "0001 01" },
		{ "80", "0008 80" },
		{ "7f", "0007 7f" },
		{ "0001ff", "0009 01ff" },
		{ "00 00 80 00", "0010 8000" },
		{ "0f ffff", "0014 0fffff" },
	};
	size_t i, n, wn;
	uint8_t in[16], want[16];
	weft_buf b;
	weft_reader r;
	weft_field f;

	for (i = 0; i < WEFT_ARRAY_SIZE(m); i++) {
		n = t_unhex(m[i].in, in, sizeof in);
		wn = t_unhex(m[i].out, want, sizeof want);
		weft_buf_init(&b);
		T_OK(weft_mpi_write(&b, in, n));
		T_CHECK(b.len == wn && !memcmp(b.data, want, wn),
			"mpi_write %s", m[i].in);
		/* ... and it reads back. */
		weft_reader_init(&r, b.data, b.len);
		T_OK(weft_mpi_read(&r, &f));
		T_CHECK(weft_reader_eof(&r), "mpi_write %s: reads back",
			m[i].in);
		weft_buf_free(&b);
	}

	/* 2048 octets are the cap, 2049 significant octets are too many. */
	{
		uint8_t *big = malloc(2050);

		memset(big, 0xff, 2050);
		weft_buf_init(&b);
		T_OK(weft_mpi_write(&b, big, 2048));
		T_EQ_INT(b.len, 2050);
		T_CHECK(b.data[0] == 0x40 && b.data[1] == 0x00, "16384 bits");
		weft_buf_free(&b);
		weft_buf_init(&b);
		T_ERR(weft_mpi_write(&b, big, 2049), GPG_ERR_TOO_LARGE);
		T_ERR(weft_buf_error(&b), GPG_ERR_TOO_LARGE);
		weft_buf_free(&b);
		/* Leading zeros do not count. */
		big[0] = 0;
		weft_buf_init(&b);
		T_OK(weft_mpi_write(&b, big, 2049));
		weft_buf_free(&b);
		free(big);
	}
}

/* ---- curves and algorithms --------------------------------------------------- */

static void
test_curves(void)
{
	static const struct {
		const char *oid, *name, *display;
		unsigned bits;
	} cv[] = {
		{ "2a8648ce3d030107", "NIST P-256", "nistp256", 256 },
		{ "2b81040022", "NIST P-384", "nistp384", 384 },
		{ "2b81040023", "NIST P-521", "nistp521", 521 },
		{ "2b2403030208010107", "brainpoolP256r1", "brainpoolP256r1", 256 },
		{ "2b240303020801010b", "brainpoolP384r1", "brainpoolP384r1", 384 },
		{ "2b240303020801010d", "brainpoolP512r1", "brainpoolP512r1", 512 },
		{ "2b06010401da470f01", "Ed25519", "ed25519", 255 },
		{ "2b060104019755010501", "Curve25519", "cv25519", 255 },
		{ "2b6571", "Ed448", "ed448", 448 },
		{ "2b656f", "X448", "cv448", 448 },
		{ "2b8104000a", "secp256k1", "secp256k1", 256 },
	};
	static const char *const unknown[] = {
		"", "2a8648ce3d0301", "2a8648ce3d03010700", "2b8104", "2b6570",
		"2b06010401da470f02", "2b0601040197550105",
	};
	uint8_t oid[16];
	size_t i, n;
	const weft_curve *c;

	for (i = 0; i < WEFT_ARRAY_SIZE(cv); i++) {
		n = t_unhex(cv[i].oid, oid, sizeof oid);
		c = weft_curve_by_oid(oid, n);
		T_CHECK(c && !strcmp(c->name, cv[i].name) &&
				!strcmp(c->display, cv[i].display) &&
				c->bits == cv[i].bits && c->oid_len == n &&
				!memcmp(c->oid, oid, n),
			"curve %s", cv[i].display);
	}
	for (i = 0; i < WEFT_ARRAY_SIZE(unknown); i++) {
		n = t_unhex(unknown[i], oid, sizeof oid);
		T_CHECK(weft_curve_by_oid(oid, n) == NULL, "unknown OID %s",
			unknown[i]);
	}
}

static void
test_algorithms(void)
{
	static const struct {
		uint8_t algo;
		const char *name;
		int sign, encrypt;
	} a[] = {
		{ 1, "rsa", 1, 1 }, { 2, "rsa", 0, 1 }, { 3, "rsa", 1, 0 },
		{ 16, "elg", 0, 1 }, { 17, "dsa", 1, 0 }, { 18, "ecdh", 0, 1 },
		{ 19, "ecdsa", 1, 0 }, { 20, "elg", 1, 1 }, { 22, "eddsa", 1, 0 },
		{ 25, "x25519", 0, 1 }, { 26, "x448", 0, 1 },
		{ 27, "ed25519", 1, 0 }, { 28, "ed448", 1, 0 },
		{ 0, "unknown", 0, 0 }, { 21, "unknown", 0, 0 },
		{ 99, "unknown", 0, 0 }, { 255, "unknown", 0, 0 },
	};
	static const struct {
		uint8_t algo;
		const char *name;
		size_t len, salt;
	} h[] = {
		{ 1, "MD5", 16, 0 }, { 2, "SHA1", 20, 0 },
		{ 3, "RIPEMD160", 20, 0 }, { 8, "SHA256", 32, 16 },
		{ 9, "SHA384", 48, 24 }, { 10, "SHA512", 64, 32 },
		{ 11, "SHA224", 28, 16 }, { 12, "SHA3-256", 32, 16 },
		{ 14, "SHA3-512", 64, 32 }, { 0, "unknown", 0, 0 },
		{ 4, "unknown", 0, 0 }, { 13, "unknown", 0, 0 },
		{ 255, "unknown", 0, 0 },
	};
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(a); i++) {
		T_CHECK(!strcmp(weft_pk_algo_name(a[i].algo), a[i].name),
			"name of %u: %s", a[i].algo,
			weft_pk_algo_name(a[i].algo));
		T_CHECK(weft_pk_algo_can_sign(a[i].algo) == !!a[i].sign,
			"can_sign %u", a[i].algo);
		T_CHECK(weft_pk_algo_can_encrypt(a[i].algo) == !!a[i].encrypt,
			"can_encrypt %u", a[i].algo);
	}
	for (i = 0; i < WEFT_ARRAY_SIZE(h); i++) {
		T_CHECK(!strcmp(weft_hash_algo_name(h[i].algo), h[i].name),
			"hash name %u", h[i].algo);
		T_CHECK(weft_hash_algo_len(h[i].algo) == h[i].len,
			"hash len %u", h[i].algo);
		T_CHECK(weft_hash_v6_salt_len(h[i].algo) == h[i].salt,
			"salt len %u", h[i].algo);
	}
}

int
main(void)
{
	size_t i;

	if (weft_crypto_init()) {
		printf("FAIL weft_crypto_init\n");
		return 1;
	}
	for (i = 0; i < WEFT_ARRAY_SIZE(kcases); i++)
		run_kcase(&kcases[i]);
	for (i = 0; i < WEFT_ARRAY_SIZE(hcases); i++)
		run_hcase(&hcases[i]);
	test_secret_public_part();
	test_truncated_bodies();
	test_v3_fields();
	test_v3_refused_by_cert();
	test_mpi_at_the_cap();
	test_mpi_read();
	test_mpi_write();
	test_curves();
	test_algorithms();
	return t_done();
}
