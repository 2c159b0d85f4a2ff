/* import-read.c - import steps 1 and 2: reading the input into keys,
 * folding duplicates, attaching revocation certificates (see import.h). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "import.h"
#include "../util/mem.h"

/* ---- 1. reading --------------------------------------------------------------- */

static gpg_error_t
finish_cert(import *im, weft_cert_builder *b, unsigned block, uint64_t off)
{
	item *it;
	gpg_error_t err = weft_import__push_item(im, &it);

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
		it->uid_hint = weft_memdupz(u->data, u->len);
		break;
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

void
weft_import__cursor_init(read_cursor *c, const uint8_t *data, size_t len,
			 unsigned block)
{
	memset(c, 0, sizeof *c);
	weft_reader_init(&c->r, data, len);
	c->block = block;
}

void
weft_import__cursor_free(read_cursor *c)
{
	if (c->have)
		weft_cert_builder_free(&c->b);
	c->have = false;
	c->done = true;
}

/* Read keys from C's block until IM holds MAX items or the block ends
 * (C->done).  The key being built when MAX is reached stays in C's
 * builder for the next call: a key is complete only at the next primary
 * key packet or at the end. */
gpg_error_t
weft_import__read_some(import *im, read_cursor *c, size_t max)
{
	weft_packet pkt;
	weft_diag diag = { { 0 } }, d2;
	stray *s;
	gpg_error_t err, e2;

	while (im->nitems < max &&
	       !(err = weft_packet_next(&c->r, &pkt, &diag))) {
		if (pkt.tag == WEFT_PKT_PUBLIC_KEY ||
		    pkt.tag == WEFT_PKT_SECRET_KEY) {
			if (c->have) {
				c->have = false;
				if ((e2 = finish_cert(im, &c->b, c->block,
						      c->start))) {
					weft_packet_release(&pkt);
					c->done = true;
					return e2;
				}
			}
			weft_diag_clear(&d2);
			c->start = pkt.offset;
			e2 = weft_cert_builder_start(&c->b, &pkt, &d2);
			if (gpg_err_code(e2) == GPG_ERR_ENOMEM) {
				weft_packet_release(&pkt);
				c->done = true;
				return e2;
			}
			if (e2) {
				im->stats->keys++;
				c->skipping = true;
				e2 = weft_import__reject_unread(im, c->block,
							pkt.offset, d2.msg);
			} else {
				c->have = true;
				c->skipping = false;
			}
		} else if (c->have) {
			e2 = weft_cert_builder_add(&c->b, &pkt);
		} else if (pkt.tag == WEFT_PKT_SIGNATURE && !c->skipping) {
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
					s->block = c->block;
					s->offset = pkt.offset;
					im->nstrays++;
				}
			}
		} else {
			e2 = 0; /* marker, trust, or leftovers of a skipped key */
		}
		weft_packet_release(&pkt);
		if (e2) {
			weft_import__cursor_free(c);
			return e2;
		}
	}
	if (im->nitems >= max)
		return 0;
	c->done = true;
	if (gpg_err_code(err) == GPG_ERR_EOF) {
		if (c->have) {
			c->have = false;
			return finish_cert(im, &c->b, c->block, c->start);
		}
		return 0;
	}
	/* Damaged framing: nothing after the damage can be trusted.  If the
	 * damaged packet is the next key's primary key packet, the key read
	 * so far is complete and kept; otherwise the damage is inside it, so
	 * it is rejected whole. */
	im->input_err = err;
	if (c->have && damaged_packet_starts_key(&c->r)) {
		c->have = false;
		if ((e2 = finish_cert(im, &c->b, c->block, c->start)))
			return e2;
	}
	if (c->have) {
		weft_import__cursor_free(c);
		im->stats->keys++;
		return weft_import__reject_unread(im, c->block, c->start,
						  diag.msg);
	}
	return weft_import__reject_unread(im, c->block, c->r.off, diag.msg);
}

static int
keyid_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 8);
}

/* Copy the primary public key packet PKT (of DATA, block BLOCK, key ID
 * KEYID) to IM->ahead, while the copies stay within AHEAD_MAX. */
static gpg_error_t
ahead_add(import *im, const uint8_t *data, const weft_packet *pkt,
	  unsigned block, const uint8_t keyid[8])
{
	size_t n = pkt->header_len + pkt->body_len;
	ahead_key *a;
	gpg_error_t err;

	if (pkt->partial || pkt->indeterminate ||
	    im->ahead_len + n > AHEAD_MAX)
		return 0;
	if ((err = weft_grow((void **)&im->ahead, &im->ahead_cap,
			     im->nahead + 1, sizeof *im->ahead)) ||
	    (err = weft_grow((void **)&im->ahead_bytes, &im->ahead_bytes_cap,
			     im->ahead_len + n, 1)))
		return err;
	a = &im->ahead[im->nahead++];
	memcpy(a->keyid, keyid, 8);
	a->block = block;
	a->len = (uint32_t)n;
	a->offset = pkt->offset;
	a->at = im->ahead_len;
	memcpy(im->ahead_bytes + im->ahead_len, data + pkt->offset, n);
	im->ahead_len += n;
	return 0;
}

