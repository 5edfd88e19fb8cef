"""The owner of a thing named again: "rejected the resolution" after "a
resolution in the U.S. Congress".

A reaction ("rejected", "welcomed", "denounced") whose object is a bare
definite noun ("the resolution", "the vaccines", "the budget") names no party
in its own clause; the article named the thing a few sentences before, with
its owner beside it: a possessor ("China's vaccine", "the government's
budget"), a modifier ("a Chinese offer") or an "in"/"of"/"by"/"from" phrase
("a resolution in the U.S. Congress", "a plan by Egypt"). The reaction is
aimed at that owner. The search goes back over bare repeats ("the budget")
to the latest mention that names an owner, and stops at one that introduces
a new thing ("a budget") or is owned by the reacting actor itself; a
participle's agent ("vaccines bought by the government") is the buyer, not
the owner, and is not read.
"""

from __future__ import annotations

from . import tree
from ..types import Actor

#: Sentences before the reaction searched for the earlier mention of the noun.
WINDOW = 3
#: Dependency labels of a noun's modifiers that name its owner.
OWNER_DEPS = frozenset({"poss", "compound", "amod", "nmod"})
#: Prepositions whose object names the owner of the noun they hang on.
OWNER_PREPS = frozenset({"in", "of", "by", "from"})


def owner_of_earlier_mention(obj, sentence_index: int, by_token, source: Actor) -> Actor | None:
    """The actor owning the latest earlier mention of `obj`'s noun within
    `WINDOW` sentences that names an owner or brings the thing in (see the
    module docstring); None when it names no owner other than `source`.
    `by_token` maps token indices to the actor mentions covering them."""
    doc = obj.doc
    sents = list(doc.sents)
    first = sents[max(0, sentence_index - WINDOW)].start
    lemma = obj.lemma_.lower()
    for tok in reversed(doc[first:obj.i]):
        if tok.pos_ != "NOUN" or tok.lemma_.lower() != lemma:
            continue
        owners = [m.actor for c in tree.children(tok) if c.dep_ in OWNER_DEPS for m in by_token.get(c.i, ())]
        owners += [m.actor for c in tree.children(tok) if c.dep_ == "prep" and c.lower_ in OWNER_PREPS
                   for o in tree.children(c) if o.dep_ == "pobj" for m in by_token.get(o.i, ())]
        others = [a for a in owners if a.code != source.code]
        if owners or any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tree.children(tok)):
            return others[0] if others else None
    return None
