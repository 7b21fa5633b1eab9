"""Signed CAP: an enveloped XML signature that capvalidator accepts, and that tampering breaks."""

from __future__ import annotations

import datetime as dt

import capvalidator
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from triwatch.messages import WarningReport
from triwatch.warning.outputs.cap import cap_alert, validate_cap
from triwatch.warning.outputs.cap_sign import CapSigner, verify_cap
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.write_run import write_outputs


def make_signer(common_name: str) -> CapSigner:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
    return CapSigner(key_pem, cert.public_bytes(serialization.Encoding.PEM))


@pytest.fixture(scope="module")
def jpn() -> CapSigner:
    return make_signer("jpn-missile-warning.triwatch.example")


def launch(epoch) -> bytes:
    return cap_alert(WarningReport("JPN-W001", 1, "launch", "JPN", "S1", 20.0), epoch)


def test_signed_alert_is_valid_cap_and_verifies(epoch, jpn):
    signed = jpn.sign(launch(epoch))
    assert validate_cap(signed) == []
    assert verify_cap(signed, jpn.cert_pem)
    result = capvalidator.validate_cap_message(signed, strict=True)  # schema and signature, by a third party
    assert result.passed, result.message


def test_tampering_or_another_key_fails(epoch, jpn):
    signed = jpn.sign(launch(epoch))
    tampered = signed.replace(b"<status>Exercise</status>", b"<status>Actual</status>")
    assert not verify_cap(tampered, jpn.cert_pem)
    assert not capvalidator.validate_cap_message(tampered, strict=True).passed
    other = make_signer("impostor.example")
    assert not verify_cap(signed, other.cert_pem)
    assert not capvalidator.validate_cap_message(launch(epoch), strict=True).passed  # unsigned


def test_a_key_that_cannot_sign_is_refused(epoch, jpn):
    ec_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(OutputError, match="CAP signing key/certificate"):
        CapSigner(ec_key, jpn.cert_pem).sign(launch(epoch))


def test_write_outputs_signs_each_nations_own_alerts(tmp_path, events, epoch, jpn):
    write_outputs(tmp_path, events, epoch, cap_signers={"JPN": jpn})
    for rev in (1, 2, 3, 4):
        assert verify_cap((tmp_path / "cap" / f"triwatch-JPN-W001-r{rev}.xml").read_bytes(), jpn.cert_pem)
    usa = (tmp_path / "cap" / "triwatch-USA-W001-r1.xml").read_bytes()
    assert b"Signature" not in usa and validate_cap(usa) == []
