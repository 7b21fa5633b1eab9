"""A separation: the parent track goes on with the payload, the spent stage is the child with parent_id."""

from __future__ import annotations

import numpy as np
from tracking_sim import SEONGJU, SHARIKI, detections, run_and_score, separate, upper_stage

from triwatch.physics.energy import jacobi_energy
from triwatch.tracking import NationalTracker, TrackerConfig
from triwatch.tracking.metrics import false_tracks


def test_the_payload_pushed_ahead_takes_the_parent_id_from_the_stage(irbm):
    # The stage flies on exactly on the boost trajectory, which is where the parent track predicts;
    # the payload leaves it 60 m/s faster, so it is born as the new track and must win the id back.
    v = irbm.state_at(irbm.burnout_s)[3:]
    payload = separate(irbm, irbm.burnout_s, 60.0 * v / np.linalg.norm(v), name="payload")
    irbm_as_stage = type(irbm)("stage", irbm.t0_s, irbm.states, irbm.burnout_s)
    payload.parent = irbm_as_stage  # not reported until resolved from the stage
    truths = [irbm_as_stage, payload]
    reports, _ = detections(truths, [SEONGJU, SHARIKI], np.random.default_rng(4), t_end_s=500.0)
    tracker = NationalTracker(TrackerConfig(id_prefix="KOR"))
    steps, ever, assigned, _, _ = run_and_score(tracker, reports, truths, every=1)
    assert steps[-1]["payload"] == "KOR-0001"  # the missile's first track ends on the payload
    stage_id = steps[-1]["stage"]
    assert stage_id != "KOR-0001"
    tracks = {e.track_id: e for e in tracker.tracks()}
    assert tracks[stage_id].parent_id == "KOR-0001" and tracks["KOR-0001"].parent_id is None
    # the exchange happens once, soon after the payload's track is confirmed, and never back
    holders = [s["payload"] for s in steps if "payload" in s]
    changes = sum(a != b for a, b in zip(holders, holders[1:], strict=False))
    assert changes <= 1
    assert false_tracks(ever, assigned) == 0


def test_jacobi_energy_is_conserved_along_a_coast_and_has_a_sigma(irbm):
    t1, t2 = irbm.burnout_s + 50.0, irbm.burnout_s + 400.0
    x = np.stack([irbm.state_at(t1), irbm.state_at(t2)])
    P = np.repeat(np.diag([100.0**2] * 3 + [1.0] * 3)[None], 2, axis=0)
    e, sd = jacobi_energy(x, P)
    assert abs(e[0] - e[1]) < 1e-4 * abs(e[0])  # J2 and integration error only
    # sigma: |dE/dr| = g ~ 8 m/s^2 over 100 m and |v| ~ 5 km/s over 1 m/s, ~ 5 kJ/kg together
    assert 1e3 < sd[0] < 2e4


def test_a_state_without_velocity_cannot_tell_a_separation_until_it_has_one():
    """A child confirmed by one instant's reports (velocity sigma of km/s) is not judged; with a known velocity it is.

    The parent flew straight up at 1 km/s; the child sits 2 km off its path. With P_vv from the
    initiation prior the allowed miss after even 2 s is beyond the shortlist radius: undecided.
    """
    from triwatch.geo.frames import geodetic_to_ecef as ecef
    from triwatch.tracking.lineage import separated_from
    from triwatch.tracking.store import TrackRecord

    site = ecef(np.radians(40.0), np.radians(125.0), 0.0)
    up = site / np.linalg.norm(site)
    parent = TrackRecord("P", "confirmed", 0.0)
    parent.path = [(t, site + (10e3 + 1e3 * t) * up) for t in np.arange(0.0, 20.0, 2.0)]
    x = np.concatenate([site + 30e3 * up + np.array([2e3, 0.0, 0.0]), 1e3 * up])
    loose = np.diag([200.0**2] * 3 + [4000.0**2] * 3)
    assert separated_from(x, loose, 20.0, [parent], 30e3) == (None, False)
    firm = np.diag([200.0**2] * 3 + [20.0**2] * 3)
    assert separated_from(x, firm, 20.0, [parent], 30e3) == ("P", True)


