"""`redis-migrate verify` and `copy --verify` (issue 5).

verify compares every selected source key with the destination: type,
value (type by type; two servers holding the same data may give different
DUMP bytes) and deadline within --ttl-tolerance-ms (1000 by default), and
reports keys only on the destination. Exit 0 when all is equal, 3 with
differences, 2 for a usage error, 1 for a runtime failure. Its report:
status, keys_compared, keys_equal, differences {missing, extra, type, value,
ttl}, diffs [{key, kind, detail}] and elapsed_seconds (checks.py,
check_verify_fields).

To test verify apart from copy, most destinations are made equal to their
source by a plain DUMP/RESTORE ... ABSTTL in Python (rmtest.refcopy), and
the differences are planted with redis-py; the expected counts come from
the source's own key count and the planted set, never from the tool.
"""

import pytest

from rmtest import cluster as cl
from rmtest import compare, data, streams
from rmtest.checks import (DIFF_KINDS, check_verify_fields, diffs_by_key, dirty,
                           escape_key, expect_exit, expect_report, expect_verify_report,
                           reset_stats)
from rmtest.refcopy import reference_copy, reference_copy_keys
from rmtest.servers import free_port

NO_DIFFERENCES = {k: 0 for k in DIFF_KINDS}


def fill(c, kind, strings=300):
    """Every type and encoding with and without TTLs, binary names, streams
    with groups, and string keys. Returns the key count."""
    data.fill_all_types(c, kind, prefix=b"p:")
    data.fill_all_types(c, kind, prefix=b"t:", ttl=True, seed=5)
    data.fill_binary_names(c)
    streams.fill_streams(c, prefix=b"xs:", ttl_ms=5 * data.HOUR_MS)
    data.fill_strings(c, strings, prefix=b"s:", ttl_every=2)
    return c.dbsize()


def expect_all_equal(res, n, where=None):
    """Exit 0 and a report (or copy --verify's "verify" object) saying
    n keys compared, n equal, no difference."""
    if where is None:
        expect_exit(res, 0)
        return expect_verify_report(res, "ok", keys_compared=n, keys_equal=n,
                                    differences=NO_DIFFERENCES, diffs=[])
    v = check_verify_fields(where, res, "the report's verify object")
    got = (v["status"], v["keys_compared"], v["keys_equal"], v["differences"], v["diffs"])
    assert got == ("ok", n, n, NO_DIFFERENCES, []), (
        f"verify object {got}, expected everything equal over {n} keys" + res.describe())
    return v


def stdout_lists(res, kind, key):
    """Whether stdout has a line that starts with the kind (after any
    indent) and names the escaped key: "<kind> <escaped key> <detail>",
    however the columns are padded or separated."""
    e = escape_key(key)
    for line in res.stdout.splitlines():
        words = line.split()
        if words and words[0] == kind and e in line[line.index(kind) + len(kind):]:
            return True
    return False


# ---- all equal ------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["redis7", "valkey8"])
def test_verify_after_an_exact_copy_exits_0_with_every_key_equal_and_writes_nothing(
        servers, tool, kind):
    src, dst = servers.start(kind, name="source"), servers.start(kind, name="destination")
    c, d = src.client(), dst.client()
    n = fill(c, kind)
    reference_copy(c, d)
    compare.assert_copied(c, d, expect_dbsize=n)
    before = (dirty(src), dirty(dst))

    res = tool.verify(src, dst)

    expect_all_equal(res, n)
    assert (dirty(src), dirty(dst)) == before, "verify wrote to an end" + res.describe()
    assert res.report.get("elapsed_seconds", -1) >= 0


ELEMENT_READS = ("sscan", "hscan", "smismember", "hmget", "scard", "hlen")


