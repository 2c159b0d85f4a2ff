/* tests/unit/packet/framing.c - packet headers: old and new format, every
 * length encoding, partial body lengths (joined), the old indeterminate
 * length, declared lengths far beyond the cap (refused before anything is
 * read or allocated), truncated headers and bodies, tag 0, bit 7 clear;
 * weft_packet_write_header round trips.
 *
 * Run from the top of the source tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>

#include "packet/packet.h"
#include "t.h"

/* One framing case: HEX, then FILL octets of 0x5a appended (bodies too
 * long to write out).  For a success: the first packet's fields, and BODY
 * (hex) when given; AFTER is the reader offset after the packet.  For a
 * failure the reader must be back at 0 and DIAG (when given) must occur
 * in the diagnostic. */
struct fcase {
	const char *name;
	const char *hex;
	size_t fill;
	gpg_err_code_t want;
	uint8_t tag;
	int new_format, partial, indeterminate;
	size_t body_len, header_len;
	const char *body;
	const char *diag;
};

static const struct fcase fcases[] = {
	/* ---- valid: old format ---- */
	{ "old, 1-octet length (tag 2)", "88 03 616263", 0, 0,
	  2, 0, 0, 0, 3, 2, "616263", NULL },
	{ "old, 2-octet length (tag 6)", "99 0003 616263", 0, 0,
	  6, 0, 0, 0, 3, 3, "616263", NULL },
	{ "old, 4-octet length (tag 13)", "b6 00000003 616263", 0, 0,
	  13, 0, 0, 0, 3, 5, "616263", NULL },
	{ "old, indeterminate length runs to the end", "8b 616263", 0, 0,
	  2, 0, 0, 1, 3, 1, "616263", NULL },
	{ "old, indeterminate length, empty body", "ab", 0, 0,
	  10, 0, 0, 1, 0, 1, "", NULL },
	{ "old, tag 15 (highest old-format tag)", "bc 01 00", 0, 0,
	  15, 0, 0, 0, 1, 2, "00", NULL },
	{ "old, zero length", "b4 00", 0, 0, 13, 0, 0, 0, 0, 2, "", NULL },
	{ "old, 2-octet length of 300", "89 012c", 300, 0,
	  2, 0, 0, 0, 300, 3, NULL, NULL },

	/* ---- valid: new format ---- */
	{ "new, 1-octet length", "c2 03 616263", 0, 0,
	  2, 1, 0, 0, 3, 2, "616263", NULL },
	{ "new, zero length", "cd 00", 0, 0, 13, 1, 0, 0, 0, 2, "", NULL },
	{ "new, 191 (largest 1-octet)", "c2 bf", 191, 0,
	  2, 1, 0, 0, 191, 2, NULL, NULL },
	{ "new, 192 (smallest 2-octet)", "c2 c000", 192, 0,
	  2, 1, 0, 0, 192, 3, NULL, NULL },
	{ "new, 8383 (largest 2-octet)", "c2 dfff", 8383, 0,
	  2, 1, 0, 0, 8383, 3, NULL, NULL },
	{ "new, 5-octet length", "c2 ff00000003 616263", 0, 0,
	  2, 1, 0, 0, 3, 6, "616263", NULL },
	{ "new, 5-octet length of 8384", "c2 ff000020c0", 8384, 0,
	  2, 1, 0, 0, 8384, 6, NULL, NULL },
	{ "new, tag 63", "ff 00", 0, 0, 63, 1, 0, 0, 0, 2, "", NULL },
	{ "new, tag 21 (padding)", "d5 02 0000", 0, 0,
	  21, 1, 0, 0, 2, 2, "0000", NULL },
	{ "partial: 2 octets then a 1-octet final length",
	  "cb e1 6162 01 63", 0, 0, 11, 1, 1, 0, 3, 2, "616263", NULL },
	{ "partial: 1, 2, then a 5-octet final length",
	  "cb e0 61 e1 6263 ff00000001 64", 0, 0,
	  11, 1, 1, 0, 4, 2, "61626364", NULL },
	{ "partial: 2-octet final length",
	  "cb e1 6162 c000", 192, 0, 11, 1, 1, 0, 194, 2, NULL, NULL },
	{ "partial: final length zero", "cb e1 6162 00", 0, 0,
	  11, 1, 1, 0, 2, 2, "6162", NULL },

	/* ---- not OpenPGP, reserved tag ---- */
	{ "empty input", "", 0, GPG_ERR_EOF, 0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "bit 7 clear (text)", "41 42 43", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "not an OpenPGP packet at offset 0" },
	{ "bit 7 clear (0x00)", "00", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "(octet 0x00)" },
	{ "bit 7 clear (0x7f)", "7f 00", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "old tag 0", "80 00", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "reserved tag 0" },
	{ "old tag 0, indeterminate", "83", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "reserved tag 0" },
	{ "new tag 0", "c0 01 00", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "reserved tag 0" },
	{ "new tag 0, partial", "c0 e1 0000 00", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "reserved tag 0" },

	/* ---- truncated headers ---- */
	{ "old 1-octet length missing", "88", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "truncated packet header at offset 0" },
	{ "old 2-octet length cut", "89 00", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "truncated packet header" },
	{ "old 4-octet length cut", "8a 000000", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "truncated packet header" },
	{ "new length missing", "c2", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "truncated packet header" },
	{ "new 2-octet length cut", "c2 c0", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "truncated packet header" },
	{ "new 5-octet length cut", "c2 ff 0000", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "truncated packet header" },
	{ "new 5-octet length marker only", "c2 ff", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, NULL },

	/* ---- truncated bodies ---- */
	{ "old body cut: diag counts the octets after the header", "88 05 616263", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "declares 5 bytes, 3 left" },
	{ "old body missing", "88 01", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "truncated signature packet" },
	{ "new body cut", "c2 05 616263", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "truncated" },
	{ "new 2-octet body cut", "c2 c000", 191, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "partial chunk cut", "cb e2 6162", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "partial body runs past the end" },
	{ "partial: next length missing", "cb e1 6162", 0, GPG_ERR_INV_PACKET,
	  0, 0, 0, 0, 0, 0, NULL, "partial length missing" },
	{ "partial: next 2-octet length cut", "cb e1 6162 c0", 0,
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "partial: final chunk cut", "cb e1 6162 05 63", 0,
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL, NULL },

	/* ---- declared lengths beyond WEFT_MAX_PACKET ---- */
	{ "old 4-octet 2 GB", "8a 80000000", 0, GPG_ERR_TOO_LARGE,
	  0, 0, 0, 0, 0, 0, NULL, "limit 16777216" },
	{ "old 4-octet 4 GB - 1", "8a ffffffff 00", 0, GPG_ERR_TOO_LARGE,
	  0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "new 5-octet 2 GB", "c2 ff80000000", 0, GPG_ERR_TOO_LARGE,
	  0, 0, 0, 0, 0, 0, NULL, "declares 2147483648 bytes" },
	{ "new 5-octet 4 GB - 1", "c2 ffffffffff", 0, GPG_ERR_TOO_LARGE,
	  0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "one over the cap", "c2 ff01000001", 0, GPG_ERR_TOO_LARGE,
	  0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "exactly the cap, but truncated", "c2 ff01000000 00", 0,
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "partial: first chunk 1 GB", "cb fe 00", 0, GPG_ERR_TOO_LARGE,
	  0, 0, 0, 0, 0, 0, NULL, "larger than 16777216 bytes" },
	{ "partial: first chunk 32 MB", "cb f9", 0, GPG_ERR_TOO_LARGE,
	  0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "partial: first chunk 16 MB (the cap) truncated", "cb f8 00", 0,
	  GPG_ERR_INV_PACKET, 0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "partial: 1 GB chunk after a good one", "cb e1 6162 fe 00", 0,
	  GPG_ERR_TOO_LARGE, 0, 0, 0, 0, 0, 0, NULL, NULL },
	{ "partial: 2 GB final length", "cb e1 6162 ff80000000", 0,
	  GPG_ERR_TOO_LARGE, 0, 0, 0, 0, 0, 0, NULL, NULL },
};

