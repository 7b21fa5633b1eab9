"""The report's tables, as plain strings, from the run summary (INTERFACES.md, run summary).

Every value is formatted here and escaped by the template; a figure the summary
lacks shows as a dash, never as an invented number.
"""

from __future__ import annotations

from collections.abc import Mapping

from triwatch.report.aar.benchmarks import J_ALERT

DASH = "—"


def fmt(value, digits: int = 1, unit: str = "") -> str:
    """A number rounded for reading, with its unit; a dash for null or non-numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return DASH if value is None else str(value)
    return f"{value:,.{digits}f}{unit}"


def minutes(seconds) -> str:
    """'123.0 s (2.1 min)' for a time after launch; a dash when null."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return DASH
    return f"{seconds:.1f} s ({seconds / 60:.1f} min)"


def nation_order(summary: dict, events: list[dict]) -> list[str]:
    """Nations in the order the summary lists them, then any others seen in launches or events."""
    out = list(summary.get("nations", {}))
    for launch in summary.get("launches", []):
        for key in ("launch_alert_s", "first_warning_s"):
            out += [n for n in (launch.get("estimate") or {}).get(key) or {} if n not in out]
    out += [n for n in dict.fromkeys(str(e["node"]) for e in events) if n not in out]
    return out


def header(summary: dict, nations: list[str]) -> list[tuple[str, str]]:
    return [
        ("scenario", str(summary.get("scenario", DASH))),
        ("seed", str(summary.get("seed", DASH))),
        ("simulated time", minutes(summary.get("sim_time_s"))),
        ("wall-clock time", fmt(summary.get("wall_time_s"), 2, " s")),
        ("nations", ", ".join(nations) or DASH),
    ]


def metrics_rows(metrics: Mapping) -> list[tuple[str, str, str]]:
    """(name, value, what it means) for the run's scores."""
    lat = metrics.get("latency_ms") or {}
    return [
        (
            "GOSPA, mean",
            fmt(_km(metrics.get("gospa_mean")), 2, " km"),
            "allied picture vs truth (c = 10 km): 0 is perfect; 7.1 km is one missed or false object",
        ),
        (
            "identity switches",
            fmt(metrics.get("id_switches"), 0),
            "a truth object changing system track number (worst node)",
        ),
        ("false tracks", fmt(metrics.get("false_tracks"), 0), "system tracks never near any truth object (worst node)"),
        (
            "false warnings",
            fmt(metrics.get("false_warnings"), 0),
            "alerts that named an area the launch did not threaten",
        ),
        (
            "missed warnings",
            fmt(metrics.get("missed_warnings"), 0),
            "truly threatened areas whose nation never got a warning naming them",
        ),
        (
            "reports processed",
            fmt(metrics.get("reports_processed"), 0),
            "sensor reports that entered the national nodes",
        ),
        ("reports per wall second", fmt(metrics.get("reports_per_s_wall"), 1), "throughput of the whole run"),
        (
            "warning latency p50",
            fmt(lat.get("p50"), 2, " ms"),
            "wall clock, report entering a node to warning delivered at every partner",
        ),
        ("warning latency p99", fmt(lat.get("p99"), 2, " ms"), "same, 99th percentile"),
    ]


def _km(gospa_m):
    # The summary keeps GOSPA in metres (SI inside); the report reads in km.
    return gospa_m / 1e3 if isinstance(gospa_m, int | float) and not isinstance(gospa_m, bool) else gospa_m


