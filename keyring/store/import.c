/* import.c - importing certificates into the keyring: the steps of
 * import.h, in order, in one write transaction. */
#include <stdlib.h>

#include "import.h"
#include "../armor/armor.h"
#include "../secret/secret.h"
#include "../util/limits.h"
#include "../util/mem.h"
#include "../util/workers.h"

gpg_error_t
weft_import__push_item(import *im, item **out)
{
	gpg_error_t err = weft_grow((void **)&im->items, &im->items_cap,
				    im->nitems + 1, sizeof *im->items);

	*out = NULL;
	if (err)
		return err;
	*out = &im->items[im->nitems++];
	memset(*out, 0, sizeof **out);
	return 0;
}

gpg_error_t
weft_import__reject_unread(import *im, unsigned block, uint64_t offset, const char *why)
{
	item *it;
	gpg_error_t err = weft_import__push_item(im, &it);

	if (err)
		return err;
	it->rejected = true;
	it->block = block;
	it->offset = offset;
	weft_diag_set(&it->note, 0, "%s", why);
	return 0;
}

/* ---- 3. merge with the keyring ------------------------------------------------- */

static gpg_error_t
load_and_merge(import *im, item *it)
{
	weft_keyrec *p = &it->cert->primary;
	bool changed;
	weft_diag d = { { 0 } };
	gpg_error_t err;

	/* A key new to a large keyring would cost a page fault or two
	 * to find absent. */
	err = weft_import__not_in_keyring(im, p->fpr, p->fpr_len) ?
	      WEFT_ERR(GPG_ERR_NOT_FOUND) :
	      weft_store_cert_load(im->txn, p->fpr, p->fpr_len, &it->merged,
				   &d);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
		it->merged = it->cert;
		it->cert = NULL;
		return 0;
	}
	if (err)
		return weft_ctx__error(im->ctx, err,
				       "keyring record damaged: %s", d.msg);
	it->had_old = true;
	if ((err = weft_cert_merge(it->merged, it->cert, &changed)))
		return err;
	weft_cert_free(it->cert);
	it->cert = NULL;
	return 0;
}

/* ---- 4. self-signatures ---------------------------------------------------------- */

static void
self_job(void *arg, size_t i)
{
	import *im = arg;
	item *it = &im->items[i];

	if (it->rejected || it->folded || !it->merged)
		return;
	it->check_err = weft_cert_check_self(it->merged, it->had_old);
}

static const char *const phase_name[] = {
	[PHASE_READING] = "reading",
	[PHASE_VERIFYING_KEYS] = "verifying keys",
	[PHASE_VERIFYING_CERTS] = "verifying certifications",
	[PHASE_WRITING] = "writing",
};

void
weft_import__tick(void *opaque, size_t done, size_t total)
{
	import *im = opaque;
	size_t n = im->nitems;

	if (!im->chunked) {
		weft_ctx__progress(im->ctx, phase_name[im->phase], done,
				   total);
		return;
	}
	/* One bar for the whole input: this chunk's share of it, each of
	 * its phases a third of that. */
	if (!total || !im->keys_total)
		return;
	if (im->phase == PHASE_VERIFYING_KEYS)
		done = done * n / total / 3;
	else if (im->phase == PHASE_VERIFYING_CERTS)
		done = n / 3 + done * n / total / 3;
	else
		done = 2 * n / 3 + done * n / total / 3;
	done += im->keys_done;
	weft_ctx__progress(im->ctx, "importing",
			   done < im->keys_total ? done : im->keys_total,
			   im->keys_total);
}

