"""What the HTTP API tests share: the fixture articles, the tokens, a real
uvicorn server on 127.0.0.1 (`LiveServer`), the fixture database and the
checks of an error answer. The fixtures built from them (`pipe`, `built`,
`live`, `client`) are in conftest.py."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import httpx

TOKEN = "test-token-5f2a9c"
READ_TOKEN = "reader-token-81b7"

#: Short articles written for these tests (not taken from any outlet).
RECORDS = [
    {"id": "t1", "date": "2023-01-10", "outlet": "Test Wire",
     "title": "Beijing urges Pyongyang to return to talks",
     "text": "China on Tuesday urged North Korea to return to negotiations over its weapons "
             "programme.\n\nChinese Foreign Minister Wang Yi met the North Korean ambassador in "
             "Beijing and said dialogue was the only way forward.\n\n\"We hope all parties will "
             "stay calm,\" Wang said."},
    {"id": "t2", "date": "2023-02-14", "outlet": "Harbour Ledger",
     "title": "North Korea fires missiles",
     "text": "North Korea fired two ballistic missiles into the sea off its east coast on "
             "Tuesday, the South Korean military said.\n\nSouth Korea condemned the launch and "
             "accused Pyongyang of raising tensions on the peninsula.\n\nJapan protested to "
             "North Korea through its embassy in Beijing."},
    {"id": "t3", "date": "2023-03-21", "outlet": "Test Wire",
     "title": "Seoul and Washington hold drills",
     "text": "South Korea and the United States began joint military exercises on Monday.\n\n"
             "North Korea threatened to respond with force and accused the United States of "
             "preparing an invasion.\n\nChina called on both sides to exercise restraint."},
    {"id": "t4", "date": "2023-04-18", "outlet": "Meridian Post",
     "title": "Chinese envoy visits Pyongyang",
     "text": "A senior Chinese envoy arrived in Pyongyang on Monday for talks with North Korean "
             "officials.\n\nChina and North Korea agreed to expand trade, the official news "
             "agency said.\n\nThe United States criticised China for weakening sanctions."},
    {"id": "t5", "date": "2023-05-09", "outlet": "Harbour Ledger",
     "title": "Japan and South Korea leaders meet",
     "text": "Japanese Prime Minister Fumio Kishida met South Korean President Yoon Suk Yeol in "
             "Seoul on Sunday.\n\nThe two leaders agreed to resume regular visits and to share "
             "missile warning data.\n\nNorth Korea denounced the meeting as a threat to its "
             "security."},
    {"id": "t6", "date": "2023-06-13", "outlet": "Meridian Post",
     "title": "Russia offers support to North Korea",
     "text": "Russia pledged support for North Korea on Monday and praised its ties with "
             "Pyongyang.\n\nThe United States warned Russia against sending weapons to the "
             "Korean Peninsula.\n\nChina said it respected the sovereignty of North Korea."},
]


class LiveServer:
    """uvicorn serving `app` on a free 127.0.0.1 port in a daemon thread."""

    def __init__(self, app, **config) -> None:
        """`config`: more uvicorn.Config options (a custom `http` protocol)."""
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on",
                                                   **config))
        self.thread = threading.Thread(target=self.server.run,
                                       kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(60)
        self.sock.close()


def build_db(path: Path, pipe, settings, records=RECORDS) -> Path:
    """A real database: the real pipeline over `records`."""
    from dyadwatch.sources import records as readers
    from dyadwatch.coding import pipeline

    report = pipeline.process(list(readers.read_records(records, "fixture")), path, settings,
                              pipeline=pipe)
    assert report.n_stored == len(records) and not report.failures
    return path


def copy_db(built: Path, tmp_path_factory, name: str) -> Path:
    dest = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    shutil.copy(built, dest)
    return dest


def api_settings(**changes):
    from dyadwatch.config import Settings

    base = dict(api_token=TOKEN, max_body_bytes=400_000, max_page_size=10, batch_size=16)
    base.update(changes)
    return Settings(**base)


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    msg = body["error"]["message"]
    assert msg and "Traceback" not in msg and "/tmp" not in msg and "site-packages" not in msg
    return body["error"]
