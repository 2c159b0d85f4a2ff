/* armor.c - ASCII armor (RFC 9580 6, RFC 4880 6): finding and decoding
 * armor blocks in arbitrary text, and encoding one block.
 *
 * Decoding, step by step:
 *
 *  1. Empty input is NO_DATA.  Input whose first octet has bit 7 set is
 *     binary OpenPGP: the result is one block holding a copy of it.  A
 *     leading UTF-8 byte order mark (EF BB BF, as editors on Windows save
 *     .asc files) is skipped and the rest read as text; as a packet header
 *     0xEF would be the unassigned tag 47, so nothing real is lost.
 *
 *  2. Text is read line by line.  Lines end at LF; trailing spaces, tabs
 *     and CRs are trimmed, so LF, CRLF and mixed endings all work.  Lines
 *     outside a block are ignored (mail bodies, README preambles) unless
 *     they start with "-----BEGIN PGP ".
 *
 *  3. A BEGIN line must end in "-----"; what lies between "BEGIN " and the
 *     dashes is the label (printable ASCII, no '-').  The label "PGP SIGNED
 *     MESSAGE" opens a cleartext signature: its lines are skipped up to the
 *     line "-----BEGIN PGP SIGNATURE-----", and that block is decoded
 *     instead.  Dash-escaped lines ("- -----BEGIN ...") start with "- ",
 *     so they can never be taken for that line.
 *
 *  4. Before decoding a block, its lines are measured up to the next line
 *     that starts with "-----".  The decoded size is at most 3/4 of that
 *     (plus one partial quantum), so the output is allocated once, never
 *     from a length the input claims, and never grown per character.
 *
 *  5. Header lines ("Name: value") follow the BEGIN line up to a blank
 *     line (which may hold white space).  A line with a ':' but without
 *     "Name: value" form is BAD_DATA.  When the first line after BEGIN has
 *     no ':' it cannot be a header, so it is taken as the first data line
 *     (sq tolerates a missing blank line; gpg does not).
 *
 *  6. Data lines are base64; quanta may span lines and '=' padding ends
 *     the data.  A line that is exactly '=' and four base64 characters is
 *     the CRC24 (no data line can start with '=').  After it only blank
 *     lines and the END line may come.
 *
 *  7. The END line must repeat the BEGIN label exactly.  A CRC24, when
 *     present, must match the decoded octets (CHECKSUM); its absence is
 *     fine.
 *
 *  8. When no block was found at all, the result is NO_DATA.
 *
 * Any error ends decoding: everything decoded so far is freed and the
 * output list is left empty.  Line numbers in diagnostics are 1-based and
 * count from the start of the input.
 */
#include "../internal.h"

#include <assert.h>
#include <stdlib.h>

#include "armor.h"
#include "../util/mem.h"
#include "../util/reader.h"

#define B64_PAD 0x40  /* '=' in b64_dec */
#define B64_BAD 0xff  /* not in the alphabet */

/* Values of the base64 alphabet, B64_PAD for '=', B64_BAD otherwise. */
static const uint8_t b64_dec[256] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3e, 0xff, 0xff, 0xff, 0x3f,
	0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0xff, 0xff,
	0xff, 0x40, 0xff, 0xff, 0xff, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
	0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
	0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30,
	0x31, 0x32, 0x33, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff,
};

static const char b64_enc[64] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static const char begin_pgp[] = "-----BEGIN PGP ";
static const char cleartext_label[] = "PGP SIGNED MESSAGE";
static const char cleartext_sig[] = "-----BEGIN PGP SIGNATURE-----";
static const char no_data_msg[] =
	"no OpenPGP data found (neither binary packets nor an armor block)";

/* The armor line lengths without the label. */
#define BEGIN_LEN 11  /* "-----BEGIN " */
#define END_LEN 9     /* "-----END " */
#define DASHES_LEN 5  /* "-----" */

