/* import.c - importing certificates into the keyring.
 *
 * The import runs in one write transaction, in these steps:
 *   1. Decode the armor (or take binary input as it is) and split the
 *      packet stream into transferable keys.  A key whose packets cannot
 *      be read is rejected; stand-alone signatures are kept aside as
 *      revocation certificates.
 *   2. Fold duplicates of one key within the input together, and attach
 *      each revocation certificate to the key it revokes (from the input
 *      or from the keyring).
 *   3. Load what the keyring already has of each key and merge the input
 *      into it: the union of packets, duplicates dropped.  Only what is
 *      new needs checking.
 *   4. Verify the new self-signatures, one key per job, on every core.
 *      Drop what does not verify; reject keys left without a valid user
 *      ID or direct-key signature.
 *   5. Verify third-party certifications whose issuer is now known: the
 *      unchecked ones on the imported keys (issuer from the input or the
 *      keyring), and those waiting in the keyring for an issuer that this
 *      import brings ("pending").  Again on every core.  A certification
 *      that does not verify against its issuer is dropped.
 *   6. Write every changed certificate with its indexes, report each key
 *      in input order, and commit.
 */
#include <stdlib.h>

#include "store.h"
#include "../ctx.h"
#include "../armor/armor.h"
#include "../util/mem.h"
#include "../util/workers.h"

typedef struct item {
	weft_cert *cert;         /* as read from the input */
	weft_cert *merged;       /* what will be stored */
	weft_cert *old;          /* what the keyring had, or NULL */
	unsigned block;
	uint64_t offset;
	bool rejected;
	bool folded;             /* merged into an earlier item */
	bool touched;            /* keyring-only: pending certifications */
	bool states_changed;     /* third-party verification changed it */
	bool written;
	gpg_error_t check_err;
	char *uid_hint;          /* first user ID as read, for reports */
	weft_diag note;
	unsigned new_uids, new_subkeys, new_sigs;
} item;

typedef struct stray {
	uint8_t *body;
	size_t len;
	unsigned block;
	uint64_t offset;
} stray;

/* A third-party certification to verify against candidate issuers. */
typedef struct tp_job {
	size_t item;             /* index of the target's item */
	weft_cert *target;
	weft_sigrec *rec;
	const weft_uidrec *uid;
	size_t cand;             /* index into import.cands */
	size_t ncand;
	bool pending;            /* was waiting in the keyring */
} tp_job;

typedef struct import {
	weft_ctx *ctx;
	weft_txn *txn;
	const char *source;
	item *items;
	size_t nitems, items_cap;
	stray *strays;
	size_t nstrays, strays_cap;
	tp_job *jobs;
	size_t njobs, jobs_cap;
	weft_cert **cands;
	size_t ncands, cands_cap;
	weft_cert **loaded;      /* issuer certificates loaded from the store */
	size_t nloaded, loaded_cap;
	weft_import_stats *stats;
	const char *phase;
	gpg_error_t input_err;
} import;

static gpg_error_t
push_item(import *im, item **out)
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

static gpg_error_t
reject_unread(import *im, unsigned block, uint64_t offset, const char *why)
{
	item *it;
	gpg_error_t err = push_item(im, &it);

	if (err)
		return err;
	it->rejected = true;
	it->block = block;
	it->offset = offset;
	weft_diag_set(&it->note, 0, "%s", why);
	return 0;
}

/* ---- 1. reading --------------------------------------------------------------- */

static gpg_error_t
finish_cert(import *im, weft_cert_builder *b, unsigned block, uint64_t off)
{
	item *it;
	gpg_error_t err = push_item(im, &it);

	if (err) {
		weft_cert_builder_free(b);
		return err;
	}
	it->cert = weft_cert_builder_finish(b);
	/* Fold duplicate user IDs, subkeys and signatures within the key
	 * itself, as a merge with the keyring would. */
	weft_cert_canonicalize(it->cert);
	it->block = block;
	it->offset = off;
	it->note = b->note;
	im->stats->keys++;
	for (size_t i = 0; i < it->cert->nuids; i++) {
		const weft_uidrec *u = &it->cert->uids[i];

		if (u->tag != WEFT_PKT_USER_ID)
			continue;
		if ((it->uid_hint = malloc(u->len + 1))) {
			memcpy(it->uid_hint, u->data, u->len);
			it->uid_hint[u->len] = 0;
		}
		break;
	}
	if (it->cert->had_secret) {
		im->stats->secret_skipped++;
		weft_diag_set(&it->note, 0,
			"secret key material was not imported (only the public key)");
	}
	return 0;
}

