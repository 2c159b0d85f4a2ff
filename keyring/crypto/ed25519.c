/* ed25519.c - Ed25519 signature verification: gcry_pk_verify's verdict,
 * input for input, in about a twelfth of its time (42 us against 500 on
 * this project's benchmark machine; this file's earlier verifier, on
 * libgcrypt's curve arithmetic, took 3.6 times as long).
 *
 * libgcrypt 1.10 (cipher/ecc-eddsa.c, _gcry_ecc_eddsa_verify) checks
 *
 *     encode([S]G + [h](-Q)) == R,   h = SHA-512(R || encode(Q) || M)
 *
 * computing [S]G and [h]Q apart, each by plain double-and-add, with h the
 * whole 512-bit digest.  Here the two products are one double-scalar
 * product (Straus-Shamir: one doubling per bit, shared), each scalar cut
 * into sliding windows whose odd values index a table of odd multiples:
 * of G, 8-bit windows from a table of 128 the process makes once; of
 * -Q, 4-bit windows from 8 made for the verification.  256 doublings
 * and about 28 + 51 + 8 additions.  The arithmetic is fe25519.c's (five
 * 51-bit limbs; RFC 8032's complete twisted Edwards formulas): libgcrypt's
 * gcry_mpi_ec_dup and gcry_mpi_ec_add took about four times as long for
 * the same points (tests/bench/NOTES.md), and nothing in a verification
 * is secret.  The verdict is the same as libgcrypt's for every input, not
 * only for honest signatures:
 *
 *   - Q is decoded as RFC 8032 5.1.3 says, and refused where libgcrypt
 *     refuses it ("Broken public key": y >= p, x = 0 with the sign bit,
 *     and y = 0, which libgcrypt decodes to a point off the curve); it
 *     is then canonical, so what the hash covers is A itself;
 *   - Q is also refused where gcry_pk_verify cannot take it at all: a
 *     coordinate below 2^192 (the neutral element, (0, -1), ...) makes
 *     libgcrypt 1.10 abort the process (log_bug "mulm_25519: different
 *     sizes"), which a crafted key must not do to weft; no honest key
 *     has such a point;
 *   - S is taken whole, as libgcrypt takes it (it does not ask S < L;
 *     [S]G = [S mod L]G all the same);
 *   - h is reduced modulo 8L, the order of the curve's whole group, so
 *     [h mod 8L]P = [h]P for every point, also one with a small-order
 *     part;
 *   - R is never decoded: the sum is encoded and compared with R octet
 *     by octet, as libgcrypt compares it.
 *
 * tests/unit/crypto/ed25519.c holds the two side by side over honest,
 * altered and crafted inputs (small-order and non-canonical points,
 * S >= L); tests/fuzz/ed25519.c does the same with what the fuzzer
 * makes; tests/unit/crypto/fe25519.c checks the arithmetic itself
 * against gcry_mpi.
 *
 * A key's decoded point is kept (weft_ed25519), and the process keeps
 * every point it decoded (below): verifying many signatures by one
 * issuer decodes it once.  It holds plain octets, as does the table of
 * G's multiples, so threads share both.  A key whose point is refused
 * verifies nothing (pubkey.c does not hand it to gcry_pk_verify
 * either).
 */
#include <pthread.h>
#include <stdlib.h>

#include "crypto-int.h"
#include "fe25519.h"
#include "../util/mem.h"

struct weft_ed25519 {
	uint8_t enc[32];         /* encode(Q), what the hash covers */
	uint8_t nx[32];          /* -Q = (-x, y): -x little-endian; y is
				    enc without the sign bit */
};

static void
reverse(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[n - 1 - i];
}

/* 8L, the order of the curve's whole group, L = 2^252 +
 * 27742317777372353535851937790883648493; parsed once, then only read. */
static gcry_mpi_t order8;
static pthread_once_t order8_once = PTHREAD_ONCE_INIT;

static void
order8_init(void)
{
	(void)gcry_mpi_scan(&order8, GCRYMPI_FMT_HEX,
			    "80000000000000000000000000000000a6f7cef517bce6b2c09318d2e7ae9f68",
			    0, NULL);
}

/* A canonical element below 2^192 (its top 8 octets are 0). */
static bool
below_2_192(const uint8_t le[32])
{
	static const uint8_t zero[8];

	return !memcmp(le + 24, zero, 8);
}

