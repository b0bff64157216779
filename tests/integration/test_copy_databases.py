"""Databases: every non-empty source db into the same number by default,
--db picks one, --db-map moves them, a non-empty target db without a
policy stops the run. (Acceptance item 9.)

Reading taken where the contract is silent: with --db-map, a non-empty
source db that no mapping names is still copied into the db of the same
number (the default rule), and only the databases the run writes to must
be empty.
"""

import pytest

from rmtest import compare, data
from rmtest.checks import expect_exit, expect_report

SIZES = {0: 12, 2: 5, 3: 7}


def _setup(servers, sizes=SIZES, kind="redis7"):
    src = servers.start(kind, name="source")
    dst = servers.start(kind, name="destination")
    for db, n in sizes.items():
        c = src.client(db=db)
        data.fill_strings(c, n, prefix=b"db%d:" % db, ttl_every=2)
        c.hset(b"db%d:hash" % db, mapping={b"db": b"%d" % db})
    return src, dst


def _expect_dbs(src, dst, moves, res):
    """moves: {source db: destination db}. Each moved db equal, every other
    destination db empty."""
    want = {}
    for s_db, d_db in moves.items():
        compare.assert_copied(src.client(db=s_db), dst.client(db=d_db),
                              context=f" (source db {s_db} -> destination db {d_db})")
        want[d_db] = src.client(db=s_db).dbsize()
    got = compare.dbsizes(dst)
    assert got == want, f"destination databases {got}, expected {want}" + res.describe()
    n = sum(want.values())
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)


@pytest.mark.parametrize("kind", ["redis7", "valkey8"])
def test_by_default_every_non_empty_source_db_lands_in_the_same_number(servers, run_copy, kind):
    src, dst = _setup(servers, kind=kind)
    res = run_copy(src, dst)
    expect_exit(res, 0)
    _expect_dbs(src, dst, {0: 0, 2: 2, 3: 3}, res)


def test_db_3_copies_only_db_3(servers, run_copy):
    src, dst = _setup(servers)
    res = run_copy(src, dst, "--db", "3")
    expect_exit(res, 0)
    _expect_dbs(src, dst, {3: 3}, res)


def test_a_source_uri_with_db_3_is_the_same_as_db_3(servers, run_copy):
    src, dst = _setup(servers)
    res = run_copy(src.uri(db=3), dst)
    expect_exit(res, 0)
    _expect_dbs(src, dst, {3: 3}, res)


def test_db_3_with_db_map_3_to_5_moves_it(servers, run_copy):
    src, dst = _setup(servers)
    res = run_copy(src, dst, "--db", "3", "--db-map", "3:5")
    expect_exit(res, 0)
    _expect_dbs(src, dst, {3: 5}, res)


def test_db_map_3_to_5_moves_db_3_and_leaves_unmapped_dbs_at_their_number(servers, run_copy):
    src, dst = _setup(servers)
    res = run_copy(src, dst, "--db-map", "3:5")
    expect_exit(res, 0)
    _expect_dbs(src, dst, {0: 0, 2: 2, 3: 5}, res)


def test_two_db_maps_move_two_databases(servers, run_copy):
    src, dst = _setup(servers, sizes={0: 12, 2: 5})
    res = run_copy(src, dst, "--db-map", "0:1", "--db-map", "2:3")
    expect_exit(res, 0)
    _expect_dbs(src, dst, {0: 1, 2: 3}, res)


def test_a_db_map_into_a_non_empty_destination_db_without_a_policy_stops_with_exit_2(servers, run_copy):
    src, dst = _setup(servers)
    dst.client(db=5).set(b"already here", b"1")
    before = compare.snapshot(dst)
    res = run_copy(src, dst, "--db", "3", "--db-map", "3:5")
    expect_exit(res, 2)
    assert any("--on-conflict" in l for l in res.stderr.splitlines()), res.describe()
    assert compare.diff_snapshots(before, compare.snapshot(dst)) == [], "the destination changed"


def test_keys_in_a_destination_db_the_run_does_not_write_to_do_not_stop_it(servers, run_copy):
    src, dst = _setup(servers)
    dst.client(db=9).set(b"unrelated", b"1")
    res = run_copy(src, dst)
    expect_exit(res, 0)
    assert dst.client(db=9).get(b"unrelated") == b"1"
    assert compare.dbsizes(dst) == {**{db: src.client(db=db).dbsize() for db in SIZES}, 9: 1}
    for s_db in SIZES:
        compare.assert_copied(src.client(db=s_db), dst.client(db=s_db))
    n = sum(src.client(db=db).dbsize() for db in SIZES)
    expect_report(res, "ok", keys_scanned=n, keys_copied=n, keys_failed=0)
