/* sign.c - signing keys and making signatures: one row per algorithm,
 * like pubkey.c.
 *
 * Secret key forms (libgcrypt's, as gpg-agent builds them):
 *
 *   RSA      (private-key(rsa(n)(e)(d)(p)(q)(u)))   OpenPGP's u = p^-1 mod
 *            q with p < q is libgcrypt's convention too
 *   DSA      (private-key(dsa(p)(q)(g)(y)(x)))
 *   ECDSA    (private-key(ecc(curve NAME)(q POINT)(d D)))
 *   EdDSA    (private-key(ecc(curve Ed25519)(flags eddsa)(q POINT)(d SEED)))
 *            legacy (22) and native (27) alike; the seed is 32 octets
 *   Ed448    (private-key(ecc(curve Ed448)(q 57 octets)(d 57 octets)))
 *
 * and the data forms are those verification uses (pubkey.c), so that
 * what we sign is exactly what we check:
 *
 *   RSA      (data(flags pkcs1-raw)(value DIGESTINFO-PREFIX || D))
 *   DSA,     (data(flags rfc6979)(hash ALGO D)): deterministic k
 *   ECDSA    (RFC 6979), the digest taken as a bit string and cut to
 *            the group order as FIPS 186 says
 *   EdDSA    (data(flags eddsa)(hash-algo sha512)(value D))
 *   Ed448    (data(value D))
 *
 * Secret values enter through buffers in secure memory; libgcrypt then
 * keeps the MPIs and S-expressions made from them in secure memory too.
 */
#include <stdlib.h>

#include "crypto-int.h"
#include "../util/mem.h"

struct weft_seckey {
	uint8_t algo;
	gcry_sexp_t sexp;        /* (private-key ...) */
	weft_pubkey *pub;        /* to check what we sign */
};

/* Signature values as they go into the packet. */
typedef struct sigvals {
	weft_field f[2];
	unsigned n;
	uint8_t buf[2 * 2048 + 2];
	size_t used;
} sigvals;

typedef struct sign_ops {
	uint8_t algo;
	gpg_error_t (*build)(weft_seckey *sk, const weft_pkt_key *k,
			     const weft_field *f, unsigned nf);
	gpg_error_t (*sign)(const weft_seckey *sk, uint8_t hash_algo,
			    const uint8_t *digest, size_t dlen, sigvals *out);
} sign_ops;

/* ---- helpers ------------------------------------------------------------------- */

static gpg_error_t
scan(gcry_mpi_t *m, const weft_field *f)
{
	*m = NULL;
	if (!f || f->kind != WEFT_FIELD_MPI)
		return WEFT_ERR(GPG_ERR_BAD_SECKEY);
	if (!f->len) {
		*m = gcry_mpi_snew(0);
		return 0;
	}
	/* A buffer in secure memory gives a secure MPI. */
	if (gcry_mpi_scan(m, GCRYMPI_FMT_USG, f->data, f->len, NULL))
		return WEFT_ERR(GPG_ERR_BAD_SECKEY);
	return 0;
}

