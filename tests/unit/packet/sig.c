/* tests/unit/packet/sig.c - signature packets v3, v4 and v6: every decoded
 * subpacket field, hashed versus unhashed precedence, critical bits,
 * malformed known subpackets, the three subpacket length encodings, the
 * subpacket count cap, signature values; the builder round trip (v4 and
 * v6) and unknown subpackets kept byte for byte.
 *
 * Run from the top of the source tree (fixtures in tests/data/packet/,
 * tests/data/crypto/ and tests/data/rfc9580/, see their READMEs).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet/packet.h"
#include "armor/armor.h"
#include "t.h"

/* ---- building raw signatures -------------------------------------------- */

/* A v4 or v6 signature body with the given areas (hex), left 16 bits
 * 0xabcd, a v6 salt of SALT octets 0x5a, and VALUES (hex). */
static size_t
mk_sig(uint8_t *out, size_t cap, uint8_t version, uint8_t type, uint8_t pk,
       uint8_t hash, const char *hashed, const char *unhashed,
       size_t salt, const char *values)
{
	uint8_t *h = malloc(cap), *u = malloc(cap);
	size_t hn = t_unhex(hashed, h, cap), un = t_unhex(unhashed, u, cap);
	size_t n = 0, i;

	out[n++] = version;
	out[n++] = type;
	out[n++] = pk;
	out[n++] = hash;
	if (version == 6) {
		out[n++] = (uint8_t)(hn >> 24);
		out[n++] = (uint8_t)(hn >> 16);
	}
	out[n++] = (uint8_t)(hn >> 8);
	out[n++] = (uint8_t)hn;
	memcpy(out + n, h, hn);
	n += hn;
	if (version == 6) {
		out[n++] = (uint8_t)(un >> 24);
		out[n++] = (uint8_t)(un >> 16);
	}
	out[n++] = (uint8_t)(un >> 8);
	out[n++] = (uint8_t)un;
	memcpy(out + n, u, un);
	n += un;
	out[n++] = 0xab;
	out[n++] = 0xcd;
	if (version == 6) {
		out[n++] = (uint8_t)salt;
		for (i = 0; i < salt; i++)
			out[n++] = 0x5a;
	}
	n += t_unhex(values, out + n, cap - n);
	free(h);
	free(u);
	return n;
}


/* ---- expected decoded fields ---------------------------------------------- */

struct want {
	uint32_t created;
	int has_created;
	uint32_t expires, key_expires;
	int has_key_expires;
	int not_exportable, not_revocable;
	int has_trust, depth, amount;
	unsigned nregex;
	const char *regex0, *regex1;
	int has_key_flags, key_flags;
	int primary_uid;
	int has_reason, reason;
	const char *reason_text;
	const char *keyid;       /* hex */
	const char *fpr;         /* hex */
	int fpr_version;
	const char *embedded;    /* hex */
	int has_notations, has_policy, unknown_critical;
};

static int
eq_bytes(const uint8_t *p, size_t n, const char *want)
{
	char buf[2 * 256 + 1];

	if (!want)
		return n == 0;
	if (n > 256)
		return 0;
	t_hex_case(buf, p, n, 0);
	return !strcmp(buf, want);
}

static int
eq_text(const uint8_t *p, size_t n, const char *want)
{
	return want ? n == strlen(want) && !memcmp(p, want, n) : n == 0;
}

static void
check_fields(const char *name, const weft_pkt_sig *s, const struct want *w)
{
	char kid[17], fpr[65];
	const uint8_t *re = NULL;
	size_t re_len = 0;

	t_hex_case(kid, s->issuer_keyid, 8, 0);
	t_hex_case(fpr, s->issuer_fpr, s->issuer_fpr_len, 0);
	T_CHECK(s->has_created == !!w->has_created && s->created == w->created,
		"%s: created %d/%u", name, s->has_created, s->created);
	T_CHECK(s->expires == w->expires, "%s: expires %u", name, s->expires);
	T_CHECK(s->has_key_expires == !!w->has_key_expires &&
			s->key_expires == w->key_expires,
		"%s: key_expires %d/%u", name, s->has_key_expires,
		s->key_expires);
	T_CHECK(s->exportable == !w->not_exportable, "%s: exportable %d", name,
		s->exportable);
	T_CHECK(s->revocable == !w->not_revocable, "%s: revocable %d", name,
		s->revocable);
	T_CHECK(s->has_trust == !!w->has_trust &&
			s->trust_depth == w->depth &&
			s->trust_amount == w->amount,
		"%s: trust %d %u/%u", name, s->has_trust, s->trust_depth,
		s->trust_amount);
	T_CHECK(s->nregex == w->nregex, "%s: nregex %u", name, s->nregex);
	if (w->regex0)
		T_CHECK(weft_pkt_sig_regex(s, 0, &re, &re_len) &&
				eq_text(re, re_len, w->regex0),
			"%s: regex[0] (%zu octets)", name, re_len);
	if (w->regex1)
		T_CHECK(weft_pkt_sig_regex(s, 1, &re, &re_len) &&
				eq_text(re, re_len, w->regex1),
			"%s: regex[1]", name);
	T_CHECK(s->has_key_flags == !!w->has_key_flags &&
			s->key_flags == w->key_flags,
		"%s: key flags %d/%02x", name, s->has_key_flags, s->key_flags);
	T_CHECK(s->primary_uid == !!w->primary_uid, "%s: primary_uid", name);
	T_CHECK(s->has_reason == !!w->has_reason && s->reason == w->reason,
		"%s: reason %d/%u", name, s->has_reason, s->reason);
	T_CHECK(eq_text(s->reason_text, s->reason_len, w->reason_text),
		"%s: reason text (%zu octets)", name, s->reason_len);
	T_CHECK(w->keyid ? s->has_issuer_keyid && !strcmp(kid, w->keyid)
			 : !s->has_issuer_keyid,
		"%s: issuer key ID %d/%s", name, s->has_issuer_keyid, kid);
	T_CHECK(w->fpr ? !strcmp(fpr, w->fpr) &&
				 s->issuer_fpr_version == w->fpr_version
		       : s->issuer_fpr_len == 0,
		"%s: issuer fpr v%u %s", name, s->issuer_fpr_version, fpr);
	T_CHECK(w->embedded ? s->embedded &&
				      eq_bytes(s->embedded, s->embedded_len,
					       w->embedded)
			    : !s->embedded && !s->embedded_len,
		"%s: embedded (%zu octets)", name, s->embedded_len);
	T_CHECK(s->has_notations == !!w->has_notations, "%s: has_notations",
		name);
	T_CHECK(s->has_policy == !!w->has_policy, "%s: has_policy", name);
	T_CHECK(s->unknown_critical == !!w->unknown_critical,
		"%s: unknown_critical %d", name, s->unknown_critical);
}

/* ---- subpacket cases ---------------------------------------------------------- */

#define X4(b) b b b b
#define X20(b) X4(b) X4(b) X4(b) X4(b) X4(b)
#define X32(b) X20(b) X4(b) X4(b) X4(b)

#define CR "05 02 5e0be100"                 /* created 2020-01-01 */
#define T0 1577836800u
#define ISS_A "09 10 0102030405060708"
#define ISS_B "09 10 1112131415161718"
#define KID_A "0102030405060708"
#define KID_B "1112131415161718"
#define FPR4_A "16 21 04" X20("aa")
#define FPR4_B "16 21 04" X20("bb")
#define FPR6_A "22 21 06" X32("cc")
#define HEX20(b) X20(b)
/* notation "name" = "x": flags, name length, value length, name, value */
#define NOTATION_BODY "80000000 0004 0001 6e616d65 78"
#define NOTATION_BODY_NC "00000000 0004 0001 6e616d65 78"

