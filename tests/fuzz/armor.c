/* tests/fuzz/armor.c - libFuzzer target for weft_armor_decode.
 *
 *   make fuzz && build/fuzz/armor -max_len=65536 corpus/ tests/data/armor
 *
 * or alone, when other modules do not build: clang with
 * -fsanitize=fuzzer,address,undefined -Iinclude -Ikeyring on this file,
 * keyring/armor/armor.c, keyring/armor/crc24.c and keyring/util/{buf,diag,
 * mem,reader}.c, linked with -lgcrypt -lgpg-error.
 *
 * Besides the sanitizers it checks what the header promises: on error the
 * list is empty and there is a diagnostic; on success every armored block
 * encodes and decodes back to the same label, headers and octets.
 */
#include <stdlib.h>

#include "armor/armor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_roundtrip(const weft_armor_block *b)
{
	weft_armor_list again;
	weft_buf enc;
	gpg_error_t err;
	size_t i;

	weft_buf_init(&enc);
	err = weft_armor_encode(&enc, b->label, b->headers, b->nheaders,
				b->data, b->len);
	if (err)
		abort(); /* decode accepted what encode refuses */
	err = weft_armor_decode(enc.data, enc.len, &again, NULL);
	if (err || again.n != 1 || again.blocks[0].len != b->len ||
	    (b->len && memcmp(again.blocks[0].data, b->data, b->len)) ||
	    strcmp(again.blocks[0].label, b->label) ||
	    again.blocks[0].nheaders != b->nheaders ||
	    !again.blocks[0].had_crc)
		abort();
	for (i = 0; i < b->nheaders; i++)
		if (strcmp(again.blocks[0].headers[i].name,
			   b->headers[i].name) ||
		    strcmp(again.blocks[0].headers[i].value,
			   b->headers[i].value))
			abort();
	weft_armor_list_free(&again);
	weft_buf_free(&enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	weft_armor_list l;
	weft_diag diag;
	gpg_error_t err;
	size_t i;

	weft_diag_clear(&diag);
	err = weft_armor_decode(size ? data : NULL, size, &l, &diag);
	if (err) {
		if (l.n || l.blocks || !diag.msg[0])
			abort();
		switch (gpg_err_code(err)) {
		case GPG_ERR_NO_DATA:
		case GPG_ERR_BAD_DATA:
		case GPG_ERR_CHECKSUM:
		case GPG_ERR_TOO_LARGE:
			break;
		default:
			abort(); /* ENOMEM is not expected at these sizes */
		}
		return 0;
	}
	if (!l.n || !l.blocks)
		abort();
	for (i = 0; i < l.n; i++) {
		if (!l.blocks[i].label) {
			/* binary: a copy, and only for binary input */
			if (l.n != 1 || !weft_armor_is_binary(data, size) ||
			    l.blocks[i].len != size ||
			    memcmp(l.blocks[i].data, data, size))
				abort();
			continue;
		}
		if (l.blocks[i].len > size)
			abort();
		check_roundtrip(&l.blocks[i]);
	}
	weft_armor_list_free(&l);
	return 0;
}