/* One line of input.  P points into the input (borrowed). */
typedef struct line {
	const uint8_t *p;
	size_t raw;       /* length without the LF */
	size_t n;         /* length without trailing white space */
	size_t no;        /* 1-based line number */
} line;

typedef struct scan {
	weft_reader r;
	size_t lineno;
} scan;

/* Base64 decoder state; quanta run across line boundaries. */
typedef struct b64 {
	uint8_t *out;
	size_t o;         /* octets written */
	size_t cap;       /* octets allocated */
	uint32_t acc;     /* pending 6-bit groups */
	unsigned q;       /* characters in the current quantum, 0..3 */
	unsigned pad;     /* '=' seen in the current quantum */
	bool done;        /* padding completed: no more data may follow */
} b64;

bool
weft_armor_is_binary(const uint8_t *in, size_t len)
{
	return in && len && (in[0] & 0x80);
}

static bool
is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Take the next line of S into L.  False at the end of the input. */
static bool
next_line(scan *s, line *l)
{
	const uint8_t *p, *nl;
	size_t left = weft_reader_left(&s->r), take;

	if (!left)
		return false;
	nl = memchr(weft_reader_pos(&s->r), '\n', left);
	take = nl ? (size_t)(nl - weft_reader_pos(&s->r)) + 1 : left;
	if (weft_reader_bytes_direct(&s->r, take, &p))
		return false; /* cannot happen: TAKE <= LEFT */
	l->p = p;
	l->raw = nl ? take - 1 : take;
	l->n = l->raw;
	while (l->n && is_ws(p[l->n - 1]))
		l->n--;
	l->no = ++s->lineno;
	return true;
}

static bool
has_prefix(const line *l, const char *s)
{
	size_t k = strlen(s);

	return l->n >= k && !memcmp(l->p, s, k);
}

static bool
is_line(const line *l, const char *s)
{
	return l->n == strlen(s) && !memcmp(l->p, s, l->n);
}

/* An armor label: printable ASCII without '-', not starting or ending with
 * a space. */
static bool
label_ok(const uint8_t *p, size_t n)
{
	size_t i;

	if (!n || p[0] == ' ' || p[n - 1] == ' ')
		return false;
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '-')
			return false;
	return true;
}

/* A header name: printable ASCII other than space and ':'. */
static bool
header_name_ok(const uint8_t *p, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] > 0x7e || p[i] == ':')
			return false;
	return true;
}

/* A header value: anything but control characters (tab is allowed), so
 * that it is a safe C string and one line.  It is still untrusted text:
 * escape it before showing it (it may hold any UTF-8). */
static bool
header_value_ok(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return false;
	return true;
}

static void
block_free(weft_armor_block *b)
{
	size_t i;

	free(b->label);
	for (i = 0; i < b->nheaders; i++) {
		free(b->headers[i].name);
		free(b->headers[i].value);
	}
	free(b->headers);
	/* Private key blocks may hold unprotected secrets; wiping every
	 * block costs little next to decoding it. */
	if (b->data) {
		weft_wipe(b->data, b->len);
		free(b->data);
	}
	memset(b, 0, sizeof *b);
}

void
weft_armor_list_free(weft_armor_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		block_free(&l->blocks[i]);
	free(l->blocks);
	l->blocks = NULL;
	l->n = 0;
}

/* Emit the octets of a quantum cut short by padding or by the end of the
 * data: 2 characters give 1 octet, 3 give 2. */
static void
b64_tail(b64 *d)
{
	if (d->q == 2) {
		d->out[d->o++] = (uint8_t)(d->acc >> 4);
	} else if (d->q == 3) {
		d->out[d->o++] = (uint8_t)(d->acc >> 10);
		d->out[d->o++] = (uint8_t)(d->acc >> 2);
	}
	d->q = 0;
	d->pad = 0;
	d->acc = 0;
	d->done = true;
}

