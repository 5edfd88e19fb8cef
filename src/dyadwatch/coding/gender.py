"""What an article says about its people's gender, for pronoun resolution.

The small English model has no notion of gender, and a name list would be a
guess; an article states it often enough: an honorific ("Ms Park"), a
gendered title or noun ("spokeswoman", "Queen", "his sister X") or the first
he/she that can only mean one person. The words live in
data/gendered_words.yaml; `GenderWords` collects the evidence an article
gives while coreference (coref.py) resolves it, and records it in `Genders`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import tree
from .actor_state import SUBJECTS, ArticleState, Found, register
from ..config import data_path


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
        from ..schemas import GenderedWords
        from ..tables import load_yaml

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

    # ------------------------------------------------------ evidence in an article
    def article_genders(self, st: ArticleState, base: list[Found]) -> Genders:
        """Before resolving anything: each named person's identity (a later
        "Putin" is the "Vladimir Putin" named before) and the gender their own
        mentions state anywhere in the article ("Ms Choe" in the last paragraph
        still tells who "she" is in the second)."""
        genders = Genders()
        registry: dict[str, Found] = {}
        for f in base:
            if not f.person:
                continue
            hit = registry.get(f.name) if f.name else None
            if hit is not None:
                genders.link(f, hit)
            self.observe(st.doc, f, genders)
            register(registry, f)
        named = {i for f in base if f.person for i in range(f.start, f.end)}
        for ent in st.ents:
            if ent.label_ == "PERSON" and not any(i in named for i in range(ent.start, ent.end)):
                sex = self.name_gender(st.doc, ent.start, len(ent))
                if sex is not None:
                    genders.strangers.append((ent.start, sex))
        return genders

    def observe(self, doc, f: Found, genders: Genders) -> None:
        sex = self.stated_gender(doc, f)
        if sex is not None:
            genders.learn(genders.key(f), sex, strong=True)

    def stated_gender(self, doc, f: Found) -> str | None:
        """The gender a person's mention states: an honorific or gendered noun
        right before the name ("Mr Kim", "spokeswoman Hua Chunying", "Queen
        Rania", "his sister Kim Yo-jong"), the nearest one deciding, or a
        gendered noun in apposition ("Lena Park, a spokeswoman for ...", "the
        queen, Rania,"). An unnamed title is gendered by its head word ("a
        military spokeswoman"). "spokeswoman for President Vale" says nothing
        about Vale: the walk back stops at the preposition."""
        n = len(f.name_tokens)
        start = next((i for i in range(f.start, f.end - n + 1)
                      if n and all(doc[i + k].text == w for k, w in enumerate(f.name_tokens))),
                     None)
        if start is None:
            return None if f.name else self.titles.get(doc[f.end - 1].lower_)
        return self.name_gender(doc, start, n)

    def name_gender(self, doc, start: int, n: int) -> str | None:
        """`stated_gender` of the n-token name at `start`."""
        if n > 1:  # "Mr" or "Queen" inside the name the recogniser found (not "Son Hak-kyu")
            first = doc[start].lower_
            sex = self.honorifics.get(first) or self.titles.get(first)
            if sex:
                return sex
        sent_start = tree.sentence_start(doc[start])
        for i in range(start - 1, max(sent_start, start - 5) - 1, -1):
            t = doc[i]
            if t.lower_ in self.honorifics:  # whatever its tag ("Ms" is sometimes PRON)
                return self.honorifics[t.lower_]
            if t.pos_ not in ("PROPN", "NOUN", "ADJ"):
                break
            sex = self.before(t.lower_)
            if sex:
                return sex
        name = doc[start:start + n]
        head = name.root
        around = [c for c in tree.children(head) if c.dep_ == "appos"]
        if head.dep_ == "appos":
            around.append(head.head)
        for t in around:
            sex = self.before(t.lower_) or self.before(t.lemma_.lower())
            if sex:
                return sex
        return None

    def learn_from_pronoun(self, st: ArticleState, i: int, sex: str, history: list[Found],
                           cover: dict[int, list[Found]], genders: Genders) -> None:
        """The first he/she subject that can only mean one person tells that
        person's gender: the words before it (its own sentence so far, or, when
        that names no one, the previous sentence too) name exactly one person,
        as a subject ("Kim Jong-un inspected a farm. He said ...", "Choe said
        she ..."), and no other person, pronoun or gendered noun ("his sister",
        "a woman") that the pronoun could mean instead."""
        doc = st.doc
        if doc[i].dep_ not in SUBJECTS:
            return
        own_start = lo = tree.sentence_start(doc[i])
        keys = _people_since(history, lo, genders)
        if not keys and lo > 0:
            lo = tree.sentence_start(doc[lo - 1])
            keys = _people_since(history, lo, genders)
        if len(keys) != 1 or next(iter(keys)) in genders.sex:
            return
        key = next(iter(keys))

        def own(t) -> bool:
            return any(genders.key(f) == key for f in cover.get(t.i, ()) if f.person)

        governing = {t.i for t in doc[i].ancestors}
        if not any(t.dep_ in SUBJECTS and own(t) and (lo < own_start or t.head.i in governing)
                   for t in doc[lo:i]):
            return  # in its own sentence, only the subject of a clause governing it
        for t in doc[lo:i]:
            said = self.gendered(t)
            if ((t.ent_type_ == "PERSON" or said) and not own(t)) or said not in (None, sex):
                return  # someone else, or "Vale said he ..." before "She said"
        genders.learn(key, sex, strong=False)


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

    def key(self, f: Found) -> object:
        return self.ident.get(id(f), f.name or id(f))

    def link(self, new: Found, old: Found) -> None:
        self.ident[id(new)] = self.key(old)

    def get(self, f: Found) -> str | None:
        known = self.sex.get(self.key(f))
        return known[0] if known and known[0] != "?" else None

    def learn(self, key: object, sex: str, strong: bool) -> None:
        known = self.sex.get(key)
        if known is None or (strong and not known[1]):
            self.sex[key] = (sex, strong)
        elif strong and known[0] != sex:
            self.sex[key] = ("?", True)


def _people_since(history: list[Found], lo: int, genders: Genders) -> set[object]:
    """The people (identities) mentioned from token lo on; history is in text order."""
    keys: set[object] = set()
    for f in reversed(history):
        if f.start < lo:
            break
        if f.person:
            keys.add(genders.key(f))
    return keys

