/* tests/unit/armor/stream.c - the streaming armor decoder
 * (weft_armor_stream_open) against the buffer decoder (weft_armor_decode).
 *
 * The buffer decoder is the oracle: on every text input both must give
 * the same blocks (labels, headers, octets) or the same error code, and
 * for errors in the first block the same diagnostic (the buffer's names
 * the block number, "armor block 1", where the stream's says "armor
 * block").  Inputs: every armored fixture under tests/data, each also
 * with CRLF endings and trailing blanks; every prefix and every bit flip
 * of the small ones; a table of hand-made edge cases; random blocks with
 * random damage; lines around WEFT_MAX_ARMOR_LINE.  Each is decoded
 * through sources that hand out one octet at a time, a few, random
 * amounts, or everything, and read in pieces of various sizes.
 *
 * Then what only the stream does: blocks one after the other, the source
 * positioned after the END line, the cleartext case, a CRC24 mismatch
 * after the data, binary input left unread, source errors, and a 20 MB
 * block generated on the fly and read in small pieces in constant memory
 * (its SHA-256 against the generator's).
 *
 * Run from the top of the source tree.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "armor/armor.h"
#include "crypto/crypto.h"
#include "t.h"

#define DATA "tests/data/armor/"
#define BEGIN_MSG "-----BEGIN PGP MESSAGE-----"
#define END_MSG "-----END PGP MESSAGE-----"
#define HELLO "aGVsbG8K"
#define HELLO_CRC "=WALx"
#define WORLD "d29ybGQ="
#define WORLD_CRC "=1shY"
#define CLEAR_BEGIN "-----BEGIN PGP SIGNED MESSAGE-----"
#define SIG_BEGIN "-----BEGIN PGP SIGNATURE-----"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static uint64_t rng_state = 0x0123456789abcdefull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* ---- a source that hands out its data in pieces -------------------------- */

typedef struct tsrc {
	const uint8_t *p;
	size_t n, off;
	size_t chunk, rmax;      /* CHUNK 0: random 1..RMAX */
	size_t fail_at;          /* GPG_ERR_EIO from here on */
} tsrc;

static gpg_error_t
tsrc_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	tsrc *t = opaque;
	size_t k;

	*got = 0;
	if (t->off >= t->fail_at)
		return gpg_error(GPG_ERR_EIO);
	k = t->chunk ? t->chunk : 1 + (size_t)(rng() % t->rmax);
	if (k > n)
		k = n;
	if (k > t->n - t->off)
		k = t->n - t->off;
	if (k > t->fail_at - t->off)
		k = t->fail_at - t->off;
	memcpy(buf, t->p + t->off, k);
	t->off += k;
	*got = k;
	return 0;
}

static const struct {
	size_t chunk, rmax, readsz; /* READSZ 0: random 1..5000 */
} modes[] = {
	{ SIZE_MAX, 0, 5000 }, /* everything at once */
	{ 1, 0, 1 },
	{ 1, 0, 0 },
	{ 3, 0, 7 },
	{ 0, 70, 0 },
	{ 0, 20000, 48 },
	{ WEFT_STREAM_BUF, 0, 4999 },
};

/* ---- decoding both ways -------------------------------------------------- */

typedef struct sblock {
	char *label;
	weft_armor_header *h;
	size_t nh;
	weft_buf data;
} sblock;

typedef struct sresult {
	gpg_error_t err;
	weft_diag diag;
	size_t err_block;        /* 0-based block of the error */
	bool cleartext;          /* the first block was cleartext */
	bool clear_hdr_err;      /* error in the cleartext headers */
	sblock b[16];
	size_t n;
} sresult;

static void
sresult_free(sresult *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->b[i].label);
		weft_armor_headers_free(r->b[i].h, r->b[i].nh);
		weft_buf_free(&r->b[i].data);
	}
	r->n = 0;
}

/* What a cleartext reader does before the signature: skip lines up to
 * the one that is, without trailing blanks, SIG_BEGIN (as armor.c does),
 * leaving SRC at it.  False when there is none. */
static bool
skip_cleartext(weft_stream *src, gpg_error_t *err)
{
	const uint8_t *p, *nl;
	size_t avail, n;
	bool in_long = false;

	for (;;) {
		if ((*err = weft_stream_peek(src, WEFT_STREAM_BUF, &p,
					     &avail)))
			return false;
		if (!avail)
			return false;
		nl = memchr(p, '\n', avail);
		if (!nl && avail == WEFT_STREAM_BUF) {
			weft_stream_skip(src, avail); /* a long line */
			in_long = true;
			continue;
		}
		n = nl ? (size_t)(nl - p) : avail;
		if (!in_long) {
			size_t t = n;

			while (t && (p[t - 1] == ' ' || p[t - 1] == '\t' ||
				     p[t - 1] == '\r'))
				t--;
			if (t == strlen(SIG_BEGIN) && !memcmp(p, SIG_BEGIN, t))
				return true;
		}
		in_long = false;
		weft_stream_skip(src, nl ? n + 1 : n);
	}
}

/* Decode IN block after block with the stream. */
static void
stream_decode(const uint8_t *in, size_t len, size_t mode, sresult *r)
{
	weft_stream src, out;
	tsrc t;
	char *label;
	weft_armor_header *h;
	size_t nh, got, readsz;
	static uint8_t buf[5000];
	gpg_error_t err;
	sblock *b;

	memset(r, 0, sizeof *r);
	memset(&t, 0, sizeof t);
	t.p = in;
	t.n = len;
	t.chunk = modes[mode].chunk;
	t.rmax = modes[mode].rmax;
	t.fail_at = SIZE_MAX;
	if (weft_stream_init(&src, tsrc_read, NULL, &t))
		abort();
	for (;;) {
		err = weft_armor_stream_open(&out, &src, &label, &h, &nh,
					     &r->diag);
		if (err) {
			r->err_block = r->n;
			if (out.read || out.buf || label || h || nh)
				printf("FAIL outputs set on error\n"), abort();
			if (gpg_err_code(err) == GPG_ERR_NO_DATA && r->n)
				err = 0; /* no more blocks */
			if (strstr(r->diag.msg, "cleartext signed message"))
				r->clear_hdr_err = true;
			break;
		}
		if (!strcmp(label, "PGP SIGNED MESSAGE")) {
			if (out.read || out.buf) {
				printf("FAIL cleartext with OUT set\n");
				abort();
			}
			if (r->n == 0)
				r->cleartext = true;
			free(label);
			weft_armor_headers_free(h, nh);
			if (!skip_cleartext(&src, &err)) {
				if (!err)
					err = gpg_error(GPG_ERR_BAD_DATA);
				r->err_block = r->n;
				break;
			}
			continue;
		}
		if (r->n == WEFT_ARRAY_SIZE(r->b))
			abort();
		b = &r->b[r->n++];
		b->label = label;
		b->h = h;
		b->nh = nh;
		weft_buf_init(&b->data);
		do {
			readsz = modes[mode].readsz ? modes[mode].readsz
						    : 1 + (size_t)(rng() % 5000);
			err = weft_stream_read(&out, buf, readsz, &got);
			weft_buf_put(&b->data, buf, got);
		} while (!err && got);
		weft_stream_close(&out);
		if (err) {
			r->err_block = r->n - 1;
			break;
		}
	}
	r->err = err;
	weft_stream_close(&src);
}

