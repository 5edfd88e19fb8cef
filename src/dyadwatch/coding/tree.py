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
"""

from __future__ import annotations

import numpy

#: Where a Doc keeps its children tuples (`Doc.user_data`).
_DOC_CHILDREN = "dyadwatch.children"


def children(tok) -> tuple:
    """The syntactic children of `tok`, as `tok.children` yields them."""
    doc = tok.doc
    index = doc.user_data.get(_DOC_CHILDREN)
    if index is None:
        index = doc.user_data[_DOC_CHILDREN] = _index(doc)
    kids = index[tok.i]
    if kids.__class__ is list:  # indices until first asked: a Token for every word costs more
        kids = index[tok.i] = tuple(doc[j] for j in kids)
    return kids


def release(doc) -> None:
    """Drop the document's tuples (see the module docstring)."""
    doc.user_data.pop(_DOC_CHILDREN, None)


def _index(doc) -> list:
    """Each token's children's indices, from the HEAD array (no Token made)."""
    from spacy.attrs import HEAD

    index: list = [[] for _ in range(len(doc))]
    if len(doc):  # HEAD holds each token's offset to its head (0: a root), as unsigned ints
        for i, offset in enumerate(doc.to_array(HEAD).astype(numpy.int64).tolist()):
            if offset:
                index[i + offset].append(i)
    return index
