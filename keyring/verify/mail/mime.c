/* mime.c - a bounded RFC 5322 / MIME parser over a message in memory
 * (see mail.h).
 *
 * Parsing an entity (the message, or one part of a multipart):
 *  1. The header section: lines up to the first empty one.  A line that
 *     starts with white space continues the field before it (folding);
 *     a line "name: value" starts a field; any other line ends the
 *     section without an empty line (the body starts there).  The
 *     message itself must start with a field (after an mbox "From "
 *     line), else it is not a mail.  Only Content-Type,
 *     Content-Transfer-Encoding and (in the message) From are kept,
 *     unfolded.
 *  2. Content-Type: type "/" subtype and its parameters (tokens or
 *     quoted strings, comments skipped); the default when absent or
 *     invalid is text/plain (message/rfc822 inside multipart/digest).
 *  3. A multipart's body is split at its boundary lines ("--" boundary,
 *     then only white space), RFC 2046 5.1.1: the line break before a
 *     boundary line belongs to it, so a part ends before it; the
 *     preamble and the epilogue are dropped; a closing line ("--"
 *     boundary "--") must come.  Each part is parsed as an entity one
 *     level deeper (at most WEFT_MIME_MAX_DEPTH).
 * Offsets into the message are kept, never pointers into a growing
 * array: parts are referred to by index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail.h"
#include "../../util/mem.h"

/* ---- lines ----------------------------------------------------------------- */

/* The line at POS (before END): its content ends at *LE (without CR LF),
 * the next line starts at *NEXT. */
static void
line_at(const uint8_t *msg, size_t pos, size_t end, size_t *le, size_t *next)
{
	const uint8_t *lf = memchr(msg + pos, '\n', end - pos);

	if (lf) {
		*next = (size_t)(lf - msg) + 1;
		*le = *next - 1;
	} else {
		*next = end;
		*le = end;
	}
	if (*le > pos && msg[*le - 1] == '\r')
		(*le)--;
}

