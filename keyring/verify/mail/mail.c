/* mail.c - weft_verify_mail: the signatures of a mail message (see
 * weft/mail.h for what is checked and mail.h for the modules).
 *
 *  1. Parse the MIME structure (mime.c); a damaged one is an error of
 *     the whole message.
 *  2. The From: address (addr.c): exactly one From: field with exactly
 *     one mailbox, else a reason why it cannot be checked.
 *  3. Walk the parts in message order:
 *     - multipart/signed: by its protocol (else by its second part's
 *       type), PGP/MIME or S/MIME over its first part;
 *     - application/pkcs7-mime with signed-data: opaque S/MIME;
 *     - a text part (or application/pgp): each armored block in it,
 *       after transfer decoding;
 *     - multipart/encrypted, enveloped S/MIME: noted, for the message
 *       that says why nothing was found.
 *     Each signature is an entry; a damaged one gets its own error and
 *     the others are still checked.
 *  4. For each good signature, the From: check: the OpenPGP key's user
 *     IDs (with the web of trust's answer for the one with the address),
 *     or the S/MIME certificate's addresses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail.h"
#include "../../ctx.h"
#include "../../cert/cert.h"
#include "../../util/mem.h"

typedef struct mctx {
	weft_ctx *ctx;
	const weft_mime *m;
	const struct weft_trust_opts *trust;
	bool no_trust;
	weft_mail_result *res;
	size_t cap;
	const char *encrypted;   /* a note: the message is encrypted */
	const char *unknown;     /* a multipart/signed weft cannot read */
} mctx;

/* ---- entries --------------------------------------------------------------------- */

/* Whether an error of weft_verify or weft_mail__smime is about the input
 * (the entry's own) rather than the keyring or memory (the call's). */
static bool
input_error(gpg_error_t err)
{
	switch (gpg_err_code(err)) {
	case GPG_ERR_NO_DATA:
	case GPG_ERR_BAD_DATA:
	case GPG_ERR_CHECKSUM:
	case GPG_ERR_TOO_LARGE:
	case GPG_ERR_INV_PACKET:
	case GPG_ERR_UNKNOWN_VERSION:
	case GPG_ERR_EOF:
		return true;
	default:
		return false;
	}
}

static gpg_error_t
new_sig(mctx *x, int kind, const weft_mime_part *at,
	const weft_mime_part *covers, weft_mail_sig **out)
{
	weft_mail_sig *s;
	gpg_error_t err;

	*out = NULL;
	if (x->res->n >= WEFT_MAIL_MAX_SIGS)
		return weft_ctx__error(x->ctx, WEFT_ERR(GPG_ERR_TOO_LARGE),
				       "more than %u signatures in one message",
				       WEFT_MAIL_MAX_SIGS);
	if ((err = weft_grow((void **)&x->res->v, &x->cap, x->res->n + 1,
			     sizeof *x->res->v)))
		return err;
	s = &x->res->v[x->res->n];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	if (!(s->part = strdup(at->id)) ||
	    !(s->signed_part = strdup(covers ? covers->id : at->id))) {
		free(s->part);
		return WEFT_ERR(GPG_ERR_ENOMEM);
	}
	x->res->n++;
	*out = s;
	return 0;
}

