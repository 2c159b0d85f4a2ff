/* tests/unit/x509/cert.c - certificates, CRLs and input files
 * (keyring/x509/cert.c, crl.c, chain.c's signature check) on the fixtures
 * of tests/data/x509/ (see its README): the facts libksba and the DER
 * reader give, the OpenPGP key each certificate maps to (fingerprints and
 * keygrips as gpg and gpgsm computed them for the same key material and
 * creation time: expected.txt), signatures, and damaged input.
 *
 * Run from the top of the source tree.
 */
#include <stdio.h>
#include <stdlib.h>

#include "x509/x509.h"
#include "packet/packet.h"
#include "t.h"

#define D "tests/data/x509/"

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	*len = 0;
	if (!f) {
		printf("FAIL cannot open %s (run from the top of the tree)\n",
		       path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The first object of a file, parsed. */
static weft_x509_cert *
load(const char *name)
{
	char path[256];
	uint8_t *data;
	size_t len, n;
	weft_x509_blob *b;
	weft_x509_cert *c = NULL;
	weft_diag d = { { 0 } };

	snprintf(path, sizeof path, D "%s", name);
	data = slurp(path, &len);
	T_OK(weft_x509_split(data, len, &b, &n, &d));
	T_CHECK(n >= 1, "%s: objects", name);
	if (n)
		T_OK(weft_x509_cert_parse(&c, b[0].der, b[0].len, &d));
	T_CHECK(c != NULL, "%s: %s", name, d.msg);
	weft_x509_blobs_free(b, n);
	free(data);
	if (!c)
		exit(1);
	return c;
}

static void
hex(const uint8_t *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02X", p[i]);
}

/* expected.txt: NAME SHA256 GPG-FINGERPRINT GPGSM-KEYGRIP */
static void
test_gpg_fingerprints(void)
{
	FILE *f = fopen(D "expected.txt", "r");
	char name[32], sha[80], fpr[64], grip[64], got[80], file[64];
	int lines = 0;

	T_CHECK(f != NULL, "expected.txt");
	if (!f)
		return;
	while (fscanf(f, "%31s %79s %63s %63s", name, sha, fpr, grip) == 4) {
		weft_x509_cert *c;

		snprintf(file, sizeof file, "%s.pem", name);
		c = load(file);
		hex(c->sha256, 32, got);
		T_EQ_STR(got, sha);
		T_CHECK(!c->key_problem, "%s: %s", name, c->key_problem);
		hex(c->fpr, 20, got);
		T_CHECK(!strcmp(got, fpr), "%s: derived %s, gpg %s", name, got,
			fpr);
		hex(c->grip, 20, got);
		T_CHECK(!strcmp(got, grip), "%s: keygrip %s, gpgsm %s", name,
			got, grip);
		weft_x509_cert_free(c);
		lines++;
	}
	fclose(f);
	T_EQ_INT(lines, 5);   /* RSA root, ECDSA P-256, RSA, Ed25519, P-384 */
}

static void
test_facts(void)
{
	weft_x509_cert *root = load("root.pem"), *inter = load("inter.pem"),
		       *alice = load("alice.pem"), *bob = load("bob.pem"),
		       *rogue = load("rogue.pem");
	weft_pkt_key k;

	T_CHECK(root->is_ca && root->pathlen == 1 && root->self_issued,
		"root: CA, pathLen 1, self-issued");
	T_CHECK(root->has_nc && root->nc->npermitted == 3 &&
		root->nc->nexcluded == 0, "root: three permitted subtrees");
	T_CHECK(root->has_ku && (root->ku & 32) && (root->ku & 64),
		"root: keyCertSign, cRLSign");
	T_EQ_STR(root->cn, "Example Root CA");
	T_EQ_STR(root->algo, "rsa3072");
	T_EQ_INT(root->not_before, 1735689600);   /* 2025-01-01 */
	T_EQ_INT(root->not_after, 2051222400);    /* 2035-01-01 */
	T_CHECK(inter->is_ca && inter->pathlen == 0 && !inter->self_issued,
		"inter: CA, pathLen 0");
	T_EQ_STR(inter->algo, "nistp256");
	T_CHECK(!alice->is_ca && alice->pathlen == -1, "alice: end entity");
	T_CHECK(alice->nemails == 1 && !strcmp(alice->emails[0],
					       "alice@example.com"),
		"alice: her address from the SAN");
	T_CHECK(alice->has_eku && alice->eku_email, "alice: emailProtection");
	T_EQ_STR(alice->serial, "03");
	T_EQ_STR(bob->algo, "ed25519");
	T_CHECK(bob->nemails == 1 && !strcmp(bob->emails[0],
					     "bob@sub.example.com"),
		"bob: a subdomain address");
	T_CHECK(rogue->is_ca && rogue->pathlen == -1, "rogue: CA, no pathLen");
	/* the derived key packet parses as OpenPGP, created at notBefore */
	T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY,
				bob->pkt.data + bob->pkt_body_off,
				bob->pkt.len - bob->pkt_body_off, NULL));
	T_EQ_INT(k.version, 4);
	T_EQ_INT(k.algo, WEFT_PK_EDDSA_LEGACY);
	T_EQ_INT(k.created, bob->not_before);
	T_CHECK(k.curve && !strcmp(k.curve->name, "Ed25519"), "Ed25519 OID");
	T_OK(weft_pkt_key_parse(&k, WEFT_PKT_PUBLIC_KEY,
				inter->pkt.data + inter->pkt_body_off,
				inter->pkt.len - inter->pkt_body_off, NULL));
	T_EQ_INT(k.algo, WEFT_PK_ECDSA);
	T_CHECK(k.curve && !strcmp(k.curve->name, "NIST P-256"), "P-256 OID");
	/* signatures along the chain */
	T_OK(weft_x509_cert_verify(root, root));
	T_OK(weft_x509_cert_verify(inter, root));
	T_OK(weft_x509_cert_verify(alice, inter));
	T_OK(weft_x509_cert_verify(bob, inter));
	T_ERR(weft_x509_cert_verify(alice, root), GPG_ERR_BAD_SIGNATURE);
	T_ERR(weft_x509_cert_verify(inter, inter), GPG_ERR_BAD_SIGNATURE);
	weft_x509_cert_free(root);
	weft_x509_cert_free(inter);
	weft_x509_cert_free(alice);
	weft_x509_cert_free(bob);
	weft_x509_cert_free(rogue);
}

