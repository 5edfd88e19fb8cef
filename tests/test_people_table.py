"""Checks on src/dyadwatch/data/people.csv, the table of office holders.

The actor coder resolves a name to a country and sector *on the article's
date*, so a wrong date or a swapped country silently mis-codes every event
with that person. These tests guard the table's shape (columns, codes,
dates), its internal consistency (no two holders of a one-person office at
once) and a handful of facts that are easy to check by hand.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pycountry
import pytest

from dyadwatch.coding.actors import ActorCoder
from dyadwatch.types import Article

TABLE = Path(__file__).resolve().parents[1] / "src" / "dyadwatch" / "data" / "people.csv"
COLUMNS = ["name", "aliases", "country", "sector", "role", "start", "end"]
SECTORS = {"GOV", "MIL", "OPP"}
# Officials of international organisations carry the organisation's CAMEO code
# (as in organisations.csv) in the country column instead of an ISO3 code.
IGO_CODE = re.compile(r"IGO(?:[A-Z]{3})+")
ORGANISATIONS = TABLE.with_name("organisations.csv")
# Offices held by one person at a time in a country or an organisation.
SINGLE_HOLDER_ROLES = {
    "head_of_state",
    "head_of_government",
    "foreign_minister",
    "defence_minister",
    "un_secretary_general",
    "commission_president",
    "council_president",
    "high_representative",
    "nato_secretary_general",
    "un_spokesperson",
    "syria_envoy",
    "yemen_envoy",
}
# Overlaps that are real: a suspended or incapacitated holder kept the
# office while someone else exercised it. Each entry: (country, role,
# holder, other holder).
KNOWN_OVERLAPS = {
    ("BRA", "head_of_state", "Dilma Rousseff", "Michel Temer"),  # suspended 2016-05-12
    ("ISR", "head_of_government", "Ariel Sharon", "Ehud Olmert"),  # stroke 2006-01-04
    ("NGA", "head_of_state", "Umaru Musa Yar'Adua", "Goodluck Jonathan"),  # ill 2009-11
    # Soviet president (coded RUS, the USSR's continuator) beside the Russian SFSR's
    # elected president until the USSR dissolved on 1991-12-25
    ("RUS", "head_of_state", "Mikhail Gorbachev", "Boris Yeltsin"),
}
# Offices whose holders news quotes by name as the voice of a foreign ministry
# (or of the EU's foreign service and the UN Secretary-General). Several
# spokespeople can serve at once, so each office must have at least one.
SPOKESPERSON_OFFICES = [
    ("CHN", "fm_spokesperson"), ("RUS", "fm_spokesperson"),
    ("USA", "state_department_spokesperson"), ("KOR", "fm_spokesperson"),
    ("JPN", "fm_spokesperson"), ("FRA", "fm_spokesperson"), ("DEU", "fm_spokesperson"),
    ("IND", "fm_spokesperson"), ("TUR", "fm_spokesperson"), ("IRN", "fm_spokesperson"),
    ("ISR", "fm_spokesperson"), ("IGOEUREEC", "fm_spokesperson"),
    ("IGOUNO", "un_spokesperson"),
]
G20 = ["ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA",
       "JPN", "KOR", "MEX", "RUS", "SAU", "ZAF", "TUR", "GBR", "USA"]


def _rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _span(row: dict[str, str]) -> tuple[date, date]:
    start = date.fromisoformat(row["start"])
    end = date.fromisoformat(row["end"]) if row["end"] else date.max
    return start, end


def _holders(rows, role: str, on: date, country: str | None = None) -> set[str]:
    found = set()
    for r in rows:
        if r["role"] != role or (country is not None and r["country"] != country):
            continue
        start, end = _span(r)
        if start <= on <= end:
            found.add(r["name"])
    return found


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _rows()


def test_header_and_row_shape():
    with TABLE.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert next(reader) == COLUMNS
        for lineno, record in enumerate(reader, start=2):
            assert len(record) == len(COLUMNS), f"line {lineno}: {record}"


def test_fields_are_valid(rows):
    assert len(rows) > 500
    for r in rows:
        where = f"{r['name']} / {r['role']} / {r['start']}"
        for key in COLUMNS:
            assert r[key] == r[key].strip(), f"stray whitespace in {key}: {where}"
        assert r["name"], where
        if IGO_CODE.fullmatch(r["country"]):
            # The organisation's code already says what the actor is (IGOUNO).
            assert r["sector"] == "", where
        else:
            assert pycountry.countries.get(alpha_3=r["country"]) is not None, where
            assert r["sector"] in SECTORS, where
        assert re.fullmatch(r"[a-z][a-z_]*[a-z]", r["role"]), where
        start, end = _span(r)
        assert start <= end, where
        assert start.year >= 1950 and (end == date.max or end.year <= 2026), where


def test_aliases_are_clean(rows):
    for r in rows:
        if not r["aliases"]:
            continue
        aliases = r["aliases"].split("|")
        assert all(a and a == a.strip() for a in aliases), r["name"]
        assert r["name"] not in aliases, r["name"]
        assert len(aliases) == len(set(aliases)), r["name"]
        # Bare surnames are resolved in-article by the coder, not here; a
        # one-word alias is allowed only when it is not the name's last word
        # ("Lula", "Jokowi", "MBS").
        surname = r["name"].split()[-1]
        assert surname not in aliases, r["name"]


def test_organisation_codes_match_organisations_table(rows):
    """An IGO code here must be one the organisations table uses, so that a
    person and their organisation code the same way."""
    if not ORGANISATIONS.exists():
        pytest.skip("organisations.csv is not in the package")
    with ORGANISATIONS.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    codes = {r["code"] for r in csv.DictReader(lines)}
    used = {r["country"] for r in rows if IGO_CODE.fullmatch(r["country"])}
    assert used and used <= codes, used - codes


def test_no_duplicate_rows(rows):
    keys = [(r["name"], r["role"], r["start"]) for r in rows]
    dupes = {k for k in keys if keys.count(k) > 1}
    assert not dupes


def test_same_person_same_office_does_not_overlap(rows):
    spans = defaultdict(list)
    for r in rows:
        spans[(r["name"], r["country"], r["role"])].append(_span(r))
    for key, items in spans.items():
        items.sort()
        for (s1, e1), (s2, e2) in zip(items, items[1:]):
            assert e1 <= s2, f"{key}: {s1}..{e1} overlaps {s2}..{e2}"


def test_single_holder_offices_do_not_overlap(rows):
    """Two holders of one office may share the handover day, never more."""
    by_office = defaultdict(list)
    for r in rows:
        if r["role"] in SINGLE_HOLDER_ROLES:
            by_office[(r["country"], r["role"])].append((*_span(r), r["name"]))
    clashes = []
    for (country, role), items in by_office.items():
        items.sort()
        for i, (s1, e1, n1) in enumerate(items):
            for s2, e2, n2 in items[i + 1:]:
                if s2 >= e1:
                    break
                if n1 != n2 and (country, role, n1, n2) not in KNOWN_OVERLAPS:
                    clashes.append(f"{country} {role}: {n1} ..{e1} / {n2} {s2}..")
    assert not clashes, "\n".join(clashes)


@pytest.mark.parametrize("on", [date(2005, 1, 1), date(2015, 6, 1), date(2024, 1, 1)])
def test_g20_core_offices_are_covered(rows, on):
    missing = []
    for country in G20:
        leaders = _holders(rows, "head_of_state", on, country) | _holders(
            rows, "head_of_government", on, country
        )
        if not leaders:
            missing.append((country, "leader"))
        for role in ("foreign_minister", "defence_minister"):
            if not _holders(rows, role, on, country):
                missing.append((country, role))
    assert not missing


@pytest.mark.parametrize("on", [date(2015, 6, 1), date(2022, 6, 1)])
@pytest.mark.parametrize(("country", "role"), SPOKESPERSON_OFFICES)
def test_spokesperson_offices_are_covered(rows, country, role, on):
    assert _holders(rows, role, on, country), f"no {role} for {country} on {on}"


def test_spokespeople_and_envoys_are_government_officials(rows):
    """A spokesperson or envoy speaks for a government (GOV) or, for an
    organisation's official, for the organisation itself (empty sector)."""
    for r in rows:
        if r["role"].endswith(("spokesperson", "envoy")):
            expected = "" if IGO_CODE.fullmatch(r["country"]) else "GOV"
            assert r["sector"] == expected, f"{r['name']} / {r['role']}"


