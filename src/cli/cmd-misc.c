/* cmd-misc.c - weft fsck [--compact], weft help, weft version */
#include <string.h>

#include "cli.h"

enum { OPT_COMPACT = 100 | OPT_WRITES };

const opt_spec fsck_opts[] = {
	{ "compact", 0, false, OPT_COMPACT, NULL,
	  "then rewrite the keyring file compactly, if it is consistent" },
	OPT_END
};

static void
on_problem(void *opaque, const char *line)
{
	cli *c = opaque;

	if (!c->json)
		fprintf(c->out, "%s\n", line);
}

int
cmd_fsck(cli *c, const opt_result *r)
{
	uint64_t problems = 0, keys = 0;
	cli_compaction cc;
	bool compact = false;
	int i, rc;
	gpg_error_t err;

	for (i = 0; i < r->nopts; i++)
		if (r->opts[i].id == OPT_COMPACT)
			compact = true;
	err = weft_fsck(c->ctx, on_problem, c, &problems, &keys);
	if (err)
		return cli_fail(c, err, "fsck");
	/* the X.509 bridge's supplements and indexes against its records */
	{
		uint64_t more = 0;

		err = weft_x509_fsck(c->ctx, on_problem, c, &more);
		if (err)
			return cli_fail(c, err, "fsck");
		problems += more;
	}
	rc = problems ? EXIT_NEGATIVE : EXIT_OK;
	if (!c->json && !c->quiet)
		fprintf(c->out, "%llu keys checked: %s\n",
			(unsigned long long)keys,
			problems ? "PROBLEMS FOUND (see above)"
				 : "every index is consistent");
	/* --compact (the keyring was opened read-write for it): only a
	 * keyring found consistent is rewritten; one with problems stays
	 * the file it was, for whoever looks into them.  Not compacted for
	 * a reason (another weft has it open) leaves the exit status to the
	 * check; a compaction that failed is an error. */
	memset(&cc, 0, sizeof cc);
	if (compact) {
		if (problems)
			cli_compact_skip(c, "fsck found problems", &cc);
		else if (cli_compact(c, false, &cc))
			rc = EXIT_ERROR;
	}
	if (c->json) {
		json j;

		json_init(&j, c->out);
		json_begin_obj(&j);
		json_key(&j, "keys");
		json_int(&j, (int64_t)keys);
		json_key(&j, "problems");
		json_int(&j, (int64_t)problems);
		json_key(&j, "consistent");
		json_bool(&j, problems == 0);
		cli_compact_json(&j, &cc);
		json_end_obj(&j);
		json_end(&j);
	}
	return rc;
}

int
cmd_help(cli *c, const opt_result *r)
{
	const command *cmd;

	if (!r->nargs) {
		print_help(c->out, NULL);
		return EXIT_OK;
	}
	cmd = command_find(r->args[0]);
	if (!cmd) {
		cli_err(c, "help: no command \"%s\" (see \"weft help\")",
			r->args[0]);
		return EXIT_ERROR;
	}
	print_help(c->out, cmd);
	return EXIT_OK;
}

int
cmd_version(cli *c, const opt_result *r)
{
	(void)r;
	fprintf(c->out, "weft %s (libweft %s)\n", WEFT_VERSION,
		weft_version());
	return EXIT_OK;
}
