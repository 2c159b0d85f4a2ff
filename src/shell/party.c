/* party.c - the keysigning party walk (party): the party's list of
 * fingerprints, one key after the other through sign's flow (guided.c),
 * then one file per certified user ID to mail to its owner.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "guided.h"

const opt_spec shell_party_opts[] = {
	{ "out", 0, true, G_OUT, "DIR",
	  "where the files to mail go (default party-DATE)" },
	{ "by", 0, true, G_BY, "MYKEY", "which of your keys certifies" },
	OPT_END
};

/* Append FPR (hex, LEN digits) to V unless it is there. */
static bool
add_fpr(char (**v)[65], size_t *n, const char *hex, size_t len)
{
	char up[65], (*nv)[65];
	size_t m;

	for (m = 0; m < len; m++)
		up[m] = (char)(hex[m] >= 'a' ? hex[m] - 32 : hex[m]);
	up[len] = 0;
	for (m = 0; m < *n; m++)
		if (!strcmp((*v)[m], up))
			return true;
	if (!(nv = realloc(*v, (*n + 1) * sizeof **v)))
		return false;
	*v = nv;
	memcpy((*v)[(*n)++], up, len + 1);
	return true;
}

/* The fingerprints of a party list.  A line's words that are all hex
 * digits and follow each other make a run; the longest stretch of whole
 * words that ends the run and adds up to 40 or 64 digits is the line's
 * fingerprint, so "Key fingerprint = 0123 4567 ..." and gpg's
 * "      0123 ... CDEF" both count, and a hex-looking word before the
 * groups ("Beef") does not spoil them.  Duplicates dropped. */
static int
read_party(cli *c, const char *path, char (**fprs)[65], size_t *n)
{
	uint8_t *data;
	size_t len, i, j, k, w, nw, a, b, sum;
	char (*v)[65] = NULL, hex[80];
	struct { size_t off, len; bool hex; } words[64];
	int rc;
	bool found;

	*fprs = NULL;
	*n = 0;
	if ((rc = cli_read_file(c, path, &data, &len)))
		return rc;
	for (i = 0; i < len; i = j + 1) {
		for (j = i; j < len && data[j] != '\n'; j++)
			;
		/* the line's words */
		for (k = i, nw = 0; k < j && nw < 64;) {
			while (k < j && (data[k] == ' ' || data[k] == '\t' ||
					 data[k] == '\r'))
				k++;
			if (k == j)
				break;
			words[nw].off = k;
			words[nw].hex = true;
			while (k < j && data[k] != ' ' && data[k] != '\t' &&
			       data[k] != '\r') {
				words[nw].hex &= guided_is_hex((char)data[k]);
				k++;
			}
			words[nw].len = k - words[nw].off;
			nw++;
		}
		/* each run of hex words: the stretch that ends with it */
		found = false;
		for (a = 0; a < nw && !found; a = b + 1) {
			while (a < nw && !words[a].hex)
				a++;
			for (b = a; b + 1 < nw && words[b + 1].hex; b++)
				;
			if (a >= nw)
				break;
			for (w = a; w <= b && !found; w++) {
				for (k = w, sum = 0; k <= b; k++)
					sum += words[k].len;
				if (sum != 40 && sum != 64)
					continue;
				for (k = w, sum = 0; k <= b; k++) {
					memcpy(hex + sum, data + words[k].off,
					       words[k].len);
					sum += words[k].len;
				}
				if (!add_fpr(&v, n, hex, sum)) {
					free(v);
					free(data);
					cli_err(c, "party: out of memory");
					return EXIT_ERROR;
				}
				found = true;
			}
		}
	}
	free(data);
	*fprs = v;
	return 0;
}

/* A file name for a user ID: its address (or the user ID), with only
 * [A-Za-z0-9._@+-] kept. */
static void
file_part(const char *uid, size_t len, char *out, size_t outlen)
{
	const char *lt = memchr(uid, '<', len), *gt;
	size_t i, k = 0;

	if (lt && (gt = memchr(lt, '>', len - (size_t)(lt - uid)))) {
		len = (size_t)(gt - lt - 1);
		uid = lt + 1;
	}
	for (i = 0; i < len && k + 1 < outlen && k < 64; i++) {
		char ch = uid[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("._@+-", ch))
			out[k++] = ch;
		else if (k && out[k - 1] != '_')
			out[k++] = '_';
	}
	out[k] = 0;
	if (!k)
		snprintf(out, outlen, "uid");
}

