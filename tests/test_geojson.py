"""GeoJSON of events and qualified place names for --near, on real DuckDB
files built by test_queries.build_db and the package's gazetteer."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import test_queries
from dyadwatch.analysis.geojson import feature_collection, map_rows, render_geojson
from dyadwatch.cli.reads import register
from dyadwatch.coding.gazetteer import Gazetteer
from dyadwatch.coding.placenames import resolve_place_name, split_qualified
from dyadwatch.errors import QueryError
from dyadwatch.store.db import Store
from test_queries import build_db

runner = CliRunner()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("geojson") / "small.duckdb"
    build_db(path, test_queries.SPECS)
    return path


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_package()


def test_rows_become_points_in_lon_lat_order():
    rows = [{"id": "a1", "date": pd.Timestamp("2024-03-04"), "source": "CHNGOV",
             "target": "PRKGOV", "plover": "CONSULT", "quad_class": 1, "geo_name": "Pyongyang",
             "geo_country": "PRK", "geo_precision": "place", "lat": 39.03, "lon": 125.75},
            {"id": "a2", "lat": None, "lon": None, "plover": "ACCUSE"},
            {"id": "a3", "lat": float("nan"), "lon": 1.0}]
    fc = feature_collection(rows)
    assert fc["type"] == "FeatureCollection"
    assert [f["id"] for f in fc["features"]] == ["a1"]
    f = fc["features"][0]
    assert f["geometry"] == {"type": "Point", "coordinates": [125.75, 39.03]}
    assert f["properties"] == {"id": "a1", "date": "2024-03-04", "source": "CHNGOV",
                               "target": "PRKGOV", "plover": "CONSULT", "quad": 1,
                               "place": "Pyongyang", "country": "PRK", "precision": "place",
                               "count": 1}


def test_a_point_never_has_precision_none():
    # rows stored before "region" existed: a sea with a point and "none"
    fc = feature_collection([{"id": "s", "lat": 35.0, "lon": 123.0, "geo_precision": "none",
                              "geo_name": "Yellow Sea"}])
    assert fc["features"][0]["properties"]["precision"] == "region"


def test_render_takes_a_dataframe_and_writes_valid_json():
    df = pd.DataFrame([{"id": "x", "lat": 1.5, "lon": 2.5, "date": None, "count": 3}])
    parsed = json.loads(render_geojson(df))
    assert parsed["features"][0]["properties"]["count"] == 3
    assert parsed["features"][0]["properties"]["date"] is None


def test_map_rows_are_canonical_located_and_counted(small):
    with Store.open(small, read_only=True) as store:
        rows = map_rows(store.cursor())
        only_conflict = map_rows(store.cursor(), quad_class=4)
    located = {s.id for s in test_queries.SPECS if s.geo and not s.negated
               and s.modality == "asserted"}
    assert {r["id"] for r in rows} <= located and rows
    assert all(r["lat"] is not None for r in rows)
    e01 = next(r for r in rows if r["id"] == "e01")
    assert e01["count"] == 2  # e01 and e02 report the same meeting
    assert {r["id"] for r in only_conflict} == {"e03"}


def test_export_geojson_from_the_command_line(small, tmp_path):
    app = typer.Typer()
    register(app)
    out = tmp_path / "events.geojson"
    result = runner.invoke(app, ["export", str(out), "--db", str(small)])
    assert result.exit_code == 0, result.output
    parsed = json.loads(out.read_text(encoding="utf-8"))
    ids = {f["id"] for f in parsed["features"]}
    assert "e03" in ids and "e02" not in ids  # e02 has no coordinates
    named = tmp_path / "events.txt"
    result = runner.invoke(app, ["export", str(named), "--db", str(small), "--format", "geojson"])
    assert result.exit_code == 0 and json.loads(named.read_text())["type"] == "FeatureCollection"


@pytest.mark.parametrize("text, expected", [
    ("Paris, Texas", ("Paris", "Texas")), ("Georgia (country)", ("Georgia", "country")),
    ("  Busan ", ("Busan", None)), ("Springfield (Illinois)", ("Springfield", "Illinois"))])
def test_split_qualified(text, expected):
    assert split_qualified(text) == expected


@pytest.mark.parametrize("text, country, admin1, precision", [
    ("Paris, Texas", "USA", "Texas", "place"),
    ("Paris", "FRA", None, "place"),
    ("Georgia (country)", "GEO", None, "country"),
    ("Georgia (US state)", "USA", "Georgia", "admin1"),
    ("Tripoli, Lebanon", "LBN", None, "place"),
    ("Tripoli", "LBY", None, "place"),
])
def test_qualified_place_names(gazetteer, text, country, admin1, precision):
    loc = resolve_place_name(gazetteer, text)
    assert (loc.country, loc.precision) == (country, precision)
    if admin1:
        assert loc.admin1 == admin1
    assert loc.lat is not None and loc.lon is not None


@pytest.mark.parametrize("text, says", [("Paris, Narnia", "Narnia"),
                                        ("Busan, Texas", "in Texas"),
                                        ("Qwzxqwzx Town", "Qwzxqwzx")])
def test_unresolvable_names_say_which_part(gazetteer, text, says):
    with pytest.raises(QueryError) as err:
        resolve_place_name(gazetteer, text)
    assert says in str(err.value)


def test_near_a_qualified_name_on_the_command_line(small):
    app = typer.Typer()
    register(app)
    result = runner.invoke(app, ["events", "--db", str(small), "--near", "Busan, South Korea",
                                 "--within", "100km", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["e03", "e08"]
