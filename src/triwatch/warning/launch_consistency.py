"""One launch time for the whole track: vehicle hypotheses that need it to drift are dropped.

`vehicle_match` tests one state: for a vehicle v it returns the times since launch tau' at which
v's profile explains the state at t, i.e. the launch times t - tau' that v would need. A single
state cannot tell a Nodong-class MRBM from a Hwasong-12-class IRBM: the MRBM reaches the same
speed and height a few seconds earlier in its burn, so it explains the state with a launch a few
seconds later. But the launch happened once. Over the track's history the wrong vehicle needs a
launch time that *drifts* (the MRBM gains speed faster, so it needs a later and later launch),
while the right one needs the same launch time at every state. So, per system track and vehicle:

    L_v(t_n) = intersection over assessments i <= n of [t_i - tau'_hi,i - step, t_i - tau'_lo,i + step]

(step: the tau' grid's resolution). A vehicle whose L_v is empty is dropped for that track, and
the consistent tau' range of one that stays is narrowed to t_n - L_v(t_n). Each interval holds the
true launch time with the matcher's gate probability (0.999) when the hypothesis is right, so the
intersection of n of them holds it with probability >= 1 - n (1 - 0.999).

A vehicle absent from an assessment's matches (its gate failed once, e.g. on an over-confident
state of a re-initialised track) is not dropped for good: that assessment just adds no interval
for it. Only a contradiction between the launch times two consistent assessments need drops it.

Burnt out is not ruled out. The matcher compares a state only with a vehicle's *burning* profile,
so a vehicle whose burn has ended leaves the matches although nothing contradicts it: it is
coasting now. A Scud-class SRBM of the salvo, burnt out at 70 s while its tracks still reported
thrust, left an MRBM that had fitted far worse as the only hypothesis, and the precautionary
support of Japan's land jumped from 0.4 to 0.9. `burnt_out` keeps such a vehicle: one that the
track's history still allows, absent now, whose burn has ended under every launch time it allows,
is returned with its last match (its likelihood), fully burnt (tau = its burn time).

Slowing down is burnt out. Every library vehicle accelerates while it burns (thrust over weight
stays above one), so a track whose speed *falls* between two of its states by more than
3 sigma, sqrt(sigma_1^2 + sigma_2^2) along the velocity, has stopped burning, whatever its
tracker's thrust flag still says (it lags burn-out by a few seconds: the salvo's S2 was decelerating
from 1,887 to 1,758 m/s, 31 km up, while still reported thrusting). `burnt` remembers it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from triwatch.warning.vehicle_match import PROFILE_STEP_S, VehicleMatch


@dataclass
class _TrackLaunchTimes:
    last_s: float
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)  # vehicle -> (earliest, latest) launch
    dropped: set[str] = field(default_factory=set)
    last: dict[str, VehicleMatch] = field(default_factory=dict)  # vehicle -> its last match on this track
    speed: tuple[float, float, float] | None = None  # (time, speed, its sigma) of the last state seen
    slowed: bool = False  # its speed fell: the burn is over


class LaunchTimeBook:
    """Per system track: the launch times each library vehicle hypothesis still allows."""

    def __init__(self, forget_after_s: float = 600.0) -> None:
        if not forget_after_s > 0.0:
            raise ValueError(f"LaunchTimeBook.forget_after_s: must be > 0, got {forget_after_s!r}")
        self.forget_after_s = forget_after_s
        self._tracks: dict[str, _TrackLaunchTimes] = {}

    def narrow(self, track: str, t_s: float, matches: list[VehicleMatch]) -> list[VehicleMatch]:
        """Record this assessment's matches for the track; return those whose launch time stays consistent.

        Each kept match has its tau range narrowed to the launch times every assessment so far allows.
        """
        self._forget(t_s)
        book = self._tracks.setdefault(track, _TrackLaunchTimes(t_s))
        book.last_s = max(book.last_s, t_s)
        kept = []
        for m in matches:
            name = m.vehicle.name
            if name in book.dropped:
                continue
            lo, hi = t_s - m.tau_hi_s - PROFILE_STEP_S, t_s - m.tau_lo_s + PROFILE_STEP_S
            old_lo, old_hi = book.intervals.get(name, (lo, hi))
            lo, hi = max(lo, old_lo), min(hi, old_hi)
            if lo > hi:
                book.dropped.add(name)
                book.intervals.pop(name, None)
                book.last.pop(name, None)
                continue
            book.intervals[name] = (lo, hi)
            tau_lo, tau_hi = max(m.tau_lo_s, t_s - hi), min(m.tau_hi_s, t_s - lo)
            kept.append(replace(m, tau_lo_s=tau_lo, tau_hi_s=max(tau_lo, tau_hi)))
            book.last[name] = kept[-1]
        return kept

    def burnt_out(self, track: str, t_s: float, present: list[VehicleMatch]) -> list[VehicleMatch]:
        """Vehicles the track's history allows that are absent from `present` because their burn has ended
        under every launch time they allow: their last match, fully burnt (see the module docstring)."""
        book = self._tracks.get(track)
        if book is None:
            return []
        here = {m.vehicle.name for m in present}
        out = []
        for name, m in book.last.items():
            if name in here or name in book.dropped or name not in book.intervals:
                continue
            if t_s - book.intervals[name][1] > m.vehicle.burn_s:
                out.append(replace(m, tau_lo_s=m.vehicle.burn_s, tau_hi_s=m.vehicle.burn_s))
        return out

    def burnt(self, track: str, t_s: float, x: np.ndarray, P: np.ndarray) -> bool:
        """Record the track's state; True once its speed has fallen by > 3 sigma between two states (burn over)."""
        self._forget(t_s)
        book = self._tracks.setdefault(track, _TrackLaunchTimes(t_s))
        x, P = np.asarray(x, float), np.asarray(P, float)
        speed = float(np.linalg.norm(x[3:]))
        u = x[3:] / max(speed, 1e-9)
        sigma = float(np.sqrt(max(u @ P[3:, 3:] @ u, 0.0)))
        if book.speed is not None and t_s > book.speed[0]:
            _, before, sigma_before = book.speed
            book.slowed |= before - speed > 3.0 * np.hypot(sigma, sigma_before)
        if book.speed is None or t_s > book.speed[0]:
            book.speed = (float(t_s), speed, sigma)
        return book.slowed

    def dropped(self, track: str) -> set[str]:
        """Vehicles the track's launch-time history has ruled out."""
        book = self._tracks.get(track)
        return set(book.dropped) if book else set()

    def _forget(self, t_s: float) -> None:
        for key in [k for k, b in self._tracks.items() if t_s - b.last_s > self.forget_after_s]:
            del self._tracks[key]