def test_hash_tables_dumped_in_another_order_are_settled_from_their_payloads(servers, tool):
    """Each server seeds its hash tables at random, so a set or hash too
    big for a listpack dumps in another order on the destination. verify
    settles those from the two payloads (core/digest.h) rather than
    reading both ends element by element."""
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    for i in range(300):
        c.sadd(b"set:%d" % i, *[b"member-%d-%d" % (i, j) for j in range(200)])
    for i in range(50):
        c.hset(b"hash:%d" % i, mapping={b"f%d" % j: b"v%d-%d" % (i, j) for j in range(600)})
    reference_copy(c, d)
    keys = [b"set:%d" % i for i in range(300)] + [b"hash:%d" % i for i in range(50)]
    reordered = sum(1 for k in keys if c.dump(k)[:-10] != d.dump(k)[:-10])
    assert reordered >= len(keys) * 0.9, f"only {reordered} of {len(keys)} payloads differ"
    reset_stats(src)
    reset_stats(dst)

    res = tool.verify(src, dst)

    expect_all_equal(res, len(keys))
    for server in (src, dst):
        stats = server.client().info("commandstats")
        read = {n: stats.get(f"cmdstat_{n}", {}).get("calls", 0) for n in ELEMENT_READS}
        assert not any(read.values()), (
            f"{server.name} was read element by element: {read}" + res.describe())


# ---- every kind of difference ---------------------------------------------------

HOUR = data.HOUR_MS
PLANTED = {  # key: expected kind
    b"plant:value": "value",
    b"plant:zscore": "value",
    b"plant:group": "value",
    b"plant:bigset": "value",
    b"plant:empty-missing": "missing",
    b"plant:window-longer": "value",
    b"plant:bighash": "value",
    b"plant:ttl-moved": "ttl",
    b"plant:ttl-lost": "ttl",
    b"plant:missing": "missing",
    b"plant:\x00missing\xff\n": "missing",
    b"plant:type": "type",
    b"plant:extra": "extra",
}


def _plant_source(c):
    c.set(b"plant:value", b"original")
    c.zadd(b"plant:zscore", {b"a": 1.0, b"b": 2.0, b"c": 3.0})
    streams.build_stream_with_groups(c, b"plant:group", entries=30)
    c.set(b"plant:ttl-moved", b"x", px=2 * HOUR)
    c.hset(b"plant:ttl-lost", mapping={b"f": b"v"})
    c.pexpire(b"plant:ttl-lost", 2 * HOUR)
    c.set(b"plant:ttl-near", b"y", px=2 * HOUR)
    c.rpush(b"plant:missing", b"a", b"b")
    c.sadd(b"plant:\x00missing\xff\n", b"m")
    c.set(b"plant:type", b"a string")
    # Strings read whole (GETRANGE of up to 16 KiB): an empty one that is
    # missing reads "" on both ends; one that grew past the window.
    c.set(b"plant:empty-missing", b"")
    c.set(b"plant:window-longer", b"w" * 16384)
    # Hash tables, dumped in each server's own order (core/digest.h).
    c.sadd(b"plant:bigset", *[b"member-%d" % i for i in range(200)])
    c.hset(b"plant:bighash", mapping={b"f%d" % i: b"v%d" % i for i in range(600)})


def _plant_destination(c, d):
    d.set(b"plant:value", b"changed")
    d.zadd(b"plant:zscore", {b"b": 2.5}, xx=True)
    d.xgroup_setid(b"plant:group", "g1", id="0")
    d.pexpireat(b"plant:ttl-moved", c.pexpiretime(b"plant:ttl-moved") + 60_000)
    d.persist(b"plant:ttl-lost")
    # Within the default tolerance of 1000 ms: not a difference.
    d.pexpireat(b"plant:ttl-near", c.pexpiretime(b"plant:ttl-near") + 300)
    d.delete(b"plant:missing", b"plant:\x00missing\xff\n")
    d.delete(b"plant:type")
    d.rpush(b"plant:type", b"now a list")
    d.set(b"plant:extra", b"only on the destination")
    d.delete(b"plant:empty-missing")
    d.append(b"plant:window-longer", b"w")
    d.srem(b"plant:bigset", b"member-7")
    d.sadd(b"plant:bigset", b"member-x")
    d.hset(b"plant:bighash", b"f9", b"other")


