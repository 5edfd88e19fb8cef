"""What every command shares: the --db and --format options and the event
filter options (generated from the one filter declaration); printing in the
registered output formats is printing.py's.

Commands stay thin (as in sqlite-utils' cli.py): parse options, call one API
function, print its result with `emit`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import formats
from ..config import DEFAULT_DB
from ..store.filters import PARAMS, Param
from .printing import event_filter

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB file.", envvar="DYADWATCH_DB")]
DEFAULT_DB_PATH = Path(DEFAULT_DB)


#: --format choices by kind of output (formats.py): a command offers only
#: what it can write.
ListingFormat = formats.choice("ListingFormat", formats.LISTING)
DocumentFormat = formats.choice("DocumentFormat", formats.DOCUMENT)
ExportFormat = formats.choice("ExportFormat", formats.EXPORT)


def _format_help(allowed: tuple[str, ...]) -> str:
    binary = [n for n in allowed if formats.FORMATS[n].binary]
    return "Output format" + (f" ({', '.join(binary)} needs --output)." if binary else ".")


FormatOption = Annotated[ListingFormat, typer.Option(  # type: ignore[valid-type]
    "--format", "-f", help=_format_help(formats.LISTING))]
DocumentFormatOption = Annotated[DocumentFormat, typer.Option(  # type: ignore[valid-type]
    "--format", "-f", help=_format_help(formats.DOCUMENT))]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o",
                                                   help="Write to this file instead of stdout.")]


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command one option per declared event filter (store/filters.py).

    The command takes `flt: EventFilter`; the options replace that parameter
    in the signature typer reads, and their values arrive parsed and
    validated as one EventFilter (a place name in --near resolved by the
    package's gazetteer, and said on stderr)."""
    sig = inspect.signature(command, eval_str=True)
    own = [p for p in sig.parameters.values() if p.name != "flt"]
    extra = [inspect.Parameter(f"filter_{p.field}", inspect.Parameter.KEYWORD_ONLY,
                               default=False if p.kind is bool else None,
                               annotation=_option(p)) for p in PARAMS]

    @functools.wraps(command)
    def run(**kwargs: Any) -> Any:
        flt = event_filter({p.field: kwargs.pop(f"filter_{p.field}") for p in PARAMS})
        return command(flt=flt, **kwargs)

    run.__signature__ = sig.replace(parameters=own + extra)  # type: ignore[attr-defined]
    return run


def _option(p: Param) -> Any:
    kind = bool if p.kind is bool else p.kind | None
    return Annotated[kind, typer.Option(p.cli, help=p.help)]
