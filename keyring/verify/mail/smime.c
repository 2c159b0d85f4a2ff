/* smime.c - S/MIME signatures: CMS signed-data (RFC 5652) parsed with
 * libksba, verified with libgcrypt (see mail.h for why this file, not
 * x509/ and crypto/, includes them).
 *
 * For one CMS object:
 *  1. Check its BER structure ourselves first (weft_mail__ber_check):
 *     libksba prints to stderr and aborts on some malformed input; it
 *     gets only well-formed values nested at most 32 deep.
 *  2. ksba_cms_parse until READY.  At NEED_HASH (detached) hash the
 *     signed MIME part, its line ends made CRLF, with every digest
 *     algorithm the object announces; at BEGIN_DATA (opaque) let libksba
 *     hash the encapsulated content as it reads it.
 *  3. For each signer: find its certificate among those in the object
 *     (issuer and serial number); compare the messageDigest attribute
 *     with our digest of the content (a mismatch: BAD); hash the signed
 *     attributes (or, without any, take the content digest itself) and
 *     verify the signature with the certificate's public key: RSA PKCS#1
 *     v1.5, RSA-PSS (its hash the digest's; libgcrypt's MGF1 uses the
 *     same one), ECDSA.  A digest must be a fixed-length one that the
 *     object announced: libgcrypt aborts on anything else.
 *  4. The facts: the certificate's names, addresses, validity, key usage;
 *     the policy (no MD5 or SHA-1; valid when it signed; allowed to sign
 *     mail); the chain from the X.509 bridge (weft_x509__chain_status).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mail.h"
#include "../../ctx.h"
#include "../../cert/cert.h"

#include <gcrypt.h>
#include <ksba.h>

/* Signatures made this far in the future still count (clock skew). */
#define FUTURE_SLACK 300
/* Certificates taken from one object, at most. */
#define MAX_CERTS 64u
/* Addresses kept from one certificate, at most. */
#define MAX_EMAILS 32u

/* ---- 1. structure -------------------------------------------------------------- */

static gpg_error_t
ber_tlv(const uint8_t *p, size_t n, unsigned depth, size_t *used,
	weft_diag *d)
{
	size_t off = 0, len = 0, k, u, end;
	uint8_t id, lb;
	bool constructed;
	gpg_error_t err;

	if (depth > WEFT_MAIL_MAX_BER_DEPTH)
		return weft_diag_set(d, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "its ASN.1 is nested more than %u deep",
				     WEFT_MAIL_MAX_BER_DEPTH);
	if (n < 2)
		goto bad;
	id = p[off++];
	constructed = id & 0x20;
	if ((id & 0x1f) == 0x1f) {      /* a high tag number */
		for (k = 0;; k++) {
			if (off >= n || k >= 4)
				goto bad;
			if (!(p[off++] & 0x80))
				break;
		}
	}
	if (off >= n)
		goto bad;
	lb = p[off++];
	if (lb == 0x80) {               /* indefinite (BER) */
		if (!constructed)
			goto bad;
		for (;;) {
			if (n - off >= 2 && !p[off] && !p[off + 1]) {
				*used = off + 2;
				return 0;
			}
			if (off >= n)
				goto bad;
			if ((err = ber_tlv(p + off, n - off, depth + 1, &u, d)))
				return err;
			off += u;
		}
	}
	if (lb & 0x80) {
		k = lb & 0x7f;
		if (k > 4 || n - off < k)
			goto bad;
		while (k--)
			len = len << 8 | p[off++];
	} else {
		len = lb;
	}
	if (len > n - off)
		goto bad;
	end = off + len;
	if (constructed) {
		while (off < end) {
			if ((err = ber_tlv(p + off, end - off, depth + 1, &u, d)))
				return err;
			off += u;
		}
	}
	*used = end;
	return 0;
bad:
	return weft_diag_set(d, WEFT_ERR(GPG_ERR_BAD_DATA),
			     "it is not well-formed DER (a damaged or cut "
			     "short ASN.1 value)");
}

gpg_error_t
weft_mail__ber_check(const uint8_t *der, size_t len, weft_diag *diag)
{
	size_t used = 0, i;
	gpg_error_t err;

	if (!len || der[0] != 0x30)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "it is not DER (no ASN.1 SEQUENCE)");
	if ((err = ber_tlv(der, len, 0, &used, diag)))
		return err;
	for (i = used; i < len; i++)
		if (der[i])
			return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					     "%zu octets of garbage after its "
					     "DER", len - used);
	return 0;
}

/* The content type OID of a ContentInfo: its octets after the outer
 * SEQUENCE's header, or NULL. */
