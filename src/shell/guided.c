/* guided.c - the shell's guided certification (sign); the keysigning
 * party walk runs the same flow (party.c).
 *
 * sign asks its questions one after the other; every answer can also be
 * given as an option.  Nothing touches the keyring until the last "yes":
 * the passphrase is asked (and checked) before the summary and kept in
 * secure memory until the certification is made (cli_passphrase_hold).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guided.h"

const opt_spec shell_sign_opts[] = {
	{ "uid", 0, true, G_UID, "UID",
	  "certify this user ID (repeatable; exact, an address or a part)" },
	{ "level", 0, true, G_LEVEL, "0-3",
	  "how carefully you checked: 0 not said, 1 not, 2 casually, 3 well" },
	{ "local", 0, false, G_LOCAL, NULL, "a local certification (not exported)" },
	{ "exportable", 0, false, G_EXPORTABLE, NULL,
	  "an exportable certification (the default)" },
	{ "introducer", 0, false, G_INTRODUCER, NULL,
	  "make the key's owner a trusted introducer" },
	{ "no-introducer", 0, false, G_NO_INTRODUCER, NULL,
	  "do not (the default)" },
	{ "depth", 0, true, G_DEPTH, "N", "introducer: how many levels deep (1)" },
	{ "amount", 0, true, G_AMOUNT, "N",
	  "introducer: 120 fully (default), 60 partially trusted" },
	{ "domain", 0, true, G_DOMAIN, "D",
	  "introducer: only for addresses in domain D" },
	{ "expires", 0, true, G_EXPIRES, "T",
	  "never (default), 2y, 6m, 30d, or a date" },
	{ "by", 0, true, G_BY, "MYKEY", "which of your keys certifies" },
	{ "yes", 'y', false, G_YES, NULL, "do not ask for a last confirmation" },
	OPT_END
};

/* ---- answers ------------------------------------------------------------------------ */

static bool
parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* Fill A from the options of R; false (message printed) on a bad value. */
static bool
answers_from_opts(answers *a, const opt_result *r)
{
	int i;

	for (i = 0; i < r->nopts; i++) {
		const char *v = r->opts[i].arg;

		switch (r->opts[i].id) {
		case G_UID:
			if (a->nuids == 64) {
				fprintf(stderr, "weft: sign: at most 64 --uid\n");
				return false;
			}
			a->uids[a->nuids++] = v;
			a->uids_set = true;
			break;
		case G_LEVEL:
			if (!parse_int(v, 0, 3, &a->level)) {
				fprintf(stderr, "weft: sign: --level %s: give 0, 1, 2 or 3\n", v);
				return false;
			}
			a->level_set = true;
			break;
		case G_LOCAL:
		case G_EXPORTABLE:
			a->local = r->opts[i].id == G_LOCAL;
			a->local_set = true;
			break;
		case G_INTRODUCER:
		case G_NO_INTRODUCER:
			a->introducer = r->opts[i].id == G_INTRODUCER;
			a->introducer_set = true;
			break;
		case G_DEPTH:
			if (!parse_int(v, 1, 255, &a->depth)) {
				fprintf(stderr, "weft: sign: --depth %s: give 1 to 255 (255: unlimited)\n", v);
				return false;
			}
			a->depth_set = a->introducer = a->introducer_set = true;
			break;
		case G_AMOUNT:
			if (!parse_int(v, 1, 255, &a->amount)) {
				fprintf(stderr, "weft: sign: --amount %s: give 1 to 255 (120 fully, 60 partially)\n", v);
				return false;
			}
			a->amount_set = a->introducer = a->introducer_set = true;
			break;
		case G_DOMAIN:
			a->domain = v[0] ? v : NULL;
			a->domain_set = a->introducer = a->introducer_set = true;
			break;
		case G_EXPIRES:
			if (!parse_expiry(v, &a->expires, &a->expires_in)) {
				fprintf(stderr, "weft: sign: --expires %s: give never, 2y, 6m, 30d, 1w or a date\n", v);
				return false;
			}
			snprintf(a->expires_text, sizeof a->expires_text, "%s", v);
			a->expires_set = true;
			break;
		case G_BY:
			a->by = v;
			break;
		case G_YES:
			a->yes = true;
			break;
		default:
			break;
		}
	}
	return true;
}

