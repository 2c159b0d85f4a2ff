/* cmd-x509.c - weft x509 import FILE... [--amount N] [--domain D]
 * [--depth-cap N] [--yes] [--by MYKEY] | list | show ID | remove ID
 * [--yes]: X.509 CA roots as scoped trusted introducers. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
	X_AMOUNT = 400, X_DOMAIN, X_DEPTHCAP, X_YES, X_BY,
};

const opt_spec x509_opts[] = {
	{ "amount", 'a', true, X_AMOUNT, "N",
	  "import: trust amount of new roots, 1 to 120 (default 120)" },
	{ "domain", 0, true, X_DOMAIN, "D",
	  "import: trust new roots for addresses in domain D only (instead of their nameConstraints)" },
	{ "depth-cap", 0, true, X_DEPTHCAP, "N",
	  "import: trust depth for roots without pathLenConstraint (default 3)" },
	{ "by", 0, true, X_BY, "MYKEY",
	  "import: which of your keys vouches for new roots" },
	{ "yes", 'y', false, X_YES, NULL,
	  "do not ask: trust (import) or remove without a question" },
	OPT_END
};

/* ---- printing ------------------------------------------------------------------ */

static const char *
kind_name(weft_x509_kind k)
{
	switch (k) {
	case WEFT_X509_ROOT: return "root";
	case WEFT_X509_CA: return "ca";
	case WEFT_X509_LEAF: return "leaf";
	case WEFT_X509_CRL: return "crl";
	default: return "cert";
	}
}

static void
put_str(FILE *f, const char *s)
{
	if (s)
		fput_escaped(f, s, strlen(s));
}

static void
put_list(FILE *f, char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		put_str(f, v[i]);
	}
}

static void
put_usage(FILE *f, unsigned ku)
{
	static const char *const names[] = {
		"digitalSignature", "nonRepudiation", "keyEncipherment",
		"dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign",
		"encipherOnly", "decipherOnly",
	};
	size_t i;
	bool first = true;

	for (i = 0; i < 9; i++)
		if (ku & (1u << i)) {
			fprintf(f, "%s%s", first ? "" : ", ", names[i]);
			first = false;
		}
	if (first)
		fputs("none", f);
}

/* The details of one certificate (the confirmation, show). */
static void
details(FILE *f, const weft_x509_info *x, bool status)
{
	char a[16], b[16];
	size_t i;

	fmt_date(x->not_before, a, sizeof a);
	fmt_date(x->not_after, b, sizeof b);
	if (x->kind == WEFT_X509_CRL) {
		fputs("  CRL of      ", f);
		put_str(f, x->issuer);
		fprintf(f, "\n  SHA-256     %s\n  updated     %s", x->sha256, a);
		if (x->not_after)
			fprintf(f, " (next %s)", b);
		fprintf(f, "\n  revokes     %zu certificates\n", x->crl_entries);
		if (status) {
			fputs("  status      ", f);
			put_str(f, x->status);
			fputc('\n', f);
		}
		return;
	}
	fputs("  subject     ", f);
	put_str(f, x->subject);
	fputs("\n  issuer      ", f);
	put_str(f, x->issuer);
	fprintf(f, "\n  SHA-256     %s\n  serial      %s\n  valid       %s to %s\n",
		x->sha256, x->serial, a, b);
	fprintf(f, "  basic       %s", x->is_ca ? "CA" : "end entity");
	if (x->is_ca)
		fprintf(f, x->pathlen >= 0 ? ", pathLenConstraint %d"
				   : ", no pathLenConstraint", x->pathlen);
	fputc('\n', f);
	if (x->has_key_usage) {
		fputs("  key usage   ", f);
		put_usage(f, x->key_usage);
		fputc('\n', f);
	}
	if (x->npermitted) {
		fputs("  permitted   ", f);
		put_list(f, x->permitted, x->npermitted);
		fputc('\n', f);
	}
	if (x->nexcluded) {
		fputs("  excluded    ", f);
		put_list(f, x->excluded, x->nexcluded);
		fputc('\n', f);
	}
	fprintf(f, "  key         %s (%s)", x->algo, x->sigalg ? x->sigalg : "?");
	if (x->fpr[0])
		fprintf(f, "\n  OpenPGP     %s\n  keygrip     %s", x->fpr,
			x->keygrip);
	fputc('\n', f);
	for (i = 0; i < x->nuids; i++) {
		fputs(i ? "              " : "  user IDs    ", f);
		put_str(f, x->uids[i]);
		fputc('\n', f);
	}
	if (x->kind == WEFT_X509_ROOT) {
		fprintf(f, "  trust       your key %s vouches for it: depth ",
			x->by);
		if (x->depth == 255)
			fputs("unlimited", f);
		else
			fprintf(f, "%d", x->depth);
		fprintf(f, ", amount %d", x->amount);
		if (x->nregexes) {
			fputs(", only for user IDs matching ", f);
			for (i = 0; i < x->nregexes; i++) {
				if (i)
					fputs(" or ", f);
				put_str(f, x->regexes[i]);
			}
		} else {
			fputs(", for any user ID", f);
		}
		fputc('\n', f);
	}
	if (x->same_key)
		fprintf(f, "  same key    as the certificate %s (re-issued?)\n",
			x->same_key);
	if (status) {
		fprintf(f, "  status      %s: ", x->valid ? "valid" : "NOT VALID");
		put_str(f, x->status);
		fputc('\n', f);
	}
}

