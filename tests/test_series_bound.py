"""The dyad series is bounded by construction: at most MAX_SERIES_PERIODS
periods, refused before any row is built, with a 422 (API), a coded
QueryError (Python, CLI) or the message on the dashboard page. Before, one
unauthenticated request for a daily series from year 1 to 9999 ran 91 s and
left the server at 2.6 GB. The memory of the largest allowed request is
measured while the real server answers it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading

import psutil
import pytest

from live_api import assert_error

HUGE = "/api/dyads/CHN/PRK/series?freq=day&since=0001-01-01&until=9999-12-31"


class PeakRss:
    """Largest resident size of this process (which runs the test server)
    seen while the block runs, sampled by a thread."""

    def __enter__(self) -> "PeakRss":
        self.proc = psutil.Process()
        self.before = self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def grown_mb(self) -> float:
        return (self.peak - self.before) / 1e6


def test_a_series_over_too_many_periods_is_a_422_naming_the_limit(client):
    with PeakRss() as mem:
        err = assert_error(client.get(HUGE), 422)
    assert "at most 10,000 periods" in err["message"] and "27 years" in err["message"]
    assert "3,652,059" in err["message"] and err["code"] == "E502"
    assert mem.grown_mb < 50, mem.grown_mb
    page = client.get(HUGE.replace("/api/dyads", "/dyad").replace("/series", ""),
                      headers={"Accept": "text/html"})
    assert page.status_code == 200 and "at most 10,000 periods" in page.text


def test_the_largest_series_allowed_is_answered_in_bounded_memory(client):
    """10,000 days, the most a series may have: measured growth of the
    server's memory while answering (generous bound; was 2.6 GB for the
    unbounded request)."""
    with PeakRss() as mem:
        r = client.get("/api/dyads/CHN/PRK/series",
                       params={"freq": "day", "since": "1990-01-01", "until": "2017-05-18"})
    assert r.status_code == 200, r.text
    assert len(r.json()["points"]) == 10_000
    assert mem.grown_mb < 400, mem.grown_mb


def test_series_bound_in_python_and_cli(live):
    from dyadwatch.analysis.dyads import dyad_series
    from dyadwatch.errors import QueryError
    from dyadwatch.store.db import Store

    copy = live.db.with_name("series-copy.duckdb")
    shutil.copy(live.db, copy)
    with Store.open(copy, read_only=True) as store:
        with pytest.raises(QueryError, match="at most 10,000 periods"):
            dyad_series(store.con, "CHN", "PRK", freq="day", since="0001-01-01",
                        until="9999-12-31")
        assert len(dyad_series(store.con, "CHN", "PRK", freq="month", since="0001-01-01",
                               until="0834-04-30")) == 10_000
    out = subprocess.run([sys.executable, "-m", "dyadwatch.cli", "dyad", "CHN", "PRK", "--db",
                          str(copy), "--freq", "day", "--since", "0001-01-01", "--until",
                          "9999-12-31"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and "[E502]" in out.stderr and "Traceback" not in out.stderr
