"""Dates of coded events: the date a trigger's own clause fixes, else the one a
clause above it or an act it is measured from fixes, else the day the lead gave
(for the same speaker, or for the whole story), else the article's.

Apart from the event coder because dating is its own reading of the clause
(which words are the trigger's, which date phrase attaches where) and is
tested on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from . import dates, tree
from .nlp import sentences
from ..types import Actor, Article, Event, Modality


def tally(sent, tok, article: Article) -> bool:
    """Is the trigger's clause dated by a span that began before the news
    window ("in the last 15 months", "since last August", "so far this
    year")? Its acts are a tally or a trend the story recalls. Not "the
    first visit since 2019": the span is the wait before this act, the news."""
    chain = clause_chain(tok)
    for text, start, end in dates.find_dates(sent):
        a = _anchor(sent.doc, start, end)
        if a.verb not in chain or _wait_before(sent.doc[start:end].root):
            continue
        if dates.tally_before_window(text, article.date, cumulative=a.cumulative):
            return True
    return False


def event_date(sent, tok, article: Article):
    """The date expression of the trigger's clause or of a clause above it
    ("agreed on Friday", "..., officials said Friday") or of a nominal
    trigger itself ("last year's summit"), resolved against the article
    date; a date inside a noun phrase elsewhere ("the 1950-53 war",
    "a 2018 accord") is not the event's. Else the article date. An act
    measured from another ("a day after X expelled Y", "two weeks before
    the vote") is dated from that other act's date."""
    anchor = article.date
    measured = _measured(tok)
    if measured is not None:
        main, days, phrase = measured
        value, source, text = event_date(sent, main, article)
        if value is not None:
            return value + dt.timedelta(days=days), "sentence", f"{phrase} {text or ''}".strip()
    chain = clause_chain(tok)
    ranked = []
    for text, start, end in dates.find_dates(sent):
        a = _anchor(sent.doc, start, end)
        if a.root_head == tok.i and a.root_dep in ("poss", "compound", "nmod", "nummod", "amod") and \
                tok.pos_ in ("NOUN", "PROPN"):
            ranked.append((0, start, text))  # the nominal event's own date: "last year's summit"
            continue
        if a.scene_head is not None and a.scene_head in chain:  # "during/ahead of last year's drills"
            ranked.append((20, start, text))
            continue
        if not a.on_verb:
            continue  # a date inside a noun phrase: "the 1950-53 war", "a 2018 accord"
        rank = chain.index(a.verb) if a.verb in chain else 99
        if rank == 99 and a.simultaneous_head in chain:
            rank = 50 + chain.index(a.simultaneous_head)  # "when the war ended in 1995, X decided": 1995
        ranked.append((rank, start, text))
    for _, _, text in sorted(r for r in ranked if r[0] < 99):
        value, how = dates.resolve(text, anchor)
        if value is not None:
            return value, "sentence", text
    if anchor is not None:
        return anchor, "article", None
    return None, "none", None


def clause_chain(tok) -> list[int]:
    """Indices of the trigger and the words above it (eight steps up the parse):
    a date attached to one of them dates the trigger's clause."""
    heads = tree.heads(tok.doc)
    chain = []
    cur = tok.i
    for _ in range(8):
        chain.append(cur)
        if heads[cur] == cur:
            break
        cur = heads[cur]
    return chain


@dataclass(frozen=True, slots=True)
class _Anchor:
    """Where a date expression attaches, as token indices: what every trigger
    of its sentence asks of it (its root's head and label, the scene word
    above it, the verb it dates), read once per document, not once per trigger."""

    root_head: int
    root_dep: str
    scene_head: int | None  # the head of the scene word it hangs from ("during")
    verb: int  # the word it dates: its root's head, or a preposition's head
    on_verb: bool  # that word is a verb and the root an adverbial
    simultaneous_head: int | None  # the clause a "when"/"while" clause it dates hangs on
    cumulative: bool  # "since ...", "so far this year": a tally's span


#: Where a Doc keeps its date anchors, by (start, end) of the expression.
_DOC_ANCHORS = "dyadwatch.date_anchors"


def _anchor(doc, start: int, end: int) -> _Anchor:
    """The anchor of the date expression doc[start:end], made once per document."""
    anchors = tree.kept(doc, _DOC_ANCHORS, lambda d: {})
    found = anchors.get((start, end))
    if found is None:
        found = anchors[(start, end)] = _read_anchor(doc[start:end].root)
    return found


def _read_anchor(root) -> _Anchor:
    scene = _scene(root)
    prep = root.head if root.dep_ == "pobj" and root.head.dep_ == "prep" else None
    verb = prep.head if prep is not None else root.head  # "on Friday" -> on -> verb; "last month" -> verb
    on_verb = verb.pos_ in ("VERB", "AUX") and root.dep_ in ("npadvmod", "pobj", "tmod", "advmod")
    cumulative = (prep is not None and prep.lower_ == "since") or any(
        c.dep_ == "advmod" and c.lower_ == "far" for c in tree.children(verb))  # "so far this year"
    return _Anchor(root.head.i, root.dep_, scene.head.i if scene is not None else None, verb.i, on_verb,
                   verb.head.i if on_verb and _simultaneous(verb) else None, cumulative)


#: Units an act can be measured from another act in ("a day after", "two weeks before"), in days.
_MEASURE_DAYS = {"hour": 0, "day": 1, "week": 7}


def _measured(tok):
    """(the clause the act is measured from, days to add, the measure's words) for
    "X, a day after Y expelled Z" (npadvmod on the after-clause) or "X, a day
    after the expulsion of Z" (npadvmod on X, "after" on the measure); else None."""
    measure = mark = main = None
    if tok.dep_ == "advcl":
        mark = next((c for c in tree.children(tok) if c.dep_ == "mark" and c.lower_ in ("after", "before")), None)
        measure = next((c for c in tree.children(tok) if c.dep_ == "npadvmod"), None)
        main = tok.head
    elif tok.dep_ == "pobj" and tok.head.lower_ in ("after", "before") and tok.head.head.dep_ == "npadvmod":
        mark, measure = tok.head, tok.head.head
        main = measure.head
    if mark is None or measure is None or measure.lemma_.lower() not in _MEASURE_DAYS:
        return None
    count = next((c for c in tree.children(measure) if c.dep_ == "nummod"), None)
    if count is None and not any(c.dep_ == "det" and c.lower_ in ("a", "an", "one") for c in tree.children(measure)):
        return None
    n = 1 if count is None else dates.number(count.lower_)
    if n is None:
        return None
    days = n * _MEASURE_DAYS[measure.lemma_.lower()] * (-1 if mark.lower_ == "after" else 1)
    words = [t.text for t in measure.subtree if t.i <= measure.i] + [mark.text]
    return main, days, " ".join(words)


def _simultaneous(verb) -> bool:
    """Is the verb's clause a time clause of simultaneity ("when the war ended in
    1995", "while talks went on in May", "as troops crossed on Monday")? Its date
    is the time of the clause it hangs on, when that clause names none."""
    return verb.dep_ == "advcl" and any(c.dep_ in ("mark", "advmod") and c.lower_ in ("when", "while", "as")
                                        for c in tree.children(verb))


#: Words that set a scene in time around an act: a date inside their phrase dates the
#: act too ("ahead of last year's drills, X tested a missile" happened last year).
SCENE_WORDS = frozenset({"during", "amid", "amidst", "ahead", "throughout"})


def _scene(root):
    """The scene-setting word a date's noun phrase hangs from, if any (a few steps up)."""
    cur = root
    for _ in range(5):
        if cur.head == cur:
            return None
        cur = cur.head
        if cur.lower_ in SCENE_WORDS and cur.dep_ in ("prep", "advmod"):
            return cur
        if cur.pos_ in ("VERB", "AUX"):
            return None
    return None


#: How many sentences of prose open a story: its lead.
LEAD_SENTENCES = 2


def lead_sentences(doc) -> frozenset[int]:
    """Indices of the lead: the first sentences with a verb. A page's dateline
    ("BEIJING:"), byline, photo credit or date line before the story are no
    sentences of it, and would push the lead out of reach."""
    lead = []
    for index, sent in enumerate(sentences(doc)):
        if len(lead) == LEAD_SENTENCES:
            break
        if any(t.pos_ in ("VERB", "AUX") for t in sent):
            lead.append(index)
    return frozenset(lead)


def lead_day(doc, article: Article, lead: frozenset[int]) -> tuple[object, str] | None:
    """The one day the lead's sentences give their verbs ("X announced ...
    Tuesday"), whether or not an event was coded there, when it lies in the week
    before publication: (date, its words); None for no day or several."""
    if article.date is None:
        return None
    found: dict = {}
    sents = sentences(doc)
    for index in sorted(lead):
        for text, start, end in dates.find_dates(sents[index]):
            if not _anchor(doc, start, end).on_verb:
                continue
            value, how = dates.resolve(text, article.date)
            if value is not None and how in ("weekday", "relative-day", "absolute-day") \
                    and 0 <= (article.date - value).days <= 7:
                found.setdefault(value, text)
    return next(iter(found.items())) if len(found) == 1 else None


def lead_dates(events: list[Event], article: Article, lead_day: tuple | None,
               lead_index: frozenset[int]) -> list[Event]:
    """"X said on Tuesday ..." in the lead, then "X added ..." further down: the later
    statements of the same speaker are the lead's, so they take the day the lead
    fixed instead of the publication date (date_source "lead"); when the lead names
    a single day (in a coded event or, `lead_day`, on any of its verbs), it is the
    story's day for every act the text does not date. Only a lead date inside the
    week before publication is carried."""
    if article.date is None:
        return events
    lead: dict[str, Event] = {}
    for e in sorted(events, key=lambda e: (e.sentence_index, e.trigger_start)):
        if e.sentence_index in lead_index and e.date_source == "sentence" and e.source is not None \
                and e.modality == Modality.ASSERTED and e.date is not None \
                and 0 <= (article.date - e.date).days <= 7:
            lead.setdefault(speaker_key(e.source), e)
    days = {e.date for e in lead.values()}
    out = []
    for e in events:
        given = lead.get(speaker_key(e.source)) if e.source is not None else None
        if given is None and len(days) == 1 and lead:
            given = next(iter(lead.values()))  # one news day in the lead: the story's day
        if e.date_source == "article" and given is not None:
            e = replace(e, date=given.date, date_source="lead", date_text=given.date_text)
        elif e.date_source == "article" and not lead and lead_day is not None:
            e = replace(e, date=lead_day[0], date_source="lead", date_text=lead_day[1])
        out.append(e)
    return out


def speaker_key(actor: Actor) -> str:
    """Who speaks, for carrying a lead's date: the country, else the code."""
    return actor.country or actor.code


def recalled_narration(doc, article: Article, events: list[Event]) -> list[Event]:
    """Past-tense sentences with no date of their own go on telling the story
    an earlier sentence set before the news window ("Relations soured in 2010
    after commandos stormed a ship. Nine activists aboard were killed."): their
    undated acts are background too, as are those of a past-tense sentence whose
    only dates are before the window wherever they attach ("in a statement issued
    at their meeting in July, X and Y agreed"). A date in the window, or a clause
    in the present, perfect or future, ends the recalled narration; a relative
    date ("several months later") continues it; a date in a relative clause or
    an apposition ("X, who was elected in 2018, ...") dates only what it says."""
    if not any(_undated_fact(e) for e in events):
        return events  # nothing it could change: no sentence need be read
    recalled, old = set(), False
    for index, sent in enumerate(doc.sents):
        root = sent.root
        past = root.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD" for c in tree.children(root))
        resolved = [text for text, start, end in dates.find_dates(sent) if dates.resolve(text, article.date)[0]
                    and not _describes_someone(sent.doc[start]) and not _wait_before(sent.doc[start:end].root)]
        if resolved:
            old = all(dates.before_window(text, article.date) for text in resolved)
        else:
            old = old and past
        if old and past:
            recalled.add(index)
    return [replace(e, modality=Modality.BACKGROUND) if e.sentence_index in recalled and _undated_fact(e)
            else e for e in events]


def _undated_fact(e: Event) -> bool:
    """An asserted act dated only by the article, or not at all."""
    return e.modality == Modality.ASSERTED and e.date_source in ("article", "none")


def _describes_someone(tok) -> bool:
    """Is the date inside a relative clause or an apposition ("X, who was
    elected in 2018, criticized Y")? It dates what it says of the noun only."""
    deps = tree.labels(tok.doc)
    return any(deps[i] in ("relcl", "appos") for i in tree.path(tok))


def _wait_before(date_root) -> bool:
    """Is the date the start of the wait before a first act ("the first visit
    since 2019")? It dates neither that act, which is the news, nor its sentence."""
    prep = date_root.head
    return (date_root.dep_ == "pobj" and prep.dep_ == "prep" and prep.lower_ == "since"
            and any(c.dep_ == "amod" and c.lower_ == "first" for c in tree.children(prep.head)))
