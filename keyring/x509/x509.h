/* x509.h - the X.509 bridge, engine side: CA certificates, intermediates,
 * S/MIME leaves and CRLs become keys and certifications of the web of
 * trust (../shared/x509-bridge.md has the research; weft(1) "weft x509"
 * the user's view).
 *
 * Files:
 *   der.c     a bounded DER reader (the only parser of X.509 bytes that
 *             libksba does not cover): GeneralNames, nameConstraints,
 *             attributes of a Name, the issuer and subject of a
 *             certificate; name-constraint matching
 *   cert.c    a certificate with libksba (the only includer of <ksba.h>
 *             with crl.c and chain.c): facts, the OpenPGP key it maps to,
 *             PEM/DER input splitting
 *   crl.c     CRLs: issuer, entries, signature
 *   chain.c   which certificate issued which, and whether a chain holds:
 *             signatures, basicConstraints, keyUsage, pathLenConstraint,
 *             nameConstraints, validity, revocation
 *   bridge.c  the records in the keyring (db x509) and what they imply:
 *             the supplements of the derived keys (summaries), the
 *             x509idx index and the derived key packets
 *   api.c     include/weft/x509.h: list, show, remove, fsck, the report
 *             entries
 *   import.c  weft_x509_import
 *   annotate.c  the X.509 lines of trust answers, the S/MIME hook
 *
 * How X.509 maps onto the web of trust (bridge.c has the details):
 *   - every certificate's key is an OpenPGP v4 key created at notBefore
 *     (RSA 1, ECDSA 19, Ed25519 22): the same fingerprint gpg computes for
 *     that key material and time;
 *   - the derived key's user IDs are "CN <email>" for each rfc822Name of
 *     the certificate (CAs without one: a name from the subject);
 *   - an issuance that the chain rules accept is a certification by the
 *     issuer's derived key of each user ID of the subject, made at
 *     notBefore, expiring at notAfter; a CA subject's is a trust
 *     signature (depth pathLen + 1, or unlimited, amount 120, one domain
 *     regex per permitted rfc822Name subtree);
 *   - the user's trust in a root is a local trust signature by the
 *     user's own key (depth pathLen + 1 or a cap, an amount, domain
 *     regexes);
 *   - a CRL entry revokes that certification at its date; keyCompromise
 *     or cACompromise also revokes the key itself (hard).
 */
#ifndef WEFT_X509_X509_H
#define WEFT_X509_X509_H

#include "../internal.h"
#include "../ctx.h"
#include "../crypto/crypto.h"
#include "../util/buf.h"
#include "../util/diag.h"
#include "../util/reader.h"
#include <weft/x509.h>

/* ---- der.c ---------------------------------------------------------------- */

/* Caps on what one extension may hold. */
#define WEFT_X509_MAX_NAMES     64   /* GeneralNames in a SAN */
#define WEFT_X509_MAX_SUBTREES  64   /* per permitted / excluded list */
#define WEFT_X509_MAX_DER       (256u * 1024)  /* one certificate */
#define WEFT_X509_MAX_CRL       (64u * 1024 * 1024)

/* One TLV.  Only the low-tag-number form (tags 0..30) and definite
 * lengths of at most four octets are DER this reader accepts. */
typedef struct weft_der_tlv {
	uint8_t cls;             /* 0 universal, 1 application, 2 context,
				    3 private */
	bool constructed;
	uint8_t tag;
	weft_reader body;        /* the value */
	const uint8_t *raw;      /* the whole TLV */
	size_t raw_len;
} weft_der_tlv;

/* Read the next TLV of R.
 *   GPG_ERR_INV_PACKET  truncated
 *   GPG_ERR_INV_DATA    not DER (high tag number, indefinite or
 *                       non-minimal length) */
gpg_error_t weft_der_next(weft_reader *r, weft_der_tlv *out);

/* Is DER one well-formed constructed TLV, all of it, with every
 * constructed TLV inside well-formed too, nested at most DEPTH deep?
 * (Checked before libksba sees the octets: libksba writes its
 * complaints about malformed input to standard error.) */
gpg_error_t weft_der_check(const uint8_t *der, size_t len, unsigned depth);

