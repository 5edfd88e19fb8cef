"""Property: arbitrary JSON values and byte strings in every field of every
reader, in `code`, and in POST /api/articles never abort anything: each
record is stored or recorded as an error naming its file and line, and the
server never answers 5xx.

Generated values include lone surrogates, NULs and control characters,
integers of thousands of digits, deep nesting and invalid UTF-8. Example
counts are kept small: each stored example runs the real model.
"""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyadwatch.coding.pipeline import Pipeline, process
from dyadwatch.config import Settings
from dyadwatch.sources import ingest, sanitize
from dyadwatch.store.db import Store
from dyadwatch.types import Article, Failure

from live_api import auth

FIELDS = ("id", "text", "title", "date", "url", "outlet", "byline", "author")
#: Any code point, lone surrogates included (hypothesis leaves them out by default).
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
TEXT = st.text(ANY_CHAR, max_size=60)
SCALAR = (st.none() | st.booleans() | st.floats(allow_nan=True) | TEXT
          | st.integers(min_value=-(10 ** 30), max_value=10 ** 30)
          | st.integers(min_value=1, max_value=6000).map(lambda n: int("7" * min(n, 4000))))
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)
#: A field: a plausible value, an arbitrary JSON value, or (for text) real words.
WORDS = st.sampled_from(["Chile thanked Peru on Monday.", "Kenya accused Uganda of raids.",
                         "Norway met Sweden in Oslo on Friday."])
RECORD = st.fixed_dictionaries({}, optional={f: JSON | WORDS for f in FIELDS})
#: One line of a JSON Lines file: a record, any JSON value, or raw bytes.
LINE = (RECORD.map(lambda r: json.dumps(r, ensure_ascii=True).encode())
        | JSON.map(lambda v: json.dumps(v, ensure_ascii=True).encode())
        | st.binary(max_size=200).map(lambda b: b.replace(b"\n", b" "))
        | st.integers(1, 200_000).map(lambda n: b"[" * n))
SLOW = settings(max_examples=20, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def pipeline(nlp) -> Pipeline:
    return Pipeline(Settings())


def _clean(item: Article | Failure) -> bool:
    values = [getattr(item, f, None) for f in ("text", "title", "outlet", "byline", "url",
                                                "doc_id", "reason", "path", "source_path")]
    return all(v is None or v == sanitize.clean_text(v) for v in values)


@SLOW
@given(lines=st.lists(LINE, min_size=1, max_size=6))
def test_every_line_of_a_jsonl_file_is_stored_or_an_error_row(tmp_path_factory, pipeline,
                                                              lines):
    folder = tmp_path_factory.mktemp("prop")
    path = folder / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = list(ingest.read_paths([path]))
    assert all(_clean(i) for i in items)
    numbered = {n for n, line in enumerate(lines, 1) if line.strip()}
    seen = {i.source_line if isinstance(i, Article) else i.line for i in items}
    assert seen == numbered, (seen, numbered)
    assert all(isinstance(i, Article) or (i.path == str(path) and i.line) for i in items)
    db = folder / "p.duckdb"
    report = process(items, db, pipeline=pipeline)
    assert report.n_stored + report.n_duplicate + report.n_failed == len(items)
    with Store.open(db, read_only=True) as store:
        stored = store.con.execute("SELECT count(*) FROM articles").fetchone()[0]
        errors = store.con.execute("SELECT path, line FROM errors").fetchall()
    assert stored == report.n_stored and len(errors) == report.n_failed
    assert all(p == str(path) and line for p, line in errors)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000) | JSON.map(lambda v: json.dumps(v).encode()),
       suffix=st.sampled_from([".txt", ".html", ".json", ".rss", ".md", ""]))
def test_every_other_reader_answers_with_clean_articles_or_failures(tmp_path_factory, data,
                                                                    suffix):
    path = tmp_path_factory.mktemp("prop") / f"doc{suffix}"
    path.write_bytes(data)
    items = list(ingest.read_paths([path]))
    assert items and all(isinstance(i, (Article, Failure)) and _clean(i) for i in items)
    assert all(isinstance(i, Article) or i.path == str(path) for i in items)


@SLOW
@given(lines=st.lists(LINE, min_size=1, max_size=5))
def test_code_reports_or_codes_every_line(tmp_path_factory, pipeline, lines):
    """What `dyadwatch code` runs: its reader and the coder, with skips collected."""
    from dyadwatch.analysis.evaluate import code_numbered
    from dyadwatch.cli import _read_jsonl

    path = tmp_path_factory.mktemp("prop") / "code.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    skipped: list[int] = []
    coded = 0
    for out in code_numbered(_read_jsonl(path, lambda n, why: skipped.append(n)), pipeline,
                             on_skip=lambda n, why: skipped.append(n)):
        json.dumps(out, ensure_ascii=False, default=str).encode("utf-8")
        coded += 1
    assert all(skipped)
    assert coded + len(skipped) == sum(1 for line in lines if line.strip())


#: The conftest `live` server of this module takes bodies of up to 2 MB.
LIVE_SETTINGS = {"max_body_bytes": 2_000_000}


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=st.lists(RECORD, min_size=1, max_size=3).map(
           lambda v: json.dumps(v, ensure_ascii=True).encode())
       | JSON.map(lambda v: json.dumps(v, ensure_ascii=True).encode())
       | st.binary(max_size=300) | st.integers(1, 200_000).map(lambda n: b"[" * n))
def test_post_articles_never_answers_5xx(live, body):
    r = httpx.post(f"{live.url}/api/articles", content=body, timeout=300,
                   headers={**auth(), "Content-Type": "application/json"})
    assert r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/json")
    if r.status_code == 200:
        res = r.json()
        data = json.loads(body)
        sent = len(data) if isinstance(data, list) else 1
        assert res["n_stored"] + res["n_duplicate"] + res["n_failed"] == sent
    else:
        assert set(r.json()) == {"error"}
