"""The watch loop: sources polled, new articles fetched and coded, alerts
evaluated, notifications sent; once (`--once`) or every N minutes.

One cycle:

    due sources -> feeds / sitemaps / pages / folder files   (fetch.py, feeds.py)
      -> addresses not handled before (watch_urls, articles.url)
      -> pages fetched and extracted, lazily, while the pipeline codes
      -> pipeline.process: the same code, storage and dedup as `ingest`
      -> addresses marked handled, sources' validators saved
      -> rules evaluated, new alerts stored                   (analysis/alerts.py)
      -> every alert not yet sent on a channel is sent        (notify/)

Resumable after kill -9: articles are stored in per-batch transactions, an
address counts as handled once an article is stored under it, validators
(ETag) are saved only after everything a source listed is handled, and
notifications are sent for every stored alert that has no "sent" row on a
channel, so a restart finishes what was cut off without adding anything
twice. Alert ids are deterministic, so re-evaluating finds the same alert.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis import alerts as alerts_mod
from ..coding import pipeline as pipeline_mod
from ..errors import InputError, error
from ..notify.message import Message, alert_message, digest_message
from ..notify.send import Sender, channel_id, display
from ..store import watch_state as state
from ..store.db import Store
from ..types import Article, Failure
from . import ingest
from .articles import failure
from .files import walk
from .feeds import Entry, page_article, parse_feed, parse_sitemap
from .fetch import Fetcher, FetchPolicy, FetchResult, Validators, url_key
from .watchfile import WatchFile

log = logging.getLogger("dyadwatch.watch")

#: Pages fetched at once (they wait on the network, not on the CPU; the
#: per-host cap in fetch.py keeps this polite to any one site).
FETCH_THREADS = 8
#: Pages fetched ahead of the coder: bounds memory while keeping it busy.
PAGE_CHUNK = 64
#: A notification that failed this many times is no longer retried.
MAX_SEND_ATTEMPTS = 9


@dataclass(frozen=True)
class CycleReport:
    sources_polled: int
    new_articles: int
    stored: int
    events: int
    alerts: int
    notifications: int
    errors: int
    seconds: float
    poll_s: float  # fetching and parsing feeds and sitemaps
    fetch_s: float  # fetching and extracting article pages (FETCH_THREADS at once)
    code_s: float  # coding, storing and dedup (pipeline.process less fetch_s)
    messages: tuple[Message, ...] = ()

    def line(self) -> str:
        return (f"cycle: {self.sources_polled} sources polled, {self.new_articles} new "
                f"articles ({self.stored} stored), {self.events} events, {self.alerts} "
                f"alerts, {self.notifications} notifications, {self.errors} errors "
                f"({self.seconds:.1f} s)")


@dataclass(frozen=True)
class _Poll:
    """What one source gave this cycle."""

    address: str
    status: int | None
    error: str | None
    entries: tuple[Entry, ...] = ()
    files: tuple[Path, ...] = ()
    validators: tuple[tuple[str, str | None, str | None], ...] = ()
    outlet: str | None = None


@dataclass
class _Counts:
    """Mutable tallies of one cycle (local to `Watcher.cycle`)."""

    fetch_s: float = 0.0
    errors: int = 0
    fetches: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Watcher:
    """Runs cycles for one sources file against one open Store (the CLI's,
    or the server's on its writer thread)."""

    def __init__(self, store: Store, watchfile: WatchFile, pipeline: pipeline_mod.Pipeline, *,
                 policy: FetchPolicy | None = None, sender: Sender | None = None,
                 dry_run: bool = False, dashboard_url: str | None = None,
                 as_of: object = None) -> None:
        self.store = store
        self.wf = watchfile
        self.pipeline = pipeline
        ua = watchfile.user_agent
        self.policy = policy or (FetchPolicy(user_agent=ua) if ua else FetchPolicy())
        self.sender = sender or Sender()
        self.dry_run = dry_run
        self.dashboard_url = dashboard_url or watchfile.dashboard_url
        self.as_of = as_of
        self._counts = _Counts()
        # One client for the watcher's life: its connections, TLS context
        # and robots.txt cache are reused from cycle to cycle.
        self._fetcher = Fetcher(self.policy, record=lambda r, s: _collect(self._counts, r, s))
        state.upsert_sources(store, (source_row(s) for s in watchfile.sources), "file")
        state.prune_file_sources(store, [s.address for s in watchfile.sources])

    def close(self) -> None:
        self._fetcher.close()

    def __enter__(self) -> "Watcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the loop ---------------------------------------------------------------
    def run(self, every_s: float, *, once: bool = False,
            stop: threading.Event | None = None,
            on_cycle: Callable[[CycleReport], None] | None = None) -> CycleReport:
        """Cycles until `stop` is set (or one, with `once`); returns the last report."""
        stop = stop or threading.Event()
        while True:
            report = self.cycle(force=once)
            log.info(report.line())
            if on_cycle:
                on_cycle(report)
            if once or stop.wait(every_s):
                return report

    def cycle(self, *, force: bool = False) -> CycleReport:
        started = time.perf_counter()
        counts = _Counts()
        now = dt.datetime.now()
        self._counts = counts
        fetcher = self._fetcher
        sources = [s for s in state.list_sources(self.store.con) if force or _due(s, now)]
        polls = self._poll(fetcher, sources, counts)
        poll_s = time.perf_counter() - started
        report, new_by_source = self._ingest(fetcher, polls, counts)
        n_new = sum(new_by_source.values())
        state.save_validators(self.store, [v for p in polls for v in p.validators])
        state.mark_polled(self.store, [(p.address, now, p.status, p.error,
                                        new_by_source.get(p.address, 0)) for p in polls])
        state.record_fetches(self.store, counts.fetches)
        state.prune_fetches(self.store, self.pipeline.settings.fetch_log_days)
        n_alerts = self._alerts()
        sent, messages = self._notify()
        counts.errors += report.n_failed
        total = time.perf_counter() - started
        return CycleReport(len(sources), n_new, report.n_stored, report.n_events, n_alerts,
                           sent, counts.errors, total, poll_s, counts.fetch_s,
                           max(0.0, report.seconds - counts.fetch_s), tuple(messages))

    # -- sources ------------------------------------------------------------------
    def _poll(self, fetcher: Fetcher, sources: list[dict], counts: _Counts) -> list[_Poll]:
        known = state.validators(self.store.con, [s["address"] for s in sources])
        with ThreadPoolExecutor(FETCH_THREADS) as pool:
            polls = list(pool.map(lambda s: self._poll_one(fetcher, s, known), sources))
        counts.errors += sum(1 for p in polls if p.error)
        return polls

    def _poll_one(self, fetcher: Fetcher, src: dict, known: dict) -> _Poll:
        address, kind = src["address"], src["kind"]
        try:
            if kind == "folder":
                return _poll_folder(address)
            if kind == "article":
                return _Poll(address, None, None, (Entry(address),), outlet=src["outlet"])
            return self._poll_listing(fetcher, src, known.get(address))
        except Exception as exc:  # one bad source never stops a cycle
            log.exception("source %s failed", address)
            return _Poll(address, None, f"internal error: {type(exc).__name__}: {exc}")

    def _poll_listing(self, fetcher: Fetcher, src: dict, cached: tuple | None) -> _Poll:
        address, kind = src["address"], src["kind"]
        res = fetcher.get(address, kind, Validators(*cached) if cached else None, source=address)
        if res.not_modified:
            return _Poll(address, 304, None)
        if not res.ok:
            return _Poll(address, res.status, res.error)
        listing = parse_feed(res.body) if kind == "feed" else parse_sitemap(res.body)
        entries = list(listing.entries)
        for child in listing.children[:50]:  # a sitemap index: one level down
            sub = fetcher.get(child, "sitemap", source=address)
            if sub.ok:
                entries += parse_sitemap(sub.body).entries
        valid = ((address, res.etag, res.last_modified),) if not listing.problem else ()
        return _Poll(address, res.status, listing.problem, tuple(entries), (), valid,
                     src["outlet"])

    # -- articles ------------------------------------------------------------------
    def _ingest(self, fetcher: Fetcher, polls: list[_Poll], counts: _Counts
                ) -> tuple[pipeline_mod.RunReport, Counter]:
        """New addresses -> pages -> the ingest pipeline; marks them handled."""
        todo: dict[str, tuple[Entry, str, str | None]] = {}
        files: dict[str, tuple[Path, str]] = {}
        for p in polls:
            for e in p.entries:
                todo.setdefault(url_key(e.url), (e, p.address, p.outlet))
            for f in p.files:
                files.setdefault(f"file:{f}", (f, p.address))
        known = state.known_keys(self.store, [(k, e.url, src) for k, (e, src, _) in todo.items()])
        known |= state.known_keys(self.store, [(k, "", src) for k, (_, src) in files.items()])
        todo = {k: v for k, v in todo.items() if k not in known}
        files = {k: v for k, v in files.items() if k not in known}
        new_by_source = Counter(src for _, src, _ in todo.values())
        new_by_source.update(src for _, src in files.values())
        if not todo and not files and not state.dedup_pending(self.store.con):
            # Nothing new: no run, no regrouping of everything stored (seconds
            # on a large database, for a cycle that should cost milliseconds).
            return pipeline_mod.RunReport(), new_by_source
        handled: list[state.Handled] = []
        items = self._items(fetcher, todo, files, handled, counts)
        total = len(todo) + len(files)
        report = pipeline_mod.process(
            items, self.store.path, self.pipeline.settings, pipeline=self.pipeline,
            store=self.store, command="watch",
            progress=lambda n, s: log.info("progress: %d of %d new read, %d stored", n, total, s))
        state.mark_handled(self.store, _outcomes(handled, report))
        return report, new_by_source

    def _items(self, fetcher: Fetcher, todo: dict, files: dict, handled: list,
               counts: _Counts) -> Iterator[Article | Failure]:
        """Articles (and Failures) for the pipeline, fetched a chunk at a time
        while it codes the previous chunk's."""
        for key, (path, source) in files.items():
            handled.append(state.Handled(key, str(path), source, None, "stored"))
            yield from ingest.read_paths([path])
        pending = list(todo.items())
        with ThreadPoolExecutor(FETCH_THREADS) as pool:
            for i in range(0, len(pending), PAGE_CHUNK):
                chunk = pending[i:i + PAGE_CHUNK]
                t0 = time.perf_counter()
                got = list(pool.map(lambda kv: self._page(fetcher, *kv), chunk))
                counts.fetch_s += time.perf_counter() - t0
                for item, h in got:
                    if h is not None:
                        handled.append(h)
                    if item is not None:
                        yield item

    def _page(self, fetcher: Fetcher, key: str, value: tuple
              ) -> tuple[Article | Failure | None, state.Handled | None]:
        entry, source, outlet = value
        res = fetcher.get(entry.url, "html", source=source)
        if not res.ok:
            fail = failure(error("E110", reason=res.error), entry.url)
            if res.transient:  # retried next cycle
                return fail, None
            return fail, state.Handled(key, entry.url, source, None, "failed", res.error)
        try:
            article = page_article(res.body, entry, outlet=outlet)
        except InputError as exc:
            reason = exc.reason + (f" {exc.hint}" if exc.hint else "")
            return (Failure(entry.url, reason, code=exc.code),
                    state.Handled(key, entry.url, source, None, "failed", reason))
        except Exception as exc:  # an extractor bug must not stop the cycle
            bug = error("E900", doing="extracting", reason=f"{type(exc).__name__}: {exc}")
            reason = f"{bug.message} {bug.hint}"
            return (Failure(entry.url, reason, code=bug.code),
                    state.Handled(key, entry.url, source, None, "failed", reason))
        return article, state.Handled(key, entry.url, source, article.id, "pending")

    # -- alerts and notifications ---------------------------------------------------------
    def _alerts(self) -> int:
        new = 0
        for rule in self.wf.rules:
            report = alerts_mod.evaluate(self.store.con, rule, as_of=self.as_of)
            fresh = [a for a in report.alerts if not _overlapping(self.store, a)]
            new += len(state.insert_alerts(self.store, fresh))
        return new

    def _notify(self) -> tuple[int, list[Message]]:
        sent, messages = 0, []
        for rule in self.wf.rules:
            for url in rule.channels:
                pending = _unsent(self.store, rule.name, channel_id(url))
                if not pending:
                    continue
                batch = [(a, alerts_mod.evidence(self.store.con, a["event_ids"])) for a in pending]
                msgs = [digest_message(batch, self.dashboard_url)] if rule.digest else \
                    [alert_message(a, ev, self.dashboard_url) for a, ev in batch]
                for msg in msgs:
                    messages.append(msg)
                    if self.dry_run:
                        continue
                    res = self.sender.send(url, msg)
                    state.record_notification(
                        self.store, msg.alert_ids, channel_id(url), display(url),
                        "sent" if res.ok else "failed", res.attempts, res.error, rule.digest)
                    if res.ok:
                        sent += 1
                    else:
                        log.warning("notification to %s failed after %d attempts: %s",
                                    display(url), res.attempts, res.error)
        return sent, messages


def _collect(counts: _Counts, r: FetchResult, source: str | None) -> None:
    with counts.lock:
        counts.fetches.append((r.url, r.final_url, source, r.status, r.n_bytes,
                               round(r.seconds, 4), r.attempts, r.error))


def _due(src: dict, now: dt.datetime) -> bool:
    last = src.get("last_polled_at")
    return last is None or (now - last).total_seconds() >= src["interval_s"]


def _poll_folder(address: str) -> _Poll:
    folder = Path(address)
    if not folder.is_dir():
        return _Poll(address, None, f"folder {address} does not exist")
    files = tuple(p for p in walk([folder]) if isinstance(p, Path))
    return _Poll(address, None, None, (), files)


def source_row(s) -> dict:
    """A SourceSpec as a `sources` table row."""
    return {"address": s.address, "kind": s.resolved_kind, "name": s.name, "outlet": s.outlet,
            "language": s.language, "interval_s": s.interval, "tags": s.tags}


def _outcomes(handled: list[state.Handled], report: pipeline_mod.RunReport
              ) -> list[state.Handled]:
    """Pages whose article the pipeline stored, found a duplicate of, or
    could not code."""
    stored, failed = set(report.stored_ids), {f.path for f in report.failures}
    out = []
    for h in handled:
        if h.status != "pending":
            out.append(h)
        elif h.article_id in stored:
            out.append(dataclasses.replace(h, status="stored"))
        elif h.url in failed:
            out.append(dataclasses.replace(h, article_id=None, status="failed",
                                           reason="coding failed"))
        else:
            out.append(dataclasses.replace(h, status="duplicate"))
    return out


def _overlapping(store: Store, alert: alerts_mod.Alert) -> bool:
    """An alert of the same rule and dyad whose window overlaps this one's
    (the same escalation seen again a day later is not news)."""
    row = store.con.execute(
        "SELECT 1 FROM alerts WHERE rule = ? AND dyad = ? AND id <> ? AND window_end >= ? "
        "AND window_start <= ?", [alert.rule, alert.dyad, alert.id, alert.window_start,
                                  alert.window_end]).fetchone()
    return row is not None


def _unsent(store: Store, rule: str, channel: str) -> list[dict]:
    cur = store.con.execute(
        "SELECT a.* FROM alerts a LEFT JOIN notifications n ON n.alert_id = a.id "
        "AND n.channel = ? WHERE a.rule = ? AND (n.status IS NULL OR (n.status = 'failed' "
        "AND n.attempts < ?)) ORDER BY a.window_end, a.id", [channel, rule, MAX_SEND_ATTEMPTS])
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    for r in rows:
        r["changes"] = json.loads(r["changes"])
    return rows
