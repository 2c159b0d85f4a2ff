/* sectest.h - fixtures for the secret-key tests: the key packets of a
 * file (binary or armored), found by tag and position. */
#ifndef WEFT_SECTEST_H
#define WEFT_SECTEST_H

#include "t.h"
#include "armor/armor.h"
#include "packet/packet.h"
#include "crypto/crypto.h"
#include "util/mem.h"

#define ST_MAX 16

typedef struct st_file {
	weft_armor_list blocks;
	weft_packet pkts[64];
	size_t n;
} st_file;

static inline void
st_load(st_file *f, const char *path)
{
	uint8_t *raw;
	size_t len, i;
	weft_reader r;
	weft_diag d = { { 0 } };

	memset(f, 0, sizeof *f);
	raw = t_slurp(path, &len);
	if (weft_armor_decode(raw, len, &f->blocks, &d) || !f->blocks.n) {
		printf("FAIL cannot decode %s: %s\n", path, d.msg);
		exit(1);
	}
	free(raw);
	for (i = 0; i < f->blocks.n; i++) {
		weft_reader_init(&r, f->blocks.blocks[i].data,
				 f->blocks.blocks[i].len);
		while (f->n < 64 && !weft_packet_next(&r, &f->pkts[f->n], NULL))
			f->n++;
	}
}

static inline void
st_free(st_file *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		weft_packet_release(&f->pkts[i]);
	weft_armor_list_free(&f->blocks);
}

/* The IDX-th packet with tag TAG (or, for TAG 0, any key packet) parsed
 * as a key. */
static inline bool
st_key(const st_file *f, uint8_t tag, size_t idx, weft_pkt_key *k)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		uint8_t t = f->pkts[i].tag;

		if (tag ? t != tag : (t != 5 && t != 6 && t != 7 && t != 14))
			continue;
		if (idx--)
			continue;
		return !weft_pkt_key_parse(k, t, f->pkts[i].body,
					   f->pkts[i].body_len, NULL);
	}
	return false;
}

/* The first user ID packet. */
static inline const weft_packet *
st_uid(const st_file *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->pkts[i].tag == WEFT_PKT_USER_ID)
			return &f->pkts[i];
	return NULL;
}

#endif /* WEFT_SECTEST_H */
