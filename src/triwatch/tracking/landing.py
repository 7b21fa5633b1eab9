"""Which tracks are on the ground: a landed object is never measured again, so its track must end.

A track left alive after its object landed does harm: with no update its covariance grows (the
thrust model of the IMM, excited by re-entry drag, grows it fast), its gate swells, and sooner or
later it takes a false alarm or another missile's report, then reports a state far from anything
real (a false track) or drags another missile's track off (a wrong impact point).

The prediction flies drag (drag.py, ln beta as a seventh state), and below the ground it goes on
in sea-level air at the object's terminal speed; in the last seconds of a re-entry its
linearised covariance is no guide to where the object is: a warhead braking at 200 g with ln beta
known to 0.13 leaves its last update 6 km up with a sink rate of 5.7 +- 2.7 km/s, and the
prediction 16 s later is 15 km under the ground with a height sigma of 19 km, so a test of
``h + 3 sigma_h < 0`` alone keeps it for a minute, long enough to take another object's report
(on hs17 USA's warhead track took one 664 km up, 16 s after impact). Four rules, from the sure to
the likely:

1. At a scan, deleted: a track whose prediction to the scan time is below the ground by more
   than three sigma of its height, ``h + 3 sigma_h < 0`` (``below_ground``).
2. At a scan, refused: a track that has come down (its last update at least ``FALLEN_M`` under
   the highest point it was seen at, ``came_down``) whose prediction has its *mean* under the
   ground, ``h < 0`` (``underground``), takes no report. The prediction then says the object is
   more likely down than up, and what falls in its (swollen) gate is more likely another
   object's report or a false alarm; an object truly still up is found again by a new track. It
   errs, in the last second before an impact, towards a track's last update coming one report
   early. Only after a fall: a track just born near the ground in the boost, its velocity not
   yet known, may be predicted under the ground for a scan or two while the missile climbs
   (tests/tracking/test_consistency.py's staged boost lost its report so at 12 s and split).
3. At the stale sweep (``stale``), from the last update: a descending track of height h not
   updated for a time a has landed when a > (h + 3 sigma_h) / s, with s its sink rate taken
   three sigma slow, floored at ``MIN_SINK_M_S`` (``landed``). The floor keeps the rule working
   when the sink rate is uncertain: however much drag slows a stage or a warhead, it keeps
   falling at least at its terminal speed, v_t = sqrt(2 beta g / rho) ~ 90 m/s at sea level for
   a spent stage (beta ~ 500 kg/m^2), more higher up.
4. At the stale sweep, from the predicted impact time (``ImpactClock``): the 14 sigma points of
   the last update's state (r, v, ln beta) are flown to the ground through the air, each with
   its own beta (impact.py, the tracker's own impact prediction), giving the impact time
   t_i +- sigma_t. The object is due on the ground at t_due = t_i + 3 max(sigma_t, 1 s), and a
   track with no update since t_due is deleted once the scenario time passes it. The flight is
   nonlinear where the covariance is not: from the warhead's update 1.3 s before impact it says
   4219.9 +- 0.6 s. A later update whose own flight fails (a sigma point that never comes down:
   a swollen velocity covariance) keeps the earlier due time, which that report did not
   contradict (it came before t_due); a report after t_due shows the object was still up and
   the clock waits for a new prediction. Flights are made only for confirmed, descending tracks
   in the air (under ``TOP_OF_ATMOSPHERE_M``) or unseen for ``coast_after_s``, once per update:
   in midcourse, updated every second, the vacuum flight of rule 3 is enough and much cheaper.
"""

from __future__ import annotations

import numpy as np

from triwatch.physics.atmosphere import TOP_OF_ATMOSPHERE_M
from triwatch.tracking import imm
from triwatch.tracking.earth import geodetic_of, height_of
from triwatch.tracking.impact import predict_impacts
from triwatch.tracking.store import TrackStore
from triwatch.tracking.types import TrackerConfig

MIN_SINK_M_S = 50.0  # below the terminal speed of anything a missile tracker follows down
FALLEN_M = 10e3  # far beyond a height's noise (~1 km at 2500 km range): the track has truly come down
MIN_IMPACT_TIME_SIGMA_S = 1.0  # the flight's time sigma leaves out the process noise still to come


