import pytest

from triwatch.fabric import KeyRing


def test_sign_verify_and_wrong_key():
    ring = KeyRing.generate(["USA", "JPN"])
    sig = ring.sign("USA", b"hello")
    assert ring.verify("USA", b"hello", sig)
    assert not ring.verify("JPN", b"hello", sig)
    assert not ring.verify("USA", b"hellO", sig)
    assert not ring.verify("KOR", b"hello", sig)


def test_save_and_load_a_deployed_nodes_view(tmp_path):
    ring = KeyRing.generate(["USA", "JPN", "KOR"])
    ring.save(tmp_path)
    assert (tmp_path / "JPN.key").stat().st_mode & 0o777 == 0o600
    jpn = KeyRing.load(tmp_path, "JPN")
    assert set(jpn.nations) == {"USA", "JPN", "KOR"}
    assert jpn.can_sign("JPN") and not jpn.can_sign("KOR")
    assert ring.verify("JPN", b"m", jpn.sign("JPN", b"m"))
    with pytest.raises(KeyError, match="no private key for KOR"):
        jpn.sign("KOR", b"m")


def test_bad_inputs(tmp_path):
    with pytest.raises(ValueError, match=r"nations\[1\]: 'jp'"):
        KeyRing.generate(["USA", "jp"])
    with pytest.raises(FileNotFoundError, match="not a directory"):
        KeyRing.load(tmp_path / "none")
    KeyRing.generate(["USA"]).save(tmp_path, private_for=[])
    with pytest.raises(FileNotFoundError, match="USA.key"):
        KeyRing.load(tmp_path, "USA")
    (tmp_path / "BAD.pub").write_text("not a pem")
    with pytest.raises(ValueError):
        KeyRing.load(tmp_path)


def test_libsodium_and_openssl_agree_on_ed25519():
    """The ring signs and verifies in libsodium; OpenSSL (``cryptography``) must agree both ways,
    so a partner using either library interoperates."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    ring = KeyRing({"USA": key.public_key()}, {"USA": key})
    data = b'{"kind":"tracks","payload":{}}' * 40
    sig = ring.sign("USA", data)
    assert sig == key.sign(data)  # Ed25519 is deterministic: the very same signature
    key.public_key().verify(sig, data)  # raises if OpenSSL disagrees
    assert ring.verify("USA", data, key.sign(data))
    tampered = bytes([sig[0] ^ 1]) + sig[1:]
    assert not ring.verify("USA", data, tampered)
    with pytest.raises(InvalidSignature):
        key.public_key().verify(tampered, data)
    assert not ring.verify("USA", data, sig[:63])  # a short signature is refused, not an error
    assert not ring.verify("USA", data, b"")


def test_a_private_key_that_is_not_the_nations_is_refused():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    usa, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with pytest.raises(ValueError, match="private key of USA does not match its public key"):
        KeyRing({"USA": usa.public_key()}, {"USA": other})
