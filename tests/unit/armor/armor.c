/* tests/unit/armor/armor.c - ASCII armor: decoding cases (more broken than
 * valid), CRC24 vectors, encoder output against gpg's, round trips, and
 * truncation and bit-flip loops over gpg-made fixtures.
 *
 * Run from the top of the source tree (fixtures in tests/data/armor/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armor/armor.h"
#include "t.h"

#define DATA "tests/data/armor/"

#define BEGIN_MSG "-----BEGIN PGP MESSAGE-----"
#define END_MSG "-----END PGP MESSAGE-----"
/* "hello\n" and its CRC24 (0x5802f1), "world" and its CRC24 (0xd6c858). */
#define HELLO "aGVsbG8K"
#define HELLO_CRC "=WALx"
#define WORLD "d29ybGQ="
#define WORLD_CRC "=1shY"
/* Inputs with NUL octets, so their length is not strlen(). */
#define NUL_TEXT "hello\0world\n"
#define NUL_DATA BEGIN_MSG "\n\naGVs\0bG8K\n" END_MSG "\n"
#define NUL_HEADER BEGIN_MSG "\nComment: a\0b\n\n" HELLO "\n" END_MSG "\n"
/* Fifty-six more letters for a 120-character label. */
#define A56 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define NO_DATA_MSG \
	"no OpenPGP data found (neither binary packets nor an armor block)"

/* One decoding case.  IN is text unless LEN is given (binary or with NUL
 * octets).  For a success, the first block must hold DATA (a C string) under
 * LABEL with NHEADERS headers; HAD_CRC is checked too.  For a failure, the
 * diagnostic must contain DIAG when given. */
struct dcase {
	const char *name;
	const char *in;
	size_t len;
	gpg_err_code_t want;
	size_t nblocks;
	const char *data;
	const char *label;
	size_t nheaders;
	int had_crc;
	const char *diag;
};

