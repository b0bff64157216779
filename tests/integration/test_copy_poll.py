"""With RM_FORCE_POLL=1 the engine skips io_uring, says so once, and copies
the same. (Acceptance item 15.)"""

import pytest

from rmtest import compare, data
from rmtest.checks import expect_exit, expect_report


@pytest.mark.sanitize
@pytest.mark.parametrize("kinds", [("redis7", "redis7"), ("redis7", "valkey8")],
                         ids=["redis7->redis7", "redis7->valkey8"])
def test_forced_poll_loop_prints_one_notice_and_copies_mixed_data_equal(servers, run_copy, kinds):
    src = servers.start(kinds[0], name="source")
    dst = servers.start(kinds[1], name="destination")
    c = src.client()
    data.fill_all_types(c, kinds[0], prefix=b"p:")
    data.fill_all_types(c, kinds[0], prefix=b"t:", ttl=True)
    data.fill_binary_names(c)
    data.fill_strings(c, 20_000, ttl_every=3)
    n = c.dbsize()

    res = run_copy(src, dst, "--threads", "2", env={"RM_FORCE_POLL": "1"})

    expect_exit(res, 0)
    notices = [l for l in res.stderr.splitlines() if "poll" in l.lower()]
    assert len(notices) == 1, f"expected one notice about the poll loop, got {notices}" + res.describe()
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
    compare.assert_copied(c, dst.client(), expect_dbsize=n)