/* The reader is left at the header of a packet that could not be read:
 * is it a primary key packet (the start of the next key)? */
static bool
damaged_packet_starts_key(const weft_reader *r)
{
	uint8_t ctb, tag;

	if (weft_reader_peek_u8(r, &ctb) || !(ctb & 0x80))
		return false;
	tag = (ctb & 0x40) ? (ctb & 0x3f) : ((ctb >> 2) & 0x0f);
	return tag == WEFT_PKT_PUBLIC_KEY || tag == WEFT_PKT_SECRET_KEY;
}

static gpg_error_t
read_block(import *im, const uint8_t *data, size_t len, unsigned block)
{
	weft_reader r;
	weft_packet pkt;
	weft_cert_builder b;
	weft_diag diag = { { 0 } }, d2;
	bool have = false, skipping = false;
	uint64_t start = 0;
	stray *s;
	gpg_error_t err, e2;

	memset(&b, 0, sizeof b);
	weft_reader_init(&r, data, len);
	while (!(err = weft_packet_next(&r, &pkt, &diag))) {
		if (pkt.tag == WEFT_PKT_PUBLIC_KEY ||
		    pkt.tag == WEFT_PKT_SECRET_KEY) {
			if (have && (e2 = finish_cert(im, &b, block, start))) {
				weft_packet_release(&pkt);
				return e2;
			}
			have = false;
			weft_diag_clear(&d2);
			start = pkt.offset;
			e2 = weft_cert_builder_start(&b, &pkt, &d2);
			if (gpg_err_code(e2) == GPG_ERR_ENOMEM) {
				weft_packet_release(&pkt);
				return e2;
			}
			if (e2) {
				im->stats->keys++;
				skipping = true;
				e2 = reject_unread(im, block, pkt.offset, d2.msg);
			} else {
				have = true;
				skipping = false;
			}
		} else if (have) {
			e2 = weft_cert_builder_add(&b, &pkt);
		} else if (pkt.tag == WEFT_PKT_SIGNATURE && !skipping) {
			e2 = weft_grow((void **)&im->strays, &im->strays_cap,
				       im->nstrays + 1, sizeof *im->strays);
			if (!e2) {
				s = &im->strays[im->nstrays];
				s->body = malloc(pkt.body_len ? pkt.body_len : 1);
				if (!s->body) {
					e2 = WEFT_ERR(GPG_ERR_ENOMEM);
				} else {
					memcpy(s->body, pkt.body, pkt.body_len);
					s->len = pkt.body_len;
					s->block = block;
					s->offset = pkt.offset;
					im->nstrays++;
				}
			}
		} else {
			e2 = 0; /* marker, trust, or leftovers of a skipped key */
		}
		weft_packet_release(&pkt);
		if (e2) {
			weft_cert_builder_free(&b);
			return e2;
		}
	}
	if (gpg_err_code(err) == GPG_ERR_EOF) {
		if (have)
			return finish_cert(im, &b, block, start);
		return 0;
	}
	/* Damaged framing: nothing after the damage can be trusted.  If the
	 * damaged packet is the next key's primary key packet, the key read
	 * so far is complete and kept; otherwise the damage is inside it, so
	 * it is rejected whole. */
	im->input_err = err;
	if (have && damaged_packet_starts_key(&r)) {
		if ((e2 = finish_cert(im, &b, block, start)))
			return e2;
		have = false;
	}
	if (have) {
		weft_cert_builder_free(&b);
		im->stats->keys++;
		return reject_unread(im, block, start, diag.msg);
	}
	return reject_unread(im, block, r.off, diag.msg);
}

