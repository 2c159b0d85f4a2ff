/* tests/unit/trust/gnupg-rules.c - GnuPG's trust model (trust/gnupg.c),
 * rule by rule: one small keyring each, built as certificate summaries in
 * memory (a fake weft_tsource): which certification counts (latest per
 * signer, no fall-back, non-revocable, ties, future, MD5, the SHA-1
 * cut-off), certification levels against min-cert-level, counting
 * (ultimate = completes-needed, counts carried across depths,
 * max-cert-depth), ownertrust (never, unknown, disabled), trust
 * signatures (depth, value, regex, newest wins), key and user ID states
 * and the letters, bad parameters.
 *
 * gnupg-web.c checks the same model against what gpg itself printed for
 * a web of keys; this half needs no fixtures.
 */
#include "gnupg-common.h"

#define T0 1600000000u           /* keys are made here */
#define NOW 1700000000u          /* and evaluated here */
#define SHA1_CUTOFF 1547856000u

/* ---- a keyring of summaries built by hand ------------------------------------- */

#define MAXK 24
#define MAXU 4
#define MAXS 48
#define PRIMARY (-1)
#define SELF (-1)

/* Options of one signature; zeros are the usual values. */
typedef struct sopt {
	uint8_t type;            /* 0: 0x10 third-party, 0x13 self */
	uint32_t expires;        /* absolute */
	uint32_t key_expires;    /* absolute */
	uint8_t hash;            /* 0: SHA-256 */
	uint8_t depth, amount;   /* a trust signature when amount or depth */
	const char *regex;
	bool nonrev;
} sopt;

typedef struct ssig {
	int uid;                 /* index or PRIMARY */
	int issuer;              /* key index or SELF */
	uint32_t created;
	sopt o;
} ssig;

typedef struct skey {
	uint8_t fpr[20];
	const char *uids[MAXU];
	size_t nuids;
	ssig sigs[MAXS];
	size_t nsigs;
	/* The summary and what it points to. */
	weft_summary s;
	weft_tuid tuids[MAXU];
	weft_tbytes issuers[MAXK];
	weft_tbytes regexes[MAXS];
	weft_tsig tsigs[MAXS];
	weft_sigrec recs[MAXS];
	const weft_sigrec *recp[MAXS];
} skey;

static skey K[MAXK];
static size_t NK;
static weft_gnupg_owner OWN[MAXK];
static size_t NOWN;
static weft_troot ULTS[MAXK];
static size_t NULTS;
static weft_gnupg *G;

static void
w_reset(void)
{
	weft_gnupg_free(G);
	G = NULL;
	memset(K, 0, sizeof K);
	NK = NOWN = NULTS = 0;
}

/* A key with one user ID "NAME <NAME@example.org>", self-signed at T0. */
static int
w_key(const char *name)
{
	skey *k = &K[NK];
	static char names[MAXK][MAXU][64];

	memset(k->fpr, 0xA0 + (int)NK, sizeof k->fpr);
	k->fpr[19] = (uint8_t)NK;
	snprintf(names[NK][0], sizeof names[NK][0], "%s <%s@example.org>",
		 name, name);
	k->uids[0] = names[NK][0];
	k->nuids = 1;
	k->sigs[0] = (ssig){ .uid = 0, .issuer = SELF, .created = T0 };
	k->nsigs = 1;
	return (int)NK++;
}

/* Another user ID, self-signed at T0; returns its index. */
static int
w_uid(int key, const char *uid)
{
	skey *k = &K[key];

	k->uids[k->nuids] = uid;
	k->sigs[k->nsigs++] = (ssig){ .uid = (int)k->nuids, .issuer = SELF,
				      .created = T0 };
	return (int)k->nuids++;
}

#define SIG(target, uid, issuer, created, ...) \
	w_sig((target), (uid), (issuer), (created), (sopt){ __VA_ARGS__ })

static void
w_sig(int target, int uid, int issuer, uint32_t created, sopt o)
{
	skey *k = &K[target];

	k->sigs[k->nsigs++] = (ssig){ .uid = uid, .issuer = issuer,
				      .created = created, .o = o };
}

static void
w_owner(int key, uint8_t value)
{
	memcpy(OWN[NOWN].fpr, K[key].fpr, 20);
	OWN[NOWN].fpr_len = 20;
	OWN[NOWN++].value = value;
}

static void
w_ultimate(int key)
{
	memcpy(ULTS[NULTS].fpr, K[key].fpr, 20);
	ULTS[NULTS].fpr_len = 20;
	ULTS[NULTS++].amount = 120;
}

