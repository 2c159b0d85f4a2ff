/* sig.c - signature packets (v3, v4, v6) and their subpackets; building
 * v4/v6 signatures. */
#include "packet.h"

/* ---- subpackets ------------------------------------------------------- */

void
weft_subpacket_iter_init(weft_subpacket_iter *it, const uint8_t *area,
			 size_t len, bool hashed)
{
	weft_reader_init(&it->r, area, len);
	it->hashed = hashed;
	it->count = 0;
}

gpg_error_t
weft_subpacket_next(weft_subpacket_iter *it, weft_subpacket *sp)
{
	weft_reader *r = &it->r;
	const uint8_t *start = weft_reader_pos(r);
	size_t before = weft_reader_offset(r), len = 0;
	uint8_t o1, o2, type;
	uint32_t l32;
	gpg_error_t err;

	memset(sp, 0, sizeof *sp);
	if (weft_reader_eof(r))
		return WEFT_ERR(GPG_ERR_EOF);
	if (++it->count > WEFT_MAX_SUBPACKETS)
		return WEFT_ERR(GPG_ERR_TOO_LARGE);
	if ((err = weft_reader_u8(r, &o1)))
		return err;
	if (o1 < 192) {
		len = o1;
	} else if (o1 < 255) {
		if ((err = weft_reader_u8(r, &o2)))
			return err;
		len = ((size_t)(o1 - 192) << 8) + o2 + 192;
	} else {
		if ((err = weft_reader_u32(r, &l32)))
			return err;
		len = l32;
	}
	if (len == 0)
		return WEFT_ERR(GPG_ERR_INV_PACKET);
	if ((err = weft_reader_u8(r, &type)))
		return err;
	if ((err = weft_reader_bytes_direct(r, len - 1, &sp->data)))
		return err;
	sp->type = type & 0x7f;
	sp->critical = (type & 0x80) != 0;
	sp->hashed = it->hashed;
	sp->len = len - 1;
	sp->raw = start;
	sp->raw_len = weft_reader_offset(r) - before;
	return 0;
}

/* Subpackets that may be critical: Sequoia 1.12's list (policy.rs), plus
 * RFC 9580's preferred AEAD ciphersuites.  The signature target (31) and
 * the placeholder (10) are known but may not be critical. */
static bool
subpacket_known(uint8_t type)
{
	switch (type) {
	case WEFT_SUB_CREATION_TIME: case WEFT_SUB_EXPIRATION_TIME:
	case WEFT_SUB_EXPORTABLE: case WEFT_SUB_TRUST: case WEFT_SUB_REGEX:
	case WEFT_SUB_REVOCABLE: case WEFT_SUB_KEY_EXPIRATION:
	case WEFT_SUB_PREF_SYMMETRIC: case WEFT_SUB_REVOCATION_KEY:
	case WEFT_SUB_ISSUER: case WEFT_SUB_NOTATION: case WEFT_SUB_PREF_HASH:
	case WEFT_SUB_PREF_COMPRESSION: case WEFT_SUB_KEYSERVER_PREFS:
	case WEFT_SUB_PREF_KEYSERVER: case WEFT_SUB_PRIMARY_UID:
	case WEFT_SUB_POLICY_URI: case WEFT_SUB_KEY_FLAGS:
	case WEFT_SUB_SIGNERS_UID: case WEFT_SUB_REVOCATION_REASON:
	case WEFT_SUB_FEATURES: case WEFT_SUB_EMBEDDED_SIG:
	case WEFT_SUB_ISSUER_FPR: case WEFT_SUB_PREF_AEAD_LIBREPGP:
	case WEFT_SUB_INTENDED_RECIPIENT: case WEFT_SUB_ATTESTED_CERTS:
	case WEFT_SUB_PREF_AEAD:
		return true;
	default:
		return false;
	}
}

static uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

/* Decode one subpacket into S.  A known subpacket with a body of the wrong
 * size is GPG_ERR_INV_PACKET: the signature is malformed. */
