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


def _stack_and_dropped_stage(irbm, drop_s: float, coast_s: float, seed: int, t_end_s: float):
    """The IRBM's first stage drops at drop_s; the stack coasts coast_s, then its upper stage burns
    60 s; both reported by two radars resolving objects 200 m apart."""
    stack = upper_stage(irbm, drop_s, coast_s, 30.0, 60.0, name="stack")
    stage = separate(irbm, drop_s, np.zeros(3), name="stage")
    stage.parent = stack
    reports, _ = detections([stack, stage], [SEONGJU, SHARIKI], np.random.default_rng(seed), t_end_s=t_end_s,
                            resolve_m=200.0)  # fmt: skip
    return stack, stage, reports


def test_a_stage_dropped_below_a_burning_stack_leaves_the_parent_id_on_the_stack(irbm):
    # The first stage burns out and drops at 120 s; the stack coasts 3 s, lights its second stage
    # and burns 60 s more. Both are reported from 200 m apart, so for seconds either track may hold
    # either object (the parent track, coasting with the stage, may keep the stage): the IMM's
    # thrust/coast modes tell within a few scans which one continued the flight.
    stack, stage, reports = _stack_and_dropped_stage(irbm, 120.0, 3.0, seed=5, t_end_s=260.0)
    tracker = NationalTracker(TrackerConfig(id_prefix="KOR"))
    steps, ever, assigned, _, _ = run_and_score(tracker, reports, [stack, stage], every=1)
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


def test_a_hot_staging_after_an_outage_leaves_the_parent_id_on_the_burning_stack(irbm):
    # The node is out for a minute (no reports 80-138 s); its track is found again 2 s before the
    # first stage drops (140 s) and the upper stage lights at once (hot staging). The old track
    # goes on with the spent stage, the new one takes the burning stack, and the new track's thrust
    # probability wavers (a velocity just found): the modes show the drop within the staging
    # window, and from then on the energy the stack gains decides, though the stack burns on.
    stack, stage, reports = _stack_and_dropped_stage(irbm, 140.0, 0.0, seed=1, t_end_s=280.0)
    reports = [d for d in reports if not 80.0 < d.time_s < 138.0]
    tracker = NationalTracker(TrackerConfig(id_prefix="KOR"))
    steps, ever, assigned, _, _ = run_and_score(tracker, reports, [stack, stage], every=1)
    holders = [s["stack"] for s in steps if "stack" in s and "stage" in s]
    assert holders[0] != "KOR-0001"  # the mechanism: the new track took the stack
    assert holders[-1] == "KOR-0001"  # and the ids were exchanged, once
    assert sum(a != b for a, b in zip(holders, holders[1:], strict=False)) == 1
    tracks = {e.track_id: e for e in tracker.tracks()}
    assert tracks[steps[-1]["stage"]].parent_id == "KOR-0001"
    assert false_tracks(ever, assigned) == 0


def _staging_store():
    """A child born at 0 s beside its parent (burning just before), both at 7 km/s, the same energy."""
    from triwatch.tracking.store import TrackRecord, TrackStore

    store = TrackStore()
    parent, child = TrackRecord("P", "confirmed", -100.0), TrackRecord("C", "confirmed", 0.0)
    child.parent_id, child.payload_votes, child.parent_burning = "P", 0, True
    x = np.zeros((2, 2, 7))
    x[:, :, :3] = [7.0e6, 0.0, 0.0]
    x[:, :, 3:6] = [0.0, 7000.0, 0.0]
    P = np.repeat(np.repeat(np.eye(7)[None, None], 2, axis=1), 2, axis=0)
    store.add(x, P, np.array([[0.0, 1.0], [0.0, 1.0]]), 0.0, [child, parent])
    return store


def _vote(store, t: float, child_thrust: float, parent_thrust: float, child_speed: float) -> None:
    """One vote at time t: the modes' thrust probabilities and the child's speed (the parent keeps 7 km/s)."""
    from triwatch.tracking.lineage import settle_payloads

    store.t[:] = t
    store.mu[0] = [1.0 - child_thrust, child_thrust]
    store.mu[1] = [1.0 - parent_thrust, parent_thrust]
    row = next(i for i, r in enumerate(store.records) if r.born_s == 0.0)
    store.x[row, :, 4] = child_speed
    settle_payloads(store, store.x[row : row + 1, 0], store.P[row : row + 1, 0], np.array([row]), 30e3)


def test_after_a_seen_drop_the_burning_child_wins_by_energy_though_its_mode_wavers():
    # At 4 s the modes show the drop (child burning, parent coasting); the child's thrust probability
    # then wavers (0.3 at 6 s: no evidence, the run goes on) and is back above 0.5 after the staging
    # window, where a child that burns would be taken for a missile of its own: after a seen drop the
    # energy it gains still votes, and the ids are exchanged at the third vote.
    store = _staging_store()
    _vote(store, 2.0, 1.0, 1.0, 7000.0)  # both burn (the child's prior): nothing told
    _vote(store, 4.0, 1.0, 0.02, 7000.0)  # the drop: +1
    _vote(store, 6.0, 0.3, 0.0, 7000.0)  # unsure
    _vote(store, 12.0, 0.8, 0.0, 7100.0)  # after the window, burning, more energy: +1
    assert store.records[0].track_id == "C" and store.records[0].payload_votes == 2
    _vote(store, 14.0, 0.8, 0.0, 7200.0)
    assert store.records[0].track_id == "P" and store.records[1].parent_id == "P"


def test_without_a_seen_drop_a_child_burning_on_is_a_missile_of_its_own():
    # A salvo's next missile taken for a separated object: both burn through the staging window (no
    # drop seen), then the parent burns out and the child burns on, gaining energy. That says nothing
    # about a payload: no exchange.
    store = _staging_store()
    for t in (2.0, 4.0, 6.0, 8.0, 10.0):
        _vote(store, t, 1.0, 0.95, 7000.0)
    for t, speed in ((12.0, 7100.0), (14.0, 7200.0), (16.0, 7300.0), (18.0, 7400.0)):
        _vote(store, t, 0.8, 0.0, speed)
    assert store.records[0].track_id == "C" and store.records[0].burned
