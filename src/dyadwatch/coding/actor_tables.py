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

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..config import data_path
from ..errors import DataTableError
from ..types import Actor

PEOPLE_COLUMNS = ("name", "aliases", "country", "sector", "role", "start", "end")
ORG_COLUMNS = ("name", "aliases", "code", "country", "sector", "kind", "start", "end")
COUNTRY_COLUMNS = ("iso3", "name", "aliases", "demonyms", "capitals")
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
_CODE_RE = re.compile(r"^(?:[A-Z]{3}|---)(?:[A-Z0-9]{3})*$")


@dataclass(frozen=True, slots=True)
class Office:
    """One row of people.csv: a person in one office for a period."""

    country: str  # ISO3, or an organisation code such as IGOUNO
    sector: str | None
    role: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    offices: tuple[Office, ...]


@dataclass(frozen=True, slots=True)
class OrgVariant:
    """An organisation's code over a period (the Taliban are REB or GOV by date)."""

    code: str
    country: str | None
    sector: str | None
    kind: str
    start: dt.date | None
    end: dt.date | None


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


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """CSV rows with their physical line numbers; '#' lines before the header are
    comments. A missing column is an error naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataTableError(f"cannot read actor table {path}: {exc.strerror}.",
                             hint="Check the path, or reinstall dyadwatch.") from exc
    lines = text.splitlines()
    first = 0
    while first < len(lines) and (lines[first].startswith("#") or not lines[first].strip()):
        first += 1
    reader = csv.reader(lines[first:])
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != list(columns):
        raise DataTableError(
            f"{path}, line {first + 1}: the header must be {','.join(columns)}, "
            f"found {','.join(header or [])!r}.",
            hint="Fix the header line of the table (see data/PROVENANCE.md).")
    for offset, row in enumerate(reader, start=first + 2):
        if not row or (len(row) == 1 and not row[0].strip()) or row[0].startswith("#"):
            continue
        if len(row) != len(columns):
            raise DataTableError(
                f"{path}, line {offset}: expected {len(columns)} columns "
                f"({','.join(columns)}), found {len(row)}.",
                hint="Quote fields that contain commas.")
        yield offset, {c: v.strip() for c, v in zip(columns, row)}


def _date(value: str, path: Path, line: int, column: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DataTableError(f"{path}, line {line}: {column} {value!r} is not a date "
                             f"(YYYY-MM-DD).", hint="Write dates as 2024-02-24.") from None


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _load_countries(path: Path, entries: list[Entry]) -> dict[str, str]:
    names: dict[str, str] = {}
    for line, row in _rows(path, COUNTRY_COLUMNS):
        iso3 = row["iso3"]
        if not re.fullmatch(r"[A-Z]{3}", iso3) or not row["name"]:
            raise DataTableError(f"{path}, line {line}: iso3 must be three capital letters "
                                 f"and name must be set.", hint="Rebuild with scripts/build_countries.py.")
        names[iso3] = row["name"]
        for surface in [row["name"]] + _split(row["aliases"]):
            entries.append(Entry("country", surface, (iso3,), name=row["name"]))
        for surface in _split(row["demonyms"]):
            entries.append(Entry("demonym", surface, (iso3,), name=row["name"]))
        for surface in _split(row["capitals"]):
            entries.append(Entry("capital", surface, (iso3,), sector="GOV", name=row["name"]))
    return names


def _yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataTableError(f"cannot read actor table {path}: {exc.strerror}.",
                             hint="Check the path, or reinstall dyadwatch.") from exc
    except yaml.YAMLError as exc:
        raise DataTableError(f"{path}: invalid YAML: {exc}.", hint="Fix the YAML syntax.") from exc
    if not isinstance(data, dict):
        raise DataTableError(f"{path}: expected a mapping at the top level.",
                             hint="See the schema comment at the top of the file.")
    return data


def _load_sectors(path: Path, entries: list[Entry]) -> frozenset[str]:
    data = _yaml(path).get("sectors")
    if not isinstance(data, dict):
        raise DataTableError(f"{path}: missing 'sectors' mapping.", hint="See the schema comment.")
    for code, spec in data.items():
        if not re.fullmatch(r"[A-Z]{3}", str(code)) or not isinstance(spec, dict):
            raise DataTableError(f"{path}: sector {code!r} must be a 3-letter code with a mapping.",
                                 hint="See the schema comment.")
        inherit = set(spec.get("inherit", []))
        needs = set(spec.get("needs_country", []))
        without = spec.get("without_country", {}) or {}
        for word in spec.get("words", []):
            word = str(word)
            for form in plural_forms(word):
                entries.append(Entry("role", form, sector=code, role_kind=word.split(" ")[-1],
                                     inherit=word in inherit, needs_country=word in needs,
                                     without_country=without.get(word)))
    return frozenset(str(c) for c in data)


def _load_titles(path: Path, entries: list[Entry], sectors: frozenset[str],
                 countries: dict[str, str]) -> None:
    items = _yaml(path).get("titles")
    if not isinstance(items, list):
        raise DataTableError(f"{path}: missing 'titles' list.", hint="See the schema comment.")
    for number, item in enumerate(items, start=1):
        title, sector = str(item.get("title", "")), item.get("sector")
        country = item.get("country")
        if not title or sector not in sectors or (country and country not in countries):
            raise DataTableError(f"{path}: title #{number} ({title!r}) needs a title, a sector "
                                 f"from sectors.yaml and an optional ISO3 country.",
                                 hint="See the schema comment.")
        kind = item.get("kind") or title.split(" ")[-1]
        for index, form in enumerate(plural_forms(title)):
            entries.append(Entry("role", form, sector=sector, role_kind=kind,
                                 person_title=index == 0, inherit=bool(item.get("inherit")),
                                 default_country=country))


def _load_orgs(path: Path, entries: list[Entry], countries: dict[str, str],
               sectors: frozenset[str]) -> dict[str, OrgVariant]:
    by_name: dict[str, tuple[list[str], list[OrgVariant]]] = {}
    for line, row in _rows(path, ORG_COLUMNS):
        code, country, sector, kind = row["code"], row["country"] or None, row["sector"] or None, row["kind"]
        if not row["name"] or not _CODE_RE.fullmatch(code):
            raise DataTableError(f"{path}, line {line}: name and a CAMEO code (3-letter blocks) "
                                 f"are required, found code {code!r}.", hint="See PROVENANCE.md.")
        if country is not None and country not in countries:
            raise DataTableError(f"{path}, line {line}: country {country!r} is not an ISO3 code "
                                 f"in countries.csv.", hint="Leave it empty for IGOs and NGOs.")
        if sector is not None and sector not in sectors:
            raise DataTableError(f"{path}, line {line}: unknown sector {sector!r}.",
                                 hint="Use a code from sectors.yaml.")
        if kind not in ("igo", "ngo", "group", "country"):
            raise DataTableError(f"{path}, line {line}: kind must be igo, ngo, group or country.",
                                 hint="See PROVENANCE.md.")
        variant = OrgVariant(code, country, sector, kind, _date(row["start"], path, line, "start"),
                             _date(row["end"], path, line, "end"))
        aliases, variants = by_name.setdefault(row["name"], ([], []))
        aliases += [a for a in _split(row["aliases"]) if a not in aliases]
        variants.append(variant)
    codes: dict[str, OrgVariant] = {}
    for name, (aliases, variants) in by_name.items():
        for variant in variants:
            codes.setdefault(variant.code, variant)
        for surface in [name] + aliases:
            entries.append(Entry("org", surface, name=name, orgs=tuple(variants)))
    return codes


def _load_rules(path: Path, entries: list[Entry], countries: dict[str, str]) -> Rules:
    data = _yaml(path)
    korea = data.get("korea", {})
    for surface, iso3 in (korea.get("north_south") or {}).items():
        entries.append(Entry("north_south", str(surface), (iso3,), name=countries.get(iso3)))
    for surface in korea.get("bare", []):
        entries.append(Entry("bare_korea", str(surface), ("KOR",), name=countries.get("KOR")))
    for item in data.get("country_groups", []):
        group = tuple(item["countries"])
        if any(c not in countries for c in group):
            raise DataTableError(f"{path}: country group {item['phrase']!r} has a code that is "
                                 f"not in countries.csv.", hint="Use ISO3 codes.")
        entries.append(Entry("group", str(item["phrase"]), group))
    for item in data.get("plural_references", []):
        entries.append(Entry("plural_ref", str(item["phrase"]), count=int(item["count"]),
                             sector=item.get("sector"), person_title=bool(item.get("people", False))))
    for phrase in data.get("non_actors", []):
        entries.append(Entry("nonactor", str(phrase)))

    def words(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data.get(key, []))

    return Rules(tuple(korea.get("context_markers", [])), tuple(korea.get("south_markers", [])),
                 words("modifiers"), words("former_markers"), words("locative_prepositions"),
                 frozenset(str(s) for s in data.get("context_sectors", [])),
                 words("hyphen_suffixes"), words("person_pronouns"), words("thing_pronouns"),
                 words("expletive_heads"),
                 frozenset(str(c) for c in data.get("family_name_first", [])),
                 frozenset(str(w) for w in data.get("surname_stoplist", [])),
                 frozenset(str(w) for w in data.get("surname_roles", [])),
                 frozenset(str(w) for w in data.get("surname_roles_family_first", [])),
                 words("region_words"))


def load_people(path: Path, entries: list[Entry], countries: dict[str, str],
                sectors: frozenset[str]) -> None:
    """people.csv: one row per person per office. Validates every row and adds
    an entry for the name and each alias.

    `country` is an ISO3 code or an organisation code (IGOUNO for a UN
    secretary-general); `end` empty means still in office."""
    people: dict[str, tuple[list[str], list[Office]]] = {}
    for line, row in _rows(path, PEOPLE_COLUMNS):
        if not row["name"]:
            raise DataTableError(f"{path}, line {line}: name is empty.",
                                 hint="Every row needs the person's name.")
        country = row["country"]
        if country not in countries and not re.fullmatch(r"(IGO|NGO|IMG)[A-Z]*", country):
            raise DataTableError(f"{path}, line {line}: country {country!r} is neither an ISO3 "
                                 f"code in countries.csv nor an IGO/NGO code.",
                                 hint="Use ISO3 codes such as CHN, or IGOUNO.")
        sector = row["sector"] or None
        if sector is not None and sector not in sectors:
            raise DataTableError(f"{path}, line {line}: unknown sector {sector!r}.",
                                 hint=f"Use one of {', '.join(sorted(sectors))}.")
        start, end = _date(row["start"], path, line, "start"), _date(row["end"], path, line, "end")
        if start and end and end < start:
            raise DataTableError(f"{path}, line {line}: end {end} is before start {start}.",
                                 hint="Swap or fix the dates.")
        aliases, offices = people.setdefault(row["name"], ([], []))
        aliases += [a for a in _split(row["aliases"]) if a not in aliases]
        offices.append(Office(country, sector, row["role"], start, end))
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
