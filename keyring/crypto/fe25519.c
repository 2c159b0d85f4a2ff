/* fe25519.c - arithmetic modulo 2^255 - 19 and on Ed25519's curve, for
 * verification (fe25519.h).
 *
 * Five limbs of 51 bits; products in unsigned __int128.  Every element
 * in and out is "tight" (limbs below 2^52), which bounds everything
 * below:
 *
 *   - add: limbs below 2^53; sub: f + 4p - g, 4p's limbs are 2^53 - 76
 *     and 2^53 - 4, above any tight g's, so below 2^54 and never
 *     negative; both are then carried (carry(): limbs below 2^54 in,
 *     v[0] below 2^51 + 19 * 2^3, the rest below 2^51 out).
 *   - mul: f_i * 19 g_j < 2^52 * 2^57, five such terms < 2^112 in a
 *     column; the top column has no factor 19 (< 2^107), so its carry
 *     is below 2^57 and 19 times it below 2^62 fits v[0]; one more
 *     carry from v[0] into v[1] leaves v[1] below 2^51 + 2^11.
 *   - sq: the same columns with the pairs doubled: at most 77 * 2^104
 *     < 2^111 (column 0), the top one 5 * 2^104; the same bounds.
 *
 * tests/unit/crypto/fe25519.c checks all of it against gcry_mpi over
 * edge values, non-canonical tight limbs and random chains;
 * tests/unit/crypto/ed25519.c and tests/fuzz/ed25519.c check the
 * verifier built on it against gcry_pk_verify.
 */
#include <pthread.h>
#include <string.h>

#include "fe25519.h"

static uint64_t
load64_le(const uint8_t *s)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | s[i];
	return v;
}

void
weft_fe_frombytes(weft_fe *h, const uint8_t s[32])
{
	h->v[0] = load64_le(s) & WEFT_FE_MASK51;
	h->v[1] = (load64_le(s + 6) >> 3) & WEFT_FE_MASK51;
	h->v[2] = (load64_le(s + 12) >> 6) & WEFT_FE_MASK51;
	h->v[3] = (load64_le(s + 19) >> 1) & WEFT_FE_MASK51;
	h->v[4] = (load64_le(s + 24) >> 12) & WEFT_FE_MASK51;
}

void
weft_fe_tobytes(uint8_t s[32], const weft_fe *f)
{
	weft_fe h = *f;
	uint64_t q, c, w[4];
	int i, j;

	/* Below 2^255 + 2^8 < 2p after a carry; q = 1 exactly when it is p
	 * or more (h + 19 reaches 2^255), and then h + 19 - 2^255 = h - p. */
	weft_fe__carry(&h);
	q = (h.v[0] + 19) >> 51;
	q = (h.v[1] + q) >> 51;
	q = (h.v[2] + q) >> 51;
	q = (h.v[3] + q) >> 51;
	q = (h.v[4] + q) >> 51;
	h.v[0] += 19 * q;
	c = h.v[0] >> 51; h.v[0] &= WEFT_FE_MASK51; h.v[1] += c;
	c = h.v[1] >> 51; h.v[1] &= WEFT_FE_MASK51; h.v[2] += c;
	c = h.v[2] >> 51; h.v[2] &= WEFT_FE_MASK51; h.v[3] += c;
	c = h.v[3] >> 51; h.v[3] &= WEFT_FE_MASK51; h.v[4] += c;
	h.v[4] &= WEFT_FE_MASK51;                /* drops the 2^255 of h - p */

	w[0] = h.v[0] | h.v[1] << 51;
	w[1] = h.v[1] >> 13 | h.v[2] << 38;
	w[2] = h.v[2] >> 26 | h.v[3] << 25;
	w[3] = h.v[3] >> 39 | h.v[4] << 12;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 8; j++)
			s[8 * i + j] = (uint8_t)(w[i] >> (8 * j));
}

/* H = F^(2^N). */
static void
sq_n(weft_fe *h, const weft_fe *f, int n)
{
	weft_fe_sq(h, f);
	while (--n > 0)
		weft_fe_sq(h, h);
}

