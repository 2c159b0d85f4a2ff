/* der.c - a bounded DER reader for the parts of X.509 that libksba does
 * not decode for us: nameConstraints (2.5.29.30; libksba has no
 * accessor), GeneralNames (subjectAltName, read here too so that the
 * names checked against constraints come from one parser), attributes
 * of a Name (CN, emailAddress), the issuer and subject Names as DER; and
 * RFC 5280 name-constraint matching.
 *
 * Every read goes through weft_reader (STYLE.md "Bounded parsing"): a
 * TLV's value becomes a sub-reader of exactly its length, and a
 * structure is done only when its sub-reader is empty.  Only DER is
 * accepted: definite lengths, minimal length octets, tag numbers below
 * 31.  The input is a certificate extension (at most a certificate's
 * size); nesting is fixed by the grammar, never by the input.
 */
#include <stdio.h>
#include <stdlib.h>

#include "x509.h"

/* ---- TLVs ----------------------------------------------------------------- */

gpg_error_t
weft_der_next(weft_reader *r, weft_der_tlv *out)
{
	const uint8_t *start = weft_reader_pos(r);
	size_t before = weft_reader_left(r);
	uint8_t id, l0, b;
	uint32_t len = 0;
	unsigned i, n;
	gpg_error_t err;

	memset(out, 0, sizeof *out);
	if ((err = weft_reader_u8(r, &id)) || (err = weft_reader_u8(r, &l0)))
		return err;
	if ((id & 0x1f) == 0x1f)
		return WEFT_ERR(GPG_ERR_INV_DATA);   /* high tag number */
	out->cls = id >> 6;
	out->constructed = (id & 0x20) != 0;
	out->tag = id & 0x1f;
	if (l0 < 0x80) {
		len = l0;
	} else {
		n = l0 & 0x7f;
		if (n == 0 || n > 4)
			return WEFT_ERR(GPG_ERR_INV_DATA); /* indefinite, huge */
		for (i = 0; i < n; i++) {
			if ((err = weft_reader_u8(r, &b)))
				return err;
			if (i == 0 && b == 0)
				return WEFT_ERR(GPG_ERR_INV_DATA); /* not minimal */
			len = len << 8 | b;
		}
		if (len < 0x80)
			return WEFT_ERR(GPG_ERR_INV_DATA);     /* not minimal */
	}
	if ((err = weft_reader_sub(r, len, &out->body)))
		return err;
	out->raw = start;
	out->raw_len = before - weft_reader_left(r);
	return 0;
}

static gpg_error_t
check_level(weft_reader *r, unsigned depth)
{
	weft_der_tlv t;
	gpg_error_t err;

	while (!weft_reader_eof(r)) {
		if ((err = weft_der_next(r, &t)))
			return err;
		if (!t.constructed)
			continue;
		if (!depth)
			return WEFT_ERR(GPG_ERR_TOO_LARGE);
		if ((err = check_level(&t.body, depth - 1)))
			return err;
	}
	return 0;
}

gpg_error_t
weft_der_check(const uint8_t *der, size_t len, unsigned depth)
{
	weft_reader r, whole;
	weft_der_tlv t;
	gpg_error_t err;

	weft_reader_init(&r, der, len);
	if ((err = weft_der_next(&r, &t)))
		return err;
	if (!weft_reader_eof(&r))
		return WEFT_ERR(GPG_ERR_INV_DATA);
	if (!t.constructed)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	whole = t.body;
	return check_level(&whole, depth);
}

/* The next TLV, which must be (CLS, CONSTRUCTED, TAG). */
static gpg_error_t
expect(weft_reader *r, uint8_t cls, bool constructed, uint8_t tag,
       weft_der_tlv *out)
{
	gpg_error_t err = weft_der_next(r, out);

	if (err)
		return err;
	if (out->cls != cls || out->constructed != constructed ||
	    out->tag != tag)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	return 0;
}

enum {
	U_INTEGER = 2, U_BITSTRING = 3, U_OCTETSTRING = 4, U_OID = 6,
	U_UTF8 = 12, U_SEQUENCE = 16, U_SET = 17, U_PRINTABLE = 19,
	U_TELETEX = 20, U_IA5 = 22, U_UTCTIME = 23, U_GENTIME = 24,
	U_UNIVERSAL = 28, U_BMP = 30,
};

