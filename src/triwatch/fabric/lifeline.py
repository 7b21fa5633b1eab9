"""Child processes that die with the process that started them.

A coordinator (``exercise run --fabric nats``) starts a NATS server and one node process per
nation, and stops them when it ends, fails or is interrupted. A coordinator killed outright
(SIGKILL, the OOM killer, a crash) runs no clean-up code, so each child is tied to its parent
from the other end:

- **Linux:** the child asks the kernel, between ``fork`` and ``exec``, for a signal the moment
  its parent dies (``prctl(PR_SET_PDEATHSIG)``, see prctl(2)); the signal comes however the parent
  died. If the parent had already died before the request, the child ends at once. The kernel
  watches the *thread* that started the child: start children from a thread that outlives them
  (the coordinator starts and stops them in one call).
- **Elsewhere** (or if prctl is refused): a guardian process, ``python -m
  triwatch.fabric.lifeline PARENT CHILD``, polls both every ``POLL_S`` and stops the child
  (SIGTERM, then SIGKILL) once the parent is gone; it exits when the child does. A Python child
  of ours can instead run :func:`watch_parent`, a thread doing the same from inside.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

POLL_S = 0.5
_PR_SET_PDEATHSIG = 1
_libc: ctypes.CDLL | None = None
if sys.platform.startswith("linux"):
    with contextlib.suppress(OSError):
        _libc = ctypes.CDLL(None, use_errno=True)  # loaded now: nothing is loaded between fork and exec


def kernel_lifeline_available() -> bool:
    """True where the kernel can signal a child when its parent dies (Linux)."""
    return _libc is not None


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A ``preexec_fn`` for :class:`subprocess.Popen` that has the kernel send ``sig`` to the
    child when this process dies; None where the kernel cannot (use :func:`guard` then).

    The function runs in the child before ``exec``: it only calls prctl and getppid (no import,
    no allocation that could wait on a lock another thread of the parent held at ``fork``).
    """
    if _libc is None:
        return None
    prctl, parent = _libc.prctl, os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request: no signal will come
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def guard(child_pid: int, parent_pid: int | None = None) -> subprocess.Popen:
    """Start a guardian process that stops ``child_pid`` once ``parent_pid`` (default: this
    process) is gone. It is in a session of its own, so a Ctrl-C meant for the parent leaves it
    be; it exits by itself when the child has ended."""
    parent = os.getpid() if parent_pid is None else parent_pid
    return subprocess.Popen(
        [sys.executable, "-m", "triwatch.fabric.lifeline", str(parent), str(child_pid)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def spawn_tied(
    cmd: list[str], sig: int = signal.SIGTERM, **popen: object
) -> tuple[subprocess.Popen, subprocess.Popen | None]:
    """Start ``cmd`` (``popen``: further Popen arguments) tied to this process: ``sig`` reaches it
    when this process dies. Returns (the process, its guardian or None where the kernel ties them)."""
    preexec = die_with_parent(sig)
    proc = subprocess.Popen(cmd, preexec_fn=preexec, **popen)  # type: ignore[call-overload]  # noqa: PLW1509
    return proc, (guard(proc.pid) if preexec is None else None)


def stop_child(proc: subprocess.Popen, grace_s: float = 5.0) -> None:
    """Stop a child of this process: SIGTERM, then SIGKILL if it is still there after ``grace_s``."""
    proc.terminate()
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(grace_s)


def release(guardian: subprocess.Popen | None) -> None:
    """Reap a guardian once its child has ended (it notices within ``POLL_S``)."""
    if guardian is not None:
        try:
            guardian.wait(POLL_S * 4)
        except subprocess.TimeoutExpired:
            guardian.kill()
            guardian.wait()


def alive(pid: int) -> bool:
    """True if ``pid`` is a live process (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):  # no /proc (not Linux): os.kill said it exists
        return True


def watch_parent(parent_pid: int, on_gone: Callable[[], None], poll_s: float = POLL_S) -> threading.Thread:
    """A daemon thread that calls ``on_gone`` once ``parent_pid`` is no longer this process's
    parent (it died: the child was handed to another) or no longer alive."""

    def watch() -> None:
        while os.getppid() == parent_pid and alive(parent_pid):
            time.sleep(poll_s)
        on_gone()

    thread = threading.Thread(target=watch, name="lifeline", daemon=True)
    thread.start()
    return thread


def stop_process(pid: int, grace_s: float = 5.0) -> None:
    """SIGTERM ``pid``, then SIGKILL if it is still there after ``grace_s``."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def _guardian(argv: list[str]) -> int:
    if len(argv) != 2 or not all(a.isdigit() for a in argv):
        print("usage: python -m triwatch.fabric.lifeline PARENT_PID CHILD_PID", file=sys.stderr)
        return 2
    parent, child = int(argv[0]), int(argv[1])
    while alive(child):
        if not alive(parent):
            stop_process(child)
            return 0
        time.sleep(POLL_S)
    return 0


if __name__ == "__main__":
    sys.exit(_guardian(sys.argv[1:]))