/* ---- showing a key ------------------------------------------------------------------ */

void
guided_fpr_groups(const char *fpr)
{
	size_t i, n = strlen(fpr);

	for (i = 0; i < n; i += 4) {
		if (i)
			fputs(i == n / 2 ? "  " : " ", stdout);
		printf("%.4s", fpr + i);
	}
}

static bool
signable(const weft_uid_info *u)
{
	return !u->is_attribute && !u->revoked && !u->expired && !u->policy;
}

void
guided_show_key(const weft_key_info *k)
{
	char algo[32], date[16];
	size_t i;

	fmt_algo(algo, sizeof algo, k->algo, k->bits, k->curve);
	fmt_date(k->created, date, sizeof date);
	printf("  Fingerprint  ");
	guided_fpr_groups(k->fpr);
	printf("\n  Key          %s, created %s%s%s\n", algo, date,
	       k->revoked ? ", REVOKED" : "", k->expired ? ", EXPIRED" : "");
	for (i = 0; i < k->nuids; i++) {
		const weft_uid_info *u = &k->uids[i];

		printf("  %3zu. %s ", i + 1, fmt_validity_tag(u->validity));
		fput_escaped(stdout, u->uid, u->uid_len);
		if (u->is_attribute)
			printf("  (a photo: not signed)");
		else if (u->revoked)
			printf("  (revoked: cannot be signed)");
		else if (!signable(u))
			printf("  (not valid: cannot be signed)");
		putchar('\n');
	}
}

/* ---- the questions ------------------------------------------------------------------ */

/* Each returns 0, or 1 when the user gave up. */

static int
ask_uids(shell *sh, const weft_key_info *k, answers *a)
{
	char *ans, *p, *tok, *save;
	size_t i, pick[64];
	int v;

	if (a->uids_set || !sh->interactive)
		return 0;           /* a script: every valid one */
	for (;;) {
		if (!(ans = shell_ask(sh, "Which user IDs do you certify? Numbers "
				      "(1,3) or \"all\" [all valid ones]: ")))
			return 1;
		size_t np = 0;
		bool bad = false;

		if (!ans[0] || !strcasecmp(ans, "all")) {
			free(ans);
			a->nuids = 0;    /* every valid one */
			return 0;
		}
		for (p = ans; (tok = strtok_r(p, ", \t", &save)); p = NULL) {
			if (!parse_int(tok, 1, (int)k->nuids, &v) ||
			    !signable(&k->uids[v - 1])) {
				printf("%s: not the number of a user ID that can be "
				       "signed.\n", tok);
				bad = true;
				break;
			}
			if (np < 64)
				pick[np++] = (size_t)v - 1;
		}
		free(ans);
		if (bad || !np)
			continue;
		a->nuids = 0;
		for (i = 0; i < np; i++)
			a->uids[a->nuids++] = k->uids[pick[i]].uid;
		return 0;
	}
}

static int
ask_level(shell *sh, answers *a)
{
	char *ans;

	if (a->level_set || !sh->interactive)
		return 0;           /* a script: 0 */
	printf("How carefully have you checked that the key belongs to this person?\n"
	       "  0  I will not say (default)\n"
	       "  1  I have not checked at all\n"
	       "  2  I have done casual checking\n"
	       "  3  I have done very careful checking\n");
	for (;;) {
		if (!(ans = shell_ask(sh, "Your choice [0]: ")))
			return 1;
		if (!ans[0] || parse_int(ans, 0, 3, &a->level)) {
			if (!ans[0])
				a->level = 0;
			free(ans);
			return 0;
		}
		free(ans);
		printf("Please answer 0, 1, 2 or 3.\n");
	}
}

