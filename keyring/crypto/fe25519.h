/* fe25519.h - arithmetic modulo p = 2^255 - 19 and on the twisted
 * Edwards curve of Ed25519, for verification only (fe25519.c).
 *
 * Nothing here is secret: the inputs are public keys, signatures and
 * digests, so nothing needs to run in constant time, and nothing does.
 *
 * A field element is five 51-bit limbs, little-endian: v[0] + v[1] 2^51
 * + ... + v[4] 2^204.  Every function takes elements whose limbs are
 * below 2^52 ("tight") and returns tight elements; the value is kept
 * modulo p, not below it, until weft_fe_tobytes makes it canonical.
 * Outputs may alias inputs.
 */
#ifndef WEFT_CRYPTO_FE25519_H
#define WEFT_CRYPTO_FE25519_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct {
	uint64_t v[5];
} weft_fe;

/* The 255 low bits of 32 octets, little-endian (the top bit is ignored;
 * a value from p to 2^255 - 1 is taken as it is, i.e. modulo p). */
void weft_fe_frombytes(weft_fe *h, const uint8_t s[32]);
/* The canonical value, below p, as 32 octets, little-endian. */
void weft_fe_tobytes(uint8_t s[32], const weft_fe *h);

/* The operations every other one is made of, inline (the library is
 * built with -fPIC, where a call to an exported function can be neither
 * inlined nor bound early).  weft_fe_set: V below 2^51. */
typedef unsigned __int128 weft_u128;
#ifndef WEFT_FE_INLINE
#define WEFT_FE_INLINE __attribute__((always_inline))
#endif

#define WEFT_FE_MASK51 ((UINT64_C(1) << 51) - 1)

static inline WEFT_FE_INLINE void
weft_fe__carry(weft_fe *h)
{
	uint64_t c;

	c = h->v[0] >> 51; h->v[0] &= WEFT_FE_MASK51; h->v[1] += c;
	c = h->v[1] >> 51; h->v[1] &= WEFT_FE_MASK51; h->v[2] += c;
	c = h->v[2] >> 51; h->v[2] &= WEFT_FE_MASK51; h->v[3] += c;
	c = h->v[3] >> 51; h->v[3] &= WEFT_FE_MASK51; h->v[4] += c;
	c = h->v[4] >> 51; h->v[4] &= WEFT_FE_MASK51; h->v[0] += 19 * c;
}

static inline WEFT_FE_INLINE void
weft_fe_set(weft_fe *h, uint64_t v)
{
	memset(h, 0, sizeof *h);
	h->v[0] = v;
}

static inline WEFT_FE_INLINE void
weft_fe_add(weft_fe *h, const weft_fe *f, const weft_fe *g)
{
	int i;

	for (i = 0; i < 5; i++)
		h->v[i] = f->v[i] + g->v[i];
	weft_fe__carry(h);
}

static inline WEFT_FE_INLINE void
weft_fe_sub(weft_fe *h, const weft_fe *f, const weft_fe *g)
{
	h->v[0] = f->v[0] + ((UINT64_C(1) << 53) - 76) - g->v[0];
	h->v[1] = f->v[1] + ((UINT64_C(1) << 53) - 4) - g->v[1];
	h->v[2] = f->v[2] + ((UINT64_C(1) << 53) - 4) - g->v[2];
	h->v[3] = f->v[3] + ((UINT64_C(1) << 53) - 4) - g->v[3];
	h->v[4] = f->v[4] + ((UINT64_C(1) << 53) - 4) - g->v[4];
	weft_fe__carry(h);
}

static inline WEFT_FE_INLINE void
weft_fe_neg(weft_fe *h, const weft_fe *f)
{
	weft_fe z;

	weft_fe_set(&z, 0);
	weft_fe_sub(h, &z, f);
}

/* Columns T0..T3 (below 2^113) and T4 (below 2^110: 19 times its carry
 * must fit 64 bits) into a tight H. */
static inline WEFT_FE_INLINE void
weft_fe__reduce(weft_fe *h, weft_u128 t0, weft_u128 t1, weft_u128 t2, weft_u128 t3, weft_u128 t4)
{
	uint64_t r0, r1, r2, r3, r4, c;

	r0 = (uint64_t)t0 & WEFT_FE_MASK51; t1 += (uint64_t)(t0 >> 51);
	r1 = (uint64_t)t1 & WEFT_FE_MASK51; t2 += (uint64_t)(t1 >> 51);
	r2 = (uint64_t)t2 & WEFT_FE_MASK51; t3 += (uint64_t)(t2 >> 51);
	r3 = (uint64_t)t3 & WEFT_FE_MASK51; t4 += (uint64_t)(t3 >> 51);
	r4 = (uint64_t)t4 & WEFT_FE_MASK51;
	r0 += 19 * (uint64_t)(t4 >> 51);
	c = r0 >> 51; r0 &= WEFT_FE_MASK51; r1 += c;
	h->v[0] = r0;
	h->v[1] = r1;
	h->v[2] = r2;
	h->v[3] = r3;
	h->v[4] = r4;
}

