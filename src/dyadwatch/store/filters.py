"""`EventFilter`: which events a listing, a count or an export covers,
parsed and validated once, whatever surface asked.

The filters are declared once in `PARAMS` (name, CLI option, HTTP
parameter, type, bounds, help); the CLI's options (cli/_common.py), the
HTTP API's query parameters and the dashboard's form fields (web/pages.py)
are generated from that declaration, so a filter means the same thing
everywhere. `EventFilter.parse` turns raw values (text from a URL or the
command line, or Python values from a caller) into normalised ones, and
`where()` turns a filter into SQL with bound parameters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import QueryError, error
from ..plover import PLOVER_TYPES, QUAD_NAMES
from .where import (
    DEFAULT_NEAR_KM, Where, check_latlon, distance_sql, parse_actor, parse_date,
    parse_distance_km, parse_dyad, parse_latlon, parse_plover,
)

#: Free-text filters longer than this are refused (they match nothing anyway).
MAX_TEXT = 500
#: Half the Earth's circumference: a larger radius covers everything.
MAX_RADIUS_KM = 20_100.0


@dataclass(frozen=True)
class Param:
    """One event filter as every surface offers it.

    `field` is the EventFilter attribute, `cli` the command-line option,
    `http` the API's and dashboard's query parameter (`aliases` are older
    names the dashboard still accepts); `kind` is str, int, float or bool.
    """

    field: str
    cli: str
    http: str
    kind: type
    help: str
    max_length: int | None = None
    ge: float | None = None
    le: float | None = None
    aliases: tuple[str, ...] = ()


PARAMS: tuple[Param, ...] = (
    Param("dyad", "--dyad", "dyad", str, "Two actors, e.g. CHN-PRK (both directions unless "
          "directed).", max_length=80),
    Param("actor", "--actor", "actor", str, "Actor code, as source or target (prefix match: "
          "KOR covers KORGOV).", max_length=40),
    Param("plover", "--type", "type", str, "PLOVER event type: " + ", ".join(PLOVER_TYPES)
          + ".", max_length=20),
    Param("quad_class", "--quad", "quad_class", int, "QuadClass 1-4: " + "; ".join(
        f"{k} {v}" for k, v in QUAD_NAMES.items()) + ".", ge=1, le=4, aliases=("quad",)),
    Param("since", "--since", "since", str, "From this date (YYYY-MM-DD, YYYY-MM or YYYY).",
          max_length=32),
    Param("until", "--until", "until", str, "Up to this date, inclusive (YYYY-MM-DD, YYYY-MM "
          "or YYYY).", max_length=32),
    Param("text", "--text", "q", str, "Words in the evidence sentence (case-insensitive, "
          "literal).", max_length=MAX_TEXT),
    Param("country", "--country", "country", str, "Located in this country (ISO3, e.g. KOR).",
          max_length=40),
    Param("near", "--near", "near", str, "A place name (Busan) or LAT,LON: events located "
          "near it.", max_length=120),
    Param("within_km", "--within", "within_km", str, "Radius for near: 100km, 60mi or a "
          "number of km (default 50km).", max_length=32),
    Param("directed", "--directed", "directed", bool, "Only A -> B (default: both "
          "directions)."),
    Param("include_nonfactual", "--all", "include_nonfactual", bool, "Also count negated, "
          "future and hypothetical events."),
    Param("canonical", "--canonical", "canonical", bool, "One row per canonical "
          "(deduplicated) event."),
    Param("min_confidence", "--min-confidence", "min_confidence", float, "Leave out events "
          "coded with less confidence (0-1): precision for recall.", ge=0.0, le=1.0),
)


class PlaceResolver(Protocol):
    def resolve_place(self, name: str) -> Any: ...


@dataclass(frozen=True)
class EventFilter:
    """Normalised event filters (every field optional; all given ones narrow)."""

    dyad: tuple[str, str] | None = None
    actor: str | None = None
    plover: str | None = None
    quad_class: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    text: str | None = None
    country: str | None = None
    near: tuple[float, float] | None = None
    #: The gazetteer's place when `near` was given as a name.
    near_place: str | None = None
    within_km: float | None = None
    directed: bool = False
    include_nonfactual: bool = False
    canonical: bool = False
    min_confidence: float | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None = None, *,
              geocoder: PlaceResolver | Callable[[], PlaceResolver] | None = None,
              **values: Any) -> "EventFilter":
        """A filter from raw values keyed by field name (None and "" mean
        unset). A place name in `near` needs `geocoder` (or a function that
        makes one: it is only loaded when a name is given)."""
        given = {**(raw or {}), **values}
        unknown = set(given) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise TypeError(f"unknown event filters: {', '.join(sorted(unknown))}")
        v = {k: (x.strip() if isinstance(x, str) else x) for k, x in given.items()
             if x is not None and x != ""}
        since = parse_date(v.get("since"), name="since")
        until = parse_date(v.get("until"), name="until", end=True)
        if since and until and since > until:
            raise error("E504", since=since, until=until)
        near, place = _near(v.get("near"), geocoder)
        return cls(
            dyad=_dyad(v["dyad"]) if "dyad" in v else None,
            actor=actor_code(v["actor"]) if "actor" in v else None,
            plover=parse_plover(v["plover"]) if "plover" in v else None,
            quad_class=_quad(v.get("quad_class")),
            since=since, until=until,
            text=str(v["text"]) if "text" in v else None,
            country=actor_code(v["country"], "country")[:3] if "country" in v else None,
            near=near, near_place=place or v.get("near_place"),
            within_km=_radius(v.get("within_km")),
            directed=_flag(v.get("directed")),
            include_nonfactual=_flag(v.get("include_nonfactual")),
            canonical=_flag(v.get("canonical")),
            min_confidence=_confidence(v.get("min_confidence")),
        )

    @classmethod
    def from_http(cls, params: Mapping[str, str], *,
                  geocoder: PlaceResolver | Callable[[], PlaceResolver] | None = None
                  ) -> "EventFilter":
        """A filter from query parameters named as in PARAMS (or their aliases)."""
        raw = {}
        for p in PARAMS:
            raw[p.field] = next((params[n] for n in (p.http, *p.aliases) if params.get(n)), None)
        return cls.parse(raw, geocoder=geocoder)

    def where(self, alias: str = "e") -> Where:
        """The filter as WHERE clauses over `events AS alias`."""
        w, p = Where(), alias
        if not self.include_nonfactual:
            w.add(f"NOT {p}.negated AND {p}.modality = 'asserted'")
        if self.actor:
            w.actor(self.actor, (f"{p}.source", f"{p}.target"))
        if self.dyad:
            w.dyad(self.dyad, self.directed, f"{p}.source", f"{p}.target")
        if self.plover:
            w.add(f"{p}.plover = ?", self.plover)
        if self.quad_class is not None:
            w.add(f"{p}.quad_class = ?", self.quad_class)
        w.dates(f"{p}.date", self.since, self.until)
        if self.text:
            w.add(f"contains(lower({p}.sentence), lower(?))", self.text)
        if self.country:
            w.add(f"{p}.geo_country = ?", self.country)
        if self.near is not None:
            lat, lon = self.near
            w.add(f"{distance_sql(p)} <= ?", lat, lat, lon, self.radius_km)
        if self.min_confidence is not None:
            w.add(f"{p}.confidence >= ?", self.min_confidence)
        if self.canonical:
            w.add(f"{p}.canonical_id IS NULL OR {p}.id = "
                  f"(SELECT first_event_id FROM canonical_events c WHERE c.id = {p}.canonical_id)")
        return w

    @property
    def radius_km(self) -> float:
        return DEFAULT_NEAR_KM if self.within_km is None else self.within_km

    def http_params(self) -> dict[str, str]:
        """The filter as query parameters (for links between pages and to the API)."""
        out: dict[str, str] = {}
        for p in PARAMS:
            value = getattr(self, p.field)
            if value is None or value is False:
                continue
            if p.field == "dyad":
                value = "-".join(value)
            elif p.field == "near":
                value = f"{value[0]},{value[1]}"
            elif value is True:
                value = "true"
            out[p.http] = str(value)
        return out


def _near(value: Any, geocoder: Any) -> tuple[tuple[float, float] | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, str):
        return check_latlon(value), None
    point = parse_latlon(value)
    if point is not None:
        return point, None
    if geocoder is None:
        raise error("E518", value=value)
    from ..coding.gazetteer import Gazetteer
    from ..coding.placenames import resolve_place_name

    resolver = geocoder if hasattr(geocoder, "resolve_place") else geocoder()
    gazetteer = getattr(resolver, "gazetteer", resolver)
    if isinstance(gazetteer, Gazetteer):  # qualified names: "Paris, Texas"
        place = resolve_place_name(gazetteer, value)
    else:
        place = resolver.resolve_place(value)
    if place is None or place.lat is None or place.lon is None:
        raise error("E519", value=value)
    return (place.lat, place.lon), f"{place.name} ({place.country})"


def actor_code(value: str, what: str = "actor") -> str:
    """An actor from a name ("China", "North Korean military", "Kim Jong
    Un") or a code ("chn", KORGOV), through the actor tables (names.py). A
    code the tables do not know is still taken when written in capitals,
    as codes are ("IGOUNOMIL"): "Narnia" gets suggestions, not NARNIA."""
    from ..names import Names

    try:
        return Names.from_package().resolve(str(value), what=what)
    except QueryError:
        if str(value).strip().isupper():
            return parse_actor(value, name=what)
        raise


def _dyad(value: Any) -> tuple[str, str]:
    """Two actors, by code ("CHN-PRK") or name ("China-North Korea")."""
    from ..names import Names

    if not isinstance(value, str):
        return parse_dyad(value)
    try:
        return Names.from_package().resolve_pair(value)
    except QueryError:
        if value.strip().isupper():
            return parse_dyad(value)
        raise


def _quad(value: Any) -> int | None:
    if value is None:
        return None
    try:
        quad = int(value)
    except (TypeError, ValueError):
        quad = None
    if quad not in (1, 2, 3, 4) or (isinstance(value, float) and value != quad):
        raise error("E523", value=value)
    return quad


def _radius(value: Any) -> float | None:
    if value is None:
        return None
    km = parse_distance_km(value)
    if km > MAX_RADIUS_KM:
        raise error("E515", value=value, limit=MAX_RADIUS_KM)
    return km


def _confidence(value: Any) -> float | None:
    if value is None:
        return None
    try:
        conf = float(value)
    except (TypeError, ValueError):
        conf = float("nan")
    if not 0.0 <= conf <= 1.0:
        raise error("E524", value=value)
    return conf


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "on", "yes")
    return bool(value)
