/* secret.h - secret keys: storage in the keyring (protected), import of
 * secret key packets, unlocking, key generation and signing.
 *
 * The secrets database (WEFT_DB_SECRETS) maps a primary fingerprint to a
 * record holding the protected secret key packets of that certificate's
 * primary key and subkeys.  Secret material is never written unprotected
 * unless the user asked for it; in memory it lives in libgcrypt's secure
 * memory and is wiped after use.
 */
#ifndef WEFT_SECRET_H
#define WEFT_SECRET_H

#include "../internal.h"
#include "../cert/cert.h"
#include "../ctx.h"
#include "../util/diag.h"

/* Called by import (inside its write transaction) for every accepted
 * certificate C whose input carried secret key packets (C->secrets: the
 * packets as read, with new-format headers).  Merges them into the
 * secrets database: protected packets are stored as they are; an
 * unprotected one is protected with a passphrase asked through the
 * context's passphrase callback (or refused, with a note, when there is
 * none).  Sets *STORED when secret material was stored (or was already
 * there).  Writes one line for the import report into NOTE.  Errors other
 * than GPG_ERR_ENOMEM and store failures are reported in NOTE and return
 * 0: the public part is imported regardless. */
gpg_error_t weft_secret__import(weft_ctx *ctx, weft_txn *t, const weft_cert *c,
				bool *stored, weft_diag *note);

/* Does the keyring hold secret material for the certificate with primary
 * fingerprint FPR?  (Own keys are trust roots.) */
bool weft_secret__have(weft_txn *t, const uint8_t *fpr, size_t fpr_len);

#endif /* WEFT_SECRET_H */
