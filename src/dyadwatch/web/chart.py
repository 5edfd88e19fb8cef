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


@dataclass(frozen=True)
class _Scale:
    """Where counts, Goldstein scores and periods fall in the box."""

    box: Box
    n: int
    step: int
    ytop: int

    @property
    def band(self) -> float:
        return self.box.plot_w / self.n

    @property
    def bar_w(self) -> float:
        return min(56.0, max(1.0, self.band * 0.78))

    def y(self, count: float) -> float:
        return self.box.top + self.box.plot_h * (1 - count / self.ytop)

    def gy(self, score: float) -> float:  # Goldstein axis, -10 .. +10
        return self.box.top + self.box.plot_h * (1 - (score + 10) / 20)

    def centre(self, i: int) -> float:
        return self.box.left + i * self.band + self.band / 2


def series_svg(points: Sequence[dict], freq: str = "month",
               link: Callable[[dt.date, dt.date], str] | None = None,
               box: Box = Box()) -> Markup:
    """SVG for series points as returned by the API (`period`, `n_events`,
    `quad` counts, `goldstein_mean`). `link(start, end)` gives the URL a bar
    opens (the events of that period)."""
    if not points:
        return Markup('<p class="empty">No dated events in this range.</p>')
    ymax = max(p["n_events"] for p in points) or 1
    step = nice_step(ymax)
    sc = _Scale(box, len(points), step, step * math.ceil(ymax / step))
    out = [f'<svg class="chart" viewBox="0 0 {box.width} {box.height}" role="img" '
           f'aria-label="Events per {freq} by QuadClass, with mean Goldstein score" '
           f'xmlns="http://www.w3.org/2000/svg">']
    out += _axes(sc)
    every = max(1, math.ceil(sc.n / 12))
    for i, p in enumerate(points):
        out.append(_bar(sc, i, p, freq, link))
        if i % every == 0:
            out.append(f'<text class="tick" x="{sc.centre(i):.1f}" '
                       f'y="{box.height - box.bottom + 16}" text-anchor="middle">'
                       f'{escape(period_label(p["period"], freq))}</text>')
    out += _goldstein_line(sc, points)
    out.append(f'<line class="axis" x1="{box.left}" x2="{box.width - box.right}" '
               f'y1="{sc.y(0):.1f}" y2="{sc.y(0):.1f}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def _axes(sc: _Scale) -> list[str]:
    """Grid and count ticks on the left, Goldstein ticks on the right, titles."""
    box, right = sc.box, sc.box.width - sc.box.right
    mid = box.top + box.plot_h / 2
    out = []
    for v in range(0, sc.ytop + 1, sc.step):
        yy = sc.y(v)
        out.append(f'<line class="grid" x1="{box.left}" x2="{right}" '
                   f'y1="{yy:.1f}" y2="{yy:.1f}"/>')
        out.append(f'<text class="tick" x="{box.left - 6}" y="{yy + 4:.1f}" '
                   f'text-anchor="end">{v}</text>')
    for g in (-10, -5, 0, 5, 10):
        out.append(f'<text class="tick gold" x="{right + 6}" y="{sc.gy(g) + 4:.1f}">'
                   f'{f"{g:+d}" if g else "0"}</text>')
    out.append(f'<line class="zero" x1="{box.left}" x2="{right}" y1="{sc.gy(0):.1f}" '
               f'y2="{sc.gy(0):.1f}"/>')
    out.append(f'<text class="axis-title" x="{box.left - 34}" y="{mid}" '
               f'transform="rotate(-90 {box.left - 34} {mid})" '
               f'text-anchor="middle">events</text>')
    out.append(f'<text class="axis-title gold" x="{right + 40}" y="{mid}" '
               f'transform="rotate(90 {right + 40} {mid})" '
               f'text-anchor="middle">Goldstein mean</text>')
    return out


def _bar(sc: _Scale, i: int, p: dict, freq: str,
         link: Callable[[dt.date, dt.date], str] | None) -> str:
    """One period's stacked bar with its tooltip, linked to its events."""
    x = sc.box.left + i * sc.band + (sc.band - sc.bar_w) / 2
    label = period_label(p["period"], freq)
    parts = [f"{label}: {p['n_events']} event{'s' if p['n_events'] != 1 else ''}"]
    parts += [f"{name.lower()} {p['quad'][key]}" for key, name, _ in QUADS if p['quad'][key]]
    if p.get("goldstein_mean") is not None:
        parts.append(f"Goldstein mean {p['goldstein_mean']:+.1f}")
    rects = []
    base = 0
    for key, _, colour in QUADS:
        count = p["quad"][key]
        if not count:
            continue
        y1, y0 = sc.y(base + count), sc.y(base)
        rects.append(f'<rect class="bar {key}" x="{x:.1f}" y="{y1:.1f}" '
                     f'width="{sc.bar_w:.1f}" height="{max(0.5, y0 - y1):.1f}" '
                     f'fill="{colour}"/>')
        base += count
    hit = (f'<rect class="hit" x="{sc.box.left + i * sc.band:.1f}" y="{sc.box.top}" '
           f'width="{sc.band:.1f}" height="{sc.box.plot_h}"/>')
    group = (f'<g class="period"><title>{escape(" · ".join(parts))}</title>{hit}'
             f'{"".join(rects)}</g>')
    if link and p["n_events"]:
        href = escape(link(p["period"], period_end(p["period"], freq)))
        group = f'<a href="{href}">{group}</a>'
    return group


def _goldstein_line(sc: _Scale, points: Sequence[dict]) -> list[str]:
    """Dots, and segments through consecutive periods that have a mean."""
    out, path, pen = [], [], "M"
    for i, p in enumerate(points):
        g = p.get("goldstein_mean")
        if g is None:
            pen = "M"
            continue
        path.append(f"{pen}{sc.centre(i):.1f},{sc.gy(g):.1f}")
        pen = "L"
        out.append(f'<circle class="gold-dot" cx="{sc.centre(i):.1f}" cy="{sc.gy(g):.1f}" '
                   f'r="2.5" fill="{GOLDSTEIN_COLOUR}"/>')
    if path:
        out.append(f'<path class="gold-line" d="{" ".join(path)}" fill="none" '
                   f'stroke="{GOLDSTEIN_COLOUR}" stroke-width="1.8"/>')
    return out


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
