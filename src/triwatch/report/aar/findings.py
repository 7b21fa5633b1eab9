"""Key findings: the few sentences an exercise planner reads first, each traceable to a table below.

Rules (all from the summary and the events, nothing invented):
- per launch, when each nation got its first warning naming an area, beside the flight time;
- a nation whose area the launch truly threatened but which got no area warning (a miss);
- how far the predicted impact point was off at the first area warning and at the last;
- a predicted impact area that differs from the true one;
- false and missed warnings counted by the summary;
- refusals at any node (signature, label, sequence or payload), and escalations (a warning left
  unacknowledged past its deadline).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping


def _num(v) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def findings(summary: dict, events: list[dict]) -> list[tuple[str, str]]:
    """(severity, sentence) pairs; severity is 'bad', 'note' or 'ok', for the page's colours."""
    out: list[tuple[str, str]] = []
    for launch in summary.get("launches", []):
        lid = str(launch["id"])
        est = launch.get("estimate") or {}
        truth = launch.get("truth") or {}
        fw = {n: _num(v) for n, v in (est.get("first_warning_s") or {}).items()}
        warned = sorted(((v, n) for n, v in fw.items() if v is not None))
        if warned:
            flight = _num(truth.get("flight_time_s"))
            span = f" ({flight / 60:.1f} min flight)" if flight else ""
            who = ", ".join(f"{n} at {t / 60:.1f} min" for t, n in warned)
            out.append(("ok", f"Launch {lid}{span}: warnings naming an area reached {who} after launch."))
        elif fw:
            out.append(("note", f"Launch {lid}: no nation got a warning naming an area."))
        for area in launch.get("threatened_areas") or []:
            nation = str(area).split("-", 1)[0]
            if nation in fw and fw[nation] is None:
                out.append(
                    ("bad", f"Launch {lid} truly threatened {area}, but {nation} got no warning naming an area.")
                )
        first_err, last_err = (
            _num(est.get(k)) for k in ("impact_point_error_km_at_first_warning", "impact_point_error_km_final")
        )
        if first_err is not None and last_err is not None:
            out.append(
                (
                    "note",
                    f"Launch {lid}: the predicted impact point was {first_err:,.1f} km off at the first area warning and {last_err:,.1f} km off at the last warning.",
                )
            )
        predicted, actual = est.get("predicted_impact_area"), truth.get("impact_area")
        if predicted is not None and actual is not None and predicted != actual:
            out.append(("bad", f"Launch {lid}: warnings predicted a fall in {predicted}; it came down in {actual}."))
    metrics = summary.get("metrics") or {}
    for key, what in (("false_warnings", "false warning(s)"), ("missed_warnings", "missed warning(s)")):
        v = _num(metrics.get(key))
        if v:
            out.append(("bad", f"{int(v)} {what} in the run (see the scores)."))
    for nation, block in (summary.get("nations") or {}).items():
        refused = block.get("refused") if isinstance(block, Mapping) else None
        count = _num(refused.get("count")) if isinstance(refused, Mapping) else _num(refused)
        if count:
            reasons = (
                ", ".join(sorted(str(r) for r in (refused.get("reasons") or {})))
                if isinstance(refused, Mapping)
                else ""
            )
            out.append(("bad", f"{nation} refused {int(count)} message(s){': ' + reasons if reasons else ''}."))
    escalated = Counter(str(e["node"]) for e in events if e["type"] == "escalation")
    for nation, n in sorted(escalated.items()):
        out.append(("note", f"{nation} escalated {n} warning revision(s) left unacknowledged past the deadline."))
    return out
