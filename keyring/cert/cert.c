/* cert.c - certificates: memory, building from packets, canonical order,
 * merging and serialisation. */
#include <stdlib.h>

#include "cert.h"
#include "../util/mem.h"

/* ---- arena ------------------------------------------------------------------ */

struct weft_arena_chunk {
	weft_arena_chunk *next;
	size_t used, cap;
	uint8_t data[];
};

#define ARENA_CHUNK (64u * 1024)
#define ARENA_FIRST 512u

gpg_error_t
weft_cert__keep(weft_cert *c, const void *p, size_t n, const uint8_t **out)
{
	weft_arena_chunk *ch = c->arena;
	size_t want, cap;

	*out = NULL;
	if (!ch || ch->cap - ch->used < n) {
		want = c->arena_next ? c->arena_next : ARENA_FIRST;
		cap = n > want ? n : want;
		ch = malloc(sizeof *ch + cap);
		if (!ch)
			return WEFT_ERR(GPG_ERR_ENOMEM);
		ch->used = 0;
		ch->cap = cap;
		if (n > want && c->arena) {
			/* A big packet gets a chunk of its own, behind the
			 * current one so that it keeps filling. */
			ch->next = c->arena->next;
			c->arena->next = ch;
		} else {
			ch->next = c->arena;
			c->arena = ch;
			c->arena_next = want >= ARENA_CHUNK / 2 ? ARENA_CHUNK
								: want * 2;
		}
	}
	if (n)
		memcpy(ch->data + ch->used, p, n);
	*out = ch->data + ch->used;
	ch->used += n;
	return 0;
}

static void
sigvec_free(weft_sigvec *v)
{
	free(v->v);
	memset(v, 0, sizeof *v);
}

void
weft_cert_free(weft_cert *c)
{
	weft_arena_chunk *ch, *next;
	size_t i;

	if (!c)
		return;
	sigvec_free(&c->primary.sigs);
	for (i = 0; i < c->nuids; i++)
		sigvec_free(&c->uids[i].sigs);
	for (i = 0; i < c->nsubkeys; i++)
		sigvec_free(&c->subkeys[i].sigs);
	free(c->uids);
	free(c->subkeys);
	for (ch = c->arena; ch; ch = next) {
		next = ch->next;
		free(ch);
	}
	weft_pubkey_free(c->pubkey);
	weft_buf_free(&c->secrets);
	free(c);
}

size_t
weft_cert_nsigs(const weft_cert *c)
{
	size_t i, n = c->primary.sigs.n;

	for (i = 0; i < c->nuids; i++)
		n += c->uids[i].sigs.n;
	for (i = 0; i < c->nsubkeys; i++)
		n += c->subkeys[i].sigs.n;
	return n;
}

/* ---- records ------------------------------------------------------------------ */

/* Signature vectors grow from one record, not weft_grow's eight: most
 * user IDs and subkeys carry one or two signatures, and a record is
 * several hundred octets, so a keyring of 100,000 certificates would
 * otherwise hold gigabytes of empty slots during an import. */
