"""Reads and writes of the watch tables (schema.sql, "Watching live sources").

Every write goes through the `Store` given, i.e. its one writer connection
(the CLI's, or the server's writer thread), and each call is one
transaction, so a process killed between two calls leaves whole rows only.
The order the watch loop calls them in is what makes a cycle resumable:
an article's address is marked handled only after the article is stored,
and a source's conditional-GET validators are saved only after all the
articles it listed are handled.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from ..errors import error
from .db import Store


@dataclass(frozen=True)
class Handled:
    """An article address and what became of it."""

    key: str
    url: str
    source: str | None
    article_id: str | None
    status: str  # stored | duplicate | failed
    reason: str | None = None


@contextlib.contextmanager
def _tx(store: Store) -> Iterator[duckdb.DuckDBPyConnection]:
    if store.read_only:
        raise error("E305", path=store.path)
    con = store.con
    try:
        con.begin()
        yield con
        con.commit()
    except duckdb.Error as exc:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise error("E307", path=store.path, reason=exc) from exc


# -- sources -------------------------------------------------------------------

def upsert_sources(store: Store, rows: Iterable[dict], origin: str) -> int:
    """Add or update sources (keyed by address); their poll state is kept."""
    rows = list(rows)
    with _tx(store) as con:
        for r in rows:
            con.execute(
                "INSERT INTO sources (address, kind, name, outlet, language, interval_s, tags, "
                "origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET "
                "kind = excluded.kind, name = excluded.name, outlet = excluded.outlet, "
                "language = excluded.language, interval_s = excluded.interval_s, "
                "tags = excluded.tags",
                [r["address"], r["kind"], r.get("name"), r.get("outlet"), r.get("language"),
                 r["interval_s"], list(r.get("tags") or ()), origin])
    return len(rows)


def prune_file_sources(store: Store, keep: Sequence[str]) -> int:
    """Forget sources a sources file added that it no longer lists (sources
    added with `sources add` or the API stay)."""
    with _tx(store) as con:
        gone = con.execute("DELETE FROM sources WHERE origin = 'file' AND NOT "
                           "list_contains(?, address) RETURNING address", [list(keep)]).fetchall()
    return len(gone)


def remove_source(store: Store, address: str) -> bool:
    with _tx(store) as con:
        n = con.execute("DELETE FROM sources WHERE address = ? RETURNING address",
                        [address]).fetchall()
    return bool(n)


def list_sources(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Each source with `n_errors` (failed fetches still in the fetch log) and
    `articles_7d` (articles it gave that were stored in the last 7 days: a
    feed that went quiet shows here before anyone misses its news)."""
    cur = con.execute(
        "SELECT s.*, (SELECT count(*) FROM fetches f WHERE f.source = s.address AND "
        "f.error IS NOT NULL) AS n_errors, (SELECT count(*) FROM watch_urls u "
        "WHERE u.source = s.address AND u.status = 'stored' AND u.seen_at >= "
        "current_timestamp::TIMESTAMP - INTERVAL 7 DAY) AS articles_7d "
        "FROM sources s ORDER BY address")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def mark_polled(store: Store, rows: Sequence[tuple]) -> None:
    """rows: (address, when, status, error, n_new), one transaction for all
    (a statement per source cost more than polling 100 unchanged feeds)."""
    if not rows:
        return
    table = pa.table({"address": pa.array([r[0] for r in rows], pa.string()),
                      "polled": pa.array([r[1] for r in rows], pa.timestamp("us")),
                      "status": pa.array([r[2] for r in rows], pa.int32()),
                      "error": pa.array([r[3] for r in rows], pa.string()),
                      "n_new": pa.array([r[4] for r in rows], pa.int32())})
    with _tx(store) as con:
        con.register("_polled", table)
        con.execute("UPDATE sources SET last_polled_at = p.polled, last_status = p.status, "
                    "last_error = p.error, n_articles = n_articles + p.n_new FROM _polled p "
                    "WHERE sources.address = p.address")
        con.unregister("_polled")


# -- fetches and validators ---------------------------------------------------------

_FETCH_COLS = ("url", "final_url", "source", "status", "bytes", "seconds", "attempts", "error")
_FETCH_TYPES = (pa.string(), pa.string(), pa.string(), pa.int32(), pa.int64(), pa.float64(),
                pa.int32(), pa.string())


def record_fetches(store: Store, rows: Sequence[tuple]) -> None:
    """rows: (url, final_url, source, status, bytes, seconds, attempts, error),
    appended in bulk from Arrow."""
    if not rows:
        return
    table = pa.table({c: pa.array([r[i] for r in rows], t)
                      for i, (c, t) in enumerate(zip(_FETCH_COLS, _FETCH_TYPES))})
    cols = ", ".join(_FETCH_COLS)
    with _tx(store) as con:
        con.register("_fetched", table)
        con.execute(f"INSERT INTO fetches ({cols}) SELECT {cols} FROM _fetched")
        con.unregister("_fetched")


