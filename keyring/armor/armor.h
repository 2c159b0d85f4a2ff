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

/* A diagnostic quotes at most this many characters of a label (a BEGIN
 * line may be thousands of characters long), then "...". */
#define WEFT_ARMOR_LABEL_QUOTE 64
#define WEFT_ARMOR_LABEL_ARGS(label, len)                                  \
	(int)((len) > WEFT_ARMOR_LABEL_QUOTE ? WEFT_ARMOR_LABEL_QUOTE : (len)), \
		(label), (len) > WEFT_ARMOR_LABEL_QUOTE ? "..." : ""

/* CRC24 as RFC 9580 6.1 defines it. */
uint32_t weft_crc24(const uint8_t *p, size_t n);
/* The same as it runs: start from WEFT_CRC24_INIT, feed pieces. */
#define WEFT_CRC24_INIT 0xb704ceu
uint32_t weft_crc24_update(uint32_t crc, const uint8_t *p, size_t n);

/* ---- streaming (armor-stream.c) ---------------------------------------- */

#include "../util/stream.h"

/* Free N headers (names, values and the array).  Accepts NULL. */
void weft_armor_headers_free(weft_armor_header *h, size_t n);

/* Decode one armor block from SRC as a stream, in constant memory (one
 * line of at most WEFT_MAX_ARMOR_LINE octets at a time), whatever the
 * block's size.
 *
 * SRC is read up to and including the BEGIN line, then the armor headers
 * ("Name: value" lines up to a blank line, at most WEFT_MAX_ARMOR_HEADERS),
 * which go to *HEADERS / *NHEADERS (free them with
 * weft_armor_headers_free).  *LABEL receives the label ("PGP MESSAGE",
 * "PGP SIGNATURE", ...; caller frees).  OUT then yields the decoded
 * octets.  The rules are weft_armor_decode's, so that both agree on every
 * text input: text before the BEGIN line is skipped, lines may end in
 * CRLF, trailing white space is ignored, the blank line after the headers
 * may hold white space or be missing when no headers come first, '='
 * padding is optional, the CRC24 line is optional.  At the start of SRC
 * (nothing consumed yet) a UTF-8 byte order mark is skipped.
 *
 * After OUT has reached its end, SRC stands just after the END line, so
 * that the caller can read on (another block, with another call).  Close
 * OUT before SRC; OUT reads SRC but does not own it.  DIAG (may be NULL)
 * must stay valid until OUT is closed: OUT's reads write into it.
 *
 * Cleartext: when the first BEGIN line found is "BEGIN PGP SIGNED
 * MESSAGE", the function reads its header lines (the Hash headers) and
 * the blank line that must end them, and returns 0 with *LABEL "PGP
 * SIGNED MESSAGE", the headers, and OUT unset (OUT->read == NULL; closing
 * it is harmless).  SRC then stands at the first line of the signed text;
 * the caller reads the text and then calls this function again for the
 * "PGP SIGNATURE" block after it.
 *
 * Errors from this function (OUT unset, *LABEL NULL, no headers):
 *   GPG_ERR_NO_DATA    no BEGIN PGP line before the end of SRC; also when
 *                      SRC starts with binary OpenPGP (first octet with
 *                      bit 7 set; nothing is consumed then)
 *   GPG_ERR_BAD_DATA   malformed BEGIN line or armor header, SRC ending
 *                      among the headers; in a cleartext message, a line
 *                      before the blank one that is not a header
 *   GPG_ERR_TOO_LARGE  a line of the block over WEFT_MAX_ARMOR_LINE, more
 *                      than WEFT_MAX_ARMOR_HEADERS headers
 *   GPG_ERR_ENOMEM, and SRC's own errors.
 * Errors from OUT's reads (after the octets decoded before them):
 *   GPG_ERR_BAD_DATA   bad base64 (the diagnostic names line and column),
 *                      a missing END line (SRC ended), an END line whose
 *                      label differs from the BEGIN line's
 *   GPG_ERR_CHECKSUM   a CRC24 line was present and does not match
 *   GPG_ERR_TOO_LARGE  a line over WEFT_MAX_ARMOR_LINE
 *   and SRC's own errors.  An error in the line that ends the headers
 *   (the END line or, with no blank line, the first data line) may
 *   already come from this function.
 * Line numbers in diagnostics count from where SRC stood at the call. */
gpg_error_t weft_armor_stream_open(weft_stream *out, weft_stream *src,
				   char **label, weft_armor_header **headers,
				   size_t *nheaders, weft_diag *diag);

#endif /* WEFT_ARMOR_H */