static void
run_fcase(const struct fcase *c)
{
	size_t cap = 16 + strlen(c->hex) / 2 + c->fill, n, blen;
	uint8_t *in = malloc(cap), *body = malloc(64);
	weft_reader r;
	weft_packet pkt;
	weft_diag diag;
	gpg_error_t err;

	n = t_unhex(c->hex, in, cap);
	memset(in + n, 0x5a, c->fill);
	n += c->fill;
	weft_diag_clear(&diag);
	weft_reader_init(&r, n ? in : NULL, n);
	err = weft_packet_next(&r, &pkt, &diag);
	T_CHECK(gpg_err_code(err) == c->want, "%s: want %s, got %s", c->name,
		gpg_strerror(c->want), err ? gpg_strerror(err) : "success");
	if (err) {
		T_CHECK(weft_reader_offset(&r) == 0,
			"%s: reader back at the header (offset %zu)", c->name,
			weft_reader_offset(&r));
		T_CHECK(!pkt.owned, "%s: nothing owned after an error",
			c->name);
		if (c->want != GPG_ERR_EOF)
			T_CHECK(diag.msg[0], "%s: a diagnostic", c->name);
		if (c->diag)
			T_CHECK(strstr(diag.msg, c->diag) != NULL,
				"%s: diag \"%s\" lacks \"%s\"", c->name,
				diag.msg, c->diag);
		free(in);
		free(body);
		return;
	}
	T_CHECK(pkt.tag == c->tag, "%s: tag %u", c->name, pkt.tag);
	T_CHECK(pkt.new_format == !!c->new_format, "%s: new_format", c->name);
	T_CHECK(pkt.partial == !!c->partial, "%s: partial", c->name);
	T_CHECK(pkt.indeterminate == !!c->indeterminate, "%s: indeterminate",
		c->name);
	T_CHECK(pkt.body_len == c->body_len, "%s: body_len %zu", c->name,
		pkt.body_len);
	T_CHECK(pkt.header_len == c->header_len, "%s: header_len %zu",
		c->name, pkt.header_len);
	T_CHECK(pkt.offset == 0, "%s: offset", c->name);
	T_CHECK((pkt.owned != NULL) == !!c->partial, "%s: owned", c->name);
	T_CHECK(weft_reader_eof(&r), "%s: whole input consumed", c->name);
	if (c->body) {
		blen = t_unhex(c->body, body, 64);
		T_CHECK(blen == pkt.body_len &&
				(!blen || !memcmp(body, pkt.body, blen)),
			"%s: body", c->name);
	} else if (!c->partial) {
		T_CHECK(pkt.body == in + pkt.header_len,
			"%s: body borrowed from the input", c->name);
	}
	weft_packet_release(&pkt);
	free(in);
	free(body);
}

