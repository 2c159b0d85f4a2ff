/* tests/unit/packet/mutate.c - truncation at every length, a flip of every
 * single bit, and every octet set to 0x00 and to 0xff, over real keys (gpg
 * exports in tests/data/packet/ and tests/data/cert/, the RFC 9580
 * samples).  Every mutated input must parse or fail with one of the
 * documented error codes, and never read out of bounds (run it under
 * SANITIZE=1 too).  What parses must also hold together: every pointer the
 * parsers return lies inside the bytes parsed, and a certificate built from
 * mutated bytes writes out in a canonical form that reads back to the same
 * bytes.
 *
 * Run from the top of the source tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet/packet.h"
#include "armor/armor.h"
#include "cert/cert.h"
#include "crypto/crypto.h"
#include "t.h"

/* One line per kind of problem, the first few only. */
static unsigned problems;

static void
problem(const char *what, const char *file, const char *mut, size_t pos,
	gpg_error_t err)
{
	if (problems++ < 20)
		printf("  %s: %s %s at %zu (%s)\n", what, file, mut, pos,
		       err ? gpg_strerror(err) : "success");
}

static bool
inside(const uint8_t *p, size_t n, const uint8_t *base, size_t len)
{
	if (!n)
		return true;
	return p && p >= base && p + n <= base + len;
}

/* ---- the checks one input goes through ------------------------------------- */

static const char *cur_file, *cur_mut;
static size_t cur_pos;

static void
check_sig(const uint8_t *body, size_t len, unsigned depth)
{
	weft_pkt_sig s;
	const uint8_t *re;
	size_t re_len;
	weft_subpacket_iter it;
	weft_subpacket sp;
	gpg_error_t err = weft_pkt_sig_parse(&s, body, len, NULL);
	unsigned i;

	switch (gpg_err_code(err)) {
	case 0:
		break;
	case GPG_ERR_INV_PACKET: case GPG_ERR_TOO_LARGE:
	case GPG_ERR_UNKNOWN_VERSION:
		return;
	default:
		problem("signature: unexpected error", cur_file, cur_mut,
			cur_pos, err);
		return;
	}
	if (!inside(s.hashed_part, s.hashed_part_len, body, len) ||
	    !inside(s.hashed, s.hashed_len, body, len) ||
	    !inside(s.unhashed, s.unhashed_len, body, len) ||
	    !inside(s.salt, s.salt_len, body, len) ||
	    !inside(s.reason_text, s.reason_len, body, len) ||
	    !inside(s.embedded, s.embedded_len, body, len) ||
	    s.nmpis > 2 || s.nregex > WEFT_MAX_REGEXES ||
	    (s.issuer_fpr_len != 0 && s.issuer_fpr_len != 20 &&
	     s.issuer_fpr_len != 32))
		problem("signature: field outside the body", cur_file, cur_mut,
			cur_pos, 0);
	for (i = 0; i < s.nmpis; i++)
		if (!inside(s.mpis[i].data, s.mpis[i].len, body, len))
			problem("signature: value outside the body", cur_file,
				cur_mut, cur_pos, 0);
	for (i = 0; i < s.nregex; i++)
		if (!weft_pkt_sig_regex(&s, (unsigned)i, &re, &re_len) ||
		    !inside(re, re_len, body, len))
			problem("signature: regex outside the body", cur_file,
				cur_mut, cur_pos, 0);
	/* The areas parsed, so iterating them again must end cleanly. */
	weft_subpacket_iter_init(&it, s.hashed, s.hashed_len, true);
	while (!(err = weft_subpacket_next(&it, &sp)))
		if (!inside(sp.raw, sp.raw_len, s.hashed, s.hashed_len))
			problem("subpacket outside its area", cur_file,
				cur_mut, cur_pos, 0);
	if (gpg_err_code(err) != GPG_ERR_EOF)
		problem("hashed area parses but does not iterate", cur_file,
			cur_mut, cur_pos, err);
	weft_subpacket_iter_init(&it, s.unhashed, s.unhashed_len, false);
	while (!(err = weft_subpacket_next(&it, &sp)))
		;
	if (gpg_err_code(err) != GPG_ERR_EOF)
		problem("unhashed area parses but does not iterate", cur_file,
			cur_mut, cur_pos, err);
	if (s.embedded && depth < WEFT_MAX_EMBED_DEPTH)
		check_sig(s.embedded, s.embedded_len, depth + 1);
}

static void
check_key(uint8_t tag, const uint8_t *body, size_t len)
{
	weft_pkt_key k;
	gpg_error_t err = weft_pkt_key_parse(&k, tag, body, len, NULL);
	unsigned i;

	switch (gpg_err_code(err)) {
	case 0:
		break;
	case GPG_ERR_INV_PACKET: case GPG_ERR_TOO_LARGE:
	case GPG_ERR_UNKNOWN_VERSION: case GPG_ERR_PUBKEY_ALGO:
		return;
	default:
		problem("key: unexpected error", cur_file, cur_mut, cur_pos,
			err);
		return;
	}
	if (k.pub != body || k.pub_len > len || k.nfields > WEFT_MAX_FIELDS ||
	    !inside(k.secret, k.secret_len, body, len) ||
	    (k.secret && k.secret != body + k.pub_len))
		problem("key: parts outside the body", cur_file, cur_mut,
			cur_pos, 0);
	for (i = 0; i < k.nfields; i++)
		if (!inside(k.fields[i].data, k.fields[i].len, k.pub,
			    k.pub_len))
			problem("key: field outside the public part", cur_file,
				cur_mut, cur_pos, 0);
}

