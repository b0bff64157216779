"""Assertions on a run's exit status, report and output, the escaped form
of key names, and background activity (write pauses, churn) that tests
overlap with a copy."""

import re
import threading
import time

COUNTERS = ("keys_scanned", "keys_copied", "keys_skipped", "keys_expired", "keys_failed")


def expect_exit(res, code):
    assert res.code == code, f"exit status {res.code}, expected {code}" + res.describe()


def expect_report(res, status, **counts):
    """The report exists, has `status`, the given counters, and its counters
    add up: scanned = copied + skipped + expired + failed."""
    r = res.report
    assert r is not None, "no --report file was written" + res.describe()
    assert "_unparsable_report" not in r, "the report is not valid JSON" + res.describe()
    missing = [k for k in COUNTERS + ("status", "bytes_copied", "elapsed_seconds",
                                      "keys_per_second") if k not in r]
    assert not missing, f"the report lacks {missing}" + res.describe()
    assert r["status"] == status, f"report status {r['status']!r}, expected {status!r}" + res.describe()
    for k, v in counts.items():
        assert r[k] == v, f"report {k} = {r[k]}, expected {v}" + res.describe()
    parts = r["keys_copied"] + r["keys_skipped"] + r["keys_expired"] + r["keys_failed"]
    assert r["keys_scanned"] == parts, (
        f"report counters do not add up: scanned {r['keys_scanned']} != copied + "
        f"skipped + expired + failed = {parts}" + res.describe())
    return r


def expect_secret_absent(res, *secrets):
    places = {"stdout": res.stdout_bytes, "stderr": res.stderr_bytes,
              "report": (res.report_text or "").encode()}
    for secret in secrets:
        for where, text in places.items():
            assert secret.encode() not in text, (
                f"the secret {secret!r} appears in {where}" + res.describe())


# ---- escaped key names --------------------------------------------------

def escape_key(raw):
    """The contract's form: printable ASCII as is, backslash as \\\\, any
    other byte \\xNN (lowercase hex, as core/escape.h says)."""
    out = []
    for b in raw:
        if b == 0x5C:
            out.append("\\\\")
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append(f"\\x{b:02x}")
    return "".join(out)


_PIECE = re.compile(r"\\\\|\\x[0-9a-fA-F]{2}|[\x20-\x5b\x5d-\x7e]")


def unescape_key(s):
    """The raw bytes of an escaped name, or None when `s` is not in the
    escaped form (a raw control byte, a lone backslash, non-ASCII...).
    Hex digits of either case are accepted."""
    out = bytearray()
    pos = 0
    while pos < len(s):
        m = _PIECE.match(s, pos)
        if not m:
            return None
        p = m.group(0)
        if p == "\\\\":
            out.append(0x5C)
        elif p.startswith("\\x"):
            b = int(p[2:], 16)
            if 0x20 <= b < 0x7F and b != 0x5C:
                return None  # printable bytes must appear as themselves
            out.append(b)
        else:
            out.append(ord(p))
        pos = m.end()
    return bytes(out)


# ---- activity beside a run ------------------------------------------------

class Background:
    """Runs `step()` in a loop on a thread until stopped; re-raises the
    thread's exception on stop()."""

    def __init__(self, step, interval=0.0):
        self.step = step
        self.interval = interval
        self.stop_flag = threading.Event()
        self.error = None
        self.rounds = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        try:
            while not self.stop_flag.is_set():
                self.step()
                self.rounds += 1
                if self.interval:
                    self.stop_flag.wait(self.interval)
        except Exception as e:  # reported by stop()
            self.error = e

    def __enter__(self):
        self.thread.start()
        return self

    def stop(self):
        self.stop_flag.set()
        self.thread.join(timeout=30)
        if self.error:
            raise self.error

    def __exit__(self, *exc):
        self.stop()


def pause_writes(client, ms, every_s):
    """Background: CLIENT PAUSE `ms` WRITE on a server every `every_s`
    seconds, so that writes sent meanwhile are answered late. A new pause
    extends one still running: `every_s` must leave a gap."""
    assert every_s * 1000 > ms, "pauses back to back would hold writes for good"
    return Background(lambda: client.execute_command("CLIENT", "PAUSE", ms, "WRITE"),
                      interval=every_s)


def wait_for(predicate, timeout, what, interval=0.02):
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


# ---- what a server was asked ----------------------------------------------

def reset_stats(server):
    server.client().config_resetstat()


