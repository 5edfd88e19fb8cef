"""Event dates: find the date expressions of a sentence and resolve them
against the article's date.

Why our own resolver in front of dateparser: news text dates events relative to
the day of publication ("on Friday", "earlier this month", "two weeks ago"),
and dateparser either returns None for such phrases ("earlier this month",
"the weekend", "late February") or guesses wrongly ("three days" without "ago"
becomes a date, "the 1970s" becomes today). So relative phrases are resolved
here with explicit conventions, and dateparser only sees strings that name a
month, a year or a numeric date.

Conventions (documented because every one of them is a choice):

- Weekdays: news reports past events, so "on Friday" / "Friday night" / "last
  Friday" is the most recent Friday *on or before* the anchor (the article's
  date); a paper dated Friday that says "on Friday" means that same day.
  "next Friday" is the first Friday after the anchor.
- Periods resolve to their first day and say so in `how`: "last month" is the
  1st of the previous month ("relative-month"), "earlier this month" / "this
  month" the 1st of the anchor's month, "last week" / "this week" the Monday
  of that week ("relative-week"), "last year" / "this year" 1 January.
- "N days/weeks/months/years ago" counts back from the anchor.
- A month or a day without a year ("on Sept. 19", "in March") is the most
  recent such date on or before the anchor (dateparser, PREFER_DATES_FROM=past).
- Without an anchor only expressions that carry their own year resolve.

`how` is one of: "absolute-day", "absolute-month", "absolute-year",
"weekday", "relative-day", "relative-week", "relative-month",
"relative-year", "no-anchor" (relative phrase, no article date) and
"unresolved".
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re

from . import nlp, tree

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_WORD = re.compile(r"\b(today|tonight|yesterday|tomorrow|last night|overnight|"
                       r"this morning|this afternoon|this evening)\b")
_DAY_OFFSETS = {"yesterday": -1, "last night": -1, "tomorrow": 1}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "several": 3, "a few": 3, "few": 3, "couple of": 2, "a couple of": 2,
}
_AGO = re.compile(
    r"(?<![\d,.])\b(?P<n>\d+|a couple of|couple of|a few|few|several|an?|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve)\s+(?P<unit>day|week|month|year)s?\s+(ago|earlier|before)\b",
    re.I,
)
_WEEKDAY = re.compile(r"\b(?P<rel>last|next|this|past)?\s*(?P<day>" + "|".join(_WEEKDAYS) + r")\b", re.I)
_PERIOD = re.compile(
    r"\b(?P<rel>last|past|previous|this|earlier this|later this|next|the coming|current)\s+"
    r"(?P<unit>week|weekend|month|year)\b",
    re.I,
)
_MONTH_NUMBER = {name: i for i, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
#: A month's name or abbreviation as a whole word: "two decades" names no December,
#: "Marchers" no March (a prefix test read both as months).
_MONTH_WORD = re.compile(r"\b(" + "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
                         + r")\b\.?", re.I)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b(?!s)")
_NUMERIC_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_DECADE = re.compile(r"\b\d{2,4}'?s\b")
_DATE_LABELS = ("DATE", "TIME")


@functools.lru_cache(maxsize=4096)
def resolve(text: str, anchor: dt.date | None) -> tuple[dt.date | None, str]:
    """Resolve a date expression against `anchor` (the article's date).

    Returns (date or None, how); see the module docstring for the conventions
    and the values of `how`. Cached: the event coder asks once per event, and
    an article's events share a few expressions ("on Monday") and one anchor.
    """
    raw = " ".join(text.split())
    low = raw.lower()
    if not low:
        return None, "unresolved"
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()

    try:
        relative = _resolve_relative(low, anchor)
        if relative is not None:
            return relative
        return _resolve_absolute(raw, anchor)
    except (ValueError, OverflowError):
        # "5000 years ago", "next year" in 9999: outside the calendar. Such a
        # date is not the event's; the article must not fail because of it.
        return None, "unresolved"


def _resolve_relative(low: str, anchor: dt.date | None) -> tuple[dt.date | None, str] | None:
    """Relative phrases; None when the text is not one of them."""
    if (m := _DAY_WORD.search(low)):
        if anchor is None:
            return None, "no-anchor"
        return anchor + dt.timedelta(days=_DAY_OFFSETS.get(m.group(1), 0)), "relative-day"
    if (m := _AGO.search(low)):
        if anchor is None:
            return None, "no-anchor"
        n_text = m.group("n").lower()
        n = int(n_text) if n_text.isdigit() else _NUMBERS.get(n_text, 1)
        unit = m.group("unit").lower()
        if unit == "day":
            return anchor - dt.timedelta(days=n), "relative-day"
        if unit == "week":
            return anchor - dt.timedelta(weeks=n), "relative-week"
        if unit == "month":
            return _add_months(anchor, -n), "relative-month"
        return _safe_replace(anchor, anchor.year - n), "relative-year"
    if (m := _PERIOD.search(low)):
        if anchor is None:
            return None, "no-anchor"
        return _period(m.group("rel").lower(), m.group("unit").lower(), anchor)
    if re.search(r"\bweekend\b", low):
        if anchor is None:
            return None, "no-anchor"
        return _weekday(anchor, 5, None), "weekday"
    if (m := _WEEKDAY.search(low)) and not _MONTH_WORD.search(low) and not _YEAR.search(low):
        if anchor is None:
            return None, "no-anchor"
        rel = (m.group("rel") or "").lower() or None
        return _weekday(anchor, _WEEKDAYS.index(m.group("day").lower()), rel), "weekday"
    return None


def _resolve_absolute(raw: str, anchor: dt.date | None) -> tuple[dt.date | None, str]:
    """Month names, years and numeric dates, through dateparser."""
    if _DECADE.search(raw) and not _MONTH_WORD.search(raw):
        return None, "unresolved"
    has_year = bool(_YEAR.search(raw))
    has_month = bool(_MONTH_WORD.search(raw)) and not re.fullmatch(r"(?i)\s*may\s*", raw)
    numeric = bool(_NUMERIC_DATE.search(raw))
    if not (has_year or has_month or numeric):
        return None, "unresolved"
    if anchor is None and not (has_year or numeric):
        return None, "no-anchor"
    if has_year and not has_month and not numeric:
        year = int(_YEAR.search(raw).group(1))
        return dt.date(year, 1, 1), "absolute-year"
    cleaned = re.sub(r"(?i)\b(late|early|mid|on|in|the|of|since|until|by|last|past)\b|-", " ", raw)
    cleaned = " ".join(cleaned.split())
    found = _exact(cleaned, anchor)
    if found is None:
        data = _parser(anchor).get_date_data(cleaned)
        if data is None or data.date_obj is None:
            return None, "unresolved"
        found = data.date_obj.date(), data.period or "day"
    value, period = found
    if anchor is not None and not has_year and (value > anchor or (
            re.match(r"(?i)\s*(last|past)\b", raw) and value.month == anchor.month)):
        value = _safe_replace(value, value.year - 1)  # "in November", "last May" (said in May)
    return value, f"absolute-{'month' if period == 'month' else 'year' if period == 'year' else 'day'}"


_EXACT = re.compile(  # ASCII digits only: int() reads other scripts' digits, dateparser may not
    r"(?i)(?:(?P<m1>[a-z]+)\.?(?: (?P<d1>[0-9]{1,2}),?)?(?: (?P<y1>(?:1[89]|20)[0-9][0-9]))?"
    r"|(?P<d2>[0-9]{1,2}) (?P<m2>[a-z]+)\.?(?: (?P<y2>(?:1[89]|20)[0-9][0-9]))?)"
)


def _exact(text: str, anchor: dt.date | None) -> tuple[dt.date, str] | None:
    """What dateparser answers for the plain forms news writes most, without it:
    "March", "Feb. 18", "18 June", "October 2024", "June 18, 2024", "18 June 2024".

    dateparser costs about 2 ms a string even with its parser built, and these
    forms are most of the strings that reach it. The answer is dateparser's
    (date, period) before our own corrections: a day or month without a year
    is the most recent one on or before the anchor (PREFER_DATES_FROM=past), a
    month is its first day. None for anything else, including days a month
    lacks and 29 February, so dateparser keeps every case this does not mirror.
    """
    m = _EXACT.fullmatch(text)
    if m is None:
        return None
    month = _MONTH_NUMBER.get((m["m1"] or m["m2"]).lower())
    day, year = int(m["d1"] or m["d2"] or 1), m["y1"] or m["y2"]
    if month is None or (year is None and anchor is None) or (month == 2 and day > 28):
        return None
    try:
        value = dt.date(int(year or anchor.year), month, day)
    except ValueError:  # "April 31", "June 0"
        return None
    period = "day" if m["d1"] or m["d2"] else "month"
    if year is None and value > anchor:
        value = value.replace(year=anchor.year - 1)
    return value, period


@functools.lru_cache(maxsize=64)
def _parser(anchor: dt.date | None):
    """One dateparser per anchor date (building one is cheap, parsing its first string is not)."""
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first",
                "RETURN_AS_TIMEZONE_AWARE": False}
    if anchor is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(anchor, dt.time())
    return DateDataParser(languages=["en"], settings=settings)


def number(word: str) -> int | None:
    """A count written in figures or words ("3", "three", "a few"), else None."""
    word = word.lower().strip()
    return int(word) if word.isdigit() else _NUMBERS.get(word)


def _weekday(anchor: dt.date, day: int, rel: str | None) -> dt.date:
    """Most recent `day` on or before anchor; "next" gives the first one after it;
    "last" when the anchor is that weekday means a week earlier only for "last"."""
    back = (anchor.weekday() - day) % 7
    if rel == "next":
        ahead = (day - anchor.weekday()) % 7 or 7
        return anchor + dt.timedelta(days=ahead)
    if rel == "last" and back == 0:
        back = 7
    return anchor - dt.timedelta(days=back)


def _period(rel: str, unit: str, anchor: dt.date) -> tuple[dt.date, str]:
    step = -1 if rel in ("last", "past", "previous") else 1 if rel in ("next", "the coming") else 0
    if unit == "weekend":  # the most recent Saturday; "last weekend" on a weekend: the one before
        sat = _weekday(anchor, 5, None)
        if step < 0 and anchor.weekday() >= 5:
            sat -= dt.timedelta(weeks=1)
        return sat + dt.timedelta(weeks=max(step, 0)), "weekday"
    if unit == "week":
        monday = anchor - dt.timedelta(days=anchor.weekday())
        return monday + dt.timedelta(weeks=step), "relative-week"
    if unit == "month":
        first = _add_months(anchor.replace(day=1), step)
        return first, "relative-month"
    return dt.date(anchor.year + step, 1, 1), "relative-year"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _safe_replace(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


#: Where a Doc keeps its date expressions once read (`Doc.user_data`, spaCy's
#: place for a pipeline's own per-document data).
_DOC_DATES = "dyadwatch.dates"


def find_dates(sent) -> list[tuple[str, int, int]]:
    """Date expressions of a spaCy sentence Span: (text, token_start, token_end).

    spaCy's DATE and TIME entities ("on Friday", "last month", "Friday
    night") that lie wholly inside the sentence; token offsets index the Doc,
    so a caller can check which clause an expression belongs to.

    The document's date entities are read once and kept on the Doc: the event
    coder asks once or twice per event (its date, whether a tally dates it),
    and re-reading the sentence's tokens each time made this the event
    stage's largest caller of `Doc.__getitem__` (270,000 calls on 300
    synthetic articles). They are in text order and do not overlap, so a
    sentence's are found by bisection on their starts (a scan of all of
    them per question, 20,000 questions there, cost as much again).
    """
    doc = sent.doc
    starts, spans = tree.kept(doc, _DOC_DATES, _date_spans)
    start, end = sent.start, sent.end
    out = []
    for k in range(bisect.bisect_left(starts, start), len(spans)):
        span = spans[k]
        if span[1] >= end:
            break
        if span[2] <= end:
            out.append(span)
    return out


def _date_spans(doc) -> tuple[list[int], list[tuple[str, int, int]]]:
    """The document's date expressions in text order, and their starts: the
    DATE and TIME entities and the relative dates no entity covers."""
    spans = [(e.text, e.start, e.end) for e in nlp.entities(doc) if e.label_ in _DATE_LABELS]
    spans = sorted(spans + _unlabelled(doc, spans), key=lambda s: s[1])
    return [s[1] for s in spans], spans


#: Relative dates the small model's NER often leaves untagged, most of all as a
#: possessive ("ahead of last year's drills", "this week's siege").
_UNLABELLED = re.compile(
    r"\b(?:(?:last|next|this|past|previous|coming)\s+(?:year|month|week|weekend|"
    + "|".join(_WEEKDAYS) + r")(?:['’]s)?|yesterday|tomorrow)\b", re.I)


def _unlabelled(doc, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Relative date phrases of the text that no DATE entity covers, found by one
    regular expression over the document's text (no Token is made per word)."""
    found = []
    for m in _UNLABELLED.finditer(nlp.kept_text(doc)):  # (`doc.text` makes a Token per word)
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is not None and not any(s < span.end and span.start < e for _, s, e in spans):
            found.append((span.text, span.start, span.end))
    return found


