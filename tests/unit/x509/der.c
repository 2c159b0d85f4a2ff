/* tests/unit/x509/der.c - the bounded DER reader (keyring/x509/der.c):
 * TLVs, GeneralNames, nameConstraints, Names; name-constraint matching
 * (RFC 5280 4.2.1.10); and truncations and bit flips of every valid
 * input, which must fail cleanly (the sanitizer build watches).
 */
#include "x509/x509.h"
#include "t.h"

/* ---- helpers ---------------------------------------------------------------- */

static size_t
unhex(const char *h, uint8_t *out, size_t max)
{
	size_t n = 0;
	unsigned v;

	while (h[0] && h[1] && n < max) {
		if (h[0] == ' ') {
			h++;
			continue;
		}
		if (sscanf(h, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		h += 2;
	}
	return n;
}

static weft_gname
gn(uint8_t type, const char *s)
{
	weft_gname g;

	g.type = type;
	g.data = (const uint8_t *)s;
	g.len = strlen(s);
	return g;
}

/* ---- TLVs ---------------------------------------------------------------------- */

static void
test_tlv(void)
{
	static const struct {
		const char *hex;
		gpg_error_t code;     /* 0: parses */
		const char *what;
	} cases[] = {
		{ "0400", 0, "empty OCTET STRING" },
		{ "300302 0101", 0, "SEQUENCE of one INTEGER" },
		{ "0481 80" "00000000000000000000000000000000"
		  "00000000000000000000000000000000"
		  "00000000000000000000000000000000"
		  "00000000000000000000000000000000"
		  "00000000000000000000000000000000"
		  "00000000000000000000000000000000"
		  "00000000000000000000000000000000"
		  "00000000000000000000000000000000", 0, "long form, 128" },
		{ "", GPG_ERR_INV_PACKET, "nothing" },
		{ "04", GPG_ERR_INV_PACKET, "no length" },
		{ "0402 00", GPG_ERR_INV_PACKET, "value cut short" },
		{ "1f0100", GPG_ERR_INV_DATA, "high tag number" },
		{ "0480", GPG_ERR_INV_DATA, "indefinite length" },
		{ "0481 05 0000000000", GPG_ERR_INV_DATA, "long form under 128" },
		{ "0482 0005 0000000000", GPG_ERR_INV_DATA, "leading zero length" },
		{ "0485 0000000001 00", GPG_ERR_INV_DATA, "five length octets" },
		{ "0484 7fffffff", GPG_ERR_INV_PACKET, "2 GiB claimed" },
	};
	uint8_t buf[256];
	size_t i, n;
	weft_reader r;
	weft_der_tlv t;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		n = unhex(cases[i].hex, buf, sizeof buf);
		weft_reader_init(&r, buf, n);
		if (cases[i].code)
			T_ERR(weft_der_next(&r, &t), cases[i].code);
		else
			T_OK(weft_der_next(&r, &t));
		T_CHECK(1, "%s", cases[i].what);
	}
	n = unhex("300302 0107", buf, sizeof buf);
	weft_reader_init(&r, buf, n);
	T_OK(weft_der_next(&r, &t));
	T_EQ_INT(t.tag, 16);
	T_CHECK(t.constructed && t.cls == 0, "SEQUENCE is universal, constructed");
	T_EQ_INT(t.raw_len, 5);
	T_EQ_INT(weft_reader_left(&t.body), 3);
}

/* ---- nameConstraints ------------------------------------------------------------ */

/* The research note's test root: rfc822 example.com and .example.com,
 * dNSName example.com. */
#define NC_EXAMPLE "3030a02e300d810b6578616d706c652e636f6d300e810c2e6578616d706c652e636f6d300d820b6578616d706c652e636f6d"

static void
test_nc_parse(void)
{
	static const struct {
		const char *hex;
		gpg_error_t code;
		size_t np, nx;
		const char *what;
	} cases[] = {
		{ NC_EXAMPLE, 0, 3, 0, "permitted example.com (x2), DNS" },
		/* excluded only: [1] { SEQ { [1] "evil.test" } } */
		{ "300fa10d300b81096576696c2e74657374", 0, 0, 1, "excluded" },
		/* both, a directoryName: [0] {SEQ {[4] {SEQ {SET {SEQ {OID O,
		 * UTF8 "Example"}}}}}} */
		{ "3020a01e301ca41a3018311630140603550" "40a0c0d4578616d706c6520436f72702e",
		  0, 1, 0, "directoryName O=Example Corp." },
		{ "3000", GPG_ERR_INV_DATA, 0, 0, "neither list (RFC: MUST NOT)" },
		{ "3002a000", GPG_ERR_INV_DATA, 0, 0, "an empty subtree list" },
		{ "3011a10d300b81096576696c2e74657374a000", GPG_ERR_INV_DATA, 0, 0,
		  "[1] before [0]" },
		/* minimum present ([0] 1): refused */
		{ "3014a0123010820b6578616d706c652e636f6d800101", GPG_ERR_INV_DATA,
		  0, 0, "minimum 1" },
		{ "300fa00d300b81096576696c2e746573", GPG_ERR_INV_PACKET, 0, 0,
		  "truncated inside" },
		{ "300fa10d300b81096576696c2e74657374 00", GPG_ERR_INV_DATA, 0, 0,
		  "trailing octet" },
		/* an rfc822Name with a control character */
		{ "300fa10d300b81096576696c0a74657374", GPG_ERR_INV_DATA, 0, 0,
		  "control character in an IA5 name" },
		/* rfc822Name encoded constructed */
		{ "300fa10d300ba1096576696c2e74657374", GPG_ERR_INV_DATA, 0, 0,
		  "constructed rfc822Name" },
		/* a universal-class name inside a subtree */
		{ "300fa10d300b16096576696c2e74657374", GPG_ERR_INV_DATA, 0, 0,
		  "an IA5String that is no GeneralName" },
	};
	uint8_t buf[256];
	weft_x509_nc nc;
	size_t i, n;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		n = unhex(cases[i].hex, buf, sizeof buf);
		if (cases[i].code) {
			T_ERR(weft_x509_nc_parse(buf, n, &nc), cases[i].code);
		} else {
			T_OK(weft_x509_nc_parse(buf, n, &nc));
			T_EQ_INT(nc.npermitted, cases[i].np);
			T_EQ_INT(nc.nexcluded, cases[i].nx);
		}
		T_CHECK(1, "%s", cases[i].what);
	}
	n = unhex(NC_EXAMPLE, buf, sizeof buf);
	T_OK(weft_x509_nc_parse(buf, n, &nc));
	T_EQ_INT(nc.permitted[0].type, WEFT_GN_RFC822);
	T_CHECK(nc.permitted[1].len == 12 &&
		!memcmp(nc.permitted[1].data, ".example.com", 12),
		"second subtree is .example.com");
	T_EQ_INT(nc.permitted[2].type, WEFT_GN_DNS);
}

