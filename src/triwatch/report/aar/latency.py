"""How fast warnings reached each nation: scenario-time figures from the summary and the events.

- Per launch (summary): `launch_alert_s` and `first_warning_s` per nation, seconds after launch.
- Per nation (events): the scenario-time delay from a warning revision being issued at one
  node to its delivery at another, matched on (issuer, warning_id, revision).
- Wall clock (summary metrics): `latency_ms` p50/p99 from a report entering a node to the
  warning it causes being delivered at every partner.
"""

from __future__ import annotations

import numpy as np

from triwatch.report.aar.benchmarks import J_ALERT, REACH_JAPAN_S
from triwatch.report.aar.figures import nation_colour, new_figure, plain, to_data_uri


def delivery_delays(events: list[dict], nations: list[str]) -> list[dict[str, str]]:
    """Per receiving nation: partner warning revisions delivered, median and worst sim-time delay (s)."""
    issued = {
        (e["node"], e.get("warning_id"), e.get("revision")): float(e["t_s"])
        for e in events
        if e["type"] == "warning-issued"
    }
    rows = []
    for n in nations:
        delays = [
            float(e["t_s"]) - issued[key]
            for e in events
            if e["type"] == "warning-delivered" and e["node"] == n and e.get("issuer") != n
            for key in [(e.get("issuer"), e.get("warning_id"), e.get("revision"))]
            if key in issued
        ]
        own = sum(1 for e in events if e["type"] == "warning-delivered" and e["node"] == n and e.get("issuer") == n)
        rows.append(
            {
                "nation": n,
                "own": str(own),
                "partner": str(len(delays)),
                "median": f"{np.median(delays):.1f}" if delays else "—",
                "worst": f"{np.max(delays):.1f}" if delays else "—",
            }
        )
    return rows


def _seconds(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def latency_figure(launches: list[dict], nations: list[str]) -> str | None:
    """Bars per launch and nation: launch alert and first area warning (s after launch), with the
    public J-Alert timings as reference lines. None when no launch has any of these figures."""
    rows = []
    for launch in launches:
        est = launch.get("estimate") or {}
        la, fw = est.get("launch_alert_s") or {}, est.get("first_warning_s") or {}
        rows.append((str(launch["id"]), [_seconds(la.get(n)) for n in nations], [_seconds(fw.get(n)) for n in nations]))
    if not any(v is not None for _, a, w in rows for v in a + w):
        return None
    # Tall enough for the rotated benchmark labels even with one launch and few nations.
    fig = new_figure(10, max(3.6, 1.8 + 0.45 * len(rows) * max(1, len(nations))))
    ax = fig.subplots()
    h = 0.8 / max(1, len(nations))
    labels, ticks = [], []
    for i, (lid, alerts, warns) in enumerate(rows):
        for j, n in enumerate(nations):
            y = i + j * h
            c = nation_colour(n, nations)
            if alerts[j] is not None:
                ax.barh(y, alerts[j], height=h * 0.45, color=c, alpha=0.45)
            if warns[j] is not None:
                ax.barh(y + h * 0.45, warns[j], height=h * 0.45, color=c)
            ticks.append(y + h * 0.22)
            labels.append(plain(f"{lid} {n}"))
    for b in J_ALERT:
        ax.axvline(b.seconds_after_launch, color="#555", ls=":", lw=1)
    ax.axvline(REACH_JAPAN_S, color="#c0392b", ls="--", lw=1)
    # The references are named on a top axis, clear of the bars.
    top = ax.secondary_xaxis("top")
    marks = [b.seconds_after_launch for b in J_ALERT] + [REACH_JAPAN_S]
    names = [f"J-Alert {b.short}" for b in J_ALERT] + ["reaches Japan (~10 min)"]
    top.set_xticks(marks, names, rotation=35, ha="left", fontsize=7)
    ax.set_yticks(ticks, labels, fontsize=8)
    ax.set_xlim(0, max(REACH_JAPAN_S, *(v for _, a, w in rows for v in a + w if v is not None)) * 1.05)
    ax.invert_yaxis()
    ax.set_xlabel("seconds after launch (pale: launch alert delivered; solid: first warning naming an area)")
    ax.grid(axis="x", alpha=0.3)
    return to_data_uri(fig)
