/* ctx.h - the context, engine side.  The only global state of libweft:
 * options, the open store, the progress sink and the last error line. */
#ifndef WEFT_CTX_H
#define WEFT_CTX_H

#include "internal.h"
#include <weft/weft.h>

#include "store/store.h"

struct weft_ctx {
	char *home;
	weft_store *store;       /* NULL: not open, or read-only and absent */
	bool opened;
	bool readonly;
	int64_t time;            /* 0 = now */
	unsigned threads;
	weft_progress_cb progress;
	void *progress_opaque;
	weft_passphrase_cb passphrase;
	void *passphrase_opaque;
	char error[512];
};

/* Record the detail line of the failure being returned; returns ERR. */
gpg_error_t weft_ctx__error(weft_ctx *ctx, gpg_error_t err, const char *fmt,
			    ...) __attribute__((format(printf, 3, 4)));
/* The reference time, clamped to 32 bits (OpenPGP times). */
uint32_t weft_ctx__now(const weft_ctx *ctx);
void weft_ctx__progress(const weft_ctx *ctx, const char *what, uint64_t done,
			uint64_t total);
unsigned weft_ctx__threads(const weft_ctx *ctx);
/* Begin a transaction on the open keyring; GPG_ERR_EACCES when a write
 * is asked of a read-only context, GPG_ERR_NO_KEYRING... when not open. */
gpg_error_t weft_ctx__txn(weft_ctx *ctx, bool write, weft_txn **out);

/* Hex helpers used by the API layer. */
void weft_hex(const uint8_t *p, size_t n, char *out);
/* Parse hex (spaces ignored, optional 0x); returns octets or 0. */
size_t weft_unhex(const char *s, uint8_t *out, size_t max);

#endif /* WEFT_CTX_H */
