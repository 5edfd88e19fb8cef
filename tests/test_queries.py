"""Read queries on real DuckDB files built with the store's own writer and
deduplicated by dedup.update: filters, stable paging, evidence of one event,
quotes, actors, and hostile input (SQL in filters, bad dates).

`build_db` and `Ev` are shared with test_analysis.py and test_cli_reads.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dyadwatch.store import dedup
from dyadwatch.store import queries
from dyadwatch.config import Settings
from dyadwatch.errors import NotFoundError, QueryError
from dyadwatch.store.db import Store
from dyadwatch.types import Actor, Article, DocResult, Event, Location, Mention, Quote, Sentence


@dataclass(frozen=True)
class Ev:
    """One event to store: its article holds its sentence (articles named
    alike share one text, sentences in order)."""

    id: str
    date: str | None
    source: str | None
    target: str | None
    plover: str
    quad: int
    gold: float
    sentence: str
    trigger: str
    source_text: str | None = None
    target_text: str | None = None
    article: str | None = None
    outlet: str = "Peninsula Wire"
    negated: bool = False
    modality: str = "asserted"
    quote: tuple[str, str | None] | None = None  # (quoted text in the sentence, speaker code)
    geo: tuple[str, str, float, float] | None = None  # name, ISO3, lat, lon


def _actor(code: str | None) -> Actor | None:
    if code is None:
        return None
    return Actor(code, code[:3], code[3:] or None, f"name of {code}")


def build_db(path: Path, specs: list[Ev]) -> None:
    """Write `specs` through Store.write (one DocResult per article) and run
    the real dedup, so canonical events are what the pipeline would make."""
    by_article: dict[str, list[Ev]] = defaultdict(list)
    for ev in specs:
        by_article[ev.article or f"art-{ev.id}"].append(ev)
    results = []
    for art_id, evs in by_article.items():
        text = " ".join(e.sentence for e in evs)
        first_date = next((e.date for e in evs if e.date), None)
        art = Article(id=art_id, text=text, title=f"Report {art_id}", outlet=evs[0].outlet,
                      date=dt.date.fromisoformat(first_date) if first_date else None,
                      url=f"https://news.example/{art_id}")
        sents, mentions, events, quotes = [], [], [], []
        pos = 0
        for idx, e in enumerate(evs):
            start = text.index(e.sentence, pos)
            pos = start + len(e.sentence)
            sents.append(Sentence(art_id, idx, e.sentence, start, pos))
            for code, span in ((e.source, e.source_text), (e.target, e.target_text)):
                if code and span:
                    at = start + e.sentence.index(span)
                    mentions.append(Mention(span, at, at + len(span), 0, 1, idx, _actor(code)))
            quote_id = None
            if e.quote:
                quote_id = f"q-{e.id}"
                qs = start + e.sentence.index(e.quote[0])
                quotes.append(Quote(quote_id, art_id, e.quote[0], qs, qs + len(e.quote[0]),
                                    "direct", "the spokesman", _actor(e.quote[1]), "said",
                                    idx, idx))
            ts = start + e.sentence.index(e.trigger)
            loc = None if e.geo is None else Location(
                e.geo[0], "place", e.geo[1], None, None, e.geo[2], e.geo[3], e.geo[0])
            events.append(Event(
                id=e.id, article_id=art_id, sentence_index=idx, sentence=e.sentence,
                trigger=e.trigger, trigger_start=ts, trigger_end=ts + len(e.trigger),
                plover=e.plover, cameo=None, goldstein=e.gold, quad_class=e.quad,
                source=_actor(e.source), target=_actor(e.target),
                source_text=e.source_text, target_text=e.target_text,
                date=dt.date.fromisoformat(e.date) if e.date else None,
                date_source="sentence" if e.date else "none",
                negated=e.negated, modality=e.modality, location=loc, quote_id=quote_id))
        results.append(DocResult(art, tuple(sents), tuple(mentions), tuple(events),
                                 tuple(quotes)))
    with Store.open(path) as store:
        store.write(results)
        dedup.update(store.con, Settings())


# -- a small Korean-peninsula corpus ---------------------------------------------

SPECS = [
    Ev("e01", "2024-03-04", "CHNGOV", "PRKGOV", "CONSULT", 1, 1.0,
       "Chinese diplomats met North Korean officials in Pyongyang on Monday.", "met",
       "Chinese diplomats", "North Korean officials", geo=("Pyongyang", "PRK", 39.03, 125.75)),
    # the same meeting reported by a second outlet: one canonical event, two mentions
    Ev("e02", "2024-03-05", "CHNGOV", "PRKGOV", "CONSULT", 1, 1.0,
       "Beijing's envoys held talks with Pyongyang's leaders this week.", "held talks",
       "Beijing", "Pyongyang", outlet="Harbour Times"),
    Ev("e03", "2024-03-10", "PRKMIL", "KORMIL", "ASSAULT", 4, -10.0,
       "North Korean gunners shelled a South Korean island near Busan, the military said.",
       "shelled", "North Korean gunners", "a South Korean island",
       geo=("Busan", "KOR", 35.10, 129.04)),
    Ev("e04", "2024-03-10", "KORGOV", "PRKGOV", "ACCUSE", 3, -2.0,
       "Seoul accused Pyongyang of reckless aggression, saying \"this attack crossed a "
       "red line\" in a statement.", "accused", "Seoul", "Pyongyang",
       quote=("this attack crossed a red line", "KORGOV")),
    Ev("e05", "2024-03-12", "CHNGOV", "PRKGOV", "REQUEST", 3, -0.1,
       "China urged North Korea to show restraint after the shelling.", "urged",
       "China", "North Korea"),
    Ev("e06", "2024-03-15", "PRKGOV", "CHNGOV", "REJECT", 3, -4.0,
       "North Korea rebuffed China's call for calm.", "rebuffed", "North Korea", "China"),
    Ev("e07", "2024-03-20", "CHNGOV", "PRKGOV", "SANCTION", 4, -4.4,
       "China did not impose new sanctions on North Korea.", "impose", "China",
       "North Korea", negated=True),
    Ev("e08", "2024-04-02", "USAGOV", "KORGOV", "AID", 2, 7.4,
       "Washington shipped emergency supplies to Seoul after the attack near Busan.",
       "shipped", "Washington", "Seoul", geo=("Busan", "KOR", 35.18, 129.08)),
    Ev("e09", "2024-04-03", "JPNGOV", "KORGOV", "SUPPORT", 1, 3.4,
       "Tokyo voiced support for Seoul in Tokyo on Wednesday.", "voiced support",
       "Tokyo", "Seoul", geo=("Tokyo", "JPN", 35.69, 139.69)),
    Ev("e10", "2024-04-05", "CHNGOV", "PRKGOV", "COOPERATE", 2, 6.0,
       "China will reopen its border with North Korea next month.", "reopen", "China",
       "North Korea", modality="future"),
    Ev("e11", None, "KORGOV", "JPNGOV", "CONSULT", 1, 1.0,
       "Seoul and Tokyo officials spoke by phone.", "spoke", "Seoul", "Tokyo"),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("queries") / "q.duckdb"
    build_db(path, SPECS)
    with Store.open(path, read_only=True) as store:
        yield store.cursor()


def ids(df) -> list[str]:
    return list(df["id"])


def test_factual_events_in_date_order_with_undated_last(con):
    df = queries.list_events(con)
    assert ids(df) == ["e01", "e02", "e03", "e04", "e05", "e06", "e08", "e09", "e11"]
    assert df.loc[0, "date"] == dt.date(2024, 3, 4)
    assert df.loc[0, "title"] == "Report art-e01" and df.loc[1, "outlet"] == "Harbour Times"


def test_nonfactual_on_request(con):
    df = queries.list_events(con, include_nonfactual=True)
    assert {"e07", "e10"} <= set(ids(df)) and len(df) == 11


def test_dyad_is_undirected_unless_directed(con):
    assert ids(queries.list_events(con, dyad=("CHN", "PRK"))) == ["e01", "e02", "e05", "e06"]
    assert ids(queries.list_events(con, dyad="CHN-PRK", directed=True)) == ["e01", "e02", "e05"]
    assert ids(queries.list_events(con, dyad="PRK CHN", directed=True)) == ["e06"]


def test_actor_codes_match_by_prefix(con):
    assert ids(queries.list_events(con, actor="PRKMIL")) == ["e03"]
    assert ids(queries.list_events(con, actor="prk")) == ["e01", "e02", "e03", "e04", "e05",
                                                           "e06"]
    assert ids(queries.list_events(con, dyad=("KORGOV", "PRK"))) == ["e04"]


def test_type_quad_dates_text_filters(con):
    assert ids(queries.list_events(con, plover="consult")) == ["e01", "e02", "e11"]
    assert ids(queries.list_events(con, quad_class=3)) == ["e04", "e05", "e06"]
    assert ids(queries.list_events(con, since="2024-03-10", until="2024-03-12")) == [
        "e03", "e04", "e05"]
    assert ids(queries.list_events(con, since="2024-04")) == ["e08", "e09"]
    assert ids(queries.list_events(con, until="2024-03")) == ["e01", "e02", "e03", "e04",
                                                              "e05", "e06"]
    assert ids(queries.list_events(con, text="RESTRAINT")) == ["e05"]


def test_canonical_keeps_one_mention_per_event(con):
    df = queries.list_events(con, dyad=("CHN", "PRK"), canonical=True)
    assert ids(df) == ["e01", "e05", "e06"]
    assert df.loc[0, "canonical_id"] == queries.list_events(con, dyad=("CHN", "PRK")).loc[
        1, "canonical_id"]


def test_country_and_near_filters(con):
    assert ids(queries.list_events(con, country="KOR")) == ["e03", "e08"]
    busan = (35.18, 129.08)
    df = queries.list_events(con, near=busan, within_km=20)
    assert ids(df) == ["e03", "e08"]
    # e03 is 9.6 km from the given point (haversine), e08 is at it
    assert list(df["distance_km"]) == [9.6, 0.0]
    assert ids(queries.list_events(con, near=busan, within_km=5)) == ["e08"]
    assert ids(queries.list_events(con, near=busan, within_km=600)) == ["e01", "e03", "e08"]


def test_pagination_is_stable_and_complete(con):
    full = ids(queries.list_events(con, limit=None))
    pages = [ids(queries.list_events(con, limit=2, offset=o)) for o in range(0, 10, 2)]
    assert [i for p in pages for i in p] == full
    assert pages == [ids(queries.list_events(con, limit=2, offset=o)) for o in range(0, 10, 2)]
    assert queries.count_events(con) == len(full) == 9
    assert queries.count_events(con, dyad=("CHN", "PRK")) == 4


@pytest.mark.parametrize("evil", ["'; DROP TABLE events; --", "%", "_", "x' OR '1'='1",
                                  "\\", "\"); SELECT 1; --"])
def test_sql_in_text_filters_matches_nothing(con, evil):
    assert len(queries.list_events(con, text=evil)) == 0
    assert len(queries.list_quotes(con, text=evil)) == 0
    assert len(queries.list_articles(con, text=evil)) == 0
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 11


@pytest.mark.parametrize("kwargs", [{"actor": "CHN' OR 1=1 --"}, {"dyad": "CHN-PRK-USA"},
                                    {"plover": "BOMB"}, {"quad_class": 5},
                                    {"country": "K'R"}, {"near": (95, 0)},
                                    {"near": (35.0, 129.0), "within_km": "far"}])
def test_bad_filters_raise_query_error(con, kwargs):
    with pytest.raises(QueryError):
        queries.list_events(con, **kwargs)


@pytest.mark.parametrize("bad", ["yesterday", "2024-13-01", "2024-02-30", "24/03/2024", "2024-1x"])
def test_bad_dates_raise_query_error(con, bad):
    with pytest.raises(QueryError, match="not a date"):
        queries.list_events(con, since=bad)


def test_since_after_until_is_an_error(con):
    with pytest.raises(QueryError, match="after"):
        queries.list_events(con, since="2024-05-01", until="2024-04-01")


def test_parse_helpers():
    assert queries.parse_date("2024-02", end=True) == dt.date(2024, 2, 29)
    assert queries.parse_date("2023", end=True) == dt.date(2023, 12, 31)
    assert queries.parse_date("2023-12", end=True) == dt.date(2023, 12, 31)
    assert queries.parse_dyad("chn-prk") == ("CHN", "PRK")
    assert queries.parse_dyad(["KORGOV", "PRKMIL"]) == ("KORGOV", "PRKMIL")
    assert queries.parse_distance_km("100km") == 100.0
    assert queries.parse_distance_km("10 mi") == pytest.approx(16.09344)
    assert queries.parse_latlon("35.1, 129.0") == (35.1, 129.0)
    assert queries.parse_latlon("Busan") is None


def test_get_event_spans_highlight_the_right_words(con):
    ev = queries.get_event(con, "e04")
    s = ev["sentence"]
    text = s["text"]
    assert text == SPECS[3].sentence
    assert text[slice(*s["trigger"])] == "accused"
    assert text[slice(*s["source"])] == "Seoul"
    assert text[slice(*s["target"])] == "Pyongyang"
    assert ev["article"]["title"] == "Report art-e04"
    assert ev["article"]["date"] == dt.date(2024, 3, 10)
    assert [q["text"] for q in ev["quotes"]] == ["this attack crossed a red line"]
    assert ev["quotes"][0]["speaker"] == "KORGOV"
    assert ev["event"]["plover"] == "ACCUSE" and ev["other_mentions"] == []


def test_get_event_lists_the_other_mentions_of_its_canonical_event(con):
    ev = queries.get_event(con, "e01")
    assert ev["canonical"]["n_mentions"] == 2
    assert [m["event_id"] for m in ev["other_mentions"]] == ["e02"]
    assert ev["other_mentions"][0]["outlet"] == "Harbour Times"


def test_get_event_missing_is_not_found(con):
    with pytest.raises(NotFoundError):
        queries.get_event(con, "no-such-event' OR '1'='1")


def test_quotes_with_speaker_and_event_ids(con):
    df = queries.list_quotes(con)
    assert list(df["text"]) == ["this attack crossed a red line"]
    row = df.iloc[0]
    assert (row["speaker"], row["speaker_country"], row["article_id"]) == (
        "KORGOV", "KOR", "art-e04")
    assert row["event_ids"] == ["e04"]
    assert len(queries.list_quotes(con, speaker="KOR")) == 1
    assert len(queries.list_quotes(con, speaker="CHN")) == 0
    assert len(queries.list_quotes(con, dyad=("PRK", "KOR"))) == 1
    assert len(queries.list_quotes(con, dyad=("CHN", "PRK"))) == 0
    assert len(queries.list_quotes(con, since="2024-04-01")) == 0


def test_articles_and_one_article(con):
    df = queries.list_articles(con)
    assert list(df["id"])[:2] == ["art-e01", "art-e02"] and len(df) == 11
    assert list(queries.list_articles(con, outlet="harbour times")["id"]) == ["art-e02"]
    art = queries.get_article(con, "art-e04")
    assert art["article"]["text"] == SPECS[3].sentence
    assert [e["id"] for e in art["events"]] == ["e04"]
    assert len(art["quotes"]) == 1
    with pytest.raises(NotFoundError):
        queries.get_article(con, "nope")


def test_actors_with_counts(con):
    df = queries.list_actors(con)
    top = df.iloc[0]
    # factual: PRKGOV is source of e06 and target of e01 e02 e04 e05
    assert (top["code"], top["n_as_source"], top["n_as_target"], top["n_events"]) == (
        "PRKGOV", 1, 4, 5)
    assert set(queries.list_actors(con, prefix="KOR")["code"]) == {"KORGOV", "KORMIL"}


def test_fetch_records_gives_the_records_of_a_frame():
    """`fetch_records` (no pandas) must give what `records(frame(...))` gives
    for every kind of value a listing holds, NULLs included: 128-bit sums and
    decimals as floats, timestamps as dates, NaN as None, lists as lists."""
    con = duckdb.connect()
    sql = """SELECT * FROM (VALUES
        (1::INTEGER, 2.5::DOUBLE, 'x', true, DATE '2024-02-23', TIMESTAMP '2024-02-23 10:11:12',
         10::HUGEINT, 1.25::DECIMAL(6, 2), ['a', 'b'], [1.5, 2.0], 'NaN'::DOUBLE, 3::BIGINT),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))
        t(i, f, s, b, d, ts, h, dec, l, fl, nan, big)"""
    fast = queries.fetch_records(con, sql)
    assert fast == queries.records(queries.frame(con, sql))
    assert [type(v) for v in fast[0].values()] == [
        int, float, str, bool, dt.date, dt.date, float, float, list, list, type(None), int]
    assert set(fast[1].values()) == {None}
