"""A node process killed mid-exercise and started again catches up, and no warning is lost or duplicated.

Over NATS, in lockstep, on the flagship cut to 140 s (launch alerts at 100 s; compared with the
shared in-process run of tests/e2e/conftest.py, whose events before 140 s are those of a run cut there): KOR's process is
killed at the start of tick 40 s and restarted at once; JPN's is killed at the start of tick 90 s
and restarted at 110 s, so the partners' launch alerts of 100 s wait for it in its JetStream
stream. A restarted process rebuilds the state of the killed one from its stream before it
carries on.
"""

import json
import os
from collections import Counter

import pytest
from flagship_cut import comparable, flagship_cut

from triwatch.exercise.distributed import run_distributed
from triwatch.fabric.audit import AuditLog
from triwatch.report.summary import build_summary

NATIONS = ("USA", "JPN", "KOR")
JPN_DOWN_S, JPN_UP_S = 90.0, 110.0
DURATION_S = 140


@pytest.fixture(scope="module")
def runs(tmp_path_factory, flagship_memory_run):
    folder = tmp_path_factory.mktemp("restart")
    scenario = flagship_cut(folder, DURATION_S)
    out = folder / "run"
    run = run_distributed(scenario, out, kills=[("KOR", 40.0, 40.0), ("JPN", JPN_DOWN_S, JPN_UP_S)])
    # The shared in-process run is longer: its events before DURATION_S are those of a run cut there.
    return out, run, [e for e in flagship_memory_run.events.events if e["t_s"] < DURATION_S]


def test_until_the_outage_the_run_is_the_uninterrupted_one(runs):
    _, run, memory = runs
    before = [e for e in run.events.events if e["t_s"] < JPN_DOWN_S]
    # KOR's crash and immediate restart at 40 s left no trace: its rebuilt state is the same.
    assert comparable(before) == comparable([e for e in memory if e["t_s"] < JPN_DOWN_S])


def test_every_warning_reaches_every_nation_exactly_once(runs):
    _, run, _ = runs
    issued = Counter(
        (e["node"], e["warning_id"], e["revision"], e["kind"]) for e in run.events.of_type("warning-issued")
    )
    assert issued
    for nation in NATIONS:  # each nation got each issued revision once: no loss, no duplicate
        got = Counter(
            (e["issuer"], e["warning_id"], e["revision"], e["kind"])
            for e in run.events.of_type("warning-delivered")
            if e["node"] == nation
        )
        assert got == issued, nation
    # JPN was down when its partners warned at 100 s: it got their alerts when it came back.
    late = [e for e in run.events.of_type("warning-delivered") if e["node"] == "JPN" and e["issuer"] != "JPN"]
    assert late and all(e["t_s"] == JPN_UP_S for e in late)


def test_the_restarted_node_keeps_its_warning_ids(runs):
    _, run, memory = runs
    mine = [(e["warning_id"], e["revision"]) for e in run.events.of_type("warning-issued") if e["node"] == "JPN"]
    assert len(mine) == len(set(mine))  # nothing issued twice
    want = {(e["warning_id"], e["revision"]) for e in memory if e["type"] == "warning-issued" and e["node"] == "JPN"}
    assert set(mine) == want  # the same alerts as without the crash (JPN-W001), issued when it came back


def test_what_was_sent_was_received(runs):
    out, run, _ = runs
    nations = build_summary(run)["nations"]
    for sender in NATIONS:
        for receiver in NATIONS:
            if sender != receiver:
                sent = nations[sender]["sent"]
                got = nations[receiver]["received"].get(sender, {})
                assert got.get("warnings", 0) == sent.get("warnings", 0), (sender, receiver)
    assert all(nations[n]["refused"]["count"] == 0 for n in NATIONS)  # no duplicate reached a node
    assert AuditLog.verify_file(out / "audit.sqlite")[0]
    for pid in json.loads((out / "processes.json").read_text()).values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
