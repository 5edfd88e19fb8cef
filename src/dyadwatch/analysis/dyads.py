"""Dyad analysis over the stored events: time series, timelines, extractive
summaries, the actor network, an overview and export (escalation alerts
are in alerts.py).

Everything that can be computed in SQL is (grouping, pivoting, gap filling,
medians), so a million events answer in a fraction of a second from DuckDB's
columnar scan; Python only ranks the few sentences of a summary.

The unit of counting is the canonical event (one deduplicated happening,
however many articles reported it); `unit="mentions"` counts every stored
report instead. Only factual events count unless `include_nonfactual=True`.
Actors are codes matched by prefix and dyads cover both directions unless
`directed=True` (see queries.py, whose filter builders these functions share).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import formats
from ..errors import error
from ..store.queries import (
    Where, as_filter, base_events_sql, check_unit, first_row, frame, parse_actor, parse_date,
    records,
)
from ..store.filters import EventFilter
from ..store.schema import Projection, expr, ref, refs
from ..plover import PLOVER_TYPES, QUAD_NAMES

if TYPE_CHECKING:  # frames are made by `frame`; importing pandas here slowed every read command
    import pandas as pd

#: Column name of each QuadClass count in a series.
QUAD_COLUMNS: dict[int, str] = {q: name.replace(" ", "_") for q, name in QUAD_NAMES.items()}
#: Gap-filling step of each series frequency (DuckDB interval literals).
FREQS: dict[str, str] = {"day": "INTERVAL 1 DAY", "week": "INTERVAL 7 DAY",
                         "month": "INTERVAL 1 MONTH"}
#: Most periods one series may have (see `check_span`): 27 years of days.
MAX_SERIES_PERIODS = 10_000
#: The years MAX_SERIES_PERIODS periods cover at each frequency, for messages.
SPAN_YEARS: dict[str, int] = {"day": 27, "week": 191, "month": 833}


# -- time series ---------------------------------------------------------------


def exact_sum(column: str) -> str:
    """SQL for the sum of a DOUBLE score column, added exactly (as DECIMAL): DuckDB
    adds floats in parallel in whatever order its threads finish, so the same
    query could print a different last digit from one run to the next."""
    return f"sum({column}::DECIMAL(18, 6))::DOUBLE"


def exact_avg(column: str) -> str:
    """The mean of a score column from its exact sum (see `exact_sum`)."""
    return f"avg({column}::DECIMAL(18, 6))::DOUBLE"

def dyad_series(con: Any, a: str, b: str, *, directed: bool = False, freq: str = "month",
                since: Any = None, until: Any = None, unit: str = "canonical",
                include_nonfactual: bool = False) -> pd.DataFrame:
    """Counts per period for the dyad a-b (a->b only if `directed`).

    Columns: period (first day), n_events, one count per PLOVER type, one per
    QuadClass (verbal_cooperation ... material_conflict), goldstein_sum,
    goldstein_mean and conflict_share (QuadClass 3-4 over all events).
    Every period from `since` (else the first event) to `until` (else the
    last) is present; periods without events have zero counts and NaN mean
    and share (a mean of nothing is unknown, not 0). Events without a date
    cannot be placed in time and are left out.
    """
    return frame(con, *dyad_series_query(con, a, b, directed=directed, freq=freq, since=since,
                                         until=until, unit=unit,
                                         include_nonfactual=include_nonfactual))


def dyad_series_query(con: Any, a: str, b: str, *, directed: bool = False, freq: str = "month",
                      since: Any = None, until: Any = None, unit: str = "canonical",
                      include_nonfactual: bool = False) -> tuple[str, list[Any]]:
    """The SQL and parameters of `dyad_series` (the series' span is checked
    on the way, which takes one query)."""
    w = Where().dyad((a, b), directed, "b.source", "b.target")
    return _series(con, w, freq, since, until, unit, include_nonfactual)


def actor_series(con: Any, a: str, *, directed: bool = False, freq: str = "month",
                 since: Any = None, until: Any = None, unit: str = "canonical",
                 include_nonfactual: bool = False) -> pd.DataFrame:
    """The series of `dyad_series` for one actor against everyone: events
    where it is source or target (source only if `directed`)."""
    cols = ("b.source",) if directed else ("b.source", "b.target")
    return frame(con, *_series(con, Where().actor(a, cols), freq, since, until, unit,
                               include_nonfactual))


def _series(con: Any, w: Where, freq: str, since: Any, until: Any, unit: str,
            include_nonfactual: bool) -> tuple[str, list[Any]]:
    if freq not in FREQS:
        raise error("E505", name="freq", value=freq, allowed=", ".join(FREQS))
    lo = parse_date(since, name="since")
    hi = parse_date(until, name="until", end=True)
    w.dates("b.date", lo, hi).add("b.date IS NOT NULL")
    base = base_events_sql(con, unit, include_nonfactual)
    if lo is None or hi is None:
        _check_open_span(con, f"SELECT min(b.date), max(b.date) FROM ({base}) b {w.sql()}",
                         w.params, freq, lo, hi)
    else:
        check_span(freq, lo, hi)
    # PLOVER types and QuadClasses are this module's constants, not user text.
    plover = ", ".join(f"count(*) FILTER (WHERE plover = '{t}') AS \"{t}\"" for t in PLOVER_TYPES)
    quads = ", ".join(f"count(*) FILTER (WHERE quad_class = {q}) AS {c}"
                      for q, c in QUAD_COLUMNS.items())
    filled = ", ".join(f"coalesce(\"{c}\", 0) AS \"{c}\""
                       for c in (*PLOVER_TYPES, *QUAD_COLUMNS.values()))
    conflict = f"{QUAD_COLUMNS[3]} + {QUAD_COLUMNS[4]}"
    trunc = f"date_trunc('{freq}', %s)::DATE"
    sql = f"""
    WITH sel AS (
        SELECT {trunc % 'b.date'} AS period, b.plover, b.quad_class, b.goldstein
        FROM ({base}) b {w.sql()}),
    agg AS (
        SELECT period, count(*) AS n_events, {plover}, {quads},
               {exact_sum('goldstein')} AS goldstein_sum, {exact_avg('goldstein')} AS goldstein_mean
        FROM sel GROUP BY period),
    bounds AS (
        SELECT {trunc % 'coalesce(?::DATE, min(period), ?::DATE)'} AS lo,
               {trunc % 'coalesce(?::DATE, max(period), ?::DATE)'} AS hi FROM agg),
    periods AS (
        SELECT unnest(generate_series(lo, hi, {FREQS[freq]}))::DATE AS period
        FROM bounds WHERE lo IS NOT NULL)
    SELECT p.period, coalesce(n_events, 0) AS n_events, {filled},
           coalesce(goldstein_sum, 0.0) AS goldstein_sum, goldstein_mean,
           ({conflict}) / n_events AS conflict_share
    FROM periods p LEFT JOIN agg USING (period) ORDER BY p.period"""
    return sql, [*w.params, lo, hi, hi, lo]


def series_points(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Series rows reshaped for the API and the dashboard's chart: QuadClass
    counts and PLOVER counts (zeros left out) as objects."""
    points = []
    for row in records(df):
        points.append({
            "period": row["period"], "n_events": row["n_events"],
            "quad": {c: row[c] for c in QUAD_COLUMNS.values()},
            "types": {t: row[t] for t in PLOVER_TYPES if row.get(t)},
            "goldstein_sum": row["goldstein_sum"], "goldstein_mean": row["goldstein_mean"],
            "conflict_share": row["conflict_share"]})
    return points


