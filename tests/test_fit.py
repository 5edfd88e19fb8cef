"""Terminal listings at 80 and 160 columns: every line fits, no cell is cut
inside a word, and the columns a reader needs (date, dyad, type) are whole.
Rows come from real queries on DuckDB files built by build_db."""

from __future__ import annotations

import datetime as dt

import pytest

import test_analysis
import test_queries
from dyadwatch.analysis import dyads as analysis
from dyadwatch.cli.fit import (ELLIPSIS, LISTINGS, Col, cut, fit, fit_lines, period_label,
                               series_columns, series_rows)
from dyadwatch.names import Names
from dyadwatch.store import queries
from dyadwatch.store.db import Store
from dyadwatch.types import PLOVER_TYPES
from test_queries import Ev, build_db

LONG = Ev("long1", "2024-04-02", "USAGOV", "PRKGOV", "DISAPPROVE", 3, -2.0,
          "The United States Department of State condemned what it called an "
          "extraordinarily provocative intercontinental ballistic missile launch, adding "
          "that sanctions enforcement would be strengthened across the region.\n\n",
          "condemned", "The United States Department of State", None,
          geo=("Washington", "USA", 38.9, -77.04))


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fit")
    small, big = folder / "small.duckdb", folder / "big.duckdb"
    build_db(small, [*test_queries.SPECS, LONG])
    build_db(big, test_analysis.SPECS)
    return small, big


def listing_rows(dbs) -> dict[str, list[dict]]:
    small, big = dbs
    names = Names.from_package()
    with Store.open(small, read_only=True) as store:
        con = store.cursor()
        events = queries.records(queries.list_events(con, limit=None))
        near = queries.records(queries.list_events(con, near=(35.1, 129.0), within_km=500))
        quotes = queries.records(queries.list_quotes(con))
        actors = queries.records(queries.list_actors(con))
        timeline = queries.records(analysis.timeline(con, "CHN", "PRK"))
    for a in actors:
        a["label"] = names.label(a["code"])
    with Store.open(big, read_only=True) as store:
        con = store.cursor()
        alerts = queries.records(analysis.alerts(con))
        network = queries.records(analysis.network(con))
    return {"events": events + near, "quotes": quotes, "actors": actors,
            "timeline": timeline, "alerts": alerts, "network": network}


def whole_or_cut_at_a_word(shown: str, full: str) -> bool:
    if shown == full:
        return True
    if not shown.endswith(ELLIPSIS):
        return False
    head = shown[:-1]
    return head == "" or (full.startswith(head) and full[len(head)] in " ,;:")


@pytest.mark.parametrize("width", [80, 160])
def test_every_listing_fits_and_never_cuts_a_word(dbs, width):
    from dyadwatch.cli.fit import _value

    rows = listing_rows(dbs)
    assert set(rows) == set(LISTINGS)
    for name, cols in LISTINGS.items():
        assert rows[name], f"{name}: no rows to render"
        laid = fit(rows[name], cols, width)
        for line in laid.lines():
            assert len(line) <= width, (name, line)
            assert "\n" not in line
        for row, shown in zip(rows[name], laid.cells):
            for col, text in zip(laid.cols, shown):
                assert whole_or_cut_at_a_word(text, _value(col, row)), (name, col.header, text)
                if col.header in ("date", "dyad", "type", "code", "period"):
                    assert text == _value(col, row), (name, col.header, text)


def test_the_long_sentence_is_cut_with_an_ellipsis_at_80_and_whole_when_wide(dbs):
    rows = [r for r in listing_rows(dbs)["events"] if r["id"] == "long1"]
    at80 = fit_lines(rows, LISTINGS["events"], 80, header=False)[0]
    assert at80.endswith(ELLIPSIS) and at80.startswith("2024-04-02  USAGOV→PRKGOV  DISAPPROVE")
    wide = fit_lines(rows, LISTINGS["events"], None, header=False)[0]
    assert wide.endswith("strengthened across the region.")  # stored without "\n\n"
    assert "long1" in wide and "Washington" in wide


def test_stored_sentences_have_no_trailing_whitespace(dbs):
    with Store.open(dbs[0], read_only=True) as store:
        bad = store.con.execute(
            "SELECT count(*) FROM events WHERE sentence <> rtrim(sentence, ' \n\t\r') "
            "UNION ALL SELECT count(*) FROM sentences WHERE text <> rtrim(text, ' \n\t\r') "
            "OR end_char - start_char <> length(text)").fetchall()
    assert bad == [(0,), (0,)]


