"""Stories and canonical events on real DuckDB files.

DocResults are built directly (no spaCy needed: dedup reads only stored
articles, signatures and events) and written with Store.write, as the
pipeline does. Texts come from tests/data/dedup_pairs.jsonl, a labelled set
written for dyadwatch: per topic a wire story, a syndicated copy (other
headline and site boilerplate), a lightly edited update and an independent
article on the same event.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

from dyadwatch.store import dedup
from dyadwatch.config import Settings
from dyadwatch.errors import ConfigError
from dyadwatch.store.db import Store
from dyadwatch.types import Actor, Article, DocResult, Event

PAIRS = Path(__file__).parent / "data" / "dedup_pairs.jsonl"
CHN = Actor("CHNGOV", "CHN", "GOV", "China")
PRK = Actor("PRKGOV", "PRK", "GOV", "North Korea")
USA = Actor("USAGOV", "USA", "GOV", "United States")
D0 = dt.date(2024, 3, 4)


def pairs() -> list[dict]:
    with PAIRS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def topics() -> dict[str, dict[str, str]]:
    """{topic: {base, syndicated, update, independent}} from the pair file."""
    out: dict[str, dict[str, str]] = {}
    for p in pairs():
        name, _, roles = p["pair"].partition(":")
        first, _, second = roles.partition("~")
        if first == "base" and second in ("syndicated", "update", "independent"):
            out.setdefault(name, {})["base"] = p["a"]
            out[name][second] = p["b"]
    return out


def event(eid: str, article_id: str, *, day: int | None = 0, plover: str = "CONSULT",
          source: Actor | None = CHN, target: Actor | None = PRK, cameo: str = "040",
          goldstein: float = 1.0, quad: int = 1, confidence: float = 0.5,
          negated: bool = False, modality: str = "asserted") -> Event:
    date = None if day is None else D0 + dt.timedelta(days=day)
    return Event(id=eid, article_id=article_id, sentence_index=0, sentence="s", trigger="t",
                 trigger_start=0, trigger_end=1, plover=plover, cameo=cameo,
                 goldstein=goldstein, quad_class=quad, source=source, target=target,
                 date=date, date_source="none" if date is None else "sentence",
                 confidence=confidence, negated=negated, modality=modality)


def doc(aid: str, text: str, settings: Settings, *, day: int | None = 0,
        events: tuple[Event, ...] = ()) -> DocResult:
    date = None if day is None else D0 + dt.timedelta(days=day)
    article = Article(id=aid, text=text, date=date)
    return DocResult(article, (), (), events, (), dedup.signature(text, settings))


def snapshot(con) -> dict[str, list[tuple]]:
    return {
        "stories": con.execute("SELECT id, story_id FROM articles ORDER BY id").fetchall(),
        "events": con.execute("SELECT id, canonical_id FROM events ORDER BY id").fetchall(),
        "canonical": con.execute("SELECT * FROM canonical_events ORDER BY id").fetchall(),
    }


def story_of(con, aid: str) -> str:
    return con.execute("SELECT story_id FROM articles WHERE id = ?", [aid]).fetchone()[0]


def canonical(con) -> list[dict]:
    cur = con.execute("SELECT * FROM canonical_events ORDER BY date NULLS LAST, id")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


# -- signatures and the threshold ---------------------------------------------

def test_signature_ignores_case_and_punctuation_and_is_stable(settings):
    a = dedup.signature("China and North Korea agreed, on Monday, to expand trade.", settings)
    b = dedup.signature("CHINA and north korea agreed on monday to expand trade", settings)
    assert a == b and len(a) == settings.minhash_perm
    assert all(0 <= v < 2**32 for v in a)
    c = dedup.signature("China and North Korea agreed on Monday to cut trade", settings)
    assert c != a
    assert dedup.signature("  ... !!! --  ", settings) == ()
    assert len(dedup.signature("Talks.", settings)) == settings.minhash_perm


def test_default_threshold_separates_the_labelled_pairs(settings):
    wrong = []
    for p in pairs():
        sim = dedup.similarity(dedup.signature(p["a"], settings),
                               dedup.signature(p["b"], settings))
        if (sim >= settings.story_threshold) != p["same"]:
            wrong.append((p["pair"], p["kind"], round(sim, 3)))
    assert not wrong, f"threshold {settings.story_threshold} misjudges {wrong}"
    kinds = {p["kind"] for p in pairs()}
    assert {"syndicated", "update", "same_topic", "shared_template"} <= kinds


# -- stories --------------------------------------------------------------------

def test_labelled_topics_group_into_stories(db_path, settings):
    results = []
    for t, (name, texts) in enumerate(sorted(topics().items())):
        results += [doc(f"{name}-base", texts["base"], settings, day=t),
                    doc(f"{name}-syn", texts["syndicated"], settings, day=t),
                    doc(f"{name}-upd", texts["update"], settings, day=t + 1),
                    doc(f"{name}-ind", texts["independent"], settings, day=t)]
    with Store.open(db_path) as store:
        store.write(results)
        report = dedup.update(store.con, settings)
        con = store.con
        for name in topics():
            # earliest article (date, then id): base and syndicated share the day
            assert story_of(con, f"{name}-base") == f"{name}-base"
            assert story_of(con, f"{name}-syn") == f"{name}-base"
            assert story_of(con, f"{name}-upd") == f"{name}-base"
            assert story_of(con, f"{name}-ind") == f"{name}-ind"
        n = len(topics())
        assert report.stories == 2 * n and report.grouped_articles == 3 * n
        rows = con.execute("SELECT story_id, n_articles, article_ids FROM stories "
                           "WHERE n_articles > 1 ORDER BY story_id").fetchall()
        assert len(rows) == n
        assert rows[0][1] == 3 and rows[0][2][0] == rows[0][0]


def test_story_id_is_the_earliest_article_whatever_the_insertion_order(db_path, settings):
    text = topics()["t2"]["base"]
    # ids sort the other way round from dates: the date decides, then the id
    copies = [doc("b-late", text + " Subscribe now.", settings, day=5),
              doc("a-undated", text + " All rights reserved.", settings, day=None),
              doc("c-early", text + " Read more.", settings, day=1)]
    with Store.open(db_path) as store:
        store.write(copies[:2])
        dedup.update(store.con, settings)
        assert story_of(store.con, "a-undated") == "b-late"
        store.write(copies[2:])
        report = dedup.update(store.con, settings)
        assert {story_of(store.con, c.article.id) for c in copies} == {"c-early"}
        assert report.story_changes == 3


def test_articles_without_signature_are_stories_of_their_own(db_path, settings):
    with Store.open(db_path) as store:
        store.write([doc("p1", "--- !!! ---", settings), doc("p2", "*** ??? ***", settings)])
        report = dedup.update(store.con, settings)
        assert story_of(store.con, "p1") == "p1" and story_of(store.con, "p2") == "p2"
        assert report.signed == 0 and report.stories == 2


def test_empty_database(db_path, settings):
    with Store.open(db_path) as store:
        report = dedup.update(store.con, settings)
        assert (report.articles, report.stories, report.events, report.canonical_events) == (
            0, 0, 0, 0)
        assert store.con.execute("SELECT count(*) FROM canonical_events").fetchone()[0] == 0


def test_signatures_of_another_size_are_refused_and_nothing_changes(db_path, settings):
    text = topics()["t1"]["base"]
    with Store.open(db_path) as store:
        store.write([doc("a", text, settings), doc("b", text + " Copy.", settings)])
        dedup.update(store.con, settings)
        before = snapshot(store.con)
        with pytest.raises(ConfigError, match="minhash_perm"):
            dedup.update(store.con, settings.replace(minhash_perm=64))
        assert snapshot(store.con) == before


def test_settings_out_of_range_are_refused(db_path, settings):
    with Store.open(db_path) as store:
        for bad in ({"story_threshold": 0.0}, {"event_window_days": -1}):
            with pytest.raises(ConfigError):
                dedup.update(store.con, settings.replace(**bad))


# -- canonical events -------------------------------------------------------------

def test_event_window_edges(db_path, settings):
    w = settings.event_window_days
    texts = [t["base"] for t in topics().values()] + [t["independent"] for t in topics().values()]
    results = [
        # same key, exactly `w` days apart: one event
        doc("w1", texts[0], settings, day=0, events=(event("e-w1", "w1", day=0),)),
        doc("w2", texts[1], settings, day=w, events=(event("e-w2", "w2", day=w),)),
        # another key, one day more than `w` apart: two events
        doc("x1", texts[2], settings, events=(event("e-x1", "x1", day=0, plover="ACCUSE"),)),
        doc("x2", texts[3], settings,
            events=(event("e-x2", "x2", day=w + 1, plover="ACCUSE"),)),
        # anchored on the cluster's first date: 0, w, 2w is two events, not a chain
        doc("y1", texts[4], settings, events=(
            event("e-y1", "y1", day=0, plover="REJECT"),
            event("e-y2", "y1", day=w, plover="REJECT"),
            event("e-y3", "y1", day=2 * w, plover="REJECT"))),
    ]
    with Store.open(db_path) as store:
        store.write(results)
        dedup.update(store.con, settings)
        cid = dict(store.con.execute("SELECT id, canonical_id FROM events").fetchall())
    assert cid["e-w1"] == cid["e-w2"]
    assert cid["e-x1"] != cid["e-x2"]
    assert cid["e-y1"] == cid["e-y2"] != cid["e-y3"]


def test_n_stories_counts_independent_stories_not_copies(db_path, settings):
    t = topics()["t3"]
    results = [
        doc("s-base", t["base"], settings, events=(
            event("e1", "s-base", plover="SANCTION", source=USA, cameo="163", goldstein=-8.0,
                  quad=4, confidence=0.6),
            event("e1b", "s-base", day=1, plover="SANCTION", source=USA, cameo="163",
                  goldstein=-8.0, quad=4))),
        doc("s-syn", t["syndicated"], settings, events=(
            event("e2", "s-syn", plover="SANCTION", source=USA, cameo="163", goldstein=-8.0,
                  quad=4, confidence=0.9),)),
        doc("s-upd", t["update"], settings, day=1, events=(
            event("e3", "s-upd", day=1, plover="SANCTION", source=USA, cameo="160",
                  goldstein=-4.0, quad=4),)),
        doc("s-ind", t["independent"], settings, day=1, events=(
            event("e4", "s-ind", day=1, plover="SANCTION", source=USA, cameo="163",
                  goldstein=-8.0, quad=4),)),
    ]
    with Store.open(db_path) as store:
        store.write(results)
        report = dedup.update(store.con, settings)
        rows = canonical(store.con)
    assert report.canonical_events == 1 and len(rows) == 1
    c = rows[0]
    assert (c["n_mentions"], c["n_articles"], c["n_stories"]) == (5, 4, 2)
    assert (c["cameo"], c["goldstein"], c["quad_class"]) == ("163", -8.0, 4)
    assert c["confidence"] == 0.9 and c["first_event_id"] == "e1" and c["date"] == D0
    assert (c["source"], c["target"], c["source_country"], c["plover"]) == (
        "USAGOV", "PRKGOV", "USA", "SANCTION")


def test_negated_events_are_left_out_and_modality_is_kept_apart(db_path, settings):
    text = topics()["t5"]["base"]
    with Store.open(db_path) as store:
        store.write([doc("m", text, settings, events=(
            event("asserted", "m"), event("future", "m", modality="future"),
            event("negated", "m", negated=True)))])
        report = dedup.update(store.con, settings)
        cid = dict(store.con.execute("SELECT id, canonical_id FROM events").fetchall())
        first = store.con.execute(
            "SELECT e.modality FROM canonical_events c JOIN events e ON e.id = c.first_event_id "
            "WHERE c.id = ?", [cid["future"]]).fetchone()[0]
    assert cid["negated"] is None
    assert cid["asserted"] and cid["future"] and cid["asserted"] != cid["future"]
    assert report.events == 2 and first == "future"


def test_undated_events_are_grouped_per_story(db_path, settings):
    t = topics()["t6"]
    results = [
        doc("u-base", t["base"], settings, day=None, events=(event("n1", "u-base", day=None),)),
        doc("u-syn", t["syndicated"], settings, day=None,
            events=(event("n2", "u-syn", day=None),)),
        doc("u-ind", t["independent"], settings, day=None,
            events=(event("n3", "u-ind", day=None),)),
        doc("u-dated", t["update"], settings, day=0, events=(event("n4", "u-dated", day=0),)),
    ]
    with Store.open(db_path) as store:
        store.write(results)
        dedup.update(store.con, settings)
        cid = dict(store.con.execute("SELECT id, canonical_id FROM events").fetchall())
        rows = {r["id"]: r for r in canonical(store.con)}
    assert cid["n1"] == cid["n2"]
    assert len({cid["n1"], cid["n3"], cid["n4"]}) == 3
    assert rows[cid["n1"]]["date"] is None and rows[cid["n1"]]["n_stories"] == 1
    assert rows[cid["n1"]]["n_mentions"] == 2 and rows[cid["n4"]]["date"] == D0


# -- determinism ------------------------------------------------------------------

def corpus(settings: Settings) -> list[DocResult]:
    """Copies of stories spread over days, with events of a few keys; the
    order is shuffled so that halves mix early and late, copies and originals."""
    rng = random.Random(7)
    results = []
    plovers = ("CONSULT", "ACCUSE", "THREATEN")
    for t, texts in enumerate(topics().values()):
        for role, text in texts.items():
            for copy in range(2 if role != "independent" else 1):
                aid = f"{t}-{role}-{copy}"
                body = text if copy == 0 else f"{text}\n\nShare this article. Copy {copy}."
                day = rng.randint(0, 12)
                evs = tuple(
                    event(f"{aid}-e{k}", aid, day=None if rng.random() < 0.15 else
                          day + rng.randint(-2, 2), plover=rng.choice(plovers),
                          source=rng.choice((CHN, USA)), target=PRK,
                          cameo=rng.choice(("040", "041")), confidence=rng.random())
                    for k in range(3))
                results.append(doc(aid, body, settings, day=day, events=evs))
    rng.shuffle(results)
    return results


def test_rerun_gives_identical_ids(db_path, settings):
    with Store.open(db_path) as store:
        store.write(corpus(settings))
        dedup.update(store.con, settings)
        first = snapshot(store.con)
        again = dedup.update(store.con, settings)
        assert snapshot(store.con) == first
        assert again.story_changes == 0 and again.canonical_changes == 0
        assert again.grouped_articles > 0 and again.canonical_events < again.events


def test_canonical_events_built_in_slices_equal_one_pass(tmp_path, settings, monkeypatch):
    """Canonical events are aggregated in slices of the cid range so that the
    writer's memory does not grow with the database; a canonical event's
    members share its cid, so slices as small as a few mentions store the
    very rows one pass does."""
    results = corpus(settings)
    with Store.open(tmp_path / "one.duckdb") as store:
        store.write(results)
        dedup.update(store.con, settings)
        one_pass = snapshot(store.con)
    monkeypatch.setattr(dedup, "_MEMBERS_PER_SLICE", 5)
    assert len(dedup._cid_ranges(len(one_pass["events"]))) > 4
    with Store.open(tmp_path / "sliced.duckdb") as store:
        store.write(results)
        report = dedup.update(store.con, settings)
        assert snapshot(store.con) == one_pass
        assert report.canonical_events == len(one_pass["canonical"])


def test_update_restores_the_allocator_setting(db_path, settings):
    """The update has DuckDB return freed memory at once, and puts the
    database's own setting back afterwards, also when it fails."""
    def setting(con) -> str:
        return con.execute(
            "SELECT current_setting('allocator_bulk_deallocation_flush_threshold')").fetchall()[0][0]

    with Store.open(db_path) as store:
        store.con.execute("SET allocator_bulk_deallocation_flush_threshold = '64MB'")
        kept = setting(store.con)
        store.write(corpus(settings)[:6])
        dedup.update(store.con, settings)
        assert setting(store.con) == kept
        with pytest.raises(ConfigError, match="minhash_perm"):
            dedup.update(store.con, settings.replace(minhash_perm=64))
        assert setting(store.con) == kept


