/* x509-hook.c - the X.509 bridge's answer for S/MIME signers: does the
 * signer's certificate chain to a root imported with weft x509 import,
 * and is the signer ("CN <email>") authenticated through the web of
 * trust from there (keyring/x509/x509.h, weft_x509_chain_for_smime)? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "../../x509/x509.h"

#define MAX_EXTRA 64u

gpg_error_t
weft_x509__chain_status(weft_ctx *ctx, const weft_x509_der *leaf,
			const weft_x509_der *extra, size_t nextra, int64_t at,
			weft_x509_chain *out)
{
	const unsigned char *ders[MAX_EXTRA];
	size_t lens[MAX_EXTRA], i;
	weft_x509_smime_result r;
	char *line = NULL, fpr[65];
	gpg_error_t err;

	memset(out, 0, sizeof *out);
	memset(&r, 0, sizeof r);
	if (nextra > MAX_EXTRA)
		nextra = MAX_EXTRA;     /* a message carries a few */
	for (i = 0; i < nextra; i++) {
		ders[i] = extra[i].der;
		lens[i] = extra[i].len;
	}
	err = weft_x509_chain_for_smime(ctx, leaf->der, leaf->len, ders, lens,
					nextra, at, &line, fpr, &r);
	if (err) {
		snprintf(out->status, sizeof out->status,
			 "the certificate cannot be checked: %s",
			 gpg_strerror(err));
		free(r.uid);
		free(line);
		return gpg_err_code(err) == GPG_ERR_BAD_CERT ? 0 : err;
	}
	out->authenticated = r.chains && r.authenticated;
	out->amount = r.chains ? r.amount : 0;
	snprintf(out->status, sizeof out->status, "%s",
		 line ? line : r.chains ? "chains to an imported root"
					: "unknown CA");
	free(r.uid);
	free(line);
	return 0;
}