def _counts(planted):
    out = dict(NO_DIFFERENCES)
    for kind in planted.values():
        out[kind] += 1
    return out


def _expect_planted(res, n, planted):
    """Exit 3, status partial, each planted key listed with its kind and no
    other key, the counts per kind, and every source key that is not
    planted counted equal."""
    expect_exit(res, 3)
    source_side = sum(1 for k in planted.values() if k != "extra")
    r = expect_verify_report(res, "partial", keys_equal=n - source_side,
                             differences=_counts(planted))
    assert r["keys_compared"] in (n, n + 1), (
        f"keys_compared {r['keys_compared']}: the source holds {n} keys (+1 extra key "
        "on the destination)" + res.describe())
    listed = diffs_by_key(r)
    want = {k: {kind} for k, kind in planted.items()}
    assert listed == want, (
        "diffs listed (key: kinds):\n  " + "\n  ".join(
            f"{escape_key(k)}: {sorted(v)}" for k, v in sorted(listed.items()))
        + "\nexpected:\n  " + "\n  ".join(
            f"{escape_key(k)}: {sorted(v)}" for k, v in sorted(want.items())) + res.describe())
    for k, kind in planted.items():
        assert stdout_lists(res, kind, k), (
            f"stdout has no line '{kind} {escape_key(k)} ...'" + res.describe())
    lines = [line.split() for line in res.stdout.splitlines()]
    for kind, count in _counts(planted).items():
        assert [kind, str(count)] in lines, (
            f"the summary has no line '{kind} {count}'" + res.describe())
    return r


def test_verify_names_each_planted_difference_with_its_kind_and_exits_3(servers, tool):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    fill(c, "redis7")
    _plant_source(c)
    n = c.dbsize()
    reference_copy(c, d)
    compare.assert_copied(c, d, expect_dbsize=n)
    _plant_destination(c, d)

    res = tool.verify(src, dst)
    _expect_planted(res, n, PLANTED)

    # A tolerance of 2 minutes takes the TTL moved by 1 minute as equal;
    # the lost TTL stays a difference.
    res2 = tool.verify(src, dst, "--ttl-tolerance-ms", "120000")
    planted2 = {k: v for k, v in PLANTED.items() if k != b"plant:ttl-moved"}
    _expect_planted(res2, n, planted2)


# ---- across server versions -------------------------------------------------------

CROSS = [("valkey8", "redis7", ()), ("redis7", "valkey8", ("--mode", "struct"))]


@pytest.mark.parametrize("src_kind,dst_kind,copy_args", CROSS,
                         ids=[f"{a}->{b}" for a, b, _ in CROSS])
def test_verify_between_valkey8_and_redis7_after_a_type_command_copy_finds_every_key_equal(
        servers, tool, src_kind, dst_kind, copy_args):
    src = servers.start(src_kind, name="source")
    dst = servers.start(dst_kind, name="destination")
    c, d = src.client(), dst.client()
    n = fill(c, src_kind)
    cp = tool.copy(src, dst, *copy_args)
    expect_exit(cp, 0)
    compare.assert_copied(c, d, expect_dbsize=n, context=" (the copy before verify)" + cp.describe())

    res = tool.verify(src, dst)
    expect_all_equal(res, n)

    # The other way round: the destination's keys as the source.
    back = tool.verify(dst, src)
    expect_all_equal(back, n)


# ---- selection and sampling ---------------------------------------------------------