static gpg_error_t
sigvec_reserve(weft_sigvec *v, size_t need)
{
	weft_sigrec *n;
	size_t ncap = v->cap ? v->cap : 1;

	if (need <= v->cap)
		return 0;
	while (ncap < need) {
		if (!weft_size_mul(&ncap, ncap, 2))
			return WEFT_ERR(GPG_ERR_TOO_LARGE);
	}
	if (ncap > SIZE_MAX / sizeof *v->v)
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	if (!(n = realloc(v->v, ncap * sizeof *v->v)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	v->v = n;
	v->cap = ncap;
	return 0;
}

static gpg_error_t
sigvec_push(weft_sigvec *v, weft_sigrec **out)
{
	gpg_error_t err = sigvec_reserve(v, v->n + 1);

	*out = NULL;
	if (err)
		return err;
	*out = &v->v[v->n++];
	memset(*out, 0, sizeof **out);
	return 0;
}

/* Is SIG by the primary key, judged by its issuer subpackets alone? */
static bool
names_primary(const weft_cert *c, const weft_pkt_sig *sig)
{
	if (!sig->issuer_fpr_len && !sig->has_issuer_keyid)
		return true; /* unnamed: verification decides */
	return weft_pkt_sig_issuer_matches(sig, c->primary.fpr,
					   c->primary.fpr_len,
					   c->primary.keyid);
}

/* Copy BODY into C and parse it as a signature record in V. */
static gpg_error_t
add_sig(weft_cert *c, weft_sigvec *v, const uint8_t *body, size_t len,
	uint8_t state, weft_diag *diag, weft_sigrec **out)
{
	const uint8_t *copy;
	weft_sigrec *rec;
	weft_pkt_sig sig;
	gpg_error_t err;

	if (out)
		*out = NULL;
	/* Parsed over the copy, so every pointer is ours and what was
	 * checked is what is kept (the input may be a file's map, which
	 * another program could rewrite meanwhile). */
	if ((err = weft_cert__keep(c, body, len, &copy)) ||
	    (err = weft_pkt_sig_parse(&sig, copy, len, diag)) ||
	    (err = sigvec_push(v, &rec)))
		return err;
	rec->sig = sig;
	rec->state = state;
	rec->self = names_primary(c, &rec->sig);
	if (out)
		*out = rec;
	return 0;
}

static gpg_error_t
set_key(weft_cert *c, weft_keyrec *k, const weft_packet *pkt, uint8_t tag,
	weft_diag *diag)
{
	weft_pkt_key parsed;
	const uint8_t *copy;
	gpg_error_t err;

	memset(k, 0, sizeof *k);
	if ((err = weft_pkt_key_parse(&parsed, pkt->tag, pkt->body,
				      pkt->body_len, diag)))
		return err;
	if (parsed.version < 4)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_UNKNOWN_VERSION),
			"v%u key: obsolete format, not supported",
			parsed.version);
	/* RFC 9580 9.1, 9.2: v6 keys use the native 25519/448 algorithms. */
	if (parsed.version == 6 &&
	    (parsed.algo == WEFT_PK_EDDSA_LEGACY ||
	     (parsed.curve && (!strcmp(parsed.curve->name, "Curve25519") ||
			       !strcmp(parsed.curve->name, "Ed25519")))))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_PUBKEY_ALGO),
			"v6 key with a legacy 25519 algorithm (RFC 9580 forbids it)");
	if (pkt->tag == WEFT_PKT_SECRET_KEY ||
	    pkt->tag == WEFT_PKT_SECRET_SUBKEY) {
		c->had_secret = true;
		/* Kept aside, in secure memory, for the secret-key store. */
		if (!c->secrets.secure && !c->secrets.data)
			weft_buf_init_secure(&c->secrets);
		if ((err = weft_packet_write(&c->secrets, pkt->tag, pkt->body,
					     pkt->body_len)))
			return err;
	}
	/* Keep only the public part; secret material never enters a cert. */
	if ((err = weft_cert__keep(c, parsed.pub, parsed.pub_len, &copy)))
		return err;
	if ((err = weft_pkt_key_parse(&k->key, tag, copy, parsed.pub_len,
				      diag)))
		return err;
	if ((err = weft_key_fingerprint(&k->key, k->fpr, &k->fpr_len)))
		return weft_diag_set(diag, err, "cannot compute fingerprint");
	weft_keyid_from_fpr(k->fpr, k->fpr_len, k->keyid);
	return 0;
}

/* ---- building ------------------------------------------------------------------ */

static gpg_error_t
builder_start(weft_cert_builder *b, const weft_packet *pkt, size_t hint,
	      weft_diag *diag)
{
	gpg_error_t err;

	memset(b, 0, sizeof *b);
	if (pkt->tag != WEFT_PKT_PUBLIC_KEY && pkt->tag != WEFT_PKT_SECRET_KEY)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
			"a certificate must start with a primary key, not a %s packet",
			weft_packet_tag_name(pkt->tag));
	b->cert = calloc(1, sizeof *b->cert);
	if (!b->cert)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	/* HINT: the size of the certificate's bytes when known (what is
	 * kept is never more), so that one chunk holds all of it. */
	if (hint)
		b->cert->arena_next = hint < ARENA_FIRST ? ARENA_FIRST : hint;
	err = set_key(b->cert, &b->cert->primary, pkt, WEFT_PKT_PUBLIC_KEY,
		      diag);
	if (err) {
		weft_cert_free(b->cert);
		b->cert = NULL;
		return err;
	}
	b->where = 0;
	return 0;
}

