"""The `dyadwatch` typer app: thin commands over the Python API.

Each command parses its options, calls one API function and prints the
result; a `DyadwatchError` becomes one line on stderr and exit code 1 (see
`main` in __init__.py). Read commands live in `reads.py`, the server in
`serve.py`; this module holds the writing and coding commands.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from collections.abc import Iterator
from typing import Annotated

import typer

from ..config import Settings
from ..errors import InputError, error
from ._common import DEFAULT_DB_PATH, DbOption
from .printing import console, escape

app = typer.Typer(
    name="dyadwatch",
    help="News articles in, auditable political event data out (who did what to whom, "
         "when and where, with evidence).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt, .html, .jsonl, "
                                                     "feeds), read recursively.")],
    db: DbOption = DEFAULT_DB_PATH,
    batch_size: Annotated[int | None, typer.Option(
        help="Documents per spaCy batch (default: the batch_size setting).")] = None,
    workers: Annotated[int | None, typer.Option(
        help="Coding processes, this one included: N starts N-1 workers (default: the "
             "n_process setting, DYADWATCH_N_PROCESS).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Run on Dask: local (a LocalCluster of --workers processes), processes, or "
             "tcp://HOST:PORT (an existing scheduler).")] = None,
    shard_dir: Annotated[Path | None, typer.Option(
        help="With --scheduler: where Parquet shards go (default DB.shards).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    date: Annotated[str | None, typer.Option(
        "--date", help="YYYY-MM-DD: the date of articles that state none (their own date, "
                       "file name or record \"date\" wins); without it their events stay undated.")] = None,
) -> None:
    """Read, code and store articles; print a summary. Re-running adds nothing new.

    Documents that cannot be read are reported, recorded in the errors table
    and skipped; a path that does not exist also makes the exit code 1.
    """
    from ..coding import pipeline
    from ..analysis.dyads import overview
    from ..store.db import Store
    from .progress import bar as progress_bar, count_documents

    # None lets DYADWATCH_N_PROCESS (or the default) decide: an option given
    # on the command line overrides the environment, an absent one does not.
    settings = Settings.from_env(batch_size=batch_size, n_process=workers)
    default_date = _default_date(date)
    if scheduler:
        if default_date is not None:
            raise error("E121")
        _ingest_dask(paths, db, settings, scheduler, settings.n_process, shard_dir, quiet)
        return
    err = console(stderr=True)
    missing = [p for p in paths if not p.exists()]
    # The store is opened before the progress bar starts, so that a locked or
    # unwritable database is reported on one line with nothing else around it.
    with Store.open(db) as store:
        total = None if quiet else count_documents([p for p in paths if p.exists()])
        with progress_bar(err, "coding", disable=quiet,
                          extra="{task.fields[stored]} stored") as bar:
            task = bar.add_task("coding", total=total, stored=0)

            def advance(n: int, stored: int) -> None:
                # a feed or JSON array can hold more documents than counted
                grown = max(n, bar.tasks[0].total or 0) if total is not None else None
                bar.update(task, completed=n, stored=stored, total=grown)

            report = pipeline.process(
                [str(p) for p in paths], db, settings, store=store,
                command="ingest " + " ".join(map(str, paths)), progress=advance,
                default_date=default_date)
            bar.update(task, completed=report.n_read, stored=report.n_stored, total=report.n_read)
        summary = overview(store.cursor())
        undated = _undated(store, report.stored_ids)
    _print_failures(report)
    if not quiet:
        _print_run(report, summary, db)
    if undated:
        err.print(f"[yellow]warning[/] {undated} counted event(s) have no date (their articles state "
                  "none): they are left out of series and alerts. Name files by their day "
                  "(2024-03-05-story.txt), give records a \"date\" or pass --date.", soft_wrap=True)
    if missing:
        # Bad documents are expected in a corpus and only reported; a path that
        # does not exist is most likely a typo, which a script must notice.
        raise error("E120", paths=", ".join(map(str, missing)))


def _default_date(value: str | None):
    """`ingest --date` as a date; a malformed value is the user's to fix."""
    if value is None:
        return None
    from ..coding.dates import parse_iso
    from ..errors import DateError

    try:
        return parse_iso(value)
    except DateError as exc:
        raise error("E122", value=value) from exc


def _undated(store, article_ids: list[str]) -> int:
    """Counted events of the articles just stored that have no date."""
    if not article_ids:
        return 0
    marks = ", ".join("?" * len(article_ids))
    return store.cursor().execute(
        f"SELECT count(*) FROM events WHERE date IS NULL AND NOT negated AND modality = 'asserted' "
        f"AND article_id IN ({marks})", list(article_ids)).fetchone()[0]


