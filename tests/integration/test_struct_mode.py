"""Keys rebuilt with type commands (issue 5): `--mode struct`, the fallback
of `--mode auto` when the destination refuses a payload (Valkey 8 into
Redis 7.0) or a value is too big for one request (a destination with
`proto-max-bulk-len 1mb`), streams with their groups and pending entries,
and the temporary keys a killed run leaves behind.

Truth is read from the servers with redis-py: every key's type, value and
absolute deadline (rmtest.compare, deadlines within 1 s), `XINFO STREAM key
FULL` of every stream (rmtest.streams, without the times a copy cannot
keep), and the destination's DBSIZE; the report's counters are checked
against the source's own key count.

The report field `keys_by_type_commands` counts the keys written with type
commands rather than RESTORE, or, for strings of up to 16 KiB under
`--mode auto`, rather than SET of the whole value.

The first test checks the suite's own stream builders and normaliser and
passes without the tool.
"""

import re
import signal
import time

import pytest

from rmtest import bigkeys, compare, data, streams
from rmtest.checks import escape_key, expect_exit, expect_report, unescape_key
from rmtest.memory import MIB, run_measured
from rmtest.refcopy import reference_copy

TMP_PREFIX = b"__redis-migrate:tmp:"
# core/structcopy.h: a temporary key built in chunks lives TMPKEY_TTL_MS
# after its last chunk, and a run's clean-up removes one only when no chunk
# refreshed it for more than TMPKEY_IDLE_MS (or it has no TTL).
TMPKEY_TTL_MS = 10 * 60 * 1000
TMPKEY_IDLE_MS = 60 * 1000
STREAM_TTL_MS = 5 * data.HOUR_MS
RSS_LIMIT_MIB = 100
ONE_MB = 1024 * 1024


# ---- helpers ------------------------------------------------------------------

def fill_every_type(c, kind):
    """Every type and encoding with and without TTLs, binary names, and
    streams with groups, pending entries, empty consumers and deleted
    entries. Returns (key count, stream keys)."""
    data.fill_all_types(c, kind, prefix=b"p:")
    data.fill_all_types(c, kind, prefix=b"t:", ttl=True, seed=5)
    data.fill_binary_names(c)
    streams.fill_streams(c, prefix=b"xs:", ttl_ms=STREAM_TTL_MS)
    return c.dbsize(), stream_keys(c)


def stream_keys(c):
    return sorted(compare.scan_keys(c, type_="stream"))


def by_type_commands(res):
    r = res.report or {}
    assert isinstance(r.get("keys_by_type_commands"), int), (
        "the report has no integer keys_by_type_commands" + res.describe())
    return r["keys_by_type_commands"]


def expect_streams_equal(c, d, keys, layout=False, context=""):
    problems = streams.xinfo_problems(c, d, keys, layout=layout)
    compare.fail_with(problems, f"streams differ{context}")


def expect_equal_copy(res, c, d, n, stream_list, layout=False):
    """Exit 0, every key copied (counted against the source's own n), the
    destination equal key by key with n keys, and every stream's XINFO
    STREAM FULL equal."""
    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_skipped=0,
                  keys_expired=0, keys_failed=0)
    compare.assert_copied(c, d, expect_dbsize=n, context=res.describe())
    expect_streams_equal(c, d, stream_list, layout=layout, context=res.describe())


def tmp_keys(d):
    return {k for k in compare.scan_keys(d) if k.startswith(TMP_PREFIX)}


def expect_building_ttl(d, keys, context=""):
    """Each temporary key has the TTL a chunk sets (it goes by itself
    within TMPKEY_TTL_MS), and one showing a chunk within the last
    TMPKEY_IDLE_MS."""
    for k in keys:
        ttl = d.pttl(k)
        assert TMPKEY_TTL_MS - TMPKEY_IDLE_MS < ttl <= TMPKEY_TTL_MS, (
            f"temporary key {compare.esc(k)} has PTTL {ttl}, expected the "
            f"{TMPKEY_TTL_MS} ms a chunk of its build sets" + context)


# ---- the suite's own stream helpers (pass without the tool) -------------------------

