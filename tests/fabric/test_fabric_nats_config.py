"""The generated nats-server configuration (no server needed)."""

import pytest

from triwatch.fabric.nats_server import find_server_binary, inbound_subjects, links, make_credentials, server_config

NATIONS = ["USA", "JPN", "KOR"]


def test_hub_links_only_through_the_hub():
    assert set(links(NATIONS, "hub", "USA")) == {("JPN", "USA"), ("KOR", "USA"), ("USA", "JPN"), ("USA", "KOR")}
    assert len(links(NATIONS, "mesh", "USA")) == 6
    assert inbound_subjects("JPN", NATIONS, "hub", "USA") == ["tw.usa.jpn.>"]
    assert inbound_subjects("JPN", NATIONS, "mesh", "USA") == ["tw.usa.jpn.>", "tw.kor.jpn.>"]
    with pytest.raises(ValueError, match="unknown topology 'star'"):
        links(NATIONS, "star", "USA")


def test_config_exports_each_inbox_only_to_its_sender():
    creds = make_credentials(NATIONS)
    text = server_config(NATIONS, creds, port=4999, store_dir="/tmp/js", topology="hub", hub="USA")
    assert 'listen: "127.0.0.1:4999"' in text
    jpn_block = text.split("  JPN: {")[1].split("  KOR: {")[0]
    assert '{ service: "tw.usa.jpn.>", accounts: [USA] }' in jpn_block
    assert '{ service: { account: USA, subject: "tw.jpn.usa.>" } }' in jpn_block
    assert "kor" not in jpn_block.replace(creds["JPN"].password, "")  # hub topology: JPN has no link with KOR
    # its own links, its own outboxes (store and forward, in its own account) and its own JetStream API
    assert 'publish: { allow: ["tw.jpn.*.>", "out.jpn.>", "$JS.API.>", "$JS.ACK.>"] }' in jpn_block
    assert 'subscribe: { allow: ["_INBOX.>"] }' in jpn_block
    assert len({c.password for c in creds.values()}) == 3
    with pytest.raises(ValueError, match=r"nations\[0\]"):
        make_credentials(["us"])


def test_server_binary_is_found():
    assert find_server_binary().name == "nats-server"


def test_config_with_tls(tmp_path):
    from triwatch.fabric.tls import make_tls_files

    files = make_tls_files(tmp_path)
    text = server_config(NATIONS, make_credentials(NATIONS), port=4999, store_dir="/tmp/js", tls=files)
    assert f'tls {{ cert_file: "{files.server_cert}", key_file: "{files.server_key}"' in text
    assert files.server_key.stat().st_mode & 0o777 == 0o600
