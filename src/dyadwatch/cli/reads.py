"""Read commands: events, show, quotes, actors, dyad, alerts, timeline,
summary, network, export and stats.

Each command opens the database read-only, calls one function of
`queries` or `analysis` and prints the result with `emit` (rich table in a
terminal, CSV/JSON/Parquet for scripts). Argument errors (a bad date, an
unknown PLOVER type) surface as `QueryError`s, which `main` prints as one
line. Commands are module-level functions (as in sqlite-utils' cli.py);
`register(app)` adds them to the `dyadwatch` app.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import formats
from ..config import Settings
from ..errors import error
from ..store.filters import EventFilter, actor_code
from .remote import Client, local_or_served
from ..plover import PLOVER_TYPES
from ._common import (
    DEFAULT_DB_PATH, DbOption, DocumentFormatOption, ExportFormat, FormatOption, OutputOption,
    console, emit, filter_options,
)

if TYPE_CHECKING:  # pandas, the queries and the analysis load inside the commands that use them
    import pandas as pd


class Freq(str, Enum):
    day = "day"
    week = "week"
    month = "month"


class Unit(str, Enum):
    canonical = "canonical"
    mentions = "mentions"


class Level(str, Enum):
    country = "country"
    actor = "actor"


# Options shared by several commands (the event filters come from
# store/filters.py through `filter_options`).
Since = Annotated[str | None, typer.Option("--since", help="From this date (YYYY-MM-DD, "
                                                           "YYYY-MM or YYYY).")]
Until = Annotated[str | None, typer.Option("--until", help="Up to this date, inclusive.")]
Directed = Annotated[bool, typer.Option("--directed", help="Only A -> B (default: both "
                                                           "directions).")]
AllEvents = Annotated[bool, typer.Option("--all", help="Also count negated, future and "
                                                       "hypothetical events.")]
UnitOpt = Annotated[Unit, typer.Option("--unit", help="Count canonical (deduplicated) events "
                                                      "or every mention.")]
ActorA = Annotated[str, typer.Argument(help="Actor code: country (CHN) or country+sector "
                                            "(KORGOV).")]
ActorB = Annotated[str, typer.Argument(help="The other actor code.")]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Also draw a picture "
                                                             "(.png, .svg or .pdf).")]
DyadOpt = Annotated[str | None, typer.Option("--dyad", help="Two actors: CHN-PRK.")]
TextOpt = Annotated[str | None, typer.Option("--text", help="Words in the text.")]
Limit = Annotated[int, typer.Option(help="At most this many rows.")]
WideOpt = Annotated[bool, typer.Option("--wide", help="In a terminal, every column in full "
                                                      "(default: what fits the width).")]
Offset = Annotated[int, typer.Option(help="Skip this many rows (paging).")]


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

    if _name(fmt) != "table":
        return df
    df = df[[c for c in cols if c in df.columns]] if cols else df.copy()
    for c in df.columns:
        if pd.api.types.is_float_dtype(df[c]):
            df[c] = df[c].round(2)
        elif df[c].dtype == object:  # sentences end with the paragraph's newlines
            df[c] = [v.strip() if isinstance(v, str) else v for v in df[c]]
    return df


def _lists_as_text(df: pd.DataFrame, cols: list[str], fmt: Any, head: int = 5) -> pd.DataFrame:
    """Lists of ids shown as "a, b, c (+2)" in tables and CSV (JSON and
    Parquet keep real lists)."""
    if _name(fmt) not in ("table", "csv"):
        return df
    df = df.copy()
    for c in cols:
        df[c] = [_list_text(v, head) for v in df[c]]
    return df


def _list_text(ids: list[str], head: int = 5) -> str:
    return ", ".join(ids[:head]) + (f" (+{len(ids) - head})" if len(ids) > head else "")


def _fits(fmt: Any, output: Path | None) -> bool:
    """True when a listing is printed to the terminal, fitted to its width
    (cli/fit.py). The fitted table reads plain records, so the commands
    that can fetch them as records (`queries.fetch_records`) then never
    load pandas."""
    return _name(fmt) == "table" and output is None


def _listing(data: pd.DataFrame | list[dict[str, Any]], listing: str, fmt: Any,
             output: Path | None, wide: bool, *, title: str, cols: list[str] | None = None,
             trim: bool = True) -> None:
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


def _name(fmt: Any) -> str:
    return getattr(fmt, "value", fmt)


def _document(value: dict[str, Any], fmt: Any, render: str, *args: Any) -> None:
    """Print one nested record: JSON, or rendered for reading by the function
    `render` of render.py (which imports rich: JSON output does not load it)."""
    if _name(fmt) == "json":
        print(json.dumps(value, ensure_ascii=False, indent=1, default=str))
    else:
        from . import render as renderings

        console().print(getattr(renderings, render)(value, *args))


@filter_options
def events(
    flt: EventFilter,
    db: DbOption = DEFAULT_DB_PATH,
    limit: Limit = 50, offset: Offset = 0,
    fmt: FormatOption = "table", output: OutputOption = None, wide: WideOpt = False,
) -> None:
    """List events with their evidence sentence, oldest first."""
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
    _listing(df, "events", fmt, output, wide, title=f"{len(df)} events",
             cols=["id", "date", "source", "target", "plover", "goldstein", "trigger",
                   "sentence", "geo_name", "distance_km"])


def show(
    event_id: Annotated[str, typer.Argument(help="An event id from `dyadwatch events` (a "
                                                 "mention or a canonical event).")],
    db: DbOption = DEFAULT_DB_PATH, fmt: DocumentFormatOption = "table",
) -> None:
    """One event: its sentence (trigger bold, source green, target red),
    article, quotes and the other reports of the same event."""
    from ..store import queries

    with reading(db) as con:
        ev = queries.get_event(con, event_id)
    _document(ev, fmt, "render_event")


def quotes(
    db: DbOption = DEFAULT_DB_PATH,
    speaker: Annotated[str | None, typer.Option(help="Speaker code (CHN, KORGOV).")] = None,
    dyad: DyadOpt = None, since: Since = None, until: Until = None, text: TextOpt = None,
    limit: Limit = 50, offset: Offset = 0,
    fmt: FormatOption = "table", output: OutputOption = None, wide: WideOpt = False,
) -> None:
    """Quotes with their speakers and the events said in them."""
    import pandas as pd
    from ..store import queries

    who = actor_code(speaker, "speaker") if speaker else None
    pair = parse_pair(dyad) if dyad else None

    def local() -> pd.DataFrame:
        with reading(db) as con:
            return queries.list_quotes(con, speaker=who, dyad=pair, since=since, until=until,
                                       text=text, limit=limit, offset=offset)

    df = local_or_served(db, local, lambda client: pd.DataFrame(client.items(
        "/api/quotes", {"speaker": who, "dyad": "-".join(pair) if pair else None,
                        "since": since, "until": until, "q": text}, limit, offset)))
    df = _lists_as_text(df, ["event_ids"], fmt)
    _listing(df, "quotes", fmt, output, wide, title=f"{len(df)} quotes",
             cols=["date", "speaker", "speaker_name", "text", "outlet", "event_ids"])


def actors(
    db: DbOption = DEFAULT_DB_PATH,
    prefix: Annotated[str | None, typer.Option(help="Codes starting with this (KOR).")] = None,
    since: Since = None, until: Until = None, all_: AllEvents = False,
    limit: Limit = 50,
    fmt: FormatOption = "table", output: OutputOption = None, wide: WideOpt = False,
) -> None:
    """Actor codes in use, with how often each is source and target, and
    what each code names ("China: government", not its most quoted person)."""
    import pandas as pd
    from ..store import queries
    from ..names import Names

    def local() -> pd.DataFrame:
        with reading(db) as con:
            return queries.list_actors(con, prefix=prefix, since=since, until=until,
                                       include_nonfactual=all_, limit=limit)

    df = local_or_served(db, local, lambda client: pd.DataFrame(client.items(
        "/api/actors", {"prefix": prefix, "since": since, "until": until,
                        "include_nonfactual": all_}, limit)))
    names = Names.from_package()
    df.insert(1, "label", [names.label(c) for c in df["code"]] if len(df) else [])
    _listing(df, "actors", fmt, output, wide, title="actors", trim=False)


def dyad(
    a: ActorA, b: ActorB, db: DbOption = DEFAULT_DB_PATH,
    since: Since = None, until: Until = None,
    freq: Annotated[Freq, typer.Option(help="Period length.")] = Freq.month,
    directed: Directed = False, unit: UnitOpt = Unit.canonical, all_: AllEvents = False,
    plot: PlotOpt = None, fmt: FormatOption = "table", output: OutputOption = None,
    all_periods: Annotated[bool, typer.Option(
        "--all-periods", help="In a terminal, also the periods without events.")] = False,
    wide: WideOpt = False,
) -> None:
    """Events between A and B per period: counts by PLOVER type and
    QuadClass, Goldstein sum and mean, share of conflict."""
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
    if _name(fmt) == "table":  # PLOVER types that never occur only widen the table
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


def alerts(
    db: DbOption = DEFAULT_DB_PATH,
    window: Annotated[int | None, typer.Option(help="Window length in days "
                                                     "[default: 30].")] = None,
    baseline: Annotated[int | None, typer.Option(help="Baseline windows before the "
                                                       "latest [default: 6].")] = None,
    threshold: Annotated[float | None, typer.Option(help="Robust z-score to alert at "
                                                         "[default: 3].")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="End of the latest window "
                                              "(default: the last event's date).")] = None,
    min_events: Annotated[int, typer.Option(help="Conflict events needed in the "
                                                 "latest window.")] = 3,
    directed: Directed = False, unit: UnitOpt = Unit.canonical, all_: AllEvents = False,
    fmt: FormatOption = "table", output: OutputOption = None, wide: WideOpt = False,
) -> None:
    """Dyads whose conflict in the latest window is far above their own
    baseline (robust z-score), ranked, with the events that drove it."""
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
    if _name(fmt) == "table" and not len(df):
        console().print(_nothing_fires(db, options, unit, all_))
        return
    if as_records:
        for row in df:
            row.update({c: _list_text(row[c]) for c in ("event_ids", "canonical_ids")},
                       baseline=" ".join(f"{x:g}" for x in row["baseline"]))
        _listing(df, "alerts", fmt, output, wide, title="escalation alerts")
        return
    df = _lists_as_text(df, ["event_ids", "canonical_ids"], fmt)
    if _name(fmt) in ("table", "csv"):
        df["baseline"] = [" ".join(f"{x:g}" for x in v) for v in df["baseline"]]
    _listing(df, "alerts", fmt, output, wide, title="escalation alerts",
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


def timeline(
    a: ActorA, b: ActorB, db: DbOption = DEFAULT_DB_PATH,
    since: Since = None, until: Until = None, directed: Directed = False,
    limit: Annotated[int | None, typer.Option(help="At most this many events.")] = None,
    unit: UnitOpt = Unit.canonical, all_: AllEvents = False,
    fmt: FormatOption = "table", output: OutputOption = None, wide: WideOpt = False,
) -> None:
    """The dyad's events in date order with evidence sentences and quotes."""
    import pandas as pd
    from ..analysis import dyads as analysis

    a, b = actor_code(a, "A"), actor_code(b, "B")

    def local() -> pd.DataFrame:
        with reading(db) as con:
            return analysis.timeline(con, a, b, directed=directed, since=since, until=until,
                                     limit=limit, unit=unit.value, include_nonfactual=all_)

    def served(client: Client) -> pd.DataFrame:
        params = {"since": since, "until": until, "directed": directed, "unit": unit.value,
                  "include_nonfactual": all_, "limit": limit}
        return pd.DataFrame(client.get(f"/api/dyads/{a}/{b}/timeline", params)["items"])

    df = local_or_served(db, local, served)
    _listing(df, "timeline", fmt, output, wide, title=f"{a.upper()}-{b.upper()} timeline",
             cols=["date", "event_id", "source", "target", "plover", "goldstein",
                   "n_stories", "sentence", "outlet", "quote"])