def test_spokesperson_and_envoy_spot_facts(rows):
    assert _holders(rows, "fm_spokesperson", date(2016, 1, 1), "IND") == {"Vikas Swarup"}
    assert "Vikas Swarup" not in _holders(rows, "fm_spokesperson", date(2018, 1, 1), "IND")
    assert _holders(rows, "fm_spokesperson", date(2023, 6, 1), "IND") == {"Arindam Bagchi"}
    assert _holders(rows, "fm_spokesperson", date(2021, 6, 1), "IRN") == {"Saeed Khatibzadeh"}
    assert _holders(rows, "fm_spokesperson", date(2023, 1, 1), "UKR") == {"Oleh Nikolenko"}
    assert _holders(rows, "fm_spokesperson", date(2016, 1, 1), "KOR") == {"Cho June-hyuck"}
    assert _holders(rows, "un_spokesperson", date(2008, 6, 1), "IGOUNO") == {"Michèle Montas"}
    assert _holders(rows, "un_spokesperson", date(2020, 1, 1), "IGOUNO") == {"Stéphane Dujarric"}
    assert _holders(rows, "syria_envoy", date(2012, 6, 1), "IGOUNO") == {"Kofi Annan"}
    assert _holders(rows, "syria_envoy", date(2016, 1, 1), "IGOUNO") == {"Staffan de Mistura"}
    assert _holders(rows, "yemen_envoy", date(2019, 1, 1), "IGOUNO") == {"Martin Griffiths"}
    assert _holders(rows, "vice_foreign_minister", date(2013, 1, 1), "PRK") == {"Ri Yong-ho"}


