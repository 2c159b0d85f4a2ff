/* hash.c - running digests over gcry_md, and the hash algorithm table. */
#include <stdlib.h>

#include "crypto-int.h"
#include "../util/workers.h"

struct weft_hash {
	gcry_md_hd_t md;
	uint8_t algo;            /* OpenPGP number */
	int galgo;               /* libgcrypt number */
	bool reuse;              /* public data: the handle may be kept */
};

/* gcry_md_open polls libgcrypt's entropy pool on every call (getrusage,
 * the clock, and the pool's lock, which every verifying thread then
 * waits on): a tenth of a large import's time went there, a digest per
 * signature and per fingerprint.  Digests of public data (keys, user
 * IDs, signature packets) take a handle this thread closed before, reset
 * (gcry_md_reset: as good as a new one); a digest of anything else gets
 * its own handle, closed (and wiped by libgcrypt) when it is freed.  The
 * thread's spares are closed when it ends. */
#define SPARES 4

typedef struct spares {
	weft_hash *v[SPARES];
	unsigned next;           /* the slot to give up when all are full */
} spares;

static void
hash_close(weft_hash *h)
{
	gcry_md_close(h->md);  /* libgcrypt wipes the context */
	free(h);
}

static void
spares_free(void *p)
{
	spares *sp = p;
	unsigned i;

	for (i = 0; i < SPARES; i++)
		if (sp->v[i])
			hash_close(sp->v[i]);
	free(sp);
}

static weft_thread_value thread_spares_v = WEFT_THREAD_VALUE_INIT(spares_free);

/* This thread's spares (made when MAKE; NULL when there are none). */
static spares *
thread_spares(bool make)
{
	spares *sp;

	if ((sp = weft_thread_get(&thread_spares_v)) || !make)
		return sp;
	if (!(sp = calloc(1, sizeof *sp)))
		return NULL;
	if (!weft_thread_set(&thread_spares_v, sp)) {
		free(sp);
		return NULL;
	}
	return sp;
}

/* ASN.1 DigestInfo prefixes for PKCS#1 v1.5 signatures, RFC 9580 5.2.2.
 * We carry our own because libgcrypt 1.10 has only a placeholder (one
 * octet 0x30) for SHA3-256 and SHA3-512, so its (hash sha3-256 ...) form
 * cannot verify an RSA signature. */
#define ASN(...) { __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
static const struct {
	uint8_t algo;
	int galgo;
	const char *name;        /* as libgcrypt's S-expressions spell it */
	uint8_t asn[19];
	size_t asn_len;
} md_table[] = {
	{ WEFT_HASH_MD5, GCRY_MD_MD5, "md5",
	  ASN(0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86,
	      0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10) },
	{ WEFT_HASH_SHA1, GCRY_MD_SHA1, "sha1",
	  ASN(0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02,
	      0x1a, 0x05, 0x00, 0x04, 0x14) },
	{ WEFT_HASH_RIPEMD160, GCRY_MD_RMD160, "rmd160",
	  ASN(0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x24, 0x03, 0x02,
	      0x01, 0x05, 0x00, 0x04, 0x14) },
	{ WEFT_HASH_SHA256, GCRY_MD_SHA256, "sha256",
	  ASN(0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	      0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20) },
	{ WEFT_HASH_SHA384, GCRY_MD_SHA384, "sha384",
	  ASN(0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	      0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30) },
	{ WEFT_HASH_SHA512, GCRY_MD_SHA512, "sha512",
	  ASN(0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	      0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40) },
	{ WEFT_HASH_SHA224, GCRY_MD_SHA224, "sha224",
	  ASN(0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	      0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c) },
	{ WEFT_HASH_SHA3_256, GCRY_MD_SHA3_256, "sha3-256",
	  ASN(0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	      0x65, 0x03, 0x04, 0x02, 0x08, 0x05, 0x00, 0x04, 0x20) },
	{ WEFT_HASH_SHA3_512, GCRY_MD_SHA3_512, "sha3-512",
	  ASN(0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
	      0x65, 0x03, 0x04, 0x02, 0x0a, 0x05, 0x00, 0x04, 0x40) },
};
#undef ASN

int
weft_crypto__md_algo(uint8_t hash_algo)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(md_table); i++)
		if (md_table[i].algo == hash_algo)
			return md_table[i].galgo;
	return 0;
}

const char *
weft_crypto__md_name(uint8_t hash_algo)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(md_table); i++)
		if (md_table[i].algo == hash_algo)
			return md_table[i].name;
	return NULL;
}

const uint8_t *
weft_crypto__md_asn(uint8_t hash_algo, size_t *len)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(md_table); i++)
		if (md_table[i].algo == hash_algo) {
			*len = md_table[i].asn_len;
			return md_table[i].asn;
		}
	*len = 0;
	return NULL;
}

uint8_t
weft_crypto__hash_algo(const weft_hash *h)
{
	return h->algo;
}

