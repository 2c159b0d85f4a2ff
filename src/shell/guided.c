/* guided.c - the shell's guided certification (sign), the keysigning
 * party walk (party) and the explanation of a binding (why).
 *
 * sign asks its questions one after the other; every answer can also be
 * given as an option.  Nothing touches the keyring until the last "yes":
 * the passphrase is asked (and checked) before the summary and kept in
 * secure memory until the certification is made (cli_passphrase_hold).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shell.h"

enum {
	G_UID = 400, G_LEVEL, G_LOCAL, G_EXPORTABLE, G_INTRODUCER,
	G_NO_INTRODUCER, G_DEPTH, G_AMOUNT, G_DOMAIN, G_EXPIRES, G_BY, G_YES,
	G_OUT,
};

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

const opt_spec shell_party_opts[] = {
	{ "out", 0, true, G_OUT, "DIR",
	  "where the files to mail go (default party-DATE)" },
	{ "by", 0, true, G_BY, "MYKEY", "which of your keys certifies" },
	OPT_END
};

const opt_spec shell_why_opts[] = {
	TRUST_OPTS,
	OPT_END
};

/* ---- answers ------------------------------------------------------------------------ */

typedef struct answers {
	const char *uids[64];
	size_t nuids;
	bool uids_set;
	int level;
	bool level_set;
	bool local, local_set;
	bool introducer, introducer_set;
	int depth, amount;
	bool depth_set, amount_set;
	const char *domain;
	bool domain_set;
	char domain_buf[256];
	int64_t expires;
	uint32_t expires_in;
	bool expires_set;
	char expires_text[64];
	const char *by;
	bool yes;
} answers;

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

static void
put_fpr_groups(const char *fpr)
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

