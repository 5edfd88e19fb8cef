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
acts "hypothetical"; acts recalled as the news's background ("one day after X
shot down Y", "following the killing of Z") "background". Following the PLOVER manual, a stated cooperative
intention is itself an AGREE event and a stated conflictual one a THREATEN
event, and "Y must Z" in X's reported speech is X's REQUEST to Y; these
derived events are asserted and name the pattern that produced them.

The argument rules live in event_args.py (their pieces in arg_parts.py), the
clause rules in
event_context.py, the record of an event (id, confidence, texts) in
event_records.py; this module finds triggers and assembles the events.

Confidence = pattern strength x actor resolution confidence x a parse factor
(1.0 argument found directly, lower when inherited, nested in a modifier or
taken from the speaker), so a user can trade precision for recall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from . import dates, tree
from .arg_parts import PLACE_KINDS, Arg, about_another, demand_pair, home_authorities, unique
from .event_args import ArgumentFinder
from .event_context import ClauseReader, Context, commands
from .event_dates import event_date, lead_dates, lead_day, lead_sentences, recalled_narration, tally
from .event_records import Match, event_id, record
from .layout import is_glued_heading
from .noun_anaphora import owner_of_earlier_mention
from .noun_args import JOINT_SCENE_PREPS, NounArguments
from .ontology import Ontology
from .patterns import Pattern, PatternSet
from .triggers import TriggerKeys
from .verb_frame import VerbFrame, lemmas
from ..types import Article, Complement, Event, Mention, Modality

#: Prepositions of time that make a nominal event the occasion of a verb, not its object
#: or manner ("urged Y during talks with Z", "after a meeting with Z, told Y to").
TIME_OF_MEETING = frozenset({"after", "following", "during"})
#: Dependency labels of a word used as a noun or modifier: such a word is not a verb trigger
#: ("the wounded", "the besieged town").
NOMINAL_DEPS = frozenset({"amod", "compound", "nsubj", "nsubjpass", "dobj", "pobj", "poss", "attr",
                          "appos", "nmod"})


