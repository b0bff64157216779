"""Test data: every type in its small and its large encoding, binary names,
bulk string fills. Generators check OBJECT ENCODING, so that a test that
claims to cover an encoding really does.
"""

import random

from .compare import esc

HOUR_MS = 3600 * 1000


def _enc(client, key):
    e = client.object("encoding", key)
    return e.decode() if isinstance(e, bytes) else e


# Encoding each generated key must have, by server kind. Redis 7.0 has no
# listpack lists or sets (7.2 added them); Valkey 8 has both.
def _expected(kind, redis7, valkey8=None):
    return redis7 if kind == "redis7" else (valkey8 or redis7)


def _build_stream(c, key, rng, entries=60):
    ids = []
    for i in range(entries):
        fields = {b"n": str(i).encode(), b"payload": rng.randbytes(rng.randint(0, 40))}
        if i % 7 == 0:
            fields[b"\x00bin\xff"] = b""
        ids.append(c.xadd(key, fields))
    # A deleted entry: max-deleted-entry-id and entries-added must survive.
    c.xdel(key, ids[3])
    # Group g1: two consumers with pending (read, not acknowledged) entries,
    # some acknowledged; an entry delivered twice (XCLAIM bumps the count).
    c.xgroup_create(key, "g1", id="0")
    c.xreadgroup("g1", "alice", {key: ">"}, count=10)
    c.xreadgroup("g1", "bob", {key: ">"}, count=5)
    c.xack(key, "g1", ids[0], ids[1])
    c.xclaim(key, "g1", "bob", 0, [ids[4]])
    # Group g2: created at the end, one consumer with nothing pending.
    c.xgroup_create(key, "g2", id="$")
    c.xgroup_createconsumer(key, "g2", "carol")
    # Group g3: part way, entries-read unknown after an explicit id.
    c.xgroup_create(key, "g3", id=ids[20])


def fill_all_types(c, kind, prefix=b"", ttl=False, seed=1, check_encodings=True):
    """Writes one key per (type, encoding) into the client's db, names
    starting with `prefix`. With `ttl`, every key gets a deadline 1 to 24
    hours ahead. Returns {key: encoding}. Asserts each encoding."""
    rng = random.Random(seed)
    keys = {}

    def add(name, expected, build):
        key = prefix + name
        build(key)
        keys[key] = expected

    # Strings.
    add(b"str:int", "int", lambda k: c.set(k, b"1234567"))
    add(b"str:negint", "int", lambda k: c.set(k, b"-42"))
    add(b"str:short", "embstr", lambda k: c.set(k, b"short value"))
    add(b"str:empty", "embstr", lambda k: c.set(k, b""))
    add(b"str:long", "raw", lambda k: c.set(k, b"L" * 100))
    add(b"str:binary", "raw", lambda k: c.set(k, bytes(range(256)) * 2))
    add(b"str:big", "raw", lambda k: c.set(k, rng.randbytes(3 * 1024 * 1024)))
    add(b"str:appended", "raw", lambda k: (c.set(k, b"1"), c.append(k, b"23")))

    # Hashes.
    add(b"hash:small", "listpack",
        lambda k: c.hset(k, mapping={b"f1": b"v1", b"f2": b"", b"\x00f": b"\xff\x00"}))
    add(b"hash:many", "hashtable",
        lambda k: c.hset(k, mapping={f"field:{i}".encode(): str(i).encode() for i in range(700)}))
    add(b"hash:bigvalue", "hashtable",
        lambda k: c.hset(k, mapping={b"a": b"1", b"big": b"V" * 100}))

    # Lists.
    add(b"list:small", _expected(kind, "quicklist", "listpack"),
        lambda k: c.rpush(k, b"a", b"", b"c\x00d", b"123"))
    add(b"list:many", "quicklist",
        lambda k: c.rpush(k, *[f"item:{i}".encode() for i in range(3000)]))
    add(b"list:bigvalues", "quicklist",
        lambda k: c.rpush(k, *[rng.randbytes(10000) for _ in range(30)]))

    # Sets.
    add(b"set:ints", "intset", lambda k: c.sadd(k, *[str(i * 7 - 50).encode() for i in range(20)]))
    add(b"set:small", _expected(kind, "hashtable", "listpack"),
        lambda k: c.sadd(k, b"red", b"green", b"", b"\xff\xfe"))
    add(b"set:many", "hashtable",
        lambda k: c.sadd(k, *[f"member:{i}".encode() for i in range(400)]))
    add(b"set:manyints", "hashtable",
        lambda k: c.sadd(k, *[str(i).encode() for i in range(1000)]))

    # Sorted sets, with the awkward scores.
    awkward = {b"inf": float("inf"), b"-inf": float("-inf"), b"neg": -2.5,
               b"tiny": 1e-300, b"zero": 0.0, b"negzero": -0.0, b"frac": 0.1,
               b"big": 1.7976931348623157e308, b"": 3.0, b"\x00m": 7.0}
    add(b"zset:small", "listpack", lambda k: c.zadd(k, awkward))
    add(b"zset:many", "skiplist",
        lambda k: c.zadd(k, {**awkward, **{f"m:{i}".encode(): rng.uniform(-1e6, 1e6) for i in range(300)}}))
    add(b"zset:bigmember", "skiplist", lambda k: c.zadd(k, {b"x" * 100: 1.5, b"y": 2.0}))

    # Streams.
    add(b"stream:groups", "stream", lambda k: _build_stream(c, k, rng))
    add(b"stream:plain", "stream",
        lambda k: [c.xadd(k, {b"i": str(i).encode()}) for i in range(5)])
    add(b"stream:empty", "stream",
        lambda k: (c.xadd(k, {b"a": b"1"}), c.xtrim(k, maxlen=0)))

    if ttl:
        for k in keys:
            c.pexpire(k, rng.randint(HOUR_MS, 24 * HOUR_MS))
    if check_encodings:
        check_encodings_of(c, keys)
    return keys


