#!/usr/bin/python3
"""Records the DUMP payloads that tests/unit/test_digest.c digests, as C
string literals in payloads.h beside this file.

Usage: /usr/bin/python3 tests/unit/data/digest/record.py [OUT]

Starts three redis-server 7.0 processes on 127.0.0.1 (free ports, a
temporary folder, no persistence): "one" and "two" with the defaults, each
with its own random hash seed, so that the same collection is laid out in
another order in each; "plain" with rdbcompression no. In each it builds:
  - a set of 60 members: short strings, integers (stored as 8-, 16- and
    32-bit integers in the payload) and 40-byte repetitive strings (LZF
    blocks where compression is on), so a hash table, not an intset;
  - a hash of 520 fields (over the 512 a listpack holds), so a hash table;
and, in "two" only, each of them with one element changed ("_other") and
a small hash (a listpack). Every process is started here and stopped here
by its PID.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import redis

SERVER = "/usr/bin/redis-server"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder, *conf):
    port = free_port()
    proc = subprocess.Popen(
        [SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", folder, *conf],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return proc, client
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)


def members():
    out = [b"m%d" % i for i in range(20)]
    out += [b"%d" % v for v in (7, -100, 300, 40000, -70000, 2000000000, 12, 99, 5, 65535)]
    out += [(b"%02d" % i) * 20 for i in range(20)]
    out += [b"x" * 70 + b"%d" % i for i in range(10)]
    return out


def build(c, other=False):
    m = members()
    if other:
        m[3] = b"changed"
    c.sadd("set", *m)
    fields = {b"f%d" % i: b"v%d" % i for i in range(520)}
    if other:
        fields[b"f7"] = b"changed"
    c.hset("hash", mapping=fields)


def dumps(c):
    return {k: c.dump(k) for k in ("set", "hash")}


def literal(name, payload):
    body = "".join(f"\\x{b:02x}" for b in payload)
    lines = [body[i:i + 72] for i in range(0, len(body), 72)]
    text = "\n".join(f'    "{l}"' for l in lines)
    return f"static const char {name}[] =\n{text};\n"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "payloads.h")
    root = tempfile.mkdtemp(prefix="digest-record-")
    procs = []
    try:
        recorded = {}
        for name, conf in (("one", ()), ("two", ()), ("plain", ("--rdbcompression", "no"))):
            folder = os.path.join(root, name)
            os.mkdir(folder)
            proc, c = start(folder, *conf)
            procs.append(proc)
            build(c)
            for k, v in dumps(c).items():
                if name != "plain" or k == "set":  # the hash has no long strings
                    recorded[f"{k}_{name}"] = v
            if name == "two":
                c.flushall()
                build(c, other=True)
                for k, v in dumps(c).items():
                    recorded[f"{k}_other"] = v
                c.hset("small", mapping={"a": "1", "b": "2"})
                recorded["hash_small"] = c.dump("small")
        for k in ("set", "hash"):
            if recorded[f"{k}_one"][:-10] == recorded[f"{k}_two"][:-10]:
                sys.exit(f"the {k} was laid out alike on both servers: run again")
        with open(out, "w") as f:
            f.write("/*\n * DUMP payloads recorded by tests/unit/data/digest/record.py "
                    "from real\n * redis-server 7.0 processes on 127.0.0.1. Generated: "
                    "edit record.py and\n * run it again rather than this file. "
                    "Included once, by\n * tests/unit/test_digest.c.\n */\n"
                    "/* clang-format off */\n\n")
            for name in sorted(recorded):
                f.write(literal(name, recorded[name]) + "\n")
            f.write("/* clang-format on */\n")
    finally:
        for p in procs:
            p.kill()
            p.wait()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
