"""The actor coder's dictionaries, loaded from the data files into frozen records.

Why a module of its own: the tables are validated once, with errors that name
the file and line, and then shared read-only by every `ActorCoder` (and by
`ActorCoder.lookup`). Nothing here touches spaCy; `actors.py` turns the index
into a PhraseMatcher.

Files (src/dyadwatch/data/, documented in PROVENANCE.md): countries.csv,
sectors.yaml, titles.yaml, organisations.csv, actor_rules.yaml and, when it
exists, people.csv (name,aliases,country,sector,role,start,end).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..config import data_path
from ..prebuilt import reduce_fields
from ..types import Actor

#: Sector codes that appear only in data rows (people.csv) or from rules, besides
#: the ones sectors.yaml defines: ELI (elites, former office holders), PPL.
EXTRA_SECTORS = frozenset({"ELI", "PPL", "ENV", "DEV", "MNC"})
#: When two entries share a surface form, the first kind in this order wins.
KIND_PRIORITY = ("nonactor", "plural_ref", "group", "org", "person", "country", "capital",
                 "demonym", "north_south", "bare_korea", "role")
#: Confidence of a person's code: in office on the article's date; undated
#: article (latest office assumed); out of office (ELI) or not yet in office.
PERSON_IN_OFFICE = 0.95
PERSON_UNDATED = 0.75
PERSON_OUT_OF_OFFICE = 0.7


@dataclass(frozen=True, slots=True)
class Office:
    """One row of people.csv: a person in one office for a period."""

    country: str  # ISO3, or an organisation code such as IGOUNO
    sector: str | None
    role: str
    start: dt.date | None
    end: dt.date | None

    __reduce__ = reduce_fields  # read back fast from the prebuilt cache


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    offices: tuple[Office, ...]

    __reduce__ = reduce_fields  # read back fast from the prebuilt cache


@dataclass(frozen=True, slots=True)
class OrgVariant:
    """An organisation's code over a period (the Taliban are REB or GOV by date)."""

    code: str
    country: str | None
    sector: str | None
    kind: str
    start: dt.date | None
    end: dt.date | None

    __reduce__ = reduce_fields  # read back fast from the prebuilt cache


@dataclass(frozen=True, slots=True)
class Entry:
    """What one surface form in the tables stands for.

    kind: country | capital | demonym | org | person | role | group |
    plural_ref | nonactor | north_south | bare_korea. Only the fields that
    matter for a kind are set.
    """

    kind: str
    surface: str
    countries: tuple[str, ...] = ()
    sector: str | None = None
    name: str | None = None
    role_kind: str | None = None  # "minister", "ministry", ... for coreference
    person_title: bool = False  # a title held by one person ("minister", not "troops")
    inherit: bool = False  # takes the sector of the sector word before it
    needs_country: bool = False
    without_country: str | None = None
    default_country: str | None = None
    count: int = 0
    orgs: tuple[OrgVariant, ...] = ()
    person: Person | None = None
    surname: bool = False  # a bare surname ("Putin"), coded only when one holder fits the date

    __reduce__ = reduce_fields  # read back fast from the prebuilt cache


@dataclass(frozen=True)
class Rules:
    """actor_rules.yaml, as sets and maps."""

    korea_context: tuple[str, ...]
    korea_south: tuple[str, ...]
    modifiers: frozenset[str]
    former: frozenset[str]
    locative: frozenset[str]
    context_sectors: frozenset[str]
    hyphen_suffixes: frozenset[str]
    person_pronouns: frozenset[str]
    thing_pronouns: frozenset[str]
    expletive_heads: frozenset[str]
    family_name_first: frozenset[str]
    surname_stoplist: frozenset[str]
    surname_roles: frozenset[str]
    surname_roles_family_first: frozenset[str]
    regions: frozenset[str]


