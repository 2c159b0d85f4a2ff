/* crypto.h - the only door to libgcrypt: fingerprints, key IDs, hashing
 * of signed data, signature verification (and, later, creation and
 * secret-key protection).
 *
 * Nothing outside keyring/crypto/ (and util/mem.c for secure memory)
 * includes <gcrypt.h>; gcrypt handles are wrapped in opaque types here.
 *
 * Thread safety: all functions may be called from several threads at once
 * on different objects; a weft_pubkey may be shared read-only between
 * threads.
 */
#ifndef WEFT_CRYPTO_H
#define WEFT_CRYPTO_H

#include "../internal.h"
#include "../packet/packet.h"

/* One-time libgcrypt set-up: version check (>= 1.10.0), random pool in
 * secure memory, a 1 MiB secure memory pool (used unlocked, without a
 * warning, when mlock is not allowed).  libgcrypt >= 1.6 does its own
 * thread locking; there are no callbacks to install.  If the host program
 * has already finished initialising libgcrypt, its settings are kept.
 * Call it before anything else here (weft_ctx_new does).  Idempotent and
 * thread-safe.  GPG_ERR_NOT_SUPPORTED if the installed libgcrypt is too
 * old. */
gpg_error_t weft_crypto_init(void);

/* ---- fingerprints ------------------------------------------------------ */

#define WEFT_FPR_MAX 32

/* v4: SHA-1 over 0x99, 2-octet length, public part (20 octets);
 * v6: SHA-256 over 0x9B, 4-octet length, public part (32 octets).
 * Other versions (v3 too): GPG_ERR_UNKNOWN_VERSION.  A v4 public part
 * over 65535 octets: GPG_ERR_TOO_LARGE. */
gpg_error_t weft_key_fingerprint(const weft_pkt_key *k,
				 uint8_t fpr[WEFT_FPR_MAX], size_t *fpr_len);
/* v4 (FPR_LEN 20): the low 64 bits of the fingerprint; v6 (FPR_LEN 32):
 * the high 64 bits.  Zeros for an FPR_LEN under 8. */
void weft_keyid_from_fpr(const uint8_t *fpr, size_t fpr_len,
			 uint8_t keyid[8]);

/* ---- hashing ------------------------------------------------------------ */

typedef struct weft_hash weft_hash;  /* a running digest */

/* GPG_ERR_DIGEST_ALGO for an algorithm libgcrypt does not have (or that
 * FIPS mode refuses).  MD5, SHA-1, RIPEMD-160, SHA-224/256/384/512 and
 * SHA3-256/512 are known; whether an old one is acceptable is policy for
 * the caller. */
gpg_error_t weft_hash_new(weft_hash **out, uint8_t hash_algo);
/* The same, for public data only (keys, user IDs, signatures): the
 * handle is one this thread used before, and is kept for the next when
 * freed; a digest over anything else uses weft_hash_new. */
gpg_error_t weft_hash_new_public(weft_hash **out, uint8_t hash_algo);
void weft_hash_write(weft_hash *h, const void *p, size_t n);
/* Copy the running state (to finish one copy and keep writing another). */
gpg_error_t weft_hash_copy(weft_hash **out, const weft_hash *h);
/* Final digest into OUT (at least weft_hash_algo_len() octets).  After
 * this H may only be freed. */
void weft_hash_final(weft_hash *h, uint8_t *out, size_t *len);
void weft_hash_free(weft_hash *h);
/* One-shot digest.  */
gpg_error_t weft_hash_buffer(uint8_t hash_algo, const void *p, size_t n,
			     uint8_t *out, size_t *len);

/* ---- public keys ---------------------------------------------------------- */

typedef struct weft_pubkey weft_pubkey;

/* Build libgcrypt's form of K's public key material.
 * GPG_ERR_PUBKEY_ALGO for an algorithm or curve we do not support,
 * GPG_ERR_BAD_PUBKEY for material libgcrypt rejects. */
gpg_error_t weft_pubkey_new(weft_pubkey **out, const weft_pkt_key *k);
void weft_pubkey_free(weft_pubkey *pk);
/* libgcrypt keygrip (20 octets), as gpg-agent and gpgsm compute it.
 * Checked against gpg 2.2 for RSA, DSA, ElGamal, ECDSA (NIST, brainpool),
 * EdDSA Ed25519 and ECDH (NIST, brainpool, Curve25519).  Native X25519
 * keys get the grip of the same point as a legacy ECDH Curve25519 key;
 * Ed25519 (27) that of the same point as an EdDSA key.
 * GPG_ERR_BAD_PUBKEY if libgcrypt cannot compute it. */
gpg_error_t weft_pubkey_keygrip(const weft_pubkey *pk, uint8_t grip[20]);
/* The OpenPGP algorithm of PK (the key packet's). */
uint8_t weft_pubkey_algo(const weft_pubkey *pk);