def launch_section(launch: Mapping, nations: list[str]) -> dict:
    """Truth against estimate for one launch, the per-nation timings and a sentence of context."""
    t, e = launch.get("truth") or {}, launch.get("estimate") or {}
    truth_rows = [
        ("launch point", f"{fmt(t.get('launch_lat'), 2)}° N, {fmt(t.get('launch_lon'), 2)}° E"),
        ("impact point", f"{fmt(t.get('impact_lat'), 2)}° N, {fmt(t.get('impact_lon'), 2)}° E"),
        ("apogee", fmt(t.get("apogee_km"), 0, " km")),
        ("ground range", fmt(t.get("range_km"), 0, " km")),
        ("flight time", minutes(t.get("flight_time_s"))),
        ("impact area", str(t.get("impact_area", DASH))),
        ("areas truly threatened", ", ".join(map(str, launch.get("threatened_areas") or [])) or "none"),
    ]
    predicted, actual = e.get("predicted_impact_area"), t.get("impact_area")
    estimate_rows = [
        ("first detection (any sensor)", minutes(e.get("detected_s"))),
        ("launch-point error", fmt(e.get("launch_point_error_km"), 1, " km")),
        ("impact-point error at first warning", fmt(e.get("impact_point_error_km_at_first_warning"), 1, " km")),
        ("impact-point error, final", fmt(e.get("impact_point_error_km_final"), 1, " km")),
        ("apogee error", fmt(e.get("apogee_error_km"), 1, " km")),
        ("predicted impact area", str(predicted) if predicted is not None else DASH),
    ]
    la, fw = e.get("launch_alert_s") or {}, e.get("first_warning_s") or {}
    per_nation = [
        {
            "nation": n,
            "launch_alert": minutes(la.get(n)),
            "first_warning": minutes(fw.get(n)),
            "warned": fw.get(n) is not None,
        }
        for n in nations
    ]
    return {
        "id": str(launch["id"]),
        "truth": truth_rows,
        "estimate": estimate_rows,
        "area_mismatch": predicted is not None and actual is not None and predicted != actual,
        "per_nation": per_nation,
        "context": context_sentence(fw, la),
    }


def context_sentence(first_warning: Mapping, launch_alert: Mapping) -> str:
    """Place the run's Japanese timings beside J-Alert's public ones."""
    bench = "; ".join(f"{b.label}: {b.note}" for b in J_ALERT)
    jpn_w, jpn_a = first_warning.get("JPN"), launch_alert.get("JPN")
    if isinstance(jpn_w, int | float):
        lead = f"Japan's command centre got its first warning naming an area {jpn_w / 60:.1f} min after launch"
    elif isinstance(jpn_a, int | float):
        lead = (
            f"Japan's command centre got a launch alert {jpn_a / 60:.1f} min after launch but no warning naming an area"
        )
    else:
        lead = "No warning about this launch reached Japan's command centre in this run"
    return f"{lead}. For context, public warnings to residents (J-Alert) came — {bench}."


def nations_rows(summary: dict, nations: list[str]) -> list[dict]:
    """Per nation: received counts per origin and kind, sent and withheld per kind, refusals with reasons."""
    out = []
    for n in nations:
        block = summary.get("nations", {}).get(n) or {}
        received = [
            (str(origin), ", ".join(f"{k}: {fmt(v, 0)}" for k, v in (kinds or {}).items()) or DASH)
            for origin, kinds in (block.get("received") or {}).items()
        ]
        refused = block.get("refused") or {}
        count = refused.get("count", 0) if isinstance(refused, Mapping) else refused
        reasons = (
            sorted(((str(r), fmt(c, 0)) for r, c in (refused.get("reasons") or {}).items()), key=lambda rc: rc[0])
            if isinstance(refused, Mapping)
            else []
        )
        out.append(
            {
                "nation": n,
                "received": received,
                "sent": ", ".join(f"{k}: {fmt(v, 0)}" for k, v in (block.get("sent") or {}).items()) or DASH,
                "withheld": ", ".join(f"{k}: {fmt(v, 0)}" for k, v in (block.get("withheld") or {}).items()) or DASH,
                "refused_count": fmt(count, 0),
                "refused": bool(count),
                "reasons": reasons,
                "listed": n in summary.get("nations", {}),
            }
        )
    return out
