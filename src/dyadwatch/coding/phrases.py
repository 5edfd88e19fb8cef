"""Every surface form of the actor tables, found in a parsed Doc by its
lower-case tokens: what spaCy's PhraseMatcher(attr="LOWER") does, in a form
that is built once and read back from the prebuilt cache (prebuilt.py).

Why not the PhraseMatcher itself: it holds a Vocab, so keeping it means
tokenizing all 5,000 surfaces and adding them again at every start (more CPU
than the rest of the actor coder's loading). Here a surface is the tuple of
its tokens' LOWER ids (spaCy's string ids, the same numbers `doc.to_array`
gives), so the table is plain dicts and sets, and matching is a walk from
each token over the known prefixes, on the Doc's array.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class PhraseTable:
    """Token-id sequence -> the keys whose surfaces tokenize to it.

    `prefixes` holds every leading part of every sequence (the sequences
    included), so a walk stops at the first token no surface continues with.
    """

    keys: dict[tuple[int, ...], tuple[str, ...]]
    prefixes: frozenset[tuple[int, ...]]
    longest: int
    firsts: frozenset[int]  # the first token of every sequence: where a walk may start

    @classmethod
    def build(cls, surfaces: Iterable[tuple[str, Iterable[str]]]) -> "PhraseTable":
        """From (key, lower-case token texts of one surface) pairs, in table order."""
        from spacy.strings import get_string_id

        keys: dict[tuple[int, ...], list[str]] = {}
        for key, words in surfaces:
            seq = tuple(get_string_id(w) for w in words)
            if seq and key not in keys.setdefault(seq, []):
                keys[seq].append(key)
        prefixes = frozenset(seq[:n] for seq in keys for n in range(1, len(seq) + 1))
        return cls({s: tuple(k) for s, k in keys.items()}, prefixes,
                   max((len(s) for s in keys), default=0), frozenset(seq[0] for seq in keys))

    def matches(self, doc, lower: list[int] | None = None) -> Iterator[tuple[str, int, int]]:
        """(key, start, end) of every known surface in `doc`, overlaps included,
        by start then end (the PhraseMatcher's order). `lower`: the Doc's
        LOWER array as a list, when the caller has read it already."""
        from spacy.attrs import LOWER

        if lower is None:
            lower = doc.to_array(LOWER).tolist() if len(doc) else []
        n, prefixes, keys, firsts = len(lower), self.prefixes, self.keys, self.firsts
        for start in [i for i, word in enumerate(lower) if word in firsts]:
            for end in range(start + 1, min(n, start + self.longest) + 1):
                seq = tuple(lower[start:end])
                if seq not in prefixes:
                    break
                for key in keys.get(seq, ()):
                    yield key, start, end
