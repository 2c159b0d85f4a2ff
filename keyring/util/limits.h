/* limits.h - every cap that untrusted input is held to, in one place.
 *
 * Parsers compare sizes read from input against these before allocating
 * or reading.  Exceeding one is GPG_ERR_TOO_LARGE, never a crash.
 */
#ifndef WEFT_UTIL_LIMITS_H
#define WEFT_UTIL_LIMITS_H

/* One OpenPGP packet body (after partial lengths are joined).  Photo IDs
 * are the largest key-ring packets seen in practice (a few hundred KiB). */
#define WEFT_MAX_PACKET        (16u * 1024 * 1024)
/* One input given to import (a whole keyring file). */
#define WEFT_MAX_INPUT         (2048ull * 1024 * 1024)
/* One certificate with all its signatures, as stored. */
#define WEFT_MAX_CERT          (64u * 1024 * 1024)
/* Packets in one certificate. */
#define WEFT_MAX_CERT_PACKETS  (1u << 20)
/* An MPI in a key or a signature. */
#define WEFT_MAX_MPI_BITS      16384u
/* RSA, DSA and ElGamal keys this large or larger are rejected by the
 * policy (cert/policy.c): a verification would cost too much. */
#define WEFT_MAX_KEY_BITS      16384u
/* A user ID packet (RFC 9580 sets no limit; GnuPG caps at 2 KiB for
 * display, Sequoia at none).  Longer ones are rejected as hostile. */
#define WEFT_MAX_UID           (64u * 1024)
/* Subpackets in one subpacket area (hashed or unhashed). */
#define WEFT_MAX_SUBPACKETS    4096u
/* Bytes in one subpacket area (v6 allows 4-byte lengths). */
#define WEFT_MAX_SUBPACKET_AREA (1u * 1024 * 1024)
/* Regular expression subpackets kept on one signature. */
#define WEFT_MAX_REGEXES       16u
/* Armor header lines in one block, and the length of one line. */
#define WEFT_MAX_ARMOR_HEADERS 64u
#define WEFT_MAX_ARMOR_LINE    (64u * 1024)
/* Nesting of embedded signatures (a back-signature inside a binding). */
#define WEFT_MAX_EMBED_DEPTH   2u
/* Trust depth: 255 means unlimited (RFC 4880 5.2.3.13, sequoia-wot). */
#define WEFT_MAX_TRUST_DEPTH   255u

/* Decompression (verify/inflate.h).  Output is not capped by default: a
 * signed file may be of any size.  Output/input ratio: deflate cannot
 * exceed about 1032:1 (a 258-octet match in 2 bits), so honest ZIP and
 * ZLIB data never go over 1100:1; bzip2 can reach a million to one, and
 * that is how compression bombs are made.  The ratio is judged only once
 * more than WEFT_INFLATE_RATIO_AFTER octets came out, so that small,
 * highly compressible messages pass whatever their ratio. */
#define WEFT_MAX_INFLATE_OUT      0ull
#define WEFT_MAX_INFLATE_RATIO    1100u
#define WEFT_INFLATE_RATIO_AFTER  (256ull * 1024 * 1024)

#endif /* WEFT_UTIL_LIMITS_H */
