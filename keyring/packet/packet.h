/* packet.h - OpenPGP packets (RFC 4880, RFC 9580): framing, keys,
 * signatures, subpackets; bounded parsing and writing.
 *
 * Parsed structures never own memory: every pointer in them points into
 * the bytes that were parsed, and is valid as long as those bytes are.
 * The one exception is a packet whose body was joined from partial body
 * lengths (weft_packet.owned), released by weft_packet_release().
 *
 * Every parser takes an optional weft_diag for one line of detail.
 *
 * Expected errors of the parsers:
 *   GPG_ERR_INV_PACKET   malformed or truncated
 *   GPG_ERR_TOO_LARGE    a length beyond a cap of util/limits.h
 *   GPG_ERR_UNKNOWN_VERSION  a key or signature version we cannot parse
 */
#ifndef WEFT_PACKET_H
#define WEFT_PACKET_H

#include "../internal.h"
#include "../util/buf.h"
#include "../util/diag.h"
#include "../util/reader.h"

enum weft_pkt_tag {
	WEFT_PKT_PKESK = 1,
	WEFT_PKT_SIGNATURE = 2,
	WEFT_PKT_SKESK = 3,
	WEFT_PKT_ONEPASS = 4,
	WEFT_PKT_SECRET_KEY = 5,
	WEFT_PKT_PUBLIC_KEY = 6,
	WEFT_PKT_SECRET_SUBKEY = 7,
	WEFT_PKT_COMPRESSED = 8,
	WEFT_PKT_SED = 9,
	WEFT_PKT_MARKER = 10,
	WEFT_PKT_LITERAL = 11,
	WEFT_PKT_TRUST = 12,
	WEFT_PKT_USER_ID = 13,
	WEFT_PKT_PUBLIC_SUBKEY = 14,
	WEFT_PKT_USER_ATTR = 17,
	WEFT_PKT_SEIPD = 18,
	WEFT_PKT_MDC = 19,
	WEFT_PKT_AEAD = 20,
	WEFT_PKT_PADDING = 21,
};

/* Public-key algorithm identifiers (RFC 9580 9.1). */
enum weft_pk_algo {
	WEFT_PK_RSA = 1,
	WEFT_PK_RSA_E = 2,
	WEFT_PK_RSA_S = 3,
	WEFT_PK_ELGAMAL_E = 16,
	WEFT_PK_DSA = 17,
	WEFT_PK_ECDH = 18,
	WEFT_PK_ECDSA = 19,
	WEFT_PK_ELGAMAL_ES = 20,
	WEFT_PK_EDDSA_LEGACY = 22,
	WEFT_PK_X25519 = 25,
	WEFT_PK_X448 = 26,
	WEFT_PK_ED25519 = 27,
	WEFT_PK_ED448 = 28,
};

/* Hash algorithm identifiers (RFC 9580 9.5). */
enum weft_hash_algo {
	WEFT_HASH_MD5 = 1,
	WEFT_HASH_SHA1 = 2,
	WEFT_HASH_RIPEMD160 = 3,
	WEFT_HASH_SHA256 = 8,
	WEFT_HASH_SHA384 = 9,
	WEFT_HASH_SHA512 = 10,
	WEFT_HASH_SHA224 = 11,
	WEFT_HASH_SHA3_256 = 12,
	WEFT_HASH_SHA3_512 = 14,
};

/* Signature types (RFC 9580 5.2.1). */
enum weft_sig_type {
	WEFT_SIG_BINARY = 0x00,
	WEFT_SIG_TEXT = 0x01,
	WEFT_SIG_STANDALONE = 0x02,
	WEFT_SIG_GENERIC_CERT = 0x10,
	WEFT_SIG_PERSONA_CERT = 0x11,
	WEFT_SIG_CASUAL_CERT = 0x12,
	WEFT_SIG_POSITIVE_CERT = 0x13,
	WEFT_SIG_SUBKEY_BINDING = 0x18,
	WEFT_SIG_PRIMARY_BINDING = 0x19,
	WEFT_SIG_DIRECT_KEY = 0x1f,
	WEFT_SIG_KEY_REVOCATION = 0x20,
	WEFT_SIG_SUBKEY_REVOCATION = 0x28,
	WEFT_SIG_CERT_REVOCATION = 0x30,
	WEFT_SIG_TIMESTAMP = 0x40,
	WEFT_SIG_THIRD_PARTY = 0x50,
};

