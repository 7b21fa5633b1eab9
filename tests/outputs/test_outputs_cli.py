"""`triwatch outputs` commands: write a run folder's outputs, send its CoT, refuse bad input with exit 2."""

from __future__ import annotations

import json
import socket
import threading

from typer.testing import CliRunner

from triwatch.warning.outputs.cli_commands import outputs_app

runner = CliRunner()


def _run_folder(tmp_path, events) -> None:
    (tmp_path / "events.jsonl").write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")


def test_write_then_send_cot(tmp_path, events):
    _run_folder(tmp_path, events)
    result = runner.invoke(outputs_app, ["write", str(tmp_path), "--epoch", "2022-10-03T22:22:00Z"])
    assert result.exit_code == 0, result.output
    assert "view USA; 7 CAP alerts, 7 CoT alerts, 60 CoT track updates, 5 geo files" in result.output
    assert (tmp_path / "cap" / "feed.atom").exists()

    listener = socket.create_server(("127.0.0.1", 0))
    received = bytearray()

    def accept() -> None:
        conn, _ = listener.accept()
        with conn:
            while chunk := conn.recv(65536):
                received.extend(chunk)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    result = runner.invoke(outputs_app, ["send-cot", str(tmp_path), "--host", "127.0.0.1", "--port", str(port)])
    thread.join(5.0)
    listener.close()
    assert result.exit_code == 0, result.output
    assert received.count(b"</event>") == 67  # 39 national + 21 system track updates, 7 alerts


def test_bad_input_exits_2(tmp_path, events):
    result = runner.invoke(outputs_app, ["write", str(tmp_path), "--epoch", "2022-10-03T22:22:00Z"])
    assert result.exit_code == 2 and "events.jsonl" in result.output
    _run_folder(tmp_path, events)
    result = runner.invoke(outputs_app, ["write", str(tmp_path), "--epoch", "2022-10-03T22:22:00"])
    assert result.exit_code == 2 and "give the UTC offset" in result.output
    result = runner.invoke(outputs_app, ["write", str(tmp_path), "--epoch", "yesterday"])
    assert result.exit_code == 2 and "not an ISO 8601 time" in result.output
    result = runner.invoke(outputs_app, ["write", str(tmp_path), "--epoch", "2022-10-03T22:22:00Z", "--view", "PHL"])
    assert result.exit_code == 2 and "view node 'PHL'" in result.output
    result = runner.invoke(outputs_app, ["send-cot", str(tmp_path / "x"), "--host", "127.0.0.1"])
    assert result.exit_code == 2 and "no cot/ folder" in result.output
