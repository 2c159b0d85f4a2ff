/* fe25519.c - the arithmetic modulo p = 2^255 - 19 and on Ed25519's curve
 * (keyring/crypto/fe25519.h) against libgcrypt's gcry_mpi and gcry_mpi_ec.
 *
 *  1. frombytes/tobytes: below p back as it went in, p .. 2^255 - 1 as
 *     the value minus p, bit 255 ignored (each input with it clear, set).
 *  2. add, sub, neg, mul, sq, invert, pow22523, equal, iszero, isodd and
 *     set on edge values (near 0, p, 2^255 and 2^(51 k), (p - 1) / 2,
 *     single bits, patterns) and random ones, against gcry_mpi_addm,
 *     subm, mulm, invm, powm.
 *  3. The same on tight but non-canonical limbs (up to 2^52 - 1, several
 *     forms of one value); chains of random operations whose outputs
 *     (often aliasing inputs) feed the next, mirrored in gcry_mpi.
 *  4. weft_fe_consts; G and its encoding; [k]G by double-and-add against
 *     gcry_mpi_ec_mul, with and without T in doublings; the neutral
 *     element, P + (-P), P + P = 2P, sums with the points of small order.
 *
 * Every field result must be tight (limbs below 2^52) and the reference
 * modulo p by its limbs and by weft_fe_tobytes.  Fixed seed: every run
 * is the same.  A failure prints its inputs: limbs {v[0],..,v[4]} or
 * octets, little-endian, in hex.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crypto/crypto.h"  /* before t.h: sets the error source */
#include "t.h"
#include "crypto/fe25519.h"

#include <gcrypt.h>

#include "ed25519-ref.h"   /* P, L, D, G, SQRTM1, ec, small_pt, pt_enc */

#define NRANDOM  3000       /* random values (section 2) */
#define NTIGHT   3000       /* random tight elements (section 3) */
#define NCHAIN   2000       /* chains of CHAINLEN operations on NREG */
#define CHAINLEN 50
#define NREG     4
#define NSCALAR  24         /* random k for [k]G */
#define NPOINT   32         /* random pairs of points */
#define NEDGE    80         /* room for edge_values' 78 */

#define M51 ((UINT64_C(1) << 51) - 1)
#define M52 ((UINT64_C(1) << 52) - 1)

static gcry_mpi_t E22523;   /* (p - 5) / 8 */

static uint64_t rng_state = 0x5745465446453235ull;   /* "WEFTFE25" */

static uint64_t
rnd(void)   /* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void
rnd_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd();
}

/* ---- the reference and the reports --------------------------------------- */

static gcry_mpi_t
u64_mpi(uint64_t v)
{
	uint8_t be[8];
	gcry_mpi_t m;
	unsigned j;

	for (j = 0; j < 8; j++)
		be[j] = (uint8_t)(v >> (56 - 8 * j));
	must(gcry_mpi_scan(&m, GCRYMPI_FMT_USG, be, 8, NULL), "mpi scan");
	return m;
}

/* The value of F's limbs, whatever they are, modulo p. */
static gcry_mpi_t
fe_mpi(const weft_fe *f)
{
	gcry_mpi_t m = gcry_mpi_new(0), t;
	unsigned i;

	for (i = 0; i < 5; i++) {
		t = u64_mpi(f->v[i]);
		gcry_mpi_lshift(t, t, 51 * i);
		gcry_mpi_add(m, m, t);
		gcry_mpi_release(t);
	}
	gcry_mpi_mod(m, m, P);
	return m;
}

static bool
tight(const weft_fe *f)
{
	return (f->v[0] | f->v[1] | f->v[2] | f->v[3] | f->v[4]) <= M52;
}

static const char *
fe_str(char buf[96], const weft_fe *f)
{
	if (!f)
		return "-";
	snprintf(buf, 96, "{%" PRIx64 ",%" PRIx64 ",%" PRIx64 ",%" PRIx64
		 ",%" PRIx64 "}", f->v[0], f->v[1], f->v[2], f->v[3], f->v[4]);
	return buf;
}

