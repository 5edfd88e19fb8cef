"""CPU time, CPU-wait and peak memory of a benchmark and its worker processes.

The benchmarks run on a shared 2-core machine, so wall time says as much
about the other jobs as about dyadwatch. Linux records, per thread, the time
it ran and the time it was runnable but waiting for a CPU
(/proc/PID/task/TID/schedstat). With both, a benchmark can tell "slow
because starved by other jobs" from "slow because idle or serial", and
estimate the wall time on otherwise idle cores: the measured wall time minus
the time the critical thread spent waiting for a CPU.

`Sampler` reads this process once at start and at stop, and polls its
descendants (pool workers, Dask nannies and workers) every `interval`
seconds while they live, keeping each one's last reading and peak RSS.
Linux only; elsewhere the waits read as zero.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil  # a dependency of distributed, pinned through it


def _threads(pid: int) -> dict[int, tuple[int, int]]:
    """tid -> (ns on a CPU, ns waiting for a CPU)."""
    out: dict[int, tuple[int, int]] = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            run, wait, _ = Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()
        except (OSError, ValueError):
            continue
        out[int(tid)] = (int(run), int(wait))
    return out


@dataclass
class ProcUsage:
    """One process over the measured interval."""

    pid: int
    role: str
    cpu_s: float = 0.0  # all threads, user + system
    wait_s: float = 0.0  # its busiest thread's time waiting for a CPU
    peak_mb: float = 0.0  # largest RSS seen
    first: dict[int, tuple[int, int]] = field(default_factory=dict, repr=False)
    last: dict[int, tuple[int, int]] = field(default_factory=dict, repr=False)
    cpu0: float = 0.0

    def update(self, proc: psutil.Process) -> None:
        try:
            with proc.oneshot():
                t = proc.cpu_times()
                rss = proc.memory_info().rss
        except psutil.Error:
            return
        self.cpu_s = t.user + t.system - self.cpu0
        self.peak_mb = max(self.peak_mb, rss / 2**20)
        for tid, val in _threads(proc.pid).items():
            self.first.setdefault(tid, val)
            self.last[tid] = val
        if self.last:
            busiest = max(self.last, key=lambda tid: self.last[tid][0] - self.first[tid][0])
            self.wait_s = (self.last[busiest][1] - self.first[busiest][1]) / 1e9


@dataclass
class Usage:
    wall_s: float
    main: ProcUsage
    workers: list[ProcUsage]
    load_before: float
    load_after: float

    @property
    def cpu_s(self) -> float:
        """CPU seconds of every process involved."""
        return self.main.cpu_s + sum(w.cpu_s for w in self.workers)

    def free_wall_s(self, parallel: bool) -> float:
        """Estimated wall time on otherwise idle cores. One process: minus
        its own CPU-wait. Workers: minus the smallest CPU-wait among them (the
        run lasts as long as the least-starved worker would have needed;
        conservative, since a worker's idle time may itself come from a
        starved parent)."""
        if parallel and self.workers:
            busy = [w for w in self.workers if w.cpu_s > 0.2 * max(x.cpu_s for x in self.workers)]
            return self.wall_s - min(w.wait_s for w in busy)
        return self.wall_s - self.main.wait_s

    def as_dict(self) -> dict:
        def one(p: ProcUsage) -> dict:
            return {"pid": p.pid, "role": p.role, "cpu_s": round(p.cpu_s, 3),
                    "wait_s": round(p.wait_s, 3), "peak_mb": round(p.peak_mb, 1)}
        return {"wall_s": round(self.wall_s, 3), "cpu_s": round(self.cpu_s, 3),
                "main": one(self.main), "workers": [one(w) for w in self.workers],
                "load_before": self.load_before, "load_after": self.load_after}


class Sampler:
    """Measure this process and its descendants between `start` and `stop`."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self._me = psutil.Process()
        self._stop = threading.Event()
        self._seen: dict[int, ProcUsage] = {}
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def start(self) -> "Sampler":
        self._load = os.getloadavg()[0]
        self._main = ProcUsage(self._me.pid, "main")
        t = self._me.cpu_times()
        self._main.cpu0 = t.user + t.system
        self._main.update(self._me)
        for child in self._me.children(recursive=True):
            self._track(child)
        self._t0 = time.perf_counter()
        self._thread.start()
        return self

    def _track(self, proc: psutil.Process) -> None:
        usage = self._seen.get(proc.pid)
        if usage is None:
            try:
                role = " ".join(proc.cmdline()[1:4])[:60]
            except psutil.Error:
                role = "?"
            usage = self._seen[proc.pid] = ProcUsage(proc.pid, role)
        usage.update(proc)

    def _poll(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                children = self._me.children(recursive=True)
            except psutil.Error:
                continue
            for child in children:
                self._track(child)

    def stop(self) -> Usage:
        wall = time.perf_counter() - self._t0
        self._stop.set()
        self._thread.join()
        for child in self._me.children(recursive=True):
            self._track(child)
        self._main.update(self._me)
        self._main.peak_mb = max(self._main.peak_mb,
                                 resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        workers = [u for u in self._seen.values() if u.cpu_s > 0.05]
        return Usage(wall, self._main, workers, self._load, os.getloadavg()[0])
