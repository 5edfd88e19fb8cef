"""The pieces the argument finder works with: `Arg` (an actor mention and how
the parse reached it), the parse tests it asks of a clause (its tokens, its
companions, a venue, an unlabelled subject, the unnamed patient of an act) and
the operations on lists of arguments (dedupe by actor, symmetric pairs, the own
half of a coalition, unnamed groups taken as the source's compatriots, a second
actor sharing a coded head, the country a country-less mention takes from its
own phrase).
Apart from `event_args.py` so that the rules of who did what to whom read
without these helpers in between."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from itertools import permutations
from typing import TYPE_CHECKING

from . import tree
from ..types import Actor, Mention

if TYPE_CHECKING:
    from .patterns import Pattern

#: Prepositions that place an event ("in Haiti", "into Lebanon").
LOCATIVE_PREPS = frozenset({"in", "at", "into", "inside", "near", "across", "throughout", "within"})
#: Actor kinds that name a place as well as an actor.
PLACE_KINDS = frozenset({"country", "capital"})
#: Prepositions of what a report or claim is about ("a report on X's tests").
REPORTED_PREPS = frozenset({"on", "about", "of", "into", "over"})
#: Clauses that describe a noun ("the demonstration staged by students to protest
#: X"): what they name is not a participant of the act the noun is the object of.
NOUN_CLAUSES = frozenset({"acl", "relcl"})


@dataclass(frozen=True, slots=True)
class Arg:
    """An argument found in the parse: the actor mention and how it was reached."""

    mention: Mention | None
    how: str


def clause_tokens(tok, circumstance: frozenset[str] = frozenset()):
    """Tokens under the trigger, breadth first, leaving out its subject, the
    clauses that describe nouns, scene-setting prepositional phrases and the
    coordinated clauses with a subject of their own ("attended the meeting, but
    his mission criticized X": X is not a party to the meeting; an "unless X ..."
    clause stays, it names whom a threat is about). A verb coordinated with a
    trigger that has its own object is another act of the same subject, with
    its own parties ("voiced concern over the drought and told X it would
    help": X is whom it told, not what the concern is about); without one,
    or with a preposition left without its object ("restored ties with and
    reopened a consulate in X"), the two verbs share the object ("rejected
    and condemned X")."""
    def keep(c) -> bool:  # "ahead of X" is parsed as an adverb with an "of" phrase
        return c.dep_ not in NOUN_CLAUSES and not (
            c.dep_ in ("prep", "advmod") and c.lower_ in circumstance) and not (
            c.dep_ in ("conj", "parataxis") and any(g.dep_ in ("nsubj", "nsubjpass") for g in tree.children(c)))

    out = []
    objects = [c for c in tree.children(tok) if c.dep_ == "dobj"]
    stranded = any(p.dep_ == "prep" and not any(o.dep_ in ("pobj", "pcomp") for o in tree.children(p))
                   for h in [tok, *objects] for p in tree.children(h))
    own_object = bool(objects) and not stranded
    frontier = [c for c in tree.children(tok) if c.dep_ not in ("nsubj", "nsubjpass", "agent", "csubj") and keep(c)
                and not (own_object and c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))]
    while frontier:
        t = frontier.pop(0)
        out.append(t)
        frontier.extend(c for c in tree.children(t) if keep(c))
    return out


def target_optional(tok, obj) -> bool:
    """May a pattern that needs a target go without one here? Yes when the
    object names an act to be done ("its commitment to support the police"),
    or when the trigger is an infinitive under another verb ("vowed to fight"):
    there the governing verb makes the event (a vow, a threat), which has its
    content with no party named."""
    if obj is not None and any(c.dep_ in ("acl", "xcomp") and c.pos_ in ("VERB", "AUX") for c in tree.children(obj)):
        return True
    return tok.dep_ == "xcomp" or any(c.dep_ == "aux" and c.lower_ == "to" for c in tree.children(tok))


def companions(subj, verb) -> list:
    """Co-doers joined to the subject by "along with", "together with" or "as well as"
    ("Chile, along with Peru and Bolivia, urged ..."): the parser hangs
    them on the subject or the verb as a prepositional phrase, not as conjuncts."""
    out = []
    for h in (subj, verb):
        for c in tree.children(h):
            low = c.lower_
            if low in ("along", "together") and c.dep_ in ("prep", "advmod"):
                preps = [w for w in tree.children(c) if w.lower_ == "with"]
            elif low == "with" and c.dep_ == "prep" and any(w.lower_ in ("along", "together")
                                                             for w in tree.children(c)):
                preps = [c]
            elif low == "as" and c.dep_ in ("cc", "prep") and any(w.lower_ == "well" for w in tree.children(c)):
                preps = [c]
            else:
                continue
            out += [o for w in preps for o in tree.children(w) if o.dep_ == "pobj"]
    return out


def unlabelled(subjects: list) -> list:
    """"VOA: Putin visited China": an interview's speaker label opening the sentence is
    taken by the parser for the subject, with the real subject in apposition to it or
    as a second subject; the label is dropped when something else is the subject."""
    out = []
    for c in subjects:
        if c.left_edge.i == tree.sentence_start(c) and c.i + 1 < len(c.doc) and c.doc[c.i + 1].text == ":":
            out += [a for a in tree.children(c) if a.dep_ == "appos" and a.i > c.i + 1]
        else:
            out.append(c)
    return out or subjects


def marked(clause, word: str) -> bool:
    """Is the clause introduced by this subordinator ("that", "for")?"""
    return any(m.dep_ == "mark" and m.lower_ == word for m in tree.children(clause))


def about_another(tok, source: Arg, actors_of, named, pronouns: frozenset[str]) -> bool:
    """Does the trigger's "that" clause say what a thing or an act of another
    party does or will do ("warned that the ministry's plan would split the
    coalition", "warned that other states could leave")? Not when its subject
    is a party itself ("warned that Y would pay a price": a threat to Y), the
    source's own (one of its country, "its troops") or a pronoun ("warned that
    it will retaliate"). `actors_of(token)` gives the actor arguments a phrase
    names, `named(token)` whether an actor mention covers the token itself."""
    clause = next((c for c in tree.children(tok) if c.dep_ == "ccomp" and marked(c, "that")), None)
    subj = next((c for c in tree.children(clause) if c.dep_ in ("nsubj", "nsubjpass")), None) if clause else None
    if subj is None or subj.lower_ in pronouns or source.mention is None or named(subj) \
            or any(c.dep_ == "poss" and c.lower_ in pronouns for c in tree.children(subj)):
        return False
    own = source.mention.actor
    return not any(a.mention.actor.code == own.code or (own.country and a.mention.actor.country == own.country)
                   for a in actors_of(subj))


def venue(m: Mention | None, doc) -> bool:
    """Is the mention a country or capital named as where something happens ("in Lima")?"""
    if m is None or m.actor.kind not in PLACE_KINDS:
        return False
    head = doc[m.token_end - 1]
    return head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS


def key(m: Mention | None):
    """Identity of a mention (the same span coded as the same actor)."""
    return None if m is None else (m.token_start, m.token_end, m.actor.code)


def dedupe(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        if key(m) not in seen:
            seen.add(key(m))
            out.append(m)
    return out


def unique(args: list[Arg]) -> list[Arg]:
    """Arguments with a mention, each mention once, in order."""
    seen, out = set(), []
    for a in args:
        k = key(a.mention)
        if a.mention is not None and k not in seen:
            seen.add(k)
            out.append(a)
    return out


def symmetric_pairs(sources: list[Arg], targets: list[Arg]) -> list[tuple[Arg, Arg, bool]]:
    """Joint acts: every ordered pair of distinct participants; the pairs that
    start from a subject are primary."""
    people = [a for a in sources + targets if a.mention is not None]
    if len(people) < 2:
        return [(s, Arg(None, "direct"), True) for s in sources if s.mention is not None]
    if not targets:
        return [(a, b, True) for a, b in permutations(people, 2)
                if a.mention.actor.code != b.mention.actor.code]
    pairs = [(s, t, True) for s in sources for t in targets] + [(t, s, False) for s in sources for t in targets]
    return [(a, b, primary) for a, b, primary in pairs if a.mention is not None and b.mention is not None
            and a.mention.actor.code != b.mention.actor.code]


def not_own_half(targets: list[Arg], sources: list[Arg]) -> list[Arg]:
    """One phrase naming several countries ("an inter-Korean office", "the
    US-Japan alliance") is a target only in its parts that are not the source's
    own country: "the North demolished an inter-Korean office" is against the South."""
    own = {a.mention.actor.country for a in sources if a.mention and a.mention.actor.country}
    spans: dict[tuple[int, int], set] = {}
    for t in targets:
        if t.mention is not None:
            spans.setdefault((t.mention.start, t.mention.end), set()).add(t.mention.actor.country)
    return [t for t in targets if t.mention is None or t.mention.actor.country not in own
            or len(spans[(t.mention.start, t.mention.end)]) < 2]


def demand_pair(speaker: Arg, addressee: Arg) -> bool:
    """Is "X said Y must Z" X's demand of Y? Not of X's own side ("both sides must");
    a demand on no one named ("talks must continue") needs a speaker of a known country."""
    s = speaker.mention.actor
    if addressee.mention is None:
        return s.country is not None
    a = addressee.mention.actor
    return s.code != a.code and not same_country(s, a)


def same_country(a, b) -> bool:
    """Two actors of one country: a speaker's demand of it is not a dyad."""
    return a.country is not None and a.country == b.country


def home_authorities(source: Arg, critics: frozenset[str]) -> Arg | None:
    """"Opposition lawmakers denounced the extension", "rights groups criticised the
    move": a country's own critics (opposition, rights groups, civil society; sectors
    in `critics`) who name no target criticise their own country's authorities. A
    critic of no known country yet gets authorities of none, which the article's
    country then places as it places the critic (places.py)."""
    actor = source.mention.actor if source.mention else None
    if actor is None or (actor.sector or "").lower() not in critics or actor.code.startswith(("IGO", "NGO")):
        return None
    home = Actor((actor.country or "---") + "GOV", actor.country, "GOV", None, "group")
    return Arg(dataclasses.replace(source.mention, actor=home), "missing")


def names_country(mentions) -> bool:
    """Do the mentions name a country (or its capital)? "Kenya, Brazil and South
    Africa" is often parsed with Brazil in apposition to Kenya and South Africa
    its conjunct: two countries in apposition are a list, not one actor named twice."""
    return bool(mentions) and all(m.actor.kind in PLACE_KINDS for m in mentions)


def reported_party(noun, content_nouns: frozenset[str], actors_of):
    """"concerned about the latest report on Iran's tests", "voiced alarm over
    reports of X's troop moves": disapproval of what a report or claim is about
    is aimed at the party it is about, not at its author. The noun of the
    report's "on"/"about"/"of" phrase when `actors_of` finds an actor in it,
    else the noun itself (also when it is no report, claim or the like)."""
    if noun.lemma_.lower() not in content_nouns:
        return noun
    about = [o for c in tree.children(noun) if c.dep_ == "prep" and c.lower_ in REPORTED_PREPS
             for o in tree.children(c) if o.dep_ == "pobj" and actors_of(o)]
    return about[0] if about else noun


#: Sectors of a state's own organs: "the deployment of Chilean troops" is Chile's
#: act, not one done to the troops, so their "of" phrase still names a party.
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "LEG", "JUD"})
#: Endings of nouns made from verbs ("deportation", "expulsion", "imprisonment",
#: "removal", "seizure"): their "of" phrase is what the act was done to.
ACT_ENDINGS = ("tion", "sion", "ment", "al", "ure")