/* ---- GeneralName ------------------------------------------------------------ */

static bool
printable_ascii(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

/* One GeneralName from its TLV (context class tags 0..8). */
static gpg_error_t
gname_of(const weft_der_tlv *t, weft_gname *g)
{
	weft_reader body = t->body;
	weft_der_tlv inner;
	gpg_error_t err;

	memset(g, 0, sizeof *g);
	if (t->cls != 2 || t->tag > WEFT_GN_RID)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	g->type = t->tag;
	switch (t->tag) {
	case WEFT_GN_RFC822:
	case WEFT_GN_DNS:
	case WEFT_GN_URI:
		/* IMPLICIT IA5String: primitive, printable ASCII for us */
		if (t->constructed)
			return WEFT_ERR(GPG_ERR_INV_DATA);
		weft_reader_rest_direct(&body, &g->data, &g->len);
		if (!printable_ascii(g->data, g->len))
			return WEFT_ERR(GPG_ERR_INV_DATA);
		return 0;
	case WEFT_GN_IP:
	case WEFT_GN_RID:
		if (t->constructed)
			return WEFT_ERR(GPG_ERR_INV_DATA);
		weft_reader_rest_direct(&body, &g->data, &g->len);
		return 0;
	case WEFT_GN_DIR:
		/* EXPLICIT Name (a CHOICE): one SEQUENCE inside */
		if (!t->constructed)
			return WEFT_ERR(GPG_ERR_INV_DATA);
		if ((err = expect(&body, 0, true, U_SEQUENCE, &inner)))
			return err;
		if (!weft_reader_eof(&body))
			return WEFT_ERR(GPG_ERR_INV_DATA);
		g->data = inner.raw;
		g->len = inner.raw_len;
		return 0;
	default:
		/* otherName, x400Address, ediPartyName: constructed; kept
		 * raw (no constraint of these forms can be checked) */
		if (!t->constructed)
			return WEFT_ERR(GPG_ERR_INV_DATA);
		weft_reader_rest_direct(&body, &g->data, &g->len);
		return 0;
	}
}

gpg_error_t
weft_x509_gnames_parse(const uint8_t *der, size_t len, weft_gname *names,
		       size_t max, size_t *n)
{
	weft_reader r, seq;
	weft_der_tlv t;
	gpg_error_t err;

	*n = 0;
	weft_reader_init(&r, der, len);
	if ((err = expect(&r, 0, true, U_SEQUENCE, &t)))
		return err;
	if (!weft_reader_eof(&r))
		return WEFT_ERR(GPG_ERR_INV_DATA);
	seq = t.body;
	if (weft_reader_eof(&seq))
		return WEFT_ERR(GPG_ERR_INV_DATA);     /* SIZE (1..MAX) */
	while (!weft_reader_eof(&seq)) {
		if (*n == max)
			return WEFT_ERR(GPG_ERR_TOO_LARGE);
		if ((err = weft_der_next(&seq, &t)) ||
		    (err = gname_of(&t, &names[*n])))
			return err;
		(*n)++;
	}
	return 0;
}

/* GeneralSubtrees: SEQUENCE SIZE (1..MAX) OF GeneralSubtree, the outer
 * SEQUENCE tag replaced by [0] or [1] (IMPLICIT). */
static gpg_error_t
subtrees(weft_reader *r, weft_gname *out, size_t *n)
{
	weft_der_tlv st, t;
	weft_reader sr;
	gpg_error_t err;

	*n = 0;
	if (weft_reader_eof(r))
		return WEFT_ERR(GPG_ERR_INV_DATA);
	while (!weft_reader_eof(r)) {
		if (*n == WEFT_X509_MAX_SUBTREES)
			return WEFT_ERR(GPG_ERR_TOO_LARGE);
		if ((err = expect(r, 0, true, U_SEQUENCE, &st)))
			return err;
		sr = st.body;
		if ((err = weft_der_next(&sr, &t)) ||
		    (err = gname_of(&t, &out[*n])))
			return err;
		/* minimum [0] DEFAULT 0 (DER omits the default), maximum
		 * [1]: RFC 5280 says neither is used */
		if (!weft_reader_eof(&sr))
			return WEFT_ERR(GPG_ERR_INV_DATA);
		(*n)++;
	}
	return 0;
}

gpg_error_t
weft_x509_nc_parse(const uint8_t *der, size_t len, weft_x509_nc *out)
{
	weft_reader r, seq;
	weft_der_tlv t;
	bool any = false;
	int last = -1;
	gpg_error_t err;

	memset(out, 0, sizeof *out);
	weft_reader_init(&r, der, len);
	if ((err = expect(&r, 0, true, U_SEQUENCE, &t)))
		return err;
	if (!weft_reader_eof(&r))
		return WEFT_ERR(GPG_ERR_INV_DATA);
	seq = t.body;
	while (!weft_reader_eof(&seq)) {
		if ((err = weft_der_next(&seq, &t)))
			return err;
		if (t.cls != 2 || !t.constructed || t.tag > 1 ||
		    (int)t.tag <= last)
			return WEFT_ERR(GPG_ERR_INV_DATA);
		last = t.tag;
		err = t.tag == 0 ? subtrees(&t.body, out->permitted,
					    &out->npermitted)
				 : subtrees(&t.body, out->excluded,
					    &out->nexcluded);
		if (err)
			return err;
		any = true;
	}
	if (!any)
		return WEFT_ERR(GPG_ERR_INV_DATA);  /* RFC 5280: MUST NOT */
	return 0;
}

/* ---- Names -------------------------------------------------------------------- */

gpg_error_t
weft_x509_name_values(const uint8_t *name, size_t len, const uint8_t *oid,
		      size_t oidlen, weft_der_value *out, size_t max, size_t *n)
{
	weft_reader r, rdns, rdn, atv;
	weft_der_tlv t, set, seq, o, v;
	const uint8_t *od;
	size_t ol;
	gpg_error_t err;

	*n = 0;
	weft_reader_init(&r, name, len);
	if ((err = expect(&r, 0, true, U_SEQUENCE, &t)))
		return err;
	if (!weft_reader_eof(&r))
		return WEFT_ERR(GPG_ERR_INV_DATA);
	rdns = t.body;
	while (!weft_reader_eof(&rdns)) {
		if ((err = expect(&rdns, 0, true, U_SET, &set)))
			return err;
		rdn = set.body;
		if (weft_reader_eof(&rdn))
			return WEFT_ERR(GPG_ERR_INV_DATA);
		while (!weft_reader_eof(&rdn)) {
			if ((err = expect(&rdn, 0, true, U_SEQUENCE, &seq)))
				return err;
			atv = seq.body;
			if ((err = expect(&atv, 0, false, U_OID, &o)) ||
			    (err = weft_der_next(&atv, &v)))
				return err;
			if (!weft_reader_eof(&atv) || v.cls != 0 ||
			    v.constructed)
				return WEFT_ERR(GPG_ERR_INV_DATA);
			weft_reader_rest_direct(&o.body, &od, &ol);
			if (ol != oidlen || memcmp(od, oid, ol))
				continue;
			if (*n == max)
				return WEFT_ERR(GPG_ERR_TOO_LARGE);
			out[*n].tag = v.tag;
			weft_reader_rest_direct(&v.body, &out[*n].data,
						&out[*n].len);
			(*n)++;
		}
	}
	return 0;
}

/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm,
 * signature }; TBSCertificate ::= SEQUENCE { [0] version OPTIONAL,
 * serialNumber, signature, issuer, validity, subject, ... }. */