/* "armor block 1: x" -> "armor block: x"; "armor block 1 (" too. */
static void
normalize(char *s)
{
	char *p = strstr(s, "armor block 1");

	if (p && (p[13] == ':' || p[13] == ' '))
		memmove(p + 11, p + 13, strlen(p + 13) + 1);
}

static int n_compared, n_clear_strict;

/* Compare the stream's result on IN with the buffer decoder's.  Returns
 * false (and prints why) when they disagree. */
static bool
differ_one(const uint8_t *in, size_t len, size_t mode, const char *what)
{
	weft_armor_list l;
	weft_diag bdiag;
	gpg_error_t berr;
	sresult r;
	bool ok = true;
	size_t i, k;
	char bmsg[WEFT_DIAG_MAX];

	weft_diag_clear(&bdiag);
	berr = weft_armor_decode(len ? in : NULL, len, &l, &bdiag);
	stream_decode(in, len, mode, &r);
	n_compared++;

	if (r.clear_hdr_err) {
		/* The stream reads the cleartext headers (the buffer
		 * decoder skips the text, headers and all): a bad one is
		 * an error only here. */
		n_clear_strict++;
		goto out;
	}
	if (gpg_err_code(berr) != gpg_err_code(r.err)) {
		printf("%s (mode %zu): buffer %s (%s), stream %s (%s)\n", what,
		       mode, gpg_strerror(berr), bdiag.msg,
		       gpg_strerror(r.err), r.diag.msg);
		ok = false;
		goto out;
	}
	if (berr) {
		/* The same words, for errors in the first block (line
		 * numbers count from the same place). */
		if (!r.cleartext && r.err_block == 0) {
			snprintf(bmsg, sizeof bmsg, "%s", bdiag.msg);
			normalize(bmsg);
			if (strcmp(bmsg, r.diag.msg)) {
				printf("%s (mode %zu): diagnostics differ:\n"
				       "  buffer: %s\n  stream: %s\n", what,
				       mode, bdiag.msg, r.diag.msg);
				ok = false;
			}
		}
		goto out;
	}
	if (l.n != r.n) {
		printf("%s (mode %zu): %zu blocks, stream %zu\n", what, mode,
		       l.n, r.n);
		ok = false;
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		weft_armor_block *b = &l.blocks[i];
		sblock *s = &r.b[i];

		if (!b->label || strcmp(b->label, s->label) ||
		    b->len != s->data.len ||
		    (b->len && memcmp(b->data, s->data.data, b->len)) ||
		    b->nheaders != s->nh) {
			printf("%s (mode %zu): block %zu differs (label %s/%s, "
			       "%zu/%zu octets, %zu/%zu headers)\n", what,
			       mode, i, b->label ? b->label : "(binary)",
			       s->label, b->len, s->data.len, b->nheaders,
			       s->nh);
			ok = false;
			goto out;
		}
		for (k = 0; k < b->nheaders; k++)
			if (strcmp(b->headers[k].name, s->h[k].name) ||
			    strcmp(b->headers[k].value, s->h[k].value)) {
				printf("%s: header %zu differs\n", what, k);
				ok = false;
			}
	}
out:
	weft_armor_list_free(&l);
	sresult_free(&r);
	return ok;
}

/* Every mode. */
static bool
differ(const uint8_t *in, size_t len, const char *what)
{
	size_t m;
	bool ok = true;

	for (m = 0; m < WEFT_ARRAY_SIZE(modes); m++)
		if (!differ_one(in, len, m, what))
			ok = false;
	return ok;
}

/* ---- inputs -------------------------------------------------------------- */