static void
test_nc_too_many(void)
{
	/* 65 subtrees: one more than the cap */
	uint8_t buf[2048];
	size_t n = 0, i, inner = 65 * 5;

	buf[n++] = 0x30;
	buf[n++] = 0x82;
	buf[n++] = (uint8_t)((inner + 4) >> 8);
	buf[n++] = (uint8_t)(inner + 4);
	buf[n++] = 0xa0;
	buf[n++] = 0x82;
	buf[n++] = (uint8_t)(inner >> 8);
	buf[n++] = (uint8_t)inner;
	for (i = 0; i < 65; i++) {
		buf[n++] = 0x30;
		buf[n++] = 3;
		buf[n++] = 0x82;
		buf[n++] = 1;
		buf[n++] = 'a';
	}
	{
		weft_x509_nc *nc = calloc(1, sizeof *nc);

		T_ERR(weft_x509_nc_parse(buf, n, nc), GPG_ERR_TOO_LARGE);
		free(nc);
	}
}

/* ---- matching ---------------------------------------------------------------------- */

static void
test_email_within(void)
{
	static const struct {
		const char *email, *constraint;
		bool in;
	} cases[] = {
		{ "alice@example.com", "example.com", true },
		{ "alice@EXAMPLE.com", "example.com", true },
		{ "alice@example.com", "EXAMPLE.COM", true },
		{ "alice@sub.example.com", "example.com", false },
		{ "alice@sub.example.com", ".example.com", true },
		{ "alice@a.b.example.com", ".example.com", true },
		{ "alice@example.com", ".example.com", false },
		{ "alice@notexample.com", "example.com", false },
		{ "alice@notexample.com", ".example.com", false },
		{ "alice@example.com.evil", "example.com", false },
		{ "alice@xexample.com", ".example.com", false },
		{ "alice@example.com", "alice@example.com", true },
		{ "alice@Example.Com", "alice@example.com", true },
		{ "Alice@example.com", "alice@example.com", false },
		{ "bob@example.com", "alice@example.com", false },
		{ "alic@example.comm", "alice@example.com", false },
		{ "noat", "example.com", false },
		{ "alice@example.com", "", false },
	};
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		weft_gname c = gn(WEFT_GN_RFC822, cases[i].constraint);

		T_CHECK(weft_x509_email_within(cases[i].email, &c) == cases[i].in,
			"%s within rfc822Name \"%s\": want %d", cases[i].email,
			cases[i].constraint, cases[i].in);
	}
}

