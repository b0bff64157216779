/*
 * Replies recorded by tests/unit/data/cluster/record.py from real clusters
 * of 3 masters and 3 replicas on 127.0.0.1 (RESP2, byte for byte), each
 * with the layout that CLUSTER NODES gave at the same moment. Generated:
 * edit record.py and run it again rather than this file. Included once, by
 * tests/unit/test_cluster.c.
 */

/* A live master as CLUSTER NODES names it: its slot range, address (the
 * announced host name where the recording uses host names) and its live
 * replica (port 0: none). */
struct recorded_master {
    int lo, hi;
    const char *host;
    int port;
    const char *replica_host;
    int replica_port;
};

struct recording {
    const char *name;
    const char *shards;
    size_t shards_len;
    const char *slots;
    size_t slots_len;
    struct recorded_master masters[3];
    int failed[2];       /* ports of nodes marked fail, 0 when unused */
    bool slots_replicas; /* the CLUSTER SLOTS reply lists replicas */
};

/* ---- redis7 (v=7.0.15) ---- */

/* redis7_fresh: CLUSTER NODES when recorded:
 *   ff752baa44b752b468cace344e1c187910564414 127.0.0.1:48057@58057 master
 *       - 0 1796400516302 3 connected 10923-16383
 *   706073081b592bea1617192fd1ae240057ec2dc4 127.0.0.1:40079@50079 slave
 *       6673a1c3a569da3fcc63f16f36189b91d042fddd 0 1796400516302 1 connected
 *   1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15 127.0.0.1:53839@63839 master
 *       - 0 1796400516406 2 connected 5461-10922
 *   338f7837ea18187c3ca93dbf55fc86014a6f2e00 127.0.0.1:43777@53777 slave
 *       ff752baa44b752b468cace344e1c187910564414 0 1796400516302 3 connected
 *   6673a1c3a569da3fcc63f16f36189b91d042fddd 127.0.0.1:32883@42883 myself,master
 *       - 0 1796400516000 1 connected 0-5460
 *   af7727a81bc9cb20da222fad50a797fd01e44e7d 127.0.0.1:34693@44693 slave
 *       1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15 0 1796400516207 2 connected
 */
static const char redis7_fresh_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "ff752baa44b752b468cace344e1c187910564414\r\n"
    "$4\r\n" "port\r\n"
    ":48057\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "338f7837ea18187c3ca93dbf55fc86014a6f2e00\r\n"
    "$4\r\n" "port\r\n"
    ":43777\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$7\r\n" "loading\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15\r\n"
    "$4\r\n" "port\r\n"
    ":53839\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "af7727a81bc9cb20da222fad50a797fd01e44e7d\r\n"
    "$4\r\n" "port\r\n"
    ":34693\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$7\r\n" "loading\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "6673a1c3a569da3fcc63f16f36189b91d042fddd\r\n"
    "$4\r\n" "port\r\n"
    ":32883\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "706073081b592bea1617192fd1ae240057ec2dc4\r\n"
    "$4\r\n" "port\r\n"
    ":40079\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$7\r\n" "loading\r\n";
static const char redis7_fresh_slots[] =
    "*3\r\n"
    "*3\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":32883\r\n"
    "$40\r\n" "6673a1c3a569da3fcc63f16f36189b91d042fddd\r\n"
    "*0\r\n"
    "*3\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":53839\r\n"
    "$40\r\n" "1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15\r\n"
    "*0\r\n"
    "*3\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":48057\r\n"
    "$40\r\n" "ff752baa44b752b468cace344e1c187910564414\r\n"
    "*0\r\n";

/* redis7_plain: CLUSTER NODES when recorded:
 *   ff752baa44b752b468cace344e1c187910564414 127.0.0.1:48057@58057 master
 *       - 0 1796400516302 3 connected 10923-16383
 *   706073081b592bea1617192fd1ae240057ec2dc4 127.0.0.1:40079@50079 slave
 *       6673a1c3a569da3fcc63f16f36189b91d042fddd 0 1796400517000 1 connected
 *   1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15 127.0.0.1:53839@63839 master
 *       - 0 1796400516406 2 connected 5461-10922
 *   338f7837ea18187c3ca93dbf55fc86014a6f2e00 127.0.0.1:43777@53777 slave
 *       ff752baa44b752b468cace344e1c187910564414 0 1796400516302 3 connected
 *   6673a1c3a569da3fcc63f16f36189b91d042fddd 127.0.0.1:32883@42883 myself,master
 *       - 0 1796400516000 1 connected 0-5460
 *   af7727a81bc9cb20da222fad50a797fd01e44e7d 127.0.0.1:34693@44693 slave
 *       1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15 0 1796400517011 2 connected
 */
static const char redis7_plain_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "ff752baa44b752b468cace344e1c187910564414\r\n"
    "$4\r\n" "port\r\n"
    ":48057\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "338f7837ea18187c3ca93dbf55fc86014a6f2e00\r\n"
    "$4\r\n" "port\r\n"
    ":43777\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15\r\n"
    "$4\r\n" "port\r\n"
    ":53839\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "af7727a81bc9cb20da222fad50a797fd01e44e7d\r\n"
    "$4\r\n" "port\r\n"
    ":34693\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "6673a1c3a569da3fcc63f16f36189b91d042fddd\r\n"
    "$4\r\n" "port\r\n"
    ":32883\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "706073081b592bea1617192fd1ae240057ec2dc4\r\n"
    "$4\r\n" "port\r\n"
    ":40079\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char redis7_plain_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":32883\r\n"
    "$40\r\n" "6673a1c3a569da3fcc63f16f36189b91d042fddd\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":40079\r\n"
    "$40\r\n" "706073081b592bea1617192fd1ae240057ec2dc4\r\n"
    "*0\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":53839\r\n"
    "$40\r\n" "1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":34693\r\n"
    "$40\r\n" "af7727a81bc9cb20da222fad50a797fd01e44e7d\r\n"
    "*0\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":48057\r\n"
    "$40\r\n" "ff752baa44b752b468cace344e1c187910564414\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":43777\r\n"
    "$40\r\n" "338f7837ea18187c3ca93dbf55fc86014a6f2e00\r\n"
    "*0\r\n";

/* redis7_no_hostname: CLUSTER NODES when recorded:
 *   ff752baa44b752b468cace344e1c187910564414 127.0.0.1:48057@58057 master
 *       - 0 1796400516302 3 connected 10923-16383
 *   706073081b592bea1617192fd1ae240057ec2dc4 127.0.0.1:40079@50079 slave
 *       6673a1c3a569da3fcc63f16f36189b91d042fddd 0 1796400517000 1 connected
 *   1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15 127.0.0.1:53839@63839 master
 *       - 0 1796400516406 2 connected 5461-10922
 *   338f7837ea18187c3ca93dbf55fc86014a6f2e00 127.0.0.1:43777@53777 slave
 *       ff752baa44b752b468cace344e1c187910564414 0 1796400516302 3 connected
 *   6673a1c3a569da3fcc63f16f36189b91d042fddd 127.0.0.1:32883@42883 myself,master
 *       - 0 1796400516000 1 connected 0-5460
 *   af7727a81bc9cb20da222fad50a797fd01e44e7d 127.0.0.1:34693@44693 slave
 *       1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15 0 1796400517011 2 connected
 */
static const char redis7_no_hostname_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "ff752baa44b752b468cace344e1c187910564414\r\n"
    "$4\r\n" "port\r\n"
    ":48057\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "338f7837ea18187c3ca93dbf55fc86014a6f2e00\r\n"
    "$4\r\n" "port\r\n"
    ":43777\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15\r\n"
    "$4\r\n" "port\r\n"
    ":53839\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "af7727a81bc9cb20da222fad50a797fd01e44e7d\r\n"
    "$4\r\n" "port\r\n"
    ":34693\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "6673a1c3a569da3fcc63f16f36189b91d042fddd\r\n"
    "$4\r\n" "port\r\n"
    ":32883\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "706073081b592bea1617192fd1ae240057ec2dc4\r\n"
    "$4\r\n" "port\r\n"
    ":40079\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char redis7_no_hostname_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":32883\r\n"
    "$40\r\n" "6673a1c3a569da3fcc63f16f36189b91d042fddd\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":40079\r\n"
    "$40\r\n" "706073081b592bea1617192fd1ae240057ec2dc4\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":53839\r\n"
    "$40\r\n" "1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":34693\r\n"
    "$40\r\n" "af7727a81bc9cb20da222fad50a797fd01e44e7d\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":48057\r\n"
    "$40\r\n" "ff752baa44b752b468cace344e1c187910564414\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":43777\r\n"
    "$40\r\n" "338f7837ea18187c3ca93dbf55fc86014a6f2e00\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n";

/* redis7_failover: CLUSTER NODES when recorded:
 *   ff752baa44b752b468cace344e1c187910564414 127.0.0.1:48057@58057 master
 *       - 0 1796400520226 3 connected 10923-16383
 *   1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15 127.0.0.1:53839@63839 myself,master
 *       - 0 1796400520000 2 connected 5461-10922
 *   706073081b592bea1617192fd1ae240057ec2dc4 127.0.0.1:40079@50079 master
 *       - 0 1796400520020 7 connected 0-5460
 *   338f7837ea18187c3ca93dbf55fc86014a6f2e00 127.0.0.1:43777@53777 slave
 *       ff752baa44b752b468cace344e1c187910564414 0 1796400520430 3 connected
 *   6673a1c3a569da3fcc63f16f36189b91d042fddd 127.0.0.1:32883@42883 master,fail
 *       - 1796400517792 1796400517000 1 disconnected
 *   af7727a81bc9cb20da222fad50a797fd01e44e7d 127.0.0.1:34693@44693 slave
 *       1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15 0 1796400520000 2 connected
 */
