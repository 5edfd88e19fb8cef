"""Actor coding: who is named in an article, as CAMEO-style codes (CHNGOV, PRKMIL).

How a document is coded (`ActorCoder.code`), and why:
1. One phrase table (phrases.py: spaCy's PhraseMatcher with attribute LOWER,
   as plain dicts on the Doc's LOWER array) finds every surface form of the
   tables; case is then checked per token against the
   table's spelling (acronyms exactly, capitalised names capitalised), so "US"
   is a country and "us" is not, while headlines in capitals still match.
   spaCy's named entities add people who are in no table (PERSON) and veto
   names inside places, events and dates ("the South China Sea").
2. Adjacent pieces joined by small words form one actor phrase: "Chinese
   Foreign Ministry spokesperson Wang Wenbin" is one Mention (CHNGOV);
   "Chinese and South Korean top diplomats" is two Mentions over the same span
   (CHNGOV, KORGOV), so the event coder finds both from the phrase's head.
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
from dataclasses import dataclass
from pathlib import Path

from .actor_tables import ActorTables, Entry, Person, dated, person_actor, typographic_variants
from .coref import ArticleState, Coreference, Found, Pending
from .geo import dateline_span
from .nlp import doc_text
from .phrases import PhraseTable
from ..types import Actor, Article, Mention

CONF_NAMED = 0.95  # a country, organisation or dated person with its role
CONF_COUNTRY = 0.9
CONF_DEMONYM = 0.85
CONF_CAPITAL = 0.8  # a capital standing for its government
CONF_KOREA_CONTEXT = 0.8  # "the North" in an article about Korea
CONF_BARE_KOREA = 0.7
CONF_TITLE_COUNTRY = 0.7  # the country a title implies ("Secretary of State")
CONF_SURNAME_ONLY = 0.9  # factor for a person named by surname alone ("Putin said")
LOCATIVE_FACTOR = 0.6
CONF_UNKNOWN_ORG = 0.4  # an organisation in no table: named, but of unknown country
#: Named-entity labels whose spans are not actors: a country name inside them
#: ("the Korean War", "Chinese New Year", "Jordan" in a person's name) is dropped.
VETO_LABELS = frozenset({"PERSON", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT",
                         "LANGUAGE", "DATE", "TIME", "MONEY"})
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "LEG", "JUD"})
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


class ActorCoder:
    """Codes the actors of a parsed article; loads its tables once."""

    def __init__(self, tables: ActorTables) -> None:
        import spacy

        self.tables = tables
        self.rules = tables.rules
        self._coref = Coreference(tables.rules, tables.countries)
        blank = spacy.blank("en")
        self._by_key: dict[str, list[tuple[Entry, tuple[str, ...]]]] = {}
        surfaces: list[tuple[str, list[str]]] = []
        for key, entries in tables.index.items():
            docs = {e.surface: blank.make_doc(e.surface) for e in entries}
            typeset = [blank.make_doc(v) for e in entries for v in typographic_variants(e.surface)]
            surfaces.extend((key, [t.lower_ for t in d])  # "People\u2019s" as "People's"
                            for d in [*docs.values(), *typeset])
            self._by_key[key] = [(e, tuple(t.text for t in docs[e.surface])) for e in entries]
        self._surfaces = PhraseTable.build(surfaces)

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
        text = doc_text(doc, article)
        state = ArticleState(doc, article.date, _sentence_index(doc),
                             korean=any(m in text for m in self.rules.korea_context),
                             south=any(m in text for m in self.rules.korea_south))
        pieces = self._residence(doc, self._pieces(state), state.sent_of)
        pending = [Pending(p.start, p.end, "plural", sector=p.entry.sector, count=p.entry.count,
                           person_title=p.entry.person_title)
                   for p in pieces if p.kind == "X" and p.entry is not None]
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
        self._unknown_orgs(state, covered)
        pending += self._coref.candidates(doc, covered)
        self._coref.resolve(state, sorted(pending, key=lambda p: (p.start, p.end)))
        dateline = dateline_span(text) or (0, 0)
        return tuple(m for m in self._mentions(state, text)
                     if not dateline[0] <= m.start < dateline[1])  # the dateline is no actor

    def _unknown_orgs(self, st: ArticleState, covered: bytearray) -> None:
        """An organisation no table knows ("the Civil Liberty Organisation")
        that acts in its clause is still an actor: code "---" (country unknown),
        so that its demands and protests are not lost. Only named entities
        spaCy labels ORG, that no table word touches, of two words or an
        acronym, and that are a subject or a passive agent."""
        doc = st.doc
        for ent in doc.ents:
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

    def _pieces(self, st: ArticleState) -> list[_Piece]:
        doc = st.doc
        candidates: list[_Piece] = []
        veto = [(e.start, e.end, e.label_) for e in doc.ents if e.label_ in VETO_LABELS]
        for key, start, end in self._surfaces.matches(doc):
            piece = self._piece(st, start, end, self._by_key[key], veto)
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

    def _piece(self, st: ArticleState, start: int, end: int,
               options: list[tuple[Entry, tuple[str, ...]]],
               veto: list[tuple[int, int, str]]) -> _Piece | None:
        doc = st.doc
        span = doc[start:end]
        for entry, surface in options:
            if len(surface) != len(span) or not _case_ok(surface, span):
                continue
            kind = entry.kind
            if (kind in COUNTRY_KINDS or kind in ("org", "person")) and self._vetoed(
                    doc, start, end, kind, veto):
                continue
            if kind == "nonactor":
                return _Piece(start, end, "-", entry)
            if kind == "plural_ref":
                return _Piece(start, end, "X", entry)
            if kind == "role":
                pos = doc[end - 1].pos_
                if pos not in ("NOUN", "PROPN") and not (pos == "ADJ" and not entry.person_title):
                    continue
                if self._inside_name(doc, start):
                    continue  # "Defence Secretary Tom King": a surname, not a title
                return _Piece(start, end, "R", entry)
            if kind == "org":
                return _Piece(start, end, "O", entry)
            if kind == "person" and entry.surname:
                return self._surname_piece(st, start, end, options, span)
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

    def _residence(self, doc, pieces: list[_Piece], sent_of: list[int]) -> list[_Piece]:
        """Ethnic groups are coded by the country they live in, as CAMEO and
        PLOVER coders do: "Bosnian Serbs" and "Croatian Serb refugees" are BIH
        and HRV (a demonym right after another is folded into the first), and "ethnic Albanians in southern Serbia"
        or "the Albanians of Kosovo" are SRB/XKX (a people noun followed by
        in/of and a country takes that country; the country stays a place).
        A people noun is a demonym used as a plural noun, not as an adjective."""
        out: list[_Piece] = []
        for p in pieces:
            prev = out[-1] if out else None
            if (prev is not None and p.kind == "C" and prev.kind == "C" and prev.end == p.start
                    and p.entry is not None and p.entry.kind == "demonym" and not prev.hyphen
                    and prev.entry is not None and prev.entry.kind == "demonym"):
                prev.end = p.end  # "Bosnian Serbs", "Croatian Serb refugees"
                continue
            out.append(p)
        for i, p in enumerate(out):
            if p.kind != "C" or not self._people_noun(doc, p) or i + 1 == len(out):
                continue
            q = out[i + 1]
            gap = doc[p.end:q.start]
            if (q.kind == "C" and q.entry is not None and q.entry.kind == "country"
                    and sent_of[p.start] == sent_of[q.start] and 1 <= len(gap) <= 3
                    and gap[0].lower_ in ("in", "of")
                    and all(t.pos_ in ("ADJ", "DET", "PROPN") or t.lower_ in self.rules.regions
                            for t in gap[1:])):
                p.countries = q.countries
        return out

    @staticmethod
    def _people_noun(doc, p: _Piece) -> bool:
        """"Serbs", "Albanians", "Kurds": a plural demonym heading its own noun phrase."""
        head = doc[p.end - 1]
        return (p.entry is not None and p.entry.kind == "demonym" and head.tag_ in ("NNS", "NNPS")
                and head.text[:1].isupper())

    def _inside_name(self, doc, start: int) -> bool:
        """Does a title word continue a person's name ("Tom King", "Ann
        General")? It does when the word before is a capitalised given name
        inside the same PERSON entity and is itself no title."""
        if start == 0:
            return False
        prev, tok = doc[start - 1], doc[start]
        return (tok.ent_type_ == "PERSON" and tok.ent_iob_ == "I" and prev.ent_type_ == "PERSON"
                and prev.pos_ == "PROPN" and prev.text[:1].isupper()
                and not any(e.kind == "role" for e in self.tables.index.get(prev.lower_, ())))

    def _vetoed(self, doc, start: int, end: int, kind: str,
                veto: list[tuple[int, int, str]]) -> bool:
        """Is the match part of a larger named entity that is not an actor
        ("the South China Sea", "Jordan" in "Michael Jordan", "Bush" in "Jeb
        Bush")? A demonym opening the entity ("Chinese President Xi" tagged
        PERSON) and a known name after a title ("Foreign Minister Wang Yi")
        are kept."""
        for vs, ve, label in veto:
            if not (vs <= start and end <= ve and ve - vs > end - start):
                continue
            if kind == "demonym" and vs == start:
                continue
            if kind == "person" and label == "PERSON":
                around = [doc[i] for i in (start - 1, end) if vs <= i < ve]
                if not any(t.pos_ == "PROPN" and not any(
                        e.kind == "role" for e in self.tables.index.get(t.lower_, ())) for t in around):
                    continue
            return True
        return False

    @staticmethod
    def _surname_piece(st: ArticleState, start: int, end: int, options, span) -> _Piece | None:
        """A bare surname ("Putin") names its only holder in the table; when two
        holders share it ("Castro"), the one in office on the article's date, or
        undated, any of them when they all held offices of one country and sector."""
        holders = {e.person.name: e for e, surface in options
                   if e.kind == "person" and e.surname and e.person and _case_ok(surface, span)}
        if len(holders) > 1 and st.date is not None:
            holders = {n: e for n, e in holders.items()
                       if any((o.start is None or o.start <= st.date)
                              and (o.end is None or st.date <= o.end) for o in e.person.offices)}
        if len(holders) > 1 and st.date is None:
            # undated: holders who all served one country in one sector ("Bush") are
            # interchangeable for coding; keep the latest
            kinds = {(o.country, o.sector) for e in holders.values() for o in e.person.offices}
            if len(kinds) == 1:
                holders = dict([max(holders.items(), key=lambda kv: max(
                    (o.start or dt.date.min) for o in kv[1].person.offices))])
        if len(holders) != 1:
            return None
        return _Piece(start, end, "P", next(iter(holders.values())), conf=CONF_SURNAME_ONLY)

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
            # "Chinese and U.S. troops" coordinates, "Syria and Palestinian leader" does not
            if not coordinated or (not left.adjectival and nxt.adjectival and "-" not in words):
                return False
        elif pair in ("PC", "PO", "RC", "RO"):
            if not words & ({"of", "in", "for"} if pair == "RO" else {"of", "in"}) or has_country:
                return False
        elif pair == "PR":  # "the Trump administration", "Putin's government"
            if (nxt.entry is None or nxt.entry.person_title or nxt.entry.sector != "GOV"
                    or any(t.tag_ != "POS" for t in gap)):
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
            if (low == "for" and left.kind == "R" and nxt.kind in ("R", "P", "O")
                    and left.entry is not None and left.entry.person_title and not has_country):
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

    def _code_phrase(self, st: ArticleState, phrase: list[_Piece], pending: list[Pending]) -> None:
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

    def _countries_only(self, st: ArticleState, cs: list[_Piece]) -> None:
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

    def _code_person(self, st: ArticleState, start: int, end: int, person: _Piece,
                     countries: list[str], roles: list[_Piece], sector: str | None,
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

    def _role_only(self, st: ArticleState, phrase: list[_Piece], head: _Piece, sector: str | None,
                   kinds: frozenset[str], titled: bool, pending: list[Pending]) -> None:
        doc = st.doc
        entry = head.entry
        start, end = phrase[0].start, phrase[-1].end
        if entry is None or doc[head.end - 1].pos_ == "ADJ":
            return
        owner = doc[start - 1].lower_ if start > 0 else ""
        if owner in ("its", "their"):  # "its state media", "their defence ministries"
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

    def _mentions(self, st: ArticleState, text: str) -> tuple[Mention, ...]:
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
            out.append(Mention(text[start_char:end_char], start_char, end_char, f.start, f.end,
                               st.sent_of[f.start], f.actor, f.antecedent, round(f.conf, 3)))
        return tuple(out)

    # ------------------------------------------------------------ lookup
    def lookup(self, name: str, date: dt.date | None = None) -> Actor | None:
        """The actor a user means by a name or code ("China", "CHN", "Chinese",
        "Wang Yi", "KORGOV"); see `ActorTables.lookup`."""
        return self.tables.lookup(name, date)


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