/* GeneralName (RFC 5280 4.2.1.6). */
enum weft_gname_type {
	WEFT_GN_OTHER = 0,
	WEFT_GN_RFC822 = 1,
	WEFT_GN_DNS = 2,
	WEFT_GN_X400 = 3,
	WEFT_GN_DIR = 4,
	WEFT_GN_EDI = 5,
	WEFT_GN_URI = 6,
	WEFT_GN_IP = 7,
	WEFT_GN_RID = 8,
};

typedef struct weft_gname {
	uint8_t type;            /* WEFT_GN_* */
	const uint8_t *data;     /* rfc822, DNS, URI: the IA5 octets
				    (printable ASCII, checked); directory:
				    the Name's DER (SEQUENCE TLV); IP: the
				    octets; others: the value */
	size_t len;
} weft_gname;

/* subjectAltName (or any GeneralNames) into NAMES.
 *   GPG_ERR_TOO_LARGE   more than MAX names
 *   GPG_ERR_INV_DATA / GPG_ERR_INV_PACKET  malformed */
gpg_error_t weft_x509_gnames_parse(const uint8_t *der, size_t len,
				   weft_gname *names, size_t max, size_t *n);

typedef struct weft_x509_nc {
	weft_gname permitted[WEFT_X509_MAX_SUBTREES];
	size_t npermitted;
	weft_gname excluded[WEFT_X509_MAX_SUBTREES];
	size_t nexcluded;
} weft_x509_nc;

/* nameConstraints (2.5.29.30): SEQUENCE { [0] subtrees, [1] subtrees },
 * each subtree SEQUENCE { GeneralName, [0] min DEFAULT 0, [1] max }.
 * A minimum other than 0 or any maximum is refused (RFC 5280: MUST
 * NOT be used), as is an extension with neither list.
 *   GPG_ERR_TOO_LARGE, GPG_ERR_INV_DATA, GPG_ERR_INV_PACKET */
gpg_error_t weft_x509_nc_parse(const uint8_t *der, size_t len,
			       weft_x509_nc *out);

/* The values of every attribute OID (DER content octets) in the Name
 * NAME (a SEQUENCE TLV), in order: each value's universal tag and
 * octets.  At most MAX. */
typedef struct weft_der_value {
	uint8_t tag;
	const uint8_t *data;
	size_t len;
} weft_der_value;
gpg_error_t weft_x509_name_values(const uint8_t *name, size_t len,
				  const uint8_t *oid, size_t oidlen,
				  weft_der_value *out, size_t max, size_t *n);

/* The issuer and subject Names of a DER certificate (TLVs, pointing into
 * DER).  GPG_ERR_INV_DATA / GPG_ERR_INV_PACKET when malformed. */
gpg_error_t weft_x509_tbs_names(const uint8_t *der, size_t len,
				const uint8_t **issuer, size_t *ilen,
				const uint8_t **subject, size_t *slen);

/* An attribute value as UTF-8 (UTF8String, PrintableString, IA5String,
 * BMPString, UniversalString; TeletexString when ASCII) into OUT, NUL-
 * terminated.  False when it is none of these, not valid, or holds
 * control characters. */
bool weft_der_value_utf8(const weft_der_value *v, char *out, size_t outlen);

/* What a certificate's names are checked against (RFC 5280 4.2.1.10). */
typedef struct weft_x509_names {
	const weft_gname *san;        /* subjectAltName entries */
	size_t nsan;
	const char *const *dn_emails; /* emailAddress attributes of the
					 subject DN (lower-cased) */
	size_t ndn_emails;
	const uint8_t *subject;       /* subject Name (DER); NULL: not
					 checked (a self-issued CA) */
	size_t subject_len;
} weft_x509_names;

/* Do NAMES fall within NC?  True when they do; else false with one line
 * in WHY ("alice@notexample.com is not within rfc822Name example.com,
 * .example.com").  Names of a form a constraint of NC covers but that
 * weft cannot match (URI, IP, other forms) make the answer false. */
bool weft_x509_nc_check(const weft_x509_nc *nc, const weft_x509_names *n,
			char *why, size_t whylen);

/* RFC 5280 matching of one name against one constraint of its form. */
bool weft_x509_email_within(const char *email, const weft_gname *c);
bool weft_x509_dns_within(const char *dns, size_t len, const weft_gname *c);
bool weft_x509_dn_within(const uint8_t *subject, size_t slen,
			 const weft_gname *c);