static bool
is_wsp(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Does the line [POS, LE) start a header field ("name:", optionally
 * white space before the colon)? */
static bool
field_line(const uint8_t *msg, size_t pos, size_t le)
{
	size_t i = pos;

	while (i < le && msg[i] > 32 && msg[i] < 127 && msg[i] != ':')
		i++;
	if (i == pos)
		return false;
	while (i < le && is_wsp(msg[i]))
		i++;
	return i < le && msg[i] == ':';
}

/* ---- header field values ------------------------------------------------------ */

static bool
tspecial(unsigned char c)
{
	return strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static bool
token_char(unsigned char c)
{
	return c > 32 && c < 127 && !tspecial(c);
}

/* Skip white space and comments (nested at most WEFT_MIME_MAX_COMMENT;
 * an unclosed one runs to the end). */
static const char *
skip_cfws(const char *s)
{
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (*s != '(')
			return s;
		{
			unsigned depth = 0;

			do {
				if (*s == '\\' && s[1])
					s++;
				else if (*s == '(')
					depth++;
				else if (*s == ')')
					depth--;
				s++;
			} while (*s && depth && depth <= WEFT_MIME_MAX_COMMENT);
			if (depth > WEFT_MIME_MAX_COMMENT)
				return s + strlen(s);
		}
	}
}

static size_t
token_len(const char *s)
{
	size_t n = 0;

	while (token_char((unsigned char)s[n]))
		n++;
	return n;
}

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

/* A parameter value: a quoted string (escapes undone; an unclosed one
 * runs to the end) or a run of octets up to ';' or white space (more
 * liberal than a token: unquoted boundaries with '=' are common).  The
 * copy goes to *OUT; returns the position after it. */
static const char *
param_value(const char *s, char **out)
{
	weft_buf b;

	weft_buf_init(&b);
	if (*s == '"') {
		for (s++; *s && *s != '"'; s++) {
			if (*s == '\\' && s[1])
				s++;
			weft_buf_put_u8(&b, (uint8_t)*s);
		}
		if (*s == '"')
			s++;
	} else {
		while (*s && *s != ';' && *s != ' ' && *s != '\t' &&
		       *s != '(' && *s != '"')
			weft_buf_put_u8(&b, (uint8_t)*s++);
	}
	weft_buf_put_u8(&b, 0);
	*out = (char *)weft_buf_steal(&b, NULL);
	return s;
}

static void
params_free(weft_mime_part *p)
{
	size_t i;

	for (i = 0; i < p->nparams; i++) {
		free(p->params[i].name);
		free(p->params[i].value);
	}
	free(p->params);
	p->params = NULL;
	p->nparams = 0;
}

/* Content-Type (RFC 2045 5.1) into P; false when it is invalid (P keeps
 * no parameters then). */
static gpg_error_t
parse_ctype(weft_mime_part *p, const char *v, bool *valid)
{
	const char *s = skip_cfws(v);
	size_t tl, sl, cap = 0;
	const char *t, *st;

	*valid = false;
	t = s;
	if (!(tl = token_len(s)))
		return 0;
	s = skip_cfws(s + tl);
	if (*s != '/')
		return 0;
	s = skip_cfws(s + 1);
	st = s;
	if (!(sl = token_len(s)) || tl + 1 + sl >= sizeof p->type)
		return 0;
	memcpy(p->type, t, tl);
	p->type[tl] = '/';
	memcpy(p->type + tl + 1, st, sl);
	p->type[tl + 1 + sl] = 0;
	lower(p->type);
	*valid = true;
	s += sl;
	for (;;) {
		char *name = NULL, *value = NULL;
		size_t nl;
		gpg_error_t err;

		s = skip_cfws(s);
		if (*s != ';')
			break;
		s = skip_cfws(s + 1);
		if (!(nl = token_len(s))) {
			/* no name: skip to the next ';' */
			while (*s && *s != ';')
				s++;
			continue;
		}
		if (!(name = strndup(s, nl)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		lower(name);
		s = skip_cfws(s + nl);
		if (*s != '=') {
			free(name);
			continue;
		}
		s = param_value(skip_cfws(s + 1), &value);
		if (!value) {
			free(name);
			return WEFT_ERR(GPG_ERR_ENOMEM);
		}
		if (p->nparams >= WEFT_MIME_MAX_PARAMS) {
			free(name);
			free(value);
			continue;
		}
		if ((err = weft_grow((void **)&p->params, &cap, p->nparams + 1,
				     sizeof *p->params))) {
			free(name);
			free(value);
			return err;
		}
		p->params[p->nparams].name = name;
		p->params[p->nparams].value = value;
		p->nparams++;
	}
	return 0;
}

static int
parse_cte(const char *v)
{
	static const struct { const char *name; int cte; } names[] = {
		{ "7bit", WEFT_CTE_7BIT },
		{ "8bit", WEFT_CTE_8BIT },
		{ "binary", WEFT_CTE_BINARY },
		{ "quoted-printable", WEFT_CTE_QP },
		{ "base64", WEFT_CTE_BASE64 },
	};
	const char *s = skip_cfws(v);
	size_t n = token_len(s), i;

	if (!n)
		return WEFT_CTE_7BIT;
	for (i = 0; i < WEFT_ARRAY_SIZE(names); i++)
		if (strlen(names[i].name) == n && !strncasecmp(s, names[i].name, n))
			return names[i].cte;
	return WEFT_CTE_UNKNOWN;
}

/* ---- the header section ------------------------------------------------------- */

/* The field [START, END) (folded lines included): its name (before the
 * colon, without trailing white space) and its value unfolded (line
 * breaks dropped) in a new string. */
static gpg_error_t
field_value(const uint8_t *msg, size_t start, size_t end, char **value)
{
	const uint8_t *colon = memchr(msg + start, ':', end - start);
	size_t i, k = 0;
	char *v;

	*value = NULL;
	if (!colon)
		return 0;
	i = (size_t)(colon - msg) + 1;
	if (!(v = malloc(end - i + 1)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (; i < end; i++)
		if (msg[i] != '\r' && msg[i] != '\n')
			v[k++] = msg[i] ? (char)msg[i] : ' ';
	v[k] = 0;
	*value = v;
	return 0;
}

static bool
field_is(const uint8_t *msg, size_t start, size_t end, const char *name)
{
	size_t n = strlen(name), i;

	if (end - start < n + 1 || strncasecmp((const char *)msg + start, name, n))
		return false;
	for (i = start + n; i < end && is_wsp(msg[i]); i++)
		;
	return i < end && msg[i] == ':';
}

typedef struct hdr_state {
	char *ctype;
	char *cte;
	bool root;
} hdr_state;

static gpg_error_t
take_field(weft_mime *m, hdr_state *h, size_t start, size_t end)
{
	char **slot = NULL;

	if (field_is(m->msg, start, end, "content-type"))
		slot = &h->ctype;
	else if (field_is(m->msg, start, end, "content-transfer-encoding"))
		slot = &h->cte;
	else if (h->root && field_is(m->msg, start, end, "from")) {
		m->nfrom++;
		slot = &m->from;
	}
	if (!slot || *slot)
		return 0;       /* not wanted, or not the first */
	return field_value(m->msg, start, end, slot);
}

/* Step 1: the header section of the entity at [OFF, END) into part
 * IDX; *BODY gets where its body starts. */
static gpg_error_t
parse_header(weft_mime *m, size_t idx, size_t off, size_t end, bool root,
	     const char *default_type, size_t *body)
{
	hdr_state h = { NULL, NULL, root };
	size_t pos = off, le, next, fstart = WEFT_MIME_NONE, fend = 0;
	unsigned nfields = 0;
	bool valid = false;
	gpg_error_t err = 0;
	weft_mime_part *p;

	*body = end;
	while (pos < end) {
		line_at(m->msg, pos, end, &le, &next);
		if (le == pos) {                        /* the empty line */
			*body = next;
			break;
		}
		if (is_wsp(m->msg[pos]) && fstart != WEFT_MIME_NONE) {
			fend = le;                      /* folded */
		} else if (field_line(m->msg, pos, le)) {
			if (fstart != WEFT_MIME_NONE &&
			    (err = take_field(m, &h, fstart, fend)))
				goto leave;
			if (++nfields > WEFT_MIME_MAX_FIELDS) {
				err = weft_diag_set(&m->diag,
					WEFT_ERR(GPG_ERR_TOO_LARGE),
					"part %s has more than %u header fields",
					m->parts[idx].id, WEFT_MIME_MAX_FIELDS);
				goto leave;
			}
			fstart = pos;
			fend = le;
		} else {
			if (root && pos == off) {
				err = weft_diag_set(&m->diag,
					WEFT_ERR(GPG_ERR_BAD_DATA),
					"not a mail message (it does not start "
					"with a header field such as \"From:\")");
				goto leave;
			}
			*body = pos;                    /* no empty line */
			break;
		}
		if (next - off > WEFT_MIME_MAX_HEADER) {
			err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				"the header of part %s is longer than %u octets",
				m->parts[idx].id, WEFT_MIME_MAX_HEADER);
			goto leave;
		}
		pos = next;
	}
	if (fstart != WEFT_MIME_NONE && (err = take_field(m, &h, fstart, fend)))
		goto leave;
	p = &m->parts[idx];
	if (h.ctype && (err = parse_ctype(p, h.ctype, &valid)))
		goto leave;
	if (!valid) {
		params_free(p);
		snprintf(p->type, sizeof p->type, "%s", default_type);
	}
	p->type_given = valid;
	p->cte = h.cte ? parse_cte(h.cte) : WEFT_CTE_7BIT;
leave:
	free(h.ctype);
	free(h.cte);
	return err;
}

/* ---- entities and multiparts ------------------------------------------------- */

static gpg_error_t parse_entity(weft_mime *m, size_t parent, size_t off,
				size_t end, unsigned depth, unsigned number,
				const char *default_type, size_t *out);

/* Is the line at POS (content to LE) a boundary line of B (BLEN
 * octets)?  *CLOSE when it is the closing one. */
static bool
boundary_line(const uint8_t *msg, size_t pos, size_t le, const char *b,
	      size_t blen, bool *close)
{
	size_t i;

	*close = false;
	if (le - pos < 2 + blen || msg[pos] != '-' || msg[pos + 1] != '-' ||
	    memcmp(msg + pos + 2, b, blen))
		return false;
	i = pos + 2 + blen;
	if (le - i >= 2 && msg[i] == '-' && msg[i + 1] == '-') {
		*close = true;  /* whatever follows on the line */
		return true;
	}
	for (; i < le; i++)
		if (!is_wsp(msg[i]))
			return false;
	return true;
}

/* Step 3: the parts of multipart IDX. */
static gpg_error_t
split_multipart(weft_mime *m, size_t idx)
{
	const char *b = weft_mime_param(&m->parts[idx], "boundary");
	const char *child_type = weft_mime_is(&m->parts[idx], "multipart/digest")
				 ? "message/rfc822" : "text/plain";
	size_t blen, pos, end, le, next, start = WEFT_MIME_NONE, last = WEFT_MIME_NONE;
	size_t child;
	unsigned number = 0, depth = m->parts[idx].depth;
	bool close = false;
	gpg_error_t err;

	if (!b || !(blen = strlen(b)))
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
			"part %s is %s without a boundary parameter",
			m->parts[idx].id, m->parts[idx].type);
	if (blen > WEFT_MIME_MAX_BOUNDARY)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
			"part %s has a boundary longer than %u octets",
			m->parts[idx].id, WEFT_MIME_MAX_BOUNDARY);
	pos = m->parts[idx].body_off;
	end = pos + m->parts[idx].body_len;
	while (pos < end) {
		line_at(m->msg, pos, end, &le, &next);
		if (boundary_line(m->msg, pos, le, b, blen, &close)) {
			if (start != WEFT_MIME_NONE) {
				/* the part ends before the line break that
				 * precedes this line */
				size_t e = pos;

				if (e > start && m->msg[e - 1] == '\n')
					e--;
				if (e > start && m->msg[e - 1] == '\r')
					e--;
				if (depth + 1 > WEFT_MIME_MAX_DEPTH)
					return weft_diag_set(&m->diag,
						WEFT_ERR(GPG_ERR_TOO_LARGE),
						"MIME parts are nested more than "
						"%u deep (in part %s)",
						WEFT_MIME_MAX_DEPTH,
						m->parts[idx].id);
				if ((err = parse_entity(m, idx, start, e,
							depth + 1, ++number,
							child_type, &child)))
					return err;
				if (last == WEFT_MIME_NONE)
					m->parts[idx].first_child = child;
				else
					m->parts[last].next_sibling = child;
				last = child;
				m->parts[idx].nchildren++;
			}
			if (close)
				return 0;
			start = next;
		}
		pos = next;
	}
	if (start == WEFT_MIME_NONE)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
			"part %s (%s) has no boundary line \"--%.40s\"",
			m->parts[idx].id, m->parts[idx].type, b);
	return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
		"part %s (%s) has no closing boundary \"--%.40s--\": "
		"the message is cut short", m->parts[idx].id,
		m->parts[idx].type, b);
}