/* A real-sized first chunk (RFC 9580 asks for at least 512 octets), then a
 * short final one: joined into one owned body. */
static void
test_partial_512(void)
{
	uint8_t *in = malloc(600);
	size_t n;
	weft_reader r;
	weft_packet pkt;

	n = t_unhex("cb e9", in, 600);
	memset(in + n, 0x5a, 512);
	n += 512;
	in[n++] = 0x02;
	in[n++] = 'x';
	in[n++] = 'y';
	weft_reader_init(&r, in, n);
	T_OK(weft_packet_next(&r, &pkt, NULL));
	T_EQ_INT(pkt.tag, 11);
	T_CHECK(pkt.partial && pkt.new_format && pkt.owned, "partial, owned");
	T_EQ_INT(pkt.header_len, 2);
	T_EQ_INT(pkt.body_len, 514);
	T_CHECK(pkt.body == pkt.owned, "body is the joined copy");
	T_CHECK(pkt.body[0] == 0x5a && pkt.body[511] == 0x5a &&
			pkt.body[512] == 'x' && pkt.body[513] == 'y',
		"joined body");
	T_EQ_INT(weft_reader_offset(&r), n);
	weft_packet_release(&pkt);
	T_CHECK(!pkt.owned && !pkt.body, "release clears the packet");
	weft_packet_release(NULL);
	free(in);
}

