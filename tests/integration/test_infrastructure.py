"""Self-tests of the suite's own parts, which need no redis-migrate binary:
the data generators really produce every encoding, and the comparer both
passes a correct copy and catches each kind of difference."""

import pytest

from rmtest import compare, data
from rmtest.refcopy import reference_copy


@pytest.mark.parametrize("kind", ["redis7", "valkey8"])
def test_generated_data_has_every_small_and_large_encoding(servers, kind):
    s = servers.start(kind)
    c = s.client()
    keys = data.fill_all_types(c, kind, prefix=b"p:")
    keys.update(data.fill_all_types(c, kind, prefix=b"t:", ttl=True))
    encodings = set(keys.values())
    wanted = {"int", "embstr", "raw", "listpack", "hashtable", "quicklist",
              "intset", "skiplist", "stream"}
    assert wanted <= encodings, f"missing encodings: {wanted - encodings}"
    assert c.dbsize() == len(keys)
    assert all(c.pttl(k) > 0 for k in keys if k.startswith(b"t:"))
    assert all(c.pttl(k) == -1 for k in keys if k.startswith(b"p:"))


@pytest.mark.parametrize("kinds", [("redis7", "redis7"), ("redis7", "valkey8")],
                         ids=["redis7->redis7", "redis7->valkey8"])
def test_comparer_passes_a_correct_copy_and_catches_every_kind_of_difference(servers, kinds):
    src_s, dst_s = servers.start(kinds[0]), servers.start(kinds[1])
    src, dst = src_s.client(), dst_s.client()
    data.fill_all_types(src, kinds[0], prefix=b"p:")
    data.fill_all_types(src, kinds[0], prefix=b"t:", ttl=True)
    data.fill_binary_names(src)
    reference_copy(src, dst)
    compare.assert_copied(src, dst)

    def must_catch(mutate, *needles):
        dst.flushall()
        reference_copy(src, dst)
        compare.assert_copied(src, dst)
        mutate()
        with pytest.raises(AssertionError) as e:
            compare.assert_copied(src, dst)
        for n in needles:
            assert n in str(e.value), f"{n!r} not in: {e.value}"

    must_catch(lambda: dst.set(b"p:str:short", b"other"), "p:str:short", "value differs")
    must_catch(lambda: dst.hset(b"p:hash:many", b"field:7", b"x"), "p:hash:many")
    must_catch(lambda: dst.lset(b"p:list:many", 5, b"x"), "p:list:many")
    must_catch(lambda: dst.srem(b"t:set:many", b"member:3"), "t:set:many")
    must_catch(lambda: dst.zadd(b"p:zset:small", {b"tiny": 2e-300}), "p:zset:small")
    must_catch(lambda: dst.zadd(b"p:zset:small", {b"frac": 0.10000000000000002}), "p:zset:small")
    must_catch(lambda: dst.xack(b"p:stream:groups", "g1", dst.xpending_range(
        b"p:stream:groups", "g1", "-", "+", 1)[0]["message_id"]), "p:stream:groups")
    must_catch(lambda: dst.xgroup_setid(b"p:stream:groups", "g2", "0"), "p:stream:groups")
    must_catch(lambda: dst.persist(b"t:str:int"), "t:str:int", "none on the destination")
    must_catch(lambda: dst.pexpire(b"p:str:int", 100000), "p:str:int", "persistent on the source")
    must_catch(lambda: dst.pexpireat(b"t:str:long", src.pexpiretime(b"t:str:long") + 1500),
               "t:str:long", "deadline differs")
    must_catch(lambda: dst.set(b"extra", b"1"), "DBSIZE", "extra")
    must_catch(lambda: dst.delete(b"\x00"), "\\x00", "missing")
    must_catch(lambda: (dst.delete(b"p:str:int"), dst.rpush(b"p:str:int", b"1")),
               "p:str:int", "type list")


def test_snapshots_see_a_changed_value_ttl_or_key(servers):
    s = servers.start("redis7")
    c = s.client(db=2)
    data.fill_all_types(c, "redis7", ttl=True)
    before = compare.snapshot(s)
    assert compare.diff_snapshots(before, compare.snapshot(s)) == []
    c.pexpire(b"str:int", 5 * 3600 * 1000)
    c.set(b"new", b"1")
    c.rpush(b"list:small", b"x")
    problems = compare.diff_snapshots(before, compare.snapshot(s))
    assert len(problems) == 3, problems
