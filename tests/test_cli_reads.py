"""The read commands end to end through typer's CliRunner, on real DuckDB
files: JSON/CSV/Parquet output that scripts parse, errors that name the bad
argument, and the pictures."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import test_analysis
import test_queries
from dyadwatch.cli.reads import register
from dyadwatch.errors import NotFoundError, QueryError
from test_queries import build_db

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "small.duckdb"
    build_db(path, test_queries.SPECS)
    return str(path)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "analysis.duckdb"
    build_db(path, test_analysis.SPECS)
    return str(path)


def run(app, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def run_json(app, *args: str):
    return json.loads(run(app, *args, "--format", "json"))


def test_events_json_with_filters(app, small):
    rows = run_json(app, "events", "--db", small, "--dyad", "CHN-PRK")
    assert [r["id"] for r in rows] == ["e01", "e02", "e05", "e06"]
    assert rows[0]["date"] == "2024-03-04" and rows[0]["sentence"] == test_queries.SPECS[0].sentence
    rows = run_json(app, "events", "--db", small, "--dyad", "CHN-PRK", "--directed",
                    "--type", "request")
    assert [r["id"] for r in rows] == ["e05"]
    rows = run_json(app, "events", "--db", small, "--quad", "4", "--all")
    assert [r["id"] for r in rows] == ["e03", "e07"]


def test_events_csv_pages(app, small):
    first = pd.read_csv(io.StringIO(
        run(app, "events", "--db", small, "--limit", "3", "--format", "csv")))
    second = pd.read_csv(io.StringIO(
        run(app, "events", "--db", small, "--limit", "3", "--offset", "3", "--format", "csv")))
    assert list(first["id"]) + list(second["id"]) == ["e01", "e02", "e03", "e04", "e05", "e06"]


def test_events_table_shows_the_evidence(app, small):
    out = run(app, "events", "--db", small, "--actor", "USA")
    assert "e08" in out and "shipped" in out and "USAGOV" in out


def test_events_near_coordinates_and_country(app, small):
    rows = run_json(app, "events", "--db", small, "--near", "35.18,129.08", "--within", "20km")
    assert [(r["id"], r["distance_km"]) for r in rows] == [("e03", 9.6), ("e08", 0.0)]
    rows = run_json(app, "events", "--db", small, "--country", "JPN")
    assert [r["id"] for r in rows] == ["e09"]


def test_events_near_a_place_name(app, small):
    pytest.importorskip("dyadwatch.coding.geo")
    rows = run_json(app, "events", "--db", small, "--near", "Busan", "--within", "100km")
    assert [r["id"] for r in rows] == ["e03", "e08"]
    result = runner.invoke(app, ["events", "--db", small, "--near", "Qwzxqwzx Town"])
    assert isinstance(result.exception, QueryError)


def test_injection_text_returns_nothing(app, small):
    assert run_json(app, "events", "--db", small, "--text", "'; DROP TABLE events; --") == []
    assert len(run_json(app, "events", "--db", small)) == 9


@pytest.mark.parametrize("args", [["events", "--since", "2024-02-31"],
                                  ["events", "--until", "soon"],
                                  ["dyad", "CHN", "PRK", "--since", "March"],
                                  ["events", "--dyad", "CHINA"],
                                  ["events", "--type", "HUG"],
                                  ["events", "--within", "far", "--near", "1,1"]])
def test_bad_arguments_are_query_errors(app, small, args):
    result = runner.invoke(app, [*args, "--db", small])
    assert result.exit_code != 0
    assert isinstance(result.exception, QueryError), result.exception


def test_missing_database_is_a_clear_error(app, tmp_path):
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0 and "does not exist" in str(result.exception)


def test_show_highlights_and_cites(app, small):
    out = run(app, "show", "e04", "--db", small)
    assert "Seoul accused Pyongyang" in out.replace("\n", " ")
    assert "Report art-e04" in out and "this attack crossed a red line" in out
    ev = run_json(app, "show", "e04", "--db", small)
    text = ev["sentence"]["text"]
    assert text[slice(*ev["sentence"]["trigger"])] == "accused"
    assert text[slice(*ev["sentence"]["target"])] == "Pyongyang"
    result = runner.invoke(app, ["show", "nope", "--db", small])
    assert isinstance(result.exception, NotFoundError)


def test_show_renders_styles(small):
    from rich.console import Console

    from dyadwatch.store import queries
    from dyadwatch.cli.render import render_event
    from dyadwatch.store.db import Store

    with Store.open(small, read_only=True) as store:
        ev = queries.get_event(store.cursor(), "e04")
    con = Console(record=True, width=200, force_terminal=True, color_system="truecolor")
    con.print(render_event(ev))
    html = con.export_html(inline_styles=True)
    assert "font-weight: bold\">accused" in html
    assert "color: #008000\">Seoul" in html and "color: #800000\">Pyongyang" in html


def test_quotes_json_fields(app, small):
    rows = run_json(app, "quotes", "--db", small, "--speaker", "KOR")
    assert rows == [{**rows[0], "text": "this attack crossed a red line", "speaker": "KORGOV",
                     "speaker_country": "KOR", "article_id": "art-e04", "event_ids": ["e04"]}]
    assert run_json(app, "quotes", "--db", small, "--dyad", "CHN-PRK") == []


def test_actors(app, small):
    rows = run_json(app, "actors", "--db", small, "--prefix", "CHN")
    assert [(r["code"], r["n_events"]) for r in rows] == [("CHNGOV", 4)]


def test_dyad_series_and_plots(app, big, tmp_path):
    rows = run_json(app, "dyad", "IND", "PAK", "--db", big)
    assert [(r["period"], r["n_events"]) for r in rows] == [
        ("2023-01-01", 2), ("2023-02-01", 0), ("2023-03-01", 2)]
    rows = run_json(app, "dyad", "IND", "PAK", "--db", big, "--directed", "--unit", "mentions")
    assert [r["n_events"] for r in rows] == [1, 0, 2]
    png, svg = tmp_path / "d.png", tmp_path / "d.svg"
    run(app, "dyad", "CHN", "PRK", "--db", big, "--freq", "week", "--plot", str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    run(app, "dyad", "CHN", "PRK", "--db", big, "--plot", str(svg), "--format", "csv")
    assert "<svg" in svg.read_text()[:1000]
    result = runner.invoke(app, ["dyad", "CHN", "PRK", "--db", big, "--plot",
                                 str(tmp_path / "d.gif")])
    assert isinstance(result.exception, QueryError)


def test_alerts(app, big):
    rows = run_json(app, "alerts", "--db", big)
    assert [(r["dyad"], r["z"]) for r in rows] == [("CHN-PRK", 48.0), ("JPN-KOR", 3.372),
                                                  ("RUS-UKR", 3.192)]
    assert rows[0]["event_ids"][:2] == ["cp-a0", "pc-a2"]
    assert [r["dyad"] for r in run_json(app, "alerts", "--db", big, "--threshold", "10")] == [
        "CHN-PRK"]
    out = run(app, "alerts", "--db", big, "--as-of", "2024-05-31")
    assert "no dyad crosses the threshold" in out
    csv = run(app, "alerts", "--db", big, "--format", "csv")
    assert "cp-a0, pc-a2" in csv and "2 2 2 2 2 2" in csv


def test_timeline_and_summary(app, big):
    rows = run_json(app, "timeline", "CHN", "PRK", "--db", big, "--since", "2024-06-01")
    assert [r["event_id"] for r in rows] == ["pc-a12", "cp-a10", "cp-a5", "pc-a2", "cp-a0"]
    s = run_json(app, "summary", "CHN", "PRK", "--db", big, "--since", "2024-06-01", "-n", "2")
    assert [x["event_id"] for x in s["sentences"]] == ["pc-a2", "cp-a0"]
    sentences = {e.id: e.sentence for e in test_analysis.SPECS}
    assert all(x["text"] == sentences[x["event_id"]] for x in s["sentences"])
    out = run(app, "summary", "CHN", "PRK", "--db", big, "--since", "2024-06-01", "-n", "2")
    assert "[1] North Korean guns answered" in out and "Report art-cp-a0" in out


def test_stats_and_summary_without_dyad(app, big):
    ov = run_json(app, "stats", "--db", big)
    assert (ov["articles"], ov["canonical_events"]) == (64, 61)
    out = run(app, "summary", "--db", big)
    assert "canonical events" in out and "USA->RUS 21" in out


def test_network_and_plot(app, big, tmp_path):
    rows = run_json(app, "network", "--db", big, "--since", "2024-06-01", "--min-events", "3")
    assert [(r["source"], r["target"], r["n_events"]) for r in rows] == [
        ("CHN", "PRK", 3), ("RUS", "UKR", 3), ("USA", "RUS", 3)]
    svg = tmp_path / "net.svg"
    run(app, "network", "--db", big, "--plot", str(svg))
    assert "<svg" in svg.read_text()[:1000]


def test_export_and_parquet_output(app, big, tmp_path):
    out = tmp_path / "ip.parquet"
    run(app, "export", str(out), "--db", big, "--dyad", "IND-PAK")
    df = pd.read_parquet(out)
    assert list(df["event_id"]) == ["ip1", "ip2", "ip3", "ip3b", "ip4"]
    pq = tmp_path / "series.parquet"
    run(app, "dyad", "IND", "PAK", "--db", big, "--format", "parquet", "-o", str(pq))
    assert list(pd.read_parquet(pq)["n_events"]) == [2, 0, 2]
    result = runner.invoke(app, ["dyad", "IND", "PAK", "--db", big, "--format", "parquet"])
    assert result.exit_code != 0


#: Runs one command as `dyadwatch` does (cli.main) in a fresh interpreter and
#: writes the modules it loaded to the file named by its first argument.
_LOADED = """
import json, sys
from dyadwatch.cli import main
out, sys.argv = sys.argv[1], ["dyadwatch", *sys.argv[2:]]
try:
    main()
