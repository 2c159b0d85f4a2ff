/* uid.c - what weft reads out of a user ID. */
#include "cert.h"

static bool
addr_char_ok(uint8_t ch)
{
	return ch > 0x20 && ch != 0x7f && ch != '<' && ch != '>';
}

static bool
copy_lower(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	size_t i, at = 0;

	if (!n || n >= outlen)
		return false;
	for (i = 0; i < n; i++) {
		if (!addr_char_ok(p[i])) {
			out[0] = 0;
			return false;
		}
		if (p[i] == '@')
			at++;
		out[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
	}
	out[n] = 0;
	/* Exactly one '@', not at either end. */
	if (at == 1 && out[0] != '@' && out[n - 1] != '@')
		return true;
	out[0] = 0;
	return false;
}

bool
weft_uid_email(const uint8_t *uid, size_t len, char *out, size_t outlen)
{
	size_t i, open = len, close = len;

	if (outlen)
		out[0] = 0;
	/* "Name (comment) <addr>": the last <...> pair. */
	for (i = len; i-- > 0;) {
		if (uid[i] == '>' && close == len)
			close = i;
		else if (uid[i] == '<' && close != len) {
			open = i;
			break;
		}
	}
	if (open < close && close < len)
		return copy_lower(uid + open + 1, close - open - 1, out, outlen);
	/* A bare address. */
	return copy_lower(uid, len, out, outlen);
}
