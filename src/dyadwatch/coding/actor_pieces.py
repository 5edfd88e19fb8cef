"""Actor words in a parsed article: table matches, countries inside hyphenated
tokens and people spaCy names, as `Piece`s, joined into actor phrases.

Steps 1 and 2 of `ActorCoder.code` (actors.py). Finding and joining the
words is kept apart from coding a phrase, because the first is about
surfaces (case, named-entity vetoes, which match wins an overlap) and the
second about what a phrase means (sector, person, country).

One phrase table (phrases.py: spaCy's PhraseMatcher with attribute LOWER,
as plain dicts on the Doc's LOWER array) finds every surface form of the
tables; case is then checked per token against the table's spelling
(acronyms exactly, capitalised names capitalised), so "US" is a country and
"us" is not, while headlines in capitals still match.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .actor_state import ArticleState
from .actor_tables import ActorTables, Entry, typographic_variants
from .nlp import sentences
from .phrases import PhraseTable

CONF_COUNTRY = 0.9
CONF_DEMONYM = 0.85
CONF_CAPITAL = 0.8  # a capital standing for its government
CONF_KOREA_CONTEXT = 0.8  # "the North" in an article about Korea
CONF_BARE_KOREA = 0.7
CONF_SURNAME_ONLY = 0.9  # factor for a person named by surname alone ("Putin said")
#: Named-entity labels whose spans are not actors: a country name inside them
#: ("the Korean War", "Chinese New Year", "Jordan" in a person's name) is dropped.
VETO_LABELS = frozenset({"PERSON", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT",
                         "LANGUAGE", "DATE", "TIME", "MONEY"})
COUNTRY_KINDS = ("country", "capital", "demonym", "north_south", "bare_korea", "group")


@dataclass(slots=True)
class Piece:
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



class PieceFinder:
    """Finds the `Piece`s of a parsed article and joins them into phrases;
    holds the phrase table built from the actor tables once."""

    def __init__(self, tables: ActorTables) -> None:
        import spacy

        self.tables = tables
        self.rules = tables.rules
        blank = spacy.blank("en")
        self._by_key: dict[str, list[tuple[Entry, tuple[str, ...]]]] = {}
        surfaces: list[tuple[str, list[str]]] = []
        for key, entries in tables.index.items():
            docs = {e.surface: blank.make_doc(e.surface) for e in entries}
            typeset = [blank.make_doc(v) for e in entries for v in typographic_variants(e.surface)]
            surfaces.extend((key, [t.lower_ for t in d])  # "People\u2019s" as "People's"
                            for d in [*docs.values(), *typeset])
            self._by_key[key] = [(e, tuple(t.text for t in docs[e.surface])) for e in entries]
        self.surfaces = PhraseTable.build(surfaces)

    def find(self, st: ArticleState) -> list[Piece]:
        """Every piece of the article, in text order, ethnic groups placed by residence."""
        return self._residence(st.doc, self._pieces(st), st.sent_of)

    def _pieces(self, st: ArticleState) -> list[Piece]:
        doc = st.doc
        veto = _veto_index(doc, st.ents)
        strings = doc.vocab.strings
        orths = st.orth
        taken = bytearray(len(doc))
        pieces: list[Piece] = []
        # Longest match first, then leftmost; a match inside words already taken
        # can no longer win, so it is not judged at all ("north" and "korea" in
        # "North Korea" were: half the table matches of a news text).
        matches = sorted(self.surfaces.matches(doc, st.lower), key=lambda m: (m[1] - m[2], m[1]))
        for key, start, end in matches:
            if any(taken[start:end]):
                continue
            words = [strings[o] for o in orths[start:end]]
            p = self._piece(st, start, end, words, self._by_key[key], veto)
            if p is not None:
                taken[start:end] = b"\x01" * (end - start)
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
        for i in _hyphenated_words(strings, orths):
            if not taken[i]:
                piece = self._hyphenated(doc[i])
                if piece is not None:
                    taken[i] = 1
                    pieces.append(piece)
        for ent in st.ents:
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
                pieces.append(Piece(start, end, "P"))
        return sorted(pieces, key=lambda p: p.start)

    def _piece(self, st: ArticleState, start: int, end: int, words: list[str],
               options: list[tuple[Entry, tuple[str, ...]]],
               veto: list[tuple[int, int, str] | None]) -> Piece | None:
        """The piece a table match makes, if any; `words` are its tokens' texts."""
        doc = st.doc
        for entry, surface in options:
            if len(surface) != len(words) or not _case_ok(surface, words):
                continue
            kind = entry.kind
            if (kind in COUNTRY_KINDS or kind in ("org", "person")) and self._vetoed(
                    doc, start, end, kind, veto):
                continue
            if kind == "nonactor":
                return Piece(start, end, "-", entry)
            if kind == "plural_ref":
                return Piece(start, end, "X", entry)
            if kind == "role":
                pos = doc[end - 1].pos_
                if pos not in ("NOUN", "PROPN") and not (pos == "ADJ" and not entry.person_title):
                    continue
                if self._inside_name(doc, start):
                    continue  # "Defence Secretary Tom King": a surname, not a title
                return Piece(start, end, "R", entry)
            if kind == "org":
                return Piece(start, end, "O", entry)
            if kind == "person" and entry.surname:
                return self._surname_piece(st, start, end, options, words)
            if kind == "person":
                return Piece(start, end, "P", entry)
            if kind == "north_south":
                before = doc[start - 1].lower_ if start > 0 else ""
                after = doc[end] if end < len(doc) else None
                if not st.korean or before != "the" or (
                        after is not None and after.pos_ == "PROPN" and after.tag_ != "POS"):
                    continue
                return Piece(start, end, "C", entry, entry.countries, CONF_KOREA_CONTEXT)
            if kind == "bare_korea":
                if not st.south:
                    continue
                return Piece(start, end, "C", entry, ("KOR",), CONF_BARE_KOREA,
                              adjectival=entry.surface == "Korean")
            if start >= 2 and doc[start - 1].text == "-" and doc[start - 2].lower_ in ("anti", "pro", "non"):
                continue  # "anti-Syria journalist" is not Syrian
            conf = {"capital": CONF_CAPITAL, "demonym": CONF_DEMONYM}.get(kind, CONF_COUNTRY)
            return Piece(start, end, "C", entry, entry.countries, conf, adjectival=kind == "demonym")
        return None

    def _residence(self, doc, pieces: list[Piece], sent_of: list[int]) -> list[Piece]:
        """Ethnic groups are coded by the country they live in, as CAMEO and
        PLOVER coders do: "Bosnian Serbs" and "Croatian Serb refugees" are BIH
        and HRV (a demonym right after another is folded into the first), and "ethnic Albanians in southern Serbia"
        or "the Albanians of Kosovo" are SRB/XKX (a people noun followed by
        in/of and a country takes that country; the country stays a place).
        A people noun is a demonym used as a plural noun, not as an adjective."""
        out: list[Piece] = []
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
    def _people_noun(doc, p: Piece) -> bool:
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
                veto: list[tuple[int, int, str] | None]) -> bool:
        """Is the match part of a larger named entity that is not an actor
        ("the South China Sea", "Jordan" in "Michael Jordan", "Bush" in "Jeb
        Bush")? A demonym opening the entity ("Chinese President Xi" tagged
        PERSON) and a known name after a title ("Foreign Minister Wang Yi")
        are kept. `veto` is `_veto_index`: entities do not overlap, so the
        only one that can hold the match is the one at its first token."""
        found = veto[start]
        if found is None:
            return False
        vs, ve, label = found
        if not (end <= ve and ve - vs > end - start):
            return False
        if kind == "demonym" and vs == start:
            return False
        if kind == "person" and label == "PERSON":
            around = [doc[i] for i in (start - 1, end) if vs <= i < ve]
            if not any(t.pos_ == "PROPN" and not any(
                    e.kind == "role" for e in self.tables.index.get(t.lower_, ())) for t in around):
                return False
        return True

    @staticmethod
    def _surname_piece(st: ArticleState, start: int, end: int, options, words) -> Piece | None:
        """A bare surname ("Putin") names its only holder in the table; when two
        holders share it ("Castro"), the one in office on the article's date, or
        undated, any of them when they all held offices of one country and sector."""
        holders = {e.person.name: e for e, surface in options
                   if e.kind == "person" and e.surname and e.person and _case_ok(surface, words)}
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
        return Piece(start, end, "P", next(iter(holders.values())), conf=CONF_SURNAME_ONLY)

    def _hyphenated(self, token) -> Piece | None:
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
        return Piece(token.i, token.i + 1, "C", None, tuple(countries), CONF_DEMONYM,
                      hyphen=suffix not in (None, "led"), adjectival=True)

    # ------------------------------------------------------------ phrases
    def phrases(self, doc, pieces: list[Piece], sent_of: list[int]) -> list[list[Piece]]:
        phrases: list[list[Piece]] = []
        for piece in pieces:
            if phrases and self._joins(doc, phrases[-1], piece, sent_of):
                phrases[-1].append(piece)
            else:
                phrases.append([piece])
        return phrases

    def _joins(self, doc, phrase: list[Piece], nxt: Piece, sent_of: list[int]) -> bool:
        """May `nxt` extend the phrase? Only across small words of one noun phrase."""
        left = phrase[-1]
        if left.hyphen or nxt.hyphen or sent_of[left.end - 1] != sent_of[nxt.start]:
            return False
        if nxt.start - left.end > 4:
            return False
        gap = doc[left.end:nxt.start] if nxt.start > left.end else ()  # most pieces touch
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