/* Decode one data line.  On BAD_DATA, *COL is the 0-based column and *WHY
 * the reason. */
static gpg_error_t
b64_line(b64 *d, const uint8_t *p, size_t n, size_t *col, const char **why)
{
	size_t i;
	uint8_t v;

	*why = NULL;
	i = 0;

	/* Fast path: whole quanta while nothing is pending (every full
	 * line of gpg's output).  Step 4 sized the buffer for every base64
	 * character of the block, so the room is there. */
	if (!d->q && !d->pad && !d->done) {
		if ((n / 4) * 3 > d->cap - d->o)
			return WEFT_ERR(GPG_ERR_INTERNAL);
		for (; i + 4 <= n; i += 4) {
			uint32_t a = b64_dec[p[i]], b = b64_dec[p[i + 1]],
				 c = b64_dec[p[i + 2]], e = b64_dec[p[i + 3]];

			if ((a | b | c | e) & 0xc0)
				break; /* '=' or a bad character */
			a = (a << 18) | (b << 12) | (c << 6) | e;
			d->out[d->o++] = (uint8_t)(a >> 16);
			d->out[d->o++] = (uint8_t)(a >> 8);
			d->out[d->o++] = (uint8_t)a;
		}
	}

	/* Slow path: the rest, one character at a time. */
	for (; i < n; i++) {
		v = b64_dec[p[i]];
		if (v < 64) {
			if (d->pad || d->done) {
				*why = "base64 data after the padding";
				break;
			}
			d->acc = (d->acc << 6) | v;
			if (++d->q == 4) {
				/* Step 4 sized the buffer for every base64
				 * character of the block. */
				if (d->cap - d->o < 3)
					return WEFT_ERR(GPG_ERR_INTERNAL);
				d->out[d->o++] = (uint8_t)(d->acc >> 16);
				d->out[d->o++] = (uint8_t)(d->acc >> 8);
				d->out[d->o++] = (uint8_t)d->acc;
				d->q = 0;
				d->acc = 0;
			}
		} else if (v == B64_PAD) {
			if (d->done || d->q < 2) {
				*why = "misplaced base64 padding '='";
				break;
			}
			if (d->q + ++d->pad == 4)
				b64_tail(d);
		} else {
			*why = "invalid base64 character";
			break;
		}
	}
	*col = i;
	return *why ? WEFT_ERR(GPG_ERR_BAD_DATA) : 0;
}

/* The data ends at line L (the CRC24 or END line): flush a partial
 * quantum.  Missing padding is tolerated; a lone character or half a
 * padding is not. */
static gpg_error_t
b64_finish(b64 *d, size_t blockno, const line *l, weft_diag *diag)
{
	if (d->done)
		return 0;
	if (d->pad)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "armor block %zu: incomplete base64 "
				     "padding before line %zu", blockno,
				     l->no);
	if (d->q == 1)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "armor block %zu: truncated base64 (one "
				     "character left over) before line %zu",
				     blockno, l->no);
	if (d->cap - d->o < 2)
		return WEFT_ERR(GPG_ERR_INTERNAL);
	b64_tail(d);
	return 0;
}

/* A CRC24 line: exactly '=' and four base64 characters. */
static bool
crc_line(const line *l, uint32_t *crc)
{
	size_t i;
	uint32_t v = 0;

	if (l->n != 5 || l->p[0] != '=')
		return false;
	for (i = 1; i < 5; i++) {
		if (b64_dec[l->p[i]] >= 64)
			return false;
		v = (v << 6) | b64_dec[l->p[i]];
	}
	*crc = v;
	return true;
}

/* Parse a header line ("Name: value"; "Name:" is an empty value) into B.
 * The line is known to contain a ':'. */
