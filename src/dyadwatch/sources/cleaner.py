"""Cleaning scraped news text: boilerplate out, stated metadata kept.

Kept apart from the readers (ingest.py and the modules it uses) so that the
file readers and the text rules each stay readable. `Cleaner` holds the rules compiled from data/boilerplate.yaml (one
object per process via `Cleaner.from_package()`, no module-level tables);
`Cleaner.clean` turns raw text into the body and the title, outlet, byline
and publication date the text itself states.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..config import data_path

#: Publication dates outside these years are data errors, not news.
MIN_YEAR, MAX_YEAR = 1900, 2100
#: Lines longer than this are body text: boilerplate patterns are not tried
#: on them (which also bounds regex work on a 50 MB single-line file).
MAX_BOILERPLATE_LINE = 300

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = (r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
         rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
         rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
         r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})")
_TIME = (r"\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
         r"(?:\s*\(?(?:KST|JST|CST|EST|EDT|PST|PDT|GMT|UTC|BST|CET|CEST|MSK)(?:[+-]\d{1,2})?\)?"
         r"|\s*[+-]\d{2}:?\d{2})?")
_BYLINE = re.compile(r"(?:By|BY)\s+(?P<by>[^!?;:\n]{0,80}[^.!?;:\s])")
_SOURCE_LINE = re.compile(r"sources?\s*:\s*(?P<o>[^.!?;:]{2,60})", re.I)
_DATELINE = re.compile(r"[A-Z][A-Z .'-]{1,40}(?:,\s*[A-Za-z .]{2,30})?\s*[:—–-]{1,2}")
_DATELINE_OUTLET = re.compile(r"[A-Z][A-Za-z .'-]{1,40},\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+)?"
                              r"\((?P<o>[A-Z][^()]{1,40})\)\s*(?:--|—|–|-)")
_OUTLET_NAME = r"[A-Z][\w&'.-]*(?:\s+[\w&'.-]+){0,4}"
_TRAILING_OUTLET = re.compile(rf"(?<=[.!?\"”’])\s*\((?P<o>{_OUTLET_NAME})\)\s*\Z")
_LONE_OUTLET = re.compile(rf"\((?P<o>{_OUTLET_NAME})\)")
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t]")
_BREAKS = re.compile(r"[\u2028\u2029\f\v\x85]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
_NAME_PARTICLES = frozenset({"and", "of", "the", "in", "de", "del", "da", "di", "du", "la", "le",
                             "van", "von", "der", "al", "bin", "ibn", "bint", "y"})
_SENTENCE_END = ".!?:\"”’)"
_WHITESPACE = re.compile(r"\s{2,}|[^\S ]")  # only runs that are not already one space
_SURROGATES = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Cleaned:
    """What `Cleaner.clean` found: the body text and the metadata it stated."""

    text: str
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    date: dt.date | None = None
    date_text: str | None = None


@dataclass
class _Found:
    """Metadata gathered while one document is cleaned (local to one call)."""

    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    date: dt.date | None = None
    date_text: str | None = None


@dataclass(frozen=True)
class Cleaner:
    """Boilerplate rules and outlet names, compiled from data/boilerplate.yaml.

    Cleaning works on lines, because scrapes put each piece of page chrome
    ("Send to", "Advertisement", a photo credit) on a line of its own:
    1. normalise Unicode (NFC), newlines and odd spaces; drop invisible and
       control characters;
    2. rejoin lines a scraper broke mid-word ("go ag" + "ainst") or before
       the final period: after a line of 20+ characters that ends without
       sentence punctuation, when the break has no space at it and the next
       line starts lowercase or with closing punctuation (a break at a space
       is joined with a space after lines of 100+ characters). Hard-wrapped
       text (see `_hard_wrapped`) is instead joined line to line with spaces;
    3. before the body: section-label lines are dropped, and the first short
       line without a final period that has more text after it is the title;
    4. anywhere: exact boilerplate lines and patterns are dropped; date,
       byline ("Jan. 17, 2014 - 18:00 By NAME", "By NAME"), outlet-and-date
       ("Anadolu Agency February 24, 2024") and "Source: X" lines are dropped
       and their values kept as metadata; a tail marker ("COMMENTS") after
       body text drops the rest of the document;
    5. a trailing "(Outlet)" after the last sentence is moved to metadata;
       a dateline ("BEIJING:", "SEOUL, Jan. 17 (Yonhap) --") stays in the
       text, since it is where the story was filed.
    """

    exact: frozenset[str]
    boilerplate: re.Pattern[str]
    tail: re.Pattern[str]
    section: re.Pattern[str]
    date_line: re.Pattern[str]
    outlets: dict[str, str] = field(default_factory=dict)  # casefolded alias -> canonical

    @classmethod
    def from_package(cls) -> Cleaner:
        """The shipped rules (or those of DYADWATCH_DATA_DIR), loaded once per
        process and folder."""
        return _cached_rules(data_path("boilerplate.yaml"))

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> Cleaner:
        """Rules from a YAML file shaped like data/boilerplate.yaml."""
        from ..schemas import BoilerplateRules
        from ..tables import entry_error, load_yaml

        table = load_yaml(path, BoilerplateRules)
        try:
            outlets = {}
            for canonical, aliases in table.outlets.items():
                for alias in [canonical, *(aliases or [])]:
                    outlets[alias.casefold()] = canonical
            alias_alt = "|".join(re.escape(a) for a in sorted(outlets, key=len, reverse=True))
            words_alt = "|".join(re.escape(w) for w in table.outlet_words)
            outlet = rf"(?:{alias_alt}|(?:[\w&'.-]+\s+){{0,4}}(?:{words_alt}))"
            phrases = sorted((p.casefold() for p in table.section_words), key=len,
                             reverse=True)
            return cls(
                exact=frozenset(x.casefold() for x in table.exact_lines),
                boilerplate=re.compile("|".join(f"(?:{p})" for p in table.line_patterns), re.I),
                tail=re.compile("|".join(f"(?:{p})" for p in table.tail_markers), re.I),
                section=re.compile(rf"(?:(?:{'|'.join(re.escape(p) for p in phrases)})"
                                   r"(?:\s*[|/>»·•,:–-]\s*|\s+|\Z))+"),
                date_line=re.compile(
                    r"(?:(?:published|updated|posted|last updated|first published|date)"
                    r"(?:\s+on)?\s*:?\s*)?"
                    rf"(?:(?P<outlet>{outlet})\s*[-–—|,]?\s+)?(?P<date>{_DATE})"
                    rf"(?:\s*(?:[-–—|,@]|at)?\s*{_TIME})?"
                    rf"(?:\s*[-–—|,]\s*(?P<outlet2>{outlet}))?"
                    r"(?:\s*[-–—|,]?\s*(?:By|by|BY)\s+(?P<by>[^.!?;:]{1,80}))?", re.I),
                outlets=outlets,
            )
        except re.error as exc:
            raise entry_error(path, "a regular expression", f"not a valid Python regular "
                                                            f"expression: {exc}") from exc

    def canonical_outlet(self, name: str) -> str:
        """"AA" -> "Anadolu Agency"; an outlet not in the table is kept as written."""
        name = " ".join(name.split())
        return self.outlets.get(name.casefold(), name)

    def clean(self, text: str, *, title: str | None = None) -> Cleaned:
        """Strip boilerplate from `text` and collect the metadata it states.

        When `title` is given, a first line equal to it is dropped (HTML
        extractors repeat the headline as the first line) and no other title
        is looked for.
        """
        lines = _normalise(text).split("\n")
        wrapped = _hard_wrapped(lines)
        if not wrapped:
            lines = _rejoin_broken(lines)
        blocks = _blocks(lines)
        found, paragraphs = _Found(), []
        given = squash(title).casefold() if title and title.strip() else None
        body, last_block = False, -1
        for bi, block in enumerate(blocks):
            for li, line in enumerate(block):
                if wrapped and body and li > 0 and last_block == bi \
                        and not _subheading(block, li) and not _subheading(block, li - 1):
                    paragraphs[-1] = _join_wrapped(paragraphs[-1], line)
                    continue
                more = li < len(block) - 1 or bi < len(blocks) - 1
                can_title = given is None and more and (not wrapped or len(block) == 1)
                verdict = self._line(line, found, body=body, given=given, can_title=can_title)
                if verdict == "stop":
                    break
                if verdict == "keep":
                    paragraphs.append(line)
                    body, last_block = True, bi
            else:
                continue
            break
        paragraphs = [squash(p) for p in paragraphs]
        self._outlet_from_text(paragraphs, found)
        if not paragraphs and found.title:
            paragraphs, found.title = [found.title], None
        return Cleaned("\n\n".join(p for p in paragraphs if p), found.title, found.outlet,
                       found.byline, found.date, found.date_text)

    def _line(self, line: str, found: _Found, *, body: bool, given: str | None,
              can_title: bool) -> str:
        """"keep", "drop" or "stop" (the rest is a comment or related section)."""
        if len(line) <= MAX_BOILERPLATE_LINE:
            low = line.casefold()
            if body and self.tail.fullmatch(low):
                return "stop"
            if low in self.exact or self.boilerplate.fullmatch(line):
                return "drop"
            if self._metadata_line(line, found):
                return "drop"
            if not body:
                if found.title is None and self.section.fullmatch(low):
                    return "drop"
                if given is not None and squash(line).casefold() == given:
                    return "drop"
                if can_title and found.title is None and _looks_like_title(line):
                    found.title = squash(line)
                    return "drop"
        return "keep" if _has_alnum(line) else "drop"

    def _metadata_line(self, line: str, found: _Found) -> bool:
        """Take date / byline / outlet from a line that holds nothing else."""
        m = self.date_line.fullmatch(line)
        if m:
            date = _text_date(m["date"])
            if date and found.date is None:
                found.date, found.date_text = date, m["date"]
            outlet = m["outlet"] or m["outlet2"]
            if outlet and not found.outlet:
                found.outlet = self.canonical_outlet(outlet)
            if m["by"] and not found.byline:
                found.byline = m["by"].strip()
            return True
        m = _BYLINE.fullmatch(line)
        if m and _looks_like_name(m["by"]):
            found.byline = found.byline or m["by"].strip()
            return True
        m = _SOURCE_LINE.fullmatch(line)
        if m and len(m["o"].split()) <= 6:
            found.outlet = found.outlet or self.canonical_outlet(m["o"])
            return True
        return False

    def _outlet_from_text(self, paragraphs: list[str], found: _Found) -> None:
        """Move a trailing "(Outlet)" to metadata; read a dateline's "(Outlet) --"."""
        if paragraphs:
            last = paragraphs[-1]
            lone = _LONE_OUTLET.fullmatch(last)
            offset = max(0, len(last) - 200)  # the outlet is in the last few words
            m = lone or _TRAILING_OUTLET.search(last, offset)
            if m:
                found.outlet = found.outlet or self.canonical_outlet(m["o"])
                paragraphs[-1] = "" if lone else last[:m.start()].rstrip()
                if not paragraphs[-1]:
                    paragraphs.pop()
        if paragraphs and not found.outlet:
            m = _DATELINE_OUTLET.match(paragraphs[0])
            if m:
                found.outlet = self.canonical_outlet(m["o"])


