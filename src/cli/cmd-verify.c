/* cmd-verify.c - weft verify: signed files (detached, inline, cleartext),
 * each signature's verdict with the signer's validity; human output,
 * --json, and GnuPG's status lines (--status-fd). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_SIGNATURE = 500, OPT_NO_TRUST, OPT_STATUS_FD, OPT_VOUTPUT,
};

const opt_spec verify_opts[] = {
	{ "signature", 's', true, OPT_SIGNATURE, "SIG",
	  "a detached signature of FILE (binary or armored)" },
	{ "output", 'o', true, OPT_VOUTPUT, "FILE",
	  "write the signed content of a message to FILE (- for stdout)" },
	{ "no-trust", 0, false, OPT_NO_TRUST, NULL,
	  "check the cryptography alone, not who the signer is" },
	{ "status-fd", 0, true, OPT_STATUS_FD, "N",
	  "write GnuPG status lines to file descriptor N" },
	TRUST_OPTS,
	OPT_END
};

/* ---- names ------------------------------------------------------------------------- */

static const char *
hash_name(int a)
{
	switch (a) {
	case 1: return "MD5";
	case 2: return "SHA1";
	case 3: return "RIPEMD160";
	case 8: return "SHA256";
	case 9: return "SHA384";
	case 10: return "SHA512";
	case 11: return "SHA224";
	case 12: return "SHA3-256";
	case 14: return "SHA3-512";
	default: return "unknown";
	}
}

static const char *
pk_name(int a)
{
	switch (a) {
	case 1: case 3: return "RSA";
	case 17: return "DSA";
	case 19: return "ECDSA";
	case 22: return "EdDSA";
	case 27: return "Ed25519";
	case 28: return "Ed448";
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

/* ---- input ------------------------------------------------------------------------- */

static gpg_error_t
file_write(void *opaque, const uint8_t *p, size_t n)
{
	FILE *f = opaque;

	if (n && fwrite(p, 1, n, f) != n)
		return gpg_error_from_syserror();
	return 0;
}

/* Does the file at PATH start like a detached signature (armored
 * "PGP SIGNATURE", or a binary signature packet)? */
static bool
looks_detached(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	if ((unsigned char)buf[0] & 0x80) {
		unsigned char c = (unsigned char)buf[0];
		int tag = (c & 0x40) ? (c & 0x3f) : ((c >> 2) & 0x0f);

		return tag == 2;
	}
	return strstr(buf, "-----BEGIN PGP SIGNATURE-----") &&
	       !strstr(buf, "-----BEGIN PGP SIGNED MESSAGE-----");
}

/* ---- status lines ------------------------------------------------------------------ */

/* Write S escaped for a status line: '%', control characters, DEL and
 * (unless LAST) blanks as %XX, so that nothing an attacker controls can
 * end a line or add a field (the class of bug of CVE-2018-12020). */
static void
st_escaped(FILE *f, const char *s, size_t n, bool last)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f || ch == '%' || (!last && ch == ' '))
			fprintf(f, "%%%02X", ch);
		else
			fputc(ch, f);
	}
}

static void
st_line(FILE *f, const char *kw, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
st_line(FILE *f, const char *kw, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "[GNUPG:] %s", kw);
	if (fmt && *fmt) {
		fputc(' ', f);
		va_start(ap, fmt);
		vfprintf(f, fmt, ap);
		va_end(ap);
	}
	fputc('\n', f);
}

static const char *
keyid_of(const char *fpr)
{
	size_t n = strlen(fpr);

	/* v4: the last 16 digits; v6: the first 16 */
	return n == 64 ? fpr : n >= 16 ? fpr + n - 16 : fpr;
}

