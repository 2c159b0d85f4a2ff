/* shell.c - weft shell: the loop, the words of a line, the built-ins, and
 * running the command line's commands (see shell.h; reading lines and
 * answers from the terminal: input.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "shell.h"

#define HISTORY_MAX 2000

/* ---- built-ins ------------------------------------------------------------------ */

enum { SOPT_KEEP_GOING = 300 };

const opt_spec shell_opts[] = {
	{ "keep-going", 0, false, SOPT_KEEP_GOING, NULL,
	  "in a script, go on after a command fails" },
	OPT_END
};

static const opt_spec no_opts[] = { OPT_END };

const shell_builtin shell_builtins[] = {
	{ "use", "[KEY | none]",
	  "choose the current key: commands that take a KEY default to it",
	  "Makes KEY (a fingerprint, key ID, address or part of a name that\n"
	  "names exactly one key) the current key.  The prompt shows it, and\n"
	  "show, identify, authenticate, certify, revoke, trust, sign and why\n"
	  "use it when they are given no key.  \"use\" alone says which key is\n"
	  "current; \"use none\" forgets it.",
	  no_opts },
	{ "why", "[KEY | EMAIL | NAME]",
	  "explain a binding's validity as a tree of paths",
	  "Shows why the user IDs of KEY (or the keys that carry EMAIL, or a\n"
	  "user ID containing NAME) are valid or not: every path of\n"
	  "certifications from your trust roots, hop by hop, with what each\n"
	  "hop allows (depth, amount, scope).  When no path authenticates a\n"
	  "binding, the certifications it carries are shown as hearsay.",
	  shell_why_opts },
	{ "sign", "[KEY] [--uid UID]... [--level 0-3] [--local|--exportable] "
		  "[--introducer --depth N --amount N --domain D|--no-introducer] "
		  "[--expires T] [--by MYKEY] [--yes]",
	  "certify a key, asking step by step",
	  "Shows KEY's fingerprint in groups of four and its user IDs with\n"
	  "their validity, then asks: which user IDs (all valid ones by\n"
	  "default), how carefully you checked the identity (level 0-3),\n"
	  "exportable or local, whether the key's owner becomes a trusted\n"
	  "introducer (depth, amount, domain), and when the certification\n"
	  "expires; then your passphrase; then it shows a summary and asks a\n"
	  "last time.  Ctrl-C or \"no\" at any step writes nothing.  An option\n"
	  "answers its question in advance; with --yes and every answer given\n"
	  "(or in a script, where the defaults apply) nothing is asked.",
	  shell_sign_opts },
	{ "party", "FILE [--out DIR] [--by MYKEY]",
	  "walk through a keysigning party's list of fingerprints",
	  "Reads FILE, the list a keysigning party's organiser hands out (any\n"
	  "text: each line holding a 40 or 64 digit fingerprint, spaces allowed\n"
	  "between the groups, names a key), and goes through the keys one by\n"
	  "one: for each, sign it (the guided \"sign\"), skip it, or mark its\n"
	  "owner absent.  Afterwards every user ID you signed is exported on\n"
	  "its own, one armored file per user ID in DIR (default: party-DATE in\n"
	  "the current directory), named after the key and the address, ready\n"
	  "to be mailed to that address (as caff does).",
	  shell_party_opts },
	{ "help", "[COMMAND]", "list the commands, or explain one",
	  "\"help\" lists every command; \"help COMMAND\" shows its usage and\n"
	  "options, as \"weft help COMMAND\" does.", no_opts },
	{ "quit", "", "leave the shell (also \"exit\" or Ctrl-D)", "",
	  no_opts },
	{ "exit", "", "leave the shell", "", no_opts },
	{ NULL, NULL, NULL, NULL, NULL }
};

