/* weft/x509.h - the X.509 bridge: an enterprise CA's root as a trusted
 * introducer, scoped to the company's addresses, so that the
 * certificates it issues (intermediates, S/MIME certificates) become
 * valid in the same web of trust as OpenPGP keys, with paths that
 * explain it.
 *
 * What an import does (weft(1), "weft x509"):
 *   - every certificate's key becomes an OpenPGP v4 key created at
 *     notBefore: a local node that is never exported (weft list, show and
 *     export do not see it; authenticate, lookup, identify, path, check
 *     and verify do).  Its fingerprint is what gpg computes for the same
 *     key material and creation time, so that certifications an admin
 *     makes in OpenPGP with the CA's key count through the same node;
 *   - a self-signed CA certificate is a root: your own key vouches for it
 *     with a local trust signature (depth pathLenConstraint + 1, or a cap;
 *     an amount; one domain regex per permitted rfc822Name subtree of its
 *     nameConstraints, or the domain you give).  Nothing is written before
 *     the confirmation callback agreed;
 *   - an issuance the X.509 rules accept (signature, basicConstraints,
 *     keyUsage, pathLenConstraint and nameConstraints along the whole
 *     chain) is a certification by the issuer's key of the subject's user
 *     IDs ("CN <email>" per rfc822Name), made at notBefore, expiring at
 *     notAfter; a CA's is a trust signature;
 *   - a CRL whose signature verifies revokes those certifications; a
 *     keyCompromise (or cACompromise) entry revokes the key itself.
 *
 * Errors (besides the keyring's):
 *   GPG_ERR_NO_DATA     no certificate or CRL in the input
 *   GPG_ERR_NO_SECKEY   a root is to be trusted but you have no key of
 *                       your own to vouch for it ("weft generate" first)
 *   GPG_ERR_CANCELED    the confirmation callback said no (nothing was
 *                       written)
 *   GPG_ERR_NOT_FOUND   show/remove: nothing has that fingerprint
 *   GPG_ERR_AMBIGUOUS_NAME  show/remove: a prefix names several
 */
#ifndef WEFT_X509_PUBLIC_H
#define WEFT_X509_PUBLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <weft/error.h>
#include <weft/store.h>
#include <weft/trust.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_ctx weft_ctx;

typedef enum weft_x509_kind {
	WEFT_X509_ROOT = 0,      /* self-signed CA, trusted by you */
	WEFT_X509_CA,            /* intermediate CA */
	WEFT_X509_LEAF,          /* end entity (S/MIME) */
	WEFT_X509_CRL,
	WEFT_X509_UNPARSED,      /* import: refused before its kind was
				    known (a certificate that does not
				    parse) */
} weft_x509_kind;

typedef enum weft_x509_outcome {
	WEFT_X509_STORED = 0,    /* already in the keyring (list, show) */
	WEFT_X509_NEW,           /* import: added */
	WEFT_X509_UPDATED,       /* import: a root whose trust changed */
	WEFT_X509_UNCHANGED,     /* import: was there already */
	WEFT_X509_REFUSED,       /* import: not added; NOTE says why */
} weft_x509_outcome;

/* One certificate or CRL.  Strings come from the certificate (attacker
 * controlled): escape them before printing. */
typedef struct weft_x509_info {
	weft_x509_kind kind;
	weft_x509_outcome outcome;
	char *note;              /* refusals: why; else a remark or NULL */
	const char *source;      /* import: the input's name (borrowed from
				    the caller) */
	unsigned index;          /* import: 1-based position in the input */
	char sha256[65];         /* of the DER: how weft names it */
	char fpr[41];            /* the derived OpenPGP key ("" for CRLs
				    and keys that cannot map) */
	char keygrip[41];
	char *subject;           /* RFC 2253; CRLs: "" */
	char *issuer;
	char *name;              /* display name (CN) */
	char serial[41];         /* hex */
	char algo[32];           /* "rsa4096", "nistp256", "ed25519" */
	const char *sigalg;      /* "sha256WithRSAEncryption", ... (static) */
	int64_t not_before;      /* CRLs: thisUpdate */
	int64_t not_after;       /* CRLs: nextUpdate (0: none) */
	bool is_ca;
	int pathlen;             /* -1: absent */
	bool has_key_usage;
	unsigned key_usage;      /* X.509 bits: digitalSignature 1,
				    nonRepudiation 2, keyEncipherment 4, ...
				    keyCertSign 32, cRLSign 64 */
	char **permitted;        /* nameConstraints, as text
				    ("rfc822Name .example.com") */
	size_t npermitted;
	char **excluded;
	size_t nexcluded;
	char **uids;             /* the derived key's user IDs */
	size_t nuids;
	/* Roots: the trust you give it. */
	bool trusted;
	char by[65];             /* your key that vouches for it */
	int depth;               /* 255 = unlimited */
	int amount;
	char **regexes;          /* one per domain */
	size_t nregexes;
	char *same_key;          /* another certificate imported with the
				    same key (keygrip): its SHA-256, or NULL */
	/* At the context's reference time. */
	bool valid;              /* chains to a trusted root, everything
				    valid and unrevoked */
	char *status;            /* one line: how it chains, or why not */
	size_t crl_entries;      /* CRLs: revoked certificates listed */
} weft_x509_info;

