/* x509.c - what the X.509 bridge needs from libgcrypt: a certificate's
 * public key split into the fields of an OpenPGP key packet, X.509
 * signatures checked, keygrips.
 *
 * libksba hands keys and signatures over as canonical S-expressions,
 * which libgcrypt reads as they are (tested with libksba 1.6 and
 * libgcrypt 1.10, ../shared/x509-bridge.md):
 *   (public-key(rsa(n N)(e E)))
 *   (public-key(ecc(curve "1.2.840.10045.3.1.7")(q 04||X||Y)))
 *   (public-key(ecc(curve "1.3.101.112")(q A)))        Ed25519, no 0x40
 *   (sig-val(rsa(s S))(hash sha256)), (sig-val(ecdsa(r R)(s S))...),
 *   (sig-val(eddsa(r R)(s S)))
 * and verify over
 *   RSA      (data(flags pkcs1)(hash ALGO DIGEST))
 *   ECDSA    (data(flags raw)(hash ALGO DIGEST))
 *   Ed25519  (data(flags eddsa)(hash-algo sha512)(value TBS))  PureEdDSA
 *
 * Except the Ed25519 key: without the eddsa flag libgcrypt takes a q
 * whose first octet is 0x02 or 0x03 (two keys in 256) for a compressed
 * SEC1 point, and neither its keygrip nor a signature it made can be
 * computed.  weft hands libgcrypt the form gpg-agent uses,
 *   (public-key(ecc(curve Ed25519)(flags eddsa)(q 0x40||A)))
 * whose keygrip equals that of libksba's form wherever that one works.
 */
#include "crypto-int.h"

#include "../util/buf.h"

/* Sizes libksba's keys may reach before we look at them. */
#define MAX_SEXP (64u * 1024)
#define MAX_OID_ARCS 16

static gpg_error_t
sexp_of(gcry_sexp_t *out, const uint8_t *p, size_t len)
{
	size_t n;
	gcry_error_t gerr;

	*out = NULL;
	if (!p || !len || len > MAX_SEXP)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	n = gcry_sexp_canon_len(p, len, NULL, &gerr);
	if (!n || n > len)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	if (gcry_sexp_new(out, p, n, 0))
		return WEFT_ERR(GPG_ERR_INV_DATA);
	return 0;
}

/* "1.2.840.10045.3.1.7" -> its DER content octets.  False when it is not
 * a dotted OID or does not fit. */