/* RFC 8032 5.1.3: decode A into Q = (x, y) and set NX to -x (canonical,
 * little-endian); false when it is no point, and also for the points
 * libgcrypt 1.10 cannot take (see the top of the file). */
static bool
decode(const uint8_t a[32], uint8_t nx[32])
{
	const weft_fe_consts_t *k = weft_fe_consts();
	weft_fe y, yy, u, v, v3, t, x, chk;
	uint8_t yb[32], xb[32], a7[32];
	unsigned sign = a[31] >> 7;

	weft_fe_frombytes(&y, a);
	/* y < p, as libgcrypt asks ("Broken public key" otherwise): the
	 * canonical octets are A's without the sign bit. */
	weft_fe_tobytes(yb, &y);
	memcpy(a7, a, 32);
	a7[31] &= 0x7f;
	if (memcmp(yb, a7, 32))
		return false;
	/* u = y^2 - 1, v = d y^2 + 1 */
	weft_fe_sq(&yy, &y);
	weft_fe_sub(&u, &yy, &k->one);
	weft_fe_mul(&v, &k->d, &yy);
	weft_fe_add(&v, &v, &k->one);
	/* x = u v^3 (u v^7)^((p-5)/8) */
	weft_fe_sq(&v3, &v);
	weft_fe_mul(&v3, &v3, &v);
	weft_fe_sq(&t, &v3);
	weft_fe_mul(&t, &t, &v);
	weft_fe_mul(&t, &t, &u);
	weft_fe_pow22523(&t, &t);
	weft_fe_mul(&x, &u, &v3);
	weft_fe_mul(&x, &x, &t);
	/* v x^2 = u, or = -u and x is to be multiplied by sqrt(-1), or
	 * there is no square root: no point. */
	weft_fe_sq(&chk, &x);
	weft_fe_mul(&chk, &chk, &v);
	if (!weft_fe_equal(&chk, &u)) {
		weft_fe_add(&chk, &chk, &u);
		if (!weft_fe_iszero(&chk))
			return false;
		weft_fe_mul(&x, &x, &k->sqrtm1);
	}
	weft_fe_tobytes(xb, &x);
	/* x = 0 with the sign bit set: libgcrypt makes x = p (broken). */
	if (!memcmp(xb, (uint8_t[32]){ 0 }, 32) && sign)
		return false;
	/* What libgcrypt 1.10 cannot take: it decodes y = 0 to a point off
	 * the curve, and a coordinate below 2^192 (fewer limbs than p)
	 * makes gcry_pk_verify abort the process ("mulm_25519: different
	 * sizes").  No honest key has such a point (the neutral element,
	 * small-order points, a chance of 2^-63 otherwise), and weft cannot
	 * let gcry_pk_verify see it.  Both x and p - x are looked at, as
	 * libgcrypt's x is the one whose sign A names. */
	if ((unsigned)(xb[0] & 1) != sign)
		weft_fe_neg(&x, &x);
	weft_fe_tobytes(xb, &x);
	if (below_2_192(xb) || below_2_192(yb))
		return false;
	/* -Q = (-x, y); x is not 0 here. */
	weft_fe_neg(&x, &x);
	weft_fe_tobytes(nx, &x);
	return true;
}

/* ---- points decoded before ------------------------------------------------ *
 *
 * Decoding a point costs a square root (a 252-bit exponentiation), about
 * a sixth of a verification.  weft_ed25519 values belong to their keys,
 * and a large import makes a key's object anew for each chunk that
 * meets it as an issuer: without this table an import decoded each
 * issuer about once per certification it made.  The process keeps what
 * it decoded, shared by the threads under a lock (a look-up is a small
 * part of a verification), up to CACHE_MAX points (64 octets each: 16
 * MiB).  Refused points are not kept.  The hash is keyed at random, so
 * that made-up points cannot be chosen to collide; a run of probes is
 * cut short all the same. */
#define CACHE_MAX  ((size_t)1 << 18)
#define CACHE_PROBES 64

static struct {
	pthread_mutex_t lock;
	weft_ed25519 *v;         /* the points, in the order they came */
	size_t n, cap;
	uint32_t *slots;         /* index into v + 1; 0: empty */
	size_t nslots;
	uint64_t seed;
} C = { .lock = PTHREAD_MUTEX_INITIALIZER };

