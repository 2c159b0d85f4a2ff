/* complete.c - words for tab completion (weft_complete).
 *
 * Each kind of word is one prefix scan of its index
 * (weft_store_each_prefix), in one read transaction:
 *
 *   1. Fingerprints and key IDs, when the prefix is hex: its whole octets
 *      are the binary prefix to scan for; an odd last digit is checked on
 *      the hex form of each key found.
 *   2. Addresses: the prefix, lower-cased, against the emails index.
 *   3. User IDs: the prefix made into a uids index key, exactly as the
 *      index makes its keys (weft_store_uid_key).  Each entry names a
 *      certificate; its summary (failing that, the certificate) gives
 *      the user IDs as written, and those whose index key is the entry's
 *      key are the words.
 *   4. Sort, drop duplicates, keep the first MAX.
 *
 * Index keys come in memcmp order, which for hex and addresses is the
 * strcmp order of the words, so those scans stop after MAX new words:
 * the first MAX words overall are among them.  User IDs sort differently
 * from their lower-cased keys, so that scan runs to its end; the list is
 * settled (step 4) whenever it reaches twice MAX, which bounds memory.
 */
#include <stdlib.h>
#include <unistr.h>

#include "store.h"
#include "../ctx.h"
#include "../cert/summary.h"
#include "../util/mem.h"
#include "../util/text.h"
#include <weft/complete.h>

/* The words found so far. */
typedef struct words {
	char **v;
	size_t n, cap;
	size_t max;              /* 0 = no limit */
} words;

/* One scan of one index. */
typedef struct scan {
	weft_txn *txn;
	words *w;
	size_t added;            /* words this scan added */
	uint8_t last[512];       /* the previous key (dupsort: its repeats) */
	size_t lastlen;
	bool have_last;
	/* fingerprints and key IDs */
	char hex[2 * WEFT_FPR_MAX + 1];  /* the prefix, upper case, no 0x */
	size_t hexlen;
	/* addresses and user IDs */
	char *low;               /* the prefix, lower-cased */
	size_t lowlen;
	uint8_t ukey[WEFT_UID_KEY_MAX];  /* the prefix as a uids key */
	size_t ukeylen;
} scan;

static int
word_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort, drop duplicates, keep the first MAX. */
static void
words_settle(words *w)
{
	size_t i, k = 0;

	if (w->n > 1)
		qsort(w->v, w->n, sizeof *w->v, word_cmp);
	for (i = 0; i < w->n; i++) {
		if ((k && !strcmp(w->v[k - 1], w->v[i])) ||
		    (w->max && k == w->max)) {
			free(w->v[i]);
			continue;
		}
		w->v[k++] = w->v[i];
	}
	w->n = k;
}

static void
words_free(words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof *w);
}

