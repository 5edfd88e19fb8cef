"""Read routes: thin wrappers over queries.py and analysis.py.

Routes are module-level functions on one router (as datasette's views/
are); what differs between servers (the database, the page size limit,
alert defaults) comes from the app's `Server` through dependencies. Each
route validates its parameters (FastAPI/pydantic for types and bounds;
the event filters come from the one declaration in store/filters.py; the
query modules check codes and dates and raise QueryError -> 400), runs one
read function on the request's own cursor (bounded by the query timeout)
and returns a response model. A query parameter the route does not take
is refused with 422 naming it, so a misspelt filter never silently
returns everything.
"""

from __future__ import annotations

import inspect
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from .. import formats
from ..analysis import dyads as analysis
from ..store import queries
from ..store.filters import MAX_TEXT, PARAMS, EventFilter
from . import models as m
from .server import Server

#: Largest offset accepted: far beyond any real table, small enough that
#: DuckDB's 64-bit LIMIT/OFFSET never overflows.
MAX_OFFSET = 1_000_000_000
#: Default page sizes (capped at the server's max_page_size).
PAGE = 50
TIMELINE_PAGE = 500

ERRORS = {
    400: {"model": m.ErrorResponse, "description": "A parameter is invalid (actor code, date, "
                                                   "page size above the maximum)."},
    401: {"model": m.ErrorResponse, "description": "A read token is required and missing or "
                                                   "wrong."},
    422: {"model": m.ErrorResponse, "description": "A parameter has the wrong type, is out "
                                                   "of range or is not one this route takes."},
    503: {"model": m.ErrorResponse, "description": "The database is unavailable."},
    504: {"model": m.ErrorResponse, "description": "The query took longer than the server's "
                                                   "limit and was stopped."},
}
NOT_FOUND = {404: {"model": m.ErrorResponse, "description": "No such id."}}


def get_server(request: Request) -> Server:
    return request.app.state.server


ServerDep = Annotated[Server, Depends(get_server)]


def read_access(request: Request, server: ServerDep) -> None:
    server.check_read(request)


def known_parameters(request: Request) -> None:
    """Refuse query parameters the route does not declare (422, naming them)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    unknown = sorted(set(request.query_params) - _query_names(dependant))
    if unknown:
        raise RequestValidationError([
            {"loc": ("query", name), "type": "extra_forbidden",
             "msg": f"is not a parameter of {request.url.path}; see /openapi.json"}
            for name in unknown])


def _query_names(dependant: Any) -> set[str]:
    names = {f.alias for f in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


router = APIRouter(prefix="/api", responses=ERRORS,
                   dependencies=[Depends(read_access), Depends(known_parameters)])


def cursor(server: ServerDep) -> Iterator[Any]:
    with server.reading() as cur:
        yield cur


Cursor = Annotated[Any, Depends(cursor)]


def page_limit(server: ServerDep, limit: Annotated[int | None, Query(
        ge=0, description="Page size (at most the server's max_page_size).")] = None) -> int:
    """The page size asked for (default 50), refused above the server's maximum."""
    return _limit(server, limit, PAGE)


def timeline_limit(server: ServerDep, limit: Annotated[int | None, Query(
        ge=0, description="At most this many events (at most the server's "
                          "max_page_size).")] = None) -> int:
    return _limit(server, limit, TIMELINE_PAGE)


def _limit(server: Server, limit: int | None, default: int) -> int:
    top = server.settings.max_page_size
    if limit is None:
        return min(default, top)
    if limit > top:
        raise RequestValidationError([{"loc": ("query", "limit"), "type": "less_than_equal",
                                       "msg": f"Input should be less than or equal to {top}"}])
    return limit


def install(app: FastAPI, max_page: int) -> None:
    """Add the read routes to `app`, and write its page size maximum into the
    OpenAPI schema's `limit` parameters (the routes are shared by every
    server, the limit is not)."""
    app.include_router(router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            for op in (op for path in schema.get("paths", {}).values() for op in path.values()):
                for param in op.get("parameters", []) if isinstance(op, dict) else []:
                    if param.get("name") == "limit" and param.get("in") == "query":
                        param["schema"] = {"type": "integer", "minimum": 0, "maximum": max_page}
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _filter_parameter(p: Any) -> inspect.Parameter:
    bounds = {k: getattr(p, k) for k in ("max_length", "ge", "le") if getattr(p, k) is not None}
    kind = bool if p.kind is bool else p.kind | None
    return inspect.Parameter(p.field, inspect.Parameter.KEYWORD_ONLY,
                             default=False if p.kind is bool else None,
                             annotation=Annotated[kind, Query(alias=p.http, description=p.help,
                                                              **bounds)])


def event_filter(server: ServerDep, **raw: Any) -> EventFilter:
    """The EventFilter of a request, from the parameters declared in store/filters.py."""
    return EventFilter.parse(raw, geocoder=lambda: server.pipeline.geocoder)


event_filter.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [inspect.Parameter("server", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=ServerDep),
     *(_filter_parameter(p) for p in PARAMS)])