/* Ed25519 verification (ed25519.c): gcry_pk_verify's verdict, input for
 * input, with fe25519.c's arithmetic, about twelve times as fast
 * (SHA-512 is libgcrypt's).  weft_pubkey
 * uses it for Ed25519 keys by itself; it is here for the benchmark that
 * measures the cost of verification alone (tests/bench/verifyrate.c). */
typedef struct weft_ed25519 weft_ed25519;
/* Decode the point A (RFC 8032 encoding) as libgcrypt decodes a key's;
 * GPG_ERR_BAD_PUBKEY if it does not decode. */
gpg_error_t weft_ed25519_new(weft_ed25519 **out, const uint8_t a[32]);
void weft_ed25519_free(weft_ed25519 *k);
/* 0 when (R, S) is a signature by K of the message M (for OpenPGP: the
 * digest), else GPG_ERR_BAD_SIGNATURE.  Threads may share K. */
gpg_error_t weft_ed25519_verify(const weft_ed25519 *k, const uint8_t r[32],
				const uint8_t s[32], const uint8_t *m,
				size_t mlen);

/* ---- signature verification --------------------------------------------- */

/* What a key signature covers.  For signatures over a key (0x1F, 0x20)
 * only PRIMARY is set; over a subkey (0x18, 0x19, 0x28) PRIMARY and SUBKEY;
 * over a user ID or attribute (0x10-0x13, 0x30) PRIMARY and UID (UID_TAG
 * is 13 or 17).  For data signatures (0x00, 0x01) the caller hashes the
 * data first and passes the running hash as DATA instead; it must have
 * been opened with weft_sig_data_hash_new() (or at least with the
 * signature's hash algorithm and, for v6, the salt written first).  For
 * 0x02 and 0x40 nothing is set.  A target that does not fit the
 * signature type is GPG_ERR_SIG_CLASS (0x50 is not supported). */
typedef struct weft_sig_target {
	const weft_pkt_key *primary;
	const weft_pkt_key *subkey;
	const uint8_t *uid;
	size_t uid_len;
	uint8_t uid_tag;
	weft_hash *data;         /* borrowed; its state is not changed */
} weft_sig_target;

/* Open a running hash for data signed by SIG: SIG's hash algorithm, and
 * for a v6 signature its salt already written (RFC 9580 5.2.4: the salt
 * comes before the data).  The caller writes the data (text signatures:
 * with line endings made CRLF), then passes it as weft_sig_target.data.
 * GPG_ERR_DIGEST_ALGO for an unknown hash. */
gpg_error_t weft_sig_data_hash_new(weft_hash **out, const weft_pkt_sig *sig);

/* Hash what SIG covers into a new running hash, as RFC 9580 5.2.4 says:
 * (v6: the salt,) the key(s) with their framing octet and length (framing
 * chosen by each KEY's version), the user ID or attribute with 0xB4/0xD1
 * and a 4-octet length (none for v3 signatures), then the signature's
 * hashed part and trailer (v3: type and creation time; v4: 0x04 0xFF
 * len32; v6: 0x06 0xFF len32), and return the digest.
 *   GPG_ERR_DIGEST_ALGO      unknown hash, or T->data was opened with
 *                            another hash algorithm
 *   GPG_ERR_SIG_CLASS        T does not fit SIG's type (see above)
 *   GPG_ERR_UNKNOWN_VERSION  a signature or key version we cannot hash */
gpg_error_t weft_sig_digest(const weft_pkt_sig *sig, const weft_sig_target *t,
			    uint8_t digest[64], size_t *digest_len);

/* Verify SIG over T with PK.  Checks the left 16 bits and, for v6, the
 * salt size, then the signature values with libgcrypt.
 *   0                    good
 *   GPG_ERR_BAD_SIGNATURE  the signature does not verify (also: left 16
 *                          bits differ, v6 salt of the wrong size or a v6
 *                          signature with a hash that has no salt size,
 *                          a value libgcrypt rejects as out of range)
 *   GPG_ERR_DIGEST_ALGO    unknown hash algorithm; for Ed25519 (27) and
 *                          Ed448 (28) keys also a digest shorter than 256
 *                          resp. 512 bits, as RFC 9580 requires
 *   GPG_ERR_PUBKEY_ALGO    PK's algorithm cannot verify signatures (RSA-E,
 *                          ElGamal 16 and 20, ECDH, X25519, X448), or
 *                          does not match SIG's algorithm (RSA keys accept
 *                          RSA 1 and 3; every other one only its own)
 *   GPG_ERR_INV_DATA       malformed signature values (wrong count or
 *                          kind, EdDSA r or s longer than 32 octets)
 *   GPG_ERR_SIG_CLASS, GPG_ERR_UNKNOWN_VERSION  as weft_sig_digest()
 * Not checked here (policy for the caller): creation/expiry times, weak
 * hashes (MD5, SHA-1), whether SIG's version suits the key's version,
 * critical unknown subpackets, and the issuer. */