static int
ask_local(shell *sh, answers *a)
{
	char *ans;

	if (a->local_set || !sh->interactive)
		return 0;           /* a script: exportable */
	for (;;) {
		if (!(ans = shell_ask(sh, "Exportable (everyone who gets the key "
				      "sees it) or local (your keyring only)? "
				      "[E/l]: ")))
			return 1;
		if (!ans[0] || !strcasecmp(ans, "e") ||
		    !strcasecmp(ans, "exportable")) {
			a->local = false;
		} else if (!strcasecmp(ans, "l") || !strcasecmp(ans, "local")) {
			a->local = true;
		} else {
			free(ans);
			printf("Please answer e or l.\n");
			continue;
		}
		free(ans);
		return 0;
	}
}

static int
ask_introducer(shell *sh, answers *a)
{
	char *ans;
	bool gave_up;

	if (!a->introducer_set && !sh->interactive)
		a->introducer_set = true;   /* a script: no */
	if (!a->introducer_set) {
		a->introducer = shell_yes(sh, "Do you trust this person to certify "
					  "other people's keys (a trusted "
					  "introducer)? [y/N]: ", false,
					  &gave_up);
		if (gave_up)
			return 1;
	}
	if (!a->introducer)
		return 0;
	if (!sh->interactive) {     /* a script: 1, 120, any domain */
		if (!a->depth_set)
			a->depth = 1;
		if (!a->amount_set)
			a->amount = 120;
		return 0;
	}
	while (!a->depth_set) {
		if (!(ans = shell_ask(sh, "How many levels deep may they introduce "
				      "(1: only people they certify) [1]: ")))
			return 1;
		if (!ans[0])
			a->depth = 1, a->depth_set = true;
		else if (parse_int(ans, 1, 255, &a->depth))
			a->depth_set = true;
		else
			printf("Please answer 1 to 255 (255: unlimited).\n");
		free(ans);
	}
	while (!a->amount_set) {
		if (!(ans = shell_ask(sh, "How much do you trust them: 120 fully, "
				      "60 partially [120]: ")))
			return 1;
		if (!ans[0])
			a->amount = 120, a->amount_set = true;
		else if (parse_int(ans, 1, 120, &a->amount))
			a->amount_set = true;
		else
			printf("Please answer 1 to 120 (120 fully, 60 partially).\n");
		free(ans);
	}
	if (!a->domain_set) {
		if (!(ans = shell_ask(sh, "Only for addresses in one domain (e.g. "
				      "example.org; empty: any): ")))
			return 1;
		snprintf(a->domain_buf, sizeof a->domain_buf, "%s", ans);
		a->domain = a->domain_buf[0] ? a->domain_buf : NULL;
		a->domain_set = true;
		free(ans);
	}
	return 0;
}

static int
ask_expires(shell *sh, answers *a)
{
	char *ans;

	if (!sh->interactive && !a->expires_set) {
		snprintf(a->expires_text, sizeof a->expires_text, "never");
		return 0;
	}
	while (!a->expires_set) {
		if (!(ans = shell_ask(sh, "When does your certification expire "
				      "(never, 2y, 6m, 30d, or a date) [never]: ")))
			return 1;
		if (!ans[0] || parse_expiry(ans, &a->expires, &a->expires_in)) {
			snprintf(a->expires_text, sizeof a->expires_text, "%s",
				 ans[0] ? ans : "never");
			a->expires_set = true;
		} else {
			printf("Please answer never, a number with d, w, m or y, "
			       "or a date (2027-06-30).\n");
		}
		free(ans);
	}
	return 0;
}

/* ---- the flow ----------------------------------------------------------------------- */

