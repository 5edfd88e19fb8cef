"""One document in, one `Article` (or `Failure`) out: the two constructors
every reader ends in, and the dates and ids they give.

`article_from_text` cleans the text (`cleaner.Cleaner`), passes every text
field through `sanitize` and gives the article its id (`content_id`);
`failure` turns an input error into a `Failure` row naming the file and
line. Every reader (files.py walks, records.py, markup.py, ingest.py)
ends in one of the two, so nothing reaches the store unsanitised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from . import sanitize
from .cleaner import MAX_YEAR, MIN_YEAR, Cleaner, dateparse, has_letters, squash
from ..errors import InputError, error
from ..types import Article, Failure

#: Integer ids longer than sanitize.MAX_INT_DIGITS digits (10^256 < 2^851).
MAX_ID_BITS = 851


def content_id(text: str) -> str:
    """The article id: sha1 of the text with whitespace normalised, first 16 hex digits.

    Whitespace is normalised so that the same story read from a .txt (blank
    lines between paragraphs) and from an .html (trafilatura's single
    newlines) is one article. 16 hex digits (64 bits) keep ids short enough
    to read and type in the CLI and URLs; two different texts collide with
    probability about n^2/2^65, under one in a thousand even at 10^8
    articles, and a collision only merges two documents, it corrupts nothing.
    """
    normal = squash(text)
    return hashlib.sha1(normal.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def parse_date(value: object, *, path: str | None = None, line: int | None = None) -> dt.date:
    """A date the user gave explicitly (a record's "date", `--since`, a feed
    entry's published string), as a `date`; raises DateError if it cannot be
    read or falls outside 1900-2100, because a wrong date given on purpose is
    better fixed at the source than silently dropped.

    ISO dates ("2024-02-24", "2024-02-24T09:00:00Z") are read directly; other
    absolute forms ("Feb. 24, 2024", "24 February 2024", "Feb 2024" -> the
    1st) go through dateparser with relative words ("yesterday") disabled.
    """
    if isinstance(value, dt.datetime):
        return in_range(value.date(), str(value), path, line)
    if isinstance(value, dt.date):
        return in_range(value, str(value), path, line)
    if not isinstance(value, str):
        raise error("E161", found=json_type(value), path=path, line=line)
    text = " ".join(value.split())
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?", text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        try:
            return in_range(dt.date(year, month, day), text, path, line)
        except ValueError:
            raise error("E180", text=text, path=path, line=line) from None
    parsed = dateparse(text, ["month", "year"]) if len(text) <= 64 else None
    if parsed is None:
        raise error("E181", text=text[:64], path=path, line=line)
    return in_range(parsed, text, path, line)


def article_from_text(text: str, *, date: object = None, doc_id: str | None = None,
                      title: str | None = None, outlet: str | None = None,
                      url: str | None = None, source_path: str | None = None,
                      source_line: int | None = None, byline: str | None = None,
                      rules: Cleaner | None = None) -> Article:
    """Clean one document and make it an Article (id = `content_id` of the cleaned text).

    Given metadata wins; what is missing is taken from the text itself when
    it states it (a title line, "By NAME", "Jan. 17, 2014 - 18:00",
    "Source: Yonhap News Agency", a trailing "(Yonhap News)"). `date` may be
    a date, a datetime or a string (see `parse_date`). Raises InputError
    subclasses: EmptyDocumentError when no words are left after cleaning,
    DateError for an unreadable `date`.
    """
    if not isinstance(text, str):
        raise error("E158", name="text", found=json_type(text), path=source_path,
                    line=source_line)
    source_path = None if source_path is None else sanitize.clean_text(source_path)
    text = sanitize.clean_text(text)
    where = {"path": source_path, "line": source_line}
    title, outlet, url, byline, doc_id = (
        sanitize.clean_field(title, "title", **where), sanitize.clean_field(outlet, "outlet", **where),
        sanitize.clean_field(url, "url", **where), sanitize.clean_field(byline, "byline", **where),
        sanitize.clean_field(doc_id, "id", **where))
    if isinstance(date, str):
        date = sanitize.clean_field(date, "date", **where)
    if not text.strip():
        raise error("E132", path=source_path, line=source_line)
    given_date = None
    if date is not None and date != "":
        given_date = parse_date(date, path=source_path, line=source_line)
    cleaner = rules or Cleaner.from_package()
    cleaned = cleaner.clean(text, title=title)
    if not has_letters(cleaned.text):
        raise error("E133", path=source_path, line=source_line)
    return Article(
        id=content_id(cleaned.text), text=cleaned.text, doc_id=opt(doc_id),
        title=opt(title) or cleaned.title,
        outlet=cleaner.canonical_outlet(outlet) if opt(outlet) else cleaned.outlet,
        byline=opt(byline) or cleaned.byline,
        date=given_date or cleaned.date, url=opt(url), source_path=source_path,
        source_line=source_line,
        date_text=(str(date) if given_date else cleaned.date_text),
    )


def opt(value: str | None) -> str | None:
    """None for missing or blank strings, else the value with whitespace squashed."""
    return squash(value) or None if isinstance(value, str) else None


def in_range(date: dt.date, text: str, path: str | None, line: int | None) -> dt.date:
    """`date`, or a DateError naming the text it was read from when outside the years read."""
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise error("E183", text=text[:64], low=MIN_YEAR, high=MAX_YEAR, path=path, line=line)
    return date


def json_type(value: object) -> str:
    """A JSON value's type as an error message names it ("a number", "null")."""
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "an object", type(None): "null"}
    return names.get(type(value), f"a {type(value).__name__}")


def failure(exc: InputError, path: str, line: int | None = None,
             doc_id: object = None) -> Failure:
    """The Failure row of one bad document: reason and hint, file and line,
    the record's id when it has a usable one, all sanitised for the store."""
    reason = exc.reason + (f" {exc.hint}" if exc.hint else "")
    if isinstance(doc_id, int) and doc_id.bit_length() > MAX_ID_BITS:
        doc_id = None
    doc_id = None if doc_id is None else str(doc_id)[:sanitize.MAX_FIELD_CHARS["id"]]
    return Failure(path=sanitize.clean_text(exc.path or path), reason=sanitize.clean_text(reason),
                   line=exc.line if exc.line is not None else line, code=exc.code,
                   doc_id=None if doc_id is None else sanitize.clean_text(doc_id))