static int
tsig_cmp(const void *a, const void *b)
{
	const weft_tsig *x = a, *y = b;

	if (x->comp != y->comp)
		return x->comp < y->comp ? -1 : 1;
	if (x->issuer != y->issuer)
		return x->issuer < y->issuer ? -1 : 1;
	if (x->created != y->created)
		return x->created > y->created ? -1 : 1;
	return 0;
}

/* Summarise key I as summary.c would: issuers, regexes, signatures
 * sorted by component, issuer, newest first. */
static void
build(int i)
{
	skey *k = &K[i];
	weft_summary *s = &k->s;
	size_t j, n;
	int map[MAXK];

	memset(s, 0, sizeof *s);
	memcpy(s->key.fpr, k->fpr, 20);
	s->key.fpr_len = 20;
	s->key.created = T0;
	s->key.version = 4;
	for (j = 0; j < k->nuids; j++) {
		k->tuids[j].data = (const uint8_t *)k->uids[j];
		k->tuids[j].len = (uint32_t)strlen(k->uids[j]);
		k->tuids[j].tag = WEFT_PKT_USER_ID;
	}
	for (j = 0; j < MAXK; j++)
		map[j] = 0;
	for (j = 0, n = 0; j < k->nsigs; j++) {
		int is = k->sigs[j].issuer;

		if (is != SELF && !map[is]) {
			k->issuers[n].data = K[is].fpr;
			k->issuers[n].len = 20;
			map[is] = (int)++n;
		}
	}
	s->nissuers = n;
	for (j = 0, n = 0; j < k->nsigs; j++) {
		const ssig *g = &k->sigs[j];
		weft_tsig *t = &k->tsigs[j];
		bool self = g->issuer == SELF;

		memset(t, 0, sizeof *t);
		t->created = g->created;
		t->expires = g->o.expires;
		t->key_expires = g->o.key_expires;
		t->comp = g->uid == PRIMARY ? WEFT_TS_PRIMARY : (uint16_t)g->uid;
		t->issuer = self ? 0 : (uint16_t)map[g->issuer];
		t->type = g->o.type ? g->o.type
			: self ? WEFT_SIG_POSITIVE_CERT : WEFT_SIG_GENERIC_CERT;
		t->hash = g->o.hash ? g->o.hash : WEFT_HASH_SHA256;
		t->flags = WEFT_TSF_EXPORTABLE;
		if (g->o.nonrev)
			t->flags2 = WEFT_TSF2_NONREVOCABLE;
		if (g->o.depth || g->o.amount) {
			t->flags |= WEFT_TSF_TRUST;
			t->depth = g->o.depth;
			t->amount = g->o.amount;
			if (g->o.regex) {
				k->regexes[n].data =
					(const uint8_t *)g->o.regex;
				k->regexes[n].len =
					(uint32_t)strlen(g->o.regex);
				t->regex = (uint16_t)n++;
				t->nregex = 1;
			}
		}
	}
	/* The records travel with the signatures (non-revocable flag). */
	for (j = 0; j < k->nsigs; j++) {
		memset(&k->recs[j], 0, sizeof k->recs[j]);
		k->recs[j].sig.revocable = !k->sigs[j].o.nonrev;
		/* Stash the record's index in a spare field while sorting. */
		k->tsigs[j].key_flags = (uint8_t)j;
	}
	qsort(k->tsigs, k->nsigs, sizeof *k->tsigs, tsig_cmp);
	for (j = 0; j < k->nsigs; j++) {
		k->recp[j] = &k->recs[k->tsigs[j].key_flags];
		k->tsigs[j].key_flags = 0;
	}
	s->uids = k->tuids;
	s->nuids = k->nuids;
	s->issuers = k->issuers;
	s->regexes = k->regexes;
	s->nregexes = n;
	s->sigs = k->tsigs;
	s->nsigs = k->nsigs;
	s->recs = k->recp;
}

static gpg_error_t
fake_get(void *opaque, const uint8_t *fpr, size_t len,
	 const weft_summary **out)
{
	size_t i;

	(void)opaque;
	for (i = 0; i < NK; i++)
		if (len == 20 && !memcmp(K[i].fpr, fpr, 20)) {
			*out = &K[i].s;
			return 0;
		}
	return WEFT_ERR(GPG_ERR_NOT_FOUND);
}

static gpg_error_t
w_run_at(uint32_t t, int marginals, int completes, int depth, int level)
{
	weft_tsource src = { NULL, fake_get, NULL, NULL };
	weft_troot all[MAXK];
	weft_gnupg_params p = { marginals, completes, depth, level };
	size_t i;

	weft_gnupg_free(G);
	G = NULL;
	for (i = 0; i < NK; i++) {
		build((int)i);
		memcpy(all[i].fpr, K[i].fpr, 20);
		all[i].fpr_len = 20;
		all[i].amount = 0;
	}
	return weft_gnupg_run(&G, &src, t, all, NK, ULTS, NULTS, OWN, NOWN,
			      &p);
}

