/* main.c - weft: turn argv into a command, run it, map the result to an
 * exit status.  Everything the command does goes through libweft. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/cli.h"

bool
cli_global_opt(cli *c, const opt_value *v)
{
	switch (v->id) {
	case GOPT_HOME:
		c->home = v->arg;
		return true;
	case GOPT_JSON:
		c->json = true;
		return true;
	case GOPT_AT:
		if (!parse_time(v->arg, &c->at)) {
			cli_err(c, "--at %s: not a time; give RFC 3339 "
				"(2026-01-31 or 2026-01-31T12:00:00Z) or Unix seconds",
				v->arg);
			return false;
		}
		c->at_set = true;
		return true;
	case GOPT_QUIET:
		c->quiet = true;
		return true;
	case GOPT_VERBOSE:
		c->verbose++;
		return true;
	default:
		return true;
	}
}

/* Does global option ARG (e.g. "--home") take a separate argument? */
static bool
global_takes_arg(const char *arg)
{
	const opt_spec *o;

	if (arg[1] == '-') {
		if (strchr(arg, '='))
			return false;
		for (o = weft_global_opts; o->name; o++)
			if (!strcmp(o->name, arg + 2))
				return o->has_arg;
		return false;
	}
	for (o = weft_global_opts; o->name; o++)
		if (o->short_name && o->short_name == arg[strlen(arg) - 1])
			return o->has_arg;
	return false;
}

int
cli_run(cli *c, const command *cmd, int argc, char **argv)
{
	const opt_spec *specs[3] = { weft_global_opts, cmd->opts, NULL };
	opt_result res;
	unsigned flags;
	int i, rc;
	bool help = false, version = false;
	gpg_error_t err;

	if (opt_parse(specs, argc, argv, &res, cmd->name))
		return EXIT_ERROR;
	for (i = 0; i < res.nopts; i++) {
		if (res.opts[i].id == GOPT_HELP)
			help = true;
		else if (res.opts[i].id == GOPT_VERSION)
			version = true;
		else if (res.opts[i].id < 100 &&
			 !cli_global_opt(c, &res.opts[i])) {
			opt_result_free(&res);
			return EXIT_ERROR;
		}
	}
	if (help || version) {
		if (help)
			print_help(c->out, cmd);
		else
			cmd_version(c, &res);
		opt_result_free(&res);
		return EXIT_OK;
	}
	c->progress = !c->quiet && isatty(fileno(c->err));
	if (!(cmd->flags & CMD_NO_KEYRING)) {
		if ((err = weft_ctx_new(&c->ctx))) {
			cli_err(c, "cannot initialise: %s", gpg_strerror(err));
			opt_result_free(&res);
			return EXIT_ERROR;
		}
		if (c->at_set)
			weft_ctx_set_time(c->ctx, c->at);
		if (!cli_passphrase_setup(c, &res)) {
			opt_result_free(&res);
			return EXIT_ERROR;
		}
		flags = (cmd->flags & CMD_WRITES) ? 0 : WEFT_OPEN_READONLY;
		/* A reading command asked to write (fsck --compact): the
		 * keyring read-write, and only one that is there. */
		for (i = 0; i < res.nopts; i++)
			if (opt_writes(res.opts[i].id))
				flags = WEFT_OPEN_EXISTING;
		if ((err = weft_ctx_open(c->ctx, c->home, flags))) {
			rc = cli_fail(c, err, "open");
			opt_result_free(&res);
			return rc == EXIT_NEGATIVE ? EXIT_ERROR : rc;
		}
	}
	rc = cmd->run(c, &res);
	opt_result_free(&res);
	return rc;
}

int
cli_dispatch(cli *c, int argc, char **argv)
{
	const command *cmd;
	char **rest;
	int i, n = 0, cmdi = -1, rc;

	/* The command is the first word that is neither an option nor an
	 * option's argument. */
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (argv[i][0] == '-' && argv[i][1]) {
			if (global_takes_arg(argv[i]))
				i++;
			continue;
		}
		cmdi = i;
		break;
	}
	if (cmdi < 0) {
		for (i = 0; i < argc; i++) {
			if (!strcmp(argv[i], "--version")) {
				cmd_version(c, NULL);
				return EXIT_OK;
			}
			if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
				print_help(c->out, NULL);
				return EXIT_OK;
			}
		}
		print_help(c->err, NULL);
		return EXIT_ERROR;
	}
	cmd = command_find(argv[cmdi]);
	if (!cmd) {
		fprintf(c->err, "%s: unknown command \"%s\" (see \"weft help\")\n",
			c->prog, argv[cmdi]);
		return EXIT_ERROR;
	}
	/* Global options before the command, then the command's words. */
	rest = calloc((size_t)argc + 1, sizeof *rest);
	if (!rest)
		return EXIT_ERROR;
	for (i = 0; i < argc; i++)
		if (i != cmdi)
			rest[n++] = argv[i];
	rc = cli_run(c, cmd, n, rest);
	free(rest);
	weft_ctx_free(c->ctx);
	c->ctx = NULL;
	return rc;
}

/* Passphrases and unlocked secret keys live in this process's memory
 * (libgcrypt's secure memory is locked, not hidden from a dump): no core
 * file may carry them.  WEFT_ALLOW_CORE=1 keeps core dumps for debugging. */
static void
no_core_dumps(void)
{
	struct rlimit rl = { 0, 0 };
	const char *allow = getenv("WEFT_ALLOW_CORE");

	if (allow && !strcmp(allow, "1"))
		return;
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int
main(int argc, char **argv)
{
	cli c;
	int rc;

	no_core_dumps();
	memset(&c, 0, sizeof c);
	c.out = stdout;
	c.err = stderr;
	c.prog = "weft";
	rc = cli_dispatch(&c, argc - 1, argv + 1);
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "weft: writing output failed: %s\n",
				strerror(errno));
		return EXIT_ERROR;
	}
	return rc;
}
