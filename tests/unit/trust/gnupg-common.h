/* gnupg-common.h - what the two tests of GnuPG's trust model
 * (trust/gnupg.c) share: gnupg-rules.c, its rules on keyrings built by
 * hand, and gnupg-web.c, the web made with gpg.  The headers both need,
 * and the validities under the short names both use, so that a table of
 * expected letters reads the same in either.  The keyring built by hand
 * stays in gnupg-rules.c: the web does not use it.
 */
#ifndef WEFT_TEST_GNUPG_COMMON_H
#define WEFT_TEST_GNUPG_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert.h"
#include "cert/summary.h"
#include "trust/gnupg.h"
#include "t.h"

#define DAY 86400u

enum {
	UNK = WEFT_VALIDITY_UNKNOWN, UND = WEFT_VALIDITY_UNDEFINED,
	MRG = WEFT_VALIDITY_MARGINAL, FUL = WEFT_VALIDITY_FULL,
	ULT = WEFT_VALIDITY_ULTIMATE, EXP = WEFT_VALIDITY_EXPIRED,
	REV = WEFT_VALIDITY_REVOKED,
};

#endif /* WEFT_TEST_GNUPG_COMMON_H */
