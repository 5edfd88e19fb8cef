"""Files and records in, cleaned `Article`s (or `Failure`s) out.

The first stage of the pipeline, and the only one that touches raw input, so
it is where hostile input must stop: every problem with one document becomes
a `Failure` naming the file (and line) and saying why, and the stream goes on.
`read_paths` and `read_records` never raise for bad input; only a broken
package data table (a `DataTableError`) escapes, because that is not the
user's document's fault.

Formats, chosen by file extension:

- .txt .text .md: plain text.
- .html .htm .xhtml: trafilatura extracts the article body; title, date
  (meta tags only), author and site name come from its metadata.
- .jsonl .ndjson: one record per line (see `read_records` for the fields);
  a bad line is a Failure with its line number, the other lines go on; a
  record reusing the id of an earlier one of the file for another text is
  a Failure (ids name one article).
- .json: one record, or a list of records.
- .xml .rss .atom .rdf: RSS/Atom via feedparser, one article per entry;
  broken XML is reported, and the entries read before the break are kept.
- anything else is sniffed after decoding: "<" -> HTML (or a feed when it
  has an <rss>/<feed> root), "{" or "[" -> JSON / JSON Lines, otherwise
  plain text. Binary files (PDF, images, archives) fail the binary check
  with "binary file", so sniffing never turns them into articles.

Every document's text, whatever its format, then goes through
`cleaner.Cleaner` (scrape boilerplate out; title, outlet, byline and date
kept when the text states them) and gets `content_id` as its id.

Folders are read recursively in sorted order. Hidden files and folders
(".git", ".DS_Store"), a corpus's own documentation (README, LICENSE,
PROVENANCE, CHANGELOG files) and DuckDB databases with their write-ahead
logs (the target database kept beside its corpus) are skipped during a
folder walk; a file named explicitly is always read.

Every text field passes `sanitize` (surrogates, control characters, field
sizes) in `article_from_text` and `failure`, the two constructors every
reader ends in, before anything can reach the store. Bytes become text in
`decode`.

The work is split by what each part reads: files.py walks folders and reads
files safely, records.py reads JSON records and JSON Lines, markup.py reads
HTML pages and feeds, articles.py makes the Article or Failure every reader
ends in; this module picks the reader for each file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .articles import article_from_text, failure
from .cleaner import Cleaner
from .decode import decode
from .files import (DEFAULT_MAX_BYTES, FEED_SUFFIXES, HTML_SUFFIXES, JSON_SUFFIXES,
                    JSONL_SUFFIXES, TEXT_SUFFIXES, dated_by_name, os_error, read_bytes, walk)
from .markup import html_article, read_feed
from .records import read_json, read_jsonl
from ..errors import InputError
from ..types import Article, Failure


def read_paths(paths: Iterable[str | os.PathLike] | str | os.PathLike, *,
               max_bytes: int = DEFAULT_MAX_BYTES,
               rules: Cleaner | None = None) -> Iterator[Article | Failure]:
    """Articles from files and folders (recursively, sorted), one Failure per bad document.

    Symbolic links are followed; a loop, a broken link, a pipe or device, an
    unreadable or over-size (`max_bytes`) file is a Failure, never a crash.
    """
    rules = rules or Cleaner.from_package()
    for item in walk(paths):
        if isinstance(item, Failure):
            yield item
        else:
            yield from _read_file(item, max_bytes=max_bytes, rules=rules)


def _read_file(path: Path, *, max_bytes: int, rules: Cleaner) -> Iterator[Article | Failure]:
    """The articles of one file, read by the reader of its kind; its problems as Failures."""
    name, suffix = str(path), path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, max_bytes=max_bytes, rules=rules)
        return
    try:
        data = read_bytes(path, max_bytes)
        text = decode(data, name)
        kind = _kind(suffix, text)
        if kind == "html":
            yield html_article(text, name, path.name, rules)
        elif kind == "feed":
            yield from read_feed(data, name, rules)
        elif kind == "json":
            yield from read_json(text, name, rules)
        else:
            yield dated_by_name(article_from_text(text, doc_id=path.name, source_path=name, rules=rules),
                                path.name)
    except OSError as exc:
        yield failure(os_error(path, exc), name)
    except InputError as exc:
        yield failure(exc, name)


def _kind(suffix: str, text: str) -> str:
    """The reader of a file: by its extension, else sniffed from its decoded text."""
    for kind, suffixes in (("text", TEXT_SUFFIXES), ("html", HTML_SUFFIXES),
                           ("json", JSON_SUFFIXES), ("feed", FEED_SUFFIXES)):
        if suffix in suffixes:
            return kind
    head = text.lstrip("\ufeff \t\r\n")[:2000].casefold()
    if head.startswith("<"):
        return "feed" if re.search(r"<(?:rss|feed|rdf:rdf)[\s>]", head) else "html"
    return "json" if head.startswith(("{", "[")) else "text"
