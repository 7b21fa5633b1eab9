"""What fused states say about launches: objects burning apart are two missiles; a path flown back that
meets another object's path is the same launch (a separation, or a re-acquisition after a gap)."""

import numpy as np
import pytest
from coasting import P_TIGHT, coasting_path

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.warning.launch_state import ObjectPaths, ObjectState, StateTies, burned_apart, met


def paths_of(name, times, states, var=200.0**2 * 3):
    return {name: (np.asarray(times, float), states[:, :3], np.full(len(times), var))}


def test_a_part_that_separated_flown_back_meets_its_parents_path():
    times = np.arange(0.0, 121.0, 4.0)
    parent = coasting_path(times)
    part = coasting_path([120.0], kick_at=40.0, kick=np.array([5.0, -3.0, 2.0]))[0]
    found, told = met(ObjectState(120.0, part, P_TIGHT), paths_of("S1", times, parent))
    assert told and found == {"S1"}


def test_a_later_missile_along_the_same_path_never_was_where_the_first_one_was_at_the_same_time():
    times = np.arange(0.0, 121.0, 4.0)
    first = coasting_path(times)
    second_now = coasting_path([100.0])[0]  # the same flight 20 s later: at 120 s it is where the first was at 100 s
    found, told = met(ObjectState(120.0, second_now, P_TIGHT), paths_of("S1", times, first))
    assert told and found == set()


def test_a_thrusting_or_loose_state_tells_nothing():
    times = np.arange(0.0, 121.0, 4.0)
    path = coasting_path(times)
    x = coasting_path([120.0])[0]
    assert met(ObjectState(120.0, x, P_TIGHT, thrusting=True), paths_of("S1", times, path)) == (set(), False)
    loose = np.diag([10e3**2] * 3 + [500.0**2] * 3)  # a just-born track: any object would pass
    assert met(ObjectState(120.0, x, loose), paths_of("S1", times, path)) == (set(), False)


def test_two_missiles_burning_at_once_kilometres_apart_are_apart_and_a_stack_is_not():
    r = np.asarray(geodetic_to_ecef(np.radians(40.2), np.radians(124.5), 20e3), float)
    up = r / np.linalg.norm(r)
    a = ObjectState(100.0, np.concatenate([r, 900.0 * up]), P_TIGHT, thrusting=True)
    b = ObjectState(100.5, np.concatenate([r - 15e3 * up, 300.0 * up]), P_TIGHT, thrusting=True)
    assert burned_apart(a, b)
    hot_staging = ObjectState(100.5, np.concatenate([r + 450.0 * up + 300.0, 900.0 * up]), P_TIGHT, thrusting=True)
    assert not burned_apart(a, hot_staging)
    spent = ObjectState(100.5, b.x, P_TIGHT, thrusting=False)
    assert not burned_apart(a, spent)
    late = ObjectState(104.0, b.x, P_TIGHT, thrusting=True)
    assert not burned_apart(a, late)  # not the same moment


def test_burning_apart_needs_two_new_pairs_of_states_so_a_stale_track_cannot_vote_twice():
    r = np.asarray(geodetic_to_ecef(np.radians(40.2), np.radians(124.5), 20e3), float)
    up = r / np.linalg.norm(r)

    def state(t, offset_m):
        return ObjectState(t, np.concatenate([r + offset_m * up, 900.0 * up]), P_TIGHT, thrusting=True)

    ties = StateTies()
    ties.observe("S1", state(200.0, 18e3))  # a track coasted through its node's outage, 18 km off
    ties.observe("S3", state(200.0, 0.0))
    ties.observe("S3", state(201.0, 0.0))  # S1 has nothing new: the same stale state cannot vote again
    assert "S1" not in ties.apart.get("S3", set())
    ties.observe("S1", state(202.0, 18e3))
    ties.observe("S3", state(202.0, 0.0))  # a second pair, new in both tracks
    assert ties.apart["S3"] == {"S1"} and ties.apart["S1"] == {"S3"}


