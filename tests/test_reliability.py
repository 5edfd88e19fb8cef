"""Reliability: hostile input, kill -9, a full disk, read-only files and two
writers at once lose nothing and duplicate nothing.

Everything here is real: the spaCy model (through the pipeline, loaded once
per process by `nlp.load`), DuckDB files, the `dyadwatch` console script in
subprocesses, and tmpfs mounts for a tiny or read-only file system (those
need root, which CI has; elsewhere they are skipped with the reason).

The reference for "the rows of an uninterrupted run" is one in-process run of
`pipeline.process` over a synthetic corpus, built once per module; the kill
and concurrency tests compare whole-table snapshots against it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dyadwatch.coding import dates
from dyadwatch.sources.articles import article_from_text
from dyadwatch.coding import pipeline
from dyadwatch.coding.actors import ActorCoder
from dyadwatch.config import Settings
from dyadwatch.errors import DyadwatchError, StoreError, StoreReadOnlyError, error_class
from dyadwatch.store.db import Store
from dyadwatch.synthetic import articles as synthetic_articles
from dyadwatch.synthetic import write_jsonl
from dyadwatch.types import Actor

#: One setting for every run in this file, in-process and in subprocesses
#: (max_chars small so that the over-long text costs seconds, not minutes).
SETTINGS = Settings(batch_size=4, max_chars=20_000)
DYADWATCH = Path(sys.executable).with_name("dyadwatch")
N_KILL_CORPUS = 80  # short articles: a CLI run lasts several seconds, with many commits

# Columns that identify each row and carry its meaning; timestamps are left out.
SNAPSHOT = {
    "articles": "SELECT id, doc_id, title, date, source_path, source_line, n_sentences, "
                "story_id, md5(text) FROM articles",
    "article_minhash": "SELECT article_id, md5(signature::VARCHAR) FROM article_minhash",
    "sentences": "SELECT article_id, idx, start_char, end_char, md5(text) FROM sentences",
    "actors": "SELECT article_id, idx, sentence_idx, start_char, end_char, code, antecedent "
              "FROM actors",
    "events": "SELECT id, article_id, sentence_idx, trigger_start, trigger_end, plover, cameo, "
              "source, target, date, date_source, negated, modality, quote_id, geo_id, "
              "canonical_id FROM events",
    "quotes": "SELECT id, article_id, start_char, end_char, kind, speaker FROM quotes",
    "canonical_events": "SELECT id, source, target, plover, modality, date, n_mentions, "
                        "n_stories, n_articles, first_event_id FROM canonical_events",
    "stories": "SELECT story_id, n_articles, article_ids::VARCHAR FROM stories",
    "errors": "SELECT path, line, doc_id, code, reason FROM errors",
}
CHILD_TABLES = ("sentences", "actors", "events", "quotes", "article_minhash")


def subprocess_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DYADWATCH_")}
    env["DYADWATCH_MAX_CHARS"] = str(SETTINGS.max_chars)
    return env


def ingest_cmd(paths: list[Path], db: Path, *extra: str) -> list[str]:
    return [str(DYADWATCH), "ingest", *map(str, paths), "--db", str(db),
            "--batch-size", str(SETTINGS.batch_size), *extra]


def snapshot(con) -> dict[str, list[tuple]]:
    return {name: con.execute(sql + " ORDER BY ALL").fetchall() for name, sql in SNAPSHOT.items()}


def db_snapshot(path: Path) -> dict[str, list[tuple]]:
    with Store.open(path, read_only=True) as store:
        return snapshot(store.con)


def counts(con) -> dict[str, int]:
    tables = ("articles", "article_minhash", "sentences", "actors", "events", "quotes",
              "canonical_events", "errors", "runs")
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def assert_articles_whole(con) -> None:
    """Every row of a child table belongs to a stored article, and every
    stored article has all its sentences and its story signature."""
    for table in CHILD_TABLES:
        orphans = con.execute(f"SELECT count(*) FROM {table} WHERE article_id NOT IN "
                              "(SELECT id FROM articles)").fetchone()[0]
        assert orphans == 0, f"{orphans} rows of {table} without their article"
    partial = con.execute(
        "SELECT a.id, a.n_sentences, count(s.idx) FROM articles a "
        "LEFT JOIN sentences s ON s.article_id = a.id GROUP BY a.id, a.n_sentences "
        "HAVING a.n_sentences <> count(s.idx) OR a.n_sentences = 0").fetchall()
    assert partial == [], f"articles without all their sentences: {partial[:3]}"
    unsigned = con.execute("SELECT count(*) FROM articles WHERE id NOT IN "
                           "(SELECT article_id FROM article_minhash)").fetchone()[0]
    assert unsigned == 0


def wait_for(predicate, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def pipe() -> pipeline.Pipeline:
    return pipeline.Pipeline(SETTINGS).warm_up()


@pytest.fixture(scope="module")
def reference(pipe, tmp_path_factory):
    """A synthetic corpus with two bad lines, and the database of one
    uninterrupted in-process run over it: (corpus, db, snapshot, seconds)."""
    root = tmp_path_factory.mktemp("reference")
    corpus = root / "corpus.jsonl"
    write_jsonl(corpus, N_KILL_CORPUS, seed=11, words=40)
    with open(corpus, "a", encoding="utf-8") as fh:
        fh.write('{"id": "cut", "text": "The record ends in the middle\n')
        fh.write(json.dumps({"id": "far", "text": "Envoys met in Geneva.",
                             "date": "9999-01-01"}) + "\n")
    db = root / "reference.duckdb"
    started = time.perf_counter()
    report = pipeline.process([str(corpus)], db, SETTINGS, pipeline=pipe)
    seconds = time.perf_counter() - started
    assert report.n_stored == N_KILL_CORPUS and report.n_failed == 2
    snap = db_snapshot(db)
    assert len(snap["articles"]) == N_KILL_CORPUS and len(snap["events"]) > N_KILL_CORPUS
    assert [(Path(p).name, line) for p, line, *_ in snap["errors"]] == [
        ("corpus.jsonl", N_KILL_CORPUS + 1), ("corpus.jsonl", N_KILL_CORPUS + 2)]
    return corpus, db, snap, seconds


# --- 1. a hostile corpus in one batch -----------------------------------------------------

ACCENTS = "Later the envoy flew to São Paulo, where a café owner said the visit went well."
SCRIPTS = "<script>var tracking = 'evil payload';</script>"
PNG = "data:image/png;base64," + "iVBORw0KGgo" * 20_000


def story(n: int) -> str:
    """The text of a distinct good article (synthetic templates written for
    this project)."""
    return next(a for i, a in enumerate(synthetic_articles(n + 1, seed=23, words=80))
                if i == n)["text"]


def write_hostile_corpus(root: Path) -> tuple[dict[str, int], dict[str, set]]:
    """Good, tolerated and bad files mixed in one folder. Returns (stored:
    file name -> articles expected from it, failed: file name -> the lines
    expected in errors ({None} for a whole file))."""
    root.mkdir()
    (root / "good.txt").write_text(story(0), encoding="utf-8")
    (root / "latin1.txt").write_bytes(f"{story(1)}\n\n{ACCENTS}".encode("latin-1"))
    (root / "utf16.txt").write_bytes(f"{story(2)}\n\n{ACCENTS}".encode("utf-16-le"))
    (root / "truncated.txt").write_bytes(f"{story(3)} Both called it “constructive”".encode()[:-1])
    paragraphs = "".join(f"<p>{p}</p>" for p in story(4).split("\n\n"))
    (root / "scripts.html").write_text(
        f"<html><head>{SCRIPTS}<style>p {{color: red}}</style></head><body>"
        f"<img src='{PNG}'><article>{paragraphs}</article>"
        f"<script>document.write('evil')</script></body></html>", encoding="utf-8")
    (root / "year9999.txt").write_text(f"Envoys meet again\n\nJanuary 1, 9999\n\n{story(5)}",
                                       encoding="utf-8")
    long_text = "\n\n".join(r["text"] for r in synthetic_articles(450, seed=29, words=350))
    assert len(long_text) > 1_000_000  # longer than spaCy's default max_length
    (root / "long.txt").write_text(long_text, encoding="utf-8")
    lines = [
        json.dumps({"id": "r1", "text": story(6), "date": "2019-04-02"}),
        '{"id": "r2", "text": "unterminated',
        json.dumps({"id": "r3", "text": story(7), "date": "2020-06-15"}),
        json.dumps({"id": "r4", "text": 5}),
        json.dumps({"id": "r5", "text": story(10), "date": "9999-12-31"}),
        json.dumps({"id": "r6", "text": story(11), "date": "0001-01-01"}),
        "[1, 2]",
        json.dumps({"id": 8, "text": story(8)}),
        json.dumps({"id": "r9", "text": story(12), "title": ["not", "text"]}),
    ]
    (root / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "wrong.json").write_text(json.dumps({"text": ["a list"], "date": 5}),
                                     encoding="utf-8")
    first = story(9).split("\n\n")[0]
    (root / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<item><title>Kept</title><guid>k1</guid><description>{first}</description></item>"
        "<item><title>Cut &amp; broken</title><description>Half an", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.dat").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    (root / "punct.txt").write_text("!!! ... ??? --- *** ;;; ((( )))\n\n...", encoding="utf-8")
    (root / "nested.html").write_text("<html><body>" + "<div>" * 20_000 + "<p>Deep.</p>"
                                      + "</div>" * 20_000 + "</body></html>", encoding="utf-8")
    os.symlink("loop", root / "loop")                  # a link to itself
    (root / "sub").mkdir()
    os.symlink("..", root / "sub" / "up")              # a folder loop back to the corpus
    line = json.dumps({"text": "Seoul and Tokyo held talks. " * 1_900_000})
    assert len(line) > 50 * 2**20
    (root / "huge.jsonl").write_text(line, encoding="utf-8")    # one 50 MB line
    os.link(root / "huge.jsonl", root / "huge.txt")              # the same 50 MB as text
    stored = {"good.txt": 1, "latin1.txt": 1, "utf16.txt": 1, "truncated.txt": 1,
              "scripts.html": 1, "year9999.txt": 1, "long.txt": 1, "records.jsonl": 3,
              "feed.xml": 1}
    failed = {"records.jsonl": {2, 4, 5, 6, 7, 9}, "wrong.json": {1}, "empty.txt": {None},
              "binary.dat": {None}, "punct.txt": {None}, "nested.html": {None}, "loop": {None},
              "up": {None}, "huge.jsonl": {1}, "huge.txt": {None}}
    return stored, failed


@pytest.mark.slow
def test_hostile_corpus_in_one_batch_fails_alone_and_reruns_add_nothing(pipe, tmp_path):
    root = tmp_path / "corpus"
    stored, failed = write_hostile_corpus(root)
    db = tmp_path / "hostile.duckdb"
    report = pipeline.process([str(root)], db, SETTINGS, pipeline=pipe)

    with Store.open(db, read_only=True) as store:
        con = store.con
        assert_articles_whole(con)
        rows = con.execute("SELECT source_path, source_line, date, text, n_sentences "
                           "FROM articles").fetchall()
        errors = con.execute("SELECT path, line, code, reason FROM errors").fetchall()
        before = counts(con)
    by_file: dict[str, int] = {}
    for path, *_ in rows:
        by_file[Path(path).name] = by_file.get(Path(path).name, 0) + 1
    assert by_file == stored
    assert report.n_stored == sum(stored.values()) == len(rows)
    texts = {Path(p).name: (line, day, text, n) for p, line, day, text, n in rows}
    assert "São Paulo" in texts["latin1.txt"][2] and "café" in texts["utf16.txt"][2]
    assert texts["truncated.txt"][2].endswith("“constructive")
    html = texts["scripts.html"][2]
    assert "evil" not in html and "data:image" not in html and "tracking" not in html
    assert texts["year9999.txt"][1] is None  # an impossible dateline is dropped, not stored
    assert len(texts["long.txt"][2]) <= SETTINGS.max_chars and texts["long.txt"][3] > 50
    assert sorted(line for p, line, *_ in rows if p.endswith("records.jsonl")) == [1, 3, 8]

    got: dict[str, set] = {}
    for path, line, code, reason in errors:
        got.setdefault(Path(path).name, set()).add(line)
        assert code != "E900", f"internal error on {path}: {reason}"  # never a coder crash
        assert reason.strip()
    feed = got.pop("feed.xml")  # the break is reported; the cut entry may fail on its own too
    assert any("broken XML" in r for p, _, _, r in errors if p.endswith("feed.xml"))
    assert len(feed) >= 1
    assert got == failed
    assert report.n_failed == len(errors)
    assert {Path(p).parent for p, *_ in errors if Path(p).name != "up"} == {root}

    again = pipeline.process([str(root)], db, SETTINGS, pipeline=pipe)
    assert again.n_stored == 0 and again.n_duplicate == sum(stored.values())
    assert again.n_failed == report.n_failed
    with Store.open(db, read_only=True) as store:
        after = counts(store.con)
    assert after == {**before, "runs": before["runs"] + 1}  # only the run log grows


# --- 2. kill -9 at random points ----------------------------------------------------------

def wal_bytes(db: Path) -> int:
    wal = db.with_name(db.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def killed_run(cmd: list[str], db: Path, delay: float) -> int:
    """Start `cmd` in its own process group, wait until it has committed its
    first batch of articles (DuckDB's write-ahead log outgrows the schema),
    wait `delay` seconds more and SIGKILL the group. Returns the exit status
    (-9 when the kill landed, 0 when the run had finished first)."""
    proc = subprocess.Popen(cmd, start_new_session=True, env=subprocess_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: wal_bytes(db) > 50_000 or proc.poll() is not None)
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_at_a_random_point_then_rerun_gives_the_uninterrupted_rows(reference, tmp_path,
                                                                            seed):
    corpus, _, expected, seconds = reference
    db = tmp_path / "killed.duckdb"
    cmd = ingest_cmd([corpus], db, "--quiet")
    # After its first commit the CLI codes and writes for most of the time the
    # reference run took, then groups stories: a delay in [0, seconds / 2)
    # lands among the later commits or in the grouping. Should the machine be
    # faster than that, the delay is halved until the kill lands.
    delay = random.Random(seed).uniform(0.0, seconds / 2)
    for _ in range(4):
        status = killed_run(cmd, db, delay)
        if status == -signal.SIGKILL:
            break
        assert status == 0
        for path in db.parent.glob(db.name + "*"):
            path.unlink()
        delay /= 2
    assert status == -signal.SIGKILL, "every run finished before its kill"

    with Store.open(db) as store:  # opens (replaying DuckDB's WAL) and is consistent
        assert_articles_whole(store.con)
        partial = snapshot(store.con)
    stored = {row[0] for row in partial["articles"]}
    print(f"seed {seed}: killed {delay:.1f} s after the first commit, with "
          f"{len(stored)} of {N_KILL_CORPUS} articles stored")
    assert stored <= {row[0] for row in expected["articles"]}
    for table in ("sentences", "actors", "article_minhash"):  # each stored article is whole
        assert partial[table] == [r for r in expected[table] if r[0] in stored], table
    ref_events = {r[0]: r[:-1] for r in expected["events"]}  # canonical ids come at the end
    assert sorted(r[:-1] for r in partial["events"]) == sorted(
        ev for ev in ref_events.values() if ev[1] in stored)

    rerun = subprocess.run(cmd, env=subprocess_env(), capture_output=True, text=True,
                           timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert db_snapshot(db) == expected


# --- 3. a full disk and read-only databases -----------------------------------------------

@contextlib.contextmanager
def tmpfs(folder: Path, size: str):
    """A tmpfs of `size` mounted on `folder` (root only; skipped otherwise)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root and mount(8) (CI runs as root)")
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); needs CAP_SYS_ADMIN")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)]).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)])