/* Several packets in a row: offsets, header lengths, then a clean EOF. */
static void
test_sequence(void)
{
	uint8_t in[64];
	size_t n = t_unhex("b4 01 41  c2 02 0102  cb e0 61 01 62  "
			   "d5 ff00000001 00  8b 0909", in, sizeof in);
	static const struct {
		uint8_t tag;
		size_t offset, header_len, body_len;
	} want[] = {
		{ 13, 0, 2, 1 }, { 2, 3, 2, 2 }, { 11, 7, 2, 2 },
		{ 21, 12, 6, 1 }, { 2, 19, 1, 2 },
	};
	weft_reader r;
	weft_packet pkt;
	size_t i;

	weft_reader_init(&r, in, n);
	for (i = 0; i < WEFT_ARRAY_SIZE(want); i++) {
		T_OK(weft_packet_next(&r, &pkt, NULL));
		T_EQ_INT(pkt.tag, want[i].tag);
		T_EQ_INT(pkt.offset, want[i].offset);
		T_EQ_INT(pkt.header_len, want[i].header_len);
		T_EQ_INT(pkt.body_len, want[i].body_len);
		weft_packet_release(&pkt);
	}
	T_ERR(weft_packet_next(&r, &pkt, NULL), GPG_ERR_EOF);
	T_ERR(weft_packet_next(&r, &pkt, NULL), GPG_ERR_EOF);
	T_EQ_INT(pkt.offset, n);
}

/* An error in the second packet leaves the reader at that packet's header
 * and names its offset. */
static void
test_error_position(void)
{
	uint8_t in[32];
	size_t n = t_unhex("b4 01 41  c2 09 0102", in, sizeof in);
	weft_reader r;
	weft_packet pkt;
	weft_diag diag;

	weft_diag_clear(&diag);
	weft_reader_init(&r, in, n);
	T_OK(weft_packet_next(&r, &pkt, &diag));
	weft_packet_release(&pkt);
	T_ERR(weft_packet_next(&r, &pkt, &diag), GPG_ERR_INV_PACKET);
	T_EQ_INT(weft_reader_offset(&r), 3);
	T_CHECK(strstr(diag.msg, "offset 3") != NULL, "diag: %s", diag.msg);
	/* Again: same answer, nothing consumed. */
	T_ERR(weft_packet_next(&r, &pkt, NULL), GPG_ERR_INV_PACKET);
	T_EQ_INT(weft_reader_offset(&r), 3);

	/* A partial packet failing late is rewound to its first header. */
	n = t_unhex("b4 01 41  cb e1 6162 e1 63", in, sizeof in);
	weft_reader_init(&r, in, n);
	T_OK(weft_packet_next(&r, &pkt, NULL));
	weft_packet_release(&pkt);
	T_ERR(weft_packet_next(&r, &pkt, NULL), GPG_ERR_INV_PACKET);
	T_EQ_INT(weft_reader_offset(&r), 3);
	T_CHECK(!pkt.owned, "partial failure releases the joined body");
}

/* The declared-length checks come before any allocation: a 2 GB length
 * (also as a partial chunk) must not make the heap grow. */
static void
test_no_allocation_for_huge_lengths(void)
{
	static const char *const hex[] = {
		"c2 ff80000000 00", "8a 80000000 00", "cb fe 00",
		"cb e1 6162 fe 00", "cb e1 6162 ff80000000",
		"cb e1 6162 e1 6364 fd 00",
	};
	uint8_t in[32];
	size_t i, n;
	weft_reader r;
	weft_packet pkt;
#if !defined(__SANITIZE_ADDRESS__)
	struct mallinfo2 before, after;
#endif

	for (i = 0; i < WEFT_ARRAY_SIZE(hex); i++) {
		n = t_unhex(hex[i], in, sizeof in);
		weft_reader_init(&r, in, n);
#if !defined(__SANITIZE_ADDRESS__)
		before = mallinfo2();
#endif
		T_ERR(weft_packet_next(&r, &pkt, NULL), GPG_ERR_TOO_LARGE);
#if !defined(__SANITIZE_ADDRESS__)
		after = mallinfo2();
		T_CHECK(after.arena + after.hblkhd <=
				before.arena + before.hblkhd + 65536,
			"%s: heap grew from %zu to %zu", hex[i],
			before.arena + before.hblkhd,
			after.arena + after.hblkhd);
#endif
		T_CHECK(!pkt.owned && !pkt.body, "%s: nothing kept", hex[i]);
	}
}

