/* mail.h - signed mail, engine side (weft_verify_mail, weft/mail.h).
 *
 *   mime.c       a bounded RFC 5322 / MIME parser over a message in
 *                memory: header fields (folded), Content-Type with its
 *                parameters, multiparts nested to a bounded depth,
 *                transfer decoding (base64, quoted-printable), and each
 *                part's exact octets in the message (RFC 3156 5 signs
 *                them)
 *   addr.c       the address of a From: field (RFC 5322 3.4)
 *   mail.c       finding the signatures (PGP/MIME, inline PGP, S/MIME)
 *                and checking each one; the From: check
 *   smime.c      CMS signed-data with libksba, verified with libgcrypt
 *   x509-hook.c  weft_x509__chain_status: the X.509 bridge's answer
 *                (keyring/x509/)
 *
 * The message is hostile input.  Every cap is here; every length is
 * checked before it is used; nothing recurses deeper than
 * WEFT_MIME_MAX_DEPTH.
 *
 * Layering note: smime.c includes <ksba.h> and <gcrypt.h>, which
 * STYLE.md reserves for x509/ and crypto/.  It is the only file here
 * that does, and its interface (weft_mail__smime) carries no libksba or
 * libgcrypt type, so that it can move to keyring/x509/ as it is once the
 * bridge is built.
 */
#ifndef WEFT_VERIFY_MAIL_H
#define WEFT_VERIFY_MAIL_H

#include "../../internal.h"
#include <weft/weft.h>

#include "../../util/buf.h"
#include "../../util/diag.h"

/* ---- caps ------------------------------------------------------------------ */

/* A message, at most (WEFT_MAIL_MAX_SIZE, weft/mail.h). */
/* MIME parts nested, at most (the message itself is depth 0). */
#define WEFT_MIME_MAX_DEPTH    16u
/* Parts in one message, at most. */
#define WEFT_MIME_MAX_PARTS    1000u
/* The header section of one part, at most. */
#define WEFT_MIME_MAX_HEADER   (1u * 1024 * 1024)
/* Header fields in one part, at most. */
#define WEFT_MIME_MAX_FIELDS   1000u
/* Parameters kept from one Content-Type (more are ignored). */
#define WEFT_MIME_MAX_PARAMS   64u
/* A boundary (RFC 2046 says 70; some mailers write longer ones). */
#define WEFT_MIME_MAX_BOUNDARY 200u
/* Comments nested in a header field, at most. */
#define WEFT_MIME_MAX_COMMENT  8u
/* Signatures (entries of the result) in one message, at most. */
#define WEFT_MAIL_MAX_SIGS     256u
/* BER/DER nesting accepted in an S/MIME object (libksba's decoder
 * aborts the process beyond 100). */
#define WEFT_MAIL_MAX_BER_DEPTH 32u
/* Signers in one S/MIME object, at most. */
#define WEFT_MAIL_MAX_SIGNERS  16u

/* ---- MIME ------------------------------------------------------------------ */

#define WEFT_MIME_NONE ((size_t)-1)
#define WEFT_MIME_ID_MAX 96      /* "1.2.3": 16 levels of up to 4 digits */
#define WEFT_MIME_TYPE_MAX 128

enum weft_cte {
	WEFT_CTE_7BIT = 0,
	WEFT_CTE_8BIT,
	WEFT_CTE_BINARY,
	WEFT_CTE_QP,
	WEFT_CTE_BASE64,
	WEFT_CTE_UNKNOWN,        /* a name weft does not know: the body is
				    treated as opaque octets */
};

typedef struct weft_mime_kv {
	char *name;              /* lower case */
	char *value;             /* unquoted */
} weft_mime_kv;

typedef struct weft_mime_part {
	size_t parent;           /* index in weft_mime.parts, or NONE */
	size_t first_child;      /* NONE for a leaf */
	size_t next_sibling;     /* NONE for the last */
	size_t nchildren;
	unsigned depth;          /* the message is 0 */
	/* Where it is: the message is "1"; the Nth part of part P is
	 * "P.N". */
	char id[WEFT_MIME_ID_MAX];
	/* "type/subtype", lower case; the RFC 2045 default (text/plain,
	 * message/rfc822 in multipart/digest) when absent or invalid. */
	char type[WEFT_MIME_TYPE_MAX];
	bool type_given;         /* a valid Content-Type field */
	weft_mime_kv *params;
	size_t nparams;
	int cte;                 /* enum weft_cte */
	/* The part as it is in the message: header and body (for a part
	 * of a multipart, from after its boundary line to before the line
	 * break that precedes the next one). */
	size_t raw_off, raw_len;
	/* Its body, still transfer-encoded. */
	size_t body_off, body_len;
} weft_mime_part;

typedef struct weft_mime {
	const uint8_t *msg;      /* borrowed: the message */
	size_t len;
	weft_mime_part *parts;   /* in message order (parent before child) */
	size_t n, cap;
	char *from;              /* the (first) From: field of the message,
				    unfolded, or NULL */
	unsigned nfrom;          /* From: fields in the message header */
	weft_diag diag;          /* why parsing failed */
} weft_mime;

