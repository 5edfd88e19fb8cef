"""The store on real DuckDB files: bulk writes, idempotence, transactions,
and clear errors for a locked or unwritable file."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from dyadwatch.errors import StoreError, StoreLockedError, StoreReadOnlyError
from dyadwatch.store.db import Store, results_to_arrow
from dyadwatch.types import Actor, Article, DocResult, Event, Failure, Mention, Sentence

CHN = Actor("CHNGOV", "CHN", "GOV", "China")
PRK = Actor("PRK", "PRK", None, "North Korea")


def make_result(n: int, text: str | None = None) -> DocResult:
    text = text or f"China urged North Korea to return to talks, story {n}."
    art = Article(id=f"a{n:04d}", text=text, date=dt.date(2024, 1, 1 + n % 28), title=f"T{n}")
    sent = Sentence(art.id, 0, text, 0, len(text))
    ev = Event(id=f"e{n:04d}", article_id=art.id, sentence_index=0, sentence=text,
               trigger="urged", trigger_start=6, trigger_end=11, plover="REQUEST", cameo="020",
               goldstein=-2.0, quad_class=3, source=CHN, target=PRK, date=art.date,
               date_source="article")
    m = Mention("China", 0, 5, 0, 1, 0, CHN)
    return DocResult(art, (sent,), (m,), (ev,), (), (1, 2, 3))


def counts(store: Store) -> dict[str, int]:
    return {t: store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "sentences", "actors", "events", "article_minhash")}


def test_write_is_bulk_and_idempotent(db_path):
    with Store.open(db_path) as store:
        rep = store.write([make_result(i) for i in range(10)])
        assert len(rep.stored) == 10 and rep.n_events == 10
        again = store.write([make_result(i) for i in range(12)])
        assert again.stored == ("a0010", "a0011")
        assert len(again.duplicates) == 10
        assert counts(store) == {"articles": 12, "sentences": 12, "actors": 12, "events": 12,
                                 "article_minhash": 12}


def test_same_article_twice_in_one_batch_is_stored_once(db_path):
    with Store.open(db_path) as store:
        rep = store.write([make_result(1), make_result(1)])
        assert rep.stored == ("a0001",) and rep.duplicates == ("a0001",)
        assert counts(store)["events"] == 1


def test_write_keeps_nulls_types_and_the_thread_setting(db_path):
    """Rows become Arrow columns in one conversion (nulls and dates kept), and
    the appends' single DuckDB thread is the caller's setting again afterwards."""
    undated = make_result(1)
    undated = DocResult(Article(id="u1", text=undated.article.text), undated.sentences, (),
                        (), (), ())
    tables = results_to_arrow([make_result(0), undated])
    art = tables["articles"]
    assert art.column("date").to_pylist() == [dt.date(2024, 1, 1), None]
    assert art.column("title").to_pylist() == ["T0", None]
    assert tables["events"].column("goldstein").to_pylist() == [-2.0]
    with Store.open(db_path) as store:
        store.con.execute("SET threads = 3")
        store.write_tables(tables)
        assert store.con.execute("SELECT current_setting('threads')").fetchone() == (3,)
        assert counts(store)["articles"] == 2


def test_reloading_the_same_tables_is_a_no_op(db_path):
    tables = results_to_arrow([make_result(i) for i in range(5)])
    with Store.open(db_path) as store:
        store.write_tables(tables)
        store.write_tables(tables)
        assert counts(store)["events"] == 5


def test_a_bounded_cache_holds_inside_its_block_only(db_path):
    """Writes inside `cache_bound` go through under a small bound, which is
    DuckDB's default again afterwards, also when the block fails."""
    def limit(store: Store) -> str:
        return store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    with Store.open(db_path) as store:
        default = limit(store)
        with store.cache_bound("16MB"):
            assert limit(store) != default
            store.write([make_result(i) for i in range(50)])
        assert limit(store) == default
        with pytest.raises(RuntimeError), store.cache_bound("16MB"):
            raise RuntimeError("the block fails")
        assert limit(store) == default
        assert counts(store)["events"] == 50


def test_failed_transaction_leaves_nothing_half_written(db_path):
    good = make_result(1)
    bad_event = Event(**{**{f: getattr(good.events[0], f) for f in good.events[0].__slots__},
                         "plover": None})  # NOT NULL violation in events
    bad = DocResult(good.article, good.sentences, good.mentions, (bad_event,))
    with Store.open(db_path) as store:
        with pytest.raises(StoreError):
            store.write([bad])
        assert counts(store) == {t: 0 for t in counts(store)}
        store.write([good])  # the connection is usable after the rollback
        assert counts(store)["events"] == 1


