/* weft/trust.h - who vouches for whom: trust roots, ownertrust, and
 * authenticating bindings of user IDs to keys.
 *
 * The default model is the web of trust of sequoia-wot (see weft-trust(7)):
 * roots with amounts, certifications and trust signatures with depth,
 * amount and regexes, paths whose amounts add up to 120 for "fully
 * authenticated".  WEFT_MODEL_GNUPG answers as GnuPG's pgp trust model
 * does instead.
 *
 * Every answer is evaluated at the context's reference time
 * (weft_ctx_set_time) and can be explained: each binding comes with the
 * paths that authenticate it.
 */
#ifndef WEFT_TRUST_PUBLIC_H
#define WEFT_TRUST_PUBLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <weft/error.h>
#include <weft/key.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_ctx weft_ctx;

enum {
	WEFT_MODEL_WOT = 0,
	WEFT_MODEL_GNUPG = 1,
};

enum {
	WEFT_TRUST_GOSSIP = 1,   /* show hearsay paths: every key is a root
				    and every certification a trusted
				    introducer; nothing is authenticated */
	WEFT_TRUST_EMAIL = 2,    /* lookup/authenticate: the user ID argument
				    is an email address, matched against the
				    normalised addresses of user IDs */
};

/* GnuPG's trust model parameters (gpg's defaults in brackets). */
typedef struct weft_gnupg_params {
	int marginals_needed;    /* [3], > 1 */
	int completes_needed;    /* [1] */
	int max_cert_depth;      /* [5] */
	int min_cert_level;      /* [2] */
} weft_gnupg_params;

typedef struct weft_trust_opts {
	int amount;              /* the amount asked for; 0 means 120 */
	unsigned flags;          /* WEFT_TRUST_* */
	int model;               /* WEFT_MODEL_* */
	weft_gnupg_params gnupg; /* zeros mean gpg's defaults */
	/* Roots for this question only, instead of the keyring's:
	 * "FPR" (amount 120) or "FPR:AMOUNT".  NULL: the keyring's roots
	 * (weft_roots). */
	const char *const *roots;
	size_t nroots;
} weft_trust_opts;

/* One hop of a path: ISSUER certified TARGET's user ID. */
typedef struct weft_hop {
	char issuer[65];
	char target[65];
	char *uid;               /* the certified user ID (raw octets + NUL) */
	size_t uid_len;
	bool self;               /* the target's self-signature (last hop) */
	int64_t created;
	int64_t expires;         /* 0 = never */
	int level;               /* 0..3 */
	int depth;               /* 0..254, or 255 = unlimited */
	int amount;              /* the trust amount of the certification */
	int usable;              /* what was left of it for this path */
	char *regex;             /* the first regex, or NULL */
	size_t nregex;
	char *x509;              /* the X.509 certificate behind this hop
				    (weft_x509_annotate), or NULL */
} weft_hop;

typedef struct weft_path_info {
	int amount;
	/* The certificates on the path, root first, target last (a
	 * self-signature hop repeats the target). */
	char (*fprs)[65];
	char **names;            /* each certificate's primary user ID, or
				    NULL */
	size_t n;
	weft_hop *hops;          /* n - 1 hops */
} weft_path_info;

typedef struct weft_binding_info {
	char fpr[65];
	char *uid;               /* raw octets + NUL */
	size_t uid_len;
	int amount;              /* sum of the paths (0 .. more than 120) */
	int requested;
	bool authenticated;      /* amount >= requested, not gossip */
	weft_validity validity;
	weft_path_info *paths;
	size_t npaths;
	char *x509;              /* a key from an X.509 certificate: its
				    chain's status (weft_x509_annotate), or
				    NULL */
} weft_binding_info;

typedef struct weft_binding_list {
	weft_binding_info *v;
	size_t n;
} weft_binding_list;

void weft_binding_list_free(weft_binding_list *l);

/* One binding: KEY (fingerprint or key ID) and UID (exactly as in the
 * user ID packet; with WEFT_TRUST_EMAIL an address, and every user ID of
 * KEY with that address is a binding).  OUT always gets a list (maybe of
 * bindings with amount 0).
 *   GPG_ERR_NOT_FOUND   KEY is not in the keyring (OUT is empty)
 *   GPG_ERR_AMBIGUOUS_NAME  a key ID that matches several keys */
gpg_error_t weft_authenticate(weft_ctx *ctx, const char *key, const char *uid,
			      const weft_trust_opts *opts,
			      weft_binding_list **out);
