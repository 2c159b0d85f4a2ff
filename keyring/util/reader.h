/* reader.h - bounded reads over untrusted bytes.
 *
 * A weft_reader is a window over borrowed memory.  Every getter checks the
 * remaining length first and returns 0 or an error; only these functions
 * know offsets, so parsers never do pointer arithmetic on input.  Outputs
 * are zeroed on entry, so a caller may ignore them after an error.
 *
 * Expected errors:
 *   GPG_ERR_INV_PACKET  fewer bytes left than the getter needs (truncated)
 *   GPG_ERR_TOO_LARGE   a declared size exceeds a cap of util/limits.h
 *
 * Lifetime: pointers returned by the _direct getters point into the
 * reader's memory and are valid as long as that memory is.
 */
#ifndef WEFT_UTIL_READER_H
#define WEFT_UTIL_READER_H

#include "../internal.h"

typedef struct weft_reader {
	const uint8_t *data;
	size_t len;
	size_t off;
} weft_reader;

void weft_reader_init(weft_reader *r, const void *data, size_t len);
size_t weft_reader_left(const weft_reader *r);
size_t weft_reader_offset(const weft_reader *r);
bool weft_reader_eof(const weft_reader *r);

gpg_error_t weft_reader_u8(weft_reader *r, uint8_t *out);
gpg_error_t weft_reader_u16(weft_reader *r, uint16_t *out);  /* big endian */
gpg_error_t weft_reader_u32(weft_reader *r, uint32_t *out);  /* big endian */
gpg_error_t weft_reader_peek_u8(const weft_reader *r, uint8_t *out);

/* Borrow N bytes and advance past them. */
gpg_error_t weft_reader_bytes_direct(weft_reader *r, size_t n,
				     const uint8_t **out);
/* Copy N bytes into OUT and advance. */
gpg_error_t weft_reader_copy(weft_reader *r, void *out, size_t n);
gpg_error_t weft_reader_skip(weft_reader *r, size_t n);
/* Borrow everything that is left and advance to the end. */
void weft_reader_rest_direct(weft_reader *r, const uint8_t **out, size_t *n);
/* Carve the next N bytes out as SUB (a reader limited to them) and advance
 * past them.  Parsers give each length-delimited structure its own
 * sub-reader and check weft_reader_eof(sub) when done. */
gpg_error_t weft_reader_sub(weft_reader *r, size_t n, weft_reader *sub);
/* Pointer to the current position (for recording where a structure
 * started); never dereference past weft_reader_left() bytes. */
const uint8_t *weft_reader_pos(const weft_reader *r);

#endif /* WEFT_UTIL_READER_H */