static void
test_dns_within(void)
{
	static const struct {
		const char *name, *constraint;
		bool in;
	} cases[] = {
		{ "example.com", "example.com", true },
		{ "www.example.com", "example.com", true },
		{ "WWW.Example.COM", "example.com", true },
		{ "notexample.com", "example.com", false },
		{ "example.com", ".example.com", false },
		{ "www.example.com", ".example.com", true },
		{ "example.org", "example.com", false },
		{ "anything", "", true },
	};
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		weft_gname c = gn(WEFT_GN_DNS, cases[i].constraint);

		T_CHECK(weft_x509_dns_within(cases[i].name,
					     strlen(cases[i].name), &c) ==
				cases[i].in,
			"%s within dNSName \"%s\": want %d", cases[i].name,
			cases[i].constraint, cases[i].in);
	}
}

static void
test_nc_check(void)
{
	uint8_t buf[256];
	weft_x509_nc nc;
	weft_x509_names names;
	weft_gname san[3];
	const char *dn_email[1];
	char why[300];
	size_t n;

	n = unhex(NC_EXAMPLE, buf, sizeof buf);
	T_OK(weft_x509_nc_parse(buf, n, &nc));
	memset(&names, 0, sizeof names);
	names.san = san;
	/* inside */
	san[0] = gn(WEFT_GN_RFC822, "alice@example.com");
	san[1] = gn(WEFT_GN_RFC822, "bob@sub.example.com");
	names.nsan = 2;
	T_CHECK(weft_x509_nc_check(&nc, &names, why, sizeof why),
		"inside: %s", why);
	/* one outside spoils it, and WHY names it */
	san[1] = gn(WEFT_GN_RFC822, "eve@notexample.com");
	T_CHECK(!weft_x509_nc_check(&nc, &names, why, sizeof why),
		"look-alike domain refused");
	T_CHECK(strstr(why, "eve@notexample.com") &&
		strstr(why, "rfc822Name example.com, .example.com"),
		"why: %s", why);
	/* DNS */
	san[1] = gn(WEFT_GN_DNS, "mail.example.com");
	T_CHECK(weft_x509_nc_check(&nc, &names, why, sizeof why), "dns inside");
	san[1] = gn(WEFT_GN_DNS, "example.org");
	T_CHECK(!weft_x509_nc_check(&nc, &names, why, sizeof why), "dns outside");
	/* a form weft cannot match, under a constraint of its form */
	san[1] = gn(WEFT_GN_URI, "https://example.com/");
	T_CHECK(weft_x509_nc_check(&nc, &names, why, sizeof why),
		"URI without URI constraints passes");
	nc.permitted[2] = gn(WEFT_GN_URI, "example.com");
	T_CHECK(!weft_x509_nc_check(&nc, &names, why, sizeof why) &&
		strstr(why, "cannot be checked"), "URI under URI constraints refused");
	/* the subject DN's emailAddress is an rfc822Name too */
	names.nsan = 1;
	dn_email[0] = "x@evil.test";
	names.dn_emails = dn_email;
	names.ndn_emails = 1;
	T_CHECK(!weft_x509_nc_check(&nc, &names, why, sizeof why),
		"DN emailAddress outside refused");
	/* excluded beats permitted */
	n = unhex("3011a10f300d810b6578616d706c652e636f6d", buf, sizeof buf);
	T_OK(weft_x509_nc_parse(buf, n, &nc));
	names.ndn_emails = 0;
	T_CHECK(!weft_x509_nc_check(&nc, &names, why, sizeof why) &&
		strstr(why, "excluded"), "excluded: %s", why);
}

static void
test_dn_within(void)
{
	/* Name O=Example Corp. and the subject CN=alice under it. */
	uint8_t c[64], subj[128], other[128];
	size_t cn, sn, on;
	weft_gname g;

	cn = unhex("3018311630140603550" "40a0c0d4578616d706c6520436f72702e",
		   c, sizeof c);
	sn = unhex("302b311630140603550" "40a0c0d4578616d706c6520436f72702e"
		   "3111300f060355040313086a6f686e20646f65", subj, sizeof subj);
	on = unhex("3016311430120603550" "40a0c0b4f7468657220436f72702e",
		   other, sizeof other);
	g.type = WEFT_GN_DIR;
	g.data = c;
	g.len = cn;
	T_CHECK(weft_x509_dn_within(subj, sn, &g), "subject under O=Example");
	T_CHECK(weft_x509_dn_within(c, cn, &g), "the name itself");
	T_CHECK(!weft_x509_dn_within(other, on, &g), "another organisation");
	T_CHECK(!weft_x509_dn_within(subj, sn - 1, &g), "truncated subject");
}

/* ---- GeneralNames and Names ------------------------------------------------------------ */

