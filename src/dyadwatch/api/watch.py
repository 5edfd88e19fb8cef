"""Watching inside the server: /api/sources, /api/watch/alerts,
/api/watch/notifications, the /watch and /alerts/{id} dashboard pages (one
module-level router, the app's Server through reads.py's dependencies),
and `start_watching`, which runs the watch loop's cycles on the server's
writer thread (`dyadwatch serve --watch SOURCES`).

The server owns the database, so a cycle is one more job for its single
writer: reads keep being answered from their own cursors while news
arrives, and a POSTed ingest simply waits for the cycle in progress.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from ..analysis import alerts as alerts_mod
from ..errors import error
from ..store import watch_state
from .reads import MAX_OFFSET, Cursor, ServerDep, read_access
from .refusals import ApiError
from .server import Server

log = logging.getLogger("dyadwatch.watch")
TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"


def _rows(con: Any, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        rec = dict(zip(cols, row))
        if isinstance(rec.get("changes"), str):
            rec["changes"] = json.loads(rec["changes"])
        out.append({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in rec.items()})
    return out


def alert_detail(con: Any, alert_id: str) -> dict[str, Any]:
    found = _rows(con, "SELECT * FROM alerts WHERE id = ?", [alert_id])
    if not found:
        raise error("E532", value=alert_id)
    alert = found[0]
    ev = alerts_mod.evidence(con, alert["event_ids"] or [], limit=10)
    alert["evidence"] = json.loads(ev.to_json(orient="records", date_format="iso"))
    alert["notifications"] = _rows(con, "SELECT channel, target, status, attempts, error, "
                                        "digest, sent_at FROM notifications WHERE alert_id = ?",
                                   [alert_id])
    return alert


router = APIRouter(dependencies=[Depends(read_access)])
_templates = Jinja2Templates(directory=str(TEMPLATES))
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


@router.get("/api/sources", summary="Watched sources",
            description="Sources with their last poll, HTTP status, error and articles found.")
def sources(con: Cursor) -> list[dict]:
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
            for r in watch_state.list_sources(con)]


@router.post("/api/sources", status_code=201, summary="Add a source (needs the token)")
def add_source(request: Request, server: ServerDep, body: dict) -> dict:
    from ..sources.watch import source_row
    from ..sources.watchfile import SourceSpec

    server.check_write(request)
    try:
        spec = SourceSpec.model_validate(body)
    except ValidationError as exc:
        raise error("E128", problems="; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: "
                                               f"{e['msg'].removeprefix('Value error, ')}"
                                               for e in exc.errors())) from exc
    row = source_row(spec)
    server.submit_job(watch_state.upsert_sources, server.store, [row], "api").result()
    return {"address": spec.address, "kind": spec.resolved_kind}


@router.delete("/api/sources", summary="Remove a source (needs the token)")
def remove_source(request: Request, server: ServerDep,
                  address: Annotated[str, Query(max_length=2000)]) -> dict:
    server.check_write(request)
    if not server.submit_job(watch_state.remove_source, server.store, address).result():
        raise error("E533", value=address)
    return {"removed": address}


@router.get("/api/watch/alerts", summary="Stored watch alerts, newest first")
def stored_alerts(con: Cursor, limit: Limit = 50, offset: Offset = 0) -> list[dict]:
    return _rows(con, "SELECT * FROM alerts ORDER BY window_end DESC, created_at DESC, id "
                      "LIMIT ? OFFSET ?", [limit, offset])


@router.get("/api/watch/alerts/{alert_id}", summary="One alert with its evidence")
def one_alert(con: Cursor, alert_id: str) -> dict:
    return alert_detail(con, alert_id)


@router.get("/api/watch/notifications", summary="Notifications sent or failed")
def notifications(con: Cursor, limit: Limit = 100, offset: Offset = 0) -> list[dict]:
    return _rows(con, "SELECT n.*, a.dyad, a.rule FROM notifications n LEFT JOIN alerts a "
                      "ON a.id = n.alert_id ORDER BY n.sent_at DESC LIMIT ? OFFSET ?",
                 [limit, offset])


@router.get("/watch", response_class=HTMLResponse, include_in_schema=False)
def watch_page(request: Request, con: Cursor) -> HTMLResponse:
    return _templates.TemplateResponse(request, "watch.html", {
        "sources": watch_state.list_sources(con),
        "alerts": _rows(con, "SELECT * FROM alerts ORDER BY window_end DESC, id LIMIT 200"),
        "notifications": _rows(con, "SELECT n.*, a.dyad FROM notifications n LEFT JOIN "
                                    "alerts a ON a.id = n.alert_id ORDER BY n.sent_at DESC "
                                    "LIMIT 200"),
        "per_day": _rows(con, "SELECT CAST(ingested_at AS DATE) AS day, count(*) AS n FROM "
                              "articles GROUP BY 1 ORDER BY 1 DESC LIMIT 14")})


@router.get("/alerts/{alert_id}", response_class=HTMLResponse, include_in_schema=False)
def alert_page(request: Request, con: Cursor, alert_id: str) -> HTMLResponse:
    return _templates.TemplateResponse(request, "watch_alert.html",
                                       {"alert": alert_detail(con, alert_id)})


def start_watching(app: FastAPI, sources: str | Path, every_s: float) -> threading.Event:
    """Run watch cycles every `every_s` seconds on the app's writer thread,
    from when the server has started until it stops. The sources file is
    validated now, so a bad file stops `serve` before it binds. Returns the
    event that stops the loop."""
    from ..sources import watchfile

    wf = watchfile.load(sources)
    server: Server = app.state.server
    stop = threading.Event()

    def loop() -> None:
        from ..sources.watch import Watcher

        while server.store is None and not stop.wait(0.5):
            pass
        watcher = None
        while not stop.is_set():
            try:
                if watcher is None:
                    watcher = server.submit_job(
                        lambda: Watcher(server.store, wf, server.pipeline)).result()
                report = server.submit_job(watcher.cycle).result()
                log.info(report.line())
            except ApiError:  # the server is stopping
                return
            except Exception:  # a failed cycle is logged; the next one runs on time
                log.exception("watch cycle failed")
            if stop.wait(every_s):
                return

    threading.Thread(target=loop, name="dyadwatch-watch", daemon=True).start()
    return stop
