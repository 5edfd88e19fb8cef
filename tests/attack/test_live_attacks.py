"""The attacks of the hostile-input round, rerun against a live
`dyadwatch serve` process on 127.0.0.1, so that they stay fixed.

One server (a subprocess, as users run it, with a write token and a read
token) over a real database; every attack is counted, every answer checked
for a 5xx, and the server's resident memory is sampled while the series
attacks run. Bounded: about 120 requests and 60 slow sockets, a few minutes
on two cores. `pytest -s tests/attack` prints the figures the README's
Guarantees quote.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import httpx
import psutil
import pytest

from dyadwatch.coding.pipeline import Pipeline, process
from dyadwatch.config import Settings
from dyadwatch.sources import records as readers

TOKEN = "attack-write-3c9e"
READ = "attack-read-77d1"
SERIES = "/api/dyads/CHN/PRK/series?freq=day&since=0001-01-01&until=9999-12-31"
RECORDS = [
    {"id": f"a{i}", "date": f"2022-{1 + i % 12:02d}-{1 + i % 27:02d}",
     "text": text + f" Officials spoke on day {i}."}
    for i, text in enumerate([
        "China urged North Korea to return to the negotiating table.",
        "North Korea accused South Korea of provoking tension along the border.",
        "China and North Korea agreed to expand cross-border trade.",
        "South Korea protested to North Korea over a drone incursion.",
    ] * 5)
]

INJECTIONS = ["'; DROP TABLE events; --", "\" OR 1=1 --", "x') OR ('1'='1", "\ufffd",
              "\x00", "%00", "../" * 20]


@dataclass
class Ledger:
    """What the attacks did and got back."""

    attacks: int = 0
    statuses: list[int] = field(default_factory=list)
    peak_rss: int = 0

    def record(self, r: httpx.Response) -> httpx.Response:
        self.attacks += 1
        self.statuses.append(r.status_code)
        assert r.status_code < 500, (r.request.url, r.status_code, r.text[:300])
        return r


class RssSampler:
    """Peak resident memory of process `pid` while the block runs."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> "RssSampler":
        self.before = self.peak = self.proc.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def server(tmp_path_factory, nlp):
    folder = tmp_path_factory.mktemp("attack")
    db = folder / "attack.duckdb"
    process(list(readers.read_records(RECORDS, "fixture")), db,
            pipeline=Pipeline(Settings(batch_size=16)))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DYADWATCH_API_TOKEN": TOKEN, "DYADWATCH_READ_TOKEN": READ,
           "DYADWATCH_MAX_BODY_BYTES": "3000000"}
    proc = subprocess.Popen([sys.executable, "-m", "dyadwatch.cli", "serve", "--db", str(db),
                             "--port", str(port), "--quiet"], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/api/stats", headers=_auth(READ)).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.3)
    # One good POST waits for the model to load, so that the memory
    # sampled during the attacks is theirs, not the start-up's.
    warm = httpx.post(f"{url}/api/articles", headers=_auth(), timeout=300, json={
        "text": "Japan thanked South Korea for the rescue on Monday.", "id": "warm"})
    assert warm.status_code == 200, warm.text
    yield url, proc, folder
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(60)


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return Ledger()


def _auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _post(c: httpx.Client, body: bytes) -> httpx.Response:
    return c.post("/api/articles", content=body,
                  headers={**_auth(), "Content-Type": "application/json"})


def test_series_attacks_are_refused_in_bounded_memory(server, ledger):
    url, proc, _ = server
    with httpx.Client(base_url=url, timeout=300, headers=_auth(READ)) as c:
        with RssSampler(proc.pid) as mem:
            for path in (SERIES, SERIES.replace("freq=day", "freq=week"),
                         SERIES.replace("freq=day", "freq=month")):
                r = ledger.record(c.get(path))
                assert r.status_code == 422 and "at most 10,000 periods" in r.text
            page = ledger.record(c.get("/dyad/CHN/PRK?freq=day&since=0001-01-01&until=9999-12-31",
                                       headers={"Accept": "text/html"}))
            assert "at most 10,000 periods" in page.text
            r = ledger.record(c.get("/api/dyads/CHN/PRK/series", params={
                "freq": "day", "since": "1990-01-01", "until": "2017-05-18"}))
            assert r.status_code == 200 and len(r.json()["points"]) == 10_000
            for _ in range(3):
                ledger.record(c.get("/dyad/CHN/PRK", params={
                    "freq": "day", "since": "1990-01-01", "until": "2017-05-18"}))
    ledger.peak_rss = max(ledger.peak_rss, mem.peak)
    print(f"\nserver RSS before the series attacks {mem.before / 1e6:.0f} MB, "
          f"peak during them {mem.peak / 1e6:.0f} MB")
    assert mem.peak - mem.before < 500e6


def test_hostile_bodies_get_4xx_and_good_records_are_kept(server, ledger):
    url, _, _ = server
    bad = [b'{"text": "x", "n": ' + b"5" * 5000 + b"}",
           b'{"id": ' + b"4" * 4400 + b', "text": "Peru met Chile."}',
           b"[" * 100_000, b"{" * 50_000, b'{"text": "\xff\xfe\x00"}', b"", b"null",
           json.dumps([{"id": "z"}, {"text": ""}]).encode()]
    with httpx.Client(base_url=url, timeout=300) as c:
        for body in bad:
            r = ledger.record(_post(c, body))
            assert 400 <= r.status_code < 500 and set(r.json()) == {"error"}
        mixed = (b'[{"id": "s\\udfff", "title": "\\ud800", "outlet": "A\\u0000B", "text": '
                 b'"China urged North Korea to talk \\udfff on Monday."}, {"text": 5}]')
        res = ledger.record(_post(c, mixed)).json()
        assert res["n_stored"] + res["n_duplicate"] == 1 and res["n_failed"] == 1
        lines = [b'{"id": "u1", "title": "\\udfff", "text": "South Korea thanked China."}',
                 b'{"id": ' + b"9" * 4400 + b"}", b"[" * 100_000,
                 b'{"id": "u4", "text": "North Korea threatened South Korea."}']
        r = ledger.record(c.post("/api/articles", headers=_auth(), files={
            "file": ("h.jsonl", b"\xef\xbb\xbf" + b"\n".join(lines), "text/plain")}))
        res = r.json()
        assert res["n_stored"] + res["n_duplicate"] == 2
        assert {f["where"] for f in res["failures"]} == {"upload:h.jsonl:2", "upload:h.jsonl:3"}


def test_private_server_keeps_schema_and_token_to_itself(server, ledger):
    url, _, _ = server
    with httpx.Client(base_url=url, timeout=60) as c:
        assert ledger.record(c.get("/openapi.json")).status_code == 401
        assert ledger.record(c.get("/openapi.json", headers=_auth(READ))).status_code == 200
        r = ledger.record(c.get("/", params={"token": READ}))
        cookie = r.cookies.get("dyadwatch_token")
        assert cookie and READ not in cookie
        assert ledger.record(c.get("/api/events")).status_code == 200  # the cookie reads
        c.cookies.clear()
        for probe in ("/api/events", "/api/events?actor=' OR 1=1 --", "/api/stats",
                      "/api/articles?limit=100000"):
            assert ledger.record(c.get(probe)).status_code == 401
        c.cookies.set("dyadwatch_token", READ)
        assert ledger.record(c.get("/api/events")).status_code == 401
        c.cookies.clear()
        for text in INJECTIONS:
            for path, params in (("/api/events", {"actor": text}), ("/api/events", {"q": text}),
                                 ("/api/dyads/CHN/PRK/series", {"since": text, "freq": text})):
                ledger.record(c.get(path, params=params, headers=_auth(READ)))


def test_slow_headers_are_cut_off_and_reads_go_on(server, ledger):
    url, proc, _ = server
    port = int(url.rsplit(":", 1)[1])
    socks = []
    for _ in range(60):
        s = socket.create_connection(("127.0.0.1", port), timeout=40)
        s.sendall(b"GET /api/stats HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        socks.append(s)
    with httpx.Client(base_url=url, timeout=60, headers=_auth(READ)) as c:
        assert ledger.record(c.get("/api/stats")).status_code == 200
    closed = 0
    for s in socks:
        try:
            closed += s.recv(100) == b""  # blocks until the server closes it
        except OSError:
            closed += 1
        s.close()
    ledger.attacks += len(socks)
    assert closed == len(socks)
    assert proc.poll() is None


def test_zz_figures(server, ledger):
    """Runs last (name order): the figures of the whole run."""
    _, proc, _ = server
    assert proc.poll() is None, "the server died during the attacks"
    fives = sum(s >= 500 for s in ledger.statuses)
    print(f"\nattacks {ledger.attacks}, requests {len(ledger.statuses)}, 5xx {fives}, "
          f"server crashes 0, peak server RSS {ledger.peak_rss / 1e6:.0f} MB")
    assert fives == 0 and ledger.attacks >= 100