def test_a_stage_dropped_below_a_burning_stack_leaves_the_parent_id_on_the_stack(irbm):
    # The first stage burns out and drops at 120 s; the stack coasts 3 s, lights its second stage
    # and burns 60 s more. Both are reported from 200 m apart, so for seconds either track may hold
    # either object (the parent track, coasting with the stage, may keep the stage): the IMM's
    # thrust/coast modes tell within a few scans which one continued the flight.
    stack = upper_stage(irbm, 120.0, 3.0, 30.0, 60.0, name="stack")
    stage = separate(irbm, 120.0, np.zeros(3), name="stage")
    stage.parent = stack
    truths = [stack, stage]
    reports, _ = detections(truths, [SEONGJU, SHARIKI], np.random.default_rng(5), t_end_s=260.0, resolve_m=200.0)
    tracker = NationalTracker(TrackerConfig(id_prefix="KOR"))
    steps, ever, assigned, _, _ = run_and_score(tracker, reports, truths, every=1)
    holders = [s["stack"] for s in steps if "stack" in s and "stage" in s]
    assert holders[-1] == "KOR-0001"  # the stack keeps the missile's first track id
    assert sum(a != b for a, b in zip(holders, holders[1:], strict=False)) <= 1
    tracks = {e.track_id: e for e in tracker.tracks()}
    assert tracks[steps[-1]["stage"]].parent_id == "KOR-0001"
    assert false_tracks(ever, assigned) == 0


def test_payload_votes_of_one_instant_count_once():
    # Three updates of a child at one instant (three sensors) are one piece of evidence, not three.
    from triwatch.tracking.lineage import PAYLOAD_VOTES, settle_payloads
    from triwatch.tracking.store import TrackRecord, TrackStore

    store = TrackStore()
    parent, child = TrackRecord("P", "confirmed", 0.0), TrackRecord("C", "confirmed", 10.0)
    child.parent_id, child.payload_votes = "P", 0
    x = np.zeros((2, 2, 7))
    x[:, :, :3] = [7.0e6, 0.0, 0.0]
    x[0, :, 3:6] = [0.0, 7000.0, 0.0]  # the child holds far more energy than the parent
    x[1, :, 3:6] = [0.0, 6000.0, 0.0]
    P = np.repeat(np.repeat(np.eye(7)[None, None], 2, axis=1), 2, axis=0)
    store.add(x, P, np.array([[1.0, 0.0], [1.0, 0.0]]), 10.0, [child, parent])  # both coast
    xc, Pc = x[:, 0], P[:, 0]
    for _ in range(PAYLOAD_VOTES):
        settle_payloads(store, xc[:1], Pc[:1], np.array([0]), 30e3)
    assert child.payload_votes == 1 and store.records[0].track_id == "C"
    for t in (11.0, 12.0):
        store.t[:] = t
        settle_payloads(store, xc[:1], Pc[:1], np.array([0]), 30e3)
    assert store.records[0].track_id == "P"  # three votes at three times: the ids are exchanged


def _pair_store(child_log_beta: float, apart_m: float, born_s: float = 0.0):
    """A parent and its child flying together (apart_m apart), the child with ln beta child_log_beta, parent ln 600."""
    from triwatch.tracking.store import TrackRecord, TrackStore

    store = TrackStore()
    parent, child = TrackRecord("P", "confirmed", born_s), TrackRecord("C", "confirmed", born_s)
    child.parent_id, child.payload_votes = "P", 0
    x = np.zeros((2, 2, 7))
    x[:, :, :3] = [6.42e6, 0.0, 0.0]  # ~50 km up, both at 2 km/s
    x[1, :, 1] = apart_m
    x[:, :, 3:6] = [-500.0, 2000.0, 0.0]
    x[0, :, 6], x[1, :, 6] = child_log_beta, np.log(600.0)
    P = np.repeat(np.repeat(np.diag([1e4] * 3 + [1e2] * 3 + [0.01])[None, None], 2, axis=1), 2, axis=0)
    store.add(x, P, np.array([[1.0, 0.0], [1.0, 0.0]]), 1000.0, [child, parent])
    return store, x[:, 0], P[:, 0]


def test_a_pair_flying_together_into_the_air_gives_the_parent_id_to_the_denser_object():
    # Long after the separation (1000 s), a warhead and its stage still fly together; in the air
    # the child's ln beta (warhead, ~5000 kg/m^2) stands far above the parent's (stage, 600):
    # three votes at three times exchange the ids, so the parent id ends on the warhead.
    from triwatch.tracking.lineage import settle_payloads

    store, x, P = _pair_store(np.log(5000.0), apart_m=2e3)
    for t in (1000.0, 1001.0, 1002.0):
        store.t[:] = t
        settle_payloads(store, x[:1], P[:1], np.array([0]), 30e3)
    assert store.records[0].track_id == "P" and store.records[1].parent_id == "P"


def test_a_pair_far_apart_long_after_separation_does_not_vote():
    from triwatch.tracking.lineage import settle_payloads

    store, x, P = _pair_store(np.log(5000.0), apart_m=100e3)
    for t in (1000.0, 1001.0, 1002.0):
        store.t[:] = t
        settle_payloads(store, x[:1], P[:1], np.array([0]), 30e3)
    assert store.records[0].track_id == "C" and store.records[0].payload_votes == 0