def prune_fetches(store: Store, keep_days: int) -> int:
    """Deletes fetches older than `keep_days` (0 keeps all): the log is for
    seeing what failed lately, and unpruned it grows by every poll for ever."""
    if keep_days <= 0:
        return 0
    with _tx(store) as con:
        (n,) = con.execute("DELETE FROM fetches WHERE fetched_at < current_timestamp::TIMESTAMP "
                           "- to_days(?)", [keep_days]).fetchone()
    return n


def validators(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, tuple]:
    rows = con.execute("SELECT url, etag, last_modified FROM http_cache "
                       "WHERE list_contains(?, url)", [list(urls)]).fetchall()
    return {u: (e, m) for u, e, m in rows}


def save_validators(store: Store, rows: Sequence[tuple[str, str | None, str | None]]) -> None:
    """rows: (url, etag, last_modified); URLs that gave neither are skipped."""
    rows = [r for r in rows if r[1] or r[2]]
    if not rows:
        return
    table = _arrow(("url", "etag", "last_modified"), rows)
    with _tx(store) as con:
        con.register("_validators", table)
        con.execute("INSERT OR REPLACE INTO http_cache (url, etag, last_modified, updated_at) "
                    "SELECT url, etag, last_modified, current_timestamp FROM _validators")
        con.unregister("_validators")


def _arrow(names: Sequence[str], rows: Sequence[tuple]) -> pa.Table:
    """String columns from rows, for one bulk statement (DuckDB's
    executemany runs a statement per row: 200 rows took seconds under load)."""
    return pa.table({n: pa.array([r[i] for r in rows], pa.string())
                     for i, n in enumerate(names)})


# -- article addresses -----------------------------------------------------------------

def known_keys(store: Store, entries: Sequence[tuple[str, str, str | None]]) -> set[str]:
    """Keys of (key, url, source) entries handled before. An article stored
    under its URL whose address was not marked yet (the process was killed
    between the two) is marked now, so the table ends as after an
    uninterrupted run."""
    if not entries:
        return set()
    con = store.con
    keys = [k for k, _, _ in entries]
    done = {r[0] for r in con.execute("SELECT key FROM watch_urls WHERE list_contains(?, key)",
                                      [keys]).fetchall()}
    stored = article_ids_by_url(con, [u for k, u, _ in entries if k not in done])
    adopt = [Handled(k, u, src, stored[u], "stored") for k, u, src in entries
             if k not in done and u in stored]
    mark_handled(store, adopt)
    return done | {h.key for h in adopt}


def dedup_pending(con: duckdb.DuckDBPyConnection) -> bool:
    """Articles stored but not grouped into stories yet (dedup sets every
    article's story_id): what a run killed before its dedup step leaves."""
    return con.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0] > 0


def mark_handled(store: Store, items: Sequence[Handled]) -> None:
    if not items:
        return
    cols = ("key", "url", "source", "article_id", "status", "reason")
    table = _arrow(cols, [(h.key, h.url, h.source, h.article_id, h.status, h.reason)
                          for h in items])
    names = ", ".join(cols)
    with _tx(store) as con:
        con.register("_handled", table)
        con.execute(f"INSERT OR IGNORE INTO watch_urls ({names}) SELECT {names} FROM _handled")
        con.unregister("_handled")


def article_ids_by_url(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, str]:
    rows = con.execute("SELECT url, id FROM articles WHERE list_contains(?, url)",
                       [list(urls)]).fetchall()
    return {u: i for u, i in rows}


# -- alerts and notifications --------------------------------------------------------------

def insert_alerts(store: Store, alerts: Sequence) -> list[str]:
    """Store new alerts (analysis.alerts.Alert); ids already there are kept as
    they were. Returns the ids newly inserted."""
    new: list[str] = []
    with _tx(store) as con:
        for a in alerts:
            if con.execute("SELECT 1 FROM alerts WHERE id = ?", [a.id]).fetchone():
                continue
            con.execute(
                "INSERT INTO alerts (id, rule, dyad, actor_a, actor_b, window_start, window_end, "
                "changes, score, n_events, n_stories, event_ids) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [a.id, a.rule, a.dyad, a.actor_a, a.actor_b, a.window_start, a.window_end,
                 json.dumps([c.as_dict() for c in a.changes]), a.score, a.n_events,
                 a.n_stories, list(a.event_ids)])
            new.append(a.id)
    return new


def sent_channels(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str]) -> set[tuple]:
    rows = con.execute("SELECT alert_id, channel FROM notifications WHERE status = 'sent' "
                       "AND list_contains(?, alert_id)", [list(alert_ids)]).fetchall()
    return {(a, c) for a, c in rows}


def record_notification(store: Store, alert_ids: Sequence[str], channel: str, target: str,
                        status: str, attempts: int, error: str | None, digest: bool) -> None:
    with _tx(store) as con:
        for alert_id in alert_ids:
            con.execute(
                "INSERT INTO notifications (alert_id, channel, target, status, attempts, error, "
                "digest, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp) "
                "ON CONFLICT (alert_id, channel) DO UPDATE SET status = excluded.status, "
                "attempts = notifications.attempts + excluded.attempts, error = excluded.error, "
                "sent_at = excluded.sent_at",
                [alert_id, channel, target, status, attempts, error, digest])
