"""Watch rules over a real DuckDB file filled with hand-made events (no
model): what fires, what must not (self-dyads, empty baselines, a single
story), and what `evaluate` says when nothing fires."""

from __future__ import annotations

import datetime as dt

import pytest

from dyadwatch.analysis import alerts
from dyadwatch.sources.watchfile import RuleSpec
from dyadwatch.store.db import Store
from dyadwatch.types import Actor, Article, DocResult, Event

GOLDSTEIN = {"ASSAULT": -10.0, "ACCUSE": -2.0, "AGREE": 4.0, "CONSULT": 1.0, "SANCTION": -5.0}
QUAD = {"ASSAULT": 4, "ACCUSE": 3, "AGREE": 1, "CONSULT": 1, "SANCTION": 4}


def _doc(n: int, day: str, events: list[tuple[str, str, str]]) -> DocResult:
    """One article dated `day` with (source, plover, target) events."""
    date = dt.date.fromisoformat(day)
    art = Article(id=f"a{n:04d}", text=f"article {n}", date=date, url=f"http://x.org/{n}",
                  outlet="Test")
    evs = tuple(Event(id=f"e{n:04d}-{i}", article_id=art.id, sentence_index=i,
                      sentence=f"Sentence {i} of article {n}: {s} {p} {t}.", trigger=p.lower(),
                      trigger_start=0, trigger_end=1, plover=p, cameo=None,
                      goldstein=GOLDSTEIN[p], quad_class=QUAD[p],
                      source=Actor(s, s[:3]), target=Actor(t, t[:3]), date=date,
                      date_source="article")
                for i, (s, p, t) in enumerate(events))
    return DocResult(art, (), (), evs)


@pytest.fixture
def con(db_path):
    docs = [_doc(1, "2024-01-05", [("PRK", "AGREE", "KOR"), ("KOR", "CONSULT", "PRK")]),
            _doc(2, "2024-02-10", [("PRK", "AGREE", "KOR")]),
            _doc(3, "2024-03-12", [("KOR", "CONSULT", "PRK"), ("PRK", "ACCUSE", "KOR")]),
            # the latest window (to 2024-06-30): PRK attacks KOR, in two stories
            _doc(4, "2024-06-20", [("PRKMIL", "ASSAULT", "KOR"), ("PRK", "ACCUSE", "KOR")]),
            _doc(5, "2024-06-28", [("PRKMIL", "ASSAULT", "KORMIL")]),
            _doc(6, "2024-06-30", [("KORGOV", "ASSAULT", "KORREB"), ("KOR", "ASSAULT", "KOR"),
                                   ("KORMIL", "ASSAULT", "KORREB")]),
            # a dyad first seen in the window: three conflict events in one article
            _doc(7, "2024-06-25", [("CHN", "SANCTION", "JPN"), ("CHN", "ACCUSE", "JPN"),
                                   ("JPN", "ACCUSE", "CHN")])]
    with Store.open(db_path) as store:
        store.write(docs)
        yield store.con


def rule(**kw) -> RuleSpec:
    return RuleSpec.model_validate({"name": "r", "min_stories": 1, **kw})


