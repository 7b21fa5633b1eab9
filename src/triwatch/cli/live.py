"""The live view of a running exercise: a progress bar and a table of tracks and warnings."""

from __future__ import annotations

from rich.console import Group
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table


def make_progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("sim s"),
        TimeElapsedColumn(),
    )


def picture_table(run) -> Table:
    """Each node's system tracks and its latest warning revision per alert."""
    table = Table(title="Allied picture", expand=True)
    for col in ("node", "system tracks (pedigree)", "latest warnings"):
        table.add_column(col)
    for nation, node in run.nodes.items():
        tracks = ", ".join(f"{st.number}({'+'.join(st.pedigree)})" for st in node.picture.active(node_time(run)))
        latest: dict[str, str] = {}
        for w in node.delivered_warnings:
            latest[f"{w.issuer}:{w.warning_id}"] = f"{w.warning_id} r{w.revision} {w.kind} {' '.join(w.areas)}".strip()
        table.add_row(nation, tracks or "-", "\n".join(list(latest.values())[-4:]) or "-")
    return table


def node_time(run) -> float:
    return run.events.events[-1]["t_s"] if run.events.events else 0.0


def live_group(progress: Progress, run) -> Group:
    return Group(progress, picture_table(run))
