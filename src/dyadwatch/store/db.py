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
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa

from ..errors import StoreError, StoreLockedError, StoreReadOnlyError
from ..types import Actor, DocResult, Event, Failure

SCHEMA_VERSION = "1"

#: Column order of each table as written from DocResults. Arrow tables are
#: built with exactly these columns, and INSERTs name them, so a schema
#: change that forgets one fails loudly instead of shifting values.
COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("id", "doc_id", "title", "outlet", "byline", "date", "date_text", "url",
                 "source_path", "source_line", "text", "n_sentences", "fingerprint"),
    "article_minhash": ("article_id", "signature"),
    "sentences": ("article_id", "idx", "text", "start_char", "end_char"),
    "actors": ("article_id", "idx", "sentence_idx", "text", "start_char", "end_char", "code",
               "country", "sector", "name", "kind", "antecedent", "confidence"),
    "events": ("id", "article_id", "sentence_idx", "sentence", "trigger", "trigger_start",
               "trigger_end", "plover", "cameo", "goldstein", "quad_class",
               "source", "source_country", "source_sector", "source_name", "source_text",
               "target", "target_country", "target_sector", "target_name", "target_text",
               "date", "date_source", "date_text", "confidence", "negated", "modality",
               "pattern", "quote_id", "geo_name", "geo_id", "geo_country", "geo_admin1",
               "lat", "lon", "geo_precision", "geo_text"),
    "quotes": ("id", "article_id", "text", "start_char", "end_char", "kind", "speaker_text",
               "speaker", "speaker_country", "speaker_sector", "speaker_name", "verb",
               "sentence_start", "sentence_end"),
}

#: Idempotent changes for files created by an earlier version of schema.sql.
MIGRATIONS: tuple[str, ...] = (
    "ALTER TABLE canonical_events ADD COLUMN IF NOT EXISTS modality VARCHAR",
    # the coder fingerprint (provenance.py) that coded the article / ran the run;
    # NULL on files made before it: `recode` treats those articles as stale
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS fingerprint VARCHAR",
    "ALTER TABLE runs ADD COLUMN IF NOT EXISTS fingerprint VARCHAR",
)

#: Tables whose rows belong to one article and are re-made when it is re-coded.
ARTICLE_ROWS = ("article_minhash", "sentences", "actors", "events", "quotes")

_TYPES: dict[str, pa.DataType] = {
    "date": pa.date32(), "source_line": pa.int32(), "n_sentences": pa.int32(),
    "idx": pa.int32(), "start_char": pa.int32(), "end_char": pa.int32(),
    "sentence_idx": pa.int32(), "trigger_start": pa.int32(), "trigger_end": pa.int32(),
    "sentence_start": pa.int32(), "sentence_end": pa.int32(), "quad_class": pa.int8(),
    "goldstein": pa.float64(), "confidence": pa.float64(), "negated": pa.bool_(),
    "geo_id": pa.int64(), "lat": pa.float64(), "lon": pa.float64(),
    "signature": pa.list_(pa.uint64()),
}


@dataclass(frozen=True)
class WriteReport:
    stored: tuple[str, ...]  # article ids newly stored
    duplicates: tuple[str, ...]  # article ids already present (or twice in the batch)
    n_events: int


def _actor_cols(actor: Actor | None) -> tuple:
    if actor is None:
        return (None, None, None, None)
    return (actor.code, actor.country, actor.sector, actor.name)


def _event_row(e: Event) -> tuple:
    loc = e.location
    geo = (None,) * 8 if loc is None else (
        loc.name, loc.geonameid, loc.country, loc.admin1, loc.lat, loc.lon, loc.precision, loc.text)
    return (e.id, e.article_id, e.sentence_index, e.sentence, e.trigger, e.trigger_start,
            e.trigger_end, e.plover, e.cameo, e.goldstein, e.quad_class,
            *_actor_cols(e.source), e.source_text, *_actor_cols(e.target), e.target_text,
            e.date, e.date_source, e.date_text, e.confidence, e.negated, e.modality,
            e.pattern, e.quote_id, *geo)