def summary(
    a: Annotated[str | None, typer.Argument(help="Actor code (without A and B: the "
                                                 "database overview).")] = None,
    b: Annotated[str | None, typer.Argument(help="The other actor code.")] = None,
    db: DbOption = DEFAULT_DB_PATH, since: Since = None, until: Until = None,
    directed: Directed = False,
    sentences: Annotated[int, typer.Option("--sentences", "-n",
                                           help="At most this many sentences.")] = 5,
    fmt: DocumentFormatOption = "table",
) -> None:
    """A short summary of a dyad made only of evidence sentences, each
    cited (article, outlet, date)."""
    from ..analysis import dyads as analysis

    if a is None or b is None:
        if a is not None:
            raise error("E529")
        return stats(db=db, fmt=fmt)
    with reading(db) as con:
        result = analysis.summary(con, a, b, directed=directed, since=since, until=until,
                                  max_sentences=sentences)
    _document(result, fmt, "render_summary")


def network(
    db: DbOption = DEFAULT_DB_PATH, since: Since = None, until: Until = None,
    min_events: Annotated[int, typer.Option(help="Leave out edges with fewer events.")] = 1,
    level: Annotated[Level, typer.Option(help="Nodes are countries or full actor "
                                              "codes.")] = Level.country,
    unit: UnitOpt = Unit.canonical, all_: AllEvents = False, plot: PlotOpt = None,
    fmt: FormatOption = "table", output: OutputOption = None, wide: WideOpt = False,
) -> None:
    """Who acts on whom: directed edges with event counts and Goldstein."""
    import pandas as pd
    from ..analysis import dyads as analysis
    from ..store import queries

    def local() -> pd.DataFrame:
        with reading(db) as con:
            return analysis.network(con, since=since, until=until, min_events=min_events,
                                    level=level.value, unit=unit.value, include_nonfactual=all_)

    df = local_or_served(db, local, lambda client: pd.DataFrame(client.get(
        "/api/network", {"since": since, "until": until, "min_events": min_events,
                         "level": level.value, "unit": unit.value,
                         "include_nonfactual": all_})["edges"]))
    if plot:
        from ..analysis.plots import period_label, plot_network

        plot_network(df, plot, title="Who acts on whom, " + period_label(
            queries.parse_date(since), queries.parse_date(until, end=True)))
        console(stderr=True).print(f"wrote {plot}")
    _listing(df, "network", fmt, output, wide, title="network")


