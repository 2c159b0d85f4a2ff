/* addr.c - the address of a From: field (RFC 5322 3.4).
 *
 * A From: value is a list of mailboxes separated by commas, each
 * "display name <addr-spec>" or a bare addr-spec, with comments and
 * quoted strings anywhere (a comma or a '<' inside them means nothing);
 * a group "name: mailbox, ...;" is read as the mailboxes inside it.
 *  1. Split at the commas, colons and semicolons that are outside
 *     quoted strings, comments and angle brackets.
 *  2. In each piece, the address is what is inside the first <...>
 *     outside quoted strings and comments (an obsolete route "@a,@b:"
 *     at its start dropped), else the whole piece; comments and white
 *     space are dropped from it and quoted strings unquoted.
 *  3. The first address is normalised as the addresses of user IDs are
 *     (weft_uid_email: one '@', no spaces; lower case, IDNA domain), so
 *     that it compares with them; pieces with nothing in them (an empty
 *     group) do not count.
 */
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "../../cert/cert.h"

#define ADDR_MAX 512

/* Skip a comment starting at S[I] == '('; returns the index after it
 * (the end when it is not closed). */
static size_t
skip_comment(const char *s, size_t i, size_t n)
{
	unsigned depth = 0;

	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
		if (depth > WEFT_MIME_MAX_COMMENT)
			return n;
	}
	return n;
}

/* Skip a quoted string starting at S[I] == '"'. */
static size_t
skip_quoted(const char *s, size_t i, size_t n)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return n;
}

/* Step 2's copy: S[A..B) without comments and white space, quoted
 * strings unquoted, into OUT (at most ADDR_MAX - 1 octets).  False when
 * it does not fit. */
static bool
copy_addr(const char *s, size_t a, size_t b, char *out, size_t *olen)
{
	size_t i = a, k = 0;

	while (i < b) {
		char c = s[i];

		if (c == '(') {
			i = skip_comment(s, i, b);
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			i++;
		} else if (c == '"') {
			for (i++; i < b && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < b)
					i++;
				if (k + 1 >= ADDR_MAX)
					return false;
				out[k++] = s[i];
			}
			if (i < b)
				i++;
		} else {
			if (k + 1 >= ADDR_MAX)
				return false;
			out[k++] = c;
			i++;
		}
	}
	out[k] = 0;
	*olen = k;
	return true;
}

/* The address of the mailbox S[A..B) into OUT; false when empty. */
static bool
mailbox(const char *s, size_t a, size_t b, char *out, size_t *olen)
{
	size_t i = a, open = b, close = b;

	while (i < b) {
		if (s[i] == '(')
			i = skip_comment(s, i, b);
		else if (s[i] == '"')
			i = skip_quoted(s, i, b);
		else if (s[i] == '<') {
			open = i;
			for (close = i + 1; close < b && s[close] != '>'; close++)
				if (s[close] == '"')
					close = skip_quoted(s, close, b) - 1;
			break;
		} else
			i++;
	}
	if (open < b) {
		a = open + 1;
		b = close;
		/* an obsolete route: "@a.example,@b.example:" */
		if (a < b && s[a] == '@') {
			const char *colon = memchr(s + a, ':', b - a);

			if (colon)
				a = (size_t)(colon - s) + 1;
		}
	}
	if (!copy_addr(s, a, b, out, olen)) {
		out[0] = 0;
		*olen = 0;
		return true;    /* something, but nothing usable */
	}
	return *olen > 0;
}

bool
weft_mail__from_address(const char *field, char *out, size_t outlen,
			unsigned *count)
{
	char addr[ADDR_MAX];
	size_t n = strlen(field), i = 0, start = 0, alen;
	bool found = false, tried = false, in_group = false;

	*count = 0;
	if (outlen)
		out[0] = 0;
	/* step 1 */
	for (;;) {
		bool sep = i >= n;

		if (!sep) {
			char c = field[i];

			if (c == '(') {
				i = skip_comment(field, i, n);
				continue;
			}
			if (c == '"') {
				i = skip_quoted(field, i, n);
				continue;
			}
			if (c == '<') {
				while (i < n && field[i] != '>')
					i = field[i] == '"' ? skip_quoted(field, i, n)
							    : i + 1;
				continue;
			}
			if (c == ',' || c == ';' || (c == ':' && !in_group)) {
				if (c == ':') {
					/* a group's name: not a mailbox */
					in_group = true;
					start = ++i;
					continue;
				}
				if (c == ';')
					in_group = false;
				sep = true;
			}
		}
		if (sep) {
			size_t end = i < n ? i : n;

			if (mailbox(field, start, end, addr, &alen)) {
				(*count)++;
				if (!tried)
					found = alen && weft_uid_email(
						(const uint8_t *)addr, alen, out,
						outlen);
				tried = true;
			}
			if (i >= n)
				break;
			start = ++i;
			continue;
		}
		i++;
	}
	if (!found && outlen)
		out[0] = 0;
	return found;
}
