/* verify.h - signed messages, engine side (weft_verify).
 *
 *   message.c  reading: detached signatures over a data stream, inline
 *              messages (packets streamed: one-pass signatures, literal
 *              data, compressed data, signatures), cleartext messages;
 *              every signature gets a slot with its running hash
 *   check.c    judging each slot: the issuer's key in the keyring, the
 *              cryptography, the key's state then and now, the policy,
 *              and the signer's validity from the web of trust
 *   inflate.c  decompression as a stream filter (inflate.h)
 */
#ifndef WEFT_VERIFY_VERIFY_H
#define WEFT_VERIFY_VERIFY_H

#include "../internal.h"
#include <weft/verify.h>

#include "../crypto/crypto.h"
#include "../packet/packet.h"
#include "../store/store.h"
#include "../util/diag.h"

/* Signatures in one message, at most. */
#define WEFT_MAX_MSG_SIGS   256u
/* One signature or one-pass signature packet, at most. */
#define WEFT_MAX_SIG_PACKET (1u * 1024 * 1024)
/* Packets nested in compressed packets, at most this deep. */
#define WEFT_MAX_MSG_DEPTH  4u
/* A detached signature file, at most. */
#define WEFT_MAX_SIG_FILE   (16u * 1024 * 1024)

typedef struct weft_vslot {
	/* The signature packet (owned), once seen. */
	uint8_t *body;
	size_t body_len;
	weft_pkt_sig sig;
	bool have_sig;
	/* The one-pass signature that announced it (inline messages). */
	bool from_ops;
	uint8_t ops_type, ops_hash, ops_pk, ops_version;
	uint8_t ops_salt[32];
	size_t ops_salt_len;
	/* The running hash over the signed data (a v6 salt first). */
	weft_hash *h;
	gpg_error_t hash_err;    /* the hash could not be set up */
	bool text;               /* a text signature: CRLF line ends */
	const char *mismatch;    /* why the signature does not fit its
				    one-pass header, or NULL */
	bool hash_header_bad;    /* cleartext: not in the Hash header */
	unsigned seq;            /* when its signature packet came (1..) */
} weft_vslot;

typedef struct weft_vmsg {
	weft_ctx *ctx;
	const weft_verify_params *p;
	weft_vslot *slots;
	size_t n, cap;
	weft_verify_result *res;
	weft_diag diag;
	bool literal_seen;
	bool prev_cr;            /* text canonicalisation across chunks */
	unsigned nsigs_seen;     /* signature packets so far */
	uint8_t *tbuf;           /* canonical text of one chunk */
} weft_vmsg;

/* message.c */
gpg_error_t weft_verify__read(weft_vmsg *m);
void weft_verify__slots_free(weft_vmsg *m);

/* check.c: judge slot S into INFO (the keyring's part; trust after). */
void weft_verify__check(weft_vmsg *m, weft_txn *t, weft_vslot *s,
			weft_sig_info *info);
/* Fill in the signer's validity of every good signature. */
gpg_error_t weft_verify__trust(weft_vmsg *m);

#endif /* WEFT_VERIFY_VERIFY_H */
