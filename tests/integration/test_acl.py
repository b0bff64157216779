"""ACL users and secrets (issue 3): the README's minimal ACL users copy
everything, a user lacking one right fails before any write naming the
command and the endpoint, every reconnect logs in again as the same user,
and a planted password never shows in any output.

Every server here has a password on its `default` user (rmtest/acl.py), so
a connection that forgets AUTH, or sends AUTH without the user name, is
refused instead of being let in with every right. Every run of the tool in
this file goes through `rm`, which checks the planted password is absent
from its stdout, stderr and report.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import pytest

from rmtest import acl, compare, data
from rmtest.checks import (expect_exit, expect_report, expect_secret_absent,
                           expect_verify_report,
                           unescape_key, wait_for)
from rmtest.tool import LOG_LINE

PLANTED = "Planted-Secret-5519"
WRONG = PLANTED + "-but-wrong"
PASSWORDS = {"REDIS_SOURCE_PASSWORD": PLANTED, "REDIS_DEST_PASSWORD": PLANTED}
# valkey8 -> redis7 goes by type commands (Redis 7.0 cannot read Valkey 8
# payloads): the README's users must cover that path too.
PAIRS = [("redis7", "redis7"), ("valkey8", "valkey8"), ("redis7", "valkey8"),
         ("valkey8", "redis7")]
PAIR_IDS = [f"{a}->{b}" for a, b in PAIRS]
NOBODY = 65534


class CheckedTool:
    """The tool, with PLANTED checked absent from every run's stdout,
    stderr and report (WRONG contains PLANTED, so it is covered too)."""

    def __init__(self, tool):
        self.tool = tool

    def _checked(self, res):
        expect_secret_absent(res, PLANTED)
        return res

    def run(self, command, src, dst, *args, **kw):
        return self._checked(self.tool.run(command, src, dst, *args, **kw))

    def copy(self, src, dst, *args, **kw):
        return self.run("copy", src, dst, *args, **kw)

    def start_copy(self, src, dst, *args, **kw):
        running = self.tool.start_copy(src, dst, *args, **kw)
        finish = running.finish
        running.finish = lambda timeout=180: self._checked(finish(timeout))
        return running

    def rundir_cwd(self):
        return self.tool.rundir_cwd()


@pytest.fixture
def rm(tool):
    return CheckedTool(tool)


def _ends(servers, src_kind, dst_kind, src_without=(), dst_without=()):
    """A source and a destination holding the README's users (less the
    rules named), with PLANTED as both passwords."""
    src = acl.start(servers, src_kind, "source")
    dst = acl.start(servers, dst_kind, "destination")
    acl.set_user(src, acl.SOURCE_USER, PLANTED, without=src_without)
    acl.set_user(dst, acl.DEST_USER, PLANTED, without=dst_without)
    return src, dst


def _uris(src, dst):
    return acl.uri(src, acl.SOURCE_USER), acl.uri(dst, acl.DEST_USER)


def one_error_line(res):
    lines = res.error_lines()
    assert len(lines) == 1, (f"expected exactly one error line on stderr, got "
                             f"{len(lines)}: {lines[:5]}" + res.describe())
    return lines[0]


def _nothing_refused(server):
    """The server refused the tool nothing: ACL LOG keeps an entry for each
    failed login (a reconnect without the user name would land here) and
    each command or key an ACL denied (a rule the README misses)."""
    entries = [_entry(e) for e in server.admin().execute_command("ACL", "LOG")]
    # The README leaves +config|get out on purpose and says its one refusal
    # shows in ACL LOG.
    entries = [e for e in entries if _s(e.get("object")) != "config|get"]
    assert not entries, f"{server.name} refused: {entries[:5]}"


def _s(v):
    return v.decode() if isinstance(v, bytes) else v


def _entry(e):
    if isinstance(e, dict):
        return {(k.decode() if isinstance(k, bytes) else k): v for k, v in e.items()}
    return {e[i].decode(): e[i + 1] for i in range(0, len(e), 2)}


# ---- 1. the README's users copy everything --------------------------------

def _fill(src):
    """Every type and encoding with TTLs, binary names, a bulk of strings,
    and a second database; returns the databases filled."""
    c = src.admin()
    data.fill_all_types(c, src.kind, ttl=True)
    data.fill_binary_names(c)
    data.fill_strings(c, 2000, ttl_every=3)
    data.fill_all_types(src.admin(db=3), src.kind, prefix=b"db3:", seed=7)
    return (0, 3)


# Keys put on the destination before a run into a non-empty destination:
# some only it has, and one the source has too (with another value).
DEST_ONLY = [b"dest-only:%d" % i for i in range(5)]
CONFLICT = b"str:short"


def _prefill_dest(dst):
    d = dst.admin()
    for k in DEST_ONLY:
        d.set(k, b"mine")
    d.set(CONFLICT, b"the destination's value")
    return compare.snapshot(dst)


MODES = ["all", "on-conflict-skip", "on-conflict-fail", "several-types", "dry-run"]


def _mode_cases():
    for (a, b), pid in zip(PAIRS, PAIR_IDS):
        for mode in MODES:
            marks = [pytest.mark.sanitize] if (pid, mode) == ("redis7->redis7", "all") else []
            yield pytest.param(a, b, mode, id=f"{pid}-{mode}", marks=marks)


@pytest.mark.parametrize("src_kind,dst_kind,mode", list(_mode_cases()))
def test_the_readme_minimal_users_copy_every_type(servers, rm, src_kind, dst_kind, mode):
    src, dst = _ends(servers, src_kind, dst_kind)
    dbs = _fill(src)
    args, before = [], None
    if mode in ("on-conflict-skip", "on-conflict-fail"):
        args = ["--on-conflict", mode.split("-")[-1]]
        before = _prefill_dest(dst)
    elif mode == "several-types":
        args = ["--type", "hash", "--type", "zset", "--type", "stream"]
    elif mode == "dry-run":
        args = ["--dry-run"]

    res = rm.copy(*_uris(src, dst), *args, env=PASSWORDS)

    total = sum(src.admin(db=db).dbsize() for db in dbs)
    if mode == "all":
        expect_exit(res, 0)
        expect_report(res, "ok", keys_copied=total, keys_failed=0)
        for db in dbs:
            compare.assert_copied(src.admin(db=db), dst.admin(db=db), context=f" in db {db}")
    elif mode == "on-conflict-skip":
        expect_exit(res, 0)
        expect_report(res, "ok", keys_copied=total - 1, keys_skipped=1, keys_failed=0)
        _check_around_conflict(src, dst, before, dbs, res)
    elif mode == "on-conflict-fail":
        expect_exit(res, 3)
        r = expect_report(res, "partial", keys_copied=total - 1, keys_failed=1)
        listed = [unescape_key(f["key"]) for f in r["failed_keys"]]
        assert listed == [CONFLICT], f"failed_keys {r['failed_keys']}" + res.describe()
        _check_around_conflict(src, dst, before, dbs, res)
    elif mode == "several-types":
        expect_exit(res, 0)
        for db in dbs:
            s = src.admin(db=db)
            keys = set()
            for t in ("hash", "zset", "stream"):
                keys |= compare.scan_keys(s, type_=t)
            assert keys, "test set-up: no keys of the selected types"
            compare.assert_copied(s, dst.admin(db=db), keys=keys, context=f" in db {db}")
    else:
        expect_exit(res, 0)
        r = expect_report(res, "ok")
        assert r.get("dry_run") is True, "the report does not say dry_run" + res.describe()
        sizes = compare.dbsizes(dst)
        assert sizes == {}, f"--dry-run wrote to the destination: {sizes}" + res.describe()
    _nothing_refused(src)
    _nothing_refused(dst)


@pytest.mark.parametrize("src_kind,dst_kind", [("redis7", "redis7"), ("valkey8", "redis7")],
                         ids=["redis7->redis7", "valkey8->redis7"])
def test_the_readme_minimal_users_verify_a_copy(servers, rm, src_kind, dst_kind):
    src, dst = _ends(servers, src_kind, dst_kind)
    dbs = _fill(src)
    expect_exit(rm.copy(*_uris(src, dst), env=PASSWORDS), 0)
    total = sum(src.admin(db=db).dbsize() for db in dbs)

    res = rm.run("verify", *_uris(src, dst), env=PASSWORDS)

    expect_exit(res, 0)
    expect_verify_report(res, "ok", keys_compared=total, keys_equal=total)
    _nothing_refused(src)
    _nothing_refused(dst)


def _check_around_conflict(src, dst, before, dbs, res):
    """The destination's own keys are as they were; every other source
    key arrived."""
    after = compare.snapshot(dst)
    problems = compare.diff_snapshots(before, {k: after[k] for k in before if k in after})
    assert not problems, f"the destination's own keys changed: {problems[:10]}" + res.describe()
    for db in dbs:
        s = src.admin(db=db)
        keys = compare.scan_keys(s) - {CONFLICT}
        extra = len(DEST_ONLY) + 1 if db == 0 else 0
        compare.assert_copied(s, dst.admin(db=db), keys=keys,
                              expect_dbsize=len(keys) + extra, context=f" in db {db}")


# The README says when a rule is needed only sometimes; without it, the
# other runs still work.
SOMETIMES = [
    ("source", "+type", ["--type", "string"]),      # TYPE only with several --type
    ("source", "+pexpiretime", []),                 # PTTL and TIME instead
    ("destination", "+dump", ["--on-conflict", "replace"]),  # DUMP unless replace
]


@pytest.mark.parametrize("side,rule,args", SOMETIMES,
                         ids=[f"{s}-without-{r[1:]}{'-' + '-'.join(a) if a else ''}".replace("--", "")
                              for s, r, a in SOMETIMES])
def test_a_rule_the_readme_calls_conditional_is_not_needed_otherwise(servers, rm, side, rule, args):
    src, dst = _ends(servers, "redis7", "valkey8",
                     src_without=[rule] if side == "source" else [],
                     dst_without=[rule] if side == "destination" else [])
    c = src.admin()
    data.fill_all_types(c, "redis7", ttl=True)

    res = rm.copy(*_uris(src, dst), *args, env=PASSWORDS)

    expect_exit(res, 0)
    keys = compare.scan_keys(c, type_="string") if "--type" in args else None
    compare.assert_copied(c, dst.admin(), keys=keys)


# ---- 2. a user lacking one right fails before any write --------------------

# (id, side lacking, rule taken out, extra args, non-empty destination?)
LACKING = [
    ("dest-without-restore", "destination", "+restore", [], False),
    ("source-without-dump", "source", "+dump", [], False),
    ("source-without-scan", "source", "+scan", [], False),
    ("dest-without-dump-no-policy", "destination", "+dump", [], False),
    ("dest-without-dump-on-conflict-skip", "destination", "+dump", ["--on-conflict", "skip"], True),
    ("dest-without-dump-on-conflict-fail", "destination", "+dump", ["--on-conflict", "fail"], True),
    ("source-without-type-several-types", "source", "+type", ["--type", "string", "--type", "hash"], False),
    ("source-without-multi", "source", "+multi", [], False),
    ("source-without-ping", "source", "+ping", [], False),
    ("dest-without-ping", "destination", "+ping", [], False),
    # Redis answers EXECABORT (not NOPERM) to an EXEC refused inside MULTI.
    ("source-without-exec", "source", "+exec", [], False),
    ("dest-without-select", "destination", "+select", [], False),
    # Unknown is not empty: a refused DBSIZE must not skip the guard that
    # stops a run into a non-empty destination without --on-conflict.
    ("dest-without-dbsize", "destination", "+dbsize", [], True),
    ("source-without-info", "source", "+info", [], False),
    ("dest-without-info", "destination", "+info", [], False),
    # The sweep of a killed run's temporary keys comes first.
    ("dest-without-scan", "destination", "+scan", [], False),
    # Type-command copies (--mode struct here) are probed inside a
    # discarded MULTI.
    ("dest-without-hset-struct", "destination", "+hset", ["--mode", "struct"], False),
    ("dest-without-xclaim-struct", "destination", "+xclaim", ["--mode", "struct"], False),
    ("dest-without-renamenx-struct", "destination", "+renamenx", ["--mode", "struct"], False),
]



def _lacking_cases():
    for case in LACKING:
        marks = [pytest.mark.sanitize] if case[0] == "dest-without-restore" else []
        yield pytest.param(*case[1:], id=case[0], marks=marks)


@pytest.mark.parametrize("side,rule,args,prefilled", list(_lacking_cases()))
def test_a_user_lacking_one_right_fails_before_any_write_naming_the_command_and_endpoint(
        servers, rm, side, rule, args, prefilled):
    src, dst = _ends(servers, "redis7", "valkey8",
                     src_without=[rule] if side == "source" else [],
                     dst_without=[rule] if side == "destination" else [])
    data.fill_strings(src.admin(), 3000)
    data.fill_all_types(src.admin(), "redis7", prefix=b"t:")
    if prefilled:
        d = dst.admin()
        for k in DEST_ONLY:
            d.set(k, b"mine")
        d.set(b"key:7", b"the destination's value")  # a source key too
    before = compare.snapshot(dst)

    res = rm.copy(*_uris(src, dst), *args, env=PASSWORDS, progress="none")

    expect_exit(res, 1)
    line = one_error_line(res)
    endpoint = (src if side == "source" else dst).endpoint
    command = rule[1:].split("|")[-1].upper()
    assert re.search(rf"\b{command}\b", line), f"the error does not name {command}: {line!r}"
    assert endpoint in line and side in line.lower(), (
        f"the error does not name the {side} {endpoint}: {line!r}")
    problems = compare.diff_snapshots(before, compare.snapshot(dst))
    assert not problems, f"the destination was written to: {problems[:10]}" + res.describe()
    if not prefilled:
        assert dst.admin().dbsize() == 0
    if res.report is not None:
        assert res.report["status"] == "failed", res.describe()


# ---- 3. every reconnect logs in again as the same user ---------------------

def _users_clients(server, user):
    """{client id: CLIENT LIST fields} of the connections logged in as `user`."""
    out = {}
    for c in server.admin().client_list():
        if c.get("user") == user:
            out[int(c["id"])] = c
    return out


@pytest.mark.parametrize("src_kind,dst_kind,policy", [
    ("redis7", "valkey8", "default"), ("valkey8", "valkey8", "on-conflict-skip")],
    ids=["redis7->valkey8", "valkey8->valkey8-on-conflict-skip"])
def test_connections_killed_mid_copy_reconnect_with_the_user_name_and_the_copy_completes(
        servers, rm, src_kind, dst_kind, policy):
    src, dst = _ends(servers, src_kind, dst_kind)
    c, d = src.admin(), dst.admin()
    data.populate(c, 30_000)
    data.fill_all_types(c, src_kind, ttl=True)
    args = ["--max-ops", "25000", "--threads", "2"]
    before = None
    if policy == "on-conflict-skip":
        # DUMP on the destination checks a RESTORE sent again after the
        # reconnect: the minimal user must be enough for that too.
        args += ["--on-conflict", "skip"]
        before = _prefill_dest(dst)

    run = rm.start_copy(*_uris(src, dst), *args, env=PASSWORDS)
    start_size = d.dbsize()
    wait_for(lambda: d.dbsize() > start_size + 2000 or run.proc.poll() is not None, 30,
             "the copy to start writing")
    killed = {}
    for server, user in ((src, acl.SOURCE_USER), (dst, acl.DEST_USER)):
        assert run.proc.poll() is None, (
            f"the copy ended before the {user} connections were killed" + run.finish().describe())
        old = _users_clients(server, user)
        killed[user] = server.admin().execute_command("CLIENT", "KILL", "USER", user)
        assert killed[user] > 0, f"no connection of {user} to kill on {server.name}: {old}"
        # New connections of the same user after the kill: AUTH with the
        # user name (the default user's password is not the tool's).
        new = wait_for(lambda: {i: cl for i, cl in _users_clients(server, user).items() if i not in old}
                       or run.proc.poll() is not None,
                       20, f"a new {user} connection on the {server.name}")
        if server is src and isinstance(new, dict) and acl.has_no_touch(src):
            # The source is read with CLIENT NO-TOUCH, after a reconnect too.
            touching = {i: c.get("flags") for i, c in new.items() if "T" not in c.get("flags", "")}
            assert not touching, f"reconnected source connections without NO-TOUCH: {touching}"
        time.sleep(0.3)
    still_running = run.proc.poll() is None
    res = run.finish(timeout=120)

    expect_exit(res, 0)
    n = c.dbsize()
    if policy == "default":
        r = expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
        compare.assert_copied(c, d)
    else:
        r = expect_report(res, "ok", keys_scanned=n, keys_copied=n - 1, keys_skipped=1, keys_failed=0)
        _check_around_conflict(src, dst, before, (0,), res)
    assert r.get("reconnects", 0) > 0, (
        f"the report shows no reconnect after killing {killed}: the kills did not "
        "overlap the copy" + res.describe())
    assert still_running, "the copy ended during the kills" + res.describe()
    _nothing_refused(src)
    _nothing_refused(dst)


# ---- 4. the planted password is absent from every output ------------------

@pytest.mark.parametrize("side", ["source", "destination"])
def test_a_wrong_password_exits_1_naming_the_endpoint_and_never_shows_it(servers, rm, side):
    src, dst = _ends(servers, "valkey8", "valkey8")
    src.admin().set(b"k", b"v")
    env = dict(PASSWORDS)
    env["REDIS_SOURCE_PASSWORD" if side == "source" else "REDIS_DEST_PASSWORD"] = WRONG

    res = rm.copy(*_uris(src, dst), env=env, progress="json")

    expect_exit(res, 1)
    line = one_error_line(res)
    endpoint = (src if side == "source" else dst).endpoint
    assert endpoint in line and side in line.lower(), line
    assert re.search(r"auth|password|WRONGPASS", line, re.I), line
    assert dst.admin().dbsize() == 0, "the destination was written to" + res.describe()


def test_a_password_in_the_uri_warns_works_and_is_gone_from_the_process_arguments(servers, rm):
    src, dst = _ends(servers, "redis7", "redis7")
    c = src.admin()
    data.populate(c, 8000)
    source = f"redis://{acl.SOURCE_USER}:{PLANTED}@127.0.0.1:{src.port}"

    run = rm.start_copy(source, acl.uri(dst, acl.DEST_USER), "--max-ops", "10000",
                        env={"REDIS_DEST_PASSWORD": PLANTED})
    wait_for(lambda: dst.admin().dbsize() > 0 or run.proc.poll() is not None, 30,
             "the copy to start writing")
    cmdline = b""
    if run.proc.poll() is None:
        with open(f"/proc/{run.proc.pid}/cmdline", "rb") as f:
            cmdline = f.read()
    res = run.finish()

    expect_exit(res, 0)
    compare.assert_copied(c, dst.admin())
    assert cmdline, "the copy ended before its arguments could be read" + res.describe()
    assert PLANTED.encode() not in cmdline, (
        f"the password stays in /proc/PID/cmdline: {cmdline!r}" + res.describe())
    warns = res.log_lines("warn")
    assert any(re.search(r"password", w, re.I) and re.search(r"URI|argument|command line", w, re.I)
               for w in warns), "no warning about the password in the URI" + res.describe()


def test_help_shows_no_password_from_the_environment_dotenv_or_a_uri(servers, rm):
    src = acl.start(servers, "redis7", "source")
    cwd = rm.rundir_cwd()
    _write_dotenv(cwd, f"REDIS_DEST_PASSWORD={PLANTED}\n", 0o600)
    source = f"redis://{acl.SOURCE_USER}:{PLANTED}@127.0.0.1:{src.port}"

    for argv in (["copy", "--help"], ["--help"]):
        res = rm.run(argv[0], None, None, *argv[1:], env={"REDIS_SOURCE_PASSWORD": PLANTED},
                     cwd=cwd, progress=None, report=False)
        expect_exit(res, 0)
        assert "--source" in res.stdout, "no usage on stdout" + res.describe()
    res = rm.run("copy", source, None, "--help", env={"REDIS_SOURCE_PASSWORD": PLANTED},
                 cwd=cwd, progress=None, report=False)
    expect_exit(res, 0)


def test_progress_json_lines_and_the_report_hold_no_password(servers, rm):
    src, dst = _ends(servers, "valkey8", "valkey8")
    c = src.admin()
    data.populate(c, 5000)

    res = rm.copy(*_uris(src, dst), "--max-ops", "5000", "--threads", "1",
                  env=PASSWORDS, progress="json")

    expect_exit(res, 0)
    expect_report(res, "ok", keys_copied=5000)
    lines = [l for l in res.stderr.splitlines() if l.strip() and not LOG_LINE.match(l)]
    objs = [json.loads(l) for l in lines]
    assert len(objs) >= 2, "expected several JSON progress lines" + res.describe()
    assert res.report["source"] == f"{acl.SOURCE_USER}@{src.endpoint}", res.describe()
    compare.assert_copied(c, dst.admin())


# ---- 5. a .env others can read ---------------------------------------------

def _write_dotenv(cwd, text, mode):
    path = os.path.join(cwd, ".env")
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o600, 0o400],
                         ids=["0644", "0640", "0604", "0600", "0400"])
def test_a_dotenv_readable_by_group_or_others_warns_with_the_chmod_that_fixes_it(servers, rm, mode):
    src, dst = _ends(servers, "redis7", "valkey8")
    c = src.admin()
    data.fill_strings(c, 500)
    cwd = rm.rundir_cwd()
    _write_dotenv(cwd, "".join(f"{k}={v}\n" for k, v in PASSWORDS.items()), mode)

    res = rm.copy(*_uris(src, dst), cwd=cwd)

    expect_exit(res, 0)
    compare.assert_copied(c, dst.admin())
    warns = [w for w in res.log_lines("warn") if ".env" in w or "chmod" in w]
    if mode & 0o077:
        assert any(".env" in w and "chmod 600" in w for w in warns), (
            f"no warning naming .env and 'chmod 600' for mode {mode:o}" + res.describe())
    else:
        assert not warns, f"a warning about .env at mode {mode:o}: {warns}" + res.describe()


# ---- 6. not dumpable while it holds passwords ------------------------------

def _read_as_nobody(path):
    """Tries to read `path` from a process running as user nobody: the
    errno name, or 'ok'."""
    code = ("import sys\ntry:\n    open(sys.argv[1], 'rb').read()\n    print('ok')\n"
            "except OSError as e:\n    import errno; print(errno.errorcode[e.errno])\n")
    out = subprocess.run(["/usr/bin/python3", "-c", code, path], user=NOBODY, group=NOBODY,
                         capture_output=True, text=True, timeout=20, cwd="/")
    return out.stdout.strip() or out.stderr.strip()


def test_another_process_of_the_same_user_cannot_read_the_running_tools_memory(servers, rm):
    """A process that holds passwords marks itself not dumpable: /proc/PID
    files become root's, and another process of the same user cannot read
    its environment or memory. Both run as nobody (root reads anything)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run the tool and its neighbour as user nobody")
    # Control: a dumpable process of nobody's can be read by nobody.
    control = subprocess.Popen(["/bin/sleep", "30"], user=NOBODY, group=NOBODY)
    try:
        seen = _read_as_nobody(f"/proc/{control.pid}/environ")
    finally:
        control.kill()
        control.wait()
    if seen != "ok":
        pytest.skip(f"nobody cannot read its own process's /proc/PID/environ here ({seen}): "
                    "the check would prove nothing")

    src, dst = _ends(servers, "redis7", "redis7")
    data.populate(src.admin(), 15_000)
    cwd = tempfile.mkdtemp(prefix="rm-acl-nobody-")
    os.chmod(cwd, 0o755)
    try:
        run = rm.start_copy(*_uris(src, dst), "--max-ops", "15000", env=PASSWORDS,
                            cwd=cwd, report=False, user=NOBODY, group=NOBODY)
        wait_for(lambda: dst.admin().dbsize() > 0 or run.proc.poll() is not None, 30,
                 "the copy to start writing")
        running = run.proc.poll() is None
        pid = run.proc.pid
        environ = _read_as_nobody(f"/proc/{pid}/environ") if running else None
        mem = _read_as_nobody(f"/proc/{pid}/mem") if running else None
        owner = os.stat(f"/proc/{pid}/environ").st_uid if running else None
        res = run.finish()
    finally:
        shutil.rmtree(cwd, ignore_errors=True)

    expect_exit(res, 0)
    assert running, "the copy ended before it could be inspected" + res.describe()
    assert environ == "EACCES", (
        f"user nobody reads the running tool's /proc/{pid}/environ: {environ}" + res.describe())
    assert mem == "EACCES", f"user nobody opens /proc/{pid}/mem: {mem}" + res.describe()
    assert owner == 0, f"/proc/{pid}/environ belongs to uid {owner}, not root: still dumpable"
    compare.assert_copied(src.admin(), dst.admin())
