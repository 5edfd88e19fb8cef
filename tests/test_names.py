"""Names where codes are accepted, and labels for codes, from the package's
own actor tables (and small tables written here, to pin the rules)."""

from __future__ import annotations

import pytest

from dyadwatch.errors import QueryError
from dyadwatch.names import Names


@pytest.fixture(scope="module")
def names() -> Names:
    return Names.from_package()


@pytest.mark.parametrize("text, code", [
    ("China", "CHN"), ("china", "CHN"), ("  North   Korea ", "PRK"), ("North Korean", "PRK"),
    ("U.S.", "USA"), ("United States", "USA"), ("Georgia", "GEO"), ("DPRK", "PRK"),
    ("Kim Jong Un", "PRKGOV"), ("Chinese government", "CHNGOV"),
    ("South Korean military", "KORMIL"), ("United Nations", "IGOUNO"),
    ("chn", "CHN"), ("KORGOV", "KORGOV"), ("korgov", "KORGOV"), ("IGOUNO", "IGOUNO")])
def test_resolve(names, text, code):
    assert names.resolve(text) == code


@pytest.mark.parametrize("text, suggested", [("Chnia", "China (CHN)"),
                                             ("North Koera", "North Korea (PRK)")])
def test_a_miss_suggests_close_names_once_per_code(names, text, suggested):
    with pytest.raises(QueryError) as err:
        names.resolve(text)
    assert suggested in err.value.hint
    assert err.value.hint.count("(PRK)") <= 1


def test_six_letters_that_are_no_code_are_not_taken_as_one(names):
    # "Narnia" upper-cased has the shape of a code (NAR + NIA) but is none
    with pytest.raises(QueryError):
        names.resolve("Narnia")


@pytest.mark.parametrize("text, pair", [
    ("CHN-PRK", ("CHN", "PRK")), ("China - North Korea", ("CHN", "PRK")),
    ("China,North Korea", ("CHN", "PRK")), ("China North Korea", ("CHN", "PRK")),
    ("Guinea-Bissau-Senegal", ("GNB", "SEN")), ("korgov prkmil", ("KORGOV", "PRKMIL"))])
def test_resolve_pair(names, text, pair):
    assert names.resolve_pair(text) == pair


def test_resolve_pair_says_what_to_write(names):
    with pytest.raises(QueryError) as err:
        names.resolve_pair("China")
    assert "CHN-PRK" in err.value.hint


@pytest.mark.parametrize("code, label", [
    ("CHNGOV", "China: government"), ("USAGOV", "United States: government"),
    ("PRK", "North Korea"), ("IGOUNO", "United Nations"),
    ("KORMILGOV", "South Korea: military, government"),
    ("---COP", "Police (no country named)"), ("ZZZ", "ZZZ"), (None, "")])
def test_labels_name_the_sector_not_a_person(names, code, label):
    assert names.label(code) == label


def test_people_take_their_latest_office(tmp_path):
    (tmp_path / "c.csv").write_text("iso3,name,aliases,demonyms,capitals\n"
                                    "AAA,Aland,,Alandish,\nBBB,Borduria,,Bordurian,\n")
    (tmp_path / "o.csv").write_text("name,aliases,code,country,sector,kind,start,end\n")
    (tmp_path / "p.csv").write_text(
        "name,aliases,country,sector,role,start,end\n"
        "Ann Example,A. Example,AAA,MIL,chief,2001-01-01,2005-01-01\n"
        "Ann Example,,AAA,GOV,president,2010-01-01,\n")
    (tmp_path / "s.yaml").write_text("sectors:\n  GOV: {name: Government, words: [cabinet]}\n"
                                     "  MIL: {name: Military, words: [army]}\n")
    n = Names.from_paths(tmp_path / "c.csv", tmp_path / "o.csv", tmp_path / "p.csv",
                         tmp_path / "s.yaml")
    assert n.resolve("ann example") == "AAAGOV"
    assert n.resolve("A. Example") == "AAAGOV"
    assert n.resolve("Bordurian army") == "BBBMIL"
    assert n.resolve("alandish cabinet") == "AAAGOV"
    assert n.label("BBBMIL") == "Borduria: military"
