"""The dependents of a candidate trigger that the verb patterns test, read once.

A trigger lemma has up to a dozen patterns ("call", "call on", "call for",
"call off" ...), tried in turn until one fits; each asks about the same
dependents of the same word: its subjects, its objects and their modifiers,
its particles and prepositions. `VerbFrame` reads each of these the first
time a pattern asks and keeps it, so the patterns of one word walk its
children once rather than once per pattern (spaCy makes a new Token object
for every child on every walk).
"""

from __future__ import annotations

from . import tree

#: Dependency labels of a verb's particles and prepositions ("call on", "call for").
PARTICLE_DEPS = frozenset({"prt", "prep", "advmod", "acomp", "oprd", "xcomp", "ccomp", "appos"})


class _once:  # noqa: N801  (used as a decorator, as cached_property is)
    """`functools.cached_property` without its lock (a frame lives in one thread;
    the lock costs 2 us on each first read, some 15,000 reads on 300 articles):
    the value is put in the instance's dict, which later reads find first."""

    def __init__(self, read) -> None:
        self.read, self.name, self.__doc__ = read, read.__name__, read.__doc__

    def __get__(self, frame, owner=None):
        if frame is None:
            return self
        value = frame.__dict__[self.name] = self.read(frame)
        return value


class VerbFrame:
    """What the patterns ask of one candidate trigger token."""

    def __init__(self, tok, circumstance_preps: frozenset[str]) -> None:
        self.tok = tok
        self.circumstance_preps = circumstance_preps
        # the word's own attributes, asked by each of its patterns in turn (a spaCy
        # Token looks each up in the StringStore on every read)
        self.pos: str = tok.pos_
        self.verbal: bool = tok.tag_.startswith("VB")  # a verb tag, whatever the part of speech
        self.dep: str = tok.dep_
        self.lemma: str = tok.lemma_.lower()

    @_once
    def has_object(self) -> bool:
        """A direct object or a passive: what a `no_object` pattern may not have."""
        return any(c.dep_ in ("dobj", "nsubjpass", "auxpass") for c in tree.children(self.tok))

    @_once
    def subject_lemmas(self) -> set[str]:
        """The lemmas (with modifiers) of whoever does the act."""
        tok = self.tok
        heads = [c for c in tree.children(self.tok) if c.dep_ in ("nsubj", "nsubjpass")]
        if not heads and tok.dep_ in ("xcomp", "conj"):  # "troops began leaving"
            heads = [c for c in tree.children(tok.head) if c.dep_ in ("nsubj", "nsubjpass")]
        if not heads and tok.dep_ == "acl" and tok.tag_ == "VBG":
            heads = [tok.head]  # "tariffs targeting Peru": the noun does the act
        heads += [o for c in tree.children(self.tok) if c.dep_ == "agent"  # "was launched by forces"
                  for o in tree.children(c) if o.dep_ == "pobj"]
        heads += [o for h in heads for c in tree.children(h) if c.dep_ == "prep" and c.lower_ == "of"
                  for o in tree.children(c) if o.dep_ == "pobj"]  # "a first patch of troops"
        return {x for h in heads for x in lemmas(h)}

    @_once
    def particles(self) -> frozenset[str]:
        """The words after the verb that can make it a phrasal pattern ("call on"):
        not one before it ("On Monday, X called": no "call on"), nor the head of a
        phrase of place; with the markers of its clauses ("called for Iran to stop")."""
        tok = self.tok
        found = {c.lower_ for c in complements(tree.children(self.tok))
                 if (c.dep_ in PARTICLE_DEPS or c.head.lower_ == "as" or _object_label(c))
                 and c.i > tok.i and not _adverb_phrase(c)}
        found.update(m.lower_ for c in tree.children(self.tok) if c.dep_ in ("advcl", "ccomp", "xcomp")
                     for m in tree.children(c) if m.dep_ == "mark")
        return frozenset(found)

    @_once
    def infinitive(self) -> bool:
        """Has the verb a "to" infinitive as its complement ("told Y to leave")?"""
        return any(c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in tree.children(c))
                   for c in tree.children(self.tok))

    @_once
    def objects(self) -> tuple[tuple[object, str, set[str]], ...]:
        """(token, dependency label, lemmas) of each object candidate (`objects`),
        but for the noun of a phrase of time or circumstance: "During the trip, it
        made a stop" has no "made a trip"."""
        return tuple((o, o.dep_, lemmas(o)) for o in objects(self.tok)
                     if not (o.dep_ == "pobj" and o.head.lower_ in self.circumstance_preps))


