/* key.c - public and secret key packets (tags 5, 6, 7, 14), v3/v4/v6, and
 * MPIs.
 *
 * The algorithm-specific public material is described by a table: for
 * each algorithm, the sequence of fields it has.  Parsing walks that
 * sequence, so adding an algorithm is one row. */
#include "packet.h"

/* Field layouts.  NATIVE(n) entries carry their size. */
enum { F_END = 0, F_MPI, F_OID, F_KDF, F_NATIVE };

typedef struct key_layout {
	uint8_t algo;
	uint8_t fields[WEFT_MAX_FIELDS];
	size_t native_len;       /* for F_NATIVE */
} key_layout;

static const key_layout layouts[] = {
	{ WEFT_PK_RSA, { F_MPI, F_MPI }, 0 },
	{ WEFT_PK_RSA_E, { F_MPI, F_MPI }, 0 },
	{ WEFT_PK_RSA_S, { F_MPI, F_MPI }, 0 },
	{ WEFT_PK_DSA, { F_MPI, F_MPI, F_MPI, F_MPI }, 0 },
	{ WEFT_PK_ELGAMAL_E, { F_MPI, F_MPI, F_MPI }, 0 },
	{ WEFT_PK_ELGAMAL_ES, { F_MPI, F_MPI, F_MPI }, 0 },
	{ WEFT_PK_ECDSA, { F_OID, F_MPI }, 0 },
	{ WEFT_PK_EDDSA_LEGACY, { F_OID, F_MPI }, 0 },
	{ WEFT_PK_ECDH, { F_OID, F_MPI, F_KDF }, 0 },
	{ WEFT_PK_X25519, { F_NATIVE }, 32 },
	{ WEFT_PK_X448, { F_NATIVE }, 56 },
	{ WEFT_PK_ED25519, { F_NATIVE }, 32 },
	{ WEFT_PK_ED448, { F_NATIVE }, 57 },
};

static const key_layout *
layout_for(uint8_t algo)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(layouts); i++)
		if (layouts[i].algo == algo)
			return &layouts[i];
	return NULL;
}

gpg_error_t
weft_mpi_read(weft_reader *r, weft_field *f)
{
	uint16_t bits;
	gpg_error_t err;

	memset(f, 0, sizeof *f);
	if ((err = weft_reader_u16(r, &bits)))
		return err;
	if (bits > WEFT_MAX_MPI_BITS)
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	f->kind = WEFT_FIELD_MPI;
	f->bits = bits;
	f->len = (bits + 7u) / 8u;
	return weft_reader_bytes_direct(r, f->len, &f->data);
}

gpg_error_t
weft_mpi_write(weft_buf *b, const uint8_t *p, size_t len)
{
	unsigned bits;
	uint8_t top;

	while (len && !*p) {
		p++;
		len--;
	}
	if (len > WEFT_MAX_MPI_BITS / 8)
		return b->err = WEFT_ERR(GPG_ERR_TOO_LARGE);
	bits = (unsigned)len * 8;
	if (len) {
		for (top = p[0]; !(top & 0x80); top <<= 1)
			bits--;
	}
	weft_buf_put_u16(b, (uint16_t)bits);
	return weft_buf_put(b, p, len);
}

/* Bits of an MPI's actual value (ignoring a sloppy declared count). */
static unsigned
mpi_value_bits(const weft_field *f)
{
	size_t i;
	unsigned bits;
	uint8_t top;

	for (i = 0; i < f->len && !f->data[i]; i++)
		;
	if (i == f->len)
		return 0;
	bits = (unsigned)(f->len - i) * 8;
	for (top = f->data[i]; !(top & 0x80); top <<= 1)
		bits--;
	return bits;
}

static gpg_error_t
read_material(weft_reader *r, weft_pkt_key *k, const key_layout *lay,
	      weft_diag *diag)
{
	unsigned i;
	uint8_t n;
	weft_field *f;
	gpg_error_t err = 0;

	for (i = 0; i < WEFT_MAX_FIELDS && lay->fields[i] != F_END; i++) {
		f = &k->fields[i];
		switch (lay->fields[i]) {
		case F_MPI:
			err = weft_mpi_read(r, f);
			break;
		case F_OID:
			f->kind = WEFT_FIELD_OID;
			if ((err = weft_reader_u8(r, &n)))
				break;
			if (n == 0 || n == 0xff) {
				return weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_INV_PACKET),
					"key packet: reserved curve OID length %u",
					n);
			}
			f->len = n;
			err = weft_reader_bytes_direct(r, n, &f->data);
			break;
		case F_KDF:
			f->kind = WEFT_FIELD_KDF;
			if ((err = weft_reader_u8(r, &n)))
				break;
			if (n < 3) {
				return weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_INV_PACKET),
					"key packet: ECDH KDF parameters too short");
			}
			f->len = n;
			err = weft_reader_bytes_direct(r, n, &f->data);
			break;
		case F_NATIVE:
			f->kind = WEFT_FIELD_NATIVE;
			f->len = lay->native_len;
			f->bits = (unsigned)lay->native_len * 8;
			err = weft_reader_bytes_direct(r, f->len, &f->data);
			break;
		}
		if (err) {
			if (gpg_err_code(err) == GPG_ERR_TOO_LARGE)
				return weft_diag_set(diag, err,
					"key packet: MPI larger than %u bits",
					WEFT_MAX_MPI_BITS);
			return weft_diag_set(diag, err,
				"truncated %s key material",
				weft_pk_algo_name(k->algo));
		}
		k->nfields++;
	}
	return 0;
}

