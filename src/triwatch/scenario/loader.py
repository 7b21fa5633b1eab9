"""Load and validate a scenario file, collecting every problem with its path.

Three layers, each reporting all it finds before giving up:
1. YAML syntax (line and column);
2. the schema (types, ranges, unknown keys), from pydantic, rewritten as
   ``launches[2].target.range_km: must be > 0``;
3. meaning: unique launch ids, known site names, launches inside the duration,
   vehicles the physics knows, sensors the sensor factory can build, a
   policy the fabric accepts, and faults on real nations and links inside the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from triwatch.geo.places import PLACES
from triwatch.scenario.fault_checks import fault_problems
from triwatch.scenario.schema import Scenario


class ScenarioError(ValueError):
    """A scenario file with problems; `problems` lists each as 'path: message'."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(f"  {p}" for p in problems))


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("str", "LatLon", "Target", "link-cut", "node-down"):  # pydantic's union tags: noise to a user
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _message(err: dict) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
    if kind in bounds:
        return f"must be {bounds[kind]} {next(iter(ctx.values()))}, got {err.get('input')!r}"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "union_tag_invalid":
        field = str(ctx.get("discriminator", "kind")).strip("'")
        return f"unknown {field} {ctx.get('tag')!r}; known: {ctx.get('expected_tags')}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {err.get('input')!r}"
    msg = err.get("msg", "invalid")
    return msg.removeprefix("Value error, ")


def _schema_problems(exc: ValidationError) -> list[str]:
    seen: dict[str, str] = {}
    for err in exc.errors():
        loc = err["loc"]
        # A site is "a name or {lat, lon}": report one clear message, not one per union branch.
        if "site" in loc:
            i = loc.index("site")
            key = _path(loc[: i + 1])
            if loc[i + 1 : i + 2] == ("LatLon",) and len(loc) > i + 2:
                seen.setdefault(key + "." + str(loc[i + 2]), _message(err))
            else:
                seen.setdefault(key, "must be a named site or {lat, lon}")
            continue
        seen.setdefault(_path(loc), _message(err))
    return [f"{k}: {v}" for k, v in seen.items()]


def _meaning_problems(sc: Scenario) -> list[str]:
    from triwatch.physics.flight import vehicle_names

    problems: list[str] = []
    ids: dict[str, int] = {}
    vehicles = vehicle_names()
    for i, launch in enumerate(sc.launches):
        where = f"launches[{i}]"
        if launch.id in ids:
            problems.append(f"{where}.id: duplicate launch id {launch.id!r} (also launches[{ids[launch.id]}])")
        ids.setdefault(launch.id, i)
        if isinstance(launch.site, str) and launch.site.strip().lower() not in PLACES:
            problems.append(f"{where}.site: unknown site {launch.site!r}; known: {', '.join(sorted(PLACES))}")
        if launch.time_s >= sc.duration_s:
            problems.append(f"{where}.time_s: {launch.time_s} is not before duration_s {sc.duration_s}")
        if launch.vehicle.lower() not in vehicles:
            problems.append(f"{where}.vehicle: unknown vehicle {launch.vehicle!r}; known: {', '.join(vehicles)}")
    if len(set(sc.nations)) != len(sc.nations):
        problems.append("nations: a nation is listed twice")
    problems += _sensor_problems(sc)
    problems += _policy_problems(sc)
    problems += fault_problems(sc)
    return problems


def _sensor_problems(sc: Scenario) -> list[str]:
    from triwatch.sensors.factory import SensorSpecError, build_sensors

    try:
        build_sensors(sc.sensors, list(sc.nations), sc.epoch)
    except SensorSpecError as exc:
        return [str(exc)]
    return []


def _policy_problems(sc: Scenario) -> list[str]:
    from triwatch.fabric import PolicyError, ReleasePolicy

    try:
        ReleasePolicy.from_config(list(sc.nations), sc.policy, topology=sc.topology)
    except PolicyError as exc:
        msg = str(exc)
        return [msg if msg.startswith("policy") else f"policy: {msg}"]
    return []


def parse_scenario(data: Any, source: str = "<scenario>") -> Scenario:
    """Validate an already-parsed mapping; raise ScenarioError listing every problem."""
    if not isinstance(data, dict):
        raise ScenarioError(source, ["(top level): must be a mapping of scenario fields"])
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, _schema_problems(exc)) from None
    problems = _meaning_problems(sc)
    if problems:
        raise ScenarioError(source, problems)
    return sc


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(str(path), [f"cannot read file: {exc.strerror}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise ScenarioError(str(path), [f"{where}: {getattr(exc, 'problem', None) or exc}"]) from None
    return parse_scenario(data, str(path))
