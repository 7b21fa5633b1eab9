"""The coordinator's side of a planned crash in the middle of a phase (exercise/distributed_lockstep.py),
against scripted node handles: the crash seen, the node restarted and the phase run again; a crash
that does not come, or a node that fails otherwise, fails the run."""

from types import SimpleNamespace

import pytest

from triwatch.exercise.distributed_faults import check_crashes, crashes_came, crashes_due, crashes_left
from triwatch.exercise.distributed_lockstep import Lockstep
from triwatch.exercise.node_fleet import NodeProcessError

NATIONS = ["USA", "JPN", "KOR"]


class ScriptedNode:
    """A node handle whose answers the test scripts: a reply dict, or an exception to raise."""

    def __init__(self, answers: list, alive: bool = True) -> None:
        self.answers = list(answers)
        self.sent: list[dict] = []
        self.hello = {"first_sequence": 1000}
        self.process = SimpleNamespace(poll=lambda: None if alive else -9)

    def send(self, msg: dict) -> None:
        self.sent.append(msg)

    def result(self, msg: dict, timeout_s: float) -> dict:
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def call(self, msg: dict, timeout_s: float) -> dict:
        self.send(msg)
        return self.result(msg, timeout_s)


def _lockstep(nodes: dict) -> Lockstep:
    fleet = SimpleNamespace(nodes=nodes)
    run = SimpleNamespace(scenario=SimpleNamespace(nations=NATIONS), events=[], observations=[])
    return Lockstep(fleet, run, timeout_s=1.0)


def _ok(sent: dict | None = None) -> dict:
    return {"ok": True, "sent": sent or {}}


def test_a_crash_is_seen_the_node_restarted_and_the_phase_run_again():
    dead = ScriptedNode([NodeProcessError("USA node process exited (code -9)")], alive=False)
    nodes = {"USA": dead, "JPN": ScriptedNode([_ok()]), "KOR": ScriptedNode([_ok()])}
    step = _lockstep(nodes)
    fresh = ScriptedNode([_ok({"JPN": 1, "KOR": 1})])

    def restart(nation: str) -> None:
        nodes[nation] = fresh

    assert step.phase("warn", 100.0, NATIONS, {"USA": 1}, restart) == {"USA"}
    assert dead.sent == [{"op": "warn", "t": 100.0, "crash_after_sends": 1}]
    assert fresh.sent == [{"op": "warn", "t": 100.0}]  # run again, without the crash
    assert step.log["USA"] == [["warn", 100.0, []]]  # logged once, as an uninterrupted phase
    assert step.in_flight["JPN"] == [["USA", 1]] and step.in_flight["KOR"] == [["USA", 1]]
    assert step.crashes == [{"nation": "USA", "op": "warn", "t": 100.0, "after_sends": 1}]
    assert step.first_sequence["USA"] == 1000  # what a rebuilt process resumes from


def test_a_crash_that_does_not_come_in_a_phase_stays_armed_and_the_answer_counts():
    nodes = {n: ScriptedNode([_ok({"JPN": 1} if n == "USA" else {})]) for n in NATIONS}
    step = _lockstep(nodes)
    assert step.phase("warn", 100.0, NATIONS, {"USA": 2}, lambda n: None) == set()  # sent 1 < 2: no crash
    assert step.in_flight["JPN"] == [["USA", 1]] and step.crashes == []
    plan = check_crashes([("USA", 100.0, "warn", 2)], NATIONS, 200.0)
    crashes_came(plan, "warn", set())
    assert crashes_left(plan) == ["USA in warn after 2 sends from t=100.0"]  # the run fails with this
    crashes_came(plan, "warn", {"USA"})
    assert crashes_left(plan) == []


def test_a_node_failing_otherwise_is_not_taken_for_the_crash():
    nodes = {n: ScriptedNode([_ok()]) for n in NATIONS}
    nodes["USA"] = ScriptedNode([NodeProcessError("USA: no answer to warn at t=100.0 in 1.0 s")], alive=True)
    step = _lockstep(nodes)
    with pytest.raises(NodeProcessError, match="no answer"):
        step.phase("warn", 100.0, NATIONS, {"USA": 1}, lambda n: None)


def test_crashes_only_in_sending_phases_of_running_nodes():
    step = _lockstep({n: ScriptedNode([]) for n in NATIONS})
    with pytest.raises(ValueError, match="a crash needs a sending phase"):
        step.phase("receive", 100.0, NATIONS, {"USA": 1}, lambda n: None)
    plan = check_crashes([("USA", 100.0, "warn", 2)], NATIONS, 200.0)
    assert crashes_due(plan, 98.0, "warn", NATIONS) == {}
    assert crashes_due(plan, 100.0, "track", NATIONS) == {}
    assert crashes_due(plan, 100.0, "warn", NATIONS) == {"USA": 2}
    assert crashes_due(plan, 100.0, "warn", ["JPN", "KOR"]) == {}  # USA down then: armed for later
    crashes_came(plan, "warn", {"USA"})
    assert crashes_due(plan, 102.0, "warn", NATIONS) == {}  # once
