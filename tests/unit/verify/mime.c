/* tests/unit/verify/mime.c - the MIME parser of weft verify-mail
 * (keyring/verify/mail/mime.c), the From: address reader (addr.c) and
 * the BER check that guards libksba (smime.c).
 *
 * Well-formed messages: headers with folding, Content-Type parameters,
 * nested multiparts with preamble and epilogue, the exact octets of each
 * part (RFC 3156's signed data), transfer decoding, CRLF
 * canonicalisation.  Broken and hostile ones (more of them): no closing
 * boundary, no boundary at all, 10,000 nested multiparts, too many
 * parts, a huge header, NUL octets, not a mail. */
#include "t.h"
#include "verify/mail/mail.h"

#define CRLF "\r\n"

static gpg_error_t
parse(weft_mime *m, const char *s)
{
	return weft_mime_parse(m, (const uint8_t *)s, strlen(s));
}

/* The raw octets of part I as a string (static buffer). */
static const char *
raw(const weft_mime *m, size_t i)
{
	static char buf[4096];
	size_t n = m->parts[i].raw_len < sizeof buf - 1 ? m->parts[i].raw_len
							 : sizeof buf - 1;

	memcpy(buf, m->msg + m->parts[i].raw_off, n);
	buf[n] = 0;
	return buf;
}

static const char *
body(const weft_mime *m, size_t i)
{
	static char buf[4096];
	size_t n = m->parts[i].body_len < sizeof buf - 1 ? m->parts[i].body_len
							  : sizeof buf - 1;

	memcpy(buf, m->msg + m->parts[i].body_off, n);
	buf[n] = 0;
	return buf;
}

static const char *
decoded(const weft_mime *m, size_t i)
{
	static char buf[4096];
	weft_buf b;

	weft_buf_init(&b);
	if (weft_mime_decode(m, &m->parts[i], &b) || b.len >= sizeof buf) {
		weft_buf_free(&b);
		return "(error)";
	}
	if (b.len)
		memcpy(buf, b.data, b.len);
	buf[b.len] = 0;
	weft_buf_free(&b);
	return buf;
}

static const char *
decode_str(const char *in, int cte)
{
	static char buf[4096];
	weft_buf b;

	weft_buf_init(&b);
	if (weft_mime_decode_mem((const uint8_t *)in, strlen(in), cte, &b) ||
	    b.len >= sizeof buf) {
		weft_buf_free(&b);
		return "(error)";
	}
	if (b.len)
		memcpy(buf, b.data, b.len);
	buf[b.len] = 0;
	weft_buf_free(&b);
	return buf;
}

/* ---- well-formed ------------------------------------------------------------------ */

static void
test_simple(void)
{
	weft_mime m;

	T_OK(parse(&m, "From: Alice <alice@example.org>" CRLF
			"Subject: hi" CRLF CRLF "Hello" CRLF));
	T_EQ_INT(m.n, 1);
	T_EQ_STR(m.parts[0].id, "1");
	T_EQ_STR(m.parts[0].type, "text/plain");
	T_CHECK(!m.parts[0].type_given, "no Content-Type: the default");
	T_EQ_INT(m.parts[0].cte, WEFT_CTE_7BIT);
	T_EQ_STR(body(&m, 0), "Hello" CRLF);
	T_EQ_STR(m.from, " Alice <alice@example.org>");
	T_EQ_INT(m.nfrom, 1);
	weft_mime_free(&m);

	/* LF line ends, an mbox envelope line, no body */
	T_OK(parse(&m, "From alice@example.org Mon Jan  1 00:00:00 2024\n"
			"From: a@example.org\nTo: b@example.org\n"));
	T_EQ_INT(m.n, 1);
	T_EQ_STR(m.from, " a@example.org");
	T_EQ_INT(m.parts[0].body_len, 0);
	weft_mime_free(&m);

	/* two From: fields: counted, the first kept */
	T_OK(parse(&m, "From: a@x.example\nFrom: b@y.example\n\nbody\n"));
	T_EQ_INT(m.nfrom, 2);
	T_EQ_STR(m.from, " a@x.example");
	weft_mime_free(&m);
}