static const struct {
	const char *name, *in;
} cases[] = {
	{ "gpg --enarmor", "-----BEGIN PGP ARMORED FILE-----\nComment: Use "
	  "\"gpg --dearmor\" for unpacking\n\n" HELLO "\n" HELLO_CRC
	  "\n-----END PGP ARMORED FILE-----\n" },
	{ "no headers no CRC", BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\n" },
	{ "CRLF", BEGIN_MSG "\r\nVersion: x\r\n\r\n" HELLO "\r\n" HELLO_CRC
	  "\r\n" END_MSG "\r\n" },
	{ "blanks everywhere", BEGIN_MSG " \t\r\nComment: a b \t\n \t \r\n"
	  HELLO "\t \n" HELLO_CRC "  \r\n" END_MSG "\t" },
	{ "two blocks with text", "Hi:\n\n" BEGIN_MSG "\n\n" HELLO "\n"
	  HELLO_CRC "\n" END_MSG "\nand between\n" BEGIN_MSG "\n\n" WORLD
	  "\n" WORLD_CRC "\n" END_MSG "\n-- \nsig\n" },
	{ "no blank line", BEGIN_MSG "\n" HELLO "\n" HELLO_CRC "\n" END_MSG
	  "\n" },
	{ "headers", BEGIN_MSG "\nVersion: 1\nComment: one\nComment:\nHash: "
	  "SHA256\n\n" HELLO "\n" END_MSG "\n" },
	{ "quanta across lines", BEGIN_MSG "\n\naGVs\nbG8\nK\n" HELLO_CRC
	  "\n" END_MSG "\n" },
	{ "missing padding", BEGIN_MSG "\n\nd29ybGQ\n" WORLD_CRC "\n" END_MSG
	  "\n" },
	{ "padding on its own line", BEGIN_MSG "\n\nd29ybGQ\n=\n" WORLD_CRC
	  "\n" END_MSG "\n" },
	{ "no LF after END", BEGIN_MSG "\n\n" HELLO "\n" END_MSG },
	{ "empty with CRC", BEGIN_MSG "\n\n=twTO\n" END_MSG "\n" },
	{ "empty", BEGIN_MSG "\n\n" END_MSG "\n" },
	{ "END right after BEGIN", BEGIN_MSG "\n" END_MSG "\n" },
	{ "END right after a header", BEGIN_MSG "\nA: b\n" END_MSG "\n" },
	{ "blank lines in data", BEGIN_MSG "\n\naGVs\n\nbG8K\n \n" HELLO_CRC
	  "\n\n\t\n" END_MSG "\n" },
	{ "cleartext", CLEAR_BEGIN "\nHash: SHA256\n\nDear reader,\n- "
	  BEGIN_MSG "\n- " END_MSG "\n- --\n" SIG_BEGIN "\n\n" HELLO "\n"
	  HELLO_CRC "\n-----END PGP SIGNATURE-----\n" },
	{ "cleartext, no headers", CLEAR_BEGIN "\n\ntext\n" SIG_BEGIN "\n\n"
	  HELLO "\n-----END PGP SIGNATURE-----\n" },
	{ "cleartext then a block", CLEAR_BEGIN "\nHash: SHA1\n\nt\n"
	  SIG_BEGIN "\n\n" HELLO "\n-----END PGP SIGNATURE-----\n" BEGIN_MSG
	  "\n\n" WORLD "\n" END_MSG "\n" },
	{ "BOM", "\xef\xbb\xbf" BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\n" },
	{ "BOM only", "\xef\xbb\xbf" },
	{ "BOM twice", "\xef\xbb\xbf\xef\xbb\xbf" BEGIN_MSG "\n\n" HELLO "\n"
	  END_MSG "\n" },
	{ "multi-part label", "-----BEGIN PGP MESSAGE, PART 1/2-----\n\n"
	  HELLO "\n-----END PGP MESSAGE, PART 1/2-----\n" },
	{ "PEM, stray END, quoted", "-----BEGIN CERTIFICATE-----\nMIIB*\n"
	  "-----END CERTIFICATE-----\n" END_MSG "\n> " BEGIN_MSG
	  "\n> garbage!\n" BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\n" },
	{ "empty input", "" },
	{ "plain text", "hello world\nno keys here\n" },
	{ "white space", " \n\t\r\n\n" },
	{ "indented BEGIN", " " BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\n" },
	{ "BEGIN prefix and blanks", "-----BEGIN PGP  \t\n" BEGIN_MSG "\n\n"
	  HELLO "\n" END_MSG "\n" },
	{ "wrong CRC", BEGIN_MSG "\n\n" HELLO "\n=WALy\n" END_MSG "\n" },
	{ "CRC of other data", BEGIN_MSG "\n\n" HELLO "\n" WORLD_CRC "\n"
	  END_MSG "\n" },
	{ "CRC alone", BEGIN_MSG "\n\n=aGVs\n" END_MSG "\n" },
	{ "CRC too short", BEGIN_MSG "\n\n" HELLO "\n=WAL\n" END_MSG "\n" },
	{ "CRC bad char", BEGIN_MSG "\n\n" HELLO "\n=WA*x\n" END_MSG "\n" },
	{ "two CRCs", BEGIN_MSG "\n\n" HELLO "\n" HELLO_CRC "\n" HELLO_CRC
	  "\n" END_MSG "\n" },
	{ "data after CRC", BEGIN_MSG "\n\n" HELLO "\n" HELLO_CRC "\n" HELLO
	  "\n" END_MSG "\n" },
	{ "bad char", BEGIN_MSG "\n\naGVs*G8K\n" END_MSG "\n" },
	{ "bad char, second block", BEGIN_MSG "\n\n" HELLO "\n" END_MSG
	  "\ntext\n" BEGIN_MSG "\n\n" HELLO "\naGV!\n" END_MSG "\n" },
	{ "space inside", BEGIN_MSG "\n\naGVs bG8K\n" END_MSG "\n" },
	{ "CR inside", BEGIN_MSG "\n\naGVs\rbG8K\n" END_MSG "\n" },
	{ "8-bit inside", BEGIN_MSG "\n\naGVs\xc3\xa9G8K\n" END_MSG "\n" },
	{ "one left over", BEGIN_MSG "\n\n" HELLO "a\n" END_MSG "\n" },
	{ "data after padding", BEGIN_MSG "\n\n" WORLD HELLO "\n" END_MSG
	  "\n" },
	{ "line after padding", BEGIN_MSG "\n\n" WORLD "\n" HELLO "\n"
	  END_MSG "\n" },
	{ "padding after one", BEGIN_MSG "\n\na=GVs\n" END_MSG "\n" },
	{ "padding at quantum start", BEGIN_MSG "\n\n" HELLO "==\n" END_MSG
	  "\n" },
	{ "three pads", BEGIN_MSG "\n\naG===\n" END_MSG "\n" },
	{ "incomplete padding", BEGIN_MSG "\n\naG=\n" END_MSG "\n" },
	{ "incomplete padding, CRC", BEGIN_MSG "\n\naG=\n=twTO\n" END_MSG
	  "\n" },
	{ "header among data", BEGIN_MSG "\n\n" HELLO "\nVersion: 1\n"
	  END_MSG "\n" },
	{ "missing END", BEGIN_MSG "\n\n" HELLO "\n" HELLO_CRC "\n" },
	{ "missing END after headers", BEGIN_MSG "\nVersion: 1\n" },
	{ "BEGIN alone", BEGIN_MSG },
	{ "END label differs", BEGIN_MSG "\n\n" HELLO
	  "\n-----END PGP SIGNATURE-----\n" },
	{ "END junk", BEGIN_MSG "\n\n" HELLO "\n" END_MSG " x\n" },
	{ "END without dashes", BEGIN_MSG "\n\n" HELLO
	  "\n-----END PGP MESSAGE\n" },
	{ "BEGIN before END", BEGIN_MSG "\n\n" HELLO "\n" BEGIN_MSG "\n\n"
	  HELLO "\n" END_MSG "\n" },
	{ "BEGIN in headers", BEGIN_MSG "\nA: b\n" BEGIN_MSG "\n" },
	{ "good then broken", BEGIN_MSG "\n\n" HELLO "\n" END_MSG "\n"
	  BEGIN_MSG "\n\n" HELLO "\n" },
	{ "BEGIN without dashes", "-----BEGIN PGP MESSAGE\n\n" HELLO "\n"
	  END_MSG "\n" },
	{ "BEGIN with junk", BEGIN_MSG " junk\n\n" HELLO "\n" END_MSG "\n" },
	{ "empty label", "-----BEGIN PGP -----\n\n-----END PGP -----\n" },
	{ "control in label", "-----BEGIN PGP MES\x01SAGE-----\n\n" HELLO
	  "\n-----END PGP MES\x01SAGE-----\n" },
	{ "garbage after BEGIN", BEGIN_MSG "\nhello world!\nmore garbage\n" },
	{ "header no space", BEGIN_MSG "\nComment:x\n\n" HELLO "\n" END_MSG
	  "\n" },
	{ "header empty name", BEGIN_MSG "\n: x\n\n" HELLO "\n" END_MSG "\n" },
	{ "header name space", BEGIN_MSG "\nBad Name: x\n\n" HELLO "\n"
	  END_MSG "\n" },
	{ "header control", BEGIN_MSG "\nComment: a\x1b[2Jb\n\n" HELLO "\n"
	  END_MSG "\n" },
	{ "headers without blank", BEGIN_MSG "\nVersion: 1\n" HELLO "\n"
	  END_MSG "\n" },
	{ "late header", BEGIN_MSG "\n" HELLO "\nComment: late\n" END_MSG
	  "\n" },
	{ "cleartext without signature", CLEAR_BEGIN "\nHash: SHA256\n\n"
	  "Hello\n" },
	{ "cleartext, escaped signature only", CLEAR_BEGIN "\nHash: SHA256"
	  "\n\nHello\n- " SIG_BEGIN "\n\n" HELLO "\n- -----END PGP "
	  "SIGNATURE-----\n" },
	{ "cleartext, truncated signature", CLEAR_BEGIN "\nHash: SHA256\n\n"
	  "Hello\n" SIG_BEGIN "\n\n" HELLO "\n" },
	{ "cleartext, bad CRC", CLEAR_BEGIN "\nHash: SHA256\n\nHello\n"
	  SIG_BEGIN "\n\n" HELLO "\n=twTO\n-----END PGP SIGNATURE-----\n" },
	{ "cleartext BEGIN malformed", "-----BEGIN PGP SIGNED MESSAGE\n"
	  "Hash: SHA1\n\n" },
};

/* Same input with CRLF endings, with trailing blanks, with both. */
static uint8_t *
variant(const uint8_t *in, size_t len, int how, size_t *outlen)
{
	uint8_t *o = malloc(len * 4 + 8);
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (in[i] == '\n') {
			if (how & 2) {
				o[n++] = ' ';
				o[n++] = '\t';
				o[n++] = ' ';
			}
			if (how & 1)
				o[n++] = '\r';
		}
		o[n++] = in[i];
	}
	*outlen = n;
	return o;
}

static int
is_armored_file(const char *path)
{
	size_t len;
	uint8_t *p = t_slurp(path, &len);
	int r = memmem(p, len, "-----BEGIN PGP", 14) != NULL;

	free(p);
	return r;
}

/* Armored fixtures under tests/data (as grep -rl 'BEGIN PGP' finds). */
static size_t
find_fixtures(const char *dir, char paths[][512], size_t max, size_t n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char path[512];

	if (!d)
		return n;
	while ((e = readdir(d)) && n < max) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			n = find_fixtures(path, paths, max, n);
		else if (S_ISREG(st.st_mode) && is_armored_file(path))
			snprintf(paths[n++], 512, "%s", path);
	}
	closedir(d);
	return n;
}

static void
test_fixtures(void)
{
	static char paths[200][512];
	size_t n = find_fixtures("tests/data", paths, 200, 0), i, len, vlen;
	int how, bad = 0;
	uint8_t *p, *v;

	T_CHECK(n >= 30, "%zu armored fixtures found", n);
	for (i = 0; i < n; i++) {
		p = t_slurp(paths[i], &len);
		for (how = 0; how < 4; how++) {
			v = variant(p, len, how, &vlen);
			if (!differ(v, vlen, paths[i]))
				bad++;
			free(v);
		}
		free(p);
	}
	T_CHECK(!bad, "%d fixture decodings differ", bad);
}

static void
test_cases(void)
{
	size_t i, len, vlen;
	int how, bad = 0;
	uint8_t *v;

	for (i = 0; i < WEFT_ARRAY_SIZE(cases); i++) {
		len = strlen(cases[i].in);
		for (how = 0; how < 4; how++) {
			v = variant((const uint8_t *)cases[i].in, len, how,
				    &vlen);
			if (!differ(v, vlen, cases[i].name))
				bad++;
			free(v);
		}
	}
	T_CHECK(!bad, "%d of %zu cases differ", bad,
		4 * WEFT_ARRAY_SIZE(cases));
}

/* Every prefix; every bit flip; each octet replaced by the characters
 * armor cares about.  One mode per input, taken in turn. */
static void
test_mutations(void)
{
	static const char *files[] = {
		DATA "hello.asc", DATA "clearsigned.asc", DATA "key.asc",
		"tests/data/rfc9580/v6-cleartext.asc",
		"tests/data/rfc9580/v4-ed25519-legacy-sig.asc",
		"tests/data/rfc9580/v6-inline-signed.asc",
	};
	static const uint8_t subst[] = { '\n', '\r', ' ', '=', '-', ':', 'A',
					 '\0', 0x80, '\t' };
	size_t f, i, len, m = 0, count = 0;
	int bit, bad = 0;
	uint8_t *p, *q;
	char what[300];

	for (f = 0; f < WEFT_ARRAY_SIZE(files); f++) {
		p = t_slurp(files[f], &len);
		for (i = 0; i <= len; i++) {
			q = malloc(i ? i : 1);
			memcpy(q, p, i);
			snprintf(what, sizeof what, "%s cut at %zu", files[f],
				 i);
			bad += !differ_one(q, i, m++ % WEFT_ARRAY_SIZE(modes),
					   what);
			free(q);
			count++;
		}
		q = malloc(len);
		for (i = 0; i < len; i++) {
			for (bit = 0; bit < 8 + (int)sizeof subst; bit++) {
				/* every change on the first two files; on
				 * the others four per octet, taken in turn
				 * (the time under ASan) */
				if (f >= 2 && ((size_t)bit + 18 - i % 18) % 18 >=
						      4)
					continue;
				memcpy(q, p, len);
				if (bit < 8)
					q[i] ^= (uint8_t)(1u << bit);
				else
					q[i] = subst[bit - 8];
				/* binary input is not the stream's */
				if (i == 0 && (q[0] & 0x80))
					continue;
				snprintf(what, sizeof what, "%s octet %zu "
					 "change %d", files[f], i, bit);
				bad += !differ_one(q, len,
						   m++ % WEFT_ARRAY_SIZE(modes),
						   what);
				count++;
			}
		}
		free(q);
		free(p);
	}
	T_CHECK(!bad, "%d of %zu mutated inputs differ", bad, count);
}

/* Random blocks (random data, headers, line lengths) with random damage
 * of the kinds armor is about. */
static void
test_random(void)
{
	static const char *bits[] = { "\n", "\r\n", " ", "=", "==", "-----",
				      ":", "-----END PGP MESSAGE-----\n",
				      BEGIN_MSG "\n", "\n\n", "A", "+/", "*" };
	weft_armor_header h[3] = { { "Version", "x" }, { "Comment", "y z" },
				   { "Hash", "SHA256" } };
	weft_buf b, m;
	uint8_t data[300];
	size_t it, i, n, k, pos, count = 0;
	int bad = 0;

	for (it = 0; it < 3000; it++) {
		n = (size_t)(rng() % sizeof data);
		for (i = 0; i < n; i++)
			data[i] = (uint8_t)rng();
		weft_buf_init(&b);
		if (rng() % 4 == 0)
			weft_buf_put_str(&b, "some text first\n");
		weft_armor_encode(&b, "PGP MESSAGE", h, (size_t)(rng() % 4),
				  data, n);
		if (rng() % 3 == 0)
			weft_armor_encode(&b, "PGP SIGNATURE", NULL, 0, data,
					  n / 2);
		/* damage: 0 to 3 edits */
		for (k = (size_t)(rng() % 4); k; k--) {
			weft_buf_init(&m);
			pos = b.len ? (size_t)(rng() % b.len) : 0;
			weft_buf_put(&m, b.data, pos);
			switch (rng() % 3) {
			case 0: /* insert */
				weft_buf_put_str(&m, bits[rng() %
						WEFT_ARRAY_SIZE(bits)]);
				weft_buf_put(&m, b.data + pos, b.len - pos);
				break;
			case 1: /* delete a few */
				i = pos + (size_t)(rng() % 6);
				if (i > b.len)
					i = b.len;
				weft_buf_put(&m, b.data + i, b.len - i);
				break;
			default: /* replace one */
				weft_buf_put_u8(&m, (uint8_t)rng());
				if (pos < b.len)
					weft_buf_put(&m, b.data + pos + 1,
						     b.len - pos - 1);
				break;
			}
			weft_buf_free(&b);
			b = m;
		}
		if (!(b.len && (b.data[0] & 0x80))) {
			bad += !differ_one(b.data, b.len,
					   it % WEFT_ARRAY_SIZE(modes),
					   "random block");
			count++;
		}
		weft_buf_free(&b);
	}
	T_CHECK(!bad, "%d of %zu random inputs differ", bad, count);
}

/* Lines and header counts at the limits, and long text lines. */
static void
test_limits(void)
{
	weft_buf b;
	size_t i, k;
	int bad = 0;
	char what[100];

	for (i = 0; i < 2; i++) {
		/* a data line of exactly WEFT_MAX_ARMOR_LINE octets (padded
		 * with blanks), then one more */
		weft_buf_init(&b);
		weft_buf_put_str(&b, BEGIN_MSG "\n\n" HELLO);
		for (k = strlen(HELLO); k < WEFT_MAX_ARMOR_LINE + i; k++)
			weft_buf_put_u8(&b, ' ');
		weft_buf_put_str(&b, "\n" END_MSG "\n");
		bad += !differ(b.data, b.len, "long data line");
		/* the same at the very end, without END (missing END vs too
		 * long) */
		b.len -= strlen(END_MSG) + 2;
		bad += !differ(b.data, b.len, "long last line");
		weft_buf_free(&b);

		/* CRLF: the CR counts */
		weft_buf_init(&b);
		weft_buf_put_str(&b, BEGIN_MSG "\n\n" HELLO);
		for (k = strlen(HELLO); k < WEFT_MAX_ARMOR_LINE - 1 + i; k++)
			weft_buf_put_u8(&b, '\t');
		weft_buf_put_str(&b, "\r\n" END_MSG "\r\n");
		bad += !differ(b.data, b.len, "long CRLF line");
		weft_buf_free(&b);

		/* headers: the maximum, one more */
		weft_buf_init(&b);
		weft_buf_put_str(&b, BEGIN_MSG "\n");
		for (k = 0; k < WEFT_MAX_ARMOR_HEADERS + i; k++)
			weft_buf_printf(&b, "Comment: %zu\n", k);
		weft_buf_put_str(&b, "\n" HELLO "\n" END_MSG "\n");
		bad += !differ(b.data, b.len, "header count");
		weft_buf_free(&b);

		/* the same in a cleartext message: the stream counts them */
		weft_buf_init(&b);
		weft_buf_put_str(&b, CLEAR_BEGIN "\n");
		for (k = 0; k < WEFT_MAX_ARMOR_HEADERS + i; k++)
			weft_buf_printf(&b, "Hash: SHA%zu\n", k);
		weft_buf_put_str(&b, "\ntext\n" SIG_BEGIN "\n\n" HELLO "\n"
				 "-----END PGP SIGNATURE-----\n");
		bad += !differ(b.data, b.len, "cleartext header count");
		weft_buf_free(&b);
	}

	/* Long lines outside blocks are text; a long BEGIN line is too
	 * large, unless all that makes it long is blanks. */
	for (i = 0; i < 5; i++) {
		static const size_t lens[] = { WEFT_MAX_ARMOR_LINE - 1,
					       WEFT_MAX_ARMOR_LINE,
					       WEFT_MAX_ARMOR_LINE + 1,
					       2 * WEFT_STREAM_BUF + 5,
					       3 * WEFT_MAX_ARMOR_LINE };
		static const char *heads[] = { "x", "-----BEGIN PGP ",
					       "-----BEGIN PGP X" };
		size_t h2;

		for (h2 = 0; h2 < 3; h2++) {
			for (k = 0; k < 3; k++) {
				weft_buf_init(&b);
				weft_buf_put_str(&b, heads[h2]);
				while (b.len < lens[i])
					weft_buf_put_u8(&b, k == 2 ? 'y' : ' ');
				if (k == 1)
					weft_buf_put_str(&b, "-----");
				weft_buf_put_str(&b, "\n" BEGIN_MSG "\n\n"
						 HELLO "\n" END_MSG "\n");
				snprintf(what, sizeof what, "long text line: "
					 "%zu octets, head %zu, tail %zu",
					 lens[i], h2, k);
				bad += !differ(b.data, b.len, what);
				weft_buf_free(&b);
			}
		}
	}

	/* A long header value, up to the line limit. */
	for (i = 0; i < 2; i++) {
		weft_buf_init(&b);
		weft_buf_put_str(&b, BEGIN_MSG "\nComment: ");
		while (b.len < strlen(BEGIN_MSG) + 1 + WEFT_MAX_ARMOR_LINE + i)
			weft_buf_put_u8(&b, 'v');
		weft_buf_put_str(&b, "\n\n" HELLO "\n" END_MSG "\n");
		bad += !differ(b.data, b.len, "long header");
		weft_buf_free(&b);
	}
	T_CHECK(!bad, "%d limit inputs differ", bad);
}

/* ---- what only the stream does ------------------------------------------- */

static void
test_two_blocks(void)
{
	static const char in[] =
		"preamble\n" BEGIN_MSG "\nVersion: 1\nComment: one \t\r\n"
		"Comment:\n\n" HELLO "\n" HELLO_CRC "\n" END_MSG "\r\n"
		"between\n" "-----BEGIN PGP SIGNATURE-----\n\n" WORLD "\n"
		"-----END PGP SIGNATURE-----\ntrailer";
	weft_stream src, out;
	char *label;
	weft_armor_header *h;
	size_t nh, got, len;
	uint8_t buf[64], line[64];
	weft_diag diag;
	const char *after1;

	T_OK(weft_stream_mem(&src, in, strlen(in)));
	T_OK(weft_armor_stream_open(&out, &src, &label, &h, &nh, &diag));
	T_EQ_STR(label, "PGP MESSAGE");
	T_EQ_INT(nh, 3);
	if (nh == 3) {
		T_EQ_STR(h[0].name, "Version");
		T_EQ_STR(h[0].value, "1");
		T_EQ_STR(h[1].name, "Comment");
		T_EQ_STR(h[1].value, "one");
		T_EQ_STR(h[2].name, "Comment");
		T_EQ_STR(h[2].value, "");
	}
	T_OK(weft_stream_read(&out, buf, sizeof buf, &got));
	T_CHECK(got == 6 && !memcmp(buf, "hello\n", 6), "first block");
	T_OK(weft_stream_read(&out, buf, sizeof buf, &got));
	T_EQ_INT(got, 0);
	weft_stream_close(&out);
	free(label);
	weft_armor_headers_free(h, nh);

	/* SRC stands just after the END line (and its CRLF) */
	after1 = strstr(in, "between");
	T_EQ_INT(src.consumed, (size_t)(after1 - in));
	T_OK(weft_stream_line(&src, line, sizeof line, &len));
	T_CHECK(len == 8 && !memcmp(line, "between\n", 8), "text between");

	T_OK(weft_armor_stream_open(&out, &src, &label, &h, &nh, &diag));
	T_EQ_STR(label, "PGP SIGNATURE");
	T_EQ_INT(nh, 0);
	T_CHECK(h == NULL, "no header array");
	T_OK(weft_stream_read(&out, buf, sizeof buf, &got));
	T_CHECK(got == 5 && !memcmp(buf, "world", 5), "second block");
	weft_stream_close(&out);
	free(label);
	T_OK(weft_stream_line(&src, line, sizeof line, &len));
	T_CHECK(len == 7 && !memcmp(line, "trailer", 7), "after the second");

	/* no third block */
	weft_diag_clear(&diag);
	T_ERR(weft_armor_stream_open(&out, &src, &label, &h, &nh, &diag),
	      GPG_ERR_NO_DATA);
	T_CHECK(!out.read && !label && !h && !nh, "outputs unset");
	weft_stream_close(&out);
	weft_stream_close(&src);
	weft_armor_headers_free(NULL, 0);
}

static void
test_cleartext(void)
{
	uint8_t *asc, *sig, buf[4096], line[128];
	size_t asclen, siglen, nh, got, len;
	weft_stream src, out;
	weft_armor_header *h;
	char *label;
	weft_diag diag;
	gpg_error_t err;

	asc = t_slurp(DATA "clearsigned.asc", &asclen);
	sig = t_slurp(DATA "clearsigned.sig", &siglen);
	T_OK(weft_stream_mem(&src, asc, asclen));
	weft_diag_clear(&diag);
	T_OK(weft_armor_stream_open(&out, &src, &label, &h, &nh, &diag));
	T_EQ_STR(label, "PGP SIGNED MESSAGE");
	T_CHECK(out.read == NULL && out.buf == NULL, "OUT unset");
	weft_stream_close(&out); /* harmless */
	T_EQ_INT(nh, 1);
	if (nh == 1) {
		T_EQ_STR(h[0].name, "Hash");
		T_EQ_STR(h[0].value, "SHA256");
	}
	free(label);
	weft_armor_headers_free(h, nh);
	/* SRC at the first line of the signed text */
	T_OK(weft_stream_line(&src, line, sizeof line, &len));
	T_CHECK(len == 14 && !memcmp(line, "Hello, world.\n", 14),
		"first text line");
	/* the caller reads the text (here: up to the signature) ... */
	do {
		T_OK(weft_stream_line(&src, line, sizeof line, &len));
	} while (len && strncmp((char *)line, "not a key", 9));
	/* ... and opens the signature block */
	T_OK(weft_armor_stream_open(&out, &src, &label, &h, &nh, &diag));
	T_EQ_STR(label, "PGP SIGNATURE");
	err = weft_stream_read(&out, buf, sizeof buf, &got);
	T_OK(err);
	T_CHECK(got == siglen && !memcmp(buf, sig, siglen),
		"signature octets");
	T_OK(weft_stream_read(&out, buf, sizeof buf, &got));
	T_EQ_INT(got, 0);
	T_CHECK(weft_stream_at_end(&src), "input used up");
	weft_stream_close(&out);
	free(label);
	weft_armor_headers_free(h, nh);
	weft_stream_close(&src);

	/* Cleartext headers are checked: a non-header line before the
	 * blank one, a bad header, the end. */
	{
		static const char *bad[] = {
			CLEAR_BEGIN "\nHello\n\n",
			CLEAR_BEGIN "\nHash:SHA1\n\nHello\n",
			CLEAR_BEGIN "\nHash: SHA1\n",
			CLEAR_BEGIN "\nHash: SHA1\n" SIG_BEGIN "\n",
		};
		size_t i;

		for (i = 0; i < WEFT_ARRAY_SIZE(bad); i++) {
			T_OK(weft_stream_mem(&src, bad[i], strlen(bad[i])));
			weft_diag_clear(&diag);
			T_ERR(weft_armor_stream_open(&out, &src, &label, &h,
						     &nh, &diag),
			      GPG_ERR_BAD_DATA);
			T_CHECK(strstr(diag.msg, "cleartext signed message"),
				"%s", diag.msg);
			T_CHECK(!label && !h && !nh && !out.read, "unset");
			weft_stream_close(&src);
		}
	}
	free(asc);
	free(sig);
}

static void
test_crc_and_errors(void)
{
	static const char wrong[] = BEGIN_MSG "\n\n" HELLO "\n" HELLO
		"\n=WALx\n" END_MSG "\n";
	static const char bad64[] = BEGIN_MSG "\nComment: x\n\n" HELLO "\n"
		"aGVs*G8K\n" END_MSG "\n";
	static const uint8_t binary[] = { 0x99, 0x00, 0x01, 0x0d };
	weft_stream src, out;
	weft_armor_header *h;
	char *label;
	size_t nh, got, total;
	uint8_t buf[64];
	weft_diag diag;
	gpg_error_t err;
	tsrc t;

	/* A CRC24 mismatch comes after all the octets. */
	T_OK(weft_stream_mem(&src, wrong, strlen(wrong)));
	weft_diag_clear(&diag);
	T_OK(weft_armor_stream_open(&out, &src, &label, &h, &nh, &diag));
	total = 0;
	do {
		err = weft_stream_read(&out, buf + total, 1, &got);
		total += got;
	} while (!err && got);
	T_ERR(err, GPG_ERR_CHECKSUM);
	T_CHECK(total == 12 && !memcmp(buf, "hello\nhello\n", 12),
		"octets before the mismatch (%zu)", total);
	T_CHECK(strstr(diag.msg, "CRC24"), "%s", diag.msg);
	T_ERR(weft_stream_read(&out, buf, 1, &got), GPG_ERR_CHECKSUM);
	weft_stream_close(&out);
	free(label);
	weft_stream_close(&src);

	/* Bad base64: the line number in the diagnostic. */
	T_OK(weft_stream_mem(&src, bad64, strlen(bad64)));
	weft_diag_clear(&diag);
	T_OK(weft_armor_stream_open(&out, &src, &label, &h, &nh, &diag));
	err = weft_stream_read(&out, buf, sizeof buf, &got);
	T_ERR(err, GPG_ERR_BAD_DATA);
	T_CHECK(strstr(diag.msg, "at line 5, column 5"), "%s", diag.msg);
	weft_stream_close(&out);
	free(label);
	weft_armor_headers_free(h, nh);
	weft_stream_close(&src);

	/* Binary input: NO_DATA, nothing consumed. */
	T_OK(weft_stream_mem(&src, binary, sizeof binary));
	weft_diag_clear(&diag);
	T_ERR(weft_armor_stream_open(&out, &src, &label, &h, &nh, &diag),
	      GPG_ERR_NO_DATA);
	T_EQ_INT(src.consumed, 0);
	T_OK(weft_stream_read(&src, buf, sizeof buf, &got));
	T_CHECK(got == 4 && !memcmp(buf, binary, 4), "binary still there");
	weft_stream_close(&src);

	/* The source's errors come through, from open or from reads. */
	{
		static const char in[] = BEGIN_MSG "\n\n" HELLO "\n" HELLO "\n"
			END_MSG "\n";
		size_t at;
		int bad = 0;

		for (at = 0; at < strlen(in); at++) {
			memset(&t, 0, sizeof t);
			t.p = (const uint8_t *)in;
			t.n = strlen(in);
			t.chunk = 1;
			t.fail_at = at;
			T_OK(weft_stream_init(&src, tsrc_read, NULL, &t));
			err = weft_armor_stream_open(&out, &src, &label, &h,
						     &nh, NULL);
			if (!err) {
				do
					err = weft_stream_read(&out, buf,
							       sizeof buf,
							       &got);
				while (!err && got);
				weft_stream_close(&out);
				free(label);
			}
			if (gpg_err_code(err) != GPG_ERR_EIO)
				bad++;
			weft_stream_close(&src);
		}
		T_CHECK(!bad, "%d source errors lost", bad);
	}

	/* Reading through the filter's own read function, one octet at a
	 * time (the stream above it always asks for more). */
	{
		static const char in[] = BEGIN_MSG "\n\n" HELLO HELLO "\n"
			END_MSG "\n";

		T_OK(weft_stream_mem(&src, in, strlen(in)));
		T_OK(weft_armor_stream_open(&out, &src, &label, &h, &nh,
					    NULL));
		total = 0;
		do {
			err = out.read(out.opaque, buf + total, 1, &got);
			total += got;
		} while (!err && got && total < sizeof buf);
		T_OK(err);
		T_CHECK(total == 12 && !memcmp(buf, "hello\nhello\n", 12),
			"one octet at a time");
		weft_stream_close(&out);
		free(label);
		weft_stream_close(&src);
	}
}

/* ---- 20 MB, generated -------------------------------------------------- */

/* A source that writes an armored block of N random octets as it is
 * read: BEGIN line, a header, base64 lines of 64 characters, the CRC24,
 * the END line.  It hashes and checksums the octets as it makes them. */
typedef struct gen {
	uint64_t rng;
	uint64_t n, made;        /* octets to encode, encoded */
	weft_hash *h;
	uint32_t crc;
	bool bad_crc;
	char pend[128];          /* text made, not yet handed out */
	size_t plen, ppos;
	int phase;               /* 0 header, 1 data, 2 trailer, 3 done */
	size_t rmax;
} gen;

static uint32_t
crc24_bitwise(uint32_t crc, const uint8_t *p, size_t n)
{
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= (uint32_t)p[i] << 16;
		for (k = 0; k < 8; k++) {
			crc <<= 1;
			if (crc & 0x1000000)
				crc ^= 0x1864cfb;
		}
	}
	return crc & 0xffffff;
}

static void
b64(char *dst, const uint8_t *s, size_t n)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
				"rstuvwxyz0123456789+/";
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		dst[o++] = a[v >> 18];
		dst[o++] = a[(v >> 12) & 63];
		dst[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		dst[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	dst[o] = 0;
}

static void
gen_more(gen *g)
{
	uint8_t oct[48], c[3];
	size_t k, i;

	g->ppos = 0;
	if (g->phase == 0) {
		g->plen = (size_t)sprintf(g->pend, "%s\nComment: generated\n"
					  "\n", BEGIN_MSG);
		g->phase = 1;
	} else if (g->phase == 1 && g->made < g->n) {
		k = g->n - g->made < 48 ? (size_t)(g->n - g->made) : 48;
		for (i = 0; i < k; i++) {
			g->rng ^= g->rng << 13;
			g->rng ^= g->rng >> 7;
			g->rng ^= g->rng << 17;
			oct[i] = (uint8_t)(g->rng >> 32);
		}
		weft_hash_write(g->h, oct, k);
		g->crc = crc24_bitwise(g->crc, oct, k);
		g->made += k;
		b64(g->pend, oct, k);
		g->plen = strlen(g->pend);
		g->pend[g->plen++] = '\n';
	} else if (g->phase <= 2) {
		uint32_t crc = g->crc ^ (g->bad_crc ? 1 : 0);

		c[0] = (uint8_t)(crc >> 16);
		c[1] = (uint8_t)(crc >> 8);
		c[2] = (uint8_t)crc;
		g->pend[0] = '=';
		b64(g->pend + 1, c, 3);
		g->plen = (size_t)sprintf(g->pend + 5, "\n%s\n", END_MSG) + 5;
		g->phase = 3;
	} else {
		g->plen = 0;
	}
}

static gpg_error_t
gen_read(void *opaque, uint8_t *buf, size_t n, size_t *got)
{
	gen *g = opaque;
	size_t o = 0, k, want = 1 + (size_t)(rng() % g->rmax);

	if (want < n)
		n = want;
	while (o < n) {
		if (g->ppos == g->plen) {
			gen_more(g);
			if (!g->plen)
				break;
		}
		k = g->plen - g->ppos;
		if (k > n - o)
			k = n - o;
		memcpy(buf + o, g->pend + g->ppos, k);
		g->ppos += k;
		o += k;
	}
	*got = o;
	return 0;
}

static long
maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
test_large(void)
{
	const uint64_t size = 20ull * 1024 * 1024 + 7;
	uint8_t want[32], have[32], *buf = malloc(8192);
	size_t wl, hl, nh, got, readsz;
	weft_hash *h = NULL;
	weft_stream src, out;
	weft_armor_header *hd;
	char *label;
	uint64_t total;
	weft_diag diag;
	gpg_error_t err;
	long rss0;
	gen g;
	int round;

	T_OK(weft_crypto_init());
	for (round = 0; round < 2; round++) {
		memset(&g, 0, sizeof g);
		g.rng = 0x1234567887654321ull;
		g.n = size;
		g.crc = 0xb704ce;
		g.bad_crc = round == 1;
		g.rmax = 3000;
		T_OK(weft_hash_new(&g.h, WEFT_HASH_SHA256));
		T_OK(weft_hash_new(&h, WEFT_HASH_SHA256));
		rss0 = maxrss_kb();
		T_OK(weft_stream_init(&src, gen_read, NULL, &g));
		weft_diag_clear(&diag);
		T_OK(weft_armor_stream_open(&out, &src, &label, &hd, &nh,
					    &diag));
		total = 0;
		do {
			readsz = 1 + (size_t)(rng() % 8192);
			err = weft_stream_read(&out, buf, readsz, &got);
			weft_hash_write(h, buf, got);
			total += got;
		} while (!err && got);
		if (round == 0) {
			T_OK(err);
		} else {
			T_ERR(err, GPG_ERR_CHECKSUM);
		}
		T_EQ_INT(total, size);
		weft_hash_final(g.h, want, &wl);
		weft_hash_final(h, have, &hl);
		T_CHECK(wl == 32 && hl == 32 && !memcmp(want, have, 32),
			"SHA-256 of the 20 MB block");
		T_CHECK(weft_stream_at_end(&src) && g.phase == 3,
			"generator used up");
#ifndef UNDER_ASAN
		/* Constant memory: nothing near the data's size was held
		 * (ASan's quarantine makes RSS meaningless there). */
		T_CHECK(maxrss_kb() - rss0 < 8 * 1024, "max RSS grew by %ld "
			"KiB", maxrss_kb() - rss0);
#else
		(void)rss0;
#endif
		weft_stream_close(&out);
		weft_stream_close(&src);
		free(label);
		weft_armor_headers_free(hd, nh);
		weft_hash_free(g.h);
		weft_hash_free(h);
	}
	free(buf);
}

int
main(void)
{
	test_large(); /* first: its RSS check wants a quiet baseline */
	test_cases();
	test_fixtures();
	test_mutations();
	test_random();
	test_limits();
	test_two_blocks();
	test_cleartext();
	test_crc_and_errors();
	printf("%d inputs compared with weft_armor_decode (%d cleartext "
	       "header cases only the stream rejects)\n", n_compared,
	       n_clear_strict);
	return t_done();
}
