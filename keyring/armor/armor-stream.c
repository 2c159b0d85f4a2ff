/* armor-stream.c - one armor block decoded as a stream (armor.h), for
 * inputs too large to hold: a 10 GB signed file passes line by line.
 *
 * The rules are those of weft_armor_decode (armor.c, whose steps are
 * numbered the same way below), so that the two agree on every text
 * input; tests/unit/armor/stream.c checks that they do, octets, error
 * codes and diagnostics.  The differences are only those of streaming:
 *
 *  - binary input is not copied: it is GPG_ERR_NO_DATA and left unread;
 *  - a cleartext signed message is not skipped: its BEGIN line and
 *    headers are read and returned, and the caller reads the text;
 *  - decoded octets are handed out before the END line is seen, so a
 *    CRC24 mismatch or a missing END line come as an error after them;
 *  - one block per call, and no WEFT_MAX_INPUT cap on the whole input.
 *
 * Memory: one line buffer (WEFT_MAX_ARMOR_LINE + 1 octets), the octets
 * decoded from one line, two small tables; all allocated at open.
 *
 * The CRC24 runs over the octets as they are decoded
 * (weft_crc24_update).
 *
 * The small helpers (label, header name and value checks, the base64
 * state machine) follow armor.c line for line; armor.c keeps its own
 * static copies, so a change to the rules must be made in both (the
 * differential test fails until it is).
 */
#include "../internal.h"

#include <assert.h>
#include <stdlib.h>

#include "armor.h"
#include "../util/mem.h"

#define B64_PAD 0x40  /* '=' */
#define B64_BAD 0xff  /* not in the alphabet */

#define BEGIN_LEN 11  /* "-----BEGIN " */
#define END_LEN 9     /* "-----END " */
#define DASHES_LEN 5  /* "-----" */

/* Room for the longest line armor.c accepts (WEFT_MAX_ARMOR_LINE octets
 * before the LF, CR included) and its LF. */
#define LINE_CAP ((size_t)WEFT_MAX_ARMOR_LINE + 1)
/* Decoded octets of one line: 3 per 4 characters, plus a tail flushed at
 * the END or CRC24 line (at most 2). */
#define OBUF_CAP (LINE_CAP / 4 * 3 + 8)

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char begin_pgp[] = "-----BEGIN PGP ";
static const char cleartext_label[] = "PGP SIGNED MESSAGE";
static const char no_data_msg[] =
	"no OpenPGP data found (neither binary packets nor an armor block)";

enum bstate { ST_FIRST, ST_HEADERS, ST_DATA, ST_AFTER_CRC, ST_DONE };

/* One line: its first octets in the state's line buffer. */
typedef struct line {
	const uint8_t *p;
	size_t raw;       /* length without the LF (capped, see toolong) */
	size_t n;         /* without trailing white space */
	size_t no;        /* 1-based, from where SRC stood at open */
	bool toolong;     /* over WEFT_MAX_ARMOR_LINE; only LINE_CAP octets
			     read, the rest is still in SRC */
} line;

typedef struct astate {
	weft_stream *src;        /* borrowed */
	weft_diag *diag;         /* borrowed */
	char *label;             /* our copy, for the END line */
	size_t labellen;
	size_t begin_no;         /* line of the BEGIN line */
	size_t lineno;
	enum bstate st;
	/* base64 across lines (armor.c's struct b64) */
	uint32_t acc;
	unsigned q, pad;
	bool done;
	/* CRC24 */
	uint32_t crc, crc_want;
	bool had_crc;
	/* decoded octets of the last line, not yet handed out */
	uint8_t *obuf;
	size_t opos, olen, ohw;  /* OHW: most octets OBUF ever held */
	uint8_t *lbuf;           /* LINE_CAP octets */
	size_t lhw;              /* most octets LBUF ever held */
	gpg_error_t err;         /* kept until the octets before it are read */
	uint8_t dec[256];
} astate;

/* ---- armor.c's helpers ------------------------------------------------- */