/* An email address fit for a user ID: printable ASCII, one '@', a
 * non-empty local part and domain, no '<', '>' or spaces; lower-cased
 * into OUT. */
bool weft_x509_email_ok(const uint8_t *p, size_t n, char *out, size_t outlen);

/* Text for a GeneralName, for humans: "rfc822Name example.com",
 * "dNSName example.com", "directoryName <DER hex>"... into OUT. */
void weft_x509_gname_text(const weft_gname *g, char *out, size_t outlen);

/* ---- cert.c ------------------------------------------------------------------ */

typedef struct weft_x509_cert weft_x509_cert;

/* Signature algorithms (what the issuer signed with). */
typedef enum weft_x509_sigalg {
	WEFT_X509_SIG_UNKNOWN = 0,
	WEFT_X509_SIG_RSA,       /* PKCS#1 v1.5 */
	WEFT_X509_SIG_ECDSA,
	WEFT_X509_SIG_ED25519,
	WEFT_X509_SIG_RSA_PSS,   /* refused: parameters not parsed */
} weft_x509_sigalg;

/* OpenPGP hash algorithm of a signature algorithm OID ("1.2.840...."), 0
 * for Ed25519 or when unknown; *ALG gets the kind.  NAME (static): a
 * short human name ("sha256WithRSAEncryption"). */
uint8_t weft_x509_sigalg_of(const char *oid, weft_x509_sigalg *alg,
			    const char **name);

struct weft_x509_cert {
	void *ksba;              /* ksba_cert_t */
	uint8_t sha256[32];
	const uint8_t *der;      /* the image (libksba's copy) */
	size_t der_len;
	char *subject;           /* RFC 2253 (libksba), or "" */
	char *issuer;
	const uint8_t *subject_der, *issuer_der;  /* Name TLVs in DER */
	size_t subject_der_len, issuer_der_len;
	char *cn;                /* display name: the last CN, else O, else
				    the subject string */
	char serial[2 * 20 + 1]; /* hex; longer serials are cut */
	int64_t not_before, not_after;
	bool is_ca;
	int pathlen;             /* -1 when absent */
	bool has_ku;
	unsigned ku;             /* KSBA_KEYUSAGE_* */
	bool has_eku;
	bool eku_email;          /* emailProtection or anyExtendedKeyUsage */
	bool self_issued;        /* issuer == subject */
	char *bad_ext;           /* an unsupported critical extension
				    (its OID and why), or NULL */
	weft_gname san[WEFT_X509_MAX_NAMES];
	size_t nsan;
	uint8_t *san_der;        /* the extension's value (owned; SAN
				    entries point into it) */
	char *emails[WEFT_X509_MAX_NAMES + 8];  /* rfc822Names, lower-cased */
	size_t nemails;
	char *dn_emails[8];      /* the subject DN's emailAddress values */
	size_t ndn_emails;
	bool has_nc;
	weft_x509_nc *nc;        /* owned */
	uint8_t *nc_der;         /* owned; NC entries point into it */
	/* Signature */
	weft_x509_sigalg sigalg;
	uint8_t sig_hash;        /* OpenPGP hash number; 0 Ed25519 */
	const char *sigalg_name;
	char *sigalg_oid;
	/* The key */
	uint8_t *key_sexp;       /* canonical S-expression (owned) */
	size_t key_sexp_len;
	char *key_problem;       /* why the key cannot map, or NULL */
	char algo[32];           /* "rsa4096", "nistp256", "ed25519" */
	weft_buf pkt;            /* OpenPGP v4 public key packet, header
				    included */
	size_t pkt_body_off;     /* where its body starts */
	uint8_t fpr[20];
	uint8_t keyid[8];
	uint8_t grip[20];
};

/* Parse one DER certificate.  GPG_ERR_BAD_CERT (with DIAG) when libksba
 * or the DER reader refuse it; a key that cannot map to OpenPGP or an
 * unsupported critical extension is no error (key_problem, bad_ext). */
gpg_error_t weft_x509_cert_parse(weft_x509_cert **out, const uint8_t *der,
				 size_t len, weft_diag *diag);
void weft_x509_cert_free(weft_x509_cert *c);

/* The OpenPGP v4 key packet body for a key (ALGO, material) created at
 * CREATED (cert.c does this for every certificate; exposed for tests).
 * Appends to OUT. */
gpg_error_t weft_x509_pgp_body(const weft_x509_key *k, uint32_t created,
			       weft_buf *out);

