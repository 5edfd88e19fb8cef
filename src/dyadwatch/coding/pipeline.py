"""The one orchestrator: runs the stages over a stream of documents.

    ingest -> nlp -> actors -> events -> geo -> quotes -> (minhash) -> store -> dedup

`Pipeline.code_articles` is the unit of work: articles in, `DocResult`s (or
`Failure`s) out. It is pure with respect to storage, so the same method runs
here, in the local worker pool (`n_process > 1`) and on Dask workers
(`scale.py`); nothing is implemented twice. `process` adds storage: it skips
articles already stored (content hash), writes each batch in one
transaction, records every failure in the `errors` table, and finally
groups stories and canonical events.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..store import dedup
from ..sources import ingest
from . import nlp as nlp_mod
from .lifeline import die_with_parent
from ..config import Settings
from ..errors import DyadwatchError, StoreError, StoreReadOnlyError
from ..store.db import Store
from ..types import Article, DocResult, Failure, Sentence


@dataclass
class RunReport:
    """What a run did, for the CLI summary, the HTTP response and tests."""

    run_id: str | None = None
    n_read: int = 0
    n_stored: int = 0
    n_duplicate: int = 0
    n_failed: int = 0
    n_events: int = 0
    seconds: float = 0.0
    stored_ids: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["failures"] = [dataclasses.asdict(f) for f in self.failures]
        return d


class Pipeline:
    """Loaded stages (each loaded once, on first use) and the per-document coding."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    @cached_property
    def nlp(self):
        return nlp_mod.load(self.settings.model, self.settings.max_chars)

    @cached_property
    def actor_coder(self):
        from .actors import ActorCoder

        return ActorCoder.from_package()

    @cached_property
    def event_coder(self):
        from .events import EventCoder

        return EventCoder.from_package(self.actor_coder)

    @cached_property
    def geocoder(self):
        from .geo import Geocoder

        return Geocoder.from_package()

    @cached_property
    def quote_extractor(self):
        from .quotes import QuoteExtractor

        return QuoteExtractor.from_package()

    def warm_up(self) -> "Pipeline":
        """Load every stage now (workers do this once, before their first task)."""
        for name in ("nlp", "actor_coder", "event_coder", "geocoder", "quote_extractor"):
            getattr(self, name)
        return self

    # -- coding -----------------------------------------------------------
    def code_doc(self, doc, article: Article) -> DocResult:
        """All stages after the parse, for one parsed article."""
        text = nlp_mod.doc_text(doc, article)  # a slice of it is Span.text, without a Token per word
        sentences = tuple(
            Sentence(article.id, i, text[s.start_char:s.end_char], s.start_char, s.end_char)
            for i, s in enumerate(doc.sents))
        mentions = self.actor_coder.code(doc, article)
        events = self.event_coder.code(doc, article, mentions)
        events = self.geocoder.locate(doc, article, mentions, events)
        events = self.event_coder.complete_from_places(events, doc)
        quotes, events = self.quote_extractor.extract(doc, article, mentions, events)
        signature = dedup.signature(article.text, self.settings)
        return DocResult(article, sentences, tuple(mentions), tuple(events), tuple(quotes),
                         signature)

    def code_articles(self, articles: Iterable[Article]) -> Iterator[DocResult | Failure]:
        """Parse in batches with `nlp.pipe` and code each document; a document
        that fails becomes a `Failure` and the stream goes on."""
        fitted = (self._fit(a) for a in articles)
        for article, doc in nlp_mod.parse(self.nlp, fitted, batch_size=self.settings.batch_size):
            try:
                yield self.code_doc(doc, article)
            except DyadwatchError as exc:
                yield _failure(article, str(exc), getattr(exc, "code", "E000"))
            except Exception as exc:  # a coder bug must not stop the batch
                yield _failure(article, f"internal error while coding: {type(exc).__name__}: "
                                        f"{exc}", "E900")

    def _fit(self, article: Article) -> Article:
        """Cut an over-long text at a sentence end before `max_chars` (spaCy's
        memory grows with document length; the id stays that of the full text)."""
        limit = self.settings.max_chars
        if len(article.text) <= limit:
            return article
        cut = max(article.text.rfind(". ", 0, limit), article.text.rfind("\n", 0, limit))
        cut = cut + 1 if cut > limit // 2 else limit
        return dataclasses.replace(article, text=article.text[:cut])

    def code_text(self, text: str, *, date=None, doc_id: str | None = None) -> DocResult:
        """Code one text (no storage). Raises InputError for text with no content."""
        article = ingest.article_from_text(text, date=date, doc_id=doc_id)
        result = next(iter(self.code_articles([article])))
        if isinstance(result, Failure):
            err = DyadwatchError(result.reason)
            err.code = result.code  # keep the stage's own code (E101 empty, E900 ...)
            raise err
        return result


def _failure(article: Article, reason: str, code: str) -> Failure:
    return Failure(path=article.source_path or article.doc_id or article.id, reason=reason,
                   line=article.source_line, code=code, doc_id=article.doc_id)


