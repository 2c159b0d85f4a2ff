/* tests/fuzz/armor_stream.c - libFuzzer target for weft_armor_stream_open,
 * checked against weft_armor_decode.
 *
 *   make fuzz && build/fuzz/armor_stream -max_len=65536 corpus/ \
 *       tests/data/armor tests/data/rfc9580
 *
 * The input is read block after block through a source that hands it out
 * in pieces (their size and the read sizes depend on the input's length,
 * so that seeds stay plain armor files), as a caller would: a cleartext
 * message's text is skipped up to its signature line, the way armor.c
 * skips it.  Then, for text input (binary input is the stream's NO_DATA
 * and the buffer decoder's copy), both decoders must agree: the same
 * error code, or the same blocks (labels, headers, octets); for an error
 * in the first block, the same diagnostic.  The one allowed difference:
 * the stream reads a cleartext message's headers and rejects bad ones,
 * which the buffer decoder skips with the text.
 *
 * Also checked: outputs unset after an error from open, a diagnostic for
 * every error, only the documented error codes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "armor/armor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BLOCKS 64

typedef struct src {
	const uint8_t *p;
	size_t n, off, chunk;
} src;

static gpg_error_t
src_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	src *s = opaque;
	size_t k = s->chunk;

	if (k > n)
		k = n;
	if (k > s->n - s->off)
		k = s->n - s->off;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	*got = k;
	return 0;
}

typedef struct blk {
	char *label;
	weft_armor_header *h;
	size_t nh;
	weft_buf data;
} blk;

/* armor.c's cleartext skipping: up to the line that is, without trailing
 * blanks, the signature's BEGIN line. */
static bool
skip_cleartext(weft_stream *s, gpg_error_t *err)
{
	static const char sig[] = "-----BEGIN PGP SIGNATURE-----";
	const uint8_t *p, *nl;
	size_t avail, n, t;
	bool in_long = false;

	for (;;) {
		if ((*err = weft_stream_peek(s, WEFT_STREAM_BUF, &p, &avail)) ||
		    !avail)
			return false;
		nl = memchr(p, '\n', avail);
		if (!nl && avail == WEFT_STREAM_BUF) {
			weft_stream_skip(s, avail);
			in_long = true;
			continue;
		}
		n = nl ? (size_t)(nl - p) : avail;
		t = n;
		while (t && (p[t - 1] == ' ' || p[t - 1] == '\t' ||
			     p[t - 1] == '\r'))
			t--;
		if (!in_long && t == strlen(sig) && !memcmp(p, sig, t))
			return true;
		in_long = false;
		weft_stream_skip(s, nl ? n + 1 : n);
	}
}

