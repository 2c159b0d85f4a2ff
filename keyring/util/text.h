/* text.h - Unicode-aware text handling: lower case, and email addresses
 * normalised as Sequoia does (lower case, IDNA domain), so that weft and
 * sq-wot agree on which user IDs an address or a pattern names. */
#ifndef WEFT_UTIL_TEXT_H
#define WEFT_UTIL_TEXT_H

#include "../internal.h"

/* Lower-case the UTF-8 text S (N octets) into a new NUL-terminated
 * string (caller frees).  Invalid UTF-8 is lower-cased as ASCII only.
 * NULL on ENOMEM. */
char *weft_text_lower(const uint8_t *s, size_t n, size_t *outlen);

/* Does HAY contain NEEDLE, ignoring case (Unicode)? */
bool weft_text_contains_ci(const uint8_t *hay, size_t hay_len,
			   const char *needle);

/* Normalise an email address: the local part in lower case, the domain
 * converted to its IDNA ASCII form ("bücher.tld" -> "xn--bcher-kva.tld")
 * and lower-cased.  False when ADDR has no '@' or does not fit OUT. */
bool weft_email_normalize(const uint8_t *addr, size_t len, char *out,
			  size_t outlen);

/* A domain as a scope takes it (--domain of certify and of the X.509
 * bridge): ASCII letters, digits, '-' and '.', 1 to 253 octets, neither
 * starting nor ending with '.'. */
bool weft_domain_ok(const char *d);

#endif /* WEFT_UTIL_TEXT_H */
