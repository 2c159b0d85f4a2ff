/* guided.h - what the guided certification (sign, guided.c) shares with
 * the keysigning party walk (party.c) and the binding explanation (why,
 * why.c); internal to src/shell. */
#ifndef WEFT_SHELL_GUIDED_H
#define WEFT_SHELL_GUIDED_H

#include "shell.h"

/* Option ids of sign, party and why. */
enum {
	G_UID = 400, G_LEVEL, G_LOCAL, G_EXPORTABLE, G_INTRODUCER,
	G_NO_INTRODUCER, G_DEPTH, G_AMOUNT, G_DOMAIN, G_EXPIRES, G_BY, G_YES,
	G_OUT,
};

/* sign's answers: from its options, or asked for. */
typedef struct answers {
	const char *uids[64];
	size_t nuids;
	bool uids_set;
	int level;
	bool level_set;
	bool local, local_set;
	bool introducer, introducer_set;
	int depth, amount;
	bool depth_set, amount_set;
	const char *domain;
	bool domain_set;
	char domain_buf[256];
	int64_t expires;
	uint32_t expires_in;
	bool expires_set;
	char expires_text[64];
	const char *by;
	bool yes;
} answers;

/* The user IDs a run of sign certified (party mails them). */
typedef struct signed_uid {
	char fpr[65];
	char keyid[17];
	char *uid;
	size_t uid_len;
	bool local;              /* a local certification: nothing to mail */
} signed_uid;

typedef struct sign_log {
	signed_uid *v;
	size_t n, cap;
	size_t new_certs;
	const char *fpr, *keyid;
	bool local;
} sign_log;

void sign_log_free(sign_log *lg);

/* Sign the key QUERY on the open C with the answers A (questions for
 * what is missing when the shell is interactive).  LOG (may be NULL)
 * collects the user IDs certified; SHOW: show the key first.  Returns an
 * exit status; *CANCELLED says the user gave up or said no. */
int sign_flow(shell *sh, cli *c, const char *query, answers *a,
	      sign_log *log, bool show, bool *cancelled);

/* A fingerprint in groups of four digits, two blanks in the middle. */
void guided_fpr_groups(const char *fpr);
/* A key as sign shows it: fingerprint, algorithm, numbered user IDs. */
void guided_show_key(const weft_key_info *k);

static inline bool
guided_is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F') ||
	       (ch >= 'a' && ch <= 'f');
}

#endif /* WEFT_SHELL_GUIDED_H */
