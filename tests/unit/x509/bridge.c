/* tests/unit/x509/bridge.c - the X.509 bridge in a keyring
 * (keyring/x509/api.c, bridge.c, chain.c) on the fixtures of
 * tests/data/x509/, at 2026-06-01 (every fixture but carol is within its
 * validity then):
 *   - an import asks before trusting a root, and writes nothing when the
 *     answer is no or when you have no key to vouch;
 *   - lookups authenticate exactly the leaves inside the root's
 *     nameConstraints (a subdomain too), and nothing outside them (a
 *     look-alike domain too), expired, revoked by the CRL, or under the
 *     rogue sub-CA that a pathLen-0 intermediate made;
 *   - the X.509 lines of weft_x509_annotate say why;
 *   - supplements merge into summaries as the store needs (summary.c);
 *   - the S/MIME hook authenticates a signer whose certificate is not
 *     imported, through the intermediate its message carries;
 *   - fsck is clean, and removing the root takes its trust away.
 * Run from the top of the source tree.
 */
#include <stdio.h>
#include <stdlib.h>

#include "x509/x509.h"
#include "cert/summary.h"
#include <weft/weft.h>
#include "t.h"

#define D "tests/data/x509/"
#define T_JUNE 1780272000   /* 2026-06-01 */

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	*len = 0;
	if (!f) {
		printf("FAIL cannot open %s (run from the top of the tree)\n",
		       path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static char tmpdir[256];

static weft_ctx *
new_keyring(bool with_key)
{
	weft_ctx *ctx;
	weft_generate_params gp;
	char fpr[65];
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof tmpdir, "%s/weft-x509-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		exit(1);
	if (weft_ctx_new(&ctx) || weft_ctx_open(ctx, tmpdir, 0))
		exit(1);
	weft_ctx_set_time(ctx, T_JUNE - 86400);
	if (with_key) {
		memset(&gp, 0, sizeof gp);
		gp.uid = "Me <me@example.org>";
		gp.no_passphrase = true;
		T_OK(weft_generate(ctx, &gp, fpr));
	}
	weft_ctx_set_time(ctx, T_JUNE);
	return ctx;
}

static void
done_keyring(weft_ctx *ctx)
{
	char cmd[300];

	weft_ctx_free(ctx);
	if (strstr(tmpdir, "/weft-x509-")) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd))
			printf("warning: could not remove %s\n", tmpdir);
	}
}

typedef struct answer {
	bool yes;
	size_t asked, roots;
	char first_sha[65];
} answer;

static bool
confirm(void *opaque, const weft_x509_list *roots)
{
	answer *a = opaque;

	a->asked++;
	a->roots += roots->n;
	if (roots->n)
		snprintf(a->first_sha, sizeof a->first_sha, "%s",
			 roots->v[0].sha256);
	return a->yes;
}

static const char *const all_files[] = {
	"root.pem", "inter.pem", "alice.pem", "bob.pem", "mallory.pem",
	"eve.pem", "carol.pem", "dave.pem", "rogue.pem", "trudy.pem",
	"inter.crl",
};

static gpg_error_t
import(weft_ctx *ctx, const char *const *files, size_t n, answer *a,
       const weft_x509_params *p, weft_x509_list **out)
{
	weft_x509_input in[16];
	uint8_t *bufs[16];
	char path[256];
	size_t i;
	gpg_error_t err;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, D "%s", files[i]);
		bufs[i] = slurp(path, &in[i].len);
		in[i].data = bufs[i];
		in[i].name = files[i];
	}
	err = weft_x509_import(ctx, in, n, p, confirm, a, out);
	for (i = 0; i < n; i++)
		free(bufs[i]);
	return err;
}