static void
count_new(item *it)
{
	const weft_cert *c = it->merged;
	bool all = !it->had_old;
	size_t i, j;

	it->new_uids = it->new_subkeys = it->new_sigs = 0;
	for (i = 0; i < c->primary.sigs.n; i++)
		it->new_sigs += all || c->primary.sigs.v[i].is_new;
	for (i = 0; i < c->nuids; i++) {
		it->new_uids += all || c->uids[i].is_new;
		for (j = 0; j < c->uids[i].sigs.n; j++)
			it->new_sigs += all || c->uids[i].sigs.v[j].is_new;
	}
	for (i = 0; i < c->nsubkeys; i++) {
		it->new_subkeys += all || c->subkeys[i].is_new;
		for (j = 0; j < c->subkeys[i].sigs.n; j++)
			it->new_sigs += all || c->subkeys[i].sigs.v[j].is_new;
	}
}

static size_t
count_self_in(const weft_sigvec *sv, bool only_new)
{
	size_t j, n = 0;

	for (j = 0; j < sv->n; j++)
		n += sv->v[j].self && (!only_new || sv->v[j].is_new);
	return n;
}

/* Self-signatures that step 4 checked (for the statistics). */
static size_t
count_self_checked(const weft_cert *c, bool only_new)
{
	size_t i, n = count_self_in(&c->primary.sigs, only_new);

	for (i = 0; i < c->nuids; i++)
		n += count_self_in(&c->uids[i].sigs, only_new);
	for (i = 0; i < c->nsubkeys; i++)
		n += count_self_in(&c->subkeys[i].sigs, only_new);
	return n;
}

static void
after_self(import *im, item *it)
{
	weft_diag note = { { 0 } };
	size_t dropped;

	if (it->check_err) {
		it->rejected = true;
		weft_diag_clear(&it->note);
		weft_diag_set(&it->note, 0,
			"primary key cannot be used: %s (algorithm %s)",
			gpg_strerror(it->check_err),
			weft_pk_algo_name(it->merged->primary.key.algo));
		return;
	}
	dropped = weft_cert_prune(it->merged, &note);
	im->stats->dropped += dropped;
	if (note.msg[0] && !it->note.msg[0])
		it->note = note;
	if (!it->had_old && !weft_cert_is_usable(it->merged)) {
		it->rejected = true;
		weft_diag_clear(&it->note);
		weft_diag_set(&it->note, 0,
			"no valid user ID or direct-key signature%s%s",
			note.msg[0] ? ": " : "", note.msg);
	}
}

/* ---- 6. writing and reporting ---------------------------------------------- */

static void
report(import *im, item *it, weft_import_status st, weft_import_cb cb,
       void *opaque)
{
	weft_import_event ev;
	char fpr[2 * WEFT_FPR_MAX + 1] = "";
	char *uid = NULL;
	const weft_uidrec *pu;
	const weft_cert *c = it->merged ? it->merged : it->cert;

	memset(&ev, 0, sizeof ev);
	ev.status = st;
	if (c) {
		weft_hex(c->primary.fpr, c->primary.fpr_len, fpr);
		pu = weft_cert_primary_uid(c, weft_ctx__now(im->ctx));
		if (pu)
			uid = weft_memdupz(pu->data, pu->len);
	}
	ev.fpr = fpr;
	ev.uid = uid ? uid : it->uid_hint;
	ev.reason = it->note.msg[0] ? it->note.msg : NULL;
	ev.offset = it->offset;
	ev.block = it->block;
	ev.new_uids = it->new_uids;
	ev.new_subkeys = it->new_subkeys;
	ev.new_sigs = it->new_sigs;
	if (cb)
		cb(opaque, &ev);
	free(uid);
}

/* ---- flooding ------------------------------------------------------------------------ */

typedef struct waiting_ref {
	weft_sigrec *rec;
	uint32_t created;
} waiting_ref;

/* Newest first; what is dated after NOW (a flooder's trick to stay
 * "newest") after everything else. */
static uint32_t flood_now;

static int
waiting_cmp(const void *a, const void *b)
{
	const waiting_ref *x = a, *y = b;
	bool fx = x->created > flood_now, fy = y->created > flood_now;

	if (fx != fy)
		return fx ? 1 : -1;
	if (x->created != y->created)
		return x->created > y->created ? -1 : 1;
	return 0;
}

