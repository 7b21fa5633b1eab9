"""What the boost-phase tracks say at 40, 50, 60 s, and how early a support-threshold rule could warn.

    python bench/boost_support_table.py                       # every library scenario but -faults
    python bench/boost_support_table.py irbm-2022-10-04 icbm-2023-04-13-separated-part

Each scenario runs through its boost phases with the precautionary class off (as
bench/precautionary_overflight.py's capture); every boost-phase assessment input the JPN node made
(fused state and covariance, launch point and time with its sigma, system track) is kept and
attributed to the launch whose payload is nearest (truth only here, to score). The allied picture
is shared, so one node's inputs stand for what every node's warning engine sees.

Per launch, at the inputs nearest 40, 50 and 60 s after launch (fused-state time): speed, height,
flight-path angle, 1-sigma position and velocity spread, launch-point error (truth) and the stated
launch-time sigma, the vehicles still consistent (with the track's launch-time history) and their
pitch-kick ranges, and the *support* of each protected area (warning.boost_support) under three
priors: full burn with consistent vehicles equally likely, full burn weighed by the likelihood of
the state (the support rule's, warning.boost_precaution), and a cut-off uniform over the remaining
burn. The track's history is kept as a node keeps it: launch times, vehicles burnt out, a track
that slowed down (no hypothesis left: nothing printed).

Then rules (`--rules`): name an area once its support reaches q on two successive assessments of
one system track (the alert book's confirm count), for each prior and q; printed per launch: the
first naming of each area (s after launch) and the wrong ones. The warning reaches a command
centre a few seconds after the naming (next assessment, delivery): bench/warning_timeline.py.
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from precautionary_overflight import capture

from triwatch.report.truth_facts import threatened_areas
from triwatch.scenario.loader import load_scenario
from triwatch.warning.boost_support import threat_support, weighted_candidates
from triwatch.warning.launch_consistency import LaunchTimeBook
from triwatch.warning.vehicle_match import features, match_vehicles

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
TARGETS_S = (40.0, 50.0, 60.0)
NODE = "JPN"
THRESHOLDS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.3)
SHOWN = ("JPN-land", "JPN-EEZ", "KOR-land", "KOR-EEZ")


def attribute(inputs: list[dict], run, sc) -> dict[str, list[dict]]:
    """The node's inputs per launch: each goes to the launch whose payload is nearest its fused state."""
    starts = {la.id: la.time_s for la in sc.launches}
    per: dict[str, list[dict]] = {lid: [] for lid in starts}
    for item in inputs:
        if item["node"] != NODE:
            continue
        x, t_s = item["args"][0], item["args"][2]
        dist = {}
        for lid, t0 in starts.items():
            if t_s > t0:
                r, *_ = run.world.flights[lid].objects[0].state_at(np.array([t_s - t0]))
                dist[lid] = float(np.linalg.norm(r[0] - x[:3]))
        if dist:
            per[min(dist, key=dist.get)].append(item)
    return per


# Priors: (cut-off, vehicle weighting); the support rule of warning.boost_precaution is full burn x likelihood.
PRIORS = (("full-burn", "equal"), ("full-burn", "likelihood"), ("uniform", "equal"))


def supports(items: list[dict], protected: set[str], t0: float, uniform_until_s: float) -> list[dict]:
    """Per input, in order, as a node's support rule sees it: matches with the track's history (launch times,
    burnt-out vehicles kept; a track that slowed down has none), and the support under each prior."""
    book = LaunchTimeBook()
    rows = []
    for it in items:
        args = it["args"]
        tau = args[2] - t0
        slowed = book.burnt(it["track"], args[2], args[0], args[1])
        matches = [] if slowed else book.narrow(it["track"], args[2], match_vehicles(*args))
        if matches:
            matches = matches + book.burnt_out(it["track"], args[2], matches)
        row = dict(item=it, tau=tau, matches=matches, sup={})
        for cut, weighting in PRIORS if matches else ():
            if cut == "uniform" and tau > uniform_until_s:
                continue
            c, w, lofted = weighted_candidates(*args[:5], matches, cut, weighting=weighting)
            row["sup"][f"{cut}/{weighting}"] = threat_support(c, w, protected, cut, lofted)
        rows.append(row)
    return rows


