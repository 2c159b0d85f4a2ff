/* policy.c - key sizes the policy takes and refuses (cert/policy.c). */
#include "cert/cert.h"
#include "util/limits.h"
#include "t.h"

int
main(void)
{
	static const struct {
		uint8_t algo;
		unsigned bits;
		bool ok;
	} keys[] = {
		{ WEFT_PK_RSA, 1024, false },
		{ WEFT_PK_RSA, 2048, true },
		{ WEFT_PK_RSA, 4096, true },
		{ WEFT_PK_RSA, 10240, true },    /* one is in debian-keyring */
		{ WEFT_PK_RSA, 16383, true },
		{ WEFT_PK_RSA, 16384, false },   /* absurd: a cost lever */
		{ WEFT_PK_RSA_S, 16384, false },
		{ WEFT_PK_DSA, 16384, false },
		{ WEFT_PK_ELGAMAL_E, 16384, false },
		{ WEFT_PK_DSA, 3072, true },
	};
	weft_pkt_key k;
	size_t i;
	const uint32_t now = 1796500000;   /* 2026-12 */

	for (i = 0; i < WEFT_ARRAY_SIZE(keys); i++) {
		memset(&k, 0, sizeof k);
		k.algo = keys[i].algo;
		k.bits = keys[i].bits;
		T_CHECK(weft_policy_key_ok(&k, now) == keys[i].ok,
			"algorithm %u, %u bits: want %s", keys[i].algo,
			keys[i].bits, keys[i].ok ? "accepted" : "rejected");
		if (!keys[i].ok && keys[i].bits >= WEFT_MAX_KEY_BITS)
			T_CHECK(strstr(weft_policy_key_reason(&k), "16,384") != NULL,
				"the reason names the limit: %s",
				weft_policy_key_reason(&k));
	}
	return t_done();
}
