#!/usr/bin/python3
"""Records the CLUSTER SHARDS and CLUSTER SLOTS replies that
tests/unit/test_cluster.c parses, and the CLUSTER KEYSLOT answers it checks
cluster_slot() against, as C string literals in replies.h beside this file.

Usage: /usr/bin/python3 tests/unit/data/cluster/record.py [OUT]

For each of redis-server 7.0 and valkey-server 8.0 it starts, on 127.0.0.1
with free ports in a temporary folder, two clusters of 3 masters and 3
replicas (made with redis-cli / valkey-cli --cluster create
--cluster-replicas 1):
  - "plain": recorded as created ("fresh": no key written yet, so Redis
    7.0 leaves the replicas out of CLUSTER SLOTS), once keys are written and
    every replica is listed ("plain"), with cluster-preferred-endpoint-type
    hostname though no host name is announced ("no_hostname"), then after
    one master is killed with SIGKILL and its replica promoted ("failover",
    the dead master marked fail), then once a replica is killed too and
    marked fail ("replica_fail");
  - "hostname": every node with cluster-announce-hostname, recorded with
    cluster-preferred-endpoint-type hostname, then ip, then unknown-endpoint.
and a one-node cluster ("single"), whose node does not know its own IP.
Replies are read raw from a socket (RESP2), byte for byte. Every process is
started here and stopped here by its PID. Only 127.0.0.1 is contacted.
"""

import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time

SERVERS = {
    "redis7": ("/usr/bin/redis-server", "/usr/bin/redis-cli"),
    "valkey8": ("/usr/bin/valkey-server", "/usr/bin/valkey-cli"),
}
NODE_TIMEOUT_MS = 1500
WAIT_S = 60.0
N_KEYS = 300

# ---- RESP over a socket ----------------------------------------------------