static void
w_run(void)
{
	T_OK(w_run_at(NOW, 0, 0, 0, 0));
}

static int
uid_validity(int key, int uid)
{
	const char *u = K[key].uids[uid];

	return (int)weft_gnupg_uid_validity(G, K[key].fpr, 20,
					    (const uint8_t *)u, strlen(u));
}

static int
key_validity(int key)
{
	return (int)weft_gnupg_key_validity(G, K[key].fpr, 20);
}

#define UIDV(key, uid, want) T_EQ_INT(uid_validity((key), (uid)), (want))
#define KEYV(key, want) T_EQ_INT(key_validity(key), (want))

/* ---- the rules ------------------------------------------------------------------- */

/* An ultimate key certifies a key: full; nobody certifies another:
 * unknown; the ultimate key's own user IDs: ultimate. */
static void
basic(void)
{
	int u, a, z;

	w_reset();
	u = w_key("u");
	a = w_key("a");
	z = w_key("z");
	SIG(a, 0, u, T0 + DAY);
	w_owner(u, 6);
	w_run();
	KEYV(u, ULT);
	UIDV(u, 0, ULT);
	KEYV(a, FUL);
	UIDV(a, 0, FUL);
	KEYV(z, UNK);
	UIDV(z, 0, UNK);
	/* Unknown keys and user IDs. */
	T_EQ_INT(weft_gnupg_uid_validity(G, K[a].fpr, 20,
					 (const uint8_t *)"x", 1), UNK);
	T_EQ_INT(weft_gnupg_key_validity(G, (const uint8_t *)"nope", 4), UNK);
	T_EQ_INT(weft_gnupg_key_validity(NULL, K[a].fpr, 20), UNK);
}

/* Without ultimately trusted keys nothing is valid; ULTIMATE roots count
 * like ultimate ownertrust (gpg's --trusted-key). */
static void
ultimate_sources(void)
{
	int u, a;

	w_reset();
	u = w_key("u");
	a = w_key("a");
	SIG(a, 0, u, T0 + DAY);
	w_run();
	KEYV(u, UNK);
	KEYV(a, UNK);
	w_ultimate(u);
	w_run();
	KEYV(u, ULT);
	KEYV(a, FUL);
}

/* The latest certification per signer counts, with no fall-back. */
static void
latest_per_signer(void)
{
	int u, ex, rv, rv2, nr, nrx, tie, fut, exp_old;

	w_reset();
	u = w_key("u");
	w_owner(u, 6);
	/* A newer expired certification hides an older good one. */
	ex = w_key("ex");
	SIG(ex, 0, u, T0 + DAY);
	SIG(ex, 0, u, T0 + 2 * DAY, .expires = T0 + 3 * DAY);
	/* Revoked; revoked then certified again. */
	rv = w_key("rv");
	SIG(rv, 0, u, T0 + DAY);
	SIG(rv, 0, u, T0 + 2 * DAY, .type = WEFT_SIG_CERT_REVOCATION);
	rv2 = w_key("rv2");
	SIG(rv2, 0, u, T0 + DAY);
	SIG(rv2, 0, u, T0 + 2 * DAY, .type = WEFT_SIG_CERT_REVOCATION);
	SIG(rv2, 0, u, T0 + 3 * DAY);
	/* A non-revocable live certification beats a newer revocation;
	 * an expired one does not. */
	nr = w_key("nr");
	SIG(nr, 0, u, T0 + DAY, .nonrev = true);
	SIG(nr, 0, u, T0 + 2 * DAY, .type = WEFT_SIG_CERT_REVOCATION);
	nrx = w_key("nrx");
	SIG(nrx, 0, u, T0 + DAY, .nonrev = true, .expires = T0 + 5 * DAY);
	SIG(nrx, 0, u, T0 + 2 * DAY, .type = WEFT_SIG_CERT_REVOCATION);
	/* A certification and a revocation of the same second: revoked. */
	tie = w_key("tie");
	SIG(tie, 0, u, T0 + DAY);
	SIG(tie, 0, u, T0 + DAY, .type = WEFT_SIG_CERT_REVOCATION);
	/* A certification made after the time asked about does not
	 * count, nor hide an older one. */
	fut = w_key("fut");
	SIG(fut, 0, u, T0 + DAY);
	SIG(fut, 0, u, NOW + DAY, .type = WEFT_SIG_CERT_REVOCATION);
	/* An expired older one, a live newer one. */
	exp_old = w_key("expold");
	SIG(exp_old, 0, u, T0 + DAY, .expires = T0 + 2 * DAY);
	SIG(exp_old, 0, u, T0 + 3 * DAY);
	w_run();
	UIDV(ex, 0, UNK);
	UIDV(rv, 0, UNK);
	UIDV(rv2, 0, FUL);
	UIDV(nr, 0, FUL);
	UIDV(nrx, 0, UNK);
	UIDV(tie, 0, UNK);
	UIDV(fut, 0, FUL);
	UIDV(exp_old, 0, FUL);
}

