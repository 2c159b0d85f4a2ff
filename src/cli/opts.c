/* opts.c - option parsing over tables (so that help and shell completion
 * come from the same place). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const opt_spec *
find_long(const opt_spec *const *specs, const char *name, size_t len)
{
	const opt_spec *const *t;
	const opt_spec *o;

	for (t = specs; *t; t++)
		for (o = *t; o->name; o++)
			if (strlen(o->name) == len && !strncmp(o->name, name, len))
				return o;
	return NULL;
}

static const opt_spec *
find_short(const opt_spec *const *specs, char ch)
{
	const opt_spec *const *t;
	const opt_spec *o;

	for (t = specs; *t; t++)
		for (o = *t; o->name; o++)
			if (o->short_name && o->short_name == ch)
				return o;
	return NULL;
}

static int
push(opt_result *res, int id, const char *arg)
{
	opt_value *n = realloc(res->opts, (size_t)(res->nopts + 1) * sizeof *n);

	if (!n)
		return -1;
	res->opts = n;
	res->opts[res->nopts].id = id;
	res->opts[res->nopts].arg = arg;
	res->nopts++;
	return 0;
}

static int
parse(const opt_spec *const *specs, int argc, char **argv, opt_result *res,
      const char *cmd)
{
	int i;
	bool only_args = false;
	const opt_spec *o;
	const char *prefix = cmd ? cmd : "weft";

	memset(res, 0, sizeof *res);
	res->args = calloc((size_t)argc + 1, sizeof *res->args);
	if (!res->args)
		return -1;
	for (i = 0; i < argc; i++) {
		char *a = argv[i];

		if (only_args || a[0] != '-' || !a[1]) {
			res->args[res->nargs++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			o = find_long(specs, name, len);
			if (!o) {
				fprintf(stderr, "weft: %s: unknown option --%.*s (see \"weft help%s%s\")\n",
					prefix, (int)len, name, cmd ? " " : "",
					cmd ? cmd : "");
				return -1;
			}
			if (o->has_arg) {
				const char *arg = eq ? eq + 1 : NULL;

				if (!arg) {
					if (i + 1 >= argc) {
						fprintf(stderr, "weft: %s: option --%s needs an argument (%s)\n",
							prefix, o->name, o->arg_name);
						return -1;
					}
					arg = argv[++i];
				}
				if (push(res, o->id, arg))
					return -1;
			} else {
				if (eq) {
					fprintf(stderr, "weft: %s: option --%s takes no argument\n",
						prefix, o->name);
					return -1;
				}
				if (push(res, o->id, NULL))
					return -1;
			}
			continue;
		}
		/* A cluster of short options: -qv, -o FILE, -oFILE. */
		for (const char *p = a + 1; *p; p++) {
			o = find_short(specs, *p);
			if (!o) {
				fprintf(stderr, "weft: %s: unknown option -%c (see \"weft help%s%s\")\n",
					prefix, *p, cmd ? " " : "", cmd ? cmd : "");
				return -1;
			}
			if (o->has_arg) {
				const char *arg = p[1] ? p + 1 : NULL;

				if (!arg) {
					if (i + 1 >= argc) {
						fprintf(stderr, "weft: %s: option -%c needs an argument (%s)\n",
							prefix, *p, o->arg_name);
						return -1;
					}
					arg = argv[++i];
				}
				if (push(res, o->id, arg))
					return -1;
				break;
			}
			if (push(res, o->id, NULL))
				return -1;
		}
	}
	return 0;
}

int
opt_parse(const opt_spec *const *specs, int argc, char **argv,
	  opt_result *res, const char *cmd)
{
	int rc = parse(specs, argc, argv, res, cmd);

	if (rc)
		opt_result_free(res);
	return rc;
}

void
opt_result_free(opt_result *res)
{
	free(res->opts);
	free(res->args);
	memset(res, 0, sizeof *res);
}