static gpg_error_t
add_header(weft_armor_block *b, size_t *cap, const line *l, size_t blockno,
	   weft_diag *diag)
{
	const uint8_t *colon = memchr(l->p, ':', l->n);
	size_t namelen = (size_t)(colon - l->p), vstart = namelen + 2;
	weft_armor_header *h;
	void *arr = b->headers;
	gpg_error_t err;

	if (!header_name_ok(l->p, namelen) ||
	    (namelen + 1 < l->n && l->p[namelen + 1] != ' '))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "armor block %zu: line %zu is not an armor "
				     "header (\"Name: value\")", blockno, l->no);
	if (vstart > l->n)
		vstart = l->n;
	if (!header_value_ok(l->p + vstart, l->n - vstart))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "armor block %zu: control character in "
				     "the armor header at line %zu",
				     blockno, l->no);
	if (b->nheaders >= WEFT_MAX_ARMOR_HEADERS)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "armor block %zu: more than %u armor "
				     "headers (line %zu)", blockno,
				     WEFT_MAX_ARMOR_HEADERS, l->no);
	err = weft_grow(&arr, cap, b->nheaders + 1, sizeof *b->headers);
	b->headers = arr;
	if (err)
		return weft_diag_set(diag, err, "armor block %zu: %s", blockno,
				     gpg_strerror(err));
	h = &b->headers[b->nheaders];
	h->name = weft_memdupz(l->p, namelen);
	h->value = weft_memdupz(l->p + vstart, l->n - vstart);
	if (!h->name || !h->value) {
		free(h->name);
		free(h->value);
		h->name = h->value = NULL;
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_ENOMEM),
				     "armor block %zu: out of memory", blockno);
	}
	b->nheaders++;
	return 0;
}

enum bstate { ST_FIRST, ST_HEADERS, ST_DATA, ST_AFTER_CRC };

/* Decode the block whose BEGIN line was just read from S into B (whose
 * label and line are set).  Reads up to and including the END line. */