def _ingest_dask(paths: list[Path], db: Path, settings: Settings, scheduler: str, workers: int,
                 shard_dir: Path | None, quiet: bool) -> None:
    from .. import scale
    from ..analysis.dyads import overview
    from ..store.db import Store
    from .progress import bar as progress_bar

    err = console(stderr=True)
    with progress_bar(err, "shards", unit="shards", disable=quiet) as bar:
        task = bar.add_task("shards", total=None)
        report = scale.run([str(p) for p in paths], db, settings, scheduler=scheduler,
                           workers=workers, shard_dir=shard_dir,
                           progress=lambda done, total: bar.update(task, completed=done,
                                                                   total=total),
                           on_dashboard=lambda url: err.print(f"Dask dashboard: {url}"))
    with Store.open(db) as store:
        summary = overview(store.cursor())
    _print_failures(report)
    if not quiet:
        _print_run(report, summary, db)


def _print_failures(report) -> None:
    err = console(stderr=True)
    for f in report.failures[:20]:
        where = f"{f.path}:{f.line}" if f.line else f.path
        err.print(f"[yellow]skipped[/] {escape(where)}: {escape(f.reason)}", soft_wrap=True)
    if len(report.failures) > 20:
        err.print(f"... and {len(report.failures) - 20} more (see the errors table)")


def _print_run(report, summary: dict, db: Path) -> None:
    out = console()
    out.print(f"[bold]{db}[/]: read {report.n_read} documents, stored {report.n_stored}, "
              f"{report.n_duplicate} already there, {report.n_failed} failed, "
              f"{report.n_events} events ({report.seconds:.1f} s)")
    out.print(f"database: {summary['articles']} articles, {summary['sentences']} sentences, "
              f"{summary['events']} events, {summary['canonical_events']} canonical events")
    by_type = summary.get("events_by_type") or {}
    if by_type:
        out.print("events by type: " + ", ".join(f"{k} {v}" for k, v in by_type.items()))
    dyads = summary.get("top_dyads") or []
    if dyads:
        out.print("top dyads: " + ", ".join(f"{d['source']}-{d['target']} {d['n']}"
                                            for d in dyads[:8]))


@app.command()
def code(
    infile: Annotated[Path, typer.Argument(
        help="JSON Lines: {\"id\", \"text\", \"date\"} per line; - reads standard input.")],
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write JSON Lines here (default stdout).")] = None,
) -> None:
    """Code records without storing them: the same records come out with "events".

    The stable machine interface; field names are those of the gold files.
    Lines that are not valid records are reported on stderr with their line
    number and skipped.
    """
    from ..analysis.evaluate import code_numbered
    from ..coding.pipeline import Pipeline
    from .progress import bar as progress_bar, count_lines, tracked

    err = console(stderr=True)
    name = "<stdin>" if str(infile) == "-" else str(infile)

    def skip(n: int, why: str) -> None:
        err.print(f"[yellow]skipped[/] {escape(name)}:{n}: {escape(why)}", soft_wrap=True)

    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    spool = _spool_stdin() if name == "<stdin>" else None
    if spool is not None:
        infile = Path(spool.name)
    try:
        # The bar goes to stderr, and only when stderr is a terminal, so piped
        # JSON Lines stay clean; its total is the file's non-blank lines.
        with progress_bar(err, "coding", unit="records",
                          disable=not err.is_terminal) as bar:
            total = count_lines(infile) if err.is_terminal and infile.is_file() else None
            task = bar.add_task("coding", total=total)
            coded = code_numbered(_read_jsonl(infile, skip), Pipeline(Settings.from_env()),
                                  on_skip=skip)
            for rec in tracked(coded, bar, task):
                out.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
            bar.update(task, completed=total)  # skipped lines count as done
    finally:
        if output:
            out.close()
        if spool is not None:
            spool.close()


def _spool_stdin():
    """Standard input copied to a temporary file (removed when closed), so
    `code -` decodes and numbers its lines exactly as it does a file's
    (byte-order marks, UTF-16, one bad line never stops the rest) while the
    copy is streamed, never held in memory."""
    import shutil
    import tempfile

    spool = tempfile.NamedTemporaryFile(prefix="dyadwatch-stdin-", suffix=".jsonl")
    shutil.copyfileobj(sys.stdin.buffer, spool, 1 << 20)
    spool.flush()
    return spool