/* A certification of a user ID (0x10 to 0x13). */
static inline bool
weft_sig_is_cert(uint8_t type)
{
	return type >= WEFT_SIG_GENERIC_CERT && type <= WEFT_SIG_POSITIVE_CERT;
}

/* Signature subpacket types (RFC 9580 5.2.3.7). */
enum weft_subpacket_type {
	WEFT_SUB_CREATION_TIME = 2,
	WEFT_SUB_EXPIRATION_TIME = 3,
	WEFT_SUB_EXPORTABLE = 4,
	WEFT_SUB_TRUST = 5,
	WEFT_SUB_REGEX = 6,
	WEFT_SUB_REVOCABLE = 7,
	WEFT_SUB_KEY_EXPIRATION = 9,
	WEFT_SUB_PLACEHOLDER = 10,
	WEFT_SUB_PREF_SYMMETRIC = 11,
	WEFT_SUB_REVOCATION_KEY = 12,
	WEFT_SUB_ISSUER = 16,
	WEFT_SUB_NOTATION = 20,
	WEFT_SUB_PREF_HASH = 21,
	WEFT_SUB_PREF_COMPRESSION = 22,
	WEFT_SUB_KEYSERVER_PREFS = 23,
	WEFT_SUB_PREF_KEYSERVER = 24,
	WEFT_SUB_PRIMARY_UID = 25,
	WEFT_SUB_POLICY_URI = 26,
	WEFT_SUB_KEY_FLAGS = 27,
	WEFT_SUB_SIGNERS_UID = 28,
	WEFT_SUB_REVOCATION_REASON = 29,
	WEFT_SUB_FEATURES = 30,
	WEFT_SUB_SIGNATURE_TARGET = 31,
	WEFT_SUB_EMBEDDED_SIG = 32,
	WEFT_SUB_ISSUER_FPR = 33,
	WEFT_SUB_PREF_AEAD_LIBREPGP = 34,
	WEFT_SUB_INTENDED_RECIPIENT = 35,
	WEFT_SUB_ATTESTED_CERTS = 37,
	WEFT_SUB_KEY_BLOCK = 38,
	WEFT_SUB_PREF_AEAD = 39,
};

/* Key flags (first octet of subpacket 27). */
enum weft_key_flag {
	WEFT_KF_CERTIFY = 0x01,
	WEFT_KF_SIGN = 0x02,
	WEFT_KF_ENCRYPT_COMMS = 0x04,
	WEFT_KF_ENCRYPT_STORAGE = 0x08,
	WEFT_KF_SPLIT = 0x10,
	WEFT_KF_AUTH = 0x20,
	WEFT_KF_GROUP = 0x80,
};

/* Reasons for revocation (RFC 9580 5.2.3.31). */
enum weft_revocation_reason {
	WEFT_REASON_UNSPECIFIED = 0,
	WEFT_REASON_SUPERSEDED = 1,
	WEFT_REASON_COMPROMISED = 2,
	WEFT_REASON_RETIRED = 3,
	WEFT_REASON_UID_INVALID = 32,
};

/* ---- framing --------------------------------------------------------- */

typedef struct weft_packet {
	uint8_t tag;
	bool new_format;
	bool partial;         /* body was joined from partial body lengths */
	bool indeterminate;   /* old format, length type 3 (to end of input) */
	const uint8_t *body;
	size_t body_len;
	uint8_t *owned;       /* the joined body when partial; else NULL */
	size_t offset;        /* offset of the packet header in the input */
	size_t header_len;    /* bytes of header (first chunk only if partial) */
} weft_packet;

/* Read the next packet.  Returns GPG_ERR_EOF at a clean end of input.
 * A packet body longer than WEFT_MAX_PACKET is GPG_ERR_TOO_LARGE; a header
 * or body that runs past the end is GPG_ERR_INV_PACKET (truncated).  A bit
 * 7 clear in the first octet is GPG_ERR_INV_PACKET ("not OpenPGP").
 * On error the reader is left at the failing packet's header. */
gpg_error_t weft_packet_next(weft_reader *r, weft_packet *pkt, weft_diag *diag);
void weft_packet_release(weft_packet *pkt);

