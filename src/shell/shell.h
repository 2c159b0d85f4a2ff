/* shell.h - weft shell: the interactive prompt (readline) and the script
 * runner over the same command table as the command line.
 *
 *   shell.c     the loop: splitting words, the built-ins (help, use,
 *               quit), running CLI commands, history
 *   input.c     reading lines and answers: readline on a terminal (Ctrl-C,
 *               window size), standard input in a script
 *   complete.c  tab completion of commands, options and keys
 *   guided.c    sign, the guided certification (guided.h: what it
 *               shares with party and why)
 *   party.c     party: a keysigning party's list, one key after the
 *               other through sign's flow
 *   why.c       why: the explanation of a binding
 *
 * Every command runs as it would from the command line, with the shell's
 * global options (--home, --passphrase-fd, ...) in front: it opens the
 * keyring, does its work in its own transactions and closes the keyring,
 * so another weft (a script importing keys) can use the keyring between
 * two commands, and the shell never holds a transaction while it waits
 * for the user.
 */
#ifndef WEFT_SHELL_H
#define WEFT_SHELL_H

#include <signal.h>

#include "../cli/cli.h"

typedef struct shell {
	cli *c;                  /* the "weft shell" run */
	bool interactive;        /* standard input is a terminal */
	bool keep_going;         /* --keep-going */
	char **gopts;            /* the shell's global options, as words */
	int ngopts;
	char *home;              /* the keyring directory (for history) */
	char *history;           /* history file, or NULL */
	char cur[65];            /* "use": current key's fingerprint, or "" */
	char cur_label[160];     /* its key ID and address, for the prompt */
	bool asking;             /* shell_ask waits for an answer: Tab
				  * completes nothing (and so never opens
				  * the keyring a second time in this
				  * process, whose built-in has it open) */
	bool quit;
} shell;

/* Set by the SIGINT handler while the shell waits for a line. */
extern volatile sig_atomic_t shell_interrupted;

/* For the whole interactive session (ON), and after it: Ctrl-C
 * interrupts what the shell waits for, never the shell (commands run in
 * a child, see shell_run_cli). */
void shell_catch_signals(bool on);
/* Read a line at PROMPT: readline on a terminal (Ctrl-C gives up on the
 * line), else a line of standard input.  Returns a malloc'd line without
 * its newline, or NULL: *INTERRUPTED says whether Ctrl-C (true) or the
 * end of input (false) ended it.  HISTORY adds the line to the history. */
char *shell_readline(shell *sh, const char *prompt, bool history,
		     bool *interrupted);

/* Split LINE into words (shell-like: whitespace separates, '...' and
 * "..." quote, backslash escapes, # starts a comment).  Returns the
 * number of words (*WORDS is malloc'd, each word too), or -1 with *ERR
 * set to a message. */
int shell_split(const char *line, char ***words, const char **err);
void shell_free_words(char **words, int n);

/* Run a command line of words (a built-in or a CLI command) and return
 * its exit status. */
int shell_run_words(shell *sh, char **words, int n);
/* Run a CLI command with the shell's global options in front. */
int shell_run_cli(shell *sh, char **words, int n);

/* A fresh cli for one command, with the shell's settings. */
void shell_cli_init(shell *sh, cli *c);
/* For a built-in NAME: parse WORDS[1..N) against SPEC and the global
 * options (the shell's own global options first), apply the global ones
 * to C, set up passphrases and open the keyring with OPEN_FLAGS.  0, or
 * -1 when --help was asked (nothing opened), or an exit status (the
 * error was printed).  After 0, shell_end closes and frees. */
int shell_begin(shell *sh, cli *c, const char *name, const opt_spec *spec,
		char **words, int n, unsigned open_flags, opt_result *res);
void shell_end(shell *sh, cli *c, opt_result *res);
/* On standard error, "  FPR USERID" for each of the first 10 keys of L:
 * the keys a name matched when it had to name one. */
void shell_put_matches(const weft_key_list *l);

/* complete.c */
void shell_completion_init(shell *sh);

/* guided.c, party.c, why.c */
extern const opt_spec shell_sign_opts[];
extern const opt_spec shell_party_opts[];
extern const opt_spec shell_why_opts[];
int shell_sign(shell *sh, char **words, int n);
int shell_party(shell *sh, char **words, int n);
int shell_why(shell *sh, char **words, int n);

/* Ask a question (interactive only): the answer, or NULL when the user
 * gave up (Ctrl-C, end of input); the caller frees. */
char *shell_ask(shell *sh, const char *prompt);
/* Ask until the answer is one of the N CHOICES (each "s" or "y|yes":
 * any of its words, in any case; an empty answer is choice DFLT): its
 * index, or -1 when the user gave up. */
int shell_choose(shell *sh, const char *prompt, const char *const *choices,
		 size_t n, size_t dflt);
/* Ask yes/no with a default; false also when the user gave up (then
 * *GAVE_UP is set when not NULL). */
bool shell_yes(shell *sh, const char *prompt, bool dflt, bool *gave_up);

/* The built-ins, for help and completion. */
typedef struct shell_builtin {
	const char *name;
	const char *usage;
	const char *summary;
	const char *help;
	const opt_spec *opts;
} shell_builtin;
extern const shell_builtin shell_builtins[];
const shell_builtin *shell_builtin_find(const char *name);
void shell_help_builtin(const shell_builtin *b);
extern const opt_spec shell_opts[];

/* Commands that take KEY first and default to the current key ("use"):
 * how many positional words they need before the key is implied (the
 * key is put in front of them), or -1 when the command does not take
 * one. */
int shell_key_default(const char *cmd);

#endif /* WEFT_SHELL_H */