/* The amount weft gives the binding of EMAIL (best key), or -1. */
static int
amount_of(weft_ctx *ctx, const char *email, char **x509)
{
	weft_trust_opts o;
	weft_binding_list *l = NULL;
	int best = -1;
	size_t i;

	memset(&o, 0, sizeof o);
	o.flags = WEFT_TRUST_EMAIL;
	if (x509)
		*x509 = NULL;
	if (weft_lookup(ctx, email, &o, &l))
		return -2;
	if (x509 && l->n && !weft_x509_annotate(ctx, l) && l->v[0].x509)
		*x509 = strdup(l->v[0].x509);
	for (i = 0; i < l->n; i++)
		if (l->v[i].amount > best)
			best = l->v[i].amount;
	weft_binding_list_free(l);
	return best;
}

static void
problem_line(void *opaque, const char *line)
{
	(void)opaque;
	printf("fsck: %s\n", line);
}

static void
test_refusals(void)
{
	weft_ctx *ctx;
	weft_x509_list *l = NULL;
	answer a = { false, 0, 0, "" };
	const char *root[] = { "root.pem" };

	/* no key of your own */
	ctx = new_keyring(false);
	T_ERR(import(ctx, root, 1, &a, NULL, &l), GPG_ERR_NO_SECKEY);
	T_CHECK(strstr(weft_ctx_error(ctx), "weft generate") != NULL,
		"the error says what to do: %s", weft_ctx_error(ctx));
	T_EQ_INT(a.asked, 0);
	weft_x509_list_free(l);
	done_keyring(ctx);
	/* you say no: nothing is written */
	ctx = new_keyring(true);
	T_ERR(import(ctx, root, 1, &a, NULL, &l), GPG_ERR_CANCELED);
	T_EQ_INT(a.asked, 1);
	T_EQ_INT(a.roots, 1);
	weft_x509_list_free(l);
	T_OK(weft_x509_list_all(ctx, &l));
	T_EQ_INT(l->n, 0);
	weft_x509_list_free(l);
	/* bad parameters */
	{
		weft_x509_params p;

		memset(&p, 0, sizeof p);
		p.amount = 121;
		a.yes = true;
		T_ERR(import(ctx, root, 1, &a, &p, &l), GPG_ERR_INV_VALUE);
		weft_x509_list_free(l);
		p.amount = 0;
		p.domain = "exa mple.com";
		T_ERR(import(ctx, root, 1, &a, &p, &l), GPG_ERR_INV_VALUE);
		weft_x509_list_free(l);
	}
	done_keyring(ctx);
}