static bool
is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool
has_prefix(const line *l, const char *s)
{
	size_t k = strlen(s);

	return l->n >= k && !memcmp(l->p, s, k);
}

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

static bool
header_value_ok(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return false;
	return true;
}

void
weft_armor_headers_free(weft_armor_header *h, size_t n)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

/* ---- state ------------------------------------------------------------- */

static void
astate_free(void *opaque)
{
	astate *st = opaque;

	if (!st)
		return;
	free(st->label);
	/* The octets may be a private key block's. */
	if (st->obuf) {
		weft_wipe(st->obuf, st->ohw);
		free(st->obuf);
	}
	if (st->lbuf) {
		weft_wipe(st->lbuf, st->lhw);
		free(st->lbuf);
	}
	free(st);
}

static gpg_error_t
astate_new(astate **out, weft_stream *src, weft_diag *diag)
{
	astate *st;
	unsigned i;

	*out = NULL;
	if (!(st = calloc(1, sizeof *st)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	st->obuf = malloc(OBUF_CAP);
	st->lbuf = malloc(LINE_CAP);
	if (!st->obuf || !st->lbuf) {
		astate_free(st);
		return WEFT_ERR(GPG_ERR_ENOMEM);
	}
	st->src = src;
	st->diag = diag;

	st->crc = WEFT_CRC24_INIT;

	memset(st->dec, B64_BAD, sizeof st->dec);
	for (i = 0; i < 64; i++)
		st->dec[(uint8_t)b64_alphabet[i]] = (uint8_t)i;
	st->dec['='] = B64_PAD;
	*out = st;
	return 0;
}

static void
crc_update(astate *st, const uint8_t *p, size_t n)
{
	st->crc = weft_crc24_update(st->crc, p, n);
}

/* ---- lines ------------------------------------------------------------- */

/* Read the next line of SRC into L (the LF dropped).  *EOF when SRC has
 * no line left.  A line over WEFT_MAX_ARMOR_LINE octets has its first
 * LINE_CAP octets read and TOOLONG set; its rest stays in SRC (see
 * skip_rest).  weft_stream_line sees at most WEFT_STREAM_BUF octets at
 * once, so a longer line is taken in pieces. */
static gpg_error_t
next_line(astate *st, line *l, bool *eof)
{
	size_t stored = 0, k, max;
	bool lf = false;
	gpg_error_t err;

	*eof = false;
	memset(l, 0, sizeof *l);
	l->p = st->lbuf;
	for (;;) {
		if (stored == LINE_CAP) {
			l->toolong = true;
			break;
		}
		max = LINE_CAP - stored;
		if (max > WEFT_STREAM_BUF)
			max = WEFT_STREAM_BUF;
		err = weft_stream_line(st->src, st->lbuf + stored, max, &k);
		if (gpg_err_code(err) == GPG_ERR_TOO_LARGE) {
			/* No LF in the next MAX octets: take them. */
			if ((err = weft_stream_read(st->src, st->lbuf + stored,
						    max, &k)))
				return err;
			assert(k == max);
			stored += k;
			continue;
		}
		if (err)
			return err;
		stored += k;
		if (k && st->lbuf[stored - 1] == '\n') {
			stored--;
			lf = true;
		}
		break; /* a LF, or the end of SRC */
	}
	if (stored + lf > st->lhw)
		st->lhw = stored + lf;
	if (!stored && !lf && !l->toolong) {
		*eof = true;
		return 0;
	}
	if (stored > WEFT_MAX_ARMOR_LINE)
		l->toolong = true; /* LINE_CAP octets, the last without LF */
	l->raw = stored;
	l->n = stored;
	if (!l->toolong)
		while (l->n && is_ws(l->p[l->n - 1]))
			l->n--;
	l->no = ++st->lineno;
	return 0;
}

/* Consume the rest of a TOOLONG line.  *NONWS is set when it holds
 * anything but white space. */
static gpg_error_t
skip_rest(astate *st, bool *nonws)
{
	size_t k, i;
	bool lf = false;
	gpg_error_t err;

	do {
		err = weft_stream_line(st->src, st->lbuf, WEFT_STREAM_BUF, &k);
		if (gpg_err_code(err) == GPG_ERR_TOO_LARGE)
			err = weft_stream_read(st->src, st->lbuf,
					       WEFT_STREAM_BUF, &k);
		else if (!err && k && st->lbuf[k - 1] == '\n')
			lf = true;
		if (err)
			return err;
		if (k > st->lhw)
			st->lhw = k;
		for (i = 0; i < k - lf; i++)
			if (!is_ws(st->lbuf[i]))
				*nonws = true;
	} while (k && !lf);
	return 0;
}

/* ---- base64 (armor.c's b64_tail, b64_line, b64_finish) ----------------- */

static void
b64_tail(astate *st)
{
	if (st->q == 2) {
		st->obuf[st->olen++] = (uint8_t)(st->acc >> 4);
	} else if (st->q == 3) {
		st->obuf[st->olen++] = (uint8_t)(st->acc >> 10);
		st->obuf[st->olen++] = (uint8_t)(st->acc >> 2);
	}
	st->q = 0;
	st->pad = 0;
	st->acc = 0;
	st->done = true;
}

/* Decode one data line into OBUF (empty on entry). */
static gpg_error_t
b64_line(astate *st, const uint8_t *p, size_t n, size_t *col,
	 const char **why)
{
	const uint8_t *dec = st->dec;
	uint8_t *o = st->obuf;
	size_t i = 0, k = st->olen;
	uint8_t v;

	*why = NULL;
	assert(n < LINE_CAP && k + (st->q + n) / 4 * 3 + 2 <= OBUF_CAP);
	if (!st->q && !st->pad && !st->done) {
		for (; i + 4 <= n; i += 4) {
			uint32_t a = dec[p[i]], b = dec[p[i + 1]],
				 c = dec[p[i + 2]], e = dec[p[i + 3]];

			if ((a | b | c | e) & 0xc0)
				break;
			a = (a << 18) | (b << 12) | (c << 6) | e;
			o[k++] = (uint8_t)(a >> 16);
			o[k++] = (uint8_t)(a >> 8);
			o[k++] = (uint8_t)a;
		}
	}
	st->olen = k;
	for (; i < n; i++) {
		v = dec[p[i]];
		if (v < 64) {
			if (st->pad || st->done) {
				*why = "base64 data after the padding";
				break;
			}
			st->acc = (st->acc << 6) | v;
			if (++st->q == 4) {
				o[st->olen++] = (uint8_t)(st->acc >> 16);
				o[st->olen++] = (uint8_t)(st->acc >> 8);
				o[st->olen++] = (uint8_t)st->acc;
				st->q = 0;
				st->acc = 0;
			}
		} else if (v == B64_PAD) {
			if (st->done || st->q < 2) {
				*why = "misplaced base64 padding '='";
				break;
			}
			if (st->q + ++st->pad == 4)
				b64_tail(st);
		} else {
			*why = "invalid base64 character";
			break;
		}
	}
	*col = i;
	return *why ? WEFT_ERR(GPG_ERR_BAD_DATA) : 0;
}

static gpg_error_t
b64_finish(astate *st, const line *l)
{
	if (st->done)
		return 0;
	if (st->pad)
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "armor block: incomplete base64 padding "
				     "before line %zu", l->no);
	if (st->q == 1)
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "armor block: truncated base64 (one "
				     "character left over) before line %zu",
				     l->no);
	b64_tail(st);
	return 0;
}

