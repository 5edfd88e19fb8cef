"""Progress bars for long commands: done/total, rate, time left.

A bar without a total tells the user nothing about when it will end, so
ingest counts its documents first (a JSON Lines file is a line per
document, any other file one: a feed or JSON array with several articles
makes the total grow when it is read), and `code` knows its records
before it starts. Counting reads the files once, far faster than coding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn,
                           SpinnerColumn, Task, TaskProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text

T = TypeVar("T")


class RateColumn(ProgressColumn):
    """Documents per second, once there is something to measure."""

    def __init__(self, unit: str = "docs") -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.1f} {self.unit}/s", style="cyan")


def bar(console: Console, description: str, *, unit: str = "docs", disable: bool = False,
        extra: str | None = None) -> Progress:
    """A rich Progress with done/total, percent, rate, elapsed and ETA.
    `extra` is a format string over the task's fields ("{task.fields[stored]} stored")."""
    cols: list[Any] = [SpinnerColumn(), TextColumn("[progress.description]{task.description}"),
                       BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                       RateColumn(unit)]
    if extra:
        cols.append(TextColumn(extra))
    cols += [TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn()]
    return Progress(*cols, console=console, disable=disable, transient=False)


def count_documents(paths: Sequence[str | Path]) -> int | None:
    """How many documents ingest will read from `paths` (JSON Lines: one per
    non-blank line; other readable files: one), or None when a path is not
    there (the total is then unknown, not wrong)."""
    from ..sources.files import CORPUS_DOC_STEMS, JSONL_SUFFIXES, TEXT_SUFFIXES

    def skipped(f: Path) -> bool:  # what ingest's folder walk leaves out
        return any(part.startswith(".") for part in f.parts) or (
            f.stem.upper() in CORPUS_DOC_STEMS and f.suffix.lower() in TEXT_SUFFIXES | {""})

    total = 0
    for p in map(Path, paths):
        if not p.exists():
            return None
        files = [p] if p.is_file() else [f for f in sorted(p.rglob("*"))
                                         if f.is_file() and not skipped(f.relative_to(p))]
        for f in files:
            total += _documents_in(f, JSONL_SUFFIXES)
    return total


def _documents_in(path: Path, jsonl: frozenset[str]) -> int:
    if path.suffix.lower() not in jsonl:
        return 1
    try:
        return count_lines(path)
    except OSError:
        return 1  # ingest reports the file as failed: one document


def count_lines(path: Path) -> int:
    """Non-blank lines: the records of a JSON Lines file."""
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


def tracked(items: Iterable[T], progress: Progress, task: Any) -> Iterator[T]:
    """Yield `items`, advancing `task` by one after each."""
    for item in items:
        yield item
        progress.advance(task)

