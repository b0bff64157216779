/*
 * Unit tests of core/cluster.c: the topology read from CLUSTER SHARDS and
 * CLUSTER SLOTS replies, topology_add/find, and cluster_slot().
 *
 * The replies in data/cluster/replies.h were recorded byte for byte by
 * data/cluster/record.py from real redis-server 7.0 and valkey-server 8.0
 * clusters of 3 masters and 3 replicas: fresh, with keys written, with host
 * names preferred but none announced, after a master was killed and its
 * replica promoted, after a replica was killed too, with announced host
 * names under each cluster-preferred-endpoint-type, and a one-node cluster.
 * Each is checked against the layout CLUSTER NODES gave at the same moment.
 * Hand-made replies below cover older servers (CLUSTER SLOTS of Redis 6 and
 * 3.0), TLS ports, unusual orders and malformed shapes, and a seeded fuzzer
 * swaps and replaces parts of recorded replies. Key slots are checked
 * against the examples of the cluster specification, a CRC16 written here,
 * and CLUSTER KEYSLOT of both servers for a few hundred binary keys.
 *
 * Replies are read with hiredis's redisReader, as the product reads them.
 * No server is needed. Single-threaded.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "core/cluster.h"

#include "data/cluster/replies.h"

#define RESP(lit) lit, sizeof(lit) - 1
#define N_REC     (sizeof(recordings) / sizeof(recordings[0]))

/* ---- hand-made replies ---------------------------------------------------
 */

/* clang-format off */
/* CLUSTER SLOTS of Redis 6: node entries [ip, port, id], no metadata;
 * master 7000 holds two ranges. */
static const char redis6_slots[] =
    "*4\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*3\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7000\r\n"
    "$40\r\n" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
    "*3\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7003\r\n"
    "$40\r\n" "dddddddddddddddddddddddddddddddddddddddd\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*3\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7001\r\n"
    "$40\r\n" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n"
    "*3\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7004\r\n"
    "$40\r\n" "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":12000\r\n"
    "*3\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7002\r\n"
    "$40\r\n" "cccccccccccccccccccccccccccccccccccccccc\r\n"
    "*3\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7005\r\n"
    "$40\r\n" "ffffffffffffffffffffffffffffffffffffffff\r\n"
    "*4\r\n"
    ":12001\r\n"
    ":16383\r\n"
    "*3\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7000\r\n"
    "$40\r\n" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
    "*3\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7003\r\n"
    "$40\r\n" "dddddddddddddddddddddddddddddddddddddddd\r\n";

/* CLUSTER SLOTS of Redis 3.0: node entries [ip, port], no node ID. */
static const char redis3_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*2\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7000\r\n"
    "*2\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7003\r\n"
    "*3\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*2\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7001\r\n"
    "*3\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*2\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":7002\r\n";

/* One shard whose nodes give a tls-port beside the port. */
static const char tls_shards[] =
    "*1\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
    "$4\r\n" "port\r\n"
    ":7000\r\n"
    "$8\r\n" "tls-port\r\n"
    ":7100\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":100\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n"
    "$4\r\n" "port\r\n"
    ":7001\r\n"
    "$8\r\n" "tls-port\r\n"
    ":7101\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":100\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";

/* A shard listing its replicas before its master, and two replicas. */
static const char replica_first_shards[] =
    "*2\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":8191\r\n"
    "$5\r\n" "nodes\r\n"
    "*3\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n"
    "$4\r\n" "port\r\n"
    ":7001\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":100\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "cccccccccccccccccccccccccccccccccccccccc\r\n"
    "$4\r\n" "port\r\n"
    ":7002\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":100\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
    "$4\r\n" "port\r\n"
    ":7000\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":100\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":8192\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*1\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "dddddddddddddddddddddddddddddddddddddddd\r\n"
    "$4\r\n" "port\r\n"
    ":7003\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":100\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";

/* Empty host names: the endpoint, else ("?") the IP. */
static const char empty_hostname_shards[] =
    "*1\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
    "$4\r\n" "port\r\n"
    ":7000\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.2\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.3\r\n"
    "$8\r\n" "hostname\r\n"
    "$0\r\n" "\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":100\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n"
    "$4\r\n" "port\r\n"
    ":7001\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.2\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$8\r\n" "hostname\r\n"
    "$0\r\n" "\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":100\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";

/* A shard with two slot ranges. */
static const char multi_range_shards[] =
    "*2\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*4\r\n"
    ":0\r\n"
    ":99\r\n"
    ":200\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*1\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
    "$4\r\n" "port\r\n"
    ":7000\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":100\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":100\r\n"
    ":199\r\n"
    "$5\r\n" "nodes\r\n"
    "*1\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n"
    "$4\r\n" "port\r\n"
    ":7001\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":100\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";

/* clang-format on */

/* What a malformed reply must give: an error; an error or slots left
 * without a master (a node the parser cannot address may be skipped); an
 * error or a topology that holds together (pieces dropped or overridden). */
enum bad_mode { MUST_FAIL, FAIL_OR_UNASSIGNED, FAIL_OR_SANE };

/* The one master node of most malformed replies. */
#define SHARDS_MASTER                                                          \
    "*6\r\n$4\r\nport\r\n:7000\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n"             \
    "$4\r\nrole\r\n$6\r\nmaster\r\n"
#define SLOTS_MASTER                                                           \
    "*3\r\n$9\r\n127.0.0.1\r\n:7000\r\n"                                       \
    "$40\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"