def _check_shapes(where: str, x: np.ndarray, P: np.ndarray | None = None, age_s: np.ndarray | None = None) -> None:
    """Raise ValueError naming `where` unless x is (T, n >= 6), P (T, n, n) and age_s (T,).

    Values are not checked: a non-finite state compares False everywhere here (never landed), and
    ``stale`` deletes it as broken.
    """
    if x.ndim != 2 or x.shape[1] < 6:
        raise ValueError(f"{where}: states x must be (T, n >= 6) with r, v first, got shape {x.shape}")
    if P is not None and P.shape != (x.shape[0], x.shape[1], x.shape[1]):
        raise ValueError(f"{where}: covariances P must be {(x.shape[0], x.shape[1], x.shape[1])}, got {P.shape}")
    if age_s is not None and age_s.shape != (x.shape[0],):
        raise ValueError(f"{where}: age_s must be ({x.shape[0]},), one per state, got {age_s.shape}")


def vertical_moments(x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Height h, its sigma, vertical speed v_up and its sigma (each (T,)) of states x (T, n), P (T, n, n), n >= 6 (r, v first)."""
    lat, lon, h = geodetic_of(x[:, :3])  # one geodetic solution for the height and the vertical (hot path)
    up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
    v_up = np.einsum("ni,ni->n", x[:, 3:6], up)
    sd_h = np.sqrt(np.maximum(np.einsum("ni,nij,nj->n", up, P[:, :3, :3], up), 0.0))
    sd_v = np.sqrt(np.maximum(np.einsum("ni,nij,nj->n", up, P[:, 3:6, 3:6], up), 0.0))
    return h, sd_h, v_up, sd_v


def below_ground(x: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Rule 1: states x (T, n), P (T, n, n) predicted below the ground by more than 3 sigma (T,) bool."""
    x, P = np.asarray(x, float), np.asarray(P, float)
    _check_shapes("below_ground", x, P)
    if x.shape[0] == 0:
        return np.zeros(0, bool)
    h, sd_h, _, _ = vertical_moments(x, P)
    return h + 3.0 * sd_h < 0.0


def underground(x: np.ndarray) -> np.ndarray:
    """Rule 2: predicted states x (T, n) whose mean is under the ground, h < 0: they take no report (T,) bool."""
    x = np.asarray(x, float)
    _check_shapes("underground", x)
    return height_of(x[:, :3]) < 0.0


def came_down(store: TrackStore) -> np.ndarray:
    """Tracks (T,) whose last update is at least FALLEN_M under the highest point seen (rule 2's scope)."""
    x = np.einsum("tj,tjn->tn", store.mu, store.x)  # the mixture's mean at the last update
    highest = np.array([r.max_height_m for r in store.records], float)
    return highest - height_of(x[:, :3]) > FALLEN_M


def landed(x: np.ndarray, P: np.ndarray, age_s: np.ndarray) -> np.ndarray:
    """Rule 3: tracks (last states x (T, n), P (T, n, n), age_s (T,) since then) that must be down by now."""
    x, P, age_s = np.asarray(x, float), np.asarray(P, float), np.asarray(age_s, float)
    _check_shapes("landed", x, P, age_s)
    if x.shape[0] == 0:
        return np.zeros(0, bool)
    return _landed(*vertical_moments(x, P), age_s)


def _landed(h: np.ndarray, sd_h: np.ndarray, v_up: np.ndarray, sd_v: np.ndarray, age_s: np.ndarray) -> np.ndarray:
    sink = np.maximum(-v_up - 3.0 * sd_v, MIN_SINK_M_S)
    return (v_up < 0.0) & (age_s > (np.maximum(h, 0.0) + 3.0 * sd_h) / sink)


def at_scan(x_pred: np.ndarray, P_pred: np.ndarray, store: TrackStore) -> tuple[np.ndarray, np.ndarray]:
    """Rules 1 and 2 at a scan, from one geodetic solution of the predictions x_pred (T, n), P_pred (T, n, n):
    (tracks surely down, to delete; tracks that take no report), each (T,) bool."""
    if x_pred.shape[0] == 0:
        return np.zeros(0, bool), np.zeros(0, bool)
    h, sd_h, _, _ = vertical_moments(x_pred, P_pred)
    gone = h + 3.0 * sd_h < 0.0
    refuse = h < 0.0
    if refuse.any():  # came_down needs the last updates' heights: only worth it when a prediction is under ground
        refuse &= came_down(store)
    return gone, refuse


class ImpactClock:
    """Rule 4: when each track's object is due on the ground, from the sigma-point flight of its last update.

    Keeps, per track id, the update count it last flew and the due time t_due = t_i + 3 max(sigma_t,
    MIN_IMPACT_TIME_SIGMA_S) (nan: none yet); see the module docstring.
    """

    def __init__(self) -> None:
        self._due: dict[str, tuple[int, float]] = {}

    def due_s(self, track_id: str) -> float:
        """The due time of a track (nan when its flights gave none)."""
        return self._due.get(track_id, (0, np.nan))[1]

    def overdue(self, store: TrackStore, x: np.ndarray, P: np.ndarray, t: float, cfg: TrackerConfig) -> np.ndarray:
        """Tracks (T,) of store (last states x (T, 7), P (T, 7, 7)) past their due time with no update since."""
        x, P = np.asarray(x, float), np.asarray(P, float)
        _check_shapes("ImpactClock.overdue", x, P)
        if x.shape[0] != len(store):
            raise ValueError(f"ImpactClock.overdue: {x.shape[0]} states for {len(store)} tracks")
        records = store.records
        self._due = {r.track_id: self._due[r.track_id] for r in records if r.track_id in self._due}
        if not records:
            return np.zeros(0, bool)
        h, _, v_up, _ = vertical_moments(x, P)
        confirmed = np.array([r.status == "confirmed" for r in records], bool)
        flown = np.array([self._due.get(r.track_id, (-1, np.nan))[0] == r.n_updates for r in records], bool)
        watch = confirmed & (v_up < 0.0) & ((h < TOP_OF_ATMOSPHERE_M) | (t - store.t > cfg.coast_after_s))
        fly = np.flatnonzero(watch & ~flown & np.isfinite(x).all(axis=1) & np.isfinite(P).all(axis=(1, 2)))
        if fly.size:
            for i, est in zip(fly, predict_impacts(x[fly], P[fly], store.t[fly]), strict=True):
                rec = records[i]
                due = self.due_s(rec.track_id)  # kept when this flight fails (see the module docstring)
                if est is not None:
                    due = est.time_s + 3.0 * max(est.time_sigma_s, MIN_IMPACT_TIME_SIGMA_S)
                self._due[rec.track_id] = (rec.n_updates, due)
        due = np.array([self.due_s(r.track_id) for r in records])
        return (t > due) & (store.t < due)  # False where due is nan


def stale(store: TrackStore, t: float, cfg: TrackerConfig, clock: ImpactClock | None = None) -> np.ndarray:
    """Tracks (T,) to delete at time t: too uncertain, too old, tentative after coast_after_s, or landed (rules 3, 4).

    The predicted 3-D position variance after a time a without update is approximated by
    tr P_rr + 2 a tr P_rv + a^2 tr P_vv + q a^3 (tr of the white-acceleration term, 3 axes x a^3 / 3),
    gravity's small shear of the covariance aside, with q the IMM mixture's: mu_thrust q_boost_along
    + mu_coast q_ballistic. A track that was burning when last seen may be anywhere its engine took
    it (8000 m^2/s^3: 100 km sigma after ~2 min); with the ballistic q alone such a track lived on for
    minutes and its thrust model's swollen gate took a false alarm 680 km from anything (a false
    track on the flagship with faults). Also notes each track's highest point seen (a floor for its apogee).
    Rule 4 runs only with a clock (the tracker's: it remembers the flights between sweeps).
    """
    age = t - store.t
    tentative = np.array([r.status == "tentative" for r in store.records])
    x, P = imm.combine(store.x, store.P, store.mu)
    moments = vertical_moments(x, P) if len(store) else (np.zeros(0),) * 4
    for rec, height in zip(store.records, moments[0], strict=True):
        rec.max_height_m = max(rec.max_height_m, float(height))
    tr_rr = np.trace(P[:, :3, :3], axis1=1, axis2=2)
    tr_rv = np.trace(P[:, :3, 3:6], axis1=1, axis2=2)
    tr_vv = np.trace(P[:, 3:6, 3:6], axis1=1, axis2=2)
    thrust = store.mu[:, imm.THRUST]
    q = thrust * cfg.q_boost_along_m2_s3 + (1.0 - thrust) * cfg.q_ballistic_m2_s3
    var = tr_rr + 2 * age * tr_rv + age**2 * tr_vv + q * age**3
    lost = var > cfg.delete_sigma_m**2
    broken = ~(np.isfinite(x).all(axis=1) & np.isfinite(var))  # never expected; never kept if it happens
    old = (age > cfg.delete_after_s) | (tentative & (age > cfg.coast_after_s))
    gone = old | lost | _landed(*moments, age) | broken
    if clock is not None:
        gone |= clock.overdue(store, x, P, t, cfg)
    return gone
