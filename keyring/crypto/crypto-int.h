/* crypto-int.h - shared by the files of keyring/crypto/ and nothing else.
 *
 * This is where <gcrypt.h> enters the engine.  Other modules include
 * crypto.h, which keeps every libgcrypt handle opaque.
 */
#ifndef WEFT_CRYPTO_INT_H
#define WEFT_CRYPTO_INT_H

/* crypto.h (through internal.h) fixes GPG_ERR_SOURCE_DEFAULT, which
 * must come before <gcrypt.h> pulls in <gpg-error.h>. */
#include "crypto.h"

#include <gcrypt.h>

/* ---- hash algorithms ------------------------------------------------------ */

/* libgcrypt's number for an OpenPGP hash algorithm, 0 when unknown. */
int weft_crypto__md_algo(uint8_t hash_algo);
/* The name libgcrypt's S-expressions use ("sha256"), NULL when unknown. */
const char *weft_crypto__md_name(uint8_t hash_algo);
/* The DER DigestInfo prefix of PKCS#1 v1.5 signatures (RFC 9580 5.2.2)
 * for HASH_ALGO, NULL when unknown. */
const uint8_t *weft_crypto__md_asn(uint8_t hash_algo, size_t *len);
/* The OpenPGP algorithm a running hash was opened with. */
uint8_t weft_crypto__hash_algo(const weft_hash *h);
/* How many handles for HASH_ALGO this thread keeps (hash.c; for the unit
 * test). */
unsigned weft_crypto__hash_spares(uint8_t hash_algo);

/* Hash a key packet's public part with the framing its version asks for:
 * v2/3/4 0x99 + 2-octet length, v6 0x9B + 4-octet length (RFC 9580
 * 5.2.4).  GPG_ERR_UNKNOWN_VERSION for other versions, GPG_ERR_TOO_LARGE
 * for a v4 key over 65535 octets. */
gpg_error_t weft_crypto__hash_key(weft_hash *h, const weft_pkt_key *k);

/* ---- public keys ----------------------------------------------------------- */

/* Before the first elliptic-curve key is made: set up what libgcrypt
 * 1.10 initialises lazily and without a lock (init.c).  Once per
 * process; any thread. */
void weft_crypto__ec_ready(void);

typedef struct weft_pk_ops weft_pk_ops;

struct weft_pubkey {
	const weft_pk_ops *ops;
	uint8_t algo;
	gcry_sexp_t sexp;        /* (public-key (...)) */
	/* Ed25519 (algorithms 22 and 27): the point's 32 octets, and the
	 * point decoded (ed25519.c), made at the first verification; threads
	 * that verify with one key at once race to set it, so it is set by
	 * an atomic compare-and-swap (pubkey.c, ed25519_key). */
	bool ed25519;
	uint8_t ed_point[32];
	weft_ed25519 *ed;
};

/* One row per OpenPGP public-key algorithm.  Callers never switch on the
 * algorithm: they go through the row. */
struct weft_pk_ops {
	uint8_t algo;
	const char *name;
	/* Signature algorithm numbers a key of this algorithm verifies
	 * (RSA keys verify RSA and RSA-sign-only signatures); 0 = unused. */
	uint8_t sig_algos[2];
	/* Minimum digest length in octets (RFC 9580's algorithm-specific
	 * fields of Ed25519 and Ed448 signatures: 256 and 512 bits);
	 * 0 = any. */
	size_t min_digest;
	/* Build PK->sexp from K's fields (already checked: K->algo matches
	 * and K->known_algo).  GPG_ERR_PUBKEY_ALGO for an unsupported curve,
	 * GPG_ERR_BAD_PUBKEY for malformed material. */
	gpg_error_t (*build)(weft_pubkey *pk, const weft_pkt_key *k);
	/* Check SIG's values over DIGEST.  NULL: this algorithm cannot
	 * verify signatures.  Returns 0, GPG_ERR_BAD_SIGNATURE or
	 * GPG_ERR_INV_DATA (values of the wrong shape). */
	gpg_error_t (*verify)(const weft_pubkey *pk, const weft_pkt_sig *sig,
			      const uint8_t *digest, size_t digest_len);
};

const weft_pk_ops *weft_crypto__pk_ops(uint8_t algo);

#endif /* WEFT_CRYPTO_INT_H */
