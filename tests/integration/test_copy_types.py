"""copy carries every type, encoding and awkward name byte for byte.
(Acceptance items 1 and 2.)"""

import pytest

from rmtest import compare, data
from rmtest.checks import (escape_key, expect_exit, expect_report, unescape_key)


@pytest.mark.sanitize
def test_every_type_in_small_and_large_encodings_with_and_without_ttl_arrives_equal(pair, run_copy):
    src, dst = pair
    c = src.client()
    data.fill_all_types(c, src.kind, prefix=b"persistent:")
    data.fill_all_types(c, src.kind, prefix=b"volatile:", ttl=True)
    n = len(compare.scan_keys(c))

    res = run_copy(src, dst)

    expect_exit(res, 0)
    r = expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_skipped=0,
                      keys_expired=0, keys_failed=0)
    compare.assert_copied(c, dst.client(), expect_dbsize=n)
    assert r["bytes_copied"] >= 3 * 1024 * 1024, (
        "bytes_copied is smaller than the one 3 MiB string alone" + res.describe())
    assert f"{n}" in res.stdout, "the summary on stdout does not show the key count" + res.describe()


@pytest.mark.sanitize
def test_binary_key_names_nul_crlf_high_bytes_64k_names_and_empty_values_arrive_byte_for_byte(pair, run_copy):
    src, dst = pair
    c = src.client()
    names = data.fill_binary_names(c)
    assert c.dbsize() == len(names)
    assert c.get(b"") == b"" and c.type(b"") == b"string"

    res = run_copy(src, dst)

    expect_exit(res, 0)
    expect_report(res, "ok", keys_scanned=len(names), keys_copied=len(names), keys_failed=0)
    compare.assert_copied(c, dst.client(), keys=names)
    # No raw control byte of a key name reaches the terminal.
    for out in (res.stdout_bytes, res.stderr_bytes):
        assert b"\x1b[31m" not in out and b"\x00" not in out, (
            "a raw control byte of a key name reached the output" + res.describe())


CONFLICTING = [
    b"\x00",
    b"nul\x00inside",
    b"line\r\nbreak",
    b"tab\there",
    b"back\\slash",
    b"\\x41 not an escape",
    b"quote\"'",
    b"sp ace",
    b"\x7f\x1b[31m",
    b"\xff" * 10,
    "ключ".encode(),
    b"",
]


def _escaped_in(text, raw):
    e = escape_key(raw)
    return e in text or e.replace("\\x", "\\X").upper() in text.upper()


def test_a_key_that_fails_is_named_escaped_in_the_summary_and_the_report(servers, run_copy):
    src, dst = servers.start("redis7", name="source"), servers.start("redis7", name="destination")
    c, d = src.client(), dst.client()
    names = data.fill_binary_names(c)
    for k in CONFLICTING:
        assert k in names
        d.set(k, b"pre-existing")

    res = run_copy(src, dst, "--on-conflict", "fail")

    expect_exit(res, 3)
    r = expect_report(res, "partial", keys_scanned=len(names), keys_failed=len(CONFLICTING),
                      keys_copied=len(names) - len(CONFLICTING))
    listed = r.get("failed_keys")
    assert isinstance(listed, list) and len(listed) == len(CONFLICTING), (
        "failed_keys should list every conflicting key" + res.describe())
    decoded = []
    for item in listed:
        s = item["key"]
        raw = unescape_key(s)
        assert raw is not None, f"failed key {s!r} is not in the escaped form" + res.describe()
        assert s == escape_key(raw) or s.lower() == escape_key(raw).lower(), (
            f"failed key {s!r} is not escaped canonically (expected {escape_key(raw)!r})")
        assert item.get("error"), f"failed key {s!r} has no error text" + res.describe()
        decoded.append(raw)
    assert sorted(decoded) == sorted(CONFLICTING), (
        f"failed keys listed: {sorted(decoded)!r}, expected {sorted(CONFLICTING)!r}")
    for k in CONFLICTING:
        if k:
            assert _escaped_in(res.stdout, k), (
                f"the summary does not name the failed key {escape_key(k)!r}" + res.describe())
    assert b"\x1b[31m" not in res.stdout_bytes and b"\x00" not in res.stdout_bytes

    # The conflicting keys kept their value; every other key arrived.
    for k in CONFLICTING:
        assert d.get(k) == b"pre-existing", f"key {escape_key(k)} was overwritten under fail"
    others = [k for k in names if k not in CONFLICTING]
    compare.assert_copied(c, d, keys=others, expect_dbsize=len(names))
