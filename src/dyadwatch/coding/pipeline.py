"""The one orchestrator: runs the stages over a stream of documents.

    ingest -> nlp -> Settings.stages (sentences, actors, events, geo, places,
    quotes, signature: see stages.py) -> store -> dedup

`Pipeline.code_articles` is the unit of work: articles in, `DocResult`s (or
`Failure`s) out. It is pure with respect to storage, so the same method runs
here, in the local worker pool (`n_process > 1`) and on Dask workers
(`scale.py`); nothing is implemented twice. `process` adds storage: it skips
articles already stored (content hash), writes each batch in one
transaction, records every failure in the `errors` table, and finally
groups stories and canonical events.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import copyreg
import io
import itertools
import operator
import os
import pickle
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .. import prebuilt
from ..sources import ingest
from ..sources.articles import article_from_text
from . import nlp as nlp_mod
from . import tree
from .lifeline import die_with_parent
from ..config import Settings
from ..errors import DyadwatchError, StoreError, StoreReadOnlyError, error, error_class
from ..types import Actor, Article, DocResult, Event, Failure, Location, Mention, Quote, Sentence
from .stages import STAGES, GeoStage, Stage, StageFn, State, check

if TYPE_CHECKING:  # the store (DuckDB, pyarrow) is imported by `process` only: coding
    from ..store.db import Store  # processes (`code`, pool and Dask workers) never load it


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
    """The coding stages of `settings.stages`, checked when the pipeline is
    made, each loaded once on first use, run over every parsed document."""

    def __init__(self, settings: Settings | None = None, *,
                 registry: Mapping[str, Stage] = STAGES) -> None:
        self.settings = settings or Settings()
        self.stages = check(self.settings.stages, registry)

    @cached_property
    def nlp(self):
        reads = [a for s in self.stages for a in s.spacy_attrs]
        try:
            return nlp_mod.load(self.settings.model, self.settings.max_chars, reads)
        except nlp_mod.UnassignedAttributeError as exc:
            readers = [s.name for s in self.stages if set(s.spacy_attrs) & set(exc.attrs)]
            raise nlp_mod.unassigned(exc.attrs, exc.pipe_names,
                                     f"stage {', '.join(map(repr, readers))}") from None

    @cached_property
    def loaded(self) -> tuple[StageFn, ...]:
        """Each stage loaded (its tables read) once, without collections in
        between (prebuilt.collector_paused), then frozen."""
        with prebuilt.collector_paused():
            loaded = tuple(s.make(self.settings) for s in self.stages)
        prebuilt.freeze()
        return loaded

    @property
    def geocoder(self):
        """The geo stage's geocoder (the query side resolves `--near` with it)."""
        for fn in self.loaded:
            if isinstance(fn, GeoStage):
                return fn.geocoder
        from .geo import Geocoder

        return Geocoder.from_package()

    @cached_property
    def fingerprint(self):
        """The coder fingerprint (provenance.py), stamped on runs and articles."""
        from ..provenance import fingerprint

        return fingerprint(self.settings)

    def warm_up(self) -> "Pipeline":
        """Load the model and every stage now (workers do this once, before their first task)."""
        self.nlp
        self.loaded
        return self

    # -- coding -----------------------------------------------------------
    def code_doc(self, doc, article: Article) -> DocResult:
        """Every stage, in order, over one parsed article."""
        state = State(article, nlp_mod.doc_text(doc, article))  # slices of it are Span texts
        try:
            for run in self.loaded:
                state = run(doc, state)
        finally:
            tree.release(doc)  # the tables the stages kept point back at the Doc (see tree.py)
        return state.result()

    def code_articles(self, articles: Iterable[Article]) -> Iterator[DocResult | Failure]:
        """Parse in batches with `nlp.pipe` and code each document; a document
        that fails becomes a `Failure` and the stream goes on.

        Every `zone_size` documents (four spaCy batches) are parsed and coded
        inside one spaCy memory zone: the strings and lexemes the zone's
        documents added to the vocab are freed when it ends. Without it the
        vocab keeps every word form ever seen (names, figures, typos), so a
        long run grows by about 0.5 KB per new form: +46 MB for the forms of
        8,000 documents with ten new words each. Nothing outlives a zone
        but the `DocResult`s, which hold plain values (no Doc, Span or hash
        to look up); the zone's documents are whole spaCy batches, so every
        document is parsed in the same batch as without zones.
        """
        fitted = (self._fit(a) for a in articles)
        size, coded = self.zone_size, self.zone_size
        while coded == size:  # a shorter zone means the input has run out
            coded = 0
            with self.nlp.memory_zone():  # its articles are read lazily, batch by batch
                for result in self._code_parsed(itertools.islice(fitted, size)):
                    coded += 1
                    yield result

    @property
    def zone_size(self) -> int:
        """Documents per spaCy memory zone (see `code_articles`): those of
        one chunk of `process`, so one zone per write transaction."""
        return _chunk_size(self.settings)

    def _code_parsed(self, articles: Iterable[Article]) -> Iterator[DocResult | Failure]:
        for article, doc in nlp_mod.parse(self.nlp, articles, batch_size=self.settings.batch_size):
            try:
                yield self.code_doc(doc, article)
            except DyadwatchError as exc:
                yield _failure(article, str(exc), getattr(exc, "code", "E000"))
            except Exception as exc:  # a coder bug must not stop the batch
                bug = error("E900", doing="coding", reason=f"{type(exc).__name__}: {exc}")
                yield _failure(article, str(bug), bug.code)

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
        """Code one text (no storage). Errors are raised as their own class
        (EmptyDocumentError, DateError, ...), not turned into a Failure: a
        caller coding one text wants the exception it can catch by type."""
        article = self._fit(article_from_text(text, date=date, doc_id=doc_id))
        with self.nlp.memory_zone():  # a server codes texts all its life (see code_articles)
            ((article, doc),) = nlp_mod.parse(self.nlp, [article], batch_size=1)
            return self.code_doc(doc, article)


