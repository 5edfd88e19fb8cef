"""Actor coding: who is named in an article, as CAMEO-style codes (CHNGOV, PRKMIL).

How a document is coded (`ActorCoder.code`), and why:
1. One spaCy PhraseMatcher (attribute LOWER) finds every surface form of the
   tables in one Cython pass; case is then checked per token against the
   table's spelling (acronyms exactly, capitalised names capitalised), so "US"
   is a country and "us" is not, while headlines in capitals still match.
   spaCy's named entities add people who are in no table (PERSON) and veto
   names inside places, events and dates ("the South China Sea").
2. Adjacent pieces joined by small words form one actor phrase: "Chinese
   Foreign Ministry spokesperson Wang Wenbin" is one Mention (CHNGOV);
   "Chinese and South Korean top diplomats" is two Mentions over the same span
   (CHNGOV, KORGOV), so the event coder finds both from the phrase's head.
3. What the phrase could not code by itself is resolved in article order:
   a surname after the full name, he/she, "the ministry", "the two sides",
   and, conservatively, "it". Resolved Mentions carry `antecedent` and a
   lower confidence; an actor whose country is unknown gets "---" + sector,
   as the CAMEO gold files write it, rather than an invented country.

The cost is a few dictionary lookups per token on top of the parse; see
bench/actors.py for the measured ratio.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .actor_tables import ActorTables, Entry, Person, dated, person_actor
from .types import Actor, Article, Mention

CONF_NAMED = 0.95  # a country, organisation or dated person with its role
CONF_COUNTRY = 0.9
CONF_DEMONYM = 0.85
CONF_CAPITAL = 0.8  # a capital standing for its government
CONF_KOREA_CONTEXT = 0.8  # "the North" in an article about Korea
CONF_BARE_KOREA = 0.7
CONF_TITLE_COUNTRY = 0.7  # the country a title implies ("Secretary of State")
CONF_SURNAME = 0.8
CONF_CONJ = 0.75
CONF_DEFINITE = 0.7
CONF_PRONOUN = 0.7
CONF_PLURAL = 0.7
CONF_IT = 0.6
CONF_CONTEXT = 0.6
CONF_LEAD = 0.5  # "the ministry" read as the government of the article's lead subject
CONF_UNKNOWN_COUNTRY = 0.4
LOCATIVE_FACTOR = 0.6
#: Named-entity labels whose spans are not actors: a country name inside them
#: ("the Korean War", "Chinese New Year", "Jordan" in a person's name) is dropped.
VETO_LABELS = frozenset({"PERSON", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT",
                         "LANGUAGE", "DATE", "TIME", "MONEY"})
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "LEG", "JUD"})
#: How far back coreference looks, in sentences.
WINDOW = 8
COUNTRY_KINDS = ("country", "capital", "demonym", "north_south", "bare_korea", "group")


@dataclass(slots=True)
class _Piece:
    """A table match or an unknown person: C (countries), O (organisation),
    P (person), R (role or sector word) or X (plural reference)."""

    start: int
    end: int
    kind: str
    entry: Entry | None = None
    countries: tuple[str, ...] = ()
    conf: float = 1.0
    hyphen: bool = False  # "Iran-backed": names a country, but not the head's
    adjectival: bool = False  # "Chinese", "U.S.-led": coordinates with its own kind


@dataclass(slots=True)
class _Found:
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
class _Pending:
    """Something only the article before it can resolve (pass 3)."""

    start: int
    end: int
    what: str  # role | person | pronoun | it | surname | plural | owned
    piece: _Piece | None = None
    sector: str | None = None
    kinds: frozenset[str] = frozenset()
    definite: bool = False
    person_title: bool = False


@dataclass(slots=True)
class _Article:
    """Per-document state, thrown away after `code` returns."""

    doc: object
    date: dt.date | None
    sent_of: list[int]
    korean: bool
    south: bool
    found: list[_Found] = field(default_factory=list)
    places: dict[int, set[str]] = field(default_factory=dict)  # sentence -> countries named as places


class ActorCoder:
    """Codes the actors of a parsed article; loads its tables once."""

    def __init__(self, tables: ActorTables) -> None:
        import spacy
        from spacy.matcher import PhraseMatcher

        self.tables = tables
        self.rules = tables.rules
        blank = spacy.blank("en")
        self._matcher = PhraseMatcher(blank.vocab, attr="LOWER")
        self._by_key: dict[str, list[tuple[Entry, tuple[str, ...]]]] = {}
        self._by_hash: dict[int, list[tuple[Entry, tuple[str, ...]]]] = {}
        for key, entries in tables.index.items():
            docs = {e.surface: blank.make_doc(e.surface) for e in entries}
            self._matcher.add(key, list(docs.values()))
            options = [(e, tuple(t.text for t in docs[e.surface])) for e in entries]
            self._by_key[key] = options
            self._by_hash[blank.vocab.strings[key]] = options

    @classmethod
    def from_package(cls) -> "ActorCoder":
        """The coder with the tables shipped in dyadwatch/data (people.csv if present)."""
        return cls(ActorTables.from_paths())

    @classmethod
    def from_paths(cls, **paths: Path | str | None) -> "ActorCoder":
        """The coder with some tables replaced (countries=, sectors=, titles=,
        organisations=, rules=, people=); the rest are the packaged ones."""
        return cls(ActorTables.from_paths(**{k: Path(v) if v else None for k, v in paths.items()}))

    # ------------------------------------------------------------------ coding
    def code(self, doc, article: Article) -> tuple[Mention, ...]:
        """All actor Mentions of an article, coreference resolved, in text order."""
        text = doc.text
        state = _Article(doc, article.date, _sentence_index(doc),
                         korean=any(m in text for m in self.rules.korea_context),
                         south=any(m in text for m in self.rules.korea_south))
        pieces = self._pieces(state)
        pending: list[_Pending] = [
            _Pending(p.start, p.end, "plural", piece=p) for p in pieces if p.kind == "X"]
        for p in pieces:
            head = doc[p.end - 1]
            if (p.kind == "C" and p.entry is not None and p.entry.kind in ("country", "capital")
                    and head.dep_ == "pobj" and head.head.lower_ in self.rules.locative):
                state.places.setdefault(state.sent_of[p.start], set()).update(p.countries)
        phrases = self._phrases(doc, [p for p in pieces if p.kind != "X"], state.sent_of)
        for phrase in phrases:
            self._code_phrase(state, phrase, pending)
        covered = bytearray(len(doc))
        for p in pieces:
            covered[p.start:p.end] = b"\x01" * (p.end - p.start)
        pending += self._pronouns_and_names(doc, covered)
        self._resolve(state, sorted(pending, key=lambda p: (p.start, p.end)))
        return self._mentions(state)

    def _pieces(self, st: _Article) -> list[_Piece]:
        doc = st.doc
        candidates: list[_Piece] = []
        veto = [(e.start, e.end) for e in doc.ents if e.label_ in VETO_LABELS]
        for match_id, start, end in self._matcher(doc):
            piece = self._piece(st, start, end, self._by_hash[match_id], veto)
            if piece is not None:
                candidates.append(piece)
        candidates.sort(key=lambda p: (p.start - p.end, p.start))
        taken = bytearray(len(doc))
        pieces: list[_Piece] = []
        for p in candidates:
            if not any(taken[p.start:p.end]):
                taken[p.start:p.end] = b"\x01" * (p.end - p.start)
                if p.kind != "-":
                    pieces.append(p)
        for p in pieces:
            # "Vietnamese - led forces" (split by the tokenizer) like "U.S.-led forces"
            if (p.kind == "C" and p.end + 1 < len(doc) and doc[p.end].text == "-"
                    and doc[p.end + 1].lower_ in self.rules.hyphen_suffixes
                    and not any(taken[p.end:p.end + 2])):
                p.hyphen = doc[p.end + 1].lower_ != "led"
                p.adjectival = True
                taken[p.end:p.end + 2] = b"\x01\x01"
                p.end += 2
        for token in doc:
            if not taken[token.i] and "-" in token.text.strip("-") and len(token.text) > 3:
                piece = self._hyphenated(token)
                if piece is not None:
                    taken[token.i] = 1
                    pieces.append(piece)
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            end = ent.end
            while end > ent.start and taken[end - 1]:
                end -= 1
            start = end
            while start > ent.start and not taken[start - 1]:
                start -= 1
            if end > start and any(t.pos_ == "PROPN" for t in doc[start:end]):
                taken[start:end] = b"\x01" * (end - start)
                pieces.append(_Piece(start, end, "P"))
        return sorted(pieces, key=lambda p: p.start)

    def _piece(self, st: _Article, start: int, end: int,
               options: list[tuple[Entry, tuple[str, ...]]],
               veto: list[tuple[int, int]]) -> _Piece | None:
        doc = st.doc
        span = doc[start:end]
        for entry, surface in options:
            if len(surface) != len(span) or not _case_ok(surface, span):
                continue
            kind = entry.kind
            if kind in COUNTRY_KINDS or kind in ("org", "person"):
                if any(vs <= start and end <= ve and (ve - vs) > (end - start) for vs, ve in veto):
                    if not (kind == "demonym" and any(vs == start for vs, _ in veto)):
                        continue
            if kind == "nonactor":
                return _Piece(start, end, "-", entry)
            if kind == "plural_ref":
                return _Piece(start, end, "X", entry)
            if kind == "role":
                pos = doc[end - 1].pos_
                if pos not in ("NOUN", "PROPN") and not (pos == "ADJ" and not entry.person_title):
                    continue
                return _Piece(start, end, "R", entry)
            if kind == "org":
                return _Piece(start, end, "O", entry)
            if kind == "person":
                return _Piece(start, end, "P", entry)
            if kind == "north_south":
                before = doc[start - 1].lower_ if start > 0 else ""
                after = doc[end] if end < len(doc) else None
                if not st.korean or before != "the" or (
                        after is not None and after.pos_ == "PROPN" and after.tag_ != "POS"):
                    continue
                return _Piece(start, end, "C", entry, entry.countries, CONF_KOREA_CONTEXT)
            if kind == "bare_korea":
                if not st.south:
                    continue
                return _Piece(start, end, "C", entry, ("KOR",), CONF_BARE_KOREA,
                              adjectival=entry.surface == "Korean")
            if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in ("anti", "pro", "non"):
                continue  # "anti-Syria journalist" is not Syrian
            conf = {"capital": CONF_CAPITAL, "demonym": CONF_DEMONYM}.get(kind, CONF_COUNTRY)
            return _Piece(start, end, "C", entry, entry.countries, conf, adjectival=kind == "demonym")
        return None

    def _hyphenated(self, token) -> _Piece | None:
        """"U.S.-led", "Iran-backed", "U.S.-China": countries inside one token."""
        parts = [p for p in token.text.split("-") if p]
        suffix = parts[-1].lower() if parts and parts[-1].lower() in self.rules.hyphen_suffixes else None
        if suffix:
            parts = parts[:-1]
        countries: list[str] = []
        for part in parts:
            found = None
            for entry, surface in self._by_key.get(part.lower(), ()):
                if entry.kind in ("country", "demonym") and _case_ok(surface, [part]):
                    found = entry
                    break
            if found is None:
                return None
            countries += [c for c in found.countries if c not in countries]
        if not countries:
            return None
        # "U.S.-led forces" are the country's; "Iran-backed rebels" are not Iran's.
        return _Piece(token.i, token.i + 1, "C", None, tuple(countries), CONF_DEMONYM,
                      hyphen=suffix not in (None, "led"), adjectival=True)

    # ------------------------------------------------------------ phrases
    def _phrases(self, doc, pieces: list[_Piece], sent_of: list[int]) -> list[list[_Piece]]:
        phrases: list[list[_Piece]] = []
        for piece in pieces:
            if phrases and self._joins(doc, phrases[-1], piece, sent_of):
                phrases[-1].append(piece)
            else:
                phrases.append([piece])
        return phrases

    def _joins(self, doc, phrase: list[_Piece], nxt: _Piece, sent_of: list[int]) -> bool:
        """May `nxt` extend the phrase? Only across small words of one noun phrase."""
        left = phrase[-1]
        if left.hyphen or nxt.hyphen or sent_of[left.end - 1] != sent_of[nxt.start]:
            return False
        gap = doc[left.end:nxt.start]
        if len(gap) > 4:
            return False
        has_country = any(p.kind in ("C", "O") for p in phrase)
        has_role = any(p.kind in ("R", "P") for p in phrase)
        pair = left.kind + nxt.kind
        words = {t.lower_ for t in gap}
        coordinated = bool(words & {"and", "or", "&", ",", "-"})
        if pair in ("CC", "OO"):
            if not coordinated or (left.adjectival != nxt.adjectival and "-" not in words):
                return False
        elif pair in ("PC", "PO", "RC", "RO"):
            if not words & {"of", "in", "for"} or has_country:
                return False
        elif pair not in ("CR", "CP", "CO", "OR", "OP", "RR", "RP", "OC"):
            return False
        for t in gap:
            low = t.lower_
            if low in ("the", "a", "an") or t.tag_ == "POS":
                continue
            if low in ("and", "or", "&", "-", "–") and pair in ("CC", "OO"):
                continue
            if low == "," and pair == "CC" and left.adjectival and nxt.adjectival:
                continue
            if low == "of" and has_role and not has_country and nxt.kind in ("C", "O"):
                continue
            if (low == "for" and left.kind == "R" and left.entry is not None
                    and left.entry.person_title and not has_country):
                continue  # "a spokeswoman for President Moon", "spokesman for the ministry"
            if (low == "in" and left.kind == "R" and not has_country and nxt.kind == "C"
                    and left.entry is not None and left.entry.sector in self.rules.context_sectors
                    and nxt.entry is not None and nxt.entry.kind in ("country", "capital")):
                continue
            if low in self.rules.modifiers or t.pos_ == "ADJ":
                continue
            if t.pos_ in ("NOUN", "PROPN") and t.dep_ == "compound" and not t.ent_type_ == "DATE":
                continue
            return False
        return True

    def _code_phrase(self, st: _Article, phrase: list[_Piece], pending: list[_Pending]) -> None:
        doc = st.doc
        start, end = phrase[0].start, phrase[-1].end
        cs = [p for p in phrase if p.kind == "C"]
        orgs = [p for p in phrase if p.kind == "O"]
        people = [p for p in phrase if p.kind == "P"]
        roles = [p for p in phrase if p.kind == "R"]
        sector, kinds, titled = _role(roles)
        former = any(t.lower_ in self.rules.former for t in doc[max(0, start - 2):end])
        if former and (people or titled):
            sector = "ELI"
        person = people[-1] if people else None
        names = tuple(t.text for t in doc[person.start:person.end]) if person else ()
        name = doc[person.start:person.end].text if person else None
        if orgs:
            shared = len(orgs) == 1 or phrase[-1].kind in ("R", "P")
            for org in orgs:
                actor = self._org_actor(org, cs, sector, st.date)
                kind = "person" if person else actor.kind
                span = (start, end) if shared else (org.start, org.end)
                st.found.append(_Found(*span, _replace_kind(actor, kind), CONF_NAMED,
                                       kinds=kinds, person=person is not None, name=name,
                                       name_tokens=names))
            return
        countries = [c for p in cs for c in p.countries]
        countries = list(dict.fromkeys(countries))
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
                st.found.append(_Found(start, end, self._actor(iso3, sector, kind), conf, kinds=kinds))
            return
        self._countries_only(st, cs)

    def _countries_only(self, st: _Article, cs: list[_Piece]) -> None:
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
                st.found.append(_Found(start, end, self._actor(iso3, sector, "country"), conf,
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

    def _code_person(self, st: _Article, start: int, end: int, person: _Piece,
                     countries: list[str], roles: list[_Piece], sector: str | None,
                     kinds: frozenset[str], former: bool, conf: float,
                     pending: list[_Pending]) -> None:
        doc = st.doc
        names = tuple(t.text for t in doc[person.start:person.end])
        label = doc[person.start:person.end].text
        known = person.entry.person if person.entry is not None else None
        if known is not None:
            actor, pconf = person_actor(known, st.date, self.tables.countries)
            kinds = kinds | self._office_kinds(known, st.date)
            country = countries[0] if countries else actor.country
            if countries or roles or former:
                sector = sector if (roles or former) else actor.sector
                if country is None:
                    actor = Actor(actor.code, None, actor.sector, known.name, "person")
                else:
                    actor = Actor(country + (sector or ""), country, sector, known.name, "person")
                pconf = max(pconf, conf if countries else pconf)
            st.found.append(_Found(start, end, actor, pconf, kinds=kinds, person=True,
                                   name=label, name_tokens=names))
            return
        if countries:
            st.found.append(_Found(start, end, Actor(countries[0] + (sector or ""), countries[0],
                                                     sector, label, "person"),
                                   conf, kinds=kinds, person=True, name=label, name_tokens=names))
            return
        default = roles[-1].entry.default_country if roles and roles[-1].entry else None
        if default:
            st.found.append(_Found(start, end, Actor(default + (sector or ""), default, sector,
                                                     label, "person"),
                                   CONF_TITLE_COUNTRY, kinds=kinds, person=True, name=label,
                                   name_tokens=names))
            return
        pending.append(_Pending(start, end, "person", piece=person, sector=sector, kinds=kinds))

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

    def _role_only(self, st: _Article, phrase: list[_Piece], head: _Piece, sector: str | None,
                   kinds: frozenset[str], titled: bool, pending: list[_Pending]) -> None:
        doc = st.doc
        entry = head.entry
        start, end = phrase[0].start, phrase[-1].end
        if entry is None or doc[head.end - 1].pos_ == "ADJ":
            return
        owner = doc[start - 1].lower_ if start > 0 else ""
        if owner in ("its", "their"):  # "its state media", "their defence ministries"
            pending.append(_Pending(start - 1, end, "owned", sector=sector, kinds=kinds,
                                    definite=owner == "their"))
            return
        if entry.needs_country:
            return
        if entry.without_country:
            variant = self.tables.org_codes.get(entry.without_country)
            st.found.append(_Found(start, end, Actor(entry.without_country, None, sector,
                                                     None, variant.kind if variant else "igo"),
                                   CONF_TITLE_COUNTRY, kinds=kinds))
            return
        if entry.default_country:
            st.found.append(_Found(start, end, self._actor(entry.default_country, sector, "title"),
                                   CONF_TITLE_COUNTRY, kinds=kinds, person=titled))
            return
        definite = start > 0 and doc[start - 1].lower_ in ("the", "this", "that")
        if doc[start].lower_ in ("the", "this", "that"):
            definite = True
        pending.append(_Pending(start, end, "role", sector=sector, kinds=kinds,
                                definite=definite, person_title=titled))

    def _org_actor(self, org: _Piece, cs: list[_Piece], sector: str | None,
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

    # ------------------------------------------------------------ coreference
    def _pronouns_and_names(self, doc, covered: bytearray) -> list[_Pending]:
        out: list[_Pending] = []
        for t in doc:
            if covered[t.i]:
                continue
            low = t.lower_
            if t.pos_ == "PRON" and low in self.rules.person_pronouns:
                out.append(_Pending(t.i, t.i + 1, "pronoun"))
            elif (t.pos_ == "PRON" and low in self.rules.thing_pronouns and t.dep_ == "nsubj"
                  and t.head.lemma_.lower() not in self.rules.expletive_heads):
                out.append(_Pending(t.i, t.i + 1, "it"))
            elif t.pos_ == "PROPN" and t.text[:1].isupper():
                out.append(_Pending(t.i, t.i + 1, "surname"))
        return out

    def _resolve(self, st: _Article, pending: list[_Pending]) -> None:
        """Pass 3: resolve in text order; `history` holds every mention that
        starts before the item (pass-1 and resolved), sorted by position."""
        base = sorted(st.found, key=lambda f: f.start)
        history: list[_Found] = []
        registry: dict[str, _Found] = {}
        cover: dict[int, list[_Found]] = {}
        for f in base:
            for i in range(f.start, f.end):
                cover.setdefault(i, []).append(f)
        pointer = 0
        for item in pending:
            while pointer < len(base) and base[pointer].start < item.start:
                history.append(base[pointer])
                self._register(registry, base[pointer])
                pointer += 1
            for f in self._resolve_one(st, item, history, registry, cover):
                history.append(f)
                st.found.append(f)
                self._register(registry, f)
                for i in range(f.start, f.end):
                    cover.setdefault(i, []).append(f)

    def _resolve_one(self, st: _Article, item: _Pending, history: list[_Found],
                     registry: dict[str, _Found], cover: dict[int, list[_Found]]) -> list[_Found]:
        doc = st.doc
        text = doc[item.start:item.end].text
        if item.what in ("surname", "person"):
            hit = registry.get(text)
            if hit is None and item.end - item.start == 1:
                hit = registry.get(doc[item.start].text)
            if hit is not None:
                return [_Found(item.start, item.end, hit.actor, min(hit.conf, CONF_SURNAME),
                               antecedent=_name(hit), kinds=hit.kinds, person=True,
                               name=hit.name, name_tokens=hit.name_tokens)]
            if item.what == "person" and item.sector:
                iso3 = self._context_country(st, item.start)
                code = (iso3 or "---") + item.sector
                return [_Found(item.start, item.end, Actor(code, iso3, item.sector, text, "person"),
                               CONF_CONTEXT if iso3 else CONF_UNKNOWN_COUNTRY, kinds=item.kinds,
                               person=True, name=text,
                               name_tokens=tuple(t.text for t in doc[item.piece.start:item.piece.end]))]
            return []
        if item.what == "pronoun":
            for f in _recent(st, history, item.start):
                if f.person:
                    return [_Found(item.start, item.end, f.actor, min(f.conf, CONF_PRONOUN),
                                   antecedent=f.antecedent or _name(f) or f.source(doc),
                                   person=True, kinds=f.kinds, name=f.name,
                                   name_tokens=f.name_tokens)]
            return []
        if item.what == "it":
            antecedent = self._it_antecedent(st, item.start, cover)
            if antecedent is None:
                return []
            return [_Found(item.start, item.end, antecedent.actor, min(antecedent.conf, CONF_IT),
                           antecedent=antecedent.source(doc), kinds=antecedent.kinds)]
        if item.what == "plural":
            return self._plural(st, item, history)
        if item.what == "owned":
            return self._owned(st, item, history, cover)
        return self._role_reference(st, item, history, cover)

    def _role_reference(self, st: _Article, item: _Pending, history: list[_Found],
                        cover: dict[int, list[_Found]]) -> list[_Found]:
        doc = st.doc
        sector = item.sector
        if item.definite:
            for f in _recent(st, history, item.start):
                if (f.kinds & item.kinds and f.actor.country is not None and not f.place
                        and f.actor.sector in (sector, "ELI" if f.person else sector)):
                    if item.person_title and f.person:
                        actor = f.actor
                    else:
                        actor = self._actor(f.actor.country, f.actor.sector, "country")
                    return [_Found(item.start, item.end, actor, min(f.conf, CONF_DEFINITE),
                                   antecedent=f.source(doc), kinds=item.kinds,
                                   person=item.person_title and f.person,
                                   name=f.name if item.person_title else None,
                                   name_tokens=f.name_tokens if item.person_title else ())]
        head = doc[item.end - 1]
        if head.dep_ == "conj":
            for f in cover.get(head.head.i, []):
                if f.actor.country is not None:
                    iso3 = f.actor.country
                    return [_Found(item.start, item.end, self._actor(iso3, sector, "group"),
                                   CONF_CONJ, antecedent=f.source(doc), kinds=item.kinds)]
        if sector in self.rules.context_sectors:
            places = st.places.get(st.sent_of[item.start], set())
            if len(places) == 1:
                iso3 = next(iter(places))
                return [_Found(item.start, item.end, self._actor(iso3, sector, "group"),
                               CONF_CONTEXT, kinds=item.kinds)]
        lead = self._lead_country(st) if item.definite and sector == "GOV" else None
        if lead is not None:
            kind = "title" if item.person_title else "country"
            return [_Found(item.start, item.end, self._actor(lead, sector, kind), CONF_LEAD,
                           kinds=item.kinds)]
        if sector is None:
            return []
        kind = "title" if item.person_title else "group"
        return [_Found(item.start, item.end, Actor("---" + sector, None, sector, None, kind),
                       CONF_UNKNOWN_COUNTRY, kinds=item.kinds, person=item.person_title)]

    @staticmethod
    def _lead_country(st: _Article) -> str | None:
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

    def _context_country(self, st: _Article, i: int) -> str | None:
        """The country an unnamed office holder most likely serves ("President X
        declared a curfew in Haiti"): the only country named in the sentence,
        else the article's dominant country (two thirds of its country mentions)."""
        sentence = st.sent_of[i]
        here = {f.actor.country for f in st.found if st.sent_of[f.start] == sentence} - {None}
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

    def _plural(self, st: _Article, item: _Pending, history: list[_Found]) -> list[_Found]:
        """"the two sides": the latest group of exactly that many countries named
        together ("Japan and South Korea", "Chinese and Korean diplomats"), else
        the last distinct countries named, nearest first. Places do not count."""
        count = item.piece.entry.count
        chosen: list[_Found] = []
        for f in _recent(st, history, item.start):
            group = self._coordinated(st.doc, history, f)
            if len(group) == count:
                chosen = group
                break
        if not chosen:
            for f in _recent(st, history, item.start):
                country = f.actor.country
                if country is not None and not f.place and all(c.actor.country != country for c in chosen):
                    chosen.append(f)
                    if len(chosen) == count:
                        break
            chosen.reverse()
        if len(chosen) < count:
            return []
        return [_Found(item.start, item.end, self._actor(f.actor.country, item.piece.entry.sector,
                                                         "country"),
                       CONF_PLURAL, antecedent=f.source(st.doc)) for f in chosen]

    def _owned(self, st: _Article, item: _Pending, history: list[_Found],
               cover: dict[int, list[_Found]]) -> list[_Found]:
        """"its state media": the organisation or country "it" would be;
        "their ministries": each country of the last group named together."""
        doc = st.doc
        if item.definite:  # "their"
            for f in _recent(st, history, item.start):
                group = self._coordinated(doc, history, f)
                if len(group) >= 2:
                    return [_Found(item.start, item.end, self._actor(g.actor.country, item.sector,
                                                                     "country"),
                                   CONF_PLURAL, antecedent=g.source(doc)) for g in group]
            return []
        owner = self._it_antecedent(st, item.start, cover, skip=(item.start, item.end))
        if owner is None:
            owner = next((f for f in _recent(st, history, item.start)
                          if st.sent_of[f.start] == st.sent_of[item.start] and not f.person
                          and f.actor.country is not None and not f.place), None)
        if owner is None:
            return []
        return [_Found(item.start, item.end, self._actor(owner.actor.country, item.sector, "country"),
                       min(owner.conf, CONF_IT), antecedent=owner.source(doc), kinds=item.kinds)]

    @staticmethod
    def _coordinated(doc, history: list[_Found], f: _Found) -> list[_Found]:
        """The countries named together with f: over the same span ("Chinese and
        Korean diplomats") or next to it across "and", "or", commas ("Japan and
        South Korea"), found in the text rather than the parse, which often
        attaches such lists wrongly. One mention per country, in text order."""
        joiners = {"and", "or", ",", "&", "the", "both", "(", ")"}
        members = [g for g in history if g.start == f.start and g.end == f.end]
        left, right = f.start, f.end
        for g in reversed(history):
            if g.end <= left and all(t.lower_ in joiners for t in doc[g.end:left]) and g.end < left:
                members.append(g)
                left = g.start
        for g in history:
            if g.start >= right and all(t.lower_ in joiners for t in doc[right:g.start]) and g.start > right:
                members.append(g)
                right = g.end
        group: list[_Found] = []
        for g in sorted(members, key=lambda g: g.start):
            if (g.actor.country is not None and not g.place
                    and all(c.actor.country != g.actor.country for c in group)):
                group.append(g)
        return group

    def _it_antecedent(self, st: _Article, i: int, cover: dict[int, list[_Found]],
                       skip: tuple[int, int] | None = None) -> _Found | None:
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
                                and f.actor.country is not None):
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
    def _register(registry: dict[str, _Found], f: _Found) -> None:
        if not f.person or not f.name or not f.name_tokens:
            return
        registry[f.name] = f
        for token in (f.name_tokens[0], f.name_tokens[-1]):
            if len(token) > 1 and token[:1].isupper():
                registry[token] = f

    def _mentions(self, st: _Article) -> tuple[Mention, ...]:
        doc = st.doc
        seen: set[tuple[int, int, str]] = set()
        out: list[Mention] = []
        for f in sorted(st.found, key=lambda f: (f.start, f.end, f.actor.code)):
            key = (f.start, f.end, f.actor.code)
            if key in seen:
                continue
            seen.add(key)
            first, last = doc[f.start], doc[f.end - 1]
            start_char, end_char = first.idx, last.idx + len(last.text)
            out.append(Mention(doc.text[start_char:end_char], start_char, end_char, f.start, f.end,
                               st.sent_of[f.start], f.actor, f.antecedent, round(f.conf, 3)))
        return tuple(out)

    # ------------------------------------------------------------ lookup
    def lookup(self, name: str, date: dt.date | None = None) -> Actor | None:
        """The actor a user means by a name or code ("China", "CHN", "Chinese",
        "Wang Yi", "KORGOV"); see `ActorTables.lookup`."""
        return self.tables.lookup(name, date)


def _recent(st: _Article, history: list[_Found], i: int):
    """Mentions before token i, nearest first, within WINDOW sentences."""
    floor = st.sent_of[i] - WINDOW
    for f in reversed(history):
        if st.sent_of[f.start] < floor:
            return
        yield f


def _sentence_index(doc) -> list[int]:
    index = [0] * len(doc)
    for n, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = n
    return index


def _case_ok(surface, span) -> bool:
    """Acronyms must match exactly ("US" is not "us"); capitalised table words
    must be capitalised in the text; lower-case table words match any case."""
    for s, token in zip(surface, span):
        t = token if isinstance(token, str) else token.text
        if len(s) > 1 and s.isupper():
            if t != s:
                return False
        elif s[:1].isupper() and not t[:1].isupper():
            return False
    return True


def _role(roles: list[_Piece]) -> tuple[str | None, frozenset[str], bool]:
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


def _name(f: _Found) -> str | None:
    return f.name or f.actor.name

