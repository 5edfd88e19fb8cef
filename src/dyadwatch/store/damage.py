"""A damaged database file is one clear error, wherever it shows.

DuckDB checks a checksum on every block it reads, so damage (bytes
overwritten by a bad disk or a copy gone wrong, a file cut short) is found
late: by whichever query first touches the broken block, as a bare
`duckdb.Error` ("Corrupt database file: computed checksum ...") or an
`IOException` ("Could not read enough bytes ..."). Left alone those came out
as a 40-line traceback, or as "check that the file is writable" (E302),
which sends the user to the wrong fix. `is_damaged` recognises them and
`damaged_error` says what happened and what to do: restore a backup, or
save what can still be read and rebuild from the sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import _duckdb as duckdb

from ..errors import StoreCorruptError, error

#: Texts of DuckDB errors that mean the file's bytes are not what DuckDB wrote.
_DAMAGE = re.compile(
    r"corrupt database file|does not match stored checksum|could not read enough bytes|"
    r"not a valid duckdb database file|database has been invalidated|"
    r"checksum mismatch|failed to read database header|block id .* out of range",
    re.IGNORECASE)


def is_damaged(exc: BaseException) -> bool:
    """True when `exc` is DuckDB reporting a damaged or truncated file."""
    return isinstance(exc, duckdb.Error) and bool(_DAMAGE.search(str(exc)))


def damaged_error(path: str | None, exc: BaseException) -> StoreCorruptError:
    """The coded error for a damaged file, quoting DuckDB's first line."""
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    name = f"database {path}" if path else "the database file"
    return error("E303", name=name, detail=detail[:200])


@contextmanager
def guarded(path: str | None) -> Iterator[None]:
    """Re-raise DuckDB's damage errors inside the block as StoreCorruptError."""
    try:
        yield
    except duckdb.Error as exc:
        if is_damaged(exc):
            raise damaged_error(path, exc) from exc
        raise
