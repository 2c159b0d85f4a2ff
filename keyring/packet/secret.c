/* secret.c - the secret part of secret key packets (tags 5 and 7), v4 and
 * v6: S2K usage, cipher, AEAD mode, S2K specifier, IV or nonce, and the
 * secret fields themselves (RFC 9580 3.7, 5.5.3, 5.5.5).
 *
 * Nothing here decrypts: this file only delimits.  crypto/ derives keys
 * and decrypts; secret/ puts the two together. */
#include "packet.h"

/* ---- algorithm tables --------------------------------------------------- */

static const struct {
	uint8_t algo;
	uint8_t key_len;
	uint8_t block_len;
	const char *name;
} ciphers[] = {
	{ WEFT_CIPHER_IDEA, 16, 8, "IDEA" },
	{ WEFT_CIPHER_3DES, 24, 8, "3DES" },
	{ WEFT_CIPHER_CAST5, 16, 8, "CAST5" },
	{ WEFT_CIPHER_BLOWFISH, 16, 8, "Blowfish" },
	{ WEFT_CIPHER_AES128, 16, 16, "AES128" },
	{ WEFT_CIPHER_AES192, 24, 16, "AES192" },
	{ WEFT_CIPHER_AES256, 32, 16, "AES256" },
	{ WEFT_CIPHER_TWOFISH, 32, 16, "Twofish" },
	{ WEFT_CIPHER_CAMELLIA128, 16, 16, "Camellia128" },
	{ WEFT_CIPHER_CAMELLIA192, 24, 16, "Camellia192" },
	{ WEFT_CIPHER_CAMELLIA256, 32, 16, "Camellia256" },
};

static int
cipher_index(uint8_t algo)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(ciphers); i++)
		if (ciphers[i].algo == algo)
			return (int)i;
	return -1;
}

size_t
weft_cipher_key_len(uint8_t cipher_algo)
{
	int i = cipher_index(cipher_algo);

	return i < 0 ? 0 : ciphers[i].key_len;
}

size_t
weft_cipher_block_len(uint8_t cipher_algo)
{
	int i = cipher_index(cipher_algo);

	return i < 0 ? 0 : ciphers[i].block_len;
}

const char *
weft_cipher_algo_name(uint8_t cipher_algo)
{
	int i = cipher_index(cipher_algo);

	return i < 0 ? "unknown" : ciphers[i].name;
}

size_t
weft_aead_nonce_len(uint8_t aead_algo)
{
	/* RFC 9580 9.6, table 25. */
	switch (aead_algo) {
	case WEFT_AEAD_EAX: return 16;
	case WEFT_AEAD_OCB: return 15;
	case WEFT_AEAD_GCM: return 12;
	default: return 0;
	}
}

uint16_t
weft_secret_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += p[i];
	return (uint16_t)sum;
}

/* ---- S2K specifiers --------------------------------------------------------- */

/* 1. The type octet.
 * 2. Its fields: simple (hash), salted (hash, 8-octet salt), iterated
 *    (hash, salt, coded count), Argon2 (16-octet salt, t, p, m), GnuPG's
 *    101 (hash, "GNU", mode; a card stub adds a serial number).
 * 3. Argon2 parameters are checked as RFC 9580 3.7.1.4 asks: t and p at
 *    least 1, and 2^m KiB at least 8*p KiB and at most 2^31 KiB. */
