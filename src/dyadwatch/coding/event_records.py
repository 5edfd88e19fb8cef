"""The event record: its deterministic id, its confidence, its texts and offsets.

Apart from the event coder because building a record is the same for every rule
that finds an event (a verb's, a noun's, a derived intent, a quoted command):
what it is made of is read off the match, the arguments and the clause's context.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import tree
from .arg_parts import Arg
from .nlp import doc_text
from .ontology import Ontology
from .patterns import Pattern
from ..types import Actor, Article, Event, Modality

#: Parse factors of the confidence (see module docstring).
HOW_FACTOR = {"direct": 1.0, "conj": 0.95, "inherited": 0.9, "nested": 0.85, "speaker": 0.75,
              "default": 0.7, "missing": 0.6}


def event_id(article_id: str, sentence_index: int, trigger_start: int, plover: str,
             source_code: str | None, target_code: str | None) -> str:
    """Deterministic event id: a re-run over the same text gives the same ids."""
    key = "|".join([article_id, str(sentence_index), str(trigger_start), plover,
                    source_code or "", target_code or ""])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Match:
    """A pattern that fits a trigger word."""

    pattern: Pattern
    trigger: object  # spaCy Token
    obj: object | None  # the object token a light-verb pattern required


def record(ontology: Ontology, article: Article, sent, index: int, match: Match, cameo: str, src: Arg,
           tgt: Arg, modality: Modality | str, negated: bool, dated: tuple, pattern_id: str,
           factor: float = 1.0) -> Event:
    """The Event of a match with its source and target; `dated` is the (date,
    source of the date, date words) of `event_dates.event_date`."""
    date, date_source, date_text = dated
    entry = ontology.code(cameo)
    plover = entry.plover
    s_actor: Actor | None = src.mention.actor if src.mention else None
    t_actor: Actor | None = tgt.mention.actor if tgt.mention else None
    start, end = trigger_span(match)
    doc = sent.doc
    confidences = [a.mention.confidence for a in (src, tgt) if a.mention is not None] or [0.5]
    parse = HOW_FACTOR.get(src.how, 0.8) * (HOW_FACTOR.get(tgt.how, 0.8) if tgt.mention else 1.0)
    confidence = match.pattern.strength * (sum(confidences) / len(confidences)) * parse * factor
    text = doc_text(doc, article)  # slices of it are the spans' texts, without a Token per word
    t_start, t_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
    return Event(
        id=event_id(article.id, index, t_start, plover,
                    s_actor.code if s_actor else None, t_actor.code if t_actor else None),
        article_id=article.id, sentence_index=index, sentence=text[sent.start_char:sent.end_char],
        trigger=text[t_start:t_end], trigger_start=t_start, trigger_end=t_end,
        plover=plover, cameo=cameo, goldstein=entry.goldstein,
        quad_class=ontology.cameo_quad_class(cameo),
        source=s_actor, target=t_actor,
        source_text=src.mention.text if src.mention else None,
        target_text=tgt.mention.text if tgt.mention else None,
        date=date, date_source=date_source, date_text=date_text,
        confidence=round(min(max(confidence, 0.0), 1.0), 4), negated=negated,
        modality=Modality(modality), pattern=pattern_id,
    )


def trigger_span(match: Match) -> tuple[int, int]:
    """Token span of the trigger: the word, extended over a light verb's object
    or a particle when they follow within three tokens."""
    tok = match.trigger
    start, end = tok.i, tok.i + 1
    extra = [match.obj] if match.obj is not None else []
    extra += [c for c in tree.children(tok) if c.dep_ == "prt"]
    for e in extra:
        if 0 < e.i - tok.i <= 3:
            end = max(end, e.i + 1)
    return start, end