def parse_iso(value) -> dt.date | None:
    """A record's "date" field (ISO string, date or None) as a date.

    Raises DateError for a string that is not an ISO date, so a bad record is
    reported rather than silently coded without an anchor.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        from ..errors import error

        raise error("E184", value=value) from exc


#: How far back an article's news reaches: acts dated earlier are its background
#: (about six weeks, the window news coders use for "recent" acts).
NEWS_WINDOW_DAYS = 42


def before_window(text: str | None, anchor: dt.date | None, days: int = NEWS_WINDOW_DAYS) -> bool:
    """Does the date expression name a time wholly before the article's news
    window? "In 2018", "last November", "in April" (of a story from December)
    set an act in the past the news recalls; "this year" or "in March" of a
    story from March do not. The whole period named must end before the window,
    so a bare year is background only when it is an earlier year."""
    if not text or anchor is None:
        return False
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    value, how = resolve(text, anchor)
    if value is None:
        return False
    if how.endswith("year"):
        end = dt.date(value.year, 12, 31)
    elif how.endswith("month"):
        end = _add_months(value.replace(day=1), 1) - dt.timedelta(days=1)
    else:
        end = value
    return end < anchor - dt.timedelta(days=days)


_SPAN = re.compile(
    r"\b(?:last|past|previous|recent)\s+(?P<n>\d+|a couple of|couple of|a few|few|several|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<unit>day|week|month|year|decade)s?\b",
    re.I,
)


def tally_before_window(text: str | None, anchor: dt.date | None, *, cumulative: bool = False,
                        days: int = NEWS_WINDOW_DAYS) -> bool:
    """Does the date expression count up to now from a start before the news
    window? "In the past 14 months 900 were killed", "over the past two
    decades", and with `cumulative` (the caller saw "since" or "so far") "since
    last August", "so far this year": a tally or a trend, not one act of the
    news. "In the last two days" starts inside the window and is the news."""
    if not text or anchor is None:
        return False
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    start = None
    if (m := _SPAN.search(text)):
        n_text = m.group("n").lower()
        n = int(n_text) if n_text.isdigit() else _NUMBERS.get(n_text, 1)
        unit = m.group("unit").lower()
        try:
            if unit in ("day", "week"):
                start = anchor - dt.timedelta(days=n * (7 if unit == "week" else 1))
            elif unit == "month":
                start = _add_months(anchor, -n)
            else:
                start = _safe_replace(anchor, anchor.year - n * (10 if unit == "decade" else 1))
        except (ValueError, OverflowError):
            return False
    elif cumulative:
        start, _ = resolve(text, anchor)
    return start is not None and start < anchor - dt.timedelta(days=days)