Filter = Annotated[EventFilter, Depends(event_filter)]
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
Limit = Annotated[int, Depends(page_limit)]
ActorCode = Annotated[str, PathParam(max_length=40, description="Actor code, e.g. CHN or "
                                                                "KORGOV.")]
Id = Annotated[str, PathParam(max_length=64, description="Id from a listing.")]
Text = Annotated[str | None, Query(max_length=MAX_TEXT)]


def _page(rows: list[dict[str, Any]], limit: int, offset: int) -> tuple[list, int | None]:
    """Rows were fetched with limit + 1: the extra one says there is a next page."""
    if len(rows) > limit:
        return rows[:limit], offset + limit
    return rows, None


@router.get("/events", response_model=m.EventPage, summary="Events matching filters",
            description="Event mentions ordered by (date, id); every filter narrows.")
def events(con: Cursor, flt: Filter, limit: Limit, offset: Offset = 0) -> dict[str, Any]:
    df = queries.list_events(con, flt, limit=limit + 1, offset=offset)
    rows, nxt = _page(queries.records(df), limit, offset)
    return {"limit": limit, "offset": offset, "next_offset": nxt,
            "total": queries.count_events(con, flt), "items": rows}


@router.get("/events/{event_id}", response_model=m.EventDetail, responses=NOT_FOUND,
            summary="One event with its evidence",
            description="The sentence with trigger/source/target offsets, the article, the "
                        "quote and the other reports of the same event. A canonical event's "
                        "id opens its first mention.")
def event(event_id: Id, con: Cursor) -> dict[str, Any]:
    return queries.plain_tree(queries.get_event(con, event_id))


@router.get("/articles", response_model=m.ArticlePage, summary="Articles",
            description="Stored articles ordered by (date, id), with event counts.")
def articles(con: Cursor, limit: Limit, since: Since = None, until: Until = None,
             outlet: Text = None,
             q: Annotated[str | None, Query(max_length=MAX_TEXT, description="Text in the "
                                            "title or body.")] = None,
             story_id: Annotated[str | None, Query(max_length=64)] = None,
             offset: Offset = 0) -> dict[str, Any]:
    df = queries.list_articles(con, since=since, until=until, outlet=outlet, text=q,
                               story_id=story_id, limit=limit + 1, offset=offset)
    rows = queries.records(df)
    for row in rows:
        row["source_file"] = queries.source_file(row.pop("source_path", None))
    rows, nxt = _page(rows, limit, offset)
    return {"limit": limit, "offset": offset, "next_offset": nxt, "items": rows}


@router.get("/articles/{article_id}", response_model=m.ArticleDetail, responses=NOT_FOUND,
            summary="One article", description="Text, events, quotes and the other "
                                               "articles of its story.")
def article(article_id: Id, con: Cursor) -> dict[str, Any]:
    out = queries.plain_tree(queries.get_article(con, article_id))
    out["article"]["source_file"] = queries.source_file(out["article"].pop("source_path", None))
    return out


@router.get("/quotes", response_model=m.QuotePage, summary="Quotes with speakers",
            description="Direct and indirect quotes with their speakers' codes and the "
                        "events found inside them, ordered by article date.")
def quotes(con: Cursor, limit: Limit,
           speaker: Annotated[str | None, Query(max_length=40, description="Speaker's "
                                                "actor code (prefix match).")] = None,
           dyad: Annotated[str | None, Query(max_length=80, description="Quotes about a "
                                             "dyad, e.g. CHN-PRK.")] = None,
           since: Since = None, until: Until = None,
           q: Annotated[str | None, Query(max_length=MAX_TEXT, description="Text in the "
                                          "quote.")] = None,
           offset: Offset = 0) -> dict[str, Any]:
    df = queries.list_quotes(con, speaker=speaker, dyad=dyad, since=since, until=until,
                             text=q, limit=limit + 1, offset=offset)
    rows, nxt = _page(queries.records(df), limit, offset)
    return {"limit": limit, "offset": offset, "next_offset": nxt, "items": rows}


@router.get("/actors", response_model=m.ActorPage, summary="Actors seen in events",
            description="Actor codes with counts as source and target, most active first.")
def actors(con: Cursor, limit: Limit,
           prefix: Annotated[str | None, Query(max_length=40, description="Codes starting "
                                               "with this (KOR).")] = None,
           since: Since = None, until: Until = None, include_nonfactual: Nonfactual = False,
           offset: Offset = 0) -> dict[str, Any]:
    df = queries.list_actors(con, prefix=prefix, since=since, until=until,
                             include_nonfactual=include_nonfactual, limit=limit + 1,
                             offset=offset)
    rows, nxt = _page(queries.records(df), limit, offset)
    return {"limit": limit, "offset": offset, "next_offset": nxt, "items": rows}


@router.get("/dyads/{a}/{b}/series", response_model=m.Series, summary="Dyad time series",
            description="Counts per period by QuadClass and PLOVER type, with Goldstein "
                        "sum and mean; every period in the range is present.")