/* Input: split FILE's octets into DER objects.  PEM (every BEGIN
 * CERTIFICATE, TRUSTED CERTIFICATE, X509 CERTIFICATE and X509 CRL
 * block; text between blocks is ignored) or one DER object.  Each
 * object: its octets (owned) and whether it is a CRL (by PEM label, or
 * for DER by its shape). */
typedef struct weft_x509_blob {
	uint8_t *der;
	size_t len;
	bool crl;
	unsigned index;          /* 1-based position in the file */
} weft_x509_blob;

gpg_error_t weft_x509_split(const uint8_t *in, size_t len,
			    weft_x509_blob **out, size_t *n,
			    weft_diag *diag);
void weft_x509_blobs_free(weft_x509_blob *b, size_t n);

/* Human date "2026-12-06" of a time. */
void weft_x509_date(int64_t t, char *out, size_t n);
/* libksba's helpers' formats: "20240101T000000" (UTC) to seconds (false
 * when malformed); the length of a canonical S-expression (0 when it is not
 * one within MAX octets); a serial "(N:octets)" in hex. */
bool weft_x509__iso_time(const char *s, int64_t *out);
size_t weft_x509__canon_len(const uint8_t *p, size_t max);
void weft_x509__serial_hex(const uint8_t *sx, char *out, size_t outlen);

/* ---- crl.c ---------------------------------------------------------------------- */

typedef struct weft_x509_crl_entry {
	char serial[2 * 20 + 1];
	int64_t when;
	unsigned reason;         /* KSBA_CRLREASON_* bits, 0 none */
} weft_x509_crl_entry;

typedef struct weft_x509_crl {
	uint8_t sha256[32];
	char *issuer;            /* RFC 2253 */
	int64_t this_update, next_update;
	weft_x509_crl_entry *entries;
	size_t nentries;
	uint8_t *tbs;            /* the signed part (owned) */
	size_t tbs_len;
	uint8_t *sigval;         /* canonical S-expression (owned) */
	size_t sigval_len;
	uint8_t sig_hash;
	weft_x509_sigalg sigalg;
	const char *sigalg_name;
	uint8_t *der;            /* the CRL (owned) */
	size_t der_len;
	bool stored_flag;        /* scratch for weft_x509_set_sort */
	uint32_t imported;
} weft_x509_crl;

gpg_error_t weft_x509_crl_parse(weft_x509_crl **out, const uint8_t *der,
				size_t len, weft_diag *diag);
void weft_x509_crl_free(weft_x509_crl *c);
/* Did ISSUER's key sign CRL?  0, GPG_ERR_BAD_SIGNATURE, ... */
gpg_error_t weft_x509_crl_verify(const weft_x509_crl *crl,
				 const weft_x509_cert *issuer);
/* "keyCompromise", "superseded", ... of a reason bit set. */
const char *weft_x509_reason_name(unsigned reason);

/* ---- chain.c -------------------------------------------------------------------------- */

/* Did ISSUER's key sign C?  0, GPG_ERR_BAD_SIGNATURE,
 * GPG_ERR_NOT_SUPPORTED (RSA-PSS, an unknown algorithm),
 * GPG_ERR_DIGEST_ALGO (MD5, or SHA-1 on a certificate that is not
 * self-signed). */
gpg_error_t weft_x509_cert_verify(const weft_x509_cert *c,
				  const weft_x509_cert *issuer);

/* The trust the user gave a root (bridge.c stores it). */
typedef struct weft_x509_trust {
	uint8_t by[WEFT_FPR_MAX];
	uint8_t by_len;
	uint32_t created;
	uint8_t depth;
	uint8_t amount;
	char *domains[WEFT_X509_MAX_SUBTREES];
	size_t ndomains;
} weft_x509_trust;

/* A set of certificates and CRLs to reason about: the keyring's, plus
 * what an import or a message brings. */
