/* cmd-export.c - weft export [--armor] [--local] [--secret] [-o FILE] [QUERY...] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum { OPT_ARMOR = 100, OPT_LOCAL, OPT_SECRET, OPT_OUTPUT };

const opt_spec export_opts[] = {
	{ "armor", 'a', false, OPT_ARMOR, NULL, "ASCII-armored output" },
	{ "local", 0, false, OPT_LOCAL, NULL,
	  "include local (non-exportable) certifications" },
	{ "secret", 0, false, OPT_SECRET, NULL, "export secret keys" },
	{ "output", 'o', true, OPT_OUTPUT, "FILE",
	  "write to FILE (created 0600, replaced atomically)" },
	OPT_END
};

/* Write to PATH through a temporary file and rename, so that a reader
 * never sees half a file and a failure leaves the old one. */
static int
write_file(cli *c, const char *path, const uint8_t *p, size_t n)
{
	char *tmp = NULL;
	int fd = -1, rc = EXIT_ERROR;
	size_t off = 0;
	ssize_t w;

	if (asprintf(&tmp, "%s.weft-XXXXXX", path) < 0)
		return EXIT_ERROR;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		cli_err(c, "%s: cannot create: %s", path, strerror(errno));
		goto leave;
	}
	fchmod(fd, 0600);
	while (off < n) {
		w = write(fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			cli_err(c, "%s: write failed: %s", path, strerror(errno));
			goto leave;
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd)) {
		fd = -1;
		cli_err(c, "%s: write failed: %s", path, strerror(errno));
		goto leave;
	}
	fd = -1;
	if (rename(tmp, path)) {
		cli_err(c, "%s: cannot replace: %s", path, strerror(errno));
		goto leave;
	}
	rc = EXIT_OK;
leave:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
cmd_export(cli *c, const opt_result *r)
{
	unsigned flags = 0;
	const char *output = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	int i, rc;
	gpg_error_t err;

	for (i = 0; i < r->nopts; i++) {
		switch (r->opts[i].id) {
		case OPT_ARMOR: flags |= WEFT_EXPORT_ARMOR; break;
		case OPT_LOCAL: flags |= WEFT_EXPORT_LOCAL; break;
		case OPT_SECRET: flags |= WEFT_EXPORT_SECRET; break;
		case OPT_OUTPUT: output = r->opts[i].arg; break;
		}
	}
	/* Binary data would garble a terminal: armor it there. */
	if (!output && isatty(fileno(c->out)))
		flags |= WEFT_EXPORT_ARMOR;
	err = weft_export(c->ctx, (const char *const *)r->args,
			  (size_t)r->nargs, flags, &data, &len);
	if (err)
		return cli_fail(c, err, "export");
	if (output) {
		rc = write_file(c, output, data, len);
	} else {
		rc = fwrite(data, 1, len, c->out) == len ? EXIT_OK : EXIT_ERROR;
		if (rc)
			cli_err(c, "export: writing to standard output failed");
	}
	free(data);
	return rc;
}
