"""Read commands: events, show, quotes, actors, dyad, alerts, timeline,
summary, network, export and stats.

Each command opens the database read-only, calls one function of
`queries` or `analysis` and prints the result with `emit` (rich table in a
terminal, CSV/JSON/Parquet for scripts). Argument errors (a bad date, an
unknown PLOVER type) surface as `QueryError`s, which `main` prints as one
line. Commands are module-level functions (as in sqlite-utils' cli.py);
`register(app)` adds them to the `dyadwatch` app. `events`, `dyad`,
`alerts` and `stats` only declare their options here: what they do is in
listings.py, which quick.py also calls without typer.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import formats
from ..errors import error
from ..store.filters import EventFilter, actor_code
from .remote import Client, local_or_served
from . import listings
from .listings import (
    Freq, Unit, document, format_name, lists_as_text, parse_pair, print_listing, reading,
)
from ._common import (
    DEFAULT_DB_PATH, DbOption, DocumentFormatOption, ExportFormat, FormatOption, OutputOption,
    filter_options,
)
from .printing import console

if TYPE_CHECKING:  # pandas, the queries and the analysis load inside the commands that use them
    import pandas as pd


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


@filter_options
def events(
    flt: EventFilter,
    db: DbOption = DEFAULT_DB_PATH,
    limit: Limit = 50, offset: Offset = 0,
    fmt: FormatOption = "table", output: OutputOption = None, wide: WideOpt = False,
) -> None:
    """List events with their evidence sentence, oldest first."""
    listings.events(flt, db, limit, offset, fmt, output, wide)


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
    document(ev, fmt, "render_event")


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
    df = lists_as_text(df, ["event_ids"], fmt)
    print_listing(df, "quotes", fmt, output, wide, title=f"{len(df)} quotes",
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
    print_listing(df, "actors", fmt, output, wide, title="actors", trim=False)


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
    listings.dyad(a, b, db, since, until, freq, directed, unit, all_, plot, fmt, output,
                   all_periods, wide)


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
    listings.alerts(db, window, baseline, threshold, as_of, min_events, directed, unit,
                    all_, fmt, output, wide)


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
    print_listing(df, "timeline", fmt, output, wide,
                  title=f"{a.upper()}-{b.upper()} timeline",
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
    document(result, fmt, "render_summary")


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
    print_listing(df, "network", fmt, output, wide, title="network")


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
        n = analysis.export_events(con, out, format_name(fmt) if fmt else None, flt)
    console(stderr=True).print(f"wrote {n} events to {out}")


def stats(db: DbOption = DEFAULT_DB_PATH, fmt: DocumentFormatOption = "table") -> None:
    """What the database holds: articles, events, types, top dyads."""
    listings.stats(db, fmt)


#: The read commands, in the order `dyadwatch --help` lists them.
COMMANDS = (events, show, quotes, actors, dyad, alerts, timeline, summary, network, export,
            stats)


def register(app: typer.Typer) -> None:
    """Add the read commands to `app`."""
    for command in COMMANDS:
        app.command()(command)
