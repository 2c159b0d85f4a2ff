/* cmd-list.c - weft list [QUERY], weft show QUERY... */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_BINDINGS = 400, OPT_LIST_EMAIL };

const opt_spec list_opts[] = {
	TRUST_OPTS,
	{ "bindings", 0, false, OPT_BINDINGS, NULL,
	  "list bindings (user ID and key) with their amounts, not keys" },
	{ "email", 0, false, OPT_LIST_EMAIL, NULL,
	  "--bindings: PATTERN is part of the address" },
	OPT_END
};
const opt_spec show_opts[] = { TRUST_OPTS, OPT_END };

static void
json_caps(json *j, unsigned caps)
{
	char s[8];

	fmt_caps(s, caps, false);
	json_str(j, s);
}

static void
json_cert(json *j, const weft_certification_info *ci)
{
	json_begin_obj(j);
	json_key(j, "issuer");
	json_str(j, ci->issuer);
	json_key(j, "issuer_uid");
	json_str(j, ci->issuer_uid);
	json_key(j, "created");
	json_time(j, ci->created);
	json_key(j, "expires");
	json_time(j, ci->expires);
	json_key(j, "verified");
	json_bool(j, ci->verified);
	json_key(j, "local");
	json_bool(j, ci->local);
	json_key(j, "level");
	json_int(j, ci->level);
	json_key(j, "trust_depth");
	if (ci->trust_depth >= 0)
		json_int(j, ci->trust_depth);
	else
		json_null(j);
	json_key(j, "trust_amount");
	if (ci->trust_depth >= 0)
		json_int(j, ci->trust_amount);
	else
		json_null(j);
	json_key(j, "regex");
	json_str(j, ci->regex);
	json_key(j, "revoked");
	json_bool(j, ci->revoked);
	json_key(j, "revocation");
	json_bool(j, ci->revocation);
	json_key(j, "hash");
	json_str(j, ci->hash);
	json_key(j, "policy_ok");
	json_bool(j, ci->policy_ok);
	json_end_obj(j);
}

static void
json_key_info(json *j, const weft_key_info *k, bool certs)
{
	size_t i, n;

	json_begin_obj(j);
	json_key(j, "fingerprint");
	json_str(j, k->fpr);
	json_key(j, "keyid");
	json_str(j, k->keyid);
	json_key(j, "version");
	json_int(j, k->version);
	json_key(j, "algorithm");
	json_str(j, k->algo);
	json_key(j, "algorithm_id");
	json_int(j, k->pk_algo);
	json_key(j, "bits");
	json_int(j, k->bits);
	json_key(j, "curve");
	json_str(j, k->curve);
	json_key(j, "created");
	json_time(j, k->created);
	json_key(j, "expires");
	json_time(j, k->expires);
	json_key(j, "expired");
	json_bool(j, k->expired);
	json_key(j, "revoked");
	json_bool(j, k->revoked);
	json_key(j, "revocation_reason");
	json_str(j, k->revocation_reason);
	json_key(j, "capabilities");
	json_caps(j, k->caps);
	json_key(j, "policy");
	json_str(j, k->policy);
	json_key(j, "validity");
	json_str(j, weft_validity_name(k->validity));
	json_key(j, "userids");
	json_begin_arr(j);
	for (i = 0; i < k->nuids; i++) {
		const weft_uid_info *u = &k->uids[i];

		json_begin_obj(j);
		json_key(j, "uid");
		json_strn(j, u->uid, u->uid_len);
		json_key(j, "email");
		json_str(j, u->email);
		json_key(j, "attribute");
		json_bool(j, u->is_attribute);
		json_key(j, "primary");
		json_bool(j, u->primary);
		json_key(j, "created");
		json_time(j, u->created);
		json_key(j, "amount");
		json_int(j, u->amount);
		json_key(j, "validity");
		json_str(j, weft_validity_name(u->validity));
		json_key(j, "revoked");
		json_bool(j, u->revoked);
		json_key(j, "expired");
		json_bool(j, u->expired);
		json_key(j, "policy");
		json_str(j, u->policy);
		if (certs) {
			json_key(j, "certifications");
			json_begin_arr(j);
			for (n = 0; n < u->ncerts; n++)
				json_cert(j, &u->certs[n]);
			json_end_arr(j);
		}
		json_end_obj(j);
	}
	json_end_arr(j);
	json_key(j, "subkeys");
	json_begin_arr(j);
	for (i = 0; i < k->nsubkeys; i++) {
		const weft_subkey_info *s = &k->subkeys[i];

		json_begin_obj(j);
		json_key(j, "fingerprint");
		json_str(j, s->fpr);
		json_key(j, "keyid");
		json_str(j, s->keyid);
		json_key(j, "algorithm");
		json_str(j, s->algo);
		json_key(j, "algorithm_id");
		json_int(j, s->pk_algo);
		json_key(j, "bits");
		json_int(j, s->bits);
		json_key(j, "curve");
		json_str(j, s->curve);
		json_key(j, "created");
		json_time(j, s->created);
		json_key(j, "expires");
		json_time(j, s->expires);
		json_key(j, "expired");
		json_bool(j, s->expired);
		json_key(j, "revoked");
		json_bool(j, s->revoked);
		json_key(j, "capabilities");
		json_caps(j, s->caps);
		json_key(j, "policy");
		json_str(j, s->policy);
		json_end_obj(j);
	}
	json_end_arr(j);
	json_end_obj(j);
}

