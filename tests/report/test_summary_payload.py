"""The summary's impact scores follow the payload's alerts, not a spent stage's."""

from triwatch.report.summary import _about_payload


def _alert(issuer: str, wid: str, impact: list[float], revision: int = 1) -> dict:
    return {
        "issuer": issuer,
        "warning_id": wid,
        "revision": revision,
        "kind": "threat",
        "areas": ["KOR-EEZ"],
        "impact": impact,
    }


def test_payload_alerts_are_scored_when_there_are_any():
    stage = _alert("USA", "USA-W002", [38.0, 128.0])
    payload = _alert("USA", "USA-W001", [37.0, 130.0])
    objects = {("USA", "USA-W001", 1): "S2/RV", ("USA", "USA-W002", 1): "S2/STAGE1"}
    # the stage's alert is the later one: scoring "the last alert" would measure the stage
    assert _about_payload([payload, stage], objects, "S2/RV") == [payload]


def test_without_a_payload_alert_every_alert_of_the_launch_counts():
    stage = _alert("JPN", "JPN-W004", [38.0, 128.0])
    objects = {("JPN", "JPN-W004", 1): "S2/STAGE1"}
    assert _about_payload([stage], objects, "S2/RV") == [stage]


def test_an_alert_that_moved_onto_the_payload_is_scored_from_then_on():
    first = _alert("KOR", "KOR-W001", [39.0, 128.5], revision=1)
    later = _alert("KOR", "KOR-W001", [37.0, 130.0], revision=2)
    objects = {("KOR", "KOR-W001", 1): "S1/STAGE1", ("KOR", "KOR-W001", 2): "S1/RV"}
    assert _about_payload([first, later], objects, "S1/RV") == [later]
