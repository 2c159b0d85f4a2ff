/* cmd-trust.c - weft authenticate, lookup, identify, path, check: trust
 * questions, their answers and the paths behind them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const opt_spec authenticate_opts[] = {
	TRUST_OPTS,
	{ "email", 0, false, OPT_EMAIL, NULL,
	  "UID is an email address: every user ID with it" },
	OPT_END
};
const opt_spec lookup_opts[] = {
	TRUST_OPTS,
	{ "email", 0, false, OPT_EMAIL, NULL,
	  "match the email address of user IDs, not the whole user ID" },
	OPT_END
};
const opt_spec identify_opts[] = { TRUST_OPTS, OPT_END };
const opt_spec path_opts[] = { TRUST_OPTS, OPT_END };
const opt_spec check_opts[] = { TRUST_OPTS, OPT_END };


static int
parse_int(cli *c, const char *opt, const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi) {
		cli_err(c, "--%s %s: give a number from %d to %d", opt, s, lo,
			hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Options shared by the trust commands; returns 0 or an exit status. */
int
trust_args_parse(cli *c, const opt_result *r, trust_args *ta)
{
	int i;

	memset(ta, 0, sizeof *ta);
	for (i = 0; i < r->nopts; i++) {
		const char *a = r->opts[i].arg;

		switch (r->opts[i].id) {
		case OPT_AMOUNT:
			if (parse_int(c, "amount", a, 1, 100000, &ta->o.amount))
				return EXIT_ERROR;
			break;
		case OPT_FULL: ta->o.amount = 120; break;
		case OPT_PARTIAL: ta->o.amount = 40; break;
		case OPT_DOUBLE: ta->o.amount = 240; break;
		case OPT_GOSSIP: ta->o.flags |= WEFT_TRUST_GOSSIP; break;
		case OPT_EMAIL: ta->o.flags |= WEFT_TRUST_EMAIL; break;
		case OPT_ROOT: {
			const char **n = realloc(ta->roots, (ta->nroots + 1) *
						 sizeof *n);
			if (!n)
				return EXIT_ERROR;
			ta->roots = n;
			ta->roots[ta->nroots++] = a;
			break;
		}
		case OPT_MODEL:
			if (!strcmp(a, "wot") || !strcmp(a, "sequoia"))
				ta->o.model = WEFT_MODEL_WOT;
			else if (!strcmp(a, "gnupg") || !strcmp(a, "pgp"))
				ta->o.model = WEFT_MODEL_GNUPG;
			else {
				cli_err(c, "--model %s: give wot or gnupg", a);
				return EXIT_ERROR;
			}
			break;
		case OPT_MARGINALS:
			if (parse_int(c, "marginals-needed", a, 2, 100,
				      &ta->o.gnupg.marginals_needed))
				return EXIT_ERROR;
			break;
		case OPT_COMPLETES:
			if (parse_int(c, "completes-needed", a, 1, 100,
				      &ta->o.gnupg.completes_needed))
				return EXIT_ERROR;
			break;
		case OPT_MAXDEPTH:
			if (parse_int(c, "max-cert-depth", a, 1, 255,
				      &ta->o.gnupg.max_cert_depth))
				return EXIT_ERROR;
			break;
		case OPT_MINLEVEL:
			if (parse_int(c, "min-cert-level", a, 0, 3,
				      &ta->o.gnupg.min_cert_level))
				return EXIT_ERROR;
			break;
		}
	}
	if (ta->nroots) {
		ta->o.roots = ta->roots;
		ta->o.nroots = ta->nroots;
	}
	return 0;
}

/* ---- output -------------------------------------------------------------------- */

static const char *
label(int amount, int requested, bool gossip)
{
	if (gossip)
		return "gossip (not authenticated)";
	if (amount >= 240)
		return "doubly authenticated";
	if (amount >= 120)
		return "fully authenticated";
	if (amount >= requested && amount > 0)
		return "authenticated";
	if (amount >= 40)
		return "partially authenticated";
	if (amount > 0)
		return "marginally authenticated";
	return "not authenticated";
}

