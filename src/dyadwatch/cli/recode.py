"""`dyadwatch recode`: re-code stored articles that an older coder made.

A thin layer over `dyadwatch.recode.recode` (the Python API): it parses the
options, shows progress on stderr and prints what was done.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ..config import Settings
from ._common import DEFAULT_DB_PATH, DbOption
from .printing import console

SinceOption = Annotated[str | None, typer.Option(
    help="Only articles dated on or after this day (YYYY-MM-DD).")]
AllOption = Annotated[bool, typer.Option(
    "--all", help="Re-code every selected article, whatever coder made it (after a kill, "
                  "run recode without --all to finish).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]


def recode(db: DbOption = DEFAULT_DB_PATH, since: SinceOption = None, all_: AllOption = False,
           quiet: QuietOption = False) -> None:
    """Re-code stored articles whose coder fingerprint differs from the current
    coder's (new dictionaries, patterns, model or settings), from their stored
    text. Safe to interrupt: run it again to finish."""
    from ..recode import recode as run
    from ..sources.articles import parse_date
    from .progress import bar as progress_bar

    day = parse_date(since) if since else None
    err = console(stderr=True)
    with progress_bar(err, "re-coding", unit="articles", disable=quiet) as bar:
        task = bar.add_task("recode", total=None)
        report = run(db, Settings.from_env(), since=day, all_articles=all_,
                     progress=lambda done, total: bar.update(task, completed=done, total=total))
    for failure in report.failures:
        err.print(f"[yellow]failed[/] {failure.path}: {failure.reason}", soft_wrap=True)
    if not quiet:
        console().print(f"coder {report.fingerprint}: {report.n_recoded} of {report.n_stale} "
                        f"stale articles re-coded ({report.n_events} events, "
                        f"{report.n_failed} failed) in {report.seconds:.1f} s")


def register(app: typer.Typer) -> None:
    app.command("recode")(recode)
