/* message.c - reading signed messages for weft_verify (see verify.h).
 *
 * Inline messages are read packet by packet from a stream (RFC 9580
 * 10.3): one-pass signatures open a slot each, the literal data passes
 * through every slot's hash (and to the caller's sink), the signatures
 * after it close the slots in reverse order; signatures before the
 * literal data (the old way, without one-pass packets) open slots too.
 * Compressed packets are filters: their packets are read the same way,
 * bounded in depth.  Old-format packets of indeterminate length run to
 * the end of what encloses them (gpg writes its compressed packet so).
 *
 * Cleartext messages: the text is canonicalised (dash-escaping undone,
 * trailing white space dropped, CRLF between lines, none after the last)
 * into a spool file, because the hash of a v6 signature starts with a
 * salt that comes after the text; each signature then hashes the spool.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"
#include "inflate.h"
#include "../ctx.h"
#include "../armor/armor.h"
#include "../util/limits.h"
#include "../util/mem.h"
#include "../util/reader.h"
#include "../util/stream.h"

#define CHUNK (64u * 1024)

/* ---- slots and hashing --------------------------------------------------------------- */

static gpg_error_t
new_slot(weft_vmsg *m, weft_vslot **out)
{
	gpg_error_t err;

	if (m->n >= WEFT_MAX_MSG_SIGS)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "more than %u signatures in one message",
				     WEFT_MAX_MSG_SIGS);
	if ((err = weft_grow((void **)&m->slots, &m->cap, m->n + 1,
			     sizeof *m->slots)))
		return err;
	*out = &m->slots[m->n++];
	memset(*out, 0, sizeof **out);
	return 0;
}

/* Open S's hash as its signature (or one-pass header) says. */
static void
open_hash(weft_vslot *s, uint8_t version, uint8_t hash_algo,
	  const uint8_t *salt, size_t salt_len, uint8_t type)
{
	weft_pkt_sig fake;

	memset(&fake, 0, sizeof fake);
	fake.version = version;
	fake.hash_algo = hash_algo;
	fake.salt = salt;
	fake.salt_len = salt_len;
	s->text = type == WEFT_SIG_TEXT;
	s->hash_err = weft_sig_data_hash_new(&s->h, &fake);
}

/* Give N octets of signed data to every open hash: binary signatures get
 * them as they are, text signatures with every LF made CRLF. */