def results_to_rows(results: Iterable[DocResult], fingerprint: str | None = None
                    ) -> dict[str, list[tuple]]:
    """Flatten DocResults into rows per table (duplicate article ids and
    duplicate event/quote ids inside the batch are dropped: first wins);
    `fingerprint` is the coder's, stamped on each article."""
    rows: dict[str, list[tuple]] = {name: [] for name in COLUMNS}
    seen_articles: set[str] = set()
    seen_ids: set[str] = set()
    for r in results:
        a = r.article
        if a.id in seen_articles:
            continue
        seen_articles.add(a.id)
        rows["articles"].append((a.id, a.doc_id, a.title, a.outlet, a.byline, a.date, a.date_text,
                                 a.url, a.source_path, a.source_line, a.text, len(r.sentences),
                                 fingerprint))
        if r.minhash:
            rows["article_minhash"].append((a.id, list(r.minhash)))
        rows["sentences"].extend((a.id, s.index, s.text, s.start, s.end) for s in r.sentences)
        rows["actors"].extend(
            (a.id, i, m.sentence_index, m.text, m.start, m.end, m.actor.code, m.actor.country,
             m.actor.sector, m.actor.name, m.actor.kind, m.antecedent, m.confidence)
            for i, m in enumerate(r.mentions))
        for e in r.events:
            if e.id not in seen_ids:
                seen_ids.add(e.id)
                rows["events"].append(_event_row(e))
        for q in r.quotes:
            if q.id not in seen_ids:
                seen_ids.add(q.id)
                sp = _actor_cols(q.speaker)
                rows["quotes"].append((q.id, a.id, q.text, q.start, q.end, q.kind, q.speaker_text,
                                       *sp, q.verb, q.sentence_start, q.sentence_end))
    return rows


def rows_to_arrow(name: str, rows: list[tuple]) -> pa.Table:
    cols = COLUMNS[name]
    arrays = []
    for i, col in enumerate(cols):
        values = [row[i] for row in rows]
        arrays.append(pa.array(values, type=_TYPES.get(col, pa.string())))
    return pa.Table.from_arrays(arrays, names=list(cols))


def results_to_arrow(results: Iterable[DocResult], fingerprint: str | None = None
                     ) -> dict[str, pa.Table]:
    """One Arrow table per SQL table: the bulk-insert unit, and the shard
    format Dask workers write as Parquet."""
    return {name: rows_to_arrow(name, rows)
            for name, rows in results_to_rows(results, fingerprint).items()}


_LOCK_RE = re.compile(r"PID (\d+)")


class Store:
    """The one writer of a dyadwatch DuckDB file (see the module docstring)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> "Store":
        path = str(path)
        if read_only and path != ":memory:" and not Path(path).exists():
            raise StoreError(f"database {path} does not exist.",
                             hint="Create it with `dyadwatch ingest PATH --db FILE`.")
        try:
            con = duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            raise _open_error(path, exc) from exc
        store = cls(con, path, read_only)
        if not read_only:
            store._migrate()
        return store

    def _migrate(self) -> None:
        """Create what is missing and bring older files up to the schema:
        `schema.sql` only creates tables that do not exist, so a column added
        later is added here by an idempotent ALTER (files made before it stay
        usable)."""
        sql = resources.files("dyadwatch.store").joinpath("schema.sql").read_text(encoding="utf-8")
        try:
            self.con.execute(sql)
            for statement in MIGRATIONS:
                self.con.execute(statement)
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                             [SCHEMA_VERSION])
        except duckdb.Error as exc:
            self.con.close()
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
        """
        self._check_writable()
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
            raise StoreReadOnlyError(
                f"database {self.path} was opened read-only; nothing was written.",
                hint="Open it with Store.open(path) (read_only=False) to write, after any other "
                     "process holding it has finished.")

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
    text = str(exc)
    low = text.lower()
    if "no space left" in low or "disk is full" in low or "disk full" in low:
        return StoreReadOnlyError(
            f"disk full while writing to {path}; this write was rolled back ({text}).",
            hint="Everything stored before it is intact. Free disk space (or pass a --db on "
                 "another disk) and run the same command again.")
    if isinstance(exc, (duckdb.IOException, duckdb.PermissionException)) or \
            "read-only" in low or "could not write" in low:
        return StoreReadOnlyError(
            f"cannot write to {path}: {text}",
            hint="Nothing of this write was stored; check that the file and its folder are "
                 "writable, then run again.")
    return StoreError(f"write to {path} failed and was rolled back: {text}")


def _open_error(path: str, exc: duckdb.IOException) -> StoreError:
    text = str(exc)
    if "lock" in text.lower():
        m = _LOCK_RE.search(text)
        who = f"process {m.group(1)}" if m else "another process"
        return StoreLockedError(
            f"database {path} is held for writing by {who}.",
            hint="DuckDB allows one writer per file. If a `dyadwatch serve` owns it, use its "
                 "HTTP API (POST /api/articles, GET /api/events) instead; otherwise wait for "
                 "the other command to finish.")
    if "read-only" in text.lower() or "permission" in text.lower():
        return StoreReadOnlyError(f"cannot open {path} for writing: {text}",
                                  hint="Check the file's permissions, or pass a writable --db.")
    return StoreError(f"cannot open database {path}: {text}",
                      hint="Is it a DuckDB file? Pass another --db to start a new one.")
