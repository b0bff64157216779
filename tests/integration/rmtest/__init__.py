"""Helpers of the integration suite.

servers  real redis-server 7.0 / valkey-server 8.0 on free ports
tool     runs the redis-migrate binary in a clean environment and cwd
data     every type and encoding, binary names, bulk fills
compare  reads keys (type, value, deadline) and compares two ends
checks   report/exit assertions, escaped names, background activity
refcopy  a tiny Python DUMP/RESTORE copy for the suite's self-tests
streams  streams with groups and PELs, XINFO STREAM FULL normalised
bigkeys  big lists, hashes, sorted sets, streams and strings, built fast
memory   peak RSS of a run of the tool
"""
