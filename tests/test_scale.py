"""Scale-out on Dask gives exactly the rows of the single-process path, and a
killed run resumes without duplicates or losses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dyadwatch import scale, synthetic
from dyadwatch.sources import records as readers
from dyadwatch.config import Settings
from dyadwatch.coding.pipeline import process
from dyadwatch.store.db import Store

pytestmark = pytest.mark.slow

TABLES = {
    "articles": "SELECT id, doc_id, title, date, text FROM articles",
    "sentences": "SELECT article_id, idx, start_char, end_char FROM sentences",
    "actors": "SELECT article_id, idx, code, start_char FROM actors",
    "events": "SELECT id, article_id, plover, source, target, date, canonical_id FROM events",
    "quotes": "SELECT id, article_id, speaker FROM quotes",
    "canonical_events": "SELECT id, n_mentions, n_stories FROM canonical_events",
    "stories": "SELECT story_id, n_articles FROM stories",
}


def snapshot(db: Path) -> dict[str, list]:
    with Store.open(db, read_only=True) as store:
        return {name: sorted(store.con.execute(sql).fetchall(), key=repr)
                for name, sql in TABLES.items()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    synthetic.write_jsonl(folder / "parts", 240, seed=11, words=120, per_file=60)
    (folder / "parts" / "broken.jsonl").write_text('{"text": "fine line about China."}\n'
                                                    "{not json\n", encoding="utf-8")
    (folder / "parts" / "loop").symlink_to(folder / "parts")  # a folder loop: one Failure
    return folder / "parts"


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("ref") / "single.duckdb"
    report = process([str(corpus)], db, Settings())
    assert report.n_stored == 241 and report.n_failed == 2
    return snapshot(db)


def test_local_cluster_gives_the_same_rows(corpus, reference, tmp_path):
    db = tmp_path / "dask.duckdb"
    dashboards: list[str] = []
    report = scale.run([str(corpus)], db, Settings(), scheduler="local", workers=2,
                       docs_per_shard=50, on_dashboard=dashboards.append)
    assert report.n_stored == 241 and report.n_failed == 2
    lines = {Path(f.path).name: f.line for f in report.failures}
    assert lines["broken.jsonl"] == 2  # the file's own line number survives sharding
    assert "loop" in lines  # folder-walk problems are recorded on the driver
    assert dashboards and dashboards[0].startswith("http")
    assert snapshot(db) == reference
    assert reference["events"], "the corpus must produce events for this test to mean anything"


def test_units_seek_to_their_lines(tmp_path):
    """Each JSONL unit starts reading at its recorded byte offset and still
    numbers lines as in the file: the units together give every record once."""
    path = tmp_path / "big.jsonl"
    lines = [json.dumps({"text": f"Article number {i} about Ulsan port, \u00e9t\u00e9 {i}."})
             for i in range(1, 24)]
    lines[6] = "{broken"
    lines[10] = ""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shards = scale.plan([str(path)], Settings(), docs_per_shard=5, lines_per_unit=5)
    units = [u for s in shards for u in s.units]
    assert [u.first_line for u in units] == [1, 6, 11, 16, 21]
    assert all(u.offset > 0 for u in units[1:])
    got = [(type(x).__name__, x.source_line if hasattr(x, "source_line") else x.line)
           for u in units for x in scale.read_unit(u)]
    want = [(type(x).__name__, x.source_line if hasattr(x, "source_line") else x.line)
            for x in readers.read_jsonl(path)]
    assert got == want and ("Failure", 7) in got and len(got) == 22


def test_process_pool_gives_the_same_rows(corpus, reference, tmp_path):
    """pipeline.process with n_process=2 (spawned workers, one spaCy batch
    per task, results written in input order) stores what one process does."""
    db = tmp_path / "pool.duckdb"
    report = process([str(corpus)], db, Settings(n_process=2, batch_size=16))
    assert report.n_stored == 241 and report.n_failed == 2
    assert snapshot(db) == reference


def test_rerun_codes_nothing_and_adds_nothing(corpus, reference, tmp_path):
    db = tmp_path / "again.duckdb"
    first = scale.run([str(corpus)], db, Settings(), scheduler="processes", workers=2,
                      docs_per_shard=80)
    shards = sorted(p.name for p in Path(f"{db}.shards").iterdir())
    second = scale.run([str(corpus)], db, Settings(), scheduler="processes", workers=2,
                       docs_per_shard=80)
    assert first.n_stored == 241 and second.n_stored == 0 and second.n_read == 0
    assert sorted(p.name for p in Path(f"{db}.shards").iterdir()) == shards
    assert snapshot(db) == reference


KILL_SCRIPT = """
import sys
from dyadwatch import scale
from dyadwatch.config import Settings
if __name__ == "__main__":
    scale.run([sys.argv[1]], sys.argv[2], Settings(), scheduler="processes", workers=2,
              docs_per_shard=30)
"""


def test_killed_run_resumes_to_the_same_rows(corpus, reference, tmp_path):
    db = tmp_path / "killed.duckdb"
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(corpus), str(db)],
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    shard_dir = Path(f"{db}.shards")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        done = [p for p in shard_dir.glob("*") if not p.name.startswith(".")] \
            if shard_dir.is_dir() else []
        if len(done) >= 2:
            break
        time.sleep(0.2)
    killed = proc.poll() is None
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert killed, "the run finished before it could be killed; make the corpus larger"
    scale.run([str(corpus)], db, Settings(), scheduler="processes", workers=2, docs_per_shard=30)
    assert snapshot(db) == reference
