"""`dyadwatch errors`: the documents ingest could not read or code.

Each failure was reported once on stderr while ingest ran and recorded in
the errors table; this lists them again (file, line, reason, newest
first) so they can be fixed and ingested once more. It reads through a
running server like the other read commands; the server's API gives file
names without their folders, so that is what is shown then.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ._common import DEFAULT_DB_PATH, DbOption, FormatOption, OutputOption
from .printing import emit
from .fit import Col, print_fitted
from .remote import Client, local_or_served

COLUMNS = (Col("file", "file", cap=40), Col("line", "line", right=True, keep=1),
           Col("code", "code", keep=2), Col("when", "occurred_at", keep=3),
           Col("reason", "reason", flex=True))


def errors(
    db: DbOption = DEFAULT_DB_PATH,
    run: Annotated[str | None, typer.Option("--run", help="Only this ingest run's "
                                                           "failures (its run id).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 50,
    fmt: FormatOption = "table", output: OutputOption = None,
    wide: Annotated[bool, typer.Option("--wide", help="Every column in full.")] = False,
) -> None:
    """Documents that failed to ingest: file, line and reason, newest first."""
    import pandas as pd  # here, not at the top: registering the command must not load pandas

    from .listings import reading
    from ..store.failures import list_errors

    def local() -> pd.DataFrame:
        with reading(db) as con:
            return list_errors(con, run_id=run, limit=limit)

    def served(client: Client) -> pd.DataFrame:
        df = pd.DataFrame(client.items("/api/errors", {"run_id": run}, limit),
                          columns=["file", "line", "doc_id", "code", "reason", "run_id",
                                   "occurred_at"])
        return df.astype({"line": "Int32"})  # as DuckDB gives it: 7, not 7.0

    df = local_or_served(db, local, served)
    if getattr(fmt, "value", fmt) == "table" and output is None:
        rows: list[dict[str, Any]] = df.to_dict(orient="records")
        print_fitted(rows, COLUMNS, wide=wide, title="failed documents")
        return
    emit(df, fmt, output, title="failed documents")


def register(app: typer.Typer) -> None:
    """Add `errors` to the `dyadwatch` app."""
    app.command("errors")(errors)
