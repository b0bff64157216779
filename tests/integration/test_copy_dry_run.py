"""--dry-run reads and counts but writes nothing, and reports a non-empty
destination instead of stopping. (Acceptance item 10.)"""

from rmtest import compare, data
from rmtest.checks import (expect_exit, expect_report, reset_stats,
                           write_commands_seen)


def test_dry_run_writes_nothing_and_exits_0_with_the_counts(pair, run_copy):
    src, dst = pair
    c = src.client()
    data.fill_all_types(c, src.kind, ttl=True)
    data.fill_strings(src.client(db=4), 300)
    n = c.dbsize() + 300
    reset_stats(dst)

    res = run_copy(src, dst, "--dry-run")

    expect_exit(res, 0)
    r = expect_report(res, "ok", keys_scanned=n, keys_failed=0)
    assert r.get("dry_run") is True, "the report does not say it was a dry run" + res.describe()
    assert compare.dbsizes(dst) == {}, f"a dry run wrote keys: {compare.dbsizes(dst)}" + res.describe()
    writes = write_commands_seen(dst)
    assert not writes, f"a dry run sent write commands to the destination: {writes}" + res.describe()


def test_dry_run_on_a_non_empty_destination_without_a_policy_says_so_and_exits_0(servers, run_copy):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    data.fill_strings(src.client(), 200)
    dst.client().set(b"key:5", b"already here")
    dst.client().set(b"other", b"1")
    before = compare.snapshot(dst)

    res = run_copy(src, dst, "--dry-run")

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=200, keys_failed=0)
    said = [l for l in (res.stderr + res.stdout).splitlines() if "--on-conflict" in l]
    assert said, "the dry run does not report that a real run would stop (--on-conflict)" + res.describe()
    assert compare.diff_snapshots(before, compare.snapshot(dst)) == [], "the dry run changed the destination"
