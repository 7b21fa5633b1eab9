"""Scores of the allied picture and of the warnings against truth.

Picture (from each node's periodic `picture` snapshot, system tracks brought to
the snapshot time):
- GOSPA (c = 10 km, p = 2, alpha = 2) against every live truth object, averaged
  over snapshots and nodes — objects nobody can see yet count as missed;
- id switches: changes of the system track number a truth object is held by,
  after its first, in one node's picture; the worst node is reported. Tracks and
  truth objects are paired one-to-one per snapshot (linear assignment on
  distance, within c), keeping last snapshot's pairs unless another pairing is
  better by more than TIE_M, so two objects flying closer together than the
  sensors can resolve (a warhead and its spent stage) do not count as swaps;
- false tracks: system tracks never associated with a truth object (worst node).
Warnings:
- a false warning is an alert that named an area the launch did not truly
  threaten (its impact area or land it overflew);
- a missed warning is a (launch, truly threatened area) pair that no alert
  delivered to the area's nation ever named.
Latency: wall clock from the node step that ingested the reports behind an
alert revision to its delivery at the last partner node.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.optimize import linear_sum_assignment

from triwatch.tracking.metrics import gospa

GOSPA_C_M = 10e3
TIE_M = 2e3  # objects closer than this are not told apart by the sensors modelled here


def picture_metrics(run) -> dict:
    gospas: list[float] = []
    worst_switches = 0
    worst_false = 0
    by_node = defaultdict(list)
    for e in run.events.of_type("picture"):
        by_node[e["node"]].append(e)
    for snaps in by_node.values():
        held: dict[str, str] = {}
        switches = 0
        ever: set[str] = set()
        seen: set[str] = set()
        for snap in snaps:
            scene = run.world.scene_at(snap["t_s"])
            est = np.reshape(np.array(snap["positions"], float), (-1, 3))
            gospas.append(gospa(est, scene.r_ecef, c=GOSPA_C_M)["value"])
            seen.update(snap["numbers"])
            for truth, number in _pairs(scene, snap["numbers"], est, held):
                ever.add(number)
                if truth in held and held[truth] != number:
                    switches += 1
                held[truth] = number
        worst_switches = max(worst_switches, switches)
        worst_false = max(worst_false, len(seen - ever))
    reports = sum(n.reports_processed for n in run.nodes.values())
    return {
        "gospa_mean": round(float(np.mean(gospas)), 1) if gospas else None,
        "id_switches": worst_switches,
        "false_tracks": worst_false,
        "reports_processed": reports,
        "reports_per_s_wall": round(reports / run.wall_time_s, 1) if run.wall_time_s > 0 else None,
        "latency_ms": _latency(run),
    }


def _pairs(scene, numbers: list[str], est: np.ndarray, held: dict[str, str]) -> list[tuple[str, str]]:
    """One-to-one (truth id, track number) pairs within the gate; ties keep the previous pairing."""
    if not numbers or not scene.object_ids:
        return []
    cost = np.linalg.norm(scene.r_ecef[:, None, :] - est[None, :, :], axis=2)
    for i, tid in enumerate(scene.object_ids):
        if tid in held and held[tid] in numbers:
            cost[i, numbers.index(held[tid])] -= TIE_M
    rows, cols = linear_sum_assignment(np.minimum(cost, GOSPA_C_M * 10))
    return [(scene.object_ids[i], numbers[j]) for i, j in zip(rows, cols, strict=True) if cost[i, j] <= GOSPA_C_M]


def _latency(run) -> dict:
    delivered: dict[tuple, list[int]] = defaultdict(list)
    for e in run.events.of_type("warning-delivered"):
        if e["node"] != e["issuer"]:
            delivered[(e["issuer"], e["warning_id"], e["revision"])].append(e["wall_ns"])
    lat = []
    for e in run.events.of_type("warning-issued"):
        got = delivered.get((e["node"], e["warning_id"], e["revision"]))
        cause = e.get("cause_wall_ns", 0)
        if got and cause:
            lat.append((max(got) - cause) / 1e6)
    if not lat:
        return {"p50": None, "p99": None}
    return {"p50": round(float(np.percentile(lat, 50)), 2), "p99": round(float(np.percentile(lat, 99)), 2)}


def warning_scores(run, alert_launch: dict, per_launch: list[dict]) -> dict:
    truly = {pl["id"]: set(pl["threatened_areas"]) for pl in per_launch}
    named_by_alert: dict[tuple, set[str]] = defaultdict(set)
    named_to_nation: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for e in run.events.of_type("warning-delivered"):
        if e["kind"] in ("withdrawal", "all-clear", "impact"):
            continue
        launch = alert_launch.get((e["issuer"], e["warning_id"]))
        # One alert per warning id, whoever issued each revision (a stand-in carries an owner's warning).
        named_by_alert[(e["warning_id"], launch)] |= set(e["areas"])
        for area in e["areas"]:
            named_to_nation[e["node"]].add((launch, area))
    false = sum(1 for (_, launch), areas in named_by_alert.items() if areas - truly.get(launch, set()))
    missed = 0
    for launch_id, areas in truly.items():
        for area in areas:
            nation = area.split("-", 1)[0]
            if (launch_id, area) not in named_to_nation.get(nation, set()):
                missed += 1
    return {"false_warnings": false, "missed_warnings": missed}
