"""The read commands that start without typer: `events`, `dyad`, `alerts`
and `stats`, and what every read command shares (the read-only cursor,
fitting a listing to the terminal or writing it in a format).

The typer commands (reads.py) and the quick start (quick.py) both call
these with the options' values, so a read prints the same whichever way it
was started. Nothing here imports typer, pandas or rich at import time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import error
from ..plover import PLOVER_TYPES
from ..store.filters import EventFilter, actor_code
from .options import Freq, Unit
from .printing import console, emit
from .remote import Client, local_or_served

if TYPE_CHECKING:  # pandas, the queries and the analysis load inside the commands that use them
    import pandas as pd


@contextmanager
def reading(db: Path) -> Iterator[Any]:
    """A read-only cursor on the database, closed afterwards (without the
    duckdb package's Python layer: reads fetch rows and frames only)."""
    from ..store.damage import guarded
    from ..store.db import Store

    with guarded(str(db)), Store.open(db, read_only=True, engine_only=True) as store:
        yield store.cursor()


def _columns(df: pd.DataFrame, fmt: Any, cols: list[str] | None = None) -> pd.DataFrame:
    """In a terminal table only the columns a reader scans, with floats
    rounded to 2 decimals; scripts get every column at full precision."""
    import pandas as pd

    if format_name(fmt) != "table":
        return df
    df = df[[c for c in cols if c in df.columns]] if cols else df.copy()
    for c in df.columns:
        if pd.api.types.is_float_dtype(df[c]):
            df[c] = df[c].round(2)
        elif df[c].dtype == object:  # sentences end with the paragraph's newlines
            df[c] = [v.strip() if isinstance(v, str) else v for v in df[c]]
    return df


def lists_as_text(df: pd.DataFrame, cols: list[str], fmt: Any, head: int = 5) -> pd.DataFrame:
    """Lists of ids shown as "a, b, c (+2)" in tables and CSV (JSON and
    Parquet keep real lists)."""
    if format_name(fmt) not in ("table", "csv"):
        return df
    df = df.copy()
    for c in cols:
        df[c] = [list_text(v, head) for v in df[c]]
    return df


def list_text(ids: list[str], head: int = 5) -> str:
    return ", ".join(ids[:head]) + (f" (+{len(ids) - head})" if len(ids) > head else "")


def _fits(fmt: Any, output: Path | None) -> bool:
    """True when a listing is printed to the terminal, fitted to its width
    (cli/fit.py). The fitted table reads plain records, so the commands
    that can fetch them as records (`queries.fetch_records`) then never
    load pandas."""
    return format_name(fmt) == "table" and output is None


def print_listing(data: pd.DataFrame | list[dict[str, Any]], listing: str, fmt: Any,
                  output: Path | None, wide: bool, *, title: str,
                  cols: list[str] | None = None, trim: bool = True) -> None:
    """Every listing ends the same way: fitted to the terminal (from records,
    or a frame's records), else the frame written by `emit` (with `_columns`
    applied unless `trim` is False)."""
    if _fits(fmt, output):
        from .fit import LISTINGS, print_fitted

        if not isinstance(data, list):
            from ..store.queries import records

            data = records(data)
        print_fitted(data, LISTINGS[listing], wide=wide, title=listing)
        return
    emit(_columns(data, fmt, cols) if trim else data, fmt, output, title=title)


def parse_pair(value: str) -> tuple[str, str]:
    """Two actors by code or name ("China-North Korea")."""
    from ..store.filters import EventFilter

    return EventFilter.parse(dyad=value).dyad


def format_name(fmt: Any) -> str:
    return getattr(fmt, "value", fmt)


def document(value: dict[str, Any], fmt: Any, render: str, *args: Any) -> None:
    """Print one nested record: JSON, or rendered for reading by the function
    `render` of render.py (which imports rich: JSON output does not load it)."""
    if format_name(fmt) == "json":
        print(json.dumps(value, ensure_ascii=False, indent=1, default=str))
    else:
        from . import render as renderings

        console().print(getattr(renderings, render)(value, *args))


def events(flt: EventFilter, db: Path, limit: int, offset: int, fmt: Any,
           output: Path | None, wide: bool) -> None:
    """`dyadwatch events`: events with their evidence sentence, oldest first."""
    from ..store import queries

    as_records = _fits(fmt, output)

    def local() -> pd.DataFrame | list[dict[str, Any]]:
        with reading(db) as con:
            if as_records:
                return queries.fetch_records(con, *queries.events_query(
                    flt, limit=limit, offset=offset))
            return queries.list_events(con, flt, limit=limit, offset=offset)

    def served(client: Client) -> pd.DataFrame:
        import pandas as pd

        df = pd.DataFrame(client.items("/api/events", flt.http_params(), limit, offset))
        return df.drop(columns=["distance_km"]) if flt.near is None and len(df) else df

    df = local_or_served(db, local, served)
    print_listing(df, "events", fmt, output, wide, title=f"{len(df)} events",
                  cols=["id", "date", "source", "target", "plover", "goldstein", "trigger",
                        "sentence", "geo_name", "distance_km"])


def dyad(a: str, b: str, db: Path, since: str | None, until: str | None, freq: Freq,
         directed: bool, unit: Unit, all_: bool, plot: Path | None, fmt: Any,
         output: Path | None, all_periods: bool, wide: bool) -> None:
    """`dyadwatch dyad`: events between A and B per period."""
    from ..analysis import dyads as analysis
    from ..store import queries

    a, b = actor_code(a, "A"), actor_code(b, "B")
    label = f"{a.upper()}{' -> ' if directed else '-'}{b.upper()}"
    options = dict(directed=directed, freq=freq.value, since=since, until=until,
                   unit=unit.value, include_nonfactual=all_)
    if _fits(fmt, output) and not plot:
        with reading(db) as con:
            rows = queries.fetch_records(con, *analysis.dyad_series_query(con, a, b, **options))
        _print_series(rows, freq.value, label, all_periods=all_periods, wide=wide)
        return
    with reading(db) as con:
        df = analysis.dyad_series(con, a, b, **options)
    if plot:
        from ..analysis.plots import plot_dyad

        plot_dyad(df, plot, title=f"{label}: {unit.value} events per {freq.value}"
                                  f"{'' if directed else ' (both directions)'}")
        console(stderr=True).print(f"wrote {plot}")
    if _fits(fmt, output):
        _print_series(queries.records(df), freq.value, label, all_periods=all_periods, wide=wide)
        return
    if format_name(fmt) == "table":  # PLOVER types that never occur only widen the table
        df = df[[c for c in df.columns if c not in PLOVER_TYPES or df[c].any()]]
    emit(_columns(df, fmt), fmt, output, title=label)


def _print_series(rows: list[dict[str, Any]], freq: str, label: str, *, all_periods: bool,
                  wide: bool) -> None:
    """A dyad's series fitted to the terminal, without the PLOVER types that
    never occur in it (they only widen the table)."""
    from .fit import print_fitted, series_columns, series_rows

    used = {t for t in PLOVER_TYPES if any(r[t] for r in rows)}
    rows = [{k: v for k, v in r.items() if k not in PLOVER_TYPES or k in used} for r in rows]
    rows = series_rows(rows, freq, all_periods=all_periods)
    print_fitted(rows, series_columns(rows, PLOVER_TYPES), wide=wide, title=label)


def alerts(db: Path, window: int | None, baseline: int | None, threshold: float | None,
           as_of: str | None, min_events: int, directed: bool, unit: Unit, all_: bool,
           fmt: Any, output: Path | None, wide: bool) -> None:
    """`dyadwatch alerts`: dyads whose conflict in the latest window is far
    above their own baseline, ranked."""
    from ..analysis import alerts as analysis
    from ..store import queries

    s = Settings.from_env()
    options = dict(window_days=s.alert_window_days if window is None else window,
                   baseline_windows=s.alert_baseline_windows if baseline is None else baseline,
                   threshold=s.alert_threshold if threshold is None else threshold,
                   as_of=as_of, min_events=min_events, directed=directed)
    as_records = _fits(fmt, output)

    def local() -> pd.DataFrame | list[dict[str, Any]]:
        with reading(db) as con:
            if not as_records:
                return analysis.alerts(con, **options, unit=unit.value, include_nonfactual=all_)
            query = analysis.alerts_query(con, **options, unit=unit.value,
                                          include_nonfactual=all_)
            return [] if query is None else queries.fetch_records(con, *query)

    def served(client: Client) -> pd.DataFrame | list[dict[str, Any]]:
        if unit is not Unit.canonical or all_:
            raise error("E528")
        import pandas as pd

        df = pd.DataFrame(client.get("/api/alerts", options)["items"])
        return queries.records(df) if as_records else df

    df = local_or_served(db, local, served)
    if format_name(fmt) == "table" and not len(df):
        console().print(_nothing_fires(db, options, unit, all_))
        return
    if as_records:
        for row in df:
            row.update({c: list_text(row[c]) for c in ("event_ids", "canonical_ids")},
                       baseline=" ".join(f"{x:g}" for x in row["baseline"]))
        print_listing(df, "alerts", fmt, output, wide, title="escalation alerts")
        return
    df = lists_as_text(df, ["event_ids", "canonical_ids"], fmt)
    if format_name(fmt) in ("table", "csv"):
        df["baseline"] = [" ".join(f"{x:g}" for x in v) for v in df["baseline"]]
    print_listing(df, "alerts", fmt, output, wide, title="escalation alerts",
                  cols=["dyad", "z", "n_events", "intensity", "baseline", "window_start",
                        "window_end", "event_ids"])


def _nothing_fires(db: Path, options: dict, unit: Unit, all_: bool) -> str:
    """The window `alerts` checked and the dyads closest to firing (read from
    the file; through a running server only the plain sentence)."""
    from ..analysis.alerts import closest
    from ..errors import StoreLockedError

    try:
        with reading(db) as con:
            return closest(con, **options, unit=unit.value, include_nonfactual=all_)
    except StoreLockedError:
        return "no dyad crosses the threshold."


def stats(db: Path, fmt: Any) -> None:
    """`dyadwatch stats`: what the database holds."""
    from ..analysis import dyads as analysis
    from ..provenance import coder_counts

    def local() -> dict[str, Any]:
        with reading(db) as con:
            ov = analysis.overview(con)
            ov["coders"] = [{"fingerprint": fp, "articles": n} for fp, n in coder_counts(con)]
            return ov

    def served(client: Client) -> dict[str, Any]:
        ov = client.get("/api/stats")
        for extra in ("ingest", "writes_enabled"):
            ov.pop(extra, None)
        return ov

    ov = local_or_served(db, local, served)
    document(ov, fmt, "render_overview", str(db))
