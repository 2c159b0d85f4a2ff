/* tests/fuzz/cert.c - libFuzzer target for certificates:
 * weft_cert_from_bytes, self-signature checking, pruning, the state
 * queries, canonicalization, merging and writing.
 *
 *   make fuzz
 *   mkdir -p /tmp/corpus-cert
 *   build/fuzz/cert -max_len=8192 /tmp/corpus-cert tests/data/cert \
 *       tests/data/packet tests/data/crypto
 *
 * Invariants (abort when broken): only documented errors; the canonical
 * form is a fixed point (write, read, canonicalize, write gives the same
 * octets); a certificate merged with a second copy of itself reports no
 * change; the written form has no secret key packets; one state octet per
 * written signature.
 */
#include <stdlib.h>

#include "cert/cert.h"
#include "crypto/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
write_canon(const weft_cert *c, weft_buf *out, weft_buf *st)
{
	if (weft_cert_write(c, WEFT_CERT_WRITE_LOCAL | WEFT_CERT_WRITE_UNCHECKED,
			    out, st, NULL))
		abort();
}

static void
states(weft_cert *c, uint32_t t)
{
	weft_binding_state bs;
	weft_key_state ks;
	size_t i;

	weft_cert_primary_state(c, t, &ks);
	(void)weft_cert_primary_uid(c, t);
	for (i = 0; i < c->nuids; i++)
		weft_cert_uid_state(c, &c->uids[i], t, &bs);
	for (i = 0; i < c->nsubkeys; i++)
		weft_cert_subkey_state(c, &c->subkeys[i], t, &ks);
	(void)weft_cert_is_usable(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	weft_cert *c = NULL, *c2 = NULL, *c3 = NULL;
	weft_buf out, st, out2;
	weft_diag diag;
	weft_reader r;
	weft_packet pkt;
	gpg_error_t err;
	bool changed = true;

	if (!init) {
		if (weft_crypto_init())
			abort();
		init = 1;
	}
	weft_diag_clear(&diag);
	err = weft_cert_from_bytes(&c, size ? data : NULL, size, NULL, 0, NULL, 0,
				   &diag);
	if (err) {
		switch (gpg_err_code(err)) {
		case GPG_ERR_EOF:
			if (size)
				abort();
			break;
		case GPG_ERR_INV_PACKET: case GPG_ERR_TOO_LARGE:
		case GPG_ERR_UNKNOWN_VERSION: case GPG_ERR_PUBKEY_ALGO:
			if (!diag.msg[0] || c)
				abort();
			break;
		default:
			abort();
		}
		return 0;
	}

	/* Canonical form is a fixed point. */
	weft_cert_canonicalize(c);
	weft_buf_init(&out);
	weft_buf_init(&st);
	weft_buf_init(&out2);
	write_canon(c, &out, &st);
	if (st.len != weft_cert_nsigs(c))
		abort();
	if (weft_cert_from_bytes(&c2, out.data, out.len, st.data, st.len, NULL, 0, NULL))
		abort();
	weft_cert_canonicalize(c2);
	write_canon(c2, &out2, NULL);
	if (out.len != out2.len || memcmp(out.data, out2.data, out.len))
		abort();
	weft_reader_init(&r, out.data, out.len);
	while (!weft_packet_next(&r, &pkt, NULL)) {
		if (pkt.tag == 5 || pkt.tag == 7 || !pkt.new_format)
			abort();
		weft_packet_release(&pkt);
	}

	/* Merging a copy of itself changes nothing. */
	if (weft_cert_from_bytes(&c3, data, size, NULL, 0, NULL, 0, NULL))
		abort();
	if (weft_cert_merge(c2, c3, &changed) || changed)
		abort();

	/* Self-signatures, pruning, state at a few times. */
	if (weft_cert_check_self(c, false) == 0) {
		states(c, 0);
		states(c, 1577836800u);
		states(c, 0xffffffffu);
		weft_cert_prune(c, &diag);
		states(c, 1700000000u);
		weft_buf_reset(&out2);
		write_canon(c, &out2, NULL);
	}

	weft_buf_free(&out);
	weft_buf_free(&st);
	weft_buf_free(&out2);
	weft_cert_free(c);
	weft_cert_free(c2);
	weft_cert_free(c3);
	return 0;
}