static gpg_error_t
feed(weft_vmsg *m, const uint8_t *p, size_t n)
{
	size_t i, k = 0, tlen = 0;
	bool text = false, prev = m->prev_cr;

	for (i = 0; i < m->n; i++) {
		if (!m->slots[i].h || m->slots[i].have_sig)
			continue;
		if (m->slots[i].text)
			text = true;
		else
			weft_hash_write(m->slots[i].h, p, n);
	}
	if (text) {
		if (!m->tbuf && !(m->tbuf = malloc(2 * CHUNK)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		while (k < n) {
			size_t part = n - k > CHUNK ? CHUNK : n - k;

			tlen = 0;
			for (i = 0; i < part; i++) {
				uint8_t ch = p[k + i];

				if (ch == '\n' && !prev)
					m->tbuf[tlen++] = '\r';
				m->tbuf[tlen++] = ch;
				prev = ch == '\r';
			}
			for (i = 0; i < m->n; i++)
				if (m->slots[i].h && !m->slots[i].have_sig &&
				    m->slots[i].text)
					weft_hash_write(m->slots[i].h, m->tbuf,
							tlen);
			k += part;
		}
	}
	if (n)
		m->prev_cr = p[n - 1] == '\r';
	m->res->data_len += n;
	return 0;
}

/* Take a signature packet BODY (copied).  After the literal data
 * (CLOSES) it completes the innermost one-pass slot still open; before
 * it, and in detached and cleartext signatures, it opens a slot of its
 * own whose hash the data is still to pass through. */
static gpg_error_t
take_signature(weft_vmsg *m, const uint8_t *body, size_t len, bool closes)
{
	weft_vslot *s = NULL;
	uint8_t *copy;
	size_t i;
	gpg_error_t err;

	if (closes)
		for (i = m->n; i-- > 0;)
			if (m->slots[i].from_ops && !m->slots[i].have_sig) {
				s = &m->slots[i];
				break;
			}
	if (!s && (err = new_slot(m, &s)))
		return err;
	s->seq = ++m->nsigs_seen;
	if (!(copy = malloc(len ? len : 1)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	memcpy(copy, body, len);
	s->body = copy;
	s->body_len = len;
	if ((err = weft_pkt_sig_parse(&s->sig, copy, len, NULL))) {
		/* an unknown version, or damage: the slot says so */
		s->hash_err = err;
		s->have_sig = true;
		return 0;
	}
	if (s->from_ops) {
		if (s->sig.hash_algo != s->ops_hash ||
		    s->sig.pk_algo != s->ops_pk || s->sig.type != s->ops_type)
			s->mismatch = "it does not match its one-pass signature "
				      "packet (hash, algorithm or class)";
		else if (s->sig.version == 6 &&
			 (s->sig.salt_len != s->ops_salt_len ||
			  memcmp(s->sig.salt, s->ops_salt, s->ops_salt_len)))
			s->mismatch = "its salt differs from its one-pass "
				      "signature packet's";
		s->have_sig = true;
	} else if (closes) {
		s->mismatch = "it follows the data without a one-pass "
			      "signature packet before it";
		s->have_sig = true;
	} else {
		open_hash(s, s->sig.version, s->sig.hash_algo, s->sig.salt,
			  s->sig.salt_len, s->sig.type);
	}
	return 0;
}

/* A one-pass signature packet: a slot and its hash. */
static gpg_error_t
take_onepass(weft_vmsg *m, const uint8_t *body, size_t len)
{
	weft_reader r;
	weft_vslot *s;
	uint8_t ver, type, hash, pk, saltlen = 0, nested;
	const uint8_t *salt = NULL;
	gpg_error_t err;

	weft_reader_init(&r, body, len);
	if (weft_reader_u8(&r, &ver) || weft_reader_u8(&r, &type) ||
	    weft_reader_u8(&r, &hash) || weft_reader_u8(&r, &pk))
		goto bad;
	if (ver == 3) {
		if (weft_reader_skip(&r, 8))
			goto bad;
	} else if (ver == 6) {
		if (weft_reader_u8(&r, &saltlen) || saltlen > 32 ||
		    weft_reader_bytes_direct(&r, saltlen, &salt) ||
		    weft_reader_skip(&r, 32))
			goto bad;
	} else {
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "a one-pass signature packet of unknown "
				     "version %u", ver);
	}
	if (weft_reader_u8(&r, &nested) || !weft_reader_eof(&r))
		goto bad;
	if ((err = new_slot(m, &s)))
		return err;
	s->from_ops = true;
	s->ops_type = type;
	s->ops_hash = hash;
	s->ops_pk = pk;
	s->ops_version = ver;
	if (saltlen)
		memcpy(s->ops_salt, salt, saltlen);
	s->ops_salt_len = saltlen;
	open_hash(s, ver == 6 ? 6 : 4, hash, s->ops_salt, saltlen, type);
	return 0;
bad:
	return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
			     "a damaged one-pass signature packet");
}

/* ---- packets from a stream ------------------------------------------------------------ */

typedef struct pbody {
	weft_stream *src;
	uint64_t left;           /* in the current chunk */
	bool partial;            /* more chunks follow this one */
	bool indeterminate;      /* to the end of SRC */
} pbody;

/* A new-format length: *LEN, and whether it is a partial one. */
static gpg_error_t
new_length(weft_stream *src, uint64_t *len, bool *partial)
{
	uint8_t b[5];
	size_t got;
	gpg_error_t err;

	*partial = false;
	if ((err = weft_stream_read(src, b, 1, &got)))
		return err;
	if (got != 1)
		return WEFT_ERR(GPG_ERR_INV_PACKET);
	if (b[0] < 192) {
		*len = b[0];
	} else if (b[0] < 224) {
		if ((err = weft_stream_read(src, b + 1, 1, &got)))
			return err;
		if (got != 1)
			return WEFT_ERR(GPG_ERR_INV_PACKET);
		*len = ((uint64_t)(b[0] - 192) << 8) + b[1] + 192;
	} else if (b[0] == 255) {
		if ((err = weft_stream_read(src, b + 1, 4, &got)))
			return err;
		if (got != 4)
			return WEFT_ERR(GPG_ERR_INV_PACKET);
		*len = (uint64_t)b[1] << 24 | (uint64_t)b[2] << 16 |
		       (uint64_t)b[3] << 8 | b[4];
	} else {
		*len = 1ull << (b[0] & 0x1f);
		*partial = true;
	}
	return 0;
}

static gpg_error_t
body_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	pbody *b = opaque;
	gpg_error_t err;

	*got = 0;
	if (b->indeterminate)
		return weft_stream_read(b->src, buf, n, got);
	while (!b->left) {
		if (!b->partial)
			return 0;
		if ((err = new_length(b->src, &b->left, &b->partial)))
			return err;
	}
	if (n > b->left)
		n = (size_t)b->left;
	if ((err = weft_stream_read(b->src, buf, n, got)))
		return err;
	if (*got < n)
		return WEFT_ERR(GPG_ERR_INV_PACKET);   /* truncated */
	b->left -= *got;
	return 0;
}

/* Read a packet header from SRC: *TAG, and B set up for the body.
 * GPG_ERR_EOF at a clean end. */
static gpg_error_t
packet_header(weft_vmsg *m, weft_stream *src, uint8_t *tag, pbody *b)
{
	const uint8_t *p;
	size_t avail, got;
	uint8_t c, l[4];
	gpg_error_t err;

	memset(b, 0, sizeof *b);
	b->src = src;
	if ((err = weft_stream_peek(src, 1, &p, &avail)))
		return err;
	if (!avail)
		return WEFT_ERR(GPG_ERR_EOF);
	c = p[0];
	weft_stream_skip(src, 1);
	if (!(c & 0x80))
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "not OpenPGP data (octet 0x%02x where a "
				     "packet should start)", c);
	if (c & 0x40) {
		*tag = c & 0x3f;
		err = new_length(src, &b->left, &b->partial);
		if (gpg_err_code(err) == GPG_ERR_INV_PACKET)
			goto truncated;
		return err;
	}
	*tag = (c >> 2) & 0x0f;
	switch (c & 3) {
	case 0:
	case 1:
	case 2:
		got = (size_t)1 << (c & 3);
		if ((err = weft_stream_read(src, l, got, &avail)))
			return err;
		if (avail != got)
			goto truncated;
		b->left = got == 1 ? l[0] : got == 2 ? (uint64_t)l[0] << 8 | l[1]
			: (uint64_t)l[0] << 24 | (uint64_t)l[1] << 16 |
			  (uint64_t)l[2] << 8 | l[3];
		return 0;
	default:
		b->indeterminate = true;
		return 0;
	}
truncated:
	return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
			     "a packet header is cut short");
}