typedef struct weft_x509_node {
	weft_x509_cert *cert;
	bool root;               /* you trust it (TRUST is set) */
	weft_x509_trust trust;
	bool stored;             /* in the keyring (else: being imported,
				    or carried by a message) */
	bool removed;            /* to be dropped from the keyring */
	bool dirty;              /* its record is to be (re)written */
	uint32_t imported;       /* when it came into the keyring */
	uint8_t (*known)[32];    /* issuer links from storage: certificates
				    whose key verified this one */
	size_t nknown;
	/* chain.c */
	size_t *issuers;         /* nodes whose key verified this one */
	size_t nissuers;
	bool links_changed;      /* differ from KNOWN: rewrite the record */
	bool root_ok;            /* a trusted root whose self-signature
				    verifies and that is a CA */
	bool chained;            /* an issuance into it holds (time aside),
				    or it is a good root */
	char *why;               /* when not chained: the first reason */
	size_t *in;              /* edges into it (indices) */
	size_t nin;
	int budget;              /* CAs below it it may still certify:
				    INT_MAX unlimited, -1 none (best seen) */
	size_t limiter;          /* the node whose pathLenConstraint set
				    BUDGET */
	unsigned nin_budget;     /* scratch: issuances seen */
	/* Revocation (from CRLs that verify). */
	bool revoked;
	int64_t revoked_at;
	unsigned revoked_reason;
	const char *revoked_by;  /* the CRL issuer's name (borrowed) */
} weft_x509_node;

typedef struct weft_x509_edge {
	size_t issuer, subject;  /* node indices */
	uint32_t created;        /* max(notBefore) of issuer and subject */
	uint32_t expires;        /* min(notAfter) along the chain; 0 never */
	uint8_t depth;           /* 0: a plain certification (leaf, or a CA
				    that may certify nothing more);
				    else pathLen + 1, 255 unlimited */
	char **domains;          /* the subject's permitted rfc822Name
				    subtrees as domains (a CA's scope) */
	size_t ndomains;
	size_t parent;           /* the edge into the issuer on the chain
				    that made this one, or (size_t)-1 when
				    the issuer is a root */
} weft_x509_edge;

typedef struct weft_x509_set {
	weft_x509_node *nodes;
	size_t n, cap;
	weft_x509_crl **crls;
	bool *crl_stored;
	size_t *crl_issuer;      /* the node whose key signed it, or (size_t)-1 */
	size_t ncrls, crls_cap;
	weft_x509_edge *edges;
	size_t nedges, edges_cap;
} weft_x509_set;

void weft_x509_set_free(weft_x509_set *s);
/* Add C (the set owns it from now on, also on error). */
gpg_error_t weft_x509_set_add(weft_x509_set *s, weft_x509_cert *c,
			      size_t *idx);
gpg_error_t weft_x509_set_add_crl(weft_x509_set *s, weft_x509_crl *c,
				  bool stored);
/* Sort the certificates and CRLs by SHA-256 (before resolving), so that
 * what they imply comes out the same whatever order they arrived in. */
void weft_x509_set_sort(weft_x509_set *s);
/* The node with this certificate (SHA-256), or -1. */
ptrdiff_t weft_x509_set_find(const weft_x509_set *s, const uint8_t sha[32]);

/* Work out every issuance that holds (time aside): link each
 * certificate to the certificates whose key signed it (KNOWN links from
 * storage are trusted, others are verified now), walk down from every
 * trusted root enforcing basicConstraints, keyUsage, pathLenConstraint
 * and nameConstraints, record the edges and every node's reason when no
 * chain holds; then apply the CRLs whose signature verifies. */
gpg_error_t weft_x509_set_resolve(weft_x509_set *s);

/* The permitted rfc822Name subtrees of NC as domains: "example.com" and
 * ".example.com" both give "example.com", a mailbox stays one.  Each and
 * the array are the caller's (NULL, 0 when there are none). */
gpg_error_t weft_x509__nc_domains(const weft_x509_nc *nc, char ***out,
				  size_t *n);

/* Does node I chain to a trusted root at time T?  True, or false with
 * one line in WHY: the first problem found walking up its best chain
 * (expired, not yet valid, revoked, outside name constraints, path
 * length, no issuer, ...).  ROOT gets the root's node when true. */
bool weft_x509_set_status(const weft_x509_set *s, size_t i, int64_t t,
			  char *why, size_t whylen, size_t *root);

/* ---- bridge.c ------------------------------------------------------------------- */

/* Load every record of the keyring's x509 db into S.  A record that does
 * not decode is an error (GPG_ERR_INV_DATA, with D), unless PROBLEM is
 * given: then it is reported there and skipped. */
