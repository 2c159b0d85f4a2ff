/* keyring.c - own keys through the public API, in a scratch keyring:
 * weft_generate, import of secret keys (protected, clear, stubs),
 * weft_certify, weft_revoke_certifications, weft_export with
 * WEFT_EXPORT_SECRET; and the passphrase callback's contract (NEW set for
 * new passphrases, ATTEMPT counting, three tries, giving up).
 * Fixtures: tests/data/secret/README. */
#include <stdlib.h>
#include <unistd.h>

#include "sectest.h"
#include "ctx.h"
#include "secret/secret.h"
#include "store/store.h"

#define SEC "tests/data/secret/"

/* A scripted passphrase source. */
typedef struct script {
	const char *answers[4];  /* one per attempt; NULL: give up */
	gpg_error_t give_up;     /* what giving up returns */
	unsigned calls, news;
	unsigned last_attempt;
	char last_desc[512];
} script;

static gpg_error_t
cb(void *opaque, const char *desc, bool new_, unsigned attempt, char *buf,
   size_t buflen)
{
	script *s = opaque;
	const char *a = attempt >= 1 && attempt <= 4 ? s->answers[attempt - 1]
						      : NULL;

	s->calls++;
	s->news += new_;
	s->last_attempt = attempt;
	snprintf(s->last_desc, sizeof s->last_desc, "%s", desc);
	T_CHECK(buflen >= 256, "a buffer for the passphrase (%zu)", buflen);
	if (!a)
		return s->give_up ? s->give_up : gpg_error(GPG_ERR_CANCELED);
	snprintf(buf, buflen, "%s", a);
	return 0;
}

static void
say(script *s, const char *a0, const char *a1, const char *a2)
{
	memset(s, 0, sizeof *s);
	s->answers[0] = a0;
	s->answers[1] = a1;
	s->answers[2] = a2;
}

static char home[256];

static weft_ctx *
open_ctx(script *s)
{
	weft_ctx *ctx = NULL;

	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, home, 0));
	if (s)
		weft_ctx_set_passphrase(ctx, cb, s);
	return ctx;
}

/* The secret key packets stored for FPR (hex). */
static size_t
stored(weft_ctx *ctx, const char *fpr, uint8_t usages[4])
{
	uint8_t bin[32];
	size_t n = weft_unhex(fpr, bin, sizeof bin), count = 0;
	weft_txn *t = NULL;
	weft_buf pkts;
	weft_reader r;
	weft_packet pkt;
	weft_pkt_key k;
	weft_pkt_secret s;

	weft_buf_init_secure(&pkts);
	T_OK(weft_txn_begin(ctx->store, false, &t));
	if (!weft_secret__record_get(t, bin, n, &pkts)) {
		T_CHECK(weft_secret__have(t, bin, n), "have() agrees");
		weft_reader_init(&r, pkts.data, pkts.len);
		while (!weft_packet_next(&r, &pkt, NULL)) {
			T_CHECK(count || pkt.tag == WEFT_PKT_SECRET_KEY ||
				pkt.tag == WEFT_PKT_SECRET_SUBKEY, "tags");
			if (!weft_pkt_key_parse(&k, pkt.tag, pkt.body,
						pkt.body_len, NULL) &&
			    !weft_pkt_secret_parse(&s, &k, NULL) && count < 4)
				usages[count] = s.usage;
			count++;
		}
	} else {
		T_CHECK(!weft_secret__have(t, bin, n), "have() agrees (none)");
	}
	weft_txn_abort(t);
	weft_buf_free(&pkts);
	return count;
}

static uint8_t *
slurp(const char *name, size_t *len)
{
	char path[256];

	snprintf(path, sizeof path, SEC "%s", name);
	return t_slurp(path, len);
}

static char alice[65], bob[65], gpged[65];