const shell_builtin *
shell_builtin_find(const char *name)
{
	const shell_builtin *b;

	for (b = shell_builtins; b->name; b++)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

int
shell_key_default(const char *cmd)
{
	static const char *const first[] = {
		"show", "identify", "certify", "revoke", "sign", "why", NULL
	};
	size_t i;

	for (i = 0; first[i]; i++)
		if (!strcmp(cmd, first[i]))
			return 0;
	if (!strcmp(cmd, "authenticate") || !strcmp(cmd, "trust"))
		return 1;
	return -1;
}

/* ---- words ---------------------------------------------------------------------------- */

void
shell_free_words(char **words, int n)
{
	int i;

	if (!words)
		return;
	for (i = 0; i < n; i++)
		free(words[i]);
	free(words);
}

int
shell_split(const char *line, char ***words, const char **err)
{
	char **v = NULL, *w = NULL, **nv;
	size_t len = strlen(line), wl = 0;
	const char *p = line;
	int n = 0;
	bool in_word = false;
	char q = 0;

	*words = NULL;
	*err = NULL;
	/* A word is never longer than the line. */
	if (!(w = malloc(len + 1)))
		goto nomem;
	for (;; p++) {
		char ch = *p;

		if (q) {
			if (!ch) {
				*err = q == '"' ? "a \" is not closed"
						: "a ' is not closed";
				goto fail;
			}
			if (ch == q) {
				q = 0;
			} else if (q == '"' && ch == '\\' &&
				   (p[1] == '"' || p[1] == '\\')) {
				w[wl++] = *++p;
			} else {
				w[wl++] = ch;
			}
			continue;
		}
		if (!ch || ch == ' ' || ch == '\t' || ch == '\n' ||
		    (ch == '#' && !in_word)) {
			if (in_word) {
				w[wl] = 0;
				if (!(nv = realloc(v, (size_t)(n + 2) * sizeof *v)))
					goto nomem;
				v = nv;
				if (!(v[n] = strdup(w)))
					goto nomem;
				v[++n] = NULL;
				wl = 0;
				in_word = false;
			}
			if (!ch || ch == '#')
				break;
			continue;
		}
		in_word = true;
		if (ch == '\'' || ch == '"') {
			q = ch;
		} else if (ch == '\\') {
			if (!p[1]) {
				*err = "a line cannot end with \\";
				goto fail;
			}
			w[wl++] = *++p;
		} else {
			w[wl++] = ch;
		}
	}
	free(w);
	*words = v;
	return n;
nomem:
	*err = "out of memory";
fail:
	free(w);
	shell_free_words(v, n);
	return -1;
}

/* ---- running commands ------------------------------------------------------------------ */

void
shell_cli_init(shell *sh, cli *c)
{
	memset(c, 0, sizeof *c);
	c->out = stdout;
	c->err = stderr;
	c->prog = "weft";
	c->home = sh->c->home;
}

/* The global options of words W: is word I an option that takes the
 * next word? (the command's options are in SPEC too) */
static bool
takes_arg(const opt_spec *spec, const char *w)
{
	const opt_spec *tables[2] = { weft_global_opts, spec };
	const opt_spec *o;
	size_t k, n;
	int t;

	if (w[0] != '-' || !w[1])
		return false;
	for (t = 0; t < 2; t++) {
		for (o = tables[t]; o && o->name; o++) {
			if (w[1] == '-') {
				n = strlen(o->name);
				if (!strncmp(w + 2, o->name, n) && !w[2 + n])
					return o->has_arg;
			} else {
				/* -abc: the last letter decides */
				k = strlen(w) - 1;
				if (o->short_name && o->short_name == w[k])
					return o->has_arg;
			}
		}
	}
	return false;
}

/* Put the current key in front of the positional words of a command that
 * defaults to it.  Returns the new word vector (the old one's strings are
 * shared) or NULL when nothing is to be added. */
static char **
imply_key(shell *sh, const char *cmd, const opt_spec *spec, char **words,
	  int n, int *nout)
{
	int want = shell_key_default(cmd), i, first = -1, npos = 0;
	bool opts_done = false;
	char **v;

	if (want < 0 || !sh->cur[0])
		return NULL;
	for (i = 1; i < n; i++) {
		if (!opts_done && !strcmp(words[i], "--")) {
			opts_done = true;
			continue;
		}
		if (!opts_done && words[i][0] == '-' && words[i][1]) {
			if (takes_arg(spec, words[i]) && !strchr(words[i], '='))
				i++;
			continue;
		}
		if (first < 0)
			first = i;
		npos++;
	}
	if (npos != want)
		return NULL;
	if (first < 0)
		first = n;
	if (!(v = calloc((size_t)n + 2, sizeof *v)))
		return NULL;
	for (i = 0; i < first; i++)
		v[i] = words[i];
	v[first] = sh->cur;
	for (i = first; i < n; i++)
		v[i + 1] = words[i];
	*nout = n + 1;
	return v;
}

/* At a terminal a command runs in a child process, as it would from the
 * command line: Ctrl-C ends the command (its transaction is not
 * committed, so nothing of it is written) and the shell goes on.  No
 * keyring is open in the shell when it forks. */
static int
run_child(cli *c, int argc, char **argv)
{
	pid_t pid;
	int st, rc;

	fflush(NULL);
	if ((pid = fork()) < 0) {
		cli_err(c, "cannot start the command: %s", strerror(errno));
		return EXIT_ERROR;
	}
	if (!pid) {
		signal(SIGINT, SIG_DFL);
		signal(SIGWINCH, SIG_DFL);
		rc = cli_dispatch(c, argc, argv);
		fflush(NULL);
		_exit(rc);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return EXIT_ERROR;
	shell_interrupted = 0;
	if (WIFSIGNALED(st)) {
		if (WTERMSIG(st) == SIGINT)
			fprintf(stderr, "\nInterrupted: nothing of it was "
				"written.\n");
		else
			fprintf(stderr, "weft: the command ended with signal "
				"%d\n", WTERMSIG(st));
		return EXIT_ERROR;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_ERROR;
}

int
shell_run_cli(shell *sh, char **words, int n)
{
	cli c;
	char **argv;
	int i, k = 0, rc;

	if (!(argv = calloc((size_t)(sh->ngopts + n + 1), sizeof *argv)))
		return EXIT_ERROR;
	for (i = 0; i < sh->ngopts; i++)
		argv[k++] = sh->gopts[i];
	for (i = 0; i < n; i++)
		argv[k++] = words[i];
	shell_cli_init(sh, &c);
	rc = sh->interactive ? run_child(&c, k, argv)
			     : cli_dispatch(&c, k, argv);
	free(argv);
	fflush(stdout);
	return rc;
}

int
shell_begin(shell *sh, cli *c, const char *name, const opt_spec *spec,
	    char **words, int n, unsigned open_flags, opt_result *res)
{
	const opt_spec *specs[3] = { weft_global_opts, spec, NULL };
	char **argv;
	int i, k = 0, rc;
	gpg_error_t err;

	shell_cli_init(sh, c);
	memset(res, 0, sizeof *res);
	if (!(argv = calloc((size_t)(sh->ngopts + n + 1), sizeof *argv)))
		return EXIT_ERROR;
	for (i = 0; i < sh->ngopts; i++)
		argv[k++] = sh->gopts[i];
	for (i = 1; i < n; i++)
		argv[k++] = words[i];
	rc = opt_parse(specs, k, argv, res, name);
	free(argv);
	if (rc)
		return EXIT_ERROR;
	for (i = 0; i < res->nopts; i++) {
		if (res->opts[i].id == GOPT_HELP) {
			opt_result_free(res);
			return -1;
		}
		if (res->opts[i].id < 100 && !cli_global_opt(c, &res->opts[i])) {
			opt_result_free(res);
			return EXIT_ERROR;
		}
	}
	c->progress = !c->quiet && isatty(fileno(c->err));
	if ((err = weft_ctx_new(&c->ctx))) {
		cli_err(c, "cannot initialise: %s", gpg_strerror(err));
		opt_result_free(res);
		return EXIT_ERROR;
	}
	if (c->at_set)
		weft_ctx_set_time(c->ctx, c->at);
	if (!cli_passphrase_setup(c, res)) {
		shell_end(sh, c, res);
		return EXIT_ERROR;
	}
	if ((err = weft_ctx_open(c->ctx, c->home, open_flags))) {
		rc = cli_fail(c, err, name);
		shell_end(sh, c, res);
		return rc == EXIT_NEGATIVE ? EXIT_ERROR : rc;
	}
	return 0;
}

void
shell_put_matches(const weft_key_list *l)
{
	size_t i;

	for (i = 0; i < l->n && i < 10; i++) {
		fprintf(stderr, "  %s ", l->keys[i].fpr);
		if (l->keys[i].nuids)
			fput_escaped(stderr, l->keys[i].uids[0].uid,
				     l->keys[i].uids[0].uid_len);
		fputc('\n', stderr);
	}
}

void
shell_end(shell *sh, cli *c, opt_result *res)
{
	weft_ctx_free(c->ctx);
	c->ctx = NULL;
	opt_result_free(res);
}

/* ---- built-ins ------------------------------------------------------------------------ */

static void
help_overview(void)
{
	const command *cmd;
	const shell_builtin *b;

	printf("Commands (as on the command line, with the same options):\n");
	for (cmd = weft_commands; cmd->name; cmd++)
		if (strcmp(cmd->name, "shell") && strcmp(cmd->name, "help"))
			printf("  %-18s %s\n", cmd->name, cmd->summary);
	printf("\nIn the shell:\n");
	for (b = shell_builtins; b->name; b++)
		if (strcmp(b->name, "exit"))
			printf("  %-18s %s\n", b->name, b->summary);
	printf("\n\"help COMMAND\" explains one.  Tab completes commands, options, "
	       "key IDs,\nfingerprints, addresses and names.  Ctrl-C gives up on "
	       "a line or a question.\n");
}

void
shell_help_builtin(const shell_builtin *b)
{
	const opt_spec *o;
	char left[64];

	printf("usage: %s%s%s\n\n%s\n", b->name, b->usage[0] ? " " : "",
	       b->usage, b->summary);
	if (b->help[0])
		printf("\n%s\n", b->help);
	if (b->opts && b->opts->name) {
		printf("\nOptions:\n");
		for (o = b->opts; o->name; o++) {
			snprintf(left, sizeof left, "%s%c%s--%s%s%s",
				 o->short_name ? "-" : "  ",
				 o->short_name ? o->short_name : ' ',
				 o->short_name ? ", " : "  ", o->name,
				 o->arg_name ? " " : "",
				 o->arg_name ? o->arg_name : "");
			printf("  %-26s %s\n", left, o->help);
		}
	}
}

static int
do_help(shell *sh, char **words, int n)
{
	const shell_builtin *b;
	const command *cmd;

	(void)sh;
	if (n < 2) {
		help_overview();
		return EXIT_OK;
	}
	if ((b = shell_builtin_find(words[1]))) {
		shell_help_builtin(b);
		return EXIT_OK;
	}
	if ((cmd = command_find(words[1])) && strcmp(cmd->name, "shell")) {
		print_help(stdout, cmd);
		return EXIT_OK;
	}
	fprintf(stderr, "weft: help: no command \"%s\" (\"help\" lists them)\n",
		words[1]);
	return EXIT_ERROR;
}

static int
do_use(shell *sh, char **words, int n)
{
	cli c;
	opt_result r;
	weft_key_list *l = NULL;
	const weft_key_info *k;
	gpg_error_t err;
	int rc;

	if (n > 2) {
		fprintf(stderr, "weft: use: give one key (\"help use\")\n");
		return EXIT_ERROR;
	}
	if (n == 1) {
		if (sh->cur[0])
			printf("The current key is %s (%s).\n", sh->cur,
			       sh->cur_label);
		else
			printf("No current key; \"use KEY\" chooses one.\n");
		return EXIT_OK;
	}
	if (!strcmp(words[1], "none") || !strcmp(words[1], "-")) {
		sh->cur[0] = 0;
		sh->cur_label[0] = 0;
		return EXIT_OK;
	}
	if ((rc = shell_begin(sh, &c, "use", NULL, words, 1, WEFT_OPEN_READONLY,
			      &r)))
		return rc < 0 ? EXIT_OK : rc;
	err = weft_keys_find(c.ctx, words[1], 0, &l);
	if (err && gpg_err_code(err) != GPG_ERR_NOT_FOUND) {
		rc = cli_fail(&c, err, "use");
	} else if (!l || !l->n) {
		fprintf(stderr, "weft: use: no key matches \"%s\"\n", words[1]);
		rc = EXIT_NEGATIVE;
	} else if (l->n > 1) {
		fprintf(stderr, "weft: use: \"%s\" matches %zu keys; give one of "
			"these fingerprints:\n", words[1], l->n);
		shell_put_matches(l);
		rc = EXIT_NEGATIVE;
	} else {
		size_t i;
		const char *addr = NULL;

		k = &l->keys[0];
		snprintf(sh->cur, sizeof sh->cur, "%s", k->fpr);
		for (i = 0; i < k->nuids && !addr; i++)
			if (k->uids[i].primary && k->uids[i].email)
				addr = k->uids[i].email;
		for (i = 0; i < k->nuids && !addr; i++)
			if (k->uids[i].email)
				addr = k->uids[i].email;
		snprintf(sh->cur_label, sizeof sh->cur_label, "%s%s%s",
			 k->keyid, addr ? " " : "", addr ? addr : "");
		/* only printable characters go into the prompt */
		for (i = 0; sh->cur_label[i]; i++)
			if ((unsigned char)sh->cur_label[i] < 0x20 ||
			    sh->cur_label[i] == 0x7f)
				sh->cur_label[i] = '?';
		rc = EXIT_OK;
	}
	weft_key_list_free(l);
	shell_end(sh, &c, &r);
	return rc;
}

int
shell_run_words(shell *sh, char **words, int n)
{
	const command *cmd;
	const opt_spec *spec = NULL;
	char **v;
	int rc, nv = 0;

	if (!n)
		return EXIT_OK;
	if (!strcmp(words[0], "quit") || !strcmp(words[0], "exit")) {
		sh->quit = true;
		return EXIT_OK;
	}
	if (!strcmp(words[0], "help") || !strcmp(words[0], "?"))
		return do_help(sh, words, n);
	if (!strcmp(words[0], "use"))
		return do_use(sh, words, n);
	if (!strcmp(words[0], "shell")) {
		fprintf(stderr, "weft: you are in the shell already\n");
		return EXIT_ERROR;
	}
	if (shell_builtin_find(words[0]))
		spec = shell_builtin_find(words[0])->opts;
	else if ((cmd = command_find(words[0])))
		spec = cmd->opts;
	else {
		fprintf(stderr, "weft: unknown command \"%s\" (\"help\" lists them)\n",
			words[0]);
		return EXIT_ERROR;
	}
	v = imply_key(sh, words[0], spec, words, n, &nv);
	if (v) {
		words = v;
		n = nv;
	}
	if (!strcmp(words[0], "sign"))
		rc = shell_sign(sh, words, n);
	else if (!strcmp(words[0], "party"))
		rc = shell_party(sh, words, n);
	else if (!strcmp(words[0], "why"))
		rc = shell_why(sh, words, n);
	else
		rc = shell_run_cli(sh, words, n);
	free(v);
	return rc;
}

/* ---- the loop ------------------------------------------------------------------------- */

static void
make_prompt(shell *sh, char *out, size_t n)
{
	if (sh->cur[0])
		snprintf(out, n, "weft %s> ", sh->cur_label);
	else
		snprintf(out, n, "weft> ");
}

static void
load_history(shell *sh)
{
	int fd;

	if (!sh->home)
		return;
	if (asprintf(&sh->history, "%s/history", sh->home) < 0) {
		sh->history = NULL;
		return;
	}
	/* Private like the rest of the keyring directory. */
	fd = open(sh->history, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		  0600);
	if (fd >= 0)
		close(fd);
	stifle_history(HISTORY_MAX);
	read_history(sh->history);
}

static void
save_history(shell *sh)
{
	if (!sh->history)
		return;
	history_truncate_file(sh->history, HISTORY_MAX);
	chmod(sh->history, 0600);
}

/* The shell's global options, as words for every command. */
static bool
collect_gopts(shell *sh, const opt_result *r)
{
	const opt_spec *o;
	int i;

	sh->gopts = calloc((size_t)(2 * r->nopts + 1), sizeof *sh->gopts);
	if (!sh->gopts)
		return false;
	for (i = 0; i < r->nopts; i++) {
		if (r->opts[i].id >= 100 || r->opts[i].id == GOPT_HELP ||
		    r->opts[i].id == GOPT_VERSION)
			continue;
		for (o = weft_global_opts; o->name; o++)
			if (o->id == r->opts[i].id)
				break;
		if (!o->name)
			continue;
		if (asprintf(&sh->gopts[sh->ngopts], "--%s", o->name) < 0)
			return false;
		sh->ngopts++;
		if (o->has_arg) {
			if (!(sh->gopts[sh->ngopts] = strdup(r->opts[i].arg)))
				return false;
			sh->ngopts++;
		}
	}
	return true;
}

int
cmd_shell(cli *c, const opt_result *r)
{
	shell sh;
	char prompt[256], *line, **words;
	const char *err;
	int i, n, rc = EXIT_OK, status = EXIT_OK;
	unsigned long lineno = 0;
	bool intr;

	memset(&sh, 0, sizeof sh);
	sh.c = c;
	sh.interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	for (i = 0; i < r->nopts; i++)
		if (r->opts[i].id == SOPT_KEEP_GOING)
			sh.keep_going = true;
	if (r->nargs) {
		cli_err(c, "shell: no arguments (run a script with "
			"\"weft shell < FILE\")");
		return EXIT_ERROR;
	}
	if (!collect_gopts(&sh, r)) {
		cli_err(c, "shell: out of memory");
		return EXIT_ERROR;
	}
	sh.home = weft_default_home(c->home);
	if (sh.interactive) {
		rl_readline_name = "weft";
		rl_catch_signals = 0;
		rl_catch_sigwinch = 0;
		shell_completion_init(&sh);
		load_history(&sh);
		shell_catch_signals(true);
		printf("weft %s shell on %s.  \"help\" lists the commands; "
		       "Ctrl-D leaves.\n", WEFT_VERSION,
		       sh.home ? sh.home : "?");
	}
	while (!sh.quit) {
		make_prompt(&sh, prompt, sizeof prompt);
		line = shell_readline(&sh, prompt, true, &intr);
		if (!line) {
			if (intr)
				continue;
			if (sh.interactive)
				putchar('\n');
			break;
		}
		lineno++;
		n = shell_split(line, &words, &err);
		if (n < 0) {
			if (sh.interactive)
				fprintf(stderr, "weft: %s\n", err);
			else
				fprintf(stderr, "weft shell: line %lu: %s\n",
					lineno, err);
			rc = EXIT_ERROR;
		} else {
			rc = shell_run_words(&sh, words, n);
			shell_free_words(words, n);
		}
		free(line);
		fflush(stdout);
		if (rc > status)
			status = rc;
		if (rc && !sh.interactive && !sh.keep_going) {
			fprintf(stderr, "weft shell: stopped at line %lu (exit "
				"status %d); --keep-going goes on after errors\n",
				lineno, rc);
			status = rc;
			break;
		}
	}
	if (sh.interactive) {
		shell_catch_signals(false);
		save_history(&sh);
	}
	for (i = 0; i < sh.ngopts; i++)
		free(sh.gopts[i]);
	free(sh.gopts);
	free(sh.home);
	free(sh.history);
	/* Interactive: the last command's status does not matter. */
	return sh.interactive ? EXIT_OK : status;
}