static void
test_pki(void)
{
	weft_ctx *ctx = new_keyring(true);
	weft_x509_list *l = NULL;
	answer a = { true, 0, 0, "" };
	uint64_t problems = 1, keys;
	char *why = NULL;
	size_t i, refused = 0, roots = 0;
	static const struct {
		const char *email;
		int amount;
		const char *why;     /* in the binding's X.509 line */
	} want[] = {
		{ "alice@example.com", 120, "under the root" },
		{ "bob@sub.example.com", 120, "under the root" },
		{ "mallory@evil.test", 0, "outside the name constraints" },
		{ "eve@notexample.com", 0, "eve@notexample.com is not within" },
		{ "carol@example.com", 0, "expired on 2021-01-01" },
		{ "dave@example.com", 0, "(keyCompromise)" },
		{ "trudy@example.com", 0, "pathLenConstraint 0" },
	};

	T_OK(import(ctx, all_files, WEFT_ARRAY_SIZE(all_files), &a, NULL, &l));
	T_EQ_INT(a.asked, 1);
	T_EQ_INT(a.roots, 1);
	T_EQ_INT(l->n, WEFT_ARRAY_SIZE(all_files));
	for (i = 0; i < l->n; i++) {
		refused += l->v[i].outcome == WEFT_X509_REFUSED;
		roots += l->v[i].kind == WEFT_X509_ROOT;
	}
	T_EQ_INT(refused, 0);
	T_EQ_INT(roots, 1);
	/* the root's trust: depth pathLen + 1, amount 120, its domain */
	for (i = 0; i < l->n; i++)
		if (l->v[i].kind == WEFT_X509_ROOT) {
			T_EQ_INT(l->v[i].depth, 2);
			T_EQ_INT(l->v[i].amount, 120);
			T_CHECK(l->v[i].nregexes == 1 &&
				!strcmp(l->v[i].regexes[0],
					"<[^>]+[@.]example\\.com>$"),
				"one domain regex");
		}
	weft_x509_list_free(l);
	for (i = 0; i < WEFT_ARRAY_SIZE(want); i++) {
		int got = amount_of(ctx, want[i].email, &why);

		T_CHECK(got == want[i].amount, "%s: amount %d, want %d",
			want[i].email, got, want[i].amount);
		T_CHECK(why && strstr(why, want[i].why), "%s: X.509 line \"%s\"",
			want[i].email, why ? why : "(none)");
		free(why);
	}
	/* a re-import changes nothing and asks nothing */
	a.asked = 0;
	T_OK(import(ctx, all_files, 3, &a, NULL, &l));
	T_EQ_INT(a.asked, 0);
	T_CHECK(l->n == 3 && l->v[0].outcome == WEFT_X509_UNCHANGED,
		"unchanged");
	weft_x509_list_free(l);
	/* the keyring is consistent */
	T_OK(weft_fsck(ctx, problem_line, NULL, &problems, &keys));
	T_EQ_INT(problems, 0);
	problems = 1;
	T_OK(weft_x509_fsck(ctx, problem_line, NULL, &problems));
	T_EQ_INT(problems, 0);
	/* later, at 2027-06-01, the leaves have expired */
	weft_ctx_set_time(ctx, T_JUNE + 365 * 86400);
	T_EQ_INT(amount_of(ctx, "alice@example.com", NULL), 0);
	weft_ctx_set_time(ctx, T_JUNE);
	/* remove the root: what it vouched for goes */
	T_OK(weft_x509_show(ctx, "37D63AEF9841A47F06F032A61C4F0BE2F8881200",
			    &l));
	T_CHECK(l->n == 1 && l->v[0].kind == WEFT_X509_ROOT,
		"show by derived fingerprint");
	weft_x509_list_free(l);
	T_ERR(weft_x509_show(ctx, "00", &l), GPG_ERR_INV_VALUE);
	weft_x509_list_free(l);
	T_ERR(weft_x509_show(ctx, "0000000000", &l), GPG_ERR_NOT_FOUND);
	weft_x509_list_free(l);
	T_OK(weft_x509_remove(ctx, "37D63AEF9841A47F06F032A61C4F0BE2F8881200",
			      &l));
	T_EQ_INT(l->n, 1);
	weft_x509_list_free(l);
	T_EQ_INT(amount_of(ctx, "alice@example.com", NULL), 0);
	T_OK(weft_x509_list_all(ctx, &l));
	T_EQ_INT(l->n, WEFT_ARRAY_SIZE(all_files) - 1);
	weft_x509_list_free(l);
	problems = 1;
	T_OK(weft_fsck(ctx, problem_line, NULL, &problems, &keys));
	T_EQ_INT(problems, 0);
	problems = 1;
	T_OK(weft_x509_fsck(ctx, problem_line, NULL, &problems));
	T_EQ_INT(problems, 0);
	done_keyring(ctx);
}

/* --domain narrows the root to one domain; a leaf in another that the
 * nameConstraints allow no longer authenticates. */
static void
test_domain(void)
{
	weft_ctx *ctx = new_keyring(true);
	weft_x509_list *l = NULL;
	answer a = { true, 0, 0, "" };
	weft_x509_params p;

	memset(&p, 0, sizeof p);
	p.domain = "sub.example.com";
	p.amount = 60;
	T_OK(import(ctx, all_files, 4, &a, &p, &l));
	weft_x509_list_free(l);
	T_EQ_INT(amount_of(ctx, "bob@sub.example.com", NULL), 60);
	T_EQ_INT(amount_of(ctx, "alice@example.com", NULL), 0);
	/* again with new parameters: the root's trust is updated */
	p.domain = NULL;
	p.amount = 120;
	p.retrust = true;
	a.asked = 0;
	T_OK(import(ctx, all_files, 1, &a, &p, &l));
	T_CHECK(l->n == 1 && l->v[0].outcome == WEFT_X509_UPDATED, "updated");
	T_EQ_INT(a.asked, 1);
	weft_x509_list_free(l);
	T_EQ_INT(amount_of(ctx, "alice@example.com", NULL), 120);
	done_keyring(ctx);
}