static const char *
content_type_name(const uint8_t *der, size_t len)
{
	static const struct { uint8_t last; const char *name; } types[] = {
		{ 1, "data" }, { 2, "signed-data" }, { 3, "enveloped-data" },
		{ 5, "digested-data" }, { 6, "encrypted-data" },
	};
	static const uint8_t pkcs7[] = { 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86,
					 0xF7, 0x0D, 0x01, 0x07 };
	size_t off = 2, i;

	if (len < 4 || der[0] != 0x30)
		return NULL;
	if (der[1] & 0x80 && der[1] != 0x80)
		off += der[1] & 0x7f;
	if (off >= len || len - off < sizeof pkcs7 + 1 ||
	    memcmp(der + off, pkcs7, sizeof pkcs7))
		return NULL;
	for (i = 0; i < WEFT_ARRAY_SIZE(types); i++)
		if (der[off + sizeof pkcs7] == types[i].last)
			return types[i].name;
	return NULL;
}

/* The value at P (N octets, already checked by weft_mail__ber_check):
 * its first tag octet, where its contents start (*HDR), how long they
 * are (*CLEN, without an end-of-contents) and the whole (*TOTAL). */
static bool
tlv_at(const uint8_t *p, size_t n, uint8_t *tag, size_t *hdr, size_t *clen,
       size_t *total)
{
	size_t off = 1, k;
	weft_diag d;

	if (n < 2 || ber_tlv(p, n, 0, total, &d))
		return false;
	*tag = p[0];
	if ((p[0] & 0x1f) == 0x1f)
		while (off < n && (p[off++] & 0x80))
			;
	if (off >= n)
		return false;
	k = p[off] & 0x80 && p[off] != 0x80 ? (size_t)(p[off] & 0x7f) : 0;
	*hdr = off + 1 + k;
	if (*hdr > *total)
		return false;
	*clen = *total - *hdr - (p[off] == 0x80 ? 2 : 0);
	return true;
}

/* Does a SignerInfo name its signer by subjectKeyIdentifier ([0], CMS
 * version 3)?  libksba 1.6 cannot parse those (and says so on stderr):
 * weft refuses them first, by name.  ContentInfo { OID, [0] SignedData
 * { version, digestAlgorithms, encapContentInfo, [0] certificates,
 * [1] crls, signerInfos SET { SignerInfo { version, sid, ... } } } }. */
static bool
signer_by_ski(const uint8_t *der, size_t len)
{
	uint8_t tag;
	size_t h, cl, tot, pos, end, last = 0, lastlen = 0;

	if (!tlv_at(der, len, &tag, &h, &cl, &tot) || tag != 0x30)
		return false;
	pos = h;                                        /* the OID */
	if (!tlv_at(der + pos, h + cl - pos, &tag, &h, &cl, &tot))
		return false;
	pos += tot;                                     /* [0] */
	if (!tlv_at(der + pos, len - pos, &tag, &h, &cl, &tot) || tag != 0xA0)
		return false;
	pos += h;                                       /* SignedData */
	if (!tlv_at(der + pos, len - pos, &tag, &h, &cl, &tot) || tag != 0x30)
		return false;
	end = pos + h + cl;
	for (pos += h; pos < end; pos += tot) {         /* its fields */
		if (!tlv_at(der + pos, end - pos, &tag, &h, &cl, &tot))
			return false;
		last = pos;
		lastlen = tot;
	}
	if (!lastlen || der[last] != 0x31)
		return false;
	if (!tlv_at(der + last, lastlen, &tag, &h, &cl, &tot))
		return false;
	end = last + h + cl;
	for (pos = last + h; pos < end; pos += tot) {   /* each SignerInfo */
		size_t ih, icl, itot, q;

		if (!tlv_at(der + pos, end - pos, &tag, &h, &cl, &tot) ||
		    tag != 0x30)
			return false;
		q = pos + h;                            /* version */
		if (!tlv_at(der + q, pos + h + cl - q, &tag, &ih, &icl, &itot))
			return false;
		q += itot;                              /* sid */
		if (q < pos + h + cl && (der[q] == 0x80 || der[q] == 0xA0))
			return true;
	}
	return false;
}

/* ---- helpers -------------------------------------------------------------------- */

static void
hash_cb(void *arg, const void *buf, size_t len)
{
	gcry_md_write((gcry_md_hd_t)arg, buf, len);
}

static gcry_sexp_t
canon_sexp(const unsigned char *s)
{
	gcry_sexp_t x = NULL;
	size_t n;

	if (!s || !(n = gcry_sexp_canon_len(s, 0, NULL, NULL)))
		return NULL;
	if (gcry_sexp_sscan(&x, NULL, (const char *)s, n))
		return NULL;
	return x;
}

