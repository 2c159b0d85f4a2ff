/* tests/fuzz/mime.c - libFuzzer target for the MIME parser of weft
 * verify-mail (keyring/verify/mail/mime.c), the From: address reader
 * (addr.c) and the BER check in front of libksba (smime.c).
 *
 *   make BUILD=build build/fuzz/mime
 *   build/fuzz/mime -max_len=65536 -max_total_time=60 corpus/
 *
 * S/MIME parts (application/pkcs7-signature after a signed part,
 * application/pkcs7-mime) also go through weft_mail__smime, libksba and
 * libgcrypt included.  libksba 1.6.3 leaks on some malformed input (see
 * smime.c, cms_parse_step), so leak checking is off (__lsan_disable)
 * while that runs; everything else of the sanitizers stays on, and the
 * e2e sanitizer run (tests/e2e/verify-mail.sh) checks weft's own frees
 * of libksba's results.
 *
 * Besides the sanitizers it checks what mail.h promises: on error a
 * diagnostic and a known code; on success every part lies inside the
 * message and inside its parent, ids name the tree, depth and part
 * count stay under their caps, transfer decoding never grows a body,
 * and the CRLF canonical form of a part has exactly one CR before each
 * LF and at most twice its octets.
 */
#include <stdlib.h>

#include "verify/mail/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static weft_ctx *ctx;

/* LeakSanitizer's switches, when it is there (weak: the replay build
 * without sanitizers has none). */
void __lsan_disable(void) __attribute__((weak));
void __lsan_enable(void) __attribute__((weak));

/* S/MIME: the results must be consistent; errors have a diagnostic. */
static void
check_smime(const weft_mime *m, const weft_mime_part *p,
	    const weft_mime_part *signed_)
{
	weft_smime_info *v = NULL;
	weft_diag d;
	weft_buf der;
	size_t n = 0, i;
	gpg_error_t err;

	if (!ctx && weft_ctx_new(&ctx))
		abort();
	weft_buf_init(&der);
	if (weft_mime_decode(m, p, &der))
		abort();
	weft_diag_clear(&d);
	if (__lsan_disable)
		__lsan_disable();
	err = weft_mail__smime(ctx, der.data, der.len, m, signed_, &v, &n, &d);
	if (__lsan_enable)
		__lsan_enable();
	if (err) {
		if (v || n || !d.msg[0])
			abort();
	} else {
		if (!n || n > WEFT_MAIL_MAX_SIGNERS)
			abort();
		for (i = 0; i < n; i++) {
			if (v[i].verdict == WEFT_VERDICT_GOOD && !v[i].ca_status)
				abort();
			if (v[i].ok && (v[i].verdict != WEFT_VERDICT_GOOD ||
					v[i].problem))
				abort();
			weft_mail__smime_info_free(&v[i]);
		}
		free(v);
	}
	weft_buf_free(&der);
}

static void
check_part(const weft_mime *m, size_t i)
{
	const weft_mime_part *p = &m->parts[i];
	weft_mime_canon c;
	weft_buf b;
	uint8_t buf[4096];
	size_t got, total = 0, crs = 0, lfs = 0;
	uint8_t prev = 0;
	weft_diag d;

	if (p->raw_off > m->len || p->raw_len > m->len - p->raw_off ||
	    p->body_off < p->raw_off ||
	    p->body_off + p->body_len != p->raw_off + p->raw_len)
		abort();
	if (p->depth > WEFT_MIME_MAX_DEPTH)
		abort();
	if (p->parent != WEFT_MIME_NONE) {
		const weft_mime_part *q = &m->parts[p->parent];

		if (p->parent >= i || p->depth != q->depth + 1 ||
		    p->raw_off < q->body_off ||
		    p->raw_off + p->raw_len > q->body_off + q->body_len ||
		    strncmp(p->id, q->id, strlen(q->id)))
			abort();
	} else if (i != 0 || strcmp(p->id, "1")) {
		abort();
	}
	if (!p->type[0] || !strchr(p->type, '/'))
		abort();
	weft_buf_init(&b);
	if (weft_mime_decode(m, p, &b) || b.len > p->body_len)
		abort();
	/* what the engine does with decoded bodies */
	weft_diag_clear(&d);
	(void)weft_mail__ber_check(b.data, b.len, &d);
	weft_buf_free(&b);
	weft_mime_canon_init(&c, m, p);
	do {
		size_t k;

		if (weft_mime_canon_read(&c, buf, 1 + (total % sizeof buf), &got))
			abort();
		for (k = 0; k < got; k++) {
			if (buf[k] == '\n') {
				lfs++;
				if (prev != '\r')
					abort();
			}
			crs += buf[k] == '\r';
			prev = buf[k];
		}
		total += got;
	} while (got);
	if (total > 2 * p->raw_len || total < p->raw_len || crs < lfs)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	weft_mime m;
	gpg_error_t err;
	size_t i;

	err = weft_mime_parse(&m, size ? data : NULL, size);
	if (err) {
		if (!m.diag.msg[0])
			abort();
		switch (gpg_err_code(err)) {
		case GPG_ERR_BAD_DATA:
		case GPG_ERR_TOO_LARGE:
			break;
		default:
			abort();
		}
		weft_mime_free(&m);
		return 0;
	}
	if (!m.n || m.n > WEFT_MIME_MAX_PARTS)
		abort();
	for (i = 0; i < m.n; i++) {
		const weft_mime_part *p = &m.parts[i];

		check_part(&m, i);
		if (weft_mime_is(p, "application/pkcs7-mime"))
			check_smime(&m, p, NULL);
		else if (weft_mime_is(p, "application/pkcs7-signature") &&
			 p->parent != WEFT_MIME_NONE &&
			 m.parts[p->parent].first_child != i)
			check_smime(&m, p, &m.parts[m.parts[p->parent].first_child]);
	}
	if (m.from) {
		char addr[512];
		unsigned count;

		if (weft_mail__from_address(m.from, addr, sizeof addr, &count) &&
		    (!count || !strchr(addr, '@')))
			abort();
	}
	weft_mime_free(&m);
	return 0;
}
