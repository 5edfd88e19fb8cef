"""Read routes for the dashboard's map and the failed-documents list, on the
read router of reads.py (same access check, same refusal of unknown
parameters; importing this module registers them).

GET /api/map.geojson: located events as GeoJSON points (what map.js
draws), with the event filters of /api/events, or one event with `id`.
GET /api/errors: documents that could not be read or coded, newest first,
with file name, line and reason. Only the file's name leaves the server,
never its folders. (No `from __future__ import annotations`: FastAPI
reads these signatures.)
"""

import dataclasses
import datetime as dt
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import Response
from pydantic import Field

from ..analysis.geojson import MAP_LIMIT, map_rows, render_geojson
from ..store.failures import count_errors, list_errors
from ..store.queries import records
from .models import Page, _Model
from .reads import Cursor, Filter, Limit, Offset, router

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


@router.get("/map.geojson", summary="Event locations as GeoJSON", response_class=Response,
            responses={200: {"content": {GEOJSON: {}},
                             "description": "A FeatureCollection of points."}},
            description="One point per located deduplicated event (its first mention), with "
                        "properties id, date, source, target, plover, quad, place, country, "
                        "precision and count (mentions). Filters as /api/events; at most "
                        f"{MAP_LIMIT} events, the newest.")
def map_geojson(con: Cursor, flt: Filter,
                id: Annotated[str | None, Query(max_length=64,
                                                description="Only this event.")] = None
                ) -> Response:
    rows = map_rows(con, dataclasses.replace(flt, canonical=True), event_id=id)
    return Response(render_geojson(rows), media_type=GEOJSON)


@router.get("/errors", response_model=ErrorPage, summary="Failed documents",
            description="Documents ingest could not read or code, newest first: file name, "
                        "line and reason.")
def errors(con: Cursor, limit: Limit, offset: Offset = 0,
           run_id: Annotated[str | None, Query(max_length=64)] = None) -> dict[str, Any]:
    rows = records(list_errors(con, run_id=run_id, limit=limit + 1, offset=offset))
    for row in rows:
        row["file"] = PurePath(row["file"]).name if row.get("file") else None
    nxt = offset + limit if len(rows) > limit else None
    return {"limit": limit, "offset": offset, "next_offset": nxt,
            "total": count_errors(con, run_id=run_id), "items": rows[:limit]}
