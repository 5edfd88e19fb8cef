"""Load test of the HTTP API on 127.0.0.1: reads alone, then reads while an ingest runs.

    python bench/load.py [--db FILE] [--requests 2000] [--clients 8] [--ingest 200]

Starts `dyadwatch serve`'s app in a subprocess over a copy of --db (default:
the demo corpus coded into a temporary database), then sends a fixed number
of GET requests from concurrent clients over a mix of routes (event
listings and filters, one event's evidence, dyad series and timeline,
alerts, stats) and prints requests/second and latency percentiles. The
second round repeats it while a POST /api/articles of --ingest synthetic
articles is being coded and stored by the server's writer thread, and says
how many reads were answered before that ingest finished. Bounded by the
request count (and a 60 s timeout per request); no assertions. The machine
is shared: compare the two rounds of one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SERVER = """
import sys, uvicorn
from dyadwatch.api import create_app
from dyadwatch.config import Settings
uvicorn.run(create_app(sys.argv[1], Settings.from_env()), host="127.0.0.1",
            port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_db(folder: Path) -> Path:
    from dyadwatch.coding import pipeline
    from dyadwatch.config import Settings

    db = folder / "demo.duckdb"
    print(f"coding {ROOT / 'demo'} into a temporary database ...", flush=True)
    pipeline.process([str(ROOT / "demo")], db, Settings())
    return db


def start_server(db: Path, port: int, token: str) -> subprocess.Popen:
    env = {**os.environ, "DYADWATCH_API_TOKEN": token}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)], env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start within 120 s")


def urls(base: str) -> list[str]:
    """A mix of read routes, with ids and a dyad taken from the database."""
    with httpx.Client(base_url=base, timeout=60) as c:
        stats = c.get("/api/stats").json()
        top = stats["top_dyads"][0] if stats["top_dyads"] else {"source": "CHN",
                                                                  "target": "PRK"}
        a, b = top["source"], top["target"]
        ids = [e["id"] for e in c.get("/api/events", params={"limit": 20}).json()["items"]]
    mix = [
        "/api/events?limit=50",
        f"/api/events?dyad={a}-{b}&limit=50",
        "/api/events?type=CONSULT&since=2015&limit=20",
        "/api/events?q=missile&limit=20",
        f"/api/dyads/{a}/{b}/series",
        f"/api/dyads/{a}/{b}/timeline?limit=100",
        "/api/alerts",
        "/api/actors?limit=20",
        "/api/stats",
    ]
    mix += [f"/api/events/{i}" for i in ids[:5]]
    return mix


def run_reads(base: str, mix: list[str], n: int, clients: int) -> list[tuple[float, float, int]]:
    """(start time, latency s, status) of `n` GETs cycling through `mix`."""
    out: list[tuple[float, float, int]] = []
    lock = threading.Lock()
    counter = iter(range(n))

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            for i in counter:
                url = mix[i % len(mix)]
                t0 = time.perf_counter()
                try:
                    status = c.get(url).status_code
                except httpx.HTTPError:
                    status = 0
                dt = time.perf_counter() - t0
                with lock:
                    out.append((t0, dt, status))

    with ThreadPoolExecutor(clients) as pool:
        for _ in range(clients):
            pool.submit(worker)
    return out


def report(name: str, rows: list[tuple[float, float, int]], wall: float) -> None:
    lat = sorted(r[1] for r in rows)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    bad = sum(1 for r in rows if r[2] != 200)
    print(f"{name:<22} {len(rows):>6} {len(rows) / wall:>8.1f} {p(0.5):>8.1f} {p(0.95):>8.1f} "
          f"{lat[-1] * 1000:>8.1f} {statistics.fmean(lat) * 1000:>8.1f} {bad:>6}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="database to serve (copied first)")
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--ingest", type=int, default=200, help="articles POSTed in round 2")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="dyadwatch-load-") as tmp:
        folder = Path(tmp)
        if args.db:
            db = folder / "served.duckdb"
            shutil.copy(args.db, db)
        else:
            db = demo_db(folder)
        token = secrets.token_hex(16)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(db, port, token)
        try:
            mix = urls(base)
            run_reads(base, mix, min(200, args.requests), args.clients)  # warm caches
            print(f"\n{args.requests} GETs per round, {args.clients} concurrent clients, "
                  f"{len(mix)} routes\n")
            print(f"{'round':<22} {'reqs':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
                  f"{'max ms':>8} {'mean ms':>8} {'errors':>6}")
            t0 = time.perf_counter()
            rows = run_reads(base, mix, args.requests, args.clients)
            report("reads only", rows, time.perf_counter() - t0)

            from dyadwatch import synthetic

            records = list(synthetic.articles(args.ingest, seed=3, words=250))
            span: dict[str, float] = {}

            def ingest() -> None:
                with httpx.Client(base_url=base, timeout=3600) as c:
                    span["start"] = time.perf_counter()
                    r = c.post("/api/articles", json=records,
                               headers={"Authorization": f"Bearer {token}"})
                    span["end"] = time.perf_counter()
                    span["status"] = r.status_code
                    span["stored"] = r.json().get("n_stored", 0) if r.status_code == 200 else 0

            poster = threading.Thread(target=ingest)
            poster.start()
            time.sleep(0.5)  # let the upload reach the writer
            t0 = time.perf_counter()
            rows = run_reads(base, mix, args.requests, args.clients)
            wall = time.perf_counter() - t0
            poster.join()
            report("reads during ingest", rows, wall)
            before_end = [r for r in rows if r[0] + r[1] < span["end"]]
            print(f"\ningest: POST of {args.ingest} articles -> HTTP {span['status']}, "
                  f"{span['stored']} stored in {span['end'] - span['start']:.1f} s; "
                  f"{len(before_end)} of {len(rows)} reads were answered before it finished")
        finally:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    main()
