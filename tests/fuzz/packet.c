/* tests/fuzz/packet.c - libFuzzer target for packet framing and the key
 * and signature parsers.
 *
 *   make fuzz
 *   mkdir -p /tmp/corpus-packet
 *   build/fuzz/packet -max_len=8192 /tmp/corpus-packet tests/data/packet \
 *       tests/data/cert tests/data/crypto
 *
 * Besides the sanitizers it checks what packet.h promises: only the
 * documented error codes; on error the reader is back at the failing
 * header; every pointer a parser returns lies inside the parsed bytes; a
 * packet written again with weft_packet_write parses back to the same tag
 * and body.  The whole input is also given to the key and signature
 * parsers directly, so that they are reached without valid framing.
 */
#include <stdlib.h>

#include "packet/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
inside(const uint8_t *p, size_t n, const uint8_t *base, size_t len)
{
	if (!n)
		return 1;
	return p && p >= base && p + n <= base + len;
}

static void
check_sig(const uint8_t *body, size_t len, unsigned depth)
{
	weft_pkt_sig s;
	const uint8_t *re;
	size_t re_len;
	weft_subpacket_iter it;
	weft_subpacket sp;
	weft_diag diag;
	gpg_error_t err;
	unsigned i;

	weft_diag_clear(&diag);
	err = weft_pkt_sig_parse(&s, body, len, &diag);
	if (err) {
		switch (gpg_err_code(err)) {
		case GPG_ERR_INV_PACKET: case GPG_ERR_TOO_LARGE:
		case GPG_ERR_UNKNOWN_VERSION:
			if (!diag.msg[0])
				abort();
			return;
		default:
			abort();
		}
	}
	if (!inside(s.hashed_part, s.hashed_part_len, body, len) ||
	    !inside(s.hashed, s.hashed_len, body, len) ||
	    !inside(s.unhashed, s.unhashed_len, body, len) ||
	    !inside(s.salt, s.salt_len, body, len) ||
	    !inside(s.reason_text, s.reason_len, body, len) ||
	    !inside(s.embedded, s.embedded_len, body, len) ||
	    s.nmpis > 2 || s.nregex > WEFT_MAX_REGEXES ||
	    (s.issuer_fpr_len != 0 && s.issuer_fpr_len != 20 &&
	     s.issuer_fpr_len != 32) ||
	    s.hashed_len > WEFT_MAX_SUBPACKET_AREA ||
	    s.unhashed_len > WEFT_MAX_SUBPACKET_AREA)
		abort();
	for (i = 0; i < s.nmpis; i++)
		if (!inside(s.mpis[i].data, s.mpis[i].len, body, len) ||
		    (s.mpis[i].kind == WEFT_FIELD_MPI &&
		     s.mpis[i].bits > WEFT_MAX_MPI_BITS))
			abort();
	for (i = 0; i < s.nregex; i++)
		if (!weft_pkt_sig_regex(&s, (unsigned)i, &re, &re_len) ||
		    !inside(re, re_len, body, len))
			abort();
	/* The areas parsed, so they iterate to a clean end. */
	weft_subpacket_iter_init(&it, s.hashed, s.hashed_len, true);
	while (!(err = weft_subpacket_next(&it, &sp)))
		if (!inside(sp.raw, sp.raw_len, s.hashed, s.hashed_len) ||
		    !inside(sp.data, sp.len, sp.raw, sp.raw_len) || !sp.hashed)
			abort();
	if (gpg_err_code(err) != GPG_ERR_EOF)
		abort();
	weft_subpacket_iter_init(&it, s.unhashed, s.unhashed_len, false);
	while (!(err = weft_subpacket_next(&it, &sp)))
		if (!inside(sp.raw, sp.raw_len, s.unhashed, s.unhashed_len) ||
		    sp.hashed)
			abort();
	if (gpg_err_code(err) != GPG_ERR_EOF)
		abort();
	if (s.embedded && depth < WEFT_MAX_EMBED_DEPTH)
		check_sig(s.embedded, s.embedded_len, depth + 1);
}

