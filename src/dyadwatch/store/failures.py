"""The documents that failed: the `errors` table as a listing.

Ingest records every document it could not read or code (file, line,
reason) and goes on; this is where a user finds them again, newest first,
to fix the file and ingest it once more.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .queries import Where, frame, paged


def list_errors(con: Any, *, run_id: str | None = None, limit: int | None = 100,
                offset: int = 0) -> pd.DataFrame:
    """Failed documents, newest first: file, line, doc_id, code, reason,
    run_id, occurred_at (optionally those of one run)."""
    w = Where()
    if run_id:
        w.add("run_id = ?", run_id)
    sql = ("SELECT path AS file, line, doc_id, code, reason, run_id, occurred_at FROM errors "
           f"{w.sql()} ORDER BY occurred_at DESC, id DESC")
    sql, params = paged(sql, list(w.params), limit, offset)
    return frame(con, sql, params)


def count_errors(con: Any, *, run_id: str | None = None) -> int:
    """How many rows `list_errors` would give without paging."""
    w = Where()
    if run_id:
        w.add("run_id = ?", run_id)
    return con.execute(f"SELECT count(*) FROM errors {w.sql()}", w.params).fetchone()[0]
