"""Every bench/ script runs at a tiny size, so none silently breaks.

The scripts print ratios measured in one run; these smoke tests check only
that each runs to the end and prints its summary line, never a time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"

#: script and tiny arguments -> a fragment its final summary always prints
RUNS = [
    ("actors.py", ["--docs", "5", "--repeat", "1"], "ratio coding/parse"),
    ("analysis.py", ["--events", "5000", "--repeat", "1"], "alerts canonical"),
    ("dedup.py", ["--sizes", "200", "400"], "size x2.00"),
    ("pipeline.py", ["--sizes", "6", "--procs", "1", "--no-insert"], "parse share"),
    ("dask_scale.py", ["--sizes", "6", "--docs-per-shard", "3", "--no-stages"], "workers vs 1"),
    ("memory.py", ["--sizes", "4", "8", "--words", "60", "--workers-size", "8", "--rounds", "1"],
     "2 workers vs 1"),
    ("load.py", ["--requests", "20", "--clients", "2", "--ingest", "2"], "reads during ingest"),
    ("startup.py", ["--repeat", "1"], "code - spacy"),
    ("report.py", ["--quick"], "## Performance"),
    ("watch.py", ["--feeds", "3", "--per-feed", "1", "--words", "80"], "no-news cycle"),
]


@pytest.mark.slow
@pytest.mark.parametrize("script,args,expected", RUNS, ids=[r[0] for r in RUNS])
def test_bench_script_runs(script, args, expected, tmp_path):
    out = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=tmp_path,
                         capture_output=True, text=True, timeout=400)
    assert out.returncode == 0, out.stderr[-3000:]
    assert expected in out.stdout, out.stdout[-3000:]


def test_every_bench_script_has_a_smoke_run():
    """A new bench script must be added to RUNS (procstat.py is a library)."""
    scripts = {p.name for p in BENCH.glob("*.py")} - {"procstat.py"}
    assert scripts == {r[0] for r in RUNS}