@filter_options
def export(
    out: Annotated[Path, typer.Argument(help="Output file; its suffix picks the format "
                                             "unless --format is given: " + ", ".join(
                                                 s for n in formats.EXPORT
                                                 for s in formats.FORMATS[n].suffixes) + ".")],
    flt: EventFilter,
    db: DbOption = DEFAULT_DB_PATH,
    fmt: Annotated[ExportFormat | None, typer.Option(  # type: ignore[valid-type]
        "--format", "-f", help="Output format (default: from the file's suffix).")] = None,
) -> None:
    """Write events in a POLECAT/ICEWS-like column layout (CSV, JSON, JSON Lines
    or Parquet)."""
    from ..analysis import dyads as analysis

    with reading(db) as con:
        n = analysis.export_events(con, out, _name(fmt) if fmt else None, flt)
    console(stderr=True).print(f"wrote {n} events to {out}")


def stats(db: DbOption = DEFAULT_DB_PATH, fmt: DocumentFormatOption = "table") -> None:
    """What the database holds: articles, events, types, top dyads."""
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
    _document(ov, fmt, "render_overview", str(db))


#: The read commands, in the order `dyadwatch --help` lists them.
COMMANDS = (events, show, quotes, actors, dyad, alerts, timeline, summary, network, export,
            stats)


def register(app: typer.Typer) -> None:
    """Add the read commands to `app`."""
    for command in COMMANDS:
        app.command()(command)