static bool
crc_line(const astate *st, const line *l, uint32_t *crc)
{
	size_t i;
	uint32_t v = 0;

	if (l->n != 5 || l->p[0] != '=')
		return false;
	for (i = 1; i < 5; i++) {
		if (st->dec[l->p[i]] >= 64)
			return false;
		v = (v << 6) | st->dec[l->p[i]];
	}
	*crc = v;
	return true;
}

/* ---- headers ----------------------------------------------------------- */

typedef struct hdrs {
	weft_armor_header *h;
	size_t n, cap;
} hdrs;

/* armor.c's add_header; WHAT starts the diagnostics. */
static gpg_error_t
add_header(hdrs *hs, const line *l, const char *what, weft_diag *diag)
{
	const uint8_t *colon = memchr(l->p, ':', l->n);
	size_t namelen = (size_t)(colon - l->p), vstart = namelen + 2;
	weft_armor_header *h;
	void *arr = hs->h;
	gpg_error_t err;

	if (!header_name_ok(l->p, namelen) ||
	    (namelen + 1 < l->n && l->p[namelen + 1] != ' '))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "%s: line %zu is not an armor header "
				     "(\"Name: value\")", what, l->no);
	if (vstart > l->n)
		vstart = l->n;
	if (!header_value_ok(l->p + vstart, l->n - vstart))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "%s: control character in the armor "
				     "header at line %zu", what, l->no);
	if (hs->n >= WEFT_MAX_ARMOR_HEADERS)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "%s: more than %u armor headers (line "
				     "%zu)", what, WEFT_MAX_ARMOR_HEADERS,
				     l->no);
	err = weft_grow(&arr, &hs->cap, hs->n + 1, sizeof *hs->h);
	hs->h = arr;
	if (err)
		return weft_diag_set(diag, err, "%s: %s", what,
				     gpg_strerror(err));
	h = &hs->h[hs->n];
	h->name = weft_memdupz(l->p, namelen);
	h->value = weft_memdupz(l->p + vstart, l->n - vstart);
	if (!h->name || !h->value) {
		free(h->name);
		free(h->value);
		h->name = h->value = NULL;
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_ENOMEM),
				     "%s: out of memory", what);
	}
	hs->n++;
	return 0;
}

