/* export.c - transferable secret keys (weft export --secret). */
#include <stdlib.h>

#include "secret.h"
#include "../armor/armor.h"
#include "../store/query.h"

static gpg_error_t
collect(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	size_t vlen)
{
	(void)val;
	(void)vlen;
	return weft_fprset_add(opaque, key, klen);
}

/* GnuPG's stub for a key whose secret is not here: S2K usage 255,
 * cipher 0, S2K 101 with hash 0, "GNU", mode 1 (gpg's 1001). */
static const uint8_t gnu_dummy[] = { 0xff, 0x00, 0x65, 0x00, 'G', 'N', 'U',
				     0x01 };

/* 1. The certificate's exported bytes (local signatures with --local).
 * 2. Walk its packets: a key packet whose public part has a stored
 *    secret becomes that secret packet; one without becomes a stub (v4)
 *    or stays public (v6); everything else is copied. */
static gpg_error_t
write_one(weft_txn *t, const uint8_t *fpr, size_t fpr_len, unsigned wflags,
	  weft_buf *out, weft_diag *d)
{
	weft_cert *c = NULL;
	weft_buf pub, pkts;
	weft_reader r;
	weft_packet pkt;
	weft_pkt_key k, sec;
	uint8_t tag;
	bool is_key;
	gpg_error_t err;

	weft_buf_init(&pub);
	weft_buf_init_secure(&pkts);
	/* 1 */
	if ((err = weft_store_cert_load(t, fpr, fpr_len, &c, d)) ||
	    (err = weft_cert_write(c, wflags, &pub, NULL, NULL)) ||
	    (err = weft_secret__record_get(t, fpr, fpr_len, &pkts)))
		goto leave;
	/* 2 */
	weft_reader_init(&r, pub.data, pub.len);
	while (!(err = weft_packet_next(&r, &pkt, NULL))) {
		is_key = pkt.tag == WEFT_PKT_PUBLIC_KEY ||
			 pkt.tag == WEFT_PKT_PUBLIC_SUBKEY;
		if (!is_key) {
			err = weft_packet_write(out, pkt.tag, pkt.body,
						pkt.body_len);
			goto next;
		}
		tag = pkt.tag == WEFT_PKT_PUBLIC_KEY ? WEFT_PKT_SECRET_KEY
						     : WEFT_PKT_SECRET_SUBKEY;
		if ((err = weft_pkt_key_parse(&k, pkt.tag, pkt.body,
					      pkt.body_len, d)))
			goto next;
		err = weft_secret__find(pkts.data, pkts.len, k.pub, k.pub_len,
					&sec);
		if (!err) {
			err = weft_packet_write(out, tag, sec.body,
						sec.body_len);
		} else if (gpg_err_code(err) == GPG_ERR_NOT_FOUND &&
			   k.version == 4) {
			weft_packet_write_header(out, tag,
						 k.pub_len + sizeof gnu_dummy);
			weft_buf_put(out, k.pub, k.pub_len);
			err = weft_buf_put(out, gnu_dummy, sizeof gnu_dummy);
		} else if (gpg_err_code(err) == GPG_ERR_NOT_FOUND) {
			err = weft_packet_write(out, pkt.tag, pkt.body,
						pkt.body_len);
		}
next:
		weft_packet_release(&pkt);
		if (err)
			goto leave;
	}
	if (gpg_err_code(err) == GPG_ERR_EOF)
		err = 0;
leave:
	weft_cert_free(c);
	weft_buf_free(&pub);
	weft_buf_free(&pkts);
	return err;
}

gpg_error_t
weft_secret__export(weft_ctx *ctx, weft_txn *t, const char *const *queries,
		    size_t n, unsigned flags, uint8_t **out, size_t *outlen)
{
	weft_fprset all = { NULL, 0, 0 }, set = { NULL, 0, 0 };
	weft_buf bin;
	weft_diag d = { { 0 } };
	unsigned wflags = WEFT_CERT_WRITE_UNCHECKED;
	size_t i, j, before;
	gpg_error_t err;

	*out = NULL;
	*outlen = 0;
	/* Ordinary memory: the secret key material in it is as protected as
	 * it is in the keyring (and a certificate with its signatures can be
	 * larger than the secure memory pool). */
	weft_buf_init(&bin);
	if (flags & WEFT_EXPORT_LOCAL)
		wflags |= WEFT_CERT_WRITE_LOCAL;
	if (!n) {
		if ((err = weft_store_each(t, WEFT_DB_SECRETS, NULL, 0, collect,
					   &set)))
			goto leave;
		if (!set.n) {
			err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_SECKEY),
					      "no secret keys in this keyring");
			goto leave;
		}
	}
	for (i = 0; i < n; i++) {
		weft_fprset_free(&all);
		if ((err = weft_query_resolve(t, queries[i], 0, &all)))
			goto leave;
		before = set.n;
		for (j = 0; j < all.n; j++)
			if (weft_secret__have(t, all.v[j] + 1, all.v[j][0]) &&
			    (err = weft_fprset_add(&set, all.v[j] + 1,
						   all.v[j][0])))
				goto leave;
		if (set.n == before) {
			err = weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NOT_FOUND),
				all.n ? "no secret key for \"%s\" (only its public key)"
				      : "no key matches \"%s\"", queries[i]);
			goto leave;
		}
	}
	weft_fprset_sort(&set);
	for (i = 0; i < set.n; i++)
		if ((err = write_one(t, set.v[i] + 1, set.v[i][0], wflags, &bin,
				     &d)))
			goto leave;
	err = weft_export__finish(&bin, flags & WEFT_EXPORT_ARMOR,
				  "PGP PRIVATE KEY BLOCK", out, outlen);
leave:
	if (err && !ctx->error[0])
		weft_ctx__error(ctx, err, "export failed: %s",
				d.msg[0] ? d.msg : gpg_strerror(err));
	weft_fprset_free(&all);
	weft_fprset_free(&set);
	weft_buf_free(&bin);
	return err;
}