def free_bytes(folder: Path) -> int:
    st = os.statvfs(folder)
    return st.f_bavail * st.f_frsize


@pytest.mark.slow
def test_full_disk_stops_the_run_cleanly_and_a_rerun_completes(pipe, reference, tmp_path):
    corpus, _, expected, _ = reference
    with tmpfs(tmp_path / "small", "16m") as small:
        db = small / "full.duckdb"
        Store.open(db).close()
        filler = small / "filler"
        filler.write_bytes(b"\0" * (free_bytes(small) - 250_000))  # room for two commits
        with pytest.raises(StoreReadOnlyError, match="disk full") as err:
            pipeline.process([str(corpus)], db, SETTINGS, pipeline=pipe)
        assert "run the same command again" in str(err.value)
        filler.unlink()
        with Store.open(db, read_only=True) as store:
            assert_articles_whole(store.con)
            n = store.con.execute("SELECT count(*) FROM articles").fetchone()[0]
            # no good document was recorded as failed because the disk was full
            codes = store.con.execute("SELECT DISTINCT code FROM errors").fetchall()
        assert 0 < n < N_KILL_CORPUS
        # only the corpus's own bad records, by kind: formats and dates
        assert {error_class(code).code for (code,) in codes} <= {"E103", "E104"}
        report = pipeline.process([str(corpus)], db, SETTINGS, pipeline=pipe)
        assert report.n_stored == N_KILL_CORPUS - n and report.n_duplicate == n
        assert db_snapshot(db) == expected