static const char redis7_failover_shards[] =
    "*4\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "ff752baa44b752b468cace344e1c187910564414\r\n"
    "$4\r\n" "port\r\n"
    ":48057\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "338f7837ea18187c3ca93dbf55fc86014a6f2e00\r\n"
    "$4\r\n" "port\r\n"
    ":43777\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15\r\n"
    "$4\r\n" "port\r\n"
    ":53839\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "af7727a81bc9cb20da222fad50a797fd01e44e7d\r\n"
    "$4\r\n" "port\r\n"
    ":34693\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*1\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "706073081b592bea1617192fd1ae240057ec2dc4\r\n"
    "$4\r\n" "port\r\n"
    ":40079\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*0\r\n"
    "$5\r\n" "nodes\r\n"
    "*1\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "6673a1c3a569da3fcc63f16f36189b91d042fddd\r\n"
    "$4\r\n" "port\r\n"
    ":32883\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$4\r\n" "fail\r\n";
static const char redis7_failover_slots[] =
    "*3\r\n"
    "*3\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":40079\r\n"
    "$40\r\n" "706073081b592bea1617192fd1ae240057ec2dc4\r\n"
    "*0\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":53839\r\n"
    "$40\r\n" "1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":34693\r\n"
    "$40\r\n" "af7727a81bc9cb20da222fad50a797fd01e44e7d\r\n"
    "*0\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":48057\r\n"
    "$40\r\n" "ff752baa44b752b468cace344e1c187910564414\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":43777\r\n"
    "$40\r\n" "338f7837ea18187c3ca93dbf55fc86014a6f2e00\r\n"
    "*0\r\n";

/* redis7_replica_fail: CLUSTER NODES when recorded:
 *   ff752baa44b752b468cace344e1c187910564414 127.0.0.1:48057@58057 master
 *       - 0 1796400522252 3 connected 10923-16383
 *   1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15 127.0.0.1:53839@63839 myself,master
 *       - 0 1796400522000 2 connected 5461-10922
 *   706073081b592bea1617192fd1ae240057ec2dc4 127.0.0.1:40079@50079 master
 *       - 0 1796400522454 7 connected 0-5460
 *   338f7837ea18187c3ca93dbf55fc86014a6f2e00 127.0.0.1:43777@53777 slave
 *       ff752baa44b752b468cace344e1c187910564414 0 1796400522049 3 connected
 *   6673a1c3a569da3fcc63f16f36189b91d042fddd 127.0.0.1:32883@42883 master,fail
 *       - 1796400517792 1796400517000 1 disconnected
 *   af7727a81bc9cb20da222fad50a797fd01e44e7d 127.0.0.1:34693@44693 slave,fail
 *       1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15 1796400520833 1796400520000 2 disconnected
 */
static const char redis7_replica_fail_shards[] =
    "*4\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "ff752baa44b752b468cace344e1c187910564414\r\n"
    "$4\r\n" "port\r\n"
    ":48057\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "338f7837ea18187c3ca93dbf55fc86014a6f2e00\r\n"
    "$4\r\n" "port\r\n"
    ":43777\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15\r\n"
    "$4\r\n" "port\r\n"
    ":53839\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "af7727a81bc9cb20da222fad50a797fd01e44e7d\r\n"
    "$4\r\n" "port\r\n"
    ":34693\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$4\r\n" "fail\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*1\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "706073081b592bea1617192fd1ae240057ec2dc4\r\n"
    "$4\r\n" "port\r\n"
    ":40079\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*0\r\n"
    "$5\r\n" "nodes\r\n"
    "*1\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "6673a1c3a569da3fcc63f16f36189b91d042fddd\r\n"
    "$4\r\n" "port\r\n"
    ":32883\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$4\r\n" "fail\r\n";
static const char redis7_replica_fail_slots[] =
    "*3\r\n"
    "*3\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":40079\r\n"
    "$40\r\n" "706073081b592bea1617192fd1ae240057ec2dc4\r\n"
    "*0\r\n"
    "*3\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":53839\r\n"
    "$40\r\n" "1a0d0cf1b8df11a822f0cc9b828323dfdb23bf15\r\n"
    "*0\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":48057\r\n"
    "$40\r\n" "ff752baa44b752b468cace344e1c187910564414\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":43777\r\n"
    "$40\r\n" "338f7837ea18187c3ca93dbf55fc86014a6f2e00\r\n"
    "*0\r\n";

/* redis7_hostname: CLUSTER NODES when recorded:
 *   58a44bba49983b465c06a998a864bb88898b720a 127.0.0.1:42125@52125,node-5.rm.test slave
 *       aab056484918ca34ac64ca80014ecef6c38fca1d 0 1796400525249 1 connected
 *   07b550d32216f12029a340c3475166a9b6af7f5a 127.0.0.1:33705@43705,node-4.rm.test slave
 *       5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b 0 1796400525353 3 connected
 *   4862c04a86966c661549c71f8f80907778b6e355 127.0.0.1:54185@64185,node-1.rm.test master
 *       - 0 1796400525353 2 connected 5461-10922
 *   f29e0cc173440fa2a919dc5134da448f1d124a08 127.0.0.1:34581@44581,node-3.rm.test slave
 *       4862c04a86966c661549c71f8f80907778b6e355 0 1796400525651 2 connected
 *   aab056484918ca34ac64ca80014ecef6c38fca1d 127.0.0.1:38573@48573,node-0.rm.test myself,master
 *       - 0 1796400525000 1 connected 0-5460
 *   5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b 127.0.0.1:55093@65093,node-2.rm.test master
 *       - 0 1796400525353 3 connected 10923-16383
 */
static const char redis7_hostname_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "4862c04a86966c661549c71f8f80907778b6e355\r\n"
    "$4\r\n" "port\r\n"
    ":54185\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "f29e0cc173440fa2a919dc5134da448f1d124a08\r\n"
    "$4\r\n" "port\r\n"
    ":34581\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "aab056484918ca34ac64ca80014ecef6c38fca1d\r\n"
    "$4\r\n" "port\r\n"
    ":38573\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "58a44bba49983b465c06a998a864bb88898b720a\r\n"
    "$4\r\n" "port\r\n"
    ":42125\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b\r\n"
    "$4\r\n" "port\r\n"
    ":55093\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "07b550d32216f12029a340c3475166a9b6af7f5a\r\n"
    "$4\r\n" "port\r\n"
    ":33705\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-4.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-4.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char redis7_hostname_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    ":38573\r\n"
    "$40\r\n" "aab056484918ca34ac64ca80014ecef6c38fca1d\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    ":42125\r\n"
    "$40\r\n" "58a44bba49983b465c06a998a864bb88898b720a\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    ":54185\r\n"
    "$40\r\n" "4862c04a86966c661549c71f8f80907778b6e355\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    ":34581\r\n"
    "$40\r\n" "f29e0cc173440fa2a919dc5134da448f1d124a08\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    ":55093\r\n"
    "$40\r\n" "5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$14\r\n" "node-4.rm.test\r\n"
    ":33705\r\n"
    "$40\r\n" "07b550d32216f12029a340c3475166a9b6af7f5a\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n";

/* redis7_hostname_ip: CLUSTER NODES when recorded:
 *   58a44bba49983b465c06a998a864bb88898b720a 127.0.0.1:42125@52125,node-5.rm.test slave
 *       aab056484918ca34ac64ca80014ecef6c38fca1d 0 1796400525249 1 connected
 *   07b550d32216f12029a340c3475166a9b6af7f5a 127.0.0.1:33705@43705,node-4.rm.test slave
 *       5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b 0 1796400525353 3 connected
 *   4862c04a86966c661549c71f8f80907778b6e355 127.0.0.1:54185@64185,node-1.rm.test master
 *       - 0 1796400525353 2 connected 5461-10922
 *   f29e0cc173440fa2a919dc5134da448f1d124a08 127.0.0.1:34581@44581,node-3.rm.test slave
 *       4862c04a86966c661549c71f8f80907778b6e355 0 1796400525651 2 connected
 *   aab056484918ca34ac64ca80014ecef6c38fca1d 127.0.0.1:38573@48573,node-0.rm.test myself,master
 *       - 0 1796400525000 1 connected 0-5460
 *   5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b 127.0.0.1:55093@65093,node-2.rm.test master
 *       - 0 1796400525353 3 connected 10923-16383
 */
static const char redis7_hostname_ip_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "4862c04a86966c661549c71f8f80907778b6e355\r\n"
    "$4\r\n" "port\r\n"
    ":54185\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "f29e0cc173440fa2a919dc5134da448f1d124a08\r\n"
    "$4\r\n" "port\r\n"
    ":34581\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "aab056484918ca34ac64ca80014ecef6c38fca1d\r\n"
    "$4\r\n" "port\r\n"
    ":38573\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "58a44bba49983b465c06a998a864bb88898b720a\r\n"
    "$4\r\n" "port\r\n"
    ":42125\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b\r\n"
    "$4\r\n" "port\r\n"
    ":55093\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "07b550d32216f12029a340c3475166a9b6af7f5a\r\n"
    "$4\r\n" "port\r\n"
    ":33705\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-4.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char redis7_hostname_ip_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":38573\r\n"
    "$40\r\n" "aab056484918ca34ac64ca80014ecef6c38fca1d\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":42125\r\n"
    "$40\r\n" "58a44bba49983b465c06a998a864bb88898b720a\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":54185\r\n"
    "$40\r\n" "4862c04a86966c661549c71f8f80907778b6e355\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":34581\r\n"
    "$40\r\n" "f29e0cc173440fa2a919dc5134da448f1d124a08\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":55093\r\n"
    "$40\r\n" "5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":33705\r\n"
    "$40\r\n" "07b550d32216f12029a340c3475166a9b6af7f5a\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-4.rm.test\r\n";

