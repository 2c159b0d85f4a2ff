/* complete.c - tab completion in weft shell: command names, options,
 * option values, file names, and keys (fingerprints, key IDs, addresses,
 * names) from the keyring's indexes (weft_complete). */
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "shell.h"

static shell *the_shell;

/* Candidates of one completion, handed out by the generator. */
static struct {
	char **v;
	size_t n, next;
} cands;

static void
cands_clear(void)
{
	size_t i;

	for (i = cands.next; i < cands.n; i++)
		free(cands.v[i]);
	free(cands.v);
	memset(&cands, 0, sizeof cands);
}

static void
cands_add(const char *s)
{
	char **v;

	if (!(v = realloc(cands.v, (cands.n + 1) * sizeof *v)))
		return;
	cands.v = v;
	if ((cands.v[cands.n] = strdup(s)))
		cands.n++;
}

/* Add S when it starts with TEXT. */
static void
cands_prefix(const char *s, const char *text)
{
	if (!strncmp(s, text, strlen(text)))
		cands_add(s);
}

static char *
generator(const char *text, int state)
{
	(void)text;
	(void)state;
	if (cands.next < cands.n)
		return cands.v[cands.next++];
	return NULL;
}

/* Characters that make a word need quotes in the shell's syntax. */
static bool
needs_quotes(const char *s)
{
	return strpbrk(s, " \t\"'\\#") != NULL;
}

/* A key word, quoted when the user did not open a quote and it needs one
 * (readline closes the quote the user opened). */
static void
cands_key(const char *s)
{
	char *q, *p;
	size_t n = strlen(s);

	if (rl_completion_quote_character || !needs_quotes(s)) {
		cands_add(s);
		return;
	}
	if (!(q = malloc(2 * n + 3)))
		return;
	p = q;
	*p++ = '"';
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '"';
	*p = 0;
	cands_add(q);
	free(q);
}

/* Keys from the keyring, opened for this completion and closed after
 * it.  Completion runs only at the command prompt (complete), where the
 * shell has no keyring open: LMDB allows one environment of a keyring per
 * process (closing a second one drops the first's locks on lock.mdb, and
 * opening it may take lock.mdb's exclusive lock from under the first),
 * and a second lock on weft.lock would count as another weft's. */
static void
complete_keys(const char *text)
{
	weft_ctx *ctx = NULL;
	weft_word_list *l = NULL;
	size_t i;

	if (weft_ctx_new(&ctx))
		return;
	if (!weft_ctx_open(ctx, the_shell->c->home, WEFT_OPEN_READONLY) &&
	    !weft_complete(ctx, text, WEFT_COMPLETE_ALL, 200, &l)) {
		for (i = 0; i < l->n; i++)
			cands_key(l->v[i]);
	}
	weft_word_list_free(l);
	weft_ctx_free(ctx);
}

static void
complete_commands(const char *text)
{
	const command *cmd;
	const shell_builtin *b;

	for (cmd = weft_commands; cmd->name; cmd++)
		if (strcmp(cmd->name, "shell"))
			cands_prefix(cmd->name, text);
	for (b = shell_builtins; b->name; b++)
		cands_prefix(b->name, text);
}

static void
complete_options(const opt_spec *spec, const char *text)
{
	const opt_spec *tables[2] = { spec, weft_global_opts };
	const opt_spec *o;
	char buf[64];
	int t;

	for (t = 0; t < 2; t++)
		for (o = tables[t]; o && o->name; o++) {
			if (o->id == GOPT_HOME)
				continue;   /* the shell's keyring stays */
			snprintf(buf, sizeof buf, "--%s", o->name);
			cands_prefix(buf, text);
		}
}

static void
complete_list(const char *const *v, const char *text)
{
	for (; *v; v++)
		cands_prefix(*v, text);
}

static const opt_spec *
spec_of(const char *cmd)
{
	const shell_builtin *b = shell_builtin_find(cmd);
	const command *c;

	if (b)
		return b->opts;
	c = command_find(cmd);
	return c ? c->opts : NULL;
}

/* The option spec of word W ("--name" or "-x") in SPEC or the globals. */
static const opt_spec *
find_opt(const opt_spec *spec, const char *w)
{
	const opt_spec *tables[2] = { spec, weft_global_opts };
	const opt_spec *o;
	int t;

	if (w[0] != '-' || !w[1] || strchr(w, '='))
		return NULL;
	for (t = 0; t < 2; t++)
		for (o = tables[t]; o && o->name; o++)
			if (w[1] == '-' ? !strcmp(w + 2, o->name)
					: (o->short_name &&
					   o->short_name == w[strlen(w) - 1]))
				return o;
	return NULL;
}

