"""A node process that dies in the middle of a phase, while it publishes, leaves no trace.

Over NATS, in lockstep, on the flagship cut to 112 s: at 100 s the hub (USA) publishes its first
track and its launch alert, each to JPN and to KOR. USA's process kills itself (SIGKILL) right
after the first copy of each has been stored at its partner (JPN's stream), before the second
(KOR's) leaves: once in the track phase, and once more, in its next life, in the warn phase. Each
time a fresh process rebuilds the dead one's state from the phase log and its stream, numbering
its messages from the dead process's first sequence number, and runs the phase again: JPN's
stream drops the second copy of what it already holds (same msg_id), KOR gets its copy.

The whole run must then be the uninterrupted in-process run, event for event: nothing lost,
nothing duplicated, every partner taking each message once and in order.
"""

import json
from collections import Counter

import pytest
from flagship_cut import comparable, flagship_cut

from triwatch.cli.main import flagship_path
from triwatch.exercise.distributed import run_distributed
from triwatch.fabric.audit import AuditLog
from triwatch.report.summary import build_summary

NATIONS = ("USA", "JPN", "KOR")
DURATION_S = 112
CRASHES = [("USA", 100.0, "track", 1), ("USA", 100.0, "warn", 1)]


@pytest.fixture(scope="module")
def crashed(tmp_path_factory, flagship_memory_run):
    folder = tmp_path_factory.mktemp("crash")
    scenario = flagship_cut(folder, DURATION_S)
    out = folder / "run"
    run = run_distributed(scenario, out, crashes=CRASHES)
    return out, run, [e for e in flagship_memory_run.events.events if e["t_s"] < DURATION_S]


def test_both_crashes_came_in_the_middle_of_publishing(crashed):
    out, _, _ = crashed
    crashes = json.loads((out / "crashes.json").read_text())  # written only for crashes that came
    assert [(c["nation"], c["t"], c["op"], c["after_sends"]) for c in crashes] == [tuple(c) for c in CRASHES]


def test_the_run_is_the_uninterrupted_one(crashed):
    _, run, memory = crashed
    ran = [e for e in run.events.events if e["t_s"] < DURATION_S]  # the last tick ends the run: compare before it
    assert comparable(ran) == comparable(memory)


def test_each_partner_took_each_message_once(crashed):
    out, run, _ = crashed
    nations = build_summary(run)["nations"]
    for receiver in ("JPN", "KOR"):
        got = nations[receiver]["received"].get("USA", {})
        assert got.get("warnings", 0) == nations["USA"]["sent"].get("warnings", 0) >= 1
        assert got.get("tracks", 0) == nations["USA"]["sent"].get("tracks", 0) >= 1
    assert all(nations[n]["refused"]["count"] == 0 for n in NATIONS)  # no second copy reached anyone
    delivered = Counter((e["node"], e["warning_id"], e["revision"]) for e in run.events.of_type("warning-delivered"))
    assert delivered and set(delivered.values()) == {1}
    assert AuditLog.verify_file(out / "audit.sqlite")[0]


def test_a_crash_plan_is_checked_before_anything_starts(tmp_path):
    scenario = flagship_path()
    for plan, message in [
        ([("AUS", 10.0, "warn", 1)], r"crashes\[0\]: AUS is not one of"),
        ([("USA", 10.0, "receive", 1)], r"crashes\[0\]: 'receive' is not a sending phase"),
        ([("USA", 10.0, "warn", 0)], r"crashes\[0\]: after_sends must be >= 1"),
        ([("USA", -1.0, "warn", 1)], r"crashes\[0\]: at_s must be within"),
    ]:
        with pytest.raises(ValueError, match=message):
            run_distributed(scenario, tmp_path / "never", crashes=plan)
    assert not (tmp_path / "never").exists()
