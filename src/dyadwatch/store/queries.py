"""Read queries: events, articles, quotes and actors with filters, and one
event with all its evidence.

Every function takes a DuckDB connection or cursor (`Store.cursor()`) and
returns a pandas DataFrame or a plain dict, so the CLI, the HTTP API and the
dashboard print the same rows. A listing's SQL is also available on its own
(`events_query`), and `fetch_records` reads it as the plain records that
`records(frame(...))` gives without loading pandas: a read command that
prints a table starts in a fraction of the time (bench/startup.py). User values only ever reach SQL as bound
parameters; the only text formatted into SQL is column names and keywords
chosen from fixed sets in this module, so a filter like `'; DROP TABLE x`
is just a string that matches nothing.

Actor arguments are CAMEO-style codes: a country ("CHN") or a country plus
sectors ("KORGOV", "PRKMIL"). They match stored codes by prefix, so "KOR"
covers KORGOV, KORMIL and KOR itself while "KORGOV" covers only the
government. A dyad ("CHN", "PRK") covers both directions unless `directed`.

By default only factual events count (the `factual_events` view: not
negated, asserted); `include_nonfactual=True` adds denied, future and
hypothetical ones. Listings are ordered by (date, id), which is total, so
`limit`/`offset` pages never overlap or skip rows.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from ..errors import error
from .filters import EventFilter
from .schema import (FACTUAL_SINCE, NONFACTUAL_MEMBERS, Projection, expr, ref, refs,
                     stored_version)
from .where import (  # noqa: F401  (the query API: callers import these from here)
    DEFAULT_NEAR_KM, EARTH_RADIUS_KM, UNITS, Where, check_latlon, check_page, check_unit,
    distance_sql, parse_actor, parse_date, parse_distance_km, parse_dyad, parse_latlon,
    parse_plover,
)

if TYPE_CHECKING:  # pandas and numpy load in the functions that make or read frames
    import pandas as pd

def base_events_sql(con: Any, unit: str = "canonical", include_nonfactual: bool = False) -> str:
    """SQL (a subquery) with one row per counted event, the unit of analysis.

    Columns: id, event_id (a stored mention to show as evidence), source,
    source_country, target, target_country, plover, cameo, goldstein,
    quad_class, date, n_stories, n_mentions.

    With unit="canonical" a row is a deduplicated event whose mentions are
    factual (every one with `include_nonfactual`); events that dedup
    has not grouped yet (canonical_id NULL) count as their own canonical
    event, so a database is analysable even before `dedup.update` ran. With
    unit="mentions" a row is a stored event mention. `con` tells which
    form the file has: whether a canonical event counts is stored with it
    (`canonical_events.factual`), or, in a file an older version wrote
    last, is worked out from its mentions.
    """
    check_unit(unit)
    events = "events" if include_nonfactual else "factual_events"
    cols = ", ".join(_BASE_COLUMNS)
    if unit == "mentions":
        return (f"SELECT id, id AS event_id, {cols}, 1 AS n_stories, 1 AS n_mentions "
                f"FROM {events}")
    if include_nonfactual:
        keep = ""
    elif factual_stored(con):
        keep = " WHERE c.factual"
    else:
        keep = f" ANTI JOIN ({NONFACTUAL_MEMBERS}) nf ON nf.canonical_id = c.id"
    return (f"SELECT c.id, c.first_event_id AS event_id, "
            f"{', '.join('c.' + col for col in _BASE_COLUMNS)}, c.n_stories, c.n_mentions "
            f"FROM canonical_events c{keep} "
            f"UNION ALL SELECT id, id AS event_id, {cols}, 1 AS n_stories, 1 AS n_mentions "
            f"FROM {events} WHERE canonical_id IS NULL")


def factual_stored(con: Any) -> bool:
    """True when the file stores whether each canonical event counts
    (written last by a version that keeps `canonical_events.factual` right:
    `schema.FACTUAL_SINCE`). Counting by the flag is a plain filter; working
    it out from the mentions took 0.1 CPU-s more per scan on a million
    events (bench/analysis.py)."""
    version = stored_version(con)
    return version is not None and version.isdigit() and int(version) >= FACTUAL_SINCE


_BASE_COLUMNS = ("source", "source_country", "target", "target_country", "plover", "cameo",
                 "goldstein", "quad_class", "date")


def first_row(con: Any, sql: str, params: Sequence[Any] = ()) -> tuple | None:
    """The first row of a query, or None. Fetches everything so that no
    result is left open on the connection (DuckDB refuses relation calls
    such as `write_csv` while an execute() result is unfinished)."""
    rows = con.execute(sql, list(params)).fetchall()
    return rows[0] if rows else None


def frame(con: Any, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run a query into a DataFrame with dates as `datetime.date` (so tables,
    CSV and JSON show 2024-02-23, not timestamps) and lists as lists."""
    import numpy as np
    import pandas as pd

    df = con.execute(sql, list(params)).df()
    for col in df.columns:
        series = df[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            df[col] = [None if pd.isna(v) else v.date() for v in series]
        elif series.dtype == object and any(isinstance(v, np.ndarray) for v in series):
            df[col] = [v.tolist() if isinstance(v, np.ndarray) else v for v in series]
    return df


def fetch_records(con: Any, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The rows of a query as `records(frame(con, sql, params))` gives them,
    straight from DuckDB's Python values: timestamps become dates, NaN
    becomes None, and HUGEINT and DECIMAL become floats as they do in a
    frame. No pandas, so a command that only prints rows does not pay
    for importing it."""
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    convert = [_AS_FRAME.get(re.sub(r"\(.*?\)", "", str(d[1]))) for d in cur.description]
    return [{k: v if f is None or v is None else f(v) for k, f, v in zip(names, convert, row)}
            for row in cur.fetchall()]


def _nan_none(v: float) -> float | None:
    return None if math.isnan(v) else v


def _hugeint(v: Any) -> float | None:
    return _nan_none(float(v))


#: How a DuckDB type's Python value changes on its way through a frame:
#: 128-bit integers and decimals become float64, timestamps become dates
#: (`frame`), NaN becomes None (`records`).
_AS_FRAME: dict[str, Any] = {
    "HUGEINT": _hugeint, "UHUGEINT": _hugeint, "DECIMAL": _hugeint,
    "DOUBLE": _nan_none, "FLOAT": _nan_none,
    "TIMESTAMP": dt.datetime.date, "TIMESTAMP_NS": dt.datetime.date,
    "TIMESTAMP_MS": dt.datetime.date, "TIMESTAMP_S": dt.datetime.date,
}


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as plain dicts: NaN/NaT -> None, numpy scalars and
    arrays -> Python values, ready for JSON and the API's models."""
    return [{k: plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def plain(v: Any) -> Any:
    """One value as plain Python (NaN and NaT -> None, numpy -> Python)."""
    import numpy as np
    import pandas as pd

    if v is None or v is pd.NaT:
        return None
    if isinstance(v, np.ndarray):
        return [plain(x) for x in v.tolist()]
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        v = v.item()
        return None if isinstance(v, float) and math.isnan(v) else v
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def plain_tree(value: Any) -> Any:
    """Nested dicts/lists from the query modules with plain Python leaves."""
    if isinstance(value, dict):
        return {k: plain_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_tree(v) for v in value]
    if isinstance(value, dt.datetime):
        return value
    return plain(value)


# -- events --------------------------------------------------------------------

#: The columns of an event listing (`list_events`, the API's EventRow).
EVENT_LIST = Projection((
    *refs("e", "events", "id", "date", "source", "source_name", "target", "target_name",
          "plover", "cameo", "goldstein", "quad_class", "trigger", "sentence", "article_id"),
    *refs("a", "articles", "title", "outlet", joined=True),
    *refs("e", "events", "canonical_id", "negated", "modality", "geo_name", "geo_country",
          "lat", "lon"),
))
#: The quote an event was said in (`get_event`).
EVENT_QUOTE = Projection(refs("q", "quotes", "id", "text", "kind", "speaker_text", "speaker",
                              "speaker_country", "speaker_name", "verb"))
#: The other reports of an event's canonical event (`get_event`).
OTHER_MENTION = Projection((
    ref("e", "events", "id", name="event_id"), ref("e", "events", "article_id"),
    *refs("a", "articles", "title", "outlet", "date", "url", joined=True),
    *refs("e", "events", "sentence", "negated", "modality"),
))
#: An article's events and quotes (`get_article`).
ARTICLE_EVENT = Projection(refs(
    "e", "events", "id", "sentence_idx", "date", "source", "target", "plover", "cameo",
    "goldstein", "quad_class", "trigger", "trigger_start", "trigger_end", "negated", "modality",
    "canonical_id"))
ARTICLE_QUOTE = Projection(refs("q", "quotes", "id", "text", "start_char", "end_char", "kind",
                                "speaker_text", "speaker", "speaker_country", "verb"))
#: A quote listing (`list_quotes`).
QUOTE_LIST = Projection((
    ref("q", "quotes", "id"), ref("a", "articles", "date", joined=True),
    *refs("q", "quotes", "text", "speaker", "speaker_country", "speaker_name", "speaker_text",
          "verb", "kind", "article_id"),
    *refs("a", "articles", "title", "outlet", joined=True),
    expr("event_ids", "coalesce((SELECT list(v.id ORDER BY v.id) FROM events v "
                      "WHERE v.quote_id = q.id), []::VARCHAR[])", "VARCHAR[]", nullable=False,
         doc="Events found inside the quote."),
))
#: Added to EVENT_LIST when a listing is filtered by `near`.
DISTANCE = expr("distance_km", "", "DOUBLE", doc="Distance from `near`, when given.")

#: An article listing (`list_articles`, the API's ArticleRow); the API shows
#: `source_path` as `source_file`, its name without folders.
ARTICLE_LIST = Projection((
    *refs("a", "articles", "id", "date", "title", "outlet", "url", "n_sentences"),
    expr("n_events", "(SELECT count(*) FROM events e WHERE e.article_id = a.id)", "BIGINT",
         doc="Event mentions found in the article."),
    expr("story_id", "coalesce(a.story_id, a.id)", "VARCHAR",
         doc="Articles telling the same story share it."),
    *refs("a", "articles", "doc_id", "source_path"),
))
#: What one article adds to its listing row (`get_article`, the API's ArticleFull).
ARTICLE_TEXT = Projection(refs("a", "articles", "text", "byline", "date_text"))
#: Actors seen in events (`list_actors`): over the rows `r` of the events'
#: source and target roles.
ACTOR_LIST = Projection((
    expr("code", "code", "VARCHAR", nullable=False, doc="Actor code, e.g. CHNGOV."),
    expr("country", "any_value(country)", "VARCHAR", doc="ISO3 country of the actor."),
    expr("sector", "any_value(sector)", "VARCHAR", doc="Sector code (GOV, MIL ...)."),
    expr("name", "mode(name)", "VARCHAR", doc="Its most frequent canonical name."),
    expr("n_as_source", "sum(s)::BIGINT", "BIGINT", nullable=False,
         doc="Events with the actor as source."),
    expr("n_as_target", "sum(t)::BIGINT", "BIGINT", nullable=False,
         doc="Events with the actor as target."),
    expr("n_events", "count(*)", "BIGINT", nullable=False, doc="Events with the actor."),
))


def as_filter(flt: EventFilter | None, filters: dict[str, Any]) -> EventFilter:
    """The EventFilter of a call: the one given, or one parsed from keywords."""
    if flt is not None:
        if filters:
            raise TypeError("give an EventFilter or filter keywords, not both")
        return flt
    return EventFilter.parse(filters)


def event_where(flt: EventFilter | None = None, *, alias: str = "e", **filters: Any) -> Where:
    """The filters of `list_events` over `events AS alias` (also used by export)."""
    return as_filter(flt, filters).where(alias)


def paged(sql: str, params: list[Any], limit: int | None, offset: int) -> tuple[str, list[Any]]:
    """Append LIMIT/OFFSET as bound parameters (the ORDER BY must already make
    the order stable, or pages would overlap)."""
    if limit is not None:
        sql += " LIMIT ?"
        params = [*params, limit]
    if offset:
        sql += " OFFSET ?"
        params = [*params, offset]
    return sql, params


def list_events(con: Any, flt: EventFilter | None = None, *, limit: int | None = 100,
                offset: int = 0, **filters: Any) -> pd.DataFrame:
    """Event mentions matching every filter (an EventFilter, or its fields as
    keywords), ordered by (date, id).

    `min_confidence` trades recall for precision: events whose coding
    confidence (pattern strength x actor resolution x parse) is lower are left out.
    `canonical=True` keeps one mention per canonical event (its first).
    With `near=(lat, lon)` only events located within `within_km` (default
    50 km) are kept and a `distance_km` column is added.
    """
    return frame(con, *events_query(flt, limit=limit, offset=offset, **filters))


def events_query(flt: EventFilter | None = None, *, limit: int | None = 100, offset: int = 0,
                 **filters: Any) -> tuple[str, list[Any]]:
    """The SQL and parameters of `list_events`.

    The page's ids are chosen first from the few columns the filters and
    the order read, and only its rows are then read whole: sorting every
    matching row with its sentence to keep 50 took 4x the CPU on a million
    events (bench/startup.py)."""
    check_page(limit, offset)
    flt = as_filter(flt, filters)
    w = flt.where("e")
    cols = EVENT_LIST.sql()
    page, params = paged(f"SELECT e.id FROM events e {w.sql()} ORDER BY e.date NULLS LAST, e.id",
                         list(w.params), limit, offset)
    if flt.near is not None:
        lat, lon = flt.near
        cols += f", round({distance_sql('e')}, 1) AS {DISTANCE.name}"
        params += [lat, lat, lon]
    sql = (f"WITH page AS ({page}) SELECT {cols} FROM page JOIN events e ON e.id = page.id "
           f"LEFT JOIN articles a ON a.id = e.article_id ORDER BY e.date NULLS LAST, e.id")
    return sql, params


def count_events(con: Any, flt: EventFilter | None = None, **filters: Any) -> int:
    """How many rows `list_events` would give without limit/offset."""
    w = as_filter(flt, filters).where("e")
    return first_row(con, f"SELECT count(*) FROM events e {w.sql()}", w.params)[0]


def get_event(con: Any, event_id: str) -> dict[str, Any]:
    """One event with its evidence, for `dyadwatch show` and the event page.
    `event_id` is a mention's id or a canonical event's (which opens its
    first mention).

    Keys: event (all stored columns), sentence (text plus trigger/source/
    target [start, end) offsets relative to the sentence, for highlighting),
    article (id, title, outlet, date, url, byline, story_id), quotes (the
    quote the event was said in), canonical (its canonical event) and
    other_mentions (the other reports of the same canonical event).
    """
    cur = con.execute(
        "SELECT e.*, s.text AS _sent_text, s.start_char AS _sent_start, "
        "a.title AS _title, a.outlet AS _outlet, a.date AS _adate, a.url AS _url, "
        "a.byline AS _byline, a.story_id AS _story "
        "FROM events e LEFT JOIN articles a ON a.id = e.article_id "
        "LEFT JOIN sentences s ON s.article_id = e.article_id AND s.idx = e.sentence_idx "
        "WHERE e.id = ?", [str(event_id)])
    rows = cur.fetchall()
    if not rows:
        first = first_row(con, "SELECT first_event_id FROM canonical_events WHERE id = ?",
                          [str(event_id)])
        if first is not None:  # a canonical event's id opens its first mention
            return get_event(con, first[0])
        raise error("E530", value=event_id)
    rec = dict(zip([d[0] for d in cur.description], rows[0]))
    article = {"id": rec["article_id"], "title": rec.pop("_title"), "outlet": rec.pop("_outlet"),
               "date": rec.pop("_adate"), "url": rec.pop("_url"), "byline": rec.pop("_byline"),
               "story_id": rec.pop("_story")}
    sent_text, sent_start = rec.pop("_sent_text"), rec.pop("_sent_start")
    if sent_text is None:  # sentence row missing: fall back to the copy on the event
        sent_text, sent_start = rec["sentence"], None
    sentence = {
        "text": sent_text, "index": rec["sentence_idx"],
        "trigger": _span(sent_text, rec["trigger"], rec["trigger_start"], sent_start),
        "source": _role_span(con, rec, "source", sent_text, sent_start),
        "target": _role_span(con, rec, "target", sent_text, sent_start),
    }
    quotes = records(frame(
        con, f"SELECT {EVENT_QUOTE.sql()} FROM quotes q WHERE q.id = ?",
        [rec["quote_id"]])) if rec["quote_id"] else []
    canonical = None
    others: list[dict[str, Any]] = []
    if rec["canonical_id"]:
        df = frame(con, "SELECT * FROM canonical_events WHERE id = ?", [rec["canonical_id"]])
        canonical = records(df)[0] if len(df) else None
        if canonical is not None:  # how counts are made, not what happened
            canonical.pop("factual", None)
        others = records(frame(
            con, f"SELECT {OTHER_MENTION.sql()} FROM events e "
                 "LEFT JOIN articles a ON a.id = e.article_id "
                 "WHERE e.canonical_id = ? AND e.id <> ? ORDER BY a.date NULLS LAST, e.id",
            [rec["canonical_id"], rec["id"]]))
    return {"event": {k: plain(v) for k, v in rec.items()}, "sentence": sentence,
            "article": article, "quotes": quotes, "canonical": canonical,
            "other_mentions": others}


def _span(sentence: str, text: str | None, abs_start: int | None,
          sent_start: int | None) -> list[int] | None:
    """[start, end) of `text` in `sentence`: from the article offsets when
    they agree with the text, else its first occurrence."""
    if not text:
        return None
    if abs_start is not None and sent_start is not None:
        rel = abs_start - sent_start
        if sentence[rel:rel + len(text)] == text:
            return [rel, rel + len(text)]
    found = sentence.find(text)
    return None if found < 0 else [found, found + len(text)]


def _role_span(con: Any, rec: dict[str, Any], role: str, sentence: str,
               sent_start: int | None) -> list[int] | None:
    """Where the source/target was named: the stored mention with that text
    in the event's sentence (it has exact offsets), else a text search."""
    text = rec[f"{role}_text"]
    if not text:
        return None
    hit = first_row(
        con, "SELECT start_char FROM actors WHERE article_id = ? AND sentence_idx = ? "
             "AND text = ? ORDER BY (code = ?) DESC, idx LIMIT 1",
        [rec["article_id"], rec["sentence_idx"], text, rec[role]])
    return _span(sentence, text, hit[0] if hit else None, sent_start)


def source_file(path: str | None) -> str | None:
    """The file name an article came from, without the folders it was in
    (a server must not show its own paths)."""
    return PurePath(path).name if path else None


# -- articles ------------------------------------------------------------------

def list_articles(con: Any, *, since: Any = None, until: Any = None, outlet: str | None = None,
                  text: str | None = None, story_id: str | None = None,
                  limit: int | None = 100, offset: int = 0) -> pd.DataFrame:
    """Articles ordered by (date, id) with their event counts; `text`
    searches title and body (case-insensitive, literal)."""
    check_page(limit, offset)
    w = Where().dates("a.date", since, until)
    if outlet:
        w.add("lower(a.outlet) = lower(?)", outlet)
    if text:
        w.add("contains(lower(a.title), lower(?)) OR contains(lower(a.text), lower(?))",
              text, text)
    if story_id:
        w.add("coalesce(a.story_id, a.id) = ?", story_id)
    sql = (f"SELECT {ARTICLE_LIST.sql()} "
           f"FROM articles a {w.sql()} ORDER BY a.date NULLS LAST, a.id")
    sql, params = paged(sql, list(w.params), limit, offset)
    return frame(con, sql, params)


def get_article(con: Any, article_id: str) -> dict[str, Any]:
    """An article with its text, events, quotes and the other articles of its story."""
    df = frame(con, "SELECT * FROM articles WHERE id = ?", [str(article_id)])
    if not len(df):
        raise error("E531", value=article_id)
    article = records(df)[0]
    events = records(frame(
        con, f"SELECT {ARTICLE_EVENT.sql()} FROM events e WHERE e.article_id = ? "
             "ORDER BY e.sentence_idx, e.trigger_start, e.id",
        [article_id]))
    quotes = records(frame(
        con, f"SELECT {ARTICLE_QUOTE.sql()} FROM quotes q WHERE q.article_id = ? "
             "ORDER BY q.start_char, q.id",
        [article_id]))
    story = article.get("story_id") or article["id"]
    siblings = [r[0] for r in con.execute(
        "SELECT id FROM articles WHERE coalesce(story_id, id) = ? AND id <> ? "
        "ORDER BY date NULLS LAST, id", [story, article_id]).fetchall()]
    return {"article": article, "events": events, "quotes": quotes,
            "story_id": story, "story_articles": siblings}


# -- quotes --------------------------------------------------------------------

def list_quotes(con: Any, *, speaker: str | None = None,
                dyad: Sequence[str] | str | None = None, since: Any = None, until: Any = None,
                text: str | None = None, limit: int | None = 100,
                offset: int = 0) -> pd.DataFrame:
    """Quotes with speakers, ordered by (article date, article id, position).

    Rows carry text, speaker, speaker_country, article_id and event_ids (the
    events found inside the quote). A `dyad` keeps quotes that contain an
    event of the dyad, or whose speaker is one side and that name the other
    side inside the quote.
    """
    check_page(limit, offset)
    w = Where().dates("a.date", since, until)
    if speaker:
        w.add("starts_with(q.speaker, ?)", parse_actor(speaker, name="speaker"))
    if text:
        w.add("contains(lower(q.text), lower(?))", str(text))
    if dyad:
        a, b = parse_dyad(dyad)
        inside = ("EXISTS (SELECT 1 FROM actors m WHERE m.article_id = q.article_id "
                  "AND m.start_char >= q.start_char AND m.end_char <= q.end_char "
                  "AND starts_with(m.code, ?))")
        linked = ("EXISTS (SELECT 1 FROM events v WHERE v.quote_id = q.id AND "
                  "((starts_with(v.source, ?) AND starts_with(v.target, ?)) OR "
                  "(starts_with(v.source, ?) AND starts_with(v.target, ?))))")
        w.add(f"{linked} OR (starts_with(q.speaker, ?) AND {inside}) "
              f"OR (starts_with(q.speaker, ?) AND {inside})", a, b, b, a, a, b, b, a)
    sql = (f"SELECT {QUOTE_LIST.sql()} FROM quotes q LEFT JOIN articles a ON a.id = q.article_id "
           f"{w.sql()} ORDER BY a.date NULLS LAST, q.article_id, q.start_char, q.id")
    sql, params = paged(sql, list(w.params), limit, offset)
    df = frame(con, sql, params)
    df["event_ids"] = [list(v) for v in df["event_ids"]]
    return df


# -- actors --------------------------------------------------------------------

def list_actors(con: Any, *, prefix: str | None = None, since: Any = None, until: Any = None,
                include_nonfactual: bool = False, limit: int | None = 100,
                offset: int = 0) -> pd.DataFrame:
    """Actor codes seen in events, with counts as source, as target and in
    total, most frequent first; `prefix` ("KOR") keeps codes that start with it."""
    check_page(limit, offset)
    events = "events" if include_nonfactual else "factual_events"
    w = Where().dates("date", since, until)
    if prefix:
        w.add("starts_with(code, ?)", parse_actor(prefix, name="prefix"))
    roles = (f"SELECT source AS code, source_country AS country, source_sector AS sector, "
             f"source_name AS name, 1 AS s, 0 AS t, date FROM {events} WHERE source IS NOT NULL "
             f"UNION ALL SELECT target, target_country, target_sector, target_name, 0, 1, date "
             f"FROM {events} WHERE target IS NOT NULL")
    sql = (f"SELECT {ACTOR_LIST.sql()} FROM ({roles}) r {w.sql()} GROUP BY code "
           f"ORDER BY n_events DESC, code")
    sql, params = paged(sql, list(w.params), limit, offset)
    return frame(con, sql, params)
