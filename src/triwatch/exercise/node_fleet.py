"""Start, talk to and stop the node processes of a deployed exercise (one `triwatch node` per nation).

The coordinator listens on a loopback TCP port; each node process it spawns connects back,
proves it holds the run's shared secret (the HMAC challenge of ``multiprocessing.connection``,
both ways) and says which nation it is. Commands and answers are JSON documents.

Every process the fleet starts is stopped by :meth:`NodeFleet.close` -- also after an error or
Ctrl-C -- first politely (SIGTERM), then for certain (SIGKILL after a grace period). A node
process whose coordinator disappears sees its control connection close and exits by itself.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, answer_challenge, deliver_challenge
from pathlib import Path

import triwatch
from triwatch.fabric.lifeline import release, spawn_tied

GRACE_S = 5.0


class _TlsEofNoise(logging.Filter):
    """asyncio warns on every TLS connection nats-py closes ("returning true from eof_received() has no
    effect when using ssl"): harmless, and it would bury real messages."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("returning true from eof_received()")


def quiet_tls_eof_warning() -> None:
    log = logging.getLogger("asyncio")
    if not any(isinstance(f, _TlsEofNoise) for f in log.filters):
        log.addFilter(_TlsEofNoise())


class NodeProcessError(RuntimeError):
    """A node process failed, died or did not answer in time."""


@dataclass
class NodeHandle:
    nation: str
    process: subprocess.Popen
    config: Path
    log: Path
    conn: Connection | None = None
    guardian: subprocess.Popen | None = None  # where the kernel cannot tie the node to the coordinator
    hello: dict = field(default_factory=dict)  # what the process said when it connected (pid, first sequence)

    def tail(self, n: int = 1500) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def call(self, msg: dict, timeout_s: float) -> dict:
        """Send one command and wait for the answer (NodeProcessError if it fails, dies or times out)."""
        self.send(msg)
        return self.result(msg, timeout_s)

    def send(self, msg: dict) -> None:
        """Send one command (take its answer with :meth:`result`)."""
        if self.conn is None:
            raise NodeProcessError(f"{self.nation}: not connected")
        try:
            self.conn.send_bytes(json.dumps(msg).encode())
        except OSError:  # the connection broke: the process is gone or going
            raise self._lost(msg) from None

    def result(self, msg: dict, timeout_s: float) -> dict:
        """The answer to the command ``msg`` sent last (NodeProcessError if it fails, dies or times out)."""
        what = f"{msg.get('op')} at t={msg.get('t')}"
        if self.conn is None:
            raise NodeProcessError(f"{self.nation}: not connected")
        try:
            deadline = time.monotonic() + timeout_s
            while not self.conn.poll(0.2):
                if self.process.poll() is not None:
                    raise self._died(what)
                if time.monotonic() > deadline:
                    raise NodeProcessError(f"{self.nation}: no answer to {what} in {timeout_s} s")
            reply = json.loads(self.conn.recv_bytes())
        except (OSError, EOFError):
            raise self._lost(msg) from None
        if not reply.get("ok"):
            raise NodeProcessError(f"{self.nation} failed in {what}: {reply.get('error')}\n{reply.get('trace', '')}")
        return reply

    def _lost(self, msg: dict) -> NodeProcessError:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(GRACE_S)
        return self._died(f"{msg.get('op')} at t={msg.get('t')}")

    def _died(self, what: str) -> NodeProcessError:
        code = self.process.poll()
        status = "is still running" if code is None else f"exited (code {code})"
        return NodeProcessError(
            f"{self.nation} node process {status}, control connection lost during {what}:\n{self.tail()}"
        )


class NodeFleet:
    """The node processes of one run (a context manager that always stops them)."""

    def __init__(self, run_dir: Path, *, connect_timeout_s: float = 120.0) -> None:
        self.run_dir = run_dir
        self.connect_timeout_s = connect_timeout_s
        self.authkey = secrets.token_bytes(32)
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.nodes: dict[str, NodeHandle] = {}

    @property
    def control(self) -> str:
        host, port = self._server.getsockname()[:2]
        return f"{host}:{port}"

    def node_config(self, nation: str, scenario: Path, fabric: Path, audit: Path, timeout_s: float) -> Path:
        """Write ``nodes/<NATION>/node.json`` (readable by its owner only: it holds the shared secret)."""
        node_dir = self.run_dir / "nodes" / nation
        node_dir.mkdir(parents=True, exist_ok=True)
        cfg = {
            "scenario": os.path.relpath(scenario, node_dir),
            "nation": nation,
            "fabric": os.path.relpath(fabric, node_dir),
            "audit": os.path.relpath(audit, node_dir),
            "run_dir": ".",
            "clock": {
                "mode": "lockstep",
                "control": self.control,
                "authkey": self.authkey.hex(),
                "timeout_s": timeout_s,
            },
        }
        path = node_dir / "node.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(cfg, fh, indent=2)
        return path

    def start(self, nation: str, config: Path) -> NodeHandle:
        """Spawn `python -m triwatch node --nation N --config F` (it connects back: see :meth:`connect`)."""
        log = config.parent / "node.log"
        # The node runs the very triwatch the coordinator runs (a checkout on PYTHONPATH included).
        package_root = str(Path(triwatch.__file__).resolve().parents[1])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        with log.open("ab") as fh:
            # Tied to the coordinator: if it is killed outright (SIGKILL), the node gets SIGTERM.
            proc, guardian = spawn_tied(
                [sys.executable, "-m", "triwatch", "node", "--nation", nation, "--config", str(config)],
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches the coordinator, which stops the nodes in order
            )
        handle = NodeHandle(nation, proc, config, log, guardian=guardian)
        self.nodes[nation] = handle
        return handle

    def connect(self) -> None:
        """Wait until every started node without a connection has connected back and said who it is."""
        deadline = time.monotonic() + self.connect_timeout_s
        while waiting := [h for h in self.nodes.values() if h.conn is None]:
            for h in waiting:
                if h.process.poll() is not None:
                    raise NodeProcessError(
                        f"{h.nation} node process exited (code {h.process.returncode}) before connecting:\n{h.tail()}"
                    )
            if time.monotonic() > deadline:
                raise NodeProcessError(
                    f"{', '.join(h.nation for h in waiting)}: did not connect within {self.connect_timeout_s} s"
                )
            try:
                sock, _ = self._server.accept()
            except TimeoutError:
                continue
            sock.settimeout(None)
            conn = Connection(sock.detach())
            try:
                deliver_challenge(conn, self.authkey)
                answer_challenge(conn, self.authkey)
                hello = json.loads(conn.recv_bytes())
            except Exception:  # a stranger on the port, or a node that failed the challenge
                conn.close()
                continue
            handle = self.nodes.get(str(hello.get("hello")))
            if handle is None or handle.conn is not None or hello.get("pid") != handle.process.pid:
                conn.close()  # not one of the processes this fleet is waiting for
                continue
            handle.conn = conn
            handle.hello = hello

    def kill(self, nation: str) -> None:
        """SIGKILL a node process (a crash: no clean shutdown) and forget its connection."""
        handle = self.nodes[nation]
        handle.process.kill()
        handle.process.wait(GRACE_S)
        release(handle.guardian)
        if handle.conn is not None:
            handle.conn.close()
            handle.conn = None

    def pids(self) -> dict[str, int]:
        return {n: h.process.pid for n, h in self.nodes.items()}

    def close(self) -> None:
        """Stop every node process still running (SIGTERM, then SIGKILL), close the port."""
        for handle in self.nodes.values():
            if handle.conn is not None:
                handle.conn.close()
                handle.conn = None
            if handle.process.poll() is None:
                handle.process.terminate()
        for handle in self.nodes.values():
            try:
                handle.process.wait(GRACE_S)
            except subprocess.TimeoutExpired:
                handle.process.kill()
                handle.process.wait(GRACE_S)
            release(handle.guardian)
        self._server.close()

    def __enter__(self) -> NodeFleet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