static void
json_strs(json *j, const char *key, char *const *v, size_t n)
{
	size_t i;

	json_key(j, key);
	json_begin_arr(j);
	for (i = 0; i < n; i++)
		json_str(j, v[i]);
	json_end_arr(j);
}

static const char *
outcome_name(weft_x509_outcome o)
{
	switch (o) {
	case WEFT_X509_NEW: return "new";
	case WEFT_X509_UPDATED: return "updated";
	case WEFT_X509_UNCHANGED: return "unchanged";
	case WEFT_X509_REFUSED: return "refused";
	default: return "stored";
	}
}

static void
json_info(json *j, const weft_x509_info *x)
{
	json_begin_obj(j);
	json_key(j, "kind");
	json_str(j, kind_name(x->kind));
	if (x->outcome != WEFT_X509_STORED) {
		json_key(j, "outcome");
		json_str(j, outcome_name(x->outcome));
		json_key(j, "note");
		json_str(j, x->note);
		json_key(j, "source");
		json_str(j, x->source);
		json_key(j, "index");
		json_int(j, x->index);
	}
	json_key(j, "sha256");
	json_str(j, x->sha256);
	json_key(j, "name");
	json_str(j, x->name);
	json_key(j, "subject");
	json_str(j, x->subject);
	json_key(j, "issuer");
	json_str(j, x->issuer);
	if (x->outcome == WEFT_X509_REFUSED) {
		json_end_obj(j);
		return;
	}
	json_key(j, "not_before");
	json_time(j, x->not_before);
	json_key(j, "not_after");
	json_time(j, x->not_after);
	json_key(j, "valid");
	json_bool(j, x->valid);
	json_key(j, "status");
	json_str(j, x->status);
	if (x->kind == WEFT_X509_CRL) {
		json_key(j, "revoked");
		json_int(j, (int64_t)x->crl_entries);
		json_end_obj(j);
		return;
	}
	json_key(j, "serial");
	json_str(j, x->serial);
	json_key(j, "fingerprint");
	json_str(j, x->fpr[0] ? x->fpr : NULL);
	json_key(j, "keygrip");
	json_str(j, x->keygrip[0] ? x->keygrip : NULL);
	json_key(j, "algorithm");
	json_str(j, x->algo);
	json_key(j, "signature_algorithm");
	json_str(j, x->sigalg);
	json_key(j, "ca");
	json_bool(j, x->is_ca);
	json_key(j, "pathlen");
	if (x->pathlen >= 0)
		json_int(j, x->pathlen);
	else
		json_null(j);
	json_strs(j, "permitted", x->permitted, x->npermitted);
	json_strs(j, "excluded", x->excluded, x->nexcluded);
	json_strs(j, "userids", x->uids, x->nuids);
	if (x->kind == WEFT_X509_ROOT) {
		json_key(j, "trusted_by");
		json_str(j, x->by);
		json_key(j, "trust_depth");
		json_int(j, x->depth);
		json_key(j, "trust_amount");
		json_int(j, x->amount);
		json_strs(j, "regexes", x->regexes, x->nregexes);
	}
	json_key(j, "same_key_as");
	json_str(j, x->same_key);
	json_end_obj(j);
}

