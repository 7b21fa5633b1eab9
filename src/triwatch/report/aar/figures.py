"""Figures for the report: matplotlib's object API on the Agg canvas, embedded as base64 PNG.

`matplotlib.figure.Figure` is used directly (not pyplot), so no global figure
state or interactive backend is touched and the report can be written from any
thread, headless. PNG rather than inline SVG because the track and detection
figures hold thousands of points: an SVG grows with every point, a PNG with pixels.
"""

from __future__ import annotations

import base64
import io

from matplotlib.figure import Figure

# Stable colours per nation so every figure of one report agrees.
NATION_COLOURS = {"USA": "#1f4e9c", "JPN": "#c0392b", "KOR": "#138d75", "AUS": "#d68910", "PHL": "#7d3c98"}
OTHER_COLOURS = ("#5d6d7e", "#a04000", "#1abc9c", "#884ea0", "#2e4053")
DPI = 110


def nation_colour(nation: str, nations: list[str]) -> str:
    """The colour of a nation: fixed for the known ones, then from a spare palette in list order."""
    if nation in NATION_COLOURS:
        return NATION_COLOURS[nation]
    extra = [n for n in nations if n not in NATION_COLOURS]
    i = extra.index(nation) if nation in extra else len(extra)
    return OTHER_COLOURS[i % len(OTHER_COLOURS)]


def plain(text: object) -> str:
    """A string from a file made safe for a matplotlib label: `$` would start mathtext (and a
    malformed formula raises), and a leading `_` hides a legend entry."""
    s = str(text).replace("$", r"\$")
    return " " + s if s.startswith("_") else s


def new_figure(width_in: float, height_in: float) -> Figure:
    """A figure without a layout engine: `to_data_uri` crops it to its drawn content instead.
    Constrained layout would take some 40 % of the report's time for the same look here."""
    return Figure(figsize=(width_in, height_in), dpi=DPI)


def to_data_uri(fig: Figure) -> str:
    """The figure as a `data:image/png;base64,...` URI, to sit in an <img src> with no external file."""
    buf = io.BytesIO()
    # bbox_inches="tight" grows or crops the canvas to every label, legend and tick drawn.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches="tight", pad_inches=0.08)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def mark_launches(axes, launch_times: dict[str, float]) -> None:
    """Dashed vertical lines at each launch time (from truth), named on the top panel."""
    for i, ax in enumerate(axes):
        for lid, t in launch_times.items():
            ax.axvline(t, color="#566573", ls="--", lw=0.9, zorder=0.5)
            if i == 0:
                ax.annotate(
                    plain(f"{lid} launch"),
                    (t, 1.0),
                    xycoords=ax.get_xaxis_transform(),
                    xytext=(2, 2),
                    textcoords="offset points",
                    fontsize=7,
                    color="#566573",
                )