/* Hashes: MD5 never counts; SHA-1 third-party signatures only up to
 * 2019-01-19 (1547856000 itself still counts); SHA-1 self-signatures
 * always.  A rejected SHA-1 revocation leaves the certification. */
static void
hashes(void)
{
	int u, md5, s_at, s_after, rip, srev, sself;

	w_reset();
	u = w_key("u");
	w_owner(u, 6);
	md5 = w_key("md5");
	SIG(md5, 0, u, T0 + DAY, .hash = WEFT_HASH_MD5);
	s_at = w_key("sat");
	SIG(s_at, 0, u, SHA1_CUTOFF, .hash = WEFT_HASH_SHA1);
	s_after = w_key("safter");
	SIG(s_after, 0, u, SHA1_CUTOFF + 1, .hash = WEFT_HASH_SHA1);
	rip = w_key("rip");
	SIG(rip, 0, u, T0 + DAY, .hash = WEFT_HASH_RIPEMD160);
	srev = w_key("srev");
	SIG(srev, 0, u, T0 + DAY);
	SIG(srev, 0, u, T0 + 2 * DAY, .type = WEFT_SIG_CERT_REVOCATION,
	    .hash = WEFT_HASH_SHA1);
	sself = w_key("sself");
	K[sself].sigs[0].o.hash = WEFT_HASH_SHA1;
	SIG(sself, 0, u, T0 + DAY);
	w_run();
	UIDV(md5, 0, UNK);
	UIDV(s_at, 0, FUL);
	UIDV(s_after, 0, UNK);
	UIDV(rip, 0, FUL);
	UIDV(srev, 0, FUL);
	UIDV(sself, 0, FUL);
}

/* min-cert-level filters 0x11..0x13 below it; 0x10 has no level and is
 * never filtered; revocations are not filtered either. */
static void
cert_levels(void)
{
	int u, l[4], lr, lv;
	static const int want[4][4] = {
		/* min level 1, 2, 3 for l0..l3 (index 0 unused) */
		{ 0, FUL, FUL, FUL },
		{ 0, FUL, UNK, UNK },
		{ 0, FUL, FUL, UNK },
		{ 0, FUL, FUL, FUL },
	};
	char name[8];

	w_reset();
	u = w_key("u");
	w_owner(u, 6);
	for (lv = 0; lv < 4; lv++) {
		snprintf(name, sizeof name, "l%d", lv);
		l[lv] = w_key(name);
		SIG(l[lv], 0, u, T0 + DAY,
		    .type = (uint8_t)(WEFT_SIG_GENERIC_CERT + lv));
	}
	/* A level-1 certification newer than a level-3 one: ignored at
	 * min level 2, so the level-3 one counts. */
	lr = w_key("lr");
	SIG(lr, 0, u, T0 + DAY, .type = WEFT_SIG_POSITIVE_CERT);
	SIG(lr, 0, u, T0 + 2 * DAY, .type = WEFT_SIG_PERSONA_CERT);
	for (lv = 1; lv <= 3; lv++) {
		int i;

		T_OK(w_run_at(NOW, 0, 0, 0, lv));
		for (i = 0; i < 4; i++)
			T_CHECK(uid_validity(l[i], 0) == want[i][lv],
				"l%d at min-cert-level %d: %d", i, lv,
				uid_validity(l[i], 0));
		UIDV(lr, 0, FUL);
	}
}

/* Counting: marginals and completes needed, an ultimate signer counts
 * as completes-needed, counts carry over from depth to depth, chains
 * stop at max-cert-depth. */
