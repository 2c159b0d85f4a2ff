/* store.c - the secrets database: what import does with secret key
 * packets, and whether a key is mine. */
#include <stdio.h>

#include "secret.h"
#include "../util/mem.h"

void *
weft_secmem_alloc(size_t n)
{
	return weft_secure_alloc(n);
}

void
weft_secmem_free(void *p, size_t n)
{
	weft_secure_free(p, n);
}

bool
weft_secret__have(weft_txn *t, const uint8_t *fpr, size_t fpr_len)
{
	const uint8_t *v;
	size_t n;

	return weft_store_get(t, WEFT_DB_SECRETS, fpr, fpr_len, &v, &n) == 0;
}

/* Which key of C has public part PUB?  0 the primary, i+1 subkey i, -1
 * none (a subkey that import dropped, or a stray packet). */
static long
key_index(const weft_cert *c, const uint8_t *pub, size_t len)
{
	size_t i;

	if (c->primary.key.pub_len == len &&
	    !memcmp(c->primary.key.pub, pub, len))
		return 0;
	for (i = 0; i < c->nsubkeys; i++)
		if (c->subkeys[i].key.pub_len == len &&
		    !memcmp(c->subkeys[i].key.pub, pub, len))
			return (long)i + 1;
	return -1;
}

typedef struct import_state {
	weft_ctx *ctx;
	const weft_cert *c;
	weft_buf primary;        /* the primary's secret packet (secure) */
	weft_buf others;         /* subkeys' secret packets (secure) */
	char *pass;              /* asked once per certificate */
	size_t passlen;
	gpg_error_t pass_err;    /* why there is none */
	bool asked;
	unsigned added, kept, stubs, refused, damaged;
	char why[200];           /* the first refusal */
} import_state;

static void
refuse(import_state *st, const char *fmt, const char *hex, const char *detail)
{
	st->refused++;
	if (!st->why[0])
		snprintf(st->why, sizeof st->why, fmt, hex, detail);
}

/* A clear secret key: check that it belongs to its public key (when it
 * can sign: encryption keys are only checked by parsing), then protect
 * it with the passphrase asked for this certificate. */
static gpg_error_t
protect_clear(import_state *st, const weft_pkt_key *k, const char *hex,
	      weft_buf *body)
{
	weft_buf fields;
	weft_field f[WEFT_MAX_FIELDS];
	weft_seckey *sk = NULL;
	char desc[512];
	unsigned nf;
	gpg_error_t err;

	weft_buf_init_secure(&fields);
	if ((err = weft_secret__decrypt(k, NULL, 0, &fields)) ||
	    (err = weft_secret_fields_parse(k, fields.data, fields.len, f,
					    &nf))) {
		refuse(st, "secret key %s not imported: %s", hex,
		       "its secret fields are malformed");
		err = 0;
		goto leave;
	}
	if (weft_seckey_algo_ok(k)) {
		err = weft_seckey_new(&sk, k, f, nf);
		weft_seckey_free(sk);
		if (gpg_err_code(err) == GPG_ERR_ENOMEM)
			goto leave;
		if (err) {
			refuse(st, "secret key %s not imported: %s", hex,
			       "it does not match its public key");
			err = 0;
			goto leave;
		}
	}
	if (!st->asked) {
		st->asked = true;
		if (!(st->pass = weft_secure_alloc(WEFT_PASSPHRASE_MAX))) {
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			goto leave;
		}
		weft_secret__describe(st->c, &st->c->primary.key,
				      weft_ctx__now(st->ctx), desc, sizeof desc);
		st->pass_err = weft_secret__new_passphrase(st->ctx, desc,
							   st->pass,
							   &st->passlen);
		/* The import goes on; the refusal goes into the note. */
		st->ctx->error[0] = 0;
	}
	if (st->pass_err) {
		refuse(st, "secret key %s not imported: %s", hex,
		       gpg_err_code(st->pass_err) == GPG_ERR_NO_PASSPHRASE
			       ? "it is not protected and no passphrase was given "
				 "to protect it (--passphrase-fd)"
			       : "it is not protected and no passphrase was given");
		goto leave;
	}
	err = weft_secret__protect(k, st->pass, st->passlen, body);
leave:
	weft_buf_free(&fields);
	return err;
}

/* One secret key packet from the input.
 * 1. It must belong to a key of C (import may have dropped a subkey).
 * 2. It must be readable; stubs have nothing to store.
 * 3. What is stored already stays (re-importing changes nothing; a new
 *    passphrase is not a reason to replace a key).
 * 4. Protected packets are stored as they are; clear ones are
 *    protected first. */