@pytest.fixture(scope="module")
def packaged_coder() -> ActorCoder:
    return ActorCoder.from_package()


@pytest.mark.parametrize(("text", "name", "on", "code"), [
    ("Spokesman Stephane Dujarric told reporters the convoy had reached the town.",
     "Stephane Dujarric", date(2019, 3, 4), "IGOUNO"),
    ("Arindam Bagchi, the ministry's spokesperson, rejected the remarks on Thursday.",
     "Arindam Bagchi", date(2022, 9, 8), "INDGOV"),
    # after his spokesperson term: a former official (ELI), as for any office
    ("Arindam Bagchi, the ministry's spokesperson, rejected the remarks on Thursday.",
     "Arindam Bagchi", date(2025, 9, 8), "INDELI"),
    ("Envoy Hans Grundberg met both delegations in Muscat.",
     "Hans Grundberg", date(2023, 4, 12), "IGOUNO"),
])
def test_shipped_table_codes_spokespeople_and_envoys_by_date(nlp, packaged_coder, text,
                                                             name, on, code):
    """The packaged coder reads these rows: a name codes by the office held
    on the article's date."""
    mentions = packaged_coder.code(nlp(text), Article(id="t", text=text, date=on))
    found = {m.actor.code for m in mentions if name in m.text}
    assert found == {code}, [(m.text, m.actor.code) for m in mentions]


def test_wang_yi_two_terms_as_foreign_minister(rows):
    assert _holders(rows, "foreign_minister", date(2015, 6, 1), "CHN") == {"Wang Yi"}
    assert _holders(rows, "foreign_minister", date(2024, 1, 1), "CHN") == {"Wang Yi"}
    assert _holders(rows, "foreign_minister", date(2023, 3, 1), "CHN") == {"Qin Gang"}
    terms = [r for r in rows if r["name"] == "Wang Yi" and r["role"] == "foreign_minister"]
    assert len(terms) == 2


def test_korean_presidents(rows):
    moon = [r for r in rows if r["name"] == "Moon Jae-in" and r["role"] == "head_of_state"]
    assert [(r["start"], r["end"]) for r in moon] == [("2017-05-10", "2022-05-09")]
    assert _holders(rows, "head_of_state", date(2018, 4, 27), "KOR") == {"Moon Jae-in"}
    assert _holders(rows, "head_of_state", date(2023, 1, 1), "KOR") == {"Yoon Suk Yeol"}
    assert _holders(rows, "head_of_state", date(2006, 1, 1), "KOR") == {"Roh Moo-hyun"}


def test_north_korean_leadership(rows):
    assert _holders(rows, "supreme_leader", date(2005, 1, 1), "PRK") == {"Kim Jong-il"}
    assert _holders(rows, "supreme_leader", date(2018, 6, 12), "PRK") == {"Kim Jong-un"}
    assert _holders(rows, "foreign_minister", date(2023, 1, 1), "PRK") == {"Choe Son-hui"}
    assert _holders(rows, "foreign_minister", date(2003, 1, 1), "PRK") == {"Paek Nam-sun"}
    assert "Choe Son-hui" not in _holders(rows, "foreign_minister", date(2021, 1, 1), "PRK")


def test_other_spot_facts(rows):
    assert _holders(rows, "foreign_minister", date(2019, 1, 1), "USA") == {"Mike Pompeo"}
    assert _holders(rows, "foreign_minister", date(2010, 1, 1), "RUS") == {"Sergey Lavrov"}
    assert _holders(rows, "head_of_state", date(2010, 1, 1), "CHN") == {"Hu Jintao"}
    assert _holders(rows, "un_secretary_general", date(2010, 1, 1), "IGOUNO") == {"Ban Ki-moon"}
    assert _holders(rows, "high_representative", date(2016, 1, 1), "IGOEUREEC") == {
        "Federica Mogherini"}
    assert _holders(rows, "foreign_minister", date(2005, 1, 1), "KOR") == {"Ban Ki-moon"}
    assert _holders(rows, "special_envoy", date(2018, 1, 1), "CHN") == {"Kong Xuanyou"}
    assert _holders(rows, "head_of_government", date(2016, 1, 1), "JPN") == {"Shinzo Abe"}


def test_alias_forms_are_present(rows):
    aliases = defaultdict(set)
    for r in rows:
        aliases[r["name"]].update(a for a in r["aliases"].split("|") if a)
    assert {"Kim Jong Un", "Kim Jong-Un"} <= aliases["Kim Jong-un"]
    assert "Yoon Suk-yeol" in aliases["Yoon Suk Yeol"]
    # An alias must not be another person's usual name.
    names = set(aliases)
    for name, forms in aliases.items():
        assert not (forms & (names - {name})), name
