/* policy.c - which algorithms weft accepts, and until when.
 *
 * This is Sequoia's standard policy (sequoia-openpgp 1.12, what sq and
 * sq-wot use on Debian 12: src/policy.rs), so that weft and sq agree on
 * which signatures count.  As in Sequoia, a cutoff is compared with the
 * time of evaluation (the reference time, usually now), never with the
 * signature's own, forgeable, creation time.
 *
 *   hash         collision resistance    second pre-image resistance
 *   MD5          rejected 1997-02-01     rejected 2004-02-01
 *   SHA-1        rejected 2013-02-01     rejected 2023-02-01
 *   RIPEMD-160   rejected 2013-02-01     rejected 2013-02-01
 *   SHA-224/256/384/512   accepted
 *   anything else (also SHA-3, as in Sequoia 1.12)   rejected
 *
 * A signature needs only second pre-image resistance when the signer
 * made the data it signs: a self-signature over a key or subkey, a
 * back-signature, a direct-key signature, and a user-ID self-signature
 * when the user ID is at most 96 octets of UTF-8 without control
 * characters.  Everything else (user attributes, third-party
 * certifications, data signatures) needs collision resistance, which
 * checks both columns.  Revocations (0x20, 0x28, 0x30) get seven years
 * and two days of grace on both, so that an old SHA-1 revocation keeps
 * revoking until 2030.
 *
 * Keys: RSA, DSA and ElGamal of WEFT_MAX_KEY_BITS (16,384) bits or more
 * are rejected (a cost lever, not security); below 2048 bits they are
 * rejected from 2014-02-01; NIST P-256/384/521, brainpoolP256r1/P512r1 and the 25519
 * curves are accepted.  weft also accepts brainpoolP384r1 and the RFC
 * 9580 448 curves, which Sequoia 1.12 rejects only because it predates
 * them; secp256k1 is rejected as in Sequoia.
 *
 * A critical subpacket in the hashed area that Sequoia does not know, and
 * any critical notation, make a signature invalid (packet/sig.c marks it).
 */
#include "cert.h"
#include "../util/limits.h"

typedef struct hash_rule {
	uint8_t algo;
	uint32_t collision;      /* 0 = accepted */
	uint32_t preimage;
} hash_rule;

#define Y1997M2 854755200u   /* 1997-02-01T00:00:00Z */
#define Y2004M2 1075593600u  /* 2004-02-01T00:00:00Z */
#define Y2013M2 1359676800u  /* 2013-02-01T00:00:00Z */
#define Y2014M2 1391212800u  /* 2014-02-01T00:00:00Z */
#define Y2023M2 1675209600u  /* 2023-02-01T00:00:00Z */
#define REVOCATION_GRACE 220924800u  /* 7 years and 2 days */

static const hash_rule hash_rules[] = {
	{ WEFT_HASH_MD5, Y1997M2, Y2004M2 },
	{ WEFT_HASH_SHA1, Y2013M2, Y2023M2 },
	{ WEFT_HASH_RIPEMD160, Y2013M2, Y2013M2 },
	{ WEFT_HASH_SHA224, 0, 0 },
	{ WEFT_HASH_SHA256, 0, 0 },
	{ WEFT_HASH_SHA384, 0, 0 },
	{ WEFT_HASH_SHA512, 0, 0 },
};

static bool
is_revocation(uint8_t type)
{
	return type == WEFT_SIG_KEY_REVOCATION ||
	       type == WEFT_SIG_SUBKEY_REVOCATION ||
	       type == WEFT_SIG_CERT_REVOCATION;
}

static bool
before(uint32_t cutoff, uint64_t grace, uint32_t t)
{
	return !cutoff || (uint64_t)t < (uint64_t)cutoff + grace;
}

bool
weft_policy_hash_ok(uint8_t hash_algo, uint8_t sig_type,
		    weft_hash_security sec, uint32_t t)
{
	uint64_t grace = is_revocation(sig_type) ? REVOCATION_GRACE : 0;
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(hash_rules); i++) {
		const hash_rule *r = &hash_rules[i];

		if (r->algo != hash_algo)
			continue;
		if (sec == WEFT_SEC_COLLISION &&
		    !before(r->collision, grace, t))
			return false;
		return before(r->preimage, grace, t);
	}
	return false;
}

