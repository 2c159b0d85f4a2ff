/* tests/unit/cert/stable.c - weft_summary_stable_from: from the time it
 * returns up to T, the primary key's state is its state at T but for what
 * depends on the time itself (expired, a soft revocation's time).  The
 * trust network answers "was this key alive when it made or received a
 * certification" from the state at T when the certification is at least
 * that young (trust/network.c), so a wrong answer here is a wrong path
 * there.
 *
 * Every certificate of the fixtures with dated self-signatures (refreshed
 * bindings, expiring keys and signatures, soft and hard revocations), and
 * 2,000 summaries made up at random (seeded) with more of those than real
 * keys have, at every time around each of their signatures and key times,
 * against weft_summary_primary_state itself.  Run from the top of the
 * source tree.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert.h"
#include "cert/summary.h"
#include "t.h"
#include "keyring-file.h"

static void
add_time(uint32_t *v, size_t *n, size_t max, uint32_t t)
{
	uint32_t d;

	for (d = 0; d < 3; d++)   /* t - 1, t, t + 1 */
		if (t + d >= 1 && *n < max)
			v[(*n)++] = t + d - 1;
}

/* The primary key's state at X and at T agree where stable_from says;
 * *DIFFER counts the earlier times where they do not. */
static size_t
check_summary(const char *what, const weft_summary *sp, size_t *differ)
{
	const weft_summary s = *sp;
	weft_tkey_state at_t, at_x;
	uint32_t times[4096], from;
	size_t nt = 0, i, ti, xi, checked = 0;
	bool same;

	add_time(times, &nt, WEFT_ARRAY_SIZE(times), s.key.created);
	for (i = 0; i < s.nsigs; i++) {
		add_time(times, &nt, WEFT_ARRAY_SIZE(times), s.sigs[i].created);
		if (s.sigs[i].expires)
			add_time(times, &nt, WEFT_ARRAY_SIZE(times),
				 s.sigs[i].expires);
		if (s.sigs[i].key_expires)
			add_time(times, &nt, WEFT_ARRAY_SIZE(times),
				 s.sigs[i].key_expires);
	}
	add_time(times, &nt, WEFT_ARRAY_SIZE(times), 2000000000u);
	for (ti = 0; ti < nt; ti++) {
		uint32_t t = times[ti];

		from = weft_summary_stable_from(&s, t);
		weft_summary_primary_state(&s, t, t, &at_t);
		for (xi = 0; xi < nt; xi++) {
			uint32_t x = times[xi];

			if (x > t)
				continue;
			weft_summary_primary_state(&s, x, t, &at_x);
			same = at_x.b.valid == at_t.b.valid &&
			       at_x.b.binding == at_t.b.binding &&
			       at_x.b.revoked == at_t.b.revoked &&
			       at_x.b.hard_revoked == at_t.b.hard_revoked &&
			       at_x.b.revoked_at == at_t.b.revoked_at &&
			       at_x.created == at_t.created &&
			       at_x.expires == at_t.expires;
			if (x < from) {
				*differ += !same;
				continue;
			}
			T_CHECK(same, "%s: state at %u (stable from %u) "
				"differs from at T %u", what, (unsigned)x,
				(unsigned)from, (unsigned)t);
			checked++;
		}
	}
	return checked;
}

static size_t
check_cert(const char *path, weft_cert *c, size_t *differ)
{
	weft_buf buf;
	weft_summary s;
	char what[512];
	size_t checked;

	T_OK(weft_cert_check_self(c, false));
	weft_cert_canonicalize(c);
	weft_cert_prune(c, NULL);
	weft_buf_init(&buf);
	T_OK(weft_summary_of(c, &buf, &s));
	snprintf(what, sizeof what, "%s: key %02X%02X...", path,
		 c->primary.fpr[0], c->primary.fpr[1]);
	checked = check_summary(what, &s, differ);
	weft_summary_free(&s);
	weft_buf_free(&buf);
	return checked;
}

/* ---- made-up summaries ------------------------------------------------------ */

static uint32_t rng = 20261207u;

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

/* A time on a grid of 12 steps, so that signatures share seconds. */
static uint32_t
when(void)
{
	return 1500000000u + 1000u * rnd(12);
}

