"""`triwatch serve RUN_DIR [--port P]`: the COP web UI and API over a finished run, for replay.

A plain function; the CLI registers it (`app.command("serve")(serve)`). It
blocks until Ctrl-C. A folder that is not a run folder exits 2 with the reason.
"""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn
from rich.console import Console

from triwatch.server.app import create_app
from triwatch.server.sources import ReplaySource, RunFolderError

console = Console(stderr=True)


def serve(
    run_dir: Path = typer.Argument(..., help="Run folder (with events.jsonl) to replay"),
    port: int = typer.Option(8080, "--port", help="TCP port to serve on"),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (127.0.0.1: this machine only)"),
) -> None:
    """Serve the COP web UI and API over a finished run, for replay."""
    if not 0 <= port <= 65535:
        console.print(f"--port: must be 0..65535, got {port}")
        raise typer.Exit(2)
    try:
        source = ReplaySource(run_dir)
    except RunFolderError as exc:
        console.print(f"[red]cannot replay[/red]: {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"COP for [bold]{source.scenario}[/bold] ({', '.join(source.nations)}): http://{host}:{port}/")
    try:
        uvicorn.run(create_app(source), host=host, port=port, log_level="warning", ws="websockets-sansio")
    except (OSError, SystemExit) as exc:  # uvicorn exits when it cannot bind (port in use, no such address)
        console.print(f"[red]cannot serve on {host}:{port}[/red] (in use, or not an address of this machine?)")
        raise typer.Exit(1) from exc
