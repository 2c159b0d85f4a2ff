/* cert.c - one X.509 certificate read with libksba: the facts the bridge
 * needs, and the OpenPGP key its public key maps to; splitting input
 * files (PEM or DER) into objects.
 *
 * The OpenPGP key (../shared/x509-bridge.md 3, checked against gpg):
 *   version 4, created = notBefore, then by algorithm
 *     RSA (1)      MPI n, MPI e
 *     ECDSA (19)   OID length, curve OID, MPI 04||X||Y
 *     EdDSA (22)   OID length, 2B06010401DA470F01, MPI 40||A
 *   fingerprint = SHA-1(0x99 || len16 || body), as for every v4 key: gpg
 *   computes the same for an OpenPGP key made from the same key material
 *   with the same creation time (gpg --full-gen-key, "existing key",
 *   Creation-Date: notBefore).
 */
#include "x509.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ksba.h>

#include "../crypto/crypto.h"
#include "../packet/packet.h"

/* ---- signature algorithms --------------------------------------------------- */

static const struct {
	const char *oid;
	weft_x509_sigalg alg;
	uint8_t hash;
	const char *name;
} sigalgs[] = {
	{ "1.2.840.113549.1.1.5", WEFT_X509_SIG_RSA, WEFT_HASH_SHA1,
	  "sha1WithRSAEncryption" },
	{ "1.2.840.113549.1.1.11", WEFT_X509_SIG_RSA, WEFT_HASH_SHA256,
	  "sha256WithRSAEncryption" },
	{ "1.2.840.113549.1.1.12", WEFT_X509_SIG_RSA, WEFT_HASH_SHA384,
	  "sha384WithRSAEncryption" },
	{ "1.2.840.113549.1.1.13", WEFT_X509_SIG_RSA, WEFT_HASH_SHA512,
	  "sha512WithRSAEncryption" },
	{ "1.2.840.113549.1.1.14", WEFT_X509_SIG_RSA, WEFT_HASH_SHA224,
	  "sha224WithRSAEncryption" },
	{ "1.2.840.113549.1.1.4", WEFT_X509_SIG_RSA, WEFT_HASH_MD5,
	  "md5WithRSAEncryption" },
	{ "1.2.840.113549.1.1.10", WEFT_X509_SIG_RSA_PSS, 0, "RSASSA-PSS" },
	{ "1.2.840.10045.4.1", WEFT_X509_SIG_ECDSA, WEFT_HASH_SHA1,
	  "ecdsa-with-SHA1" },
	{ "1.2.840.10045.4.3.1", WEFT_X509_SIG_ECDSA, WEFT_HASH_SHA224,
	  "ecdsa-with-SHA224" },
	{ "1.2.840.10045.4.3.2", WEFT_X509_SIG_ECDSA, WEFT_HASH_SHA256,
	  "ecdsa-with-SHA256" },
	{ "1.2.840.10045.4.3.3", WEFT_X509_SIG_ECDSA, WEFT_HASH_SHA384,
	  "ecdsa-with-SHA384" },
	{ "1.2.840.10045.4.3.4", WEFT_X509_SIG_ECDSA, WEFT_HASH_SHA512,
	  "ecdsa-with-SHA512" },
	{ "1.3.101.112", WEFT_X509_SIG_ED25519, 0, "Ed25519" },
};

uint8_t
weft_x509_sigalg_of(const char *oid, weft_x509_sigalg *alg, const char **name)
{
	size_t i;

	*alg = WEFT_X509_SIG_UNKNOWN;
	*name = "unknown";
	if (!oid)
		return 0;
	for (i = 0; i < WEFT_ARRAY_SIZE(sigalgs); i++)
		if (!strcmp(oid, sigalgs[i].oid)) {
			*alg = sigalgs[i].alg;
			*name = sigalgs[i].name;
			return sigalgs[i].hash;
		}
	return 0;
}

/* ---- small helpers ------------------------------------------------------------ */

/* "20240101T000000" (UTC) -> seconds in *OUT; false when empty or
 * malformed. */