gpg_error_t
weft_hash_new(weft_hash **out, uint8_t hash_algo)
{
	weft_hash *h = NULL;
	int galgo = weft_crypto__md_algo(hash_algo);
	gpg_error_t err;

	*out = NULL;
	/* The table and packet/algo.c's lengths must agree; an algorithm
	 * libgcrypt was built without (or FIPS mode refuses) is unknown. */
	if (!galgo || gcry_md_test_algo(galgo) ||
	    gcry_md_get_algo_dlen(galgo) != weft_hash_algo_len(hash_algo))
		return WEFT_ERR(GPG_ERR_DIGEST_ALGO);
	h = calloc(1, sizeof *h);
	if (!h)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	h->algo = hash_algo;
	h->galgo = galgo;
	err = gcry_md_open(&h->md, galgo, 0);
	if (err) {
		free(h);
		return err;
	}
	*out = h;
	return 0;
}

unsigned
weft_crypto__hash_spares(uint8_t hash_algo)
{
	spares *sp = thread_spares(false);
	unsigned i, n = 0;

	for (i = 0; sp && i < SPARES; i++)
		n += sp->v[i] && sp->v[i]->algo == hash_algo;
	return n;
}

gpg_error_t
weft_hash_new_public(weft_hash **out, uint8_t hash_algo)
{
	spares *sp = thread_spares(false);
	unsigned i;
	gpg_error_t err;

	/* A spare's algorithm is one weft_hash_new took. */
	for (i = 0; sp && i < SPARES; i++)
		if (sp->v[i] && sp->v[i]->algo == hash_algo) {
			*out = sp->v[i];
			sp->v[i] = NULL;
			return 0;
		}
	if ((err = weft_hash_new(out, hash_algo)))
		return err;
	(*out)->reuse = true;
	return 0;
}

void
weft_hash_write(weft_hash *h, const void *p, size_t n)
{
	if (n)
		gcry_md_write(h->md, p, n);
}

gpg_error_t
weft_hash_copy(weft_hash **out, const weft_hash *h)
{
	weft_hash *c;
	gpg_error_t err;

	*out = NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return WEFT_ERR(GPG_ERR_ENOMEM);
	c->algo = h->algo;
	c->galgo = h->galgo;
	err = gcry_md_copy(&c->md, h->md);
	if (err) {
		free(c);
		return err;
	}
	*out = c;
	return 0;
}

void
weft_hash_final(weft_hash *h, uint8_t *out, size_t *len)
{
	size_t n = gcry_md_get_algo_dlen(h->galgo);

	gcry_md_final(h->md);
	memcpy(out, gcry_md_read(h->md, h->galgo), n);
	*len = n;
}

void
weft_hash_free(weft_hash *h)
{
	spares *sp;
	unsigned i;

	if (!h)
		return;
	if (!h->reuse || !(sp = thread_spares(true))) {
		hash_close(h);
		return;
	}
	/* An empty slot, else the oldest spare makes room: the algorithms
	 * used last are the ones kept. */
	for (i = 0; i < SPARES && sp->v[i]; i++)
		;
	if (i == SPARES) {
		i = sp->next;
		sp->next = (sp->next + 1) % SPARES;
		hash_close(sp->v[i]);
	}
	gcry_md_reset(h->md);
	sp->v[i] = h;
}

gpg_error_t
weft_hash_buffer(uint8_t hash_algo, const void *p, size_t n, uint8_t *out,
		 size_t *len)
{
	weft_hash *h = NULL;
	gpg_error_t err;

	*len = 0;
	if ((err = weft_hash_new(&h, hash_algo)))
		return err;
	weft_hash_write(h, p, n);
	weft_hash_final(h, out, len);
	weft_hash_free(h);
	return 0;
}

gpg_error_t
weft_crypto__hash_key(weft_hash *h, const weft_pkt_key *k)
{
	uint8_t hdr[5];

	switch (k->version) {
	case 2: case 3: case 4:
		if (k->pub_len > 0xffff)
			return WEFT_ERR(GPG_ERR_TOO_LARGE);
		hdr[0] = 0x99;
		hdr[1] = (uint8_t)(k->pub_len >> 8);
		hdr[2] = (uint8_t)k->pub_len;
		weft_hash_write(h, hdr, 3);
		break;
	case 6:
		if (k->pub_len > 0xffffffffu)
			return WEFT_ERR(GPG_ERR_TOO_LARGE);
		hdr[0] = 0x9b;
		hdr[1] = (uint8_t)(k->pub_len >> 24);
		hdr[2] = (uint8_t)(k->pub_len >> 16);
		hdr[3] = (uint8_t)(k->pub_len >> 8);
		hdr[4] = (uint8_t)k->pub_len;
		weft_hash_write(h, hdr, 5);
		break;
	default:
		return WEFT_ERR(GPG_ERR_UNKNOWN_VERSION);
	}
	weft_hash_write(h, k->pub, k->pub_len);
	return 0;
}