static gpg_error_t
words_add(words *w, const void *p, size_t len)
{
	char *s;
	gpg_error_t err;

	if (w->max && w->n / 2 >= w->max)
		words_settle(w);
	if ((err = weft_grow((void **)&w->v, &w->cap, w->n + 1, sizeof *w->v)))
		return err;
	if (!(s = weft_memdupz(p, len)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	w->v[w->n++] = s;
	return 0;
}

/* Add a word found in key order; GPG_ERR_EOF (stop) after MAX of them. */
static gpg_error_t
add_ordered(scan *s, const void *p, size_t len)
{
	gpg_error_t err;

	if ((err = words_add(s->w, p, len)))
		return err;
	if (s->w->max && ++s->added >= s->w->max)
		return WEFT_ERR(GPG_ERR_EOF);
	return 0;
}

/* Is KEY the same as the previous key of this scan?  Remembers it. */
static bool
repeated(scan *s, const uint8_t *key, size_t klen)
{
	if (s->have_last && klen == s->lastlen && !memcmp(key, s->last, klen))
		return true;
	if (klen > sizeof s->last)
		return false;
	memcpy(s->last, key, klen);
	s->lastlen = klen;
	s->have_last = true;
	return false;
}

/* Can the user type it, and can it be shown as it is?  Valid UTF-8
 * without control characters (C0, DEL, C1). */
static bool
typeable(const uint8_t *p, size_t n)
{
	size_t i;

	if (u8_check(p, n))
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
		/* Valid UTF-8: 0xc2 is a lead octet; U+0080..U+009F. */
		if (p[i] == 0xc2 && i + 1 < n && p[i + 1] < 0xa0)
			return false;
	}
	return true;
}

/* ---- fingerprints and key IDs ------------------------------------------------ */

static gpg_error_t
fpr_word(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	 size_t vlen)
{
	scan *s = opaque;
	char hex[2 * WEFT_FPR_MAX + 1];

	(void)val;
	(void)vlen;
	if (klen != 20 && klen != 32)
		return 0;
	weft_hex(key, klen, hex);
	if (strncmp(hex, s->hex, s->hexlen))
		return 0;
	return add_ordered(s, hex, 2 * klen);
}

static gpg_error_t
keyid_word(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	   size_t vlen)
{
	scan *s = opaque;
	char hex[17];

	(void)val;
	(void)vlen;
	if (klen != 8 || repeated(s, key, klen))
		return 0;
	weft_hex(key, 8, hex);
	if (strncmp(hex, s->hex, s->hexlen))
		return 0;
	return add_ordered(s, hex, 16);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Does P look like hex ("0x" or "0X", then hex digits, maybe none)?  If
 * so and it is no longer than a fingerprint, put it in S upper case. */
static bool
hex_prefix(const char *p, scan *s)
{
	size_t i;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (i = 0; p[i]; i++)
		if (hexval(p[i]) < 0)
			return false;
	if (i > 2 * WEFT_FPR_MAX)
		return false; /* hex, but longer than any word */
	for (i = 0; p[i]; i++)
		s->hex[i] = "0123456789ABCDEF"[hexval(p[i])];
	s->hex[i] = 0;
	s->hexlen = i;
	return true;
}

/* Run one scan; a stop (GPG_ERR_EOF) is success. */
static gpg_error_t
run(scan *s, int db, const void *prefix, size_t plen, weft_store_cb cb)
{
	gpg_error_t err;

	s->added = 0;
	s->have_last = false;
	err = weft_store_each_prefix(s->txn, db, prefix, plen, cb, s);
	return gpg_err_code(err) == GPG_ERR_EOF ? 0 : err;
}

/* Scan DB (keys of at most MAXLEN octets) for the hex prefix. */
static gpg_error_t
run_hex(scan *s, int db, size_t maxlen, weft_store_cb cb)
{
	uint8_t bin[WEFT_FPR_MAX];
	size_t i;

	if (s->hexlen > 2 * maxlen)
		return 0;
	for (i = 0; i < s->hexlen / 2; i++)
		bin[i] = (uint8_t)(hexval(s->hex[2 * i]) << 4 |
				   hexval(s->hex[2 * i + 1]));
	return run(s, db, bin, s->hexlen / 2, cb);
}

/* ---- addresses and user IDs -------------------------------------------------- */

static gpg_error_t
email_word(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	   size_t vlen)
{
	scan *s = opaque;

	(void)val;
	(void)vlen;
	if (repeated(s, key, klen) || !typeable(key, klen))
		return 0;
	return add_ordered(s, key, klen);
}

/* User ID DATA (LEN octets) of a certificate found under index key KEY:
 * a word when its own index key is KEY. */
static gpg_error_t
uid_match(scan *s, const uint8_t *key, size_t klen, const uint8_t *data,
	  size_t len)
{
	uint8_t k[WEFT_UID_KEY_MAX];
	char *low;
	size_t n;
	bool ok;

	if (!len || weft_store_uid_key(data, len, k) != klen ||
	    memcmp(k, key, klen) || !typeable(data, len))
		return 0;
	if (s->ukeylen == WEFT_UID_KEY_MAX) {
		/* The prefix was cut to make its key: compare it whole. */
		if (!(low = weft_text_lower(data, len, &n)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		ok = n >= s->lowlen && !memcmp(low, s->low, s->lowlen);
		free(low);
		if (!ok)
			return 0;
	}
	return words_add(s->w, data, len);
}

static gpg_error_t
uid_word(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	 size_t vlen)
{
	scan *s = opaque;
	const uint8_t *rec;
	size_t len, i;
	weft_summary sum;
	weft_cert *c = NULL;
	gpg_error_t err;

	err = weft_store_summary_get(s->txn, val, vlen, &rec, &len);
	if (!err && !(err = weft_summary_decode(&sum, rec, len))) {
		for (i = 0; i < sum.nuids && !err; i++)
			if (sum.uids[i].tag == WEFT_PKT_USER_ID)
				err = uid_match(s, key, klen, sum.uids[i].data,
						sum.uids[i].len);
		weft_summary_free(&sum);
		return err;
	}
	if (gpg_err_code(err) == GPG_ERR_ENOMEM)
		return err;
	/* No usable summary: the certificate itself.  A record that cannot
	 * be read is skipped (fsck reports it). */
	err = weft_store_cert_load(s->txn, val, vlen, &c, NULL);
	if (err)
		return gpg_err_code(err) == GPG_ERR_ENOMEM ? err : 0;
	for (i = 0; i < c->nuids && !err; i++)
		if (c->uids[i].tag == WEFT_PKT_USER_ID)
			err = uid_match(s, key, klen, c->uids[i].data,
					c->uids[i].len);
	weft_cert_free(c);
	return err;
}

/* ---- the API ------------------------------------------------------------------- */

gpg_error_t
weft_complete(weft_ctx *ctx, const char *prefix, unsigned what, size_t max,
	      weft_word_list **out)
{
	weft_txn *txn = NULL;
	words w;
	scan s;
	weft_word_list *l = NULL;
	size_t plen;
	gpg_error_t err;

	*out = NULL;
	ctx->error[0] = 0;
	memset(&w, 0, sizeof w);
	memset(&s, 0, sizeof s);
	w.max = max;
	if (!prefix)
		return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_INV_VALUE),
				       "nothing to complete (no prefix)");
	plen = strlen(prefix);
	if ((err = weft_ctx__txn(ctx, false, &txn)))
		goto leave;
	s.txn = txn;
	s.w = &w;

	if ((what & (WEFT_COMPLETE_FPR | WEFT_COMPLETE_KEYID)) &&
	    hex_prefix(prefix, &s)) {
		if ((what & WEFT_COMPLETE_FPR) &&
		    (err = run_hex(&s, WEFT_DB_CERTS, WEFT_FPR_MAX, fpr_word)))
			goto leave;
		if ((what & WEFT_COMPLETE_KEYID) &&
		    (err = run_hex(&s, WEFT_DB_KEYIDS, 8, keyid_word)))
			goto leave;
	}
	if (what & (WEFT_COMPLETE_EMAIL | WEFT_COMPLETE_UID)) {
		s.low = weft_text_lower((const uint8_t *)prefix, plen,
					&s.lowlen);
		if (!s.low) {
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			goto leave;
		}
	}
	if ((what & WEFT_COMPLETE_EMAIL) &&
	    (err = run(&s, WEFT_DB_EMAILS, s.low, s.lowlen, email_word)))
		goto leave;
	if (what & WEFT_COMPLETE_UID) {
		s.ukeylen = weft_store_uid_key((const uint8_t *)prefix, plen,
					       s.ukey);
		if ((err = run(&s, WEFT_DB_UIDS, s.ukey, s.ukeylen, uid_word)))
			goto leave;
	}

	words_settle(&w);
	/* Room for the NULL after the last word. */
	if ((err = weft_grow((void **)&w.v, &w.cap, w.n + 1, sizeof *w.v)))
		goto leave;
	if (!(l = malloc(sizeof *l))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	w.v[w.n] = NULL;
	l->v = w.v;
	l->n = w.n;
	memset(&w, 0, sizeof w);
	*out = l;
leave:
	if (err && !ctx->error[0])
		weft_ctx__error(ctx, err, "cannot complete from the keyring: %s",
				gpg_strerror(err));
	weft_txn_abort(txn);
	words_free(&w);
	free(s.low);
	return err;
}

void
weft_word_list_free(weft_word_list *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l);
}