static gpg_error_t
parse_entity(weft_mime *m, size_t parent, size_t off, size_t end,
	     unsigned depth, unsigned number, const char *default_type,
	     size_t *out)
{
	weft_mime_part *p;
	size_t idx, body;
	gpg_error_t err;
	int w;

	if (m->n >= WEFT_MIME_MAX_PARTS)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "the message has more than %u MIME parts",
				     WEFT_MIME_MAX_PARTS);
	if ((err = weft_grow((void **)&m->parts, &m->cap, m->n + 1,
			     sizeof *m->parts)))
		return err;
	idx = m->n++;
	p = &m->parts[idx];
	memset(p, 0, sizeof *p);
	p->parent = parent;
	p->first_child = p->next_sibling = WEFT_MIME_NONE;
	p->depth = depth;
	p->raw_off = off;
	p->raw_len = end - off;
	if (parent == WEFT_MIME_NONE)
		w = snprintf(p->id, sizeof p->id, "1");
	else
		w = snprintf(p->id, sizeof p->id, "%s.%u", m->parts[parent].id,
			     number);
	if (w < 0 || (size_t)w >= sizeof p->id)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "MIME parts are nested too deep");
	*out = idx;
	if ((err = parse_header(m, idx, off, end, parent == WEFT_MIME_NONE,
				default_type, &body)))
		return err;
	p = &m->parts[idx];
	p->body_off = body;
	p->body_len = end - body;
	if (weft_mime_is(p, "multipart/"))
		return split_multipart(m, idx);
	return 0;
}