static void
collect_waiting(const import *im, weft_sigvec *v, waiting_ref **refs,
		size_t *n, size_t *cap)
{
	uint8_t keyid[8];
	size_t i;

	for (i = 0; i < v->n; i++) {
		weft_sigrec *r = &v->v[i];

		if (r->self || r->state != WEFT_SIG_UNCHECKED)
			continue;
		/* Its issuer is in a later chunk of this input. */
		if (im->ninput_keyids && weft_sigrec_issuer_keyid(r, keyid) &&
		    weft_import__in_input(im, keyid))
			continue;
		if (weft_grow((void **)refs, cap, *n + 1, sizeof **refs))
			return;     /* out of memory: keep them all */
		(*refs)[*n].rec = r;
		(*refs)[(*n)++].created = r->sig.created;
	}
}

/* Keep at most WEFT_MAX_WAITING certifications waiting for their issuer
 * on IT's certificate: the rest become BAD, which the prune drops.
 * Returns how many. */
static size_t
bound_waiting(import *im, item *it)
{
	weft_cert *c = it->merged;
	waiting_ref *refs = NULL;
	size_t n = 0, cap = 0, i, dropped = 0;

	collect_waiting(im, &c->primary.sigs, &refs, &n, &cap);
	for (i = 0; i < c->nuids; i++)
		collect_waiting(im, &c->uids[i].sigs, &refs, &n, &cap);
	if (n > WEFT_MAX_WAITING) {
		flood_now = weft_ctx__now(im->ctx);
		qsort(refs, n, sizeof *refs, waiting_cmp);
		for (i = WEFT_MAX_WAITING; i < n; i++)
			refs[i].rec->state = WEFT_SIG_BAD;
		im->stats->certs_flooded += n - WEFT_MAX_WAITING;
		im->stats->keys_flooded++;
		weft_diag_clear(&it->note);
		weft_diag_set(&it->note, 0,
			"flooded: %zu certifications by keys not in the keyring; "
			"the newest %u are kept, %zu dropped (every one your "
			"keyring can verify is kept)", n, WEFT_MAX_WAITING,
			n - WEFT_MAX_WAITING);
		dropped = n - WEFT_MAX_WAITING;
	}
	free(refs);
	return dropped;
}

gpg_error_t
weft_import__put(import *im, item *it)
{
	const weft_keyrec *p = &it->merged->primary;
	weft_cert *old = NULL;
	gpg_error_t err;

	/* The record is still the one the import started from: every key is
	 * one item, and this is where it is replaced. */
	if (it->had_old &&
	    (err = weft_store_cert_load(im->txn, p->fpr, p->fpr_len, &old,
					NULL)))
		return err;
	err = weft_store_cert_put(im->txn, it->merged, old);
	weft_cert_free(old);
	return err;
}