def n_periods(freq: str, lo: dt.date, hi: dt.date) -> int:
    """How many periods of `freq` a series from `lo` to `hi` has (weeks
    start on Monday and months on the 1st, as DuckDB's date_trunc)."""
    if hi < lo:
        return 0
    if freq == "day":
        return (hi - lo).days + 1
    if freq == "week":
        return (hi - lo + dt.timedelta(days=lo.weekday())).days // 7 + 1
    return (hi.year - lo.year) * 12 + hi.month - lo.month + 1


#: The first and last date stored in either table: every series' own dates
#: lie between them. Read from DuckDB's column statistics, not by a scan.
_STORED_SPAN = ("SELECT min(d), max(d) FROM (SELECT min(date) AS d FROM canonical_events "
                "UNION ALL SELECT max(date) FROM canonical_events "
                "UNION ALL SELECT min(date) FROM events UNION ALL SELECT max(date) FROM events)")


def _check_open_span(con: Any, span_sql: str, params: list[Any], freq: str,
                     lo: dt.date | None, hi: dt.date | None) -> None:
    """`check_span` for a series open at one end or both, whose own first and
    last dates `span_sql` reads. The stored span, wider than any series',
    is tried first: when even it has few enough periods so has the series,
    and the series' own dates need no scan (a tenth of a second on a million
    events, half of `dyad`'s work). The series' SQL finds its bounds itself
    (`coalesce(?, min(period), ?)`), so only the check needs them."""
    first, last = first_row(con, _STORED_SPAN)
    if first is not None and n_periods(freq, lo or first, hi or last) <= MAX_SERIES_PERIODS:
        return
    first, last = con.execute(span_sql, list(params)).fetchone()
    check_span(freq, lo or first, hi or last)


