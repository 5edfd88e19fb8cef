"""What the clause around a trigger says about the event: negation, futures,
conditions, purposes, reported speech, requests and allegations.

The event coder asks one question per trigger: did this happen, as far as the
sentence asserts? The answer (a `Context`) reads the trigger's own clause here,
then walks up the dependency tree from the trigger through clausal links (xcomp,
ccomp, acl, advcl, conj, ...; `clause_climb.py`) and stops at the first word
that decides: a negating verb ("refused to"), a verb of saying
("said"), a request ("urged X to"), an allegation ("accused X of"), an intention
("plans to", "is ready to") or a condition ("if", "unless"). The word lists live
in data/patterns/modality.yaml.
"""

from __future__ import annotations

from dataclasses import replace

from . import tree
from ..types import Complement
from .clause_climb import Context, Reading, according_to, climb, subject_token
from .triggers import lemma_key

__all__ = ["ClauseReader", "Context"]

#: Word lists of modality.yaml that name governing verbs.
GOVERNOR_LISTS = ("speech_verbs", "intent_verbs", "wish_verbs", "belief_verbs", "request_verbs",
                  "negating_verbs", "allegation_verbs", "inference_verbs", "deliberation_verbs",
                  "purpose_verbs", "object_control_verbs", "preparation_verbs", "forecast_words")

#: Labels of a clause that can be an indirect question ("asked whether ...").
QUESTION_DEPS = frozenset({"ccomp", "csubj", "xcomp", "advcl"})