/* The whole body of a small packet, into memory (at most MAX). */
static gpg_error_t
body_all(weft_vmsg *m, weft_stream *bs, size_t max, weft_buf *out,
	 const char *what)
{
	uint8_t buf[4096];
	size_t got;
	gpg_error_t err;

	do {
		if ((err = weft_stream_read(bs, buf, sizeof buf, &got)))
			return err;
		if (out->len + got > max)
			return weft_diag_set(&m->diag,
					     WEFT_ERR(GPG_ERR_TOO_LARGE),
					     "a %s packet over %zu octets",
					     what, max);
		if ((err = weft_buf_put(out, buf, got)))
			return err;
	} while (got);
	return 0;
}

/* Read and drop the rest of a body. */
static gpg_error_t
drain(weft_stream *bs)
{
	uint8_t buf[4096];
	size_t got;
	gpg_error_t err;

	do {
		if ((err = weft_stream_read(bs, buf, sizeof buf, &got)))
			return err;
	} while (got);
	return 0;
}

/* The literal data packet: its header, then the data through the
 * hashes and to the sink. */
static gpg_error_t
literal(weft_vmsg *m, weft_stream *bs, bool partial)
{
	uint8_t hdr[6 + 255], *buf = NULL;
	size_t got, nlen;
	gpg_error_t err;
	weft_verify_result *r = m->res;

	if (m->literal_seen)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "two literal data packets in one message");
	m->literal_seen = true;
	r->literal_partial = partial;
	if ((err = weft_stream_read(bs, hdr, 2, &got)))
		return err;
	if (got != 2)
		goto bad;
	nlen = hdr[1];
	if ((err = weft_stream_read(bs, hdr + 2, nlen + 4, &got)))
		return err;
	if (got != nlen + 4)
		goto bad;
	r->literal_format = hdr[0];
	if (!(r->filename = weft_memdupz(hdr + 2, nlen)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	r->literal_date = (int64_t)((uint32_t)hdr[2 + nlen] << 24 |
				    (uint32_t)hdr[3 + nlen] << 16 |
				    (uint32_t)hdr[4 + nlen] << 8 |
				    hdr[5 + nlen]);
	if (!(buf = malloc(CHUNK)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (;;) {
		if ((err = weft_stream_read(bs, buf, CHUNK, &got)) || !got)
			break;
		if ((err = feed(m, buf, got)))
			break;
		if (m->p->write &&
		    (err = m->p->write(m->p->write_opaque, buf, got)))
			break;
	}
	free(buf);
	return err;
bad:
	return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
			     "a damaged literal data packet");
}

static gpg_error_t packets(weft_vmsg *m, weft_stream *src, unsigned depth);

static gpg_error_t
compressed(weft_vmsg *m, weft_stream *bs, unsigned depth)
{
	weft_stream inner;
	weft_inflate_limits lim = weft_inflate_default_limits();
	uint8_t algo;
	size_t got;
	gpg_error_t err;

	if (depth + 1 > WEFT_MAX_MSG_DEPTH)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "compressed packets nested more than %u "
				     "deep", WEFT_MAX_MSG_DEPTH);
	if ((err = weft_stream_read(bs, &algo, 1, &got)))
		return err;
	if (got != 1)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "an empty compressed data packet");
	if (m->p->max_output)
		lim.max_out = m->p->max_output;
	if ((err = weft_inflate_open(&inner, bs, algo, &lim, &m->diag)))
		return err;
	err = packets(m, &inner, depth + 1);
	weft_stream_close(&inner);
	return err;
}