static bool
oid_from_dotted(const char *s, size_t n, uint8_t *out, size_t outlen,
		size_t *len)
{
	uint32_t arcs[MAX_OID_ARCS];
	size_t narcs = 0, i, o = 0;
	uint64_t v;
	size_t p = 0;

	*len = 0;
	while (p < n) {
		if (narcs == MAX_OID_ARCS || s[p] < '0' || s[p] > '9')
			return false;
		for (v = 0; p < n && s[p] >= '0' && s[p] <= '9'; p++) {
			v = v * 10 + (uint64_t)(s[p] - '0');
			if (v > UINT32_MAX)
				return false;
		}
		arcs[narcs++] = (uint32_t)v;
		if (p < n) {
			if (s[p] != '.' || p + 1 == n)
				return false;
			p++;
		}
	}
	if (narcs < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
		return false;
	/* the first two arcs make one number; then each arc, base 128 */
	for (i = 1; i < narcs; i++) {
		uint64_t a = i == 1 ? (uint64_t)arcs[0] * 40 + arcs[1] : arcs[i];
		uint8_t tmp[10];
		size_t k = 0;

		do {
			tmp[k++] = (uint8_t)(a & 0x7f);
			a >>= 7;
		} while (a);
		if (o + k > outlen)
			return false;
		while (k--)
			out[o++] = (uint8_t)(tmp[k] | (k ? 0x80 : 0));
	}
	*len = o;
	return true;
}

static const uint8_t oid_x509_ed25519[] = { 0x2b, 0x65, 0x70 };
static const uint8_t oid_pgp_ed25519[] = { 0x2b, 0x06, 0x01, 0x04, 0x01,
					   0xda, 0x47, 0x0f, 0x01 };

/* The curve libksba names (a dotted OID, or a libgcrypt name). */
static const weft_curve *
curve_of(const char *s, size_t n)
{
	uint8_t der[64];
	size_t len;

	if (oid_from_dotted(s, n, der, sizeof der, &len)) {
		if (len == sizeof oid_x509_ed25519 &&
		    !memcmp(der, oid_x509_ed25519, len))
			return weft_curve_by_oid(oid_pgp_ed25519,
						 sizeof oid_pgp_ed25519);
		return weft_curve_by_oid(der, len);
	}
	if ((n == 7 && !memcmp(s, "Ed25519", 7)))
		return weft_curve_by_oid(oid_pgp_ed25519,
					 sizeof oid_pgp_ed25519);
	if (n == 10 && !memcmp(s, "NIST P-256", 10))
		return weft_curve_by_oid((const uint8_t *)
			"\x2a\x86\x48\xce\x3d\x03\x01\x07", 8);
	if (n == 10 && !memcmp(s, "NIST P-384", 10))
		return weft_curve_by_oid((const uint8_t *)"\x2b\x81\x04\x00\x22",
					 5);
	if (n == 10 && !memcmp(s, "NIST P-521", 10))
		return weft_curve_by_oid((const uint8_t *)"\x2b\x81\x04\x00\x23",
					 5);
	return NULL;
}

/* The data of (NAME VALUE) inside L. */
static const uint8_t *
token_data(gcry_sexp_t l, const char *name, size_t *len)
{
	gcry_sexp_t t = gcry_sexp_find_token(l, name, 0);
	const char *d;

	*len = 0;
	if (!t)
		return NULL;
	/* A copy (gcry_free): the token is released here. */
	d = gcry_sexp_nth_data(t, 1, len);
	if (d && *len) {
		uint8_t *copy = gcry_malloc(*len);

		if (copy)
			memcpy(copy, d, *len);
		gcry_sexp_release(t);
		return copy;
	}
	gcry_sexp_release(t);
	return NULL;
}

static void
put_unsigned(weft_buf *b, const uint8_t *p, size_t n)
{
	while (n && !*p) {
		p++;
		n--;
	}
	weft_buf_put(b, p, n);
}

static unsigned
bit_length(const uint8_t *p, size_t n)
{
	unsigned bits;
	uint8_t c;

	while (n && !*p) {
		p++;
		n--;
	}
	if (!n)
		return 0;
	bits = (unsigned)(n - 1) * 8;
	for (c = p[0]; c; c >>= 1)
		bits++;
	return bits;
}

/* 1. Read the S-expression; find (rsa ...) or (ecc ...).
 * 2. RSA: n and e, both non-empty.
 * 3. ECC: the curve must be one OpenPGP names; Ed25519 takes the 32
 *    octets of A (a 0x40 prefix, as in OpenPGP's form, is dropped),
 *    the NIST and brainpool curves an uncompressed point of the curve's
 *    size. */
gpg_error_t
weft_x509_key_parse(weft_x509_key *out, const uint8_t *p, size_t len)
{
	gcry_sexp_t s = NULL, l = NULL, c = NULL;
	const uint8_t *n = NULL, *e = NULL, *q = NULL;
	const char *cname;
	size_t nlen, elen, qlen, clen, coord;
	gpg_error_t err;

	memset(out, 0, sizeof *out);
	weft_buf_init(&out->a);
	weft_buf_init(&out->b);
	/* 1 */
	if ((err = sexp_of(&s, p, len)))
		return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	if ((l = gcry_sexp_find_token(s, "rsa", 0))) {
		/* 2 */
		n = token_data(l, "n", &nlen);
		e = token_data(l, "e", &elen);
		if (!n || !e || !bit_length(n, nlen) || !bit_length(e, elen)) {
			err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
			goto leave;
		}
		out->algo = WEFT_PK_RSA;
		out->bits = bit_length(n, nlen);
		put_unsigned(&out->a, n, nlen);
		put_unsigned(&out->b, e, elen);
	} else if ((l = gcry_sexp_find_token(s, "ecc", 0))) {
		/* 3 */
		c = gcry_sexp_find_token(l, "curve", 0);
		cname = c ? gcry_sexp_nth_data(c, 1, &clen) : NULL;
		if (!cname || !(out->curve = curve_of(cname, clen))) {
			err = WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
			goto leave;
		}
		q = token_data(l, "q", &qlen);
		if (!q) {
			err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
			goto leave;
		}
		out->bits = out->curve->bits;
		if (!strcmp(out->curve->name, "Ed25519")) {
			out->algo = WEFT_PK_EDDSA_LEGACY;
			if (qlen == 33 && q[0] == 0x40)
				weft_buf_put(&out->a, q + 1, 32);
			else if (qlen == 32)
				weft_buf_put(&out->a, q, 32);
			else
				err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		} else if (!strncmp(out->curve->name, "NIST", 4) ||
			   !strncmp(out->curve->name, "brainpool", 9)) {
			out->algo = WEFT_PK_ECDSA;
			coord = (out->curve->bits + 7) / 8;
			if (qlen == 1 + 2 * coord && q[0] == 0x04)
				weft_buf_put(&out->a, q, qlen);
			else
				err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		} else {
			err = WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
		}
		if (err)
			goto leave;
	} else {
		err = WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
		goto leave;
	}
	if ((err = weft_buf_error(&out->a)) || (err = weft_buf_error(&out->b)))
		goto leave;
leave:
	gcry_free((void *)n);
	gcry_free((void *)e);
	gcry_free((void *)q);
	gcry_sexp_release(c);
	gcry_sexp_release(l);
	gcry_sexp_release(s);
	if (err)
		weft_x509_key_free(out);
	return err;
}

/* KEY as libgcrypt should read it (see the top of this file). */
static gpg_error_t
key_of(gcry_sexp_t *out, const uint8_t *key, size_t klen)
{
	weft_x509_key k;
	uint8_t q[33];
	gpg_error_t err;

	*out = NULL;
	err = weft_x509_key_parse(&k, key, klen);
	if (gpg_err_code(err) == GPG_ERR_ENOMEM)
		return err;
	if (err || k.algo != WEFT_PK_EDDSA_LEGACY) {
		weft_x509_key_free(&k); /* a failed parse left it empty */
		return sexp_of(out, key, klen) ? WEFT_ERR(GPG_ERR_BAD_PUBKEY)
					       : 0;
	}
	q[0] = 0x40;
	memcpy(q + 1, k.a.data, 32);
	weft_x509_key_free(&k);
	if (gcry_sexp_build(out, NULL,
			    "(public-key(ecc(curve Ed25519)(flags eddsa)(q %b)))",
			    (int)sizeof q, q))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	return 0;
}

void
weft_x509_key_free(weft_x509_key *k)
{
	if (!k)
		return;
	weft_buf_free(&k->a);
	weft_buf_free(&k->b);
	k->algo = 0;
	k->curve = NULL;
	k->bits = 0;
}

/* 1. Key and signature as S-expressions; which kind of key.
 * 2. The data: the digest of TBS (RSA: PKCS#1 v1.5, ECDSA: raw, so that
 *    libgcrypt truncates it to the curve's order), or TBS itself for
 *    PureEdDSA.
 * 3. libgcrypt decides. */
gpg_error_t
weft_x509_sig_verify(const uint8_t *key, size_t klen, const uint8_t *sigval,
		     size_t slen, uint8_t hash_algo, const void *tbs,
		     size_t tbslen)
{
	gcry_sexp_t k = NULL, sig = NULL, data = NULL, probe;
	uint8_t digest[64];
	size_t dlen = 0;
	const char *md;
	bool rsa;
	gpg_error_t err;

	/* 1 (an elliptic-curve key is possible: libgcrypt's lazy set-up
	 * first) */
	weft_crypto__ec_ready();
	if ((err = key_of(&k, key, klen)))
		return err;
	if ((err = sexp_of(&sig, sigval, slen)))
		goto leave;
	probe = gcry_sexp_find_token(k, "rsa", 0);
	rsa = probe != NULL;
	gcry_sexp_release(probe);
	/* 2 */
	if (!hash_algo) {
		if (rsa) {
			err = WEFT_ERR(GPG_ERR_BAD_SIGNATURE);
			goto leave;
		}
		if (gcry_sexp_build(&data, NULL,
				    "(data(flags eddsa)(hash-algo sha512)(value %b))",
				    (int)tbslen, tbs)) {
			err = WEFT_ERR(GPG_ERR_INV_DATA);
			goto leave;
		}
	} else {
		if (!(md = weft_crypto__md_name(hash_algo))) {
			err = WEFT_ERR(GPG_ERR_DIGEST_ALGO);
			goto leave;
		}
		if ((err = weft_hash_buffer(hash_algo, tbs, tbslen, digest,
					    &dlen)))
			goto leave;
		if (gcry_sexp_build(&data, NULL,
				    rsa ? "(data(flags pkcs1)(hash %s %b))"
					: "(data(flags raw)(hash %s %b))",
				    md, (int)dlen, digest)) {
			err = WEFT_ERR(GPG_ERR_INV_DATA);
			goto leave;
		}
	}
	/* 3 */
	err = gcry_pk_verify(sig, data, k) ? WEFT_ERR(GPG_ERR_BAD_SIGNATURE)
					    : 0;
leave:
	gcry_sexp_release(k);
	gcry_sexp_release(sig);
	gcry_sexp_release(data);
	return err;
}

gpg_error_t
weft_x509_keygrip(const uint8_t *key, size_t klen, uint8_t grip[20])
{
	gcry_sexp_t k = NULL;
	gpg_error_t err;

	memset(grip, 0, 20);
	if ((err = key_of(&k, key, klen)))
		return err;
	if (!gcry_pk_get_keygrip(k, grip))
		err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	gcry_sexp_release(k);
	return err;
}
