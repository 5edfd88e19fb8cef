"""Listings that fit the terminal: one line per row, never a word cut.

A rich table squeezes every column to fit, so at 80 columns a date folds
into "2014-0/1-17" and a sentence into six-letter slivers. Here each
listing declares its columns: short ones keep their full width, one
"flex" column (the sentence) takes what is left and is cut at a word
boundary with an ellipsis, and optional columns are dropped, least
important first, when the flex column would get too narrow. `wide=True`
shows every column in full (lines may then run past the terminal, as
`ps -ww` does). Rows stay one line each, so `grep` and `cut` work on them.

Series (`dyad`, `actor` per period) print only periods with events unless
asked for all, with labels a reader scans ("2017-03", "2017-W09").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ELLIPSIS = "…"
GAP = "  "
#: Narrowest the flex column may get before optional columns are dropped.
MIN_FLEX = 24


@dataclass(frozen=True)
class Col:
    """One column of a listing. `key` is the row field (or a function of the
    row); `keep` orders dropping: lower numbers go first, 0 never goes."""

    header: str
    key: Any
    flex: bool = False
    keep: int = 0
    cap: int | None = None  # widest this column gets (cut at a word)
    right: bool = False


def cell(value: Any) -> str:
    """A value as one line of text: dates as ISO days, floats with 2
    decimals, missing as "", whitespace runs (newlines) as one space."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    text = str(value)
    return "" if text == "NaT" else " ".join(text.split())


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut at a word boundary with an
    ellipsis; a first word longer than the width gives the ellipsis alone."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    head = text[: width - 1]
    if text[width - 1] != " ":
        space = head.rfind(" ")
        head = head[:space] if space >= 0 else ""
    return head.rstrip(" ,;:") + ELLIPSIS


def _value(col: Col, row: Mapping[str, Any]) -> str:
    return cell(col.key(row) if callable(col.key) else row.get(col.key))


@dataclass(frozen=True)
class Fitted:
    """A listing laid out for one width: the columns kept, their widths and
    each row's cells as shown (cut where needed)."""

    cols: tuple[Col, ...]
    widths: tuple[int, ...]
    cells: tuple[tuple[str, ...], ...]

    def lines(self, header: bool = True) -> list[str]:
        heads = [tuple(c.header for c in self.cols)] if header else []
        return [_line(list(values), self.cols, self.widths) for values in heads + list(self.cells)]


def fit(rows: Iterable[Mapping[str, Any]], cols: Sequence[Col], width: int | None) -> Fitted:
    """Lay `rows` out in at most `width` characters per line (None: no limit)."""
    table = [[_value(c, r) for c in cols] for r in rows]
    # A column with nothing in it (no distances without --near) only takes room.
    active = [i for i, c in enumerate(cols) if c.flex or any(values[i] for values in table)]
    while True:
        widths = _widths(table, cols, active, width)
        if widths is not None or not _droppable(cols, active):
            break
        active.remove(_droppable(cols, active)[0])
    if widths is None:  # every optional column gone and still too wide: cut only flex
        widths = _widths(table, cols, active, width, min_flex=1)
    if widths is None:  # nothing left to cut: lines run long rather than cut a word
        widths = _widths(table, cols, active, None)
    return Fitted(tuple(cols[i] for i in active), tuple(widths[i] for i in active),
                  tuple(tuple(cut(values[i], widths[i]) for i in active) for values in table))


def fit_lines(rows: Iterable[Mapping[str, Any]], cols: Sequence[Col], width: int | None,
              *, header: bool = True) -> list[str]:
    """Rows as aligned lines no longer than `width` (None: no limit)."""
    return fit(rows, cols, width).lines(header)


def _droppable(cols: Sequence[Col], active: list[int]) -> list[int]:
    return sorted((i for i in active if cols[i].keep > 0), key=lambda i: (cols[i].keep, -i))