static void
check_packets(const uint8_t *p, size_t len)
{
	weft_reader r;
	weft_packet pkt;
	gpg_error_t err;

	weft_reader_init(&r, p, len);
	while (!(err = weft_packet_next(&r, &pkt, NULL))) {
		if (!inside(pkt.body, pkt.body_len,
			    pkt.partial ? pkt.owned : p,
			    pkt.partial ? pkt.body_len : len) ||
		    pkt.body_len > WEFT_MAX_PACKET)
			problem("packet body outside the input", cur_file,
				cur_mut, cur_pos, 0);
		switch (pkt.tag) {
		case 5: case 6: case 7: case 14:
			check_key(pkt.tag, pkt.body, pkt.body_len);
			break;
		case 2:
			check_sig(pkt.body, pkt.body_len, 0);
			break;
		}
		weft_packet_release(&pkt);
	}
	switch (gpg_err_code(err)) {
	case GPG_ERR_EOF: case GPG_ERR_INV_PACKET: case GPG_ERR_TOO_LARGE:
		break;
	default:
		problem("framing: unexpected error", cur_file, cur_mut,
			cur_pos, err);
	}
	if (err && gpg_err_code(err) != GPG_ERR_EOF &&
	    weft_reader_offset(&r) > len)
		problem("framing: reader past the end", cur_file, cur_mut,
			cur_pos, err);
}

/* Build a certificate; if that works, canonical form must be stable:
 * write -> read -> canonicalize -> write gives the same octets. */
static void
check_cert(const uint8_t *p, size_t len)
{
	weft_cert *c = NULL, *c2 = NULL;
	weft_buf out, out2, st, st2;
	weft_diag diag;
	gpg_error_t err;

	weft_diag_clear(&diag);
	err = weft_cert_from_bytes(&c, len ? p : NULL, len, NULL, 0, NULL, 0, &diag);
	switch (gpg_err_code(err)) {
	case 0:
		break;
	case GPG_ERR_EOF:
		if (len)
			problem("cert: EOF for non-empty input", cur_file,
				cur_mut, cur_pos, err);
		return;
	case GPG_ERR_INV_PACKET: case GPG_ERR_TOO_LARGE:
	case GPG_ERR_UNKNOWN_VERSION: case GPG_ERR_PUBKEY_ALGO:
		if (c)
			problem("cert: error but a certificate", cur_file,
				cur_mut, cur_pos, err);
		if (!diag.msg[0])
			problem("cert: error without a diagnostic", cur_file,
				cur_mut, cur_pos, err);
		return;
	default:
		problem("cert: unexpected error", cur_file, cur_mut, cur_pos,
			err);
		return;
	}
	weft_cert_canonicalize(c);
	weft_buf_init(&out);
	weft_buf_init(&st);
	weft_buf_init(&out2);
	weft_buf_init(&st2);
	err = weft_cert_write(c, WEFT_CERT_WRITE_LOCAL |
			      WEFT_CERT_WRITE_UNCHECKED, &out, &st, NULL);
	if (err) {
		problem("cert: write fails", cur_file, cur_mut, cur_pos, err);
		goto leave;
	}
	if (st.len != weft_cert_nsigs(c))
		problem("cert: one state per written signature", cur_file,
			cur_mut, cur_pos, 0);
	err = weft_cert_from_bytes(&c2, out.data, out.len, st.data, st.len, NULL, 0,
				   NULL);
	if (err) {
		problem("cert: own output does not read back", cur_file,
			cur_mut, cur_pos, err);
		goto leave;
	}
	weft_cert_canonicalize(c2);
	err = weft_cert_write(c2, WEFT_CERT_WRITE_LOCAL |
			      WEFT_CERT_WRITE_UNCHECKED, &out2, &st2, NULL);
	if (err || out.len != out2.len || memcmp(out.data, out2.data, out.len))
		problem("cert: canonical form not stable", cur_file, cur_mut,
			cur_pos, err);
	if (c->had_secret && c2->had_secret)
		problem("cert: secret flag survived a public write", cur_file,
			cur_mut, cur_pos, 0);
leave:
	weft_buf_free(&out);
	weft_buf_free(&st);
	weft_buf_free(&out2);
	weft_buf_free(&st2);
	weft_cert_free(c);
	weft_cert_free(c2);
}

static void
check_all(const uint8_t *p, size_t len)
{
	check_packets(p, len);
	check_cert(p, len);
}

/* ---- mutations ------------------------------------------------------------------ */