struct scase {
	const char *name;
	const char *hashed, *unhashed;
	gpg_err_code_t want;
	struct want w;
	const char *diag;
};

static const struct scase scases[] = {
	/* ---- each field ---- */
	{ "nothing at all", "", "", 0, { 0 }, NULL },
	{ "creation time", CR, "", 0, { .created = T0, .has_created = 1 },
	  NULL },
	{ "creation time in the unhashed area does not count", "", CR, 0,
	  { 0 }, NULL },
	{ "expiration time", CR "05 03 00015180", "", 0,
	  { .created = T0, .has_created = 1, .expires = 86400 }, NULL },
	{ "key expiration time", "05 09 01e13380", "", 0,
	  { .key_expires = 31536000, .has_key_expires = 1 }, NULL },
	{ "key expiration time 0 (never) is still present", "05 09 00000000",
	  "", 0, { .has_key_expires = 1 }, NULL },
	{ "key expiration in the unhashed area does not count", "",
	  "05 09 01e13380", 0, { 0 }, NULL },
	{ "exportable 0", "02 04 00", "", 0, { .not_exportable = 1 }, NULL },
	{ "exportable 1", "02 04 01", "", 0, { 0 }, NULL },
	{ "exportable 0 unhashed: still exportable", "", "02 04 00", 0, { 0 },
	  NULL },
	{ "revocable 0", "02 07 00", "", 0, { .not_revocable = 1 }, NULL },
	{ "revocable 0 unhashed: still revocable", "", "02 07 00", 0, { 0 },
	  NULL },
	{ "trust depth 2 amount 120", "03 05 0278", "", 0,
	  { .has_trust = 1, .depth = 2, .amount = 120 }, NULL },
	{ "trust depth 255 amount 60", "03 05 ff3c", "", 0,
	  { .has_trust = 1, .depth = 255, .amount = 60 }, NULL },
	{ "trust in the unhashed area does not count", "", "03 05 0278", 0,
	  { 0 }, NULL },
	{ "regex with its NUL", "05 06 612e6200", "", 0,
	  { .nregex = 1, .regex0 = "a.b" }, NULL },
	{ "regex without NUL (old implementations)", "04 06 612e62", "", 0,
	  { .nregex = 1, .regex0 = "a.b" }, NULL },
	{ "empty regex (NUL only)", "02 06 00", "", 0,
	  { .nregex = 1, .regex0 = "" }, NULL },
	{ "empty regex (no octets)", "01 06", "", 0,
	  { .nregex = 1, .regex0 = "" }, NULL },
	{ "regex: only the last NUL is dropped", "04 06 610000", "", 0,
	  { .nregex = 1, .regex0 = "a\0" }, NULL }, /* see run: len 2 */
	{ "two regexes in order", "03 06 6100 03 06 6200", "", 0,
	  { .nregex = 2, .regex0 = "a", .regex1 = "b" }, NULL },
	{ "critical regex is known", "05 86 612e6200", "", 0,
	  { .nregex = 1, .regex0 = "a.b" }, NULL },
	{ "regex in the unhashed area does not count", "", "05 06 612e6200",
	  0, { 0 }, NULL },
	{ "key flags", "02 1b 03", "", 0,
	  { .has_key_flags = 1, .key_flags = 0x03 }, NULL },
	{ "key flags: second octet ignored", "03 1b 0c 04", "", 0,
	  { .has_key_flags = 1, .key_flags = 0x0c }, NULL },
	{ "key flags empty: present, none", "01 1b", "", 0,
	  { .has_key_flags = 1 }, NULL },
	{ "key flags unhashed do not count", "", "02 1b 03", 0, { 0 }, NULL },
	{ "primary user ID", "02 19 01", "", 0, { .primary_uid = 1 }, NULL },
	{ "primary user ID 0", "02 19 00", "", 0, { 0 }, NULL },
	{ "primary user ID 2 (any non-zero)", "02 19 02", "", 0,
	  { .primary_uid = 1 }, NULL },
	{ "primary user ID unhashed does not count", "", "02 19 01", 0, { 0 },
	  NULL },
	{ "reason superseded with text", "0c 1d 01 73757065727365646564", "",
	  0, { .has_reason = 1, .reason = 1, .reason_text = "superseded" },
	  NULL },
	{ "reason 32 without text", "02 1d 20", "", 0,
	  { .has_reason = 1, .reason = 32 }, NULL },
	{ "reason 0", "02 1d 00", "", 0, { .has_reason = 1 }, NULL },
	{ "reason unhashed does not count", "", "02 1d 02", 0, { 0 }, NULL },
	{ "issuer key ID hashed", ISS_A, "", 0, { .keyid = KID_A }, NULL },
	{ "issuer key ID unhashed (self-authenticating)", "", ISS_A, 0,
	  { .keyid = KID_A }, NULL },
	{ "issuer key ID: hashed wins over unhashed", ISS_A, ISS_B, 0,
	  { .keyid = KID_A }, NULL },
	{ "issuer key ID: first unhashed one wins", "", ISS_A ISS_B, 0,
	  { .keyid = KID_A }, NULL },
	{ "issuer fpr v4 hashed", FPR4_A, "", 0,
	  { .fpr = HEX20("aa"), .fpr_version = 4 }, NULL },
	{ "issuer fpr v6 hashed", FPR6_A, "", 0,
	  { .fpr = X32("cc"), .fpr_version = 6 }, NULL },
	{ "issuer fpr unhashed", "", FPR4_B, 0,
	  { .fpr = HEX20("bb"), .fpr_version = 4 }, NULL },
	{ "issuer fpr: hashed wins over unhashed", FPR4_A, FPR4_B, 0,
	  { .fpr = HEX20("aa"), .fpr_version = 4 }, NULL },
	{ "issuer fpr: hashed v6 wins over unhashed v4", FPR6_A, FPR4_B, 0,
	  { .fpr = X32("cc"), .fpr_version = 6 }, NULL },
	{ "issuer fpr of an unknown version is ignored", "16 21 05" X20("aa"),
	  "", 0, { 0 }, NULL },
	{ "issuer fpr v5 of 32 octets is ignored", "22 21 05" X32("aa"), "",
	  0, { 0 }, NULL },
	{ "issuer key ID and fpr both kept", ISS_A FPR4_A, "", 0,
	  { .keyid = KID_A, .fpr = HEX20("aa"), .fpr_version = 4 }, NULL },
	{ "embedded signature hashed", "05 20 aabbccdd", "", 0,
	  { .embedded = "aabbccdd" }, NULL },
	{ "embedded signature unhashed (as gpg puts back-signatures)", "",
	  "05 20 aabbccdd", 0, { .embedded = "aabbccdd" }, NULL },
	{ "embedded: hashed wins", "03 20 0102", "05 20 aabbccdd", 0,
	  { .embedded = "0102" }, NULL },
	{ "embedded: first unhashed one wins", "", "03 20 0102 03 20 0304", 0,
	  { .embedded = "0102" }, NULL },
	/* packet.h: "embedded: first embedded signature" */
	{ "embedded: first hashed one wins (header says first)",
	  "03 20 0102 03 20 0304", "", 0, { .embedded = "0102" }, NULL },
	{ "notation", "0e 14" NOTATION_BODY_NC, "", 0, { .has_notations = 1 },
	  NULL },
	{ "critical notation: unknown_critical", "0e 94" NOTATION_BODY, "", 0,
	  { .has_notations = 1, .unknown_critical = 1 }, NULL },
	{ "critical notation unhashed: ignored", "", "0e 94" NOTATION_BODY, 0,
	  { 0 }, NULL },
	{ "policy URI", "0a 1a 68747470733a2f2f78", "", 0, { .has_policy = 1 },
	  NULL },
	{ "policy URI unhashed does not count", "", "0a 1a 68747470733a2f2f78",
	  0, { 0 }, NULL },

	/* ---- critical bits ---- */
	{ "unknown critical subpacket hashed", "02 e4 00", "", 0,
	  { .unknown_critical = 1 }, NULL },
	{ "unknown critical subpacket (no body) hashed", "01 ff", "", 0,
	  { .unknown_critical = 1 }, NULL },
	{ "unknown critical subpacket unhashed: ignored", "", "02 e4 00", 0,
	  { 0 }, NULL },
	{ "unknown non-critical subpacket hashed", "02 64 00", "", 0, { 0 },
	  NULL },
	{ "critical placeholder (10) is not acceptable", "01 8a", "", 0,
	  { .unknown_critical = 1 }, NULL },
	{ "critical signature target (31) is not acceptable",
	  "04 9f 0108aa", "", 0, { .unknown_critical = 1 }, NULL },
	{ "critical creation time is fine", "05 82 5e0be100", "", 0,
	  { .created = T0, .has_created = 1 }, NULL },
	{ "critical key flags are fine", "02 9b 01", "", 0,
	  { .has_key_flags = 1, .key_flags = 1 }, NULL },
	{ "critical features, preferences, revocation key are fine",
	  "02 9e 01 03 8b 0907 02 95 08 02 96 00 17 8c 8011" X20("aa"), "", 0,
	  { 0 }, NULL },
	{ "critical intended recipient and AEAD prefs are fine",
	  "16 a3 04" X20("aa") "03 a7 0902", "", 0, { 0 }, NULL },
	{ "critical key server prefs, signer's UID are fine",
	  "02 97 80 02 9c 61", "", 0, { 0 }, NULL },
	{ "critical issuer key ID is fine", "09 90 0102030405060708", "", 0,
	  { .keyid = KID_A }, NULL },
	{ "critical exportable 0", "02 84 00", "", 0, { .not_exportable = 1 },
	  NULL },

	/* ---- subpacket length encodings ---- */
	{ "5-octet length for a creation time", "ff 00000005 02 5e0be100",
	  "", 0, { .created = T0, .has_created = 1 }, NULL },
	{ "5-octet length for an issuer", "", "ff 00000009 10 " KID_A, 0,
	  { .keyid = KID_A }, NULL },
	{ "2-octet length for a regex of 200",
	  "c0 0a 06" X20("6161616161") X20("6161616161") "00" /* 200+1 */,
	  "", 0, { .nregex = 1 }, NULL },

	/* ---- malformed known subpackets ---- */
	{ "creation time of 3 octets", "04 02 5e0be1", "", GPG_ERR_INV_PACKET,
	  { 0 }, "malformed creation time subpacket (3 octets)" },
	{ "creation time of 5 octets", "06 02 5e0be10000", "",
	  GPG_ERR_INV_PACKET, { 0 }, "creation time" },
	{ "creation time empty", "01 02", "", GPG_ERR_INV_PACKET, { 0 },
	  NULL },
	{ "expiration of 3 octets", "04 03 000151", "", GPG_ERR_INV_PACKET,
	  { 0 }, "expiration time" },
	{ "key expiration of 5 octets", "06 09 0001518000", "",
	  GPG_ERR_INV_PACKET, { 0 }, "key expiration time" },
	{ "exportable empty", "01 04", "", GPG_ERR_INV_PACKET, { 0 },
	  "exportable" },
	{ "exportable of 2 octets", "03 04 0000", "", GPG_ERR_INV_PACKET,
	  { 0 }, NULL },
	{ "revocable of 2 octets", "03 07 0100", "", GPG_ERR_INV_PACKET,
	  { 0 }, "revocable" },
	{ "trust of 1 octet", "02 05 02", "", GPG_ERR_INV_PACKET, { 0 },
	  "trust signature" },
	{ "trust of 3 octets", "04 05 027800", "", GPG_ERR_INV_PACKET, { 0 },
	  NULL },
	{ "primary user ID empty", "01 19", "", GPG_ERR_INV_PACKET, { 0 },
	  "primary user ID" },
	{ "primary user ID of 2 octets", "03 19 0100", "", GPG_ERR_INV_PACKET,
	  { 0 }, NULL },
	{ "reason empty", "01 1d", "", GPG_ERR_INV_PACKET, { 0 },
	  "reason for revocation" },
	{ "issuer of 7 octets", "08 10 01020304050607", "",
	  GPG_ERR_INV_PACKET, { 0 }, "malformed issuer subpacket (7 octets)" },
	{ "issuer of 9 octets", "0a 10 010203040506070809", "",
	  GPG_ERR_INV_PACKET, { 0 }, NULL },
	{ "issuer of 7 octets, unhashed", "", "08 10 01020304050607",
	  GPG_ERR_INV_PACKET, { 0 }, "issuer" },
	{ "issuer fpr empty", "01 21", "", GPG_ERR_INV_PACKET, { 0 },
	  "issuer fingerprint" },
	{ "issuer fpr v4 of 19 octets", "15 21 04" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "", GPG_ERR_INV_PACKET, { 0 }, NULL },
	{ "issuer fpr v4 of 32 octets", "22 21 04" X32("aa"), "",
	  GPG_ERR_INV_PACKET, { 0 }, NULL },
	{ "issuer fpr v6 of 20 octets", "16 21 06" X20("aa"), "",
	  GPG_ERR_INV_PACKET, { 0 }, NULL },
	{ "issuer fpr v4 of 19 octets, unhashed", "",
	  "15 21 04" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", GPG_ERR_INV_PACKET,
	  { 0 }, NULL },
	{ "malformed after a good one", CR "04 02 5e0be1", "",
	  GPG_ERR_INV_PACKET, { 0 }, NULL },

	/* ---- malformed subpacket framing ---- */
	{ "subpacket length 0", "00", "", GPG_ERR_INV_PACKET, { 0 },
	  "malformed hashed subpacket area" },
	{ "subpacket length 0, unhashed", "", "00", GPG_ERR_INV_PACKET, { 0 },
	  "malformed unhashed subpacket area" },
	{ "subpacket runs past the area", "05 02 5e0c", "", GPG_ERR_INV_PACKET,
	  { 0 }, NULL },
	{ "subpacket type missing", "01", "", GPG_ERR_INV_PACKET, { 0 }, NULL },
	{ "2-octet length cut", "c0", "", GPG_ERR_INV_PACKET, { 0 }, NULL },
	{ "2-octet length past the area", "c0 00 02", "", GPG_ERR_INV_PACKET,
	  { 0 }, NULL },
	{ "5-octet length cut", "ff 0000", "", GPG_ERR_INV_PACKET, { 0 },
	  NULL },
	{ "5-octet length 0", "ff 00000000", "", GPG_ERR_INV_PACKET, { 0 },
	  NULL },
	{ "5-octet length 4 GB - 1", "ff ffffffff 02", "", GPG_ERR_INV_PACKET,
	  { 0 }, NULL },
	{ "good subpacket then garbage", CR "ff", "", GPG_ERR_INV_PACKET,
	  { 0 }, NULL },
};