def check_span(freq: str, lo: dt.date | None, hi: dt.date | None) -> None:
    """Refuse a series of more than MAX_SERIES_PERIODS periods before it is
    built: its rows are made for every period, event or not, so the cost of
    a request is set by the range asked for, not by the data (a daily series
    from year 1 to 9999 is 3.6 million rows)."""
    if lo is None or hi is None:
        return
    n = n_periods(freq, lo, hi)
    if n > MAX_SERIES_PERIODS:
        raise error("E502", freq=freq, limit=MAX_SERIES_PERIODS, years=SPAN_YEARS[freq],
                    since=lo.isoformat(), until=hi.isoformat(), count=n)


# -- alerts --------------------------------------------------------------------
# The z-score alert lives with the watch rules in alerts.py; kept importable here.
from .alerts import alerts  # noqa: E402,F401


# -- timeline and summary --------------------------------------------------------

def _dyad_selection(con: Any, a: str, b: str, directed: bool, since: Any, until: Any,
                    unit: str, include_nonfactual: bool) -> tuple[str, list[Any]]:
    """`sel` CTE: the counted events of a dyad in a period."""
    w = Where().dyad((a, b), directed, "b.source", "b.target").dates("b.date", since, until)
    return (f"sel AS (SELECT b.* FROM ({base_events_sql(con, unit, include_nonfactual)}) b "
            f"{w.sql()})"), w.params


#: The columns of a dyad timeline (`timeline`, the API's TimelineItem): `s` is the
#: counted selection (canonical events, or mentions with unit="mentions"), `e` the
#: mention shown as evidence. canonical_id is written at the query: it depends on the unit.
TIMELINE = Projection((
    ref("s", "canonical_events", "date"),
    expr("canonical_id", "", "VARCHAR", doc="The deduplicated event."),
    ref("e", "events", "id", name="event_id"),
    *refs("s", "canonical_events", "source", "target", "plover", "cameo", "goldstein",
          "quad_class"),
    expr("n_stories", "s.n_stories", "INTEGER", doc="Independent stories reporting it."),
    expr("n_mentions", "s.n_mentions", "INTEGER", doc="Reports of it (event mentions)."),
    *refs("e", "events", "sentence", "trigger", "article_id"),
    *refs("a", "articles", "title", "outlet", joined=True),
    ref("a", "articles", "date", name="article_date", joined=True),
    ref("a", "articles", "url", joined=True),
    ref("q", "quotes", "text", name="quote", joined=True),
    ref("q", "quotes", "speaker", name="quote_speaker", joined=True),
))