static void
test_folding_and_params(void)
{
	weft_mime m;

	T_OK(parse(&m, "From: a@example.org" CRLF
			"Content-Type: Multipart/Signed; micalg=pgp-sha256;" CRLF
			"\tprotocol=\"application/pgp-signature\";" CRLF
			"  boundary=\"=-=a \\\"b\\\" c\" (a comment; boundary=no)" CRLF
			CRLF
			"--=-=a \"b\" c" CRLF "x" CRLF
			"--=-=a \"b\" c" CRLF
			"Content-Type: application/pgp-signature" CRLF CRLF "y" CRLF
			"--=-=a \"b\" c--" CRLF));
	T_EQ_STR(m.parts[0].type, "multipart/signed");
	T_EQ_STR(weft_mime_param(&m.parts[0], "micalg"), "pgp-sha256");
	T_EQ_STR(weft_mime_param(&m.parts[0], "protocol"),
		 "application/pgp-signature");
	T_EQ_STR(weft_mime_param(&m.parts[0], "boundary"), "=-=a \"b\" c");
	T_EQ_INT(m.n, 3);
	T_EQ_STR(raw(&m, 1), "x");
	T_EQ_STR(m.parts[2].type, "application/pgp-signature");
	weft_mime_free(&m);

	/* unquoted boundary with '=' (Outlook), spaces around '/' and '=' */
	T_OK(parse(&m, "Content-Type: multipart/mixed ; boundary = ----=_Part_1" CRLF
			CRLF "------=_Part_1" CRLF CRLF "a" CRLF "------=_Part_1--"));
	T_EQ_STR(weft_mime_param(&m.parts[0], "boundary"), "----=_Part_1");
	T_EQ_INT(m.n, 2);
	T_EQ_STR(raw(&m, 1), CRLF "a");
	T_EQ_STR(body(&m, 1), "a");
	weft_mime_free(&m);

	/* an invalid Content-Type: the default */
	T_OK(parse(&m, "Content-Type: text" CRLF CRLF "a"));
	T_EQ_STR(m.parts[0].type, "text/plain");
	T_CHECK(!m.parts[0].type_given, "invalid: not given");
	weft_mime_free(&m);

	/* transfer encodings, case-insensitive, with a comment */
	T_OK(parse(&m, "Content-Transfer-Encoding: (x) Quoted-Printable" CRLF CRLF));
	T_EQ_INT(m.parts[0].cte, WEFT_CTE_QP);
	weft_mime_free(&m);
	T_OK(parse(&m, "Content-Transfer-Encoding: x-uuencode" CRLF CRLF));
	T_EQ_INT(m.parts[0].cte, WEFT_CTE_UNKNOWN);
	weft_mime_free(&m);
}