static const struct bad_reply {
    const char *what;
    bool slots; /* CLUSTER SLOTS, else CLUSTER SHARDS */
    enum bad_mode mode;
    const char *resp;
    size_t len;
} bad_replies[] = {
    {"a status reply", false, MUST_FAIL, RESP("+OK\r\n")},
    {"an error reply", false, MUST_FAIL,
     RESP("-ERR unknown subcommand 'shards'\r\n")},
    {"a nil reply", false, MUST_FAIL, RESP("$-1\r\n")},
    {"an integer reply", false, MUST_FAIL, RESP(":5\r\n")},
    {"a shard that is an integer", false, MUST_FAIL, RESP("*1\r\n:5\r\n")},
    {"a shard without slots", false, MUST_FAIL,
     RESP("*1\r\n*2\r\n$5\r\nnodes\r\n*1\r\n" SHARDS_MASTER)},
    {"a shard without nodes", false, MUST_FAIL,
     RESP("*1\r\n*2\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n")},
    {"slots that are a string", false, MUST_FAIL,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n$7\r\n0-16383\r\n$5\r\nnodes\r\n"
          "*1\r\n" SHARDS_MASTER)},
    {"nodes that are an integer", false, MUST_FAIL,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n:7\r\n")},
    {"a slot past 16383", false, MUST_FAIL,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16384\r\n"
          "$5\r\nnodes\r\n*1\r\n" SHARDS_MASTER)},
    {"a negative slot", false, MUST_FAIL,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:-1\r\n:100\r\n"
          "$5\r\nnodes\r\n*1\r\n" SHARDS_MASTER)},
    {"a range that ends before it starts", false, MUST_FAIL,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:200\r\n:100\r\n"
          "$5\r\nnodes\r\n*1\r\n" SHARDS_MASTER)},
    {"a range without its end", false, MUST_FAIL,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*1\r\n:0\r\n$5\r\nnodes\r\n*"
          "1\r\n" SHARDS_MASTER)},
    {"a last range without its end", false, MUST_FAIL,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*3\r\n:0\r\n:100\r\n:101\r\n"
          "$5\r\nnodes\r\n*1\r\n" SHARDS_MASTER)},
    {"a slot that is nil", false, MUST_FAIL,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n$-1\r\n:100\r\n"
          "$5\r\nnodes\r\n*1\r\n" SHARDS_MASTER)},
    {"a slot that is an array", false, MUST_FAIL,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n*1\r\n:0\r\n:100\r\n"
          "$5\r\nnodes\r\n*1\r\n" SHARDS_MASTER)},
    {"a master without a port", false, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*1\r\n*4\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n"
          "$4\r\nrole\r\n$6\r\nmaster\r\n")},
    {"a master with port 0", false, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*1\r\n*6\r\n$4\r\nport\r\n:0\r\n$2\r\nip\r\n"
          "$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n")},
    {"a master with port 65536", false, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*1\r\n*6\r\n$4\r\nport\r\n:65536\r\n"
          "$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n"
          "$6\r\nmaster\r\n")},
    /* No address: the node asked (as a one-node cluster answers). */
    {"a master without an address", false, FAIL_OR_SANE,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*1\r\n*4\r\n$4\r\nport\r\n:7000\r\n"
          "$4\r\nrole\r\n$6\r\nmaster\r\n")},
    {"a node that is an integer", false, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*1\r\n:7\r\n")},
    {"a node whose role has no value", false, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*1\r\n*5\r\n$4\r\nport\r\n:7000\r\n"
          "$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n")},
    {"a shard without a master", false, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*1\r\n*6\r\n$4\r\nport\r\n:7000\r\n"
          "$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n"
          "$7\r\nreplica\r\n")},
    {"a shard without nodes", false, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*0\r\n")},
    {"a status reply", true, MUST_FAIL, RESP("+OK\r\n")},
    {"an error reply", true, MUST_FAIL,
     RESP("-ERR This instance has cluster support disabled\r\n")},
    {"a nil reply", true, MUST_FAIL, RESP("$-1\r\n")},
    {"an integer reply", true, MUST_FAIL, RESP(":5\r\n")},
    {"a range that is an integer", true, MUST_FAIL, RESP("*1\r\n:5\r\n")},
    {"a range with only its start", true, MUST_FAIL,
     RESP("*1\r\n*1\r\n:0\r\n")},
    {"a range without a master", true, MUST_FAIL,
     RESP("*1\r\n*2\r\n:0\r\n:16383\r\n")},
    {"a slot past 16383", true, MUST_FAIL,
     RESP("*1\r\n*3\r\n:0\r\n:16384\r\n" SLOTS_MASTER)},
    {"a negative slot", true, MUST_FAIL,
     RESP("*1\r\n*3\r\n:-1\r\n:5\r\n" SLOTS_MASTER)},
    {"a range that ends before it starts", true, MUST_FAIL,
     RESP("*1\r\n*3\r\n:200\r\n:100\r\n" SLOTS_MASTER)},
    {"a slot that is nil", true, MUST_FAIL,
     RESP("*1\r\n*3\r\n$-1\r\n:100\r\n" SLOTS_MASTER)},
    {"a slot that is an array", true, MUST_FAIL,
     RESP("*1\r\n*3\r\n:0\r\n*1\r\n:16383\r\n" SLOTS_MASTER)},
    {"a master that is an integer", true, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*3\r\n:0\r\n:16383\r\n:7\r\n")},
    {"a master without a port", true, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*3\r\n:0\r\n:16383\r\n*1\r\n$9\r\n127.0.0.1\r\n")},
    {"a master with port 0", true, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$9\r\n127.0.0.1\r\n:0\r\n"
          "$40\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")},
    {"a master with port -1", true, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$9\r\n127.0.0.1\r\n:-1\r\n"
          "$40\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")},
    {"a master with port 65536", true, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$9\r\n127.0.0.1\r\n"
          ":65536\r\n"
          "$40\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")},
    {"a master whose port is nil", true, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$9\r\n127.0.0.1\r\n$-1\r\n"
          "$40\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")},
    /* A nil endpoint means "the node you asked" (the caller fills in its
     * address), so a topology with an empty host is a sane answer. */
    {"a master with a nil host and no metadata", true, FAIL_OR_SANE,
     RESP("*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$-1\r\n:7000\r\n"
          "$40\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n")},
    {"an empty master entry", true, FAIL_OR_UNASSIGNED,
     RESP("*1\r\n*3\r\n:0\r\n:16383\r\n*0\r\n")},
    {"a replica that is an integer", false, FAIL_OR_SANE,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*2\r\n" SHARDS_MASTER ":7\r\n")},
    {"a replica without a port", false, FAIL_OR_SANE,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*2\r\n" SHARDS_MASTER
          "*4\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n"
          "$7\r\nreplica\r\n")},
    {"a shard with two masters", false, FAIL_OR_SANE,
     RESP("*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*2\r\n" SHARDS_MASTER
          "*6\r\n$4\r\nport\r\n:7001\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n"
          "$4\r\nrole\r\n$6\r\nmaster\r\n")},
    {"two shards claiming the same slots", false, FAIL_OR_SANE,
     RESP("*2\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n"
          "$5\r\nnodes\r\n*1\r\n" SHARDS_MASTER
          "*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n"
          "*1\r\n*6\r\n$4\r\nport\r\n:7001\r\n$2\r\nip\r\n"
          "$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n")},
    {"a replica that is an integer", true, FAIL_OR_SANE,
     RESP("*1\r\n*4\r\n:0\r\n:16383\r\n" SLOTS_MASTER ":7\r\n")},
    {"an empty replica entry", true, FAIL_OR_SANE,
     RESP("*1\r\n*4\r\n:0\r\n:16383\r\n" SLOTS_MASTER "*0\r\n")},
    {"metadata that is not a map", true, FAIL_OR_SANE,
     RESP("*1\r\n*3\r\n:0\r\n:16383\r\n*4\r\n$9\r\n127.0.0.1\r\n"
          ":7000\r\n$40\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
          ":5\r\n")},
    {"a node ID that is too long", true, FAIL_OR_SANE,
     RESP("*1\r\n*3\r\n:0\r\n:16383\r\n*3\r\n$9\r\n127.0.0.1\r\n"
          ":7000\r\n"
          "$80\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
          "aaaaaaaaaaaaaaaaaaa\r\n")},
    {"overlapping ranges", true, FAIL_OR_SANE,
     RESP("*2\r\n*3\r\n:0\r\n:16383\r\n" SLOTS_MASTER
          "*3\r\n:100\r\n:200\r\n*3\r\n$9\r\n127.0.0.1\r\n:7001\r\n"
          "$40\r\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n")},
    {"a master listed as a replica of itself", true, FAIL_OR_SANE,
     RESP("*1\r\n*4\r\n:0\r\n:16383\r\n" SLOTS_MASTER SLOTS_MASTER)},
};

