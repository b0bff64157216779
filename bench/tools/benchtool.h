/*
 * benchtool: the small helper program behind bench/run. It writes the bench
 * datasets as raw RESP (for `redis-cli --pipe`), prepares the RESTORE stream
 * of the ingest-ceiling row, drives the server-side MIGRATE row, and times a
 * child process (wall clock, CPU and peak RSS through wait4()).
 *
 * The helper is single-threaded and stands apart from the engine on purpose:
 * the bench must run (and show the reference rows) while the engine is being
 * written or does not build. Each subcommand is the top layer of its own
 * run, so it prints its errors on stderr and returns an exit code.
 */
#ifndef BT_BENCHTOOL_H
#define BT_BENCHTOOL_H

#include <stddef.h>
#include <stdint.h>

/* Writes `n` SET commands of `size`-byte random printable values to stdout,
 * keys "key:0" .. "key:<n-1>", from `seed`. Returns an exit code. */
int bt_gen_strings(uint64_t n, uint64_t size, uint64_t seed);

/* Writes the mixed dataset of PRODUCT.md (n keys, typed mix, 30% TTLs) to
 * stdout as RESP, from `seed`. Returns an exit code. */
int bt_gen_mixed(uint64_t n, uint64_t seed);

/* SCANs the server at host:port, DUMPs every key with its PEXPIRETIME and
 * writes `RESTORE key ttl payload REPLACE [ABSTTL]` as RESP to `path`.
 * Prints "keys N bytes B" on stdout. Returns an exit code. */
int bt_dump_stream(const char *host, int port, const char *path);

/* SCANs the source and moves its keys to the destination with
 * `MIGRATE dhost dport "" 0 timeout COPY REPLACE KEYS ...` in batches of
 * `batch` keys. Prints "keys N batches B" on stdout. Returns an exit code. */
int bt_migrate(const char *shost, int sport, const char *dhost, int dport,
               int batch, int timeout_ms);

/* Splits the RESP command stream at `in_path` by the master (from CLUSTER
 * SLOTS of host:port) owning each command's key (its first argument) into
 * `<out_prefix>.<i>`, one file per master. Prints
 * "node I HOST PORT keys N bytes B" per master. Returns an exit code. */
int bt_split_stream(const char *in_path, const char *host, int port,
                    const char *out_prefix);

/* The cluster hash slot of `len` bytes of `key` (hash tags honoured). */
unsigned bt_key_slot(const unsigned char *key, size_t len);

/* Prints the hash slot of `key`. Returns an exit code. */
int bt_key_slot_cmd(const char *key);

/* Runs argv[0] with argv, waits for it and writes one line
 * "wall_s user_s sys_s maxrss_kib exit timed_out" to `path`. A child still
 * running after `limit_s` seconds (0: no limit) gets SIGTERM, then SIGKILL
 * 5 s later. Returns the child's exit code (128 + signal when it was
 * killed, 127 when it could not start). */
int bt_timeit(const char *path, unsigned limit_s, char **argv);

#endif
