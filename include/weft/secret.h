/* weft/secret.h - your own keys: generating them, certifying other keys
 * with them, revoking those certifications.
 *
 * Secret keys are kept in the keyring protected by a passphrase (see
 * weft-keyring(5)); import takes them from gpg and sq exports, export
 * (WEFT_EXPORT_SECRET) gives them back as they are stored.  The engine
 * never prompts: whenever a passphrase is needed it calls the context's
 * passphrase callback (weft_ctx_set_passphrase): with NEW set when a key
 * is being protected (the program should ask twice), and again with a
 * growing ATTEMPT after a wrong passphrase, three times at most.  A
 * callback that has nothing more to give after a wrong passphrase (a
 * passphrase file with one line) returns any error: the result is then
 * GPG_ERR_BAD_PASSPHRASE, "wrong passphrase for key FPR".
 *
 * Errors every function here may return, besides its own:
 *   GPG_ERR_NO_PASSPHRASE   a passphrase is needed and the callback has
 *                           none (no terminal, no passphrase file)
 *   GPG_ERR_CANCELED        the user gave up
 *   GPG_ERR_BAD_PASSPHRASE  wrong passphrase, three times
 *   GPG_ERR_EACCES          the keyring was opened read-only
 * and the context's error line says which key and what to do.
 */
#ifndef WEFT_SECRET_PUBLIC_H
#define WEFT_SECRET_PUBLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <weft/error.h>
#include <weft/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_ctx weft_ctx;

/* ---- secure memory ----------------------------------------------------------- */

/* Memory for passphrases in the program: locked (when the system allows
 * it), never swapped, wiped by weft_secmem_free.  NULL on failure. */
void *weft_secmem_alloc(size_t n);
void weft_secmem_free(void *p, size_t n);

/* ---- generating keys ------------------------------------------------------------ */

typedef enum weft_keygen_algo {
	WEFT_KEYGEN_ED25519 = 0,  /* Ed25519 primary [SC], X25519 subkey [E] */
	WEFT_KEYGEN_RSA3072,      /* RSA primary [SC], RSA subkey [E] */
	WEFT_KEYGEN_RSA4096,
} weft_keygen_algo;

typedef struct weft_generate_params {
	const char *uid;          /* "Name <email>" (UTF-8) */
	weft_keygen_algo algo;
	bool v6;                  /* an RFC 9580 v6 key (Ed25519 + X25519,
				     or RSA of 3072 bits or more, which RFC
				     9580 allows; gpg 2.2 and sq 0.27
				     cannot read v6 keys) */
	int64_t expires;          /* absolute time the key expires (Unix
				     seconds); 0 = never */
	uint32_t expires_in;      /* or: seconds after its creation (used
				     when EXPIRES is 0); 0 = never */
	bool no_passphrase;       /* store the secret keys unprotected */
} weft_generate_params;

/* Make a new key pair as gpg (v4) or sq (v6) make them: for v4, an
 * EdDSA primary key (Ed25519, algorithm 22) with an ECDH Curve25519
 * subkey, or RSA with an RSA subkey, a positive certification (0x13) of
 * the user ID with key flags, features and preferences, and a subkey
 * binding (0x18); for v6, native Ed25519 and X25519 keys with a
 * direct-key signature as well.  The creation time is the context's
 * reference time (weft_ctx_set_time), so keys can be backdated.  The
 * secret keys are protected with a new passphrase from the callback
 * (unless NO_PASSPHRASE) and stored; the certificate is stored as an
 * import would store it.  Everything lands in one transaction.
 * FPR receives the new fingerprint (hex, NUL-terminated).
 *   GPG_ERR_INV_USER_ID  an empty user ID, or one over 2 KiB
 *   GPG_ERR_INV_VALUE    EXPIRES not after the creation time
 *   GPG_ERR_CONFLICT     a key with that fingerprint exists (only with a
 *                        fixed reference time and luck) */
gpg_error_t weft_generate(weft_ctx *ctx, const weft_generate_params *p,
			  char fpr[65]);

/* ---- unlocking ------------------------------------------------------------------ */

/* Unlock my certifying key as weft_certify and weft_revoke_certifications
 * would (BY as there: NULL for my only key), asking the passphrase
 * callback, and forget it again; nothing is written.  For programs that
 * ask for the passphrase before the final "yes" (they keep what the user
 * typed for the certify call that follows).  FPR receives the key's
 * fingerprint (hex), DESC its description as the callback gets it.
 *   GPG_ERR_NO_SECKEY, GPG_ERR_AMBIGUOUS_NAME, GPG_ERR_NOT_FOUND as
 *   weft_certify; GPG_ERR_CERT_REVOKED, GPG_ERR_CERT_EXPIRED my key is */
gpg_error_t weft_secret_check(weft_ctx *ctx, const char *by, char fpr[65],
			      char *desc, size_t desclen);

/* ---- certifying ------------------------------------------------------------------ */

/* What happened to one user ID (callback argument; valid during the call
 * only).  UID is the raw user ID (UID_LEN octets, NUL-terminated; escape
 * it before printing). */
