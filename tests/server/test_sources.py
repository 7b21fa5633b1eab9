"""Run folders the COP refuses (with the file and line at fault), the threaded server, and `triwatch serve`."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import typer
from typer.testing import CliRunner

from triwatch.cli.serve_cmd import serve
from triwatch.server import ReplaySource, RunFolderError, start_server


def test_replay_without_summary_takes_nations_and_name_from_the_events(tmp_path):
    (tmp_path / "events.jsonl").write_text(
        '{"t_s": 1, "node": "KOR", "type": "detection"}\n\n{"t_s": 2, "node": "JPN", "type": "detection"}\n'
    )
    src = ReplaySource(tmp_path)
    assert src.nations == ("JPN", "KOR") and src.scenario == tmp_path.name
    assert src.info().sim_time_s == 2.0 and src.count("KOR") == 1


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ('{"t_s": 1, "node": "KOR", "type": "x"}\n{"t_s": 2, "node": "JPN"\n', "events.jsonl:2: not valid JSON"),
        ("[1, 2]\n", "events.jsonl:1: an event must be a JSON object, got list"),
        ('{"t_s": 1, "type": "x"}\n', "events.jsonl:1.node: missing or not a string"),
        ('{"t_s": "soon", "node": "JPN", "type": "x"}\n', "events.jsonl:1.t_s: missing or not a finite number"),
        ('{"t_s": NaN, "node": "JPN", "type": "x"}\n', "events.jsonl:1.t_s: missing or not a finite number"),
    ],
)
def test_bad_event_lines_are_named(tmp_path, lines, says):
    (tmp_path / "events.jsonl").write_text(lines)
    with pytest.raises(RunFolderError, match=says.replace(".", r"\.").replace("[", r"\[")):
        ReplaySource(tmp_path)


def test_missing_folder_events_or_bad_summary_are_named(tmp_path):
    with pytest.raises(RunFolderError, match="not a folder"):
        ReplaySource(tmp_path / "nope")
    with pytest.raises(RunFolderError, match=r"events\.jsonl: missing"):
        ReplaySource(tmp_path)
    (tmp_path / "events.jsonl").write_text("")
    (tmp_path / "summary.json").write_text("{")
    with pytest.raises(RunFolderError, match=r"summary\.json: not valid JSON"):
        ReplaySource(tmp_path)
    (tmp_path / "summary.json").write_text("[]")
    with pytest.raises(RunFolderError, match=r"summary\.json: must hold a JSON object"):
        ReplaySource(tmp_path)


def test_threaded_server_serves_and_stops(run_dir):
    handle = start_server(ReplaySource(run_dir), port=0)
    try:
        assert handle.thread.is_alive()
        r = httpx.get(handle.url + "/api/runs/current", timeout=5)
        assert r.status_code == 200 and r.json()["mode"] == "replay"
    finally:
        handle.stop()
    assert not handle.thread.is_alive()


def test_threaded_server_on_a_busy_port_says_so(run_dir):
    first = start_server(ReplaySource(run_dir), port=0)
    try:
        with pytest.raises(RuntimeError, match=f"could not start on 127.0.0.1:{first.port}"):
            start_server(ReplaySource(run_dir), port=first.port)
    finally:
        first.stop()


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command("serve")(serve)
    app.command("noop")(lambda: None)  # two commands, so `serve` is a sub-command as in triwatch
    return app


def test_serve_command_refuses_a_folder_that_is_not_a_run(tmp_path):
    result = CliRunner().invoke(_cli(), ["serve", str(tmp_path)])
    assert result.exit_code == 2
    assert "events.jsonl: missing" in result.output


def test_serve_command_refuses_a_bad_port(run_dir):
    result = CliRunner().invoke(_cli(), ["serve", str(run_dir), "--port", "70000"])
    assert result.exit_code == 2 and "--port" in result.output


def test_summary_truth_never_reaches_the_events(run_dir):
    summary = json.loads((run_dir / "summary.json").read_text())
    assert "truth" in summary["launches"][0]  # the folder has it (for the report) ...
    src = ReplaySource(run_dir)
    for nation in src.nations:  # ... and the COP's data has none of it
        assert "launch_lat" not in json.dumps(src.events(nation))


def test_serve_command_on_a_busy_port_says_so(run_dir):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        # in a thread of its own: uvicorn starts an event loop, and the browser tests' Playwright keeps one
        # running in this thread for the session
        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(CliRunner().invoke, _cli(), ["serve", str(run_dir), "--port", str(port)]).result()
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.output