static void
check_key(uint8_t tag, const uint8_t *body, size_t len)
{
	weft_pkt_key k;
	weft_diag diag;
	gpg_error_t err;
	unsigned i;

	weft_diag_clear(&diag);
	err = weft_pkt_key_parse(&k, tag, body, len, &diag);
	if (err) {
		switch (gpg_err_code(err)) {
		case GPG_ERR_INV_PACKET: case GPG_ERR_TOO_LARGE:
		case GPG_ERR_UNKNOWN_VERSION: case GPG_ERR_PUBKEY_ALGO:
			if (!diag.msg[0])
				abort();
			return;
		default:
			abort();
		}
	}
	if (k.pub != body || k.pub_len > len || k.nfields > WEFT_MAX_FIELDS ||
	    !inside(k.secret, k.secret_len, body, len) ||
	    (k.secret && k.secret != body + k.pub_len) ||
	    ((tag == 5 || tag == 7) ? !k.secret_len : k.pub_len != len) ||
	    (k.nfields && !k.known_algo))
		abort();
	for (i = 0; i < k.nfields; i++)
		if (!inside(k.fields[i].data, k.fields[i].len, k.pub, k.pub_len))
			abort();
	/* The public part alone parses as a public key, the same way. */
	if (tag == 5 || tag == 7) {
		weft_pkt_key p;

		if (weft_pkt_key_parse(&p, tag == 5 ? 6 : 14, k.pub, k.pub_len,
				       NULL) ||
		    p.nfields != k.nfields || p.algo != k.algo)
			abort();
	}
}

static void
check_rewrite(const weft_packet *pkt)
{
	weft_buf b;
	weft_reader r;
	weft_packet again;

	weft_buf_init(&b);
	if (weft_packet_write(&b, pkt->tag, pkt->body, pkt->body_len))
		abort();
	weft_reader_init(&r, b.data, b.len);
	if (weft_packet_next(&r, &again, NULL) || again.tag != pkt->tag ||
	    again.body_len != pkt->body_len ||
	    (pkt->body_len && memcmp(again.body, pkt->body, pkt->body_len)) ||
	    !weft_reader_eof(&r))
		abort();
	weft_packet_release(&again);
	weft_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	weft_reader r;
	weft_packet pkt;
	weft_diag diag;
	gpg_error_t err;
	size_t before;

	weft_reader_init(&r, size ? data : NULL, size);
	for (;;) {
		before = weft_reader_offset(&r);
		weft_diag_clear(&diag);
		err = weft_packet_next(&r, &pkt, &diag);
		if (err)
			break;
		if (pkt.offset != before || pkt.body_len > WEFT_MAX_PACKET ||
		    (pkt.partial != (pkt.owned != NULL)) ||
		    (!pkt.partial &&
		     !inside(pkt.body, pkt.body_len, data, size)))
			abort();
		switch (pkt.tag) {
		case 5: case 6: case 7: case 14:
			check_key(pkt.tag, pkt.body, pkt.body_len);
			break;
		case 2:
			check_sig(pkt.body, pkt.body_len, 0);
			break;
		}
		check_rewrite(&pkt);
		weft_packet_release(&pkt);
	}
	switch (gpg_err_code(err)) {
	case GPG_ERR_EOF:
		if (!weft_reader_eof(&r))
			abort();
		break;
	case GPG_ERR_INV_PACKET: case GPG_ERR_TOO_LARGE:
		if (weft_reader_offset(&r) != before || !diag.msg[0] ||
		    pkt.owned)
			abort();
		break;
	default:
		abort();
	}

	/* The parsers on their own. */
	check_key(6, data, size);
	check_key(5, data, size);
	check_sig(data, size, 0);
	return 0;
}