void
verify_status_sig(FILE *f, const weft_sig_info *s, bool no_trust, bool gnupg)
{
	char kid[17], date[16];
	const char *kw;

	fprintf(f, "[GNUPG:] NEWSIG");
	if (s->signers_uid) {
		fputc(' ', f);
		st_escaped(f, s->signers_uid, strlen(s->signers_uid), true);
	}
	fputc('\n', f);
	if (s->verdict == WEFT_VERDICT_NO_KEY || s->verdict == WEFT_VERDICT_ERROR) {
		snprintf(kid, sizeof kid, "%.16s", keyid_of(s->issuer));
		st_line(f, "ERRSIG", "%s %d %d %02x %lld %d %s",
			kid[0] ? kid : "0000000000000000", s->pk_algo,
			s->hash_algo, s->sig_class, (long long)s->created,
			s->verdict == WEFT_VERDICT_NO_KEY ? 9 : 4,
			strlen(s->issuer) >= 40 ? s->issuer : "-");
		if (s->verdict == WEFT_VERDICT_NO_KEY)
			st_line(f, "NO_PUBKEY", "%s",
				kid[0] ? kid : "0000000000000000");
		return;
	}
	snprintf(kid, sizeof kid, "%.16s", keyid_of(s->key_fpr));
	if (s->verdict == WEFT_VERDICT_BAD) {
		kw = "BADSIG";
	} else if (s->flags & WEFT_SIGF_EXPIRED) {
		kw = "EXPSIG";
	} else if (s->flags & WEFT_SIGF_KEY_EXPIRED) {
		st_line(f, "KEYEXPIRED", "%lld", (long long)s->key_expires);
		kw = "EXPKEYSIG";
	} else if (s->flags & WEFT_SIGF_KEY_REVOKED) {
		kw = "REVKEYSIG";
	} else {
		kw = "GOODSIG";
	}
	fprintf(f, "[GNUPG:] %s %s ", kw, kid);
	if (s->uid)
		st_escaped(f, s->uid, s->uid_len, true);
	else
		fputs("[?]", f);
	fputc('\n', f);
	if (s->verdict != WEFT_VERDICT_GOOD)
		return;
	fmt_date(s->created, date, sizeof date);
	st_line(f, "VALIDSIG", "%s %s %lld %lld %d 0 %d %d %02x %s",
		s->key_fpr, date, (long long)s->created, (long long)s->expires,
		s->version, s->pk_algo, s->hash_algo, s->sig_class,
		s->primary_fpr);
	if (s->flags & WEFT_SIGF_KEY_REVOKED)
		st_line(f, "KEYREVOKED", NULL);
	if (no_trust || (s->flags & WEFT_SIGF_KEY_EXPIRED))
		return;
	st_line(f, s->validity == WEFT_VALIDITY_ULTIMATE ? "TRUST_ULTIMATE"
		: s->amount >= 120 ? "TRUST_FULLY"
		: s->validity == WEFT_VALIDITY_NEVER ? "TRUST_NEVER"
		: s->amount > 0 ? "TRUST_MARGINAL" : "TRUST_UNDEFINED",
		"0 %s", gnupg ? "pgp" : "pgp");
}

/* ---- human output --------------------------------------------------------------------- */