bool
weft_x509__iso_time(const char *s, int64_t *out)
{
	struct tm tm;
	int i;

	*out = 0;
	for (i = 0; i < 15; i++)
		if (i == 8 ? s[i] != 'T' : (s[i] < '0' || s[i] > '9'))
			return false;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
		     (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[4] - '0') * 10 + (s[5] - '0') - 1;
	tm.tm_mday = (s[6] - '0') * 10 + (s[7] - '0');
	tm.tm_hour = (s[9] - '0') * 10 + (s[10] - '0');
	tm.tm_min = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_sec = (s[13] - '0') * 10 + (s[14] - '0');
	*out = (int64_t)timegm(&tm);
	return true;
}

void
weft_x509_date(int64_t t, char *out, size_t n)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!gmtime_r(&tt, &tm)) {
		snprintf(out, n, "?");
		return;
	}
	strftime(out, n, "%Y-%m-%d", &tm);
}

/* Length of the canonical S-expression at P (at most MAX octets), or 0
 * when it is not one. */
size_t
weft_x509__canon_len(const uint8_t *p, size_t max)
{
	size_t i = 0, len;
	int depth = 0;

	if (!p)
		return 0;
	do {
		if (i >= max)
			return 0;
		if (p[i] == '(') {
			if (++depth > 16)
				return 0;
			i++;
		} else if (p[i] == ')') {
			if (!depth--)
				return 0;
			i++;
		} else if (p[i] >= '0' && p[i] <= '9') {
			for (len = 0; i < max && p[i] >= '0' && p[i] <= '9';
			     i++) {
				len = len * 10 + (size_t)(p[i] - '0');
				if (len > max)
					return 0;
			}
			if (i >= max || p[i] != ':' || len > max - i - 1)
				return 0;
			i += 1 + len;
		} else {
			return 0;
		}
	} while (depth > 0);
	return i;
}

/* A serial as libksba gives it ("(N:octets)") in hex. */
void
weft_x509__serial_hex(const uint8_t *sx, char *out, size_t outlen)
{
	size_t i = 1, len = 0, o = 0;

	out[0] = 0;
	if (!sx || sx[0] != '(')
		return;
	while (sx[i] >= '0' && sx[i] <= '9' && len < 4096)
		len = len * 10 + (size_t)(sx[i++] - '0');
	if (sx[i] != ':')
		return;
	i++;
	for (; len && o + 3 <= outlen; len--, i++)
		o += (size_t)snprintf(out + o, outlen - o, "%02X", sx[i]);
}

static char *
dupstr(const char *s)
{
	return strdup(s ? s : "");
}

/* ---- the OpenPGP key ---------------------------------------------------------- */

static const uint8_t oid_pgp_ed25519[] = { 0x2b, 0x06, 0x01, 0x04, 0x01,
					   0xda, 0x47, 0x0f, 0x01 };

gpg_error_t
weft_x509_pgp_body(const weft_x509_key *k, uint32_t created, weft_buf *out)
{
	uint8_t point[33];

	weft_buf_put_u8(out, 4);
	weft_buf_put_u32(out, created);
	weft_buf_put_u8(out, k->algo);
	switch (k->algo) {
	case WEFT_PK_RSA:
		weft_mpi_write(out, k->a.data, k->a.len);
		weft_mpi_write(out, k->b.data, k->b.len);
		break;
	case WEFT_PK_ECDSA:
		weft_buf_put_u8(out, (uint8_t)k->curve->oid_len);
		weft_buf_put(out, k->curve->oid, k->curve->oid_len);
		weft_mpi_write(out, k->a.data, k->a.len);
		break;
	case WEFT_PK_EDDSA_LEGACY:
		if (k->a.len != 32)
			return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		point[0] = 0x40;
		memcpy(point + 1, k->a.data, 32);
		weft_buf_put_u8(out, sizeof oid_pgp_ed25519);
		weft_buf_put(out, oid_pgp_ed25519, sizeof oid_pgp_ed25519);
		weft_mpi_write(out, point, sizeof point);
		break;
	default:
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	}
	return weft_buf_error(out);
}

