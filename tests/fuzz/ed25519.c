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
 * goes to gcry_pk_verify here, and weft must refuse it (ed25519.c does,
 * so that a crafted key cannot end weft).
 */
#include <stdio.h>
#include <stdlib.h>

#include "crypto/crypto.h"

#include <gcrypt.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static gcry_ctx_t ec;
static gcry_mpi_t P, L;
static gcry_mpi_point_t G, small_pt[8];

/* The eight points of small order (the identity, (0, -1), the two of
 * order 4 and the four of order 8), then non-canonical encodings: x = 0
 * with the sign bit set, y = p + 1, y = p. */
static const char weak_hex[14][65] = {
	"0100000000000000000000000000000000000000000000000000000000000000",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0000000000000000000000000000000000000000000000000000000000000080",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
	"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
	"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
	"0100000000000000000000000000000000000000000000000000000000000080",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
};

static void
unhex32(const char *hex, uint8_t out[32])
{
	unsigned v, i;

	for (i = 0; i < 32; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			abort();
		out[i] = (uint8_t)v;
	}
}

static void
hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

/* ---- libgcrypt ---------------------------------------------------------- */

static gcry_sexp_t
key_sexp(const uint8_t a[32])
{
	uint8_t q[33];
	gcry_sexp_t key;

	q[0] = 0x40;
	memcpy(q + 1, a, 32);
	if (gcry_sexp_build(&key, NULL,
			    "(public-key(ecc(curve Ed25519)"
			    "(flags eddsa)(q%b)))",
			    (int)sizeof q, q))
		abort();
	return key;
}

static gpg_error_t
gcry_verify(const uint8_t a[32], const uint8_t r[32], const uint8_t s[32],
	    const uint8_t *m, size_t mlen)
{
	gcry_sexp_t key = key_sexp(a), data, sig;
	gpg_error_t err;

	if (gcry_sexp_build(&data, NULL,
			    "(data(flags eddsa)(hash-algo sha512)(value %b))",
			    (int)mlen, m) ||
	    gcry_sexp_build(&sig, NULL, "(sig-val(eddsa(r%b)(s%b)))", 32, r,
			    32, s))
		abort();
	err = gcry_pk_verify(sig, data, key);
	gcry_sexp_release(key);
	gcry_sexp_release(data);
	gcry_sexp_release(sig);
	return err;
}

/* A's point as libgcrypt decodes it for gcry_pk_verify, NULL for none. */
static gcry_mpi_point_t
gcry_decoding(const uint8_t a[32])
{
	gcry_sexp_t key = key_sexp(a);
	gcry_ctx_t ctx = NULL;
	gcry_mpi_point_t q = NULL;

	if (!gcry_mpi_ec_new(&ctx, key, NULL))
		q = gcry_mpi_ec_get_point("q", ctx, 0);
	gcry_ctx_release(ctx);
	gcry_sexp_release(key);
	return q;
}

/* Whether gcry_pk_verify would abort for A (the header says when;
 * tests/unit/crypto/ed25519.c checks it in a child process). */
static bool
gcry_aborts(const uint8_t a[32])
{
	gcry_mpi_point_t q = gcry_decoding(a);
	gcry_mpi_t x = gcry_mpi_new(0), y = gcry_mpi_new(0);
	bool r = false;

	if (q) {
		gcry_mpi_point_get(x, y, NULL, q);
		r = gcry_mpi_cmp(x, P) < 0 && gcry_mpi_cmp(y, P) < 0 &&
		    (gcry_mpi_get_nbits(x) <= 192 ||
		     gcry_mpi_get_nbits(y) <= 192);
	}
	gcry_mpi_point_release(q);
	gcry_mpi_release(x);
	gcry_mpi_release(y);
	return r;
}

/* ---- points ------------------------------------------------------------- */

static gcry_mpi_t
le_mpi(const uint8_t v[32])
{
	uint8_t be[32];
	gcry_mpi_t m;
	int i;

	for (i = 0; i < 32; i++)
		be[i] = v[31 - i];
	if (gcry_mpi_scan(&m, GCRYMPI_FMT_USG, be, 32, NULL))
		abort();
	return m;
}

/* M below 2^256 as 32 octets little-endian; false when it is not. */
static bool
mpi_le(uint8_t out[32], gcry_mpi_t m)
{
	uint8_t be[32];
	size_t n = 0, i;

	if (gcry_mpi_get_nbits(m) > 256 ||
	    gcry_mpi_print(GCRYMPI_FMT_USG, be, sizeof be, &n, m))
		return false;
	memset(out, 0, 32);
	for (i = 0; i < n; i++)
		out[i] = be[n - 1 - i];
	return true;
}