def failure_error(failure: Failure) -> DyadwatchError:
    """The error of a document that failed, as the class of its stage's code
    (EmptyDocumentError for E101, ...; DyadwatchError for E900)."""
    err = error_class(failure.code)(failure.reason)
    err.code = failure.code
    return err


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
            progress: ProgressFn | None = None, default_date=None) -> RunReport:
    """Ingest files (or already-read articles) into the DuckDB file `db`.

    Idempotent: articles already stored are skipped; a killed run re-run
    with the same input ends with the rows of an uninterrupted run. Pass
    `store` to write through an open Store (the HTTP server does: it owns
    its database); otherwise the file is opened and closed here.
    `default_date` (`ingest --date`) dates the articles that state no date
    of their own, so that their events count in series and alerts.
    """
    from ..store import dedup
    from ..store.db import Store

    settings = settings or Settings()
    pipeline = pipeline or Pipeline(settings)
    own_store = store is None
    store = store or Store.open(db)
    started = time.perf_counter()
    report = RunReport()
    try:
        report.run_id = store.start_run(command, pipeline.fingerprint.id)
        chunks = _prepared(_dated(_items(paths), default_date), store, report, _chunk_size(settings))
        # a file opened here has no other reader: DuckDB's cache is bounded
        # while it is written, so the writer does not grow with the file
        with store.cache_bound() if own_store else contextlib.nullcontext():
            for results, failures in _coded(chunks, pipeline, settings.n_process):
                _write(results, store, report, failures, pipeline.fingerprint.id)
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
    """Articles per chunk (one existing-id check, one write transaction):
    four spaCy batches, whatever the number of workers.

    The same chunks with one process and with a pool mean the same write
    transactions, so the database file comes out the same: with one-batch
    transactions for the pool it was 27% larger for the same rows (DuckDB's
    automatic checkpoints then fall between more, smaller appends and leave
    free blocks and extra row groups behind). A pool still gets one batch
    per task (`_coded`): with 256-article tasks, 400 articles split 256/144
    between two workers and the run took as long as the larger share.
    """
    return max(settings.batch_size, 1) * 4


def _items(paths) -> Iterator[Article | Failure]:
    paths = list(paths)
    if paths and all(isinstance(p, (Article, Failure)) for p in paths):
        return iter(paths)
    return ingest.read_paths(paths)


def _dated(items: Iterator[Article | Failure], day) -> Iterator[Article | Failure]:
    """Items with `day` as the date of every article that has none (the article's
    own date, from its text, metadata or file name, always wins)."""
    if day is None:
        return items
    return (dataclasses.replace(x, date=day, date_text=f"ingest --date {day.isoformat()}")
            if isinstance(x, Article) and x.date is None else x for x in items)


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


def _code_chunk(settings: Settings, articles: list[Article]) -> bytes:
    """A worker's task: one spaCy batch coded, pickled for the way back (`_packed`)."""
    return _packed(list(worker_pipeline(settings).code_articles(articles)))


def _packed(results: list[DocResult | Failure]) -> bytes:
    """`results` pickled with each of our dataclasses reduced to its class
    and field values (`_wire_reducers`); `pickle.loads` reads it back.

    The default pickling of a frozen, slotted dataclass calls
    `dataclasses.fields` and `object.__setattr__` per field in Python, for
    each of the ~100 objects of an article: 0.84-0.89 ms to dump and
    0.99-1.06 to load per article of 150 words, against 0.42 and 0.67 this
    way (the class is called with its values: `__init__` is generated code)."""
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _wire_reducers()
    pickler.dump(results)
    return buf.getvalue()


