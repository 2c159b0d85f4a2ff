/* regex.c - trust signature regexes as Sequoia reads them (RFC 4880 8):
 * the cases where POSIX and Sequoia disagree, the domain form GnuPG
 * writes, invalid patterns (match nothing), and hostile ones (linear). */
#include "trust/trust.h"
#include "t.h"

static bool
m(const char *re, const char *uid)
{
	weft_tbytes r = { (const uint8_t *)re, (uint32_t)strlen(re) };
	weft_tsig sig;
	weft_summary s;

	memset(&sig, 0, sizeof sig);
	memset(&s, 0, sizeof s);
	sig.flags = WEFT_TSF_TRUST;
	sig.nregex = 1;
	s.regexes = &r;
	s.nregexes = 1;
	return weft_trust_regex_match(&s, &sig, (const uint8_t *)uid,
				      strlen(uid));
}

static const struct {
	const char *re, *uid;
	bool want;
} cases[] = {
	/* GnuPG's domain scope */
	{ "<[^>]+[@.]example\\.org>$", "Alice <alice@example.org>", true },
	{ "<[^>]+[@.]example\\.org>$", "Alice <alice@sub.example.org>", true },
	{ "<[^>]+[@.]example\\.org>$", "Mallory <m@notexample.org>", false },
	{ "<[^>]+[@.]example\\.org>$", "Mallory <m@example.org.evil>", false },
	{ "<[^>]+[@.]example\\.org>$", "<m@example.orgx>", false },
	/* sq-wot and POSIX disagree (found by the differential tests) */
	{ "a{2}", "<aa@x.org>", false },       /* { is a literal */
	{ "a{2}", "<a{2}@x.org>", true },
	{ "^<h.NS@", "<h\xc3\x84NS@x.org>", true },   /* . is one character */
	{ "^<h[\xc3\x84]NS@", "<h\xc3\x84NS@x.org>", true },
	{ "exa\\wple", "<a@example.org>", false },     /* \w is "w" */
	{ "exa\\wple", "<a@exawple.org>", true },
	{ "[[:alpha:]]", "<a@x.org>", false },         /* no POSIX classes */
	{ "[[:alpha:]]", "x[:", false },
	{ "[[:alpha:]]", "a]", false },  /* class "[:alph" then a stray "]": invalid */
	{ "a**", "<b@x.org>", false },                 /* invalid */
	{ "a**", "aa", false },
	/* agreed behaviour */
	{ "", "anything", true },
	{ "(", "(", false },
	{ ")", ")", false },
	{ "]", "]", false },
	{ "*a", "a", false },
	{ "alice|", "bob", true },                     /* empty branch */
	{ "(x|)y", "y", true },
	{ "(x|)y", "xy", true },
	{ "[]x]", "]", true },
	{ "[]x]", "x", true },
	{ "[]x]", "y", false },
	{ "[^]x]", "y", true },
	{ "[^]x]", "]", false },
	{ "[a-c]", "b", true },
	{ "[a-c]", "d", false },
	{ "[a-]", "-", true },
	{ "[-a]", "-", true },
	{ "[\\]", "\\", true },                        /* \ plain in a class */
	{ "^(<|x)+a", "<<xa", true },
	{ "^(<|x)+a", "a", false },
	{ "^abc$", "abc", true },
	{ "^abc$", "xabc", false },
	{ "b", "abc", true },                          /* a search */
	{ "a.c", "abc", true },
	{ "a\\.c", "abc", false },
	{ "a\\.c", "a.c", true },
	{ "ab?c", "ac", true },
	{ "ab+c", "ac", false },
	{ "ab*c", "abbbc", true },
	{ "A", "a", false },                           /* case matters */
	{ "x", "x\ny", false },                        /* control: never */
	{ "x", "\xff", false },                        /* not UTF-8: never */
	{ "a^b", "ab", false },
	/* hostile: exponential for a backtracker, linear here */
	{ "(a*)*(a*)*(a*)*(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
	{ "((a|a)|(a|a))*c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
};

int
main(void)
{
	size_t i;
	weft_tsig sig;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++)
		T_CHECK(m(cases[i].re, cases[i].uid) == cases[i].want,
			"/%s/ on \"%s\": want %s", cases[i].re, cases[i].uid,
			cases[i].want ? "match" : "no match");
	/* Bounds: groups nested 64 deep parse, 65 and 100,000 deep do not
	 * (no stack overflow: they match nothing); 4,096 characters parse,
	 * 4,097 do not. */
	{
		size_t depths[] = { 64, 65, 100000 }, k, d;

		for (k = 0; k < WEFT_ARRAY_SIZE(depths); k++) {
			char *re = malloc(2 * depths[k] + 2);

			for (d = 0; d < depths[k]; d++)
				re[d] = '(';
			re[d] = 'a';
			for (d = 0; d < depths[k]; d++)
				re[depths[k] + 1 + d] = ')';
			re[2 * depths[k] + 1] = 0;
			if (depths[k] <= 2048)
				T_CHECK(m(re, "<a@x.org>") == (depths[k] <= 64),
					"%zu nested groups: %s", depths[k],
					depths[k] <= 64 ? "parse" : "too deep");
			else
				T_CHECK(!m(re, "<a@x.org>"),
					"%zu nested groups: too deep", depths[k]);
			free(re);
		}
	}
	{
		char *re = malloc(4098);

		memset(re, 'a', 4096);
		re[4096] = 0;
		T_CHECK(!m(re, "<a@x.org>"), "4096 a: no match, parses");
		memset(re, '.', 4096);
		T_CHECK(m(re, "<a@x.org>") == false, "4096 dots on a short uid");
		re[0] = '<';
		re[1] = 0;
		T_CHECK(m(re, "<a@x.org>"), "a short one still matches");
		memset(re, 'x', 4097);
		re[4097] = 0;
		re[0] = '<';
		T_CHECK(!m(re, "<xxxxx@x.org>"), "4097 characters: too long");
		free(re);
	}
	/* Without a trust signature, regexes are not read at all. */
	memset(&sig, 0, sizeof sig);
	T_CHECK(weft_trust_regex_match(NULL, &sig, (const uint8_t *)"x", 1),
		"no trust signature: everything matches");
	return t_done();
}
