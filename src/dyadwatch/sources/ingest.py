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
sizes) in `article_from_text` and `_failure`, the two constructors every
reader ends in, before anything can reach the store. Bytes become text in
`decode`.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import hashlib
import html as html_lib
import io
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from . import sanitize
from .decode import decode, utf16_without_bom, utf8_lines
from .cleaner import MAX_YEAR, MIN_YEAR, Cleaned, Cleaner, dateparse, has_letters, squash
from ..errors import DateError, EmptyDocumentError, FormatError, InputError
from ..types import Article, Failure

__all__ = ["Cleaned", "Cleaner", "DEFAULT_MAX_BYTES", "JSONL_SUFFIXES", "article_from_text",
           "content_id", "jsonl_values", "parse_date", "walk", "read_jsonl", "read_paths", "read_records"]

#: Largest file read whole (and largest single JSON line), in bytes. Bigger
#: inputs are refused with a Failure rather than risk memory on a shared box.
DEFAULT_MAX_BYTES = 50_000_000
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIXES = frozenset({".json"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf"})
#: Names of DuckDB files and their write-ahead logs, skipped in folder walks.
DATABASE_SUFFIXES = (".duckdb", ".duckdb.wal", ".db.wal")
#: File stems that document a corpus folder rather than belong to it.
CORPUS_DOC_STEMS = frozenset({"README", "LICENSE", "LICENCE", "PROVENANCE", "CHANGELOG"})
#: Integer ids longer than sanitize.MAX_INT_DIGITS digits (10^256 < 2^851).
_MAX_ID_BITS = 851
_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
               "section", "article", "pre")


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
        return _in_range(value.date(), str(value), path, line)
    if isinstance(value, dt.date):
        return _in_range(value, str(value), path, line)
    if not isinstance(value, str):
        raise FormatError(f"date must be a string like \"2024-02-24\", got {_json_type(value)}.",
                          path=path, line=line)
    text = " ".join(value.split())
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?", text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
        try:
            return _in_range(dt.date(year, month, day), text, path, line)
        except ValueError:
            raise DateError(f"date {text!r} is not a calendar date.", path=path, line=line,
                            hint="Use YYYY-MM-DD.") from None
    parsed = dateparse(text, ["month", "year"]) if len(text) <= 64 else None
    if parsed is None:
        raise DateError(f"date {text[:64]!r} cannot be parsed.", path=path, line=line,
                        hint="Use YYYY-MM-DD (e.g. 2024-02-24), or leave the date out.")
    return _in_range(parsed, text, path, line)


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
        raise FormatError(f"text must be a string, got {_json_type(text)}.", path=source_path,
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
        raise EmptyDocumentError("document is empty or only whitespace.", path=source_path,
                                 line=source_line, hint="Remove it from the input.")
    given_date = None
    if date is not None and date != "":
        given_date = parse_date(date, path=source_path, line=source_line)
    cleaner = rules or Cleaner.from_package()
    cleaned = cleaner.clean(text, title=title)
    if not has_letters(cleaned.text):
        raise EmptyDocumentError("document has no words left after removing boilerplate, "
                                 "punctuation and markup.", path=source_path, line=source_line,
                                 hint="Check that the file holds article text.")
    return Article(
        id=content_id(cleaned.text), text=cleaned.text, doc_id=_opt(doc_id),
        title=_opt(title) or cleaned.title,
        outlet=cleaner.canonical_outlet(outlet) if _opt(outlet) else cleaned.outlet,
        byline=_opt(byline) or cleaned.byline,
        date=given_date or cleaned.date, url=_opt(url), source_path=source_path,
        source_line=source_line,
        date_text=(str(date) if given_date else cleaned.date_text),
    )


def read_records(records: Iterable[object], origin: str | os.PathLike, *,
                 rules: Cleaner | None = None, first: int = 1) -> Iterator[Article | Failure]:
    """Articles from in-memory records (the `code` command, the HTTP API, .json files).

    A record is a mapping with "text" (required, a string) and optional
    "title", "date", "url", "outlet", "byline"/"author" (strings or null) and
    "id" (string or integer). A record that is not a mapping, has a field of
    the wrong type, no words, or an unreadable date becomes a Failure whose
    `line` is its 1-based position (counted from `first`) and whose path is
    `origin`; the others go on. Never raises for bad records.
    """
    origin = str(origin)
    try:
        items = iter(records)
    except TypeError:
        yield Failure(origin, "records must be a list of objects.", code=FormatError.code)
        return
    rules = rules or Cleaner.from_package()
    seen: dict[str, tuple[int, str]] = {}
    for n, record in enumerate(items, first):
        try:
            yield _unique_id(_record_article(record, origin, n, rules), seen)
        except InputError as exc:
            doc_id = record.get("id") if isinstance(record, Mapping) else None
            yield _failure(exc, origin, n, doc_id if isinstance(doc_id, (str, int)) else None)


def read_paths(paths: Iterable[str | os.PathLike] | str | os.PathLike, *,
               max_bytes: int = DEFAULT_MAX_BYTES,
               rules: Cleaner | None = None) -> Iterator[Article | Failure]:
    """Articles from files and folders (recursively, sorted), one Failure per bad document.

    Symbolic links are followed; a loop, a broken link, a pipe or device, an
    unreadable or over-size (`max_bytes`) file is a Failure, never a crash.
    """
    rules = rules or Cleaner.from_package()
    for item in _walk(paths):
        if isinstance(item, Failure):
            yield item
        else:
            yield from _read_file(item, max_bytes=max_bytes, rules=rules)


def walk(paths: Iterable[str | os.PathLike] | str | os.PathLike) -> Iterator[Path | Failure]:
    """The files `read_paths` would read, in its order, and a Failure for each
    problem met while walking (loops, broken links, missing paths): what a
    planner needs to cut the input into shards without losing those failures."""
    return _walk(paths)


def read_jsonl(path: str | os.PathLike, *, first_line: int = 1, last_line: int | None = None,
               offset: int = 0, max_bytes: int = DEFAULT_MAX_BYTES,
               rules: Cleaner | None = None) -> Iterator[Article | Failure]:
    """Records of a JSON Lines file, optionally only lines first_line..last_line.

    Read line by line with a bounded buffer: a 50 MB line costs at most
    `max_bytes` of memory and is refused when longer. Lines are numbered as
    in the file (blank lines count, and are skipped). Each line must be
    UTF-8 JSON (the JSON Lines rule); a file with a UTF-16 byte-order mark
    is decoded whole instead.

    `offset`, when given, is the byte position at which `first_line`
    starts (the Dask planner records it): reading starts there instead of
    at the top of the file, so the pieces of a large file cost time in
    proportion to their own size, not to their position in the file.
    """
    name, rules = str(path), rules or Cleaner.from_package()
    seen: dict[str, tuple[int, str]] = {}
    for lineno, line in _jsonl_lines(path, first_line=first_line, last_line=last_line,
                                     offset=offset, max_bytes=max_bytes):
        if isinstance(line, Failure):
            yield line
        else:
            for item in _jsonl_line(line, name, lineno, rules):
                yield _unique_id(item, seen)


def jsonl_values(path: str | os.PathLike, *,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[tuple[int, object] | Failure]:
    """(line number, decoded JSON value) for each non-blank line of a JSON
    Lines file, read exactly as `read_jsonl` reads it (UTF-8 with or without
    a byte-order mark, UTF-16), every string passed through the sanitiser;
    a line that cannot be decoded is a Failure with its line. For readers
    that keep whole records (the `code` command)."""
    name = str(path)
    for lineno, line in _jsonl_lines(path, max_bytes=max_bytes):
        if isinstance(line, Failure):
            yield line
            continue
        if isinstance(line, InputError):
            yield _failure(line, name, lineno)
            continue
        if not line.strip():
            continue
        try:
            yield lineno, sanitize.clean_value(sanitize.parse_json(line, path=name, line=lineno))
        except FormatError as exc:
            yield _failure(exc, name, lineno)


def _jsonl_lines(path: str | os.PathLike, *, first_line: int = 1, last_line: int | None = None,
                 offset: int = 0, max_bytes: int = DEFAULT_MAX_BYTES
                 ) -> Iterator[tuple[int, str | InputError | Failure]]:
    """(line number, text or error) for lines first_line..last_line, or one
    (0, Failure) when the file cannot be opened or decoded at all."""
    name = str(path)
    try:
        _check_file(Path(path), max_bytes=None)
        with open(path, "rb") as fh:
            head = fh.read(4096)
            fh.seek(0)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or \
                    utf16_without_bom(head):
                lines = decode(_read_bytes(Path(path), max_bytes), name).split("\n")
                numbered: Iterable[tuple[int, str | InputError]] = enumerate(lines, 1)
            else:
                if offset:
                    fh.seek(offset)
                numbered = utf8_lines(fh, name, max_bytes, first=first_line if offset else 1)
            for lineno, line in numbered:
                if lineno < first_line:
                    continue
                if last_line is not None and lineno > last_line:
                    break
                yield lineno, line
    except OSError as exc:
        yield 0, _failure(_os_error(Path(path), exc), name)
    except InputError as exc:
        yield 0, _failure(exc, name)


def _unique_id(item: Article | Failure, seen: dict[str, tuple[int, str]]) -> Article | Failure:
    """`item`, or a Failure when an earlier line of the same file gave the
    same "id" to a different text: two articles with one id would make every
    lookup by id ambiguous, so the first keeps it and the later one is
    reported (the same record repeated is left to deduplication)."""
    if not isinstance(item, Article) or item.doc_id is None:
        return item
    first = seen.setdefault(item.doc_id, (item.source_line or 0, item.id))
    if first[1] == item.id:
        return item
    return Failure(item.source_path or "", f"id {item.doc_id!r} is already used on line "
                   f"{first[0]} by a different text. Give each record its own id.",
                   line=item.source_line, code=FormatError.code, doc_id=item.doc_id)


def _opt(value: str | None) -> str | None:
    """None for missing or blank strings, else the value with whitespace squashed."""
    return squash(value) or None if isinstance(value, str) else None


def _in_range(date: dt.date, text: str, path: str | None, line: int | None) -> dt.date:
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        raise DateError(f"date {text[:64]!r} is outside {MIN_YEAR}-{MAX_YEAR}.", path=path,
                        line=line, hint="Correct the date or leave it out.")
    return date


def _json_type(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "an object", type(None): "null"}
    return names.get(type(value), f"a {type(value).__name__}")


# --- files and formats ------------------------------------------------------------------

def _walk(paths: Iterable[str | os.PathLike] | str | os.PathLike) -> Iterator[Path | Failure]:
    """Files under `paths`, depth first in sorted order, with a Failure for each
    path that cannot be walked. Folders are identified by (device, inode) so a
    symlink loop is met once and reported, not followed forever."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: set[tuple[int, int]] = set()
    for given in paths:
        root = Path(given)
        try:
            st = root.stat()
        except OSError as exc:
            yield _failure(_os_error(root, exc), str(root))
            continue
        if not stat.S_ISDIR(st.st_mode):
            yield root
            continue
        stack: list[Iterator[Path]] = []
        folder: Path | None = root
        while folder is not None or stack:
            if folder is not None:
                entries = yield from _enter(folder, st, seen)
                stack.append(iter(entries))
                folder = None
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            try:
                st = child.stat()
            except OSError as exc:
                yield _failure(_os_error(child, exc), str(child))
                continue
            if stat.S_ISDIR(st.st_mode):
                folder = child
            elif not (child.stem.upper() in CORPUS_DOC_STEMS
                      and child.suffix.lower() in TEXT_SUFFIXES | {""}) \
                    and not _is_database(child, st):
                yield child


def _is_database(path: Path, st: os.stat_result) -> bool:
    """True for a DuckDB database or its write-ahead log: met in a folder
    walk when the database is kept beside the corpus it was made from, and
    never an article (reading it would also race with the writer). Only
    regular files are opened to look: opening a pipe would block."""
    if path.name.lower().endswith(DATABASE_SUFFIXES):
        return True
    if not stat.S_ISREG(st.st_mode):
        return False
    try:
        with open(path, "rb") as fh:
            return fh.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def _enter(folder: Path, st: os.stat_result, seen: set[tuple[int, int]]):
    """Sorted visible entries of a folder (a generator returning a list, so
    that its Failure, if any, is yielded in walk order)."""
    key = (st.st_dev, st.st_ino)
    if key in seen:
        yield Failure(str(folder), "folder already read through another path (a symbolic link "
                                   "loop or a second link to it); skipped.", code=InputError.code)
        return []
    seen.add(key)
    try:
        with os.scandir(folder) as it:
            names = sorted(e.name for e in it if not e.name.startswith("."))
    except OSError as exc:
        yield _failure(_os_error(folder, exc), str(folder))
        return []
    return [folder / name for name in names]


def _os_error(path: Path, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        if path.is_symlink():
            return InputError("broken symbolic link (its target does not exist).", path=str(path))
        return InputError("no such file or folder.", path=str(path), hint="Check the path.")
    if exc.errno == 40:  # ELOOP
        return InputError("symbolic link loop (the link leads back to itself).", path=str(path))
    if isinstance(exc, PermissionError):
        return InputError("permission denied.", path=str(path),
                          hint="Make the file readable or leave it out.")
    return InputError(f"cannot read: {exc.strerror or exc}.", path=str(path))


def _check_file(path: Path, *, max_bytes: int | None) -> None:
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise InputError("not a regular file (a pipe, socket or device); skipped.", path=str(path))
    if max_bytes is not None and st.st_size > max_bytes:
        raise _too_big(path, st.st_size, max_bytes)


def _too_big(path: Path, size: int, max_bytes: int) -> InputError:
    return InputError(f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes.",
                      path=str(path), hint="Split it into smaller files or raise max_bytes.")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    _check_file(path, max_bytes=max_bytes)
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew after stat()
        raise _too_big(path, len(data), max_bytes)
    return data


def _read_file(path: Path, *, max_bytes: int, rules: Cleaner) -> Iterator[Article | Failure]:
    name, suffix = str(path), path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, max_bytes=max_bytes, rules=rules)
        return
    try:
        data = _read_bytes(path, max_bytes)
        text = decode(data, name)
        kind = _kind(suffix, text)
        if kind == "html":
            yield _html_article(text, name, path.name, rules)
        elif kind == "feed":
            yield from _read_feed(data, name, rules)
        elif kind == "json":
            yield from _read_json(text, name, rules)
        else:
            yield _dated_by_name(article_from_text(text, doc_id=path.name, source_path=name, rules=rules),
                                 path.name)
    except OSError as exc:
        yield _failure(_os_error(path, exc), name)
    except InputError as exc:
        yield _failure(exc, name)


#: "2024-03-05", "20240305" or "2024_03_05" in a file name, not inside a longer number.
_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


def date_in_name(file_name: str) -> dt.date | None:
    """The date a file's name states ("2024-03-05-ceasefire.txt"), if any:
    saved articles are often named by their day, and an undated article's
    events fall out of every series."""
    m = _NAME_DATE.search(file_name)
    if m is None:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _dated_by_name(article: Article, file_name: str) -> Article:
    """The article with the date of its file name when its text states none."""
    if article.date is not None:
        return article
    day = date_in_name(file_name)
    return article if day is None else dataclasses.replace(article, date=day, date_text=file_name)


def _kind(suffix: str, text: str) -> str:
    for kind, suffixes in (("text", TEXT_SUFFIXES), ("html", HTML_SUFFIXES),
                           ("json", JSON_SUFFIXES), ("feed", FEED_SUFFIXES)):
        if suffix in suffixes:
            return kind
    head = text.lstrip("\ufeff \t\r\n")[:2000].casefold()
    if head.startswith("<"):
        return "feed" if re.search(r"<(?:rss|feed|rdf:rdf)[\s>]", head) else "html"
    return "json" if head.startswith(("{", "[")) else "text"


def _html_article(markup: str, name: str, doc_id: str, rules: Cleaner) -> Article:
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            markup, with_metadata=True, include_comments=False, include_tables=False,
            favor_recall=True,
            date_extraction_params={"original_date": True, "extensive_search": False,
                                    "min_date": f"{MIN_YEAR}-01-01", "max_date": f"{MAX_YEAR}-12-31"})
    except Exception as exc:  # lxml/trafilatura raise many types on hostile markup
        raise FormatError(f"HTML could not be parsed ({type(exc).__name__}).", path=name) from exc
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not has_letters(body):
        raise EmptyDocumentError("HTML has no extractable article text (only navigation, "
                                 "scripts or markup, or nested too deeply to parse).", path=name,
                                 hint="Check that the page holds the article, not a shell.")
    date = None
    if doc.date:
        try:
            date = parse_date(doc.date)
        except InputError:  # a date the page's meta tags state badly: leave it unknown
            date = None
    return article_from_text(body, date=date, doc_id=doc_id, title=doc.title,
                             outlet=doc.sitename, url=doc.url, byline=doc.author,
                             source_path=name, rules=rules)


def _read_json(text: str, name: str, rules: Cleaner) -> Iterator[Article | Failure]:
    try:
        value = sanitize.parse_json(text, path=name)
    except FormatError:
        if text.lstrip().startswith("{") and "\n" in text.strip():  # JSON Lines in disguise
            for lineno, line in enumerate(text.split("\n"), 1):
                yield from _jsonl_line(line, name, lineno, rules)
            return
        raise
    records = [value] if isinstance(value, dict) else value
    if not isinstance(records, list):
        raise FormatError(f"JSON holds {_json_type(value)}; expected one record (an object "
                          "with \"text\") or a list of records.", path=name)
    if not records:
        raise EmptyDocumentError("JSON list has no records.", path=name)
    yield from read_records(records, name, rules=rules)


def _jsonl_line(line: str | InputError, name: str, lineno: int,
                rules: Cleaner) -> Iterator[Article | Failure]:
    if isinstance(line, InputError):
        yield _failure(line, name, lineno)
        return
    if not line.strip():
        return
    try:
        record = sanitize.parse_json(line, path=name, line=lineno)
    except FormatError as exc:
        yield _failure(exc, name, lineno)
        return
    yield from read_records([record], name, rules=rules, first=lineno)


def _record_article(record: object, origin: str, n: int, rules: Cleaner) -> Article:
    if not isinstance(record, Mapping):
        raise FormatError(f"record is {_json_type(record)}, not an object with a \"text\" field.",
                          path=origin, line=n)
    text = record.get("text")
    if text is None:
        raise FormatError("record has no \"text\" field.", path=origin, line=n,
                          hint="Give the article body as \"text\".")
    values: dict[str, str | None] = {}
    for key in ("text", "title", "url", "outlet", "byline", "author"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise FormatError(f"field \"{key}\" must be a string, got {_json_type(value)}.",
                              path=origin, line=n)
        values[key] = value
    doc_id = record.get("id")
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int, type(None))):
        raise FormatError(f"field \"id\" must be a string or integer, got {_json_type(doc_id)}.",
                          path=origin, line=n)
    if isinstance(doc_id, int) and doc_id.bit_length() > _MAX_ID_BITS:
        raise FormatError(f"field \"id\" is a number of more than {sanitize.MAX_INT_DIGITS} "
                          "digits.", path=origin, line=n, hint="Give long ids as strings.")
    date = record.get("date")
    if date is not None and not isinstance(date, (str, dt.date)):
        raise FormatError(f"field \"date\" must be a string like \"2024-02-24\", got "
                          f"{_json_type(date)}.", path=origin, line=n)
    return article_from_text(values["text"] or "", date=date,
                             doc_id=None if doc_id is None else str(doc_id),
                             title=values["title"], outlet=values["outlet"], url=values["url"],
                             byline=values["byline"] or values["author"], source_path=origin,
                             source_line=n, rules=rules)


def _read_feed(data: bytes, name: str, rules: Cleaner) -> Iterator[Article | Failure]:
    import feedparser

    try:  # a stream, never a str: feedparser treats strings as URLs or file names
        parsed = feedparser.parse(io.BytesIO(data))
    except Exception as exc:  # feedparser's fallback parsers raise assorted errors
        raise FormatError(f"feed could not be parsed ({type(exc).__name__}).", path=name) from exc
    entries = list(parsed.get("entries") or [])
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    harmless = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
    if problem is not None and not isinstance(problem, harmless):
        line = problem.getLineNumber() if hasattr(problem, "getLineNumber") else None
        kept = f"; the {len(entries)} entries read before it are kept" if entries else ""
        yield Failure(name, f"broken XML: {problem}{kept}.", line=line, code=FormatError.code)
    if not entries:
        if problem is None:
            what = "feed has no entries." if parsed.get("version") else \
                "XML file is not an RSS or Atom feed."
            yield Failure(name, what, code=EmptyDocumentError.code)
        return
    outlet = (parsed.get("feed") or {}).get("title")
    for n, entry in enumerate(entries, 1):
        doc_id = entry.get("id") or entry.get("link")
        try:
            yield _entry_article(entry, n, outlet, name, rules)
        except InputError as exc:
            exc.reason = f"entry {n}: {exc.reason}"
            yield _failure(exc, name, doc_id=doc_id)


def _entry_article(entry: Mapping, n: int, outlet: str | None, name: str,
                   rules: Cleaner) -> Article:
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
        raise DateError(f"date {stated[:64]!r} cannot be parsed.", path=name,
                        hint="Give pubDate in RFC 822 form.") from None
    return _in_range(day, stated, name, None)


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


def _failure(exc: InputError, path: str, line: int | None = None,
             doc_id: object = None) -> Failure:
    reason = exc.reason + (f" {exc.hint}" if exc.hint else "")
    if isinstance(doc_id, int) and doc_id.bit_length() > _MAX_ID_BITS:
        doc_id = None
    doc_id = None if doc_id is None else str(doc_id)[:sanitize.MAX_FIELD_CHARS["id"]]
    return Failure(path=sanitize.clean_text(exc.path or path), reason=sanitize.clean_text(reason),
                   line=exc.line if exc.line is not None else line, code=exc.code,
                   doc_id=None if doc_id is None else sanitize.clean_text(doc_id))
