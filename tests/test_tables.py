"""Every data table goes through one loader and one declared schema: a
malformed entry is refused with the file and the entry (its line) named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from dyadwatch.config import data_dir
from dyadwatch.errors import MESSAGES, DataTableError
from dyadwatch.tables import Yaml12Loader, read_yaml


def _actors():
    from dyadwatch.coding.actor_tables import ActorTables

    return ActorTables.from_paths()


def _patterns():
    from dyadwatch.coding.ontology import Ontology
    from dyadwatch.coding.patterns import PatternSet

    return PatternSet.from_package(Ontology.from_package())


def _gender():
    from dyadwatch.coding.gender import GenderWords

    return GenderWords.from_package()


def _cleaner():
    from dyadwatch.sources.cleaner import Cleaner

    return Cleaner.from_package()


def _quotes():
    from dyadwatch.coding.quotes import QuoteExtractor

    return QuoteExtractor.from_package()


def _geo():
    from dyadwatch.coding.geo import Geocoder

    return Geocoder.from_package()


# (table, text to replace, replacement, text of the line the error must name, what is wrong, loader)
CASES = [
    ("countries.csv", "AFG,Afghanistan,", "AF,Afghanistan,", "AF,Afghanistan", "iso3", _actors),
    ("people.csv", "Hamid Karzai,,AFG,GOV,head_of_state,2001-12-22",
     "Hamid Karzai,,AFG,GOV,head_of_state,2001-12-32", "Hamid Karzai", "start", _actors),
    ("organisations.csv", "United Nations,UN|U.N.|UNO,IGOUNO,,,igo,,",
     "United Nations,UN|U.N.|UNO,IGOUNO,,,club,,", "United Nations,", "kind", _actors),
    ("sectors.yaml", "    name: Government\n", "    name: Government\n    colour: red\n",
     "colour: red", "unknown key 'sectors.GOV.colour'", _actors),
    ("titles.yaml", "{title: president, sector: GOV}", "{title: president, sector: GOB}",
     "title: president,", "'GOB' is not defined in sectors.yaml", _actors),
    ("actor_rules.yaml", "{phrase: both Koreas, countries: [KOR, PRK]}",
     "{phrase: both Koreas, countries: [KOR, PRQ]}", "both Koreas", "'PRQ'", _actors),
    ("gendered_words.yaml", "  male: [he, him, his, himself]\n",
     "  male: [he, him, his, himself]\n  neuter: [it]\n", "neuter", "unknown key", _gender),
    ("boilerplate.yaml", "  - from\n", "  - 12\n", "  - 12", "exact_lines.0", _cleaner),
    ("reporting_verbs.yaml", "  - say\n", "  - say it twice\n", "say it twice", "verbs.0",
     _quotes),
    ("geo_hints.yaml", 'weak_preps: ["on",', "weak_preps: [7,", "weak_preps", "weak_preps.0",
     _geo),
    ("geo_countries.csv", "AF,1149361,33,66", "AF,1149361,133,66", "AF,1149361", "lat", _geo),
    ("geo_admin1.tsv", "AF.27\tWardak\t1121863", "AF.27\tWardak\tx1121863", "Wardak",
     "geonameid", _geo),
    ("geo_places.csv", "Panmunjom,Panmunjeom|truce village of Panmunjom|Joint Security Area|JSA,place",
     "Panmunjom,Panmunjeom|truce village of Panmunjom|Joint Security Area|JSA,plaza", "Panmunjom,",
     "kind", _geo),
    ("patterns/verbs.yaml", "complement: intent, target: [with]}",
     "complement: hope, target: [with]}", "id: agree.with,", "id agree.with", _patterns),
    ("patterns/nouns.yaml", 'state-visit, mission], cameo: "042"',
     'state-visit, mission], cameo: "999"', "id: consult.n-visit",
     "'999' is not a CAMEO code of the ontology", _patterns),
    ("patterns/modality.yaml", "obligation_aux: [must, should, ought]\n",
     "obligation_aux: [must, should, ought]\nobligaton_aux: [must]\n", "obligaton_aux",
     "unknown key 'obligaton_aux'", _patterns),
    ("ontology.yaml", "  AGREE:\n    quad_class: 1\n", "  AGREE:\n    quad_class: one\n",
     "quad_class: one", "plover.AGREE.quad_class",
     _patterns),
]


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the data folder that the loaders read instead of the package's."""
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    monkeypatch.setenv("DYADWATCH_DATA_DIR", str(folder))
    return folder