/* ---- 2. duplicates and revocation certificates ------------------------------ */

static int
fpr_cmp(const weft_keyrec *a, const weft_keyrec *b)
{
	if (a->fpr_len != b->fpr_len)
		return a->fpr_len < b->fpr_len ? -1 : 1;
	return memcmp(a->fpr, b->fpr, a->fpr_len);
}

static int
item_order_cmp(const void *pa, const void *pb, void *arg)
{
	const import *im = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int r = fpr_cmp(&im->items[a].cert->primary,
			&im->items[b].cert->primary);

	if (r)
		return r;
	return a < b ? -1 : a > b;
}

static gpg_error_t
fold_duplicates(import *im)
{
	size_t *idx, n = 0, i;
	bool changed;
	gpg_error_t err = 0;

	idx = calloc(im->nitems + 1, sizeof *idx);
	if (!idx)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (i = 0; i < im->nitems; i++)
		if (!im->items[i].rejected)
			idx[n++] = i;
	qsort_r(idx, n, sizeof *idx, item_order_cmp, im);
	for (i = 1; i < n; i++) {
		item *first = &im->items[idx[i - 1]], *dup = &im->items[idx[i]];

		if (first->folded) {
			/* Keep folding into the head of the run. */
			size_t j = i - 1;

			while (im->items[idx[j]].folded)
				j--;
			first = &im->items[idx[j]];
		}
		if (fpr_cmp(&first->cert->primary, &dup->cert->primary))
			continue;
		if ((err = weft_cert_merge(first->cert, dup->cert, &changed)))
			break;
		dup->folded = true;
		weft_cert_free(dup->cert);
		dup->cert = NULL;
	}
	free(idx);
	return err;
}

static item *
find_item_by_keyid(import *im, const uint8_t keyid[8],
		   const weft_pkt_sig *sig)
{
	size_t i;

	for (i = 0; i < im->nitems; i++) {
		item *it = &im->items[i];

		if (it->rejected || it->folded || !it->cert)
			continue;
		if (!memcmp(it->cert->primary.keyid, keyid, 8) &&
		    weft_pkt_sig_issuer_matches(sig, it->cert->primary.fpr,
						it->cert->primary.fpr_len,
						keyid))
			return it;
	}
	return NULL;
}

struct first_fpr {
	uint8_t fpr[WEFT_FPR_MAX];
	size_t len;
	const weft_pkt_sig *sig;
	const uint8_t *keyid;
	weft_txn *txn;
};

static gpg_error_t
pick_primary(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	     size_t vlen)
{
	struct first_fpr *f = opaque;
	uint8_t kid[8];

	(void)key;
	(void)klen;
	if (vlen > WEFT_FPR_MAX)
		return 0;
	weft_keyid_from_fpr(val, vlen, kid);
	/* The key ID index holds subkeys too; only a primary key signs a
	 * key revocation. */
	if (memcmp(kid, f->keyid, 8) ||
	    !weft_pkt_sig_issuer_matches(f->sig, val, vlen, f->keyid))
		return 0;
	memcpy(f->fpr, val, vlen);
	f->len = vlen;
	return WEFT_ERR(GPG_ERR_EOF); /* stop: found */
}

