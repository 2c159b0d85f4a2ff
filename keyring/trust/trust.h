/* trust.h - the web-of-trust engine: pure computation over certificate
 * summaries (cert/summary.h), which a source hands out by fingerprint.
 * Neither LMDB nor libgcrypt is used here: every signature was verified
 * when it was imported.
 *
 * The model is sequoia-wot 0.2.0's (../shared/wot-semantics.md), which
 * weft follows exactly, quirks included, so that its answers can be
 * checked against sq-wot:
 *   - a network is built lazily around the questions asked: a node is a
 *     certificate valid under the policy at the reference time T; its
 *     incoming edges are the certifications of its valid user IDs that
 *     pass every liveness and revocation rule (network.c);
 *   - a binding is authenticated by paths found by backward propagation
 *     from the target, added greedily in rounds that subtract each path's
 *     amount from the capacity it used, until the requested amount is
 *     reached (wot.c).
 */
#ifndef WEFT_TRUST_H
#define WEFT_TRUST_H

#include "../internal.h"
#include "../cert/summary.h"
#include <weft/trust.h>

/* Where summaries come from.  GET returns GPG_ERR_NOT_FOUND for an
 * unknown fingerprint; the summary must stay valid as long as the source
 * does (the network does not copy it). */
typedef struct weft_tsource {
	void *opaque;
	gpg_error_t (*get)(void *opaque, const uint8_t *fpr, size_t len,
			   const weft_summary **out);
	/* Optional: called now and then during long walks over every node
	 * (the store's source lets go of the keyring pages it has mapped:
	 * summaries point into them). */
	void (*idle)(void *opaque);
	/* Optional: the summary of FPR will be read over and over (a root or
	 * an introducer): keep it at hand. */
	void (*keep)(void *opaque, const uint8_t *fpr, size_t len);
} weft_tsource;

#define WEFT_FULL 120
#define WEFT_DEPTH_UNLIMITED 255

typedef struct weft_troot {
	uint8_t fpr[WEFT_FPR_MAX];
	uint8_t fpr_len;
	int amount;              /* 1..120 (more is clamped) */
} weft_troot;

/* One edge: a certification (or the synthesised self-signature hop). */
typedef struct weft_tedge {
	uint32_t issuer;         /* node indices */
	uint32_t target;
	int uid;                 /* index of the target's user ID */
	uint32_t created;
	uint32_t expires;        /* absolute; 0 = never */
	uint8_t depth;           /* WEFT_DEPTH_UNLIMITED = unconstrained */
	uint8_t amount;
	uint8_t level;           /* 0..3 from the signature type */
	bool self;               /* the synthesised self-signature hop */
	const weft_tsig *sig;    /* the certification (NULL when self) */
} weft_tedge;

typedef struct weft_tpath {
	uint32_t root;           /* node index */
	weft_tedge *edges;       /* root -> ... -> target */
	size_t nedges;
	int amount;
} weft_tpath;

typedef struct weft_tpaths {
	weft_tpath *v;
	size_t n, cap;
	int amount;              /* sum of the paths' amounts */
} weft_tpaths;

void weft_tpaths_free(weft_tpaths *p);

typedef struct weft_network weft_network;

enum {
	/* Every certificate is a root with amount 120 and every
	 * certification a trust signature of unlimited depth, without
	 * regexes: paths show hearsay, they authenticate nothing. */
	WEFT_NET_GOSSIP = 1,
};

/* A network at reference time T over SRC, with ROOTS (those not in the
 * network are dropped; duplicates keep the larger amount). */
gpg_error_t weft_network_new(weft_network **out, const weft_tsource *src,
			     uint32_t t, const weft_troot *roots, size_t nroots,
			     unsigned flags);
void weft_network_free(weft_network *n);
/* For questions over every binding: work out, once, which nodes a path
 * from a root can pass through, so that each search leaves the others
 * out (network.c says why no answer changes).  Computes the edges of
 * every node in the network; load them all first. */
gpg_error_t weft_network_reach(weft_network *n);

/* Node index of FPR (loading it); GPG_ERR_NOT_FOUND when the certificate
 * is unknown or not valid at the reference time. */
gpg_error_t weft_network_node(weft_network *n, const uint8_t *fpr,
			      size_t len, uint32_t *out);
/* The same for any certificate the source knows, valid or not (GnuPG's
 * model judges keys by its own rules); its bindings are not computed. */
gpg_error_t weft_network_node_any(weft_network *n, const uint8_t *fpr,
				  size_t len, uint32_t *out);
const weft_summary *weft_network_summary(weft_network *n, uint32_t node);
/* The node's fingerprint: valid only until the network next grows (any
 * call that may load a node), so copy it to keep it. */
const uint8_t *weft_network_fpr(weft_network *n, uint32_t node,
				size_t *len);
/* The node's amount as a root, or 0. */
int weft_network_root_amount(weft_network *n, uint32_t node);

/* Authenticate the binding (FPR, UID) to REQUEST (e.g. 120): fills OUT
 * with the paths found, in the order found, and their sum.  A binding
 * that cannot be authenticated at all gives no paths (not an error). */
gpg_error_t weft_network_authenticate(weft_network *n, const uint8_t *fpr,
				      size_t fpr_len, const uint8_t *uid,
				      size_t uid_len, int request,
				      weft_tpaths *out);

/* The user IDs that form bindings of NODE (sq-wot's
 * certified_userids_of): its user IDs valid at T, plus those certified
 * by a valid certification.  Indices into the node's summary. */
gpg_error_t weft_network_bindings(weft_network *n, uint32_t node,
				  int **uids, size_t *nuids);

/* Check a given path: ROOT -> ... -> target with the user ID UID of the
 * last node.  OUT gets the path with each hop's certification (the best
 * valid one), its amount, and in WHY one line when the path is not
 * valid (returned as GPG_ERR_NOT_FOUND / GPG_ERR_BAD_CERT_CHAIN). */
gpg_error_t weft_network_check_path(weft_network *n, const uint32_t *nodes,
				    size_t nnodes, const uint8_t *uid,
				    size_t uid_len, weft_tpath *out,
				    char *why, size_t whylen);

/* Does the regex set of SIG (in the target summary S) match UID?  No
 * regexes: everything; otherwise any valid one must match; a user ID with
 * control characters or invalid UTF-8 never matches. */
bool weft_trust_regex_match(const weft_summary *s, const weft_tsig *sig,
			    const uint8_t *uid, size_t uid_len);

/* Records that stand in for the keyring's tnodes records of some keys
 * for one question: the X.509 bridge's derived keys of certificates that
 * are not imported (an S/MIME signer and the intermediates its message
 * carries).  Each record is a complete summary (weft_summary_write). */
typedef struct weft_tnode_overlay {
	const uint8_t *fpr;
	size_t fpr_len;
	const uint8_t *rec;
	size_t len;
} weft_tnode_overlay;

/* weft_authenticate (weft/trust.h) with OV (NOV records) over the
 * keyring's summaries; KEY may be a key that only OV has. */
gpg_error_t weft_trust__authenticate_with(weft_ctx *ctx, const char *key,
					  const char *uid,
					  const weft_trust_opts *opts,
					  const weft_tnode_overlay *ov,
					  size_t nov,
					  weft_binding_list **out);

#endif /* WEFT_TRUST_H */
