"""dyadwatch: news articles in, auditable political event data out.

The Python API is the primary interface; the CLI, the HTTP API and the
dashboard are thin layers over these functions::

    import dyadwatch
    report = dyadwatch.process(["demo/"], db="dyadwatch.duckdb")
    events = dyadwatch.code_text("China urged both Koreas to show restraint.",
                                 date="2024-06-18")
    with dyadwatch.open_store("dyadwatch.duckdb", read_only=True) as store:
        ...
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from typing import TYPE_CHECKING

from .config import Settings
from .errors import DyadwatchError

if TYPE_CHECKING:
    from .coding.pipeline import Pipeline, RunReport
    from .store.db import Store
    from .types import (Actor, Article, DocResult, Event, Failure, Location, Mention, Quote,
                        Sentence)

__version__ = "0.1.0"

__all__ = [
    "Actor", "Article", "DocResult", "DyadwatchError", "Event", "Failure", "Location",
    "Mention", "Pipeline", "Quote", "RunReport", "Sentence", "Settings", "Store",
    "code_text", "open_store", "process",
]


#: The stages' records, exported here and built on first use: a command that
#: only reads the database never makes them (types.py holds a dozen classes).
_RECORDS = ("Actor", "Article", "DocResult", "Event", "Failure", "Location", "Mention", "Quote",
            "Sentence")


def __getattr__(name: str):
    # Heavy modules (spaCy, DuckDB) load on first use, so `import dyadwatch`
    # stays cheap and a stage module can import the package's types freely.
    if name in _RECORDS:
        from . import types

        return getattr(types, name)
    if name in ("Pipeline", "RunReport"):
        from .coding import pipeline

        return getattr(pipeline, name)
    if name == "Store":
        from .store.db import Store

        return Store
    raise AttributeError(f"module 'dyadwatch' has no attribute {name!r}")


@functools.cache
def _pipeline(settings: Settings) -> "Pipeline":
    # One loaded pipeline per distinct settings, per process: spaCy and the
    # dictionaries are loaded once however often code_text is called.
    from .coding.pipeline import Pipeline

    return Pipeline(settings)


def process(paths: Sequence[str | Path], db: str | Path = "dyadwatch.duckdb",
            settings: Settings | None = None, **kwargs) -> "RunReport":
    """Read, code and store files or folders into the DuckDB file `db`."""
    from .coding.pipeline import process as _process

    settings = settings or Settings()
    return _process(paths, db, settings, pipeline=_pipeline(settings), **kwargs)


def code_text(text: str, *, date=None, settings: Settings | None = None) -> list[Event]:
    """Code one text without storing it; `date` (a date or ISO string) anchors
    relative dates ("on Friday", "last month")."""
    from .sources.articles import parse_date

    if isinstance(date, str):
        date = parse_date(date)
    return list(_pipeline(settings or Settings()).code_text(text, date=date).events)


def open_store(path: str | Path, *, read_only: bool = False) -> "Store":
    """Open a dyadwatch DuckDB file (one writer per file; see store.py)."""
    from .store.db import Store

    return Store.open(path, read_only=read_only)