/* ---- helpers --------------------------------------------------------------
 */

/* What a test allocates lives here, so that a failing test (cmocka jumps out
 * of it) still frees everything in teardown and the sanitizers stay quiet. */
static redisReply *g_reply[2];
static struct topology g_t[2];

static void drop(int i)
{
    if (g_reply[i])
        freeReplyObject(g_reply[i]);
    g_reply[i] = NULL;
    topology_free(&g_t[i]);
    memset(&g_t[i], 0, sizeof(g_t[i]));
}

static int teardown(void **state)
{
    (void)state;
    drop(0);
    drop(1);
    return 0;
}

static const char *cmd_of(bool slots)
{
    return slots ? "CLUSTER SLOTS" : "CLUSTER SHARDS";
}

/* Reads the one whole reply in `bytes` into g_reply[i]. */
static redisReply *parse(int i, const char *what, const char *bytes, size_t len)
{
    redisReader *rd = redisReaderCreate();
    void *r = NULL, *extra = NULL;
    char why[160] = "incomplete reply";
    int rc;

    assert_non_null(rd);
    rc = redisReaderFeed(rd, bytes, len);
    if (rc == REDIS_OK)
        rc = redisReaderGetReply(rd, &r);
    if (rc == REDIS_OK && r)
        rc = redisReaderGetReply(rd, &extra);
    if (rc != REDIS_OK)
        snprintf(why, sizeof(why), "%s", rd->errstr);
    redisReaderFree(rd);
    if (extra)
        freeReplyObject(extra);
    if (g_reply[i])
        freeReplyObject(g_reply[i]);
    g_reply[i] = r;
    if (rc != REDIS_OK || !r || extra)
        print_error("%s: hiredis read no single whole reply (%s)\n", what,
                    extra ? "bytes after the reply" : why);
    assert_int_equal(rc, REDIS_OK);
    assert_non_null(r);
    assert_null(extra);
    return r;
}

static status read_topology(struct topology *t, const redisReply *r, bool slots,
                            bool tls, char *err, size_t errlen)
{
    return slots ? topology_from_slots(t, r, err, errlen)
                 : topology_from_shards(t, r, tls, err, errlen);
}

/* Parses `bytes` and reads it into g_t[i]; fails the test unless ST_OK. */
static struct topology *read_ok(int i, const char *what, bool slots, bool tls,
                                const char *bytes, size_t len)
{
    char err[256] = "";
    const redisReply *r = parse(i, what, bytes, len);
    status rc = read_topology(&g_t[i], r, slots, tls, err, sizeof(err));

    if (rc != ST_OK)
        print_error("%s: %s failed: %s (%s)\n", what, cmd_of(slots),
                    status_str(rc), err);
    assert_int_equal(rc, ST_OK);
    return &g_t[i];
}

static void dump(const struct topology *t)
{
    for (int i = 0; i < t->n_nodes; i++) {
        const struct cluster_node *n = &t->nodes[i];
        int lo = -1, hi = -1;

        for (int s = 0; s < CLUSTER_SLOTS; s++)
            if (t->slot_master[s] == i) {
                if (lo < 0)
                    lo = s;
                hi = s;
            }
        fprintf(stderr, "    node %d: %s:%d id \"%s\" master_of %d", i,
                n->host ? n->host : "(null)", n->port, n->id, n->master_of);
        if (lo >= 0)
            fprintf(stderr, ", slots within %d-%d", lo, hi);
        fputc('\n', stderr);
    }
}

static const char *host_of(const struct topology *t, int i)
{
    return i >= 0 && i < t->n_nodes ? t->nodes[i].host : "(none)";
}

static int port_of(const struct topology *t, int i)
{
    return i >= 0 && i < t->n_nodes ? t->nodes[i].port : -1;
}

/* What any topology the parsers return must hold: nodes with an address,
 * replicas pointing at masters, slots pointing at masters. Returns false
 * (and says why) where it does not. */
static bool sane(const char *what, const struct topology *t)
{
    for (int i = 0; i < t->n_nodes; i++) {
        const struct cluster_node *n = &t->nodes[i];

        if (!n->host || n->port <= 0 || n->port > 65535 ||
            memchr(n->id, '\0', sizeof(n->id)) == NULL || n->master_of < -1 ||
            n->master_of >= t->n_nodes ||
            (n->master_of >= 0 && t->nodes[n->master_of].master_of != -1)) {
            print_error("%s: node %d is not well formed\n", what, i);
            dump(t);
            return false;
        }
    }
    for (int s = 0; s < CLUSTER_SLOTS; s++) {
        int m = t->slot_master[s];

        if (m < -1 || m >= t->n_nodes ||
            (m >= 0 && t->nodes[m].master_of != -1)) {
            print_error("%s: slot %d points at node %d, not a master\n", what,
                        s, m);
            dump(t);
            return false;
        }
    }
    return true;
}

static bool is_node_id(const char *id)
{
    size_t n = strlen(id);

    return n == 40 && strspn(id, "0123456789abcdef") == n;
}

/* ---- recorded replies -----------------------------------------------------
 */