/* redis7_hostname_unknown: CLUSTER NODES when recorded:
 *   58a44bba49983b465c06a998a864bb88898b720a 127.0.0.1:42125@52125,node-5.rm.test slave
 *       aab056484918ca34ac64ca80014ecef6c38fca1d 0 1796400525249 1 connected
 *   07b550d32216f12029a340c3475166a9b6af7f5a 127.0.0.1:33705@43705,node-4.rm.test slave
 *       5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b 0 1796400525353 3 connected
 *   4862c04a86966c661549c71f8f80907778b6e355 127.0.0.1:54185@64185,node-1.rm.test master
 *       - 0 1796400525353 2 connected 5461-10922
 *   f29e0cc173440fa2a919dc5134da448f1d124a08 127.0.0.1:34581@44581,node-3.rm.test slave
 *       4862c04a86966c661549c71f8f80907778b6e355 0 1796400525651 2 connected
 *   aab056484918ca34ac64ca80014ecef6c38fca1d 127.0.0.1:38573@48573,node-0.rm.test myself,master
 *       - 0 1796400525000 1 connected 0-5460
 *   5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b 127.0.0.1:55093@65093,node-2.rm.test master
 *       - 0 1796400525353 3 connected 10923-16383
 */
static const char redis7_hostname_unknown_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "4862c04a86966c661549c71f8f80907778b6e355\r\n"
    "$4\r\n" "port\r\n"
    ":54185\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "f29e0cc173440fa2a919dc5134da448f1d124a08\r\n"
    "$4\r\n" "port\r\n"
    ":34581\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "aab056484918ca34ac64ca80014ecef6c38fca1d\r\n"
    "$4\r\n" "port\r\n"
    ":38573\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "58a44bba49983b465c06a998a864bb88898b720a\r\n"
    "$4\r\n" "port\r\n"
    ":42125\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b\r\n"
    "$4\r\n" "port\r\n"
    ":55093\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "07b550d32216f12029a340c3475166a9b6af7f5a\r\n"
    "$4\r\n" "port\r\n"
    ":33705\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-4.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char redis7_hostname_unknown_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":38573\r\n"
    "$40\r\n" "aab056484918ca34ac64ca80014ecef6c38fca1d\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":42125\r\n"
    "$40\r\n" "58a44bba49983b465c06a998a864bb88898b720a\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":54185\r\n"
    "$40\r\n" "4862c04a86966c661549c71f8f80907778b6e355\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":34581\r\n"
    "$40\r\n" "f29e0cc173440fa2a919dc5134da448f1d124a08\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":55093\r\n"
    "$40\r\n" "5118ddacb7e44d0a1e36a909fe4bed1cfb3e290b\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":33705\r\n"
    "$40\r\n" "07b550d32216f12029a340c3475166a9b6af7f5a\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-4.rm.test\r\n";

/* ---- valkey8 (v=8.0.1) ---- */

/* valkey8_fresh: CLUSTER NODES when recorded:
 *   2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc 127.0.0.1:36107@46107 slave
 *       f51788a3a9b6973e9b7d7577ff612361090b60fb 0 1796400530094 1 connected
 *   f51788a3a9b6973e9b7d7577ff612361090b60fb 127.0.0.1:35893@45893 myself,master
 *       - 0 0 1 connected 0-5460
 *   85c8ef836dbea85b7efe4f6287286c222f07cb88 127.0.0.1:38079@48079 slave
 *       47e86a16bd2a1aff753b3cfa2eab9775862817b7 0 1796400530000 3 connected
 *   47e86a16bd2a1aff753b3cfa2eab9775862817b7 127.0.0.1:37175@47175 master
 *       - 0 1796400530000 3 connected 10923-16383
 *   a9655a09bcfc1e82d8dda2a597f73cb161e02f83 127.0.0.1:52203@62203 master
 *       - 0 1796400530000 2 connected 5461-10922
 *   1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a 127.0.0.1:47343@57343 slave
 *       a9655a09bcfc1e82d8dda2a597f73cb161e02f83 0 1796400530000 2 connected
 */
static const char valkey8_fresh_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "47e86a16bd2a1aff753b3cfa2eab9775862817b7\r\n"
    "$4\r\n" "port\r\n"
    ":37175\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "85c8ef836dbea85b7efe4f6287286c222f07cb88\r\n"
    "$4\r\n" "port\r\n"
    ":38079\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$7\r\n" "loading\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "a9655a09bcfc1e82d8dda2a597f73cb161e02f83\r\n"
    "$4\r\n" "port\r\n"
    ":52203\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a\r\n"
    "$4\r\n" "port\r\n"
    ":47343\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$7\r\n" "loading\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "f51788a3a9b6973e9b7d7577ff612361090b60fb\r\n"
    "$4\r\n" "port\r\n"
    ":35893\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc\r\n"
    "$4\r\n" "port\r\n"
    ":36107\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$7\r\n" "loading\r\n";
static const char valkey8_fresh_slots[] =
    "*3\r\n"
    "*3\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":35893\r\n"
    "$40\r\n" "f51788a3a9b6973e9b7d7577ff612361090b60fb\r\n"
    "*0\r\n"
    "*3\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":52203\r\n"
    "$40\r\n" "a9655a09bcfc1e82d8dda2a597f73cb161e02f83\r\n"
    "*0\r\n"
    "*3\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":37175\r\n"
    "$40\r\n" "47e86a16bd2a1aff753b3cfa2eab9775862817b7\r\n"
    "*0\r\n";

/* valkey8_plain: CLUSTER NODES when recorded:
 *   2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc 127.0.0.1:36107@46107 slave
 *       f51788a3a9b6973e9b7d7577ff612361090b60fb 0 1796400530094 1 connected
 *   f51788a3a9b6973e9b7d7577ff612361090b60fb 127.0.0.1:35893@45893 myself,master
 *       - 0 0 1 connected 0-5460
 *   85c8ef836dbea85b7efe4f6287286c222f07cb88 127.0.0.1:38079@48079 slave
 *       47e86a16bd2a1aff753b3cfa2eab9775862817b7 0 1796400530801 3 connected
 *   47e86a16bd2a1aff753b3cfa2eab9775862817b7 127.0.0.1:37175@47175 master
 *       - 0 1796400530801 3 connected 10923-16383
 *   a9655a09bcfc1e82d8dda2a597f73cb161e02f83 127.0.0.1:52203@62203 master
 *       - 0 1796400530801 2 connected 5461-10922
 *   1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a 127.0.0.1:47343@57343 slave
 *       a9655a09bcfc1e82d8dda2a597f73cb161e02f83 0 1796400530801 2 connected
 */
static const char valkey8_plain_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "47e86a16bd2a1aff753b3cfa2eab9775862817b7\r\n"
    "$4\r\n" "port\r\n"
    ":37175\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "85c8ef836dbea85b7efe4f6287286c222f07cb88\r\n"
    "$4\r\n" "port\r\n"
    ":38079\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "a9655a09bcfc1e82d8dda2a597f73cb161e02f83\r\n"
    "$4\r\n" "port\r\n"
    ":52203\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a\r\n"
    "$4\r\n" "port\r\n"
    ":47343\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "f51788a3a9b6973e9b7d7577ff612361090b60fb\r\n"
    "$4\r\n" "port\r\n"
    ":35893\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc\r\n"
    "$4\r\n" "port\r\n"
    ":36107\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char valkey8_plain_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":35893\r\n"
    "$40\r\n" "f51788a3a9b6973e9b7d7577ff612361090b60fb\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":36107\r\n"
    "$40\r\n" "2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc\r\n"
    "*0\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":52203\r\n"
    "$40\r\n" "a9655a09bcfc1e82d8dda2a597f73cb161e02f83\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":47343\r\n"
    "$40\r\n" "1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a\r\n"
    "*0\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":37175\r\n"
    "$40\r\n" "47e86a16bd2a1aff753b3cfa2eab9775862817b7\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":38079\r\n"
    "$40\r\n" "85c8ef836dbea85b7efe4f6287286c222f07cb88\r\n"
    "*0\r\n";

/* valkey8_no_hostname: CLUSTER NODES when recorded:
 *   2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc 127.0.0.1:36107@46107 slave
 *       f51788a3a9b6973e9b7d7577ff612361090b60fb 0 1796400530094 1 connected
 *   f51788a3a9b6973e9b7d7577ff612361090b60fb 127.0.0.1:35893@45893 myself,master
 *       - 0 0 1 connected 0-5460
 *   85c8ef836dbea85b7efe4f6287286c222f07cb88 127.0.0.1:38079@48079 slave
 *       47e86a16bd2a1aff753b3cfa2eab9775862817b7 0 1796400530801 3 connected
 *   47e86a16bd2a1aff753b3cfa2eab9775862817b7 127.0.0.1:37175@47175 master
 *       - 0 1796400530801 3 connected 10923-16383
 *   a9655a09bcfc1e82d8dda2a597f73cb161e02f83 127.0.0.1:52203@62203 master
 *       - 0 1796400530801 2 connected 5461-10922
 *   1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a 127.0.0.1:47343@57343 slave
 *       a9655a09bcfc1e82d8dda2a597f73cb161e02f83 0 1796400530801 2 connected
 */
static const char valkey8_no_hostname_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "47e86a16bd2a1aff753b3cfa2eab9775862817b7\r\n"
    "$4\r\n" "port\r\n"
    ":37175\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "85c8ef836dbea85b7efe4f6287286c222f07cb88\r\n"
    "$4\r\n" "port\r\n"
    ":38079\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "a9655a09bcfc1e82d8dda2a597f73cb161e02f83\r\n"
    "$4\r\n" "port\r\n"
    ":52203\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a\r\n"
    "$4\r\n" "port\r\n"
    ":47343\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "f51788a3a9b6973e9b7d7577ff612361090b60fb\r\n"
    "$4\r\n" "port\r\n"
    ":35893\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc\r\n"
    "$4\r\n" "port\r\n"
    ":36107\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$1\r\n" "\?\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char valkey8_no_hostname_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":35893\r\n"
    "$40\r\n" "f51788a3a9b6973e9b7d7577ff612361090b60fb\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":36107\r\n"
    "$40\r\n" "2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":52203\r\n"
    "$40\r\n" "a9655a09bcfc1e82d8dda2a597f73cb161e02f83\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":47343\r\n"
    "$40\r\n" "1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":37175\r\n"
    "$40\r\n" "47e86a16bd2a1aff753b3cfa2eab9775862817b7\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$1\r\n" "\?\r\n"
    ":38079\r\n"
    "$40\r\n" "85c8ef836dbea85b7efe4f6287286c222f07cb88\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n";

