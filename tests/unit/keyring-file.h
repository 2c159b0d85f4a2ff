/* keyring-file.h - the certificates of a binary keyring file, as the
 * builder makes them (nothing verified yet), for unit tests that work on
 * a whole keyring fixture (cert/stable.c, trust/gnupg-web.c).  Include
 * after t.h and cert/cert.h. */
#ifndef WEFT_TEST_KEYRING_FILE_H
#define WEFT_TEST_KEYRING_FILE_H

/* At most MAX certificates of PATH into OUT, in file order; the number
 * read.  A packet the builder refuses fails the test. */
static inline size_t
t_load_certs(const char *path, weft_cert **out, size_t max)
{
	size_t len, n = 0;
	uint8_t *p = t_slurp(path, &len);
	weft_reader r;
	weft_packet pkt;
	weft_cert_builder b;
	bool have = false;

	memset(&b, 0, sizeof b);
	weft_reader_init(&r, p, len);
	while (n < max && !weft_packet_next(&r, &pkt, NULL)) {
		if (pkt.tag == WEFT_PKT_PUBLIC_KEY) {
			if (have)
				out[n++] = weft_cert_builder_finish(&b);
			have = false;
			if (n < max) {
				T_OK(weft_cert_builder_start(&b, &pkt, NULL));
				have = true;
			}
		} else if (have) {
			T_OK(weft_cert_builder_add(&b, &pkt));
		}
		weft_packet_release(&pkt);
	}
	if (have)
		out[n++] = weft_cert_builder_finish(&b);
	free(p);
	return n;
}

#endif /* WEFT_TEST_KEYRING_FILE_H */
