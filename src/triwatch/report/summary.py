"""The run summary of INTERFACES.md: truth, estimates and scores per launch, metrics, and what
each nation received and refused. The only place estimates meet truth.

Times in the summary are scenario seconds after the launch. A figure that cannot
be computed from what the run produced is null, never invented.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from geographiclib.geodesic import Geodesic

from triwatch.exercise.run import ExerciseRun
from triwatch.geo.areas import area_at
from triwatch.report.association import launch_of, nearest_truth
from triwatch.report.scores import picture_metrics, warning_scores
from triwatch.report.truth_facts import threatened_areas, truth_of_launch

AREA_NAMING = {"threat", "overflight", "correction"}


def ground_error_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance on WGS84, km."""
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"] / 1e3


def _issued_objects(run: ExerciseRun) -> dict[tuple, str | None]:
    """Truth object id ('LAUNCH/OBJECT') of each alert revision, by the fused state it was issued
    from: keyed (issuer, warning_id, revision), and (issuer, warning_id) for the first revision."""
    out: dict[tuple, str | None] = {}
    for e in run.events.of_type("warning-issued"):
        if "x" not in e:
            continue
        obj = nearest_truth(run.world, e["time_s"], e["x"])
        out.setdefault((e["node"], e["warning_id"], e["revision"]), obj)
        out.setdefault((e["node"], e["warning_id"]), obj)
    return out


def _issued_launch(run: ExerciseRun) -> dict[tuple[str, str], str | None]:
    """(issuer, warning_id) -> launch id, associating each alert by its fused state when first issued."""
    return {key: launch_of(obj) for key, obj in _issued_objects(run).items() if len(key) == 2}


def _about_payload(mine: list[dict], alert_object: dict, payload_id: str) -> list[dict]:
    """The alerts about the launch's payload when any carries an impact, else all of the launch's alerts.

    Impact scores are about where the warhead lands: a spent stage's alert is right about the
    stage, and scoring it against the payload's impact point would call it an error. Each revision
    is judged by the state it was issued from, since an alert begun on a stage-and-warhead blur
    may follow the warhead once they part.
    """
    payload = [e for e in mine if alert_object.get((e["issuer"], e["warning_id"], e["revision"])) == payload_id]
    # One alert per launch carries one object's state per revision; when the system track it
    # carries ended up on a stage (the picture's tracks can swap objects), no revision issued from
    # the payload's state may hold an impact: then the launch's revisions are scored.
    return payload if any(e["impact"] for e in payload) else mine


def build_summary(run: ExerciseRun) -> dict:
    sc = run.scenario
    protected = set(sc.nations)
    alert_object = _issued_objects(run)
    alert_launch = {key: launch_of(obj) for key, obj in alert_object.items() if len(key) == 2}
    delivered = run.events.of_type("warning-delivered")
    per_launch = []
    for launch in sc.launches:
        t0 = launch.time_s
        truth = truth_of_launch(run.world, launch.id)
        mine = [e for e in delivered if alert_launch.get((e["issuer"], e["warning_id"])) == launch.id]
        first_obs = [o.time_s for o in run.observations if launch_of(o.truth_id) == launch.id]
        launch_alert = {n: None for n in sc.nations}
        first_warning = {n: None for n in sc.nations}
        for e in mine:
            n = e["node"]
            if launch_alert[n] is None:
                launch_alert[n] = round(e["t_s"] - t0, 1)
            if first_warning[n] is None and e["kind"] in AREA_NAMING and e["areas"]:
                first_warning[n] = round(e["t_s"] - t0, 1)
        payload_id = f"{launch.id}/{run.world.flights[launch.id].objects[0].object_id}"
        scored = _about_payload(mine, alert_object, payload_id)
        named = [e for e in scored if e["kind"] in AREA_NAMING and e["areas"] and e["impact"]]
        with_impact = [e for e in scored if e["impact"]]
        err_first = err_final = None
        predicted_area = None
        if named:
            lat, lon = named[0]["impact"]
            err_first = round(ground_error_km(lat, lon, truth["impact_lat"], truth["impact_lon"]), 1)
        if with_impact:
            lat, lon = with_impact[-1]["impact"]
            err_final = round(ground_error_km(lat, lon, truth["impact_lat"], truth["impact_lon"]), 1)
            predicted_area = str(area_at(np.radians(lat), np.radians(lon)))
        per_launch.append(
            {
                "id": launch.id,
                "truth": truth,
                "estimate": {
                    "launch_point_error_km": _launch_point_error(run, alert_launch, launch.id, truth),
                    "impact_point_error_km_at_first_warning": err_first,
                    "impact_point_error_km_final": err_final,
                    "apogee_error_km": _apogee_error(run, launch.id, truth),
                    "detected_s": round(min(first_obs) - t0, 1) if first_obs else None,
                    "launch_alert_s": launch_alert,
                    "first_warning_s": first_warning,
                    "predicted_impact_area": predicted_area,
                },
                "threatened_areas": sorted(threatened_areas(run.world, launch.id, protected)),
            }
        )
    metrics = picture_metrics(run)
    metrics.update(warning_scores(run, alert_launch, per_launch))
    return {
        "scenario": sc.name,
        "seed": sc.seed,
        "wall_time_s": round(run.wall_time_s, 2),
        "sim_time_s": run.sim_time_s,
        "launches": per_launch,
        "metrics": metrics,
        "nations": _nations(run),
    }


def _launch_point_error(run: ExerciseRun, alert_launch: dict, launch_id: str, truth: dict) -> float | None:
    """Error of the most certain launch-point estimate (smallest covariance trace) that warnings about
    this launch carried: the one a watch officer would act on, not a late fragment's guess."""
    points = [
        w.launch
        for node in run.nodes.values()
        for w in node.delivered_warnings
        if w.launch is not None and alert_launch.get((w.issuer, w.warning_id)) == launch_id
    ]
    if not points:
        return None
    best = min(points, key=lambda p: float(np.trace(np.asarray(p.cov_en_m2, float))))
    return round(ground_error_km(best.lat_deg, best.lon_deg, truth["launch_lat"], truth["launch_lon"]), 2)


def _apogee_error(run: ExerciseRun, launch_id: str, truth: dict) -> float | None:
    """Error of the last apogee estimate of a national track associated with this launch's payload."""
    last = None
    for e in run.events.of_type("track"):
        if e.get("apogee_m") is None:
            continue
        if nearest_truth(run.world, e["t_s"], e["x"]) == f"{launch_id}/RV":
            last = e["apogee_m"]
    return None if last is None else round(abs(last / 1e3 - truth["apogee_km"]), 1)


def _nations(run: ExerciseRun) -> dict:
    out = {}
    for nation, node in run.nodes.items():
        stats = node.fabric_stats()
        received = defaultdict(dict)
        for origin, kinds in stats.get("received", {}).items():
            received[origin] = dict(kinds)
        out[nation] = {
            "received": dict(received),
            "refused": stats.get("refused", {"count": 0, "reasons": {}}),
            "sent": stats.get("sent", {}),
            "withheld": stats.get("withheld", {}),
        }
    return out
