"""Candidate quotes as character spans, for coding/quotes.py.

The character-level half of quote extraction: paragraphs and the marks that
open and close quotes (curly and straight; a quote continued across
paragraphs reopens without closing the last), trimming, and the choice among
overlapping direct and indirect candidates (rules in coding/quotes.py's
docstring). The parse-level half (speakers, reporting verbs) stays there.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass

OPENERS = frozenset("“„«")
CLOSERS = frozenset("”»")
STRAIGHT = '"'
QUOTE_MARKS = OPENERS | CLOSERS | {STRAIGHT, "‘", "’", "'", "`", "``", "''"}
_BEFORE_OPEN = frozenset("([{—–-/") | OPENERS
_AFTER_CLOSE = frozenset(".,;:!?)]}—–-…") | CLOSERS
_TRIM = " \t\r\n\f\v,;:—–"
_MARK = re.compile("[" + re.escape("".join(sorted(OPENERS | CLOSERS)) + STRAIGHT) + "]")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: runs of non-blank lines when the text
    has blank lines (single breaks are then wrapping), else single lines."""
    lines: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl == -1:
            nl = n
        lines.append((pos, nl))
        pos = nl + 1
    blank = [not text[s:e].strip() for s, e in lines]
    if not any(blank):
        return lines
    paras: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for (s, e), is_blank in zip(lines, blank):
        if is_blank:
            if cur is not None:
                paras.append(cur)
                cur = None
        else:
            cur = (cur[0], e) if cur is not None else (s, e)
    if cur is not None:
        paras.append(cur)
    return paras


def scan_marks(text: str, paragraphs: list[tuple[int, int]]) -> list[tuple[int, int | None, int, int]]:
    """Quoted spans as (open_mark, close_mark or None, start, end).

    One pass over the quote marks (found by a regular expression: looping
    over every character in Python cost 0.7 ms per article). Continues a quote left open at a paragraph
    end when the next paragraph opens with a mark; caps it at the paragraph
    end otherwise, and at a new opening mark inside the paragraph.
    """
    out: list[tuple[int, int | None, int, int]] = []
    open_at: int | None = None
    last_end = 0

    def emit(close: int | None, end: int) -> None:
        start = open_at + 1
        while start < end and text[start].isspace():
            start += 1
        end = rtrim(text, start, end)
        if end > start:
            out.append((open_at, close, start, end))

    for ps, pe in paragraphs:
        i = ps
        if open_at is not None:
            j = ps
            while j < pe and text[j].isspace():
                j += 1
            if j < pe and (text[j] in OPENERS or text[j] == STRAIGHT):
                i = j + 1  # the re-opening mark of a continued quote
            else:
                emit(None, last_end)
                open_at = None
        for m in _MARK.finditer(text, i, pe):  # only the marks: the rest of a paragraph changes nothing
            k, c = m.start(), m.group()
            if c in OPENERS:
                if open_at is not None:
                    emit(None, k)
                open_at = k
            elif c in CLOSERS:
                if open_at is not None:
                    emit(k, k)
                    open_at = None
            elif c == STRAIGHT:
                before = text[k - 1] if k > 0 else " "
                after = text[k + 1] if k + 1 < len(text) else " "
                opens = (before.isspace() or before in _BEFORE_OPEN) and not after.isspace()
                closes = not before.isspace() and (after.isspace() or after in _AFTER_CLOSE)
                if open_at is None:
                    if opens or not closes:
                        open_at = k
                elif opens and not closes:
                    emit(None, k)
                    open_at = k
                else:
                    emit(k, k)
                    open_at = None
        last_end = pe
    if open_at is not None:
        emit(None, last_end)
    return out


def rtrim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return end


def standalone(text: str, open_mark: int | None) -> bool:
    """True when the mark opens a sentence or paragraph (not a label inside one)."""
    if open_mark is None:
        return False
    k = open_mark - 1
    while k >= 0 and text[k].isspace():
        if text[k] == "\n":
            return True
        k -= 1
    return k < 0 or text[k] in ".!?:…" or text[k] in CLOSERS or text[k] == STRAIGHT


