"""The dashboard: server-rendered pages over the same read functions as the API.

Pages are plain HTML from Jinja2 templates, with one small script
(static/app.js) that opens an event's evidence in a side panel without
leaving the page. Every view is a URL with its filters in the query
string, so a link shows exactly what its sender saw; the open event is in
the URL too (`?event=ID`) and is rendered on the server, so links work
without JavaScript.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup

from .. import formats
from ..store.filters import actor_code
from ..access import TOKEN_COOKIE, tokens_match
from ..analysis import dyads as analysis
from ..config import data_path
from ..errors import DyadwatchError, NotFoundError
from ..store import queries
from ..store.filters import PARAMS, EventFilter
from ..store.queries import records
from ..plover import PLOVER_TYPES, QUAD_NAMES
from .chart import QUADS, highlight, series_svg

if TYPE_CHECKING:  # the running app's server arrives as request.app.state.server
    from ..api.server import Server

HERE = Path(__file__).parent
PAGE_SIZE = 50
#: Events listed on a dyad page's timeline before "see all events".
TIMELINE_ROWS = 200


@dataclass(frozen=True)
class CountryNames:
    """ISO3 code -> short English name, from the package's countries table."""

    names: dict[str, str]

    @classmethod
    def from_package(cls) -> "CountryNames":
        with open(data_path("countries.csv"), encoding="utf-8", newline="") as fh:
            rows = csv.DictReader(line for line in fh if not line.startswith("#"))
            return cls({r["iso3"]: r["name"] for r in rows if r.get("iso3")})

    def name(self, code: str | None) -> str:
        if not code:
            return ""
        return self.names.get(code[:3], code)