/* valkey8_failover: CLUSTER NODES when recorded:
 *   2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc 127.0.0.1:36107@46107 master
 *       - 0 1796400533823 7 connected 0-5460
 *   f51788a3a9b6973e9b7d7577ff612361090b60fb 127.0.0.1:35893@45893 master,fail
 *       - 1796400531094 1796400530692 1 disconnected
 *   85c8ef836dbea85b7efe4f6287286c222f07cb88 127.0.0.1:38079@48079 slave
 *       47e86a16bd2a1aff753b3cfa2eab9775862817b7 0 1796400533216 3 connected
 *   1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a 127.0.0.1:47343@57343 slave
 *       a9655a09bcfc1e82d8dda2a597f73cb161e02f83 0 1796400533317 2 connected
 *   47e86a16bd2a1aff753b3cfa2eab9775862817b7 127.0.0.1:37175@47175 master
 *       - 0 1796400533118 3 connected 10923-16383
 *   a9655a09bcfc1e82d8dda2a597f73cb161e02f83 127.0.0.1:52203@62203 myself,master
 *       - 0 0 2 connected 5461-10922
 */
static const char valkey8_failover_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "a9655a09bcfc1e82d8dda2a597f73cb161e02f83\r\n"
    "$4\r\n" "port\r\n"
    ":52203\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a\r\n"
    "$4\r\n" "port\r\n"
    ":47343\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "f51788a3a9b6973e9b7d7577ff612361090b60fb\r\n"
    "$4\r\n" "port\r\n"
    ":35893\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$4\r\n" "fail\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc\r\n"
    "$4\r\n" "port\r\n"
    ":36107\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "47e86a16bd2a1aff753b3cfa2eab9775862817b7\r\n"
    "$4\r\n" "port\r\n"
    ":37175\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "85c8ef836dbea85b7efe4f6287286c222f07cb88\r\n"
    "$4\r\n" "port\r\n"
    ":38079\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char valkey8_failover_slots[] =
    "*3\r\n"
    "*3\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":36107\r\n"
    "$40\r\n" "2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc\r\n"
    "*0\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":52203\r\n"
    "$40\r\n" "a9655a09bcfc1e82d8dda2a597f73cb161e02f83\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":47343\r\n"
    "$40\r\n" "1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a\r\n"
    "*0\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":37175\r\n"
    "$40\r\n" "47e86a16bd2a1aff753b3cfa2eab9775862817b7\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":38079\r\n"
    "$40\r\n" "85c8ef836dbea85b7efe4f6287286c222f07cb88\r\n"
    "*0\r\n";

/* valkey8_replica_fail: CLUSTER NODES when recorded:
 *   2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc 127.0.0.1:36107@46107 master
 *       - 0 1796400535135 7 connected 0-5460
 *   f51788a3a9b6973e9b7d7577ff612361090b60fb 127.0.0.1:35893@45893 master,fail
 *       - 1796400531094 1796400530692 1 disconnected
 *   85c8ef836dbea85b7efe4f6287286c222f07cb88 127.0.0.1:38079@48079 slave
 *       47e86a16bd2a1aff753b3cfa2eab9775862817b7 0 1796400535639 3 connected
 *   1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a 127.0.0.1:47343@57343 slave,fail
 *       a9655a09bcfc1e82d8dda2a597f73cb161e02f83 1796400534128 1796400533317 2 disconnected
 *   47e86a16bd2a1aff753b3cfa2eab9775862817b7 127.0.0.1:37175@47175 master
 *       - 0 1796400535538 3 connected 10923-16383
 *   a9655a09bcfc1e82d8dda2a597f73cb161e02f83 127.0.0.1:52203@62203 myself,master
 *       - 0 0 2 connected 5461-10922
 */
static const char valkey8_replica_fail_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "a9655a09bcfc1e82d8dda2a597f73cb161e02f83\r\n"
    "$4\r\n" "port\r\n"
    ":52203\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "1b7bbd74553102aaa71144f5e6ba9a4cb5aa698a\r\n"
    "$4\r\n" "port\r\n"
    ":47343\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$4\r\n" "fail\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "f51788a3a9b6973e9b7d7577ff612361090b60fb\r\n"
    "$4\r\n" "port\r\n"
    ":35893\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$4\r\n" "fail\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc\r\n"
    "$4\r\n" "port\r\n"
    ":36107\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "47e86a16bd2a1aff753b3cfa2eab9775862817b7\r\n"
    "$4\r\n" "port\r\n"
    ":37175\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "85c8ef836dbea85b7efe4f6287286c222f07cb88\r\n"
    "$4\r\n" "port\r\n"
    ":38079\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char valkey8_replica_fail_slots[] =
    "*3\r\n"
    "*3\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":36107\r\n"
    "$40\r\n" "2f5f8a863fb6c8b86a3a5f5c700f3b64ca5c96cc\r\n"
    "*0\r\n"
    "*3\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":52203\r\n"
    "$40\r\n" "a9655a09bcfc1e82d8dda2a597f73cb161e02f83\r\n"
    "*0\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":37175\r\n"
    "$40\r\n" "47e86a16bd2a1aff753b3cfa2eab9775862817b7\r\n"
    "*0\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":38079\r\n"
    "$40\r\n" "85c8ef836dbea85b7efe4f6287286c222f07cb88\r\n"
    "*0\r\n";

/* valkey8_hostname: CLUSTER NODES when recorded:
 *   4047a22aee8f43107cf0d74426acfaa7a7c9a6bf 127.0.0.1:33501@43501,node-4.rm.test slave
 *       fe1fb5de1a88380f20f81d2054e4377250b8af18 0 1796400538596 3 connected
 *   fe1fb5de1a88380f20f81d2054e4377250b8af18 127.0.0.1:42851@52851,node-2.rm.test master
 *       - 0 1796400538596 3 connected 10923-16383
 *   46365ecbe5f11e39e1dbff321da60e41e3e795a9 127.0.0.1:38967@48967,node-3.rm.test slave
 *       96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d 0 1796400538596 2 connected
 *   96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d 127.0.0.1:44737@54737,node-1.rm.test master
 *       - 0 1796400537884 2 connected 5461-10922
 *   4952b77890e4ccc545f8756d276c870bc17254f6 127.0.0.1:48535@58535,node-5.rm.test slave
 *       915a94612f344367cd7ebc5377e5178fdf05e829 0 1796400538596 1 connected
 *   915a94612f344367cd7ebc5377e5178fdf05e829 127.0.0.1:37173@47173,node-0.rm.test myself,master
 *       - 0 0 1 connected 0-5460
 */
static const char valkey8_hostname_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "fe1fb5de1a88380f20f81d2054e4377250b8af18\r\n"
    "$4\r\n" "port\r\n"
    ":42851\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "4047a22aee8f43107cf0d74426acfaa7a7c9a6bf\r\n"
    "$4\r\n" "port\r\n"
    ":33501\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-4.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-4.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "915a94612f344367cd7ebc5377e5178fdf05e829\r\n"
    "$4\r\n" "port\r\n"
    ":37173\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "4952b77890e4ccc545f8756d276c870bc17254f6\r\n"
    "$4\r\n" "port\r\n"
    ":48535\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d\r\n"
    "$4\r\n" "port\r\n"
    ":44737\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "46365ecbe5f11e39e1dbff321da60e41e3e795a9\r\n"
    "$4\r\n" "port\r\n"
    ":38967\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char valkey8_hostname_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    ":37173\r\n"
    "$40\r\n" "915a94612f344367cd7ebc5377e5178fdf05e829\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    ":48535\r\n"
    "$40\r\n" "4952b77890e4ccc545f8756d276c870bc17254f6\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    ":44737\r\n"
    "$40\r\n" "96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    ":38967\r\n"
    "$40\r\n" "46365ecbe5f11e39e1dbff321da60e41e3e795a9\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    ":42851\r\n"
    "$40\r\n" "fe1fb5de1a88380f20f81d2054e4377250b8af18\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "*4\r\n"
    "$14\r\n" "node-4.rm.test\r\n"
    ":33501\r\n"
    "$40\r\n" "4047a22aee8f43107cf0d74426acfaa7a7c9a6bf\r\n"
    "*2\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n";

/* valkey8_hostname_ip: CLUSTER NODES when recorded:
 *   4047a22aee8f43107cf0d74426acfaa7a7c9a6bf 127.0.0.1:33501@43501,node-4.rm.test slave
 *       fe1fb5de1a88380f20f81d2054e4377250b8af18 0 1796400538596 3 connected
 *   fe1fb5de1a88380f20f81d2054e4377250b8af18 127.0.0.1:42851@52851,node-2.rm.test master
 *       - 0 1796400538596 3 connected 10923-16383
 *   46365ecbe5f11e39e1dbff321da60e41e3e795a9 127.0.0.1:38967@48967,node-3.rm.test slave
 *       96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d 0 1796400538596 2 connected
 *   96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d 127.0.0.1:44737@54737,node-1.rm.test master
 *       - 0 1796400537884 2 connected 5461-10922
 *   4952b77890e4ccc545f8756d276c870bc17254f6 127.0.0.1:48535@58535,node-5.rm.test slave
 *       915a94612f344367cd7ebc5377e5178fdf05e829 0 1796400538596 1 connected
 *   915a94612f344367cd7ebc5377e5178fdf05e829 127.0.0.1:37173@47173,node-0.rm.test myself,master
 *       - 0 0 1 connected 0-5460
 */
