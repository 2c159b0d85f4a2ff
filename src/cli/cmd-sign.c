/* cmd-sign.c - weft sign: sign a file with your key (detached, inline or
 * cleartext), for gpg, sq and weft to verify. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_DETACH = 520, OPT_CLEAR, OPT_INLINE, OPT_SARMOR, OPT_TEXT,
	OPT_SOUTPUT, OPT_SBY,
};

const opt_spec sign_opts[] = {
	{ "detach", 'd', false, OPT_DETACH, NULL,
	  "a detached signature (FILE.sig, or FILE.asc with --armor)" },
	{ "clear", 0, false, OPT_CLEAR, NULL,
	  "a cleartext signed message (FILE.asc): the text stays readable" },
	{ "inline", 0, false, OPT_INLINE, NULL,
	  "the data and its signature in one message (FILE.gpg; the default)" },
	{ "armor", 'a', false, OPT_SARMOR, NULL, "ASCII-armored output" },
	{ "text", 't', false, OPT_TEXT, NULL,
	  "a text signature: line ends count as CRLF" },
	{ "output", 'o', true, OPT_SOUTPUT, "FILE",
	  "write to FILE (- for standard output)" },
	{ "by", 0, true, OPT_SBY, "MYKEY", "which of your keys signs" },
	OPT_END
};

static gpg_error_t
fd_write(void *opaque, const uint8_t *p, size_t n)
{
	int fd = *(int *)opaque;
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return gpg_error_from_syserror();
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
cmd_sign(cli *c, const opt_result *r)
{
	weft_sign_params p;
	const char *in = NULL, *outpath = NULL, *by = NULL, *base;
	char def[4200], tmp[4300], fpr[65];
	int mode = WEFT_SIGN_INLINE, nmodes = 0, i, ifd = -1, ofd = -1, rc;
	bool armor = false, text = false, to_stdout;
	struct stat stt;
	gpg_error_t err;

	for (i = 0; i < r->nopts; i++) {
		switch (r->opts[i].id) {
		case OPT_DETACH: mode = WEFT_SIGN_DETACHED; nmodes++; break;
		case OPT_CLEAR: mode = WEFT_SIGN_CLEARTEXT; nmodes++; break;
		case OPT_INLINE: mode = WEFT_SIGN_INLINE; nmodes++; break;
		case OPT_SARMOR: armor = true; break;
		case OPT_TEXT: text = true; break;
		case OPT_SOUTPUT: outpath = r->opts[i].arg; break;
		case OPT_SBY: by = r->opts[i].arg; break;
		default: break;
		}
	}
	if (nmodes > 1)
		return cli_usage(c, command_find("sign"),
				 "give one of --detach, --clear, --inline");
	if (r->nargs > 1)
		return cli_usage(c, command_find("sign"), "give one file");
	in = r->nargs ? r->args[0] : "-";
	if (strcmp(in, "-")) {
		if ((ifd = open(in, O_RDONLY | O_CLOEXEC)) < 0) {
			cli_err(c, "%s: %s", in, strerror(errno));
			return EXIT_ERROR;
		}
	} else {
		ifd = STDIN_FILENO;
	}
	/* Where it goes: -o, else next to the file as gpg names it, else
	 * standard output. */
	if (!outpath && strcmp(in, "-")) {
		snprintf(def, sizeof def, "%s.%s", in,
			 mode == WEFT_SIGN_CLEARTEXT || armor ? "asc"
			 : mode == WEFT_SIGN_DETACHED ? "sig" : "gpg");
		outpath = def;
	}
	to_stdout = !outpath || !strcmp(outpath, "-");
	if (to_stdout) {
		ofd = STDOUT_FILENO;
	} else {
		if (!access(outpath, F_OK)) {
			cli_err(c, "%s exists; weft does not overwrite it (-o "
				"names another file)", outpath);
			rc = EXIT_ERROR;
			goto leave;
		}
		snprintf(tmp, sizeof tmp, "%s.tmp%ld", outpath, (long)getpid());
		ofd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (ofd < 0) {
			cli_err(c, "%s: %s", tmp, strerror(errno));
			rc = EXIT_ERROR;
			goto leave;
		}
	}
	base = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
	memset(&p, 0, sizeof p);
	p.by = by;
	p.mode = mode;
	p.armor = armor || mode == WEFT_SIGN_CLEARTEXT;
	p.text = text;
	p.filename = strcmp(in, "-") ? base : "";
	p.date = strcmp(in, "-") && !fstat(ifd, &stt) ? stt.st_mtime : 0;
	p.read = cli_fd_read;
	p.read_opaque = &ifd;
	p.write = fd_write;
	p.write_opaque = &ofd;
	err = weft_sign(c->ctx, &p, fpr);
	if (!err && !to_stdout && (fsync(ofd) || close(ofd))) {
		ofd = -1;
		err = gpg_error_from_syserror();
	} else if (!to_stdout && err) {
		close(ofd);
	}
	if (!to_stdout)
		ofd = -1;
	if (err) {
		if (!to_stdout)
			unlink(tmp);
		rc = cli_fail_secret(c, err, "sign");
		goto leave;
	}
	if (!to_stdout && rename(tmp, outpath)) {
		cli_err(c, "%s: %s", outpath, strerror(errno));
		unlink(tmp);
		rc = EXIT_ERROR;
		goto leave;
	}
	if (!c->quiet && !to_stdout)
		fprintf(c->err, "weft: signed %s with %s: %s\n",
			strcmp(in, "-") ? in : "standard input", fpr, outpath);
	rc = EXIT_OK;
leave:
	if (ifd > STDIN_FILENO)
		close(ifd);
	if (ofd > STDOUT_FILENO)
		close(ofd);
	return rc;
}
