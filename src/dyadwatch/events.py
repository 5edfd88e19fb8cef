"""Event coding: who did what to whom, from the dependency parse.

For every sentence, triggers are found by lemma (data/patterns/*.yaml: verbs,
light verbs with their object, phrasal verbs, nominal events), then the
arguments are read off the parse:

- source = the subject (nsubj), the "by" agent of a passive, the subject
  inherited through coordination ("arrested A and killed B"), control
  ("agreed to meet": the subject of agree; "urged X to meet": X) or a relative
  clause ("rebels, who attacked ..."); a pronoun nobody resolved falls back
  to the speaker of the reporting verb ("X said it would ...");
- target = the pattern's slots in order: direct object, indirect object or
  the object of a listed preposition, also on the light verb's object ("talks
  with X", "sanctions on X"); the addressee of "call on X", "urge X";
- an argument token is mapped to the actor Mentions (from actors.ActorCoder)
  that cover it, or cover one of its modifiers ("Haiti's efforts", "Hungarian
  and Romanian officials", "doctors from two American groups"); coordinated
  arguments give one event per pair; symmetric patterns (talks, agreements)
  give both directions.

What the clause says about the event is kept, not thrown away (PLOVER
"context"): negation ("did not sign", "refused to sign", "denied plans to")
sets `negated`; "will/would/plans to/is ready to" make it "future"; an "if" or
"unless" clause "conditional"; "could/might/may" and requested or alleged
acts "hypothetical". Following the PLOVER manual, a stated cooperative
intention is itself an AGREE event and a stated conflictual one a THREATEN
event, and "Y must Z" in X's reported speech is X's REQUEST to Y; these
derived events are asserted and name the pattern that produced them.

Confidence = pattern strength x actor resolution confidence x a parse factor
(1.0 argument found directly, lower when inherited, nested in a modifier or
taken from the speaker), so a user can trade precision for recall.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from itertools import permutations

from . import dates
from .ontology import Ontology
from .patterns import Pattern, PatternSet
from .types import Actor, Article, Event, Mention

#: Parse factors of the confidence (see module docstring).
HOW_FACTOR = {"direct": 1.0, "conj": 0.95, "inherited": 0.9, "nested": 0.85, "speaker": 0.75,
              "default": 0.7, "missing": 0.6}
#: Dependency labels of a word used as a noun or modifier: such a word is not a verb trigger
#: ("the wounded", "the besieged town").
NOMINAL_DEPS = frozenset({"amod", "compound", "nsubj", "nsubjpass", "dobj", "pobj", "poss", "attr",
                          "appos", "nmod"})
#: Prepositions inside an argument phrase that lead to the actor it names
#: ("leaders of the coalition", "doctors from two American groups").
NESTED_PREPS = frozenset({"of", "from", "by", "in", "for", "against"})
#: Prepositions that place an event ("in Haiti", "into Lebanon").
LOCATIVE_PREPS = frozenset({"in", "at", "into", "inside", "near", "across", "throughout", "within"})
#: Types whose unnamed patient is taken to be domestic even when no patient is
#: named: a protest, a repression or a concession with no named target is
#: directed at the country's own government or people.
DOMESTIC_TYPES = frozenset({"PROTEST", "COERCE", "CONCEDE"})
#: Types whose unnamed patient ("arrested opponents", "shelled the town") is
#: taken to be domestic: physical acts against people nobody named are mostly
#: inside the actor's country. Diplomatic and verbal types (AGREE, CONSULT,
#: REJECT, REQUEST, ...) are mostly international, so for them an unnamed
#: patient leaves the target open. Chosen on plover_gsr dev (triple F1 0.605
#: with every type, 0.620 with these).
PATIENT_DOMESTIC_TYPES = DOMESTIC_TYPES | {"ASSAULT"}
#: Actor kinds that name a place as well as an actor.
PLACE_KINDS = frozenset({"country", "capital"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
#: Dependency labels that link a clause to the word governing it.
CLAUSAL = frozenset({"xcomp", "ccomp", "acl", "advcl", "pcomp", "relcl", "conj", "csubj", "acomp",
                     "parataxis"})


def event_id(article_id: str, sentence_index: int, trigger_start: int, plover: str,
             source_code: str | None, target_code: str | None) -> str:
    """Deterministic event id: a re-run over the same text gives the same ids."""
    key = "|".join([article_id, str(sentence_index), str(trigger_start), plover,
                    source_code or "", target_code or ""])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class _Arg:
    """An argument found in the parse: the actor mention and how it was reached."""

    mention: Mention | None
    how: str


@dataclass(frozen=True, slots=True)
class _Match:
    pattern: Pattern
    trigger: object  # spaCy Token
    obj: object | None  # the object token a light-verb pattern required


@dataclass(frozen=True, slots=True)
class _Context:
    """What the clause around a trigger says about it."""

    modality: str = "asserted"
    negated: bool = False
    derive_intent: bool = False  # future/conditional from grammar, not from a coded governor
    derive_from: object | None = None  # a "promise/vow to" governor whose event this replaces
    obligation: bool = False  # "Y must Z"
    speaker: object | None = None  # subject token of the reporting verb above
    allege: bool = False  # inside "accuse X of ...": not coded
    refuse: bool = False  # "failed to Z": a cooperative Z becomes a REJECT
    prepare: bool = False  # "prepared to shell": military preparation (MOBILIZE), not a threat


class EventCoder:
    """Codes events from a parsed article and its actor mentions."""

    def __init__(self, ontology: Ontology, patterns: PatternSet, actor_coder=None) -> None:
        self.ontology = ontology
        self.patterns = patterns
        self.actor_coder = actor_coder
        self.words = patterns.modality

    @classmethod
    def from_package(cls, actor_coder=None) -> "EventCoder":
        ontology = Ontology.from_package()
        return cls(ontology, PatternSet.from_package(ontology), actor_coder)

    # -- entry point ---------------------------------------------------------
    def code(self, doc, article: Article, mentions) -> tuple[Event, ...]:
        by_token: dict[int, list[Mention]] = {}
        for m in mentions:
            for i in range(m.token_start, m.token_end):
                by_token.setdefault(i, []).append(m)
        events: dict[str, Event] = {}
        for index, sent in enumerate(doc.sents):
            for event in self._code_sentence(sent, index, article, by_token):
                if event.id not in events or _rank(event) > _rank(events[event.id]):
                    events[event.id] = event
        return tuple(sorted(events.values(), key=lambda e: (e.sentence_index, e.trigger_start, e.id)))

    def _code_sentence(self, sent, index: int, article: Article, by_token) -> list[Event]:
        matches = self._matches(sent, by_token)
        at = {m.trigger.i: m for m in matches}
        out: list[Event] = []
        main = [m for m in matches if m.trigger.dep_ != "acl"]
        for match in matches:
            if match.trigger.dep_ == "acl" and main and not any(
                    c.dep_ in ("nsubj", "nsubjpass") for c in match.trigger.children):
                continue  # "forces backed by warplanes", "sanctions imposed on X": background
            if match.pattern.complement == "negate" and self._no_comment(match.trigger):
                continue  # "declined to comment" (CAMEO 011): no event
            if match.pattern.complement == "obligation":
                out.extend(self._obligation(match, sent, index, article, by_token, at))
                continue
            if self._consequence(match, at):
                continue
            ctx = self._context(self._clause_head(match), at)
            if ctx.allege:
                continue
            if match.pattern.complement == "derive" and self._embedded(match.trigger, at):
                continue  # "vowed to fight": the embedded event makes the intent event
            out.extend(self._events(match, ctx, sent, index, article, by_token, at))
        return out

    def _no_comment(self, tok) -> bool:
        comment = self.words["comment_verbs"]
        return any(c.dep_ in ("xcomp", "advcl") and c.lemma_.lower() in comment for c in tok.children)

    def _consequence(self, match: _Match, at: dict) -> bool:
        """"attacked the camp, killing 156", "rioted, setting fire to mattresses": a
        participle without its own subject, of the same type or both material
        conflict, describes the act it hangs on, not a second act."""
        tok = match.trigger
        while tok.dep_ == "conj" and tok.tag_ == "VBG":
            tok = tok.head  # "..., killing one and arresting 12"
        if tok.dep_ != "advcl" or tok.tag_ != "VBG" or any(c.dep_ == "nsubj" for c in tok.children):
            return False
        gov = at.get(tok.head.i)
        if gov is None:
            return False
        mine = self.ontology.plover_of(match.pattern.cameo)
        theirs = self.ontology.plover_of(gov.pattern.cameo)
        return mine == theirs or (self.ontology.quad_class(mine) == 4 and self.ontology.quad_class(theirs) == 4)

    def _clause_head(self, match: _Match):
        """The word whose clause says whether the event happened: the trigger,
        or for a noun the support verb it is the object of ("will complete the
        withdrawal")."""
        tok = match.trigger
        if match.pattern.kind == "noun" and tok.dep_ in ("dobj", "nsubjpass") and \
                tok.head.lemma_.lower() in self.words["support_verbs"]:
            return tok.head
        return tok

    def _obligation(self, match: _Match, sent, index: int, article: Article, by_token, at) -> list[Event]:
        """"X said Y must Z": X's REQUEST to Y, whatever Z is (a coded Z makes
        its own demand event in `_derived`)."""
        verb = match.trigger.head
        if match.trigger.dep_ != "aux" or verb.i in at:
            return []
        ctx = self._context(verb, at)
        if not (ctx.obligation and ctx.speaker is not None):
            return []
        speakers = _unique(self._actors(ctx.speaker, by_token))
        addressees = _unique(self._subjects(verb, by_token, _Context()))
        if not speakers or not addressees:
            return []
        date, date_source, date_text = self._date(sent, verb, article)
        return [self._event(article, sent, index, match, match.pattern.cameo, s, a, "asserted", ctx.negated,
                            date, date_source, date_text, match.pattern.id)
                for s in speakers for a in addressees
                if s.mention.actor.code != a.mention.actor.code]

    # -- triggers --------------------------------------------------------------
    def _matches(self, sent, by_token) -> list[_Match]:
        matches: list[_Match] = []
        consumed: set[int] = set()
        for tok in sent:
            for pattern in self.patterns.verbs.get(_lemma_key(tok, self.patterns.verbs), ()):
                obj = self._fits(tok, pattern)
                if obj is not False:
                    matches.append(_Match(pattern, tok, obj))
                    if obj is not None:
                        consumed.add(obj.i)
                    consumed.add(tok.i)
                    break
        for tok in sent:
            if tok.i in consumed or tok.i in by_token:
                continue
            for pattern in self.patterns.nouns.get(tok.lemma_.lower(), ()):
                if tok.pos_ in pattern.pos and not self._governed_by_match(tok, consumed):
                    matches.append(_Match(pattern, tok, None))
                    break
        return matches

    def _fits(self, tok, p: Pattern):
        """The object token (or None) when the pattern fits the token, else False."""
        if tok.pos_ not in p.pos and not (tok.tag_.startswith("VB") and "VERB" in p.pos):
            return False
        if p.no_object and any(c.dep_ in ("dobj", "nsubjpass", "auxpass") for c in tok.children):
            return False
        if p.kind == "verb" and "VERB" in p.pos and tok.dep_ in NOMINAL_DEPS:
            return False
        if p.subjects or p.subjects_not:
            subj = {x for c in tok.children if c.dep_ in ("nsubj", "nsubjpass") for x in _lemmas(c)}
            if p.subjects and not subj & p.subjects or subj & p.subjects_not:
                return False
        if p.preps and not any(c.dep_ in ("prt", "prep", "advmod", "acomp", "oprd", "xcomp", "ccomp")
                               and c.lower_ in p.preps
                               for c in tok.children):
            return False
        objects = list(_objects(tok))
        if p.objects_not and any(_lemmas(o) & p.objects_not for o in objects if o.dep_ != "pobj"):
            return False
        if not p.objects:
            return None
        for o in objects:
            if _lemmas(o) & p.objects:
                return o
        return False

    @staticmethod
    def _governed_by_match(tok, consumed: set[int]) -> bool:
        """A noun that is the object of a matched verb is coded by that verb."""
        head = tok.head
        if tok.dep_ in ("dobj", "nsubjpass", "attr") and head.i in consumed:
            return True
        return tok.dep_ == "pobj" and head.head.i in consumed

    def _embedded(self, tok, at: dict) -> list:
        """Matched triggers in the clausal complement of `tok` (xcomp/ccomp and their conj)."""
        found = []
        for c in tok.children:
            infinitive = c.dep_ == "advcl" and any(x.dep_ == "aux" and x.lower_ == "to" for x in c.children)
            if c.dep_ in ("xcomp", "ccomp") or infinitive or \
                    (c.dep_ == "dobj" and c.lemma_ in self.words["intent_nouns"]):
                for t in [c, *c.conjuncts]:
                    if t.i in at:
                        found.append(t)
                    for cc in t.children:
                        if cc.dep_ in ("acl", "xcomp") and cc.i in at:
                            found.append(cc)
                        elif cc.dep_ == "dobj" and cc.i in at and at[cc.i].pattern.kind == "noun":
                            found.append(cc)  # "promised to continue aid"
        return found

    # -- modality ----------------------------------------------------------------
    def _context(self, tok, at: dict) -> _Context:
        w = self.words
        modality, negated, derive, obligation, prepare = "asserted", False, False, False, False
        derive_from = speaker = None
        if self._negated(tok):
            negated = True
        auxes = {c.lemma_.lower() for c in tok.children if c.dep_ in ("aux", "auxpass")}
        if auxes & w["future_aux"]:
            modality, derive = "future", True
        elif auxes & w["obligation_aux"]:
            modality, obligation = "hypothetical", True
        elif auxes & w["hypothetical_aux"]:
            modality = "hypothetical"
        if self._condition_child(tok):
            modality, derive = "conditional", True
        if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in w["condition_marks"]
                                       for c in tok.children):
            return _Context("hypothetical", negated)
        if self._purpose(tok, at):
            return _Context("hypothetical", negated)  # "staged a strike to demand X": an aim
        # climb the clause chain
        cur = tok
        for _ in range(6):
            dep, gov = cur.dep_, cur.head
            if gov is cur or dep not in CLAUSAL | {"dobj"}:
                break
            if dep == "dobj" and cur != tok:
                break
            glemma = gov.lemma_.lower()
            if dep == "conj" or (dep == "acomp" and glemma == "be"):
                # "must ensure security and provide aid", "must be ready to mediate"
                gov_aux = {c.lemma_.lower() for c in gov.children if c.dep_ in ("aux", "auxpass")}
                if modality == "asserted" and gov_aux & w["obligation_aux"]:
                    modality, obligation, derive = "hypothetical", True, False
                elif modality == "asserted" and gov_aux & w["hypothetical_aux"]:
                    modality, derive = "hypothetical", False
                elif modality == "asserted" and dep == "conj" and gov_aux & w["future_aux"]:
                    modality, derive = "future", True
                if self._negated(gov) and dep == "acomp":
                    negated = True
                cur = gov
                continue
            if glemma in w["deliberation_verbs"] and dep in ("xcomp", "ccomp", "advcl"):
                return _Context("hypothetical", negated)  # "is considering sending aid"
            noun_gov = gov.pos_ in ("NOUN", "PROPN") and dep in ("acl", "ccomp", "relcl")
            if noun_gov and glemma in w["negating_nouns"]:
                return _Context(modality, True)  # "the government's refusal to accept"
            if noun_gov and glemma not in w["intent_nouns"] \
                    and (glemma in w["content_nouns"] or glemma in w["request_nouns"]):
                return _Context("hypothetical", negated)  # "a call to withdraw", "an admission that"
            if dep == "acl" and gov.pos_ in ("NOUN", "PROPN") and glemma in w["intent_nouns"]:
                # "plans to build": the noun's own governor decides (denied plans -> negated)
                if gov.dep_ == "dobj" and gov.head.lemma_.lower() in w["negating_verbs"]:
                    negated = True
                elif modality == "asserted":
                    modality, derive = "future", True
                if gov.dep_ == "dobj" and gov.head.i in at:
                    derive = False  # "reached a consensus to Z": the coded verb is the agreement
                    break
                cur = gov.head if gov.dep_ in ("dobj", "nsubj", "attr") else gov
                if self._negated(cur):
                    negated = True
                continue
            if dep == "pcomp" and gov.head.pos_ in ("NOUN", "PROPN"):
                noun = gov.head.lemma_.lower()  # "an appeal for deploying troops"
                if noun in w["request_nouns"] or noun in w["content_nouns"]:
                    return _Context("hypothetical", negated)
                if noun in w["intent_nouns"]:
                    return _Context("future", negated)
            if dep == "pcomp" or (dep in ("xcomp", "ccomp") and glemma in w["allegation_verbs"]):
                if glemma in w["allegation_verbs"] or gov.head.lemma_.lower() in w["allegation_verbs"]:
                    return _Context(allege=True)
                break
            gov_match = at.get(gov.i)
            comp = gov_match.pattern.complement if gov_match else None
            if self._negated(gov):
                negated = True
            if comp == "derive":
                if modality == "asserted":
                    modality = "future"
                derive, derive_from = True, gov
                break
            if comp in ("intent", "threat"):
                if modality == "asserted":
                    modality = "future"
                derive = False
                break
            if comp == "negate" or glemma in w["negating_verbs"]:
                refuse = gov_match is None and glemma in w["refusal_verbs"]
                return _Context(modality, True, refuse=refuse)
            if comp == "request" or (dep == "xcomp" and glemma in w["request_verbs"]):
                return _Context("hypothetical", negated)
            if glemma in w["speech_verbs"] and dep in ("ccomp", "conj", "parataxis", "xcomp"):
                speaker = _subject_token(gov)
                if obligation:
                    return _Context("hypothetical", negated, obligation=True, speaker=speaker)
                break
            if glemma in w["intent_verbs"] and dep == "xcomp" and any(c.dep_ == "dobj" for c in gov.children):
                return _Context("hypothetical", negated)  # "X wants Y to Z": X's wish, not Y's intent
            if glemma in w["intent_verbs"] or glemma in w["intent_adjectives"]:
                if modality == "asserted" or modality == "hypothetical":
                    modality = "future"
                derive = True
                prepare = prepare or glemma in w["preparation_verbs"]
                if self._condition_child(gov):
                    modality = "conditional"
                gov_aux = {c.lemma_.lower() for c in gov.children if c.dep_ == "aux"}
                if gov_aux & w["hypothetical_aux"] and modality != "conditional":
                    modality, derive = "hypothetical", False
                cur = gov
                continue
            if dep == "advcl" and any(c.dep_ == "mark" and c.lower_ in w["condition_marks"]
                                      for c in cur.children):
                return _Context("hypothetical", negated)
            if dep == "xcomp" and gov_match is None:
                cur = gov  # "help (to) defend": the governing verb's clause decides
                continue
            if noun_gov and self._in_condition(gov):
                return _Context("hypothetical", negated)  # "unless X made peace with rebels fighting Y"
            break
        if obligation and speaker is None:
            return _Context("hypothetical", negated)
        return _Context(modality, negated, derive and modality in ("future", "conditional"),
                        derive_from, obligation, speaker, prepare=prepare)

    def _in_condition(self, noun) -> bool:
        """Is this noun inside an "if"/"unless" clause?"""
        marks = self.words["condition_marks"]
        cur = noun
        for _ in range(8):
            if cur.head == cur:
                return False
            if cur.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in marks for c in cur.children):
                return True
            cur = cur.head
        return False

    def _purpose(self, tok, at: dict) -> bool:
        """A purpose clause ("to demand reforms", "used tear gas to disperse
        protesters", "a resolution that aims to tighten sanctions") states what an
        act aimed at, not a second act that happened."""
        w = self.words
        for t in [tok, *([tok.head] if tok.dep_ == "conj" else [])]:
            infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)
            if not infinitive:
                continue
            gov = at.get(t.head.i)
            if gov is not None and gov.pattern.complement is not None:
                return False  # "vowed to fight" (parsed as advcl or xcomp): the complement
            if t.dep_ == "advcl":
                return True
            if t.dep_ != "xcomp":
                continue
            glemma = t.head.lemma_.lower()
            if gov is not None or glemma in w["purpose_verbs"]:
                return True
            controlled = (glemma in w["object_control_verbs"] or glemma in w["intent_verbs"]
                          or glemma in w["request_verbs"] or glemma in w["negating_verbs"])
            if not controlled and any(c.dep_ == "dobj" for c in t.head.children):
                return True  # "V something to Z": Z is what V was for
        return False

    def _negated(self, tok) -> bool:
        """"did not sign", "never met", "held no talks", "no deadline was set"."""
        neg = self.words["negation_words"]
        if any(c.dep_ == "neg" or (c.dep_ in ("advmod", "det") and c.lower_ in neg)
               for c in tok.children):
            return True
        return any(c.dep_ in ("dobj", "nsubjpass") and any(g.dep_ == "det" and g.lower_ in neg
                                                           for g in c.children)
                   for c in tok.children)

    def _condition_child(self, tok) -> bool:
        marks = self.words["condition_marks"]
        return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in c.children)
                   for c in tok.children)

    # -- arguments -------------------------------------------------------------
    def _events(self, match: _Match, ctx: _Context, sent, index: int, article: Article,
                by_token, at: dict) -> list[Event]:
        p, tok = match.pattern, match.trigger
        if p.kind == "noun":
            pairs = self._noun_pairs(tok, p, by_token)
        else:
            pairs = self._verb_pairs(tok, p, match.obj, ctx, by_token, at)
        if not pairs:
            return []
        date, date_source, date_text = self._date(sent, tok, article)
        out: list[Event] = []
        for src, tgt, primary in pairs:
            cameo = p.cameo if tgt.mention is not None or not p.untargeted else p.untargeted
            base = self._event(article, sent, index, match, cameo, src, tgt, ctx.modality, ctx.negated,
                               date, date_source, date_text, p.id)
            out.append(base)
            if primary:
                out.extend(self._derived(base, match, ctx, src, tgt, article, sent, index, by_token,
                                         date, date_source, date_text))
        return out

    def _derived(self, base: Event, match: _Match, ctx: _Context, src: _Arg, tgt: _Arg,
                 article, sent, index, by_token, date, date_source, date_text) -> list[Event]:
        """Intent (AGREE/THREATEN), refusal (REJECT) and demand (REQUEST) events."""
        m = self.words
        plover = base.plover
        coop = self.ontology.is_cooperative(plover)
        if ctx.refuse and coop and plover in m.refusal:
            return [self._event(article, sent, index, match, m.refusal[plover], src, tgt, "asserted",
                                False, date, date_source, date_text, f"refusal:{base.pattern}",
                                factor=0.8)]
        if ctx.obligation and ctx.speaker is not None:
            speakers = self._actors(ctx.speaker, by_token)
            return [self._event(article, sent, index, match, m.demand[plover], s, src, "asserted",
                                False, date, date_source, date_text, f"demand:{base.pattern}",
                                factor=0.85)
                    for s in speakers if s.mention is not None and src.mention is not None
                    and s.mention.actor.code != src.mention.actor.code]
        if not ctx.derive_intent:
            return []
        if ctx.negated:
            if not coop or plover not in m.refusal:
                return []
            return [self._event(article, sent, index, match, m.refusal[plover], src, tgt, "asserted",
                                False, date, date_source, date_text, f"refusal:{base.pattern}",
                                factor=0.85)]
        if ctx.prepare and self.ontology.quad_class(plover) == 4 and plover != "PROTEST":
            return [self._event(article, sent, index, match, m.preparation, src, tgt, "asserted", False,
                                date, date_source, date_text, f"prepare:{base.pattern}", factor=0.9)]
        goal = "AGREE" if coop else "THREATEN"
        table = m.intent[goal]
        if plover not in table:
            return []
        return [self._event(article, sent, index, match, table[plover], src, tgt, "asserted", False,
                            date, date_source, date_text, f"intent:{base.pattern}", factor=0.9)]

    def _verb_pairs(self, tok, p: Pattern, obj, ctx: _Context, by_token, at) -> list[tuple[_Arg, _Arg, bool]]:
        """(source, target, primary) triples; primary is False for the reverse
        direction of a symmetric act, which states no intention of its own."""
        reduced = tok.dep_ == "acl" and tok.tag_ == "VBN" and not p.active  # "refugees expelled by X"
        passive = not p.active and (reduced or any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children))
        if passive:
            sources = self._agents(tok, by_token)
            targets = (self._actors(tok.head, by_token) if reduced else
                       [a for c in tok.children if c.dep_ == "nsubjpass" for a in self._actors(c, by_token)])
            if not targets:
                targets = self._targets(tok, p, obj, by_token, skip=("dobj",))
        else:
            sources = self._subjects(tok, by_token, ctx)
            targets = self._targets(tok, p, obj, by_token)
        if not targets and p.complement in ("request", "allege"):
            targets = [a for c in tok.children if c.dep_ in ("ccomp", "xcomp")
                       for x in c.children if x.dep_ in ("nsubj", "nsubjpass")
                       for a in self._actors(x, by_token)]
        sources = [self._placed(a, tok, obj, by_token) for a in _unique(sources)]
        source_keys = {_key(a.mention) for a in sources if a.mention}
        targets = [t for t in _unique(targets) if _key(t.mention) not in source_keys]
        targets = self._domestic(targets, sources)
        symmetric = p.symmetric == "all" or (p.symmetric == "subjects" and not targets and len(sources) > 1)
        if not targets and sources and not p.needs_target and not (symmetric and len(sources) > 1):
            targets = self._domestic(self._fallback_targets(tok, p, obj, sources, passive, by_token),
                                     sources)
            symmetric = False  # a fallback target is not a partner in a joint act
        if p.needs_target and not targets:
            return []
        if not sources and not (passive and targets):
            return []
        if not sources:
            sources = [_Arg(None, "missing")]
        if symmetric:
            return _symmetric(sources, targets)
        return [(s, t, True) for s in sources for t in (targets or [_Arg(None, "direct")])]

    def _agents(self, tok, by_token) -> list[_Arg]:
        return [a for c in tok.children if c.dep_ == "agent"
                for pobj in c.children if pobj.dep_ == "pobj" for a in self._actors(pobj, by_token)]

    @staticmethod
    def _domestic(targets: list[_Arg], sources: list[_Arg]) -> list[_Arg]:
        """A target group the actor coder could not place ("students", "the
        opposition") is taken to be of the source's country when the sources
        share one: an unnamed patient is domestic. People and titles are left
        alone ("President Reagan" without a date is not the source's compatriot)."""
        countries = {a.mention.actor.country for a in sources if a.mention and a.mention.actor.country}
        if len(countries) != 1:
            return targets
        country = next(iter(countries))
        out = []
        for t in targets:
            a = t.mention.actor
            if a.country is None and a.kind == "group" and a.sector and not a.code.startswith(("IGO", "NGO")):
                actor = Actor(country + a.sector, country, a.sector, a.name, a.kind)
                t = _Arg(dataclasses.replace(t.mention, actor=actor, confidence=t.mention.confidence * 0.8), "default")
            out.append(t)
        return out

    def _fallback_targets(self, tok, p: Pattern, obj, sources: list[_Arg], passive: bool,
                          by_token) -> list[_Arg]:
        """A target when no argument names one, in this order: an object of the
        clausal complement or purpose clause ("agreed to lift the embargo on
        Cuba", "rallied to demand the resignation of X"); for material acts, a
        country or capital where it happened ("shelled targets in Lebanon");
        another country named in the trigger's clause; finally the source's own
        country when the act has an unnamed patient ("arrested opponents") or is
        domestic by nature (protests, repression, concessions)."""
        exclude = {_key(a.mention) for a in sources if a.mention}
        countries = {a.mention.actor.country for a in sources if a.mention and a.mention.actor.country}
        found = self._clause_targets(tok, by_token, exclude)
        if found:
            return found
        plover = self.ontology.plover_of(p.cameo)
        if self.ontology.quad_class(plover) in (2, 4) and plover != "CONSULT":
            placed = [a for a in self._places(tok, obj, by_token) if a.mention.actor.country not in countries]
            if placed:
                return placed[:1]
        for t in _clause_tokens(tok):
            for m in by_token.get(t.i, ()):
                if m.actor.country and m.actor.country not in countries and _key(m) not in exclude:
                    return [_Arg(m, "nested")]
        patient = self._patient(tok, p, obj, passive)
        if len(countries) == 1 and (plover in DOMESTIC_TYPES or
                                    (patient is not None and plover in PATIENT_DOMESTIC_TYPES)):
            country = next(iter(countries))
            span = patient if patient is not None else tok
            left, right = span.left_edge.i, span.right_edge.i + 1
            doc = tok.doc
            sentence_index = next(a.mention.sentence_index for a in sources if a.mention)
            m = Mention(doc[left:right].text, doc[left].idx, doc[right - 1].idx + len(doc[right - 1]),
                        left, right, sentence_index, Actor(country, country, None, None, "country"),
                        None, 0.7)
            return [_Arg(m, "default")]
        return []

    @staticmethod
    def _patient(tok, p: Pattern, obj, passive: bool):
        """The phrase the act is done to, when it names no actor ("opponents")."""
        for c in tok.children:
            if c == obj:
                continue
            if c.dep_ in ("dobj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN"):
                return c
            if c.dep_ == "prep" and c.lower_ in p.targets:
                for o in c.children:
                    if o.dep_ == "pobj" and o.pos_ in ("NOUN", "PROPN"):
                        return o
        if tok.dep_ == "acl" and tok.tag_ == "VBN":
            return tok.head
        return obj if obj is not None and p.objects and obj.pos_ in ("NOUN", "PROPN") and passive else None

    def _places(self, tok, obj, by_token) -> list[_Arg]:
        """Countries and capitals named as where the act happened."""
        out = []
        for head in (tok, obj):
            if head is None:
                continue
            for c in head.children:
                if c.dep_ == "prep" and c.lower_ in LOCATIVE_PREPS:
                    for o in c.children:
                        if o.dep_ == "pobj":
                            out += [_Arg(m, "nested") for m in by_token.get(o.i, ())
                                    if m.actor.kind in PLACE_KINDS and m.actor.country]
        return out

    def _placed(self, arg: _Arg, tok, obj, by_token) -> _Arg:
        """A source with a sector but no country ("the military government")
        takes the country where it acted ("... in Haiti")."""
        m = arg.mention
        if m is None or m.actor.country is not None or m.actor.kind in ("igo", "ngo") or not m.actor.sector:
            return arg
        for place in self._places(tok, obj, by_token):
            country = place.mention.actor.country
            actor = Actor(country + m.actor.sector, country, m.actor.sector, m.actor.name, m.actor.kind)
            return _Arg(dataclasses.replace(m, actor=actor, confidence=m.confidence * 0.8), "nested")
        return arg

    def _clause_targets(self, tok, by_token, exclude: set) -> list[_Arg]:
        """The first actor named as an object in the trigger's clausal complement
        or purpose clause ("agreed to lift the embargo on Cuba" -> Cuba)."""
        for c in tok.children:
            purpose = c.dep_ == "advcl" and any(x.dep_ == "aux" and x.lower_ == "to" for x in c.children)
            if c.dep_ not in ("xcomp", "ccomp") and not purpose:
                continue
            for t in c.subtree:
                if t.dep_ in ("dobj", "pobj", "dative"):
                    found = [a for a in self._actors(t, by_token, depth=1) if _key(a.mention) not in exclude]
                    if found:
                        return [_Arg(a.mention, "nested") for a in found]
        return []

    def _noun_pairs(self, tok, p: Pattern, by_token) -> list[tuple[_Arg, _Arg, bool]]:
        sources = [a for c in tok.children if c.dep_ in ("poss", "amod", "compound", "nmod")
                   for a in self._actors(c, by_token, depth=0)]
        supported = (tok.dep_ in ("dobj", "nsubjpass")
                     and tok.head.lemma_.lower() in self.words["support_verbs"])
        if not sources and supported:
            sources = self._subjects(tok.head, by_token, _Context())
        sources += [a for c in tok.children if c.dep_ == "prep" and c.lower_ == "by"
                    for o in c.children if o.dep_ == "pobj" for a in self._actors(o, by_token)]
        heads = [tok] + [o for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                         for o in c.children if o.dep_ == "pobj"]  # "suspension of links with X"
        targets = [a for slot in p.targets for h in heads for c in h.children
                   if c.dep_ == "prep" and c.lower_ == slot
                   for o in c.children if o.dep_ == "pobj" for a in self._actors(o, by_token)]
        sources, targets = _unique(sources), _unique(targets)
        if p.symmetric:
            people = _unique(sources + targets)
            if len(people) >= 2:
                return [(a, b, True) for a, b in permutations(people, 2)
                        if a.mention.actor.code != b.mention.actor.code]
            return []
        if supported and not targets:
            return [(s, _Arg(None, "direct"), True) for s in sources]
        return [(s, t, True) for s in sources for t in targets
                if s.mention.actor.code != t.mention.actor.code]

    def _subjects(self, tok, by_token, ctx: _Context, depth: int = 0) -> list[_Arg]:
        w = self.words
        subj = [c for c in tok.children if c.dep_ in ("nsubj", "csubj", "expl", "nsubjpass")]
        if tok.dep_ == "relcl" and (not subj or subj[0].lower_ in RELATIVE_PRONOUNS):
            return [_Arg(a.mention, "inherited") for a in self._actors(tok.head, by_token)]
        if subj:
            found = [a for s in subj for a in self._actors(s, by_token)]
            if found or not ctx.speaker:
                return found
            if subj[0].lower_ in w["pronouns"]:
                return [_Arg(a.mention, "speaker") for a in self._actors(ctx.speaker, by_token)]
            return []
        if depth > 4 or tok.head == tok:
            return []
        gov = tok.head
        if tok.dep_ == "xcomp" and gov.lemma_.lower() in w["object_control_verbs"]:
            addressees = [a for c in gov.children if c.dep_ in ("dobj", "dative")
                          for a in self._actors(c, by_token)]
            addressees += [a for c in gov.children if c.dep_ == "prep" and c.lower_ in ("on", "upon")
                           for o in c.children if o.dep_ == "pobj" for a in self._actors(o, by_token)]
            if addressees:
                return [_Arg(a.mention, "inherited") for a in addressees]
        if tok.dep_ == "acl" and gov.lemma_.lower() not in w["intent_nouns"]:
            return [_Arg(a.mention, "inherited") for a in self._actors(gov, by_token)]
        if tok.dep_ == "acl" and gov.lemma_.lower() in w["intent_nouns"]:
            poss = [a for c in gov.children if c.dep_ in ("poss", "amod", "compound")
                    for a in self._actors(c, by_token, depth=0)]
            if poss:
                return [_Arg(a.mention, "nested") for a in poss]
            gov = gov.head
        if tok.dep_ in ("xcomp", "conj", "advcl", "acl", "ccomp", "acomp") or gov != tok.head:
            how = "conj" if tok.dep_ == "conj" else "inherited"
            passive_gov = any(c.dep_ in ("nsubjpass", "auxpass") for c in gov.children)
            found = (self._agents(gov, by_token) if passive_gov and tok.dep_ != "conj"
                     else self._subjects(gov, by_token, ctx, depth + 1))
            return [_Arg(a.mention, how if a.how == "direct" else a.how) for a in found]
        return []

    def _targets(self, tok, p: Pattern, obj, by_token, skip: tuple[str, ...] = ()) -> list[_Arg]:
        heads = [tok] + ([obj] if obj is not None and obj != tok else [])
        for slot in p.targets:
            if slot in skip:
                continue
            found: list[_Arg] = []
            for head in heads:
                for c in head.children:
                    if c.pos_ == "ADP" and c.dep_ in ("prep", "prt", "dative"):
                        if c.lower_ != slot and not (slot == "dative" and c.lower_ == "to"):
                            continue
                        for o in c.children:
                            if o.dep_ in ("pobj", "pcomp"):
                                found += self._actors(o, by_token)
                    elif slot in ("dobj", "dative") and c.dep_ == slot and c != obj:
                        found += self._actors(c, by_token)
                    elif slot in ("dobj", "dative") and c.dep_ == slot and c == obj:
                        found += self._actors(c, by_token, depth=1, self_ok=False)
            if found:
                return found
        return []

    def _actors(self, tok, by_token, depth: int = 2, self_ok: bool = True) -> list[_Arg]:
        """Actor mentions naming the argument headed by `tok` (and its conjuncts).

        A mention with no country ("security forces", "the rebels") takes the
        country named inside the same phrase ("security forces in Guinea",
        "Iraqi rebels") when the actor coder left it open."""
        out: list[_Arg] = []
        for i, t in enumerate([tok, *tok.conjuncts]):
            how = "direct" if i == 0 else "conj"
            direct = by_token.get(t.i) if self_ok or t != tok else None
            if direct:
                for m in direct:
                    out.append(_Arg(self._with_country(m, t, by_token), how))
                continue
            nested = [m for c in t.children if c.dep_ in ("poss", "compound", "amod", "nmod", "appos")
                      for cc in [c, *c.conjuncts] for m in by_token.get(cc.i, ())]
            if not nested and depth > 0:  # "Kenzo Oshima, the United Nations coordinator"
                nested = [a.mention for c in t.children if c.dep_ == "appos"
                          for a in self._actors(c, by_token, depth - 1)]
            if nested:
                out += [_Arg(m, "nested") for m in _dedupe(nested)]
                continue
            if depth > 0:
                for c in t.children:
                    if c.dep_ == "prep" and c.lower_ in NESTED_PREPS:
                        for o in c.children:
                            if o.dep_ == "pobj":
                                out += [_Arg(a.mention, "nested") for a in self._actors(o, by_token, depth - 1)]
        return out

    def _with_country(self, m: Mention, head, by_token) -> Mention:
        """A country-less mention takes the actor of a fuller mention inside the
        same phrase ("British Defence Secretary Tom King" where only "King" was
        coded as a title), or the country of a possessor, adjective, apposition
        or place in it ("President Suharto's government", "Sidhoum, Algeria's
        leading activist", "forces in Guinea")."""
        if m.actor.country is not None or m.actor.kind in ("igo", "ngo") or not m.actor.sector:
            return m
        for c in head.children:
            if c.dep_ in ("amod", "compound", "poss", "nmod"):
                cands = [c]
            elif c.dep_ == "appos":
                cands = [c, *[x for x in c.children if x.dep_ in ("poss", "amod", "compound")]]
            elif c.dep_ == "prep" and c.lower_ in ("in", "of", "from"):
                cands = [o for o in c.children if o.dep_ == "pobj"]
            else:
                continue
            for x in cands:
                for other in by_token.get(x.i, ()):
                    if other is m or not other.actor.country:
                        continue
                    if other.actor.kind == "person" and other.token_end == m.token_start:
                        return dataclasses.replace(other, start=min(m.start, other.start), end=m.end,
                                                   token_end=m.token_end, text=head.doc[other.token_start:m.token_end].text)
                    country = other.actor.country
                    sector = m.actor.sector
                    actor = Actor(country + sector, country, sector, m.actor.name, m.actor.kind)
                    return dataclasses.replace(m, actor=actor, confidence=m.confidence * 0.9)
        return m

    # -- dates and records -------------------------------------------------------
    def _date(self, sent, tok, article: Article):
        """The sentence's date expression closest to the trigger's clause, resolved
        against the article date; else the article date."""
        anchor = article.date
        chain = []
        cur = tok
        for _ in range(8):
            chain.append(cur.i)
            if cur.head == cur:
                break
            cur = cur.head
        ranked = []
        for text, start, end in dates.find_dates(sent):
            root = sent.doc[start:end].root
            verb = root
            while verb.pos_ not in ("VERB", "AUX") and verb.head != verb:
                verb = verb.head
            rank = chain.index(verb.i) if verb.i in chain else 99
            ranked.append((rank, start, text))
        for _, _, text in sorted(ranked):
            value, how = dates.resolve(text, anchor)
            if value is not None:
                return value, "sentence", text
        if anchor is not None:
            return anchor, "article", None
        return None, "none", None

    def _event(self, article: Article, sent, index: int, match: _Match, cameo: str, src: _Arg,
               tgt: _Arg, modality: str, negated: bool, date, date_source, date_text,
               pattern_id: str, factor: float = 1.0) -> Event:
        entry = self.ontology.code(cameo)
        plover = entry.plover
        s_actor: Actor | None = src.mention.actor if src.mention else None
        t_actor: Actor | None = tgt.mention.actor if tgt.mention else None
        start, end = _trigger_span(match)
        doc = sent.doc
        confidences = [a.mention.confidence for a in (src, tgt) if a.mention is not None] or [0.5]
        parse = HOW_FACTOR.get(src.how, 0.8) * (HOW_FACTOR.get(tgt.how, 0.8) if tgt.mention else 1.0)
        confidence = match.pattern.strength * (sum(confidences) / len(confidences)) * parse * factor
        return Event(
            id=event_id(article.id, index, doc[start].idx, plover,
                        s_actor.code if s_actor else None, t_actor.code if t_actor else None),
            article_id=article.id, sentence_index=index, sentence=sent.text,
            trigger=doc[start:end].text, trigger_start=doc[start].idx,
            trigger_end=doc[end - 1].idx + len(doc[end - 1].text),
            plover=plover, cameo=cameo, goldstein=entry.goldstein,
            quad_class=self.ontology.quad_class(plover),
            source=s_actor, target=t_actor,
            source_text=src.mention.text if src.mention else None,
            target_text=tgt.mention.text if tgt.mention else None,
            date=date, date_source=date_source, date_text=date_text,
            confidence=round(min(max(confidence, 0.0), 1.0), 4), negated=negated,
            modality=modality, pattern=pattern_id,
        )