static void
json_list(cli *c, const char *key, const weft_x509_list *l)
{
	json j;
	size_t i;

	json_init(&j, c->out);
	json_begin_obj(&j);
	json_key(&j, key);
	json_begin_arr(&j);
	for (i = 0; i < l->n; i++)
		json_info(&j, &l->v[i]);
	json_end_arr(&j);
	json_end_obj(&j);
	json_end(&j);
}

/* ---- asking -------------------------------------------------------------------------- */

typedef struct ask {
	cli *c;
	bool yes;
	bool no_tty;             /* a question was needed, and no terminal */
} ask;

/* Ask QUESTION on the terminal after printing what it is about;
 * without --yes and without a terminal, say which option to pass. */
static bool
confirm_tty(ask *a, void (*show)(FILE *, const void *), const void *what,
	    const char *question)
{
	char line[64];
	FILE *f;
	int fd;
	size_t n = 0;
	ssize_t r;
	char ch;

	if (a->yes) {
		/* no question: the details only when asked for (-v) */
		if (a->c->verbose && !a->c->quiet && !a->c->json)
			show(a->c->out, what);
		return true;
	}
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || !(f = fdopen(fd, "r+"))) {
		if (fd >= 0)
			close(fd);
		a->no_tty = true;
		return false;
	}
	show(f, what);
	fprintf(f, "%s [y/N] ", question);
	fflush(f);
	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || ch == '\n')
			break;
		if (n + 1 < sizeof line)
			line[n++] = ch;
	}
	line[n] = 0;
	fclose(f);
	return line[0] == 'y' || line[0] == 'Y';
}

static void
show_roots(FILE *f, const void *p)
{
	const weft_x509_list *l = p;
	size_t i;

	for (i = 0; i < l->n; i++) {
		fprintf(f, "%s X.509 root %zu of %zu:\n",
			l->v[i].outcome == WEFT_X509_UPDATED ? "Trust again:"
							     : "Trust this",
			i + 1, l->n);
		details(f, &l->v[i], false);
	}
}

static bool
confirm_roots(void *opaque, const weft_x509_list *roots)
{
	char q[80];

	if (roots->n == 1)
		snprintf(q, sizeof q, "Import and trust this root?");
	else
		snprintf(q, sizeof q, "Import and trust these %zu roots?",
			 roots->n);
	return confirm_tty(opaque, show_roots, roots, q);
}

/* ---- import ---------------------------------------------------------------------------- */

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