def test_failures_are_recorded(db_path):
    with Store.open(db_path) as store:
        store.record_failures([Failure("in.jsonl", "not JSON", line=3, code="E103")], "run1")
        row = store.con.execute("SELECT path, line, code, reason, run_id FROM errors").fetchone()
    assert row == ("in.jsonl", 3, "E103", "not JSON", "run1")


def test_second_writer_gets_a_clear_lock_error(db_path):
    with Store.open(db_path):
        code = ("from dyadwatch.store.db import Store\n"
                "from dyadwatch.errors import StoreLockedError\n"
                f"try:\n    Store.open({str(db_path)!r})\n"
                "except StoreLockedError as e:\n    print('LOCKED', e)\n")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60)
    assert "LOCKED" in out.stdout, out.stderr
    assert "held for writing by process" in out.stdout and "/api/" in out.stdout


def test_read_only_open_of_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="dyadwatch ingest"):
        Store.open(tmp_path / "missing.duckdb", read_only=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_unwritable_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    with pytest.raises((StoreReadOnlyError, StoreError)):
        Store.open(folder / "x.duckdb")


def test_not_a_database_file(tmp_path):
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("these are notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="DuckDB"):
        Store.open(bogus)
    assert StoreLockedError.code != StoreError.code


def test_files_from_before_a_schema_change_are_migrated(db_path):
    import duckdb

    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE canonical_events (id VARCHAR PRIMARY KEY, source VARCHAR, "
                "source_country VARCHAR, target VARCHAR, target_country VARCHAR, "
                "plover VARCHAR NOT NULL, cameo VARCHAR, goldstein DOUBLE, quad_class TINYINT, "
                "date DATE, n_mentions INTEGER NOT NULL, n_stories INTEGER NOT NULL, "
                "n_articles INTEGER NOT NULL, first_event_id VARCHAR NOT NULL, "
                "confidence DOUBLE)")
    con.close()
    with Store.open(db_path) as store:
        cols = {r[0] for r in store.con.execute("DESCRIBE canonical_events").fetchall()}
    assert "modality" in cols


def test_a_row_that_does_not_match_the_declared_columns_is_refused():
    from dyadwatch.store.rows import rows_to_arrow
    from dyadwatch.store.schema import TABLE

    row = {c.name: None for c in TABLE["sentences"].written}
    row.update(article_id="a", idx=0, text="x", start_char=0, end_char=1)
    assert rows_to_arrow("sentences", [row]).column_names == list(TABLE["sentences"].names)
    with pytest.raises(StoreError, match=r"missing \['end_char'\]"):
        rows_to_arrow("sentences", [{k: v for k, v in row.items() if k != "end_char"}])
    with pytest.raises(StoreError, match=r"undeclared \['colour'\]"):
        rows_to_arrow("sentences", [{**row, "colour": "red"}])


def test_every_declared_column_missing_from_an_old_file_is_added(db_path):
    """A file whose events table predates some columns gets each of them
    (with its default) on open, and keeps its rows."""
    import duckdb

    from dyadwatch.store.schema import TABLE

    con = duckdb.connect(str(db_path))
    con.execute("CREATE TABLE events (id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL, "
                "plover VARCHAR NOT NULL)")
    con.execute("INSERT INTO events VALUES ('e1', 'a1', 'AGREE')")
    con.close()
    with Store.open(db_path) as store:
        cols = [r[0] for r in store.con.execute("DESCRIBE events").fetchall()]
        row = store.con.execute("SELECT id, negated, modality FROM events").fetchall()
        n_factual = store.con.execute("SELECT count(*) FROM factual_events").fetchone()[0]
    assert set(cols) == set(TABLE["events"].names)
    assert row == [("e1", False, "asserted")] and n_factual == 1


def test_writer_builds_arrow_tables_without_importing_pandas(tmp_path):
    """Writing a batch and grouping stories must not load pandas (pyarrow's
    list conversion and `to_numpy` import it: 54 MB in every ingest), and
    pyarrow's own pandas functions must still work afterwards."""
    code = (
        "import sys, dataclasses\n"
        f"sys.path.insert(0, {os.path.dirname(__file__)!r})\n"
        "from test_store import make_result\n"
        "from dyadwatch.config import Settings\n"
        "from dyadwatch.store import dedup\n"
        "from dyadwatch.store.db import Store\n"
        "perm = Settings().minhash_perm\n"
        "results = [dataclasses.replace(make_result(i), minhash=tuple(range(i, i + perm)))\n"
        "           for i in range(5)]\n"
        "with Store.open(sys.argv[1]) as store:\n"
        "    store.write(results)\n"
        "    report = dedup.update(store.con, Settings())\n"
        "print(report.articles, 'pandas' in sys.modules)\n"
        "import pyarrow as pa\n"
        "print(type(pa.table({'x': pa.array([1], pa.int8())}).to_pandas()).__name__)\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "w.duckdb")],
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["5", "False", "DataFrame"], out.stderr