def batched(items: Iterable, n: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(itertools.islice(it, n)):
        yield chunk


ProgressFn = Callable[[int, int], None]  # (documents read so far, stored so far)


def process(paths: Sequence[str | Path] | Iterable[Article | Failure], db: str | Path,
            settings: Settings | None = None, *, pipeline: Pipeline | None = None,
            store: Store | None = None, command: str = "ingest",
            progress: ProgressFn | None = None) -> RunReport:
    """Ingest files (or already-read articles) into the DuckDB file `db`.

    Idempotent: articles already stored are skipped; a killed run re-run
    with the same input ends with the rows of an uninterrupted run. Pass
    `store` to write through an open Store (the HTTP server does: it owns
    its database); otherwise the file is opened and closed here.
    """
    settings = settings or Settings()
    pipeline = pipeline or Pipeline(settings)
    own_store = store is None
    store = store or Store.open(db)
    started = time.perf_counter()
    report = RunReport()
    try:
        report.run_id = store.start_run(command)
        chunks = _prepared(_items(paths), store, report, _chunk_size(settings))
        for results, failures in _coded(chunks, pipeline, settings.n_process):
            _write(results, store, report, failures)
            store.record_failures(failures, report.run_id)
            report.n_failed += len(failures)
            report.failures.extend(failures)
            if progress:
                progress(report.n_read, report.n_stored)
        dedup.update(store.con, settings)
        report.seconds = time.perf_counter() - started
        store.finish_run(report.run_id, n_read=report.n_read, n_stored=report.n_stored,
                         n_duplicate=report.n_duplicate, n_failed=report.n_failed)
    finally:
        if own_store:
            store.close()
    return report


def _chunk_size(settings: Settings) -> int:
    """Articles per chunk (one existing-id check, one write transaction).

    In one process, four spaCy batches: fewer, larger transactions. In a
    pool a chunk is also one task, so it is one batch: with 256-article
    tasks, 400 articles split 256/144 between two workers and the run took
    as long as the larger share (bench/pipeline.py measured 1.2x for 2
    processes); one batch per task keeps the last tasks short and the
    workers evenly loaded.
    """
    batch = max(settings.batch_size, 1)
    return batch * 4 if settings.n_process <= 1 else batch


def _items(paths) -> Iterator[Article | Failure]:
    paths = list(paths)
    if paths and all(isinstance(p, (Article, Failure)) for p in paths):
        return iter(paths)
    return ingest.read_paths(paths)


def _prepared(items: Iterable[Article | Failure], store: Store, report: RunReport,
              size: int) -> Iterator[tuple[list[Article], list[Failure]]]:
    """Chunks of articles not stored yet (and the read failures among them)."""
    seen: set[str] = set()
    for chunk in batched(items, size):
        failures = [x for x in chunk if isinstance(x, Failure)]
        articles = [x for x in chunk if isinstance(x, Article)]
        report.n_read += len(articles)
        present = store.existing_ids([a.id for a in articles])
        fresh = []
        for a in articles:
            if a.id in present or a.id in seen:
                report.n_duplicate += 1
                report.duplicate_ids.append(a.id)
            else:
                seen.add(a.id)
                fresh.append(a)
        yield fresh, failures


@functools.cache
def worker_pipeline(settings: Settings) -> Pipeline:
    """The pipeline of a worker process (pool or Dask), loaded on its first
    task and kept for the rest: the model loads once per process."""
    return Pipeline(settings).warm_up()


def _code_chunk(settings: Settings, articles: list[Article]) -> list[DocResult | Failure]:
    return list(worker_pipeline(settings).code_articles(articles))


def _split(coded: Iterable[DocResult | Failure], failures: list[Failure]) -> list[DocResult]:
    results = []
    for r in coded:
        (failures if isinstance(r, Failure) else results).append(r)
    return results


def _coded(chunks: Iterator[tuple[list[Article], list[Failure]]], pipeline: Pipeline,
           n_process: int) -> Iterator[tuple[list[DocResult], list[Failure]]]:
    """Code chunks in this process, or in `n_process` worker processes with
    at most two chunks per worker in flight (memory stays bounded), results
    in input order. Workers are spawned, not forked: the parent holds DuckDB
    threads, and a fork could copy a held lock."""
    if n_process <= 1:
        for fresh, failures in chunks:
            yield _split(pipeline.code_articles(fresh), failures), failures
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(n_process, mp_context=ctx, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        pending: deque = deque()
        for fresh, failures in chunks:
            pending.append((pool.submit(_code_chunk, pipeline.settings, fresh), failures))
            if len(pending) >= 2 * n_process:
                fut, f = pending.popleft()
                yield _split(fut.result(), f), f
        while pending:
            fut, f = pending.popleft()
            yield _split(fut.result(), f), f


def _write(results: list[DocResult], store: Store, report: RunReport,
           failures: list[Failure]) -> None:
    """One transaction for the batch; if it fails, retry document by
    document so one bad document cannot take the batch down with it. A
    store that cannot be written at all (read-only, disk full) stops the run
    instead: retrying would record every good document as a failure."""
    try:
        written = store.write(results)
        batches = [written]
    except StoreReadOnlyError:
        raise
    except StoreError:
        batches = []
        for r in results:
            try:
                batches.append(store.write([r]))
            except StoreReadOnlyError:
                raise
            except StoreError as exc:
                failures.append(_failure(r.article, str(exc), exc.code))
    for w in batches:
        report.n_stored += len(w.stored)
        report.stored_ids.extend(w.stored)
        report.n_duplicate += len(w.duplicates)
        report.duplicate_ids.extend(w.duplicates)
        report.n_events += w.n_events