static void
generating(void)
{
	weft_generate_params p;
	weft_ctx *ctx;
	script s;
	uint8_t u[4] = { 9, 9, 9, 9 };
	weft_key_list *l = NULL;

	memset(&p, 0, sizeof p);
	p.uid = "Alice <alice@example.org>";
	/* No callback: nothing to protect it with. */
	ctx = open_ctx(NULL);
	T_ERR(weft_generate(ctx, &p, alice), GPG_ERR_NO_PASSPHRASE);
	T_CHECK(strstr(weft_ctx_error(ctx), "no passphrase"),
		"says why: %s", weft_ctx_error(ctx));
	T_EQ_STR(alice, "");
	weft_ctx_free(ctx);
	/* An empty one is not a passphrase. */
	say(&s, "", NULL, NULL);
	ctx = open_ctx(&s);
	T_ERR(weft_generate(ctx, &p, alice), GPG_ERR_NO_PASSPHRASE);
	T_EQ_INT(s.news, 1);
	weft_ctx_free(ctx);
	/* Given up. */
	say(&s, NULL, NULL, NULL);
	ctx = open_ctx(&s);
	T_ERR(weft_generate(ctx, &p, alice), GPG_ERR_CANCELED);
	/* Bad parameters. */
	p.uid = "";
	T_ERR(weft_generate(ctx, &p, alice), GPG_ERR_INV_USER_ID);
	p.uid = "Alice <alice@example.org>";
	p.expires = 1;
	T_ERR(weft_generate(ctx, &p, alice), GPG_ERR_INV_VALUE);
	p.expires = 0;
	weft_ctx_free(ctx);
	/* For real: asked once, as a new passphrase. */
	say(&s, "alice pw", NULL, NULL);
	ctx = open_ctx(&s);
	T_OK(weft_generate(ctx, &p, alice));
	T_EQ_INT(s.calls, 1);
	T_EQ_INT(s.news, 1);
	T_CHECK(strstr(s.last_desc, "Alice <alice@example.org>"),
		"the prompt names the key: %s", s.last_desc);
	T_EQ_INT(strlen(alice), 40);
	T_EQ_INT(stored(ctx, alice, u), 2);
	T_EQ_INT(u[0], 254);
	T_EQ_INT(u[1], 254);
	T_OK(weft_keys_find(ctx, alice, WEFT_FIND_EXACT, &l));
	T_EQ_INT(l->n, 1);
	T_EQ_STR(l->keys[0].algo, "eddsa");
	T_EQ_INT(l->keys[0].nsubkeys, 1);
	T_EQ_INT(l->keys[0].caps, WEFT_CAP_SIGN | WEFT_CAP_CERTIFY);
	weft_key_list_free(l);
	/* v6, unprotected on request. */
	p.uid = "Bob <bob@example.org>";
	p.v6 = true;
	p.no_passphrase = true;
	p.expires = weft_ctx_time(ctx) + 86400 * 365;
	s.calls = 0;
	T_OK(weft_generate(ctx, &p, bob));
	T_EQ_INT(s.calls, 0);
	T_EQ_INT(strlen(bob), 64);
	T_EQ_INT(stored(ctx, bob, u), 2);
	T_EQ_INT(u[0], 0);
	T_OK(weft_keys_find(ctx, bob, WEFT_FIND_EXACT, &l));
	T_EQ_INT(l->keys[0].version, 6);
	T_EQ_INT(l->keys[0].expires, p.expires);
	T_EQ_INT(l->keys[0].subkeys[0].expires, p.expires);
	weft_key_list_free(l);
	weft_ctx_free(ctx);
}