static void
show_key(const weft_key_info *k)
{
	char algo[32], date[16];
	size_t i;

	fmt_algo(algo, sizeof algo, k->algo, k->bits, k->curve);
	fmt_date(k->created, date, sizeof date);
	printf("  Fingerprint  ");
	put_fpr_groups(k->fpr);
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

typedef struct signed_uid {
	char fpr[65];
	char keyid[17];
	char *uid;
	size_t uid_len;
	bool local;              /* a local certification: nothing to mail */
} signed_uid;

typedef struct sign_log {
	signed_uid *v;
	size_t n, cap;
	size_t new_certs;
	const char *fpr, *keyid;
	bool local;
} sign_log;

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

static void
log_free(sign_log *lg)
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
	put_fpr_groups(k->fpr);
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

/* Sign the key QUERY on the open C with the answers A (questions for
 * what is missing when the shell is interactive).  LOG (may be NULL)
 * collects the user IDs certified.  Returns an exit status; *CANCELLED
 * says the user gave up or said no. */
static int
sign_flow(shell *sh, cli *c, const char *query, answers *a, sign_log *log,
	  bool show, bool *cancelled)
{
	weft_key_list *l = NULL;
	const weft_key_info *k;
	weft_certify_params p;
	char myfpr[65], mydesc[512];
	sign_log local = { 0 };
	size_t done = 0, i;
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
		for (i = 0; i < l->n && i < 10; i++) {
			fprintf(stderr, "  %s ", l->keys[i].fpr);
			if (l->keys[i].nuids)
				fput_escaped(stderr, l->keys[i].uids[0].uid,
					     l->keys[i].uids[0].uid_len);
			fputc('\n', stderr);
		}
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
		show_key(k);
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
	log_free(&local);
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

/* ---- party -------------------------------------------------------------------------- */

static bool
is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F') ||
	       (ch >= 'a' && ch <= 'f');
}

/* Append FPR (hex, LEN digits) to V unless it is there. */
static bool
add_fpr(char (**v)[65], size_t *n, const char *hex, size_t len)
{
	char up[65], (*nv)[65];
	size_t m;

	for (m = 0; m < len; m++)
		up[m] = (char)(hex[m] >= 'a' ? hex[m] - 32 : hex[m]);
	up[len] = 0;
	for (m = 0; m < *n; m++)
		if (!strcmp((*v)[m], up))
			return true;
	if (!(nv = realloc(*v, (*n + 1) * sizeof **v)))
		return false;
	*v = nv;
	memcpy((*v)[(*n)++], up, len + 1);
	return true;
}

/* The fingerprints of a party list.  A line's words that are all hex
 * digits and follow each other make a run; the longest stretch of whole
 * words that ends the run and adds up to 40 or 64 digits is the line's
 * fingerprint, so "Key fingerprint = 0123 4567 ..." and gpg's
 * "      0123 ... CDEF" both count, and a hex-looking word before the
 * groups ("Beef") does not spoil them.  Duplicates dropped. */
static int
read_party(cli *c, const char *path, char (**fprs)[65], size_t *n)
{
	uint8_t *data;
	size_t len, i, j, k, w, nw, a, b, sum;
	char (*v)[65] = NULL, hex[80];
	struct { size_t off, len; bool hex; } words[64];
	int rc;
	bool found;

	*fprs = NULL;
	*n = 0;
	if ((rc = cli_read_file(c, path, &data, &len)))
		return rc;
	for (i = 0; i < len; i = j + 1) {
		for (j = i; j < len && data[j] != '\n'; j++)
			;
		/* the line's words */
		for (k = i, nw = 0; k < j && nw < 64;) {
			while (k < j && (data[k] == ' ' || data[k] == '\t' ||
					 data[k] == '\r'))
				k++;
			if (k == j)
				break;
			words[nw].off = k;
			words[nw].hex = true;
			while (k < j && data[k] != ' ' && data[k] != '\t' &&
			       data[k] != '\r') {
				words[nw].hex &= is_hex((char)data[k]);
				k++;
			}
			words[nw].len = k - words[nw].off;
			nw++;
		}
		/* each run of hex words: the stretch that ends with it */
		found = false;
		for (a = 0; a < nw && !found; a = b + 1) {
			while (a < nw && !words[a].hex)
				a++;
			for (b = a; b + 1 < nw && words[b + 1].hex; b++)
				;
			if (a >= nw)
				break;
			for (w = a; w <= b && !found; w++) {
				for (k = w, sum = 0; k <= b; k++)
					sum += words[k].len;
				if (sum != 40 && sum != 64)
					continue;
				for (k = w, sum = 0; k <= b; k++) {
					memcpy(hex + sum, data + words[k].off,
					       words[k].len);
					sum += words[k].len;
				}
				if (!add_fpr(&v, n, hex, sum)) {
					free(v);
					free(data);
					cli_err(c, "party: out of memory");
					return EXIT_ERROR;
				}
				found = true;
			}
		}
	}
	free(data);
	*fprs = v;
	return 0;
}

/* A file name for a user ID: its address (or the user ID), with only
 * [A-Za-z0-9._@+-] kept. */
static void
file_part(const char *uid, size_t len, char *out, size_t outlen)
{
	const char *lt = memchr(uid, '<', len), *gt;
	size_t i, k = 0;

	if (lt && (gt = memchr(lt, '>', len - (size_t)(lt - uid)))) {
		len = (size_t)(gt - lt - 1);
		uid = lt + 1;
	}
	for (i = 0; i < len && k + 1 < outlen && k < 64; i++) {
		char ch = uid[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("._@+-", ch))
			out[k++] = ch;
		else if (k && out[k - 1] != '_')
			out[k++] = '_';
	}
	out[k] = 0;
	if (!k)
		snprintf(out, outlen, "uid");
}

static int
write_private(const char *path, const uint8_t *data, size_t len)
{
	char tmp[4300];
	int fd;
	size_t off = 0;
	ssize_t w;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (off < len) {
		w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
shell_party(shell *sh, char **words, int n)
{
	cli c;
	opt_result r;
	char (*fprs)[65] = NULL, outdir[4096], today[16];
	const char *out = NULL, *by = NULL;
	sign_log lg = { 0 };
	size_t nf = 0, i, nsigned = 0, nskipped = 0, nabsent = 0, nmissing = 0;
	size_t nlog_before;
	int rc, k;
	bool quit = false;

	if ((rc = shell_begin(sh, &c, "party", shell_party_opts, words, n, 0,
			      &r))) {
		if (rc < 0)
			shell_help_builtin(shell_builtin_find("party"));
		return rc < 0 ? EXIT_OK : rc;
	}
	for (k = 0; k < r.nopts; k++) {
		if (r.opts[k].id == G_OUT)
			out = r.opts[k].arg;
		else if (r.opts[k].id == G_BY)
			by = r.opts[k].arg;
	}
	if (r.nargs != 1) {
		fprintf(stderr, "weft: party: give the party's list (a file)\n");
		rc = EXIT_ERROR;
		goto leave;
	}
	if (!sh->interactive) {
		fprintf(stderr, "weft: party: needs a terminal (it asks about "
			"every key)\n");
		rc = EXIT_ERROR;
		goto leave;
	}
	if ((rc = read_party(&c, r.args[0], &fprs, &nf)))
		goto leave;
	if (!nf) {
		fprintf(stderr, "weft: party: %s: no fingerprints in it (40 or "
			"64 hex digits a line)\n", r.args[0]);
		rc = EXIT_ERROR;
		goto leave;
	}
	fmt_date(time(NULL), today, sizeof today);
	snprintf(outdir, sizeof outdir, "%s", out ? out : "");
	if (!out)
		snprintf(outdir, sizeof outdir, "party-%s", today);
	printf("%zu keys on the list.  For each: s sign, k skip, a absent "
	       "(not met), q stop.\n", nf);
	cli_passphrase_hold();     /* your passphrase once for the party */
	for (i = 0; i < nf && !quit; i++) {
		weft_key_list *l = NULL;
		char *ans;
		bool cancelled;

		printf("\n[%zu/%zu]\n", i + 1, nf);
		if (weft_keys_find(c.ctx, fprs[i], WEFT_FIND_EXACT, &l) ||
		    !l || l->n != 1) {
			printf("  Fingerprint  ");
			put_fpr_groups(fprs[i]);
			printf("\n  not in your keyring: import the party's "
			       "keyring first (weft import FILE); skipped\n");
			weft_key_list_free(l);
			nmissing++;
			continue;
		}
		show_key(&l->keys[0]);
		weft_key_list_free(l);
		for (;;) {
			if (!(ans = shell_ask(sh, "Sign (s), skip (k), absent (a) "
					      "or stop (q)? [s]: "))) {
				quit = true;
				break;
			}
			if (!ans[0] || !strcasecmp(ans, "s")) {
				answers a;

				free(ans);
				memset(&a, 0, sizeof a);
				a.by = by;
				nlog_before = lg.n;
				sign_flow(sh, &c, fprs[i], &a, &lg, false,
					  &cancelled);
				if (cancelled)
					nskipped++;
				else if (lg.n > nlog_before)
					nsigned++;
				break;
			}
			if (!strcasecmp(ans, "k")) {
				nskipped++;
			} else if (!strcasecmp(ans, "a")) {
				nabsent++;
			} else if (!strcasecmp(ans, "q")) {
				quit = true;
			} else {
				free(ans);
				printf("Please answer s, k, a or q.\n");
				continue;
			}
			free(ans);
			break;
		}
	}
	cli_passphrase_forget();
	printf("\nSigned %zu key%s; skipped %zu; absent %zu; not in the keyring "
	       "%zu%s.\n", nsigned, nsigned == 1 ? "" : "s", nskipped, nabsent,
	       nmissing, quit ? "; stopped early" : "");
	if (!lg.n) {
		rc = EXIT_OK;
		goto leave;
	}
	if (mkdir(outdir, 0700) && errno != EEXIST) {
		cli_err(&c, "party: %s: %s", outdir, strerror(errno));
		rc = EXIT_ERROR;
		goto leave;
	}
	printf("One file per user ID you certified, to mail to its address "
	       "(in %s/):\n", outdir);
	for (i = 0; i < lg.n; i++) {
		uint8_t *data = NULL;
		size_t len = 0;
		char part[80], path[4200];
		gpg_error_t err;

		if (lg.v[i].local) {
			printf("  (local, not exported: nothing to mail)  ");
			fput_escaped(stdout, lg.v[i].uid, lg.v[i].uid_len);
			putchar('\n');
			continue;
		}
		file_part(lg.v[i].uid, lg.v[i].uid_len, part, sizeof part);
		snprintf(path, sizeof path, "%s/%s-%s.asc", outdir,
			 lg.v[i].keyid, part);
		err = weft_export_uid(c.ctx, lg.v[i].fpr, lg.v[i].uid,
				      lg.v[i].uid_len, WEFT_EXPORT_ARMOR, &data,
				      &len);
		if (err) {
			rc = cli_fail(&c, err, "party: export");
			continue;
		}
		if (write_private(path, data, len)) {
			cli_err(&c, "party: %s: %s", path, strerror(errno));
			rc = EXIT_ERROR;
		} else {
			printf("  %s  ", path);
			fput_escaped(stdout, lg.v[i].uid, lg.v[i].uid_len);
			putchar('\n');
		}
		free(data);
	}
leave:
	free(fprs);
	log_free(&lg);
	shell_end(sh, &c, &r);
	return rc;
}

/* ---- why ---------------------------------------------------------------------------- */

static bool
looks_like_key(const char *s)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		if (*s == ' ')
			continue;
		if (!is_hex(*s))
			return false;
		n++;
	}
	return n == 16 || n == 40 || n == 64;
}

/* The fingerprint of the one key NAME names (weft_keys_find). */
static int
resolve_name(shell *sh, const char *name, char fpr[65])
{
	cli c;
	opt_result r;
	weft_key_list *l = NULL;
	gpg_error_t err;
	size_t i;
	int rc;

	if ((rc = shell_begin(sh, &c, "why", NULL, NULL, 0, WEFT_OPEN_READONLY,
			      &r)))
		return rc < 0 ? EXIT_ERROR : rc;
	err = weft_keys_find(c.ctx, name, 0, &l);
	if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND) {
		rc = cli_fail(&c, err, "why");
	} else if (!l || !l->n) {
		fprintf(stderr, "weft: why: no key matches \"%s\"\n", name);
		rc = EXIT_NEGATIVE;
	} else if (l->n > 1) {
		fprintf(stderr, "weft: why: \"%s\" matches %zu keys; give one:\n",
			name, l->n);
		for (i = 0; i < l->n && i < 10; i++) {
			fprintf(stderr, "  %s ", l->keys[i].fpr);
			if (l->keys[i].nuids)
				fput_escaped(stderr, l->keys[i].uids[0].uid,
					     l->keys[i].uids[0].uid_len);
			fputc('\n', stderr);
		}
		rc = EXIT_NEGATIVE;
	} else {
		snprintf(fpr, 65, "%s", l->keys[0].fpr);
	}
	weft_key_list_free(l);
	shell_end(sh, &c, &r);
	return rc;
}

