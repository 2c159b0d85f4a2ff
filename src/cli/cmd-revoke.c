/* cmd-revoke.c - weft revoke (placeholder until secret keys land). */
#include "cli.h"

const opt_spec revoke_opts[] = { OPT_END };

int
cmd_revoke(cli *c, const opt_result *r)
{
	(void)r;
	cli_err(c, "revoke: not available yet");
	return EXIT_ERROR;
}