def write_commands_seen(server):
    """Commands flagged `write` that INFO commandstats counts since the last
    CONFIG RESETSTAT, as {name: calls}."""
    from .compare import raw
    c = server.client()
    seen = {}
    for name, stats in c.info("commandstats").items():
        cmd = name[len("cmdstat_"):]
        base = cmd.split("|")[0]
        info = raw(c, "COMMAND", "INFO", base)
        if not info or not info[0]:
            continue
        flags = {f.decode() if isinstance(f, bytes) else f for f in info[0][2]}
        if "write" in flags:
            seen[cmd] = stats.get("calls")
    return seen


def dirty(server):
    """Changes since the last save: grows with every write the server takes."""
    return server.client().info("persistence")["rdb_changes_since_last_save"]


def table_state(client, db=0):
    """(table sizes, rehashing?) of a db's main dict, from DEBUG HTSTATS."""
    text = client.execute_command("DEBUG", "HTSTATS", db)
    text = (text.decode() if isinstance(text, bytes) else text).split("[Expires HT]")[0]
    sizes = tuple(int(s) for s in re.findall(r"Hash table \d stats[^\n]*:\n table size: (\d+)", text))
    return sizes, "rehashing target" in text


def watch_table(client, db=0, every_s=0.02):
    """Background: samples table_state() into `.seen` (a set)."""
    seen = set()
    bg = Background(lambda: seen.add(table_state(client, db)), interval=every_s)
    bg.seen = seen
    return bg


# ---- verify's report ------------------------------------------------------

DIFF_KINDS = ("missing", "extra", "type", "value", "ttl")
VERIFY_FIELDS = ("status", "keys_compared", "keys_equal", "differences", "diffs",
                 "elapsed_seconds")


def check_verify_fields(v, res, where="the verify report"):
    """The fields of a verify report (or of copy --verify's "verify"
    object) are there and agree with each other: a count per kind, the
    listed diffs with a valid kind, an escaped key and a detail, as many
    listed of each kind as counted (when fewer than 1,000 in all), and no
    more keys equal than compared. Returns `v`."""
    assert isinstance(v, dict), f"{where} is not an object: {v!r}" + res.describe()
    missing = [k for k in VERIFY_FIELDS if k not in v]
    assert not missing, f"{where} lacks {missing}" + res.describe()
    d = v["differences"]
    assert isinstance(d, dict) and all(isinstance(d.get(k), int) for k in DIFF_KINDS), (
        f"{where}: differences must hold an integer count of each of {DIFF_KINDS}: {d!r}"
        + res.describe())
    assert 0 <= v["keys_equal"] <= v["keys_compared"], (
        f"{where}: keys_equal {v['keys_equal']} vs keys_compared {v['keys_compared']}"
        + res.describe())
    diffs = v["diffs"]
    assert isinstance(diffs, list) and len(diffs) <= 1000, (
        f"{where}: diffs must be a list of at most 1,000" + res.describe())
    for item in diffs:
        assert isinstance(item, dict) and item.get("kind") in DIFF_KINDS, (
            f"{where}: a diff with no valid kind: {item!r}" + res.describe())
        assert isinstance(item.get("key"), str) and unescape_key(item["key"]) is not None, (
            f"{where}: a diff whose key is not in the escaped form: {item!r}" + res.describe())
        assert isinstance(item.get("detail"), str), (
            f"{where}: a diff without a detail text: {item!r}" + res.describe())
    total = sum(d[k] for k in DIFF_KINDS)
    if total < 1000:
        listed = {k: sum(1 for i in diffs if i["kind"] == k) for k in DIFF_KINDS}
        assert listed == {k: d[k] for k in DIFF_KINDS}, (
            f"{where}: diffs listed per kind {listed} do not match the counts {d}"
            + res.describe())
    return v


def expect_verify_report(res, status, **fields):
    """verify's --report: exists, has `status`, the given fields (e.g.
    keys_compared=100, differences={...} compares the whole dict), and its
    fields agree (check_verify_fields). Returns the report."""
    r = res.report
    assert r is not None, "no --report file was written" + res.describe()
    assert "_unparsable_report" not in r, "the report is not valid JSON" + res.describe()
    check_verify_fields(r, res)
    assert r["status"] == status, (
        f"verify report status {r['status']!r}, expected {status!r}" + res.describe())
    for k, want in fields.items():
        got = r.get(k)
        if k == "differences":
            got = {x: got.get(x) for x in DIFF_KINDS}
            want = {x: want.get(x, 0) for x in DIFF_KINDS}
        assert got == want, f"verify report {k} = {got!r}, expected {want!r}" + res.describe()
    return r


def diffs_by_key(v):
    """{raw key: set of kinds} of a verify report's listed diffs."""
    out = {}
    for item in v["diffs"]:
        out.setdefault(unescape_key(item["key"]), set()).add(item["kind"])
    return out
