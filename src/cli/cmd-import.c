/* cmd-import.c - weft import [FILE...|-] */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct import_run {
	cli *c;
	const char *file;
	json *j;
	uint64_t rejected;
} import_run;

/* A mapped input file that shrinks while it is read raises SIGBUS on
 * the first page past its new end.  Say so and leave: the chunks
 * committed before stay, the one in hand is never committed.  A SIGBUS
 * elsewhere (the keyring's map on a failing disk) is not ours: it gets
 * the default action. */
static const char *volatile mapped_name;
static const uint8_t *volatile mapped_lo, *volatile mapped_hi;

static void
on_sigbus(int sig, siginfo_t *si, void *uctx)
{
	static const char a[] = "weft: ", b[] =
		": the file shrank while it was read; keys stored before "
		"are kept, import it again when it is whole\n";
	const char *n = mapped_name;
	uintptr_t at = (uintptr_t)si->si_addr;

	(void)uctx;
	if (!n || at < (uintptr_t)mapped_lo || at >= (uintptr_t)mapped_hi) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	if (write(2, a, sizeof a - 1) < 0 || write(2, n, strlen(n)) < 0 ||
	    write(2, b, sizeof b - 1) < 0)
		_exit(EXIT_ERROR);
	_exit(EXIT_ERROR);
}

static const char *
status_name(weft_import_status st)
{
	switch (st) {
	case WEFT_IMPORT_NEW: return "new";
	case WEFT_IMPORT_UPDATED: return "updated";
	case WEFT_IMPORT_UNCHANGED: return "unchanged";
	default: return "rejected";
	}
}

static void
on_event(void *opaque, const weft_import_event *ev)
{
	import_run *r = opaque;
	cli *c = r->c;

	if (r->j) {
		json *j = r->j;

		json_begin_obj(j);
		json_key(j, "file");
		json_str(j, r->file);
		json_key(j, "fingerprint");
		if (ev->fpr[0])
			json_str(j, ev->fpr);
		else
			json_null(j);
		json_key(j, "userid");
		json_str(j, ev->uid);
		json_key(j, "status");
		json_str(j, status_name(ev->status));
		json_key(j, "reason");
		json_str(j, ev->reason);
		json_key(j, "new_userids");
		json_int(j, ev->new_uids);
		json_key(j, "new_subkeys");
		json_int(j, ev->new_subkeys);
		json_key(j, "new_signatures");
		json_int(j, ev->new_sigs);
		json_end_obj(j);
		return;
	}
	if (ev->status == WEFT_IMPORT_REJECTED) {
		r->rejected++;
		cli_progress_done(c);
		fprintf(c->err, "weft: %s: ", r->file);
		if (ev->fpr[0])
			fprintf(c->err, "rejected key %s", ev->fpr);
		else if (ev->block)
			fprintf(c->err, "rejected data at offset %llu of armor block %u",
				(unsigned long long)ev->offset, ev->block);
		else
			fprintf(c->err, "rejected data at offset %llu",
				(unsigned long long)ev->offset);
		if (ev->uid) {
			fputs(" \"", c->err);
			fput_escaped(c->err, ev->uid, strlen(ev->uid));
			fputc('"', c->err);
		}
		fprintf(c->err, ": %s\n", ev->reason ? ev->reason : "rejected");
		return;
	}
	if (c->verbose) {
		cli_progress_done(c);
		fprintf(c->out, "%-9s %s ", status_name(ev->status), ev->fpr);
		if (ev->uid)
			fput_escaped(c->out, ev->uid, strlen(ev->uid));
		if (ev->status == WEFT_IMPORT_UPDATED)
			fprintf(c->out, " (+%u user IDs, +%u subkeys, +%u signatures)",
				ev->new_uids, ev->new_subkeys, ev->new_sigs);
		fputc('\n', c->out);
		if (ev->reason)
			fprintf(c->out, "          note: %s\n", ev->reason);
	}
}

static void
summary(cli *c, const char *file, const weft_import_stats *s)
{
	fprintf(c->out, "%s: %llu key%s: %llu new, %llu updated, %llu unchanged, %llu rejected\n",
		file, (unsigned long long)s->keys, s->keys == 1 ? "" : "s",
		(unsigned long long)s->new_keys, (unsigned long long)s->updated,
		(unsigned long long)s->unchanged,
		(unsigned long long)s->rejected);
	if (c->verbose || s->new_sigs || s->certs_resolved)
		fprintf(c->out, "  %llu new signatures, %llu verified; %llu certifications wait for their issuer",
			(unsigned long long)s->new_sigs,
			(unsigned long long)s->sigs_verified,
			(unsigned long long)s->certs_pending);
	if (s->certs_resolved)
		fprintf(c->out, "; %llu waiting ones verified now",
			(unsigned long long)s->certs_resolved);
	if (c->verbose || s->new_sigs || s->certs_resolved)
		fputc('\n', c->out);
	if (s->dropped)
		fprintf(c->out, "  %llu invalid signatures or components dropped (-v for details)\n",
			(unsigned long long)s->dropped);
	if (s->certs_flooded)
		fprintf(c->out, "  flooding: %llu certification%s by keys not in the "
			"keyring dropped on %llu key%s (at most %u kept per key; "
			"all that your keyring can verify are kept)\n",
			(unsigned long long)s->certs_flooded,
			s->certs_flooded == 1 ? "" : "s",
			(unsigned long long)s->keys_flooded,
			s->keys_flooded == 1 ? "" : "s", WEFT_MAX_WAITING);
	if (s->secret_skipped)
		fprintf(c->out, "  %llu secret key%s: only the public part was imported\n",
			(unsigned long long)s->secret_skipped,
			s->secret_skipped == 1 ? "" : "s");
	if (s->revocations)
		fprintf(c->out, "  %llu revocation certificate%s\n",
			(unsigned long long)s->revocations,
			s->revocations == 1 ? "" : "s");
}

