/* tests/fuzz/x509.c - libFuzzer target for the X.509 bridge's own
 * parsers (keyring/x509/der.c and the input splitter of cert.c): the
 * nameConstraints and GeneralNames decoders, Name attributes, the
 * issuer/subject finder, the DER well-formedness check and name
 * constraint matching over whatever decoded; and PEM/DER splitting.
 *
 *   make fuzz BUILD=build-x && build-x/fuzz/x509 -max_len=4096 corpus/
 *
 * A seed corpus: the DER of the certificates in tests/data/x509/ and
 * their extensions (openssl asn1parse -strparse).  libksba itself is not
 * fuzzed here (it is not weft's parser, and leaks on damaged input).
 *
 * Besides the sanitizers it checks what the headers promise: counts stay
 * within the caps, every decoded name points into the input, and a check
 * that succeeded leaves WHY empty while one that failed explains itself.
 */
#include <stdlib.h>

#include "x509/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
inside(const uint8_t *p, size_t n, const uint8_t *data, size_t size)
{
	if (n && (p < data || p + n > data + size))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static weft_x509_nc nc;
	weft_gname names[WEFT_X509_MAX_NAMES];
	weft_der_value vals[8];
	weft_x509_names cn;
	weft_x509_blob *blobs;
	const uint8_t *is, *su;
	size_t n = 0, i, il, sl, nb;
	char why[400], text[300];
	bool nc_ok, san_ok;

	(void)weft_der_check(data, size, 32);
	nc_ok = !weft_x509_nc_parse(data, size, &nc);
	if (nc_ok) {
		if (nc.npermitted > WEFT_X509_MAX_SUBTREES ||
		    nc.nexcluded > WEFT_X509_MAX_SUBTREES)
			abort();
		for (i = 0; i < nc.npermitted; i++) {
			inside(nc.permitted[i].data, nc.permitted[i].len, data,
			       size);
			weft_x509_gname_text(&nc.permitted[i], text, sizeof text);
		}
		for (i = 0; i < nc.nexcluded; i++)
			inside(nc.excluded[i].data, nc.excluded[i].len, data,
			       size);
	}
	san_ok = !weft_x509_gnames_parse(data, size, names,
					 WEFT_X509_MAX_NAMES, &n);
	if (san_ok) {
		if (n > WEFT_X509_MAX_NAMES)
			abort();
		for (i = 0; i < n; i++)
			inside(names[i].data, names[i].len, data, size);
	}
	if (!weft_x509_name_values(data, size,
				   (const uint8_t *)"\x55\x04\x03", 3, vals, 8,
				   &n))
		for (i = 0; i < n && i < 8; i++) {
			inside(vals[i].data, vals[i].len, data, size);
			(void)weft_der_value_utf8(&vals[i], text, sizeof text);
		}
	if (!weft_x509_tbs_names(data, size, &is, &il, &su, &sl)) {
		inside(is, il, data, size);
		inside(su, sl, data, size);
	}
	/* the input as constraints and (when it also decodes as names) as
	 * the names checked against them; the subject is the input too */
	if (nc_ok) {
		memset(&cn, 0, sizeof cn);
		if (san_ok) {
			cn.san = names;
			cn.nsan = n > WEFT_X509_MAX_NAMES ? 0 : n;
		}
		cn.subject = data;
		cn.subject_len = size;
		why[0] = 'x';
		if (weft_x509_nc_check(&nc, &cn, why, sizeof why)) {
			if (why[0])
				abort();
		} else if (!why[0]) {
			abort();
		}
		for (i = 0; i < nc.npermitted; i++) {
			(void)weft_x509_email_within("a@example.com",
						     &nc.permitted[i]);
			(void)weft_x509_dns_within("www.example.com", 15,
						   &nc.permitted[i]);
			(void)weft_x509_dn_within(data, size, &nc.permitted[i]);
		}
	}
	if (!weft_x509_split(data, size, &blobs, &nb, NULL)) {
		if (!nb)
			abort();
		weft_x509_blobs_free(blobs, nb);
	}
	return 0;
}
