"""kill -9 of `dyadwatch ingest --workers 3` leaves no process behind: its
coding workers and multiprocessing's resource tracker end with it (the
ingest process codes too, so --workers 3 starts two workers)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil

from dyadwatch import synthetic


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def test_kill_9_of_a_parallel_ingest_leaves_no_worker_or_tracker(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    synthetic.write_jsonl(corpus, 400)
    proc = subprocess.Popen(
        [sys.executable, "-m", "dyadwatch.cli", "ingest", str(corpus), "--db",
         str(tmp_path / "w.duckdb"), "--workers", "3"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    parent = psutil.Process(proc.pid)
    children: list[psutil.Process] = []
    deadline = time.monotonic() + 300
    try:
        # Wait for both workers to have loaded the model (they code at full
        # CPU once they have their first chunk) and the tracker to exist.
        while time.monotonic() < deadline and proc.poll() is None:
            children = parent.children(recursive=True)
            busy = [c for c in children if c.memory_info().rss > 150e6]
            if len(children) >= 3 and len(busy) >= 2:
                break
            time.sleep(0.5)
        assert proc.poll() is None, "the ingest ended before it could be killed"
        assert len(children) >= 3, children
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        end = time.monotonic() + 30
        while _alive(children) and time.monotonic() < end:
            time.sleep(0.5)
        left = _alive(children)
        assert not left, [(p.pid, p.cmdline()[:4]) for p in left]
    finally:
        for p in _alive(children):
            p.kill()
        if proc.poll() is None:
            proc.kill()
