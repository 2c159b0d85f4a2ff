/* api.c - weft_verify: read the message, judge each signature in one
 * read transaction, then ask the web of trust about each good signer. */
#include <stdlib.h>
#include <string.h>

#include "verify.h"
#include "../ctx.h"

static int
by_seq(const void *a, const void *b)
{
	unsigned x = (*(weft_vslot *const *)a)->seq,
		 y = (*(weft_vslot *const *)b)->seq;

	if (!x || !y)
		return (x == 0) - (y == 0);
	return (x > y) - (x < y);
}

gpg_error_t
weft_verify(weft_ctx *ctx, const weft_verify_params *p,
	    weft_verify_result **out)
{
	weft_vmsg m;
	weft_txn *t = NULL;
	weft_vslot **order;
	size_t i;
	gpg_error_t err;

	*out = NULL;
	ctx->error[0] = 0;
	memset(&m, 0, sizeof m);
	m.ctx = ctx;
	m.p = p;
	if (!(m.res = calloc(1, sizeof *m.res)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if ((err = weft_verify__read(&m))) {
		weft_ctx__error(ctx, err, "%s", m.diag.msg[0] ? m.diag.msg
					    : gpg_strerror(err));
		goto leave;
	}
	if (!(m.res->sigs = calloc(m.n, sizeof *m.res->sigs))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	if ((err = weft_ctx__txn(ctx, false, &t)))
		goto leave;
	/* In the order the signature packets came, as gpg reports them
	 * (an inline message's come in the reverse order of its one-pass
	 * packets); slots that never got theirs last. */
	if (!(order = calloc(m.n, sizeof *order))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		weft_txn_abort(t);
		goto leave;
	}
	for (i = 0; i < m.n; i++)
		order[i] = &m.slots[i];
	qsort(order, m.n, sizeof *order, by_seq);
	for (i = 0; i < m.n; i++) {
		weft_verify__check(&m, t, order[i], &m.res->sigs[i]);
		m.res->n++;
	}
	free(order);
	weft_txn_abort(t);
	if (!p->no_trust && (err = weft_verify__trust(&m)))
		goto leave;
leave:
	weft_verify__slots_free(&m);
	if (err) {
		weft_verify_result_free(m.res);
		return err;
	}
	*out = m.res;
	return 0;
}

void
weft_verify_result_free(weft_verify_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->sigs[i].problem);
		free(r->sigs[i].revocation_reason);
		free(r->sigs[i].signers_uid);
		free(r->sigs[i].uid);
		free(r->sigs[i].path);
	}
	free(r->sigs);
	free(r->filename);
	free(r);
}