def test_writes_to_a_read_only_store_raise_a_clear_error(pipe, tmp_path):
    db = tmp_path / "ro.duckdb"
    result = pipe.code_text("China urged North Korea on Monday to return to talks.",
                            date=dt.date(2024, 2, 26))
    with Store.open(db) as store:
        store.write([result])
    with Store.open(db, read_only=True) as store:
        before = counts(store.con)
        other = pipe.code_text("Japan praised South Korea for its help.", date="2024-02-27")
        with pytest.raises(StoreReadOnlyError, match="opened read-only"):
            store.write([other])
        with pytest.raises(StoreReadOnlyError):
            store.write([result])  # even a batch of duplicates: the caller must know
        with pytest.raises(StoreReadOnlyError):
            store.start_run("ingest")
        with pytest.raises(StoreReadOnlyError, match="opened read-only"):
            pipeline.process([], db, SETTINGS, pipeline=pipe, store=store)
        assert counts(store.con) == before


def test_database_on_a_read_only_mount(pipe, tmp_path):
    with tmpfs(tmp_path / "mnt", "8m") as mnt:
        db = mnt / "archive.duckdb"
        result = pipe.code_text("Russia condemned Ukraine over the drone attack on Friday.",
                                date=dt.date(2023, 5, 5))
        with Store.open(db) as store:
            store.write([result])
            before = snapshot(store.con)
        remount = subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True,
                                 text=True)
        assert remount.returncode == 0, remount.stderr
        with pytest.raises(StoreReadOnlyError, match="cannot open") as err:
            Store.open(db)
        assert "read-only" in str(err.value).lower()
        with pytest.raises(StoreError):
            Store.open(mnt / "new.duckdb")
        with Store.open(db, read_only=True) as store:  # reading still works, nothing lost
            assert snapshot(store.con) == before
            assert len(before["events"]) >= 1


