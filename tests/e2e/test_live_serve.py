"""A live exercise served to the COP: a JPN watch officer acknowledges a warning over HTTP.

The run is paused from the page's control (as a commander) so the test can act
while nothing moves; the acknowledgement crosses to the exercise thread, reaches
JJOC's command centre, is published on the fabric and logged as an `ack` event.
"""

import threading

import httpx
import yaml
from live_ack import jpn_acknowledgement

from triwatch.cli.live_serve import LiveServing
from triwatch.cli.main import flagship_path
from triwatch.exercise.run import run_exercise
from triwatch.scenario.loader import parse_scenario


def _token(base: str, nation: str, role: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/login", json={"nation": nation, "role": role}, timeout=10)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_watch_officer_acknowledges_a_live_warning():
    data = yaml.safe_load(flagship_path().read_text())
    data["duration_s"] = 260
    sc = parse_scenario(data, "live")
    serving = LiveServing(sc, "127.0.0.1", 0, speed=None)
    outcome: dict = {}

    def officer(base: str, warning_id: str, revision: int) -> None:
        jpn = _token(base, "JPN", "watch-officer")
        outcome["ack"] = httpx.post(f"{base}/api/warnings/{warning_id}/{revision}/ack", headers=jpn, timeout=10)
        cmd = _token(base, "JPN", "commander")
        outcome["resume"] = httpx.post(f"{base}/api/control", json={"paused": False}, headers=cmd, timeout=10)

    def on_tick(t: float, run) -> None:
        jjoc = run.nodes["JPN"].c2
        if "thread" not in outcome and jjoc.pending:
            warning_id, revision, issuer = next(iter(jjoc.pending))
            jjoc.pending[(warning_id, revision, issuer)].due_ack_s = None  # the watch-officer model steps aside
            serving.control.pause()
            outcome["key"] = (warning_id, revision)
            outcome["thread"] = threading.Thread(target=officer, args=(serving.url, warning_id, revision))
            outcome["thread"].start()
        serving.tick(t, run)

    try:
        run = run_exercise(sc, None, on_start=serving.start, on_tick=on_tick)
    finally:
        serving.stop()
    outcome["thread"].join(timeout=30)
    assert outcome["ack"].status_code == 200, outcome["ack"].text
    assert outcome["resume"].status_code == 200, outcome["resume"].text
    warning_id, revision = outcome["key"]
    acks, received = jpn_acknowledgement(run, warning_id, revision)
    assert acks == [("JJOC", "watch-officer")]  # once, by the person
    assert received == {"USA", "KOR"}