def sentence_index(doc) -> list[int]:
    """The sentence number of every token (a slice assignment per sentence)."""
    index = [0] * len(doc)
    for n, sent in enumerate(sentences(doc)):
        index[sent.start:sent.end] = [n] * (sent.end - sent.start)
    return index


def _veto_index(doc, ents) -> list[tuple[int, int, str] | None]:
    """For each token, the (start, end, label) of the vetoing entity
    (VETO_LABELS) it is in, or None: one look-up per table match, where a
    scan of all the article's entities per match cost more than the match."""
    index: list[tuple[int, int, str] | None] = [None] * len(doc)
    for e in ents:
        label = e.label_
        if label in VETO_LABELS:
            index[e.start:e.end] = [(e.start, e.end, label)] * (e.end - e.start)
    return index


def _case_ok(surface, words) -> bool:
    """Acronyms must match exactly ("US" is not "us"); capitalised table words
    must be capitalised in the text; lower-case table words match any case."""
    for s, t in zip(surface, words):
        if len(s) > 1 and s.isupper():
            if t != s:
                return False
        elif s[:1].isupper() and not t[:1].isupper():
            return False
    return True



def _hyphenated_words(strings, orths: list[int]) -> list[int]:
    """Indices of the words with an inner hyphen and more than three
    characters ("Hamas-run", "U.S.-backed"), in order, read from the Doc's
    word ids (`orths`): testing each token's text made a Token object per
    word of the article for the few that pass."""
    hyphenated: dict[int, bool] = {}
    out = []
    for i, orth in enumerate(orths):
        hit = hyphenated.get(orth)
        if hit is None:
            text = strings[orth]
            hit = hyphenated[orth] = "-" in text.strip("-") and len(text) > 3
        if hit:
            out.append(i)
    return out