static gpg_error_t
decode_subpacket(weft_pkt_sig *s, const weft_subpacket *sp, weft_diag *diag)
{
	const char *what = NULL;

	/* Only the hashed area can make a signature invalid: anyone can
	 * add to the unhashed one. */
	if (sp->hashed && sp->critical && !subpacket_known(sp->type))
		s->unknown_critical = true;

	/* Self-authenticating: accepted from either area (hashed wins). */
	switch (sp->type) {
	case WEFT_SUB_ISSUER:
		if (sp->len != 8) {
			what = "issuer";
			goto bad;
		}
		/* The hashed area is parsed first: its first one wins. */
		if (!s->has_issuer_keyid) {
			memcpy(s->issuer_keyid, sp->data, 8);
			s->has_issuer_keyid = true;
		}
		return 0;
	case WEFT_SUB_ISSUER_FPR:
		if (sp->len < 1 || (sp->data[0] == 4 && sp->len != 21) ||
		    (sp->data[0] == 6 && sp->len != 33)) {
			what = "issuer fingerprint";
			goto bad;
		}
		if ((sp->data[0] == 4 || sp->data[0] == 6) &&
		    !s->issuer_fpr_len) {
			s->issuer_fpr_version = sp->data[0];
			s->issuer_fpr_len = (uint8_t)(sp->len - 1);
			memcpy(s->issuer_fpr, sp->data + 1, sp->len - 1);
		}
		return 0;
	case WEFT_SUB_EMBEDDED_SIG:
		if (!s->embedded) {
			s->embedded = sp->data;
			s->embedded_len = sp->len;
		}
		return 0;
	}
	if (!sp->hashed)
		return 0;

	switch (sp->type) {
	case WEFT_SUB_CREATION_TIME:
		if (sp->len != 4) {
			what = "creation time";
			goto bad;
		}
		s->created = be32(sp->data);
		s->has_created = true;
		break;
	case WEFT_SUB_EXPIRATION_TIME:
		if (sp->len != 4) {
			what = "expiration time";
			goto bad;
		}
		s->expires = be32(sp->data);
		break;
	case WEFT_SUB_KEY_EXPIRATION:
		if (sp->len != 4) {
			what = "key expiration time";
			goto bad;
		}
		s->key_expires = be32(sp->data);
		s->has_key_expires = true;
		break;
	case WEFT_SUB_EXPORTABLE:
		if (sp->len != 1) {
			what = "exportable";
			goto bad;
		}
		s->exportable = sp->data[0] != 0;
		break;
	case WEFT_SUB_REVOCABLE:
		if (sp->len != 1) {
			what = "revocable";
			goto bad;
		}
		s->revocable = sp->data[0] != 0;
		break;
	case WEFT_SUB_TRUST:
		if (sp->len != 2) {
			what = "trust signature";
			goto bad;
		}
		s->has_trust = true;
		s->trust_depth = sp->data[0];
		s->trust_amount = sp->data[1];
		break;
	case WEFT_SUB_REGEX:
		if (s->nregex < WEFT_MAX_REGEXES)
			s->nregex++;
		break;
	case WEFT_SUB_KEY_FLAGS:
		s->has_key_flags = true;
		s->key_flags = sp->len ? sp->data[0] : 0;
		break;
	case WEFT_SUB_PRIMARY_UID:
		if (sp->len != 1) {
			what = "primary user ID";
			goto bad;
		}
		s->primary_uid = sp->data[0] != 0;
		break;
	case WEFT_SUB_REVOCATION_REASON:
		if (sp->len < 1) {
			what = "reason for revocation";
			goto bad;
		}
		s->has_reason = true;
		s->reason = sp->data[0];
		s->reason_text = sp->data + 1;
		s->reason_len = sp->len - 1;
		break;
	case WEFT_SUB_NOTATION:
		s->has_notations = true;
		/* We understand no notation, so a critical one makes the
		 * signature invalid (RFC 9580 5.2.3.24). */
		if (sp->critical)
			s->unknown_critical = true;
		break;
	case WEFT_SUB_POLICY_URI:
		s->has_policy = true;
		break;
	}
	return 0;
bad:
	return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
		"signature: malformed %s subpacket (%zu octets)", what,
		sp->len);
}