static void
run_scase(const struct scase *c)
{
	uint8_t body[1024];
	size_t n = mk_sig(body, sizeof body, 4, 0x13, 1, 8, c->hashed,
			  c->unhashed, 0, "0008 ff");
	weft_pkt_sig s;
	weft_diag diag;
	gpg_error_t err;
	const uint8_t *re;
	size_t re_len;

	weft_diag_clear(&diag);
	err = weft_pkt_sig_parse(&s, body, n, &diag);
	T_CHECK(gpg_err_code(err) == c->want, "%s: want %s, got %s (%s)",
		c->name, gpg_strerror(c->want),
		err ? gpg_strerror(err) : "success", diag.msg);
	if (err) {
		if (c->diag)
			T_CHECK(strstr(diag.msg, c->diag) != NULL,
				"%s: diag \"%s\" lacks \"%s\"", c->name,
				diag.msg, c->diag);
		return;
	}
	if (!strcmp(c->name, "regex: only the last NUL is dropped")) {
		T_CHECK(s.nregex == 1 && weft_pkt_sig_regex(&s, 0, &re, &re_len) &&
				re_len == 2 && re[0] == 'a' && re[1] == 0,
			"%s", c->name);
		return;
	}
	if (!strcmp(c->name, "2-octet length for a regex of 200")) {
		T_CHECK(s.nregex == 1 && weft_pkt_sig_regex(&s, 0, &re, &re_len) &&
				re_len == 200 && re[0] == 'a' && re[199] == 'a',
			"%s: %zu", c->name, re_len);
		return;
	}
	check_fields(c->name, &s, &c->w);
	T_CHECK(s.version == 4 && s.type == 0x13 && s.pk_algo == 1 &&
			s.hash_algo == 8,
		"%s: header", c->name);
}

