/* record.c - certificate records (db certs) with their summaries (db
 * tnodes) and supplements (db tsupp): the record format, decoding and
 * loading, and storing a certificate with its summary and indexes.  It
 * reads and writes through store.c's calls; only store.c touches LMDB. */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "../util/buf.h"
#include "../cert/summary.h"

#include "store-int.h"

/* ---- certificate records ---------------------------------------------------- */

/* A certificate record (format 2):
 *   "WC", format, flags (1: secret packets were seen), nsigs (u32),
 *   one state octet per signature, issuers_len (u32), the verified
 *   issuers (weft_cert_write's table), then the canonical packets. */
#define REC_MAGIC0 'W'
#define REC_MAGIC1 'C'
#define REC_FORMAT 2
#define REC_HEADER 8   /* magic(2) format(1) flags(1) nsigs(4) */

static uint32_t
get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

/* Where a record's parts are: NSIGS states at VAL + REC_HEADER, the
 * issuers table at *IOFF (*ILEN octets), the packets from *POFF on. */
static gpg_error_t
record_parts(const uint8_t *val, size_t vlen, size_t *nsigs, size_t *ioff,
	     size_t *ilen, size_t *poff, weft_diag *diag)
{
	size_t off;

	if (vlen < REC_HEADER + 4 || val[0] != REC_MAGIC0 ||
	    val[1] != REC_MAGIC1 || val[2] != REC_FORMAT)
		goto damaged;
	*nsigs = get_be32(val + 4);
	if (*nsigs > vlen - REC_HEADER - 4)
		goto damaged;
	off = REC_HEADER + *nsigs;
	*ilen = get_be32(val + off);
	off += 4;
	if (*ilen > vlen - off)
		goto damaged;
	*ioff = off;
	*poff = off + *ilen;
	if (vlen == *poff)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_DATA),
				     "damaged certificate record (no packets)");
	return 0;
damaged:
	return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_DATA),
			     "damaged certificate record");
}

gpg_error_t
weft_store_cert_decode(const uint8_t *val, size_t vlen, weft_cert **out,
		       weft_diag *diag)
{
	size_t nsigs, ioff, ilen, poff;
	gpg_error_t err;

	*out = NULL;
	if ((err = record_parts(val, vlen, &nsigs, &ioff, &ilen, &poff, diag)))
		return err;
	return weft_cert_from_bytes(out, val + poff, vlen - poff,
				    val + REC_HEADER, nsigs, val + ioff, ilen,
				    diag);
}

gpg_error_t
weft_store_cert_load_primary(weft_txn *t, const uint8_t *fpr, size_t fpr_len,
			     weft_cert **out, weft_diag *diag)
{
	const uint8_t *val;
	size_t vlen, nsigs, ioff, ilen, poff;
	weft_reader r;
	weft_packet pkt;
	gpg_error_t err;

	*out = NULL;
	if ((err = weft_store_get(t, WEFT_DB_CERTS, fpr, fpr_len, &val, &vlen)) ||
	    (err = record_parts(val, vlen, &nsigs, &ioff, &ilen, &poff, diag)))
		return err;
	/* The packets are canonical: the primary key comes first, with a
	 * definite length. */
	weft_reader_init(&r, val + poff, vlen - poff);
	memset(&pkt, 0, sizeof pkt);
	if ((err = weft_packet_next(&r, &pkt, diag)))
		return err;
	if (pkt.owned || pkt.indeterminate) {
		weft_packet_release(&pkt);
		return weft_store_cert_decode(val, vlen, out, diag);
	}
	return weft_cert_from_bytes(out, val + poff,
				    pkt.header_len + pkt.body_len, NULL, 0,
				    NULL, 0, diag);
}

gpg_error_t
weft_store_cert_load(weft_txn *t, const uint8_t *fpr, size_t fpr_len,
		     weft_cert **out, weft_diag *diag)
{
	const uint8_t *val;
	size_t vlen;
	gpg_error_t err;

	*out = NULL;
	if ((err = weft_store_get(t, WEFT_DB_CERTS, fpr, fpr_len, &val, &vlen)))
		return err;
	return weft_store_cert_decode(val, vlen, out, diag);
}

gpg_error_t
weft_store_summary_get(weft_txn *t, const uint8_t *fpr, size_t fpr_len,
		       const uint8_t **rec, size_t *len)
{
	return weft_store_get(t, WEFT_DB_TNODES, fpr, fpr_len, rec, len);
}

/* ---- supplements ---------------------------------------------------------------- */

/* SUMMARY (a certificate's summary record) merged with FPR's supplement,
 * in place; unchanged when there is none. */
static gpg_error_t
with_supplement(weft_txn *t, const uint8_t *fpr, size_t len,
		weft_buf *summary)
{
	const uint8_t *rec;
	size_t rlen;
	weft_summary a, b;
	weft_buf merged;
	gpg_error_t err;

	err = weft_store_get(t, WEFT_DB_TSUPP, fpr, len, &rec, &rlen);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
		return 0;
	if (err)
		return err;
	weft_buf_init(&merged);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	if (!(err = weft_summary_decode(&a, summary->data, summary->len)) &&
	    !(err = weft_summary_decode(&b, rec, rlen)) &&
	    !(err = weft_summary_merge(&a, &b, &merged))) {
		weft_buf_free(summary);
		*summary = merged;
		weft_buf_init(&merged);
	}
	weft_summary_free(&a);
	weft_summary_free(&b);
	weft_buf_free(&merged);
	return err;
}