static void
check_code(gpg_error_t err, const weft_diag *diag)
{
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_ERROR:
		return;
	case GPG_ERR_NO_DATA:
	case GPG_ERR_BAD_DATA:
	case GPG_ERR_CHECKSUM:
	case GPG_ERR_TOO_LARGE:
		if (!diag->msg[0])
			abort(); /* every error explains itself */
		return;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = { 1, 2, 3, 5, 64, 1000, SIZE_MAX };
	static const size_t reads[] = { 1, 7, 48, 4096, 100000 };
	static uint8_t buf[100000];
	blk b[MAX_BLOCKS];
	size_t nb = 0, err_block = 0, nh, got, i, k;
	weft_stream in, out;
	weft_armor_list l;
	weft_diag sdiag, bdiag;
	weft_armor_header *h;
	char *label, bmsg[WEFT_DIAG_MAX], *p;
	gpg_error_t serr = 0, berr;
	bool cleartext = false, clear_hdr = false, binary;
	src s = { data, size, 0, chunks[size % 7] };
	size_t readsz = reads[(size / 7) % 5];

	binary = size && (data[0] & 0x80) &&
		 !(size >= 3 && data[0] == 0xef && data[1] == 0xbb &&
		   data[2] == 0xbf);
	weft_diag_clear(&sdiag);
	if (weft_stream_init(&in, src_read, NULL, &s))
		abort();
	for (;;) {
		serr = weft_armor_stream_open(&out, &in, &label, &h, &nh,
					      &sdiag);
		if (serr) {
			if (out.read || out.buf || label || h || nh)
				abort();
			check_code(serr, &sdiag);
			err_block = nb;
			if (strstr(sdiag.msg, "cleartext signed message"))
				clear_hdr = true;
			if (gpg_err_code(serr) == GPG_ERR_NO_DATA && nb)
				serr = 0;
			break;
		}
		if (!label)
			abort();
		if (!strcmp(label, "PGP SIGNED MESSAGE")) {
			if (out.read || out.buf)
				abort();
			if (!nb)
				cleartext = true;
			free(label);
			weft_armor_headers_free(h, nh);
			if (!skip_cleartext(&in, &serr)) {
				if (!serr)
					serr = gpg_error(GPG_ERR_BAD_DATA);
				err_block = nb;
				break;
			}
			continue;
		}
		if (nb == MAX_BLOCKS) {
			weft_stream_close(&out);
			free(label);
			weft_armor_headers_free(h, nh);
			goto done; /* too many to compare; no crash is all */
		}
		b[nb].label = label;
		b[nb].h = h;
		b[nb].nh = nh;
		weft_buf_init(&b[nb].data);
		do {
			serr = weft_stream_read(&out, buf, readsz, &got);
			weft_buf_put(&b[nb].data, buf, got);
		} while (!serr && got);
		nb++;
		if (b[nb - 1].data.len > size)
			abort();
		weft_stream_close(&out);
		if (serr) {
			check_code(serr, &sdiag);
			err_block = nb - 1;
			break;
		}
	}
	if (binary) {
		/* the stream leaves binary alone */
		if (gpg_err_code(serr) != GPG_ERR_NO_DATA || in.consumed)
			abort();
		goto done;
	}

	weft_diag_clear(&bdiag);
	berr = weft_armor_decode(size ? data : NULL, size, &l, &bdiag);
	if (clear_hdr)
		goto done_l; /* the stream is stricter there */
	if (gpg_err_code(berr) != gpg_err_code(serr)) {
		fprintf(stderr, "buffer: %s (%s)\nstream: %s (%s)\n",
			gpg_strerror(berr), bdiag.msg, gpg_strerror(serr),
			sdiag.msg);
		abort();
	}
	if (berr) {
		if (!cleartext && err_block == 0) {
			snprintf(bmsg, sizeof bmsg, "%s", bdiag.msg);
			p = strstr(bmsg, "armor block 1");
			if (p && (p[13] == ':' || p[13] == ' '))
				memmove(p + 11, p + 13, strlen(p + 13) + 1);
			/* a message cut at WEFT_DIAG_MAX: compare what both
			 * have (the buffer's is two characters shorter) */
			if (strlen(bdiag.msg) == WEFT_DIAG_MAX - 1
				    ? strncmp(bmsg, sdiag.msg, strlen(bmsg))
				    : strcmp(bmsg, sdiag.msg)) {
				fprintf(stderr, "buffer: %s\nstream: %s\n",
					bdiag.msg, sdiag.msg);
				abort();
			}
		}
		goto done_l;
	}
	if (l.n != nb)
		abort();
	for (i = 0; i < nb; i++) {
		if (!l.blocks[i].label ||
		    strcmp(l.blocks[i].label, b[i].label) ||
		    l.blocks[i].len != b[i].data.len ||
		    (b[i].data.len &&
		     memcmp(l.blocks[i].data, b[i].data.data, b[i].data.len)) ||
		    l.blocks[i].nheaders != b[i].nh)
			abort();
		for (k = 0; k < b[i].nh; k++)
			if (strcmp(l.blocks[i].headers[k].name, b[i].h[k].name) ||
			    strcmp(l.blocks[i].headers[k].value,
				   b[i].h[k].value))
				abort();
	}
done_l:
	weft_armor_list_free(&l);
done:
	for (i = 0; i < nb; i++) {
		free(b[i].label);
		weft_armor_headers_free(b[i].h, b[i].nh);
		weft_buf_free(&b[i].data);
	}
	weft_stream_close(&in);
	return 0;
}