/* ---- the signature around the areas ---------------------------------------- */

struct bcase {
	const char *name;
	const char *hex;
	gpg_err_code_t want;
	uint8_t version;
	unsigned nmpis;
	const char *diag;
};

static const struct bcase bcases[] = {
	{ "v4 RSA", "04 13 01 08 0000 0000 abcd 0008 ff", 0, 4, 1, NULL },
	{ "v4 DSA: two MPIs", "04 13 11 08 0000 0000 abcd 0008 ff 0008 ee",
	  0, 4, 2, NULL },
	{ "v4 ECDSA", "04 13 13 08 0000 0000 abcd 0008 ff 0008 ee", 0, 4, 2,
	  NULL },
	{ "v4 EdDSA legacy", "04 13 16 08 0000 0000 abcd 0008 ff 0008 ee", 0,
	  4, 2, NULL },
	{ "v4 ElGamal sign+encrypt", "04 13 14 08 0000 0000 abcd 0001 01 0001 01",
	  0, 4, 2, NULL },
	{ "v4 unknown algorithm: values raw", "04 13 63 08 0000 0000 abcd 010203",
	  0, 4, 1, NULL },
	{ "v4 unknown algorithm, no values", "04 13 63 08 0000 0000 abcd", 0,
	  4, 1, NULL },
	{ "v2 (v3 format)", "02 05 10 5e0be100 0102030405060708 01 08 abcd 0008 ff",
	  0, 2, 1, NULL },
	{ "v3", "03 05 10 5e0be100 0102030405060708 01 08 abcd 0008 ff",
	  0, 3, 1, NULL },

	{ "empty", "", GPG_ERR_INV_PACKET, 0, 0, "empty signature packet" },
	{ "version 0", "00 13 01 08", GPG_ERR_UNKNOWN_VERSION, 0, 0,
	  "unsupported signature version 0" },
	{ "version 1", "01", GPG_ERR_UNKNOWN_VERSION, 0, 0, NULL },
	{ "version 5", "05 13 01 08 00000000", GPG_ERR_UNKNOWN_VERSION, 0, 0,
	  "version 5" },
	{ "version 7", "07", GPG_ERR_UNKNOWN_VERSION, 0, 0, NULL },
	{ "v4 type only", "04 13", GPG_ERR_INV_PACKET, 0, 0,
	  "truncated v4 signature" },
	{ "v4 hashed length cut", "04 13 01 08 00", GPG_ERR_INV_PACKET, 0, 0,
	  NULL },
	{ "v4 hashed area past the end", "04 13 01 08 0010 0502", GPG_ERR_INV_PACKET,
	  0, 0, NULL },
	{ "v4 unhashed length missing", "04 13 01 08 0000", GPG_ERR_INV_PACKET,
	  0, 0, NULL },
	{ "v4 unhashed area past the end", "04 13 01 08 0000 0003 0110",
	  GPG_ERR_INV_PACKET, 0, 0, NULL },
	{ "v4 left 16 bits cut", "04 13 01 08 0000 0000 ab", GPG_ERR_INV_PACKET,
	  0, 0, NULL },
	{ "v4 RSA value missing", "04 13 01 08 0000 0000 abcd",
	  GPG_ERR_INV_PACKET, 0, 0, "truncated signature values" },
	{ "v4 RSA value cut", "04 13 01 08 0000 0000 abcd 0010 ff",
	  GPG_ERR_INV_PACKET, 0, 0, NULL },
	{ "v4 DSA second value missing", "04 13 11 08 0000 0000 abcd 0008 ff",
	  GPG_ERR_INV_PACKET, 0, 0, NULL },
	{ "v4 RSA, stray octet after the value",
	  "04 13 01 08 0000 0000 abcd 0008 ff 00", GPG_ERR_INV_PACKET, 0, 0,
	  "1 stray octets after the signature values" },
	{ "v4 RSA value over 16384 bits", "04 13 01 08 0000 0000 abcd 4001",
	  GPG_ERR_TOO_LARGE, 0, 0, NULL },
	{ "v4 Ed25519 (27): 64 octets needed", "04 13 1b 08 0000 0000 abcd"
	  X32("11") X20("11") "1111111111111111111111", GPG_ERR_INV_PACKET, 0,
	  0, NULL },
	{ "v3 hashed length 4", "03 04 10 5e0be100 0102030405060708 01 08 abcd 0008 ff",
	  GPG_ERR_INV_PACKET, 0, 0, "hashed length 4, must be 5" },
	{ "v3 hashed length 6", "03 06 10 5e0be100 00 0102030405060708 01 08 abcd 0008 ff",
	  GPG_ERR_INV_PACKET, 0, 0, NULL },
	{ "v3 cut in the key ID", "03 05 10 5e0be100 01020304",
	  GPG_ERR_INV_PACKET, 0, 0, "truncated v3 signature" },
	{ "v3 without values", "03 05 10 5e0be100 0102030405060708 01 08 abcd",
	  GPG_ERR_INV_PACKET, 0, 0, NULL },
	{ "v3 stray octet", "03 05 10 5e0be100 0102030405060708 01 08 abcd 0008 ff 00",
	  GPG_ERR_INV_PACKET, 0, 0, NULL },
	{ "v6 salt past the end", "06 1f 1b 0a 00000000 00000000 abcd 10 5a5a",
	  GPG_ERR_INV_PACKET, 0, 0, NULL },
	{ "v6 salt length missing", "06 1f 1b 0a 00000000 00000000 abcd",
	  GPG_ERR_INV_PACKET, 0, 0, NULL },
	{ "v6 hashed area 1 MiB + 1", "06 1f 1b 0a 00100001",
	  GPG_ERR_TOO_LARGE, 0, 0, "hashed subpacket area of 1048577 octets" },
	{ "v6 hashed area 4 GB - 1", "06 1f 1b 0a ffffffff",
	  GPG_ERR_TOO_LARGE, 0, 0, NULL },
	{ "v6 unhashed area 1 MiB + 1", "06 1f 1b 0a 00000000 00100001",
	  GPG_ERR_TOO_LARGE, 0, 0, "unhashed subpacket area" },
	{ "v6 hashed area 1 MiB, truncated", "06 1f 1b 0a 00100000",
	  GPG_ERR_INV_PACKET, 0, 0, NULL },
};