static size_t
cache_hash(const uint8_t a[32])
{
	uint64_t h = C.seed, w;
	size_t i;

	for (i = 0; i < 32; i += 8) {
		memcpy(&w, a + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15u;
		h ^= h >> 29;
	}
	return (size_t)h;
}

/* Under the lock: A's entry, or NULL (and *SLOT: where it would go, or
 * SIZE_MAX when the run of probes is too long). */
static const weft_ed25519 *
cache_find(const uint8_t a[32], size_t *slot)
{
	size_t h, k;

	*slot = SIZE_MAX;
	if (!C.nslots)
		return NULL;
	h = cache_hash(a) & (C.nslots - 1);
	for (k = 0; k < CACHE_PROBES; k++, h = (h + 1) & (C.nslots - 1)) {
		uint32_t e = C.slots[h];

		if (!e) {
			*slot = h;
			return NULL;
		}
		if (!memcmp(C.v[e - 1].enc, a, 32))
			return &C.v[e - 1];
	}
	return NULL;
}

static bool
cache_grow(void)
{
	size_t ns = C.nslots ? 2 * C.nslots : 1024, i, h;
	uint32_t *t = calloc(ns, sizeof *t);

	if (!t)
		return false;
	for (i = 0; i < C.nslots; i++) {
		uint32_t e = C.slots[i];

		if (!e)
			continue;
		for (h = cache_hash(C.v[e - 1].enc) & (ns - 1); t[h];
		     h = (h + 1) & (ns - 1))
			;
		t[h] = e;
	}
	free(C.slots);
	C.slots = t;
	C.nslots = ns;
	return true;
}

static bool
cache_get(const uint8_t a[32], weft_ed25519 *out)
{
	const weft_ed25519 *e;
	size_t slot;

	(void)pthread_mutex_lock(&C.lock);
	if ((e = cache_find(a, &slot)))
		*out = *e;
	(void)pthread_mutex_unlock(&C.lock);
	return e != NULL;
}

static void
cache_put(const weft_ed25519 *k)
{
	size_t slot;

	(void)pthread_mutex_lock(&C.lock);
	if (!C.seed) {
		gcry_create_nonce(&C.seed, sizeof C.seed);
		C.seed |= 1;
	}
	if (C.n >= CACHE_MAX ||
	    (2 * (C.n + 1) > C.nslots && !cache_grow()) ||
	    cache_find(k->enc, &slot) || slot == SIZE_MAX ||
	    weft_grow((void **)&C.v, &C.cap, C.n + 1, sizeof *C.v))
		goto leave;
	C.v[C.n++] = *k;
	C.slots[slot] = (uint32_t)C.n;
leave:
	(void)pthread_mutex_unlock(&C.lock);
}

gpg_error_t
weft_ed25519_new(weft_ed25519 **out, const uint8_t a[32])
{
	weft_ed25519 *k;

	*out = NULL;
	if (!(k = calloc(1, sizeof *k)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (!cache_get(a, k)) {
		if (!decode(a, k->nx)) {
			free(k);
			return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		}
		/* A decoded and below p is canonical: its encoding is A. */
		memcpy(k->enc, a, 32);
		cache_put(k);
	}
	*out = k;
	return 0;
}

void
weft_ed25519_free(weft_ed25519 *k)
{
	free(k);
}

/* Bit I of a 32-octet big-endian number. */
static unsigned
bit_be(const uint8_t v[32], unsigned i)
{
	return (v[31 - i / 8] >> (i % 8)) & 1;
}

/* ---- verification ----------------------------------------------------------- */

#define GW 8                     /* window on G */
#define GN (1u << (GW - 1))      /* odd multiples of G, made once */
#define QW 4                     /* window on -Q */
#define QN (1u << (QW - 1))      /* odd multiples of -Q per verification */

/* OUT[i] = (2i + 1)P for i below N. */
static void
odd_multiples(weft_ge_cached *out, const weft_ge *p, unsigned n)
{
	weft_ge cur = *p, p2;
	weft_ge_cached c2;
	unsigned i;

	weft_ge_to_cached(&out[0], p);
	weft_ge_dbl(&p2, p, true);
	weft_ge_to_cached(&c2, &p2);
	for (i = 1; i < n; i++) {
		weft_ge_add(&cur, &cur, &c2);
		weft_ge_to_cached(&out[i], &cur);
	}
}

/* The odd multiples of G, plain numbers that every thread reads. */
static weft_ge_cached gtab[GN];
static pthread_once_t gtab_once = PTHREAD_ONCE_INIT;

static void
gtab_init(void)
{
	/* G = (x, 4/5), x even (RFC 8032 5.1) */
	static const uint8_t gx[32] = {
		0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9,
		0xb2, 0xa7, 0x25, 0x95, 0x60, 0xc7, 0x2c, 0x69,
		0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2, 0xa4, 0xc0,
		0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36, 0x69, 0x21,
	};
	static const uint8_t gy[32] = {
		0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
		0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	};
	weft_fe x, y;
	weft_ge g;

	weft_fe_frombytes(&x, gx);
	weft_fe_frombytes(&y, gy);
	weft_ge_from_affine(&g, &x, &y);
	odd_multiples(gtab, &g, GN);
}

/* Sliding windows of W bits over the 256-bit big-endian V, from the top:
 * D[i] is the odd value of the window whose lowest bit is bit i, else 0,
 * so that V is the sum of D[i] 2^i. */
static void
recode(const uint8_t v[32], unsigned w, uint8_t d[256])
{
	int i = 255, j, b;
	unsigned val;

	memset(d, 0, 256);
	while (i >= 0) {
		if (!bit_be(v, (unsigned)i)) {
			i--;
			continue;
		}
		j = i - (int)w + 1 < 0 ? 0 : i - (int)w + 1;
		while (!bit_be(v, (unsigned)j))
			j++;
		for (val = 0, b = i; b >= j; b--)
			val = val << 1 | bit_be(v, (unsigned)b);
		d[j] = (uint8_t)val;
		i = j - 1;
	}
}

/* H = the 64-octet little-endian DIGEST modulo 8L, 32 octets big-endian. */
static gpg_error_t
digest_mod_8l(uint8_t hbe[32], const uint8_t digest[64])
{
	uint8_t be[64], tmp[32];
	gcry_mpi_t h = NULL;
	size_t n;
	gpg_error_t err;

	(void)pthread_once(&order8_once, order8_init);
	if (!order8)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	reverse(be, digest, sizeof be);
	if ((err = gcry_mpi_scan(&h, GCRYMPI_FMT_USG, be, sizeof be, NULL)))
		return err;
	gcry_mpi_mod(h, h, order8);
	err = gcry_mpi_print(GCRYMPI_FMT_USG, tmp, sizeof tmp, &n, h);
	gcry_mpi_release(h);
	if (err)
		return WEFT_ERR(GPG_ERR_INTERNAL);
	memset(hbe, 0, 32 - n);
	memcpy(hbe + 32 - n, tmp, n);
	return 0;
}

gpg_error_t
weft_ed25519_verify(const weft_ed25519 *k, const uint8_t r[32],
		    const uint8_t s[32], const uint8_t *m, size_t mlen)
{
	gcry_buffer_t iov[3] = {
		{ .len = 32, .data = (void *)r },
		{ .len = 32, .data = (void *)k->enc },
		{ .len = mlen, .data = (void *)m },
	};
	uint8_t digest[64], sbe[32], hbe[32], got[32], ds[256], dh[256];
	weft_ge_cached q[QN];
	weft_fe nx, y;
	weft_ge nq, t;
	unsigned i;
	bool started;
	gpg_error_t err;

	/* h = SHA-512(R || encode(Q) || M) as a little-endian number. */
	if ((err = gcry_md_hash_buffers(GCRY_MD_SHA512, 0, digest, iov, 3)) ||
	    (err = digest_mod_8l(hbe, digest)))
		return err;
	reverse(sbe, s, 32);
	recode(sbe, GW, ds);
	recode(hbe, QW, dh);
	(void)pthread_once(&gtab_once, gtab_init);

	/* q[i] = (2i + 1)(-Q) */
	weft_fe_frombytes(&nx, k->nx);
	weft_fe_frombytes(&y, k->enc);   /* the sign bit is not read */
	weft_ge_from_affine(&nq, &nx, &y);
	odd_multiples(q, &nq, QN);

	/* From the top bit: double, then add what a window ends on.  A
	 * doubling leaves T unset where only another doubling follows. */
	weft_ge_zero(&t);
	for (i = 256, started = false; i--;) {
		if (started)
			weft_ge_dbl(&t, &t, ds[i] || dh[i]);
		if (ds[i]) {
			weft_ge_add(&t, &t, &gtab[ds[i] >> 1]);
			started = true;
		}
		if (dh[i]) {
			weft_ge_add(&t, &t, &q[dh[i] >> 1]);
			started = true;
		}
	}
	weft_ge_encode(got, &t);
	return memcmp(got, r, 32) ? WEFT_ERR(GPG_ERR_BAD_SIGNATURE) : 0;
}