static gpg_error_t
s2k_read(weft_reader *r, weft_s2k *s, weft_diag *diag)
{
	const uint8_t *start = weft_reader_pos(r);
	size_t off = weft_reader_offset(r);
	const uint8_t *gnu;
	uint8_t n;
	gpg_error_t err;

	memset(s, 0, sizeof *s);
	/* 1 */
	if ((err = weft_reader_u8(r, &s->type)))
		goto truncated;
	/* 2 */
	switch (s->type) {
	case WEFT_S2K_SIMPLE:
		err = weft_reader_u8(r, &s->hash_algo);
		break;
	case WEFT_S2K_SALTED:
	case WEFT_S2K_ITERATED:
		s->salt_len = 8;
		if ((err = weft_reader_u8(r, &s->hash_algo)) ||
		    (err = weft_reader_copy(r, s->salt, 8)))
			break;
		if (s->type == WEFT_S2K_ITERATED)
			err = weft_reader_u8(r, &s->count);
		break;
	case WEFT_S2K_ARGON2:
		s->salt_len = 16;
		if ((err = weft_reader_copy(r, s->salt, 16)) ||
		    (err = weft_reader_u8(r, &s->passes)) ||
		    (err = weft_reader_u8(r, &s->parallelism)) ||
		    (err = weft_reader_u8(r, &s->mem_exp)))
			break;
		/* 3 */
		if (!s->passes || !s->parallelism || s->mem_exp > 31 ||
		    ((uint64_t)1 << s->mem_exp) < 8u * s->parallelism)
			return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
				"Argon2 S2K with invalid parameters (t=%u p=%u m=2^%u)",
				s->passes, s->parallelism, s->mem_exp);
		break;
	case WEFT_S2K_GNU:
		if ((err = weft_reader_u8(r, &s->hash_algo)) ||
		    (err = weft_reader_bytes_direct(r, 3, &gnu)) ||
		    (err = weft_reader_u8(r, &s->gnu_mode)))
			break;
		if (memcmp(gnu, "GNU", 3) ||
		    (s->gnu_mode != WEFT_GNU_DUMMY &&
		     s->gnu_mode != WEFT_GNU_CARD))
			return weft_diag_set(diag,
				WEFT_ERR(GPG_ERR_NOT_SUPPORTED),
				"unknown GnuPG S2K extension");
		if (s->gnu_mode == WEFT_GNU_CARD) {
			/* Serial number: a length octet (at most 16) and
			 * the number (gpg requires both). */
			if ((err = weft_reader_u8(r, &n)))
				break;
			if (n > 16)
				return weft_diag_set(diag,
					WEFT_ERR(GPG_ERR_INV_PACKET),
					"card stub with a %u-octet serial number", n);
			err = weft_reader_skip(r, n);
		}
		break;
	default:
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_NOT_SUPPORTED),
				     "unknown S2K type %u", s->type);
	}
	if (err)
		goto truncated;
	s->raw = start;
	s->raw_len = weft_reader_offset(r) - off;
	return 0;
truncated:
	return weft_diag_set(diag, err, "truncated S2K specifier");
}

gpg_error_t
weft_s2k_write(weft_buf *out, const weft_s2k *s)
{
	weft_buf_put_u8(out, s->type);
	switch (s->type) {
	case WEFT_S2K_SIMPLE:
		return weft_buf_put_u8(out, s->hash_algo);
	case WEFT_S2K_SALTED:
	case WEFT_S2K_ITERATED:
		weft_buf_put_u8(out, s->hash_algo);
		weft_buf_put(out, s->salt, 8);
		if (s->type == WEFT_S2K_ITERATED)
			weft_buf_put_u8(out, s->count);
		return weft_buf_error(out);
	case WEFT_S2K_ARGON2:
		weft_buf_put(out, s->salt, 16);
		weft_buf_put_u8(out, s->passes);
		weft_buf_put_u8(out, s->parallelism);
		return weft_buf_put_u8(out, s->mem_exp);
	case WEFT_S2K_GNU:
		/* Stubs are copied as read, never made up. */
		if (s->raw && s->raw_len > 1)
			return weft_buf_put(out, s->raw + 1, s->raw_len - 1);
		weft_buf_put_u8(out, s->hash_algo);
		weft_buf_put(out, "GNU", 3);
		return weft_buf_put_u8(out, s->gnu_mode);
	default:
		return out->err = WEFT_ERR(GPG_ERR_NOT_SUPPORTED);
	}
}

/* ---- the secret part --------------------------------------------------------- */

/* 1. The usage octet; v6 packets with a non-zero usage then give the
 *    size of the optional fields, which must match what follows.
 * 2. Cipher, AEAD mode, (v6) S2K length, S2K, nonce or IV, by usage.
 *    The obsolete usages 1..252 (a cipher octet with an implied simple
 *    MD5 S2K) are refused, and so is 255 on a v6 key.
 * 3. The rest is the data; a v4 clear key ends with its checksum, which
 *    is checked here. */