def objects(tok):
    """Object candidates of a verb: direct objects (and their conjuncts), the
    subject of a passive or the noun a passive participle modifies, prepositional
    objects and attributes. A subject beside a "by" agent is a passive's, whatever
    its label ("the survey, released by X": the parser's nsubj is what was released)."""
    if tok.dep_ == "acl" and tok.tag_ == "VBN":
        yield tok.head  # "property seized by the army"
    elif tok.dep_ == "relcl" and any(c.dep_ in ("dobj", "nsubjpass") and c.lower_ in ("that", "which")
                                     for c in tree.children(tok)):
        yield tok.head  # "the money that Congress approved": what the relative pronoun stands for
    passive = tok.tag_ == "VBN" and any(c.dep_ == "agent" for c in tree.children(tok))
    for c in tree.children(tok):
        if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "dative") or (passive and c.dep_ == "nsubj"):
            yield c
            yield from tree.conjuncts(c)
            for p in tree.children(c):  # "700 kg of medicine", "a state of siege"
                if p.dep_ == "prep" and p.lower_ == "of":
                    yield from (o for o in tree.children(p) if o.dep_ == "pobj")
        elif c.dep_ == "pobj" and tok.pos_ == "ADP":
            yield c  # a predicate preposition's own object ("Y was behind the attack")
        elif c.dep_ in ("prep", "prt", "advmod", "acomp") and c.lower_ != "according":
            yield c  # ("according to X" names a source: its "accord" is no object)
            for o in tree.children(c):
                if o.dep_ in ("pobj", "dobj", "pcomp"):
                    yield o
                    yield from tree.conjuncts(o)


def lemmas(tok) -> set[str]:
    """The lemma of a token with its compound/adjective modifiers ("hunger strike")."""
    out = {tok.lemma_.lower(), tok.lower_}
    out.update(c.lemma_.lower() for c in tree.children(tok) if c.dep_ in ("compound", "amod", "nmod"))
    return out


def complements(children):
    """The verb's dependents and its object's apposition: "called the move 'a provocation'"
    is often parsed with the label in apposition to the object (or as its adjective or
    object: `_object_label`), not as its complement;
    and the label of "as" ("described the drills as reckless / as a provocation")."""
    yield from children
    for c in children:
        if c.dep_ == "dobj":
            yield from (a for a in tree.children(c) if a.dep_ in ("appos", "amod", "dobj"))
        elif c.dep_ == "prep" and c.lower_ == "as":
            yield from (a for a in tree.children(c) if a.dep_ in ("pobj", "amod", "acomp"))


def _object_label(c) -> bool:
    """Is the word the label put on a verb's object, parsed as a second object or as
    an adjective after the object ("called Y's launch a provocation", "called Y's
    move dangerous")? Both read as "called the move reckless" does."""
    if c.dep_ == "amod":
        return c.head.dep_ == "dobj" and c.i > c.head.i
    return c.dep_ == "dobj" and (c.head.dep_ == "dobj" or any(  # hung on the object or on the verb
        o.dep_ == "dobj" and o.i < c.i for o in tree.children(c.head)))


def _adverb_phrase(c) -> bool:
    """Is the particle the head of a phrase of place ("pulled way out front in
    the race")? Then it is no verb particle: "out front" is not "pull out"."""
    return c.tag_ == "RB" and any(o.dep_ == "pobj" for o in tree.children(c))  # not RP: "called on Y"
