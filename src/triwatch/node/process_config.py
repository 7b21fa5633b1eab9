"""The configuration file of one deployed node process (`triwatch node --nation N --config FILE`).

JSON or YAML (JSON is YAML), one mapping::

    scenario: scenario.yaml            # the exercise: nations, policy, topology, sensors, clock
    nation: JPN                        # must match --nation and the fabric file's nation
    fabric: fabric/JPN/fabric.json     # written by fabric.deploy.prepare_deployment
    audit: audit.sqlite                # the hash-chained audit log (may be shared by all nodes)
    run_dir: nodes/JPN                 # where this node writes events.jsonl
    clock:                             # how scenario time advances
      mode: lockstep                   # stepped by an exercise coordinator ...
      control: 127.0.0.1:40123         #   ... listening here,
      authkey: 5f0c...                 #   authenticated with this shared secret (hex, >= 32 digits)
      timeout_s: 60                    #   longest wait for partners' messages in one phase
    # or
    clock:                             # free-running, as a real deployment:
      mode: wall                       #   scenario time = speed x wall time since start_utc
      speed: 1.0
      start_utc: 2026-11-21T09:00:00Z  #   shared by all nodes (default: when this node starts)

Relative paths are taken from the folder of the configuration file. A problem raises
:class:`NodeConfigError` listing each with its field (``clock.authkey: ...``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from triwatch.fabric.labels import is_nation_code


class NodeConfigError(ValueError):
    """A node configuration file with problems; ``problems`` lists each as 'field: message'."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LockstepClock(_Strict):
    """Scenario time is set by the coordinator, one phase at a time."""

    mode: Literal["lockstep"]
    control: str
    authkey: Annotated[str, Field(min_length=32, pattern=r"^[0-9a-fA-F]+$")]
    timeout_s: Annotated[float, Field(gt=0.0)] = 60.0

    @field_validator("control")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"must be HOST:PORT, got {value!r}")
        return value

    def address(self) -> tuple[str, int]:
        host, _, port = self.control.rpartition(":")
        return host, int(port)


class WallClock(_Strict):
    """Free-running: scenario time is ``speed`` x the wall time since ``start_utc`` (default: the node's start).

    Nodes of one deployment share a ``start_utc`` so that they agree on scenario time whenever each starts.
    """

    mode: Literal["wall"]
    speed: Annotated[float, Field(gt=0.0)] = 1.0
    start_utc: AwareDatetime | None = None


class NodeProcessConfig(_Strict):
    scenario: Path
    nation: str
    fabric: Path
    audit: Path
    run_dir: Path
    clock: Annotated[LockstepClock | WallClock, Field(discriminator="mode")]

    @field_validator("nation")
    @classmethod
    def _nation(cls, value: str) -> str:
        if not is_nation_code(value):
            raise ValueError(f"must be an ISO 3166 alpha-3 code such as JPN, got {value!r}")
        return value


def _field(loc: tuple) -> str:
    # A discriminated union puts the tag in the location (clock.lockstep.authkey): drop it.
    parts = [str(p) for p in loc if p not in ("lockstep", "wall")]
    return ".".join(parts) or "(top level)"


def load_node_config(path: str | Path) -> NodeProcessConfig:
    """Read, validate and resolve a node configuration file (NodeConfigError on any problem)."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NodeConfigError(str(p), [f"cannot read file: {exc.strerror}"]) from None
    except yaml.YAMLError as exc:
        raise NodeConfigError(str(p), [f"not valid JSON or YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise NodeConfigError(str(p), ["(top level): must be a mapping of node settings"])
    try:
        cfg = NodeProcessConfig.model_validate(data)
    except ValidationError as exc:
        raise NodeConfigError(str(p), [f"{_field(e['loc'])}: {e['msg']}" for e in exc.errors()]) from None
    base = p.resolve().parent
    resolved = cfg.model_copy(
        update={name: base / getattr(cfg, name) for name in ("scenario", "fabric", "audit", "run_dir")}
    )
    problems = [
        f"{name}: file {getattr(resolved, name)} missing"
        for name in ("scenario", "fabric")
        if not getattr(resolved, name).is_file()
    ]
    if not resolved.audit.parent.is_dir():
        problems.append(f"audit: folder {resolved.audit.parent} missing")
    if problems:
        raise NodeConfigError(str(p), problems)
    return resolved