def done_to_people(noun, of_args: list[Arg], other_args: list[Arg]) -> bool:
    """"the deportation of Eritrean migrants in Israel": an act named by a
    noun whose "of" phrase names only people it was done to (see
    `_people_of`) while another of its phrases names a party of another country.
    Disapproval of the act is aimed at that party, where the act was done,
    not at the people who underwent it; the "of" phrase is then left out."""
    if not of_args or not noun.lemma_.lower().endswith(ACT_ENDINGS):
        return False
    if not all(_people_of(noun.doc, a.mention) for a in of_args):
        return False
    undergoers = {a.mention.actor.country for a in of_args}
    return any(a.mention is not None and a.mention.actor.country not in undergoers | {None}
               for a in other_args)


def _people_of(doc, m: Mention | None) -> bool:
    """A mention naming people rather than a state or its organs: a group of
    a sector outside the state ("defectors", "activists"), or a plural common
    noun after a nationality ("Eritrean migrants", coded as the country)."""
    if m is None or m.actor.sector in STATE_SECTORS:
        return False
    return m.actor.sector is not None or doc[m.token_end - 1].tag_ == "NNS"


def domestic(targets: list[Arg], sources: list[Arg]) -> list[Arg]:
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
            t = Arg(dataclasses.replace(t.mention, actor=a.in_country(country), confidence=t.mention.confidence * 0.8), "default")
        out.append(t)
    return out


