"""The threatened areas of a run: which areas its warnings named, and their outlines when known.

An area code is `<NATION>-land`, `<NATION>-EEZ` or `high-seas`. Outlines come from the bundled
geography, `triwatch.geo.areas.land_geojson()` / `eez_geojson()` (FeatureCollections with one
feature per nation, properties {nation}), when that module is installed; without it, or for an
area it does not draw (high seas), an area is a label with no geometry (GeoJSON `null`), which
every format here allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from triwatch.warning.outputs.run_view import DeliveredWarning


@dataclass
class ThreatenedArea:
    area: str
    first_s: float
    last_s: float
    warnings: list[str] = field(default_factory=list)  # "<issuer>/<warning_id>"
    kinds: list[str] = field(default_factory=list)

    @property
    def nation(self) -> str | None:
        head, _, kind = self.area.partition("-")
        return head if kind in ("land", "EEZ") else None


def threatened_areas(warnings: Sequence[DeliveredWarning]) -> list[ThreatenedArea]:
    """Every area named by a warning that puts it at risk (not by a withdrawal or all-clear), by name."""
    found: dict[str, ThreatenedArea] = {}
    for dw in warnings:
        w = dw.report
        if w.kind in ("withdrawal", "all-clear"):
            continue
        for area in w.areas:
            a = found.setdefault(area, ThreatenedArea(area, dw.delivered_s, dw.delivered_s))
            a.first_s, a.last_s = min(a.first_s, dw.delivered_s), max(a.last_s, dw.delivered_s)
            tag = f"{w.issuer}/{w.warning_id}"
            if tag not in a.warnings:
                a.warnings.append(tag)
            if w.kind not in a.kinds:
                a.kinds.append(w.kind)
    return [found[k] for k in sorted(found)]


@cache
def _all_outlines() -> dict[str, dict]:
    try:
        from triwatch.geo.areas import eez_geojson, land_geojson
    except ImportError:  # the geography part is optional for outputs: areas are then labels only
        return {}
    out: dict[str, dict] = {}
    for suffix, collection in (("land", land_geojson()), ("EEZ", eez_geojson())):
        for feature in collection.get("features", []):
            nation = (feature.get("properties") or {}).get("nation")
            if nation and feature.get("geometry"):
                out[f"{nation}-{suffix}"] = feature["geometry"]
    return out


def area_outlines(areas: Iterable[str] | None = None) -> dict[str, dict]:
    """{area code: GeoJSON geometry} from the bundled geography ({} when it is not installed).

    With `areas`, only those (the threatened ones: a run's files need no others). The geometries
    are parsed once per process and shared: treat them as read-only.
    """
    outlines = _all_outlines()
    if areas is None:
        return dict(outlines)
    return {a: outlines[a] for a in areas if a in outlines}
