"""Write `report.html` into a run folder: the after-action report, self-contained and offline."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from triwatch.report.aar import latency, sections
from triwatch.report.aar.accuracy import gospa_series, impact_errors, track_errors
from triwatch.report.aar.accuracy_plot import accuracy_figure, accuracy_rows
from triwatch.report.aar.benchmarks import SOURCE
from triwatch.report.aar.findings import findings
from triwatch.report.aar.mapplot import gather_layers, map_figure
from triwatch.report.aar.template import render
from triwatch.report.aar.timeline import describe, nation_timelines, timeline_figure
from triwatch.report.aar.validate import ReportInputError, TruthTrack, check_events, check_summary, check_truth

BIN_S = 10.0


def write_report(run_dir: Path, summary: dict, events: list[dict], truth: dict | None = None) -> Path:
    """Write run_dir/report.html from the run summary, the event list and (optionally) truth.

    truth: {truth object id: {"t_s": (N,), "r_ecef": (N, 3) metres}} sampled on the scenario
    clock; without it the accuracy section says it is omitted. Raises ReportInputError naming
    the field at fault for malformed input, and NotADirectoryError when run_dir is not a folder.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise NotADirectoryError(f"run_dir: {run_dir} is not an existing folder")
    html = build_html(summary, events, truth)
    path = run_dir / "report.html"
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)  # a reader never sees half a report
    return path


def build_html(summary: dict, events: list[dict], truth: dict | None = None) -> str:
    """The report page as a string (what write_report writes)."""
    summary = check_summary(summary)
    events = check_events(events)
    truth_tracks = check_truth(truth)
    nations = sections.nation_order(summary, events)
    metrics = summary.get("metrics", {})
    wall = metrics.get("latency_ms") or {}
    edges, lines = nation_timelines(events, nations, BIN_S)
    launch_times = launch_times_from_truth(truth_tracks)
    ctx = {
        "header": sections.header(summary, nations),
        "metrics": sections.metrics_rows(metrics),
        "findings": findings(summary, events),
        "launches": [sections.launch_section(launch, nations) for launch in summary.get("launches", [])],
        "source": SOURCE,
        "latency_fig": latency.latency_figure(summary.get("launches", []), nations),
        "delays": latency.delivery_delays(events, nations),
        "wall_p50": sections.fmt(wall.get("p50"), 2, " ms"),
        "wall_p99": sections.fmt(wall.get("p99"), 2, " ms"),
        "timeline_fig": timeline_figure(edges, lines, nations, launch_times),
        "bin_s": f"{BIN_S:g}",
        "total_keys": list(lines[0].totals) if lines else [],
        "timelines": [
            {"nation": t.nation, "totals": t.totals, "rows": [describe(e) for e in t.notable]} for t in lines
        ],
        "has_truth": truth_tracks is not None,
        "accuracy_fig": None,
        "accuracy_rows": [],
        "track_time_note": "",
        "map_fig": map_figure(gather_layers(summary, events, truth_tracks, nations), nations),
        "map_note": _map_note(truth_tracks is not None),
        "areas_named": sorted({str(a) for e in events if e["type"] == "warning-issued" for a in e.get("areas") or []}),
        "nations": sections.nations_rows(summary, nations),
    }
    if truth_tracks is not None:
        pos, unassoc = track_errors(events, truth_tracks, nations)
        imp = impact_errors(events, truth_tracks, nations)
        gos = gospa_series(events, truth_tracks, nations)
        ctx["accuracy_fig"] = accuracy_figure(pos, imp, gos, nations, launch_times)
        ctx["accuracy_rows"] = accuracy_rows(pos, unassoc, imp, gos, nations)
        if any(e["type"] == "track" and e.get("time_s") is None for e in events):
            ctx["track_time_note"] = (
                "Track events here carry no state time, so the top panel shows each update's distance to the"
                " true path flown in the minute before it: cross-track error only, not error along the path."
            )
    return render(ctx)


def launch_times_from_truth(truth: list[TruthTrack] | None) -> dict[str, float]:
    """Each launch's time on the scenario clock: the first sample of its objects (the payload is
    born at launch). Empty without truth: the summary gives times after launch, not the launch."""
    out: dict[str, float] = {}
    for tr in truth or []:
        out[tr.launch_id] = min(out.get(tr.launch_id, np.inf), float(tr.t_s[0]))
    return out


def _map_note(has_truth: bool) -> str:
    truth = (
        "Dark lines: the true ground tracks (solid: the payload; dashed: spent stages, small x where they came down), drawn over the track dots."
        if has_truth
        else "True ground tracks are not drawn (no truth trajectories given); triangles and crosses still mark the true launch and impact points from the summary."
    )
    return (
        f"{truth} Triangles: true launch points; X: true impact points. Dots: positions of each nation's own tracks"
        " (coloured by nation). Plus signs: impact points predicted by the warnings each nation issued, with their 95 %"
        " impact ellipses where the events carry them. Equirectangular projection."
    )


def load_run_folder(run_dir: Path) -> tuple[dict, list[dict]]:
    """Read summary.json and events.jsonl from a run folder; errors name the file and line at fault."""
    run_dir = Path(run_dir)
    try:
        summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportInputError(f"{run_dir / 'summary.json'}: missing") from None
    except json.JSONDecodeError as exc:
        raise ReportInputError(f"{run_dir / 'summary.json'}: not JSON ({exc})") from None
    events = []
    path = run_dir / "events.jsonl"
    if not path.exists():
        raise ReportInputError(f"{path}: missing")
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ReportInputError(f"{path}:{lineno}: not JSON ({exc.msg})") from None
    return summary, events


def report_from_folder(run_dir: Path, truth: dict | None = None) -> Path:
    """(Re)write run_dir/report.html from the folder's own summary.json and events.jsonl, for a
    command such as `triwatch report RUN_DIR` after a run has finished."""
    summary, events = load_run_folder(run_dir)
    return write_report(run_dir, summary, events, truth)