static void
sig_fail(weft_mail_sig *s, gpg_error_t err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
sig_fail(weft_mail_sig *s, gpg_error_t err, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (s->err)
		return;
	s->err = err;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	s->problem = strdup(buf);
}

/* Is part P all there is: does every part that encloses it hold only
 * it? */
static bool
alone(const weft_mime *m, const weft_mime_part *p)
{
	while (p->parent != WEFT_MIME_NONE) {
		p = &m->parts[p->parent];
		if (p->nchildren != 1)
			return false;
	}
	return true;
}

/* micalg (RFC 3156 5, RFC 8551 3.5.3) names the hash: "pgp-sha256",
 * "sha-256", "sha256"; a list separated by commas for several
 * signers.  Does it name NAME ("SHA256")? */
static bool
micalg_names(const char *micalg, const char *name)
{
	char want[32], got[32];
	const char *s = micalg;
	size_t i, k;

	for (i = k = 0; name[i] && k + 1 < sizeof want; i++)
		if (name[i] != '-')
			want[k++] = (char)(name[i] >= 'A' && name[i] <= 'Z'
					   ? name[i] + 32 : name[i]);
	want[k] = 0;
	while (*s) {
		while (*s == ' ' || *s == ',')
			s++;
		if (!strncmp(s, "pgp-", 4))
			s += 4;
		for (k = 0; *s && *s != ',' && *s != ' '; s++)
			if (*s != '-' && k + 1 < sizeof got)
				got[k++] = *s;
		got[k] = 0;
		if (k && !strcmp(got, want))
			return true;
	}
	return false;
}

static const char *
pgp_hash_name(int a)
{
	switch (a) {
	case 1: return "MD5";
	case 2: return "SHA1";
	case 3: return "RIPEMD160";
	case 8: return "SHA256";
	case 9: return "SHA384";
	case 10: return "SHA512";
	case 11: return "SHA224";
	case 12: return "SHA3-256";
	case 14: return "SHA3-512";
	default: return "unknown";
	}
}

static gpg_error_t
take_micalg(weft_mail_sig *s, const weft_mime_part *p)
{
	const char *v = weft_mime_param(p, "micalg");
	size_t i;

	if (!v)
		return 0;
	if (!(s->micalg = strdup(v)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (i = 0; s->micalg[i]; i++)
		if (s->micalg[i] >= 'A' && s->micalg[i] <= 'Z')
			s->micalg[i] = (char)(s->micalg[i] + 32);
	return 0;
}

/* ---- 4. the From: check ------------------------------------------------------------- */

static gpg_error_t
from_pgp(mctx *x, weft_mail_sig *s)
{
	size_t i, k;
	gpg_error_t err;

	if (!(s->from = calloc(s->pgp->n ? s->pgp->n : 1, sizeof *s->from)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (!x->res->from || x->res->from_problem)
		return 0;
	for (i = 0; i < s->pgp->n; i++) {
		const weft_sig_info *si = &s->pgp->sigs[i];
		weft_mail_from *f = &s->from[i];
		weft_binding_list *l = NULL;
		const weft_binding_info *best = NULL;
		char addr[512];

		if (si->verdict != WEFT_VERDICT_GOOD || !si->primary_fpr[0])
			continue;
		f->checked = true;
		err = weft_identify(x->ctx, si->primary_fpr, x->trust, &l);
		if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND) {
			weft_binding_list_free(l);
			return err;
		}
		for (k = 0; l && k < l->n; k++)
			if (weft_uid_email((const uint8_t *)l->v[k].uid,
					   l->v[k].uid_len, addr, sizeof addr) &&
			    !strcmp(addr, x->res->from) &&
			    (!best || l->v[k].amount > best->amount))
				best = &l->v[k];
		if (best) {
			f->matches = true;
			f->uid = strndup(best->uid, best->uid_len);
			if (!x->no_trust) {
				f->amount = best->amount;
				f->authenticated = best->authenticated;
			}
		}
		weft_binding_list_free(l);
		if (best && !f->uid)
			return WEFT_ERR(GPG_ERR_ENOMEM);
	}
	return 0;
}

static gpg_error_t
from_smime(mctx *x, weft_mail_sig *s)
{
	size_t i;

	if (!(s->from = calloc(1, sizeof *s->from)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (!x->res->from || x->res->from_problem ||
	    s->smime->verdict != WEFT_VERDICT_GOOD)
		return 0;
	s->from->checked = true;
	for (i = 0; i < s->smime->nemails; i++)
		if (!strcmp(s->smime->emails[i], x->res->from)) {
			s->from->matches = true;
			if (!(s->from->uid = strdup(x->res->from)))
				return WEFT_ERR(GPG_ERR_ENOMEM);
			s->from->authenticated = s->smime->authenticated;
			s->from->amount = s->smime->amount;
			break;
		}
	return 0;
}

/* ---- OpenPGP ------------------------------------------------------------------------- */

typedef struct memsrc {
	const uint8_t *p;
	size_t n, off;
} memsrc;

static gpg_error_t
mem_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	memsrc *s = opaque;

	if (n > s->n - s->off)
		n = s->n - s->off;
	memcpy(buf, s->p + s->off, n);
	s->off += n;
	*got = n;
	return 0;
}

/* weft_verify into S: an input error is S's, others are returned. */
static gpg_error_t
run_verify(mctx *x, weft_mail_sig *s, weft_verify_params *vp)
{
	gpg_error_t err;

	vp->trust = x->trust;
	vp->no_trust = x->no_trust;
	err = weft_verify(x->ctx, vp, &s->pgp);
	if (err) {
		if (!input_error(err))
			return err;
		sig_fail(s, err, "%s", weft_ctx_error(x->ctx)[0]
			 ? weft_ctx_error(x->ctx) : gpg_strerror(err));
		x->ctx->error[0] = 0;
		return 0;
	}
	return from_pgp(x, s);
}

/* PGP/MIME (RFC 3156 5): the multipart/signed P. */
static gpg_error_t
pgp_mime(mctx *x, const weft_mime_part *p)
{
	const weft_mime *m = x->m;
	const weft_mime_part *c1 = NULL, *c2 = NULL;
	weft_mail_sig *s;
	weft_verify_params vp;
	weft_mime_canon canon;
	weft_buf sig;
	size_t i;
	gpg_error_t err;

	if (p->first_child != WEFT_MIME_NONE) {
		c1 = &m->parts[p->first_child];
		if (c1->next_sibling != WEFT_MIME_NONE)
			c2 = &m->parts[c1->next_sibling];
	}
	if ((err = new_sig(x, WEFT_MAIL_PGPMIME, p, c1, &s)) ||
	    (err = take_micalg(s, p)))
		return err;
	s->whole_message = alone(m, p);
	if (p->nchildren != 2) {
		sig_fail(s, WEFT_ERR(GPG_ERR_BAD_DATA),
			 "part %s is multipart/signed with %zu parts; it must "
			 "have two (the signed part and the signature)",
			 p->id, p->nchildren);
		return 0;
	}
	if (!weft_mime_is(c2, "application/pgp-signature")) {
		sig_fail(s, WEFT_ERR(GPG_ERR_BAD_DATA),
			 "part %s should be the signature "
			 "(application/pgp-signature), but it is %s",
			 c2->id, c2->type);
		return 0;
	}
	weft_buf_init(&sig);
	if ((err = weft_mime_decode(m, c2, &sig))) {
		weft_buf_free(&sig);
		return err;
	}
	if (!sig.len) {
		weft_buf_free(&sig);
		sig_fail(s, WEFT_ERR(GPG_ERR_NO_DATA),
			 "the signature part %s is empty", c2->id);
		return 0;
	}
	weft_mime_canon_init(&canon, m, c1);
	memset(&vp, 0, sizeof vp);
	vp.signature = sig.data;
	vp.signature_len = sig.len;
	vp.read = weft_mime_canon_read;
	vp.read_opaque = &canon;
	err = run_verify(x, s, &vp);
	weft_buf_free(&sig);
	if (err || !s->pgp || !s->micalg)
		return err;
	for (i = 0; i < s->pgp->n; i++)
		if (s->pgp->sigs[i].verdict != WEFT_VERDICT_ERROR &&
		    !micalg_names(s->micalg,
				  pgp_hash_name(s->pgp->sigs[i].hash_algo)))
			s->micalg_mismatch = true;
	return 0;
}

/* The line of TEXT at POS: content [POS, *LE) without trailing white
 * space or CR; the next line at *NEXT. */
static void
text_line(const uint8_t *t, size_t n, size_t pos, size_t *le, size_t *next)
{
	const uint8_t *lf = memchr(t + pos, '\n', n - pos);

	*next = lf ? (size_t)(lf - t) + 1 : n;
	*le = lf ? (size_t)(lf - t) : n;
	while (*le > pos && (t[*le - 1] == '\r' || t[*le - 1] == ' ' ||
			     t[*le - 1] == '\t'))
		(*le)--;
}

static bool
line_is(const uint8_t *t, size_t pos, size_t le, const char *s)
{
	size_t n = strlen(s);

	return le - pos == n && !memcmp(t + pos, s, n);
}

/* Inline PGP: every armored signed block of the text part P. */
static gpg_error_t
inline_pgp(mctx *x, const weft_mime_part *p)
{
	static const char begin_clear[] = "-----BEGIN PGP SIGNED MESSAGE-----";
	static const char begin_msg[] = "-----BEGIN PGP MESSAGE-----";
	const weft_mime *m = x->m;
	weft_buf text;
	size_t pos = 0, le, next, first = x->res->n, i;
	bool outside = false;
	gpg_error_t err = 0;

	if (p->cte == WEFT_CTE_UNKNOWN)
		return 0;
	weft_buf_init(&text);
	if ((err = weft_mime_decode(m, p, &text)))
		goto leave;
	if (!text.len || !memmem(text.data, text.len, "-----BEGIN PGP ", 15))
		goto leave;
	while (pos < text.len) {
		const char *end_marker = NULL, *end2 = NULL;
		weft_mail_sig *s;
		weft_verify_params vp;
		memsrc src;
		size_t bstart = pos, bend = text.len;

		text_line(text.data, text.len, pos, &le, &next);
		if (line_is(text.data, pos, le, begin_clear)) {
			end_marker = "-----BEGIN PGP SIGNATURE-----";
			end2 = "-----END PGP SIGNATURE-----";
		} else if (line_is(text.data, pos, le, begin_msg)) {
			end2 = "-----END PGP MESSAGE-----";
		} else {
			if (le > pos)
				outside = true;
			pos = next;
			continue;
		}
		/* the block runs to its END line (or to the end) */
		for (pos = next; pos < text.len; pos = next) {
			text_line(text.data, text.len, pos, &le, &next);
			if (end_marker && line_is(text.data, pos, le, end_marker))
				end_marker = NULL;
			else if (!end_marker && line_is(text.data, pos, le, end2)) {
				bend = next;
				pos = next;
				break;
			}
		}
		if ((err = new_sig(x, WEFT_MAIL_INLINE, p, NULL, &s)))
			goto leave;
		memset(&vp, 0, sizeof vp);
		src.p = text.data + bstart;
		src.n = bend - bstart;
		src.off = 0;
		vp.read = mem_read;
		vp.read_opaque = &src;
		if ((err = run_verify(x, s, &vp)))
			goto leave;
	}
	for (i = first; i < x->res->n; i++) {
		x->res->v[i].unsigned_text = outside;
		x->res->v[i].whole_message = !outside && alone(m, p);
	}
leave:
	weft_buf_free(&text);
	return err;
}

/* ---- S/MIME ---------------------------------------------------------------------------- */

/* The CMS object DER (LEN octets) at part AT over part COVERS (NULL:
 * opaque): one entry per signer, or one with the error. */
static gpg_error_t
smime(mctx *x, int kind, const weft_mime_part *at,
      const weft_mime_part *covers, const uint8_t *der, size_t len,
      const weft_mime_part *sigpart)
{
	weft_smime_info *v = NULL;
	weft_mail_sig *s;
	weft_diag diag;
	size_t n = 0, i;
	gpg_error_t err;

	weft_diag_clear(&diag);
	err = weft_mail__smime(x->ctx, der, len, x->m, covers, &v, &n, &diag);
	if (err) {
		if (!input_error(err))
			return err;
		if ((err = new_sig(x, kind, at, covers, &s)) ||
		    (err = take_micalg(s, at)))
			return err;
		s->whole_message = alone(x->m, at);
		sig_fail(s, WEFT_ERR(GPG_ERR_BAD_DATA),
			 "the S/MIME signature in part %s cannot be checked: %s",
			 sigpart->id, diag.msg);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if ((err = new_sig(x, kind, at, covers, &s)) ||
		    (err = take_micalg(s, at)))
			break;
		s->whole_message = alone(x->m, at);
		if (!(s->smime = malloc(sizeof *s->smime))) {
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			break;
		}
		*s->smime = v[i];
		memset(&v[i], 0, sizeof v[i]);
		if (s->micalg && s->smime->verdict != WEFT_VERDICT_ERROR &&
		    s->smime->verdict != WEFT_VERDICT_NO_KEY &&
		    !micalg_names(s->micalg, s->smime->hash))
			s->micalg_mismatch = true;
		if ((err = from_smime(x, s)))
			break;
	}
	for (i = 0; i < n; i++)
		weft_mail__smime_info_free(&v[i]);
	free(v);
	return err;
}

/* multipart/signed P with an S/MIME protocol. */
static gpg_error_t
smime_signed(mctx *x, const weft_mime_part *p)
{
	const weft_mime *m = x->m;
	const weft_mime_part *c1 = NULL, *c2 = NULL;
	weft_mail_sig *s;
	weft_buf der;
	gpg_error_t err;

	if (p->first_child != WEFT_MIME_NONE) {
		c1 = &m->parts[p->first_child];
		if (c1->next_sibling != WEFT_MIME_NONE)
			c2 = &m->parts[c1->next_sibling];
	}
	if (p->nchildren != 2 ||
	    (!weft_mime_is(c2, "application/pkcs7-signature") &&
	     !weft_mime_is(c2, "application/x-pkcs7-signature"))) {
		if ((err = new_sig(x, WEFT_MAIL_SMIME, p, c1, &s)))
			return err;
		if (p->nchildren != 2)
			sig_fail(s, WEFT_ERR(GPG_ERR_BAD_DATA),
				 "part %s is multipart/signed with %zu parts; it "
				 "must have two (the signed part and the "
				 "signature)", p->id, p->nchildren);
		else
			sig_fail(s, WEFT_ERR(GPG_ERR_BAD_DATA),
				 "part %s should be the signature "
				 "(application/pkcs7-signature), but it is %s",
				 c2->id, c2->type);
		return 0;
	}
	weft_buf_init(&der);
	if (!(err = weft_mime_decode(m, c2, &der)))
		err = smime(x, WEFT_MAIL_SMIME, p, c1, der.data, der.len, c2);
	weft_buf_free(&der);
	return err;
}

/* application/pkcs7-mime P: opaque signed-data (enveloped data only
 * noted). */
static gpg_error_t
smime_opaque(mctx *x, const weft_mime_part *p)
{
	const char *t = weft_mime_param(p, "smime-type");
	weft_buf der;
	gpg_error_t err;

	if (t && strcasecmp(t, "signed-data")) {
		if (!strcasecmp(t, "enveloped-data") ||
		    !strcasecmp(t, "authenveloped-data"))
			x->encrypted = "an S/MIME encrypted message "
				       "(application/pkcs7-mime enveloped-data): "
				       "decrypt it with gpgsm or openssl first";
		return 0;               /* certs-only, compressed-data */
	}
	weft_buf_init(&der);
	if ((err = weft_mime_decode(x->m, p, &der)))
		goto leave;
	/* without smime-type: only what is signed-data */
	if (!t && (der.len < 15 ||
		   !memmem(der.data, 20 < der.len ? 20 : der.len,
			   "\x06\x09\x2A\x86\x48\x86\xF7\x0D\x01\x07\x02", 11)))
		goto leave;
	err = smime(x, WEFT_MAIL_SMIME_OPAQUE, p, NULL, der.data, der.len, p);
leave:
	weft_buf_free(&der);
	return err;
}

/* ---- 3. the walk ------------------------------------------------------------------------ */

static gpg_error_t
walk(mctx *x)
{
	const weft_mime *m = x->m;
	size_t i;
	gpg_error_t err = 0;

	for (i = 0; i < m->n && !err; i++) {
		const weft_mime_part *p = &m->parts[i];

		if (weft_mime_is(p, "multipart/signed")) {
			const char *proto = weft_mime_param(p, "protocol");
			char lp[64] = "";
			size_t k;

			if (!proto && p->first_child != WEFT_MIME_NONE &&
			    m->parts[p->first_child].next_sibling != WEFT_MIME_NONE)
				proto = m->parts[m->parts[p->first_child]
						 .next_sibling].type;
			for (k = 0; proto && proto[k] && k + 1 < sizeof lp; k++)
				lp[k] = (char)(proto[k] >= 'A' && proto[k] <= 'Z'
					       ? proto[k] + 32 : proto[k]);
			lp[k] = 0;
			if (!strcmp(lp, "application/pgp-signature"))
				err = pgp_mime(x, p);
			else if (!strcmp(lp, "application/pkcs7-signature") ||
				 !strcmp(lp, "application/x-pkcs7-signature"))
				err = smime_signed(x, p);
			else
				x->unknown = "a multipart/signed part with a "
					     "protocol weft does not know";
		} else if (weft_mime_is(p, "multipart/encrypted")) {
			x->encrypted = "an encrypted message (multipart/encrypted): "
				       "decrypt it with gpg or sq first";
		} else if (weft_mime_is(p, "application/pkcs7-mime") ||
			   weft_mime_is(p, "application/x-pkcs7-mime")) {
			err = smime_opaque(x, p);
		} else if (p->nchildren == 0 && !weft_mime_is(p, "multipart/") &&
			   (weft_mime_is(p, "text/") ||
			    weft_mime_is(p, "application/pgp"))) {
			err = inline_pgp(x, p);
		}
	}
	return err;
}

/* ---- the entry -------------------------------------------------------------------------- */

static gpg_error_t
from_field(mctx *x)
{
	weft_mail_result *r = x->res;
	char addr[512], why[128] = "";
	unsigned count = 0;
	bool found;

	if (!x->m->from) {
		snprintf(why, sizeof why, "the message has no From: header");
	} else {
		found = weft_mail__from_address(x->m->from, addr, sizeof addr,
						&count);
		if (found && !(r->from = strdup(addr)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		if (x->m->nfrom > 1)
			snprintf(why, sizeof why, "the message has %u From: "
				 "headers", x->m->nfrom);
		else if (!found)
			snprintf(why, sizeof why, "the From: header holds no "
				 "address weft can read");
		else if (count > 1)
			snprintf(why, sizeof why, "the From: header names %u "
				 "mailboxes", count);
	}
	if (why[0] && !(r->from_problem = strdup(why)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	return 0;
}

gpg_error_t
weft_verify_mail(weft_ctx *ctx, const void *msg, size_t len,
		 const struct weft_trust_opts *trust, bool no_trust,
		 weft_mail_result **out)
{
	weft_mime m;
	mctx x;
	gpg_error_t err;

	*out = NULL;
	ctx->error[0] = 0;
	memset(&x, 0, sizeof x);
	if (!msg && len)
		return WEFT_ERR(GPG_ERR_INV_ARG);
	/* 1 */
	if ((err = weft_mime_parse(&m, msg, len))) {
		weft_ctx__error(ctx, err, "%s", m.diag.msg[0] ? m.diag.msg
					    : gpg_strerror(err));
		weft_mime_free(&m);
		return err;
	}
	x.ctx = ctx;
	x.m = &m;
	x.trust = trust;
	x.no_trust = no_trust;
	if (!(x.res = calloc(1, sizeof *x.res))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	x.res->nparts = m.n;
	/* 2, 3 */
	if ((err = from_field(&x)) || (err = walk(&x)))
		goto leave;
	if (!x.res->n)
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_DATA),
			"no signature in the message%s%s",
			x.encrypted || x.unknown ? ": " : " (no PGP/MIME, inline "
			"PGP or S/MIME signature)",
			x.encrypted ? x.encrypted : x.unknown ? x.unknown : "");
leave:
	weft_mime_free(&m);
	if (err) {
		if (!ctx->error[0])
			weft_ctx__error(ctx, err, "%s", gpg_strerror(err));
		weft_mail_result_free(x.res);
		return err;
	}
	ctx->error[0] = 0;
	*out = x.res;
	return 0;
}

void
weft_mail_result_free(weft_mail_result *r)
{
	size_t i, k;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		weft_mail_sig *s = &r->v[i];
		size_t nf = s->pgp ? s->pgp->n : 1;

		for (k = 0; s->from && k < nf; k++)
			free(s->from[k].uid);
		free(s->from);
		free(s->part);
		free(s->signed_part);
		free(s->micalg);
		free(s->problem);
		weft_verify_result_free(s->pgp);
		weft_mail__smime_info_free(s->smime);
		free(s->smime);
	}
	free(r->v);
	free(r->from);
	free(r->from_problem);
	free(r);
}
