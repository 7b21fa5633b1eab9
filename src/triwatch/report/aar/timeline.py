"""What happened at each nation's node, over scenario time: from the events alone.

A nation's view is exactly the events whose `node` is that nation (docs/events.md):
its own sensors' detections, its own tracks, what it received, the warnings it
issued and those delivered to its command centre, its acknowledgements and
escalations. Counts are binned every `bin_s` seconds (10 s by default, the
period of the picture snapshots), so a planner sees when each node got busy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.ticker import MaxNLocator

from triwatch.report.aar.figures import mark_launches, nation_colour, new_figure, plain, to_data_uri

KIND_COLOURS = {
    "launch": "#e67e22",
    "threat": "#c0392b",
    "overflight": "#8e44ad",
    "correction": "#a04000",
    "withdrawal": "#7f8c8d",
    "impact": "#17202a",
    "all-clear": "#27ae60",
}
NOTABLE = ("warning-issued", "warning-delivered", "ack", "ack-received", "escalation", "refused-payload")


@dataclass
class NationTimeline:
    """Per-bin counts (aligned with `edges[:-1]`) and the notable events of one nation's node."""

    nation: str
    detections: np.ndarray
    tracks: np.ndarray  # distinct own track ids updated in the bin
    received_tracks: np.ndarray  # partner track messages received in the bin
    totals: dict[str, int] = field(default_factory=dict)
    notable: list[dict] = field(default_factory=list)


def bin_edges(events: list[dict], bin_s: float) -> np.ndarray:
    """Edges from 0 to the last event time, in steps of bin_s (at least one bin)."""
    t_end = max((float(e["t_s"]) for e in events), default=0.0)
    n = max(1, int(np.ceil((t_end + 1e-9) / bin_s)))
    return np.arange(n + 1) * bin_s


def nation_timelines(
    events: list[dict], nations: list[str], bin_s: float = 10.0
) -> tuple[np.ndarray, list[NationTimeline]]:
    """Bin edges and one NationTimeline per nation, in the order of `nations`."""
    edges = bin_edges(events, bin_s)
    out = []
    for nation in nations:
        mine = [e for e in events if e["node"] == nation]

        def times(kind: str, mine: list[dict] = mine) -> np.ndarray:
            return np.array([e["t_s"] for e in mine if e["type"] == kind], dtype=float)

        det, _ = np.histogram(times("detection"), edges)
        rcv, _ = np.histogram(times("track-received"), edges)
        # Distinct track ids per bin: a track updated three times in 10 s is one track held.
        pairs = {
            (int(np.searchsorted(edges, e["t_s"], side="right") - 1), e.get("track_id"))
            for e in mine
            if e["type"] == "track"
        }
        trk = np.zeros(edges.size - 1, dtype=int)
        for b, _ in pairs:
            trk[min(max(b, 0), trk.size - 1)] += 1
        totals = {
            "detections": int(det.sum()),
            "own tracks": len({e.get("track_id") for e in mine if e["type"] == "track"}),
            "partner track updates": int(rcv.sum()),
            "warnings issued": sum(1 for e in mine if e["type"] == "warning-issued"),
            "warnings delivered": sum(1 for e in mine if e["type"] == "warning-delivered"),
            "acknowledgements": sum(1 for e in mine if e["type"] == "ack"),
            "escalations": sum(1 for e in mine if e["type"] == "escalation"),
            "refused payloads": sum(1 for e in mine if e["type"] == "refused-payload"),
        }
        notable = sorted((e for e in mine if e["type"] in NOTABLE), key=lambda e: e["t_s"])
        out.append(NationTimeline(nation, det, trk, rcv, totals, notable))
    return edges, out


def describe(e: dict) -> dict[str, str]:
    """One notable event as table cells (plain strings; the template escapes them)."""
    areas = ", ".join(str(a) for a in e.get("areas") or []) or "—"
    if e.get("subregions"):  # e.g. the prefectures a warning names, as a public alert would
        areas += f" ({', '.join(str(s) for s in e['subregions'])})"
    wid = f"{e.get('warning_id', '')} rev {e.get('revision', '')}" if "warning_id" in e else "—"
    who = {
        "warning-issued": "issued here",
        "warning-delivered": f"from {e.get('issuer', '?')}",
        "ack": f"by {e.get('centre', '?')}",
        "ack-received": f"{e.get('origin', '?')} / {e.get('centre', '?')}",
        "escalation": f"{e.get('centre', '?')}: {e.get('detail', '')}",
        "refused-payload": f"from {e.get('origin', '?')} ({e.get('kind', '?')}): {e.get('reason', '')}",
    }.get(e["type"], "")
    return {
        "t": f"{float(e['t_s']):.1f}",
        "type": e["type"],
        "warning": wid,
        "kind": str(e.get("kind", "—")),
        "areas": areas,
        "who": who,
    }