gpg_error_t
weft_cert_builder_start(weft_cert_builder *b, const weft_packet *pkt,
			weft_diag *diag)
{
	return builder_start(b, pkt, 0, diag);
}

/* The stored issuer of signature number b->sigidx - 1, if the next entry
 * of the issuer table is for it. */
static void
take_issuer(weft_cert_builder *b, weft_sigrec *rec)
{
	weft_reader r = b->issuers;
	uint32_t idx;
	uint8_t len;

	if (weft_reader_u32(&r, &idx) || idx != b->sigidx - 1 ||
	    weft_reader_u8(&r, &len) || len > WEFT_FPR_MAX ||
	    weft_reader_copy(&r, rec->issuer_fpr, len))
		return;
	rec->issuer_fpr_len = len;
	b->issuers = r;
}

static void
drop(weft_cert_builder *b, const char *fmt, const char *what)
{
	b->dropped++;
	weft_diag_set(&b->note, 0, fmt, what);
}

gpg_error_t
weft_cert_builder_add(weft_cert_builder *b, const weft_packet *pkt)
{
	weft_cert *c = b->cert;
	weft_sigvec *v = NULL;
	weft_diag d = { { 0 } };
	weft_uidrec *u;
	weft_keyrec *k;
	uint8_t state = WEFT_SIG_UNCHECKED, stored = 0;
	weft_sigrec *rec = NULL;
	gpg_error_t err;

	switch (pkt->tag) {
	case WEFT_PKT_SIGNATURE:
		if (b->states) {
			if (b->sigidx < b->nstates)
				stored = b->states[b->sigidx];
			state = stored & WEFT_SIG_STATE_MASK;
			b->sigidx++;
		}
		if (b->where == 0)
			v = &c->primary.sigs;
		else if (b->where == 1)
			v = &c->uids[c->nuids - 1].sigs;
		else if (b->where == 2)
			v = &c->subkeys[c->nsubkeys - 1].sigs;
		else
			return 0; /* belongs to a dropped component */
		err = add_sig(c, v, pkt->body, pkt->body_len, state, &d, &rec);
		if (gpg_err_code(err) == GPG_ERR_ENOMEM)
			return err;
		if (err) {
			drop(b, "dropped a signature: %s", d.msg);
			return 0;
		}
		rec->backsig_ok = (stored & WEFT_SIG_BACKSIG_OK) != 0;
		if (b->states)
			take_issuer(b, rec);
		return 0;

	case WEFT_PKT_USER_ID:
	case WEFT_PKT_USER_ATTR:
		if (pkt->body_len > WEFT_MAX_UID &&
		    pkt->tag == WEFT_PKT_USER_ID) {
			drop(b, "dropped a %s longer than 64 KiB",
			     weft_packet_tag_name(pkt->tag));
			b->where = -1;
			return 0;
		}
		if ((err = weft_grow((void **)&c->uids, &c->uids_cap,
				     c->nuids + 1, sizeof *c->uids)))
			return err;
		u = &c->uids[c->nuids];
		memset(u, 0, sizeof *u);
		u->tag = pkt->tag;
		u->len = pkt->body_len;
		if ((err = weft_cert__keep(c, pkt->body, pkt->body_len,
					   &u->data)))
			return err;
		c->nuids++;
		b->where = 1;
		return 0;

	case WEFT_PKT_PUBLIC_SUBKEY:
	case WEFT_PKT_SECRET_SUBKEY:
		if ((err = weft_grow((void **)&c->subkeys, &c->subkeys_cap,
				     c->nsubkeys + 1, sizeof *c->subkeys)))
			return err;
		k = &c->subkeys[c->nsubkeys];
		err = set_key(c, k, pkt, WEFT_PKT_PUBLIC_SUBKEY, &d);
		if (gpg_err_code(err) == GPG_ERR_ENOMEM)
			return err;
		if (err) {
			drop(b, "dropped a subkey: %s", d.msg);
			b->where = -1;
			return 0;
		}
		c->nsubkeys++;
		b->where = 2;
		return 0;

	case WEFT_PKT_TRUST:
	case WEFT_PKT_MARKER:
	case WEFT_PKT_PADDING:
		return 0;

	default:
		drop(b, "skipped a stray %s packet",
		     weft_packet_tag_name(pkt->tag));
		return 0;
	}
}

