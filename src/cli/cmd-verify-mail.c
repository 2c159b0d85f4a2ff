/* cmd-verify-mail.c - weft verify-mail: the signatures of a mail message
 * (PGP/MIME, inline PGP, S/MIME), each with where it is in the message
 * and what it covers, the verdict as weft verify shows it, and the check
 * of the From: address against the signer; human output, --json, and
 * GnuPG's status lines for the OpenPGP signatures (--status-fd). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_MAIL_NO_TRUST = 540, OPT_MAIL_STATUS_FD,
};

const opt_spec verify_mail_opts[] = {
	{ "no-trust", 0, false, OPT_MAIL_NO_TRUST, NULL,
	  "check the cryptography alone, not who the signer is" },
	{ "status-fd", 0, true, OPT_MAIL_STATUS_FD, "N",
	  "write GnuPG status lines (OpenPGP signatures) to file descriptor N" },
	TRUST_OPTS,
	OPT_END
};

static const char *
kind_name(int kind)
{
	switch (kind) {
	case WEFT_MAIL_PGPMIME: return "pgp-mime";
	case WEFT_MAIL_INLINE: return "inline";
	case WEFT_MAIL_SMIME: return "smime";
	case WEFT_MAIL_SMIME_OPAQUE: return "smime-opaque";
	default: return "unknown";
	}
}

static const char *
verdict_name(weft_sig_verdict v)
{
	switch (v) {
	case WEFT_VERDICT_GOOD: return "good";
	case WEFT_VERDICT_BAD: return "bad";
	case WEFT_VERDICT_NO_KEY: return "no-key";
	default: return "error";
	}
}

/* "weft: PATH: DETAIL" with DETAIL (from the message) escaped. */
static void
err_line(cli *c, const char *path, const char *detail)
{
	cli_progress_done(c);
	fprintf(c->err, "weft: %s: ", path);
	fput_escaped(c->err, detail, strlen(detail));
	fputc('\n', c->err);
}

static void
put_esc(FILE *f, const char *s)
{
	if (s)
		fput_escaped(f, s, strlen(s));
	else
		fputs("?", f);
}

/* The whole input, at most WEFT_MAIL_MAX_SIZE + 1 octets (the engine
 * says what is wrong with more). */
