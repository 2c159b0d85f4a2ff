/* summary.h - a certificate's signature metadata, compact, and the state
 * of its components at any time.
 *
 * A summary holds what validity questions need and nothing else: the
 * primary key's algorithm, size and creation time, the user IDs, the
 * subkeys, and for every verified signature (self-signatures and
 * third-party certifications) its type, times, hash, flags, trust
 * parameters and issuer.  No key material, no unhashed areas.  It is
 * built from a weft_cert (weft_summary_build), stored next to the
 * certificate (db "tnodes"), and decoded without parsing packets
 * (weft_summary_decode), so that the trust engine can walk thousands of
 * certificates per question.
 *
 * Every question about time (is this user ID bound at T, is the key alive
 * at T, revoked at T) is answered here, once, for listings and for the
 * trust engine alike.  The rules are Sequoia's (see validate.c and
 * policy.c); two times matter: X, the time the question is about (now, or
 * when a certification was made), and P, the time whose policy applies
 * (the reference time).
 *
 * Lifetimes: a decoded summary points into the record it was decoded
 * from and into memory the decoder allocated (weft_summary_free).
 */
#ifndef WEFT_CERT_SUMMARY_H
#define WEFT_CERT_SUMMARY_H

#include "cert.h"
#include "../util/mem.h"

/* Component of a signature. */
#define WEFT_TS_PRIMARY   0xffffu        /* the primary key itself */
#define WEFT_TS_SUBKEY    0x8000u        /* | subkey index */

/* Signature flags. */
enum {
	WEFT_TSF_HARD = 0x01,            /* a revocation that is hard */
	WEFT_TSF_PRIMARY_UID = 0x02,     /* primary user ID flag set */
	WEFT_TSF_EXPORTABLE = 0x04,
	WEFT_TSF_TRUST = 0x08,           /* has a trust signature subpacket */
	WEFT_TSF_BACKSIG_OK = 0x10,      /* binding with a valid back-sig */
	WEFT_TSF_NEEDS_BACKSIG = 0x20,   /* binding of a signing subkey */
	WEFT_TSF_BADCRIT = 0x40,         /* unknown critical subpacket */
	WEFT_TSF_KEY_FLAGS = 0x80,       /* key_flags is present */
};

/* More signature flags (flags2; records written before these existed
 * carry 0 there). */
enum {
	WEFT_TSF2_NONREVOCABLE = 0x01,   /* Revocable subpacket says 0 */
	WEFT_TSF2_X509 = 0x02,           /* no OpenPGP signature: a record
					    the X.509 bridge asserts (a
					    derived key's binding, an X.509
					    issuance, a CRL entry, the
					    user's trust in a CA root) */
};

typedef struct weft_tsig {
	uint32_t created;
	uint32_t expires;        /* absolute; 0 = never */
	uint32_t key_expires;    /* bindings: absolute key expiry; 0 = never */
	uint16_t comp;           /* user ID index, WEFT_TS_SUBKEY | i, or
				    WEFT_TS_PRIMARY */
	uint16_t issuer;         /* 0: the certificate itself; else 1 + index
				    into issuers */
	uint16_t regex;          /* first index into regexes */
	uint8_t nregex;
	uint8_t type;
	uint8_t hash;
	uint8_t flags;           /* WEFT_TSF_* */
	uint8_t key_flags;
	uint8_t depth;           /* trust signature */
	uint8_t amount;
	uint8_t flags2;          /* WEFT_TSF2_* */
} weft_tsig;

typedef struct weft_tuid {
	const uint8_t *data;
	uint32_t len;
	uint8_t tag;             /* user ID (13) or attribute (17) */
	uint8_t sec;             /* weft_hash_security of its self-sigs */
} weft_tuid;

typedef struct weft_tkey {
	uint32_t created;
	uint8_t version;
	uint8_t algo;
	uint16_t bits;
	bool policy_ok_curve;    /* the curve (if any) is one the policy
				    knows */
	uint8_t fpr_len;
	uint8_t fpr[WEFT_FPR_MAX];
} weft_tkey;

typedef struct weft_tbytes {
	const uint8_t *data;
	uint32_t len;
} weft_tbytes;

typedef struct weft_summary {
	weft_tkey key;
	const weft_tuid *uids;
	size_t nuids;
	const weft_tkey *subkeys;
	size_t nsubkeys;
	const weft_tbytes *issuers;  /* fingerprints */
	size_t nissuers;
	const weft_tbytes *regexes;
	size_t nregexes;
	/* Sorted by component (user IDs by index, then subkeys, then the
	 * primary key), then issuer (self first), then creation time,
	 * newest first. */
	const weft_tsig *sigs;
	size_t nsigs;
	/* Built in memory from a certificate (weft_summary_of): the record
	 * each signature came from; NULL when decoded from storage. */
	const weft_sigrec *const *recs;
	void *mem;                   /* owned by the summary */
} weft_summary;

/* Serialise the summary of C (its GOOD signatures only) into OUT. */
gpg_error_t weft_summary_build(const weft_cert *c, weft_buf *out);
/* Decode a record made by weft_summary_build.  GPG_ERR_INV_DATA when
 * damaged.  S points into REC for strings; free with
 * weft_summary_free. */
gpg_error_t weft_summary_decode(weft_summary *s, const uint8_t *rec,
				size_t len);
/* The same, its arrays in ARENA (then weft_summary_free leaves them to
 * weft_arena_free); NULL is weft_summary_decode. */
