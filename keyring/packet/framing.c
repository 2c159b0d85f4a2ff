/* framing.c - OpenPGP packet headers: old and new format, partial body
 * lengths, indeterminate length; writing new-format headers. */
#include <stdlib.h>

#include "packet.h"
#include "../util/mem.h"

/* New-format body length (RFC 9580 4.2.1).  Sets *PARTIAL when the octet
 * announces a partial body length. */
static gpg_error_t
read_new_length(weft_reader *r, size_t *len, bool *partial)
{
	uint8_t o1, o2;
	uint32_t l32;
	gpg_error_t err;

	*len = 0;
	*partial = false;
	if ((err = weft_reader_u8(r, &o1)))
		return err;
	if (o1 < 192) {
		*len = o1;
	} else if (o1 < 224) {
		if ((err = weft_reader_u8(r, &o2)))
			return err;
		*len = ((size_t)(o1 - 192) << 8) + o2 + 192;
	} else if (o1 == 255) {
		if ((err = weft_reader_u32(r, &l32)))
			return err;
		*len = l32;
	} else {
		*len = (size_t)1 << (o1 & 0x1f);
		*partial = true;
	}
	return 0;
}

const char *
weft_packet_tag_name(uint8_t tag)
{
	switch (tag) {
	case WEFT_PKT_PKESK: return "public-key encrypted session key";
	case WEFT_PKT_SIGNATURE: return "signature";
	case WEFT_PKT_SKESK: return "symmetric-key encrypted session key";
	case WEFT_PKT_ONEPASS: return "one-pass signature";
	case WEFT_PKT_SECRET_KEY: return "secret key";
	case WEFT_PKT_PUBLIC_KEY: return "public key";
	case WEFT_PKT_SECRET_SUBKEY: return "secret subkey";
	case WEFT_PKT_COMPRESSED: return "compressed data";
	case WEFT_PKT_SED: return "symmetrically encrypted data";
	case WEFT_PKT_MARKER: return "marker";
	case WEFT_PKT_LITERAL: return "literal data";
	case WEFT_PKT_TRUST: return "trust";
	case WEFT_PKT_USER_ID: return "user ID";
	case WEFT_PKT_PUBLIC_SUBKEY: return "public subkey";
	case WEFT_PKT_USER_ATTR: return "user attribute";
	case WEFT_PKT_SEIPD: return "encrypted data";
	case WEFT_PKT_MDC: return "modification detection code";
	case WEFT_PKT_AEAD: return "AEAD encrypted data";
	case WEFT_PKT_PADDING: return "padding";
	default: return "unknown packet";
	}
}

void
weft_packet_release(weft_packet *pkt)
{
	if (!pkt)
		return;
	free(pkt->owned);
	memset(pkt, 0, sizeof *pkt);
}

/* Join a partial-length body: chunks of 2^k octets, each followed by a new
 * length octet, until a chunk with a definite length ends it. */
static gpg_error_t
join_partial(weft_reader *r, size_t first, weft_packet *pkt, weft_diag *diag)
{
	weft_buf b;
	size_t len = first, total = 0;
	bool partial = true;
	const uint8_t *chunk;
	gpg_error_t err = 0;

	weft_buf_init(&b);
	for (;;) {
		if (!weft_size_add(&total, total, len) ||
		    total > WEFT_MAX_PACKET) {
			err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
				"%s packet at offset %zu is larger than %u bytes",
				weft_packet_tag_name(pkt->tag), pkt->offset,
				WEFT_MAX_PACKET);
			goto leave;
		}
		if ((err = weft_reader_bytes_direct(r, len, &chunk))) {
			weft_diag_set(diag, err,
				"truncated %s packet at offset %zu (partial body runs past the end)",
				weft_packet_tag_name(pkt->tag), pkt->offset);
			goto leave;
		}
		if ((err = weft_buf_put(&b, chunk, len)))
			goto leave;
		if (!partial)
			break;
		if ((err = read_new_length(r, &len, &partial))) {
			weft_diag_set(diag, err,
				"truncated %s packet at offset %zu (partial length missing)",
				weft_packet_tag_name(pkt->tag), pkt->offset);
			goto leave;
		}
	}
	pkt->owned = weft_buf_steal(&b, &pkt->body_len);
	if (!pkt->owned) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	pkt->body = pkt->owned;
	pkt->partial = true;