static const char *
hex32(char buf[65], const uint8_t s[32])
{
	t_hex_case(buf, s, 32, 0);
	return buf;
}

/* Whether H is tight and is WANT (below p) by its limbs and by
 * weft_fe_tobytes (into GOT); EXP gets WANT's octets. */
static bool
fe_ok(const weft_fe *h, gcry_mpi_t want, uint8_t got[32], uint8_t exp[32])
{
	gcry_mpi_t v = fe_mpi(h);
	bool ok;

	mpi_le(exp, want);
	weft_fe_tobytes(got, h);
	ok = tight(h) && !gcry_mpi_cmp(v, want) && !memcmp(got, exp, 32);
	gcry_mpi_release(v);
	return ok;
}

/* One check: H = OP(F, G) (G, or both, may be NULL) is tight and WANT. */
static void
check_fe(const char *op, const weft_fe *f, const weft_fe *g,
	 const weft_fe *h, gcry_mpi_t want)
{
	uint8_t got[32], exp[32];
	char fb[96], gb[96], hb[96], xg[65], xe[65];
	bool ok = fe_ok(h, want, got, exp);

	T_CHECK(ok, "%s: f = %s, g = %s: got %s = %s, want %s", op,
		ok ? "" : fe_str(fb, f), ok ? "" : fe_str(gb, g),
		ok ? "" : fe_str(hb, h), ok ? "" : hex32(xg, got),
		ok ? "" : hex32(xe, exp));
}

/* ---- the field operations ------------------------------------------------ */

/* W = the reference's OP (0 add, 1 sub, 2 mul, 3 sq, 4 neg, 5 invert,
 * 6 pow22523) of A and B. */
static void
ref_op(unsigned op, gcry_mpi_t w, gcry_mpi_t a, gcry_mpi_t b)
{
	switch (op) {
	case 0: gcry_mpi_addm(w, a, b, P); break;
	case 1: gcry_mpi_subm(w, a, b, P); break;
	case 2: gcry_mpi_mulm(w, a, b, P); break;
	case 3: gcry_mpi_mulm(w, a, a, P); break;
	case 4: gcry_mpi_sub(w, P, a); gcry_mpi_mod(w, w, P); break;
	case 5:
		if (!gcry_mpi_cmp_ui(a, 0))
			gcry_mpi_set_ui(w, 0);
		else if (!gcry_mpi_invm(w, a, P))
			ref_fail("gcry_mpi_invm");
		break;
	default: gcry_mpi_powm(w, a, E22523, P);
	}
}

static void
weft_op(unsigned op, weft_fe *h, const weft_fe *f, const weft_fe *g)
{
	switch (op) {
	case 0: weft_fe_add(h, f, g); break;
	case 1: weft_fe_sub(h, f, g); break;
	case 2: weft_fe_mul(h, f, g); break;
	case 3: weft_fe_sq(h, f); break;
	case 4: weft_fe_neg(h, f); break;
	case 5: weft_fe_invert(h, f); break;
	default: weft_fe_pow22523(h, f);
	}
}

static const char *const op_name[] = { "add", "sub", "mul", "sq", "neg",
				       "invert", "pow22523", "set" };

/* add, sub, mul and equal on F and G; with UNARY, the rest on F too. */
static void
check_ops(const weft_fe *f, const weft_fe *g, bool unary)
{
	gcry_mpi_t a = fe_mpi(f), b = fe_mpi(g), w = gcry_mpi_new(0);
	bool eq = !gcry_mpi_cmp(a, b), zero = !gcry_mpi_cmp_ui(a, 0), ok;
	unsigned odd = gcry_mpi_test_bit(a, 0) ? 1 : 0, op;
	char fb[96], gb[96];
	weft_fe h;

	for (op = 0; op < (unary ? 7u : 3u); op++) {
		weft_op(op, &h, f, g);
		ref_op(op, w, a, b);
		check_fe(op_name[op], f, op < 3 ? g : NULL, &h, w);
	}
	ok = weft_fe_equal(f, g) == eq;
	T_CHECK(ok, "equal: f = %s, g = %s: want %d",
		ok ? "" : fe_str(fb, f), ok ? "" : fe_str(gb, g), eq);
	if (unary) {
		check_fe("tobytes", f, NULL, f, a);
		ok = weft_fe_iszero(f) == zero && weft_fe_isodd(f) == odd;
		T_CHECK(ok, "iszero, isodd: f = %s: want %d, %u",
			ok ? "" : fe_str(fb, f), zero, odd);
	}
	gcry_mpi_release(a);
	gcry_mpi_release(b);
	gcry_mpi_release(w);
}

