"""CoT over TLS: the server and the client take an SSL context, as TAK deployments require."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl

import pytest
import takproto
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from triwatch.messages import WarningReport
from triwatch.warning.outputs.cot import cot_alert
from triwatch.warning.outputs.cot_stream import CotServer, send_cot


@pytest.fixture(scope="module")
def tls_pair(tmp_path_factory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting it) for 127.0.0.1, from a fresh self-signed certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tak.triwatch.example")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


def alert(epoch, k: int) -> bytes:
    return cot_alert(WarningReport(f"JPN-W00{k}", 1, "launch", "JPN", "S1", 10.0 * k), epoch)


async def _server_to_client(server_ctx, client_ctx, events) -> list[bytes]:
    server = CotServer("127.0.0.1", 0, tls=server_ctx)
    host, port = await server.start()
    reader, writer = await asyncio.open_connection(host, port, ssl=client_ctx)
    try:
        await server.wait_for_clients(1)
        for e in events:
            await server.broadcast(e)
        return [await asyncio.wait_for(reader.readuntil(b"</event>"), 5.0) for _ in events]
    finally:
        writer.close()
        await server.close()


def test_server_streams_over_tls(tls_pair, epoch):
    server_ctx, client_ctx = tls_pair
    events = [alert(epoch, k) for k in (1, 2)]
    got = asyncio.run(_server_to_client(server_ctx, client_ctx, events))
    assert got == events
    assert [takproto.parse_proto(bytearray(g)).cotEvent.uid for g in got] == [
        "triwatch.JPN.JPN-W001.alert",
        "triwatch.JPN.JPN-W002.alert",
    ]


async def _client_to_tls_server(server_ctx, client_ctx, events) -> bytes:
    received = bytearray()
    done = asyncio.Event()

    async def on_client(reader, writer):
        received.extend(await reader.read())
        done.set()
        writer.close()

    server = await asyncio.start_server(on_client, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    try:
        assert await send_cot("127.0.0.1", port, events, tls=client_ctx) == len(events)
        await asyncio.wait_for(done.wait(), 5.0)
    finally:
        server.close()
        await server.wait_closed()
    return bytes(received)


def test_client_sends_over_tls_and_refuses_an_untrusted_server(tls_pair, epoch):
    server_ctx, client_ctx = tls_pair
    events = [alert(epoch, k) for k in (1, 2, 3)]
    assert asyncio.run(_client_to_tls_server(server_ctx, client_ctx, events)) == b"".join(events)
    untrusting = ssl.create_default_context()  # the system CAs do not know our self-signed server
    with pytest.raises(ssl.SSLCertVerificationError):
        asyncio.run(_client_to_tls_server(server_ctx, untrusting, events))