/* Bodies of the maximum size pass; one octet more does not. */
static void
test_cap(void)
{
	size_t n = 6 + WEFT_MAX_PACKET;
	uint8_t *in = calloc(1, n + 1);
	weft_reader r;
	weft_packet pkt;

	in[0] = 0xc2;
	in[1] = 0xff;
	in[2] = (uint8_t)(WEFT_MAX_PACKET >> 24);
	in[3] = (uint8_t)(WEFT_MAX_PACKET >> 16);
	in[4] = (uint8_t)(WEFT_MAX_PACKET >> 8);
	in[5] = (uint8_t)WEFT_MAX_PACKET;
	weft_reader_init(&r, in, n);
	T_OK(weft_packet_next(&r, &pkt, NULL));
	T_EQ_INT(pkt.body_len, WEFT_MAX_PACKET);
	weft_packet_release(&pkt);

	/* Partial chunks adding up to the cap pass too: 2^23 + 2^22 + ...
	 * is awkward, so two 2^23 chunks... with a final 0. */
	in[0] = 0xcb;
	in[1] = 0xf7;                       /* 2^23 */
	in[2 + (1u << 23)] = 0xf7;          /* 2^23 */
	in[3 + (1u << 24)] = 0x00;          /* final, 0 */
	weft_reader_init(&r, in, 4 + (1u << 24));
	T_OK(weft_packet_next(&r, &pkt, NULL));
	T_EQ_INT(pkt.body_len, 1u << 24);
	T_CHECK(pkt.partial, "partial");
	weft_packet_release(&pkt);

	/* ... and one more octet is too much. */
	in[3 + (1u << 24)] = 0x01;
	in[4 + (1u << 24)] = 0x00;
	weft_reader_init(&r, in, 5 + (1u << 24));
	T_ERR(weft_packet_next(&r, &pkt, NULL), GPG_ERR_TOO_LARGE);
	free(in);
}

/* weft_packet_write_header: exact octets, and parsing gives them back. */
static void
test_write_header(void)
{
	static const struct {
		size_t len;
		const char *hdr;
	} w[] = {
		{ 0, "c2 00" },
		{ 1, "c2 01" },
		{ 191, "c2 bf" },
		{ 192, "c2 c000" },
		{ 193, "c2 c001" },
		{ 8383, "c2 dfff" },
		{ 8384, "c2 ff000020c0" },
		{ 65535, "c2 ff0000ffff" },
		{ 1u << 20, "c2 ff00100000" },
	};
	size_t i, n;
	uint8_t want[8];
	weft_buf b;
	weft_reader r;
	weft_packet pkt;

	for (i = 0; i < WEFT_ARRAY_SIZE(w); i++) {
		uint8_t *body = malloc(w[i].len + 1);

		memset(body, 0xa5, w[i].len);
		if (w[i].len)
			body[w[i].len - 1] = 0x01;
		weft_buf_init(&b);
		T_OK(weft_packet_write_header(&b, WEFT_PKT_SIGNATURE,
					      w[i].len));
		n = t_unhex(w[i].hdr, want, sizeof want);
		T_CHECK(b.len == n && !memcmp(b.data, want, n),
			"header for %zu: %zu octets", w[i].len, b.len);
		T_OK(weft_buf_put(&b, body, w[i].len));
		weft_reader_init(&r, b.data, b.len);
		T_OK(weft_packet_next(&r, &pkt, NULL));
		T_EQ_INT(pkt.tag, WEFT_PKT_SIGNATURE);
		T_CHECK(pkt.new_format && !pkt.partial, "%zu: new format",
			w[i].len);
		T_EQ_INT(pkt.header_len, n);
		T_EQ_INT(pkt.body_len, w[i].len);
		T_CHECK(!w[i].len || !memcmp(pkt.body, body, w[i].len),
			"%zu: body", w[i].len);
		T_CHECK(weft_reader_eof(&r), "%zu: eof", w[i].len);
		weft_buf_free(&b);

		/* weft_packet_write: the same octets in one call. */
		weft_buf_init(&b);
		T_OK(weft_packet_write(&b, WEFT_PKT_USER_ID, body, w[i].len));
		T_EQ_INT(b.len, n + w[i].len);
		T_EQ_INT(b.data[0], 0xcd);
		T_CHECK(!memcmp(b.data + 1, want + 1, n - 1),
			"%zu: write header", w[i].len);
		weft_buf_free(&b);
		free(body);
	}

	/* Tags: every one from 1 to 63 round trips. */
	for (i = 1; i < 64; i++) {
		weft_buf_init(&b);
		T_OK(weft_packet_write(&b, (uint8_t)i, "x", 1));
		weft_reader_init(&r, b.data, b.len);
		T_OK(weft_packet_next(&r, &pkt, NULL));
		T_EQ_INT(pkt.tag, i);
		weft_buf_free(&b);
	}

	/* Beyond 32 bits: refused, and the error sticks to the buffer. */
	weft_buf_init(&b);
	T_ERR(weft_packet_write_header(&b, 2, (size_t)UINT32_MAX + 1),
	      GPG_ERR_TOO_LARGE);
	T_ERR(weft_buf_error(&b), GPG_ERR_TOO_LARGE);
	weft_buf_free(&b);
	weft_buf_init(&b);
	T_OK(weft_packet_write_header(&b, 2, UINT32_MAX));
	T_EQ_INT(b.len, 6);
	T_CHECK(!memcmp(b.data, "\xc2\xff\xff\xff\xff\xff", 6), "4 GB - 1");
	weft_buf_free(&b);
}