static void
test_gnames(void)
{
	uint8_t buf[128];
	weft_gname names[4];
	size_t n, got;

	/* SAN: rfc822 alice@example.com, DNS example.com */
	n = unhex("3020" "8111616c696365406578616d706c652e636f6d"
		  "820b6578616d706c652e636f6d", buf, sizeof buf);
	T_OK(weft_x509_gnames_parse(buf, n, names, 4, &got));
	T_EQ_INT(got, 2);
	T_EQ_INT(names[0].type, WEFT_GN_RFC822);
	T_EQ_INT(names[1].type, WEFT_GN_DNS);
	T_ERR(weft_x509_gnames_parse(buf, n, names, 1, &got), GPG_ERR_TOO_LARGE);
	n = unhex("3000", buf, sizeof buf);
	T_ERR(weft_x509_gnames_parse(buf, n, names, 4, &got), GPG_ERR_INV_DATA);
}

static void
test_value_utf8(void)
{
	static const struct {
		uint8_t tag;
		const char *hex;
		const char *want;     /* NULL: refused */
	} cases[] = {
		{ 12, "416c696365", "Alice" },
		{ 12, "c3a9", "\xc3\xa9" },
		{ 12, "c3", NULL },                 /* cut UTF-8 */
		{ 12, "c0af", NULL },               /* overlong */
		{ 12, "41 0a 42", NULL },           /* newline */
		{ 19, "4142", "AB" },
		{ 30, "00e9", "\xc3\xa9" },         /* BMPString */
		{ 30, "00", NULL },                 /* odd BMP */
		{ 20, "e9", NULL },                 /* T61 beyond ASCII */
		{ 4, "41", NULL },                  /* OCTET STRING */
	};
	uint8_t buf[16];
	char out[32];
	weft_der_value v;
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		v.tag = cases[i].tag;
		v.len = unhex(cases[i].hex, buf, sizeof buf);
		v.data = buf;
		if (cases[i].want)
			T_CHECK(weft_der_value_utf8(&v, out, sizeof out) &&
				!strcmp(out, cases[i].want), "case %zu", i);
		else
			T_CHECK(!weft_der_value_utf8(&v, out, sizeof out),
				"case %zu refused", i);
	}
}

static void
test_email_ok(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "Alice@Example.COM", "alice@example.com" },
		{ "a@b", "a@b" },
		{ "@example.com", NULL },
		{ "alice@", NULL },
		{ "a@b@c", NULL },
		{ "a b@c", NULL },
		{ "<a@b>", NULL },
		{ "a@.b", NULL },
		{ "a@b.", NULL },
		{ "a\x01@b", NULL },
	};
	char out[64];
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		bool ok = weft_x509_email_ok((const uint8_t *)cases[i].in,
					     strlen(cases[i].in), out, sizeof out);

		T_CHECK(ok == (cases[i].out != NULL) &&
			(!ok || !strcmp(out, cases[i].out)), "\"%s\"",
			cases[i].in);
	}
}

/* ---- every truncation and bit flip of the valid inputs -------------------------------- */

static void
mutate(const char *hex)
{
	uint8_t orig[256], buf[256];
	size_t n = unhex(hex, orig, sizeof orig), i, b;
	weft_x509_nc *nc = calloc(1, sizeof *nc);
	weft_gname names[WEFT_X509_MAX_NAMES];
	weft_der_value vals[8];
	size_t got;

	for (i = 0; i < n; i++) {       /* truncations: all refused */
		T_CHECK(weft_x509_nc_parse(orig, i, nc) != 0 &&
			weft_x509_gnames_parse(orig, i, names,
					       WEFT_X509_MAX_NAMES, &got) != 0,
			"truncated at %zu accepted", i);
	}
	for (i = 0; i < n; i++)
		for (b = 0; b < 8; b++) {
			memcpy(buf, orig, n);
			buf[i] ^= (uint8_t)(1u << b);
			(void)weft_x509_nc_parse(buf, n, nc);
			(void)weft_x509_gnames_parse(buf, n, names,
						     WEFT_X509_MAX_NAMES, &got);
			(void)weft_x509_name_values(buf, n, (const uint8_t *)"\x55\x04\x03",
						    3, vals, 8, &got);
		}
	T_CHECK(1, "bit flips of %zu octets survived", n);
	free(nc);
}

int
main(void)
{
	test_tlv();
	test_nc_parse();
	test_nc_too_many();
	test_email_within();
	test_dns_within();
	test_nc_check();
	test_dn_within();
	test_gnames();
	test_value_utf8();
	test_email_ok();
	mutate(NC_EXAMPLE);
	mutate("3020" "8111616c696365406578616d706c652e636f6d"
	       "820b6578616d706c652e636f6d");
	mutate("3020a01e301ca41a3018311630140603550" "40a0c0d4578616d706c6520436f72702e");
	return t_done();
}
