"""The run folder of INTERFACES.md: summary.json beside events.jsonl and audit.sqlite
(written while the run goes), and the outputs later issues add (report.html, cap/, cot/, geo/)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path


def new_run_dir(base: Path, scenario_name: str) -> Path:
    """A fresh, time-stamped folder under base for one run."""
    slug = "".join(c if c.isalnum() else "-" for c in scenario_name.lower()).strip("-")[:40] or "run"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = base / f"{stamp}-{slug}"
    n = 1
    while path.exists():
        n += 1
        path = base / f"{stamp}-{slug}-{n}"
    path.mkdir(parents=True)
    return path


def write_summary(out_dir: Path, summary: dict) -> Path:
    path = out_dir / "summary.json"
    path.write_text(json.dumps(summary, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return path
