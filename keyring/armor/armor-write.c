/* armor-write.c - streaming ASCII armor output (armor-write.h). */
#include <stdio.h>
#include <string.h>

#include "armor-write.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static gpg_error_t
out(weft_armor_writer *w, const char *s, size_t n)
{
	return w->write(w->opaque, (const uint8_t *)s, n);
}

static gpg_error_t
flush_line(weft_armor_writer *w)
{
	gpg_error_t err;

	if (!w->nline)
		return 0;
	w->line[w->nline++] = '\n';
	err = out(w, w->line, w->nline);
	w->nline = 0;
	return err;
}

/* One group of three octets (N of them real) as four characters. */
static gpg_error_t
group(weft_armor_writer *w, const uint8_t g[3], size_t n)
{
	uint32_t v = (uint32_t)g[0] << 16 | (uint32_t)(n > 1 ? g[1] : 0) << 8 |
		     (n > 2 ? g[2] : 0);

	w->line[w->nline++] = b64[(v >> 18) & 63];
	w->line[w->nline++] = b64[(v >> 12) & 63];
	w->line[w->nline++] = n > 1 ? b64[(v >> 6) & 63] : '=';
	w->line[w->nline++] = n > 2 ? b64[v & 63] : '=';
	return w->nline >= 64 ? flush_line(w) : 0;
}

gpg_error_t
weft_armor_writer_begin(weft_armor_writer *w, const char *label,
			const weft_armor_header *headers, size_t nheaders,
			weft_write_fn write, void *opaque)
{
	char line[1024];
	size_t i;
	int n;
	gpg_error_t err;

	memset(w, 0, sizeof *w);
	w->write = write;
	w->opaque = opaque;
	w->label = label;
	w->crc = WEFT_CRC24_INIT;
	n = snprintf(line, sizeof line, "-----BEGIN %s-----\n", label);
	if ((err = out(w, line, (size_t)n)))
		return err;
	for (i = 0; i < nheaders; i++) {
		n = snprintf(line, sizeof line, "%s: %s\n", headers[i].name,
			     headers[i].value);
		if (n < 0 || (size_t)n >= sizeof line)
			return WEFT_ERR(GPG_ERR_TOO_LARGE);
		if ((err = out(w, line, (size_t)n)))
			return err;
	}
	return out(w, "\n", 1);
}

gpg_error_t
weft_armor_writer_put(weft_armor_writer *w, const uint8_t *p, size_t n)
{
	gpg_error_t err;

	w->crc = weft_crc24_update(w->crc, p, n);
	while (n) {
		w->pend[w->npend++] = *p++;
		n--;
		if (w->npend == 3) {
			w->npend = 0;
			if ((err = group(w, w->pend, 3)))
				return err;
		}
	}
	return 0;
}

gpg_error_t
weft_armor_writer_end(weft_armor_writer *w)
{
	uint8_t c[3];
	char line[128];
	int n;
	gpg_error_t err;

	if (w->npend && (err = group(w, w->pend, w->npend)))
		return err;
	w->npend = 0;
	if ((err = flush_line(w)))
		return err;
	c[0] = (uint8_t)(w->crc >> 16);
	c[1] = (uint8_t)(w->crc >> 8);
	c[2] = (uint8_t)w->crc;
	w->line[w->nline++] = '=';
	if ((err = group(w, c, 3)) || (err = flush_line(w)))
		return err;
	n = snprintf(line, sizeof line, "-----END %s-----\n", w->label);
	return out(w, line, (size_t)n);
}
