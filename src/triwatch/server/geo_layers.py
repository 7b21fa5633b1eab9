"""Land and EEZ outlines for the map, served as GeoJSON from the bundled geography (`triwatch.geo.areas`).

Features carry `{"nation": "JPN"}`; the map names them `JPN-land` / `JPN-EEZ`,
the area names warnings use, to fill the threatened ones. The EEZs are the
derived equidistance zones of `geo.areas` (their error is stated there), not
legal boundaries. The JSON is encoded once and kept (the EEZ layer is ~1.4 MB
before compression), so a page load costs no re-encoding.
"""

from __future__ import annotations

import json
from functools import cache

from triwatch.geo import areas

LAYERS = {"land": areas.land_geojson, "eez": areas.eez_geojson}


@cache
def layer_bytes(name: str) -> bytes:
    """The named layer ("land" or "eez") as compact GeoJSON bytes."""
    return json.dumps(LAYERS[name](), separators=(",", ":")).encode()


def layers_available() -> dict[str, bool]:
    return {name: True for name in LAYERS}