static void
test_nested(void)
{
	static const char msg[] =
		"From: a@example.org" CRLF
		"Content-Type: multipart/mixed; boundary=outer" CRLF CRLF
		"This is the preamble." CRLF
		"--outer" CRLF
		"Content-Type: text/plain" CRLF CRLF
		"first" CRLF
		"--outer   " CRLF                   /* trailing white space */
		"Content-Type: multipart/alternative; boundary=inner" CRLF CRLF
		"--inner" CRLF
		"Content-Type: text/plain" CRLF CRLF
		"plain" CRLF
		"--innerX is not a boundary" CRLF
		"--inner" CRLF
		"Content-Type: text/html" CRLF CRLF
		"<p>html</p>" CRLF
		"--inner--" CRLF
		"inner epilogue" CRLF
		"--outer" CRLF
		"Content-Type: multipart/digest; boundary=d" CRLF CRLF
		"--d" CRLF CRLF
		"From: x@example.org" CRLF CRLF "digested" CRLF
		"--d--" CRLF
		"--outer--" CRLF
		"This is the epilogue, ignored." CRLF
		"--outer" CRLF "not a part" CRLF;
	weft_mime m;

	T_OK(parse(&m, msg));
	T_EQ_INT(m.n, 7);
	T_EQ_STR(m.parts[0].id, "1");
	T_EQ_INT(m.parts[0].nchildren, 3);
	T_EQ_STR(m.parts[1].id, "1.1");
	T_EQ_STR(raw(&m, 1), "Content-Type: text/plain" CRLF CRLF "first");
	T_EQ_STR(body(&m, 1), "first");
	T_EQ_STR(m.parts[2].id, "1.2");
	T_EQ_STR(m.parts[2].type, "multipart/alternative");
	T_EQ_INT(m.parts[2].nchildren, 2);
	T_EQ_STR(m.parts[3].id, "1.2.1");
	T_EQ_STR(body(&m, 3), "plain" CRLF "--innerX is not a boundary");
	T_EQ_STR(m.parts[4].id, "1.2.2");
	T_EQ_STR(m.parts[4].type, "text/html");
	T_EQ_INT(m.parts[4].depth, 2);
	T_EQ_INT(m.parts[4].parent, 2);
	T_EQ_INT(m.parts[3].next_sibling, 4);
	T_EQ_INT(m.parts[4].next_sibling, WEFT_MIME_NONE);
	T_EQ_STR(m.parts[5].id, "1.3");
	T_EQ_STR(m.parts[6].id, "1.3.1");
	T_EQ_STR(m.parts[6].type, "message/rfc822");  /* digest's default */
	T_EQ_INT(m.parts[0].first_child, 1);
	T_EQ_INT(m.parts[1].next_sibling, 2);
	T_EQ_INT(m.parts[2].next_sibling, 5);
	weft_mime_free(&m);
}

/* An empty part, a part without a header, LF line ends. */
static void
test_edges(void)
{
	weft_mime m;

	T_OK(parse(&m, "Content-Type: multipart/mixed; boundary=b\n\n"
			"--b\n--b\nno header here\n--b\n\n\n--b--"));
	T_EQ_INT(m.n, 4);
	T_EQ_INT(m.parts[1].raw_len, 0);
	T_EQ_STR(body(&m, 2), "no header here");
	T_EQ_STR(m.parts[2].type, "text/plain");
	T_EQ_STR(raw(&m, 3), "\n");
	T_EQ_STR(body(&m, 3), "");
	weft_mime_free(&m);
	/* the closing line may have anything after "--" */
	T_OK(parse(&m, "Content-Type: multipart/mixed; boundary=b\n\n"
			"--b\n\nx\n--b-- trailing\n"));
	T_EQ_INT(m.n, 2);
	weft_mime_free(&m);
	/* multipart/signed with zero parts parses (the caller judges) */
	T_OK(parse(&m, "Content-Type: multipart/signed; boundary=b\n\n--b--\n"));
	T_EQ_INT(m.n, 1);
	T_EQ_INT(m.parts[0].nchildren, 0);
	weft_mime_free(&m);
}

