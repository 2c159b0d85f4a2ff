/* cli.h - the program weft: shared state of one command run, the command
 * table, option parsing, and output helpers (human and JSON).
 *
 * Everything here talks to the engine only through <weft/weft.h>.
 */
#ifndef WEFT_CLI_H
#define WEFT_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <weft/weft.h>

/* Exit statuses (documented in weft(1)). */
enum {
	EXIT_OK = 0,       /* success */
	EXIT_NEGATIVE = 1, /* done, but the answer is no: nothing matched,
			      keys were rejected, not authenticated,
			      problems found */
	EXIT_ERROR = 2,    /* could not do it: usage, unreadable or damaged
			      input, keyring unusable */
};

/* ---- options ---------------------------------------------------------------- */

typedef struct opt_spec {
	const char *name;        /* long name without "--" */
	char short_name;         /* 0 for none */
	bool has_arg;
	int id;
	const char *arg_name;    /* for help: "DIR", "TIME" */
	const char *help;
} opt_spec;

#define OPT_END { NULL, 0, false, 0, NULL, NULL }

/* Options whose id has this bit make their command open the keyring
 * read-write, and only one that exists (WEFT_OPEN_EXISTING): a reading
 * command that writes on request (fsck --compact) has nothing to do to
 * a missing keyring, and must not make one.  Command option ids are 100
 * and up, this bit added where it applies; global ones (GOPT_*) stay
 * below it. */
#define OPT_WRITES 0x1000
#define opt_writes(id) (((id) & OPT_WRITES) != 0)

typedef struct opt_value {
	int id;
	const char *arg;
} opt_value;

typedef struct opt_result {
	opt_value *opts;
	int nopts;
	char **args;             /* positional arguments */
	int nargs;
} opt_result;

/* Parse ARGV against SPECS (several tables, NULL-terminated list).
 * "--" ends options; "-" is a positional argument.  On error prints a
 * one-line message naming the option to stderr, frees RES and returns -1. */
int opt_parse(const opt_spec *const *specs, int argc, char **argv,
	      opt_result *res, const char *cmd);
void opt_result_free(opt_result *res);

/* ---- one run ----------------------------------------------------------------- */

typedef struct cli {
	weft_ctx *ctx;
	const char *home;
	bool json;
	bool quiet;
	int verbose;
	bool at_set;
	int64_t at;
	bool progress;           /* stderr is a terminal and not quiet */
	FILE *out;
	FILE *err;
	const char *prog;        /* "weft" */
} cli;

enum {
	CMD_WRITES = 1,          /* opens the keyring read-write */
	CMD_NO_KEYRING = 2,      /* does not open the keyring */
};

typedef struct command {
	const char *name;
	const char *usage;       /* after "weft NAME " */
	const char *summary;     /* one line */
	const char *help;        /* paragraphs, wrapped at 72 */
	const opt_spec *opts;    /* command options (global ones are added) */
	unsigned flags;
	int (*run)(cli *c, const opt_result *r);
} command;

extern const command weft_commands[];
extern const opt_spec weft_global_opts[];
const command *command_find(const char *name);

/* Global option ids (commands use ids >= 100). */
enum {
	GOPT_HOME = 1,
	GOPT_JSON,
	GOPT_AT,
	GOPT_QUIET,
	GOPT_VERBOSE,
	GOPT_HELP,
	GOPT_VERSION,
	GOPT_PASSPHRASE_FD,
	GOPT_END_
};
_Static_assert(GOPT_END_ <= 100 && OPT_WRITES > 100,
	       "global option ids lie below command ones, and so below OPT_WRITES");

/* Run one command line (ARGV without the program name: global options
 * and the command's words in any order) on C, which the caller set up
 * (out, err, prog, defaults such as home); the keyring is opened for the
 * command and closed after it.  Returns the exit status. */
int cli_dispatch(cli *c, int argc, char **argv);
/* Run CMD with its words (main.c). */
int cli_run(cli *c, const command *cmd, int argc, char **argv);

/* Apply a global option to C; false with a message when its argument is
 * bad. */
bool cli_global_opt(cli *c, const opt_value *v);

/* Print "weft: WHAT: detail" for an engine error, using the context's
 * last-error line when it has one.  Returns the exit status to use. */
