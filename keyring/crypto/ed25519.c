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
 * products are one double-scalar product (Straus-Shamir, two bits of
 * each scalar per step, from a table of the 15 sums iG + j(-Q) for i, j
 * in 0..3): 256 doublings and at most 128 additions.  The curve
 * arithmetic is libgcrypt's (gcry_mpi_ec_dup, gcry_mpi_ec_add: complete
 * twisted Edwards formulas), and the verdict is the same as libgcrypt's
 * for every input, not only for honest signatures:
 *
 *   - Q is decoded by libgcrypt (gcry_mpi_ec_new on the key's
 *     S-expression runs the decoding gcry_pk_verify runs) and hashed
 *     re-encoded, as libgcrypt hashes it;
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
 * A key's decoded point is kept (weft_ed25519): verifying many
 * signatures by one issuer decodes it once.  It holds plain octets, so
 * threads share it; each verification has its own libgcrypt context,
 * which is not safe to share.
 */
#include <stdlib.h>

#include "crypto-int.h"

struct weft_ed25519 {
	uint8_t enc[32];         /* encode(Q), what the hash covers */
	uint8_t nx[32], y[32];   /* -Q in affine coordinates, big-endian */
};

/* 8L, L = 2^252 + 27742317777372353535851937790883648493. */
static const char order8_hex[] =
	"80000000000000000000000000000000a6f7cef517bce6b2c09318d2e7ae9f68";

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