@pytest.mark.parametrize("table, old, new, marker, problem, loader", CASES,
                         ids=[c[0] for c in CASES])
def test_malformed_entry_is_refused_with_file_and_line(data_copy, table, old, new, marker,
                                                       problem, loader):
    path = data_copy / table
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    edited = text.replace(old, new)
    path.write_text(edited, encoding="utf-8")
    line = next(i for i, row in enumerate(edited.splitlines(), start=1) if marker in row)
    with pytest.raises(DataTableError) as info:
        loader()
    message = str(info.value)
    assert f"{path}, line {line}" in message, message
    assert problem in message, message
    assert info.value.path == str(path) and info.value.entry.startswith(f"line {line}")
    assert info.value.code in MESSAGES


def test_the_untouched_copy_loads(data_copy):
    """So each failure above comes from its one edit."""
    for loader in {c[5] for c in CASES}:
        loader()


def test_every_table_has_a_case():
    """A new table must get a malformed-entry case above."""
    from dyadwatch.provenance import table_files

    folder = data_dir()
    tables = {p.relative_to(folder).as_posix() for p in table_files(folder)}
    assert tables == {c[0] for c in CASES}


def test_yaml_1_2_core_schema(tmp_path):
    """Words stay words (YAML 1.1 made on/off/yes/no booleans, dates dates,
    010 octal, 1:30 sexagesimal); true/false, null and numbers keep their types."""
    text = "a: [on, off, yes, no, 2024-02-24, 010, 0o10, 0x1F, 1:30, 1_000, true, ~, 1.5e3, .inf]"
    assert yaml.load(text, Loader=Yaml12Loader)["a"] == [
        "on", "off", "yes", "no", "2024-02-24", 10, 8, 31, "1:30", "1_000", True, None, 1500.0,
        float("inf")]
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataTableError, match=r"x\.yaml, line 3: not valid YAML 1\.2") as info:
        read_yaml(path)
    assert info.value.code == "E402"


def test_missing_table_names_the_file(tmp_path):
    from dyadwatch.coding.gender import GenderWords

    with pytest.raises(DataTableError, match=r"nope\.yaml: cannot read this data table") as info:
        GenderWords.from_path(tmp_path / "nope.yaml")
    assert info.value.code == "E401"


def test_code_text_raises_the_original_error_class(data_copy, nlp):
    """A broken table met while coding one text is a DataTableError naming the
    file (it used to become a plain DyadwatchError carrying only the code)."""
    import dyadwatch
    from dyadwatch.config import Settings
    from dyadwatch.errors import EmptyDocumentError

    path = data_copy / "titles.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{title: president, sector: GOV}", "{title: president, sector: GOB}"), encoding="utf-8")
    settings = Settings(batch_size=5)  # a pipeline of its own, loaded from the broken copy
    with pytest.raises(DataTableError) as info:
        dyadwatch.code_text("Chile's president met Peru's foreign minister.", settings=settings)
    assert info.value.path == str(path) and info.value.code == "E404"
    with pytest.raises(EmptyDocumentError):
        dyadwatch.code_text("   ", settings=settings)


def test_settings_errors_come_from_the_message_table():
    from dyadwatch.config import Settings
    from dyadwatch.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\[E411\] DYADWATCH_BATCH_SIZE='many' is not a number"):
        Settings.from_env({"DYADWATCH_BATCH_SIZE": "many"})
    with pytest.raises(ConfigError, match=r"\[E410\] unknown setting\(s\): colour\. See"):
        Settings.from_env({}, colour="red")