static void
importing(void)
{
	weft_ctx *ctx;
	weft_import_stats st;
	script s;
	uint8_t *data, u[4];
	size_t len;
	weft_key_list *l = NULL;

	/* Protected by gpg: stored as it is, nobody asked. */
	say(&s, NULL, NULL, NULL);
	ctx = open_ctx(&s);
	data = slurp("gpg-ed25519-pw.pgp", &len);
	T_OK(weft_import(ctx, data, len, "gpg", NULL, NULL, &st));
	T_EQ_INT(st.secret_imported, 1);
	T_EQ_INT(s.calls, 0);
	free(data);
	T_OK(weft_keys_find(ctx, "ed@example.org", 0, &l));
	T_EQ_INT(l->n, 1);
	snprintf(gpged, sizeof gpged, "%s", l->keys[0].fpr);
	weft_key_list_free(l);
	T_EQ_INT(stored(ctx, gpged, u), 2);
	/* Again: nothing changes. */
	data = slurp("gpg-ed25519-pw.pgp", &len);
	T_OK(weft_import(ctx, data, len, "gpg", NULL, NULL, &st));
	T_EQ_INT(st.unchanged, 1);
	T_EQ_INT(stored(ctx, gpged, u), 2);
	free(data);
	/* The stub export of the same key adds nothing. */
	data = slurp("gpg-ed25519-stub.pgp", &len);
	T_OK(weft_import(ctx, data, len, "stub", NULL, NULL, &st));
	T_EQ_INT(stored(ctx, gpged, u), 2);
	free(data);
	weft_ctx_free(ctx);

	/* Clear, and no passphrase to protect it: public part only. */
	ctx = open_ctx(NULL);
	data = slurp("gpg-ed25519-clear.pgp", &len);
	T_OK(weft_import(ctx, data, len, "clear", NULL, NULL, &st));
	T_EQ_INT(st.new_keys, 1);
	T_EQ_INT(st.secret_imported, 0);
	T_EQ_INT(st.secret_skipped, 1);
	weft_ctx_free(ctx);
	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, home, 0));
	T_OK(weft_keys_find(ctx, "clear@example.org", 0, &l));
	T_EQ_INT(stored(ctx, l->keys[0].fpr, u), 0);
	weft_key_list_free(l);
	weft_ctx_free(ctx);
	/* With one: protected the way weft protects. */
	say(&s, "clear pw", NULL, NULL);
	ctx = open_ctx(&s);
	T_OK(weft_import(ctx, data, len, "clear", NULL, NULL, &st));
	T_EQ_INT(st.secret_imported, 1);
	T_EQ_INT(s.news, 1);
	T_OK(weft_keys_find(ctx, "clear@example.org", 0, &l));
	T_EQ_INT(stored(ctx, l->keys[0].fpr, u), 1);
	T_EQ_INT(u[0], 254);
	weft_key_list_free(l);
	free(data);
	/* sq's key with three subkeys, clear: all four protected with one
	 * passphrase, asked once. */
	say(&s, "sq pw", NULL, NULL);
	weft_ctx_set_passphrase(ctx, cb, &s);
	data = slurp("sq-ed25519-clear.pgp", &len);
	T_OK(weft_import(ctx, data, len, "sq", NULL, NULL, &st));
	T_EQ_INT(s.calls, 1);
	T_OK(weft_keys_find(ctx, "sq@example.org", 0, &l));
	T_EQ_INT(stored(ctx, l->keys[0].fpr, u), 4);
	T_CHECK(u[0] == 254 && u[1] == 254 && u[2] == 254 && u[3] == 254,
		"all four protected");
	weft_key_list_free(l);
	free(data);
	weft_ctx_free(ctx);
}