static gpg_error_t
write_all(import *im, weft_import_cb cb, void *opaque)
{
	size_t i, flooded;
	weft_diag note;
	gpg_error_t err;

	im->phase = PHASE_WRITING;
	for (i = 0; i < im->nitems; i++) {
		item *it = &im->items[i];
		weft_import_status st;

		if (it->folded)
			continue;
		if (it->touched) {
			if (it->rejected || !it->states_changed)
				continue;
			weft_diag_clear(&note);
			im->stats->dropped += weft_cert_prune(it->merged, &note);
			if ((err = weft_import__put(im, it)))
				return err;
			continue;
		}
		if (it->rejected) {
			im->stats->rejected++;
			report(im, it, WEFT_IMPORT_REJECTED, cb, opaque);
			continue;
		}
		flooded = bound_waiting(im, it);
		weft_diag_clear(&note);
		im->stats->dropped += weft_cert_prune(it->merged, &note) -
				      flooded;
		if (note.msg[0] && !it->note.msg[0])
			it->note = note;
		count_new(it);
		if (!it->had_old)
			st = WEFT_IMPORT_NEW;
		else if (it->new_uids || it->new_subkeys || it->new_sigs)
			st = WEFT_IMPORT_UPDATED;
		else
			st = WEFT_IMPORT_UNCHANGED;
		if (st != WEFT_IMPORT_UNCHANGED || it->states_changed) {
			err = weft_import__put(im, it);
			if (gpg_err_code(err) == GPG_ERR_TOO_LARGE) {
				it->rejected = true;
				weft_diag_clear(&it->note);
				weft_diag_set(&it->note, 0,
					"certificate would exceed %u MiB; not stored",
					WEFT_MAX_CERT >> 20);
				im->stats->rejected++;
				report(im, it, WEFT_IMPORT_REJECTED, cb, opaque);
				continue;
			}
			if (err)
				return err;
		}
		it->earlier_chunk = weft_import__remembered(im, it->merged,
							    NULL);
		if (!it->earlier_chunk &&
		    (err = weft_import__remember(im, it->merged, !it->had_old)))
			return err;
		/* The secret key after its certificate: a certificate too
		 * large to store takes its secret with it. */
		if (it->merged->secrets.len) {
			bool stored = false;

			weft_diag_clear(&note);
			if ((err = weft_secret__import(im->ctx, im->txn,
						       it->merged, &stored,
						       &note)))
				return err;
			if (stored)
				im->stats->secret_imported++;
			else
				im->stats->secret_skipped++;
			if (note.msg[0] && !it->note.msg[0])
				it->note = note;
		}
		switch (st) {
		case WEFT_IMPORT_NEW: im->stats->new_keys++; break;
		case WEFT_IMPORT_UPDATED: im->stats->updated++; break;
		default: im->stats->unchanged++; break;
		}
		im->stats->new_uids += it->new_uids;
		im->stats->new_subkeys += it->new_subkeys;
		im->stats->new_sigs += it->new_sigs;
		report(im, it, st, cb, opaque);
		weft_import__tick(im, i + 1, im->nitems);
	}
	return 0;
}

static void
count_pending(import *im)
{
	size_t i, j, k;

	for (i = 0; i < im->nitems; i++) {
		item *it = &im->items[i];
		bool counted;

		if (it->rejected || it->folded || !it->merged || it->touched)
			continue;
		/* A key stored by an earlier chunk had its waiting ones
		 * counted then; only what this chunk added is new. */
		counted = it->earlier_chunk;
		for (j = 0; j < it->merged->nuids; j++)
			for (k = 0; k < it->merged->uids[j].sigs.n; k++) {
				const weft_sigrec *r = &it->merged->uids[j].sigs.v[k];
				if (!r->self && r->state == WEFT_SIG_UNCHECKED &&
				    (!counted || r->is_new))
					im->stats->certs_pending++;
			}
	}
}

static void
items_free(item *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		weft_cert_free(v[i].cert);
		weft_cert_free(v[i].merged);
		free(v[i].uid_hint);
	}
	free(v);
}

/* What one chunk held; the strays and run_map stay for the next. */
static void
chunk_free(import *im)
{
	size_t i;

	items_free(im->items, im->nitems);
	im->items = NULL;
	im->nitems = im->items_cap = 0;
	free(im->jobs);
	im->jobs = NULL;
	im->njobs = im->jobs_cap = 0;
	free(im->cands);
	im->cands = NULL;
	im->ncands = im->cands_cap = 0;
	for (i = 0; i < im->nloaded; i++)
		weft_cert_free(im->loaded[i]);
	free(im->loaded);
	im->loaded = NULL;
	im->nloaded = im->loaded_cap = 0;
	weft_import__tp_free(im);
}

static void
import_free(import *im)
{
	size_t i;

	chunk_free(im);
	items_free(im->next, im->nnext);
	for (i = 0; i < im->nstrays; i++)
		free(im->strays[i].body);
	free(im->strays);
	free(im->run_map.v);
	free(im->input_keyids);
	free(im->ahead);
	free(im->ahead_used);
	free(im->ahead_slots);
	free(im->ahead_bytes);
	free(im->ahead_map.v);
	free(im->ahead_targets);
	free(im->snap);
}

