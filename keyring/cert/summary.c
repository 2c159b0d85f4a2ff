/* summary.c - building, storing and decoding certificate summaries (the
 * state of their components at a time: summary-state.c).
 *
 * Record layout (big endian): "WT", format 1; the primary key (created u32,
 * version, algo, bits u16, curve accepted, fingerprint length,
 * fingerprint); counts (u32 each) of user IDs, subkeys, issuers, regexes,
 * signatures; then each list in order.
 */
#include <stdlib.h>

#include "summary.h"
#include "../util/mem.h"

#define SUM_MAGIC0 'W'
#define SUM_MAGIC1 'T'
#define SUM_FORMAT 1
#define TSIG_SIZE 26

/* ---- building --------------------------------------------------------------- */

static bool
curve_accepted(const weft_pkt_key *k)
{
	switch (k->algo) {
	case WEFT_PK_ECDSA: case WEFT_PK_EDDSA_LEGACY: case WEFT_PK_ECDH:
		return k->curve && strcmp(k->curve->display, "secp256k1");
	default:
		return true;
	}
}

typedef struct fpr_ent {
	uint8_t len;
	uint8_t fpr[WEFT_FPR_MAX];
} fpr_ent;

static int
fpr_ent_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(fpr_ent));
}

typedef struct builder {
	const weft_cert *c;
	fpr_ent *issuers;
	size_t nissuers, issuers_cap;
	weft_tsig *sigs;
	const weft_sigrec **recs;
	size_t nsigs, sigs_cap, recs_cap;
	weft_buf regexes;        /* len u32 + bytes, each */
	size_t nregexes;
} builder;

static uint16_t
issuer_index(const builder *b, const weft_sigrec *r)
{
	fpr_ent key, *hit;

	memset(&key, 0, sizeof key);
	key.len = r->issuer_fpr_len;
	memcpy(key.fpr, r->issuer_fpr, r->issuer_fpr_len);
	hit = bsearch(&key, b->issuers, b->nissuers, sizeof key, fpr_ent_cmp);
	return hit ? (uint16_t)(1 + (hit - b->issuers)) : 0;
}

