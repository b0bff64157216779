"""copy over TLS: verified by default, every failure one clear line with the
destination untouched, the insecure setting only with a warning, client
certificates, the server-name override, and resumed sessions after a
reconnect. (Issue 3, TLS and secrets.)

Every server here listens on a TLS port only (`port 0`) and requires a
planted password, given to the tool through REDIS_*_PASSWORD; every run of
the tool goes through copy_tls(), which asserts that the password appears
in none of stdout, stderr and the report.
"""

import re
import threading
import time

import pytest

from rmtest import compare, data
from rmtest import tls as tlsh
from rmtest.checks import (dirty, expect_exit, expect_report,
                           expect_secret_absent, wait_for)

PASSWORD = "Planted-Secret-7731"
REQUIREPASS = (f"requirepass {PASSWORD}",)

PAIRS = [("redis7", "redis7"), ("valkey8", "valkey8"), ("redis7", "valkey8")]
PAIR_IDS = [f"{a}->{b}" for a, b in PAIRS]

# The words that tell each failure apart, and the setting each one points
# the operator to ({P} is SOURCE or DEST).
FAILURES = {
    "unknown-ca": (r"unknown CA", "REDIS_{P}_TLS_CA_FILE"),
    "name-mismatch": (r"name mismatch|does not name", "REDIS_{P}_TLS_SERVER_NAME"),
    "expired": (r"expired", None),
    "plain-server": (r"plain|non-TLS", "redis://"),
    "no-client-cert": (r"client certificate", "REDIS_{P}_TLS_CERT_FILE"),
}


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return tlsh.make_pki(tmp_path_factory.mktemp("pki"))


def start(servers, pki, kind, name, **kw):
    """A TLS-only server holding the planted password."""
    return tlsh.start_tls(servers, kind, pki, name, config=REQUIREPASS, **kw)


def start_plain(servers, kind, name):
    """A plain-text server (no TLS port) holding the planted password."""
    return servers.start(kind, *REQUIREPASS, name=name)


def tls_env(pki, **extra):
    """Both passwords and both CA files; `extra` adds to or (with None)
    removes from that."""
    env = {
        "REDIS_SOURCE_PASSWORD": PASSWORD,
        "REDIS_DEST_PASSWORD": PASSWORD,
        "REDIS_SOURCE_TLS_CA_FILE": pki.ca.cert,
        "REDIS_DEST_TLS_CA_FILE": pki.ca.cert,
    }
    env.update(extra)
    return env


def copy_tls(tool, pki, src, dst, *args, env=None, **kw):
    """Runs copy with tls_env() plus `env`, and asserts that the planted
    password is in no output of the run."""
    res = tool.copy(src, dst, *args, env=tls_env(pki, **(env or {})), **kw)
    expect_secret_absent(res, PASSWORD)
    return res


def one_error_line(res):
    lines = res.error_lines()
    assert len(lines) == 1, (f"expected exactly one error line on stderr, got "
                             f"{len(lines)}: {lines[:5]}" + res.describe())
    return lines[0]


def assert_untouched(dst, res):
    """Nothing was written to the destination: no key in any database and
    no change counted since the server started."""
    sizes = compare.dbsizes(dst)
    assert sizes == {}, f"the destination holds keys: {sizes}" + res.describe()
    changes = dirty(dst)
    assert changes == 0, (f"the destination counted {changes} change(s)"
                          + res.describe())


def assert_failed_clearly(res, case, role, host, port, dst):
    """Exit 1, one error line naming the endpoint and what failed (and no
    other failure's words), status failed, the destination untouched."""
    expect_exit(res, 1)
    line = one_error_line(res)
    assert f"{host}:{port}" in line and role in line, (
        f"the error does not name the {role} {host}:{port}: {line!r}")
    words, setting = FAILURES[case]
    assert re.search(words, line, re.I), (
        f"the error does not say {words!r}: {line!r}" + res.describe())
    prefix = "SOURCE" if role == "source" else "DEST"
    if setting:
        setting = setting.format(P=prefix)
        assert setting in line, (f"the error does not name the setting "
                                 f"{setting}: {line!r}")
    for other, (other_words, _) in FAILURES.items():
        if other != case:
            assert not re.search(other_words, line, re.I), (
                f"the {case} error reads like {other} ({other_words!r}): "
                f"{line!r}")
    if res.report is not None:
        assert res.report.get("status") == "failed", res.describe()
        assert res.report.get("keys_copied") == 0, res.describe()
    assert_untouched(dst, res)
    return line