static void
on_uid(void *opaque, const char *uid, size_t len, weft_uid_outcome what)
{
	sign_log *lg = opaque;
	signed_uid *v;

	printf("  %s ", what == WEFT_UID_CERTIFIED ? "certified:        "
		      : what == WEFT_UID_ALREADY ? "already certified:"
		      : "skipped:          ");
	fput_escaped(stdout, uid, len);
	putchar('\n');
	if (what == WEFT_UID_CERTIFIED)
		lg->new_certs++;
	if (what != WEFT_UID_CERTIFIED && what != WEFT_UID_ALREADY)
		return;
	if (lg->n == lg->cap) {
		size_t cap = lg->cap ? 2 * lg->cap : 8;

		if (!(v = realloc(lg->v, cap * sizeof *v)))
			return;
		lg->v = v;
		lg->cap = cap;
	}
	v = &lg->v[lg->n];
	snprintf(v->fpr, sizeof v->fpr, "%s", lg->fpr);
	snprintf(v->keyid, sizeof v->keyid, "%s", lg->keyid);
	if (!(v->uid = malloc(len + 1)))
		return;
	memcpy(v->uid, uid, len);
	v->uid[len] = 0;
	v->uid_len = len;
	v->local = lg->local;
	lg->n++;
}

void
sign_log_free(sign_log *lg)
{
	size_t i;

	for (i = 0; i < lg->n; i++)
		free(lg->v[i].uid);
	free(lg->v);
	memset(lg, 0, sizeof *lg);
}

static void
put_uid_line(const char *uid, size_t len)
{
	printf("    ");
	fput_escaped(stdout, uid, len);
	putchar('\n');
}

static void
summary(const answers *a, const weft_key_info *k, const char *mydesc)
{
	size_t i, j;

	printf("\nYou are about to certify\n");
	for (i = 0; i < (a->nuids ? a->nuids : k->nuids); i++) {
		if (!a->nuids) {
			if (signable(&k->uids[i]))
				put_uid_line(k->uids[i].uid, k->uids[i].uid_len);
			continue;
		}
		/* the user ID as the key has it, when it is one of its */
		for (j = 0; j < k->nuids; j++)
			if (k->uids[j].uid == a->uids[i])
				break;
		if (j < k->nuids)
			put_uid_line(k->uids[j].uid, k->uids[j].uid_len);
		else
			put_uid_line(a->uids[i], strlen(a->uids[i]));
	}
	printf("  of the key  ");
	guided_fpr_groups(k->fpr);
	printf("\n  with yours  %s\n", mydesc);
	printf("  level %d (%s), %s, %s%s\n", a->level,
	       a->level == 0 ? "not said" : a->level == 1 ? "not checked"
	       : a->level == 2 ? "checked casually" : "checked carefully",
	       a->local ? "local (not exported)" : "exportable",
	       a->expires || a->expires_in ? "expires " : "never expires",
	       a->expires || a->expires_in ? a->expires_text : "");
	if (a->introducer)
		printf("  a trusted introducer: depth %d%s, amount %d (%s)%s%s\n",
		       a->depth, a->depth == 255 ? " (unlimited)" : "",
		       a->amount, a->amount >= 120 ? "fully trusted"
		       : "partially trusted",
		       a->domain ? ", only for addresses in " : "",
		       a->domain ? a->domain : "");
}