static void
set_bits(weft_pkt_key *k)
{
	switch (k->algo) {
	case WEFT_PK_RSA: case WEFT_PK_RSA_E: case WEFT_PK_RSA_S:
	case WEFT_PK_DSA: case WEFT_PK_ELGAMAL_E: case WEFT_PK_ELGAMAL_ES:
		k->bits = mpi_value_bits(&k->fields[0]);
		break;
	case WEFT_PK_ECDSA: case WEFT_PK_EDDSA_LEGACY: case WEFT_PK_ECDH:
		k->curve = weft_curve_by_oid(k->fields[0].data,
					     k->fields[0].len);
		k->bits = k->curve ? k->curve->bits : 0;
		break;
	case WEFT_PK_X25519: case WEFT_PK_ED25519:
		k->bits = 255;
		break;
	case WEFT_PK_X448: case WEFT_PK_ED448:
		k->bits = 448;
		break;
	}
}

gpg_error_t
weft_pkt_key_parse(weft_pkt_key *k, uint8_t tag, const uint8_t *body,
		   size_t len, weft_diag *diag)
{
	weft_reader r, mat;
	const key_layout *lay;
	bool secret = tag == WEFT_PKT_SECRET_KEY || tag == WEFT_PKT_SECRET_SUBKEY;
	uint32_t matlen;
	size_t pubend;
	gpg_error_t err;

	memset(k, 0, sizeof *k);
	k->tag = tag;
	k->body = body;
	k->body_len = len;
	weft_reader_init(&r, body, len);
	if ((err = weft_reader_u8(&r, &k->version)))
		goto truncated;
	if (k->version < 2 || k->version == 5 || k->version > 6)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_UNKNOWN_VERSION),
			"key packet: unsupported version %u", k->version);
	if ((err = weft_reader_u32(&r, &k->created)))
		goto truncated;
	if (k->version <= 3 && (err = weft_reader_u16(&r, &k->v3_days)))
		goto truncated;
	if ((err = weft_reader_u8(&r, &k->algo)))
		goto truncated;
	lay = layout_for(k->algo);
	if (k->version <= 3 && k->algo != WEFT_PK_RSA &&
	    k->algo != WEFT_PK_RSA_E && k->algo != WEFT_PK_RSA_S)
		lay = NULL;

	if (k->version == 6) {
		/* v6 states the material's length, so even an unknown
		 * algorithm can be delimited. */
		if ((err = weft_reader_u32(&r, &matlen)))
			goto truncated;
		if ((err = weft_reader_sub(&r, matlen, &mat)))
			goto truncated;
		if (lay) {
			if ((err = read_material(&mat, k, lay, diag)))
				return err;
			if (!weft_reader_eof(&mat))
				return weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_INV_PACKET),
					"key packet: %zu stray octets after %s key material",
					weft_reader_left(&mat),
					weft_pk_algo_name(k->algo));
		}
	} else if (lay) {
		if ((err = read_material(&r, k, lay, diag)))
			return err;
	} else if (secret) {
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_PUBKEY_ALGO),
			"secret key packet with unknown algorithm %u", k->algo);
	} else {
		weft_reader_skip(&r, weft_reader_left(&r));
	}
	k->known_algo = lay != NULL;
	pubend = weft_reader_offset(&r);
	k->pub = body;
	k->pub_len = pubend;
	if (secret) {
		weft_reader_rest_direct(&r, &k->secret, &k->secret_len);
		if (!k->secret_len)
			return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
				"secret key packet without secret material");
	} else if (!weft_reader_eof(&r)) {
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
			"key packet: %zu stray octets after %s key material",
			weft_reader_left(&r), weft_pk_algo_name(k->algo));
	}
	set_bits(k);
	return 0;
truncated:
	return weft_diag_set(diag, err, "truncated key packet");
}
