/* ed25519-ref.h - the reference that weft's Ed25519 verifier
 * (keyring/crypto/ed25519.c) is held to: numbers and points on gcry_mpi
 * and gcry_mpi_ec, RFC 8032's decoding, the eight points of small order,
 * signing, gcry_pk_verify's verdict, and when libgcrypt aborts inside
 * gcry_pk_verify instead of giving one.
 *
 * Both the unit test (tests/unit/crypto/ed25519.c, the crafted cases)
 * and the fuzz target (tests/fuzz/ed25519.c, fuzzed and replayed)
 * include it, so that the two compare weft with the same reference;
 * each keeps its own comparison, which reports the way its harness
 * wants.  Include it after crypto/crypto.h, which sets the gpg-error
 * source before <gcrypt.h> is seen, and call ref_setup() first.
 *
 * Everything is static (inline, so that what an includer leaves unused
 * is no warning).  When libgcrypt fails where it cannot on good input,
 * no verdict can be trusted: ref_fail() prints "FAIL ..." and aborts, a
 * crash to tests/run and to libFuzzer alike.
 */
#ifndef WEFT_TEST_ED25519_REF_H
#define WEFT_TEST_ED25519_REF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gcrypt.h>

static inline void
ref_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static inline void
ref_fail(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	abort();
}

static inline void
must(gpg_error_t err, const char *what)
{
	if (err)
		ref_fail("%s: %s", what, gpg_strerror(err));
}

/* ---- numbers and points (on gcry_mpi and gcry_mpi_ec) ------------------- */

static gcry_ctx_t ec;            /* Ed25519 */
static gcry_mpi_t P, L, D;       /* p, the group order, the curve's d */
static gcry_mpi_t SQRTM1;        /* 2^((p-1)/4), a square root of -1 */
static gcry_mpi_point_t G;

/* 64 hex digits as 32 octets. */
static inline void
unhex32(const char *hex, uint8_t out[32])
{
	unsigned v, i;

	for (i = 0; i < 32; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			ref_fail("not 64 hex digits: %s", hex);
		out[i] = (uint8_t)v;
	}
}

/* A 32-octet little-endian number. */
static inline gcry_mpi_t
le_mpi(const uint8_t v[32])
{
	uint8_t be[32];
	gcry_mpi_t m;
	int i;

	for (i = 0; i < 32; i++)
		be[i] = v[31 - i];
	must(gcry_mpi_scan(&m, GCRYMPI_FMT_USG, be, 32, NULL), "mpi scan");
	return m;
}

/* M as 32 octets little-endian; false (OUT untouched) when M >= 2^256. */
static inline bool
mpi_le(uint8_t out[32], gcry_mpi_t m)
{
	uint8_t be[32];
	size_t n = 0, i;

	if (gcry_mpi_get_nbits(m) > 256)
		return false;
	must(gcry_mpi_print(GCRYMPI_FMT_USG, be, sizeof be, &n, m),
	     "mpi print");
	memset(out, 0, 32);
	for (i = 0; i < n; i++)
		out[i] = be[n - 1 - i];
	return true;
}

/* S + K L, false when it does not fit in 256 bits (OUT may be S). */
static inline bool
s_plus_l(uint8_t out[32], const uint8_t s[32], unsigned k)
{
	gcry_mpi_t v = le_mpi(s), kl = gcry_mpi_new(0);
	bool ok;

	gcry_mpi_mul_ui(kl, L, k);
	gcry_mpi_add(v, v, kl);
	ok = mpi_le(out, v);
	gcry_mpi_release(v);
	gcry_mpi_release(kl);
	return ok;
}

static inline gcry_mpi_point_t
pt_xy(gcry_mpi_t x, gcry_mpi_t y)
{
	gcry_mpi_point_t pt = gcry_mpi_point_new(0);
	gcry_mpi_t one = gcry_mpi_set_ui(NULL, 1);

	gcry_mpi_point_set(pt, x, y, one);
	gcry_mpi_release(one);
	return pt;
}