static const struct recording *recording(const char *name)
{
    for (size_t i = 0; i < N_REC; i++)
        if (strcmp(recordings[i].name, name) == 0)
            return &recordings[i];
    print_error("no recording named %s\n", name);
    fail();
    return NULL;
}

/*
 * Checks the topology read from one recorded reply against the layout that
 * CLUSTER NODES gave: every slot has the live master that CLUSTER NODES
 * names (by host name where announced), each master's live replica is found
 * (CLUSTER SLOTS of Redis 7.0 leaves out replicas that have no replication
 * offset yet), failed nodes are left out, and there is no other node.
 */
static void check_recorded(const struct recording *rec, bool slots)
{
    char what[96];
    const struct topology *t;
    int want_nodes = 0, masters = 0, unassigned;

    snprintf(what, sizeof(what), "%s, %s", rec->name, cmd_of(slots));
    t = read_ok(0, what, slots, false, slots ? rec->slots : rec->shards,
                slots ? rec->slots_len : rec->shards_len);
    assert_true(sane(what, t));

    unassigned = topology_unassigned(t);
    if (unassigned != 0) {
        print_error("%s: %d slots without a master, expected 0\n", what,
                    unassigned);
        dump(t);
    }
    assert_int_equal(unassigned, 0);

    for (int k = 0; k < 3; k++) {
        const struct recorded_master *em = &rec->masters[k];
        int m = topology_find(t, em->host, em->port);
        bool listed = em->replica_port && (!slots || rec->slots_replicas);
        int r;

        if (m < 0 || t->nodes[m].master_of != -1) {
            print_error("%s: master %s:%d (slots %d-%d) %s\n", what, em->host,
                        em->port, em->lo, em->hi,
                        m < 0 ? "not found" : "found as a replica");
            dump(t);
        }
        assert_true(m >= 0);
        assert_int_equal(t->nodes[m].master_of, -1);
        want_nodes++;

        for (int s = em->lo; s <= em->hi; s++)
            if (t->slot_master[s] != m) {
                int got = t->slot_master[s];

                print_error("%s: slot %d: expected %s:%d, got %s:%d\n", what, s,
                            em->host, em->port, host_of(t, got),
                            port_of(t, got));
                fail();
            }

        r = topology_replica_of(t, m);
        if (listed) {
            want_nodes++;
            if (r < 0 || strcmp(t->nodes[r].host, em->replica_host) != 0 ||
                t->nodes[r].port != em->replica_port) {
                print_error("%s: replica of %s:%d: expected %s:%d, got "
                            "%s:%d\n",
                            what, em->host, em->port, em->replica_host,
                            em->replica_port, host_of(t, r), port_of(t, r));
                dump(t);
                fail();
            }
        } else if (r >= 0) {
            print_error("%s: %s:%d has no live replica%s, got %s:%d\n", what,
                        em->host, em->port,
                        em->replica_port ? " listed in this reply" : "",
                        host_of(t, r), port_of(t, r));
            dump(t);
            fail();
        }
    }

    for (int i = 0; i < t->n_nodes; i++) {
        for (int f = 0; f < 2; f++)
            if (rec->failed[f] && t->nodes[i].port == rec->failed[f]) {
                print_error("%s: node %s:%d is marked fail and must be left "
                            "out\n",
                            what, t->nodes[i].host, t->nodes[i].port);
                dump(t);
                fail();
            }
        if (!is_node_id(t->nodes[i].id)) {
            print_error("%s: node %d has ID \"%s\", expected 40 hex digits\n",
                        what, i, t->nodes[i].id);
            fail();
        }
        masters += t->nodes[i].master_of == -1;
    }
    if (masters != 3 || t->n_nodes != want_nodes) {
        print_error("%s: %d masters and %d nodes, expected 3 and %d\n", what,
                    masters, t->n_nodes, want_nodes);
        dump(t);
    }
    assert_int_equal(masters, 3);
    assert_int_equal(t->n_nodes, want_nodes);
}

static void test_recorded_shards(void **state)
{
    check_recorded(*state, false);
}

static void test_recorded_slots(void **state)
{
    check_recorded(*state, true);
}

/* CLUSTER SHARDS and CLUSTER SLOTS of the same moment name the same
 * address for every slot. */
static void test_recorded_shards_and_slots_agree(void **state)
{
    const struct recording *rec = *state;
    char what[96];
    const struct topology *a, *b;

    snprintf(what, sizeof(what), "%s, CLUSTER SHARDS", rec->name);
    a = read_ok(0, what, false, false, rec->shards, rec->shards_len);
    snprintf(what, sizeof(what), "%s, CLUSTER SLOTS", rec->name);
    b = read_ok(1, what, true, false, rec->slots, rec->slots_len);
    for (int s = 0; s < CLUSTER_SLOTS; s++) {
        int i = a->slot_master[s], j = b->slot_master[s];

        if (port_of(a, i) != port_of(b, j) ||
            strcmp(host_of(a, i), host_of(b, j)) != 0) {
            print_error("%s: slot %d: CLUSTER SHARDS names %s:%d, CLUSTER "
                        "SLOTS %s:%d\n",
                        rec->name, s, host_of(a, i), port_of(a, i),
                        host_of(b, j), port_of(b, j));
            fail();
        }
    }
}

/* A one-node cluster's node does not know its own IP: both replies give ""
 * for it, and the client is meant to use the address it connected to. The
 * slots must still have a master, at the node's port. */
static void
test_a_one_node_cluster_still_has_a_master_for_every_slot(void **state)
{
    static const struct {
        const char *name;
        const char *shards, *slots;
        size_t shards_len, slots_len;
        int port;
    } one[] = {
        {"redis7_single", redis7_single_shards, redis7_single_slots,
         sizeof(redis7_single_shards) - 1, sizeof(redis7_single_slots) - 1,
         redis7_single_port},
        {"valkey8_single", valkey8_single_shards, valkey8_single_slots,
         sizeof(valkey8_single_shards) - 1, sizeof(valkey8_single_slots) - 1,
         valkey8_single_port},
    };
    int bad = 0;

    (void)state;
    for (size_t k = 0; k < sizeof(one) / sizeof(one[0]); k++)
        for (int slots = 0; slots < 2; slots++) {
            char what[96];
            const struct topology *t;
            int m, unassigned;

            snprintf(what, sizeof(what), "%s, %s", one[k].name, cmd_of(slots));
            t = read_ok(0, what, slots, false,
                        slots ? one[k].slots : one[k].shards,
                        slots ? one[k].slots_len : one[k].shards_len);
            assert_true(sane(what, t));
            unassigned = topology_unassigned(t);
            m = t->slot_master[0];
            if (unassigned != 0 || port_of(t, m) != one[k].port) {
                print_error("%s: %d slots without a master, slot 0 at port "
                            "%d; expected 0 and port %d\n",
                            what, unassigned, port_of(t, m), one[k].port);
                dump(t);
                bad++;
            }
            drop(0);
        }
    assert_int_equal(bad, 0);
}