class EventCoder:
    """Codes events from a parsed article and its actor mentions."""

    def __init__(self, ontology: Ontology, patterns: PatternSet) -> None:
        self.ontology = ontology
        self.patterns = patterns
        self.tables = patterns.modality  # the intent, refusal and demand codes
        # the word lists as a plain dict: the rules ask it some 150,000 times on 300
        # synthetic articles, and `Modality.__getitem__` is a Python call each time
        self.words = patterns.modality.words
        self.clauses = ClauseReader(self.words)
        self.args = ArgumentFinder(ontology, self.words)
        self.nouns = NounArguments(self.args)

    @classmethod
    def from_package(cls) -> "EventCoder":
        """The coder with the shipped ontology and patterns, prebuilt (prebuilt.py)."""
        from ..prebuilt import cached

        return cached("event_coder", cls._build)

    @classmethod
    def _build(cls) -> "EventCoder":
        ontology = Ontology.from_package()
        return cls(ontology, PatternSet.from_package(ontology))

    # -- entry point ---------------------------------------------------------
    def code(self, doc, article: Article, mentions, quoted: Sequence[tuple[int, int, int]] = ()
             ) -> tuple[Event, ...]:
        """The article's events; `quoted` gives the direct quotes' (start, end,
        speaker's head token), from `QuoteExtractor.direct_speakers`."""
        by_token: dict[int, list[Mention]] = {}
        for m in mentions:
            for i in range(m.token_start, m.token_end):
                by_token.setdefault(i, []).append(m)
        events: dict[str, Event] = {}
        keys = TriggerKeys.of(doc, self.patterns.verbs, self.patterns.nouns)
        for index, sent in enumerate(doc.sents):
            if is_glued_heading(sent):
                continue  # a subheading names its section's topic, not an event
            inside = [q for q in quoted if q[0] < sent.end_char and sent.start_char < q[1]]
            for event in self._code_sentence(sent, index, article, by_token, keys, inside):
                if event.id not in events or _rank(event) > _rank(events[event.id]):
                    events[event.id] = event
        lead = lead_sentences(doc)
        resolved = lead_dates(_act_anaphora(doc, list(events.values()), by_token), article,
                              lead_day(doc, article, lead), lead)
        resolved = recalled_narration(doc, article, resolved)
        return tuple(sorted(resolved, key=lambda e: (e.sentence_index, e.trigger_start, e.id)))

    def _code_sentence(self, sent, index: int, article: Article, by_token, keys: TriggerKeys,
                       quoted=()) -> list[Event]:
        matches = self._matches(sent, by_token, keys)
        at = {m.trigger.i: m for m in matches}
        out: list[Event] = []
        main = [m for m in matches if m.trigger.dep_ != "acl"]
        for match in matches:
            if match.trigger.dep_ == "acl" and main and not any(
                    c.dep_ in ("nsubj", "nsubjpass") for c in tree.children(match.trigger)) \
                    and not (self.ontology.plover_of(match.pattern.cameo) == "AID"
                             and any(c.dep_ == "agent" for c in tree.children(match.trigger))):
                # "sanctions imposed on X": background; but "forces backed by Y's troops
                # stormed Z": Y's help, named by its agent, is part of the act reported
                continue
            t = match.trigger
            if t.tag_ == "VBN" and t.dep_ == "advcl" and t.lemma_.lower() in self.words["question_verbs"] \
                    and not any(c.dep_.startswith("nsubj") for c in tree.children(t)):
                continue  # "Asked whether ..., Putin said": a reporter's question, not a request
            if t.lemma_.lower() in self.words["question_verbs"] and self.clauses.asks_question(t):
                continue  # "asked Y whether he agreed": a question put to Y, nothing requested
            if match.pattern.complement is Complement.NEGATE and self.clauses.no_comment(match.trigger):
                continue  # "declined to comment" (CAMEO 011): no event
            if match.pattern.kind == "verb" and self.clauses.suggests_only(match.trigger):
                continue  # "suggested the base could be used": a possibility, not a proposal
            speaker = _quote_speaker(quoted, match.trigger)
            if match.pattern.complement is Complement.OBLIGATION:
                out.extend(self._obligation(match, sent, index, article, by_token, at, speaker))
                continue
            if self._consequence(match, at):
                continue
            # a noun's parties do not depend on its clause: when it has none (nearly every
            # noun trigger of a news text), the clause is not read at all
            pairs = self.nouns.noun_pairs(t, match.pattern, by_token) if match.pattern.kind == "noun" else None
            if pairs is not None and not pairs:
                continue
            head = self._clause_head(match, at)
            ctx = self.clauses.context(head, at, speaker)
            if "denier" in match.pattern.targets and t.dep_ == "dobj" and \
                    t.head.lemma_.lower() in self.words["denial_verbs"]:
                ctx = Context("background")  # "Y rejected X's charge": made before; the news is the denial
            if head != match.trigger and match.trigger.head.head == head:
                ctx = replace(ctx, derive_intent=False)  # "wants to Z during talks": no talks promised
            if ctx.allege:
                continue
            if match.pattern.complement is Complement.DERIVE and self.clauses.embedded(match.trigger, at):
                continue  # "vowed to fight": the embedded event makes the intent event
            out.extend(self._events(match, ctx, sent, index, article, by_token, at, pairs))
        return out + self._commands(sent, index, article, by_token, at, quoted)

    def _commands(self, sent, index: int, article: Article, by_token, at, quoted) -> list[Event]:
        """"Get the gunmen out of Y," X said: a quoted command is X's demand (as
        "Y must Z", the obligation pattern) of the actors of a country it names; a
        command naming none ("Bring the jobs home") is left uncoded."""
        out: list[Event] = []
        for verb in commands(sent) if quoted else ():
            speaker = _quote_speaker(quoted, verb)
            ctx = self.clauses.context(verb, at, speaker) if speaker is not None else None
            if ctx is None or ctx.speaker is None or ctx.negated \
                    or verb.lemma_.lower() in self.words["illustrative_verbs"]:
                continue
            speakers = unique(self.args.actors(ctx.speaker, by_token))
            addressees = unique([a for t in verb.subtree if t.dep_ in ("dobj", "pobj", "dative", "conj")
                                 for a in self.args.actors(t, by_token) if a.mention.actor.country])
            match = Match(next(p for p in self.patterns.verbs["must"] if p.complement is Complement.OBLIGATION),
                           verb, None)
            date, date_source, date_text = event_date(sent, verb, article)
            out += [self._event(article, sent, index, match, match.pattern.cameo, s, a, Modality.ASSERTED, False,
                                date, date_source, date_text, match.pattern.id)
                    for s in speakers for a in addressees if demand_pair(s, a)]
        return out

    def _consequence(self, match: Match, at: dict) -> bool:
        """"attacked the camp, killing 156", "rioted, setting fire to mattresses": a
        participle without its own subject, of the same type or both material
        conflict, describes the act it hangs on, not a second act."""
        tok = match.trigger
        while tok.dep_ == "conj" and tok.tag_ == "VBG":
            tok = tok.head  # "..., killing one and arresting 12"
        if tok.dep_ != "advcl" or tok.tag_ != "VBG" or any(c.dep_ == "nsubj" for c in tree.children(tok)):
            return False
        gov = at.get(tok.head.i)
        if gov is None:
            return False
        mine = self.ontology.plover_of(match.pattern.cameo)
        theirs = self.ontology.plover_of(gov.pattern.cameo)
        return mine == theirs or (self.ontology.quad_class(mine) == 4 and self.ontology.quad_class(theirs) == 4)

    def _clause_head(self, match: Match, at: dict):
        """The word whose clause says whether the event happened: the trigger,
        or for a noun the support verb it is the object of ("will complete the
        withdrawal"), or the verb whose scene it is when that verb's act is still
        to come ("hopes to settle the dispute during talks with Y": the talks are
        hoped for too; a refusal during talks does not undo the talks)."""
        tok = match.trigger
        if match.pattern.kind == "noun" and tok.dep_ in ("dobj", "nsubjpass") and \
                tok.head.lemma_.lower() in self.words["support_verbs"]:
            return tok.head
        modal = self.words["future_aux"] | self.words["hypothetical_aux"]
        if match.pattern.kind == "noun" and tok.dep_ == "nsubj" and _has_aux(tok.head, modal):
            return tok.head  # "X's talks with Y will resume": the talks are still to come
        if match.pattern.kind == "noun" and tok.dep_ == "pobj" and tok.head.lower_ in JOINT_SCENE_PREPS:
            verb = tok.head.head
            if _has_aux(verb, modal):
                return verb  # "will lead a delegation on a visit to Y": the visit is future too
            if verb.pos_ in ("VERB", "AUX"):
                ctx = self.clauses.context(verb, at)
                if ctx.modality in ("future", "hypothetical", "conditional") and not ctx.negated:
                    return verb
        return tok

    def _obligation(self, match: Match, sent, index: int, article: Article, by_token, at,
                    quoted=None) -> list[Event]:
        """"X said Y must Z": X's REQUEST to Y, whatever Z is (a coded Z makes
        its own demand event in `_derived`)."""
        if match.trigger.dep_ == "aux":
            verb = match.trigger.head  # "Y must Z"
        elif self.clauses.obliges(match.trigger):
            verb = match.trigger  # "Y needs to Z"
        else:
            return []
        if verb != match.trigger and verb.i in at:
            return []  # a coded Z makes its own demand event
        if verb.lemma_.lower() in self.words["cognition_verbs"]:
            return []  # "Y must understand that ...": a warning, no act demanded
        if verb == match.trigger and any(c.i in at for c in tree.children(verb) if c.dep_ == "xcomp"):
            return []
        ctx = self.clauses.context(verb, at, quoted)
        if not (ctx.obligation and ctx.speaker is not None):
            return []
        speakers = unique(self.args.actors(ctx.speaker, by_token))
        addressees = unique(self.args.subjects(verb, by_token, Context()))
        if not addressees and any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "NOUN" for c in tree.children(verb)):
            # "X said talks with Y must continue": a demand on no one named
            addressees = [Arg(None, "direct")]
        if not speakers or not addressees:
            return []
        date, date_source, date_text = event_date(sent, verb, article)
        # "Y should not Z" is still a demand (to refrain); only a negated saying negates it
        negated = ctx.negated and not self.clauses.negated(verb)
        return [self._event(article, sent, index, match, match.pattern.cameo, s, a, Modality.ASSERTED, negated,
                            date, date_source, date_text, match.pattern.id)
                for s in speakers for a in addressees if demand_pair(s, a)]

    # -- triggers --------------------------------------------------------------
    def _matches(self, sent, by_token, keys: TriggerKeys) -> list[Match]:
        """Pattern matches in the sentence: verb patterns first, then nouns
        not already taken; only the tokens `keys` lists are looked at."""
        matches: list[Match] = []
        consumed: dict[int, str] = {}  # token -> PLOVER type of the verb match that took it
        doc, span = sent.doc, range(sent.start, sent.end)
        said = None
        for i in span:
            key = keys.verbs.get(i)
            if key is None:
                continue
            tok = doc[i]
            said = keys.words(sent.start, sent.end) if said is None else said
            frame = VerbFrame(tok, self.words["circumstance_preps"])
            taken = False
            for pattern in self.patterns.verbs[key]:
                # "X said Y is defying Z": a verdict pattern codes the speaker's criticism
                # beside the one pattern that codes Y's own act
                verdict = pattern.targets == ("judged",) or pattern.beside
                if taken and not verdict:
                    continue
                obj = self._fits(frame, pattern, said)
                if obj is False:
                    continue
                matches.append(Match(pattern, tok, obj))
                if not verdict:
                    plover = self.ontology.plover_of(pattern.cameo)
                    if obj is not None:
                        consumed[obj.i] = plover
                    consumed[tok.i] = plover
                    taken = True
        for i in span:
            key = keys.nouns.get(i)
            if key is None:
                continue
            tok = doc[i]
            if i in consumed or (i in by_token and not self._event_noun_in_span(tok, by_token)):
                continue
            for pattern in self.patterns.nouns[key]:
                if pattern.objects and not any(lemmas(o) & pattern.objects for o in _of_objects(tok)):
                    continue  # "the activation of a force", not of an account
                if tok.pos_ in pattern.pos and not self._governed_by_match(tok, pattern, consumed):
                    matches.append(Match(pattern, tok, None))
                    break
        return matches

    def _fits(self, frame: VerbFrame, p: Pattern, said: set[str]):
        """The object token (or None) when the pattern fits the token, else False;
        `said` holds the sentence's words (`TriggerKeys.words`)."""
        if (p.objects and p.objects.isdisjoint(said)) or (p.subjects and p.subjects.isdisjoint(said)) \
                or (p.preps and p.preps.isdisjoint(said)):
            return False  # a word the pattern needs is nowhere in the sentence: 9 rejections in 10
        tok = frame.tok
        if frame.pos not in p.pos and not (frame.verbal and "VERB" in p.pos):
            return False
        if p.no_object and frame.has_object:
            return False
        if p.kind == "verb" and "VERB" in p.pos and frame.dep in NOMINAL_DEPS:
            return False
        if p.complement is Complement.OBLIGATION and frame.lemma in self.words["obligation_verbs"] \
                and not self.clauses.obliges(tok):
            return False  # "the help they need": no obligation, and no trigger to hide others
        if p.complement is Complement.REQUEST and frame.lemma in self.words["directive_verbs"] \
                and not frame.infinitive:
            return False  # "told Y that ...": speech; "told Y to Z": an order
        if p.subjects or p.subjects_not:
            subj = frame.subject_lemmas
            if p.subjects and not subj & p.subjects or subj & p.subjects_not:
                return False
        if p.preps and not frame.particles & p.preps:
            return False
        if p.objects_not and any(lem & p.objects_not for o, dep, lem in frame.objects if dep != "pobj"):
            return False
        if not p.objects:
            return None
        for o, dep, lem in frame.objects:
            if lem & p.objects:
                return o
        return False

    @staticmethod
    def _event_noun_in_span(tok, by_token) -> bool:
        """"Palestinian riots" coded as one actor span: the last word of a
        longer span can still be the event noun (its modifier is the actor)."""
        return any(m.token_end - 1 == tok.i and m.token_end - m.token_start > 1 for m in by_token[tok.i])

    def _governed_by_match(self, tok, p: Pattern, consumed: dict[int, str]) -> bool:
        """A noun that is the object of a matched verb is coded by that verb; but
        not joint work named as the manner of a verb of another type, with its
        own partner ("arrested them in coordination with Y": an arrest, and
        working with Y). Talks or a visit in such a phrase are only the scene
        ("agreed to a mediation in the talks with Y"). Criticism a verb only receives
        ("met with objections from X") is coded by the noun."""
        head = tok.head
        if "recipient" in p.targets:
            return False
        if tok.dep_ in ("dobj", "nsubjpass", "attr") and head.i in consumed:
            return True
        if tok.dep_ != "pobj" or head.head.i not in consumed or head.lower_ in TIME_OF_MEETING:
            return False  # "condemned Y after talks with Z": the talks are an act of their own
        plover = self.ontology.plover_of(p.cameo)
        own_partner = any(c.dep_ == "prep" and c.lower_ in p.targets for c in tree.children(tok))
        return not (head.lower_ == "in" and own_partner and plover == "COOPERATE"
                    and consumed[head.head.i] != plover)

    # -- arguments -------------------------------------------------------------
    def _events(self, match: Match, ctx: Context, sent, index: int, article: Article,
                by_token, at: dict, pairs=None) -> list[Event]:
        """The match's events; `pairs` are a noun's parties, already found."""
        p, tok = match.pattern, match.trigger
        if p.promised_only and ctx.modality not in (Modality.FUTURE, Modality.HYPOTHETICAL, Modality.CONDITIONAL):
            return []  # "retaliated with tariffs": the tariffs, not the word, are the act
        if pairs is None:
            pairs = self.args.verb_pairs(tok, p, match.obj, ctx, by_token, at)
        if not pairs:
            return []
        date, date_source, date_text = event_date(sent, tok, article)
        out: list[Event] = []
        for src, tgt, primary in pairs:
            if p.needs_place and tgt.mention is None and not _names_place(tok):
                continue  # "came to our forces": a move, not a visit to anyone or anywhere
            if tgt.mention is None and self.ontology.plover_of(p.cameo) == "ACCUSE":
                tgt = home_authorities(src, self.words["domestic_critics"]) or tgt
            if p.untargeted and _own_ground(src, tgt):
                tgt = Arg(None, "direct")  # "sent troops to its own border": no recipient
            cameo = p.cameo if tgt.mention is not None or not p.untargeted else p.untargeted
            if p.about_other and about_another(tok, src, lambda t: self.args.actors(t, by_token),
                                               lambda t: t.i in by_token, self.words["pronouns"]):
                cameo = p.about_other
            base = self._event(article, sent, index, match, cameo, src, tgt, ctx.modality, ctx.negated,
                               date, date_source, date_text, p.id)
            out.append(base)
            if primary:
                out.extend(self._derived(base, match, ctx, src, tgt, article, sent, index, by_token,
                                         date, date_source, date_text))
        if (date_source == "sentence" and dates.before_window(date_text, article.date)) \
                or tally(sent, tok, article):
            # "in 2018 X attacked Y", "last November X pledged": recalled, not the news
            out = [replace(e, modality=Modality.BACKGROUND) if e.modality == Modality.ASSERTED else e
                   for e in out]
        return out

    def _derived(self, base: Event, match: Match, ctx: Context, src: Arg, tgt: Arg,
                 article, sent, index, by_token, date, date_source, date_text) -> list[Event]:
        """Intent (AGREE/THREATEN), refusal (REJECT) and demand (REQUEST) events."""
        m = self.tables
        plover = base.plover
        coop = self.ontology.is_cooperative(plover)
        if ctx.refuse and coop and plover in m.refusal:
            return [self._event(article, sent, index, match, m.refusal[plover], src, tgt, Modality.ASSERTED,
                                False, date, date_source, date_text, f"refusal:{base.pattern}",
                                factor=0.8)]
        if ctx.obligation and ctx.speaker is not None:
            speakers = self.args.actors(ctx.speaker, by_token)
            return [self._event(article, sent, index, match, m.demand[plover], s, src, Modality.ASSERTED,
                                False, date, date_source, date_text, f"demand:{base.pattern}",
                                factor=0.85)
                    for s in speakers if s.mention is not None and src.mention is not None
                    and s.mention.actor.code != src.mention.actor.code]
        # "we will talk them into it", "would invest in projects": a joint act with no partner
        # named is offered to, or withheld from, no one ("vowed to fight" still threatens)
        if not ctx.derive_intent or (coop and match.pattern.symmetric and tgt.mention is None):
            return []
        if ctx.negated:
            if not coop or plover not in m.refusal:
                return []
            return [self._event(article, sent, index, match, m.refusal[plover], src, tgt, Modality.ASSERTED,
                                False, date, date_source, date_text, f"refusal:{base.pattern}",
                                factor=0.85)]
        if ctx.prepare and self.ontology.plover[plover].preparation:
            return [self._event(article, sent, index, match, m.preparation, src, tgt, Modality.ASSERTED, False,
                                date, date_source, date_text, f"prepare:{base.pattern}", factor=0.9)]
        if ctx.possible and coop:
            return []  # "X said it could send aid": not yet an offer
        goal = "AGREE" if coop else "THREATEN"
        table = m.intent[goal]
        if plover not in table:
            return []
        return [self._event(article, sent, index, match, table[plover], src, tgt, Modality.ASSERTED, False,
                            date, date_source, date_text, f"intent:{base.pattern}", factor=0.9)]

    def _event(self, article: Article, sent, index: int, match: Match, cameo: str, src: Arg,
               tgt: Arg, modality: Modality | str, negated: bool, date, date_source, date_text,
               pattern_id: str, factor: float = 1.0) -> Event:
        return record(self.ontology, article, sent, index, match, cameo, src, tgt, modality, negated,
                      (date, date_source, date_text), pattern_id, factor)


