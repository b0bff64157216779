"""Streams with consumer groups for the struct-mode and verify tests, and
`XINFO STREAM key FULL` read into a form that compares equal across a copy.

What a copy must carry of a stream, and what XINFO STREAM FULL shows: the
entries (ids and fields), length, last-generated-id, max-deleted-entry-id,
entries-added, recorded-first-entry-id; per group its name,
last-delivered-id, entries-read, lag, pel-count and pending entries (id,
consumer, delivery count); per consumer its name, pel-count and pending
entries (id, delivery count).

What a copy cannot carry and the normaliser drops: seen-time and
active-time of consumers, idle fields, and the delivery-time of pending
entries (a rebuilt entry is delivered when it is rebuilt).
radix-tree-keys and radix-tree-nodes describe how the server laid the
entries out in memory: a DUMP payload restores that layout exactly, but a
stream rebuilt entry by entry leaves out the space of deleted entries and
may split its nodes elsewhere, so they are compared only when asked for
(layout=True, the dump path).
"""

import random

from .compare import esc, raw

DROPPED_CONSUMER_FIELDS = ("seen-time", "active-time", "idle", "inactive")
LAYOUT_FIELDS = ("radix-tree-keys", "radix-tree-nodes")


def _s(x):
    return x.decode() if isinstance(x, bytes) else x


def _pairs(flat):
    return {_s(flat[i]): flat[i + 1] for i in range(0, len(flat), 2)}


# ---- builders -----------------------------------------------------------------

