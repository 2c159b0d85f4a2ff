/* diag.h - one line of detail to go with an error code.
 *
 * Low-level parsers (packet, armor) do not know the context; they take an
 * optional weft_diag and write one human line into it ("CRC24 mismatch in
 * armor block 2", "truncated packet at offset 4711").  Higher layers copy
 * it into the context's last-error line, adding the input's name.
 */
#ifndef WEFT_UTIL_DIAG_H
#define WEFT_UTIL_DIAG_H

#include "../internal.h"

#define WEFT_DIAG_MAX 256

typedef struct weft_diag {
	char msg[WEFT_DIAG_MAX];
} weft_diag;

/* Set the message if D is not NULL and has none yet (the first, innermost
 * cause wins).  Returns ERR so it can be used in a return statement. */
gpg_error_t weft_diag_set(weft_diag *d, gpg_error_t err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void weft_diag_clear(weft_diag *d);

#endif /* WEFT_UTIL_DIAG_H */
