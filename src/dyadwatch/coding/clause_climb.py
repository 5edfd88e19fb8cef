"""The climb up a trigger's clause chain that decides its modality.

`ClauseReader.context` reads the trigger's own clause (auxiliaries, conditions,
time and purpose clauses), then climbs from the trigger through the clausal
links above it (xcomp, ccomp, acl, advcl, conj, ...), at most six steps, until
a governing word decides: a verb of saying, a request, a refusal, an intention,
a belief, a noun of content ("a call to"). Each kind of governor is one step
function here, tried in order; a step returns the `Context` when the governor
decides, the word to climb on from, `STOP` to end the climb with what the
reading holds so far, or `NEXT` when this kind of governor is not the one.
The word lists they read live in data/patterns/modality.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import tree
from ..types import Complement
from .triggers import lemma_key

#: Dependency labels that link a clause to the word governing it.
CLAUSAL = frozenset({"xcomp", "ccomp", "acl", "advcl", "pcomp", "relcl", "conj", "csubj", "acomp",
                     "parataxis"})
#: The labels a climb goes up through: a clause, or a noun object ("made a call to").
CLIMBED = CLAUSAL | {"dobj"}
#: Step results besides a Context or a token to climb on from.
NEXT, STOP = object(), object()


@dataclass(frozen=True, slots=True)
class Context:
    """What the clause around a trigger says about it."""

    modality: str = "asserted"
    negated: bool = False
    derive_intent: bool = False  # future/conditional from grammar, not from a coded governor
    derive_from: object | None = None  # a "promise/vow to" governor whose event this replaces
    obligation: bool = False  # "Y must Z"
    speaker: object | None = None  # subject token of the reporting verb above
    quoted: bool = False  # the trigger is in a direct quote: only "we"/"I" there is the speaker
    allege: bool = False  # inside "accuse X of ...": not coded
    refuse: bool = False  # "failed to Z": a cooperative Z becomes a REJECT
    prepare: bool = False  # "prepared to shell": military preparation (MOBILIZE), not a threat
    possible: bool = False  # "X said it could Z": a possible act of the speaker's own (a threat if hostile)


@dataclass(slots=True)
class Reading:
    """What the climb has learnt so far (mutable: each step refines it)."""

    modality: str = "asserted"
    negated: bool = False
    derive: bool = False
    obligation: bool = False
    prepare: bool = False
    possible: bool = False
    derive_from: Any = None
    speaker: Any = None


@dataclass(frozen=True, slots=True)
class Link:
    """One step of the chain: the clause word `cur`, its governor and the label between."""

    tok: Any  # the trigger the climb started from
    cur: Any
    gov: Any
    dep: str
    glemma: str
    at: dict
    quoted: Any

    @property
    def noun_gov(self) -> bool:
        return self.gov.pos_ in ("NOUN", "PROPN") and self.dep in ("acl", "ccomp", "relcl")


def climb(reader, tok, at: dict, r: Reading, quoted) -> tuple[Any, Any]:
    """Climb from `tok`; returns (the deciding Context or None, the last clause word)."""
    cur = tok
    for _ in range(6):
        dep = cur.dep_
        if dep not in CLIMBED:
            break
        gov = cur.head
        if gov == cur:
            break
        link = Link(tok, cur, gov, dep, lemma_key(gov, reader.governors), at, quoted)
        step = _step(reader, link, r)
        if step is STOP:
            break
        if isinstance(step, Context):  # decided
            return step, cur
        cur = step
    return None, cur


def _step(reader, link: Link, r: Reading):
    for fn in STEPS:
        step = fn(reader, link, r)
        if step is not NEXT:
            return step
    return STOP


def _guards(reader, link: Link, r: Reading):
    w, cur, gov, dep = reader.words, link.cur, link.gov, link.dep
    if reader.recalled(gov):
        return Context("background", r.negated)  # "X has previously said that Y attacked"
    if dep == "dobj" and cur != link.tok:
        return STOP
    if dep == "acl" and cur.tag_ == "VBG" and link.glemma in w["document_nouns"]:
        return STOP  # "a resolution condemning X": the document's own act, issued when it is
    return NEXT


def _coordination(reader, link: Link, r: Reading):
    """"must ensure security and provide aid", "must be ready to mediate"."""
    w, gov, dep = reader.words, link.gov, link.dep
    if not (dep == "conj" or (dep == "acomp" and link.glemma == "be")):
        return NEXT
    gov_aux = {c.lemma_.lower() for c in tree.children(gov) if c.dep_ in ("aux", "auxpass")}
    if r.modality == "asserted" and gov_aux & w["obligation_aux"]:
        r.modality, r.obligation, r.derive = "hypothetical", True, False
    elif r.modality == "asserted" and gov_aux & w["hypothetical_aux"]:
        r.modality, r.derive = "hypothetical", False
    elif r.modality == "asserted" and dep == "conj" and gov_aux & w["future_aux"]:
        r.modality, r.derive = "future", True
    if reader.negated(gov) and dep == "acomp":
        r.negated = True
    return gov


def _needs(reader, link: Link, r: Reading):
    if link.dep == "xcomp" and reader.obliges(link.gov):
        if r.modality == "asserted":  # "Y needs to withdraw": as "Y must withdraw"
            r.modality, r.obligation, r.derive = "hypothetical", True, False
        return link.gov
    return NEXT


def _nouns(reader, link: Link, r: Reading):
    """Deliberation verbs and the nouns that govern a clause ("a call to", "plans to")."""
    w, gov, dep, glemma = reader.words, link.gov, link.dep, link.glemma
    if glemma in w["deliberation_verbs"] and dep in ("xcomp", "ccomp", "advcl"):
        return Context("hypothetical", r.negated)  # "is considering sending aid"
    if link.noun_gov and glemma in w["negating_nouns"]:
        return Context(r.modality, True)  # "the government's refusal to accept"
    if link.noun_gov and glemma not in w["intent_nouns"] \
            and (glemma in w["content_nouns"] or glemma in w["request_nouns"]):
        return Context("hypothetical", r.negated)  # "a call to withdraw", "an admission that"
    if dep == "ccomp" and gov.lemma_.lower() == "be" and any(
            c.dep_ == "nsubj" and c.lemma_.lower() in w["content_nouns"] for c in tree.children(gov)):
        return Context("hypothetical", r.negated)  # "the legend is (that) he set fire to it"
    if dep == "acl" and gov.pos_ in ("NOUN", "PROPN") and glemma in w["intent_nouns"]:
        # "plans to build": the noun's own governor decides (denied plans -> negated)
        if gov.dep_ == "dobj" and gov.head.lemma_.lower() in w["negating_verbs"]:
            r.negated = True
        elif r.modality == "asserted":
            r.modality, r.derive = "future", True
        if gov.dep_ == "dobj" and gov.head.i in link.at:
            r.derive = False  # "reached a consensus to Z": the coded verb is the agreement
            return STOP
        cur = gov.head if gov.dep_ in ("dobj", "nsubj", "attr") else gov
        if reader.negated(cur):
            r.negated = True
        return cur
    return NEXT


def _prepositional(reader, link: Link, r: Reading):
    """"an appeal for deploying troops", "accused X of supplying Y"."""
    w, gov, dep, glemma = reader.words, link.gov, link.dep, link.glemma
    if dep == "pcomp" and gov.head.pos_ in ("NOUN", "PROPN"):
        noun = gov.head.lemma_.lower()
        if reader.negated_noun(gov.head):
            return Context(r.modality, True)  # "no discussions about X sending troops"
        if noun in w["request_nouns"] or noun in w["content_nouns"]:
            return Context("hypothetical", r.negated)
        if noun in w["intent_nouns"]:
            return Context("future", r.negated)
    if dep == "pcomp" or (dep in ("xcomp", "ccomp") and glemma in w["allegation_verbs"]):
        if glemma in w["allegation_verbs"] or gov.head.lemma_.lower() in w["allegation_verbs"]:
            return Context(allege=True)
        return STOP
    return NEXT


def _coded_governor(reader, link: Link, r: Reading):
    """A governor the patterns matched says what its complement is ("agree to", "refuse to")."""
    w, gov, dep, glemma = reader.words, link.gov, link.dep, link.glemma
    gov_match = link.at.get(gov.i)
    comp = gov_match.pattern.complement if gov_match else None
    if reader.negated(gov):
        r.negated = True
    if comp is Complement.DERIVE:
        if r.modality == "asserted":
            r.modality = "future"
        r.derive, r.derive_from = True, gov
        return STOP
    if comp in (Complement.INTENT, Complement.THREAT):
        if r.modality == "asserted":
            r.modality = "future"
        r.derive = False
        return STOP
    if comp is Complement.NEGATE or glemma in w["negating_verbs"]:
        refuse = gov_match is None and glemma in w["refusal_verbs"]
        return Context(r.modality, True, refuse=refuse)
    if comp is Complement.REQUEST or (dep == "xcomp" and glemma in w["request_verbs"]):
        return Context("hypothetical", r.negated)
    return NEXT


def _attitude(reader, link: Link, r: Reading):
    """Inferences, beliefs and verbs of saying above the clause."""
    w, cur, gov, dep, glemma = reader.words, link.cur, link.gov, link.dep, link.glemma
    if glemma in w["inference_verbs"] and dep == "ccomp" and thing_subject(gov):
        return Context("hypothetical", r.negated)  # "the proposal indicated that X won't Z"
    if glemma in w["belief_verbs"] and dep == "ccomp" and not r.obligation and cur.i > gov.i \
            and any(c.dep_ == "nsubj" for c in tree.children(gov)):
        return Context("hypothetical", r.negated)  # "officials believe X attacked": a belief
    if glemma in w["speech_verbs"] and dep in ("ccomp", "conj", "parataxis", "xcomp"):
        r.speaker = reader.speaker(gov)
        if reader._commentator(r.speaker):
            return Context("hypothetical", r.negated)  # "analysts say X would welcome Z": an opinion
        if r.obligation:
            return Context("hypothetical", r.negated, obligation=True,
                               speaker=r.speaker or link.quoted, quoted=link.quoted is not None)
        # "Russia warned it may cut gas supplies": the speaker names a possible act of its own
        r.possible = (r.modality == "hypothetical" and cur == link.tok
                      and self_subject(link.tok, r.speaker))
        return STOP
    return NEXT


def _intention(reader, link: Link, r: Reading):
    """Wishes ("X wants Y to Z") and intentions ("vowed to", "is ready to")."""
    w, cur, gov, dep, glemma = reader.words, link.cur, link.gov, link.dep, link.glemma
    own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in tree.children(cur))
    if (glemma in w["intent_verbs"] or glemma in w["wish_verbs"]) and dep in ("xcomp", "ccomp") and (
            any(c.dep_ == "dobj" for c in tree.children(gov))
            or (own_subject and any(c.dep_ == "aux" and c.lower_ == "to" for c in tree.children(cur)))
            or (own_subject and dep == "ccomp" and glemma in w["wish_verbs"])):
        return Context("hypothetical", r.negated)  # "X wants Y to Z": X's wish, not Y's intent
    if glemma in w["intent_verbs"] or glemma in w["intent_adjectives"]:
        if r.modality == "asserted" or r.modality == "hypothetical":
            r.modality = "future"
        r.derive = glemma not in w["forecast_words"]  # "vowed to": an intention; "is expected to": no
        r.prepare = r.prepare or glemma in w["preparation_verbs"]
        if reader._condition_child(gov):
            r.modality = "conditional"
        gov_aux = {c.lemma_.lower() for c in tree.children(gov) if c.dep_ == "aux"}
        if gov_aux & w["hypothetical_aux"] and r.modality != "conditional":
            r.modality, r.derive = "hypothetical", False
        return gov
    return NEXT


def _adverbial(reader, link: Link, r: Reading):
    """Conditions, modal governors of adverbial and open clauses, relative clauses."""
    w, cur, gov, dep = reader.words, link.cur, link.gov, link.dep
    if dep == "advcl" and any(c.dep_ == "mark" and c.lower_ in w["condition_marks"]
                              for c in tree.children(cur)):
        return Context("hypothetical", r.negated)
    unmatched = link.at.get(gov.i) is None
    if r.modality in ("asserted", "future") and (dep == "advcl" or (dep == "xcomp" and unmatched)):
        gov_aux = {c.lemma_.lower() for c in tree.children(gov) if c.dep_ == "aux"}
        if gov_aux & w["hypothetical_aux"]:  # "Encouraged by Y, X may attack Z"; "Y might
            return Context("hypothetical", r.negated)  # lose Z as X will not come": a scenario
        if r.modality == "asserted" and gov_aux & w["future_aux"]:  # "X will help free Y": the freeing is still to come
            r.modality, r.derive = "future", dep == "xcomp"
    if dep == "xcomp" and unmatched:
        return gov  # "help (to) defend": the governing verb's clause decides
    if link.noun_gov and reader._in_condition(gov):
        return Context("hypothetical", r.negated)  # "unless X made peace with rebels fighting Y"
    if dep == "relcl" and reader._wanted(gov, link.at):
        return Context("hypothetical", r.negated)  # "called for a government that protects Y"
    return STOP


#: The kinds of governor, in the order they are asked.
STEPS = (_guards, _coordination, _needs, _nouns, _prepositional, _coded_governor, _attitude,
         _intention, _adverbial)


def thing_subject(verb) -> bool:
    """Is the verb's subject a thing rather than someone who could speak ("the
    proposal", "the test"), judged from the parse: a common noun outside any
    named entity, not a person or group word."""
    subj = subject_token(verb)
    return (subj is not None and subj.pos_ == "NOUN" and not subj.ent_type_
            and not any(c.dep_ in ("amod", "compound", "poss") and c.ent_type_ for c in tree.children(subj))
            and subj.lemma_.lower() not in THING_EXCLUDED)


#: Common nouns that name speakers: their "indicated that" is reported speech.
THING_EXCLUDED = frozenset({"government", "ministry", "official", "spokesman", "spokeswoman",
                            "spokesperson", "minister", "president", "leader", "army", "military",
                            "police", "agency", "office", "embassy", "source", "diplomat", "envoy",
                            "side", "party", "group", "council", "committee", "administration"})


def according_to(verb):
    """The source of "..., according to X" on the verb, if any."""
    for c in tree.children(verb):
        if c.dep_ == "prep" and c.lower_ == "according":
            for cc in tree.children(c):
                for o in tree.children(cc) if cc.dep_ == "prep" else [cc]:
                    if o.dep_ == "pobj":
                        return o
    return None


def subject_token(verb):
    for c in tree.children(verb):
        if c.dep_ in ("nsubj", "nsubjpass"):
            return c
    return according_to(verb)  # "..., according to X"


def self_subject(clause, speaker) -> bool:
    """Is the clause's subject the speaker: a personal pronoun ("X said it could Z")
    or the speaker's own words ("Turkey said Turkey might Z")?"""
    subj = next((c for c in tree.children(clause) if c.dep_ == "nsubj"), None)
    if subj is None or speaker is None:
        return False
    if subj.tag_ == "PRP":
        return subj.lower_ in ("it", "we", "they", "he", "she", "i")
    return subj.lower_ == speaker.lower_