static void
test_decode(void)
{
	/* quoted-printable: =XX (either case), soft breaks, trailing white
	 * space dropped, malformed '=' kept */
	T_EQ_STR(decode_str("caf=C3=a9 =3D x" CRLF, WEFT_CTE_QP), "caf\xc3\xa9 = x" CRLF);
	T_EQ_STR(decode_str("long li=" CRLF "ne" CRLF, WEFT_CTE_QP), "long line" CRLF);
	T_EQ_STR(decode_str("soft =  \nbreak\n", WEFT_CTE_QP), "soft break\n");
	T_EQ_STR(decode_str("trail   \t" CRLF "x", WEFT_CTE_QP), "trail" CRLF "x");
	T_EQ_STR(decode_str("=G1 =4 end=", WEFT_CTE_QP), "=G1 =4 end");
	T_EQ_STR(decode_str("a=\n", WEFT_CTE_QP), "a");
	T_EQ_STR(decode_str("=", WEFT_CTE_QP), "");
	T_EQ_STR(decode_str("", WEFT_CTE_QP), "");
	/* base64: white space and strange characters ignored, padding */
	T_EQ_STR(decode_str("SGVs\r\nbG8g d2\t9y bGQ=\r\n", WEFT_CTE_BASE64),
		 "Hello world");
	T_EQ_STR(decode_str("YQ==", WEFT_CTE_BASE64), "a");
	T_EQ_STR(decode_str("YWI=", WEFT_CTE_BASE64), "ab");
	T_EQ_STR(decode_str("YWJj", WEFT_CTE_BASE64), "abc");
	T_EQ_STR(decode_str("Y", WEFT_CTE_BASE64), "");
	T_EQ_STR(decode_str("!!YW*Jj!!", WEFT_CTE_BASE64), "abc");
	T_EQ_STR(decode_str("YWJj=YWJj", WEFT_CTE_BASE64), "abc");
	/* others: as they are */
	T_EQ_STR(decode_str("=41\r\n", WEFT_CTE_8BIT), "=41\r\n");
	{
		weft_mime m;

		T_OK(parse(&m, "Content-Type: multipart/mixed; boundary=b\n\n"
				"--b\nContent-Transfer-Encoding: base64\n\n"
				"SGVsbG8=\n--b\nContent-Transfer-Encoding: "
				"quoted-printable\n\nx=3Dy\n--b--\n"));
		T_EQ_STR(decoded(&m, 1), "Hello");
		T_EQ_STR(decoded(&m, 2), "x=y");
		weft_mime_free(&m);
	}
}

/* RFC 3156's canonical form of a part: LF made CRLF, CRLF kept, read in
 * pieces of every size. */
static void
test_canon(void)
{
	static const char msg[] =
		"Content-Type: multipart/signed; boundary=b\n\n"
		"--b\nContent-Type: text/plain\n\nline 1\r\nline 2\n\nend\n--b\n\nsig\n--b--\n";
	static const char want[] =
		"Content-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n\r\nend";
	weft_mime m;
	size_t chunk;

	T_OK(parse(&m, msg));
	T_EQ_INT(m.n, 3);
	for (chunk = 1; chunk <= 7; chunk++) {
		weft_mime_canon c;
		char out[256];
		size_t got, len = 0;

		weft_mime_canon_init(&c, &m, &m.parts[1]);
		do {
			T_OK(weft_mime_canon_read(&c, (uint8_t *)out + len, chunk,
						  &got));
			len += got;
		} while (got && len + chunk < sizeof out);
		out[len] = 0;
		T_EQ_STR(out, want);
	}
	weft_mime_free(&m);
}

/* ---- broken and hostile --------------------------------------------------------------- */

static void
expect_fail(const char *what, const char *msg, size_t len, gpg_err_code_t code,
	    const char *diag)
{
	weft_mime m;
	gpg_error_t err = weft_mime_parse(&m, (const uint8_t *)msg, len);

	T_CHECK(gpg_err_code(err) == code, "%s: want %s, got %s", what,
		gpg_strerror(code), err ? gpg_strerror(err) : "success");
	T_CHECK(strstr(m.diag.msg, diag) != NULL, "%s: diag \"%s\" lacks \"%s\"",
		what, m.diag.msg, diag);
	weft_mime_free(&m);
}

#define FAIL_STR(what, s, code, diag) expect_fail(what, s, strlen(s), code, diag)