/* The chain both exponents share: Z11 = f^11, Z250 = f^(2^250 - 1). */
static void
pow_chain(weft_fe *z11, weft_fe *z250, const weft_fe *f)
{
	weft_fe z2, z9, t, z5_0, z10_0, z20_0, z50_0, z100_0;

	weft_fe_sq(&z2, f);                 /* 2 */
	sq_n(&t, &z2, 2);                   /* 8 */
	weft_fe_mul(&z9, &t, f);            /* 9 */
	weft_fe_mul(z11, &z9, &z2);         /* 11 */
	weft_fe_sq(&t, z11);                /* 22 */
	weft_fe_mul(&z5_0, &t, &z9);        /* 2^5 - 1 */
	sq_n(&t, &z5_0, 5);
	weft_fe_mul(&z10_0, &t, &z5_0);     /* 2^10 - 1 */
	sq_n(&t, &z10_0, 10);
	weft_fe_mul(&z20_0, &t, &z10_0);    /* 2^20 - 1 */
	sq_n(&t, &z20_0, 20);
	weft_fe_mul(&t, &t, &z20_0);        /* 2^40 - 1 */
	sq_n(&t, &t, 10);
	weft_fe_mul(&z50_0, &t, &z10_0);    /* 2^50 - 1 */
	sq_n(&t, &z50_0, 50);
	weft_fe_mul(&z100_0, &t, &z50_0);   /* 2^100 - 1 */
	sq_n(&t, &z100_0, 100);
	weft_fe_mul(&t, &t, &z100_0);       /* 2^200 - 1 */
	sq_n(&t, &t, 50);
	weft_fe_mul(z250, &t, &z50_0);      /* 2^250 - 1 */
}

void
weft_fe_invert(weft_fe *h, const weft_fe *f)
{
	weft_fe z11, z250;

	/* p - 2 = 2^255 - 21 = (2^250 - 1) 2^5 + 11 */
	pow_chain(&z11, &z250, f);
	sq_n(&z250, &z250, 5);
	weft_fe_mul(h, &z250, &z11);
}

void
weft_fe_pow22523(weft_fe *h, const weft_fe *f)
{
	weft_fe z11, z250;

	/* (p - 5) / 8 = 2^252 - 3 = (2^250 - 1) 2^2 + 1 */
	pow_chain(&z11, &z250, f);
	sq_n(&z250, &z250, 2);
	weft_fe_mul(h, &z250, f);
}

bool
weft_fe_equal(const weft_fe *f, const weft_fe *g)
{
	uint8_t a[32], b[32];

	weft_fe_tobytes(a, f);
	weft_fe_tobytes(b, g);
	return !memcmp(a, b, 32);
}

bool
weft_fe_iszero(const weft_fe *f)
{
	static const uint8_t zero[32];
	uint8_t a[32];

	weft_fe_tobytes(a, f);
	return !memcmp(a, zero, 32);
}

unsigned
weft_fe_isodd(const weft_fe *f)
{
	uint8_t a[32];

	weft_fe_tobytes(a, f);
	return a[0] & 1;
}

/* ---- constants ------------------------------------------------------------- */

static weft_fe_consts_t K;
static pthread_once_t k_once = PTHREAD_ONCE_INIT;

/* 32 octets big-endian (as the numbers are written) into an element. */
static void
from_be(weft_fe *h, const uint8_t be[32])
{
	uint8_t le[32];
	int i;

	for (i = 0; i < 32; i++)
		le[i] = be[31 - i];
	weft_fe_frombytes(h, le);
}

static void
k_init(void)
{
	/* d = -121665/121666, sqrt(-1) = 2^((p-1)/4) (RFC 8032 5.1) */
	static const uint8_t d[32] = {
		0x52, 0x03, 0x6c, 0xee, 0x2b, 0x6f, 0xfe, 0x73,
		0x8c, 0xc7, 0x40, 0x79, 0x77, 0x79, 0xe8, 0x98,
		0x00, 0x70, 0x0a, 0x4d, 0x41, 0x41, 0xd8, 0xab,
		0x75, 0xeb, 0x4d, 0xca, 0x13, 0x59, 0x78, 0xa3,
	};
	static const uint8_t sqrtm1[32] = {
		0x2b, 0x83, 0x24, 0x80, 0x4f, 0xc1, 0xdf, 0x0b,
		0x2b, 0x4d, 0x00, 0x99, 0x3d, 0xfb, 0xd7, 0xa7,
		0x2f, 0x43, 0x18, 0x06, 0xad, 0x2f, 0xe4, 0x78,
		0xc4, 0xee, 0x1b, 0x27, 0x4a, 0x0e, 0xa0, 0xb0,
	};

	from_be(&K.d, d);
	weft_fe_add(&K.d2, &K.d, &K.d);
	from_be(&K.sqrtm1, sqrtm1);
	weft_fe_set(&K.one, 1);
}

