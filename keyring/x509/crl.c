/* crl.c - certificate revocation lists with libksba: the issuer, the
 * revoked serials with their dates and reasons, and the signature over
 * the TBSCertList (collected through libksba's hash callback and checked
 * by crypto/x509.c, as for certificates).
 */
#include "x509.h"

#include <stdio.h>
#include <stdlib.h>
#include <ksba.h>

#define MAX_ENTRIES (1u << 20)

/* libksba's hash callback: collect the TBSCertList. */
static void
collect(void *arg, const void *p, size_t n)
{
	weft_buf_put(arg, p, n);
}

/* 1. Parse with libksba, collecting the signed part and every entry.
 * 2. Issuer, update times, signature value and algorithm. */
gpg_error_t
weft_x509_crl_parse(weft_x509_crl **out, const uint8_t *der, size_t len,
		    weft_diag *diag)
{
	weft_x509_crl *c;
	ksba_crl_t kc = NULL;
	ksba_reader_t rd = NULL;
	ksba_stop_reason_t sr;
	ksba_sexp_t sx = NULL;
	ksba_isotime_t t, t2;
	ksba_crl_reason_t reason;
	weft_buf tbs;
	size_t cap = 0, dlen;
	char *iss = NULL;
	gpg_error_t err;

	*out = NULL;
	if (!len || len > WEFT_X509_MAX_CRL)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				     "not a CRL (size %zu)", len);
	if (!(c = calloc(1, sizeof *c)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	weft_buf_init(&tbs);
	if ((err = weft_hash_buffer(WEFT_HASH_SHA256, der, len, c->sha256,
				    &dlen)))
		goto leave;
	if (!(c->der = malloc(len))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	memcpy(c->der, der, len);
	c->der_len = len;
	/* 1 */
	if ((err = weft_der_check(der, len, 32))) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				    "not a CRL: malformed DER (%s)",
				    gpg_strerror(err));
		goto leave;
	}
	if ((err = ksba_crl_new(&kc)) || (err = ksba_reader_new(&rd)) ||
	    (err = ksba_reader_set_mem(rd, der, len)) ||
	    (err = ksba_crl_set_reader(kc, rd)))
		goto leave;
	ksba_crl_set_hash_function(kc, collect, &tbs);
	do {
		if ((err = ksba_crl_parse(kc, &sr))) {
			err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					    "not a CRL libksba can read: %s",
					    gpg_strerror(err));
			goto leave;
		}
		if (sr == KSBA_SR_GOT_ITEM) {
			weft_x509_crl_entry *e;

			if (ksba_crl_get_item(kc, &sx, t, &reason)) {
				err = weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_BAD_DATA),
					"an unreadable CRL entry");
				goto leave;
			}
			if (c->nentries == MAX_ENTRIES) {
				err = weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_TOO_LARGE),
					"more than %u CRL entries",
					MAX_ENTRIES);
				goto leave;
			}
			if (c->nentries == cap) {
				size_t nc = cap ? cap * 2 : 16;

				e = realloc(c->entries, nc * sizeof *e);
				if (!e) {
					err = WEFT_ERR(GPG_ERR_ENOMEM);
					goto leave;
				}
				c->entries = e;
				cap = nc;
			}
			e = &c->entries[c->nentries++];
			memset(e, 0, sizeof *e);
			weft_x509__serial_hex(sx, e->serial, sizeof e->serial);
			weft_x509__iso_time(t, &e->when);
			e->reason = reason;
			ksba_free(sx);
			sx = NULL;
		}
	} while (sr != KSBA_SR_READY);
	if ((err = weft_buf_error(&tbs)))
		goto leave;
	c->tbs = weft_buf_steal(&tbs, &c->tbs_len);
	/* 2 */
	if (ksba_crl_get_issuer(kc, &iss) || !iss) {
		err = weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
				    "the CRL names no issuer");
		goto leave;
	}
	if (!(c->issuer = strdup(iss))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	if (!ksba_crl_get_update_times(kc, t, t2)) {
		weft_x509__iso_time(t, &c->this_update);
		weft_x509__iso_time(t2, &c->next_update);
	}
	c->sig_hash = weft_x509_sigalg_of(ksba_crl_get_digest_algo(kc),
					  &c->sigalg, &c->sigalg_name);
	sx = ksba_crl_get_sig_val(kc);
	dlen = weft_x509__canon_len(sx, 64 * 1024);
	if (!dlen || !(c->sigval = malloc(dlen))) {
		err = dlen ? WEFT_ERR(GPG_ERR_ENOMEM)
			   : weft_diag_set(diag, WEFT_ERR(GPG_ERR_BAD_DATA),
					   "the CRL has no readable signature");
		goto leave;
	}
	memcpy(c->sigval, sx, dlen);
	c->sigval_len = dlen;
leave:
	ksba_free(sx);
	ksba_free(iss);
	ksba_crl_release(kc);
	ksba_reader_release(rd);
	weft_buf_free(&tbs);
	if (err) {
		weft_x509_crl_free(c);
		return err;
	}
	*out = c;
	return 0;
}

void
weft_x509_crl_free(weft_x509_crl *c)
{
	if (!c)
		return;
	free(c->issuer);
	free(c->der);
	free(c->entries);
	free(c->tbs);
	free(c->sigval);
	free(c);
}

gpg_error_t
weft_x509_crl_verify(const weft_x509_crl *crl, const weft_x509_cert *issuer)
{
	switch (crl->sigalg) {
	case WEFT_X509_SIG_RSA:
	case WEFT_X509_SIG_ECDSA:
	case WEFT_X509_SIG_ED25519:
		break;
	default:
		return WEFT_ERR(GPG_ERR_NOT_SUPPORTED);
	}
	if (crl->sig_hash == WEFT_HASH_MD5 || crl->sig_hash == WEFT_HASH_SHA1)
		return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
	return weft_x509_sig_verify(issuer->key_sexp, issuer->key_sexp_len,
				    crl->sigval, crl->sigval_len,
				    crl->sig_hash, crl->tbs, crl->tbs_len);
}

const char *
weft_x509_reason_name(unsigned r)
{
	if (r & KSBA_CRLREASON_KEY_COMPROMISE)
		return "keyCompromise";
	if (r & KSBA_CRLREASON_CA_COMPROMISE)
		return "cACompromise";
	if (r & KSBA_CRLREASON_AFFILIATION_CHANGED)
		return "affiliationChanged";
	if (r & KSBA_CRLREASON_SUPERSEDED)
		return "superseded";
	if (r & KSBA_CRLREASON_CESSATION_OF_OPERATION)
		return "cessationOfOperation";
	if (r & KSBA_CRLREASON_CERTIFICATE_HOLD)
		return "certificateHold";
	if (r & KSBA_CRLREASON_PRIVILEGE_WITHDRAWN)
		return "privilegeWithdrawn";
	if (r & KSBA_CRLREASON_AA_COMPROMISE)
		return "aACompromise";
	if (r & KSBA_CRLREASON_UNSPECIFIED)
		return "unspecified";
	return "no reason given";
}