static int
x509_import(cli *c, const opt_result *r, const command *cmd)
{
	weft_x509_params p;
	weft_x509_input *in = NULL;
	uint8_t **bufs = NULL;
	weft_x509_list *l = NULL;
	ask a = { c, false, false };
	size_t nin = 0, i, counts[5] = { 0 }, roots = 0;
	int k, rc = EXIT_OK;
	gpg_error_t err;

	memset(&p, 0, sizeof p);
	for (k = 0; k < r->nopts; k++) {
		const char *v = r->opts[k].arg;

		switch (r->opts[k].id) {
		case X_AMOUNT:
			if (!int_arg(v, 1, 120, &p.amount))
				return cli_usage(c, cmd, "--amount %s: give 1 to 120", v);
			p.retrust = true;
			break;
		case X_DOMAIN:
			p.domain = v;
			p.retrust = true;
			break;
		case X_DEPTHCAP:
			if (!int_arg(v, 1, 254, &p.depth_cap))
				return cli_usage(c, cmd, "--depth-cap %s: give 1 to 254", v);
			p.retrust = true;
			break;
		case X_BY:
			p.by = v;
			p.retrust = true;
			break;
		case X_YES:
			a.yes = true;
			break;
		}
	}
	if (r->nargs < 2)
		return cli_usage(c, cmd, "import: give one or more files (PEM, DER, bundles, CRLs)");
	in = calloc((size_t)r->nargs, sizeof *in);
	bufs = calloc((size_t)r->nargs, sizeof *bufs);
	if (!in || !bufs) {
		rc = EXIT_ERROR;
		goto leave;
	}
	for (k = 1; k < r->nargs; k++, nin++) {
		size_t len;

		if ((rc = cli_read_file(c, r->args[k], &bufs[nin], &len)))
			goto leave;
		in[nin].name = !strcmp(r->args[k], "-") ? "standard input"
							 : r->args[k];
		in[nin].data = bufs[nin];
		in[nin].len = len;
	}
	err = weft_x509_import(c->ctx, in, nin, &p, confirm_roots, &a, &l);
	if (a.no_tty) {
		cli_err(c, "x509 import: trusting a root needs your confirmation and there is no terminal to ask on; pass --yes to trust it without a question");
		rc = EXIT_ERROR;
		goto leave;
	}
	if (err && gpg_err_code(err) == GPG_ERR_CANCELED) {
		cli_err(c, "x509 import: not confirmed; nothing imported");
		rc = EXIT_NEGATIVE;
		goto leave;
	}
	if (err) {
		rc = cli_fail(c, err, "x509 import");
		if (rc == EXIT_NEGATIVE)
			rc = EXIT_ERROR;
		goto leave;
	}
	for (i = 0; i < l->n; i++) {
		counts[l->v[i].outcome]++;
		if (l->v[i].kind == WEFT_X509_ROOT &&
		    l->v[i].outcome == WEFT_X509_NEW)
			roots++;
	}
	if (c->json) {
		json_list(c, "objects", l);
	} else if (!c->quiet) {
		for (i = 0; i < l->n; i++) {
			const weft_x509_info *x = &l->v[i];

			if (x->outcome == WEFT_X509_UNCHANGED && !c->verbose)
				continue;
			fprintf(c->out, "%-9s %-4s ", outcome_name(x->outcome),
				kind_name(x->kind));
			if (x->outcome == WEFT_X509_REFUSED) {
				put_str(c->out, x->source);
				if (x->index)
					fprintf(c->out, " #%u", x->index);
				fputs(": ", c->out);
				if (x->name) {
					put_str(c->out, x->name);
					fputs(": ", c->out);
				}
				put_str(c->out, x->note);
				fputc('\n', c->out);
				continue;
			}
			put_str(c->out, x->name);
			if (x->fpr[0])
				fprintf(c->out, "  %s", x->fpr);
			fputc('\n', c->out);
			if (c->verbose) {
				fputs("          ", c->out);
				put_str(c->out, x->status);
				fputc('\n', c->out);
			}
		}
		fprintf(c->out, "x509 import: %zu new (%zu root%s), %zu updated, %zu unchanged, %zu refused\n",
			counts[WEFT_X509_NEW], roots, roots == 1 ? "" : "s",
			counts[WEFT_X509_UPDATED], counts[WEFT_X509_UNCHANGED],
			counts[WEFT_X509_REFUSED]);
	}
	rc = counts[WEFT_X509_REFUSED] ? EXIT_NEGATIVE : EXIT_OK;
leave:
	weft_x509_list_free(l);
	if (bufs)
		for (i = 0; i < nin; i++)
			free(bufs[i]);
	free(bufs);
	free(in);
	return rc;
}

/* ---- list, show, remove -------------------------------------------------------------------- */

static void
one_line(cli *c, const weft_x509_info *x)
{
	char b[16];

	fmt_date(x->not_after, b, sizeof b);
	fprintf(c->out, "%-4s %-9s %.16s  %-9s ", kind_name(x->kind),
		x->valid ? (x->kind == WEFT_X509_CRL ? "in force" : "valid")
			 : (x->kind == WEFT_X509_CRL ? "no effect"
						     : "not valid"),
		x->sha256, x->kind == WEFT_X509_CRL ? "-" : x->algo);
	put_str(c->out, x->name);
	if (x->kind != WEFT_X509_CRL)
		fprintf(c->out, "  (until %s)", b);
	fputc('\n', c->out);
	if (c->verbose) {
		fputs("     ", c->out);
		put_str(c->out, x->status);
		fputc('\n', c->out);
	}
}