def test_cid_ranges_cover_every_cid_once():
    ranges = dedup._cid_ranges(100_000)
    assert ranges[0][0] is None and ranges[-1][1] is None and len(ranges) == 4
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    assert dedup._cid_ranges(0) == dedup._cid_ranges(1) == [(None, None)]


def test_incremental_ingest_gives_the_same_ids_as_one_shot(tmp_path, settings):
    results = corpus(settings)
    with Store.open(tmp_path / "one.duckdb") as store:
        store.write(results)
        dedup.update(store.con, settings)
        one_shot = snapshot(store.con)
    with Store.open(tmp_path / "two.duckdb") as store:
        half = len(results) // 2
        store.write(results[:half])
        dedup.update(store.con, settings)
        store.write(results[half:])
        report = dedup.update(store.con, settings)
        assert snapshot(store.con) == one_shot
        assert report.story_changes > 0  # the second half really moved some stories


def test_signature_equals_datasketch_affine32_minhash():
    """Signatures are computed without importing datasketch (it pulls in
    scipy), but must stay the values datasketch's MinHash gives: stored
    signatures of older databases are compared with new ones."""
    import random
    import zlib

    from datasketch import MinHash

    settings = Settings()
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(400)] + ["Seoul", "talks", "missile", "Beijing"]
    for n in (1, 5, 6, 40, 700):
        text = " ".join(rng.choice(vocab) for _ in range(n))
        expected = MinHash(num_perm=settings.minhash_perm, seed=1, hashfunc=zlib.crc32,
                           scheme="affine32")
        expected.update_batch(dedup.shingles(dedup.words(text), settings.shingle_size))
        assert dedup.signature(text, settings) == tuple(expected.hashvalues.tolist())


