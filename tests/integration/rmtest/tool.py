"""Runs the redis-migrate binary the way an operator would, in a clean
environment and a fresh working directory, and collects what it said.

Every run gets its own folder (cwd, HOME and the report file), so that no
stray .env or REDIS_* variable from outside reaches the tool. Only the
sanitizer variables (ASAN_OPTIONS and friends) and what the test passes in
`env` are added to a minimal environment.
"""

import json
import os
import re
import signal
import subprocess
import time

BASE_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "AWS_EC2_METADATA_DISABLED": "true",
}
PASSED_THROUGH = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS", "LSAN_OPTIONS")

LOG_LINE = re.compile(
    r"^(?:\r?\x1b\[K)?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[[^\]]*\] "
    r"(error|warn|info|debug): "
)


def _endpoint_arg(x):
    if x is None:
        return None
    if isinstance(x, (str, bytes)):
        return x
    return x.uri()


def _tail(text, n=3000):
    return text if len(text) <= n else "...(cut)...\n" + text[-n:]


class ToolResult:
    """What one run left: exit code, stdout and stderr (text, bytes kept
    too), and the parsed --report JSON (None when no report was written).
    Unpacks as (code, stdout, stderr, report)."""

    def __init__(self, argv, code, out, err, report, report_text, elapsed, rundir):
        self.argv = argv
        self.code = code
        self.stdout_bytes = out
        self.stderr_bytes = err
        self.stdout = out.decode("utf-8", "replace")
        self.stderr = err.decode("utf-8", "replace")
        self.report = report
        self.report_text = report_text
        self.elapsed = elapsed
        self.rundir = rundir

    def __iter__(self):
        return iter((self.code, self.stdout, self.stderr, self.report))

    def describe(self):
        argv = " ".join(
            a.decode("utf-8", "backslashreplace") if isinstance(a, bytes) else a
            for a in self.argv
        )
        report = json.dumps(self.report, indent=1) if self.report else "(none)"
        return (
            f"\n  command: {argv}\n  exit code: {self.code} after "
            f"{self.elapsed:.2f} s\n  --- stdout:\n{_tail(self.stdout)}\n"
            f"  --- stderr:\n{_tail(self.stderr)}\n  --- report:\n{_tail(report)}"
        )

    def log_lines(self, level):
        return [l for l in self.stderr.splitlines() if (m := LOG_LINE.match(l)) and m.group(1) == level]

    def error_lines(self):
        """Lines of stderr that are neither warn/info/debug log lines nor
        blank: the error message(s) the tool printed."""
        out = []
        for line in self.stderr.splitlines():
            m = LOG_LINE.match(line)
            if m and m.group(1) != "error":
                continue
            if not line.strip():
                continue
            out.append(line)
        return out

    def counts(self):
        r = self.report or {}
        return {k: r.get(k) for k in (
            "keys_scanned", "keys_copied", "keys_skipped", "keys_expired",
            "keys_failed")}


class Tool:
    """The binary under test plus a place to make run folders."""

    def __init__(self, binary, workroot):
        self.binary = binary
        self.workroot = str(workroot)
        self.runs = 0

    def _rundir(self):
        self.runs += 1
        d = os.path.join(self.workroot, f"run-{self.runs:03d}")
        os.makedirs(os.path.join(d, "cwd"), exist_ok=True)
        os.makedirs(os.path.join(d, "home"), exist_ok=True)
        return d

    def env(self, rundir, extra=None):
        env = dict(BASE_ENV)
        env["HOME"] = os.path.join(rundir, "home")
        for k in PASSED_THROUGH:
            if k in os.environ:
                env[k] = os.environ[k]
        if extra:
            for k, v in extra.items():
                if v is None:
                    env.pop(k, None)
                else:
                    env[k] = v
        return env

    def _argv(self, command, src, dst, args, progress, report_path):
        argv = [self.binary]
        if command:
            argv.append(command)
        s, d = _endpoint_arg(src), _endpoint_arg(dst)
        if s is not None:
            argv += ["--source", s]
        if d is not None:
            argv += ["--dest", d]
        if progress is not None:
            argv += ["--progress", progress]
        if report_path is not None:
            argv += ["--report", report_path]
        argv += list(args)
        return argv

    def start(self, command, src, dst, *args, env=None, cwd=None,
              progress="plain", report=True, **popen):
        """Starts a run and returns a Running handle."""
        rundir = self._rundir()
        report_path = os.path.join(rundir, "report.json") if report else None
        argv = self._argv(command, src, dst, args, progress, report_path)
        popen.setdefault("stdout", subprocess.PIPE)
        popen.setdefault("stderr", subprocess.PIPE)
        proc = subprocess.Popen(
            argv,
            stdin=popen.pop("stdin", subprocess.DEVNULL),
            cwd=cwd or os.path.join(rundir, "cwd"),
            env=self.env(rundir, env),
            **popen,
        )
        return Running(proc, argv, report_path, rundir)

    def run(self, command, src, dst, *args, timeout=180, **kw):
        return self.start(command, src, dst, *args, **kw).finish(timeout)

    def copy(self, src, dst, *args, **kw):
        return self.run("copy", src, dst, *args, **kw)

    def start_copy(self, src, dst, *args, **kw):
        return self.start("copy", src, dst, *args, **kw)

    def verify(self, src, dst, *args, **kw):
        return self.run("verify", src, dst, *args, **kw)

    def rundir_cwd(self):
        """A fresh run folder's cwd, for tests that put a .env there first;
        pass it back as cwd=."""
        return os.path.join(self._rundir(), "cwd")


class Running:
    def __init__(self, proc, argv, report_path, rundir):
        self.proc = proc
        self.argv = argv
        self.report_path = report_path
        self.rundir = rundir
        self.t0 = time.monotonic()

    def signal(self, sig=signal.SIGINT):
        self.proc.send_signal(sig)

    def finish(self, timeout=180):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            res = self._result(out, err)
            raise AssertionError(
                f"redis-migrate did not finish within {timeout} s (killed)"
                + res.describe())
        return self._result(out, err)

    def _result(self, out, err):
        report, text = None, None
        if self.report_path and os.path.exists(self.report_path):
            with open(self.report_path, "rb") as f:
                raw = f.read()
            text = raw.decode("utf-8", "replace")
            try:
                report = json.loads(raw)
            except ValueError as e:
                report = {"_unparsable_report": str(e), "_text": text}
        return ToolResult(self.argv, self.proc.returncode, out or b"", err or b"",
                          report, text, time.monotonic() - self.t0, self.rundir)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
