"""SIGINT or SIGTERM stops a copy within 2 s with exit 130, the summary
and an "interrupted" report, leaving only whole keys behind.
(Acceptance item 13.)"""

import signal
import time

import pytest

from rmtest import compare, data
from rmtest.checks import expect_exit, expect_report, wait_for


@pytest.mark.sanitize
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_copy_within_2s_with_exit_130_and_only_whole_keys(servers, tool, sig):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    data.fill_all_types(c, "redis7", prefix=b"big:", ttl=True)
    data.populate(c, 30_000)
    total = c.dbsize()

    run = tool.start_copy(src, dst, "--max-ops", "3000", "--threads", "2")
    wait_for(lambda: d.dbsize() > 0 or run.proc.poll() is not None, 30,
             "the first key on the destination")
    time.sleep(0.5)
    assert run.proc.poll() is None, "the copy ended before the signal" + run.finish().describe()
    t0 = time.monotonic()
    run.signal(sig)
    res = run.finish(timeout=15)
    took = time.monotonic() - t0

    expect_exit(res, 130)
    assert took <= 2.0, f"the copy took {took:.2f} s to stop after {sig.name}" + res.describe()
    r = expect_report(res, "interrupted", keys_failed=0)
    assert "interrupted" in res.stdout, "no summary on stdout" + res.describe()
    on_dst = compare.scan_keys(d)
    assert 0 < len(on_dst) < total, f"{len(on_dst)} of {total} keys copied: not a mid-run stop"
    # Every key that arrived is whole and equal; each was counted.
    compare.assert_copied(c, d, keys=on_dst, context=" after the interrupt")
    assert r["keys_copied"] == len(on_dst), (
        f"report keys_copied {r['keys_copied']}, destination holds {len(on_dst)}" + res.describe())


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_a_silent_source_holds_the_set_up_stops_it_within_2s_with_exit_130(
        servers, tool, sig):
    """A source that accepts connections and never answers keeps the set-up
    waiting (30 s reply timeout); a signal must still end the run at once,
    with the summary, exit 130, and nothing written."""
    import socket
    import threading

    dst = servers.start("redis7", name="destination")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        port = listener.getsockname()[1]
        run = tool.start_copy(f"redis://127.0.0.1:{port}", dst, progress="none")
        wait_for(lambda: held, 10, "the tool's connection to the silent source")
        time.sleep(0.3)
        run.signal(sig)
        sent = time.monotonic()
        res = run.finish(30)
        took = time.monotonic() - sent
    finally:
        stop.set()
        t.join(timeout=5)
        for c in held:
            c.close()
        listener.close()

    assert took < 2, f"the tool took {took:.1f} s to stop" + res.describe()
    expect_exit(res, 130)
    assert "interrupted" in res.stdout, "no summary on stdout" + res.describe()
    expect_report(res, "interrupted")
    assert dst.client().dbsize() == 0, res.describe()
