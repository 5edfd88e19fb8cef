"""Plural references for coreference: "they"/"them", "the two sides", "the
two ministers", and the countries named together that such a reference means.

A plural reference means a group, so it is resolved to several mentions at
once, each with its own code: "China and Russia vetoed it. They said ..."
gives CHN and RUS over "They". The group is found in the text ("Japan and
South Korea", "Chinese and Korean diplomats") rather than in the parse, which
often attaches such lists wrongly.
"""

from __future__ import annotations

from . import tree
from .actor_state import SUBJECTS, ArticleState, Found, Pending, country_actor, recent

CONF_PLURAL = 0.7
#: How far back (sentences) a group named together can be "the two sides"; beyond
#: it the last countries named win (a new pair of interlocutors since).
GROUP_WINDOW = 3
#: How a clause hangs from the clause that governs it ("said they would", "vetoed it and they").
CLAUSAL = ("ccomp", "xcomp", "advcl", "conj", "parataxis")
PLURAL_TAGS = ("NNS", "NNPS")


def they(st: ArticleState, item: Pending, history: list[Found], cover: dict[int, list[Found]],
         plural_words: frozenset[str]) -> list[Found]:
    """"they"/"them" are the plural subject just before, and only that:
    the subject of a clause governing the pronoun's own as its complement,
    adverbial clause or conjunct ("China and Russia said they would ...",
    "... vetoed it and they ..."; not a relative clause), else, when no
    clause governs it, the subject of the previous sentence ("China and
    Russia vetoed the resolution. They said ..."). A plural subject is
    several actors named together or one group actor written as a plural
    noun ("the rebels", "Chinese officials"); a single country or person
    is not, and then "they" stays unresolved, as it does when another
    plural noun between them could be meant ("the exercises") or the
    previous sentence names another plural actor."""
    doc = st.doc
    token = doc[item.start]
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head  # the pronoun's own clause: its subject is not the antecedent
    while token.head.i != token.i:
        if token.dep_ not in CLAUSAL:
            return []  # a relative clause ("whom they held") or one under a preposition
        token = token.head
        subjects = [c for c in tree.children(token) if c.dep_ in SUBJECTS]
        if subjects:
            return _plural_subject(st, item, subjects[0], history, cover, None, plural_words)
    first = tree.sentence_start(doc[item.start])
    if first == 0:
        return []
    prev = tree.sentence(doc[first - 1])
    subjects = [c for c in tree.children(prev.root) if c.dep_ in SUBJECTS]
    if not subjects:
        return []
    return _plural_subject(st, item, subjects[0], history, cover, prev, plural_words)


def _plural_subject(st: ArticleState, item: Pending, subject, history: list[Found],
                    cover: dict[int, list[Found]], sentence,
                    plural_words: frozenset[str]) -> list[Found]:
    """The actors of a plural subject token, as mentions over the pronoun;
    `sentence` (the previous one) must name no other plural actor."""
    doc = st.doc
    if subject.i >= item.start:
        return []
    founds = [f for f in cover.get(subject.i, []) if not f.place]
    if not founds:
        return []
    group = coordinated(doc, history, founds[0])
    named_together = any(c.dep_ == "conj" for c in tree.children(subject)) or all(
        (g.start, g.end) == (founds[0].start, founds[0].end) for g in group)
    if len(group) < 2 or not named_together:
        plural = subject.tag_ in PLURAL_TAGS or subject.lower_ in plural_words
        if not plural or founds[0].person or len({f.actor.code for f in founds}) != 1:
            return []
        group = founds[:1]
    spans = {(g.start, g.end) for g in group}
    for t in doc[min(g.start for g in group):item.start]:
        if t.tag_ in PLURAL_TAGS and not any(a <= t.i < b for a, b in spans):
            return []  # "The allies say the drills ..., but X denounced them": the drills?
    if sentence is not None:
        for f in st.found:
            if (sentence.start <= f.start < sentence.end and (f.start, f.end) not in spans
                    and not f.place and not f.person
                    and (doc[f.end - 1].tag_ in PLURAL_TAGS
                         or len(coordinated(doc, history, f)) > 1)):
                return []
    return [Found(item.start, item.end, g.actor, min(g.conf, CONF_PLURAL),
                  antecedent=g.source(doc), kinds=g.kinds) for g in group]


def sides(st: ArticleState, item: Pending, history: list[Found],
          countries: dict[str, str]) -> list[Found]:
    """"the two sides": the latest group of exactly that many countries named
    together ("Japan and South Korea", "Chinese and Korean diplomats"), else
    the one sentence just before that names that many countries (see
    `_one_sentence`), else the last distinct countries named, nearest first,
    places left out. A reference to people ("the two ministers", "the two
    men") first takes the people of that many countries named before its
    sentence (see `_people`), with their own codes."""
    count = item.count
    if item.person_title:
        people = _people(st, item, history)
        if people:
            return people
    chosen: list[Found] = []
    here = st.sent_of[item.start]
    for f in recent(st, history, item.start):
        if here - st.sent_of[f.start] > GROUP_WINDOW:
            break  # an old pair ("Russia and North Korea" a page ago) is not "the two sides"
        group = coordinated(st.doc, history, f)
        if len(group) == count:
            chosen = group
            break
    if not chosen:
        chosen = _one_sentence(st, item, history)
    if not chosen:
        for f in recent(st, history, item.start):
            country = f.actor.country
            if country is not None and not f.place and all(c.actor.country != country for c in chosen):
                chosen.append(f)
                if len(chosen) == count:
                    break
        chosen.reverse()
    if len(chosen) < count:
        return []
    return [Found(item.start, item.end, country_actor(countries, f.actor.country,
                                                item.sector, "country"),
                  CONF_PLURAL, antecedent=f.source(st.doc)) for f in chosen]