static void
run_bcase(const struct bcase *c)
{
	uint8_t body[512];
	size_t n = t_unhex(c->hex, body, sizeof body);
	weft_pkt_sig s;
	weft_diag diag;
	gpg_error_t err;

	weft_diag_clear(&diag);
	err = weft_pkt_sig_parse(&s, n ? body : NULL, n, &diag);
	T_CHECK(gpg_err_code(err) == c->want, "%s: want %s, got %s (%s)",
		c->name, gpg_strerror(c->want),
		err ? gpg_strerror(err) : "success", diag.msg);
	if (err) {
		T_CHECK(diag.msg[0], "%s: a diagnostic", c->name);
		if (c->diag)
			T_CHECK(strstr(diag.msg, c->diag) != NULL,
				"%s: diag \"%s\" lacks \"%s\"", c->name,
				diag.msg, c->diag);
		return;
	}
	T_EQ_INT(s.version, c->version);
	T_CHECK(s.nmpis == c->nmpis, "%s: nmpis %u", c->name, s.nmpis);
	T_CHECK(s.left16[0] == 0xab && s.left16[1] == 0xcd, "%s: left16",
		c->name);
	T_CHECK(s.body == body && s.body_len == n, "%s: body", c->name);
}

/* v3: every field, and what is hashed. */
static void
test_v3(void)
{
	uint8_t body[64];
	size_t n = t_unhex("03 05 10 5e0be100 0102030405060708 01 08 abcd 0008 ff",
			   body, sizeof body);
	weft_pkt_sig s;
	uint8_t kid[8];

	T_OK(weft_pkt_sig_parse(&s, body, n, NULL));
	T_EQ_INT(s.type, 0x10);
	T_EQ_INT(s.created, T0);
	T_CHECK(s.has_created && s.has_issuer_keyid, "v3 flags");
	t_unhex(KID_A, kid, 8);
	T_EQ_MEM(s.issuer_keyid, kid, 8);
	T_EQ_INT(s.pk_algo, 1);
	T_EQ_INT(s.hash_algo, 8);
	T_CHECK(s.hashed_part == body + 2 && s.hashed_part_len == 5,
		"v3 hashed part is type + time");
	T_CHECK(!s.hashed && !s.hashed_len && !s.unhashed && !s.unhashed_len,
		"v3 has no areas");
	T_CHECK(s.exportable && s.revocable && !s.issuer_fpr_len,
		"v3 defaults");
	T_EQ_INT(s.mpis[0].bits, 8);

	/* The synthetic v3 data signature of tests/data/crypto. */
	{
		size_t len;
		uint8_t *f = t_slurp("tests/data/crypto/syn-rsa-v3-data.sig",
				     &len);
		weft_reader r;
		weft_packet pkt;

		weft_reader_init(&r, f, len);
		T_OK(weft_packet_next(&r, &pkt, NULL));
		T_OK(weft_pkt_sig_parse(&s, pkt.body, pkt.body_len, NULL));
		T_EQ_INT(s.version, 3);
		T_EQ_INT(s.type, 0);
		T_EQ_INT(s.pk_algo, 1);
		T_EQ_INT(s.hash_algo, 8);
		T_EQ_INT(s.created, 1700000120);
		t_unhex("D2DA8D314C0D2FDF", kid, 8);
		T_EQ_MEM(s.issuer_keyid, kid, 8);
		T_EQ_INT(s.nmpis, 1);
		free(f);
	}
}

/* ---- real signatures -------------------------------------------------------- */

/* The Nth signature packet of FILE (dearmored for .asc), parsed. */
static uint8_t *
load_sig(const char *file, int nth, weft_pkt_sig *s)
{
	size_t len;
	uint8_t *raw = t_slurp(file, &len), *bytes = raw;
	weft_reader r;
	weft_packet pkt;
	int i = 0;

	if (strstr(file, ".asc")) {
		weft_armor_list l;

		if (weft_armor_decode(raw, len, &l, NULL)) {
			printf("FAIL %s: cannot dearmor\n", file);
			exit(1);
		}
		bytes = malloc(l.blocks[0].len);
		memcpy(bytes, l.blocks[0].data, l.blocks[0].len);
		len = l.blocks[0].len;
		weft_armor_list_free(&l);
		free(raw);
	}
	weft_reader_init(&r, bytes, len);
	while (!weft_packet_next(&r, &pkt, NULL)) {
		if (pkt.tag == WEFT_PKT_SIGNATURE && i++ == nth) {
			gpg_error_t err = weft_pkt_sig_parse(s, pkt.body,
							     pkt.body_len, NULL);
			T_CHECK(!err, "%s sig %d: %s", file, nth,
				gpg_strerror(err));
			return bytes;
		}
	}
	printf("FAIL %s: no signature %d\n", file, nth);
	exit(1);
}

#define P "tests/data/packet/"
#define T1 1609459200u

static void
test_real(void)
{
	weft_pkt_sig s;
	uint8_t *f;

	/* gpg's self-signature on "Ed <ed@example.org>" */
	f = load_sig(P "ed25519.pgp", 0, &s);
	T_CHECK(s.version == 4 && s.type == 0x13 && s.pk_algo == 22 &&
			s.hash_algo == 8 && s.nmpis == 2,
		"ed25519 self-sig header");
	check_fields("ed25519 self-sig", &s, &(struct want){
		.created = T0, .has_created = 1, .has_key_flags = 1,
		.key_flags = 3, .keyid = "5121ee0afbd2eddd",
		.fpr = "efd9d82d5623aa525bd897995121ee0afbd2eddd",
		.fpr_version = 4 });
	T_CHECK(s.left16[0] == 0x5b && s.left16[1] == 0x97, "left16 5b97");
	T_CHECK(s.mpis[0].bits == 256 && s.mpis[1].bits == 254, "r, s bits");
	free(f);

	/* a certification with a notation, a critical notation and a
	 * policy URL (gpg --cert-notation '!crit@example.org=1') */
	f = load_sig(P "ed25519.pgp", 1, &s);
	T_CHECK(s.version == 4 && s.type == 0x10 && s.pk_algo == 1 &&
			s.hash_algo == 10 && s.nmpis == 1,
		"notation sig header");
	check_fields("notation sig", &s, &(struct want){
		.created = T1, .has_created = 1, .keyid = "7c6152d5c0350f81",
		.fpr = "72092edb553e8acee3ac80647c6152d5c0350f81",
		.fpr_version = 4, .has_notations = 1, .has_policy = 1,
		.unknown_critical = 1 });
	T_EQ_INT(s.mpis[0].bits, 1022);
	free(f);

	/* the trust signature made with edit-key "tsign" */
	f = load_sig(P "nistp256.pgp", 1, &s);
	T_CHECK(s.version == 4 && s.type == 0x10 && s.pk_algo == 22,
		"trust sig header");
	check_fields("trust sig", &s, &(struct want){
		.created = T1, .has_created = 1, .has_trust = 1, .depth = 2,
		.amount = 120, .nregex = 1,
		.regex0 = "<[^>]+[@.]example\\.org>$",
		.keyid = "5121ee0afbd2eddd",
		.fpr = "efd9d82d5623aa525bd897995121ee0afbd2eddd",
		.fpr_version = 4 });
	free(f);

	/* gpg's DSA-1024 self-signature: SHA-1 */
	f = load_sig(P "dsa1024-elg.pgp", 0, &s);
	T_CHECK(s.pk_algo == 17 && s.hash_algo == 2 && s.nmpis == 2 &&
			s.mpis[0].bits == 160 && s.mpis[1].bits == 157,
		"DSA self-sig");
	free(f);

	/* RFC 9580 A.3: v6 direct-key and subkey binding signatures */
	f = load_sig("tests/data/rfc9580/v6-cert.asc", 0, &s);
	T_CHECK(s.version == 6 && s.type == 0x1f && s.pk_algo == 27 &&
			s.hash_algo == 10,
		"v6 direct-key header");
	check_fields("v6 direct-key", &s, &(struct want){
		.created = 1669824483, .has_created = 1, .has_key_flags = 1,
		.key_flags = 3,
		.fpr = "cb186c4f0609a697e4d52dfa6c722b0c1f1e27c18a56708f6525ec27bad9acc9",
		.fpr_version = 6 });
	T_EQ_INT(s.hashed_len, 66);
	T_EQ_INT(s.unhashed_len, 0);
	T_EQ_INT(s.hashed_part_len, 4 + 4 + 66);
	T_CHECK(s.hashed_part == s.body, "v6 hashed part starts at the body");
	T_EQ_INT(s.salt_len, 32);
	T_CHECK(s.salt == s.body + 4 + 4 + 66 + 4 + 2 + 1, "salt position");
	T_CHECK(s.left16[0] == 0xad && s.left16[1] == 0x28, "left16 ad28");
	T_CHECK(s.nmpis == 1 && s.mpis[0].kind == WEFT_FIELD_NATIVE &&
			s.mpis[0].len == 64,
		"Ed25519 value native");
	T_CHECK(s.mpis[0].data + 64 == s.body + s.body_len, "value at the end");
	free(f);
	f = load_sig("tests/data/rfc9580/v6-cert.asc", 1, &s);
	check_fields("v6 subkey binding", &s, &(struct want){
		.created = 1669824483, .has_created = 1, .has_key_flags = 1,
		.key_flags = 0x0c,
		.fpr = "cb186c4f0609a697e4d52dfa6c722b0c1f1e27c18a56708f6525ec27bad9acc9",
		.fpr_version = 6 });
	T_EQ_INT(s.type, 0x18);
	T_CHECK(s.left16[0] == 0x04 && s.left16[1] == 0x01, "left16 0401");
	free(f);
}

