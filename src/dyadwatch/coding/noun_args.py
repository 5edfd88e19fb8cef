"""Who did a nominal event and to whom: "an attack by X on Y", "X's visit to Y",
"support from X", "Y's plan drew criticism from X", "X said during a visit to Y".

A noun names its doers in its possessive and modifiers, its "by"/"from" phrase
or the participle describing it ("an offensive launched by X"), and its targets
in the pattern's preposition slots, on itself or on its "of" phrase; a noun
that is the scene of a verb ("during talks with Y") is done by the verb's
subject. The verb-side reading (subjects, actors of a phrase) is the
ArgumentFinder's, which this reads through.
"""

from __future__ import annotations

from itertools import permutations

from . import tree
from .arg_parts import LOCATIVE_PREPS, Arg, key, unique
from .event_args import ArgumentFinder
from .event_context import Context
from .patterns import Pattern

#: Prepositions that make a nominal event the scene of the verb it hangs on ("said during a
#: visit to Y", "told Y in a phone call"): the verb's subject is the doer of the event.
SCENE_PREPS = frozenset({"during", "in", "at", "on", "over", "by"})
#: Prepositions of a joint act (talks, a meeting) that the clause's subject took part in
#: before acting ("after talks with Y, X said"); not of a one-sided act ("after an
#: attack on Y, X vowed": X is not the attacker).
JOINT_SCENE_PREPS = SCENE_PREPS | {"after", "following"}
#: Determiners of an act that names no particular occurrence ("would answer any attack by X").
QUANTIFIERS = frozenset({"any", "every", "each", "no"})


