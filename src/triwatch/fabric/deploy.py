"""Deployed nodes: what each nation's process needs to join the NATS fabric, written to files.

``prepare_deployment`` (run by whoever starts the exercise, next to the server) writes, per
nation, ``<out>/<NATION>/fabric.json`` (server URL, that nation's login, the nation list and
topology) and ``<out>/<NATION>/keys/`` (every nation's public key, only that nation's private
key). A node process then calls ``connect_endpoint`` with that file: it holds only its own
secrets, so it can only ever speak as itself.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import msgspec

from .audit import AuditLog
from .endpoint import Endpoint, sequence_start_from_clock
from .keys import KeyRing
from .nats_server import Credentials, LocalNatsServer
from .policy import ReleasePolicy

CONFIG_NAME = "fabric.json"


class NodeFabricConfig(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One nation's fabric settings (the content of fabric.json)."""

    url: str
    nation: str
    user: str
    password: str
    nations: list[str]
    topology: str
    hub: str
    keys_dir: str
    tls_ca: str | None = None  # CA certificate file (relative to this file's folder) when the server uses TLS


def prepare_deployment(out_dir: str | Path, server: LocalNatsServer, keyring: KeyRing) -> dict[str, Path]:
    """Write each nation's fabric.json and keys; return {nation: path of its fabric.json}."""
    out = Path(out_dir)
    paths: dict[str, Path] = {}
    for nation in server.nations:
        node_dir = out / nation
        keyring.save(node_dir / "keys", private_for=[nation])
        creds = server.creds[nation]
        tls_ca = None
        if server.tls_ca is not None:
            shutil.copyfile(server.tls_ca, node_dir / "ca.pem")
            tls_ca = "ca.pem"
        cfg = NodeFabricConfig(
            url=server.url,
            nation=nation,
            user=creds.user,
            password=creds.password,
            nations=list(server.nations),
            topology=server.topology,
            hub=server.hub,
            keys_dir="keys",
            tls_ca=tls_ca,
        )
        path = node_dir / CONFIG_NAME
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds a password
        with os.fdopen(fd, "wb") as fh:
            fh.write(msgspec.json.format(msgspec.json.encode(cfg)))
        paths[nation] = path
    return paths


def load_node_config(path: str | Path) -> NodeFabricConfig:
    """Read and check a fabric.json; ValueError naming the file and field on bad content."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{p}: fabric config missing")
    try:
        return msgspec.json.decode(p.read_bytes(), type=NodeFabricConfig)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"{p}: {exc}") from None


def connect_endpoint(
    path: str | Path,
    policy: ReleasePolicy,
    audit: AuditLog,
    clock: Callable[[], datetime],
    *,
    outbox: bool = False,
    **endpoint_options: object,
) -> Endpoint:
    """An Endpoint on NATS for the nation of the fabric.json at ``path`` (sequence numbers from the clock).

    ``outbox=True``: store and forward (messages to a partner wait in this nation's own JetStream
    outbox through link cuts and restarts; see :mod:`triwatch.fabric.nats_outbox`).
    """
    from .nats_transport import NatsTransport  # late: only deployed nodes need nats-py

    cfg = load_node_config(path)
    if (policy.topology, policy.hub if policy.topology == "hub" else cfg.hub) != (cfg.topology, cfg.hub):
        raise ValueError(
            f"{path}: fabric topology {cfg.topology} (hub {cfg.hub}) does not match the policy's "
            f"{policy.topology} (hub {policy.hub})"
        )
    if sorted(policy.nations) != sorted(cfg.nations):
        raise ValueError(f"{path}: nations {cfg.nations} do not match the policy's {list(policy.nations)}")
    keys = KeyRing.load(Path(path).parent / cfg.keys_dir, cfg.nation)
    creds = Credentials(cfg.nation, cfg.user, cfg.password)
    tls_ca = Path(path).parent / cfg.tls_ca if cfg.tls_ca else None
    transport = NatsTransport(
        cfg.url, creds, cfg.nations, topology=cfg.topology, hub=cfg.hub, tls_ca=tls_ca, outbox=outbox
    )
    endpoint_options.setdefault("first_sequence", sequence_start_from_clock())
    return Endpoint(cfg.nation, policy, keys, transport, audit, clock, **endpoint_options)  # type: ignore[arg-type]