/* Steps 5 and 6 without input: the certificates waiting for these key
 * IDs become touched items, are verified against every issuer the
 * keyring now has (derived keys among them), and those whose states
 * changed are written. */
gpg_error_t
weft_import_resolve_pending(weft_ctx *ctx, weft_txn *txn,
			    const uint8_t (*keyids)[8], size_t n,
			    uint64_t *resolved)
{
	import im;
	weft_import_stats stats;
	size_t i;
	gpg_error_t err = 0;

	*resolved = 0;
	memset(&im, 0, sizeof im);
	memset(&stats, 0, sizeof stats);
	im.ctx = ctx;
	im.txn = txn;
	im.stats = &stats;
	im.source = "pending certifications";
	for (i = 0; i < n && !err; i++)
		err = weft_import__queue_pending(&im, keyids[i]);
	if (!err && im.nitems && !(err = weft_import__third_party(&im)))
		err = write_all(&im, NULL, NULL);
	*resolved = stats.certs_resolved;
	im.txn = NULL;
	import_free(&im);
	return err;
}

/* Armor labels of blocks that carry keys (or revocations). */
static bool
keys_label(const char *label)
{
	return !strcmp(label, "PGP PUBLIC KEY BLOCK") ||
	       !strcmp(label, "PGP PRIVATE KEY BLOCK") ||
	       !strcmp(label, "PGP SIGNATURE") ||
	       !strcmp(label, "PGP ARMORED FILE");
}

static void
pre_check_job(void *arg, size_t i)
{
	item *it = &((item *)arg)[i];

	if (it->pre_check)
		(void)weft_cert_check_self(it->cert, false);
}

/* Step 4 early for the next chunk's keys that are new to the keyring
 * (import.h): their certificates are what step 3 will store.  Keys the
 * keyring may have are left to step 4, which checks only what is new to
 * the keyring.  Nothing but those certificates is touched. */
static weft_background *
pre_check_start(import *im)
{
	size_t i, n = 0;

	if (weft_ctx__threads(im->ctx) < 2)
		return NULL;
	for (i = 0; i < im->nnext; i++) {
		item *it = &im->next[i];
		const weft_keyrec *p;

		if (it->rejected || !it->cert)
			continue;
		p = &it->cert->primary;
		it->pre_check = weft_import__not_in_keyring(im, p->fpr,
							    p->fpr_len);
		n += it->pre_check;
	}
	return n ? weft_background_start(im->nnext, pre_check_job, im->next) :
		   NULL;
}

/* Steps 2 to 6 for the items read so far (LAST: and the revocation
 * certificates), in one write transaction. */
static gpg_error_t
run_chunk(import *im, bool last, weft_import_cb cb, void *opaque)
{
	weft_import_stats *stats = im->stats;
	size_t i, n;
	gpg_error_t err;

	if (!im->nitems && !(last && im->nstrays))
		return 0;
	if ((err = weft_ctx__txn(im->ctx, true, &im->txn)) ||
	    (err = weft_import__snap_begin(im)))
		return err;
	/* With the snapshot of this chunk (the first chunk takes it). */
	if (im->nnext)
		im->bg = pre_check_start(im);

	/* 2. */
	if ((err = weft_import__fold_duplicates(im)) ||
	    (last && (err = weft_import__attach_revocations(im))))
		return err;

	/* 3. */
	for (i = 0; i < im->nitems; i++) {
		item *it = &im->items[i];

		if (it->rejected || it->folded)
			continue;
		if ((err = load_and_merge(im, it)))
			return err;
	}

	/* 4. */
	im->phase = PHASE_VERIFYING_KEYS;
	weft_parallel(im->nitems, weft_ctx__threads(im->ctx), self_job, im,
		      weft_import__tick, im);
	for (i = 0; i < im->nitems; i++) {
		item *it = &im->items[i];

		if (it->rejected || it->folded || !it->merged)
			continue;
		stats->sigs_verified += count_self_checked(it->merged,
							   it->had_old);
		after_self(im, it);
	}

	/* 5. */
	n = im->nitems;
	if ((err = weft_import__ahead_settle(im)) ||
	    (err = weft_import__third_party(im)))
		return err;

	/* 6. */
	if ((err = write_all(im, cb, opaque)))
		return err;
	count_pending(im);
	err = weft_txn_commit(im->txn);
	im->txn = NULL;
	if (err)
		return weft_ctx__error(im->ctx, err,
				       "%s: could not commit the import: %s",
				       im->source, gpg_strerror(err));
	im->chunks_committed++;
	im->keys_done += n;
	chunk_free(im);
	/* The pages this chunk read stay in the page cache, for whoever
	 * reads them next, but leave this process's memory. */
	if (im->chunked && !last)
		weft_store_release_pages(im->ctx->store);
	return 0;
}

