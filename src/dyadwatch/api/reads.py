"""Read routes: thin wrappers over queries.py and analysis.py.

Each route validates its parameters (FastAPI/pydantic for types and
bounds, the query modules for codes and dates, which raise QueryError ->
400), runs one read function on the request's own cursor (bounded by the
query timeout) and returns a response model. User text reaches SQL only
as bound parameters, inside the query modules.
"""


import datetime as dt
import math
import tempfile
from pathlib import Path, PurePath
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from ..analysis import dyads as analysis
from ..store import queries
from ..errors import QueryError
from ..types import PLOVER_TYPES
from . import models as m
from .server import Server

#: Largest offset accepted: far beyond any real table, small enough that
#: DuckDB's 64-bit LIMIT/OFFSET never overflows.
MAX_OFFSET = 1_000_000_000
#: Free-text filters longer than this are refused (they match nothing anyway).
MAX_TEXT = 500

ERRORS = {
    400: {"model": m.ErrorResponse, "description": "A parameter is invalid (actor code, date, "
                                                   "page size above the maximum)."},
    401: {"model": m.ErrorResponse, "description": "A read token is required and missing or "
                                                   "wrong."},
    422: {"model": m.ErrorResponse, "description": "A parameter has the wrong type or is out "
                                                   "of range."},
    503: {"model": m.ErrorResponse, "description": "The database is unavailable."},
    504: {"model": m.ErrorResponse, "description": "The query took longer than the server's "
                                                   "limit and was stopped."},
}
NOT_FOUND = {404: {"model": m.ErrorResponse, "description": "No such id."}}

Text = Annotated[str | None, Query(max_length=MAX_TEXT)]
Since = Annotated[str | None, Query(max_length=32, description="From this date: YYYY-MM-DD, "
                                                               "YYYY-MM or YYYY.")]
Until = Annotated[str | None, Query(max_length=32, description="Up to this date (inclusive): "
                                                               "YYYY-MM-DD, YYYY-MM or YYYY.")]
Directed = Annotated[bool, Query(description="Only a -> b (default: both directions).")]
Unit = Annotated[str, Query(pattern="^(canonical|mentions)$",
                            description="canonical: each deduplicated event once; mentions: "
                                        "every report of it.")]
Nonfactual = Annotated[bool, Query(description="Also count denied, future, hypothetical "
                                               "and background events.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")]
ActorCode = Annotated[str, PathParam(max_length=40, description="Actor code, e.g. CHN or "
                                                                "KORGOV.")]
