"""POST /api/articles: documents in, coded and stored by the server itself.

The body (JSON records, or one uploaded file) is read here with a size
and time limit, turned into Articles/Failures by the ingest stage, and
handed to the server's single writer thread, which runs the same
`pipeline.process` as `dyadwatch ingest`. The response lists what was
stored (with its event ids), what was already there, and what failed and
why, so a client can fix and resend just the failures.

The route is a module-level function on one router, as the read routes
are; the app's `Server` (its writer, token and store) comes through
reads.py's `ServerDep` dependency.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request as StarletteRequest

from ..errors import FormatError
from ..sources import ingest, records, sanitize
from ..coding.pipeline import RunReport
from ..types import Article, Failure
from . import models as m
from .reads import ServerDep
from .refusals import refuse
from .server import Server

#: A body must arrive within this many seconds (slow-upload guard): a
#: client trickling bytes would otherwise hold a connection indefinitely.
UPLOAD_TIMEOUT_S = 120.0
#: Where failures of JSON records say they came from ("POST /api/articles:3").
JSON_ORIGIN = "POST /api/articles"
#: Failures quoted in the message of a request whose every record failed.
MAX_FAILURES_SHOWN = 5

_RECORD = m.RecordIn.model_json_schema()
_REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": {"oneOf": [
            _RECORD, {"type": "array", "items": _RECORD, "minItems": 1}]}},
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary",
                                    "description": ".jsonl, .json, .txt, .html or an RSS/Atom "
                                                   ".xml feed"}}}},
    },
}


router = APIRouter(prefix="/api")


@router.post(
    "/articles", response_model=m.IngestResult, summary="Add articles",
    description="Code and store articles: a JSON record {text, title, date, url, outlet, "
                "id}, a list of them, or an uploaded file (multipart field `file`). Needs "
                "`Authorization: Bearer TOKEN`. Runs on the server's single writer; reads "
                "go on meanwhile. Articles already stored (same text) are reported as "
                "duplicates; records that cannot be read are reported with the reason.",
    openapi_extra={"requestBody": _REQUEST_BODY},
    responses={
        401: {"model": m.ErrorResponse, "description": "Token missing or wrong."},
        403: {"model": m.ErrorResponse, "description": "Writes are disabled (no token "
                                                       "configured)."},
        400: {"model": m.ErrorResponse, "description": "Body is not valid JSON/multipart."},
        408: {"model": m.ErrorResponse, "description": "Body arrived too slowly."},
        413: {"model": m.ErrorResponse, "description": "Body over the size limit."},
        415: {"model": m.ErrorResponse, "description": "Unsupported Content-Type."},
        422: {"model": m.ErrorResponse, "description": "Body is not records or a file, "
                                                       "or none of its records could be "
                                                       "stored (the message says why)."},
        503: {"model": m.ErrorResponse, "description": "Writer busy or store unavailable."},
    })
async def post_articles(request: Request, server: ServerDep) -> dict[str, Any]:
    server.check_write(request)
    body = await read_body(request, UPLOAD_TIMEOUT_S)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        items, origin = await upload_items(request, body)
    elif ctype in ("application/json", "") or ctype.endswith("+json"):
        items, origin = await run_in_threadpool(json_items, body), JSON_ORIGIN
    else:
        raise refuse("unsupported_media_type", media_type=ctype)
    refuse_if_all_failed(items)
    future = server.submit_ingest(items, f"api {origin}")
    report = await asyncio.wrap_future(future)
    if report.failures and not (report.stored_ids or report.duplicate_ids):
        refuse_if_all_failed(report.failures)
    return await run_in_threadpool(result, server, report, items)


def refuse_if_all_failed(items: list[Article | Failure]) -> None:
    """422 when no record of the request could be read or coded: a 200 would
    tell a client that checks only the status that its batch was taken.
    Before the writer runs nothing is written; after it (a coding failure of
    every article) the failures are in the `errors` table as for any run.
    When some records are stored the answer is 200 and lists the failures."""
    if not items or any(isinstance(i, Article) for i in items):
        return
    shown = "; ".join(f"{f.path}:{f.line}: {f.reason}" if f.line else f"{f.path}: {f.reason}"
                      for f in items[:MAX_FAILURES_SHOWN])
    more = f" (and {len(items) - MAX_FAILURES_SHOWN} more)" if len(items) > MAX_FAILURES_SHOWN \
        else ""
    raise refuse("no_record_stored", count=len(items), failures=shown + more)


async def read_body(request: Request, timeout: float) -> bytes:
    """The whole body; the size limit is enforced while it streams in (see
    app.BodyLimit), the time limit here."""
    async def collect() -> bytes:
        chunks = []
        async for chunk in request.stream():
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await asyncio.wait_for(collect(), timeout)
    except TimeoutError:
        raise refuse("body_timeout", seconds=timeout) from None


def json_items(body: bytes) -> list[Article | Failure]:
    try:
        data = sanitize.parse_json(body)
    except FormatError as exc:
        raise refuse("body_not_json", reason=exc.reason) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise refuse("body_not_records")
    return list(records.read_records(data, JSON_ORIGIN))


async def upload_items(request: Request, body: bytes) -> tuple[list[Article | Failure], str]:
    """Parse the multipart body (already read, so it is replayed to the form
    parser) and read its one file with the ingest stage's format rules."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    form = await StarletteRequest(request.scope, replay).form(max_files=1, max_fields=10)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise refuse("no_file")
        name = safe_name(upload.filename)
        data = await upload.read()
    finally:
        await form.close()
    origin = f"upload:{name}"
    return await run_in_threadpool(file_items, data, name, origin), origin


