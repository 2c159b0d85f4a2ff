/* reader.c - bounded reads over untrusted bytes. */
#include "reader.h"

void
weft_reader_init(weft_reader *r, const void *data, size_t len)
{
	r->data = data;
	r->len = data ? len : 0;
	r->off = 0;
}

size_t
weft_reader_left(const weft_reader *r)
{
	return r->len - r->off;
}

size_t
weft_reader_offset(const weft_reader *r)
{
	return r->off;
}

bool
weft_reader_eof(const weft_reader *r)
{
	return r->off == r->len;
}

const uint8_t *
weft_reader_pos(const weft_reader *r)
{
	return r->data ? r->data + r->off : r->data;
}

gpg_error_t
weft_reader_peek_u8(const weft_reader *r, uint8_t *out)
{
	*out = 0;
	if (weft_reader_left(r) < 1)
		return WEFT_ERR(GPG_ERR_INV_PACKET);
	*out = r->data[r->off];
	return 0;
}

gpg_error_t
weft_reader_u8(weft_reader *r, uint8_t *out)
{
	gpg_error_t err = weft_reader_peek_u8(r, out);
	if (!err)
		r->off++;
	return err;
}

gpg_error_t
weft_reader_u16(weft_reader *r, uint16_t *out)
{
	*out = 0;
	if (weft_reader_left(r) < 2)
		return WEFT_ERR(GPG_ERR_INV_PACKET);
	*out = (uint16_t)((r->data[r->off] << 8) | r->data[r->off + 1]);
	r->off += 2;
	return 0;
}

gpg_error_t
weft_reader_u32(weft_reader *r, uint32_t *out)
{
	const uint8_t *p;

	*out = 0;
	if (weft_reader_left(r) < 4)
		return WEFT_ERR(GPG_ERR_INV_PACKET);
	p = r->data + r->off;
	*out = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
	r->off += 4;
	return 0;
}

gpg_error_t
weft_reader_bytes_direct(weft_reader *r, size_t n, const uint8_t **out)
{
	*out = NULL;
	if (weft_reader_left(r) < n)
		return WEFT_ERR(GPG_ERR_INV_PACKET);
	*out = r->data + r->off;
	r->off += n;
	return 0;
}

gpg_error_t
weft_reader_copy(weft_reader *r, void *out, size_t n)
{
	const uint8_t *p;
	gpg_error_t err = weft_reader_bytes_direct(r, n, &p);

	if (err) {
		memset(out, 0, n);
		return err;
	}
	if (n)
		memcpy(out, p, n);
	return 0;
}

gpg_error_t
weft_reader_skip(weft_reader *r, size_t n)
{
	const uint8_t *p;
	return weft_reader_bytes_direct(r, n, &p);
}

void
weft_reader_rest_direct(weft_reader *r, const uint8_t **out, size_t *n)
{
	*out = r->data + r->off;
	*n = r->len - r->off;
	r->off = r->len;
}

gpg_error_t
weft_reader_sub(weft_reader *r, size_t n, weft_reader *sub)
{
	const uint8_t *p;
	gpg_error_t err;

	weft_reader_init(sub, NULL, 0);
	err = weft_reader_bytes_direct(r, n, &p);
	if (!err)
		weft_reader_init(sub, p, n);
	return err;
}
