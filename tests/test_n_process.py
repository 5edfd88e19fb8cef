"""`ingest` takes its worker count from DYADWATCH_N_PROCESS unless --workers is given."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dyadwatch.cli import app
from dyadwatch.coding import pipeline

runner = CliRunner()


@pytest.fixture
def seen(monkeypatch) -> list[int]:
    """The n_process of every pipeline.process call the CLI makes (the real
    function still runs, on a real DuckDB file)."""
    calls: list[int] = []
    real = pipeline.process

    def spy(paths, db, settings=None, **kwargs):
        calls.append(settings.n_process)
        return real(paths, db, settings.replace(n_process=1), **kwargs)

    monkeypatch.setattr(pipeline, "process", spy)
    return calls


def _corpus(tmp_path: Path) -> Path:
    doc = tmp_path / "one.txt"
    doc.write_text("The foreign minister of Chile met his Peruvian counterpart in Lima on Monday.\n")
    return doc


@pytest.mark.parametrize("env, option, expected", [
    ({"DYADWATCH_N_PROCESS": "3"}, [], 3),
    ({"DYADWATCH_N_PROCESS": "3"}, ["--workers", "2"], 2),
    ({}, [], 1),
])
def test_workers_setting(tmp_path, seen, monkeypatch, env, option, expected):
    monkeypatch.delenv("DYADWATCH_N_PROCESS", raising=False)
    result = runner.invoke(app, ["ingest", str(_corpus(tmp_path)), "--db",
                                 str(tmp_path / "x.duckdb"), "-q", *option], env=env)
    assert result.exit_code == 0, result.output
    assert seen == [expected]
