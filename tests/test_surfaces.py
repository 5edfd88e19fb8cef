"""The declarations the surfaces are generated from: stored tables
(store/schema.py), event filters (store/filters.py) and output formats
(formats.py). Each test checks that a surface really follows its
declaration, on a real DuckDB file and through the real CLI and app."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import test_queries
from dyadwatch import formats
from dyadwatch.errors import QueryError
from dyadwatch.store import queries
from dyadwatch.store.db import Store
from dyadwatch.store.filters import PARAMS, EventFilter
from dyadwatch.store.schema import TABLES
from test_queries import build_db

runner = CliRunner()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("surfaces") / "small.duckdb"
    build_db(path, test_queries.SPECS)
    return str(path)


@pytest.fixture(scope="module")
def cli():
    from dyadwatch.cli.reads import register

    app = typer.Typer()
    register(app)
    return app


@pytest.fixture(scope="module")
def client(small, tmp_path_factory):
    import shutil

    from dyadwatch.api import create_app
    from dyadwatch.config import Settings

    db = tmp_path_factory.mktemp("surfaces-api") / "api.duckdb"
    shutil.copy(small, db)
    with TestClient(create_app(db, Settings(max_page_size=20), warm_up=False)) as c:
        yield c


def test_the_database_has_exactly_the_declared_tables_and_columns(tmp_path):
    Store.open(tmp_path / "new.duckdb").close()
    con = duckdb.connect(str(tmp_path / "new.duckdb"), read_only=True)
    for table in TABLES:
        rows = con.execute("SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
                           "WHERE table_name = ? ORDER BY column_index", [table.name]).fetchall()
        declared = [(c.name, c.sql, c.nullable and c.name not in table.primary_key)
                    for c in table.columns]
        assert rows == declared, table.name


def test_listing_rows_and_the_api_model_have_the_projection_columns(small, client):
    from dyadwatch.api import models

    with Store.open(small, read_only=True) as store:
        df = queries.list_events(store.cursor(), limit=3)
    assert tuple(df.columns) == queries.EVENT_LIST.names
    assert set(models.EventRow.model_fields) == {*queries.EVENT_LIST.names, "distance_km"}
    item = client.get("/api/events", params={"limit": 1}).json()["items"][0]
    assert set(item) == set(models.EventRow.model_fields)


def test_event_filter_parses_once_and_refuses_bad_values():
    f = EventFilter.parse({"dyad": "chn-prk", "plover": "accuse", "since": "2024",
                           "until": "2024-02", "quad_class": "3", "within_km": "10 mi",
                           "near": "35.1, 129.0", "min_confidence": "0.5", "directed": "on"})
    assert f == EventFilter(dyad=("CHN", "PRK"), plover="ACCUSE", since=dt.date(2024, 1, 1),
                            until=dt.date(2024, 2, 29), quad_class=3,
                            within_km=pytest.approx(16.09344), near=(35.1, 129.0),
                            min_confidence=0.5, directed=True)
    assert EventFilter.from_http(f.http_params()) == f
    assert EventFilter.from_http({"quad": "2"}).quad_class == 2  # the dashboard's older name
    for bad in ({"quad_class": "7"}, {"min_confidence": "2"}, {"within_km": "30000km"},
                {"since": "2024", "until": "2020"}, {"near": "Busan"}):
        with pytest.raises(QueryError):
            EventFilter.parse({k: v for k, v in bad.items()})


def test_every_declared_filter_is_a_cli_option_and_an_api_parameter(cli, client):
    for command in ("events", "export"):
        out = runner.invoke(cli, [command, "--help"], env={"COLUMNS": "200"}).stdout
        missing = [p.cli for p in PARAMS if p.cli not in out]
        assert not missing, (command, missing)
    spec = client.get("/openapi.json").json()["paths"]
    for path in ("/api/events", *(f"/api/export.{f}" for f in formats.EXPORT)):
        names = {p["name"] for p in spec[path]["get"]["parameters"]}
        assert {p.http for p in PARAMS} <= names, path


def test_min_confidence_and_canonical_mean_the_same_in_cli_and_api(cli, client, small):
    for params in ({"min_confidence": "0.9"}, {"canonical": "true"}, {"quad_class": "3"}):
        args = [x for p in PARAMS if p.http in params for x in
                ([p.cli] if p.kind is bool else [p.cli, params[p.http]])]
        result = runner.invoke(cli, ["events", "--db", small, "--format", "json", *args])
        assert result.exit_code == 0, result.output
        from_cli = [r["id"] for r in json.loads(result.stdout)]
        from_api = [r["id"] for r in client.get("/api/events", params=params).json()["items"]]
        assert from_cli == from_api, params


def test_unknown_api_parameters_are_refused_by_name(client):
    r = client.get("/api/events", params={"dyads": "CHN-PRK", "limit": 5})
    assert r.status_code == 422
    assert "dyads" in r.json()["error"]["message"] and "limit" not in r.json()["error"]["message"]
    assert client.get("/api/events", params={"dyad": "CHN-PRK"}).status_code == 200


def test_each_command_offers_only_the_formats_it_writes(cli, small, tmp_path):
    def choices(command: str) -> str:
        out = runner.invoke(cli, [command, "--help"], env={"COLUMNS": "200"}).stdout
        return out[out.index("--format"):].split("\n")[0]

    assert "csv" not in choices("show") and "json" in choices("show")
    assert "csv" not in choices("stats") and "jsonl" in choices("events")
    result = runner.invoke(cli, ["export", str(tmp_path / "x.tsv"), "--db", small])
    assert result.exit_code != 0
    assert "--format (csv, json, jsonl, parquet, geojson)" in str(result.exception.hint)
    out = tmp_path / "x.tsv"
    assert runner.invoke(cli, ["export", str(out), "--db", small, "--format", "jsonl"]
                         ).exit_code == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 9 and json.loads(lines[0])["event_id"] == "e01"


def test_api_exports_every_registered_export_format(client):
    for fmt in formats.EXPORT:
        r = client.get(f"/api/export.{fmt}", params={"dyad": "CHN-PRK"})
        assert r.status_code == 200, (fmt, r.text)
        assert r.headers["content-type"].split(";")[0] == \
            formats.FORMATS[fmt].media_type.split(";")[0]
    rows = client.get("/api/export.json", params={"dyad": "CHN-PRK"}).json()
    assert [r["event_id"] for r in rows] == ["e01", "e02", "e05", "e06"]


def test_show_opens_a_canonical_event_id(cli, small):
    with Store.open(small, read_only=True) as store:
        cid, first = store.cursor().execute(
            "SELECT id, first_event_id FROM canonical_events ORDER BY id LIMIT 1").fetchone()
    result = runner.invoke(cli, ["show", cid, "--db", small, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["event"]["id"] == first


def test_version_and_docs_markdown(client):
    from dyadwatch import __version__
    from dyadwatch.cli import app

    assert runner.invoke(app, ["--version"]).stdout.strip() == f"dyadwatch {__version__}"
    page = client.get("/docs").text
    assert "<code>POST /api/articles</code>" in page and "`POST" not in page


def test_dashboard_events_page_takes_the_declared_filters(client):
    import re

    def count(params: dict) -> int:
        page = client.get("/events", params=params, headers={"accept": "text/html"}).text
        return int(re.search(r'data-testid="count">([\d,]+)', page).group(1).replace(",", ""))

    for params in ({"min_confidence": "0.9"}, {"quad_class": "3"}, {"canonical": "true"},
                   {"dyad": "CHN-PRK", "directed": "true"}):
        total = client.get("/api/events", params=params).json()["total"]
        assert count(params) == total, params
    assert count({"quad": "3"}) == count({"quad_class": "3"})  # the older link name
    page = client.get("/events", params={"min_confidence": "7"}).text
    assert "min_confidence" in page and 'data-testid="error"' in page
