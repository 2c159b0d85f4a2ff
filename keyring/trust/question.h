/* question.h - what question.c lends to api.c (engine-internal): a trust
 * question over the keyring, and the results it gives.
 *
 * A question is one read transaction on the keyring: its summaries as a
 * source, the roots in effect (see question.c), the network over them
 * (and GnuPG's validities under --model gnupg), the reference time and
 * the amount asked for.  Each call of weft/trust.h (api.c) opens one,
 * asks it, and closes it.
 */
#ifndef WEFT_TRUST_QUESTION_H
#define WEFT_TRUST_QUESTION_H

#include "trust.h"
#include "gnupg.h"
#include "../ctx.h"
#include "../store/query.h"
#include <weft/trust.h>

/* ---- the keyring as a source ---------------------------------------------- */

/* The keyring's summaries (db tnodes) as a weft_tsource, in one read
 * transaction; what it decoded is held until it is freed. */
typedef struct store_source {
	weft_tsource src;
	weft_txn *txn;
	weft_arena *arena;             /* the summaries decoded, until the
					  question ends */
	const weft_tnode_overlay *ov;  /* records that stand in for the
					  keyring's (one question only) */
	size_t nov;
} store_source;

void weft_question__source_init(store_source *ss, weft_txn *txn);
/* Frees what SS decoded; the transaction stays the caller's. */
void weft_question__source_free(store_source *ss);
/* SS's get: the overlay's record, else the keyring's.  The summary is
 * valid until SS is freed. */
gpg_error_t weft_question__source_get(void *opaque, const uint8_t *fpr,
				      size_t len, const weft_summary **out);
/* The record of the overlay that stands in for FPR's, NULL if none. */
const weft_tnode_overlay *weft_question__overlay_find(const store_source *ss,
						     const uint8_t *fpr,
						     size_t len);

/* ---- roots -------------------------------------------------------------------- */

/* Roots with their amounts, and for each the WEFT_ROOT_* bits of what
 * named it (SOURCES, parallel to V). */
typedef struct rootset {
	weft_troot *v;
	unsigned *sources;
	size_t n, cap, scap;
} rootset;

/* The roots in effect for SS at T (see question.c), or the ones OPTS
 * brings (GPG_ERR_INV_VALUE, explained in CTX, for a malformed one). */
gpg_error_t weft_question__roots_in_effect(weft_ctx *ctx, store_source *ss,
					   uint32_t t,
					   const weft_trust_opts *opts,
					   rootset *out);
void weft_question__rootset_free(rootset *r);

/* ---- a question --------------------------------------------------------------- */

typedef struct question {
	weft_ctx *ctx;
	weft_txn *txn;
	store_source ss;
	rootset roots;
	weft_network *net;
	weft_gnupg *gnupg;       /* --model gnupg: validity from here */
	uint32_t t;
	int request;
	unsigned flags;
	bool amount_only;        /* bindings without their paths (a listing
				    or check shows none) */
} question;

/* Open Q on CTX's keyring under OPTS (NULL: the defaults), OV (NOV
 * records) standing in for the keyring's summaries of their keys.  Q is
 * closed whether or not opening it succeeded (it starts zeroed). */
gpg_error_t weft_question__open(question *q, weft_ctx *ctx,
				const weft_trust_opts *opts);
gpg_error_t weft_question__open_with(question *q, weft_ctx *ctx,
				     const weft_trust_opts *opts,
				     const weft_tnode_overlay *ov, size_t nov);
void weft_question__close(question *q);

/* The node of a certificate under Q's model (GPG_ERR_NOT_FOUND: none). */
gpg_error_t weft_question__node(question *q, const uint8_t *fpr, size_t len,
				uint32_t *node);
/* The user IDs of NODE that form bindings under Q's model: *OUT (the
 * caller frees it) holds *N indexes into its summary's user IDs. */
gpg_error_t weft_question__bindings(question *q, uint32_t node, int **out,
				    size_t *n);
/* Every node of the keyring (db tnodes) into SET. */
gpg_error_t weft_question__nodes(question *q, weft_fprset *set);
/* For a question about every node: load SET's nodes and find which of
 * them a root reaches, so that each search walks only that part. */
gpg_error_t weft_question__preload(question *q, const weft_fprset *set);

/* ---- results --------------------------------------------------------------------- */

/* A zeroed binding at the end of L (*CAP: its capacity) in *OUT. */
gpg_error_t weft_question__list_push(weft_binding_list *l, size_t *cap,
				     weft_binding_info **out);
/* P as weft/trust.h shows a path. */
gpg_error_t weft_question__convert_path(question *q, const weft_tpath *p,
					weft_path_info *out);
/* NODE's validity, or its user ID UID's (-1: none), authenticated to
 * AMOUNT; OWN_ROOT: NODE is a root itself. */
weft_validity weft_question__validity_of(question *q, uint32_t node, int uid,
					 int amount, bool own_root);
/* The amount that stands for a validity of GnuPG's model. */
int weft_question__gnupg_amount(weft_validity v);
/* Authenticate (NODE, user ID U or the octets UID) and append it to L
 * (*CAP: its capacity). */
gpg_error_t weft_question__add_binding(question *q, weft_binding_list *l,
				       size_t *cap, uint32_t node, int u,
				       const uint8_t *uid, size_t uid_len);
void weft_question__free_binding(weft_binding_info *b);

#endif /* WEFT_TRUST_QUESTION_H */
