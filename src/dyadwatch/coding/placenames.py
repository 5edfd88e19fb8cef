"""Place names typed by a user (`--near "Paris, Texas"`) -> one location.

An article gives the geocoder evidence to choose among same-named places
(the actors' countries, the dateline); a name typed on the command line
has none, so the user qualifies it the way people write it: "Paris, Texas",
"Tripoli, Lebanon", "Georgia (country)", "Georgia (US state)". A
qualifier that is a place must contain the answer (the place is in that
country or first-level division); a qualifier that is a feature word
("country", "state", "city") picks the kind of place. Without a qualifier
the most likely place wins, as before.
"""

from __future__ import annotations

import re
from ..errors import error
from ..types import Location
from .gazetteer import Gazetteer, Place

_PARENS = re.compile(r"^(?P<name>.+?)\s*\((?P<qual>[^()]+)\)\s*$")
#: Qualifier words a user may put in parentheses; the last word counts
#: ("US state" -> "state").
_KIND_WORDS = {"country": "country", "nation": "country", "state": "admin1",
               "province": "admin1", "region": "admin1", "city": "place", "town": "place",
               "village": "place", "place": "place"}


def split_qualified(text: str) -> tuple[str, str | None]:
    """("Paris", "Texas") from "Paris, Texas" or "Paris (Texas)"; the name
    and None when there is no qualifier."""
    text = " ".join(text.split())
    m = _PARENS.match(text)
    if m:
        return m.group("name").strip(" ,"), m.group("qual").strip()
    if "," in text:
        name, qual = text.split(",", 1)
        if name.strip() and qual.strip():
            return name.strip(), qual.strip()
    return text, None


def resolve_place_name(gazetteer: Gazetteer, text: str) -> Location:
    """The place a user means by `text`; QueryError naming what was tried
    when nothing fits (so the message can say which part to change)."""
    name, qual = split_qualified(text)
    if not name:
        raise error("E521")
    kind = _KIND_WORDS.get(qual.lower().split()[-1]) if qual else None
    if qual and kind is None and not gazetteer.qualifier_places(qual):
        raise error("E522", qualifier=qual, value=text)
    ranked = gazetteer.rank(name, hint=kind, qualifier=None if kind else qual)
    for _, place in ranked:
        if place.lat is None or place.lon is None:
            continue
        if kind and place.kind != kind:
            continue
        if qual and not kind and not _inside(place, gazetteer.qualifier_places(qual)):
            continue
        return place.location(text=text)
    where = f" in {qual}" if qual and not kind else (f" that is a {qual}" if kind else "")
    raise error("E520", value=name, where=where)


def _inside(place: Place, containers: list[Place]) -> bool:
    """Is `place` in one of the qualifier's countries or divisions?"""
    for q in containers:
        if q.kind == "country" and q.country == place.country and place is not q:
            return True
        if (q.kind == "admin1" and q.country == place.country and place.admin1 == q.name
                and place is not q):
            return True
    return False
