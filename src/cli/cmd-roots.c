/* cmd-roots.c - weft root add|remove|list, weft trust, weft
 * import-ownertrust, weft export-ownertrust. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_ROOT_AMOUNT = 300 };

const opt_spec root_opts[] = {
	{ "amount", 'a', true, OPT_ROOT_AMOUNT, "N",
	  "root add: the trust amount, 1 to 120 (default 120)" },
	OPT_END
};

static void
sources_text(FILE *f, unsigned s)
{
	const char *sep = "";

	if (s & WEFT_ROOT_EXPLICIT) {
		fputs("added", f);
		sep = ", ";
	}
	if (s & WEFT_ROOT_OWN_KEY) {
		fprintf(f, "%sown key", sep);
		sep = ", ";
	}
	if (s & WEFT_ROOT_OWNERTRUST)
		fprintf(f, "%sownertrust", sep);
}

static int
root_list(cli *c)
{
	weft_root_list *l = NULL;
	json j;
	size_t i;
	gpg_error_t err = weft_roots(c->ctx, &l);

	if (err)
		return cli_fail(c, err, "root list");
	if (c->json) {
		json_init(&j, c->out);
		json_begin_obj(&j);
		json_key(&j, "roots");
		json_begin_arr(&j);
		for (i = 0; i < l->n; i++) {
			json_begin_obj(&j);
			json_key(&j, "fingerprint");
			json_str(&j, l->v[i].fpr);
			json_key(&j, "amount");
			json_int(&j, l->v[i].amount);
			json_key(&j, "userid");
			json_str(&j, l->v[i].name);
			json_key(&j, "explicit");
			json_bool(&j, l->v[i].sources & WEFT_ROOT_EXPLICIT);
			json_key(&j, "own_key");
			json_bool(&j, l->v[i].sources & WEFT_ROOT_OWN_KEY);
			json_key(&j, "ownertrust");
			json_bool(&j, l->v[i].sources & WEFT_ROOT_OWNERTRUST);
			json_end_obj(&j);
		}
		json_end_arr(&j);
		json_end_obj(&j);
		json_end(&j);
	} else {
		if (!l->n && !c->quiet)
			fputs("no trust roots: generate a key, or \"weft root add KEY\"\n",
			      c->out);
		for (i = 0; i < l->n; i++) {
			fprintf(c->out, "%s %3d  ", l->v[i].fpr, l->v[i].amount);
			if (l->v[i].name)
				fput_escaped(c->out, l->v[i].name,
					     strlen(l->v[i].name));
			fputs("  (", c->out);
			sources_text(c->out, l->v[i].sources);
			fputs(")\n", c->out);
		}
	}
	weft_root_list_free(l);
	return EXIT_OK;
}

int
cmd_root(cli *c, const opt_result *r)
{
	const command *cmd = command_find("root");
	int amount = 120, i;
	char *end;
	gpg_error_t err;

	for (i = 0; i < r->nopts; i++)
		if (r->opts[i].id == OPT_ROOT_AMOUNT) {
			long v = strtol(r->opts[i].arg, &end, 10);

			if (*end || v < 1 || v > 120)
				return cli_usage(c, cmd,
						 "--amount %s: give 1 to 120",
						 r->opts[i].arg);
			amount = (int)v;
		}
	if (!r->nargs)
		return cli_usage(c, cmd, "add, remove or list?");
	if (!strcmp(r->args[0], "list")) {
		if (r->nargs != 1)
			return cli_usage(c, cmd, "list takes no arguments");
		return root_list(c);
	}
	if (!strcmp(r->args[0], "add") || !strcmp(r->args[0], "remove")) {
		bool add = r->args[0][0] == 'a';

		if (r->nargs != 2)
			return cli_usage(c, cmd, "%s which key?", r->args[0]);
		err = add ? weft_root_add(c->ctx, r->args[1], amount)
			  : weft_root_remove(c->ctx, r->args[1]);
		if (err)
			return cli_fail(c, err, add ? "root add" : "root remove");
		if (!c->quiet && !c->json)
			fprintf(c->out, add ? "%s is a trust root (amount %d)\n"
					    : "%s is no longer a trust root\n",
				r->args[1], amount);
		return EXIT_OK;
	}
	return cli_usage(c, cmd, "unknown subcommand \"%s\"", r->args[0]);
}

int
cmd_trust(cli *c, const opt_result *r)
{
	static const struct {
		const char *name;
		int value;
	} levels[] = {
		{ "unknown", WEFT_OWNERTRUST_UNKNOWN },
		{ "never", WEFT_OWNERTRUST_NEVER },
		{ "marginal", WEFT_OWNERTRUST_MARGINAL },
		{ "full", WEFT_OWNERTRUST_FULL },
		{ "ultimate", WEFT_OWNERTRUST_ULTIMATE },
	};
	size_t i;
	gpg_error_t err;

	if (r->nargs != 2)
		return cli_usage(c, command_find("trust"),
				 "give a key and a level");
	for (i = 0; i < (sizeof levels / sizeof levels[0]); i++)
		if (!strcmp(r->args[1], levels[i].name))
			break;
	if (i == (sizeof levels / sizeof levels[0]))
		return cli_usage(c, command_find("trust"),
				 "\"%s\": give ultimate, full, marginal, never or unknown",
				 r->args[1]);
	if ((err = weft_ownertrust_set(c->ctx, r->args[0], levels[i].value)))
		return cli_fail(c, err, "trust");
	if (!c->quiet && !c->json)
		fprintf(c->out, "ownertrust of %s: %s\n", r->args[0],
			levels[i].name);
	return EXIT_OK;
}

int
cmd_import_ownertrust(cli *c, const opt_result *r)
{
	const char *file = r->nargs ? r->args[0] : "-";
	uint8_t *data;
	size_t len;
	uint64_t set = 0;
	int rc;
	gpg_error_t err;

	if (r->nargs > 1)
		return cli_usage(c, command_find("import-ownertrust"),
				 "give one file");
	if ((rc = cli_read_file(c, file, &data, &len)))
		return rc;
	err = weft_ownertrust_import(c->ctx, (const char *)data, len, &set);
	free(data);
	if (err) {
		cli_err(c, "%s: %s", strcmp(file, "-") ? file : "stdin",
			*weft_ctx_error(c->ctx) ? weft_ctx_error(c->ctx)
						: gpg_strerror(err));
		return EXIT_ERROR;
	}
	if (c->json) {
		json j;

		json_init(&j, c->out);
		json_begin_obj(&j);
		json_key(&j, "set");
		json_int(&j, (int64_t)set);
		json_end_obj(&j);
		json_end(&j);
	} else if (!c->quiet) {
		fprintf(c->out, "%s: %llu ownertrust values set\n",
			strcmp(file, "-") ? file : "stdin",
			(unsigned long long)set);
	}
	return EXIT_OK;
}

int
cmd_export_ownertrust(cli *c, const opt_result *r)
{
	char *out = NULL;
	size_t len = 0;
	gpg_error_t err;

	(void)r;
	if ((err = weft_ownertrust_export(c->ctx, &out, &len)))
		return cli_fail(c, err, "export-ownertrust");
	fwrite(out, 1, len, c->out);
	free(out);
	return EXIT_OK;
}
