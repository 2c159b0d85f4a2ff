/* pubkey.c - public keys in libgcrypt's form: one row per algorithm.
 *
 * Each row builds the (public-key ...) S-expression from the packet's
 * fields and, for signing algorithms, checks signature values.  The forms
 * are the ones GnuPG uses, so keygrips agree with gpg-agent's:
 *
 *   RSA      (public-key(rsa(n N)(e E)))
 *   DSA      (public-key(dsa(p P)(q Q)(g G)(y Y)))
 *   ElGamal  (public-key(elg(p P)(g G)(y Y)))
 *   ECDSA,   (public-key(ecc(curve NAME)(q POINT)))
 *   ECDH     ... with (flags djb-tweak) for Curve25519 (point 0x40||x)
 *   EdDSA    (public-key(ecc(curve Ed25519)(flags eddsa)(q POINT)))
 *   Ed448    (public-key(ecc(curve Ed448)(q 57 octets)))
 *   X25519   as ECDH Curve25519, the native 32 octets prefixed with 0x40
 *   X448     (public-key(ecc(curve X448)(q 56 octets)))
 *
 * and the signature forms:
 *
 *   RSA      (sig-val(rsa(s S)))
 *            over (data(flags pkcs1-raw)(value DIGESTINFO-PREFIX || D))
 *   DSA      (sig-val(dsa(r R)(s S)))    over (data(flags raw)(hash ALGO D))
 *   ECDSA    (sig-val(ecdsa(r R)(s S)))  over the same
 *   EdDSA    (sig-val(eddsa(r 32)(s 32)))
 *            over (data(flags eddsa)(hash-algo sha512)(value D))
 *   Ed448    (sig-val(eddsa(r 57)(s 57))) over (data(value D))
 *
 * RSA carries its own DigestInfo prefixes (hash.c): libgcrypt 1.10 has
 * only a placeholder for SHA3's, so (flags pkcs1)(hash sha3-256 D)
 * cannot verify.
 *
 * DSA and ECDSA pass the digest as (hash ALGO D) with (flags raw): then
 * libgcrypt keeps it as an opaque bit string of the digest's length and
 * takes its leftmost q (or n) bits, as FIPS 186 says, also when it begins
 * with zero octets.  With (value D) libgcrypt 1.10 reads an integer and
 * does not truncate at all: SHA-512 over P-256 or a 256-bit q fails
 * (tests/unit/crypto/verify.c has such signatures from gpg).
 */
#include <stdlib.h>

#include "crypto-int.h"

/* ---- helpers ---------------------------------------------------------------- */

static const weft_field *
field(const weft_pkt_key *k, unsigned i, uint8_t kind)
{
	if (i >= k->nfields || k->fields[i].kind != kind)
		return NULL;
	return &k->fields[i];
}

/* Unsigned big-endian octets to an MPI. */
static gpg_error_t
scan_mpi(gcry_mpi_t *out, const uint8_t *p, size_t n)
{
	*out = NULL;
	if (!n) {
		*out = gcry_mpi_new(0);
		return 0;
	}
	return gcry_mpi_scan(out, GCRYMPI_FMT_USG, p, n, NULL);
}

/* Scan fields 0..N-1 of K, all of which must be MPIs. */
static gpg_error_t
scan_key_mpis(gcry_mpi_t *m, const weft_pkt_key *k, unsigned n)
{
	const weft_field *f;
	unsigned i;
	gpg_error_t err;

	for (i = 0; i < n; i++) {
		if (!(f = field(k, i, WEFT_FIELD_MPI)))
			return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		if ((err = scan_mpi(&m[i], f->data, f->len)))
			return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	}
	return 0;
}

static void
release_mpis(gcry_mpi_t *m, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		gcry_mpi_release(m[i]);
}

static bool
curve_is(const weft_pkt_key *k, const char *name)
{
	return k->curve && !strcmp(k->curve->name, name);
}

