"""Filter arguments and WHERE clauses: the text a user types (dates,
actor codes, dyads, distances) made into values, and SQL built from fixed
clause text with every user value bound as a parameter.

Shared by the query modules (queries.py, analysis/dyads.py) and the
EventFilter (filters.py), so that a value means the same wherever it is given.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

from ..errors import error
from ..plover import PLOVER_TYPES

#: Mean Earth radius (IUGG), for great-circle distances in SQL.
EARTH_RADIUS_KM = 6371.0088
#: Radius used by `near` when no `within_km` is given.
DEFAULT_NEAR_KM = 50.0
UNITS = ("canonical", "mentions")

_CODE_RE = re.compile(r"^[A-Z]{3}(?:[A-Z0-9]{3}){0,4}$")
_PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")
_DISTANCE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km|kilometers?|kilometres?|mi|miles?)?\s*$",
                          re.IGNORECASE)
_LATLON_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


# -- argument parsing (shared by the CLI and the HTTP API) ----------------------

def parse_date(value: str | dt.date | None, *, name: str = "date",
               end: bool = False) -> dt.date | None:
    """A date from YYYY-MM-DD, YYYY-MM or YYYY (a date object passes through).

    Partial dates mean the start of the period, or its last day with
    `end=True`, so `--since 2019 --until 2019` covers the whole year.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    m = _PARTIAL_DATE_RE.match(text)
    if m:
        year, month = int(m.group(1)), m.group(2)
        try:
            if month is None:
                return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
            start = dt.date(year, int(month), 1)
        except ValueError:
            pass
        else:
            if not end:
                return start
            following = dt.date(year + (start.month == 12), start.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
    raise error("E507", name=name, value=text)


def parse_actor(code: str, *, name: str = "actor") -> str:
    """Normalise an actor code ("chn" -> "CHN"); reject anything that is not
    a country code optionally followed by sector codes."""
    text = str(code).strip().upper()
    if not _CODE_RE.match(text):
        raise error("E508", name=name, value=code)
    return text


def parse_dyad(value: str | Sequence[str]) -> tuple[str, str]:
    """("CHN", "PRK") from "CHN-PRK", "CHN PRK", "CHN,PRK" or a pair."""
    parts = re.split(r"[\s,\-/]+", value.strip()) if isinstance(value, str) else list(value)
    parts = [p for p in parts if p]
    if len(parts) != 2:
        raise error("E509", value=value)
    return parse_actor(parts[0], name="dyad"), parse_actor(parts[1], name="dyad")


def parse_plover(value: str) -> str:
    text = str(value).strip().upper()
    if text not in PLOVER_TYPES:
        raise error("E512", value=value, types=", ".join(PLOVER_TYPES))
    return text


def parse_distance_km(value: str | float) -> float:
    """Kilometres from "100km", "100 km", "60mi" or a bare number (km)."""
    if isinstance(value, (int, float)):
        km = float(value)
    else:
        m = _DISTANCE_RE.match(str(value))
        if not m:
            raise error("E513", value=value)
        km = float(m.group(1))
        if (m.group(2) or "km").lower().startswith("mi"):
            km *= 1.609344
    if not km > 0 or math.isinf(km):
        raise error("E514", value=value)
    return km


def parse_latlon(value: str) -> tuple[float, float] | None:
    """(lat, lon) from "35.18,129.08", or None when the text is not a
    coordinate pair (then it is a place name for the geocoder)."""
    m = _LATLON_RE.match(value)
    if not m:
        return None
    return check_latlon((float(m.group(1)), float(m.group(2))))


def check_latlon(near: Sequence[float]) -> tuple[float, float]:
    try:
        lat, lon = float(near[0]), float(near[1])
    except (TypeError, ValueError, IndexError) as exc:
        raise error("E516", value=near) from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise error("E517", lat=lat, lon=lon)
    return lat, lon


def check_unit(unit: str) -> str:
    if unit not in UNITS:
        raise error("E506", value=unit, allowed=", ".join(UNITS))
    return unit


def check_page(limit: int | None, offset: int) -> None:
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise error("E503", name="limit", value=limit, minimum=0)
    if not isinstance(offset, int) or offset < 0:
        raise error("E503", name="offset", value=offset, minimum=0)


# -- SQL building blocks ---------------------------------------------------------

class Where:
    """WHERE clauses with their bound parameters, in order.

    Clause text comes from this module only (column names are fixed);
    every user value is appended to `params` and appears as `?`.
    """

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> "Where":
        self.clauses.append(f"({clause})")
        self.params.extend(params)
        return self

    def sql(self, keyword: str = "WHERE") -> str:
        return f"{keyword} " + " AND ".join(self.clauses) if self.clauses else ""

    def actor(self, code: str, cols: Sequence[str]) -> "Where":
        """The actor (by code prefix) in any of `cols`."""
        code = parse_actor(code)
        return self.add(" OR ".join(f"starts_with({c}, ?)" for c in cols), *[code] * len(cols))

    def dyad(self, dyad: Sequence[str], directed: bool, src: str, tgt: str) -> "Where":
        a, b = parse_dyad(dyad)
        clause = f"starts_with({src}, ?) AND starts_with({tgt}, ?)"
        if directed:
            return self.add(clause, a, b)
        return self.add(f"({clause}) OR ({clause})", a, b, b, a)

    def dates(self, col: str, since: Any, until: Any) -> "Where":
        lo = parse_date(since, name="since")
        hi = parse_date(until, name="until", end=True)
        if lo and hi and lo > hi:
            raise error("E504", since=lo, until=hi)
        if lo:
            self.add(f"{col} >= ?", lo)
        if hi:
            self.add(f"{col} <= ?", hi)
        return self


def distance_sql(alias: str = "e") -> str:
    """Haversine distance in km from (?, ?, ?) = (lat, lat, lon) to the event."""
    return (f"2 * {EARTH_RADIUS_KM} * asin(sqrt(pow(sin(radians({alias}.lat - ?) / 2), 2) + "
            f"cos(radians(?)) * cos(radians({alias}.lat)) * "
            f"pow(sin(radians({alias}.lon - ?) / 2), 2)))")