gpg_error_t
weft_mime_parse(weft_mime *m, const uint8_t *msg, size_t len)
{
	size_t off = 0, le, next, root;

	memset(m, 0, sizeof *m);
	m->msg = msg;
	m->len = len;
	if (len > WEFT_MAIL_MAX_SIZE)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "the message is larger than %u MiB",
				     WEFT_MAIL_MAX_SIZE >> 20);
	if (!len)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "not a mail message (it is empty)");
	/* an mbox envelope line */
	if (len >= 5 && !memcmp(msg, "From ", 5)) {
		line_at(msg, 0, len, &le, &next);
		off = next;
	}
	if (off == len)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "not a mail message (no header)");
	return parse_entity(m, WEFT_MIME_NONE, off, len, 0, 1, "text/plain",
			    &root);
}

void
weft_mime_free(weft_mime *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		params_free(&m->parts[i]);
	free(m->parts);
	free(m->from);
	m->parts = NULL;
	m->from = NULL;
	m->n = m->cap = 0;
}

const char *
weft_mime_param(const weft_mime_part *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nparams; i++)
		if (!strcmp(p->params[i].name, name))
			return p->params[i].value;
	return NULL;
}

bool
weft_mime_is(const weft_mime_part *p, const char *type)
{
	size_t n = strlen(type);

	if (n && type[n - 1] == '/')
		return !strncmp(p->type, type, n);
	return !strcmp(p->type, type);
}

