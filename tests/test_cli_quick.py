"""The read commands' quick start (cli/quick.py) reads a plain command line
exactly as the typer commands do, and leaves every other one to typer."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer.main

import test_analysis
from dyadwatch.cli import app, listings, only_asked, quick
from test_queries import build_db


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = tmp_path_factory.mktemp("quick") / "analysis.duckdb"
    build_db(path, test_analysis.SPECS)
    return str(path)


def _plain(value):
    value = getattr(value, "value", value)
    return str(value) if isinstance(value, os.PathLike) else value


@pytest.mark.parametrize("name", sorted(quick.COMMANDS))
def test_the_quick_options_are_the_typer_commands_own(name):
    """Names, flags, defaults and environment variables of every option and
    the positional arguments, compared with the click command typer builds."""
    command = typer.main.get_command(only_asked(app, [name])).commands[name]
    positional, opts = quick.COMMANDS[name]
    theirs = {p.name: p for p in command.params}
    assert [p.name for p in command.params if p.param_type_name == "argument"] == list(positional)
    options = {p.name: p for p in theirs.values() if p.param_type_name == "option"}
    assert sorted(options) == sorted(o.dest for o in opts)
    for o in opts:
        p = options[o.dest]
        assert (tuple(p.opts), tuple(p.secondary_opts)) == (o.names, ())
        assert p.is_flag == (o.convert is None)
        assert _plain(p.default) == _plain(o.default), o.dest
        assert p.envvar == o.envvar


#: Command lines the quick start reads, with the typer command's values.
PLAIN = [
    ["events"], ["events", "--limit", "50"], ["events", "--limit=7", "--offset", "3", "-f", "csv"],
    ["events", "--dyad", "CHN-PRK", "--directed", "--all", "--canonical", "--type", "ACCUSE"],
    ["events", "--since", "2017", "--until", "2018-06", "--text", "talks", "--quad", "4",
     "--min-confidence", "0.25", "--country", "PRK", "--actor", "KOR", "--wide"],
    ["events", "--near", "39.0,125.7", "--within", "400km", "--format", "jsonl"],
    ["events", "-o", "out.json", "--format", "json"],
    ["stats"], ["stats", "-f", "json"], ["stats", "--format=table"],
    ["dyad", "CHN", "PRK"], ["dyad", "--db", "x.duckdb", "CHN", "PRK", "--freq", "week"],
    ["dyad", "CHN", "PRK", "--since", "2017-01", "--until", "2017-06", "--directed",
     "--unit", "mentions", "--all", "--all-periods", "-f", "csv", "--wide"],
    ["alerts"], ["alerts", "--window", "90", "--baseline", "3", "--threshold", "0.5",
                 "--min-events", "1", "--as-of", "2024-05-31"],
    ["alerts", "--directed", "--unit", "mentions", "--threshold", "0", "--all", "-f", "json"],
]

#: Command lines left to typer (help, errors, forms it reads its own way).
DECLINED = [
    ["events", "--help"], ["events", "--limit", "-3"], ["events", "--limit", "x"],
    ["events", "--limit", "5", "--limit", "6"], ["events", "--bogus"], ["events", "extra"],
    ["events", "-f", "xml"], ["events", "-f", "parquet"], ["events", "-fcsv"],
    ["events", "--wide=1"], ["events", "--near", "-33.9,18.4"], ["events", "--quad", "04"],
    ["events", "--min-confidence", "1e-3"], ["events", "--limit"], ["events", "--"],
    ["dyad", "CHN"], ["dyad", "CHN", "PRK", "USA"], ["dyad", "CHN", "PRK", "--freq", "year"],
    ["alerts", "--window", "030"], ["alerts", "--threshold", "nan"], ["stats", "-f", "csv"],
    ["stats", "--db", ""], ["show", "e1"], ["--version"], [],
]


def _captured(monkeypatch, run):
    """The arguments `run` hands to listings.events/stats/dyad/alerts."""
    calls = []
    for name in quick.COMMANDS:
        monkeypatch.setattr(listings, name, lambda *a, _n=name: calls.append((_n, a)))
    run()
    assert len(calls) == 1
    name, args = calls[0]
    return name, [_plain(a) for a in args]


@pytest.mark.parametrize("args", PLAIN, ids=" ".join)
def test_a_plain_command_line_gives_the_typer_values(monkeypatch, args):
    monkeypatch.delenv("DYADWATCH_DB", raising=False)
    parsed = quick.parse(args)
    assert parsed is not None
    ours = _captured(monkeypatch, lambda: quick.run(*parsed))

    def typer_run():
        with pytest.raises(SystemExit) as done:
            only_asked(app, args)(args)
        assert done.value.code == 0

    assert ours == _captured(monkeypatch, typer_run)


@pytest.mark.parametrize("args", DECLINED, ids=" ".join)
def test_other_command_lines_are_left_to_typer(args):
    assert quick.parse(args) is None


def test_the_database_from_the_environment(monkeypatch):
    monkeypatch.setenv("DYADWATCH_DB", "from-env.duckdb")
    assert quick.parse(["stats"])[1]["db"].name == "from-env.duckdb"
    assert quick.parse(["stats", "--db", "given.duckdb"])[1]["db"].name == "given.duckdb"
    monkeypatch.setenv("DYADWATCH_DB", "")
    assert quick.parse(["stats"])[1]["db"].name == "dyadwatch.duckdb"


_FORCE_TYPER = """
import sys
from dyadwatch.cli import main, quick
if sys.argv.pop(1) == "typer":
    quick.parse = lambda args: None
sys.argv = ["dyadwatch", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("args", [
    ["events", "--limit", "20"], ["events", "--dyad", "CHN-PRK", "-f", "csv"],
    ["stats"], ["stats", "-f", "json"], ["dyad", "CHN", "PRK"], ["dyad", "CHN", "PRK", "-f", "json"],
    ["alerts"], ["alerts", "--as-of", "2024-05-31"], ["alerts", "-f", "csv"],
    ["dyad", "CHN", "PRK", "--since", "nope"], ["events", "--type", "NOPE"],
], ids=" ".join)
def test_the_quick_start_prints_what_typer_prints(big, args):
    """Whole commands in fresh processes, the quick start and typer: same
    output, errors and exit code."""
    env = {**os.environ, "COLUMNS": "150"}
    done = {mode: subprocess.run([sys.executable, "-c", _FORCE_TYPER, mode, *args, "--db", big],
                                 capture_output=True, text=True, env=env, timeout=120)
            for mode in ("quick", "typer")}
    assert done["quick"].stdout.strip() or done["quick"].returncode
    assert ((done["quick"].returncode, done["quick"].stdout, done["quick"].stderr)
            == (done["typer"].returncode, done["typer"].stdout, done["typer"].stderr))
