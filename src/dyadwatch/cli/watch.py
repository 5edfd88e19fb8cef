"""`dyadwatch watch`, `dyadwatch sources add|list|remove` and
`dyadwatch rules`: live sources in, escalation notifications out.

`watch` opens the database for writing for as long as it runs (DuckDB has
one writer per file); to keep a dashboard live at the same time, run
`dyadwatch serve --watch SOURCES`, which runs the same loop inside the
server.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from ..config import Settings
from ..errors import error
from ._common import DEFAULT_DB_PATH, DbOption, FormatOption, OutputOption
from .printing import console, emit, escape

SourcesArg = Annotated[Path, typer.Argument(help="YAML sources file (sources: and rules:).")]


def every_seconds(value: str) -> float:
    from ..sources.watchfile import parse_duration

    try:
        return parse_duration(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def watch(
    sources: SourcesArg,
    db: DbOption = DEFAULT_DB_PATH,
    every: Annotated[str, typer.Option(help="Time between cycles: 30s, 15m, 2h.")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="One cycle over every source, "
                                                     "then exit.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print the notifications instead of sending them (nothing is "
                          "recorded as sent).")] = False,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="End of the alert window (default: the last event's date).")] = None,
    dashboard: Annotated[str | None, typer.Option(
        help="Dashboard address for links in messages (default: the sources file's "
             "dashboard_url).")] = None,
) -> None:
    """Poll the sources, code new articles as `ingest` does, evaluate the
    rules and send notifications; one log line per cycle."""
    import logging  # here: every command registers this module, only `watch` logs

    from ..coding.pipeline import Pipeline
    from ..sources import watchfile
    from ..sources.watch import Watcher
    from ..store.db import Store

    period = every_seconds(every)
    wf = watchfile.load(sources)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s",
                        datefmt="%Y-%m-%d %H:%M:%S")
    for name in ("httpx", "apprise"):
        logging.getLogger(name).setLevel(logging.WARNING)
    out = console()
    with Store.open(db) as store, contextlib.ExitStack() as stack:
        # Loaded before the first poll, so that a cycle's time is fetching and coding.
        pipeline = Pipeline(Settings.from_env()).warm_up()
        watcher = Watcher(store, wf, pipeline, dry_run=dry_run, dashboard_url=dashboard,
                          as_of=as_of)
        stack.callback(watcher.close)

        def show(report) -> None:
            if dry_run:
                for msg in report.messages:
                    out.print(f"[bold]would send:[/] {escape(msg.title)}\n"
                              f"{escape(msg.body)}\n", soft_wrap=True)
        try:
            watcher.run(period, once=once, on_cycle=show)
        except KeyboardInterrupt:
            console(stderr=True).print("stopped; committed work is kept, the next run "
                                       "resumes.")

def sources_add(
    address: Annotated[str, typer.Argument(help="Feed, sitemap or article URL, or a folder.")],
    db: DbOption = DEFAULT_DB_PATH,
    kind: Annotated[str | None, typer.Option(help="feed, sitemap, article or folder "
                                                  "(default: guessed).")] = None,
    name: Annotated[str | None, typer.Option()] = None,
    outlet: Annotated[str | None, typer.Option()] = None,
    language: Annotated[str | None, typer.Option()] = None,
    interval: Annotated[str, typer.Option(help="Time between polls.")] = "15m",
    tag: Annotated[list[str] | None, typer.Option(help="A tag (repeatable).")] = None,
) -> None:
    """Add (or update) a source in the database; `watch` polls it too."""
    from ..sources.watch import source_row
    from ..sources.watchfile import SourceSpec
    from ..store import watch_state
    from ..store.db import Store
    from pydantic import ValidationError

    is_url = "://" in address  # a folder path never has a scheme
    try:
        spec = SourceSpec(url=address if is_url else None,
                          path=None if is_url else str(Path(address).resolve()),
                          kind=kind, name=name, outlet=outlet, language=language,
                          interval=interval, tags=tuple(tag or ()))
    except ValidationError as exc:
        raise error("E435", problems="; ".join(e["msg"].removeprefix("Value error, ")
                                               for e in exc.errors())) from exc
    with Store.open(db) as store:
        watch_state.upsert_sources(store, [source_row(spec)], "cli")
    console().print(f"added {spec.resolved_kind} {escape(spec.address)}")

def sources_list(db: DbOption = DEFAULT_DB_PATH, fmt: FormatOption = "table",
          output: OutputOption = None) -> None:
    """Sources with their last poll, status, errors, articles found in all and
    in the last 7 days."""
    import pandas as pd

    from ..store import watch_state
    from ..store.db import Store

    with Store.open(db, read_only=True) as store:
        rows = watch_state.list_sources(store.cursor())
    cols = ["address", "kind", "name", "interval_s", "last_polled_at", "last_status",
            "last_error", "n_articles", "articles_7d", "n_errors", "origin"]
    emit(pd.DataFrame(rows, columns=cols), fmt, output, title="sources")

def sources_remove(address: Annotated[str, typer.Argument()],
                   db: DbOption = DEFAULT_DB_PATH) -> None:
    """Remove a source (its articles stay stored)."""
    from ..store import watch_state
    from ..store.db import Store

    with Store.open(db) as store:
        if not watch_state.remove_source(store, address):
            raise error("E124", address=address, db=db)
    console().print(f"removed {escape(address)}")

def rules(
    sources: SourcesArg,
    db: DbOption = DEFAULT_DB_PATH,
    all_history: Annotated[bool, typer.Option(
        "--history", help="Check consecutive windows over the whole history.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
) -> None:
    """Check the sources file's rules now: the window checked, the alerts
    with their evidence, and the dyads that came closest when none fires."""
    from ..sources import watchfile
    from ..store.db import Store

    wf = watchfile.load(sources)
    with Store.open(db, read_only=True) as store:
        con = store.cursor()
        for rule in wf.rules:
            _print_rule(con, rule, all_history, as_of)


def register(app: typer.Typer) -> None:
    sources_app = typer.Typer(help="Sources to watch, stored in the database.",
                              no_args_is_help=True)
    sources_app.command("add")(sources_add)
    sources_app.command("list")(sources_list)
    sources_app.command("remove")(sources_remove)
    app.add_typer(sources_app, name="sources")
    app.command()(watch)
    app.command()(rules)


def _print_rule(con, rule, history: bool, as_of: str | None) -> None:
    from ..analysis import alerts

    out = console()
    reports = alerts.evaluate_history(con, rule) if history else \
        [alerts.evaluate(con, rule, as_of=as_of)]
    fired = [r for r in reports if r.alerts]
    for r in (fired if history else reports):
        if r.window_end is None:
            out.print(f"rule {rule.name}: no dated events for its dyads yet.")
            continue
        out.print(f"rule [bold]{escape(rule.name)}[/]: window {r.window_start} to "
                  f"{r.window_end}, {r.n_dyads} dyads checked, {len(r.alerts)} alerts")
        for a in r.alerts:
            out.print(f"  [red]ALERT[/] {a.dyad}: "
                      + "; ".join(escape(c.detail) for c in a.changes)
                      + f" ({a.n_events} events, {a.n_stories} stories)")
            ev = alerts.evidence(con, a.event_ids)
            for row in ev.itertuples(index=False):
                out.print(f"    {row.event_id} {row.plover}: {escape(str(row.sentence))[:200]}"
                          f" ({escape(str(row.outlet))}, {row.url or row.article_id})",
                          soft_wrap=True)
        for c in r.closest:
            out.print(f"  closest: {c.dyad} ({c.n_events} events, {c.n_stories} stories, "
                      f"baseline {c.n_baseline}): {escape(c.lacking or '')}; "
                      + "; ".join(escape(ch.detail) for ch in c.changes))
    if history and not fired:
        out.print(f"rule {rule.name}: no alert in {len(reports)} windows of "
                  f"{rule.window_days} days over the whole history.")