void
verify_print_sig(cli *c, FILE *f, const weft_sig_info *s, bool no_trust)
{
	char t[32], d[16];

	fmt_rfc3339(s->created, t, sizeof t);
	switch (s->verdict) {
	case WEFT_VERDICT_NO_KEY:
		fprintf(f, "Cannot check a signature made %s: ", t);
		fput_escaped(f, s->problem ? s->problem : "no key",
			     strlen(s->problem ? s->problem : "no key"));
		fputc('\n', f);
		if (s->issuer[0])
			fprintf(f, "    get the key %s: weft import FILE (from the "
				"signer, or gpg --recv-keys %s, or sq network "
				"fetch %s)\n", s->issuer, s->issuer, s->issuer);
		return;
	case WEFT_VERDICT_ERROR:
		fprintf(f, "Cannot check a signature: ");
		fput_escaped(f, s->problem ? s->problem : "?",
			     strlen(s->problem ? s->problem : "?"));
		fputc('\n', f);
		return;
	case WEFT_VERDICT_BAD:
		fprintf(f, "BAD signature by %s", s->key_fpr);
		if (s->uid) {
			fputs(" (", f);
			fput_escaped(f, s->uid, s->uid_len);
			fputc(')', f);
		}
		fprintf(f, ", made %s: the data or the signature was changed\n",
			t);
		return;
	default:
		break;
	}
	if (!s->ok) {
		fputs("Signature not accepted, by ", f);
	} else if (no_trust) {
		fputs("Good signature (cryptography only) from ", f);
	} else if (s->authenticated) {
		fputs("Good signature from ", f);
	} else {
		fputs("Good signature, from an unauthenticated key, by ", f);
	}
	if (s->uid)
		fput_escaped(f, s->uid, s->uid_len);
	else
		fputs("[no user ID]", f);
	fputc('\n', f);
	if (!s->ok && s->problem) {
		fputs("    ", f);
		fput_escaped(f, s->problem, strlen(s->problem));
		/* where gpg would still say good, with a warning */
		if (s->flags & (WEFT_SIGF_KEY_REVOKED_AT_SIG |
				WEFT_SIGF_KEY_HARD_REVOKED))
			fputs(" (gpg reports REVKEYSIG and accepts it)", f);
		else if (s->flags & WEFT_SIGF_KEY_EXPIRED_AT_SIG)
			fputs(" (gpg reports EXPKEYSIG and accepts it)", f);
		fputc('\n', f);
	}
	fprintf(f, "    key %s", s->key_fpr);
	if (strcmp(s->key_fpr, s->primary_fpr))
		fprintf(f, " (a subkey of %s)", s->primary_fpr);
	fprintf(f, "\n    made %s, %s %s, %s signature\n", t,
		pk_name(s->pk_algo), hash_name(s->hash_algo),
		s->sig_class == 1 ? "text" : "binary");
	if (!no_trust) {
		if (s->authenticated)
			fprintf(f, "    authenticated: amount %d of %d", s->amount,
				s->requested);
		else if (s->amount > 0)
			fprintf(f, "    partially authenticated: amount %d of %d",
				s->amount, s->requested);
		else if (s->flags & (WEFT_SIGF_KEY_EXPIRED |
				     WEFT_SIGF_KEY_REVOKED))
			fprintf(f, "    not authenticated: the key has %s, and the "
				"web of trust vouches only for keys in use now",
				(s->flags & WEFT_SIGF_KEY_REVOKED) ? "been revoked"
								    : "expired");
		else
			fprintf(f, "    not authenticated: no path from your trust "
				"roots to this key (weft why %s)", s->primary_fpr);
		if (s->path) {
			fputs(": ", f);
			fput_escaped(f, s->path, strlen(s->path));
		}
		fputc('\n', f);
	}
	if (s->expires && !(s->flags & WEFT_SIGF_EXPIRED)) {
		fmt_date(s->expires, d, sizeof d);
		fprintf(f, "    the signature expires on %s\n", d);
	}
	if (s->ok && (s->flags & WEFT_SIGF_KEY_EXPIRED)) {
		fmt_date(s->key_expires, d, sizeof d);
		fprintf(f, "    warning: the key expired on %s, after it signed "
			"(gpg reports EXPKEYSIG)\n", d);
	}
	if (s->ok && (s->flags & WEFT_SIGF_KEY_REVOKED)) {
		fmt_date(s->key_revoked, d, sizeof d);
		fprintf(f, "    warning: the key was retired on %s, after it "
			"signed (gpg reports REVKEYSIG)", d);
		if (s->revocation_reason) {
			fputs(": ", f);
			fput_escaped(f, s->revocation_reason,
				     strlen(s->revocation_reason));
		}
		fputc('\n', f);
	}
	if (s->signers_uid && s->uid && strcmp(s->signers_uid, s->uid) &&
	    !strstr(s->uid, s->signers_uid)) {
		fputs("    the signature names its signer as \"", f);
		fput_escaped(f, s->signers_uid, strlen(s->signers_uid));
		fputs("\"\n", f);
	}
	(void)c;
}