def assert_no_insecure_warning(res):
    warns = [w for w in res.log_lines("warn") if "insecure" in w.lower()
             or "OFF" in w]
    assert not warns, f"a verified run warned about checks: {warns}" + res.describe()


# ---- verified copies -------------------------------------------------------

@pytest.mark.parametrize("kinds", [
    pytest.param(PAIRS[0], marks=pytest.mark.sanitize), PAIRS[1], PAIRS[2]],
    ids=PAIR_IDS)
def test_a_verified_tls_copy_of_every_type_arrives_equal(servers, tool, pki, kinds):
    src = start(servers, pki, kinds[0], "source")
    dst = start(servers, pki, kinds[1], "destination")
    c = src.client()
    data.fill_all_types(c, src.kind, prefix=b"persistent:")
    data.fill_all_types(c, src.kind, prefix=b"volatile:", ttl=True)
    data.fill_binary_names(c)
    data.fill_strings(c, 5000, ttl_every=3)
    keys = compare.scan_keys(c)
    n = len(keys)

    res = copy_tls(tool, pki, src.uri(), dst.uri(host="localhost"))

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_skipped=0,
                  keys_expired=0, keys_failed=0)
    assert_no_insecure_warning(res)
    compare.assert_copied(c, dst.client(), keys=keys, expect_dbsize=n)


@pytest.mark.sanitize
def test_tls_on_the_forced_poll_loop_copies_equal(servers, tool, pki):
    src = start(servers, pki, "redis7", "source")
    dst = start(servers, pki, "valkey8", "destination")
    c = src.client()
    data.fill_all_types(c, src.kind, prefix=b"p:", ttl=True)
    data.fill_strings(c, 5000)
    n = c.dbsize()

    res = copy_tls(tool, pki, src.uri(host="localhost"), dst.uri(),
                   env={"RM_FORCE_POLL": "1"})

    expect_exit(res, 0)
    assert any("poll" in l.lower() for l in res.stderr.splitlines()), (
        "no notice that the poll loop runs" + res.describe())
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
    compare.assert_copied(c, dst.client(), expect_dbsize=n)


# ---- verification failures --------------------------------------------------

def _failing_end(servers, pki, case, kind, name):
    """(server, host in the URI, extra env for its prefix) for each way
    the end named `name` fails."""
    if case == "unknown-ca":
        # Signed by the CA; the tool trusts only the other one.
        return start(servers, pki, kind, name), "localhost", {
            "TLS_CA_FILE": pki.other_ca.cert}
    if case == "name-mismatch":
        return start(servers, pki, kind, name, cert="other_name"), "localhost", {}
    if case == "expired":
        return start(servers, pki, kind, name, cert="expired"), "localhost", {}
    if case == "plain-server":
        return start_plain(servers, kind, name), "127.0.0.1", {}
    raise ValueError(case)


def _uri(server, host):
    return (server.uri(host=host) if isinstance(server, tlsh.TlsServer)
            else f"rediss://{host}:{server.port}")


CASES = ["unknown-ca", "name-mismatch", "expired", "plain-server"]


@pytest.mark.parametrize("case", CASES)
def test_a_destination_failing_tls_stops_with_one_clear_line_and_is_untouched(
        servers, tool, pki, case):
    src = start(servers, pki, "redis7", "source")
    dst, host, extra = _failing_end(servers, pki, case, "valkey8", "destination")
    data.fill_strings(src.client(), 500)
    env = {f"REDIS_DEST_{k}": v for k, v in extra.items()}

    res = copy_tls(tool, pki, src.uri(), _uri(dst, host), env=env,
                   progress="none", timeout=60)

    assert_failed_clearly(res, case, "destination", host, dst.port, dst)


@pytest.mark.parametrize("case", CASES)
def test_a_source_failing_tls_stops_before_any_write_to_the_destination(
        servers, tool, pki, case):
    src, host, extra = _failing_end(servers, pki, case, "redis7", "source")
    dst = start(servers, pki, "valkey8", "destination")
    data.fill_strings(src.client(), 500)
    env = {f"REDIS_SOURCE_{k}": v for k, v in extra.items()}

    res = copy_tls(tool, pki, _uri(src, host), dst.uri(host="localhost"),
                   env=env, progress="none", timeout=60)

    assert_failed_clearly(res, case, "source", host, src.port, dst)