class ClauseReader:
    """Reads the modality of a trigger's clause (see the module docstring)."""

    def __init__(self, words) -> None:
        self.words = words
        #: the governing verbs the clause rules know, to mend a lemma spaCy got
        #: wrong ("hopes" -> "hop") as the trigger index does
        self.governors = frozenset().union(*(words[name] for name in GOVERNOR_LISTS))

    def context(self, tok, at: dict, quoted=None) -> Context:
        """The modality of `tok`'s clause; `at` maps token indices to the
        sentence's matched triggers (their patterns say "agree to", "refuse to");
        `quoted` is the speaker's token of a direct quote around `tok`, the
        speaker when no verb of saying in the sentence names one. An imperative
        ("Withdraw your troops," X said) is demanded of another, not done: its
        act is hypothetical, its speaker kept for the demand itself."""
        ctx = self._context(tok, at, quoted)
        return replace(ctx, modality="hypothetical", derive_intent=False) if is_command(tok) else ctx

    def _context(self, tok, at: dict, quoted=None) -> Context:
        r = self._own_clause(tok)
        decided = self._around(tok, at, r)
        if decided is None:
            decided, cur = climb(self, tok, at, r, quoted)
        if decided is not None:
            return decided
        if self._commentator(according_to(cur)) or (r.speaker is None and self._commentator(quoted)) \
                or (r.speaker is None and self._commentator(self._reporter(tok))):
            # "according to analysts, X wants to Z"; what an analyst says is his opinion
            # however its clauses hang together ("X, a fellow at V, said that although Y
            # and W are concerned ...", "... where Y might go if W," said X)
            return Context("hypothetical", r.negated)
        speaker = r.speaker if r.speaker is not None else self._parenthetical_speaker(cur)
        speaker = quoted if speaker is None else speaker
        if r.obligation and speaker is None:
            return Context("hypothetical", r.negated)
        return Context(r.modality, r.negated,
                       (r.derive and r.modality in ("future", "conditional")) or r.possible,
                       r.derive_from, r.obligation, speaker, prepare=r.prepare,
                       quoted=quoted is not None, possible=r.possible)

    def _own_clause(self, tok) -> Reading:
        """What the trigger's own clause says: negation, modal auxiliaries, a condition."""
        w, r = self.words, Reading(negated=self.negated(tok))
        auxes = {c.lemma_.lower() for c in tree.children(tok) if c.dep_ in ("aux", "auxpass")}
        if auxes & w["future_aux"]:
            r.modality, r.derive = "future", True
        elif auxes & w["obligation_aux"] or self.obliges(tok):
            r.modality, r.obligation = "hypothetical", True
        elif auxes & w["hypothetical_aux"]:
            r.modality = "hypothetical"
        if self._condition_child(tok) and not self._past(tok, auxes):
            # "will retaliate if": a conditional intention; "would send troops if": a hypothesis
            # ("urged Y to Z if Y wants W", "asked Y if he agreed": the urging and asking happened)
            # (a main clause: "said they would meet if ..." reports a conditional offer)
            hypothesis = "would" in auxes and tok.dep_ not in ("ccomp", "xcomp", "conj")
            r.modality, r.derive = ("hypothetical", False) if hypothesis else ("conditional", True)
        return r

    def _around(self, tok, at: dict, r: Reading) -> Context | None:
        """What decides before any climb: the trigger in a condition, a time or
        purpose clause, a recalled habit, an indirect question."""
        negated = r.negated
        if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in self.words["condition_marks"]
                                       for c in tree.children(tok)):
            return Context("hypothetical", negated)
        if self._prospective(tok):
            return Context("future", negated)  # "ahead of upcoming drills": not yet held
        if self._standing(tok):
            return Context("background", negated)  # "our defense treaty with Y": a bond, not news
        if self._described(tok):
            return Context("background", negated)  # "X, which worked with Y, ...": told about X
        if self._background(tok) and self._news_above(tok, at) and not _own_meeting(tok, at):
            return Context("background", negated)  # "after rebels shot down a helicopter"
        if self._purpose(tok, at) or (tok.dep_ == "pobj" and self._purpose(_verb_above(tok), at)):
            # "staged a strike to demand X": an aim; "delayed the vote to allow time for
            # talks": the talks are what the delay was for
            return Context("hypothetical", negated)
        if self.recalled(tok):
            return Context("background", negated)  # "was once invited", "always condemns"
        doc, deps = tok.doc, tree.labels(tok.doc)
        if any(self._question(doc[i]) for i in tree.path(tok) if deps[i] in QUESTION_DEPS):
            return Context("hypothetical", negated)  # "unclear whether X will Z", "asked if X agreed"
        if _yes_no_question(tok.doc, *tree.sentence_bounds(tok)):
            return Context("hypothetical", negated)  # an interviewer's "Did X attack Y?"
        return None

    def _reporter(self, tok):
        """The speaker of the nearest verb of saying above `tok`, however far."""
        verb = next((a for a in tok.ancestors if a.pos_ == "VERB"
                     and a.lemma_.lower() in self.words["speech_verbs"]), None)
        return self.speaker(verb) if verb is not None else None

    def _parenthetical_speaker(self, clause):
        """"Chile said, we are ready for talks": a verb of saying the parser hangs on the
        clause it reports (parataxis) names that clause's speaker."""
        for c in tree.children(clause):
            if c.dep_ == "parataxis" and c.lemma_.lower() in self.words["speech_verbs"]:
                return subject_token(c)
        return None

    def speaker(self, verb):
        """Who says what a reporting verb introduces: its subject, or when it has
        none, the subject of another verb of saying it hangs on ("X says A but
        says Y needs to", "X said talks went well, adding that Y must") or that
        stands just before it ("...," X said, adding that: the parser often hangs
        the participle inside the quote). A participle on an act ("defended the
        plan, saying ...") names no speaker."""
        subj = subject_token(verb)
        cur = verb
        for _ in range(4):
            if subj is not None or cur.dep_ not in ("conj", "advcl", "xcomp", "ccomp") or cur.head == cur:
                break
            cur = cur.head
            if cur.lemma_.lower() in self.words["speech_verbs"]:
                subj = subject_token(cur)
        if subj is None and verb.tag_ == "VBG":
            before = [t for t in verb.doc[max(tree.sentence_start(verb), verb.i - 3):verb.i] if not t.is_punct]
            if before and before[-1].lemma_.lower() in self.words["speech_verbs"]:
                subj = subject_token(before[-1])
        return subj

    def obliges(self, tok) -> bool:
        """Is `tok` a verb of obligation with a to-clause ("Y needs to act")? It
        then says what "must" says; "needs reexamination" (a noun) does not."""
        return tok.lemma_.lower() in self.words["obligation_verbs"] and any(
            c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in tree.children(c))
            for c in tree.children(tok))

    def recalled(self, verb) -> bool:
        """Does the clause set its act before the news or make it a habit? An
        adverb ("was once invited", "previously called", "always condemns"), a
        span of years ("in previous years", "over the years", "for decades") or "since" with an event rather than a date
        ("since the coup", "since then"; a dated "since" is judged against the
        article's date by the event coder), or "already" on a past progressive ("was
        already providing aid": a state under way before the news, not a new act)."""
        w = self.words
        for c in tree.children(verb):
            if c.dep_ == "advmod" and c.lower_ in w["recall_adverbs"] \
                    and not any(g.dep_ in ("cc", "conj") for g in tree.children(c)):  # not "once and for all"
                return True
            if c.dep_ == "advmod" and c.lower_ == "already" and verb.tag_ == "VBG" and any(
                    a.dep_ == "aux" and a.tag_ == "VBD" for a in tree.children(verb)):
                return True
            if c.dep_ != "prep":
                continue
            objects = [o for o in tree.children(c) if o.dep_ in ("pobj", "pcomp")]
            if c.lower_ == "since" and objects and not any(o.ent_type_ in ("DATE", "TIME") for o in objects):
                return True
            if any(self._span_of_years(c, o) for o in objects):
                return True
        return self._years_on_object(verb)

    def _years_on_object(self, verb) -> bool:
        """A span of years the parser hung on the verb's object ("invested in
        vaccines over the past three decades"): a noun is not dated by such a
        span, the act is."""
        nouns = [o for c in tree.children(verb) if c.dep_ in ("dobj", "prep")
                 for o in ([c] if c.dep_ == "dobj" else tree.children(c)) if o.dep_ in ("dobj", "pobj")]
        return any(self._span_of_years(p, o) for n in nouns for p in tree.children(n) if p.dep_ == "prep"
                   for o in tree.children(p) if o.dep_ == "pobj")

    def _span_of_years(self, prep, noun) -> bool:
        """"in previous years", "over the past two decades", "for years", "in the past":
        a stretch of time longer than any news window, up to now."""
        lemma = noun.lemma_.lower()
        mods = {c.lower_ for c in tree.children(noun) if c.dep_ in ("amod", "det")}
        if lemma == "past" and "the" in mods and not list(tree.children(noun))[1:]:
            return True  # "in the past" (not "in the past week": then "week" is the noun)
        if lemma not in self.words["recall_periods"] or noun.tag_ != "NNS":
            return False
        counted = any(c.dep_ == "nummod" for c in tree.children(noun))
        return bool(mods & self.words["recall_modifiers"]) or (
            prep.lower_ in ("for", "over") and not counted)  # "for two years" is a duration

    @staticmethod
    def _past(verb, auxes: set) -> bool:
        """A verb in the simple past or the perfect ("urged", "has asked"), with no
        modal: the act took place, whatever condition hangs on it."""
        return not auxes - {"have", "be", "do"} and (
            verb.tag_ == "VBD" or (verb.tag_ == "VBN" and "have" in auxes))

    def _question(self, clause) -> bool:
        """Is the clause an indirect question ("whether X will Z", "asked if X
        agreed")? It names a possibility, not an act."""
        if clause.dep_ not in QUESTION_DEPS:
            return False
        marks = {c.lower_ for c in tree.children(clause) if c.dep_ == "mark"}
        return "whether" in marks or (clause.dep_ == "ccomp" and "if" in marks)

    @staticmethod
    def asks_question(verb) -> bool:
        """Does "ask" put a question ("asked Y whether/if he agreed") rather than
        ask for an act ("asked Y to leave", "asked for help")? Only its clause marked
        "whether" or "if" says what is asked."""
        children = list(tree.children(verb))
        if any(c.dep_ == "xcomp" or (c.dep_ == "prep" and c.lower_ == "for") for c in children):
            return False
        return any(c.dep_ in ("ccomp", "advcl") and any(m.dep_ == "mark" and m.lower_ in ("whether", "if")
                                                          for m in tree.children(c)) for c in children)

    def _commentator(self, speaker) -> bool:
        """Is the speaker an analyst, scholar or expert ("analysts say", "said X, a
        professor at Y University")? News coders code no commentator's opinion."""
        if speaker is None:
            return False
        w = self.words
        if speaker.lemma_.lower() in w["commentator_nouns"]:
            return True
        if any(c.dep_ == "poss" and c.ent_type_ == "ORG" and c.lemma_.lower() in w["institution_nouns"]
               for c in tree.children(speaker)):
            return True  # "the X Institute's Ruiz"
        for appos in (c for c in tree.children(speaker) if c.dep_ == "appos"):
            if appos.lemma_.lower() in w["commentator_nouns"]:
                return True
            if any(t.lemma_.lower() in w["institution_nouns"] and (t.ent_type_ == "ORG" or t.tag_ == "NNP")
                   for t in appos.subtree):
                return True  # "a senior director at the X Institute" (a name the tagger missed)
        return False

    def _standing(self, tok) -> bool:
        """Does a noun name a bond already known ("the deal between X and Y", "our
        treaty with Y") rather than announce one ("a deal between", "the new pact",
        "the deal reached on Monday")? Definite or possessed, with nothing saying it
        is new."""
        w = self.words
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in w["standing_nouns"]:
            return False
        children = list(tree.children(tok))
        if any(c.dep_ in ("acl", "relcl") or c.lower_ in w["news_modifiers"] for c in children):
            return False
        return any((c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those"))
                   or c.dep_ == "poss" for c in children)

    def _prospective(self, tok) -> bool:
        """Is a nominal event still to come ("the upcoming drills", "ahead of
        the summit", "before next week's talks")?"""
        if tok.pos_ not in ("NOUN", "PROPN"):
            return False
        w = self.words
        if any(c.dep_ in ("amod", "compound") and c.lower_ in w["prospective_modifiers"] for c in tree.children(tok)):
            return True
        if any(c.dep_ == "poss" and any(g.lower_ in w["prospective_modifiers"] for g in tree.children(c))
               for c in tree.children(tok)):
            return True  # "next week's talks"
        if tok.dep_ != "pobj":
            return False
        prep = tok.head
        return prep.lower_ in w["prospective_preps"] or (
            prep.dep_ == "prep" and prep.head.lower_ in w["prospective_preps"])  # "ahead of", "prior to"

    @staticmethod
    def _described(tok) -> bool:
        """Is the act told about a noun rather than reported as news: a past-perfect
        relative clause ("hostages whom they had taken two weeks ago": an earlier act)
        or a past one set off by a comma ("the accord, which X pulled out of", "an
        agency, which also worked with Y") or a past progressive one, the scene of
        another act ("a hotel where officials were meeting")? Background whether or not the rest of the
        sentence reports an act: a sentence that only describes its noun reports none."""
        if tok.dep_ != "relcl":
            return False
        auxes = {c.lower_ for c in tree.children(tok) if c.dep_ == "aux"}
        if tok.tag_ == "VBG" and auxes & {"was", "were"}:
            return True  # "a hotel where officials were meeting": the scene of another act
        return "had" in auxes or (tok.tag_ in ("VBD", "VBN") and _non_restrictive(tok))

    def _background(self, tok) -> bool:
        """Is the act the background of another ("after X did Y", "following
        the killing of Z")? Its clause or noun hangs on a background marker."""
        marks = self.words["background_marks"]
        if tok.dep_ == "advcl":
            return any(c.dep_ == "mark" and c.lower_ in marks for c in tree.children(tok)) or any(
                c.dep_ == "advmod" and c.lower_ == "when" for c in tree.children(tok))
        return tok.dep_ in ("pobj", "pcomp") and tok.head.dep_ == "prep" and tok.head.lower_ in marks

    @staticmethod
    def _news_above(tok, at: dict) -> bool:
        """Does the clause an "after"/"when" act hangs on report an act of its own?
        "Chile recalled its envoy a day after Peru expelled two diplomats": the
        recall is the news, the expulsion its background. "The comments come two
        days after X denounced Y": nothing else in the sentence happened, so the
        act the clause recalls is the news itself."""
        gov = tok.head.head if tok.dep_ in ("pobj", "pcomp") else tok.head
        for _ in range(8):  # the clause above and the clauses it hangs on: "urged X to ensure
            # that services continue after Y cut funds" reports the urging
            if gov.i in at or any(c.i in at for c in tree.children(gov)
                                  if c.dep_ in ("xcomp", "ccomp", "conj", "dobj", "nsubj", "nsubjpass")):
                return True
            if gov.head == gov:
                return False
            gov = gov.head
        return False

    def _in_condition(self, noun) -> bool:
        """Is this noun inside an "if"/"unless" clause?"""
        marks = self.words["condition_marks"]
        cur = noun
        for _ in range(8):
            if cur.head == cur:
                return False
            if cur.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in marks for c in tree.children(cur)):
                return True
            cur = cur.head
        return False

    def _purpose(self, tok, at: dict) -> bool:
        """A purpose clause ("to demand reforms", "used tear gas to disperse
        protesters", "a resolution that aims to tighten sanctions") states what an
        act aimed at, not a second act that happened."""
        w = self.words
        for t in [tok, *([tok.head] if tok.dep_ == "conj" else [])]:
            infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in tree.children(t))
            if not infinitive:
                continue
            gov = at.get(t.head.i)
            passive = any(c.dep_ == "auxpass" for c in tree.children(t.head))
            if gov is not None and gov.pattern.complement is not None and not (
                    passive and gov.pattern.complement is Complement.REQUEST):
                return False  # "vowed to fight" (parsed as advcl or xcomp): the complement
                # ("the vote was pushed to Friday to allow talks": no one was urged)
            if t.dep_ in ("advcl", "xcomp") and self._fulfilled(t):
                return False
            if t.dep_ == "advcl":
                return True
            if t.dep_ != "xcomp":
                continue
            glemma = lemma_key(t.head, self.governors)
            if gov is not None or glemma in w["purpose_verbs"]:
                return True
            controlled = (glemma in w["object_control_verbs"] or glemma in w["intent_verbs"]
                          or glemma in w["request_verbs"] or glemma in w["negating_verbs"])
            if not controlled and any(c.dep_ == "dobj" for c in tree.children(t.head)):
                return True  # "V something to Z": Z is what V was for
            if not controlled and glemma not in w["speech_verbs"] and \
                    any(c.dep_ == "auxpass" for c in tree.children(t.head)):
                return True  # "the vote was delayed to allow talks" (not "was said to")
        return False

    def _fulfilled(self, t) -> bool:
        """A meeting that a journey was for ("flew to Lima to meet Y", "was in
        Seoul to hold talks with Y"), or the lobbying a meeting was for ("met
        officials in Brussels to lobby the EU"): news names a trip's purpose for what was
        done there, so whether it happened is the journey's to say (the climb
        reads "will fly to Lima to meet Y" as future). The journey needs a place
        ("in Seoul", "to Lima", "visited Peru": "is going to meet" is a future)
        and the meeting a partner ("flew to Lima to discuss trade": with whom,
        the sentence does not say). Not a meeting called to discuss something:
        the conveners need not be each other's partners there."""
        w, gov = self.words, t.head
        if gov.pos_ not in ("VERB", "AUX") or not (self._convened(t) or t.lemma_.lower() in w["meeting_purposes"]):
            return False
        heads = [t, *(c for c in tree.children(t) if c.dep_ == "dobj")]  # "to hold talks with Y"
        # "meet Y": the object is the partner; "discuss Y": the topic, unless a name
        partner = any((c.dep_ == "prep" and c.lower_ in ("with", "to"))
                      or (c.dep_ == "dobj" and (c.pos_ == "PROPN" or h.lemma_.lower() == "meet"))
                      for h in heads for c in tree.children(h))
        glemma = gov.lemma_.lower()
        return partner and glemma in w["journey_verbs"] and any(
            (c.dep_ == "prep" and any(o.dep_ == "pobj" for o in tree.children(c)))
            or (c.dep_ == "dobj" and glemma == "visit") for c in tree.children(gov))

    def _convened(self, verb) -> bool:
        """"hold talks", "convene a meeting": a verb of convening with a meeting as its object."""
        w = self.words
        return verb.lemma_.lower() in w["convening_verbs"] and any(
            c.dep_ == "dobj" and c.lemma_.lower() in w["meeting_nouns"] for c in tree.children(verb))

    def _wanted(self, noun, at: dict) -> bool:
        """Is the noun what someone asks for or wants ("called for a government
        that ...", "demands a deal which ...")? What its relative clause says is
        part of the wish, not a fact."""
        verb = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "for" else noun.head
        if noun.dep_ not in ("dobj", "pobj") or verb.pos_ not in ("VERB", "AUX"):
            return False
        match = at.get(verb.i)
        w = self.words
        return (match is not None and match.pattern.complement is Complement.REQUEST) or \
            verb.lemma_.lower() in w["request_verbs"] or verb.lemma_.lower() in w["wish_verbs"]

    def negated(self, tok) -> bool:
        """"did not sign", "never met", "held no talks", "no deadline was set"."""
        neg = self.words["negation_words"]
        for c in tree.children(tok):  # one pass: asked for every trigger and clause above it
            dep = c.dep_
            if dep == "neg":
                return True
            if dep in ("advmod", "det"):
                low = c.lower_
                if low in neg or (dep == "advmod" and low == "longer"
                                  and any(g.lower_ == "no" for g in tree.children(c))):
                    return True  # ("will no longer recognize")
            elif dep in ("dobj", "nsubjpass") and any(g.dep_ == "det" and g.lower_ in neg
                                                      for g in tree.children(c)):
                return True
        return False

    def negated_noun(self, noun) -> bool:
        """"no discussions", "no plan": a noun its determiner denies."""
        return any(c.dep_ == "det" and c.lower_ in self.words["negation_words"] for c in tree.children(noun))

    def _condition_child(self, tok) -> bool:
        marks = self.words["condition_marks"]
        return any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in marks for m in tree.children(c))
                   for c in tree.children(tok))

    def embedded(self, tok, at: dict) -> list:
        """Matched triggers in the clausal complement of `tok` (xcomp/ccomp and their conj)."""
        found = []
        for c in tree.children(tok):
            infinitive = c.dep_ == "advcl" and any(x.dep_ == "aux" and x.lower_ == "to" for x in tree.children(c))
            if c.dep_ in ("xcomp", "ccomp") or infinitive or \
                    (c.dep_ == "dobj" and c.lemma_ in self.words["intent_nouns"]):
                for t in [c, *tree.conjuncts(c)]:
                    if t.i in at:
                        found.append(t)
                    for cc in tree.children(t):
                        if cc.dep_ in ("acl", "xcomp") and cc.i in at:
                            found.append(cc)
                        elif cc.dep_ == "dobj" and cc.i in at and at[cc.i].pattern.kind == "noun":
                            found.append(cc)  # "promised to continue aid"
        return found

    def suggests_only(self, tok) -> bool:
        """"X suggested (that) the base could be used for Y", "hinted that Z might
        come": saying something is possible, not proposing or signalling an act;
        "suggested that Y should Z" asks it of Y (the demand event codes that)."""
        w = self.words
        modal = w["hypothetical_aux"] | w["obligation_aux"]
        # the clause first: asked for every verb trigger, few have a "that" clause, and
        # `lemma_key` tries the word's de-inflections when its lemma is no governor
        return any(
            c.dep_ == "ccomp" and any(a.dep_ == "aux" and a.lemma_.lower() in modal for a in tree.children(c))
            for c in tree.children(tok)) and lemma_key(tok, self.governors) in w["inference_verbs"]

    def no_comment(self, tok) -> bool:
        comment = self.words["comment_verbs"]
        return any(c.dep_ in ("xcomp", "advcl") and c.lemma_.lower() in comment for c in tree.children(tok))


