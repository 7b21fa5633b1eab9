"""Shadow system tracks: shown only once they prove to be another object (see `fusion.correlation`, "Shadows")."""

from __future__ import annotations

import numpy as np

from triwatch.fusion.merge import state_distances
from triwatch.fusion.system_track import SystemTrack


def source_of(st: SystemTrack, tracks: dict[str, SystemTrack], merged: dict[str, str]) -> SystemTrack | None:
    """The system track a shadow shadows, followed through merges (None: not a shadow, or its source ended)."""
    number = st.shadow_of
    while number in merged:  # the track it shadowed may have merged on
        number = merged[number]
    return tracks.get(number) if number is not None else None


def prove(st: SystemTrack, source: SystemTrack | None, allowance: np.ndarray, gate: float, after: int) -> None:
    """Clear st.shadow_of (shown for good) once a second nation reports st, its source is gone, or
    st's fused state is outside the source's merge gate (6-D, `gate`) on `after` updates in a row."""
    if source is None or len({m.origin for m in st.members.values()}) > 1:
        st.shadow_of = None
        return
    d2, _ = state_distances(st.x, st.P + allowance, st.time_s, [source])
    st.apart = st.apart + 1 if d2[0] > gate else 0
    if st.apart >= after:  # apart on as many updates in a row as a merge needs together
        st.shadow_of = None


def hidden(st: SystemTrack, source: SystemTrack | None, now_s: float, stale_s: float) -> bool:
    """A shadow not yet proven another object, beside a live system track."""
    return st.shadow_of is not None and source is not None and now_s - source.last_update_s <= stale_s
