"""End to end: folders of articles become coded events in a DuckDB file,
through the Python API and the CLI, with evidence that checks out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import dyadwatch
from dyadwatch.config import Settings
from dyadwatch.coding.pipeline import Pipeline, process
from dyadwatch.store.db import Store

CLI = [sys.executable, "-m", "dyadwatch.cli"]


@pytest.fixture(scope="module")
def pipeline(nlp) -> Pipeline:  # nlp: the model is loaded once per session
    return Pipeline(Settings())


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_dir, pipeline) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    report = process([str(demo_dir)], db, pipeline=pipeline)
    assert report.n_failed == 0, report.failures
    return db


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    with Store.open(db, read_only=True) as store:
        return store.con.execute(sql, list(params)).fetchall()


def test_demo_corpus_is_coded_and_stored(demo_db):
    [(articles, sentences, events, canonical)] = rows(
        demo_db, "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sentences), "
                 "(SELECT count(*) FROM events), (SELECT count(*) FROM canonical_events)")
    assert articles >= 28 and sentences > 10 * articles
    assert events > 5 * articles and 0 < canonical <= events
    types = {r[0] for r in rows(demo_db, "SELECT DISTINCT plover FROM events")}
    assert {"CONSULT", "REQUEST", "ACCUSE", "AGREE"} <= types
    assert rows(demo_db, "SELECT count(*) FROM errors") == [(0,)]


def test_evidence_offsets_point_into_the_stored_text(demo_db):
    bad = rows(demo_db, """
        SELECT e.id FROM events e JOIN articles a ON a.id = e.article_id
        JOIN sentences s ON s.article_id = e.article_id AND s.idx = e.sentence_idx
        WHERE substr(a.text, e.trigger_start + 1, e.trigger_end - e.trigger_start) <> e.trigger
           OR s.text <> e.sentence
           OR e.trigger_start < s.start_char OR e.trigger_end > s.end_char""")
    assert bad == []
    bad_quotes = rows(demo_db, """
        SELECT q.id FROM quotes q JOIN articles a ON a.id = q.article_id
        WHERE substr(a.text, q.start_char + 1, q.end_char - q.start_char) <> q.text""")
    assert bad_quotes == []
    bad_mentions = rows(demo_db, """
        SELECT m.article_id, m.idx FROM actors m JOIN articles a ON a.id = m.article_id
        WHERE substr(a.text, m.start_char + 1, m.end_char - m.start_char) <> m.text""")
    assert bad_mentions == []


def test_rerun_adds_nothing(demo_db, demo_dir, pipeline):
    before = rows(demo_db, "SELECT count(*), (SELECT count(*) FROM events) FROM articles")
    report = process([str(demo_dir)], demo_db, pipeline=pipeline)
    assert report.n_stored == 0 and report.n_duplicate == report.n_read > 0
    assert rows(demo_db, "SELECT count(*), (SELECT count(*) FROM events) FROM articles") == before


def test_syndicated_copies_form_one_story(demo_db):
    multi = rows(demo_db, "SELECT story_id, n_articles FROM stories WHERE n_articles > 1")
    assert multi, "the demo corpus carries syndicated copies that should group into a story"
    assert rows(demo_db, "SELECT max(n_stories) FROM canonical_events")[0][0] >= 2


def test_seed_articles_give_events_with_evidence(shared_dir, pipeline, tmp_path):
    db = tmp_path / "seeds.duckdb"
    report = process([str(shared_dir / "seeds")], db, pipeline=pipeline)
    assert report.n_stored == 5 and report.n_failed == 0
    titles = [r[0] for r in rows(db, "SELECT title FROM articles ORDER BY title")]
    assert all(titles)
    boiler = rows(db, "SELECT count(*) FROM articles WHERE text LIKE '%Send to%' "
                      "OR text LIKE '%Continued next page%' OR text LIKE '%Read also%' "
                      "OR text LIKE '%COMMENTS%'")
    assert boiler == [(0,)]
    dyads = {(s, t) for s, t in rows(db, "SELECT source_country, target_country FROM "
                                         "factual_events")}
    assert ("KOR", "CHN") in dyads or ("CHN", "KOR") in dyads


def test_code_text_api(pipeline):
    events = dyadwatch.code_text("Japan accused Russia on Monday of violating its airspace.",
                                 date="2024-03-13")
    assert [(e.source.country, e.target.country, e.plover) for e in events] == [
        ("JPN", "RUS", "ACCUSE")]
    assert str(events[0].date) == "2024-03-11" and events[0].date_source == "sentence"


def test_code_command_is_the_stable_machine_interface(tmp_path):
    infile = tmp_path / "in.jsonl"
    infile.write_text(
        json.dumps({"id": "r1", "text": "Canada condemned Iran over the attack.",
                    "date": "2022-05-02"}) + "\n"
        "{broken\n"
        + json.dumps({"id": "r2", "text": "Brazil and Argentina signed a trade deal."}) + "\n",
        encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run([*CLI, "code", str(infile), "-o", str(out)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"{infile}:2" in proc.stderr
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in recs] == ["r1", "r2"]
    ev = recs[0]["events"][0]
    for key in ("source", "target", "source_country", "target_country", "plover", "cameo",
                "date", "trigger", "sentence"):
        assert key in ev
    assert (ev["source_country"], ev["target_country"], ev["plover"]) == ("CAN", "IRN", "ACCUSE")
    pairs = {(e["source_country"], e["target_country"]) for e in recs[1]["events"]}
    assert pairs == {("BRA", "ARG"), ("ARG", "BRA")}


def test_code_reads_standard_input_and_writes_the_event_location():
    """`code -` reads JSON Lines from standard input (bad lines named
    <stdin>:N), and each event carries its id and where it happened, the
    fields `events` shows."""
    lines = (json.dumps({"id": "s1", "date": "2023-09-12",
                         "text": "Police in Nairobi arrested twelve protesters on Tuesday."})
             + "\n[not a record\n")
    proc = subprocess.run([*CLI, "code", "-"], input=lines, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "<stdin>:2" in proc.stderr
    (rec,) = [json.loads(line) for line in proc.stdout.splitlines()]
    located = [e for e in rec["events"] if e["geo_name"]]
    assert located, rec["events"]
    ev = located[0]
    assert ev["geo_name"] == "Nairobi" and ev["geo_country"] == "KEN"
    assert ev["geo_precision"] == "place" and -2 < ev["lat"] < 0 and 36 < ev["lon"] < 37.5
    assert len(ev["id"]) == 16


def test_ingest_command_reports_bad_files_and_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Norway offered to mediate between the two parties on "
                                     "Tuesday, its foreign ministry said.", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 20)
    db = tmp_path / "x.duckdb"
    proc = subprocess.run([*CLI, "ingest", str(folder), "--db", str(db)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "empty.txt" in proc.stderr and "blob.txt" in proc.stderr
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]
    assert sorted(Path(r[0]).name for r in rows(db, "SELECT path FROM errors")) == [
        "blob.txt", "empty.txt"]


def test_eval_command_on_gold(shared_dir, tmp_path):
    gold = shared_dir / "data" / "petrarch2_unittest" / "test.jsonl"
    out = tmp_path / "report.json"
    proc = subprocess.run([*CLI, "eval", str(gold), "--json", str(out), "--misses", "0"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    text = json.dumps(report)
    assert "f1" in text.lower() and "precision" in text.lower()


def test_a_city_named_as_the_place_completes_a_material_act(pipeline):
    """The actor coder knows countries and capitals; the geocoder also knows
    cities, and a missing target or country is taken from where it happened."""
    from dyadwatch.coding.events import event_id
    from dyadwatch.sources.articles import article_from_text

    def code(text):
        article = article_from_text(text)
        return article, pipeline.code_doc(pipeline.nlp(article.text), article).events

    article, events = code("Turkish jets bombed targets near Kirkuk on Monday.")
    [e] = [e for e in events if e.plover == "ASSAULT"]
    assert (e.source.code, e.target.code, e.target_text) == ("TUR", "IRQ", "Kirkuk")
    assert e.location.country == "IRQ" and e.confidence < 0.9
    # the id is the one the event coder made it with (no target yet): ids never change
    assert e.id == event_id(article.id, e.sentence_index, e.trigger_start, "ASSAULT", "TUR", None)

    _, events = code("Police arrested a journalist in Lagos.")  # sector-only actors
    assert [(e.source.code, e.target.code) for e in events] == [("NGACOP", "NGAMED")]
    # unnamed victims are of the place, not the attacker's compatriots
    _, events = code("Syrian militants killed five people in Kirkuk.")
    assert [(e.source.code, e.target.code) for e in events] == [("SYRUAF", "IRQ")]
    _, events = code("Syrian militants killed five people.")
    assert [(e.source.code, e.target.code) for e in events] == [("SYRUAF", "SYR")]
    _, events = code("Chinese warships held drills near Okinawa.")  # a posture abroad
    assert [(e.source.code, e.target.code, e.plover) for e in events] == [("CHNMIL", "JPN", "MOBILIZE")]
    _, events = code("Russia held military exercises in Kaliningrad.")  # at home: nobody named
    assert [(e.target, e.plover) for e in events] == [(None, "MOBILIZE")]
    _, events = code("Turkish jets bombed targets on Monday.")  # no place: no invented target
    assert [e.target for e in events if e.plover == "ASSAULT"] == [None]


def test_an_organisations_former_official_is_not_made_a_citizen_of_the_story(pipeline):
    """Sector-only actors with no country take the article's main country; a
    former NATO chief (coded as NATO's, out of office) is not one of them."""
    from dyadwatch.sources.articles import article_from_text

    text = ("China jailed two activists on Monday. Beijing also criticized Japan. "
            "Anders Fogh Rasmussen condemned the arrests.")
    article = article_from_text(text, date="2024-05-02")
    events = pipeline.code_doc(pipeline.nlp(article.text), article).events
    [e] = [e for e in events if e.trigger == "condemned"]
    assert e.source.country is None and e.source.code.startswith("IGO")


def test_a_blank_line_ends_a_sentence(nlp):
    """Scraped headlines and bylines have no full stop; they must not run into the body."""
    doc = nlp("Kenya Seeks Talks With Somalia\n\nBy a staff writer\n\nNAIROBI: Kenya asked "
              "Somalia on Friday to\nresume talks over the border.")
    sents = [s.text.strip() for s in doc.sents]
    assert sents[:2] == ["Kenya Seeks Talks With Somalia", "By a staff writer"]
    assert any(s.endswith("resume talks over the border.") and "asked" in s for s in sents)


def test_unnamed_home_actors_are_of_the_country_the_article_is_about(pipeline):
    """News names foreign actors and leaves home ones unnamed: "the government"
    in a story about Bolivia is Bolivia's, without any place in its sentence."""
    from dyadwatch.sources.articles import article_from_text

    article = article_from_text(
        "Bolivia's president met Peru's foreign minister on Monday. Bolivia asked Peru for "
        "more trade. Separately, the government arrested three opposition activists.")
    events = pipeline.code_doc(pipeline.nlp(article.text), article).events
    arrests = [e for e in events if e.plover == "COERCE"]
    assert arrests and all(e.source.country == "BOL" for e in arrests)


def test_ingest_warns_with_a_count_of_undated_events(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("Chile criticized Peru over fishing rights.\n", encoding="utf-8")
    (docs / "2024-03-05-talks.txt").write_text("Peru praised Chile for its help.\n", encoding="utf-8")
    proc = subprocess.run([*CLI, "ingest", str(docs), "--db", str(tmp_path / "x.duckdb")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "1 counted event(s) have no date" in " ".join(proc.stderr.split())


def test_new_word_forms_do_not_stay_in_the_vocab(pipeline, tmp_path):
    """A long run must not keep every word form it has seen (spaCy's vocab
    grows with each new one): the forms a run's documents add are freed
    when their memory zone ends, and the events are still coded."""
    from dyadwatch.types import Article

    strings = pipeline.nlp.vocab.strings
    articles = [Article(id=f"z{i}", text=f"Chile praised Peru on Monday. The envoy Zorvak{i} "
                                          f"counted {1000 + 37 * i:,} Quellit{i}x pledges.")
                for i in range(2 * pipeline.zone_size + 3)]  # three zones, the last short
    before = len(strings)
    results = list(pipeline.code_articles(articles))
    assert [r.article.id for r in results] == [a.id for a in articles]
    assert all(r.events for r in results)
    assert "Zorvak7" not in strings and len(strings) == before


def test_ingest_date_dates_only_the_articles_that_state_none(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("Chile criticized Peru over fishing rights.\n", encoding="utf-8")
    (docs / "2024-03-05-talks.txt").write_text("Peru praised Chile for its help.\n", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    proc = subprocess.run([*CLI, "ingest", str(docs), "--db", str(db), "--date", "2024-04-01"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "have no date" not in proc.stderr
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        days = dict(con.execute("SELECT plover, CAST(date AS VARCHAR) FROM events").fetchall())
    assert days == {"ACCUSE": "2024-04-01", "SUPPORT": "2024-03-05"}  # the file name's date wins
    bad = subprocess.run([*CLI, "ingest", str(docs), "--db", str(db), "--date", "April 1"],
                         capture_output=True, text=True, timeout=600)
    assert bad.returncode != 0 and "--date 'April 1' is not a date" in " ".join(bad.stderr.split())


def test_people_rescued_by_no_one_named_are_rescued_by_their_own_country(pipeline):
    """"300 passengers were rescued": the rescuers of a country's people are its
    own, also when the people get their country from the article's main country."""
    from dyadwatch.sources.articles import article_from_text

    article = article_from_text("Nigeria's army attacked a bandit camp on Friday. "
                                "By Sunday, 300 passengers had been rescued, the governor said.")
    events = pipeline.code_doc(pipeline.nlp(article.text), article).events
    [e] = [e for e in events if e.plover == "AID"]
    assert (e.source.code, e.target.country) == ("NGA", "NGA")


def test_coded_document_keeps_nothing_of_ours_on_the_doc(pipeline):
    """The stages keep a document's sentences, entities, children and quotes on
    the Doc while it is coded; Pipeline.code_doc drops them all afterwards."""
    from dyadwatch.coding.nlp import parse
    from dyadwatch.sources.articles import article_from_text

    article = article_from_text('The mayor of Lindvik met the governor on Monday. '
                                '"We agreed on the bridge," the mayor said.')
    ((article, doc),) = parse(pipeline.nlp, [article], batch_size=1)
    result = pipeline.code_doc(doc, article)
    assert len(result.sentences) == 2
    assert not [k for k in doc.user_data if str(k).startswith("dyadwatch.")]
