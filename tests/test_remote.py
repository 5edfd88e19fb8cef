"""Read commands while `dyadwatch serve` holds the database: a real server
in a subprocess on 127.0.0.1, the real CLI beside it, the same output as
reading the file directly. Also `dyadwatch errors` and `--version`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import test_analysis
import test_queries
from dyadwatch import __version__
from dyadwatch.cli import app
from dyadwatch.cli.remote import address_file, advertise, find_server
from dyadwatch.store.db import Store
from dyadwatch.types import Failure
from test_queries import build_db

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("remote") / "held.duckdb"
    build_db(path, [*test_queries.SPECS, *test_analysis.SPECS])
    with Store.open(path) as store:
        store.record_failures([Failure("/feeds/wire.jsonl", "not JSON (line cut short)", 7,
                                       "E103"),
                               Failure("/pages/bad.html", "no article text left", None,
                                       "E104")], run_id="run-1")
    return path


COMMANDS = [
    ["events", "--format", "json"],
    ["events", "--dyad", "China-North Korea", "--format", "csv"],
    ["events", "--near", "35.18,129.08", "--within", "20km", "--format", "json"],
    ["events", "--limit", "5"],
    ["events", "--min-confidence", "0.5", "--format", "csv"],
    ["events", "--near", "Busan, South Korea", "--within", "100km", "--format", "csv"],
    ["actors", "--format", "csv"],
    ["actors"],
    ["errors", "--format", "csv"],
    ["quotes", "--format", "json"],
    ["quotes", "--speaker", "South Korean government"],
    ["timeline", "China", "North Korea", "--format", "csv"],
    ["timeline", "CHN", "PRK"],
    ["network", "--format", "json"],
    ["network", "--level", "actor"],
    ["alerts", "--format", "json"],
    ["alerts"],
]


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "100"})
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_errors_lists_file_line_and_reason(db):
    rows = json.loads(run("errors", "--db", str(db), "--format", "json"))
    assert {(r["file"], r["line"], r["reason"]) for r in rows} == {
        ("/feeds/wire.jsonl", 7, "not JSON (line cut short)"),
        ("/pages/bad.html", None, "no article text left")}
    table = run("errors", "--db", str(db))
    assert "/feeds/wire.jsonl" in table and "not JSON" in table


def test_version():
    assert run("--version").strip() == f"dyadwatch {__version__}"


def test_reads_go_through_a_running_server_with_the_same_output(db):
    direct = {tuple(c): run(*c, "--db", str(db)) for c in COMMANDS}
    stats = json.loads(run("stats", "--db", str(db), "--format", "json"))
    assert json.loads(direct[("alerts", "--format", "json")])  # something to compare
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests"),
                                                        os.environ.get("PYTHONPATH", "")])}
    env.pop("DYADWATCH_READ_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "dyadwatch.cli", "serve", "--db", str(db),
                             "--port", str(port), "-q"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        addr = _wait_for_server(db, proc)
        assert (addr.host, addr.port, addr.pid) == ("127.0.0.1", port, proc.pid)
        for command, expected in direct.items():
            if command[0] == "errors":  # the API names files without their folders
                expected = expected.replace("/feeds/", "").replace("/pages/", "")
            assert run(*command, "--db", str(db)) == expected, command
        assert "wire.jsonl     7  E103" in run("errors", "--db", str(db))
        served = json.loads(run("stats", "--db", str(db), "--format", "json"))
        assert {k: served[k] for k in stats} == stats
    finally:
        proc.terminate()
        proc.wait(60)
    assert not address_file(db).exists()  # removed on shutdown
    assert json.loads(run("events", "--db", str(db), "--format", "json"))  # direct again


def _wait_for_server(db: Path, proc: subprocess.Popen):
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode())
        addr = find_server(db)
        if addr is not None:
            try:
                if httpx.get(addr.url + "/api/stats", timeout=5).status_code == 200:
                    return addr
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    raise AssertionError("the server did not come up")


def test_a_file_left_by_a_dead_server_is_ignored(tmp_path):
    db = tmp_path / "x.duckdb"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    address_file(db).write_text(json.dumps({"host": "127.0.0.1", "port": 9, "pid": dead.pid}))
    assert find_server(db) is None
    address_file(db).write_text("{not json")
    assert find_server(db) is None


def test_advertise_writes_and_removes_its_own_file(tmp_path):
    db = tmp_path / "y.duckdb"
    with advertise(db, "127.0.0.1", 8123) as path:
        assert json.loads(path.read_text()) == {"host": "127.0.0.1", "port": 8123,
                                                "pid": os.getpid()}
        assert find_server(db).url == "http://127.0.0.1:8123"
    assert not path.exists()
