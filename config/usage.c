/*
 * The usage screens: the whole tool, `copy` and `verify`, each one screen
 * with examples. Static text only: nothing from the environment, the .env
 * file or the command line goes into them.
 *
 * Called from main's thread only.
 */
#include <stdio.h>

#include "config.h"

static const char usage_tool[] =
    "redis-migrate " RM_VERSION
    ": copy a Redis or Valkey dataset from one server to another\n"
    "\n"
    "Usage: redis-migrate COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  copy       copy every selected key, with its TTL, to the destination\n"
    "  verify     compare source and destination key by key\n"
    "  run        (later) run the migrations a YAML job file describes\n"
    "  diagnose   (later) check both ends and the network before a run\n"
    "  aws        (later) provision, inspect and remove ElastiCache targets\n"
    "\n"
    "  redis-migrate COMMAND --help   the options of one command\n"
    "  redis-migrate --version        the version\n"
    "\n"
    "Endpoints come from --source and --dest URIs\n"
    "(redis://[user@]host[:port][/db], rediss:// for TLS), or from the\n"
    "REDIS_SOURCE_* and REDIS_DEST_* variables (HOST, PORT, USERNAME,\n"
    "PASSWORD, DB, TLS, TLS_CA_FILE, ..., or a whole URI in _URL), set in\n"
    "the environment or in a .env file. Flags win over the environment,\n"
    "the environment over .env. Keep passwords in REDIS_SOURCE_PASSWORD and\n"
    "REDIS_DEST_PASSWORD: a password in a URI shows in the process list.\n"
    "\n"
    "Examples:\n"
    "  redis-migrate copy --source redis://10.0.1.5:6379 \\\n"
    "      --dest rediss://app@my-cache.abc123.use1.cache.amazonaws.com:6379\n"
    "  redis-migrate copy --match 'session:*' --on-conflict skip\n"
    "  redis-migrate verify --sample 10000\n"
    "\n"
    "Exit status: 0 done, 1 runtime failure, 2 usage or configuration\n"
    "error, 3 finished with failed keys or differences, 130 interrupted.\n";

static const char usage_copy[] =
    "Usage: redis-migrate copy [OPTIONS]\n"
    "\n"
    "Copy every selected key from the source to the destination, TTLs kept.\n"
    "\n"
    "Endpoints (or REDIS_SOURCE_* / REDIS_DEST_* in the environment or .env):\n"
    "  --source URI, --dest URI    redis://[user@]host[:port][/db], rediss://\n"
    "  --source-tls-insecure, --dest-tls-insecure   skip certificate checks\n"
    "  --read-from master|replica  source nodes to read (master)\n"
    "  --env-file FILE             settings file instead of ./.env\n"
    "Selection:\n"
    "  --db N                      only source database N (default: all)\n"
    "  --db-map SRC:DST            copy database SRC into DST (repeatable)\n"
    "  --match GLOB                take keys matching any GLOB (repeatable)\n"
    "  --exclude GLOB              leave keys matching any GLOB (repeatable)\n"
    "  --type TYPE                 string list set zset hash stream "
    "(repeatable)\n"
    "Writing:\n"
    "  --on-conflict replace|skip|fail   for keys the destination has; with\n"
    "                              none, a non-empty destination stops the "
    "run\n"
    "  --mode auto|dump|struct     auto: SET for strings to 16 KiB, else\n"
    "                              DUMP/RESTORE or type commands (README)\n"
    "  --big-key-bytes N           values above this go in parts (64m)\n"
    "  --dry-run                   check everything, write nothing\n"
    "  --verify                    verify the keys after copying\n"
    "  --ttl-tolerance-ms N        with --verify: deadlines this close\n"
    "                              are equal (1000)\n"
    "Speed and load:\n"
    "  --threads N                 worker threads (online CPUs)\n"
    "  --scan-count N (1000)       keys asked of each SCAN call\n"
    "  --pipeline N (1024)         keys in flight per worker\n"
    "  --max-ops N                 source reads per second, 0 = no limit (0)\n"
    "Output:\n"
    "  --progress auto|bar|plain|json|none   live progress on stderr (auto)\n"
    "  --report FILE               write a JSON report to FILE\n"
    "  --log-level error|warn|info|debug     (info)\n"
    "\n"
    "Examples:\n"
    "  REDIS_DEST_PASSWORD=... redis-migrate copy \\\n"
    "      --source redis://10.0.1.5:6379 --dest rediss://app@cache:6379\n"
    "  redis-migrate copy --db 2 --db-map 2:0 --match 'user:*' --dry-run\n"
    "  redis-migrate copy --on-conflict replace --report copy.json\n";

static const char usage_verify[] =
    "Usage: redis-migrate verify [OPTIONS]\n"
    "\n"
    "Compare source and destination key by key: every selected source key\n"
    "must be on the destination with the same value and, within a tolerance,\n"
    "the same expiry. Differences are reported by key name (exit status 3).\n"
    "\n"
    "Endpoints (or REDIS_SOURCE_* / REDIS_DEST_* in the environment or .env):\n"
    "  --source URI, --dest URI    redis://[user@]host[:port][/db], rediss://\n"
    "  --source-tls-insecure, --dest-tls-insecure   skip certificate checks\n"
    "  --read-from master|replica  source nodes to read (master)\n"
    "  --env-file FILE             settings file instead of ./.env\n"
    "Selection:\n"
    "  --db N, --db-map SRC:DST    as for copy\n"
    "  --match GLOB, --exclude GLOB, --type TYPE   as for copy (repeatable)\n"
    "  --sample N                  check N keys picked at random, 0 = all (0)\n"
    "Comparison:\n"
    "  --ttl-tolerance-ms N        expiry difference allowed (1000)\n"
    "Speed and load:\n"
    "  --threads N (online CPUs)   --scan-count N (1000)   --pipeline N "
    "(1024)\n"
    "  --max-ops N                 source reads per second, 0 = no limit (0)\n"
    "  --big-key-bytes N           values above this are read in parts (64m)\n"
    "Output:\n"
    "  --progress auto|bar|plain|json|none   --report FILE\n"
    "  --log-level error|warn|info|debug\n"
    "\n"
    "Examples:\n"
    "  redis-migrate verify --source redis://10.0.1.5:6379 \\\n"
    "      --dest rediss://app@cache:6379\n"
    "  redis-migrate verify --sample 100000 --report verify.json\n"
    "  redis-migrate verify --db-map 3:0 --match 'order:*'\n";

void config_usage(enum command cmd, void *out)
{
    FILE *f = out;

    switch (cmd) {
    case CMD_COPY:
        fputs(usage_copy, f);
        break;
    case CMD_VERIFY:
        fputs(usage_verify, f);
        break;
    default:
        fputs(usage_tool, f);
        break;
    }
}
