/* text.c - weft_domain_ok (keyring/util/text.c): what --domain takes, for
 * certify and for the X.509 bridge alike. */
#include <string.h>

#include "util/text.h"
#include "t.h"

int
main(void)
{
	static const char *good[] = {
		"example.org", "corp.example", "my-corp.example", "a", "a.b",
		"xn--bcher-kva.example", "EXAMPLE.ORG", "1.2.3.4", "-a-.b",
	};
	static const char *bad[] = {
		"", ".", ".example.org", "example.org.", "exa mple.org",
		"example.org>", "b\xc3\xbc" "cher.example", "a*b", "a@b", "a_b",
		"a/b", "a\\b",
	};
	char longest[254], too_long[255];
	size_t i;

	for (i = 0; i < sizeof good / sizeof *good; i++)
		T_CHECK(weft_domain_ok(good[i]), "\"%s\" is a domain", good[i]);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		T_CHECK(!weft_domain_ok(bad[i]), "\"%s\" is no domain", bad[i]);
	memset(longest, 'a', sizeof longest - 1);
	longest[sizeof longest - 1] = 0;
	memset(too_long, 'a', sizeof too_long - 1);
	too_long[sizeof too_long - 1] = 0;
	T_CHECK(weft_domain_ok(longest), "253 octets are a domain");
	T_CHECK(!weft_domain_ok(too_long), "254 octets are no domain");
	return t_done();
}