static void
counting(void)
{
	int u, a, b, c, m1, m2, m3, m4, t2, t3, t4, t6, chain[7], i;
	char name[4];

	w_reset();
	u = w_key("u");
	w_owner(u, 6);
	a = w_key("a");
	b = w_key("b");
	c = w_key("c");
	m1 = w_key("m1");
	m2 = w_key("m2");
	m3 = w_key("m3");
	m4 = w_key("m4");
	t2 = w_key("t2");
	t3 = w_key("t3");
	t4 = w_key("t4");
	t6 = w_key("t6");
	w_owner(a, 5);
	w_owner(b, 5);
	w_owner(c, 4);
	w_owner(m1, 4);
	w_owner(m2, 4);
	w_owner(m3, 4);
	w_owner(m4, 4);
	SIG(a, 0, u, T0 + DAY);
	SIG(m1, 0, u, T0 + DAY);
	SIG(m2, 0, u, T0 + DAY);
	SIG(m3, 0, u, T0 + DAY);
	SIG(t2, 0, m1, T0 + DAY);
	SIG(t2, 0, m2, T0 + DAY);
	SIG(t3, 0, m1, T0 + DAY);
	SIG(t3, 0, m2, T0 + DAY);
	SIG(t3, 0, m3, T0 + DAY);
	SIG(t4, 0, a, T0 + DAY);          /* one full signer */
	SIG(t4, 0, u, T0 + DAY);          /* and an ultimate one */
	/* m4 valid at depth 1 (via a), c at depth 2 (via b via a): t6
	 * gets one marginal at each of depths 1, 2 and 3. */
	SIG(b, 0, a, T0 + DAY);
	SIG(m4, 0, a, T0 + DAY);
	SIG(c, 0, b, T0 + DAY);
	SIG(t6, 0, m1, T0 + DAY);
	SIG(t6, 0, m4, T0 + DAY);
	SIG(t6, 0, c, T0 + DAY);
	/* A chain of full introducers from u. */
	for (i = 0; i < 7; i++) {
		snprintf(name, sizeof name, "k%d", i);
		chain[i] = w_key(name);
		w_owner(chain[i], 5);
		SIG(chain[i], 0, i ? chain[i - 1] : u, T0 + DAY);
	}
	w_run();
	UIDV(t2, 0, MRG);
	UIDV(t3, 0, FUL);
	UIDV(t4, 0, FUL);
	UIDV(t6, 0, FUL);
	for (i = 0; i < 7; i++)
		T_CHECK(uid_validity(chain[i], 0) == (i < 5 ? FUL : UNK),
			"chain k%d: %d", i, uid_validity(chain[i], 0));
	/* marginals-needed 2 */
	T_OK(w_run_at(NOW, 2, 0, 0, 0));
	UIDV(t2, 0, FUL);
	/* completes-needed 2: two full signers, or one ultimate. */
	T_OK(w_run_at(NOW, 0, 2, 0, 0));
	UIDV(t4, 0, FUL);
	UIDV(a, 0, FUL);
	UIDV(b, 0, MRG);
	/* max-cert-depth 1: only what u signed. */
	T_OK(w_run_at(NOW, 0, 0, 1, 0));
	UIDV(a, 0, FUL);
	UIDV(b, 0, UNK);
	UIDV(t3, 0, UNK);
	T_OK(w_run_at(NOW, 0, 0, 2, 0));
	UIDV(t6, 0, MRG);
}

/* Ownertrust: unknown and never give "undefined"; a disabled full
 * introducer still introduces; a disabled ultimate key is still
 * ultimate; expired and revoked ultimate keys introduce nothing. */
static void
ownertrust(void)
{
	int u, q, n, x, u2, ux, ur, r, s, y, z, w1, w2;

	w_reset();
	u = w_key("u");
	q = w_key("q");
	n = w_key("n");
	x = w_key("x");
	u2 = w_key("u2");
	ux = w_key("ux");
	ur = w_key("ur");
	r = w_key("r");
	s = w_key("s");
	y = w_key("y");
	z = w_key("z");
	w1 = w_key("w1");
	w2 = w_key("w2");
	w_owner(u, 6);
	w_owner(n, 3);
	w_owner(x, 128 | 5);
	w_owner(u2, 128 | 6);
	w_owner(ux, 6);
	w_owner(ur, 6);
	SIG(q, 0, u, T0 + DAY);
	SIG(n, 0, u, T0 + DAY);
	SIG(x, 0, u, T0 + DAY);
	SIG(r, 0, q, T0 + DAY);
	SIG(s, 0, n, T0 + DAY);
	SIG(y, 0, x, T0 + DAY);
	SIG(z, 0, u2, T0 + DAY);
	K[ux].sigs[0].o.key_expires = T0 + 10 * DAY;
	SIG(w1, 0, ux, T0 + DAY);
	SIG(ur, PRIMARY, SELF, T0 + 2 * DAY, .type = WEFT_SIG_KEY_REVOCATION);
	SIG(w2, 0, ur, T0 + DAY);
	w_run();
	UIDV(r, 0, UND);
	KEYV(r, UND);
	UIDV(s, 0, UND);
	UIDV(y, 0, FUL);
	KEYV(x, FUL);
	KEYV(u2, ULT);
	UIDV(z, 0, FUL);
	KEYV(ux, EXP);
	UIDV(w1, 0, UNK);
	KEYV(ur, REV);
	UIDV(ur, 0, REV);
	UIDV(w2, 0, UNK);
}

