"""What every command shares: the --db and --format options, turning domain
errors into one clean line, and printing tables as rich/CSV/JSON/Parquet.

Commands stay thin (as in sqlite-utils' cli.py): parse options, call one API
function, print its result with `emit`.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ..config import DEFAULT_DB

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB file.", envvar="DYADWATCH_DB")]
DEFAULT_DB_PATH = Path(DEFAULT_DB)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    parquet = "parquet"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o",
                                                   help="Write to this file instead of stdout.")]


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def emit(df: Any, fmt: Format = Format.table, output: Path | None = None,
         title: str | None = None) -> None:
    """Print a pandas DataFrame in the chosen format (Parquet needs --output)."""
    if fmt is Format.parquet:
        if output is None:
            raise typer.BadParameter("--format parquet needs --output FILE")
        df.to_parquet(output, index=False)
        console(stderr=True).print(f"wrote {len(df)} rows to {output}")
        return
    if fmt is Format.csv:
        text = df.to_csv(index=False)
    elif fmt is Format.json:
        text = json.dumps(json.loads(df.to_json(orient="records", date_format="iso")),
                          ensure_ascii=False, indent=1) + "\n"
        text = _short_dates(text)
    else:
        if output is None:
            console().print(rich_table(df, title))
            return
        text = df.to_string(index=False) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console(stderr=True).print(f"wrote {len(df)} rows to {output}")


def _short_dates(text: str) -> str:
    # pandas writes dates as 2024-02-23T00:00:00.000; analysts want 2024-02-23.
    return text.replace("T00:00:00.000", "")


def rich_table(df: Any, title: str | None = None, max_width: int = 60) -> Table:
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
