/* bridge.c - the X.509 bridge's records in the keyring, and what they
 * imply for the web of trust.
 *
 * Records (db x509, key: SHA-256 of the DER), big endian:
 *   "WX", format 1, kind (1 certificate, 2 CRL), flags (1: a root you
 *   trust);
 *   [root] your key's fingerprint (length octet, octets), the trust
 *          signature's time (u32), depth, amount, the number of domains
 *          and each (length octet, octets);
 *   the issuer links: count (u16), each the SHA-256 of a certificate
 *   whose key verified this one's signature (so that it is checked
 *   once);
 *   when it was imported (u32); the DER (u32 length, octets).
 *
 * What the records imply is recomputed from all of them after every
 * change (there are few: a system bundle is 150 roots) and written where
 * the rest of weft reads it:
 *   tsupp/tnodes  per derived key, a summary supplement
 *                 (store.h): its user IDs with bindings asserted by the
 *                 bridge; the certifications that the X.509 issuances
 *                 and your trust in roots stand for; CRL revocations;
 *   x509idx       derived keys by key ID, keygrip, address and user ID,
 *                 and the certificates of each;
 *   x509keys      the derived key packets.
 * Every synthetic record carries WEFT_TSF2_X509 and SHA-256 as its hash
 * (what the policy needs to see; nothing was hashed).
 */
#include "x509.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <ksba.h>

#include "../cert/summary.h"
#include "../store/store.h"
#include "../util/mem.h"

#define REC_MAGIC0 'W'
#define REC_MAGIC1 'X'
#define REC_FORMAT 1
#define REC_CERT 1
#define REC_CRL 2
#define REC_ROOT 1

/* ---- records ------------------------------------------------------------------ */

/* The record of node I of S (issuer links as resolved). */
static gpg_error_t
record_of(const weft_x509_set *s, size_t i, weft_buf *out)
{
	const weft_x509_node *nd = &s->nodes[i];
	const weft_x509_cert *c = nd->cert;
	size_t k;
	gpg_error_t err;

	weft_buf_put_u8(out, REC_MAGIC0);
	weft_buf_put_u8(out, REC_MAGIC1);
	weft_buf_put_u8(out, REC_FORMAT);
	weft_buf_put_u8(out, REC_CERT);
	weft_buf_put_u8(out, nd->root ? REC_ROOT : 0);
	if (nd->root) {
		weft_buf_put_u8(out, nd->trust.by_len);
		weft_buf_put(out, nd->trust.by, nd->trust.by_len);
		weft_buf_put_u32(out, nd->trust.created);
		weft_buf_put_u8(out, nd->trust.depth);
		weft_buf_put_u8(out, nd->trust.amount);
		weft_buf_put_u8(out, (uint8_t)nd->trust.ndomains);
		for (k = 0; k < nd->trust.ndomains; k++) {
			size_t n = strlen(nd->trust.domains[k]);

			if (n > 255)
				return WEFT_ERR(GPG_ERR_TOO_LARGE);
			weft_buf_put_u8(out, (uint8_t)n);
			weft_buf_put(out, nd->trust.domains[k], n);
		}
	}
	weft_buf_put_u16(out, (uint16_t)nd->nissuers);
	for (k = 0; k < nd->nissuers; k++)
		weft_buf_put(out, s->nodes[nd->issuers[k]].cert->sha256, 32);
	weft_buf_put_u32(out, nd->imported);
	weft_buf_put_u32(out, (uint32_t)c->der_len);
	weft_buf_put(out, c->der, c->der_len);
	if ((err = weft_buf_error(out)))
		return err;
	return 0;
}

static gpg_error_t
crl_record(const weft_x509_crl *crl, const uint8_t *der, size_t len,
	   weft_buf *out)
{
	weft_buf_put_u8(out, REC_MAGIC0);
	weft_buf_put_u8(out, REC_MAGIC1);
	weft_buf_put_u8(out, REC_FORMAT);
	weft_buf_put_u8(out, REC_CRL);
	weft_buf_put_u8(out, 0);
	weft_buf_put_u16(out, 0);
	weft_buf_put_u32(out, crl->imported);
	weft_buf_put_u32(out, (uint32_t)len);
	weft_buf_put(out, der, len);
	return weft_buf_error(out);
}

typedef struct xrec {
	uint8_t kind;
	uint8_t flags;
	weft_x509_trust trust;
	const uint8_t *links;    /* 32 octets each */
	uint16_t nlinks;
	uint32_t imported;
	const uint8_t *der;
	uint32_t der_len;
} xrec;

