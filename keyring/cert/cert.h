/* cert.h - transferable public keys (certificates): building them from
 * packets, merging, canonical form, self-signature verification, and the
 * state of each component at a reference time.
 *
 * A weft_cert owns copies of all its packet bodies.  The parsed structs
 * inside (weft_pkt_key, weft_pkt_sig) point into that memory and live as
 * long as the cert.
 *
 * Signature states (weft_sigrec.state):
 *   GOOD       verified against its issuer's key (self-signatures always
 *              are: a self-signature that does not verify is dropped)
 *   UNCHECKED  a third-party signature whose issuer is not (yet) known
 * A third-party signature found bad against a known issuer is dropped.
 */
#ifndef WEFT_CERT_H
#define WEFT_CERT_H

#include "../internal.h"
#include "../packet/packet.h"
#include "../crypto/crypto.h"
#include "../util/diag.h"

enum weft_sig_state {
	WEFT_SIG_UNCHECKED = 0,
	WEFT_SIG_GOOD = 1,
	WEFT_SIG_BAD = 2,        /* transient: dropped by weft_cert_prune */
};

/* The stored state octet: the state in the low bits, and whether a
 * subkey binding carries a valid back-signature (so that a reload does
 * not need the cryptography again). */
#define WEFT_SIG_STATE_MASK 0x0f
#define WEFT_SIG_BACKSIG_OK 0x80

typedef struct weft_sigrec {
	weft_pkt_sig sig;
	uint8_t state;
	bool self;               /* issued by this cert's primary key */
	bool backsig_ok;         /* subkey bindings: a valid embedded 0x19 */
	bool is_new;             /* added by the last merge */
	uint8_t issuer_fpr_len;  /* third-party GOOD: the key that verified */
	uint8_t issuer_fpr[WEFT_FPR_MAX];
} weft_sigrec;

typedef struct weft_sigvec {
	weft_sigrec *v;
	size_t n, cap;
} weft_sigvec;

typedef struct weft_uidrec {
	uint8_t tag;             /* WEFT_PKT_USER_ID or WEFT_PKT_USER_ATTR */
	const uint8_t *data;
	size_t len;
	weft_sigvec sigs;
	bool is_new;
} weft_uidrec;

typedef struct weft_keyrec {
	weft_pkt_key key;
	uint8_t fpr[WEFT_FPR_MAX];
	size_t fpr_len;
	uint8_t keyid[8];
	weft_sigvec sigs;        /* primary: direct-key sigs and key
				    revocations; subkey: bindings and
				    subkey revocations */
	bool is_new;
} weft_keyrec;

typedef struct weft_arena_chunk weft_arena_chunk;

typedef struct weft_cert {
	weft_keyrec primary;
	weft_uidrec *uids;
	size_t nuids, uids_cap;
	weft_keyrec *subkeys;
	size_t nsubkeys, subkeys_cap;
	weft_arena_chunk *arena;
	size_t arena_next;       /* capacity of the next arena chunk: small
				    at first, doubling up to 64 KiB, so a
				    keyring's many small certificates do not
				    each hold a mostly empty 64 KiB chunk */
	weft_pubkey *pubkey;     /* lazily built primary public key */
	bool had_secret;         /* built from secret key packets */
	weft_buf secrets;        /* the secret key packets (tags 5 and 7) as
				    read, each with a new-format header, in
				    input order; wiped when freed.  Never
				    part of the certificate's bytes. */
} weft_cert;

void weft_cert_free(weft_cert *c);

/* Copy N bytes into C's arena; the copy lives as long as C. */
gpg_error_t weft_cert__keep(weft_cert *c, const void *p, size_t n,
			    const uint8_t **out);

/* ---- building ------------------------------------------------------------ */

/* A builder collects the packets of one transferable key in input order
 * (RFC 9580 10.1): a primary key, then signatures, user IDs, attributes
 * and subkeys with their signatures.  Secret key packets are reduced to
 * their public part.  Problems that cost a component (a malformed
 * signature, a user ID that is too long, a signature in the wrong place)
 * are counted in DROPPED and described in NOTE; problems that cost the
 * whole certificate are returned as errors with DIAG set. */
typedef struct weft_cert_builder {
	weft_cert *cert;
	int where;               /* 0 primary, 1 uid, 2 subkey, -1 skipping */
	const uint8_t *states;   /* from storage: one state per signature */
	size_t nstates, sigidx;
	weft_reader issuers;     /* from storage: (index, issuer fpr) pairs */
	size_t dropped;
	weft_diag note;          /* first dropped component, for reports */
} weft_cert_builder;