/* Write a new-format packet header for a body of LEN bytes. */
gpg_error_t weft_packet_write_header(weft_buf *b, uint8_t tag, size_t len);
/* Header plus body. */
gpg_error_t weft_packet_write(weft_buf *b, uint8_t tag, const void *body,
			      size_t len);
/* Short human name of a tag ("public key", "signature", ...). */
const char *weft_packet_tag_name(uint8_t tag);

/* ---- MPIs and key material ------------------------------------------- */

enum weft_field_kind {
	WEFT_FIELD_MPI = 1,     /* RFC 4880 MPI (or RFC 9580 SOS): 2-octet bit
				   count, then the octets; data excludes the
				   bit count */
	WEFT_FIELD_OID,         /* curve OID: data is the OID octets */
	WEFT_FIELD_NATIVE,      /* fixed-size native octets (X25519, Ed448..) */
	WEFT_FIELD_KDF,         /* ECDH KDF parameters (data after the length
				   octet: 0x01, hash, cipher) */
};

typedef struct weft_field {
	uint8_t kind;
	const uint8_t *data;
	size_t len;
	unsigned bits;          /* MPI: the declared bit count */
} weft_field;

#define WEFT_MAX_FIELDS 4

/* Parse an MPI at R into F (kind MPI).  Bit counts above
 * WEFT_MAX_MPI_BITS are GPG_ERR_TOO_LARGE. */
gpg_error_t weft_mpi_read(weft_reader *r, weft_field *f);

/* Curves by OID.  NAME is libgcrypt's curve name. */
typedef struct weft_curve {
	const char *name;        /* libgcrypt name, e.g. "NIST P-256" */
	const char *display;     /* human, e.g. "nistp256" (gpg's names) */
	const uint8_t *oid;
	size_t oid_len;
	unsigned bits;
} weft_curve;

const weft_curve *weft_curve_by_oid(const uint8_t *oid, size_t len);

/* A public or secret key or subkey packet (tags 5, 6, 7, 14). */
typedef struct weft_pkt_key {
	uint8_t tag;
	uint8_t version;         /* 4 or 6 (3 parsed, then refused above) */
	uint32_t created;
	uint16_t v3_days;        /* v3 validity in days */
	uint8_t algo;
	bool known_algo;         /* fields[] are filled */
	const uint8_t *body;     /* the whole packet body */
	size_t body_len;
	const uint8_t *pub;      /* the public part: what fingerprints and
				    signatures hash (== body for tags 6,14) */
	size_t pub_len;
	weft_field fields[WEFT_MAX_FIELDS];  /* public key material */
	unsigned nfields;
	const weft_curve *curve; /* ECC algorithms with an OID; NULL if the
				    OID is unknown or the algo has none */
	unsigned bits;           /* RSA/DSA/ElGamal: modulus/prime bits;
				    ECC: curve size */
	const uint8_t *secret;   /* tags 5, 7: the octets after pub */
	size_t secret_len;
} weft_pkt_key;

/* Parse a key packet body.  An unknown algorithm in a public key packet is
 * not an error (known_algo is false and the material is kept); in a secret
 * key packet it is GPG_ERR_PUBKEY_ALGO, because the public part cannot be
 * delimited. */
gpg_error_t weft_pkt_key_parse(weft_pkt_key *k, uint8_t tag,
			       const uint8_t *body, size_t len, weft_diag *diag);

bool weft_pk_algo_can_sign(uint8_t algo);
bool weft_pk_algo_can_encrypt(uint8_t algo);
/* gpg-style short name: "rsa", "dsa", "elg", "ecdsa", "eddsa", "ecdh",
 * "x25519", "ed25519", ...; "unknown" otherwise. */
const char *weft_pk_algo_name(uint8_t algo);
const char *weft_hash_algo_name(uint8_t algo);
/* Digest length in octets, 0 when unknown. */
size_t weft_hash_algo_len(uint8_t algo);
/* Salt size of v6 signatures for this hash, 0 when not allowed. */
size_t weft_hash_v6_salt_len(uint8_t algo);

/* ---- signatures and subpackets ---------------------------------------- */