static char **
complete(const char *text, int start, int end)
{
	static const char *const levels[] = {
		"ultimate", "full", "marginal", "never", "unknown", NULL };
	static const char *const models[] = { "wot", "gnupg", NULL };
	static const char *const algos[] = {
		"ed25519", "rsa3072", "rsa4096", NULL };
	static const char *const reasons[] = {
		"invalid", "retired", "unspecified", NULL };
	static const char *const rootsub[] = { "add", "remove", "list", NULL };
	static const char *const digits[] = { "0", "1", "2", "3", NULL };
	char *before, **words = NULL;
	const char *err, *cmd;
	const opt_spec *spec, *o;
	int n, i, npos = 0;
	bool file = false;

	(void)end;
	rl_attempted_completion_over = 1;
	cands_clear();
	/* An answer to a built-in's question (a number, y or n, a date)
	 * is neither a command nor a key, nor a file name. */
	if (the_shell->asking)
		return NULL;
	/* The words before this one (an opened quote is this word's). */
	if (start > 0 && strchr("\"'", rl_line_buffer[start - 1]))
		start--;
	if (!(before = strndup(rl_line_buffer, (size_t)start)))
		return NULL;
	n = shell_split(before, &words, &err);
	free(before);
	if (n < 0)
		return NULL;
	if (n == 0) {
		complete_commands(text);
		goto done;
	}
	cmd = words[0];
	spec = spec_of(cmd);
	/* the value of an option? */
	if ((o = find_opt(spec, words[n - 1])) && o->has_arg) {
		const char *a = o->arg_name ? o->arg_name : "";

		if (!strcmp(o->name, "model"))
			complete_list(models, text);
		else if (!strcmp(o->name, "algo"))
			complete_list(algos, text);
		else if (!strcmp(o->name, "reason"))
			complete_list(reasons, text);
		else if (!strcmp(o->name, "level"))
			complete_list(digits, text);
		else if (!strcmp(a, "FILE") || !strcmp(a, "DIR"))
			file = true;
		else if (!strcmp(a, "MYKEY") || !strcmp(a, "KEY") ||
			 !strncmp(a, "FPR", 3))
			complete_keys(text);
		goto done;
	}
	if (text[0] == '-') {
		complete_options(spec, text);
		goto done;
	}
	for (i = 1; i < n; i++) {
		if ((o = find_opt(spec, words[i])) && o->has_arg)
			i++;
		else if (words[i][0] != '-')
			npos++;
	}
	if (!strcmp(cmd, "help"))
		complete_commands(text);
	else if (!strcmp(cmd, "import") || !strcmp(cmd, "party") ||
		 !strcmp(cmd, "import-ownertrust"))
		file = true;
	else if (!strcmp(cmd, "trust") && npos == 1)
		complete_list(levels, text);
	else if (!strcmp(cmd, "root") && npos == 0)
		complete_list(rootsub, text);
	else if (!strcmp(cmd, "root") && !strcmp(words[1], "list"))
		;
	else if (!strcmp(cmd, "use")) {
		if (npos == 0) {
			cands_prefix("none", text);
			complete_keys(text);
		}
	} else if (strcmp(cmd, "generate") && strcmp(cmd, "check") &&
		   strcmp(cmd, "fsck") && strcmp(cmd, "version") &&
		   strcmp(cmd, "export-ownertrust") && strcmp(cmd, "quit") &&
		   strcmp(cmd, "exit"))
		complete_keys(text);
done:
	shell_free_words(words, n);
	if (file) {
		rl_attempted_completion_over = 0;   /* readline's file names */
		cands_clear();
		return NULL;
	}
	if (!cands.n) {
		cands_clear();
		return NULL;
	}
	return rl_completion_matches(text, generator);
}

void
shell_completion_init(shell *sh)
{
	the_shell = sh;
	rl_attempted_completion_function = complete;
	/* Addresses and user IDs hold @ < > ( ): only blanks break words. */
	rl_completer_word_break_characters = " \t\n";
	rl_completer_quote_characters = "\"'";
	rl_filename_quote_characters = " \t\"'\\#";
}
