"""Scenario control for a live run: pause, resume and pace, set from the web UI, read by the runner.

The exercise loop runs in the main thread and the web server in another, so the
two share one small object guarded by a lock. The runner polls it once per tick:

    control.wait_while_paused()          # blocks while an operator holds the run
    speed = control.speed                # x real time, or None for as fast as possible

Setters validate (a speed must be a finite number > 0) and raise ValueError
with the reason, which the API turns into a 422.
"""

from __future__ import annotations

import math
import threading


class RunControl:
    """Thread-safe pause/resume/speed of a live run."""

    def __init__(self, *, speed: float | None = None, paused: bool = False) -> None:
        self._lock = threading.Lock()
        self._running = threading.Event()  # set while not paused, so the runner can block on it
        self._speed = self._checked_speed(speed)
        self._set_running(not paused)

    @staticmethod
    def _checked_speed(speed: float | None) -> float | None:
        if speed is None:
            return None
        if isinstance(speed, bool) or not isinstance(speed, (int, float)):
            raise ValueError(f"speed: must be a number > 0 or null, got {speed!r}")
        if not math.isfinite(speed) or speed <= 0:
            raise ValueError(f"speed: must be a finite number > 0 (x real time), got {speed!r}")
        return float(speed)

    def _set_running(self, running: bool) -> None:
        if running:
            self._running.set()
        else:
            self._running.clear()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def speed(self) -> float | None:
        """Pace in x real time; None means as fast as possible."""
        with self._lock:
            return self._speed

    def set_paused(self, paused: bool) -> None:
        if not isinstance(paused, bool):
            raise ValueError(f"paused: must be true or false, got {paused!r}")
        with self._lock:
            self._set_running(not paused)

    def pause(self) -> None:
        self.set_paused(True)

    def resume(self) -> None:
        self.set_paused(False)

    def set_speed(self, speed: float | None) -> None:
        checked = self._checked_speed(speed)
        with self._lock:
            self._speed = checked

    def wait_while_paused(self, timeout: float | None = None) -> bool:
        """Block the caller (the runner) while paused; True once running, False on timeout."""
        return self._running.wait(timeout)

    def snapshot(self) -> dict:
        with self._lock:
            return {"paused": not self._running.is_set(), "speed": self._speed}
