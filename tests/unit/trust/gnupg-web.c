/* tests/unit/trust/gnupg-web.c - GnuPG's trust model (trust/gnupg.c)
 * against gpg itself: in the web of tests/data/trust (made by web.py
 * with gpg 2.2.40, see its README) every key and user ID gets the letter
 * gpg printed, for eight sets of parameters.  The certificates are
 * verified and summarised as the keyring does it.
 *
 * gnupg-rules.c checks the rules one at a time on keyrings built by
 * hand.  Run from the top of the source tree.
 */
#include "gnupg-common.h"
#include "keyring-file.h"

#define D "tests/data/trust/"

typedef struct fcert {
	weft_cert *c;
	weft_buf buf;
	weft_summary s;
} fcert;

static fcert F[128];
static size_t NF;

static gpg_error_t
file_get(void *opaque, const uint8_t *fpr, size_t len,
	 const weft_summary **out)
{
	size_t i;

	(void)opaque;
	for (i = 0; i < NF; i++)
		if (F[i].c->primary.fpr_len == len &&
		    !memcmp(F[i].c->primary.fpr, fpr, len)) {
			*out = &F[i].s;
			return 0;
		}
	return WEFT_ERR(GPG_ERR_NOT_FOUND);
}

static void
load_web(void)
{
	weft_cert *c[WEFT_ARRAY_SIZE(F)];
	size_t i, u, j, k;

	NF = t_load_certs(D "web.pgp", c, WEFT_ARRAY_SIZE(F));
	for (i = 0; i < NF; i++)
		F[i].c = c[i];
	for (i = 0; i < NF; i++) {
		weft_cert_canonicalize(F[i].c);
		T_OK(weft_cert_check_self(F[i].c, false));
	}
	/* Third-party certifications, verified against the issuers. */
	for (i = 0; i < NF; i++)
		for (u = 0; u < F[i].c->nuids; u++) {
			weft_uidrec *ur = &F[i].c->uids[u];

			for (j = 0; j < ur->sigs.n; j++) {
				weft_sigrec *rec = &ur->sigs.v[j];

				if (rec->self)
					continue;
				for (k = 0; k < NF; k++)
					if (weft_sigrec_issued_by(rec,
						F[k].c->primary.fpr,
						F[k].c->primary.fpr_len,
						F[k].c->primary.keyid))
						T_OK(weft_cert_check_third_party(
							F[i].c, rec, ur,
							F[k].c));
			}
		}
	for (i = 0; i < NF; i++) {
		weft_cert_prune(F[i].c, NULL);
		weft_buf_init(&F[i].buf);
		T_OK(weft_summary_of(F[i].c, &F[i].buf, &F[i].s));
	}
}

/* The hex fingerprint at HEX, up to a space, colon or the end. */
static void
unhex_line(const char *hex, uint8_t *out, size_t *len)
{
	char buf[2 * WEFT_FPR_MAX + 1];
	size_t n = strcspn(hex, " :");

	if (n > 2 * WEFT_FPR_MAX)
		n = 2 * WEFT_FPR_MAX;
	memcpy(buf, hex, n);
	buf[n] = 0;
	*len = t_unhex(buf, out, WEFT_FPR_MAX);
}

static int
letter_validity(char c)
{
	switch (c) {
	case 'q': return UND;
	case 'n': return WEFT_VALIDITY_NEVER;
	case 'm': return MRG;
	case 'f': return FUL;
	case 'u': return ULT;
	case 'e': return EXP;
	case 'r': return REV;
	default: return UNK;   /* "-", "o" */
	}
}

/* gpg's \xHH escapes in colon listings. */
static size_t
unescape(const char *s, char *out)
{
	size_t n = 0;
	unsigned v;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &v) == 1) {
			out[n++] = (char)v;
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = 0;
	return n;
}

static void
web(void)
{
	weft_tsource src = { NULL, file_get, NULL, NULL };
	weft_troot all[128];
	weft_gnupg_owner owners[128];
	size_t nowners = 0, i, len, nparams = 0, nkeys = 0, nuids = 0;
	uint8_t *ot = t_slurp(D "web.ownertrust", &len);
	uint8_t *ex = t_slurp(D "web.expected", &len);
	char *line, *save = NULL, *tok;
	weft_gnupg_params p;
	uint32_t t = 1700000000u + 100 * DAY;   /* make.sh's T */
	weft_gnupg *g = NULL;

	load_web();
	T_CHECK(NF >= 50, "web.pgp has %zu keys", NF);
	for (i = 0; i < NF; i++) {
		memcpy(all[i].fpr, F[i].c->primary.fpr,
		       F[i].c->primary.fpr_len);
		all[i].fpr_len = (uint8_t)F[i].c->primary.fpr_len;
	}
	for (line = strtok_r((char *)ot, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		size_t n;

		if (!colon || nowners == WEFT_ARRAY_SIZE(owners))
			continue;
		*colon = 0;
		unhex_line(line, owners[nowners].fpr, &n);
		owners[nowners].fpr_len = (uint8_t)n;
		owners[nowners].value = (uint8_t)atoi(colon + 1);
		nowners++;
	}
	for (line = strtok_r((char *)ex, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		uint8_t fpr[WEFT_FPR_MAX];
		size_t n;
		char want, uid[512];
		int got;

		if (!strncmp(line, "params ", 7)) {
			memset(&p, 0, sizeof p);
			sscanf(line + 7, "%d %d %d %d", &p.marginals_needed,
			       &p.completes_needed, &p.max_cert_depth,
			       &p.min_cert_level);
			weft_gnupg_free(g);
			g = NULL;
			T_OK(weft_gnupg_run(&g, &src, t, all, NF, NULL, 0,
					    owners, nowners, &p));
			nparams++;
			continue;
		}
		if (!g || (line[0] != 'k' && line[0] != 'u'))
			continue;
		tok = line + 2;
		unhex_line(tok, fpr, &n);
		tok += 2 * n + 1;
		want = tok[0];
		if (line[0] == 'k') {
			got = (int)weft_gnupg_key_validity(g, fpr, n);
			T_CHECK(got == letter_validity(want),
				"params %d %d %d %d: key %.40s: %d, gpg %c",
				p.marginals_needed, p.completes_needed,
				p.max_cert_depth, p.min_cert_level, line + 2,
				got, want);
			nkeys++;
		} else {
			size_t ul = unescape(tok + 2, uid);

			got = (int)weft_gnupg_uid_validity(
				g, fpr, n, (const uint8_t *)uid, ul);
			T_CHECK(got == letter_validity(want),
				"params %d %d %d %d: %s: %d, gpg %c",
				p.marginals_needed, p.completes_needed,
				p.max_cert_depth, p.min_cert_level, uid, got,
				want);
			nuids++;
		}
	}
	T_EQ_INT(nparams, 8);
	T_CHECK(nkeys == 8 * NF, "%zu keys checked", nkeys);
	T_CHECK(nuids > nkeys, "%zu user IDs checked", nuids);
	weft_gnupg_free(g);
	for (i = 0; i < NF; i++) {
		weft_summary_free(&F[i].s);
		weft_buf_free(&F[i].buf);
		weft_cert_free(F[i].c);
	}
	free(ot);
	free(ex);
}

int
main(void)
{
	web();
	return t_done();
}
