"""The live COP over NATS (`exercise run --fabric nats --serve`): a JPN watch officer acknowledges
a warning over HTTP while three node processes run it.

The COP reads the events the coordinator merges from the node processes; the run is paused from
the page's control (as a commander) so the test acts while nothing moves; the acknowledgement
goes to JPN's node process, whose command centre records it and whose fabric endpoint publishes
it: the partners' processes receive it. JPN's process then crashes and is rebuilt from the log of
what it did, the acknowledgement included.
"""

import threading

import httpx
import yaml
from live_ack import jpn_acknowledgement

from triwatch.cli.live_serve import LiveServing
from triwatch.cli.main import flagship_path
from triwatch.exercise.distributed import run_distributed
from triwatch.scenario.loader import load_scenario


def _token(base: str, nation: str, role: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/login", json={"nation": nation, "role": role}, timeout=10)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_watch_officer_acknowledges_a_live_warning_over_nats(tmp_path):
    data = yaml.safe_load(flagship_path().read_text())
    data["duration_s"] = 110  # the hub's launch alert reaches JPN at 100 s
    path = tmp_path / "live.yaml"
    path.write_text(yaml.safe_dump(data))
    serving = LiveServing(load_scenario(path), "127.0.0.1", 0, speed=None)
    outcome: dict = {}

    def officer(base: str, warning_id: str, revision: int) -> None:
        jpn = _token(base, "JPN", "watch-officer")
        outcome["ack"] = httpx.post(f"{base}/api/warnings/{warning_id}/{revision}/ack", headers=jpn, timeout=20)
        outcome["again"] = httpx.post(f"{base}/api/warnings/{warning_id}/{revision}/ack", headers=jpn, timeout=20)
        cmd = _token(base, "JPN", "commander")
        outcome["resume"] = httpx.post(f"{base}/api/control", json={"paused": False}, headers=cmd, timeout=10)

    def on_tick(t: float, run) -> None:
        delivered = [e for e in run.events.of_type("warning-delivered") if e["node"] == "JPN"]
        if "thread" not in outcome and delivered:  # the watch-officer model takes 5 s at least: a person is first
            key = (delivered[0]["warning_id"], delivered[0]["revision"])
            serving.control.pause()
            outcome["key"] = key
            outcome["thread"] = threading.Thread(target=officer, args=(serving.url, *key))
            outcome["thread"].start()
        elif "ack" in outcome and "refusal" not in outcome:  # again, straight to the node process: refused there
            try:
                run.nodes["JPN"].acknowledge(*outcome["key"], t, "watch-officer")
                outcome["refusal"] = None
            except KeyError as exc:
                outcome["refusal"] = str(exc)
        serving.tick(t, run)

    try:
        # JPN's process crashes after the acknowledgement and restarts at once: its replay of the
        # phases it ran (the acknowledgement included) must send what it had sent, or the run fails.
        kills = [("JPN", 106.0, 106.0)]
        run = run_distributed(path, tmp_path / "run", on_start=serving.start, on_tick=on_tick, kills=kills)
    finally:
        serving.stop()
    outcome["thread"].join(timeout=30)
    assert outcome["ack"].status_code == 200, outcome["ack"].text
    assert outcome["ack"].json()["result"]["centre"] == "JJOC"
    assert outcome["again"].status_code == 409, outcome["again"].text  # the COP knows it is acknowledged
    assert "JJOC: no pending warning" in outcome["refusal"]  # the node process refused it, raised here
    assert outcome["resume"].status_code == 200, outcome["resume"].text
    warning_id, revision = outcome["key"]
    acks, received = jpn_acknowledgement(run, warning_id, revision)
    assert acks == [("JJOC", "watch-officer")]  # once, by the person
    assert received == {"USA", "KOR"}  # over NATS, through the hub for KOR
