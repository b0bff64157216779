/*
 * Names and exit codes of the status values. No state.
 */
#include "status.h"

const char *status_str(status rc)
{
    switch (rc) {
    case ST_OK:
        return "ok";
    case ST_USAGE:
        return "usage error";
    case ST_NOMEM:
        return "out of memory";
    case ST_IO:
        return "I/O error";
    case ST_CONNECT:
        return "cannot connect";
    case ST_TIMEOUT:
        return "timed out";
    case ST_CLOSED:
        return "connection closed";
    case ST_AUTH:
        return "authentication failed";
    case ST_NOPERM:
        return "permission denied";
    case ST_PROTOCOL:
        return "protocol error";
    case ST_SERVER:
        return "server error";
    case ST_UNSUPPORTED:
        return "not supported";
    case ST_NONEMPTY:
        return "destination not empty";
    case ST_INTERRUPTED:
        return "interrupted";
    case ST_TLS:
        return "TLS error";
    }
    return "unknown status";
}

int status_exit_code(status rc)
{
    switch (rc) {
    case ST_OK:
        return 0;
    case ST_USAGE:
    case ST_NONEMPTY:
        return 2;
    case ST_INTERRUPTED:
        return 130;
    default:
        return 1;
    }
}
