"""Actor coding: who is named in an article, as CAMEO-style codes (CHNGOV, PRKMIL).

How a document is coded (`ActorCoder.code`), and why:
1. Table words, hyphenated countries and people spaCy names are found as
   pieces (actor_pieces.py): case is checked per token against the table's
   spelling, so "US" is a country and "us" is not; spaCy's named entities
   add people who are in no table (PERSON) and veto names inside places,
   events and dates ("the South China Sea").
2. Adjacent pieces joined by small words form one actor phrase
   (actor_pieces.py), coded here: "Chinese Foreign Ministry spokesperson
   Wang Wenbin" is one Mention (CHNGOV); "Chinese and South Korean top
   diplomats" is two Mentions over the same span (CHNGOV, KORGOV), so the
   event coder finds both from the phrase's head.
3. What the phrase could not code by itself is resolved in article order
   (coref.py): a surname after the full name, he/she, "the ministry", "the
   two sides", "its state media" and, conservatively, "it". Resolved Mentions
   carry `antecedent` and a lower confidence; an actor whose country is
   unknown gets "---" + sector, as the CAMEO gold files write it, rather than
   an invented country.
The tables (actor_tables.py, data/*.csv|yaml) are loaded and validated once,
then read back prebuilt (prebuilt.py).

The cost is a few dictionary lookups per token on top of the parse; see
bench/actors.py for the measured ratio.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import tree
from .actor_pieces import Piece, PieceFinder, sentence_index
from .actor_state import ArticleState, Found, Pending
from .actor_tables import ActorTables, Person, dated, person_actor
from .coref import Coreference
from .geo_names import dateline_span
from .nlp import doc_text, entities, token_offsets
from ..types import Actor, Article, Mention

CONF_NAMED = 0.95  # a country, organisation or dated person with its role
CONF_TITLE_COUNTRY = 0.7  # the country a title implies ("Secretary of State")
LOCATIVE_FACTOR = 0.6
CONF_UNKNOWN_ORG = 0.4  # an organisation in no table: named, but of unknown country
#: Numbers of a plural reference ("the three military-led nations").
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10}
#: Nouns by which an article refers back to the international body it named ("the bloc",
#: "the regional body"); "body" only with a modifier ("the body was found" is no organisation).
BODY_WORDS = frozenset({"bloc", "alliance", "grouping", "organization", "organisation"})
MODIFIED_BODY_WORDS = frozenset({"body"})
OWNER_PRONOUNS = frozenset({"its", "their", "his", "her"})
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "LEG", "JUD"})
#: Posts that represent a state at a body: "China's U.N. ambassador", "the British mission to
#: the EU" speak for the country, not for the body they are posted to.
ENVOY_WORDS = frozenset({"ambassador", "envoy", "representative", "mission", "delegation", "delegate",
                         "diplomat", "consul", "emissary"})


class ActorCoder:
    """Codes the actors of a parsed article; loads its tables once."""

    def __init__(self, tables: ActorTables) -> None:
        self.tables = tables
        self.rules = tables.rules
        self.pieces = PieceFinder(tables)
        self._coref = Coreference(tables.rules, tables.countries)
        from spacy.strings import get_string_id

        #: the "former" markers as LOWER ids, tested on the Doc's array per phrase
        self._former = frozenset(get_string_id(w) for w in self.rules.former)

    @classmethod
    def from_package(cls) -> "ActorCoder":
        """The coder with the tables shipped in dyadwatch/data (people.csv if
        present), prebuilt: read back from the cache after the first start
        (prebuilt.py), so the tables are neither validated nor tokenized again."""
        from ..prebuilt import cached

        return cached("actor_coder", lambda: cls(ActorTables.from_paths()))

    @classmethod
    def from_paths(cls, **paths: Path | str | None) -> "ActorCoder":
        """The coder with some tables replaced (countries=, sectors=, titles=,
        organisations=, rules=, people=); the rest are the packaged ones."""
        return cls(ActorTables.from_paths(**{k: Path(v) if v else None for k, v in paths.items()}))

    # ------------------------------------------------------------------ coding
    def code(self, doc, article: Article) -> tuple[Mention, ...]:
        """All actor Mentions of an article, coreference resolved, in text order."""
        from spacy.attrs import LOWER, ORTH

        text = doc_text(doc, article)
        lower, orth = doc.to_array([LOWER, ORTH]).reshape(len(doc), 2).T.tolist()
        idx, length, _ = token_offsets(doc)
        state = ArticleState(doc, article.date, sentence_index(doc),
                             korean=any(m in text for m in self.rules.korea_context),
                             south=any(m in text for m in self.rules.korea_south),
                             ents=entities(doc), lower=lower, orth=orth, idx=idx, length=length)
        pieces = self.pieces.find(state)
        pending = [Pending(p.start, p.end, "plural", sector=p.entry.sector, count=p.entry.count,
                           person_title=p.entry.person_title)
                   for p in pieces if p.kind == "X" and p.entry is not None]
        pending += self._numbered_groups(doc, lower, pieces)
        pending += _body_references(doc, lower, pieces)
        for p in pieces:
            if p.kind != "C" or p.entry is None or p.entry.kind not in ("country", "capital"):
                continue  # the word's Token is made only for a country or capital
            head = doc[p.end - 1]
            if head.dep_ == "pobj" and head.head.lower_ in self.rules.locative:
                state.places.setdefault(state.sent_of[p.start], set()).update(p.countries)
        phrases = self.pieces.phrases(doc, [p for p in pieces if p.kind != "X"], state.sent_of)
        for phrase in phrases:
            self._code_phrase(state, phrase, pending)
        covered = bytearray(len(doc))
        for p in pieces:
            covered[p.start:p.end] = b"\x01" * (p.end - p.start)
        self._unknown_orgs(state, covered)
        pending += self._coref.candidates(doc, covered)
        self._coref.resolve(state, sorted(pending, key=lambda p: (p.start, p.end)))
        dateline = dateline_span(text) or (0, 0)
        return tuple(m for m in self._mentions(state, text)
                     if not dateline[0] <= m.start < dateline[1])  # the dateline is no actor

    def _numbered_groups(self, doc, lowers: list[int], pieces: list[Piece]) -> list[Pending]:
        """"The three military-led nations", "the two neighboring countries": a plural
        reference with words between its number and its noun is still one. The noun
        must be one the table's plural references end in ("the three nations"), whose
        sector and kind it takes; the count is the number's."""
        numbers = {doc.vocab.strings.add(w): n for w, n in NUMBER_WORDS.items()}
        taken = {i for p in pieces if p.kind != "R" for i in range(p.start, p.end)}  # "military-led": a modifier
        out = []
        for i, low in enumerate(lowers):
            if low not in numbers or i in taken or i == 0 or doc[i - 1].lower_ not in ("the", "all", "both"):
                continue
            head = doc[i].head
            if doc[i].dep_ != "nummod" or head.i - i < 2 or head.tag_ not in ("NNS", "NNPS") \
                    or any(j in taken for j in range(i - 1, head.i + 1)):
                continue  # "the three nations" itself is the table's; "the three of them" no group
            entry = next((e for e in self.tables.index.get(f"the two {head.lower_}", ())
                          + self.tables.index.get(f"the three {head.lower_}", ()) if e.kind == "plural_ref"), None)
            if entry is not None:
                out.append(Pending(i - 1, head.i + 1, "plural", sector=entry.sector, count=numbers[low],
                                   person_title=entry.person_title))
        return out

    def _unknown_orgs(self, st: ArticleState, covered: bytearray) -> None:
        """An organisation no table knows ("the Civil Liberty Organisation")
        that acts in its clause is still an actor: code "---" (country unknown),
        so that its demands and protests are not lost. Only named entities
        spaCy labels ORG, that no table word touches, of two words or an
        acronym, and that are a subject or a passive agent."""
        for ent in st.ents:
            if ent.label_ != "ORG" or any(covered[ent.start:ent.end]):
                continue
            head = ent.root
            if head.dep_ not in ("nsubj", "nsubjpass") and not (
                    head.dep_ == "pobj" and head.head.lower_ == "by"):
                continue
            words = [t for t in ent if not t.is_stop and not t.is_punct]
            if not any(t.pos_ == "PROPN" for t in ent) or (
                    len(words) < 2 and not (words and words[0].is_upper and len(words[0]) > 1)):
                continue  # a lone capitalised word is as often a surname ("Marsh said")
            covered[ent.start:ent.end] = b"\x01" * (ent.end - ent.start)
            st.found.append(Found(ent.start, ent.end, Actor("---", None, None, ent.text, "org"),
                                  CONF_UNKNOWN_ORG))

    def _code_phrase(self, st: ArticleState, phrase: list[Piece], pending: list[Pending]) -> None:
        doc = st.doc
        start, end = phrase[0].start, phrase[-1].end
        cs = [p for p in phrase if p.kind == "C"]
        orgs = [p for p in phrase if p.kind == "O"]
        people = [p for p in phrase if p.kind == "P"]
        roles = [p for p in phrase if p.kind == "R"]
        sector, kinds, titled = _role(roles)
        former = any(low in self._former for low in st.lower[max(0, start - 2):end])
        if former and (people or titled):
            sector = "ELI"
        person = people[-1] if people else None
        names = tuple(t.text for t in doc[person.start:person.end]) if person else ()
        name = doc[person.start:person.end].text if person else None
        if orgs and self._envoy_to_body(st, cs, orgs, roles):
            orgs = []  # coded below as the country's (GOV by the role)
        owner = doc[start - 1].lower_ if start > 0 else ""
        if orgs and not cs and owner in OWNER_PRONOUNS and self._envoy_to_body(st, orgs[:1], orgs, roles, owned=True):
            # "his U.N. mission": the mission of the country of whoever "his" is
            pending.append(Pending(start - 1, end, "owned", sector=sector, kinds=kinds, definite=owner == "their"))
            return
        if orgs:
            shared = len(orgs) == 1 or phrase[-1].kind in ("R", "P")
            for org in orgs:
                actor = self._org_actor(org, cs, sector, st.date)
                kind = "person" if person else actor.kind
                span = (start, end) if shared else (org.start, org.end)
                st.found.append(Found(*span, _replace_kind(actor, kind), CONF_NAMED,
                                       kinds=kinds, person=person is not None, name=name,
                                       name_tokens=names))
            return
        countries = [c for p in cs for c in p.countries]
        countries = list(dict.fromkeys(countries))
        known = person.entry.person if person is not None and person.entry is not None else None
        if known is not None and phrase[-1].kind == "R" and not titled:
            # a person's government: the country, not the person
            actor, conf = person_actor(known, st.date, self.tables.countries)
            if actor.country is not None:
                st.found.append(Found(start, end, self._actor(actor.country, sector, "country"),
                                      conf * min(person.conf, 1.0), kinds=kinds))
            return
        if person is not None:
            self._code_person(st, start, end, person, countries, roles, sector, kinds, former,
                              min([p.conf for p in cs], default=CONF_NAMED), pending)
            return
        if roles:
            head = roles[-1]
            if not countries:
                self._role_only(st, phrase, head, sector, kinds, titled, pending)
                return
            end = self._extend(doc, end, st.sent_of) if doc[end - 1].pos_ == "ADJ" else end
            kind = "title" if titled else ("country" if sector in STATE_SECTORS else "group")
            conf = min(CONF_NAMED, min(p.conf for p in cs) + 0.1)
            for iso3 in countries:
                st.found.append(Found(start, end, self._actor(iso3, sector, kind), conf, kinds=kinds))
            return
        self._countries_only(st, cs)

    @staticmethod
    def _envoy_to_body(st: ArticleState, cs: list[Piece], orgs: list[Piece], roles: list[Piece],
                       owned: bool = False) -> bool:
        """"China's U.N. ambassador", "British Deputy U.N. Ambassador X": a country
        named before an international body, and a diplomat's post as the head: the
        country's envoy. "the U.N. envoy for Yemen" (the country after) stays the body's.
        `owned`: the owner is a possessive pronoun before the phrase ("his U.N. mission")."""
        if not (cs and roles and st.doc[roles[-1].end - 1].lemma_.lower() in ENVOY_WORDS):
            return False
        if (cs[0].start > orgs[0].start and not owned) or roles[-1].start < orgs[-1].end:
            return False
        variants = [dated(o.entry.orgs, st.date) if o.entry is not None else None for o in orgs]
        return all(v is not None and v.country is None for v in variants)

    def _countries_only(self, st: ArticleState, cs: list[Piece]) -> None:
        doc = st.doc
        last = cs[-1]
        shared_end = max((self._extend(doc, p.end, st.sent_of) for p in cs
                          if p.adjectival and not p.hyphen), default=last.end)
        shared = shared_end > last.end
        for p in cs:
            if p.entry is not None and p.entry.kind == "bare_korea" and p.adjectival:
                continue  # "the Korean issue": only "Korean officials" says which Korea
            start, end = (cs[0].start, shared_end) if shared else (p.start, p.end)
            conf = p.conf
            head = doc[p.end - 1]
            place = (len(cs) == 1 and not shared and head.dep_ == "pobj"
                     and head.head.lower_ in self.rules.locative)
            if place:
                conf *= LOCATIVE_FACTOR
            entry_kind = p.entry.kind if p.entry is not None else "country"
            sector = "GOV" if entry_kind == "capital" and not p.hyphen else None
            for iso3 in p.countries:
                st.found.append(Found(start, end, self._actor(iso3, sector, "country"), conf,
                                       kinds=frozenset({"country"}), place=place))

    def _extend(self, doc, end: int, sent_of: list[int]) -> int:
        """Extend a phrase ending in a modifier to the noun it modifies
        ("Chinese vessels", "North Korean military drills"), at most 4 tokens."""
        token = doc[end - 1]
        new_end = end
        for _ in range(4):
            head = token.head
            if (token.dep_ not in ("amod", "compound", "nmod") or head.i <= token.i
                    or head.i - new_end > 3 or head.pos_ not in ("NOUN", "PROPN")
                    or sent_of[head.i] != sent_of[token.i] or head.ent_type_ in ("DATE", "TIME")):
                break
            if any(t.pos_ not in ("ADJ", "NOUN", "PROPN", "PUNCT", "NUM") for t in doc[new_end:head.i]):
                break
            new_end = head.i + 1
            token = head
        return new_end

    def _code_person(self, st: ArticleState, start: int, end: int, person: Piece,
                     countries: list[str], roles: list[Piece], sector: str | None,
                     kinds: frozenset[str], former: bool, conf: float,
                     pending: list[Pending]) -> None:
        doc = st.doc
        names = tuple(t.text for t in doc[person.start:person.end])
        label = doc[person.start:person.end].text
        known = person.entry.person if person.entry is not None else None
        if known is not None:
            actor, pconf = person_actor(known, st.date, self.tables.countries)
            pconf *= min(person.conf, 1.0)
            kinds = kinds | self._office_kinds(known, st.date)
            country = countries[0] if countries else actor.country
            if countries or roles or former:
                sector = sector if (roles or former) else actor.sector
                if country is None:
                    actor = Actor(actor.code, None, actor.sector, known.name, "person")
                else:
                    actor = Actor(country + (sector or ""), country, sector, known.name, "person")
                pconf = max(pconf, conf if countries else pconf)
            st.found.append(Found(start, end, actor, pconf, kinds=kinds, person=True,
                                   name=label, name_tokens=names))
            return
        if countries:
            st.found.append(Found(start, end, Actor(countries[0] + (sector or ""), countries[0],
                                                     sector, label, "person"),
                                   conf, kinds=kinds, person=True, name=label, name_tokens=names))
            return
        default = roles[-1].entry.default_country if roles and roles[-1].entry else None
        if default:
            st.found.append(Found(start, end, Actor(default + (sector or ""), default, sector,
                                                     label, "person"),
                                   CONF_TITLE_COUNTRY, kinds=kinds, person=True, name=label,
                                   name_tokens=names))
            return
        pending.append(Pending(start, end, "person", sector=sector, kinds=kinds, name_tokens=names))

    def _office_kinds(self, person: Person, date: dt.date | None) -> frozenset[str]:
        """Coreference kinds from a person's offices: people.csv's role label
        ("head_of_government") read through titles.yaml (-> "leader"), else its
        last word ("fm_spokesperson" -> "spokesperson")."""
        kinds = set()
        for o in person.offices:
            if date is None or ((o.start is None or o.start <= date)
                                and (o.end is None or date <= o.end)):
                role = o.role.replace("_", " ").lower().strip()
                if not role:
                    continue
                kinds.add(role.split(" ")[-1])
                kinds.update(e.role_kind for e in self.tables.index.get(role, ())
                             if e.kind == "role" and e.role_kind)
        return frozenset(kinds)

    def _role_only(self, st: ArticleState, phrase: list[Piece], head: Piece, sector: str | None,
                   kinds: frozenset[str], titled: bool, pending: list[Pending]) -> None:
        doc = st.doc
        entry = head.entry
        start, end = phrase[0].start, phrase[-1].end
        if entry is None or doc[head.end - 1].pos_ == "ADJ":
            return
        owner = doc[start - 1].lower_ if start > 0 else ""
        if owner in OWNER_PRONOUNS:  # "its state media", "her ministry"
            pending.append(Pending(start - 1, end, "owned", sector=sector, kinds=kinds,
                                    definite=owner == "their"))
            return
        if entry.needs_country:
            return
        if entry.without_country:
            variant = self.tables.org_codes.get(entry.without_country)
            st.found.append(Found(start, end, Actor(entry.without_country, None, sector,
                                                     None, variant.kind if variant else "igo"),
                                   CONF_TITLE_COUNTRY, kinds=kinds))
            return
        if entry.default_country:
            st.found.append(Found(start, end, self._actor(entry.default_country, sector, "title"),
                                   CONF_TITLE_COUNTRY, kinds=kinds, person=titled))
            return
        definite = start > 0 and doc[start - 1].lower_ in ("the", "this", "that")
        if doc[start].lower_ in ("the", "this", "that"):
            definite = True
        pending.append(Pending(start, end, "role", sector=sector, kinds=kinds,
                                definite=definite, person_title=titled))

    def _org_actor(self, org: Piece, cs: list[Piece], sector: str | None,
                   date: dt.date | None) -> Actor:
        entry = org.entry
        variant = dated(entry.orgs, date) if entry is not None else None
        if variant is None:
            return Actor("---", None)
        if variant.country is None:
            if sector == "MIL" and variant.sector is None and not variant.code.endswith("MIL"):
                return Actor(variant.code + "MIL", None, "MIL", entry.name, variant.kind)
            return Actor(variant.code, None, variant.sector, entry.name, variant.kind)
        explicit = [c for p in cs for c in p.countries]
        if explicit and explicit[0] != variant.country and variant.kind == "country":
            iso3 = explicit[0]
            return Actor(iso3 + (variant.sector or ""), iso3, variant.sector, entry.name, "country")
        return Actor(variant.code, variant.country, variant.sector, entry.name, variant.kind)

    def _actor(self, iso3: str, sector: str | None, kind: str) -> Actor:
        return Actor(iso3 + (sector or ""), iso3, sector, self.tables.countries.get(iso3), kind)

    def _mentions(self, st: ArticleState, text: str) -> tuple[Mention, ...]:
        idx, length = st.idx, st.length
        seen: set[tuple[int, int, str]] = set()
        out: list[Mention] = []
        for f in sorted(st.found, key=lambda f: (f.start, f.end, f.actor.code)):
            key = (f.start, f.end, f.actor.code)
            if key in seen:
                continue
            seen.add(key)
            start_char, end_char = idx[f.start], idx[f.end - 1] + length[f.end - 1]
            out.append(Mention(text[start_char:end_char], start_char, end_char, f.start, f.end,
                               st.sent_of[f.start], f.actor, f.antecedent, round(f.conf, 3)))
        return tuple(out)

    # ------------------------------------------------------------ lookup
    def lookup(self, name: str, date: dt.date | None = None) -> Actor | None:
        """The actor a user means by a name or code ("China", "CHN", "Chinese",
        "Wang Yi", "KORGOV"); see `ActorTables.lookup`."""
        return self.tables.lookup(name, date)