/* Where the reading of the input stands: its blocks, and the cursor in
 * the one being read. */
typedef struct input {
	const weft_armor_list *blocks;
	size_t i;                /* the next block to open */
	bool open;               /* cur reads block i - 1 */
	read_cursor cur;
} input;

/* Read keys into IM->items until it holds a chunk or the input ends. */
static gpg_error_t
read_chunk(import *im, input *in)
{
	gpg_error_t err;

	while (im->nitems < WEFT_IMPORT_CHUNK) {
		if (!in->open) {
			const weft_armor_block *b;

			/* A message or something else: not keys. */
			while (in->i < in->blocks->n &&
			       in->blocks->blocks[in->i].label &&
			       !keys_label(in->blocks->blocks[in->i].label))
				in->i++;
			if (in->i == in->blocks->n)
				return 0;
			b = &in->blocks->blocks[in->i++];
			weft_import__cursor_init(&in->cur, b->data, b->len,
					b->label ? (unsigned)in->i : 0);
			in->open = true;
		}
		if ((err = weft_import__read_some(im, &in->cur,
						  WEFT_IMPORT_CHUNK)))
			return err;
		if (in->cur.done)
			in->open = false;
	}
	return 0;
}

/* Where the key the reading stopped in starts (NULL: between blocks). */
static const uint8_t *
input_pos(const input *in)
{
	return in->open ? in->blocks->blocks[in->i - 1].data + in->cur.start :
			  NULL;
}

/* The chunk in hand and the one read ahead change places. */
static void
swap_chunks(import *im)
{
	item *v = im->items;
	size_t n = im->nitems, cap = im->items_cap;

	im->items = im->next;
	im->nitems = im->nnext;
	im->items_cap = im->next_cap;
	im->next = v;
	im->nnext = n;
	im->next_cap = cap;
}

/* Read the next chunk into IM->next (empty before), the current one
 * staying. */
static gpg_error_t
read_next(import *im, input *in)
{
	gpg_error_t err;

	swap_chunks(im);
	err = read_chunk(im, in);
	swap_chunks(im);
	return err;
}