@pytest.mark.parametrize("kind", ["redis7", "valkey8"])
def test_fixture_streams_have_groups_pels_empty_consumers_and_deletions_and_the_normaliser_catches_changes(
        servers, kind):
    src, dst = servers.start(kind, name="source"), servers.start(kind, name="destination")
    c, d = src.client(), dst.client()
    keys = streams.fill_streams(c, prefix=b"xs:", ttl_ms=STREAM_TTL_MS, pending_of_deleted=True)

    # What the issue asks the streams to hold.
    full = {k: streams.xinfo_full(c, k) for k in keys}
    g = full[b"xs:groups"]
    assert [x["name"] for x in g["groups"]] == [b"g1", b"g2"]
    assert g["max-deleted-entry-id"] != b"0-0" and g["length"] < g["entries-added"]
    assert g["last-generated-id"] != g["entries"][-1][0], "the last entry should be deleted"
    g1 = g["groups"][0]
    pel = {x["name"]: x["pel-count"] for x in g1["consumers"]}
    assert pel[b"alice"] > 0 and pel[b"bob"] > 0 and pel[b"idle-one"] == 0
    assert any(count > 1 for _id, _cons, count in g1["pending"]), "no entry delivered twice"
    assert full[b"xs:empty-with-group"]["length"] == 0 and full[b"xs:empty-with-group"]["groups"]
    assert full[b"xs:mkstream-group"]["length"] == 0
    pod = full[b"xs:pending-of-deleted"]
    existing = {e[0] for e in pod["entries"]}
    dangling = [p for grp in pod["groups"] for p in grp["pending"] if p[0] not in existing]
    assert len(dangling) >= 11, f"pending entries of deleted entries: {dangling}"

    # A DUMP/RESTORE copy is equal, layout included.
    reference_copy(c, d)
    assert streams.xinfo_problems(c, d, keys, layout=True) == []
    compare.assert_copied(c, d)

    # Each change is caught and named.
    d.xgroup_setid(b"xs:groups", "g2", id="0")
    d.xclaim(b"xs:groups-2", "g1", "alice", 0, [full[b"xs:groups-2"]["groups"][0]["pending"][-1][0]])
    d.xgroup_delconsumer(b"xs:empty-with-group", "g", "reader")
    d.xadd(b"xs:no-groups", {b"new": b"entry"})
    problems = streams.xinfo_problems(c, d, keys)
    assert len(problems) == 4, problems
    for k in (b"xs:groups", b"xs:groups-2", b"xs:empty-with-group", b"xs:no-groups"):
        assert any(f"stream {compare.esc(k)}:" in p for p in problems), (k, problems)


# ---- every type across versions -------------------------------------------------------

def test_auto_mode_valkey8_to_redis7_rebuilds_every_key_with_type_commands_and_arrives_equal(
        servers, run_copy):
    src = servers.start("valkey8", name="source")
    dst = servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    n, sk = fill_every_type(c, "valkey8")

    res = run_copy(src, dst)

    expect_equal_copy(res, c, d, n, sk)
    # The destination refuses Valkey 8's payloads: every key goes by type
    # commands, strings of up to 16 KiB by SET (read whole, never dumped).
    whole = data.strings_read_whole(c)
    assert 0 < whole < n and by_type_commands(res) == n - whole, (
        f"keys_by_type_commands {by_type_commands(res)}, expected every key but the "
        f"{whole} strings read whole ({n - whole})" + res.describe())
    assert not tmp_keys(d)


def test_auto_mode_redis7_to_valkey8_goes_by_restore(servers, run_copy):
    src = servers.start("redis7", name="source")
    dst = servers.start("valkey8", name="destination")
    c, d = src.client(), dst.client()
    n, sk = fill_every_type(c, "redis7")

    res = run_copy(src, dst)

    expect_equal_copy(res, c, d, n, sk)
    assert by_type_commands(res) == 0, (
        "Valkey 8 reads Redis 7.0's payloads: no key should go by type commands"
        + res.describe())


@pytest.mark.parametrize("kind", ["redis7", "valkey8"])
def test_struct_mode_between_servers_of_the_same_kind_arrives_equal(servers, run_copy, kind):
    src = servers.start(kind, name="source")
    dst = servers.start(kind, name="destination")
    c, d = src.client(), dst.client()
    n, sk = fill_every_type(c, kind)

    res = run_copy(src, dst, "--mode", "struct")

    expect_equal_copy(res, c, d, n, sk)
    assert by_type_commands(res) == n, (
        f"--mode struct: keys_by_type_commands {by_type_commands(res)}, expected {n}"
        + res.describe())
    assert not tmp_keys(d)


MISMATCH = re.compile(r"(?i)version|format|rdb|payload")