/* Trust signatures: a tsig from an ultimate key makes an introducer of
 * a key without ownertrust, for as many hops as its depth allows;
 * values 60 and 120 are marginal and full; a depth beyond what the
 * signer has left is cut; never-trusted keys are raised too. */
static void
trust_signatures(void)
{
	int u, g, h, i, j, j2, nv, nvt, deep, d1, d2, d3;

	w_reset();
	u = w_key("u");
	w_owner(u, 6);
	g = w_key("g");
	h = w_key("h");
	i = w_key("i");
	j = w_key("j");
	j2 = w_key("j2");
	nv = w_key("nv");
	nvt = w_key("nvt");
	deep = w_key("deep");
	d1 = w_key("d1");
	d2 = w_key("d2");
	d3 = w_key("d3");
	SIG(g, 0, u, T0 + DAY, .depth = 2, .amount = 120);
	SIG(h, 0, g, T0 + DAY);
	SIG(i, 0, g, T0 + DAY, .depth = 1, .amount = 60);
	SIG(j, 0, i, T0 + DAY);
	SIG(j2, 0, i, T0 + DAY, .depth = 1, .amount = 120);
	/* Ownertrust never, raised to marginal by a 60 tsig. */
	w_owner(nv, 3);
	SIG(nv, 0, u, T0 + DAY, .depth = 1, .amount = 60);
	SIG(nvt, 0, nv, T0 + DAY);
	/* A tsig of depth 1 by a non-ultimate introducer with depth left
	 * 0: no effect.  deep: tsig depth 3 from u; d1 tsigned by deep at
	 * depth 9 keeps only 2, d2 by d1 at 9 keeps 1, d3 signed by d2. */
	SIG(deep, 0, u, T0 + DAY, .depth = 3, .amount = 120);
	SIG(d1, 0, deep, T0 + DAY, .depth = 9, .amount = 120);
	SIG(d2, 0, d1, T0 + DAY, .depth = 9, .amount = 120);
	SIG(d3, 0, d2, T0 + DAY);
	w_run();
	UIDV(g, 0, FUL);
	UIDV(h, 0, FUL);
	UIDV(i, 0, FUL);
	UIDV(j, 0, MRG);
	UIDV(j2, 0, MRG);
	UIDV(nvt, 0, MRG);
	UIDV(d1, 0, FUL);
	UIDV(d2, 0, FUL);
	UIDV(d3, 0, FUL);
	/* The depth runs out: max-cert-depth still applies. */
	T_OK(w_run_at(NOW, 0, 0, 3, 0));
	UIDV(d2, 0, FUL);
	UIDV(d3, 0, UNK);
}

/* A tsig with a regex: the introducer counts only for user IDs the
 * sanitised regex matches, case-insensitively; "<...>$" does not match
 * a bare address; other operators are literal. */
static void
regexes(void)
{
	static const struct {
		const char *regex;
		const char *uid;
		int want;
	} cases[] = {
		/* gpg's own form */
		{ "<[^>]+[@.]corp\\.example>$", "Bob <bob@corp.example>", FUL },
		{ "<[^>]+[@.]corp\\.example>$", "Bob <BOB@CORP.Example>", FUL },
		{ "<[^>]+[@.]corp\\.example>$", "Bob <bob@eng.corp.example>", FUL },
		{ "<[^>]+[@.]corp\\.example>$", "Eve <eve@other.example>", UNK },
		{ "<[^>]+[@.]corp\\.example>$", "bob@corp.example", UNK },
		{ "<[^>]+[@.]corp\\.example>$", "Bob <bob@corp.example> x", UNK },
		{ "<[^>]+[@.]corp\\.example>$", "Bob <bob@corpxexample>", UNK },
		/* PGP's plain form: "." is any character, nothing else is
		 * an operator, not anchored */
		{ "corp.example", "Bob <bob@corpXexample.org>", FUL },
		{ "corp.example", "Bob <bob@other.org>", UNK },
		{ "a|b", "a", UNK },
		{ "a|b", "x a|b y", FUL },
		{ "^bob", "xbob", UNK },
		{ "^bob", "x^bob", FUL },
		{ "(x)*", "(x)*", FUL },
		{ "[", "[", FUL },
		/* an escaped operator stays escaped */
		{ "a\\*", "a*", FUL },
		/* an invalid pattern (a trailing backslash) matches
		 * nothing */
		{ "ab\\", "ab\\", UNK },
	};
	size_t c;
	int u, k, t;

	for (c = 0; c < WEFT_ARRAY_SIZE(cases); c++) {
		w_reset();
		u = w_key("u");
		w_owner(u, 6);
		k = w_key("k");
		t = w_key("t");
		K[t].uids[0] = cases[c].uid;
		SIG(k, 0, u, T0 + DAY, .depth = 1, .amount = 120,
		    .regex = cases[c].regex);
		SIG(t, 0, k, T0 + DAY);
		w_run();
		T_CHECK(uid_validity(t, 0) == cases[c].want,
			"regex \"%s\" on \"%s\": %d, want %d", cases[c].regex,
			cases[c].uid, uid_validity(t, 0), cases[c].want);
		UIDV(k, 0, FUL);
	}
}