static int
write_private(const char *path, const uint8_t *data, size_t len)
{
	char tmp[4300];
	int fd;
	size_t off = 0;
	ssize_t w;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (off < len) {
		w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The answers for each key of the list, in the order of the prompt. */
enum { P_SIGN, P_SKIP, P_ABSENT, P_STOP };
static const char *const party_choices[] = { "s", "k", "a", "q" };

int
shell_party(shell *sh, char **words, int n)
{
	cli c;
	opt_result r;
	char (*fprs)[65] = NULL, outdir[4096], today[16];
	const char *out = NULL, *by = NULL;
	sign_log lg = { 0 };
	size_t nf = 0, i, nsigned = 0, nskipped = 0, nabsent = 0, nmissing = 0;
	size_t nlog_before;
	int rc, k;
	bool quit = false;

	if ((rc = shell_begin(sh, &c, "party", shell_party_opts, words, n, 0,
			      &r))) {
		if (rc < 0)
			shell_help_builtin(shell_builtin_find("party"));
		return rc < 0 ? EXIT_OK : rc;
	}
	for (k = 0; k < r.nopts; k++) {
		if (r.opts[k].id == G_OUT)
			out = r.opts[k].arg;
		else if (r.opts[k].id == G_BY)
			by = r.opts[k].arg;
	}
	if (r.nargs != 1) {
		fprintf(stderr, "weft: party: give the party's list (a file)\n");
		rc = EXIT_ERROR;
		goto leave;
	}
	if (!sh->interactive) {
		fprintf(stderr, "weft: party: needs a terminal (it asks about "
			"every key)\n");
		rc = EXIT_ERROR;
		goto leave;
	}
	if ((rc = read_party(&c, r.args[0], &fprs, &nf)))
		goto leave;
	if (!nf) {
		fprintf(stderr, "weft: party: %s: no fingerprints in it (40 or "
			"64 hex digits a line)\n", r.args[0]);
		rc = EXIT_ERROR;
		goto leave;
	}
	fmt_date(time(NULL), today, sizeof today);
	snprintf(outdir, sizeof outdir, "%s", out ? out : "");
	if (!out)
		snprintf(outdir, sizeof outdir, "party-%s", today);
	printf("%zu keys on the list.  For each: s sign, k skip, a absent "
	       "(not met), q stop.\n", nf);
	cli_passphrase_hold();     /* your passphrase once for the party */
	for (i = 0; i < nf && !quit; i++) {
		weft_key_list *l = NULL;
		bool cancelled;
		int choice;

		printf("\n[%zu/%zu]\n", i + 1, nf);
		if (weft_keys_find(c.ctx, fprs[i], WEFT_FIND_EXACT, &l) ||
		    !l || l->n != 1) {
			printf("  Fingerprint  ");
			guided_fpr_groups(fprs[i]);
			printf("\n  not in your keyring: import the party's "
			       "keyring first (weft import FILE); skipped\n");
			weft_key_list_free(l);
			nmissing++;
			continue;
		}
		guided_show_key(&l->keys[0]);
		weft_key_list_free(l);
		choice = shell_choose(sh, "Sign (s), skip (k), absent (a) or "
				      "stop (q)? [s]: ", party_choices, 4, P_SIGN);
		if (choice == P_SIGN) {
			answers a;

			memset(&a, 0, sizeof a);
			a.by = by;
			nlog_before = lg.n;
			sign_flow(sh, &c, fprs[i], &a, &lg, false, &cancelled);
			if (cancelled)
				nskipped++;
			else if (lg.n > nlog_before)
				nsigned++;
		} else if (choice == P_SKIP) {
			nskipped++;
		} else if (choice == P_ABSENT) {
			nabsent++;
		} else {
			quit = true;
		}
	}
	cli_passphrase_forget();
	printf("\nSigned %zu key%s; skipped %zu; absent %zu; not in the keyring "
	       "%zu%s.\n", nsigned, nsigned == 1 ? "" : "s", nskipped, nabsent,
	       nmissing, quit ? "; stopped early" : "");
	if (!lg.n) {
		rc = EXIT_OK;
		goto leave;
	}
	if (mkdir(outdir, 0700) && errno != EEXIST) {
		cli_err(&c, "party: %s: %s", outdir, strerror(errno));
		rc = EXIT_ERROR;
		goto leave;
	}
	printf("One file per user ID you certified, to mail to its address "
	       "(in %s/):\n", outdir);
	for (i = 0; i < lg.n; i++) {
		uint8_t *data = NULL;
		size_t len = 0;
		char part[80], path[4200];
		gpg_error_t err;

		if (lg.v[i].local) {
			printf("  (local, not exported: nothing to mail)  ");
			fput_escaped(stdout, lg.v[i].uid, lg.v[i].uid_len);
			putchar('\n');
			continue;
		}
		file_part(lg.v[i].uid, lg.v[i].uid_len, part, sizeof part);
		snprintf(path, sizeof path, "%s/%s-%s.asc", outdir,
			 lg.v[i].keyid, part);
		err = weft_export_uid(c.ctx, lg.v[i].fpr, lg.v[i].uid,
				      lg.v[i].uid_len, WEFT_EXPORT_ARMOR, &data,
				      &len);
		if (err) {
			rc = cli_fail(&c, err, "party: export");
			continue;
		}
		if (write_private(path, data, len)) {
			cli_err(&c, "party: %s: %s", path, strerror(errno));
			rc = EXIT_ERROR;
		} else {
			printf("  %s  ", path);
			fput_escaped(stdout, lg.v[i].uid, lg.v[i].uid_len);
			putchar('\n');
		}
		free(data);
	}
leave:
	free(fprs);
	sign_log_free(&lg);
	shell_end(sh, &c, &r);
	return rc;
}
