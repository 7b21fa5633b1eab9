"""The `triwatch` command line. Exit codes: 0 success, 2 bad input, 1 anything else."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

import typer
from rich.console import Console
from rich.live import Live

from triwatch.cli.audit_cmd import audit_verify
from triwatch.cli.coverage_cmd import coverage
from triwatch.cli.live import live_group, make_progress
from triwatch.cli.live_serve import LiveServing
from triwatch.cli.node_cmd import node as node_command
from triwatch.cli.serve_cmd import serve as serve_run
from triwatch.cli.trajectory_cmd import trajectory
from triwatch.exercise.folder import new_run_dir, write_summary
from triwatch.exercise.run import run_exercise
from triwatch.report.aar import ReportInputError, report_from_folder, truth_samples, write_report
from triwatch.report.summary import build_summary
from triwatch.scenario.loader import ScenarioError, load_scenario
from triwatch.warning.outputs.cli_commands import outputs_app
from triwatch.warning.outputs.write_run import write_outputs

app = typer.Typer(
    help="triwatch: allied missile-warning data sharing (US, Japan, Republic of Korea).",
    no_args_is_help=True,
    add_completion=False,
)
scenario_app = typer.Typer(help="Scenario files.", no_args_is_help=True)
exercise_app = typer.Typer(help="Run exercises.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(exercise_app, name="exercise")
app.add_typer(audit_app, name="audit")
app.add_typer(outputs_app, name="outputs")
app.command("trajectory", help="Design a ballistic trajectory through an apogee and range; print its summary.")(
    trajectory
)

console = Console(stderr=True)
FLAGSHIP = "irbm-2022-10-04.yaml"


def flagship_path() -> Path:
    """The embedded flagship scenario (shipped inside the package)."""
    return Path(str(resources.files("triwatch.scenario").joinpath("library", FLAGSHIP)))


def _load_or_exit(path: Path):
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        console.print(f"[red]{exc.source}[/red]: {len(exc.problems)} problem(s)")
        for p in exc.problems:
            console.print(f"  {p}", markup=False)
        raise typer.Exit(2) from None


@scenario_app.command("check")
def scenario_check(scenario: Path = typer.Argument(..., help="Scenario YAML file")) -> None:
    """Validate a scenario file; print every problem with its path, exit 2 if any."""
    sc = _load_or_exit(scenario)
    console.print(f"[green]ok[/green] {scenario}: {sc.name!r}, {len(sc.launches)} launch(es), nations {sc.nations}")


def _run(
    scenario_path: Path,
    out: Path | None,
    summary_json: Path | None,
    speed: float | None,
    live: bool,
    serve_port: int | None = None,
    fabric: str = "memory",
) -> Path:
    sc = _load_or_exit(scenario_path)
    serving = LiveServing(sc, "127.0.0.1", serve_port, speed) if serve_port is not None else None
    hooks = {}
    if serving:
        hooks = {"on_start": _announce(serving), "on_tick": serving.tick}
        speed = None  # the COP's speed control paces the run
    out_dir = out if out else new_run_dir(Path("runs"), sc.name)
    out_dir.mkdir(parents=True, exist_ok=True)
    progress = make_progress()
    task = progress.add_task(sc.name[:40], total=int(sc.duration_s))
    state = {"last": -1e9}

    def on_tick(t: float, run, refresh) -> None:
        progress.update(task, completed=int(t))
        if refresh and t - state["last"] >= 10.0:
            state["last"] = t
            refresh(run)

    try:
        if fabric == "nats":
            run = _run_nats(scenario_path, out_dir, speed, progress if live else None, task, hooks)
        elif live:
            with Live(console=console, refresh_per_second=4, transient=False) as view:
                run = run_exercise(
                    sc,
                    out_dir,
                    speed=speed,
                    progress=lambda t, r: on_tick(t, r, lambda rr: view.update(live_group(progress, rr))),
                    **hooks,
                )
                view.update(live_group(progress, run))
        else:
            run = run_exercise(sc, out_dir, speed=speed, progress=lambda t, r: None, **hooks)
    finally:
        if serving:
            serving.stop()
    summary = build_summary(run)
    write_summary(out_dir, summary)
    written = write_outputs(out_dir, run.events.events, sc.epoch, exercise=True)
    write_report(out_dir, summary, run.events.events, truth_samples(run.world))
    if written.get("skipped"):
        console.print(f"outputs: {len(written['skipped'])} item(s) skipped, see {out_dir / 'outputs.json'}")
    if summary_json:
        summary_json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    _print_outcome(summary, out_dir)
    return out_dir


def _run_nats(scenario_path: Path, out_dir: Path, speed: float | None, progress, task, hooks: dict):
    """One node process per nation over a local NATS server (progress bar only: the pictures live in the
    nodes; with --serve the COP reads the events the coordinator merges, and a person's acknowledgement
    goes to the node process of that nation)."""
    from triwatch.exercise.distributed import run_distributed  # late: only this path needs NATS
    from triwatch.exercise.node_fleet import NodeProcessError

    def update(t: float, run) -> None:
        if progress is not None:
            progress.update(task, completed=int(t))

    try:
        if progress is not None:
            with progress:
                return run_distributed(scenario_path, out_dir, speed=speed, progress=update, **hooks)
        return run_distributed(scenario_path, out_dir, speed=speed, progress=update, **hooks)
    except NodeProcessError as exc:
        console.print(f"[red]exercise over NATS failed[/red]: {exc}", markup=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        console.print("interrupted: every node process and the NATS server were stopped")
        raise typer.Exit(1) from None


def _announce(serving: LiveServing):
    def start(run) -> None:
        serving.start(run)
        console.print(f"COP: [bold]{serving.url}[/bold] (log in as a nation and role)")

    return start


def _print_outcome(summary: dict, out_dir: Path) -> None:
    for pl in summary["launches"]:
        est = pl["estimate"]
        console.print(
            f"[bold]{pl['id']}[/bold]: lands {pl['truth']['impact_area']} "
            f"(predicted {est['predicted_impact_area']}, error {est['impact_point_error_km_final']} km); "
            f"detected +{est['detected_s']} s; first warning per nation {est['first_warning_s']}"
        )
    m = summary["metrics"]
    console.print(
        f"false warnings {m['false_warnings']}, missed {m['missed_warnings']}, "
        f"reports {m['reports_processed']} ({m['reports_per_s_wall']}/s wall)"
    )
    console.print(f"run folder: [bold]{out_dir}[/bold]")
    print(out_dir)


@exercise_app.command("run")
def exercise_run(
    scenario: Path = typer.Argument(..., help="Scenario YAML file"),
    out: Path | None = typer.Option(None, "--out", help="Run folder (default: runs/<time>-<name>)"),
    summary_json: Path | None = typer.Option(None, "--summary-json", help="Also write the run summary here"),
    speed: float | None = typer.Option(None, "--speed", help="Pace against the wall clock (x real time)"),
    serve: bool = typer.Option(False, "--serve", help="Also serve the COP web UI while it runs"),
    port: int = typer.Option(8080, "--port", help="Port of the COP with --serve"),
    fabric: str = typer.Option("memory", "--fabric", help="memory | nats"),
) -> None:
    """Run any scenario and write its run folder."""
    if fabric not in ("memory", "nats"):
        console.print(f"--fabric: must be memory or nats, got {fabric!r}")
        raise typer.Exit(2)
    if speed is not None and speed <= 0:
        console.print("--speed: must be > 0")
        raise typer.Exit(2)
    _run(
        scenario,
        out,
        summary_json,
        speed,
        live=sys.stderr.isatty(),
        serve_port=port if serve else None,
        fabric=fabric,
    )


@app.command("demo")
def demo(
    out: Path | None = typer.Option(None, "--out", help="Run folder (default: runs/<time>-<name>)"),
    speed: float | None = typer.Option(None, "--speed", help="Pace against the wall clock (x real time)"),
    serve: bool = typer.Option(False, "--serve", help="Also serve the COP web UI while it runs"),
    port: int = typer.Option(8080, "--port", help="Port of the COP with --serve"),
) -> None:
    """Run the flagship exercise: an IRBM over northern Japan modelled on 4 Oct 2022."""
    _run(flagship_path(), out, None, speed, live=True, serve_port=port if serve else None)


app.command("serve", help="Serve the COP web UI and API over a finished run, for replay.")(serve_run)
app.command("node", help="Run one nation's node against a deployed NATS fabric.")(node_command)


@app.command("report")
def report_command(run_dir: Path = typer.Argument(..., help="Run folder with summary.json and events.jsonl")) -> None:
    """Re-write a run's after-action report (report.html) from its summary and events (without truth plots)."""
    try:
        path = report_from_folder(run_dir)
    except (ReportInputError, OSError, NotADirectoryError) as exc:
        console.print(f"{run_dir}: {exc}", markup=False)
        raise typer.Exit(2) from None
    console.print(f"report: {path}")


@app.command("coverage")
def coverage_command(
    scenario: Path = typer.Argument(..., help="Scenario YAML file"),
    altitude_km: float = typer.Option(100.0, "--altitude-km", help="Altitude of the coverage map"),
    out: Path | None = typer.Option(None, "--out", help="PNG to write (default SCENARIO-coverage.png)"),
) -> None:
    """Which nations' sensors see each point of the region; coverage gaps along each launch."""
    raise typer.Exit(coverage(scenario, altitude_km, out))


@audit_app.command("verify")
def audit_verify_command(run_dir: Path = typer.Argument(..., help="Run folder holding audit.sqlite")) -> None:
    """Check the hash chain of a run's audit log: exit 0 intact, 1 broken (row named), 2 missing."""
    raise typer.Exit(audit_verify(run_dir))


def main() -> None:  # pragma: no cover - entry point
    app()
