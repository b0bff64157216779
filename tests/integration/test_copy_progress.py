"""Progress goes to stderr (JSON lines with --progress json, a live line
with a percent on a terminal, no terminal codes elsewhere); the summary
goes to stdout. (Acceptance item 14.)"""

import json
import os
import pty
import re
import select
import time

from rmtest import data
from rmtest.checks import expect_exit, expect_report
from rmtest.tool import LOG_LINE

COUNTERS = ("keys_scanned", "keys_copied", "keys_skipped", "keys_expired", "keys_failed")


def _slow_source(servers, n=6000):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    data.populate(src.client(), n)
    return src, dst


def test_progress_json_prints_parsable_lines_with_counters_and_elapsed_seconds_on_stderr(servers, run_copy):
    src, dst = _slow_source(servers)

    res = run_copy(src, dst, "--max-ops", "2500", "--threads", "1", progress="json")

    expect_exit(res, 0)
    r = expect_report(res, "ok", keys_copied=6000)
    objs = []
    for line in res.stderr.splitlines():
        if not line.strip() or LOG_LINE.match(line):
            continue
        try:
            objs.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"a stderr line is neither a log line nor JSON: {line!r}" + res.describe())
    assert len(objs) >= 2, f"expected several JSON progress lines in a {res.elapsed:.1f} s run" + res.describe()
    prev = None
    for o in objs:
        assert isinstance(o, dict), o
        missing = [k for k in COUNTERS + ("bytes_copied", "elapsed_seconds") if k not in o]
        assert not missing, f"a progress line lacks {missing}: {o}"
        assert all(isinstance(o[k], int) and o[k] >= 0 for k in COUNTERS), o
        assert isinstance(o["elapsed_seconds"], (int, float)), o
        if prev:
            assert o["elapsed_seconds"] >= prev["elapsed_seconds"], (prev, o)
            assert all(o[k] >= prev[k] for k in COUNTERS), f"a counter went back: {prev} -> {o}"
        assert all(o[k] <= r[k] for k in COUNTERS), f"progress {o} beyond the final report"
        prev = o
    assert not any(l.lstrip().startswith("{") for l in res.stdout.splitlines()), (
        "JSON progress reached stdout" + res.describe())
    assert "6,000" in res.stdout or "6000" in res.stdout, "no summary on stdout" + res.describe()


def test_without_a_terminal_progress_has_no_terminal_control_codes(servers, run_copy):
    src, dst = _slow_source(servers, n=3000)
    res = run_copy(src, dst, "--max-ops", "2500", progress=None)
    expect_exit(res, 0)
    assert "\r" not in res.stderr and "\x1b[" not in res.stderr, (
        "progress drew a live line on a pipe" + res.describe())


def _run_on_pty(tool, src, dst, *args, timeout=60):
    """Runs copy with stdin and stderr on a pseudo-terminal (stdout a pipe);
    returns (exit code, terminal output, stdout)."""
    master, slave = pty.openpty()
    run = tool.start_copy(src, dst, *args, progress=None, stdin=slave, stderr=slave)
    os.close(slave)
    seen = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the other side closed
                    chunk = b""
                if not chunk and run.proc.poll() is not None:
                    break
                seen += chunk
            elif run.proc.poll() is not None:
                break
        else:
            run.kill()
            raise AssertionError("the copy on a terminal did not finish in time")
        out, _ = run.proc.communicate(timeout=30)
    finally:
        os.close(master)
    return run.proc.returncode, seen.decode("utf-8", "replace"), (out or b"").decode("utf-8", "replace")


def test_on_a_terminal_the_default_progress_draws_a_live_line_with_a_percent(servers, tool):
    src, dst = _slow_source(servers)

    code, term, out = _run_on_pty(tool, src, dst, "--max-ops", "2500", "--threads", "1")

    assert code == 0, f"exit {code}\nterminal:\n{term[-2000:]}\nstdout:\n{out}"
    assert "%" in term, f"no percent on the terminal:\n{term[-2000:]!r}"
    # The terminal turns each "\n" into "\r\n": a live line is a "\r" that
    # is not the start of a line end.
    assert re.search(r"\r(?!\n)", term), f"the progress line is not redrawn in place:\n{term[-2000:]!r}"
    assert "6,000" in out or "6000" in out, f"no summary on stdout:\n{out}"
