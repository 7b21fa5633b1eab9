"""`triwatch outputs ...`: write a finished run's standard outputs, and stream its CoT to TAK.

A Typer sub-app for the lead to register in the main CLI:
`app.add_typer(outputs_app, name="outputs")`. Exit codes follow the CLI: 0 success, 2 bad input
(missing run folder or events.jsonl, a malformed event, a bad epoch or view), 1 anything else.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import typer

from triwatch.warning.outputs.cot_stream import CotServer, load_run_cot, replay, send_cot
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.write_run import load_events, write_outputs

outputs_app = typer.Typer(help="Standard outputs of a run: CAP 1.2, CoT, GeoJSON/KML/CZML.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


def parse_epoch(text: str) -> datetime:
    """A scenario epoch from ISO 8601 text; 'Z' or an offset is required (scenario time is UTC)."""
    try:
        epoch = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--epoch {text!r}: not an ISO 8601 time, e.g. 2022-10-03T22:22:00Z") from None
    if epoch.tzinfo is None:
        raise ValueError(f"--epoch {text!r}: give the UTC offset, e.g. 2022-10-03T22:22:00Z")
    return epoch.astimezone(UTC)


@outputs_app.command("write")
def write_cmd(
    run_dir: Path = typer.Argument(..., help="Run folder holding events.jsonl"),
    epoch: str = typer.Option(..., help="The scenario's UTC epoch, e.g. 2022-10-03T22:22:00Z"),
    view: str | None = typer.Option(None, help="Node whose view is written (default: the hub USA)"),
    actual: bool = typer.Option(False, "--actual", help="Mark CAP status Actual (default Exercise)"),
) -> None:
    """Write cap/, cot/ and geo/ into RUN_DIR from its events.jsonl."""
    try:
        when = parse_epoch(epoch)
        events = load_events(run_dir / "events.jsonl")
        index = write_outputs(run_dir, events, when, exercise=not actual, view=view)
    except (OutputError, ValueError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(
        f"{run_dir}: view {index['view']}; {len(index['cap'])} CAP alerts, {index['cot']['alerts']} CoT alerts, "
        f"{index['cot']['track_updates']} CoT track updates, {len(index['geo'])} geo files"
    )
    for reason in index["skipped"]:
        typer.echo(f"skipped: {reason}", err=True)


@outputs_app.command("serve-cot")
def serve_cot_cmd(
    run_dir: Path = typer.Argument(..., help="Run folder with cot/ (see `outputs write`)"),
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8088, help="TCP port TAK clients connect to"),
    speed: float | None = typer.Option(None, help="Pace at X times real time (default: as fast as possible)"),
    clients: int = typer.Option(1, help="Wait for this many clients before playing"),
    wait_s: float = typer.Option(60.0, help="Give up waiting for clients after this many seconds"),
) -> None:
    """Listen for TAK clients over TCP and play the run's CoT events to them in time order."""
    try:
        events = load_run_cot(run_dir)
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from None

    async def main() -> int:
        server = CotServer(host, port)
        bound = await server.start()
        typer.echo(f"serving CoT on tcp://{bound[0]}:{bound[1]}; waiting for {clients} client(s)")
        try:
            await server.wait_for_clients(clients, wait_s)
            return await replay(server, events, speed=speed)
        finally:
            await server.close()

    try:
        sent = asyncio.run(main())
    except TimeoutError:
        raise _fail(f"no TAK client connected within {wait_s} s") from None
    typer.echo(f"sent {sent} CoT events")


@outputs_app.command("send-cot")
def send_cot_cmd(
    run_dir: Path = typer.Argument(..., help="Run folder with cot/ (see `outputs write`)"),
    host: str = typer.Option(..., help="TAK Server host"),
    port: int = typer.Option(8087, help="TAK Server plain-TCP CoT input port"),
) -> None:
    """Connect out to a TAK Server and send the run's CoT events in time order."""
    try:
        events = load_run_cot(run_dir)
        sent = asyncio.run(send_cot(host, port, events))
    except (FileNotFoundError, ValueError) as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        typer.echo(f"cannot reach TAK Server at {host}:{port}: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"sent {sent} CoT events to {host}:{port}")
