/* admin.c - trust roots and ownertrust: the user's own statements about
 * whom to trust, kept in the roots and ownertrust databases. */
#include <stdio.h>
#include <stdlib.h>

#include "trust.h"
#include "../ctx.h"
#include "../store/query.h"
#include "../util/mem.h"
#include <weft/trust.h>

/* The single key KEY names (fingerprint, key ID or exact address). */
static gpg_error_t
one_key(weft_ctx *ctx, weft_txn *txn, const char *key, uint8_t *fpr,
	size_t *len)
{
	weft_fprset set = { NULL, 0, 0 };
	gpg_error_t err;

	*len = 0;
	if ((err = weft_query_resolve(txn, key, WEFT_FIND_EXACT, &set)))
		goto leave;
	weft_fprset_sort(&set);
	if (!set.n)
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				      "no key %s in the keyring", key);
	else if (set.n > 1)
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_AMBIGUOUS_NAME),
			"%s names %zu keys; give the fingerprint", key, set.n);
	else {
		*len = set.v[0][0];
		memcpy(fpr, set.v[0] + 1, *len);
	}
leave:
	weft_fprset_free(&set);
	return err;
}

gpg_error_t
weft_root_add(weft_ctx *ctx, const char *key, int amount)
{
	weft_txn *txn = NULL;
	uint8_t fpr[WEFT_FPR_MAX];
	size_t len;
	char val[8];
	gpg_error_t err;

	ctx->error[0] = 0;
	if (amount < 1 || amount > WEFT_FULL)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
			"a root's amount is 1 to 120, not %d", amount);
	if ((err = weft_ctx__txn(ctx, true, &txn)) ||
	    (err = one_key(ctx, txn, key, fpr, &len)))
		goto leave;
	snprintf(val, sizeof val, "%d", amount);
	if ((err = weft_store_put(txn, WEFT_DB_ROOTS, fpr, len, val,
				  strlen(val))))
		goto leave;
	err = weft_txn_commit(txn);
	txn = NULL;
leave:
	weft_txn_abort(txn);
	return err;
}

gpg_error_t
weft_root_remove(weft_ctx *ctx, const char *key)
{
	weft_txn *txn = NULL;
	uint8_t fpr[WEFT_FPR_MAX];
	const uint8_t *v;
	size_t len, vlen;
	gpg_error_t err;

	ctx->error[0] = 0;
	if ((err = weft_ctx__txn(ctx, true, &txn)) ||
	    (err = one_key(ctx, txn, key, fpr, &len)))
		goto leave;
	if (weft_store_get(txn, WEFT_DB_ROOTS, fpr, len, &v, &vlen)) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				      "%s is not a root you added", key);
		goto leave;
	}
	if ((err = weft_store_del(txn, WEFT_DB_ROOTS, fpr, len, NULL, 0)))
		goto leave;
	err = weft_txn_commit(txn);
	txn = NULL;
leave:
	weft_txn_abort(txn);
	return err;
}

void
weft_root_list_free(weft_root_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	free(l);
}

/* ---- ownertrust ------------------------------------------------------------ */

static gpg_error_t
set_ownertrust(weft_txn *txn, const uint8_t *fpr, size_t len, int value)
{
	uint8_t v = (uint8_t)value;

	if (!value)
		return weft_store_del(txn, WEFT_DB_OWNERTRUST, fpr, len, NULL, 0);
	return weft_store_put(txn, WEFT_DB_OWNERTRUST, fpr, len, &v, 1);
}

gpg_error_t
weft_ownertrust_set(weft_ctx *ctx, const char *key, int value)
{
	weft_txn *txn = NULL;
	uint8_t fpr[WEFT_FPR_MAX];
	size_t len;
	gpg_error_t err;

	ctx->error[0] = 0;
	if (value < 0 || value > 255)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
				       "ownertrust %d is out of range", value);
	if ((err = weft_ctx__txn(ctx, true, &txn)) ||
	    (err = one_key(ctx, txn, key, fpr, &len)) ||
	    (err = set_ownertrust(txn, fpr, len, value)))
		goto leave;
	err = weft_txn_commit(txn);
	txn = NULL;