static uint8_t *
load(const char *path, size_t *len)
{
	uint8_t *raw = t_slurp(path, len);
	weft_armor_list l;
	uint8_t *p;

	if (!strstr(path, ".asc"))
		return raw;
	if (weft_armor_decode(raw, *len, &l, NULL)) {
		printf("FAIL %s: cannot dearmor\n", path);
		exit(1);
	}
	p = malloc(l.blocks[0].len);
	memcpy(p, l.blocks[0].data, l.blocks[0].len);
	*len = l.blocks[0].len;
	weft_armor_list_free(&l);
	free(raw);
	return p;
}

static void
mutate_file(const char *path, unsigned long *runs)
{
	size_t len, i, bit;
	uint8_t *orig = load(path, &len), *m;
	unsigned before;

	cur_file = path;

	/* The original must parse as a certificate. */
	{
		weft_cert *c = NULL;
		gpg_error_t err = weft_cert_from_bytes(&c, orig, len, NULL, 0, NULL, 0,
						       NULL);

		T_CHECK(!err && c, "%s: original parses (%s)", path,
			gpg_strerror(err));
		weft_cert_free(c);
	}

	before = problems;
	cur_mut = "truncated";
	for (i = 0; i <= len; i++) {
		/* An exact-size copy, so that the sanitizer sees over-reads. */
		m = malloc(i ? i : 1);
		memcpy(m, orig, i);
		cur_pos = i;
		check_all(m, i);
		free(m);
		(*runs)++;
	}
	T_CHECK(problems == before, "%s: truncations", path);

	before = problems;
	cur_mut = "bit flipped";
	m = malloc(len);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(m, orig, len);
			m[i] ^= (uint8_t)(1u << bit);
			cur_pos = i * 8 + bit;
			check_all(m, len);
			(*runs)++;
		}
	}
	T_CHECK(problems == before, "%s: bit flips", path);

	before = problems;
	cur_mut = "octet set";
	for (i = 0; i < len; i++) {
		static const uint8_t vals[] = { 0x00, 0xff, 0x80, 0x7f };
		size_t v;

		for (v = 0; v < sizeof vals; v++) {
			if (orig[i] == vals[v])
				continue;
			memcpy(m, orig, len);
			m[i] = vals[v];
			cur_pos = i;
			check_all(m, len);
			(*runs)++;
		}
	}
	T_CHECK(problems == before, "%s: octets set to 00/ff/80/7f", path);
	free(m);
	free(orig);
}

/* Each key packet body alone, mutated: the packet parsers see the end of
 * the buffer exactly where the body ends. */
static void
mutate_bodies(const char *path, unsigned long *runs)
{
	size_t len, i, bit;
	uint8_t *orig = load(path, &len);
	weft_reader r;
	weft_packet pkt;
	unsigned before = problems;

	cur_file = path;
	cur_mut = "body bit flipped";
	weft_reader_init(&r, orig, len);
	while (!weft_packet_next(&r, &pkt, NULL)) {
		uint8_t *b = malloc(pkt.body_len ? pkt.body_len : 1);

		for (i = 0; i < pkt.body_len; i++) {
			for (bit = 0; bit < 8; bit++) {
				memcpy(b, pkt.body, pkt.body_len);
				b[i] ^= (uint8_t)(1u << bit);
				cur_pos = i * 8 + bit;
				if (pkt.tag == 2)
					check_sig(b, pkt.body_len, 0);
				else if (pkt.tag == 5 || pkt.tag == 6 ||
					 pkt.tag == 7 || pkt.tag == 14)
					check_key(pkt.tag, b, pkt.body_len);
				(*runs)++;
			}
		}
		free(b);
		weft_packet_release(&pkt);
	}
	T_CHECK(problems == before, "%s: body bit flips", path);
	free(orig);
}

int
main(void)
{
	static const char *const files[] = {
		"tests/data/packet/rsa1024.pgp",
		"tests/data/packet/dsa1024-elg.pgp",
		"tests/data/packet/nistp256.pgp",
		"tests/data/packet/ed25519.pgp",
		"tests/data/packet/ed25519-secret.pgp",
		"tests/data/cert/dates.pgp",
		"tests/data/cert/uidrev.pgp",
		"tests/data/cert/merge.pgp",
		"tests/data/cert/merge-secret.pgp",
		"tests/data/rfc9580/v4-ed25519-legacy-cert.asc",
		"tests/data/rfc9580/v6-cert.asc",
		"tests/data/rfc9580/v6-secret.asc",
		"tests/data/rfc9580/v6-secret-locked.asc",
		"tests/data/crypto/syn-v6-ed448.pgp",
	};
	unsigned long runs = 0;
	size_t i;

	if (weft_crypto_init()) {
		printf("FAIL weft_crypto_init\n");
		return 1;
	}
	for (i = 0; i < WEFT_ARRAY_SIZE(files); i++) {
		mutate_file(files[i], &runs);
		mutate_bodies(files[i], &runs);
	}
	printf("%lu mutated inputs, %u problems\n", runs, problems);
	return t_done();
}