static const char valkey8_hostname_ip_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "fe1fb5de1a88380f20f81d2054e4377250b8af18\r\n"
    "$4\r\n" "port\r\n"
    ":42851\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "4047a22aee8f43107cf0d74426acfaa7a7c9a6bf\r\n"
    "$4\r\n" "port\r\n"
    ":33501\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-4.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "915a94612f344367cd7ebc5377e5178fdf05e829\r\n"
    "$4\r\n" "port\r\n"
    ":37173\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "4952b77890e4ccc545f8756d276c870bc17254f6\r\n"
    "$4\r\n" "port\r\n"
    ":48535\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d\r\n"
    "$4\r\n" "port\r\n"
    ":44737\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "46365ecbe5f11e39e1dbff321da60e41e3e795a9\r\n"
    "$4\r\n" "port\r\n"
    ":38967\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char valkey8_hostname_ip_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":37173\r\n"
    "$40\r\n" "915a94612f344367cd7ebc5377e5178fdf05e829\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":48535\r\n"
    "$40\r\n" "4952b77890e4ccc545f8756d276c870bc17254f6\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":44737\r\n"
    "$40\r\n" "96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":38967\r\n"
    "$40\r\n" "46365ecbe5f11e39e1dbff321da60e41e3e795a9\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":42851\r\n"
    "$40\r\n" "fe1fb5de1a88380f20f81d2054e4377250b8af18\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "*4\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    ":33501\r\n"
    "$40\r\n" "4047a22aee8f43107cf0d74426acfaa7a7c9a6bf\r\n"
    "*2\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-4.rm.test\r\n";

/* valkey8_hostname_unknown: CLUSTER NODES when recorded:
 *   4047a22aee8f43107cf0d74426acfaa7a7c9a6bf 127.0.0.1:33501@43501,node-4.rm.test slave
 *       fe1fb5de1a88380f20f81d2054e4377250b8af18 0 1796400538596 3 connected
 *   fe1fb5de1a88380f20f81d2054e4377250b8af18 127.0.0.1:42851@52851,node-2.rm.test master
 *       - 0 1796400538596 3 connected 10923-16383
 *   46365ecbe5f11e39e1dbff321da60e41e3e795a9 127.0.0.1:38967@48967,node-3.rm.test slave
 *       96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d 0 1796400538596 2 connected
 *   96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d 127.0.0.1:44737@54737,node-1.rm.test master
 *       - 0 1796400537884 2 connected 5461-10922
 *   4952b77890e4ccc545f8756d276c870bc17254f6 127.0.0.1:48535@58535,node-5.rm.test slave
 *       915a94612f344367cd7ebc5377e5178fdf05e829 0 1796400538596 1 connected
 *   915a94612f344367cd7ebc5377e5178fdf05e829 127.0.0.1:37173@47173,node-0.rm.test myself,master
 *       - 0 0 1 connected 0-5460
 */
static const char valkey8_hostname_unknown_shards[] =
    "*3\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "fe1fb5de1a88380f20f81d2054e4377250b8af18\r\n"
    "$4\r\n" "port\r\n"
    ":42851\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "4047a22aee8f43107cf0d74426acfaa7a7c9a6bf\r\n"
    "$4\r\n" "port\r\n"
    ":33501\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-4.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":244\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":5460\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "915a94612f344367cd7ebc5377e5178fdf05e829\r\n"
    "$4\r\n" "port\r\n"
    ":37173\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "4952b77890e4ccc545f8756d276c870bc17254f6\r\n"
    "$4\r\n" "port\r\n"
    ":48535\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":468\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "$5\r\n" "nodes\r\n"
    "*2\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d\r\n"
    "$4\r\n" "port\r\n"
    ":44737\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n"
    "*16\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "46365ecbe5f11e39e1dbff321da60e41e3e795a9\r\n"
    "$4\r\n" "port\r\n"
    ":38967\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "$4\r\n" "role\r\n"
    "$7\r\n" "replica\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":307\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char valkey8_hostname_unknown_slots[] =
    "*3\r\n"
    "*4\r\n"
    ":0\r\n"
    ":5460\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":37173\r\n"
    "$40\r\n" "915a94612f344367cd7ebc5377e5178fdf05e829\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-0.rm.test\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":48535\r\n"
    "$40\r\n" "4952b77890e4ccc545f8756d276c870bc17254f6\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-5.rm.test\r\n"
    "*4\r\n"
    ":5461\r\n"
    ":10922\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":44737\r\n"
    "$40\r\n" "96ed9ea9a63ed13e8f9cb525fd5e6d08e367c91d\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-1.rm.test\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":38967\r\n"
    "$40\r\n" "46365ecbe5f11e39e1dbff321da60e41e3e795a9\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-3.rm.test\r\n"
    "*4\r\n"
    ":10923\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":42851\r\n"
    "$40\r\n" "fe1fb5de1a88380f20f81d2054e4377250b8af18\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-2.rm.test\r\n"
    "*4\r\n"
    "$-1\r\n"
    ":33501\r\n"
    "$40\r\n" "4047a22aee8f43107cf0d74426acfaa7a7c9a6bf\r\n"
    "*4\r\n"
    "$2\r\n" "ip\r\n"
    "$9\r\n" "127.0.0.1\r\n"
    "$8\r\n" "hostname\r\n"
    "$14\r\n" "node-4.rm.test\r\n";

/* ---- one-node clusters, whose node does not know its own IP ---- */

/* redis7_single: CLUSTER NODES when recorded:
 *   ad0a00fe493e75328cb4021d21a754f4ec2cdfa3 :43991@53991 myself,master
 *       - 0 0 0 connected 0-16383
 */
static const char redis7_single_shards[] =
    "*1\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*1\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "ad0a00fe493e75328cb4021d21a754f4ec2cdfa3\r\n"
    "$4\r\n" "port\r\n"
    ":43991\r\n"
    "$2\r\n" "ip\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char redis7_single_slots[] =
    "*1\r\n"
    "*3\r\n"
    ":0\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$0\r\n" "\r\n"
    ":43991\r\n"
    "$40\r\n" "ad0a00fe493e75328cb4021d21a754f4ec2cdfa3\r\n"
    "*0\r\n";
static const int redis7_single_port = 43991;

/* valkey8_single: CLUSTER NODES when recorded:
 *   774f25e26d4d87ae4fc98ecf7c54c5dde6529974 :34859@44859 myself,master
 *       - 0 0 0 connected 0-16383
 */
static const char valkey8_single_shards[] =
    "*1\r\n"
    "*4\r\n"
    "$5\r\n" "slots\r\n"
    "*2\r\n"
    ":0\r\n"
    ":16383\r\n"
    "$5\r\n" "nodes\r\n"
    "*1\r\n"
    "*14\r\n"
    "$2\r\n" "id\r\n"
    "$40\r\n" "774f25e26d4d87ae4fc98ecf7c54c5dde6529974\r\n"
    "$4\r\n" "port\r\n"
    ":34859\r\n"
    "$2\r\n" "ip\r\n"
    "$0\r\n" "\r\n"
    "$8\r\n" "endpoint\r\n"
    "$0\r\n" "\r\n"
    "$4\r\n" "role\r\n"
    "$6\r\n" "master\r\n"
    "$18\r\n" "replication-offset\r\n"
    ":0\r\n"
    "$6\r\n" "health\r\n"
    "$6\r\n" "online\r\n";
static const char valkey8_single_slots[] =
    "*1\r\n"
    "*3\r\n"
    ":0\r\n"
    ":16383\r\n"
    "*4\r\n"
    "$0\r\n" "\r\n"
    ":34859\r\n"
    "$40\r\n" "774f25e26d4d87ae4fc98ecf7c54c5dde6529974\r\n"
    "*0\r\n";
static const int valkey8_single_port = 34859;