/* ---- the subpacket iterator ------------------------------------------------- */

static void
test_iterator(void)
{
	/* creation (1-octet length), an unknown critical type 100 with a
	 * 2-octet length of 192, issuer with a 5-octet length, an unknown
	 * type 101 with no body */
	uint8_t area[300];
	size_t n = 0;
	weft_subpacket_iter it;
	weft_subpacket sp;

	n += t_unhex(CR, area + n, sizeof area - n);
	n += t_unhex("c0 00 e4", area + n, sizeof area - n);
	memset(area + n, 0x33, 191);
	n += 191;
	n += t_unhex("ff 00000009 10" KID_A, area + n, sizeof area - n);
	n += t_unhex("01 65", area + n, sizeof area - n);

	weft_subpacket_iter_init(&it, area, n, true);
	T_OK(weft_subpacket_next(&it, &sp));
	T_CHECK(sp.type == 2 && !sp.critical && sp.hashed && sp.len == 4 &&
			sp.data == area + 2 && sp.raw == area &&
			sp.raw_len == 6,
		"creation time subpacket");
	T_OK(weft_subpacket_next(&it, &sp));
	T_CHECK(sp.type == 100 && sp.critical && sp.len == 191 &&
			sp.data == area + 9 && sp.raw == area + 6 &&
			sp.raw_len == 3 + 191,
		"2-octet length: type %u len %zu raw %zu", sp.type, sp.len,
		sp.raw_len);
	T_CHECK(!memcmp(sp.raw, "\xc0\x00\xe4\x33", 4), "raw kept byte for byte");
	T_OK(weft_subpacket_next(&it, &sp));
	T_CHECK(sp.type == 16 && sp.len == 8 && sp.raw_len == 14 &&
			sp.raw[0] == 0xff && sp.data == sp.raw + 6,
		"5-octet length");
	T_OK(weft_subpacket_next(&it, &sp));
	T_CHECK(sp.type == 101 && sp.len == 0 && sp.raw_len == 2 &&
			!sp.critical,
		"empty body");
	T_ERR(weft_subpacket_next(&it, &sp), GPG_ERR_EOF);
	T_ERR(weft_subpacket_next(&it, &sp), GPG_ERR_EOF);
	T_EQ_INT(it.count, 4);

	/* the unhashed flag is carried */
	weft_subpacket_iter_init(&it, area, 6, false);
	T_OK(weft_subpacket_next(&it, &sp));
	T_CHECK(!sp.hashed, "unhashed");

	/* empty area */
	weft_subpacket_iter_init(&it, NULL, 0, true);
	T_ERR(weft_subpacket_next(&it, &sp), GPG_ERR_EOF);
}

/* At most WEFT_MAX_SUBPACKETS per area: 4096 pass, 4097 do not, in
 * either area. */
static void
test_subpacket_cap(void)
{
	size_t cnt, n;
	int unhashed;

	for (unhashed = 0; unhashed < 2; unhashed++) {
		for (cnt = WEFT_MAX_SUBPACKETS; cnt <= WEFT_MAX_SUBPACKETS + 1;
		     cnt++) {
			uint8_t *body = malloc(2 * cnt + 32);
			uint8_t *area = malloc(2 * cnt);
			weft_pkt_sig s;
			weft_diag diag;
			size_t i;
			gpg_error_t err;

			for (i = 0; i < cnt; i++) {
				area[2 * i] = 0x01;
				area[2 * i + 1] = 0x64;  /* unknown 100 */
			}
			n = 0;
			body[n++] = 4;
			body[n++] = 0x13;
			body[n++] = 1;
			body[n++] = 8;
			if (unhashed) {
				body[n++] = 0;
				body[n++] = 0;
			}
			body[n++] = (uint8_t)((2 * cnt) >> 8);
			body[n++] = (uint8_t)(2 * cnt);
			memcpy(body + n, area, 2 * cnt);
			n += 2 * cnt;
			if (!unhashed) {
				body[n++] = 0;
				body[n++] = 0;
			}
			n += t_unhex("abcd 0008 ff", body + n, 8);
			weft_diag_clear(&diag);
			err = weft_pkt_sig_parse(&s, body, n, &diag);
			if (cnt == WEFT_MAX_SUBPACKETS) {
				T_CHECK(!err, "%zu subpackets (%s area): %s",
					cnt, unhashed ? "unhashed" : "hashed",
					gpg_strerror(err));
			} else {
				T_CHECK(gpg_err_code(err) == GPG_ERR_TOO_LARGE,
					"%zu subpackets (%s area): %s", cnt,
					unhashed ? "unhashed" : "hashed",
					gpg_strerror(err));
				T_CHECK(strstr(diag.msg, "more than 4096") != NULL,
					"diag: %s", diag.msg);
			}
			free(body);
			free(area);
		}
	}
	/* regex cap: 17 regexes keep 16 */
	{
		uint8_t body[256];
		char hashed[17 * 8 + 1] = "";
		weft_pkt_sig s;
		int i;

		for (i = 0; i < 17; i++)
			strcat(hashed, "03066100");
		n = mk_sig(body, sizeof body, 4, 0x10, 1, 8, hashed, "", 0,
			   "0008 ff");
		T_OK(weft_pkt_sig_parse(&s, body, n, NULL));
		T_EQ_INT(s.nregex, WEFT_MAX_REGEXES);
	}
}

/* ---- issuer matching ------------------------------------------------------------ */

static void
test_issuer_matches(void)
{
	uint8_t body[256], fa[20], fb[20], ka[8], kb[8];
	weft_pkt_sig s;
	size_t n;

	t_unhex(X20("aa"), fa, 20);
	t_unhex(X20("bb"), fb, 20);
	t_unhex(KID_A, ka, 8);
	t_unhex(KID_B, kb, 8);

	n = mk_sig(body, sizeof body, 4, 0x10, 1, 8, FPR4_A, ISS_B, 0,
		   "0008 ff");
	T_OK(weft_pkt_sig_parse(&s, body, n, NULL));
	T_CHECK(weft_pkt_sig_issuer_matches(&s, fa, 20, ka),
		"fpr match decides (key ID ignored)");
	T_CHECK(!weft_pkt_sig_issuer_matches(&s, fb, 20, kb),
		"fpr mismatch decides even when the key ID matches");
	T_CHECK(!weft_pkt_sig_issuer_matches(&s, fa, 19, ka),
		"fpr length must match");

	n = mk_sig(body, sizeof body, 4, 0x10, 1, 8, "", ISS_A, 0, "0008 ff");
	T_OK(weft_pkt_sig_parse(&s, body, n, NULL));
	T_CHECK(weft_pkt_sig_issuer_matches(&s, fb, 20, ka), "key ID match");
	T_CHECK(!weft_pkt_sig_issuer_matches(&s, fa, 20, kb),
		"key ID mismatch");

	n = mk_sig(body, sizeof body, 4, 0x10, 1, 8, CR, "", 0, "0008 ff");
	T_OK(weft_pkt_sig_parse(&s, body, n, NULL));
	T_CHECK(weft_pkt_sig_issuer_matches(&s, fa, 20, ka),
		"no issuer named: true");
}