/* ---- hand-made replies ----------------------------------------------------
 */

/* Checks that `slots` lo..hi belong to host:port and returns its index. */
static int expect_master(const char *what, const struct topology *t,
                         const char *host, int port, int lo, int hi)
{
    int m = topology_find(t, host, port);

    if (m < 0) {
        print_error("%s: master %s:%d not found\n", what, host, port);
        dump(t);
    }
    assert_true(m >= 0);
    assert_int_equal(t->nodes[m].master_of, -1);
    for (int s = lo; s <= hi; s++)
        if (t->slot_master[s] != m) {
            print_error("%s: slot %d: expected %s:%d, got %s:%d\n", what, s,
                        host, port, host_of(t, t->slot_master[s]),
                        port_of(t, t->slot_master[s]));
            fail();
        }
    return m;
}

/* Checks that the first replica of master `m` is host:port. */
static void expect_replica(const char *what, const struct topology *t, int m,
                           const char *host, int port)
{
    int r = topology_replica_of(t, m);

    if (port == 0 && r < 0)
        return;
    if (r < 0 || port == 0 || strcmp(t->nodes[r].host, host) != 0 ||
        t->nodes[r].port != port) {
        print_error("%s: replica of %s:%d: expected %s:%d, got %s:%d\n", what,
                    t->nodes[m].host, t->nodes[m].port, port ? host : "none",
                    port, host_of(t, r), port_of(t, r));
        dump(t);
        fail();
    }
}

static void test_redis6_slots_without_metadata_parse(void **state)
{
    const char *w = "Redis 6 CLUSTER SLOTS";
    const struct topology *t;
    int a, b, c;

    (void)state;
    t = read_ok(0, w, true, false, RESP(redis6_slots));
    assert_true(sane(w, t));
    assert_int_equal(topology_unassigned(t), 0);
    a = expect_master(w, t, "127.0.0.1", 7000, 0, 5460);
    expect_master(w, t, "127.0.0.1", 7000, 12001, 16383);
    b = expect_master(w, t, "127.0.0.1", 7001, 5461, 10922);
    c = expect_master(w, t, "127.0.0.1", 7002, 10923, 12000);
    expect_replica(w, t, a, "127.0.0.1", 7003);
    expect_replica(w, t, b, "127.0.0.1", 7004);
    expect_replica(w, t, c, "127.0.0.1", 7005);
    /* The master of two ranges, and its replica, are one node each. */
    assert_int_equal(t->n_nodes, 6);
    assert_string_equal(t->nodes[a].id,
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_true(topology_owns_slots(t, a));
    assert_false(topology_owns_slots(t, topology_replica_of(t, a)));
}

static void test_redis3_slots_without_node_ids_parse(void **state)
{
    const char *w = "Redis 3.0 CLUSTER SLOTS";
    const struct topology *t;
    int a, b;

    (void)state;
    t = read_ok(0, w, true, false, RESP(redis3_slots));
    assert_true(sane(w, t));
    assert_int_equal(topology_unassigned(t), 0);
    a = expect_master(w, t, "127.0.0.1", 7000, 0, 5460);
    b = expect_master(w, t, "127.0.0.1", 7001, 5461, 10922);
    expect_master(w, t, "127.0.0.1", 7002, 10923, 16383);
    expect_replica(w, t, a, "127.0.0.1", 7003);
    expect_replica(w, t, b, "", 0);
    assert_int_equal(t->n_nodes, 4);
    for (int i = 0; i < t->n_nodes; i++)
        assert_string_equal(t->nodes[i].id, "");
}

static void test_the_tls_port_is_used_on_tls_connections(void **state)
{
    const char *w = "CLUSTER SHARDS with tls-port";
    const struct topology *t;
    int m;

    (void)state;
    t = read_ok(0, w, false, true, RESP(tls_shards));
    m = expect_master(w, t, "127.0.0.1", 7100, 0, 16383);
    expect_replica(w, t, m, "127.0.0.1", 7101);
    assert_int_equal(t->n_nodes, 2);

    t = read_ok(1, w, false, false, RESP(tls_shards));
    m = expect_master(w, t, "127.0.0.1", 7000, 0, 16383);
    expect_replica(w, t, m, "127.0.0.1", 7001);
    assert_int_equal(t->n_nodes, 2);
}

static void test_without_a_tls_port_tls_connections_use_the_port(void **state)
{
    const struct recording *rec = recording("redis7_plain");
    const struct topology *t;

    (void)state;
    t = read_ok(0, rec->name, false, true, rec->shards, rec->shards_len);
    assert_int_equal(topology_unassigned(t), 0);
    for (int k = 0; k < 3; k++)
        expect_master(rec->name, t, rec->masters[k].host, rec->masters[k].port,
                      rec->masters[k].lo, rec->masters[k].hi);
}

static void test_a_shard_may_list_its_replicas_before_its_master(void **state)
{
    const char *w = "CLUSTER SHARDS, replicas first";
    const struct topology *t;
    int a, d;

    (void)state;
    t = read_ok(0, w, false, false, RESP(replica_first_shards));
    assert_true(sane(w, t));
    assert_int_equal(topology_unassigned(t), 0);
    a = expect_master(w, t, "127.0.0.1", 7000, 0, 8191);
    d = expect_master(w, t, "127.0.0.1", 7003, 8192, 16383);
    /* The first replica listed; the second one is a replica of 7000 too. */
    expect_replica(w, t, a, "127.0.0.1", 7001);
    assert_true(topology_find(t, "127.0.0.1", 7002) >= 0);
    assert_int_equal(t->nodes[topology_find(t, "127.0.0.1", 7002)].master_of,
                     a);
    expect_replica(w, t, d, "", 0);
    assert_int_equal(t->n_nodes, 4);
}

static void
test_empty_host_names_fall_back_to_the_endpoint_then_the_ip(void **state)
{
    const char *w = "CLUSTER SHARDS, empty host names";
    const struct topology *t;
    int m;

    (void)state;
    t = read_ok(0, w, false, false, RESP(empty_hostname_shards));
    m = expect_master(w, t, "127.0.0.3", 7000, 0, 16383);
    expect_replica(w, t, m, "127.0.0.2", 7001);
}

static void test_a_shard_may_hold_several_slot_ranges(void **state)
{
    const char *w = "CLUSTER SHARDS, several ranges";
    const struct topology *t;
    int a;

    (void)state;
    t = read_ok(0, w, false, false, RESP(multi_range_shards));
    assert_int_equal(topology_unassigned(t), 0);
    a = expect_master(w, t, "127.0.0.1", 7000, 0, 99);
    assert_int_equal(expect_master(w, t, "127.0.0.1", 7000, 200, 16383), a);
    expect_master(w, t, "127.0.0.1", 7001, 100, 199);
    assert_int_equal(t->n_nodes, 2);
}

/* Every malformed reply gives what its mode says, with a message when it
 * fails, and leaves a topology that topology_free releases (the sanitizer
 * build checks the leaks). All are tried before the test fails. */
static void test_malformed_replies_fail_cleanly(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t k = 0; k < sizeof(bad_replies) / sizeof(bad_replies[0]); k++) {
        const struct bad_reply *b = &bad_replies[k];
        char what[128], err[256] = "";
        const redisReply *r;
        status rc;
        bool ok;

        snprintf(what, sizeof(what), "%s with %s", cmd_of(b->slots), b->what);
        r = parse(0, what, b->resp, b->len);
        rc = read_topology(&g_t[0], r, b->slots, false, err, sizeof(err));
        if (rc != ST_OK)
            ok = err[0] != '\0';
        else if (b->mode == MUST_FAIL)
            ok = false;
        else if (b->mode == FAIL_OR_UNASSIGNED)
            ok = sane(what, &g_t[0]) && topology_unassigned(&g_t[0]) > 0;
        else
            ok = sane(what, &g_t[0]);
        if (!ok) {
            print_error("%s: got %s \"%s\", %d slots without a master; "
                        "expected %s\n",
                        what, status_str(rc), err,
                        rc == ST_OK ? topology_unassigned(&g_t[0]) : -1,
                        b->mode == MUST_FAIL ? "an error with a message"
                        : b->mode == FAIL_OR_UNASSIGNED
                            ? "an error, or slots left without a master"
                            : "an error, or a well-formed topology");
            if (rc == ST_OK)
                dump(&g_t[0]);
            bad++;
        }
        drop(0);
    }
    assert_int_equal(bad, 0);
}

