/* export.c - writing certificates out (weft_export). */
#include <stdlib.h>

#include "query.h"
#include "../ctx.h"
#include "../armor/armor.h"
#include "../secret/secret.h"

gpg_error_t
weft_export__finish(weft_buf *bin, bool armor, const char *label,
		    uint8_t **out, size_t *outlen)
{
	weft_buf arm;
	gpg_error_t err = 0;

	*out = NULL;
	*outlen = 0;
	if (!armor) {
		*out = weft_buf_steal(bin, outlen);
		return *out ? 0 : WEFT_ERR(GPG_ERR_ENOMEM);
	}
	weft_buf_init(&arm);
	if (bin->len)
		err = weft_armor_encode(&arm, label, NULL, 0, bin->data,
					bin->len);
	if (!err && !(*out = weft_buf_steal(&arm, outlen)))
		err = WEFT_ERR(GPG_ERR_ENOMEM);
	weft_buf_free(&arm);
	weft_buf_reset(bin);
	return err;
}

gpg_error_t
weft_export(weft_ctx *ctx, const char *const *queries, size_t n,
	    unsigned flags, uint8_t **out, size_t *outlen)
{
	weft_txn *txn = NULL;
	weft_fprset set = { NULL, 0, 0 };
	weft_buf bin;
	weft_cert *c;
	weft_diag d = { { 0 } };
	size_t i, before;
	unsigned wflags = WEFT_CERT_WRITE_UNCHECKED;
	gpg_error_t err;

	*out = NULL;
	*outlen = 0;
	ctx->error[0] = 0;
	weft_buf_init(&bin);
	if (flags & WEFT_EXPORT_LOCAL)
		wflags |= WEFT_CERT_WRITE_LOCAL;
	if ((err = weft_ctx__txn(ctx, false, &txn)))
		goto leave;
	if (flags & WEFT_EXPORT_SECRET) {
		/* Transferable secret keys: secret/export.c. */
		err = weft_secret__export(ctx, txn, queries, n, flags, out,
					  outlen);
		goto leave;
	}
	if (!n && (err = weft_query_resolve(txn, NULL, 0, &set)))
		goto leave;
	for (i = 0; i < n; i++) {
		before = set.n;
		if ((err = weft_query_resolve(txn, queries[i], 0, &set)))
			goto leave;
		if (set.n == before) {
			err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
					      "no key matches \"%s\"",
					      queries[i]);
			goto leave;
		}
	}
	weft_fprset_sort(&set);
	for (i = 0; i < set.n; i++) {
		if ((err = weft_store_cert_load(txn, set.v[i] + 1, set.v[i][0],
						&c, &d)))
			goto leave;
		err = weft_cert_write(c, wflags, &bin, NULL, NULL);
		weft_cert_free(c);
		if (err)
			goto leave;
	}
	err = weft_export__finish(&bin, flags & WEFT_EXPORT_ARMOR,
				  "PGP PUBLIC KEY BLOCK", out, outlen);
leave:
	if (err && !ctx->error[0])
		weft_ctx__error(ctx, err, "export failed: %s",
				d.msg[0] ? d.msg : gpg_strerror(err));
	weft_fprset_free(&set);
	weft_txn_abort(txn);
	weft_buf_free(&bin);
	return err;
}

gpg_error_t
weft_export_uid(weft_ctx *ctx, const char *key, const char *uid,
		size_t uid_len, unsigned flags, uint8_t **out, size_t *outlen)
{
	weft_txn *txn = NULL;
	weft_fprset set = { NULL, 0, 0 };
	weft_buf bin;
	weft_cert *c = NULL, one;
	weft_diag d = { { 0 } };
	size_t i;
	unsigned wflags = WEFT_CERT_WRITE_UNCHECKED;
	gpg_error_t err;

	*out = NULL;
	*outlen = 0;
	ctx->error[0] = 0;
	weft_buf_init(&bin);
	if (flags & WEFT_EXPORT_LOCAL)
		wflags |= WEFT_CERT_WRITE_LOCAL;
	if (flags & WEFT_EXPORT_SECRET) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"one user ID is exported with the public key only");
		goto leave;
	}
	if ((err = weft_ctx__txn(ctx, false, &txn)) ||
	    (err = weft_query_resolve(txn, key, 0, &set)))
		goto leave;
	weft_fprset_sort(&set);
	if (set.n != 1) {
		err = weft_ctx__error(ctx, WEFT_ERR(set.n ? GPG_ERR_AMBIGUOUS_NAME
						       : GPG_ERR_NOT_FOUND),
			set.n ? "\"%s\" matches %zu keys; give a fingerprint"
			      : "no key matches \"%s\"", key, set.n);
		goto leave;
	}
	if ((err = weft_store_cert_load(txn, set.v[0] + 1, set.v[0][0], &c,
					&d)))
		goto leave;
	for (i = 0; i < c->nuids; i++)
		if (c->uids[i].tag == WEFT_PKT_USER_ID &&
		    c->uids[i].len == uid_len &&
		    !memcmp(c->uids[i].data, uid, uid_len))
			break;
	if (i == c->nuids) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				      "the key has no such user ID");
		goto leave;
	}
	/* The same certificate seen through one user ID. */
	one = *c;
	one.uids = &c->uids[i];
	one.nuids = 1;
	if ((err = weft_cert_write(&one, wflags, &bin, NULL, NULL)))
		goto leave;
	err = weft_export__finish(&bin, flags & WEFT_EXPORT_ARMOR,
				  "PGP PUBLIC KEY BLOCK", out, outlen);
leave:
	if (err && !ctx->error[0])
		weft_ctx__error(ctx, err, "export failed: %s",
				d.msg[0] ? d.msg : gpg_strerror(err));
	weft_cert_free(c);
	weft_fprset_free(&set);
	weft_txn_abort(txn);
	weft_buf_free(&bin);
	return err;
}
