"""Children tied to their parent (fabric/lifeline.py): a parent killed with SIGKILL leaves none behind."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from triwatch.fabric import lifeline

SRC = str(Path(__file__).resolve().parents[2] / "src")

# A parent that starts a long sleeper tied to it (by the kernel, or by a guardian), prints the
# sleeper's pid, then waits to be killed.
PARENT = """
import subprocess, sys, time
from triwatch.fabric import lifeline
sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
if sys.argv[1] == "kernel":
    child, guardian = lifeline.spawn_tied(sleeper)
    assert guardian is None
else:
    child = subprocess.Popen(sleeper)
    lifeline.guard(child.pid)
print(child.pid, flush=True)
time.sleep(120)
"""


def wait_gone(pid: int, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not lifeline.alive(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("how", ["kernel", "guardian"])
def test_a_child_dies_with_its_sigkilled_parent(how):
    if how == "kernel" and not lifeline.kernel_lifeline_available():
        pytest.skip("no PR_SET_PDEATHSIG on this system")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))}
    parent = subprocess.Popen([sys.executable, "-c", PARENT, how], stdout=subprocess.PIPE, text=True, env=env)
    try:
        child = int(parent.stdout.readline())
        assert lifeline.alive(child)
        time.sleep(0.3)  # let a guardian start watching
        assert lifeline.alive(child)  # nothing happens while the parent lives
        parent.kill()
        parent.wait(5)
        assert wait_gone(child, within_s=5.0), f"child {child} outlived its parent ({how})"
    finally:
        parent.kill()
        parent.wait(5)


def test_a_guardian_exits_by_itself_when_its_child_ends():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"])
    guardian = lifeline.guard(child.pid)
    child.wait(5)
    assert guardian.wait(5) == 0


def test_a_zombie_counts_as_gone_and_a_live_process_as_alive():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    assert lifeline.alive(os.getpid())
    deadline = time.monotonic() + 5
    while lifeline.alive(child.pid) and time.monotonic() < deadline:  # exited, not yet reaped: a zombie
        time.sleep(0.02)
    assert not lifeline.alive(child.pid)
    child.wait(5)


def test_watch_parent_calls_back_when_the_parent_is_gone():
    gone = []
    lifeline.watch_parent(os.getppid(), lambda: gone.append("parent"), poll_s=0.01)  # our parent: alive
    lifeline.watch_parent(2**22 + 12345, lambda: gone.append("stranger"), poll_s=0.01)  # not our parent
    time.sleep(0.2)
    assert gone == ["stranger"]


def test_the_guardian_names_its_usage_on_bad_arguments():
    out = subprocess.run(
        [sys.executable, "-m", "triwatch.fabric.lifeline", "x"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
    )
    assert out.returncode == 2
    assert "usage: python -m triwatch.fabric.lifeline PARENT_PID CHILD_PID" in out.stderr


def test_stop_child_escalates_to_sigkill():
    stubborn = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(1, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
    )
    stubborn.stdout.readline()
    lifeline.stop_child(stubborn, grace_s=0.2)
    assert stubborn.returncode == -signal.SIGKILL
