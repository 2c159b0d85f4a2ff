/* tests/unit/store/cert.c - certificate records in the keyring:
 * weft_store_cert_put with its indexes (key IDs of primary and subkeys,
 * addresses, user IDs, pending certifications) and their removal when a
 * certificate is updated, verified certifications keeping their issuer in
 * the record, and damaged records refused.
 *
 * Every test works in its own mkdtemp directory under $TMPDIR (or /tmp),
 * removed at the end.  Run from the top of the source tree (fixtures in
 * tests/data/cert/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "cert/cert.h"
#include "crypto/crypto.h"
#include <weft/weft.h>
#include "t.h"
#include "store-t.h"

/* ---- certificates and their indexes ------------------------------------------------ */

struct idx {
	int n;
	int db[64];
	uint8_t key[64][512];
	size_t klen[64];
	uint8_t val[64][32];
	size_t vlen[64];
};

static gpg_error_t
idx_cb(void *opaque, int db, const uint8_t *key, size_t klen,
       const uint8_t *val, size_t vlen)
{
	struct idx *x = opaque;

	if (x->n < 64 && klen <= 512 && vlen <= 32) {
		x->db[x->n] = db;
		memcpy(x->key[x->n], key, klen);
		x->klen[x->n] = klen;
		memcpy(x->val[x->n], val, vlen);
		x->vlen[x->n] = vlen;
		x->n++;
	}
	return 0;
}

static int
idx_count(const struct idx *x, int db)
{
	int i, n = 0;

	for (i = 0; i < x->n; i++)
		n += x->db[i] == db;
	return n;
}

static bool
idx_has(const struct idx *x, int db, const void *key, size_t klen)
{
	int i;

	for (i = 0; i < x->n; i++)
		if (x->db[i] == db && x->klen[i] == klen &&
		    !memcmp(x->key[i], key, klen))
			return true;
	return false;
}

/* Every entry the certificate implies is in the store. */
static void
check_indexed(weft_txn *t, const weft_cert *c, const char *what)
{
	struct idx x;
	int i, missing = 0;

	memset(&x, 0, sizeof x);
	T_OK(weft_store_cert_index(t, c, idx_cb, &x));
	for (i = 0; i < x.n; i++)
		if (weft_store_has(t, x.db[i], x.key[i], x.klen[i], x.val[i],
				   x.vlen[i]))
			missing++;
	T_CHECK(missing == 0, "%s: %d of %d index entries missing", what,
		missing, x.n);
}

static int
n_values(weft_txn *t, int db, const void *key, size_t klen)
{
	int n = 0;

	T_OK(weft_store_each(t, db, key, klen, count_cb, &n));
	return n;
}

