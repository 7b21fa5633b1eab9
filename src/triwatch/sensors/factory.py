"""Build sensors from a scenario file's `sensors:` list, with errors that name the entry and field.

Entry forms:

- ``{use: default-laydown}``: the built-in public-knowledge laydown of the scenario's nations.
- ``{id, nation, kind: radar, preset, site: {lat, lon} | "place-name", boresight_az_deg?, height_m?,
  platform?: ground|ship, max_range_km?, r50_1m2_km?, min_elevation_deg?, revisit_s?, latency_s?,
  false_alarms_per_scan?}``
- ``{id, nation, kind: ir-geo, preset, lon_deg?, revisit_s?, latency_s?}``
- ``{id, nation, kind: ir-leo, preset, planes?, sats_per_plane?, altitude_km?, inclination_deg?,
  revisit_s?, latency_s?}``: one entry is a whole constellation; its satellites are sensors named
  ``<id>-PP-SS`` (plane, slot).

Degrees and km here (the file's edge), SI inside.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

import numpy as np

from triwatch.geo.places import PLACES
from triwatch.sensors.base import SENSOR_KINDS, Sensor
from triwatch.sensors.ir_presets import IR_PRESETS
from triwatch.sensors.laydown import SENSOR_SITES, default_laydown
from triwatch.sensors.orbits import Constellation, WalkerDelta
from triwatch.sensors.radar import RadarSensor
from triwatch.sensors.radar_presets import RADAR_PRESETS
from triwatch.sensors.space_ir import GeoIrSensor, LeoIrSensor

PRESETS = {**RADAR_PRESETS, **IR_PRESETS}
USES = ("default-laydown",)

_COMMON = {"id", "nation", "kind", "preset"}
_ALLOWED = {
    "radar": _COMMON
    | {
        "site",
        "boresight_az_deg",
        "height_m",
        "platform",
        "max_range_km",
        "r50_1m2_km",
        "min_elevation_deg",
        "revisit_s",
        "latency_s",
        "false_alarms_per_scan",
    },
    "ir-geo": _COMMON | {"lon_deg", "revisit_s", "latency_s"},
    "ir-leo": _COMMON | {"planes", "sats_per_plane", "altitude_km", "inclination_deg", "revisit_s", "latency_s"},
}


class SensorSpecError(ValueError):
    """A sensor entry is wrong; the message names the entry and field, e.g. ``sensors[2].preset: ...``."""


def _number(
    entry: dict,
    key: str,
    where: str,
    lo: float | None = None,
    hi: float | None = None,
    positive: bool = False,
    integer: bool = False,
) -> float | None:
    """The entry's numeric field, checked, or None when absent."""
    if key not in entry:
        return None
    v = entry[key]
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise SensorSpecError(f"{where}.{key}: must be a finite number, got {v!r}")
    if integer and int(v) != v:
        raise SensorSpecError(f"{where}.{key}: must be a whole number, got {v!r}")
    if positive and v <= 0:
        raise SensorSpecError(f"{where}.{key}: must be > 0, got {v!r}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        bound = (
            f"within [{lo}, {hi}]" if lo is not None and hi is not None else f">= {lo}" if hi is None else f"<= {hi}"
        )
        raise SensorSpecError(f"{where}.{key}: must be {bound}, got {v!r}")
    return float(v)


def _site(entry: dict, where: str) -> tuple[float, float, str | None]:
    """(lat_deg, lon_deg, name) of a radar's site: {lat, lon} or a known place name."""
    if "site" not in entry:
        raise SensorSpecError(f"{where}.site: required for a radar ({{lat, lon}} or a place name)")
    site = entry["site"]
    if isinstance(site, str):
        key = site.strip().lower()
        if key in SENSOR_SITES:
            return SENSOR_SITES[key][0], SENSOR_SITES[key][1], key
        if key in PLACES:
            return PLACES[key][0], PLACES[key][1], key
        known = ", ".join(sorted(SENSOR_SITES) + sorted(PLACES))
        raise SensorSpecError(f"{where}.site: unknown place {site!r}; known: {known}")
    if isinstance(site, dict):
        extra = set(site) - {"lat", "lon"}
        if extra:
            raise SensorSpecError(f"{where}.site: unknown field(s) {sorted(extra)}; expected lat, lon")
        for key in ("lat", "lon"):
            if key not in site:
                raise SensorSpecError(f"{where}.site.{key}: required")
        lat = _number(site, "lat", f"{where}.site", -90.0, 90.0)
        lon = _number(site, "lon", f"{where}.site", -180.0, 360.0)
        return lat, lon, None
    raise SensorSpecError(f"{where}.site: must be {{lat, lon}} or a place name, got {site!r}")


def _radar(entry: dict, where: str, preset) -> RadarSensor:
    lat, lon, name = _site(entry, where)
    changes = {}
    for key, field, scale, lo, hi in (
        ("max_range_km", "max_range_m", 1e3, None, None),
        ("r50_1m2_km", "r50_1m2_m", 1e3, None, None),
        ("min_elevation_deg", "min_elevation_rad", np.pi / 180, -5.0, 89.0),
        ("revisit_s", "revisit_s", 1.0, None, None),
        ("latency_s", "latency_s", 1.0, 0.0, None),
        ("false_alarms_per_scan", "false_alarms_per_scan", 1.0, 0.0, None),
    ):
        v = _number(entry, key, where, lo, hi, positive=lo is None)
        if v is not None:
            changes[field] = v * scale
    if changes:
        preset = replace(preset, **changes)
    platform = entry.get("platform", "ground")
    if platform not in ("ground", "ship"):
        raise SensorSpecError(f"{where}.platform: unknown platform {platform!r}; known: ground, ship")
    az = _number(entry, "boresight_az_deg", where, 0.0, 360.0)
    height = _number(entry, "height_m", where, -500.0, 9000.0)
    return RadarSensor(
        entry["id"],
        entry["nation"],
        preset,
        math.radians(lat),
        math.radians(lon),
        height_m=height,
        boresight_az_rad=math.radians(az or 0.0),
        site_name=name,
        platform=platform,
    )