/* Copy a field's value into exactly N secure octets, left-padded. */
static gpg_error_t
fixed(uint8_t **out, size_t n, const weft_field *f)
{
	const uint8_t *p = f->data;
	size_t len = f->len;

	*out = NULL;
	while (len > n && !*p) {
		p++;
		len--;
	}
	if (len > n)
		return WEFT_ERR(GPG_ERR_BAD_SECKEY);
	if (!(*out = weft_secure_alloc(n)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	memset(*out, 0, n - len);
	memcpy(*out + (n - len), p, len);
	return 0;
}

static const weft_field *
pubfield(const weft_pkt_key *k, unsigned i, uint8_t kind)
{
	if (i >= k->nfields || k->fields[i].kind != kind)
		return NULL;
	return &k->fields[i];
}

static bool
curve_is(const weft_pkt_key *k, const char *name)
{
	return k->curve && !strcmp(k->curve->name, name);
}

/* Append one value to OUT: N octets from P (for MPIs leading zeros are
 * dropped when the packet is written; native values keep their size). */
static gpg_error_t
put_val(sigvals *out, uint8_t kind, const uint8_t *p, size_t n)
{
	weft_field *f;

	if (out->n >= 2 || n > sizeof out->buf - out->used)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	f = &out->f[out->n++];
	memcpy(out->buf + out->used, p, n);
	f->kind = kind;
	f->data = out->buf + out->used;
	f->len = n;
	f->bits = (unsigned)n * 8;
	out->used += n;
	return 0;
}

/* The octets of token NAME in S (an MPI or an octet string). */
static gpg_error_t
token_octets(gcry_sexp_t s, const char *name, uint8_t *buf, size_t max,
	     size_t *len)
{
	gcry_sexp_t l = gcry_sexp_find_token(s, name, 0);
	const char *p;
	size_t n = 0;

	*len = 0;
	if (!l)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	p = gcry_sexp_nth_data(l, 1, &n);
	if (!p || n > max) {
		gcry_sexp_release(l);
		return WEFT_ERR(GPG_ERR_INV_DATA);
	}
	memcpy(buf, p, n);
	*len = n;
	gcry_sexp_release(l);
	return 0;
}

/* Run gcry_pk_sign and take the values named by NAMES (one or two). */
static gpg_error_t
pk_sign(const weft_seckey *sk, gcry_sexp_t data, const char *const *names,
	unsigned nnames, bool native, size_t native_len, sigvals *out)
{
	gcry_sexp_t res = NULL;
	uint8_t v[2][2048];
	size_t vlen[2] = { 0, 0 }, off;
	unsigned i;
	gpg_error_t err;

	if ((err = gcry_pk_sign(&res, data, sk->sexp)))
		return err;
	for (i = 0; i < nnames; i++)
		if ((err = token_octets(res, names[i], v[i], sizeof v[i],
					&vlen[i])))
			goto leave;
	if (native) {
		/* r || s, each left-padded to NATIVE_LEN. */
		uint8_t both[2 * 57];

		if (nnames != 2 || native_len > 57) {
			err = WEFT_ERR(GPG_ERR_INTERNAL);
			goto leave;
		}
		memset(both, 0, sizeof both);
		for (i = 0; i < 2; i++) {
			if (vlen[i] > native_len) {
				err = WEFT_ERR(GPG_ERR_INV_DATA);
				goto leave;
			}
			off = i * native_len + (native_len - vlen[i]);
			memcpy(both + off, v[i], vlen[i]);
		}
		err = put_val(out, WEFT_FIELD_NATIVE, both, 2 * native_len);
		goto leave;
	}
	for (i = 0; i < nnames; i++)
		if ((err = put_val(out, WEFT_FIELD_MPI, v[i], vlen[i])))
			goto leave;
leave:
	gcry_sexp_release(res);
	return err;
}

/* ---- RSA -------------------------------------------------------------------------- */

static gpg_error_t
rsa_build(weft_seckey *sk, const weft_pkt_key *k, const weft_field *f,
	  unsigned nf)
{
	gcry_mpi_t m[6] = { NULL, NULL, NULL, NULL, NULL, NULL };
	const weft_field *n = pubfield(k, 0, WEFT_FIELD_MPI);
	const weft_field *e = pubfield(k, 1, WEFT_FIELD_MPI);
	unsigned i;
	gpg_error_t err;

	if (nf != 4 || !n || !e)
		return WEFT_ERR(GPG_ERR_BAD_SECKEY);
	if (gcry_mpi_scan(&m[0], GCRYMPI_FMT_USG, n->data, n->len, NULL) ||
	    gcry_mpi_scan(&m[1], GCRYMPI_FMT_USG, e->data, e->len, NULL)) {
		err = WEFT_ERR(GPG_ERR_BAD_SECKEY);
		goto leave;
	}
	for (i = 0; i < 4; i++)
		if ((err = scan(&m[2 + i], &f[i])))
			goto leave;
	err = gcry_sexp_build(&sk->sexp, NULL,
			      "(private-key(rsa(n%m)(e%m)(d%m)(p%m)(q%m)(u%m)))",
			      m[0], m[1], m[2], m[3], m[4], m[5]);
leave:
	for (i = 0; i < 6; i++)
		gcry_mpi_release(m[i]);
	return err;
}

static gpg_error_t
rsa_sign(const weft_seckey *sk, uint8_t hash_algo, const uint8_t *digest,
	 size_t dlen, sigvals *out)
{
	static const char *const names[] = { "s" };
	const uint8_t *asn;
	uint8_t info[19 + 64];
	size_t asn_len;
	gcry_sexp_t data = NULL;
	gpg_error_t err;

	asn = weft_crypto__md_asn(hash_algo, &asn_len);
	if (!asn || asn_len + dlen > sizeof info)
		return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
	memcpy(info, asn, asn_len);
	memcpy(info + asn_len, digest, dlen);
	if ((err = gcry_sexp_build(&data, NULL,
				   "(data(flags pkcs1-raw)(value %b))",
				   (int)(asn_len + dlen), info)))
		return err;
	err = pk_sign(sk, data, names, 1, false, 0, out);
	gcry_sexp_release(data);
	return err;
}

/* ---- DSA, ECDSA ----------------------------------------------------------------------- */

static gpg_error_t
dsa_build(weft_seckey *sk, const weft_pkt_key *k, const weft_field *f,
	  unsigned nf)
{
	gcry_mpi_t m[5] = { NULL, NULL, NULL, NULL, NULL };
	unsigned i;
	gpg_error_t err = 0;

	if (nf != 1 || k->nfields != 4)
		return WEFT_ERR(GPG_ERR_BAD_SECKEY);
	for (i = 0; i < 4 && !err; i++)
		err = scan(&m[i], &k->fields[i]);
	if (!err)
		err = scan(&m[4], &f[0]);
	if (!err)
		err = gcry_sexp_build(&sk->sexp, NULL,
				"(private-key(dsa(p%m)(q%m)(g%m)(y%m)(x%m)))",
				m[0], m[1], m[2], m[3], m[4]);
	for (i = 0; i < 5; i++)
		gcry_mpi_release(m[i]);
	return err;
}

static gpg_error_t
rs_sign(const weft_seckey *sk, uint8_t hash_algo, const uint8_t *digest,
	size_t dlen, sigvals *out)
{
	static const char *const names[] = { "r", "s" };
	const char *md = weft_crypto__md_name(hash_algo);
	gcry_sexp_t data = NULL;
	gpg_error_t err;

	if (!md)
		return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
	if ((err = gcry_sexp_build(&data, NULL,
				   "(data(flags rfc6979)(hash %s %b))", md,
				   (int)dlen, digest)))
		return err;
	err = pk_sign(sk, data, names, 2, false, 0, out);
	gcry_sexp_release(data);
	return err;
}

static gpg_error_t
ecdsa_build(weft_seckey *sk, const weft_pkt_key *k, const weft_field *f,
	    unsigned nf)
{
	const weft_field *q = pubfield(k, 1, WEFT_FIELD_MPI);
	gcry_mpi_t d = NULL;
	gpg_error_t err;

	if (!k->curve || curve_is(k, "Ed25519") || curve_is(k, "Curve25519") ||
	    curve_is(k, "Ed448") || curve_is(k, "X448"))
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	if (nf != 1 || !q)
		return WEFT_ERR(GPG_ERR_BAD_SECKEY);
	if ((err = scan(&d, &f[0])))
		return err;
	weft_crypto__ec_ready();
	err = gcry_sexp_build(&sk->sexp, NULL,
			      "(private-key(ecc(curve %s)(q%b)(d%m)))",
			      k->curve->name, (int)q->len, q->data, d);
	gcry_mpi_release(d);
	return err;
}

/* ---- EdDSA (legacy 22, native 27), Ed448 ------------------------------------------ */

static gpg_error_t
eddsa_build_q(weft_seckey *sk, const uint8_t *q, size_t qlen,
	      const weft_field *d)
{
	uint8_t *seed = NULL;
	gpg_error_t err;

	if ((err = fixed(&seed, 32, d)))
		return err;
	weft_crypto__ec_ready();
	err = gcry_sexp_build(&sk->sexp, NULL,
		"(private-key(ecc(curve Ed25519)(flags eddsa)(q%b)(d%b)))",
		(int)qlen, q, 32, seed);
	weft_secure_free(seed, 32);
	return err;
}

static gpg_error_t
eddsa_build(weft_seckey *sk, const weft_pkt_key *k, const weft_field *f,
	    unsigned nf)
{
	const weft_field *q = pubfield(k, 1, WEFT_FIELD_MPI);

	if (!curve_is(k, "Ed25519"))
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	if (nf != 1 || f[0].kind != WEFT_FIELD_MPI || !q || q->len != 33 ||
	    q->data[0] != 0x40)
		return WEFT_ERR(GPG_ERR_BAD_SECKEY);
	return eddsa_build_q(sk, q->data, q->len, &f[0]);
}

static gpg_error_t
ed25519_build(weft_seckey *sk, const weft_pkt_key *k, const weft_field *f,
	      unsigned nf)
{
	const weft_field *q = pubfield(k, 0, WEFT_FIELD_NATIVE);

	if (nf != 1 || f[0].kind != WEFT_FIELD_NATIVE || f[0].len != 32 ||
	    !q || q->len != 32)
		return WEFT_ERR(GPG_ERR_BAD_SECKEY);
	return eddsa_build_q(sk, q->data, q->len, &f[0]);
}

static gpg_error_t
eddsa_sign_common(const weft_seckey *sk, const uint8_t *digest, size_t dlen,
		  bool native, sigvals *out)
{
	static const char *const names[] = { "r", "s" };
	gcry_sexp_t data = NULL;
	gpg_error_t err;

	if ((err = gcry_sexp_build(&data, NULL,
			"(data(flags eddsa)(hash-algo sha512)(value %b))",
			(int)dlen, digest)))
		return err;
	err = pk_sign(sk, data, names, 2, native, 32, out);
	gcry_sexp_release(data);
	return err;
}

static gpg_error_t
eddsa_sign(const weft_seckey *sk, uint8_t hash_algo, const uint8_t *digest,
	   size_t dlen, sigvals *out)
{
	uint8_t r[32], s[32];
	sigvals tmp;
	gpg_error_t err;

	/* Legacy EdDSA writes r and s as MPIs: take the 32-octet values and
	 * let the packet writer drop leading zeros, as gpg does. */
	memset(&tmp, 0, sizeof tmp);
	if ((err = eddsa_sign_common(sk, digest, dlen, true, &tmp)))
		return err;
	memcpy(r, tmp.f[0].data, 32);
	memcpy(s, tmp.f[0].data + 32, 32);
	(void)hash_algo;
	if ((err = put_val(out, WEFT_FIELD_MPI, r, 32)))
		return err;
	return put_val(out, WEFT_FIELD_MPI, s, 32);
}

static gpg_error_t
ed25519_sign(const weft_seckey *sk, uint8_t hash_algo, const uint8_t *digest,
	     size_t dlen, sigvals *out)
{
	(void)hash_algo;
	return eddsa_sign_common(sk, digest, dlen, true, out);
}

static gpg_error_t
ed448_build(weft_seckey *sk, const weft_pkt_key *k, const weft_field *f,
	    unsigned nf)
{
	const weft_field *q = pubfield(k, 0, WEFT_FIELD_NATIVE);

	if (nf != 1 || f[0].kind != WEFT_FIELD_NATIVE || f[0].len != 57 ||
	    !q || q->len != 57)
		return WEFT_ERR(GPG_ERR_BAD_SECKEY);
	weft_crypto__ec_ready();
	return gcry_sexp_build(&sk->sexp, NULL,
			       "(private-key(ecc(curve Ed448)(q%b)(d%b)))",
			       57, q->data, 57, f[0].data);
}

static gpg_error_t
ed448_sign(const weft_seckey *sk, uint8_t hash_algo, const uint8_t *digest,
	   size_t dlen, sigvals *out)
{
	static const char *const names[] = { "r", "s" };
	gcry_sexp_t data = NULL;
	gpg_error_t err;

	(void)hash_algo;
	if ((err = gcry_sexp_build(&data, NULL, "(data(value %b))", (int)dlen,
				   digest)))
		return err;
	err = pk_sign(sk, data, names, 2, true, 57, out);
	gcry_sexp_release(data);
	return err;
}

/* ---- the table ------------------------------------------------------------------------ */

static const sign_ops sign_table[] = {
	{ WEFT_PK_RSA, rsa_build, rsa_sign },
	{ WEFT_PK_RSA_S, rsa_build, rsa_sign },
	{ WEFT_PK_DSA, dsa_build, rs_sign },
	{ WEFT_PK_ECDSA, ecdsa_build, rs_sign },
	{ WEFT_PK_EDDSA_LEGACY, eddsa_build, eddsa_sign },
	{ WEFT_PK_ED25519, ed25519_build, ed25519_sign },
	{ WEFT_PK_ED448, ed448_build, ed448_sign },
};

static const sign_ops *
sign_ops_for(uint8_t algo)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(sign_table); i++)
		if (sign_table[i].algo == algo)
			return &sign_table[i];
	return NULL;
}

