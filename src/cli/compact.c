/* compact.c - running a compaction and reporting it: weft import after a
 * large import, weft fsck --compact.  One place, so that both say it in
 * the same words and the same JSON members (weft(1) documents them). */
#include <string.h>

#include "cli.h"

gpg_error_t
cli_compact(cli *c, bool warn, cli_compaction *cc)
{
	weft_compact_stats st;
	gpg_error_t err;

	memset(cc, 0, sizeof *cc);
	cc->due = true;
	err = weft_compact(c->ctx, &st);
	cc->done = st.done;
	/* An error after the rename (the directory not synced): the
	 * compacted file is the keyring all the same, and is reported as
	 * such below. */
	if (err) {
		if (warn)
			cli_err(c, "warning: %s", weft_ctx_error(c->ctx));
		else
			cli_fail(c, err, "compact");
	}
	if (!st.done)
		snprintf(cc->not_compacted, sizeof cc->not_compacted, "%s",
			 err ? weft_ctx_error(c->ctx) : st.reason);
	if (!c->json && !c->quiet) {
		if (st.done)
			fprintf(c->out, "keyring compacted: %.1f MB -> %.1f MB\n",
				st.before / 1e6, st.after / 1e6);
		else if (!err)
			fprintf(c->out, "keyring not compacted: %s\n",
				st.reason);
	}
	return err;
}

void
cli_compact_skip(cli *c, const char *why, cli_compaction *cc)
{
	memset(cc, 0, sizeof *cc);
	cc->due = true;
	snprintf(cc->not_compacted, sizeof cc->not_compacted, "%s", why);
	if (!c->json && !c->quiet)
		fprintf(c->out, "keyring not compacted: %s\n", why);
}

void
cli_compact_json(json *j, const cli_compaction *cc)
{
	json_key(j, "compacted");
	json_bool(j, cc->done);
	json_key(j, "not_compacted");
	if (cc->due && !cc->done)
		json_str(j, cc->not_compacted);
	else
		json_null(j);
}