static const struct recording recordings[] = {
    {
        "redis7_fresh",
        redis7_fresh_shards,
        sizeof(redis7_fresh_shards) - 1,
        redis7_fresh_slots,
        sizeof(redis7_fresh_slots) - 1,
        {
            {0, 5460, "127.0.0.1", 32883, "127.0.0.1", 40079},
            {5461, 10922, "127.0.0.1", 53839, "127.0.0.1", 34693},
            {10923, 16383, "127.0.0.1", 48057, "127.0.0.1", 43777},
        },
        {0, 0},
        false,
    },
    {
        "redis7_plain",
        redis7_plain_shards,
        sizeof(redis7_plain_shards) - 1,
        redis7_plain_slots,
        sizeof(redis7_plain_slots) - 1,
        {
            {0, 5460, "127.0.0.1", 32883, "127.0.0.1", 40079},
            {5461, 10922, "127.0.0.1", 53839, "127.0.0.1", 34693},
            {10923, 16383, "127.0.0.1", 48057, "127.0.0.1", 43777},
        },
        {0, 0},
        true,
    },
    {
        "redis7_no_hostname",
        redis7_no_hostname_shards,
        sizeof(redis7_no_hostname_shards) - 1,
        redis7_no_hostname_slots,
        sizeof(redis7_no_hostname_slots) - 1,
        {
            {0, 5460, "127.0.0.1", 32883, "127.0.0.1", 40079},
            {5461, 10922, "127.0.0.1", 53839, "127.0.0.1", 34693},
            {10923, 16383, "127.0.0.1", 48057, "127.0.0.1", 43777},
        },
        {0, 0},
        true,
    },
    {
        "redis7_failover",
        redis7_failover_shards,
        sizeof(redis7_failover_shards) - 1,
        redis7_failover_slots,
        sizeof(redis7_failover_slots) - 1,
        {
            {0, 5460, "127.0.0.1", 40079, "", 0},
            {5461, 10922, "127.0.0.1", 53839, "127.0.0.1", 34693},
            {10923, 16383, "127.0.0.1", 48057, "127.0.0.1", 43777},
        },
        {32883, 0},
        true,
    },
    {
        "redis7_replica_fail",
        redis7_replica_fail_shards,
        sizeof(redis7_replica_fail_shards) - 1,
        redis7_replica_fail_slots,
        sizeof(redis7_replica_fail_slots) - 1,
        {
            {0, 5460, "127.0.0.1", 40079, "", 0},
            {5461, 10922, "127.0.0.1", 53839, "", 0},
            {10923, 16383, "127.0.0.1", 48057, "127.0.0.1", 43777},
        },
        {32883, 34693},
        true,
    },
    {
        "redis7_hostname",
        redis7_hostname_shards,
        sizeof(redis7_hostname_shards) - 1,
        redis7_hostname_slots,
        sizeof(redis7_hostname_slots) - 1,
        {
            {0, 5460, "node-0.rm.test", 38573, "node-5.rm.test", 42125},
            {5461, 10922, "node-1.rm.test", 54185, "node-3.rm.test", 34581},
            {10923, 16383, "node-2.rm.test", 55093, "node-4.rm.test", 33705},
        },
        {0, 0},
        true,
    },
    {
        "redis7_hostname_ip",
        redis7_hostname_ip_shards,
        sizeof(redis7_hostname_ip_shards) - 1,
        redis7_hostname_ip_slots,
        sizeof(redis7_hostname_ip_slots) - 1,
        {
            {0, 5460, "node-0.rm.test", 38573, "node-5.rm.test", 42125},
            {5461, 10922, "node-1.rm.test", 54185, "node-3.rm.test", 34581},
            {10923, 16383, "node-2.rm.test", 55093, "node-4.rm.test", 33705},
        },
        {0, 0},
        true,
    },
    {
        "redis7_hostname_unknown",
        redis7_hostname_unknown_shards,
        sizeof(redis7_hostname_unknown_shards) - 1,
        redis7_hostname_unknown_slots,
        sizeof(redis7_hostname_unknown_slots) - 1,
        {
            {0, 5460, "node-0.rm.test", 38573, "node-5.rm.test", 42125},
            {5461, 10922, "node-1.rm.test", 54185, "node-3.rm.test", 34581},
            {10923, 16383, "node-2.rm.test", 55093, "node-4.rm.test", 33705},
        },
        {0, 0},
        true,
    },
    {
        "valkey8_fresh",
        valkey8_fresh_shards,
        sizeof(valkey8_fresh_shards) - 1,
        valkey8_fresh_slots,
        sizeof(valkey8_fresh_slots) - 1,
        {
            {0, 5460, "127.0.0.1", 35893, "127.0.0.1", 36107},
            {5461, 10922, "127.0.0.1", 52203, "127.0.0.1", 47343},
            {10923, 16383, "127.0.0.1", 37175, "127.0.0.1", 38079},
        },
        {0, 0},
        false,
    },
    {
        "valkey8_plain",
        valkey8_plain_shards,
        sizeof(valkey8_plain_shards) - 1,
        valkey8_plain_slots,
        sizeof(valkey8_plain_slots) - 1,
        {
            {0, 5460, "127.0.0.1", 35893, "127.0.0.1", 36107},
            {5461, 10922, "127.0.0.1", 52203, "127.0.0.1", 47343},
            {10923, 16383, "127.0.0.1", 37175, "127.0.0.1", 38079},
        },
        {0, 0},
        true,
    },
    {
        "valkey8_no_hostname",
        valkey8_no_hostname_shards,
        sizeof(valkey8_no_hostname_shards) - 1,
        valkey8_no_hostname_slots,
        sizeof(valkey8_no_hostname_slots) - 1,
        {
            {0, 5460, "127.0.0.1", 35893, "127.0.0.1", 36107},
            {5461, 10922, "127.0.0.1", 52203, "127.0.0.1", 47343},
            {10923, 16383, "127.0.0.1", 37175, "127.0.0.1", 38079},
        },
        {0, 0},
        true,
    },
    {
        "valkey8_failover",
        valkey8_failover_shards,
        sizeof(valkey8_failover_shards) - 1,
        valkey8_failover_slots,
        sizeof(valkey8_failover_slots) - 1,
        {
            {0, 5460, "127.0.0.1", 36107, "", 0},
            {5461, 10922, "127.0.0.1", 52203, "127.0.0.1", 47343},
            {10923, 16383, "127.0.0.1", 37175, "127.0.0.1", 38079},
        },
        {35893, 0},
        true,
    },
    {
        "valkey8_replica_fail",
        valkey8_replica_fail_shards,
        sizeof(valkey8_replica_fail_shards) - 1,
        valkey8_replica_fail_slots,
        sizeof(valkey8_replica_fail_slots) - 1,
        {
            {0, 5460, "127.0.0.1", 36107, "", 0},
            {5461, 10922, "127.0.0.1", 52203, "", 0},
            {10923, 16383, "127.0.0.1", 37175, "127.0.0.1", 38079},
        },
        {35893, 47343},
        true,
    },
    {
        "valkey8_hostname",
        valkey8_hostname_shards,
        sizeof(valkey8_hostname_shards) - 1,
        valkey8_hostname_slots,
        sizeof(valkey8_hostname_slots) - 1,
        {
            {0, 5460, "node-0.rm.test", 37173, "node-5.rm.test", 48535},
            {5461, 10922, "node-1.rm.test", 44737, "node-3.rm.test", 38967},
            {10923, 16383, "node-2.rm.test", 42851, "node-4.rm.test", 33501},
        },
        {0, 0},
        true,
    },
    {
        "valkey8_hostname_ip",
        valkey8_hostname_ip_shards,
        sizeof(valkey8_hostname_ip_shards) - 1,
        valkey8_hostname_ip_slots,
        sizeof(valkey8_hostname_ip_slots) - 1,
        {
            {0, 5460, "node-0.rm.test", 37173, "node-5.rm.test", 48535},
            {5461, 10922, "node-1.rm.test", 44737, "node-3.rm.test", 38967},
            {10923, 16383, "node-2.rm.test", 42851, "node-4.rm.test", 33501},
        },
        {0, 0},
        true,
    },
    {
        "valkey8_hostname_unknown",
        valkey8_hostname_unknown_shards,
        sizeof(valkey8_hostname_unknown_shards) - 1,
        valkey8_hostname_unknown_slots,
        sizeof(valkey8_hostname_unknown_slots) - 1,
        {
            {0, 5460, "node-0.rm.test", 37173, "node-5.rm.test", 48535},
            {5461, 10922, "node-1.rm.test", 44737, "node-3.rm.test", 38967},
            {10923, 16383, "node-2.rm.test", 42851, "node-4.rm.test", 33501},
        },
        {0, 0},
        true,
    },
};

