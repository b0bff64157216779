"""Big keys, built fast: one key of millions of bytes made with bulk
commands (RPUSH, HSET, ZADD with many elements each, XADD pipelined) in
chunks, never with RESTORE, so that the source holds them as a server
would after ordinary writes.

Element values are derived from their index (stream payloads are random
bytes, so that the payload does not compress below the size wanted), so
that a copy that loses, duplicates or reorders elements shows up in a
comparison; each builder checks the size it made.
"""

import random

from .compare import raw

CHUNK = 5000        # elements per command
PIPE = 20           # commands per pipeline round trip


def _rounds(n, chunk):
    for base in range(0, n, chunk):
        yield base, min(base + chunk, n)


def _run(c, commands):
    """Sends commands (argument tuples) PIPE at a time."""
    for i in range(0, len(commands), PIPE):
        p = c.pipeline(transaction=False)
        for args in commands[i:i + PIPE]:
            p.execute_command(*args)
        p.execute()


def list_item(i):
    return b"item:%d:" % i + b"x" * (i % 7)


def hash_field(i):
    return b"field:%d" % i


def hash_value(i, size=0):
    """The value of field i, padded to `size` bytes when given."""
    v = b"value:%d:" % (i * 31)
    return v.ljust(size, b"v") if size else v


def zset_member(i):
    return b"member:%d" % i


def zset_score(i):
    return (i * 7919 % 1000003) / 7.0 - 50000.0


def big_list(c, key, n, chunk=CHUNK):
    cmds = [("RPUSH", key, *[list_item(i) for i in range(a, b)]) for a, b in _rounds(n, chunk)]
    _run(c, cmds)
    assert c.llen(key) == n
    return key


def big_hash(c, key, n, chunk=CHUNK, value_size=0):
    """n fields; with `value_size`, each value that long (the hash then
    holds about n * value_size bytes)."""
    for a0, b0 in _rounds(n, chunk * PIPE):
        cmds = []
        for a, b in _rounds(b0 - a0, chunk):
            args = []
            for i in range(a0 + a, a0 + b):
                args += [hash_field(i), hash_value(i, value_size)]
            cmds.append(("HSET", key, *args))
        _run(c, cmds)
    assert c.hlen(key) == n
    return key


def big_set(c, key, n, chunk=CHUNK):
    cmds = [("SADD", key, *[b"m:%d" % i for i in range(a, b)]) for a, b in _rounds(n, chunk)]
    _run(c, cmds)
    assert c.scard(key) == n
    return key


def big_zset(c, key, n, chunk=CHUNK):
    cmds = []
    for a, b in _rounds(n, chunk):
        args = []
        for i in range(a, b):
            args += [repr(zset_score(i)).encode(), zset_member(i)]
        cmds.append(("ZADD", key, *args))
    _run(c, cmds)
    assert c.zcard(key) == n
    return key


def big_stream(c, key, n, chunk=1000, groups=True):
    """n entries with explicit ids 1-1 .. n-1 (fast, and known), some
    deleted; with `groups`, a consumer group that read and kept pending
    the first 500 entries, and a second group part way."""
    rng = random.Random(n)
    for a, b in _rounds(n, chunk):
        p = c.pipeline(transaction=False)
        for i in range(a, b):
            p.execute_command("XADD", key, f"{i + 1}-1", "i", i,
                              "payload", rng.randbytes(i % 41))
        p.execute()
    deleted = [f"{i + 1}-1" for i in range(100, n, max(n // 50, 1))]
    if deleted:
        c.xdel(key, *deleted)
    if groups:
        c.xgroup_create(key, "readers", id="0")
        c.xreadgroup("readers", "r1", {key: ">"}, count=500)
        c.xgroup_create(key, "half", id=f"{n // 2}-1")
        c.xgroup_createconsumer(key, "half", "nobody")
    assert c.xlen(key) == n - len(deleted)
    return key


def big_string(c, key, nbytes, chunk=512 * 1024):
    """A string of `nbytes` built with APPEND in chunks (bytes vary with
    their offset)."""
    c.delete(key)
    pattern = bytes(range(256)) * (chunk // 256 + 1)
    done = 0
    while done < nbytes:
        n = min(chunk, nbytes - done)
        c.append(key, pattern[done % 256:done % 256 + n])
        done += n
    assert c.strlen(key) == nbytes
    return key


def dump_size(c, key):
    """Bytes of the key's DUMP payload on `c`: what one RESTORE would carry."""
    payload = raw(c, "DUMP", key)
    return len(payload) if payload is not None else None