@pytest.mark.parametrize("text, width, shown", [
    ("short", 10, "short"), ("two words here", 9, "two…"), ("two words here", 10, "two words…"),
    ("unbreakable", 5, ELLIPSIS), ("a, b, c", 4, "a…"), ("", 3, "")])
def test_cut(text, width, shown):
    assert cut(text, width) == shown
    assert len(cut(text, width)) <= width


def test_optional_columns_go_least_important_first():
    cols = (Col("a", "a"), Col("b", "b", keep=2), Col("c", "c", keep=1),
            Col("s", "s", flex=True))
    rows = [{"a": "x" * 10, "b": "y" * 20, "c": "z" * 20, "s": "word " * 20}]
    assert [c.header for c in fit(rows, cols, 200).cols] == ["a", "b", "c", "s"]
    assert [c.header for c in fit(rows, cols, 75).cols] == ["a", "b", "s"]
    assert [c.header for c in fit(rows, cols, 50).cols] == ["a", "s"]


def test_series_show_only_periods_with_events_and_readable_labels(dbs):
    with Store.open(dbs[1], read_only=True) as store:
        df = analysis.dyad_series(store.cursor(), "IND", "PAK", since="2022-06", until="2023-12")
    rows = queries.records(df)
    assert len(rows) == 19
    shown = series_rows(rows, "month")
    assert [r["period"] for r in shown] == ["2023-01", "2023-03"]
    assert len(series_rows(rows, "month", all_periods=True)) == 19
    cols = series_columns(shown, PLOVER_TYPES)
    headers = [c.header for c in cols]
    assert headers[:2] == ["period", "events"] and "accuse" in headers and "yield" not in headers
    for line in fit_lines(shown, cols, 80):
        assert len(line) <= 80


@pytest.mark.parametrize("day, freq, label", [
    (dt.date(2017, 3, 1), "month", "2017-03"), (dt.date(2017, 2, 27), "week", "2017-W09"),
    (dt.date(2017, 3, 4), "day", "2017-03-04"), ("2021-01-04", "week", "2021-W01")])
def test_period_labels(day, freq, label):
    assert period_label(day, freq) == label


_WIDTHS = """
import json, sys
from dyadwatch.cli.fit import terminal_width
from rich.console import Console
print(json.dumps([terminal_width(), Console().width]))
"""


@pytest.mark.parametrize("env", [
    {}, {"COLUMNS": "150"}, {"COLUMNS": "150", "LINES": "40"}, {"COLUMNS": "0"},
    {"COLUMNS": "x"}, {"TERM": "dumb"}, {"TERM": "dumb", "COLUMNS": "150"},
    {"TERM": "unknown", "COLUMNS": "120", "LINES": "30"}, {"FORCE_COLOR": "1", "TERM": "dumb"},
    {"TTY_COMPATIBLE": "0", "TERM": "dumb"}, {"TTY_COMPATIBLE": "1", "TERM": "dumb"},
])
@pytest.mark.parametrize("tty", [False, True])
def test_the_listing_width_is_the_one_rich_gives(env, tty):
    """The fitted listings are plain lines, so their width is worked out
    without importing rich: it must be what rich's Console says, in a
    terminal (a pseudo-terminal here) and piped, whatever COLUMNS, LINES,
    TERM, FORCE_COLOR and TTY_COMPATIBLE say."""
    import json
    import os
    import pty
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items()
            if k not in ("COLUMNS", "LINES", "TERM", "FORCE_COLOR", "TTY_COMPATIBLE")}
    argv = [sys.executable, "-c", _WIDTHS]
    if not tty:
        done = subprocess.run(argv, env={**base, **env}, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=60)
        assert done.returncode == 0, done.stderr
        ours, rich = json.loads(done.stdout)
    else:
        main, child = pty.openpty()
        os.set_blocking(main, True)
        done = subprocess.run(argv, env={**base, **env}, stdin=child, stdout=child,
                              stderr=subprocess.PIPE, timeout=60)
        os.close(child)
        out = os.read(main, 4096).decode()
        os.close(main)
        assert done.returncode == 0, done.stderr
        ours, rich = json.loads(out.strip().splitlines()[-1])
    assert ours == rich
