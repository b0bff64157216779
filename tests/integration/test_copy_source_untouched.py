"""The source is only read: no key, value or TTL changes, no write command
reaches it, and where the server has CLIENT NO-TOUCH the keys' LRU/LFU
data is left alone. (Acceptance item 11.)"""

import time

import pytest
import redis

from rmtest import compare, data
from rmtest.checks import (dirty, expect_exit, expect_report, reset_stats,
                           write_commands_seen)


def _keyspace(server):
    """INFO keyspace without avg_ttl, which is a moving estimate."""
    return {db: (v["keys"], v["expires"]) for db, v in server.client().info("keyspace").items()}


@pytest.mark.sanitize
def test_the_source_keeps_every_key_value_and_ttl_and_sees_no_write(pair, run_copy):
    src, dst = pair
    data.fill_all_types(src.client(), src.kind, prefix=b"p:")
    data.fill_all_types(src.client(), src.kind, prefix=b"t:", ttl=True)
    data.fill_strings(src.client(db=2), 2000, ttl_every=2)
    before = compare.snapshot(src)
    keyspace = _keyspace(src)
    changes = dirty(src)
    reset_stats(src)

    res = run_copy(src, dst)

    expect_exit(res, 0)
    assert write_commands_seen(src) == {}, (
        f"write commands reached the source: {write_commands_seen(src)}" + res.describe())
    assert dirty(src) == changes, "the source counted changes during the copy"
    assert _keyspace(src) == keyspace
    problems = compare.diff_snapshots(before, compare.snapshot(src))
    assert not problems, f"the source changed: {problems[:10]}"
    for db in (0, 2):
        compare.assert_copied(src.client(db=db), dst.client(db=db))


def _has_no_touch(server):
    try:
        return server.client().execute_command("CLIENT", "NO-TOUCH", "on") in (b"OK", "OK", True)
    except redis.exceptions.ResponseError:
        return False


def _skip_without_no_touch(src):
    if not _has_no_touch(src):
        pytest.skip(f"{src.kind} {src.version()} has no CLIENT NO-TOUCH (added in Redis 7.2), "
                    "so no client can read its keys without updating LRU/LFU data")


def _object_all(c, sub, keys):
    p = c.pipeline(transaction=False)
    for k in keys:
        p.object(sub, k)
    return dict(zip(keys, p.execute()))


@pytest.mark.parametrize("kind", ["redis7", "valkey8"])
def test_lfu_counters_on_the_source_do_not_move(servers, run_copy, kind):
    src = servers.start(kind, "maxmemory-policy allkeys-lfu", name="source")
    dst = servers.start(kind, name="destination")
    _skip_without_no_touch(src)
    c = src.client()
    data.fill_all_types(c, kind, ttl=True)
    data.fill_strings(c, 500)
    keys = sorted(compare.scan_keys(c))
    before = _object_all(c, "freq", keys)
    # The probe is sensitive: one ordinary read of a fresh key (counter at
    # its initial value) always raises its counter.
    c.set(b"control", b"1")
    f0 = c.object("freq", b"control")
    c.get(b"control")
    assert c.object("freq", b"control") > f0
    c.delete(b"control")

    res = run_copy(src, dst)

    expect_exit(res, 0)
    after = _object_all(c, "freq", keys)
    moved = [(k, before[k], after[k]) for k in keys if after[k] != before[k]]
    assert not moved, (f"{len(moved)} LFU counters changed on the source (key, before, after): "
                       f"{moved[:5]}" + res.describe())
    compare.assert_copied(c, dst.client())


@pytest.mark.parametrize("kind", ["redis7", "valkey8"])
def test_idle_time_of_source_keys_is_not_reset_by_the_copy(servers, run_copy, kind):
    src = servers.start(kind, name="source")
    dst = servers.start(kind, name="destination")
    _skip_without_no_touch(src)
    c = src.client()
    data.fill_all_types(c, kind)
    data.fill_strings(c, 300, ttl_every=2)
    c.set(b"control", b"1")
    time.sleep(2.5)  # OBJECT IDLETIME counts whole seconds
    keys = sorted(k for k in compare.scan_keys(c) if k != b"control")
    before = _object_all(c, "idletime", keys)
    assert min(before.values()) >= 2
    c.get(b"control")
    assert c.object("idletime", b"control") == 0, "the idle-time probe is not sensitive"

    res = run_copy(src, dst)

    expect_exit(res, 0)
    expect_report(res, "ok", keys_failed=0)
    after = _object_all(c, "idletime", keys)
    reset = [(k, before[k], after[k]) for k in keys if after[k] < before[k]]
    assert not reset, (f"{len(reset)} source keys had their idle time reset (key, before, after): "
                       f"{reset[:5]}" + res.describe())