leave:
	weft_buf_free(&b);
	return err;
}

gpg_error_t
weft_packet_next(weft_reader *r, weft_packet *pkt, weft_diag *diag)
{
	size_t start = weft_reader_offset(r), len = 0;
	uint8_t ctb, lt, o1;
	uint16_t l16;
	uint32_t l32;
	bool partial = false;
	gpg_error_t err;

	memset(pkt, 0, sizeof *pkt);
	pkt->offset = start;
	if (weft_reader_eof(r))
		return WEFT_ERR(GPG_ERR_EOF);
	if ((err = weft_reader_u8(r, &ctb)))
		return err;
	if (!(ctb & 0x80)) {
		r->off = start;
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
			"not an OpenPGP packet at offset %zu (octet 0x%02x)",
			start, ctb);
	}
	if (ctb & 0x40) {
		pkt->new_format = true;
		pkt->tag = ctb & 0x3f;
		err = read_new_length(r, &len, &partial);
	} else {
		pkt->tag = (ctb >> 2) & 0x0f;
		lt = ctb & 3;
		if (lt == 0) {
			err = weft_reader_u8(r, &o1);
			len = o1;
		} else if (lt == 1) {
			err = weft_reader_u16(r, &l16);
			len = l16;
		} else if (lt == 2) {
			err = weft_reader_u32(r, &l32);
			len = l32;
		} else {
			pkt->indeterminate = true;
			len = weft_reader_left(r);
		}
	}
	if (err) {
		r->off = start;
		return weft_diag_set(diag, err,
			"truncated packet header at offset %zu", start);
	}
	pkt->header_len = weft_reader_offset(r) - start;
	if (pkt->tag == 0) {
		r->off = start;
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
			"packet with reserved tag 0 at offset %zu", start);
	}
	if (partial) {
		err = join_partial(r, len, pkt, diag);
		if (err) {
			r->off = start;
			weft_packet_release(pkt);
			pkt->offset = start;
		}
		return err;
	}
	if (len > WEFT_MAX_PACKET) {
		r->off = start;
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
			"%s packet at offset %zu declares %zu bytes (limit %u)",
			weft_packet_tag_name(pkt->tag), start, len,
			WEFT_MAX_PACKET);
	}
	if ((err = weft_reader_bytes_direct(r, len, &pkt->body))) {
		size_t left = weft_reader_left(r);

		r->off = start;
		return weft_diag_set(diag, err,
			"truncated %s packet at offset %zu (declares %zu bytes, %zu left)",
			weft_packet_tag_name(pkt->tag), start, len, left);
	}
	pkt->body_len = len;
	return 0;
}

gpg_error_t
weft_packet_write_header(weft_buf *b, uint8_t tag, size_t len)
{
	weft_buf_put_u8(b, (uint8_t)(0xc0 | (tag & 0x3f)));
	if (len < 192) {
		weft_buf_put_u8(b, (uint8_t)len);
	} else if (len < 8384) {
		len -= 192;
		weft_buf_put_u8(b, (uint8_t)((len >> 8) + 192));
		weft_buf_put_u8(b, (uint8_t)(len & 0xff));
	} else {
		if (len > UINT32_MAX)
			return b->err = WEFT_ERR(GPG_ERR_TOO_LARGE);
		weft_buf_put_u8(b, 255);
		weft_buf_put_u32(b, (uint32_t)len);
	}
	return weft_buf_error(b);
}

gpg_error_t
weft_packet_write(weft_buf *b, uint8_t tag, const void *body, size_t len)
{
	weft_packet_write_header(b, tag, len);
	return weft_buf_put(b, body, len);
}