/* Start with the primary key packet (tag 5 or 6).
 * GPG_ERR_UNKNOWN_VERSION (v3 keys), GPG_ERR_INV_PACKET, GPG_ERR_PUBKEY_ALGO. */
gpg_error_t weft_cert_builder_start(weft_cert_builder *b,
				    const weft_packet *pkt, weft_diag *diag);
/* Add the next packet of the same key.  Returns 0 for packets that were
 * kept or deliberately skipped (trust, marker, padding). */
gpg_error_t weft_cert_builder_add(weft_cert_builder *b,
				  const weft_packet *pkt);
/* Hand over the certificate (caller frees).  Components are not yet
 * verified: call weft_cert_check_self(). */
weft_cert *weft_cert_builder_finish(weft_cert_builder *b);
void weft_cert_builder_free(weft_cert_builder *b);

/* Add a signature over the primary key (a stand-alone key revocation
 * certificate, or a direct-key signature) to C, marked new. */
gpg_error_t weft_cert_add_primary_sig(weft_cert *c, const uint8_t *body,
				      size_t len, weft_diag *diag);

/* Parse a canonical (stored or exported) byte string into a cert.
 * STATES, if not NULL, gives one state octet per signature in order;
 * ISSUERS (ISSUERS_LEN octets) the verified issuers of third-party
 * signatures as written by weft_cert_write. */
gpg_error_t weft_cert_from_bytes(weft_cert **out, const uint8_t *p,
				 size_t len, const uint8_t *states,
				 size_t nstates, const uint8_t *issuers,
				 size_t issuers_len, weft_diag *diag);

/* ---- canonical form ---------------------------------------------------- */

/* Sort components and signatures into canonical order and drop exact
 * duplicates, so that the same set of packets always gives the same
 * bytes, whatever order they arrived in.  Order: user IDs before user
 * attributes, each by octets; subkeys by creation time then fingerprint;
 * on each component self-signatures before third-party ones, then by
 * creation time, then by octets. */
void weft_cert_canonicalize(weft_cert *c);

/* Serialise.  FLAGS: WEFT_CERT_WRITE_LOCAL to include non-exportable
 * signatures; WEFT_CERT_WRITE_UNCHECKED to include signatures in state
 * UNCHECKED (always for storage; for export too, as gpg does).  If STATES
 * is not NULL it receives the state octet of each written signature, and
 * ISSUERS (if not NULL) for each verified third-party signature its index
 * (u32) and issuer fingerprint (length octet, octets). */
enum {
	WEFT_CERT_WRITE_LOCAL = 1,
	WEFT_CERT_WRITE_UNCHECKED = 2,
};
gpg_error_t weft_cert_write(const weft_cert *c, unsigned flags,
			    weft_buf *out, weft_buf *states, weft_buf *issuers);

/* Total number of signatures. */
size_t weft_cert_nsigs(const weft_cert *c);

/* ---- merging ------------------------------------------------------------- */

/* Add to DST every packet of SRC that DST lacks (same primary fingerprint
 * required: GPG_ERR_CONFLICT otherwise).  Signatures are the same when
 * everything but the unhashed area is equal; of two such, the one with
 * the larger unhashed area is kept.  Added records get is_new.  Sets
 * *CHANGED when anything was added. */
gpg_error_t weft_cert_merge(weft_cert *dst, const weft_cert *src,
			    bool *changed);
void weft_cert_clear_new(weft_cert *c);

/* ---- verification ---------------------------------------------------------- */

/* Classify every signature as self or third-party and verify every
 * self-signature still UNCHECKED (only those with is_new set when
 * ONLY_NEW).  Self-signatures that fail, or that are not self-signatures
 * where only the primary key may sign (subkey bindings), are marked BAD.
 * Signing-capable subkeys get backsig_ok from their embedded primary-key
 * binding.  Thread-safe for distinct certs. */
gpg_error_t weft_cert_check_self(weft_cert *c, bool only_new);

/* Verify a third-party certification SIG (on component COMP of TARGET:
 * a uid record, or NULL for a direct-key signature) with ISSUER's
 * primary key.  Sets the record's state to GOOD or BAD. */
gpg_error_t weft_cert_check_third_party(weft_cert *target, weft_sigrec *rec,
					const weft_uidrec *uid,
					weft_cert *issuer);

/* Does a subkey binding call for an embedded back-signature?  When it
 * lets the subkey sign or certify: by its key flags, or, without any, by
 * the subkey's algorithm (gpg's rule). */
bool weft_binding_needs_backsig(const weft_pkt_key *sub,
				const weft_pkt_sig *binding);

/* Build (once) and return the primary key's libgcrypt form. */
gpg_error_t weft_cert_pubkey(weft_cert *c, weft_pubkey **out);