typedef struct weft_subpacket {
	uint8_t type;            /* without the critical bit */
	bool critical;
	bool hashed;
	const uint8_t *data;     /* the subpacket body after the type octet */
	size_t len;
	const uint8_t *raw;      /* length + type + body, byte for byte */
	size_t raw_len;
} weft_subpacket;

/* Walks one subpacket area.  Init with the area's bytes; next returns
 * GPG_ERR_EOF at the end, GPG_ERR_INV_PACKET on a malformed length. */
typedef struct weft_subpacket_iter {
	weft_reader r;
	bool hashed;
	unsigned count;
} weft_subpacket_iter;

void weft_subpacket_iter_init(weft_subpacket_iter *it, const uint8_t *area,
			      size_t len, bool hashed);
gpg_error_t weft_subpacket_next(weft_subpacket_iter *it, weft_subpacket *sp);

typedef struct weft_pkt_sig {
	uint8_t version;         /* 3, 4 or 6 */
	uint8_t type;
	uint8_t pk_algo;
	uint8_t hash_algo;
	const uint8_t *body;
	size_t body_len;
	/* v4/v6: the start of the hashed portion (version octet) and its
	 * length up to the end of the hashed subpacket area; v3: the 5 octets
	 * (type, creation time) that are hashed. */
	const uint8_t *hashed_part;
	size_t hashed_part_len;
	const uint8_t *hashed;   /* hashed subpacket area (after its length) */
	size_t hashed_len;
	const uint8_t *unhashed; /* unhashed subpacket area */
	size_t unhashed_len;
	uint8_t left16[2];
	const uint8_t *salt;     /* v6 */
	size_t salt_len;
	weft_field mpis[2];      /* MPI values, or one NATIVE for Ed25519/448 */
	unsigned nmpis;

	/* Decoded subpackets.  Only the hashed area counts, except the issuer
	 * key ID, issuer fingerprint and embedded signature, which are
	 * self-authenticating and also taken from the unhashed area. */
	uint32_t created;
	bool has_created;
	uint32_t expires;        /* seconds after creation; 0 = never */
	uint32_t key_expires;    /* seconds after key creation; 0 = never */
	bool has_key_expires;
	bool exportable;         /* false only with Exportable = 0 (hashed) */
	bool revocable;          /* false only with Revocable = 0 */
	bool has_trust;
	uint8_t trust_depth;
	uint8_t trust_amount;
	/* Regular expression subpackets in the hashed area (at most
	 * WEFT_MAX_REGEXES count); weft_pkt_sig_regex() gives each.  Not
	 * kept here: trust signatures are rare, and two arrays of them made
	 * every signature of a keyring 256 octets larger. */
	unsigned nregex;
	bool has_key_flags;
	uint8_t key_flags;
	bool primary_uid;
	bool has_reason;
	uint8_t reason;
	const uint8_t *reason_text;
	size_t reason_len;
	bool has_issuer_keyid;
	uint8_t issuer_keyid[8];
	uint8_t issuer_fpr_len;  /* 0, 20 or 32 */
	uint8_t issuer_fpr_version;
	uint8_t issuer_fpr[32];
	const uint8_t *embedded; /* first embedded signature (packet body) */
	size_t embedded_len;
	bool has_notations;
	bool has_policy;
	/* An unknown subpacket, or a notation, marked critical: the signature
	 * must be treated as invalid (RFC 9580 5.2.3.7). */
	bool unknown_critical;
} weft_pkt_sig;

/* Parse a signature packet body (v3, v4, v6).  Versions 2 and 3 share the
 * v3 format.  Other versions: GPG_ERR_UNKNOWN_VERSION.  Subpacket areas are
 * parsed and checked; missing creation time is not a parse error (the
 * certificate layer rejects such signatures). */
gpg_error_t weft_pkt_sig_parse(weft_pkt_sig *s, const uint8_t *body,
			       size_t len, weft_diag *diag);

/* The Ith regular expression of S (I < S->nregex), its NUL terminator
 * excluded; false when there is no such one. */
bool weft_pkt_sig_regex(const weft_pkt_sig *s, unsigned i,
			const uint8_t **re, size_t *len);

/* Is this signature by the key with fingerprint FPR (or, lacking an issuer
 * fingerprint subpacket, key ID KEYID)?  True when no issuer is named. */
