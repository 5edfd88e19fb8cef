"""Reading a database that a running `dyadwatch serve` holds.

DuckDB lets one process write a file; `serve` keeps it open read-write,
so a read command on the same file meets E301. The server therefore
leaves its address beside the database (`DB.server.json`: host, port,
pid; removed when it stops), and a read command that meets E301 asks that
server's HTTP API for the same rows and prints them as it would have.
A file left behind by a server that died is recognised by its pid and
ignored, so the user sees the usual E301 message.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..errors import StoreLockedError, error

T = TypeVar("T")
#: Rows asked per request when paging through a listing.
PAGE = 500


def address_file(db: str | Path) -> Path:
    return Path(f"{db}.server.json")


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int
    pid: int

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        host = "[::1]" if host == "::" else (f"[{host}]" if ":" in host else host)
        return f"http://{host}:{self.port}"


@contextmanager
def advertise(db: str | Path, host: str, port: int) -> Iterator[Path]:
    """Leave this server's address beside `db` while the block runs."""
    path = address_file(db)
    path.write_text(json.dumps({"host": host, "port": port, "pid": os.getpid()}) + "\n",
                    encoding="utf-8")
    try:
        yield path
    finally:
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass


def find_server(db: str | Path) -> ServerAddress | None:
    """The live server that advertised itself beside `db`, or None."""
    try:
        raw = json.loads(address_file(db).read_text(encoding="utf-8"))
        addr = ServerAddress(str(raw["host"]), int(raw["port"]), int(raw["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(addr.pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:  # alive, another user's
        pass
    return addr


def local_or_served(db: str | Path, local: Callable[[], T], served: Callable[["Client"], T]) -> T:
    """`local()`; when the file is held by a dyadwatch server, `served(client)`."""
    try:
        return local()
    except StoreLockedError:
        addr = find_server(db)
        if addr is None:
            raise
    return served(Client(addr))


class Client:
    """GET requests to a dyadwatch server's API, with the read token from the
    environment (DYADWATCH_READ_TOKEN, else DYADWATCH_API_TOKEN) if set."""

    def __init__(self, addr: ServerAddress) -> None:
        self.addr = addr
        token = os.environ.get("DYADWATCH_READ_TOKEN") or os.environ.get("DYADWATCH_API_TOKEN")
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        import httpx

        clean = {k: _param(v) for k, v in (params or {}).items() if v is not None and v != ""}
        try:
            r = httpx.get(self.addr.url + path, params=clean, headers=self.headers, timeout=120)
        except httpx.HTTPError as exc:
            raise error("E309", url=self.addr.url, pid=self.addr.pid, reason=exc) from exc
        if r.status_code >= 400:
            try:
                message = r.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = r.text[:200]
            raise error("E527", url=self.addr.url, status=r.status_code, reason=message)
        return r.json()

    def items(self, path: str, params: dict[str, Any], limit: int | None,
              offset: int = 0) -> list[dict[str, Any]]:
        """Rows of a paged listing, following next_offset up to `limit`."""
        rows: list[dict[str, Any]] = []
        while limit is None or len(rows) < limit:
            want = PAGE if limit is None else min(PAGE, limit - len(rows))
            page = self.get(path, {**params, "limit": want, "offset": offset})
            rows += page["items"]
            if page.get("next_offset") is None:
                break
            offset = page["next_offset"]
        return rows


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    return value
