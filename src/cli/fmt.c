/* fmt.c - dates, algorithm names, validity tags, escaping. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

void
fmt_date(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		snprintf(out, n, "?");
	else
		strftime(out, n, "%Y-%m-%d", &tm);
}

void
fmt_rfc3339(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm))
		snprintf(out, n, "?");
	else
		strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
parse_time(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 0, om = 0, sign = 0;
	const char *p;
	char *end;
	long long v;

	*out = 0;
	if (!*s)
		return false;
	/* Unix seconds. */
	for (p = s; isdigit((unsigned char)*p); p++)
		;
	if (!*p && p - s != 8) {
		v = strtoll(s, &end, 10);
		if (*end || v < 0)
			return false;
		*out = v;
		return true;
	}
	if (strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d))
		return false;
	p = s + 10;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		if (!digits(p + 1, 2, &h) || p[3] != ':' ||
		    !digits(p + 4, 2, &mi))
			return false;
		p += 6;
		if (*p == ':') {
			if (!digits(p + 1, 2, &se))
				return false;
			p += 3;
			if (*p == '.')
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			if (!digits(p + 1, 2, &oh) || p[3] != ':' ||
			    !digits(p + 4, 2, &om))
				return false;
			p += 6;
		}
	}
	if (*p)
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return false;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = (int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60);
	return *out >= 0;
}

void
fput_escaped(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, k;

	while (i < n) {
		unsigned char c = p[i];

		if (c >= 0x20 && c < 0x7f) {
			fputc(c, f);
			i++;
			continue;
		}
		len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
		      : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (len && i + len <= n) {
			for (k = 1; k < len && (p[i + k] & 0xc0) == 0x80; k++)
				;
			/* C1 controls (U+0080..U+009F) are escaped too. */
			if (k == len && !(len == 2 && c == 0xc2 && p[i + 1] < 0xa0)) {
				fwrite(p + i, 1, len, f);
				i += len;
				continue;
			}
		}
		fprintf(f, "\\x%02x", c);
		i++;
	}
}

const char *
fmt_validity_tag(weft_validity v)
{
	switch (v) {
	case WEFT_VALIDITY_ULTIMATE: return "[ultimate]";
	case WEFT_VALIDITY_FULL: return "[  full  ]";
	case WEFT_VALIDITY_MARGINAL: return "[marginal]";
	case WEFT_VALIDITY_NEVER: return "[  never ]";
	case WEFT_VALIDITY_UNDEFINED: return "[  undef ]";
	case WEFT_VALIDITY_EXPIRED: return "[ expired]";
	case WEFT_VALIDITY_REVOKED: return "[ revoked]";
	default: return "[ unknown]";
	}
}

void
fmt_algo(char *out, size_t n, const char *algo, unsigned bits,
	 const char *curve)
{
	if (curve)
		snprintf(out, n, "%s", curve);
	else if (!strcmp(algo, "ed25519") || !strcmp(algo, "x25519") ||
		 !strcmp(algo, "ed448") || !strcmp(algo, "x448"))
		snprintf(out, n, "%s", algo);  /* RFC 9580 native keys */
	else
		snprintf(out, n, "%s%u", algo, bits);
}

void
fmt_caps(char *out, unsigned caps, bool upper)
{
	char *p = out;

	if (caps & WEFT_CAP_SIGN)
		*p++ = upper ? 'S' : 's';
	if (caps & WEFT_CAP_CERTIFY)
		*p++ = upper ? 'C' : 'c';
	if (caps & WEFT_CAP_ENCRYPT)
		*p++ = upper ? 'E' : 'e';
	if (caps & WEFT_CAP_AUTH)
		*p++ = upper ? 'A' : 'a';
	*p = 0;
}
