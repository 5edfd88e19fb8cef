"""`dyadwatch sources add|list|remove`, `rules` and `watch` argument errors,
through typer's CliRunner on real DuckDB files (no model, no network)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from dyadwatch.cli import app
from dyadwatch.errors import DyadwatchError

runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


def test_sources_add_list_remove(db_path, tmp_path):
    out = run("sources", "add", "https://example.org/news-sitemap.xml", "--db", str(db_path),
              "--interval", "1h", "--tag", "asia")
    assert "added sitemap https://example.org/news-sitemap.xml" in out
    run("sources", "add", str(tmp_path), "--db", str(db_path))
    listed = run("sources", "list", "--db", str(db_path), "--format", "csv")
    assert "https://example.org/news-sitemap.xml,sitemap" in listed and ",folder," in listed
    assert "3600.0" in listed
    run("sources", "remove", "https://example.org/news-sitemap.xml", "--db", str(db_path))
    assert "example.org" not in run("sources", "list", "--db", str(db_path), "-f", "csv")
    with pytest.raises(DyadwatchError, match="no source"):
        run("sources", "remove", "https://example.org/nope", "--db", str(db_path))
    with pytest.raises(DyadwatchError, match="must start with http"):
        run("sources", "add", "ftp://example.org/feed", "--db", str(db_path), "--kind", "feed")


def test_watch_refuses_a_bad_sources_file_with_its_line(db_path, tmp_path):
    bad = tmp_path / "s.yaml"
    bad.write_text("sources:\n  - url: https://example.org/rss\n    intervall: 5m\n")
    with pytest.raises(DyadwatchError, match=r"s.yaml:3: sources.0.intervall"):
        run("watch", str(bad), "--db", str(db_path), "--once")
    assert not db_path.exists()  # refused before the database was opened


def test_rules_on_an_empty_database_say_so(db_path, tmp_path):
    from dyadwatch.store.db import Store

    Store.open(db_path).close()
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - {name: k, dyads: [CHN-PRK], counts: {ASSAULT: 1}}\n")
    assert "no dated events" in run("rules", str(rules), "--db", str(db_path))


def test_sources_dropped_from_the_file_are_forgotten(db_path):
    from dyadwatch.coding.pipeline import Pipeline
    from dyadwatch.sources import watchfile
    from dyadwatch.sources.watch import Watcher
    from dyadwatch.store import watch_state
    from dyadwatch.store.db import Store

    run("sources", "add", "https://example.org/by-hand.xml", "--db", str(db_path))
    both = watchfile.WatchFile.model_validate(
        {"sources": [{"url": "https://example.org/a.xml"}, {"url": "https://example.org/b.xml"}]})
    one = watchfile.WatchFile.model_validate({"sources": [{"url": "https://example.org/b.xml"}]})
    with Store.open(db_path) as store:
        Watcher(store, both, Pipeline()).close()  # the model loads only when coding
        Watcher(store, one, Pipeline()).close()
        kept = [s["address"] for s in watch_state.list_sources(store.con)]
    assert kept == ["https://example.org/b.xml", "https://example.org/by-hand.xml"]