gpg_error_t weft_sig_verify(const weft_pubkey *pk, const weft_pkt_sig *sig,
			    const weft_sig_target *t);

/* ---- X.509 (x509.c): what the X.509 bridge needs from libgcrypt ------------ */

/* A certificate's public key as libksba hands it over (a canonical
 * S-expression: (public-key(rsa(n N)(e E))) or
 * (public-key(ecc(curve OID-or-name)(q POINT)))), split into what an
 * OpenPGP v4 key packet holds.  ALGO is the OpenPGP algorithm: RSA (1),
 * ECDSA (19) over NIST P-256/384/521 (and brainpool), or EdDSA (22) for
 * Ed25519.  A and B are copies: RSA n and e without leading zero octets;
 * ECDSA the point 04||X||Y; Ed25519 the 32-octet public key (B empty).
 *   GPG_ERR_PUBKEY_ALGO  another algorithm or curve (DSA, Ed448, ...)
 *   GPG_ERR_BAD_PUBKEY   malformed (not an S-expression, a point of the
 *                        wrong size, an empty modulus) */
typedef struct weft_x509_key {
	uint8_t algo;
	const weft_curve *curve;  /* ECDSA, EdDSA */
	unsigned bits;            /* RSA modulus bits; ECC curve size */
	weft_buf a, b;
} weft_x509_key;

gpg_error_t weft_x509_key_parse(weft_x509_key *out, const uint8_t *sexp,
				size_t len);
void weft_x509_key_free(weft_x509_key *k);

/* Check an X.509 signature (a certificate's or a CRL's): SIGVAL as
 * libksba gives it ((sig-val(rsa(s))...), (sig-val(ecdsa(r)(s))...),
 * (sig-val(eddsa(r)(s)))), made by the key KEY (a canonical
 * S-expression as for weft_x509_key_parse) over TBS, the DER of the
 * signed part.  HASH_ALGO is the OpenPGP number of the digest the
 * signature algorithm names (RSA PKCS#1 v1.5 and ECDSA), or 0 for
 * PureEdDSA (Ed25519 signs TBS itself).
 *   0                      good
 *   GPG_ERR_BAD_SIGNATURE  does not verify (also: the signature's
 *                          algorithm is not the key's)
 *   GPG_ERR_DIGEST_ALGO    HASH_ALGO unknown
 *   GPG_ERR_BAD_PUBKEY, GPG_ERR_INV_DATA  KEY or SIGVAL malformed */
gpg_error_t weft_x509_sig_verify(const uint8_t *key, size_t klen,
				 const uint8_t *sigval, size_t slen,
				 uint8_t hash_algo, const void *tbs,
				 size_t tbslen);

/* The keygrip of KEY (canonical S-expression, as above): what gpgsm and
 * gpg-agent call the key. */
gpg_error_t weft_x509_keygrip(const uint8_t *key, size_t klen,
			      uint8_t grip[20]);

/* Random octets.  STRONG selects GCRY_STRONG_RANDOM (session keys,
 * secret values); otherwise gcry_create_nonce, for values that become
 * public (v6 salts, nonces). */
void weft_random(void *p, size_t n, bool strong);

/* ==== secret keys: signing, generation, protection =======================
 * (sign.c, keygen.c, s2k.c; owned by the secret-key work)
 *
 * Secret values only ever live in libgcrypt's secure memory: the buffers
 * callers pass in must be secure (weft_buf_init_secure, weft_secure_alloc)
 * and everything made here from them is, too. */

typedef struct weft_seckey weft_seckey;  /* a key that can sign */

/* A signing key from K (a key packet: its public part is used) and its
 * clear secret fields F[0..NF-1] (weft_secret_fields_parse() of a buffer
 * in secure memory).  The secret is checked against the public key
 * (gcry_pk_testkey, and a signature over a fixed digest must verify with
 * the public key), so a wrong passphrase that happened to pass a 16-bit
 * checksum, or a secret of another key, is caught here.
 *   GPG_ERR_PUBKEY_ALGO  an algorithm or curve we cannot sign with
 *                        (encryption-only keys among them)
 *   GPG_ERR_BAD_SECKEY   malformed, or does not match the public key */
gpg_error_t weft_seckey_new(weft_seckey **out, const weft_pkt_key *k,
			    const weft_field *f, unsigned nf);
void weft_seckey_free(weft_seckey *sk);
uint8_t weft_seckey_algo(const weft_seckey *sk);
/* Can a key of this algorithm (and, for ECC, curve) sign here? */
bool weft_seckey_algo_ok(const weft_pkt_key *k);