/* Every key with user ID UID (exact, case-sensitive; with
 * WEFT_TRUST_EMAIL an address). */
gpg_error_t weft_lookup(weft_ctx *ctx, const char *uid,
			const weft_trust_opts *opts, weft_binding_list **out);
/* Every user ID of KEY that forms a binding (self-signed or certified). */
gpg_error_t weft_identify(weft_ctx *ctx, const char *key,
			  const weft_trust_opts *opts,
			  weft_binding_list **out);
/* Every binding of the keyring whose user ID contains PATTERN
 * (case-insensitive; NULL for all).  Long: reports progress. */
gpg_error_t weft_bindings(weft_ctx *ctx, const char *pattern,
			  const weft_trust_opts *opts,
			  weft_binding_list **out);
/* Check the given path KEYS[0] (a root, or any key with gossip) ->
 * ... -> KEYS[N-1] for user ID UID of the last key.  OUT gets one binding
 * with that one path (amount 0 and a reason in weft_ctx_error() when the
 * path does not hold). */
gpg_error_t weft_path(weft_ctx *ctx, const char *const *keys, size_t n,
		      const char *uid, const weft_trust_opts *opts,
		      weft_binding_list **out);

typedef struct weft_check_stats {
	uint64_t keys;
	uint64_t bindings;
	uint64_t by_validity[8];  /* indexed by weft_validity */
	uint64_t authenticated;   /* amount >= the requested amount */
	uint64_t partially;       /* 0 < amount < requested */
} weft_check_stats;

/* Compute every binding's validity.  Reports progress. */
gpg_error_t weft_check(weft_ctx *ctx, const weft_trust_opts *opts,
		       weft_check_stats *stats);

/* ---- roots ------------------------------------------------------------------ */

typedef enum weft_root_source {
	WEFT_ROOT_EXPLICIT = 1,  /* weft root add */
	WEFT_ROOT_OWN_KEY = 2,   /* a key whose secret part is here */
	WEFT_ROOT_OWNERTRUST = 4,/* ultimate ownertrust, or full/marginal
				    ownertrust of an authenticated key */
} weft_root_source;

typedef struct weft_root_info {
	char fpr[65];
	int amount;
	unsigned sources;        /* weft_root_source bits */
	char *name;              /* primary user ID or NULL */
} weft_root_info;

typedef struct weft_root_list {
	weft_root_info *v;
	size_t n;
} weft_root_list;

/* Make KEY a root with AMOUNT (1..120). */
gpg_error_t weft_root_add(weft_ctx *ctx, const char *key, int amount);
/* GPG_ERR_NOT_FOUND when KEY is not an explicit root. */
gpg_error_t weft_root_remove(weft_ctx *ctx, const char *key);
/* The roots in effect (explicit, own keys, ownertrust). */
gpg_error_t weft_roots(weft_ctx *ctx, weft_root_list **out);
void weft_root_list_free(weft_root_list *l);

/* ---- ownertrust (GnuPG's "how much do I trust this person to check
 * keys") ---------------------------------------------------------------- */

/* gpg's numbers: 0 unknown, 2 undefined, 3 never, 4 marginal, 5 full,
 * 6 ultimate; | 128 disabled. */
enum {
	WEFT_OWNERTRUST_UNKNOWN = 0,
	WEFT_OWNERTRUST_UNDEFINED = 2,
	WEFT_OWNERTRUST_NEVER = 3,
	WEFT_OWNERTRUST_MARGINAL = 4,
	WEFT_OWNERTRUST_FULL = 5,
	WEFT_OWNERTRUST_ULTIMATE = 6,
	WEFT_OWNERTRUST_DISABLED = 128,
};

/* Set KEY's ownertrust (0 clears it). */
gpg_error_t weft_ownertrust_set(weft_ctx *ctx, const char *key, int value);
/* Read `gpg --export-ownertrust` output.  Unknown keys are kept (they
 * count once the key arrives).  *SET counts the lines applied.
 *   GPG_ERR_INV_VALUE   a malformed line (named in weft_ctx_error) */
gpg_error_t weft_ownertrust_import(weft_ctx *ctx, const char *data,
				   size_t len, uint64_t *set);
/* Write the ownertrust values in gpg's format (caller frees). */
gpg_error_t weft_ownertrust_export(weft_ctx *ctx, char **out, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_TRUST_PUBLIC_H */