Id = Annotated[str, PathParam(max_length=64, description="Id from a listing.")]


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """DataFrame rows as plain dicts: NaN/NaT -> None, numpy scalars and
    arrays -> Python values (for the response models)."""
    return [{k: _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def _plain(v: Any) -> Any:
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, np.ndarray):
        return [_plain(x) for x in v.tolist()]
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        v = v.item()
        return None if isinstance(v, float) and math.isnan(v) else v
    if isinstance(v, pd.Timestamp):
        return v.date()
    return v


def source_file(path: str | None) -> str | None:
    """The file name an article came from, without the server's folders."""
    return PurePath(path).name if path else None


def _page(rows: list[dict[str, Any]], limit: int, offset: int) -> tuple[list, int | None]:
    """Rows were fetched with limit + 1: the extra one says there is a next page."""
    if len(rows) > limit:
        return rows[:limit], offset + limit
    return rows, None


def build_router(server: Server) -> APIRouter:
    """The /api read routes (page sizes capped at the server's max_page_size)."""
    max_page = server.settings.max_page_size
    Limit = Annotated[int, Query(ge=0, le=max_page,
                                 description=f"Page size (at most {max_page}).")]

    def read_access(request: Request) -> None:
        server.check_read(request)

    router = APIRouter(prefix="/api", dependencies=[Depends(read_access)], responses=ERRORS)

    def cursor():
        with server.reading() as cur:
            yield cur

    Cursor = Annotated[Any, Depends(cursor)]

    def event_filters(
        actor: Annotated[str | None, Query(max_length=40, description="Actor code, as source "
                                           "or target (prefix match: KOR covers KORGOV).")] = None,
        dyad: Annotated[str | None, Query(max_length=80, description="Two actors, e.g. "
                                          "CHN-PRK (both directions unless directed).")] = None,
        directed: Directed = False,
        type: Annotated[str | None, Query(description="PLOVER type: " + ", ".join(PLOVER_TYPES),
                                          max_length=20)] = None,
        quad_class: Annotated[int | None, Query(ge=1, le=4, description="1 verbal "
                                                "cooperation ... 4 material conflict.")] = None,
        since: Since = None, until: Until = None,
        q: Annotated[str | None, Query(max_length=MAX_TEXT, description="Text the evidence "
                                       "sentence contains (case-insensitive, literal).")] = None,
        country: Annotated[str | None, Query(max_length=40, description="ISO3 code of the "
                                             "country where the event took place.")] = None,
        near: Annotated[str | None, Query(max_length=120, description="LAT,LON or a place "
                                          "name: events located near it.")] = None,
        within_km: Annotated[float | None, Query(gt=0, le=20_100, description="Radius for "
                                                 "near, in km (default 50).")] = None,
        include_nonfactual: Nonfactual = False,
        canonical: Annotated[bool, Query(description="One mention per deduplicated "
                                                     "event.")] = False,
    ) -> dict[str, Any]:
        return {"actor": actor, "dyad": dyad, "directed": directed, "plover": type,
                "quad_class": quad_class, "since": since, "until": until, "text": q,
                "country": country, "near": resolve_near(server, near), "within_km": within_km,
                "include_nonfactual": include_nonfactual, "canonical": canonical}

    Filters = Annotated[dict, Depends(event_filters)]

    @router.get("/events", response_model=m.EventPage, summary="Events matching filters",
                description="Event mentions ordered by (date, id); every filter narrows.")
    def events(con: Cursor, filters: Filters, limit: Limit = 50,
               offset: Offset = 0) -> dict[str, Any]:
        df = queries.list_events(con, **filters, limit=limit + 1, offset=offset)
        rows, nxt = _page(records(df), limit, offset)
        total = queries.count_events(con, **filters)
        return {"limit": limit, "offset": offset, "next_offset": nxt, "total": total,
                "items": rows}

    @router.get("/events/{event_id}", response_model=m.EventDetail, responses=NOT_FOUND,
                summary="One event with its evidence",
                description="The sentence with trigger/source/target offsets, the article, "
                            "the quote and the other reports of the same event.")
    def event(event_id: Id, con: Cursor) -> dict[str, Any]:
        return _plain_tree(queries.get_event(con, event_id))

    @router.get("/articles", response_model=m.ArticlePage, summary="Articles",
                description="Stored articles ordered by (date, id), with event counts.")
    def articles(con: Cursor, since: Since = None, until: Until = None,
                 outlet: Text = None,
                 q: Annotated[str | None, Query(max_length=MAX_TEXT, description="Text in the "
                                                "title or body.")] = None,
                 story_id: Annotated[str | None, Query(max_length=64)] = None,
                 limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        df = queries.list_articles(con, since=since, until=until, outlet=outlet, text=q,
                                   story_id=story_id, limit=limit + 1, offset=offset)
        rows = records(df)
        for row in rows:
            row["source_file"] = source_file(row.pop("source_path", None))
        rows, nxt = _page(rows, limit, offset)
        return {"limit": limit, "offset": offset, "next_offset": nxt, "items": rows}

    @router.get("/articles/{article_id}", response_model=m.ArticleDetail, responses=NOT_FOUND,
                summary="One article", description="Text, events, quotes and the other "
                                                   "articles of its story.")
    def article(article_id: Id, con: Cursor) -> dict[str, Any]:
        out = _plain_tree(queries.get_article(con, article_id))
        out["article"]["source_file"] = source_file(out["article"].pop("source_path", None))
        return out

    @router.get("/quotes", response_model=m.QuotePage, summary="Quotes with speakers",
                description="Direct and indirect quotes with their speakers' codes and the "
                            "events found inside them, ordered by article date.")
    def quotes(con: Cursor,
               speaker: Annotated[str | None, Query(max_length=40, description="Speaker's "
                                                    "actor code (prefix match).")] = None,
               dyad: Annotated[str | None, Query(max_length=80, description="Quotes about a "
                                                 "dyad, e.g. CHN-PRK.")] = None,
               since: Since = None, until: Until = None,
               q: Annotated[str | None, Query(max_length=MAX_TEXT, description="Text in the "
                                              "quote.")] = None,
               limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        df = queries.list_quotes(con, speaker=speaker, dyad=dyad, since=since, until=until,
                                 text=q, limit=limit + 1, offset=offset)
        rows, nxt = _page(records(df), limit, offset)
        return {"limit": limit, "offset": offset, "next_offset": nxt, "items": rows}

    @router.get("/actors", response_model=m.ActorPage, summary="Actors seen in events",
                description="Actor codes with counts as source and target, most active first.")
    def actors(con: Cursor,
               prefix: Annotated[str | None, Query(max_length=40, description="Codes starting "
                                                   "with this (KOR).")] = None,
               since: Since = None, until: Until = None, include_nonfactual: Nonfactual = False,
               limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        df = queries.list_actors(con, prefix=prefix, since=since, until=until,
                                 include_nonfactual=include_nonfactual, limit=limit + 1,
                                 offset=offset)
        rows, nxt = _page(records(df), limit, offset)
        return {"limit": limit, "offset": offset, "next_offset": nxt, "items": rows}

    @router.get("/dyads/{a}/{b}/series", response_model=m.Series, summary="Dyad time series",
                description="Counts per period by QuadClass and PLOVER type, with Goldstein "
                            "sum and mean; every period in the range is present.")
    def series(a: ActorCode, b: ActorCode, con: Cursor,
               freq: Annotated[str, Query(pattern="^(day|week|month)$")] = "month",
               since: Since = None, until: Until = None, directed: Directed = False,
               unit: Unit = "canonical",
               include_nonfactual: Nonfactual = False) -> dict[str, Any]:
        a, b = queries.parse_actor(a), queries.parse_actor(b)
        df = analysis.dyad_series(con, a, b, directed=directed, freq=freq, since=since,
                                  until=until, unit=unit, include_nonfactual=include_nonfactual)
        return {"dyad": f"{a}-{b}", "directed": directed, "freq": freq, "unit": unit,
                "points": series_points(df)}

    @router.get("/dyads/{a}/{b}/timeline", response_model=m.Timeline, summary="Dyad timeline",
                description="The dyad's events in date order, each with one evidence "
                            "sentence, its article and quote.")
    def timeline(a: ActorCode, b: ActorCode, con: Cursor,
                 since: Since = None, until: Until = None, directed: Directed = False,
                 unit: Unit = "canonical", include_nonfactual: Nonfactual = False,
                 limit: Limit = min(500, max_page)) -> dict[str, Any]:
        a, b = queries.parse_actor(a), queries.parse_actor(b)
        df = analysis.timeline(con, a, b, directed=directed, since=since, until=until,
                               limit=limit, unit=unit, include_nonfactual=include_nonfactual)
        return {"dyad": f"{a}-{b}", "items": records(df)}

    @router.get("/dyads/{a}/{b}/summary", response_model=m.Summary, summary="Dyad summary",
                description="Extractive: the most reported and strongest events' sentences, "
                            "verbatim, each with its citation.")
    def summary(a: ActorCode, b: ActorCode, con: Cursor,
                since: Since = None, until: Until = None, directed: Directed = False,
                max_sentences: Annotated[int, Query(ge=1, le=50)] = 5,
                unit: Unit = "canonical", include_nonfactual: Nonfactual = False
                ) -> dict[str, Any]:
        return _plain_tree(analysis.summary(con, a, b, directed=directed, since=since,
                                            until=until, max_sentences=max_sentences, unit=unit,
                                            include_nonfactual=include_nonfactual))

    @router.get("/alerts", response_model=m.Alerts, summary="Escalation alerts",
                description="Country dyads whose conflict intensity in the latest window is "
                            "far above their own baseline (robust z-score).")
    def alerts(con: Cursor,
               window_days: Annotated[int, Query(ge=1, le=3660)] =
               server.settings.alert_window_days,
               baseline_windows: Annotated[int, Query(ge=1, le=120)] =
               server.settings.alert_baseline_windows,
               threshold: Annotated[float, Query(ge=0, le=1000)] =
               server.settings.alert_threshold,
               as_of: Annotated[str | None, Query(max_length=32, description="Judge the "
                                                  "window ending on this date (default: the "
                                                  "last event).")] = None,
               min_events: Annotated[int, Query(ge=1, le=1_000_000)] = 3,
               directed: Directed = False) -> dict[str, Any]:
        df = analysis.alerts(con, window_days=window_days, baseline_windows=baseline_windows,
                             threshold=threshold, as_of=as_of, min_events=min_events,
                             directed=directed)
        return {"items": records(df)}

    @router.get("/network", response_model=m.Network, summary="Actor network",
                description="Directed edges source -> target with counts, Goldstein and "
                            "conflict share, largest first.")
    def network(con: Cursor, since: Since = None, until: Until = None,
                min_events: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                level: Annotated[str, Query(pattern="^(country|actor)$")] = "country",
                unit: Unit = "canonical", include_nonfactual: Nonfactual = False
                ) -> dict[str, Any]:
        df = analysis.network(con, since=since, until=until, min_events=min_events, level=level,
                              unit=unit, include_nonfactual=include_nonfactual)
        return {"level": level, "edges": records(df)}

    @router.get("/stats", response_model=m.Stats, summary="What the database holds",
                description="Counts, date range, events by type, top dyads, ingest status.")
    def stats(con: Cursor) -> dict[str, Any]:
        from ..provenance import coder_counts

        out = _plain_tree(analysis.overview(con))
        out["coders"] = [{"fingerprint": fp, "articles": n} for fp, n in coder_counts(con)]
        out["ingest"] = server.ingest_status()
        out["writes_enabled"] = server.writes_enabled
        return out

    def export(con: Any, filters: dict[str, Any], fmt: str) -> FileResponse:
        tmp = tempfile.TemporaryDirectory(prefix="dyadwatch-export-")
        path = Path(tmp.name) / f"events.{fmt}"
        try:
            analysis.export_events(con, path, fmt, **filters)
        except BaseException:
            tmp.cleanup()
            raise
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
        return FileResponse(path, media_type=media, filename=f"dyadwatch-events.{fmt}",
                            background=BackgroundTask(tmp.cleanup))

    @router.get("/export.csv", response_class=FileResponse, summary="Export events as CSV",
                description="Every event mention matching the filters (no paging), one row "
                            "each, with its evidence sentence and canonical id.",
                responses={200: {"content": {"text/csv": {}}}})
    def export_csv(con: Cursor, filters: Filters) -> FileResponse:
        return export(con, filters, "csv")

    @router.get("/export.parquet", response_class=FileResponse,
                summary="Export events as Parquet", description="As /api/export.csv, in "
                                                               "Parquet.",
                responses={200: {"content": {"application/vnd.apache.parquet": {}}}})
    def export_parquet(con: Cursor, filters: Filters) -> FileResponse:
        return export(con, filters, "parquet")

    return router


def resolve_near(server: Server, near: str | None) -> tuple[float, float] | None:
    """(lat, lon) from "LAT,LON" or a place name known to the gazetteer."""
    if not near:
        return None
    point = queries.parse_latlon(near)
    if point is not None:
        return point
    place = server.pipeline.geocoder.resolve_place(near)
    if place is None or place.lat is None or place.lon is None:
        raise QueryError(f"near: no place called {near!r} in the gazetteer.",
                         hint="Try another spelling, or give coordinates: near=35.1,129.0.")
    return place.lat, place.lon


def series_points(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Series rows reshaped: QuadClass counts and PLOVER counts as objects."""
    points = []
    for row in records(df):
        points.append({
            "period": row["period"], "n_events": row["n_events"],
            "quad": {c: row[c] for c in analysis.QUAD_COLUMNS.values()},
            "types": {t: row[t] for t in PLOVER_TYPES if row.get(t)},
            "goldstein_sum": row["goldstein_sum"], "goldstein_mean": row["goldstein_mean"],
            "conflict_share": row["conflict_share"]})
    return points


def _plain_tree(value: Any) -> Any:
    """Nested dicts/lists from the query modules with plain Python leaves."""
    if isinstance(value, dict):
        return {k: _plain_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_tree(v) for v in value]
    if isinstance(value, dt.datetime):
        return value
    return _plain(value)
