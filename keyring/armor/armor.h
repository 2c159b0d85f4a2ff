/* armor.h - ASCII armor (RFC 9580 6, RFC 4880 6): radix-64, CRC24, armor
 * headers, several blocks per input, and detection of binary input.
 *
 * Expected errors:
 *   GPG_ERR_NO_DATA        neither binary OpenPGP nor an armor block found
 *   GPG_ERR_BAD_DATA       malformed armor (bad base64, missing END line,
 *                          END label differs from BEGIN, bad header line)
 *   GPG_ERR_CHECKSUM       CRC24 present and wrong
 *   GPG_ERR_TOO_LARGE      a line or header count beyond util/limits.h
 * with one line of detail in DIAG naming the block number and line.
 */
#ifndef WEFT_ARMOR_H
#define WEFT_ARMOR_H

#include "../internal.h"
#include "../util/buf.h"
#include "../util/diag.h"

typedef struct weft_armor_header {
	char *name;              /* e.g. "Comment", "Version", "Hash" */
	char *value;
} weft_armor_header;

typedef struct weft_armor_block {
	char *label;             /* text between "BEGIN " and "-----", e.g.
				    "PGP PUBLIC KEY BLOCK"; NULL for binary */
	weft_armor_header *headers;
	size_t nheaders;
	uint8_t *data;           /* decoded octets (owned) */
	size_t len;
	bool had_crc;            /* a "=XXXX" checksum line was present */
	size_t line;             /* 1-based line of the BEGIN line */
} weft_armor_block;

typedef struct weft_armor_list {
	weft_armor_block *blocks;
	size_t n;
} weft_armor_list;

/* True when IN looks binary (first octet has bit 7 set, as every OpenPGP
 * packet header does). */
bool weft_armor_is_binary(const uint8_t *in, size_t len);

/* Decode every armor block in IN.  Text outside blocks is ignored (as in
 * mail bodies).  Line endings may be LF or CRLF; trailing white space on
 * any line is ignored; the blank line after the headers may contain white
 * space.  The CRC24 line is optional and checked when present.
 * "BEGIN PGP SIGNED MESSAGE" (cleartext) blocks are skipped here: the
 * signature block that follows them is returned.
 * If IN is binary, OUT holds one block whose data is a copy of IN and
 * whose label is NULL.  On error OUT is empty. */
gpg_error_t weft_armor_decode(const uint8_t *in, size_t len,
			      weft_armor_list *out, weft_diag *diag);
void weft_armor_list_free(weft_armor_list *l);

/* Append an armored block: BEGIN line, headers (may be NULL/0), a blank
 * line, base64 in lines of 64 characters, the CRC24 line, END line.  LF
 * line endings. */
gpg_error_t weft_armor_encode(weft_buf *out, const char *label,
			      const weft_armor_header *headers,
			      size_t nheaders, const uint8_t *data,
			      size_t len);

/* CRC24 as RFC 9580 6.1 defines it. */
uint32_t weft_crc24(const uint8_t *p, size_t n);

#endif /* WEFT_ARMOR_H */