def timeline(con: Any, a: str, b: str, *, directed: bool = False, since: Any = None,
             until: Any = None, limit: int | None = None, unit: str = "canonical",
             include_nonfactual: bool = False) -> pd.DataFrame:
    """The dyad's events in date order, each with one evidence sentence (the
    canonical event's first mention when it counts, else its first counted
    mention), the article it came from and the quote it was said in."""
    check_unit(unit)
    sel, params = _dyad_selection(con, a, b, directed, since, until, unit, include_nonfactual)
    events = "events" if include_nonfactual else "factual_events"
    canonical = "s.id" if unit == "canonical" else "e.canonical_id"
    sql = f"""
    WITH {sel},
    rep AS (SELECT m.canonical_id AS cid,
                   coalesce(min(m.id) FILTER (WHERE m.id = s.event_id), min(m.id)) AS rep_id
            FROM {events} m JOIN sel s ON m.canonical_id = s.id GROUP BY m.canonical_id)
    SELECT {TIMELINE.fields[0].select()}, {canonical} AS canonical_id,
           {Projection(TIMELINE.fields[2:]).sql()}
    FROM sel s LEFT JOIN rep r ON r.cid = s.id
    JOIN events e ON e.id = coalesce(r.rep_id, s.event_id)
    LEFT JOIN articles a ON a.id = e.article_id
    LEFT JOIN quotes q ON q.id = e.quote_id
    ORDER BY s.date NULLS LAST, s.id"""
    if limit is not None:
        if not isinstance(limit, int) or limit < 0:
            raise error("E503", name="limit", value=limit, minimum=0)
        sql += " LIMIT ?"
        params = [*params, limit]
    return frame(con, sql, params)


def summary(con: Any, a: str, b: str, *, directed: bool = False, since: Any = None,
            until: Any = None, max_sentences: int = 5, unit: str = "canonical",
            include_nonfactual: bool = False) -> dict[str, Any]:
    """An extractive summary of the dyad: up to `max_sentences` evidence
    sentences, verbatim (only surrounding whitespace trimmed), each with its
    citation. Nothing is generated, so every sentence can be found in its
    source.

    Ranking: events reported by more independent stories first, then the
    strongest (|Goldstein|), then the most recent; one sentence per event,
    the earliest report of it; a sentence that shares most of its words
    with one already chosen is skipped (syndicated rewrites). The chosen
    sentences are returned in date order. `text` joins them with [n]
    markers that index `sentences`.
    """
    if not isinstance(max_sentences, int) or max_sentences < 1:
        raise error("E503", name="max_sentences", value=max_sentences, minimum=1)
    check_unit(unit)
    a, b = parse_actor(a), parse_actor(b)
    sel, params = _dyad_selection(con, a, b, directed, since, until, unit, include_nonfactual)
    events = "events" if include_nonfactual else "factual_events"
    cols = ("s.id AS cid, s.date, s.n_stories, s.goldstein, s.plover, e.id AS event_id, "
            "e.sentence, e.article_id, a.title, a.outlet, a.date AS article_date, a.url")
    join = f"JOIN {events} e ON %s LEFT JOIN articles a ON a.id = e.article_id"
    members = f"SELECT {cols} FROM sel s {join % 'e.id = s.id'}"
    if unit == "canonical":
        members = (f"SELECT {cols} FROM sel s {join % 'e.canonical_id = s.id'} UNION ALL "
                   f"{members} WHERE e.canonical_id IS NULL")
    sql = f"WITH {sel} {members}"
    cand = frame(con, sql, params)
    n_events = int(cand["cid"].nunique()) if len(cand) else 0
    cand["_strength"] = cand["goldstein"].abs().fillna(0.0)
    cand["_ord"] = [d.toordinal() if d else 0 for d in cand["date"]]
    cand["_adate"] = [d.toordinal() if d else 10**7 for d in cand["article_date"]]
    cand = cand.sort_values(["n_stories", "_strength", "_ord", "_adate", "event_id"],
                            ascending=[False, False, False, True, True], kind="mergesort")
    chosen: list[dict[str, Any]] = []
    seen_events: set[str] = set()
    seen_words: list[set[str]] = []
    for row in records(cand):
        if row["cid"] in seen_events:
            continue
        words = set(re.findall(r"\w+", row["sentence"].lower()))
        if any(_jaccard(words, other) >= 0.6 for other in seen_words):
            continue
        seen_events.add(row["cid"])
        seen_words.append(words)
        chosen.append(row)
        if len(chosen) == max_sentences:
            break
    chosen.sort(key=lambda r: (r["_ord"], -r["n_stories"], r["event_id"]))
    sentences = [{
        "text": r["sentence"].strip(), "date": r["date"], "event_id": r["event_id"],
        "canonical_id": r["cid"], "plover": r["plover"], "n_stories": int(r["n_stories"]),
        "goldstein": r["goldstein"],
        "citation": {"article_id": r["article_id"], "title": r["title"],
                     "outlet": r["outlet"], "date": r["article_date"], "url": r["url"]},
    } for r in chosen]
    text = " ".join(f"{s['text']} [{i}]" for i, s in enumerate(sentences, 1))
    return {"dyad": f"{a}-{b}", "directed": directed,
            "since": parse_date(since, name="since"),
            "until": parse_date(until, name="until", end=True),
            "n_events": n_events, "sentences": sentences, "text": text}


