"""What every command shares: the --db and --format options, the event
filter options (generated from the one filter declaration), and printing
tables in the registered output formats.

Commands stay thin (as in sqlite-utils' cli.py): parse options, call one API
function, print its result with `emit`.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import formats
from ..config import DEFAULT_DB
from ..store.filters import PARAMS, EventFilter, Param

if TYPE_CHECKING:  # rich loads only where something is printed through it
    from rich.console import Console
    from rich.table import Table

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


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def escape(text: str) -> str:
    """`text` with rich markup escaped (rich.markup.escape, imported when
    first needed: commands that print no markup never load rich)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def emit(df: Any, fmt: Any = "table", output: Path | None = None,
         title: str | None = None) -> None:
    """Print a pandas DataFrame in a registered format (binary ones need --output)."""
    out = formats.FORMATS[getattr(fmt, "value", fmt)]
    if out.binary and output is None:
        raise typer.BadParameter(f"--format {out.name} needs --output FILE")
    if out.name == "table" and output is None:
        console().print(rich_table(df, title))
        return
    data = out.write(df)
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    output.write_bytes(data)
    console(stderr=True).print(f"wrote {len(df)} rows to {output}")


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
        raw = {p.field: kwargs.pop(f"filter_{p.field}") for p in PARAMS}
        flt = EventFilter.parse(raw, geocoder=_geocoder)
        if flt.near_place and flt.near:
            console(stderr=True).print(f"near {escape(flt.near_place)} at "
                                       f"{flt.near[0]:.3f},{flt.near[1]:.3f}")
        return command(flt=flt, **kwargs)

    run.__signature__ = sig.replace(parameters=own + extra)  # type: ignore[attr-defined]
    return run


def _option(p: Param) -> Any:
    kind = bool if p.kind is bool else p.kind | None
    return Annotated[kind, typer.Option(p.cli, help=p.help)]


def _geocoder() -> Any:
    from ..coding.geo import Geocoder

    return Geocoder.from_package()


def rich_table(df: Any, title: str | None = None, max_width: int = 60) -> Table:
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for col in df.columns:
        table.add_column(str(col), overflow="fold", max_width=max_width)
    for row in df.itertuples(index=False):
        table.add_row(*["" if _is_null(v) else str(v) for v in row])
    return table


def _is_null(v: Any) -> bool:
    try:
        return v is None or v != v  # NaN
    except (TypeError, ValueError):
        return False
