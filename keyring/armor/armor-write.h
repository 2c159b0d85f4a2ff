/* armor-write.h - ASCII armor written as a stream (RFC 9580 6): the
 * BEGIN line and headers, radix-64 in lines of 64 characters as the
 * octets come, then the CRC24 line and the END line.  For signing files
 * of any size in constant memory (armor.h encodes a whole buffer). */
#ifndef WEFT_ARMOR_WRITE_H
#define WEFT_ARMOR_WRITE_H

#include "../internal.h"
#include <weft/verify.h>

#include "armor.h"

typedef struct weft_armor_writer {
	weft_write_fn write;
	void *opaque;
	const char *label;
	uint8_t pend[3];
	size_t npend;
	char line[65];
	size_t nline;
	uint32_t crc;
} weft_armor_writer;

/* Write the BEGIN line, HEADERS (may be NULL/0) and the blank line. */
gpg_error_t weft_armor_writer_begin(weft_armor_writer *w, const char *label,
				    const weft_armor_header *headers,
				    size_t nheaders, weft_write_fn write,
				    void *opaque);
gpg_error_t weft_armor_writer_put(weft_armor_writer *w, const uint8_t *p,
				  size_t n);
/* The rest of the radix-64, the CRC24 line and the END line. */
gpg_error_t weft_armor_writer_end(weft_armor_writer *w);

#endif /* WEFT_ARMOR_WRITE_H */