def commands(sent) -> list:
    """The imperative verbs heading the sentence or its quoted clause ("Get the
    gunmen out of Y.", "“Stop the drills,” X said"): a bare verb first in its
    clause, with no subject, auxiliary or marker of its own."""
    heads = [sent.root] + [c for c in tree.children(sent.root) if c.dep_ == "ccomp"]
    return [verb for verb in heads if is_command(verb)]


def is_command(verb) -> bool:
    """Is the verb an imperative heading its sentence or a clause quoted in it:
    a bare verb first in its clause, with no subject, auxiliary or marker, and
    nothing but punctuation (a quote mark, a colon) before it?"""
    if verb.tag_ != "VB" or not (verb.dep_ == "ROOT" or (verb.dep_ in ("ccomp", "advcl") and verb.head.dep_ == "ROOT")):
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "expl", "mark", "neg") for c in tree.children(verb)):
        return False
    words = [t for t in verb.subtree if not t.is_punct and t.lower_ != "please"]
    if not words or words[0] != verb:
        return False
    before = verb.doc[words[0].i - 1] if words[0].i > tree.sentence_bounds(verb)[0] else None
    return before is None or before.is_punct or before.lower_ == "please"  # not "let free X"


def _non_restrictive(relcl) -> bool:
    """Is the relative clause set off by a comma ("X, which did Y")? It adds a
    fact about its noun rather than picking the noun out."""
    first = min(t.i for t in relcl.subtree)
    return first > 0 and relcl.doc[first - 1].text == ","