static gpg_error_t
attach_revocations(import *im)
{
	size_t i;
	weft_pkt_sig sig;
	uint8_t keyid[8];
	struct first_fpr f;
	weft_diag d;
	item *it;
	char hex[2 * WEFT_FPR_MAX + 1], why[WEFT_DIAG_MAX + 64];
	gpg_error_t err;

	for (i = 0; i < im->nstrays; i++) {
		stray *s = &im->strays[i];

		weft_diag_clear(&d);
		if (weft_pkt_sig_parse(&sig, s->body, s->len, &d)) {
			snprintf(why, sizeof why,
				 "unreadable stand-alone signature: %s", d.msg);
			if ((err = reject_unread(im, s->block, s->offset, why)))
				return err;
			continue;
		}
		if (sig.type != WEFT_SIG_KEY_REVOCATION) {
			snprintf(why, sizeof why,
				 "stand-alone signature of class 0x%02x is not part of a key; skipped",
				 sig.type);
			if ((err = reject_unread(im, s->block, s->offset, why)))
				return err;
			continue;
		}
		if (sig.issuer_fpr_len)
			weft_keyid_from_fpr(sig.issuer_fpr, sig.issuer_fpr_len,
					    keyid);
		else if (sig.has_issuer_keyid)
			memcpy(keyid, sig.issuer_keyid, 8);
		else
			memset(keyid, 0, 8);
		it = find_item_by_keyid(im, keyid, &sig);
		if (it) {
			if ((err = weft_cert_add_primary_sig(it->cert, s->body,
							     s->len, NULL)))
				return err;
			im->stats->revocations++;
			continue;
		}
		memset(&f, 0, sizeof f);
		f.sig = &sig;
		f.keyid = keyid;
		err = weft_store_by_keyid(im->txn, keyid, pick_primary, &f);
		if (err && gpg_err_code(err) != GPG_ERR_EOF)
			return err;
		if (!f.len) {
			weft_hex(keyid, 8, hex);
			snprintf(why, sizeof why,
				 "revocation certificate for key %s, which is not in the keyring",
				 hex);
			if ((err = reject_unread(im, s->block, s->offset, why)))
				return err;
			continue;
		}
		if ((err = push_item(im, &it)))
			return err;
		it->block = s->block;
		it->offset = s->offset;
		if ((err = weft_store_cert_load(im->txn, f.fpr, f.len,
						&it->cert, &it->note)) ||
		    (err = weft_cert_add_primary_sig(it->cert, s->body, s->len,
						     NULL)))
			return err;
		weft_cert_clear_new(it->cert);
		/* Only the revocation is new; the merge below finds it so. */
		im->stats->keys++;
		im->stats->revocations++;
	}
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

	err = weft_store_cert_load(im->txn, p->fpr, p->fpr_len, &it->old, &d);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
		it->merged = it->cert;
		it->cert = NULL;
		return 0;
	}
	if (err)
		return weft_ctx__error(im->ctx, err,
				       "keyring record damaged: %s", d.msg);
	/* A second decoding of the stored record becomes the result. */
	if ((err = weft_store_cert_load(im->txn, p->fpr, p->fpr_len,
					&it->merged, &d)))
		return err;
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
	it->check_err = weft_cert_check_self(it->merged, it->old != NULL);
}

static void
tick(void *opaque, size_t done, size_t total)
{
	import *im = opaque;

	weft_ctx__progress(im->ctx, im->phase, done, total);
}

static void
count_new(item *it)
{
	const weft_cert *c = it->merged;
	bool all = it->old == NULL;
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
	if (!it->old && !weft_cert_is_usable(it->merged)) {
		it->rejected = true;
		weft_diag_clear(&it->note);
		weft_diag_set(&it->note, 0,
			"no valid user ID or direct-key signature%s%s",
			note.msg[0] ? ": " : "", note.msg);
	}
}

/* ---- 5. third-party certifications ---------------------------------------------- */

static gpg_error_t
push_cand(import *im, weft_cert *c)
{
	gpg_error_t err = weft_grow((void **)&im->cands, &im->cands_cap,
				    im->ncands + 1, sizeof *im->cands);

	if (!err)
		im->cands[im->ncands++] = c;
	return err;
}

static weft_cert *
loaded_find(import *im, const uint8_t *fpr, size_t len)
{
	size_t i;

	for (i = 0; i < im->nloaded; i++)
		if (im->loaded[i]->primary.fpr_len == len &&
		    !memcmp(im->loaded[i]->primary.fpr, fpr, len))
			return im->loaded[i];
	return NULL;
}