/* weft_fe_frombytes(S) into H, S with bit 255 as it is and flipped: the
 * value of S's 255 low bits modulo p, tight. */
static void
from_bytes(weft_fe *h, const uint8_t s[32])
{
	uint8_t t[32], got[32], exp[32];
	char xt[65], xg[65], xe[65];
	gcry_mpi_t m;
	weft_fe h2;
	unsigned i;
	bool ok;

	memcpy(t, s, 32);
	t[31] &= 0x7f;
	m = le_mpi(t);
	gcry_mpi_mod(m, m, P);
	memcpy(t, s, 32);
	for (i = 0; i < 2; i++, t[31] ^= 0x80) {
		weft_fe_frombytes(i ? &h2 : h, t);
		ok = fe_ok(i ? &h2 : h, m, got, exp);
		T_CHECK(ok, "frombytes %s: got %s, want %s",
			ok ? "" : hex32(xt, t), ok ? "" : hex32(xg, got),
			ok ? "" : hex32(xe, exp));
	}
	gcry_mpi_release(m);
}

static unsigned
edge_values(uint8_t out[NEDGE][32])
{
	static const unsigned small[] = { 0, 1, 2, 3, 18, 19, 38, 121665,
					  121666 };
	static const uint8_t pat[] = { 0xff, 0x55, 0xaa, 0x80, 0x7f };
	gcry_mpi_t m = gcry_mpi_new(0);
	unsigned n = 0, i, k;

	for (i = 0; i < sizeof small / sizeof *small; i++) {
		gcry_mpi_set_ui(m, small[i]);
		mpi_le(out[n++], m);
	}
	for (i = 1; i <= 19; i++) {          /* p - 19 .. p - 1 */
		gcry_mpi_sub_ui(m, P, i);
		mpi_le(out[n++], m);
	}
	for (i = 0; i <= 18; i++) {          /* p .. 2^255 - 1 */
		gcry_mpi_add_ui(m, P, i);
		mpi_le(out[n++], m);
	}
	gcry_mpi_rshift(m, P, 1);            /* (p - 1) / 2 .. (p + 3) / 2 */
	for (i = 0; i < 3; i++, gcry_mpi_add_ui(m, m, 1))
		mpi_le(out[n++], m);
	for (k = 51; k <= 255; k += 51) {    /* 2^k - 1 .. 2^k + 1, 2^(k+1) - 1 */
		gcry_mpi_set_ui(m, 0);
		gcry_mpi_set_bit(m, k);
		gcry_mpi_sub_ui(m, m, 1);
		for (i = 0; i < 3; i++, gcry_mpi_add_ui(m, m, 1))
			mpi_le(out[n++], m);
		gcry_mpi_set_ui(m, 0);
		gcry_mpi_set_bit(m, k + 1);
		gcry_mpi_sub_ui(m, m, 1);
		mpi_le(out[n++], m);
	}
	for (i = 0; i < sizeof pat; i++)
		memset(out[n++], pat[i], 32);
	mpi_le(out[n++], D);
	mpi_le(out[n++], SQRTM1);
	gcry_mpi_sub(m, P, SQRTM1);
	mpi_le(out[n++], m);
	gcry_mpi_release(m);
	return n;
}

/* 32 random octets: uniform, p .. 2^255 - 1, a few bits off 0 or all
 * ones, or 51-bit limbs at and near their bounds; bit 255 random. */
