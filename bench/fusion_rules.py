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
- `newest`: the newest member alone;
- `cal-*` (with `--calibrated`): the members of a coasting object first scaled by the node's own
  per-nation calibration as it stands at that time (`picture.calibration`, learnt from cross-nation
  residuals, never truth): `cal-agreeing` the picture's rule on them, `cal-ici` inverse covariance
  intersection of the agreeing set (`fusion.covariance_intersection.inverse_covariance_intersection`),
  `cal-info` their information sum (Kalman fusion, as if the nations' errors were independent),
  `cal-best` the sharpest calibrated member alone.

Besides the rules' RMS and NEES, each sample's flight phase (from truth: boost while thrusting,
re-entry below 100 km descending, midcourse otherwise) splits the figures, and each nation's own
member at its own time is scored on the same samples, so "fused x best nation" compares like with
like: `x best nation` is the rule's RMS over the RMS of the nation that is best on those samples.
"""

from __future__ import annotations

import pickle
import sys
import time
from pathlib import Path

import numpy as np
from fusion_consistency import LIBRARY, _nees
from national_consistency import TruthLookup
from scipy.optimize import minimize

from triwatch.exercise.run import run_exercise
from triwatch.fusion.covariance_intersection import (
    agreeing_members,
    covariance_intersection,
    discount_by_age,
    fuse_members,
    inverse_covariance_intersection,
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


def _calibrated_rules(xs, Ps, times, scale):
    """The rules on members scaled by the node's calibration (scale (n,), 1 under thrust)."""
    ages = times.max() - times
    Pc = Ps * scale[:, None, None]
    x, P, keep = fuse_members(xs, Pc, ages, ALLOWANCE_RR, GATE_CHI2_3DOF)
    aged = discount_by_age(Pc, ages)
    best = int(np.argmin(np.trace(aged, axis1=1, axis2=2)))
    info = np.linalg.inv(np.linalg.inv(aged[keep]).sum(axis=0))
    raw_aged = discount_by_age(Ps, ages)
    keep_raw = agreeing_members(xs, raw_aged, ALLOWANCE_RR, GATE_CHI2_3DOF)
    keep_tight = agreeing_members(xs, aged, 0.0 * ALLOWANCE_RR, GATE_CHI2_3DOF)
    return {
        "cal-agree-raw": covariance_intersection(xs[keep_raw], aged[keep_raw]),
        "cal-agree-tight": covariance_intersection(xs[keep_tight], aged[keep_tight]),
        "cal-agreeing": (x, P),
        "cal-ici": inverse_covariance_intersection(xs[keep], aged[keep]),
        "cal-info": (info @ np.einsum("nij,nj->i", np.linalg.inv(aged[keep]), xs[keep]), info),
        "cal-best": (xs[best], aged[best]),
    }


def measure(
    name: str, every_s: float, only: set[str] | None = None, calibrated: bool = False, dump: list | None = None
) -> dict[str, tuple[list[float], list[float]]]:
    sc = load_scenario(LIBRARY / f"{name}.yaml")
    out: dict[str, tuple[list[float], list[float]]] = {}
    ages: list[float] = []
    samples: list[tuple[str, dict[str, float], dict[str, float]]] = []  # (phase, nation -> own error, rule -> error)
    by_nation: dict[str, list[tuple[float, dict[str, float]]]] = {}  # nation -> (own error, fused error per rule)
    lookup: list[TruthLookup] = []

    def sample(t: float, run) -> None:
        if not lookup:
            lookup.append(TruthLookup(run.world))
        if t % every_s:
            return
        for node in run.nodes.values():
            for st in node.picture.active(t):
                newest = max(m.report.time_s for m in st.members.values())
                live = st.live_members(newest, node.picture.stale_s)
                if len(live) < 2:
                    continue
                hit = lookup[0].nearest(newest, st.x[:3])
                if hit is None:
                    continue
                truth, phase = hit
                xs, Ps = predict_members(live, newest)
                times = np.array([m.report.time_s for m in live])
                ages.extend((newest - times).tolist())
                fused = {}
                thrusting = np.full(len(live), any(m.report.thrusting for m in live))  # the object thrusts
                rules = _rules(xs, Ps, times, only, thrusting)
                if calibrated and node.picture.calibration is not None:
                    scale = np.where(thrusting, 1.0, node.picture.calibration.scales([m.origin for m in live]))
                    rules |= _calibrated_rules(xs, Ps, times, scale)
                for rule, (x, P) in rules.items():
                    errs, nees = out.setdefault(rule, ([], []))
                    fused[rule] = float(np.linalg.norm(x[:3] - truth[:3]))
                    errs.append(fused[rule])
                    nees.append(_nees(x - truth, P))
                    errs_p, nees_p = out.setdefault(f"{rule}@{phase}", ([], []))
                    errs_p.append(fused[rule])
                    nees_p.append(nees[-1])
                own: dict[str, float] = {}
                for m in live:  # each nation's own track, at its own time, against the same samples
                    hit_m = lookup[0].nearest(m.report.time_s, m.x[:3])
                    if hit_m is not None:
                        e = float(np.linalg.norm(m.x[:3] - hit_m[0][:3]))
                        own[m.origin] = min(e, own.get(m.origin, np.inf))
                        by_nation.setdefault(m.origin, []).append((e, fused))
                samples.append((phase, own, fused))
                if dump is not None:  # everything a rule sees, and the truth it is scored against
                    scale = (
                        node.picture.calibration.scales([m.origin for m in live])
                        if node.picture.calibration is not None
                        else np.ones(len(live))
                    )
                    dump.append(
                        {
                            "phase": phase,
                            "truth": truth,
                            "xs": xs,
                            "Ps": Ps,
                            "times": times,
                            "origins": [m.origin for m in live],
                            "arcs": np.array([m.arc_s for m in live]),
                            "thrusting": thrusting,
                            "scale": scale,
                            "own": own,
                        }
                    )

    t0 = time.time()
    run_exercise(sc, None, on_tick=sample)
    a = np.array(ages)
    print(f"{name}: wall {time.time() - t0:.0f} s, {len(out.get('ci-fast', ([], []))[0])} fused samples")
    print(f"  member age at fusion (s): median {np.median(a):.1f}, 90 % {np.percentile(a, 90):.1f}, max {a.max():.1f}")
    for nation, rows in sorted(by_nation.items()):
        own = np.sqrt(np.mean([r[0] ** 2 for r in rows]))
        cells = ", ".join(f"{rule} {np.sqrt(np.mean([r[1][rule] ** 2 for r in rows])):.1f}" for rule in rows[0][1])
        print(f"  {nation}'s own track RMS {own:.1f} m on its {len(rows)} samples; fused there: {cells}")
    _against_best_nation(samples)
    return out


def _against_best_nation(samples) -> None:
    """Per phase: each rule's RMS over that of the best nation on the same samples (samples every nation holds)."""
    for phase in ("boost", "midcourse", "re-entry", "all"):
        rows = [(own, fused) for ph, own, fused in samples if phase in (ph, "all")]
        nations = sorted({n for own, _ in rows for n in own})
        if not rows:
            continue
        cells = []
        for n in nations:  # each nation's RMS and the rules' on the samples where it has a member
            mine = [(own[n], fused) for own, fused in rows if n in own]
            cells.append((np.sqrt(np.mean([e**2 for e, _ in mine])), n, mine))
        best_rms, best, mine = min(cells, key=lambda c: c[0] if len(c[2]) >= 0.5 * len(rows) else np.inf)
        oracle = np.sqrt(np.mean([min(own.values()) ** 2 for own, _ in rows if own]))
        ratios = ", ".join(
            f"{rule} x{np.sqrt(np.mean([f[rule] ** 2 for _, f in mine])) / best_rms:.2f}" for rule in mine[0][1]
        )
        print(
            f"  {phase:9s} n={len(rows):4d}: best nation {best} {best_rms:.1f} m on its {len(mine)}, "
            f"per-sample best member {oracle:.1f} m; rules x best nation: {ratios}"
        )


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
    calibrated = "--calibrated" in args
    args = [a for a in args if a != "--calibrated"]
    dump_to = None
    if "--dump" in args:  # pickle every sample (members, scales, truth) to DIR/<scenario>.pkl for offline study
        i = args.index("--dump")
        dump_to = Path(args[i + 1])
        del args[i : i + 2]
    for name in args or ["icbm-2023-04-13-separated-part"]:
        dump: list | None = [] if dump_to is not None else None
        res = measure(name, every, only, calibrated, dump)
        if dump_to is not None:
            dump_to.mkdir(parents=True, exist_ok=True)
            (dump_to / f"{name}.pkl").write_bytes(pickle.dumps(dump))
        base = np.sqrt(np.mean(np.square(res["ci-fast"][0])))
        for rule, (errs, nees) in res.items():
            rms = np.sqrt(np.mean(np.square(errs)))
            print(
                f"  {rule:24s} RMS position {rms:7.1f} m (x{rms / base:.2f} of ci-fast), "
                f"NEES mean {np.mean(nees):7.1f} median {np.median(nees):6.1f}, "
                f"inside 95 % {np.mean(np.array(nees) < 12.59):.2f}"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
