/* uid.c - what weft reads out of a user ID. */
#include "cert.h"
#include "../util/text.h"

static bool
addr_char_ok(uint8_t ch)
{
	return ch > 0x20 && ch != 0x7f && ch != '<' && ch != '>';
}

/* An address: no spaces or control characters, exactly one '@' not at
 * either end; normalised (util/text.h). */
static bool
copy_lower(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	size_t i, at = 0;

	if (!n || n >= outlen)
		goto no;
	for (i = 0; i < n; i++) {
		if (!addr_char_ok(p[i]))
			goto no;
		at += p[i] == '@';
	}
	if (at != 1 || p[0] == '@' || p[n - 1] == '@')
		goto no;
	if (weft_email_normalize(p, n, out, outlen))
		return true;
no:
	out[0] = 0;
	return false;
}

bool
weft_uid_address(const uint8_t *uid, size_t len, const uint8_t **addr,
		 size_t *alen)
{
	size_t i, open = len, close = len;

	/* "Name (comment) <addr>": the last <...> pair; else the whole. */
	for (i = len; i-- > 0;) {
		if (uid[i] == '>' && close == len)
			close = i;
		else if (uid[i] == '<' && close != len) {
			open = i;
			break;
		}
	}
	if (open < close && close < len) {
		*addr = uid + open + 1;
		*alen = close - open - 1;
	} else {
		*addr = uid;
		*alen = len;
	}
	return *alen > 0;
}

bool
weft_uid_email(const uint8_t *uid, size_t len, char *out, size_t outlen)
{
	const uint8_t *a;
	size_t n;

	if (outlen)
		out[0] = 0;
	if (!weft_uid_address(uid, len, &a, &n))
		return false;
	return copy_lower(a, n, out, outlen);
}