/* The certificate's key cannot be used, for WHY: noted, not an error. */
static gpg_error_t
key_problem(weft_x509_cert *c, const char *why)
{
	c->key_problem = strdup(why);
	return c->key_problem ? 0 : WEFT_ERR(GPG_ERR_ENOMEM);
}

/* 1. The key's fields (crypto/x509.c); a key OpenPGP cannot hold is
 *    noted, not an error.
 * 2. The v4 packet with created = notBefore; its fingerprint, key ID.
 * 3. The keygrip (libgcrypt's, of the X.509 key). */
static gpg_error_t
derive(weft_x509_cert *c)
{
	weft_x509_key k;
	weft_buf body;
	weft_pkt_key pk;
	size_t flen;
	uint8_t fpr[WEFT_FPR_MAX];
	gpg_error_t err;

	/* 1 */
	err = weft_x509_key_parse(&k, c->key_sexp, c->key_sexp_len);
	if (gpg_err_code(err) == GPG_ERR_ENOMEM)
		return err;
	if (err)
		return key_problem(c, gpg_err_code(err) == GPG_ERR_PUBKEY_ALGO
			? "its key algorithm (or curve) has no OpenPGP form weft supports (RSA, ECDSA P-256/384/521, Ed25519)"
			: "its public key is malformed");
	if (c->not_before < 0 || c->not_before > (int64_t)UINT32_MAX) {
		weft_x509_key_free(&k);
		return key_problem(c, "its notBefore does not fit an OpenPGP creation time (1970 to 2106)");
	}
	if (k.algo == WEFT_PK_RSA)
		snprintf(c->algo, sizeof c->algo, "rsa%u", k.bits);
	else
		snprintf(c->algo, sizeof c->algo, "%s", k.curve->display);
	/* 2 */
	weft_buf_init(&body);
	if (!(err = weft_x509_pgp_body(&k, (uint32_t)c->not_before, &body)))
		err = weft_packet_write(&c->pkt, WEFT_PKT_PUBLIC_KEY, body.data,
					body.len);
	c->pkt_body_off = c->pkt.len - body.len;
	weft_x509_key_free(&k);
	if (!err)
		err = weft_pkt_key_parse(&pk, WEFT_PKT_PUBLIC_KEY, body.data,
					 body.len, NULL);
	if (!err)
		err = weft_key_fingerprint(&pk, fpr, &flen);
	weft_buf_free(&body);
	if (err)
		return err;
	memcpy(c->fpr, fpr, 20);
	weft_keyid_from_fpr(fpr, 20, c->keyid);
	/* 3 */
	err = weft_x509_keygrip(c->key_sexp, c->key_sexp_len, c->grip);
	if (gpg_err_code(err) == GPG_ERR_BAD_PUBKEY)
		return key_problem(c, "its public key is malformed (libgcrypt computes no keygrip of it)");
	return err;
}

/* ---- extensions ------------------------------------------------------------------ */

static const uint8_t oid_email[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
				     0x01, 0x09, 0x01 };
static const uint8_t oid_cn[] = { 0x55, 0x04, 0x03 };
static const uint8_t oid_o[] = { 0x55, 0x04, 0x0a };

/* Extensions weft reads or may ignore; a critical one not here makes the
 * certificate unusable (RFC 5280 4.2). */
static const char *const known_ext[] = {
	"2.5.29.15",            /* keyUsage */
	"2.5.29.19",            /* basicConstraints */
	"2.5.29.37",            /* extKeyUsage */
	"2.5.29.17",            /* subjectAltName */
	"2.5.29.30",            /* nameConstraints */
	"2.5.29.14",            /* subjectKeyIdentifier */
	"2.5.29.35",            /* authorityKeyIdentifier */
	"2.5.29.32",            /* certificatePolicies: no policy is
				   required, so any policy will do */
	"2.5.29.31",            /* cRLDistributionPoints */
	"2.5.29.18",            /* issuerAltName */
	"2.5.29.46",            /* freshestCRL */
	"1.3.6.1.5.5.7.1.1",    /* authorityInfoAccess */
	"1.3.6.1.5.5.7.1.11",   /* subjectInfoAccess */
};

