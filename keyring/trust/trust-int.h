/* trust-int.h - what network.c lends to wot.c (engine-internal). */
#ifndef WEFT_TRUST_INT_H
#define WEFT_TRUST_INT_H

#include "trust.h"

/* Valid, alive, not hard-revoked and not soft-revoked at or before X. */
bool weft_network__node_alive_at(weft_network *n, uint32_t i, uint32_t x);
/* Expiry and revocation at the reference time. */
uint32_t weft_network__node_expires(weft_network *n, uint32_t i);
weft_rev_kind weft_network__node_rev(weft_network *n, uint32_t i,
				     uint32_t *when);
/* The node's incoming edges (computed on first use), sorted by issuer
 * fingerprint.  The array stays valid until the network is freed. */
gpg_error_t weft_network__redges(weft_network *n, uint32_t i,
				 const uint32_t **edges, size_t *nedges);
/* The incoming edges of node I that can be inner hops of a path (depth
 * of 1 or more: trust signatures), in the order of __redges. */
gpg_error_t weft_network__tredges(weft_network *n, uint32_t i,
				  const uint32_t **edges, size_t *nedges);
/* Edge E (valid until the next edge is added: copy it). */
weft_tedge *weft_network__edge(weft_network *n, uint32_t e);
unsigned weft_network__flags(weft_network *n);
uint32_t weft_network__time(weft_network *n);
size_t weft_network__nnodes(weft_network *n);
/* Can node I be on a path from a root, short of its target?  (Always
 * true until weft_network_reach has run.) */
bool weft_network__may_carry(weft_network *n, uint32_t i);
/* The nodes with a root amount, in ascending order (*COUNT of them). */
const uint32_t *weft_network__roots(weft_network *n, size_t *count);

/* The searches' forward pointers (wot.c), kept by the network from one
 * search to the next: each pass stamps the slots it sets with a number
 * no earlier pass used, so a search starts without clearing anything.
 * (A fresh array per search cost a memset over every node for every
 * binding: weft check was quadratic.) */
typedef struct weft_scratch {
	uint32_t *stamp;
	int32_t *next;           /* edge index, or -1 for the end */
	size_t cap;
	uint32_t pass;
} weft_scratch;
weft_scratch *weft_network__scratch(weft_network *n);

#endif /* WEFT_TRUST_INT_H */