# -- helpers -----------------------------------------------------------------
def _has_aux(verb, lemmas) -> bool:
    """Does the verb have an auxiliary among `lemmas` ("will", "would", ...)?"""
    return any(c.dep_ == "aux" and c.lemma_.lower() in lemmas for c in tree.children(verb))


def _of_objects(tok):
    """The objects of a noun's "of" phrases ("the activation of a standby force")."""
    return [o for c in tree.children(tok) if c.dep_ == "prep" and c.lower_ == "of"
            for o in tree.children(c) if o.dep_ == "pobj"]


def _names_place(tok) -> bool:
    """Does a preposition of the trigger name a place ("returned to Geneva")?"""
    return any(o.ent_type_ in ("GPE", "LOC", "FAC") for c in tree.children(tok) if c.dep_ == "prep"
               for o in tree.children(c) if o.dep_ == "pobj")


def _own_ground(src: Arg, tgt: Arg) -> bool:
    """Is the target the source's own country as a place ("sent troops to Mexico's
    northern border" by Mexico)? Then nobody receives the act: a deployment, a drill
    or a test at home, not aid to or cooperation with anyone."""
    if src.mention is None or tgt.mention is None:
        return False
    s, t = src.mention.actor, tgt.mention.actor
    return t.sector is None and t.country is not None and t.country == s.country and t.kind in PLACE_KINDS