static void
certifying(void)
{
	weft_ctx *ctx;
	weft_certify_params p;
	weft_revoke_params rp;
	script s;
	size_t done = 9;
	uint8_t *data;
	size_t len, i;
	weft_key_list *l = NULL;
	const weft_uid_info *u;
	const char *uids[1];
	static const char *const rx[] = { "<[^>]+[@.]example\\.org>$" };

	memset(&p, 0, sizeof p);
	/* Several keys of mine: say which. */
	say(&s, "alice pw", NULL, NULL);
	ctx = open_ctx(&s);
	T_ERR(weft_certify(ctx, gpged, &p, NULL, NULL, &done),
	      GPG_ERR_AMBIGUOUS_NAME);
	T_CHECK(strstr(weft_ctx_error(ctx), "--by"), "names --by: %s",
		weft_ctx_error(ctx));
	T_EQ_INT(s.calls, 0);
	/* Wrong passphrase, three times: asked with attempts 1, 2, 3. */
	p.by = "alice@example.org";
	say(&s, "no", "nope", "still no");
	T_ERR(weft_certify(ctx, gpged, &p, NULL, NULL, &done),
	      GPG_ERR_BAD_PASSPHRASE);
	T_EQ_INT(s.calls, 3);
	T_EQ_INT(s.last_attempt, 3);
	T_CHECK(strstr(weft_ctx_error(ctx), "wrong passphrase for key ") &&
		strstr(weft_ctx_error(ctx), alice),
		"wrong passphrase message: %s", weft_ctx_error(ctx));
	/* A callback that has no second line: wrong passphrase after one. */
	say(&s, "no", NULL, NULL);
	s.give_up = gpg_error(GPG_ERR_NO_PASSPHRASE);
	T_ERR(weft_certify(ctx, gpged, &p, NULL, NULL, &done),
	      GPG_ERR_BAD_PASSPHRASE);
	T_EQ_INT(s.calls, 2);
	/* Right on the second try. */
	say(&s, "no", "alice pw", NULL);
	T_OK(weft_certify(ctx, gpged, &p, NULL, NULL, &done));
	T_EQ_INT(done, 1);
	T_EQ_INT(s.news, 0);
	/* The same again: already there, no passphrase asked. */
	say(&s, NULL, NULL, NULL);
	T_OK(weft_certify(ctx, gpged, &p, NULL, NULL, &done));
	T_EQ_INT(done, 0);
	T_EQ_INT(s.calls, 0);
	/* A trust signature for a domain, local, level 2, expiring; and my
	 * own key, a bad domain, a regex without depth. */
	say(&s, "alice pw", NULL, NULL);
	p.local = true;
	p.level = 2;
	p.depth = 2;
	p.amount = 60;
	p.domain = "example.org";
	p.expires = weft_ctx_time(ctx) + 86400 * 30;
	T_ERR(weft_certify(ctx, alice, &p, NULL, NULL, &done),
	      GPG_ERR_INV_VALUE);
	p.domain = "example org";
	T_ERR(weft_certify(ctx, gpged, &p, NULL, NULL, &done),
	      GPG_ERR_INV_VALUE);
	p.domain = NULL;
	p.regexes = rx;
	p.nregexes = 1;
	p.depth = 0;
	T_ERR(weft_certify(ctx, gpged, &p, NULL, NULL, &done),
	      GPG_ERR_INV_VALUE);
	p.regexes = NULL;
	p.nregexes = 0;
	p.depth = 2;
	p.domain = "example.org";
	uids[0] = "nobody@example.org";
	p.uids = uids;
	p.nuids = 1;
	T_ERR(weft_certify(ctx, gpged, &p, NULL, NULL, &done),
	      GPG_ERR_NOT_FOUND);
	uids[0] = "ED@example.org";
	T_OK(weft_certify(ctx, gpged, &p, NULL, NULL, &done));
	T_EQ_INT(done, 1);
	weft_ctx_free(ctx);

	/* What show sees: verified, by Alice. */
	ctx = open_ctx(NULL);
	T_OK(weft_keys_find(ctx, gpged, WEFT_FIND_CERTIFICATIONS, &l));
	u = &l->keys[0].uids[0];
	T_EQ_INT(u->ncerts, 2);
	for (i = 0; i < u->ncerts; i++) {
		const weft_certification_info *ci = &u->certs[i];

		T_CHECK(ci->verified, "certification %zu verified", i);
		T_EQ_STR(ci->issuer, alice);
		if (ci->local) {
			T_EQ_INT(ci->level, 2);
			T_EQ_INT(ci->trust_depth, 2);
			T_EQ_INT(ci->trust_amount, 60);
			T_EQ_STR(ci->regex, "<[^>]+[@.]example\\.org>$");
			T_CHECK(ci->expires > ci->created, "expires");
		} else {
			T_EQ_INT(ci->level, 0);
			T_EQ_INT(ci->trust_depth, -1);
		}
	}
	weft_key_list_free(l);
	weft_ctx_free(ctx);

	/* Revoke: both (the newest is the local one), then nothing left. */
	say(&s, "alice pw", NULL, NULL);
	ctx = open_ctx(&s);
	memset(&rp, 0, sizeof rp);
	rp.by = alice;
	rp.reason = 7;
	T_ERR(weft_revoke_certifications(ctx, gpged, &rp, NULL, NULL, &done),
	      GPG_ERR_INV_VALUE);
	rp.reason = -1;
	rp.comment = "not checked any more";
	T_OK(weft_revoke_certifications(ctx, gpged, &rp, NULL, NULL, &done));
	T_EQ_INT(done, 1);
	say(&s, NULL, NULL, NULL);
	T_OK(weft_revoke_certifications(ctx, gpged, &rp, NULL, NULL, &done));
	T_EQ_INT(done, 0);
	T_EQ_INT(s.calls, 0);
	/* Bob (v6, clear) certifies too, without a passphrase. */
	memset(&p, 0, sizeof p);
	p.by = bob;
	T_OK(weft_certify(ctx, gpged, &p, NULL, NULL, &done));
	T_EQ_INT(done, 1);
	T_EQ_INT(s.calls, 0);
	weft_ctx_free(ctx);
	ctx = open_ctx(NULL);
	T_OK(weft_keys_find(ctx, gpged, WEFT_FIND_CERTIFICATIONS, &l));
	u = &l->keys[0].uids[0];
	for (i = 0; i < u->ncerts; i++) {
		if (u->certs[i].revocation)
			T_EQ_STR(u->certs[i].issuer, alice);
		if (!strcmp(u->certs[i].issuer, bob))
			T_CHECK(u->certs[i].verified, "v6 certification verified");
	}
	weft_key_list_free(l);
	weft_ctx_free(ctx);

	/* The stub: its primary cannot certify. */
	data = slurp("gpg-ed25519-stub.pgp", &len);
	{
		char stubhome[300];
		weft_import_stats st;

		snprintf(stubhome, sizeof stubhome, "%s/stub", home);
		T_OK(weft_ctx_new(&ctx));
		T_OK(weft_ctx_open(ctx, stubhome, 0));
		T_OK(weft_import(ctx, data, len, "stub", NULL, NULL, &st));
		T_EQ_INT(st.secret_imported, 1);
		free(data);
		data = slurp("gpg-ed25519-clear.pgp", &len);
		T_OK(weft_import(ctx, data, len, "clear", NULL, NULL, &st));
		T_EQ_INT(st.secret_skipped, 1);
		memset(&p, 0, sizeof p);
		T_ERR(weft_certify(ctx, "clear@example.org", &p, NULL, NULL,
				   &done), GPG_ERR_NO_SECKEY);
		T_CHECK(strstr(weft_ctx_error(ctx), "only subkeys"),
			"stub: %s", weft_ctx_error(ctx));
		weft_ctx_free(ctx);
	}
	free(data);
}

