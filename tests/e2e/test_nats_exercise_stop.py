"""`exercise run --fabric nats` stops every process it started: on Ctrl-C, when a node dies, and
(through the kernel, fabric/lifeline.py) when the coordinator itself is killed with SIGKILL."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from triwatch.cli.main import flagship_path
from triwatch.fabric import lifeline

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    data = yaml.safe_load(flagship_path().read_text())
    data["duration_s"] = 600  # far longer than the tests let it run
    path = tmp_path_factory.mktemp("stop") / "long.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def start_run(scenario: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    cmd = [sys.executable, "-m", "triwatch", "exercise", "run", str(scenario), "--fabric", "nats", "--out", str(out)]

    # As from a terminal: Ctrl-C raises KeyboardInterrupt (a background job of a script inherits it ignored).
    def interruptible() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=interruptible
    )


def wait_until_stepping(proc: subprocess.Popen, out: Path, timeout_s: float = 90.0) -> dict[str, int]:
    """The pids of the run once its nodes are stepping (events flow into the run folder)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        events = out / "events.jsonl"
        if events.is_file() and events.stat().st_size > 0:
            return json.loads((out / "processes.json").read_text())
        time.sleep(0.2)
    proc.kill()
    pytest.fail("the nodes never started stepping")


def assert_all_gone(pids: dict[str, int]) -> None:
    for name, pid in pids.items():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
            pytest.fail(f"{name} (pid {pid}) outlived the run")


def test_ctrl_c_stops_every_node_and_the_server(scenario, tmp_path):
    proc = start_run(scenario, tmp_path / "run")
    pids = wait_until_stepping(proc, tmp_path / "run")
    assert set(pids) == {"nats-server", "USA", "JPN", "KOR"}
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "interrupted" in err
    assert_all_gone(pids)


def test_a_dying_node_stops_the_run_cleanly(scenario, tmp_path):
    proc = start_run(scenario, tmp_path / "run")
    pids = wait_until_stepping(proc, tmp_path / "run")
    os.kill(pids["JPN"], signal.SIGKILL)  # not in any plan: a real failure
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "JPN node process exited (code -9)" in err
    assert_all_gone(pids)


@pytest.mark.skipif(not lifeline.kernel_lifeline_available(), reason="the guardian fallback is tested in tests/fabric")
def test_a_sigkilled_coordinator_leaves_no_server_or_node_behind(scenario, tmp_path):
    proc = start_run(scenario, tmp_path / "run")
    pids = wait_until_stepping(proc, tmp_path / "run")
    proc.kill()  # no clean-up code runs in the coordinator
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while (left := {n: p for n, p in pids.items() if lifeline.alive(p)}) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left.values():  # do not leave them running for the rest of the suite
        os.kill(pid, signal.SIGKILL)
    assert not left, f"outlived the SIGKILLed coordinator by 10 s: {left}"