def test_dump_mode_valkey8_to_redis7_fails_every_key_or_refuses_up_front_and_writes_nothing(
        servers, run_copy):
    src = servers.start("valkey8", name="source")
    dst = servers.start("redis7", name="destination")
    c = src.client()
    data.fill_all_types(c, "valkey8", prefix=b"p:")
    data.fill_strings(c, 200, prefix=b"s:", ttl_every=2)
    n = c.dbsize()

    res = run_copy(src, dst, "--mode", "dump")

    assert res.code in (2, 3), (
        f"exit {res.code}: --mode dump into a server that cannot read the payloads "
        "must fail every key (3) or refuse up front (2)" + res.describe())
    assert compare.dbsizes(dst) == {}, (
        f"something was written to the destination: {compare.dbsizes(dst)}" + res.describe())
    if res.code == 2:
        errors = "\n".join(res.error_lines())
        assert MISMATCH.search(errors), (
            "the refusal does not say that the destination cannot read the source's "
            "payload format/version" + res.describe())
        if res.report is not None:
            assert res.report.get("status") == "failed", res.describe()
    else:
        r = expect_report(res, "partial", keys_scanned=n, keys_copied=0, keys_failed=n)
        assert len(r["failed_keys"]) == n and all(f.get("error") for f in r["failed_keys"]), (
            "every key should be listed with its error" + res.describe())
        assert MISMATCH.search(r["failed_keys"][0]["error"] + res.stderr), (
            "no message says that the payload format/version is refused" + res.describe())


# ---- streams: XINFO STREAM FULL equal -----------------------------------------------

STREAM_CASES = [("redis7", "redis7", "struct"), ("redis7", "redis7", "dump"),
                ("valkey8", "redis7", "auto")]


def _scramble_destination_streams(d, keys):
    """Changes each destination stream the way a replace must undo: a group
    moved, a group and a consumer added, an entry added, one acked."""
    for k in keys:
        groups = d.xinfo_groups(k)
        if groups:
            d.xgroup_setid(k, groups[0]["name"], id="0")
            d.xgroup_createconsumer(k, groups[0]["name"], "intruder")
        d.xgroup_create(k, "dest-only-group", id="0")
        d.xadd(k, {b"dest": b"only"})


@pytest.mark.parametrize("src_kind,dst_kind,mode", STREAM_CASES,
                         ids=[f"{a}->{b}-{m}" for a, b, m in STREAM_CASES])
def test_streams_with_groups_pels_and_deletions_have_equal_xinfo_full_also_after_a_replace_run(
        servers, run_copy, src_kind, dst_kind, mode):
    src = servers.start(src_kind, name="source")
    dst = servers.start(dst_kind, name="destination")
    c, d = src.client(), dst.client()
    keys = streams.fill_streams(c, prefix=b"xs:", ttl_ms=STREAM_TTL_MS)
    keys += streams.fill_streams(c, prefix=b"{tag}xs:")
    n = c.dbsize()
    layout = mode == "dump"

    by_type = 0 if mode == "dump" else n   # valkey8 -> redis7: every key

    res = run_copy(src, dst, "--mode", mode)
    expect_equal_copy(res, c, d, n, keys, layout=layout)
    assert by_type_commands(res) == by_type, res.describe()

    _scramble_destination_streams(d, keys)
    assert streams.xinfo_problems(c, d, keys), "the scramble changed nothing"
    res2 = run_copy(src, dst, "--mode", mode, "--on-conflict", "replace")
    expect_equal_copy(res2, c, d, n, keys, layout=layout)
    assert by_type_commands(res2) == by_type, res2.describe()


def test_struct_mode_keeps_pending_entries_whose_stream_entries_were_trimmed_or_deleted(
        servers, run_copy):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    key = b"capped"
    streams.build_stream_pending_of_deleted(c, key)
    n = c.dbsize()

    res = run_copy(src, dst, "--mode", "struct")

    expect_equal_copy(res, c, d, n, [key])


# ---- big keys into a destination that takes at most 1 MB per argument --------------

# The hash's values are 240 bytes each: about 120 MB of data in one key,
# more than the memory limit, so that a tool that read a whole key at once
# (HGETALL, one DUMP parsed into replies) could not stay under it.
HASH_VALUE_BYTES = 240
BIG = {  # key: (builder, elements, TTL)
    b"big:list": (bigkeys.big_list, 1_000_000, True),
    b"big:hash": (lambda c, k, n: bigkeys.big_hash(c, k, n, value_size=HASH_VALUE_BYTES),
                  500_000, False),
    b"big:zset": (bigkeys.big_zset, 200_000, True),
    b"big:stream": (bigkeys.big_stream, 100_000, True),
}