static void
test_smime(void)
{
	weft_ctx *ctx = new_keyring(true);
	weft_x509_list *l = NULL;
	answer a = { true, 0, 0, "" };
	weft_x509_smime_result r;
	uint8_t *alice, *inter, *mallory;
	size_t alen, ilen, mlen;
	char *status = NULL, fpr[65];
	const unsigned char *extra[1];
	size_t extra_len[1];
	weft_x509_blob *b;
	size_t nb;
	uint8_t *pem;
	size_t plen;

	/* only the root is imported; the message carries the intermediate */
	T_OK(import(ctx, all_files, 1, &a, NULL, &l));
	weft_x509_list_free(l);
	pem = slurp(D "alice.pem", &plen);
	T_OK(weft_x509_split(pem, plen, &b, &nb, NULL));
	alice = b[0].der;
	alen = b[0].len;
	b[0].der = NULL;
	weft_x509_blobs_free(b, nb);
	free(pem);
	pem = slurp(D "inter.pem", &plen);
	T_OK(weft_x509_split(pem, plen, &b, &nb, NULL));
	inter = b[0].der;
	ilen = b[0].len;
	b[0].der = NULL;
	weft_x509_blobs_free(b, nb);
	free(pem);
	pem = slurp(D "mallory.pem", &plen);
	T_OK(weft_x509_split(pem, plen, &b, &nb, NULL));
	mallory = b[0].der;
	mlen = b[0].len;
	b[0].der = NULL;
	weft_x509_blobs_free(b, nb);
	free(pem);
	extra[0] = inter;
	extra_len[0] = ilen;

	T_OK(weft_x509_chain_for_smime(ctx, alice, alen, extra, extra_len, 1, 0,
				       &status, fpr, &r));
	T_CHECK(r.chains && r.authenticated && r.amount == 120,
		"alice through the carried intermediate: %s (amount %d)",
		status, r.amount);
	T_EQ_STR(fpr, "AC6E4801E08D1B58A07F8E488C0D607C3908F28A");
	T_EQ_STR(r.uid, "alice <alice@example.com>");
	free(status);
	free(r.uid);
	/* without the intermediate: unknown CA */
	T_OK(weft_x509_chain_for_smime(ctx, alice, alen, NULL, NULL, 0, 0,
				       &status, fpr, &r));
	T_CHECK(!r.chains && !r.authenticated && strstr(status, "not imported"),
		"no intermediate: %s", status);
	free(status);
	free(r.uid);
	/* outside the name constraints */
	T_OK(weft_x509_chain_for_smime(ctx, mallory, mlen, extra, extra_len, 1,
				       0, &status, fpr, &r));
	T_CHECK(!r.chains && strstr(status, "name constraints"), "mallory: %s",
		status);
	free(status);
	free(r.uid);
	/* signed after alice's certificate expired */
	T_OK(weft_x509_chain_for_smime(ctx, alice, alen, extra, extra_len, 1,
				       T_JUNE + 365 * 86400, &status, fpr, &r));
	T_CHECK(!r.chains && strstr(status, "expired"), "late: %s", status);
	free(status);
	free(r.uid);
	/* garbage */
	T_ERR(weft_x509_chain_for_smime(ctx, (const unsigned char *)"xx", 2,
					NULL, NULL, 0, 0, &status, fpr, &r),
	      GPG_ERR_BAD_CERT);
	free(status);
	/* nothing was written */
	T_OK(weft_x509_list_all(ctx, &l));
	T_EQ_INT(l->n, 1);
	weft_x509_list_free(l);
	free(alice);
	free(inter);
	free(mallory);
	done_keyring(ctx);
}

/* weft_summary_write and weft_summary_merge (cert/summary.c), which the
 * store uses to put a supplement beside a certificate's own summary. */
