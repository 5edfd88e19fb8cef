"""DuckDB storage: one writer, bulk Arrow appends, one transaction per batch.

DuckDB lets one process hold a database file for writing, and then no other
process can open it, not even read-only. So a `Store` is the single writer of
its file (as datasette's Database is for SQLite): the CLI opens one per
command, the HTTP server owns one for its lifetime and runs ingests itself,
and readers in the same process use `store.cursor()` (one cursor per thread).

Writes are bulk: the `DocResult`s of a batch become one Arrow table per SQL
table (`results_to_arrow`, also what Dask workers write as Parquet shards)
and are appended with `INSERT ... SELECT` in one transaction. An article is
either stored with all its rows or absent, so a killed run leaves no half
article, and because articles are keyed by the hash of their text a re-run
skips what is there: the rows end up the same as after an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import _duckdb as duckdb

from ..errors import StoreError, error
from .damage import damaged_error, is_damaged
from .rows import results_to_rows, rows_to_arrow
from .schema import BATCH_TABLES, SCHEMA_VERSION, ddl, stored_version, upgrade

if TYPE_CHECKING:  # batches arrive as Arrow tables; a read-only open never loads pyarrow
    import pyarrow as pa

    from ..types import DocResult, Failure

#: Column order of each batch table (derived from schema.py): Arrow tables
#: are built with exactly these columns and INSERTs name them.
COLUMNS: dict[str, tuple[str, ...]] = {
    t.name: tuple(c.name for c in t.written) for t in BATCH_TABLES}

#: DuckDB's memory bound while `process` writes a file it opened (`Store.cache_bound`).
WRITER_MEMORY = "32MB"

#: Tables whose rows belong to one article and are re-made when it is re-coded.
ARTICLE_ROWS = tuple(t.name for t in BATCH_TABLES if t.name != "articles")


@dataclass(frozen=True)
class WriteReport:
    stored: tuple[str, ...]  # article ids newly stored
    duplicates: tuple[str, ...]  # article ids already present (or twice in the batch)
    n_events: int


def results_to_arrow(results: Iterable[DocResult], fingerprint: str | None = None
                     ) -> dict[str, pa.Table]:
    """One Arrow table per batch table: the bulk-insert unit, and the shard
    format Dask workers write as Parquet."""
    return {name: rows_to_arrow(name, rows)
            for name, rows in results_to_rows(results, fingerprint).items()}


def python_layer() -> None:
    """Import the `duckdb` package, which gives connections `con.sql`
    relations and lets SQL scan Arrow tables (once per process)."""
    importlib.import_module("duckdb")


_LOCK_RE = re.compile(r"PID (\d+)")


class Store:
    """The one writer of a dyadwatch DuckDB file (see the module docstring)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False,
             engine_only: bool = False) -> "Store":
        """Open (or create) the file. `engine_only`: the caller runs SQL and
        fetches rows (or pandas frames) only, so the `duckdb` package's
        Python layer, which `con.sql` relations and scans of Arrow tables
        need, is not imported (the read commands' start)."""
        path = str(path)
        if not engine_only:
            python_layer()
        if read_only and path != ":memory:" and not Path(path).exists():
            raise error("E304", path=path)
        try:
            con = duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            raise _open_error(path, exc) from exc
        store = cls(con, path, read_only)
        if not read_only:
            store._migrate()
        return store

    def _migrate(self) -> None:
        """Create what is missing and bring older files up to the schema, in
        one transaction (a kill leaves the file as it was): the DDL only
        creates tables that do not exist, so every declared column an older
        file lacks is added by an idempotent ALTER, and columns computed
        from other rows are filled when the file was last written by
        another version (`schema.upgrade`). The views in schema.sql come
        last, as they read the columns."""
        views = resources.files("dyadwatch.store").joinpath("schema.sql").read_text(
            encoding="utf-8")
        con = self.con
        try:
            con.begin()
            con.execute(ddl())
            existing: dict[str, set[str]] = {}
            for table, column in con.execute(
                    "SELECT table_name, column_name FROM duckdb_columns() "
                    "WHERE database_name = current_database() AND schema_name = 'main'"
            ).fetchall():
                existing.setdefault(table, set()).add(column)
            for statement in upgrade(existing, stored_version(con)):
                con.execute(statement)
            con.execute(views)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                        [SCHEMA_VERSION])
            con.commit()
        except duckdb.Error as exc:
            _rollback(con)
            con.close()
            raise _write_error(self.path, exc) from exc

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for reads in the calling thread (DuckDB cursors are
        per-thread views of the same database)."""
        return self.con.cursor()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes ---------------------------------------------------------
    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        rows = self.con.execute("SELECT id FROM articles WHERE list_contains(?, id)",
                                [list(ids)]).fetchall()
        return {r[0] for r in rows}

    def write(self, results: Sequence[DocResult], fingerprint: str | None = None) -> WriteReport:
        """Store a batch in one transaction; articles already present are
        skipped (their ids are reported as duplicates). `fingerprint`: the
        coder's, stamped on each new article."""
        self._check_writable()
        ids = [r.article.id for r in results]
        present = self.existing_ids(ids)
        fresh: list[DocResult] = []
        dup: list[str] = []
        seen: set[str] = set()
        for r in results:
            if r.article.id in present or r.article.id in seen:
                dup.append(r.article.id)
            else:
                seen.add(r.article.id)
                fresh.append(r)
        if fresh:
            self.write_tables(results_to_arrow(fresh, fingerprint))
        return WriteReport(tuple(r.article.id for r in fresh), tuple(dup),
                           sum(len(r.events) for r in fresh))

    def write_tables(self, tables: dict[str, pa.Table]) -> None:
        """Append Arrow tables (one per SQL table) in a single transaction.

        Articles already stored are filtered out inside the transaction, with
        their rows in the other tables, so loading the same shard twice is a
        no-op (this is what makes Dask shard loading resumable).

        The appends run on one DuckDB thread (the setting is restored after):
        a batch is a few thousand rows per table, and with a thread per core
        the same appends cost 30-60% more CPU (0.94-1.26 against 1.50-1.68
        CPU-ms per article on 300 synthetic articles, in 128-article
        batches; wall time no longer), CPU that a coding process then lacks.
        """
        self._check_writable()
        con = self.con
        try:
            (threads,) = con.execute("SELECT current_setting('threads')").fetchone()
            con.execute("SET threads = 1")
        except duckdb.Error as exc:
            raise _write_error(self.path, exc) from exc
        try:
            self._append(tables)
        finally:
            with contextlib.suppress(duckdb.Error):  # the append's own error comes first
                con.execute(f"SET threads = {int(threads)}")

    @contextlib.contextmanager
    def cache_bound(self, limit: str = WRITER_MEMORY) -> Iterator[None]:
        """Bound DuckDB's memory to `limit` inside the block (DuckDB's default
        after: nothing in dyadwatch sets another).

        DuckDB keeps the blocks it writes and reads cached, and the key
        indexes' buffers loaded, up to its memory limit (80% of the
        machine), so a writer's memory grew with its database: writing the
        rows of 128 coded articles again and again (no NLP), 183 -> 218 MB
        between writes from 512 to 8,192 articles (peak 214 -> 301 MB).
        Under a 32 MB bound they are evicted: 184 MB flat (peak 201 -> 220
        MB), for about a third more CPU in the appends (key indexes read
        back: about 0.7 CPU-ms per article, under 1% of an ingest). For a
        writer alone on its file (`process` with a file it opened): readers
        of a shared store would spill or fail under the bound, and the
        grouping's aggregates, which do not spill, run after the block."""
        self._check_writable()
        try:
            self.con.execute(f"SET memory_limit = '{limit}'")
        except duckdb.Error as exc:
            raise _write_error(self.path, exc) from exc
        try:
            yield
        finally:
            with contextlib.suppress(duckdb.Error):  # the block's own error comes first
                self.con.execute("RESET memory_limit")

    def _append(self, tables: dict[str, pa.Table]) -> None:
        """`write_tables`' transaction."""
        con = self.con
        try:
            con.begin()
            art = tables["articles"]
            con.register("_new_articles", art)
            con.execute("CREATE OR REPLACE TEMP TABLE _fresh AS SELECT id FROM _new_articles "
                        "WHERE id NOT IN (SELECT id FROM articles)")
            for name, cols in COLUMNS.items():
                table = tables.get(name)
                if table is None or table.num_rows == 0:
                    continue
                key = "id" if name == "articles" else "article_id"
                col_list = ", ".join(f'"{c}"' for c in cols)
                view = f"_new_{name}"
                con.register(view, table.select(list(cols)))
                con.execute(f"INSERT INTO {name} ({col_list}) SELECT {col_list} FROM {view} "
                            f"WHERE {key} IN (SELECT id FROM _fresh)")
                con.unregister(view)
            con.execute("DROP TABLE _fresh")
            con.commit()
        except duckdb.Error as exc:
            _rollback(con)
            raise _write_error(self.path, exc) from exc

    def record_failures(self, failures: Iterable[Failure], run_id: str | None = None) -> int:
        """Record failed documents in `errors`, one row per failure.

        A failure recorded before (same path, line, document id, code and
        reason) is marked as seen by this run instead of being added again:
        re-running an ingest, or resuming a killed one, must not double the
        failure counts an analyst reads. No transaction of its own, so a
        caller may include it in one (scale.load_shard does).
        """
        rows = list(dict.fromkeys((f.path, f.line, f.doc_id, f.code, f.reason)
                                  for f in failures))
        if not rows:
            return 0
        with self._writing():
            known = set(self.con.execute(
                "SELECT path, line, doc_id, code, reason FROM errors "
                "WHERE list_contains(?, path)", [sorted({r[0] for r in rows})]).fetchall())
            new = [(*r, run_id) for r in rows if r not in known]
            seen = [(run_id, *r) for r in rows if r in known]
            if new:
                self.con.executemany(
                    "INSERT INTO errors (path, line, doc_id, code, reason, run_id) "
                    "VALUES (?, ?, ?, ?, ?, ?)", new)
            if seen:
                self.con.executemany(
                    "UPDATE errors SET run_id = ?, occurred_at = current_timestamp "
                    "WHERE path = ? AND line IS NOT DISTINCT FROM ? AND doc_id IS NOT DISTINCT "
                    "FROM ? AND code IS NOT DISTINCT FROM ? AND reason = ?", seen)
        return len(rows)

    def start_run(self, command: str, fingerprint: str | None = None) -> str:
        run_id = uuid.uuid4().hex[:12]
        with self._writing():
            self.con.execute("INSERT INTO runs (id, command, fingerprint) VALUES (?, ?, ?)",
                             [run_id, command, fingerprint])
        return run_id

    def mark_stale(self, since: dt.date | None = None) -> None:
        """Forget which coder made the articles (dated `since` or later), so
        that `recode` re-codes them whatever their fingerprint."""
        with self._writing():
            self.con.execute("UPDATE articles SET fingerprint = NULL WHERE "
                             "CAST(? AS DATE) IS NULL OR date >= CAST(? AS DATE)", [since, since])

    def replace_coded(self, tables: dict[str, pa.Table]) -> None:
        """Swap in re-coded rows for articles already stored, in one
        transaction: each article's rows in ARTICLE_ROWS are deleted and the
        new ones inserted, and its n_sentences and fingerprint updated (its
        metadata, story and ingest time stay). A kill leaves every article of
        the batch either wholly old or wholly new."""
        self._check_writable()
        con = self.con
        try:
            con.begin()
            con.register("_recoded", tables["articles"].select(["id", "n_sentences", "fingerprint"]))
            for name in ARTICLE_ROWS:
                con.execute(f"DELETE FROM {name} WHERE article_id IN (SELECT id FROM _recoded)")
            con.execute("UPDATE articles SET n_sentences = r.n_sentences, fingerprint = r.fingerprint "
                        "FROM _recoded r WHERE articles.id = r.id")
            for name in ARTICLE_ROWS:
                table = tables.get(name)
                if table is None or table.num_rows == 0:
                    continue
                col_list = ", ".join(f'"{c}"' for c in COLUMNS[name])
                con.register("_rows", table.select(list(COLUMNS[name])))
                con.execute(f"INSERT INTO {name} ({col_list}) SELECT {col_list} FROM _rows")
                con.unregister("_rows")
            con.unregister("_recoded")
            con.commit()
        except duckdb.Error as exc:
            _rollback(con)
            raise _write_error(self.path, exc) from exc

    def finish_run(self, run_id: str, *, n_read: int, n_stored: int, n_duplicate: int,
                   n_failed: int) -> None:
        with self._writing():
            self.con.execute(
                "UPDATE runs SET finished_at = ?, n_read = ?, n_stored = ?, n_duplicate = ?, "
                "n_failed = ? WHERE id = ?",
                [dt.datetime.now(), n_read, n_stored, n_duplicate, n_failed, run_id])

    def _check_writable(self) -> None:
        if self.read_only:
            raise error("E305", path=self.path)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Writes outside write_tables: a read-only store or a full disk
        becomes a StoreError subclass, not a raw DuckDB error."""
        self._check_writable()
        try:
            yield
        except duckdb.Error as exc:
            raise _write_error(self.path, exc) from exc


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.rollback()
    except duckdb.Error:
        pass


def _write_error(path: str, exc: duckdb.Error) -> StoreError:
    """The dyadwatch error for a failed write. A full disk shows up as a
    failed commit (TransactionException: "Could not write file ... No space
    left on device"), not as an IOException, so the text decides."""
    if is_damaged(exc):
        return damaged_error(path, exc)
    text = str(exc)
    low = text.lower()
    if "no space left" in low or "disk is full" in low or "disk full" in low:
        return error("E302", path=path, reason=text)
    if isinstance(exc, (duckdb.IOException, duckdb.PermissionException)) or \
            "read-only" in low or "could not write" in low:
        return error("E310", path=path, reason=text)
    return error("E307", path=path, reason=text)


def _open_error(path: str, exc: duckdb.IOException) -> StoreError:
    if is_damaged(exc):
        return damaged_error(path, exc)
    text = str(exc)
    if "lock" in text.lower():
        m = _LOCK_RE.search(text)
        who = f"process {m.group(1)}" if m else "another process"
        return error("E301", path=path, who=who)
    if "read-only" in text.lower() or "permission" in text.lower():
        return error("E311", path=path, reason=text)
    return error("E312", path=path, reason=text)