/* Several trust signatures on one key: the newest wins; a newer one
 * without a regex keeps the regex of an older one (gpg's
 * pk->trust_regexp is only ever set). */
static void
newest_tsig(void)
{
	int u, v, a, b, c, x, t1, t2;

	w_reset();
	u = w_key("u");
	v = w_key("v");
	w_owner(u, 6);
	w_owner(v, 6);
	a = w_key("a");
	b = w_key("b");
	c = w_key("c");
	x = w_key("x");
	t1 = w_key("t1");
	t2 = w_key("t2");
	K[t2].uids[0] = "T2 <t2@corp.example>";
	/* a: 120 then 60 → marginal introducer. */
	SIG(a, 0, u, T0 + DAY, .depth = 1, .amount = 120);
	SIG(a, 0, v, T0 + 2 * DAY, .depth = 1, .amount = 60);
	SIG(b, 0, a, T0 + DAY);
	/* c: 60 then 120 (on another user ID) → full introducer. */
	w_uid(c, "c second <c2@example.org>");
	SIG(c, 1, u, T0 + DAY, .depth = 1, .amount = 60);
	SIG(c, 0, v, T0 + 2 * DAY, .depth = 1, .amount = 120);
	SIG(t1, 0, c, T0 + DAY);
	/* x: an old tsig with a regex, a newer one without. */
	SIG(x, 0, u, T0 + DAY, .depth = 1, .amount = 120,
	    .regex = "<[^>]+[@.]corp\\.example>$");
	SIG(x, 0, v, T0 + 2 * DAY, .depth = 1, .amount = 120);
	SIG(t1, 0, x, T0 + DAY);
	SIG(t2, 0, x, T0 + DAY);
	w_run();
	UIDV(b, 0, MRG);
	UIDV(t1, 0, FUL);
	UIDV(t2, 0, FUL);
	/* Without c, t1 depends on x, whose regex does not match it. */
	w_reset();
	u = w_key("u");
	v = w_key("v");
	w_owner(u, 6);
	w_owner(v, 6);
	x = w_key("x");
	t1 = w_key("t1");
	SIG(x, 0, u, T0 + DAY, .depth = 1, .amount = 120,
	    .regex = "<[^>]+[@.]corp\\.example>$");
	SIG(x, 0, v, T0 + 2 * DAY, .depth = 1, .amount = 120);
	SIG(t1, 0, x, T0 + DAY);
	w_run();
	UIDV(t1, 0, UNK);
}

