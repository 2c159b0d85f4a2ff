/* secret.h - secret keys: storage in the keyring (protected), import of
 * secret key packets, unlocking, key generation and signing (certify,
 * revoke).
 *
 * The secrets database (WEFT_DB_SECRETS) maps a primary fingerprint to a
 * record holding the protected secret key packets of that certificate's
 * primary key and subkeys.  Secret material is never written unprotected
 * unless the user asked for it (weft generate --no-passphrase); in memory
 * it lives in libgcrypt's secure memory and is wiped after use.
 *
 * Record format (format 1):
 *
 *   octets 0-1   "WS"
 *   octet  2     format, 1
 *   octet  3     flags, 0 (reserved)
 *   then         one or more secret key packets, each a new-format packet
 *                header and body: tag 5 for the primary key, tag 7 for a
 *                subkey, the primary's first when present, subkeys in the
 *                order they arrived.  The public part of each body is byte
 *                for byte the key packet that the certificate in "certs"
 *                holds, so a secret packet is found by comparing public
 *                parts (and a v4 stub-free export is a plain substitution
 *                of packets).  The secret part is as RFC 9580 5.5.3 has
 *                it: S2K usage 254 (CFB + SHA-1) or 253 (AEAD) as weft
 *                writes them or as gpg/sq exported them (255 is kept as
 *                imported), or 0 only when the user asked for no
 *                passphrase.  GnuPG stubs (S2K 101: no secret, or on a
 *                card) are not stored.
 *
 * A record exists only when at least one secret key is in it; that is
 * what weft_secret__have() asks.
 *
 * What weft writes when it protects a key:
 *   v4  usage 254, AES-256, S2K 3 (iterated and salted, SHA-256, 8-octet
 *       salt, coded count 0xFF = 65011712 octets, gpg-agent's maximum),
 *       16-octet random IV, the fields followed by their SHA-1.
 *   v6  usage 253, AES-256, OCB, S2K 4 (Argon2id, 16-octet salt, t=3,
 *       p=4, m=2^16 KiB: RFC 9580 3.7.1.4's second recommendation),
 *       15-octet random nonce, KEK = HKDF-SHA256(S2K output, no salt,
 *       info = 0xC0|tag, version, cipher, AEAD), associated data 0xC0|tag
 *       and the public part (RFC 9580 5.5.3).
 */
#ifndef WEFT_SECRET_H
#define WEFT_SECRET_H

#include "../internal.h"
#include "../cert/cert.h"
#include "../crypto/crypto.h"
#include "../ctx.h"
#include "../util/diag.h"

#define WEFT_SECRET_FORMAT 1
#define WEFT_SECRET_HEADER 4
/* The longest passphrase we take, NUL included. */
#define WEFT_PASSPHRASE_MAX 1024

/* Called by import (inside its write transaction) for every accepted
 * certificate C whose input carried secret key packets (C->secrets: the
 * packets as read, with new-format headers).  Merges them into the
 * secrets database: protected packets are stored as they are; an
 * unprotected one is protected with a passphrase asked through the
 * context's passphrase callback (or refused, with a note, when there is
 * none).  Sets *STORED when secret material was stored (or was already
 * there).  Writes one line for the import report into NOTE.  Errors other
 * than GPG_ERR_ENOMEM and store failures are reported in NOTE and return
 * 0: the public part is imported regardless. */
gpg_error_t weft_secret__import(weft_ctx *ctx, weft_txn *t, const weft_cert *c,
				bool *stored, weft_diag *note);

/* Does the keyring hold secret material for the certificate with primary
 * fingerprint FPR?  (Own keys are trust roots.) */
bool weft_secret__have(weft_txn *t, const uint8_t *fpr, size_t fpr_len);

/* ---- records (record.c) ---------------------------------------------------- */

/* The packets of FPR's record into PKTS (a secure buffer the caller
 * initialised; the packets are appended).
 *   GPG_ERR_NOT_FOUND  no record
 *   GPG_ERR_INV_DATA   a damaged record */
gpg_error_t weft_secret__record_get(weft_txn *t, const uint8_t *fpr,
				    size_t fpr_len, weft_buf *pkts);