static void
test_broken(void)
{
	FAIL_STR("empty", "", GPG_ERR_BAD_DATA, "empty");
	FAIL_STR("not a mail", "Hello world\nthis is text\n", GPG_ERR_BAD_DATA,
		 "not a mail");
	FAIL_STR("armored OpenPGP", "-----BEGIN PGP SIGNED MESSAGE-----\n",
		 GPG_ERR_BAD_DATA, "not a mail");
	FAIL_STR("a continuation first", " folded: no\n\nx", GPG_ERR_BAD_DATA,
		 "not a mail");
	FAIL_STR("only an mbox line", "From x@y Mon Jan 1\n", GPG_ERR_BAD_DATA,
		 "no header");
	FAIL_STR("no closing boundary",
		 "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n",
		 GPG_ERR_BAD_DATA, "no closing boundary");
	FAIL_STR("a boundary never closed (nested)",
		 "Content-Type: multipart/mixed; boundary=a\n\n--a\n"
		 "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--a--\n",
		 GPG_ERR_BAD_DATA, "part 1.1 (multipart/mixed) has no closing");
	FAIL_STR("no boundary line",
		 "Content-Type: multipart/mixed; boundary=b\n\njust text\n",
		 GPG_ERR_BAD_DATA, "no boundary line");
	FAIL_STR("no boundary parameter",
		 "Content-Type: multipart/mixed\n\n--b\n\nx\n--b--\n",
		 GPG_ERR_BAD_DATA, "without a boundary");
	FAIL_STR("empty boundary",
		 "Content-Type: multipart/mixed; boundary=\"\"\n\n--\n\nx\n----\n",
		 GPG_ERR_BAD_DATA, "without a boundary");
}

