/* input.c - weft shell: reading a command line or an answer, from the
 * terminal (readline's alternate interface, with Ctrl-C and window size
 * changes handled here) or from a script on standard input. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "shell.h"

volatile sig_atomic_t shell_interrupted;
static volatile sig_atomic_t winch;

static char *line_got;
static bool line_done;

static void
on_line(char *line)
{
	line_got = line;
	line_done = true;
	rl_callback_handler_remove();
}

static void
on_sigint(int sig)
{
	(void)sig;
	shell_interrupted = 1;
}

static void
on_sigwinch(int sig)
{
	(void)sig;
	winch = 1;
}

/* Readline's alternate interface, so that Ctrl-C can end a line without
 * ending the shell.  The shell's SIGINT handler (installed for the
 * whole session) only sets shell_interrupted; here SIGINT is blocked
 * except inside pselect(), so a Ctrl-C is never lost between the prompt
 * and the wait, and one pressed while the shell was busy (between two
 * questions) gives up on the next question. */
static char *
tty_line(const char *prompt, bool *interrupted)
{
	sigset_t block, orig;
	int fd = fileno(rl_instream ? rl_instream : stdin);
	fd_set fds;
	int r;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGWINCH);
	sigprocmask(SIG_BLOCK, &block, &orig);
	line_done = false;
	line_got = NULL;
	rl_callback_handler_install(prompt, on_line);
	while (!line_done) {
		if (winch) {
			winch = 0;
			rl_resize_terminal();
		}
		if (shell_interrupted) {
			shell_interrupted = 0;
			rl_echo_signal_char(SIGINT);
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_cleanup_after_signal();
			rl_callback_handler_remove();
			fputc('\n', rl_outstream ? rl_outstream : stdout);
			*interrupted = true;
			break;
		}
		FD_ZERO(&fds);
		FD_SET(fd, &fds);
		r = pselect(fd + 1, &fds, NULL, NULL, NULL, &orig);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rl_callback_handler_remove();
			break;
		}
		rl_callback_read_char();
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	if (*interrupted) {
		free(line_got);
		return NULL;
	}
	return line_got;
}

void
shell_catch_signals(bool on)
{
	static struct sigaction old_int, old_winch;
	struct sigaction sa;

	if (!on) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGWINCH, &old_winch, NULL);
		return;
	}
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_sigint;       /* no SA_RESTART */
	sigaction(SIGINT, &sa, &old_int);
	sa.sa_handler = on_sigwinch;
	sigaction(SIGWINCH, &sa, &old_winch);
}

char *
shell_readline(shell *sh, const char *prompt, bool history, bool *interrupted)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	*interrupted = false;
	if (sh->interactive) {
		if (history)                    /* a fresh command line */
			shell_interrupted = 0;
		line = tty_line(prompt, interrupted);
		/* completion leaves a blank at the end */
		if (line) {
			size_t k = strlen(line);

			while (k && (line[k - 1] == ' ' || line[k - 1] == '\t'))
				line[--k] = 0;
		}
		if (line && history && *line && *line != ' ') {
			HIST_ENTRY *last = history_length ?
				history_get(history_base + history_length - 1) : NULL;

			if (!last || strcmp(last->line, line)) {
				add_history(line);
				/* at once: a command may end the process */
				if (sh->history)
					append_history(1, sh->history);
			}
		}
		return line;
	}
	n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	if (n && line[n - 1] == '\n')
		line[--n] = 0;
	if (n && line[n - 1] == '\r')
		line[--n] = 0;
	return line;
}

char *
shell_ask(shell *sh, const char *prompt)
{
	bool intr;
	char *a;

	if (!sh->interactive)
		return NULL;
	sh->asking = true;
	a = shell_readline(sh, prompt, false, &intr);
	sh->asking = false;
	return a;
}

/* Does answer A name CHOICE ("s", or "y|yes": any of its words, in any
 * case)? */
static bool
is_choice(const char *a, const char *choice)
{
	size_t n = strlen(a);

	for (;;) {
		size_t w = strcspn(choice, "|");

		if (w == n && !strncasecmp(a, choice, n))
			return true;
		if (!choice[w])
			return false;
		choice += w + 1;
	}
}

int
shell_choose(shell *sh, const char *prompt, const char *const *choices,
	     size_t n, size_t dflt)
{
	size_t i;
	bool empty;
	char *a;

	for (;;) {
		if (!(a = shell_ask(sh, prompt)))
			return -1;
		empty = !a[0];
		for (i = 0; !empty && i < n && !is_choice(a, choices[i]); i++)
			;
		free(a);
		if (empty || i < n)
			return (int)(empty ? dflt : i);
		printf("Please answer ");
		for (i = 0; i < n; i++)
			printf("%s%.*s", !i ? "" : i + 1 < n ? ", " : " or ",
			       (int)strcspn(choices[i], "|"), choices[i]);
		printf(".\n");
	}
}

bool
shell_yes(shell *sh, const char *prompt, bool dflt, bool *gave_up)
{
	static const char *const yn[] = { "y|yes", "n|no" };
	int c = shell_choose(sh, prompt, yn, 2, dflt ? 0 : 1);

	if (gave_up)
		*gave_up = c < 0;
	return c == 0;
}
