"""--match, --exclude and --type select exactly the keys they name, by Redis
glob on the raw bytes; keys left out are not counted. (Acceptance item 8.)

The expected selection comes from the source server itself (SCAN MATCH and
SCAN TYPE per pattern, combined here), so the glob semantics under test
are the server's own.
"""

import pytest

from rmtest import compare
from rmtest.checks import expect_exit, expect_report


def _fill(c):
    p = c.pipeline(transaction=False)
    for i in range(40):
        p.set(b"user:%d" % i, b"u%d" % i)
    for i in range(15):
        p.hset(b"session:%d" % i, mapping={b"id": b"%d" % i})
    for name in (b"a1", b"b1", b"c1", b"d1", b"ab1", b"x*y", b"xay", b"x\\y", b"[abc]1"):
        p.set(name, b"literal")
    for i in range(5):
        p.rpush(b"list:%d" % i, b"a", b"b")
        p.sadd(b"set:%d" % i, b"m")
        p.zadd(b"zset:%d" % i, {b"m": i})
        p.xadd(b"stream:%d" % i, {b"f": b"v"})
    p.set(b"bin\xff1", b"high byte")
    p.set(b"bin\xfe1", b"other high byte")
    p.set(b"bin\x001", b"nul")
    p.execute()


def _truth(c, match=(), exclude=(), types=()):
    every = compare.scan_keys(c)
    selected = set().union(*(compare.scan_keys(c, match=m) for m in match)) if match else set(every)
    for e in exclude:
        selected -= compare.scan_keys(c, match=e)
    if types:
        selected &= set().union(*(compare.scan_keys(c, type_=t) for t in types))
    return selected, every


CASES = [
    # id, match, exclude, types, a few keys that must be in the selection
    ("match-one", [b"user:*"], [], [], [b"user:0", b"user:39"]),
    ("match-two", [b"user:*", b"session:*"], [], [], [b"user:1", b"session:1"]),
    ("exclude-one", [], [b"user:*"], [], [b"session:3", b"x*y"]),
    ("exclude-two", [], [b"user:*", b"*:[0-2]"], [], [b"session:3"]),
    ("match-and-exclude", [b"user:*"], [b"user:1*"], [], [b"user:2", b"user:0"]),
    ("type-one", [], [], ["hash"], [b"session:0"]),
    ("type-two", [], [], ["hash", "zset"], [b"session:0", b"zset:0"]),
    ("type-stream-and-match", [b"*:[0-3]"], [], ["stream", "list"], [b"stream:3", b"list:0"]),
    ("brackets", [b"[abc]1"], [], [], [b"a1", b"b1", b"c1"]),
    ("question-mark", [b"?1"], [], [], [b"a1", b"d1"]),
    ("escaped-star", [b"x\\*y"], [], [], [b"x*y"]),
    ("escaped-bracket", [b"\\[abc\\]1"], [], [], [b"[abc]1"]),
    ("raw-high-byte", [b"bin\xff*"], [], [], [b"bin\xff1"]),
    # Two patterns or an --exclude cannot all go to the server in one SCAN
    # MATCH: these check the tool's own glob against the server's.
    ("two-globs-brackets-escapes", [b"[abc]1", b"x\\*y", b"?b1"], [], [], [b"a1", b"x*y", b"ab1"]),
    ("two-globs-high-bytes", [b"bin\xff*", b"bin?1"], [], [], [b"bin\xff1", b"bin\xfe1"]),
    ("exclude-glob-classes", [], [b"[^u]*", b"user:[1-3]?"], [], [b"user:0", b"user:4"]),
]


@pytest.mark.parametrize("kind", ["redis7", "valkey8"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_filters_copy_exactly_the_selected_keys_and_count_only_them(servers, run_copy, kind, case):
    _id, match, exclude, types, must = case
    if b"\x00" in b"".join(match + exclude):
        pytest.fail("a NUL byte cannot be passed in an argument")
    src = servers.start(kind, name="source")
    dst = servers.start(kind, name="destination")
    c, d = src.client(), dst.client()
    _fill(c)
    selected, every = _truth(c, match, exclude, types)
    assert set(must) <= selected and 0 < len(selected) < len(every), (
        f"test data do not exercise {_id}: selected {sorted(selected)[:10]}")

    args = []
    for m in match:
        args += ["--match", m]
    for e in exclude:
        args += ["--exclude", e]
    for t in types:
        args += ["--type", t]
    res = run_copy(src, dst, *args)

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=len(selected), keys_copied=len(selected),
                  keys_skipped=0, keys_expired=0, keys_failed=0)
    compare.assert_copied(c, d, keys=selected, expect_dbsize=len(selected),
                          context=f" ({_id}: {len(selected)} of {len(every)} keys selected)")


@pytest.mark.sanitize
def test_escaped_star_matches_only_the_literal_star(servers, run_copy):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    _fill(c)

    res = run_copy(src, dst, "--match", "x\\*y")

    expect_exit(res, 0)
    assert sorted(compare.scan_keys(d)) == [b"x*y"], res.describe()
    expect_report(res, "ok", keys_scanned=1, keys_copied=1)


@pytest.mark.parametrize("kind", ["redis7", "valkey8"])
def test_a_byte_range_glob_selects_the_same_keys_whether_the_server_or_the_tool_applies_it(
        servers, run_copy, kind):
    """One --match goes to the server as SCAN MATCH; with a second one the
    tool filters itself. The contract says "as SCAN MATCH", so both must
    select the same keys. A range over high bytes is where they can part:
    the servers here compare pattern bytes as signed chars, so
    [\\x01-\\xfe] reads as the range -2..1 (0xfe, 0xff, 0x00, 0x01)."""
    src = servers.start(kind, name="source")
    c = src.client()
    _fill(c)
    pattern = b"bin[\x01-\xfe]1"
    server_side, _ = _truth(c, [pattern])
    dsts = []
    for args in (["--match", pattern], ["--match", pattern, "--match", b"no-such-key-anywhere"]):
        dst = servers.start(kind, name=f"destination-{len(dsts) + 1}")
        res = run_copy(src, dst, *args)
        expect_exit(res, 0)
        dsts.append((compare.scan_keys(dst.client()), res))
    (one, r1), (two, r2) = dsts
    assert one == two == server_side, (
        f"SCAN MATCH selects {sorted(server_side)}; with one --match the copy selected "
        f"{sorted(one)}, with two {sorted(two)}" + r2.describe())
