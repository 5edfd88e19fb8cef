"""Pictures of a dyad series and of the actor network (PNG, SVG or PDF by
the file's extension).

Figures are built with matplotlib's object API (`Figure`, no pyplot), which
renders with the Agg/SVG canvases directly: no GUI backend is chosen, no
global figure state is kept, and plotting works on a headless server and in
threads of the HTTP API.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch

from ..errors import error
from ..plover import QUAD_NAMES

FORMATS = (".png", ".svg", ".pdf")
#: QuadClass colours: blues for cooperation, oranges/reds for conflict.
QUAD_COLOURS = {1: "#9ecae1", 2: "#2171b5", 3: "#fd8d3c", 4: "#a50f15"}
#: Goldstein colours for edges: dark red (-10) .. light red, grey at 0, light
#: blue .. dark blue (+10). Unlike RdBu the middle is not white, so a mildly
#: negative edge (a complaint, -2) stays visible on a white page.
GOLDSTEIN_CMAP = LinearSegmentedColormap.from_list("goldstein", [
    (0.0, "#67000d"), (0.499, "#fc9272"), (0.5, "#aaaaaa"), (0.501, "#9ecae1"),
    (1.0, "#08306b")])


def _check_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise error("E525", name=path.name)
    return path


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, dpi=130, bbox_inches="tight")
    return path


def plot_dyad(series: pd.DataFrame, path: str | Path, *, title: str | None = None) -> Path:
    """Stacked bars of event counts per QuadClass per period, with the mean
    Goldstein score as a line on a second axis (-10 conflict .. +10
    cooperation). `series` is a frame from `analysis.dyad_series`."""
    path = _check_path(path)
    fig = Figure(figsize=(10, 5.2))
    ax = fig.add_subplot()
    periods = [pd.Timestamp(p) for p in series["period"]] if len(series) else []
    width = _bar_width(periods)
    bottom = [0] * len(periods)
    for q, name in QUAD_NAMES.items():
        col = name.replace(" ", "_")
        values = list(series[col]) if len(series) else []
        ax.bar(periods, values, width=width, bottom=bottom, color=QUAD_COLOURS[q],
               label=f"{q} {name}", align="center", edgecolor="white",
               linewidth=0.4)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel("events per period")
    ax.set_ylim(0, max([*bottom, 1]) * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    gax = ax.twinx()
    gax.axhline(0, color="#888888", linewidth=0.8, linestyle=":")
    if periods:
        gax.plot(periods, list(series["goldstein_mean"]), color="black", marker="o",
                 markersize=3.5, linewidth=1.4, label="mean Goldstein (right axis)")
    gax.set_ylim(-10.5, 10.5)
    gax.set_ylabel("mean Goldstein  (−10 conflict … +10 cooperation)")
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if not periods:
        ax.text(0.5, 0.5, "no events in this period", transform=ax.transAxes,
                ha="center", va="center", color="#666666")
    handles = ax.get_legend_handles_labels()[0] + gax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.9)
    ax.set_title(title or "Events by QuadClass, with mean Goldstein")
    ax.grid(axis="y", color="#eeeeee")
    ax.set_axisbelow(True)
    return _save(fig, path)


def _bar_width(periods: list[pd.Timestamp]) -> float:
    """Bar width in days: 80% of the smallest gap between periods."""
    if len(periods) < 2:
        return 20.0
    gaps = [(b - a).days for a, b in zip(periods, periods[1:])]
    return max(min(gaps), 1) * 0.8


def plot_network(net: pd.DataFrame, path: str | Path, *, title: str | None = None,
                 max_nodes: int = 30) -> Path:
    """Actors on a circle, an arrow per directed edge: width by event count,
    colour by mean Goldstein (red conflict, blue cooperation). `net` is a
    frame from `analysis.network`. Only the `max_nodes` most active actors
    are drawn, and self-edges (domestic events) are left out: on a circle
    they would hide behind the node."""
    path = _check_path(path)
    edges = net[net["source"] != net["target"]]
    activity: dict[str, int] = {}
    for s, t, n in zip(edges["source"], edges["target"], edges["n_events"]):
        activity[s] = activity.get(s, 0) + int(n)
        activity[t] = activity.get(t, 0) + int(n)
    keep = sorted(activity, key=lambda a: (-activity[a], a))[:max_nodes]
    nodes = sorted(keep)
    edges = edges[edges["source"].isin(nodes) & edges["target"].isin(nodes)]
    pos = {a: (math.cos(math.pi / 2 - 2 * math.pi * i / len(nodes)),
               math.sin(math.pi / 2 - 2 * math.pi * i / len(nodes)))
           for i, a in enumerate(nodes)}
    fig = Figure(figsize=(8.5, 7.5))
    ax = fig.add_subplot()
    norm = Normalize(-10, 10)
    cmap = GOLDSTEIN_CMAP
    top = max([int(n) for n in edges["n_events"]] or [1])
    # node area in points^2 grows with activity; arrows stop at the rim
    size = {a: 700 + 1300 * activity[a] / max(activity.values()) for a in nodes}
    rim = {a: math.sqrt(size[a]) / 2 + 2 for a in nodes}
    for s, t, n, g in zip(edges["source"], edges["target"], edges["n_events"],
                          edges["goldstein_mean"]):
        colour = "#999999" if pd.isna(g) else cmap(norm(g))
        ax.add_patch(FancyArrowPatch(
            pos[s], pos[t], connectionstyle="arc3,rad=0.12", arrowstyle="-|>",
            mutation_scale=10 + 6 * n / top, linewidth=0.8 + 7 * n / top, color=colour,
            alpha=0.9, shrinkA=rim[s], shrinkB=rim[t], zorder=1))
    if nodes:
        ax.scatter([pos[a][0] for a in nodes], [pos[a][1] for a in nodes],
                   s=[size[a] for a in nodes], color="white", edgecolor="#333333",
                   linewidth=1.2, zorder=2)
        for a in nodes:
            ax.text(*pos[a], a, ha="center", va="center", fontsize=9, fontweight="bold",
                    zorder=3)
    else:
        ax.text(0, 0, "no interactions in this period", ha="center", va="center",
                color="#666666")
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.7,
                 label="mean Goldstein  (red conflict, blue cooperation)")
    widths = sorted({1, top // 2, top} - {0})
    ax.legend(handles=[Line2D([], [], color="#555555", linewidth=0.8 + 7 * w / top,
                              label=f"{w} event{'s' if w != 1 else ''}") for w in widths]
              + [Patch(color="white", label="arrow: source → target")],
              loc="lower left", fontsize=8, title="edge width", title_fontsize=8,
              frameon=False)
    ax.set_title(title or "Who interacts with whom")
    return _save(fig, path)


def period_label(since: dt.date | None, until: dt.date | None) -> str:
    """"2024-01-01 to 2024-06-30", "since 2024-01-01", ... for titles."""
    if since and until:
        return f"{since} to {until}"
    if since:
        return f"since {since}"
    if until:
        return f"until {until}"
    return "all dates"