bool
weft_policy_sig_ok(const weft_pkt_sig *s, weft_hash_security sec, uint32_t t)
{
	return !s->unknown_critical &&
	       weft_policy_hash_ok(s->hash_algo, s->type, sec, t);
}

const char *
weft_policy_hash_reason(uint8_t hash_algo)
{
	switch (hash_algo) {
	case WEFT_HASH_MD5:
		return "MD5 is broken";
	case WEFT_HASH_SHA1:
		return "SHA-1 is not considered secure since 2023-02-01 (2013-02-01 for third-party signatures)";
	case WEFT_HASH_RIPEMD160:
		return "RIPEMD-160 is not considered secure since 2013-02-01";
	default:
		return "the hash algorithm is not accepted";
	}
}

/* Sequoia's rule (packet/userid.rs): short, UTF-8, no control chars. */
static bool
uid_is_tame(const uint8_t *p, size_t n)
{
	size_t i = 0, len, k;
	uint32_t cp;

	if (n > 96)
		return false;
	while (i < n) {
		uint8_t c = p[i];

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) ||
		    cp > 0x10ffff || (cp >= 0x80 && cp <= 0x9f))
			return false;
		i += len;
	}
	return true;
}

weft_hash_security
weft_uid_hash_security(const uint8_t *uid, size_t len, uint8_t tag)
{
	if (tag == WEFT_PKT_USER_ID && uid_is_tame(uid, len))
		return WEFT_SEC_SECOND_PREIMAGE;
	return WEFT_SEC_COLLISION;
}

bool
weft_policy_key_ok(const weft_pkt_key *k, uint32_t t)
{
	switch (k->algo) {
	case WEFT_PK_RSA: case WEFT_PK_RSA_E: case WEFT_PK_RSA_S:
	case WEFT_PK_DSA: case WEFT_PK_ELGAMAL_E: case WEFT_PK_ELGAMAL_ES:
		/* Absurd sizes are a cost lever (a 16,384-bit RSA check takes
		 * some 30 times a 4,096-bit one), not security. */
		if (k->bits >= WEFT_MAX_KEY_BITS)
			return false;
		return k->bits >= 2048 || t < Y2014M2;
	case WEFT_PK_ECDSA: case WEFT_PK_EDDSA_LEGACY: case WEFT_PK_ECDH:
		return k->curve != NULL && strcmp(k->curve->display, "secp256k1");
	case WEFT_PK_X25519: case WEFT_PK_X448: case WEFT_PK_ED25519:
	case WEFT_PK_ED448:
		return true;
	default:
		return false;
	}
}

const char *
weft_policy_key_reason(const weft_pkt_key *k)
{
	switch (k->algo) {
	case WEFT_PK_RSA: case WEFT_PK_RSA_E: case WEFT_PK_RSA_S:
		if (k->bits >= WEFT_MAX_KEY_BITS)
			return "RSA keys of 16,384 bits or more are rejected";
		return "RSA keys under 2048 bits are rejected since 2014-02-01";
	case WEFT_PK_DSA:
		if (k->bits >= WEFT_MAX_KEY_BITS)
			return "DSA keys of 16,384 bits or more are rejected";
		return "DSA keys under 2048 bits are rejected since 2014-02-01";
	case WEFT_PK_ELGAMAL_E: case WEFT_PK_ELGAMAL_ES:
		if (k->bits >= WEFT_MAX_KEY_BITS)
			return "ElGamal keys of 16,384 bits or more are rejected";
		return "ElGamal keys under 2048 bits are rejected since 2014-02-01";
	case WEFT_PK_ECDSA: case WEFT_PK_EDDSA_LEGACY: case WEFT_PK_ECDH:
		return "the curve is not accepted";
	default:
		return "the public-key algorithm is not supported";
	}
}
