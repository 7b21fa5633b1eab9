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
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from triwatch.warning.vehicle_match import PROFILE_STEP_S, VehicleMatch


@dataclass
class _TrackLaunchTimes:
    last_s: float
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)  # vehicle -> (earliest, latest) launch
    dropped: set[str] = field(default_factory=set)


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
                continue
            book.intervals[name] = (lo, hi)
            tau_lo, tau_hi = max(m.tau_lo_s, t_s - hi), min(m.tau_hi_s, t_s - lo)
            kept.append(replace(m, tau_lo_s=tau_lo, tau_hi_s=max(tau_lo, tau_hi)))
        return kept

    def dropped(self, track: str) -> set[str]:
        """Vehicles the track's launch-time history has ruled out."""
        book = self._tracks.get(track)
        return set(book.dropped) if book else set()

    def _forget(self, t_s: float) -> None:
        for key in [k for k, b in self._tracks.items() if t_s - b.last_s > self.forget_after_s]:
            del self._tracks[key]