/* Parse MSG (LEN octets; LF or CRLF line ends).  The message must begin
 * with a header field (an mbox "From " line before it is skipped).
 *   GPG_ERR_BAD_DATA   not a mail message; a multipart without a
 *                      boundary, or whose closing boundary is missing
 *   GPG_ERR_TOO_LARGE  more than WEFT_MAIL_MAX_SIZE octets, parts nested
 *                      deeper than WEFT_MIME_MAX_DEPTH, more than
 *                      WEFT_MIME_MAX_PARTS parts, a header section over
 *                      WEFT_MIME_MAX_HEADER or WEFT_MIME_MAX_FIELDS
 *   GPG_ERR_ENOMEM
 * with M->diag saying which part and what.  M is always initialised;
 * free it with weft_mime_free (also after an error).  M borrows MSG. */
gpg_error_t weft_mime_parse(weft_mime *m, const uint8_t *msg, size_t len);
void weft_mime_free(weft_mime *m);

/* The value of parameter NAME (lower case) of P, or NULL.  Borrowed
 * (lives as long as M). */
const char *weft_mime_param(const weft_mime_part *p, const char *name);
/* Is P of TYPE ("text/plain"), or, when TYPE ends in '/', of that top
 * type ("text/")? */
bool weft_mime_is(const weft_mime_part *p, const char *type);

/* Append P's body, transfer-decoded, to OUT.  Base64 ignores characters
 * outside its alphabet (RFC 2045 6.8); quoted-printable drops trailing
 * white space and soft line breaks and keeps a malformed "=" as it is;
 * other encodings are copied.  The output is never longer than the
 * body.  Errors of OUT only. */
gpg_error_t weft_mime_decode(const weft_mime *m, const weft_mime_part *p,
			     weft_buf *out);
gpg_error_t weft_mime_decode_mem(const uint8_t *in, size_t n, int cte,
				 weft_buf *out);

/* Reading P's raw octets with every line end made CRLF (a bare LF
 * becomes CRLF; CRLF stays), as RFC 3156 5 and RFC 8551 3.1.1 sign
 * them.  Usable as a weft_read_fn. */
typedef struct weft_mime_canon {
	const uint8_t *p;
	size_t n, off;
	bool cr_due;             /* a CR was inserted; its LF is next */
} weft_mime_canon;

void weft_mime_canon_init(weft_mime_canon *c, const weft_mime *m,
			  const weft_mime_part *p);
gpg_error_t weft_mime_canon_read(void *opaque, uint8_t *buf, size_t n,
				 size_t *got);

/* ---- addresses (addr.c) --------------------------------------------------- */

/* The mailboxes of an address field (a From: value, unfolded): the
 * address of the first in OUT (normalised as user IDs' addresses are:
 * weft_uid_email), and how many there are in *COUNT.  Display names,
 * comments, quoted strings and groups are understood; encoded words are
 * not decoded (they are display names).  False when no address could be
 * found (OUT empty). */
bool weft_mail__from_address(const char *field, char *out, size_t outlen,
			     unsigned *count);

/* ---- S/MIME (smime.c) ------------------------------------------------------ */

/* Check the CMS object DER (LEN octets, BER accepted).  SIGNED is the
 * detached content (a MIME part whose octets are hashed with line ends
 * made CRLF), or NULL when the object must carry its content (opaque
 * signed-data).  One weft_smime_info per signer into *OUT (*N of them;
 * free each with weft_mail__smime_info_free, then the array).
 *   GPG_ERR_BAD_DATA   not a well-formed CMS signed-data object, or one
 *                      that does not fit (content where none was
 *                      expected, or none where it was)
 *   GPG_ERR_NO_DATA    no signer in it
 *   GPG_ERR_TOO_LARGE  nested deeper than WEFT_MAIL_MAX_BER_DEPTH, more
 *                      than WEFT_MAIL_MAX_SIGNERS signers
 *   GPG_ERR_ENOMEM
 * with DIAG set.  Problems of one signer (unknown algorithm, no
 * certificate, a bad signature) are in its verdict, not errors. */
gpg_error_t weft_mail__smime(weft_ctx *ctx, const uint8_t *der, size_t len,
			     const weft_mime *m, const weft_mime_part *signed_,
			     weft_smime_info **out, size_t *n,
			     weft_diag *diag);
void weft_mail__smime_info_free(weft_smime_info *s);
/* Is DER (LEN octets) one well-formed BER/DER value with nothing but
 * zero octets after it, nested at most WEFT_MAIL_MAX_BER_DEPTH deep?
 * 0, GPG_ERR_BAD_DATA or GPG_ERR_TOO_LARGE with DIAG set. */
gpg_error_t weft_mail__ber_check(const uint8_t *der, size_t len,
				 weft_diag *diag);

/* ---- the X.509 bridge's hook (x509-hook.c) ---------------------------------- */

typedef struct weft_x509_der {
	const uint8_t *der;
	size_t len;
} weft_x509_der;

typedef struct weft_x509_chain {
	bool authenticated;      /* chains to an imported CA, valid at AT */
	int amount;              /* the trust amount, as for OpenPGP */
	char status[160];        /* one line: "unknown CA", "issued by ..." */
} weft_x509_chain;

/* Does the certificate LEAF chain, through the certificates the message
 * carries (EXTRA), to a CA imported with weft x509 import, with every
 * certificate valid at AT, and is its signer authenticated from there
 * (the X.509 bridge: "unknown CA" when not)?  0 or an error of the
 * keyring. */
gpg_error_t weft_x509__chain_status(weft_ctx *ctx, const weft_x509_der *leaf,
				    const weft_x509_der *extra, size_t nextra,
				    int64_t at, weft_x509_chain *out);

#endif /* WEFT_VERIFY_MAIL_H */