/* Every packet of SRC. */
static gpg_error_t
packets(weft_vmsg *m, weft_stream *src, unsigned depth)
{
	weft_stream bs;
	weft_buf small;
	pbody b;
	uint8_t tag = 0;
	gpg_error_t err;

	weft_buf_init(&small);
	for (;;) {
		err = packet_header(m, src, &tag, &b);
		if (gpg_err_code(err) == GPG_ERR_EOF) {
			err = 0;
			break;
		}
		if (err)
			break;
		if ((err = weft_stream_init(&bs, body_read, NULL, &b)))
			break;
		weft_buf_reset(&small);
		switch (tag) {
		case WEFT_PKT_ONEPASS:
			if (m->literal_seen) {
				err = weft_diag_set(&m->diag,
					WEFT_ERR(GPG_ERR_BAD_DATA),
					"a one-pass signature after the data");
				break;
			}
			if (!(err = body_all(m, &bs, WEFT_MAX_SIG_PACKET, &small,
					     "one-pass signature")))
				err = take_onepass(m, small.data, small.len);
			break;
		case WEFT_PKT_SIGNATURE:
			if (!(err = body_all(m, &bs, WEFT_MAX_SIG_PACKET, &small,
					     "signature")))
				err = take_signature(m, small.data, small.len,
						     m->literal_seen);
			break;
		case WEFT_PKT_LITERAL:
			err = literal(m, &bs, b.partial || b.indeterminate);
			break;
		case WEFT_PKT_COMPRESSED:
			err = compressed(m, &bs, depth);
			break;
		case WEFT_PKT_MARKER:
		case WEFT_PKT_PADDING:
			err = drain(&bs);
			break;
		case WEFT_PKT_PKESK:
		case WEFT_PKT_SKESK:
		case WEFT_PKT_SED:
		case WEFT_PKT_SEIPD:
		case WEFT_PKT_AEAD:
			err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				"an encrypted message: weft checks signatures "
				"only (decrypt it with gpg or sq first)");
			break;
		case WEFT_PKT_PUBLIC_KEY:
		case WEFT_PKT_SECRET_KEY:
			err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				"a key, not a signed message (weft import "
				"takes keys)");
			break;
		default:
			err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				"a packet of type %u where a signed message "
				"has none", tag);
			break;
		}
		if (!err)
			err = drain(&bs);  /* what the handler left */
		weft_stream_close(&bs);
		if (err)
			break;
	}
	weft_buf_free(&small);
	if (gpg_err_code(err) == GPG_ERR_INV_PACKET)
		err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				    "the message is cut short (truncated "
				    "packet)");
	return err;
}