def _read_jsonl(path: Path, skip) -> Iterator[tuple[int, dict]]:
    """Yield (line number, record) as the file is read, decoded as `ingest`
    reads JSON Lines (UTF-8 with or without BOM, UTF-16) and passed through
    the input sanitiser; report through `skip` lines that cannot be decoded,
    are not JSON objects with a "text" string, or have an over-long metadata
    field, and go on (cleaning and dates are checked once, where the record
    is coded)."""
    from ..sources import sanitize
    from ..sources.records import jsonl_values
    from ..types import Failure

    if not path.is_file():
        raise error("E123", path=path)
    for item in jsonl_values(path):
        if isinstance(item, Failure):
            skip(item.line or 0, item.reason)
            continue
        n, rec = item
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            skip(n, "a record needs a \"text\" string")
            continue
        try:
            for key in ("title", "outlet", "url", "byline", "id"):
                if isinstance(rec.get(key), str):
                    sanitize.clean_field(rec[key], key, path=str(path), line=n)
        except InputError as exc:
            skip(n, exc.reason + (f" {exc.hint}" if exc.hint else ""))
            continue
        yield n, rec


@app.command("eval")
def eval_(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSON Lines files (see ../shared/data).")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON.")] = None,
    misses: Annotated[int, typer.Option(help="How many misses to list.")] = 10,
    min_confidence: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="Count only events with at least this confidence.")] = 0.0,
) -> None:
    """Precision, recall and F1 of (source country, target country, PLOVER type)
    triples and of the type alone, per type and overall."""
    from ..analysis.evaluate import evaluate_files, render
    from .progress import bar as progress_bar

    err = console(stderr=True)
    with progress_bar(err, "coding gold", unit="records", disable=not err.is_terminal) as bar:
        task = bar.add_task("coding gold", total=None)
        report = evaluate_files(gold, Settings.from_env(), min_confidence=min_confidence,
                                progress=lambda done, total: bar.update(task, completed=done,
                                                                        total=total))
    render(report, console(), misses=misses)
    if json_out:
        json_out.write_text(json.dumps(report.to_json(), indent=1), encoding="utf-8")
        console(stderr=True).print(f"wrote {json_out}")


@app.command("eval-geo")
def eval_geo(
    gold: Annotated[Path, typer.Argument(help="Geo gold JSON Lines (tests/data/geo_gold.jsonl).")],
    misses: Annotated[int, typer.Option(help="How many misses to list.")] = 10,
) -> None:
    """Exact-match and within-161-km accuracy of place resolution against a gold file."""
    from ..analysis.evaluate_geo import evaluate_geo
    from ..coding.geo import Geocoder

    report = evaluate_geo(str(gold), Geocoder.from_package())
    out = console()
    flat = {k: v for k, v in report.items() if isinstance(v, (int, float, str))}
    for key, sub in report.items():
        if isinstance(sub, dict):
            flat.update({f"{key}[{k}]": v for k, v in sub.items()})
    for key, value in flat.items():
        # escaped: "exact_by_precision[admin1]" is not rich markup
        out.print(escape(f"{key:32} {value:.3f}" if isinstance(value, float)
                         else f"{key:32} {value}"))
    for miss in (report.get("misses") or [])[:misses]:
        out.print(f"[yellow]miss[/] {escape(str(miss))}")


def _register_submodules() -> None:
    from . import failures
    from . import reads
    from . import recode
    from . import serve
    from . import watch

    reads.register(app)
    failures.register(app)
    recode.register(app)
    serve.register(app)
    watch.register(app)


def _print_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"dyadwatch {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the version and exit.")] = False) -> None:
    """News articles in, auditable political event data out (who did what to whom,
    when and where, with evidence)."""


_register_submodules()


def only_asked(app: typer.Typer, args: list[str]) -> typer.Typer:
    """`app` with only the command that `args` name first, or `app` itself
    when they name none it has (options such as --help or --version, a
    mistyped command). Typer builds every registered command's options at
    each start; building the one that runs keeps a read command's start
    short, and its parsing, help and errors are those of the whole app.
    The command and the app's own options convert their values without
    importing pydantic for the plain ones (lean.py)."""
    from typer.core import TyperCommand
    from typer.main import get_command_name

    from .lean import LeanCommand, LeanGroup

    if not args or args[0].startswith("-"):
        return app
    asked = [c for c in app.registered_commands
             if (c.name or get_command_name(c.callback.__name__)) == args[0]]
    if len(asked) != 1:
        return app
    command = copy.copy(asked[0])
    if command.cls in (None, TyperCommand):  # typer's default: no command of ours has its own
        command.cls = LeanCommand
    lean = copy.copy(app)
    lean.registered_commands = [command]
    lean.info = copy.copy(app.info)
    lean.info.cls = LeanGroup
    return lean