static void
test_hostile(void)
{
	weft_buf b;
	weft_mime m;
	size_t i, n = 10000;

	/* 10,000 nested multiparts: a bounded depth, no deep recursion */
	weft_buf_init(&b);
	weft_buf_put_str(&b, "Content-Type: multipart/mixed; boundary=\"b0\"\n\n");
	for (i = 1; i < n; i++)
		weft_buf_printf(&b, "--b%zu\nContent-Type: multipart/mixed; "
				"boundary=\"b%zu\"\n\n", i - 1, i);
	weft_buf_printf(&b, "--b%zu\n\nhi\n", n - 1);
	for (i = n; i-- > 0;)
		weft_buf_printf(&b, "--b%zu--\n", i);
	T_OK(weft_buf_error(&b));
	expect_fail("10,000 nested", (const char *)b.data, b.len,
		    GPG_ERR_TOO_LARGE, "nested more than 16 deep");
	weft_buf_free(&b);

	/* 16 deep is fine */
	weft_buf_init(&b);
	weft_buf_put_str(&b, "Content-Type: multipart/mixed; boundary=\"b0\"\n\n");
	for (i = 1; i < 16; i++)
		weft_buf_printf(&b, "--b%zu\nContent-Type: multipart/mixed; "
				"boundary=\"b%zu\"\n\n", i - 1, i);
	weft_buf_printf(&b, "--b15\n\nhi\n");
	for (i = 16; i-- > 0;)
		weft_buf_printf(&b, "--b%zu--\n", i);
	T_OK(weft_mime_parse(&m, b.data, b.len));
	T_EQ_INT(m.n, 17);
	T_EQ_INT(m.parts[16].depth, 16);
	T_EQ_STR(m.parts[16].id, "1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1");
	weft_mime_free(&m);
	weft_buf_free(&b);

	/* 1,500 parts */
	weft_buf_init(&b);
	weft_buf_put_str(&b, "Content-Type: multipart/mixed; boundary=b\n\n");
	for (i = 0; i < 1500; i++)
		weft_buf_put_str(&b, "--b\n\nx\n");
	weft_buf_put_str(&b, "--b--\n");
	expect_fail("1,500 parts", (const char *)b.data, b.len,
		    GPG_ERR_TOO_LARGE, "more than 1000 MIME parts");
	weft_buf_free(&b);

	/* a header of 2 MiB (one folded field) */
	weft_buf_init(&b);
	weft_buf_put_str(&b, "From: a@example.org\nX-Huge: x");
	for (i = 0; i < 2 * 1024 * 1024 / 64; i++)
		weft_buf_put_str(&b, "\n xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	weft_buf_put_str(&b, "\n\nbody\n");
	expect_fail("a huge header", (const char *)b.data, b.len,
		    GPG_ERR_TOO_LARGE, "header of part 1 is longer");
	weft_buf_free(&b);

	/* 2,000 header fields */
	weft_buf_init(&b);
	for (i = 0; i < 2000; i++)
		weft_buf_printf(&b, "X-F%zu: v\n", i);
	weft_buf_put_str(&b, "\nbody\n");
	expect_fail("2,000 fields", (const char *)b.data, b.len,
		    GPG_ERR_TOO_LARGE, "more than 1000 header fields");
	weft_buf_free(&b);

	/* a message over 64 MiB is refused before it is read */
	{
		static const uint8_t small[1] = { 'F' };

		T_ERR(weft_mime_parse(&m, small, (size_t)WEFT_MAIL_MAX_SIZE + 1),
		      GPG_ERR_TOO_LARGE);
		weft_mime_free(&m);
	}

	/* a boundary of 300 octets */
	weft_buf_init(&b);
	weft_buf_put_str(&b, "Content-Type: multipart/mixed; boundary=");
	for (i = 0; i < 300; i++)
		weft_buf_put_u8(&b, 'q');
	weft_buf_put_str(&b, "\n\n");
	expect_fail("a long boundary", (const char *)b.data, b.len,
		    GPG_ERR_BAD_DATA, "boundary longer than 200");
	weft_buf_free(&b);

	/* NUL octets in the header and the body */
	{
		static const char nul[] =
			"From: a\0b@example.org\nContent-Type: multipart/mixed; "
			"boundary=b\n\n--b\n\n\0\0\n--b--\n";
		static const char nulb[] =
			"Content-Type: multipart/mixed; boundary=\"b\0c\"\n\n"
			"--b\0c\n\nx\n--b\0c--\n";

		T_OK(weft_mime_parse(&m, (const uint8_t *)nul, sizeof nul - 1));
		T_EQ_STR(m.from, " a b@example.org");
		T_EQ_INT(m.n, 2);
		T_EQ_INT(m.parts[1].body_len, 2);
		weft_mime_free(&m);
		/* a NUL in a boundary is a space in the parameter: it no
		 * longer matches the lines */
		expect_fail("a NUL in the boundary", nulb, sizeof nulb - 1,
			    GPG_ERR_BAD_DATA, "no boundary line");
	}
	/* nested comments beyond the cap, an unclosed quote */
	T_OK(parse(&m, "Content-Type: text/plain; a=\"open" CRLF
			"Content-Transfer-Encoding: ((((((((((((x" CRLF CRLF));
	T_EQ_STR(weft_mime_param(&m.parts[0], "a"), "open");
	T_EQ_INT(m.parts[0].cte, WEFT_CTE_7BIT);
	weft_mime_free(&m);
}

/* ---- From: addresses ------------------------------------------------------------------- */

static void
test_from(void)
{
	static const struct {
		const char *field;
		const char *addr;       /* NULL: none */
		unsigned count;
	} cases[] = {
		{ "alice@example.org", "alice@example.org", 1 },
		{ " Alice <alice@example.org>", "alice@example.org", 1 },
		{ "\"Smith, Alice\" <Alice@Example.ORG>", "alice@example.org", 1 },
		{ "alice@example.org (Alice, CFO)", "alice@example.org", 1 },
		{ "(c) Alice (x <y@z>) <alice@example.org> (w)", "alice@example.org", 1 },
		{ "\"<mallory@evil.example>\" <alice@example.org>", "alice@example.org", 1 },
		{ "<@route.example,@r2.example:alice@example.org>", "alice@example.org", 1 },
		{ "a@x.example, b@y.example", "a@x.example", 2 },
		{ "\"a, b\" <a@x.example>, \"c\" <c@x.example>", "a@x.example", 2 },
		{ "Team: a@x.example, b@y.example;", "a@x.example", 2 },
		{ "undisclosed-recipients:;", NULL, 0 },
		{ "Alice <alice@b\xc3\xbc" "cher.example>", "alice@xn--bcher-kva.example", 1 },
		{ "\"john doe\"@example.org", NULL, 1 },
		{ "\"john\"@example.org", "john@example.org", 1 },
		{ "no address here", NULL, 1 },
		{ "<>", NULL, 0 },
		{ "", NULL, 0 },
		{ "Alice <alice@example.org", "alice@example.org", 1 },
		{ "a@b@c.example", NULL, 1 },
		{ "=?utf-8?q?=3Cceo@bank.example=3E?= <mallory@evil.example>",
		  "mallory@evil.example", 1 },
	};
	char out[512], longaddr[700];
	unsigned count;
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		bool ok = weft_mail__from_address(cases[i].field, out, sizeof out,
						  &count);

		T_CHECK(ok == (cases[i].addr != NULL), "from %zu \"%s\": %s", i,
			cases[i].field, ok ? out : "no address");
		if (cases[i].addr)
			T_EQ_STR(out, cases[i].addr);
		else
			T_EQ_STR(out, "");
		T_CHECK(count == cases[i].count, "from %zu: count %u, want %u",
			i, count, cases[i].count);
	}
	memset(longaddr, 'a', sizeof longaddr - 20);
	strcpy(longaddr + sizeof longaddr - 20, "@example.org");
	T_CHECK(!weft_mail__from_address(longaddr, out, sizeof out, &count),
		"a 680-octet address is refused");
}