/* Find the imported item with this primary fingerprint. */
static item *
item_by_fpr(import *im, const uint8_t *fpr, size_t len)
{
	size_t i;

	for (i = 0; i < im->nitems; i++) {
		item *it = &im->items[i];

		if (it->rejected || it->folded || !it->merged)
			continue;
		if (it->merged->primary.fpr_len == len &&
		    !memcmp(it->merged->primary.fpr, fpr, len))
			return it;
	}
	return NULL;
}

struct cand_ctx {
	import *im;
	const weft_sigrec *rec;
	const uint8_t *keyid;
	const weft_cert *target;
	gpg_error_t err;
};

static gpg_error_t
add_store_cand(void *opaque, const uint8_t *key, size_t klen,
	       const uint8_t *val, size_t vlen)
{
	struct cand_ctx *cc = opaque;
	import *im = cc->im;
	uint8_t kid[8];
	weft_cert *c;
	gpg_error_t err;

	(void)key;
	(void)klen;
	if (vlen > WEFT_FPR_MAX)
		return 0;
	weft_keyid_from_fpr(val, vlen, kid);
	if (memcmp(kid, cc->keyid, 8))
		return 0; /* a subkey with this key ID */
	if (!weft_pkt_sig_issuer_matches(&cc->rec->sig, val, vlen, kid))
		return 0;
	if (vlen == cc->target->primary.fpr_len &&
	    !memcmp(val, cc->target->primary.fpr, vlen))
		return 0;
	if (item_by_fpr(im, val, vlen))
		return 0; /* the imported version is used instead */
	c = loaded_find(im, val, vlen);
	if (!c) {
		if ((err = weft_store_cert_load(im->txn, val, vlen, &c, NULL)))
			return gpg_err_code(err) == GPG_ERR_NOT_FOUND ? 0 : err;
		if ((err = weft_grow((void **)&im->loaded, &im->loaded_cap,
				     im->nloaded + 1, sizeof *im->loaded))) {
			weft_cert_free(c);
			return err;
		}
		im->loaded[im->nloaded++] = c;
	}
	return push_cand(im, c);
}

/* Queue REC (a third-party certification on TARGET) with every key that
 * could have issued it: imported ones, and ones in the keyring. */
static gpg_error_t
queue_tp(import *im, size_t item_idx, weft_sigrec *rec,
	 const weft_uidrec *uid)
{
	weft_cert *target = im->items[item_idx].merged;
	uint8_t keyid[8];
	size_t first = im->ncands, i;
	struct cand_ctx cc;
	tp_job *j;
	gpg_error_t err;

	if (!weft_sigrec_issuer_keyid(rec, keyid))
		return 0;
	{
		for (i = 0; i < im->nitems; i++) {
			item *it = &im->items[i];

			if (it->rejected || it->folded || !it->merged ||
			    it->merged == target)
				continue;
			if (memcmp(it->merged->primary.keyid, keyid, 8) ||
			    !weft_pkt_sig_issuer_matches(&rec->sig,
					it->merged->primary.fpr,
					it->merged->primary.fpr_len, keyid))
				continue;
			if ((err = push_cand(im, it->merged)))
				return err;
		}
		memset(&cc, 0, sizeof cc);
		cc.im = im;
		cc.rec = rec;
		cc.keyid = keyid;
		cc.target = target;
		if ((err = weft_store_by_keyid(im->txn, keyid, add_store_cand,
					       &cc)))
			return err;
	}
	if (im->ncands == first)
		return 0;
	if ((err = weft_grow((void **)&im->jobs, &im->jobs_cap, im->njobs + 1,
			     sizeof *im->jobs)))
		return err;
	j = &im->jobs[im->njobs++];
	j->item = item_idx;
	j->target = target;
	j->rec = rec;
	j->uid = uid;
	j->cand = first;
	j->ncand = im->ncands - first;
	j->pending = im->items[item_idx].touched;
	return 0;
}

static bool
is_tp_cert(const weft_sigrec *r)
{
	uint8_t t = r->sig.type;

	return !r->self && r->state == WEFT_SIG_UNCHECKED &&
	       ((t >= WEFT_SIG_GENERIC_CERT && t <= WEFT_SIG_POSITIVE_CERT) ||
		t == WEFT_SIG_CERT_REVOCATION || t == WEFT_SIG_DIRECT_KEY ||
		t == WEFT_SIG_KEY_REVOCATION);
}

