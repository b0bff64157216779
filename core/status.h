/*
 * The one status type of redis-migrate. Every fallible function returns a
 * `status`; the variable that holds one is always called `rc`. Library
 * results (negative errno, hiredis reader errors, OpenSSL's error queue) are
 * converted where they enter our code, and their detail goes into the
 * message that the owning object keeps (see conn.h, config.h).
 *
 * Thread-safe: status_str() returns static strings.
 */
#ifndef RM_STATUS_H
#define RM_STATUS_H

typedef enum status {
    ST_OK = 0,
    ST_USAGE,       /* bad option, value or setting: exit 2 */
    ST_NOMEM,       /* an allocation or a buffer limit failed */
    ST_IO,          /* a socket or file operation failed */
    ST_CONNECT,     /* could not connect (refused, unreachable, DNS) */
    ST_TIMEOUT,     /* an operation ran past its deadline */
    ST_CLOSED,      /* the peer closed the connection */
    ST_AUTH,        /* AUTH refused */
    ST_NOPERM,      /* an ACL refused a command */
    ST_PROTOCOL,    /* the peer sent bytes that are not RESP */
    ST_SERVER,      /* the server answered a command with an error */
    ST_UNSUPPORTED, /* the server or kernel lacks a feature */
    ST_NONEMPTY,    /* a destination database holds keys, no policy given */
    ST_INTERRUPTED, /* a signal asked the run to stop */
    ST_TLS,         /* a TLS handshake or record failed */
} status;

/* A short lowercase name for `rc`, for messages ("connection refused"). */
const char *status_str(status rc);

/* The exit status a run that failed with `rc` ends with (1, 2 or 130). */
int status_exit_code(status rc);

#endif