static gpg_error_t
decode(const uint8_t *p, size_t len, xrec *r)
{
	weft_reader rd;
	uint8_t m0, m1, fmt, b, nd;
	size_t i;

	memset(r, 0, sizeof *r);
	weft_reader_init(&rd, p, len);
	if (weft_reader_u8(&rd, &m0) || weft_reader_u8(&rd, &m1) ||
	    weft_reader_u8(&rd, &fmt) || m0 != REC_MAGIC0 ||
	    m1 != REC_MAGIC1 || fmt != REC_FORMAT ||
	    weft_reader_u8(&rd, &r->kind) || weft_reader_u8(&rd, &r->flags) ||
	    (r->kind != REC_CERT && r->kind != REC_CRL))
		return WEFT_ERR(GPG_ERR_INV_DATA);
	if (r->flags & REC_ROOT) {
		if (weft_reader_u8(&rd, &b) || b > WEFT_FPR_MAX ||
		    weft_reader_copy(&rd, r->trust.by, b) ||
		    weft_reader_u32(&rd, &r->trust.created) ||
		    weft_reader_u8(&rd, &r->trust.depth) ||
		    weft_reader_u8(&rd, &r->trust.amount) ||
		    weft_reader_u8(&rd, &nd) || nd > WEFT_X509_MAX_SUBTREES)
			return WEFT_ERR(GPG_ERR_INV_DATA);
		r->trust.by_len = b;
		for (i = 0; i < nd; i++) {
			const uint8_t *d;

			if (weft_reader_u8(&rd, &b) ||
			    weft_reader_bytes_direct(&rd, b, &d))
				goto damaged;
			if (!(r->trust.domains[i] = weft_memdupz(d, b)))
				goto damaged;
			r->trust.ndomains++;
		}
	}
	if (weft_reader_u16(&rd, &r->nlinks) ||
	    weft_reader_bytes_direct(&rd, (size_t)r->nlinks * 32, &r->links) ||
	    weft_reader_u32(&rd, &r->imported) ||
	    weft_reader_u32(&rd, &r->der_len) ||
	    weft_reader_bytes_direct(&rd, r->der_len, &r->der) ||
	    !weft_reader_eof(&rd))
		goto damaged;
	return 0;
damaged:
	for (i = 0; i < r->trust.ndomains; i++)
		free(r->trust.domains[i]);
	memset(r, 0, sizeof *r);
	return WEFT_ERR(GPG_ERR_INV_DATA);
}

typedef struct load_ctx {
	weft_x509_set *s;
	weft_diag *d;
	void (*problem)(void *, const char *);
	void *opaque;
	uint64_t *problems;
} load_ctx;

static gpg_error_t
bad_record(load_ctx *lc, const uint8_t *key, size_t klen, const char *why)
{
	char hex[70], line[300];

	weft_hex(key, klen > 32 ? 32 : klen, hex);
	snprintf(line, sizeof line, "x509 record %s: %s", hex, why);
	if (!lc->problem)
		return weft_diag_set(lc->d, WEFT_ERR(GPG_ERR_INV_DATA), "%s",
				     line);
	lc->problem(lc->opaque, line);
	if (lc->problems)
		(*lc->problems)++;
	return 0;
}

static gpg_error_t
load_one(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	 size_t vlen)
{
	load_ctx *lc = opaque;
	xrec r;
	weft_diag d = { { 0 } };
	weft_x509_cert *c = NULL;
	weft_x509_crl *crl = NULL;
	weft_x509_node *nd;
	size_t idx, i;
	gpg_error_t err;

	if (decode(val, vlen, &r))
		return bad_record(lc, key, klen, "damaged record");
	if (r.kind == REC_CRL) {
		if ((err = weft_x509_crl_parse(&crl, r.der, r.der_len, &d)))
			return bad_record(lc, key, klen, d.msg[0] ? d.msg
					  : "the CRL does not parse");
		if (klen != 32 || memcmp(crl->sha256, key, 32)) {
			weft_x509_crl_free(crl);
			return bad_record(lc, key, klen,
					  "stored under another SHA-256");
		}
		crl->imported = r.imported;
		return weft_x509_set_add_crl(lc->s, crl, true);
	}
	err = weft_x509_cert_parse(&c, r.der, r.der_len, &d);
	if (err || klen != 32 || memcmp(c->sha256, key, 32)) {
		weft_x509_cert_free(c);
		for (i = 0; i < r.trust.ndomains; i++)
			free(r.trust.domains[i]);
		if (err && gpg_err_code(err) == GPG_ERR_ENOMEM)
			return err;
		return bad_record(lc, key, klen, err ? (d.msg[0] ? d.msg :
			"the certificate does not parse")
			: "stored under another SHA-256");
	}
	if ((err = weft_x509_set_add(lc->s, c, &idx))) {
		for (i = 0; i < r.trust.ndomains; i++)
			free(r.trust.domains[i]);
		return err;
	}
	nd = &lc->s->nodes[idx];
	nd->stored = true;
	nd->imported = r.imported;
	nd->root = (r.flags & REC_ROOT) != 0;
	nd->trust = r.trust;
	if (r.nlinks) {
		if (!(nd->known = malloc((size_t)r.nlinks * 32)))
			return WEFT_ERR(GPG_ERR_ENOMEM);
		memcpy(nd->known, r.links, (size_t)r.nlinks * 32);
		nd->nknown = r.nlinks;
	}
	return 0;
}

gpg_error_t
weft_x509__load(weft_txn *txn, weft_x509_set *s, weft_diag *d,
		void (*problem)(void *, const char *), void *opaque,
		uint64_t *problems)
{
	load_ctx lc;

	lc.s = s;
	lc.d = d;
	lc.problem = problem;
	lc.opaque = opaque;
	lc.problems = problems;
	return weft_store_each(txn, WEFT_DB_X509, NULL, 0, load_one, &lc);
}

