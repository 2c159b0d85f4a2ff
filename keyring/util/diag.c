/* diag.c - one line of error detail. */
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

gpg_error_t
weft_diag_set(weft_diag *d, gpg_error_t err, const char *fmt, ...)
{
	va_list ap;

	if (!d || d->msg[0])
		return err;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	return err;
}

void
weft_diag_clear(weft_diag *d)
{
	if (d)
		d->msg[0] = 0;
}
