"""The accuracy figure and its table: errors per nation against scenario time, in km."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter, LogFormatter

from triwatch.report.aar.accuracy import GOSPA_C_M, Series
from triwatch.report.aar.figures import mark_launches, nation_colour, new_figure, plain, to_data_uri

KIND_MARKERS = {"threat": "o", "overflight": "D", "correction": "s", "impact": "^", "launch": "v"}


def accuracy_figure(
    pos: dict[str, Series],
    impact: dict[str, Series],
    gospas: dict[str, Series],
    nations: list[str],
    launch_times: dict[str, float] | None = None,
) -> str:
    """Three panels sharing the time axis: track position error, warning impact-point error, GOSPA."""
    fig = new_figure(10, 8)
    ax_pos, ax_imp, ax_g = fig.subplots(3, 1, sharex=True)
    fig.subplots_adjust(hspace=0.08)
    for n in nations:
        c = nation_colour(n, nations)
        s = pos.get(n)
        if s is not None and s.t_s.size:
            ax_pos.plot(s.t_s, np.maximum(s.value / 1e3, 1e-3), ".", ms=3, color=c, alpha=0.6, label=plain(n))
        s = impact.get(n)
        if s is not None and s.t_s.size:
            for kind in sorted(set(s.labels)):
                sel = np.array([k == kind for k in s.labels])
                ax_imp.plot(
                    s.t_s[sel],
                    s.value[sel],
                    KIND_MARKERS.get(kind, "o"),
                    ls="none",
                    ms=5,
                    color=c,
                    label=plain(f"{n} {kind}"),
                )
        s = gospas.get(n)
        if s is not None and s.t_s.size:
            ax_g.plot(s.t_s, s.value / 1e3, "-", color=c, lw=1.4, label=plain(n))
    ax_pos.set_yscale("log")
    decimal = FuncFormatter(lambda v, _: f"{v:g}")  # 0.5, 2, 10 rather than 5x10^-1
    ax_pos.yaxis.set_major_formatter(decimal)
    ax_pos.yaxis.set_minor_formatter(LogFormatter(minor_thresholds=(2, 0.5)))
    ax_pos.set_ylabel("track position\nerror (km)")
    ax_imp.set_ylabel("warning impact-point\nerror (km)")
    ax_g.set_ylabel("GOSPA of the\nallied picture (km)")
    ax_g.axhline(GOSPA_C_M / 1e3 / np.sqrt(2), color="#999", ls=":", lw=1)
    mark_launches((ax_pos, ax_imp, ax_g), launch_times or {})
    ax_g.set_xlabel("scenario time (s)")
    ax_imp.set_ylim(bottom=0)
    ax_g.set_ylim(bottom=0)
    for ax in (ax_pos, ax_imp, ax_g):
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, ncol=4, loc="upper right")
    return to_data_uri(fig)


def _fmt(v: float | None, digits: int = 1) -> str:
    return "—" if v is None or not np.isfinite(v) else f"{v:.{digits}f}"


def accuracy_rows(
    pos: dict[str, Series],
    unassoc: dict[str, int],
    impact: dict[str, Series],
    gospas: dict[str, Series],
    nations: list[str],
) -> list[dict[str, str]]:
    """Per nation: median and 95th-percentile track error, unassociated updates, first and last
    warning impact-point error and mean GOSPA (all km)."""
    rows = []
    for n in nations:
        p, i, g = pos.get(n), impact.get(n), gospas.get(n)
        has_p = p is not None and p.value.size > 0
        has_i = i is not None and i.value.size > 0
        rows.append(
            {
                "nation": n,
                "updates": str(p.value.size if p is not None else 0),
                "median": _fmt(float(np.median(p.value)) / 1e3 if has_p else None, 2),
                "p95": _fmt(float(np.percentile(p.value, 95)) / 1e3 if has_p else None, 2),
                "unassociated": str(unassoc.get(n, 0)),
                "impact_first": _fmt(float(i.value[0]) if has_i else None),
                "impact_last": _fmt(float(i.value[-1]) if has_i else None),
                "gospa": _fmt(float(np.mean(g.value)) / 1e3 if g is not None and g.value.size else None, 2),
            }
        )
    return rows
