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

What the rules read and write is in actor_state.py; the gender evidence is
gathered by gender.py and plural references ("they", "the two sides") are
resolved by groups.py.
"""

from __future__ import annotations

from . import tree
from .actor_state import SUBJECTS, ArticleState, Found, Pending, country_actor, recent, register
from .actor_tables import Rules
from .gender import Genders, GenderWords
from .groups import CONF_PLURAL, coordinated, sides, they
from .nlp import sentences
from ..types import Actor

CONF_SURNAME = 0.8
CONF_APPOSITION = 0.85
CONF_CONJ = 0.75
CONF_DEFINITE = 0.7
CONF_PRONOUN = 0.7
CONF_IT = 0.6
CONF_CONTEXT = 0.6  # a country taken from the sentence or the article
CONF_LEAD = 0.5  # "the ministry" read as the government of the article's lead subject
CONF_UNKNOWN_COUNTRY = 0.4  # "---GOV": the sector is known, the country is not
#: Named-entity labels of capitalised words that are not people's names.
NOT_NAMES = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME", "ORG", "NORP", "EVENT", "MONEY",
                       "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"})


class Coreference:
    """Pass 3 of `ActorCoder.code`; holds only the (immutable) rules."""

    def __init__(self, rules: Rules, countries: dict[str, str],
                 words: GenderWords | None = None) -> None:
        self.rules = rules
        self.countries = countries
        self.words = words or GenderWords.from_package()

    def _actor(self, iso3: str, sector: str | None, kind: str) -> Actor:
        return country_actor(self.countries, iso3, sector, kind)

    def candidates(self, doc, covered: bytearray) -> list[Pending]:
        """Tokens outside every table match that may refer back: he/she, "it" as
        a subject, and runs of capitalised names ("Oduya", "Tarn Oduya") that
        the named-entity recogniser did not mark as people.

        Only proper nouns and pronouns can be either, so they are found in the
        Doc's part-of-speech array first and only they become Token objects
        (one per word of the document made this most of the actor stage's
        calls to `Doc.__getitem__`). A run of names ends at the first word
        that is not one, as in a scan of every word."""
        out: list[Pending] = []
        run_start = last = None
        for i in _names_and_pronouns(doc):
            t = None if covered[i] else doc[i]  # a covered word only ends a run of names
            name = t is not None and (t.pos_ == "PROPN" and t.text[:1].isupper()
                                      and (t.ent_type_ not in NOT_NAMES or _lone_org(doc, t)))
            if run_start is not None and (not name or i != last + 1):
                out.append(Pending(run_start, last + 1, "surname",
                                   name_tokens=tuple(x.text for x in doc[run_start:last + 1])))
                run_start = None
            if name:
                run_start = i if run_start is None else run_start
                last = i
                continue
            if t is None or t.pos_ != "PRON":
                continue
            low = t.lower_
            if low in self.rules.person_pronouns:
                out.append(Pending(i, i + 1, "pronoun"))
            elif low in self.words.plural:
                out.append(Pending(i, i + 1, "they"))
            elif (low in self.rules.thing_pronouns and t.dep_ == "nsubj"
                  and t.head.lemma_.lower() not in self.rules.expletive_heads):
                out.append(Pending(i, i + 1, "it"))
        if run_start is not None:
            out.append(Pending(run_start, last + 1, "surname",
                               name_tokens=tuple(x.text for x in doc[run_start:last + 1])))
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
        genders = self.words.article_genders(st, base)
        pointer = 0
        for item in pending:
            while pointer < len(base) and base[pointer].start < item.start:
                history.append(base[pointer])
                register(registry, base[pointer])
                pointer += 1
            for f in self._resolve_one(st, item, history, registry, cover, genders):
                history.append(f)
                st.found.append(f)
                register(registry, f)
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
                self.words.observe(doc, found, genders)
                return [found]
            if item.what == "person" or item.end - item.start > 1 or self._appositive(st, item):
                title = self._apposition(st, item) or _apposed_role(st, item, cover) or \
                    _named_post(st, item, history)
                if title is not None:
                    found = Found(item.start, item.end,
                                  Actor(title.actor.code, title.actor.country, title.actor.sector,
                                        text, "person"),
                                  min(title.conf, CONF_APPOSITION), kinds=title.kinds, person=True,
                                  name=text, name_tokens=item.name_tokens)
                    self.words.observe(doc, found, genders)
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
                self.words.learn_from_pronoun(st, item.start, sex, history, cover, genders)
            subject = _clause_subject(doc[item.start])
            # "his U.N. mission": an owner may be a post named without its holder's name
            owner = doc[item.start].tag_ == "PRP$"
            fits = [f for f in recent(st, history, item.start)
                    # "she" skips a man, "he" a woman; a person of unknown gender fits both
                    if (f.person or (owner and f.actor.kind == "title")) and genders.get(f) in (None, sex)
                    and not (subject is not None and f.start <= subject < f.end)]
            if not fits:
                return []
            f = fits[0]
            if st.sent_of[f.start] != st.sent_of[item.start] and _embedded(doc, f):
                # a sentence back, its subject is who the story is about, not a person
                # named inside one of its clauses ("X's trip will include meeting Y and Z. ... his")
                f = next((g for g in fits if st.sent_of[g.start] == st.sent_of[f.start]
                          and _topical(doc, g)), f)
            if any(f.end <= at < item.start and sex == said
                   for at, said in genders.strangers):
                return []  # someone of that gender, not coded, is nearer than f
            found = Found(item.start, item.end, f.actor, min(f.conf, CONF_PRONOUN),
                          antecedent=f.antecedent or _name(f) or f.source(doc),
                          person=True, kinds=f.kinds, name=f.name, name_tokens=f.name_tokens)
            genders.link(found, f)
            return [found]
        if item.what == "they":
            return they(st, item, history, cover, self.words.plural)
        if item.what == "it":
            antecedent = self._it_antecedent(st, item.start, cover)
            if antecedent is None:
                return []
            return [Found(item.start, item.end, antecedent.actor, min(antecedent.conf, CONF_IT),
                           antecedent=antecedent.source(doc), kinds=antecedent.kinds)]
        if item.what == "plural":
            return sides(st, item, history, self.countries)
        if item.what == "body":
            return _body(st, item, history)
        if item.what == "owned":
            return self._owned(st, item, history, cover, genders)
        return self._role_reference(st, item, history, cover)

    @staticmethod

    def _appositive(st: ArticleState, item: Pending) -> bool:
        """Is the single capitalised word a name with an appositive ("Oduya, the
        minister")? Only then may a lone word be coded from its apposition."""
        head = st.doc[item.start]
        return any(c.dep_ == "appos" for c in tree.children(head))

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
        owner = _office_of(doc[item.end - 1], cover)
        if owner is not None:  # "the spokesperson for Pakistan's foreign ministry": not an earlier one
            kind = "title" if item.person_title else "country"
            return [Found(item.start, item.end, self._actor(owner.actor.country, sector, kind),
                          min(owner.conf, CONF_APPOSITION), kinds=item.kinds, person=item.person_title)]
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

    def _owned(self, st: ArticleState, item: Pending, history: list[Found],
               cover: dict[int, list[Found]], genders: Genders) -> list[Found]:
        """"its state media": the organisation or country "it" would be;
        "their ministries": each country of the last group named together;
        "her ministry", "his government": the country of the person "she"/"he"
        would be (the subject of the clause included: "X said his government ...")."""
        doc = st.doc
        sex = self.words.pronouns.get(doc[item.start].lower_) if doc[item.start].lower_ in ("his", "her") else None
        if sex is not None:
            owner = next((f for f in recent(st, history, item.start)
                          if (f.person or f.actor.kind == "title") and genders.get(f) in (None, sex)), None)
            if owner is None or owner.actor.country is None:
                return []
            return [Found(item.start, item.end, self._actor(owner.actor.country, item.sector, "country"),
                           min(owner.conf, CONF_PRONOUN), antecedent=owner.source(doc), kinds=item.kinds)]
        if item.definite:  # "their"
            for f in recent(st, history, item.start):
                group = coordinated(doc, history, f)
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

    def _it_antecedent(self, st: ArticleState, i: int, cover: dict[int, list[Found]],
                       skip: tuple[int, int] | None = None) -> Found | None:
        """"it" is an organisation or country only when one is the subject of a
        governing clause ("China said it would ...") or of the previous sentence."""
        doc = st.doc
        token = doc[i].head
        while True:
            for child in tree.children(token):
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
        prev = sentences(doc)[sent - 1]
        for child in tree.children(prev.root):
            if child.dep_ in ("nsubj", "nsubjpass"):
                for f in cover.get(child.i, []):
                    if not f.person and f.actor.kind != "title" and f.actor.country is not None:
                        return f
        return None


#: Prepositions that name whom an office serves ("spokesperson for X", "minister of X").
OFFICE_PREPS = frozenset({"for", "of", "at"})


def _office_of(head, cover: dict[int, list[Found]]) -> Found | None:
    """The country mention a role word's own phrase names as its office ("the
    spokesperson for Pakistan's foreign ministry", "a spokesman of the Iraqi
    government"): the object of for/of/at, or a word inside it."""
    for prep in tree.children(head):
        if prep.dep_ != "prep" or prep.lower_ not in OFFICE_PREPS:
            continue
        for obj in tree.children(prep):
            if obj.dep_ != "pobj":
                continue
            for t in (obj, *(c for c in tree.children(obj) if c.dep_ in ("poss", "amod", "compound", "nmod"))):
                hit = next((f for f in cover.get(t.i, ()) if f.actor.country is not None
                            and not f.person and not f.place), None)
                if hit is not None:
                    return hit
    return None


def _apposed_role(st: ArticleState, item: Pending, cover: dict[int, list[Found]]) -> Found | None:
    """A name in apposition to an office with a country ("the spokesperson for
    Pakistan's foreign ministry, Ambassador Shafqat Khan" / "Tarn Oduya, a
    spokesman for the Kenyan government") takes that office's country."""
    head = st.doc[item.end - 1]
    partners = [head.head] if head.dep_ == "appos" else []
    partners += [c for c in tree.children(head) if c.dep_ == "appos"]
    for partner in partners:
        if item.start <= partner.i < item.end:
            continue
        hit = next((f for f in cover.get(partner.i, ()) if f.actor.country is not None
                    and not f.person and not f.place), None) or _office_of(partner, cover)
        if hit is not None and hit.actor.sector is not None:
            return hit
    return None


def _embedded(doc, f: Found) -> bool:
    """Is the mention (or the first of the list it is in) an argument of a clause below its
    sentence's main verb ("will include meeting Y and Z"), not the subject or object of it?"""
    tok = doc[f.end - 1]
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    gov = tok.head.head if tok.dep_ == "pobj" else tok.head
    return not _topical(doc, f) and gov.i != tree.sentence(gov).root.i


def _topical(doc, f: Found) -> bool:
    """Is the mention its clause's subject, or the possessor of it ("X's trip will ...")?"""
    head = doc[f.end - 1]
    return head.dep_ in ("nsubj", "nsubjpass") or (head.dep_ == "poss" and head.head.dep_ in ("nsubj", "nsubjpass"))


def _named_post(st: ArticleState, item: Pending, history: list[Found]) -> Found | None:
    """"Ruritania's envoy to the bloc spoke first. Anna Varga then warned Y": a full name no
    table knows, as the subject of the next sentence, names the holder of the post
    the sentence before named without a name, when nobody else is named between."""
    head = st.doc[item.end - 1]
    if item.end - item.start < 2 or head.dep_ != "nsubj" or any(c.dep_ == "appos" for c in tree.children(head)):
        return None  # "X, a former envoy, said": the name says whose it is itself
    here = st.sent_of[item.start]
    for f in reversed(history):
        if st.sent_of[f.start] < here - 1:
            return None
        if f.person:
            return None  # a person named between: the name may be anyone's
        if f.actor.kind == "title" and f.actor.country is not None and st.sent_of[f.start] == here - 1:
            return f
    return None


def _body(st: ArticleState, item: Pending, history: list[Found]) -> list[Found]:
    """"the bloc", "the regional body": the international organisation named last,
    within the coreference window; none named, no actor."""
    f = next((f for f in recent(st, history, item.start) if f.actor.code.startswith("IGO")), None)
    if f is None:
        return []
    return [Found(item.start, item.end, f.actor, min(f.conf, CONF_DEFINITE), antecedent=f.source(st.doc),
                  kinds=f.kinds)]


def _names_and_pronouns(doc) -> list[int]:
    """Indices of the proper nouns and pronouns, from the Doc's POS array."""
    from spacy.attrs import POS
    from spacy.symbols import PRON, PROPN

    pos = doc.to_array(POS)
    return ((pos == PROPN) | (pos == PRON)).nonzero()[0].tolist()


def _lone_org(doc, t) -> bool:
    """A single word the recogniser calls an organisation ("Wang and Park met",
    tagged ORG): it may still be a surname named before; it resolves only if so."""
    return (t.ent_type_ == "ORG" and t.ent_iob_ == "B"
            and (t.i + 1 == len(doc) or doc[t.i + 1].ent_iob_ != "I"))


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
    return next((c.i for c in tree.children(token) if c.dep_ in SUBJECTS), None)