/* ---- the block (armor.c's decode_block, one line at a time) ------------ */

/* Steps 5 to 7 for line L.  HS is where headers go (only while the state
 * is ST_FIRST or ST_HEADERS, which is only during open).  Decoded octets
 * are appended to OBUF. */
static gpg_error_t
block_line(astate *st, const line *l, hdrs *hs)
{
	weft_diag *diag = st->diag;
	const char *why = "";
	size_t col = 0;
	uint32_t crc = 0;
	gpg_error_t err;

	if (l->toolong)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "armor block: line %zu is longer than %u "
				     "octets", l->no, WEFT_MAX_ARMOR_LINE);

	/* Step 7: the END line, or another armor line in its place. */
	if (has_prefix(l, "-----")) {
		if (l->n != END_LEN + st->labellen + DASHES_LEN ||
		    memcmp(l->p, "-----END ", END_LEN) ||
		    memcmp(l->p + END_LEN, st->label, st->labellen) ||
		    memcmp(l->p + END_LEN + st->labellen, "-----",
			   DASHES_LEN)) {
			if (has_prefix(l, "-----END "))
				return weft_diag_set(
					diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					"armor block: the END line (line %zu) "
					"does not match \"BEGIN %.*s%s\"", l->no,
					WEFT_ARMOR_LABEL_ARGS(st->label,
							      st->labellen));
			return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					     "armor block (line %zu): missing "
					     "END line before line %zu",
					     st->begin_no, l->no);
		}
		/* With a CRC24 line the data ended there (and its tail was
		 * counted); without one there is nothing to check. */
		if (st->st != ST_AFTER_CRC && (err = b64_finish(st, l)))
			return err;
		if (st->had_crc && st->crc != st->crc_want)
			return weft_diag_set(diag, WEFT_ERR(GPG_ERR_CHECKSUM),
					     "armor block (from line %zu): the "
					     "CRC24 checksum does not match "
					     "the data", st->begin_no);
		st->st = ST_DONE;
		return 0;
	}

	/* Step 5: armor headers. */
	if (st->st == ST_FIRST || st->st == ST_HEADERS) {
		assert(hs);
		if (!l->n) {
			st->st = ST_DATA;
			return 0;
		}
		if (memchr(l->p, ':', l->n)) {
			if ((err = add_header(hs, l, "armor block", diag)))
				return err;
			st->st = ST_HEADERS;
			return 0;
		}
		if (st->st == ST_HEADERS)
			return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					     "armor block: line %zu is neither "
					     "an armor header nor the blank "
					     "line that ends them", l->no);
		st->st = ST_DATA; /* no headers, no blank line */
	}

	/* Step 6: data, the CRC24, and nothing after it. */
	if (!l->n)
		return 0;
	if (st->st == ST_AFTER_CRC)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "armor block: unexpected line %zu after "
				     "the CRC24 line", l->no);
	if (crc_line(st, l, &crc)) {
		if ((err = b64_finish(st, l)))
			return err;
		st->had_crc = true;
		st->crc_want = crc;
		st->st = ST_AFTER_CRC;
		crc_update(st, st->obuf, st->olen);
		return 0;
	}
	err = b64_line(st, l->p, l->n, &col, &why);
	if (err)
		return weft_diag_set(diag, err, "armor block: %s (0x%02x) at "
				     "line %zu, column %zu", why, l->p[col],
				     l->no, col + 1);
	crc_update(st, st->obuf, st->olen);
	return 0;
}