def _people(st: ArticleState, item: Pending, history: list[Found]) -> list[Found]:
    """"the two ministers": people named together before its sentence, in
    the text ("Moon and Kim") or in the parse ("Moon and his Japanese
    counterpart Kim", a conjunct the text joiners miss), else the last
    people named from that many countries ("Lu praised both leaders": not Lu)."""
    count = item.count
    here = st.sent_of[item.start]
    before = [f for f in recent(st, history, item.start) if st.sent_of[f.start] != here]
    for f in before:
        group = [g for g in coordinated(st.doc, history, f) if g.person]
        if f.person and len(group) < count:
            group = _conjoined_people(st.doc, history, f)
        if f.person and len(group) == count:
            return [Found(item.start, item.end, g.actor, CONF_PLURAL, antecedent=g.source(st.doc))
                    for g in group]
    people: list[Found] = []
    for f in before:
        if f.person and f.actor.country and all(c.actor.country != f.actor.country for c in people):
            people.append(f)
            if len(people) == count:
                return [Found(item.start, item.end, f.actor, CONF_PLURAL,
                              antecedent=f.source(st.doc)) for f in reversed(people)]
    return []


def _conjoined_people(doc, history: list[Found], f: Found) -> list[Found]:
    """f and the person its words are a conjunct of in the parse ("a meeting
    between Moon and his Japanese counterpart Kim": "counterpart" is a
    conjunct of "Moon"), in text order; [f] when there is none."""
    heads = {doc[i].head.i for i in range(f.start, f.end) if doc[i].dep_ == "conj"}
    heads -= set(range(f.start, f.end))
    for g in history:
        if g.person and g.end <= f.start and any(g.start <= h < g.end for h in heads):
            if g.actor.country != f.actor.country:
                return [g, f]
    return [f]


def _one_sentence(st: ArticleState, item: Pending, history: list[Found]) -> list[Found]:
    """The countries of the nearest sentence before the reference (within
    `GROUP_WINDOW`) that names exactly as many, places included ("exports
    fell in Chile and later in Peru, whose buyer is the US. The three countries ...":
    countries a story names as where something happened are countries all
    the same). A country the reference's own sentence names apart from it is
    not one of the group ("the three countries ... against the Chinese
    threat") and is left out of the count. One mention per country, in text
    order; [] when no sentence names exactly that many."""
    here = st.sent_of[item.start]
    own = {f.actor.country for f in st.found
           if st.sent_of[f.start] == here and not (item.start <= f.start < item.end)}
    by_sentence: dict[int, list[Found]] = {}
    for f in recent(st, history, item.start):
        sent = st.sent_of[f.start]
        if here - sent > GROUP_WINDOW:
            break
        if sent != here and f.actor.country is not None and f.actor.country not in own:
            by_sentence.setdefault(sent, []).append(f)
    for sent in sorted(by_sentence, reverse=True):
        group: list[Found] = []
        for f in sorted(by_sentence[sent], key=lambda f: f.start):
            if all(c.actor.country != f.actor.country for c in group):
                group.append(f)
        if len(group) == item.count:
            return group
    return []


def coordinated(doc, history: list[Found], f: Found) -> list[Found]:
    """The countries named together with f: over the same span ("Chinese and
    Korean diplomats") or next to it across "and", "or", commas ("Japan and
    South Korea"), found in the text rather than the parse, which often
    attaches such lists wrongly. One mention per country, in text order."""
    joiners = {"and", "or", ",", "&", "the", "both", "(", ")"}
    members = [g for g in history if g.start == f.start and g.end == f.end]
    left, right = f.start, f.end
    # Only joiner words lie between g and the group when g ends within
    # the run of joiners before `left` (starts within the run after
    # `right`): found once per move, not by re-reading the words per g.
    reach = _joiners_before(doc, left, joiners)
    for g in reversed(history):
        if reach <= g.end < left:
            members.append(g)
            left = g.start
            reach = _joiners_before(doc, left, joiners)
    reach = _joiners_after(doc, right, joiners)
    for g in history:
        if right < g.start <= reach:
            members.append(g)
            right = g.end
            reach = _joiners_after(doc, right, joiners)
    group: list[Found] = []
    for g in sorted(members, key=lambda g: g.start):
        if (g.actor.country is not None and not g.place
                and all(c.actor.country != g.actor.country for c in group)):
            group.append(g)
    return group


def _joiners_before(doc, i: int, joiners: set[str]) -> int:
    """Start of the run of joiner words that ends at token i."""
    while i > 0 and doc[i - 1].lower_ in joiners:
        i -= 1
    return i


def _joiners_after(doc, i: int, joiners: set[str]) -> int:
    """End of the run of joiner words that starts at token i."""
    while i < len(doc) and doc[i].lower_ in joiners:
        i += 1
    return i
