/* text.c - Unicode lower case (libunistring) and IDNA (libidn2). */
#include <stdlib.h>
#include <idn2.h>
#include <unicase.h>
#include <unistr.h>

#include "mem.h"
#include "text.h"

char *
weft_text_lower(const uint8_t *s, size_t n, size_t *outlen)
{
	uint8_t *low;
	char *out;
	size_t len = 0, i;

	if (n && !u8_check(s, n)) {
		low = u8_tolower(s, n, NULL, NULL, NULL, &len);
		if (low) {
			out = weft_memdupz(low, len);
			free(low);
			if (outlen)
				*outlen = out ? len : 0;
			return out;
		}
	}
	/* Empty, invalid UTF-8, or libunistring failed: ASCII only. */
	out = malloc(n + 1);
	if (!out)
		return NULL;
	for (i = 0; i < n; i++)
		out[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
	out[n] = 0;
	if (outlen)
		*outlen = n;
	return out;
}

bool
weft_text_contains_ci(const uint8_t *hay, size_t hay_len, const char *needle)
{
	char *h, *nd;
	bool yes;

	if (!*needle)
		return true;
	h = weft_text_lower(hay, hay_len, NULL);
	nd = weft_text_lower((const uint8_t *)needle, strlen(needle), NULL);
	yes = h && nd && strstr(h, nd) != NULL;
	free(h);
	free(nd);
	return yes;
}

bool
weft_email_normalize(const uint8_t *addr, size_t len, char *out,
		     size_t outlen)
{
	const uint8_t *at = NULL;
	char *local = NULL, *domain = NULL, *ascii = NULL, *p;
	size_t i, llen;
	bool ok = false;

	for (i = 0; i < len; i++)
		if (addr[i] == '@')
			at = addr + i;
	if (!at || at == addr || at == addr + len - 1)
		return false;
	local = weft_text_lower(addr, (size_t)(at - addr), &llen);
	domain = weft_text_lower(at + 1, len - (size_t)(at - addr) - 1, NULL);
	if (!local || !domain)
		goto leave;
	/* UTS #46 processing, as the idna crate does for Sequoia; a domain
	 * it refuses stays as written (lower-cased). */
	if (idn2_to_ascii_8z(domain, &ascii,
			     IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
		ascii = NULL;
	p = ascii ? ascii : domain;
	for (i = 0; p[i]; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] += 32;
	if (llen + 1 + strlen(p) + 1 > outlen)
		goto leave;
	memcpy(out, local, llen);
	out[llen] = '@';
	strcpy(out + llen + 1, p);
	ok = true;
leave:
	free(local);
	free(domain);
	if (ascii)
		idn2_free(ascii);
	return ok;
}

bool
weft_domain_ok(const char *d)
{
	size_t n = strlen(d);

	if (!n || n > 253 || d[0] == '.' || d[n - 1] == '.')
		return false;
	for (; *d; d++)
		if (!((*d >= 'A' && *d <= 'Z') || (*d >= 'a' && *d <= 'z') ||
		      (*d >= '0' && *d <= '9') || *d == '-' || *d == '.'))
			return false;
	return true;
}
