/* cmd-certify.c - weft certify (placeholder until secret keys land). */
#include "cli.h"

const opt_spec certify_opts[] = { OPT_END };

int
cmd_certify(cli *c, const opt_result *r)
{
	(void)r;
	cli_err(c, "certify: not available yet");
	return EXIT_ERROR;
}