void
verify_json_sig(json *j, const weft_sig_info *s, bool no_trust)
{
	static const struct { unsigned bit; const char *name; } flags[] = {
		{ WEFT_SIGF_EXPIRED, "signature-expired" },
		{ WEFT_SIGF_KEY_EXPIRED, "key-expired" },
		{ WEFT_SIGF_KEY_EXPIRED_AT_SIG, "key-expired-when-signing" },
		{ WEFT_SIGF_KEY_REVOKED, "key-revoked" },
		{ WEFT_SIGF_KEY_REVOKED_AT_SIG, "key-revoked-when-signing" },
		{ WEFT_SIGF_KEY_HARD_REVOKED, "key-hard-revoked" },
		{ WEFT_SIGF_POLICY_HASH, "hash-rejected-by-policy" },
		{ WEFT_SIGF_POLICY_KEY, "key-rejected-by-policy" },
		{ WEFT_SIGF_NOT_SIGNING, "key-not-signing-capable" },
		{ WEFT_SIGF_KEY_INVALID_AT_SIG, "key-invalid-when-signing" },
		{ WEFT_SIGF_FUTURE, "made-in-the-future" },
		{ WEFT_SIGF_CRITICAL, "unknown-critical-subpacket" },
		{ WEFT_SIGF_HASH_HEADER, "hash-header-mismatch" },
	};
	size_t i;

	json_begin_obj(j);
	json_key(j, "verdict");
	json_str(j, verdict_name(s->verdict));
	json_key(j, "ok");
	json_bool(j, s->ok);
	json_key(j, "problem");
	json_str(j, s->problem);
	json_key(j, "issuer");
	json_str(j, s->issuer);
	json_key(j, "key");
	if (s->key_fpr[0])
		json_str(j, s->key_fpr);
	else
		json_null(j);
	json_key(j, "primary_key");
	if (s->primary_fpr[0])
		json_str(j, s->primary_fpr);
	else
		json_null(j);
	json_key(j, "created");
	json_time(j, s->created);
	json_key(j, "expires");
	json_time(j, s->expires);
	json_key(j, "version");
	json_int(j, s->version);
	json_key(j, "algorithm");
	json_str(j, pk_name(s->pk_algo));
	json_key(j, "hash");
	json_str(j, hash_name(s->hash_algo));
	json_key(j, "class");
	json_str(j, s->sig_class == 1 ? "text" : s->sig_class == 0 ? "binary"
		 : "other");
	json_key(j, "flags");
	json_begin_arr(j);
	for (i = 0; i < sizeof flags / sizeof *flags; i++)
		if (s->flags & flags[i].bit)
			json_str(j, flags[i].name);
	json_end_arr(j);
	json_key(j, "key_expires");
	json_time(j, s->key_expires);
	json_key(j, "key_revoked");
	json_time(j, s->key_revoked);
	json_key(j, "signers_userid");
	json_str(j, s->signers_uid);
	json_key(j, "userid");
	if (s->uid)
		json_strn(j, s->uid, s->uid_len);
	else
		json_null(j);
	json_key(j, "amount");
	json_int(j, no_trust ? 0 : s->amount);
	json_key(j, "authenticated");
	json_bool(j, !no_trust && s->authenticated);
	json_key(j, "validity");
	json_str(j, weft_validity_name(s->validity));
	json_key(j, "path");
	json_str(j, s->path);
	json_end_obj(j);
}

/* ---- the command -------------------------------------------------------------------- */

