"""The node's thrusting branch: a boosting system track is assessed by the boost rule, not held back."""

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from boost_node import jpn_node

from triwatch.messages import GroundPoint, TrackReport
from triwatch.node.national import NationalNode
from triwatch.physics.flight import design_flight
from triwatch.warning.outputs.cap import cap_alert, cap_ref, validate_cap

LAUNCH_S = 60.0  # scenario time of the launch


@pytest.fixture(scope="module")
def irbm():
    return design_flight(
        math.radians(40.6), math.radians(126.4), "irbm", azimuth_rad=math.radians(83.0), apogee_m=970e3, range_m=4600e3
    )


def _report(flight, tau_s: float, *, launch: bool = True) -> TrackReport:
    r, v, *_ = flight.objects[0].state_at(np.array([tau_s]))
    s = flight.summary
    point = GroundPoint(
        lat_deg=math.degrees(s.launch_lat_rad),
        lon_deg=math.degrees(s.launch_lon_rad),
        time_s=LAUNCH_S,
        cov_en_m2=[[1e6, 0.0], [0.0, 1e6]],
        time_sigma_s=2.0,
    )
    return TrackReport(
        track_id="USA-0001",
        time_s=LAUNCH_S + tau_s,
        x=np.concatenate([r[0], v[0]]).tolist(),
        P=np.diag([300.0**2] * 3 + [30.0**2] * 3).tolist(),
        status="confirmed",
        thrusting=True,
        launch=point if launch else None,
    )


def _warn_at(node: NationalNode, flight, taus, **kw) -> list:
    for tau in taus:
        node.picture.ingest("USA", _report(flight, tau, **kw))
        node.warn(LAUNCH_S + tau + 1.0)
    return [w for w in node.delivered_warnings if w.areas]


def test_a_thrusting_track_headed_over_japan_is_warned_before_burnout(irbm):
    node = jpn_node()
    named = _warn_at(node, irbm, [131.0, 135.0, 139.0])
    assert named, "no area-naming warning while the missile still thrusts"
    assert named[0].kind == "overflight" and named[0].areas == ["JPN-land"] and named[0].impact is None
    assert named[0].time_s < LAUNCH_S + irbm.summary.burnout_time_s


def test_without_a_launch_point_a_thrusting_track_names_nothing(irbm):
    node = jpn_node()
    assert _warn_at(node, irbm, [131.0, 135.0, 139.0], launch=False) == []
    assert [w.kind for w in node.delivered_warnings] == ["launch"]


def test_a_boost_phase_warning_without_an_impact_ellipse_is_valid_cap(irbm):
    node = jpn_node()
    _warn_at(node, irbm, [131.0, 135.0, 139.0])
    epoch = datetime(2022, 10, 3, 22, 21, tzinfo=UTC)
    refs = []
    for w in node.delivered_warnings:
        assert validate_cap(cap_alert(w, epoch, previous=list(refs), exercise=True)) == [], w.kind
        refs.append(cap_ref(w, epoch))
    assert any(w.areas and w.impact is None for w in node.delivered_warnings)