def test_verify_sample_100_of_10000_keys_compares_exactly_100(servers, tool):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    data.populate(c, 9_000, prefix="k")
    data.fill_strings(c, 1_000, prefix=b"t:", ttl_every=2)
    n = c.dbsize()
    assert n == 10_000
    reference_copy(c, d)

    res = tool.verify(src, dst, "--sample", "100")
    expect_exit(res, 0)
    expect_verify_report(res, "ok", keys_compared=100, keys_equal=100,
                         differences=NO_DIFFERENCES, diffs=[])

    # One planted difference is found only when it falls into the sample.
    d.set(b"k:1234", b"changed")
    res = tool.verify(src, dst, "--sample", "100")
    r = res.report
    assert r is not None and r.get("keys_compared") == 100, res.describe()
    if res.code == 0:
        expect_verify_report(res, "ok", keys_compared=100, keys_equal=100, diffs=[])
    else:
        expect_exit(res, 3)
        expect_verify_report(res, "partial", keys_compared=100, keys_equal=99,
                             differences={"value": 1})
        assert diffs_by_key(r) == {b"k:1234": {"value"}}, res.describe()


def test_verify_match_and_db_select_the_keys_compared_like_copy(servers, tool):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    data.fill_strings(c, 50, prefix=b"a:", ttl_every=2)
    data.fill_strings(c, 40, prefix=b"b:")
    reference_copy(c, d)
    d.set(b"b:7", b"changed")
    d.set(b"b:extra", b"only on the destination")

    res = tool.verify(src, dst, "--match", "a:*")
    expect_all_equal(res, 50)

    res = tool.verify(src, dst, "--match", "b:*")
    expect_exit(res, 3)
    r = expect_verify_report(res, "partial", keys_equal=39,
                             differences={"value": 1, "extra": 1})
    assert r["keys_compared"] in (40, 41), res.describe()
    assert diffs_by_key(r) == {b"b:7": {"value"}, b"b:extra": {"extra"}}, res.describe()

    # Source db 2 against destination db 0 (--db 2 --db-map 2:0); other
    # databases of either end are not looked at.
    s2, d0 = src.client(db=2), dst.client(db=0)
    d0.flushdb()
    data.fill_strings(s2, 30, prefix=b"db2:", ttl_every=3)
    reference_copy(s2, d0)
    dst.client(db=2).set(b"unrelated", b"1")
    res = tool.verify(src, dst, "--db", "2", "--db-map", "2:0")
    expect_all_equal(res, 30)


# ---- copy --verify ---------------------------------------------------------------------

def test_copy_with_verify_verifies_after_copying_and_reports_a_verify_object(servers, run_copy):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    n = fill(c, "redis7")

    res = run_copy(src, dst, "--verify")

    expect_exit(res, 0)
    r = expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
    compare.assert_copied(c, d, expect_dbsize=n, context=res.describe())
    assert "verify" in r, "the copy report has no verify object" + res.describe()
    expect_all_equal(res, n, where=r["verify"])


def test_copy_with_verify_exits_3_when_a_key_it_skipped_differs(servers, run_copy):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    data.fill_strings(c, 500, prefix=b"s:", ttl_every=2)
    n = c.dbsize()
    conflict = b"s:17"
    d.set(conflict, b"pre-existing, different")

    res = run_copy(src, dst, "--on-conflict", "skip", "--verify")

    expect_exit(res, 3)
    r = expect_report(res, "partial", keys_scanned=n, keys_copied=n - 1, keys_skipped=1,
                      keys_failed=0)
    assert d.get(conflict) == b"pre-existing, different", "skip overwrote the key"
    v = check_verify_fields(r.get("verify"), res, "the report's verify object")
    assert v["status"] == "partial" and v["keys_compared"] == n and v["keys_equal"] == n - 1, (
        f"verify object: {v}" + res.describe())
    assert v["differences"] == {**NO_DIFFERENCES, "value": 1}, res.describe()
    assert diffs_by_key(v) == {conflict: {"value"}}, res.describe()
    assert escape_key(conflict) in res.stdout, (
        "the summary does not name the key that differs" + res.describe())


