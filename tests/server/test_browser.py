"""The COP in real headless Chromium: log in as a Japanese watch officer, see the track and the
warning, acknowledge it, see its state change; and a replay refuses acknowledgement on screen."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from cop_browser import LAUNCH_ARGS

from triwatch.server import ReplaySource, start_server

playwright_sync = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
expect = playwright_sync.expect
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture(scope="module")  # Playwright's sync API holds an event loop in this thread: end it with the module
def browser(chromium_path):
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium_path), args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def wait_until(condition, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def log_in(page, url: str, nation: str, role: str) -> None:
    page.goto(url)
    page.select_option("#login-nation", nation)
    page.select_option("#login-role", role)
    page.click("#login-button")
    page.wait_for_selector("#login.hidden", state="attached")


def test_jpn_watch_officer_sees_track_and_warning_and_acknowledges(page, live_run):
    handle = start_server(live_run.source, port=0, control=live_run.control)
    try:
        log_in(page, handle.url, "JPN", "watch-officer")
        # the track: the allied system track on the map (a milsymbol SVG) and in the list
        page.wait_for_selector(".sym svg")
        page.wait_for_selector("#track-list li[data-id='JPN-S1']")
        # the warning: its newest revision (2, a correction over Aomori) in the banner, with the two earlier
        # revisions still waiting, one of them escalated
        alert = page.locator("#banner .alert[data-warning='JPN-W1']")
        alert.wait_for()
        text = alert.inner_text().lower()
        assert "correction" in text and "rev 2" in text and "aomori" in text
        assert "+2 earlier revisions pending" in text and "escalated" in text
        assert "JPN-land" in page.inner_text("#threatened")
        # Japan's land is filled red on the map (the bundled geography, drawn offline)
        page.wait_for_selector("#map path[fill='#c62828']")
        # the pedigree of a track on click, on the map or in the list: KOR's and USA's tracks make JPN-S1;
        # JPN's own track was withheld from KOR
        page.click(".sym[title='JPN-T1']")
        expect(page.locator("#pedigree")).to_contain_text("Withheld from: KOR")
        page.click("#track-list li[data-id='JPN-S1']")
        pedigree = page.inner_text("#pedigree")
        assert "KOR-T1" in pedigree and "USA-T1" in pedigree
        OUTPUT.mkdir(exist_ok=True)
        page.screenshot(path=str(OUTPUT / "cop-before-ack.png"))
        alert.locator("button.ack").click()
        alert.wait_for(state="detached")
        for revision in (0, 1, 2):  # one click acknowledged every revision the banner stood for
            row = page.locator(f"#warning-list li[data-warning='JPN-W1'][data-revision='{revision}']")
            row.wait_for()
            assert "acknowledged" in row.get_attribute("class")
            assert "ack JJOC" in row.inner_text()
        page.screenshot(path=str(OUTPUT / "cop-after-ack.png"))
        # the run goes on: the clock follows the stream
        live_run.feed({"t_s": 999.0, "node": "JPN", "type": "picture", "numbers": [], "positions": [], "pedigree": []})
        expect(page.locator("#clock")).to_have_text("t = 999 s / 1000 s")
    finally:
        handle.stop()
    acked = live_run.centres["JPN"].acked  # it reached the command centre itself
    assert {("JPN-W1", 0), ("JPN-W1", 1), ("JPN-W1", 2)} <= {key[:2] for key in acked}  # (id, revision, issuer)


def test_replay_shows_the_run_and_refuses_acknowledgement(page, run_dir):
    handle = start_server(ReplaySource(run_dir), port=0)
    try:
        log_in(page, handle.url, "KOR", "commander")
        page.wait_for_selector("#mode:text('REPLAY')")
        button = page.locator("#banner .alert[data-warning='JPN-W1'] button.ack")
        button.wait_for()
        assert button.is_disabled() and button.get_attribute("title") == "replay is read-only"
        # the timeline: back to t=100 s, before the overflight warning was issued
        page.locator("#slider").fill("100")
        expect(page.locator("#clock")).to_have_text(re.compile(r"^t = 100 s"))
        expect(page.locator("#banner .alert")).to_have_count(0)  # only revision 0 by then, acknowledged at 75 s
        page.screenshot(path=str(OUTPUT / "cop-replay-t100.png"))
    finally:
        handle.stop()


def test_commander_pauses_and_paces_a_live_run_from_the_page(page, live_run):
    handle = start_server(live_run.source, port=0, control=live_run.control)
    try:
        log_in(page, handle.url, "USA", "commander")
        page.click("#pause")
        expect(page.locator("#pause")).to_have_text("Resume")
        assert live_run.control.paused
        page.fill("#speed", "20")
        page.dispatch_event("#speed", "change")
        wait_until(lambda: live_run.control.speed == 20.0)
        page.click("#pause")
        expect(page.locator("#pause")).to_have_text("Pause")
        assert not live_run.control.paused
        page.fill("#speed", "-3")
        page.dispatch_event("#speed", "change")
        expect(page.locator("#status")).to_contain_text("body.speed")  # the server's reason, shown
    finally:
        handle.stop()