@pytest.mark.slow
def test_big_list_hash_zset_and_stream_into_a_1mb_bulk_limit_arrive_equal_with_ttls_in_under_100mib(
        servers, rm_bin, tmp_path):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", "proto-max-bulk-len 1mb", name="destination")
    c, d = src.client(), dst.client()
    assert int(d.config_get("proto-max-bulk-len")["proto-max-bulk-len"]) == ONE_MB
    for key, (build, count, ttl) in BIG.items():
        build(c, key, count)
        if ttl:
            c.pexpire(key, 6 * data.HOUR_MS)
        size = bigkeys.dump_size(c, key)
        assert size > 2 * ONE_MB, f"{key!r}: DUMP payload {size} bytes, not big enough"
    data.fill_strings(c, 300, prefix=b"small:", ttl_every=3)
    c.hset(b"small:hash", mapping={b"a": b"1"})
    n = c.dbsize()
    hash_bytes = int(c.memory_usage(b"big:hash", samples=0))
    assert hash_bytes > RSS_LIMIT_MIB * ONE_MB, (
        f"big:hash uses {hash_bytes} bytes on the source: it should exceed the memory limit")

    res, kib, how = run_measured(rm_bin, tmp_path / "measured", "copy", src, dst, timeout=600)

    expect_equal_copy(res, c, d, n, [b"big:stream"])
    assert len(BIG) <= by_type_commands(res) <= n, (
        f"keys_by_type_commands {by_type_commands(res)}: the {len(BIG)} big keys cannot "
        "go by one RESTORE into this destination" + res.describe())
    assert 0 < kib < RSS_LIMIT_MIB * MIB, (
        f"peak RSS {kib / MIB:.1f} MiB ({how}) while copying the big keys, limit "
        f"{RSS_LIMIT_MIB} MiB" + res.describe())


SIZE_2MIB = re.compile(r"2097152|2(?:\.0+)?\s*(?:MiB|MB|M)\b", re.I)
LIMIT_1MB = re.compile(r"1048576|1(?:\.0+)?\s*(?:MiB|MB|M|mb)\b|proto-max-bulk-len", re.I)


def test_a_2mib_string_into_a_1mb_bulk_limit_fails_by_name_with_size_and_limit_and_the_rest_go_on(
        servers, run_copy):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", "proto-max-bulk-len 1mb", name="destination")
    c, d = src.client(), dst.client()
    big = b"huge:string"
    bigkeys.big_string(c, big, 2 * ONE_MB)
    # Beside it: small keys, a string just under the limit, and a list and a
    # hash whose payloads are over it (they fit as elements in chunks).
    data.fill_strings(c, 200, prefix=b"s:", ttl_every=3)
    bigkeys.big_string(c, b"almost:limit", 900 * 1024)
    bigkeys.big_list(c, b"long:list", 300_000)
    bigkeys.big_hash(c, b"wide:hash", 60_000)
    c.pexpire(b"long:list", 3 * data.HOUR_MS)
    for k in (b"long:list", b"wide:hash"):
        assert bigkeys.dump_size(c, k) > ONE_MB, f"{k!r} is too small to need chunks"
    n = c.dbsize()

    res = run_copy(src, dst)

    expect_exit(res, 3)
    r = expect_report(res, "partial", keys_scanned=n, keys_copied=n - 1, keys_failed=1,
                      keys_skipped=0, keys_expired=0)
    listed = r.get("failed_keys") or []
    assert [unescape_key(f["key"]) for f in listed] == [big], (
        f"failed_keys should list only {escape_key(big)}" + res.describe())
    why = listed[0].get("error") or ""
    assert SIZE_2MIB.search(why) and LIMIT_1MB.search(why), (
        f"the error {why!r} should give the key's size (2 MiB) and the destination's "
        "limit (proto-max-bulk-len 1 MB)" + res.describe())
    assert escape_key(big) in res.stdout, "the summary does not name the key" + res.describe()
    assert d.exists(big) == 0, "the too-big key is (partly) on the destination"
    others = compare.scan_keys(c) - {big}
    compare.assert_copied(c, d, keys=others, expect_dbsize=n - 1, context=res.describe())