def timeline_figure(
    edges: np.ndarray, lines: list[NationTimeline], nations: list[str], launch_times: dict[str, float] | None = None
) -> str | None:
    """One panel per nation: detections per bin (bars), own tracks held (line), and markers for
    warnings issued (hollow) and delivered (filled, coloured by kind), acknowledgements and
    escalations; launch times as dashed lines when known. Returns a data URI, or None when
    there is no nation to draw."""
    if not lines:
        return None
    fig = new_figure(10, 1.9 * max(1, len(lines)) + 0.6)
    axes = fig.subplots(len(lines), 1, sharex=True, squeeze=False)[:, 0]
    width = edges[1] - edges[0]
    kinds_seen: set[str] = set()
    for ax, line in zip(axes, lines, strict=True):
        colour = nation_colour(line.nation, nations)
        ax.bar(
            edges[:-1], line.detections, width=width, align="edge", color=colour, alpha=0.35, label="detections / bin"
        )
        ax.set_ylabel(plain(f"{line.nation}\ndetections"), fontsize=9)
        ax.set_ylim(0, max(1, int(line.detections.max(initial=0))) * 1.25)  # headroom for the marker strip
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax2 = ax.twinx()
        ax2.step(edges[:-1], line.tracks, where="post", color=colour, lw=1.6, label="own tracks held")
        ax2.step(
            edges[:-1],
            line.received_tracks,
            where="post",
            color="#555",
            lw=0.9,
            ls="--",
            label="partner track msgs / bin",
        )
        ax2.set_ylabel("tracks", fontsize=9)
        ax2.set_ylim(0, max(1, int(max(line.tracks.max(initial=0), line.received_tracks.max(initial=0)))) * 1.25)
        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
        trans = ax.get_xaxis_transform()  # x in data (s), y in axes fraction: a strip of markers on top
        # One plot call per marker kind, not per event: thousands of artists make matplotlib crawl.
        delivered: dict[str, list[float]] = {}
        for e in line.notable:
            if e["type"] == "warning-delivered":
                delivered.setdefault(str(e.get("kind")), []).append(float(e["t_s"]))
        issued: dict[str, list[float]] = {}
        for e in line.notable:
            if e["type"] == "warning-issued":
                issued.setdefault(str(e.get("kind")), []).append(float(e["t_s"]))
        for kind, ts in issued.items():
            kinds_seen.add(kind)
            ax.plot(
                ts,
                [0.93] * len(ts),
                "v",
                ls="none",
                transform=trans,
                mfc="none",
                mec=KIND_COLOURS.get(kind, "k"),
                ms=11,
                mew=1.2,
                clip_on=False,
            )
        for kind, ts in delivered.items():
            kinds_seen.add(kind)
            ax.plot(
                ts,
                [0.93] * len(ts),
                "v",
                ls="none",
                transform=trans,
                color=KIND_COLOURS.get(kind, "k"),
                ms=7,
                clip_on=False,
            )
        for type_, marker, colour in (("ack", "|", "#2c3e50"), ("escalation", "x", "#e74c3c")):
            ts = [float(e["t_s"]) for e in line.notable if e["type"] == type_]
            if ts:
                ax.plot(ts, [0.80] * len(ts), marker, ls="none", transform=trans, color=colour, ms=9, mew=2)
        ax.grid(axis="x", alpha=0.3)
    mark_launches(axes, launch_times or {})
    axes[-1].set_xlabel("scenario time (s)")
    axes[-1].set_xlim(edges[0], edges[-1])
    handles = [
        axes[0].plot([], [], "s", color="#888", alpha=0.4, label="detections per bin")[0],
        axes[0].plot([], [], "-", color="#333", label="own tracks held (right axis)")[0],
        axes[0].plot([], [], "--", color="#555", label="partner track messages per bin (right axis)")[0],
        axes[0].plot([], [], "|", color="#2c3e50", mew=2, label="acknowledged")[0],
        axes[0].plot([], [], "x", color="#e74c3c", mew=2, label="escalated")[0],
        axes[0].plot([], [], "v", mfc="none", mec="#333", ms=11, label="warning issued here (hollow)")[0],
    ]
    handles += [
        axes[0].plot([], [], "v", color=KIND_COLOURS.get(k, "k"), label=plain(f"warning delivered: {k}"))[0]
        for k in sorted(kinds_seen)
    ]
    fig.subplots_adjust(hspace=0.1)
    # Below the bottom panel's axis label; the tight crop on saving keeps it in the picture.
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=8, frameon=False)
    return to_data_uri(fig)
