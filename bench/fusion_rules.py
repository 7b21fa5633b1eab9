"""Which combination rule fuses a system track's members best: measured on one library run, all rules on the same samples.

    python bench/fusion_rules.py                          # icbm-2023-04-13-separated-part
    python bench/fusion_rules.py irbm-2022-10-04 --every 5
    python bench/fusion_rules.py --only ci-fast,ci-age-100,agreeing   # the picture's rules

Every `--every` seconds of scenario time, for each node's active system tracks within 10 km of
a truth object, the live members are brought to the newest member's time exactly as
`AlliedPicture._fuse` does (`predict_members`: each with its nation's drag estimate), and each rule below fuses them; its position
error and NEES (6 dof) against truth at that time are recorded. The run itself is untouched (the
nodes fuse with the rule in `triwatch.fusion.covariance_intersection`); truth is read here only.

Rules:
- `ci-fast`: covariance intersection, w_i ~ 1/tr P_i (Niehsen);
- `ci-trace`, `ci-det`: covariance intersection with the weights that minimise tr P or det P
  (Julier & Uhlmann), found numerically on the simplex;
- `ci-fresh-N`: `ci-fast` over the members reported within N s of the newest only (N in `FRESH_S`);
- `ci-age-Q`: `ci-fast` with each member's covariance grown by a white acceleration of spectral
  density Q (in `AGE_Q`) over its age (a member flown forward is discounted for what flight leaves out);
- `agreeing`: `ci-age-100` over the largest set of members whose positions agree pairwise within the
  picture's split gate (with its allowance; `fuse_members`, what the picture uses now);
  `agreeing-no-allowance` the same without the allowance; `best-agreeing` the sharpest of that set alone;
  `agreeing-thrust` the same with every member of an object any member reports thrusting aged at
  q = 8000 (THRUST_AGE_Q_M2_S3; measured, not used by the picture);
- `best`: the member with the smallest tr P alone;
- `newest`: the newest member alone.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from fusion_consistency import LIBRARY, _nees, _truth_state
from scipy.optimize import minimize

from triwatch.exercise.run import run_exercise
from triwatch.fusion.covariance_intersection import (
    agreeing_members,
    covariance_intersection,
    discount_by_age,
    fuse_members,
)
from triwatch.fusion.gating import BIAS_SIGMA_M
from triwatch.fusion.picture import GATE_CHI2_3DOF
from triwatch.fusion.predict import predict_members, white_acceleration_q
from triwatch.scenario.loader import load_scenario

FRESH_S = (1.0, 2.0, 4.0, 8.0)
AGE_Q = (10.0, 100.0, 1000.0)  # m^2/s^3: white acceleration over a member's age (thrust, drag left unmodelled)
ALLOWANCE_RR = np.eye(3) * BIAS_SIGMA_M**2  # the picture's gate allowance in position (fusion.gating)


def _ci_weighted(xs: np.ndarray, Ps: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    infos = np.linalg.inv(Ps)
    P = np.linalg.inv(np.einsum("i,ijk->jk", w, infos))
    return P @ np.einsum("i,ijk,ik->j", w, infos, xs), P


def _ci_optimal(xs: np.ndarray, Ps: np.ndarray, cost) -> tuple[np.ndarray, np.ndarray]:
    """CI with the weights minimising cost(P), parametrised w = softmax(a) so they stay on the simplex."""
    if len(xs) == 1:
        return xs[0], Ps[0]
    infos = np.linalg.inv(Ps)

    def f(a):
        w = np.exp(a - a.max())
        w /= w.sum()
        return cost(np.linalg.inv(np.einsum("i,ijk->jk", w, infos)))

    a0 = -np.log(np.trace(Ps, axis1=1, axis2=2))
    a = minimize(f, a0, method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-9}).x
    w = np.exp(a - a.max())
    return _ci_weighted(xs, Ps, w / w.sum())


def _rules(xs, Ps, times, only: set[str] | None = None, thrusting=None):
    picture = {"ci-fast", "ci-age-100", "agreeing"}
    rules = _all_rules if only is None or only - picture else _picture_rules
    out = rules(xs, Ps, times, thrusting)
    return {k: v for k, v in out.items() if only is None or k in only}


def _picture_rules(xs, Ps, times, thrusting=None):
    """The picture's rules: plain (`ci-fast`), with the age discount (`ci-age-100`), and of agreeing members (`agreeing`)."""
    aged = Ps + np.stack([white_acceleration_q(times.max() - t, 100.0) for t in times])
    return {
        "ci-fast": covariance_intersection(xs, Ps),
        "ci-age-100": covariance_intersection(xs, aged),
        "agreeing": fuse_members(xs, Ps, times.max() - times, ALLOWANCE_RR, GATE_CHI2_3DOF)[:2],
    }


def _best_of_agreeing(xs, Ps, ages):
    """The sharpest (smallest tr P) of the largest agreeing set, alone."""
    aged = discount_by_age(Ps, ages)
    keep = np.flatnonzero(agreeing_members(xs, aged, ALLOWANCE_RR, GATE_CHI2_3DOF))
    i = keep[int(np.argmin(np.trace(aged[keep], axis1=1, axis2=2)))]
    return xs[i], aged[i]