/* Equal canonical S-expressions? */
static bool
sexp_equal(const unsigned char *a, const unsigned char *b)
{
	size_t na, nb;

	if (!a || !b)
		return false;
	na = gcry_sexp_canon_len(a, 0, NULL, NULL);
	nb = gcry_sexp_canon_len(b, 0, NULL, NULL);
	return na && na == nb && !memcmp(a, b, na);
}

/* A serial number (canonical "(N:octets)") as hex. */
static char *
serial_hex(const unsigned char *s)
{
	const unsigned char *p = s;
	unsigned long n;
	char *end, *out;
	size_t i;

	if (!p || *p != '(')
		return NULL;
	p++;
	n = strtoul((const char *)p, &end, 10);
	if ((const unsigned char *)end == p || *end != ':' || n > 1024)
		return NULL;
	p = (const unsigned char *)end + 1;
	if (!(out = malloc(2 * n + 1)))
		return NULL;
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02X", p[i]);
	out[2 * n] = 0;
	return out;
}

/* "20240101T000000" (UTC) as Unix seconds; 0 when empty or invalid. */
static int64_t
iso_time(const char *s)
{
	struct tm tm;
	int i;

	if (!s || strlen(s) < 15 || s[8] != 'T')
		return 0;
	for (i = 0; i < 15; i++)
		if (i != 8 && (s[i] < '0' || s[i] > '9'))
			return 0;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
		     (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[4] - '0') * 10 + (s[5] - '0') - 1;
	tm.tm_mday = (s[6] - '0') * 10 + (s[7] - '0');
	tm.tm_hour = (s[9] - '0') * 10 + (s[10] - '0');
	tm.tm_min = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_sec = (s[13] - '0') * 10 + (s[14] - '0');
	return (int64_t)timegm(&tm);
}

static void
date(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm))
		strftime(out, n, "%Y-%m-%d", &tm);
	else
		snprintf(out, n, "?");
}