bool weft_pkt_sig_issuer_matches(const weft_pkt_sig *s, const uint8_t *fpr,
				 size_t fpr_len, const uint8_t keyid[8]);

/* Building signatures: the caller fills a weft_sig_builder, then
 * weft_sig_builder_hashed_part() produces the octets that are hashed
 * (what goes into the digest before the trailer), and
 * weft_sig_builder_finish() the complete body once the signature values
 * are known. */
typedef struct weft_sig_builder {
	uint8_t version;         /* 4 or 6 */
	uint8_t type;
	uint8_t pk_algo;
	uint8_t hash_algo;
	weft_buf hashed;         /* subpacket area, built with _add_subpacket */
	weft_buf unhashed;
	uint8_t salt[32];
	size_t salt_len;
} weft_sig_builder;

void weft_sig_builder_init(weft_sig_builder *sb, uint8_t version,
			   uint8_t type, uint8_t pk_algo, uint8_t hash_algo);
void weft_sig_builder_free(weft_sig_builder *sb);
gpg_error_t weft_sig_builder_add(weft_sig_builder *sb, bool hashed,
				 uint8_t type, bool critical,
				 const void *data, size_t len);
/* The hashed portion: version .. end of hashed area (v4/v6). */
gpg_error_t weft_sig_builder_hashed_part(const weft_sig_builder *sb,
					 weft_buf *out);
/* The complete body given the left 16 bits of the digest and the
 * signature value fields (MPIs or a NATIVE field). */
gpg_error_t weft_sig_builder_finish(const weft_sig_builder *sb,
				    const uint8_t left16[2],
				    const weft_field *vals, unsigned nvals,
				    weft_buf *out);
/* Write an MPI (bit count + octets, leading zero octets stripped). */
gpg_error_t weft_mpi_write(weft_buf *b, const uint8_t *p, size_t len);

/* ==== secret key material (secret.c; owned by the secret-key work) ====
 *
 * The octets of a secret key packet (tag 5 or 7) after its public part
 * (weft_pkt_key.secret), RFC 9580 5.5.3:
 *
 *   usage                    0 clear, 253 AEAD, 254 CFB + SHA-1,
 *                            255 CFB + 2-octet checksum, 1..252 a cipher
 *                            (obsolete: simple MD5 S2K, refused)
 *   [v6, usage != 0] count   octets of the fields up to the IV
 *   [253/254/255] cipher
 *   [253] AEAD mode
 *   [v6, 253/254] S2K length
 *   [253/254/255] S2K specifier (RFC 9580 3.7.1)
 *   [253] nonce              (size of the AEAD mode)
 *   [254/255] IV             (cipher block size; none for GnuPG's
 *                            stubs, S2K 101)
 *   data                     the secret fields, clear or encrypted
 *                            (253: followed by the 16-octet tag; 254:
 *                            encrypted with their SHA-1; 255: with their
 *                            checksum)
 *   [v4, usage 0] checksum   2 octets: sum of the field octets mod 65536
 *
 * Parsed structures point into the key packet's bytes. */

enum weft_s2k_usage {
	WEFT_S2K_USAGE_CLEAR = 0,
	WEFT_S2K_USAGE_AEAD = 253,
	WEFT_S2K_USAGE_SHA1 = 254,
	WEFT_S2K_USAGE_CHECKSUM = 255,
};

/* String-to-key specifier types (RFC 9580 3.7.1), and GnuPG's private
 * type 101 for secret keys that are not there (stubs). */
enum weft_s2k_type {
	WEFT_S2K_SIMPLE = 0,
	WEFT_S2K_SALTED = 1,
	WEFT_S2K_ITERATED = 3,
	WEFT_S2K_ARGON2 = 4,
	WEFT_S2K_GNU = 101,
};

/* Symmetric ciphers (RFC 9580 9.3) and AEAD modes (9.6). */
enum weft_cipher_algo {
	WEFT_CIPHER_IDEA = 1,
	WEFT_CIPHER_3DES = 2,
	WEFT_CIPHER_CAST5 = 3,
	WEFT_CIPHER_BLOWFISH = 4,
	WEFT_CIPHER_AES128 = 7,
	WEFT_CIPHER_AES192 = 8,
	WEFT_CIPHER_AES256 = 9,
	WEFT_CIPHER_TWOFISH = 10,
	WEFT_CIPHER_CAMELLIA128 = 11,
	WEFT_CIPHER_CAMELLIA192 = 12,
	WEFT_CIPHER_CAMELLIA256 = 13,
};