# ---- errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [("--sample", "-5"), ("--sample", "many"),
                                  ("--ttl-tolerance-ms", "soon"), ("--no-such-option",)],
                         ids=["negative-sample", "word-sample", "word-tolerance", "unknown"])
def test_verify_usage_errors_exit_2(servers, tool, args):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    res = tool.verify(src, dst, *args)
    expect_exit(res, 2)
    assert res.error_lines(), "no error message" + res.describe()


def test_verify_without_a_destination_exits_2_and_an_unreachable_one_exits_1(servers, tool):
    src = servers.start("redis7", name="source")
    src.client().set(b"k", b"v")
    res = tool.verify(src, None)
    expect_exit(res, 2)
    res = tool.verify(src, f"redis://127.0.0.1:{free_port()}")
    expect_exit(res, 1)
    assert res.error_lines(), "no error message" + res.describe()
    if res.report is not None:
        assert res.report.get("status") == "failed", res.describe()


# ---- clusters ---------------------------------------------------------------------------

class _Logs:
    """The servers whose logs conftest attaches to a failure: the test's
    own servers and the cluster's nodes."""

    def __init__(self, started, cluster):
        self.started, self.cluster = started, cluster

    def __iter__(self):
        yield from self.started
        yield from self.cluster.nodes


@pytest.fixture(scope="module")
def verify_cluster(tmp_path_factory):
    c = cl.Cluster("redis7", tmp_path_factory.mktemp("verify-cluster"), name="verify-redis7")
    c.start()
    yield c
    c.stop()


@pytest.fixture
def cluster(verify_cluster, servers, request):
    """The module's redis7 cluster, healthy and empty."""
    verify_cluster.heal()
    verify_cluster.flushall()
    request.node._rm_servers = _Logs(servers.started, verify_cluster)
    return verify_cluster


def _fill_for_cluster(c):
    data.fill_binary_names(c)
    data.fill_strings(c, 2000, prefix=b"s:", ttl_every=3)
    for i in range(30):
        c.hset(b"h:{%d}" % i, mapping={b"i": b"%d" % i})
        c.zadd(b"z:%d" % i, {b"m": float(i)})
        c.rpush(b"l:%d" % i, b"a", b"%d" % i)


def test_verify_a_standalone_source_against_a_cluster_destination(servers, tool, cluster):
    src = servers.start("redis7", name="source")
    c = src.client()
    _fill_for_cluster(c)
    streams.build_stream_with_groups(c, b"stream:groups")
    n = c.dbsize()
    routed = cluster.routed()
    reference_copy_keys(c, routed, compare.scan_keys(c))
    cluster.wait_replicas_synced()
    cl.assert_equal(src, cluster)

    res = tool.verify(src, cluster.uri())
    expect_all_equal(res, n)

    routed.set(b"s:5", b"changed")
    routed.delete(b"s:6")
    routed.set(b"{other}:extra", b"only on the cluster")
    routed.pexpireat(b"s:1", c.pexpiretime(b"s:1") + 30_000)
    res = tool.verify(src, cluster.uri())
    _expect_planted(res, n, {b"s:5": "value", b"s:6": "missing",
                             b"{other}:extra": "extra", b"s:1": "ttl"})


def test_verify_a_cluster_source_against_a_standalone_destination(servers, tool, cluster):
    dst = servers.start("redis7", name="destination")
    d = dst.client()
    routed = cluster.routed()
    _fill_for_cluster(routed)
    keys = cluster.scan_keys()
    n = len(keys)
    assert n == cluster.dbsize()
    reference_copy_keys(routed, d, keys)
    cl.assert_equal(cluster, dst)

    res = tool.verify(cluster.uri(), dst)
    expect_all_equal(res, n)

    d.hset(b"h:{3}", b"i", b"changed")
    d.delete(b"l:4")
    d.set(b"l:4", b"a string now")
    res = tool.verify(cluster.uri(), dst)
    _expect_planted(res, n, {b"h:{3}": "value", b"l:4": "type"})
