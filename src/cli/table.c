/* table.c - the command table: names, usage, help and options of every
 * command.  The dispatcher, "weft help" and the shell's completion all
 * read it. */
#include <string.h>

#include "cli.h"

extern const opt_spec export_opts[];
extern const opt_spec fsck_opts[];
extern const opt_spec generate_opts[];
extern const opt_spec certify_opts[];
extern const opt_spec revoke_opts[];
extern const opt_spec authenticate_opts[];
extern const opt_spec lookup_opts[];
extern const opt_spec identify_opts[];
extern const opt_spec path_opts[];
extern const opt_spec check_opts[];
extern const opt_spec root_opts[];
extern const opt_spec list_opts[];
extern const opt_spec show_opts[];
extern const opt_spec shell_opts[];
extern const opt_spec verify_opts[];
extern const opt_spec verify_mail_opts[];
extern const opt_spec sign_opts[];
extern const opt_spec x509_opts[];

const opt_spec weft_global_opts[] = {
	{ "home", 0, true, GOPT_HOME, "DIR",
	  "the keyring directory (else $WEFT_HOME, else $XDG_DATA_HOME/weft)" },
	{ "json", 0, false, GOPT_JSON, NULL, "machine-readable output" },
	{ "at", 0, true, GOPT_AT, "TIME",
	  "evaluate validity at TIME (RFC 3339 or Unix seconds)" },
	{ "quiet", 'q', false, GOPT_QUIET, NULL,
	  "only errors; no progress bar" },
	{ "verbose", 'v', false, GOPT_VERBOSE, NULL, "more detail" },
	{ "help", 'h', false, GOPT_HELP, NULL, "help for the command" },
	{ "version", 0, false, GOPT_VERSION, NULL, "print the version" },
	{ "passphrase-fd", 0, true, GOPT_PASSPHRASE_FD, "N",
	  "read the passphrase from file descriptor N (one line)" },
	OPT_END
};

static const opt_spec no_opts[] = { OPT_END };

