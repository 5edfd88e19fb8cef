"""Bring a database up to date with the current coder: `recode`.

Why: articles are keyed by the hash of their text, so a re-ingest skips
them, and an improved dictionary, pattern file or model would otherwise
never reach a user's stored events. Every article carries the fingerprint
of the coder that made its rows (provenance.py); `recode` re-codes the
articles whose fingerprint differs from the current one, from the text the
store keeps (no source files needed).

Each batch is one transaction (`Store.replace_coded`): an article's old
sentences, mentions, events, quotes and story signature are deleted and the
new ones inserted, and its fingerprint set, together. A run killed at any
point leaves each article wholly old (still stale) or wholly new, so running
`recode` again finishes the job and ends with the rows of an uninterrupted
run. Stories and canonical events are regrouped at the end (dedup.update
works from everything stored, so a resumed run regroups them too). An
article that fails to re-code keeps its old rows and stamp, is recorded in
`errors`, and is tried again next time.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .coding.pipeline import Pipeline, batched
from .config import Settings
from .store import dedup
from .store.db import Store, results_to_arrow
from .types import Article, DocResult, Failure

#: Articles per transaction: large enough that a transaction's fixed cost is
#: small beside the coding, small enough that a kill loses little work.
BATCH = 64

_ARTICLE_FIELDS = ("id", "text", "doc_id", "title", "outlet", "byline", "date", "url",
                   "source_path", "source_line", "date_text")

ProgressFn = Callable[[int, int], None]  # (articles re-coded so far, stale at the start)


@dataclass
class RecodeReport:
    fingerprint: str
    run_id: str | None = None
    n_stale: int = 0
    n_recoded: int = 0
    n_failed: int = 0
    n_events: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)


def stale_ids(con: duckdb.DuckDBPyConnection, fingerprint: str,
              since: dt.date | None = None) -> list[str]:
    """Ids of the stored articles not coded by `fingerprint` (NULL: coded
    before fingerprints existed), dated `since` or later when given."""
    rows = con.execute(
        "SELECT id FROM articles WHERE fingerprint IS DISTINCT FROM ? "
        "AND (CAST(? AS DATE) IS NULL OR date >= CAST(? AS DATE)) ORDER BY id",
        [fingerprint, since, since]).fetchall()
    return [r[0] for r in rows]


def stored_articles(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[Article]:
    """The stored articles `ids`, as the pipeline received them at ingest."""
    cols = ", ".join(f'"{c}"' for c in _ARTICLE_FIELDS)
    rows = con.execute(f"SELECT {cols} FROM articles WHERE list_contains(?, id) ORDER BY id",
                       [ids]).fetchall()
    return [Article(**dict(zip(_ARTICLE_FIELDS, row))) for row in rows]


def recode(db: str | Path, settings: Settings | None = None, *, since: dt.date | None = None,
           all_articles: bool = False, pipeline: Pipeline | None = None,
           progress: ProgressFn | None = None, batch: int = BATCH) -> RecodeReport:
    """Re-code the stale articles of the DuckDB file `db` with the current
    coder. `all_articles` first marks every selected article stale (a kill
    then a plain `recode` finishes the job); `since` selects articles dated
    on or after that day."""
    settings = settings or Settings()
    pipeline = pipeline or Pipeline(settings)
    fingerprint = pipeline.fingerprint.id
    started = time.perf_counter()
    report = RecodeReport(fingerprint)
    with Store.open(db) as store:
        command = "recode" + (" --all" if all_articles else "") + (f" --since {since}" if since else "")
        report.run_id = store.start_run(command, fingerprint)
        if all_articles:
            store.mark_stale(since)
        ids = stale_ids(store.con, fingerprint, since)
        report.n_stale = len(ids)
        for chunk in batched(ids, batch):
            _recode_batch(store, pipeline, chunk, report)
            if progress:
                progress(report.n_recoded + report.n_failed, report.n_stale)
        dedup.update(store.con, settings)
        report.seconds = time.perf_counter() - started
        store.finish_run(report.run_id, n_read=report.n_stale, n_stored=report.n_recoded,
                         n_duplicate=0, n_failed=report.n_failed)
    return report


def _recode_batch(store: Store, pipeline: Pipeline, ids: list[str], report: RecodeReport) -> None:
    results: list[DocResult] = []
    failures: list[Failure] = []
    for r in pipeline.code_articles(stored_articles(store.con, ids)):
        (failures if isinstance(r, Failure) else results).append(r)
    if results:
        store.replace_coded(results_to_arrow(results, report.fingerprint))
    store.record_failures(failures, report.run_id)
    report.n_recoded += len(results)
    report.n_failed += len(failures)
    report.failures.extend(failures)
    report.n_events += sum(len(r.events) for r in results)
