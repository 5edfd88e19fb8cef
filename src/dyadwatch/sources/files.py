"""Files and folders in, the files to read out: the folder walk, the checks
before a file is opened, reading it whole within a size limit, and the date
its name states.

A walk must never hang or crash on what it meets (symbolic link loops,
broken links, pipes, unreadable or huge files), so each of those is a
`Failure` in the walk's order and the walk goes on. Folders are read
recursively in sorted order; hidden entries, a corpus's own documentation
and DuckDB databases with their write-ahead logs are skipped in a walk,
while a file named explicitly is always read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from .articles import failure
from ..errors import InputError, error
from ..types import Article, Failure

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


def walk(paths: Iterable[str | os.PathLike] | str | os.PathLike) -> Iterator[Path | Failure]:
    """The files `ingest.read_paths` reads, in its order: depth first in sorted
    order, with a Failure for each path that cannot be walked (loops, broken
    links, missing paths), which is also what a planner needs to cut the input
    into shards without losing those failures. Folders are identified by
    (device, inode) so a symlink loop is met once and reported, not followed
    forever."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: set[tuple[int, int]] = set()
    for given in paths:
        root = Path(given)
        try:
            st = root.stat()
        except OSError as exc:
            yield failure(os_error(root, exc), str(root))
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
                yield failure(os_error(child, exc), str(child))
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
        yield failure(error("E119"), str(folder))
        return []
    seen.add(key)
    try:
        with os.scandir(folder) as it:
            names = sorted(e.name for e in it if not e.name.startswith("."))
    except OSError as exc:
        yield failure(os_error(folder, exc), str(folder))
        return []
    return [folder / name for name in names]


def os_error(path: Path, exc: OSError) -> InputError:
    """The input error an OSError on `path` means, in words a user can act on."""
    if isinstance(exc, FileNotFoundError):
        if path.is_symlink():
            return error("E112", path=path)
        return error("E111", path=path)
    if exc.errno == 40:  # ELOOP
        return error("E113", path=path)
    if isinstance(exc, PermissionError):
        return error("E114", path=path)
    return error("E115", reason=exc.strerror or exc, path=path)


def check_file(path: Path, *, max_bytes: int | None) -> None:
    """Raise InputError unless `path` is a regular file of at most `max_bytes`:
    opening a pipe or device would block, and a huge file would fill memory."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise error("E116", path=path)
    if max_bytes is not None and st.st_size > max_bytes:
        raise too_big(path, st.st_size, max_bytes)


def too_big(path: Path, size: int, max_bytes: int) -> InputError:
    return error("E117", size=size, limit=max_bytes, path=path)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The whole file, refused (InputError) if over `max_bytes` even when it grew after stat()."""
    check_file(path, max_bytes=max_bytes)
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew after stat()
        raise too_big(path, len(data), max_bytes)
    return data


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


def dated_by_name(article: Article, file_name: str) -> Article:
    """The article with the date of its file name when its text states none."""
    if article.date is not None:
        return article
    day = date_in_name(file_name)
    return article if day is None else dataclasses.replace(article, date=day, date_text=file_name)