/* ---- transfer decoding --------------------------------------------------------- */

static int
b64_value(uint8_t c)
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

static gpg_error_t
decode_base64(const uint8_t *in, size_t n, weft_buf *out)
{
	uint32_t acc = 0;
	unsigned k = 0;
	size_t i;
	int v;

	if (weft_buf_reserve(out, n / 4 * 3 + 3))
		return weft_buf_error(out);
	for (i = 0; i < n; i++) {
		if (in[i] == '=')
			break;          /* padding: the end */
		if ((v = b64_value(in[i])) < 0)
			continue;       /* RFC 2045 6.8: ignored */
		acc = acc << 6 | (uint32_t)v;
		if (++k == 4) {
			uint8_t b[3] = { (uint8_t)(acc >> 16),
					 (uint8_t)(acc >> 8), (uint8_t)acc };

			weft_buf_put(out, b, 3);
			acc = 0;
			k = 0;
		}
	}
	if (k == 2) {
		weft_buf_put_u8(out, (uint8_t)(acc >> 4));
	} else if (k == 3) {
		uint8_t b[2] = { (uint8_t)(acc >> 10), (uint8_t)(acc >> 2) };

		weft_buf_put(out, b, 2);
	}
	return weft_buf_error(out);
}

static int
hex_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Quoted-printable (RFC 2045 6.7), line by line: trailing white space
 * dropped (rule 3), "=" at the end of a line joins it to the next (rule
 * 5), "=XX" is an octet; anything else is kept as it is. */
static gpg_error_t
decode_qp(const uint8_t *in, size_t n, weft_buf *out)
{
	size_t pos = 0, le, next, e, i;
	bool soft;

	if (weft_buf_reserve(out, n))
		return weft_buf_error(out);
	while (pos < n) {
		line_at(in, pos, n, &le, &next);
		e = le;
		while (e > pos && is_wsp(in[e - 1]))
			e--;
		soft = false;
		for (i = pos; i < e; i++) {
			int hi, lo;

			if (in[i] != '=') {
				weft_buf_put_u8(out, in[i]);
			} else if (i + 1 == e) {
				soft = true;    /* a soft line break */
			} else if (i + 2 < e && (hi = hex_value(in[i + 1])) >= 0 &&
				   (lo = hex_value(in[i + 2])) >= 0) {
				weft_buf_put_u8(out, (uint8_t)(hi << 4 | lo));
				i += 2;
			} else {
				weft_buf_put_u8(out, '=');  /* as it is */
			}
		}
		if (!soft)              /* the line's own break, as it was */
			weft_buf_put(out, in + le, next - le);
		pos = next;
	}
	return weft_buf_error(out);
}

gpg_error_t
weft_mime_decode_mem(const uint8_t *in, size_t n, int cte, weft_buf *out)
{
	switch (cte) {
	case WEFT_CTE_BASE64:
		return decode_base64(in, n, out);
	case WEFT_CTE_QP:
		return decode_qp(in, n, out);
	default:
		weft_buf_put(out, in, n);
		return weft_buf_error(out);
	}
}

gpg_error_t
weft_mime_decode(const weft_mime *m, const weft_mime_part *p, weft_buf *out)
{
	return weft_mime_decode_mem(m->msg + p->body_off, p->body_len, p->cte,
				    out);
}

/* ---- canonical line ends --------------------------------------------------------- */

void
weft_mime_canon_init(weft_mime_canon *c, const weft_mime *m,
		     const weft_mime_part *p)
{
	memset(c, 0, sizeof *c);
	c->p = m->msg + p->raw_off;
	c->n = p->raw_len;
}

gpg_error_t
weft_mime_canon_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	weft_mime_canon *c = opaque;
	size_t k = 0;

	while (k < n && c->off < c->n) {
		uint8_t ch = c->p[c->off];

		if (c->cr_due) {
			buf[k++] = '\n';
			c->cr_due = false;
			c->off++;
		} else if (ch == '\n' && (c->off == 0 || c->p[c->off - 1] != '\r')) {
			buf[k++] = '\r';
			c->cr_due = true;
		} else {
			buf[k++] = ch;
			c->off++;
		}
	}
	*got = k;
	return 0;
}
