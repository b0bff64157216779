"""A deliberately simple reference copy in Python (DUMP, PEXPIRETIME,
RESTORE ... ABSTTL), used by the suite's self-tests to show that the
comparer passes on a correct copy and fails on a broken one, and by the
verify tests to make a destination equal to its source without the tool."""

from .compare import scan_keys


def reference_copy(src, dst):
    keys = sorted(scan_keys(src))
    p = src.pipeline(transaction=False)
    for k in keys:
        p.execute_command("DUMP", k)
        p.execute_command("PEXPIRETIME", k)
    replies = p.execute()
    w = dst.pipeline(transaction=False)
    for i, k in enumerate(keys):
        payload, deadline = replies[2 * i], replies[2 * i + 1]
        if payload is None:
            continue
        if deadline > 0:
            w.execute_command("RESTORE", k, deadline, payload, "ABSTTL", "REPLACE")
        else:
            w.execute_command("RESTORE", k, 0, payload, "REPLACE")
    w.execute()
    return keys


def reference_copy_keys(src, dst, keys):
    """The same copy for the given keys through redis-py's own methods
    (DUMP, PEXPIRETIME, RESTORE ... ABSTTL REPLACE), so that `src` and
    `dst` may also be a cluster's Routed client. Returns the keys copied."""
    keys = sorted(keys)
    p = src.pipeline(transaction=False)
    for k in keys:
        p.dump(k)
        p.pexpiretime(k)
    replies = p.execute()
    w = dst.pipeline(transaction=False)
    copied = []
    for i, k in enumerate(keys):
        payload, deadline = replies[2 * i], replies[2 * i + 1]
        if payload is None:
            continue
        if deadline > 0:
            w.restore(k, deadline, payload, replace=True, absttl=True)
        else:
            w.restore(k, 0, payload, replace=True)
        copied.append(k)
    w.execute()
    return copied