static void
rnd_value(uint8_t s[32])
{
	static const uint64_t lv[] = { 0, 1, M51, M51 - 1, M51 - 18,
				       UINT64_C(1) << 50 };
	uint64_t c[5];
	gcry_mpi_t m;
	unsigned i, b;

	switch (rnd() % 4) {
	case 0:
		rnd_bytes(s, 32);
		return;
	case 1:
		m = gcry_mpi_new(0);
		gcry_mpi_add_ui(m, P, (unsigned long)(rnd() % 19));
		mpi_le(s, m);
		gcry_mpi_release(m);
		break;
	case 2:
		memset(s, rnd() & 1 ? 0xff : 0, 32);
		for (i = (unsigned)(rnd() % 8) + 1; i--;) {
			b = (unsigned)(rnd() % 256);
			s[b / 8] ^= (uint8_t)(1u << (b % 8));
		}
		return;
	default:
		for (i = 0; i < 5; i++)
			c[i] = rnd() % 3 ? lv[rnd() % 6] : rnd() & M51;
		memset(s, 0, 32);
		for (b = 0; b < 255; b++)
			s[b / 8] |= (uint8_t)((c[b / 51] >> (b % 51) & 1)
					      << (b % 8));
	}
	s[31] |= (uint8_t)(rnd() & 0x80);
}

/* Sections 1 and 2: edge values alone and in pairs, single bits with
 * each of them, random values; weft_fe_set. */
static void
check_field(void)
{
	static const uint64_t sv[] = { 0, 1, 2, 19, 121666, M51 - 1, M51 };
	uint8_t e[NEDGE][32], s[32];
	weft_fe fe[NEDGE], f, prev, in = { { 0 } };
	unsigned n = edge_values(e), i, j;
	gcry_mpi_t m;

	for (i = 0; i < n; i++)
		from_bytes(&fe[i], e[i]);
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			check_ops(&fe[i], &fe[j], !j);
	for (i = 0; i < 255; i++) {
		memset(s, 0, 32);
		s[i / 8] = (uint8_t)(1u << (i % 8));
		from_bytes(&f, s);
		for (j = 0; j < n; j++)
			check_ops(&f, &fe[j], !j);
	}
	prev = fe[0];
	for (i = 0; i < NRANDOM; i++) {
		rnd_value(s);
		from_bytes(&f, s);
		check_ops(&f, &prev, true);
		check_ops(&prev, &f, false);
		check_ops(&f, &f, false);
		prev = f;
	}
	for (i = 0; i < sizeof sv / sizeof *sv + 100; i++) {
		in.v[0] = i < sizeof sv / sizeof *sv ? sv[i] : rnd() & M51;
		weft_fe_set(&f, in.v[0]);
		m = u64_mpi(in.v[0]);
		check_fe("set", &in, NULL, &f, m);
		gcry_mpi_release(m);
	}
}

/* ---- tight elements that are not canonical (section 3) ------------------- */

/* Random limbs up to MAX (2^51 - 1 or 2^52 - 1), often at the bound. */
static void
rnd_tight(weft_fe *f, uint64_t max)
{
	unsigned i;

	for (i = 0; i < 5; i++) {
		switch (rnd() % 8) {
		case 0: f->v[i] = max; break;
		case 1: f->v[i] = 0; break;
		case 2: f->v[i] = max - rnd() % 64; break;
		default: f->v[i] = rnd() & max;
		}
	}
}