/* ---- the BER check ------------------------------------------------------------------------ */

static void
test_ber(void)
{
	static const struct {
		const char *hex;
		gpg_err_code_t want;
	} cases[] = {
		{ "3000", 0 },
		{ "3003020101", 0 },
		{ "30050201010000", 0 },               /* trailing zeros */
		{ "3080020101 0000", 0 },              /* indefinite */
		{ "3080 3080 0000 0000", 0 },
		{ "30820003020101", 0 },               /* long form */
		{ "", GPG_ERR_BAD_DATA },
		{ "020101", GPG_ERR_BAD_DATA },        /* not a SEQUENCE */
		{ "30", GPG_ERR_BAD_DATA },
		{ "3004020101", GPG_ERR_BAD_DATA },    /* cut short */
		{ "3003020101ff", GPG_ERR_BAD_DATA },  /* garbage after */
		{ "3080020101", GPG_ERR_BAD_DATA },    /* no end-of-contents */
		{ "3003028001", GPG_ERR_BAD_DATA },    /* indefinite primitive */
		{ "3085ffffffffff", GPG_ERR_BAD_DATA },/* a 5-octet length */
		{ "30840fffffff00", GPG_ERR_BAD_DATA },/* beyond the end */
		{ "3003 3f8080", GPG_ERR_BAD_DATA },   /* high tag cut short */
	};
	uint8_t der[600];
	size_t i, n;
	weft_diag d;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		gpg_error_t err;

		n = t_unhex(cases[i].hex, der, sizeof der);
		weft_diag_clear(&d);
		err = weft_mail__ber_check(der, n, &d);
		T_CHECK(gpg_err_code(err) == cases[i].want, "ber %zu (%s): %s",
			i, cases[i].hex, err ? gpg_strerror(err) : "ok");
		T_CHECK(!err || d.msg[0], "ber %zu: a diagnostic", i);
	}
	/* 40 nested SEQUENCEs (indefinite): refused before libksba sees it */
	for (n = 0, i = 0; i < 40; i++) {
		der[n++] = 0x30;
		der[n++] = 0x80;
	}
	for (i = 0; i < 40; i++) {
		der[n++] = 0;
		der[n++] = 0;
	}
	weft_diag_clear(&d);
	T_ERR(weft_mail__ber_check(der, n, &d), GPG_ERR_TOO_LARGE);
	T_CHECK(strstr(d.msg, "nested") != NULL, "depth: %s", d.msg);
}

int
main(void)
{
	test_simple();
	test_folding_and_params();
	test_nested();
	test_edges();
	test_decode();
	test_canon();
	test_broken();
	test_hostile();
	test_from();
	test_ber();
	return t_done();
}