int
sign_flow(shell *sh, cli *c, const char *query, answers *a, sign_log *log,
	  bool show, bool *cancelled)
{
	weft_key_list *l = NULL;
	const weft_key_info *k;
	weft_certify_params p;
	char myfpr[65], mydesc[512];
	sign_log local = { 0 };
	size_t done = 0;
	gpg_error_t err;
	int rc = EXIT_OK;
	bool gave_up = false;

	*cancelled = false;
	if (!log)
		log = &local;
	err = weft_keys_find(c->ctx, query, 0, &l);
	if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND) {
		rc = cli_fail(c, err, "sign");
		goto leave;
	}
	if (!l || !l->n) {
		fprintf(stderr, "weft: sign: no key matches \"%s\"\n", query);
		rc = EXIT_NEGATIVE;
		goto leave;
	}
	if (l->n > 1) {
		fprintf(stderr, "weft: sign: \"%s\" matches %zu keys; give the "
			"fingerprint of one:\n", query, l->n);
		shell_put_matches(l);
		rc = EXIT_NEGATIVE;
		goto leave;
	}
	k = &l->keys[0];
	log->fpr = k->fpr;
	log->keyid = k->keyid;
	if (k->has_secret) {
		fprintf(stderr, "weft: sign: that is your own key\n");
		rc = EXIT_ERROR;
		goto leave;
	}
	if (show)
		guided_show_key(k);
	if (!sh->interactive && !a->yes) {
		fprintf(stderr, "weft: sign: nothing is asked in a script: give "
			"the answers as options and --yes\n");
		rc = EXIT_ERROR;
		goto leave;
	}
	if (ask_uids(sh, k, a) || ask_level(sh, a) || ask_local(sh, a) ||
	    ask_introducer(sh, a) || ask_expires(sh, a)) {
		gave_up = true;
		goto leave;
	}
	/* The passphrase, before the last question. */
	err = weft_secret_check(c->ctx, a->by, myfpr, mydesc, sizeof mydesc);
	if (gpg_err_code(err) == GPG_ERR_CANCELED) {
		gave_up = true;
		goto leave;
	}
	if (err) {
		rc = cli_fail_secret(c, err, "sign");
		goto leave;
	}
	summary(a, k, mydesc);
	if (!a->yes) {
		if (!shell_yes(sh, "Certify? [y/N]: ", false, &gave_up) ||
		    gave_up) {
			gave_up = true;
			goto leave;
		}
	}
	memset(&p, 0, sizeof p);
	p.by = myfpr;
	p.uids = a->nuids ? a->uids : NULL;
	p.nuids = a->nuids;
	p.local = a->local;
	p.level = a->level;
	if (a->introducer) {
		p.depth = a->depth_set ? a->depth : 1;
		p.amount = a->amount_set ? a->amount : 120;
		p.domain = a->domain;
	}
	p.expires = a->expires;
	p.expires_in = a->expires_in;
	log->local = a->local;
	err = weft_certify(c->ctx, k->fpr, &p, on_uid, log, &done);
	if (err) {
		rc = cli_fail_secret(c, err, "sign");
		goto leave;
	}
	if (done)
		printf("Done: %zu new certification%s.\n", done,
		       done == 1 ? "" : "s");
	else
		printf("Nothing new: the key carries these certifications already.\n");
leave:
	if (gave_up) {
		printf("\nCancelled: nothing was written.\n");
		*cancelled = true;
		rc = EXIT_NEGATIVE;
	}
	sign_log_free(&local);
	weft_key_list_free(l);
	return rc;
}

int
shell_sign(shell *sh, char **words, int n)
{
	cli c;
	opt_result r;
	answers a;
	bool cancelled;
	int rc;

	if ((rc = shell_begin(sh, &c, "sign", shell_sign_opts, words, n, 0,
			      &r))) {
		if (rc < 0)
			shell_help_builtin(shell_builtin_find("sign"));
		return rc < 0 ? EXIT_OK : rc;
	}
	memset(&a, 0, sizeof a);
	if (r.nargs != 1) {
		fprintf(stderr, "weft: sign: give one key (or \"use\" one first)\n");
		rc = EXIT_ERROR;
	} else if (!answers_from_opts(&a, &r)) {
		rc = EXIT_ERROR;
	} else {
		cli_passphrase_hold();
		rc = sign_flow(sh, &c, r.args[0], &a, NULL, true, &cancelled);
		cli_passphrase_forget();
	}
	shell_end(sh, &c, &r);
	return rc;
}