static void
test_cert_put(void)
{
	char dir[300];
	weft_store *s;
	weft_txn *t;
	weft_cert *merge = load_cert(D "merge.pgp");
	weft_cert *certifier = load_cert(D "certifier.pgp");
	weft_cert *loaded = NULL, *smaller;
	struct idx x;
	const uint8_t *val;
	size_t vlen, i;
	weft_buf a, b, st;
	struct seen seen;
	uint64_t n;

	mk_tmp(dir, sizeof dir, "certs");
	s = open_store(dir, false);

	/* the index entries merge.pgp implies */
	T_OK(weft_txn_begin(s, true, &t));
	memset(&x, 0, sizeof x);
	T_OK(weft_store_cert_index(t, merge, idx_cb, &x));
	T_EQ_INT(idx_count(&x, WEFT_DB_KEYIDS), 3);   /* primary + 2 subkeys */
	T_EQ_INT(idx_count(&x, WEFT_DB_EMAILS), 3);
	T_EQ_INT(idx_count(&x, WEFT_DB_UIDS), 3);
	T_EQ_INT(idx_count(&x, WEFT_DB_PENDING), 2);  /* certifier unknown */
	T_EQ_INT(x.n, 11);   /* and nothing else */
	T_CHECK(idx_has(&x, WEFT_DB_KEYIDS, merge->primary.keyid, 8) &&
			idx_has(&x, WEFT_DB_KEYIDS, merge->subkeys[0].keyid, 8) &&
			idx_has(&x, WEFT_DB_KEYIDS, merge->subkeys[1].keyid, 8),
		"key IDs of primary and subkeys");
	T_CHECK(idx_has(&x, WEFT_DB_EMAILS, "one@example.org", 15) &&
			idx_has(&x, WEFT_DB_EMAILS, "three@example.org", 17),
		"addresses");
	T_CHECK(idx_has(&x, WEFT_DB_UIDS, "merge one <one@example.org>", 27),
		"user IDs lower-cased");
	T_CHECK(idx_has(&x, WEFT_DB_PENDING, certifier->primary.keyid, 8),
		"pending under the certifier's key ID");

	T_OK(weft_store_cert_put(t, merge, NULL));
	check_indexed(t, merge, "merge");
	T_OK(weft_txn_commit(t));

	/* the record reads back as the same certificate */
	T_OK(weft_txn_begin(s, false, &t));
	T_OK(weft_store_get(t, WEFT_DB_CERTS, merge->primary.fpr, 20, &val,
			    &vlen));
	T_CHECK(vlen > 8 && val[0] == 'W' && val[1] == 'C' && val[2] == 2 &&
			val[3] == 0,
		"record header");
	T_CHECK(vlen > 8 && ((uint32_t)val[4] << 24 | (uint32_t)val[5] << 16 |
			     (uint32_t)val[6] << 8 | val[7]) == 7,
		"7 signatures recorded");
	T_OK(weft_store_cert_load(t, merge->primary.fpr, 20, &loaded, NULL));
	weft_buf_init(&a);
	weft_buf_init(&b);
	weft_buf_init(&st);
	T_OK(weft_cert_write(merge, WEFT_CERT_WRITE_LOCAL |
			     WEFT_CERT_WRITE_UNCHECKED, &a, &st, NULL));
	T_OK(weft_cert_write(loaded, WEFT_CERT_WRITE_LOCAL |
			     WEFT_CERT_WRITE_UNCHECKED, &b, NULL, NULL));
	T_CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len),
		"loaded == stored");
	{
		weft_buf iss;
		size_t ilen;

		weft_buf_init(&iss);
		T_OK(weft_cert_write(merge, WEFT_CERT_WRITE_LOCAL |
				     WEFT_CERT_WRITE_UNCHECKED, &b, NULL, &iss));
		ilen = vlen > 12 + st.len ?
			((size_t)val[8 + st.len] << 24 |
			 (size_t)val[9 + st.len] << 16 |
			 (size_t)val[10 + st.len] << 8 | val[11 + st.len]) : 0;
		T_CHECK(vlen == 8 + st.len + 4 + ilen + a.len &&
				!memcmp(val + 8, st.data, st.len) &&
				ilen == iss.len,
			"states and issuers stored");
		weft_buf_free(&iss);
	}
	for (i = 0; loaded && i < loaded->nsubkeys; i++)
		T_CHECK(loaded->subkeys[i].sigs.v[0].state == WEFT_SIG_GOOD &&
				loaded->subkeys[i].sigs.v[0].backsig_ok ==
					merge->subkeys[i].sigs.v[0].backsig_ok,
			"subkey %zu: state and back-signature reloaded", i);
	weft_buf_free(&a);
	weft_buf_free(&b);
	weft_buf_free(&st);
	weft_cert_free(loaded);
	loaded = NULL;
	T_ERR(weft_store_cert_load(t, certifier->primary.fpr, 20, &loaded,
				   NULL),
	      GPG_ERR_NOT_FOUND);
	T_CHECK(loaded == NULL, "nothing loaded");

	/* lookups */
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_by_keyid(t, merge->subkeys[1].keyid, collect, &seen));
	T_EQ_INT(seen.n, 1);
	T_EQ_INT(n_values(t, WEFT_DB_KEYIDS, merge->subkeys[0].keyid, 8), 1);
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_by_email(t, "two@example.org", collect, &seen));
	T_EQ_INT(seen.n, 1);
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_by_uid_substring(t, "MERGE T", collect, &seen));
	T_EQ_INT(seen.n, 2);   /* Three and Two */
	memset(&seen, 0, sizeof seen);
	T_OK(weft_store_by_uid_substring(t, "nobody", collect, &seen));
	T_EQ_INT(seen.n, 0);
	weft_txn_abort(t);

	/* the certifier arrives; its certifications verify; the merge
	 * certificate is stored again: its pending entries go, and the
	 * record keeps who verified them */
	T_OK(weft_txn_begin(s, true, &t));
	T_OK(weft_store_cert_put(t, certifier, NULL));
	{
		weft_cert *old = NULL, *upd = NULL;

		T_OK(weft_store_cert_load(t, merge->primary.fpr, 20, &old,
					  NULL));
		T_OK(weft_store_cert_load(t, merge->primary.fpr, 20, &upd,
					  NULL));
		for (i = 0; upd && i < upd->nuids; i++) {
			size_t j;

			for (j = 0; j < upd->uids[i].sigs.n; j++)
				if (!upd->uids[i].sigs.v[j].self)
					T_OK(weft_cert_check_third_party(
						upd, &upd->uids[i].sigs.v[j],
						&upd->uids[i], certifier));
		}
		T_OK(weft_store_cert_put(t, upd, old));
		T_EQ_INT(n_values(t, WEFT_DB_PENDING, certifier->primary.keyid,
				  8), 0);
		check_indexed(t, upd, "merge, certifications verified");
		memset(&x, 0, sizeof x);
		T_OK(weft_store_cert_index(t, upd, idx_cb, &x));
		T_EQ_INT(x.n, 9);    /* keyids, emails, uids: no pending */
		weft_cert_free(loaded);
		loaded = NULL;
		T_OK(weft_store_cert_load(t, merge->primary.fpr, 20, &loaded,
					  NULL));
		{
			size_t good = 0, j;

			for (i = 0; loaded && i < loaded->nuids; i++)
				for (j = 0; j < loaded->uids[i].sigs.n; j++) {
					const weft_sigrec *r =
						&loaded->uids[i].sigs.v[j];

					if (r->self)
						continue;
					T_EQ_INT(r->state, WEFT_SIG_GOOD);
					T_EQ_INT(r->issuer_fpr_len, 20);
					T_EQ_MEM(r->issuer_fpr,
						 certifier->primary.fpr, 20);
					good++;
				}
			T_EQ_INT(good, 2);
		}
		weft_cert_free(loaded);
		loaded = NULL;
		check_indexed(t, certifier, "certifier");
		weft_cert_free(old);
		weft_cert_free(upd);
	}
	T_OK(weft_txn_commit(t));

	/* an update that loses a user ID and a subkey: their entries go,
	 * the rest stays */
	{
		weft_buf w;
		weft_cert *old = NULL;
		size_t k;

		weft_buf_init(&w);
		T_OK(weft_txn_begin(s, true, &t));
		T_OK(weft_store_cert_load(t, merge->primary.fpr, 20, &old,
					  NULL));
		/* the same certificate minus "Merge Three" and the
		 * cv25519 subkey */
		smaller = load_cert(D "merge.pgp");
		for (i = 0, k = 0; i < smaller->nuids; i++) {
			if (!memcmp(smaller->uids[i].data, "Merge Three", 11)) {
				free(smaller->uids[i].sigs.v);
				continue;
			}
			smaller->uids[k++] = smaller->uids[i];
		}
		smaller->nuids = k;
		for (i = 0, k = 0; i < smaller->nsubkeys; i++) {
			if (smaller->subkeys[i].key.algo == 18) {
				free(smaller->subkeys[i].sigs.v);
				continue;
			}
			smaller->subkeys[k++] = smaller->subkeys[i];
		}
		smaller->nsubkeys = k;
		T_EQ_INT(smaller->nuids, 2);
		T_EQ_INT(smaller->nsubkeys, 1);

		/* another certificate shares "three@example.org" */
		T_OK(weft_store_put(t, WEFT_DB_EMAILS, "three@example.org", 17,
				    certifier->primary.fpr, 20));

		T_OK(weft_store_cert_put(t, smaller, old));
		check_indexed(t, smaller, "smaller");
		T_ERR(weft_store_has(t, WEFT_DB_EMAILS, "three@example.org", 17,
				     merge->primary.fpr, 20),
		      GPG_ERR_NOT_FOUND);
		T_OK(weft_store_has(t, WEFT_DB_EMAILS, "three@example.org", 17,
				    certifier->primary.fpr, 20));
		T_ERR(weft_store_has(t, WEFT_DB_UIDS,
				     "merge three <three@example.org>", 31,
				     merge->primary.fpr, 20),
		      GPG_ERR_NOT_FOUND);
		for (i = 0; i < merge->nsubkeys; i++) {
			if (merge->subkeys[i].key.algo != 18)
				continue;
			T_ERR(weft_store_has(t, WEFT_DB_KEYIDS,
					     merge->subkeys[i].keyid, 8,
					     merge->primary.fpr, 20),
			      GPG_ERR_NOT_FOUND);
		}
		/* SMALLER comes from the file, so the certification on the
		 * remaining user ID is UNCHECKED again: pending */
		T_EQ_INT(n_values(t, WEFT_DB_PENDING, certifier->primary.keyid,
				  8), 1);
		T_OK(weft_store_count(t, WEFT_DB_CERTS, &n));
		T_EQ_INT(n, 2);
		T_OK(weft_txn_commit(t));
		weft_cert_free(old);
		weft_cert_free(smaller);
		weft_buf_free(&w);
	}

	/* read-only reopen: the certificates and indexes are there */
	weft_store_close(s);
	s = open_store(dir, true);
	T_OK(weft_txn_begin(s, false, &t));
	T_OK(weft_store_count(t, WEFT_DB_CERTS, &n));
	T_EQ_INT(n, 2);
	T_OK(weft_store_cert_load(t, certifier->primary.fpr, 20, &loaded,
				  NULL));
	check_indexed(t, loaded, "certifier after reopen");
	weft_cert_free(loaded);
	T_ERR(weft_store_cert_put(t, certifier, NULL), GPG_ERR_EACCES);
	weft_txn_abort(t);
	weft_store_close(s);

	weft_cert_free(merge);
	weft_cert_free(certifier);
	rm_rf(dir);
}