gpg_error_t
weft_import__scan(import *im, const uint8_t *data, size_t len,
		  unsigned block)
{
	weft_reader r;
	weft_packet pkt;
	weft_pkt_key k;
	uint8_t fpr[WEFT_FPR_MAX], *keyid;
	size_t fpr_len;
	gpg_error_t err = 0;

	weft_reader_init(&r, data, len);
	while (!err && !weft_packet_next(&r, &pkt, NULL)) {
		im->keys_total += pkt.tag == WEFT_PKT_PUBLIC_KEY ||
				  pkt.tag == WEFT_PKT_SECRET_KEY;
		if ((pkt.tag == WEFT_PKT_PUBLIC_KEY ||
		     pkt.tag == WEFT_PKT_SECRET_KEY ||
		     pkt.tag == WEFT_PKT_PUBLIC_SUBKEY ||
		     pkt.tag == WEFT_PKT_SECRET_SUBKEY) &&
		    !weft_pkt_key_parse(&k, pkt.tag, pkt.body, pkt.body_len,
					NULL) &&
		    !weft_key_fingerprint(&k, fpr, &fpr_len) &&
		    !(err = weft_grow((void **)&im->input_keyids,
				      &im->input_keyids_cap,
				      im->ninput_keyids + 1, 8))) {
			keyid = im->input_keyids[im->ninput_keyids++];
			weft_keyid_from_fpr(fpr, fpr_len, keyid);
			if (pkt.tag == WEFT_PKT_PUBLIC_KEY)
				err = ahead_add(im, data, &pkt, block, keyid);
		}
		weft_packet_release(&pkt);
		weft_import__input_release(im, weft_reader_pos(&r), false);
	}
	return err;
}

static int
ahead_cmp(const void *a, const void *b)
{
	const ahead_key *x = a, *y = b;
	int c = memcmp(x->keyid, y->keyid, 8);

	if (c)
		return c;
	if (x->block != y->block)
		return x->block < y->block ? -1 : 1;
	return (x->offset > y->offset) - (x->offset < y->offset);
}

void
weft_import__scan_done(import *im)
{
	im->chunked = im->keys_total > WEFT_IMPORT_CHUNK;
	if (!im->chunked) {
		/* One transaction: a certification whose issuer is in the
		 * input was verified, whatever the order. */
		free(im->input_keyids);
		im->input_keyids = NULL;
		im->ninput_keyids = im->input_keyids_cap = 0;
		free(im->ahead);
		free(im->ahead_bytes);
		im->ahead = NULL;
		im->ahead_bytes = NULL;
		im->nahead = im->ahead_cap = 0;
		im->ahead_len = im->ahead_bytes_cap = 0;
		return;
	}
	if (im->ninput_keyids)
		qsort(im->input_keyids, im->ninput_keyids, 8, keyid_cmp);
	if (im->nahead) {
		qsort(im->ahead, im->nahead, sizeof *im->ahead, ahead_cmp);
		if (!(im->ahead_used = calloc(im->nahead, 1))) {
			/* Without the marks, no key is looked ahead at: what
			 * it certified waits for it, as before. */
			free(im->ahead);
			im->ahead = NULL;
			im->nahead = im->ahead_cap = 0;
		}
	}
}

bool
weft_import__in_input(const import *im, const uint8_t keyid[8])
{
	return im->ninput_keyids &&
	       bsearch(keyid, im->input_keyids, im->ninput_keyids, 8,
		       keyid_cmp);
}

/* How much of a mapped input is let go at a time: small beside a large
 * input, large beside a page. */
#define RELEASE_STEP ((size_t)8 << 20)

void
weft_import__input_release(import *im, const uint8_t *upto, bool always)
{
	size_t end, page = (size_t)sysconf(_SC_PAGESIZE);

	if (!im->map)
		return;
	if (!upto)
		end = im->map_len;
	else if ((uintptr_t)upto >= (uintptr_t)im->map &&
		 (uintptr_t)upto <= (uintptr_t)im->map + im->map_len)
		end = (size_t)((uintptr_t)upto - (uintptr_t)im->map);
	else
		return; /* not in the map: a decoded armor block */
	end -= end % page;
	if (end <= im->map_released ||
	    (!always && end - im->map_released < RELEASE_STEP))
		return;
	(void)madvise((void *)(im->map + im->map_released),
		      end - im->map_released, MADV_DONTNEED);
	im->map_released = upto ? end : 0;
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

gpg_error_t
weft_import__fold_duplicates(import *im)
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

gpg_error_t
weft_import__attach_revocations(import *im)
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
			if ((err = weft_import__reject_unread(im, s->block, s->offset, why)))
				return err;
			continue;
		}
		if (sig.type != WEFT_SIG_KEY_REVOCATION) {
			snprintf(why, sizeof why,
				 "stand-alone signature of class 0x%02x is not part of a key; skipped",
				 sig.type);
			if ((err = weft_import__reject_unread(im, s->block, s->offset, why)))
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
			if ((err = weft_import__reject_unread(im, s->block, s->offset, why)))
				return err;
			continue;
		}
		if ((err = weft_import__push_item(im, &it)))
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

