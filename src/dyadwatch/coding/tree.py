"""A Doc's dependency tree as tuples of Tokens, built once per document.

Why: spaCy's `Token.children` walks the token array on every call and makes
a new Token object for every child it yields. The event, argument, clause
and quote rules ask for the children of the same few words again and again
(each rule of a trigger's clause, each step of the climb above it, each
argument's modifiers), on 300 synthetic articles some hundreds of thousands
of times. `children(tok)` answers from a tuple per token, made the first time
that token is asked, from an index of the document's HEAD array built on the
first question, in spaCy's order (by index).

The tuples live in the Doc's `user_data` (spaCy's place for a pipeline's own
per-document data). Their Tokens point back at the Doc, so
`Pipeline.code_doc` calls `release` when a document is coded: the Doc is
then freed as soon as it is dropped, not at the next garbage collection.

Two more questions the rules ask per word are answered the same way, from
the same per-document tables: `conjuncts` (spaCy walks the right children
of the coordination's first word again on every call, 3 us) and
`sentence_start` / `sentence` (`Token.sent` walks the SENT_START flags back
and forth from the word and makes a new Span, 11 us, asked per trigger and
per subject).

Every per-document table a stage keeps on the Doc (these, the sentence and
entity Spans of nlp.py, the date spans, the coast words) is got or built
through `kept`, under a "dyadwatch." key, and `release` drops them all.
"""

from __future__ import annotations

import numpy
from spacy.symbols import conj as CONJ

#: Where a Doc keeps its children tuples (`Doc.user_data`).
_DOC_CHILDREN = "dyadwatch.children"
#: Where a Doc keeps its conjuncts tuples, by token index.
_DOC_CONJUNCTS = "dyadwatch.conjuncts"
#: Where a Doc keeps each token's head index.
_DOC_HEADS = "dyadwatch.heads"
#: Where a Doc keeps each token's dependency label.
_DOC_LABELS = "dyadwatch.labels"
#: Where a Doc keeps each token's sentence start, and the sentence Spans asked for.
_DOC_SENTENCES = "dyadwatch.sentences"


def children(tok) -> tuple:
    """The syntactic children of `tok`, as `tok.children` yields them."""
    doc = tok.doc
    index = doc.user_data.get(_DOC_CHILDREN)  # `kept`, inline: asked 400,000 times on 300 articles
    if index is None:
        index = doc.user_data[_DOC_CHILDREN] = _index(doc)
    kids = index[tok.i]
    if kids.__class__ is list:  # indices until first asked: a Token for every word costs more
        kids = index[tok.i] = tuple(doc[j] for j in kids)
    return kids


def conjuncts(tok) -> tuple:
    """`tok.conjuncts`: the words coordinated with `tok`, without it, in
    spaCy's order (the coordination's first word, then its "conj" right
    children breadth first)."""
    cache = kept(tok.doc, _DOC_CONJUNCTS, lambda doc: {})
    found = cache.get(tok.i)
    if found is None:
        found = cache[tok.i] = _conjuncts(tok)
    return found


def sentence_start(tok) -> int:
    """The index of the first token of `tok`'s sentence (`tok.sent.start`)."""
    return kept(tok.doc, _DOC_SENTENCES, _sentence_tables)[0][tok.i]


def sentence_bounds(tok) -> tuple[int, int]:
    """(`tok.sent.start`, `tok.sent.end`), without making the Span."""
    starts, ends, _ = kept(tok.doc, _DOC_SENTENCES, _sentence_tables)
    return starts[tok.i], ends[tok.i]


def sentence(tok):
    """`tok.sent`: the sentence Span, made once per sentence."""
    starts, ends, spans = kept(tok.doc, _DOC_SENTENCES, _sentence_tables)
    start = starts[tok.i]
    span = spans.get(start)
    if span is None:
        span = spans[start] = tok.doc[start:ends[tok.i]]
    return span


def heads(doc) -> list[int]:
    """Each token's head index (a root's is its own), from the HEAD array: a
    walk up the tree by index makes no Token per step (`Token.head` makes one)."""
    return kept(doc, _DOC_HEADS, _heads)


def labels(doc) -> list[str]:
    """Each token's dependency label (`Token.dep_`), read from the DEP array once
    per document: a walk up the tree that only tests labels makes no Token."""
    return kept(doc, _DOC_LABELS, _labels)


def path(tok) -> list[int]:
    """The indices of `tok` and of its ancestors, nearest first (`[tok, *tok.ancestors]`)."""
    up = heads(tok.doc)
    i = tok.i
    out = [i]
    while up[i] != i:
        i = up[i]
        out.append(i)
    return out


def kept(doc, key: str, build):
    """The table `key` the Doc keeps in `user_data`, built by `build(doc)` the
    first time it is asked for."""
    found = doc.user_data.get(key)
    if found is None:
        found = doc.user_data[key] = build(doc)
    return found


def release(doc) -> None:
    """Drop every table the stages kept on the Doc (`user_data` keys
    "dyadwatch.*"), once it is coded: Spans and Tokens point back at the Doc,
    which would then wait for the next garbage collection instead of being
    freed when dropped."""
    for key in [k for k in doc.user_data if isinstance(k, str) and k.startswith("dyadwatch.")]:
        del doc.user_data[key]


def _index(doc) -> list:
    """Each token's children's indices, from the HEAD array (no Token made)."""
    from spacy.attrs import HEAD

    index: list = [[] for _ in range(len(doc))]
    if len(doc):  # HEAD holds each token's offset to its head (0: a root), as unsigned ints
        for i, offset in enumerate(doc.to_array(HEAD).astype(numpy.int64).tolist()):
            if offset:
                index[i + offset].append(i)
    return index


def _heads(doc) -> list[int]:
    from spacy.attrs import HEAD

    if not len(doc):
        return []
    return [i + offset for i, offset in enumerate(doc.to_array(HEAD).astype(numpy.int64).tolist())]


def _labels(doc) -> list[str]:
    from spacy.attrs import DEP

    strings, names = doc.vocab.strings, {}
    return [names.get(d) or names.setdefault(d, strings[d]) for d in doc.to_array(DEP).tolist()]


def _conjuncts(tok) -> tuple:
    """As spaCy's `Token.conjuncts`, from the children tuples."""
    start = tok
    while start.dep == CONJ and start.head.i != start.i:
        start = start.head
    queue = output = [start]
    for word in queue:
        queue.extend(c for c in children(word) if c.i > word.i and c.dep == CONJ)
    return tuple(w for w in output if w.i != tok.i)


def _sentence_tables(doc) -> tuple[list[int], list[int], dict]:
    """Each token's sentence start and end, from the SENT_START array as
    `Span.sent` reads it (a sentence starts where the flag is 1, and at 0),
    and an empty cache of sentence Spans."""
    from spacy.attrs import SENT_START

    starts: list[int] = []
    current = 0
    if len(doc):
        for i, flag in enumerate(doc.to_array(SENT_START).astype(numpy.int64).tolist()):
            if flag == 1:
                current = i
            starts.append(current)
    ends: list[int] = []
    end = len(starts)
    for i in range(len(starts) - 1, -1, -1):  # a sentence ends where the next one starts
        ends.append(end)
        if starts[i] == i:
            end = i
    ends.reverse()
    return starts, ends, {}
