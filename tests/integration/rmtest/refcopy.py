"""A deliberately simple reference copy in Python (DUMP, PEXPIRETIME,
RESTORE ... ABSTTL), used only by the suite's self-tests to show that the
comparer passes on a correct copy and fails on a broken one."""

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
