/* weft/verify.h - checking signed files and messages: detached
 * signatures, inline signed messages (one-pass signatures, literal data,
 * compressed data) and cleartext signed messages.  The question is not
 * only "is this signature correct?" but "did the person I think sign
 * it?": every signature's verdict carries the signer's validity from the
 * web of trust.
 *
 * Input is streamed: the signed data passes through once, in pieces, so
 * a file of any size is verified in constant memory (a cleartext
 * message's text is spooled to an unlinked temporary file, because a v6
 * signature's salt only arrives after it).
 *
 * The policy (weft(1) POLICY, Sequoia's standard policy): a signature is
 * good when it verifies, its hash and the key's algorithm are acceptable
 * now, it has not expired, and the key that made it was valid, alive and
 * capable of signing when it signed, and is not hard-revoked.  A key that
 * expired or was soft-revoked after signing leaves the signature good
 * (gpg says EXPKEYSIG / REVKEYSIG, exit 0); SHA-1 data signatures are not
 * good (gpg accepts them).  The verdict says both.
 */
#ifndef WEFT_VERIFY_H
#define WEFT_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <weft/error.h>
#include <weft/key.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_ctx weft_ctx;
struct weft_trust_opts;

typedef enum weft_sig_verdict {
	WEFT_VERDICT_GOOD = 0,    /* the cryptography checks out */
	WEFT_VERDICT_BAD,         /* it does not: the data or the signature
				     was changed */
	WEFT_VERDICT_NO_KEY,      /* the issuer is not in the keyring */
	WEFT_VERDICT_ERROR,       /* it cannot be checked (unknown algorithm,
				     a malformed signature) */
} weft_sig_verdict;

/* Facts about a signature and its key (flags). */
enum {
	WEFT_SIGF_EXPIRED = 1u << 0,          /* the signature has expired */
	WEFT_SIGF_KEY_EXPIRED = 1u << 1,      /* the key has expired since */
	WEFT_SIGF_KEY_EXPIRED_AT_SIG = 1u << 2, /* ... had when it signed */
	WEFT_SIGF_KEY_REVOKED = 1u << 3,      /* the key is revoked now */
	WEFT_SIGF_KEY_REVOKED_AT_SIG = 1u << 4, /* ... was when it signed */
	WEFT_SIGF_KEY_HARD_REVOKED = 1u << 5, /* ... for good (compromised,
						 or no reason) */
	WEFT_SIGF_POLICY_HASH = 1u << 6,      /* the policy rejects the hash */
	WEFT_SIGF_POLICY_KEY = 1u << 7,       /* ... the key's algorithm */
	WEFT_SIGF_NOT_SIGNING = 1u << 8,      /* the key may not sign data */
	WEFT_SIGF_KEY_INVALID_AT_SIG = 1u << 9, /* not bound (yet) when it
						   signed */
	WEFT_SIGF_FUTURE = 1u << 10,          /* made in the future */
	WEFT_SIGF_CRITICAL = 1u << 11,        /* an unknown critical
						 subpacket */
	WEFT_SIGF_HASH_HEADER = 1u << 12,     /* cleartext: the Hash header
						 does not name its hash */
};

typedef struct weft_sig_info {
	weft_sig_verdict verdict;
	unsigned flags;           /* WEFT_SIGF_* */
	bool ok;                  /* good by weft's policy (above) */
	char *problem;            /* why not ok, one line; else NULL */
	char issuer[65];          /* from the signature: the issuer's
				     fingerprint, else its key ID (hex) */
	char key_fpr[65];         /* the key that made it (a subkey or the
				     primary key), when found */
	char primary_fpr[65];
	int version;
	int pk_algo;
	int hash_algo;
	int sig_class;            /* 0x00 binary, 0x01 text */
	int64_t created;
	int64_t expires;          /* absolute; 0 = never */
	int64_t key_expires;      /* the key's expiry; 0 = never */
	int64_t key_revoked;      /* when it was revoked; 0 = not */
	char *revocation_reason;
	char *signers_uid;        /* the Signer's User ID subpacket (raw,
				     NUL-terminated: escape before printing) */
	/* The signer, from the web of trust (unless asked not to): the user
	 * ID with the highest amount (primary one when none has any). */
	char *uid;                /* raw, NUL-terminated */
	size_t uid_len;
	int amount;
	int requested;
	weft_validity validity;
	bool authenticated;
	char *path;               /* "Root -> Introducer -> Signer" (names
				     escaped), or NULL */
} weft_sig_info;

typedef struct weft_verify_result {
	weft_sig_info *sigs;
	size_t n;
	int kind;                 /* WEFT_MSG_* */
	char *filename;           /* the literal data's file name (raw,
				     attacker controlled), or NULL */
	int64_t literal_date;
	int literal_format;       /* 'b', 't', 'u', ... or 0 */
	bool literal_partial;     /* its length was not known in advance
				     (partial body lengths) */
	uint64_t data_len;        /* octets of signed data */
} weft_verify_result;

enum {
	WEFT_MSG_DETACHED = 1,
	WEFT_MSG_INLINE,
	WEFT_MSG_CLEARTEXT,
};

/* Sources and sinks: READ fills up to N octets (*GOT 0 at the end);
 * WRITE takes N octets.  Either returns 0 or an error (stops). */
typedef gpg_error_t (*weft_read_fn)(void *opaque, uint8_t *buf, size_t n,
				    size_t *got);
typedef gpg_error_t (*weft_write_fn)(void *opaque, const uint8_t *p,
				     size_t n);

typedef struct weft_verify_params {
	/* A detached signature (binary or armored, one or more
	 * signatures), or NULL for a signed message. */
	const void *signature;
	size_t signature_len;
	/* The signed data (detached), or the message. */
	weft_read_fn read;
	void *read_opaque;
	/* The signed content of a message goes here (NULL: nowhere). */
	weft_write_fn write;
	void *write_opaque;
	/* Trust: the options of a question (NULL: the keyring's roots);
	 * NO_TRUST leaves the signer's validity out. */
	const struct weft_trust_opts *trust;
	bool no_trust;
	/* Decompression limits: octets out at most (0: none). */
	uint64_t max_output;
	/* Set (when not NULL) when weft_verify fails because of the
	 * detached signature rather than the data. */
	bool *signature_at_fault;
} weft_verify_params;

/* Verify.  0 when the input could be read and had signatures (each with
 * its own verdict in OUT); otherwise:
 *   GPG_ERR_NO_DATA      no signature in the input
 *   GPG_ERR_BAD_DATA     damaged armor or packets, a message that is not
 *                        a signed message (encrypted, a key) — the
 *                        context's error line says which
 *   GPG_ERR_CHECKSUM     armor CRC24 mismatch
 *   GPG_ERR_TOO_LARGE    a compression bomb, or a packet over the limits
 *   errors of READ and WRITE
 * OUT is freed with weft_verify_result_free. */
gpg_error_t weft_verify(weft_ctx *ctx, const weft_verify_params *p,
			weft_verify_result **out);
void weft_verify_result_free(weft_verify_result *r);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_VERIFY_H */
