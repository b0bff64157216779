#!/usr/bin/python3
"""The slow reference row of the bench: what a careful operator writes in an
afternoon with redis-py. SCAN the source 1000 keys at a time, pipeline
DUMP and PTTL for the page, then pipeline RESTORE ... REPLACE into the
destination. TTLs travel as relative milliseconds (PTTL), as such scripts
usually do.

Usage: pyref.py SRC_PORT DST_PORT [BATCH]   (both servers on 127.0.0.1)
Prints "keys N" on stdout; exits 1 when a command fails.
"""
import sys

import redis


def copy_page(src, dst, keys):
    """Copies one page of keys; returns how many were written."""
    pipe = src.pipeline(transaction=False)
    for k in keys:
        pipe.dump(k)
        pipe.pttl(k)
    got = pipe.execute()

    out = dst.pipeline(transaction=False)
    n = 0
    for i, k in enumerate(keys):
        payload, ttl = got[2 * i], got[2 * i + 1]
        if payload is None or ttl == -2:
            continue  # gone between SCAN and DUMP
        out.restore(k, ttl if ttl > 0 else 0, payload, replace=True)
        n += 1
    out.execute()
    return n


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    batch = int(sys.argv[3]) if len(sys.argv) == 4 else 1000
    src = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
    dst = redis.Redis(host="127.0.0.1", port=int(sys.argv[2]))

    cursor, total = 0, 0
    while True:
        cursor, keys = src.scan(cursor=cursor, count=batch)
        if keys:
            total += copy_page(src, dst, keys)
        if cursor == 0:
            break
    print(f"keys {total}")


if __name__ == "__main__":
    try:
        main()
    except redis.RedisError as e:
        print(f"pyref: {e}", file=sys.stderr)
        sys.exit(1)
