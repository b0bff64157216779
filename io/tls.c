/*
 * OpenSSL over a BIO pair:
 *
 *   ring recv --tls_feed--> [net BIO | ssl BIO] --SSL_read--> plaintext
 *   plaintext --SSL_write--> [ssl BIO | net BIO] --tls_take_out--> ring send
 *
 * One SSL_CTX per connection keeps this file free of shared state; the
 * cost (loading the CA store) is paid once per connection, not per request.
 */
#include "tls.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define TLS_BIO_SIZE (512 * 1024)

struct tls {
    const struct endpoint *ep;
    const char *role;
    const char *env; /* "REDIS_SOURCE" or "REDIS_DEST" */
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *net; /* our end of the pair */
    SSL_SESSION *session;
    bool handshaken;
    bool ever_handshaken; /* some socket of this connection got through */
    status err;
    char errmsg[400];
};

static status tls_fail(struct tls *t, status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static status tls_fail(struct tls *t, status rc, const char *fmt, ...)
{
    va_list ap;

    if (t->err != ST_OK)
        return t->err;
    t->err = rc;
    va_start(ap, fmt);
    vsnprintf(t->errmsg, sizeof(t->errmsg), fmt, ap);
    va_end(ap);
    return rc;
}

/* The last OpenSSL error as text, and clears the queue. */
static const char *ssl_reason(char *buf, size_t len)
{
    unsigned long e = ERR_peek_last_error();

    if (!e) {
        snprintf(buf, len, "no detail from OpenSSL");
        return buf;
    }
    const char *r = ERR_reason_error_string(e);
    snprintf(buf, len, "%s", r ? r : "unknown reason");
    ERR_clear_error();
    return buf;
}

static bool is_ip(const char *host)
{
    unsigned char tmp[16];
    return inet_pton(AF_INET, host, tmp) == 1 ||
           inet_pton(AF_INET6, host, tmp) == 1;
}

static status load_files(struct tls *t, char *err, size_t errlen)
{
    const struct endpoint *ep = t->ep;
    char why[160];

    if (ep->tls_ca_file &&
        SSL_CTX_load_verify_locations(t->ctx, ep->tls_ca_file, NULL) != 1) {
        snprintf(err, errlen,
                 "%s: cannot load the CA file %s (%s); check %s_TLS_CA_FILE",
                 t->role, ep->tls_ca_file, ssl_reason(why, sizeof(why)),
                 t->env);
        return ST_USAGE;
    }
    if (!ep->tls_ca_file && SSL_CTX_set_default_verify_paths(t->ctx) != 1) {
        snprintf(err, errlen, "%s: cannot load the system CA store (%s)",
                 t->role, ssl_reason(why, sizeof(why)));
        return ST_USAGE;
    }
    if (!ep->tls_cert_file)
        return ST_OK;
    if (SSL_CTX_use_certificate_chain_file(t->ctx, ep->tls_cert_file) != 1 ||
        SSL_CTX_use_PrivateKey_file(
            t->ctx, ep->tls_key_file ? ep->tls_key_file : ep->tls_cert_file,
            SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(t->ctx) != 1) {
        snprintf(err, errlen,
                 "%s: cannot load the client certificate %s and its key (%s); "
                 "check %s_TLS_CERT_FILE and %s_TLS_KEY_FILE",
                 t->role, ep->tls_cert_file, ssl_reason(why, sizeof(why)),
                 t->env, t->env);
        return ST_USAGE;
    }
    return ST_OK;
}

/*
 * OpenSSL hands over each session the server lets us resume (with TLS
 * 1.3, a ticket that arrives after the handshake); the newest is offered
 * on the next connection. Taking it here, not at the end of the
 * connection, keeps it even when the connection dies abruptly.
 */
static int keep_session(SSL *ssl, SSL_SESSION *s)
{
    struct tls *t = SSL_get_app_data(ssl);

    if (!t || !SSL_SESSION_is_resumable(s))
        return 0;
    /* A copy: OpenSSL marks its own object unusable when the connection
     * it belongs to ends without a clean shutdown. */
    SSL_SESSION *copy = SSL_SESSION_dup(s);
    if (copy) {
        SSL_SESSION_free(t->session);
        t->session = copy;
    }
    return 0;
}

status tls_new(struct tls **out, const struct endpoint *ep, const char *role,
               char *err, size_t errlen)
{
    struct tls *t = calloc(1, sizeof(*t));
    status rc = ST_NOMEM;

    *out = NULL;
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return ST_NOMEM;
    }
    t->ep = ep;
    t->role = role;
    t->env = role[0] == 's' ? "REDIS_SOURCE" : "REDIS_DEST";
    t->ctx = SSL_CTX_new(TLS_client_method());
    if (!t->ctx) {
        snprintf(err, errlen, "%s: cannot create a TLS context", role);
        goto out;
    }
    SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(
        t->ctx, ep->tls_insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_session_cache_mode(
        t->ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(t->ctx, keep_session);
    rc = load_files(t, err, errlen);
    if (rc != ST_OK)
        goto out;
    *out = t;
    return ST_OK;

out:
    tls_free(t);
    return rc;
}

static void end_session(struct tls *t)
{
    if (!t->ssl)
        return;
    SSL_free(t->ssl); /* frees the ssl side of the pair */
    BIO_free(t->net);
    t->ssl = NULL;
    t->net = NULL;
}

void tls_free(struct tls *t)
{
    if (!t)
        return;
    end_session(t);
    SSL_SESSION_free(t->session);
    SSL_CTX_free(t->ctx);
    free(t);
}

/* Name checks and SNI for this session. */
static status set_names(struct tls *t)
{
    const char *name =
        t->ep->tls_server_name ? t->ep->tls_server_name : t->ep->host;

    if (!t->ep->tls_insecure) {
        X509_VERIFY_PARAM *p = SSL_get0_param(t->ssl);
        X509_VERIFY_PARAM_set_hostflags(p,
                                        X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        int ok = is_ip(name) ? X509_VERIFY_PARAM_set1_ip_asc(p, name)
                             : X509_VERIFY_PARAM_set1_host(p, name, 0);
        if (ok != 1)
            return ST_NOMEM;
    }
    if (!is_ip(name) && SSL_set_tlsext_host_name(t->ssl, name) != 1)
        return ST_NOMEM;
    return ST_OK;
}

status tls_start(struct tls *t)
{
    BIO *inner = NULL;

    end_session(t);
    t->handshaken = false;
    /* A closed session ended the last socket, not this one. */
    t->err = ST_OK;
    t->errmsg[0] = '\0';
    t->ssl = SSL_new(t->ctx);
    if (!t->ssl ||
        BIO_new_bio_pair(&inner, TLS_BIO_SIZE, &t->net, TLS_BIO_SIZE) != 1)
        return tls_fail(t, ST_NOMEM, "cannot set up TLS");
    SSL_set_bio(t->ssl, inner, inner);
    SSL_set_app_data(t->ssl, t);
    SSL_set_connect_state(t->ssl);
    if (set_names(t) != ST_OK)
        return tls_fail(t, ST_NOMEM, "cannot set the TLS server name");
    if (t->session)
        SSL_set_session(t->ssl, t->session);

    /* Writes the ClientHello into the BIO. */
    long n = tls_read(t, NULL, 0);
    return n < 0 ? t->err : ST_OK;
}

bool tls_ready(const struct tls *t)
{
    return t->handshaken;
}

bool tls_resumed(const struct tls *t)
{
    return t->ssl && SSL_session_reused(t->ssl);
}

/* ---- failures ------------------------------------------------------------ */

static void verify_failed(struct tls *t, long v)
{
    const char *host =
        t->ep->tls_server_name ? t->ep->tls_server_name : t->ep->host;

    switch (v) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        tls_fail(t, ST_TLS,
                 "TLS certificate check failed: the server's certificate has "
                 "expired; renew it on the server");
        return;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        tls_fail(t, ST_TLS,
                 "TLS certificate check failed: the server's certificate is "
                 "not valid yet; check the clocks");
        return;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        tls_fail(t, ST_TLS,
                 "TLS certificate check failed: the server's certificate "
                 "does not name %s (name mismatch); connect by a name the "
                 "certificate holds, or set %s_TLS_SERVER_NAME to it",
                 host, t->env);
        return;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        tls_fail(t, ST_TLS,
                 "TLS certificate check failed: the server's certificate is "
                 "signed by an unknown CA (not trusted); set %s_TLS_CA_FILE "
                 "to the CA that signed it",
                 t->env);
        return;
    default:
        tls_fail(t, ST_TLS, "TLS certificate check failed: %s",
                 X509_verify_cert_error_string(v));
    }
}

/* Explains a failed SSL call: a certificate, an alert, or not TLS at all. */
static void explain(struct tls *t)
{
    unsigned long e = ERR_peek_last_error();
    int reason = ERR_GET_REASON(e);
    char why[160];
    long v = t->ssl ? SSL_get_verify_result(t->ssl) : X509_V_OK;

    if (v != X509_V_OK && !t->ep->tls_insecure) {
        ERR_clear_error();
        verify_failed(t, v);
    } else if (reason == SSL_R_WRONG_VERSION_NUMBER ||
               reason == SSL_R_PACKET_LENGTH_TOO_LONG) {
        ERR_clear_error();
        tls_fail(t, ST_TLS,
                 "the server did not answer with TLS (is port %d a plain, "
                 "non-TLS port?); use redis:// for a plain port",
                 t->ep->port);
    } else if (reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED ||
               reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE ||
               reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE) {
        ERR_clear_error();
        tls_fail(t, ST_TLS,
                 "the server refused the TLS handshake (it requires a "
                 "client certificate, or refused ours); set "
                 "%s_TLS_CERT_FILE and %s_TLS_KEY_FILE",
                 t->env, t->env);
    } else {
        tls_fail(t, ST_TLS, "TLS failed: %s", ssl_reason(why, sizeof(why)));
    }
}

void tls_note_eof(struct tls *t)
{
    if (t->handshaken) {
        if (t->err == ST_OK)
            explain(t);
        return;
    }
    /* This server has passed a handshake before: a lost connection, to
     * be retried, not a wrong port. */
    if (t->ever_handshaken) {
        tls_fail(t, ST_CLOSED,
                 "the connection closed during the TLS "
                 "handshake");
        return;
    }
    tls_fail(t, ST_TLS,
             "the server closed the connection during the TLS handshake "
             "(a plain, non-TLS port, or a server that requires a client "
             "certificate: set %s_TLS_CERT_FILE and %s_TLS_KEY_FILE)",
             t->env, t->env);
}

/* ---- data ---------------------------------------------------------------- */

long tls_feed(struct tls *t, const void *buf, size_t n)
{
    if (t->err != ST_OK)
        return -1;
    int w = BIO_write(t->net, buf, (int)n);
    return w < 0 ? 0 : w;
}

long tls_read(struct tls *t, void *buf, size_t n)
{
    if (t->err != ST_OK)
        return -1;
    ERR_clear_error();
    if (!t->handshaken) {
        int r = SSL_do_handshake(t->ssl);
        if (r != 1) {
            int e = SSL_get_error(t->ssl, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                return 0;
            explain(t);
            return -1;
        }
        t->handshaken = true;
        t->ever_handshaken = true;
    }
    if (!buf || n == 0)
        return 0;

    int r = SSL_read(t->ssl, buf, (int)n);
    if (r > 0)
        return r;
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 0;
    if (e == SSL_ERROR_ZERO_RETURN) {
        tls_fail(t, ST_CLOSED, "the server closed the TLS session");
        return -1;
    }
    explain(t);
    return -1;
}

long tls_write(struct tls *t, const void *buf, size_t n)
{
    if (t->err != ST_OK)
        return -1;
    if (!t->handshaken)
        return 0;
    ERR_clear_error();
    int r = SSL_write(t->ssl, buf, (int)n);
    if (r > 0)
        return r;
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 0;
    explain(t);
    return -1;
}

size_t tls_out_pending(const struct tls *t)
{
    return t->net ? BIO_ctrl_pending(t->net) : 0;
}

size_t tls_take_out(struct tls *t, void *buf, size_t n)
{
    int r = BIO_read(t->net, buf, (int)n);
    return r > 0 ? (size_t)r : 0;
}

status tls_error(const struct tls *t)
{
    return t->err;
}

const char *tls_error_msg(const struct tls *t)
{
    return t->errmsg;
}
