/* cmd-generate.c - weft generate (placeholder until secret keys land). */
#include "cli.h"

const opt_spec generate_opts[] = { OPT_END };

int
cmd_generate(cli *c, const opt_result *r)
{
	(void)r;
	cli_err(c, "generate: not available yet");
	return EXIT_ERROR;
}
