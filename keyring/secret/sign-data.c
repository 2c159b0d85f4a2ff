/* sign-data.c - weft_sign: signing files (detached, inline, cleartext)
 * with my signing key, streaming.
 *
 * 1. My key (weft_secret__signer, without unlocking the primary), then
 *    the key that signs: the newest subkey that may sign now and whose
 *    secret is here, else the primary key if it may sign.  Unlock it.
 * 2. A v6 key's salt, and the running hash with it.
 * 3. The output:
 *    detached:  the data through the hash, then the signature packet;
 *    inline:    a one-pass signature packet, the literal data packet in
 *               partial chunks of 64 KiB as the data passes, then the
 *               signature packet;
 *    cleartext: "BEGIN PGP SIGNED MESSAGE", a Hash header (v4), the
 *               text dash-escaped line by line while its canonical form
 *               (trailing white space dropped, CRLF between lines) is
 *               hashed, then the signature armored.
 *    Armor is written as a stream too.
 */
#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "../ctx.h"
#include "../armor/armor-write.h"
#include "../store/store.h"
#include "../util/stream.h"

#define CHUNK (64u * 1024)          /* a partial body length: 2^16 */

typedef struct sink {
	weft_write_fn write;
	void *opaque;
	weft_armor_writer aw;
	bool armor;
} sink;

static gpg_error_t
put(sink *o, const void *p, size_t n)
{
	if (!n)
		return 0;
	if (o->armor)
		return weft_armor_writer_put(&o->aw, p, n);
	return o->write(o->opaque, p, n);
}

/* A new-format packet header with a known length. */
static gpg_error_t
header(sink *o, uint8_t tag, size_t len)
{
	weft_buf b;
	gpg_error_t err;

	weft_buf_init(&b);
	weft_packet_write_header(&b, tag, len);
	err = weft_buf_error(&b);
	if (!err)
		err = put(o, b.data, b.len);
	weft_buf_free(&b);
	return err;
}

/* 1. */
static gpg_error_t
choose_key(weft_ctx *ctx, weft_signer *me, const weft_keyrec **kr,
	   weft_pkt_key *skey)
{
	uint32_t now = weft_ctx__now(ctx);
	const weft_keyrec *best = NULL;
	weft_key_state ks;
	weft_pkt_key k;
	size_t i;

	for (i = 0; i < me->cert->nsubkeys; i++) {
		const weft_keyrec *sk = &me->cert->subkeys[i];

		weft_cert_subkey_state(me->cert, sk, now, &ks);
		if (!ks.b.valid || ks.b.revoked || ks.expired ||
		    !(ks.key_flags & WEFT_KF_SIGN) ||
		    !weft_pk_algo_can_sign(sk->key.algo))
			continue;
		if (weft_secret__find(me->pkts.data, me->pkts.len, sk->key.pub,
				      sk->key.pub_len, &k))
			continue;
		if (!best || sk->key.created > best->key.created) {
			best = sk;
			*skey = k;
		}
	}
	if (best) {
		*kr = best;
		return 0;
	}
	weft_cert_primary_state(me->cert, now, &ks);
	if (ks.key_flags & WEFT_KF_SIGN) {
		*kr = &me->cert->primary;
		*skey = me->key;
		return 0;
	}
	return weft_ctx__error(ctx, WEFT_ERR(GPG_ERR_NO_SECKEY),
		"your key %s has no key that may sign data (a signing subkey "
		"whose secret is here, or a primary key with the sign flag)",
		me->desc);
}

/* Canonicalise text: LF becomes CRLF (CR LF stays), into OUT. */
static size_t
crlf(const uint8_t *p, size_t n, uint8_t *out, bool *prev_cr)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && !*prev_cr)
			out[k++] = '\r';
		out[k++] = p[i];
		*prev_cr = p[i] == '\r';
	}
	return k;
}

/* The literal data packet, streamed: LIT holds what is not written
 * yet; every full 64 KiB goes out as a partial chunk (the first after
 * the packet's tag octet), the rest with a final length at the end. */
typedef struct literal_state {
	uint8_t *buf;            /* CHUNK octets */
	size_t len;
	bool started;
} literal_state;

static gpg_error_t
literal_chunk(sink *o, literal_state *l, bool last)
{
	uint8_t hdr[6];
	size_t hl = 0;
	gpg_error_t err;

	if (!l->started) {
		hdr[hl++] = 0xc0 | WEFT_PKT_LITERAL;
		l->started = true;
	}
	if (!last) {
		hdr[hl++] = 0xe0 | 16;  /* a partial length of 2^16 */
	} else if (l->len < 192) {
		hdr[hl++] = (uint8_t)l->len;
	} else if (l->len < 8384) {
		hdr[hl++] = (uint8_t)(((l->len - 192) >> 8) + 192);
		hdr[hl++] = (uint8_t)((l->len - 192) & 0xff);
	} else {
		hdr[hl++] = 0xff;
		hdr[hl++] = (uint8_t)(l->len >> 24);
		hdr[hl++] = (uint8_t)(l->len >> 16);
		hdr[hl++] = (uint8_t)(l->len >> 8);
		hdr[hl++] = (uint8_t)l->len;
	}
	if ((err = put(o, hdr, hl)) || (err = put(o, l->buf, l->len)))
		return err;
	l->len = 0;
	return 0;
}