class _Login(Exception):
    """Raised when a page is opened with a valid ?token=: store it in a cookie."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url)
        self.url = url
        self.token = token


def url_with(request: Request, path: str | None = None, **changes: Any) -> str:
    """The current URL (or `path`) with query parameters changed; None or ""
    removes one. Used for pagination and filter links."""
    params = {k: v for k, v in request.query_params.items() if k != "token"}
    if path is not None and path != request.url.path:
        params = {}
    for k, v in changes.items():
        if v is None or v == "" or v is False:
            params.pop(k, None)
        else:
            params[k] = str(v)
    query = urlencode(params)
    return (path or request.url.path) + (f"?{query}" if query else "")


def install(app: FastAPI) -> None:
    """Mount the static files, the templates and the page routes on `app`
    (whose `state.server` is the running Server)."""
    app.state.templates = _templates()
    app.state.render_error = render_error
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(_Login, login)
    app.include_router(router)


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.globals.update(QUADS=QUADS, QUAD_NAMES=QUAD_NAMES, PLOVER_TYPES=PLOVER_TYPES,
                       url_with=url_with, country=CountryNames.from_package().name)
    env.filters["num"] = lambda v: "" if v is None else f"{v:,}"
    env.filters["score"] = lambda v: "" if v is None else f"{v:+.1f}"
    env.filters["file"] = queries.source_file
    env.filters["web_url"] = web_url
    env.filters["md"] = markdown
    return templates


def markdown(text: str | None, inline: bool = False) -> Markup:
    """API descriptions are Markdown (backticks, paragraphs): rendered with
    raw HTML disabled, so a description cannot inject markup."""
    md = MarkdownIt("commonmark", {"html": False})
    return Markup(md.renderInline(text or "") if inline else md.render(text or ""))


def _server(request: Request) -> Server:
    return request.app.state.server


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("writes_enabled", _server(request).writes_enabled)
    return request.app.state.templates.TemplateResponse(request, name, context,
                                                         status_code=status)


def render_error(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", status=status, status_code=status, message=message)


async def login(request: Request, exc: Exception) -> Response:
    """A page opened with a valid ?token=: keep proof of the token in a cookie and
    show the page without it in the URL."""
    assert isinstance(exc, _Login)
    response = RedirectResponse(exc.url, status_code=303)
    # the cookie holds an HMAC of the token under a key made at server start, never the token
    response.set_cookie(TOKEN_COOKIE, _server(request).cookie_value(exc.token), httponly=True,
                        samesite="strict")
    return response


def page_access(request: Request) -> None:
    server = _server(request)
    token = request.query_params.get("token")
    settings = server.settings
    if token and settings.read_token and (tokens_match(token, settings.read_token)
                                          or tokens_match(token, settings.api_token)):
        raise _Login(url_with(request), token)
    server.check_read(request)


router = APIRouter(include_in_schema=False, dependencies=[Depends(page_access)])


def event_panel(con: Any, event_id: str | None) -> dict[str, Any] | None:
    """The evidence of the event named in ?event=, or None."""
    if not event_id:
        return None
    try:
        return evidence(queries.get_event(con, event_id))
    except NotFoundError:
        return {"missing": event_id}


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    server = _server(request)
    s = server.settings
    with server.reading() as con:
        ov = analysis.overview(con)
        alerts = records(analysis.alerts(con, window_days=s.alert_window_days,
                                         baseline_windows=s.alert_baseline_windows,
                                         threshold=s.alert_threshold))
        dyads = undirected(records(analysis.network(con)))[:15]
        total = queries.count_events(con)
        recent = records(queries.list_events(con, limit=10, offset=max(0, total - 10)))
    recent.reverse()
    top_type = max(ov["events_by_type"].values(), default=1)
    return render(request, "overview.html", ov=ov, alerts=alerts, dyads=dyads,
                  recent=recent, top_type=top_type, ingest=server.ingest_status(),
                  window_days=s.alert_window_days)


def filter_form(request: Request) -> dict[str, str]:
    """The events page's filter fields by query parameter name (store/filters.py),
    also under their older names (?quad=)."""
    p = request.query_params
    form = {}
    for param in PARAMS:
        names = (param.http, *param.aliases)
        form[param.http] = next((p[n].strip() for n in names if p.get(n, "").strip()), "")
    return form


@router.get("/events", response_class=HTMLResponse)
def events(request: Request) -> HTMLResponse:
    server = _server(request)
    form = filter_form(request)
    offset = _int(request.query_params.get("offset"), 0)
    error, rows, total, panel = None, [], 0, None
    with server.reading() as con:
        try:
            flt = EventFilter.from_http(form, geocoder=lambda: server.pipeline.geocoder)
            rows = records(queries.list_events(con, flt, limit=PAGE_SIZE, offset=offset))
            total = queries.count_events(con, flt)
        except DyadwatchError as exc:
            error = exc.message + (f" {exc.hint}" if exc.hint else "")
        panel = event_panel(con, request.query_params.get("event"))
    exports = {fmt: url_with(request, f"/api/export.{fmt}", **form) for fmt in formats.EXPORT}
    return render(request, "events.html", form=form, rows=rows, total=total, offset=offset,
                  page_size=PAGE_SIZE, error=error, panel=panel, exports=exports)


@router.get("/dyad", response_class=HTMLResponse)
def dyad_form(request: Request) -> Response:
    """The header's dyad box: /dyad?a=CHN&b=PRK -> /dyad/CHN/PRK."""
    p = request.query_params
    try:  # names or codes ("China", "north korean", KORGOV)
        a = actor_code(p.get("a", ""), "first actor")
        b = actor_code(p.get("b", ""), "second actor")
    except DyadwatchError as exc:
        return render_error(request, 400, str(exc.message) + " " + (exc.hint or ""))
    return RedirectResponse(f"/dyad/{a}/{b}", status_code=303)


@router.get("/dyad/{a}/{b}", response_class=HTMLResponse)
def dyad(request: Request, a: str, b: str) -> HTMLResponse:
    server = _server(request)
    p = request.query_params
    a, b = queries.parse_actor(a), queries.parse_actor(b)
    form = {k: p.get(k, "").strip() for k in ("since", "until", "type", "freq", "directed")}
    freq = form["freq"] if form["freq"] in analysis.FREQS else "month"
    directed = form["directed"] in ("1", "on", "true")
    offset = _int(p.get("offset"), 0)
    error, ctx = None, {}
    with server.reading() as con:
        try:
            ctx = _dyad_context(con, a, b, form, freq, directed, offset)
        except NotFoundError:
            raise
        except DyadwatchError as exc:
            error = exc.message + (f" {exc.hint}" if exc.hint else "")
        panel = event_panel(con, p.get("event"))
    points = ctx.get("points", [])
    dyad_q = f"{a}-{b}"

    def link(start: dt.date, end: dt.date) -> str:
        return url_with(request, "/events", dyad=dyad_q, since=start.isoformat(),
                        until=end.isoformat())

    chart = series_svg(points, freq, link) if points or not error else ""
    totals = {key: sum(pt["quad"][key] for pt in points) for key, _, _ in QUADS}
    return render(request, "dyad.html", a=a, b=b, form=form, freq=freq, directed=directed,
                  chart=chart, totals=totals, offset=offset, page_size=PAGE_SIZE,
                  error=error, panel=panel, dyad_q=dyad_q, **ctx)