/* Signatures that came before the data (no one-pass packets) are
 * complete once the data has passed. */
static void
close_prefix_slots(weft_vmsg *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!m->slots[i].from_ops && m->slots[i].body)
			m->slots[i].have_sig = true;
}

static gpg_error_t
inline_message(weft_vmsg *m, weft_stream *src)
{
	gpg_error_t err;
	size_t i;

	m->res->kind = WEFT_MSG_INLINE;
	if ((err = packets(m, src, 0)))
		return err;
	close_prefix_slots(m);
	if (!m->n)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_NO_DATA),
				     "no signature in the message");
	if (!m->literal_seen)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
			"signatures without data: a detached signature? "
			"(give the signed file too)");
	for (i = 0; i < m->n; i++)
		if (m->slots[i].from_ops && !m->slots[i].have_sig)
			return weft_diag_set(&m->diag,
				WEFT_ERR(GPG_ERR_BAD_DATA),
				"a one-pass signature without its signature "
				"(the message is cut short?)");
	return 0;
}

/* ---- detached ----------------------------------------------------------------------------- */

static gpg_error_t
detached(weft_vmsg *m, weft_stream *data)
{
	weft_armor_list al = { NULL, 0 };
	weft_packet pkt;
	weft_reader r;
	uint8_t *buf = NULL;
	size_t i, got;
	gpg_error_t err;

	m->res->kind = WEFT_MSG_DETACHED;
	if ((err = weft_armor_decode(m->p->signature, m->p->signature_len,
				     &al, &m->diag))) {
		if (m->p->signature_at_fault)
			*m->p->signature_at_fault = true;
		return err;
	}
	for (i = 0; i < al.n && !err; i++) {
		weft_reader_init(&r, al.blocks[i].data, al.blocks[i].len);
		while (!(err = weft_packet_next(&r, &pkt, &m->diag))) {
			if (pkt.tag == WEFT_PKT_SIGNATURE)
				err = take_signature(m, pkt.body, pkt.body_len,
						     false);
			else if (pkt.tag != WEFT_PKT_MARKER &&
				 pkt.tag != WEFT_PKT_PADDING)
				err = weft_diag_set(&m->diag,
					WEFT_ERR(GPG_ERR_BAD_DATA),
					"the signature file holds a packet of "
					"type %u, not only signatures", pkt.tag);
			weft_packet_release(&pkt);
			if (err)
				break;
		}
		if (gpg_err_code(err) == GPG_ERR_EOF)
			err = 0;
		else if (gpg_err_code(err) == GPG_ERR_INV_PACKET ||
			 gpg_err_code(err) == GPG_ERR_TOO_LARGE)
			err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					    "the signature is damaged");
	}
	weft_armor_list_free(&al);
	if (!err && !m->n)
		err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_NO_DATA),
				    "no signature in the signature file");
	if (err) {
		if (m->p->signature_at_fault)
			*m->p->signature_at_fault = true;
		return err;
	}
	if (!(buf = malloc(CHUNK)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (;;) {
		if ((err = weft_stream_read(data, buf, CHUNK, &got)) || !got)
			break;
		if ((err = feed(m, buf, got)))
			break;
	}
	free(buf);
	close_prefix_slots(m);
	return err;
}

/* ---- cleartext ------------------------------------------------------------------------------ */

/* The next line of S without consuming it: *LEN octets at *P, the LF
 * included when there is one; 0 at the end. */
static gpg_error_t
peek_line(weft_vmsg *m, weft_stream *s, const uint8_t **p, size_t *len)
{
	size_t avail;
	const uint8_t *lf;
	gpg_error_t err;

	if ((err = weft_stream_peek(s, WEFT_STREAM_BUF, p, &avail)))
		return err;
	if ((lf = memchr(*p, '\n', avail))) {
		*len = (size_t)(lf - *p) + 1;
		return 0;
	}
	if (avail == WEFT_STREAM_BUF)
		return weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				     "a line of the signed text is longer than "
				     "%u octets", WEFT_STREAM_BUF);
	*len = avail;
	return 0;
}