/* ---- user IDs ---------------------------------------------------------------------- */

gpg_error_t
weft_x509_domain_regex(const char *domain, weft_buf *out)
{
	const char *p;
	bool mailbox = strchr(domain, '@') != NULL;

	/* a domain as gpg's tsign writes it; a mailbox (an rfc822Name
	 * constraint naming one) exactly */
	weft_buf_put_str(out, mailbox ? "<" : "<[^>]+[@.]");
	for (p = domain; *p; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9')))
			weft_buf_put_u8(out, '\\');
		weft_buf_put_u8(out, (uint8_t)*p);
	}
	return weft_buf_put_str(out, ">$");
}

/* A name fit for a user ID: no angle brackets, no control characters
 * (der.c gave valid UTF-8 or libksba's RFC 2253 string). */
static void
clean_name(const char *in, char *out, size_t outlen)
{
	size_t o = 0;

	for (; *in && o + 1 < outlen; in++) {
		unsigned char ch = (unsigned char)*in;

		if (ch < 0x20 || ch == 0x7f || ch == '<' || ch == '>')
			continue;
		out[o++] = (char)ch;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
	if (!o)
		snprintf(out, outlen, "X.509 certificate");
}

/* The scope of node I for a CA's synthetic address: its own permitted
 * rfc822Name domain, else its issuers', else the root's trust domain. */
static const char *
scope_domain(const weft_x509_set *s, size_t i, char *buf, size_t buflen)
{
	size_t hop, k;
	char **d;
	size_t nd;

	for (hop = 0; hop < 16 && i != (size_t)-1; hop++) {
		const weft_x509_node *n = &s->nodes[i];

		if (n->cert->nc && !weft_x509__nc_domains(n->cert->nc, &d, &nd)
		    && nd) {
			const char *hit = NULL;

			for (k = 0; k < nd; k++)
				if (!hit && !strchr(d[k], '@')) {
					snprintf(buf, buflen, "%s", d[k]);
					hit = buf;
				}
			for (k = 0; k < nd; k++)
				free(d[k]);
			free(d);
			if (hit)
				return hit;
		}
		if (n->root_ok) {
			for (k = 0; k < n->trust.ndomains; k++)
				if (!strchr(n->trust.domains[k], '@')) {
					snprintf(buf, buflen, "%s",
						 n->trust.domains[k]);
					return buf;
				}
			return NULL;
		}
		i = n->nin ? s->edges[n->in[0]].issuer : (size_t)-1;
	}
	return NULL;
}

/* Leaves: "CN <email>" per address (just "CN" without one).  CAs: the
 * same for their own addresses; without any, "CN <x509-ca+HASH@DOMAIN>"
 * when a domain scopes it (GnuPG's trust model checks a trust
 * signature's regex against the introducer's user ID too), else "CN". */
gpg_error_t
weft_x509__uids(const weft_x509_set *s, size_t i, char ***uids, size_t *n)
{
	const weft_x509_cert *c = s->nodes[i].cert;
	char name[256], dom[300], line[700];
	char **v;
	size_t k, cnt = 0;
	const char *d;

	*uids = NULL;
	*n = 0;
	clean_name(c->cn, name, sizeof name);
	if (!(v = calloc(c->nemails + 1, sizeof *v)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	for (k = 0; k < c->nemails; k++) {
		snprintf(line, sizeof line, "%s <%s>", name, c->emails[k]);
		if (!(v[cnt] = strdup(line)))
			goto nomem;
		cnt++;
	}
	if (!cnt) {
		if (c->is_ca && (d = scope_domain(s, i, dom, sizeof dom)))
			snprintf(line, sizeof line,
				 "%s <x509-ca+%02x%02x%02x%02x@%s>", name,
				 c->sha256[0], c->sha256[1], c->sha256[2],
				 c->sha256[3], d);
		else
			snprintf(line, sizeof line, "%s", name);
		if (!(v[cnt] = strdup(line)))
			goto nomem;
		cnt++;
	}
	*uids = v;
	*n = cnt;
	return 0;
nomem:
	while (cnt)
		free(v[--cnt]);
	free(v);
	return WEFT_ERR(GPG_ERR_ENOMEM);
}

static void
free_strs(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

/* ---- supplements --------------------------------------------------------------------- */

typedef struct sbuild {
	weft_tuid *uids;
	size_t nuids, ucap;
	char **uid_store;        /* owned copies behind uids[] */
	weft_tbytes *issuers;
	size_t nissuers, icap;
	weft_tbytes *regexes;
	size_t nregexes, rcap;
	weft_buf rxbuf;          /* regex octets; offsets until the end */
	size_t *rxoff;
	weft_tsig *sigs;
	size_t nsigs, scap;
	uint32_t binding_expires[256];
} sbuild;

static gpg_error_t
sb_uid(sbuild *b, const char *uid, uint16_t *idx)
{
	size_t k, n = strlen(uid), cap;
	gpg_error_t err;

	for (k = 0; k < b->nuids; k++)
		if (b->uids[k].len == n && !memcmp(b->uids[k].data, uid, n)) {
			*idx = (uint16_t)k;
			return 0;
		}
	if (b->nuids >= 0x7fff)
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	cap = b->ucap;
	if ((err = weft_grow((void **)&b->uids, &b->ucap, b->nuids + 1,
			     sizeof *b->uids)) ||
	    (err = weft_grow((void **)&b->uid_store, &cap, b->nuids + 1,
			     sizeof *b->uid_store)))
		return err;
	if (!(b->uid_store[b->nuids] = strdup(uid)))
		return WEFT_ERR(GPG_ERR_ENOMEM);
	memset(&b->uids[b->nuids], 0, sizeof b->uids[b->nuids]);
	b->uids[b->nuids].data = (const uint8_t *)b->uid_store[b->nuids];
	b->uids[b->nuids].len = (uint32_t)n;
	b->uids[b->nuids].tag = WEFT_PKT_USER_ID;
	b->uids[b->nuids].sec = (uint8_t)weft_uid_hash_security(
		(const uint8_t *)uid, n, WEFT_PKT_USER_ID);
	*idx = (uint16_t)b->nuids++;
	return 0;
}

static gpg_error_t
sb_issuer(sbuild *b, const uint8_t *fpr, size_t len, uint16_t *idx)
{
	size_t k;
	gpg_error_t err;

	for (k = 0; k < b->nissuers; k++)
		if (b->issuers[k].len == len &&
		    !memcmp(b->issuers[k].data, fpr, len)) {
			*idx = (uint16_t)(k + 1);
			return 0;
		}
	if ((err = weft_grow((void **)&b->issuers, &b->icap, b->nissuers + 1,
			     sizeof *b->issuers)))
		return err;
	b->issuers[b->nissuers].data = fpr;     /* lives in the set */
	b->issuers[b->nissuers].len = (uint32_t)len;
	*idx = (uint16_t)++b->nissuers;
	return 0;
}

static gpg_error_t
sb_sig(sbuild *b, weft_tsig **out)
{
	gpg_error_t err = weft_grow((void **)&b->sigs, &b->scap, b->nsigs + 1,
				    sizeof *b->sigs);

	*out = NULL;
	if (err)
		return err;
	*out = &b->sigs[b->nsigs++];
	memset(*out, 0, sizeof **out);
	(*out)->hash = WEFT_HASH_SHA256;
	(*out)->flags2 = WEFT_TSF2_X509;
	return 0;
}

/* Trust parameters (depth, amount, domains as regexes) on T. */
static gpg_error_t
sb_trust(sbuild *b, weft_tsig *t, uint8_t depth, uint8_t amount,
	 char *const *domains, size_t ndomains)
{
	size_t k, cap;
	gpg_error_t err;

	t->flags |= WEFT_TSF_TRUST;
	t->depth = depth;
	t->amount = amount;
	t->regex = (uint16_t)b->nregexes;
	for (k = 0; k < ndomains && k < 255; k++) {
		size_t start = b->rxbuf.len;

		if ((err = weft_x509_domain_regex(domains[k], &b->rxbuf)))
			return err;
		cap = b->rcap;
		if ((err = weft_grow((void **)&b->regexes, &b->rcap,
				     b->nregexes + 1, sizeof *b->regexes)) ||
		    (err = weft_grow((void **)&b->rxoff, &cap, b->nregexes + 1,
				     sizeof *b->rxoff)))
			return err;
		b->rxoff[b->nregexes] = start;
		b->regexes[b->nregexes].len = (uint32_t)(b->rxbuf.len - start);
		b->nregexes++;
		t->nregex++;
	}
	return 0;
}

static void
sb_free(sbuild *b)
{
	free_strs(b->uid_store, b->nuids);
	free(b->uids);
	free(b->issuers);
	free(b->regexes);
	free(b->rxoff);
	weft_buf_free(&b->rxbuf);
	free(b->sigs);
}

static uint32_t
u32_or_never(int64_t t)
{
	return t <= 0 || t >= (int64_t)UINT32_MAX ? 0 : (uint32_t)t;
}

static uint8_t
key_flags(const weft_x509_cert *c)
{
	uint8_t f = 0;

	if (c->ku & KSBA_KEYUSAGE_KEY_CERT_SIGN)
		f |= WEFT_KF_CERTIFY;
	if (c->ku & (KSBA_KEYUSAGE_DIGITAL_SIGNATURE |
		     KSBA_KEYUSAGE_NON_REPUDIATION))
		f |= WEFT_KF_SIGN;
	if (c->ku & (KSBA_KEYUSAGE_KEY_ENCIPHERMENT |
		     KSBA_KEYUSAGE_DATA_ENCIPHERMENT |
		     KSBA_KEYUSAGE_KEY_AGREEMENT))
		f |= WEFT_KF_ENCRYPT_COMMS | WEFT_KF_ENCRYPT_STORAGE;
	return f;
}

static bool
in_group(const weft_x509_set *s, size_t i, const uint8_t fpr[20])
{
	const weft_x509_node *nd = &s->nodes[i];

	return !nd->removed && !nd->cert->key_problem &&
	       !memcmp(nd->cert->fpr, fpr, 20);
}

/* The supplement of the derived key FPR:
 *   1. the key (from its packet);
 *   2. per certificate with that key, per user ID: a binding made at
 *      notBefore with the key's expiry at notAfter and key flags from
 *      keyUsage; the first user ID is the primary one;
 *   3. a root you trust: your local trust signature on each user ID;
 *   4. each issuance into it: a certification of each user ID by the
 *      issuer's derived key (a trust signature into a CA);
 *   5. a CRL entry: those certifications end at its date, and a
 *      revocation of each is recorded then (a second after the
 *      certification at the earliest); for keyCompromise or
 *      cACompromise a hard revocation of the key. */
gpg_error_t
weft_x509__supplement(const weft_x509_set *s, const uint8_t fpr[20],
		      weft_buf *out)
{
	sbuild b;
	weft_summary sum;
	weft_pkt_key pk;
	weft_tsig *t;
	const weft_x509_node *first = NULL;
	char **uids;
	size_t i, k, u, nu, e;
	uint16_t ui, ii;
	bool primary_done = false, any = false;
	gpg_error_t err = 0;

	memset(&b, 0, sizeof b);
	weft_buf_init(&b.rxbuf);
	memset(&sum, 0, sizeof sum);
	for (i = 0; i < s->n && !err; i++) {
		const weft_x509_node *nd = &s->nodes[i];
		const weft_x509_cert *c = nd->cert;

		if (!in_group(s, i, fpr))
			continue;
		any = true;
		/* 1 */
		if (!first) {
			first = nd;
			if ((err = weft_pkt_key_parse(&pk, WEFT_PKT_PUBLIC_KEY,
					c->pkt.data + c->pkt_body_off,
					c->pkt.len - c->pkt_body_off, NULL)))
				break;
			sum.key.created = pk.created;
			sum.key.version = 4;
			sum.key.algo = pk.algo;
			sum.key.bits = (uint16_t)(pk.bits > 0xffff ? 0xffff
								   : pk.bits);
			sum.key.policy_ok_curve = !pk.curve ||
				strcmp(pk.curve->display, "secp256k1");
			sum.key.fpr_len = 20;
			memcpy(sum.key.fpr, c->fpr, 20);
		}
		if ((err = weft_x509__uids(s, i, &uids, &nu)))
			break;
		for (u = 0; u < nu && !err; u++) {
			/* 2 */
			if ((err = sb_uid(&b, uids[u], &ui)) ||
			    (err = sb_sig(&b, &t)))
				break;
			t->comp = ui;
			t->type = WEFT_SIG_POSITIVE_CERT;
			t->created = (uint32_t)c->not_before;
			t->key_expires = u32_or_never(c->not_after);
			if (c->has_ku) {
				t->flags |= WEFT_TSF_KEY_FLAGS;
				t->key_flags = key_flags(c);
			}
			if (!primary_done) {
				t->flags |= WEFT_TSF_PRIMARY_UID;
				primary_done = true;
			}
			/* 3 */
			if (nd->root_ok && nd->trust.by_len) {
				if ((err = sb_issuer(&b, nd->trust.by,
						     nd->trust.by_len, &ii)) ||
				    (err = sb_sig(&b, &t)))
					break;
				t->comp = ui;
				t->issuer = ii;
				t->type = WEFT_SIG_GENERIC_CERT;
				t->created = nd->trust.created;
				t->expires = u32_or_never(c->not_after);
				if ((err = sb_trust(&b, t, nd->trust.depth,
						    nd->trust.amount,
						    nd->trust.domains,
						    nd->trust.ndomains)))
					break;
			}
			/* 4, 5 */
			for (k = 0; k < nd->nin && !err; k++) {
				const weft_x509_edge *ed = &s->edges[nd->in[k]];
				const weft_x509_cert *ic =
					s->nodes[ed->issuer].cert;

				if (!memcmp(ic->fpr, fpr, 20))
					continue;   /* the same key: no edge */
				if ((err = sb_issuer(&b, ic->fpr, 20, &ii)) ||
				    (err = sb_sig(&b, &t)))
					break;
				t->comp = ui;
				t->issuer = ii;
				t->type = WEFT_SIG_GENERIC_CERT;
				t->created = ed->created;
				t->expires = ed->expires;
				if (nd->revoked) {
					/* in force until the revocation (a
					 * revocation made in the same second
					 * as the certification could not be
					 * "after" it) */
					uint32_t r = nd->revoked_at >
						     (int64_t)ed->created
						? u32_or_never(nd->revoked_at)
						: ed->created;

					if (!t->expires || r < t->expires)
						t->expires = r ? r : 1;
				}
				if (ed->depth &&
				    (err = sb_trust(&b, t, ed->depth, 120,
						    ed->domains,
						    ed->ndomains)))
					break;
				if (!nd->revoked)
					continue;
				e = (size_t)(t - b.sigs);
				if ((err = sb_sig(&b, &t)))
					break;
				t->comp = ui;
				t->issuer = ii;
				t->type = WEFT_SIG_CERT_REVOCATION;
				t->created = nd->revoked_at > (int64_t)b.sigs[e].created
					? u32_or_never(nd->revoked_at)
					: b.sigs[e].created + 1;
				t->flags |= WEFT_TSF_HARD;
			}
		}
		free_strs(uids, nu);
		if (!err && nd->revoked &&
		    (nd->revoked_reason & (KSBA_CRLREASON_KEY_COMPROMISE |
					   KSBA_CRLREASON_CA_COMPROMISE))) {
			if ((err = sb_sig(&b, &t)))
				break;
			t->comp = WEFT_TS_PRIMARY;
			t->type = WEFT_SIG_KEY_REVOCATION;
			t->created = u32_or_never(nd->revoked_at);
			t->flags |= WEFT_TSF_HARD;
		}
	}
	if (!err && !any)
		err = WEFT_ERR(GPG_ERR_NOT_FOUND);
	if (!err)
		err = weft_buf_error(&b.rxbuf);
	if (!err) {
		for (k = 0; k < b.nregexes; k++)
			b.regexes[k].data = b.rxbuf.data + b.rxoff[k];
		sum.uids = b.uids;
		sum.nuids = b.nuids;
		sum.issuers = b.issuers;
		sum.nissuers = b.nissuers;
		sum.regexes = b.regexes;
		sum.nregexes = b.nregexes;
		sum.sigs = b.sigs;
		sum.nsigs = b.nsigs;
		err = weft_summary_write(&sum, out);
	}
	sb_free(&b);
	return err;
}

/* ---- what the records imply ------------------------------------------------------------ */

/* An entry of x509idx or x509keys. */
typedef struct ient {
	int db;
	uint8_t key[512];
	size_t klen;
	const uint8_t *val;
	size_t vlen;
} ient;

typedef struct implied {
	ient *v;
	size_t n, cap;
	uint8_t (*fprs)[20];     /* derived keys, sorted, unique */
	size_t nfprs, fcap;
} implied;

static gpg_error_t
imp_add(implied *im, int db, uint8_t kind, const void *key, size_t klen,
	const uint8_t *val, size_t vlen)
{
	ient *e;
	gpg_error_t err;

	if (klen + 1 > sizeof e->key - 1)
		return 0;
	if ((err = weft_grow((void **)&im->v, &im->cap, im->n + 1,
			     sizeof *im->v)))
		return err;
	e = &im->v[im->n++];
	e->db = db;
	if (kind) {
		e->key[0] = kind;
		memcpy(e->key + 1, key, klen);
		e->klen = klen + 1;
	} else {
		memcpy(e->key, key, klen);
		e->klen = klen;
	}
	e->val = val;
	e->vlen = vlen;
	return 0;
}

static int
fpr_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 20);
}

static void
implied_free(implied *im)
{
	free(im->v);
	free(im->fprs);
}

/* What S implies, besides the supplements: the index entries and key
 * packets, and the list of derived keys.  Values point into S (which
 * must outlive IM); user ID keys are kept in UIDBUF. */
static gpg_error_t
implied_of(const weft_x509_set *s, implied *im, weft_buf *uidbuf)
{
	size_t i, u, nu, k, w;
	char **uids, email[256];
	uint8_t key[WEFT_UID_KEY_MAX];
	gpg_error_t err = 0;

	memset(im, 0, sizeof *im);
	/* the user ID keys first, in one buffer that does not move later */
	for (i = 0; i < s->n && !err; i++) {
		if (s->nodes[i].removed || s->nodes[i].cert->key_problem)
			continue;
		if ((err = weft_x509__uids(s, i, &uids, &nu)))
			return err;
		for (u = 0; u < nu; u++) {
			size_t n = weft_store_uid_key((const uint8_t *)uids[u],
						      strlen(uids[u]), key);

			weft_buf_put_u32(uidbuf, (uint32_t)n);
			weft_buf_put(uidbuf, key, n);
			if (weft_uid_email((const uint8_t *)uids[u],
					   strlen(uids[u]), email,
					   sizeof email)) {
				weft_buf_put_u32(uidbuf,
						 (uint32_t)strlen(email));
				weft_buf_put_str(uidbuf, email);
			} else {
				weft_buf_put_u32(uidbuf, 0);
			}
		}
		free_strs(uids, nu);
		if ((err = weft_buf_error(uidbuf)))
			return err;
	}
	{
		weft_reader r;

		weft_reader_init(&r, uidbuf->data, uidbuf->len);
		for (i = 0; i < s->n && !err; i++) {
			const weft_x509_cert *c = s->nodes[i].cert;

			if (s->nodes[i].removed || c->key_problem)
				continue;
			if ((err = weft_grow((void **)&im->fprs, &im->fcap,
					     im->nfprs + 1, sizeof *im->fprs)))
				return err;
			memcpy(im->fprs[im->nfprs++], c->fpr, 20);
			if ((err = imp_add(im, WEFT_DB_X509IDX, 'f', c->fpr, 20,
					   c->sha256, 32)) ||
			    (err = imp_add(im, WEFT_DB_X509IDX, 'k', c->keyid,
					   8, c->fpr, 20)) ||
			    (err = imp_add(im, WEFT_DB_X509IDX, 'g', c->grip,
					   20, c->fpr, 20)) ||
			    (err = imp_add(im, WEFT_DB_X509KEYS, 0, c->fpr, 20,
					   c->pkt.data, c->pkt.len)))
				return err;
			if ((err = weft_x509__uids(s, i, &uids, &nu)))
				return err;
			for (u = 0; u < nu && !err; u++) {
				uint32_t l1, l2;
				const uint8_t *p1, *p2;

				if (weft_reader_u32(&r, &l1) ||
				    weft_reader_bytes_direct(&r, l1, &p1) ||
				    weft_reader_u32(&r, &l2) ||
				    weft_reader_bytes_direct(&r, l2, &p2)) {
					err = WEFT_ERR(GPG_ERR_INTERNAL);
					break;
				}
				if (l1)
					err = imp_add(im, WEFT_DB_X509IDX, 'u',
						      p1, l1, c->fpr, 20);
				if (!err && l2)
					err = imp_add(im, WEFT_DB_X509IDX, 'e',
						      p2, l2, c->fpr, 20);
			}
			free_strs(uids, nu);
		}
	}
	if (err)
		return err;
	if (im->nfprs > 1) {
		qsort(im->fprs, im->nfprs, sizeof *im->fprs, fpr_cmp);
		for (k = 1, w = 0; k < im->nfprs; k++)
			if (memcmp(im->fprs[w], im->fprs[k], 20))
				memcpy(im->fprs[++w], im->fprs[k], 20);
		im->nfprs = w + 1;
	}
	return 0;
}

static bool
is_derived(const implied *im, const uint8_t *fpr, size_t len)
{
	return len == 20 && bsearch(fpr, im->fprs, im->nfprs, 20, fpr_cmp);
}

typedef struct keylist {
	uint8_t (*k)[512];
	size_t *len;
	size_t n, cap, lcap;
} keylist;

static gpg_error_t
collect_key(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
	    size_t vlen)
{
	keylist *l = opaque;
	size_t lcap = l->lcap;
	gpg_error_t err;

	(void)val;
	(void)vlen;
	if (klen > 511)
		return 0;
	if (l->n && l->len[l->n - 1] == klen &&
	    !memcmp(l->k[l->n - 1], key, klen))
		return 0;    /* dupsort: one entry per key */
	if ((err = weft_grow((void **)&l->k, &l->cap, l->n + 1,
			     sizeof *l->k)) ||
	    (err = weft_grow((void **)&l->len, &lcap, l->n + 1,
			     sizeof *l->len)))
		return err;
	l->lcap = lcap;
	memcpy(l->k[l->n], key, klen);
	l->len[l->n++] = klen;
	return 0;
}

static void
keylist_free(keylist *l)
{
	free(l->k);
	free(l->len);
}

/* 1. The records: new ones, and those whose links or trust changed;
 *    removed ones go.
 * 2. The supplement of every derived key (unchanged ones are not
 *    rewritten); supplements of keys no certificate has any more go.
 * 3. x509idx and x509keys: emptied and written again. */
gpg_error_t
weft_x509__store(weft_txn *txn, weft_x509_set *s)
{
	implied im;
	weft_buf rec, uidbuf;
	keylist old = { NULL, NULL, 0, 0, 0 };
	const uint8_t *cur;
	size_t i, curlen;
	gpg_error_t err = 0;

	weft_buf_init(&rec);
	weft_buf_init(&uidbuf);
	memset(&im, 0, sizeof im);
	/* 1 */
	for (i = 0; i < s->n && !err; i++) {
		weft_x509_node *nd = &s->nodes[i];

		if (nd->removed) {
			err = weft_store_del(txn, WEFT_DB_X509,
					     nd->cert->sha256, 32, NULL, 0);
			continue;
		}
		if (nd->stored && !nd->dirty && !nd->links_changed)
			continue;
		weft_buf_reset(&rec);
		if (!(err = record_of(s, i, &rec)))
			err = weft_store_put(txn, WEFT_DB_X509,
					     nd->cert->sha256, 32, rec.data,
					     rec.len);
	}
	for (i = 0; i < s->ncrls && !err; i++) {
		weft_x509_crl *crl = s->crls[i];

		if (s->crl_stored[i])
			continue;
		weft_buf_reset(&rec);
		if (!(err = crl_record(crl, crl->der, crl->der_len, &rec)))
			err = weft_store_put(txn, WEFT_DB_X509, crl->sha256, 32,
					     rec.data, rec.len);
	}
	if (err)
		goto leave;
	/* 2 */
	if ((err = implied_of(s, &im, &uidbuf)))
		goto leave;
	for (i = 0; i < im.nfprs && !err; i++) {
		weft_buf_reset(&rec);
		if ((err = weft_x509__supplement(s, im.fprs[i], &rec)))
			break;
		if (!weft_store_get(txn, WEFT_DB_TSUPP, im.fprs[i], 20, &cur,
				    &curlen) &&
		    curlen == rec.len && !memcmp(cur, rec.data, rec.len))
			continue;
		err = weft_store_supplement_put(txn, im.fprs[i], 20, rec.data,
						rec.len);
	}
	if (err || (err = weft_store_each(txn, WEFT_DB_TSUPP, NULL, 0,
					  collect_key, &old)))
		goto leave;
	for (i = 0; i < old.n && !err; i++)
		if (!is_derived(&im, old.k[i], old.len[i]))
			err = weft_store_supplement_del(txn, old.k[i],
							old.len[i]);
	if (err)
		goto leave;
	/* 3 */
	keylist_free(&old);
	memset(&old, 0, sizeof old);
	if ((err = weft_store_each(txn, WEFT_DB_X509IDX, NULL, 0, collect_key,
				   &old)))
		goto leave;
	for (i = 0; i < old.n && !err; i++)
		err = weft_store_del(txn, WEFT_DB_X509IDX, old.k[i], old.len[i],
				     NULL, 0);
	keylist_free(&old);
	memset(&old, 0, sizeof old);
	if (err || (err = weft_store_each(txn, WEFT_DB_X509KEYS, NULL, 0,
					  collect_key, &old)))
		goto leave;
	for (i = 0; i < old.n && !err; i++)
		if (!is_derived(&im, old.k[i], old.len[i]))
			err = weft_store_del(txn, WEFT_DB_X509KEYS, old.k[i],
					     old.len[i], NULL, 0);
	for (i = 0; i < im.n && !err; i++)
		err = weft_store_put(txn, im.v[i].db, im.v[i].key,
				     im.v[i].klen, im.v[i].val, im.v[i].vlen);
leave:
	keylist_free(&old);
	implied_free(&im);
	weft_buf_free(&rec);
	weft_buf_free(&uidbuf);
	return err;
}

/* ---- fsck --------------------------------------------------------------------------------- */

typedef struct chk {
	void (*problem)(void *, const char *);
	void *opaque;
	uint64_t *problems;
	const implied *im;
	int db;
} chk;

static void
report(chk *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
report(chk *c, const char *fmt, ...)
{
	char line[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	(*c->problems)++;
	if (c->problem)
		c->problem(c->opaque, line);
}

static gpg_error_t
stray(void *opaque, const uint8_t *key, size_t klen, const uint8_t *val,
      size_t vlen)
{
	chk *c = opaque;
	char hex[130];
	size_t i;

	for (i = 0; i < c->im->n; i++) {
		const ient *e = &c->im->v[i];

		if (e->db == c->db && e->klen == klen &&
		    !memcmp(e->key, key, klen) && e->vlen == vlen &&
		    !memcmp(e->val, val, vlen))
			return 0;
	}
	weft_hex(key, klen < 60 ? klen : 60, hex);
	report(c, "index %s has a stray entry %s (no X.509 record implies it)",
	       weft_store_db_name(c->db), hex);
	return 0;
}

static gpg_error_t
stray_supplement(void *opaque, const uint8_t *key, size_t klen,
		 const uint8_t *val, size_t vlen)
{
	chk *c = opaque;
	char hex[130];

	(void)val;
	(void)vlen;
	if (is_derived(c->im, key, klen))
		return 0;
	weft_hex(key, klen < 60 ? klen : 60, hex);
	report(c, "supplement %s: no X.509 certificate has that key", hex);
	return 0;
}

gpg_error_t
weft_x509__check(weft_txn *txn, weft_x509_set *s,
		 void (*problem)(void *, const char *), void *opaque,
		 uint64_t *problems)
{
	implied im;
	weft_buf rec, uidbuf;
	const uint8_t *cur;
	size_t i, curlen;
	char hex[130];
	chk c;
	gpg_error_t err;

	weft_buf_init(&rec);
	weft_buf_init(&uidbuf);
	memset(&c, 0, sizeof c);
	c.problem = problem;
	c.opaque = opaque;
	c.problems = problems;
	c.im = &im;
	if ((err = implied_of(s, &im, &uidbuf)))
		goto leave;
	for (i = 0; i < im.nfprs && !err; i++) {
		weft_hex(im.fprs[i], 20, hex);
		weft_buf_reset(&rec);
		if ((err = weft_x509__supplement(s, im.fprs[i], &rec)))
			break;
		if (weft_store_get(txn, WEFT_DB_TSUPP, im.fprs[i], 20, &cur,
				   &curlen))
			report(&c, "derived key %s has no supplement (tsupp)",
			       hex);
		else if (curlen != rec.len || memcmp(cur, rec.data, rec.len))
			report(&c, "the supplement of derived key %s is not what its X.509 records imply",
			       hex);
	}
	for (i = 0; i < im.n && !err; i++) {
		const ient *e = &im.v[i];

		if (weft_store_has(txn, e->db, e->key, e->klen, e->val,
				   e->vlen)) {
			weft_hex(e->key, e->klen < 60 ? e->klen : 60, hex);
			report(&c, "index %s lacks the entry %s",
			       weft_store_db_name(e->db), hex);
		}
	}
	if (err)
		goto leave;
	c.db = WEFT_DB_X509IDX;
	if ((err = weft_store_each(txn, WEFT_DB_X509IDX, NULL, 0, stray, &c)))
		goto leave;
	c.db = WEFT_DB_X509KEYS;
	if ((err = weft_store_each(txn, WEFT_DB_X509KEYS, NULL, 0, stray, &c)))
		goto leave;
	err = weft_store_each(txn, WEFT_DB_TSUPP, NULL, 0, stray_supplement,
			      &c);
leave:
	implied_free(&im);
	weft_buf_free(&rec);
	weft_buf_free(&uidbuf);
	return err;
}