def test_counts_fire_with_evidence_and_a_window(con):
    report = alerts.evaluate(con, rule(dyads=["PRK-KOR"], counts={"ASSAULT": 2}, min_stories=2))
    assert (report.window_start, report.window_end) == (dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    (a,) = report.alerts
    assert a.dyad == "KOR-PRK" and a.n_stories == 2 and a.changes[0].detail.startswith("2 ASS")
    assert a.event_ids[:2] == ("e0005-0", "e0004-0") or set(a.event_ids[:2]) == {"e0004-0",
                                                                                 "e0005-0"}
    ev = alerts.evidence(con, a.event_ids)
    assert list(ev["url"][:1]) in (["http://x.org/5"], ["http://x.org/4"])
    assert a.id == alerts.alert_id("r", "KOR-PRK", dt.date(2024, 6, 30))


def test_self_dyads_never_fire(con):
    report = alerts.evaluate(con, rule(actors=["KOR"], counts={"ASSAULT": 1}))
    assert [a.dyad for a in report.alerts] == ["KOR-PRK"]


def test_min_stories_blocks_a_single_story(con):
    report = alerts.evaluate(con, rule(dyads=["CHN-JPN"], counts={"SANCTION": 1},
                                       min_stories=2))
    assert report.alerts == ()
    (closest,) = report.closest
    assert closest.dyad == "CHN-JPN" and closest.lacking == "1 of 2 independent stories"


def test_empty_baseline_does_not_fire_on_a_handful(con):
    r = rule(dyads=["CHN-JPN"], conflict_share=0.5, zscore=2.0, goldstein_drop=1.0)
    report = alerts.evaluate(con, r)
    assert report.alerts == ()
    (c,) = report.closest
    assert c.n_baseline == 0 and all(ch.value == 0 for ch in c.changes)
    assert "baseline has 0 of 3 events" in c.changes[0].detail


def test_relative_changes_against_a_baseline(con):
    report = alerts.evaluate(con, rule(dyads=["PRK-KOR"], conflict_share=0.9,
                                       goldstein_drop=5.0))
    (a,) = report.alerts
    kinds = {c.kind: c for c in a.changes}
    assert kinds["conflict_share"].value == 1.0  # three conflict events of three
    assert kinds["goldstein_drop"].value == pytest.approx(8 / 5 - (-22 / 3))


def test_first_of_a_type_and_the_closest_when_nothing_fires(con):
    first = alerts.evaluate(con, rule(dyads=["PRK-KOR"], first_of=["ASSAULT"]))
    assert [c.detail for c in first.alerts[0].changes] == ["first ASSAULT event between them"]
    seen = alerts.evaluate(con, rule(dyads=["PRK-KOR"], first_of=["ACCUSE"]))
    assert seen.alerts == () and seen.closest[0].changes[0].detail == "ACCUSE seen before"


def test_history_walks_back_window_by_window(con):
    reports = alerts.evaluate_history(con, rule(dyads=["PRK-KOR"], counts={"AGREE": 1}))
    fired = [r.window_end for r in reports if r.alerts]
    assert fired == [dt.date(2024, 3, 2), dt.date(2024, 2, 1)]  # the AGREEs of Feb and Jan
    assert reports[0].window_end == dt.date(2024, 6, 30)


def test_zscore_alerts_skip_self_dyads_and_empty_baselines(con):
    opts = dict(window_days=30, baseline_windows=3)
    assert alerts.alerts(con, **opts).empty  # CHN-JPN: no baseline; KOR-PRK: 1 event in it
    loose = alerts.alerts(con, min_baseline_events=0, **opts)
    assert sorted(loose["dyad"]) == ["CHN-JPN", "KOR-PRK"]  # never KOR-KOR
    text = alerts.closest(con, threshold=3.0, min_events=3, **opts)
    assert "window 2024-06-01 to 2024-06-30" in text and "CHN-JPN: z 9" in text
    assert "(0 events in the baseline)" in text


def test_alert_message_counts_read_as_english_and_quote_the_evidence():
    """The message is read by a person woken by it: '1 independent story',
    the evidence sentence verbatim with outlet, date and link."""
    import pandas as pd

    from dyadwatch.notify.message import alert_message

    alert = {"id": "a1", "rule": "gulf", "dyad": "IRN-SAU", "window_start": "2025-01-01",
             "window_end": "2025-01-30", "n_events": 1, "n_stories": 1,
             "changes": [{"detail": "first ASSAULT event between them"}]}
    evidence = pd.DataFrame([{"sentence": "Drones struck an oil terminal near Ras Tanura.",
                              "outlet": "Gulf Wire", "date": "2025-01-29",
                              "url": "http://127.0.0.1/a.html"}])
    msg = alert_message(alert, evidence, "http://127.0.0.1:8000/")
    assert "Evidence: 1 event from 1 independent story." in msg.body
    assert ('- "Drones struck an oil terminal near Ras Tanura." (Gulf Wire, 2025-01-29) '
            "http://127.0.0.1/a.html") in msg.body
    assert "http://127.0.0.1:8000/alerts/a1" in msg.body
    two = alert_message({**alert, "n_events": 3, "n_stories": 2}, evidence.iloc[:0], None)
    assert "3 events from 2 independent stories." in two.body