gpg_error_t
weft_x509_tbs_names(const uint8_t *der, size_t len, const uint8_t **issuer,
		    size_t *ilen, const uint8_t **subject, size_t *slen)
{
	weft_reader r, cert, tbs;
	weft_der_tlv t, x;
	gpg_error_t err;

	*issuer = *subject = NULL;
	*ilen = *slen = 0;
	weft_reader_init(&r, der, len);
	if ((err = expect(&r, 0, true, U_SEQUENCE, &t)))
		return err;
	cert = t.body;
	if ((err = expect(&cert, 0, true, U_SEQUENCE, &t)))
		return err;
	tbs = t.body;
	if ((err = weft_der_next(&tbs, &x)))
		return err;
	if (x.cls == 2 && x.tag == 0 && x.constructed &&
	    (err = weft_der_next(&tbs, &x)))
		return err;
	if (x.cls != 0 || x.tag != U_INTEGER)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	if ((err = expect(&tbs, 0, true, U_SEQUENCE, &x)))    /* signature */
		return err;
	if ((err = expect(&tbs, 0, true, U_SEQUENCE, &x)))    /* issuer */
		return err;
	*issuer = x.raw;
	*ilen = x.raw_len;
	if ((err = expect(&tbs, 0, true, U_SEQUENCE, &x)))    /* validity */
		return err;
	if ((err = expect(&tbs, 0, true, U_SEQUENCE, &x)))    /* subject */
		return err;
	*subject = x.raw;
	*slen = x.raw_len;
	return 0;
}