/* RFC 8032 5.1.2, x and y reduced mod p first. */
static void
pt_enc(uint8_t out[32], gcry_mpi_point_t pt)
{
	gcry_mpi_t x = gcry_mpi_new(0), y = gcry_mpi_new(0);

	if (gcry_mpi_ec_get_affine(x, y, pt, ec))
		abort();
	gcry_mpi_mod(x, x, P);
	gcry_mpi_mod(y, y, P);
	if (!mpi_le(out, y))
		abort();
	if (gcry_mpi_test_bit(x, 0))
		out[31] |= 0x80;
	gcry_mpi_release(x);
	gcry_mpi_release(y);
}

/* [S]G + T (T NULL for none), encoded. */
static void
enc_sg_plus(uint8_t out[32], const uint8_t s[32], gcry_mpi_point_t t)
{
	gcry_mpi_t n = le_mpi(s);
	gcry_mpi_point_t pt = gcry_mpi_point_new(0);

	gcry_mpi_ec_mul(pt, n, G, ec);
	if (t)
		gcry_mpi_ec_add(pt, pt, t, ec);
	pt_enc(out, pt);
	gcry_mpi_point_release(pt);
	gcry_mpi_release(n);
}

static void
setup(void)
{
	gcry_mpi_t zero, one;
	gcry_mpi_point_t t8;
	uint8_t a[32];
	int i;

	if (weft_crypto_init() || gcry_mpi_ec_new(&ec, NULL, "Ed25519") ||
	    !(P = gcry_mpi_ec_get_mpi("p", ec, 1)) ||
	    !(L = gcry_mpi_ec_get_mpi("n", ec, 1)) ||
	    !(G = gcry_mpi_ec_get_point("g", ec, 1)))
		abort();
	/* the multiples of one point of order 8: all eight of small order */
	unhex32(weak_hex[4], a);
	if (!(t8 = gcry_decoding(a)))
		abort();
	zero = gcry_mpi_set_ui(NULL, 0);
	one = gcry_mpi_set_ui(NULL, 1);
	small_pt[0] = gcry_mpi_point_new(0);
	gcry_mpi_point_set(small_pt[0], zero, one, one);
	for (i = 1; i < 8; i++) {
		small_pt[i] = gcry_mpi_point_new(0);
		gcry_mpi_ec_add(small_pt[i], small_pt[i - 1], t8, ec);
	}
	gcry_mpi_point_release(t8);
	gcry_mpi_release(zero);
	gcry_mpi_release(one);
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
	gcry_sexp_t priv, data, sig = NULL, l;
	gcry_ctx_t ctx = NULL;
	gcry_mpi_t q = NULL, v = NULL, kl = NULL;
	uint8_t a[32], r[32], s[32], *mm = NULL;
	const void *p;
	unsigned int nbits;
	unsigned bit;
	size_t n;
	int i, want = -1;

	if (gcry_sexp_build(&priv, NULL,
			    "(private-key(ecc(curve Ed25519)"
			    "(flags eddsa)(d%b)))",
			    32, seed) ||
	    gcry_sexp_build(&data, NULL,
			    "(data(flags eddsa)(hash-algo sha512)(value %b))",
			    (int)mlen, m) ||
	    gcry_pk_sign(&sig, data, priv) ||
	    gcry_mpi_ec_new(&ctx, priv, NULL) ||
	    !(q = gcry_mpi_ec_get_mpi("q@eddsa", ctx, 1)) ||
	    !(p = gcry_mpi_get_opaque(q, &nbits)) || nbits != 256)
		abort();
	memcpy(a, p, 32);
	for (i = 0; i < 2; i++) {
		l = gcry_sexp_find_token(sig, i ? "s" : "r", 0);
		p = l ? gcry_sexp_nth_data(l, 1, &n) : NULL;
		if (!p || n != 32)
			abort();
		memcpy(i ? s : r, p, 32);
		gcry_sexp_release(l);
	}
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
		v = le_mpi(s);
		kl = gcry_mpi_new(0);
		gcry_mpi_mul_ui(kl, L, c[1] % 15u + 1);
		gcry_mpi_add(v, v, kl);
		if (mpi_le(s, v))
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
	gcry_mpi_release(v);
	gcry_mpi_release(kl);
	gcry_mpi_release(q);
	gcry_ctx_release(ctx);
	gcry_sexp_release(sig);
	gcry_sexp_release(data);
	gcry_sexp_release(priv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	uint8_t a[32], r[32];
	const uint8_t *m;
	size_t mlen;

	if (size < 96)
		return 0;
	if (!ready) {
		setup();
		ready = true;
	}
	m = data + 96;
	mlen = size - 96;
	compare("as given", data, data + 32, data + 64, m, mlen, -1);
	if (data[32] < 0xc0) {
		honest(data, data + 32, m, mlen);
	} else {
		unhex32(weak_hex[data[33] % 14], a);
		enc_sg_plus(r, data + 64, small_pt[data[34] % 8]);
		compare("weak key", a, r, data + 64, m, mlen, -1);
	}
	return 0;
}
