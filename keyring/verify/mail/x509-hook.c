/* x509-hook.c - HOOK: the X.509 bridge's answer for S/MIME signers.
 *
 * ======================================================================
 *  The X.509 bridge (keyring/x509/, weft x509 import; see
 *  /work/shared/x509-bridge.md) does not exist yet.  When it does, it
 *  implements weft_x509__chain_status (declared in mail.h) and this
 *  file is deleted.  Until then every S/MIME signer is "unknown CA".
 * ======================================================================
 */
#include <stdio.h>
#include <string.h>

#include "mail.h"

gpg_error_t
weft_x509__chain_status(weft_ctx *ctx, const weft_x509_der *leaf,
			const weft_x509_der *extra, size_t nextra, int64_t at,
			weft_x509_chain *out)
{
	(void)ctx;
	(void)leaf;
	(void)extra;
	(void)nextra;
	(void)at;
	memset(out, 0, sizeof *out);
	snprintf(out->status, sizeof out->status, "unknown CA");
	return 0;
}
