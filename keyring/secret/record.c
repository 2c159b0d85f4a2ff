/* record.c - the secrets database record (format in secret.h). */
#include "secret.h"
#include "../store/store.h"

gpg_error_t
weft_secret__record_get(weft_txn *t, const uint8_t *fpr, size_t fpr_len,
			weft_buf *pkts)
{
	const uint8_t *val;
	size_t vlen;
	gpg_error_t err;

	if ((err = weft_store_get(t, WEFT_DB_SECRETS, fpr, fpr_len, &val,
				  &vlen)))
		return err;
	if (vlen <= WEFT_SECRET_HEADER || val[0] != 'W' || val[1] != 'S' ||
	    val[2] != WEFT_SECRET_FORMAT)
		return WEFT_ERR(GPG_ERR_INV_DATA);
	return weft_buf_put(pkts, val + WEFT_SECRET_HEADER,
			    vlen - WEFT_SECRET_HEADER);
}

gpg_error_t
weft_secret__record_put(weft_txn *t, const uint8_t *fpr, size_t fpr_len,
			const uint8_t *pkts, size_t n)
{
	weft_buf rec;
	gpg_error_t err;

	if (!n)
		return weft_store_del(t, WEFT_DB_SECRETS, fpr, fpr_len, NULL, 0);
	/* The record passes through secure memory on its way to the map
	 * (where it is protected key material, as in a gpg keyring). */
	weft_buf_init_secure(&rec);
	weft_buf_put(&rec, "WS", 2);
	weft_buf_put_u8(&rec, WEFT_SECRET_FORMAT);
	weft_buf_put_u8(&rec, 0);
	weft_buf_put(&rec, pkts, n);
	if (!(err = weft_buf_error(&rec)))
		err = weft_store_put(t, WEFT_DB_SECRETS, fpr, fpr_len, rec.data,
				     rec.len);
	weft_buf_free(&rec);
	return err;
}

gpg_error_t
weft_secret__find(const uint8_t *pkts, size_t n, const uint8_t *pub,
		  size_t publen, weft_pkt_key *key)
{
	weft_reader r;
	weft_packet pkt;
	weft_pkt_key k;
	gpg_error_t err;

	memset(key, 0, sizeof *key);
	weft_reader_init(&r, pkts, n);
	for (;;) {
		err = weft_packet_next(&r, &pkt, NULL);
		if (gpg_err_code(err) == GPG_ERR_EOF)
			return WEFT_ERR(GPG_ERR_NOT_FOUND);
		if (err || pkt.partial)
			goto damaged;
		if (pkt.tag != WEFT_PKT_SECRET_KEY &&
		    pkt.tag != WEFT_PKT_SECRET_SUBKEY)
			goto damaged;
		if (weft_pkt_key_parse(&k, pkt.tag, pkt.body, pkt.body_len,
				       NULL))
			goto damaged;
		if (k.pub_len == publen && !memcmp(k.pub, pub, publen)) {
			*key = k;
			return 0;
		}
	}
damaged:
	weft_packet_release(&pkt);
	return WEFT_ERR(GPG_ERR_INV_DATA);
}