static gpg_error_t
literal_put(sink *o, literal_state *l, const uint8_t *p, size_t n)
{
	size_t take;
	gpg_error_t err;

	while (n) {
		take = CHUNK - l->len < n ? CHUNK - l->len : n;
		memcpy(l->buf + l->len, p, take);
		l->len += take;
		p += take;
		n -= take;
		/* keep a full chunk until more comes: the last one must
		 * carry a final length */
		if (l->len == CHUNK && n && (err = literal_chunk(o, l, false)))
			return err;
	}
	return 0;
}

static gpg_error_t
literal_end(sink *o, literal_state *l)
{
	return literal_chunk(o, l, true);
}

static gpg_error_t
one_pass(sink *o, const weft_keyrec *kr, uint8_t type, uint8_t hash,
	 const uint8_t *salt, size_t salt_len)
{
	weft_buf b;
	gpg_error_t err;

	weft_buf_init(&b);
	if (kr->key.version == 6) {
		weft_buf_put_u8(&b, 6);
		weft_buf_put_u8(&b, type);
		weft_buf_put_u8(&b, hash);
		weft_buf_put_u8(&b, kr->key.algo);
		weft_buf_put_u8(&b, (uint8_t)salt_len);
		weft_buf_put(&b, salt, salt_len);
		weft_buf_put(&b, kr->fpr, kr->fpr_len);
	} else {
		weft_buf_put_u8(&b, 3);
		weft_buf_put_u8(&b, type);
		weft_buf_put_u8(&b, hash);
		weft_buf_put_u8(&b, kr->key.algo);
		weft_buf_put(&b, kr->keyid, 8);
	}
	weft_buf_put_u8(&b, 1);          /* not nested: the data follows */
	if (!(err = weft_buf_error(&b)) &&
	    !(err = header(o, WEFT_PKT_ONEPASS, b.len)))
		err = put(o, b.data, b.len);
	weft_buf_free(&b);
	return err;
}