# ---- temporary keys of a killed run ----------------------------------------------

LEFTOVERS = [TMP_PREFIX + b"{x}:dead:1", TMP_PREFIX + b"{y}:dead:2",
             TMP_PREFIX + b"{x}:dead:3", TMP_PREFIX + b"{\xff}:dead:4"]


def _plant_leftovers(d):
    d.hset(LEFTOVERS[0], mapping={b"half": b"built"})
    d.rpush(LEFTOVERS[1], b"a", b"b")
    d.set(LEFTOVERS[2], b"x", px=3 * data.HOUR_MS)
    d.xadd(LEFTOVERS[3], {b"f": b"v"})


@pytest.mark.parametrize("mode", ["auto", "struct"])
def test_a_destination_holding_only_leftover_temporary_keys_counts_as_empty_and_loses_them(
        servers, run_copy, mode):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    data.fill_all_types(c, "redis7", prefix=b"p:")
    data.fill_strings(c, 500, prefix=b"s:", ttl_every=2)
    n = c.dbsize()
    _plant_leftovers(d)

    res = run_copy(src, dst, "--mode", mode)

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
    assert not tmp_keys(d), f"temporary keys left: {tmp_keys(d)}" + res.describe()
    compare.assert_copied(c, d, expect_dbsize=n, context=res.describe())


def test_leftover_temporary_keys_go_and_other_destination_keys_stay(servers, run_copy):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    data.fill_strings(c, 500, prefix=b"s:")
    n = c.dbsize()
    _plant_leftovers(d)
    # The application's own keys, some named like temporary keys but not
    # in the shape the tool gives them.
    mine = {b"keep:me": b"destination's own", b"app:" + TMP_PREFIX + b"{x}:dead:1": b"lookalike",
            b"__redis-migrate:tmpx": b"lookalike 2", TMP_PREFIX + b"userkey": b"lookalike 3",
            TMP_PREFIX + b"{x}:userkey": b"lookalike 4", TMP_PREFIX + b"{x}:dead:1x": b"lookalike 5",
            TMP_PREFIX + b"{toolong}:dead:1": b"lookalike 6"}
    for k, v in mine.items():
        d.set(k, v)
    # A temporary key another run is building right now: refreshed a
    # moment ago.
    building = TMP_PREFIX + b"{z}:otherrun-0:7"
    d.rpush(building, b"a", b"b")
    d.pexpire(building, TMPKEY_TTL_MS)

    res = run_copy(src, dst, "--on-conflict", "skip")

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0, keys_skipped=0)
    expected_left = {k for k in mine if k.startswith(TMP_PREFIX)} | {building}
    assert tmp_keys(d) == expected_left, (
        f"temporary keys left: {tmp_keys(d)}, expected {expected_left}" + res.describe())
    for k, v in mine.items():
        assert d.get(k) == v, f"key {compare.esc(k)} was changed or removed" + res.describe()
    assert d.lrange(building, 0, -1) == [b"a", b"b"], (
        "the temporary key another run is building was changed or removed" + res.describe())
    compare.assert_copied(c, d, keys=compare.scan_keys(c), expect_dbsize=n + len(mine) + 1)


# ---- a run stopped while it builds a big key ---------------------------------------