def _jaccard(x: set[str], y: set[str]) -> float:
    return len(x & y) / len(x | y) if x or y else 1.0


# -- network, overview, export ---------------------------------------------------

def network(con: Any, *, since: Any = None, until: Any = None, min_events: int = 1,
            level: str = "country", unit: str = "canonical",
            include_nonfactual: bool = False) -> pd.DataFrame:
    """Directed edges source -> target with n_events, goldstein_sum,
    goldstein_mean and conflict_share, largest first. `level="country"`
    groups by country codes, `level="actor"` by full codes (KORGOV)."""
    if level not in ("country", "actor"):
        raise error("E505", name="level", value=level, allowed="country, actor")
    if not isinstance(min_events, int) or min_events < 1:
        raise error("E503", name="min_events", value=min_events, minimum=1)
    src, tgt = ("source_country", "target_country") if level == "country" else ("source", "target")
    w = (Where().dates("b.date", since, until)
         .add(f"b.{src} IS NOT NULL AND b.{tgt} IS NOT NULL"))
    sql = (f"SELECT b.{src} AS source, b.{tgt} AS target, count(*) AS n_events, "
           f"coalesce({exact_sum('b.goldstein')}, 0.0) AS goldstein_sum, "
           f"{exact_avg('b.goldstein')} AS goldstein_mean, "
           f"avg(CASE WHEN b.quad_class IN (3, 4) THEN 1.0 ELSE 0.0 END) AS conflict_share "
           f"FROM ({base_events_sql(con, unit, include_nonfactual)}) b {w.sql()} "
           f"GROUP BY ALL HAVING count(*) >= ? ORDER BY n_events DESC, source, target")
    return frame(con, sql, [*w.params, min_events])


def overview(con: Any, *, top: int = 10) -> dict[str, Any]:
    """What the database holds: the ingest summary and `dyadwatch stats`.

    Keys: articles, stories, sentences, events (stored mentions),
    factual_events, canonical_events (counted, factual), quotes, errors,
    first_date, last_date, events_by_type (counted canonical events per
    PLOVER type, largest first) and top_dyads (list of {source, target, n},
    country to country, directed).
    """
    counts = ", ".join(f"(SELECT count(*) FROM {table})" for table in _COUNTED.values())
    out: dict[str, Any] = dict(zip(_COUNTED, first_row(con, f"SELECT {counts}")))
    rows = con.execute(_OVERVIEW.format(base=base_events_sql(con)), [top]).fetchall()
    (_, _, _, n, first, last), = (r for r in rows if r[0] == 0)
    out.update(canonical_events=n, first_date=first, last_date=last)
    by_type = sorted((r for r in rows if r[0] == 1),
                     key=lambda r: (-r[3], r[1] is None, r[1] or ""))
    out["events_by_type"] = {r[1]: r[3] for r in by_type}
    dyads = sorted((r for r in rows if r[0] == 2), key=lambda r: (-r[3], r[1], r[2]))
    out["top_dyads"] = [{"source": r[1], "target": r[2], "n": r[3]} for r in dyads]
    return out