# -- helpers -----------------------------------------------------------------
def _objects(tok):
    """Object candidates of a verb: direct objects (and their conjuncts), the
    subject of a passive or the noun a passive participle modifies, prepositional
    objects and attributes."""
    if tok.dep_ == "acl" and tok.tag_ == "VBN":
        yield tok.head  # "property seized by the army"
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "dative"):
            yield c
            yield from c.conjuncts
            for p in c.children:  # "700 kg of medicine", "a state of siege"
                if p.dep_ == "prep" and p.lower_ == "of":
                    yield from (o for o in p.children if o.dep_ == "pobj")
        elif c.dep_ in ("prep", "prt", "advmod", "acomp"):
            yield c
            for o in c.children:
                if o.dep_ in ("pobj", "dobj", "pcomp"):
                    yield o
                    yield from o.conjuncts


def _lemma_key(tok, index: dict) -> str:
    """The token's lemma, or when spaCy's lemmatizer got an inflected verb wrong
    ("staged" -> "stag"), the first regular de-inflection of the word that the
    pattern index knows."""
    lemma = tok.lemma_.lower()
    if lemma in index or not tok.tag_.startswith("VB"):
        return lemma
    word = tok.lower_
    candidates = [word]
    for suffix, repl in (("ied", "y"), ("ies", "y"), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
                         ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + repl
            candidates.append(stem)
            if repl == "" and len(stem) > 3 and stem[-1] == stem[-2]:
                candidates.append(stem[:-1])  # "shelled" -> "shell" is fine, "planned" -> "plan"
    return next((c for c in candidates if c in index), lemma)


def _lemmas(tok) -> set[str]:
    """The lemma of a token with its compound/adjective modifiers ("hunger strike")."""
    out = {tok.lemma_.lower(), tok.lower_}
    out.update(c.lemma_.lower() for c in tok.children if c.dep_ in ("compound", "amod", "nmod"))
    return out


#: Clauses that describe a noun ("the demonstration staged by students to protest
#: X"): what they name is not a participant of the act the noun is the object of.
NOUN_CLAUSES = frozenset({"acl", "relcl"})


def _clause_tokens(tok):
    """Tokens under the trigger, breadth first, leaving out its subject and the
    clauses that describe nouns."""
    out = []
    frontier = [c for c in tok.children if c.dep_ not in ("nsubj", "nsubjpass", "agent", "csubj")
                and c.dep_ not in NOUN_CLAUSES]
    while frontier:
        t = frontier.pop(0)
        out.append(t)
        frontier.extend(c for c in t.children if c.dep_ not in NOUN_CLAUSES)
    return out


def _subject_token(verb):
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            return c
    for c in verb.children:  # "..., according to X"
        if c.dep_ == "prep" and c.lower_ == "according":
            for cc in c.children:
                for o in cc.children if cc.dep_ == "prep" else [cc]:
                    if o.dep_ == "pobj":
                        return o
    return None


def _key(m: Mention | None):
    return None if m is None else (m.token_start, m.token_end, m.actor.code)


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        if _key(m) not in seen:
            seen.add(_key(m))
            out.append(m)
    return out


def _unique(args: list[_Arg]) -> list[_Arg]:
    seen, out = set(), []
    for a in args:
        k = _key(a.mention)
        if a.mention is not None and k not in seen:
            seen.add(k)
            out.append(a)
    return out


def _symmetric(sources: list[_Arg], targets: list[_Arg]) -> list[tuple[_Arg, _Arg, bool]]:
    """Joint acts: every ordered pair of distinct participants; the pairs that
    start from a subject are primary."""
    people = [a for a in sources + targets if a.mention is not None]
    if len(people) < 2:
        return [(s, _Arg(None, "direct"), True) for s in sources if s.mention is not None]
    if not targets:
        return [(a, b, True) for a, b in permutations(people, 2)
                if a.mention.actor.code != b.mention.actor.code]
    pairs = [(s, t, True) for s in sources for t in targets] + [(t, s, False) for s in sources for t in targets]
    return [(a, b, primary) for a, b, primary in pairs if a.mention is not None and b.mention is not None
            and a.mention.actor.code != b.mention.actor.code]


def _trigger_span(match: _Match) -> tuple[int, int]:
    """Token span of the trigger: the word, extended over a light verb's object
    or a particle when they follow within three tokens."""
    tok = match.trigger
    start, end = tok.i, tok.i + 1
    extra = [match.obj] if match.obj is not None else []
    extra += [c for c in tok.children if c.dep_ == "prt"]
    for e in extra:
        if 0 < e.i - tok.i <= 3:
            end = max(end, e.i + 1)
    return start, end


def _rank(e: Event) -> tuple:
    """Which of two events with the same id to keep: asserted, not negated, confident."""
    return (e.modality == "asserted", not e.negated, e.confidence)
