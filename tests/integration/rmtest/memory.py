"""The tool's peak memory during a run: the high-water mark of resident
memory of the redis-migrate process itself (not of the Python test that
started it).

With /usr/bin/time, the run goes through a small wrapper script that execs
`time -v`, whose "Maximum resident set size" is the child's ru_maxrss.
Without it, VmHWM of /proc/PID/status is polled every 10 ms until the
process exits (VmHWM only grows, so polling misses at most the last 10 ms
of growth).
"""

import os
import re
import time

from .tool import Tool

MIB = 1024


def _with_time(rm_bin, workdir, command, src, dst, args, timeout, kw):
    os.makedirs(workdir, exist_ok=True)
    out = os.path.join(workdir, "time.txt")
    wrapper = os.path.join(workdir, "timed-redis-migrate")
    with open(wrapper, "w") as f:
        f.write(f"#!/bin/sh\nexec /usr/bin/time -v -o '{out}' '{rm_bin}' \"$@\"\n")
    os.chmod(wrapper, 0o755)
    res = Tool(wrapper, os.path.join(workdir, "runs")).run(
        command, src, dst, *args, timeout=timeout, **kw)
    try:
        with open(out) as f:
            text = f.read()
    except OSError as e:
        raise AssertionError(f"/usr/bin/time wrote no report ({e})" + res.describe())
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    assert m, f"/usr/bin/time gave no peak RSS:\n{text}" + res.describe()
    return res, int(m.group(1)), "/usr/bin/time -v"


def _by_polling(rm_bin, workdir, command, src, dst, args, timeout, kw):
    run = Tool(rm_bin, os.path.join(workdir, "runs")).start(command, src, dst, *args, **kw)
    path = f"/proc/{run.proc.pid}/status"
    peak = 0
    while run.proc.poll() is None:
        try:
            with open(path) as f:
                m = re.search(r"^VmHWM:\s+(\d+) kB", f.read(), re.M)
            if m:
                peak = max(peak, int(m.group(1)))
        except OSError:
            break
        time.sleep(0.01)
    return run.finish(timeout), peak, "VmHWM polled every 10 ms"


def run_measured(rm_bin, workdir, command, src, dst, *args, timeout=600, **kw):
    """Runs `redis-migrate COMMAND` like Tool.run and returns
    (result, peak RSS in KiB, how it was measured)."""
    workdir = str(workdir)
    if os.access("/usr/bin/time", os.X_OK):
        return _with_time(rm_bin, workdir, command, src, dst, args, timeout, kw)
    return _by_polling(rm_bin, workdir, command, src, dst, args, timeout, kw)