int
cmd_verify(cli *c, const opt_result *r)
{
	trust_args ta;
	weft_verify_params p;
	weft_verify_result *res = NULL;
	const char *sigpath = NULL, *datapath = NULL, *outpath = NULL;
	uint8_t *sig = NULL;
	size_t siglen = 0, i;
	int rc, fd = -1, status_fd = -1, nbad = 0, ngood = 0;
	FILE *out = NULL, *rep, *st = NULL;
	bool no_trust = false, any_bad = false, auth = false;
	bool sig_fault = false, created_out = false;
	char detached_data[4096];
	gpg_error_t err;

	if ((rc = trust_args_parse(c, r, &ta)))
		return rc;
	for (i = 0; i < (size_t)r->nopts; i++) {
		const char *a = r->opts[i].arg;

		switch (r->opts[i].id) {
		case OPT_SIGNATURE: sigpath = a; break;
		case OPT_VOUTPUT: outpath = a; break;
		case OPT_NO_TRUST: no_trust = true; break;
		case OPT_STATUS_FD: {
			char *end;
			long v = strtol(a, &end, 10);

			if (*end || end == a || v < 0 || v > 65535 ||
			    fcntl((int)v, F_GETFD) < 0) {
				rc = cli_usage(c, command_find("verify"),
					"--status-fd %s: not an open file descriptor", a);
				goto leave;
			}
			status_fd = (int)v;
			break;
		}
		default:
			break;
		}
	}
	if (r->nargs > 2 || (sigpath && r->nargs > 1)) {
		rc = cli_usage(c, command_find("verify"),
			       "give at most one file (and --signature SIG)");
		goto leave;
	}
	if (r->nargs == 2) {          /* gpg's order: SIG FILE */
		sigpath = r->args[0];
		datapath = r->args[1];
	} else if (r->nargs == 1) {
		datapath = r->args[0];
	}
	/* "weft verify FILE.sig" with FILE next to it, as gpg does */
	if (!sigpath && datapath && strcmp(datapath, "-") &&
	    looks_detached(datapath)) {
		size_t n = strlen(datapath);
		const char *ext[] = { ".sig", ".asc", ".sign", NULL };
		int k;

		for (k = 0; ext[k]; k++) {
			size_t e = strlen(ext[k]);

			if (n > e && !strcmp(datapath + n - e, ext[k]) &&
			    n - e < sizeof detached_data) {
				memcpy(detached_data, datapath, n - e);
				detached_data[n - e] = 0;
				if (!access(detached_data, R_OK)) {
					sigpath = datapath;
					datapath = detached_data;
				}
				break;
			}
		}
		if (!sigpath) {
			cli_err(c, "%s: a detached signature; give the signed "
				"file too (weft verify --signature %s FILE)",
				datapath, datapath);
			rc = EXIT_ERROR;
			goto leave;
		}
	}
	if (sigpath && (rc = cli_read_file(c, sigpath, &sig, &siglen)))
		goto leave;
	if (!datapath || !strcmp(datapath, "-")) {
		fd = STDIN_FILENO;
		datapath = "-";
	} else if ((fd = open(datapath, O_RDONLY | O_CLOEXEC)) < 0) {
		cli_err(c, "%s: %s", datapath, strerror(errno));
		rc = EXIT_ERROR;
		goto leave;
	}
	if (outpath) {
		struct stat ost;

		if (!strcmp(outpath, "-"))
			out = stdout;
		else if (!stat(outpath, &ost) && !S_ISREG(ost.st_mode))
			out = fopen(outpath, "w");   /* /dev/null, a pipe */
		else if ((out = fopen(outpath, "wx")))
			created_out = true;
		if (!out) {
			cli_err(c, "%s: %s%s", outpath, strerror(errno),
				errno == EEXIST ? " (weft does not overwrite it)"
						: "");
			rc = EXIT_ERROR;
			goto leave;
		}
	}
	if (status_fd >= 0 && !(st = fdopen(dup(status_fd), "w"))) {
		cli_err(c, "--status-fd %d: %s", status_fd, strerror(errno));
		rc = EXIT_ERROR;
		goto leave;
	}
	memset(&p, 0, sizeof p);
	p.signature = sig;
	p.signature_len = siglen;
	p.read = cli_fd_read;
	p.read_opaque = &fd;
	p.write = out ? file_write : NULL;
	p.write_opaque = out;
	p.trust = &ta.o;
	p.no_trust = no_trust;
	p.signature_at_fault = &sig_fault;
	err = weft_verify(c->ctx, &p, &res);
	/* What came out of a message that could not be read is no use. */
	if (err && created_out)
		unlink(outpath);
	if (out && out != stdout && fclose(out)) {
		out = NULL;
		cli_err(c, "%s: %s", outpath, strerror(errno));
		rc = EXIT_ERROR;
		goto leave;
	}
	if (out != stdout)
		out = NULL;
	if (err) {
		if (st && gpg_err_code(err) == GPG_ERR_NO_DATA)
			st_line(st, "NODATA", "1");
		if (gpg_err_code(err) == GPG_ERR_NO_DATA ||
		    gpg_err_code(err) == GPG_ERR_BAD_DATA ||
		    gpg_err_code(err) == GPG_ERR_CHECKSUM ||
		    gpg_err_code(err) == GPG_ERR_TOO_LARGE ||
		    gpg_err_code(err) == GPG_ERR_INV_PACKET)
			cli_err(c, "%s: %s", sig_fault ? sigpath : datapath,
				weft_ctx_error(c->ctx)[0] ? weft_ctx_error(c->ctx)
							  : gpg_strerror(err));
		else
			cli_fail(c, err, datapath);
		rc = EXIT_ERROR;
		goto leave;
	}
	for (i = 0; i < res->n; i++) {
		const weft_sig_info *s = &res->sigs[i];

		if (s->verdict == WEFT_VERDICT_BAD) {
			any_bad = true;
			nbad++;
		}
		if (s->ok) {
			ngood++;
			if (no_trust || s->authenticated)
				auth = true;
		}
	}
	if (st) {
		if (res->kind == WEFT_MSG_INLINE && res->filename) {
			fprintf(st, "[GNUPG:] PLAINTEXT %02x %lld ",
				res->literal_format, (long long)res->literal_date);
			/* gpgme's parser stops at a blank: escape them */
			st_escaped(st, res->filename, strlen(res->filename),
				   false);
			fputc('\n', st);
			/* gpg gives the length only when the packet says it */
			if (!res->literal_partial)
				st_line(st, "PLAINTEXT_LENGTH", "%llu",
					(unsigned long long)res->data_len);
		}
		for (i = 0; i < res->n; i++)
			verify_status_sig(st, &res->sigs[i], no_trust,
				   ta.o.model == WEFT_MODEL_GNUPG);
		fflush(st);
	}
	/* The report goes to stderr when the content goes to stdout. */
	rep = out == stdout ? stderr : c->out;
	if (c->json) {
		json j;

		json_init(&j, rep);
		json_begin_obj(&j);
		json_key(&j, "kind");
		json_str(&j, res->kind == WEFT_MSG_DETACHED ? "detached"
			 : res->kind == WEFT_MSG_INLINE ? "inline" : "cleartext");
		json_key(&j, "filename");
		if (res->filename)
			json_str(&j, res->filename);
		else
			json_null(&j);
		json_key(&j, "data_length");
		json_int(&j, (int64_t)res->data_len);
		json_key(&j, "good");
		json_bool(&j, auth && !any_bad);
		json_key(&j, "signatures");
		json_begin_arr(&j);
		for (i = 0; i < res->n; i++)
			verify_json_sig(&j, &res->sigs[i], no_trust);
		json_end_arr(&j);
		json_end_obj(&j);
		json_end(&j);
	} else if (!c->quiet) {
		for (i = 0; i < res->n; i++)
			verify_print_sig(c, rep, &res->sigs[i], no_trust);
		if (res->n > 1)
			fprintf(rep, "%d good, %d bad, %zu that could not be "
				"checked or do not count.\n", ngood, nbad,
				res->n - (size_t)ngood - (size_t)nbad);
	}
	rc = auth && !any_bad ? EXIT_OK : EXIT_NEGATIVE;
leave:
	if (out && out != stdout)
		fclose(out);
	if (st)
		fclose(st);
	if (fd > STDIN_FILENO)
		close(fd);
	free(sig);
	free(ta.roots);
	weft_verify_result_free(res);
	return rc;
}