finally:
    with open(out, "w") as fh:
        json.dump(sorted(sys.modules), fh)
"""

#: What a read command has no use for: the NLP, the coder, the frames,
#: pydantic (typer's option adapters, replaced by cli/lean.py), typer itself
#: (a plain command line starts through cli/quick.py), the stages' record
#: classes and the duckdb package's Python layer (relations, Arrow scans:
#: the engine, `_duckdb`, is all a read needs).
_NOT_FOR_READS = ("spacy", "thinc", "pandas", "numpy", "pyarrow", "pydantic", "duckdb", "typer",
                  "dyadwatch.coding", "dyadwatch.sources", "dyadwatch.types")


@pytest.mark.parametrize("args, shown, rich", [
    (["events", "--limit", "50"], "ACCUSE", False),
    (["stats"], "canonical events", True),
    (["stats", "-f", "json"], "canonical_events", False),
    (["dyad", "CHN", "PRK"], "2024-06", False),
    (["alerts"], "CHN-PRK", False),
    (["alerts", "--as-of", "2024-05-31"], "no dyad crosses the threshold", True),
])
def test_read_commands_load_no_nlp_and_no_pandas(big, tmp_path, args, shown, rich):
    """Issue 19: a read command's start is its imports, so `events`, `stats`,
    `dyad` and `alerts` printing their tables must not load spaCy, the
    coder, pandas, numpy, pyarrow, pydantic or typer (checked in a fresh process: the test
    process itself has them all), and rich only where it draws the output
    (the fitted listings are plain lines)."""
    import os
    import subprocess
    import sys

    loaded_file = tmp_path / "modules.json"
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-c", _LOADED, str(loaded_file), *args, "--db", big],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert shown in done.stdout  # the command ran to its output, not to an early exit
    loaded = json.loads(loaded_file.read_text())
    assert "_duckdb" in loaded and "dyadwatch.cli.listings" in loaded
    assert [m for m in loaded if m.split(".")[0] in _NOT_FOR_READS
            or m.startswith(_NOT_FOR_READS)] == []
    assert ("rich" in loaded) is rich


@pytest.mark.parametrize("name", ["out.csv", "out.parquet", "out.json"])
def test_export_in_a_fresh_process(big, tmp_path, name):
    """Read commands open the file engine-only; `export` writes CSV and
    Parquet through a DuckDB relation, which needs the duckdb package's
    Python layer: in a process that has not imported it (unlike this test
    process) the export must still work."""
    import subprocess
    import sys

    out = tmp_path / name
    done = subprocess.run([sys.executable, "-m", "dyadwatch.cli", "export", str(out), "--db", big,
                           "--dyad", "IND-PAK"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "wrote 5 events" in done.stderr and out.stat().st_size > 0


def test_the_engine_module_is_the_package_engine():
    """store/db.py connects through `_duckdb` and catches its error classes:
    they must be the very objects the duckdb package exports, or a DuckDB
    upgrade that split them would let errors escape as tracebacks."""
    import _duckdb
    import duckdb

    assert _duckdb.connect is duckdb.connect
    for name in ("Error", "IOException", "PermissionException", "DuckDBPyConnection"):
        assert getattr(_duckdb, name) is getattr(duckdb, name)


def test_terminal_tables_equal_the_frame_path(app, big):
    """The fitted tables come from DuckDB rows (no pandas); written to a file
    as CSV they come from frames. Both show the same rows."""
    table = run(app, "events", "--db", big, "--limit", "8", "--wide")
    rows = pd.read_csv(io.StringIO(run(app, "events", "--db", big, "--limit", "8",
                                       "--format", "csv")))
    lines = table.splitlines()[1:]
    assert len(lines) == len(rows) == 8
    assert all(str(r.id) in line and r.trigger in line for r, line in
               zip(rows.itertuples(), lines))