def _wait_for_tmp_key(d, running, timeout=60):
    """Polls the destination until a temporary key exists (the run is
    building a big key in chunks) and returns it; fails if the run ends
    first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = tmp_keys(d)
        if found:
            return found
        assert running.proc.poll() is None, "the run ended before it built a big key"
        time.sleep(0.02)
    raise AssertionError("no temporary key appeared within the run")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_a_run_stopped_while_building_a_big_key_leaves_no_half_key_and_a_temporary_key_that_expires_or_goes_once_idle(
        servers, tool, sig):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", "proto-max-bulk-len 1mb", name="destination")
    c, d = src.client(), dst.client()
    big = b"big:list"
    bigkeys.big_list(c, big, 400_000)
    c.pexpire(big, 6 * data.HOUR_MS)
    data.fill_strings(c, 200, prefix=b"s:")
    n = c.dbsize()

    # --max-ops slows the chunked reads so that the stop lands mid-build.
    running = tool.start_copy(src, dst, "--mode", "struct", "--threads", "1",
                              "--max-ops", "400")
    try:
        _wait_for_tmp_key(d, running)
        t0 = time.monotonic()
        running.signal(sig)
        res = running.finish(timeout=30)
        stopped_s = time.monotonic() - t0
    finally:
        running.kill()
    # The stop overlapped the build: the key was never visible half-built.
    assert d.exists(big) == 0, "a half-built big:list is visible on the destination"
    left = tmp_keys(d)
    if sig == signal.SIGKILL:
        assert left, "the killed run left no temporary key"
    if sig == signal.SIGINT:
        expect_exit(res, 130)
        assert stopped_s < 2.5, f"SIGINT took {stopped_s:.1f} s to stop the run"
        assert "status" in res.stdout, "no summary after SIGINT" + res.describe()
    # What the stopped run left goes by itself.
    expect_building_ttl(d, left, res.describe())

    # Right after the stop it could be another run's build: the next run
    # leaves it and copies everything.
    again = tool.copy(src, dst, "--mode", "struct", "--on-conflict", "replace")

    expect_exit(again, 0)
    expect_report(again, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
    assert tmp_keys(d) == left, (
        f"temporary keys {tmp_keys(d)}, expected only the stopped run's {left}" + again.describe())
    compare.assert_copied(c, d, keys=compare.scan_keys(c), expect_dbsize=n + len(left),
                          context=again.describe())

    # Once no chunk refreshed it for more than TMPKEY_IDLE_MS, a run's
    # clean-up removes it.
    for k in left:
        d.pexpire(k, TMPKEY_TTL_MS - TMPKEY_IDLE_MS - 5000)
    third = tool.copy(src, dst, "--mode", "struct", "--on-conflict", "replace")

    expect_exit(third, 0)
    expect_report(third, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
    assert not tmp_keys(d), f"temporary keys left: {tmp_keys(d)}" + third.describe()
    compare.assert_copied(c, d, expect_dbsize=n, context=third.describe())


# ---- two runs into one destination ---------------------------------------------------

def _wait_for_build(d, running, ignore=(), timeout=60):
    """Polls until a temporary key other than `ignore` exists; returns it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = tmp_keys(d) - set(ignore)
        if found:
            assert len(found) == 1, f"several temporary keys: {found}"
            return found.pop()
        assert running.proc.poll() is None, "the run ended before it built a big key"
        time.sleep(0.02)
    raise AssertionError("no temporary key appeared within the run")


def test_a_second_runs_clean_up_leaves_the_key_another_run_is_building_and_keys_named_like_it(
        servers, tool):
    src_a = servers.start("redis7", name="source-a")
    src_b = servers.start("redis7", name="source-b")
    dst = servers.start("redis7", name="destination")
    a, b, d = src_a.client(), src_b.client(), dst.client()
    big = b"big:list"
    bigkeys.big_list(a, big, 1_000_000)
    data.fill_strings(b, 100, prefix=b"b:")
    lookalikes = {TMP_PREFIX + b"userkey": b"mine", TMP_PREFIX + b"{x}:userkey": b"mine too"}
    for k, v in lookalikes.items():
        d.set(k, v)

    # Run A builds the big list in chunks, slowly; run B starts meanwhile
    # and cleans up before it copies.
    running = tool.start_copy(src_a, dst, "--mode", "struct", "--threads", "1",
                              "--max-ops", "100", "--on-conflict", "skip")
    try:
        tmp = _wait_for_build(d, running, ignore=lookalikes)
        expect_building_ttl(d, [tmp])
        res_b = tool.copy(src_b, dst, "--on-conflict", "skip")
        still_building = running.proc.poll() is None
        assert d.exists(tmp) or not still_building, (
            "run B removed the temporary key run A is building" + res_b.describe())
        res_a = running.finish(timeout=300)
    finally:
        running.kill()

    expect_exit(res_b, 0)
    expect_report(res_b, "ok", keys_copied=100, keys_failed=0)
    expect_exit(res_a, 0)
    expect_report(res_a, "ok", keys_scanned=1, keys_copied=1, keys_failed=0)
    assert still_building, "test set-up: run A ended before run B's clean-up"
    compare.assert_copied(a, d, expect_dbsize=1 + 100 + len(lookalikes), context=res_a.describe())
    compare.assert_copied(b, d, expect_dbsize=1 + 100 + len(lookalikes), context=res_b.describe())
    for k, v in lookalikes.items():
        assert d.get(k) == v, f"key {compare.esc(k)} was changed or removed"
    assert tmp_keys(d) == set(lookalikes), f"temporary keys left: {tmp_keys(d)}"


