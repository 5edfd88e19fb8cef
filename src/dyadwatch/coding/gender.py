"""What an article says about its people's gender, for pronoun resolution.

The small English model has no notion of gender, and a name list would be a
guess; an article states it often enough: an honorific ("Ms Park"), a
gendered title or noun ("spokeswoman", "Queen", "his sister X") or the first
he/she that can only mean one person. The words live in
data/gendered_words.yaml; coref.py collects the evidence and asks `Genders`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import data_path
from ..schemas import GenderedWords
from ..tables import load_yaml

if TYPE_CHECKING:
    from .coref import Found


@dataclass(frozen=True)
class GenderWords:
    """gendered_words.yaml: pronouns, honorifics and nouns that state a
    person's gender (word -> "m" | "f"), and the plural pronouns."""

    pronouns: dict[str, str]
    honorifics: dict[str, str]
    titles: dict[str, str]
    nouns: dict[str, str]
    plural: frozenset[str]

    @classmethod
    def from_package(cls) -> "GenderWords":
        return cls.from_path(data_path("gendered_words.yaml"))

    @classmethod
    def from_path(cls, path: Path) -> "GenderWords":
        data = load_yaml(path, GenderedWords)
        maps = [{w.lower(): sex[0] for sex in ("male", "female") for w in getattr(table, sex)}
                for table in (data.pronouns, data.honorifics, data.titles, data.nouns)]
        plural = frozenset(w.lower() for w in data.pronouns.plural)
        return cls(*maps, plural)

    def gendered(self, token) -> str | None:
        """"m" or "f" when the word states a gender, whatever its part."""
        low = token.lower_
        return (self.pronouns.get(low) or self.honorifics.get(low) or self.before(low)
                or self.before(token.lemma_.lower()))

    def before(self, word: str) -> str | None:
        """The gender a word written before a name or in apposition states."""
        return self.honorifics.get(word) or self.titles.get(word) or self.nouns.get(word)


@dataclass(slots=True)
class Genders:
    """What one article says about its people's gender. A person is an
    identity: the first full name that the registry maps their mentions to
    (or the mention itself when unnamed); resolved mentions share it.
    Evidence is strong (an honorific, a gendered title or apposition) or weak
    (the first unambiguous he/she); strong evidence overrides weak, and two
    strong contradicting ones leave the person unknown."""

    ident: dict[int, object] = field(default_factory=dict)  # id(Found) -> identity
    sex: dict[object, tuple[str, bool]] = field(default_factory=dict)  # -> (m|f|?, strong)
    #: people the coder could not code, with the gender their mention states:
    #: (token, m|f) ("Lena Park, a spokeswoman for the ministry")
    strangers: list[tuple[int, str]] = field(default_factory=list)

    def key(self, f: "Found") -> object:
        return self.ident.get(id(f), f.name or id(f))

    def link(self, new: "Found", old: "Found") -> None:
        self.ident[id(new)] = self.key(old)

    def get(self, f: "Found") -> str | None:
        known = self.sex.get(self.key(f))
        return known[0] if known and known[0] != "?" else None

    def learn(self, key: object, sex: str, strong: bool) -> None:
        known = self.sex.get(key)
        if known is None or (strong and not known[1]):
            self.sex[key] = (sex, strong)
        elif strong and known[0] != sex:
            self.sex[key] = ("?", True)