@pytest.mark.sanitize
def test_the_ip_address_is_checked_against_the_certificates_ip_names(servers, tool, pki):
    # The other-name certificate holds no IP address: 127.0.0.1 must not pass.
    src = start(servers, pki, "redis7", "source")
    dst = start(servers, pki, "redis7", "destination", cert="other_name")
    data.fill_strings(src.client(), 100)

    res = copy_tls(tool, pki, src.uri(), dst.uri(), progress="none")

    assert_failed_clearly(res, "name-mismatch", "destination", "127.0.0.1",
                          dst.port, dst)


def test_a_server_name_the_certificate_lacks_fails_the_name_check(servers, tool, pki):
    # REDIS_DEST_TLS_SERVER_NAME is what the certificate is checked against.
    src = start(servers, pki, "redis7", "source")
    dst = start(servers, pki, "redis7", "destination")
    data.fill_strings(src.client(), 100)

    res = copy_tls(tool, pki, src.uri(), dst.uri(host="localhost"),
                   env={"REDIS_DEST_TLS_SERVER_NAME": tlsh.OTHER_NAME},
                   progress="none")

    assert_failed_clearly(res, "name-mismatch", "destination", "localhost",
                          dst.port, dst)


# ---- the insecure setting ----------------------------------------------------

INSECURE = [
    ("destination", "env"), ("destination", "flag"),
    ("source", "env"), ("source", "flag"),
]


@pytest.mark.parametrize("role,form", INSECURE, ids=[f"{r}-{f}" for r, f in INSECURE])
def test_the_insecure_setting_copies_an_unverifiable_end_with_a_warning_naming_it(
        servers, tool, pki, role, form):
    # The unverifiable end has an expired certificate, and the tool is given
    # a CA that did not sign it: both checks would fail.
    kinds = {"source": "redis7", "destination": "valkey8"}
    other_role = "destination" if role == "source" else "source"
    bad = start(servers, pki, kinds[role], role, cert="expired")
    good = start(servers, pki, kinds[other_role], other_role)
    src, dst = (bad, good) if role == "source" else (good, bad)
    c = src.client()
    data.fill_all_types(c, src.kind, prefix=b"i:", ttl=True)
    n = c.dbsize()
    prefix = "SOURCE" if role == "source" else "DEST"
    env = {f"REDIS_{prefix}_TLS_CA_FILE": pki.other_ca.cert}
    args = []
    if form == "env":
        env[f"REDIS_{prefix}_TLS_INSECURE"] = "true"
    else:
        args.append(f"--{'source' if role == 'source' else 'dest'}-tls-insecure")

    res = copy_tls(tool, pki, src.uri(host="localhost"),
                   dst.uri(host="localhost"), *args, env=env)

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
    endpoint = f"localhost:{bad.port}"
    warns = [w for w in res.log_lines("warn") if endpoint in w]
    assert len(warns) == 1, (f"expected one warning naming {endpoint}, got "
                             f"{warns}" + res.describe())
    assert role in warns[0], f"the warning does not say {role}: {warns[0]!r}"
    other = f"localhost:{good.port}"
    assert not [w for w in res.log_lines("warn") if other in w], (
        f"the verified end {other} was warned about too" + res.describe())
    compare.assert_copied(c, dst.client(), expect_dbsize=n)


def test_the_insecure_setting_of_one_end_does_not_loosen_the_other(servers, tool, pki):
    src = start(servers, pki, "redis7", "source", cert="expired")
    dst = start(servers, pki, "redis7", "destination", cert="expired")
    data.fill_strings(src.client(), 100)

    res = copy_tls(tool, pki, src.uri(host="localhost"),
                   dst.uri(host="localhost"), "--dest-tls-insecure",
                   progress="none")

    assert_failed_clearly(res, "expired", "source", "localhost", src.port, dst)


@pytest.mark.parametrize("value", ["false", "0"])
def test_an_insecure_variable_set_to_false_keeps_the_checks(servers, tool, pki, value):
    src = start(servers, pki, "redis7", "source")
    dst = start(servers, pki, "redis7", "destination", cert="expired")
    data.fill_strings(src.client(), 100)

    res = copy_tls(tool, pki, src.uri(), dst.uri(host="localhost"),
                   env={"REDIS_DEST_TLS_INSECURE": value}, progress="none")

    assert_failed_clearly(res, "expired", "destination", "localhost", dst.port, dst)


