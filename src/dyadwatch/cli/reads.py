"""Read commands: events, show, quotes, actors, dyad, alerts, timeline,
summary, network, export and stats.

Each command opens the database read-only, calls one function of
`queries` or `analysis` and prints the result with `emit` (rich table in a
terminal, CSV/JSON/Parquet for scripts). Argument errors (a bad date, an
unknown PLOVER type) surface as `QueryError`s, which `main` prints as one
line. Commands are module-level functions (as in sqlite-utils' cli.py);
`register(app)` adds them to the `dyadwatch` app. `events`, `dyad`,
`alerts` and `stats` are made from their declarations in options.py
(which quick.py also reads, without typer); what they do is in
listings.py.
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
from . import options
from .listings import document, format_name, lists_as_text, parse_pair, print_listing, reading
from .options import ExportFormat, Unit
from ._common import (
    DEFAULT_DB_PATH, DbOption, DocumentFormatOption, FormatOption, OutputOption,
    filter_options, typer_argument, typer_command, typer_option,
)
from .printing import console

if TYPE_CHECKING:  # pandas, the queries and the analysis load inside the commands that use them
    import pandas as pd


class Level(str, Enum):
    country = "country"
    actor = "actor"


# Options shared by several commands, from their one declaration in
# options.py (the event filters come from store/filters.py through
# `filter_options`).
Since = typer_option(options.SINCE)
Until = typer_option(options.UNTIL)
Directed = typer_option(options.DIRECTED)
AllEvents = typer_option(options.ALL_EVENTS)
UnitOpt = typer_option(options.UNIT)
ActorA = typer_argument(options.ACTOR_A)
ActorB = typer_argument(options.ACTOR_B)
PlotOpt = typer_option(options.PLOT)
DyadOpt = Annotated[str | None, typer.Option("--dyad", help="Two actors: CHN-PRK.")]
TextOpt = Annotated[str | None, typer.Option("--text", help="Words in the text.")]
Limit = typer_option(options.LIMIT)
WideOpt = typer_option(options.WIDE)
Offset = typer_option(options.OFFSET)

#: `events`, `dyad`, `alerts` and `stats`: made from their declarations
#: (what they do is in listings.py).
events = typer_command(options.COMMANDS["events"])
dyad = typer_command(options.COMMANDS["dyad"])
alerts = typer_command(options.COMMANDS["alerts"])
stats = typer_command(options.COMMANDS["stats"])


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


#: The read commands, in the order `dyadwatch --help` lists them.
COMMANDS = (events, show, quotes, actors, dyad, alerts, timeline, summary, network, export,
            stats)


def register(app: typer.Typer) -> None:
    """Add the read commands to `app`."""
    for command in COMMANDS:
        app.command()(command)
