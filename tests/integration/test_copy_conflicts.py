"""Keys that already exist on the destination: no policy stops before
writing; replace, skip and fail do what they say. (Acceptance item 7.)"""

import pytest

from rmtest import compare, data
from rmtest.checks import escape_key, expect_exit, expect_report, unescape_key

N_SOURCE = 1000


def _setup(servers):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    data.fill_strings(c, N_SOURCE, ttl_every=3)
    c.hset(b"hash:shared", mapping={b"a": b"source"})
    # Conflicts: same names holding other values, one of another type and
    # one with a TTL where the source has none; plus keys only the
    # destination has.
    conflicts = [b"key:%d" % i for i in range(0, N_SOURCE, 70)] + [b"hash:shared"]
    for k in conflicts[:-2]:
        d.set(k, b"destination value")
    d.rpush(conflicts[-2], b"a list where the source has a string")
    d.set(b"hash:shared", b"a string", px=3_600_000)
    only_dst = [b"dest-only:%d" % i for i in range(7)]
    for k in only_dst:
        d.set(k, b"mine")
    return src, dst, c, d, conflicts, only_dst


def test_without_a_policy_a_non_empty_destination_stops_the_run_before_any_write(servers, run_copy):
    src, dst, c, d, conflicts, only_dst = _setup(servers)
    before = compare.snapshot(dst)

    res = run_copy(src, dst)

    expect_exit(res, 2)
    assert any("--on-conflict" in l for l in res.stderr.splitlines()), (
        "no line on stderr tells about --on-conflict" + res.describe())
    problems = compare.diff_snapshots(before, compare.snapshot(dst))
    assert not problems, f"the destination changed: {problems[:10]}" + res.describe()
    if res.report is not None:
        assert res.report["status"] == "failed", res.describe()


def test_on_conflict_replace_makes_the_source_value_win(servers, run_copy):
    src, dst, c, d, conflicts, only_dst = _setup(servers)

    res = run_copy(src, dst, "--on-conflict", "replace")

    expect_exit(res, 0)
    n = c.dbsize()
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0, keys_skipped=0)
    compare.assert_copied(c, d, expect_dbsize=n + len(only_dst))
    assert all(d.get(k) == b"mine" for k in only_dst)


def test_on_conflict_skip_keeps_existing_keys_and_counts_them_skipped(servers, run_copy):
    src, dst, c, d, conflicts, only_dst = _setup(servers)
    before = compare.snapshot(dst)

    res = run_copy(src, dst, "--on-conflict", "skip")

    expect_exit(res, 0)
    n = c.dbsize()
    expect_report(res, "ok", keys_scanned=n, keys_skipped=len(conflicts),
                  keys_copied=n - len(conflicts), keys_failed=0)
    after = compare.snapshot(dst)
    problems = compare.diff_snapshots(before, {k: after[k] for k in before if k in after})
    assert not problems, f"pre-existing keys changed under skip: {problems[:10]}"
    others = compare.scan_keys(c) - set(conflicts)
    compare.assert_copied(c, d, keys=others, expect_dbsize=n + len(only_dst))


@pytest.mark.sanitize
def test_on_conflict_fail_keeps_existing_keys_names_them_and_exits_3(servers, run_copy):
    src, dst, c, d, conflicts, only_dst = _setup(servers)
    before = compare.snapshot(dst)

    res = run_copy(src, dst, "--on-conflict", "fail")

    expect_exit(res, 3)
    n = c.dbsize()
    r = expect_report(res, "partial", keys_scanned=n, keys_failed=len(conflicts),
                      keys_copied=n - len(conflicts), keys_skipped=0)
    listed = [unescape_key(f["key"]) for f in r["failed_keys"]]
    assert sorted(listed) == sorted(conflicts), (
        f"failed_keys {r['failed_keys'][:5]}..., expected {[escape_key(k) for k in conflicts][:5]}...")
    for k in conflicts:
        assert escape_key(k) in res.stdout, (
            f"the summary does not name {escape_key(k)}" + res.describe())
    after = compare.snapshot(dst)
    problems = compare.diff_snapshots(before, {k: after[k] for k in before if k in after})
    assert not problems, f"pre-existing keys changed under fail: {problems[:10]}"
    others = compare.scan_keys(c) - set(conflicts)
    compare.assert_copied(c, d, keys=others, expect_dbsize=n + len(only_dst))
