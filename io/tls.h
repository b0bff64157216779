/*
 * TLS for one connection, over memory BIOs: OpenSSL never touches the
 * socket. The connection hands it the ciphertext its ring received
 * (tls_feed), reads plaintext out (tls_read), gives it plaintext to send
 * (tls_write) and collects the ciphertext to hand to the ring
 * (tls_take_out). So io_uring (or the poll loop) still does every socket
 * read and write.
 *
 * Certificates are verified by default (the system store, or the CA file),
 * with the host name or IP address checked and SNI sent; `tls_insecure`
 * turns the checks off. A session is kept across reconnects and offered
 * again, so a server that allows it resumes instead of a full handshake.
 *
 * Owned by one connection, so by one thread. Nothing here logs; failures
 * come back as a status and one sentence naming what failed and what to
 * set (never a secret).
 */
#ifndef RM_TLS_H
#define RM_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "../config/config.h"
#include "../core/status.h"

struct tls;

/*
 * Builds the TLS state for `ep` (CA, client certificate, verification
 * settings), without a session yet. `role` is "source" or "destination",
 * for messages. ST_USAGE with a message when a file cannot be loaded.
 */
status tls_new(struct tls **out, const struct endpoint *ep, const char *role,
               char *err, size_t errlen);
void tls_free(struct tls *t);

/* Starts a new session for a fresh socket, resuming the last one when it
 * can; the ClientHello is then waiting in tls_take_out(). */
status tls_start(struct tls *t);

/* Whether the handshake has finished. */
bool tls_ready(const struct tls *t);

/* Whether the finished handshake resumed an earlier session. */
bool tls_resumed(const struct tls *t);

/*
 * Hands `n` received bytes to TLS. Returns how many it took (it takes all
 * of them when the caller drains tls_read() between calls), or -1 on
 * failure.
 */
long tls_feed(struct tls *t, const void *buf, size_t n);

/*
 * Moves the handshake on and reads plaintext: returns bytes read into buf,
 * 0 when none is available yet, or -1 on failure (tls_error() says why;
 * ST_CLOSED when the server closed the session cleanly).
 */
long tls_read(struct tls *t, void *buf, size_t n);

/* Encrypts up to `n` plaintext bytes; returns how many were taken (0 when
 * the handshake has not finished), or -1 on failure. */
long tls_write(struct tls *t, const void *buf, size_t n);

/* Ciphertext waiting to be sent. */
size_t tls_out_pending(const struct tls *t);

/* Moves up to `n` bytes of waiting ciphertext into buf. */
size_t tls_take_out(struct tls *t, void *buf, size_t n);

/* The first failure: a status and a sentence. */
status tls_error(const struct tls *t);
const char *tls_error_msg(const struct tls *t);

/*
 * Turns the end of a connection during the handshake (EOF, reset) into a
 * TLS failure with a message: a plain server, or one that wanted a client
 * certificate, closes without a word.
 */
void tls_note_eof(struct tls *t);

#endif