gpg_error_t weft_summary_decode_in(weft_summary *s, const uint8_t *rec,
				   size_t len, weft_arena *arena);
void weft_summary_free(weft_summary *s);
/* Build and decode in one go (the record is kept in *BUF, which the
 * caller frees after the summary). */
gpg_error_t weft_summary_of(const weft_cert *c, weft_buf *buf,
			    weft_summary *s);

/* Serialise a summary put together in memory (S->recs and S->mem are
 * ignored): the record weft_summary_decode reads back.  The signatures
 * are written in the order the decoder's users rely on (component, then
 * issuer index, then newest first), whatever their order in S.
 * GPG_ERR_INV_VALUE when an index (issuer, regex, user ID component)
 * points outside S; GPG_ERR_TOO_LARGE beyond the format's counts. */
gpg_error_t weft_summary_write(const weft_summary *s, weft_buf *out);

/* The record of A with what B adds (B is a supplement: more user IDs and
 * signature records about the same key, e.g. the X.509 bridge's): A's
 * key and subkeys; A's user IDs, then B's that A lacks (same tag and
 * octets); the signatures of both, B's re-indexed onto the merged user
 * IDs and issuers.  A may be NULL (the record is then B's, rewritten).
 * GPG_ERR_CONFLICT when both are given and their key fingerprints
 * differ. */
gpg_error_t weft_summary_merge(const weft_summary *a, const weft_summary *b,
			       weft_buf *out);

/* ---- state at a time ------------------------------------------------------ */

/* A component's state: its binding and revocation (see weft_binding_state
 * in cert.h, which is the same with signature records). */
typedef struct weft_tstate {
	const weft_tsig *binding;      /* newest live binding the policy
					  accepts; failing that, the newest
					  live one (policy_ok false) */
	const weft_tsig *revocation;   /* the revocation in effect */
	bool valid;                    /* binding accepted by the policy */
	bool policy_ok;
	bool revoked;
	bool hard_revoked;
	uint32_t revoked_at;
} weft_tstate;

typedef struct weft_tkey_state {
	weft_tstate b;
	uint32_t created;
	uint32_t expires;              /* absolute; 0 = never */
	bool expired;
	uint8_t key_flags;             /* effective capabilities */
	bool has_key_flags;
} weft_tkey_state;

/* All of these answer at time X under the policy of time P. */

/* The binding of user ID U (index) and its revocation. */
void weft_summary_uid_state(const weft_summary *s, size_t u, uint32_t x,
			    uint32_t p, weft_tstate *out);
/* The primary user ID's index, or -1 (see weft_cert_primary_uid). */
int weft_summary_primary_uid(const weft_summary *s, uint32_t x, uint32_t p);
/* The primary key: binding, revocation, expiry, flags. */
void weft_summary_primary_state(const weft_summary *s, uint32_t x,
				uint32_t p, weft_tkey_state *out);
/* The earliest X from which weft_summary_primary_state(S, X, P) equals
 * its answer at T, but for what it compares with X itself. */
uint32_t weft_summary_stable_from(const weft_summary *s, uint32_t t);
void weft_summary_subkey_state(const weft_summary *s, size_t i, uint32_t x,
			       uint32_t p, weft_tkey_state *out);
/* Does the policy of P accept signature T (with the security SEC asks)? */
bool weft_tsig_policy_ok(const weft_tsig *t, weft_hash_security sec,
			 uint32_t p);
/* Is the key's algorithm and size acceptable at P? */
bool weft_summary_key_policy_ok(const weft_tkey *k, uint32_t p);

/* Sequoia's ValidCert at X: the primary key has a binding the policy
 * accepts and the key's algorithm passes the policy. */
bool weft_summary_valid_at(const weft_summary *s, uint32_t x, uint32_t p);

/* Revocation status of the certificate at X, as sequoia-wot reduces it:
 * none, soft from a time, or hard. */
typedef enum {
	WEFT_REV_NONE = 0,
	WEFT_REV_SOFT,
	WEFT_REV_HARD,
} weft_rev_kind;
weft_rev_kind weft_summary_revocation(const weft_summary *s, uint32_t x,
				      uint32_t p, uint32_t *soft_time);

/* The issuer fingerprint of signature SIG (NULL for self-signatures). */
const weft_tbytes *weft_summary_issuer(const weft_summary *s,
				       const weft_tsig *sig);

/* A certificate's state, for asking several questions of it: each
 * weft_cert_*_state summarises the whole certificate anew (describing a
 * key with three user IDs did it six times).  Open once, ask, close. */
typedef struct weft_cert_view {
	const weft_cert *c;
	weft_buf buf;
	weft_summary s;
	bool ok;                       /* else every state is empty */
} weft_cert_view;

void weft_cert_view_open(weft_cert_view *v, const weft_cert *c);
void weft_cert_view_close(weft_cert_view *v);
void weft_cert_view_uid_state(const weft_cert_view *v, const weft_uidrec *u,
			      uint32_t t, weft_binding_state *out);
void weft_cert_view_primary_state(const weft_cert_view *v, uint32_t t,
				  weft_key_state *out);
void weft_cert_view_subkey_state(const weft_cert_view *v,
				 const weft_keyrec *k, uint32_t t,
				 weft_key_state *out);
const weft_uidrec *weft_cert_view_primary_uid(const weft_cert_view *v,
					      uint32_t t);

#endif /* WEFT_CERT_SUMMARY_H */
