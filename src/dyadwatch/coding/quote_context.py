"""What the quote extractor looks up in a parsed document (coding/quotes.py).

`QuoteContext` is built once per document: token, sentence and paragraph by
character offset, read from the Doc's arrays, and the actor coder's mentions
by token. The functions read token ranges around a reporting verb (its
negation, the speaker phrase, a complement without "that") and link events
to the quotes that hold their triggers.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable, Sequence

import numpy

from . import tree
from .nlp import sentences, token_offsets
from .quote_spans import paragraphs
from ..types import Event, Mention, Quote


#: Labels that end a speaker phrase to the right of its head word (an
#: apposition ends it only after a comma: "Seoul's envoy Han" is one phrase,
#: "Wang, the foreign minister," stops at "Wang").
_SPEAKER_STOP_DEPS = frozenset({"relcl", "acl", "cc", "conj", "advcl"})


def member(values: numpy.ndarray, ids: numpy.ndarray) -> numpy.ndarray:
    """`numpy.isin(values, ids)` for sorted distinct `ids`, by bisection.

    `numpy.isin` sorts both arrays on every call and, on its first, imports
    `numpy.ma` (0.015 CPU-s of every start)."""
    if not len(ids):
        return numpy.zeros(len(values), dtype=bool)
    at = numpy.minimum(numpy.searchsorted(ids, values), len(ids) - 1)
    return ids[at] == values




class QuoteContext:
    """Per-document lookups built once: token, sentence and paragraph by
    character offset, and mentions by token (`add_mentions`: the direct
    quotes are found without them)."""

    def __init__(self, doc, text: str) -> None:
        self.doc = doc
        self.text = text
        # from the Doc's arrays and sentences, which the other stages read
        # too: one Token object per token would cost more than the whole
        # extraction on long documents
        self.token_starts, self.token_lengths, _ = token_offsets(doc)
        self.sent_starts = [self.token_starts[s.start] for s in sentences(doc)] or [0]
        self.paragraphs = paragraphs(self.text)
        self.para_starts = [p[0] for p in self.paragraphs]
        self.by_token: dict[int, list[Mention]] = {}

    def add_mentions(self, mentions: Iterable[Mention]) -> None:
        self.by_token = {}
        for m in mentions:
            for i in range(m.token_start, m.token_end):
                self.by_token.setdefault(i, []).append(m)

    def token_before(self, char: int) -> int:
        """Index of the last token starting before `char` (-1 if none)."""
        return bisect.bisect_left(self.token_starts, char) - 1

    def span_text(self, a: int, b: int) -> str:
        """The text of tokens a..b (`doc[a:b].text`, without a Token per word)."""
        return self.text[self.token_starts[a]:self.token_starts[b - 1] + self.token_lengths[b - 1]]

    def token_after(self, char: int) -> int:
        """Index of the first token starting at or after `char`."""
        return bisect.bisect_left(self.token_starts, char)

    def sentence_of(self, char: int) -> int:
        return max(bisect.bisect_right(self.sent_starts, char) - 1, 0)

    def paragraph_of(self, char: int) -> int:
        return max(bisect.bisect_right(self.para_starts, char) - 1, 0)

    def mention_for(self, a: int, b: int, head: int | None) -> Mention | None:
        """The mention naming tokens a..b. Preference: a coded actor over one
        whose country the actor coder could not tell ("---GOV" for "a
        spokesperson for the Chinese foreign ministry"); then one containing
        the head word; then one on a name in apposition to it ("Seoul's envoy
        Han"); then the longest in the phrase (the rightmost on ties)."""
        best, best_key = None, None
        for i in range(a, b):
            tok = self.doc[i]
            rank = 2 if i == head else 1 if tok.dep_ == "appos" and tok.head.i == head else 0
            for m in self.by_token.get(i, ()):
                known = not m.actor.code.startswith("---")
                key = (known, rank, m.token_end - m.token_start, m.token_start)
                if best_key is None or key > best_key:
                    best, best_key = m, key
        return best


def negated(verb) -> bool:
    """"did not say", "never said"; a "not" inside the quote does not count."""
    return any(c.dep_ == "neg" and verb.i - 3 <= c.i < verb.i for c in tree.children(verb))


def is_infinitive(tok) -> bool:
    return tok.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tree.children(tok))


def trim_tokens(doc, a: int, b: int) -> tuple[int, int] | None:
    """Token range without leading "that", marks, conjunctions and punctuation."""
    while a < b and (doc[a].is_punct or doc[a].is_space or doc[a].dep_ in ("mark", "cc")
                     and doc[a].lower_ in ("that", "and", "but")):
        a += 1
    while b > a and (doc[b - 1].is_punct or doc[b - 1].is_space or doc[b - 1].dep_ == "cc"):
        b -= 1
    return (a, b) if b > a else None


def speaker_phrase(head) -> tuple[int, int]:
    """Token range of the speaker noun phrase: from its left edge through the
    head and its right modifiers, up to the first comma or apposition."""
    doc = head.doc
    a = head.left_edge.i
    while a < head.i and (doc[a].is_punct or doc[a].is_space):
        a += 1
    b = head.i + 1
    for k in range(head.i + 1, head.right_edge.i + 1):
        tok = doc[k]
        if tok.is_punct or tok.is_space or (tok.head.i == head.i and tok.dep_ in _SPEAKER_STOP_DEPS):
            break
        b = k + 1
    return a, b


def link_events(quotes: list[Quote], events: Sequence[Event]) -> tuple[tuple[Quote, ...], dict[str, str]]:
    """Set `event_ids` on each quote; return them with the quote id of every
    event inside a quote (the event itself is not rebuilt: see coding/stages.py)."""
    starts = [q.start for q in quotes]
    members: dict[int, list[str]] = {}
    links: dict[str, str] = {}
    for ev in events:
        k = bisect.bisect_right(starts, ev.trigger_start) - 1
        if k >= 0 and quotes[k].start <= ev.trigger_start < quotes[k].end:
            links[ev.id] = quotes[k].id
            members.setdefault(k, []).append(ev.id)
    out = tuple(dataclasses.replace(q, event_ids=tuple(members[k])) if k in members else q
                for k, q in enumerate(quotes))
    return out, links
