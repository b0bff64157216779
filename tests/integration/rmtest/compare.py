"""Reads keys with redis-py (raw bytes) into comparable states, and compares
a source with a destination key by key: type, value (type by type) and TTL.

A key's state is (type, value, deadline): deadline is -1 for a persistent
key, an absolute time in ms otherwise (PEXPIRETIME, or TIME + PTTL on a
server that renamed PEXPIRETIME away). Values are normalised so that equal
data compares equal across server versions: zset scores become the bit
pattern of their double, stream metadata keeps only fields that DUMP and
RESTORE must carry (no idle times).
"""

import struct

import redis

CHUNK = 2000
MISSING = "none"


def esc(key):
    """A key shown in an assertion message: printable ASCII as is, the rest
    \\xNN; long names cut."""
    s = "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else
                ("\\\\" if b == 0x5C else f"\\x{b:02x}") for b in key[:80])
    return s + (f"...({len(key)} bytes)" if len(key) > 80 else "")


def _short(v, n=300):
    s = repr(v)
    return s if len(s) <= n else s[:n] + "...(cut)"


def _chunks(seq, n=CHUNK):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _s(x):
    return x.decode() if isinstance(x, bytes) else x


def scan_keys(client, match=None, type_=None, count=1000):
    """Every key of the client's db (a set of bytes), by SCAN."""
    keys = set()
    kw = {"count": count}
    if match is not None:
        kw["match"] = match
    if type_ is not None:
        kw["_type"] = type_
    for k in client.scan_iter(**kw):
        keys.add(k)
    return keys