# ---- client certificates -----------------------------------------------------

@pytest.mark.sanitize
def test_a_server_requiring_client_certificates_takes_the_configured_one(servers, tool, pki):
    src = start(servers, pki, "redis7", "source", auth_clients=True)
    dst = start(servers, pki, "valkey8", "destination", auth_clients=True)
    c = src.client()
    data.fill_all_types(c, src.kind, prefix=b"m:")
    n = c.dbsize()
    env = {}
    for p in ("SOURCE", "DEST"):
        env[f"REDIS_{p}_TLS_CERT_FILE"] = pki.client.cert
        env[f"REDIS_{p}_TLS_KEY_FILE"] = pki.client.key

    res = copy_tls(tool, pki, src.uri(), dst.uri(host="localhost"), env=env)

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
    compare.assert_copied(c, dst.client(), expect_dbsize=n)


@pytest.mark.parametrize("role", ["destination", "source"])
def test_a_server_requiring_client_certificates_fails_clearly_without_one(servers, tool, pki, role):
    src = start(servers, pki, "redis7", "source", auth_clients=role == "source")
    dst = start(servers, pki, "valkey8", "destination",
                auth_clients=role == "destination")
    data.fill_strings(src.client(), 500)
    failing = src if role == "source" else dst

    res = copy_tls(tool, pki, src.uri(host="localhost"),
                   dst.uri(host="localhost"), progress="none", timeout=60)

    assert_failed_clearly(res, "no-client-cert", role, "localhost",
                          failing.port, dst)


# ---- the server-name override ------------------------------------------------

def test_the_server_name_setting_verifies_a_certificate_for_another_name(servers, tool, pki):
    src = start(servers, pki, "redis7", "source", cert="other_name")
    dst = start(servers, pki, "valkey8", "destination", cert="other_name")
    c = src.client()
    data.fill_all_types(c, src.kind, prefix=b"sni:", ttl=True)
    n = c.dbsize()

    res = copy_tls(tool, pki, src.uri(), dst.uri(), env={
        "REDIS_SOURCE_TLS_SERVER_NAME": tlsh.OTHER_NAME,
        "REDIS_DEST_TLS_SERVER_NAME": tlsh.OTHER_NAME})

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
    assert_no_insecure_warning(res)
    compare.assert_copied(c, dst.client(), expect_dbsize=n)


# ---- reconnects --------------------------------------------------------------

RECONNECT_KEYS = 200_000
# Source reads per second: about 4 s for RECONNECT_KEYS (DUMP and the
# deadline are two reads per key), long enough for kills to land mid-copy.
RECONNECT_MAX_OPS = "100000"


def _tool_clients(server):
    return [c for c in server.client().client_list()
            if c.get("name", "").startswith("redis-migrate")]


def _assert_populated_copy_equal(c, d, keys):
    """The DEBUG POPULATE keys compared by value in large MGET chunks (much
    quicker over TLS than compare.assert_copied), none with a TTL on the
    destination, and nothing else there."""
    keys = sorted(keys)
    for i in range(0, len(keys), 10_000):
        chunk = keys[i:i + 10_000]
        want, got = c.mget(chunk), d.mget(chunk)
        bad = [compare.esc(k) for k, a, b in zip(chunk, want, got) if a != b]
        assert not bad, (f"{len(bad)} key(s) differ on the destination, e.g. "
                         f"{bad[:5]}")
    space = d.info("keyspace")
    assert set(space) == {"db0"}, f"destination keyspace: {space}"
    assert space["db0"]["keys"] == len(keys), f"destination keyspace: {space}"
    assert space["db0"].get("expires", 0) == 0, (
        f"keys gained a TTL on the destination: {space}")


def _kill_normal_clients(server, busy_s=0.0):
    """CLIENT KILL TYPE normal on `server` (it skips the caller); returns
    how many went. With `busy_s`, the server is first held in DEBUG SLEEP
    and the kill queued behind it, so that it lands while the server is
    part way through what the tool pipelined meanwhile (on a source, a
    MULTI ... EXEC answered only in part)."""
    sleeper = None
    if busy_s:
        def sleep(sc=server.client()):
            try:
                sc.execute_command("DEBUG", "SLEEP", busy_s)
            except Exception:
                pass  # the kill may take this connection too
        sleeper = threading.Thread(target=sleep, daemon=True)
        sleeper.start()
        time.sleep(busy_s / 2)
    killed = server.client().execute_command("CLIENT", "KILL", "TYPE", "normal")
    if sleeper:
        sleeper.join(timeout=30)
    return killed