/* CLUSTER KEYSLOT of random binary keys, the same on both servers. */
static const struct keyslot {
    const char *key;
    size_t len;
    int slot;
} keyslots[] = {
    {"123456789", 9, 12739},
    {"foo", 3, 12182},
    {"{user1000}.following", 20, 3443},
    {"{user1000}.followers", 20, 3443},
    {"user1000", 8, 3443},
    {"foo{}{bar}", 10, 8363},
    {"foo{{bar}}zap", 13, 4015},
    {"{bar", 4, 4015},
    {"foo{bar}{zap}", 13, 5061},
    {"bar", 3, 5061},
    {"", 0, 0},
    {"{", 1, 4092},
    {"}", 1, 12090},
    {"{}", 2, 15257},
    {"}{", 2, 12793},
    {"{a", 2, 10276},
    {"a}", 2, 5921},
    {"{a}", 3, 15495},
    {"\000", 1, 0},
    {"{\000}", 3, 0},
    {"\377\376", 2, 3374},
    {"a{b}c{d}", 8, 3300},
    {"{{}}", 4, 4092},
    {"{}{}", 4, 15786},
    {" \n" "}bba\377a\000{\n" "\n" "{\000  ba", 18, 11228},
    {"{\ra", 3, 8738},
    {"\235\201\373;\226E\233\372", 8, 10969},
    {" \n" "\n" "b\377\377 \n" "\n" " bb\n" "\r", 14, 6003},
    {"\r{\377\377{\n" "b}}\377{b", 12, 6874},
    {"n\200x\030n\303ZW\361\203\350\367t\201\275", 15, 635},
    {"}b{a}\n", 6, 15495},
    {"\n" "\n" "{\000a\000\000{\r {\377}\r}ab\377aa\r ", 22, 3585},
    {" }b {\000aa{\377b\n" "b\n" "ab\000a", 18, 4523},
    {"}\377\rb}\000\377b\n" "{aa\rb \n" "ab\377}{}", 22, 6339},
    {"\217\373\346F\204\334\324", 7, 12459},
    {" \ra\r\000{\n" "\377 \000}b\000\n" "\377{\377{{\r", 20, 8494},
    {"\014%T\\\361Gb", 7, 3714},
    {"a", 1, 15495},
    {"\273\261\3505/\3364\201R\017\331\336\220I\246\217I\221\230", 19, 1526},
    {"\331\343\242@\320\231\017(\375\367\227x", 12, 11042},
    {"\377\n" "} }\377}\n" "ba\377", 11, 7721},
    {"\263pX", 3, 13323},
    {"\266\350\366*A\177\211\206\260\240\316\",\210\224k\330\020\024\371", 20, 6582},
    {"}}b\rb}\n" " \n" "\r\rb{", 13, 15527},
    {"\235\324N\227(\357\246\250T\225\211\026\023\203\016'\313!", 18, 4194},
    {"\324\210\025D\374\337\0063-\250T\265\370\323j", 15, 11868},
    {"}b\000}{\000 }a{\n" "{a b\000 }{\000\377\000\r", 23, 9314},
    {"W\272\005\334\334\346\021/\252JA\026\310\230\363\366\211\327e", 19, 4885},
    {"t; [\257\261\367;e}\326\346+\370", 14, 11764},
    {"}{\n" "ba{\377\r\n" "}", 10, 4228},
    {"k<\340", 3, 5708},
    {"\n" "b\377", 3, 13433},
    {"{\000\r a\000}\000 \000\000", 11, 1883},
    {"}\n" " b}a\r\000\r\n" "}ab\000\n" "a\000\n" "a", 19, 9328},
    {"a\377\000\000\n" "\r\000b\n" "\000a\ra\377a\n" "\rb", 18, 8009},
    {" b  \377 a\r\n", 9, 10416},
    {"\032\217O", 3, 13871},
    {"\377\rb\ra\000a\000}}\n" " a b ", 16, 13192},
    {"\233\n" "\274wrr\032", 7, 3274},
    {"}\n" "\000{\n" "\000\377", 7, 11570},
    {"\?\035\256\317<,G", 7, 3657},
    {"\357\214\342\313\027\243a\023\337\036\322\337/+tx\020n", 18, 15830},
    {"\255\035\312^&!\017s\362\204p\0114l\265\220\021\362\320\345", 20, 2479},
    {"\300,,\027:a\266", 7, 15497},
    {"H\235\240Z^{\377\034iZ\017r\274\364\232\330*\337\233", 19, 15702},
    {"\331u\367\333=\316G\225\372JY)\221\224a\336\211\n", 18, 15218},
    {"b\rb\n" "\377 a\r{\377b\r\000 \000\000\377 a\n" " \r", 22, 10971},
    {"\000 \000 \000b}\000\000", 9, 8323},
    {"~+\326\224", 4, 10916},
    {"\264Oj\353\325\263", 6, 5455},
    {"\r\n" "}b", 4, 3238},
    {"b", 1, 3300},
    {"\000{\000{b\377\r", 7, 15629},
    {"\000\n" " aa{b\377\r\377 }\r\000\000b}\n" "\r", 19, 13104},
    {"\377  \377\000}{\r", 8, 2633},
    {"\304\301Gl\0104\211gK\031\032\321\026>':\263\270\3715\341", 21, 16236},
    {"hzK\334H\000\035Q\037@\306\306\371/\034\0319t", 18, 11368},
    {"\n" "   \000}\000b\000b\r\000b\ra\377b{}\r", 20, 13461},
    {"}\377}bb\n" "\377} \377{\n" "\000\377", 14, 15790},
    {"\n" "\n" "\000\ra\n" "}{\000}a\n" "\n" "{\000\377\n" "a\n" "{", 20, 0},
    {"{{\377a\n" "}\377\n" "b\r}a", 12, 2648},
    {"\000{b", 3, 6215},
    {"\342\006k\017", 4, 15645},
    {"{ba\000a{{\377\n" "}}b}\377", 14, 11470},
    {"\n" " b\000\377\377\n" "\000b\377\377{{ ", 14, 10466},
    {" \000}  {\r a\n" " \000a \377\000{bb\n" "}", 21, 7715},
    {"b}ab\000}", 6, 7667},
    {"\377 b\377 \n" "{b\377a\n" "}\000 \377\r}{}\r\377\377{", 23, 8840},
    {"\3664=\013\276\310\327{\014#(\353eD\274", 15, 72},
    {"\006\032\005E", 4, 1199},
    {"a\377\r \n" "\n" "\n" "\377b\000 \n" "b", 13, 15367},
    {"  \377}{\000b\377{\377ba\377\ra", 15, 8967},
    {"I\370\200\205\031O\372\241\372\307\3656\005\341\027n\007\340@", 19, 15628},
    {"}\000}\377}a\377\r\377b\n" "bb\n" "\000{}\377\n" "a} \377", 23, 14023},
    {"\254\232Q\000\230", 5, 9268},
    {"\213D\003kT\340E\340\253\205M[\374\316C\322\253", 17, 12425},
    {"{b\377\377\n" " aa}} {\377{\377aa", 17, 14104},
    {"\r", 1, 4525},
    {"a\n" "\n" "\377\n" "\r}\000b{\r\377 \n" "a\n" "\000", 17, 4700},
    {"\217", 1, 8295},
    {"a  \377\377\r\n" "\377a\n" "}}\rab bba\000", 20, 15886},
    {"  a\r\r} ", 7, 2499},
    {"#\215\000\300\3177N\r\331\n" ".n^\375\355Z\217\351$cv\365:", 23, 12407},
    {":7'", 3, 2787},
    {"/>\202\277\337\216\216\r\001'^5\3271\365\?\007", 17, 10098},
    {"\212\210k&\226\244\216\265.\237w\367\313\020", 14, 13910},
    {"\255,\211\237\014\270\261G\210", 9, 5405},
    {"\n" "}\377\000\r}\ra\377 \377\377a{}\377\377\n" "\377 \377{\n", 23, 4462},
    {" \377 \377aa}b", 8, 98},
    {"\3527U\270\362\272\255@h|\335\353\366\3255", 15, 1733},
    {"\226\251\331%TZZc\237\024U\232\310Gn\347\333", 17, 11806},
    {"\377\r{\r\r{\n" "b\377", 9, 4669},
    {"\r\n" "a\r\r\000\377b\r\377  ", 12, 9904},
    {"F\301\372\037\333\005E4\367\314\373\240$\353\364}\312", 17, 2612},
    {" \n" " ", 3, 3439},
    {"\220\335\225~\177@~\244,\302\202]\020\266\342\177~\222", 18, 11716},
    {"\377\263\235\372\264\"\343\346\365<Z\217\226d\370K", 16, 6237},
    {"\r \377 }\000 \n" "\377\n", 10, 3227},
    {"\000O:\240\235\"\205K\243R\217\234\014\2134\361\220\252", 18, 9862},
    {" bb{\377\n" "\000b\n" "\377\000\377ba\000b{\377\r\r", 20, 3660},
    {"\r { \r\377\n" "\000{ \000\000 \r\377b", 16, 5586},
    {"\000\000", 2, 0},
    {"a\000{\377", 4, 9525},
    {"\000 } b{a\377\r\r{\000}{\000\r", 16, 12131},
    {"\206\253\233\351y7\3278\037\312\234\335}_\206\375\036\3377T_\251\326", 23, 5585},
    {"aa\r \377\n" "a \000}\r", 11, 16375},
    {"}\r}\377ba\r \377}\000a\000aa}\000 {a", 20, 9439},
    {"\000a\377{", 4, 8280},
    {"\n" "}\n" "b\000{\000{\n" "a}{{\377\n" "\n" "\r \377\r\r", 21, 15285},
    {"\302,\334\\o\337\344/~A\352\020\377\036<\031]_\342\350", 20, 10322},
    {"ab", 2, 13567},
    {"b\ra\000\r}\n" "\n" "b\000{a{\377{\r \000\377a", 20, 6289},
    {"\213N\245\345cu", 6, 9467},
    {"\320q\020\006v {Rb\023\336\333\366\355\307\007\305\013", 18, 7365},
    {"{\n" "{{aa\000\n" "\377", 9, 6844},
    {"$\263\301\202\266", 5, 159},
    {"}a", 2, 642},
    {"\025\006-\266\350", 5, 3214},
    {"\324\264\202I\226\200l\226E\021\244\357m/\306A", 16, 11678},
    {"\304\365\330|\370\011\377l\323\245\325", 11, 8995},
    {"\216\216\356\020>\335}\035", 8, 8655},
    {")", 1, 13643},
    {"\351\021f3\254\356/O\302\251\035\366E\351#", 15, 3926},
    {"\n" "{\377{", 4, 3153},
    {" \377{\377\000", 5, 10257},
    {"\020\255\377\206B\312\010\3025S\324", 11, 5844},
    {"{\n" "\n" "}\n" "\r{", 7, 3713},
    {"\211\373\217\333ty\214\273\312\300\236/D\034\245", 15, 4657},
    {",\205", 2, 678},
    {"\265:\237\351lb\000\265$", 9, 7486},
    {"\r{a\377\377", 5, 3140},
    {"\321\011-\021p\"!\032\345\357\247\274\354\255", 14, 10422},
    {"\377aa\000b\r\377}\377b}\000}ab\r", 16, 11759},
    {"\377{\r {{b", 7, 1477},
    {"\323\307Z\214\326\2501\215S\264+\037`", 13, 6889},
    {"\r\ra\n" "\n" "\n" "a", 7, 11234},
    {"\233b$0\301\350X\013Hi", 10, 9150},
    {"bb{b\rb\000\377{\000}\377\n", 13, 6949},
    {"\306X\204Q\267\301w\373", 8, 8643},
    {"\001\315[\211\3531\235\215]\271\306\252\3707:Rn", 17, 10769},
    {"\377{", 2, 3075},
    {"a \r\r a{", 7, 6062},
    {"$\243e", 3, 11816},
    {"  {\n" "\000", 5, 14536},
    {"b{}  {\r\000 b\000\n" "}a{b\r\r\r\r}\n", 22, 7096},
    {"\?\276\376k\227\200\316\031W8{\277L6j]S", 17, 88},
    {"D", 1, 2112},
    {"1\274D\324\177\324\337[\027I\242s\363V\363\372\300_", 18, 4980},
    {"\377\r\rb\n" "a}a\000", 9, 12161},
    {"\337\366\343\373\252\220\261\205\0317)\211\375\275\270\316", 16, 5224},
    {"\334\344\314\232{\257ht\013\026\346\321(SO\325\367EHVs", 21, 12167},
    {"b{\r}\r\000\377\000\377}b", 11, 4525},
    {"{ \r{a\000", 6, 10222},
    {"b  {ba\377}b\377b\n" "\000\r", 14, 5088},
    {"b\000\n" "}\n" "\000\r", 7, 14536},
    {"\344O=\224r\371\321\r\037\346", 10, 978},
    {"{}\n" "\ra\377a\377\000\377a\n" "a aa}\377\000  ", 21, 12452},
    {" b \000\377\r\n" "\r \377\000{\n", 13, 9138},
    {"b\r{\n" "a\n" "\377 ", 8, 10174},
    {"\"\316\306i(\335\366", 7, 10203},
    {" {\n" "\000{\000  \n" "\377a\377\r}\000\r}", 17, 1447},
    {"a {\000\n" "\000b} \000\n" "a\r\r \377ab", 18, 2853},
    {"\000}\000\n" "}b\377\377", 8, 15154},
    {" \n" " b\n" "\n" " a\r\000\n" "\000a {\n", 16, 13666},
    {"\000\000\377\n" "{b", 6, 5157},
    {" }", 2, 10716},
    {"\245\356\216q\024\207S\252\213;e~#R8\377@t\327\023y\321", 22, 14390},
    {"aa}\377\n" "\n" "}\000\000b\ra\ra\n" "a\000{b\n" " \377\r", 23, 10580},
    {"b\r\377\raa\n" "{}\n" "}b} \r \377", 17, 10349},
    {"} \000}\000 b\n", 8, 16038},
    {"\214M", 2, 1948},
    {"\n" "{\n" "\n" "ba\377{{ \000\r \377b", 15, 10944},
    {"\030~\346\025u\314\266g}j", 10, 15627},
    {"\n" "\000", 2, 12235},
    {"\277\236\364\215", 4, 6439},
    {" {{{\r", 5, 14633},
    {"\365", 1, 16314},
    {"\000\377\n" " \000\377}a\377a\377\000b{\377\r a\r", 19, 5305},
    {"tK\244\220", 4, 14299},
    {"\r{ab\377\377\377a\n" "{a\r \n" "\000{\n" "\n" "\000\377b\n" "b", 23, 13771},
    {"\367", 1, 8184},
    {"\267\312^*\3532`\227%", 9, 13185},
    {"\377\000{ \ra\n" "{}\rb{{\n" "{aaa}{", 20, 15710},
    {"\341)\221\200\332'9\212N\224", 10, 2676},
    {"\377\n" "}ba\n" "\n" "\000\377\n" "ba\n", 13, 8793},
    {"g\343\241\340em6\360", 8, 10692},
    {"ab}a\000\000\n" "b{aa}\377{b\n", 16, 1180},
    {"\234\267\2273\177", 5, 12106},
    {"}b}}\000 {\n" "\r }}}\r{}", 16, 5631},
    {"+\243\374Y76C|\260\004\377\260ep\223h\257\352n", 19, 161},
    {"{\000aa\r", 5, 13460},
    {"b\377}}{\r\000bb\377\000\n" "a\n" " {  \000\000\377", 21, 8749},
    {"\214", 1, 4100},
    {"\366\023F\211.\277", 6, 10694},
    {"\350", 1, 15398},
    {"\275\254\337\370", 4, 11172},
    {"\322:\261\324\\\375%\374&\327\021\341\007U\016\313o<)", 19, 11170},
    {"l:\373xTh\271\360\320lk\266\006\375gq\201\204\355\263", 20, 2161},
    {"\377 \377\n" "aa\n" "\rb}\r {}\n" " {\n" "b\000\r", 21, 11092},
    {" b{\000\000}b}a}{ ", 12, 0},
    {"\n" "ba\377\000\377}{{{a\377ab\r\n" "\r{{\n" "{\000", 22, 6201},
    {"\345u\007\033\363\264\035E\002P\3171", 12, 11727},
    {"a{\n" "a\377 {a\rb}\000\r{b\r}b\r", 19, 3205},
    {"\343\210\177\226\335\0041\344v\016B\000\027\364\322\247\025Q", 18, 13702},
    {"{ a\377b\000\n" "\000\r\n" " \377a\n" "\000b\rb\n" "\377\n", 21, 12864},
    {"\365T \243w\310\217\331\\\202EP", 12, 14326},
    {"{{b{{{\000{\r\000", 10, 12247},
    {"b{\n" "a b}\r\r}  ", 12, 3826},
    {"}\237.\300\343\r\233/S\201\314\275", 12, 4928},
    {"\004joR\225\361\205|\273\016\330/ \311\226\346y\00498\233\336", 22, 9019},
    {"\261\366\343\020\344x;di", 9, 3513},
    {"\377\n" "\000", 3, 8360},
    {" aa\000\r{}}b b{{{\377\377\377{\000}b", 21, 11212},
    {"\001X\320\010\027\212j\013fU\373\373N\340\307k\375B\221\021\033", 21, 14383},
    {" \377\000\n" "\000\377}\377\n" "\000{\n" "a{\000", 15, 8709},
    {"u\322Q\347[^9P\3727\026", 11, 13515},
    {"~\220\?\372~\247\361\324\203\004)\020\247\377&^\376\021\367", 19, 12355},
    {"C\370{\271\340\3265\010V\254\252\345\2334%\3129\240", 18, 3279},
    {" \n" "}\n" "\r\000{bb}\000{\n" "\000\377{\377{}\ra", 21, 8620},
    {"\210K+v\266\306\320\257\267\005", 10, 7039},
    {"{\000\n" "}{a", 6, 8522},
    {"\240\035H&", 4, 11141},
    {"\262\234=\324\344\213\240k\250\300\260\372\213\350.\376\301\225!\232\300\346x", 23, 1020},
    {"b{a\n" "} \377\n", 8, 6481},
    {"{b", 2, 6215},
    {"a ", 2, 7289},
    {"\000{\r\n" "b\377\r{}}\000\377\n" "}\377{\000", 17, 2708},
    {"MM\247\003R\264\?\262t\232'q\026\317\321E\211\024|1", 20, 14987},
    {"\000\000\r}\377\n" "}", 7, 5403},
    {"\rab\n" "{\n" "\377}a \n" "{b\n" "b\377\000\000}\n", 20, 12603},
    {"\221e\361\302\354", 5, 12730},
    {"\355|\374\037^\223\243\252\226B\313\265(\3366n", 16, 15885},
    {"\215\271\003)f\321\013\207\355\316\266}\264\226\243h'", 17, 10095},
    {">\217\334\330\003\260\220\252h\371\231\3401CR\362i\265k\251_\252", 22, 4474},
    {"\000a", 2, 15495},
    {"\202\323*\000M\2562\360\230\327\221\0320}M\2451\351\315", 19, 10344},
    {"\026", 1, 13047},
    {"b\n" "\r\000\r \r{aa}\000 a", 14, 1180},
    {"\020\304\321<dHg\200\202\001\272\245\217\3672_\222^@^`\306+", 23, 7953},
    {"}}}{bb\000aa}\377a\n" "\377\000{\000\r\r", 19, 11641},
    {"\352d\204\?\034\372m\360T\204\222\027\336\242\n" "\004\246\026\204", 19, 16200},
    {"}\000{\n" "\ra}\rb }a\377 ", 14, 3354},
    {"} ", 2, 6759},
    {"}\n" "\n" "a\000\000b \n" "\r} a}", 14, 5780},
    {"\n" "a}\377{\377\000", 7, 13743},
    {"\n" "a\rb\r}\n" "a\n" "b\n" "\000\377\r\377ab{\r\n" "b ", 22, 8556},
    {"\030\306\260ji\230&\036\203\?", 10, 11688},
    {"7XGh\344h\362\007CKw", 11, 15633},
    {"aa\n" "\r}\000}\000\000 \r\000\000a \377\n" "\r \377\000}", 22, 6631},
    {"\r\n" "a}ba", 6, 11293},
    {"\243\264\276-\"\004\241az", 9, 4385},
    {"}\n" " }", 4, 5614},
    {"\025\032\357\321\001\340\2471Jm\234\253\246w\360{\034b\270\031M", 21, 8486},
    {"~\251O\024\344=\217\270\357\276\237Y\316\261\034\321&\353i", 19, 7838},
    {"7", 1, 1716},
    {"\r\rb \n" " {a", 8, 9931},
    {"\000\377{ ", 4, 16290},
    {"a{ abab\000\000b\000\000\n" "\377{\000\000  bb\000", 22, 1599},
    {"g\367_X\3725\027[:s\321J.B\336\231", 16, 15536},
    {".!P\360\327\351\276", 7, 10898},
    {"\316\246\001F\020l@)\004\204", 10, 13686},
    {"\377\377\000\n" "}\r\n" "\377\377\n", 10, 15791},
    {"\000a}{\r\377ba}ab b\377 {\r", 17, 10026},
    {" }b\r{{\377\r{a\n" "\000\377a\377a", 16, 7586},
    {"\000\377} \000\r\n" "bb\r{{\000\r b\n" "aa\377 ", 21, 3516},
    {"b\r  b\377\000a\000b\000a\n" "\n" "{{\n", 17, 4871},
    {"\n" "}\r\r\ra\000\000\r\377}", 11, 1014},
    {"29X\324:\366\205}JK\351l\242\251Ogb/\371\002\377", 21, 14463},
    {"{  \r\r\ra\r{\000a\r{b\000b\000a\r\000\r{\377", 23, 6756},
    {"R\273", 2, 15981},
    {" { \000b\000{b", 8, 11731},
    {"\n" "a\r} \000 b", 8, 5620},
    {"\356s\205\014\302\032<\216\263\224\350", 11, 16009},
    {"\n" "b \377}\r\377aba\rb \377\n" "\n" "\000\000", 18, 3790},
    {"\0364\310\021\265\177", 6, 13179},
    {"\212P\?\276\000\037Z\360\275\353e\272\242pr-", 16, 434},
    {"{{{}\377\rb\000\377\377\000aa", 13, 7007},
    {"\r\r \rb\n" "\n" "b}\377\377 ", 12, 8375},
    {"b}}", 3, 9268},
    {"}bb}\n" "\r a{\000\377b\377ab\r", 16, 10300},
};