def _dyad_context(con: Any, a: str, b: str, form: dict[str, str], freq: str, directed: bool,
                  offset: int) -> dict[str, Any]:
    """Series, summary, timeline and event mentions of the dyad page."""
    rng = {"since": form["since"] or None, "until": form["until"] or None}
    flt = EventFilter.parse(dyad=(a, b), directed=directed, plover=form["type"], **rng)
    return {
        "points": analysis.series_points(analysis.dyad_series(
            con, a, b, directed=directed, freq=freq, **rng)),
        "summary": analysis.summary(con, a, b, directed=directed, **rng),
        "timeline": records(analysis.timeline(con, a, b, directed=directed,
                                              limit=TIMELINE_ROWS, **rng)),
        "rows": records(queries.list_events(con, flt, limit=PAGE_SIZE, offset=offset)),
        "total": queries.count_events(con, flt),
    }


@router.get("/event/{event_id}", response_class=HTMLResponse)
def event(request: Request, event_id: str) -> HTMLResponse:
    with _server(request).reading() as con:
        ev = evidence(queries.get_event(con, event_id))
    if request.query_params.get("partial"):
        return render(request, "_event.html", ev=ev, partial=True)
    return render(request, "event.html", ev=ev)


@router.get("/article/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: str) -> HTMLResponse:
    with _server(request).reading() as con:
        art = queries.get_article(con, article_id)
    text = art["article"]["text"]
    spans = [(e["trigger_start"], e["trigger_end"], e) for e in art["events"]
             if e.get("trigger_start") is not None]
    return render(request, "article.html", art=art, body=marked_text(text, spans))


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    return render(request, "docs.html", spec=request.app.openapi())


def web_url(url: str | None) -> str | None:
    """The article's URL if it is an http(s) link, else None: a stored
    `javascript:` URL must not become a clickable link."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def evidence(ev: dict[str, Any]) -> dict[str, Any]:
    """get_event's dict plus the sentence as highlighted markup."""
    s = ev["sentence"]
    ev = dict(ev)
    ev["highlighted"] = highlight(s["text"] or "", {"trigger": s.get("trigger"),
                                                    "source": s.get("source"),
                                                    "target": s.get("target")})
    return ev


def marked_text(text: str, spans: list[tuple[int, int, dict]]) -> list[Any]:
    """Article text as paragraphs with event triggers marked and linked."""
    from markupsafe import Markup, escape

    out, pos = [], 0
    for start, end, e in sorted(spans, key=lambda t: (t[0], t[1])):
        if start < pos or end > len(text):
            continue
        out.append(escape(text[pos:start]))
        out.append(Markup('<a class="trig q{q}" href="/event/{id}" data-event-id="{id}" '
                          'title="{t}">{w}</a>').format(q=e.get("quad_class") or 0, id=e["id"],
                                                         t=e["plover"], w=text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    html = Markup("").join(out)
    return [Markup(p) for p in str(html).split("\n\n") if p.strip()]


def undirected(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Country edges a->b and b->a merged into dyads, most events first."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for e in edges:
        s, t = e["source"], e["target"]
        if s == t:
            continue
        key = (min(s, t), max(s, t))
        d = merged.setdefault(key, {"a": key[0], "b": key[1], "n": 0, "ab": 0, "ba": 0,
                                    "gsum": 0.0, "conflict": 0.0})
        n = e["n_events"]
        d["n"] += n
        d["ab" if s == key[0] else "ba"] += n
        d["gsum"] += e["goldstein_sum"] or 0.0
        d["conflict"] += (e["conflict_share"] or 0.0) * n
    out = []
    for d in merged.values():
        d["goldstein_mean"] = d["gsum"] / d["n"] if d["n"] else None
        d["conflict_share"] = d["conflict"] / d["n"] if d["n"] else None
        out.append(d)
    return sorted(out, key=lambda d: (-d["n"], d["a"], d["b"]))


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, min(int(value or default), 1_000_000_000))
    except ValueError:
        return default