const weft_fe_consts_t *
weft_fe_consts(void)
{
	(void)pthread_once(&k_once, k_init);
	return &K;
}

/* ---- points ---------------------------------------------------------------- */

void
weft_ge_zero(weft_ge *r)
{
	weft_fe_set(&r->x, 0);
	weft_fe_set(&r->y, 1);
	weft_fe_set(&r->z, 1);
	weft_fe_set(&r->t, 0);
}

void
weft_ge_from_affine(weft_ge *r, const weft_fe *x, const weft_fe *y)
{
	r->x = *x;
	r->y = *y;
	weft_fe_set(&r->z, 1);
	weft_fe_mul(&r->t, x, y);
}

void
weft_ge_to_cached(weft_ge_cached *r, const weft_ge *p)
{
	weft_fe_add(&r->ypx, &p->y, &p->x);
	weft_fe_sub(&r->ymx, &p->y, &p->x);
	weft_fe_add(&r->z2, &p->z, &p->z);
	weft_fe_mul(&r->t2d, &p->t, &weft_fe_consts()->d2);
}

void
weft_ge_add(weft_ge *r, const weft_ge *p, const weft_ge_cached *q)
{
	weft_fe a, b, c, d, e, f, g, h;

	/* RFC 8032 5.1.4 */
	weft_fe_sub(&a, &p->y, &p->x);
	weft_fe_mul(&a, &a, &q->ymx);
	weft_fe_add(&b, &p->y, &p->x);
	weft_fe_mul(&b, &b, &q->ypx);
	weft_fe_mul(&c, &p->t, &q->t2d);
	weft_fe_mul(&d, &p->z, &q->z2);
	weft_fe_sub(&e, &b, &a);
	weft_fe_sub(&f, &d, &c);
	weft_fe_add(&g, &d, &c);
	weft_fe_add(&h, &b, &a);
	weft_fe_mul(&r->x, &e, &f);
	weft_fe_mul(&r->y, &g, &h);
	weft_fe_mul(&r->t, &e, &h);
	weft_fe_mul(&r->z, &f, &g);
}

void
weft_ge_dbl(weft_ge *r, const weft_ge *p, bool want_t)
{
	weft_fe a, b, c, e, f, g, h;

	/* RFC 8032 5.1.4 */
	weft_fe_sq(&a, &p->x);
	weft_fe_sq(&b, &p->y);
	weft_fe_sq(&c, &p->z);
	weft_fe_add(&c, &c, &c);
	weft_fe_add(&h, &a, &b);
	weft_fe_add(&e, &p->x, &p->y);
	weft_fe_sq(&e, &e);
	weft_fe_sub(&e, &h, &e);
	weft_fe_sub(&g, &a, &b);
	weft_fe_add(&f, &c, &g);
	weft_fe_mul(&r->x, &e, &f);
	weft_fe_mul(&r->y, &g, &h);
	if (want_t)
		weft_fe_mul(&r->t, &e, &h);
	weft_fe_mul(&r->z, &f, &g);
}

void
weft_ge_encode(uint8_t out[32], const weft_ge *p)
{
	weft_fe zi, x, y;
	uint8_t xb[32];

	weft_fe_invert(&zi, &p->z);
	weft_fe_mul(&x, &p->x, &zi);
	weft_fe_mul(&y, &p->y, &zi);
	weft_fe_tobytes(out, &y);
	weft_fe_tobytes(xb, &x);
	out[31] |= (uint8_t)(xb[0] << 7);
}