def safe_name(filename: str | None) -> str:
    """The uploaded file's name without folders or odd characters; its
    extension still tells ingest the format."""
    base = Path((filename or "").replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[-100:]
    return base or "upload.txt"


def file_items(data: bytes, name: str, origin: str) -> list[Article | Failure]:
    with tempfile.TemporaryDirectory(prefix="dyadwatch-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        items = list(ingest.read_paths([path]))
        tmp_path = str(path)
    out: list[Article | Failure] = []
    for item in items:
        if isinstance(item, Failure):
            out.append(dataclasses.replace(item, path=origin,
                                           reason=item.reason.replace(tmp_path, name)))
        else:
            out.append(dataclasses.replace(item, source_path=origin))
    return out


def result(server: Server, report: RunReport, items: list[Article | Failure]) -> dict[str, Any]:
    """The response: stored articles with their event ids, duplicates, failures."""
    articles = {a.id: a for a in items if isinstance(a, Article)}
    event_ids: dict[str, list[str]] = {}
    if report.stored_ids:
        with server.reading() as cur:
            rows = cur.execute(
                "SELECT article_id, list(id ORDER BY sentence_idx, trigger_start, id) "
                "FROM events WHERE list_contains(?, article_id) GROUP BY article_id",
                [report.stored_ids]).fetchall()
        event_ids = {a: list(ids) for a, ids in rows}

    def ref(article_id: str) -> dict[str, Any]:
        a = articles.get(article_id)
        return {"article_id": article_id, "doc_id": a.doc_id if a else None,
                "title": a.title if a else None}

    return {
        "run_id": report.run_id, "n_read": report.n_read, "n_stored": report.n_stored,
        "n_duplicate": report.n_duplicate, "n_failed": report.n_failed,
        "n_events": report.n_events, "seconds": round(report.seconds, 3),
        "stored": [{**ref(i), "event_ids": event_ids.get(i, [])} for i in report.stored_ids],
        "duplicates": [ref(i) for i in report.duplicate_ids],
        "failures": [{"where": f"{f.path}:{f.line}" if f.line else f.path, "doc_id": f.doc_id,
                      "code": f.code, "reason": f.reason} for f in report.failures],
    }