/* The curves that are not short Weierstrass curves: ECDSA cannot use
 * them, and each has its own algorithm. */
static bool
curve_is_special(const weft_pkt_key *k)
{
	return curve_is(k, "Ed25519") || curve_is(k, "Curve25519") ||
	       curve_is(k, "Ed448") || curve_is(k, "X448");
}

/* The EC point of an ECDSA/EdDSA/ECDH key (field 1, an MPI/SOS). */
static const weft_field *
ec_point(const weft_pkt_key *k)
{
	const weft_field *q = field(k, 1, WEFT_FIELD_MPI);

	return q && q->len ? q : NULL;
}

/* Copy an MPI's value into exactly N octets, left-padded with zeros
 * (EdDSA r and s are stored as MPIs, so leading zero octets may have been
 * stripped).  false when the value does not fit. */
static bool
fixed_octets(uint8_t *out, size_t n, const weft_field *f)
{
	const uint8_t *p = f->data;
	size_t len = f->len;

	while (len && !*p) {
		p++;
		len--;
	}
	if (len > n)
		return false;
	memset(out, 0, n - len);
	memcpy(out + (n - len), p, len);
	return true;
}

/* libgcrypt's verdict.  Any rejection of the values (bad signature, a
 * value out of range, a point not on the curve) is a bad signature;
 * resource and capability errors pass through as they are. */
static gpg_error_t
pk_verify(const weft_pubkey *pk, gcry_sexp_t s_sig, gcry_sexp_t s_data)
{
	gpg_error_t err = gcry_pk_verify(s_sig, s_data, pk->sexp);

	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_ERROR:
		return 0;
	case GPG_ERR_ENOMEM:
	case GPG_ERR_DIGEST_ALGO:
	case GPG_ERR_PUBKEY_ALGO:
	case GPG_ERR_NOT_SUPPORTED:
	case GPG_ERR_NOT_IMPLEMENTED:
		return err;
	default:
		return WEFT_ERR(GPG_ERR_BAD_SIGNATURE);
	}
}

/* ---- RSA -------------------------------------------------------------------- */

static gpg_error_t
rsa_build(weft_pubkey *pk, const weft_pkt_key *k)
{
	gcry_mpi_t m[2] = { NULL, NULL };
	gpg_error_t err;

	if ((err = scan_key_mpis(m, k, 2)))
		goto leave;
	err = gcry_sexp_build(&pk->sexp, NULL, "(public-key(rsa(n%m)(e%m)))",
			      m[0], m[1]);
leave:
	release_mpis(m, 2);
	return err;
}

static gpg_error_t
rsa_verify(const weft_pubkey *pk, const weft_pkt_sig *sig,
	   const uint8_t *digest, size_t digest_len)
{
	gcry_mpi_t s = NULL;
	gcry_sexp_t s_sig = NULL, s_data = NULL;
	const uint8_t *asn;
	uint8_t info[19 + 64];
	size_t asn_len;
	gpg_error_t err;

	if (sig->nmpis != 1 || sig->mpis[0].kind != WEFT_FIELD_MPI)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	asn = weft_crypto__md_asn(sig->hash_algo, &asn_len);
	if (!asn || asn_len + digest_len > sizeof info)
		return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
	memcpy(info, asn, asn_len);
	memcpy(info + asn_len, digest, digest_len);
	/* S may be shorter than the modulus (leading zeros stripped); as an
	 * MPI that does not matter. */
	if ((err = scan_mpi(&s, sig->mpis[0].data, sig->mpis[0].len))) {
		err = WEFT_ERR(GPG_ERR_INV_DATA);
		goto leave;
	}
	if ((err = gcry_sexp_build(&s_sig, NULL, "(sig-val(rsa(s%m)))", s)))
		goto leave;
	if ((err = gcry_sexp_build(&s_data, NULL,
				   "(data(flags pkcs1-raw)(value %b))",
				   (int)(asn_len + digest_len), info)))
		goto leave;
	err = pk_verify(pk, s_sig, s_data);
leave:
	gcry_sexp_release(s_sig);
	gcry_sexp_release(s_data);
	gcry_mpi_release(s);
	return err;
}

