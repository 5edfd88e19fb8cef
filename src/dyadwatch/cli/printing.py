"""Printing a command's result, without typer: the consoles, the registered
output formats (`emit`) and the event filter's values turned into one
`EventFilter`.

Kept apart from `_common.py` (typer's option declarations) so that the
read commands' quick start (quick.py) can print exactly what the typer
commands print without importing typer; rich loads only where something
is drawn through it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import formats
from ..store.filters import EventFilter

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


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
        import typer  # a usage error, worded and shown as typer shows its own

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


def event_filter(raw: Mapping[str, Any]) -> EventFilter:
    """The filter options' values (by field name) as one EventFilter, a
    place name in --near resolved by the package's gazetteer and said on
    stderr."""
    flt = EventFilter.parse(raw, geocoder=_geocoder)
    if flt.near_place and flt.near:
        console(stderr=True).print(f"near {escape(flt.near_place)} at "
                                   f"{flt.near[0]:.3f},{flt.near[1]:.3f}")
    return flt


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
