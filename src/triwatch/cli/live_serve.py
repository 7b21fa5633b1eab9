"""Serve the COP while an exercise runs (`--serve`): wiring between the run loop and the server.

The server runs in its own thread; everything that touches a node (a person's
acknowledgement) is handed to the exercise thread through the AckDesk and done
at the start of a tick. A commander's pause holds the run there (still taking
acknowledgements); the page's speed paces it against the wall clock.
"""

from __future__ import annotations

import time

from triwatch.server import AckDesk, LiveSource, RunControl, start_server


class LiveServing:
    """Start with `start(run)` (on_start hook), call `tick(t, run)` each tick, `stop()` at the end."""

    def __init__(self, scenario, host: str, port: int, speed: float | None) -> None:
        self.control = RunControl(speed=speed)
        self.desk = AckDesk()
        self.source = LiveSource(scenario.name, list(scenario.nations), ack=self.desk, duration_s=scenario.duration_s)
        self.host, self.port = host, port
        self.handle = None
        self._now_s = 0.0
        self._run = None
        self._paced: tuple[float, float] | None = None  # (sim t, wall) of the last pacing anchor

    def start(self, run) -> None:
        self._run = run
        run.events.subscribe(self.source.on_event)
        self.handle = start_server(self.source, self.host, self.port, control=self.control)

    @property
    def url(self) -> str:
        return self.handle.url if self.handle else ""

    def _ack(self, nation: str, warning_id: str, revision: int, role: str, issuer: str | None) -> dict:
        ack = self._run.nodes[nation].acknowledge(warning_id, revision, self._now_s, role, issuer)
        return {"centre": ack.centre, "time_s": ack.time_s}

    def tick(self, t: float, run) -> None:
        self._now_s = t
        while not self.control.wait_while_paused(0.1):
            self.desk.process(self._ack)
            self._paced = None  # a pause restarts the pacing from here
        self.desk.process(self._ack)
        speed = self.control.speed
        if not speed:
            self._paced = None
            return
        now = time.perf_counter()
        if self._paced is None:
            self._paced = (t, now)
            return
        t0, wall0 = self._paced
        lag = (t - t0) / speed - (now - wall0)
        if lag > 0:
            time.sleep(lag)

    def stop(self) -> None:
        self.source.finish()
        if self.handle:
            self.handle.stop()