static void
made_up_sig(weft_tsig *g, uint16_t comp, uint8_t type)
{
	memset(g, 0, sizeof *g);
	g->comp = comp;
	g->type = type;
	g->hash = 8;   /* SHA-256 */
	g->created = when();
	if (!rnd(4))
		g->expires = g->created + 1000u * (1 + rnd(6));
	if (type == WEFT_SIG_POSITIVE_CERT || type == WEFT_SIG_DIRECT_KEY) {
		if (!rnd(3))
			g->key_expires = 1500000000u + 1000u * (1 + rnd(14));
		if (type == WEFT_SIG_POSITIVE_CERT && !rnd(3))
			g->flags |= WEFT_TSF_PRIMARY_UID;
	} else if (!rnd(3)) {
		g->flags |= WEFT_TSF_HARD;
	}
}

static int
sig_order(const void *pa, const void *pb)
{
	const weft_tsig *a = pa, *b = pb;

	if (a->comp != b->comp)
		return a->comp < b->comp ? -1 : 1;
	if (a->created != b->created)
		return a->created > b->created ? -1 : 1;
	return 0;
}

static size_t
check_made_up(size_t *differ)
{
	weft_tuid uids[3];
	weft_tsig sigs[32];
	weft_summary s;
	size_t round, u, k, n, checked = 0;
	char what[64];

	for (round = 0; round < 2000; round++) {
		memset(&s, 0, sizeof s);
		memset(uids, 0, sizeof uids);
		s.key.created = 1500000000u + 1000u * rnd(3);
		s.key.version = 4;
		s.key.algo = 22;   /* EdDSA */
		s.key.bits = 255;
		s.key.policy_ok_curve = true;
		s.nuids = 1 + rnd(3);
		n = 0;
		for (u = 0; u < s.nuids; u++) {
			uids[u].data = (const uint8_t *)"u";
			uids[u].len = 1;
			uids[u].tag = WEFT_PKT_USER_ID;
			uids[u].sec = WEFT_SEC_SECOND_PREIMAGE;
			for (k = rnd(4); k > 0; k--)
				made_up_sig(&sigs[n++], (uint16_t)u,
					    WEFT_SIG_POSITIVE_CERT);
			for (k = rnd(3) / 2; k > 0; k--)
				made_up_sig(&sigs[n++], (uint16_t)u,
					    WEFT_SIG_CERT_REVOCATION);
		}
		for (k = rnd(4) / 2; k > 0; k--)
			made_up_sig(&sigs[n++], WEFT_TS_PRIMARY,
				    WEFT_SIG_DIRECT_KEY);
		for (k = rnd(4) / 2; k > 0; k--)
			made_up_sig(&sigs[n++], WEFT_TS_PRIMARY,
				    WEFT_SIG_KEY_REVOCATION);
		qsort(sigs, n, sizeof *sigs, sig_order);
		s.uids = uids;
		s.sigs = sigs;
		s.nsigs = n;
		snprintf(what, sizeof what, "made-up summary %zu", round);
		checked += check_summary(what, &s, differ);
	}
	return checked;
}

int
main(void)
{
	static const char *const pats[] = {
		"tests/data/cert/*.pgp",
		"tests/data/wot-vectors/keyrings/*.pgp",
		"tests/data/trust/web.pgp",
	};
	weft_cert *certs[256];
	size_t p, f, n, i, checked = 0, differ = 0, nfiles = 0;
	glob_t g;

	for (p = 0; p < WEFT_ARRAY_SIZE(pats); p++) {
		T_CHECK(glob(pats[p], 0, NULL, &g) == 0, "no %s", pats[p]);
		for (f = 0; f < g.gl_pathc; f++) {
			n = t_load_certs(g.gl_pathv[f], certs,
				      WEFT_ARRAY_SIZE(certs));
			for (i = 0; i < n; i++) {
				checked += check_cert(g.gl_pathv[f], certs[i],
						      &differ);
				weft_cert_free(certs[i]);
			}
			nfiles++;
		}
		globfree(&g);
	}
	/* Enough states compared, and before stable_from some do differ
	 * from T's: a stable_from of 0 would fail above. */
	T_CHECK(nfiles >= 20 && checked >= 2000 && differ >= 1000,
		"%zu files, %zu states compared, %zu earlier ones differ",
		nfiles, checked, differ);
	checked = differ = 0;
	checked = check_made_up(&differ);
	T_CHECK(checked >= 50000 && differ >= 100000,
		"made up: %zu states compared, %zu earlier ones differ",
		checked, differ);
	return t_done();
}