static void
test_tag_names(void)
{
	T_EQ_STR(weft_packet_tag_name(2), "signature");
	T_EQ_STR(weft_packet_tag_name(6), "public key");
	T_EQ_STR(weft_packet_tag_name(5), "secret key");
	T_EQ_STR(weft_packet_tag_name(13), "user ID");
	T_EQ_STR(weft_packet_tag_name(14), "public subkey");
	T_EQ_STR(weft_packet_tag_name(17), "user attribute");
	T_EQ_STR(weft_packet_tag_name(21), "padding");
	T_EQ_STR(weft_packet_tag_name(0), "unknown packet");
	T_EQ_STR(weft_packet_tag_name(15), "unknown packet");
	T_EQ_STR(weft_packet_tag_name(63), "unknown packet");
	T_EQ_STR(weft_packet_tag_name(255), "unknown packet");
}

/* Truncating a valid stream anywhere never reads past the end: every
 * prefix parses as whole packets followed by EOF or INV_PACKET. */
static void
test_truncation_loop(void)
{
	uint8_t in[64];
	size_t n = t_unhex("b4 01 41  c2 c000", in, sizeof in), cut;
	uint8_t *full = malloc(n + 192 + 16);
	size_t fn;
	weft_reader r;
	weft_packet pkt;
	gpg_error_t err;
	unsigned bad = 0;

	memcpy(full, in, n);
	memset(full + n, 7, 192);
	fn = n + 192;
	fn += t_unhex("cb e1 6162 e0 63 02 6465", full + fn, 16);
	for (cut = 0; cut <= fn; cut++) {
		uint8_t *p = malloc(cut ? cut : 1);

		memcpy(p, full, cut);
		weft_reader_init(&r, p, cut);
		while (!(err = weft_packet_next(&r, &pkt, NULL)))
			weft_packet_release(&pkt);
		if (cut == 0 || cut == 3 || cut == 3 + 3 + 192 || cut == fn) {
			if (gpg_err_code(err) != GPG_ERR_EOF)
				bad++;
		} else if (gpg_err_code(err) != GPG_ERR_INV_PACKET) {
			bad++;
		}
		free(p);
	}
	T_CHECK(bad == 0, "%u prefixes gave an unexpected result", bad);
	free(full);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(fcases); i++)
		run_fcase(&fcases[i]);
	test_partial_512();
	test_sequence();
	test_error_position();
	test_no_allocation_for_huge_lengths();
	test_cap();
	test_write_header();
	test_tag_names();
	test_truncation_loop();
	return t_done();
}