static bool
starts(const uint8_t *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && !memcmp(p, s, k);
}

/* The hash algorithms the Hash headers name (bits by algorithm id);
 * false when a name is unknown. */
static uint64_t
hash_header(const weft_armor_header *h, size_t nh, bool *present)
{
	static const struct { const char *name; int id; } names[] = {
		{ "MD5", 1 }, { "SHA1", 2 }, { "RIPEMD160", 3 },
		{ "SHA256", 8 }, { "SHA384", 9 }, { "SHA512", 10 },
		{ "SHA224", 11 }, { "SHA3-256", 12 }, { "SHA3-512", 14 },
	};
	uint64_t set = 0;
	size_t i, k;

	*present = false;
	for (i = 0; i < nh; i++) {
		const char *v = h[i].value;

		if (strcasecmp(h[i].name, "Hash"))
			continue;
		*present = true;
		while (*v) {
			size_t n;

			while (*v == ' ' || *v == ',')
				v++;
			n = strcspn(v, " ,");
			for (k = 0; k < sizeof names / sizeof *names; k++)
				if (strlen(names[k].name) == n &&
				    !strncasecmp(v, names[k].name, n))
					set |= 1ull << names[k].id;
			v += n;
		}
	}
	return set;
}

static gpg_error_t
cleartext(weft_vmsg *m, weft_stream *src, const weft_armor_header *hdrs,
	  size_t nhdrs)
{
	FILE *spool;
	weft_stream sig;
	weft_buf sigbuf;
	weft_packet pkt;
	weft_reader r;
	char *label = NULL;
	weft_armor_header *h2 = NULL;
	size_t nh2 = 0, len = 0, n, i, got;
	const uint8_t *p;
	uint8_t *buf = NULL;
	uint64_t allowed;
	bool first = true, present;
	gpg_error_t err = 0;

	m->res->kind = WEFT_MSG_CLEARTEXT;
	allowed = hash_header(hdrs, nhdrs, &present);
	if (!(spool = tmpfile()))
		return weft_diag_set(&m->diag,
				     WEFT_ERR(gpg_err_code_from_errno(errno)),
				     "cannot make a temporary file for the "
				     "signed text");
	weft_buf_init(&sigbuf);
	/* 1. The text, up to the signature's armor. */
	for (;;) {
		if ((err = peek_line(m, src, &p, &len)))
			goto leave;
		if (!len) {
			err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				"the signed text has no signature after it "
				"(no BEGIN PGP SIGNATURE line)");
			goto leave;
		}
		if (starts(p, len, "-----BEGIN PGP SIGNATURE-----"))
			break;
		n = len;
		if (n && p[n - 1] == '\n')
			n--;
		if (n && p[n - 1] == '\r')
			n--;
		/* dash-escaping */
		if (starts(p, n, "- ")) {
			p += 2;
			n -= 2;
		}
		/* trailing white space is not signed, nor written out (as
		 * gpg and sq do) */
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
			     p[n - 1] == '\r'))
			n--;
		if (m->p->write && ((!first && (err = m->p->write(
				m->p->write_opaque, (const uint8_t *)"\n", 1))) ||
		    (err = m->p->write(m->p->write_opaque, p, n))))
			goto leave;
		if ((!first && fwrite("\r\n", 1, 2, spool) != 2) ||
		    (n && fwrite(p, 1, n, spool) != n)) {
			err = WEFT_ERR(gpg_err_code_from_errno(errno));
			goto leave;
		}
		m->res->data_len += n + (first ? 0 : 2);
		first = false;
		weft_stream_skip(src, len);
	}
	if (m->p->write && !first &&
	    (err = m->p->write(m->p->write_opaque, (const uint8_t *)"\n", 1)))
		goto leave;
	/* 2. The signature block. */
	if ((err = weft_armor_stream_open(&sig, src, &label, &h2, &nh2,
					  &m->diag)))
		goto leave;
	err = body_all(m, &sig, WEFT_MAX_SIG_FILE, &sigbuf, "signature");
	weft_stream_close(&sig);
	if (err)
		goto leave;
	weft_reader_init(&r, sigbuf.data, sigbuf.len);
	while (!(err = weft_packet_next(&r, &pkt, &m->diag))) {
		if (pkt.tag == WEFT_PKT_SIGNATURE)
			err = take_signature(m, pkt.body, pkt.body_len, false);
		weft_packet_release(&pkt);
		if (err)
			break;
	}
	if (gpg_err_code(err) == GPG_ERR_EOF)
		err = 0;
	if (err) {
		err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				    "the signature after the text is damaged");
		goto leave;
	}
	if (!m->n) {
		err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_NO_DATA),
				    "no signature after the signed text");
		goto leave;
	}
	/* 3. Each signature hashes the canonical text. */
	if (!(buf = malloc(CHUNK))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	rewind(spool);
	while ((got = fread(buf, 1, CHUNK, spool)) > 0)
		for (i = 0; i < m->n; i++)
			if (m->slots[i].h)
				weft_hash_write(m->slots[i].h, buf, got);
	if (ferror(spool)) {
		err = WEFT_ERR(gpg_err_code_from_errno(errno));
		goto leave;
	}
	for (i = 0; i < m->n; i++) {
		weft_vslot *s = &m->slots[i];

		s->have_sig = true;
		if (present && s->body && !s->hash_err &&
		    (s->sig.hash_algo >= 64 ||
		     !(allowed & (1ull << s->sig.hash_algo))))
			s->hash_header_bad = true;
	}
leave:
	free(buf);
	free(label);
	weft_armor_headers_free(h2, nh2);
	weft_buf_free(&sigbuf);
	fclose(spool);
	return err;
}