gpg_error_t
weft_store_tnode_expected(weft_txn *t, const uint8_t *fpr, size_t len,
			  weft_buf *out, bool *any)
{
	weft_cert *c = NULL;
	const uint8_t *rec;
	size_t rlen;
	gpg_error_t err;

	*any = false;
	err = weft_store_cert_load(t, fpr, len, &c, NULL);
	if (!err) {
		*any = true;
		err = weft_summary_build(c, out);
		weft_cert_free(c);
		if (!err)
			err = with_supplement(t, fpr, len, out);
		return err;
	}
	if (gpg_err_code(err) != GPG_ERR_NOT_FOUND)
		return err;
	err = weft_store_get(t, WEFT_DB_TSUPP, fpr, len, &rec, &rlen);
	if (gpg_err_code(err) == GPG_ERR_NOT_FOUND)
		return 0;
	if (err)
		return err;
	*any = true;
	return weft_buf_put(out, rec, rlen);
}

static gpg_error_t
rewrite_tnode(weft_txn *t, const uint8_t *fpr, size_t len)
{
	weft_buf rec;
	bool any;
	gpg_error_t err;

	weft_buf_init(&rec);
	if (!(err = weft_store_tnode_expected(t, fpr, len, &rec, &any)))
		err = any ? weft_store_put(t, WEFT_DB_TNODES, fpr, len,
					   rec.data, rec.len)
			  : weft_store_del(t, WEFT_DB_TNODES, fpr, len, NULL, 0);
	weft_buf_free(&rec);
	return err;
}

gpg_error_t
weft_store_supplement_put(weft_txn *t, const uint8_t *fpr, size_t len,
			  const uint8_t *rec, size_t rlen)
{
	weft_summary s;
	gpg_error_t err;

	if ((err = weft_summary_decode(&s, rec, rlen)))
		return err;
	if (s.key.fpr_len != len || memcmp(s.key.fpr, fpr, len))
		err = WEFT_ERR(GPG_ERR_CONFLICT);
	weft_summary_free(&s);
	if (err)
		return err;
	if ((err = weft_store_put(t, WEFT_DB_TSUPP, fpr, len, rec, rlen)))
		return err;
	return rewrite_tnode(t, fpr, len);
}

gpg_error_t
weft_store_supplement_del(weft_txn *t, const uint8_t *fpr, size_t len)
{
	gpg_error_t err;

	if ((err = weft_store_del(t, WEFT_DB_TSUPP, fpr, len, NULL, 0)))
		return err;
	return rewrite_tnode(t, fpr, len);
}

gpg_error_t
weft_store_cert_put(weft_txn *t, const weft_cert *c, const weft_cert *old)
{
	weft_buf head, rec, states, issuers, ilen, summary;
	const weft_buf *parts[5];
	gpg_error_t err;

	weft_buf_init(&head);
	weft_buf_init(&rec);
	weft_buf_init(&states);
	weft_buf_init(&issuers);
	weft_buf_init(&ilen);
	weft_buf_init(&summary);
	if (!weft_store__writable(t)) {
		err = WEFT_ERR(GPG_ERR_EACCES);
		goto leave;
	}
	if ((err = weft_cert_write(c, WEFT_CERT_WRITE_LOCAL |
				   WEFT_CERT_WRITE_UNCHECKED, &rec, &states,
				   &issuers)) ||
	    (err = weft_summary_build(c, &summary)))
		goto leave;
	if (rec.len + states.len + issuers.len + REC_HEADER + 4 >
	    WEFT_MAX_CERT) {
		err = WEFT_ERR(GPG_ERR_TOO_LARGE);
		goto leave;
	}

	weft_buf_put_u8(&head, REC_MAGIC0);
	weft_buf_put_u8(&head, REC_MAGIC1);
	weft_buf_put_u8(&head, REC_FORMAT);
	weft_buf_put_u8(&head, c->had_secret ? 1 : 0);
	weft_buf_put_u32(&head, (uint32_t)states.len);
	weft_buf_put_u32(&ilen, (uint32_t)issuers.len);
	if ((err = weft_buf_error(&head)) || (err = weft_buf_error(&ilen)))
		goto leave;
	parts[0] = &head;
	parts[1] = &states;
	parts[2] = &ilen;
	parts[3] = &issuers;
	parts[4] = &rec;
	if ((err = weft_store__put_parts(t, WEFT_DB_CERTS, c->primary.fpr,
			     c->primary.fpr_len, parts, 5)))
		goto leave;
	/* A supplement (the X.509 bridge's records about this key) joins
	 * the certificate's own summary. */
	if ((err = with_supplement(t, c->primary.fpr, c->primary.fpr_len,
				   &summary)))
		goto leave;
	parts[0] = &summary;
	if ((err = weft_store__put_parts(t, WEFT_DB_TNODES, c->primary.fpr,
			     c->primary.fpr_len, parts, 1)))
		goto leave;
	err = weft_store__reindex(t, old, c);
leave:
	weft_buf_free(&head);
	weft_buf_free(&rec);
	weft_buf_free(&states);
	weft_buf_free(&issuers);
	weft_buf_free(&ilen);
	weft_buf_free(&summary);
	return err;
}