/* Write FPR's record with the packets PKTS (N octets); with N 0 the
 * record is deleted. */
gpg_error_t weft_secret__record_put(weft_txn *t, const uint8_t *fpr,
				    size_t fpr_len, const uint8_t *pkts,
				    size_t n);
/* The secret key packet in PKTS (N octets, as a record holds them) whose
 * public part is PUB (PUBLEN octets).  KEY points into PKTS.
 *   GPG_ERR_NOT_FOUND  none
 *   GPG_ERR_INV_DATA   PKTS cannot be parsed */
gpg_error_t weft_secret__find(const uint8_t *pkts, size_t n,
			      const uint8_t *pub, size_t publen,
			      weft_pkt_key *key);

/* ---- protection (protect.c) ------------------------------------------------- */

/* Protect the clear secret key KEY (a parsed tag 5 or 7 body with S2K
 * usage 0) with PASS as described at the top, and append the new packet
 * body to OUT (a secure buffer).
 *   GPG_ERR_INV_VALUE  KEY is already protected */
gpg_error_t weft_secret__protect(const weft_pkt_key *key, const char *pass,
				 size_t passlen, weft_buf *out);
/* Decrypt KEY's secret fields with PASS (ignored for usage 0) and append
 * them to FIELDS (a secure buffer).
 *   GPG_ERR_BAD_PASSPHRASE  the SHA-1, checksum or AEAD tag does not
 *                           match, or the fields do not parse
 *   GPG_ERR_NO_SECKEY       a stub
 *   GPG_ERR_CIPHER_ALGO, GPG_ERR_NOT_SUPPORTED, GPG_ERR_INV_PACKET
 *                           as weft_pkt_secret_parse */
gpg_error_t weft_secret__decrypt(const weft_pkt_key *key, const char *pass,
				 size_t passlen, weft_buf *fields);
/* Is KEY's secret part protected by a passphrase? */
bool weft_secret__is_protected(const weft_pkt_key *key);
/* Unlock KEY: when it is protected, ask for the passphrase through the
 * context's callback (DESC names the key), up to three times; then build
 * the signing key.
 *   GPG_ERR_BAD_PASSPHRASE  wrong every time (the context's error says
 *                           "wrong passphrase for key FPR")
 *   GPG_ERR_NO_PASSPHRASE   no callback, or it has none to give
 *   GPG_ERR_CANCELED        the user gave up
 *   GPG_ERR_BAD_SECKEY      the secret does not match the public key
 *   GPG_ERR_PUBKEY_ALGO     not a key we can sign with */
gpg_error_t weft_secret__unlock(weft_ctx *ctx, const weft_pkt_key *key,
				const char *desc, weft_seckey **out);
/* Ask for a new passphrase (the callback's NEW set) into PASS, a secure
 * buffer of WEFT_PASSPHRASE_MAX octets; *LEN its length.  An empty
 * passphrase is GPG_ERR_NO_PASSPHRASE (keys are only stored unprotected
 * when the caller says so). */
gpg_error_t weft_secret__new_passphrase(weft_ctx *ctx, const char *desc,
					char *pass, size_t *len);
/* A user ID as a label for messages: control characters become '?',
 * cut to OUTLEN - 1 octets (the program escapes the rest). */
void weft_secret__label(const uint8_t *uid, size_t len, char *out,
			size_t outlen);
/* "Name <addr>, ed25519 key FPR" for passphrase prompts (into OUT). */
void weft_secret__describe(const weft_cert *c, const weft_pkt_key *key,
			   uint32_t now, char *out, size_t outlen);

/* ---- my keys (signer.c) ------------------------------------------------------- */

/* One of my keys, unlocked for certifying. */
typedef struct weft_signer {
	weft_cert *cert;         /* my certificate */
	weft_buf pkts;           /* its secrets record (secure) */
	weft_pkt_key key;        /* the primary's secret key packet (in
				    PKTS) */
	char desc[512];          /* for passphrase prompts */
	weft_seckey *sk;         /* the primary key, once unlocked */
} weft_signer;