def test_lsh_bands_are_datasketch_minhashlsh_bands():
    """The writer chooses LSH bands without datasketch's LSH (it imports
    scipy): the choice must stay the one MinHashLSH makes, or stories would
    be grouped differently from databases built before."""
    from datasketch import MinHashLSH

    for perm in (32, 128):
        for threshold in (0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9):
            expected = MinHashLSH(threshold=threshold, num_perm=perm).hashranges
            assert list(dedup.lsh_bands(threshold, perm)) == expected, (perm, threshold)


def test_lsh_bands_refuse_a_threshold_that_leaves_one_band():
    with pytest.raises(ConfigError, match="fewer than 2 LSH bands"):
        dedup.lsh_bands(1.0, 16)


def test_writer_does_not_import_scipy(tmp_path):
    """Grouping stories (the writer's dedup.update) must not pull in scipy
    either: it added ~48 MB to the peak memory of every ingest; nor pandas
    (54 MB), which pyarrow loads for its first list conversion unless told
    otherwise (the Dask driver runs dedup.update without writing a batch)."""
    import subprocess
    import sys

    code = ("import sys; from dyadwatch.store import dedup; from dyadwatch.store.db import Store;"
            "from dyadwatch.config import Settings; s = Store.open(sys.argv[1]);"
            "r = dedup.update(s.con, Settings()); s.close();"
            "print(r.articles, 'scipy' in sys.modules, 'datasketch' in sys.modules,"
            "'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "w.duckdb")],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False", "False", "False"]


