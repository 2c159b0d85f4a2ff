/* weft/error.h - errors.
 *
 * Every function of libweft that can fail returns a gpg_error_t: 0 on
 * success, else a libgpg-error code (compare with gpg_err_code()).  The
 * context keeps one line of detail about the last failure, for people:
 * weft_ctx_error().
 */
#ifndef WEFT_ERROR_H
#define WEFT_ERROR_H

#include <gpg-error.h>

#endif /* WEFT_ERROR_H */
