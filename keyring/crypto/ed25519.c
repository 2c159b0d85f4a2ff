/* ed25519.c - Ed25519 signature verification on libgcrypt's curve
 * arithmetic: gcry_pk_verify's verdict in about a third of its time.
 *
 * libgcrypt 1.10 (cipher/ecc-eddsa.c, _gcry_ecc_eddsa_verify) checks
 *
 *     encode([S]G + [h](-Q)) == R,   h = SHA-512(R || encode(Q) || M)
 *
 * computing [S]G and [h]Q apart, each by plain double-and-add, with h the
 * whole 512-bit digest: about 768 doublings and 384 additions.  Most of
 * an import's time is those (tests/bench/NOTES.md).  Here the two
 * products are one double-scalar product (Straus-Shamir: one doubling
 * per bit, shared), each scalar cut into sliding windows whose odd
 * values index a table of odd multiples: of G, 8-bit windows from a
 * table of 128 that each thread makes once; of -Q, 4-bit windows from 8
 * made for the verification.  256 doublings and about 28 + 51 + 8
 * additions (the 2-bit joint windows before: 128 + 12).  The curve
 * arithmetic is libgcrypt's (gcry_mpi_ec_dup, gcry_mpi_ec_add: complete
 * twisted Edwards formulas), and the verdict is the same as libgcrypt's
 * for every input, not only for honest signatures:
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
 * makes.
 *
 * A key's decoded point is kept (weft_ed25519), and the process keeps
 * every point it decoded (below): verifying many signatures by one
 * issuer decodes it once.  It holds plain octets, so threads share it;
 * each thread has its own libgcrypt context, table of G's multiples and
 * scratch points, made at its first verification, as libgcrypt's
 * contexts are not safe to share.  A key whose point is refused
 * verifies nothing (pubkey.c does not hand it to gcry_pk_verify
 * either).
 */
#include <pthread.h>
#include <stdlib.h>

#include "crypto-int.h"
#include "../util/mem.h"
#include "../util/workers.h"

struct weft_ed25519 {
	uint8_t enc[32];         /* encode(Q), what the hash covers */
	uint8_t nx[32];          /* -Q = (-x, y), -x big-endian; y is
				    enc without the sign bit */
};

static void
reverse(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[n - 1 - i];
}

/* An MPI below 2^256 as 32 octets, big-endian. */
static bool
mpi_octets(uint8_t out[32], gcry_mpi_t v)
{
	uint8_t tmp[32];
	size_t n;

	if (gcry_mpi_print(GCRYMPI_FMT_USG, tmp, sizeof tmp, &n, v))
		return false;
	memset(out, 0, 32 - n);
	memcpy(out + 32 - n, tmp, n);
	return true;
}

/* RFC 8032 5.1.2: y little-endian, the sign of x in the top bit (as
 * libgcrypt's _gcry_ecc_eddsa_encodepoint). */
static bool
encode(uint8_t out[32], gcry_mpi_t x, gcry_mpi_t y)
{
	uint8_t be[32];

	if (!mpi_octets(be, y))
		return false;
	reverse(out, be, 32);
	if (gcry_mpi_test_bit(x, 0))
		out[31] |= 0x80;
	return true;
}

/* Constants, parsed once and then only read (as libgcrypt's own
 * constants are shared by its threads): the field's p, d =
 * -121665/121666, sqrt(-1) and the exponent (p - 5) / 8 of the square
 * root (RFC 8032 5.1), and 8L, the order of the curve's whole group,
 * L = 2^252 + 27742317777372353535851937790883648493. */
static struct {
	gcry_mpi_t p, d, sqrtm1, sqrt_exp, order8;
	bool ok;
} K;
static pthread_once_t k_once = PTHREAD_ONCE_INIT;

static gcry_mpi_t
hex_mpi(const char *hex)
{
	gcry_mpi_t v = NULL;

	return gcry_mpi_scan(&v, GCRYMPI_FMT_HEX, hex, 0, NULL) ? NULL : v;
}

static void
k_init(void)
{
	K.p = hex_mpi("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed");
	K.d = hex_mpi("52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3");
	K.sqrtm1 = hex_mpi("2b8324804fc1df0b2b4d00993dfbd7a72f431806ad2fe478c4ee1b274a0ea0b0");
	K.sqrt_exp = hex_mpi("0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd");
	K.order8 = hex_mpi("80000000000000000000000000000000a6f7cef517bce6b2c09318d2e7ae9f68");
	K.ok = K.p && K.d && K.sqrtm1 && K.sqrt_exp && K.order8;
}

/* RFC 8032 5.1.3: decode A into Q = (x, Y) and set NX to -x, both below
 * p; false when it is no point, and also for the points libgcrypt 1.10
 * cannot take (see the top of the file).  K is set up. */