static bool
known(const char *oid)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(known_ext); i++)
		if (!strcmp(oid, known_ext[i]))
			return true;
	return false;
}

static gpg_error_t
add_email(weft_x509_cert *c, const uint8_t *p, size_t n, bool dn)
{
	char addr[256];
	size_t i;

	if (!weft_x509_email_ok(p, n, addr, sizeof addr))
		return 0;
	if (dn) {
		if (c->ndn_emails == WEFT_ARRAY_SIZE(c->dn_emails))
			return 0;
		if (!(c->dn_emails[c->ndn_emails] = strdup(addr)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		c->ndn_emails++;
	}
	for (i = 0; i < c->nemails; i++)
		if (!strcmp(c->emails[i], addr))
			return 0;
	if (c->nemails == WEFT_ARRAY_SIZE(c->emails))
		return 0;
	if (!(c->emails[c->nemails] = strdup(addr)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	c->nemails++;
	return 0;
}

static gpg_error_t
set_bad_ext(weft_x509_cert *c, const char *oid, const char *why)
{
	char line[200];

	if (c->bad_ext)
		return 0;
	snprintf(line, sizeof line, "%s %s", oid, why);
	return (c->bad_ext = strdup(line)) ? 0 : WEFT_ERR(GPG_ERR_ENOMEM);
}

/* SAN and nameConstraints with der.c; every critical extension must be
 * one weft reads or may ignore. */
static gpg_error_t
extensions(weft_x509_cert *c, weft_diag *diag)
{
	ksba_cert_t kc = c->ksba;
	const char *oid;
	int idx, crit;
	size_t off, len, i;
	gpg_error_t err;

	for (idx = 0; !ksba_cert_get_extension(kc, idx, &oid, &crit, &off,
					      &len); idx++) {
		if (off > c->der_len || len > c->der_len - off)
			return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
					     "extension %s out of bounds", oid);
		if (!strcmp(oid, "2.5.29.17")) {
			if (c->san_der)
				return weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_BAD_CERT),
					"two subjectAltName extensions");
			if (!(c->san_der = malloc(len + 1)))
				return WEFT_ERR(GPG_ERR_ENOMEM);
			memcpy(c->san_der, c->der + off, len);
			err = weft_x509_gnames_parse(c->san_der, len, c->san,
						     WEFT_X509_MAX_NAMES,
						     &c->nsan);
			if (err)
				return weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_BAD_CERT),
					"malformed subjectAltName: %s",
					gpg_strerror(err));
		} else if (!strcmp(oid, "2.5.29.30")) {
			if (c->nc)
				return weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_BAD_CERT),
					"two nameConstraints extensions");
			if (!(c->nc_der = malloc(len + 1)) ||
			    !(c->nc = calloc(1, sizeof *c->nc)))
				return WEFT_ERR(GPG_ERR_ENOMEM);
			memcpy(c->nc_der, c->der + off, len);
			err = weft_x509_nc_parse(c->nc_der, len, c->nc);
			if (err)
				return weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_BAD_CERT),
					"malformed nameConstraints: %s",
					gpg_strerror(err));
			c->has_nc = true;
		} else if (crit && !known(oid)) {
			if ((err = set_bad_ext(c, oid,
				"(critical, and not an extension weft can process)")))
				return err;
		}
	}
	for (i = 0; i < c->nsan; i++)
		if (c->san[i].type == WEFT_GN_RFC822 &&
		    (err = add_email(c, c->san[i].data, c->san[i].len, false)))
			return err;
	return 0;
}

/* The subject DN's emailAddress values (rfc822 constraints apply to them
 * as well), and a display name: the last CN, else the last O. */