def unnamed_patient(tok, p: Pattern, obj, passive: bool):
    """The phrase the act is done to, when it names no actor ("opponents")."""
    for c in tree.children(tok):
        if c == obj:
            continue
        if c.dep_ in ("dobj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN"):
            return c
        if c.dep_ == "prep" and c.lower_ in p.targets:
            for o in tree.children(c):
                if o.dep_ == "pobj" and o.pos_ in ("NOUN", "PROPN"):
                    return o
    if tok.dep_ == "acl" and tok.tag_ == "VBN":
        return tok.head
    return obj if obj is not None and p.objects and obj.pos_ in ("NOUN", "PROPN") and passive else None


def shared_head(head, direct: list[Mention], by_token) -> list[Arg]:
    """"U.S. and Russian negotiators": a coordinated modifier outside the coded
    span names a second actor of the same kind (USA + the negotiators' GOV);
    so does a conjunct of the "of" phrase of a plural head ("the envoys of
    Chile, Peru and Bolivia": one actor per country listed)."""
    covered = {i for m in direct for i in range(m.token_start, m.token_end)}
    sector = direct[0].actor.sector
    out = []
    shared = [c for c in tree.children(head) if c.dep_ in ("nmod", "compound", "amod", "poss")
              and c.i not in covered and any(x.i in covered for x in tree.conjuncts(c))]
    if head.tag_ in ("NNS", "NNPS"):
        shared += [x for c in tree.children(head) if c.dep_ == "prep" and c.lower_ == "of"
                   for o in tree.children(c) if o.dep_ == "pobj" and o.i in covered
                   for x in tree.conjuncts(o) if x.i not in covered]
    for c in shared:
        for m in by_token.get(c.i, ()):
            a = m.actor
            if a.country and a.sector is None and sector and a.kind in PLACE_KINDS | {"demonym"}:
                a = Actor(a.country + sector, a.country, sector, a.name, a.kind)
            out.append(Arg(dataclasses.replace(m, actor=a), "conj"))
    return out