def _rank(e: Event) -> tuple:
    """Which of two events with the same id to keep: asserted, not negated, confident."""
    return (e.modality == Modality.ASSERTED, not e.negated, e.confidence)


def _quote_speaker(quoted, tok):
    """The speaker's token of the direct quote the trigger is in, if any."""
    return next((tok.doc[head] for start, end, head in quoted if start <= tok.idx < end), None)


_DEFINITE = frozenset({"the", "this", "that", "these", "those"})


def _act_anaphora(doc, events: list[Event], by_token) -> list[Event]:
    """"Opposition lawmakers denounced the extension", "Greece supported the call":
    a definite object naming an act the article has already coded ("extending his
    term", "called for") refers to that act, so the reaction's target is that act's
    source; only untargeted events change, and only toward the latest such act in
    the three sentences before. With no such act, a thing named before with its
    owner ("rejected the resolution" after "a resolution in the U.S. Congress")
    makes its owner the target (noun_anaphora.py). A joint act ("A, along with B and
    C, called for Z") is one act: the reaction targets its first-named author only,
    one event, not one per author."""
    out = []
    for e in events:
        obj = _definite_object(doc, e) if e.target is None and e.source is not None else None
        antecedents = [a for a in events if obj is not None and a.source is not None
                       and e.sentence_index - 3 <= a.sentence_index <= e.sentence_index
                       and a.trigger_end <= e.trigger_start and a.source.code != e.source.code
                       and _same_act(obj, doc, a)]
        owner = owner_of_earlier_mention(obj, e.sentence_index, by_token, e.source) \
            if obj is not None and not antecedents else None
        if not antecedents and owner is None:
            out.append(e)
            continue
        last = max((a.sentence_index for a in antecedents), default=None)
        sources = [_lead_author([a for a in antecedents if a.sentence_index == last], by_token)] \
            if antecedents else [owner]
        for actor in sources:
            out.append(replace(e, target=actor, id=event_id(e.article_id, e.sentence_index, e.trigger_start,
                                                            e.plover, e.source.code, actor.code)))
    return out