def _role(roles: list[Piece]) -> tuple[str | None, frozenset[str], bool]:
    """Sector of a run of role words: the last one decides, except that an
    inheriting word ("spokesman", "official", "chief") keeps the sector of the
    word before it ("army spokesman" -> MIL)."""
    sector: str | None = None
    kinds: set[str] = set()
    titled = False
    for r in roles:
        entry = r.entry
        if entry is None:
            continue
        if not (entry.inherit and sector is not None):
            sector = entry.sector
        if entry.role_kind:
            kinds.add(entry.role_kind)
        titled = entry.person_title
    return sector, frozenset(kinds), titled


def _replace_kind(actor: Actor, kind: str) -> Actor:
    return actor if actor.kind == kind else Actor(actor.code, actor.country, actor.sector, actor.name, kind)


def _body_references(doc, lowers: list[int], pieces: list[Piece]) -> list[Pending]:
    """"the bloc", "the regional body": a definite noun for an organisation, with no
    name of its own, refers back to an international body (coref.py resolves it).
    `lowers`: the Doc's LOWER array."""
    words = {doc.vocab.strings.add(w): w for w in BODY_WORDS | MODIFIED_BODY_WORDS}
    taken = {i for p in pieces for i in range(p.start, p.end)}
    out = []
    for i, low in enumerate(lowers):
        if low not in words or i in taken:
            continue
        tok = doc[i]
        mods = [c for c in tree.children(tok) if c.i < i]
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in mods) or any(
                c.pos_ == "PROPN" or c.i in taken for c in mods):
            continue  # "a bloc", "the NATO alliance" (named), "the Western alliance" (coded)
        if words[low] in MODIFIED_BODY_WORDS and not any(c.dep_ in ("amod", "compound") for c in mods):
            continue
        out.append(Pending(min(c.i for c in mods), i + 1, "body"))
    return out