/* ---- text ------------------------------------------------------------------------ */

static size_t
put_utf8(char *out, size_t o, size_t outlen, uint32_t cp, bool *ok)
{
	uint8_t b[4];
	size_t n, i;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
		*ok = false;
		return o;
	}
	if (cp < 0x80) {
		b[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (uint8_t)(0xc0 | cp >> 6);
		b[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (uint8_t)(0xe0 | cp >> 12);
		b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (uint8_t)(0xf0 | cp >> 18);
		b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (o + n >= outlen) {
		*ok = false;
		return o;
	}
	for (i = 0; i < n; i++)
		out[o++] = (char)b[i];
	return o;
}

/* Decode one UTF-8 sequence at P (N left): the code point, or -1. */
static long
utf8_next(const uint8_t *p, size_t n, size_t *used)
{
	uint32_t cp;
	size_t len, k;

	if (p[0] < 0x80) {
		*used = 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return -1;
	}
	if (len > n)
		return -1;
	for (k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000))
		return -1;
	*used = len;
	return (long)cp;
}

bool
weft_der_value_utf8(const weft_der_value *v, char *out, size_t outlen)
{
	size_t i = 0, o = 0, used;
	long cp;
	bool ok = true;

	if (!outlen)
		return false;
	out[0] = 0;
	switch (v->tag) {
	case U_UTF8:
		while (i < v->len && ok) {
			if ((cp = utf8_next(v->data + i, v->len - i, &used)) < 0)
				return false;
			o = put_utf8(out, o, outlen, (uint32_t)cp, &ok);
			i += used;
		}
		break;
	case U_PRINTABLE:
	case U_IA5:
	case U_TELETEX:
		/* TeletexString: only its ASCII subset is taken */
		for (; i < v->len && ok; i++) {
			if (v->data[i] >= 0x80)
				return false;
			o = put_utf8(out, o, outlen, v->data[i], &ok);
		}
		break;
	case U_BMP:
		if (v->len % 2)
			return false;
		for (; i < v->len && ok; i += 2)
			o = put_utf8(out, o, outlen,
				     (uint32_t)v->data[i] << 8 | v->data[i + 1],
				     &ok);
		break;
	case U_UNIVERSAL:
		if (v->len % 4)
			return false;
		for (; i < v->len && ok; i += 4)
			o = put_utf8(out, o, outlen,
				     (uint32_t)v->data[i] << 24 |
				     (uint32_t)v->data[i + 1] << 16 |
				     (uint32_t)v->data[i + 2] << 8 |
				     v->data[i + 3], &ok);
		break;
	default:
		return false;
	}
	out[o] = 0;
	return ok;
}

bool
weft_x509_email_ok(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	size_t i, at = n, ats = 0;

	if (outlen)
		out[0] = 0;
	if (!n || n + 1 > outlen || n > 254)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] <= 0x20 || p[i] > 0x7e || p[i] == '<' || p[i] == '>')
			return false;
		if (p[i] == '@') {
			at = i;
			ats++;
		}
	}
	if (ats != 1 || at == 0 || at + 1 == n || p[at + 1] == '.' ||
	    p[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++)
		out[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
	out[n] = 0;
	return true;
}

void
weft_x509_gname_text(const weft_gname *g, char *out, size_t outlen)
{
	static const char *const names[] = {
		"otherName", "rfc822Name", "dNSName", "x400Address",
		"directoryName", "ediPartyName", "URI", "iPAddress",
		"registeredID",
	};
	const char *n = g->type <= WEFT_GN_RID ? names[g->type] : "name";
	size_t o, i;

	if (g->type == WEFT_GN_RFC822 || g->type == WEFT_GN_DNS ||
	    g->type == WEFT_GN_URI) {
		snprintf(out, outlen, "%s %.*s", n, (int)g->len,
			 (const char *)g->data);
		return;
	}
	if (g->type == WEFT_GN_IP && (g->len == 4 || g->len == 8)) {
		if (g->len == 4)
			snprintf(out, outlen, "%s %u.%u.%u.%u", n, g->data[0],
				 g->data[1], g->data[2], g->data[3]);
		else
			snprintf(out, outlen, "%s %u.%u.%u.%u/%u.%u.%u.%u", n,
				 g->data[0], g->data[1], g->data[2], g->data[3],
				 g->data[4], g->data[5], g->data[6], g->data[7]);
		return;
	}
	o = (size_t)snprintf(out, outlen, "%s ", n);
	for (i = 0; i < g->len && o + 3 < outlen && i < 32; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%02X", g->data[i]);
	if (i < g->len && o + 4 < outlen)
		snprintf(out + o, outlen - o, "...");
}

/* ---- name constraints (RFC 5280 4.2.1.10) ------------------------------------- */

static bool
ieq(const char *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char x = a[i], y = (char)b[i];

		if (!x)
			return false;
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return false;
	}
	return a[n] == 0;
}

/* Does host H (LEN octets) equal D, or (DOT) end in ".D"? */
static bool
host_within(const char *h, size_t hlen, const uint8_t *d, size_t dlen,
	    bool subdomains)
{
	if (hlen == dlen && ieq(h, d, dlen))
		return true;
	return subdomains && hlen > dlen && h[hlen - dlen - 1] == '.' &&
	       ieq(h + hlen - dlen, d, dlen);
}

/* rfc822Name constraints: "user@host" one mailbox; "host" every mailbox
 * on that host; ".example.com" every mailbox in a subdomain of it. */
bool
weft_x509_email_within(const char *email, const weft_gname *c)
{
	const char *at = strrchr(email, '@');
	const char *host;
	size_t hlen;

	if (!at || c->type != WEFT_GN_RFC822 || !c->len)
		return false;
	host = at + 1;
	hlen = strlen(host);
	if (memchr(c->data, '@', c->len)) {
		/* a mailbox: the local part exactly, the host in any case */
		size_t local = (size_t)(at - email);

		return strlen(email) == c->len && c->data[local] == '@' &&
		       !memcmp(email, c->data, local) &&
		       ieq(host, c->data + local + 1, c->len - local - 1);
	}
	if (c->data[0] == '.')
		return hlen > c->len &&
		       ieq(host + hlen - c->len, c->data, c->len);
	return hlen == c->len && ieq(host, c->data, c->len);
}

/* dNSName constraints: the name and every name made by adding labels on
 * the left; a leading "." (not in RFC 5280, common in practice) means
 * the subdomains only. */
bool
weft_x509_dns_within(const char *dns, size_t len, const weft_gname *c)
{
	if (c->type != WEFT_GN_DNS)
		return false;
	if (!c->len)
		return true;     /* the empty name: every DNS name */
	if (c->data[0] == '.')
		return len > c->len && ieq(dns + len - c->len, c->data,
					   c->len);
	return host_within(dns, len, c->data, c->len, true);
}

/* directoryName constraints: the subject's RDNs begin with the
 * constraint's RDNs, compared as DER octets (exact; a name that differs
 * only in string type or case does not match: refused, never wrongly
 * accepted). */
bool
weft_x509_dn_within(const uint8_t *subject, size_t slen, const weft_gname *c)
{
	weft_reader rs, rc, s, k;
	weft_der_tlv ts, tc, a, b;

	if (c->type != WEFT_GN_DIR)
		return false;
	weft_reader_init(&rs, subject, slen);
	weft_reader_init(&rc, c->data, c->len);
	if (expect(&rs, 0, true, U_SEQUENCE, &ts) ||
	    expect(&rc, 0, true, U_SEQUENCE, &tc))
		return false;
	s = ts.body;
	k = tc.body;
	while (!weft_reader_eof(&k)) {
		if (weft_der_next(&k, &b) || weft_der_next(&s, &a))
			return false;
		if (a.raw_len != b.raw_len || memcmp(a.raw, b.raw, a.raw_len))
			return false;
	}
	return true;
}

static void
why_list(char *why, size_t whylen, const char *name, const weft_gname *list,
	 size_t n, uint8_t type, const char *rel)
{
	size_t o, i;
	bool first = true;

	o = (size_t)snprintf(why, whylen, "%s is %s ", name, rel);
	for (i = 0; i < n && o < whylen; i++) {
		char t[160];

		if (list[i].type != type)
			continue;
		weft_x509_gname_text(&list[i], t, sizeof t);
		o += (size_t)snprintf(why + o, whylen - o, "%s%s",
				      first ? "" : ", ", first ? t :
				      strchr(t, ' ') + 1);
		first = false;
	}
}

static bool
form_present(const weft_gname *l, size_t n, uint8_t type)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i].type == type)
			return true;
	return false;
}

