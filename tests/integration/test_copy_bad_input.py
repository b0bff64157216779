"""Bad input and unreachable ends: the right exit status, one error line
naming what to fix, the destination untouched, and no password in any
output. (Acceptance item 12.)"""

import os
import re
from urllib.parse import quote

import pytest

from rmtest import compare
from rmtest.checks import expect_exit, expect_secret_absent
from rmtest.servers import free_port

SECRET = "Pl4ntedS3cret"
RIGHT = "R1ght/Pa55@Plant"  # reserved characters: a URI must percent-encode them


def one_error_line(res):
    lines = res.error_lines()
    assert len(lines) == 1, (f"expected exactly one error line on stderr, got {len(lines)}: "
                             f"{lines[:5]}" + res.describe())
    return lines[0]


def _untouched(dst, res):
    sizes = compare.dbsizes(dst)
    assert sizes == {}, f"the destination was written to: {sizes}" + res.describe()


def _report_failed(res):
    if res.report is not None:
        assert res.report.get("status") == "failed", res.describe()


def _write_dotenv(cwd, text, mode=0o600):
    path = os.path.join(cwd, ".env")
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def _with_password(tool, src, how, password):
    """(source argument, env, cwd, forms of the secret) for passing
    `password` to the source one way."""
    source, env, cwd, forms = src.uri(), None, None, [password]
    if quote(password, safe="") != password:
        forms.append(quote(password, safe=""))
    if how == "uri":
        source = src.uri(user="default", password=quote(password, safe=""))
    elif how == "uri-percent-encoded":
        enc = password[:3] + "%2F%40" + password[3:]
        source = src.uri(user="default", password=enc)
        forms = [password[:3] + "/@" + password[3:], enc]
    elif how == "url-variable":
        source = None
        env = {"REDIS_SOURCE_URL": src.uri(user="default", password=quote(password, safe=""))}
    elif how == "env":
        env = {"REDIS_SOURCE_PASSWORD": password}
    elif how == "dotenv":
        cwd = tool.rundir_cwd()
        _write_dotenv(cwd, f"# test\nexport REDIS_SOURCE_PASSWORD=\"{password}\"\n")
    elif how == "dotenv-readable-by-others":
        cwd = tool.rundir_cwd()
        _write_dotenv(cwd, f"REDIS_SOURCE_PASSWORD='{password}'\n", mode=0o644)
    return source, env, cwd, forms


HOWS = ["uri", "uri-percent-encoded", "url-variable", "env", "dotenv", "dotenv-readable-by-others"]


@pytest.mark.parametrize("how", HOWS)
def test_a_wrong_source_password_exits_1_names_the_source_and_never_shows_the_password(servers, tool, how):
    src = servers.start("redis7", f"requirepass {RIGHT}", name="source")
    dst = servers.start("redis7", name="destination")
    src.client().set(b"k", b"v")
    source, env, cwd, forms = _with_password(tool, src, how, SECRET)

    res = tool.copy(source, dst, progress="none", env=env, cwd=cwd)

    expect_exit(res, 1)
    line = one_error_line(res)
    assert str(src.port) in line and "source" in line.lower(), (
        f"the error does not name the source endpoint 127.0.0.1:{src.port}: {line!r}")
    assert re.search(r"auth|password|WRONGPASS", line, re.I), f"the error does not say AUTH failed: {line!r}"
    expect_secret_absent(res, *forms)
    _report_failed(res)
    _untouched(dst, res)
    if how == "dotenv-readable-by-others":
        warns = res.log_lines("warn")
        assert any(".env" in w for w in warns), "no warning that .env can be read by others" + res.describe()


@pytest.mark.parametrize("how", [h for h in HOWS if h != "uri-percent-encoded"])
def test_the_right_source_password_from_each_place_works_and_is_never_shown(servers, tool, how):
    src = servers.start("redis7", f"requirepass {RIGHT}", name="source")
    dst = servers.start("redis7", name="destination")
    for i in range(50):
        src.client().set(b"k%d" % i, b"v")
    source, env, cwd, forms = _with_password(tool, src, how, RIGHT)

    res = tool.copy(source, dst, env=env, cwd=cwd)

    expect_exit(res, 0)
    expect_secret_absent(res, *forms)
    compare.assert_copied(src.client(), dst.client())
    if how == "uri":
        # Others can read a process's arguments (not its environment).
        assert res.log_lines("warn"), "no warning about a password inside a URI" + res.describe()


def test_a_wrong_destination_password_exits_1_names_the_destination_and_changes_nothing(servers, tool):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", f"requirepass {RIGHT}", name="destination")
    src.client().set(b"k", b"v")

    res = tool.copy(src, dst, progress="none", env={"REDIS_DEST_PASSWORD": SECRET})

    expect_exit(res, 1)
    line = one_error_line(res)
    assert str(dst.port) in line and "destination" in line.lower(), line
    expect_secret_absent(res, SECRET)
    _untouched(dst, res)


