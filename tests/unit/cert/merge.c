/* tests/unit/cert/merge.c - building certificates from packets, canonical
 * order, merging and writing: the same packets in any order give the same
 * bytes; signatures that differ only in the unhashed area are folded into
 * the one with the larger area; A+B and B+A are byte-identical; merging
 * what is already there changes nothing; is_new marks exactly what a merge
 * added; secret key packets are reduced to their public part.
 *
 * Run from the top of the source tree (fixtures in tests/data/cert/, see
 * its README).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert.h"
#include "crypto/crypto.h"
#include "t.h"

#define D "tests/data/cert/"
#define T0 1577836800u
#define T1 1609459200u

#define MERGE_FPR "EDE1F28E3A3ADC204FACD212FDCFD3EA817B8469"
#define SUB_ED_FPR "5ADD102894152930CEE68946F8EF2B6E8E5E2B60"
#define SUB_CV_FPR "CD01C5F58D50AE11CFF7F4116BFADF0E05DD1B7E"
#define CERTIFIER_FPR "ED58EC43FEC2FCDADDD447B65265FC665AAD7153"

/* ---- packets of a file ------------------------------------------------------- */

#define MAXPK 64

typedef struct pk {
	uint8_t tag;
	const uint8_t *raw;      /* header + body */
	size_t raw_len;
	const uint8_t *body;
	size_t body_len;
} pk;

typedef struct pkfile {
	uint8_t *bytes;
	size_t len;
	pk p[MAXPK];
	int n;
} pkfile;

static void
pkload(pkfile *f, const char *path)
{
	weft_reader r;
	weft_packet pkt;
	gpg_error_t err;

	memset(f, 0, sizeof *f);
	f->bytes = t_slurp(path, &f->len);
	weft_reader_init(&r, f->bytes, f->len);
	while (!(err = weft_packet_next(&r, &pkt, NULL))) {
		if (f->n == MAXPK || pkt.partial) {
			printf("FAIL %s: unexpected layout\n", path);
			exit(1);
		}
		f->p[f->n].tag = pkt.tag;
		f->p[f->n].raw = f->bytes + pkt.offset;
		f->p[f->n].raw_len = pkt.header_len + pkt.body_len;
		f->p[f->n].body = pkt.body;
		f->p[f->n].body_len = pkt.body_len;
		f->n++;
	}
	if (gpg_err_code(err) != GPG_ERR_EOF) {
		printf("FAIL %s: %s\n", path, gpg_strerror(err));
		exit(1);
	}
}

/* Blocks: the primary key with its signatures, then each user ID or
 * subkey with the signatures that follow it.  START[i] is the first
 * packet of block i; block i ends where block i+1 starts. */
typedef struct blocks {
	int start[MAXPK + 1];
	int n;
} blocks;

static void
split_blocks(const pkfile *f, blocks *b)
{
	int i;

	b->n = 0;
	for (i = 0; i < f->n; i++)
		if (f->p[i].tag != WEFT_PKT_SIGNATURE)
			b->start[b->n++] = i;
	b->start[b->n] = f->n;
}

static void
put_block(weft_buf *out, const pkfile *f, const blocks *b, int blk,
	  bool reverse_sigs)
{
	int i, first = b->start[blk], end = b->start[blk + 1];

	weft_buf_put(out, f->p[first].raw, f->p[first].raw_len);
	if (!reverse_sigs) {
		for (i = first + 1; i < end; i++)
			weft_buf_put(out, f->p[i].raw, f->p[i].raw_len);
	} else {
		for (i = end - 1; i > first; i--)
			weft_buf_put(out, f->p[i].raw, f->p[i].raw_len);
	}
}

/* Bytes -> cert -> canonical -> bytes (storage flags). */
static gpg_error_t
canon_bytes(const uint8_t *p, size_t n, weft_buf *out)
{
	weft_cert *c;
	gpg_error_t err;

	if ((err = weft_cert_from_bytes(&c, p, n, NULL, 0, NULL, 0, NULL)))
		return err;
	weft_cert_canonicalize(c);
	err = weft_cert_write(c, WEFT_CERT_WRITE_LOCAL |
			      WEFT_CERT_WRITE_UNCHECKED, out, NULL, NULL);
	weft_cert_free(c);
	return err;
}

static weft_cert *
cert_of(const uint8_t *p, size_t n)
{
	weft_cert *c = NULL;
	gpg_error_t err = weft_cert_from_bytes(&c, p, n, NULL, 0, NULL, 0, NULL);

	if (err) {
		printf("FAIL cert_of: %s\n", gpg_strerror(err));
		exit(1);
	}
	return c;
}