def test_coding_path_does_not_import_scipy():
    """The signature is computed in every coding process: it must not pull in
    scipy (datasketch's LSH does), which costs start-up time and memory."""
    import subprocess
    import sys

    code = ("import sys; from dyadwatch.store import dedup; from dyadwatch.config import Settings;"
            "dedup.signature('China and Japan held talks in Tokyo on Monday.', Settings());"
            "print('scipy' in sys.modules, 'datasketch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_canonical_events_key_on_country_so_sector_codes_from_two_outlets_merge(db_path, settings):
    """One outlet writes "the Chinese government", another "China": one act."""
    gov, plain = Actor("CHNGOV", "CHN", "GOV"), Actor("CHN", "CHN", None)
    text = topics()["t5"]["base"]
    with Store.open(db_path) as store:
        store.write([doc("m", text, settings, events=(
            event("a", "m", source=gov), event("b", "m", source=plain),
            event("c", "m", source=Actor("USAGOV", "USA", "GOV"))))])
        dedup.update(store.con, settings)
        cid = dict(store.con.execute("SELECT id, canonical_id FROM events").fetchall())
        rows = canonical(store.con)
    assert cid["a"] == cid["b"] != cid["c"]
    merged = next(r for r in rows if r["id"] == cid["a"])
    assert (merged["source"], merged["source_country"], merged["n_mentions"]) == ("CHN", "CHN", 2)
    assert next(r for r in rows if r["id"] == cid["c"])["source"] == "USAGOV"  # one code: kept


def test_first_days_are_the_greedy_cut_of_each_key():
    """`_first_days` (all keys advanced together in numpy) cuts as the plain
    pass over the sorted rows does: a new cluster at a key's first row and
    at the first row more than `window` days after the cluster's start."""
    import numpy as np

    def greedy(groups, days, window):
        out, prev, first = [], None, 0
        for group, day in zip(groups, days):
            if group != prev or day - first > window:
                prev, first = group, day
            out.append(first)
        return out

    rng = random.Random(5)
    for _ in range(200):
        rows = sorted((rng.randrange(rng.randint(1, 20)), rng.randint(17000, 17000 + rng.choice(
            (5, 60, 3000)))) for _ in range(rng.randrange(120)))
        groups = np.array([g for g, _ in rows], dtype=np.int64)
        days = np.array([d for _, d in rows], dtype=np.int32)
        window = rng.randrange(6)
        assert dedup._first_days(groups, days, window).tolist() == greedy(
            groups.tolist(), days.tolist(), window)