/* "[expires: 2027-01-01]", "[expired: ...]", "[revoked: ...]" */
static void
key_status(FILE *f, bool revoked, bool expired, int64_t expires)
{
	char d[16];

	if (revoked) {
		fputs(" [revoked]", f);
		return;
	}
	if (expires) {
		fmt_date(expires, d, sizeof d);
		fprintf(f, " [%s: %s]", expired ? "expired" : "expires", d);
	}
}

static void
human_cert(FILE *f, const weft_certification_info *ci)
{
	char d[16], flags[8];
	int n = 0;

	fmt_date(ci->created, d, sizeof d);
	flags[n++] = ci->level ? (char)('0' + ci->level) : ' ';
	flags[n++] = ci->local ? 'L' : ' ';
	flags[n++] = ci->expires && ci->expires <= 0 ? 'X' : ' ';
	flags[n++] = ci->trust_depth < 0 ? ' '
		     : ci->trust_depth > 9 ? 'T' : (char)('0' + ci->trust_depth);
	flags[n] = 0;
	fprintf(f, "   %s%c %s %-16.40s %s  ", ci->revocation ? "rev" : "sig",
		ci->verified ? '!' : '?', flags,
		strlen(ci->issuer) == 16 ? ci->issuer
					 : ci->issuer + strlen(ci->issuer) - 16,
		d);
	if (ci->issuer_uid)
		fput_escaped(f, ci->issuer_uid, strlen(ci->issuer_uid));
	else
		fputs("[issuer not in keyring]", f);
	if (ci->revoked)
		fputs("  (revoked)", f);
	if (!ci->policy_ok)
		fprintf(f, "  (%s: rejected by policy)", ci->hash);
	fputc('\n', f);
}

static void
human_key(FILE *f, const weft_key_info *k, bool certs)
{
	char a[32], d[16], caps[8];
	size_t i, n;

	fmt_algo(a, sizeof a, k->algo, k->bits, k->curve);
	fmt_date(k->created, d, sizeof d);
	fmt_caps(caps, k->caps, true);
	fprintf(f, "pub   %s %s [%s]", a, d, caps);
	key_status(f, k->revoked, k->expired, k->expires);
	fprintf(f, "\n      %s\n", k->fpr);
	if (k->policy)
		fprintf(f, "      policy: %s\n", k->policy);
	if (k->revoked && k->revocation_reason && *k->revocation_reason) {
		fputs("      reason for revocation: ", f);
		fput_escaped(f, k->revocation_reason,
			     strlen(k->revocation_reason));
		fputc('\n', f);
	}
	for (i = 0; i < k->nuids; i++) {
		const weft_uid_info *u = &k->uids[i];

		fprintf(f, "uid           %s ", fmt_validity_tag(u->validity));
		fput_escaped(f, u->uid, u->uid_len);
		if (u->policy && !k->policy)
			fprintf(f, "  (policy: %s)", u->policy);
		fputc('\n', f);
		if (certs)
			for (n = 0; n < u->ncerts; n++)
				human_cert(f, &u->certs[n]);
	}
	for (i = 0; i < k->nsubkeys; i++) {
		const weft_subkey_info *s = &k->subkeys[i];

		fmt_algo(a, sizeof a, s->algo, s->bits, s->curve);
		fmt_date(s->created, d, sizeof d);
		fmt_caps(caps, s->caps, true);
		fprintf(f, "sub   %s %s [%s]", a, d, caps);
		key_status(f, s->revoked, s->expired, s->expires);
		if (s->policy && !k->policy)
			fprintf(f, "  (policy: %s)", s->policy);
		fputc('\n', f);
		if (certs)
			fprintf(f, "      %s\n", s->fpr);
	}
	fputc('\n', f);
}