# --- text helpers -----------------------------------------------------------------------

def _normalise(text: str) -> str:
    text = _SURROGATES.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", _BREAKS.sub("\n", _SPACES.sub(" ", text)))


def squash(text: str) -> str:
    """Whitespace runs to one space (a regex, not split/join: no per-word
    strings, so a 50 MB one-line file does not cost gigabytes)."""
    return _WHITESPACE.sub(" ", text).strip()


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _has_alnum(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _hard_wrapped(lines: list[str]) -> bool:
    """True when paragraphs are wrapped at a fixed width (an e-mail, a .txt
    export): then single newlines are spaces, not paragraph or scrape breaks.

    Only "open" breaks count (a line ending mid-sentence followed by more
    text in the same block); there must be 3 or more. Then the text is
    wrapped when half the blocks that have an open break have two or more
    (wrapped paragraphs run over several lines; a scraper leaves one stray
    break here and there), or when 80% of open breaks are "full": a greedy
    wrapper only breaks when the next word would not fit, while a scraper's
    break falls anywhere.
    """
    opened: list[tuple[int, str, str]] = []
    block = 0
    for a, b in zip(lines, lines[1:]):
        a, b = a.strip(), b.strip()
        if not a:
            block += 1
        elif b and a[-1] not in _SENTENCE_END:
            opened.append((block, a, b))
    if len(opened) < 3:
        return False
    per_block = Counter(blk for blk, _, _ in opened)
    if sum(1 for n in per_block.values() if n >= 2) >= 0.5 * len(per_block):
        return True
    widths = [len(a) for _, a, _ in opened if len(a) <= 120]
    width = max(widths, default=0)
    full = sum(1 for _, a, b in opened if len(a) <= width < len(a) + 1 + len(b.split()[0]))
    return full >= 0.8 * len(opened)


def _rejoin_broken(lines: list[str]) -> list[str]:
    """Undo a scraper's stray newlines inside long paragraphs (see Cleaner)."""
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        size = len(prev.strip())
        if size >= 20 and line.strip() and prev.rstrip()[-1] not in _SENTENCE_END:
            if prev[-1].isspace() or line[0].isspace():
                if size >= 100:
                    out[-1] = prev.rstrip() + " " + line.lstrip()
                    continue
            elif (line[0].islower() and prev[-1].isalpha()) or line[0] in ".,;:!?)]”’":
                out[-1] = prev + line
                continue
        out.append(line)
    return out


def _blocks(lines: list[str]) -> list[list[str]]:
    """Non-empty stripped lines grouped into blank-line-separated blocks."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        line = line.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _subheading(block: list[str], li: int) -> bool:
    """Is line `li` of a hard-wrapped block a subheading? A short line (under
    two thirds of the block's widest) of at most 8 words, starting with a
    capital and ending without a final stop, after a sentence's end and
    before a capitalised line: joined with spaces it would run into the
    next sentence ("Rail strike ends Hours after ..."), so it stays a
    paragraph of its own."""
    line = block[li]
    return (0 < li + 1 < len(block) and line[0].isupper() and block[li + 1][0].isupper()
            and line[-1] not in _SENTENCE_END and len(line.split()) <= 8
            and (li == 0 or block[li - 1][-1] in _SENTENCE_END)
            and 3 * len(line) < 2 * max(len(x) for x in block))


def _join_wrapped(paragraph: str, line: str) -> str:
    if paragraph.endswith("-") and line[:1].islower():
        return paragraph + line
    return paragraph + " " + line


def _looks_like_name(text: str) -> bool:
    """"Kim Tong-hyung and Lee Min-ji", "정성조": yes; "2030, China aims higher",
    "contrast, the ministry said": no (a headline or sentence opening with "By")."""
    words = text.replace(",", " ").split()
    return 1 <= len(words) <= 8 and all(
        w[0].isupper() or not w[0].isascii() or w in _NAME_PARTICLES for w in words)


def _looks_like_title(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 30 or len(line) > 250 or _DATELINE.fullmatch(line):
        return False
    end = line.rstrip("\"'”’)»")
    return bool(end) and end[-1] not in ".,;:" and has_letters(line)


def dateparse(text: str, required: list[str]) -> dt.date | None:
    """dateparser on absolute dates only (no "yesterday", no "Friday"), or None."""
    import dateparser  # imported late: it loads language data (~0.2 s) on first use

    settings = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
                "PARSERS": ["custom-formats", "absolute-time"], "REQUIRE_PARTS": required}
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd strings; treat as unparsed
        return None
    return parsed.date() if parsed else None


def _text_date(text: str) -> dt.date | None:
    """A publication date stated in the text, or None (never an error: free
    text that fails to give a date simply has none)."""
    date = dateparse(" ".join(text.split()), ["day", "month", "year"])
    return date if date and MIN_YEAR <= date.year <= MAX_YEAR else None


@functools.cache
def _cached_rules(path: Path) -> Cleaner:
    """One compiled Cleaner per rules file per process (they are immutable);
    the rules of the data folder in use are read back from the prebuilt
    cache (prebuilt.py), so a process reads no YAML for them."""
    if path == data_path("boilerplate.yaml"):
        from ..prebuilt import cached

        return cached("cleaner", lambda: Cleaner.from_file(path))
    return Cleaner.from_file(path)