static inline WEFT_FE_INLINE void
weft_fe_mul(weft_fe *h, const weft_fe *f, const weft_fe *g)
{
	uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3],
		 f4 = f->v[4];
	uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3],
		 g4 = g->v[4];
	uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3,
		 g4_19 = 19 * g4;
	weft_u128 t0, t1, t2, t3, t4;

	t0 = (weft_u128)f0 * g0 + (weft_u128)f1 * g4_19 + (weft_u128)f2 * g3_19 +
	     (weft_u128)f3 * g2_19 + (weft_u128)f4 * g1_19;
	t1 = (weft_u128)f0 * g1 + (weft_u128)f1 * g0 + (weft_u128)f2 * g4_19 +
	     (weft_u128)f3 * g3_19 + (weft_u128)f4 * g2_19;
	t2 = (weft_u128)f0 * g2 + (weft_u128)f1 * g1 + (weft_u128)f2 * g0 +
	     (weft_u128)f3 * g4_19 + (weft_u128)f4 * g3_19;
	t3 = (weft_u128)f0 * g3 + (weft_u128)f1 * g2 + (weft_u128)f2 * g1 +
	     (weft_u128)f3 * g0 + (weft_u128)f4 * g4_19;
	t4 = (weft_u128)f0 * g4 + (weft_u128)f1 * g3 + (weft_u128)f2 * g2 +
	     (weft_u128)f3 * g1 + (weft_u128)f4 * g0;
	weft_fe__reduce(h, t0, t1, t2, t3, t4);
}

static inline WEFT_FE_INLINE void
weft_fe_sq(weft_fe *h, const weft_fe *f)
{
	uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3],
		 f4 = f->v[4];
	uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1, f3_19 = 19 * f3,
		 f4_19 = 19 * f4;
	weft_u128 t0, t1, t2, t3, t4;

	/* Columns of f * f: f_i f_j at i + j, at i + j - 5 times 19 from
	 * 5 on; pairs i != j twice. */
	t0 = (weft_u128)f0 * f0 + (weft_u128)(2 * f1) * f4_19 + (weft_u128)(2 * f2) * f3_19;
	t1 = (weft_u128)f0_2 * f1 + (weft_u128)(2 * f2) * f4_19 + (weft_u128)f3 * f3_19;
	t2 = (weft_u128)f0_2 * f2 + (weft_u128)f1 * f1 + (weft_u128)(2 * f3) * f4_19;
	t3 = (weft_u128)f0_2 * f3 + (weft_u128)f1_2 * f2 + (weft_u128)f4 * f4_19;
	t4 = (weft_u128)f0_2 * f4 + (weft_u128)f1_2 * f3 + (weft_u128)f2 * f2;
	weft_fe__reduce(h, t0, t1, t2, t3, t4);
}

/* f^(p-2), the inverse (0 for 0). */
void weft_fe_invert(weft_fe *h, const weft_fe *f);
/* f^((p-5)/8), for square roots (RFC 8032 5.1.3). */
void weft_fe_pow22523(weft_fe *h, const weft_fe *f);
/* f = g modulo p. */
bool weft_fe_equal(const weft_fe *f, const weft_fe *g);
bool weft_fe_iszero(const weft_fe *f);
/* The lowest bit of the canonical value (the "sign" of RFC 8032). */
unsigned weft_fe_isodd(const weft_fe *f);

/* ---- points ---------------------------------------------------------------- *
 *
 * Extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z, on
 * -x^2 + y^2 = 1 + d x^2 y^2 (RFC 8032 5.1.4: its formulas, which are
 * complete: they add and double every pair of points, the neutral
 * element and points of small order included).  A point that is only
 * ever added is kept "cached": (Y + X, Y - X, 2Z, 2dT). */
typedef struct {
	weft_fe x, y, z, t;
} weft_ge;

typedef struct {
	weft_fe ypx, ymx, z2, t2d;
} weft_ge_cached;

/* The neutral element (0, 1). */
void weft_ge_zero(weft_ge *r);
/* The point (x, y) (on the curve: the caller decoded it). */
void weft_ge_from_affine(weft_ge *r, const weft_fe *x, const weft_fe *y);
void weft_ge_to_cached(weft_ge_cached *r, const weft_ge *p);
/* R = P + Q.  R may be P. */
void weft_ge_add(weft_ge *r, const weft_ge *p, const weft_ge_cached *q);
/* R = 2P.  With WANT_T false, R's T is left unset: only another
 * doubling may take R then (doubling does not read T). */
void weft_ge_dbl(weft_ge *r, const weft_ge *p, bool want_t);
/* RFC 8032 5.1.2: y little-endian, the lowest bit of x on top. */
void weft_ge_encode(uint8_t out[32], const weft_ge *p);

/* The curve's d and sqrt(-1), set up once (weft_fe_consts). */
typedef struct {
	weft_fe d, d2, sqrtm1, one;
} weft_fe_consts_t;
const weft_fe_consts_t *weft_fe_consts(void);

#endif