def test_a_merge_hands_the_paths_and_ties_to_the_survivor():
    ties = StateTies()
    times = np.arange(0.0, 41.0, 4.0)
    for t, x in zip(times, coasting_path(times), strict=True):
        ties.observe("S1", ObjectState(t, x, P_TIGHT))
    ties.met["S1"], ties.met["S9"] = {"S9"}, {"S1"}
    ties.merged("S1", "S2")
    assert len(ties.paths.path("S2")[0]) == len(times) and ties.paths.path("S1")[0].size == 0
    assert ties.met == {"S9": {"S2"}, "S2": {"S9"}}


def test_paths_keep_a_thinned_recent_past():
    paths = ObjectPaths()
    for t in np.arange(0.0, 400.0, 1.0):
        paths.record("S1", ObjectState(t, np.array([7e6, 0, 0, 0, 0, 0.0]), P_TIGHT))
    times, where, var = paths.path("S1")
    assert times[-1] - times[0] <= 180.0 and np.all(np.diff(times) >= 4.0) and where.shape == (len(times), 3)


@pytest.mark.parametrize(
    ("x", "P", "message"),
    [
        (np.zeros(3), P_TIGHT, r"ObjectState.x: expected shape \(6,\), got \(3,\)"),
        (np.zeros(6), np.eye(3), r"ObjectState.P: expected shape \(6, 6\), got \(3, 3\)"),
        (np.full(6, np.nan), P_TIGHT, "t=1.0: time, state and covariance must be finite"),
    ],
)
def test_a_bad_state_is_refused_by_name(x, P, message):
    with pytest.raises(ValueError, match=message):
        ObjectState(1.0, x, P)


def test_the_payload_is_lineages_if_burning_now_else_the_coasting_one_holding_clearly_more_energy():
    from triwatch.warning.launch_state import payload_of

    t = np.array([300.0])
    warhead = coasting_path(t)[0]
    slower = coasting_path(t, kick_at=100.0, kick=-300.0 * warhead[3:] / np.linalg.norm(warhead[3:]))[0]
    barely = coasting_path(t, kick_at=100.0, kick=-0.5 * warhead[3:] / np.linalg.norm(warhead[3:]))[0]
    states = {"S1": ObjectState(300.0, slower, P_TIGHT), "S2": ObjectState(300.0, warhead, P_TIGHT)}
    assert payload_of(states, ["S1", "S2"]) == "S2"
    states["S1"] = ObjectState(300.0, barely, P_TIGHT)  # within the states' noise: lineage's payload stays
    assert payload_of(states, ["S1", "S2"]) == "S1"
    states["S1"] = ObjectState(300.0, slower, P_TIGHT, thrusting=True)  # lineage's payload burns on: the stack
    assert payload_of(states, ["S1", "S2"]) == "S1"
    # A track that stopped while burning (its node went down) says nothing; the coasting ones decide.
    states = {"S0": ObjectState(200.0, warhead, P_TIGHT, thrusting=True)}
    states |= {"S1": ObjectState(300.0, slower, P_TIGHT), "S2": ObjectState(300.0, warhead, P_TIGHT)}
    assert payload_of(states, ["S0", "S1", "S2"]) == "S2"
    assert payload_of({}, ["S1", "S2"]) == "S1"
    with pytest.raises(ValueError, match="payload_of: no objects"):
        payload_of(states, [])


def test_a_state_no_missile_can_have_is_not_credible():
    from triwatch.warning.launch_state import credible

    x = coasting_path(np.array([100.0]))[0]
    assert credible(ObjectState(100.0, x, P_TIGHT)) and np.linalg.norm(x[3:]) < 8e3
    first_report = np.diag([100.0**2] * 3 + [4000.0**2] * 3)  # a track's first report: velocity barely known
    assert credible(ObjectState(100.0, np.concatenate([x[:3], np.zeros(3)]), first_report))
    clutter = np.concatenate([x[:3], [69.6e3, 0.0, 0.0]])  # hs17: one report, 70 +- 38 km/s
    assert not credible(ObjectState(1308.0, clutter, np.diag([1235.0**2] * 3 + [22e3**2] * 3)))
    assert not credible(ObjectState(1308.0, x, np.diag([1235.0**2] * 3 + [22e3**2] * 3)))
