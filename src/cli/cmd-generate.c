/* cmd-generate.c - weft generate "Name <email>" [--algo A] [--v6]
 * [--expires T] [--no-passphrase] */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { GEN_ALGO = 100, GEN_V6, GEN_EXPIRES, GEN_NO_PASSPHRASE };

const opt_spec generate_opts[] = {
	{ "algo", 0, true, GEN_ALGO, "ALGO",
	  "ed25519 (default: Ed25519 + X25519), rsa3072 or rsa4096" },
	{ "v6", 0, false, GEN_V6, NULL,
	  "an RFC 9580 v6 key (gpg 2.2 and sq 0.27 cannot read it)" },
	{ "expires", 0, true, GEN_EXPIRES, "T",
	  "2y, 6m, 30d, 1w, never (default), or an RFC 3339 date" },
	{ "no-passphrase", 0, false, GEN_NO_PASSPHRASE, NULL,
	  "store the secret keys unprotected" },
	OPT_END
};

static void
print_key(cli *c, const weft_key_info *k)
{
	char algo[32], caps[8], date[16], exp[16];
	size_t i;

	fmt_algo(algo, sizeof algo, k->algo, k->bits, k->curve);
	fmt_caps(caps, k->caps, true);
	fmt_date(k->created, date, sizeof date);
	fprintf(c->out, "sec   %s %s [%s]", algo, date, caps);
	if (k->expires) {
		fmt_date(k->expires, exp, sizeof exp);
		fprintf(c->out, " [expires: %s]", exp);
	}
	fprintf(c->out, "\n      %s\n", k->fpr);
	for (i = 0; i < k->nuids; i++) {
		fputs("uid           ", c->out);
		fput_escaped(c->out, k->uids[i].uid, k->uids[i].uid_len);
		fputc('\n', c->out);
	}
	for (i = 0; i < k->nsubkeys; i++) {
		const weft_subkey_info *s = &k->subkeys[i];

		fmt_algo(algo, sizeof algo, s->algo, s->bits, s->curve);
		fmt_caps(caps, s->caps, true);
		fmt_date(s->created, date, sizeof date);
		fprintf(c->out, "ssb   %s %s [%s]", algo, date, caps);
		if (s->expires) {
			fmt_date(s->expires, exp, sizeof exp);
			fprintf(c->out, " [expires: %s]", exp);
		}
		fputc('\n', c->out);
	}
}

int
cmd_generate(cli *c, const opt_result *r)
{
	const command *cmd = command_find("generate");
	weft_generate_params p;
	weft_key_list *list = NULL;
	char fpr[65];
	int i;
	gpg_error_t err;

	memset(&p, 0, sizeof p);
	p.algo = WEFT_KEYGEN_ED25519;
	for (i = 0; i < r->nopts; i++) {
		const opt_value *v = &r->opts[i];

		switch (v->id) {
		case GEN_ALGO:
			if (!strcmp(v->arg, "ed25519") || !strcmp(v->arg, "25519"))
				p.algo = WEFT_KEYGEN_ED25519;
			else if (!strcmp(v->arg, "rsa3072"))
				p.algo = WEFT_KEYGEN_RSA3072;
			else if (!strcmp(v->arg, "rsa4096"))
				p.algo = WEFT_KEYGEN_RSA4096;
			else
				return cli_usage(c, cmd,
					"--algo %s: use ed25519, rsa3072 or rsa4096",
					v->arg);
			break;
		case GEN_V6:
			p.v6 = true;
			break;
		case GEN_EXPIRES:
			if (!parse_expiry(v->arg, &p.expires, &p.expires_in))
				return cli_usage(c, cmd,
					"--expires %s: give 2y, 6m, 30d, 1w, never or a "
					"date (2027-01-31)", v->arg);
			break;
		case GEN_NO_PASSPHRASE:
			p.no_passphrase = true;
			break;
		}
	}
	if (r->nargs != 1 || !*r->args[0])
		return cli_usage(c, cmd, "give one user ID, e.g. \"Alice "
				 "<alice@example.org>\" (quoted)");
	p.uid = r->args[0];
	if (!c->quiet && !c->json && p.algo != WEFT_KEYGEN_ED25519)
		fprintf(c->err, "weft: generating RSA keys takes a few seconds...\n");
	if ((err = weft_generate(c->ctx, &p, fpr)))
		return cli_fail_secret(c, err, "generate");
	if (c->json) {
		json j;

		json_init(&j, c->out);
		json_begin_obj(&j);
		json_key(&j, "fingerprint");
		json_str(&j, fpr);
		json_key(&j, "protected");
		json_bool(&j, !p.no_passphrase);
		json_end_obj(&j);
		json_end(&j);
		return EXIT_OK;
	}
	if (c->quiet) {
		fprintf(c->out, "%s\n", fpr);
		return EXIT_OK;
	}
	if (!weft_keys_find(c->ctx, fpr, WEFT_FIND_EXACT, &list) && list->n)
		print_key(c, &list->keys[0]);
	else
		fprintf(c->out, "%s\n", fpr);
	weft_key_list_free(list);
	if (p.no_passphrase)
		fprintf(c->err, "weft: the secret keys are stored WITHOUT a "
			"passphrase\n");
	return EXIT_OK;
}