/* ---- DSA, ElGamal ------------------------------------------------------------ */

static gpg_error_t
dsa_build(weft_pubkey *pk, const weft_pkt_key *k)
{
	gcry_mpi_t m[4] = { NULL, NULL, NULL, NULL };
	gpg_error_t err;

	if ((err = scan_key_mpis(m, k, 4)))
		goto leave;
	err = gcry_sexp_build(&pk->sexp, NULL,
			      "(public-key(dsa(p%m)(q%m)(g%m)(y%m)))",
			      m[0], m[1], m[2], m[3]);
leave:
	release_mpis(m, 4);
	return err;
}

static gpg_error_t
elg_build(weft_pubkey *pk, const weft_pkt_key *k)
{
	gcry_mpi_t m[3] = { NULL, NULL, NULL };
	gpg_error_t err;

	if ((err = scan_key_mpis(m, k, 3)))
		goto leave;
	err = gcry_sexp_build(&pk->sexp, NULL,
			      "(public-key(elg(p%m)(g%m)(y%m)))",
			      m[0], m[1], m[2]);
leave:
	release_mpis(m, 3);
	return err;
}

/* DSA and ECDSA: two MPIs r and s over the digest (see the top). */
static gpg_error_t
rs_verify(const weft_pubkey *pk, const weft_pkt_sig *sig,
	  const uint8_t *digest, size_t digest_len, const char *sig_fmt)
{
	gcry_mpi_t r = NULL, s = NULL;
	gcry_sexp_t s_sig = NULL, s_data = NULL;
	gpg_error_t err;

	if (sig->nmpis != 2 || sig->mpis[0].kind != WEFT_FIELD_MPI ||
	    sig->mpis[1].kind != WEFT_FIELD_MPI)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	if (scan_mpi(&r, sig->mpis[0].data, sig->mpis[0].len) ||
	    scan_mpi(&s, sig->mpis[1].data, sig->mpis[1].len)) {
		err = WEFT_ERR(GPG_ERR_INV_DATA);
		goto leave;
	}
	if ((err = gcry_sexp_build(&s_sig, NULL, sig_fmt, r, s)))
		goto leave;
	if ((err = gcry_sexp_build(&s_data, NULL,
				   "(data(flags raw)(hash %s %b))",
				   weft_crypto__md_name(sig->hash_algo),
				   (int)digest_len, digest)))
		goto leave;
	err = pk_verify(pk, s_sig, s_data);
leave:
	gcry_sexp_release(s_sig);
	gcry_sexp_release(s_data);
	gcry_mpi_release(r);
	gcry_mpi_release(s);
	return err;
}

static gpg_error_t
dsa_verify(const weft_pubkey *pk, const weft_pkt_sig *sig,
	   const uint8_t *digest, size_t digest_len)
{
	return rs_verify(pk, sig, digest, digest_len,
			 "(sig-val(dsa(r%m)(s%m)))");
}

/* ---- ECDSA, ECDH ------------------------------------------------------------- */

static gpg_error_t
ecdsa_build(weft_pubkey *pk, const weft_pkt_key *k)
{
	const weft_field *q;

	if (!k->curve || curve_is_special(k))
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	if (!(q = ec_point(k)))
		return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	weft_crypto__ec_ready();
	return gcry_sexp_build(&pk->sexp, NULL,
			       "(public-key(ecc(curve %s)(q%b)))",
			       k->curve->name, (int)q->len, q->data);
}

static gpg_error_t
ecdsa_verify(const weft_pubkey *pk, const weft_pkt_sig *sig,
	     const uint8_t *digest, size_t digest_len)
{
	return rs_verify(pk, sig, digest, digest_len,
			 "(sig-val(ecdsa(r%m)(s%m)))");
}