static void
set_problem(weft_smime_info *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
set_problem(weft_smime_info *s, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (s->problem)
		return;         /* the first one says most */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	s->problem = strdup(buf);
}

static char *
ksba_copy(char *s)
{
	char *c = s ? strdup(s) : NULL;

	ksba_free(s);
	return c;
}

static gpg_error_t
add_email(weft_smime_info *s, const char *raw, size_t n)
{
	char norm[512], **v;
	size_t i;

	if (s->nemails >= MAX_EMAILS ||
	    !weft_uid_email((const uint8_t *)raw, n, norm, sizeof norm))
		return 0;
	for (i = 0; i < s->nemails; i++)
		if (!strcmp(s->emails[i], norm))
			return 0;
	if (!(v = realloc(s->emails, (s->nemails + 1) * sizeof *v)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	s->emails = v;
	if (!(v[s->nemails] = strdup(norm)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	s->nemails++;
	return 0;
}

/* The subject's emailAddress attributes ("1.2.840.113549.1.9.1=#hex"
 * in libksba's RFC 2253 string). */
static gpg_error_t
dn_emails(weft_smime_info *s)
{
	static const char key[] = "1.2.840.113549.1.9.1=#";
	const char *p = s->subject;
	char buf[256];
	gpg_error_t err;

	while (p && (p = strstr(p, key))) {
		size_t k = 0;

		if (p != s->subject && p[-1] != ',' && p[-1] != '+') {
			p += sizeof key - 1;
			continue;
		}
		p += sizeof key - 1;
		while (k + 1 < sizeof buf) {
			int hi, lo;

			hi = (p[0] >= '0' && p[0] <= '9') ? p[0] - '0'
			     : (p[0] >= 'A' && p[0] <= 'F') ? p[0] - 'A' + 10
			     : (p[0] >= 'a' && p[0] <= 'f') ? p[0] - 'a' + 10 : -1;
			if (hi < 0)
				break;
			lo = (p[1] >= '0' && p[1] <= '9') ? p[1] - '0'
			     : (p[1] >= 'A' && p[1] <= 'F') ? p[1] - 'A' + 10
			     : (p[1] >= 'a' && p[1] <= 'f') ? p[1] - 'a' + 10 : -1;
			if (lo < 0)
				break;
			buf[k++] = (char)(hi << 4 | lo);
			p += 2;
		}
		if ((err = add_email(s, buf, k)))
			return err;
	}
	return 0;
}

/* ---- 4. the certificate ----------------------------------------------------------- */

static gpg_error_t
cert_facts(weft_smime_info *s, ksba_cert_t cert)
{
	const unsigned char *img;
	unsigned char fpr[20];
	ksba_isotime_t t;
	size_t n, i;
	int idx;
	gpg_error_t err;

	free(s->subject);
	free(s->issuer);
	free(s->serial);
	s->subject = ksba_copy(ksba_cert_get_subject(cert, 0));
	s->issuer = ksba_copy(ksba_cert_get_issuer(cert, 0));
	{
		ksba_sexp_t sn = ksba_cert_get_serial(cert);

		s->serial = serial_hex(sn);
		ksba_free(sn);
	}
	if ((img = ksba_cert_get_image(cert, &n))) {
		gcry_md_hash_buffer(GCRY_MD_SHA1, fpr, img, n);
		for (i = 0; i < 20; i++)
			snprintf(s->fingerprint + 2 * i, 3, "%02X", fpr[i]);
	}
	if (!ksba_cert_get_validity(cert, 0, t))
		s->not_before = iso_time(t);
	if (!ksba_cert_get_validity(cert, 1, t))
		s->not_after = iso_time(t);
	/* subjectAltName rfc822Name: "<addr>" */
	for (idx = 1; idx < 256; idx++) {
		char *a = ksba_cert_get_subject(cert, idx);

		if (!a)
			break;
		n = strlen(a);
		err = n > 2 && a[0] == '<' && a[n - 1] == '>'
		      ? add_email(s, a + 1, n - 2) : 0;
		ksba_free(a);
		if (err)
			return err;
	}
	if (!s->nemails && (err = dn_emails(s)))
		return err;
	/* the key, until the signature says more (RSA-PSS) */
	{
		ksba_sexp_t kc = ksba_cert_get_public_key(cert);
		gcry_sexp_t key = canon_sexp(kc);
		gcry_sexp_t kt;
		const char *curve;

		if (key && (kt = gcry_sexp_find_token(key, "rsa", 0))) {
			snprintf(s->algo, sizeof s->algo, "RSA-%u",
				 gcry_pk_get_nbits(key));
			gcry_sexp_release(kt);
		} else if (key && (kt = gcry_sexp_find_token(key, "ecc", 0))) {
			curve = gcry_pk_get_curve(key, 0, NULL);
			snprintf(s->algo, sizeof s->algo, "ECDSA %s",
				 curve ? curve : "(unknown curve)");
			gcry_sexp_release(kt);
		}
		gcry_sexp_release(key);
		ksba_free(kc);
	}
	return 0;
}

/* Is the certificate allowed to sign mail?  NULL, or why not. */
static const char *
usage_problem(ksba_cert_t cert)
{
	unsigned int ku = 0;
	char *eku = NULL;
	const char *why = NULL;

	if (!ksba_cert_get_key_usage(cert, &ku) &&
	    !(ku & (KSBA_KEYUSAGE_DIGITAL_SIGNATURE |
		    KSBA_KEYUSAGE_NON_REPUDIATION)))
		why = "its key usage does not allow signatures";
	if (!why && !ksba_cert_get_ext_key_usages(cert, &eku) && eku &&
	    !strstr(eku, "1.3.6.1.5.5.7.3.4:") && !strstr(eku, "2.5.29.37.0:"))
		why = "its extended key usage does not include email protection";
	ksba_free(eku);
	return why;
}

/* ---- 3. the signature ---------------------------------------------------------------- */

static const char *
hash_label(int algo)
{
	switch (algo) {
	case GCRY_MD_MD5: return "MD5";
	case GCRY_MD_SHA1: return "SHA1";
	case GCRY_MD_RMD160: return "RIPEMD160";
	case GCRY_MD_SHA224: return "SHA224";
	case GCRY_MD_SHA256: return "SHA256";
	case GCRY_MD_SHA384: return "SHA384";
	case GCRY_MD_SHA512: return "SHA512";
	case GCRY_MD_SHA3_256: return "SHA3-256";
	case GCRY_MD_SHA3_512: return "SHA3-512";
	default: return "unknown";
	}
}

/* The digests weft hashes with: fixed lengths only.  libgcrypt aborts
 * the process when gcry_md_read is asked for an algorithm that was not
 * enabled, or for one without a fixed length (SHAKE): a signer's digest
 * must be one of these and enabled before it is read. */
static bool
digest_ok(int algo)
{
	switch (algo) {
	case GCRY_MD_MD5:
	case GCRY_MD_SHA1:
	case GCRY_MD_RMD160:
	case GCRY_MD_SHA224:
	case GCRY_MD_SHA256:
	case GCRY_MD_SHA384:
	case GCRY_MD_SHA512:
	case GCRY_MD_SHA3_224:
	case GCRY_MD_SHA3_256:
	case GCRY_MD_SHA3_384:
	case GCRY_MD_SHA3_512:
		return !gcry_md_test_algo(algo);
	default:
		return false;
	}
}

/* A copy of the value of token NAME in S (the first element after the
 * name), or NULL; free it with gcry_free. */
static void *
token_buf(gcry_sexp_t s, const char *name, size_t *n)
{
	gcry_sexp_t t = gcry_sexp_find_token(s, name, 0);
	void *b;

	*n = 0;
	if (!t)
		return NULL;
	b = gcry_sexp_nth_buffer(t, 1, n);
	gcry_sexp_release(t);
	return b;
}

/* The same as a NUL-terminated string (at most MAX - 1 octets). */
static bool
token_str(gcry_sexp_t s, const char *name, char *out, size_t max)
{
	size_t n;
	void *b = token_buf(s, name, &n);
	bool ok = b && n && n < max;

	if (ok) {
		memcpy(out, b, n);
		out[n] = 0;
	}
	gcry_free(b);
	return ok;
}

/* Verify signature value SV of the digest DG (DLEN octets of hash ALGO)
 * with the public key KEY; the verdict and the algorithm into S. */
static void
check_sig(weft_smime_info *s, const unsigned char *sv_c,
	  const unsigned char *key_c, int algo, const unsigned char *dg,
	  size_t dlen)
{
	gcry_sexp_t sv = canon_sexp(sv_c), key = canon_sexp(key_c);
	gcry_sexp_t sig = NULL, data = NULL, t = NULL;
	void *b1 = NULL, *b2 = NULL;
	char hname[32];
	size_t n1, n2, i;
	unsigned nbits;
	gpg_error_t err;

	s->verdict = WEFT_VERDICT_ERROR;
	if (!sv || !key) {
		set_problem(s, "the signature value or the certificate's key "
			    "cannot be read");
		goto leave;
	}
	snprintf(hname, sizeof hname, "%s", gcry_md_algo_name(algo));
	for (i = 0; hname[i]; i++)
		if (hname[i] >= 'A' && hname[i] <= 'Z')
			hname[i] = (char)(hname[i] + 32);
	nbits = gcry_pk_get_nbits(key);
	if ((t = gcry_sexp_find_token(sv, "rsa", 0))) {
		char f[16], hbuf[64], sbuf[16];
		bool pss = token_str(sv, "flags", f, sizeof f) &&
			   !strcmp(f, "pss");
		unsigned long salt;
		gcry_sexp_t kt = gcry_sexp_find_token(key, "rsa", 0);

		b1 = token_buf(t, "s", &n1);
		if (!b1 || !kt) {
			gcry_sexp_release(kt);
			set_problem(s, "an RSA signature, but the certificate's "
				    "key is not RSA");
			goto leave;
		}
		{
			/* a huge modulus or exponent makes one verification
			 * take seconds: refused */
			size_t en;
			void *e = token_buf(kt, "e", &en);

			gcry_free(e);
			if (nbits > WEFT_MAX_MPI_BITS || !e || en > 8) {
				gcry_sexp_release(kt);
				set_problem(s, "an RSA key weft does not check (a "
					    "modulus over %u bits or an exponent "
					    "over 64 bits)", WEFT_MAX_MPI_BITS);
				goto leave;
			}
		}
		gcry_sexp_release(kt);
		if (gcry_sexp_build(&sig, NULL, "(sig-val(rsa(s %b)))", (int)n1,
				    b1))
			goto nomem;
		if (pss) {
			snprintf(s->algo, sizeof s->algo, "RSA-PSS-%u", nbits);
			if (!token_str(sv, "hash-algo", hbuf, sizeof hbuf) ||
			    !token_str(sv, "salt-length", sbuf, sizeof sbuf)) {
				set_problem(s, "RSA-PSS without its parameters");
				goto leave;
			}
			salt = strtoul(sbuf, NULL, 10);
			if (gcry_md_map_name(hbuf) != algo || salt > 1024) {
				set_problem(s, "RSA-PSS with a hash (%s) other than "
					    "the signer's digest (%s): not "
					    "supported", hbuf, hash_label(algo));
				goto leave;
			}
			if (gcry_sexp_build(&data, NULL,
				"(data(flags pss)(hash %s %b)(salt-length %u))",
				hname, (int)dlen, dg, (unsigned)salt))
				goto nomem;
		} else {
			snprintf(s->algo, sizeof s->algo, "RSA-%u", nbits);
			if (gcry_sexp_build(&data, NULL,
					    "(data(flags pkcs1)(hash %s %b))",
					    hname, (int)dlen, dg))
				goto nomem;
		}
	} else if ((t = gcry_sexp_find_token(sv, "ecdsa", 0))) {
		const char *curve;
		gcry_sexp_t kt = gcry_sexp_find_token(key, "ecc", 0);

		b1 = token_buf(t, "r", &n1);
		b2 = token_buf(t, "s", &n2);
		if (!b1 || !b2 || !kt) {
			gcry_sexp_release(kt);
			set_problem(s, "an ECDSA signature, but the certificate's "
				    "key is not an elliptic curve key");
			goto leave;
		}
		gcry_sexp_release(kt);
		curve = gcry_pk_get_curve(key, 0, NULL);
		snprintf(s->algo, sizeof s->algo, "ECDSA %s",
			 curve ? curve : "(unknown curve)");
		if (gcry_sexp_build(&sig, NULL, "(sig-val(ecdsa(r %b)(s %b)))",
				    (int)n1, b1, (int)n2, b2) ||
		    gcry_sexp_build(&data, NULL, "(data(flags raw)(value %b))",
				    (int)dlen, dg))
			goto nomem;
	} else {
		set_problem(s, "a signature algorithm weft cannot check yet "
			    "(RSA, RSA-PSS and ECDSA only)");
		goto leave;
	}
	err = gcry_pk_verify(sig, data, key);
	if (!err) {
		s->verdict = WEFT_VERDICT_GOOD;
	} else if (gpg_err_code(err) == GPG_ERR_BAD_SIGNATURE) {
		s->verdict = WEFT_VERDICT_BAD;
		set_problem(s, "the signature does not verify: the message or "
			    "the signature was changed");
	} else {
		set_problem(s, "the signature cannot be checked: %s",
			    gpg_strerror(err));
	}
	goto leave;
nomem:
	set_problem(s, "out of memory");
leave:
	gcry_free(b1);
	gcry_free(b2);
	gcry_sexp_release(t);
	gcry_sexp_release(sig);
	gcry_sexp_release(data);
	gcry_sexp_release(sv);
	gcry_sexp_release(key);
}

typedef struct cms_state {
	weft_ctx *ctx;
	ksba_cms_t cms;
	gcry_md_hd_t data_md;
	ksba_cert_t certs[MAX_CERTS];
	size_t ncerts;
	int64_t now;
} cms_state;

/* Step 3 and 4 for signer IDX. */
static gpg_error_t
signer(cms_state *st, int idx, char *issuer, ksba_sexp_t serial,
       weft_smime_info *s)
{
	ksba_cert_t cert = NULL;
	const char *oid, *why;
	char *mdig = NULL, d1[16], d2[16];
	size_t mdlen = 0, i, dlen;
	const unsigned char *cdg, *dg;
	gcry_md_hd_t attr_md = NULL;
	ksba_sexp_t sv = NULL, key = NULL;
	ksba_isotime_t t;
	weft_x509_der leaf, extra[MAX_CERTS];
	weft_x509_chain chain;
	int algo;
	int64_t when;
	gpg_error_t err = 0;

	s->verdict = WEFT_VERDICT_ERROR;
	s->hash = "unknown";
	for (i = 0; i < st->ncerts && !cert; i++) {
		char *ci = ksba_cert_get_issuer(st->certs[i], 0);
		ksba_sexp_t cs = ksba_cert_get_serial(st->certs[i]);

		if (issuer && ci && !strcmp(ci, issuer) && sexp_equal(cs, serial))
			cert = st->certs[i];
		ksba_free(ci);
		ksba_free(cs);
	}
	if (!cert) {
		s->verdict = WEFT_VERDICT_NO_KEY;
		s->issuer = issuer ? strdup(issuer) : NULL;
		s->serial = serial_hex(serial);
		set_problem(s, "the signer's certificate (serial %s) is not in "
			    "the message", s->serial ? s->serial : "?");
		return 0;
	}
	if ((err = cert_facts(s, cert)))
		return err;
	if (!ksba_cms_get_signing_time(st->cms, idx, t) && t[0])
		s->signing_time = iso_time(t);
	oid = ksba_cms_get_digest_algo(st->cms, idx);
	algo = oid ? gcry_md_map_name(oid) : 0;
	s->hash = hash_label(algo);
	if (!digest_ok(algo)) {
		set_problem(s, "a digest algorithm weft does not know (%s)",
			    oid ? oid : "none");
		goto facts;
	}
	if (!gcry_md_is_enabled(st->data_md, algo) ||
	    !(cdg = gcry_md_read(st->data_md, algo))) {
		set_problem(s, "its digest algorithm (%s) is not among those "
			    "the message announces", s->hash);
		goto facts;
	}
	dlen = gcry_md_get_algo_dlen(algo);
	err = ksba_cms_get_message_digest(st->cms, idx, &mdig, &mdlen);
	if (!err && !mdig)
		err = WEFT_ERR(GPG_ERR_NO_DATA);  /* libksba 1.6: no attributes */
	if (!err) {
		if (mdlen != dlen || memcmp(mdig, cdg, dlen)) {
			s->verdict = WEFT_VERDICT_BAD;
			set_problem(s, "the message digest it signed is not the "
				    "message's: the message was changed");
			goto facts;
		}
		if (gcry_md_open(&attr_md, algo, 0)) {
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			goto leave;
		}
		ksba_cms_set_hash_function(st->cms, hash_cb, attr_md);
		if ((err = ksba_cms_hash_signed_attrs(st->cms, idx))) {
			set_problem(s, "its signed attributes cannot be read: %s",
				    gpg_strerror(err));
			err = 0;
			goto facts;
		}
		dg = gcry_md_read(attr_md, algo);
	} else if (gpg_err_code(err) == GPG_ERR_NO_DATA) {
		dg = cdg;               /* no signed attributes */
	} else {
		set_problem(s, "its message digest attribute cannot be read: "
			    "%s", gpg_strerror(err));
		err = 0;
		goto facts;
	}
	err = 0;
	sv = ksba_cms_get_sig_val(st->cms, idx);
	key = ksba_cert_get_public_key(cert);
	check_sig(s, sv, key, algo, dg, dlen);
facts:
	/* the policy, and when it was valid */
	when = s->signing_time ? s->signing_time : st->now;
	date(s->not_before, d1, sizeof d1);
	date(s->not_after, d2, sizeof d2);
	if (s->verdict == WEFT_VERDICT_GOOD) {
		if (algo == GCRY_MD_MD5 || algo == GCRY_MD_SHA1 ||
		    algo == GCRY_MD_RMD160)
			set_problem(s, "it uses %s, which is not accepted for "
				    "signatures (collisions)", s->hash);
		if (s->signing_time > st->now + FUTURE_SLACK)
			set_problem(s, "it was made in the future");
		if (when < s->not_before || (s->not_after && when > s->not_after))
			set_problem(s, "the certificate was not valid when it "
				    "signed (valid %s to %s)", d1, d2);
		if ((why = usage_problem(cert)))
			set_problem(s, "the certificate may not sign mail: %s",
				    why);
		s->ok = !s->problem;
		if (st->now < s->not_before ||
		    (s->not_after && st->now > s->not_after))
			s->cert_expired = true;
	}
	/* the chain */
	leaf.der = ksba_cert_get_image(cert, &leaf.len);
	for (i = 0; i < st->ncerts; i++)
		extra[i].der = ksba_cert_get_image(st->certs[i], &extra[i].len);
	if ((err = weft_x509__chain_status(st->ctx, &leaf, extra, st->ncerts,
					   when, &chain)))
		goto leave;
	if (!(s->ca_status = strdup(chain.status))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	s->authenticated = chain.authenticated;
	s->amount = chain.amount;
leave:
	ksba_free(mdig);
	ksba_free(sv);
	ksba_free(key);
	gcry_md_close(attr_md);
	return err;
}

/* One step of ksba_cms_parse.  Its own function, by name, because
 * libksba 1.6.3 leaks in the error paths of its BER decoder: the
 * sanitizer runs of the tests suppress leaks under this name (and under
 * _ksba_keyinfo_to_sexp, whose error paths leak too: "FIXME: We don't
 * release the stringbuf in case of error"). */
__attribute__((noinline)) static gpg_error_t
cms_parse_step(ksba_cms_t cms, ksba_stop_reason_t *sr)
{
	gpg_error_t err = ksba_cms_parse(cms, sr);

	__asm__ volatile("" ::: "memory");  /* a frame: no tail call */
	return err;
}

/* ---- the entry ----------------------------------------------------------------------- */

static gpg_error_t
hash_detached(cms_state *st, const weft_mime *m, const weft_mime_part *p)
{
	weft_mime_canon c;
	uint8_t buf[16384];
	size_t got;

	weft_mime_canon_init(&c, m, p);
	do {
		weft_mime_canon_read(&c, buf, sizeof buf, &got);
		gcry_md_write(st->data_md, buf, got);
	} while (got);
	return 0;
}

static void
enable_digests(cms_state *st)
{
	const char *oid;
	int i, a;

	for (i = 0; i < 16 && (oid = ksba_cms_get_digest_algo_list(st->cms, i));
	     i++)
		if ((a = gcry_md_map_name(oid)) && digest_ok(a))
			gcry_md_enable(st->data_md, a);
}

gpg_error_t
weft_mail__smime(weft_ctx *ctx, const uint8_t *der, size_t len,
		 const weft_mime *m, const weft_mime_part *signed_,
		 weft_smime_info **out, size_t *nout, weft_diag *diag)
{
	cms_state st;
	ksba_reader_t r = NULL;
	ksba_stop_reason_t sr = KSBA_SR_NONE;
	weft_smime_info *v = NULL;
	const char *ct;
	size_t n = 0, i;
	int idx, rounds;
	bool content = false;
	gpg_error_t err;

	*out = NULL;
	*nout = 0;
	memset(&st, 0, sizeof st);
	st.ctx = ctx;
	st.now = weft_ctx_time(ctx) ? weft_ctx_time(ctx) : (int64_t)time(NULL);
	/* 1 */
	if ((err = weft_mail__ber_check(der, len, diag)))
		return err;
	ct = content_type_name(der, len);
	if (!ct || strcmp(ct, "signed-data"))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "it is CMS %s, not signed-data",
				     ct ? ct : "of an unknown type");
	if (signer_by_ski(der, len))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "its signer is named by subject key "
				     "identifier, which weft cannot read yet "
				     "(libksba 1.6 does not)");
	/* 2 */
	if ((err = ksba_reader_new(&r)) ||
	    (err = ksba_reader_set_mem(r, der, len)) ||
	    (err = ksba_cms_new(&st.cms)) ||
	    (err = ksba_cms_set_reader_writer(st.cms, r, NULL)))
		goto leave;
	if (gcry_md_open(&st.data_md, 0, 0)) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	for (rounds = 0; sr != KSBA_SR_READY; rounds++) {
		if (rounds > 16 || (err = cms_parse_step(st.cms, &sr))) {
			err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				"libksba cannot read it (%s)",
				err ? gpg_strerror(err) : "it does not end");
			goto leave;
		}
		if (sr == KSBA_SR_NEED_HASH) {
			if (!signed_) {
				err = weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_BAD_DATA),
					"it is a detached signature without its "
					"content (opaque signed-data must carry "
					"it)");
				goto leave;
			}
			enable_digests(&st);
			hash_detached(&st, m, signed_);
			content = true;
		} else if (sr == KSBA_SR_BEGIN_DATA) {
			if (signed_) {
				err = weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_BAD_DATA),
					"it carries its own content, not the "
					"signed part beside it");
				goto leave;
			}
			enable_digests(&st);
			ksba_cms_set_hash_function(st.cms, hash_cb, st.data_md);
			content = true;
		}
	}
	if (!content) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				    "it signs no content");
		goto leave;
	}
	for (st.ncerts = 0; st.ncerts < MAX_CERTS; st.ncerts++)
		if (!(st.certs[st.ncerts] = ksba_cms_get_cert(st.cms,
							       (int)st.ncerts)))
			break;
	/* 3, 4: each signer */
	for (idx = 0;; idx++) {
		char *issuer = NULL;
		ksba_sexp_t serial = NULL;
		weft_smime_info *nv;

		err = ksba_cms_get_issuer_serial(st.cms, idx, &issuer, &serial);
		if (err == (gpg_error_t)-1 || gpg_err_code(err) == GPG_ERR_EOF) {
			err = 0;
			break;
		}
		if ((size_t)idx >= WEFT_MAIL_MAX_SIGNERS) {
			ksba_free(issuer);
			ksba_free(serial);
			err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
					    "it has more than %u signers",
					    WEFT_MAIL_MAX_SIGNERS);
			goto leave;
		}
		if (!(nv = realloc(v, (n + 1) * sizeof *v))) {
			ksba_free(issuer);
			ksba_free(serial);
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			goto leave;
		}
		v = nv;
		memset(&v[n], 0, sizeof v[n]);
		n++;
		if (err) {
			v[n - 1].verdict = WEFT_VERDICT_ERROR;
			v[n - 1].hash = "unknown";
			set_problem(&v[n - 1], "its signer cannot be read: %s",
				    gpg_strerror(err));
			err = 0;
		} else {
			err = signer(&st, idx, issuer, serial, &v[n - 1]);
		}
		ksba_free(issuer);
		ksba_free(serial);
		if (err)
			goto leave;
	}
	if (!n)
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_NO_DATA),
				    "it has no signer");
leave:
	if (err && !diag->msg[0])
		weft_diag_set(diag, err, "%s", gpg_strerror(err));
	for (i = 0; i < st.ncerts; i++)
		ksba_cert_release(st.certs[i]);
	gcry_md_close(st.data_md);
	ksba_cms_release(st.cms);
	ksba_reader_release(r);
	if (err) {
		for (i = 0; i < n; i++)
			weft_mail__smime_info_free(&v[i]);
		free(v);
		return err;
	}
	*out = v;
	*nout = n;
	return 0;
}

void
weft_mail__smime_info_free(weft_smime_info *s)
{
	size_t i;

	if (!s)
		return;
	free(s->problem);
	free(s->subject);
	free(s->issuer);
	free(s->serial);
	for (i = 0; i < s->nemails; i++)
		free(s->emails[i]);
	free(s->emails);
	free(s->ca_status);
}