static gpg_error_t
decode_block(scan *s, weft_armor_block *b, size_t blockno, weft_diag *diag)
{
	gpg_error_t err = WEFT_ERR(GPG_ERR_INTERNAL);
	enum bstate st = ST_FIRST;
	size_t labellen = strlen(b->label), hcap = 0, sum = 0, col = 0;
	const char *why = "";
	uint32_t crc = 0;
	scan probe;
	line l;
	b64 d;

	memset(&d, 0, sizeof d);

	/* Step 4: an upper bound of the decoded size. */
	probe = *s;
	while (next_line(&probe, &l) && !has_prefix(&l, "-----"))
		sum += l.n;
	d.cap = sum / 4 * 3 + 3;
	d.out = malloc(d.cap);
	if (!d.out) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_ENOMEM),
				    "armor block %zu: out of memory", blockno);
		goto leave;
	}

	while (next_line(s, &l)) {
		if (l.raw > WEFT_MAX_ARMOR_LINE) {
			err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
					    "armor block %zu: line %zu is "
					    "longer than %u octets", blockno,
					    l.no, WEFT_MAX_ARMOR_LINE);
			goto leave;
		}

		/* Step 7: the END line, or another armor line where it
		 * should have been. */
		if (has_prefix(&l, "-----")) {
			if (l.n != END_LEN + labellen + DASHES_LEN ||
			    memcmp(l.p, "-----END ", END_LEN) ||
			    memcmp(l.p + END_LEN, b->label, labellen) ||
			    memcmp(l.p + END_LEN + labellen, "-----",
				   DASHES_LEN)) {
				if (has_prefix(&l, "-----END "))
					err = weft_diag_set(
						diag, WEFT_ERR(GPG_ERR_BAD_DATA),
						"armor block %zu: the END line "
						"(line %zu) does not match "
						"\"BEGIN %.*s%s\"", blockno, l.no,
						WEFT_ARMOR_LABEL_ARGS(b->label,
								      labellen));
				else
					err = weft_diag_set(
						diag, WEFT_ERR(GPG_ERR_BAD_DATA),
						"armor block %zu (line %zu): "
						"missing END line before "
						"line %zu", blockno, b->line,
						l.no);
				goto leave;
			}
			if (st != ST_AFTER_CRC) {
				err = b64_finish(&d, blockno, &l, diag);
				if (err)
					goto leave;
			}
			if (b->had_crc && crc != weft_crc24(d.out, d.o)) {
				err = weft_diag_set(
					diag, WEFT_ERR(GPG_ERR_CHECKSUM),
					"armor block %zu (from line %zu): the CRC24 "
					"checksum does not match the data", blockno,
					b->line);
				goto leave;
			}
			b->data = d.out;
			b->len = d.o;
			d.out = NULL;
			err = 0;
			goto leave;
		}

		/* Step 5: armor headers. */
		if (st == ST_FIRST || st == ST_HEADERS) {
			if (!l.n) {
				st = ST_DATA;
				continue;
			}
			if (memchr(l.p, ':', l.n)) {
				err = add_header(b, &hcap, &l, blockno, diag);
				if (err)
					goto leave;
				st = ST_HEADERS;
				continue;
			}
			if (st == ST_HEADERS) {
				err = weft_diag_set(
					diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					"armor block %zu: line %zu is neither "
					"an armor header nor the blank line "
					"that ends them", blockno, l.no);
				goto leave;
			}
			st = ST_DATA; /* no headers, no blank line */
		}

		/* Step 6: data, the CRC24, and nothing after it. */
		if (!l.n)
			continue;
		if (st == ST_AFTER_CRC) {
			err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					    "armor block %zu: unexpected line "
					    "%zu after the CRC24 line",
					    blockno, l.no);
			goto leave;
		}
		if (crc_line(&l, &crc)) {
			err = b64_finish(&d, blockno, &l, diag);
			if (err)
				goto leave;
			b->had_crc = true;
			st = ST_AFTER_CRC;
			continue;
		}
		err = b64_line(&d, l.p, l.n, &col, &why);
		if (gpg_err_code(err) == GPG_ERR_BAD_DATA) {
			err = weft_diag_set(diag, err,
					    "armor block %zu: %s (0x%02x) at "
					    "line %zu, column %zu", blockno,
					    why, l.p[col], l.no, col + 1);
			goto leave;
		}
		if (err)
			goto leave;
	}
	err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
			    "armor block %zu (line %zu): missing END line",
			    blockno, b->line);

leave:
	free(d.out);
	return err;
}

/* L is a line starting with "-----BEGIN PGP ".  Check it, skip a cleartext
 * signed message, and decode the block into B. */
static gpg_error_t
begin_block(scan *s, const line *begin, size_t blockno,
	    weft_armor_block *b, weft_diag *diag)
{
	const uint8_t *label;
	size_t labellen;
	line l = *begin;

	if (l.raw > WEFT_MAX_ARMOR_LINE)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "armor block %zu: line %zu is longer "
				     "than %u octets", blockno, l.no,
				     WEFT_MAX_ARMOR_LINE);
	if (l.n < BEGIN_LEN + DASHES_LEN ||
	    memcmp(l.p + l.n - DASHES_LEN, "-----", DASHES_LEN) ||
	    !label_ok(l.p + BEGIN_LEN, l.n - BEGIN_LEN - DASHES_LEN))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "armor block %zu: malformed BEGIN line "
				     "(line %zu)", blockno, l.no);
	label = l.p + BEGIN_LEN;
	labellen = l.n - BEGIN_LEN - DASHES_LEN;

	/* Step 3: the cleartext is text; only its signature is armor. */
	if (labellen == strlen(cleartext_label) &&
	    !memcmp(label, cleartext_label, labellen)) {
		do {
			if (!next_line(s, &l))
				return weft_diag_set(
					diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					"cleartext signed message at line %zu "
					"has no \"%s\" line", begin->no,
					cleartext_sig);
		} while (!is_line(&l, cleartext_sig));
		label = l.p + BEGIN_LEN;
		labellen = l.n - BEGIN_LEN - DASHES_LEN;
	}

	b->label = weft_memdupz(label, labellen);
	if (!b->label)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_ENOMEM),
				     "armor block %zu: out of memory", blockno);
	b->line = l.no;
	return decode_block(s, b, blockno, diag);
}

