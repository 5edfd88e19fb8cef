"""Markup in, Articles out: an HTML page (trafilatura extracts the article
body and its metadata) and an RSS/Atom feed (feedparser, one article per
entry, each entry's HTML fragment turned into paragraphs).

Hostile markup is expected here: a page or feed the parsers cannot read is
a `FormatError`, a page with no article text an `EmptyDocumentError`, and
broken XML keeps the entries read before the break.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import io
import re
from collections.abc import Iterator, Mapping

from .articles import article_from_text, failure, in_range, parse_date
from .cleaner import MAX_YEAR, MIN_YEAR, Cleaner, has_letters
from ..errors import DateError, InputError, error
from ..types import Article, Failure

#: HTML elements that end a paragraph in a feed entry's fragment.
_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
               "section", "article", "pre")


def html_article(markup: str, name: str, doc_id: str, rules: Cleaner) -> Article:
    """The article of an HTML page: its body, title, date (meta tags only),
    author and site name as trafilatura extracts them."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            markup, with_metadata=True, include_comments=False, include_tables=False,
            favor_recall=True,
            date_extraction_params={"original_date": True, "extensive_search": False,
                                    "min_date": f"{MIN_YEAR}-01-01", "max_date": f"{MAX_YEAR}-12-31"})
    except Exception as exc:  # lxml/trafilatura raise many types on hostile markup
        raise error("E164", reason=type(exc).__name__, path=name) from exc
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not has_letters(body):
        raise error("E135", path=name)
    date = None
    if doc.date:
        try:
            date = parse_date(doc.date)
        except InputError:  # a date the page's meta tags state badly: leave it unknown
            date = None
    return article_from_text(body, date=date, doc_id=doc_id, title=doc.title,
                             outlet=doc.sitename, url=doc.url, byline=doc.author,
                             source_path=name, rules=rules)


def read_feed(data: bytes, name: str, rules: Cleaner) -> Iterator[Article | Failure]:
    """One article per entry of an RSS/Atom feed; broken XML is one Failure,
    and the entries read before the break are kept."""
    import feedparser

    try:  # a stream, never a str: feedparser treats strings as URLs or file names
        parsed = feedparser.parse(io.BytesIO(data))
    except Exception as exc:  # feedparser's fallback parsers raise assorted errors
        raise error("E165", reason=type(exc).__name__, path=name) from exc
    entries = list(parsed.get("entries") or [])
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    harmless = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    if problem is not None and not isinstance(problem, harmless):
        line = problem.getLineNumber() if hasattr(problem, "getLineNumber") else None
        kept = f"; the {len(entries)} entries read before it are kept" if entries else ""
        yield failure(error("E166", problem=problem, kept=kept, path=name, line=line), name)
    if not entries:
        if problem is None:
            yield failure(error("E137" if parsed.get("version") else "E138"), name)
        return
    outlet = (parsed.get("feed") or {}).get("title")
    for n, entry in enumerate(entries, 1):
        doc_id = entry.get("id") or entry.get("link")
        try:
            yield _entry_article(entry, n, outlet, name, rules)
        except InputError as exc:
            exc.reason = f"entry {n}: {exc.reason}"
            yield failure(exc, name, doc_id=doc_id)


def _entry_article(entry: Mapping, n: int, outlet: str | None, name: str,
                   rules: Cleaner) -> Article:
    """The article of one feed entry: its content (else summary) as paragraphs."""
    content = entry.get("content") or []
    body = content[0].get("value") if content else None
    body = body or entry.get("summary") or entry.get("description") or ""
    date = _entry_date(entry, name)
    source = entry.get("source") or {}
    return article_from_text(_fragment_text(body), date=date,
                             doc_id=entry.get("id") or entry.get("link") or f"entry {n}",
                             title=entry.get("title"), outlet=source.get("title") or outlet,
                             url=entry.get("link"), byline=entry.get("author"),
                             source_path=name, rules=rules)


def _entry_date(entry: Mapping, name: str) -> dt.date | None:
    """The entry's date as its feed states it (local date of "Thu, 14 Sep 2023
    07:45 +0900" is the 14th; feedparser's parsed value is UTC, the 13th),
    falling back on feedparser's parse for forms dateparser does not read."""
    # dict.get, not FeedParserDict.get: the latter aliases "updated" to
    # "published" with a DeprecationWarning on every entry.
    stated = dict.get(entry, "published") or dict.get(entry, "updated")
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if not stated:
        return None
    try:
        return parse_date(stated, path=name)
    except DateError:
        if not parsed:
            raise
    try:
        day = dt.date(*parsed[:3])
    except (TypeError, ValueError):
        raise error("E182", text=stated[:64], path=name) from None
    return in_range(day, stated, name, None)


def _fragment_text(markup: str) -> str:
    """Text of a feed entry's HTML fragment, one paragraph per block element."""
    if "<" not in markup:
        return html_lib.unescape(markup)
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return html_lib.unescape(re.sub(r"<[^>]*>", " ", markup))
    for bad in list(root.iter("script", "style", "noscript", "iframe")):
        bad.drop_tree()
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n\n" + (el.tail or "")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return root.text_content()