static gpg_error_t
ecdh_build(weft_pubkey *pk, const weft_pkt_key *k)
{
	const weft_field *q;

	if (!k->curve || curve_is(k, "Ed25519") || curve_is(k, "Ed448"))
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	if (!(q = ec_point(k)))
		return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	if (curve_is(k, "Curve25519")) {
		/* The native point prefixed with 0x40 (RFC 9580). */
		if (q->len != 33 || q->data[0] != 0x40)
			return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		return gcry_sexp_build(&pk->sexp, NULL,
			"(public-key(ecc(curve Curve25519)(flags djb-tweak)(q%b)))",
			(int)q->len, q->data);
	}
	return gcry_sexp_build(&pk->sexp, NULL,
			       "(public-key(ecc(curve %s)(q%b)))",
			       k->curve->name, (int)q->len, q->data);
}

/* ---- EdDSA (legacy, algorithm 22) ------------------------------------------- */

static gpg_error_t
eddsa_build(weft_pubkey *pk, const weft_pkt_key *k)
{
	const weft_field *q;

	/* GnuPG also writes Ed448 under algorithm 22 (its v5 keys); RFC
	 * 9580 does not allow that and neither do we. */
	if (!curve_is(k, "Ed25519"))
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	if (!(q = ec_point(k)) || q->len != 33 || q->data[0] != 0x40)
		return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	weft_crypto__ec_ready();
	pk->ed25519 = true;
	memcpy(pk->ed_point, q->data + 1, 32);
	return gcry_sexp_build(&pk->sexp, NULL,
		"(public-key(ecc(curve Ed25519)(flags eddsa)(q%b)))",
		(int)q->len, q->data);
}

/* Marks a key whose point ed25519.c refuses: nothing verifies with it
 * (libgcrypt would refuse it too, or abort on it; ed25519.c). */
static char ed_none_mark;
#define ED_NONE ((weft_ed25519 *)(void *)&ed_none_mark)

/* PK's decoded Ed25519 point, made at the first call (threads may race
 * to make it: one wins, the others free theirs); ED_NONE when it is
 * refused.  PK is an Ed25519 key. */
static const weft_ed25519 *
ed25519_key(const weft_pubkey *pk)
{
	weft_pubkey *cache = (weft_pubkey *)pk;  /* the cache only */
	weft_ed25519 *k, *none = NULL;

	k = __atomic_load_n(&cache->ed, __ATOMIC_ACQUIRE);
	if (!k) {
		if (weft_ed25519_new(&k, pk->ed_point))
			k = ED_NONE;
		if (!__atomic_compare_exchange_n(&cache->ed, &none, k, false,
						 __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE)) {
			if (k != ED_NONE)
				weft_ed25519_free(k);
			k = none;
		}
	}
	return k;
}

/* Ed25519 r and s (32 octets each) over the digest: ed25519.c, never
 * gcry_pk_verify (every Ed25519 key has pk->ed25519 set by its build). */
static gpg_error_t
ed25519_verify_rs(const weft_pubkey *pk, const uint8_t *r, const uint8_t *s,
		  const uint8_t *digest, size_t digest_len)
{
	const weft_ed25519 *ed = ed25519_key(pk);

	return ed == ED_NONE ? WEFT_ERR(GPG_ERR_BAD_SIGNATURE)
			     : weft_ed25519_verify(ed, r, s, digest,
						   digest_len);
}

static gpg_error_t
eddsa_verify(const weft_pubkey *pk, const weft_pkt_sig *sig,
	     const uint8_t *digest, size_t digest_len)
{
	uint8_t r[32], s[32];

	if (sig->nmpis != 2 || sig->mpis[0].kind != WEFT_FIELD_MPI ||
	    sig->mpis[1].kind != WEFT_FIELD_MPI ||
	    !fixed_octets(r, sizeof r, &sig->mpis[0]) ||
	    !fixed_octets(s, sizeof s, &sig->mpis[1]))
		return WEFT_ERR(GPG_ERR_INV_DATA);
	return ed25519_verify_rs(pk, r, s, digest, digest_len);
}

