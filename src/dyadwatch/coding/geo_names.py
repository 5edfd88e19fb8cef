"""The place names of an article: what the geocoder works with.

`geo.Geocoder` finds the place names of an article, resolves them once and
places each event; this module holds what it finds them with and keeps them
in: the dateline, the feature words of data/geo_hints.yaml (`Hints`), a name
found in a sentence (`Candidate`), an article's resolved names (`DocPlaces`),
and the Doc array readers that find the names (proper nouns outside every
entity, entities by sentence) and weigh them (every other name's evidence).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .gazetteer import Context, Place
from .nlp import entities
from ..types import Location


DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z][A-Z.'\- ]{1,40}?[A-Z.])"
    r"(?:\s*,\s*(?P<qual>[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?))?"
    r"(?=\s*(?:,\s*[A-Z][a-z]{2,}\.?\s+\d{1,2}\b|\(|:|\s[-\u2014\u2013]{1,2}\s))",
    re.MULTILINE,
)


def dateline_span(text: str) -> tuple[int, int] | None:
    """Characters of the article's dateline ("ISLAMABAD, Pakistan —"): where the
    story was filed, which is never a participant of its events."""
    m = DATELINE.search(text[:400])
    return (m.start("place"), m.end()) if m else None


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
        from ..schemas import GeoHints
        from ..tables import load_yaml

        table = load_yaml(path, GeoHints)
        return cls(**{f.name: frozenset(w.lower() for w in getattr(table, f.name))
                      for f in dataclasses.fields(cls)})

    def kind_of_word(self, word: str) -> str | None:
        w = word.lower()
        if w in self.admin1_words:
            return "admin1"
        if w in self.place_words:
            return "place"
        if w in self.country_words:
            return "country"
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

    def as_actor(self) -> "Candidate":
        """This name marked as an actor (`dataclasses.replace` reads every
        field's definition again on each call; every actor name passes here)."""
        return Candidate(self.text, self.start, self.end, self.sentence, self.token, self.hint,
                         self.qualifier, True)


@dataclass(frozen=True)
class DocPlaces:
    """The place names of one article, resolved once with article evidence."""

    sentences: tuple
    by_sentence: dict[int, tuple[Candidate, ...]]
    resolved: dict[tuple[int, int], Place]
    context: dict[tuple[int, int], Context]
    dateline: Location | None
    #: Each name's best place per context (`Geocoder._best`), for the events' turn.
    ranks: dict = dataclasses.field(default_factory=dict)

    @functools.cached_property
    def starts(self) -> list[int]:
        """First token of each sentence, to find a token's sentence by bisection."""
        return [s.start for s in self.sentences]

    def sentence_of(self, token: int) -> int | None:
        """Index of the sentence holding token `token` (None outside them all)."""
        i = bisect.bisect_right(self.starts, token) - 1
        return i if i >= 0 and token < self.sentences[i].end else None

class Overlaps:
    """Does a character range overlap one of these spans? By bisection: the
    spans starting before the range's end overlap it when the farthest end
    among them lies after its start (every candidate name was tested against
    every mention of the article)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach = list(itertools.accumulate((e for _, e in spans), max))

    def overlap(self, start: int, end: int) -> bool:
        k = bisect.bisect_left(self.starts, end)
        return k > 0 and self.reach[k - 1] > start



def bare_proper_nouns(doc) -> list[int]:
    """Indices of the proper nouns outside every entity that head their
    name (not a compound modifier), read from the Doc's arrays: testing
    every token's tags in Python cost more than what follows for the few
    that pass."""
    from spacy.attrs import DEP, ENT_TYPE, POS
    from spacy.symbols import PROPN

    tags = doc.to_array([POS, DEP, ENT_TYPE])
    compound = doc.vocab.strings["compound"]
    keep = (tags[:, 0] == PROPN) & (tags[:, 1] != compound) & (tags[:, 2] == 0)
    return keep.nonzero()[0].tolist()


def split_qualified(ent, text: str) -> list[tuple[int, int]]:
    """"Cambridge, Massachusetts" tagged as one entity -> two spans. The
    entity's text is read as a slice of the article's (`Span.text` joins a
    new Token per word)."""
    start, end = ent.start_char, ent.end_char
    comma = text.find(", ", start, end)
    if comma < 0:
        return [(start, end)]
    return [(start, comma), (comma + 2, end)]


def other_names(base: Context, own: Place | None, all_countries: Counter,
                 all_admin1: Counter) -> Context:
    """The evidence for one name: the article's mentions and the countries and
    regions of every other name's first reading (the totals minus its own)."""
    countries, admin1s = all_countries, all_admin1
    if own is not None and own.country:
        countries = _less_one(all_countries, own.country)
    if own is not None and own.admin1:
        admin1s = _less_one(all_admin1, own.admin1)
    return Context(article_countries=base.article_countries + countries,
                   article_admin1=frozenset(admin1s), dateline_country=base.dateline_country)


def _less_one(counts: Counter, key) -> Counter:
    """`counts - Counter((key,))` for counts that are all positive, in the
    same order, without Counter's subtraction building a Counter per name."""
    out = counts.copy()
    n = out.get(key, 0) - 1
    if n > 0:
        out[key] = n
    else:
        out.pop(key, None)
    return out


def ents_by_sentence(doc, sents: tuple) -> list[list]:
    """Each sentence's entities (those wholly inside it, as `Span.ents`),
    from one pass over `doc.ents`: `Span.ents` rebuilds every entity of the
    document on each call, which made the per-sentence loop quadratic."""
    out: list[list] = [[] for _ in sents]
    ends = [s.end for s in sents]
    i = 0
    for ent in entities(doc):
        while i < len(ends) and ends[i] <= ent.start:
            i += 1
        if i < len(ends) and sents[i].start <= ent.start and ent.end <= ends[i]:
            out[i].append(ent)
    return out
