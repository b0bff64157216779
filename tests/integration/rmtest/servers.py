"""Throwaway redis-server / valkey-server processes for the integration tests.

Each server runs on 127.0.0.1 on a free port, in its own folder, from a
config file written there (no persistence, no daemon, log file beside it).
Servers are stopped by their PID: SIGTERM, a bounded wait, then SIGKILL.
Every server started is kept in a registry so that the session can stop
what a crashed test left behind.
"""

import os
import signal
import socket
import subprocess
import time

import redis

BINARIES = {
    "redis7": os.environ.get("RM_REDIS_SERVER", "/usr/bin/redis-server"),
    "valkey8": os.environ.get("RM_VALKEY_SERVER", "/usr/bin/valkey-server"),
}

START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0

# Servers started and not yet stopped, for the session's last clean-up.
LIVE = set()


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerError(RuntimeError):
    pass


class Server:
    """One server process. `config` holds extra config-file lines, e.g.
    'rename-command PEXPIRETIME ""' or 'requirepass X'."""

    def __init__(self, kind, workdir, config=(), name=None):
        if kind not in BINARIES:
            raise ValueError(f"unknown server kind {kind!r}")
        self.kind = kind
        self.binary = BINARIES[kind]
        self.name = name or kind
        self.dir = str(workdir)
        self.config = list(config)
        self.port = None
        self.proc = None
        self.password = None
        for line in self.config:
            parts = line.split(None, 1)
            if parts and parts[0].lower() == "requirepass" and len(parts) == 2:
                self.password = parts[1].strip().strip('"')
        self.log_path = os.path.join(self.dir, "server.log")
        self.stderr_path = os.path.join(self.dir, "server.stderr")
        self.conf_path = os.path.join(self.dir, "server.conf")

    # ---- life cycle ---------------------------------------------------

    def _listen_conf(self):
        """Where the server listens; a TLS server says it otherwise."""
        return [f"port {self.port}"]

    def _base_conf(self):
        """What every server of the suite runs with: 127.0.0.1 only, its
        own folder, nothing kept on disk."""
        return [
            "bind 127.0.0.1",
            "protected-mode no",
            "daemonize no",
            f'dir "{self.dir}"',
            'save ""',
            "appendonly no",
            f'logfile "{self.log_path}"',
            "databases 16",
            "enable-debug-command local",
        ]

    def _write_conf(self):
        lines = self._listen_conf() + self._base_conf() + list(self.config)
        with open(self.conf_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        last = None
        for _attempt in range(5):
            self.port = free_port()
            self._write_conf()
            try:
                self._spawn_and_wait()
                return self
            except ServerError as e:
                last = e
                # Another process took the port between our probe and the
                # server's bind: try another one. Anything else is fatal.
                if "Address already in use" not in self.log_tail(400):
                    raise
        raise last

    def _spawn_and_wait(self):
        with open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(
                [self.binary, self.conf_path],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,
            )
        LIVE.add(self)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                LIVE.discard(self)
                self.proc = None
                raise ServerError(
                    f"{self.name} ({self.binary}) exited with {code} while "
                    f"starting on port {self.port}; log tail:\n{self.log_tail()}"
                )
            try:
                if self.client(socket_timeout=1).ping():
                    return
            except redis.exceptions.AuthenticationError:
                return
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                pass
            except redis.exceptions.ResponseError as e:
                if "NOAUTH" in str(e) or "WRONGPASS" in str(e):
                    return
            time.sleep(0.02)
        self.stop()
        raise ServerError(
            f"{self.name} did not answer PING on 127.0.0.1:{self.port} within "
            f"{START_TIMEOUT_S} s; log tail:\n{self.log_tail()}"
        )

    def stop(self):
        proc, self.proc = self.proc, None
        LIVE.discard(self)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT_S)

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    # ---- access -------------------------------------------------------

    def client(self, db=0, password=None, **kw):
        """A redis-py client on raw bytes (no decoding)."""
        kw.setdefault("socket_timeout", 60)
        kw.setdefault("socket_connect_timeout", 5)
        return redis.Redis(
            host="127.0.0.1",
            port=self.port,
            db=db,
            password=password if password is not None else self.password,
            decode_responses=False,
            **kw,
        )

    def uri(self, db=None, user=None, password=None):
        auth = ""
        if user is not None or password is not None:
            auth = (user or "") + (f":{password}" if password is not None else "") + "@"
        tail = f"/{db}" if db is not None else ""
        return f"redis://{auth}127.0.0.1:{self.port}{tail}"

    @property
    def endpoint(self):
        return f"127.0.0.1:{self.port}"

    def has_command(self, name):
        """Whether the server knows command `name` (a renamed-away command
        reads as unknown)."""
        from .compare import raw
        try:
            info = raw(self.client(), "COMMAND", "INFO", name)
        except redis.exceptions.ResponseError:
            return False
        return bool(info) and info[0] is not None

    def version(self):
        info = self.client().info("server")
        return info.get("valkey_version") or info.get("redis_version")

    def log_tail(self, lines=40):
        out = []
        for path in (self.log_path, self.stderr_path):
            try:
                with open(path, "rb") as f:
                    data = f.read()[-64 * 1024:]
            except OSError:
                continue
            text = data.decode("utf-8", "replace").splitlines()[-lines:]
            if text:
                out.append(f"--- {path}\n" + "\n".join(text))
        return "\n".join(out) if out else "(no server log)"

    def __repr__(self):
        return f"<Server {self.name} {self.kind} 127.0.0.1:{self.port} pid={self.pid}>"


def stop_all():
    for server in list(LIVE):
        server.stop()