static gpg_error_t
import_run(weft_ctx *ctx, const void *data, size_t len, bool mapped,
	   const char *source, weft_import_cb cb, void *opaque,
	   weft_import_stats *stats)
{
	import im;
	weft_import_stats local;
	weft_armor_list blocks = { NULL, 0 };
	weft_armor_block whole;
	weft_diag diag = { { 0 } };
	input in;
	size_t i;
	gpg_error_t err = 0;

	memset(&im, 0, sizeof im);
	memset(&in, 0, sizeof in);
	in.blocks = &blocks;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	im.ctx = ctx;
	im.stats = stats;
	im.source = source ? source : "input";
	if (mapped) {
		im.map = data;
		im.map_len = len;
	}
	ctx->error[0] = 0;

	/* 1.  Binary input is read where it lies: a copy would double the
	 * memory of a large import for nothing. */
	im.phase = PHASE_READING;
	if (len && (uint64_t)len <= WEFT_MAX_INPUT &&
	    !(len >= 3 && ((const uint8_t *)data)[0] == 0xef) &&
	    weft_armor_is_binary(data, len)) {
		memset(&whole, 0, sizeof whole);
		whole.data = (uint8_t *)data;
		whole.len = len;
		blocks.blocks = &whole;
		blocks.n = 1;
	} else if ((err = weft_armor_decode(data, len, &blocks, &diag))) {
		return weft_ctx__error(ctx, err, "%s: %s", im.source,
				       diag.msg[0] ? diag.msg : gpg_strerror(err));
	}
	for (i = 0; i < blocks.n; i++)
		if ((!blocks.blocks[i].label ||
		     keys_label(blocks.blocks[i].label)) &&
		    (err = weft_import__scan(&im, blocks.blocks[i].data,
					     blocks.blocks[i].len,
					     blocks.blocks[i].label ?
					     (unsigned)i + 1 : 0)))
			goto leave;
	weft_import__scan_done(&im);
	/* Read from the start again (armored: decoded already). */
	weft_import__input_release(&im, NULL, true);

	if ((err = read_chunk(&im, &in)))
		goto leave;
	/* Each chunk's commit with one sync instead of two; the end of the
	 * import syncs what the last one left out (weft_store_sync). */
	if (im.chunked)
		weft_store_lazy_commits(ctx->store, true);
	while (im.nitems >= WEFT_IMPORT_CHUNK) {
		const uint8_t *upto = input_pos(&in);

		if ((err = read_next(&im, &in)))
			goto leave;
		err = run_chunk(&im, false, cb, opaque);
		weft_background_finish(im.bg, err != 0);
		im.bg = NULL;
		if (err)
			goto leave;
		swap_chunks(&im); /* run_chunk left the chunk in hand empty */
		/* The keys before this chunk are stored. */
		if (upto)
			weft_import__input_release(&im, upto, false);
	}
	if (!im.nitems && !im.nstrays && !im.chunks_committed) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_DATA),
				      "%s: no keys found", im.source);
		goto leave;
	}
	if ((err = run_chunk(&im, true, cb, opaque)))
		goto leave;
	/* Damaged input was reported as a rejection (one line, with the
	 * detail); the error code tells the caller, without a second line. */
	if (im.input_err)
		err = im.input_err;
leave:
	if (err && im.txn && !ctx->error[0])
		weft_ctx__error(ctx, err, "%s: import failed: %s", im.source,
				gpg_strerror(err));
	if (err && im.txn && im.chunks_committed) {
		/* Say what stays: the chunks committed before. */
		size_t l = strlen(ctx->error);

		snprintf(ctx->error + l, sizeof ctx->error - l,
			 " (the first %zu keys of %s were stored; importing it again adds the rest)",
			 im.keys_done, im.source);
	}
	weft_txn_abort(im.txn);
	if (im.chunked) {
		gpg_error_t serr;

		weft_store_lazy_commits(ctx->store, false);
		if (im.chunks_committed &&
		    (serr = weft_store_sync(ctx->store)) && !err)
			err = weft_ctx__error(ctx, serr,
					      "%s: the import could not be synced to disk: %s",
					      im.source, gpg_strerror(serr));
	}
	weft_import__cursor_free(&in.cur);
	import_free(&im);
	if (blocks.blocks != &whole)
		weft_armor_list_free(&blocks);
	return err;
}

gpg_error_t
weft_import(weft_ctx *ctx, const void *data, size_t len, const char *source,
	    weft_import_cb cb, void *opaque, weft_import_stats *stats)
{
	return import_run(ctx, data, len, false, source, cb, opaque, stats);
}

gpg_error_t
weft_import_mapped(weft_ctx *ctx, const void *data, size_t len,
		   const char *source, weft_import_cb cb, void *opaque,
		   weft_import_stats *stats)
{
	return import_run(ctx, data, len, true, source, cb, opaque, stats);
}
