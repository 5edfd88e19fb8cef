"""The records the actor coder and its coreference share while one article is
coded: a mention being built (`Found`), a reference waiting for the article
before it (`Pending`), and the per-document state (`ArticleState`).

They live apart from both so that the phrase coder (actors.py), coreference
(coref.py), gender evidence (gender.py) and plural references (groups.py)
read one definition without importing each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..types import Actor

#: How far back coreference looks, in sentences.
WINDOW = 8
SUBJECTS = ("nsubj", "nsubjpass")


@dataclass(slots=True)
class Found:
    """A Mention being built, with what coreference needs to know about it."""

    start: int
    end: int
    actor: Actor
    conf: float
    antecedent: str | None = None
    kinds: frozenset[str] = frozenset()
    person: bool = False
    name: str | None = None  # a person's name as written, and its tokens, for "Wang" after "Wang Yi"
    name_tokens: tuple[str, ...] = ()
    place: bool = False  # a country or capital used as a place ("talks in Seoul")

    def source(self, doc) -> str:
        """The text a resolved mention points back to: the first naming, and for
        a person the name alone ("Wang Yi", not "Foreign Minister Wang Yi")."""
        if self.antecedent:
            return self.antecedent
        if self.person and self.name:
            return self.name
        return doc[self.start:self.end].text


@dataclass(slots=True)
class Pending:
    """Something only the article before it can resolve (pass 3)."""

    start: int
    end: int
    what: str  # role | person | pronoun | it | surname | plural | owned | body
    sector: str | None = None
    kinds: frozenset[str] = frozenset()
    definite: bool = False  # "the ministry"; for "owned", "their" rather than "its"
    person_title: bool = False
    count: int = 0  # "the three countries" -> 3
    name_tokens: tuple[str, ...] = ()  # an unknown person's name


@dataclass(slots=True)
class ArticleState:
    """Per-document state, thrown away after `code` returns."""

    doc: object
    date: dt.date | None
    sent_of: list[int]
    korean: bool
    south: bool
    found: list[Found] = field(default_factory=list)
    places: dict[int, set[str]] = field(default_factory=dict)  # sentence -> countries named as places
    #: `doc.ents`, read once: spaCy builds every entity Span again on each access,
    #: and four passes of the actor coder read them
    ents: tuple = ()
    #: the Doc's LOWER and ORTH arrays as lists, and each token's first
    #: character and length (`nlp.token_offsets`), read once: the passes over
    #: every word and every match read them without making Tokens
    lower: list[int] = field(default_factory=list)
    orth: list[int] = field(default_factory=list)
    idx: list[int] = field(default_factory=list)
    length: list[int] = field(default_factory=list)


def country_actor(countries: dict[str, str], iso3: str, sector: str | None, kind: str) -> Actor:
    """The actor of a country (and sector) named by a reference, with the country's name."""
    return Actor(iso3 + (sector or ""), iso3, sector, countries.get(iso3), kind)


def recent(st: ArticleState, history: list[Found], i: int):
    """Mentions before token i, nearest first, within WINDOW sentences."""
    floor = st.sent_of[i] - WINDOW
    for f in reversed(history):
        if st.sent_of[f.start] < floor:
            return
        yield f


def register(registry: dict[str, Found], f: Found) -> None:
    """Index a named person by full name and by first and last name token,
    so that a later "Wang" or "Yi" finds "Wang Yi"."""
    if not f.person or not f.name or not f.name_tokens:
        return
    registry[f.name] = f
    for token in (f.name_tokens[0], f.name_tokens[-1]):
        if len(token) > 1 and token[:1].isupper():
            registry[token] = f