/* Find my key: BY (a query: fingerprint, key ID, address or part of a
 * user ID) among the keys with secrets, or, when BY is NULL, the only
 * one; then (UNLOCK) unlock its primary key.
 *   GPG_ERR_NO_SECKEY         no secret keys at all, or BY names a key
 *                             without one
 *   GPG_ERR_AMBIGUOUS_NAME    several candidates (the context's error
 *                             lists them and says to pass --by)
 *   GPG_ERR_NOT_FOUND         BY matches no key
 *   and weft_secret__unlock's errors */
gpg_error_t weft_secret__signer(weft_ctx *ctx, weft_txn *t, const char *by,
				bool unlock, weft_signer *out);
/* Unlock S's primary key if that has not been done yet. */
gpg_error_t weft_secret__signer_unlock(weft_ctx *ctx, weft_signer *s);
void weft_secret__signer_free(weft_signer *s);
/* Make a signature with S's primary key: the issuer fingerprint and
 * creation time first, then EXTRA (hashed subpackets, already encoded as
 * weft_sig_builder_add writes them), then for v4 the issuer key ID in the
 * unhashed area; appends the body to OUT.  The version is that of S's
 * key; the hash SHA-256 for v4 (as gpg 2.2) and SHA-512 for v6. */
gpg_error_t weft_secret__sign(const weft_signer *s, uint8_t type,
			      uint32_t created, const weft_buf *extra,
			      const weft_sig_target *t, weft_buf *out);

/* The same with any key: K (public part), its fingerprint, SK. */
gpg_error_t weft_secret__sign_with(const weft_pkt_key *k, const uint8_t *fpr,
				   size_t fpr_len, const weft_seckey *sk,
				   uint8_t type, uint32_t created,
				   const weft_buf *extra,
				   const weft_sig_target *t, weft_buf *out);

/* A data signature (binary or text) over DATA, a running hash opened
 * with weft_sig_data_hash_new for this key's version and hash
 * (weft_secret__hash_for) and, for v6, SALT written into it first. */
gpg_error_t weft_secret__sign_data(const weft_pkt_key *k, const uint8_t *fpr,
				   size_t fpr_len, const weft_seckey *sk,
				   uint8_t type, uint32_t created,
				   const uint8_t *salt, size_t salt_len,
				   weft_hash *data, weft_buf *out);
/* The hash weft signs with for key K. */
uint8_t weft_secret__hash_for(const weft_pkt_key *k);

/* Append a subpacket (length, type with the critical bit, DATA) to B. */
gpg_error_t weft_secret__subpacket(weft_buf *b, uint8_t type, bool critical,
				   const void *data, size_t len);

/* Add the signature BODY over user ID UID of C to C as a third-party
 * certification, merged as import merges and verified with ISSUER's key
 * as import verifies (state GOOD, issuer ISSUER).
 *   GPG_ERR_BAD_SIGNATURE  it does not verify (never, unless a bug) */
gpg_error_t weft_secret__add_cert_sig(weft_cert *c, const weft_uidrec *uid,
				      const uint8_t *body, size_t len,
				      weft_cert *issuer);

/* ---- export (export.c) ---------------------------------------------------------- */

/* weft_export's WEFT_EXPORT_SECRET branch: the keys matching QUERIES (all
 * keys with secrets when N is 0) as transferable secret keys: the
 * certificate (FLAGS as weft_export's: armor, local) with each key packet
 * that has its secret replaced by the stored secret key packet (as
 * stored: protected).  Keys without a secret: a GnuPG stub for v4 (what
 * gpg --export-secret-subkeys writes, so gpg reads it), the public
 * packet for v6 (RFC 9580 10.2 allows it).  Armor label "PGP PRIVATE KEY
 * BLOCK".
 *   GPG_ERR_NOT_FOUND  a query matches no key, or no key with a secret
 *   GPG_ERR_NO_SECKEY  the keyring holds no secret keys at all */
gpg_error_t weft_secret__export(weft_ctx *ctx, weft_txn *t,
				const char *const *queries, size_t n,
				unsigned flags, uint8_t **out, size_t *outlen);

#endif /* WEFT_SECRET_H */