def _all_rules(xs, Ps, times, thrusting=None):
    newest = times.max()
    best = int(np.argmin(np.trace(Ps, axis1=1, axis2=2)))
    out = {
        "ci-fast": covariance_intersection(xs, Ps),
        "ci-trace": _ci_optimal(xs, Ps, np.trace),
        "ci-det": _ci_optimal(xs, Ps, lambda P: np.linalg.slogdet(P)[1]),
        "best": (xs[best], Ps[best]),
        "newest": (xs[int(np.argmax(times))], Ps[int(np.argmax(times))]),
    }
    for q in AGE_Q:
        aged = Ps + np.stack([white_acceleration_q(newest - t, q) for t in times])
        out[f"ci-age-{q:g}"] = covariance_intersection(xs, aged)
    out["agreeing"] = fuse_members(xs, Ps, newest - times, ALLOWANCE_RR, GATE_CHI2_3DOF)[:2]
    out["agreeing-thrust"] = fuse_members(xs, Ps, newest - times, ALLOWANCE_RR, GATE_CHI2_3DOF, thrusting)[:2]
    out["agreeing-no-allowance"] = fuse_members(xs, Ps, newest - times, 0.0 * ALLOWANCE_RR, GATE_CHI2_3DOF)[:2]
    out["best-agreeing"] = _best_of_agreeing(xs, Ps, newest - times)
    for fresh_s in FRESH_S:
        fresh = times >= newest - fresh_s
        out[f"ci-fresh-{fresh_s:g}"] = covariance_intersection(xs[fresh], Ps[fresh])
    return out


def measure(name: str, every_s: float, only: set[str] | None = None) -> dict[str, tuple[list[float], list[float]]]:
    sc = load_scenario(LIBRARY / f"{name}.yaml")
    out: dict[str, tuple[list[float], list[float]]] = {}
    ages: list[float] = []
    by_nation: dict[str, list[tuple[float, dict[str, float]]]] = {}  # nation -> (own error, fused error per rule)

    def sample(t: float, run) -> None:
        if t % every_s:
            return
        for node in run.nodes.values():
            for st in node.picture.active(t):
                newest = max(m.report.time_s for m in st.members.values())
                live = st.live_members(newest, node.picture.stale_s)
                if len(live) < 2:
                    continue
                truth = _truth_state(run.world, newest, st.x[:3])
                if truth is None:
                    continue
                xs, Ps = predict_members(live, newest)
                times = np.array([m.report.time_s for m in live])
                ages.extend((newest - times).tolist())
                fused = {}
                thrusting = np.full(len(live), any(m.report.thrusting for m in live))  # the object thrusts
                for rule, (x, P) in _rules(xs, Ps, times, only, thrusting).items():
                    errs, nees = out.setdefault(rule, ([], []))
                    fused[rule] = float(np.linalg.norm(x[:3] - truth[:3]))
                    errs.append(fused[rule])
                    nees.append(_nees(x - truth, P))
                for m in live:  # each nation's own track, at its own time, against the same samples
                    own = _truth_state(run.world, m.report.time_s, m.x[:3])
                    if own is not None:
                        by_nation.setdefault(m.origin, []).append((float(np.linalg.norm(m.x[:3] - own[:3])), fused))

    t0 = time.time()
    run_exercise(sc, None, on_tick=sample)
    a = np.array(ages)
    print(f"{name}: wall {time.time() - t0:.0f} s, {len(out.get('ci-fast', ([], []))[0])} fused samples")
    print(f"  member age at fusion (s): median {np.median(a):.1f}, 90 % {np.percentile(a, 90):.1f}, max {a.max():.1f}")
    for nation, rows in sorted(by_nation.items()):
        own = np.sqrt(np.mean([r[0] ** 2 for r in rows]))
        cells = ", ".join(f"{rule} {np.sqrt(np.mean([r[1][rule] ** 2 for r in rows])):.1f}" for rule in rows[0][1])
        print(f"  {nation}'s own track RMS {own:.1f} m on its {len(rows)} samples; fused there: {cells}")
    return out


def main(args: list[str]) -> None:
    only = None
    if "--only" in args:  # e.g. --only ci-fast,ci-age-100 (the picture's rule before and after)
        i = args.index("--only")
        only = set(args[i + 1].split(","))
        del args[i : i + 2]
    every = 10.0
    if "--every" in args:
        i = args.index("--every")
        every = float(args[i + 1])
        del args[i : i + 2]
    for name in args or ["icbm-2023-04-13-separated-part"]:
        res = measure(name, every, only)
        base = np.sqrt(np.mean(np.square(res["ci-fast"][0])))
        for rule, (errs, nees) in res.items():
            rms = np.sqrt(np.mean(np.square(errs)))
            print(
                f"  {rule:9s} RMS position {rms:7.1f} m (x{rms / base:.2f} of ci-fast), "
                f"NEES mean {np.mean(nees):7.1f} median {np.median(nees):6.1f}, "
                f"inside 95 % {np.mean(np.array(nees) < 12.59):.2f}"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
