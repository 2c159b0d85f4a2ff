/* cryptotest.h - fixture loading shared by the crypto unit tests.
 *
 * A fixture is a binary OpenPGP file (tests/data/crypto/, see its README).
 * ct_load() splits it into packets and parses keys, user IDs and
 * signatures, remembering for each signature what it follows (the primary
 * key, the last user ID or the last subkey) so that tests can rebuild the
 * weft_sig_target the certificate layer would pass.
 *
 * Run from the top of the source tree.
 */
#ifndef WEFT_TEST_CRYPTOTEST_H
#define WEFT_TEST_CRYPTOTEST_H

#include "crypto/crypto.h"  /* before t.h: sets the error source */
#include "packet/packet.h"
#include "t.h"

#define CT_DATA "tests/data/crypto/"
#define CT_MAX 64

typedef struct ct_item {
	uint8_t tag;
	const uint8_t *body;
	size_t body_len;
	weft_pkt_key key;        /* tags 5, 6, 7, 14 */
	weft_pkt_sig sig;        /* tag 2 */
	int primary;             /* sigs, uids, subkeys: index of the primary */
	int subkey;              /* sigs after a subkey: its index, else -1 */
	int uid;                 /* sigs after a user ID/attribute, else -1 */
} ct_item;

typedef struct ct_file {
	unsigned char *bytes;
	size_t len;
	ct_item item[CT_MAX];
	int n;
} ct_file;

static inline void
ct_load(ct_file *f, const char *name)
{
	char path[256];
	weft_reader r;
	weft_packet pkt;
	gpg_error_t err;
	int primary = -1, subkey = -1, uid = -1;

	memset(f, 0, sizeof *f);
	snprintf(path, sizeof path, CT_DATA "%s", name);
	f->bytes = t_slurp(path, &f->len);
	weft_reader_init(&r, f->bytes, f->len);
	while (!(err = weft_packet_next(&r, &pkt, NULL))) {
		ct_item *it;

		if (pkt.partial || f->n == CT_MAX) {
			printf("FAIL %s: unexpected packet layout\n", name);
			exit(1);
		}
		it = &f->item[f->n];
		it->tag = pkt.tag;
		it->body = pkt.body;
		it->body_len = pkt.body_len;
		it->primary = primary;
		it->subkey = -1;
		it->uid = -1;
		switch (pkt.tag) {
		case WEFT_PKT_PUBLIC_KEY: case WEFT_PKT_SECRET_KEY:
			err = weft_pkt_key_parse(&it->key, pkt.tag, pkt.body,
						 pkt.body_len, NULL);
			primary = f->n;
			it->primary = primary;
			subkey = uid = -1;
			break;
		case WEFT_PKT_PUBLIC_SUBKEY: case WEFT_PKT_SECRET_SUBKEY:
			err = weft_pkt_key_parse(&it->key, pkt.tag, pkt.body,
						 pkt.body_len, NULL);
			subkey = f->n;
			uid = -1;
			break;
		case WEFT_PKT_USER_ID: case WEFT_PKT_USER_ATTR:
			uid = f->n;
			subkey = -1;
			break;
		case WEFT_PKT_SIGNATURE:
			err = weft_pkt_sig_parse(&it->sig, pkt.body,
						 pkt.body_len, NULL);
			it->subkey = subkey;
			it->uid = uid;
			break;
		default:
			break;
		}
		if (err) {
			printf("FAIL %s: packet %d (tag %u) does not parse: %s\n",
			       name, f->n, pkt.tag, gpg_strerror(err));
			exit(1);
		}
		f->n++;
	}
	if (gpg_err_code(err) != GPG_ERR_EOF) {
		printf("FAIL %s: %s\n", name, gpg_strerror(err));
		exit(1);
	}
}

static inline void
ct_free(ct_file *f)
{
	free(f->bytes);
	memset(f, 0, sizeof *f);
}

/* The target of signature item I, as the certificate layer builds it. */
static inline weft_sig_target
ct_target(const ct_file *f, int i)
{
	const ct_item *it = &f->item[i];
	weft_sig_target t;

	memset(&t, 0, sizeof t);
	if (it->primary >= 0)
		t.primary = &f->item[it->primary].key;
	if (it->subkey >= 0)
		t.subkey = &f->item[it->subkey].key;
	if (it->uid >= 0) {
		t.uid = f->item[it->uid].body;
		t.uid_len = f->item[it->uid].body_len;
		t.uid_tag = f->item[it->uid].tag;
	}
	return t;
}

/* The single signature packet of a detached signature file. */
static inline void
ct_load_sig(ct_file *f, const char *name)
{
	ct_load(f, name);
	if (f->n != 1 || f->item[0].tag != WEFT_PKT_SIGNATURE) {
		printf("FAIL %s: not one signature packet\n", name);
		exit(1);
	}
}

static inline bool
ct_is_key(const ct_item *it)
{
	return it->tag == WEFT_PKT_PUBLIC_KEY || it->tag == WEFT_PKT_SECRET_KEY ||
	       it->tag == WEFT_PKT_PUBLIC_SUBKEY ||
	       it->tag == WEFT_PKT_SECRET_SUBKEY;
}

static inline void
ct_hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

#endif /* WEFT_TEST_CRYPTOTEST_H */
