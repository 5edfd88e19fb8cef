"""In-article coreference for the actor coder: what a phrase cannot code by
itself is resolved against the mentions before it, in text order.

Why rule-based: the cases that matter for event data are few and regular
("Wang" after "Wang Yi", "he", "the ministry", "the two sides", "its state
media", "China said it would ...") and each rule is measured in
tests/test_actors.py; a learned resolver would need a model download. Every
resolved Mention keeps the text it points back to (`antecedent`) and a lower
confidence than a named one, so users can filter them out.

Pronouns respect what the article says about gender (Mr/Ms, "spokeswoman",
"Queen", "his sister X", or the first he/she that can only mean one person):
"she" never resolves to a man, "he" never to a woman, and a person of unknown
gender is resolved as before, to the last one named. "they"/"them" resolve
only to a plural subject just before ("China and Russia vetoed it. They ...").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .actor_tables import Rules
from .gender import Genders, GenderWords
from ..types import Actor

CONF_SURNAME = 0.8
CONF_APPOSITION = 0.85
CONF_CONJ = 0.75
CONF_DEFINITE = 0.7
CONF_PRONOUN = 0.7
CONF_PLURAL = 0.7
CONF_IT = 0.6
CONF_CONTEXT = 0.6  # a country taken from the sentence or the article
CONF_LEAD = 0.5  # "the ministry" read as the government of the article's lead subject
CONF_UNKNOWN_COUNTRY = 0.4  # "---GOV": the sector is known, the country is not
#: Named-entity labels of capitalised words that are not people's names.
NOT_NAMES = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME", "ORG", "NORP", "EVENT", "MONEY",
                       "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"})
#: How far back coreference looks, in sentences.
WINDOW = 8
#: How far back (sentences) a group named together can be "the two sides"; beyond
#: it the last countries named win (a new pair of interlocutors since).
GROUP_WINDOW = 3
SUBJECTS = ("nsubj", "nsubjpass")
#: How a clause hangs from the clause that governs it ("said they would", "vetoed it and they").
CLAUSAL = ("ccomp", "xcomp", "advcl", "conj", "parataxis")
PLURAL_TAGS = ("NNS", "NNPS")


@dataclass(slots=True)
class Found:
    """A Mention being built, with what coreference needs to know about it."""

    start: int
    end: int
    actor: Actor
    conf: float
    antecedent: str | None = None
    kinds: frozenset[str] = frozenset()
    person: bool = False
    name: str | None = None  # a person's name as written, and its tokens, for "Wang" after "Wang Yi"
    name_tokens: tuple[str, ...] = ()
    place: bool = False  # a country or capital used as a place ("talks in Seoul")

    def source(self, doc) -> str:
        """The text a resolved mention points back to: the first naming, and for
        a person the name alone ("Wang Yi", not "Foreign Minister Wang Yi")."""
        if self.antecedent:
            return self.antecedent
        if self.person and self.name:
            return self.name
        return doc[self.start:self.end].text


@dataclass(slots=True)
class Pending:
    """Something only the article before it can resolve (pass 3)."""

    start: int
    end: int
    what: str  # role | person | pronoun | it | surname | plural | owned
    sector: str | None = None
    kinds: frozenset[str] = frozenset()
    definite: bool = False  # "the ministry"; for "owned", "their" rather than "its"
    person_title: bool = False
    count: int = 0  # "the three countries" -> 3
    name_tokens: tuple[str, ...] = ()  # an unknown person's name


@dataclass(slots=True)
class ArticleState:
    """Per-document state, thrown away after `code` returns."""

    doc: object
    date: dt.date | None
    sent_of: list[int]
    korean: bool
    south: bool
    found: list[Found] = field(default_factory=list)
    places: dict[int, set[str]] = field(default_factory=dict)  # sentence -> countries named as places


class Coreference:
    """Pass 3 of `ActorCoder.code`; holds only the (immutable) rules."""

    def __init__(self, rules: Rules, countries: dict[str, str],
                 words: GenderWords | None = None) -> None:
        self.rules = rules
        self.countries = countries
        self.words = words or GenderWords.from_package()

    def _actor(self, iso3: str, sector: str | None, kind: str) -> Actor:
        return Actor(iso3 + (sector or ""), iso3, sector, self.countries.get(iso3), kind)

    def candidates(self, doc, covered: bytearray) -> list[Pending]:
        """Tokens outside every table match that may refer back: he/she, "it" as
        a subject, and runs of capitalised names ("Oduya", "Tarn Oduya") that
        the named-entity recogniser did not mark as people."""
        out: list[Pending] = []
        run_start = None
        for t in doc:
            name = (not covered[t.i] and t.pos_ == "PROPN" and t.text[:1].isupper()
                    and (t.ent_type_ not in NOT_NAMES or _lone_org(doc, t)))
            if name and run_start is None:
                run_start = t.i
            if not name and run_start is not None:
                out.append(Pending(run_start, t.i, "surname",
                                   name_tokens=tuple(x.text for x in doc[run_start:t.i])))
                run_start = None
            if covered[t.i] or name:
                continue
            low = t.lower_
            if t.pos_ == "PRON" and low in self.rules.person_pronouns:
                out.append(Pending(t.i, t.i + 1, "pronoun"))
            elif t.pos_ == "PRON" and low in self.words.plural:
                out.append(Pending(t.i, t.i + 1, "they"))
            elif (t.pos_ == "PRON" and low in self.rules.thing_pronouns and t.dep_ == "nsubj"
                  and t.head.lemma_.lower() not in self.rules.expletive_heads):
                out.append(Pending(t.i, t.i + 1, "it"))
        if run_start is not None:
            out.append(Pending(run_start, len(doc), "surname",
                               name_tokens=tuple(x.text for x in doc[run_start:])))
        return out

    def resolve(self, st: ArticleState, pending: list[Pending]) -> None:
        """Pass 3: resolve in text order; `history` holds every mention that
        starts before the item (pass-1 and resolved), sorted by position."""
        base = sorted(st.found, key=lambda f: f.start)
        history: list[Found] = []
        registry: dict[str, Found] = {}
        cover: dict[int, list[Found]] = {}
        for f in base:
            for i in range(f.start, f.end):
                cover.setdefault(i, []).append(f)
        genders = self._genders(st, base)
        pointer = 0
        for item in pending:
            while pointer < len(base) and base[pointer].start < item.start:
                history.append(base[pointer])
                self._register(registry, base[pointer])
                pointer += 1
            for f in self._resolve_one(st, item, history, registry, cover, genders):
                history.append(f)
                st.found.append(f)
                self._register(registry, f)
                for i in range(f.start, f.end):
                    cover.setdefault(i, []).append(f)

    def _resolve_one(self, st: ArticleState, item: Pending, history: list[Found],
                     registry: dict[str, Found], cover: dict[int, list[Found]],
                     genders: Genders) -> list[Found]:
        doc = st.doc
        text = doc[item.start:item.end].text
        if item.what in ("surname", "person"):
            hit = registry.get(text)
            if hit is None and item.end - item.start == 1:
                hit = registry.get(doc[item.start].text)
            if hit is not None:
                found = Found(item.start, item.end, hit.actor, min(hit.conf, CONF_SURNAME),
                              antecedent=_name(hit), kinds=hit.kinds, person=True,
                              name=hit.name, name_tokens=hit.name_tokens)
                genders.link(found, hit)
                self._observe(doc, found, genders)
                return [found]
            if item.what == "person" or item.end - item.start > 1 or self._appositive(st, item):
                title = self._apposition(st, item)
                if title is not None:
                    found = Found(item.start, item.end,
                                  Actor(title.actor.code, title.actor.country, title.actor.sector,
                                        text, "person"),
                                  min(title.conf, CONF_APPOSITION), kinds=title.kinds, person=True,
                                  name=text, name_tokens=item.name_tokens)
                    self._observe(doc, found, genders)
                    return [found]
            if item.what == "person" and item.sector:
                iso3 = self._context_country(st, item.start)
                code = (iso3 or "---") + item.sector
                return [Found(item.start, item.end, Actor(code, iso3, item.sector, text, "person"),
                               CONF_CONTEXT if iso3 else CONF_UNKNOWN_COUNTRY, kinds=item.kinds,
                               person=True, name=text,
                               name_tokens=item.name_tokens)]
            return []
        if item.what == "pronoun":
            sex = self.words.pronouns.get(doc[item.start].lower_)
            if sex is not None:
                self._learn_from_pronoun(st, item.start, sex, history, cover, genders)
            subject = _clause_subject(doc[item.start])
            for f in recent(st, history, item.start):
                # "she" skips a man, "he" a woman; a person of unknown gender fits both
                if (f.person and genders.get(f) in (None, sex)
                        and not (subject is not None and f.start <= subject < f.end)):
                    if any(f.end <= at < item.start and sex == said
                           for at, said in genders.strangers):
                        return []  # someone of that gender, not coded, is nearer than f
                    found = Found(item.start, item.end, f.actor, min(f.conf, CONF_PRONOUN),
                                  antecedent=f.antecedent or _name(f) or f.source(doc),
                                  person=True, kinds=f.kinds, name=f.name,
                                  name_tokens=f.name_tokens)
                    genders.link(found, f)
                    return [found]
            return []
        if item.what == "they":
            return self._they(st, item, history, cover)
        if item.what == "it":
            antecedent = self._it_antecedent(st, item.start, cover)
            if antecedent is None:
                return []
            return [Found(item.start, item.end, antecedent.actor, min(antecedent.conf, CONF_IT),
                           antecedent=antecedent.source(doc), kinds=antecedent.kinds)]
        if item.what == "plural":
            return self._plural(st, item, history)
        if item.what == "owned":
            return self._owned(st, item, history, cover)
        return self._role_reference(st, item, history, cover)

    # ------------------------------------------------------------ gender
    def _genders(self, st: ArticleState, base: list[Found]) -> Genders:
        """Before resolving anything: each named person's identity (a later
        "Putin" is the "Vladimir Putin" named before) and the gender their own
        mentions state anywhere in the article ("Ms Choe" in the last paragraph
        still tells who "she" is in the second)."""
        genders = Genders()
        registry: dict[str, Found] = {}
        for f in base:
            if not f.person:
                continue
            hit = registry.get(f.name) if f.name else None
            if hit is not None:
                genders.link(f, hit)
            self._observe(st.doc, f, genders)
            self._register(registry, f)
        named = {i for f in base if f.person for i in range(f.start, f.end)}
        for ent in st.doc.ents:
            if ent.label_ == "PERSON" and not any(i in named for i in range(ent.start, ent.end)):
                sex = self._name_gender(st.doc, ent.start, len(ent))
                if sex is not None:
                    genders.strangers.append((ent.start, sex))
        return genders

    def _observe(self, doc, f: Found, genders: Genders) -> None:
        sex = self._stated_gender(doc, f)
        if sex is not None:
            genders.learn(genders.key(f), sex, strong=True)

    def _stated_gender(self, doc, f: Found) -> str | None:
        """The gender a person's mention states: an honorific or gendered noun
        right before the name ("Mr Kim", "spokeswoman Hua Chunying", "Queen
        Rania", "his sister Kim Yo-jong"), the nearest one deciding, or a
        gendered noun in apposition ("Lena Park, a spokeswoman for ...", "the
        queen, Rania,"). An unnamed title is gendered by its head word ("a
        military spokeswoman"). "spokeswoman for President Vale" says nothing
        about Vale: the walk back stops at the preposition."""
        n = len(f.name_tokens)
        start = next((i for i in range(f.start, f.end - n + 1)
                      if n and all(doc[i + k].text == w for k, w in enumerate(f.name_tokens))),
                     None)
        if start is None:
            return None if f.name else self.words.titles.get(doc[f.end - 1].lower_)
        return self._name_gender(doc, start, n)

    def _name_gender(self, doc, start: int, n: int) -> str | None:
        """`_stated_gender` of the n-token name at `start`."""
        if n > 1:  # "Mr" or "Queen" inside the name the recogniser found (not "Son Hak-kyu")
            first = doc[start].lower_
            sex = self.words.honorifics.get(first) or self.words.titles.get(first)
            if sex:
                return sex
        sent_start = doc[start].sent.start
        for i in range(start - 1, max(sent_start, start - 5) - 1, -1):
            t = doc[i]
            if t.lower_ in self.words.honorifics:  # whatever its tag ("Ms" is sometimes PRON)
                return self.words.honorifics[t.lower_]
            if t.pos_ not in ("PROPN", "NOUN", "ADJ"):
                break
            sex = self.words.before(t.lower_)
            if sex:
                return sex
        name = doc[start:start + n]
        head = name.root
        around = [c for c in head.children if c.dep_ == "appos"]
        if head.dep_ == "appos":
            around.append(head.head)
        for t in around:
            sex = self.words.before(t.lower_) or self.words.before(t.lemma_.lower())
            if sex:
                return sex
        return None

    def _learn_from_pronoun(self, st: ArticleState, i: int, sex: str, history: list[Found],
                            cover: dict[int, list[Found]], genders: Genders) -> None:
        """The first he/she subject that can only mean one person tells that
        person's gender: the words before it (its own sentence so far, or, when
        that names no one, the previous sentence too) name exactly one person,
        as a subject ("Kim Jong-un inspected a farm. He said ...", "Choe said
        she ..."), and no other person, pronoun or gendered noun ("his sister",
        "a woman") that the pronoun could mean instead."""
        doc = st.doc
        if doc[i].dep_ not in SUBJECTS:
            return
        own_start = lo = doc[i].sent.start
        keys = _people_since(history, lo, genders)
        if not keys and lo > 0:
            lo = doc[lo - 1].sent.start
            keys = _people_since(history, lo, genders)
        if len(keys) != 1 or next(iter(keys)) in genders.sex:
            return
        key = next(iter(keys))

        def own(t) -> bool:
            return any(genders.key(f) == key for f in cover.get(t.i, ()) if f.person)

        governing = {t.i for t in doc[i].ancestors}
        if not any(t.dep_ in SUBJECTS and own(t) and (lo < own_start or t.head.i in governing)
                   for t in doc[lo:i]):
            return  # in its own sentence, only the subject of a clause governing it
        for t in doc[lo:i]:
            said = self.words.gendered(t)
            if ((t.ent_type_ == "PERSON" or said) and not own(t)) or said not in (None, sex):
                return  # someone else, or "Vale said he ..." before "She said"
        genders.learn(key, sex, strong=False)

    # ------------------------------------------------------------ they
    def _they(self, st: ArticleState, item: Pending, history: list[Found],
              cover: dict[int, list[Found]]) -> list[Found]:
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
            subjects = [c for c in token.children if c.dep_ in SUBJECTS]
            if subjects:
                return self._plural_subject(st, item, subjects[0], history, cover, None)
        first = doc[item.start].sent.start
        if first == 0:
            return []
        prev = doc[first - 1].sent
        subjects = [c for c in prev.root.children if c.dep_ in SUBJECTS]
        if not subjects:
            return []
        return self._plural_subject(st, item, subjects[0], history, cover, prev)

    def _plural_subject(self, st: ArticleState, item: Pending, subject, history: list[Found],
                        cover: dict[int, list[Found]], sentence) -> list[Found]:
        """The actors of a plural subject token, as mentions over the pronoun;
        `sentence` (the previous one) must name no other plural actor."""
        doc = st.doc
        if subject.i >= item.start:
            return []
        founds = [f for f in cover.get(subject.i, []) if not f.place]
        if not founds:
            return []
        group = self._coordinated(doc, history, founds[0])
        named_together = any(c.dep_ == "conj" for c in subject.children) or all(
            (g.start, g.end) == (founds[0].start, founds[0].end) for g in group)
        if len(group) < 2 or not named_together:
            plural = subject.tag_ in PLURAL_TAGS or subject.lower_ in self.words.plural
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
                             or len(self._coordinated(doc, history, f)) > 1)):
                    return []
        return [Found(item.start, item.end, g.actor, min(g.conf, CONF_PLURAL),
                      antecedent=g.source(doc), kinds=g.kinds) for g in group]

    @staticmethod
    def _appositive(st: ArticleState, item: Pending) -> bool:
        """Is the single capitalised word a name with an appositive ("Oduya, the
        minister")? Only then may a lone word be coded from its apposition."""
        head = st.doc[item.start]
        return any(c.dep_ == "appos" for c in head.children)

    @staticmethod
    def _apposition(st: ArticleState, item: Pending) -> Found | None:
        """"Tarn Oduya, Kenya's foreign minister, said": an unknown name followed by
        a comma and a titled phrase with a country takes that phrase's code."""
        doc = st.doc
        if item.end >= len(doc) or doc[item.end].text != ",":
            return None
        for f in st.found:
            if (f.start == item.end + 1 and f.actor.country is not None and not f.person
                    and f.actor.kind == "title"):
                return f
        return None

    def _role_reference(self, st: ArticleState, item: Pending, history: list[Found],
                        cover: dict[int, list[Found]]) -> list[Found]:
        doc = st.doc
        sector = item.sector
        if item.definite:
            for f in recent(st, history, item.start):
                if (f.kinds & item.kinds and f.actor.country is not None and not f.place
                        and f.actor.sector in (sector, "ELI" if f.person else sector)):
                    if item.person_title and f.person:
                        actor = f.actor
                    else:
                        actor = self._actor(f.actor.country, f.actor.sector, "country")
                    return [Found(item.start, item.end, actor, min(f.conf, CONF_DEFINITE),
                                   antecedent=f.source(doc), kinds=item.kinds,
                                   person=item.person_title and f.person,
                                   name=f.name if item.person_title else None,
                                   name_tokens=f.name_tokens if item.person_title else ())]
        head = doc[item.end - 1]
        if head.dep_ == "conj":
            for f in cover.get(head.head.i, []):
                if f.actor.country is not None:
                    iso3 = f.actor.country
                    return [Found(item.start, item.end, self._actor(iso3, sector, "group"),
                                   CONF_CONJ, antecedent=f.source(doc), kinds=item.kinds)]
        if sector in self.rules.context_sectors:
            places = st.places.get(st.sent_of[item.start], set())
            if len(places) == 1:
                iso3 = next(iter(places))
                return [Found(item.start, item.end, self._actor(iso3, sector, "group"),
                               CONF_CONTEXT, kinds=item.kinds)]
        lead = self._lead_country(st) if item.definite and sector == "GOV" else None
        if lead is not None:
            kind = "title" if item.person_title else "country"
            return [Found(item.start, item.end, self._actor(lead, sector, kind), CONF_LEAD,
                           kinds=item.kinds)]
        if sector is None:
            return []
        kind = "title" if item.person_title else "group"
        return [Found(item.start, item.end, Actor("---" + sector, None, sector, None, kind),
                       CONF_UNKNOWN_COUNTRY, kinds=item.kinds, person=item.person_title)]

    @staticmethod
    def _lead_country(st: ArticleState) -> str | None:
        """The country whose government "the ministry" or "the government" means
        when nothing before names one: the subject of the article's first
        clause that has a country subject ("South Korea has expressed ...,
        the foreign ministry said"), if that subject is a single country."""
        doc = st.doc
        for f in sorted(st.found, key=lambda f: f.start):
            if st.sent_of[f.start] > 1:
                return None
            if f.actor.country is None or f.place:
                continue
            if any(t.dep_ in ("nsubj", "nsubjpass") and t.head.pos_ in ("VERB", "AUX")
                   for t in doc[f.start:f.end]):
                same = {g.actor.country for g in st.found if g.start == f.start and g.end == f.end}
                return f.actor.country if len(same) == 1 else None
        return None

    def _context_country(self, st: ArticleState, i: int) -> str | None:
        """The country an unnamed office holder most likely serves ("President X
        declared a curfew in Haiti"): the only country named in the sentence,
        else the article's dominant country (two thirds of its country mentions).
        Another person's country does not count: "President X welcomed the South
        African leader" says nothing about X's country; nor does a country the
        sentence acts on ("Minister X criticised Japan"): only places, owners and
        modifiers ("in Haiti", "Haiti's", "Haitian") place the office holder."""
        sentence = st.sent_of[i]
        here = {f.actor.country for f in st.found
                if st.sent_of[f.start] == sentence and not f.person
                and self._placing(st.doc, f)} - {None}
        if len(here) == 1:
            return next(iter(here))
        if here:
            return None
        counts: dict[str, int] = {}
        for f in st.found:
            if f.actor.country is not None:
                counts[f.actor.country] = counts.get(f.actor.country, 0) + 1
        if not counts:
            return None
        top = max(counts, key=counts.get)
        total = sum(counts.values())
        return top if counts[top] >= 2 and counts[top] * 3 >= total * 2 else None

    @staticmethod
    def _placing(doc, f: Found) -> bool:
        """Can this mention say which country an unnamed office holder serves?
        Not a country named as the one acted on ("criticised Japan", "talks
        with Japan"): in news that is usually a foreign country. Groups of the
        country ("Zambian people", "Chilean officials") still place him: most
        such sentences are domestic politics."""
        head = doc[f.end - 1]
        if f.place or head.ent_type_ != "GPE":
            return True
        if head.dep_ == "pobj":
            return head.head.lower_ not in ("to", "with", "against", "toward", "towards")
        return head.dep_ not in ("dobj", "dative")

    def _plural(self, st: ArticleState, item: Pending, history: list[Found]) -> list[Found]:
        """"the two sides": the latest group of exactly that many countries named
        together ("Japan and South Korea", "Chinese and Korean diplomats"), else
        the last distinct countries named, nearest first. Places do not count.
        A reference to people ("the two ministers", "the two men") first takes
        people named together before its sentence, else the last people named
        before it from that many countries, with their own codes."""
        count = item.count
        if item.person_title:  # "the two ministers": the last people of that many countries
            people: list[Found] = []
            here = st.sent_of[item.start]
            before = [f for f in recent(st, history, item.start) if st.sent_of[f.start] != here]
            for f in before:  # people named together ("Moon and Kim") first
                group = [g for g in self._coordinated(st.doc, history, f) if g.person]
                if f.person and len(group) == count:
                    return [Found(item.start, item.end, g.actor, CONF_PLURAL, antecedent=g.source(st.doc))
                            for g in group]
            for f in before:  # then the last people named ("Lu praised both leaders": not Lu)
                if f.person and f.actor.country and all(c.actor.country != f.actor.country for c in people):
                    people.append(f)
                    if len(people) == count:
                        return [Found(item.start, item.end, f.actor, CONF_PLURAL,
                                      antecedent=f.source(st.doc)) for f in reversed(people)]
        chosen: list[Found] = []
        here = st.sent_of[item.start]
        for f in recent(st, history, item.start):
            if here - st.sent_of[f.start] > GROUP_WINDOW:
                break  # an old pair ("Russia and North Korea" a page ago) is not "the two sides"
            group = self._coordinated(st.doc, history, f)
            if len(group) == count:
                chosen = group
                break
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
        return [Found(item.start, item.end, self._actor(f.actor.country, item.sector,
                                                         "country"),
                       CONF_PLURAL, antecedent=f.source(st.doc)) for f in chosen]

    def _owned(self, st: ArticleState, item: Pending, history: list[Found],
               cover: dict[int, list[Found]]) -> list[Found]:
        """"its state media": the organisation or country "it" would be;
        "their ministries": each country of the last group named together."""
        doc = st.doc
        if item.definite:  # "their"
            for f in recent(st, history, item.start):
                group = self._coordinated(doc, history, f)
                if len(group) >= 2:
                    return [Found(item.start, item.end, self._actor(g.actor.country, item.sector,
                                                                     "country"),
                                   CONF_PLURAL, antecedent=g.source(doc)) for g in group]
            return []
        owner = self._it_antecedent(st, item.start, cover, skip=(item.start, item.end))
        if owner is None:
            owner = next((f for f in recent(st, history, item.start)
                          if st.sent_of[f.start] == st.sent_of[item.start] and not f.person
                          and f.actor.country is not None and not f.place), None)
        if owner is None:
            return []
        return [Found(item.start, item.end, self._actor(owner.actor.country, item.sector, "country"),
                       min(owner.conf, CONF_IT), antecedent=owner.source(doc), kinds=item.kinds)]

    @staticmethod
    def _coordinated(doc, history: list[Found], f: Found) -> list[Found]:
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

    def _it_antecedent(self, st: ArticleState, i: int, cover: dict[int, list[Found]],
                       skip: tuple[int, int] | None = None) -> Found | None:
        """"it" is an organisation or country only when one is the subject of a
        governing clause ("China said it would ...") or of the previous sentence."""
        doc = st.doc
        token = doc[i].head
        while True:
            for child in token.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.i != i and not (
                        skip and skip[0] <= child.i < skip[1]):
                    for f in cover.get(child.i, []):
                        if (not f.person and f.actor.kind != "title" and not f.place
                                and f.actor.country is not None
                                and child.lower_ not in self.words.plural):  # not "they"
                            return f
            if token.head.i == token.i:
                break
            token = token.head
        sent = st.sent_of[i]
        if sent == 0:
            return None
        prev = [s for s in doc.sents][sent - 1]
        for child in prev.root.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                for f in cover.get(child.i, []):
                    if not f.person and f.actor.kind != "title" and f.actor.country is not None:
                        return f
        return None

    @staticmethod
    def _register(registry: dict[str, Found], f: Found) -> None:
        if not f.person or not f.name or not f.name_tokens:
            return
        registry[f.name] = f
        for token in (f.name_tokens[0], f.name_tokens[-1]):
            if len(token) > 1 and token[:1].isupper():
                registry[token] = f


def _lone_org(doc, t) -> bool:
    """A single word the recogniser calls an organisation ("Wang and Park met",
    tagged ORG): it may still be a surname named before; it resolves only if so."""
    return (t.ent_type_ == "ORG" and t.ent_iob_ == "B"
            and (t.i + 1 == len(doc) or doc[t.i + 1].ent_iob_ != "I"))


def recent(st: ArticleState, history: list[Found], i: int):
    """Mentions before token i, nearest first, within WINDOW sentences."""
    floor = st.sent_of[i] - WINDOW
    for f in reversed(history):
        if st.sent_of[f.start] < floor:
            return
        yield f


def _name(f: Found) -> str | None:
    return f.name or f.actor.name


def _clause_subject(pronoun) -> int | None:
    """For an object pronoun, the subject token of its own clause, which it
    cannot mean ("Marsh met him": not Marsh; that would be "herself")."""
    if pronoun.dep_ not in ("dobj", "dative", "pobj"):
        return None
    token = pronoun.head
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return next((c.i for c in token.children if c.dep_ in SUBJECTS), None)


def _people_since(history: list[Found], lo: int, genders: Genders) -> set[object]:
    """The people (identities) mentioned from token lo on; history is in text order."""
    keys: set[object] = set()
    for f in reversed(history):
        if f.start < lo:
            break
        if f.person:
            keys.add(genders.key(f))
    return keys


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