weft_cert *
weft_cert_builder_finish(weft_cert_builder *b)
{
	weft_cert *c = b->cert;

	b->cert = NULL;
	return c;
}

void
weft_cert_builder_free(weft_cert_builder *b)
{
	weft_cert_free(b->cert);
	b->cert = NULL;
}

gpg_error_t
weft_cert_add_primary_sig(weft_cert *c, const uint8_t *body, size_t len,
			  weft_diag *diag)
{
	weft_sigrec *rec;
	gpg_error_t err = add_sig(c, &c->primary.sigs, body, len,
				  WEFT_SIG_UNCHECKED, diag, &rec);

	if (!err)
		rec->is_new = true;
	return err;
}

/* A stored certificate is decoded to be read, or to gain a few
 * signatures: the doubling that built its signature vectors leaves up
 * to half of each unused (2.6 MB of a key certified 8,500 times, and
 * an import chunk holds every key its certifications touch). */
static void
sigvec_fit(weft_sigvec *v)
{
	weft_sigrec *n;

	if (v->cap <= v->n || !v->n)
		return;
	if ((n = realloc(v->v, v->n * sizeof *v->v))) {
		v->v = n;
		v->cap = v->n;
	}
}

static void
cert_fit(weft_cert *c)
{
	size_t i;

	sigvec_fit(&c->primary.sigs);
	for (i = 0; i < c->nuids; i++)
		sigvec_fit(&c->uids[i].sigs);
	for (i = 0; i < c->nsubkeys; i++)
		sigvec_fit(&c->subkeys[i].sigs);
}

gpg_error_t
weft_cert_from_bytes(weft_cert **out, const uint8_t *p, size_t len,
		     const uint8_t *states, size_t nstates,
		     const uint8_t *issuers, size_t issuers_len,
		     weft_diag *diag)
{
	weft_reader r;
	weft_packet pkt;
	weft_cert_builder b;
	gpg_error_t err;

	*out = NULL;
	weft_reader_init(&r, p, len);
	if ((err = weft_packet_next(&r, &pkt, diag)))
		return err;
	err = builder_start(&b, &pkt, len, diag);
	weft_packet_release(&pkt);
	if (err)
		return err;
	b.states = states;
	b.nstates = nstates;
	weft_reader_init(&b.issuers, issuers, issuers_len);
	while (!(err = weft_packet_next(&r, &pkt, diag))) {
		err = weft_cert_builder_add(&b, &pkt);
		weft_packet_release(&pkt);
		if (err)
			break;
	}
	if (gpg_err_code(err) != GPG_ERR_EOF) {
		weft_cert_builder_free(&b);
		return err;
	}
	*out = weft_cert_builder_finish(&b);
	cert_fit(*out);
	return 0;
}

/* ---- canonical order ---------------------------------------------------------- */

/* Octets of a signature after its unhashed area (left 16 bits, salt,
 * values): together with the hashed part, what identifies it. */
static void
sig_tail(const weft_pkt_sig *s, const uint8_t **p, size_t *n)
{
	size_t off;

	if (s->version < 4) {
		*p = s->body;
		*n = s->body_len;
		return;
	}
	off = (size_t)(s->unhashed - s->body) + s->unhashed_len;
	*p = s->body + off;
	*n = s->body_len - off;
}

static int
memcmp_len(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	int r = memcmp(a, b, an < bn ? an : bn);

	if (r)
		return r;
	return an < bn ? -1 : an > bn;
}

/* Compare ignoring the unhashed area: 0 means the same signature. */
static int
sig_norm_cmp(const weft_pkt_sig *a, const weft_pkt_sig *b)
{
	const uint8_t *ta, *tb;
	size_t na, nb;
	int r;

	if (a->created != b->created)
		return a->created < b->created ? -1 : 1;
	if (a->version < 4 || b->version < 4)
		return memcmp_len(a->body, a->body_len, b->body, b->body_len);
	if ((r = memcmp_len(a->hashed_part, a->hashed_part_len, b->hashed_part,
			    b->hashed_part_len)))
		return r;
	sig_tail(a, &ta, &na);
	sig_tail(b, &tb, &nb);
	return memcmp_len(ta, na, tb, nb);
}