def check_encodings_of(c, keys):
    wrong = []
    for k, expected in keys.items():
        actual = _enc(c, k)
        if actual != expected:
            wrong.append(f"{esc(k)}: {actual}, wanted {expected}")
    if wrong:
        raise AssertionError("test data does not have the intended encodings: "
                             + "; ".join(wrong))


# Names that break naive code: NUL, CR LF, bytes 0x80-0xff, backslashes,
# quotes, an empty name, and a 64 KiB name.
BINARY_NAMES = [
    b"",
    b"\x00",
    b"nul\x00inside",
    b"\x00" * 40,
    b"line\r\nbreak",
    b"\n",
    b"\r",
    b"tab\there",
    b"back\\slash",
    b"\\x41 not an escape",
    b"quote\"'",
    b"sp ace",
    b"\x7f\x1b[31m",
    bytes(range(0x80, 0x100)),
    b"\xff" * 10,
    b"\xc3\xa9t\xc3\xa9 utf-8",
    "ключ".encode(),
    b"\xed\xa0\x80 surrogate",
    b"k" * 65536,
    b"\x00" + b"x" * 65535,
]


def fill_binary_names(c, seed=2):
    """One key per binary name, of varying types, some with empty values;
    returns the names."""
    rng = random.Random(seed)
    for i, name in enumerate(BINARY_NAMES):
        kind = i % 5
        if kind == 0:
            c.set(name, b"")                       # empty value
        elif kind == 1:
            c.set(name, rng.randbytes(50) + b"\x00\r\n")
        elif kind == 2:
            c.hset(name, mapping={b"": b"", name[:100] or b"f": b"\x00"})
        elif kind == 3:
            c.rpush(name, b"", name[:100], b"\xff")
        else:
            c.zadd(name, {name[:100] or b"m": 1.0, b"": -0.5})
        if i % 3 == 0:
            c.pexpire(name, rng.randint(HOUR_MS, 2 * HOUR_MS))
    return list(BINARY_NAMES)


def fill_strings(c, n, prefix=b"key:", ttl_every=0, ttl_range_ms=(HOUR_MS, 24 * HOUR_MS),
                 value_size=16, chunk=10000, seed=3, start=0):
    """n string keys `prefix<i>` through pipelines of `chunk`. With
    ttl_every=k, every k-th key (i % k == 1) gets a PX TTL drawn from
    ttl_range_ms. Returns the set of keys with a TTL."""
    rng = random.Random(seed)
    with_ttl = set()
    for base in range(start, start + n, chunk):
        p = c.pipeline(transaction=False)
        for i in range(base, min(base + chunk, start + n)):
            k = prefix + str(i).encode()
            v = (b"v%d:" % i).ljust(value_size, b".")
            if ttl_every and i % ttl_every == 1:
                p.set(k, v, px=rng.randint(*ttl_range_ms))
                with_ttl.add(k)
            else:
                p.set(k, v)
        p.execute()
    return with_ttl


def populate(c, n, prefix="key", size=10):
    """DEBUG POPULATE: n keys `prefix:0`..`prefix:n-1`, fastest fill there is."""
    c.execute_command("DEBUG", "POPULATE", n, prefix, size)
    return {f"{prefix}:{i}".encode() for i in range(n)}


STRING_WINDOW = 16384  # core/worker.c: strings this long or shorter go by SET


def strings_read_whole(c):
    """How many of c's keys `--mode auto` reads whole with GETRANGE and
    writes with SET: strings of at most STRING_WINDOW bytes."""
    return sum(1 for k in c.scan_iter(count=1000, _type="string")
               if c.strlen(k) <= STRING_WINDOW)