@pytest.mark.parametrize("side", ["source", "destination"])
def test_nothing_listening_exits_1_and_names_the_endpoint(servers, tool, side):
    live = servers.start("redis7", name="live")
    if side == "destination":
        live.client().set(b"k", b"v")  # a source with something to copy
    port = free_port()
    dead = f"redis://127.0.0.1:{port}"
    src, dst = (dead, live) if side == "source" else (live, dead)

    res = tool.copy(src, dst, progress="none", timeout=60)

    expect_exit(res, 1)
    line = one_error_line(res)
    assert f"127.0.0.1:{port}" in line and side in line.lower(), (
        f"the error does not name the {side} 127.0.0.1:{port}: {line!r}")
    _report_failed(res)
    if side == "source":
        _untouched(live, res)


# (case id, extra args, source override, needles the error line must hold)
USAGE = [
    ("malformed-uri-port", [], "redis://127.0.0.1:notaport", ["--source"]),
    ("malformed-uri-scheme", [], "http://127.0.0.1:6379", ["--source"]),
    ("malformed-uri-db", [], "redis://127.0.0.1:6379/abc", ["--source"]),
    ("unknown-option", ["--no-such-option"], None, ["--no-such-option"]),
    ("missing-value", ["--threads"], None, ["--threads"]),
    ("threads-not-a-number", ["--threads", "abc"], None, ["--threads", "abc"]),
    ("threads-zero", ["--threads", "0"], None, ["--threads"]),
    ("unknown-policy", ["--on-conflict", "maybe"], None, ["--on-conflict", "maybe"]),
    ("malformed-db-map", ["--db-map", "3"], None, ["--db-map"]),
    ("unknown-type", ["--type", "blob"], None, ["--type", "blob"]),
    ("unknown-mode", ["--mode", "teleport"], None, ["--mode"]),
]


@pytest.mark.parametrize("case", USAGE, ids=[u[0] for u in USAGE])
def test_usage_errors_exit_2_with_one_line_naming_the_setting(servers, tool, case):
    _id, args, source, needles = case
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", name="destination")
    src.client().set(b"k", b"v")

    res = tool.copy(source or src, dst, *args, progress="none")

    expect_exit(res, 2)
    line = one_error_line(res)
    for n in needles:
        assert n in line, f"the error line does not name {n!r}: {line!r}"
    _untouched(dst, res)


def test_no_source_at_all_exits_2_naming_the_missing_setting(servers, tool):
    dst = servers.start("redis7", name="destination")

    res = tool.copy(None, dst, progress="none")

    expect_exit(res, 2)
    line = one_error_line(res)
    assert "--source" in line or "REDIS_SOURCE" in line, line
    _untouched(dst, res)


def test_a_password_planted_in_the_uri_is_absent_even_from_usage_errors(servers, tool):
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", name="destination")

    res = tool.copy(src.uri(user="default", password=SECRET), dst, "--threads", "abc", progress="none")

    expect_exit(res, 2)
    one_error_line(res)
    expect_secret_absent(res, SECRET)
    _untouched(dst, res)


def test_a_source_database_the_server_lacks_exits_2_naming_it_and_writes_nothing(servers, tool):
    """A copy of database 16 on a 16-database server would otherwise copy
    nothing and report success."""
    src = servers.start("redis7", name="source")
    dst = servers.start("redis7", name="destination")
    src.client().set(b"k", b"v")

    res = tool.copy(src, dst, "--db", "16", progress="none")

    expect_exit(res, 2)
    line = one_error_line(res)
    assert "database 16" in line and str(src.port) in line, line
    _untouched(dst, res)


def test_valkey_8_into_redis_7_0_under_mode_dump_is_refused_once_before_writing_naming_the_format(
        servers, tool):
    """Redis 7.0 cannot read Valkey 8's DUMP format. --mode dump forbids
    the type-command fallback, so the run must say so once, up front,
    naming the way out, rather than fail every key; the probe (a RESTORE
    with a past deadline) leaves nothing. (Without --mode dump the keys go
    by type commands: test_struct_mode.py.)"""
    src = servers.start("valkey8", name="source")
    dst = servers.start("redis7", name="destination")
    c = src.client()
    for i in range(50):
        c.set(b"k:%d" % i, b"v")

    res = tool.copy(src, dst, "--mode", "dump", progress="none")

    expect_exit(res, 2)
    line = one_error_line(res)
    assert "cannot read the source's DUMP payloads" in line and str(dst.port) in line, line
    assert "--mode struct" in line, f"the error does not name the way out: {line!r}"
    _untouched(dst, res)
    _report_failed(res)


def test_the_format_probe_leaves_nothing_behind_when_the_formats_match(servers, tool):
    src = servers.start("redis7", name="source")
    dst = servers.start("valkey8", name="destination")
    src.client().set(b"only", b"v")

    res = tool.copy(src, dst, progress="none")

    expect_exit(res, 0)
    assert compare.dbsizes(dst) == {0: 1}, res.describe()
    assert dst.client().exists(b"redis-migrate:probe") == 0, res.describe()