gpg_error_t
weft_sign(weft_ctx *ctx, const weft_sign_params *p, char fpr[65])
{
	weft_txn *t = NULL;
	weft_signer me;
	const weft_keyrec *kr = NULL;
	weft_pkt_key skey;
	weft_seckey *sk = NULL;
	weft_hash *h = NULL;
	weft_pkt_sig fake;
	weft_buf sig, lit;
	literal_state ls = { NULL, 0, false };
	weft_stream in;
	sink o;
	uint8_t salt[32], type, hash, *buf = NULL, *tbuf = NULL;
	size_t salt_len = 0, got, n;
	uint32_t now = weft_ctx__now(ctx);
	bool prev_cr = false, in_open = false;
	gpg_error_t err;

	fpr[0] = 0;
	ctx->error[0] = 0;
	memset(&me, 0, sizeof me);
	memset(&o, 0, sizeof o);
	weft_buf_init(&sig);
	weft_buf_init(&lit);
	/* 1 */
	if ((err = weft_ctx__txn(ctx, false, &t)))
		return err;
	err = weft_secret__signer(ctx, t, p->by, false, &me);
	if (!err)
		err = choose_key(ctx, &me, &kr, &skey);
	weft_txn_abort(t);
	if (err)
		goto leave;
	weft_hex(kr->fpr, kr->fpr_len, fpr);
	{
		char desc[512];

		weft_secret__describe(me.cert, &kr->key, now, desc, sizeof desc);
		if ((err = weft_secret__unlock(ctx, &skey, desc, &sk)))
			goto leave;
	}
	/* 2 */
	type = p->mode == WEFT_SIGN_CLEARTEXT || p->text ? WEFT_SIG_TEXT
							 : WEFT_SIG_BINARY;
	hash = weft_secret__hash_for(&kr->key);
	if (kr->key.version == 6) {
		salt_len = weft_hash_v6_salt_len(hash);
		weft_random(salt, salt_len, false);
	}
	memset(&fake, 0, sizeof fake);
	fake.version = kr->key.version == 6 ? 6 : 4;
	fake.hash_algo = hash;
	fake.salt = salt;
	fake.salt_len = salt_len;
	if ((err = weft_sig_data_hash_new(&h, &fake)))
		goto leave;
	if (!(buf = malloc(CHUNK)) || !(tbuf = malloc(2 * CHUNK))) {
		err = WEFT_ERR(GPG_ERR_ENOMEM);
		goto leave;
	}
	if ((err = weft_stream_init(&in, p->read, NULL, p->read_opaque)))
		goto leave;
	in_open = true;
	/* 3 */
	o.write = p->write;
	o.opaque = p->write_opaque;
	if (p->mode == WEFT_SIGN_CLEARTEXT) {
		weft_armor_header hh = { (char *)"Hash", NULL };
		const char *hn = hash == WEFT_HASH_SHA512 ? "SHA512"
			: hash == WEFT_HASH_SHA384 ? "SHA384" : "SHA256";
		bool first = true;

		hh.value = (char *)hn;
		if ((err = weft_armor_writer_begin(&o.aw, "PGP SIGNED MESSAGE",
				kr->key.version == 6 ? NULL : &hh,
				kr->key.version == 6 ? 0 : 1, p->write,
				p->write_opaque)))
			goto leave;
		for (;;) {
			if ((err = weft_stream_line(&in, buf, CHUNK, &n)))
				goto leave;
			if (!n)
				break;
			got = n;
			if (got && buf[got - 1] == '\n')
				got--;
			if (got && buf[got - 1] == '\r')
				got--;
			/* dash-escape what could look like armor */
			if ((got && buf[0] == '-' &&
			     (err = p->write(p->write_opaque,
					     (const uint8_t *)"- ", 2))) ||
			    (err = p->write(p->write_opaque, buf, got)) ||
			    (err = p->write(p->write_opaque,
					    (const uint8_t *)"\n", 1)))
				goto leave;
			while (got && (buf[got - 1] == ' ' ||
				       buf[got - 1] == '\t' ||
				       buf[got - 1] == '\r'))
				got--;
			if (!first)
				weft_hash_write(h, "\r\n", 2);
			weft_hash_write(h, buf, got);
			first = false;
		}
		if ((err = weft_secret__sign_data(&kr->key, kr->fpr,
						  kr->fpr_len, sk, type, now,
						  salt, salt_len, h, &sig)))
			goto leave;
		if ((err = weft_packet_write(&lit, WEFT_PKT_SIGNATURE, sig.data,
					     sig.len)) ||
		    (err = weft_buf_error(&lit)) ||
		    (err = weft_armor_writer_begin(&o.aw, "PGP SIGNATURE", NULL,
						   0, p->write,
						   p->write_opaque)) ||
		    (err = weft_armor_writer_put(&o.aw, lit.data, lit.len)))
			goto leave;
		err = weft_armor_writer_end(&o.aw);
		goto leave;
	}
	if (p->armor) {
		o.armor = true;
		if ((err = weft_armor_writer_begin(&o.aw,
				p->mode == WEFT_SIGN_DETACHED ? "PGP SIGNATURE"
							      : "PGP MESSAGE",
				NULL, 0, p->write, p->write_opaque)))
			goto leave;
	}
	if (p->mode == WEFT_SIGN_INLINE) {
		size_t nlen = p->filename ? strlen(p->filename) : 0;
		uint32_t d = (uint32_t)p->date;

		if (nlen > 255)
			nlen = 255;
		uint8_t lh[6 + 255];

		if ((err = one_pass(&o, kr, type, hash, salt, salt_len)))
			goto leave;
		if (!(ls.buf = malloc(CHUNK))) {
			err = WEFT_ERR(GPG_ERR_ENOMEM);
			goto leave;
		}
		lh[0] = type == WEFT_SIG_TEXT ? 't' : 'b';
		lh[1] = (uint8_t)nlen;
		if (nlen)
			memcpy(lh + 2, p->filename, nlen);
		lh[2 + nlen] = (uint8_t)(d >> 24);
		lh[3 + nlen] = (uint8_t)(d >> 16);
		lh[4 + nlen] = (uint8_t)(d >> 8);
		lh[5 + nlen] = (uint8_t)d;
		if ((err = literal_put(&o, &ls, lh, nlen + 6)))
			goto leave;
	}
	/* the data: hashed; inline, also into the literal packet */
	for (;;) {
		if ((err = weft_stream_read(&in, buf, CHUNK, &got)))
			goto leave;
		if (!got)
			break;
		if (type == WEFT_SIG_TEXT) {
			n = crlf(buf, got, tbuf, &prev_cr);
			weft_hash_write(h, tbuf, n);
		} else {
			weft_hash_write(h, buf, got);
		}
		if (p->mode == WEFT_SIGN_INLINE &&
		    (err = literal_put(&o, &ls, buf, got)))
			goto leave;
	}
	if (p->mode == WEFT_SIGN_INLINE && (err = literal_end(&o, &ls)))
		goto leave;
	if ((err = weft_secret__sign_data(&kr->key, kr->fpr, kr->fpr_len, sk,
					  type, now, salt, salt_len, h, &sig)) ||
	    (err = header(&o, WEFT_PKT_SIGNATURE, sig.len)) ||
	    (err = put(&o, sig.data, sig.len)))
		goto leave;
	if (o.armor)
		err = weft_armor_writer_end(&o.aw);
leave:
	if (in_open)
		weft_stream_close(&in);
	weft_hash_free(h);
	weft_seckey_free(sk);
	weft_secret__signer_free(&me);
	weft_buf_free(&sig);
	weft_buf_free(&lit);
	free(buf);
	free(tbuf);
	free(ls.buf);
	if (err && !ctx->error[0])
		weft_ctx__error(ctx, err, "signing failed: %s",
				gpg_strerror(err));
	return err;
}
