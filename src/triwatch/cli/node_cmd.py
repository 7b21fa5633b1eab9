"""`triwatch node --nation N --config FILE`: one nation's node against a deployed NATS fabric."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

console = Console(stderr=True)


def node(
    nation: str = typer.Option(..., "--nation", help="This node's nation (ISO 3166 alpha-3, e.g. JPN)"),
    config: Path = typer.Option(
        ..., "--config", help="Node configuration file (JSON or YAML, see docs/architecture.md)"
    ),
) -> None:
    """Run one nation's node: its sensors, tracker, fabric endpoint, allied picture, warnings and C2."""
    from triwatch.exercise.node_process import open_node_process, run_node  # late: NATS and the physics
    from triwatch.node.process_config import NodeConfigError, load_node_config
    from triwatch.scenario.loader import ScenarioError

    try:
        cfg = load_node_config(config)
        if cfg.nation != nation:
            raise NodeConfigError(str(config), [f"nation: {cfg.nation} in the file, but --nation {nation}"])
        proc = open_node_process(cfg)
    except (NodeConfigError, ScenarioError, ValueError, FileNotFoundError) as exc:  # the files say something wrong
        console.print(f"node {nation}: bad configuration: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    run_node(proc, cfg)