/* The next line of the block, through block_line. */
static gpg_error_t
block_next(astate *st, hdrs *hs)
{
	line l;
	bool eof;
	gpg_error_t err;

	if ((err = next_line(st, &l, &eof)))
		return err;
	if (eof)
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "armor block (line %zu): missing END line",
				     st->begin_no);
	err = block_line(st, &l, hs);
	if (st->olen > st->ohw)
		st->ohw = st->olen; /* errors too: octets before them */
	return err;
}

static gpg_error_t
armor_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	astate *st = opaque;
	size_t o = 0, k;

	*got = 0;
	while (o < n) {
		if (st->opos < st->olen) {
			k = st->olen - st->opos;
			if (k > n - o)
				k = n - o;
			memcpy(buf + o, st->obuf + st->opos, k);
			st->opos += k;
			o += k;
			continue;
		}
		if (st->err || st->st == ST_DONE)
			break;
		st->opos = st->olen = 0;
		st->err = block_next(st, NULL);
		if (st->err)
			st->opos = st->olen = 0; /* the line's octets too */
	}
	*got = o;
	return o ? 0 : st->err;
}

/* ---- open -------------------------------------------------------------- */

/* The cleartext's header lines up to the blank line (RFC 9580 7: Hash
 * headers, then an empty line).  Stricter than an armor block: the blank
 * line must be there. */
static gpg_error_t
cleartext_headers(astate *st, hdrs *hs)
{
	line l;
	bool eof;
	gpg_error_t err;

	for (;;) {
		if ((err = next_line(st, &l, &eof)))
			return err;
		if (eof)
			return weft_diag_set(st->diag,
					     WEFT_ERR(GPG_ERR_BAD_DATA),
					     "cleartext signed message (line "
					     "%zu): the input ends in its "
					     "headers", st->begin_no);
		if (l.toolong)
			return weft_diag_set(st->diag,
					     WEFT_ERR(GPG_ERR_TOO_LARGE),
					     "cleartext signed message: line "
					     "%zu is longer than %u octets",
					     l.no, WEFT_MAX_ARMOR_LINE);
		if (!l.n)
			return 0;
		if (!memchr(l.p, ':', l.n))
			return weft_diag_set(st->diag,
					     WEFT_ERR(GPG_ERR_BAD_DATA),
					     "cleartext signed message: line "
					     "%zu is neither an armor header "
					     "nor the blank line that ends "
					     "them", l.no);
		if ((err = add_header(hs, &l, "cleartext signed message",
				      st->diag)))
			return err;
	}
}

/* Steps 1 and 2: find the BEGIN line and check it (armor.c's
 * weft_armor_decode loop and begin_block).  The label goes to ST. */