def series(a: ActorCode, b: ActorCode, con: Cursor,
           freq: Annotated[str, Query(pattern="^(day|week|month)$")] = "month",
           since: Since = None, until: Until = None, directed: Directed = False,
           unit: Unit = "canonical", include_nonfactual: Nonfactual = False) -> dict[str, Any]:
    a, b = queries.parse_actor(a), queries.parse_actor(b)
    df = analysis.dyad_series(con, a, b, directed=directed, freq=freq, since=since,
                              until=until, unit=unit, include_nonfactual=include_nonfactual)
    return {"dyad": f"{a}-{b}", "directed": directed, "freq": freq, "unit": unit,
            "points": analysis.series_points(df)}


@router.get("/dyads/{a}/{b}/timeline", response_model=m.Timeline, summary="Dyad timeline",
            description="The dyad's events in date order, each with one evidence "
                        "sentence, its article and quote.")
def timeline(a: ActorCode, b: ActorCode, con: Cursor,
             limit: Annotated[int, Depends(timeline_limit)],
             since: Since = None, until: Until = None, directed: Directed = False,
             unit: Unit = "canonical", include_nonfactual: Nonfactual = False
             ) -> dict[str, Any]:
    a, b = queries.parse_actor(a), queries.parse_actor(b)
    df = analysis.timeline(con, a, b, directed=directed, since=since, until=until,
                           limit=limit, unit=unit, include_nonfactual=include_nonfactual)
    return {"dyad": f"{a}-{b}", "items": queries.records(df)}


@router.get("/dyads/{a}/{b}/summary", response_model=m.Summary, summary="Dyad summary",
            description="Extractive: the most reported and strongest events' sentences, "
                        "verbatim, each with its citation.")
def summary(a: ActorCode, b: ActorCode, con: Cursor,
            since: Since = None, until: Until = None, directed: Directed = False,
            max_sentences: Annotated[int, Query(ge=1, le=50)] = 5,
            unit: Unit = "canonical", include_nonfactual: Nonfactual = False
            ) -> dict[str, Any]:
    return queries.plain_tree(analysis.summary(
        con, a, b, directed=directed, since=since, until=until, max_sentences=max_sentences,
        unit=unit, include_nonfactual=include_nonfactual))


@router.get("/alerts", response_model=m.Alerts, summary="Escalation alerts",
            description="Country dyads whose conflict intensity in the latest window is "
                        "far above their own baseline (robust z-score). Defaults come from "
                        "the server's settings.")
def alerts(con: Cursor, server: ServerDep,
           window_days: Annotated[int | None, Query(ge=1, le=3660)] = None,
           baseline_windows: Annotated[int | None, Query(ge=1, le=120)] = None,
           threshold: Annotated[float | None, Query(ge=0, le=1000)] = None,
           as_of: Annotated[str | None, Query(max_length=32, description="Judge the window "
                                              "ending on this date (default: the last "
                                              "event).")] = None,
           min_events: Annotated[int, Query(ge=1, le=1_000_000)] = 3,
           directed: Directed = False) -> dict[str, Any]:
    s = server.settings
    df = analysis.alerts(
        con, window_days=s.alert_window_days if window_days is None else window_days,
        baseline_windows=s.alert_baseline_windows if baseline_windows is None
        else baseline_windows,
        threshold=s.alert_threshold if threshold is None else threshold,
        as_of=as_of, min_events=min_events, directed=directed)
    return {"items": queries.records(df)}


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
    return {"level": level, "edges": queries.records(df)}


@router.get("/stats", response_model=m.Stats, summary="What the database holds",
            description="Counts, date range, events by type, top dyads, ingest status.")
def stats(con: Cursor, server: ServerDep) -> dict[str, Any]:
    from ..provenance import coder_counts

    out = queries.plain_tree(analysis.overview(con))
    out["coders"] = [{"fingerprint": fp, "articles": n} for fp, n in coder_counts(con)]
    out["ingest"] = server.ingest_status()
    out["writes_enabled"] = server.writes_enabled
    return out


def export(con: Any, flt: EventFilter, fmt: str) -> FileResponse:
    """Every event matching the filter as a file in a registered format."""
    out = formats.FORMATS[fmt]
    tmp = tempfile.TemporaryDirectory(prefix="dyadwatch-export-")
    path = Path(tmp.name) / f"events.{fmt}"
    try:
        analysis.export_events(con, path, fmt, flt)
    except BaseException:
        tmp.cleanup()
        raise
    return FileResponse(path, media_type=out.media_type, filename=f"dyadwatch-events.{fmt}",
                        background=BackgroundTask(tmp.cleanup))


def _export_route(fmt: str) -> None:
    media = formats.FORMATS[fmt].media_type.split(";")[0]

    def export_format(con: Cursor, flt: Filter) -> FileResponse:
        return export(con, flt, fmt)

    export_format.__name__ = f"export_{fmt}"
    router.get(f"/export.{fmt}", response_class=FileResponse,
               summary=f"Export events as {fmt}",
               description="Every event mention matching the filters (no paging), one row "
                           "each, with its evidence sentence and canonical id.",
               responses={200: {"content": {media: {}}}})(export_format)


for _fmt in formats.EXPORT:
    _export_route(_fmt)
