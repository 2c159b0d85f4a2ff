/* cmd-certify.c - weft certify KEY [UID...] [--local] [--level 0-3]
 * [--depth N] [--amount N] [--regex R | --domain D] [--expires T]
 * [--by MYKEY] */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	CERT_LOCAL = 100, CERT_LEVEL, CERT_DEPTH, CERT_AMOUNT, CERT_REGEX,
	CERT_DOMAIN, CERT_EXPIRES, CERT_BY,
};

const opt_spec certify_opts[] = {
	{ "local", 0, false, CERT_LOCAL, NULL,
	  "a local certification (not exported; gpg's lsign)" },
	{ "level", 0, true, CERT_LEVEL, "0-3",
	  "how well you checked: 0 not said (default), 1 not, 2 casually, 3 well" },
	{ "depth", 0, true, CERT_DEPTH, "N",
	  "a trust signature: KEY may introduce others N levels deep" },
	{ "amount", 0, true, CERT_AMOUNT, "N",
	  "trust amount of the trust signature: 120 full (default), 60 partial" },
	{ "regex", 0, true, CERT_REGEX, "R",
	  "only for user IDs matching R (may be repeated)" },
	{ "domain", 0, true, CERT_DOMAIN, "D",
	  "only for addresses in domain D (gpg's tsign regex)" },
	{ "expires", 0, true, CERT_EXPIRES, "T",
	  "2y, 6m, 30d, never (default), or an RFC 3339 date" },
	{ "by", 0, true, CERT_BY, "MYKEY", "which of your keys certifies" },
	OPT_END
};

typedef struct run {
	cli *c;
	const char *verb;
} run;

static void
on_uid(void *opaque, const char *uid, size_t len, weft_uid_outcome what)
{
	run *r = opaque;
	const char *s;

	switch (what) {
	case WEFT_UID_CERTIFIED: s = r->verb; break;
	case WEFT_UID_ALREADY:
		s = strcmp(r->verb, "revoked") ? "already certified"
					       : "already revoked";
		break;
	case WEFT_UID_NOT_CERTIFIED: s = "not certified by you"; break;
	default: s = "skipped"; break;
	}
	if (r->c->quiet || r->c->json)
		return;
	fprintf(r->c->out, "%-20s ", s);
	fput_escaped(r->c->out, uid, len);
	fputc('\n', r->c->out);
}

static bool
int_arg(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

int
cmd_certify(cli *c, const opt_result *r)
{
	const command *cmd = command_find("certify");
	weft_certify_params p;
	const char **regexes = NULL;
	size_t nregex = 0, done = 0;
	run ru = { c, "certified" };
	int i, rc;
	gpg_error_t err;

	memset(&p, 0, sizeof p);
	if (!(regexes = calloc((size_t)r->nopts + 1, sizeof *regexes)))
		return EXIT_ERROR;
	for (i = 0; i < r->nopts; i++) {
		const opt_value *v = &r->opts[i];

		switch (v->id) {
		case CERT_LOCAL:
			p.local = true;
			break;
		case CERT_LEVEL:
			if (!int_arg(v->arg, 0, 3, &p.level)) {
				free(regexes);
				return cli_usage(c, cmd, "--level %s: 0 to 3", v->arg);
			}
			break;
		case CERT_DEPTH:
			if (!int_arg(v->arg, 0, 255, &p.depth)) {
				free(regexes);
				return cli_usage(c, cmd, "--depth %s: 0 to 255 (255: no limit)",
						 v->arg);
			}
			break;
		case CERT_AMOUNT:
			if (!int_arg(v->arg, 1, 255, &p.amount)) {
				free(regexes);
				return cli_usage(c, cmd,
					"--amount %s: 1 to 255 (120 full, 60 partial)",
					v->arg);
			}
			break;
		case CERT_REGEX:
			regexes[nregex++] = v->arg;
			break;
		case CERT_DOMAIN:
			p.domain = v->arg;
			break;
		case CERT_EXPIRES:
			if (!parse_expiry(v->arg, &p.expires, &p.expires_in)) {
				free(regexes);
				return cli_usage(c, cmd,
					"--expires %s: give 2y, 6m, 30d, 1w, never or a "
					"date (2027-01-31)", v->arg);
			}
			break;
		case CERT_BY:
			p.by = v->arg;
			break;
		}
	}
	if (r->nargs < 1) {
		free(regexes);
		return cli_usage(c, cmd, "which key? give its fingerprint");
	}
	if (nregex && p.domain) {
		free(regexes);
		return cli_usage(c, cmd, "give --regex or --domain, not both");
	}
	p.regexes = regexes;
	p.nregexes = nregex;
	p.uids = (const char *const *)r->args + 1;
	p.nuids = (size_t)r->nargs - 1;
	err = weft_certify(c->ctx, r->args[0], &p, on_uid, &ru, &done);
	free(regexes);
	if (err)
		return cli_fail_secret(c, err, "certify");
	if (c->json) {
		json j;

		json_init(&j, c->out);
		json_begin_obj(&j);
		json_key(&j, "certified");
		json_int(&j, (int64_t)done);
		json_end_obj(&j);
		json_end(&j);
	}
	rc = EXIT_OK;
	return rc;
}