bool
weft_pkt_sig_regex(const weft_pkt_sig *s, unsigned i, const uint8_t **re,
		   size_t *len)
{
	weft_subpacket_iter it;
	weft_subpacket sp;
	unsigned k = 0;

	if (i >= s->nregex)
		return false;
	/* The area was parsed whole before: the walk meets no error. */
	weft_subpacket_iter_init(&it, s->hashed, s->hashed_len, true);
	while (!weft_subpacket_next(&it, &sp)) {
		if (sp.type != WEFT_SUB_REGEX || k++ != i)
			continue;
		*re = sp.data;
		*len = sp.len;
		/* The body is NUL-terminated; tolerate a missing NUL (some
		 * old implementations omit it). */
		if (*len && sp.data[*len - 1] == 0)
			(*len)--;
		return true;
	}
	return false;
}

static gpg_error_t
parse_area(weft_pkt_sig *s, const uint8_t *area, size_t len, bool hashed,
	   weft_diag *diag)
{
	weft_subpacket_iter it;
	weft_subpacket sp;
	gpg_error_t err;

	weft_subpacket_iter_init(&it, area, len, hashed);
	while (!(err = weft_subpacket_next(&it, &sp))) {
		if ((err = decode_subpacket(s, &sp, diag)))
			return err;
	}
	if (gpg_err_code(err) == GPG_ERR_EOF)
		return 0;
	if (gpg_err_code(err) == GPG_ERR_TOO_LARGE)
		return weft_diag_set(diag, err,
			"signature: more than %u subpackets",
			WEFT_MAX_SUBPACKETS);
	return weft_diag_set(diag, err,
		"signature: malformed %s subpacket area",
		hashed ? "hashed" : "unhashed");
}

/* ---- signature values ----------------------------------------------------- */

static gpg_error_t
read_values(weft_reader *r, weft_pkt_sig *s, weft_diag *diag)
{
	unsigned n = 0, i;
	size_t native = 0;
	gpg_error_t err;

	switch (s->pk_algo) {
	case WEFT_PK_RSA: case WEFT_PK_RSA_S: case WEFT_PK_RSA_E:
		n = 1;
		break;
	case WEFT_PK_DSA: case WEFT_PK_ECDSA: case WEFT_PK_EDDSA_LEGACY:
	case WEFT_PK_ELGAMAL_ES:
		n = 2;
		break;
	case WEFT_PK_ED25519:
		native = 64;
		break;
	case WEFT_PK_ED448:
		native = 114;
		break;
	default:
		/* Unknown algorithm: keep the values raw. */
		s->mpis[0].kind = WEFT_FIELD_NATIVE;
		weft_reader_rest_direct(r, &s->mpis[0].data, &s->mpis[0].len);
		s->nmpis = 1;
		return 0;
	}
	if (native) {
		s->mpis[0].kind = WEFT_FIELD_NATIVE;
		s->mpis[0].len = native;
		s->mpis[0].bits = (unsigned)native * 8;
		if ((err = weft_reader_bytes_direct(r, native, &s->mpis[0].data)))
			goto truncated;
		s->nmpis = 1;
	} else {
		for (i = 0; i < n; i++) {
			if ((err = weft_mpi_read(r, &s->mpis[i])))
				goto truncated;
		}
		s->nmpis = n;
	}
	if (!weft_reader_eof(r))
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
			"signature: %zu stray octets after the signature values",
			weft_reader_left(r));
	return 0;
truncated:
	return weft_diag_set(diag, err, "signature: truncated signature values");
}

