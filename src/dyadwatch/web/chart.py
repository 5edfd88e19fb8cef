"""The dyad chart as server-rendered SVG: counts by QuadClass stacked per
period, with the mean Goldstein score as a line on a second axis.

Rendered on the server because the dashboard must work offline with no
JavaScript build and no charting library: the SVG is plain markup, so it
prints, scales with the page, shows a tooltip per bar (<title>) and links
each bar to the events of its period.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

#: Stack order bottom-up and fill colour of each QuadClass (blue for
#: cooperation, warm for conflict, darker for material acts).
QUADS: tuple[tuple[str, str, str], ...] = (
    ("verbal_cooperation", "Verbal cooperation", "#8db9e3"),
    ("material_cooperation", "Material cooperation", "#2f6db5"),
    ("verbal_conflict", "Verbal conflict", "#f2a65a"),
    ("material_conflict", "Material conflict", "#c23b32"),
)
GOLDSTEIN_COLOUR = "#4b3a8f"


@dataclass(frozen=True)
class Box:
    width: int = 960
    height: int = 300
    left: int = 44
    right: int = 48
    top: int = 14
    bottom: int = 44

    @property
    def plot_w(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_h(self) -> float:
        return self.height - self.top - self.bottom


def nice_step(top: float, ticks: int = 5) -> int:
    """A 1/2/5 x 10^k step that puts about `ticks` grid lines under `top`."""
    raw = max(top, 1) / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for f in (1, 2, 5, 10):
        if f * mag >= raw:
            return max(1, int(f * mag))
    return max(1, int(10 * mag))


def period_label(period: dt.date, freq: str) -> str:
    if freq == "month":
        return period.strftime("%Y-%m")
    return period.isoformat()


def period_end(period: dt.date, freq: str) -> dt.date:
    """Last day of the period starting at `period`."""
    if freq == "day":
        return period
    if freq == "week":
        return period + dt.timedelta(days=6)
    nxt = dt.date(period.year + (period.month == 12), period.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def series_svg(points: Sequence[dict], freq: str = "month",
               link: Callable[[dt.date, dt.date], str] | None = None,
               box: Box = Box()) -> Markup:
    """SVG for series points as returned by the API (`period`, `n_events`,
    `quad` counts, `goldstein_mean`). `link(start, end)` gives the URL a bar
    opens (the events of that period)."""
    if not points:
        return Markup('<p class="empty">No dated events in this range.</p>')
    n = len(points)
    ymax = max(p["n_events"] for p in points) or 1
    step = nice_step(ymax)
    ytop = step * math.ceil(ymax / step)
    band = box.plot_w / n
    bar_w = min(56.0, max(1.0, band * 0.78))

    def y(count: float) -> float:
        return box.top + box.plot_h * (1 - count / ytop)

    def gy(score: float) -> float:  # Goldstein axis, -10 .. +10
        return box.top + box.plot_h * (1 - (score + 10) / 20)

    out = [f'<svg class="chart" viewBox="0 0 {box.width} {box.height}" role="img" '
           f'aria-label="Events per {freq} by QuadClass, with mean Goldstein score" '
           f'xmlns="http://www.w3.org/2000/svg">']
    # Grid and left axis (counts).
    for v in range(0, ytop + 1, step):
        yy = y(v)
        out.append(f'<line class="grid" x1="{box.left}" x2="{box.width - box.right}" '
                   f'y1="{yy:.1f}" y2="{yy:.1f}"/>')
        out.append(f'<text class="tick" x="{box.left - 6}" y="{yy + 4:.1f}" '
                   f'text-anchor="end">{v}</text>')
    # Right axis (Goldstein).
    right = box.width - box.right
    for g in (-10, -5, 0, 5, 10):
        out.append(f'<text class="tick gold" x="{right + 6}" y="{gy(g) + 4:.1f}">'
                   f'{f"{g:+d}" if g else "0"}</text>')
    out.append(f'<line class="zero" x1="{box.left}" x2="{right}" y1="{gy(0):.1f}" '
               f'y2="{gy(0):.1f}"/>')
    out.append(f'<text class="axis-title" x="{box.left - 34}" y="{box.top + box.plot_h / 2}" '
               f'transform="rotate(-90 {box.left - 34} {box.top + box.plot_h / 2})" '
               f'text-anchor="middle">events</text>')
    out.append(f'<text class="axis-title gold" x="{right + 40}" y="{box.top + box.plot_h / 2}" '
               f'transform="rotate(90 {right + 40} {box.top + box.plot_h / 2})" '
               f'text-anchor="middle">Goldstein mean</text>')
    # Bars.
    every = max(1, math.ceil(n / 12))
    for i, p in enumerate(points):
        x = box.left + i * band + (band - bar_w) / 2
        label = period_label(p["period"], freq)
        parts = [f"{label}: {p['n_events']} event{'s' if p['n_events'] != 1 else ''}"]
        parts += [f"{name.lower()} {p['quad'][key]}" for key, name, _ in QUADS if p['quad'][key]]
        if p.get("goldstein_mean") is not None:
            parts.append(f"Goldstein mean {p['goldstein_mean']:+.1f}")
        tip = escape(" · ".join(parts))
        rects = []
        base = 0
        for key, _, colour in QUADS:
            count = p["quad"][key]
            if not count:
                continue
            y1, y0 = y(base + count), y(base)
            rects.append(f'<rect class="bar {key}" x="{x:.1f}" y="{y1:.1f}" '
                         f'width="{bar_w:.1f}" height="{max(0.5, y0 - y1):.1f}" '
                         f'fill="{colour}"/>')
            base += count
        hit = (f'<rect class="hit" x="{box.left + i * band:.1f}" y="{box.top}" '
               f'width="{band:.1f}" height="{box.plot_h}"/>')
        group = f'<g class="period"><title>{tip}</title>{hit}{"".join(rects)}</g>'
        if link and p["n_events"]:
            href = escape(link(p["period"], period_end(p["period"], freq)))
            group = f'<a href="{href}">{group}</a>'
        out.append(group)
        if i % every == 0:
            cx = box.left + i * band + band / 2
            out.append(f'<text class="tick" x="{cx:.1f}" y="{box.height - box.bottom + 16}" '
                       f'text-anchor="middle">{escape(label)}</text>')
    # Goldstein line: segments through consecutive periods that have a mean.
    path, pen = [], "M"
    for i, p in enumerate(points):
        g = p.get("goldstein_mean")
        if g is None:
            pen = "M"
            continue
        cx = box.left + i * band + band / 2
        path.append(f"{pen}{cx:.1f},{gy(g):.1f}")
        pen = "L"
        out.append(f'<circle class="gold-dot" cx="{cx:.1f}" cy="{gy(g):.1f}" r="2.5" '
                   f'fill="{GOLDSTEIN_COLOUR}"/>')
    if path:
        out.append(f'<path class="gold-line" d="{" ".join(path)}" fill="none" '
                   f'stroke="{GOLDSTEIN_COLOUR}" stroke-width="1.8"/>')
    out.append(f'<line class="axis" x1="{box.left}" x2="{right}" y1="{y(0):.1f}" '
               f'y2="{y(0):.1f}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def highlight(text: str, spans: dict[str, Sequence[int] | None]) -> Markup:
    """`text` with each role's [start, end) span wrapped in <mark class="ROLE">;
    overlapping spans give a segment all their classes."""
    bounds = {0, len(text)}
    valid = {}
    for role, span in spans.items():
        if span and 0 <= span[0] < span[1] <= len(text):
            valid[role] = (span[0], span[1])
            bounds.update(span[:2])
    cuts = sorted(bounds)
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = escape(text[a:b])
        roles = [r for r, (s, e) in valid.items() if s <= a and b <= e]
        if roles:
            title = escape(" + ".join(roles))
            out.append(f'<mark class="{" ".join(roles)}" title="{title}">{piece}</mark>')
        else:
            out.append(piece)
    return Markup("".join(out))
