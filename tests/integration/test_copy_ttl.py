"""TTLs are kept as absolute deadlines, persistent keys stay persistent,
keys that expire during the run are counted as expired and never come
back. (Acceptance items 3, 4 and 6.)

Several tests hold the destination's writes for a while with CLIENT PAUSE
WRITE: a RESTORE sent then is answered late, which is how a long copy
looks to a key. A tool that turned the source's remaining TTL into a
relative TTL at write time would end up that much late.
"""

import random
import time

import pytest

from rmtest import compare, data
from rmtest.checks import expect_exit, expect_report, pause_writes, wait_for


def _hold_writes_once_copy_writes(run, dst, ms=1500):
    """Waits for the first key on the destination, then pauses its writes
    for `ms`. Returns whether the pause began while the run was going."""
    d = dst.client()
    wait_for(lambda: d.dbsize() > 0 or run.proc.poll() is not None, 60,
             "the first key on the destination")
    if run.proc.poll() is not None:
        return False
    d.execute_command("CLIENT", "PAUSE", ms, "WRITE")
    return True


@pytest.mark.slow
@pytest.mark.parametrize("kinds", [("redis7", "redis7"), ("valkey8", "valkey8"), ("redis7", "valkey8")],
                         ids=["redis7->redis7", "valkey8->valkey8", "redis7->valkey8"])
def test_200k_keys_alternating_ttl_and_no_ttl_keep_deadlines_within_1s_and_persistent_keys_persistent(
        servers, tool, kinds):
    src = servers.start(kinds[0], name="source")
    dst = servers.start(kinds[1], name="destination")
    c, d = src.client(), dst.client()
    n = 200_000
    # Every odd key has a TTL of 1 to 24 hours: every batch mixes both.
    with_ttl = data.fill_strings(c, n, ttl_every=2)
    assert len(with_ttl) == n // 2

    run = tool.start_copy(src, dst)
    _hold_writes_once_copy_writes(run, dst)
    res = run.finish(240)

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_skipped=0,
                  keys_expired=0, keys_failed=0)
    states = compare.assert_copied(c, d, expect_dbsize=n)
    assert sum(1 for st in states.values() if st[2] == -1) == n - len(with_ttl)
    # The same from the destination's own view: PTTL -1 on every persistent key.
    persistent = sorted(k for k in states if k not in with_ttl)
    p = d.pipeline(transaction=False)
    for k in persistent:
        p.pttl(k)
    gained = [k for k, t in zip(persistent, p.execute()) if t != -1]
    assert not gained, f"{len(gained)} persistent keys have a TTL on the destination, e.g. {gained[:5]}"


def _src_deadlines(c, keys):
    p = c.pipeline(transaction=False)
    for k in keys:
        p.execute_command("PEXPIRETIME", k)
    return dict(zip(keys, p.execute()))


def test_keys_expiring_mid_run_are_counted_expired_and_none_outlives_its_source_deadline(servers, tool):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    rng = random.Random(4)
    keep = [b"keep:%d" % i for i in range(500)]
    short = [b"short:%d" % i for i in range(5000)]
    p = c.pipeline(transaction=False)
    for k in keep:
        p.set(k, b"persistent " + k)
    for k in short:
        p.set(k, b"short-lived " + k, px=rng.randint(50, 500))
    p.execute()
    deadlines = _src_deadlines(c, short)

    # Writes are held 150 ms out of every 300, so that some keys read in
    # time reach their deadline while their RESTORE waits for an answer.
    run = tool.start_copy(src, dst, "--max-ops", "2000", "--threads", "1", "--scan-count", "100")
    with pause_writes(d, 150, 0.3):
        res = run.finish(120)

    expect_exit(res, 0)
    r = expect_report(res, "ok", keys_failed=0)
    assert r["keys_expired"] > 0, "no key was counted as expired" + res.describe()
    assert len(keep) <= r["keys_copied"] and r["keys_scanned"] <= len(keep) + len(short), res.describe()

    # Every short key's source deadline has passed by more than 1 s: on the
    # destination each must be gone (PEXPIRETIME -2 also expires it lazily).
    last = max(v for v in deadlines.values() if v > 0)
    now_ms = lambda: int(time.time() * 1000)
    if now_ms() < last + 1100:
        time.sleep((last + 1100 - now_ms()) / 1000)
    after = _src_deadlines(d, short)
    lost_ttl = [k for k, v in after.items() if v == -1]
    outlived = [(k, deadlines[k], v) for k, v in after.items() if v >= 0]
    assert not lost_ttl, f"{len(lost_ttl)} short-lived keys lost their TTL on the destination: {lost_ttl[:5]}"
    assert not outlived, (f"{len(outlived)} keys outlive their source deadline on the destination "
                          f"(key, source deadline, destination deadline): {outlived[:5]}")
    compare.assert_copied(c, d, keys=keep, expect_dbsize=len(keep))


@pytest.mark.parametrize("kind", ["redis7", "valkey8"])
def test_without_pexpiretime_on_the_source_deadlines_read_through_pttl_stay_within_1s(servers, tool, kind):
    src = servers.start(kind, 'rename-command PEXPIRETIME ""', name="source")
    dst = servers.start(kind, name="destination")
    assert not src.has_command("PEXPIRETIME") and dst.has_command("PEXPIRETIME")
    c, d = src.client(), dst.client()
    data.fill_all_types(c, kind, prefix=b"persistent:")
    data.fill_all_types(c, kind, prefix=b"volatile:", ttl=True)
    data.fill_strings(c, 20_000, ttl_every=2)
    n = c.dbsize()

    run = tool.start_copy(src, dst, "--max-ops", "20000")
    _hold_writes_once_copy_writes(run, dst)
    res = run.finish(120)

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
    compare.assert_copied(c, d, expect_dbsize=n, src_pexpiretime=False)