int cli_fail(cli *c, gpg_error_t err, const char *what);
/* Print "weft: " + message to stderr. */
void cli_err(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Usage error for command CMD: prints it and a pointer to help. */
int cli_usage(cli *c, const command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read a whole file ("-" = stdin) into memory.  Prints the error. */
int cli_read_file(cli *c, const char *path, uint8_t **data, size_t *len);
/* A regular file of more than CLI_MAP_MIN octets is mapped (read-only,
 * private) rather than read: the engine can then let go of what it has
 * read (weft_import_mapped).  Others are read as cli_read_file does.
 * Prints the error. */
#define CLI_MAP_MIN ((size_t)64 << 10)
typedef struct cli_input {
	uint8_t *data;
	size_t len;
	bool mapped;
} cli_input;
int cli_input_open(cli *c, const char *path, cli_input *in);
void cli_input_close(cli_input *in);
/* A stream reader (the engine's read callback) over the file descriptor
 * *(int *)OPAQUE: up to N octets, retried on EINTR; *GOT = 0 at the end. */
gpg_error_t cli_fd_read(void *opaque, uint8_t *buf, size_t n, size_t *got);

/* Progress bar on stderr (only when c->progress). */
void cli_progress(void *opaque, const char *what, uint64_t done,
		  uint64_t total);
void cli_progress_done(cli *c);

/* ---- formatting ------------------------------------------------------------- */

/* "2026-11-23" / "2026-11-23T07:04:04Z" (UTC). */
void fmt_date(int64_t t, char *out, size_t n);
void fmt_rfc3339(int64_t t, char *out, size_t n);
/* RFC 3339 (date, or date and time, Z or offset), or Unix seconds. */
bool parse_time(const char *s, int64_t *out);
/* Write octets escaped for a terminal: printable UTF-8 as is, control
 * characters and invalid octets as \xNN. */
void fput_escaped(FILE *f, const char *s, size_t n);
/* gpg's fixed-width validity tag, e.g. "[  full  ]". */
const char *fmt_validity_tag(weft_validity v);
/* "rsa4096", "ed25519", "cv25519", "nistp256", "dsa2048", "elg4096" */
void fmt_algo(char *out, size_t n, const char *algo, unsigned bits,
	      const char *curve);
/* "SC", "E", ... from WEFT_CAP_* */
void fmt_caps(char *out, unsigned caps, bool upper);

/* ---- JSON ------------------------------------------------------------------------ */

typedef struct json {
	FILE *f;
	int depth;
	bool first[32];
	bool after_key;
} json;

void json_init(json *j, FILE *f);
void json_begin_obj(json *j);
void json_end_obj(json *j);
void json_begin_arr(json *j);
void json_end_arr(json *j);
void json_key(json *j, const char *k);
/* Strings are written as valid UTF-8: invalid octets become U+FFFD. */
void json_str(json *j, const char *s);
void json_strn(json *j, const char *s, size_t n);
void json_int(json *j, int64_t v);
void json_bool(json *j, bool v);
void json_null(json *j);
void json_time(json *j, int64_t t);     /* RFC 3339, or null for 0 */
void json_end(json *j);                  /* final newline */
/* One authenticated binding, as authenticate --json prints it. */
void json_binding(json *j, const weft_binding_info *b);

/* ---- compaction (compact.c): weft import after a large import, weft
 * fsck --compact; both report it alike ---------------------------------- */

/* What came of a command's compaction, for its report. */
typedef struct cli_compaction {
	bool due;                /* asked for, or due (a large import) */
	bool done;               /* the compacted file is the keyring */
	char not_compacted[512]; /* due and not done: why (the reason, or
				    the error's message) */
} cli_compaction;

/* Compact the keyring (weft_compact) and say what came of it: an error
 * on standard error, as "weft: warning: ..." when WARN (import: the
 * compaction is not part of its outcome), else as cli_fail prints it;
 * then, unless --json or -q, "keyring compacted: X MB -> Y MB" (also
 * after an error that came once the new file was the keyring) or, when
 * there was no error, "keyring not compacted: REASON".  Fills CC;
 * returns weft_compact's error. */
gpg_error_t cli_compact(cli *c, bool warn, cli_compaction *cc);
/* A compaction that was due and is not attempted, and why: "keyring not
 * compacted: WHY" unless --json or -q. */
void cli_compact_skip(cli *c, const char *why, cli_compaction *cc);
/* The "compacted" and "not_compacted" members of a --json report:
 * true/false, and the why of a due compaction not done, else null. */
void cli_compact_json(json *j, const cli_compaction *cc);

/* ---- trust options (cmd-trust.c), shared by the commands that answer
 * with trust amounts ---------------------------------------------------- */

enum {
	OPT_AMOUNT = 200, OPT_FULL, OPT_PARTIAL, OPT_DOUBLE, OPT_GOSSIP,
	OPT_EMAIL, OPT_ROOT, OPT_MODEL, OPT_MARGINALS, OPT_COMPLETES,
	OPT_MAXDEPTH, OPT_MINLEVEL,
};

#define TRUST_OPTS \
	{ "amount", 'a', true, OPT_AMOUNT, "N", \
	  "the trust amount required (default 120 = fully)" }, \
	{ "full", 0, false, OPT_FULL, NULL, "require 120 (the default)" }, \
	{ "partial", 0, false, OPT_PARTIAL, NULL, "require 40" }, \
	{ "double", 0, false, OPT_DOUBLE, NULL, "require 240" }, \
	{ "gossip", 0, false, OPT_GOSSIP, NULL, \
	  "show hearsay paths from every key, ignoring trust" }, \
	{ "root", 'r', true, OPT_ROOT, "FPR[:N]", \
	  "use this root (repeatable) instead of the keyring's roots" }, \
	{ "model", 0, true, OPT_MODEL, "wot|gnupg", \
	  "trust model (default wot)" }, \
	{ "marginals-needed", 0, true, OPT_MARGINALS, "N", \
	  "gnupg model: marginal signatures for full validity (3)" }, \
	{ "completes-needed", 0, true, OPT_COMPLETES, "N", \
	  "gnupg model: full signatures for full validity (1)" }, \
	{ "max-cert-depth", 0, true, OPT_MAXDEPTH, "N", \
	  "gnupg model: longest chain from an ultimate key (5)" }, \
	{ "min-cert-level", 0, true, OPT_MINLEVEL, "N", \
	  "gnupg model: lowest certification level counted (2)" }

typedef struct trust_args {
	weft_trust_opts o;
	const char **roots;
	size_t nroots;
} trust_args;

/* Parse the TRUST_OPTS of R into TA (free TA->roots after use); 0 or an
 * exit status. */
int trust_args_parse(cli *c, const opt_result *r, trust_args *ta);
/* Print bindings as lookup does ({"bindings": [...]} with --json);
 * returns EXIT_OK when one is authenticated, else EXIT_NEGATIVE. */
int print_bindings(cli *c, const weft_binding_list *l, bool gossip);

/* ---- commands -------------------------------------------------------------- */

int cmd_import(cli *c, const opt_result *r);
int cmd_export(cli *c, const opt_result *r);
int cmd_list(cli *c, const opt_result *r);
int cmd_show(cli *c, const opt_result *r);
int cmd_fsck(cli *c, const opt_result *r);
int cmd_authenticate(cli *c, const opt_result *r);
int cmd_lookup(cli *c, const opt_result *r);
int cmd_identify(cli *c, const opt_result *r);
int cmd_path(cli *c, const opt_result *r);
int cmd_check(cli *c, const opt_result *r);
int cmd_root(cli *c, const opt_result *r);
int cmd_trust(cli *c, const opt_result *r);
int cmd_import_ownertrust(cli *c, const opt_result *r);
int cmd_export_ownertrust(cli *c, const opt_result *r);
int cmd_generate(cli *c, const opt_result *r);
int cmd_certify(cli *c, const opt_result *r);
int cmd_revoke(cli *c, const opt_result *r);
int cmd_help(cli *c, const opt_result *r);
int cmd_shell(cli *c, const opt_result *r);
int cmd_verify(cli *c, const opt_result *r);
int cmd_verify_mail(cli *c, const opt_result *r);
int cmd_sign(cli *c, const opt_result *r);
int cmd_version(cli *c, const opt_result *r);
int cmd_x509(cli *c, const opt_result *r);

/* One signature's verdict as weft verify shows it (cmd-verify.c; also
 * used by verify-mail): human lines, a JSON object, GnuPG status lines
 * (GNUPG: the gnupg trust model). */
void verify_print_sig(cli *c, FILE *f, const weft_sig_info *s, bool no_trust);
void verify_json_sig(json *j, const weft_sig_info *s, bool no_trust);
void verify_status_sig(FILE *f, const weft_sig_info *s, bool no_trust,
		       bool gnupg);

/* Help for one command (or the overview when CMD is NULL). */
void print_help(FILE *f, const command *cmd);

/* ---- passphrases and own keys (passphrase.c; secret-key work) ------------------ */

/* Install the context's passphrase callback: the terminal (no echo, a new
 * passphrase asked twice), or with --passphrase-fd N one line read from N.
 * False (with a message) when N is not an open descriptor. */
bool cli_passphrase_setup(cli *c, const opt_result *r);
/* The shell's guided signing: from cli_passphrase_hold on, the passphrase
 * typed at the terminal is kept (secure memory) and given again to the
 * next request for the same key; cli_passphrase_forget wipes it (also at
 * exit). */
void cli_passphrase_hold(void);
void cli_passphrase_forget(void);
/* cli_fail for commands that may need a passphrase: when none could be
 * had, also says how to give one.  Returns the exit status (1 for
 * GPG_ERR_NOT_FOUND, else 2). */
int cli_fail_secret(cli *c, gpg_error_t err, const char *what);
/* An expiry for --expires: "never" (both 0), N followed by d, w, m (30
 * days) or y (365 days) (*IN: seconds, as gpg counts them), or an RFC
 * 3339 time or Unix seconds (*AT). */
bool parse_expiry(const char *s, int64_t *at, uint32_t *in);

#endif /* WEFT_CLI_H */