static inline gcry_mpi_point_t
pt_identity(void)
{
	gcry_mpi_t x = gcry_mpi_set_ui(NULL, 0), y = gcry_mpi_set_ui(NULL, 1);
	gcry_mpi_point_t pt = pt_xy(x, y);

	gcry_mpi_release(x);
	gcry_mpi_release(y);
	return pt;
}

/* Affine x and y of PT, reduced mod p; false at Z = 0. */
static inline bool
pt_affine(gcry_mpi_t x, gcry_mpi_t y, gcry_mpi_point_t pt)
{
	if (gcry_mpi_ec_get_affine(x, y, pt, ec))
		return false;
	gcry_mpi_mod(x, x, P);
	gcry_mpi_mod(y, y, P);
	return true;
}

/* RFC 8032 5.1.2. */
static inline void
pt_enc(uint8_t out[32], gcry_mpi_point_t pt)
{
	gcry_mpi_t x = gcry_mpi_new(0), y = gcry_mpi_new(0);

	if (!pt_affine(x, y, pt) || !mpi_le(out, y))
		ref_fail("cannot encode a point");
	if (gcry_mpi_test_bit(x, 0))
		out[31] |= 0x80;
	gcry_mpi_release(x);
	gcry_mpi_release(y);
}

/* [K]PT for a small K, by additions. */
static inline gcry_mpi_point_t
pt_mul_small(gcry_mpi_point_t pt, unsigned k)
{
	gcry_mpi_point_t r = pt_identity();

	while (k--)
		gcry_mpi_ec_add(r, r, pt, ec);
	return r;
}

/* [S]G, S 32 octets little-endian (taken whole). */
static inline gcry_mpi_point_t
pt_mul_g(const uint8_t s[32])
{
	gcry_mpi_t n = le_mpi(s);
	gcry_mpi_point_t r = gcry_mpi_point_new(0);

	gcry_mpi_ec_mul(r, n, G, ec);
	gcry_mpi_release(n);
	return r;
}

/* RFC 8032 5.1.3: the point A encodes, or NULL (y >= p, x^2 not a
 * square, or x = 0 with the sign bit set). */
static inline gcry_mpi_point_t
ref_decode(const uint8_t a[32])
{
	uint8_t v[32];
	gcry_mpi_t y, u, w, x, t, e;
	gcry_mpi_point_t pt = NULL;
	int sign = a[31] >> 7;

	memcpy(v, a, 32);
	v[31] &= 0x7f;
	y = le_mpi(v);
	if (gcry_mpi_cmp(y, P) >= 0) {
		gcry_mpi_release(y);
		return NULL;
	}
	u = gcry_mpi_new(0);
	w = gcry_mpi_new(0);
	x = gcry_mpi_new(0);
	t = gcry_mpi_new(0);
	e = gcry_mpi_new(0);
	/* u = y^2 - 1, w = d y^2 + 1, t = u / w = x^2 */
	gcry_mpi_mulm(u, y, y, P);
	gcry_mpi_mulm(w, u, D, P);
	gcry_mpi_add_ui(w, w, 1);
	gcry_mpi_mod(w, w, P);
	gcry_mpi_add(u, u, P);
	gcry_mpi_sub_ui(u, u, 1);
	gcry_mpi_mod(u, u, P);
	if (!gcry_mpi_invm(w, w, P))
		goto leave;
	gcry_mpi_mulm(t, u, w, P);
	/* x = t^((p+3)/8), times sqrt(-1) if that squares to -t */
	gcry_mpi_add_ui(e, P, 3);
	gcry_mpi_rshift(e, e, 3);
	gcry_mpi_powm(x, t, e, P);
	gcry_mpi_mulm(e, x, x, P);
	if (gcry_mpi_cmp(e, t)) {
		gcry_mpi_mulm(x, x, SQRTM1, P);
		gcry_mpi_mulm(e, x, x, P);
		if (gcry_mpi_cmp(e, t))
			goto leave;
	}
	if (!gcry_mpi_cmp_ui(x, 0) && sign)
		goto leave;
	if ((int)gcry_mpi_test_bit(x, 0) != sign)
		gcry_mpi_sub(x, P, x);
	pt = pt_xy(x, y);
leave:
	gcry_mpi_release(y);
	gcry_mpi_release(u);
	gcry_mpi_release(w);
	gcry_mpi_release(x);
	gcry_mpi_release(t);
	gcry_mpi_release(e);
	return pt;
}