def _verb_above(noun):
    """The verb whose clause a noun in a prepositional phrase belongs to
    ("time for talks" -> "allow" in "to allow time for talks"), else the noun."""
    cur = noun
    for _ in range(6):
        if cur.pos_ in ("VERB", "AUX") or cur.head == cur or cur.dep_ not in ("pobj", "prep", "dobj", "npadvmod"):
            break
        cur = cur.head
    return cur


def _yes_no_question(doc, start: int, end: int) -> bool:
    """Is the sentence a direct yes/no question ("Did X attack Y?", "Will X
    send aid?")? It asks whether the act happened and asserts nothing, as an
    interviewer's turn in a transcript. The sentence (doc[start:end]) ends in a question mark
    and opens with the auxiliary put before its subject; a wh-question ("Why
    did X attack Y?") takes the act as given and is not one."""
    last = end - 1  # read from the end: asked for every trigger
    while last >= start and (doc[last].is_quote or doc[last].is_space):
        last -= 1
    if last < start or doc[last].text != "?":
        return False
    words = [t for t in doc[start:end] if not (t.is_punct or t.is_quote or t.is_space)]
    if not words:
        return False
    first = words[0]
    return first.dep_ in ("aux", "auxpass", "ROOT") and (
        first.tag_ == "MD" or first.lemma_.lower() in ("be", "do", "have")) and any(
        c.dep_ in ("nsubj", "nsubjpass", "expl") and c.i > first.i for c in tree.children(first.head))


def _own_meeting(tok, at: dict) -> bool:
    """"X, after a meeting with Y, told Z to ...": a meeting named by a noun with
    no doer of its own (no owner, name or "by" agent) is one the clause's
    subject held (see noun_args JOINT_SCENE_PREPS), the lead-up to its next
    act in the same news, not an earlier act recalled ("after Peru's talks with
    Y collapsed", "after an attack on Y" stay background)."""
    match = at.get(tok.i)
    if match is None or match.pattern.kind != "noun" or not match.pattern.symmetric or tok.dep_ != "pobj":
        return False
    return not any(c.dep_ == "poss" or (c.dep_ in ("compound", "amod", "nmod") and c.pos_ == "PROPN")
                   or (c.dep_ == "prep" and c.lower_ == "by") for c in tree.children(tok))