gpg_error_t
weft_pkt_secret_parse(weft_pkt_secret *s, const weft_pkt_key *k,
		      weft_diag *diag)
{
	weft_reader r, opt, *o;
	uint8_t count = 0, s2klen = 0;
	size_t s2kstart, ivlen = 0;
	const uint8_t *ck;
	gpg_error_t err;

	memset(s, 0, sizeof *s);
	s->version = k->version;
	if (!k->secret || !k->secret_len)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
				     "key packet without secret material");
	if (k->version != 4 && k->version != 6)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_UNKNOWN_VERSION),
			"secret key packet version %u", k->version);
	weft_reader_init(&r, k->secret, k->secret_len);
	/* 1 */
	if ((err = weft_reader_u8(&r, &s->usage)))
		goto truncated;
	if (s->usage != WEFT_S2K_USAGE_CLEAR &&
	    s->usage != WEFT_S2K_USAGE_AEAD &&
	    s->usage != WEFT_S2K_USAGE_SHA1 &&
	    s->usage != WEFT_S2K_USAGE_CHECKSUM)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_CIPHER_ALGO),
			"secret key protected the obsolete way (S2K usage %u)",
			s->usage);
	if (k->version == 6 && s->usage == WEFT_S2K_USAGE_CHECKSUM)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
			"v6 secret key with S2K usage 255 (RFC 9580 forbids it)");
	/* v4: the optional fields are read from R itself; v6: from their
	 * own window. */
	o = &r;
	if (k->version == 6 && s->usage) {
		if ((err = weft_reader_u8(&r, &count)) ||
		    (err = weft_reader_sub(&r, count, &opt)))
			goto truncated;
		o = &opt;
	}

	/* 2 */
	if (s->usage == WEFT_S2K_USAGE_CLEAR)
		goto data;
	if ((err = weft_reader_u8(o, &s->cipher_algo)))
		goto truncated;
	if (s->usage == WEFT_S2K_USAGE_AEAD) {
		if ((err = weft_reader_u8(o, &s->aead_algo)))
			goto truncated;
		if (!weft_aead_nonce_len(s->aead_algo))
			return weft_diag_set(diag,
				WEFT_ERR(GPG_ERR_CIPHER_ALGO),
				"secret key encrypted with unknown AEAD mode %u",
				s->aead_algo);
		if (weft_cipher_block_len(s->cipher_algo) != 16)
			return weft_diag_set(diag,
				WEFT_ERR(GPG_ERR_CIPHER_ALGO),
				"AEAD with a 64-bit block cipher");
	}
	if (k->version == 6 && (err = weft_reader_u8(o, &s2klen)))
		goto truncated;
	s2kstart = weft_reader_offset(o);
	if ((err = s2k_read(o, &s->s2k, diag)))
		return err;
	if (k->version == 6 &&
	    weft_reader_offset(o) - s2kstart != s2klen)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
			"v6 secret key: S2K length %u does not match its type",
			s2klen);
	/* GnuPG's stubs name cipher 0 and carry no IV. */
	if (s->s2k.type != WEFT_S2K_GNU &&
	    !weft_cipher_block_len(s->cipher_algo))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_CIPHER_ALGO),
			"secret key encrypted with unknown cipher %u",
			s->cipher_algo);
	if (s->s2k.type == WEFT_S2K_GNU) {
		s->stub = true;
		ivlen = 0;
	} else if (s->usage == WEFT_S2K_USAGE_AEAD) {
		ivlen = weft_aead_nonce_len(s->aead_algo);
	} else {
		ivlen = weft_cipher_block_len(s->cipher_algo);
	}
	if (s->s2k.type == WEFT_S2K_ARGON2 &&
	    s->usage != WEFT_S2K_USAGE_AEAD && s->usage != WEFT_S2K_USAGE_SHA1)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
			"Argon2 S2K with S2K usage %u", s->usage);
	if (ivlen) {
		s->iv_len = ivlen;
		if ((err = weft_reader_bytes_direct(o, ivlen, &s->iv)))
			goto truncated;
	}
	if (k->version == 6 && !weft_reader_eof(o))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
			"v6 secret key: parameter count %u does not match", count);

data:
	/* 3 */
	weft_reader_rest_direct(&r, &s->data, &s->data_len);
	if (s->usage == WEFT_S2K_USAGE_CLEAR && k->version == 4) {
		if (s->data_len < 2)
			return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
				"clear secret key without its checksum");
		s->data_len -= 2;
		ck = s->data + s->data_len;
		s->checksum = (uint16_t)(ck[0] << 8 | ck[1]);
		if (weft_secret_checksum(s->data, s->data_len) != s->checksum)
			return weft_diag_set(diag, WEFT_ERR(GPG_ERR_CHECKSUM),
				"clear secret key with a bad checksum");
	}
	if (!s->stub && !s->data_len)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
				     "secret key packet without secret material");
	return 0;
truncated:
	return weft_diag_set(diag, err ? err : WEFT_ERR(GPG_ERR_INV_PACKET),
			     "truncated secret key material");
}