@dataclass(frozen=True)
class ActorTables:
    """Every surface form (lower-cased) -> the entries it can stand for."""

    index: dict[str, tuple[Entry, ...]]
    countries: dict[str, str]  # ISO3 -> canonical name
    sectors: frozenset[str]
    org_codes: dict[str, OrgVariant]
    rules: Rules
    sources: tuple[str, ...] = field(default=())

    @classmethod
    def from_paths(cls, *, countries: Path | None = None, sectors: Path | None = None,
                   titles: Path | None = None, organisations: Path | None = None,
                   rules: Path | None = None, people: Path | None = None) -> "ActorTables":
        """Load and validate the tables; omitted paths mean the packaged files.

        people.csv is optional: when the packaged file does not exist, names of
        people are not coded (titles and countries still are)."""
        countries = countries or data_path("countries.csv")
        sectors = sectors or data_path("sectors.yaml")
        titles = titles or data_path("titles.yaml")
        organisations = organisations or data_path("organisations.csv")
        rules = rules or data_path("actor_rules.yaml")
        if people is None and data_path("people.csv").exists():
            people = data_path("people.csv")
        entries: list[Entry] = []
        country_names = _load_countries(Path(countries), entries)
        sector_codes = _load_sectors(Path(sectors), entries)
        _load_titles(Path(titles), entries, sector_codes, country_names)
        known_sectors = sector_codes | EXTRA_SECTORS
        org_codes = _load_orgs(Path(organisations), entries, country_names, known_sectors)
        rule_set = _load_rules(Path(rules), entries, country_names)
        if people is not None:
            load_people(Path(people), entries, country_names, known_sectors)
            _add_surnames(entries, rule_set)
        index: dict[str, list[Entry]] = {}
        for entry in entries:
            index.setdefault(entry.surface.lower(), []).append(entry)
        ordered = {k: tuple(sorted(v, key=lambda e: KIND_PRIORITY.index(e.kind)))
                   for k, v in index.items()}
        used = (countries, sectors, titles, organisations, rules) + ((people,) if people else ())
        return cls(ordered, country_names, frozenset(known_sectors), org_codes, rule_set,
                   tuple(str(p) for p in used))

    def lookup(self, name: str, date: dt.date | None = None) -> Actor | None:
        """The actor a user means by a name or code: "China", "CHN", "Chinese",
        "Wang Yi" (by date), "KORGOV", "IGOUNO". None when the name is unknown
        or names no single actor (a title alone, "both Koreas")."""
        text = " ".join(plain_typography(name).split())
        if not text:
            return None
        if text.isupper() and len(text) >= 3:
            actor = self._from_code(text)
            if actor is not None:
                return actor
        for entry in self.index.get(text.lower(), ()):
            if entry.kind in ("country", "demonym", "capital"):
                iso3 = entry.countries[0]
                return Actor(iso3 + (entry.sector or ""), iso3, entry.sector,
                             self.countries.get(iso3), "country")
            if entry.kind == "org":
                variant = dated(entry.orgs, date)
                if variant is not None:
                    return Actor(variant.code, variant.country, variant.sector, entry.name,
                                 variant.kind)
            if entry.kind == "person" and entry.person is not None:
                return person_actor(entry.person, date, self.countries)[0]
        return None

    def _from_code(self, code: str) -> Actor | None:
        variant = self.org_codes.get(code)
        if variant is not None:
            return Actor(variant.code, variant.country, variant.sector, None, variant.kind)
        country, rest = code[:3], code[3:]
        blocks = [rest[i:i + 3] for i in range(0, len(rest), 3)]
        if ((country in self.countries or country == "---") and len(rest) % 3 == 0
                and all(b in self.sectors for b in blocks)):
            return Actor(code, None if country == "---" else country, blocks[0] if blocks else None,
                         self.countries.get(country), "country")
        if code[:3] in ("IGO", "NGO", "IMG") and len(code) % 3 == 0:
            return Actor(code, None, None, None, "ngo" if code.startswith("NGO") else "igo")
        return None