/* A topology freed after one reply reads the next as if new. */
static void test_a_freed_topology_reads_the_next_reply(void **state)
{
    const struct recording *rec = recording("redis7_plain");
    struct topology *t;
    char err[256];

    (void)state;
    t = read_ok(0, rec->name, false, false, rec->shards, rec->shards_len);
    assert_int_equal(topology_from_slots(t, parse(1, "nil", RESP("$-1\r\n")),
                                         err, sizeof(err)),
                     ST_PROTOCOL);
    topology_free(t);
    assert_int_equal(t->n_nodes, 0);
    assert_null(t->nodes);
    assert_int_equal(
        topology_from_slots(t, parse(1, rec->name, rec->slots, rec->slots_len),
                            err, sizeof(err)),
        ST_OK);
    assert_int_equal(topology_unassigned(t), 0);
    for (int k = 0; k < 3; k++)
        expect_master(rec->name, t, rec->masters[k].host, rec->masters[k].port,
                      rec->masters[k].lo, rec->masters[k].hi);
    assert_int_equal(t->n_nodes, 6);
}

/* ---- mutated replies --------------------------------------------------------
 */

/* One thread: under ThreadSanitizer a quarter of the rounds is enough. */
#ifdef __SANITIZE_THREAD__
#define FUZZ_ROUNDS 1000
#define KEY_ROUNDS  5000
#else
#define FUZZ_ROUNDS 4000
#define KEY_ROUNDS  20000
#endif
#define FUZZ_MAX_REFS 4096
#define FUZZ_SPARES   8

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t rnd_below(size_t n)
{
    return (size_t)(rnd() % n);
}

/* Every place in the reply tree that holds a child, below the root. */
static size_t collect(redisReply *r, redisReply ***refs, size_t n)
{
    if (r->type != REDIS_REPLY_ARRAY)
        return n;
    for (size_t i = 0; i < r->elements && n < FUZZ_MAX_REFS; i++) {
        refs[n++] = &r->element[i];
        n = collect(r->element[i], refs, n);
    }
    return n;
}

static bool contains(const redisReply *tree, const redisReply *x)
{
    if (tree == x)
        return true;
    if (tree->type == REDIS_REPLY_ARRAY)
        for (size_t i = 0; i < tree->elements; i++)
            if (contains(tree->element[i], x))
                return true;
    return false;
}

/* A small reply to put in place of a part of the tree. */
static redisReply *spare(void)
{
    static const char *const strs[] = {
        "", "?", "master", "replica", "fail", "port", "slots", "nodes", "x"};
    static const long long ints[] = {-1,    0,     1,         16383,    16384,
                                     65535, 65536, LLONG_MIN, LLONG_MAX};
    redisReply *r = calloc(1, sizeof(*r));
    const char *s;

    assert_non_null(r);
    switch (rnd_below(4)) {
    case 0:
        r->type = REDIS_REPLY_NIL;
        break;
    case 1:
        r->type = REDIS_REPLY_INTEGER;
        r->integer = ints[rnd_below(sizeof(ints) / sizeof(ints[0]))];
        break;
    case 2:
        r->type = REDIS_REPLY_ARRAY; /* empty */
        break;
    default:
        s = strs[rnd_below(sizeof(strs) / sizeof(strs[0]))];
        r->type = REDIS_REPLY_STRING;
        r->str = strdup(s);
        assert_non_null(r->str);
        r->len = strlen(s);
    }
    return r;
}

/*
 * Recorded replies with parts swapped with each other, replaced by small
 * replies of other types, or with integers changed to edge values: the
 * parsers must not crash (the sanitizer build checks every access), must
 * return either an error with a message or a well-formed topology, and
 * everything must free cleanly. Seeded: the same rounds every run.
 */
