"""The flagship exercise served live to a browser, wired as src/triwatch/server/README.md tells the runner.

Runs the real exercise (as fast as possible) in the main thread with the COP in
a background thread; a headless Chromium logs in as a JPN watch officer, waits
for the first warning and acknowledges it. The command centres' automatic
watch officers are switched off so the person at the COP is the one who
acknowledges. Prints the run's wall time, the events each nation's COP
received, how long the acknowledgement took from click to acknowledged state
on the page, and what reached the command centre.

    PYTHONPATH=src python bench/cop_live_exercise.py
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from triwatch.cli.main import flagship_path
from triwatch.exercise.run import run_exercise
from triwatch.messages import to_payload
from triwatch.scenario.loader import load_scenario
from triwatch.server import AckDesk, LiveSource, RunControl, start_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "server"))
from cop_browser import LAUNCH_ARGS, ensure_chromium  # noqa: E402


def main() -> None:
    from playwright.sync_api import sync_playwright

    scenario = load_scenario(flagship_path())
    control, desk = RunControl(), AckDesk(timeout_s=10)
    source = LiveSource(scenario.name, scenario.nations, ack=desk, duration_s=scenario.duration_s)
    handle = start_server(source, port=0, control=control)
    state: dict = {"run": None, "now": 0.0}
    human: list[tuple] = []

    def handle_ack(nation: str, warning_id: str, revision: int, role: str) -> dict:  # in the exercise thread
        node = state["run"].nodes[nation]
        ack = node.c2.acknowledge(warning_id, revision, state["now"], role)
        node.endpoint.publish("acks", to_payload(ack))
        node.events.emit(state["now"], nation, "ack", centre=ack.centre, warning_id=warning_id, revision=revision)
        human.append((nation, warning_id, revision, role, ack.centre))
        return {"centre": ack.centre}

    def progress(t: float, run) -> None:
        if state["run"] is None:  # first tick: hand over the backlog, then stream
            state["run"] = run
            for node in run.nodes.values():
                node.c2.auto_ack = False
            for e in list(run.events.events):
                source.on_event(e)
            run.events.subscribe(source.on_event)
        state["now"] = t
        while not control.wait_while_paused(0.1):
            desk.process(handle_ack)
        desk.process(handle_ack)

    seen: dict = {}

    def watch_officer() -> None:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(ensure_chromium()), args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(handle.url)
            page.select_option("#login-nation", "JPN")
            page.click("#login-button")
            alert = page.locator("#banner .alert").first
            alert.wait_for(timeout=300_000)
            wid, rev = alert.get_attribute("data-warning"), alert.get_attribute("data-revision")
            seen["alert"] = f"{wid} rev {rev}"
            t0 = time.perf_counter()
            alert.locator("button.ack").click()
            page.locator(f"#warning-list li.acknowledged[data-warning='{wid}'][data-revision='{rev}']").wait_for()
            seen["ack_ms"] = (time.perf_counter() - t0) * 1e3
            browser.close()

    officer = threading.Thread(target=watch_officer)
    officer.start()
    wall0 = time.perf_counter()
    run_exercise(scenario, None, progress=progress, speed=None)
    wall = time.perf_counter() - wall0
    source.finish()
    officer.join(60)
    handle.stop()
    print(f"live COP over {scenario.name!r}: exercise wall time {wall:.0f} s (as fast as possible, COP serving)")
    print("  events streamed per nation: " + ", ".join(f"{n} {source.count(n)}" for n in source.nations))
    print(f"  events refused by the COP: {len(source.refused)}")
    print(f"  JPN watch officer acknowledged {seen.get('alert')}: click to acknowledged on the page "
          f"{seen.get('ack_ms', float('nan')):.0f} ms")  # fmt: skip
    print(f"  acknowledgements that reached a command centre from the COP: {human}")


if __name__ == "__main__":
    main()