#: Typographic characters and the plain ones the tables are written with: curly
#: apostrophes and quotes, dashes, no-break spaces and hyphens (one character for one,
#: so offsets into a text stay valid).
TYPOGRAPHY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201b": "'",
                            "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2013": "-",
                            "\u2014": "-", "\u2011": "-", "\u2010": "-", "\u00a0": " ",
                            "\u202f": " "})


def plain_typography(text: str) -> str:
    """The text with typographic marks made plain, before any table lookup:
    "People\u2019s Republic" must find the table's "People's Republic"."""
    return text.translate(TYPOGRAPHY)


def typographic_variants(surface: str) -> tuple[str, ...]:
    """The surface as typeset text may spell it (curly apostrophe, en dash,
    no-break hyphen), for matchers that compare tokens rather than lookups."""
    out = []
    if "'" in surface:
        out.append(surface.replace("'", "\u2019"))
    if "-" in surface:
        out.extend(surface.replace("-", d) for d in ("\u2011", "\u2013"))
    return tuple(out)


def plural_forms(phrase: str) -> tuple[str, ...]:
    """The phrase and the regular plural of its head word ("chief of staff" ->
    "chiefs of staff"); irregular forms are written in the tables."""
    head, sep, tail = phrase.partition(" of ")
    words = head.split(" ")
    last = words[-1]
    forms = []
    if last.endswith("person"):
        forms += [last[:-6] + "people", last + "s"]
    elif last.endswith("man") and not last.endswith("human") and len(last) > 3:
        forms.append(last[:-3] + "men")
    elif last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        forms.append(last[:-1] + "ies")
    elif last.endswith(("s", "x", "ch", "sh")):
        forms.append(last + "es")
    else:
        forms.append(last + "s")
    out = [phrase]
    for form in forms:
        out.append(" ".join(words[:-1] + [form]) + (sep + tail if sep else ""))
    return tuple(out)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _load_countries(path: Path, entries: list[Entry]) -> dict[str, str]:
    # the schemas and the table loader are imported by the loaders only: a process
    # that reads the actor coder back from the prebuilt cache (prebuilt.py) needs neither
    from ..schemas import CountryRow
    from ..tables import load_rows

    names: dict[str, str] = {}
    for _, row in load_rows(path, CountryRow):
        names[row.iso3] = row.name
        for surface in [row.name] + _split(row.aliases):
            entries.append(Entry("country", surface, (row.iso3,), name=row.name))
        for surface in _split(row.demonyms):
            entries.append(Entry("demonym", surface, (row.iso3,), name=row.name))
        for surface in _split(row.capitals):
            entries.append(Entry("capital", surface, (row.iso3,), sector="GOV", name=row.name))
    return names


def _load_sectors(path: Path, entries: list[Entry]) -> frozenset[str]:
    from ..schemas import SectorsTable
    from ..tables import load_yaml

    table = load_yaml(path, SectorsTable)
    for code, spec in table.sectors.items():
        inherit, needs = set(spec.inherit), set(spec.needs_country)
        for word in spec.words:
            for form in plural_forms(word):
                entries.append(Entry("role", form, sector=code, role_kind=word.split(" ")[-1],
                                     inherit=word in inherit, needs_country=word in needs,
                                     without_country=spec.without_country.get(word)))
    return frozenset(table.sectors)


def _load_titles(path: Path, entries: list[Entry], sectors: frozenset[str],
                 countries: dict[str, str]) -> None:
    from ..schemas import TitlesTable
    from ..tables import load_yaml

    table = load_yaml(path, TitlesTable, context={"sectors": sectors, "countries": countries})
    for item in table.titles:
        kind = item.kind or item.title.split(" ")[-1]
        for index, form in enumerate(plural_forms(item.title)):
            entries.append(Entry("role", form, sector=item.sector, role_kind=kind,
                                 person_title=index == 0, inherit=item.inherit,
                                 default_country=item.country))