static const struct dcase dcases[] = {
	/* ---- valid ---- */
	{ "gpg --enarmor output",
	  "-----BEGIN PGP ARMORED FILE-----\n"
	  "Comment: Use \"gpg --dearmor\" for unpacking\n\n"
	  HELLO "\n" HELLO_CRC "\n-----END PGP ARMORED FILE-----\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP ARMORED FILE", 1, 1, NULL },
	{ "no headers, no CRC",
	  BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 0, 0, NULL },
	{ "CRLF line endings",
	  BEGIN_MSG "\r\nVersion: x\r\n\r\n" HELLO "\r\n" HELLO_CRC "\r\n"
	  END_MSG "\r\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 1, 1, NULL },
	{ "mixed endings and trailing white space everywhere",
	  BEGIN_MSG " \t\r\nComment: a b \t\n \t \r\n" HELLO "\t \n"
	  HELLO_CRC "  \r\n" END_MSG "\t",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 1, 1, NULL },
	{ "text before, between and after two blocks",
	  "Hi, here are two blocks:\n\n" BEGIN_MSG "\n\n" HELLO "\n"
	  HELLO_CRC "\n" END_MSG "\nand between\n" BEGIN_MSG "\n\n"
	  WORLD "\n" WORLD_CRC "\n" END_MSG "\n-- \nsignature\n",
	  0, GPG_ERR_NO_ERROR, 2, "hello\n", "PGP MESSAGE", 0, 1, NULL },
	{ "no blank line and no headers (sq style)",
	  BEGIN_MSG "\n" HELLO "\n" HELLO_CRC "\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 0, 1, NULL },
	{ "headers kept, including an empty value",
	  BEGIN_MSG "\nVersion: 1\nComment: one\nComment:\nHash: SHA256\n\n"
	  HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 4, 0, NULL },
	{ "quanta across lines that are not multiples of 4",
	  BEGIN_MSG "\n\naGVs\nbG8\nK\n" HELLO_CRC "\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 0, 1, NULL },
	{ "missing padding tolerated",
	  BEGIN_MSG "\n\nd29ybGQ\n" WORLD_CRC "\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "world", "PGP MESSAGE", 0, 1, NULL },
	{ "padding on the next line",
	  BEGIN_MSG "\n\nd29ybGQ\n=\n" WORLD_CRC "\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "world", "PGP MESSAGE", 0, 1, NULL },
	{ "no newline after END",
	  BEGIN_MSG "\n\n" HELLO "\n" END_MSG,
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 0, 0, NULL },
	{ "empty data with the CRC24 of nothing",
	  BEGIN_MSG "\n\n=twTO\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "", "PGP MESSAGE", 0, 1, NULL },
	{ "empty data without CRC24",
	  BEGIN_MSG "\n\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "", "PGP MESSAGE", 0, 0, NULL },
	{ "blank lines in the data and before END",
	  BEGIN_MSG "\n\naGVs\n\nbG8K\n \n" HELLO_CRC "\n\n\t\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 0, 1, NULL },
	{ "cleartext signed: the signature block is returned",
	  "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
	  "Dear reader,\n- -----BEGIN PGP MESSAGE-----\n- -----END PGP "
	  "MESSAGE-----\n- --\n-----BEGIN PGP SIGNATURE-----\n\n" HELLO "\n"
	  HELLO_CRC "\n-----END PGP SIGNATURE-----\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP SIGNATURE", 0, 1, NULL },
	{ "UTF-8 byte order mark before the armor",
	  "\xef\xbb\xbf" BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 0, 0, NULL },
	{ "binary input is copied",
	  "\x99\x00\x01\x0d", 4,
	  GPG_ERR_NO_ERROR, 1, "\x99", NULL, 0, 0, NULL },
	{ "multi-part label",
	  "-----BEGIN PGP MESSAGE, PART 1/2-----\n\n" HELLO "\n"
	  "-----END PGP MESSAGE, PART 1/2-----\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE, PART 1/2", 0, 0,
	  NULL },
	{ "PEM blocks, stray END and quoted armor are text",
	  "-----BEGIN CERTIFICATE-----\nMIIB*\n-----END CERTIFICATE-----\n"
	  END_MSG "\n> " BEGIN_MSG "\n> garbage!\n" BEGIN_MSG "\n\n" HELLO
	  "\n" END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 0, 0, NULL },
	{ "long header value within the limits",
	  BEGIN_MSG "\nComment: " "0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef0123456789abcdef\n\n" HELLO "\n"
	  END_MSG "\n",
	  0, GPG_ERR_NO_ERROR, 1, "hello\n", "PGP MESSAGE", 1, 0, NULL },

	/* ---- no OpenPGP data ---- */
	{ "empty input", "", 0, GPG_ERR_NO_DATA, 0, NULL, NULL, 0, 0,
	  NO_DATA_MSG },
	{ "plain text", "hello world\nno keys here\n", 0, GPG_ERR_NO_DATA, 0,
	  NULL, NULL, 0, 0, NO_DATA_MSG },
	{ "only white space", " \n\t\r\n\n", 0, GPG_ERR_NO_DATA, 0, NULL,
	  NULL, 0, 0, NO_DATA_MSG },
	{ "a PEM block only",
	  "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
	  0, GPG_ERR_NO_DATA, 0, NULL, NULL, 0, 0, NO_DATA_MSG },
	{ "armor quoted in a mail reply",
	  "> " BEGIN_MSG "\n>\n> " HELLO "\n> " END_MSG "\n",
	  0, GPG_ERR_NO_DATA, 0, NULL, NULL, 0, 0, NO_DATA_MSG },
	{ "indented BEGIN line",
	  " " BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_NO_DATA, 0, NULL, NULL, 0, 0, NO_DATA_MSG },
	{ "byte order mark only", "\xef\xbb\xbf", 0, GPG_ERR_NO_DATA, 0, NULL,
	  NULL, 0, 0, NO_DATA_MSG },
	{ "text with a NUL octet", NUL_TEXT, sizeof NUL_TEXT - 1, GPG_ERR_NO_DATA, 0,
	  NULL, NULL, 0, 0, NO_DATA_MSG },

	/* ---- CRC24 ---- */
	{ "wrong CRC24",
	  BEGIN_MSG "\n\n" HELLO "\n=WALy\n" END_MSG "\n",
	  0, GPG_ERR_CHECKSUM, 0, NULL, NULL, 0, 0, "checksum does not match" },
	{ "CRC24 of other data",
	  BEGIN_MSG "\n\n" HELLO "\n" WORLD_CRC "\n" END_MSG "\n",
	  0, GPG_ERR_CHECKSUM, 0, NULL, NULL, 0, 0, "armor block 1" },
	{ "CRC24 of nothing on a data line alone",
	  BEGIN_MSG "\n\n=aGVs\n" END_MSG "\n",
	  0, GPG_ERR_CHECKSUM, 0, NULL, NULL, 0, 0, NULL },
	{ "CRC24 too short (read as data)",
	  BEGIN_MSG "\n\n" HELLO "\n=WAL\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "line 4" },
	{ "CRC24 with a bad character",
	  BEGIN_MSG "\n\n" HELLO "\n=WA*x\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, NULL },
	{ "two CRC24 lines",
	  BEGIN_MSG "\n\n" HELLO "\n" HELLO_CRC "\n" HELLO_CRC "\n" END_MSG
	  "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "after the CRC24" },
	{ "data after the CRC24 line",
	  BEGIN_MSG "\n\n" HELLO "\n" HELLO_CRC "\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "line 5" },

	/* ---- base64 ---- */
	{ "invalid base64 character",
	  BEGIN_MSG "\n\naGVs*G8K\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0,
	  "armor block 1: invalid base64 character (0x2a) at line 3" },
	{ "invalid character in the second block",
	  BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\ntext\n" BEGIN_MSG "\n\n"
	  HELLO "\naGV!\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0,
	  "armor block 2: invalid base64 character (0x21) at line 9" },
	{ "space inside a data line",
	  BEGIN_MSG "\n\naGVs bG8K\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "column 5" },
	{ "CR inside a data line",
	  BEGIN_MSG "\n\naGVs\rbG8K\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, NULL },
	{ "NUL inside a data line",
	  NUL_DATA, sizeof NUL_DATA - 1,
	  GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "(0x00)" },
	{ "8-bit octet inside a data line",
	  BEGIN_MSG "\n\naGVs\xc3\xa9G8K\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, NULL },
	{ "one character left over",
	  BEGIN_MSG "\n\n" HELLO "a\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "one character" },
	{ "data after the padding",
	  BEGIN_MSG "\n\n" WORLD HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "after the padding" },
	{ "data line after the padding",
	  BEGIN_MSG "\n\n" WORLD "\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "line 4" },
	{ "padding after one character",
	  BEGIN_MSG "\n\na=GVs\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "misplaced" },
	{ "padding at the start of a quantum",
	  BEGIN_MSG "\n\n" HELLO "==\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "misplaced" },
	{ "three padding characters",
	  BEGIN_MSG "\n\naG===\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "misplaced" },
	{ "incomplete padding",
	  BEGIN_MSG "\n\naG=\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "incomplete" },
	{ "incomplete padding before the CRC24",
	  BEGIN_MSG "\n\naG=\n=twTO\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "before line 4" },
	{ "header-like line among the data",
	  BEGIN_MSG "\n\n" HELLO "\nVersion: 1\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, NULL },

	/* ---- framing ---- */
	{ "missing END line (truncated)",
	  BEGIN_MSG "\n\n" HELLO "\n" HELLO_CRC "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "missing END" },
	{ "missing END line after the headers",
	  BEGIN_MSG "\nVersion: 1\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "missing END" },
	{ "BEGIN line alone",
	  BEGIN_MSG, 0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0,
	  "missing END" },
	{ "END label differs",
	  BEGIN_MSG "\n\n" HELLO "\n-----END PGP SIGNATURE-----\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "does not match" },
	{ "END label differs from a long BEGIN label: quoted shortened",
	  "-----BEGIN PGP AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" A56 "-----\n\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0,
	  "does not match \"BEGIN PGP AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...\"" },
	{ "END line with junk after it",
	  BEGIN_MSG "\n\n" HELLO "\n" END_MSG " x\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "does not match" },
	{ "END line without its dashes",
	  BEGIN_MSG "\n\n" HELLO "\n-----END PGP MESSAGE\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "does not match" },
	{ "next BEGIN before END",
	  BEGIN_MSG "\n\n" HELLO "\n" BEGIN_MSG "\n\n" HELLO "\n" END_MSG
	  "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "missing END" },
	{ "a good block, then a broken one",
	  BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\n" BEGIN_MSG "\n\n" HELLO
	  "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "armor block 2" },
	{ "BEGIN line without closing dashes",
	  "-----BEGIN PGP MESSAGE\n\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "malformed BEGIN" },
	{ "BEGIN line with junk after the dashes",
	  BEGIN_MSG " junk\n\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "line 1" },
	{ "BEGIN line with an empty label",
	  "-----BEGIN PGP -----\n\n-----END PGP -----\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "malformed BEGIN" },
	{ "BEGIN line with a control character in the label",
	  "-----BEGIN PGP MES\x01SAGE-----\n\n" HELLO "\n"
	  "-----END PGP MES\x01SAGE-----\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "malformed BEGIN" },
	{ "BEGIN line followed by garbage",
	  BEGIN_MSG "\nhello world!\nmore garbage\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "line 2" },

	/* ---- headers ---- */
	{ "header without a space after the colon",
	  BEGIN_MSG "\nComment:x\n\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0,
	  "armor block 1: line 2 is not an armor header" },
	{ "header with an empty name",
	  BEGIN_MSG "\n: x\n\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "not an armor header" },
	{ "header name with a space",
	  BEGIN_MSG "\nBad Name: x\n\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "not an armor header" },
	{ "header value with a control character",
	  BEGIN_MSG "\nComment: a\x1b[2Jb\n\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "control character" },
	{ "header value with a NUL",
	  NUL_HEADER, sizeof NUL_HEADER - 1,
	  GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "control character" },
	{ "headers not ended by a blank line",
	  BEGIN_MSG "\nVersion: 1\n" HELLO "\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "line 3 is neither" },
	{ "header line after the data started",
	  BEGIN_MSG "\n" HELLO "\nComment: late\n" END_MSG "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, NULL },

	/* ---- cleartext ---- */
	{ "cleartext without a signature",
	  "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nHello\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0,
	  "cleartext signed message at line 1" },
	{ "cleartext whose only signature line is dash-escaped",
	  "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nHello\n"
	  "- -----BEGIN PGP SIGNATURE-----\n\n" HELLO "\n"
	  "- -----END PGP SIGNATURE-----\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "no \"-----BEGIN" },
	{ "cleartext with a truncated signature",
	  "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nHello\n"
	  "-----BEGIN PGP SIGNATURE-----\n\n" HELLO "\n",
	  0, GPG_ERR_BAD_DATA, 0, NULL, NULL, 0, 0, "(line 5): missing END" },
	{ "cleartext with a bad signature CRC24",
	  "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nHello\n"
	  "-----BEGIN PGP SIGNATURE-----\n\n" HELLO "\n=twTO\n"
	  "-----END PGP SIGNATURE-----\n",
	  0, GPG_ERR_CHECKSUM, 0, NULL, NULL, 0, 0, NULL },
};

static void
check_empty(const weft_armor_list *l, const char *name)
{
	T_CHECK(l->n == 0 && l->blocks == NULL, "%s: output not empty on "
		"error", name);
}

static void
run_dcases(void)
{
	size_t i, len;
	weft_armor_list l;
	weft_diag diag;
	gpg_error_t err;
	const struct dcase *c;

	for (i = 0; i < WEFT_ARRAY_SIZE(dcases); i++) {
		c = &dcases[i];
		len = c->len ? c->len : strlen(c->in);
		weft_diag_clear(&diag);
		err = weft_armor_decode((const uint8_t *)c->in, len, &l, &diag);
		T_CHECK(gpg_err_code(err) == c->want, "%s: want %s, got %s "
			"(%s)", c->name, gpg_strerror(c->want),
			gpg_strerror(err), diag.msg);
		if (err) {
			check_empty(&l, c->name);
			T_CHECK(diag.msg[0], "%s: no diagnostic", c->name);
			if (c->diag)
				T_CHECK(strstr(diag.msg, c->diag), "%s: "
					"diagnostic \"%s\" lacks \"%s\"",
					c->name, diag.msg, c->diag);
		} else if (l.n == c->nblocks && l.n) {
			weft_armor_block *b = &l.blocks[0];

			if (c->label) {
				T_EQ_INT(b->len, strlen(c->data));
				T_CHECK(b->len == strlen(c->data) &&
						!memcmp(b->data, c->data,
							b->len),
					"%s: decoded data differs", c->name);
				T_EQ_INT(b->had_crc, c->had_crc);
			} else {
				/* binary: a copy of the input */
				T_EQ_INT(b->len, len);
				T_EQ_MEM(b->data, c->in, len);
				T_CHECK(!b->had_crc && !b->nheaders, "%s",
					c->name);
			}
			T_EQ_STR(b->label, c->label);
			T_EQ_INT(b->nheaders, c->nheaders);
		} else if (!err) {
			T_CHECK(0, "%s: %zu blocks, want %zu", c->name, l.n,
				c->nblocks);
		}
		weft_armor_list_free(&l);
	}
}

/* Details the table does not hold: header order and values, the second
 * block, line numbers. */
static void
test_details(void)
{
	static const char headers[] =
		"junk\n" BEGIN_MSG "\nVersion: 1\nComment: one \t\r\n"
		"Comment:\nHash: SHA256\n\n" HELLO "\n" END_MSG "\n"
		"x\n" BEGIN_MSG "\n\n" WORLD "\n" END_MSG "\n";
	weft_armor_list l;

	T_OK(weft_armor_decode((const uint8_t *)headers, strlen(headers), &l,
			       NULL));
	T_EQ_INT(l.n, 2);
	if (l.n == 2) {
		T_EQ_INT(l.blocks[0].line, 2);
		T_EQ_INT(l.blocks[0].nheaders, 4);
		if (l.blocks[0].nheaders == 4) {
			T_EQ_STR(l.blocks[0].headers[0].name, "Version");
			T_EQ_STR(l.blocks[0].headers[0].value, "1");
			T_EQ_STR(l.blocks[0].headers[1].name, "Comment");
			T_EQ_STR(l.blocks[0].headers[1].value, "one");
			T_EQ_STR(l.blocks[0].headers[2].name, "Comment");
			T_EQ_STR(l.blocks[0].headers[2].value, "");
			T_EQ_STR(l.blocks[0].headers[3].name, "Hash");
			T_EQ_STR(l.blocks[0].headers[3].value, "SHA256");
		}
		T_EQ_INT(l.blocks[1].line, 11);
		T_EQ_INT(l.blocks[1].len, 5);
		T_EQ_MEM(l.blocks[1].data, "world", 5);
		T_EQ_INT(l.blocks[1].nheaders, 0);
		T_CHECK(l.blocks[1].headers == NULL, "no header array");
	}
	weft_armor_list_free(&l);
	weft_armor_list_free(&l); /* twice is harmless */
	weft_armor_list_free(NULL);

	/* NULL and empty input; a NULL diag. */
	T_ERR(weft_armor_decode(NULL, 0, &l, NULL), GPG_ERR_NO_DATA);
	check_empty(&l, "NULL input");

	/* The exact message for text without armor. */
	{
		weft_diag diag;

		weft_diag_clear(&diag);
		T_ERR(weft_armor_decode((const uint8_t *)"x", 1, &l, &diag),
		      GPG_ERR_NO_DATA);
		T_EQ_STR(diag.msg, NO_DATA_MSG);
	}
}

/* Header counts and line lengths at and beyond util/limits.h. */
static void
test_limits(void)
{
	weft_buf b;
	weft_armor_list l;
	weft_diag diag;
	size_t i;

	/* WEFT_MAX_ARMOR_HEADERS headers are fine, one more is not. */
	for (i = 0; i < 2; i++) {
		size_t k;

		weft_buf_init(&b);
		weft_buf_put_str(&b, BEGIN_MSG "\n");
		for (k = 0; k < WEFT_MAX_ARMOR_HEADERS + i; k++)
			weft_buf_printf(&b, "Comment: %zu\n", k);
		weft_buf_put_str(&b, "\n" HELLO "\n" END_MSG "\n");
		T_OK(weft_buf_error(&b));
		weft_diag_clear(&diag);
		if (!i) {
			T_OK(weft_armor_decode(b.data, b.len, &l, &diag));
			T_EQ_INT(l.n ? l.blocks[0].nheaders : 0,
				 WEFT_MAX_ARMOR_HEADERS);
		} else {
			T_ERR(weft_armor_decode(b.data, b.len, &l, &diag),
			      GPG_ERR_TOO_LARGE);
			T_CHECK(strstr(diag.msg, "armor headers"), "%s",
				diag.msg);
			check_empty(&l, "too many headers");
		}
		weft_armor_list_free(&l);
		weft_buf_free(&b);
	}

	/* A data line of WEFT_MAX_ARMOR_LINE is fine, one more is not
	 * (the line is padded with trailing blanks, which still count). */
	for (i = 0; i < 2; i++) {
		weft_buf_init(&b);
		weft_buf_put_str(&b, BEGIN_MSG "\n\n" HELLO);
		for (size_t k = strlen(HELLO); k < WEFT_MAX_ARMOR_LINE + i; k++)
			weft_buf_put_u8(&b, ' ');
		weft_buf_put_str(&b, "\n" END_MSG "\n");
		weft_diag_clear(&diag);
		if (!i) {
			T_OK(weft_armor_decode(b.data, b.len, &l, &diag));
		} else {
			T_ERR(weft_armor_decode(b.data, b.len, &l, &diag),
			      GPG_ERR_TOO_LARGE);
			T_CHECK(strstr(diag.msg, "line 3 is longer"), "%s",
				diag.msg);
			check_empty(&l, "long line");
		}
		weft_armor_list_free(&l);
		weft_buf_free(&b);
	}

	/* An overlong BEGIN line. */
	weft_buf_init(&b);
	weft_buf_put_str(&b, "-----BEGIN PGP ");
	for (i = 0; i < WEFT_MAX_ARMOR_LINE; i++)
		weft_buf_put_u8(&b, 'X');
	weft_buf_put_str(&b, "-----\n\n" HELLO "\n");
	T_ERR(weft_armor_decode(b.data, b.len, &l, NULL), GPG_ERR_TOO_LARGE);
	check_empty(&l, "long BEGIN");
	weft_buf_free(&b);

	/* Long lines outside blocks are just text. */
	weft_buf_init(&b);
	for (i = 0; i < 2 * WEFT_MAX_ARMOR_LINE; i++)
		weft_buf_put_u8(&b, 'x');
	weft_buf_put_str(&b, "\n" BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\n");
	T_OK(weft_armor_decode(b.data, b.len, &l, NULL));
	T_EQ_INT(l.n, 1);
	weft_armor_list_free(&l);
	weft_buf_free(&b);
}

static void
test_is_binary(void)
{
	static const uint8_t pkt[] = { 0x99, 0x01 }, newfmt[] = { 0xc6 },
			     text[] = "-----", high[] = { 0x80 };

	T_CHECK(weft_armor_is_binary(pkt, sizeof pkt), "old format packet");
	T_CHECK(weft_armor_is_binary(newfmt, 1), "new format packet");
	T_CHECK(weft_armor_is_binary(high, 1), "bit 7 alone");
	T_CHECK(!weft_armor_is_binary(text, 5), "armor text");
	T_CHECK(!weft_armor_is_binary(pkt, 0), "empty");
	T_CHECK(!weft_armor_is_binary(NULL, 0), "NULL");
}

/* The RFC's bitwise CRC24, to check the table. */
static uint32_t
crc24_ref(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xb704ce;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= (uint32_t)p[i] << 16;
		for (k = 0; k < 8; k++) {
			crc <<= 1;
			if (crc & 0x1000000)
				crc ^= 0x1864cfb;
		}
	}
	return crc & 0xffffff;
}

static void
test_crc24(void)
{
	uint8_t buf[1000];
	size_t i;

	T_EQ_INT(weft_crc24(NULL, 0), 0xb704ce);
	T_EQ_INT(weft_crc24((const uint8_t *)"hello\n", 6), 0x5802f1);
	T_EQ_INT(weft_crc24((const uint8_t *)"world", 5), 0xd6c858);
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (i = 0; i <= sizeof buf; i += 37)
		T_EQ_INT(weft_crc24(buf, i), crc24_ref(buf, i));
	for (i = 0; i < 256; i++) {
		uint8_t o = (uint8_t)i;

		T_EQ_INT(weft_crc24(&o, 1), crc24_ref(&o, 1));
	}
}

/* Encoder misuse that is an error (strings from users), not an assert. */
static void
test_encode_errors(void)
{
	static const struct {
		const char *name, *label, *hname, *hvalue;
	} cases[] = {
		{ "empty label", "", NULL, NULL },
		{ "label with a newline", "PGP MESSAGE-----\n-----BEGIN PGP X",
		  NULL, NULL },
		{ "label with dashes", "PGP-MESSAGE", NULL, NULL },
		{ "label ending in a space", "PGP MESSAGE ", NULL, NULL },
		{ "label without PGP", "CERTIFICATE", NULL, NULL },
		{ "cleartext label", "PGP SIGNED MESSAGE", NULL, NULL },
		{ "header value with a newline", "PGP MESSAGE", "Comment",
		  "a\n-----END PGP MESSAGE-----" },
		{ "header value with trailing blanks", "PGP MESSAGE",
		  "Comment", "a " },
		{ "header name with a colon", "PGP MESSAGE", "Com:ment", "a" },
		{ "empty header name", "PGP MESSAGE", "", "a" },
	};
	weft_armor_header h;
	weft_buf b;
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		weft_buf_init(&b);
		h.name = (char *)cases[i].hname;
		h.value = (char *)cases[i].hvalue;
		T_CHECK(gpg_err_code(weft_armor_encode(
				&b, cases[i].label, h.name ? &h : NULL,
				h.name ? 1 : 0, (const uint8_t *)"x", 1)) ==
				GPG_ERR_INV_VALUE,
			"%s", cases[i].name);
		T_EQ_INT(b.len, 0);
		weft_buf_free(&b);
	}

	/* Too many headers, and a header line too long to read back. */
	{
		weft_armor_header many[WEFT_MAX_ARMOR_HEADERS + 1];
		char *longval = malloc(WEFT_MAX_ARMOR_LINE + 1);

		for (i = 0; i < WEFT_ARRAY_SIZE(many); i++) {
			many[i].name = (char *)"Comment";
			many[i].value = (char *)"x";
		}
		weft_buf_init(&b);
		T_OK(weft_armor_encode(&b, "PGP MESSAGE", many,
				       WEFT_MAX_ARMOR_HEADERS, NULL, 0));
		weft_buf_reset(&b);
		T_ERR(weft_armor_encode(&b, "PGP MESSAGE", many,
					WEFT_ARRAY_SIZE(many), NULL, 0),
		      GPG_ERR_INV_VALUE);
		if (longval) {
			memset(longval, 'v', WEFT_MAX_ARMOR_LINE);
			longval[WEFT_MAX_ARMOR_LINE - 9] = 0;
			many[0].value = longval; /* "Comment: " + value */
			weft_buf_reset(&b);
			T_OK(weft_armor_encode(&b, "PGP MESSAGE", many, 1,
					       NULL, 0));
			{
				weft_armor_list l;

				T_OK(weft_armor_decode(b.data, b.len, &l,
						       NULL));
				T_CHECK(l.n == 1 && l.blocks[0].nheaders == 1 &&
						!strcmp(l.blocks[0]
								.headers[0]
								.value,
							longval),
					"longest header reads back");
				weft_armor_list_free(&l);
			}
			longval[WEFT_MAX_ARMOR_LINE - 9] = 'v';
			longval[WEFT_MAX_ARMOR_LINE - 8] = 0;
			weft_buf_reset(&b);
			T_ERR(weft_armor_encode(&b, "PGP MESSAGE", many, 1,
						NULL, 0), GPG_ERR_INV_VALUE);
			free(longval);
		}
		weft_buf_free(&b);
	}

	/* A buffer already in error stays so and keeps its first error. */
	weft_buf_init(&b);
	b.err = gpg_error(GPG_ERR_ENOMEM);
	T_ERR(weft_armor_encode(&b, "PGP MESSAGE", NULL, 0,
				(const uint8_t *)"x", 1), GPG_ERR_ENOMEM);
	T_EQ_INT(b.len, 0);
	weft_buf_free(&b);

	/* Sizes are checked before the data is touched: these lengths are
	 * far beyond the one octet behind the pointer. */
	weft_buf_init(&b);
	T_ERR(weft_armor_encode(&b, "PGP MESSAGE", NULL, 0,
				(const uint8_t *)"x", SIZE_MAX), GPG_ERR_TOO_LARGE);
	T_EQ_INT(b.len, 0);
	weft_buf_free(&b);
	{
		weft_armor_list l;
		weft_diag diag;

		weft_diag_clear(&diag);
		T_ERR(weft_armor_decode((const uint8_t *)"x",
					(size_t)WEFT_MAX_INPUT + 1, &l, &diag),
		      GPG_ERR_TOO_LARGE);
		check_empty(&l, "input over WEFT_MAX_INPUT");
		T_CHECK(strstr(diag.msg, "larger than the limit"), "%s",
			diag.msg);
	}
}

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint8_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint8_t)(rng_state >> 24);
}

static void
roundtrip(const uint8_t *data, size_t len, const weft_armor_header *h,
	  size_t nh, int *bad)
{
	weft_buf b;
	weft_armor_list l;
	weft_diag diag;
	gpg_error_t err;
	size_t i;

	weft_buf_init(&b);
	weft_diag_clear(&diag);
	err = weft_armor_encode(&b, "PGP MESSAGE", h, nh, data, len);
	if (!err)
		err = weft_armor_decode(b.data, b.len, &l, &diag);
	else
		memset(&l, 0, sizeof l);
	if (err || l.n != 1 || l.blocks[0].len != len ||
	    (len && memcmp(l.blocks[0].data, data, len)) ||
	    !l.blocks[0].had_crc || l.blocks[0].nheaders != nh) {
		(*bad)++;
		printf("round trip of %zu octets: %s %s\n", len,
		       gpg_strerror(err), diag.msg);
	}
	/* Lines are at most 64 characters. */
	for (i = 0; !err && i < b.len;) {
		uint8_t *nl = memchr(b.data + i, '\n', b.len - i);
		size_t n = nl ? (size_t)(nl - (b.data + i)) : b.len - i;

		if (n > 64 && strncmp((char *)b.data + i, "-----", 5) &&
		    strncmp((char *)b.data + i, "Comment", 7)) {
			(*bad)++;
			break;
		}
		i += n + 1;
	}
	weft_armor_list_free(&l);
	weft_buf_free(&b);
}

static void
test_roundtrip(void)
{
	static const weft_armor_header h[] = {
		{ "Version", "weft 0.1" },
		{ "Comment", "caf\xc3\xa9 \"quoted\"\t tab" },
	};
	uint8_t small[201], *big;
	size_t i, bigsize = 3 * 1024 * 1024 + 17;
	int bad = 0;

	for (i = 0; i < sizeof small; i++)
		small[i] = rng();
	for (i = 0; i <= 200; i++)
		roundtrip(small, i, i % 3 ? NULL : h, i % 3 ? 0 : 2, &bad);
	T_CHECK(!bad, "%d of 201 small round trips failed", bad);

	big = malloc(bigsize);
	T_CHECK(big != NULL, "malloc");
	if (big) {
		for (i = 0; i < bigsize; i++)
			big[i] = rng();
		bad = 0;
		roundtrip(big, bigsize, h, 2, &bad);
		T_CHECK(!bad, "large round trip failed");
		free(big);
	}
}

/* The encoder writes what gpg writes. */
static void
test_encode_like_gpg(void)
{
	static const weft_armor_header comment = {
		"Comment", "Use \"gpg --dearmor\" for unpacking"
	};
	uint8_t *asc, *bin;
	size_t asclen, binlen;
	weft_buf b;

	asc = t_slurp(DATA "key.asc", &asclen);
	bin = t_slurp(DATA "key.gpg", &binlen);
	weft_buf_init(&b);
	T_OK(weft_armor_encode(&b, "PGP PUBLIC KEY BLOCK", NULL, 0, bin,
			       binlen));
	T_EQ_INT(b.len, asclen);
	T_CHECK(b.len == asclen && !memcmp(b.data, asc, asclen),
		"encoded key differs from key.asc");
	weft_buf_free(&b);
	free(asc);
	free(bin);

	asc = t_slurp(DATA "hello.asc", &asclen);
	weft_buf_init(&b);
	T_OK(weft_armor_encode(&b, "PGP ARMORED FILE", &comment, 1,
			       (const uint8_t *)"hello\n", 6));
	T_CHECK(b.len == asclen && !memcmp(b.data, asc, asclen),
		"encoded data differs from hello.asc");
	/* Appending a second block to the same buffer. */
	T_OK(weft_armor_encode(&b, "PGP MESSAGE", NULL, 0, NULL, 0));
	T_CHECK(b.len > asclen && !memcmp(b.data + asclen,
					  BEGIN_MSG "\n\n=twTO\n" END_MSG
					  "\n", b.len - asclen),
		"empty block");
	weft_buf_free(&b);
	free(asc);
}

/* gpg's files decode to gpg's binary. */
static void
test_fixtures(void)
{
	uint8_t *asc, *bin;
	size_t asclen, binlen;
	weft_armor_list l;

	asc = t_slurp(DATA "key.asc", &asclen);
	bin = t_slurp(DATA "key.gpg", &binlen);
	T_OK(weft_armor_decode(asc, asclen, &l, NULL));
	T_EQ_INT(l.n, 1);
	if (l.n == 1) {
		T_EQ_STR(l.blocks[0].label, "PGP PUBLIC KEY BLOCK");
		T_EQ_INT(l.blocks[0].len, binlen);
		T_CHECK(l.blocks[0].len == binlen &&
				!memcmp(l.blocks[0].data, bin, binlen),
			"key.asc does not decode to key.gpg");
		T_CHECK(l.blocks[0].had_crc, "key.asc has a CRC24");
		T_EQ_INT(l.blocks[0].line, 1);
	}
	weft_armor_list_free(&l);

	/* Binary in, the same binary out. */
	T_OK(weft_armor_decode(bin, binlen, &l, NULL));
	T_CHECK(l.n == 1 && !l.blocks[0].label && l.blocks[0].len == binlen &&
			!memcmp(l.blocks[0].data, bin, binlen),
		"key.gpg as binary");
	T_EQ_INT(l.n ? l.blocks[0].line : 99, 0);
	weft_armor_list_free(&l);
	free(asc);
	free(bin);

	asc = t_slurp(DATA "clearsigned.asc", &asclen);
	bin = t_slurp(DATA "clearsigned.sig", &binlen);
	T_OK(weft_armor_decode(asc, asclen, &l, NULL));
	T_EQ_INT(l.n, 1);
	if (l.n == 1) {
		T_EQ_STR(l.blocks[0].label, "PGP SIGNATURE");
		T_CHECK(l.blocks[0].len == binlen &&
				!memcmp(l.blocks[0].data, bin, binlen),
			"clearsigned.asc does not decode to clearsigned.sig");
		T_EQ_INT(l.blocks[0].line, 8);
	}
	weft_armor_list_free(&l);
	free(asc);
	free(bin);
}

/* Every prefix of a fixture must fail cleanly until the END line is
 * complete, then decode to the full data; every bit flip must fail cleanly
 * or decode to the same octets (a CRC24 catches any burst of up to 24
 * bits, and one flipped character changes at most 6).  WANT_FROM is the
 * first prefix length that must decode. */
static void
mutate(const char *ascname, const char *binname, const char *label)
{
	uint8_t *asc, *bin, *m;
	const uint8_t *end;
	size_t asclen, binlen, i, want_from;
	int bit, crashes = 0, wrong = 0, bad_prefix = 0;
	weft_armor_list l;
	weft_diag diag;
	gpg_error_t err;
	gpg_err_code_t ec;
	char endline[128];

	asc = t_slurp(ascname, &asclen);
	bin = t_slurp(binname, &binlen);
	snprintf(endline, sizeof endline, "-----END %s-----", label);
	end = memmem(asc, asclen, endline, strlen(endline));
	T_CHECK(end != NULL, "%s has an END line", ascname);
	want_from = end ? (size_t)(end - asc) + strlen(endline) : asclen;

	m = malloc(asclen);
	for (i = 0; m && i <= asclen; i++) {
		/* A fresh copy of exactly I octets, so ASan sees overreads. */
		uint8_t *p = malloc(i ? i : 1);

		memcpy(p, asc, i);
		weft_diag_clear(&diag);
		err = weft_armor_decode(p, i, &l, &diag);
		ec = gpg_err_code(err);
		if (i >= want_from) {
			if (err || l.n != 1 || l.blocks[0].len != binlen ||
			    memcmp(l.blocks[0].data, bin, binlen))
				bad_prefix++;
		} else if (!err || (ec != GPG_ERR_NO_DATA &&
				    ec != GPG_ERR_BAD_DATA) ||
			   l.n || l.blocks || !diag.msg[0]) {
			bad_prefix++;
			printf("prefix %zu: %s %s\n", i, gpg_strerror(err),
			       diag.msg);
		}
		weft_armor_list_free(&l);
		free(p);
	}
	T_CHECK(!bad_prefix, "%s: %d prefixes misbehaved", ascname,
		bad_prefix);

	for (i = 0; m && i < asclen; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(m, asc, asclen);
			m[i] ^= (uint8_t)(1u << bit);
			weft_diag_clear(&diag);
			err = weft_armor_decode(m, asclen, &l, &diag);
			ec = gpg_err_code(err);
			if (err) {
				if ((ec != GPG_ERR_NO_DATA &&
				     ec != GPG_ERR_BAD_DATA &&
				     ec != GPG_ERR_CHECKSUM) ||
				    l.n || l.blocks || !diag.msg[0])
					crashes++;
			} else if (l.n != 1 || l.blocks[0].len != binlen ||
				   memcmp(l.blocks[0].data, bin, binlen)) {
				/* Flipping bit 7 of the first octet makes
				 * it binary: a copy, which is right. */
				if (!(i == 0 && bit == 7 && l.n == 1 &&
				      !l.blocks[0].label))
					wrong++;
			}
			weft_armor_list_free(&l);
		}
	}
	T_CHECK(!crashes, "%s: %d bit flips failed uncleanly", ascname,
		crashes);
	T_CHECK(!wrong, "%s: %d bit flips decoded to other data", ascname,
		wrong);

	/* Byte replacements with the characters that steer the parser. */
	for (i = 0; m && i < asclen; i++) {
		static const uint8_t subst[] = { '\n', '\r', ' ', '=', '-',
						 ':', 0, 0x80, 'A', '/' };
		size_t k;

		for (k = 0; k < sizeof subst; k++) {
			memcpy(m, asc, asclen);
			m[i] = subst[k];
			err = weft_armor_decode(m, asclen, &l, NULL);
			if (err && (l.n || l.blocks))
				crashes++;
			else if (!err && (l.n != 1 || l.blocks[0].len != binlen ||
					  memcmp(l.blocks[0].data, bin, binlen)) &&
				 !(i == 0 && subst[k] == 0x80))
				wrong++;
			weft_armor_list_free(&l);
		}
	}
	T_CHECK(!crashes, "%s: byte replacements failed uncleanly", ascname);
	T_CHECK(!wrong, "%s: byte replacements decoded to other data",
		ascname);
	free(m);
	free(asc);
	free(bin);
}

/* Linear time on a big input with many blocks and much text around them
 * (a quadratic scan would take minutes here). */
static void
test_many_blocks(void)
{
	weft_buf b;
	weft_armor_list l;
	size_t i, n = 20000;

	weft_buf_init(&b);
	for (i = 0; i < n; i++)
		weft_buf_put_str(&b, "some text between the blocks\n" BEGIN_MSG
				 "\n\n" HELLO "\n" HELLO_CRC "\n" END_MSG "\n");
	T_OK(weft_armor_decode(b.data, b.len, &l, NULL));
	T_EQ_INT(l.n, n);
	T_CHECK(l.n == n && l.blocks[n - 1].len == 6 &&
			!memcmp(l.blocks[n - 1].data, "hello\n", 6),
		"last block");
	weft_armor_list_free(&l);
	weft_buf_free(&b);
}

int
main(void)
{
	run_dcases();
	test_details();
	test_limits();
	test_is_binary();
	test_crc24();
	test_encode_errors();
	test_roundtrip();
	test_encode_like_gpg();
	test_fixtures();
	mutate(DATA "key.asc", DATA "key.gpg", "PGP PUBLIC KEY BLOCK");
	mutate(DATA "clearsigned.asc", DATA "clearsigned.sig",
	       "PGP SIGNATURE");
	test_many_blocks();
	return t_done();
}