leave:
	weft_txn_abort(txn);
	return err;
}

/* "FPR:VALUE:" lines, '#' comments and blank lines (gpg's format). */
gpg_error_t
weft_ownertrust_import(weft_ctx *ctx, const char *data, size_t len,
		       uint64_t *set)
{
	weft_txn *txn = NULL;
	size_t pos = 0, lineno = 0, end, i;
	uint8_t fpr[WEFT_FPR_MAX];
	char line[256], *colon, *rest, *endp;
	long value;
	size_t n;
	gpg_error_t err;

	*set = 0;
	ctx->error[0] = 0;
	if ((err = weft_ctx__txn(ctx, true, &txn)))
		return err;
	while (pos < len) {
		for (end = pos; end < len && data[end] != '\n'; end++)
			;
		lineno++;
		n = end - pos;
		if (n >= sizeof line) {
			err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
				"line %zu: too long for an ownertrust line",
				lineno);
			goto leave;
		}
		memcpy(line, data + pos, n);
		line[n] = 0;
		pos = end + 1;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
			     line[n - 1] == '\t'))
			line[--n] = 0;
		for (i = 0; line[i] == ' ' || line[i] == '\t'; i++)
			;
		if (!line[i] || line[i] == '#')
			continue;
		colon = strchr(line + i, ':');
		if (!colon)
			goto malformed;
		*colon = 0;
		rest = colon + 1;
		value = strtol(rest, &endp, 10);
		if (endp == rest || (*endp && *endp != ':') || value < 0 ||
		    value > 255)
			goto malformed;
		n = weft_unhex(line + i, fpr, sizeof fpr);
		if (n != 20 && n != 32)
			goto malformed;
		if ((err = set_ownertrust(txn, fpr, n, (int)value)))
			goto leave;
		(*set)++;
	}
	err = weft_txn_commit(txn);
	txn = NULL;
	goto leave;
malformed:
	err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
		"line %zu: not \"FINGERPRINT:VALUE:\" (gpg --export-ownertrust format)",
		lineno);
leave:
	weft_txn_abort(txn);
	if (err)
		*set = 0;
	return err;
}

struct export_ctx {
	weft_buf *out;
};

static gpg_error_t
export_one(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	   size_t vlen)
{
	struct export_ctx *ec = opaque;
	char hex[2 * WEFT_FPR_MAX + 1];

	if (vlen != 1 || klen > WEFT_FPR_MAX)
		return 0;
	weft_hex(key, klen, hex);
	return weft_buf_printf(ec->out, "%s:%u:\n", hex, val[0]);
}

gpg_error_t
weft_ownertrust_export(weft_ctx *ctx, char **out, size_t *len)
{
	weft_txn *txn = NULL;
	weft_buf b;
	struct export_ctx ec = { &b };
	gpg_error_t err;

	*out = NULL;
	*len = 0;
	ctx->error[0] = 0;
	weft_buf_init(&b);
	weft_buf_put_str(&b, "# List of assigned trustvalues, created by weft\n"
			 "# (Use \"gpg --import-ownertrust\" or "
			 "\"weft import-ownertrust\" to restore them)\n");
	if ((err = weft_ctx__txn(ctx, false, &txn)) ||
	    (err = weft_store_each(txn, WEFT_DB_OWNERTRUST, NULL, 0, export_one,
				   &ec)))
		goto leave;
	*out = (char *)weft_buf_steal(&b, len);
	if (!*out)
		err = WEFT_ERR(GPG_ERR_ENOMEM);
leave:
	weft_buf_free(&b);
	weft_txn_abort(txn);
	return err;
}