def describe(row: dict, launch) -> str:
    x, P, t_s, lat, lon, t_launch, sigma = row["item"]["args"]
    f = features(x[:3], x[3:])
    ps, vs = np.sqrt(np.trace(P[:3, :3]) / 3), np.sqrt(np.trace(P[3:, 3:]) / 3)
    lt_err = t_launch - launch.time_s
    veh = ", ".join(
        f"{m.vehicle.name} kick {np.degrees(m.kicks_rad.min()):.1f}-{np.degrees(m.kicks_rad.max()):.1f} deg"
        for m in row["matches"]
    )
    head = (
        f"    {row['tau']:5.1f} s {row['item']['track']}: v {f[0]:5.0f} m/s, h {f[1] / 1e3:5.1f} km, "
        f"fpa {np.degrees(f[2]):4.1f} deg, sigma {ps:4.0f} m {vs:4.0f} m/s, launch time {lt_err:+.1f} s "
        f"(stated +-{sigma:.1f} s); vehicles: {veh or 'none'}"
    )
    lines = [head]
    for cut, s in row["sup"].items():
        areas = ", ".join(f"{a} {s.area(a):.2f}" for a in SHOWN if s.area(a) > 0.0) or "none"
        nations = ", ".join(f"{n} {v:.2f}" for n, v in sorted(s.nation.items()) if v > 0.0) or "none"
        std = ", ".join(f"{a} {v:.2f}" for a, v in s.overflight_standard.items() if v > 0.0) or "none"
        lines.append(
            f"      {cut:20s} ({s.count:5d} flights): {areas}; nation {nations}; lofted {s.lofted:.2f}, "
            f"standard overflight {std}"
        )
    return "\n".join(lines)


# The rules tried: which support each names by (under each full-burn prior; the uniform prior's rules,
# measured with `--uniform`, name the flagship no earlier than 76 s at any threshold).
RULES = {
    "any area (overflight or impact)": lambda s: {a: s.area(a) for a in set(s.overflight) | set(s.impact)},
    "land overflight": lambda s: dict(s.overflight),
    "land overflight, standard flights": lambda s: dict(s.overflight_standard),
}


def first_namings(rows: list[dict], prior: str, rule, q: float, confirm_n: int = 2) -> dict[str, float]:
    """First time (s after launch) each area reaches support q on confirm_n successive inputs of one track."""
    streak: dict[tuple[str, str], int] = defaultdict(int)
    first: dict[str, float] = {}
    for row in rows:
        s = row["sup"].get(prior)
        if s is None:
            continue
        for area, support in rule(s).items():
            key = (row["item"]["track"], area)
            streak[key] = streak[key] + 1 if support >= q - 1e-9 and support > 0 else 0
            if streak[key] >= confirm_n:
                first.setdefault(area, row["tau"])
    return first


def main(names: list[str], rules: bool, uniform: bool) -> None:
    names = names or sorted(p.stem for p in LIBRARY.glob("*.yaml") if not p.stem.endswith("-faults"))
    for name in names:
        sc = load_scenario(LIBRARY / f"{name}.yaml")
        inputs, run = capture(sc)
        protected = set(sc.nations)
        for lid, items in attribute(inputs, run, sc).items():
            launch = next(la for la in sc.launches if la.id == lid)
            truly = threatened_areas(run.world, lid, protected)
            rows = supports(items, protected, launch.time_s, uniform_until_s=np.inf if uniform else 70.0)
            print(f"{name} {lid}: threatened {sorted(truly) or 'nothing'}; {len(rows)} boost inputs at {NODE}")
            for target in TARGETS_S:
                near = [r for r in rows if abs(r["tau"] - target) <= 4.0]
                if near:
                    print(describe(min(near, key=lambda r: abs(r["tau"] - target)), launch))
            if rules:
                priors = [f"{c}/{w}" for c, w in PRIORS if uniform or c != "uniform"]
                for prior, (rule_name, rule), q in itertools.product(priors, RULES.items(), THRESHOLDS):
                    first = first_namings(rows, prior, rule, q)
                    shown = ", ".join(
                        f"{a} {t:.0f} s{'' if a in truly else ' WRONG'}" for a, t in sorted(first.items())
                    )
                    print(f"    {prior}, {rule_name}, q {q:.1f}: {shown or 'nothing named'}")
            sys.stdout.flush()


if __name__ == "__main__":
    main([a for a in sys.argv[1:] if not a.startswith("--")], "--rules" in sys.argv, "--uniform" in sys.argv)