static void
exporting(void)
{
	weft_ctx *ctx = open_ctx(NULL);
	uint8_t *out = NULL, *orig;
	size_t outlen = 0, olen, i, nsec = 0;
	const char *q[1];
	st_file f;
	weft_reader r;
	weft_packet pkt;
	FILE *tmp;
	char path[300];

	q[0] = gpged;
	T_OK(weft_export(ctx, q, 1, WEFT_EXPORT_SECRET, &out, &outlen));
	/* The secret packets are gpg's, byte for byte. */
	snprintf(path, sizeof path, "%s/out.pgp", home);
	tmp = fopen(path, "wb");
	fwrite(out, 1, outlen, tmp);
	fclose(tmp);
	st_load(&f, path);
	orig = slurp("gpg-ed25519-pw.pgp", &olen);
	weft_reader_init(&r, orig, olen);
	while (!weft_packet_next(&r, &pkt, NULL)) {
		if (pkt.tag == 5 || pkt.tag == 7) {
			for (i = 0; i < f.n; i++)
				if (f.pkts[i].tag == pkt.tag &&
				    f.pkts[i].body_len == pkt.body_len &&
				    !memcmp(f.pkts[i].body, pkt.body,
					    pkt.body_len))
					break;
			T_CHECK(i < f.n, "secret packet exported as imported");
			nsec++;
		}
		weft_packet_release(&pkt);
	}
	T_EQ_INT(nsec, 2);
	st_free(&f);
	free(orig);
	free(out);
	/* Armored. */
	T_OK(weft_export(ctx, q, 1, WEFT_EXPORT_SECRET | WEFT_EXPORT_ARMOR,
			 &out, &outlen));
	T_CHECK(outlen > 40 && !memcmp(out, "-----BEGIN PGP PRIVATE KEY BLOCK",
				       32), "armor label");
	free(out);
	/* A key without secrets, and nothing at all. */
	q[0] = "clear@example.org";
	T_OK(weft_export(ctx, q, 1, WEFT_EXPORT_SECRET, &out, &outlen));
	free(out);
	q[0] = "nobody@example.org";
	T_ERR(weft_export(ctx, q, 1, WEFT_EXPORT_SECRET, &out, &outlen),
	      GPG_ERR_NOT_FOUND);
	T_OK(weft_export(ctx, NULL, 0, WEFT_EXPORT_SECRET, &out, &outlen));
	free(out);
	weft_ctx_free(ctx);
	/* A keyring with the stub: the primary is exported as gpg's
	 * gnu-dummy, the subkey as stored. */
	snprintf(path, sizeof path, "%s/stub", home);
	T_OK(weft_ctx_new(&ctx));
	T_OK(weft_ctx_open(ctx, path, 0));
	q[0] = gpged;
	T_OK(weft_export(ctx, q, 1, WEFT_EXPORT_SECRET, &out, &outlen));
	{
		weft_pkt_key k;
		weft_pkt_secret s;

		weft_reader_init(&r, out, outlen);
		T_OK(weft_packet_next(&r, &pkt, NULL));
		T_EQ_INT(pkt.tag, WEFT_PKT_SECRET_KEY);
		T_OK(weft_pkt_key_parse(&k, pkt.tag, pkt.body, pkt.body_len,
					NULL));
		T_OK(weft_pkt_secret_parse(&s, &k, NULL));
		T_CHECK(s.stub && s.s2k.gnu_mode == WEFT_GNU_DUMMY,
			"gnu-dummy primary");
	}
	free(out);
	T_OK(weft_export(ctx, NULL, 0, WEFT_EXPORT_LOCAL | WEFT_EXPORT_SECRET,
			 &out, &outlen));
	free(out);
	weft_ctx_free(ctx);
}

int
main(void)
{
	char cmd[300];

	snprintf(home, sizeof home, "%s/weft-unit-secret.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(home)) {
		printf("FAIL mkdtemp\n");
		return 1;
	}
	generating();
	importing();
	certifying();
	exporting();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", home);
	if (system(cmd))
		printf("note: could not remove %s\n", home);
	return t_done();
}