static gpg_error_t
parse_v3(weft_reader *r, weft_pkt_sig *s, weft_diag *diag)
{
	uint8_t hlen;
	gpg_error_t err;

	if ((err = weft_reader_u8(r, &hlen)))
		goto truncated;
	if (hlen != 5)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_INV_PACKET),
			"v3 signature: hashed length %u, must be 5", hlen);
	s->hashed_part = weft_reader_pos(r);
	s->hashed_part_len = 5;
	if ((err = weft_reader_u8(r, &s->type)) ||
	    (err = weft_reader_u32(r, &s->created)) ||
	    (err = weft_reader_copy(r, s->issuer_keyid, 8)) ||
	    (err = weft_reader_u8(r, &s->pk_algo)) ||
	    (err = weft_reader_u8(r, &s->hash_algo)) ||
	    (err = weft_reader_copy(r, s->left16, 2)))
		goto truncated;
	s->has_created = true;
	s->has_issuer_keyid = true;
	return read_values(r, s, diag);
truncated:
	return weft_diag_set(diag, err, "truncated v3 signature");
}

static gpg_error_t
parse_v4v6(weft_reader *r, weft_pkt_sig *s, weft_diag *diag)
{
	uint32_t hlen = 0, ulen = 0;
	uint16_t l16;
	uint8_t saltlen;
	gpg_error_t err;

	s->hashed_part = s->body;
	if ((err = weft_reader_u8(r, &s->type)) ||
	    (err = weft_reader_u8(r, &s->pk_algo)) ||
	    (err = weft_reader_u8(r, &s->hash_algo)))
		goto truncated;
	if (s->version == 4) {
		if ((err = weft_reader_u16(r, &l16)))
			goto truncated;
		hlen = l16;
	} else if ((err = weft_reader_u32(r, &hlen))) {
		goto truncated;
	}
	if (hlen > WEFT_MAX_SUBPACKET_AREA)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
			"signature: hashed subpacket area of %u octets", hlen);
	if ((err = weft_reader_bytes_direct(r, hlen, &s->hashed)))
		goto truncated;
	s->hashed_len = hlen;
	s->hashed_part_len = weft_reader_offset(r);
	if (s->version == 4) {
		if ((err = weft_reader_u16(r, &l16)))
			goto truncated;
		ulen = l16;
	} else if ((err = weft_reader_u32(r, &ulen))) {
		goto truncated;
	}
	if (ulen > WEFT_MAX_SUBPACKET_AREA)
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_TOO_LARGE),
			"signature: unhashed subpacket area of %u octets", ulen);
	if ((err = weft_reader_bytes_direct(r, ulen, &s->unhashed)))
		goto truncated;
	s->unhashed_len = ulen;
	if ((err = weft_reader_copy(r, s->left16, 2)))
		goto truncated;
	if (s->version == 6) {
		if ((err = weft_reader_u8(r, &saltlen)) ||
		    (err = weft_reader_bytes_direct(r, saltlen, &s->salt)))
			goto truncated;
		s->salt_len = saltlen;
	}
	if ((err = parse_area(s, s->hashed, s->hashed_len, true, diag)) ||
	    (err = parse_area(s, s->unhashed, s->unhashed_len, false, diag)))
		return err;
	return read_values(r, s, diag);
truncated:
	return weft_diag_set(diag, err, "truncated v%u signature", s->version);
}

gpg_error_t
weft_pkt_sig_parse(weft_pkt_sig *s, const uint8_t *body, size_t len,
		   weft_diag *diag)
{
	weft_reader r;
	gpg_error_t err;

	memset(s, 0, sizeof *s);
	s->body = body;
	s->body_len = len;
	s->exportable = true;
	s->revocable = true;
	weft_reader_init(&r, body, len);
	if ((err = weft_reader_u8(&r, &s->version)))
		return weft_diag_set(diag, err, "empty signature packet");
	switch (s->version) {
	case 2:
	case 3:
		return parse_v3(&r, s, diag);
	case 4:
	case 6:
		return parse_v4v6(&r, s, diag);
	default:
		return weft_diag_set(diag, WEFT_ERR(GPG_ERR_UNKNOWN_VERSION),
			"unsupported signature version %u", s->version);
	}
}

