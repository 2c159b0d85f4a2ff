/* internal.h - common definitions for every file of libweft.
 *
 * Every engine source includes this first: it fixes the gpg-error source
 * for the whole library before <gpg-error.h> is seen, and pulls in the
 * fixed-width types that the packet and store code use everywhere.
 */
#ifndef WEFT_INTERNAL_H
#define WEFT_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#define GPG_ERR_SOURCE_DEFAULT GPG_ERR_SOURCE_USER_1
#include <gpg-error.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/limits.h"

#define WEFT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Shorthand for returning a gpg-error code with our source. */
#define WEFT_ERR(code) gpg_error(code)

#endif /* WEFT_INTERNAL_H */