gpg_error_t
weft_armor_decode(const uint8_t *in, size_t len, weft_armor_list *out,
		  weft_diag *diag)
{
	gpg_error_t err = WEFT_ERR(GPG_ERR_INTERNAL);
	weft_armor_block blk;
	size_t cap = 0, blockno = 0, skip = 0;
	void *arr;
	scan s;
	line l;

	assert(out && (in || !len));
	memset(out, 0, sizeof *out);
	memset(&blk, 0, sizeof blk);

	if (!len) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_NO_DATA), "%s",
				    no_data_msg);
		goto leave;
	}
	if ((uint64_t)len > WEFT_MAX_INPUT) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				    "input of %zu octets is larger than the "
				    "limit of %llu", len,
				    (unsigned long long)WEFT_MAX_INPUT);
		goto leave;
	}

	/* Step 1: binary, or text (perhaps with a byte order mark). */
	if (len >= 3 && in[0] == 0xef && in[1] == 0xbb && in[2] == 0xbf) {
		skip = 3;
	} else if (weft_armor_is_binary(in, len)) {
		out->blocks = calloc(1, sizeof *out->blocks);
		if (out->blocks)
			out->blocks[0].data = malloc(len);
		if (!out->blocks || !out->blocks[0].data) {
			err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_ENOMEM),
					    "out of memory copying %zu octets",
					    len);
			if (out->blocks)
				out->n = 1; /* so that the free below works */
			goto leave;
		}
		memcpy(out->blocks[0].data, in, len);
		out->blocks[0].len = len;
		out->n = 1;
		err = 0;
		goto leave;
	}

	/* Steps 2 to 7, block by block. */
	memset(&s, 0, sizeof s);
	weft_reader_init(&s.r, in + skip, len - skip);
	while (next_line(&s, &l)) {
		if (!has_prefix(&l, begin_pgp))
			continue;
		blockno++;
		err = begin_block(&s, &l, blockno, &blk, diag);
		if (err)
			goto leave;
		arr = out->blocks;
		err = weft_grow(&arr, &cap, out->n + 1, sizeof *out->blocks);
		out->blocks = arr;
		if (err) {
			err = weft_diag_set(diag, err, "armor block %zu: %s",
					    blockno, gpg_strerror(err));
			goto leave;
		}
		out->blocks[out->n++] = blk;
		memset(&blk, 0, sizeof blk);
	}

	/* Step 8. */
	if (!out->n) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_NO_DATA), "%s",
				    no_data_msg);
		goto leave;
	}
	err = 0;

leave:
	block_free(&blk);
	if (err)
		weft_armor_list_free(out);
	return err;
}

/* Encode N <= 48 octets as base64 into DST (at most 64 characters);
 * returns the number of characters. */
static size_t
b64_encode(char *dst, const uint8_t *src, size_t n)
{
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 3 <= n; i += 3) {
		v = ((uint32_t)src[i] << 16) | ((uint32_t)src[i + 1] << 8) |
		    src[i + 2];
		dst[o++] = b64_enc[v >> 18];
		dst[o++] = b64_enc[(v >> 12) & 63];
		dst[o++] = b64_enc[(v >> 6) & 63];
		dst[o++] = b64_enc[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)src[i] << 16;
		dst[o++] = b64_enc[v >> 18];
		dst[o++] = b64_enc[(v >> 12) & 63];
		dst[o++] = '=';
		dst[o++] = '=';
	} else if (n - i == 2) {
		v = ((uint32_t)src[i] << 16) | ((uint32_t)src[i + 1] << 8);
		dst[o++] = b64_enc[v >> 18];
		dst[o++] = b64_enc[(v >> 12) & 63];
		dst[o++] = b64_enc[(v >> 6) & 63];
		dst[o++] = '=';
	}
	return o;
}