def _timing(entry: dict, where: str, preset):
    changes = {}
    for key in ("revisit_s", "latency_s"):
        v = _number(entry, key, where, 0.0 if key == "latency_s" else None, positive=key == "revisit_s")
        if v is not None:
            changes[key] = v
    return replace(preset, **changes) if changes else preset


def _geo(entry: dict, where: str, preset) -> GeoIrSensor:
    lon = _number(entry, "lon_deg", where, -180.0, 360.0)
    lon = preset.geo_lon_deg if lon is None else lon
    return GeoIrSensor(entry["id"], entry["nation"], _timing(entry, where, preset), math.radians(lon))


def _leo(entry: dict, where: str, preset, epoch: datetime) -> list[LeoIrSensor]:
    planes = _number(entry, "planes", where, 1, 100, integer=True)
    per_plane = _number(entry, "sats_per_plane", where, 1, 100, integer=True)
    alt = _number(entry, "altitude_km", where, 200.0, 35000.0)
    incl = _number(entry, "inclination_deg", where, 0.0, 180.0)
    pattern = WalkerDelta(
        planes=int(planes or preset.planes),
        sats_per_plane=int(per_plane or preset.sats_per_plane),
        altitude_m=alt * 1e3 if alt is not None else preset.altitude_m,
        inclination_rad=math.radians(incl) if incl is not None else preset.inclination_rad,
    )
    preset = _timing(entry, where, preset)
    constellation = Constellation(pattern, epoch)
    return [
        LeoIrSensor(
            f"{entry['id']}-{i // pattern.sats_per_plane:02d}-{i % pattern.sats_per_plane:02d}",
            entry["nation"],
            preset,
            constellation,
            i,
        )
        for i in range(pattern.total)
    ]


def _build_one(entry: dict, where: str, nations: list[str], epoch: datetime) -> list[Sensor]:
    for key in ("id", "nation", "kind", "preset"):
        if key not in entry:
            raise SensorSpecError(f"{where}.{key}: required")
    sid = entry["id"]
    if not isinstance(sid, str) or not sid.strip():
        raise SensorSpecError(f"{where}.id: must be a non-empty string, got {sid!r}")
    if entry["nation"] not in nations:
        raise SensorSpecError(f"{where}.nation: {entry['nation']!r} is not one of the scenario's nations {nations}")
    kind = entry["kind"]
    if kind not in SENSOR_KINDS:
        raise SensorSpecError(f"{where}.kind: unknown kind {kind!r}; known: {', '.join(SENSOR_KINDS)}")
    name = entry["preset"]
    if name not in PRESETS:
        raise SensorSpecError(f"{where}.preset: unknown preset {name!r}; known: {', '.join(PRESETS)}")
    preset = PRESETS[name]
    if preset.kind != kind:
        fitting = [n for n, p in PRESETS.items() if p.kind == kind]
        raise SensorSpecError(
            f"{where}.preset: {name!r} is a {preset.kind} preset, not {kind}; for {kind}: {', '.join(fitting)}"
        )
    unknown = set(entry) - _ALLOWED[kind]
    if unknown:
        raise SensorSpecError(
            f"{where}: unknown field(s) {sorted(unknown)} for kind {kind}; allowed: {sorted(_ALLOWED[kind])}"
        )
    if kind == "radar":
        return [_radar(entry, where, preset)]
    if kind == "ir-geo":
        return [_geo(entry, where, preset)]
    return list(_leo(entry, where, preset, epoch))


def build_sensors(entries: list[dict], nations: list[str], epoch: datetime) -> list[Sensor]:
    """Sensors of a scenario's `sensors:` list, in file order (default-laydown expanded in place).

    Raises SensorSpecError naming the entry and field of the first problem.
    """
    if not isinstance(entries, list):
        raise SensorSpecError(f"sensors: must be a list of entries, got {type(entries).__name__}")
    sensors: list[Sensor] = []
    first_seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        where = f"sensors[{i}]"
        if not isinstance(entry, dict):
            raise SensorSpecError(f"{where}: must be a mapping, got {entry!r}")
        if "use" in entry:
            if set(entry) != {"use"}:
                raise SensorSpecError(
                    f"{where}: a 'use' entry takes no other fields, got {sorted(set(entry) - {'use'})}"
                )
            if entry["use"] not in USES:
                raise SensorSpecError(f"{where}.use: unknown {entry['use']!r}; known: {', '.join(USES)}")
            expanded = [(f"{where}(default-laydown {e['id']})", e) for e in default_laydown(nations)]
        else:
            expanded = [(where, entry)]
        for w, e in expanded:
            if isinstance(e.get("id"), str) and e["id"] in first_seen:
                raise SensorSpecError(f"{w}.id: duplicate sensor id {e['id']!r} (first at {first_seen[e['id']]})")
            built = _build_one(e, w, nations, epoch)
            first_seen[e["id"]] = w
            sensors.extend(built)
    return sensors
