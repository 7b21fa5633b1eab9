from datetime import UTC, datetime

import pytest

from triwatch.fabric import PolicyError
from triwatch.fabric.network import MemoryFabric


def clock():
    return datetime(2022, 10, 3, 22, 22, tzinfo=UTC)


def test_one_step_delivers_relayed_messages_the_same_step():
    fab = MemoryFabric.build(["USA", "JPN", "KOR"], {"KOR": {"detections": {"rel_to": ["USA"]}}}, clock)
    fab.endpoints["KOR"].publish("tracks", {"t": 1})
    fab.endpoints["KOR"].publish("detections", {"d": 1})
    fab.endpoints["JPN"].publish("warnings", {"w": 1})
    got = fab.deliver_all()
    assert [(d.origin, d.kind) for d in got["USA"]] == [("KOR", "tracks"), ("KOR", "detections"), ("JPN", "warnings")]
    assert [(d.origin, d.kind) for d in got["JPN"]] == [("KOR", "tracks")]
    assert [(d.origin, d.kind) for d in got["KOR"]] == [("JPN", "warnings")]
    stats = fab.stats()
    assert stats["JPN"]["received"] == {"KOR": {"tracks": 1}}
    assert stats["USA"]["received"] == {"KOR": {"tracks": 1, "detections": 1}, "JPN": {"warnings": 1}}
    assert fab.deliver_all() == {"USA": [], "JPN": [], "KOR": []}
    assert fab.audit.verify()[0]


def test_bad_policy_block_is_reported_with_its_path():
    with pytest.raises(PolicyError, match=r"policy.KOR.tracks.rel_to\[0\]: unknown nation 'PRK'"):
        MemoryFabric.build(["USA", "JPN", "KOR"], {"KOR": {"tracks": {"rel_to": ["PRK"]}}}, clock)
