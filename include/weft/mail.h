/* weft/mail.h - checking signed mail: an RFC 5322 message with PGP/MIME
 * (RFC 3156 multipart/signed), inline PGP in text parts, or S/MIME
 * (RFC 8551: multipart/signed with application/pkcs7-signature, and
 * opaque application/pkcs7-mime signed-data).
 *
 * Every signature found in the message is one entry of the result, with
 * where it is in the MIME tree and what it covers:
 *   - PGP/MIME: the first part of the multipart/signed, its octets as
 *     they are in the message with every line end made CRLF (RFC 3156 5),
 *     checked with weft_verify against the second part;
 *   - inline PGP: every "-----BEGIN PGP SIGNED MESSAGE-----" or
 *     "-----BEGIN PGP MESSAGE-----" block in a text part, after transfer
 *     decoding (quoted-printable, base64);
 *   - S/MIME: the CMS signature, its signer certificate (which must be in
 *     the message), the message digest and the signature over the signed
 *     attributes (RSA PKCS#1 v1.5, RSA-PSS, ECDSA).  Whether the
 *     certificate chains to a CA you trust is the X.509 bridge's answer;
 *     until it exists, every S/MIME signer is "unknown CA".
 * Signatures inside attached messages (message/rfc822) are not checked:
 * they are not the message's own.
 *
 * The From: address is compared with the signer's addresses: the user
 * IDs of the OpenPGP key (with the web of trust's amount for the one
 * that matches), or the S/MIME certificate's email addresses.  A
 * mismatch is a warning for the caller to show, not a failure.
 *
 * Part names: the message itself is "1"; the Nth part of part P is
 * "P.N" (a multipart/signed message: "1", its signed part "1.1", its
 * signature "1.2").
 */
#ifndef WEFT_MAIL_PUBLIC_H
#define WEFT_MAIL_PUBLIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <weft/error.h>
#include <weft/verify.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_ctx weft_ctx;
struct weft_trust_opts;

/* A message, at most. */
#define WEFT_MAIL_MAX_SIZE (64u * 1024 * 1024)

enum {
	WEFT_MAIL_PGPMIME = 1,   /* multipart/signed, application/pgp-signature */
	WEFT_MAIL_INLINE,        /* an armored block in a text part */
	WEFT_MAIL_SMIME,         /* multipart/signed, application/pkcs7-signature */
	WEFT_MAIL_SMIME_OPAQUE,  /* application/pkcs7-mime, signed-data */
};

/* One S/MIME signer.  Strings from the certificate are attacker
 * controlled: escape them before printing. */
typedef struct weft_smime_info {
	weft_sig_verdict verdict; /* GOOD, BAD, NO_KEY (the signer's
				     certificate is not in the message),
				     ERROR (cannot be checked) */
	bool ok;                  /* GOOD, and acceptable: the hash (no MD5
				     or SHA-1), the certificate valid when
				     it signed and allowed to sign mail */
	char *problem;            /* why not ok, one line; else NULL */
	char *subject;            /* RFC 2253, as libksba gives it */
	char *issuer;
	char *serial;             /* hex */
	char fingerprint[41];     /* SHA-1 of the certificate (gpgsm's) */
	char **emails;            /* lower-cased: subjectAltName rfc822Name,
				     else the subject's emailAddress */
	size_t nemails;
	int64_t not_before, not_after;
	int64_t signing_time;     /* the signingTime attribute; 0: none */
	const char *hash;         /* "SHA256", ... (static) */
	char algo[48];            /* "RSA-3072", "RSA-PSS-2048",
				     "ECDSA NIST P-256" */
	bool cert_expired;        /* not valid now, though it was when it
				     signed */
	/* Trust, from the X.509 bridge (weft x509). */
	char *ca_status;          /* one line: "unknown CA", ... */
	bool authenticated;
	int amount;
} weft_smime_info;

/* The From: check of one signer. */
typedef struct weft_mail_from {
	bool checked;             /* the signature is good and the message
				     has one From: address */
	bool matches;             /* one of the signer's addresses is it */
	char *uid;                /* OpenPGP: the user ID with the address
				     (raw, NUL-terminated); S/MIME: the
				     address */
	int amount;               /* OpenPGP: that user ID's trust amount */
	bool authenticated;       /* ... and whether it is authenticated */
} weft_mail_from;

typedef struct weft_mail_sig {
	int kind;                 /* WEFT_MAIL_* */
	char *part;               /* where the signature is: the
				     multipart/signed, the text part, the
				     application/pkcs7-mime part */
	char *signed_part;        /* what it covers (for inline PGP the same
				     part, or part of it) */
	bool whole_message;       /* what it covers is all there is: no
				     other part beside it, no text outside
				     the signed block */
	bool unsigned_text;       /* inline: the part has text outside its
				     signed blocks */
	char *micalg;             /* the micalg parameter (lower case), or
				     NULL */
	bool micalg_mismatch;     /* ... names another hash than the
				     signature uses (a warning: micalg is not
				     signed) */
	/* Could not be checked at all (a damaged structure, an encrypted
	 * block, garbage where the signature should be): ERR and a line
	 * in PROBLEM; PGP, SMIME and FROM are then NULL. */
	gpg_error_t err;
	char *problem;
	weft_verify_result *pgp;  /* OpenPGP kinds: every signature */
	weft_smime_info *smime;   /* S/MIME kinds: one signer */
	weft_mail_from *from;     /* one per pgp->sigs, or one (S/MIME) */
} weft_mail_sig;

typedef struct weft_mail_result {
	char *from;               /* the From: address, normalised (lower
				     case, IDNA domain), or NULL */
	char *from_problem;       /* why the From: check cannot be made (no
				     From:, several From: fields, several
				     mailboxes in it, no address), or NULL */
	weft_mail_sig *v;         /* in message order */
	size_t n;
	size_t nparts;            /* MIME parts in the message */
} weft_mail_result;

/* Check the signatures of the message MSG (LEN octets; LF or CRLF line
 * ends).  TRUST and NO_TRUST as in weft_verify_params.
 *   0                  the message has at least one signature; each
 *                      entry has its verdicts, or its own ERR
 *   GPG_ERR_NO_DATA    no signature in the message (an encrypted
 *                      message is said so in the context's error line)
 *   GPG_ERR_BAD_DATA   not a mail message, or a damaged MIME structure
 *                      (a multipart cut short: no closing boundary)
 *   GPG_ERR_TOO_LARGE  over WEFT_MAIL_MAX_SIZE, or MIME parts nested too
 *                      deep, too many parts, a huge header
 *   GPG_ERR_ENOMEM, errors of the keyring
 * with one line in weft_ctx_error().  OUT is freed with
 * weft_mail_result_free. */
gpg_error_t weft_verify_mail(weft_ctx *ctx, const void *msg, size_t len,
			     const struct weft_trust_opts *trust,
			     bool no_trust, weft_mail_result **out);
void weft_mail_result_free(weft_mail_result *r);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_MAIL_PUBLIC_H */