typedef struct list_out {
	cli *c;
	json *j;
	bool certs;
} list_out;

static gpg_error_t
print_key(void *arg, const weft_key_info *k)
{
	list_out *o = arg;

	/* The bar of reading the web ends where the listing starts. */
	cli_progress_done(o->c);
	if (o->j)
		json_key_info(o->j, k, o->certs);
	else
		human_key(o->c->out, k, o->certs);
	return 0;
}

/* Keys are printed as they come: a listing of a big keyring never holds
 * all of it. */
static int
list_or_show(cli *c, const opt_result *r, bool certs)
{
	const char *const *queries = (const char *const *)r->args;
	int n = r->nargs;
	trust_args ta;
	json j;
	list_out o = { c, c->json ? &j : NULL, certs };
	int q, rc = EXIT_OK;
	unsigned flags = certs ? WEFT_FIND_CERTIFICATIONS : 0;
	gpg_error_t err;

	if ((rc = trust_args_parse(c, r, &ta)))
		return rc;
	if (c->json) {
		json_init(&j, c->out);
		json_begin_obj(&j);
		json_key(&j, "keys");
		json_begin_arr(&j);
	}
	weft_ctx_set_progress(c->ctx, cli_progress, c);
	for (q = 0; q < (n ? n : 1); q++) {
		err = weft_keys_each(c->ctx, n ? queries[q] : NULL, flags,
				     &ta.o, print_key, &o);
		cli_progress_done(c);
		if (err) {
			rc = cli_fail(c, err, "list");
			if (rc == EXIT_ERROR)
				break;
		}
	}
	if (c->json) {
		json_end_arr(&j);
		json_end_obj(&j);
		json_end(&j);
	}
	free(ta.roots);
	return rc;
}

/* list --bindings [PATTERN]: sq-wot's list. */
static int
list_bindings(cli *c, const opt_result *r)
{
	trust_args ta;
	weft_binding_list *l = NULL;
	int rc, i;
	gpg_error_t err;

	if ((rc = trust_args_parse(c, r, &ta)))
		return rc;
	for (i = 0; i < r->nopts; i++)
		if (r->opts[i].id == OPT_LIST_EMAIL)
			ta.o.flags |= WEFT_TRUST_EMAIL;
	if (r->nargs > 1) {
		free(ta.roots);
		return cli_usage(c, command_find("list"),
				 "--bindings takes one pattern");
	}
	weft_ctx_set_progress(c->ctx, cli_progress, c);
	err = weft_bindings(c->ctx, r->nargs ? r->args[0] : NULL, &ta.o, &l);
	cli_progress_done(c);
	free(ta.roots);
	if (err)
		return cli_fail(c, err, "list");
	rc = print_bindings(c, l, (ta.o.flags & WEFT_TRUST_GOSSIP) != 0);
	weft_binding_list_free(l);
	return rc;
}

int
cmd_list(cli *c, const opt_result *r)
{
	int i;

	for (i = 0; i < r->nopts; i++)
		if (r->opts[i].id == OPT_BINDINGS)
			return list_bindings(c, r);
	return list_or_show(c, r, false);
}

int
cmd_show(cli *c, const opt_result *r)
{
	if (!r->nargs)
		return cli_usage(c, command_find("show"),
				 "which key? give a fingerprint, key ID, email or name");
	return list_or_show(c, r, true);
}