static int
read_message(cli *c, const char *path, uint8_t **data, size_t *len)
{
	int fd = STDIN_FILENO;
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, n = 0, max = (size_t)WEFT_MAIL_MAX_SIZE + 1;
	ssize_t r;

	*data = NULL;
	*len = 0;
	if (strcmp(path, "-") && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		cli_err(c, "%s: %s", path, strerror(errno));
		return EXIT_ERROR;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= max)
				break;
			cap = cap ? cap * 2 : 1 << 16;
			if (cap > max)
				cap = max;
			if (!(nb = realloc(buf, cap))) {
				cli_err(c, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			cli_err(c, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	*data = buf;
	*len = n;
	return EXIT_OK;
fail:
	if (fd != STDIN_FILENO)
		close(fd);
	free(buf);
	return EXIT_ERROR;
}

/* ---- human output ----------------------------------------------------------------------- */

static void
human_heading(FILE *f, const weft_mail_sig *s)
{
	switch (s->kind) {
	case WEFT_MAIL_PGPMIME:
		fprintf(f, "Part %s: PGP/MIME signature over part %s\n", s->part,
			s->signed_part);
		break;
	case WEFT_MAIL_INLINE:
		fprintf(f, "Part %s: inline OpenPGP %s\n", s->part,
			s->pgp && s->pgp->kind == WEFT_MSG_CLEARTEXT
			? "cleartext signature" : "signed message");
		break;
	case WEFT_MAIL_SMIME:
		fprintf(f, "Part %s: S/MIME signature over part %s\n", s->part,
			s->signed_part);
		break;
	default:
		fprintf(f, "Part %s: S/MIME signed message (opaque)\n", s->part);
		break;
	}
}

static void
human_from(FILE *f, const weft_mail_from *fr, const char *from,
	   const weft_sig_info *si, bool no_trust)
{
	if (!fr || !fr->checked)
		return;
	if (!fr->matches) {
		fputs("    warning: the From: address ", f);
		put_esc(f, from);
		fputs(" is not one of the signer's addresses\n", f);
		return;
	}
	fputs("    From: ", f);
	put_esc(f, from);
	fputs(" matches the signer", f);
	if (si) {
		fputs(" (", f);
		put_esc(f, fr->uid);
		fputc(')', f);
		if (!no_trust && !fr->authenticated)
			fprintf(f, ", but that user ID is not authenticated "
				"(amount %d of %d)", fr->amount,
				si->requested ? si->requested : 120);
	}
	fputc('\n', f);
}

static void
human_smime(FILE *f, const weft_smime_info *m, bool no_trust)
{
	char t[32], d1[16], d2[16];
	size_t i;

	switch (m->verdict) {
	case WEFT_VERDICT_BAD:
		fputs("BAD S/MIME signature by ", f);
		put_esc(f, m->subject);
		fputs(": the message or the signature was changed\n", f);
		break;
	case WEFT_VERDICT_NO_KEY:
	case WEFT_VERDICT_ERROR:
		fputs("Cannot check an S/MIME signature: ", f);
		put_esc(f, m->problem);
		fputc('\n', f);
		if (!m->subject)
			return;
		break;
	default:
		if (!m->ok)
			fputs("S/MIME signature not accepted, by ", f);
		else if (no_trust)
			fputs("Good S/MIME signature (cryptography only) from ", f);
		else if (m->authenticated)
			fputs("Good S/MIME signature from ", f);
		else
			fputs("Good S/MIME signature, from an unauthenticated "
			      "certificate, by ", f);
		put_esc(f, m->subject);
		fputc('\n', f);
		if (!m->ok && m->problem) {
			fputs("    ", f);
			put_esc(f, m->problem);
			fputc('\n', f);
		}
		break;
	}
	fprintf(f, "    certificate %s, serial %s\n", m->fingerprint[0]
		? m->fingerprint : "?", m->serial ? m->serial : "?");
	fputs("    issued by ", f);
	put_esc(f, m->issuer);
	fmt_date(m->not_before, d1, sizeof d1);
	fmt_date(m->not_after, d2, sizeof d2);
	fprintf(f, ", valid %s to %s\n", d1, d2);
	if (m->nemails) {
		fputs("    addresses:", f);
		for (i = 0; i < m->nemails; i++) {
			fputc(' ', f);
			put_esc(f, m->emails[i]);
		}
		fputc('\n', f);
	}
	if (m->signing_time) {
		fmt_rfc3339(m->signing_time, t, sizeof t);
		fprintf(f, "    made %s, %s %s\n", t, m->algo[0] ? m->algo : "?",
			m->hash);
	} else {
		fprintf(f, "    no signing time, %s %s\n",
			m->algo[0] ? m->algo : "?", m->hash);
	}
	if (!no_trust && m->verdict == WEFT_VERDICT_GOOD) {
		fprintf(f, "    %s: ", m->authenticated ? "authenticated"
			: "not authenticated");
		put_esc(f, m->ca_status);
		if (!m->authenticated)
			fputs(" (weft does not import X.509 CAs yet)", f);
		fputc('\n', f);
	}
	if (m->ok && m->cert_expired)
		fprintf(f, "    warning: the certificate is not valid now "
			"(valid %s to %s), though it was when it signed\n", d1, d2);
}

static void
human_notes(FILE *f, const weft_mail_sig *s)
{
	if (s->err)
		return;
	if (s->unsigned_text)
		fprintf(f, "    warning: part %s has text outside the signed "
			"block; that text is not signed\n", s->part);
	else if (!s->whole_message)
		fprintf(f, "    warning: the signature covers part %s only; "
			"other parts of the message are not signed\n",
			s->signed_part);
	if (s->micalg_mismatch) {
		fputs("    note: micalg=", f);
		put_esc(f, s->micalg);
		fputs(" names another hash than the signature uses (micalg is "
		      "not signed)\n", f);
	}
}

/* ---- JSON -------------------------------------------------------------------------------- */

static void
json_where(json *j, const weft_mail_sig *s)
{
	json_key(j, "part");
	json_str(j, s->part);
	json_key(j, "kind");
	json_str(j, kind_name(s->kind));
	json_key(j, "signed_part");
	json_str(j, s->signed_part);
	json_key(j, "whole_message");
	json_bool(j, s->whole_message);
	json_key(j, "unsigned_text");
	json_bool(j, s->unsigned_text);
	json_key(j, "micalg");
	json_str(j, s->micalg);
	json_key(j, "micalg_mismatch");
	json_bool(j, s->micalg_mismatch);
}

static void
json_from(json *j, const weft_mail_from *fr, bool no_trust)
{
	json_key(j, "from");
	if (!fr || !fr->checked) {
		json_null(j);
		return;
	}
	json_begin_obj(j);
	json_key(j, "matches");
	json_bool(j, fr->matches);
	json_key(j, "userid");
	json_str(j, fr->uid);
	json_key(j, "amount");
	json_int(j, no_trust ? 0 : fr->amount);
	json_key(j, "authenticated");
	json_bool(j, !no_trust && fr->authenticated);
	json_end_obj(j);
}

static void
json_smime(json *j, const weft_mail_sig *s, bool no_trust)
{
	const weft_smime_info *m = s->smime;
	size_t i;

	json_begin_obj(j);
	json_where(j, s);
	json_key(j, "verdict");
	json_str(j, verdict_name(m->verdict));
	json_key(j, "ok");
	json_bool(j, m->ok);
	json_key(j, "problem");
	json_str(j, m->problem);
	json_key(j, "subject");
	json_str(j, m->subject);
	json_key(j, "issuer");
	json_str(j, m->issuer);
	json_key(j, "serial");
	json_str(j, m->serial);
	json_key(j, "fingerprint");
	if (m->fingerprint[0])
		json_str(j, m->fingerprint);
	else
		json_null(j);
	json_key(j, "emails");
	json_begin_arr(j);
	for (i = 0; i < m->nemails; i++)
		json_str(j, m->emails[i]);
	json_end_arr(j);
	json_key(j, "not_before");
	json_time(j, m->not_before);
	json_key(j, "not_after");
	json_time(j, m->not_after);
	json_key(j, "signing_time");
	json_time(j, m->signing_time);
	json_key(j, "hash");
	json_str(j, m->hash ? m->hash : "unknown");
	json_key(j, "algorithm");
	json_str(j, m->algo);
	json_key(j, "certificate_expired");
	json_bool(j, m->cert_expired);
	json_key(j, "ca_status");
	json_str(j, m->ca_status);
	json_key(j, "authenticated");
	json_bool(j, !no_trust && m->authenticated);
	json_from(j, s->from, no_trust);
	json_end_obj(j);
}

static void
json_report(cli *c, const weft_mail_result *res, bool no_trust, bool good)
{
	json j;
	size_t i, k;

	json_init(&j, c->out);
	json_begin_obj(&j);
	json_key(&j, "from");
	if (res->from)
		json_str(&j, res->from);
	else
		json_null(&j);
	json_key(&j, "from_problem");
	if (res->from_problem)
		json_str(&j, res->from_problem);
	else
		json_null(&j);
	json_key(&j, "good");
	json_bool(&j, good);
	/* the OpenPGP signatures as weft verify gives them ... */
	json_key(&j, "signatures");
	json_begin_arr(&j);
	for (i = 0; i < res->n; i++)
		for (k = 0; res->v[i].pgp && k < res->v[i].pgp->n; k++)
			verify_json_sig(&j, &res->v[i].pgp->sigs[k], no_trust);
	json_end_arr(&j);
	/* ... and, element for element, where they are */
	json_key(&j, "openpgp");
	json_begin_arr(&j);
	for (i = 0; i < res->n; i++)
		for (k = 0; res->v[i].pgp && k < res->v[i].pgp->n; k++) {
			json_begin_obj(&j);
			json_where(&j, &res->v[i]);
			json_from(&j, &res->v[i].from[k], no_trust);
			json_end_obj(&j);
		}
	json_end_arr(&j);
	json_key(&j, "smime");
	json_begin_arr(&j);
	for (i = 0; i < res->n; i++)
		if (res->v[i].smime)
			json_smime(&j, &res->v[i], no_trust);
	json_end_arr(&j);
	json_key(&j, "errors");
	json_begin_arr(&j);
	for (i = 0; i < res->n; i++)
		if (res->v[i].err) {
			json_begin_obj(&j);
			json_where(&j, &res->v[i]);
			json_key(&j, "error");
			json_str(&j, res->v[i].problem ? res->v[i].problem
				 : gpg_strerror(res->v[i].err));
			json_end_obj(&j);
		}
	json_end_arr(&j);
	json_end_obj(&j);
	json_end(&j);
}

/* ---- the command --------------------------------------------------------------------------- */

int
cmd_verify_mail(cli *c, const opt_result *r)
{
	trust_args ta;
	weft_mail_result *res = NULL;
	const char *path = "-";
	uint8_t *msg = NULL;
	size_t len = 0, i, k, nerr = 0;
	int rc, status_fd = -1, ngood = 0, nbad = 0, nsig = 0;
	FILE *st = NULL;
	bool no_trust = false, any_bad = false, auth = false;
	gpg_error_t err;

	if ((rc = trust_args_parse(c, r, &ta)))
		return rc;
	for (i = 0; i < (size_t)r->nopts; i++) {
		const char *a = r->opts[i].arg;

		switch (r->opts[i].id) {
		case OPT_MAIL_NO_TRUST:
			no_trust = true;
			break;
		case OPT_MAIL_STATUS_FD: {
			char *end;
			long v = strtol(a, &end, 10);

			if (*end || end == a || v < 0 || v > 65535 ||
			    fcntl((int)v, F_GETFD) < 0) {
				rc = cli_usage(c, command_find("verify-mail"),
					"--status-fd %s: not an open file "
					"descriptor", a);
				goto leave;
			}
			status_fd = (int)v;
			break;
		}
		default:
			break;
		}
	}
	if (r->nargs > 1) {
		rc = cli_usage(c, command_find("verify-mail"),
			       "give one message (or - for standard input)");
		goto leave;
	}
	if (r->nargs == 1)
		path = r->args[0];
	if (status_fd >= 0 && !(st = fdopen(dup(status_fd), "w"))) {
		cli_err(c, "--status-fd %d: %s", status_fd, strerror(errno));
		rc = EXIT_ERROR;
		goto leave;
	}
	if ((rc = read_message(c, path, &msg, &len)))
		goto leave;
	err = weft_verify_mail(c->ctx, msg, len, &ta.o, no_trust, &res);
	if (err) {
		if (st && gpg_err_code(err) == GPG_ERR_NO_DATA)
			fputs("[GNUPG:] NODATA 1\n", st);
		switch (gpg_err_code(err)) {
		case GPG_ERR_NO_DATA:
		case GPG_ERR_BAD_DATA:
		case GPG_ERR_TOO_LARGE:
			err_line(c, path, weft_ctx_error(c->ctx)[0]
				 ? weft_ctx_error(c->ctx) : gpg_strerror(err));
			rc = EXIT_ERROR;
			break;
		default:
			rc = cli_fail(c, err, path);
			if (rc != EXIT_ERROR)
				rc = EXIT_ERROR;
			break;
		}
		goto leave;
	}
	/* the verdict: as weft verify, over every signature */
	for (i = 0; i < res->n; i++) {
		const weft_mail_sig *s = &res->v[i];

		if (s->err)
			nerr++;
		for (k = 0; s->pgp && k < s->pgp->n; k++) {
			const weft_sig_info *si = &s->pgp->sigs[k];

			nsig++;
			if (si->verdict == WEFT_VERDICT_BAD) {
				any_bad = true;
				nbad++;
			}
			if (si->ok) {
				ngood++;
				if (no_trust || si->authenticated)
					auth = true;
			}
		}
		if (s->smime) {
			nsig++;
			if (s->smime->verdict == WEFT_VERDICT_BAD) {
				any_bad = true;
				nbad++;
			}
			if (s->smime->ok) {
				ngood++;
				if (no_trust || s->smime->authenticated)
					auth = true;
			}
		}
	}
	if (st) {
		for (i = 0; i < res->n; i++)
			for (k = 0; res->v[i].pgp && k < res->v[i].pgp->n; k++)
				verify_status_sig(st, &res->v[i].pgp->sigs[k],
						  no_trust,
						  ta.o.model == WEFT_MODEL_GNUPG);
		fflush(st);
	}
	if (c->json) {
		json_report(c, res, no_trust, auth && !any_bad && !nerr);
	} else if (!c->quiet) {
		FILE *f = c->out;

		for (i = 0; i < res->n; i++) {
			const weft_mail_sig *s = &res->v[i];

			human_heading(f, s);
			if (s->err) {
				fputs("Cannot check it: ", f);
				put_esc(f, s->problem);
				fputc('\n', f);
			}
			for (k = 0; s->pgp && k < s->pgp->n; k++) {
				verify_print_sig(c, f, &s->pgp->sigs[k], no_trust);
				human_from(f, &s->from[k], res->from,
					   &s->pgp->sigs[k], no_trust);
			}
			if (s->smime) {
				human_smime(f, s->smime, no_trust);
				human_from(f, s->from, res->from, NULL, no_trust);
			}
			human_notes(f, s);
		}
		if (res->from_problem) {
			fputs("warning: ", f);
			put_esc(f, res->from_problem);
			fputs("; the From: address was not checked\n", f);
		}
		if (nsig > 1)
			fprintf(f, "%d good, %d bad, %d that could not be checked "
				"or do not count.\n", ngood, nbad,
				nsig - ngood - nbad);
	}
	/* one line per part that could not be checked */
	for (i = 0; i < res->n; i++)
		if (res->v[i].err) {
			char line[600];

			snprintf(line, sizeof line, "part %s: %s", res->v[i].part,
				 res->v[i].problem ? res->v[i].problem
				 : gpg_strerror(res->v[i].err));
			err_line(c, path, line);
		}
	rc = nerr ? EXIT_ERROR : auth && !any_bad ? EXIT_OK : EXIT_NEGATIVE;
leave:
	if (st)
		fclose(st);
	free(msg);
	free(ta.roots);
	weft_mail_result_free(res);
	return rc;
}