typedef enum weft_uid_outcome {
	WEFT_UID_CERTIFIED = 0,   /* a new certification (or revocation) */
	WEFT_UID_ALREADY,         /* an equal certification is in force */
	WEFT_UID_NOT_CERTIFIED,   /* revoke: nothing of mine to revoke */
	WEFT_UID_SKIPPED,         /* not a valid user ID (revoked, expired,
				     without a valid self-signature) */
} weft_uid_outcome;

typedef void (*weft_uid_cb)(void *opaque, const char *uid, size_t uid_len,
			    weft_uid_outcome what);

typedef struct weft_certify_params {
	const char *by;           /* which of my keys certifies (a query);
				     NULL: the only one I have */
	const char *const *uids;  /* user IDs to certify (exact, else a
				     unique address or part); NULL/0: every
				     valid one */
	size_t nuids;
	bool local;               /* non-exportable (Exportable=0, as gpg's
				     lsign) */
	int level;                /* 0..3: signature type 0x10..0x13 */
	int depth;                /* trust signature depth 0..255 */
	int amount;               /* trust amount 0..255 (60 partial, 120
				     full); a trust signature is made when
				     DEPTH or AMOUNT is set (amount defaults
				     to 120 then) */
	const char *const *regexes;  /* regular expressions (trust sigs) */
	size_t nregexes;
	const char *domain;       /* DOMAIN becomes gpg's regex
				     <[^>]+[@.]DOMAIN>$ with dots escaped */
	int64_t expires;          /* absolute expiry; 0 = never */
	uint32_t expires_in;      /* or: seconds after the certification's
				     creation (when EXPIRES is 0) */
} weft_certify_params;

/* Certify user IDs of the key KEY (a query that must name exactly one
 * key) with my key.  The certification is written like gpg's (issuer
 * fingerprint, creation time, expiry (critical), Exportable=0, trust,
 * regexes (critical, NUL-terminated); issuer key ID unhashed; SHA-256 for
 * v4 keys, SHA-512 for v6), verified, and stored as an import would store
 * it (one transaction), so "show" lists it as verified.  CB hears about
 * each user ID.  *DONE counts the new certifications.
 *   GPG_ERR_NOT_FOUND       KEY or a UID matches nothing
 *   GPG_ERR_AMBIGUOUS_NAME  KEY (or a UID) matches several
 *   GPG_ERR_NO_SECKEY       no key of mine (or BY has no secret key)
 *   GPG_ERR_INV_VALUE       a parameter out of range, both regexes and a
 *                           domain, KEY is my own key
 *   GPG_ERR_NO_USER_ID      KEY has no valid user ID to certify */
gpg_error_t weft_certify(weft_ctx *ctx, const char *key,
			 const weft_certify_params *p, weft_uid_cb cb,
			 void *opaque, size_t *done);

typedef struct weft_revoke_params {
	const char *by;           /* as for weft_certify */
	const char *const *uids;  /* NULL/0: every user ID I certified */
	size_t nuids;
	int reason;               /* RFC 9580 reason code: 0 unspecified,
				     3 retired, 32 user ID no longer valid
				     (-1: 32, the default) */
	const char *comment;      /* reason text, or NULL */
} weft_revoke_params;

/* Revoke my certifications of KEY's user IDs: one certification
 * revocation (0x30) per user ID that carries a live certification by my
 * key, written as gpg's revsig does (issuer fingerprint, creation time,
 * Exportable=0 when the certification was local, reason for revocation).
 * *DONE counts the revocations.  Errors as weft_certify. */
gpg_error_t weft_revoke_certifications(weft_ctx *ctx, const char *key,
				       const weft_revoke_params *p,
				       weft_uid_cb cb, void *opaque,
				       size_t *done);

/* ---- signing files ---------------------------------------------------------------- */

enum {
	WEFT_SIGN_DETACHED = 0,   /* a signature on its own */
	WEFT_SIGN_INLINE,         /* one-pass signature, literal data,
				     signature (RFC 9580 10.3) */
	WEFT_SIGN_CLEARTEXT,      /* the text, dash-escaped, then the
				     signature armored (RFC 9580 7) */
};

typedef struct weft_sign_params {
	const char *by;           /* which of my keys (NULL: the only one) */
	int mode;                 /* WEFT_SIGN_* */
	bool armor;               /* armored output (cleartext always is) */
	bool text;                /* a text signature (class 0x01: line ends
				     as CRLF); cleartext always is */
	const char *filename;     /* for the literal data packet (inline) */
	int64_t date;             /* ditto; 0: none */
	weft_read_fn read;        /* the data */
	void *read_opaque;
	weft_write_fn write;      /* the result */
	void *write_opaque;
} weft_sign_params;

/* Sign data with my key: its newest valid signing subkey whose secret is
 * here, else the primary key when it may sign (the passphrase through
 * the callback).  The data is read once, in pieces (constant memory);
 * the signature is made as gpg makes it (issuer fingerprint, creation
 * time; the issuer key ID for v4; SHA-256 for v4 Ed25519 and RSA keys,
 * SHA-512 for v6) at the context's reference time.  FPR receives the
 * signing key's fingerprint.
 *   GPG_ERR_NO_SECKEY   no key of mine, or none that may sign
 *   and the errors of READ, WRITE and weft_certify */
gpg_error_t weft_sign(weft_ctx *ctx, const weft_sign_params *p,
		      char fpr[65]);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_SECRET_PUBLIC_H */