static uint32_t
abs_time(uint32_t base, uint32_t delta)
{
	uint64_t t = (uint64_t)base + delta;

	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

static gpg_error_t
add_sigs(builder *b, const weft_sigvec *v, uint16_t comp,
	 const weft_pkt_key *bound)
{
	const uint8_t *re;
	size_t i, k, re_len;
	gpg_error_t err;

	for (i = 0; i < v->n; i++) {
		const weft_sigrec *r = &v->v[i];
		const weft_pkt_sig *s = &r->sig;
		weft_tsig *t;

		if (r->state != WEFT_SIG_GOOD)
			continue;
		if (!r->self && (!r->issuer_fpr_len ||
				 !(weft_sig_is_cert(s->type) ||
				   s->type == WEFT_SIG_CERT_REVOCATION)))
			continue;
		if ((err = weft_grow((void **)&b->sigs, &b->sigs_cap,
				     b->nsigs + 1, sizeof *b->sigs)) ||
		    (err = weft_grow((void **)&b->recs, &b->recs_cap,
				     b->nsigs + 1, sizeof *b->recs)))
			return err;
		t = &b->sigs[b->nsigs];
		b->recs[b->nsigs] = r;
		b->nsigs++;
		memset(t, 0, sizeof *t);
		t->created = s->created;
		t->expires = s->expires ? abs_time(s->created, s->expires) : 0;
		if (s->has_key_expires && s->key_expires)
			t->key_expires = abs_time(bound->created, s->key_expires);
		t->comp = comp;
		t->issuer = r->self ? 0 : issuer_index(b, r);
		t->type = s->type;
		t->hash = s->hash_algo;
		t->key_flags = s->key_flags;
		if (s->has_key_flags)
			t->flags |= WEFT_TSF_KEY_FLAGS;
		if (s->primary_uid)
			t->flags |= WEFT_TSF_PRIMARY_UID;
		if (s->exportable)
			t->flags |= WEFT_TSF_EXPORTABLE;
		if (s->unknown_critical)
			t->flags |= WEFT_TSF_BADCRIT;
		if (!s->revocable)
			t->flags2 |= WEFT_TSF2_NONREVOCABLE;
		if ((s->type == WEFT_SIG_KEY_REVOCATION ||
		     s->type == WEFT_SIG_SUBKEY_REVOCATION ||
		     s->type == WEFT_SIG_CERT_REVOCATION) &&
		    weft_revocation_is_hard(s))
			t->flags |= WEFT_TSF_HARD;
		if (s->type == WEFT_SIG_SUBKEY_BINDING) {
			if (weft_binding_needs_backsig(bound, s))
				t->flags |= WEFT_TSF_NEEDS_BACKSIG;
			if (r->backsig_ok)
				t->flags |= WEFT_TSF_BACKSIG_OK;
		}
		/* Regexes count only with a trust signature (Sequoia's
		 * RegexSet::from_signature). */
		if (s->has_trust) {
			t->flags |= WEFT_TSF_TRUST;
			t->depth = s->trust_depth;
			t->amount = s->trust_amount;
			t->regex = (uint16_t)b->nregexes;
			for (k = 0; b->nregexes < 0xffff &&
				    weft_pkt_sig_regex(s, (unsigned)k, &re,
						       &re_len); k++) {
				weft_buf_put_u32(&b->regexes, (uint32_t)re_len);
				weft_buf_put(&b->regexes, re, re_len);
				b->nregexes++;
				t->nregex++;
			}
			if ((err = weft_buf_error(&b->regexes)))
				return err;
		}
	}
	return 0;
}

static gpg_error_t
collect_issuers(builder *b, const weft_sigvec *v)
{
	size_t i;
	gpg_error_t err;

	for (i = 0; i < v->n; i++) {
		const weft_sigrec *r = &v->v[i];
		fpr_ent *e;

		if (r->self || r->state != WEFT_SIG_GOOD || !r->issuer_fpr_len)
			continue;
		if ((err = weft_grow((void **)&b->issuers, &b->issuers_cap,
				     b->nissuers + 1, sizeof *b->issuers)))
			return err;
		e = &b->issuers[b->nissuers++];
		memset(e, 0, sizeof *e);
		e->len = r->issuer_fpr_len;
		memcpy(e->fpr, r->issuer_fpr, r->issuer_fpr_len);
	}
	return 0;
}

/* Sort: component, then self before third-party, then issuer, then
 * newest first.  RECS follows SIGS. */
static int
tsig_order(const weft_tsig *a, const weft_tsig *b)
{
	if (a->comp != b->comp)
		return a->comp < b->comp ? -1 : 1;
	if (a->issuer != b->issuer)
		return a->issuer < b->issuer ? -1 : 1;
	if (a->created != b->created)
		return a->created > b->created ? -1 : 1;
	return 0;
}

static void
sort_sigs(builder *b)
{
	size_t i, j;

	/* Insertion sort: stable, and signatures arrive nearly sorted
	 * (components in order, certifications by time). */
	for (i = 1; i < b->nsigs; i++) {
		weft_tsig t = b->sigs[i];
		const weft_sigrec *r = b->recs[i];

		for (j = i; j > 0 && tsig_order(&b->sigs[j - 1], &t) > 0; j--) {
			b->sigs[j] = b->sigs[j - 1];
			b->recs[j] = b->recs[j - 1];
		}
		b->sigs[j] = t;
		b->recs[j] = r;
	}
}

static void
put_key(weft_buf *out, const weft_keyrec *k)
{
	weft_buf_put_u32(out, k->key.created);
	weft_buf_put_u8(out, k->key.version);
	weft_buf_put_u8(out, k->key.algo);
	weft_buf_put_u16(out, (uint16_t)(k->key.bits > 0xffff ? 0xffff
							       : k->key.bits));
	weft_buf_put_u8(out, curve_accepted(&k->key));
	weft_buf_put_u8(out, (uint8_t)k->fpr_len);
	weft_buf_put(out, k->fpr, k->fpr_len);
}

static void
put_tsig(weft_buf *out, const weft_tsig *t)
{
	weft_buf_put_u32(out, t->created);
	weft_buf_put_u32(out, t->expires);
	weft_buf_put_u32(out, t->key_expires);
	weft_buf_put_u16(out, t->comp);
	weft_buf_put_u16(out, t->issuer);
	weft_buf_put_u16(out, t->regex);
	weft_buf_put_u8(out, t->nregex);
	weft_buf_put_u8(out, t->type);
	weft_buf_put_u8(out, t->hash);
	weft_buf_put_u8(out, t->flags);
	weft_buf_put_u8(out, t->key_flags);
	weft_buf_put_u8(out, t->depth);
	weft_buf_put_u8(out, t->amount);
	weft_buf_put_u8(out, t->flags2);
}

static gpg_error_t
build(const weft_cert *c, builder *b)
{
	size_t i, w;
	gpg_error_t err;

	memset(b, 0, sizeof *b);
	b->c = c;
	weft_buf_init(&b->regexes);
	if (c->nuids >= 0x8000 || c->nsubkeys >= 0x7fff)
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	for (i = 0; i < c->nuids; i++)
		if ((err = collect_issuers(b, &c->uids[i].sigs)))
			return err;
	if ((err = collect_issuers(b, &c->primary.sigs)))
		return err;
	if (b->nissuers > 1) {
		qsort(b->issuers, b->nissuers, sizeof *b->issuers, fpr_ent_cmp);
		for (i = 1, w = 0; i < b->nissuers; i++)
			if (fpr_ent_cmp(&b->issuers[w], &b->issuers[i]))
				b->issuers[++w] = b->issuers[i];
		b->nissuers = w + 1;
	}
	if (b->nissuers >= 0xffff)
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	for (i = 0; i < c->nuids; i++)
		if ((err = add_sigs(b, &c->uids[i].sigs, (uint16_t)i,
				    &c->primary.key)))
			return err;
	for (i = 0; i < c->nsubkeys; i++)
		if ((err = add_sigs(b, &c->subkeys[i].sigs,
				    (uint16_t)(WEFT_TS_SUBKEY | i),
				    &c->subkeys[i].key)))
			return err;
	if ((err = add_sigs(b, &c->primary.sigs, WEFT_TS_PRIMARY,
			    &c->primary.key)))
		return err;
	sort_sigs(b);
	return 0;
}

static void
builder_free(builder *b)
{
	free(b->issuers);
	free(b->sigs);
	free(b->recs);
	weft_buf_free(&b->regexes);
}

static gpg_error_t
serialize(const weft_cert *c, const builder *b, weft_buf *out)
{
	size_t i;

	weft_buf_put_u8(out, SUM_MAGIC0);
	weft_buf_put_u8(out, SUM_MAGIC1);
	weft_buf_put_u8(out, SUM_FORMAT);
	put_key(out, &c->primary);
	weft_buf_put_u32(out, (uint32_t)c->nuids);
	weft_buf_put_u32(out, (uint32_t)c->nsubkeys);
	weft_buf_put_u32(out, (uint32_t)b->nissuers);
	weft_buf_put_u32(out, (uint32_t)b->nregexes);
	weft_buf_put_u32(out, (uint32_t)b->nsigs);
	for (i = 0; i < c->nuids; i++) {
		const weft_uidrec *u = &c->uids[i];

		weft_buf_put_u32(out, (uint32_t)u->len);
		weft_buf_put_u8(out, u->tag);
		weft_buf_put_u8(out, (uint8_t)weft_uid_hash_security(
						u->data, u->len, u->tag));
		weft_buf_put(out, u->data, u->len);
	}
	for (i = 0; i < c->nsubkeys; i++)
		put_key(out, &c->subkeys[i]);
	for (i = 0; i < b->nissuers; i++) {
		weft_buf_put_u8(out, b->issuers[i].len);
		weft_buf_put(out, b->issuers[i].fpr, b->issuers[i].len);
	}
	weft_buf_put(out, b->regexes.data, b->regexes.len);
	for (i = 0; i < b->nsigs; i++)
		put_tsig(out, &b->sigs[i]);
	return weft_buf_error(out);
}

gpg_error_t
weft_summary_build(const weft_cert *c, weft_buf *out)
{
	builder b;
	gpg_error_t err;

	if (!(err = build(c, &b)))
		err = serialize(c, &b, out);
	builder_free(&b);
	return err;
}

/* ---- decoding -------------------------------------------------------------- */

static gpg_error_t
get_key(weft_reader *r, weft_tkey *k)
{
	uint8_t ok, len;
	gpg_error_t err;

	memset(k, 0, sizeof *k);
	if ((err = weft_reader_u32(r, &k->created)) ||
	    (err = weft_reader_u8(r, &k->version)) ||
	    (err = weft_reader_u8(r, &k->algo)) ||
	    (err = weft_reader_u16(r, &k->bits)) ||
	    (err = weft_reader_u8(r, &ok)) ||
	    (err = weft_reader_u8(r, &len)))
		return err;
	if (len > WEFT_FPR_MAX)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	k->policy_ok_curve = ok != 0;
	k->fpr_len = len;
	return weft_reader_copy(r, k->fpr, len);
}

static gpg_error_t
get_tsig(weft_reader *r, weft_tsig *t)
{
	gpg_error_t err;

	if ((err = weft_reader_u32(r, &t->created)) ||
	    (err = weft_reader_u32(r, &t->expires)) ||
	    (err = weft_reader_u32(r, &t->key_expires)) ||
	    (err = weft_reader_u16(r, &t->comp)) ||
	    (err = weft_reader_u16(r, &t->issuer)) ||
	    (err = weft_reader_u16(r, &t->regex)) ||
	    (err = weft_reader_u8(r, &t->nregex)) ||
	    (err = weft_reader_u8(r, &t->type)) ||
	    (err = weft_reader_u8(r, &t->hash)) ||
	    (err = weft_reader_u8(r, &t->flags)) ||
	    (err = weft_reader_u8(r, &t->key_flags)) ||
	    (err = weft_reader_u8(r, &t->depth)) ||
	    (err = weft_reader_u8(r, &t->amount)) ||
	    (err = weft_reader_u8(r, &t->flags2)))
		return err;
	return 0;
}

/* The decoder's layout (below) relies on these. */
_Static_assert(_Alignof(weft_tbytes) >= _Alignof(weft_tsig) &&
	       _Alignof(weft_tuid) >= _Alignof(weft_tbytes) &&
	       _Alignof(weft_tsig) >= _Alignof(weft_tkey),
	       "summary arrays: decreasing alignment");

gpg_error_t
weft_summary_decode(weft_summary *s, const uint8_t *rec, size_t len)
{
	return weft_summary_decode_in(s, rec, len, NULL);
}

gpg_error_t
weft_summary_decode_in(weft_summary *s, const uint8_t *rec, size_t len,
		       weft_arena *arena)
{
	weft_reader r;
	uint32_t nu, nk, ni, nr, ns, l;
	uint8_t m0, m1, fmt, b8;
	size_t bytes, i;
	weft_tuid *uids;
	weft_tkey *subkeys;
	weft_tbytes *issuers, *regexes;
	weft_tsig *sigs;
	char *mem;
	gpg_error_t err;

	memset(s, 0, sizeof *s);
	weft_reader_init(&r, rec, len);
	if (weft_reader_u8(&r, &m0) || weft_reader_u8(&r, &m1) ||
	    weft_reader_u8(&r, &fmt) || m0 != SUM_MAGIC0 || m1 != SUM_MAGIC1 ||
	    fmt != SUM_FORMAT || get_key(&r, &s->key) ||
	    weft_reader_u32(&r, &nu) || weft_reader_u32(&r, &nk) ||
	    weft_reader_u32(&r, &ni) || weft_reader_u32(&r, &nr) ||
	    weft_reader_u32(&r, &ns))
		return WEFT_ERR(GPG_ERR_INV_DATA);
	/* Every entry takes at least one octet of the record. */
	if (nu > len || nk > len || ni > len || nr > len || ns > len)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	bytes = nu * sizeof *uids + nk * sizeof *subkeys +
		(ni + nr) * sizeof *issuers + ns * sizeof *sigs + 1;
	mem = arena ? weft_arena_zalloc(arena, bytes) : calloc(1, bytes);
	if (!mem)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	if (!arena)
		s->mem = mem;
	/* Largest alignment first: the arrays holding pointers, then the
	 * 4-aligned ones (a weft_tsig is 28 octets, so anything after an
	 * odd number of them is not 8-aligned). */
	uids = (weft_tuid *)mem;
	mem += nu * sizeof *uids;
	issuers = (weft_tbytes *)mem;
	mem += ni * sizeof *issuers;
	regexes = (weft_tbytes *)mem;
	mem += nr * sizeof *regexes;
	sigs = (weft_tsig *)mem;
	mem += ns * sizeof *sigs;
	subkeys = (weft_tkey *)mem;

	for (i = 0; i < nu; i++) {
		if (weft_reader_u32(&r, &l) || weft_reader_u8(&r, &uids[i].tag) ||
		    weft_reader_u8(&r, &uids[i].sec) ||
		    weft_reader_bytes_direct(&r, l, &uids[i].data))
			goto damaged;
		uids[i].len = l;
	}
	for (i = 0; i < nk; i++)
		if (get_key(&r, &subkeys[i]))
			goto damaged;
	for (i = 0; i < ni; i++) {
		if (weft_reader_u8(&r, &b8) ||
		    weft_reader_bytes_direct(&r, b8, &issuers[i].data))
			goto damaged;
		issuers[i].len = b8;
	}
	for (i = 0; i < nr; i++) {
		if (weft_reader_u32(&r, &l) ||
		    weft_reader_bytes_direct(&r, l, &regexes[i].data))
			goto damaged;
		regexes[i].len = l;
	}
	for (i = 0; i < ns; i++) {
		if (get_tsig(&r, &sigs[i]))
			goto damaged;
		if (sigs[i].issuer > ni ||
		    (size_t)sigs[i].regex + sigs[i].nregex > nr)
			goto damaged;
	}
	if (!weft_reader_eof(&r))
		goto damaged;
	s->uids = uids;
	s->nuids = nu;
	s->subkeys = subkeys;
	s->nsubkeys = nk;
	s->issuers = issuers;
	s->nissuers = ni;
	s->regexes = regexes;
	s->nregexes = nr;
	s->sigs = sigs;
	s->nsigs = ns;
	return 0;
damaged:
	err = WEFT_ERR(GPG_ERR_INV_DATA);
	weft_summary_free(s);
	return err;
}

void
weft_summary_free(weft_summary *s)
{
	if (!s)
		return;
	free(s->mem);
	free((void *)s->recs);
	memset(s, 0, sizeof *s);
}

gpg_error_t
weft_summary_of(const weft_cert *c, weft_buf *buf, weft_summary *s)
{
	builder b;
	gpg_error_t err;

	memset(s, 0, sizeof *s);
	if (!(err = build(c, &b)) && !(err = serialize(c, &b, buf)) &&
	    !(err = weft_summary_decode(s, buf->data, buf->len))) {
		/* The records behind the signatures, in the same order. */
		s->recs = b.recs;
		b.recs = NULL;
	}
	builder_free(&b);
	return err;
}

/* ---- summaries put together in memory -------------------------------------- */

static void
put_tkey(weft_buf *out, const weft_tkey *k)
{
	weft_buf_put_u32(out, k->created);
	weft_buf_put_u8(out, k->version);
	weft_buf_put_u8(out, k->algo);
	weft_buf_put_u16(out, k->bits);
	weft_buf_put_u8(out, k->policy_ok_curve ? 1 : 0);
	weft_buf_put_u8(out, k->fpr_len);
	weft_buf_put(out, k->fpr, k->fpr_len);
}

static int
tsig_cmp(const void *a, const void *b)
{
	return tsig_order(a, b);
}

/* 1. Check every index against the lists it points into.
 * 2. Sort a copy of the signatures (component, issuer, newest first;
 *    qsort is not stable, so equal keys keep no particular order, which
 *    no reader depends on: ties are same-second records of one issuer).
 * 3. Write the record as serialize() does. */
gpg_error_t
weft_summary_write(const weft_summary *s, weft_buf *out)
{
	weft_tsig *sigs = NULL;
	size_t i;
	gpg_error_t err;

	/* 1 */
	if (s->nuids >= 0x8000 || s->nsubkeys >= 0x7fff ||
	    s->nissuers >= 0xffff || s->nregexes >= 0xffff ||
	    s->nsigs > UINT32_MAX || s->key.fpr_len > WEFT_FPR_MAX)
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	for (i = 0; i < s->nsigs; i++) {
		const weft_tsig *t = &s->sigs[i];

		if (t->issuer > s->nissuers ||
		    (size_t)t->regex + t->nregex > s->nregexes ||
		    (t->comp != WEFT_TS_PRIMARY &&
		     ((t->comp & WEFT_TS_SUBKEY)
			      ? (size_t)(t->comp & ~WEFT_TS_SUBKEY) >= s->nsubkeys
			      : t->comp >= s->nuids)))
			return WEFT_ERR(GPG_ERR_INV_VALUE);
	}
	for (i = 0; i < s->nissuers; i++)
		if (s->issuers[i].len > 0xff)
			return WEFT_ERR(GPG_ERR_INV_VALUE);
	/* 2 */
	if (s->nsigs) {
		if (!(sigs = malloc(s->nsigs * sizeof *sigs)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		memcpy(sigs, s->sigs, s->nsigs * sizeof *sigs);
		qsort(sigs, s->nsigs, sizeof *sigs, tsig_cmp);
	}
	/* 3 */
	weft_buf_put_u8(out, SUM_MAGIC0);
	weft_buf_put_u8(out, SUM_MAGIC1);
	weft_buf_put_u8(out, SUM_FORMAT);
	put_tkey(out, &s->key);
	weft_buf_put_u32(out, (uint32_t)s->nuids);
	weft_buf_put_u32(out, (uint32_t)s->nsubkeys);
	weft_buf_put_u32(out, (uint32_t)s->nissuers);
	weft_buf_put_u32(out, (uint32_t)s->nregexes);
	weft_buf_put_u32(out, (uint32_t)s->nsigs);
	for (i = 0; i < s->nuids; i++) {
		weft_buf_put_u32(out, s->uids[i].len);
		weft_buf_put_u8(out, s->uids[i].tag);
		weft_buf_put_u8(out, s->uids[i].sec);
		weft_buf_put(out, s->uids[i].data, s->uids[i].len);
	}
	for (i = 0; i < s->nsubkeys; i++)
		put_tkey(out, &s->subkeys[i]);
	for (i = 0; i < s->nissuers; i++) {
		weft_buf_put_u8(out, (uint8_t)s->issuers[i].len);
		weft_buf_put(out, s->issuers[i].data, s->issuers[i].len);
	}
	for (i = 0; i < s->nregexes; i++) {
		weft_buf_put_u32(out, s->regexes[i].len);
		weft_buf_put(out, s->regexes[i].data, s->regexes[i].len);
	}
	for (i = 0; i < s->nsigs; i++)
		put_tsig(out, &sigs[i]);
	free(sigs);
	err = weft_buf_error(out);
	return err;
}

static bool
same_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

/* 1. The key: A's (B's when there is no A); the fingerprints must agree.
 * 2. User IDs: A's, then each of B's that A lacks; MAPU maps B's indices.
 * 3. Issuers likewise (MAPI; index 0, the key itself, stays 0); regexes:
 *    A's, then B's (B's records shift by A's count).
 * 4. Signatures: A's as they are, B's with component, issuer and regex
 *    indices mapped; weft_summary_write sorts them. */
gpg_error_t
weft_summary_merge(const weft_summary *a, const weft_summary *b,
		   weft_buf *out)
{
	weft_summary m;
	weft_tuid *uids = NULL;
	weft_tbytes *issuers = NULL, *regexes = NULL;
	weft_tsig *sigs = NULL;
	size_t *mapu = NULL, *mapi = NULL, i, k, na, nb;
	gpg_error_t err = 0;

	if (!a)
		return weft_summary_write(b, out);
	/* 1 */
	if (!same_bytes(a->key.fpr, a->key.fpr_len, b->key.fpr,
			b->key.fpr_len))
		return WEFT_ERR(GPG_ERR_CONFLICT);
	memset(&m, 0, sizeof m);
	m.key = a->key;
	m.subkeys = a->subkeys;
	m.nsubkeys = a->nsubkeys;
	uids = calloc(a->nuids + b->nuids + 1, sizeof *uids);
	issuers = calloc(a->nissuers + b->nissuers + 1, sizeof *issuers);
	regexes = calloc(a->nregexes + b->nregexes + 1, sizeof *regexes);
	sigs = calloc(a->nsigs + b->nsigs + 1, sizeof *sigs);
	mapu = calloc(b->nuids + 1, sizeof *mapu);
	mapi = calloc(b->nissuers + 1, sizeof *mapi);
	if (!uids || !issuers || !regexes || !sigs || !mapu || !mapi) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	/* 2 */
	na = a->nuids;
	if (na)
		memcpy(uids, a->uids, na * sizeof *uids);
	for (i = 0; i < b->nuids; i++) {
		for (k = 0; k < na; k++)
			if (uids[k].tag == b->uids[i].tag &&
			    same_bytes(uids[k].data, uids[k].len,
				       b->uids[i].data, b->uids[i].len))
				break;
		if (k == na)
			uids[na++] = b->uids[i];
		mapu[i] = k;
	}
	m.uids = uids;
	m.nuids = na;
	/* 3 */
	nb = a->nissuers;
	if (nb)
		memcpy(issuers, a->issuers, nb * sizeof *issuers);
	for (i = 0; i < b->nissuers; i++) {
		for (k = 0; k < nb; k++)
			if (same_bytes(issuers[k].data, issuers[k].len,
				       b->issuers[i].data, b->issuers[i].len))
				break;
		if (k == nb)
			issuers[nb++] = b->issuers[i];
		mapi[i] = k + 1;
	}
	m.issuers = issuers;
	m.nissuers = nb;
	if (a->nregexes)
		memcpy(regexes, a->regexes, a->nregexes * sizeof *regexes);
	if (b->nregexes)
		memcpy(regexes + a->nregexes, b->regexes,
		       b->nregexes * sizeof *regexes);
	m.regexes = regexes;
	m.nregexes = a->nregexes + b->nregexes;
	if (m.nregexes >= 0xffff) {
		err = WEFT_ERR(GPG_ERR_TOO_LARGE);
		goto leave;
	}
	/* 4 */
	if (a->nsigs)
		memcpy(sigs, a->sigs, a->nsigs * sizeof *sigs);
	for (i = 0; i < b->nsigs; i++) {
		weft_tsig t = b->sigs[i];

		if (t.comp & WEFT_TS_SUBKEY) {
			if (t.comp != WEFT_TS_PRIMARY) {
				/* a supplement names no subkeys */
				err = WEFT_ERR(GPG_ERR_INV_VALUE);
				goto leave;
			}
		} else if (t.comp < b->nuids) {
			t.comp = (uint16_t)mapu[t.comp];
		} else {
			err = WEFT_ERR(GPG_ERR_INV_VALUE);
			goto leave;
		}
		if (t.issuer > b->nissuers) {
			err = WEFT_ERR(GPG_ERR_INV_VALUE);
			goto leave;
		}
		if (t.issuer)
			t.issuer = (uint16_t)mapi[t.issuer - 1];
		t.regex = (uint16_t)(t.regex + a->nregexes);
		sigs[a->nsigs + i] = t;
	}
	m.sigs = sigs;
	m.nsigs = a->nsigs + b->nsigs;
	err = weft_summary_write(&m, out);
leave:
	free(uids);
	free(issuers);
	free(regexes);
	free(sigs);
	free(mapu);
	free(mapi);
	return err;
}

const weft_tbytes *
weft_summary_issuer(const weft_summary *s, const weft_tsig *sig)
{
	if (!sig->issuer || sig->issuer > s->nissuers)
		return NULL;
	return &s->issuers[sig->issuer - 1];
}