/* ---- the builder ------------------------------------------------------------------ */

static gpg_error_t
add_hex(weft_sig_builder *sb, bool hashed, uint8_t type, bool critical,
	const char *hex)
{
	uint8_t buf[128];
	size_t n = t_unhex(hex, buf, sizeof buf);

	return weft_sig_builder_add(sb, hashed, type, critical, buf, n);
}

static void
test_builder_v4(void)
{
	weft_sig_builder sb;
	weft_buf out, hp;
	weft_pkt_sig s;
	weft_field vals[2];
	uint8_t r[3] = { 0x00, 0x12, 0x34 }, sv[2] = { 0x80, 0x01 };
	static const uint8_t left[2] = { 0x12, 0x34 };
	static const uint8_t unknown[] = { 0xde, 0xad, 0xbe, 0xef, 0x00 };
	weft_subpacket_iter it;
	weft_subpacket sp;
	int seen = 0;

	weft_sig_builder_init(&sb, 4, 0x13, 22, 8);
	T_OK(add_hex(&sb, true, 2, false, "5e0be100"));
	T_OK(add_hex(&sb, true, 3, false, "00015180"));
	T_OK(add_hex(&sb, true, 9, false, "01e13380"));
	T_OK(add_hex(&sb, true, 4, true, "00"));
	T_OK(add_hex(&sb, true, 7, false, "00"));
	T_OK(add_hex(&sb, true, 5, false, "0178"));
	T_OK(add_hex(&sb, true, 6, true, "3c2e2a3e2400"));
	T_OK(add_hex(&sb, true, 6, false, "78"));
	T_OK(add_hex(&sb, true, 27, false, "23"));
	T_OK(add_hex(&sb, true, 25, false, "01"));
	T_OK(add_hex(&sb, true, 29, false, "03 72657469726564"));
	T_OK(add_hex(&sb, true, 20, false, NOTATION_BODY_NC));
	T_OK(add_hex(&sb, true, 26, false, "687474703a2f2f78"));
	T_OK(add_hex(&sb, true, 33, false, "04" X20("aa")));
	T_OK(add_hex(&sb, false, 16, false, KID_A));
	T_OK(add_hex(&sb, false, 32, false, "04 19 16 08 0000"));
	T_OK(weft_sig_builder_add(&sb, false, 100, false, unknown,
				  sizeof unknown));
	vals[0].kind = WEFT_FIELD_MPI;
	vals[0].data = r;
	vals[0].len = sizeof r;
	vals[1].kind = WEFT_FIELD_MPI;
	vals[1].data = sv;
	vals[1].len = sizeof sv;
	weft_buf_init(&out);
	weft_buf_init(&hp);
	T_OK(weft_sig_builder_finish(&sb, left, vals, 2, &out));
	T_OK(weft_sig_builder_hashed_part(&sb, &hp));
	T_OK(weft_pkt_sig_parse(&s, out.data, out.len, NULL));
	T_CHECK(s.version == 4 && s.type == 0x13 && s.pk_algo == 22 &&
			s.hash_algo == 8,
		"v4 header");
	check_fields("v4 builder", &s, &(struct want){
		.created = T0, .has_created = 1, .expires = 86400,
		.key_expires = 31536000, .has_key_expires = 1,
		.not_exportable = 1, .not_revocable = 1, .has_trust = 1,
		.depth = 1, .amount = 120, .nregex = 2, .regex0 = "<.*>$",
		.regex1 = "x", .has_key_flags = 1, .key_flags = 0x23,
		.primary_uid = 1, .has_reason = 1, .reason = 3,
		.reason_text = "retired", .keyid = KID_A, .fpr = HEX20("aa"),
		.fpr_version = 4, .embedded = "0419160800" "00",
		.has_notations = 1, .has_policy = 1 });
	/* the hashed part is what the builder says is hashed */
	T_CHECK(s.hashed_part == out.data && s.hashed_part_len == hp.len &&
			!memcmp(s.hashed_part, hp.data, hp.len),
		"hashed part (%zu vs %zu)", s.hashed_part_len, hp.len);
	T_CHECK(s.hashed_len == sb.hashed.len &&
			!memcmp(s.hashed, sb.hashed.data, sb.hashed.len),
		"hashed area");
	T_CHECK(s.unhashed_len == sb.unhashed.len &&
			!memcmp(s.unhashed, sb.unhashed.data, sb.unhashed.len),
		"unhashed area");
	T_CHECK(!memcmp(s.left16, left, 2), "left16");
	/* MPIs: leading zero octets stripped, bit counts exact */
	T_CHECK(s.nmpis == 2 && s.mpis[0].bits == 13 && s.mpis[0].len == 2 &&
			!memcmp(s.mpis[0].data, r + 1, 2) &&
			s.mpis[1].bits == 16 &&
			!memcmp(s.mpis[1].data, sv, 2),
		"MPIs: bits %u/%u", s.mpis[0].bits, s.mpis[1].bits);
	/* the unknown subpacket, byte for byte, in the unhashed area */
	weft_subpacket_iter_init(&it, s.unhashed, s.unhashed_len, false);
	while (!weft_subpacket_next(&it, &sp)) {
		if (sp.type != 100)
			continue;
		seen++;
		T_CHECK(sp.len == sizeof unknown &&
				!memcmp(sp.data, unknown, sizeof unknown),
			"unknown subpacket body");
		T_CHECK(sp.raw_len == 2 + sizeof unknown && sp.raw[0] == 6 &&
				sp.raw[1] == 100 &&
				!memcmp(sp.raw + 2, unknown, sizeof unknown),
			"unknown subpacket raw");
	}
	T_EQ_INT(seen, 1);
	/* writing the parsed pieces again gives the same body */
	weft_buf_free(&out);
	weft_buf_free(&hp);
	weft_sig_builder_free(&sb);
}