typedef struct weft_x509_list {
	weft_x509_info *v;
	size_t n;
} weft_x509_list;

void weft_x509_list_free(weft_x509_list *l);

typedef struct weft_x509_params {
	int amount;              /* trust amount of new roots; 0: 120 */
	const char *domain;      /* scope new roots to this domain instead
				    of their nameConstraints; NULL */
	int depth_cap;           /* depth for roots without
				    pathLenConstraint; 0: 3 */
	const char *by;          /* your key to vouch; NULL: your first */
	bool retrust;            /* roots already imported get these
				    parameters again (the caller gave some) */
} weft_x509_params;

/* Asked before anything is written, with the roots about to be trusted
 * (their subject, SHA-256, validity, constraints and the trust they get).
 * Return true to go on. */
typedef bool (*weft_x509_confirm_cb)(void *opaque,
				     const weft_x509_list *roots);

typedef struct weft_x509_input {
	const char *name;        /* for messages */
	const uint8_t *data;     /* PEM (one or many blocks: a bundle) or
				    DER, certificates or CRLs */
	size_t len;
} weft_x509_input;

/* Import every certificate and CRL of the inputs in one transaction:
 * roots (self-signed CA certificates) after CONFIRM agreed (not called
 * when there are none), intermediates and leaves as certifications, CRLs
 * whose issuer is imported and whose signature verifies.  OUT (always
 * set, also on error) reports each object in input order with its
 * outcome. */
gpg_error_t weft_x509_import(weft_ctx *ctx, const weft_x509_input *in,
			     size_t n, const weft_x509_params *p,
			     weft_x509_confirm_cb confirm, void *opaque,
			     weft_x509_list **out);
/* Every certificate and CRL in the keyring: roots, CAs, leaves, CRLs. */
gpg_error_t weft_x509_list_all(weft_ctx *ctx, weft_x509_list **out);
/* The certificates named by ID: a SHA-256 (or a prefix of 8 or more hex
 * digits), a derived fingerprint, a key ID or a keygrip. */
gpg_error_t weft_x509_show(weft_ctx *ctx, const char *id,
			   weft_x509_list **out);
/* Remove what ID names (as show) and everything it implied: a root's
 * trust goes with it.  OUT gets what was removed. */
gpg_error_t weft_x509_remove(weft_ctx *ctx, const char *id,
			     weft_x509_list **out);
/* Check the supplements, indexes and key packets against the X.509
 * records (weft fsck runs it after weft_fsck). */
gpg_error_t weft_x509_fsck(weft_ctx *ctx, weft_fsck_cb cb, void *opaque,
			   uint64_t *problems);
/* Fill the x509 lines of the bindings and hops of L whose keys come from
 * X.509 certificates: each hop's certificate (subject, serial, validity),
 * and for a binding of such a key its chain's status at the reference
 * time (why it does not authenticate: expired, revoked, outside the name
 * constraints, path length, ...). */
gpg_error_t weft_x509_annotate(weft_ctx *ctx, weft_binding_list *l);
/* For a lookup of the address EMAIL: append to L (as bindings of amount
 * 0, with their x509 line) the user IDs with that address of X.509
 * certificates whose keys the web of trust cannot use at the reference
 * time at all (one not valid yet), so that the answer explains them
 * too.  (weft_x509_annotate may follow: it fills the others.) */
gpg_error_t weft_x509_annotate_lookup(weft_ctx *ctx, const char *email,
				      weft_binding_list *l);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_X509_PUBLIC_H */
