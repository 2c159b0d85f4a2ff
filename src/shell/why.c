/* why.c - the shell's "why": the explanation of a binding, naming the
 * key by fingerprint, key ID, address or user ID.
 */
#include <stdlib.h>
#include <string.h>

#include "guided.h"

const opt_spec shell_why_opts[] = {
	TRUST_OPTS,
	OPT_END
};

static bool
looks_like_key(const char *s)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		if (*s == ' ')
			continue;
		if (!guided_is_hex(*s))
			return false;
		n++;
	}
	return n == 16 || n == 40 || n == 64;
}

/* The fingerprint of the one key NAME names (weft_keys_find). */
static int
resolve_name(shell *sh, const char *name, char fpr[65])
{
	cli c;
	opt_result r;
	weft_key_list *l = NULL;
	gpg_error_t err;
	int rc;

	if ((rc = shell_begin(sh, &c, "why", NULL, NULL, 0, WEFT_OPEN_READONLY,
			      &r)))
		return rc < 0 ? EXIT_ERROR : rc;
	err = weft_keys_find(c.ctx, name, 0, &l);
	if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND) {
		rc = cli_fail(&c, err, "why");
	} else if (!l || !l->n) {
		fprintf(stderr, "weft: why: no key matches \"%s\"\n", name);
		rc = EXIT_NEGATIVE;
	} else if (l->n > 1) {
		fprintf(stderr, "weft: why: \"%s\" matches %zu keys; give one:\n",
			name, l->n);
		shell_put_matches(l);
		rc = EXIT_NEGATIVE;
	} else {
		snprintf(fpr, 65, "%s", l->keys[0].fpr);
	}
	weft_key_list_free(l);
	shell_end(sh, &c, &r);
	return rc;
}

int
shell_why(shell *sh, char **words, int n)
{
	char **v, fpr[65];
	const char *what;
	int i, k = 0, first = -1, rc;

	/* the one positional word; the rest are trust options */
	for (i = 1; i < n; i++) {
		if (words[i][0] == '-' && words[i][1]) {
			const opt_spec *o;

			for (o = shell_why_opts; o->name; o++)
				if (!strcmp(words[i] + 2, o->name) ||
				    (o->short_name && !words[i][2] &&
				     words[i][1] == o->short_name))
					break;
			if (!strcmp(words[i], "-h") || !strcmp(words[i], "--help")) {
				shell_help_builtin(shell_builtin_find("why"));
				return EXIT_OK;
			}
			if (o->name && o->has_arg)
				i++;
			continue;
		}
		if (first >= 0) {
			fprintf(stderr, "weft: why: give one key, address or name\n");
			return EXIT_ERROR;
		}
		first = i;
	}
	if (first < 0) {
		fprintf(stderr, "weft: why: give a key, an address or a name (or "
			"\"use\" a key first)\n");
		return EXIT_ERROR;
	}
	what = words[first];
	if (!(v = calloc((size_t)n + 6, sizeof *v)))
		return EXIT_ERROR;
	if (looks_like_key(what)) {
		v[k++] = "identify";
	} else if (strchr(what, '@') && !strchr(what, ' ') &&
		   !strchr(what, '<')) {
		v[k++] = "lookup";
		v[k++] = "--email";
	} else {
		/* a name: the one key whose user IDs contain it */
		if ((rc = resolve_name(sh, what, fpr))) {
			free(v);
			return rc;
		}
		v[k++] = "identify";
		what = fpr;
	}
	v[k++] = (char *)what;
	v[k++] = "-v";
	for (i = 1; i < n; i++)
		if (i != first)
			v[k++] = words[i];
	rc = shell_run_cli(sh, v, k);
	if (rc == EXIT_NEGATIVE) {
		printf("\nNot authenticated to the amount asked for.  What "
		       "certifies it, unchecked (hearsay, --gossip):\n");
		v[k++] = "--gossip";
		shell_run_cli(sh, v, k);
	}
	free(v);
	return rc;
}
