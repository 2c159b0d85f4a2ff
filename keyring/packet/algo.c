/* algo.c - algorithm identifiers: names, sizes, curves by OID. */
#include "packet.h"

/* Curve OIDs (RFC 9580 9.2, RFC 6637, GnuPG's legacy Curve25519/Ed25519
 * OIDs).  NAME is what libgcrypt calls the curve; DISPLAY is gpg's name. */
static const uint8_t oid_p256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t oid_p384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t oid_p521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };
static const uint8_t oid_bp256[] = { 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07 };
static const uint8_t oid_bp384[] = { 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0b };
static const uint8_t oid_bp512[] = { 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0d };
static const uint8_t oid_ed25519[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01 };
static const uint8_t oid_cv25519[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01 };
static const uint8_t oid_ed448[] = { 0x2b, 0x65, 0x71 };
static const uint8_t oid_x448[] = { 0x2b, 0x65, 0x6f };
static const uint8_t oid_secp256k1[] = { 0x2b, 0x81, 0x04, 0x00, 0x0a };

#define CURVE(n, d, o, b) { n, d, o, sizeof(o), b }
static const weft_curve curves[] = {
	CURVE("NIST P-256", "nistp256", oid_p256, 256),
	CURVE("NIST P-384", "nistp384", oid_p384, 384),
	CURVE("NIST P-521", "nistp521", oid_p521, 521),
	CURVE("brainpoolP256r1", "brainpoolP256r1", oid_bp256, 256),
	CURVE("brainpoolP384r1", "brainpoolP384r1", oid_bp384, 384),
	CURVE("brainpoolP512r1", "brainpoolP512r1", oid_bp512, 512),
	CURVE("Ed25519", "ed25519", oid_ed25519, 255),
	CURVE("Curve25519", "cv25519", oid_cv25519, 255),
	CURVE("Ed448", "ed448", oid_ed448, 448),
	CURVE("X448", "cv448", oid_x448, 448),
	CURVE("secp256k1", "secp256k1", oid_secp256k1, 256),
};
#undef CURVE

const weft_curve *
weft_curve_by_oid(const uint8_t *oid, size_t len)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(curves); i++)
		if (curves[i].oid_len == len && !memcmp(curves[i].oid, oid, len))
			return &curves[i];
	return NULL;
}

bool
weft_pk_algo_can_sign(uint8_t algo)
{
	switch (algo) {
	case WEFT_PK_RSA: case WEFT_PK_RSA_S: case WEFT_PK_DSA:
	case WEFT_PK_ECDSA: case WEFT_PK_EDDSA_LEGACY: case WEFT_PK_ED25519:
	case WEFT_PK_ED448: case WEFT_PK_ELGAMAL_ES:
		return true;
	default:
		return false;
	}
}

bool
weft_pk_algo_can_encrypt(uint8_t algo)
{
	switch (algo) {
	case WEFT_PK_RSA: case WEFT_PK_RSA_E: case WEFT_PK_ELGAMAL_E:
	case WEFT_PK_ELGAMAL_ES: case WEFT_PK_ECDH: case WEFT_PK_X25519:
	case WEFT_PK_X448:
		return true;
	default:
		return false;
	}
}

const char *
weft_pk_algo_name(uint8_t algo)
{
	switch (algo) {
	case WEFT_PK_RSA: case WEFT_PK_RSA_E: case WEFT_PK_RSA_S: return "rsa";
	case WEFT_PK_ELGAMAL_E: case WEFT_PK_ELGAMAL_ES: return "elg";
	case WEFT_PK_DSA: return "dsa";
	case WEFT_PK_ECDH: return "ecdh";
	case WEFT_PK_ECDSA: return "ecdsa";
	case WEFT_PK_EDDSA_LEGACY: return "eddsa";
	case WEFT_PK_X25519: return "x25519";
	case WEFT_PK_X448: return "x448";
	case WEFT_PK_ED25519: return "ed25519";
	case WEFT_PK_ED448: return "ed448";
	default: return "unknown";
	}
}

const char *
weft_hash_algo_name(uint8_t algo)
{
	switch (algo) {
	case WEFT_HASH_MD5: return "MD5";
	case WEFT_HASH_SHA1: return "SHA1";
	case WEFT_HASH_RIPEMD160: return "RIPEMD160";
	case WEFT_HASH_SHA256: return "SHA256";
	case WEFT_HASH_SHA384: return "SHA384";
	case WEFT_HASH_SHA512: return "SHA512";
	case WEFT_HASH_SHA224: return "SHA224";
	case WEFT_HASH_SHA3_256: return "SHA3-256";
	case WEFT_HASH_SHA3_512: return "SHA3-512";
	default: return "unknown";
	}
}

size_t
weft_hash_algo_len(uint8_t algo)
{
	switch (algo) {
	case WEFT_HASH_MD5: return 16;
	case WEFT_HASH_SHA1: case WEFT_HASH_RIPEMD160: return 20;
	case WEFT_HASH_SHA224: return 28;
	case WEFT_HASH_SHA256: case WEFT_HASH_SHA3_256: return 32;
	case WEFT_HASH_SHA384: return 48;
	case WEFT_HASH_SHA512: case WEFT_HASH_SHA3_512: return 64;
	default: return 0;
	}
}

size_t
weft_hash_v6_salt_len(uint8_t algo)
{
	/* RFC 9580 9.5, table 23. */
	switch (algo) {
	case WEFT_HASH_SHA224: case WEFT_HASH_SHA256: case WEFT_HASH_SHA3_256:
		return 16;
	case WEFT_HASH_SHA384:
		return 24;
	case WEFT_HASH_SHA512: case WEFT_HASH_SHA3_512:
		return 32;
	default:
		return 0;
	}
}
