/* weft/key.h - certificates as the engine describes them.
 *
 * weft_keys_find() returns plain data (no handles): everything a listing
 * shows, evaluated at the context's reference time.  Strings are
 * NUL-terminated copies; user IDs may contain any octets (uid_len tells
 * their length) and must be escaped before they are printed.
 */
#ifndef WEFT_KEY_H
#define WEFT_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <weft/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_ctx weft_ctx;

/* GnuPG's validity names, so its users feel at home. */
typedef enum weft_validity {
	WEFT_VALIDITY_UNKNOWN = 0,
	WEFT_VALIDITY_UNDEFINED,
	WEFT_VALIDITY_NEVER,
	WEFT_VALIDITY_MARGINAL,
	WEFT_VALIDITY_FULL,
	WEFT_VALIDITY_ULTIMATE,
	WEFT_VALIDITY_EXPIRED,
	WEFT_VALIDITY_REVOKED,
} weft_validity;

const char *weft_validity_name(weft_validity v);

/* Capabilities (key flags), gpg's letters: c s e a. */
enum {
	WEFT_CAP_CERTIFY = 1,
	WEFT_CAP_SIGN = 2,
	WEFT_CAP_ENCRYPT = 4,
	WEFT_CAP_AUTH = 8,
};

/* A third-party certification of a user ID (show only). */
typedef struct weft_certification_info {
	char issuer[65];          /* fingerprint (hex), or key ID when the
				     issuer is not in the keyring */
	char *issuer_uid;         /* the issuer's primary user ID, or NULL */
	int64_t created;
	int64_t expires;          /* 0 = never */
	bool verified;            /* checked against the issuer's key */
	bool local;               /* non-exportable */
	bool revocation;          /* a certification revocation (0x30) */
	int level;                /* 0..3 from the signature type */
	int trust_depth;          /* -1 without a trust signature */
	int trust_amount;
	char *regex;              /* the first regex, or NULL */
	bool revoked;             /* revoked by a later 0x30 from the issuer */
	const char *hash;         /* "SHA256", ... */
	bool policy_ok;           /* the hash is acceptable (policy) */
} weft_certification_info;

typedef struct weft_uid_info {
	char *uid;                /* raw octets + NUL */
	size_t uid_len;
	bool is_attribute;        /* a user attribute (photo), uid is
				     "[attribute N bytes]" */
	char *email;              /* lower-cased address or NULL */
	bool primary;
	bool revoked;
	bool expired;             /* the certificate is expired */
	int64_t created;          /* the binding self-signature's time */
	int amount;               /* trust amount (0..) */
	weft_validity validity;
	const char *policy;       /* why the policy rejects the binding
				     self-signature at the reference time,
				     or NULL */
	weft_certification_info *certs;
	size_t ncerts;
} weft_uid_info;

typedef struct weft_subkey_info {
	char fpr[65];
	char keyid[17];
	int version;
	const char *algo;         /* "rsa", "ed25519", "cv25519", ... */
	int pk_algo;              /* RFC 9580 number */
	unsigned bits;
	const char *curve;        /* gpg's curve name, or NULL */
	int64_t created;
	int64_t expires;          /* its own expiry; 0 = never */
	bool revoked;             /* revoked itself, or its primary key is */
	bool expired;             /* expired itself, or its primary key is */
	unsigned caps;            /* WEFT_CAP_* */
	const char *policy;       /* why the policy rejects it, or NULL */
} weft_subkey_info;

typedef struct weft_key_info {
	char fpr[65];
	char keyid[17];
	int version;
	const char *algo;
	int pk_algo;
	unsigned bits;
	const char *curve;
	int64_t created;
	int64_t expires;
	bool revoked;
	bool expired;
	char *revocation_reason;  /* text of the reason, or NULL */
	const char *policy;       /* why the policy rejects the key (its
				     algorithm, or every self-signature),
				     or NULL */
	unsigned caps;
	weft_validity validity;   /* of the primary user ID's binding, or
				     revoked/expired */
	bool has_secret;
	weft_uid_info *uids;      /* primary user ID first */
	size_t nuids;
	weft_subkey_info *subkeys;
	size_t nsubkeys;
} weft_key_info;

typedef struct weft_key_list {
	weft_key_info *keys;
	size_t n;
} weft_key_list;

enum {
	WEFT_FIND_CERTIFICATIONS = 1, /* fill weft_uid_info.certs */
	WEFT_FIND_EXACT = 2,          /* QUERY must be a fingerprint, key ID or
				         exact address (no substring search) */
};

/* Keys matching QUERY, sorted by fingerprint; NULL or "" lists all.
 * Each user ID's amount and validity come from the trust engine with the
 * keyring's roots (weft_keys_find_trust chooses roots and model).
 * QUERY is a fingerprint (40 or 64 hex digits, optional 0x, spaces
 * allowed), a key ID (16 hex digits; of a primary key or a subkey), an
 * email address (exact, case-insensitive; "<addr>" also), or else a
 * case-insensitive substring of a user ID.
 *   GPG_ERR_NOT_FOUND  nothing matches (OUT is then an empty list)
 */
gpg_error_t weft_keys_find(weft_ctx *ctx, const char *query, unsigned flags,
			   weft_key_list **out);
void weft_key_list_free(weft_key_list *l);

struct weft_trust_opts;
/* The same with the trust options of a question (roots, model, amount). */
gpg_error_t weft_keys_find_trust(weft_ctx *ctx, const char *query,
				 unsigned flags,
				 const struct weft_trust_opts *opts,
				 weft_key_list **out);

/* The same one key at a time, for listing big keyrings without holding
 * all of them: FN gets each key matching QUERY in turn (by fingerprint,
 * trust filled in), to use until it returns.  An error FN returns stops
 * the walk and is returned; GPG_ERR_NOT_FOUND as above (so FN should not
 * return that code).  The walk reads one snapshot of the keyring, held
 * open while FN runs: FN must not call into CTX, and a slow FN (a
 * paused pager) keeps writers from reusing freed pages meanwhile. */
typedef gpg_error_t (*weft_key_fn)(void *arg, const weft_key_info *k);
gpg_error_t weft_keys_each(weft_ctx *ctx, const char *query, unsigned flags,
			   const struct weft_trust_opts *opts, weft_key_fn fn,
			   void *arg);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_KEY_H */
