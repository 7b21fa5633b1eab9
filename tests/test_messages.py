import pytest

from triwatch.messages import PayloadError, TrackReport, WarningReport, from_payload, to_payload


def test_round_trip_of_a_warning():
    w = WarningReport(
        warning_id="JPN-W001",
        revision=2,
        kind="correction",
        issuer="JPN",
        system_track="JPN-S001",
        time_s=120.0,
        areas=["JPN-EEZ"],
    )
    assert from_payload(to_payload(w), WarningReport) == w


@pytest.mark.parametrize(
    "payload, fragment",
    [
        ({"track_id": "A", "time_s": "soon", "x": [0] * 6, "P": [[0] * 6] * 6, "status": "confirmed"}, "time_s"),
        ({"track_id": "A", "time_s": 1.0, "P": [[0] * 6] * 6, "status": "confirmed"}, "x"),
        ("not a mapping", "TrackReport"),
    ],
)
def test_malformed_payloads_are_refused_with_the_field(payload, fragment):
    with pytest.raises(PayloadError, match=fragment):
        from_payload(payload, TrackReport)


def test_unknown_warning_kind_is_refused():
    bad = {"warning_id": "W", "revision": 1, "kind": "panic", "issuer": "USA", "system_track": "S", "time_s": 0.0}
    with pytest.raises(PayloadError, match="kind"):
        from_payload(bad, WarningReport)