def with_country(m: Mention, head, by_token) -> list[Mention]:
    """A country-less mention takes the actor of a fuller mention inside the
    same phrase ("British Defence Secretary Tom King" where only "King" was
    coded as a title), or the country of a possessor, adjective, apposition
    or place in it ("President Suharto's government", "Sidhoum, Algeria's
    leading activist", "forces in Guinea"); places listed give one actor
    each ("officials in Belgium, Germany and Italy", "officials in charge
    of trade in Belgium and Italy")."""
    if m.actor.country is not None or m.actor.kind in ("igo", "ngo") or not m.actor.sector:
        return [m]
    for c in tree.children(head):
        if c.dep_ in ("amod", "compound", "poss", "nmod"):
            cands = [c]
        elif c.dep_ == "appos":
            cands = [c, *[x for x in tree.children(c) if x.dep_ in ("poss", "amod", "compound")]]
        elif c.dep_ == "prep" and c.lower_ in ("in", "of", "from"):
            cands = _listed_places(c, by_token)
        else:
            continue
        found: dict[str, Mention] = {}
        for x in cands:
            for other in by_token.get(x.i, ()):
                if other is m or not other.actor.country:
                    continue
                if other.actor.kind == "person" and other.token_end == m.token_start:
                    return [dataclasses.replace(other, start=min(m.start, other.start), end=m.end,
                                                token_end=m.token_end,
                                                text=head.doc[other.token_start:m.token_end].text)]
                found.setdefault(other.actor.country, dataclasses.replace(
                    m, actor=m.actor.in_country(other.actor.country), confidence=m.confidence * 0.9))
        if found:
            return list(found.values())
    return [m]


def _listed_places(prep, by_token) -> list:
    """The objects of a phrase of place with their conjuncts ("in Belgium, Germany
    and Italy"); through a role phrase naming no actor ("in charge of trade in X")."""
    objs = [o for o in tree.children(prep) if o.dep_ == "pobj"]
    if objs and not any(o.i in by_token for o in objs):
        objs += [x for o in objs for c in tree.children(o) if c.dep_ == "prep" and c.lower_ == "in"
                 for x in tree.children(c) if x.dep_ == "pobj"]
    return [x for o in objs for x in (o, *o.conjuncts)]