static gpg_error_t
dn_facts(weft_x509_cert *c)
{
	weft_der_value v[8];
	size_t n = 0, i;
	char text[256];
	gpg_error_t err;

	if (!weft_x509_name_values(c->subject_der, c->subject_der_len,
				   oid_email, sizeof oid_email, v, 8, &n))
		for (i = 0; i < n; i++)
			if (v[i].tag == 22 &&
			    (err = add_email(c, v[i].data, v[i].len, true)))
				return err;
	if ((!weft_x509_name_values(c->subject_der, c->subject_der_len,
				    oid_cn, sizeof oid_cn, v, 8, &n) && n &&
	     weft_der_value_utf8(&v[n - 1], text, sizeof text) && text[0]) ||
	    (!weft_x509_name_values(c->subject_der, c->subject_der_len,
				    oid_o, sizeof oid_o, v, 8, &n) && n &&
	     weft_der_value_utf8(&v[n - 1], text, sizeof text) && text[0]))
		c->cn = strdup(text);
	else
		c->cn = strdup(c->subject && c->subject[0] ? c->subject
							   : "(no subject)");
	return c->cn ? 0 : WEFT_ERR(GPG_ERR_ENOMEM);
}

static bool
has_line(const char *list, const char *oid)
{
	size_t n = strlen(oid);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, oid, n) && p[n] == ':')
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

/* ---- parsing ----------------------------------------------------------------------- */

/* 1. libksba reads the certificate; it must be all of the input.
 * 2. Names (libksba's strings, der.c's DER), serial, validity.
 * 3. basicConstraints, keyUsage, extKeyUsage; the other extensions.
 * 4. The signature algorithm; the key and its OpenPGP form. */
gpg_error_t
weft_x509_cert_parse(weft_x509_cert **out, const uint8_t *der, size_t len,
		     weft_diag *diag)
{
	weft_x509_cert *c;
	ksba_cert_t kc = NULL;
	ksba_sexp_t sx;
	ksba_isotime_t t;
	size_t dlen;
	char *eku = NULL;
	int ca = 0, pathlen = -1;
	gpg_error_t err;

	*out = NULL;
	if (!len || len > WEFT_X509_MAX_DER)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
				     "not a certificate (size %zu)", len);
	if (!(c = calloc(1, sizeof *c)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	weft_buf_init(&c->pkt);
	c->pathlen = -1;
	/* 1 */
	if ((err = weft_der_check(der, len, 32))) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
				    "not a certificate: malformed DER (%s)",
				    gpg_strerror(err));
		goto leave;
	}
	if ((err = ksba_cert_new(&kc)))
		goto leave;
	c->ksba = kc;
	if ((err = ksba_cert_init_from_mem(kc, der, len))) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
				    "not a certificate libksba can read: %s",
				    gpg_strerror(err));
		goto leave;
	}
	c->der = ksba_cert_get_image(kc, &c->der_len);
	if (!c->der || c->der_len != len) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
				    "data after the certificate");
		goto leave;
	}
	if ((err = weft_hash_buffer(WEFT_HASH_SHA256, c->der, c->der_len,
				    c->sha256, &dlen)))
		goto leave;
	/* 2 */
	{
		char *s = ksba_cert_get_subject(kc, 0), *i =
			ksba_cert_get_issuer(kc, 0);

		c->subject = dupstr(s);
		c->issuer = dupstr(i);
		ksba_free(s);
		ksba_free(i);
		if (!c->subject || !c->issuer) {
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			goto leave;
		}
	}
	if ((err = weft_x509_tbs_names(c->der, c->der_len, &c->issuer_der,
				       &c->issuer_der_len, &c->subject_der,
				       &c->subject_der_len))) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
				    "cannot find its issuer and subject names");
		goto leave;
	}
	c->self_issued = c->issuer_der_len == c->subject_der_len &&
			 !memcmp(c->issuer_der, c->subject_der,
				 c->subject_der_len);
	sx = ksba_cert_get_serial(kc);
	weft_x509__serial_hex(sx, c->serial, sizeof c->serial);
	ksba_free(sx);
	if (ksba_cert_get_validity(kc, 0, t) ||
	    !weft_x509__iso_time(t, &c->not_before) ||
	    ksba_cert_get_validity(kc, 1, t) ||
	    !weft_x509__iso_time(t, &c->not_after)) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
				    "no readable validity period");
		goto leave;
	}
	/* 3 */
	if (ksba_cert_is_ca(kc, &ca, &pathlen)) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
				    "malformed basicConstraints");
		goto leave;
	}
	c->is_ca = ca != 0;
	c->pathlen = c->is_ca ? pathlen : -1;
	err = ksba_cert_get_key_usage(kc, &c->ku);
	if (!err)
		c->has_ku = true;
	else if (gpg_err_code(err) != GPG_ERR_NO_DATA) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
				    "malformed keyUsage");
		goto leave;
	}
	err = ksba_cert_get_ext_key_usages(kc, &eku);
	if (!err) {
		c->has_eku = true;
		c->eku_email = has_line(eku, "1.3.6.1.5.5.7.3.4") ||
			       has_line(eku, "2.5.29.37.0");
	} else if (gpg_err_code(err) != GPG_ERR_NO_DATA) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
				    "malformed extKeyUsage");
		goto leave;
	}
	ksba_free(eku);
	if ((err = extensions(c, diag)) || (err = dn_facts(c)))
		goto leave;
	/* 4 */
	{
		const char *oid = ksba_cert_get_digest_algo(kc);

		c->sigalg_oid = dupstr(oid);
		if (!c->sigalg_oid) {
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			goto leave;
		}
		c->sig_hash = weft_x509_sigalg_of(oid, &c->sigalg,
						  &c->sigalg_name);
	}
	sx = ksba_cert_get_public_key(kc);
	dlen = weft_x509__canon_len(sx, c->der_len);
	if (!dlen) {
		ksba_free(sx);
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_CERT),
				    "no readable public key");
		goto leave;
	}
	c->key_sexp = malloc(dlen);
	if (c->key_sexp)
		memcpy(c->key_sexp, sx, dlen);
	ksba_free(sx);
	if (!c->key_sexp) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	c->key_sexp_len = dlen;
	err = derive(c);