static int
x509_list(cli *c)
{
	weft_x509_list *l = NULL;
	size_t i;
	gpg_error_t err = weft_x509_list_all(c->ctx, &l);

	if (err) {
		weft_x509_list_free(l);
		return cli_fail(c, err, "x509 list");
	}
	if (c->json)
		json_list(c, "certificates", l);
	else if (!c->quiet) {
		if (!l->n)
			fputs("no X.509 certificates: weft x509 import FILE\n",
			      c->out);
		for (i = 0; i < l->n; i++)
			one_line(c, &l->v[i]);
	}
	weft_x509_list_free(l);
	return EXIT_OK;
}

static int
x509_show(cli *c, const char *id)
{
	weft_x509_list *l = NULL;
	size_t i;
	gpg_error_t err = weft_x509_show(c->ctx, id, &l);

	if (err) {
		weft_x509_list_free(l);
		return cli_fail(c, err, "x509 show");
	}
	if (c->json)
		json_list(c, "certificates", l);
	else if (!c->quiet)
		for (i = 0; i < l->n; i++) {
			fprintf(c->out, "%s%s ", i ? "\n" : "",
				kind_name(l->v[i].kind));
			put_str(c->out, l->v[i].name);
			fputc('\n', c->out);
			details(c->out, &l->v[i], true);
		}
	weft_x509_list_free(l);
	return EXIT_OK;
}

static void
show_removal(FILE *f, const void *p)
{
	const weft_x509_list *l = p;
	size_t i;

	for (i = 0; i < l->n; i++) {
		fprintf(f, "Remove this X.509 %s:\n",
			l->v[i].kind == WEFT_X509_CRL ? "CRL" : "certificate");
		details(f, &l->v[i], true);
	}
}

static int
x509_remove(cli *c, const char *id, bool yes)
{
	weft_x509_list *l = NULL, *gone = NULL;
	ask a = { c, yes, false };
	bool ok;
	int rc = EXIT_OK;
	gpg_error_t err = weft_x509_show(c->ctx, id, &l);

	if (err) {
		weft_x509_list_free(l);
		return cli_fail(c, err, "x509 remove");
	}
	ok = confirm_tty(&a, show_removal, l,
			 l->n > 1 ? "Remove them, and the trust they give?"
				  : "Remove it, and the trust it gives?");
	if (a.no_tty) {
		cli_err(c, "x509 remove: removing needs your confirmation and there is no terminal to ask on; pass --yes");
		rc = EXIT_ERROR;
	} else if (!ok) {
		cli_err(c, "x509 remove: not confirmed; nothing removed");
		rc = EXIT_NEGATIVE;
	} else if ((err = weft_x509_remove(c->ctx, id, &gone))) {
		rc = cli_fail(c, err, "x509 remove");
	} else if (c->json) {
		json_list(c, "removed", gone);
	} else if (!c->quiet) {
		fprintf(c->out, "removed %zu\n", gone->n);
	}
	weft_x509_list_free(l);
	weft_x509_list_free(gone);
	return rc;
}

int
cmd_x509(cli *c, const opt_result *r)
{
	const command *cmd = command_find("x509");
	const char *verb = r->nargs ? r->args[0] : "";
	bool yes = false;
	int k;

	for (k = 0; k < r->nopts; k++)
		if (r->opts[k].id == X_YES)
			yes = true;
	if (!strcmp(verb, "import"))
		return x509_import(c, r, cmd);
	for (k = 0; k < r->nopts; k++)
		if (r->opts[k].id >= X_AMOUNT && r->opts[k].id <= X_BY &&
		    r->opts[k].id != X_YES)
			return cli_usage(c, cmd, "only import takes --amount, --domain, --depth-cap and --by");
	if (!strcmp(verb, "list")) {
		if (r->nargs != 1)
			return cli_usage(c, cmd, "list takes no arguments");
		return x509_list(c);
	}
	if (!strcmp(verb, "show")) {
		if (r->nargs != 2)
			return cli_usage(c, cmd, "show: give one fingerprint");
		return x509_show(c, r->args[1]);
	}
	if (!strcmp(verb, "remove")) {
		if (r->nargs != 2)
			return cli_usage(c, cmd, "remove: give one fingerprint");
		return x509_remove(c, r->args[1], yes);
	}
	return cli_usage(c, cmd, "give import, list, show or remove");
}