static int
sigrec_cmp(const void *pa, const void *pb)
{
	const weft_sigrec *a = pa, *b = pb;
	int r = sig_norm_cmp(&a->sig, &b->sig);

	if (r)
		return r;
	/* Same signature: the larger unhashed area first (it is kept). */
	if (a->sig.unhashed_len != b->sig.unhashed_len)
		return a->sig.unhashed_len > b->sig.unhashed_len ? -1 : 1;
	if ((r = memcmp_len(a->sig.body, a->sig.body_len, b->sig.body,
			    b->sig.body_len)))
		return r;
	/* Byte-identical: the one already stored first, so that a
	 * re-import changes nothing. */
	return (int)a->is_new - (int)b->is_new;
}

/* Move self-signatures before third-party ones, keeping each group's
 * order.  Not part of the folding sort: "self" is partly judged from the
 * unhashed area, so two copies of one signature could disagree on it. */
static void
self_first(weft_sigvec *v)
{
	weft_sigrec *tmp;
	size_t i, w = 0;

	if (v->n < 2 || !(tmp = malloc(v->n * sizeof *tmp)))
		return;
	for (i = 0; i < v->n; i++)
		if (v->v[i].self)
			tmp[w++] = v->v[i];
	for (i = 0; i < v->n; i++)
		if (!v->v[i].self)
			tmp[w++] = v->v[i];
	memcpy(v->v, tmp, v->n * sizeof *tmp);
	free(tmp);
}

/* Sort V and fold duplicates into the first of each run.  The survivor
 * keeps the best state; it is new only if every copy was. */
static bool
sigvec_canon(weft_sigvec *v)
{
	size_t i, w;
	bool changed = false;

	if (v->n < 2)
		return false;
	qsort(v->v, v->n, sizeof *v->v, sigrec_cmp);
	for (i = 1, w = 0; i < v->n; i++) {
		weft_sigrec *keep = &v->v[w], *dup = &v->v[i];

		if (sig_norm_cmp(&keep->sig, &dup->sig) == 0) {
			if (dup->state == WEFT_SIG_GOOD &&
			    keep->state != WEFT_SIG_GOOD) {
				keep->state = WEFT_SIG_GOOD;
				changed = true;
			}
			keep->backsig_ok |= dup->backsig_ok;
			if (!keep->issuer_fpr_len && dup->issuer_fpr_len) {
				keep->issuer_fpr_len = dup->issuer_fpr_len;
				memcpy(keep->issuer_fpr, dup->issuer_fpr,
				       sizeof keep->issuer_fpr);
			}
			if (keep->is_new && !dup->is_new) {
				/* An old signature gained unhashed data. */
				keep->is_new = false;
				changed = true;
			}
			continue;
		}
		v->v[++w] = *dup;
	}
	v->n = w + 1;
	if (v->cap > 2 * v->n) {
		/* A merge doubled the vector and folded it back: give the
		 * slack back, since every certificate of an import is held
		 * until it commits. */
		weft_sigrec *shrunk = realloc(v->v, v->n * sizeof *v->v);

		if (shrunk) {
			v->v = shrunk;
			v->cap = v->n;
		}
	}
	self_first(v);
	return changed;
}

static int
uid_cmp(const void *pa, const void *pb)
{
	const weft_uidrec *a = pa, *b = pb;

	if (a->tag != b->tag)
		return a->tag < b->tag ? -1 : 1;
	return memcmp_len(a->data, a->len, b->data, b->len);
}

static int
subkey_cmp(const void *pa, const void *pb)
{
	const weft_keyrec *a = pa, *b = pb;

	if (a->key.created != b->key.created)
		return a->key.created < b->key.created ? -1 : 1;
	return memcmp_len(a->fpr, a->fpr_len, b->fpr, b->fpr_len);
}

/* Move every signature of FROM into TO. */
static gpg_error_t
sigvec_take(weft_sigvec *to, weft_sigvec *from)
{
	gpg_error_t err = sigvec_reserve(to, to->n + from->n);

	if (err)
		return err;
	if (from->n)
		memcpy(to->v + to->n, from->v, from->n * sizeof *from->v);
	to->n += from->n;
	sigvec_free(from);
	return 0;
}

