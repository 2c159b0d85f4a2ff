/* json.c - a small streaming JSON writer (pretty-printed, 2 spaces). */
#include <string.h>

#include "cli.h"

void
json_init(json *j, FILE *f)
{
	memset(j, 0, sizeof *j);
	j->f = f;
	j->first[0] = true;
}

static void
indent(json *j)
{
	int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Before a value: a comma and a new line unless it follows a key. */
static void
pre_value(json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		indent(j);
	}
	j->first[j->depth] = false;
}

static void
open(json *j, char ch)
{
	pre_value(j);
	fputc(ch, j->f);
	if (j->depth < 31)
		j->depth++;
	j->first[j->depth] = true;
}

static void
close_(json *j, char ch)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(ch, j->f);
}

void json_begin_obj(json *j) { open(j, '{'); }
void json_end_obj(json *j) { close_(j, '}'); }
void json_begin_arr(json *j) { open(j, '['); }
void json_end_arr(json *j) { close_(j, ']'); }

/* Length of the valid UTF-8 sequence at P (0 if invalid). */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) {
		len = 2;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond Unicode. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp > 0x10ffff)
		return 0;
	return len;
}

static void
put_string(json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	fputc('"', j->f);
	while (i < n) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			fputc('\\', j->f);
			fputc(c, j->f);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(j->f, "\\u%04x", c);
			i++;
		} else if ((l = utf8_len(p + i, n - i)) == 0) {
			fputs("\\ufffd", j->f);
			i++;
		} else {
			fwrite(p + i, 1, l, j->f);
			i += l;
		}
	}
	fputc('"', j->f);
}

void
json_key(json *j, const char *k)
{
	pre_value(j);
	put_string(j, k, strlen(k));
	fputs(": ", j->f);
	j->after_key = true;
}

void
json_strn(json *j, const char *s, size_t n)
{
	pre_value(j);
	put_string(j, s, n);
}

void
json_str(json *j, const char *s)
{
	if (!s) {
		json_null(j);
		return;
	}
	json_strn(j, s, strlen(s));
}

void
json_int(json *j, int64_t v)
{
	pre_value(j);
	fprintf(j->f, "%lld", (long long)v);
}

void
json_bool(json *j, bool v)
{
	pre_value(j);
	fputs(v ? "true" : "false", j->f);
}

void
json_null(json *j)
{
	pre_value(j);
	fputs("null", j->f);
}

void
json_time(json *j, int64_t t)
{
	char buf[32];

	if (!t) {
		json_null(j);
		return;
	}
	fmt_rfc3339(t, buf, sizeof buf);
	json_str(j, buf);
}

void
json_end(json *j)
{
	fputc('\n', j->f);
}