static void
check_tight(void)
{
	static const weft_fe edge[] = {
		{ { M52, M52, M52, M52, M52 } },
		{ { M51 + 1, M51 + 1, M51 + 1, M51 + 1, M51 + 1 } },
		{ { M51, M51, M51, M51, M51 } },
		{ { M51 - 18, M51, M51, M51, M51 } },                 /* p */
		{ { M51 - 17, M51, M51, M51, M51 } },
		{ { M51 - 19, M51, M51, M51, M51 } },
		{ { M52 - 37, M52 - 1, M52 - 1, M52 - 1, M52 - 1 } }, /* 2p */
		{ { M52 - 38, M52 - 1, M52 - 1, M52 - 1, M52 - 1 } },
		{ { M52 - 36, M52 - 1, M52 - 1, M52 - 1, M52 - 1 } },
		{ { M52 - 18, M52 - 1, M52 - 1, M52 - 1, M52 - 1 } },
		{ { M52, 0, 0, 0, 0 } }, { { 0, 0, 0, 0, M52 } },
		{ { M52, 0, M52, 0, M52 } }, { { 0, M52, 0, M52, 0 } },
		{ { M52, M52, M52, M52, 0 } }, { { 0, M52, M52, M52, M52 } },
		{ { M52, M51, M52, M51, M52 } }, { { M51 + 1, 0, 0, 0, 0 } },
		{ { 0, 0, 0, 0, 0 } }, { { 19, 0, 0, 0, M51 + 1 } },
	};
	const unsigned ne = sizeof edge / sizeof *edge;
	weft_fe f, g, prev = edge[0];
	unsigned i, j;

	for (i = 0; i < ne; i++)
		for (j = 0; j < ne; j++)
			check_ops(&edge[i], &edge[j], !j);
	for (i = 0; i < NTIGHT; i++) {
		rnd_tight(&f, i % 2 ? M52 : M51);
		check_ops(&f, &prev, true);
		check_ops(&f, &edge[rnd() % ne], false);
		prev = f;
		if (i % 2)
			continue;
		/* Limbs below 2^51: other tight forms of the same value. */
		g = f;                              /* f + p */
		g.v[0] += M51 - 18;
		for (j = 1; j < 5; j++)
			g.v[j] += M51;
		check_ops(&g, &f, true);
		g = f;                              /* a borrow */
		j = (unsigned)(rnd() % 4);
		if (g.v[j + 1]) {
			g.v[j + 1]--;
			g.v[j] += UINT64_C(1) << 51;
		}
		check_ops(&g, &f, true);
		g = f;                              /* 19 = 2^255 */
		if (g.v[0] >= 19) {
			g.v[0] -= 19;
			g.v[4] += UINT64_C(1) << 51;
		}
		check_ops(&g, &f, true);
	}
}

/* Chains of random operations on NREG registers, destination and sources
 * drawn independently (so often the same), mirrored in gcry_mpi; one
 * check per chain, which stops at the first wrong step. */
static void
check_chains(void)
{
	static const uint8_t opmap[16] = { 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3,
					   4, 4, 5, 6, 7 };
	weft_fe r[NREG], f = { { 0 } }, g = { { 0 } };
	gcry_mpi_t m[NREG], w = gcry_mpi_new(0), t;
	uint8_t s[32], got[32], exp[32];
	char fb[96], gb[96], zb[96], hb[96], xg[65], xe[65];
	unsigned c, k, i, op = 0, d = 0, x = 0, y = 0, z = 0;
	bool ok;

	for (c = 0; c < NCHAIN; c++) {
		for (i = 0; i < NREG; i++) {
			if (rnd() & 1) {
				rnd_tight(&r[i], M52);
			} else {
				rnd_value(s);
				weft_fe_frombytes(&r[i], s);
			}
			m[i] = fe_mpi(&r[i]);
		}
		ok = true;
		for (k = 0; ok && k < CHAINLEN; k++) {
			op = opmap[rnd() % 16];
			d = (unsigned)(rnd() % NREG);
			x = (unsigned)(rnd() % NREG);
			y = (unsigned)(rnd() % NREG);
			z = (unsigned)(rnd() % NREG);
			f = r[x];
			g = r[y];
			if (op < 7) {
				ref_op(op, w, m[x], m[y]);
				weft_op(op, &r[d], &r[x], &r[y]);
			} else {
				memset(&f, 0, sizeof f);
				f.v[0] = rnd() & M51;
				weft_fe_set(&r[d], f.v[0]);
				t = u64_mpi(f.v[0]);
				gcry_mpi_set(w, t);
				gcry_mpi_release(t);
			}
			gcry_mpi_set(m[d], w);
			ok = fe_ok(&r[d], m[d], got, exp) &&
			     weft_fe_isodd(&r[d]) ==
				     (gcry_mpi_test_bit(m[d], 0) ? 1u : 0u) &&
			     weft_fe_iszero(&r[d]) == !gcry_mpi_cmp_ui(m[d], 0) &&
			     weft_fe_equal(&r[d], &r[z]) == !gcry_mpi_cmp(m[d], m[z]);
		}
		T_CHECK(ok, "chain %u step %u: r%u = %s(f = r%u %s, g = r%u %s),"
			" isodd, iszero, equal with r%u %s: got %s = %s, want %s",
			c, k - 1, d, op_name[op], x, ok ? "" : fe_str(fb, &f), y,
			ok ? "" : fe_str(gb, &g), z, ok ? "" : fe_str(zb, &r[z]),
			ok ? "" : fe_str(hb, &r[d]), ok ? "" : hex32(xg, got),
			ok ? "" : hex32(xe, exp));
		for (i = 0; i < NREG; i++)
			gcry_mpi_release(m[i]);
	}
	gcry_mpi_release(w);
}