def command(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def reply_end(buf, pos):
    """End offset of the RESP2 reply starting at pos, or None if incomplete."""
    nl = buf.find(b"\r\n", pos)
    if nl < 0:
        return None
    kind, head = buf[pos:pos + 1], buf[pos + 1:nl]
    if kind in (b"+", b"-", b":"):
        return nl + 2
    if kind == b"$":
        n = int(head)
        if n < 0:
            return nl + 2
        end = nl + 2 + n + 2
        return end if len(buf) >= end else None
    if kind == b"*":
        n = int(head)
        p = nl + 2
        for _ in range(max(n, 0)):
            p = reply_end(buf, p)
            if p is None:
                return None
        return p
    raise ValueError("not RESP2: %r" % buf[pos:pos + 20])


def raw(port, *args):
    """The raw bytes of the reply to one command."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(command(*args))
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                raise IOError("connection closed mid-reply")
            buf += chunk
            end = reply_end(buf, 0)
            if end is not None:
                assert end == len(buf), "bytes after the reply"
                return buf


def decode(buf, pos=0):
    """(value, end) of the RESP2 reply at pos: bytes, int, None or list."""
    nl = buf.index(b"\r\n", pos)
    kind, head = buf[pos:pos + 1], buf[pos + 1:nl]
    if kind in (b"+", b"-"):
        return head, nl + 2
    if kind == b":":
        return int(head), nl + 2
    n = int(head)
    if kind == b"$":
        return (None, nl + 2) if n < 0 else (buf[nl + 2:nl + 2 + n],
                                             nl + 2 + n + 2)
    out, p = [], nl + 2
    for _ in range(n):
        v, p = decode(buf, p)
        out.append(v)
    return out, p


def text(port, *args):
    """A simple reply decoded (bulk or status or integer) as str."""
    r = raw(port, *args)
    if r[:1] == b"$":
        return r[r.index(b"\r\n") + 2:-2].decode()
    if r[:1] == b"-":
        raise RuntimeError(r.decode().strip())
    return r[1:-2].decode()


# ---- processes ---------------------------------------------------------------


def free_port():
    """A port p with p and p + 10000 (the cluster bus) both free."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        if p + 10000 > 65535:
            continue
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", p + 10000))
            return p
        except OSError:
            continue


def wait_for(what, fn):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            if fn():
                return
        except (OSError, RuntimeError, ValueError):
            pass
        time.sleep(0.1)
    raise TimeoutError("timed out waiting for " + what)


class Cluster:
    def __init__(self, kind, top, name, extra=lambda i: []):
        self.server, self.cli = SERVERS[kind]
        self.procs = []
        self.ports = []
        for i in range(6):
            d = os.path.join(top, "%s-%s-%d" % (kind, name, i))
            os.mkdir(d)
            port = free_port()
            conf = [
                "port %d" % port, "bind 127.0.0.1", "protected-mode no",
                "daemonize no", 'dir "%s"' % d, 'save ""', "appendonly no",
                'logfile "%s/server.log"' % d, "cluster-enabled yes",
                "cluster-config-file nodes.conf",
                "cluster-node-timeout %d" % NODE_TIMEOUT_MS,
                "repl-diskless-sync-delay 0",
            ] + extra(i)
            with open(os.path.join(d, "server.conf"), "w") as f:
                f.write("\n".join(conf) + "\n")
            p = subprocess.Popen([self.server, os.path.join(d, "server.conf")],
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            self.procs.append(p)
            self.ports.append(port)
        for port in self.ports:
            wait_for("PING on %d" % port, lambda: text(port, "PING") == "PONG")
        subprocess.run([self.cli, "--cluster", "create"] +
                       ["127.0.0.1:%d" % p for p in self.ports] +
                       ["--cluster-replicas", "1", "--cluster-yes"],
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)
        wait_for("a settled cluster", self.settled)

    def nodes(self, port):
        """CLUSTER NODES of `port` as a list of field lists."""
        nodes = text(port, "CLUSTER", "NODES")
        return [ln.split() for ln in nodes.splitlines()]

    def settled(self, live=None):
        live = live if live is not None else self.ports
        for port in live:
            info = text(port, "CLUSTER", "INFO")
            if "cluster_state:ok" not in info:
                return False
            rows = self.nodes(port)
            ok = [r for r in rows if "fail" not in r[2] and "fail?" not in r[2]
                  and "handshake" not in r[2] and r[7] == "connected"]
            if len(ok) != len(live):
                return False
            masters = [r for r in ok if "master" in r[2] and len(r) > 8]
            replicas = [r for r in ok if "slave" in r[2]]
            if len(masters) != 3 or len(masters) + len(replicas) != len(live):
                return False
            # A replica fails over only once it has synced with its master.
            repl = text(port, "INFO", "replication")
            if "role:slave" in repl and "master_link_status:up" not in repl:
                return False
        return True

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()


# ---- recording ---------------------------------------------------------------


def write_keys(c, n=30):
    """Writes n keys through the cluster, following MOVED, so that every
    replica has a replication offset (CLUSTER SLOTS of Redis 7.0 leaves out
    replicas whose offset is 0; CLUSTER SHARDS calls them loading)."""
    for i in range(n):
        port = c.ports[0]
        for _ in range(3):
            r = raw(port, "SET", "key:%d" % i, "v")
            if not r.startswith(b"-MOVED"):
                break
            port = int(r.split()[-1].split(b":")[-1])
        assert r == b"+OK\r\n", r


def replicas_listed(port, n_replicas=3):
    """Whether `port` names n_replicas replicas, all online, in both
    replies."""
    shards = decode(raw(port, "CLUSTER", "SHARDS"))[0]
    online = 0
    for sh in shards:
        for node in dict(zip(sh[0::2], sh[1::2]))[b"nodes"]:
            f = dict(zip(node[0::2], node[1::2]))
            if f[b"role"] == b"replica":
                if f[b"health"] != b"online":
                    return False
                online += 1
    slots = decode(raw(port, "CLUSTER", "SLOTS"))[0]
    return online == n_replicas and \
        sum(len(r) - 3 for r in slots) == n_replicas


def record_both(port):
    """CLUSTER SHARDS, CLUSTER SLOTS and CLUSTER NODES (for the expected
    layout, read independently of the two replies under test) of `port`."""
    for _ in range(50):
        before = text(port, "CLUSTER", "NODES")
        shards = raw(port, "CLUSTER", "SHARDS")
        slots = raw(port, "CLUSTER", "SLOTS")
        after = text(port, "CLUSTER", "NODES")
        if strip_times(before) == strip_times(after):
            return shards, slots, after
        time.sleep(0.1)
    raise RuntimeError("the layout kept changing while recording")


def strip_times(nodes):
    """CLUSTER NODES without the ping/pong times, which always move."""
    return sorted(ln.split()[:4] + ln.split()[6:] for ln in nodes.splitlines())


def hostname_of(i):
    return "node-%d.rm.test" % i


def set_endpoint_type(c, kind):
    for port in c.ports:
        text(port, "CONFIG", "SET", "cluster-preferred-endpoint-type", kind)


def record_kind(kind, top, out):
    # Plain, then failover.
    c = Cluster(kind, top, "plain")
    try:
        out[(kind, "fresh")] = record_both(c.ports[0])
        write_keys(c)
        wait_for("replicas listed", lambda: replicas_listed(c.ports[0]))
        out[(kind, "plain")] = record_both(c.ports[0])
        # Host names preferred, but none announced: endpoints become "?".
        set_endpoint_type(c, "hostname")
        out[(kind, "no_hostname")] = record_both(c.ports[0])
        set_endpoint_type(c, "ip")
        rows = c.nodes(c.ports[0])
        # The master that holds slot 0.
        victim = next(r for r in rows if "master" in r[2] and
                      any(s.startswith("0-") for s in r[8:]))
        vport = int(victim[1].split("@")[0].split(":")[1])
        vi = c.ports.index(vport)
        os.kill(c.procs[vi].pid, signal.SIGKILL)
        c.procs[vi].wait()
        live = [p for p in c.ports if p != vport]

        def promoted():
            for port in live:
                rows = c.nodes(port)
                dead = next(r for r in rows if r[0] == victim[0])
                if "fail" not in dead[2].split(","):
                    return False
                if "cluster_state:ok" not in text(port, "CLUSTER", "INFO"):
                    return False
                if not any("master" in r[2] and "fail" not in r[2] and
                           any(s.startswith("0-") for s in r[8:])
                           for r in rows):
                    return False
            return True

        wait_for("the failover", promoted)
        wait_for("replicas listed",
                 lambda: replicas_listed(live[0], n_replicas=2))
        rec = live[0]
        out[(kind, "failover")] = record_both(rec)

        # Then a replica dies too: the one of the master at rec.
        rows = c.nodes(rec)
        me = next(r for r in rows if "myself" in r[2])
        rep = next(r for r in rows if r[3] == me[0])
        rport = int(rep[1].split("@")[0].split(":")[1])
        ri = c.ports.index(rport)
        os.kill(c.procs[ri].pid, signal.SIGKILL)
        c.procs[ri].wait()

        def replica_failed():
            rows = c.nodes(rec)
            dead = next(r for r in rows if r[0] == rep[0])
            return "fail" in dead[2].split(",")

        wait_for("the replica marked fail", replica_failed)
        out[(kind, "replica_fail")] = record_both(rec)
        keyslots(kind, c.ports[0] if c.ports[0] != vport else live[0], out)
    finally:
        c.stop()

    # Announced host names.
    c = Cluster(kind, top, "hostname", lambda i: [
        "cluster-announce-hostname %s" % hostname_of(i),
        "cluster-preferred-endpoint-type hostname"])
    try:
        def names_known():
            s = raw(c.ports[0], "CLUSTER", "SHARDS")
            return all(hostname_of(i).encode() in s for i in range(6))
        wait_for("host names gossiped", names_known)
        write_keys(c)
        wait_for("replicas listed", lambda: replicas_listed(c.ports[0]))
        out[(kind, "hostname")] = record_both(c.ports[0])
        set_endpoint_type(c, "ip")
        out[(kind, "hostname_ip")] = record_both(c.ports[0])
        set_endpoint_type(c, "unknown-endpoint")
        out[(kind, "hostname_unknown")] = record_both(c.ports[0])
    finally:
        c.stop()


def record_single(kind, top, out):
    """A one-node cluster: the node does not know its own IP."""
    server = SERVERS[kind][0]
    d = os.path.join(top, "%s-single" % kind)
    os.mkdir(d)
    port = free_port()
    with open(os.path.join(d, "server.conf"), "w") as f:
        f.write("\n".join([
            "port %d" % port, "bind 127.0.0.1", "protected-mode no",
            "daemonize no", 'dir "%s"' % d, 'save ""', "appendonly no",
            'logfile "%s/server.log"' % d, "cluster-enabled yes",
            "cluster-config-file nodes.conf"]) + "\n")
    p = subprocess.Popen([server, os.path.join(d, "server.conf")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for("PING on %d" % port, lambda: text(port, "PING") == "PONG")
        text(port, "CLUSTER", "ADDSLOTSRANGE", "0", "16383")
        wait_for("cluster_state:ok",
                 lambda: "cluster_state:ok" in text(port, "CLUSTER", "INFO"))
        out[(kind, "single")] = record_both(port)
        out[(kind, "single_port")] = port
    finally:
        os.kill(p.pid, signal.SIGTERM)
        p.wait()


def random_keys():
    rng = random.Random(20240607)
    keys = [b"123456789", b"foo", b"{user1000}.following",
            b"{user1000}.followers", b"user1000", b"foo{}{bar}",
            b"foo{{bar}}zap", b"{bar", b"foo{bar}{zap}", b"bar",
            b"", b"{", b"}", b"{}", b"}{", b"{a", b"a}", b"{a}", b"\x00",
            b"{\x00}", b"\xff\xfe", b"a{b}c{d}", b"{{}}", b"{}{}"]
    alphabet = b"{}ab\x00\xff\r\n "
    while len(keys) < N_KEYS:
        n = rng.randrange(0, 24)
        if rng.random() < 0.5:
            k = bytes(rng.choice(alphabet) for _ in range(n))
        else:
            k = bytes(rng.randrange(256) for _ in range(n))
        if k not in keys:
            keys.append(k)
    return keys


def keyslots(kind, port, out):
    got = []
    for k in random_keys():
        got.append((k, int(text(port, "CLUSTER", "KEYSLOT", k))))
    out[(kind, "keyslot")] = got


# ---- C output ----------------------------------------------------------------


def c_bytes(b, indent="    "):
    """C string literal lines for `b`, one per RESP line (ends at \\r\\n)."""
    lines, cur = [], []
    for i, ch in enumerate(b):
        c = chr(ch)
        if c == "\r":
            cur.append("\\r")
        elif c == "\n":
            cur.append("\\n")
            lines.append("".join(cur))
            cur = []
            continue
        elif c in '"\\?':
            cur.append("\\" + c)
        elif 0x20 <= ch < 0x7f:
            cur.append(c)
        else:
            cur.append("\\%03o" % ch)
    if cur:
        lines.append("".join(cur))
    # A bulk string's header and its payload on one line.
    merged = []
    for ln in lines:
        last = merged[-1] if merged else ""
        if last.startswith("$") and not last.startswith("$-") and \
                last.count("\\r") == 1:
            merged[-1] += '" "' + ln
        else:
            merged.append(ln)
    lines = merged
    if not lines:
        return indent + '""'
    return "\n".join(indent + '"%s"' % ln for ln in lines)


SCENARIOS = ("fresh", "plain", "no_hostname", "failover", "replica_fail",
             "hostname", "hostname_ip", "hostname_unknown")


def expected_layout(nodes_text, use_hostname):
    """From CLUSTER NODES: the live masters as (lo, hi, host, port, replica
    host, replica port) sorted by slot, and the ports of failed nodes."""
    rows = [ln.split() for ln in nodes_text.splitlines()]

    def addr(r):
        a = r[1].split(",")
        ip, port = a[0].split("@")[0].rsplit(":", 1)
        host = a[1] if use_hostname and len(a) > 1 and a[1] else ip
        return host, int(port)

    failed = [addr(r)[1] for r in rows if "fail" in r[2].split(",")]
    masters = []
    for r in rows:
        flags = r[2].split(",")
        if "master" not in flags or "fail" in flags or len(r) < 9:
            continue
        assert len(r) == 9 and "-" in r[8], r  # one range per master
        lo, hi = (int(x) for x in r[8].split("-"))
        reps = [x for x in rows if x[3] == r[0] and
                "fail" not in x[2].split(",")]
        assert len(reps) <= 1, reps
        rh, rp = addr(reps[0]) if reps else ("", 0)
        masters.append((lo, hi) + addr(r) + (rh, rp))
    masters.sort()
    assert len(masters) == 3, masters
    return masters, failed


def nodes_comment_line(ln):
    """A CLUSTER NODES line for a C comment, in two lines: the node, then its
    times, epoch, link and slots."""
    f = ln.replace("*/", "* /").split()
    return " *   %s\n *       %s\n" % (" ".join(f[:3]), " ".join(f[3:]))


def write_header(path, out):
    o = []
    o.append("""/*
 * Replies recorded by tests/unit/data/cluster/record.py from real clusters
 * of 3 masters and 3 replicas on 127.0.0.1 (RESP2, byte for byte), each
 * with the layout that CLUSTER NODES gave at the same moment. Generated:
 * edit record.py and run it again rather than this file. Included once, by
 * tests/unit/test_cluster.c. Generated bytes keep their recorded layout:
 * clang-format leaves this file alone.
 */
/* clang-format off */

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
""")
    recs = []
    for kind in SERVERS:
        ver = out[(kind, "version")]
        o.append("\n/* ---- %s (%s) ---- */\n" % (kind, ver))
        for scen in SCENARIOS:
            shards, slots, nodes = out[(kind, scen)]
            name = "%s_%s" % (kind, scen)
            o.append("\n/* %s: CLUSTER NODES when recorded:\n" % name)
            for ln in nodes.splitlines():
                o.append(nodes_comment_line(ln))
            o.append(" */\n")
            for cmd, data in (("shards", shards), ("slots", slots)):
                o.append("static const char %s_%s[] =\n%s;\n" %
                         (name, cmd, c_bytes(data)))
            masters, failed = expected_layout(nodes,
                                              scen.startswith("hostname"))
            assert len(failed) <= 2
            listed = any(len(r) > 3 for r in decode(slots)[0])
            recs.append((name, masters, failed, listed))

    o.append("\n/* ---- one-node clusters, whose node does not know its "
             "own IP ---- */\n")
    for kind in SERVERS:
        shards, slots, nodes = out[(kind, "single")]
        name = "%s_single" % kind
        o.append("\n/* %s: CLUSTER NODES when recorded:\n" % name)
        for ln in nodes.splitlines():
            o.append(nodes_comment_line(ln))
        o.append(" */\n")
        for cmd, data in (("shards", shards), ("slots", slots)):
            o.append("static const char %s_%s[] =\n%s;\n" %
                     (name, cmd, c_bytes(data)))
        o.append("static const int %s_port = %d;\n" %
                 (name, out[(kind, "single_port")]))

    o.append("\nstatic const struct recording recordings[] = {\n")
    for name, masters, failed, listed in recs:
        o.append("    {\n        \"%s\",\n" % name)
        o.append("        %s_shards,\n        sizeof(%s_shards) - 1,\n"
                 % (name, name))
        o.append("        %s_slots,\n        sizeof(%s_slots) - 1,\n"
                 % (name, name))
        o.append("        {\n")
        for lo, hi, h, p, rh, rp in masters:
            o.append('            {%d, %d, "%s", %d, "%s", %d},\n'
                     % (lo, hi, h, p, rh, rp))
        o.append("        },\n")
        o.append("        {%s},\n" % ", ".join(str(x) for x in
                                               (failed + [0, 0])[:2]))
        o.append("        %s,\n    },\n" % ("true" if listed else "false"))
    o.append("};\n")

    # One keyslot table: both servers must agree.
    a = out[("redis7", "keyslot")]
    b = out[("valkey8", "keyslot")]
    assert a == b, "redis and valkey disagree on CLUSTER KEYSLOT"
    o.append("\n/* CLUSTER KEYSLOT of random binary keys, the same on both "
             "servers. */\n")
    o.append("static const struct keyslot {\n    const char *key;\n"
             "    size_t len;\n    int slot;\n} keyslots[] = {\n")
    for k, sl in a:
        lit = c_bytes(k, "").replace("\n", " ")
        o.append("    {%s, %d, %d},\n" % (lit, len(k), sl))
    o.append("};\n")
    o.append("/* clang-format on */\n")
    with open(path, "w") as f:
        f.write("".join(o))


def main():
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "replies.h")
    out = {}
    with tempfile.TemporaryDirectory(prefix="rm-cluster-rec-") as top:
        for kind, (server, _) in SERVERS.items():
            v = subprocess.run([server, "--version"], capture_output=True,
                               text=True, check=True).stdout.split()
            out[(kind, "version")] = next(x for x in v if x.startswith("v="))
            record_kind(kind, top, out)
            record_single(kind, top, out)
    write_header(path, out)
    print("wrote", path)


if __name__ == "__main__":
    main()