gpg_error_t
weft_pkt_secret_write(weft_buf *out, const weft_pkt_secret *s)
{
	weft_buf opt, spec;
	gpg_error_t err;

	weft_buf_init(&opt);
	weft_buf_init(&spec);
	weft_buf_put_u8(out, s->usage);
	if (s->usage == WEFT_S2K_USAGE_CLEAR) {
		weft_buf_put(out, s->data, s->data_len);
		if (s->version == 4)
			weft_buf_put_u16(out, weft_secret_checksum(s->data,
								   s->data_len));
		return weft_buf_error(out);
	}
	weft_buf_put_u8(&opt, s->cipher_algo);
	if (s->usage == WEFT_S2K_USAGE_AEAD)
		weft_buf_put_u8(&opt, s->aead_algo);
	if ((err = weft_s2k_write(&spec, &s->s2k)))
		goto leave;
	if (s->version == 6) {
		if (spec.len > 255) {
			err = WEFT_ERR(GPG_ERR_TOO_LARGE);
			goto leave;
		}
		weft_buf_put_u8(&opt, (uint8_t)spec.len);
	}
	weft_buf_put(&opt, spec.data, spec.len);
	weft_buf_put(&opt, s->iv, s->iv_len);
	if ((err = weft_buf_error(&opt)))
		goto leave;
	if (s->version == 6) {
		if (opt.len > 255) {
			err = WEFT_ERR(GPG_ERR_TOO_LARGE);
			goto leave;
		}
		weft_buf_put_u8(out, (uint8_t)opt.len);
	}
	weft_buf_put(out, opt.data, opt.len);
	err = weft_buf_put(out, s->data, s->data_len);
leave:
	weft_buf_free(&opt);
	weft_buf_free(&spec);
	return err;
}

/* ---- the secret fields ---------------------------------------------------------- */

/* Layouts of the secret fields (RFC 9580 5.5.5): a number of MPIs, or one
 * native field of a fixed size. */
static const struct {
	uint8_t algo;
	uint8_t nmpi;
	uint8_t native;
} secret_layouts[] = {
	{ WEFT_PK_RSA, 4, 0 },           /* d, p, q, u */
	{ WEFT_PK_RSA_E, 4, 0 },
	{ WEFT_PK_RSA_S, 4, 0 },
	{ WEFT_PK_ELGAMAL_E, 1, 0 },     /* x */
	{ WEFT_PK_ELGAMAL_ES, 1, 0 },
	{ WEFT_PK_DSA, 1, 0 },           /* x */
	{ WEFT_PK_ECDH, 1, 0 },          /* d */
	{ WEFT_PK_ECDSA, 1, 0 },
	{ WEFT_PK_EDDSA_LEGACY, 1, 0 },
	{ WEFT_PK_X25519, 0, 32 },
	{ WEFT_PK_X448, 0, 56 },
	{ WEFT_PK_ED25519, 0, 32 },
	{ WEFT_PK_ED448, 0, 57 },
};

gpg_error_t
weft_secret_fields_parse(const weft_pkt_key *k, const uint8_t *p, size_t n,
			 weft_field f[WEFT_MAX_FIELDS], unsigned *nf)
{
	weft_reader r;
	size_t i;
	unsigned j;
	gpg_error_t err;

	memset(f, 0, WEFT_MAX_FIELDS * sizeof *f);
	*nf = 0;
	for (i = 0; i < WEFT_ARRAY_SIZE(secret_layouts); i++)
		if (secret_layouts[i].algo == k->algo)
			break;
	if (i == WEFT_ARRAY_SIZE(secret_layouts))
		return WEFT_ERR(GPG_ERR_PUBKEY_ALGO);
	weft_reader_init(&r, p, n);
	if (secret_layouts[i].native) {
		f[0].kind = WEFT_FIELD_NATIVE;
		f[0].len = secret_layouts[i].native;
		f[0].bits = (unsigned)f[0].len * 8;
		if ((err = weft_reader_bytes_direct(&r, f[0].len, &f[0].data)))
			return WEFT_ERR(GPG_ERR_INV_PACKET);
		*nf = 1;
	} else {
		for (j = 0; j < secret_layouts[i].nmpi; j++) {
			if ((err = weft_mpi_read(&r, &f[j])))
				return WEFT_ERR(GPG_ERR_INV_PACKET);
			*nf = j + 1;
		}
	}
	if (!weft_reader_eof(&r))
		return WEFT_ERR(GPG_ERR_INV_PACKET);
	return 0;
}