leave:
	if (err) {
		weft_x509_cert_free(c);
		return err;
	}
	*out = c;
	return 0;
}

void
weft_x509_cert_free(weft_x509_cert *c)
{
	size_t i;

	if (!c)
		return;
	ksba_cert_release(c->ksba);
	free(c->subject);
	free(c->issuer);
	free(c->cn);
	free(c->bad_ext);
	free(c->san_der);
	for (i = 0; i < c->nemails; i++)
		free(c->emails[i]);
	for (i = 0; i < c->ndn_emails; i++)
		free(c->dn_emails[i]);
	free(c->nc);
	free(c->nc_der);
	free(c->sigalg_oid);
	free(c->key_sexp);
	free(c->key_problem);
	weft_buf_free(&c->pkt);
	free(c);
}

/* ---- input files ------------------------------------------------------------------- */

static int
b64val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode base64 between P and END (white space skipped, '=' ends it). */
static gpg_error_t
b64_decode(const uint8_t *p, const uint8_t *end, weft_buf *out)
{
	uint32_t acc = 0;
	int bits = 0, v;

	for (; p < end; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			continue;
		if (*p == '=')
			break;
		if ((v = b64val(*p)) < 0)
			return WEFT_ERR(GPG_ERR_BAD_DATA);
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			weft_buf_put_u8(out, (uint8_t)(acc >> bits));
		}
	}
	return weft_buf_error(out);
}

static const uint8_t *
find(const uint8_t *p, const uint8_t *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - p) < n)
		return NULL;
	return memmem(p, (size_t)(end - p), s, n);
}

/* Is this DER object a CRL?  TBSCertList begins (after an optional
 * version INTEGER) with the AlgorithmIdentifier SEQUENCE, the issuer
 * SEQUENCE and a time; TBSCertificate with [0] version or the serial
 * INTEGER, then two SEQUENCEs and the validity SEQUENCE. */