static void
test_merge(void)
{
	weft_tuid ua[1], ub[2];
	weft_tbytes ib[1], rb[1];
	weft_tsig sa[1], sb[3];
	weft_summary a, b, m;
	weft_buf ra, rbuf, rm;
	static const uint8_t fpr[20] = { 1, 2, 3 };
	static const uint8_t other[20] = { 9 };

	memset(&a, 0, sizeof a);
	memset(sa, 0, sizeof sa);
	a.key.version = 4;
	a.key.algo = 22;
	a.key.fpr_len = 20;
	memcpy(a.key.fpr, fpr, 20);
	ua[0].data = (const uint8_t *)"A <a@example.com>";
	ua[0].len = 17;
	ua[0].tag = 13;
	a.uids = ua;
	a.nuids = 1;
	sa[0].comp = 0;
	sa[0].type = 0x13;
	sa[0].created = 100;
	sa[0].hash = 8;
	a.sigs = sa;
	a.nsigs = 1;
	b = a;
	ub[0] = ua[0];                                   /* the same */
	ub[1].data = (const uint8_t *)"B <b@example.com>";  /* a new one */
	ub[1].len = 17;
	ub[1].tag = 13;
	b.uids = ub;
	b.nuids = 2;
	ib[0].data = other;
	ib[0].len = 20;
	b.issuers = ib;
	b.nissuers = 1;
	rb[0].data = (const uint8_t *)"<[^>]+[@.]example\\.com>$";
	rb[0].len = 24;
	b.regexes = rb;
	b.nregexes = 1;
	memset(sb, 0, sizeof sb);
	sb[0].comp = 1;                  /* self binding of B */
	sb[0].type = 0x13;
	sb[0].created = 200;
	sb[0].hash = 8;
	sb[1].comp = 1;                  /* a trust signature on B */
	sb[1].issuer = 1;
	sb[1].type = 0x10;
	sb[1].created = 300;
	sb[1].hash = 8;
	sb[1].flags = WEFT_TSF_TRUST;
	sb[1].depth = 2;
	sb[1].amount = 120;
	sb[1].regex = 0;
	sb[1].nregex = 1;
	sb[2].comp = 0;                  /* a certification of A */
	sb[2].issuer = 1;
	sb[2].type = 0x10;
	sb[2].created = 150;
	sb[2].hash = 8;
	b.sigs = sb;
	b.nsigs = 3;
	weft_buf_init(&ra);
	weft_buf_init(&rbuf);
	weft_buf_init(&rm);
	T_OK(weft_summary_write(&a, &ra));
	T_OK(weft_summary_write(&b, &rbuf));
	T_OK(weft_summary_merge(&a, &b, &rm));
	T_OK(weft_summary_decode(&m, rm.data, rm.len));
	T_EQ_INT(m.nuids, 2);
	T_EQ_INT(m.nissuers, 1);
	T_EQ_INT(m.nregexes, 1);
	T_EQ_INT(m.nsigs, 4);
	/* sorted: uid 0 (self, then the certification), uid 1 (self, tsig) */
	T_CHECK(m.sigs[0].comp == 0 && m.sigs[0].issuer == 0, "A's self first");
	T_CHECK(m.sigs[1].comp == 0 && m.sigs[1].issuer == 1, "then B's cert");
	T_CHECK(m.sigs[3].comp == 1 && m.sigs[3].issuer == 1 &&
		m.sigs[3].depth == 2 && m.sigs[3].nregex == 1, "tsig on B");
	weft_summary_free(&m);
	/* a supplement about another key does not merge */
	b.key.fpr[0] ^= 1;
	weft_buf_reset(&rm);
	T_ERR(weft_summary_merge(&a, &b, &rm), GPG_ERR_CONFLICT);
	b.key.fpr[0] ^= 1;
	/* an index out of range is refused */
	sb[2].issuer = 2;
	weft_buf_reset(&rm);
	T_ERR(weft_summary_write(&b, &rm), GPG_ERR_INV_VALUE);
	weft_buf_free(&ra);
	weft_buf_free(&rbuf);
	weft_buf_free(&rm);
}

int
main(void)
{
	test_merge();
	test_refusals();
	test_pki();
	test_domain();
	test_smime();
	return t_done();
}
