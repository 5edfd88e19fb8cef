"""A damaged database file (bytes overwritten in its header or data blocks,
or cut to half its size) is one coded line, E303, that says the file is
damaged and how to recover: never a traceback, never "check that the file
is writable" (E302)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dyadwatch.coding.pipeline import Pipeline, process
from dyadwatch.config import Settings
from dyadwatch.sources import records as readers

CLI = [sys.executable, "-m", "dyadwatch.cli"]
TEXTS = [
    "Estonia accused Latvia of closing the ferry route on Monday.",
    "Portugal thanked Spain for fighting the fires near the border on Tuesday.",
    "Morocco and Tunisia signed a fisheries agreement in Rabat on Wednesday.",
] * 20


@pytest.fixture(scope="module")
def good_db(tmp_path_factory, nlp) -> Path:
    db = tmp_path_factory.mktemp("corrupt") / "good.duckdb"
    records = [{"id": f"c{i}", "date": f"2023-0{1 + i % 9}-1{i % 10}", "text": f"{t} Item {i}."}
               for i, t in enumerate(TEXTS)]
    process(list(readers.read_records(records, "fixture")), db, pipeline=Pipeline(Settings()))
    return db


def damage(good: Path, dest: Path, how: str) -> Path:
    shutil.copy(good, dest)
    size = dest.stat().st_size
    rng = random.Random(how)
    if how == "truncated":
        os.truncate(dest, size // 2)
        return dest
    offsets = [4096] if how == "header" else range(3 * 262_144 + 4096, size, 262_144)
    with open(dest, "r+b") as fh:
        for offset in offsets:
            fh.seek(offset)
            fh.write(bytes(rng.randrange(256) for _ in range(8192)))
    return dest


@pytest.mark.parametrize("how", ["truncated", "blocks", "header"])
def test_a_damaged_file_is_one_coded_line_with_the_way_out(good_db, tmp_path, how):
    db = damage(good_db, tmp_path / f"{how}.duckdb", how)
    commands = [["stats"], ["export", str(tmp_path / "out.csv")]]
    if how == "blocks":
        corpus = tmp_path / "more.txt"
        corpus.write_text("Greece and Cyprus held talks in Athens on Monday.")
        commands.append(["ingest", str(corpus)])
    for command in commands:
        out = subprocess.run([*CLI, *command, "--db", str(db)], capture_output=True, text=True,
                             timeout=300)
        assert out.returncode == 1, (command, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr and "[E302]" not in out.stderr, out.stderr
        assert "[E303]" in out.stderr and "is damaged" in out.stderr, out.stderr
        assert "backup" in out.stderr and "dyadwatch export" in out.stderr


def test_the_store_raises_the_coded_error_in_python(good_db, tmp_path):
    from dyadwatch.errors import StoreCorruptError
    from dyadwatch.store.damage import guarded
    from dyadwatch.store.db import Store

    db = damage(good_db, tmp_path / "py.duckdb", "blocks")
    with pytest.raises(StoreCorruptError, match="is damaged"):
        with guarded(str(db)), Store.open(db, read_only=True) as store:
            store.con.execute("SELECT * FROM sentences").fetchall()
            store.con.execute("SELECT * FROM events").fetchall()
            store.con.execute("SELECT * FROM articles").fetchall()