const command weft_commands[] = {
	{ "import", "[FILE...|-]",
	  "add keys to the keyring (binary or armored, public or secret)",
	  "Reads OpenPGP certificates from each FILE (standard input when none or\n"
	  "\"-\"), armored or binary, one or many per file, and merges them into\n"
	  "the keyring the way gpg --import does: the union of user IDs, subkeys\n"
	  "and signatures, duplicates dropped.  Every self-signature is checked;\n"
	  "what does not verify is dropped, and a key left without a valid user ID\n"
	  "or direct-key signature is rejected with the reason.  Third-party\n"
	  "certifications are checked as soon as their issuer is in the keyring,\n"
	  "now or when it arrives later.  Stand-alone revocation certificates are\n"
	  "applied to the key they revoke.  Secret keys (gpg --export-secret-keys,\n"
	  "sq key export) are stored as they come, protected by their passphrase;\n"
	  "unprotected ones are protected with a new passphrase first.\n"
	  "\n"
	  "Prints, per file, how many keys were new, updated, unchanged and\n"
	  "rejected; every rejection names the file, the key and the reason.  -v\n"
	  "lists every key.  Up to 1,000 keys are one transaction; a larger\n"
	  "input commits 1,000 keys at a time (interrupted, import it again).\n"
	  "After storing 1,000 or more certificates, import rewrites the keyring\n"
	  "file compactly (faster checks and listings), unless another process\n"
	  "has the keyring open or this one cannot lock weft.lock for writing;\n"
	  "then it says why (\"keyring not compacted: ...\").\n"
	  "\n"
	  "Exit status: 0 all keys imported, 1 some were rejected, 2 an input\n"
	  "could not be read or is damaged (keys before the damage are kept).",
	  no_opts, CMD_WRITES, cmd_import },
	{ "export", "[--armor] [--local] [-o FILE] [QUERY...]",
	  "write keys out for gpg, sq or a keyserver",
	  "Writes the keys matching each QUERY (all keys when none) as OpenPGP\n"
	  "certificates, binary unless --armor (armored also when standard output\n"
	  "is a terminal).  Local (non-exportable) certifications are left out\n"
	  "unless --local.  Third-party certifications whose issuer is not in the\n"
	  "keyring are kept, as gpg does.\n"
	  "\n"
	  "Exit status: 0 written, 1 a query matched no key (nothing written),\n"
	  "2 error.",
	  export_opts, 0, cmd_export },
	{ "list", "[QUERY] | --bindings [PATTERN] [--email]",
	  "list keys with their user IDs, validity and subkeys",
	  "Lists the keys matching QUERY, or all keys.  QUERY is a fingerprint,\n"
	  "a key ID (of a primary key or a subkey), an email address, or else a\n"
	  "case-insensitive part of a user ID.  --at TIME shows the keyring as it\n"
	  "was (or will be) at TIME: expiry and revocation are evaluated then.\n"
	  "\n"
	  "Each user ID shows its validity from the web of trust (your roots,\n"
	  "or --root/--model for this listing); --json also its amount.\n"
	  "Listing all keys first reads the web, as check does; a progress bar\n"
	  "shows on a terminal while it does.\n"
	  "\n"
	  "--bindings lists bindings instead, as sq-wot's list does: every user\n"
	  "ID that its key self-signed or someone certified and that contains\n"
	  "PATTERN (case-insensitive; with --email, in its address, as written or\n"
	  "normalised), with its amount; exit 0 when one is authenticated.\n"
	  "\n"
	  "Exit status: 0 keys listed, 1 QUERY matched nothing, 2 error.",
	  list_opts, 0, cmd_list },
	{ "show", "QUERY...",
	  "show keys in full, with every third-party certification",
	  "Like list, plus each user ID's third-party certifications: issuer,\n"
	  "date, level, local flag, trust signature depth and amount, regex, and\n"
	  "whether it was verified (! verified, ? issuer not in the keyring).\n"
	  "\n"
	  "Exit status: 0 shown, 1 a QUERY matched nothing, 2 error.",
	  show_opts, 0, cmd_show },
	{ "generate", "\"Name <email>\" [--algo ed25519|rsa3072|rsa4096] [--v6] [--expires T] [--no-passphrase]",
	  "make a new key pair; it becomes a trust root",
	  "Makes a new certificate with a signing primary key and an encryption\n"
	  "subkey, stores the secret keys protected by a passphrase, and makes\n"
	  "the key one of your trust roots.",
	  generate_opts, CMD_WRITES, cmd_generate },
	{ "certify", "KEY [UID...] [--local] [--level 0-3] [--depth N] [--amount N] [--regex R|--domain D] [--expires T] [--by MYKEY]",
	  "certify that a key belongs to a person (optionally as a trusted introducer)",
	  "Signs the user IDs of KEY (all valid ones, or those given) with your\n"
	  "key, after you have checked the person's identity.",
	  certify_opts, CMD_WRITES, cmd_certify },
	{ "revoke", "KEY [UID...] [--by MYKEY] [--reason WHY] [--comment TEXT]",
	  "revoke your certifications of a key",
	  "Revokes the certifications your key made on KEY's user IDs.",
	  revoke_opts, CMD_WRITES, cmd_revoke },
	{ "authenticate", "KEY USERID [--amount N] [--email] [--gossip] [--root FPR[:N]]",
	  "is USERID really the owner of KEY? (by the web of trust)",
	  "Looks for paths from your trust roots to the binding of USERID (exactly\n"
	  "as in the user ID; with --email an address) and KEY (a fingerprint or\n"
	  "key ID), adds up their trust amounts, and says whether they reach the\n"
	  "amount asked for (120, \"fully\", unless --amount/--partial/--double).\n"
	  "-v prints every path hop by hop with what each certification allows.\n"
	  "--gossip shows paths from every key, ignoring trust (authenticates\n"
	  "nothing).  --root replaces the keyring's roots for this question.\n"
	  "\n"
	  "Exit status: 0 authenticated, 1 not (or no such key), 2 error.",
	  authenticate_opts, 0, cmd_authenticate },
	{ "lookup", "USERID|EMAIL [--amount N] [--email]",
	  "which keys belong to this user ID or address?",
	  "Authenticates every key that has USERID (exactly) or, for an email\n"
	  "address, every user ID with that address, and shows each binding's\n"
	  "amount.\n"
	  "\n"
	  "Exit status: 0 at least one binding authenticated, 1 none, 2 error.",
	  lookup_opts, 0, cmd_lookup },
	{ "identify", "KEY [--amount N]",
	  "which user IDs of this key are authenticated?",
	  "Authenticates every user ID of KEY that is self-signed or certified.\n"
	  "\n"
	  "Exit status: 0 at least one binding authenticated, 1 none, 2 error.",
	  identify_opts, 0, cmd_identify },
	{ "path", "KEY... USERID",
	  "check a given path of certifications",
	  "Checks that KEY1 (a root) certified KEY2 as a trusted introducer, and\n"
	  "so on, and that the last key's USERID is certified, and reports the\n"
	  "path's amount or what breaks it.\n"
	  "\n"
	  "Exit status: 0 the path authenticates the binding, 1 not, 2 error.",
	  path_opts, 0, cmd_path },
	{ "check", "[--amount N]",
	  "compute every binding's validity and count them",
	  "Authenticates every binding of the keyring and prints how many are\n"
	  "authenticated, by validity.  A progress bar shows on a terminal.\n"
	  "\n"
	  "Exit status: 0 done, 2 error.",
	  check_opts, 0, cmd_check },
	{ "root", "add KEY [--amount N] | remove KEY | list",
	  "manage trust roots (the keys you trust to introduce others)",
	  "A root is a key whose certifications you rely on: your own keys (with\n"
	  "their secret part in the keyring) are roots at 120 by themselves; add\n"
	  "others (a company CA, a key you verified in person) with an amount\n"
	  "from 1 to 120 (default 120).  list shows every root in effect and why:\n"
	  "explicit, own key, or ownertrust.\n"
	  "\n"
	  "Exit status: 0 done, 1 remove: not a root, 2 error.",
	  root_opts, CMD_WRITES, cmd_root },
	{ "trust", "KEY ultimate|full|marginal|never|unknown",
	  "set GnuPG-style ownertrust: how well KEY's owner checks identities",
	  "ultimate makes KEY a root.  full and marginal make KEY a root with\n"
	  "amount 120 or 40 once one of its user IDs is fully authenticated, so\n"
	  "that three marginally trusted introducers add up to one full one, as\n"
	  "in GnuPG.  never and unknown remove that trust.\n"
	  "\n"
	  "Exit status: 0 done, 1 no such key, 2 error.",
	  no_opts, CMD_WRITES, cmd_trust },
	{ "import-ownertrust", "[FILE|-]",
	  "read gpg --export-ownertrust output",
	  "Reads lines \"FINGERPRINT:VALUE:\" (comments with #), as gpg writes them\n"
	  "and distributions ship them (archlinux-trusted), and sets each key's\n"
	  "ownertrust; keys not in the keyring yet keep it for when they arrive.\n"
	  "\n"
	  "Exit status: 0 done, 2 a malformed line (nothing is set).",
	  no_opts, CMD_WRITES, cmd_import_ownertrust },
	{ "export-ownertrust", "",
	  "write the ownertrust values as gpg --export-ownertrust does",
	  "Prints every ownertrust value in gpg's format, for gpg\n"
	  "--import-ownertrust or for weft on another machine.",
	  no_opts, 0, cmd_export_ownertrust },
	{ "fsck", "[--compact]",
	  "check the keyring's indexes against its certificates",
	  "Decodes every certificate and checks that every index entry it implies\n"
	  "is present and that no index holds stray entries.\n"
	  "\n"
	  "--compact then rewrites the keyring file compactly, as a large import\n"
	  "does (faster checks and listings), when fsck found no problem and no\n"
	  "other weft (or other program) has the keyring open; it says so\n"
	  "(\"keyring compacted: X MB -> Y MB\") or why not (\"keyring not\n"
	  "compacted: another weft has it open\", \"... fsck found problems\").\n"
	  "It opens the keyring for writing: a missing keyring, or one this user\n"
	  "cannot write, is an error.  --json adds \"compacted\" and\n"
	  "\"not_compacted\".\n"
	  "\n"
	  "Exit status: 0 consistent, 1 problems found (listed), 2 error\n"
	  "(also when a compaction failed).",
	  fsck_opts, 0, cmd_fsck },
	{ "verify", "[--signature SIG] [FILE|-] [-o OUT] [--no-trust] [--status-fd N]",
	  "check a signed file: is the signature good, and is the signer who they say?",
	  "Checks a detached signature (--signature SIG, or \"weft verify SIG\n"
	  "FILE\", or FILE.sig next to FILE as gpg does), an inline signed\n"
	  "message (binary or armored, compressed or not) or a cleartext signed\n"
	  "message, read from FILE or standard input.  The data is read once,\n"
	  "in pieces: a file of any size is checked in constant memory.  -o\n"
	  "writes the signed content of a message out.\n"
	  "\n"
	  "For each signature: good or bad, the key and the signer's user ID,\n"
	  "when it was made, and the signer's trust amount with the path from\n"
	  "your trust roots (the trust options choose roots and model);\n"
	  "warnings for a key that has expired or been revoked since, and why a\n"
	  "signature does not count: expired, a hash or algorithm the policy\n"
	  "rejects (SHA-1, which gpg still accepts), a key expired, revoked or\n"
	  "not allowed to sign when it signed.  An unknown signer is named by\n"
	  "its fingerprint with a way to get the key.  --status-fd N writes\n"
	  "GnuPG's status lines (NEWSIG, GOODSIG, BADSIG, ERRSIG, VALIDSIG,\n"
	  "EXPSIG, EXPKEYSIG, REVKEYSIG, TRUST_*, ...) with every string an\n"
	  "attacker controls escaped.\n"
	  "\n"
	  "Exit status: 0 a good signature by an authenticated signer (with\n"
	  "--no-trust: a good signature) and no bad one, 1 otherwise (bad,\n"
	  "unauthenticated, unknown signer, not accepted), 2 the input cannot\n"
	  "be read or is not a signed message.",
	  verify_opts, 0, cmd_verify },
	{ "verify-mail", "[MSG|-] [--no-trust] [--status-fd N]",
	  "check the signatures of a mail message: PGP/MIME, inline PGP, S/MIME",
	  "Reads one RFC 5322 message (MSG, or standard input when none or\n"
	  "\"-\"; at most 64 MiB, as saved by a mail client or from a mailbox)\n"
	  "and checks every signature in it: PGP/MIME (multipart/signed, RFC\n"
	  "3156: the signed part as it is in the message, line ends made CRLF),\n"
	  "inline PGP blocks in text parts (after quoted-printable or base64\n"
	  "decoding; cleartext signatures and signed messages), and S/MIME\n"
	  "(multipart/signed with application/pkcs7-signature, and opaque\n"
	  "application/pkcs7-mime signed-data; RSA, RSA-PSS and ECDSA).  Parts\n"
	  "are named by where they are: the message is 1, the Nth part of part P\n"
	  "is P.N.  Attached messages (message/rfc822) are not looked into.\n"
	  "\n"
	  "For each signature: where it is and what it covers, with a warning\n"
	  "when that is not the whole message (other parts, or text outside an\n"
	  "inline block, are not signed); the OpenPGP verdict as weft verify\n"
	  "gives it; for S/MIME the signer's certificate (subject, issuer,\n"
	  "serial, SHA-1 fingerprint, addresses, validity), the signing time and\n"
	  "whether the certificate chains to a CA you imported (until weft x509\n"
	  "exists: \"unknown CA\").  The From: address is compared with the\n"
	  "signer's addresses (the OpenPGP key's user IDs, with that user ID's\n"
	  "trust amount, or the certificate's addresses); a mismatch, several\n"
	  "From: addresses or none are warnings.  --json gives \"signatures\"\n"
	  "in weft verify's shape, \"openpgp\" (element for element: part,\n"
	  "kind, signed_part, whole_message, from), \"smime\" and \"errors\".\n"
	  "--status-fd N writes weft verify's status lines for the OpenPGP\n"
	  "signatures.\n"
	  "\n"
	  "Exit status: 0 a good signature by an authenticated signer (with\n"
	  "--no-trust: a good signature) and no bad one, 1 otherwise (bad,\n"
	  "unauthenticated, unknown signer or CA), 2 the message cannot be read,\n"
	  "is not a mail, has no signature, or a signature in it is damaged\n"
	  "(one line each on standard error, naming the file and the part).",
	  verify_mail_opts, 0, cmd_verify_mail },
	{ "sign", "[--detach|--clear|--inline] [--armor] [--text] [-o OUT] [--by MYKEY] [FILE|-]",
	  "sign a file with your key",
	  "Signs FILE (standard input when none or \"-\") with your key: its\n"
	  "newest valid signing subkey whose secret is here, else the primary\n"
	  "key when it may sign; the passphrase comes from the terminal or\n"
	  "--passphrase-fd.  --inline (the default) writes the data and its\n"
	  "signature as one message (FILE.gpg), --detach a signature alone\n"
	  "(FILE.sig), --clear a cleartext signed message whose text stays\n"
	  "readable (FILE.asc); --armor makes the output ASCII (FILE.asc).  -o\n"
	  "names the output (\"-\": standard output, which is also where the\n"
	  "signature of standard input goes).  The file is read once, in\n"
	  "pieces: any size signs in constant memory.  gpg, sq and weft verify\n"
	  "the result.  An existing output file is not overwritten.\n"
	  "\n"
	  "Exit status: 0 signed, 2 error (no key that may sign, wrong\n"
	  "passphrase, unreadable input).",
	  sign_opts, 0, cmd_sign },
	{ "x509", "import FILE... [--amount N] [--domain D] [--depth-cap N] [--by MYKEY] [--yes] | list | show ID | remove ID [--yes]",
	  "trust an enterprise X.509 CA for its domain: roots, intermediates, S/MIME certificates, CRLs",
	  "import reads X.509 certificates and CRLs from each FILE: PEM (one or\n"
	  "many blocks: a bundle such as /etc/ssl/certs/ca-certificates.crt) or\n"
	  "DER.  A self-signed CA certificate is a root: your key vouches for it\n"
	  "with a local trust signature of depth pathLenConstraint + 1 (else\n"
	  "--depth-cap, 3), amount --amount (120), scoped to the domains its\n"
	  "nameConstraints permit for email (or --domain D).  Before anything is\n"
	  "written the roots are shown (subject, SHA-256, validity, constraints,\n"
	  "the trust they get) and you are asked; without a terminal pass --yes.\n"
	  "Intermediates and S/MIME certificates become certifications: the\n"
	  "issuer's key certifies \"CN <email>\" for each address of the subject,\n"
	  "from notBefore to notAfter, when the signature verifies and\n"
	  "basicConstraints, keyUsage, pathLenConstraint and nameConstraints hold\n"
	  "along the whole chain.  A CRL signed by an imported CA revokes what it\n"
	  "lists (keyCompromise: the key itself).  Every certificate's key is an\n"
	  "OpenPGP v4 key created at notBefore (gpg computes the same\n"
	  "fingerprint), used by authenticate, lookup, identify, path, check and\n"
	  "verify (-v shows each hop's certificate and why a chain fails), never\n"
	  "by list, show or export.  RSA-PSS signatures are refused.\n"
	  "\n"
	  "list shows every certificate and CRL with its status, show ID one in\n"
	  "full (ID: its SHA-256 or 8+ leading hex digits of it, its OpenPGP\n"
	  "fingerprint, key ID or keygrip), remove ID takes it out with the trust\n"
	  "it gave (asked, or --yes).\n"
	  "\n"
	  "Exit status: 0 done, 1 import: something was refused (or you said\n"
	  "no); show/remove: no such certificate, 2 error (unreadable file, no\n"
	  "terminal to ask on and no --yes, no key of yours to vouch).",
	  x509_opts, CMD_WRITES, cmd_x509 },
	{ "shell", "[--keep-going]",
	  "work with the keyring at a prompt, or run a script of commands",
	  "On a terminal: a prompt (readline, with history kept in the keyring\n"
	  "directory and tab completion of commands, options, key IDs,\n"
	  "fingerprints, addresses and names) where every command of weft works\n"
	  "with the same options and output, plus use KEY (the current key,\n"
	  "shown in the prompt; commands that take a KEY default to it), why\n"
	  "(a binding's paths as a tree), sign (a guided certification, one\n"
	  "question at a time) and party FILE (a keysigning party's list, key\n"
	  "by key, then one file per signed user ID to mail).  \"help\" inside\n"
	  "lists them.  Ctrl-C gives up on a line or a question; Ctrl-D leaves.\n"
	  "\n"
	  "When standard input or output is not a terminal (weft shell < FILE),\n"
	  "the lines of standard input run one after the other, without\n"
	  "prompts; # starts a comment, quotes\n"
	  "('...', \"...\") and backslashes work as in sh.  The first command that\n"
	  "fails (a non-zero exit status) stops the script, unless\n"
	  "--keep-going.  Global options given to \"weft shell\" (--home,\n"
	  "--passphrase-fd, --at, --json, ...) apply to every command.\n"
	  "\n"
	  "Exit status: a script's: 0 when every command succeeded, else the\n"
	  "status of the command that stopped it (with --keep-going, the\n"
	  "highest); at a terminal 0.  See weft-shell(1).",
	  shell_opts, CMD_NO_KEYRING, cmd_shell },
	{ "help", "[COMMAND]", "show help for weft or one command",
	  "Without COMMAND, lists the commands; with it, shows its usage, options\n"
	  "and exit status.",
	  no_opts, CMD_NO_KEYRING, cmd_help },
	{ "version", "", "print the version",
	  "Prints the version of weft and of libweft.",
	  no_opts, CMD_NO_KEYRING, cmd_version },
	{ NULL, NULL, NULL, NULL, NULL, 0, NULL }
};