static void
test_builder_v6(void)
{
	weft_sig_builder sb;
	weft_buf out, hp;
	weft_pkt_sig s;
	weft_field val;
	uint8_t sig[64], *big;
	static const uint8_t left[2] = { 0xfe, 0xdc };
	weft_subpacket_iter it;
	weft_subpacket sp;
	size_t i, sizes[4] = { 0 }, k = 0;

	for (i = 0; i < 64; i++)
		sig[i] = (uint8_t)i;
	weft_sig_builder_init(&sb, 6, 0x1f, 27, 10);
	sb.salt_len = 32;
	for (i = 0; i < 32; i++)
		sb.salt[i] = (uint8_t)(0xa0 + i);
	T_OK(add_hex(&sb, true, 2, true, "63877fe3"));
	T_OK(add_hex(&sb, true, 27, true, "03"));
	T_OK(add_hex(&sb, true, 33, false, "06" X32("cc")));
	/* bodies needing 1-, 2- and 5-octet lengths */
	big = malloc(20000);
	memset(big, 0x61, 20000);
	T_OK(weft_sig_builder_add(&sb, true, 101, false, big, 190));
	T_OK(weft_sig_builder_add(&sb, true, 102, false, big, 191));
	T_OK(weft_sig_builder_add(&sb, true, 103, false, big, 16318));
	T_OK(weft_sig_builder_add(&sb, false, 104, false, big, 16319));
	T_OK(weft_sig_builder_add(&sb, false, 105, false, big, 20000));
	val.kind = WEFT_FIELD_NATIVE;
	val.data = sig;
	val.len = 64;
	weft_buf_init(&out);
	weft_buf_init(&hp);
	T_OK(weft_sig_builder_finish(&sb, left, &val, 1, &out));
	T_OK(weft_sig_builder_hashed_part(&sb, &hp));
	T_OK(weft_pkt_sig_parse(&s, out.data, out.len, NULL));
	T_CHECK(s.version == 6 && s.type == 0x1f && s.pk_algo == 27 &&
			s.hash_algo == 10,
		"v6 header");
	check_fields("v6 builder", &s, &(struct want){
		.created = 1669824483, .has_created = 1, .has_key_flags = 1,
		.key_flags = 3, .fpr = X32("cc"), .fpr_version = 6 });
	T_CHECK(s.hashed_part_len == hp.len &&
			!memcmp(s.hashed_part, hp.data, hp.len),
		"v6 hashed part");
	T_CHECK(hp.data[4] == 0 && hp.len == 8 + sb.hashed.len,
		"v6: 4-octet hashed area length");
	T_CHECK(s.salt_len == 32 && !memcmp(s.salt, sb.salt, 32), "salt");
	T_CHECK(!memcmp(s.left16, left, 2), "left16");
	T_CHECK(s.nmpis == 1 && s.mpis[0].kind == WEFT_FIELD_NATIVE &&
			s.mpis[0].len == 64 && !memcmp(s.mpis[0].data, sig, 64),
		"native value");
	/* length encodings, exactly */
	weft_subpacket_iter_init(&it, s.hashed, s.hashed_len, true);
	while (!weft_subpacket_next(&it, &sp)) {
		if (sp.type == 101) {
			T_CHECK(sp.raw_len == 1 + 1 + 190 && sp.raw[0] == 191,
				"190: 1-octet length");
			sizes[k++] = sp.len;
		} else if (sp.type == 102) {
			T_CHECK(sp.raw_len == 2 + 1 + 191 && sp.raw[0] == 0xc0 &&
					sp.raw[1] == 0x00,
				"191: 2-octet length c000");
			sizes[k++] = sp.len;
		} else if (sp.type == 103) {
			T_CHECK(sp.raw_len == 2 + 1 + 16318 &&
					sp.raw[0] == 0xfe && sp.raw[1] == 0xff,
				"16318: 2-octet length feff");
			sizes[k++] = sp.len;
		}
	}
	T_CHECK(k == 3 && sizes[0] == 190 && sizes[1] == 191 &&
			sizes[2] == 16318,
		"hashed sizes");
	weft_subpacket_iter_init(&it, s.unhashed, s.unhashed_len, false);
	T_OK(weft_subpacket_next(&it, &sp));
	T_CHECK(sp.type == 104 && sp.len == 16319 && sp.raw_len == 5 + 1 + 16319 &&
			!memcmp(sp.raw, "\xff\x00\x00\x3f\xc0\x68", 6),
		"16319: 5-octet length");
	T_OK(weft_subpacket_next(&it, &sp));
	T_CHECK(sp.type == 105 && sp.len == 20000 &&
			!memcmp(sp.raw, "\xff\x00\x00\x4e\x21\x69", 6),
		"20000: 5-octet length");
	T_ERR(weft_subpacket_next(&it, &sp), GPG_ERR_EOF);
	free(big);
	weft_buf_free(&out);
	weft_buf_free(&hp);
	weft_sig_builder_free(&sb);
}

/* A v4 subpacket area cannot exceed 65535 octets; v6 can. */
static void
test_builder_area_limit(void)
{
	weft_sig_builder sb;
	weft_buf out;
	uint8_t *big = calloc(1, 70000);
	weft_field val = { WEFT_FIELD_MPI, (const uint8_t *)"\x01", 1, 0 };
	static const uint8_t left[2] = { 0, 0 };
	weft_pkt_sig s;

	weft_sig_builder_init(&sb, 4, 0x13, 1, 8);
	T_OK(weft_sig_builder_add(&sb, true, 100, false, big, 65600));
	weft_buf_init(&out);
	T_ERR(weft_sig_builder_hashed_part(&sb, &out), GPG_ERR_TOO_LARGE);
	weft_buf_free(&out);
	weft_buf_init(&out);
	T_ERR(weft_sig_builder_finish(&sb, left, &val, 1, &out),
	      GPG_ERR_TOO_LARGE);
	weft_buf_free(&out);
	weft_sig_builder_free(&sb);

	weft_sig_builder_init(&sb, 4, 0x13, 1, 8);
	T_OK(weft_sig_builder_add(&sb, false, 100, false, big, 65600));
	weft_buf_init(&out);
	T_ERR(weft_sig_builder_finish(&sb, left, &val, 1, &out),
	      GPG_ERR_TOO_LARGE);
	weft_buf_free(&out);
	weft_sig_builder_free(&sb);

	weft_sig_builder_init(&sb, 6, 0x13, 27, 10);
	sb.salt_len = 32;
	T_OK(weft_sig_builder_add(&sb, true, 100, false, big, 65600));
	weft_buf_init(&out);
	val.kind = WEFT_FIELD_NATIVE;
	val.data = big;
	val.len = 64;
	T_OK(weft_sig_builder_finish(&sb, left, &val, 1, &out));
	T_OK(weft_pkt_sig_parse(&s, out.data, out.len, NULL));
	T_EQ_INT(s.hashed_len, 65600 + 6);
	weft_buf_free(&out);
	weft_sig_builder_free(&sb);
	free(big);
}

/* Every truncation of every real signature is an error, never a success
 * and never an over-read. */
static void
test_truncation(void)
{
	static const struct {
		const char *file;
		int n;
	} sigs[] = {
		{ P "ed25519.pgp", 3 }, { P "nistp256.pgp", 3 },
		{ P "rsa1024.pgp", 2 }, { P "dsa1024-elg.pgp", 2 },
		{ "tests/data/rfc9580/v6-cert.asc", 2 },
		{ "tests/data/crypto/syn-rsa-v3-data.sig", 1 },
	};
	size_t i, cut;
	int j;
	unsigned bad = 0, total = 0;

	for (i = 0; i < WEFT_ARRAY_SIZE(sigs); i++) {
		for (j = 0; j < sigs[i].n; j++) {
			weft_pkt_sig s;
			uint8_t *f = load_sig(sigs[i].file, j, &s);
			const uint8_t *body = s.body;
			size_t len = s.body_len;

			for (cut = 0; cut < len; cut++) {
				uint8_t *p = malloc(cut ? cut : 1);
				gpg_error_t err;

				memcpy(p, body, cut);
				err = weft_pkt_sig_parse(&s, p, cut, NULL);
				total++;
				if (gpg_err_code(err) != GPG_ERR_INV_PACKET &&
				    bad++ < 5)
					printf("  %s sig %d cut at %zu: %s\n",
					       sigs[i].file, j, cut,
					       gpg_strerror(err));
				free(p);
			}
			free(f);
		}
	}
	T_CHECK(bad == 0, "%u of %u truncated signatures not INV_PACKET", bad,
		total);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < WEFT_ARRAY_SIZE(scases); i++)
		run_scase(&scases[i]);
	for (i = 0; i < WEFT_ARRAY_SIZE(bcases); i++)
		run_bcase(&bcases[i]);
	test_v3();
	test_real();
	test_iterator();
	test_subpacket_cap();
	test_issuer_matches();
	test_builder_v4();
	test_builder_v6();
	test_builder_area_limit();
	test_truncation();
	return t_done();
}