static gpg_error_t
queue_cert_tps(import *im, size_t item_idx)
{
	weft_cert *c = im->items[item_idx].merged;
	size_t i, j;
	gpg_error_t err;

	for (i = 0; i < c->primary.sigs.n; i++)
		if (is_tp_cert(&c->primary.sigs.v[i]) &&
		    (err = queue_tp(im, item_idx, &c->primary.sigs.v[i], NULL)))
			return err;
	for (i = 0; i < c->nuids; i++)
		for (j = 0; j < c->uids[i].sigs.n; j++)
			if (is_tp_cert(&c->uids[i].sigs.v[j]) &&
			    (err = queue_tp(im, item_idx, &c->uids[i].sigs.v[j],
					    &c->uids[i])))
				return err;
	return 0;
}

struct fpr_list {
	uint8_t (*fprs)[WEFT_FPR_MAX + 1];
	size_t n, cap;
};

static gpg_error_t
collect_fpr(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	    size_t vlen)
{
	struct fpr_list *l = opaque;
	gpg_error_t err;

	(void)key;
	(void)klen;
	if (vlen > WEFT_FPR_MAX)
		return 0;
	if ((err = weft_grow((void **)&l->fprs, &l->cap, l->n + 1,
			     sizeof *l->fprs)))
		return err;
	l->fprs[l->n][0] = (uint8_t)vlen;
	memcpy(l->fprs[l->n] + 1, val, vlen);
	l->n++;
	return 0;
}

/* Keyring certificates holding certifications by the key with KEYID,
 * which this import brings: load them as "touched" items. */
static gpg_error_t
queue_pending(import *im, const uint8_t keyid[8])
{
	struct fpr_list l = { NULL, 0, 0 };
	item *t;
	size_t i;
	gpg_error_t err;

	if ((err = weft_store_each(im->txn, WEFT_DB_PENDING, keyid, 8,
				   collect_fpr, &l)))
		goto leave;
	for (i = 0; i < l.n; i++) {
		const uint8_t *fpr = l.fprs[i] + 1;
		size_t len = l.fprs[i][0];

		if (item_by_fpr(im, fpr, len))
			continue; /* imported, or touched already */
		if ((err = push_item(im, &t)))
			goto leave;
		t->touched = true;
		err = weft_store_cert_load(im->txn, fpr, len, &t->merged, NULL);
		if (!err)
			err = weft_store_cert_load(im->txn, fpr, len, &t->old,
						   NULL);
		if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
			/* A stale index entry: fsck reports it. */
			weft_cert_free(t->merged);
			t->merged = NULL;
			t->rejected = true;
			err = 0;
		}
		if (err)
			goto leave;
	}
leave:
	free(l.fprs);
	return err;
}

static void
tp_job_run(void *arg, size_t i)
{
	import *im = arg;
	tp_job *j = &im->jobs[i];
	size_t k;

	bool tried = false;

	for (k = 0; k < j->ncand; k++) {
		j->rec->state = WEFT_SIG_UNCHECKED;
		if (weft_cert_check_third_party(j->target, j->rec, j->uid,
						im->cands[j->cand + k]))
			continue; /* this candidate cannot verify anything */
		tried = true;
		if (j->rec->state == WEFT_SIG_GOOD)
			return;
	}
	/* BAD only when some candidate could check it and none agreed. */
	j->rec->state = tried ? WEFT_SIG_BAD : WEFT_SIG_UNCHECKED;
}

