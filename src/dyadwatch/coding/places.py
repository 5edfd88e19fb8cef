"""Places as arguments: what the actor coder could not fill, from where an event happened.

Runs after the geocoder: the actor coder knows countries and capitals; the
geocoder also knows cities and regions. What a type may take from the place
is data (`coding` flags per PLOVER type in data/ontology.yaml). The result is
a `Completion` per event id, applied when the document's record is made: the
event keeps the id it was made with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from . import nlp
from .ontology import Ontology, PlaceTarget
from .stages import Completion
from ..types import Actor, Event, Location

#: How much an argument taken from the place lowers an event's confidence.
PLACE_FACTOR = 0.8
#: ... and one placed in the article's main country (a weaker clue than a named place).
FOCUS_FACTOR = 0.9


def complete_from_places(events: Sequence[Event], locations: Mapping[str, Location], doc,
                         ontology: Ontology) -> dict[str, Completion]:
    """Fill what the actor coder could not from where the event happened.

    With an event's location named in its own sentence ("in Basra", "near
    Jericho"), a target missing from a material act becomes that place's
    country, so do unnamed victims the event coder took to be the attacker's
    compatriots, and an actor with a sector but no country ("the rebels", "a
    journalist") takes it too. A location that only comes from a dateline or
    the actors themselves is not used: it would turn "X shelled targets" into a
    self-dyad.
    """
    if not events:
        return {}
    sentences = [(s.start_char, s.end_char) for s in nlp.sentences(doc)]
    out: dict[str, Completion] = {}
    for e in events:
        loc = locations.get(e.id)
        start, end = sentences[e.sentence_index] if e.sentence_index < len(sentences) else (0, 0)
        if (loc is None or loc.country is None or loc.start is None
                or loc.precision not in ("place", "admin1") or not start <= loc.start < end):
            continue
        from_place = ontology.plover[e.plover].target_from_place if e.plover else PlaceTarget.NEVER
        source, target = _placed_actor(e.source, loc.country), _placed_actor(e.target, loc.country)
        target_text = e.target_text
        if (target is not None and target.kind == "unnamed" and from_place is PlaceTarget.ALWAYS
                and target.country != loc.country):
            # "bombers killed 23 people in Tel Aviv": unnamed victims are of the place,
            # not of the attacker's country (the coder's guess without a place)
            target = Actor(loc.country, loc.country, None, None, "unnamed")
        abroad = source is not None and source.country not in (None, loc.country)
        if target is None and (from_place is PlaceTarget.ALWAYS
                               or (from_place is PlaceTarget.ABROAD and abroad)):
            target = Actor(loc.country, loc.country, None, None, "country")
            target_text = loc.text
        if source is e.source and target is e.target:
            continue
        out[e.id] = Completion(source, target, target_text, round(e.confidence * PLACE_FACTOR, 4))
    return _complete_from_focus(events, out)


def focus_country(events: Sequence[Event]) -> str | None:
    """The country an article is about: the one its events' actors name most
    (a tie goes to the one named first)."""
    counts = Counter(a.country for e in events for a in (e.source, e.target) if a is not None and a.country)
    return counts.most_common(1)[0][0] if counts else None


def _complete_from_focus(events: Sequence[Event], out: dict[str, Completion]) -> dict[str, Completion]:
    """An actor with a sector and no country that no place placed ("the
    government", "security forces", "opposition lawmakers") is of the country
    the article is about: news names the foreign actors and leaves the home
    ones unnamed. Without it such events have no dyad at all. Aid with no named
    doer to people now of a country is that country's own, as the event coder
    codes it when the country is named in the sentence."""
    focus = focus_country(events)
    if focus is None:
        return out
    for e in events:
        done = out.get(e.id)
        source, target = (done.source, done.target) if done else (e.source, e.target)
        placed_source, placed_target = _placed_actor(source, focus), _placed_actor(target, focus)
        if e.plover == "AID" and placed_source is None and placed_target is not None and placed_target.country:
            # "300 passengers were rescued": the event coder takes unnamed rescuers of a
            # country's people to be its own; here the people got their country only now
            country = placed_target.country
            placed_source = Actor(country, country, None, None, "unnamed")
        if placed_source is source and placed_target is target:
            continue
        out[e.id] = Completion(placed_source, placed_target, done.target_text if done else e.target_text,
                               round((done.confidence if done else e.confidence) * FOCUS_FACTOR, 4))
    return out


def _placed_actor(actor: Actor | None, country: str) -> Actor | None:
    """The actor in `country` when it has a sector and no country; an
    organisation's people stay its own (a former NATO chief, "IGOWSTNAT" with
    sector ELI, is not made a citizen of the country the article is about)."""
    if actor is None or actor.country is not None or not actor.sector or actor.kind in ("igo", "ngo") \
            or actor.code.startswith(("IGO", "NGO")):
        return actor
    return actor.in_country(country)