@functools.cache
def _wire_reducers() -> dict:
    """copyreg's reductions, and for each result dataclass (none has a
    __post_init__ or a field left out of __init__) its class and values."""
    table = copyreg.dispatch_table.copy()
    for cls in (Article, Failure, Sentence, Actor, Mention, Location, Event, Quote, DocResult):
        get = operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))
        table[cls] = functools.partial(_reduced, cls, get)
    return table


def _reduced(cls: type, get: Callable, obj) -> tuple:
    return cls, get(obj)


def _split(coded: Iterable[DocResult | Failure], failures: list[Failure]) -> list[DocResult]:
    results = []
    for r in coded:
        (failures if isinstance(r, Failure) else results).append(r)
    return results


def _coded(chunks: Iterator[tuple[list[Article], list[Failure]]], pipeline: Pipeline,
           n_process: int) -> Iterator[tuple[list[DocResult], list[Failure]]]:
    """Code chunks in this process, or in `n_process` coding processes: this
    one and `n_process - 1` spawned workers, one spaCy batch per task,
    results in input order and regrouped into their chunk (one write each).

    This process codes too (`_Task.steal`): a task no worker has started
    yet is coded here instead, between two writes. One process fewer than
    coders means one model and table load fewer, and the tasks coded here
    are never pickled; with `n_process` worker processes as well as the
    writer, `--workers 2` ran three processes on two cores and spent
    x1.12-1.24 the CPU per article of one process. Three chunks are in
    flight: with two, this process, coding the next chunk's free tasks while
    a worker ended the one it waits for, often found none left and waited
    (48 s of 261 on 600 articles); memory stays bounded by three chunks of
    articles and results. Workers are spawned, not forked:
    this process holds DuckDB threads, and a fork could copy a held lock."""
    if n_process <= 1:
        for fresh, failures in chunks:
            yield _split(pipeline.code_articles(fresh), failures), failures
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    settings = pipeline.settings
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(n_process - 1, mp_context=ctx, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        pending: deque[tuple[list[_Task], list[Failure]]] = deque()
        for fresh, failures in chunks:
            tasks = [_Task(part, pool.submit(_code_chunk, settings, part))
                     for part in batched(fresh, max(settings.batch_size, 1))]
            pending.append((tasks, failures))
            if len(pending) >= 3:
                yield _gathered(*pending.popleft(), pending, pipeline)
        while pending:
            yield _gathered(*pending.popleft(), pending, pipeline)


@dataclass
class _Task:
    """One spaCy batch submitted to the pool, which this process may code
    itself while no worker has started it."""

    part: list[Article]
    future: Future
    coded: list[DocResult | Failure] | None = None

    def done(self) -> bool:
        return self.coded is not None or self.future.done()

    def steal(self, pipeline: Pipeline) -> None:
        """Code the batch here if no worker has taken it yet (a future the
        pool has not handed to a worker can still be cancelled)."""
        if self.coded is None and self.future.cancel():
            self.coded = list(pipeline.code_articles(self.part))

    def result(self) -> list[DocResult | Failure]:
        if self.coded is not None:
            return self.coded
        return pickle.loads(self.future.result())


def _gathered(tasks: list[_Task], failures: list[Failure], later: Iterable[tuple[list[_Task], list]],
              pipeline: Pipeline) -> tuple[list[DocResult], list[Failure]]:
    """One chunk's results, in input order. Until its last task is done
    this process codes the tasks no worker has started, the chunk's own
    first, then those of the `later` chunks already submitted, so that it
    is not idle while a worker finishes the chunk's last batch."""
    for task in itertools.chain(tasks, (t for ts, _ in later for t in ts)):
        if all(t.done() for t in tasks):
            break
        task.steal(pipeline)
    coded = [r for task in tasks for r in task.result()]
    return _split(coded, failures), failures


def _write(results: list[DocResult], store: Store, report: RunReport,
           failures: list[Failure], fingerprint: str) -> None:
    """One transaction for the batch; if it fails, retry document by
    document so one bad document cannot take the batch down with it. A
    store that cannot be written at all (read-only, disk full) stops the run
    instead: retrying would record every good document as a failure."""
    try:
        written = store.write(results, fingerprint)
        batches = [written]
    except StoreReadOnlyError:
        raise
    except StoreError:
        batches = []
        for r in results:
            try:
                batches.append(store.write([r], fingerprint))
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