/* ---- constants and points (section 4) ------------------------------------ */

static void
check_consts(void)
{
	const weft_fe_consts_t *k = weft_fe_consts();
	gcry_mpi_t d = gcry_mpi_set_ui(NULL, 121665), t = gcry_mpi_new(0);
	gcry_mpi_t s = fe_mpi(&k->sqrtm1);

	gcry_mpi_sub(d, P, d);                       /* -121665 / 121666 */
	gcry_mpi_set_ui(t, 121666);
	gcry_mpi_invm(t, t, P);
	gcry_mpi_mulm(d, d, t, P);
	T_CHECK(!gcry_mpi_cmp(d, D), "d is not libgcrypt's");
	check_fe("consts d", NULL, NULL, &k->d, d);
	gcry_mpi_addm(t, d, d, P);
	check_fe("consts d2", NULL, NULL, &k->d2, t);
	gcry_mpi_set_ui(t, 1);
	check_fe("consts one", NULL, NULL, &k->one, t);
	check_fe("consts sqrtm1", NULL, NULL, &k->sqrtm1, s);
	gcry_mpi_mulm(t, s, s, P);
	gcry_mpi_add_ui(t, t, 1);
	T_CHECK(!gcry_mpi_cmp(t, P) && weft_fe_consts() == k,
		"sqrtm1^2 != -1, or weft_fe_consts moved");
	gcry_mpi_release(d);
	gcry_mpi_release(t);
	gcry_mpi_release(s);
}

/* A weft point from a gcry_mpi point, by its affine coordinates; with
 * NEG, its negative (-x, y). */
static void
ge_of(weft_ge *r, gcry_mpi_point_t pt, bool neg)
{
	gcry_mpi_t x = gcry_mpi_new(0), y = gcry_mpi_new(0);
	uint8_t bx[32], by[32];
	weft_fe fx, fy;

	if (!pt_affine(x, y, pt) || !mpi_le(bx, x) || !mpi_le(by, y))
		ref_fail("ge_of: no affine coordinates");
	weft_fe_frombytes(&fx, bx);
	weft_fe_frombytes(&fy, by);
	if (neg)
		weft_fe_neg(&fx, &fx);
	weft_ge_from_affine(r, &fx, &fy);
	gcry_mpi_release(x);
	gcry_mpi_release(y);
}

/* R, with tight coordinates, encodes as WANT, or else as libgcrypt's
 * point PT; IN names the inputs. */
static void
check_ge(const char *what, const char *in, const weft_ge *r,
	 gcry_mpi_point_t pt, const uint8_t *want)
{
	uint8_t got[32], e[32];
	char xg[65], xw[65];
	bool ok;

	if (!want)
		pt_enc(e, pt);
	weft_ge_encode(got, r);
	ok = !memcmp(got, want ? want : e, 32) && tight(&r->x) &&
	     tight(&r->y) && tight(&r->z) && tight(&r->t);
	T_CHECK(ok, "%s (%s): got %s, want %s", what, in,
		ok ? "" : hex32(xg, got), ok ? "" : hex32(xw, want ? want : e));
}

/* R = P + Q through Q cached. */
static void
ge_add(weft_ge *r, const weft_ge *p, const weft_ge *q)
{
	weft_ge_cached c;

	weft_ge_to_cached(&c, q);
	weft_ge_add(r, p, &c);
}

