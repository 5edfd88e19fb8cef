"""Read routes for the dashboard's map and the failed-documents list.

GET /api/map.geojson: located events as GeoJSON points (what map.js
draws), filtered like /api/events (actors and countries also by name), or
one event with `id`.
GET /api/errors: documents that could not be read or coded, newest first,
with file name, line and reason. Only the file's name leaves the server,
never its folders. (No `from __future__ import annotations`: FastAPI
reads the route signatures, whose bounds are local to build_router.)
"""

import datetime as dt
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import Field

from ..names import Names
from ..analysis.geojson import MAP_LIMIT, map_rows, render_geojson
from ..store.failures import count_errors, list_errors
from ..store.queries import records
from .models import Page, _Model
from .server import Server

GEOJSON = "application/geo+json"


class FailedDocument(_Model):
    file: str | None = Field(None, description="Name of the file the document came from.")
    line: int | None = Field(None, description="Line in that file (JSON Lines, feeds).")
    doc_id: str | None = Field(None, description="The document's id, when it had one.")
    code: str | None = Field(None, description="Error code (see errors.py).")
    reason: str = Field(description="Why it failed and what to do.")
    run_id: str | None = Field(None, description="The ingest run that met it.")
    occurred_at: dt.date | None = Field(None, description="When it was (last) met.")


class ErrorPage(Page):
    total: int = Field(description="Failed documents over all pages.")
    items: list[FailedDocument]


def build_router(server: Server) -> APIRouter:
    """/api/map.geojson and /api/errors, behind the server's read check."""

    def read_access(request: Request) -> None:
        server.check_read(request)

    router = APIRouter(prefix="/api", dependencies=[Depends(read_access)])
    names = Names.from_package()
    max_page = server.settings.max_page_size

    @router.get("/map.geojson", summary="Event locations as GeoJSON",
                response_class=Response,
                responses={200: {"content": {GEOJSON: {}},
                                 "description": "A FeatureCollection of points."}},
                description="One point per located deduplicated event (its first mention), "
                            "with properties id, date, source, target, plover, quad, place, "
                            "country, precision and count (mentions). Filters as /api/events; "
                            f"at most {MAP_LIMIT} events, the newest.")
    def map_geojson(
        id: Annotated[str | None, Query(max_length=64, description="Only this event.")] = None,
        actor: Annotated[str | None, Query(max_length=40)] = None,
        dyad: Annotated[str | None, Query(max_length=80)] = None,
        directed: bool = False,
        type: Annotated[str | None, Query(max_length=20)] = None,
        quad_class: Annotated[int | None, Query(ge=1, le=4)] = None,
        since: Annotated[str | None, Query(max_length=32)] = None,
        until: Annotated[str | None, Query(max_length=32)] = None,
        q: Annotated[str | None, Query(max_length=500)] = None,
        country: Annotated[str | None, Query(max_length=40)] = None,
    ) -> Response:
        filters: dict[str, Any] = {
            "actor": names.resolve(actor) if actor else None,
            "dyad": names.resolve_pair(dyad) if dyad else None, "directed": directed,
            "plover": type, "quad_class": quad_class, "since": since, "until": until,
            "text": q, "country": names.resolve(country, what="country")[:3] if country else None}
        with server.reading() as con:
            rows = map_rows(con, event_id=id, **filters)
        return Response(render_geojson(rows), media_type=GEOJSON)

    @router.get("/errors", response_model=ErrorPage, summary="Failed documents",
                description="Documents ingest could not read or code, newest first: file "
                            "name, line and reason.")
    def errors(run_id: Annotated[str | None, Query(max_length=64)] = None,
               limit: Annotated[int, Query(ge=0, le=max_page)] = 50,
               offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0) -> dict[str, Any]:
        with server.reading() as con:
            rows = records(list_errors(con, run_id=run_id, limit=limit + 1, offset=offset))
            total = count_errors(con, run_id=run_id)
        for row in rows:
            row["file"] = PurePath(row["file"]).name if row.get("file") else None
        nxt = offset + limit if len(rows) > limit else None
        return {"limit": limit, "offset": offset, "next_offset": nxt, "total": total,
                "items": rows[:limit]}

    return router