def word_count(text: str, start: int, end: int) -> int:
    return sum(1 for w in text[start:end].split() if any(ch.isalnum() for ch in w))


@dataclass(slots=True)
class Attribution:
    """Who said a quote and with which verb; `own` is False when inherited."""

    verb: str | None
    speaker_span: tuple[int, int] | None  # token range of the speaker phrase
    speaker_head: int | None  # token index of the phrase's head word
    own: bool = True


@dataclass(slots=True)
class QuoteSpan:
    """A candidate quote while the extractor decides about it."""

    start: int
    end: int
    kind: str
    open_mark: int | None = None  # char offset of the opening mark (direct)
    close_mark: int | None = None  # char offset of the closing mark, None if capped
    attribution: Attribution | None = None
    label: bool = False  # direct: a short or embedded unattributed span (scare quote)
    verb_char: int = -1  # indirect: char offset of the reporting verb


def resolve_overlaps(direct: list[QuoteSpan], indirect: list[QuoteSpan], text: str) -> list[QuoteSpan]:
    """Non-overlapping quotes in text order (rules in the module docstring).

    `direct` is sorted and disjoint (labels included), so the direct spans
    touching a candidate are found by bisection; indirect candidates are taken
    longest first so that the outermost of nested reported speech wins.
    """
    ends = [d.close_mark if d.close_mark is not None else d.end for d in direct]
    absorbed: set[int] = set()  # quoted fragments that are part of reported speech
    kept_indirect: list[QuoteSpan] = []
    kept_starts: list[int] = []  # starts of kept_indirect, which stays sorted and disjoint
    for cand in sorted(indirect, key=lambda s: (-(s.end - s.start), s.start)):
        pos = bisect.bisect_left(kept_starts, cand.start)
        if (pos > 0 and kept_indirect[pos - 1].end > cand.start) or \
                (pos < len(kept_indirect) and kept_indirect[pos].start < cand.end):
            continue
        touching = []
        k = bisect.bisect_right(ends, min(cand.start, cand.verb_char))
        while k < len(direct) and direct[k].open_mark < max(cand.end, cand.verb_char + 1):
            if k not in absorbed:
                touching.append(k)
            k += 1
        drop = False
        for k in touching:
            d = direct[k]
            inside = covers(text, cand, d)
            if inside and not any(ch.isalnum() for ch in (text[cand.start:max(cand.start, d.open_mark)]
                                                          + text[d.end:cand.end]).replace("that", "")):
                if d.attribution is None:  # Wang said that "...": direct, and Wang's
                    d.attribution = dataclasses.replace(cand.attribution, own=False)
                    d.label = False
                drop = True
            elif d.label:
                continue  # a scare quote changes nothing about the reported speech
            elif d.open_mark < cand.verb_char < ends[k]:
                drop = True  # the verb is inside a quotation: quoted speech
            elif d.start < cand.end and cand.start < d.end:
                # the same speech act read as a direct quote, or a partial overlap
                drop = (d.attribution is not None and d.attribution.own) or not inside
            if drop:
                break
        if drop:
            continue
        absorbed.update(k for k in touching if covers(text, cand, direct[k]))
        kept_indirect.insert(pos, cand)
        kept_starts.insert(pos, cand.start)
    kept = [d for k, d in enumerate(direct) if k not in absorbed and not d.label]
    out: list[QuoteSpan] = []
    for span in sorted([*kept, *kept_indirect], key=lambda s: (s.start, -s.end)):
        if not out or span.start >= out[-1].end:  # guarantee: an event links to one quote
            out.append(span)
    return out


def covers(text: str, outer: QuoteSpan, inner: QuoteSpan) -> bool:
    """True when every letter or digit of `inner` lies inside `outer` (the
    two may differ by punctuation that one of them trims)."""
    head = text[inner.start:min(inner.end, outer.start)]
    tail = text[max(inner.start, outer.end):inner.end]
    return not any(ch.isalnum() for ch in head + tail)