def _build_big(c, key, kind):
    if kind == "list":
        bigkeys.big_list(c, key, 200_000)
    elif kind == "hash":
        bigkeys.big_hash(c, key, 100_000)
    elif kind == "zset":
        bigkeys.big_zset(c, key, 100_000)
    elif kind == "stream":
        bigkeys.big_stream(c, key, 40_000)
    else:
        _distinct_string(c, key, 24 * ONE_MB)


@pytest.mark.parametrize("kind", ["list", "hash", "zset", "stream", "string"])
def test_a_temporary_key_removed_while_it_is_built_is_built_again_never_renamed_short(
        servers, tool, kind):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    big = b"big:" + kind.encode()
    _build_big(c, big, kind)
    c.pexpire(big, 6 * data.HOUR_MS)

    # Another client (an older run's clean-up, say) removes the temporary
    # key twice while the run builds it.
    running = tool.start_copy(src, dst, "--mode", "struct", "--threads", "1", "--max-ops", "20")
    removed = 0
    try:
        tmp = _wait_for_build(d, running)
        while removed < 2 and running.proc.poll() is None:
            if d.exists(tmp):  # built (again) for a while
                time.sleep(0.3)
                removed += d.unlink(tmp)
            time.sleep(0.02)
        res = running.finish(timeout=300)
    finally:
        running.kill()

    assert removed >= 1, "test set-up: the run ended before its temporary key could be removed"
    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=1, keys_copied=1, keys_failed=0)
    compare.assert_copied(c, d, expect_dbsize=1, context=res.describe())
    if kind == "stream":
        expect_streams_equal(c, d, [big], context=res.describe())
    assert not tmp_keys(d), f"temporary keys left: {tmp_keys(d)}" + res.describe()


# ---- a big key's TTL passes while it is copied -------------------------------------

def test_a_big_key_whose_ttl_passes_while_it_is_copied_in_chunks_counts_as_expired(servers, tool):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    big = b"big:list"
    bigkeys.big_list(c, big, 1_000_000)
    c.set(b"small", b"v")
    # Chunks of 2,000 elements at 50 requests a second take about 10 s;
    # the key expires a few seconds in.
    c.pexpire(big, 4000)

    res = tool.copy(src, dst, "--mode", "struct", "--threads", "1", "--max-ops", "50")

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=2, keys_copied=1, keys_expired=1, keys_skipped=0,
                  keys_failed=0)
    assert d.exists(big) == 0, "the expired key is on the destination" + res.describe()
    assert not tmp_keys(d), f"temporary keys left: {tmp_keys(d)}" + res.describe()


# ---- strings longer than one request ------------------------------------------------

def _distinct_string(c, key, nbytes, piece=512 * 1024):
    """A string of `nbytes` whose every 512 KiB piece differs from the
    others (a window copied to the wrong offset shows)."""
    c.delete(key)
    for off in range(0, nbytes, piece):
        n = min(piece, nbytes - off)
        c.append(key, ((b"<piece %d> " % off) * (n // 10 + 1))[:n])
    assert c.strlen(key) == nbytes


@pytest.mark.parametrize("kind,args", [("valkey8", ["--mode", "struct"]),
                                       ("redis7", ["--big-key-bytes", "1m"])],
                         ids=["valkey8-struct", "redis7-auto-big-key-bytes-1m"])
def test_a_20mib_string_is_copied_in_windows_into_a_destination_with_the_default_bulk_limit(
        servers, run_copy, kind, args):
    src = servers.start(kind, name="source")
    dst = servers.start(kind, name="destination")
    c, d = src.client(), dst.client()
    _distinct_string(c, b"huge:20mib", 20 * ONE_MB)
    _distinct_string(c, b"huge:9mib-ttl", 9 * ONE_MB)
    c.pexpire(b"huge:9mib-ttl", 6 * data.HOUR_MS)
    data.fill_strings(c, 100, prefix=b"s:", ttl_every=3)
    n = c.dbsize()

    res = run_copy(src, dst, *args)

    expect_equal_copy(res, c, d, n, [])
    assert by_type_commands(res) >= 2, (
        "the two big strings should go by type commands" + res.describe())
    assert d.pttl(b"huge:20mib") == -1, "the copy of a string without TTL has one"
    assert not tmp_keys(d), f"temporary keys left: {tmp_keys(d)}" + res.describe()
