/* cmd-revoke.c - weft revoke KEY [UID...] [--by MYKEY]
 * [--reason invalid|retired|unspecified] [--comment TEXT] */
#include <string.h>

#include "cli.h"

enum { REV_BY = 100, REV_REASON, REV_COMMENT };

const opt_spec revoke_opts[] = {
	{ "by", 0, true, REV_BY, "MYKEY", "which of your keys revokes" },
	{ "reason", 0, true, REV_REASON, "WHY",
	  "invalid (user ID no longer valid, default), retired, unspecified" },
	{ "comment", 0, true, REV_COMMENT, "TEXT", "a line saying why" },
	OPT_END
};

static void
on_uid(void *opaque, const char *uid, size_t len, weft_uid_outcome what)
{
	cli *c = opaque;
	const char *s;

	switch (what) {
	case WEFT_UID_CERTIFIED: s = "revoked"; break;
	case WEFT_UID_ALREADY: s = "already revoked"; break;
	case WEFT_UID_NOT_CERTIFIED: s = "not certified by you"; break;
	default: s = "skipped"; break;
	}
	if (c->quiet || c->json)
		return;
	fprintf(c->out, "%-20s ", s);
	fput_escaped(c->out, uid, len);
	fputc('\n', c->out);
}

int
cmd_revoke(cli *c, const opt_result *r)
{
	const command *cmd = command_find("revoke");
	weft_revoke_params p;
	size_t done = 0;
	int i;
	gpg_error_t err;

	memset(&p, 0, sizeof p);
	p.reason = -1;
	for (i = 0; i < r->nopts; i++) {
		const opt_value *v = &r->opts[i];

		switch (v->id) {
		case REV_BY:
			p.by = v->arg;
			break;
		case REV_REASON:
			if (!strcmp(v->arg, "invalid"))
				p.reason = 32;
			else if (!strcmp(v->arg, "retired"))
				p.reason = 3;
			else if (!strcmp(v->arg, "unspecified"))
				p.reason = 0;
			else
				return cli_usage(c, cmd,
					"--reason %s: invalid, retired or unspecified",
					v->arg);
			break;
		case REV_COMMENT:
			p.comment = v->arg;
			break;
		}
	}
	if (r->nargs < 1)
		return cli_usage(c, cmd, "which key? give its fingerprint");
	p.uids = (const char *const *)r->args + 1;
	p.nuids = (size_t)r->nargs - 1;
	if ((err = weft_revoke_certifications(c->ctx, r->args[0], &p, on_uid, c,
					      &done)))
		return cli_fail_secret(c, err, "revoke");
	if (c->json) {
		json j;

		json_init(&j, c->out);
		json_begin_obj(&j);
		json_key(&j, "revoked");
		json_int(&j, (int64_t)done);
		json_end_obj(&j);
		json_end(&j);
	}
	return EXIT_OK;
}
