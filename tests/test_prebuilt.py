"""Prebuilt coder tables (prebuilt.py) and the phrase table that replaced the
actor coder's PhraseMatcher (coding/phrases.py)."""

from __future__ import annotations

import pickle
import shutil

import pytest

from dyadwatch import prebuilt
from dyadwatch.config import data_dir
from dyadwatch.coding.actors import ActorCoder
from dyadwatch.coding.ontology import Ontology
from dyadwatch.coding.phrases import PhraseTable


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DYADWATCH_CACHE_DIR", str(folder))
    return folder


def test_built_once_then_read_back_without_the_tables(cache, monkeypatch):
    built = Ontology.from_package()
    files = list(cache.glob("ontology-*.pkl"))
    assert len(files) == 1

    def no_tables(path):
        raise AssertionError("the tables were read again")

    monkeypatch.setattr(Ontology, "from_file", no_tables)
    again = Ontology.from_package()
    assert again == built and again is not built


def test_an_edited_table_makes_a_new_key(cache, tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    monkeypatch.setenv("DYADWATCH_DATA_DIR", str(folder))
    before = prebuilt.key("ontology")
    Ontology.from_package()
    with open(folder / "ontology.yaml", "a", encoding="utf-8") as f:
        f.write("\n# an edit\n")
    assert prebuilt.key("ontology") != before
    Ontology.from_package()
    assert len(list(cache.glob("ontology-*.pkl"))) == 2


def test_only_the_newest_builds_of_an_object_are_kept(cache):
    import os

    cache.mkdir()
    for age, stale in enumerate(("a" * 24, "b" * 24, "c" * 24, "d" * 24), start=1):
        old = cache / f"ontology-{stale}.pkl"
        old.write_bytes(b"an earlier build")
        os.utime(old, (1_000_000 - age, 1_000_000 - age))  # a is the newest of them
    (cache / "gazetteer-zzz.pkl").write_bytes(b"another object's build")
    Ontology.from_package()
    kept = sorted(p.name for p in cache.glob("ontology-*.pkl"))
    assert kept == sorted([f"ontology-{prebuilt.key('ontology')}.pkl",
                           f"ontology-{'a' * 24}.pkl", f"ontology-{'b' * 24}.pkl"])
    assert (cache / "gazetteer-zzz.pkl").exists()


def test_an_unwritable_cache_only_means_building(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("DYADWATCH_CACHE_DIR", str(blocker / "dyadwatch"))
    assert "ASSAULT" in Ontology.from_package().plover


def test_a_corrupt_file_is_rebuilt_and_replaced(cache):
    cache.mkdir()
    path = cache / f"ontology-{prebuilt.key('ontology')}.pkl"
    path.write_bytes(b"not a pickle")
    assert "ASSAULT" in Ontology.from_package().plover
    assert isinstance(pickle.loads(path.read_bytes()), Ontology)


def test_phrase_table_finds_what_the_phrase_matcher_finds(nlp, cache):
    import spacy
    from spacy.matcher import PhraseMatcher

    coder = ActorCoder.from_package()
    blank = spacy.blank("en")
    matcher = PhraseMatcher(blank.vocab, attr="LOWER")
    for key, entries in coder.tables.index.items():
        matcher.add(key, [blank.make_doc(e.surface) for e in entries])
    doc = nlp("The U.S. State Department and the Chinese Foreign Ministry met in Seoul. "
              "South Korea's president said North Korean troops had crossed; the United "
              "Nations and the european union urged calm, as did Russia.")
    expected = sorted((blank.vocab.strings[k], s, e) for k, s, e in matcher(doc))
    found = sorted(coder.pieces.surfaces.matches(doc))
    assert len(found) > 5 and found == expected


def test_phrase_table_overlaps_and_longest_walk():
    import spacy

    table = PhraseTable.build([("new york", ["new", "york"]), ("york", ["york"]),
                               ("new york city", ["new", "york", "city"])])
    doc = spacy.blank("en")("I left New York City for York.")
    assert list(table.matches(doc)) == [("new york", 2, 4), ("new york city", 2, 5),
                                         ("york", 3, 4), ("york", 6, 7)]


def test_code_loads_no_store_and_exits_without_a_leak_report(tmp_path):
    """`code` writes no database: it must not import duckdb or pyarrow (a tenth
    of a CPU-second of every start), and its exit, which freezes the
    collector instead of collecting everything, must not print DuckDB's leak
    report. The output is the coded record."""
    import json
    import subprocess
    import sys

    record = tmp_path / "one.jsonl"
    record.write_text(json.dumps({"id": "r1", "date": "2024-03-01", "text": (
        "The Japanese foreign minister met her South Korean counterpart in Seoul on Friday.")})
        + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print(sorted(m for m in ('duckdb', 'pyarrow') "
             "if m in sys.modules)))\n"
             f"sys.argv = ['dyadwatch', 'code', {str(record)!r}, '-o', {str(out)!r}]\n"
             "from dyadwatch.cli import main\n"
             "main()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert "leak" not in done.stderr
    (coded,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert coded["id"] == "r1" and coded["events"]