/* ---- native Ed25519, Ed448, X25519, X448 (RFC 9580) ------------------------- */

static gpg_error_t
ed25519_build(weft_pubkey *pk, const weft_pkt_key *k)
{
	const weft_field *q = field(k, 0, WEFT_FIELD_NATIVE);

	if (!q || q->len != 32)
		return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	weft_crypto__ec_ready();
	pk->ed25519 = true;
	memcpy(pk->ed_point, q->data, 32);
	return gcry_sexp_build(&pk->sexp, NULL,
		"(public-key(ecc(curve Ed25519)(flags eddsa)(q%b)))",
		(int)q->len, q->data);
}

static gpg_error_t
ed25519_verify(const weft_pubkey *pk, const weft_pkt_sig *sig,
	       const uint8_t *digest, size_t digest_len)
{
	const weft_field *v = &sig->mpis[0];

	if (sig->nmpis != 1 || v->kind != WEFT_FIELD_NATIVE || v->len != 64)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	return ed25519_verify_rs(pk, v->data, v->data + 32, digest,
				 digest_len);
}

static gpg_error_t
ed448_build(weft_pubkey *pk, const weft_pkt_key *k)
{
	const weft_field *q = field(k, 0, WEFT_FIELD_NATIVE);

	if (!q || q->len != 57)
		return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	weft_crypto__ec_ready();
	return gcry_sexp_build(&pk->sexp, NULL,
			       "(public-key(ecc(curve Ed448)(q%b)))",
			       (int)q->len, q->data);
}

static gpg_error_t
ed448_verify(const weft_pubkey *pk, const weft_pkt_sig *sig,
	     const uint8_t *digest, size_t digest_len)
{
	const weft_field *v = &sig->mpis[0];

	gcry_sexp_t s_sig = NULL, s_data = NULL;
	gpg_error_t err;

	if (sig->nmpis != 1 || v->kind != WEFT_FIELD_NATIVE || v->len != 114)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	/* PureEdDSA Ed448 with an empty context (RFC 8032 5.2, as RFC 9580
	 * asks): libgcrypt uses SHAKE256 and dom4 itself.  1.10.1 also
	 * accepts (flags eddsa) with or without (hash-algo shake256); this
	 * is the form of its own t-ed448.c. */
	if (!(err = gcry_sexp_build(&s_sig, NULL,
				    "(sig-val(eddsa(r%b)(s%b)))", 57, v->data,
				    57, v->data + 57)) &&
	    !(err = gcry_sexp_build(&s_data, NULL, "(data(value %b))",
				    (int)digest_len, digest)))
		err = pk_verify(pk, s_sig, s_data);
	gcry_sexp_release(s_sig);
	gcry_sexp_release(s_data);
	return err;
}

static gpg_error_t
x25519_build(weft_pubkey *pk, const weft_pkt_key *k)
{
	const weft_field *q = field(k, 0, WEFT_FIELD_NATIVE);
	uint8_t point[33];

	if (!q || q->len != 32)
		return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	/* The same form as a legacy ECDH Curve25519 key, so one point has
	 * one keygrip whichever packet it came in. */
	point[0] = 0x40;
	memcpy(point + 1, q->data, 32);
	return gcry_sexp_build(&pk->sexp, NULL,
		"(public-key(ecc(curve Curve25519)(flags djb-tweak)(q%b)))",
		(int)sizeof point, point);
}

static gpg_error_t
x448_build(weft_pubkey *pk, const weft_pkt_key *k)
{
	const weft_field *q = field(k, 0, WEFT_FIELD_NATIVE);

	if (!q || q->len != 56)
		return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	return gcry_sexp_build(&pk->sexp, NULL,
			       "(public-key(ecc(curve X448)(q%b)))",
			       (int)q->len, q->data);
}

/* ---- the table ---------------------------------------------------------------- */