/* Key and user ID states, and the letters. */
static void
states(void)
{
	int u, ek, dk, ddk, uk, rk, ru, eu, old, ru2, uu;

	w_reset();
	u = w_key("u");
	w_owner(u, 6);
	/* Expired by its user ID's self-signature. */
	ek = w_key("ek");
	K[ek].sigs[0].o.key_expires = T0 + 10 * DAY;
	SIG(ek, 0, u, T0 + DAY);
	/* The direct-key signature's expiry wins over the user ID's. */
	dk = w_key("dk");
	K[dk].sigs[0].o.key_expires = T0 + 10 * DAY;
	SIG(dk, PRIMARY, SELF, T0 + DAY, .type = WEFT_SIG_DIRECT_KEY,
	    .key_expires = NOW + 10 * DAY);
	SIG(dk, 0, u, T0 + DAY);
	/* An expired direct-key signature does not count. */
	ddk = w_key("ddk");
	SIG(ddk, PRIMARY, SELF, T0 + DAY, .type = WEFT_SIG_DIRECT_KEY,
	    .key_expires = T0 + 3 * DAY, .expires = T0 + 2 * DAY);
	SIG(ddk, 0, u, T0 + DAY);
	/* The newest self-signature that sets an expiry decides, even if
	 * a newer user ID sets none. */
	uk = w_key("uk");
	K[uk].sigs[0].o.key_expires = T0 + 10 * DAY;
	w_uid(uk, "uk second <uk2@example.org>");
	K[uk].sigs[1].created = T0 + DAY;
	SIG(uk, 1, u, T0 + DAY);
	/* Revoked key; a revoked user ID; an expired user ID
	 * self-signature; an older revocation under a newer binding. */
	rk = w_key("rk");
	SIG(rk, PRIMARY, SELF, T0 + DAY, .type = WEFT_SIG_KEY_REVOCATION);
	SIG(rk, 0, u, T0 + DAY);
	ru = w_key("ru");
	ru2 = w_uid(ru, "ru second <ru2@example.org>");
	SIG(ru, ru2, SELF, T0 + DAY, .type = WEFT_SIG_CERT_REVOCATION);
	SIG(ru, 0, u, T0 + DAY);
	SIG(ru, ru2, u, T0 + DAY);
	eu = w_key("eu");
	w_uid(eu, "eu second <eu2@example.org>");
	K[eu].sigs[1].o.expires = T0 + DAY;
	SIG(eu, 0, u, T0 + DAY);
	SIG(eu, 1, u, T0 + DAY);
	old = w_key("old");
	SIG(old, 0, SELF, T0 - DAY, .type = WEFT_SIG_CERT_REVOCATION);
	SIG(old, 0, u, T0 + DAY);
	/* An ultimate key: every user ID "u", a revoked one "r". */
	uu = w_key("uu");
	w_owner(uu, 6);
	w_uid(uu, "uu second <uu2@example.org>");
	SIG(uu, 1, SELF, T0 + DAY, .type = WEFT_SIG_CERT_REVOCATION);
	w_run();
	KEYV(ek, EXP);
	UIDV(ek, 0, EXP);
	KEYV(dk, FUL);
	KEYV(ddk, FUL);
	KEYV(uk, EXP);
	KEYV(rk, REV);
	UIDV(rk, 0, REV);
	KEYV(ru, FUL);
	UIDV(ru, 0, FUL);
	UIDV(ru, 1, REV);
	KEYV(eu, FUL);
	UIDV(eu, 1, EXP);
	UIDV(old, 0, FUL);
	KEYV(uu, ULT);
	UIDV(uu, 0, ULT);
	UIDV(uu, 1, REV);
	/* At a time before the key expired. */
	T_OK(w_run_at(T0 + 5 * DAY, 0, 0, 0, 0));
	KEYV(ek, FUL);
	KEYV(uk, FUL);
	KEYV(ddk, FUL);
}

/* gpg refuses these parameters; zeros are its defaults. */
static void
bad_params(void)
{
	static const int p[][4] = {
		{ 1, 0, 0, 0 }, { -1, 0, 0, 0 }, { 0, -1, 0, 0 },
		{ 0, 0, 256, 0 }, { 0, 0, -2, 0 }, { 0, 0, 0, 4 },
		{ 0, 0, 0, -1 },
	};
	size_t i;

	w_reset();
	w_key("u");
	for (i = 0; i < WEFT_ARRAY_SIZE(p); i++) {
		T_ERR(w_run_at(NOW, p[i][0], p[i][1], p[i][2], p[i][3]),
		      GPG_ERR_INV_VALUE);
		T_CHECK(G == NULL, "no result on error");
	}
	T_OK(w_run_at(NOW, 2, 1, 255, 3));
}

/* Keys the source does not know are left out, duplicates folded. */
static void
source_gaps(void)
{
	weft_tsource src = { NULL, fake_get, NULL, NULL };
	weft_troot all[3];
	int u, a;

	w_reset();
	u = w_key("u");
	a = w_key("a");
	SIG(a, 0, u, T0 + DAY);
	w_owner(u, 6);
	build(u);
	build(a);
	memcpy(all[0].fpr, K[a].fpr, 20);
	memcpy(all[1].fpr, K[u].fpr, 20);
	memcpy(all[2].fpr, K[a].fpr, 20);
	all[0].fpr_len = all[1].fpr_len = all[2].fpr_len = 20;
	all[2].fpr[0] ^= 1; /* not in the source */
	T_OK(weft_gnupg_run(&G, &src, NOW, all, 3, NULL, 0, OWN, NOWN, NULL));
	KEYV(a, FUL);
	weft_gnupg_free(G);
	G = NULL;
	T_OK(weft_gnupg_run(&G, &src, NOW, NULL, 0, NULL, 0, OWN, NOWN, NULL));
	KEYV(a, UNK);
	weft_gnupg_free(G);
	G = NULL;
}

int
main(void)
{
	basic();
	ultimate_sources();
	latest_per_signer();
	hashes();
	cert_levels();
	counting();
	ownertrust();
	trust_signatures();
	regexes();
	newest_tsig();
	states();
	bad_params();
	source_gaps();
	/* Whichever test ran last, leave nothing for ASan's leak check. */
	w_reset();
	return t_done();
}
