"""JSON records in, Articles out: in-memory records (the `code` command, the
HTTP API), .json files (one record or a list) and JSON Lines files.

A record is a mapping with "text" and optional metadata fields; every
problem with one record (not a mapping, a field of the wrong type, no words,
an unreadable date, a line that is not JSON, an id already used by another
text of the same file) is a `Failure` with its line, and the other records
go on. JSON Lines are read line by line with a bounded buffer, so a file's
size costs no memory, and pieces of a large file can be read from a byte
offset (the Dask planner cuts them).
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from . import sanitize
from .articles import MAX_ID_BITS, article_from_text, failure, json_type
from .cleaner import Cleaner
from .decode import decode, utf16_without_bom, utf8_lines
from .files import DEFAULT_MAX_BYTES, check_file, os_error, read_bytes
from ..errors import FormatError, InputError, error
from ..types import Article, Failure


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
        yield failure(error("E162"), origin)
        return
    rules = rules or Cleaner.from_package()
    seen: dict[str, tuple[int, str]] = {}
    for n, record in enumerate(items, first):
        try:
            yield _unique_id(_record_article(record, origin, n, rules), seen)
        except InputError as exc:
            doc_id = record.get("id") if isinstance(record, Mapping) else None
            yield failure(exc, origin, n, doc_id if isinstance(doc_id, (str, int)) else None)


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
            yield failure(line, name, lineno)
            continue
        if not line.strip():
            continue
        try:
            yield lineno, sanitize.clean_value(sanitize.parse_json(line, path=name, line=lineno))
        except FormatError as exc:
            yield failure(exc, name, lineno)


def _jsonl_lines(path: str | os.PathLike, *, first_line: int = 1, last_line: int | None = None,
                 offset: int = 0, max_bytes: int = DEFAULT_MAX_BYTES
                 ) -> Iterator[tuple[int, str | InputError | Failure]]:
    """(line number, text or error) for lines first_line..last_line, or one
    (0, Failure) when the file cannot be opened or decoded at all."""
    name = str(path)
    try:
        check_file(Path(path), max_bytes=None)
        with open(path, "rb") as fh:
            head = fh.read(4096)
            fh.seek(0)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or \
                    utf16_without_bom(head):
                lines = decode(read_bytes(Path(path), max_bytes), name).split("\n")
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
        yield 0, failure(os_error(Path(path), exc), name)
    except InputError as exc:
        yield 0, failure(exc, name)


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
    return failure(error("E163", doc_id=item.doc_id, first=first[0]), item.source_path or "",
                   item.source_line, doc_id=item.doc_id)


def read_json(text: str, name: str, rules: Cleaner) -> Iterator[Article | Failure]:
    """The records of a .json file's text: one record or a list of records
    (JSON Lines saved as .json are read as JSON Lines)."""
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
        raise error("E155", found=json_type(value), path=name)
    if not records:
        raise error("E136", path=name)
    yield from read_records(records, name, rules=rules)


def _jsonl_line(line: str | InputError, name: str, lineno: int,
                rules: Cleaner) -> Iterator[Article | Failure]:
    """The article of one JSON Lines line (nothing for a blank line), or its Failure."""
    if isinstance(line, InputError):
        yield failure(line, name, lineno)
        return
    if not line.strip():
        return
    try:
        record = sanitize.parse_json(line, path=name, line=lineno)
    except FormatError as exc:
        yield failure(exc, name, lineno)
        return
    yield from read_records([record], name, rules=rules, first=lineno)


def _record_article(record: object, origin: str, n: int, rules: Cleaner) -> Article:
    """The Article of one record, or an InputError naming the field that is wrong."""
    if not isinstance(record, Mapping):
        raise error("E156", found=json_type(record), path=origin, line=n)
    text = record.get("text")
    if text is None:
        raise error("E157", path=origin, line=n)
    values: dict[str, str | None] = {}
    for key in ("text", "title", "url", "outlet", "byline", "author"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise error("E158", name=key, found=json_type(value), path=origin, line=n)
        values[key] = value
    doc_id = record.get("id")
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int, type(None))):
        raise error("E159", found=json_type(doc_id), path=origin, line=n)
    if isinstance(doc_id, int) and doc_id.bit_length() > MAX_ID_BITS:
        raise error("E160", limit=sanitize.MAX_INT_DIGITS, path=origin, line=n)
    date = record.get("date")
    if date is not None and not isinstance(date, (str, dt.date)):
        raise error("E161", found=json_type(date), path=origin, line=n)
    return article_from_text(values["text"] or "", date=date,
                             doc_id=None if doc_id is None else str(doc_id),
                             title=values["title"], outlet=values["outlet"], url=values["url"],
                             byline=values["byline"] or values["author"], source_path=origin,
                             source_line=n, rules=rules)