static const weft_pk_ops pk_table[] = {
	{ WEFT_PK_RSA, "rsa", { WEFT_PK_RSA, WEFT_PK_RSA_S }, 0,
	  rsa_build, rsa_verify },
	/* RSA encrypt-only: a signature by it is not acceptable. */
	{ WEFT_PK_RSA_E, "rsa", { 0, 0 }, 0, rsa_build, NULL },
	{ WEFT_PK_RSA_S, "rsa", { WEFT_PK_RSA, WEFT_PK_RSA_S }, 0,
	  rsa_build, rsa_verify },
	{ WEFT_PK_ELGAMAL_E, "elg", { 0, 0 }, 0, elg_build, NULL },
	{ WEFT_PK_DSA, "dsa", { WEFT_PK_DSA, 0 }, 0, dsa_build, dsa_verify },
	{ WEFT_PK_ECDH, "ecdh", { 0, 0 }, 0, ecdh_build, NULL },
	{ WEFT_PK_ECDSA, "ecdsa", { WEFT_PK_ECDSA, 0 }, 0,
	  ecdsa_build, ecdsa_verify },
	/* Algorithm 20 (formerly ElGamal encrypt-or-sign; RFC 9580 9.1
	 * reserves it): its signatures are not trustworthy and are refused.
	 * The key is built for its encryption half. */
	{ WEFT_PK_ELGAMAL_ES, "elg", { 0, 0 }, 0, elg_build, NULL },
	{ WEFT_PK_EDDSA_LEGACY, "eddsa", { WEFT_PK_EDDSA_LEGACY, 0 }, 0,
	  eddsa_build, eddsa_verify },
	{ WEFT_PK_X25519, "x25519", { 0, 0 }, 0, x25519_build, NULL },
	{ WEFT_PK_X448, "x448", { 0, 0 }, 0, x448_build, NULL },
	{ WEFT_PK_ED25519, "ed25519", { WEFT_PK_ED25519, 0 }, 32,
	  ed25519_build, ed25519_verify },
	{ WEFT_PK_ED448, "ed448", { WEFT_PK_ED448, 0 }, 64,
	  ed448_build, ed448_verify },
};

const weft_pk_ops *
weft_crypto__pk_ops(uint8_t algo)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(pk_table); i++)
		if (pk_table[i].algo == algo)
			return &pk_table[i];
	return NULL;
}

/* ---- public interface ---------------------------------------------------------- */

gpg_error_t
weft_pubkey_new(weft_pubkey **out, const weft_pkt_key *k)
{
	const weft_pk_ops *ops = weft_crypto__pk_ops(k->algo);
	weft_pubkey *pk = NULL;
	gpg_error_t err;

	*out = NULL;
	if (!ops || !k->known_algo)
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	pk = calloc(1, sizeof *pk);
	if (!pk)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	pk->ops = ops;
	pk->algo = k->algo;
	if ((err = ops->build(pk, k)))
		goto leave;
	/* libgcrypt parses the key here: an unknown curve or a zero
	 * modulus gives 0 bits. */
	if (!gcry_pk_get_nbits(pk->sexp)) {
		err = WEFT_ERR(GPG_ERR_BAD_PUBKEY);
		goto leave;
	}
	*out = pk;
	pk = NULL;
leave:
	weft_pubkey_free(pk);
	return err;
}

void
weft_pubkey_free(weft_pubkey *pk)
{
	if (!pk)
		return;
	if (pk->ed != ED_NONE)
		weft_ed25519_free(pk->ed);
	gcry_sexp_release(pk->sexp);
	free(pk);
}

gpg_error_t
weft_pubkey_keygrip(const weft_pubkey *pk, uint8_t grip[20])
{
	memset(grip, 0, 20);
	if (!gcry_pk_get_keygrip(pk->sexp, grip))
		return WEFT_ERR(GPG_ERR_BAD_PUBKEY);
	return 0;
}

uint8_t
weft_pubkey_algo(const weft_pubkey *pk)
{
	return pk->algo;
}
