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
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import duckdb

from ..errors import StoreError
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
        raise StoreError(f"database {store.path} was opened read-only; nothing was written.")
    con = store.con
    try:
        con.begin()
        yield con
        con.commit()
    except duckdb.Error as exc:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise StoreError(f"write to {store.path} failed and was rolled back: {exc}") from exc


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


def remove_source(store: Store, address: str) -> bool:
    with _tx(store) as con:
        n = con.execute("DELETE FROM sources WHERE address = ? RETURNING address",
                        [address]).fetchall()
    return bool(n)


def list_sources(con: duckdb.DuckDBPyConnection) -> list[dict]:
    cur = con.execute(
        "SELECT s.*, (SELECT count(*) FROM fetches f WHERE f.source = s.address AND "
        "f.error IS NOT NULL) AS n_errors FROM sources s ORDER BY address")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def mark_polled(store: Store, address: str, when: dt.datetime, status: int | None,
                error: str | None, n_new: int) -> None:
    with _tx(store) as con:
        con.execute("UPDATE sources SET last_polled_at = ?, last_status = ?, last_error = ?, "
                    "n_articles = n_articles + ? WHERE address = ?",
                    [when, status, error, n_new, address])


# -- fetches and validators ---------------------------------------------------------

def record_fetches(store: Store, rows: Sequence[tuple]) -> None:
    """rows: (url, final_url, source, status, bytes, seconds, attempts, error)."""
    if not rows:
        return
    with _tx(store) as con:
        con.executemany("INSERT INTO fetches (url, final_url, source, status, bytes, seconds, "
                        "attempts, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(rows))


def validators(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> dict[str, tuple]:
    rows = con.execute("SELECT url, etag, last_modified FROM http_cache "
                       "WHERE list_contains(?, url)", [list(urls)]).fetchall()
    return {u: (e, m) for u, e, m in rows}


def save_validators(store: Store, url: str, etag: str | None, last_modified: str | None) -> None:
    if not etag and not last_modified:
        return
    with _tx(store) as con:
        con.execute("INSERT OR REPLACE INTO http_cache (url, etag, last_modified, updated_at) "
                    "VALUES (?, ?, ?, current_timestamp)", [url, etag, last_modified])


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


def mark_handled(store: Store, items: Sequence[Handled]) -> None:
    if not items:
        return
    with _tx(store) as con:
        con.executemany(
            "INSERT OR IGNORE INTO watch_urls (key, url, source, article_id, status, reason) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(h.key, h.url, h.source, h.article_id, h.status, h.reason) for h in items])


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