static void
json_path(json *j, const weft_path_info *p)
{
	size_t i;

	json_begin_obj(j);
	json_key(j, "amount");
	json_int(j, p->amount);
	json_key(j, "fingerprints");
	json_begin_arr(j);
	for (i = 0; i < p->n; i++)
		json_str(j, p->fprs[i]);
	json_end_arr(j);
	json_key(j, "hops");
	json_begin_arr(j);
	for (i = 0; i + 1 < p->n; i++) {
		const weft_hop *h = &p->hops[i];

		json_begin_obj(j);
		json_key(j, "issuer");
		json_str(j, h->issuer);
		json_key(j, "target");
		json_str(j, h->target);
		json_key(j, "userid");
		if (h->uid)
			json_strn(j, h->uid, h->uid_len);
		else
			json_null(j);
		json_key(j, "self_signature");
		json_bool(j, h->self);
		json_key(j, "created");
		json_time(j, h->self ? 0 : h->created);
		json_key(j, "expires");
		json_time(j, h->expires);
		json_key(j, "level");
		json_int(j, h->level);
		json_key(j, "trust_depth");
		json_int(j, h->depth);
		json_key(j, "trust_amount");
		json_int(j, h->amount);
		json_key(j, "regex");
		json_str(j, h->regex);
		if (h->x509) {
			json_key(j, "x509");
			json_str(j, h->x509);
		}
		json_end_obj(j);
	}
	json_end_arr(j);
	json_end_obj(j);
}

void
json_binding(json *j, const weft_binding_info *b)
{
	size_t i;

	json_begin_obj(j);
	json_key(j, "fingerprint");
	json_str(j, b->fpr);
	json_key(j, "userid");
	json_strn(j, b->uid, b->uid_len);
	json_key(j, "amount");
	json_int(j, b->amount);
	json_key(j, "requested");
	json_int(j, b->requested);
	json_key(j, "authenticated");
	json_bool(j, b->authenticated);
	json_key(j, "validity");
	json_str(j, weft_validity_name(b->validity));
	json_key(j, "paths");
	json_begin_arr(j);
	for (i = 0; i < b->npaths; i++)
		json_path(j, &b->paths[i]);
	json_end_arr(j);
	if (b->x509) {
		json_key(j, "x509");
		json_str(j, b->x509);
	}
	json_end_obj(j);
}

static void
put_name(FILE *f, const char *name)
{
	if (name)
		fput_escaped(f, name, strlen(name));
	else
		fputs("[no user ID]", f);
}

static const char *
depth_text(int depth, char *buf, size_t n)
{
	if (depth == 255)
		snprintf(buf, n, "unlimited");
	else
		snprintf(buf, n, "%d", depth);
	return buf;
}

/* A path, hop by hop, with what each hop allows. */
static void
human_path(FILE *f, const weft_path_info *p, size_t idx, size_t total)
{
	char d[16], e[16], depth[16];
	size_t i;

	if (total > 1)
		fprintf(f, "  path %zu of %zu, amount %d:\n", idx + 1, total,
			p->amount);
	else
		fprintf(f, "  path, amount %d:\n", p->amount);
	fprintf(f, "    \xe2\x97\xaf %s (", p->fprs[0]);
	put_name(f, p->names[0]);
	fputs(")\n", f);
	if (p->n == 1) {
		fputs("    \xe2\x94\x82   is a trust root and self-signed this user ID\n",
		      f);
		return;
	}
	for (i = 0; i + 1 < p->n; i++) {
		const weft_hop *h = &p->hops[i];
		bool last = i + 2 == p->n;

		if (h->self) {
			fputs("    \xe2\x94\x82   self-signed this user ID as a trusted introducer\n",
			      f);
		} else {
			fmt_date(h->created, d, sizeof d);
			fprintf(f, "    \xe2\x94\x82   certified \"");
			if (h->uid)
				fput_escaped(f, h->uid, h->uid_len);
			fprintf(f, "\" on %s", d);
			if (h->expires) {
				fmt_date(h->expires, e, sizeof e);
				fprintf(f, " (expires %s)", e);
			}
			if (h->level)
				fprintf(f, ", level %d", h->level);
			fputc('\n', f);
			if (h->depth > 0) {
				fprintf(f, "    \xe2\x94\x82   as a %s introducer (depth %s, amount %d",
					h->amount >= 120 ? "fully trusted"
					: "partially trusted",
					depth_text(h->depth, depth, sizeof depth),
					h->amount);
				if (h->regex) {
					fputs(", only for user IDs matching ", f);
					fput_escaped(f, h->regex, strlen(h->regex));
					if (h->nregex > 1)
						fprintf(f, " and %zu more",
							h->nregex - 1);
				}
				fputs(")\n", f);
			} else if (h->amount < 120) {
				fprintf(f, "    \xe2\x94\x82   with amount %d of 120\n",
					h->amount);
			}
		}
		if (h->x509) {
			fputs("    \xe2\x94\x82   ", f);
			fput_escaped(f, h->x509, strlen(h->x509));
			fputc('\n', f);
		}
		fprintf(f, "    %s %s ", last ? "\xe2\x94\x94" : "\xe2\x94\x9c",
			p->fprs[i + 1]);
		if (last) {
			fputc('"', f);
			if (h->uid)
				fput_escaped(f, h->uid, h->uid_len);
			fputs("\"\n", f);
		} else {
			fputc('(', f);
			put_name(f, p->names[i + 1]);
			fputs(")\n", f);
		}
	}
}