/* Sign: for a v6 builder fill SB's salt with fresh random octets (for
 * a data signature, T->data set, a salt of the right size already in SB
 * is kept: the caller wrote it into the data hash first), hash
 * what T names and SB's hashed part (weft_sig_digest), make the signature
 * values, and append the complete signature packet body to OUT.  The
 * result is parsed and verified once more with the public key before it
 * is returned (a fault or a bug must not leave as a signature).
 *   GPG_ERR_PUBKEY_ALGO   SB's algorithm is not SK's
 *   GPG_ERR_DIGEST_ALGO   unknown hash, or too short for Ed25519/Ed448
 *   GPG_ERR_SIG_CLASS     T does not fit SB's type (weft_sig_digest) */
gpg_error_t weft_sig_sign(const weft_seckey *sk, weft_sig_builder *sb,
			  const weft_sig_target *t, weft_buf *out);

/* Generate a key pair.  PK_ALGO and VERSION: EdDSA legacy (22, Ed25519)
 * and ECDH (18, Curve25519, KDF SHA-256/AES-128 as gpg writes it) for v4;
 * Ed25519 (27) and X25519 (25) for v4 or v6; RSA (1) with BITS 2048..4096.
 * Appends the public key packet body (version, CREATED, algorithm,
 * material) to PUB, and the clear secret fields (as they follow the S2K
 * usage octet, without checksum) to SEC, which must be a secure buffer.
 *   GPG_ERR_PUBKEY_ALGO  an algorithm/version we do not generate
 *   GPG_ERR_INV_VALUE    BITS out of range for RSA */
gpg_error_t weft_keygen(uint8_t version, uint8_t pk_algo, unsigned bits,
			uint32_t created, weft_buf *pub, weft_buf *sec);

/* The iteration count an iterated S2K's coded count octet stands for
 * (RFC 9580 3.7.1.3). */
uint32_t weft_s2k_count(uint8_t coded);

/* Derive KEYLEN octets from PASS with S2K (types 0, 1, 3, 4; Argon2 is
 * Argon2id with S's t, p and 2^m KiB, as RFC 9580 3.7.1.4 says).
 *   GPG_ERR_NOT_SUPPORTED  a stub (101) or an unknown type
 *   GPG_ERR_DIGEST_ALGO    unknown hash */
gpg_error_t weft_s2k_derive(const weft_s2k *s, const void *pass,
			    size_t passlen, uint8_t *key, size_t keylen);

/* Argon2 (RFC 9106): TYPE 0 Argon2d, 1 Argon2i, 2 Argon2id; T passes,
 * M_KIB KiB of memory, P lanes; SECRET and AD optional (NULL, 0).
 *   GPG_ERR_INV_VALUE  parameters libgcrypt refuses */
gpg_error_t weft_argon2(int type, const void *pass, size_t passlen,
			const void *salt, size_t saltlen, const void *secret,
			size_t secretlen, const void *ad, size_t adlen,
			unsigned t, unsigned long m_kib, unsigned p,
			uint8_t *out, size_t outlen);

/* HKDF with SHA-256 (RFC 5869); SALT may be NULL (then zeros). */
gpg_error_t weft_hkdf_sha256(const void *ikm, size_t ikmlen,
			     const void *salt, size_t saltlen,
			     const void *info, size_t infolen, uint8_t *out,
			     size_t outlen);

/* OpenPGP CFB without resynchronisation (what secret key protection
 * uses), in place over BUF.  KEY has weft_cipher_key_len() octets, IV
 * the block size.  GPG_ERR_CIPHER_ALGO for an unknown cipher. */
gpg_error_t weft_cfb_crypt(uint8_t cipher_algo, const uint8_t *key,
			   const uint8_t *iv, bool encrypt, uint8_t *buf,
			   size_t n);

/* AEAD (RFC 9580 5.13.2: EAX, OCB, GCM; 16-octet tags) with a block
 * cipher of 16 octets; NONCE_LEN is weft_aead_nonce_len() in OpenPGP
 * (other sizes for test vectors).  Encrypt: IN (N octets) -> OUT (N + 16 octets,
 * the tag last).  Decrypt: IN (N octets, tag included) -> OUT (N - 16).
 *   GPG_ERR_CHECKSUM     decrypt: the tag does not match (wrong key, or
 *                        changed data or associated data)
 *   GPG_ERR_CIPHER_ALGO  unknown cipher or mode */
gpg_error_t weft_aead_crypt(uint8_t cipher_algo, uint8_t aead_algo,
			    const uint8_t *key, const uint8_t *nonce,
			    size_t nonce_len, const void *ad, size_t adlen,
			    bool encrypt, const uint8_t *in, size_t n,
			    uint8_t *out);

#endif /* WEFT_CRYPTO_H */