bool
weft_seckey_algo_ok(const weft_pkt_key *k)
{
	if (!sign_ops_for(k->algo) || !k->known_algo)
		return false;
	if (k->algo == WEFT_PK_EDDSA_LEGACY)
		return curve_is(k, "Ed25519");
	if (k->algo == WEFT_PK_ECDSA)
		return k->curve && !curve_is(k, "Ed25519") &&
		       !curve_is(k, "Curve25519") && !curve_is(k, "Ed448") &&
		       !curve_is(k, "X448");
	return true;
}

/* ---- public interface ------------------------------------------------------------------ */

/* Sign a fixed digest and verify it with the public key.  libgcrypt's
 * testkey does not notice everything: an EdDSA secret with another
 * public point, an RSA d that does not belong to e (n = pq still holds)
 * pass it. */
static bool
pairwise_check(const weft_seckey *sk, const sign_ops *ops)
{
	static const uint8_t digest[64] = {
		0x77, 0x65, 0x66, 0x74, 0x20, 0x73, 0x65, 0x6c, 0x66, 0x2d,
		0x74, 0x65, 0x73, 0x74 };
	sigvals vals;
	weft_pkt_sig sig;
	unsigned i;

	memset(&vals, 0, sizeof vals);
	memset(&sig, 0, sizeof sig);
	if (ops->sign(sk, WEFT_HASH_SHA512, digest, sizeof digest, &vals))
		return true;
	sig.version = 4;
	sig.pk_algo = sk->algo;
	sig.hash_algo = WEFT_HASH_SHA512;
	for (i = 0; i < vals.n; i++)
		sig.mpis[i] = vals.f[i];
	sig.nmpis = vals.n;
	return sk->pub->ops->verify(sk->pub, &sig, digest, sizeof digest) != 0;
}