/* ---- the points of small order ------------------------------------------ */

/* The eight points of order 1, 2, 4 and 8, as listed by the libsodium
 * and ed25519-dalek test suites: the identity, (0, -1), the two of order
 * 4 and the four of order 8.  ref_setup derives them again from the
 * fifth; the unit test checks that the two lists agree. */
static const char small_order_hex[8][65] = {
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
};

/* [k]T8 for k = 0..7, T8 = small_order_hex[4], of order 8: its
 * multiples are the whole subgroup of small order. */
static gcry_mpi_point_t small_pt[8];

/* The curve's parameters, sqrt(-1) and small_pt.  Call weft_crypto_init
 * first. */
static inline void
ref_setup(void)
{
	gcry_mpi_t e, two;
	gcry_mpi_point_t t8;
	uint8_t enc[32];
	unsigned k;

	must(gcry_mpi_ec_new(&ec, NULL, "Ed25519"), "Ed25519 context");
	P = gcry_mpi_ec_get_mpi("p", ec, 1);
	L = gcry_mpi_ec_get_mpi("n", ec, 1);
	D = gcry_mpi_ec_get_mpi("b", ec, 1);
	G = gcry_mpi_ec_get_point("g", ec, 1);
	if (!P || !L || !D || !G)
		ref_fail("Ed25519 parameters");
	SQRTM1 = gcry_mpi_new(0);
	e = gcry_mpi_new(0);
	two = gcry_mpi_set_ui(NULL, 2);
	gcry_mpi_sub_ui(e, P, 1);
	gcry_mpi_rshift(e, e, 2);
	gcry_mpi_powm(SQRTM1, two, e, P);
	gcry_mpi_release(e);
	gcry_mpi_release(two);
	unhex32(small_order_hex[4], enc);
	if (!(t8 = ref_decode(enc)))
		ref_fail("the point of order 8 does not decode");
	for (k = 0; k < 8; k++)
		small_pt[k] = pt_mul_small(t8, k);
	gcry_mpi_point_release(t8);
}

static inline void
ref_release(void)
{
	unsigned k;

	for (k = 0; k < 8; k++)
		gcry_mpi_point_release(small_pt[k]);
	gcry_mpi_point_release(G);
	gcry_mpi_release(P);
	gcry_mpi_release(L);
	gcry_mpi_release(D);
	gcry_mpi_release(SQRTM1);
	gcry_ctx_release(ec);
}

/* ---- libgcrypt: its verdict, its decoding, its abort -------------------- */

static inline gcry_sexp_t
key_sexp(const uint8_t a[32])
{
	uint8_t q[33];
	gcry_sexp_t key;

	q[0] = 0x40;
	memcpy(q + 1, a, 32);
	must(gcry_sexp_build(&key, NULL,
			     "(public-key(ecc(curve Ed25519)"
			     "(flags eddsa)(q%b)))",
			     (int)sizeof q, q), "key sexp");
	return key;
}

/* gcry_pk_verify's verdict; never for an A for which gcry_aborts(). */
static inline gpg_error_t
gcry_verify(const uint8_t a[32], const uint8_t r[32], const uint8_t s[32],
	    const uint8_t *m, size_t mlen)
{
	gcry_sexp_t key = key_sexp(a), data, sig;
	gpg_error_t err;

	must(gcry_sexp_build(&data, NULL,
			     "(data(flags eddsa)(hash-algo sha512)(value %b))",
			     (int)mlen, m), "data sexp");
	must(gcry_sexp_build(&sig, NULL, "(sig-val(eddsa(r%b)(s%b)))",
			     32, r, 32, s), "sig sexp");
	err = gcry_pk_verify(sig, data, key);
	gcry_sexp_release(key);
	gcry_sexp_release(data);
	gcry_sexp_release(sig);
	return err;
}

/* libgcrypt's own decoding of A, as gcry_pk_verify makes it (no range
 * or curve check), into X and Y; false if it makes none. */