static gpg_error_t
third_party(import *im)
{
	size_t i, n = im->nitems;
	item *it;
	gpg_error_t err;

	/* Keyring certificates waiting for a key that arrives now become
	 * "touched" items, appended after the imported ones. */
	for (i = 0; i < n; i++) {
		uint8_t keyid[8];

		it = &im->items[i];
		if (it->rejected || it->folded || !it->merged || it->old)
			continue;
		memcpy(keyid, it->merged->primary.keyid, 8);
		if ((err = queue_pending(im, keyid)))
			return err;
	}
	/* Every unchecked certification on imported and touched keys whose
	 * issuer is now at hand. */
	for (i = 0; i < im->nitems; i++) {
		it = &im->items[i];
		if (it->rejected || it->folded || !it->merged)
			continue;
		if ((err = queue_cert_tps(im, i)))
			return err;
	}
	/* Build every issuer's public key before the threads share it. */
	for (i = 0; i < im->ncands; i++) {
		weft_pubkey *pk;

		weft_cert_pubkey(im->cands[i], &pk);
	}
	im->phase = "verifying certifications";
	weft_parallel(im->njobs, weft_ctx__threads(im->ctx), tp_job_run, im,
		      tick, im);
	for (i = 0; i < im->njobs; i++) {
		tp_job *j = &im->jobs[i];

		if (j->rec->state == WEFT_SIG_UNCHECKED)
			continue;
		im->stats->sigs_verified++;
		/* A certification that was already stored, waiting. */
		if (im->items[j->item].old && !j->rec->is_new) {
			im->items[j->item].states_changed = true;
			if (j->rec->state == WEFT_SIG_GOOD)
				im->stats->certs_resolved++;
		}
	}
	return 0;
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
		if (pu && (uid = malloc(pu->len + 1))) {
			memcpy(uid, pu->data, pu->len);
			uid[pu->len] = 0;
		}
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

static gpg_error_t
write_all(import *im, weft_import_cb cb, void *opaque)
{
	size_t i;
	weft_diag note;
	gpg_error_t err;

	im->phase = "writing";
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
			if ((err = weft_store_cert_put(im->txn, it->merged,
						       it->old,
						       WEFT_PUT_DEFER_EDGES)))
				return err;
			it->written = true;
			continue;
		}
		if (it->rejected) {
			im->stats->rejected++;
			report(im, it, WEFT_IMPORT_REJECTED, cb, opaque);
			continue;
		}
		weft_diag_clear(&note);
		im->stats->dropped += weft_cert_prune(it->merged, &note);
		if (note.msg[0] && !it->note.msg[0])
			it->note = note;
		count_new(it);
		if (!it->old)
			st = WEFT_IMPORT_NEW;
		else if (it->new_uids || it->new_subkeys || it->new_sigs)
			st = WEFT_IMPORT_UPDATED;
		else
			st = WEFT_IMPORT_UNCHANGED;
		if (st != WEFT_IMPORT_UNCHANGED || it->states_changed) {
			err = weft_store_cert_put(im->txn, it->merged, it->old,
						  WEFT_PUT_DEFER_EDGES);
			it->written = !err;
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
		switch (st) {
		case WEFT_IMPORT_NEW: im->stats->new_keys++; break;
		case WEFT_IMPORT_UPDATED: im->stats->updated++; break;
		default: im->stats->unchanged++; break;
		}
		im->stats->new_uids += it->new_uids;
		im->stats->new_subkeys += it->new_subkeys;
		im->stats->new_sigs += it->new_sigs;
		report(im, it, st, cb, opaque);
		weft_ctx__progress(im->ctx, im->phase, i + 1, im->nitems);
	}
	/* Now that every key is in the key ID index, the certifications
	 * that name their issuer by key ID only can be linked. */
	for (i = 0; i < im->nitems; i++)
		if (im->items[i].written &&
		    (err = weft_store_cert_put_edges(im->txn,
						     im->items[i].merged)))
			return err;
	return 0;
}

static void
count_pending(import *im)
{
	size_t i, j, k;

	for (i = 0; i < im->nitems; i++) {
		item *it = &im->items[i];

		if (it->rejected || it->folded || !it->merged || it->touched)
			continue;
		for (j = 0; j < it->merged->nuids; j++)
			for (k = 0; k < it->merged->uids[j].sigs.n; k++) {
				const weft_sigrec *r = &it->merged->uids[j].sigs.v[k];
				if (!r->self && r->state == WEFT_SIG_UNCHECKED)
					im->stats->certs_pending++;
			}
	}
}

