"""False and missed warnings: an alert is a warning id, whoever issued each of its revisions."""

from types import SimpleNamespace

from triwatch.report.scores import warning_scores


def _run(delivered: list[dict]):
    return SimpleNamespace(events=SimpleNamespace(of_type=lambda t: delivered if t == "warning-delivered" else []))


def _delivered(node, issuer, wid, rev, kind, areas):
    return {"node": node, "issuer": issuer, "warning_id": wid, "revision": rev, "kind": kind, "areas": areas}


def test_a_warning_carried_by_a_stand_in_is_one_alert_for_the_false_warning_count():
    events = [
        _delivered(n, issuer, "KOR-W002", rev, kind, areas)
        for n in ("USA", "KOR")
        for issuer, rev, kind, areas in [
            ("KOR", 1, "threat", ["KOR-EEZ", "KOR-land"]),  # KOR-land is wrong: one false warning
            ("USA", 2, "correction", ["KOR-EEZ", "KOR-land"]),  # the hub carries it while KOR is down
            ("USA", 3, "all-clear", ["KOR-EEZ"]),
        ]
    ]
    alert_launch = {("KOR", "KOR-W002"): "L1", ("USA", "KOR-W002"): "L1"}
    per_launch = [{"id": "L1", "threatened_areas": ["KOR-EEZ"]}]
    assert warning_scores(_run(events), alert_launch, per_launch) == {"false_warnings": 1, "missed_warnings": 0}


def test_a_truly_threatened_area_no_alert_named_to_its_nation_is_missed():
    events = [_delivered("USA", "USA", "USA-W001", 1, "launch", [])]
    per_launch = [{"id": "L1", "threatened_areas": ["JPN-EEZ", "JPN-land"]}]
    scores = warning_scores(_run(events), {("USA", "USA-W001"): "L1"}, per_launch)
    assert scores == {"false_warnings": 0, "missed_warnings": 2}