def build_stream_with_groups(c, key, seed=7, entries=60):
    """A stream of `entries` entries (binary and empty fields and values),
    some deleted with XDEL (one in the middle, one that was the last
    entry, so that last-generated-id lies past the last entry), and two
    consumer groups:
      g1  from the start: alice and bob hold pending entries, some acked,
          one moved from alice to bob by XCLAIM (delivery count 2, then 3
          after a second claim), and an empty consumer "idle-one";
      g2  from an explicit id part way (entries-read unknown until read):
          carol with pending entries, dave empty.
    Every pending entry still exists in the stream. Returns the ids added."""
    rng = random.Random(seed)
    ids = []
    for i in range(entries):
        fields = {b"n": str(i).encode(), b"payload": rng.randbytes(rng.randint(0, 30))}
        if i % 9 == 0:
            fields[b"\x00bin\xff"] = b""
        ids.append(c.xadd(key, fields))
    c.xgroup_create(key, "g1", id="0")
    c.xreadgroup("g1", "alice", {key: ">"}, count=12)
    c.xreadgroup("g1", "bob", {key: ">"}, count=6)
    c.xack(key, "g1", ids[0], ids[1], ids[13])
    c.xclaim(key, "g1", "bob", 0, [ids[5], ids[6]])
    c.xclaim(key, "g1", "bob", 0, [ids[6]])
    c.xgroup_createconsumer(key, "g1", "idle-one")
    assert entries >= 24, "the groups need at least 24 entries"
    c.xgroup_create(key, "g2", id=ids[entries // 2])
    c.xreadgroup("g2", "carol", {key: ">"}, count=4)
    c.xgroup_createconsumer(key, "g2", "dave")
    # Deleted entries that no group holds pending: one in the middle, and
    # the last one (max-deleted-entry-id = last-generated-id).
    c.xdel(key, ids[entries * 3 // 4], ids[-1])
    return ids


def build_empty_stream_with_group(c, key):
    """A stream whose every entry was deleted (length 0, last-generated-id
    and entries-added kept), with a group that had read them all."""
    ids = [c.xadd(key, {b"f": str(i).encode()}) for i in range(3)]
    c.xgroup_create(key, "g", id="0")
    c.xreadgroup("g", "reader", {key: ">"}, count=10)
    c.xack(key, "g", *ids)
    c.xdel(key, *ids)
    return ids


def build_never_written_stream_with_group(c, key):
    """XGROUP CREATE ... MKSTREAM: a stream that never held an entry, with a
    group and an empty consumer."""
    c.xgroup_create(key, "g", id="$", mkstream=True)
    c.xgroup_createconsumer(key, "g", "nobody")


def build_stream_pending_of_deleted(c, key, seed=8):
    """A stream whose groups hold pending entries that no longer exist in
    it: read by a consumer, then trimmed away (XTRIM MAXLEN, as a capped
    stream does all the time) or deleted with XDEL."""
    rng = random.Random(seed)
    ids = [c.xadd(key, {b"v": rng.randbytes(8)}) for _ in range(20)]
    c.xgroup_create(key, "g", id="0")
    c.xreadgroup("g", "worker", {key: ">"}, count=15)
    c.xgroup_create(key, "late", id="0")
    c.xreadgroup("late", "w2", {key: ">"}, count=2)
    c.xtrim(key, maxlen=10, approximate=False)   # ids[0..9] gone, pending in g
    c.xdel(key, ids[12])                         # gone, pending in g
    return ids


def fill_streams(c, prefix=b"stream:", ttl_ms=None, pending_of_deleted=False):
    """The streams above under `prefix`; with `ttl_ms`, every other one gets
    that TTL. Returns their names."""
    keys = []

    def add(name, build):
        k = prefix + name
        build(c, k)
        keys.append(k)

    add(b"groups", build_stream_with_groups)
    add(b"groups-2", lambda c, k: build_stream_with_groups(c, k, seed=9, entries=25))
    add(b"empty-with-group", build_empty_stream_with_group)
    add(b"mkstream-group", build_never_written_stream_with_group)
    add(b"no-groups", lambda c, k: [c.xadd(k, {b"i": str(i).encode()}) for i in range(7)])
    if pending_of_deleted:
        add(b"pending-of-deleted", build_stream_pending_of_deleted)
    if ttl_ms:
        for i, k in enumerate(keys):
            if i % 2 == 0:
                c.pexpire(k, ttl_ms)
    return keys


# ---- XINFO STREAM FULL ---------------------------------------------------------

def xinfo_full(c, key, layout=False):
    """XINFO STREAM key FULL COUNT 0 (every entry, every pending entry) as
    a plain structure without the times a copy cannot keep; groups and
    consumers sorted by name. None when the key is not there."""
    if c.exists(key) == 0:
        return None
    info = _pairs(raw(c, "XINFO", "STREAM", key, "FULL", "COUNT", "0"))
    out = {}
    for k, v in info.items():
        if k in LAYOUT_FIELDS and not layout:
            continue
        if k == "entries":
            v = [(e[0], tuple(e[1])) for e in v]
        elif k == "groups":
            v = sorted((_group(g) for g in v), key=lambda g: g["name"])
        out[k] = v
    return out


def _group(flat):
    g = _pairs(flat)
    out = {}
    for k, v in g.items():
        if k in DROPPED_CONSUMER_FIELDS:
            continue
        if k == "pending":
            # [id, consumer, delivery-time, delivery-count]
            v = [(p[0], p[1], p[3]) for p in v]
        elif k == "consumers":
            v = sorted((_consumer(x) for x in v), key=lambda x: x["name"])
        out[k] = v
    return out


def _consumer(flat):
    cons = _pairs(flat)
    out = {}
    for k, v in cons.items():
        if k in DROPPED_CONSUMER_FIELDS:
            continue
        if k == "pending":
            # [id, delivery-time, delivery-count]
            v = [(p[0], p[2]) for p in v]
        out[k] = v
    return out


def _first_difference(a, b, path=""):
    """Where two normalised structures first differ, as text."""
    if type(a) is not type(b):
        return f"{path or 'value'}: {a!r:.200} vs {b!r:.200}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only on the {'source' if k in a else 'destination'}"
            d = _first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, (list, tuple)):
        for i, (x, y) in enumerate(zip(a, b)):
            d = _first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        return None
    return None if a == b else f"{path or 'value'}: {a!r:.200} vs {b!r:.200}"


def xinfo_problems(src, dst, keys, layout=False, label="destination"):
    """Problems (strings) where XINFO STREAM FULL of a key on `dst` differs
    from the one on `src` (normalised as xinfo_full)."""
    problems = []
    for k in keys:
        a = xinfo_full(src, k, layout)
        b = xinfo_full(dst, k, layout)
        if a is None:
            problems.append(f"stream {esc(k)}: not on the source (test set-up?)")
        elif b is None:
            problems.append(f"stream {esc(k)}: missing on the {label}")
        elif a != b:
            problems.append(f"stream {esc(k)}: XINFO STREAM FULL differs at "
                            f"{_first_difference(a, b)} (source vs {label})")
    return problems