/* Damaged records are refused, not crashed on. */
static void
test_cert_decode(void)
{
	static const struct {
		const char *name;
		const char *hex;
		gpg_err_code_t want;
	} d[] = {
		{ "empty", "", GPG_ERR_INV_DATA },
		{ "short header", "5743 02 00 0000", GPG_ERR_INV_DATA },
		{ "bad magic", "5744 02 00 00000000 00000000 9800",
		  GPG_ERR_INV_DATA },
		{ "format 1 (old)", "5743 01 00 00000000 9800",
		  GPG_ERR_INV_DATA },
		{ "more states than octets", "5743 02 00 00000005 0101",
		  GPG_ERR_INV_DATA },
		{ "nsigs 4 GB", "5743 02 00 ffffffff 01", GPG_ERR_INV_DATA },
		{ "issuer table past the end",
		  "5743 02 00 00000000 00000009 0102", GPG_ERR_INV_DATA },
		/* an empty record is damaged, not the end of something */
		{ "no packets (cert_decode_empty_record_is_not_eof)",
		  "5743 02 00 00000000 00000000", GPG_ERR_INV_DATA },
		{ "not a key", "5743 02 00 00000000 00000000 cd0141",
		  GPG_ERR_INV_PACKET },
		{ "truncated key", "5743 02 00 00000000 00000000 c60504",
		  GPG_ERR_INV_PACKET },
	};
	size_t i, n;
	uint8_t buf[64];
	weft_cert *c;
	gpg_error_t err;

	for (i = 0; i < WEFT_ARRAY_SIZE(d); i++) {
		n = t_unhex(d[i].hex, buf, sizeof buf);
		c = (weft_cert *)1;
		err = weft_store_cert_decode(n ? buf : NULL, n, &c, NULL);
		T_CHECK(gpg_err_code(err) == d[i].want && c == NULL,
			"decode %s: %s", d[i].name, gpg_strerror(err));
	}
}

int
main(void)
{
	if (weft_crypto_init()) {
		printf("FAIL weft_crypto_init\n");
		return 1;
	}
	test_cert_put();
	test_cert_decode();
	return t_done();
}