/* Drop signatures marked BAD, user IDs and subkeys left without any valid
 * self-signature (binding or revocation), and report what went in NOTE.
 * Returns the number of signatures dropped. */
size_t weft_cert_prune(weft_cert *c, weft_diag *note);

/* Does C have at least one valid self-signed user ID or a valid
 * direct-key signature?  (Certificates without either are rejected, as
 * gpg and Sequoia do.) */
bool weft_cert_is_usable(const weft_cert *c);

/* Was REC issued by ISSUER (fingerprint or key ID match)? */
bool weft_sigrec_issued_by(const weft_sigrec *rec, const uint8_t *fpr,
			   size_t fpr_len, const uint8_t keyid[8]);

/* The issuer's key ID (from the issuer fingerprint, or the key ID
 * subpacket).  False when the signature names no issuer. */
bool weft_sigrec_issuer_keyid(const weft_sigrec *rec, uint8_t keyid[8]);

/* ---- state at a reference time ------------------------------------------- */

typedef struct weft_binding_state {
	const weft_sigrec *binding;    /* the newest live self-signature the
					  policy accepts; failing that, the
					  newest live one (policy_ok false) */
	const weft_sigrec *revocation; /* the revocation in effect, if any */
	bool valid;                    /* has a live binding the policy
					  accepts */
	bool policy_ok;                /* the binding passes the policy */
	bool revoked;
	bool hard_revoked;
	uint32_t revoked_at;
} weft_binding_state;

typedef struct weft_key_state {
	weft_binding_state b;
	uint32_t created;
	uint32_t expires;              /* absolute; 0 = never */
	bool expired;
	uint8_t key_flags;             /* effective capabilities */
	bool has_key_flags;
} weft_key_state;

/* State of user ID U at time T. */
void weft_cert_uid_state(const weft_cert *c, const weft_uidrec *u, uint32_t t,
			 weft_binding_state *out);
/* State of the primary key at T (binding = the primary user ID's
 * self-signature or the newest direct-key signature). */
void weft_cert_primary_state(const weft_cert *c, uint32_t t,
			     weft_key_state *out);
void weft_cert_subkey_state(const weft_cert *c, const weft_keyrec *k,
			    uint32_t t, weft_key_state *out);
/* The primary user ID at T: the best valid, unrevoked one (primary flag,
 * then newest binding); failing that, one whose binding only the policy
 * rejects; failing that, a revoked one; else the first user ID.  NULL
 * only for a certificate without user IDs. */
const weft_uidrec *weft_cert_primary_uid(const weft_cert *c, uint32_t t);

/* Is revocation REV hard (no reason, unspecified, compromised, unknown)
 * or soft (superseded, retired, user ID no longer valid)? */
bool weft_revocation_is_hard(const weft_pkt_sig *rev);

/* ---- user IDs --------------------------------------------------------------- */

/* The address of a user ID "Name <addr>" or a bare "addr", normalised
 * (lower case, IDNA domain: util/text.h), into OUT (NUL-terminated).
 * False, with OUT empty, when there is none. */
bool weft_uid_email(const uint8_t *uid, size_t len, char *out, size_t outlen);
/* The address part of a user ID as written ("<...>" or the whole). */
bool weft_uid_address(const uint8_t *uid, size_t len, const uint8_t **addr,
		      size_t *alen);

/* ---- policy (policy.c has the table and its reasons) ------------------- */

typedef enum weft_hash_security {
	WEFT_SEC_COLLISION = 0,         /* needs collision resistance */
	WEFT_SEC_SECOND_PREIMAGE,       /* needs only second pre-image */
} weft_hash_security;

/* Is a signature of TYPE with HASH_ALGO acceptable at time T (the time of
 * evaluation, not the signature's creation time)? */
bool weft_policy_hash_ok(uint8_t hash_algo, uint8_t sig_type,
			 weft_hash_security sec, uint32_t t);
/* The hash check plus the critical-subpacket rule. */
bool weft_policy_sig_ok(const weft_pkt_sig *s, weft_hash_security sec,
			uint32_t t);
/* What a self-signature over this user ID or attribute needs. */
weft_hash_security weft_uid_hash_security(const uint8_t *uid, size_t len,
					  uint8_t tag);
/* Is the key's algorithm and size acceptable at time T? */
bool weft_policy_key_ok(const weft_pkt_key *k, uint32_t t);
/* Why a hash is rejected (a short phrase), for reports. */
const char *weft_policy_hash_reason(uint8_t hash_algo);
/* Why a key's algorithm or size is rejected. */
const char *weft_policy_key_reason(const weft_pkt_key *k);

#endif /* WEFT_CERT_H */
