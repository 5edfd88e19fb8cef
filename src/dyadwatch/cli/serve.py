"""`dyadwatch serve`: the HTTP API and dashboard over one database.

The server opens the database read-write for as long as it runs (DuckDB
allows one writer per file), so while it runs, send new articles to its
API (POST /api/articles) instead of running `dyadwatch ingest` beside it.
It binds to 127.0.0.1 unless told otherwise: the API's reads are open
without a read token, so exposing it is an explicit choice.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
import signal
from typing import Annotated

import typer

from ..config import Settings
from ._common import DEFAULT_DB_PATH, DbOption
from .printing import console
from .remote import advertise


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    db: DbOption = DEFAULT_DB_PATH,
    host: Annotated[str, typer.Option(help="Address to bind; the default accepts "
                                           "connections from this machine only.")] =
    "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    token: Annotated[str | None, typer.Option(
        help="API token that writes (POST /api/articles) must send as "
             "'Authorization: Bearer TOKEN'. Prefer DYADWATCH_API_TOKEN: options are "
             "visible to other users in the process list. Without one, writes are "
             "refused.")] = None,
    read_token: Annotated[str | None, typer.Option(
        help="If set, reads need this token too (or the API token); also "
             "DYADWATCH_READ_TOKEN.")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Less logging (warnings only).")] = False,
    watch: Annotated[Path | None, typer.Option(
        help="A sources file: run the watch loop inside the server (it owns the "
             "database), so the dashboard stays live while news arrives.")] = None,
    every: Annotated[str, typer.Option(help="With --watch: time between cycles.")] = "15m",
) -> None:
    """Serve the HTTP API (/api/...) and the dashboard (/) for --db."""
    import uvicorn

    from ..api import create_app
    from ..api.slow_clients import HeaderTimeoutH11Protocol
    from ..store.db import Store

    settings = Settings.from_env(api_token=token, read_token=read_token)
    # Open once up front so a locked or unreadable file gives the usual
    # one-line error instead of a failed-startup trace from uvicorn.
    Store.open(db).close()
    err = console(stderr=True)
    if not _is_loopback(host) and not settings.read_token:
        err.print(f"[yellow]warning:[/] binding {host}: anyone who can reach this "
                  "address can read the data (set --read-token or DYADWATCH_READ_TOKEN "
                  "to require a token).")
    if not settings.api_token:
        err.print("writes are disabled: set DYADWATCH_API_TOKEN (or --token) to accept "
                  "POST /api/articles.")
    shown = f"[{host}]" if ":" in host else host
    err.print(f"dyadwatch: serving {db} at http://{shown}:{port}/ (API under /api/, "
              "schema at /openapi.json); Ctrl+C stops.")
    # Read commands on the same file find the server here (cli/remote.py).
    # uvicorn re-raises SIGTERM after its graceful shutdown; as an exception
    # it lets `advertise` remove the address file on the way out.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    app = create_app(db, settings)
    if watch is not None:
        from ..api.watch import start_watching
        from .watch import every_seconds

        start_watching(app, watch, every_seconds(every))
        err.print(f"watching the sources of {watch} every {every} (see /watch)")
    with advertise(db, host, port):
        uvicorn.run(app, host=host, port=port,
                    http=HeaderTimeoutH11Protocol, log_level="warning" if quiet else "info",
                    timeout_keep_alive=5, server_header=False)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def register(app: typer.Typer) -> None:
    app.command()(serve)
