/* weft/weft.h - libweft, a web-of-trust OpenPGP keyring engine.
 *
 * The one public entry point: include this header and nothing else.
 *
 *   weft_ctx *ctx;
 *   weft_ctx_new(&ctx);
 *   weft_ctx_open(ctx, NULL, WEFT_OPEN_READONLY);   // $WEFT_HOME, ...
 *   ... weft_keys_find(), weft_import(), weft_export() ...
 *   weft_ctx_free(ctx);
 *
 * The engine never prints, prompts or exits.  Long operations report
 * progress through a callback; failures leave one line of detail in the
 * context (weft_ctx_error()).
 */
#ifndef WEFT_WEFT_H
#define WEFT_WEFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <weft/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WEFT_VERSION "0.1.0"

typedef struct weft_ctx weft_ctx;

/* Version of the library at run time. */
const char *weft_version(void);

/* A new context: libgcrypt is initialised here (once per process).
 * GPG_ERR_ENOMEM, GPG_ERR_NOT_SUPPORTED (libgcrypt too old). */
gpg_error_t weft_ctx_new(weft_ctx **out);
/* Closes the keyring if open.  Accepts NULL. */
void weft_ctx_free(weft_ctx *ctx);

/* One line about the last failure ("" when none).  Valid until the next
 * call on CTX. */
const char *weft_ctx_error(const weft_ctx *ctx);

/* The reference time for every validity question (Unix seconds); 0 means
 * "now", read at each call. */
void weft_ctx_set_time(weft_ctx *ctx, int64_t t);
int64_t weft_ctx_time(const weft_ctx *ctx);

/* Progress of long operations: WHAT names the phase ("reading",
 * "verifying", "writing"), DONE of TOTAL units.  Called from the thread
 * that called into the library. */
typedef void (*weft_progress_cb)(void *opaque, const char *what,
				 uint64_t done, uint64_t total);
void weft_ctx_set_progress(weft_ctx *ctx, weft_progress_cb cb, void *opaque);

/* Passphrases.  The engine never prompts: when it needs a passphrase it
 * calls this callback.  DESCRIPTION names the key in one line ("Alice
 * <alice@example.org>, ed25519 key 0123...ABCD"); NEW is true when a new
 * passphrase is being chosen (the program should ask twice); ATTEMPT counts
 * from 1 and grows after a wrong passphrase.  The callback writes a
 * NUL-terminated passphrase into BUF (BUFLEN octets, in secure memory;
 * the engine wipes it) and returns 0, or GPG_ERR_CANCELED (the user gave
 * up), GPG_ERR_NO_PASSPHRASE (none available, e.g. no terminal). */
typedef gpg_error_t (*weft_passphrase_cb)(void *opaque,
					  const char *description, bool new_,
					  unsigned attempt, char *buf,
					  size_t buflen);
void weft_ctx_set_passphrase(weft_ctx *ctx, weft_passphrase_cb cb,
			     void *opaque);

/* Threads used for signature verification (0 = one per core). */
void weft_ctx_set_threads(weft_ctx *ctx, unsigned n);

enum {
	WEFT_OPEN_READONLY = 1,  /* no writes; a missing keyring reads as
				    empty */
	WEFT_OPEN_EXISTING = 2,  /* a missing keyring is an error, neither
				    created nor read as empty: for work
				    that only makes sense on one that
				    exists (weft fsck --compact) */
};

/* The keyring directory: HOME if not NULL, else $WEFT_HOME, else
 * $XDG_DATA_HOME/weft, else ~/.local/share/weft.  Caller frees. */
char *weft_default_home(const char *home);

/* Open (creating it 0700 unless READONLY or EXISTING) the keyring in
 * HOME (see weft_default_home).  Many processes may open one keyring at
 * once: readers never block, writers take turns.
 *   GPG_ERR_EACCES / GPG_ERR_ENOENT ...  the directory cannot be used
 *   GPG_ERR_ENOENT    with EXISTING: there is no keyring in it
 *   GPG_ERR_INV_DATA  the keyring has an unknown schema version
 */
gpg_error_t weft_ctx_open(weft_ctx *ctx, const char *home, unsigned flags);
/* The directory actually opened (borrowed; NULL before open). */
const char *weft_ctx_home(const weft_ctx *ctx);

#ifdef __cplusplus
}
#endif

#include <weft/complete.h>
#include <weft/key.h>
#include <weft/mail.h>
#include <weft/store.h>
#include <weft/secret.h>
#include <weft/trust.h>
#include <weft/verify.h>
#include <weft/x509.h>

#endif /* WEFT_WEFT_H */