static bool
canon(weft_cert *c, gpg_error_t *errp)
{
	size_t i, w;
	bool changed = false;

	*errp = 0;
	changed |= sigvec_canon(&c->primary.sigs);

	if (c->nuids > 1) {
		qsort(c->uids, c->nuids, sizeof *c->uids, uid_cmp);
		for (i = 1, w = 0; i < c->nuids; i++) {
			if (uid_cmp(&c->uids[w], &c->uids[i]) == 0) {
				c->uids[w].is_new &= c->uids[i].is_new;
				if ((*errp = sigvec_take(&c->uids[w].sigs,
							 &c->uids[i].sigs)))
					return changed;
				continue;
			}
			c->uids[++w] = c->uids[i];
		}
		c->nuids = w + 1;
	}
	for (i = 0; i < c->nuids; i++)
		changed |= sigvec_canon(&c->uids[i].sigs);

	if (c->nsubkeys > 1) {
		qsort(c->subkeys, c->nsubkeys, sizeof *c->subkeys, subkey_cmp);
		for (i = 1, w = 0; i < c->nsubkeys; i++) {
			if (subkey_cmp(&c->subkeys[w], &c->subkeys[i]) == 0) {
				c->subkeys[w].is_new &= c->subkeys[i].is_new;
				if ((*errp = sigvec_take(&c->subkeys[w].sigs,
							 &c->subkeys[i].sigs)))
					return changed;
				continue;
			}
			c->subkeys[++w] = c->subkeys[i];
		}
		c->nsubkeys = w + 1;
	}
	for (i = 0; i < c->nsubkeys; i++)
		changed |= sigvec_canon(&c->subkeys[i].sigs);
	return changed;
}

void
weft_cert_canonicalize(weft_cert *c)
{
	gpg_error_t err;

	canon(c, &err);
}

/* ---- merging ---------------------------------------------------------------------- */

static gpg_error_t
copy_sigs(weft_cert *dst, weft_sigvec *to, const weft_sigvec *from)
{
	weft_sigrec *rec;
	size_t i;
	gpg_error_t err;

	for (i = 0; i < from->n; i++) {
		const weft_sigrec *s = &from->v[i];

		if ((err = add_sig(dst, to, s->sig.body, s->sig.body_len,
				   s->state, NULL, &rec)))
			return err;
		rec->backsig_ok = s->backsig_ok;
		rec->issuer_fpr_len = s->issuer_fpr_len;
		memcpy(rec->issuer_fpr, s->issuer_fpr, sizeof rec->issuer_fpr);
		rec->is_new = true;
	}
	return 0;
}

static bool
any_new(const weft_sigvec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->v[i].is_new)
			return true;
	return false;
}

gpg_error_t
weft_cert_merge(weft_cert *dst, const weft_cert *src, bool *changed)
{
	size_t i;
	const uint8_t *copy;
	gpg_error_t err;

	*changed = false;
	if (dst->primary.fpr_len != src->primary.fpr_len ||
	    memcmp(dst->primary.fpr, src->primary.fpr, src->primary.fpr_len))
		return WEFT_ERR(GPG_ERR_CONFLICT);
	dst->had_secret |= src->had_secret;
	if (src->secrets.len) {
		if (!dst->secrets.secure && !dst->secrets.data)
			weft_buf_init_secure(&dst->secrets);
		if ((err = weft_buf_put(&dst->secrets, src->secrets.data,
					src->secrets.len)))
			return err;
	}

	if ((err = copy_sigs(dst, &dst->primary.sigs, &src->primary.sigs)))
		return err;
	for (i = 0; i < src->nuids; i++) {
		const weft_uidrec *su = &src->uids[i];
		weft_uidrec *u;

		if ((err = weft_grow((void **)&dst->uids, &dst->uids_cap,
				     dst->nuids + 1, sizeof *dst->uids)))
			return err;
		u = &dst->uids[dst->nuids];
		memset(u, 0, sizeof *u);
		u->tag = su->tag;
		u->len = su->len;
		u->is_new = true;
		if ((err = weft_cert__keep(dst, su->data, su->len, &copy)))
			return err;
		u->data = copy;
		dst->nuids++;
		if ((err = copy_sigs(dst, &u->sigs, &su->sigs)))
			return err;
	}
	for (i = 0; i < src->nsubkeys; i++) {
		const weft_keyrec *sk = &src->subkeys[i];
		weft_keyrec *k;

		if ((err = weft_grow((void **)&dst->subkeys,
				     &dst->subkeys_cap, dst->nsubkeys + 1,
				     sizeof *dst->subkeys)))
			return err;
		k = &dst->subkeys[dst->nsubkeys];
		memset(k, 0, sizeof *k);
		if ((err = weft_cert__keep(dst, sk->key.body, sk->key.body_len,
					   &copy)))
			return err;
		weft_pkt_key_parse(&k->key, WEFT_PKT_PUBLIC_SUBKEY, copy,
				   sk->key.body_len, NULL);
		memcpy(k->fpr, sk->fpr, sizeof k->fpr);
		k->fpr_len = sk->fpr_len;
		memcpy(k->keyid, sk->keyid, 8);
		k->is_new = true;
		dst->nsubkeys++;
		if ((err = copy_sigs(dst, &k->sigs, &sk->sigs)))
			return err;
	}

	*changed = canon(dst, &err);
	if (err)
		return err;
	*changed |= any_new(&dst->primary.sigs);
	for (i = 0; i < dst->nuids; i++)
		*changed |= dst->uids[i].is_new || any_new(&dst->uids[i].sigs);
	for (i = 0; i < dst->nsubkeys; i++)
		*changed |= dst->subkeys[i].is_new ||
			    any_new(&dst->subkeys[i].sigs);
	return 0;
}