int
shell_why(shell *sh, char **words, int n)
{
	char **v, fpr[65];
	const char *what;
	int i, k = 0, first = -1, rc;

	/* the one positional word; the rest are trust options */
	for (i = 1; i < n; i++) {
		if (words[i][0] == '-' && words[i][1]) {
			const opt_spec *o;

			for (o = shell_why_opts; o->name; o++)
				if (!strcmp(words[i] + 2, o->name) ||
				    (o->short_name && !words[i][2] &&
				     words[i][1] == o->short_name))
					break;
			if (!strcmp(words[i], "-h") || !strcmp(words[i], "--help")) {
				shell_help_builtin(shell_builtin_find("why"));
				return EXIT_OK;
			}
			if (o->name && o->has_arg)
				i++;
			continue;
		}
		if (first >= 0) {
			fprintf(stderr, "weft: why: give one key, address or name\n");
			return EXIT_ERROR;
		}
		first = i;
	}
	if (first < 0) {
		fprintf(stderr, "weft: why: give a key, an address or a name (or "
			"\"use\" a key first)\n");
		return EXIT_ERROR;
	}
	what = words[first];
	if (!(v = calloc((size_t)n + 6, sizeof *v)))
		return EXIT_ERROR;
	if (looks_like_key(what)) {
		v[k++] = "identify";
	} else if (strchr(what, '@') && !strchr(what, ' ') &&
		   !strchr(what, '<')) {
		v[k++] = "lookup";
		v[k++] = "--email";
	} else {
		/* a name: the one key whose user IDs contain it */
		if ((rc = resolve_name(sh, what, fpr))) {
			free(v);
			return rc;
		}
		v[k++] = "identify";
		what = fpr;
	}
	v[k++] = (char *)what;
	v[k++] = "-v";
	for (i = 1; i < n; i++)
		if (i != first)
			v[k++] = words[i];
	rc = shell_run_cli(sh, v, k);
	if (rc == EXIT_NEGATIVE) {
		printf("\nNot authenticated to the amount asked for.  What "
		       "certifies it, unchecked (hearsay, --gossip):\n");
		v[k++] = "--gossip";
		shell_run_cli(sh, v, k);
	}
	free(v);
	return rc;
}
