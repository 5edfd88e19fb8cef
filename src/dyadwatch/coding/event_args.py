"""Who did it and to whom: the arguments of a trigger, read off the parse.

Source = the subject, the "by" agent of a passive, or a subject inherited through
coordination, control ("agreed to meet", "urged X to meet") or a relative clause;
target = the pattern's slots in order (direct object, indirect object, listed
prepositions, also on a light verb's object). An argument token is mapped to the
actor Mentions that cover it or one of its modifiers. When no slot names a target,
`fallback_targets` tries the clausal complement, the place of a material act,
another country in the clause and, for physical acts against unnamed people, the
source's own country (documented conventions, measured on plover_gsr dev).
"""

from __future__ import annotations

import dataclasses

from . import tree
from .arg_parts import (
    LOCATIVE_PREPS, PLACE_KINDS, Arg, clause_tokens, companions, dedupe, domestic, done_to_people, key,
    marked,
    names_country, not_own_half, reported_party, shared_head, symmetric_pairs, target_optional,
    unique, unlabelled, unnamed_patient, venue, with_country,
)
from .event_context import Context
from .ontology import DomesticPatient, Ontology
from .patterns import Pattern
from ..types import Actor, Complement, Mention

#: Prepositions inside an argument phrase that lead to the actor it names
#: ("leaders of the coalition", "doctors from two American groups").
NESTED_PREPS = frozenset({"of", "from", "by", "in", "for", "against"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
#: Inside a direct quote only these subjects are the speaker ("they" there is somebody else).
FIRST_PERSON = frozenset({"i", "we"})
#: Prepositions whose gerund ("after meeting Y", "by sending troops") is done by the subject
#: of the clause they hang on; not "for" ("thanked X for helping": X helped) nor "at", "in"
#: ("aimed at boosting", "interest in making": a purpose or wish, not an act), nor "before"
#: ("before leaving for Beijing, X said": the trip is still to come).
TIME_PREPS = frozenset({"after", "upon", "on", "while", "since", "during", "by", "following"})
#: CAMEO code of releasing persons, which an agent-less passive leaves undecided.
RELEASE = "0841"
#: Participles news uses as adjectives of a person ("the visiting minister").
ATTRIBUTIVE = frozenset({"visit"})


class ArgumentFinder:
    """Finds sources and targets for a trigger (see the module docstring)."""

    def __init__(self, ontology: Ontology, words) -> None:
        self.ontology = ontology
        self.words = words

    def verb_pairs(self, tok, p: Pattern, obj, ctx: Context, by_token, at) -> list[tuple[Arg, Arg, bool]]:
        """(source, target, primary) triples; primary is False for the reverse
        direction of a symmetric act, which states no intention of its own."""
        if p.targets == ("judged",):
            return self._judged(tok, ctx, by_token)
        if p.targets == ("subject",):
            return self._undergoers(tok, p, obj, ctx, by_token)
        reduced = tok.dep_ == "acl" and tok.tag_ == "VBN" and not p.active  # "refugees expelled by X"
        passive = not p.active and (reduced or any(c.dep_ in ("nsubjpass", "auxpass") for c in tree.children(tok)))
        attacks = []
        attributive = self._attributive(tok, by_token)
        if attributive:
            sources, targets = attributive, self.subjects(tok.head, by_token, ctx)
        elif passive:
            sources = self._agents(tok, by_token)
            targets = (self.actors(tok.head, by_token) if reduced else
                       [a for c in tree.children(tok) if c.dep_ == "nsubjpass" for a in self.actors(c, by_token)])
            if not targets:
                targets = self._targets(tok, p, obj, by_token, skip=("dobj",))
            if not sources:
                attacks = self._attacks(tok)
                sources = [a for n in attacks for a in (*self.actors(n, by_token, depth=0),
                                                        *self._agents(n, by_token))]
        else:
            sources = self.subjects(tok, by_token, ctx)
            targets = self._targets(tok, p, obj, by_token)
        if not targets and p.complement in (Complement.REQUEST, Complement.ALLEGE):
            # "urged X to", "called for X to": the subject of the requested clause
            targets = self._clause_subjects([tok], by_token, lambda c: c.dep_ in ("ccomp", "xcomp") or (
                c.dep_ == "advcl" and marked(c, "for")))
        if not targets and not passive and self.ontology.type_of(p.cameo).target_from_that_clause:
            # "expressed concern that Putin's visit ...", "complained that Russia was ...":
            # what the concern is about is the subject of its "that" clause
            targets = self._clause_subjects([tok, obj], by_token,
                                            lambda c: c.dep_ in ("ccomp", "acl") and marked(c, "that"))
            own = {a.mention.actor.code for a in sources if a.mention}
            if not [t for t in targets if t.mention and t.mention.actor.code not in own]:
                # "warned that it will keep up pressure on Iran": the clause's subject is the
                # speaker itself, so what the warning is about is the clause's object
                targets = [a for c in tree.children(tok) if c.dep_ == "ccomp" and marked(c, "that")
                           for t in c.subtree if t.dep_ in ("dobj", "pobj", "dative")
                           for a in self.actors(t, by_token, depth=1) if a.mention.actor.code not in own][:1]
        targets = targets or self._answered(tok, p, ctx, by_token)
        sources = [self._placed(a, tok, obj, by_token) for a in unique(sources)]
        source_keys = {key(a.mention) for a in sources if a.mention}
        targets = not_own_half([t for t in unique(targets) if key(t.mention) not in source_keys], sources)
        targets = domestic(targets, sources)
        if p.symmetric in ("all", "subjects") and len(sources) > 1:
            # "Peru and Japan held talks in Lima": the venue is not a third party
            targets = [t for t in targets if not venue(t.mention, tok.doc)]
        if not targets and sources and tok.dep_ == "conj" and self.ontology.plover_of(p.cameo) == "REJECT":
            # "Peru offered talks, but Chile refused": the refusal answers the first clause's doer
            targets = [a for a in self.subjects(tok.head, by_token, ctx)
                       if a.mention is not None and key(a.mention) not in source_keys]
        symmetric = p.symmetric == "all" or (p.symmetric == "subjects" and not targets and len(sources) > 1) \
            or bool(attributive)  # the host of a visitor meets them too
        if attacks and not targets:  # "killed in Israeli shelling in Gaza": where, never the attacker's own
            countries = {a.mention.actor.country for a in sources if a.mention}
            targets = [a for n in (tok, *attacks) for a in self._places(n, None, by_token)
                       if a.mention.actor.country not in countries][:1]
        elif not targets and sources and not p.needs_target and not (symmetric and len(sources) > 1):
            targets = domestic(self._fallback_targets(tok, p, obj, sources, passive, by_token),
                                     sources)
            symmetric = False  # a fallback target is not a partner in a joint act
        elif not targets and sources and obj is None and p.needs_target:
            # "signed an accord with Chile": the party in the object's phrase, as the fallback would
            targets = self._targets(tok, p, next((c for c in tree.children(tok) if c.dep_ == "dobj"), None), by_token,
                                    skip=("dobj", "dative"))
            symmetric = symmetric and len(sources) > 1
        if passive and not sources and targets:
            sources = self._unnamed_doers(tok, p, attacks, targets, by_token)
        if p.needs_target and not targets and not target_optional(tok, obj) \
                and not (symmetric and len(sources) > 1):  # partners in a joint act are each other's targets
            return []
        if not sources:
            return []
        if symmetric:
            return symmetric_pairs(sources, targets)
        return [(s, t, True) for s in sources for t in (targets or [Arg(None, "direct")])]

    def _judged(self, tok, ctx: Context, by_token) -> list[tuple[Arg, Arg, bool]]:
        """"X said Y's annexation was illegal", "“The blockade is a violation,” X
        said", "X said Y is undermining the truce", "X said Y was behind the attack": a reported verdict on another's
        act (or on another actor), or a verb that is itself the verdict, is the
        speaker's criticism of its doer. The source is the speaker, the target
        the actor the judged subject names (itself, its possessor or its "by"
        agent); the writer's own verdict (no speaker) is no event."""
        verdict_verb = tok.pos_ == "VERB"  # "X said Y is defying Z": the verb is the verdict
        clause = tok if verdict_verb else tok.head
        said = clause.head if clause.dep_ == "ccomp" else None
        if said is not None and said.lemma_.lower() not in self.words["speech_verbs"]:
            said = None
        if tok.dep_ not in (("ccomp", "ROOT") if verdict_verb else ("acomp", "attr", "prep")) \
                or (ctx.speaker is None and said is None):
            return []
        judged = [c for c in tree.children(clause) if c.dep_ == "nsubj"] or \
            [s for c in tree.children(clause) if c.dep_ == "aux" and c.i < clause.i
             for s in tree.children(c) if s.dep_ == "nsubj"]  # a subject hung on "is"
        targets = [a for s in judged for a in (*self.actors(s, by_token, depth=1), *self._agents(s, by_token))]
        if verdict_verb:  # "X said the attack was orchestrated by Y": the passive's agent
            targets += self._agents(tok, by_token)
        else:  # "this is a provocation by Y", "Y's violation": the verdict names the doer
            targets += [a for c in tree.children(tok) if c.dep_ == "poss" for a in self.actors(c, by_token, depth=0)]
            targets += [a for c in tree.children(tok) if c.dep_ == "prep" and c.lower_ == "by"
                        for o in tree.children(c) if o.dep_ == "pobj" for a in self.actors(o, by_token)]
        speakers = self.actors(ctx.speaker, by_token) if ctx.speaker is not None else \
            self.subjects(said, by_token, ctx)
        sources = unique([Arg(a.mention, "speaker") for a in speakers])
        return [(s, t, True) for s in sources for t in unique(targets)
                if s.mention.actor.code != t.mention.actor.code]

    def _undergoers(self, tok, p: Pattern, obj, ctx: Context, by_token) -> list[tuple[Arg, Arg, bool]]:
        """"X faces charges", "X is on trial": the subject undergoes another's act
        (the target); the source is whoever brings the charges, else the country of
        the court ("in Y"), else the accused's own (a trial abroad names its place).
        No intention is derived ("X will face charges" is no threat by X)."""
        targets = unique(self.subjects(tok, by_token, ctx))
        agents = self.noun_agents(obj, p, by_token) if obj is not None else []
        sources = unique(agents or self._places(tok, obj, by_token))
        if sources:
            return [(s, t, False) for s in sources for t in targets]
        return [(Arg(dataclasses.replace(t.mention, actor=Actor(c, c, None, kind="unnamed")), "missing"), t, False)
                for t in targets if t.mention and (c := t.mention.actor.country)]

    def _answered(self, tok, p: Pattern, ctx: Context, by_token) -> list[Arg]:
        """Whom a threat, or a hostile act still to come, is aimed at when no slot
        says it: the party its instrument hits ("retaliate with tariffs on X's
        cars"), or the doer of the condition it answers, as in an ultimatum ("warned
        of consequences if X ...", "will boycott the vote unless X resigns")."""
        plover = self.ontology.plover_of(p.cameo)
        if plover != "THREATEN" and (ctx.modality not in ("future", "hypothetical", "conditional")
                                     or self.ontology.is_cooperative(plover)):
            return []
        hit = [a for w in tree.children(tok) if w.dep_ == "prep" and w.lower_ == "with"
               for o in tree.children(w) if o.dep_ == "pobj"
               for on in tree.children(o) if on.dep_ == "prep" and on.lower_ in ("on", "against")
               for x in tree.children(on) if x.dep_ == "pobj" for a in self.actors(x, by_token)]
        return hit or self._clause_subjects([tok], by_token, lambda c: c.dep_ == "advcl" and any(
            marked(c, w) for w in self.words["condition_marks"]))

    def _unnamed_doers(self, tok, p: Pattern, attacks: list, targets: list[Arg], by_token) -> list[Arg]:
        """Sources of an agent-less passive: an attack nobody claims (see
        `_unclaimed_attack`); unnamed rescuers of a country's people are its own
        ("Kenyans were evacuated from Sudan"); people "freed" or "released" by no
        one named give no event: a captor's release and a rescue read alike, and
        the sentence does not say which happened; any other act is coded with no
        source ("students were arrested", "sanctions were lifted")."""
        plover = self.ontology.plover_of(p.cameo)
        if p.cameo == RELEASE:
            return []
        if plover == "ASSAULT":
            return self._unclaimed_attack(tok, attacks, targets, by_token) or [Arg(None, "missing")]
        if plover == "AID":
            own = [Arg(dataclasses.replace(t.mention, actor=Actor(c, c, None, kind="unnamed")), "missing")
                   for t in targets if t.mention and (c := t.mention.actor.country)]
            if own:
                return own[:1]
        return [Arg(None, "missing")]

    def _unclaimed_attack(self, tok, attacks: list, targets: list[Arg], by_token) -> list[Arg]:
        """"Russian soldiers were killed in Ukraine": an attack nobody claims on
        foreigners is coded to the country where it happened (the gold sets'
        convention); on locals it stays unattributed rather than becoming a
        self-dyad."""
        victims = {t.mention.actor.country for t in targets if t.mention}
        inner = [o for c in tree.children(tok) if c.dep_ == "prep" and c.lower_ in LOCATIVE_PREPS | {"by", "outside"}
                 for o in tree.children(c) if o.dep_ == "pobj"]
        placed = [a for n in (tok, *attacks, *inner) for a in self._places(n, None, by_token)]
        placed += [Arg(m, "nested") for o in inner for c in tree.children(o) if c.dep_ in ("amod", "compound")
                   for m in by_token.get(c.i, ()) if m.actor.kind in PLACE_KINDS and m.actor.country]
        return [Arg(dataclasses.replace(a.mention, confidence=a.mention.confidence * 0.7,
                                        actor=Actor(a.mention.actor.country, a.mention.actor.country,
                                                    None, None, "country")), "default")
                for a in placed[:1] if a.mention.actor.country not in victims]

    def _attributive(self, tok, by_token) -> list[Arg]:
        """"Blinken assured visiting Australian Foreign Minister Payne": a participle
        right after a verb with no object of its own, before a person, is often parsed
        as that verb's complement with the person as its object; it describes the
        person (the visitor), so the person is the doer and the verb's subject the
        host, who meets the visitor. Not after aspect or intent verbs ("began visiting
        Chile"), not when the object is a place ("kept visiting Kenya"), and only for
        participles used as adjectives ("will include meeting Modi" is an act)."""
        gov = tok.head
        w = self.words
        if tok.lemma_.lower() not in ATTRIBUTIVE or tok.tag_ != "VBG" or tok.dep_ not in ("xcomp", "ccomp") \
                or tok.i != gov.i + 1 \
                or any(c.dep_.startswith("nsubj") for c in tree.children(tok)) \
                or any(c.dep_ in ("dobj", "dative") for c in tree.children(gov)) \
                or gov.lemma_.lower() in w["support_verbs"] | w["intent_verbs"]:
            return []
        objs = [c for c in tree.children(tok) if c.dep_ == "dobj" and c.pos_ == "PROPN"
                and c.ent_type_ not in ("GPE", "LOC", "FAC")]
        found = [a for o in objs for a in self.actors(o, by_token, depth=0)]
        return [Arg(a.mention, "nested") for a in found]

    def _clause_subjects(self, heads, by_token, keep) -> list[Arg]:
        """Actors subject of the clauses under `heads` that `keep` accepts."""
        return [a for h in heads if h is not None for c in tree.children(h) if keep(c)
                for x in tree.children(c) if x.dep_ in ("nsubj", "nsubjpass")
                for a in self.actors(x, by_token)]

    def _attacks(self, tok) -> list:
        """The attack a passive act happened in ("were killed in Israeli tank
        shelling", "wounded in a rebel ambush"): its modifiers name the attacker."""
        return [o for c in tree.children(tok) if c.dep_ == "prep" and c.lower_ in ("in", "during")
                for o in tree.children(c) if o.dep_ == "pobj" and o.lemma_.lower() in self.words["attack_nouns"]]

    def _agents(self, tok, by_token) -> list[Arg]:
        """The "by" phrase of a passive verb or of a nominal act ("a strike by X").
        The parser often hangs a passive's agent on the noun of the phrase before
        it ("were threatened with sanctions by X"): the agent of the verb all the same."""
        heads = [tok]
        if tok.pos_ in ("VERB", "AUX") and not any(c.dep_ == "agent" for c in tree.children(tok)):
            heads += [o for c in tree.children(tok) if c.dep_ == "prep" and c.lower_ != "by"
                      for o in tree.children(c) if o.dep_ == "pobj"]
        return [a for h in heads for c in tree.children(h)
                if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by" and (h is not tok or tok.pos_ == "NOUN"))
                for pobj in tree.children(c) if pobj.dep_ == "pobj" for a in self.actors(pobj, by_token)]

    def _fallback_targets(self, tok, p: Pattern, obj, sources: list[Arg], passive: bool,
                          by_token) -> list[Arg]:
        """A target when no argument names one, in this order: an object of the
        clausal complement or purpose clause ("agreed to lift the embargo on
        Cuba", "rallied to demand the resignation of X"); for material acts, a
        country or capital where it happened ("shelled targets in Lebanon");
        another country named in the trigger's clause; finally the source's own
        country when the act has an unnamed patient ("arrested opponents") or is
        domestic by nature (protests, repression, concessions)."""
        exclude = {key(a.mention) for a in sources if a.mention}
        countries = {a.mention.actor.country for a in sources if a.mention and a.mention.actor.country}
        found = self._clause_targets(tok, by_token, exclude)
        if found:
            return found
        plover = self.ontology.plover_of(p.cameo)
        if self.ontology.quad_class(plover) in (2, 4) and plover != "CONSULT":
            placed = [a for a in self._places(tok, obj, by_token) if a.mention.actor.country not in countries]
            if placed:
                return placed[:1]
        for t in clause_tokens(tok, self.words["circumstance_preps"]):
            for m in by_token.get(t.i, ()):
                if m.actor.country and m.actor.country not in countries and key(m) not in exclude:
                    return [Arg(m, "nested")]
        patient = unnamed_patient(tok, p, obj, passive)
        domestic = self.ontology.plover[plover].domestic_patient  # per type: data/ontology.yaml
        if len(countries) == 1 and (domestic is DomesticPatient.ALWAYS or
                                    (domestic is DomesticPatient.PEOPLE and self._people(patient))):
            country = next(iter(countries))
            span = patient if patient is not None else tok
            left, right = span.left_edge.i, span.right_edge.i + 1
            doc = tok.doc
            sentence_index = next(a.mention.sentence_index for a in sources if a.mention)
            m = Mention(doc[left:right].text, doc[left].idx, doc[right - 1].idx + len(doc[right - 1]),
                        left, right, sentence_index, Actor(country, country, None, None, "unnamed"),
                        None, 0.7)
            return [Arg(m, "default")]
        return []

    def _people(self, patient) -> bool:
        """Whether an unnamed patient is people ("civilians", "dozens of
        protesters", "two Kurds"), not a thing ("rockets", "the test")."""
        if patient is None:
            return False
        words = self.words["people_nouns"]
        if patient.lemma_.lower() in words or patient.ent_type_ in ("NORP", "PERSON"):
            return True
        return any(o.dep_ == "pobj" and o.lemma_.lower() in words
                   for c in tree.children(patient) if c.dep_ == "prep" and c.lower_ == "of" for o in tree.children(c))

    def _places(self, tok, obj, by_token) -> list[Arg]:
        """Countries and capitals named as where the act happened."""
        out = []
        for head in (tok, obj):
            if head is None:
                continue
            for c in tree.children(head):
                if c.dep_ == "prep" and c.lower_ in LOCATIVE_PREPS:
                    for o in tree.children(c):
                        if o.dep_ == "pobj":
                            out += [Arg(m, "nested") for m in by_token.get(o.i, ())
                                    if m.actor.kind in PLACE_KINDS and m.actor.country]
        return out

    def _placed(self, arg: Arg, tok, obj, by_token) -> Arg:
        """A source with a sector but no country ("the military government")
        takes the country where it acted ("... in Haiti")."""
        m = arg.mention
        if m is None or m.actor.country is not None or m.actor.kind in ("igo", "ngo") or not m.actor.sector:
            return arg
        for place in self._places(tok, obj, by_token):
            actor = m.actor.in_country(place.mention.actor.country)
            return Arg(dataclasses.replace(m, actor=actor, confidence=m.confidence * 0.8), "nested")
        return arg

    def _clause_targets(self, tok, by_token, exclude: set) -> list[Arg]:
        """The first actor named as an object in the trigger's clausal complement
        or purpose clause ("agreed to lift the embargo on Cuba" -> Cuba)."""
        for c in tree.children(tok):
            purpose = c.dep_ == "advcl" and any(x.dep_ == "aux" and x.lower_ == "to" for x in tree.children(c))
            if c.dep_ not in ("xcomp", "ccomp") and not purpose:
                continue
            for t in c.subtree:
                if t.dep_ in ("dobj", "pobj", "dative"):
                    found = [a for a in self.actors(t, by_token, depth=1) if key(a.mention) not in exclude]
                    if found:
                        return [Arg(a.mention, "nested") for a in found]
        return []

    def noun_agents(self, tok, p: Pattern, by_token) -> list[Arg]:
        """The doers a nominal event names explicitly: "an attack by X", "support
        from X" (unless "from" is where the act is aimed: "withdrawal from Y") and
        the agent of a participle describing it ("an offensive launched by X")."""
        preps = {"by"} | ({"from"} - set(p.targets))
        heads = [tok] + [c for c in tree.children(tok) if c.dep_ == "acl" and c.tag_ == "VBN"]
        return [a for h in heads for c in tree.children(h)
                if (c.dep_ == "prep" and c.lower_ in preps and h == tok) or c.dep_ == "agent"
                or (c.dep_ == "prep" and c.lower_ == "by" and h != tok)
                for o in tree.children(c) if o.dep_ == "pobj" for a in self.actors(o, by_token)]

    def subjects(self, tok, by_token, ctx: Context, depth: int = 0) -> list[Arg]:
        w = self.words
        subj = [c for c in tree.children(tok) if c.dep_ in ("nsubj", "csubj", "expl", "nsubjpass")]
        if not subj:  # "Iran is defying": a parse that hangs the subject on the auxiliary
            subj = [s for c in tree.children(tok) if c.dep_ in ("aux", "auxpass") and c.i < tok.i
                    for s in tree.children(c) if s.dep_ in ("nsubj", "nsubjpass")]
        subj = unlabelled(subj)
        if tok.dep_ == "relcl" and (not subj or subj[0].lower_ in RELATIVE_PRONOUNS):
            return [Arg(a.mention, "inherited") for a in self.actors(tok.head, by_token)]
        if subj:
            found = [a for s in subj for a in self.actors(s, by_token)]
            found += [Arg(a.mention, "conj") for o in companions(subj[0], tok)
                      for a in self.actors(o, by_token)] if found else []
            if found or not ctx.speaker:
                return found
            if subj[0].lower_ in (FIRST_PERSON if ctx.quoted else w["pronouns"]):
                return [Arg(a.mention, "speaker") for a in self.actors(ctx.speaker, by_token)]
            return []
        if tok.head == tok and depth > 0 and tok.pos_ in ("NOUN", "PROPN") and tok.i == tree.sentence_start(tok):
            # "Trump at first imposed tariffs ...": a name the tagger took for a noun becomes
            # the root with the sentence's verb under it; that verb's subject is the name
            return [Arg(a.mention, "inherited") for a in self.actors(tok, by_token, depth=0)]
        if depth > 4 or tok.head == tok:
            return []
        gov = tok.head
        if tok.dep_ == "pcomp" and gov.dep_ == "prep" and gov.lower_ in TIME_PREPS \
                and gov.head.pos_ in ("VERB", "AUX"):
            # "X spoke after meeting Y", "X was praised for helping Y": a gerund without its
            # own subject under a preposition of the clause is done by the clause's subject
            found = self.subjects(gov.head, by_token, ctx, depth + 1)
            return [Arg(a.mention, "inherited" if a.how == "direct" else a.how) for a in found]
        if tok.dep_ == "xcomp" and gov.lemma_.lower() in w["object_control_verbs"]:
            addressees = [a for c in tree.children(gov) if c.dep_ in ("dobj", "dative")
                          for a in self.actors(c, by_token)]
            addressees += [a for c in tree.children(gov) if c.dep_ == "prep" and c.lower_ in ("on", "upon")
                           for o in tree.children(c) if o.dep_ == "pobj" for a in self.actors(o, by_token)]
            if addressees:
                return [Arg(a.mention, "inherited") for a in addressees]
        if tok.dep_ == "acl" and tok.tag_ == "VBG" and gov.lemma_.lower() in w["document_nouns"]:
            # "Amnesty put out a report accusing X", "a resolution by the EU condemning X":
            # the document's owner, author or issuer
            found = [a for c in tree.children(gov) if c.dep_ in ("poss", "compound", "amod", "nmod")
                     for a in self.actors(c, by_token, depth=0)] or self._agents(gov, by_token)
            if not found and gov.dep_ in ("dobj", "nsubjpass"):
                found = (self._agents(gov.head, by_token) if gov.dep_ == "nsubjpass"
                         else self.subjects(gov.head, by_token, ctx, depth + 1))
            return [Arg(a.mention, "inherited") for a in found]
        if tok.dep_ == "acl" and gov.lemma_.lower() not in w["intent_nouns"]:
            return [Arg(a.mention, "inherited") for a in self.actors(gov, by_token)]
        if tok.dep_ == "acl" and gov.lemma_.lower() in w["intent_nouns"]:
            poss = [a for c in tree.children(gov) if c.dep_ in ("poss", "amod", "compound")
                    for a in self.actors(c, by_token, depth=0)]
            if poss:
                return [Arg(a.mention, "nested") for a in poss]
            gov = gov.head
        if tok.dep_ in ("xcomp", "conj", "advcl", "acl", "ccomp", "acomp") or gov != tok.head \
                or (tok.dep_ == "dep" and tok.tag_ == "VBD" and gov.pos_ == "VERB"):
            # ("imposed A, then exempted B": the parser often leaves the second verb unlabelled)
            how = "conj" if tok.dep_ == "conj" else "inherited"
            passive_gov = any(c.dep_ in ("nsubjpass", "auxpass") for c in tree.children(gov))
            found = (self._agents(gov, by_token) if passive_gov and tok.dep_ != "conj"
                     else self.subjects(gov, by_token, ctx, depth + 1))
            if not found and passive_gov and tok.dep_ == "xcomp":
                # "X is scheduled/expected/set to visit": the passive subject acts
                found = [a for c in tree.children(gov) if c.dep_ == "nsubjpass"
                         for a in self.actors(c, by_token)]
            return [Arg(a.mention, how if a.how == "direct" else a.how) for a in found]
        return []

    def _targets(self, tok, p: Pattern, obj, by_token, skip: tuple[str, ...] = ()) -> list[Arg]:
        heads = [tok] + ([obj] if obj is not None and obj != tok else [])
        for slot in p.targets:
            if slot in skip:
                continue
            found: list[Arg] = []
            for head in heads:
                for c in tree.children(head):
                    if c.pos_ == "ADP" and (c.dep_ in ("prep", "prt", "dative") or (c.dep_ == "agent" and p.active)):
                        # "disappointed by X": an adjective's "by" is parsed as a passive agent
                        if c.lower_ != slot and not (slot == "dative" and c.lower_ == "to"):
                            continue
                        for o in tree.children(c):
                            if o.dep_ in ("pobj", "pcomp"):
                                if self.ontology.plover_of(p.cameo) == "ACCUSE":
                                    o = reported_party(o, self.words["content_nouns"],
                                                       lambda t: self.actors(t, by_token))
                                found += self.actors(o, by_token)
                    elif slot in ("dobj", "dative") and c.dep_ == slot and c != obj:
                        found += self.actors(c, by_token)
                    elif slot in ("dobj", "dative") and c.dep_ == slot and c == obj:
                        found += self.actors(c, by_token, depth=1, self_ok=False)
            if found:
                return found
        return []

    def actors(self, tok, by_token, depth: int = 2, self_ok: bool = True) -> list[Arg]:
        """Actor mentions naming the argument headed by `tok` (and its conjuncts).

        A mention with no country ("security forces", "the rebels") takes the
        country named inside the same phrase ("security forces in Guinea",
        "Iraqi rebels") when the actor coder left it open."""
        out: list[Arg] = []
        # "X's envoy Ana Diaz and Japan's envoy Taro Kono": the conjunct hangs on the apposition;
        # in a list of countries parsed as one, the apposition is a member too (see `names_country`)
        appos = [c for c in tree.children(tok) if c.dep_ == "appos"]
        appos_conj = [x for c in appos for x in tree.conjuncts(c)]
        appos_conj += [c for c in appos if tree.conjuncts(c)
                       and names_country(by_token.get(c.i)) and names_country(by_token.get(tok.i))]
        for i, t in enumerate([tok, *tree.conjuncts(tok), *appos_conj]):
            how = "direct" if i == 0 else "conj"
            direct = by_token.get(t.i) if self_ok or t != tok else None
            if direct:
                out += [Arg(x, how) for m in direct for x in with_country(m, t, by_token)]
                out += shared_head(t, direct, by_token)
                continue
            # "his uncle, Jang Song-thaek": the apposition names the head; the owner does not
            nested = [m for c in tree.children(t) if c.dep_ == "appos"
                      for cc in [c, *tree.conjuncts(c)] for m in by_token.get(cc.i, ())]
            nested = nested or [m for c in tree.children(t) if c.dep_ in ("poss", "compound", "amod", "nmod")
                                for cc in [c, *tree.conjuncts(c)] for m in by_token.get(cc.i, ())]
            if not nested and depth > 0:  # "Kenzo Oshima, the United Nations coordinator"
                nested = [a.mention for c in tree.children(t) if c.dep_ == "appos"
                          for a in self.actors(c, by_token, depth - 1)]
            if nested:
                out += [Arg(m, "nested") for m in dedupe(nested)]
                continue
            if depth > 0:
                out += self._nested(t, by_token, depth)
        return out

    def _nested(self, t, by_token, depth: int) -> list[Arg]:
        """Actors of the phrases hanging on `t` ("the envoy of X", "a strike by
        Y"). When an act names its doer in a "by" phrase, its "of" phrase is
        what the act was done to ("the expulsion of X's diplomats by Y"), so
        the doer alone is the argument."""
        found = [(c.lower_, Arg(a.mention, "nested")) for c in tree.children(t)
                 if c.dep_ == "prep" and c.lower_ in NESTED_PREPS
                 for o in tree.children(c) if o.dep_ == "pobj"
                 for a in self.actors(o, by_token, depth - 1)]
        doer = any(prep == "by" for prep, _ in found) or done_to_people(
            t, [a for prep, a in found if prep == "of"], [a for prep, a in found if prep != "of"])
        return [arg for prep, arg in found if not (doer and prep == "of")]
