"""The flagship cut short, and a run's events as compared across fabrics (the end-to-end tests' helpers)."""

import json
from pathlib import Path

import yaml

from triwatch.cli.main import flagship_path

WALL_CLOCK_FIELDS = ("wall_ns", "cause_wall_ns")  # differ between any two runs; everything else must not


def flagship_cut(folder: Path, duration_s: float, name: str = "short.yaml") -> Path:
    """The flagship scenario with its duration cut to duration_s, written into folder."""
    data = yaml.safe_load(flagship_path().read_text())
    data["duration_s"] = duration_s
    path = folder / name
    path.write_text(yaml.safe_dump(data))
    return path


def comparable(events) -> list[str]:
    """Each event as canonical JSON without its wall-clock fields."""
    return [json.dumps({k: v for k, v in e.items() if k not in WALL_CLOCK_FIELDS}) for e in events]