class NounArguments:
    """Sources and targets of a trigger that is a noun (see the module docstring)."""

    def __init__(self, finder: ArgumentFinder) -> None:
        self.finder = finder

    def noun_pairs(self, tok, p: Pattern, by_token) -> list[tuple[Arg, Arg, bool]]:
        if "recipient" in p.targets:
            return self._received(tok, p, by_token)
        sources = [a for c in tree.children(tok) if c.dep_ in ("poss", "amod", "compound", "nmod")
                   for a in self.finder.actors(c, by_token, depth=0)]
        supported = (tok.dep_ in ("dobj", "nsubjpass")
                     and tok.head.lemma_.lower() in self.finder.words["support_verbs"])
        if not sources and supported:
            sources = self.finder.subjects(tok.head, by_token, Context())
        agents = self.finder.noun_agents(tok, p, by_token)
        if p.agent_only:  # "support from X"; not "X's support for Y", a standing stance
            sources, supported = [], False
        sources += agents
        addressees: list[Arg] = []
        if not sources:
            sources, addressees = self._scene_agents(tok, p, by_token)
        heads = [tok] + [o for c in tree.children(tok) if c.dep_ == "prep" and c.lower_ == "of"
                         for o in tree.children(c) if o.dep_ == "pobj"]  # "suspension of links with X"
        targets = [a for slot in p.targets for h in heads for c in tree.children(h)
                   if c.dep_ == "prep" and c.lower_ == slot
                   for o in tree.children(c) if o.dep_ == "pobj" for a in self.finder.actors(o, by_token)]
        if not targets:  # "a visit by X to Y": the parse often hangs "to Y" on the doer
            targets = [a for slot in p.targets if slot not in LOCATIVE_PREPS
                       for c in tree.children(tok) if c.dep_ == "prep" and c.lower_ == "by"
                       for o in tree.children(c) if o.dep_ == "pobj"
                       for d in tree.children(o) if d.dep_ == "prep" and d.lower_ == slot
                       for x in tree.children(d) if x.dep_ == "pobj" for a in self.finder.actors(x, by_token)]
        if not targets and "denier" in p.targets:
            targets = self._deniers(tok, by_token)
        sources, targets = unique(sources), unique(targets)
        if p.symmetric and len(sources) > 1 and addressees and not targets:
            # "X and Y told Z in phone calls": each talked with Z, not with each other
            return [pair for s in sources for a in unique(addressees)
                    if s.mention.actor.code != a.mention.actor.code
                    for pair in ((s, a, True), (a, s, True))]
        if p.symmetric == "all" or (p.symmetric == "subjects" and len(sources) > 1 and not targets):
            # "subjects": "X and Y stepped up cooperation" is joint; "X's cooperation with Y" is X's
            people = unique(sources + addressees + targets)
            if len(people) >= 2:
                return [(a, b, True) for a, b in permutations(people, 2)
                        if a.mention.actor.code != b.mention.actor.code]
            return []
        material = agents and self.finder.ontology.cameo_quad_class(p.cameo) == 4 and not any(
            c.dep_ == "det" and c.lower_ in QUANTIFIERS for c in tree.children(tok))  # "any attack by X"
        if (supported or material or (agents and p.agent_only)) and not targets:  # "an offensive launched by X": X acted
            return [(s, Arg(None, "direct"), True) for s in sources]
        return [(s, t, True) for s in sources for t in targets
                if s.mention.actor.code != t.mention.actor.code]

    def _received(self, tok, p: Pattern, by_token) -> list[tuple[Arg, Arg, bool]]:
        """"Y's plan drew criticism from X", "the bill met with opposition from X": a
        reaction the sentence only names as received. Its doer is the "from"/"by" agent,
        its target the actor the receiving verb's subject names (itself or its owner);
        a subject naming no actor ("the documents met with objections from X") leaves
        the target open. Not received ("X's opposition to Y", "amid criticism"): nothing,
        as a standing stance or a backdrop is no act."""
        prep = tok.head if tok.dep_ == "pobj" and tok.head.lower_ == "with" else None
        verb = prep.head if prep is not None else tok.head if tok.dep_ == "dobj" else None
        if verb is None or verb.lemma_.lower() not in self.finder.words["reception_verbs"]:
            return []
        sources = unique(self.finder.noun_agents(tok, p, by_token) or [  # "drew criticism [from X]" hung on the verb
            a for c in tree.children(verb) if c.dep_ == "prep" and c.lower_ in ("from", "by")
            for o in tree.children(c) if o.dep_ == "pobj" for a in self.finder.actors(o, by_token)])
        source_keys = {key(a.mention) for a in sources}
        targets = [a for a in unique(self.finder.subjects(verb, by_token, Context())) if key(a.mention) not in source_keys]
        return [(s, t, True) for s in sources for t in (targets or [Arg(None, "direct")])]

    def _deniers(self, tok, by_token) -> list[Arg]:
        """"Y rejected X's allegations", "allegations by X, which Y denied": who denies a
        charge is who it was made against (the subject of the verb of denial whose object
        the charge is, directly or through its relative clause)."""
        verbs = [tok.head] if tok.dep_ == "dobj" else []
        verbs += [c for c in tree.children(tok) if c.dep_ == "relcl"]
        return [a for v in verbs if v.lemma_.lower() in self.finder.words["denial_verbs"]
                for a in self.finder.subjects(v, by_token, Context())]

    def _scene_agents(self, tok, p: Pattern, by_token) -> tuple[list[Arg], list[Arg]]:
        """The doers of a nominal event that is the scene of a verb, and the
        verb's addressees: "X said during a visit to Y" (X visited), "X told Y in
        a phone call" (X and Y talked: for a symmetric event the addressee of
        the verb takes part too; not "X told Y after talks with Z": Y heard of
        them afterwards)."""
        prep = tok.head
        scenes = JOINT_SCENE_PREPS if p.symmetric else SCENE_PREPS
        if tok.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in scenes:
            return [], []
        verb = prep.head
        if verb.pos_ not in ("VERB", "AUX") or any(c.dep_ == "nsubjpass" for c in tree.children(verb)):
            return [], []  # "Y was killed in an attack": the subject suffered it
        found = [Arg(a.mention, "inherited") for a in self.finder.subjects(verb, by_token, Context())]
        addressees = []
        if p.symmetric and found and prep.lower_ in SCENE_PREPS and verb.lemma_.lower() in self.finder.words["speech_verbs"]:
            addressees = [Arg(a.mention, "inherited") for c in tree.children(verb) if c.dep_ in ("dobj", "dative")
                          for a in self.finder.actors(c, by_token)]
        return found, addressees