/* Check one name against the lists: an excluded subtree of its form
 * refuses it; permitted subtrees of its form, if any, must hold it. */
static bool
one_name(const weft_x509_nc *nc, uint8_t type, const char *text,
	 const uint8_t *data, size_t len, char *why, size_t whylen)
{
	size_t i;
	bool hit;

	for (i = 0; i < nc->nexcluded; i++) {
		const weft_gname *c = &nc->excluded[i];

		if (c->type != type)
			continue;
		hit = type == WEFT_GN_RFC822 ? weft_x509_email_within(text, c)
		    : type == WEFT_GN_DNS ? weft_x509_dns_within(text, len, c)
		    : weft_x509_dn_within(data, len, c);
		if (hit) {
			char t[160];

			weft_x509_gname_text(c, t, sizeof t);
			snprintf(why, whylen, "%s is in the excluded subtree %s",
				 text, t);
			return false;
		}
	}
	if (!form_present(nc->permitted, nc->npermitted, type))
		return true;
	for (i = 0; i < nc->npermitted; i++) {
		const weft_gname *c = &nc->permitted[i];

		if (c->type != type)
			continue;
		hit = type == WEFT_GN_RFC822 ? weft_x509_email_within(text, c)
		    : type == WEFT_GN_DNS ? weft_x509_dns_within(text, len, c)
		    : weft_x509_dn_within(data, len, c);
		if (hit)
			return true;
	}
	why_list(why, whylen, text, nc->permitted, nc->npermitted, type,
		 "not within");
	return false;
}