static gpg_error_t
find_begin(astate *st)
{
	weft_stream *src = st->src;
	const uint8_t *p, *label;
	size_t avail, labellen, plen = strlen(begin_pgp), i;
	bool eof, nonws, begin;
	line l;
	gpg_error_t err;

	/* Step 1, at the start of the input only. */
	if (!src->consumed) {
		if ((err = weft_stream_peek(src, 3, &p, &avail)))
			return err;
		if (avail == 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
			weft_stream_skip(src, 3);
		else if (avail && (p[0] & 0x80))
			return weft_diag_set(st->diag,
					     WEFT_ERR(GPG_ERR_NO_DATA),
					     "binary OpenPGP data, not an "
					     "armor block");
	}

	/* Step 2: lines outside blocks are text, however long. */
	for (;;) {
		if ((err = next_line(st, &l, &eof)))
			return err;
		if (eof)
			return weft_diag_set(st->diag,
					     WEFT_ERR(GPG_ERR_NO_DATA), "%s",
					     no_data_msg);
		if (l.toolong) {
			/* armor.c trims the whole line and then looks for
			 * the prefix: so it is a BEGIN line (too long) only
			 * if something other than white space follows
			 * the prefix's last space. */
			begin = !memcmp(l.p, begin_pgp, plen);
			nonws = false;
			for (i = plen; begin && i < l.raw; i++)
				if (!is_ws(l.p[i]))
					nonws = true;
			/* (skip_rest reuses the line buffer) */
			if (!nonws && (err = skip_rest(st, &nonws)))
				return err;
			if (begin && nonws)
				return weft_diag_set(
					st->diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
					"armor block: line %zu is longer than "
					"%u octets", l.no, WEFT_MAX_ARMOR_LINE);
			continue;
		}
		if (has_prefix(&l, begin_pgp))
			break;
	}

	/* Step 3. */
	if (l.n < BEGIN_LEN + DASHES_LEN ||
	    memcmp(l.p + l.n - DASHES_LEN, "-----", DASHES_LEN) ||
	    !label_ok(l.p + BEGIN_LEN, l.n - BEGIN_LEN - DASHES_LEN))
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "armor block: malformed BEGIN line (line "
				     "%zu)", l.no);
	label = l.p + BEGIN_LEN;
	labellen = l.n - BEGIN_LEN - DASHES_LEN;
	if (!(st->label = weft_memdupz(label, labellen)))
		return weft_diag_set(st->diag, WEFT_ERR(GPG_ERR_ENOMEM),
				     "armor block: out of memory");
	st->labellen = labellen;
	st->begin_no = l.no;
	return 0;
}

gpg_error_t
weft_armor_stream_open(weft_stream *out, weft_stream *src, char **label,
		       weft_armor_header **headers, size_t *nheaders,
		       weft_diag *diag)
{
	gpg_error_t err;
	astate *st = NULL;
	hdrs hs = { NULL, 0, 0 };

	assert(out && src && label && headers && nheaders);
	memset(out, 0, sizeof *out);
	*label = NULL;
	*headers = NULL;
	*nheaders = 0;

	if ((err = astate_new(&st, src, diag))) {
		err = weft_diag_set(diag, err, "armor block: out of memory");
		goto leave;
	}
	if ((err = find_begin(st)))
		goto leave;

	if (!strcmp(st->label, cleartext_label)) {
		if ((err = cleartext_headers(st, &hs)))
			goto leave;
		*label = st->label;
		st->label = NULL;
		goto leave; /* OUT stays unset */
	}

	/* Step 5: the headers, up to the line that ends them. */
	st->st = ST_FIRST;
	while (st->st == ST_FIRST || st->st == ST_HEADERS)
		if ((err = block_next(st, &hs)))
			goto leave;

	if (!(*label = strdup(st->label))) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_ENOMEM),
				    "armor block: out of memory");
		goto leave;
	}
	if ((err = weft_stream_init(out, armor_read, astate_free, st))) {
		free(*label);
		*label = NULL;
		err = weft_diag_set(diag, err, "armor block: out of memory");
		goto leave;
	}
	st = NULL; /* OUT owns it */

leave:
	astate_free(st);
	if (err) {
		weft_armor_headers_free(hs.h, hs.n);
	} else {
		*headers = hs.h;
		*nheaders = hs.n;
	}
	return err;
}