static void
human_binding(cli *c, const weft_binding_info *b, bool gossip, bool gnupg)
{
	FILE *f = c->out;
	size_t i;

	fprintf(f, "[%s] %s ", b->authenticated ? "\xe2\x9c\x93" : " ", b->fpr);
	fput_escaped(f, b->uid, b->uid_len);
	if (gnupg) {
		/* GnuPG's model has validities, not amounts. */
		fprintf(f, ": %s (gnupg validity %s)\n",
			b->authenticated ? "authenticated" : "not authenticated",
			weft_validity_name(b->validity));
		return;
	}
	fprintf(f, ": %s", label(b->amount, b->requested, gossip));
	if (!gossip)
		fprintf(f, " (amount %d of %d)", b->amount, b->requested);
	if (b->validity == WEFT_VALIDITY_EXPIRED ||
	    b->validity == WEFT_VALIDITY_REVOKED)
		fprintf(f, " [%s]", weft_validity_name(b->validity));
	fputc('\n', f);
	if (c->verbose && b->x509) {
		fputs("  X.509 ", f);
		fput_escaped(f, b->x509, strlen(b->x509));
		fputc('\n', f);
	}
	if (c->verbose || gossip)
		for (i = 0; i < b->npaths; i++)
			human_path(f, &b->paths[i], i, b->npaths);
}

/* Print a list (one object for authenticate/path, {"bindings": []}
 * otherwise) and work out the exit status. */
static int
report(cli *c, const weft_binding_list *l, const trust_args *ta, bool single,
       bool quiet_when_empty)
{
	bool any = false, gossip = (ta->o.flags & WEFT_TRUST_GOSSIP) != 0;
	size_t i;
	json j;

	for (i = 0; i < l->n; i++)
		any |= l->v[i].authenticated;
	if (c->json) {
		json_init(&j, c->out);
		if (single && l->n == 1) {
			json_binding(&j, &l->v[0]);
		} else {
			json_begin_obj(&j);
			json_key(&j, "bindings");
			json_begin_arr(&j);
			for (i = 0; i < l->n; i++)
				json_binding(&j, &l->v[i]);
			json_end_arr(&j);
			json_end_obj(&j);
		}
		json_end(&j);
	} else if (!c->quiet) {
		for (i = 0; i < l->n; i++)
			if (l->v[i].amount > 0 || single || c->verbose || gossip)
				human_binding(c, &l->v[i], gossip,
					      ta->o.model == WEFT_MODEL_GNUPG);
		if (!l->n && !quiet_when_empty)
			fprintf(c->out, "no matching bindings\n");
	}
	return any ? EXIT_OK : EXIT_NEGATIVE;
}

int
print_bindings(cli *c, const weft_binding_list *l, bool gossip)
{
	trust_args ta;

	memset(&ta, 0, sizeof ta);
	if (gossip)
		ta.o.flags |= WEFT_TRUST_GOSSIP;
	return report(c, l, &ta, false, false);
}

/* ---- commands ------------------------------------------------------------------- */

static int
finish(cli *c, gpg_error_t err, weft_binding_list *l, trust_args *ta,
       bool single, const char *what)
{
	int rc;

	if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND) {
		rc = cli_fail(c, err, what);
	} else {
		/* The X.509 certificates behind keys and hops (-v, --json). */
		if (l && (c->verbose || c->json) &&
		    weft_x509_annotate(c->ctx, l) && !c->quiet)
			cli_err(c, "%s: the X.509 details are not available: %s",
				what, weft_ctx_error(c->ctx));
		if (err && !c->json)
			cli_err(c, "%s", weft_ctx_error(c->ctx));
		rc = l ? report(c, l, ta, single, err != 0) : EXIT_NEGATIVE;
	}
	weft_binding_list_free(l);
	free(ta->roots);
	return rc;
}