/* [K]B, K 32 octets little-endian, by double-and-add from bit 255.  T
 * is left unset where only a doubling follows, unless ALWAYS_T; it
 * holds garbage then, so that reading it would show. */
static void
ge_mul(weft_ge *r, const weft_ge *b, const uint8_t k[32], bool always_t)
{
	weft_ge_cached c;
	weft_ge t;
	int i;

	weft_ge_to_cached(&c, b);
	weft_ge_zero(r);
	for (i = 255; i >= 0; i--) {
		bool bit = k[i / 8] >> (i % 8) & 1;

		memset(&t, 0xa5, sizeof t);
		weft_ge_dbl(&t, r, always_t || bit || i == 0);
		*r = t;
		if (bit)
			weft_ge_add(r, r, &c);
	}
}

static void
check_points(void)
{
	static const uint8_t zero[32] = { 1 };
	static const char l_hex[] =
		"1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed";
	uint8_t bx[32], by[32], k[32], ea[32], eb[32];
	char in[200], xa[65], xb[65];
	gcry_mpi_t x = gcry_mpi_new(0), y = gcry_mpi_new(0), m, n;
	gcry_mpi_point_t w = gcry_mpi_point_new(0), pa, pb;
	weft_ge g, z, r, s, t, pw, qw;
	weft_fe fx, fy;
	unsigned i, j;

	/* G = (x, 4/5), x even: libgcrypt's; its L too. */
	unhex32("1ad5258f602d56c9b2a7259560c72c695cdcd6fd31e2a4c0fe536ecdd3366921",
		bx);
	memset(by, 0x66, 32);
	by[0] = 0x58;
	pt_affine(x, y, G);
	m = le_mpi(bx);
	n = gcry_mpi_set_ui(NULL, 5);
	gcry_mpi_invm(n, n, P);
	gcry_mpi_mul_ui(n, n, 4);
	gcry_mpi_mod(n, n, P);
	T_CHECK(!gcry_mpi_cmp(m, x) && !gcry_mpi_test_bit(m, 0) &&
		!gcry_mpi_cmp(n, y), "G is not libgcrypt's");
	gcry_mpi_release(m);
	must(gcry_mpi_scan(&m, GCRYMPI_FMT_HEX, l_hex, 0, NULL), "scan L");
	T_CHECK(!gcry_mpi_cmp(m, L), "L is not libgcrypt's");
	weft_fe_frombytes(&fx, bx);
	weft_fe_frombytes(&fy, by);
	weft_ge_from_affine(&g, &fx, &fy);
	check_ge("encode", "G", &g, NULL, by);           /* 58 66 .. 66 */

	weft_ge_zero(&z);                                /* the neutral element */
	check_ge("encode", "0", &z, NULL, zero);
	weft_ge_dbl(&r, &z, true);
	check_ge("2 * 0", "0", &r, NULL, zero);
	ge_add(&r, &g, &z);
	check_ge("G + 0", "G", &r, NULL, by);
	ge_add(&r, &z, &g);
	check_ge("0 + G", "G", &r, NULL, by);

	/* [k]G: 0, 1, 2, 3, 8, L - 1, L, L + 1, 2L, 8L, 2^256 - 1, random
	 * (every other one below 2^252). */
	for (i = 0; i < 11 + NSCALAR; i++) {
		static const unsigned kl[] = { 0, 1, 2, 3, 8 };

		if (i < 5)
			gcry_mpi_set_ui(m, kl[i]);
		else if (i < 8) {
			gcry_mpi_add_ui(m, L, i - 5);
			gcry_mpi_sub_ui(m, m, 1);
		} else if (i < 10)
			gcry_mpi_mul_ui(m, L, i == 8 ? 2 : 8);
		if (i < 10)
			mpi_le(k, m);
		else if (i == 10)
			memset(k, 0xff, 32);
		else
			rnd_bytes(k, 32);
		if (i > 10 && i % 2)
			k[31] &= 0x0f;
		pa = pt_mul_g(k);
		snprintf(in, sizeof in, "k = %s", hex32(xa, k));
		ge_mul(&r, &g, k, false);
		check_ge("[k]G", in, &r, pa, NULL);
		ge_mul(&s, &g, k, true);
		check_ge("[k]G, T in every doubling", in, &s, pa, NULL);
		if (i == 0 || i == 6 || i == 8 || i == 9)
			check_ge("[k]G = 0", in, &r, NULL, zero);
		gcry_mpi_point_release(pa);
	}

	/* P = [a]G (Z not 1), Q = [b]G (from affine), small-order T. */
	for (i = 0; i < NPOINT; i++) {
		rnd_bytes(k, 32);
		pa = pt_mul_g(k);
		ge_mul(&pw, &g, k, false);
		rnd_bytes(k, 32);
		pb = pt_mul_g(k);
		ge_of(&qw, pb, false);
		pt_enc(ea, pa);
		pt_enc(eb, pb);
		snprintf(in, sizeof in, "P = %s, Q = %s", hex32(xa, ea),
			 hex32(xb, eb));
		gcry_mpi_ec_add(w, pa, pb, ec);
		ge_add(&r, &pw, &qw);
		check_ge("P + Q", in, &r, w, NULL);
		ge_add(&r, &qw, &pw);
		check_ge("Q + P", in, &r, w, NULL);
		gcry_mpi_ec_add(w, pa, pa, ec);
		ge_add(&r, &pw, &pw);
		check_ge("P + P", in, &r, w, NULL);
		weft_ge_dbl(&s, &pw, true);
		check_ge("2P", in, &s, w, NULL);
		gcry_mpi_ec_add(w, w, w, ec);
		memset(&t, 0xa5, sizeof t);
		weft_ge_dbl(&t, &pw, false);
		weft_ge_dbl(&r, &t, true);
		check_ge("2(2P), first T unset", in, &r, w, NULL);
		weft_ge_dbl(&r, &s, true);
		check_ge("2(2P)", in, &r, w, NULL);
		t = pw;                                  /* -P = (-X, Y, Z, -T) */
		weft_fe_neg(&t.x, &pw.x);
		weft_fe_neg(&t.t, &pw.t);
		ge_add(&r, &pw, &t);
		check_ge("P + -P", in, &r, NULL, zero);
		ge_of(&t, pb, true);
		ge_add(&r, &qw, &t);
		check_ge("Q + -Q", in, &r, NULL, zero);
		for (j = 0; j < 8; j++) {
			ge_of(&t, small_pt[j], false);
			ge_add(&r, &pw, &t);
			gcry_mpi_ec_add(w, pa, small_pt[j], ec);
			snprintf(in, sizeof in, "P = %s, T%u", hex32(xa, ea), j);
			check_ge("P + T", in, &r, w, NULL);
		}
		gcry_mpi_point_release(pa);
		gcry_mpi_point_release(pb);
	}
	for (i = 0; i < 8; i++) {           /* T_i = [i]T_1 of ed25519-ref.h */
		ge_of(&s, small_pt[i], false);
		for (j = 0; j < 8; j++) {
			ge_of(&t, small_pt[j], false);
			ge_add(&r, &s, &t);
			gcry_mpi_ec_add(w, small_pt[i], small_pt[j], ec);
			snprintf(in, sizeof in, "T%u + T%u", i, j);
			check_ge("small order", in, &r, w, NULL);
		}
		weft_ge_dbl(&r, &s, true);
		gcry_mpi_ec_add(w, small_pt[i], small_pt[i], ec);
		snprintf(in, sizeof in, "2 T%u", i);
		check_ge("small order", in, &r, w, NULL);
	}
	gcry_mpi_point_release(w);
	gcry_mpi_release(m);
	gcry_mpi_release(n);
	gcry_mpi_release(x);
	gcry_mpi_release(y);
}

int
main(void)
{
	T_OK(weft_crypto_init());
	ref_setup();
	E22523 = gcry_mpi_new(0);
	gcry_mpi_sub_ui(E22523, P, 5);
	gcry_mpi_rshift(E22523, E22523, 3);

	check_field();
	check_tight();
	check_chains();
	check_consts();
	check_points();

	gcry_mpi_release(E22523);
	ref_release();
	return t_done();
}