enum weft_aead_algo {
	WEFT_AEAD_EAX = 1,
	WEFT_AEAD_OCB = 2,
	WEFT_AEAD_GCM = 3,
};

/* GnuPG stub modes (S2K 101): no secret at all, or on a smartcard. */
enum {
	WEFT_GNU_DUMMY = 1,      /* gpg's 1001 */
	WEFT_GNU_CARD = 2,       /* gpg's 1002 */
};

typedef struct weft_s2k {
	uint8_t type;
	uint8_t hash_algo;       /* types 0, 1, 3, 101 */
	uint8_t salt[16];        /* 8 octets (types 1, 3) or 16 (type 4) */
	uint8_t salt_len;
	uint8_t count;           /* type 3: the coded iteration count */
	uint8_t passes;          /* type 4: t */
	uint8_t parallelism;     /* type 4: p */
	uint8_t mem_exp;         /* type 4: memory is 2^mem_exp KiB */
	uint8_t gnu_mode;        /* type 101: WEFT_GNU_* */
	const uint8_t *raw;      /* the specifier as read */
	size_t raw_len;
} weft_s2k;

typedef struct weft_pkt_secret {
	uint8_t version;         /* of the key packet */
	uint8_t usage;
	uint8_t cipher_algo;     /* usages 253, 254, 255 */
	uint8_t aead_algo;       /* usage 253 */
	weft_s2k s2k;            /* usages 253, 254, 255 */
	const uint8_t *iv;       /* CFB IV (254, 255) or AEAD nonce (253) */
	size_t iv_len;
	const uint8_t *data;     /* clear fields (usage 0; without the v4
				    checksum) or the encrypted octets */
	size_t data_len;
	uint16_t checksum;       /* v4, usage 0 */
	bool stub;               /* a GnuPG stub: no secret material */
} weft_pkt_secret;

/* Parse K's secret part (K must come from a tag 5 or 7 packet).
 *   GPG_ERR_INV_PACKET       malformed or truncated
 *   GPG_ERR_CIPHER_ALGO      an unknown cipher or AEAD mode, or the
 *                            obsolete usage 1..252 (a cipher, MD5 S2K)
 *   GPG_ERR_NOT_SUPPORTED    an unknown S2K type
 * A v4 clear key whose checksum does not match is GPG_ERR_CHECKSUM. */
gpg_error_t weft_pkt_secret_parse(weft_pkt_secret *s, const weft_pkt_key *k,
				  weft_diag *diag);
/* Append S's secret part (usage octet .. end) to OUT, for a key packet of
 * version S->version; for v4 usage 0 the checksum is computed. */
gpg_error_t weft_pkt_secret_write(weft_buf *out, const weft_pkt_secret *s);
/* Append the S2K specifier S (its type's fields) to OUT. */
gpg_error_t weft_s2k_write(weft_buf *out, const weft_s2k *s);

/* Split clear secret fields (P, N octets) of K's algorithm into F (MPIs
 * or NATIVE fields pointing into P); they must fill P exactly.
 *   GPG_ERR_INV_PACKET   wrong length, truncated, stray octets (also
 *                        what a wrong passphrase with usage 255 gives)
 *   GPG_ERR_PUBKEY_ALGO  an algorithm without a known layout */
gpg_error_t weft_secret_fields_parse(const weft_pkt_key *k, const uint8_t *p,
				     size_t n, weft_field f[WEFT_MAX_FIELDS],
				     unsigned *nf);
/* Sum of the octets mod 65536 (RFC 9580 5.5.3). */
uint16_t weft_secret_checksum(const uint8_t *p, size_t n);
/* Key and block sizes of a cipher, nonce size of an AEAD mode; 0 when
 * unknown. */
size_t weft_cipher_key_len(uint8_t cipher_algo);
size_t weft_cipher_block_len(uint8_t cipher_algo);
size_t weft_aead_nonce_len(uint8_t aead_algo);
const char *weft_cipher_algo_name(uint8_t cipher_algo);

#endif /* WEFT_PACKET_H */