# --- 4. two ingests at once ---------------------------------------------------------------

@pytest.mark.slow
def test_second_ingest_fails_clearly_and_the_first_finishes_intact(reference, tmp_path):
    corpus, _, expected, _ = reference
    db = tmp_path / "shared.duckdb"
    first = subprocess.Popen(ingest_cmd([corpus], db, "--quiet"), env=subprocess_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: db.exists() or first.poll() is not None)
        other = tmp_path / "other.txt"
        other.write_text(story(20), encoding="utf-8")
        second = subprocess.run(ingest_cmd([other], db), env=subprocess_env(),
                                capture_output=True, text=True, timeout=300)
        out, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert second.returncode == 1
    lines = second.stderr.splitlines()
    assert len(lines) == 1, second.stderr
    assert lines[0].startswith("error: [E301]") and "Traceback" not in second.stderr
    assert f"held for writing by process {first.pid}" in lines[0]
    assert "POST /api/articles" in lines[0]
    assert first.returncode == 0, err
    assert db_snapshot(db) == expected  # the first run's rows, whole, as if alone


# --- 5. properties: dates and actor lookup ------------------------------------------------

NEWS_ANCHOR = st.none() | st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
_number = st.integers(0, 10**12).map(str) | st.sampled_from(["a", "a few", "several", "two"])
_unit = st.sampled_from(["day", "days", "week", "weeks", "month", "months", "year", "years"])
AGO = st.builds("{} {} {}".format, _number, _unit, st.sampled_from(["ago", "earlier", "before"]))
DATE_TEXT = st.one_of(
    st.text(max_size=40),
    st.builds("{} {}, {}".format, st.sampled_from(["Jan.", "February", "Sept.", "May", "dec"]),
              st.integers(0, 99), st.integers(0, 99_999)),
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 99),
              st.integers(0, 99)),
    st.builds("{}/{}/{}".format, st.integers(0, 99), st.integers(0, 99), st.integers(0, 99_999)),
    st.builds("{} {}".format, st.sampled_from(["last", "next", "this", "earlier this", "past",
                                               "the coming", "late", "mid"]),
              st.sampled_from(["week", "weekend", "month", "year", "Friday", "March", "1990s"])),
    st.sampled_from(["yesterday", "tomorrow", "tonight", "the 1990s", "9999", "0001",
                     "January 1, 9999", "1 January 0001", "Feb. 30, 2024", "May"]),
)
HOWS = {"absolute-day", "absolute-month", "absolute-year", "weekday", "relative-day",
        "relative-week", "relative-month", "relative-year", "no-anchor", "unresolved"}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DATE_TEXT, NEWS_ANCHOR)