#: The overview's plain counts (key: table or view), read in one query.
_COUNTED = {"articles": "articles", "stories": "stories", "sentences": "sentences",
            "events": "events", "factual_events": "factual_events", "quotes": "quotes",
            "errors": "errors"}


#: The counted events read once for the three parts of the overview (their
#: total and dates, per PLOVER type, the top country dyads): one scan instead
#: of three halves `stats` on a million events. Rows are (part, key, key, n,
#: first date, last date); parts are ordered in Python as the SQL below them.
_OVERVIEW = """
    WITH b AS MATERIALIZED (
        SELECT plover, source_country, target_country, date FROM ({base}) b),
    total AS (SELECT count(*) AS n, min(date) AS lo, max(date) AS hi FROM b),
    types AS (SELECT plover, count(*) AS n FROM b GROUP BY plover),
    dyads AS (SELECT source_country, target_country, count(*) AS n FROM b
              WHERE source_country IS NOT NULL AND target_country IS NOT NULL GROUP BY ALL
              ORDER BY n DESC, source_country, target_country LIMIT ?)
    SELECT 0, NULL, NULL, n, lo, hi FROM total
    UNION ALL SELECT 1, plover, NULL, n, NULL, NULL FROM types
    UNION ALL SELECT 2, source_country, target_country, n, NULL, NULL FROM dyads"""


#: Export columns, POLECAT/ICEWS-like: one row per event mention, with the
#: canonical event id so analysts can deduplicate, and the evidence.
EXPORT = Projection((
    ref("e", "events", "id", name="event_id"),
    *refs("e", "events", "canonical_id", "date", "date_source",
          "source", "source_name", "source_country", "source_sector", "source_text",
          "target", "target_name", "target_country", "target_sector", "target_text",
          "plover", "cameo", "goldstein", "quad_class", "negated", "modality", "confidence"),
    expr("n_stories", "coalesce(c.n_stories, 1)", "INTEGER", nullable=False,
         doc="Independent stories reporting the event."),
    *refs("e", "events", "sentence", "trigger", "pattern", "article_id"),
    *refs("a", "articles", "title", "outlet", joined=True),
    ref("a", "articles", "date", name="article_date", joined=True),
    ref("a", "articles", "url", joined=True),
    *refs("e", "events", "quote_id", "geo_name", "geo_id", "geo_country", "geo_admin1", "lat",
          "lon", "geo_precision", "geo_text"),
))
EXPORT_COLUMNS = EXPORT.sql()


def export_events(con: Any, path: str | Path, fmt: str | None = None,
                  flt: EventFilter | None = None, **filters: Any) -> int:
    """Write events (an EventFilter or its fields, as in `queries.list_events`,
    minus paging) in a format of the registry (`fmt`, else the file's
    suffix); CSV and Parquet go through DuckDB's own writer. Returns the
    number of rows written."""
    path = Path(path)
    out = formats.get(fmt, formats.EXPORT) if fmt else formats.from_path(path)
    w = as_filter(flt, filters).where("e")
    sql = (f"SELECT {EXPORT_COLUMNS} FROM events e "
           f"LEFT JOIN articles a ON a.id = e.article_id "
           f"LEFT JOIN canonical_events c ON c.id = e.canonical_id "
           f"{w.sql()} ORDER BY e.date NULLS LAST, e.id")
    if out.duckdb:
        from ..store.db import python_layer

        python_layer()  # con.sql: a connection opened engine-only lacks it
        # The path goes to DuckDB's writer as an argument, never into SQL text.
        rel = con.sql(sql, params=w.params)
        getattr(rel, out.duckdb)(str(path), **({"header": True} if out.name == "csv" else {}))
        return first_row(con, f"SELECT count(*) FROM events e {w.sql()}", w.params)[0]
    df = frame(con, sql, w.params)
    path.write_bytes(out.write(df))
    return len(df)