int
cmd_import(cli *c, const opt_result *r)
{
	static char *stdin_only[] = { "-" };
	char **files = r->nargs ? r->args : stdin_only;
	int nfiles = r->nargs ? r->nargs : 1, i, rc = EXIT_OK, frc;
	weft_import_stats st, total;
	cli_compaction cc;
	uint64_t file, spare;
	import_run run;
	json j;
	cli_input in;
	struct sigaction sa, old_sa;
	gpg_error_t err;

	memset(&total, 0, sizeof total);
	weft_ctx_set_progress(c->ctx, cli_progress, c);
	if (c->json) {
		json_init(&j, c->out);
		json_begin_obj(&j);
		json_key(&j, "results");
		json_begin_arr(&j);
	}
	for (i = 0; i < nfiles; i++) {
		const char *name = strcmp(files[i], "-") ? files[i] : "stdin";

		if ((frc = cli_input_open(c, files[i], &in))) {
			rc = EXIT_ERROR;
			continue;
		}
		memset(&run, 0, sizeof run);
		run.c = c;
		run.file = name;
		run.j = c->json ? &j : NULL;
		if (in.mapped) {
			bool caught;

			mapped_name = name;
			mapped_lo = in.data;
			mapped_hi = in.data + in.len;
			memset(&sa, 0, sizeof sa);
			sa.sa_sigaction = on_sigbus;
			sa.sa_flags = SA_SIGINFO;
			sigemptyset(&sa.sa_mask);
			caught = !sigaction(SIGBUS, &sa, &old_sa);
			err = weft_import_mapped(c->ctx, in.data, in.len, name,
						 on_event, &run, &st);
			if (caught)
				sigaction(SIGBUS, &old_sa, NULL);
			mapped_name = NULL;
		} else {
			err = weft_import(c->ctx, in.data, in.len, name,
					  on_event, &run, &st);
		}
		cli_input_close(&in);
		cli_progress_done(c);
		if (err) {
			/* Damage inside the packets was already reported as a
			 * rejection, with its detail. */
			if (*weft_ctx_error(c->ctx) || !st.rejected)
				cli_fail(c, err, name);
			rc = EXIT_ERROR;
		}
		if (st.rejected && rc == EXIT_OK)
			rc = EXIT_NEGATIVE;
		total.keys += st.keys;
		total.new_keys += st.new_keys;
		total.updated += st.updated;
		total.unchanged += st.unchanged;
		total.rejected += st.rejected;
		total.sigs_verified += st.sigs_verified;
		total.certs_pending += st.certs_pending;
		total.certs_resolved += st.certs_resolved;
		total.certs_flooded += st.certs_flooded;
		total.keys_flooded += st.keys_flooded;
		if (!c->json && !c->quiet && (!err || st.keys))
			summary(c, name, &st);
	}
	/* A large import leaves the databases' pages interleaved through
	 * the file, and the pages its transactions replaced free in it:
	 * rewrite it compactly (weft_compact), unless there is little to
	 * gain (a small file, little of it free: one transaction into an
	 * empty keyring).  Not part of the
	 * import's outcome: a failure is a warning. */
	memset(&cc, 0, sizeof cc);
	if (total.new_keys + total.updated >= WEFT_COMPACT_AFTER) {
		if (weft_compact_spare(c->ctx, &file, &spare))
			cli_err(c, "warning: %s", weft_ctx_error(c->ctx));
		else if (file >= WEFT_COMPACT_LARGE ||
			 spare >= file / WEFT_COMPACT_SPARE)
			(void)cli_compact(c, true, &cc);
	}
	if (c->json) {
		json_end_arr(&j);
		cli_compact_json(&j, &cc);
		json_key(&j, "keys");
		json_int(&j, (int64_t)total.keys);
		json_key(&j, "new");
		json_int(&j, (int64_t)total.new_keys);
		json_key(&j, "updated");
		json_int(&j, (int64_t)total.updated);
		json_key(&j, "unchanged");
		json_int(&j, (int64_t)total.unchanged);
		json_key(&j, "rejected");
		json_int(&j, (int64_t)total.rejected);
		json_key(&j, "signatures_verified");
		json_int(&j, (int64_t)total.sigs_verified);
		json_key(&j, "certifications_pending");
		json_int(&j, (int64_t)total.certs_pending);
		json_key(&j, "certifications_resolved");
		json_int(&j, (int64_t)total.certs_resolved);
		json_key(&j, "certifications_flooded");
		json_int(&j, (int64_t)total.certs_flooded);
		json_end_obj(&j);
		json_end(&j);
	}
	return rc;
}
