"""LoopRunner (fabric/loop_runner.py): an asyncio loop turned on the caller's thread, pumped in between."""

import asyncio
import threading
import time

import pytest

from triwatch.fabric.loop_runner import LoopRunner


@pytest.fixture
def runner():
    r = LoopRunner("test", period_s=0.005)
    yield r
    r.close()


def test_run_turns_the_loop_on_the_callers_thread(runner):
    async def where() -> int:
        await asyncio.sleep(0)
        return threading.get_ident()

    assert runner.run(where()) == threading.get_ident()


def test_run_gives_up_after_its_timeout(runner):
    t = time.perf_counter()
    with pytest.raises(TimeoutError):
        runner.run(asyncio.sleep(10), timeout_s=0.05)
    assert time.perf_counter() - t < 2.0


def test_the_background_pump_runs_what_is_due_between_calls(runner):
    ran: list[int] = []
    runner.loop.call_soon_threadsafe(lambda: ran.append(threading.get_ident()))
    runner.loop.call_soon_threadsafe(runner.loop.call_later, 0.02, lambda: ran.append(-1))  # a timer, too
    deadline = time.monotonic() + 2.0
    while len(ran) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(ran) == 2 and ran[0] != threading.get_ident() and ran[1] == -1  # on the pump's thread, no caller


def test_run_from_inside_its_own_loop_is_refused(runner):
    async def nested() -> None:
        runner.run(asyncio.sleep(0))

    with pytest.raises(RuntimeError, match="inside its own loop"):
        runner.run(nested())


def test_bad_period_and_use_after_close():
    with pytest.raises(ValueError, match="period_s: must be > 0"):
        LoopRunner(period_s=0)
    r = LoopRunner()
    r.close()
    with pytest.raises(RuntimeError, match="after close"):
        r.run(asyncio.sleep(0))


def test_threads_take_turns_never_at_once(runner):
    inside, overlaps, done = [], [], []

    async def hold() -> None:
        inside.append(1)
        if len(inside) > 1:  # somebody else is turning the loop at the same time
            overlaps.append(len(inside))
        await asyncio.sleep(0.01)
        inside.pop()
        done.append(1)

    threads = [threading.Thread(target=lambda: [runner.run(hold()) for _ in range(5)]) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert overlaps == [] and len(done) == 15


def test_a_failing_background_turn_is_logged_and_the_pump_goes_on(runner, caplog, monkeypatch):
    from triwatch.fabric import loop_runner

    calls = []

    async def failing(n: int) -> None:
        calls.append(n)
        if len(calls) == 1:
            raise RuntimeError("boom")

    monkeypatch.setattr(loop_runner, "turns", failing)
    deadline = time.monotonic() + 2.0
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(calls) >= 3  # still pumping after the failure
    assert "the background turn failed" in caplog.text


def test_run_until_turns_the_loop_until_the_future_made_on_it_is_done(runner):
    def make(loop: asyncio.AbstractEventLoop) -> asyncio.Future:
        fut = loop.create_future()
        loop.call_later(0.01, fut.set_result, threading.get_ident())
        return fut

    assert runner.run_until(make) == threading.get_ident()  # completed on this thread's turn of the loop

    async def nested() -> None:
        runner.run_until(make)

    with pytest.raises(RuntimeError, match="inside its own loop"):
        runner.run(nested())


def test_run_now_runs_a_step_that_waits_for_nothing_without_turning_the_loop(runner):
    ran: list[str] = []

    async def step() -> int:
        asyncio.get_running_loop().call_soon(ran.append, "scheduled")  # runs at the loop's next turn
        ran.append("step")
        return threading.get_ident()

    runner.period_s = 1000.0  # the background pump stays off from its next wait on
    time.sleep(0.02)
    assert runner.run_now(step()) == threading.get_ident()
    assert ran == ["step"]  # nothing else ran: no turn of the loop
    runner.run(asyncio.sleep(0))
    assert ran == ["step", "scheduled"]
    with pytest.raises(RuntimeError, match="no running event loop"):
        asyncio.get_running_loop()  # the running loop is this thread's again only while run_now runs


def test_run_now_hands_a_step_that_waits_to_the_loop(runner):
    async def waits() -> str:
        fut = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_later(0.01, fut.set_result, "done")
        await asyncio.sleep(0)
        return await fut

    async def fails() -> None:
        await asyncio.sleep(0.001)
        raise ValueError("inside")

    assert runner.run_now(waits()) == "done"
    with pytest.raises(ValueError, match="inside"):
        runner.run_now(fails())

    async def nested() -> None:
        runner.run_now(asyncio.sleep(0))

    with pytest.raises(RuntimeError, match="inside its own loop"):
        runner.run(nested())