def _check_code(path: Path, line: int, column: str, value: str | None, known) -> None:
    """A country or sector column refers to a code another table defines."""
    if value is not None and value not in known:
        from ..tables import unknown_error

        table = "countries.csv" if column == "country" else "sectors.yaml"
        raise unknown_error(path, line, f"{column} {value!r}", table)


def _load_orgs(path: Path, entries: list[Entry], countries: dict[str, str],
               sectors: frozenset[str]) -> dict[str, OrgVariant]:
    from ..schemas import OrganisationRow
    from ..tables import load_rows

    by_name: dict[str, tuple[list[str], list[OrgVariant]]] = {}
    for line, row in load_rows(path, OrganisationRow):
        _check_code(path, line, "country", row.country, countries)
        _check_code(path, line, "sector", row.sector, sectors)
        variant = OrgVariant(row.code, row.country, row.sector, row.kind, row.start, row.end)
        aliases, variants = by_name.setdefault(row.name, ([], []))
        aliases += [a for a in _split(row.aliases) if a not in aliases]
        variants.append(variant)
    codes: dict[str, OrgVariant] = {}
    for name, (aliases, variants) in by_name.items():
        for variant in variants:
            codes.setdefault(variant.code, variant)
        for surface in [name] + aliases:
            entries.append(Entry("org", surface, name=name, orgs=tuple(variants)))
    return codes


def _load_rules(path: Path, entries: list[Entry], countries: dict[str, str]) -> Rules:
    from ..schemas import ActorRules
    from ..tables import load_yaml

    data = load_yaml(path, ActorRules, context={"countries": countries})
    korea = data.korea
    for surface, iso3 in korea.north_south.items():
        entries.append(Entry("north_south", surface, (iso3,), name=countries.get(iso3)))
    for surface in korea.bare:
        entries.append(Entry("bare_korea", surface, ("KOR",), name=countries.get("KOR")))
    for group in data.country_groups:
        entries.append(Entry("group", group.phrase, tuple(group.countries)))
    for ref in data.plural_references:
        entries.append(Entry("plural_ref", ref.phrase, count=ref.count, sector=ref.sector,
                             person_title=ref.people))
    for phrase in data.non_actors:
        entries.append(Entry("nonactor", phrase))

    def lower(words: list[str]) -> frozenset[str]:
        return frozenset(w.lower() for w in words)

    return Rules(tuple(korea.context_markers), tuple(korea.south_markers),
                 lower(data.modifiers), lower(data.former_markers),
                 lower(data.locative_prepositions), frozenset(data.context_sectors),
                 lower(data.hyphen_suffixes), lower(data.person_pronouns),
                 lower(data.thing_pronouns), lower(data.expletive_heads),
                 frozenset(data.family_name_first), frozenset(data.surname_stoplist),
                 frozenset(data.surname_roles), frozenset(data.surname_roles_family_first),
                 lower(data.region_words))


def load_people(path: Path, entries: list[Entry], countries: dict[str, str],
                sectors: frozenset[str]) -> None:
    """people.csv: one row per person per office. Validates every row and adds
    an entry for the name and each alias.

    `country` is an ISO3 code or an organisation code (IGOUNO for a UN
    secretary-general); `end` empty means still in office."""
    from ..schemas import PersonRow
    from ..tables import load_rows, unknown_error

    people: dict[str, tuple[list[str], list[Office]]] = {}
    for line, row in load_rows(path, PersonRow):
        if row.country not in countries and not re.fullmatch(r"(IGO|NGO|IMG)[A-Z]*", row.country):
            raise unknown_error(path, line, f"country {row.country!r} is neither an IGO/NGO "
                                            f"code nor an ISO3 code", "countries.csv")
        _check_code(path, line, "sector", row.sector, sectors)
        aliases, offices = people.setdefault(row.name, ([], []))
        aliases += [a for a in _split(row.aliases) if a not in aliases]
        offices.append(Office(row.country, row.sector, row.role, row.start, row.end))
    for name, (aliases, offices) in people.items():
        person = Person(name, tuple(sorted(offices, key=lambda o: o.start or dt.date.min)))
        for surface in [name] + aliases:
            entries.append(Entry("person", surface, name=name, person=person))