def _pairs(flat):
    """A flat [k1, v1, k2, v2...] reply as a dict with str keys."""
    return {_s(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}


def _score_bits(raw):
    return struct.pack(">d", float(raw))


def has_pexpiretime(client):
    try:
        info = raw(client, "COMMAND", "INFO", "PEXPIRETIME")
    except redis.exceptions.ResponseError:
        return False
    return bool(info) and info[0] is not None


def raw(client, *args):
    """One command's reply exactly as the server sent it (no redis-py
    response callback)."""
    conn = client.connection_pool.get_connection(args[0])
    try:
        conn.send_command(*args)
        reply = conn.read_response()
    except BaseException:
        conn.disconnect()
        raise
    finally:
        client.connection_pool.release(conn)
    if isinstance(reply, redis.exceptions.ResponseError):
        raise reply
    return reply


def _stream_state(client, key):
    """A stream's entries and the metadata RESTORE must carry."""
    def x(*args):
        return raw(client, *args)
    entries = [(e[0], tuple(e[1])) for e in x("XRANGE", key, "-", "+")]
    info = _pairs(x("XINFO", "STREAM", key))
    meta = {k: info.get(k) for k in (
        "length", "last-generated-id", "max-deleted-entry-id", "entries-added",
        "recorded-first-entry-id")}
    groups = []
    for g in x("XINFO", "GROUPS", key):
        g = _pairs(g)
        name = g["name"]
        consumers = sorted(
            (c["name"], c["pending"]) for c in
            (_pairs(c) for c in x("XINFO", "CONSUMERS", key, name)))
        pending = [(p[0], p[1], p[3]) for p in
                   x("XPENDING", key, name, "-", "+", 1000000)]
        summary = x("XPENDING", key, name)
        groups.append({
            "name": name,
            "consumers": consumers,
            "pending": g.get("pending"),
            "last-delivered-id": g.get("last-delivered-id"),
            "entries-read": g.get("entries-read"),
            "lag": g.get("lag"),
            "pending_entries": pending,
            "pending_summary": summary[:3] if summary else summary,
        })
    groups.sort(key=lambda g: g["name"])
    return (entries, meta, groups)


def read_states(client, keys, pexpiretime=None):
    """{key: (type, value, deadline)} for each key in `keys` (bytes); a key
    that does not exist reads as ("none", None, -2)."""
    if pexpiretime is None:
        pexpiretime = has_pexpiretime(client)
    states = {}
    for chunk in _chunks(keys):
        # Round 1: type and deadline of each key.
        p = client.pipeline(transaction=False)
        if not pexpiretime:
            p.execute_command("TIME")
        for k in chunk:
            p.execute_command("TYPE", k)
            p.execute_command("PEXPIRETIME" if pexpiretime else "PTTL", k)
        r1 = p.execute()
        now_ms = None
        if not pexpiretime:
            t = r1.pop(0)
            now_ms = int(t[0]) * 1000 + int(t[1]) // 1000
        types, deadlines = {}, {}
        for i, k in enumerate(chunk):
            types[k] = _s(r1[2 * i])
            d = int(r1[2 * i + 1])
            if not pexpiretime and d >= 0:
                d = now_ms + d
            deadlines[k] = d

        # Round 2: values, one command per type (streams one by one).
        p = client.pipeline(transaction=False)
        order = []
        for k in chunk:
            t = types[k]
            if t == "string":
                p.execute_command("GET", k)
            elif t == "hash":
                p.execute_command("HGETALL", k)
            elif t == "list":
                p.execute_command("LRANGE", k, 0, -1)
            elif t == "set":
                p.execute_command("SMEMBERS", k)
            elif t == "zset":
                p.execute_command("ZRANGE", k, 0, -1, "WITHSCORES")
            else:
                continue
            order.append(k)
        r2 = dict(zip(order, p.execute())) if order else {}
        for k in chunk:
            t = types[k]
            v = r2.get(k)
            if t == "hash":
                v = dict(v) if isinstance(v, dict) else _pairs_raw(v)
            elif t == "list":
                v = list(v)
            elif t == "set":
                v = frozenset(v)
            elif t == "zset":
                v = [(v[i], _score_bits(v[i + 1])) for i in range(0, len(v), 2)]
            elif t == "stream":
                v = _stream_state(client, k)
            elif t == MISSING:
                v = None
            states[k] = (t, v, deadlines[k] if t != MISSING else -2)
    return states


def _pairs_raw(flat):
    return {flat[i]: flat[i + 1] for i in range(0, len(flat), 2)}


def _describe_value(t, v):
    if t == "zset" and v is not None:
        v = [(m, struct.unpack(">d", s)[0]) for m, s in v]
    return f"{t} {_short(v)}"


def diff_states(expected, actual, ttl_tolerance_ms=1000, label="destination"):
    """Problems (strings) where `actual` differs from `expected`, both
    {key: state}. Deadlines: both -1, or both set and within the tolerance."""
    problems = []
    for k, (et, ev, ed) in expected.items():
        at, av, ad = actual.get(k, (MISSING, None, -2))
        if at == MISSING and et != MISSING:
            problems.append(f"key {esc(k)}: missing on the {label} "
                            f"(expected {_describe_value(et, ev)})")
            continue
        if at != et:
            problems.append(f"key {esc(k)}: type {at} on the {label}, expected {et}")
            continue
        if av != ev:
            problems.append(f"key {esc(k)}: value differs on the {label}: expected "
                            f"{_describe_value(et, ev)}, actual {_describe_value(at, av)}")
        if ed == -1 and ad != -1:
            problems.append(f"key {esc(k)}: persistent on the source but has a TTL "
                            f"on the {label} (deadline {ad} ms)")
        elif ed >= 0 and ad < 0:
            problems.append(f"key {esc(k)}: deadline {ed} ms on the source but "
                            f"none on the {label} ({ad})")
        elif ed >= 0 and abs(ad - ed) > ttl_tolerance_ms:
            problems.append(f"key {esc(k)}: deadline differs by {ad - ed} ms "
                            f"(expected {ed}, {label} {ad}, tolerance "
                            f"{ttl_tolerance_ms} ms)")
    return problems


def fail_with(problems, header, limit=25):
    if not problems:
        return
    shown = "\n  ".join(problems[:limit])
    more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
    raise AssertionError(f"{header}: {len(problems)} problem(s)\n  {shown}{more}")


def assert_copied(src, dst, keys=None, expect_dbsize=None, ttl_tolerance_ms=1000,
                  src_pexpiretime=None, dst_pexpiretime=None, context=""):
    """Asserts that every key in `keys` (default: every key of src, by SCAN)
    is on dst with the same type, value and deadline, and that dst's DBSIZE
    is `expect_dbsize` (default: the number of keys checked). src and dst
    are redis-py clients on the databases to compare. Returns the source
    states read."""
    if keys is None:
        keys = scan_keys(src)
    keys = sorted(keys)
    s_states = read_states(src, keys, src_pexpiretime)
    d_states = read_states(dst, keys, dst_pexpiretime)
    gone = [k for k, st in s_states.items() if st[0] == MISSING]
    problems = [f"key {esc(k)}: expected on the source, but it is not there "
                "(test set-up?)" for k in gone[:5]]
    problems += diff_states(s_states, d_states, ttl_tolerance_ms)
    if expect_dbsize is None:
        expect_dbsize = len(keys)
    dbsize = dst.dbsize()
    if dbsize != expect_dbsize:
        problems.append(f"destination DBSIZE is {dbsize}, expected {expect_dbsize}"
                        + _extra_keys_hint(dst, set(keys)))
    fail_with(problems, f"source and destination differ{context}")
    return s_states


def _extra_keys_hint(dst, expected_keys, limit=5):
    extra = []
    for k in dst.scan_iter(count=1000):
        if k not in expected_keys:
            extra.append(esc(k))
            if len(extra) >= limit:
                break
    return f" (keys not expected there, e.g.: {', '.join(extra)})" if extra else ""


def snapshot(server, dbs=range(16), pexpiretime=None):
    """{(db, key): state} of every key in the given databases of a server."""
    snap = {}
    for db in dbs:
        c = server.client(db=db)
        if c.dbsize() == 0:
            continue
        keys = scan_keys(c)
        for k, st in read_states(c, keys, pexpiretime).items():
            snap[(db, k)] = st
    return snap


def diff_snapshots(before, after, ttl_tolerance_ms=0):
    problems = []
    for (db, k), st in before.items():
        if (db, k) not in after:
            problems.append(f"db {db} key {esc(k)}: gone (was {_describe_value(st[0], st[1])})")
            continue
        a = after[(db, k)]
        if a[:2] != st[:2]:
            problems.append(f"db {db} key {esc(k)}: was {_describe_value(st[0], st[1])}, "
                            f"now {_describe_value(a[0], a[1])}")
        elif ((st[2] < 0 or a[2] < 0) and st[2] != a[2]) or \
                abs(a[2] - st[2]) > ttl_tolerance_ms:
            problems.append(f"db {db} key {esc(k)}: deadline was {st[2]}, now {a[2]}")
    for (db, k) in after.keys() - before.keys():
        problems.append(f"db {db} key {esc(k)}: appeared ({_describe_value(*after[(db, k)][:2])})")
    return problems


def dbsizes(server, dbs=range(16)):
    """{db: DBSIZE} of the non-empty databases."""
    out = {}
    for db in dbs:
        n = server.client(db=db).dbsize()
        if n:
            out[db] = n
    return out