def _widths(table: list[list[str]], cols: Sequence[Col], active: list[int],
            width: int | None, min_flex: int = MIN_FLEX) -> dict[int, int] | None:
    """Column widths for `active`, or None when the flex column gets fewer
    than `min_flex` characters."""
    natural = {i: max([len(cols[i].header)] + [len(r[i]) for r in table]) for i in active}
    widths = {i: min(w, cols[i].cap) if cols[i].cap and width is not None else w
              for i, w in natural.items()}
    flex = [i for i in active if cols[i].flex]
    if width is None:
        return widths
    fixed = sum(w for i, w in widths.items() if i not in flex) + len(GAP) * (len(active) - 1)
    if not flex:
        return widths if fixed <= width else None
    room = width - fixed
    if room < min_flex * len(flex):
        return None
    for i in flex:
        widths[i] = min(natural[i], room // len(flex))
    return widths


def _line(values: Sequence[str], cols: Sequence[Col], widths: Sequence[int]) -> str:
    out = []
    for n, (v, c, w) in enumerate(zip(values, cols, widths)):
        v = cut(v, w)
        last = n == len(values) - 1
        out.append(v.rjust(w) if c.right else (v if last else v.ljust(w)))
    return GAP.join(out).rstrip()


# -- the listings ----------------------------------------------------------------

def _arrow(src: str, tgt: str):
    return lambda r: f"{cell(r.get(src)) or '?'}→{cell(r.get(tgt)) or '?'}"


def _place(row: Mapping[str, Any]) -> Any:
    """The place name of a located event ("unknown" when there is no point)."""
    return row.get("geo_name") if cell(row.get("lat")) else None


LISTINGS: dict[str, tuple[Col, ...]] = {
    "events": (Col("date", "date"), Col("dyad", _arrow("source", "target")),
               Col("type", "plover"), Col("trigger", "trigger", cap=16),
               Col("place", _place, keep=1, cap=14), Col("km", "distance_km", keep=4,
                                                             right=True),
               Col("id", "id", keep=2), Col("sentence", "sentence", flex=True)),
    "timeline": (Col("date", "date"), Col("dyad", _arrow("source", "target")),
                 Col("type", "plover"), Col("stories", "n_stories", keep=1, right=True),
                 Col("outlet", "outlet", keep=2, cap=16), Col("event", "event_id", keep=1),
                 Col("sentence", "sentence", flex=True)),
    "quotes": (Col("date", "date"), Col("speaker", "speaker"),
               Col("name", "speaker_name", keep=2, cap=20), Col("outlet", "outlet", keep=1,
                                                                cap=16),
               Col("quote", "text", flex=True)),
    "actors": (Col("code", "code"), Col("events", "n_events", right=True),
               Col("as source", "n_as_source", keep=1, right=True),
               Col("as target", "n_as_target", keep=1, right=True),
               Col("label", "label", flex=True)),
    "alerts": (Col("dyad", "dyad"), Col("z", "z", right=True),
               Col("events", "n_events", right=True), Col("from", "window_start"),
               Col("to", "window_end"), Col("baseline", "baseline", keep=2, cap=30),
               Col("events (ids)", "event_ids", flex=True, keep=1)),
    "network": (Col("source", "source"), Col("target", "target"),
                Col("events", "n_events", right=True),
                Col("goldstein", "goldstein_mean", right=True, keep=1),
                Col("conflict", "conflict_share", right=True, keep=2)),
}


# -- series ----------------------------------------------------------------------

def period_label(day: Any, freq: str) -> str:
    """The period starting on `day` as a reader names it: 2017-03 (month),
    2017-W09 (ISO week), 2017-03-04 (day)."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date):
        day = dt.date.fromisoformat(str(day)[:10])
    if freq == "month":
        return f"{day:%Y-%m}"
    if freq == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def series_rows(rows: Iterable[Mapping[str, Any]], freq: str, *, all_periods: bool = False,
                count: str = "n_events") -> list[dict[str, Any]]:
    """Series rows with a readable `period` and, unless `all_periods`, only
    the periods that have events."""
    out = []
    for r in rows:
        if not all_periods and not r.get(count):
            continue
        out.append({**r, "period": period_label(r.get("period"), freq)})
    return out


def series_columns(rows: Sequence[Mapping[str, Any]], counts: Sequence[str]) -> tuple[Col, ...]:
    """Columns for a series: the period, the total, then the counts that are
    non-zero somewhere, then Goldstein mean and conflict share if present."""
    cols = [Col("period", "period"), Col("events", "n_events", right=True)]
    cols += [Col(c.lower().replace("_", " "), c, right=True, keep=1) for c in counts
             if any(r.get(c) for r in rows)]
    present = set(rows[0]) if rows else set()
    if "goldstein_mean" in present:
        cols.append(Col("goldstein", "goldstein_mean", right=True, keep=2))
    if "conflict_share" in present:
        cols.append(Col("conflict", "conflict_share", right=True, keep=2))
    return tuple(cols)


# -- printing ----------------------------------------------------------------------

def terminal_width() -> int:
    """The terminal's width (COLUMNS when set; 80 when not a terminal), as
    rich's Console gives it, worked out without importing rich (a listing
    is plain lines). Where rich has rules of its own (Windows, Jupyter,
    IDLE) rich is asked."""
    import builtins
    import os
    import sys

    if (sys.platform == "win32" or hasattr(builtins, "get_ipython")
            or getattr(sys.stdin, "__module__", "").startswith("idlelib")):
        from .printing import console

        return console().width
    env = os.environ
    columns = env.get("COLUMNS")
    columns = int(columns) if columns is not None and columns.isdigit() else None
    lines = env.get("LINES")
    if columns is not None and lines is not None and lines.isdigit():
        return columns
    if env.get("TERM", "").lower() in ("dumb", "unknown") and _stdout_is_terminal(env):
        return 80
    width = None
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd)[0]
        except (AttributeError, ValueError, OSError):
            continue
        break
    return columns if columns is not None else width or 80


def _stdout_is_terminal(env: Any) -> bool:
    """rich's `Console.is_terminal` for standard output."""
    import sys

    forced = env.get("TTY_COMPATIBLE", "")
    if forced in ("0", "1"):
        return forced == "1"
    if env.get("FORCE_COLOR") is not None:
        return env["FORCE_COLOR"] != ""
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        return False if isatty is None else isatty()
    except ValueError:
        return False


def print_fitted(rows: Sequence[Mapping[str, Any]], cols: Sequence[Col], *, wide: bool = False,
                 title: str | None = None) -> None:
    """Print rows fitted to the terminal (`wide`: every column in full)."""
    import sys

    if not rows:
        sys.stdout.write(f"{title + ': ' if title else ''}nothing to show.\n")
        return
    lines = fit_lines(rows, cols, None if wide else terminal_width())
    sys.stdout.write("\n".join(lines) + "\n")