def _lead_author(acts: list[Event], by_token):
    """The author of the latest antecedent act named first in its sentence (the
    head of "A, along with B and C"); a tie or no mention found keeps the first act's."""
    def first_named(a: Event) -> int:
        return min((i for i, ms in by_token.items() for m in ms
                    if m.sentence_index == a.sentence_index and m.actor.code == a.source.code), default=1 << 30)

    return min(acts, key=lambda a: (a.trigger_start, first_named(a))).source


def _definite_object(doc, e: Event):
    """The verb trigger's direct object when it is a bare definite noun ("the call")."""
    span = doc.char_span(e.trigger_start, e.trigger_end, alignment_mode="expand")
    if span is None or span[0].pos_ != "VERB":
        return None
    obj = next((c for c in tree.children(span[0]) if c.dep_ == "dobj" and c.pos_ == "NOUN"), None)
    if obj is None or not any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in tree.children(obj)):
        return None
    return None if any(c.dep_ in ("poss", "prep", "compound", "acl", "relcl") for c in tree.children(obj)) else obj


def _same_act(obj, doc, antecedent: Event) -> bool:
    """Does the noun name the antecedent's act ("extension" / "extending")? Words
    sharing a stem of at least four letters and most of the shorter word."""
    span = doc.char_span(antecedent.trigger_start, antecedent.trigger_end, alignment_mode="expand")
    noun = obj.lemma_.lower()
    for tok in span or ():
        word = tok.lemma_.lower()
        if tok.pos_ not in ("VERB", "NOUN"):
            continue
        n = next((i for i, (x, y) in enumerate(zip(noun, word)) if x != y), min(len(noun), len(word)))
        if n >= max(4, 0.6 * min(len(noun), len(word))):
            return True
    return False