/* ---- the entry -------------------------------------------------------------------------- */

gpg_error_t
weft_verify__read(weft_vmsg *m)
{
	weft_stream in, arm;
	const uint8_t *p;
	size_t avail, nh = 0;
	char *label = NULL;
	weft_armor_header *h = NULL;
	bool armored = false;
	gpg_error_t err;

	if ((err = weft_stream_init(&in, m->p->read, NULL, m->p->read_opaque)))
		return err;
	if (m->p->signature) {
		err = detached(m, &in);
		goto leave;
	}
	if ((err = weft_stream_peek(&in, 1, &p, &avail)))
		goto leave;
	if (!avail) {
		err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_NO_DATA),
				    "the input is empty");
		goto leave;
	}
	if (p[0] & 0x80) {
		err = inline_message(m, &in);
		goto leave;
	}
	memset(&arm, 0, sizeof arm);
	if ((err = weft_armor_stream_open(&arm, &in, &label, &h, &nh,
					  &m->diag))) {
		if (gpg_err_code(err) == GPG_ERR_NO_DATA ||
		    gpg_err_code(err) == GPG_ERR_EOF)
			err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_NO_DATA),
				"no OpenPGP data (neither binary packets nor "
				"an armored message)");
		goto leave;
	}
	armored = arm.read != NULL;
	if (!strcmp(label, "PGP SIGNED MESSAGE"))
		err = cleartext(m, &in, h, nh);
	else if (!strcmp(label, "PGP MESSAGE"))
		err = inline_message(m, &arm);
	else if (!strcmp(label, "PGP SIGNATURE"))
		err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
			"a detached signature: give the signed data too "
			"(weft verify --signature SIG FILE)");
	else
		err = weft_diag_set(&m->diag, WEFT_ERR(GPG_ERR_BAD_DATA),
			"armor labelled \"%s\", not a signed message", label);
	if (armored)
		weft_stream_close(&arm);
leave:
	free(label);
	weft_armor_headers_free(h, nh);
	weft_stream_close(&in);
	return err;
}

void
weft_verify__slots_free(weft_vmsg *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		weft_hash_free(m->slots[i].h);
		free(m->slots[i].body);
	}
	free(m->slots);
	free(m->tbuf);
	m->slots = NULL;
	m->n = m->cap = 0;
	m->tbuf = NULL;
}
