"""The FastAPI application: `create_app(db_path, settings)`.

One app serves the JSON API under /api/ and the dashboard at /. Its
lifespan opens the database read-write and starts the writer thread
(`server.Server`), and closes both at shutdown. Every error leaves as JSON
`{"error": {"code", "message"}}` (dashboard pages get the same message as
an HTML page), with a message a user can act on and never a stack trace
or a server file path. Request bodies are limited before they are read:
by Content-Length, and by counting bytes as they stream in.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import duckdb
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..config import Settings
from ..errors import (DyadwatchError, InputError, ModelError, NotFoundError, QueryError,
                      QueryTooLargeError, StoreError)
from ..coding.pipeline import Pipeline
from .refusals import ApiError, message, refuse
from .server import Server

log = logging.getLogger("dyadwatch.api")

DESCRIPTION = """\
Political event data coded from news articles: who did what to whom, when and
where, each event with the sentence it was found in.

Reads are open unless the server was started with a read token; writes
(`POST /api/articles`) need the API token as `Authorization: Bearer TOKEN`.
Errors are JSON: `{"error": {"code": ..., "message": ...}}`. Listings are
ordered by (date, id) and paged with `limit`/`offset`; `next_offset` is null
on the last page.
"""

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 408: "timeout", 413: "too_large",
               415: "unsupported_media_type", 422: "invalid_request", 429: "busy",
               503: "unavailable"}


class PayloadTooLarge(StarletteHTTPException):
    """Raised while a body streams in; an HTTPException so that FastAPI's own
    body parsing passes it through instead of turning it into a 400."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, message("too_large", limit=limit))


class BodyLimit:
    """ASGI middleware: refuse bodies over `limit` bytes before reading them
    (Content-Length), and stop reading a chunked body once it passes it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            problem = None
            if not declared.strip().isdigit():
                problem = refuse("bad_content_length")
            elif int(declared) > self.limit:
                problem = refuse("too_large", limit=self.limit)
            if problem:
                await JSONResponse(_body(problem.code, problem.message), status_code=problem.status,
                                   headers={"Connection": "close"})(scope, receive, send)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise PayloadTooLarge(self.limit)
            return message

        await self.app(scope, limited, send)


class SecurityHeaders:
    """ASGI middleware: headers that stop the browser from running injected
    script, sniffing content types or framing the dashboard. The pages use
    only /static/app.js and inline style attributes (chart bar widths)."""

    HEADERS = [
        (b"content-security-policy",
         b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
         b"img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
    ]

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + self.HEADERS
            await send(message)

        await self.app(scope, receive, with_headers)


def _body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def path_scrubber(db_path: str) -> Callable[[str], str]:
    """A function that removes server folders from text sent to clients
    (error messages quote the database and upload paths)."""
    db = Path(db_path)
    prefixes = {str(db.resolve().parent), str(db.parent), tempfile.gettempdir(),
                str(Path.home()), os.getcwd()}
    prefixes = sorted((p for p in prefixes if p not in ("", ".", "/")), key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(p.rstrip("/")) + "/" for p in prefixes)) \
        if prefixes else None

    def scrub(text: str) -> str:
        return pattern.sub("", text) if pattern else text

    return scrub


def _domain_status(exc: DyadwatchError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, QueryTooLargeError):
        return 422
    if isinstance(exc, QueryError):
        return 400
    if isinstance(exc, InputError):
        return 422
    if isinstance(exc, (StoreError, ModelError)):
        return 503
    return 500


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body")]
        name = ".".join(loc) or "request"
        msg = err.get("msg", "is invalid")
        if name == "limit" and err.get("type") == "less_than_equal":
            msg += "; this is the server's maximum page size, page with offset instead"
        parts.append(f"{name}: {msg}")
    return "; ".join(parts) + "."


def create_app(db_path: str | Path, settings: Settings | None = None, *,
               pipeline: Pipeline | None = None, warm_up: bool = True) -> FastAPI:
    """The dyadwatch web app over the DuckDB file `db_path`.

    The app opens the file read-write when it starts (creating it if it
    does not exist) and holds it until it stops, so run one server per
    database and send writes to it rather than running CLI ingests beside
    it. `pipeline` lets a caller share already loaded models (tests do);
    `warm_up=False` defers loading them to the first POST.
    """
    settings = settings or Settings.from_env()
    server = Server(db_path, settings, pipeline)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(server.start, warm_up=warm_up)
        try:
            yield
        finally:
            await run_in_threadpool(server.stop)

    app = FastAPI(title="dyadwatch", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.server = server
    app.state.scrub = path_scrubber(str(db_path))
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    for exc_class, handler in _HANDLERS:
        app.add_exception_handler(exc_class, handler)

    from ..web.pages import install as install_pages
    from . import dashboard_reads  # noqa: F401  (registers /api/map.geojson, /api/errors)
    from . import reads
    from .watch import router as watch_router
    from .writes import router as write_router

    app.add_api_route("/openapi.json", _openapi, include_in_schema=False)
    reads.install(app, settings.max_page_size)
    app.include_router(write_router)
    app.include_router(watch_router)
    install_pages(app)
    return app


def _openapi(request: Request) -> JSONResponse:
    """The schema, behind the read token like every read: it lists the
    routes and filters, which a private server need not show."""
    request.app.state.server.check_read(request)
    return JSONResponse(request.app.openapi())


# -- errors: every one leaves as {"error": {"code", "message"}} (or the dashboard's page) --
def _respond(request: Request, status: int, code: str, message: str,
             headers: dict[str, str] | None = None) -> Response:
    state = request.app.state
    message = state.scrub(message)
    render = getattr(state, "render_error", None)
    if render is not None and _wants_html(request):
        return render(request, status, message)
    return JSONResponse(_body(code, message), status_code=status, headers=headers)


async def _api_error(request: Request, exc: ApiError) -> Response:
    return _respond(request, exc.status, exc.code, exc.message, exc.headers)


async def _interrupted(request: Request, exc: duckdb.InterruptException) -> Response:
    timeout = refuse("query_timeout", seconds=request.app.state.server.settings.query_timeout_s)
    return _respond(request, timeout.status, timeout.code, timeout.message)


async def _domain_error(request: Request, exc: DyadwatchError) -> Response:
    status = _domain_status(exc)
    if status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
    text = exc.message + (f" {exc.hint}" if exc.hint else "")
    return _respond(request, status, exc.code, text)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    return _respond(request, 422, "invalid_request", _validation_message(exc))


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    text = str(exc.detail)
    if exc.status_code == 404 and text == "Not Found":
        text = message("no_endpoint", path=request.url.path)
    elif exc.status_code == 405:
        text = message("method_not_allowed", method=request.method, path=request.url.path)
    return _respond(request, exc.status_code, _HTTP_CODES.get(exc.status_code, "error"),
                    text, getattr(exc, "headers", None))


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    internal = refuse("internal")
    return _respond(request, internal.status, internal.code, internal.message)


_HANDLERS: tuple[tuple[type, Callable], ...] = (
    (ApiError, _api_error), (duckdb.InterruptException, _interrupted),
    (DyadwatchError, _domain_error), (RequestValidationError, _validation_error),
    (StarletteHTTPException, _http_error), (Exception, _internal_error))


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api", "/static", "/openapi")):
        return False
    return "text/html" in request.headers.get("accept", "")