def test_date_resolution_never_raises_on_news_dates(text, anchor):
    try:
        value, how = dates.resolve(text, anchor)
    except DyadwatchError:
        return
    assert how in HOWS
    assert value is None or isinstance(value, dt.date)
    assert (value is None) == (how in ("no-anchor", "unresolved"))


@settings(max_examples=100, deadline=None, report_multiple_bugs=False, database=None)
@given(AGO, NEWS_ANCHOR)
def test_date_resolution_of_far_relative_dates_never_raises(text, anchor):
    try:
        dates.resolve(text, anchor)
    except DyadwatchError:
        pass


def test_an_article_with_an_ancient_relative_date_is_still_stored(pipe, tmp_path):
    db = tmp_path / "ancient.duckdb"
    text = ("China urged both Koreas on Monday to resume talks. North Korea attacked Japan "
            "5000 years ago, historians said.")
    report = pipeline.process([article_from_text(text, date="2024-02-24")], db,
                              SETTINGS, pipeline=pipe)
    assert report.n_stored == 1 and report.n_failed == 0, report.failures


@pytest.fixture(scope="module")
def actor_coder() -> ActorCoder:
    return ActorCoder.from_package()


NAMES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=1, max_size=15),
    st.sampled_from(["China", "chinese", "Wang Yi", "KORGOV", "IGOUNO", "NGO", "---GOV",
                     "both Koreas", "the North", "Kim", "  Seoul  ", "U.S.", "USA\x00", "ÇIN"]),
    st.builds("{} {}".format, st.sampled_from(["President", "Foreign Minister", "the"]),
              st.text(max_size=15)),
)