gpg_error_t
weft_ed25519_new(weft_ed25519 **out, const uint8_t a[32])
{
	uint8_t q[33];
	gcry_sexp_t key = NULL;
	gcry_ctx_t ctx = NULL;
	gcry_mpi_point_t pq = NULL;
	gcry_mpi_t x = NULL, y = NULL, p = NULL;
	weft_ed25519 *k = NULL;
	gpg_error_t err;

	*out = NULL;
	weft_crypto__eddsa_ready();
	q[0] = 0x40;
	memcpy(q + 1, a, 32);
	if ((err = gcry_sexp_build(&key, NULL,
				   "(public-key(ecc(curve Ed25519)"
				   "(flags eddsa)(q%b)))",
				   (int)sizeof q, q)))
		goto leave;
	/* Copies (libgcrypt 1.10 returns a copy of a point whatever COPY
	 * says; asking for one makes that so for every version). */
	if (gcry_mpi_ec_new(&ctx, key, NULL) ||
	    !(pq = gcry_mpi_ec_get_point("q", ctx, 1)) ||
	    !(p = gcry_mpi_ec_get_mpi("p", ctx, 1))) {
		err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		goto leave;
	}
	x = gcry_mpi_new(0);
	y = gcry_mpi_new(0);
	if (!(k = calloc(1, sizeof *k))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	if (gcry_mpi_ec_get_affine(x, y, pq, ctx) || !encode(k->enc, x, y)) {
		err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		goto leave;
	}
	/* -Q = (-x, y); x is already reduced, and -0 is 0. */
	if (gcry_mpi_cmp_ui(x, 0))
		gcry_mpi_sub(x, p, x);
	if (!mpi_octets(k->nx, x) || !mpi_octets(k->y, y)) {
		err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		goto leave;
	}
	*out = k;
	k = NULL;
leave:
	free(k);
	gcry_mpi_release(x);
	gcry_mpi_release(y);
	gcry_mpi_release(p);
	gcry_mpi_point_release(pq);
	gcry_ctx_release(ctx);
	gcry_sexp_release(key);
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

gpg_error_t
weft_ed25519_verify(const weft_ed25519 *k, const uint8_t r[32],
		    const uint8_t s[32], const uint8_t *m, size_t mlen)
{
	gcry_buffer_t iov[3] = {
		{ .len = 32, .data = (void *)r },
		{ .len = 32, .data = (void *)k->enc },
		{ .len = mlen, .data = (void *)m },
	};
	uint8_t digest[64], be[64], sbe[32], hbe[32], got[32];
	gcry_ctx_t ctx = NULL;
	gcry_mpi_point_t tab[16] = { NULL }, g = NULL, t = NULL;
	gcry_mpi_t h = NULL, order8 = NULL, x = NULL, y = NULL, z = NULL;
	unsigned i, a, b;
	gpg_error_t err;

	/* h = SHA-512(R || encode(Q) || M) as a little-endian number. */
	if ((err = gcry_md_hash_buffers(GCRY_MD_SHA512, 0, digest, iov, 3)))
		return err;
	reverse(be, digest, sizeof digest);
	if ((err = gcry_mpi_scan(&h, GCRYMPI_FMT_USG, be, sizeof be, NULL)) ||
	    (err = gcry_mpi_scan(&order8, GCRYMPI_FMT_HEX, order8_hex, 0,
				 NULL)))
		goto leave;
	gcry_mpi_mod(h, h, order8);
	if (!mpi_octets(hbe, h)) {
		err = WEFT_ERR(GPG_ERR_INTERNAL);
		goto leave;
	}
	reverse(sbe, s, 32);

	if ((err = gcry_mpi_ec_new(&ctx, NULL, "Ed25519")) ||
	    !(g = gcry_mpi_ec_get_point("g", ctx, 1))) {
		err = err ? err : WEFT_ERR(GPG_ERR_INTERNAL);
		goto leave;
	}
	x = gcry_mpi_set_ui(NULL, 0);
	y = gcry_mpi_set_ui(NULL, 1);
	z = gcry_mpi_set_ui(NULL, 1);
	for (i = 0; i < 16; i++)
		tab[i] = gcry_mpi_point_new(0);
	/* tab[4i + j] = iG + j(-Q); tab[0] is the neutral element (0, 1). */
	gcry_mpi_point_set(tab[0], x, y, z);
	gcry_mpi_ec_add(tab[4], tab[0], g, ctx);
	gcry_mpi_ec_dup(tab[8], tab[4], ctx);
	gcry_mpi_ec_add(tab[12], tab[8], tab[4], ctx);
	gcry_mpi_release(x);
	gcry_mpi_release(y);
	x = y = NULL;
	if ((err = gcry_mpi_scan(&x, GCRYMPI_FMT_USG, k->nx, 32, NULL)) ||
	    (err = gcry_mpi_scan(&y, GCRYMPI_FMT_USG, k->y, 32, NULL)))
		goto leave;
	gcry_mpi_point_set(tab[1], x, y, z);
	gcry_mpi_ec_dup(tab[2], tab[1], ctx);
	gcry_mpi_ec_add(tab[3], tab[2], tab[1], ctx);
	for (a = 1; a < 4; a++)
		for (b = 1; b < 4; b++)
			gcry_mpi_ec_add(tab[4 * a + b], tab[4 * a], tab[b],
					ctx);

	/* Two bits of S and of h per step, from the top. */
	t = gcry_mpi_point_new(0);
	gcry_mpi_ec_add(t, tab[0], tab[0], ctx);
	for (i = 256; i; i -= 2) {
		a = bit_be(sbe, i - 1) << 1 | bit_be(sbe, i - 2);
		b = bit_be(hbe, i - 1) << 1 | bit_be(hbe, i - 2);
		gcry_mpi_ec_dup(t, t, ctx);
		gcry_mpi_ec_dup(t, t, ctx);
		if (a | b)
			gcry_mpi_ec_add(t, t, tab[4 * a + b], ctx);
	}
	if (gcry_mpi_ec_get_affine(x, y, t, ctx) || !encode(got, x, y) ||
	    memcmp(got, r, 32))
		err = WEFT_ERR(GPG_ERR_BAD_SIGNATURE);
leave:
	for (i = 0; i < 16; i++)
		gcry_mpi_point_release(tab[i]);
	gcry_mpi_point_release(t);
	gcry_mpi_point_release(g);
	gcry_mpi_release(h);
	gcry_mpi_release(order8);
	gcry_mpi_release(x);
	gcry_mpi_release(y);
	gcry_mpi_release(z);
	gcry_ctx_release(ctx);
	return err;
}