gpg_error_t weft_x509__load(weft_txn *txn, weft_x509_set *s, weft_diag *d,
			    void (*problem)(void *, const char *),
			    void *opaque, uint64_t *problems);
/* Write S: the record of every certificate and CRL in it (stored ones
 * are rewritten only when their issuer links changed), then what they
 * imply: supplements (tnodes), x509idx, x509keys; what the records no
 * longer imply goes. */
gpg_error_t weft_x509__store(weft_txn *txn, weft_x509_set *s);
/* What S implies, compared with the keyring (fsck). */
gpg_error_t weft_x509__check(weft_txn *txn, weft_x509_set *s,
			     void (*problem)(void *, const char *),
			     void *opaque, uint64_t *problems);
/* The supplement summary of the derived key FPR from S (bridge.c), or
 * GPG_ERR_NOT_FOUND. */
gpg_error_t weft_x509__supplement(const weft_x509_set *s, const uint8_t fpr[20],
				  weft_buf *out);
/* The user IDs of node I's derived key (caller frees each and the array). */
gpg_error_t weft_x509__uids(const weft_x509_set *s, size_t i, char ***uids,
			    size_t *n);

/* The domain regex of gpg's tsign for DOMAIN (keyring/secret/certify.c
 * writes the same): <[^>]+[@.]DOMAIN>$, non-alphanumerics escaped. */
gpg_error_t weft_x509_domain_regex(const char *domain, weft_buf *out);

/* ---- api.c, for import.c and annotate.c ------------------------------------------------- */

/* A report being built. */
typedef struct weft_x509_list_b {
	weft_x509_list *l;
	size_t cap;
} weft_x509_list_b;

/* A new zeroed entry at the end of B (*OUT). */
gpg_error_t weft_x509__push(weft_x509_list_b *b, weft_x509_info **out);
/* *DST = the formatted string (the old one freed). */
gpg_error_t weft_x509__set_str(char **dst, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Node I's validity at T and why (*OUT, caller frees). */
gpg_error_t weft_x509__status_of(const weft_x509_set *s, size_t i, int64_t t,
				 bool *valid, char **out);
/* X from node I of S (at T), or from CRL K. */
gpg_error_t weft_x509__fill(weft_x509_info *x, const weft_x509_set *s,
			    size_t i, int64_t t);
gpg_error_t weft_x509__fill_crl(weft_x509_info *x, const weft_x509_set *s,
				size_t k);
/* The keyring's X.509 records, sorted, chains worked out. */
gpg_error_t weft_x509__load_resolved(weft_ctx *ctx, weft_txn *txn,
				     weft_x509_set *s);

/* ---- the S/MIME hook (annotate.c) ------------------------------------------------------- */

/* For keyring/verify/mail/smime.c: does the signer certificate CERT_DER
 * chain to a root imported with weft x509 import, with every
 * certificate valid at AT (the signing time; 0: the context's time)?
 * The certificates the message carries (EXTRA, NEXTRA; may be 0) may
 * fill the gaps between the signer and what the keyring holds; nothing
 * is written.  Then the signer's user IDs ("CN <email>") are
 * authenticated through the web of trust, as if the signer's
 * certificate (and the carried intermediates that the chain needs) had
 * been imported.
 *   *STATUS_LINE  one line (caller frees): "issued by CN=... under the
 *                 imported root CN=...", or why not: "unknown CA: ...",
 *                 "expired on ...", "revoked on ... (keyCompromise)",
 *                 "outside the name constraints of ...", ...
 *   DERIVED_FPR   the signer's key as an OpenPGP fingerprint (hex)
 *   OUT           chains, the amount of the best-authenticated user ID
 *                 and whether it reaches 120
 * 0, or an error of the keyring (GPG_ERR_BAD_CERT when CERT_DER cannot be
 * parsed). */
typedef struct weft_x509_smime_result {
	bool chains;
	bool authenticated;
	int amount;
	char *uid;               /* the user ID that was authenticated best
				    (caller frees), or NULL */
} weft_x509_smime_result;

gpg_error_t weft_x509_chain_for_smime(weft_ctx *ctx,
				      const unsigned char *cert_der,
				      size_t len,
				      const unsigned char *const *extra,
				      const size_t *extra_len, size_t nextra,
				      int64_t at, char **status_line,
				      char derived_fpr[65],
				      weft_x509_smime_result *out);

#endif /* WEFT_X509_X509_H */