static bool
decode(const uint8_t a[32], gcry_mpi_t nx, gcry_mpi_t y)
{
	uint8_t be[32];
	gcry_mpi_t p = K.p, x = nx,
		   yy = gcry_mpi_new(0), u = gcry_mpi_new(0),
		   v = gcry_mpi_new(0), t = gcry_mpi_new(0),
		   v3 = gcry_mpi_new(0), r = NULL;
	unsigned sign = a[31] >> 7;
	bool ok = false;

	reverse(be, a, 32);
	be[0] &= 0x7f;
	if (gcry_mpi_scan(&r, GCRYMPI_FMT_USG, be, 32, NULL))
		goto leave;
	gcry_mpi_set(y, r);
	/* y < p, as libgcrypt asks ("Broken public key" otherwise). */
	if (gcry_mpi_cmp(y, p) >= 0)
		goto leave;
	/* u = y^2 - 1, v = d y^2 + 1 */
	gcry_mpi_mulm(yy, y, y, p);
	gcry_mpi_subm(u, yy, GCRYMPI_CONST_ONE, p);
	gcry_mpi_mulm(v, K.d, yy, p);
	gcry_mpi_addm(v, v, GCRYMPI_CONST_ONE, p);
	/* x = u v^3 (u v^7)^((p-5)/8) */
	gcry_mpi_mulm(v3, v, v, p);
	gcry_mpi_mulm(v3, v3, v, p);
	gcry_mpi_mulm(t, v3, v3, p);
	gcry_mpi_mulm(t, t, v, p);
	gcry_mpi_mulm(t, t, u, p);
	gcry_mpi_powm(t, t, K.sqrt_exp, p);
	gcry_mpi_mulm(x, u, v3, p);
	gcry_mpi_mulm(x, x, t, p);
	/* v x^2 = u, or = -u and x is to be multiplied by sqrt(-1), or
	 * there is no square root: no point. */
	gcry_mpi_mulm(t, x, x, p);
	gcry_mpi_mulm(t, t, v, p);
	if (gcry_mpi_cmp(t, u)) {
		gcry_mpi_addm(t, t, u, p);
		if (gcry_mpi_cmp_ui(t, 0))
			goto leave;
		gcry_mpi_mulm(x, x, K.sqrtm1, p);
	}
	/* x = 0 with the sign bit set: libgcrypt makes x = p (broken). */
	if (!gcry_mpi_cmp_ui(x, 0) && sign)
		goto leave;
	if ((unsigned)gcry_mpi_test_bit(x, 0) != sign)
		gcry_mpi_sub(x, p, x);
	/* What libgcrypt 1.10 cannot take: it decodes y = 0 to a point off
	 * the curve, and a coordinate below 2^192 (fewer limbs than p)
	 * makes gcry_pk_verify abort the process ("mulm_25519: different
	 * sizes").  No honest key has such a point (the neutral element,
	 * small-order points, a chance of 2^-63 otherwise), and weft cannot
	 * let gcry_pk_verify see it. */
	if (!gcry_mpi_cmp_ui(y, 0) || gcry_mpi_get_nbits(x) <= 192 ||
	    gcry_mpi_get_nbits(y) <= 192)
		goto leave;
	/* -Q = (-x, y); x is not 0 here. */
	gcry_mpi_sub(nx, p, x);
	ok = true;
leave:
	gcry_mpi_release(yy);
	gcry_mpi_release(u);
	gcry_mpi_release(v);
	gcry_mpi_release(t);
	gcry_mpi_release(v3);
	gcry_mpi_release(r);
	return ok;
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
	gcry_mpi_t nx = gcry_mpi_new(0), y = gcry_mpi_new(0);
	weft_ed25519 *k = NULL;
	gpg_error_t err = 0;

	*out = NULL;
	/* weft_ed25519_verify makes libgcrypt contexts of the curve. */
	weft_crypto__ec_ready();
	(void)pthread_once(&k_once, k_init);
	if (!K.ok) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	if (!(k = calloc(1, sizeof *k))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	if (cache_get(a, k)) {
		*out = k;
		k = NULL;
		goto leave;
	}
	if (!decode(a, nx, y)) {
		err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		goto leave;
	}
	/* A decoded and below p is canonical: its encoding is A. */
	memcpy(k->enc, a, 32);
	if (!mpi_octets(k->nx, nx)) {
		err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		goto leave;
	}
	cache_put(k);
	*out = k;
	k = NULL;
leave:
	free(k);
	gcry_mpi_release(nx);
	gcry_mpi_release(y);
	return err;
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
#define GN (1u << (GW - 1))      /* odd multiples of G per thread */
#define QW 4                     /* window on -Q */
#define QN (1u << (QW - 1))      /* odd multiples of -Q per verification */

/* What a thread verifies with: a context of the curve, its odd multiples
 * of G (p[i] = (2i + 1)G), and the points and numbers of one
 * verification, made once instead of per signature (a context per
 * signature was 3% of a verification, allocating the points as much
 * again).  libgcrypt points are plain coordinates; nothing in the
 * context depends on a key (no "q" or "d" is ever set in it). */
typedef struct verifier {
	gcry_ctx_t ctx;
	gcry_mpi_point_t p[GN];
	gcry_mpi_point_t q[QN], q2, t;
	gcry_mpi_t one;
} verifier;

static void
verifier_free(void *v)
{
	verifier *t = v;
	unsigned i;

	for (i = 0; i < GN; i++)
		gcry_mpi_point_release(t->p[i]);
	for (i = 0; i < QN; i++)
		gcry_mpi_point_release(t->q[i]);
	gcry_mpi_point_release(t->q2);
	gcry_mpi_point_release(t->t);
	gcry_mpi_release(t->one);
	gcry_ctx_release(t->ctx);
	free(t);
}

static weft_thread_value verifiers = WEFT_THREAD_VALUE_INIT(verifier_free);

/* This thread's state, made at its first verification (GN additions);
 * NULL when out of memory. */
static verifier *
thread_verifier(void)
{
	gcry_mpi_point_t g2;
	verifier *t;
	unsigned i;

	if ((t = weft_thread_get(&verifiers)))
		return t;
	if (!(t = calloc(1, sizeof *t)))
		return NULL;
	if (gcry_mpi_ec_new(&t->ctx, NULL, "Ed25519") ||
	    !(t->p[0] = gcry_mpi_ec_get_point("g", t->ctx, 1))) {
		verifier_free(t);
		return NULL;
	}
	g2 = gcry_mpi_point_new(0);
	gcry_mpi_ec_dup(g2, t->p[0], t->ctx);
	for (i = 1; i < GN; i++) {
		t->p[i] = gcry_mpi_point_new(0);
		gcry_mpi_ec_add(t->p[i], t->p[i - 1], g2, t->ctx);
	}
	gcry_mpi_point_release(g2);
	for (i = 0; i < QN; i++)
		t->q[i] = gcry_mpi_point_new(0);
	t->q2 = gcry_mpi_point_new(0);
	t->t = gcry_mpi_point_new(0);
	t->one = gcry_mpi_set_ui(NULL, 1);
	if (!weft_thread_set(&verifiers, t)) {
		verifier_free(t);
		return NULL;
	}
	return t;
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

gpg_error_t
weft_ed25519_verify(const weft_ed25519 *k, const uint8_t r[32],
		    const uint8_t s[32], const uint8_t *m, size_t mlen)
{
	gcry_buffer_t iov[3] = {
		{ .len = 32, .data = (void *)r },
		{ .len = 32, .data = (void *)k->enc },
		{ .len = mlen, .data = (void *)m },
	};
	uint8_t digest[64], be[64], sbe[32], hbe[32], ybe[32], got[32],
		ds[256], dh[256];
	gcry_mpi_t h = NULL, x = NULL, y = NULL;
	gcry_mpi_point_t *q, q2, t;
	gcry_ctx_t ctx;
	verifier *vf;
	unsigned i;
	bool started;
	gpg_error_t err;

	/* h = SHA-512(R || encode(Q) || M) as a little-endian number. */
	if ((err = gcry_md_hash_buffers(GCRY_MD_SHA512, 0, digest, iov, 3)))
		return err;
	reverse(be, digest, sizeof digest);
	if ((err = gcry_mpi_scan(&h, GCRYMPI_FMT_USG, be, sizeof be, NULL)))
		goto leave;
	gcry_mpi_mod(h, h, K.order8);  /* K: set up by weft_ed25519_new */
	if (!mpi_octets(hbe, h)) {
		err = WEFT_ERR(GPG_ERR_INTERNAL);
		goto leave;
	}
	reverse(sbe, s, 32);
	reverse(ybe, k->enc, 32);
	ybe[0] &= 0x7f;

	recode(sbe, GW, ds);
	recode(hbe, QW, dh);
	if (!(vf = thread_verifier())) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	ctx = vf->ctx;
	q = vf->q;
	q2 = vf->q2;
	t = vf->t;
	/* q[i] = (2i + 1)(-Q); every point is set before it is read */
	if ((err = gcry_mpi_scan(&x, GCRYMPI_FMT_USG, k->nx, 32, NULL)) ||
	    (err = gcry_mpi_scan(&y, GCRYMPI_FMT_USG, ybe, 32, NULL)))
		goto leave;
	gcry_mpi_point_set(q[0], x, y, vf->one);
	gcry_mpi_ec_dup(q2, q[0], ctx);
	for (i = 1; i < QN; i++)
		gcry_mpi_ec_add(q[i], q[i - 1], q2, ctx);

	/* From the top bit: double, then add what a window ends on. */
	gcry_mpi_set_ui(x, 0);
	gcry_mpi_set_ui(y, 1);
	gcry_mpi_point_set(t, x, y, vf->one);   /* the neutral element */
	for (i = 256, started = false; i--;) {
		if (started)
			gcry_mpi_ec_dup(t, t, ctx);
		if (ds[i]) {
			gcry_mpi_ec_add(t, t, vf->p[ds[i] >> 1], ctx);
			started = true;
		}
		if (dh[i]) {
			gcry_mpi_ec_add(t, t, q[dh[i] >> 1], ctx);
			started = true;
		}
	}
	if (gcry_mpi_ec_get_affine(x, y, t, ctx) || !encode(got, x, y) ||
	    memcmp(got, r, 32))
		err = WEFT_ERR(GPG_ERR_BAD_SIGNATURE);
leave:
	gcry_mpi_release(h);
	gcry_mpi_release(x);
	gcry_mpi_release(y);
	return err;
}