const command *
command_find(const char *name)
{
	const command *c;

	for (c = weft_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void
print_opts(FILE *f, const opt_spec *o)
{
	char left[64];

	for (; o->name; o++) {
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name,
				 o->name, o->arg_name ? " " : "",
				 o->arg_name ? o->arg_name : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name,
				 o->arg_name ? " " : "",
				 o->arg_name ? o->arg_name : "");
		fprintf(f, "  %-24s %s\n", left, o->help);
	}
}

void
print_help(FILE *f, const command *cmd)
{
	const command *c;

	if (!cmd) {
		fputs("usage: weft [GLOBAL OPTIONS] COMMAND [ARGS]\n\n"
		      "weft keeps OpenPGP certificates in a web-of-trust keyring.\n\n"
		      "Commands:\n", f);
		for (c = weft_commands; c->name; c++)
			fprintf(f, "  %-10s %s\n", c->name, c->summary);
		fputs("\nGlobal options (before or after the command):\n", f);
		print_opts(f, weft_global_opts);
		fputs("\n\"weft help COMMAND\" shows one command; man weft has it all.\n",
		      f);
		return;
	}
	fprintf(f, "usage: weft %s %s\n\n%s\n\n%s\n", cmd->name, cmd->usage,
		cmd->summary, cmd->help);
	if (cmd->opts && cmd->opts->name) {
		fputs("\nOptions:\n", f);
		print_opts(f, cmd->opts);
	}
	fputs("\nGlobal options:\n", f);
	print_opts(f, weft_global_opts);
}