@settings(max_examples=100, deadline=None)
@given(NAMES, st.none() | st.dates())
def test_actor_lookup_returns_an_actor_or_none(actor_coder, name, date):
    try:
        actor = actor_coder.lookup(name, date)
    except DyadwatchError:
        return
    assert actor is None or (isinstance(actor, Actor) and actor.code)


# --- 6. the CLI on bad input --------------------------------------------------------------

@pytest.mark.slow
def test_ingest_of_a_missing_path_reports_it_ingests_the_rest_and_exits_1(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(story(21), encoding="utf-8")
    missing = tmp_path / "no-such-folder"
    db = tmp_path / "cli.duckdb"
    done = subprocess.run(ingest_cmd([missing, good], db, "--quiet"), env=subprocess_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"skipped {missing}: no such file or folder." in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: [E120] no such file or folder:") and str(missing) in last
    with Store.open(db, read_only=True) as store:
        articles = store.con.execute("SELECT source_path FROM articles").fetchall()
        errors = store.con.execute("SELECT path, reason FROM errors").fetchall()
    assert articles == [(str(good),)]
    assert errors == [(str(missing), "no such file or folder. Check the path.")]


@pytest.mark.slow
def test_code_skips_bad_lines_with_file_and_line_and_codes_the_rest(tmp_path):
    infile = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "China urged North Korea on Monday to return to talks.",
                    "date": "2024-02-26"}),
        "{not json",
        json.dumps({"id": "b", "text": "Japan condemned Russia.", "date": "next spring"}),
        json.dumps({"id": "c", "text": 17}),
        json.dumps({"id": "d", "text": " ... ", "date": "2024-02-26"}),
        "",
        json.dumps({"id": "e", "text": "South Korea accused North Korea of firing a missile.",
                    "date": "2024-02-27"}),
    ]
    infile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run([str(DYADWATCH), "code", str(infile)], env=subprocess_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "e"]
    assert all(r["events"] for r in records)
    skipped = done.stderr.strip().splitlines()
    assert [s.split(": ")[0] for s in skipped] == [f"skipped {infile}:{n}" for n in (2, 3, 4, 5)]
    assert "malformed JSON" in skipped[0] and "ISO date" in skipped[1]
    assert '"text" string' in skipped[2] and "no words" in skipped[3]