static void test_mutated_recorded_replies_never_crash(void **state)
{
    static redisReply **refs[FUZZ_MAX_REFS];
    static const long long edge[] = {-1, 0, 16383, 16384, 65536, LLONG_MIN};
    redisReply *removed[FUZZ_SPARES];
    int bad = 0;

    (void)state;
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (int round = 0; round < FUZZ_ROUNDS && bad < 5; round++) {
        const struct recording *rec = &recordings[rnd_below(N_REC)];
        bool slots = rnd_below(2);
        char what[128], err[256] = "";
        size_t n_removed = 0, n;
        redisReply *root;
        status rc;

        snprintf(what, sizeof(what), "round %d: %s, %s", round, rec->name,
                 cmd_of(slots));
        root = parse(0, what, slots ? rec->slots : rec->shards,
                     slots ? rec->slots_len : rec->shards_len);
        for (int k = 1 + (int)rnd_below(4); k > 0; k--) {
            redisReply **a, **b, *tmp;

            n = collect(root, refs, 0);
            a = refs[rnd_below(n)];
            switch (rnd_below(3)) {
            case 0: /* swap two disjoint parts */
                b = refs[rnd_below(n)];
                if (contains(*a, *b) || contains(*b, *a))
                    break;
                tmp = *a;
                *a = *b;
                *b = tmp;
                break;
            case 1: /* replace a part */
                if (n_removed == FUZZ_SPARES)
                    break;
                removed[n_removed++] = *a;
                *a = spare();
                break;
            default: /* an integer to an edge value */
                if ((*a)->type == REDIS_REPLY_INTEGER)
                    (*a)->integer =
                        edge[rnd_below(sizeof(edge) / sizeof(edge[0]))];
            }
        }
        rc =
            read_topology(&g_t[0], root, slots, rnd_below(2), err, sizeof(err));
        if (rc != ST_OK && err[0] == '\0') {
            print_error("%s: %s without a message\n", what, status_str(rc));
            bad++;
        } else if (rc == ST_OK && !sane(what, &g_t[0])) {
            bad++;
        }
        drop(0);
        for (size_t i = 0; i < n_removed; i++)
            freeReplyObject(removed[i]);
    }
    assert_int_equal(bad, 0);
}

/* ---- topology_add and topology_find ---------------------------------------
 */

static void test_add_and_find_on_an_empty_topology(void **state)
{
    struct topology *t = &g_t[0];
    char host[16] = "127.0.0.1";

    (void)state;
    assert_int_equal(topology_find(t, "127.0.0.1", 7000), -1);
    assert_int_equal(topology_add(t, host, 7000), 0);
    /* The host is copied. */
    host[0] = 'X';
    assert_string_equal(t->nodes[0].host, "127.0.0.1");
    assert_int_equal(topology_add(t, "127.0.0.1", 7000), 0);
    assert_int_equal(topology_add(t, "127.0.0.1", 7001), 1);
    assert_int_equal(topology_add(t, "localhost", 7000), 2);
    assert_int_equal(t->n_nodes, 3);
    assert_int_equal(topology_find(t, "127.0.0.1", 7000), 0);
    assert_int_equal(topology_find(t, "127.0.0.1", 7001), 1);
    assert_int_equal(topology_find(t, "localhost", 7000), 2);
    assert_int_equal(topology_find(t, "localhost", 7001), -1);
    assert_int_equal(topology_find(t, "127.0.0.2", 7000), -1);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(t->nodes[i].master_of, -1);
        assert_string_equal(t->nodes[i].id, "");
    }
}

/* After a reply (a MOVED may name a node): a known address gives its node,
 * a new one a new master that owns no slot until given one. */
static void test_add_and_find_after_a_reply(void **state)
{
    const struct recording *rec = recording("redis7_plain");
    struct topology *t;
    int m, r, x, n;

    (void)state;
    t = read_ok(0, rec->name, false, false, rec->shards, rec->shards_len);
    n = t->n_nodes;
    m = topology_find(t, rec->masters[0].host, rec->masters[0].port);
    r = topology_find(t, rec->masters[0].replica_host,
                      rec->masters[0].replica_port);
    assert_true(m >= 0);
    assert_true(r >= 0);
    assert_int_equal(
        topology_add(t, rec->masters[0].host, rec->masters[0].port), m);
    assert_int_equal(topology_add(t, rec->masters[0].replica_host,
                                  rec->masters[0].replica_port),
                     r);
    assert_int_equal(t->n_nodes, n);
    assert_true(topology_owns_slots(t, m));
    assert_false(topology_owns_slots(t, r));

    x = topology_add(t, "127.0.0.1", 1);
    assert_int_equal(x, n);
    assert_int_equal(t->n_nodes, n + 1);
    assert_int_equal(t->nodes[x].master_of, -1);
    assert_false(topology_owns_slots(t, x));
    assert_int_equal(topology_unassigned(t), 0);
    assert_int_equal(topology_find(t, "127.0.0.1", 1), x);

    /* Slots moved to it, and slots left without a master. */
    t->slot_master[rec->masters[0].lo] = (int16_t)x;
    t->slot_master[rec->masters[0].hi] = -1;
    t->slot_master[16383] = -1;
    assert_true(topology_owns_slots(t, x));
    assert_int_equal(topology_unassigned(t), 2);
    assert_true(sane(rec->name, t));
}

/* ---- cluster_slot -----------------------------------------------------------
 */

/* CRC16-CCITT (XModem) by table, written apart from cluster.c's. */
static uint16_t ref_crc16(const void *p, size_t len)
{
    static uint16_t table[256];
    static bool ready;
    const uint8_t *b = p;
    uint16_t crc = 0;

    if (!ready) {
        for (int i = 0; i < 256; i++) {
            uint16_t v = (uint16_t)(i << 8);

            for (int k = 0; k < 8; k++)
                v = (uint16_t)(v & 0x8000 ? (v << 1) ^ 0x1021 : v << 1);
            table[i] = v;
        }
        ready = true;
    }
    for (size_t i = 0; i < len; i++)
        crc = (uint16_t)((crc << 8) ^ table[((crc >> 8) ^ b[i]) & 0xff]);
    return crc;
}

static int slot_of(const char *s)
{
    return cluster_slot(s, strlen(s));
}

static int ref_slot_of(const char *s)
{
    return ref_crc16(s, strlen(s)) & 16383;
}