static bool
looks_like_crl(const uint8_t *der, size_t len)
{
	weft_reader r, outer, tbs;
	weft_der_tlv t;

	weft_reader_init(&r, der, len);
	if (weft_der_next(&r, &t) || t.tag != 16)
		return false;
	outer = t.body;
	if (weft_der_next(&outer, &t) || t.tag != 16)
		return false;
	tbs = t.body;
	if (weft_der_next(&tbs, &t))
		return false;
	if (t.cls == 2)
		return false;             /* [0] version: a certificate */
	if (t.cls == 0 && t.tag == 2 && weft_der_next(&tbs, &t))
		return false;             /* version (CRL) or serial (cert) */
	if (t.tag != 16 || weft_der_next(&tbs, &t) || t.tag != 16 ||
	    weft_der_next(&tbs, &t))
		return false;
	return t.cls == 0 && (t.tag == 23 || t.tag == 24);
}

/* The first TLV of DER (OpenSSL's TRUSTED CERTIFICATE has more after
 * it). */
static size_t
first_tlv(const uint8_t *der, size_t len)
{
	weft_reader r;
	weft_der_tlv t;

	weft_reader_init(&r, der, len);
	return weft_der_next(&r, &t) ? 0 : t.raw_len;
}

static gpg_error_t
push_blob(weft_x509_blob **v, size_t *n, size_t *cap, weft_buf *b, bool crl)
{
	weft_x509_blob *x;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;

		if (!(x = realloc(*v, nc * sizeof *x)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		*v = x;
		*cap = nc;
	}
	x = &(*v)[*n];
	memset(x, 0, sizeof *x);
	x->der = weft_buf_steal(b, &x->len);
	if (!x->der)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	x->crl = crl;
	x->index = (unsigned)++*n;
	return 0;
}

/* 1. PEM: every block whose label names a certificate or a CRL; other
 *    blocks (keys, requests) are skipped.
 * 2. Otherwise one DER object (a SEQUENCE), certificate or CRL by its
 *    shape. */
gpg_error_t
weft_x509_split(const uint8_t *in, size_t len, weft_x509_blob **out,
		size_t *n, weft_diag *diag)
{
	const uint8_t *p = in, *end = in + len, *b, *e, *lab, *labend;
	size_t cap = 0, l;
	weft_buf buf;
	bool crl, trusted;
	gpg_error_t err = 0;

	*out = NULL;
	*n = 0;
	weft_buf_init(&buf);
	if (len && in[0] == 0x30) {
		/* 2 */
		if ((err = weft_buf_put(&buf, in, len)))
			goto leave;
		err = push_blob(out, n, &cap, &buf, looks_like_crl(in, len));
		goto leave;
	}
	/* 1 */
	while ((b = find(p, end, "-----BEGIN "))) {
		lab = b + 11;
		if (!(labend = find(lab, end, "-----")) ||
		    memchr(lab, '\n', (size_t)(labend - lab))) {
			err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					    "malformed PEM BEGIN line");
			goto leave;
		}
		l = (size_t)(labend - lab);
		crl = l == 8 && !memcmp(lab, "X509 CRL", 8);
		trusted = l == 19 && !memcmp(lab, "TRUSTED CERTIFICATE", 19);
		p = labend + 5;
		if (!(e = find(p, end, "-----END "))) {
			err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					    "PEM block \"%.*s\" has no END line",
					    (int)(l > 40 ? 40 : l),
					    (const char *)lab);
			goto leave;
		}
		if (!crl && !trusted &&
		    !(l == 11 && !memcmp(lab, "CERTIFICATE", 11)) &&
		    !(l == 16 && !memcmp(lab, "X509 CERTIFICATE", 16))) {
			p = e + 9;
			continue;
		}
		weft_buf_reset(&buf);
		if ((err = b64_decode(p, e, &buf))) {
			err = weft_diag_set(diag, err,
					    "PEM block %zu: bad base64", *n + 1);
			goto leave;
		}
		if (trusted && (l = first_tlv(buf.data, buf.len)))
			buf.len = l;
		if ((err = push_blob(out, n, &cap, &buf, crl)))
			goto leave;
		p = e + 9;
	}
	if (!*n)
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_NO_DATA),
				    "no certificate or CRL (PEM or DER) found");
leave:
	weft_buf_free(&buf);
	if (err) {
		weft_x509_blobs_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return err;
}

void
weft_x509_blobs_free(weft_x509_blob *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(b[i].der);
	free(b);
}
