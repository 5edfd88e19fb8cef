"""What the HTTP server owns while it runs: its database, one writer thread,
the loaded pipeline, and the rules for who may read and write.

DuckDB lets one process hold a file for writing and then nobody else may
open it, so the server is the database's only writer for its lifetime
(as datasette is for SQLite). Writes (POSTed ingests) run one at a time on
a single writer thread through the `Store`; every read request gets its own
cursor, a separate DuckDB connection to the same database, so reads see the
last committed state and keep being answered while an ingest runs (DuckDB's
MVCC: readers never wait for the writer). Each read is bounded in time by a
timer that calls `cursor.interrupt()`.
"""

from __future__ import annotations

import hmac
import logging
import queue
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
from fastapi import Request

from ..access import TOKEN_COOKIE, bearer, tokens_match
from ..config import Settings
from ..coding.pipeline import Pipeline, RunReport
from ..store.damage import damaged_error, is_damaged
from ..store.db import Store
from .refusals import refuse

#: POSTed ingests allowed to wait for the writer before new ones are refused
#: with 503: each holds its parsed documents in memory while it waits.
MAX_QUEUED_INGESTS = 8
#: Seconds a stopping server waits for a running ingest to finish.
STOP_GRACE_S = 30.0

log = logging.getLogger("dyadwatch.api")


class Writer:
    """Jobs run one at a time, in order, on one daemon thread.

    Not a ThreadPoolExecutor: its threads are joined at interpreter exit,
    so a stuck ingest would keep a stopped server from exiting. A daemon
    thread ends with the process; DuckDB's write-ahead log then discards
    the uncommitted batch.
    """

    def __init__(self, name: str) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Any, *args: Any) -> Future:
        future: Future = Future()
        self._jobs.put((future, fn, args))
        return future

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, fn, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # handed to whoever waits on the future
                future.set_exception(exc)

    def shutdown(self, grace_s: float) -> bool:
        """Cancel queued jobs, wait up to `grace_s` for the running one;
        True when the thread has finished."""
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job[0].cancel()
        self._jobs.put(None)
        self._thread.join(grace_s)
        return not self._thread.is_alive()


class Server:
    """The database, writer thread and pipeline of one running app."""

    def __init__(self, db_path: str | Path, settings: Settings,
                 pipeline: Pipeline | None = None) -> None:
        self.db_path = str(db_path)
        self.settings = settings
        self.pipeline = pipeline or Pipeline(settings)
        self.store: Store | None = None
        self._root: duckdb.DuckDBPyConnection | None = None
        self._root_lock = threading.Lock()
        self._writer: Writer | None = None
        self._status_lock = threading.Lock()
        self._queued = 0
        self._running = False
        self.last_run_id: str | None = None
        self._cookie_key = secrets.token_bytes(32)

    # -- lifetime ------------------------------------------------------------
    def start(self, *, warm_up: bool = True) -> None:
        """Open the database read-write (creating it if needed) and start the writer.

        The pipeline's models load on the writer thread in the background,
        so the server answers reads at once and the first POST waits for
        the load instead of paying for it on every request.
        """
        self.store = Store.open(self.db_path)
        # Reader cursors are made from this connection, never from the
        # writer's, so request threads do not touch the writer's connection.
        self._root = self.store.cursor()
        self._writer = Writer("dyadwatch-writer")
        if warm_up:
            self._writer.submit(self.pipeline.warm_up)

    def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """Cancel queued ingests, give the running one `grace_s` to finish,
        then close the database.

        If it is still running after that, the database is left open for
        the process exit to end: closing it under a running write could
        crash, and DuckDB's write-ahead log discards the uncommitted batch,
        so every article is still either fully stored or absent.
        """
        if self._writer is not None:
            finished = self._writer.shutdown(grace_s)
            self._writer = None
            if not finished:
                log.warning("an ingest is still running after %.0f s; stopping without it "
                            "(batches already committed stay stored)", grace_s)
                return
        if self._root is not None:
            self._root.close()
            self._root = None
        if self.store is not None:
            self.store.close()
            self.store = None

    # -- reads ---------------------------------------------------------------
    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh cursor for one request, interrupted after `query_timeout_s`."""
        if self._root is None:
            raise refuse("starting")
        with self._root_lock:
            cur = self._root.cursor()
        limit = self.settings.query_timeout_s
        timer = threading.Timer(limit, cur.interrupt)
        timer.daemon = True
        timer.start()
        try:
            yield cur
        except duckdb.InterruptException as exc:
            raise refuse("query_timeout", seconds=limit) from exc
        except duckdb.Error as exc:
            if is_damaged(exc):
                raise damaged_error(self.db_path, exc) from exc
            raise
        finally:
            timer.cancel()
            cur.close()

    # -- writes --------------------------------------------------------------
    def submit_ingest(self, items: list[Any], command: str) -> Future:
        """Queue documents (Articles/Failures) for the writer thread; the
        future's result is the pipeline's RunReport."""
        if self._writer is None or self.store is None:
            raise refuse("stopping")
        with self._status_lock:
            if self._queued >= MAX_QUEUED_INGESTS:
                raise refuse("busy", queued=self._queued)
            self._queued += 1
        return self._writer.submit(self._ingest, items, command)

    def submit_job(self, fn: Any, *args: Any) -> Future:
        """Run `fn(*args)` on the writer thread, after the writes queued
        before it (the watch loop's cycles and source changes use this)."""
        if self._writer is None or self.store is None:
            raise refuse("starting")
        return self._writer.submit(fn, *args)

    def _ingest(self, items: list[Any], command: str) -> RunReport:
        from ..coding import pipeline as pipeline_mod

        with self._status_lock:
            self._queued -= 1
            self._running = True
        try:
            report = pipeline_mod.process(items, self.db_path, self.settings, store=self.store,
                                          pipeline=self.pipeline, command=command)
            self.last_run_id = report.run_id
            return report
        finally:
            with self._status_lock:
                self._running = False

    def ingest_status(self) -> dict[str, Any]:
        with self._status_lock:
            return {"running": self._running, "queued": self._queued,
                    "last_run_id": self.last_run_id}

    # -- access --------------------------------------------------------------
    @property
    def writes_enabled(self) -> bool:
        return bool(self.settings.api_token)

    def check_read(self, request: Request) -> None:
        """Reads are open unless a read token is set; the write token also reads."""
        if not self.settings.read_token:
            return
        given, cookie = bearer(request), request.cookies.get(TOKEN_COOKIE)
        if not given and not cookie:
            raise refuse("read_token_missing")
        tokens = [t for t in (self.settings.read_token, self.settings.api_token) if t]
        if given:
            valid = any(tokens_match(given, t) for t in tokens)
        else:
            valid = any(tokens_match(cookie, self.cookie_value(t)) for t in tokens)
        if not valid:
            raise refuse("read_token_invalid")

    def cookie_value(self, token: str) -> str:
        """What the dashboard's cookie holds for `token`: an HMAC of it under a
        key made when this server started, never the token itself, so a
        cookie read from a browser profile or a proxy log does not give the
        token (which also works for the API), and every cookie stops working
        when the server restarts (open the dashboard with ?token= again)."""
        return hmac.new(self._cookie_key, token.encode("utf-8"), "sha256").hexdigest()

    def check_write(self, request: Request) -> None:
        if not self.settings.api_token:
            raise refuse("writes_disabled")
        given = bearer(request)
        if not given:
            raise refuse("write_token_missing")
        if not tokens_match(given, self.settings.api_token):
            raise refuse("write_token_wrong")