static inline bool
gcry_decoding(const uint8_t a[32], gcry_mpi_t x, gcry_mpi_t y)
{
	gcry_sexp_t key = key_sexp(a);
	gcry_ctx_t ctx = NULL;
	gcry_mpi_point_t q = NULL;
	bool ok;

	ok = !gcry_mpi_ec_new(&ctx, key, NULL) &&
	     (q = gcry_mpi_ec_get_point("q", ctx, 0));
	if (ok)
		gcry_mpi_point_get(x, y, NULL, q);
	gcry_mpi_point_release(q);
	gcry_ctx_release(ctx);
	gcry_sexp_release(key);
	return ok;
}

/* Whether gcry_pk_verify aborts the process for A.  libgcrypt 1.10's
 * ec_mulm_25519 wants four limbs (log_bug "mulm_25519: different
 * sizes"), and gets fewer when A's decoding passes the range check
 * (x, y < p) and has a coordinate below 2^192: the identity, (0, -1),
 * y = 0 with x even, small y.  Such an A must never go to gcry_verify;
 * weft must refuse it (ed25519.c does, so that a crafted key cannot end
 * weft).  The unit test shows, in a forked child once per crafted A,
 * that the abort happens exactly where this says. */
static inline bool
gcry_aborts(const uint8_t a[32])
{
	gcry_mpi_t x = gcry_mpi_new(0), y = gcry_mpi_new(0);
	bool r;

	r = gcry_decoding(a, x, y) && gcry_mpi_cmp(x, P) < 0 &&
	    gcry_mpi_cmp(y, P) < 0 &&
	    (gcry_mpi_get_nbits(x) <= 192 || gcry_mpi_get_nbits(y) <= 192);
	gcry_mpi_release(x);
	gcry_mpi_release(y);
	return r;
}

/* ---- signing ------------------------------------------------------------ */

/* The private key whose secret seed (libgcrypt's d) is SEED. */
static inline gcry_sexp_t
key_from_seed(const uint8_t seed[32])
{
	gcry_sexp_t k;

	must(gcry_sexp_build(&k, NULL,
			     "(private-key(ecc(curve Ed25519)"
			     "(flags eddsa)(d%b)))",
			     32, seed), "private key");
	return k;
}

/* The public key of a private key S-expression. */
static inline void
key_public(gcry_sexp_t priv, uint8_t a[32])
{
	gcry_ctx_t ctx;
	gcry_mpi_t q;
	const void *p;
	unsigned int nbits;

	must(gcry_mpi_ec_new(&ctx, priv, NULL), "ec_new private");
	q = gcry_mpi_ec_get_mpi("q@eddsa", ctx, 1);
	p = q ? gcry_mpi_get_opaque(q, &nbits) : NULL;
	if (!p || nbits != 256)
		ref_fail("no public key");
	memcpy(a, p, 32);
	gcry_mpi_release(q);
	gcry_ctx_release(ctx);
}

static inline void
sig_value(gcry_sexp_t sig, const char *name, uint8_t out[32])
{
	gcry_sexp_t l = gcry_sexp_find_token(sig, name, 0);
	const char *p;
	size_t n = 0;

	p = l ? gcry_sexp_nth_data(l, 1, &n) : NULL;
	if (!p || n != 32)
		ref_fail("signature value %s of %zu octets", name, n);
	memcpy(out, p, 32);
	gcry_sexp_release(l);
}

/* PRIV's signature of M: R and S. */
static inline void
sign(gcry_sexp_t priv, const uint8_t *m, size_t mlen, uint8_t r[32],
     uint8_t s[32])
{
	gcry_sexp_t data, sig;

	must(gcry_sexp_build(&data, NULL,
			     "(data(flags eddsa)(hash-algo sha512)(value %b))",
			     (int)mlen, m), "data sexp");
	must(gcry_pk_sign(&sig, data, priv), "sign");
	sig_value(sig, "r", r);
	sig_value(sig, "s", s);
	gcry_sexp_release(data);
	gcry_sexp_release(sig);
}

#endif /* WEFT_TEST_ED25519_REF_H */