int
cmd_authenticate(cli *c, const opt_result *r)
{
	trust_args ta;
	weft_binding_list *l = NULL;
	int rc;
	gpg_error_t err;

	if ((rc = trust_args_parse(c, r, &ta)))
		return rc;
	if (r->nargs != 2) {
		free(ta.roots);
		return cli_usage(c, command_find("authenticate"),
				 "give a key and a user ID");
	}
	err = weft_authenticate(c->ctx, r->args[0], r->args[1], &ta.o, &l);
	return finish(c, err, l, &ta, !(ta.o.flags & WEFT_TRUST_EMAIL),
		      "authenticate");
}

int
cmd_lookup(cli *c, const opt_result *r)
{
	trust_args ta;
	weft_binding_list *l = NULL;
	int rc;
	gpg_error_t err;

	if ((rc = trust_args_parse(c, r, &ta)))
		return rc;
	if (r->nargs != 1) {
		free(ta.roots);
		return cli_usage(c, command_find("lookup"),
				 "give one user ID or email address");
	}
	/* An email address alone means --email, as users expect. */
	if (!strchr(r->args[0], '<') && strchr(r->args[0], '@') &&
	    !strchr(r->args[0], ' '))
		ta.o.flags |= WEFT_TRUST_EMAIL;
	err = weft_lookup(c->ctx, r->args[0], &ta.o, &l);
	/* X.509 certificates with that address that the web of trust
	 * cannot use at all now (not valid yet) are explained too. */
	if (!err && l && (c->verbose || c->json) &&
	    (ta.o.flags & WEFT_TRUST_EMAIL) &&
	    weft_x509_annotate_lookup(c->ctx, r->args[0], l) && !c->quiet)
		cli_err(c, "lookup: the X.509 details are not available: %s",
			weft_ctx_error(c->ctx));
	return finish(c, err, l, &ta, false, "lookup");
}

int
cmd_identify(cli *c, const opt_result *r)
{
	trust_args ta;
	weft_binding_list *l = NULL;
	int rc;
	gpg_error_t err;

	if ((rc = trust_args_parse(c, r, &ta)))
		return rc;
	if (r->nargs != 1) {
		free(ta.roots);
		return cli_usage(c, command_find("identify"), "give one key");
	}
	err = weft_identify(c->ctx, r->args[0], &ta.o, &l);
	return finish(c, err, l, &ta, false, "identify");
}

int
cmd_path(cli *c, const opt_result *r)
{
	trust_args ta;
	weft_binding_list *l = NULL;
	int rc;
	gpg_error_t err;

	if ((rc = trust_args_parse(c, r, &ta)))
		return rc;
	if (r->nargs < 2) {
		free(ta.roots);
		return cli_usage(c, command_find("path"),
				 "give the keys of the path, root first, then the user ID");
	}
	err = weft_path(c->ctx, (const char *const *)r->args,
			(size_t)r->nargs - 1, r->args[r->nargs - 1], &ta.o, &l);
	return finish(c, err, l, &ta, true, "path");
}

int
cmd_check(cli *c, const opt_result *r)
{
	trust_args ta;
	weft_check_stats st;
	json j;
	int rc, v;
	gpg_error_t err;

	if ((rc = trust_args_parse(c, r, &ta)))
		return rc;
	weft_ctx_set_progress(c->ctx, cli_progress, c);
	err = weft_check(c->ctx, &ta.o, &st);
	cli_progress_done(c);
	free(ta.roots);
	if (err)
		return cli_fail(c, err, "check");
	if (c->json) {
		json_init(&j, c->out);
		json_begin_obj(&j);
		json_key(&j, "keys");
		json_int(&j, (int64_t)st.keys);
		json_key(&j, "bindings");
		json_int(&j, (int64_t)st.bindings);
		json_key(&j, "authenticated");
		json_int(&j, (int64_t)st.authenticated);
		json_key(&j, "partially");
		json_int(&j, (int64_t)st.partially);
		json_key(&j, "validity");
		json_begin_obj(&j);
		for (v = 0; v < 8; v++) {
			json_key(&j, weft_validity_name((weft_validity)v));
			json_int(&j, (int64_t)st.by_validity[v]);
		}
		json_end_obj(&j);
		json_end_obj(&j);
		json_end(&j);
		return EXIT_OK;
	}
	if (!c->quiet) {
		fprintf(c->out, "%llu keys, %llu bindings: %llu authenticated, %llu partially\n",
			(unsigned long long)st.keys,
			(unsigned long long)st.bindings,
			(unsigned long long)st.authenticated,
			(unsigned long long)st.partially);
		for (v = 0; v < 8; v++)
			if (st.by_validity[v])
				fprintf(c->out, "  %-10s %llu\n",
					weft_validity_name((weft_validity)v),
					(unsigned long long)st.by_validity[v]);
	}
	return EXIT_OK;
}