static void test_key_slots_of_the_cluster_specification(void **state)
{
    (void)state;
    assert_int_equal(ref_crc16("123456789", 9), 0x31C3);
    assert_int_equal(slot_of("123456789"), 0x31C3 & 16383);
    assert_int_equal(slot_of("123456789"), 12739);
    assert_int_equal(slot_of("foo"), 12182);
    assert_int_equal(slot_of(""), 0);

    /* The part between the first { and the next } when not empty. */
    assert_int_equal(slot_of("{user1000}.following"), slot_of("user1000"));
    assert_int_equal(slot_of("{user1000}.followers"), slot_of("user1000"));
    assert_int_equal(slot_of("foo{}{bar}"), ref_slot_of("foo{}{bar}"));
    assert_int_equal(slot_of("foo{{bar}}zap"), ref_slot_of("{bar"));
    assert_int_equal(slot_of("foo{bar}{zap}"), ref_slot_of("bar"));
    assert_int_equal(slot_of("{"), ref_slot_of("{"));
    assert_int_equal(slot_of("}{"), ref_slot_of("}{"));
    assert_int_equal(slot_of("{}"), ref_slot_of("{}"));
    assert_int_equal(slot_of("a{b"), ref_slot_of("a{b"));
    assert_int_equal(slot_of("a}b{c}"), ref_slot_of("c"));
}

static void show_key(const char *key, size_t len)
{
    fputs("    key \"", stderr);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)key[i];

        if (ch < 0x20 || ch > 0x7e || ch == '"' || ch == '\\')
            fprintf(stderr, "\\x%02x", ch);
        else
            fputc(ch, stderr);
    }
    fprintf(stderr, "\" (%zu bytes)\n", len);
}

static void test_key_slots_match_cluster_keyslot_of_both_servers(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(keyslots) / sizeof(keyslots[0]); i++) {
        int got = cluster_slot(keyslots[i].key, keyslots[i].len);

        if (got != keyslots[i].slot) {
            print_error("cluster_slot: %d, CLUSTER KEYSLOT: %d\n", got,
                        keyslots[i].slot);
            show_key(keyslots[i].key, keyslots[i].len);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Only the `len` bytes given are read: a brace past them does not count. */
static void test_cluster_slot_reads_only_the_length_given(void **state)
{
    (void)state;
    assert_int_equal(cluster_slot("ab{c}", 2), ref_slot_of("ab"));
    assert_int_equal(cluster_slot("a{b}", 3), ref_slot_of("a{b"));
    assert_int_equal(cluster_slot("a{}b}", 3), ref_slot_of("a{}"));
    assert_int_equal(cluster_slot("{x}\0{y}", 7), ref_slot_of("x"));
    assert_int_equal(cluster_slot("\0{y}", 4), ref_slot_of("y"));
    assert_int_equal(cluster_slot("a\0b", 3), ref_crc16("a\0b", 3) & 16383);
    assert_int_equal(cluster_slot("", 0), 0);
}

/* Random keys made of a prefix without {, a non-empty tag without }, and
 * anything after: the slot is the tag's. The same keys without braces hash
 * whole. */
static void test_random_keys_hash_their_tag_or_whole(void **state)
{
    char key[64];

    (void)state;
    rng_state = 0xD1B54A32D192ED03ULL;
    for (int round = 0; round < KEY_ROUNDS; round++) {
        size_t np = rnd_below(8), nt = 1 + rnd_below(12), ns = rnd_below(16);
        size_t len = 0, tag;
        int want, got;

        while (len < np) {
            char c = (char)rnd();
            if (c != '{')
                key[len++] = c;
        }
        key[len++] = '{';
        tag = len;
        while (len < tag + nt) {
            char c = (char)rnd();
            if (c != '}')
                key[len++] = c;
        }
        key[len++] = '}';
        for (size_t i = 0; i < ns; i++)
            key[len++] = (char)rnd();

        want = ref_crc16(key + tag, nt) & 16383;
        got = cluster_slot(key, len);
        if (got != want) {
            print_error("cluster_slot: %d, expected %d (the tag's)\n", got,
                        want);
            show_key(key, len);
            fail();
        }

        for (size_t i = 0; i < len; i++)
            if (key[i] == '{' || key[i] == '}')
                key[i] = 'x';
        want = ref_crc16(key, len) & 16383;
        got = cluster_slot(key, len);
        if (got != want) {
            print_error("cluster_slot: %d, expected %d (whole key)\n", got,
                        want);
            show_key(key, len);
            fail();
        }
    }
}

/* ---- main -------------------------------------------------------------------
 */

#define TEST(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        TEST(test_a_one_node_cluster_still_has_a_master_for_every_slot),
        TEST(test_redis6_slots_without_metadata_parse),
        TEST(test_redis3_slots_without_node_ids_parse),
        TEST(test_the_tls_port_is_used_on_tls_connections),
        TEST(test_without_a_tls_port_tls_connections_use_the_port),
        TEST(test_a_shard_may_list_its_replicas_before_its_master),
        TEST(test_empty_host_names_fall_back_to_the_endpoint_then_the_ip),
        TEST(test_a_shard_may_hold_several_slot_ranges),
        TEST(test_malformed_replies_fail_cleanly),
        TEST(test_a_freed_topology_reads_the_next_reply),
        TEST(test_mutated_recorded_replies_never_crash),
        TEST(test_add_and_find_on_an_empty_topology),
        TEST(test_add_and_find_after_a_reply),
        TEST(test_key_slots_of_the_cluster_specification),
        TEST(test_key_slots_match_cluster_keyslot_of_both_servers),
        TEST(test_cluster_slot_reads_only_the_length_given),
        TEST(test_random_keys_hash_their_tag_or_whole),
    };
    enum { N_FIXED = sizeof(fixed) / sizeof(fixed[0]) };
    static char names[3 * N_REC][128];
    struct CMUnitTest tests[N_FIXED + 3 * N_REC];
    size_t n = 0;

    /* One test per recorded reply and one per pair, named after it. */
    for (size_t i = 0; i < N_REC; i++) {
        static const struct {
            const char *says;
            CMUnitTestFunction f;
        } per[] = {
            {"CLUSTER SHARDS gives every slot its live master",
             test_recorded_shards},
            {"CLUSTER SLOTS gives every slot its live master",
             test_recorded_slots},
            {"CLUSTER SHARDS and CLUSTER SLOTS agree on every slot",
             test_recorded_shards_and_slots_agree},
        };

        for (size_t k = 0; k < 3; k++, n++) {
            snprintf(names[n], sizeof(names[n]), "%s: %s", recordings[i].name,
                     per[k].says);
            tests[n] = (struct CMUnitTest){names[n], per[k].f, NULL, teardown,
                                           (void *)&recordings[i]};
        }
    }
    for (size_t k = 0; k < N_FIXED; k++)
        tests[n++] = fixed[k];
    return cmocka_run_group_tests(tests, NULL, NULL);
}