static void
sigvec_clear_new(weft_sigvec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		v->v[i].is_new = false;
}

void
weft_cert_clear_new(weft_cert *c)
{
	size_t i;

	sigvec_clear_new(&c->primary.sigs);
	c->primary.is_new = false;
	for (i = 0; i < c->nuids; i++) {
		c->uids[i].is_new = false;
		sigvec_clear_new(&c->uids[i].sigs);
	}
	for (i = 0; i < c->nsubkeys; i++) {
		c->subkeys[i].is_new = false;
		sigvec_clear_new(&c->subkeys[i].sigs);
	}
}

/* ---- serialisation ------------------------------------------------------------- */

static void
write_sigs(const weft_sigvec *v, unsigned flags, weft_buf *out,
	   weft_buf *states, weft_buf *issuers, uint32_t *index)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		const weft_sigrec *s = &v->v[i];

		if (s->state == WEFT_SIG_BAD)
			continue;
		if (!s->sig.exportable && !(flags & WEFT_CERT_WRITE_LOCAL))
			continue;
		if (s->state == WEFT_SIG_UNCHECKED &&
		    !(flags & WEFT_CERT_WRITE_UNCHECKED))
			continue;
		weft_packet_write(out, WEFT_PKT_SIGNATURE, s->sig.body,
				  s->sig.body_len);
		if (states)
			weft_buf_put_u8(states, (uint8_t)(s->state |
				(s->backsig_ok ? WEFT_SIG_BACKSIG_OK : 0)));
		if (issuers && s->issuer_fpr_len &&
		    s->state == WEFT_SIG_GOOD && !s->self) {
			weft_buf_put_u32(issuers, *index);
			weft_buf_put_u8(issuers, s->issuer_fpr_len);
			weft_buf_put(issuers, s->issuer_fpr, s->issuer_fpr_len);
		}
		(*index)++;
	}
}

gpg_error_t
weft_cert_write(const weft_cert *c, unsigned flags, weft_buf *out,
		weft_buf *states, weft_buf *issuers)
{
	uint32_t index = 0;
	size_t i;

	weft_packet_write(out, WEFT_PKT_PUBLIC_KEY, c->primary.key.body,
			  c->primary.key.body_len);
	write_sigs(&c->primary.sigs, flags, out, states, issuers, &index);
	for (i = 0; i < c->nuids; i++) {
		weft_packet_write(out, c->uids[i].tag, c->uids[i].data,
				  c->uids[i].len);
		write_sigs(&c->uids[i].sigs, flags, out, states, issuers,
			   &index);
	}
	for (i = 0; i < c->nsubkeys; i++) {
		weft_packet_write(out, WEFT_PKT_PUBLIC_SUBKEY,
				  c->subkeys[i].key.body,
				  c->subkeys[i].key.body_len);
		write_sigs(&c->subkeys[i].sigs, flags, out, states, issuers,
			   &index);
	}
	if (states && states->err)
		return states->err;
	if (issuers && issuers->err)
		return issuers->err;
	return weft_buf_error(out);
}
