"""Fixtures of the integration suite: the binary under test, real servers
on free ports in temporary folders, server pairs, and the tool runner.

A missing binary is an error in every test that needs it (never a skip).
When a test fails, the tail of each of its servers' logs is attached to the
failure report.
"""

import os
import pathlib

import pytest

from rmtest import servers as srv
from rmtest.tool import Tool

REPO = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO / "build" / "redis-migrate"

PAIRS = [("redis7", "redis7"), ("valkey8", "valkey8"), ("redis7", "valkey8")]
PAIR_IDS = [f"{a}->{b}" for a, b in PAIRS]

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


def _binary_problem(path):
    if not os.path.exists(path):
        return "does not exist"
    if not os.access(path, os.X_OK):
        return "is not executable"
    return None


@pytest.fixture(scope="session")
def rm_bin():
    path = os.environ.get("RM_BIN") or str(DEFAULT_BIN)
    problem = _binary_problem(path)
    if problem:
        pytest.fail(
            f"the redis-migrate binary {path} {problem}: build it "
            f"(scripts/build, or cmake -S {REPO} -B {REPO}/build && cmake --build "
            f"{REPO}/build) or point RM_BIN at one", pytrace=False)
    return path


@pytest.fixture
def tool(rm_bin, tmp_path):
    return Tool(rm_bin, tmp_path / "tool")


@pytest.fixture
def run_copy(tool):
    """run_copy(src, dst, *args, env=None, timeout=..., progress='plain',
    cwd=None) -> ToolResult, unpacking as (code, stdout, stderr, report)."""
    return tool.copy


class ServerSet:
    """Starts servers for one test and stops them all at its end."""

    def __init__(self, tmp_path, node):
        self.tmp = tmp_path
        self.node = node
        self.started = []
        node._rm_servers = self.started

    def start(self, kind, *config, name=None):
        name = name or f"{kind}-{len(self.started) + 1}"
        s = srv.Server(kind, self.tmp / "servers" / name, config=config, name=name)
        self.started.append(s)
        return s.start()

    def stop_all(self):
        for s in self.started:
            s.stop()


@pytest.fixture
def servers(tmp_path, request):
    ss = ServerSet(tmp_path, request.node)
    yield ss
    ss.stop_all()


@pytest.fixture(params=PAIRS, ids=PAIR_IDS)
def pair(request, servers):
    """(source, destination) servers for each pair of kinds."""
    a, b = request.param
    return servers.start(a, name="source"), servers.start(b, name="destination")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for s in getattr(item, "_rm_servers", []):
            rep.sections.append((f"server log: {s.name} ({s.kind}, port {s.port})",
                                 s.log_tail()))


def pytest_sessionfinish(session, exitstatus):
    srv.stop_all()
