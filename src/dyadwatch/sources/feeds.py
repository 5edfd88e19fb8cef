"""Feeds, news sitemaps and article pages, as fetched bytes, into entries and Articles.

A feed or sitemap lists article addresses (`Entry`); each address is then
fetched as a page and extracted with trafilatura, the extractor `ingest`
uses for HTML files, and cleaned by the same `article_from_text`. The date
a feed or sitemap states wins (it is the publication date the outlet
gives); otherwise the page's own metadata is read with htmldate, and
failing that the cleaner's reading of the text stands.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from lxml import etree

from ..errors import DateError, InputError, error
from ..types import Article
from .articles import article_from_text, parse_date
from .cleaner import Cleaner
from .fetch import normalize_url

_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True)
class Entry:
    """One article address a source listed, with what the listing said of it."""

    url: str
    title: str | None = None
    date: dt.date | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class Listing:
    """What a feed or sitemap gave: its entries, child sitemaps (of a
    sitemap index) and a problem, if any (entries before it are kept)."""

    entries: tuple[Entry, ...] = ()
    children: tuple[str, ...] = ()
    problem: str | None = None


def parse_feed(body: bytes) -> Listing:
    """Entries of an RSS/Atom feed (feedparser); broken XML keeps the
    entries read before the break and reports where it broke."""
    import feedparser

    try:  # a stream, never a str: feedparser treats strings as URLs or file names
        parsed = feedparser.parse(io.BytesIO(body))
    except Exception as exc:  # feedparser's fallback parsers raise assorted errors
        return Listing(problem=f"feed could not be parsed ({type(exc).__name__})")
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    harmless = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    note = None
    if problem is not None and not isinstance(problem, harmless):
        line = problem.getLineNumber() if hasattr(problem, "getLineNumber") else None
        note = f"broken XML{f' at line {line}' if line else ''}: {problem}"
    outlet = (parsed.get("feed") or {}).get("title")
    entries = []
    for entry in parsed.get("entries") or []:
        link = entry.get("link")
        if not link or not link.lower().startswith(("http://", "https://")):
            continue
        entries.append(Entry(normalize_url(link), entry.get("title"), _entry_date(entry),
                             (entry.get("source") or {}).get("title") or outlet))
    if not entries and note is None and not parsed.get("version"):
        note = "not an RSS or Atom feed"
    return Listing(tuple(entries), (), note)


def _entry_date(entry) -> dt.date | None:
    stated = dict.get(entry, "published") or dict.get(entry, "updated")
    if stated:
        try:
            return parse_date(stated)
        except DateError:
            pass
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    try:
        return dt.date(*parsed[:3]) if parsed else None
    except (TypeError, ValueError):
        return None


def parse_sitemap(body: bytes) -> Listing:
    """URLs of a (news) sitemap, or the child sitemaps of a sitemap index.
    Parsed without entities, network or huge-tree support (a sitemap is
    data from someone else's server)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             recover=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        return Listing(problem=f"broken XML at line {exc.lineno}: {exc.msg}")
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        locs = [normalize_url(t) for t in root.xpath("//*[local-name()='sitemap']/"
                                                     "*[local-name()='loc']/text()")]
        return Listing(children=tuple(locs))
    if tag != "urlset":
        return Listing(problem=f"not a sitemap (root element <{tag}>)")
    entries = []
    for url in root.iterfind(f"{{{_SITEMAP_NS}}}url"):
        loc = (url.findtext(f"{{{_SITEMAP_NS}}}loc") or "").strip()
        if not loc.lower().startswith(("http://", "https://")):
            continue
        news = url.find(f"{{{_NEWS_NS}}}news")
        title = outlet = None
        when = url.findtext(f"{{{_SITEMAP_NS}}}lastmod")
        if news is not None:
            title = news.findtext(f"{{{_NEWS_NS}}}title")
            outlet = news.findtext(f"{{{_NEWS_NS}}}publication/{{{_NEWS_NS}}}name")
            when = news.findtext(f"{{{_NEWS_NS}}}publication_date") or when
        entries.append(Entry(normalize_url(loc), title, _date_or_none(when), outlet))
    return Listing(tuple(entries))


def _date_or_none(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_date(text.strip())
    except DateError:
        return None


def page_article(body: bytes, entry: Entry, *, outlet: str | None = None,
                 rules: Cleaner | None = None) -> Article:
    """The Article of a fetched page; raises InputError subclasses (no
    article text, unparseable markup) that the caller records as failures."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(body, url=entry.url, with_metadata=True,
                                          include_comments=False, include_tables=False,
                                          favor_recall=True)
    except Exception as exc:  # lxml/trafilatura raise many types on hostile markup
        raise error("E164", reason=type(exc).__name__, path=entry.url) from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise error("E134", path=entry.url)
    date = entry.date or _page_date(body, entry.url)
    return article_from_text(text, date=date, doc_id=entry.url,
                             title=entry.title or getattr(doc, "title", None),
                             outlet=outlet or entry.outlet or getattr(doc, "sitename", None),
                             url=entry.url, byline=getattr(doc, "author", None),
                             source_path=entry.url, rules=rules)


def _page_date(body: bytes, url: str) -> dt.date | None:
    """Publication date from the page's metadata (htmldate, original date,
    no guessing from free text: a wrong date misplaces every event)."""
    from htmldate import find_date

    try:
        found = find_date(body, url=url, original_date=True, extensive_search=False)
        return parse_date(found) if found else None
    except (InputError, ValueError, TypeError):
        return None