def _copy_with_kills(tool, pki, src, dst, plan, gap_s=0.3):
    """Starts a stretched copy of the populated source, waits until a
    twentieth is written, then kills the normal clients of each server of
    `plan`, a list of (server, busy_s), `gap_s` apart. When the run ends
    well, asserts that every kill cut the tool's connections while the
    copy still ran. Returns the result."""
    d = dst.client()
    run = tool.start_copy(src.uri(), dst.uri(host="localhost"),
                          "--max-ops", RECONNECT_MAX_OPS, env=tls_env(pki))
    done = []
    try:
        wait_for(lambda: d.dbsize() >= RECONNECT_KEYS // 20
                 or run.proc.poll() is not None, 30,
                 "the copy to write a twentieth of the keys")
        for i, (server, busy_s) in enumerate(plan):
            if i:
                time.sleep(gap_s)
            # A connection killed before may still be reconnecting.
            wait_for(
                lambda: _tool_clients(server) or run.proc.poll() is not None,
                10, f"the tool's connections to the {server.name}")
            if run.proc.poll() is not None:
                break
            tool_conns = len(_tool_clients(server))
            killed = _kill_normal_clients(server, busy_s)
            done.append((server.name, busy_s, tool_conns, killed, d.dbsize()))
    except BaseException:
        run.kill()
        raise
    res = run.finish(120)
    expect_secret_absent(res, PASSWORD)
    if res.code == 0:
        # (When the run failed, its exit status is the finding.)
        assert len(done) == len(plan), (
            f"the copy ended after {len(done)} of {len(plan)} kills: stretch "
            f"it; kills (server, busy s, tool connections, killed, written): "
            f"{done}" + res.describe())
        for name, _, conns, killed, written in done:
            assert conns and killed >= conns and written < RECONNECT_KEYS, (
                f"a kill on the {name} did not cut the tool's connections "
                f"mid-copy; kills (server, busy s, tool connections, killed, "
                f"written): {done}" + res.describe())
    return res


def _assert_resumed_and_equal(res, c, d, keys):
    expect_exit(res, 0)
    r = expect_report(res, "ok", keys_scanned=RECONNECT_KEYS,
                      keys_copied=RECONNECT_KEYS, keys_failed=0)
    assert r.get("reconnects", 0) > 0, "the report counts no reconnect" + res.describe()
    assert r.get("tls_sessions_resumed", 0) > 0, (
        "no TLS session was resumed after the reconnects" + res.describe())
    _assert_populated_copy_equal(c, d, keys)


@pytest.mark.parametrize("kinds", [PAIRS[0], PAIRS[2]], ids=[PAIR_IDS[0], PAIR_IDS[2]])
def test_destination_connections_killed_mid_copy_reconnect_and_resume_their_tls_sessions(
        servers, tool, pki, kinds):
    src = start(servers, pki, kinds[0], "source")
    dst = start(servers, pki, kinds[1], "destination")
    c, d = src.client(), dst.client()
    keys = data.populate(c, RECONNECT_KEYS)
    assert c.dbsize() == RECONNECT_KEYS

    res = _copy_with_kills(tool, pki, src, dst, [(dst, 0)])

    _assert_resumed_and_equal(res, c, d, keys)


@pytest.mark.parametrize("kinds", [PAIRS[0], PAIRS[2]], ids=[PAIR_IDS[0], PAIR_IDS[2]])
def test_connections_killed_on_both_ends_mid_copy_reconnect_and_resume_their_tls_sessions(
        servers, tool, pki, kinds):
    src = start(servers, pki, kinds[0], "source")
    dst = start(servers, pki, kinds[1], "destination")
    c, d = src.client(), dst.client()
    keys = data.populate(c, RECONNECT_KEYS)
    assert c.dbsize() == RECONNECT_KEYS

    # Kills queued behind a busy server cut a transaction of reads on the
    # source in half: the case a reconnect must resend from MULTI.
    res = _copy_with_kills(tool, pki, src, dst, [
        (src, 0.2), (dst, 0), (src, 0), (dst, 0.2), (src, 0.2)])

    _assert_resumed_and_equal(res, c, d, keys)