gpg_error_t
weft_armor_encode(weft_buf *out, const char *label,
		  const weft_armor_header *headers, size_t nheaders,
		  const uint8_t *data, size_t len)
{
	char text[64 + 1];
	uint8_t crcb[3];
	size_t i, k, c, quanta, chars, lines, need, labellen, extra;
	uint32_t crc;

	assert(out && label && (data || !len) && (headers || !nheaders));
	if (weft_buf_error(out))
		return weft_buf_error(out);

	/* Refuse what would not read back as the same block, or would let
	 * a caller's string inject armor lines: weft_armor_decode finds
	 * only "BEGIN PGP " labels, takes "PGP SIGNED MESSAGE" for
	 * cleartext, and holds lines and headers to util/limits.h. */
	labellen = strlen(label);
	if (!label_ok((const uint8_t *)label, labellen) ||
	    strncmp(label, "PGP ", 4) || !strcmp(label, cleartext_label) ||
	    labellen > WEFT_MAX_ARMOR_LINE - BEGIN_LEN - DASHES_LEN ||
	    nheaders > WEFT_MAX_ARMOR_HEADERS)
		return WEFT_ERR(GPG_ERR_INV_VALUE);
	extra = 2 * labellen + 64;
	for (i = 0; i < nheaders; i++) {
		assert(headers[i].name && headers[i].value);
		k = strlen(headers[i].value);
		c = strlen(headers[i].name);
		if (!header_name_ok((const uint8_t *)headers[i].name, c) ||
		    !header_value_ok((const uint8_t *)headers[i].value, k) ||
		    (k && is_ws((uint8_t)headers[i].value[k - 1])) ||
		    k > WEFT_MAX_ARMOR_LINE || c > WEFT_MAX_ARMOR_LINE - 2 - k)
			return WEFT_ERR(GPG_ERR_INV_VALUE);
		extra += c + k + 3; /* at most 64 * 64 KiB: no overflow */
	}

	/* Reserve the whole block at once: 4 characters per 3 octets, a LF
	 * per 64 characters, plus the armor lines. */
	quanta = len / 3 + (len % 3 != 0);
	if (!weft_size_mul(&chars, quanta, 4))
		return out->err = WEFT_ERR(GPG_ERR_TOO_LARGE);
	lines = chars / 64 + (chars % 64 != 0);
	if (!weft_size_add(&need, chars, lines) ||
	    !weft_size_add(&need, need, extra))
		return out->err = WEFT_ERR(GPG_ERR_TOO_LARGE);
	weft_buf_reserve(out, need);

	weft_buf_printf(out, "-----BEGIN %s-----\n", label);
	for (i = 0; i < nheaders; i++)
		weft_buf_printf(out, "%s: %s\n", headers[i].name,
				headers[i].value);
	weft_buf_put_u8(out, '\n');
	for (i = 0; i < len; i += k) {
		k = len - i < 48 ? len - i : 48;
		c = b64_encode(text, data + i, k);
		text[c] = '\n';
		weft_buf_put(out, text, c + 1);
	}
	crc = weft_crc24(data, len);
	crcb[0] = (uint8_t)(crc >> 16);
	crcb[1] = (uint8_t)(crc >> 8);
	crcb[2] = (uint8_t)crc;
	text[0] = '=';
	b64_encode(text + 1, crcb, 3);
	text[5] = '\n';
	weft_buf_put(out, text, 6);
	weft_buf_printf(out, "-----END %s-----\n", label);
	return weft_buf_error(out);
}
