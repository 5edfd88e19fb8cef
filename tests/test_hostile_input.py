"""Hostile records at the input boundary (sources/sanitize.py): lone
surrogates, NULs, control characters, oversize fields, numbers too long for
Python's int, JSON nested too deep, byte-order marks and UTF-16, mixed
encodings, duplicate ids and a database kept inside the corpus folder.

Every test ingests into a real DuckDB file with the real model, or runs the
real `dyadwatch code` command, and checks that one bad record is one error
row with its file and line while every good record is stored.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dyadwatch.coding.pipeline import Pipeline, process
from dyadwatch.config import Settings
from dyadwatch.sources import ingest, sanitize
from dyadwatch.errors import FormatError
from dyadwatch.store.db import Store
from dyadwatch.types import Article

CLI = [sys.executable, "-m", "dyadwatch.cli"]
GOOD = [
    "Lithuania urged Poland to reopen the border crossing on Tuesday.",
    "Chile thanked Peru for returning the fishing crews on Sunday.",
    "Kenya accused Somalia of shelling a border post on Friday.",
]


@pytest.fixture(scope="module")
def pipeline(nlp) -> Pipeline:
    return Pipeline(Settings())


def rows(db: Path, sql: str) -> list[tuple]:
    with Store.open(db, read_only=True) as store:
        return store.con.execute(sql).fetchall()


def hostile_lines() -> list[str]:
    """Good records between bad ones; lines 2, 4 and 6 are good."""
    return [
        '{"id": "s1", "title": "\\udfff", "text": "' + GOOD[0] + '"}',           # stored, U+FFFD
        '{"id": ' + "9" * 4400 + ', "text": "Some text."}',                  # too many digits
        '{"id": "s3\\ud800", "outlet": "Wire\\u0000\\u0007", "text": "' + GOOD[1] + '"}',
        "[" * 100_000,                                                           # too deep
        '{"id": "s5", "title": "' + "x" * 5000 + '", "text": "Norway met Sweden."}',
        '{"id": "s6", "text": "' + GOOD[2] + '", "n": ' + "7" * 5000 + "}",       # number
    ]


def test_lone_surrogates_and_huge_fields_fail_alone_and_rerun_adds_nothing(tmp_path, pipeline):
    src = tmp_path / "hostile.jsonl"
    src.write_text("\n".join(hostile_lines()) + "\n", encoding="utf-8", errors="surrogatepass")
    db = tmp_path / "h.duckdb"
    report = process([str(src)], db, pipeline=pipeline)
    assert report.n_stored == 2
    titles = dict(rows(db, "SELECT doc_id, title FROM articles"))
    assert titles == {"s1": "\ufffd", "s3\ufffd": None}
    assert rows(db, "SELECT outlet FROM articles WHERE doc_id = 's3\ufffd'") == [("Wire",)]
    errors = rows(db, "SELECT path, line, code, reason FROM errors ORDER BY line")
    assert [(Path(p).name, line, code) for p, line, code, _ in errors] == [
        ("hostile.jsonl", 2, "E154"), ("hostile.jsonl", 4, "E153"),
        ("hostile.jsonl", 5, "E150"), ("hostile.jsonl", 6, "E154")]
    assert "4,400 digits" in errors[0][3] and "nested too deeply" in errors[1][3]
    assert 'field "title"' in errors[2][3]
    before = {t: rows(db, f"SELECT count(*) FROM {t}") for t in ("articles", "errors", "events")}
    again = process([str(src)], db, pipeline=pipeline)
    assert again.n_stored == 0
    assert {t: rows(db, f"SELECT count(*) FROM {t}") for t in before} == before


def test_every_reader_passes_the_sanitiser(tmp_path):
    """Plain text, HTML metadata and a feed, each holding NULs and controls."""
    (tmp_path / "a.txt").write_bytes(b"Ghana praised Togo\x00 for the\x07 vote on Monday.\n")
    (tmp_path / "b.html").write_bytes(
        b"<html><head><title>Mali\x01 and Niger</title></head><body><article><p>Mali "
        b"thanked Niger\x0b for the grain shipment on Monday, officials said in a long "
        b"statement about the harvest.</p></article></body></html>")
    (tmp_path / "c.rss").write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire&#1;</title><item>'
        b"<title>Peru\x1b and Chile</title><description>Peru met Chile on Monday.</description>"
        b"</item></channel></rss>")
    items = list(ingest.read_paths([tmp_path]))
    for item in items:
        for value in (getattr(item, f, None) for f in ("text", "title", "outlet", "reason")):
            assert value is None or value == sanitize.clean_text(value), item
    assert sum(isinstance(i, Article) for i in items) >= 2


def test_parse_json_turns_every_decoding_failure_into_a_format_error():
    for bad in (b"\xff{}", "[" * 100_000, '{"a": ' + "1" * 300 + "}", "{", '"\\x"'):
        with pytest.raises(FormatError):
            sanitize.parse_json(bad, path="x", line=3)
    assert sanitize.parse_json("\ufeff[1]") == [1]
    assert sanitize.clean_value({"k\udfff": ["a\x00b", 1]}) == {"k\ufffd": ["ab", 1]}


def test_code_skips_bad_lines_with_file_and_line_and_reads_bom_and_utf16(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\xef\xbb\xbf" + "\n".join(hostile_lines()).encode("utf-8", "surrogatepass"))
    u16 = tmp_path / "u16.jsonl"
    u16.write_text(json.dumps({"id": "w1", "text": GOOD[0], "date": "2024-03-05"}) + "\n",
                   encoding="utf-16")
    out = subprocess.run([*CLI, "code", str(bad)], capture_output=True, timeout=600)
    assert out.returncode == 0, out.stderr
    err = out.stderr.decode()
    assert "Traceback" not in err
    for n in (2, 4, 5, 6):
        assert f"skipped {bad}:{n}: " in err.replace("\n", "")
    coded = [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]
    assert [r["id"] for r in coded] == ["s1", "s3\ufffd"]
    out = subprocess.run([*CLI, "code", str(u16)], capture_output=True, timeout=600)
    assert out.returncode == 0 and not out.stderr, out.stderr
    [rec] = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert rec["id"] == "w1" and rec["events"]


def test_a_file_mixing_utf8_and_cp1252_keeps_its_utf8_lines(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes("Zürich hosted Łódź officials on Monday.\n".encode("utf-8")
                     + "Café owners in Genève met on Tuesday.\n".encode("cp1252"))
    [article] = list(ingest.read_paths([path]))
    assert "Zürich hosted Łódź" in article.text and "Café owners in Genève" in article.text


def test_duplicate_ids_in_one_file_are_an_error_row_for_the_later_record(tmp_path, pipeline):
    src = tmp_path / "dup.jsonl"
    src.write_text("\n".join(json.dumps({"id": "d1", "text": t}) for t in
                             (GOOD[0], GOOD[0], GOOD[1])) + "\n")
    db = tmp_path / "d.duckdb"
    report = process([str(src)], db, pipeline=pipeline)
    assert report.n_stored == 1
    [(line, reason)] = rows(db, "SELECT line, reason FROM errors")
    assert line == 3 and "already used on line 1" in reason


def test_a_folder_holding_the_database_skips_it_and_its_wal(tmp_path, pipeline):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "one.txt").write_text(GOOD[0])
    db = corpus / "store.duckdb"
    process([str(corpus)], db, pipeline=pipeline)
    (corpus / "two.txt").write_text(GOOD[1])
    (corpus / "old.duckdb.wal").write_bytes(b"\x00\x01wal bytes")
    (corpus / "copy.bin").write_bytes(db.read_bytes())
    report = process([str(corpus)], db, pipeline=pipeline)
    assert report.n_failed == 0 and report.n_stored == 1
    assert rows(db, "SELECT count(*) FROM errors") == [(0,)]