static bool
same_buf(const weft_buf *a, const weft_buf *b)
{
	return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

/* The reference: merge.pgp in canonical form. */
static weft_buf canon0;
static pkfile mf;
static blocks mb;

/* ---- canonical order ------------------------------------------------------------ */

static void
test_canonical_layout(void)
{
	weft_cert *c = cert_of(mf.bytes, mf.len);
	char h[65];

	weft_cert_canonicalize(c);
	t_hex(h, c->primary.fpr, c->primary.fpr_len);
	T_EQ_STR(h, MERGE_FPR);
	T_EQ_INT(c->nuids, 3);
	T_EQ_INT(c->nsubkeys, 2);
	T_EQ_INT(weft_cert_nsigs(c), 3 + 2 + 2);
	/* user IDs by octets */
	T_CHECK(c->nuids == 3 &&
			c->uids[0].len == 27 &&
			!memcmp(c->uids[0].data, "Merge One <one@example.org>", 27) &&
			!memcmp(c->uids[1].data, "Merge Three", 11) &&
			!memcmp(c->uids[2].data, "Merge Two", 9),
		"user IDs in octet order");
	/* subkeys made in the same second: by fingerprint */
	if (c->nsubkeys == 2) {
		t_hex(h, c->subkeys[0].fpr, 20);
		T_EQ_STR(h, SUB_ED_FPR);
		t_hex(h, c->subkeys[1].fpr, 20);
		T_EQ_STR(h, SUB_CV_FPR);
		T_EQ_INT(c->subkeys[0].key.created, T0 + 30);
		T_EQ_INT(c->subkeys[1].key.created, T0 + 30);
	}
	/* "Merge One": self-signature (T0), then the certifier's (T1) */
	if (c->nuids == 3 && c->uids[0].sigs.n == 2) {
		T_CHECK(c->uids[0].sigs.v[0].self &&
				c->uids[0].sigs.v[0].sig.created == T0,
			"self-signature first");
		T_CHECK(!c->uids[0].sigs.v[1].self &&
				c->uids[0].sigs.v[1].sig.created == T1,
			"certification second");
	} else {
		T_CHECK(0, "Merge One has two signatures");
	}
	T_CHECK(!c->had_secret, "public input");
	weft_cert_free(c);

	/* The written form: public key, then user IDs with their
	 * signatures, then subkeys with theirs, new-format headers. */
	{
		weft_reader r;
		weft_packet pkt;
		static const uint8_t tags[] = { 6, 13, 2, 2, 13, 2, 13, 2, 2,
						14, 2, 14, 2 };
		size_t i = 0;

		weft_reader_init(&r, canon0.data, canon0.len);
		while (!weft_packet_next(&r, &pkt, NULL)) {
			T_CHECK(i < sizeof tags && pkt.tag == tags[i] &&
					pkt.new_format,
				"packet %zu: tag %u", i, pkt.tag);
			i++;
		}
		T_EQ_INT(i, sizeof tags);
	}
}

/* User attributes sort after user IDs, whatever their octets. */
static void
test_attributes_after_uids(void)
{
	weft_buf in;
	weft_cert *c;
	int blk;

	weft_buf_init(&in);
	put_block(&in, &mf, &mb, 0, false);
	/* an attribute whose octets sort before every user ID */
	weft_packet_write(&in, WEFT_PKT_USER_ATTR, "\x01\x02\x03", 3);
	for (blk = 1; blk < mb.n; blk++)
		put_block(&in, &mf, &mb, blk, false);
	weft_packet_write(&in, WEFT_PKT_USER_ATTR, "\x00", 1);
	c = cert_of(in.data, in.len);
	weft_cert_canonicalize(c);
	T_EQ_INT(c->nuids, 5);
	T_CHECK(c->nuids == 5 && c->uids[0].tag == WEFT_PKT_USER_ID &&
			c->uids[2].tag == WEFT_PKT_USER_ID &&
			c->uids[3].tag == WEFT_PKT_USER_ATTR &&
			c->uids[3].len == 1 &&
			c->uids[4].tag == WEFT_PKT_USER_ATTR &&
			c->uids[4].len == 3,
		"user IDs first, then attributes by octets");
	weft_cert_free(c);
	weft_buf_free(&in);
}

/* Every order of the user ID and subkey blocks (6 x 2), subkeys before or
 * after the user IDs, signatures in file or reverse order: the same
 * bytes. */
static void
test_permutations(void)
{
	static const int perm3[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
		{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	int u, s, rev, subs_first, i, uid_blk[3], sub_blk[2], nu = 0, ns = 0;
	unsigned bad = 0, runs = 0;

	for (i = 1; i < mb.n; i++) {
		if (mf.p[mb.start[i]].tag == WEFT_PKT_USER_ID && nu < 3)
			uid_blk[nu++] = i;
		else if (ns < 2)
			sub_blk[ns++] = i;
	}
	T_CHECK(nu == 3 && ns == 2, "3 user ID blocks, 2 subkey blocks");
	for (u = 0; u < 6; u++)
		for (s = 0; s < 2; s++)
			for (rev = 0; rev < 2; rev++)
				for (subs_first = 0; subs_first < 2;
				     subs_first++) {
					weft_buf in, out;
					gpg_error_t err;

					weft_buf_init(&in);
					weft_buf_init(&out);
					put_block(&in, &mf, &mb, 0, rev);
					if (subs_first) {
						put_block(&in, &mf, &mb,
							  sub_blk[s], rev);
						put_block(&in, &mf, &mb,
							  sub_blk[1 - s], rev);
					}
					for (i = 0; i < 3; i++)
						put_block(&in, &mf, &mb,
							  uid_blk[perm3[u][i]],
							  rev);
					if (!subs_first) {
						put_block(&in, &mf, &mb,
							  sub_blk[s], rev);
						put_block(&in, &mf, &mb,
							  sub_blk[1 - s], rev);
					}
					err = canon_bytes(in.data, in.len, &out);
					runs++;
					if (err || !same_buf(&out, &canon0))
						bad++;
					weft_buf_free(&in);
					weft_buf_free(&out);
				}
	T_CHECK(bad == 0, "%u of %u permutations differ", bad, runs);

	/* Every block twice (duplicated packets are folded). */
	{
		weft_buf in, out;

		weft_buf_init(&in);
		weft_buf_init(&out);
		weft_buf_put(&in, mf.bytes, mf.len);
		for (i = 1; i < mb.n; i++)
			put_block(&in, &mf, &mb, i, true);
		T_OK(canon_bytes(in.data, in.len, &out));
		T_CHECK(same_buf(&out, &canon0), "duplicates folded");
		weft_buf_free(&in);
		weft_buf_free(&out);
	}
	/* Canonical output is a fixed point. */
	{
		weft_buf out;

		weft_buf_init(&out);
		T_OK(canon_bytes(canon0.data, canon0.len, &out));
		T_CHECK(same_buf(&out, &canon0), "canonical form is stable");
		weft_buf_free(&out);
	}
}

/* ---- signature variants ------------------------------------------------------------ */

/* SIG (v4) with its unhashed area replaced by UNHASHED. */
static void
with_unhashed(const weft_pkt_sig *s, const uint8_t *unhashed, size_t ulen,
	      weft_buf *out)
{
	size_t tail = (size_t)(s->unhashed - s->body) + s->unhashed_len;

	weft_buf_put(out, s->body, s->hashed_part_len);
	weft_buf_put_u16(out, (uint16_t)ulen);
	weft_buf_put(out, unhashed, ulen);
	weft_buf_put(out, s->body + tail, s->body_len - tail);
}

/* The certifier's signature on "Merge One" in three unhashed variants:
 * gpg's (the issuer key ID), none, and gpg's plus an unknown subpacket. */
typedef struct variants {
	weft_buf none, gpg, big;
	int uid_blk, sig_idx;    /* where in mf */
} variants;

static void
make_variants(variants *v)
{
	int i, b;
	weft_pkt_sig s;
	uint8_t extra[64];
	size_t n;

	memset(v, 0, sizeof *v);
	weft_buf_init(&v->none);
	weft_buf_init(&v->gpg);
	weft_buf_init(&v->big);
	for (b = 1; b < mb.n; b++) {
		const pk *u = &mf.p[mb.start[b]];

		if (u->tag != WEFT_PKT_USER_ID ||
		    u->body_len != 27 || memcmp(u->body, "Merge One", 9))
			continue;
		for (i = mb.start[b] + 1; i < mb.start[b + 1]; i++) {
			T_OK(weft_pkt_sig_parse(&s, mf.p[i].body,
						mf.p[i].body_len, NULL));
			if (s.type != 0x10)
				continue;
			v->uid_blk = b;
			v->sig_idx = i;
			with_unhashed(&s, NULL, 0, &v->none);
			weft_buf_put(&v->gpg, s.body, s.body_len);
			memcpy(extra, s.unhashed, s.unhashed_len);
			n = s.unhashed_len;
			n += t_unhex("06 64 deadbeef00", extra + n,
				     sizeof extra - n);
			with_unhashed(&s, extra, n, &v->big);
		}
	}
	T_CHECK(v->sig_idx > 0 && v->gpg.len && v->none.len < v->gpg.len &&
			v->big.len == v->gpg.len + 7,
		"three variants");
}

/* Packets: the file with the certification on "Merge One" replaced by the
 * given variant bodies, in the given order. */
static void
file_with(weft_buf *out, const variants *v, const weft_buf *const *bodies,
	  int nbodies)
{
	int i, j;

	for (i = 0; i < mf.n; i++) {
		if (i == v->sig_idx) {
			for (j = 0; j < nbodies; j++)
				weft_packet_write(out, WEFT_PKT_SIGNATURE,
						  bodies[j]->data,
						  bodies[j]->len);
			continue;
		}
		weft_buf_put(out, mf.p[i].raw, mf.p[i].raw_len);
	}
}

static const weft_sigrec *
certification_on_one(const weft_cert *c, int *count)
{
	const weft_sigrec *found = NULL;
	size_t i, j;

	*count = 0;
	for (i = 0; i < c->nuids; i++) {
		if (c->uids[i].len != 27 ||
		    memcmp(c->uids[i].data, "Merge One", 9))
			continue;
		for (j = 0; j < c->uids[i].sigs.n; j++)
			if (c->uids[i].sigs.v[j].sig.type == 0x10) {
				found = &c->uids[i].sigs.v[j];
				(*count)++;
			}
	}
	return found;
}

static void
test_unhashed_duplicates(void)
{
	variants v;
	const weft_buf *orders[6][3];
	int o, cnt;

	make_variants(&v);
	orders[0][0] = &v.none; orders[0][1] = &v.gpg; orders[0][2] = &v.big;
	orders[1][0] = &v.big; orders[1][1] = &v.gpg; orders[1][2] = &v.none;
	orders[2][0] = &v.gpg; orders[2][1] = &v.big; orders[2][2] = &v.none;
	orders[3][0] = &v.none; orders[3][1] = &v.big; orders[3][2] = &v.gpg;
	orders[4][0] = &v.big; orders[4][1] = &v.none; orders[4][2] = &v.gpg;
	orders[5][0] = &v.gpg; orders[5][1] = &v.none; orders[5][2] = &v.big;
	for (o = 0; o < 6; o++) {
		weft_buf in;
		weft_cert *c;
		const weft_sigrec *r;

		weft_buf_init(&in);
		file_with(&in, &v, orders[o], 3);
		c = cert_of(in.data, in.len);
		weft_cert_canonicalize(c);
		r = certification_on_one(c, &cnt);
		T_CHECK(cnt == 1, "order %d: folded into one (%d)", o, cnt);
		T_CHECK(r && r->sig.body_len == v.big.len &&
				!memcmp(r->sig.body, v.big.data, v.big.len),
			"order %d: the larger unhashed area is kept", o);
		weft_cert_free(c);
		weft_buf_free(&in);
	}

	/* Two that differ only in the unhashed area, same length: both are
	 * kept?  No - they are the same signature; one survives, and which
	 * one does not depend on the input order. */
	{
		weft_buf a, b, in1, in2, out1, out2;
		weft_pkt_sig s;
		uint8_t u1[16], u2[16];
		size_t n1 = t_unhex("06 64 0000000001", u1, sizeof u1);
		size_t n2 = t_unhex("06 64 0000000002", u2, sizeof u2);
		const weft_buf *ab[2] = { &a, &b }, *ba[2] = { &b, &a };

		T_OK(weft_pkt_sig_parse(&s, v.gpg.data, v.gpg.len, NULL));
		weft_buf_init(&a);
		weft_buf_init(&b);
		with_unhashed(&s, u1, n1, &a);
		with_unhashed(&s, u2, n2, &b);
		weft_buf_init(&in1);
		weft_buf_init(&in2);
		weft_buf_init(&out1);
		weft_buf_init(&out2);
		file_with(&in1, &v, ab, 2);
		file_with(&in2, &v, ba, 2);
		T_OK(canon_bytes(in1.data, in1.len, &out1));
		T_OK(canon_bytes(in2.data, in2.len, &out2));
		T_CHECK(same_buf(&out1, &out2),
			"equal-size unhashed variants: order independent");
		T_CHECK(out1.len == canon0.len - v.gpg.len + a.len,
			"one of the two kept");
		weft_buf_free(&a);
		weft_buf_free(&b);
		weft_buf_free(&in1);
		weft_buf_free(&in2);
		weft_buf_free(&out1);
		weft_buf_free(&out2);
	}

	/* Merging: the stored copy gains the larger unhashed area. */
	{
		const weft_buf *one_gpg[1] = { &v.gpg }, *one_big[1] = { &v.big };
		weft_buf a, b, out;
		weft_cert *dst, *src;
		bool changed;
		const weft_sigrec *r;

		weft_buf_init(&a);
		weft_buf_init(&b);
		file_with(&a, &v, one_gpg, 1);
		file_with(&b, &v, one_big, 1);

		dst = cert_of(a.data, a.len);
		src = cert_of(b.data, b.len);
		weft_cert_canonicalize(dst);
		T_OK(weft_cert_merge(dst, src, &changed));
		T_CHECK(changed, "merge: larger unhashed area is a change");
		r = certification_on_one(dst, &cnt);
		T_CHECK(cnt == 1 && r && r->sig.body_len == v.big.len,
			"merge: the larger one kept");
		T_CHECK(r && !r->is_new,
			"merge: an old signature that gained unhashed data is not new");
		weft_cert_free(dst);
		weft_cert_free(src);

		/* the other way round: nothing to gain */
		dst = cert_of(b.data, b.len);
		src = cert_of(a.data, a.len);
		weft_cert_canonicalize(dst);
		T_OK(weft_cert_merge(dst, src, &changed));
		T_CHECK(!changed, "merge: smaller unhashed area is no change");
		r = certification_on_one(dst, &cnt);
		T_CHECK(cnt == 1 && r && r->sig.body_len == v.big.len &&
				!r->is_new,
			"merge: the stored larger one stays");
		weft_buf_init(&out);
		T_OK(weft_cert_write(dst, WEFT_CERT_WRITE_UNCHECKED |
				     WEFT_CERT_WRITE_LOCAL, &out, NULL, NULL));
		T_CHECK(out.len == canon0.len + 7, "written with the larger");
		weft_buf_free(&out);
		weft_cert_free(dst);
		weft_cert_free(src);
		weft_buf_free(&a);
		weft_buf_free(&b);
	}
	weft_buf_free(&v.none);
	weft_buf_free(&v.gpg);
	weft_buf_free(&v.big);
}

/* ---- merging ---------------------------------------------------------------- */

/* A: primary, "Merge One" with its self-signature only, "Merge Two",
 *    the ed25519 subkey.
 * B: primary, "Merge One" with only the certification, "Merge Two",
 *    "Merge Three", the cv25519 subkey. */
static void
make_halves(weft_buf *a, weft_buf *b)
{
	int blk, i;

	weft_buf_init(a);
	weft_buf_init(b);
	put_block(a, &mf, &mb, 0, false);
	put_block(b, &mf, &mb, 0, false);
	for (blk = 1; blk < mb.n; blk++) {
		const pk *h = &mf.p[mb.start[blk]];

		if (h->tag == WEFT_PKT_USER_ID &&
		    !memcmp(h->body, "Merge One", 9)) {
			weft_buf_put(a, h->raw, h->raw_len);
			weft_buf_put(b, h->raw, h->raw_len);
			for (i = mb.start[blk] + 1; i < mb.start[blk + 1]; i++) {
				weft_pkt_sig s;

				weft_pkt_sig_parse(&s, mf.p[i].body,
						   mf.p[i].body_len, NULL);
				weft_buf_put(s.type == 0x10 ? b : a,
					     mf.p[i].raw, mf.p[i].raw_len);
			}
		} else if (h->tag == WEFT_PKT_USER_ID &&
			   !memcmp(h->body, "Merge Two", 9)) {
			put_block(a, &mf, &mb, blk, false);
			put_block(b, &mf, &mb, blk, false);
		} else if (h->tag == WEFT_PKT_USER_ID) {
			put_block(b, &mf, &mb, blk, false);
		} else if (h->body[5] == 22) {  /* ed25519 subkey */
			put_block(a, &mf, &mb, blk, false);
		} else {
			put_block(b, &mf, &mb, blk, false);
		}
	}
}

static void
test_merge_commutes(void)
{
	weft_buf a, b, ab, ba;
	weft_cert *ca, *cb;
	bool changed;

	make_halves(&a, &b);
	weft_buf_init(&ab);
	weft_buf_init(&ba);

	ca = cert_of(a.data, a.len);
	cb = cert_of(b.data, b.len);
	weft_cert_canonicalize(ca);
	T_OK(weft_cert_merge(ca, cb, &changed));
	T_CHECK(changed, "A+B changed");
	T_OK(weft_cert_write(ca, WEFT_CERT_WRITE_LOCAL |
			     WEFT_CERT_WRITE_UNCHECKED, &ab, NULL, NULL));
	weft_cert_free(ca);
	weft_cert_free(cb);

	ca = cert_of(a.data, a.len);
	cb = cert_of(b.data, b.len);
	weft_cert_canonicalize(cb);
	T_OK(weft_cert_merge(cb, ca, &changed));
	T_CHECK(changed, "B+A changed");
	T_OK(weft_cert_write(cb, WEFT_CERT_WRITE_LOCAL |
			     WEFT_CERT_WRITE_UNCHECKED, &ba, NULL, NULL));
	weft_cert_free(ca);
	weft_cert_free(cb);

	T_CHECK(same_buf(&ab, &ba), "A+B == B+A");
	T_CHECK(same_buf(&ab, &canon0), "A+B is the whole certificate");

	/* Merging an uncanonicalized destination gives the same too. */
	{
		weft_buf out;

		weft_buf_init(&out);
		ca = cert_of(b.data, b.len);
		cb = cert_of(a.data, a.len);
		T_OK(weft_cert_merge(ca, cb, &changed));
		T_OK(weft_cert_write(ca, WEFT_CERT_WRITE_LOCAL |
				     WEFT_CERT_WRITE_UNCHECKED, &out, NULL, NULL));
		T_CHECK(same_buf(&out, &canon0),
			"merge canonicalizes the destination");
		weft_cert_free(ca);
		weft_cert_free(cb);
		weft_buf_free(&out);
	}
	weft_buf_free(&a);
	weft_buf_free(&b);
	weft_buf_free(&ab);
	weft_buf_free(&ba);
}

static void
test_merge_is_new(void)
{
	weft_buf a, b;
	weft_cert *dst, *src;
	bool changed;
	size_t i, j, new_uids = 0, new_subkeys = 0, new_sigs = 0;

	make_halves(&a, &b);
	dst = cert_of(a.data, a.len);
	src = cert_of(b.data, b.len);
	weft_cert_canonicalize(dst);
	weft_cert_clear_new(dst);
	T_OK(weft_cert_merge(dst, src, &changed));
	T_CHECK(changed, "changed");
	T_CHECK(!dst->primary.is_new, "primary not new");
	for (i = 0; i < dst->nuids; i++) {
		const weft_uidrec *u = &dst->uids[i];
		bool three = !memcmp(u->data, "Merge Three", 11);

		T_CHECK(u->is_new == three, "uid %zu (%.*s): is_new %d", i,
			(int)u->len, (const char *)u->data, u->is_new);
		new_uids += u->is_new;
		for (j = 0; j < u->sigs.n; j++) {
			const weft_sigrec *r = &u->sigs.v[j];
			bool want = three || (!memcmp(u->data, "Merge One", 9) &&
					      r->sig.type == 0x10);

			T_CHECK(r->is_new == want,
				"uid %zu sig %zu: is_new %d", i, j, r->is_new);
			new_sigs += r->is_new;
		}
	}
	for (i = 0; i < dst->nsubkeys; i++) {
		const weft_keyrec *k = &dst->subkeys[i];
		bool cv = k->key.algo == 18;

		T_CHECK(k->is_new == cv, "subkey %zu: is_new %d", i, k->is_new);
		new_subkeys += k->is_new;
		for (j = 0; j < k->sigs.n; j++) {
			T_CHECK(k->sigs.v[j].is_new == cv,
				"subkey %zu sig %zu: is_new", i, j);
			new_sigs += k->sigs.v[j].is_new;
		}
	}
	T_EQ_INT(new_uids, 1);
	T_EQ_INT(new_subkeys, 1);
	T_EQ_INT(new_sigs, 3);  /* certification, Three's and cv's bindings */

	/* clear_new clears every flag */
	weft_cert_clear_new(dst);
	for (i = 0; i < dst->nuids; i++) {
		T_CHECK(!dst->uids[i].is_new, "cleared uid");
		for (j = 0; j < dst->uids[i].sigs.n; j++)
			T_CHECK(!dst->uids[i].sigs.v[j].is_new, "cleared sig");
	}
	for (i = 0; i < dst->nsubkeys; i++)
		T_CHECK(!dst->subkeys[i].is_new, "cleared subkey");

	/* merging the same again: nothing new */
	T_OK(weft_cert_merge(dst, src, &changed));
	T_CHECK(!changed, "second merge: unchanged");
	for (i = 0; i < dst->nuids; i++)
		for (j = 0; j < dst->uids[i].sigs.n; j++)
			T_CHECK(!dst->uids[i].sigs.v[j].is_new,
				"second merge: nothing new");
	weft_cert_free(dst);
	weft_cert_free(src);
	weft_buf_free(&a);
	weft_buf_free(&b);
}

static void
test_merge_identical(void)
{
	weft_cert *dst, *src;
	bool changed = true;
	weft_buf out, perm;
	size_t i, j;

	dst = cert_of(canon0.data, canon0.len);
	src = cert_of(mf.bytes, mf.len);  /* same packets, gpg's order */
	T_OK(weft_cert_merge(dst, src, &changed));
	T_CHECK(!changed, "identical: changed=false");
	T_CHECK(!dst->primary.is_new, "identical: primary");
	for (i = 0; i < dst->nuids; i++) {
		T_CHECK(!dst->uids[i].is_new, "identical: uid %zu", i);
		for (j = 0; j < dst->uids[i].sigs.n; j++)
			T_CHECK(!dst->uids[i].sigs.v[j].is_new,
				"identical: uid sig");
	}
	for (i = 0; i < dst->nsubkeys; i++) {
		T_CHECK(!dst->subkeys[i].is_new, "identical: subkey %zu", i);
		for (j = 0; j < dst->subkeys[i].sigs.n; j++)
			T_CHECK(!dst->subkeys[i].sigs.v[j].is_new,
				"identical: subkey sig");
	}
	weft_buf_init(&out);
	T_OK(weft_cert_write(dst, WEFT_CERT_WRITE_LOCAL |
			     WEFT_CERT_WRITE_UNCHECKED, &out, NULL, NULL));
	T_CHECK(same_buf(&out, &canon0), "identical: same bytes");
	weft_buf_free(&out);
	weft_cert_free(src);

	/* a copy with every signature twice: still nothing new */
	weft_buf_init(&perm);
	for (i = 0; i < (size_t)mf.n; i++) {
		weft_buf_put(&perm, mf.p[i].raw, mf.p[i].raw_len);
		if (mf.p[i].tag == WEFT_PKT_SIGNATURE)
			weft_buf_put(&perm, mf.p[i].raw, mf.p[i].raw_len);
	}
	src = cert_of(perm.data, perm.len);
	T_OK(weft_cert_merge(dst, src, &changed));
	T_CHECK(!changed, "doubled signatures: changed=false");
	T_EQ_INT(weft_cert_nsigs(dst), 7);
	weft_cert_free(src);
	weft_buf_free(&perm);

	/* a different certificate: conflict */
	{
		size_t len;
		uint8_t *other = t_slurp(D "certifier.pgp", &len);

		src = cert_of(other, len);
		T_ERR(weft_cert_merge(dst, src, &changed), GPG_ERR_CONFLICT);
		T_CHECK(!changed, "conflict: changed=false");
		weft_cert_free(src);
		free(other);
	}
	weft_cert_free(dst);
}

/* ---- secret keys ------------------------------------------------------------ */

static void
test_secret_reduced(void)
{
	size_t len, i;
	uint8_t *sec = t_slurp(D "merge-secret.pgp", &len);
	weft_cert *c = cert_of(sec, len), *pub;
	weft_buf out;
	weft_reader r;
	weft_packet pkt;
	weft_pkt_key k;
	unsigned secret_found = 0;
	bool changed;

	T_CHECK(c->had_secret, "had_secret");
	weft_cert_canonicalize(c);
	weft_buf_init(&out);
	T_OK(weft_cert_write(c, WEFT_CERT_WRITE_LOCAL |
			     WEFT_CERT_WRITE_UNCHECKED, &out, NULL, NULL));
	T_CHECK(same_buf(&out, &canon0),
		"secret export writes as the public certificate");
	weft_reader_init(&r, out.data, out.len);
	while (!weft_packet_next(&r, &pkt, NULL))
		T_CHECK(pkt.tag != 5 && pkt.tag != 7, "no secret packet");
	/* none of the secret octets appear in the output */
	weft_reader_init(&r, sec, len);
	while (!weft_packet_next(&r, &pkt, NULL)) {
		if (pkt.tag != 5 && pkt.tag != 7)
			continue;
		T_OK(weft_pkt_key_parse(&k, pkt.tag, pkt.body, pkt.body_len,
					NULL));
		T_CHECK(k.secret_len > 16, "secret part present in the input");
		if (memmem(out.data, out.len, k.secret + 3, k.secret_len - 3))
			secret_found++;
	}
	T_EQ_INT(secret_found, 0);
	/* the parsed keys themselves carry no secret either */
	T_CHECK(c->primary.key.tag == WEFT_PKT_PUBLIC_KEY &&
			!c->primary.key.secret && !c->primary.key.secret_len,
		"primary reduced");
	for (i = 0; i < c->nsubkeys; i++)
		T_CHECK(c->subkeys[i].key.tag == WEFT_PKT_PUBLIC_SUBKEY &&
				!c->subkeys[i].key.secret,
			"subkey %zu reduced", i);

	/* merging the secret export into the public one changes nothing
	 * but the flag */
	pub = cert_of(canon0.data, canon0.len);
	T_OK(weft_cert_merge(pub, c, &changed));
	T_CHECK(!changed, "secret export adds no packets");
	T_CHECK(pub->had_secret, "had_secret carried by merge");
	weft_cert_free(pub);

	/* the builder on its own, one packet at a time */
	{
		weft_cert_builder b;
		weft_cert *bc;
		int first = 1;

		weft_reader_init(&r, sec, len);
		while (!weft_packet_next(&r, &pkt, NULL)) {
			if (first) {
				T_OK(weft_cert_builder_start(&b, &pkt, NULL));
				first = 0;
			} else {
				T_OK(weft_cert_builder_add(&b, &pkt));
			}
		}
		T_EQ_INT(b.dropped, 0);
		bc = weft_cert_builder_finish(&b);
		T_CHECK(bc && !b.cert, "finish hands the cert over");
		weft_cert_builder_free(&b);  /* nothing left to free */
		T_CHECK(bc && bc->had_secret && bc->nuids == 3 &&
				bc->nsubkeys == 2,
			"builder: 3 uids, 2 subkeys");
		weft_cert_free(bc);
	}
	weft_buf_free(&out);
	weft_cert_free(c);
	free(sec);
}

/* ---- the builder: what it keeps, skips and drops ---------------------------- */

static void
test_builder_rules(void)
{
	weft_cert_builder b;
	weft_packet pkt;
	weft_diag diag;
	int i, first_sub = -1;
	uint8_t big[64];

	/* must start with a primary key */
	memset(&pkt, 0, sizeof pkt);
	pkt.tag = WEFT_PKT_USER_ID;
	pkt.body = (const uint8_t *)"x";
	pkt.body_len = 1;
	weft_diag_clear(&diag);
	T_ERR(weft_cert_builder_start(&b, &pkt, &diag), GPG_ERR_INV_PACKET);
	T_CHECK(strstr(diag.msg, "must start with a primary key") != NULL,
		"diag: %s", diag.msg);
	for (i = 0; i < mf.n; i++)
		if (mf.p[i].tag == WEFT_PKT_PUBLIC_SUBKEY && first_sub < 0)
			first_sub = i;
	pkt.tag = WEFT_PKT_PUBLIC_SUBKEY;
	pkt.body = mf.p[first_sub].body;
	pkt.body_len = mf.p[first_sub].body_len;
	T_ERR(weft_cert_builder_start(&b, &pkt, NULL), GPG_ERR_INV_PACKET);

	/* a good start */
	pkt.tag = WEFT_PKT_PUBLIC_KEY;
	pkt.body = mf.p[0].body;
	pkt.body_len = mf.p[0].body_len;
	T_OK(weft_cert_builder_start(&b, &pkt, NULL));

	/* trust, marker and padding: skipped silently */
	pkt.tag = WEFT_PKT_TRUST;
	pkt.body = (const uint8_t *)"\x00\x00";
	pkt.body_len = 2;
	T_OK(weft_cert_builder_add(&b, &pkt));
	pkt.tag = WEFT_PKT_MARKER;
	pkt.body = (const uint8_t *)"PGP";
	pkt.body_len = 3;
	T_OK(weft_cert_builder_add(&b, &pkt));
	pkt.tag = WEFT_PKT_PADDING;
	T_OK(weft_cert_builder_add(&b, &pkt));
	T_EQ_INT(b.dropped, 0);

	/* a stray literal data packet: skipped and noted */
	pkt.tag = WEFT_PKT_LITERAL;
	T_OK(weft_cert_builder_add(&b, &pkt));
	T_EQ_INT(b.dropped, 1);
	T_CHECK(strstr(b.note.msg, "skipped a stray literal data packet") !=
			NULL,
		"note: %s", b.note.msg);

	/* a malformed signature on the primary key: dropped */
	pkt.tag = WEFT_PKT_SIGNATURE;
	pkt.body = (const uint8_t *)"\x04\x1f";
	pkt.body_len = 2;
	T_OK(weft_cert_builder_add(&b, &pkt));
	T_EQ_INT(b.dropped, 2);
	T_EQ_INT(b.cert->primary.sigs.n, 0);

	/* a broken subkey, and the signature after it: dropped, the
	 * signature silently (it belongs to the dropped subkey) */
	t_unhex("04 5e0be100 01 4001", big, sizeof big);
	pkt.tag = WEFT_PKT_PUBLIC_SUBKEY;
	pkt.body = big;
	pkt.body_len = 8;
	T_OK(weft_cert_builder_add(&b, &pkt));
	T_EQ_INT(b.dropped, 3);
	T_EQ_INT(b.where, -1);
	pkt.tag = WEFT_PKT_SIGNATURE;
	pkt.body = mf.p[2].body;
	pkt.body_len = mf.p[2].body_len;
	T_OK(weft_cert_builder_add(&b, &pkt));
	T_EQ_INT(b.dropped, 3);
	T_EQ_INT(weft_cert_nsigs(b.cert), 0);

	/* a user ID of 64 KiB + 1: dropped, its signatures with it */
	{
		uint8_t *uid = malloc(WEFT_MAX_UID + 1);

		memset(uid, 'a', WEFT_MAX_UID + 1);
		pkt.tag = WEFT_PKT_USER_ID;
		pkt.body = uid;
		pkt.body_len = WEFT_MAX_UID + 1;
		T_OK(weft_cert_builder_add(&b, &pkt));
		T_EQ_INT(b.dropped, 4);
		T_EQ_INT(b.cert->nuids, 0);
		pkt.tag = WEFT_PKT_SIGNATURE;
		pkt.body = mf.p[2].body;
		pkt.body_len = mf.p[2].body_len;
		T_OK(weft_cert_builder_add(&b, &pkt));
		T_EQ_INT(weft_cert_nsigs(b.cert), 0);
		/* exactly 64 KiB is kept */
		pkt.tag = WEFT_PKT_USER_ID;
		pkt.body = uid;
		pkt.body_len = WEFT_MAX_UID;
		T_OK(weft_cert_builder_add(&b, &pkt));
		T_EQ_INT(b.cert->nuids, 1);
		T_EQ_INT(b.cert->uids[0].len, WEFT_MAX_UID);
		T_CHECK(b.cert->uids[0].data != uid, "user ID copied");
		/* and so is a large user attribute */
		pkt.tag = WEFT_PKT_USER_ATTR;
		pkt.body_len = WEFT_MAX_UID + 1;
		T_OK(weft_cert_builder_add(&b, &pkt));
		T_EQ_INT(b.cert->nuids, 2);
		free(uid);
	}
	T_EQ_INT(b.dropped, 4);
	weft_cert_builder_free(&b);
	T_CHECK(b.cert == NULL, "builder_free clears");
	weft_cert_builder_free(&b);  /* twice is fine */
}

/* weft_cert_add_primary_sig: a stand-alone revocation is added as new. */
static void
test_add_primary_sig(void)
{
	size_t len;
	uint8_t *p = t_slurp(D "keyrev-soft.pgp", &len);
	weft_reader r;
	weft_packet pkt;
	weft_buf nosig;
	weft_cert *c;
	const uint8_t *rev = NULL;
	size_t rev_len = 0;
	weft_diag diag;

	weft_buf_init(&nosig);
	weft_reader_init(&r, p, len);
	while (!weft_packet_next(&r, &pkt, NULL)) {
		if (pkt.tag == WEFT_PKT_SIGNATURE && pkt.body[1] == 0x20) {
			rev = pkt.body;
			rev_len = pkt.body_len;
			continue;
		}
		weft_buf_put(&nosig, p + pkt.offset,
			     pkt.header_len + pkt.body_len);
	}
	T_CHECK(rev != NULL, "fixture has a key revocation");
	c = cert_of(nosig.data, nosig.len);
	T_EQ_INT(c->primary.sigs.n, 0);
	T_OK(weft_cert_add_primary_sig(c, rev, rev_len, NULL));
	T_EQ_INT(c->primary.sigs.n, 1);
	T_CHECK(c->primary.sigs.v[0].is_new && c->primary.sigs.v[0].self &&
			c->primary.sigs.v[0].sig.type == 0x20 &&
			c->primary.sigs.v[0].sig.body != rev,
		"added as a new self-signature, copied");
	weft_diag_clear(&diag);
	T_ERR(weft_cert_add_primary_sig(c, (const uint8_t *)"\x04", 1, &diag),
	      GPG_ERR_INV_PACKET);
	T_CHECK(diag.msg[0], "diag for a broken signature");
	T_EQ_INT(c->primary.sigs.n, 1);
	weft_cert_free(c);
	weft_buf_free(&nosig);
	free(p);
}

/* Writing: flags select non-exportable and unchecked signatures; STATES
 * gets one octet per written signature. */
static void
test_write_flags(void)
{
	weft_cert *c;
	weft_buf out, st;
	size_t i, j, n_good = 0, n_unchecked = 0;

	c = cert_of(canon0.data, canon0.len);
	T_OK(weft_cert_check_self(c, false));
	for (i = 0; i < c->nuids; i++)
		for (j = 0; j < c->uids[i].sigs.n; j++) {
			n_good += c->uids[i].sigs.v[j].state == WEFT_SIG_GOOD;
			n_unchecked += c->uids[i].sigs.v[j].state ==
				       WEFT_SIG_UNCHECKED;
		}
	for (i = 0; i < c->nsubkeys; i++)
		for (j = 0; j < c->subkeys[i].sigs.n; j++)
			n_good += c->subkeys[i].sigs.v[j].state ==
				  WEFT_SIG_GOOD;
	T_EQ_INT(n_good, 5);
	T_EQ_INT(n_unchecked, 2);

	weft_buf_init(&out);
	weft_buf_init(&st);
	T_OK(weft_cert_write(c, WEFT_CERT_WRITE_UNCHECKED, &out, &st, NULL));
	T_CHECK(same_buf(&out, &canon0), "all written with UNCHECKED");
	T_EQ_INT(st.len, 7);
	weft_buf_free(&out);
	weft_buf_free(&st);

	weft_buf_init(&out);
	weft_buf_init(&st);
	T_OK(weft_cert_write(c, 0, &out, &st, NULL));
	T_EQ_INT(st.len, 5);
	for (i = 0; i < st.len; i++)
		T_CHECK((st.data[i] & WEFT_SIG_STATE_MASK) == WEFT_SIG_GOOD,
			"state %zu", i);
	{
		weft_cert *c2 = cert_of(out.data, out.len);

		T_EQ_INT(weft_cert_nsigs(c2), 5);
		for (i = 0; i < c2->nuids; i++)
			for (j = 0; j < c2->uids[i].sigs.n; j++)
				T_CHECK(c2->uids[i].sigs.v[j].self,
					"only self-signatures without UNCHECKED");
		weft_cert_free(c2);
	}
	weft_buf_free(&out);
	weft_buf_free(&st);

	/* states read back with the certificate, back-signature flag too */
	weft_buf_init(&out);
	weft_buf_init(&st);
	T_OK(weft_cert_write(c, WEFT_CERT_WRITE_UNCHECKED |
			     WEFT_CERT_WRITE_LOCAL, &out, &st, NULL));
	{
		weft_cert *c2 = NULL;
		bool backsig = false;

		T_OK(weft_cert_from_bytes(&c2, out.data, out.len, st.data,
					  st.len, NULL, 0, NULL));
		for (i = 0; c2 && i < c2->nuids; i++)
			for (j = 0; j < c2->uids[i].sigs.n; j++)
				T_CHECK(c2->uids[i].sigs.v[j].state ==
						c->uids[i].sigs.v[j].state,
					"uid %zu sig %zu state", i, j);
		for (i = 0; c2 && i < c2->nsubkeys; i++)
			for (j = 0; j < c2->subkeys[i].sigs.n; j++) {
				T_CHECK(c2->subkeys[i].sigs.v[j].state ==
						WEFT_SIG_GOOD &&
						c2->subkeys[i].sigs.v[j]
							.backsig_ok ==
						c->subkeys[i].sigs.v[j]
							.backsig_ok,
					"subkey %zu sig %zu state", i, j);
				backsig |= c2->subkeys[i].sigs.v[j].backsig_ok;
			}
		T_CHECK(backsig, "the signing subkey's back-signature kept");
		weft_cert_free(c2);
	}
	weft_buf_free(&out);
	weft_buf_free(&st);

	/* a non-exportable certification: only with LOCAL */
	{
		weft_sig_builder sb;
		weft_buf body, in;
		uint8_t v[2] = { 0x01, 0x01 }, fpr[21];
		weft_field vals[2] = {
			{ WEFT_FIELD_MPI, v, 2, 0 }, { WEFT_FIELD_MPI, v, 2, 0 },
		};
		static const uint8_t left[2] = { 0, 0 };
		uint8_t created[4] = { 0x5f, 0xee, 0x66, 0x00 };  /* T1 */
		weft_cert *c2;

		fpr[0] = 4;
		t_unhex(CERTIFIER_FPR, fpr + 1, 20);
		weft_sig_builder_init(&sb, 4, 0x10, 22, 8);
		weft_sig_builder_add(&sb, true, 33, false, fpr, 21);
		weft_sig_builder_add(&sb, true, 2, false, created, 4);
		weft_sig_builder_add(&sb, true, 4, true, "\x00", 1);
		weft_buf_init(&body);
		T_OK(weft_sig_builder_finish(&sb, left, vals, 2, &body));
		weft_sig_builder_free(&sb);
		weft_buf_init(&in);
		weft_buf_put(&in, canon0.data, canon0.len);
		/* append to the last user ID: after the last uid block in
		 * a fresh build, so use a separate block */
		weft_packet_write(&in, WEFT_PKT_USER_ID, "Local <l@x>", 11);
		weft_packet_write(&in, WEFT_PKT_SIGNATURE, body.data,
				  body.len);
		c2 = cert_of(in.data, in.len);
		weft_cert_canonicalize(c2);
		weft_buf_init(&out);
		T_OK(weft_cert_write(c2, WEFT_CERT_WRITE_UNCHECKED, &out,
				     NULL, NULL));
		T_CHECK(!memmem(out.data, out.len, body.data, body.len),
			"non-exportable left out without LOCAL");
		weft_buf_free(&out);
		weft_buf_init(&out);
		T_OK(weft_cert_write(c2, WEFT_CERT_WRITE_UNCHECKED |
				     WEFT_CERT_WRITE_LOCAL, &out, NULL, NULL));
		T_CHECK(memmem(out.data, out.len, body.data, body.len) != NULL,
			"non-exportable written with LOCAL");
		weft_buf_free(&out);
		weft_cert_free(c2);
		weft_buf_free(&in);
		weft_buf_free(&body);
	}
	weft_cert_free(c);
}

/* cert.h: "on each component self-signatures before third-party ones,
 * then by creation time".  A third-party certification older than the
 * self-signature must still come after it. */
static void
test_self_sigs_before_third_party(void)
{
	weft_sig_builder sb;
	weft_buf body, in;
	uint8_t v[2] = { 0x01, 0x01 }, fpr[21], kid[8];
	weft_field vals[2] = {
		{ WEFT_FIELD_MPI, v, 2, 0 }, { WEFT_FIELD_MPI, v, 2, 0 },
	};
	static const uint8_t left[2] = { 0, 0 };
	uint8_t created[4] = { 0x5e, 0x0b, 0xdd, 0x18 };  /* T0 - 1000 */
	weft_cert *c;
	int blk, i;

	fpr[0] = 4;
	t_unhex(CERTIFIER_FPR, fpr + 1, 20);
	memcpy(kid, fpr + 13, 8);
	weft_sig_builder_init(&sb, 4, 0x10, 22, 8);
	weft_sig_builder_add(&sb, true, 33, false, fpr, 21);
	weft_sig_builder_add(&sb, true, 2, false, created, 4);
	weft_sig_builder_add(&sb, false, 16, false, kid, 8);
	weft_buf_init(&body);
	T_OK(weft_sig_builder_finish(&sb, left, vals, 2, &body));
	weft_sig_builder_free(&sb);

	weft_buf_init(&in);
	for (blk = 0; blk < mb.n; blk++) {
		const pk *h = &mf.p[mb.start[blk]];

		put_block(&in, &mf, &mb, blk, false);
		if (h->tag == WEFT_PKT_USER_ID &&
		    !memcmp(h->body, "Merge Three", 11))
			weft_packet_write(&in, WEFT_PKT_SIGNATURE, body.data,
					  body.len);
	}
	c = cert_of(in.data, in.len);
	weft_cert_canonicalize(c);
	for (i = 0; i < (int)c->nuids; i++) {
		if (memcmp(c->uids[i].data, "Merge Three", 11))
			continue;
		T_EQ_INT(c->uids[i].sigs.n, 2);
		T_CHECK(c->uids[i].sigs.n == 2 && c->uids[i].sigs.v[0].self &&
				!c->uids[i].sigs.v[1].self,
			"self_sigs_before_third_party: self-signature first "
			"(got %s first)",
			c->uids[i].sigs.v[0].self ? "self" : "third-party");
	}
	weft_cert_free(c);
	weft_buf_free(&in);
	weft_buf_free(&body);
}

int
main(void)
{
	if (weft_crypto_init()) {
		printf("FAIL weft_crypto_init\n");
		return 1;
	}
	pkload(&mf, D "merge.pgp");
	split_blocks(&mf, &mb);
	T_EQ_INT(mb.n, 6);
	weft_buf_init(&canon0);
	T_OK(canon_bytes(mf.bytes, mf.len, &canon0));
	T_CHECK(canon0.len > 0, "canonical size %zu", canon0.len);

	test_canonical_layout();
	test_permutations();
	test_attributes_after_uids();
	test_unhashed_duplicates();
	test_merge_commutes();
	test_merge_is_new();
	test_merge_identical();
	test_secret_reduced();
	test_builder_rules();
	test_add_primary_sig();
	test_write_flags();
	test_self_sigs_before_third_party();

	weft_buf_free(&canon0);
	free(mf.bytes);
	return t_done();
}