bool
weft_pkt_sig_issuer_matches(const weft_pkt_sig *s, const uint8_t *fpr,
			    size_t fpr_len, const uint8_t keyid[8])
{
	if (s->issuer_fpr_len)
		return s->issuer_fpr_len == fpr_len &&
		       !memcmp(s->issuer_fpr, fpr, fpr_len);
	if (s->has_issuer_keyid)
		return !memcmp(s->issuer_keyid, keyid, 8);
	return true;
}

/* ---- building -------------------------------------------------------------- */

void
weft_sig_builder_init(weft_sig_builder *sb, uint8_t version, uint8_t type,
		      uint8_t pk_algo, uint8_t hash_algo)
{
	memset(sb, 0, sizeof *sb);
	sb->version = version;
	sb->type = type;
	sb->pk_algo = pk_algo;
	sb->hash_algo = hash_algo;
	weft_buf_init(&sb->hashed);
	weft_buf_init(&sb->unhashed);
}

void
weft_sig_builder_free(weft_sig_builder *sb)
{
	weft_buf_free(&sb->hashed);
	weft_buf_free(&sb->unhashed);
}

gpg_error_t
weft_sig_builder_add(weft_sig_builder *sb, bool hashed, uint8_t type,
		     bool critical, const void *data, size_t len)
{
	weft_buf *b = hashed ? &sb->hashed : &sb->unhashed;
	size_t n = len + 1;

	if (n < 192) {
		weft_buf_put_u8(b, (uint8_t)n);
	} else if (n < 16320) {
		n -= 192;
		weft_buf_put_u8(b, (uint8_t)((n >> 8) + 192));
		weft_buf_put_u8(b, (uint8_t)(n & 0xff));
	} else {
		weft_buf_put_u8(b, 255);
		weft_buf_put_u32(b, (uint32_t)n);
	}
	weft_buf_put_u8(b, (uint8_t)(type | (critical ? 0x80 : 0)));
	return weft_buf_put(b, data, len);
}

static gpg_error_t
put_area_len(weft_buf *out, uint8_t version, size_t len)
{
	if (version == 4) {
		if (len > 0xffff)
			return out->err = WEFT_ERR(GPG_ERR_TOO_LARGE);
		return weft_buf_put_u16(out, (uint16_t)len);
	}
	return weft_buf_put_u32(out, (uint32_t)len);
}

gpg_error_t
weft_sig_builder_hashed_part(const weft_sig_builder *sb, weft_buf *out)
{
	if (sb->hashed.err)
		return sb->hashed.err;
	weft_buf_put_u8(out, sb->version);
	weft_buf_put_u8(out, sb->type);
	weft_buf_put_u8(out, sb->pk_algo);
	weft_buf_put_u8(out, sb->hash_algo);
	put_area_len(out, sb->version, sb->hashed.len);
	return weft_buf_put(out, sb->hashed.data, sb->hashed.len);
}

gpg_error_t
weft_sig_builder_finish(const weft_sig_builder *sb, const uint8_t left16[2],
			const weft_field *vals, unsigned nvals, weft_buf *out)
{
	unsigned i;
	gpg_error_t err;

	if (sb->unhashed.err)
		return sb->unhashed.err;
	if ((err = weft_sig_builder_hashed_part(sb, out)))
		return err;
	put_area_len(out, sb->version, sb->unhashed.len);
	weft_buf_put(out, sb->unhashed.data, sb->unhashed.len);
	weft_buf_put(out, left16, 2);
	if (sb->version == 6) {
		weft_buf_put_u8(out, (uint8_t)sb->salt_len);
		weft_buf_put(out, sb->salt, sb->salt_len);
	}
	for (i = 0; i < nvals; i++) {
		if (vals[i].kind == WEFT_FIELD_MPI)
			weft_mpi_write(out, vals[i].data, vals[i].len);
		else
			weft_buf_put(out, vals[i].data, vals[i].len);
	}
	return weft_buf_error(out);
}
