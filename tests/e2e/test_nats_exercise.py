"""One node process per nation over NATS, in lockstep: the same warnings as the one-process run.

The flagship scenario cut to its first 232 s (launch alerts and the first warnings naming Japan
fall inside it; the in-process run is shared with other modules, tests/e2e/conftest.py) runs once in process and once as three `triwatch node` processes on a local
NATS JetStream server with TLS; both must issue and deliver the same warnings (ids, revisions,
kinds, areas, times) and, in lockstep, produce the very same sequence of events.
"""

import json

import pytest

from triwatch.exercise.distributed import run_distributed
from triwatch.fabric.audit import AuditLog
from triwatch.report.summary import build_summary
from triwatch.report.warning_log import warnings_of


@pytest.fixture(scope="module")
def short_scenario(flagship_window):
    return flagship_window


@pytest.fixture(scope="module")
def memory_run(flagship_memory_run):
    return flagship_memory_run


@pytest.fixture(scope="module")
def nats_run(short_scenario, tmp_path_factory):
    out = tmp_path_factory.mktemp("nats-run")
    return out, run_distributed(short_scenario, out)


def test_same_warnings_in_process_and_over_nats(memory_run, nats_run):
    _, run = nats_run
    issued, delivered = warnings_of(run.events.events)
    assert issued and delivered
    assert any(w[3] in ("threat", "overflight") for w in issued)  # an area-naming warning is in the window
    assert (issued, delivered) == warnings_of(memory_run.events.events)


def test_lockstep_reproduces_every_event_in_order(memory_run, nats_run):
    _, run = nats_run
    strip = [{k: v for k, v in e.items() if k not in ("wall_ns", "cause_wall_ns")} for e in run.events.events]
    want = [{k: v for k, v in e.items() if k not in ("wall_ns", "cause_wall_ns")} for e in memory_run.events.events]
    assert len(strip) == len(want)
    assert json.loads(json.dumps(strip)) == json.loads(json.dumps(want))


def test_summary_counts_what_each_node_process_received(memory_run, nats_run):
    _, run = nats_run
    over_nats, in_process = build_summary(run), build_summary(memory_run)
    assert over_nats["nations"] == in_process["nations"]
    assert over_nats["launches"] == in_process["launches"]
    assert over_nats["metrics"]["reports_processed"] == in_process["metrics"]["reports_processed"] > 0


def test_run_folder_holds_the_merged_events_and_an_intact_audit_log(nats_run):
    out, run = nats_run
    lines = (out / "events.jsonl").read_text().splitlines()
    assert len(lines) == len(run.events.events)
    assert {json.loads(line)["node"] for line in lines} == {"USA", "JPN", "KOR"}
    ok, detail = AuditLog.verify_file(out / "audit.sqlite")
    assert ok, detail
    nodes = {r["node"] for r in AuditLog(out / "audit.sqlite").rows()}
    assert nodes == {"USA", "JPN", "KOR"}  # every node process wrote to the one chain
    for nation in ("USA", "JPN", "KOR"):
        assert (out / "nodes" / nation / "events.jsonl").stat().st_size > 0  # each node's own record
        assert (out / "fabric" / nation / "fabric.json").stat().st_mode & 0o777 == 0o600


def test_no_process_outlives_the_run(nats_run):
    import os

    out, _ = nats_run
    pids = json.loads((out / "processes.json").read_text())
    assert set(pids) == {"nats-server", "USA", "JPN", "KOR"}
    for pid in pids.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
