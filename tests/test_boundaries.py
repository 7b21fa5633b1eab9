"""The part boundaries of docs/architecture.md, checked on the import statements of the source."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "triwatch"

# part -> parts it must never import
FORBIDDEN = {
    "tracking": {"fabric", "node", "fusion", "warning", "c2", "scenario", "exercise", "report", "server"},
    "fabric": {"tracking", "fusion", "warning", "physics", "sensors", "scenario", "exercise", "report"},
    "fusion": {"fabric", "scenario", "exercise", "report", "server"},
    "warning": {"fabric", "scenario", "exercise", "report", "server", "tracking.tracker"},
    "sensors": {"tracking", "fabric", "fusion", "warning", "node"},
    "physics": {"sensors", "tracking", "fabric", "node"},
    "geo": {"physics", "sensors", "tracking", "fabric"},
    "server": {"tracking", "fusion", "physics"},
    "node": {"scenario", "exercise", "report"},  # truth never reaches a node
}


def imported_parts(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("triwatch."):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("triwatch."))
    return {n.removeprefix("triwatch.") for n in names}


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_part_keeps_its_boundary(part):
    offences = []
    for path in sorted((SRC / part).rglob("*.py")):
        for name in imported_parts(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[part]):
                offences.append(f"{path.relative_to(SRC)} imports triwatch.{name}")
    assert not offences, "\n".join(offences)
