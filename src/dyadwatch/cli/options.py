"""The read commands' options, declared once: `events`, `dyad`, `alerts`
and `stats`, and the options other commands share with them.

Each option is plain data (its parameter, flags, type, default, envvar
and help), as each stored table is in store/schema.py; the typer commands
(reads.py, through `_common.typer_option`) and the quick start (quick.py)
are both made from these declarations, so neither can drift from the
other. Nothing here imports typer: the quick start reads a plain command
line without it (issue 19). The event filter options have their own
declaration (store/filters.py `PARAMS`), which both sides also read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from .. import formats
from ..config import DEFAULT_DB
from ..store.filters import PARAMS


class Freq(str, Enum):
    day = "day"
    week = "week"
    month = "month"


class Unit(str, Enum):
    canonical = "canonical"
    mentions = "mentions"


#: --format choices by kind of output (formats.py): a command offers only
#: what it can write.
ListingFormat = formats.choice("ListingFormat", formats.LISTING)
DocumentFormat = formats.choice("DocumentFormat", formats.DOCUMENT)
ExportFormat = formats.choice("ExportFormat", formats.EXPORT)


@dataclass(frozen=True)
class Opt:
    """One option: the parameter it fills (`dest`), its flags, its type as
    the command receives it (str, int, float, bool for a flag, Path or an
    Enum of choices), whether it may be None, its default, the environment
    variable read when it is not given, and its help."""

    dest: str
    names: tuple[str, ...]
    kind: type
    default: Any = None
    help: str = ""
    optional: bool = False
    envvar: str | None = None

    @property
    def flag(self) -> bool:
        return self.kind is bool


@dataclass(frozen=True)
class Arg:
    """A positional argument (a string)."""

    dest: str
    help: str


@dataclass(frozen=True)
class Command:
    """A read command: its help (the first line is its summary), its
    parameters in the order `--help` lists them, and whether it takes the
    event filter options (after its own)."""

    name: str
    help: str
    params: tuple[Arg | Opt, ...]
    filters: bool = False

    @property
    def arguments(self) -> tuple[Arg, ...]:
        return tuple(p for p in self.params if isinstance(p, Arg))

    @property
    def options(self) -> tuple[Opt, ...]:
        return tuple(p for p in self.params if isinstance(p, Opt))


def _format_help(allowed: tuple[str, ...]) -> str:
    binary = [n for n in allowed if formats.FORMATS[n].binary]
    return "Output format" + (f" ({', '.join(binary)} needs --output)." if binary else ".")


DB = Opt("db", ("--db",), Path, Path(DEFAULT_DB), "DuckDB file.", envvar="DYADWATCH_DB")
FORMAT = Opt("fmt", ("--format", "-f"), ListingFormat, "table", _format_help(formats.LISTING))
DOCUMENT_FORMAT = Opt("fmt", ("--format", "-f"), DocumentFormat, "table",
                      _format_help(formats.DOCUMENT))
OUTPUT = Opt("output", ("--output", "-o"), Path, None, "Write to this file instead of stdout.",
             optional=True)
WIDE = Opt("wide", ("--wide",), bool, False,
           "In a terminal, every column in full (default: what fits the width).")
SINCE = Opt("since", ("--since",), str, None, "From this date (YYYY-MM-DD, YYYY-MM or YYYY).",
            optional=True)
UNTIL = Opt("until", ("--until",), str, None, "Up to this date, inclusive.", optional=True)
DIRECTED = Opt("directed", ("--directed",), bool, False,
               "Only A -> B (default: both directions).")
ALL_EVENTS = Opt("all_", ("--all",), bool, False,
                 "Also count negated, future and hypothetical events.")
UNIT = Opt("unit", ("--unit",), Unit, Unit.canonical,
           "Count canonical (deduplicated) events or every mention.")
PLOT = Opt("plot", ("--plot",), Path, None, "Also draw a picture (.png, .svg or .pdf).",
           optional=True)
ACTOR_A = Arg("a", "Actor code: country (CHN) or country+sector (KORGOV).")
ACTOR_B = Arg("b", "The other actor code.")


LIMIT = Opt("limit", ("--limit",), int, 50, "At most this many rows.")
OFFSET = Opt("offset", ("--offset",), int, 0, "Skip this many rows (paging).")

#: The read commands that also start without typer (quick.py), by name.
COMMANDS: dict[str, Command] = {c.name: c for c in (
    Command("events", "List events with their evidence sentence, oldest first.",
            (DB, LIMIT, OFFSET, FORMAT, OUTPUT, WIDE), filters=True),
    Command("dyad", "Events between A and B per period: counts by PLOVER type and\n"
                    "QuadClass, Goldstein sum and mean, share of conflict.", (
        ACTOR_A, ACTOR_B, DB, SINCE, UNTIL,
        Opt("freq", ("--freq",), Freq, Freq.month, "Period length."),
        DIRECTED, UNIT, ALL_EVENTS, PLOT, FORMAT, OUTPUT,
        Opt("all_periods", ("--all-periods",), bool, False,
            "In a terminal, also the periods without events."),
        WIDE)),
    Command("alerts", "Dyads whose conflict in the latest window is far above their own\n"
                      "baseline (robust z-score), ranked, with the events that drove it.", (
        DB,
        Opt("window", ("--window",), int, None, "Window length in days [default: 30].",
            optional=True),
        Opt("baseline", ("--baseline",), int, None,
            "Baseline windows before the latest [default: 6].", optional=True),
        Opt("threshold", ("--threshold",), float, None,
            "Robust z-score to alert at [default: 3].", optional=True),
        Opt("as_of", ("--as-of",), str, None,
            "End of the latest window (default: the last event's date).", optional=True),
        Opt("min_events", ("--min-events",), int, 3,
            "Conflict events needed in the latest window."),
        DIRECTED, UNIT, ALL_EVENTS, FORMAT, OUTPUT, WIDE)),
    Command("stats", "What the database holds: articles, events, types, top dyads.",
            (DB, DOCUMENT_FORMAT)),
)}


def run(name: str, values: dict[str, Any]) -> None:
    """Run read command `name` with its parameters' values (by `dest`, the
    filters' as `filter_<field>`), however they were parsed: the function
    of listings.py it names, given them in declaration order (an events
    listing first gets its filter, made from the filter options)."""
    from . import listings

    command = COMMANDS[name]
    args = [values[p.dest] for p in command.params]
    if command.filters:
        from .printing import event_filter

        args.insert(0, event_filter({p.field: values[f"filter_{p.field}"] for p in PARAMS}))
    getattr(listings, name)(*args)