static gpg_error_t
take_packet(import_state *st, const weft_packet *pkt)
{
	weft_pkt_key k, have;
	weft_pkt_secret s;
	weft_buf body, *to;
	uint8_t fpr[WEFT_FPR_MAX];
	char hex[2 * WEFT_FPR_MAX + 1] = "?";
	size_t flen;
	long idx;
	gpg_error_t err;

	weft_buf_init_secure(&body);
	if (weft_pkt_key_parse(&k, pkt->tag, pkt->body, pkt->body_len, NULL)) {
		st->damaged++;
		return 0;
	}
	if (!weft_key_fingerprint(&k, fpr, &flen))
		weft_hex(fpr, flen, hex);
	/* 1 */
	if ((idx = key_index(st->c, k.pub, k.pub_len)) < 0)
		return 0;
	/* 2 */
	if ((err = weft_pkt_secret_parse(&s, &k, NULL))) {
		refuse(st, "secret key %s not imported: %s", hex,
		       gpg_strerror(err));
		return 0;
	}
	if (s.stub) {
		st->stubs++;
		return 0;
	}
	/* 3 */
	to = idx == 0 ? &st->primary : &st->others;
	if (!weft_secret__find(st->primary.data, st->primary.len, k.pub,
			       k.pub_len, &have) ||
	    !weft_secret__find(st->others.data, st->others.len, k.pub,
			       k.pub_len, &have)) {
		st->kept++;
		return 0;
	}
	/* 4 */
	if (s.usage == WEFT_S2K_USAGE_CLEAR) {
		if ((err = protect_clear(st, &k, hex, &body)))
			goto leave;
		if (!body.len)
			goto leave;
	} else if ((err = weft_buf_put(&body, pkt->body, pkt->body_len))) {
		goto leave;
	}
	if ((err = weft_packet_write(to, idx == 0 ? WEFT_PKT_SECRET_KEY
						  : WEFT_PKT_SECRET_SUBKEY,
				     body.data, body.len)))
		goto leave;
	st->added++;
leave:
	weft_buf_free(&body);
	return err;
}

/* 1. Start from what the record has, split into the primary's packet and
 *    the subkeys'.
 * 2. Take each secret packet of the input (take_packet).
 * 3. Write the record back when something was added: the primary first. */
gpg_error_t
weft_secret__import(weft_ctx *ctx, weft_txn *t, const weft_cert *c,
		    bool *stored, weft_diag *note)
{
	import_state st;
	weft_buf old, all;
	weft_reader r;
	weft_packet pkt;
	gpg_error_t err;

	*stored = false;
	memset(&st, 0, sizeof st);
	st.ctx = ctx;
	st.c = c;
	weft_buf_init_secure(&st.primary);
	weft_buf_init_secure(&st.others);
	weft_buf_init_secure(&old);
	weft_buf_init_secure(&all);

	/* 1 */
	err = weft_secret__record_get(t, c->primary.fpr, c->primary.fpr_len,
				      &old);
	if (gpg_err_code(err) == GPG_ERR_INV_DATA) {
		weft_diag_set(note, 0,
			"the keyring's secret key record of this key is damaged; "
			"secret keys not imported");
		err = 0;
		goto leave;
	}
	if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND)
		goto leave;
	weft_reader_init(&r, old.data, old.len);
	while (!(err = weft_packet_next(&r, &pkt, NULL))) {
		err = weft_packet_write(pkt.tag == WEFT_PKT_SECRET_KEY
						? &st.primary : &st.others,
					pkt.tag, pkt.body, pkt.body_len);
		weft_packet_release(&pkt);
		if (err)
			goto leave;
	}
	if (gpg_err_code(err) != GPG_ERR_EOF)
		goto leave;
	err = 0;

	/* 2 */
	weft_reader_init(&r, c->secrets.data, c->secrets.len);
	while (!(err = weft_packet_next(&r, &pkt, NULL))) {
		err = take_packet(&st, &pkt);
		weft_packet_release(&pkt);
		if (err)
			goto leave;
	}
	if (gpg_err_code(err) != GPG_ERR_EOF)
		goto leave;
	err = 0;

	/* 3 */
	if (st.added) {
		weft_buf_put(&all, st.primary.data, st.primary.len);
		weft_buf_put(&all, st.others.data, st.others.len);
		if ((err = weft_buf_error(&all)) ||
		    (err = weft_secret__record_put(t, c->primary.fpr,
						   c->primary.fpr_len, all.data,
						   all.len)))
			goto leave;
	}
	*stored = st.added || st.kept || old.len;
	if (st.refused)
		weft_diag_set(note, 0, "%s%s", st.why,
			      st.refused > 1 ? " (and others)" : "");
	else if (!*stored && st.stubs)
		weft_diag_set(note, 0,
			"only stubs of secret keys (gpg --export-secret-subkeys, "
			"or keys on a card): nothing secret to import");
leave:
	weft_secure_free(st.pass, WEFT_PASSPHRASE_MAX);
	weft_buf_free(&st.primary);
	weft_buf_free(&st.others);
	weft_buf_free(&old);
	weft_buf_free(&all);
	return err;
}
