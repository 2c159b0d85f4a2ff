/* tests/fuzz/ed25519.c - libFuzzer target: weft's Ed25519 verifier
 * (keyring/crypto/ed25519.c) against gcry_pk_verify.
 *
 *   make fuzz
 *   mkdir -p /tmp/corpus-ed25519
 *   build/fuzz/ed25519 -max_len=4096 /tmp/corpus-ed25519 tests/data/ed25519
 *
 * ed25519.c must give gcry_pk_verify's verdict for every input, not only
 * for honest signatures (tests/unit/crypto/ed25519.c says why and holds
 * the crafted cases).  Input: A (32 octets), R (32), S (32), M (the rest,
 * may be empty); shorter inputs are ignored.  Each case below aborts when
 * weft (weft_ed25519_new, then weft_ed25519_verify) accepts and
 * gcry_pk_verify does not, or the other way round, after one line on
 * stderr ("ERROR: ed25519 ...") that names the input:
 *
 *  1. A, R, S, M as given.  Random octets never verify, so also:
 *  2. when R[0] < 0xc0, an honest signature: A's octets are the secret
 *     seed (libgcrypt takes (d SEED) and signs M), then R[0] % 8 picks an
 *     alteration: none (both must accept), a bit of A, R, S or M flipped
 *     (R[1], R[2] say which; both must reject), S + kL (k = R[1] % 15 + 1,
 *     while it fits: libgcrypt does not ask S < L, both must accept),
 *     the top bits of S set, R = [S]G or M cut short (compared only), A
 *     negated or an octet of M changed or one appended (both must
 *     reject);
 *  3. otherwise, a weak key: A one of the eight points of small order or
 *     a non-canonical encoding of one (R[1] picks), and R = [S]G + T for
 *     the point of small order T that R[2] picks, which verifies when
 *     [h]A = -T.
 *
 * libgcrypt 1.10 aborts inside gcry_pk_verify (log_bug "mulm_25519:
 * different sizes") when its decoding of A has x and y below p and one
 * of them below 2^192 (the identity, (0, -1), small y); such an A never
 * goes to gcry_pk_verify here (gcry_aborts), and weft must refuse it
 * (ed25519.c does, so that a crafted key cannot end weft).
 *
 * The reference (gcry_verify, gcry_aborts, the points of small order,
 * signing) is in tests/common/ed25519-ref.h, which the unit test
 * includes too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "crypto/crypto.h"

#include <gcrypt.h>

#include "ed25519-ref.h"   /* the reference, shared with the unit test */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The weak keys of case 3 after the eight points of small order
 * (small_order_hex): non-canonical encodings, x = 0 with the sign bit
 * set, y = p + 1, y = p. */
static const char noncanonical_hex[6][65] = {
	"0100000000000000000000000000000000000000000000000000000000000080",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
};

static void
hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

/* [S]G + T (T NULL for none), encoded. */
static void
enc_sg_plus(uint8_t out[32], const uint8_t s[32], gcry_mpi_point_t t)
{
	gcry_mpi_point_t pt = pt_mul_g(s);

	if (t)
		gcry_mpi_ec_add(pt, pt, t, ec);
	pt_enc(out, pt);
	gcry_mpi_point_release(pt);
}

/* ---- the comparison ----------------------------------------------------- */

static void
compare(const char *what, const uint8_t a[32], const uint8_t r[32],
	const uint8_t s[32], const uint8_t *m, size_t mlen, int want)
{
	weft_ed25519 *k = NULL;
	gpg_error_t w, nerr, g;
	char ha[65], hr[65], hs[65];

	if (!(w = nerr = weft_ed25519_new(&k, a)))
		w = weft_ed25519_verify(k, r, s, m, mlen);
	weft_ed25519_free(k);
	if (gcry_aborts(a)) {
		/* weft refuses such a key (keyring/crypto/ed25519.c) */
		if (!nerr) {
			hex(ha, a, 32);
			fprintf(stderr, "ERROR: ed25519 %s: weft takes A %s, "
				"on which gcry_pk_verify aborts\n", what, ha);
			abort();
		}
		return;
	}
	g = gcry_verify(a, r, s, m, mlen);
	if (!w == !g && (want < 0 || !g == !!want))
		return;
	hex(ha, a, 32);
	hex(hr, r, 32);
	hex(hs, s, 32);
	fprintf(stderr, "ERROR: ed25519 %s: weft %s%s, libgcrypt %s%s\n"
		"  A %s\n  R %s\n  S %s\n  M %zu octets\n", what,
		nerr ? "weft_ed25519_new: " : "",
		w ? gpg_strerror(w) : "accepts",
		g ? gpg_strerror(g) : "accepts",
		want < 0 ? "" : want ? ", want accepts" : ", want rejects",
		ha, hr, hs, mlen);
	abort();
}

/* Case 2: an honest signature by the key of seed SEED, altered as C
 * says (C[0] the alteration, C[1], C[2] its parameters). */
static void
honest(const uint8_t seed[32], const uint8_t c[3], const uint8_t *m,
       size_t mlen)
{
	gcry_sexp_t priv = key_from_seed(seed);
	uint8_t a[32], r[32], s[32], *mm;
	unsigned bit;
	int want = -1;

	key_public(priv, a);
	sign(priv, m, mlen, r, s);
	gcry_sexp_release(priv);
	if (!(mm = malloc(mlen + 1)))
		abort();
	memcpy(mm, m, mlen);
	mm[mlen] = 0;

	bit = ((unsigned)c[1] | (unsigned)c[2] << 8) %
	      (768 + 8 * (unsigned)mlen);
	switch (c[0] % 8) {
	case 0:
		want = 1;
		break;
	case 1:
		if (bit < 256)
			a[bit / 8] ^= (uint8_t)(1u << bit % 8);
		else if (bit < 512)
			r[(bit - 256) / 8] ^= (uint8_t)(1u << bit % 8);
		else if (bit < 768)
			s[(bit - 512) / 8] ^= (uint8_t)(1u << bit % 8);
		else
			mm[(bit - 768) / 8] ^= (uint8_t)(1u << bit % 8);
		want = 0;
		break;
	case 2:
		if (s_plus_l(s, s, c[1] % 15u + 1))
			want = 1;
		break;
	case 3:
		s[31] |= (uint8_t)(c[1] & 0xe0);
		break;
	case 4:
		enc_sg_plus(r, s, NULL);
		break;
	case 5:
		mlen -= mlen ? c[1] % mlen + 1 : 0;
		break;
	case 6:
		a[31] ^= 0x80;
		want = 0;
		break;
	case 7:
		mm[c[1] % (mlen + 1)] ^= c[2] | 1;
		if (c[1] % (mlen + 1) == mlen)
			mlen++;
		want = 0;
		break;
	}
	compare("honest", a, r, s, mm, mlen, want);
	free(mm);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	uint8_t a[32], r[32];
	const uint8_t *m;
	size_t mlen;
	unsigned w;

	if (size < 96)
		return 0;
	if (!ready) {
		must(weft_crypto_init(), "weft_crypto_init");
		ref_setup();
		ready = true;
	}
	m = data + 96;
	mlen = size - 96;
	compare("as given", data, data + 32, data + 64, m, mlen, -1);
	if (data[32] < 0xc0) {
		honest(data, data + 32, m, mlen);
	} else {
		w = data[33] % 14u;
		unhex32(w < 8 ? small_order_hex[w] : noncanonical_hex[w - 8],
			a);
		enc_sg_plus(r, data + 64, small_pt[data[34] % 8]);
		compare("weak key", a, r, data + 64, m, mlen, -1);
	}
	return 0;
}