def _add_surnames(entries: list[Entry], rules: Rules) -> None:
    """Bare surnames of people.csv ("Putin", "Merkel", "Xi"): news names the
    best-known office holders by surname alone, often in the first mention.
    The family name is the first word for the countries in
    rules.family_name_first. A surname shared with another person's first or
    last name, or an ordinary word (rules.surname_stoplist), is left out; one
    shared by two people of the table is kept for both and coded only when a
    single one of them holds office on the article's date."""
    people = {e.person.name: e.person for e in entries if e.kind == "person" and e.person}
    users: dict[str, set[str]] = {}
    chosen: dict[str, str] = {}
    for name, person in people.items():
        words = name.split()
        if len(words) < 2:
            continue
        for word in {words[0], words[-1]}:
            users.setdefault(word, set()).add(name)
        roles = {o.role for o in person.offices}
        first = person.offices[0].country in rules.family_name_first
        if roles & (rules.surname_roles_family_first if first else rules.surname_roles):
            chosen[name] = words[0] if first else words[-1]
    for name, surname in chosen.items():
        if (surname in rules.surname_stoplist or not surname[:1].isupper() or len(surname) < 2
                or any(other not in people or chosen.get(other) != surname
                       for other in users[surname] if other != name)):
            continue
        forms = {surname, re.sub(r"^(?:al|el|Al|El)-", "", surname)}
        folded = {unicodedata.normalize("NFKD", f).encode("ascii", "ignore").decode() for f in forms}
        forms |= {f for f in folded if len(f) == len(surname) or f in forms}
        for form in forms:
            if len(form) > 1 and form not in rules.surname_stoplist:
                entries.append(Entry("person", form, name=name, person=people[name], surname=True))


def dated(variants: tuple[OrgVariant, ...], date: dt.date | None) -> OrgVariant | None:
    """The organisation's code on a date; undated, the latest row."""
    if not variants:
        return None
    if date is None:
        return variants[-1]
    for v in variants:
        if (v.start is None or v.start <= date) and (v.end is None or date <= v.end):
            return v
    return variants[-1]


def person_actor(person: Person, date: dt.date | None,
                  countries: dict[str, str]) -> tuple[Actor, float]:
    """A person's actor on a date: the office held then (GOV over others); after
    leaving every office, the last country with sector ELI (former office
    holders are elites, as CAMEO codes them); before the first office, the
    country alone. Without a date, the latest office, with lower confidence."""
    offices = person.offices
    priority = {"GOV": 0, "MIL": 1, "LEG": 2}

    def actor(country: str, sector: str | None) -> Actor:
        if country in countries:
            return Actor(country + (sector or ""), country, sector, person.name, "person")
        return Actor(country, None, sector, person.name, "person")

    if date is None:
        best = max(offices, key=lambda o: (o.end is None, o.start or dt.date.min))
        return actor(best.country, best.sector), PERSON_UNDATED
    active = [o for o in offices if (o.start is None or o.start <= date)
              and (o.end is None or date <= o.end)]
    if active:
        best = min(active, key=lambda o: (priority.get(o.sector or "", 9),
                                          -(o.start or dt.date.min).toordinal()))
        return actor(best.country, best.sector), PERSON_IN_OFFICE
    past = [o for o in offices if o.end is not None and o.end < date]
    if past:
        last = max(past, key=lambda o: o.end)
        return actor(last.country, "ELI"), PERSON_OUT_OF_OFFICE
    return actor(offices[0].country, None), PERSON_OUT_OF_OFFICE
