/* t.h - the unit-test harness: one program per file, case tables, a
 * summary line.  Each check prints nothing when it passes and one "FAIL"
 * line (file:line, what) when it fails; t_done() prints
 * "N passed, M failed" and returns the exit status.  tests/run adds up
 * these summary lines.
 *
 *   T_CHECK(cond, fmt, ...)        a condition
 *   T_OK(err)                      a gpg_error_t that must be 0
 *   T_ERR(err, code)               a gpg_error_t whose code must be CODE
 *   T_EQ_MEM(a, b, n)              memory equality
 *   T_EQ_STR(a, b)                 string equality (NULL-safe)
 *   T_EQ_INT(a, b)                 integer equality, printed on failure
 */
#ifndef WEFT_TEST_T_H
#define WEFT_TEST_T_H

/* The engine's internal header first: it fixes GPG_ERR_SOURCE_DEFAULT
 * before <gpg-error.h> is seen. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gpg-error.h>

static int t_pass_, t_fail_;

#define T_CHECK(cond, ...)                                                    \
	do {                                                                  \
		if (cond) {                                                   \
			t_pass_++;                                            \
		} else {                                                      \
			t_fail_++;                                            \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);           \
			printf(__VA_ARGS__);                                  \
			printf("\n");                                         \
		}                                                             \
	} while (0)

#define T_OK(expr)                                                            \
	do {                                                                  \
		gpg_error_t t_e_ = (expr);                                    \
		T_CHECK(!t_e_, "%s: %s <%s>", #expr, gpg_strerror(t_e_),      \
			gpg_strsource(t_e_));                                 \
	} while (0)

#define T_ERR(expr, code)                                                     \
	do {                                                                  \
		gpg_error_t t_e_ = (expr);                                    \
		T_CHECK(gpg_err_code(t_e_) == (code),                         \
			"%s: want %s, got %s", #expr, gpg_strerror(code),     \
			t_e_ ? gpg_strerror(t_e_) : "success");               \
	} while (0)

#define T_EQ_INT(a, b)                                                        \
	do {                                                                  \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);       \
		T_CHECK(t_a_ == t_b_, "%s == %s: %lld != %lld", #a, #b, t_a_, \
			t_b_);                                                \
	} while (0)

#define T_EQ_MEM(a, b, n)                                                     \
	T_CHECK(memcmp((a), (b), (n)) == 0, "%s == %s (%zu bytes)", #a, #b,   \
		(size_t)(n))

#define T_EQ_STR(a, b)                                                        \
	do {                                                                  \
		const char *t_a_ = (a), *t_b_ = (b);                          \
		T_CHECK((t_a_ && t_b_ && !strcmp(t_a_, t_b_)) ||              \
				(!t_a_ && !t_b_),                             \
			"%s == %s: \"%s\" != \"%s\"", #a, #b,                 \
			t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");      \
	} while (0)

static inline int
t_done(void)
{
	printf("%d passed, %d failed\n", t_pass_, t_fail_);
	return t_fail_ ? 1 : 0;
}

/* Read a whole file (test fixtures); aborts the test program on failure. */
static inline unsigned char *
t_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t cap = 0, n = 0, got;

	if (!f) {
		printf("FAIL cannot open fixture %s\n", path);
		exit(1);
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(p, cap + 1);
			if (!p)
				abort();
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	p[n] = 0;
	*len = n;
	return p;
}

/* Hex string to bytes; returns the number of bytes. */
static inline size_t
t_unhex(const char *hex, unsigned char *out, size_t max)
{
	size_t n = 0;
	unsigned v;

	while (hex[0] && hex[1] && n < max) {
		if (hex[0] == ' ' || hex[0] == '\n') {
			hex++;
			continue;
		}
		if (sscanf(hex, "%2x", &v) != 1)
			break;
		out[n++] = (unsigned char)v;
		hex += 2;
	}
	return n;
}

/* Bytes to hex, upper or lower case, into OUT (2 * N + 1 octets). */
static inline void
t_hex_case(char *out, const unsigned char *p, size_t n, int upper)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, upper ? "%02X" : "%02x", p[i]);
	out[2 * n] = 0;
}
#define t_hex(out, p, n) t_hex_case((out), (p), (n), 1)

#endif /* WEFT_TEST_T_H */
