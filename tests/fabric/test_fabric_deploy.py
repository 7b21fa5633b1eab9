"""Per-nation deployment files, and nodes that join the NATS fabric from them."""

import time
from datetime import UTC, datetime

import pytest

from triwatch.fabric import AuditLog, KeyRing, ReleasePolicy
from triwatch.fabric.deploy import connect_endpoint, load_node_config, prepare_deployment
from triwatch.fabric.nats_server import LocalNatsServer, make_credentials
from triwatch.fabric.nats_transport import tls_context
from triwatch.fabric.tls import make_tls_files

NATIONS = ["USA", "JPN", "KOR"]


def test_nodes_join_from_their_own_files(tmp_path):
    keys = KeyRing.generate(NATIONS)
    policy = ReleasePolicy.from_config(NATIONS)
    with LocalNatsServer(NATIONS) as srv:
        paths = prepare_deployment(tmp_path, srv, keys)
        assert sorted(p.name for p in (tmp_path / "JPN" / "keys").iterdir()) == [
            "JPN.key",
            "JPN.pub",
            "KOR.pub",
            "USA.pub",
        ]
        assert paths["JPN"].stat().st_mode & 0o777 == 0o600
        audit = AuditLog(tmp_path / "audit.sqlite")
        ep = {n: connect_endpoint(paths[n], policy, audit, lambda: datetime.now(UTC)) for n in NATIONS}
        try:
            assert not ep["JPN"].keyring.can_sign("KOR")
            ep["KOR"].publish("warnings", {"w": "impact JPN-EEZ"})
            got = []
            end = time.monotonic() + 5
            while not got and time.monotonic() < end:
                ep["USA"].poll()
                got = ep["JPN"].poll()
            assert [d.payload for d in got] == [{"w": "impact JPN-EEZ"}]
        finally:
            for e in ep.values():
                e.transport.close()
        assert AuditLog.verify_file(tmp_path / "audit.sqlite")[0]


def test_bad_or_mismatched_config(tmp_path):
    (tmp_path / "fabric.json").write_text('{"url": "nats://x", "nation": "JPN"}')
    with pytest.raises(ValueError, match=r"fabric.json: Object missing required field"):
        load_node_config(tmp_path / "fabric.json")
    with pytest.raises(FileNotFoundError, match="fabric config missing"):
        load_node_config(tmp_path / "none.json")
    keys = KeyRing.generate(NATIONS)
    srv = LocalNatsServer(NATIONS, port=4999, creds=make_credentials(NATIONS))  # never started: files only
    paths = prepare_deployment(tmp_path / "d", srv, keys)
    mesh = ReleasePolicy.from_config(NATIONS, topology="mesh")
    with pytest.raises(ValueError, match="fabric topology hub .* does not match the policy's mesh"):
        connect_endpoint(paths["JPN"], mesh, AuditLog(":memory:"), lambda: datetime.now(UTC))
    two = ReleasePolicy.from_config(["USA", "JPN"])
    with pytest.raises(ValueError, match="do not match the policy's"):
        connect_endpoint(paths["JPN"], two, AuditLog(":memory:"), lambda: datetime.now(UTC))


def test_tls_fabric_end_to_end(tmp_path):
    keys = KeyRing.generate(NATIONS)
    policy = ReleasePolicy.from_config(NATIONS)
    with LocalNatsServer(NATIONS, tls=True) as srv:
        assert srv.url.startswith("tls://")
        paths = prepare_deployment(tmp_path, srv, keys)
        assert load_node_config(paths["KOR"]).tls_ca == "ca.pem"
        ep = {
            n: connect_endpoint(paths[n], policy, AuditLog(":memory:"), lambda: datetime.now(UTC))
            for n in ("USA", "KOR")
        }
        try:
            ep["USA"].publish("tracks", {"t": 1})
            got = []
            end = time.monotonic() + 5
            while not got and time.monotonic() < end:
                got = ep["KOR"].poll()
            assert [d.payload for d in got] == [{"t": 1}]
        finally:
            for e in ep.values():
                e.transport.close()


def test_tls_refuses_a_client_without_the_ca(tmp_path):
    import asyncio

    import nats

    with LocalNatsServer(NATIONS, tls=True) as srv:
        other = make_tls_files(tmp_path / "other")  # a CA the server's certificate does not chain to
        c = srv.creds["JPN"]

        async def attempt():
            await nats.connect(
                srv.url,
                user=c.user,
                password=c.password,
                tls=tls_context(other.ca_cert),
                allow_reconnect=False,
                max_reconnect_attempts=0,
                connect_timeout=2,
            )

        with pytest.raises(Exception, match="(?i)certificate|ssl"):
            asyncio.run(attempt())
