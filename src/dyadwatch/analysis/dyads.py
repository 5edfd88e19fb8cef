"""Dyad analysis over the stored events: time series, escalation alerts,
timelines, extractive summaries, the actor network, an overview and export.

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
from typing import Any

import pandas as pd

from .. import formats
from ..config import Settings
from ..errors import QueryError
from ..store.queries import (
    Where, as_filter, base_events_sql, check_unit, first_row, frame, parse_actor, parse_date,
    records,
)
from ..store.filters import EventFilter
from ..store.schema import Projection, expr, ref, refs
from ..types import PLOVER_TYPES, QUAD_NAMES

#: Column name of each QuadClass count in a series.
QUAD_COLUMNS: dict[int, str] = {q: name.replace(" ", "_") for q, name in QUAD_NAMES.items()}
#: Gap-filling step of each series frequency (DuckDB interval literals).
FREQS: dict[str, str] = {"day": "INTERVAL 1 DAY", "week": "INTERVAL 7 DAY",
                         "month": "INTERVAL 1 MONTH"}
#: Scale factors that make MAD and mean absolute deviation estimate a
#: standard deviation for normal data (Iglewicz & Hoaglin's modified z).
MAD_TO_SD = 1.4826
MEANAD_TO_SD = 1.2533


# -- time series ---------------------------------------------------------------

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
    w = Where().dyad((a, b), directed, "b.source", "b.target")
    return _series(con, w, freq, since, until, unit, include_nonfactual)


def actor_series(con: Any, a: str, *, directed: bool = False, freq: str = "month",
                 since: Any = None, until: Any = None, unit: str = "canonical",
                 include_nonfactual: bool = False) -> pd.DataFrame:
    """The series of `dyad_series` for one actor against everyone: events
    where it is source or target (source only if `directed`)."""
    cols = ("b.source",) if directed else ("b.source", "b.target")
    return _series(con, Where().actor(a, cols), freq, since, until, unit, include_nonfactual)


def _series(con: Any, w: Where, freq: str, since: Any, until: Any, unit: str,
            include_nonfactual: bool) -> pd.DataFrame:
    if freq not in FREQS:
        raise QueryError(f"freq: {freq!r} is not one of {', '.join(FREQS)}.")
    lo = parse_date(since, name="since")
    hi = parse_date(until, name="until", end=True)
    w.dates("b.date", lo, hi).add("b.date IS NOT NULL")
    base = base_events_sql(unit, include_nonfactual)
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
               sum(goldstein) AS goldstein_sum, avg(goldstein) AS goldstein_mean
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
    return frame(con, sql, [*w.params, lo, hi, hi, lo])


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


# -- alerts --------------------------------------------------------------------

def alerts(con: Any, *, window_days: int = Settings.alert_window_days,
           baseline_windows: int = Settings.alert_baseline_windows,
           threshold: float = Settings.alert_threshold, as_of: Any = None,
           min_events: int = 3, directed: bool = False, unit: str = "canonical",
           include_nonfactual: bool = False, max_evidence: int = 10) -> pd.DataFrame:
    """Country dyads whose conflict intensity in the latest window is far
    above their own baseline, ranked by robust z-score.

    Intensity of a window = sum over the dyad's conflict events (QuadClass 3
    or 4) of max(1, -Goldstein): each conflict event weighs at least 1, an
    armed attack (-10) ten times a complaint. The latest window is the
    `window_days` days up to `as_of` (default: the last event date, so an
    old corpus is judged at its own end); the baseline is the
    `baseline_windows` windows before it, fully covered by the data.

        z = (latest - median(baseline)) / scale,
        scale = max(1.4826 * MAD, 1)              if MAD > 0
              = max(1.2533 * mean |x - median|, 1) otherwise

    Why a robust z-score and not a change-point method (ruptures): a dyad
    has only a handful of windows (six baseline months), where change-point
    search has nothing to fit and its penalty would be a second threshold to
    tune; the median and MAD ignore one earlier flare-up, the score reads as
    "how many typical deviations above normal", and it needs no extra
    dependency and runs in one SQL query over all dyads. MAD is 0 whenever
    most baseline windows are equal (typically all quiet): then the mean
    absolute deviation is used, and the scale never drops below 1 (one
    minimal conflict event), so a quiet dyad needs at least `threshold`
    units of new conflict to alert and a perfectly flat one scores 0.
    Dyads need `min_events` conflict events in the latest window.

    Columns: dyad, actor_a, actor_b, n_events, intensity, baseline (window
    intensities, oldest first), baseline_median, baseline_mad, scale, z,
    window_start, window_end, event_ids (mentions to show, strongest first)
    and canonical_ids (the counted events).
    """
    for name, value in (("window_days", window_days), ("baseline_windows", baseline_windows),
                        ("min_events", min_events), ("max_evidence", max_evidence)):
        if not isinstance(value, int) or value < 1:
            raise QueryError(f"{name}: {value!r} must be a whole number >= 1.")
    base = base_events_sql(unit, include_nonfactual)
    first, last = first_row(con, f"SELECT min(date), max(date) FROM ({base}) b")
    end = parse_date(as_of, name="as_of") or last
    if end is None or first is None:
        return _empty_alerts()
    covered = min(baseline_windows, ((end - first).days + 1) // window_days - 1)
    if covered < 1:
        return _empty_alerts()
    start = end - dt.timedelta(days=(covered + 1) * window_days)
    if directed:
        pair = "b.source_country AS actor_a, b.target_country AS actor_b"
    else:
        pair = ("least(b.source_country, b.target_country) AS actor_a, "
                "greatest(b.source_country, b.target_country) AS actor_b")
    sql = f"""
    WITH ev AS (
        SELECT b.id, b.event_id, b.date, {pair},
               greatest(1.0, -coalesce(b.goldstein, -1.0)) AS weight,
               date_diff('day', b.date, ?::DATE) // ? AS w
        FROM ({base}) b
        WHERE b.quad_class IN (3, 4) AND b.source_country IS NOT NULL
          AND b.target_country IS NOT NULL AND b.date <= ? AND b.date > ?),
    per AS (SELECT actor_a, actor_b, w, sum(weight) AS x, count(*) AS n FROM ev GROUP BY ALL),
    latest AS (SELECT actor_a, actor_b, x AS intensity, n AS n_events FROM per
               WHERE w = 0 AND n >= ?),
    grid AS (SELECT l.actor_a, l.actor_b, r.w FROM latest l CROSS JOIN range(1, ?) r(w)),
    hist AS (SELECT g.actor_a, g.actor_b, g.w, coalesce(p.x, 0.0) AS x FROM grid g
             LEFT JOIN per p USING (actor_a, actor_b, w)),
    med AS (SELECT actor_a, actor_b, median(x) AS med FROM hist GROUP BY ALL),
    dev AS (SELECT h.actor_a, h.actor_b, any_value(m.med) AS med,
                   median(abs(h.x - m.med)) AS mad, avg(abs(h.x - m.med)) AS meanad,
                   list(h.x ORDER BY h.w DESC) AS baseline
            FROM hist h JOIN med m USING (actor_a, actor_b) GROUP BY ALL),
    scored AS (
        SELECT l.*, d.baseline, d.med, d.mad,
               CASE WHEN d.mad > 0 THEN greatest({MAD_TO_SD} * d.mad, 1.0)
                    ELSE greatest({MEANAD_TO_SD} * d.meanad, 1.0) END AS scale
        FROM latest l JOIN dev d USING (actor_a, actor_b)),
    drivers AS (
        SELECT actor_a, actor_b,
               list_slice(list(event_id ORDER BY weight DESC, date DESC, id), 1, ?) AS event_ids,
               list_slice(list(id ORDER BY weight DESC, date DESC, id), 1, ?) AS canonical_ids
        FROM ev WHERE w = 0 GROUP BY ALL)
    SELECT actor_a || '-' || actor_b AS dyad, actor_a, actor_b, n_events, intensity, baseline,
           med AS baseline_median, mad AS baseline_mad, scale,
           round((intensity - med) / scale, 3) AS z,
           ?::DATE AS window_start, ?::DATE AS window_end, event_ids, canonical_ids
    FROM scored JOIN drivers USING (actor_a, actor_b)
    WHERE (intensity - med) / scale >= ?
    ORDER BY z DESC, intensity DESC, dyad"""
    params = [end, window_days, end, start, min_events, covered + 1, max_evidence, max_evidence,
              end - dt.timedelta(days=window_days - 1), end, float(threshold)]
    return frame(con, sql, params)


def _empty_alerts() -> pd.DataFrame:
    return pd.DataFrame(columns=["dyad", "actor_a", "actor_b", "n_events", "intensity",
                                 "baseline", "baseline_median", "baseline_mad", "scale", "z",
                                 "window_start", "window_end", "event_ids", "canonical_ids"])


# -- timeline and summary --------------------------------------------------------

def _dyad_selection(a: str, b: str, directed: bool, since: Any, until: Any,
                    unit: str, include_nonfactual: bool) -> tuple[str, list[Any]]:
    """`sel` CTE: the counted events of a dyad in a period."""
    w = Where().dyad((a, b), directed, "b.source", "b.target").dates("b.date", since, until)
    return (f"sel AS (SELECT b.* FROM ({base_events_sql(unit, include_nonfactual)}) b "
            f"{w.sql()})"), w.params


def timeline(con: Any, a: str, b: str, *, directed: bool = False, since: Any = None,
             until: Any = None, limit: int | None = None, unit: str = "canonical",
             include_nonfactual: bool = False) -> pd.DataFrame:
    """The dyad's events in date order, each with one evidence sentence (the
    canonical event's first mention when it counts, else its first counted
    mention), the article it came from and the quote it was said in."""
    check_unit(unit)
    sel, params = _dyad_selection(a, b, directed, since, until, unit, include_nonfactual)
    events = "events" if include_nonfactual else "factual_events"
    canonical = "s.id" if unit == "canonical" else "e.canonical_id"
    sql = f"""
    WITH {sel},
    rep AS (SELECT m.canonical_id AS cid,
                   coalesce(min(m.id) FILTER (WHERE m.id = s.event_id), min(m.id)) AS rep_id
            FROM {events} m JOIN sel s ON m.canonical_id = s.id GROUP BY m.canonical_id)
    SELECT s.date, {canonical} AS canonical_id, e.id AS event_id, s.source, s.target,
           s.plover, s.cameo, s.goldstein, s.quad_class, s.n_stories, s.n_mentions,
           e.sentence, e.trigger, e.article_id, a.title, a.outlet, a.date AS article_date,
           a.url, q.text AS quote, q.speaker AS quote_speaker
    FROM sel s LEFT JOIN rep r ON r.cid = s.id
    JOIN events e ON e.id = coalesce(r.rep_id, s.event_id)
    LEFT JOIN articles a ON a.id = e.article_id
    LEFT JOIN quotes q ON q.id = e.quote_id
    ORDER BY s.date NULLS LAST, s.id"""
    if limit is not None:
        if not isinstance(limit, int) or limit < 0:
            raise QueryError(f"limit: {limit!r} must be a whole number >= 0.")
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
        raise QueryError(f"max_sentences: {max_sentences!r} must be a whole number >= 1.")
    check_unit(unit)
    a, b = parse_actor(a), parse_actor(b)
    sel, params = _dyad_selection(a, b, directed, since, until, unit, include_nonfactual)
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
        raise QueryError(f"level: {level!r} is not 'country' or 'actor'.")
    if not isinstance(min_events, int) or min_events < 1:
        raise QueryError(f"min_events: {min_events!r} must be a whole number >= 1.")
    src, tgt = ("source_country", "target_country") if level == "country" else ("source", "target")
    w = (Where().dates("b.date", since, until)
         .add(f"b.{src} IS NOT NULL AND b.{tgt} IS NOT NULL"))
    sql = (f"SELECT b.{src} AS source, b.{tgt} AS target, count(*) AS n_events, "
           f"coalesce(sum(b.goldstein), 0.0) AS goldstein_sum, "
           f"avg(b.goldstein) AS goldstein_mean, "
           f"avg(CASE WHEN b.quad_class IN (3, 4) THEN 1.0 ELSE 0.0 END) AS conflict_share "
           f"FROM ({base_events_sql(unit, include_nonfactual)}) b {w.sql()} "
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
    one = {
        "articles": "SELECT count(*) FROM articles",
        "stories": "SELECT count(*) FROM stories",
        "sentences": "SELECT count(*) FROM sentences",
        "events": "SELECT count(*) FROM events",
        "factual_events": "SELECT count(*) FROM factual_events",
        "quotes": "SELECT count(*) FROM quotes",
        "errors": "SELECT count(*) FROM errors",
    }
    out: dict[str, Any] = {k: first_row(con, q)[0] for k, q in one.items()}
    base = base_events_sql()
    n, first, last = first_row(con, f"SELECT count(*), min(date), max(date) FROM ({base}) b")
    out.update(canonical_events=n, first_date=first, last_date=last)
    out["events_by_type"] = dict(con.execute(
        f"SELECT plover, count(*) AS n FROM ({base}) b GROUP BY plover "
        f"ORDER BY n DESC, plover").fetchall())
    out["top_dyads"] = [
        {"source": s, "target": t, "n": c} for s, t, c in con.execute(
            f"SELECT source_country, target_country, count(*) AS n FROM ({base}) b "
            f"WHERE source_country IS NOT NULL AND target_country IS NOT NULL "
            f"GROUP BY ALL ORDER BY n DESC, source_country, target_country LIMIT ?",
            [top]).fetchall()]
    return out


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
        # The path goes to DuckDB's writer as an argument, never into SQL text.
        rel = con.sql(sql, params=w.params)
        getattr(rel, out.duckdb)(str(path), **({"header": True} if out.name == "csv" else {}))
        return first_row(con, f"SELECT count(*) FROM events e {w.sql()}", w.params)[0]
    df = frame(con, sql, w.params)
    path.write_bytes(out.write(df))
    return len(df)