/* 1. Every SAN entry: rfc822Name and dNSName are matched, a
 *    directoryName is matched as a subject is; other forms pass unless
 *    a constraint of their form exists (then weft cannot tell: refused).
 * 2. The subject DN's emailAddress attributes as rfc822Names.
 * 3. The subject DN itself as a directoryName (unless not asked). */
bool
weft_x509_nc_check(const weft_x509_nc *nc, const weft_x509_names *n,
		   char *why, size_t whylen)
{
	char text[300];
	size_t i;

	if (whylen)
		why[0] = 0;
	/* 1 */
	for (i = 0; i < n->nsan; i++) {
		const weft_gname *g = &n->san[i];

		switch (g->type) {
		case WEFT_GN_RFC822:
		case WEFT_GN_DNS:
			snprintf(text, sizeof text, "%.*s", (int)g->len,
				 (const char *)g->data);
			if (!one_name(nc, g->type, text, g->data, g->len, why,
				      whylen))
				return false;
			break;
		case WEFT_GN_DIR:
			if (!one_name(nc, WEFT_GN_DIR, "a directoryName in the subjectAltName",
				      g->data, g->len, why, whylen))
				return false;
			break;
		default:
			if (form_present(nc->permitted, nc->npermitted,
					 g->type) ||
			    form_present(nc->excluded, nc->nexcluded, g->type)) {
				weft_x509_gname_text(g, text, sizeof text);
				snprintf(why, whylen,
					 "%s: name constraints of this form cannot be checked",
					 text);
				return false;
			}
		}
	}
	/* 2 */
	for (i = 0; i < n->ndn_emails; i++)
		if (!one_name(nc, WEFT_GN_RFC822, n->dn_emails[i],
			      (const uint8_t *)n->dn_emails[i],
			      strlen(n->dn_emails[i]), why, whylen))
			return false;
	/* 3 */
	if (n->subject && !one_name(nc, WEFT_GN_DIR, "the subject",
				    n->subject, n->subject_len, why, whylen))
		return false;
	return true;
}