/* 1. Only algorithms that sign, with their public key built as
 *    verification builds it.
 * 2. The row builds the (private-key ...) form from the public fields
 *    and the secret fields.
 * 3. libgcrypt checks that the two belong together, and a signature
 *    made with the secret must verify with the public key. */
gpg_error_t
weft_seckey_new(weft_seckey **out, const weft_pkt_key *k, const weft_field *f,
		unsigned nf)
{
	const sign_ops *ops = sign_ops_for(k->algo);
	weft_seckey *sk = NULL;
	gpg_error_t err;

	*out = NULL;
	/* 1 */
	if (!ops || !weft_seckey_algo_ok(k))
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	if (!(sk = calloc(1, sizeof *sk)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	sk->algo = k->algo;
	if ((err = weft_pubkey_new(&sk->pub, k)))
		goto leave;
	/* 2 */
	if ((err = ops->build(sk, k, f, nf))) {
		if (gpg_err_code(err) != GPG_ERR_ENOMEM &&
		    gpg_err_code(err) != GPG_ERR_PUBKEY_ALGO)
			err = WEFT_ERR(GPG_ERR_BAD_SECKEY);
		goto leave;
	}
	/* 3 */
	if (gcry_pk_testkey(sk->sexp) || pairwise_check(sk, ops)) {
		err = WEFT_ERR(GPG_ERR_BAD_SECKEY);
		goto leave;
	}
	*out = sk;
	sk = NULL;
leave:
	weft_seckey_free(sk);
	return err;
}

void
weft_seckey_free(weft_seckey *sk)
{
	if (!sk)
		return;
	gcry_sexp_release(sk->sexp);
	weft_pubkey_free(sk->pub);
	free(sk);
}

uint8_t
weft_seckey_algo(const weft_seckey *sk)
{
	return sk->algo;
}

/* 1. The builder must name SK's algorithm; a v6 signature gets a fresh
 *    salt of the size its hash prescribes.
 * 2. Hash as verification does: a parsed-looking signature made of the
 *    builder's fields goes through weft_sig_digest.
 * 3. The row signs the digest.
 * 4. Assemble the packet body, parse it back and verify it. */
gpg_error_t
weft_sig_sign(const weft_seckey *sk, weft_sig_builder *sb,
	      const weft_sig_target *t, weft_buf *out)
{
	const sign_ops *ops = sign_ops_for(sk->algo);
	weft_buf hashed, body;
	weft_pkt_sig pseudo, check;
	uint8_t digest[64];
	size_t dlen = 0, min;
	sigvals vals;
	gpg_error_t err;

	weft_buf_init(&hashed);
	weft_buf_init(&body);
	memset(&vals, 0, sizeof vals);
	/* 1 */
	if (!ops || sb->pk_algo != sk->algo)
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	if (sb->version != 4 && sb->version != 6)
		return WEFT_ERR(GPG_ERR_UNKNOWN_VERSION);
	min = sk->algo == WEFT_PK_ED25519 ? 32 : sk->algo == WEFT_PK_ED448 ? 64 : 0;
	if (!weft_hash_algo_len(sb->hash_algo) ||
	    weft_hash_algo_len(sb->hash_algo) < min)
		return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
	if (sb->version == 6) {
		if (!weft_hash_v6_salt_len(sb->hash_algo))
			return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
		/* A data signature's salt went into T->data first: keep it. */
		if (sb->salt_len != weft_hash_v6_salt_len(sb->hash_algo) ||
		    !t->data) {
			sb->salt_len = weft_hash_v6_salt_len(sb->hash_algo);
			weft_random(sb->salt, sb->salt_len, false);
		}
	}
	/* 2 */
	if ((err = weft_sig_builder_hashed_part(sb, &hashed)))
		goto leave;
	memset(&pseudo, 0, sizeof pseudo);
	pseudo.version = sb->version;
	pseudo.type = sb->type;
	pseudo.pk_algo = sb->pk_algo;
	pseudo.hash_algo = sb->hash_algo;
	pseudo.hashed_part = hashed.data;
	pseudo.hashed_part_len = hashed.len;
	pseudo.salt = sb->salt;
	pseudo.salt_len = sb->salt_len;
	if ((err = weft_sig_digest(&pseudo, t, digest, &dlen)))
		goto leave;
	/* 3 */
	if ((err = ops->sign(sk, sb->hash_algo, digest, dlen, &vals)))
		goto leave;
	/* 4 */
	if ((err = weft_sig_builder_finish(sb, digest, vals.f, vals.n, &body)))
		goto leave;
	if ((err = weft_pkt_sig_parse(&check, body.data, body.len, NULL)))
		goto leave;
	if ((err = weft_sig_verify(sk->pub, &check, t))) {
		err = WEFT_ERR(GPG_ERR_BAD_SIGNATURE);
		goto leave;
	}
	err = weft_buf_put(out, body.data, body.len);
leave:
	weft_wipe(digest, sizeof digest);
	weft_buf_free(&hashed);
	weft_buf_free(&body);
	return err;
}