static void
import_free(import *im)
{
	size_t i;

	for (i = 0; i < im->nitems; i++) {
		weft_cert_free(im->items[i].cert);
		weft_cert_free(im->items[i].merged);
		weft_cert_free(im->items[i].old);
		free(im->items[i].uid_hint);
	}
	free(im->items);
	for (i = 0; i < im->nstrays; i++)
		free(im->strays[i].body);
	free(im->strays);
	free(im->jobs);
	free(im->cands);
	for (i = 0; i < im->nloaded; i++)
		weft_cert_free(im->loaded[i]);
	free(im->loaded);
}

gpg_error_t
weft_import(weft_ctx *ctx, const void *data, size_t len, const char *source,
	    weft_import_cb cb, void *opaque, weft_import_stats *stats)
{
	import im;
	weft_import_stats local;
	weft_armor_list blocks = { NULL, 0 };
	weft_diag diag = { { 0 } };
	size_t i;
	gpg_error_t err;

	memset(&im, 0, sizeof im);
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	im.ctx = ctx;
	im.stats = stats;
	im.source = source ? source : "input";
	ctx->error[0] = 0;

	/* 1. */
	if ((err = weft_armor_decode(data, len, &blocks, &diag)))
		return weft_ctx__error(ctx, err, "%s: %s", im.source,
				       diag.msg[0] ? diag.msg : gpg_strerror(err));
	im.phase = "reading";
	for (i = 0; i < blocks.n; i++) {
		const weft_armor_block *b = &blocks.blocks[i];

		if (b->label && strcmp(b->label, "PGP PUBLIC KEY BLOCK") &&
		    strcmp(b->label, "PGP PRIVATE KEY BLOCK") &&
		    strcmp(b->label, "PGP SIGNATURE") &&
		    strcmp(b->label, "PGP ARMORED FILE")) {
			continue; /* a message or something else: not keys */
		}
		if ((err = read_block(&im, b->data, b->len,
				      b->label ? (unsigned)i + 1 : 0)))
			goto leave;
	}
	if (!im.nitems && !im.nstrays) {
		err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_DATA),
				      "%s: no keys found", im.source);
		goto leave;
	}

	if ((err = weft_ctx__txn(ctx, true, &im.txn)))
		goto leave;

	/* 2. */
	if ((err = fold_duplicates(&im)) || (err = attach_revocations(&im)))
		goto leave;

	/* 3. */
	for (i = 0; i < im.nitems; i++) {
		item *it = &im.items[i];

		if (it->rejected || it->folded)
			continue;
		if ((err = load_and_merge(&im, it)))
			goto leave;
	}

	/* 4. */
	im.phase = "verifying keys";
	weft_parallel(im.nitems, weft_ctx__threads(ctx), self_job, &im, tick,
		      &im);
	for (i = 0; i < im.nitems; i++) {
		item *it = &im.items[i];

		if (it->rejected || it->folded || !it->merged)
			continue;
		stats->sigs_verified += count_self_checked(it->merged,
							   it->old != NULL);
		after_self(&im, it);
	}

	/* 5. */
	if ((err = third_party(&im)))
		goto leave;

	/* 6. */
	if ((err = write_all(&im, cb, opaque)))
		goto leave;
	count_pending(&im);
	err = weft_txn_commit(im.txn);
	im.txn = NULL;
	if (err) {
		weft_ctx__error(ctx, err, "%s: could not commit the import: %s",
				im.source, gpg_strerror(err));
		goto leave;
	}
	/* Damaged input was reported as a rejection (one line, with the
	 * detail); the error code tells the caller, without a second line. */
	if (im.input_err)
		err = im.input_err;
leave:
	if (err && im.txn && !ctx->error[0])
		weft_ctx__error(ctx, err, "%s: import failed: %s", im.source,
				gpg_strerror(err));
	weft_txn_abort(im.txn);
	import_free(&im);
	weft_armor_list_free(&blocks);
	return err;
}
