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