static void
test_pgp_body(void)
{
	/* RSA n = 0x00C5 (leading zero dropped), e = 65537 */
	static const uint8_t want[] = {
		4, 0x5f, 0x5e, 0x10, 0x00, 1,
		0x00, 0x08, 0xc5, 0x00, 0x11, 0x01, 0x00, 0x01,
	};
	weft_x509_key k;
	weft_buf out;

	memset(&k, 0, sizeof k);
	weft_buf_init(&k.a);
	weft_buf_init(&k.b);
	weft_buf_init(&out);
	k.algo = WEFT_PK_RSA;
	weft_buf_put(&k.a, "\xc5", 1);
	weft_buf_put(&k.b, "\x01\x00\x01", 3);
	T_OK(weft_x509_pgp_body(&k, 0x5f5e1000, &out));
	T_CHECK(out.len == sizeof want && !memcmp(out.data, want, sizeof want),
		"RSA v4 body");
	k.algo = WEFT_PK_DSA;
	weft_buf_reset(&out);
	T_ERR(weft_x509_pgp_body(&k, 0, &out), GPG_ERR_PUBKEY_ALGO);
	weft_x509_key_free(&k);
	weft_buf_free(&out);
}

static void
test_split(void)
{
	uint8_t *data;
	size_t len, n;
	weft_x509_blob *b;
	weft_diag d = { { 0 } };
	static const char noend[] = "-----BEGIN CERTIFICATE-----\nMIIB\n";
	static const char bad64[] = "-----BEGIN CERTIFICATE-----\n!!!!\n"
				    "-----END CERTIFICATE-----\n";
	static const char key[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
				  "-----END PRIVATE KEY-----\n";

	data = slurp(D "bundle.pem", &len);
	T_OK(weft_x509_split(data, len, &b, &n, &d));
	T_EQ_INT(n, 3);
	T_CHECK(n == 3 && !b[0].crl && !b[2].crl && b[2].index == 3,
		"bundle: three certificates");
	weft_x509_blobs_free(b, n);
	free(data);
	data = slurp(D "inter.crl", &len);
	T_OK(weft_x509_split(data, len, &b, &n, &d));
	T_CHECK(n == 1 && b[0].crl, "PEM CRL");
	weft_x509_blobs_free(b, n);
	free(data);
	data = slurp(D "root.der", &len);
	T_OK(weft_x509_split(data, len, &b, &n, &d));
	T_CHECK(n == 1 && !b[0].crl && b[0].len == len, "DER certificate");
	weft_x509_blobs_free(b, n);
	free(data);
	T_ERR(weft_x509_split((const uint8_t *)"hello", 5, &b, &n, &d),
	      GPG_ERR_NO_DATA);
	T_ERR(weft_x509_split((const uint8_t *)noend, sizeof noend - 1, &b, &n,
			      &d), GPG_ERR_BAD_DATA);
	T_ERR(weft_x509_split((const uint8_t *)bad64, sizeof bad64 - 1, &b, &n,
			      &d), GPG_ERR_BAD_DATA);
	T_ERR(weft_x509_split((const uint8_t *)key, sizeof key - 1, &b, &n, &d),
	      GPG_ERR_NO_DATA);
}

static void
test_crl(void)
{
	uint8_t *data;
	size_t len, n;
	weft_x509_blob *b;
	weft_x509_crl *crl = NULL;
	weft_x509_cert *inter = load("inter.pem"), *root = load("root.pem"),
		       *dave = load("dave.pem");
	weft_diag d = { { 0 } };

	data = slurp(D "inter.crl", &len);
	T_OK(weft_x509_split(data, len, &b, &n, &d));
	T_OK(weft_x509_crl_parse(&crl, b[0].der, b[0].len, &d));
	T_CHECK(crl && !strcmp(crl->issuer, inter->subject), "CRL issuer");
	T_CHECK(crl && crl->nentries == 1 &&
		!strcmp(crl->entries[0].serial, dave->serial), "dave listed");
	T_CHECK(crl && !strcmp(weft_x509_reason_name(crl->entries[0].reason),
			       "keyCompromise"), "keyCompromise");
	T_OK(weft_x509_crl_verify(crl, inter));
	T_ERR(weft_x509_crl_verify(crl, root), GPG_ERR_BAD_SIGNATURE);
	/* damaged: a flipped octet in the signed part */
	b[0].der[40] ^= 1;
	weft_x509_crl_free(crl);
	crl = NULL;
	if (!weft_x509_crl_parse(&crl, b[0].der, b[0].len, NULL))
		T_ERR(weft_x509_crl_verify(crl, inter), GPG_ERR_BAD_SIGNATURE);
	weft_x509_crl_free(crl);
	weft_x509_blobs_free(b, n);
	free(data);
	weft_x509_cert_free(inter);
	weft_x509_cert_free(root);
	weft_x509_cert_free(dave);
}

/* Every truncation of a DER certificate is refused; bit flips never
 * crash, and one in the signed part breaks the signature. */
static void
test_damage(void)
{
	uint8_t *data, *buf;
	size_t len, i, refused = 0;
	weft_x509_cert *c, *root = load("root.pem");

	data = slurp(D "root.der", &len);
	buf = malloc(len);
	for (i = 0; i < len; i += 7) {
		c = NULL;
		if (weft_x509_cert_parse(&c, data, i, NULL))
			refused++;
		weft_x509_cert_free(c);
	}
	T_EQ_INT(refused, (len + 6) / 7);
	for (i = 0; i < len; i += 3) {
		memcpy(buf, data, len);
		buf[i] ^= 0x10;
		c = NULL;
		if (!weft_x509_cert_parse(&c, buf, len, NULL) &&
		    !c->key_problem && i > 10 && i < 600 &&
		    memcmp(c->sha256, root->sha256, 32))
			T_CHECK(weft_x509_cert_verify(c, root) != 0,
				"flip at %zu still verifies", i);
		weft_x509_cert_free(c);
	}
	free(buf);
	free(data);
	weft_x509_cert_free(root);
}

/* libksba 1.6.3 leaks on some damaged certificates (test_damage's bit
 * flips): what _ksba_keyinfo_to_sexp had built when a damaged
 * SubjectPublicKeyInfo stops it, and parts of its decoder's tree.  A
 * program ends soon after such input; leak checking (sanitizer builds)
 * skips what libksba allocated, and only that. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:_ksba_keyinfo_to_sexp\nleak:libksba.so\n";
}

int
main(void)
{
	test_gpg_fingerprints();
	test_facts();
	test_pgp_body();
	test_split();
	test_crl();
	test_damage();
	return t_done();
}
