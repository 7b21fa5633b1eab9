"""The threatened nation's node fails after issuing its warning: the hub carries it, then hands it back."""

from collections import Counter

import pytest
from srbm_shot import srbm_shot

from triwatch.exercise.run import run_exercise

DOWN, UP = 100.0, 300.0  # KOR's node out of service, after its warning (~92 s) and across the overflight


@pytest.fixture(scope="module")
def run():
    """A short-range shot across the Korean peninsula into Korea's EEZ (impact ~420 s)."""
    sc = srbm_shot("owner-failure", 450, [{"kind": "node-down", "nation": "KOR", "from_s": DOWN, "to_s": UP}])
    return run_exercise(sc, None)


def _korea_warning(run):
    """Revisions of Korea's first warning, as issued: (time, issuer, revision, kind, areas)."""
    issued = [e for e in run.events.events if e["type"] == "warning-issued" and e["scope"] == "KOR"]
    first = min(issued, key=lambda e: e["t_s"])["warning_id"]
    return first, [
        (e["t_s"], e["node"], e["revision"], e["kind"], e["areas"]) for e in issued if e["warning_id"] == first
    ]


def test_the_hub_issues_the_next_revisions_of_koreas_warning_while_korea_is_down(run):
    wid, revisions = _korea_warning(run)
    assert wid.startswith("KOR-")
    t0, issuer0, rev0, kind0, _ = revisions[0]
    assert t0 < DOWN and issuer0 == "KOR" and rev0 == 1 and kind0 == "threat"
    during = [r for r in revisions if DOWN <= r[0] < UP]
    assert during and {r[1] for r in during} == {"USA"}, "the hub should carry the warning while Korea is down"
    # One lineage of revisions: numbered on by whoever issues, never a number twice, ending in an all-clear.
    assert [r[2] for r in revisions] == list(range(1, len(revisions) + 1))
    assert revisions[-1][3] == "all-clear"
    assert not [r for r in revisions if r[0] >= UP and r[1] == "USA"], "Korea is back: the hub hands it back"


def test_korea_gets_the_stand_ins_revisions_of_its_own_warning_when_back_and_every_centre_each_once(run):
    wid, revisions = _korea_warning(run)
    delivered = [
        (e["node"], e["issuer"], e["revision"], e["t_s"])
        for e in run.events.events
        if e["type"] == "warning-delivered" and e["warning_id"] == wid
    ]
    by_usa = [r[2] for r in revisions if r[1] == "USA"]
    at_kor = {rev: t for node, issuer, rev, t in delivered if node == "KOR" and issuer == "USA"}
    assert set(by_usa) <= set(at_kor) and min(at_kor.values()) == UP
    for node in ("USA", "JPN", "KOR"):
        counts = Counter(rev for n, _, rev, _ in delivered if n == node)
        assert set(counts) == {r[2] for r in revisions} and max(counts.values()) == 1, node
