"""A replayed log may hold anything in an event's fields: the views skip what they cannot read, never raise.

ReplaySource checks only `node`, `type` and `t_s` of each line; whatever else a
malformed (or hostile) line holds must not turn a COP request into a 500.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from triwatch.server.track_view import TrackBook
from triwatch.server.warning_view import warnings_view

TYPES = [
    "track",
    "track-received",
    "picture",
    "warning-issued",
    "warning-delivered",
    "ack",
    "ack-received",
    "escalation",
]
FIELDS = ["track_id", "system_track", "origin", "x", "numbers", "positions", "pedigree", "warning_id", "revision",
          "kind", "areas", "subregions", "impact", "impact_ellipse", "status", "apogee_m", "sent_to", "centre"]  # fmt: skip

scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=True) | st.text(max_size=3)
ellipse_keys = st.sampled_from(["lat_deg", "lon_deg", "semi_major_m", "semi_minor_m", "orientation_deg", "x"])
json_values = (
    scalars
    | st.lists(scalars | st.lists(scalars, max_size=4), max_size=7)  # ids, states (6), positions (3), pedigrees
    | st.dictionaries(ellipse_keys, scalars, max_size=5)  # ellipses, and dicts where lists belong
)
events = st.lists(
    st.fixed_dictionaries(
        {"t_s": st.floats(0, 100), "node": st.just("JPN"), "type": st.sampled_from(TYPES)},
        optional={f: json_values for f in FIELDS},
    ),
    max_size=15,
).map(lambda evs: sorted(evs, key=lambda e: e["t_s"]))


@settings(max_examples=60, deadline=None)
@given(events)
def test_views_never_raise_on_malformed_fields(evs):
    TrackBook().ingest(evs).view()
    warnings_view(evs)
