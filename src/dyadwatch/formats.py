"""Output formats, one registry keyed by name: what every listing, `export`
and the API's export routes can write, with file suffixes and media types.

A format writes a pandas DataFrame (`write`); `export` streams large
selections through DuckDB's own writer instead where the format has one
(`duckdb`). A command offers only the formats it can produce (`choice`),
so `--help` never lists one it would refuse. Adding a format is one
`OutputFormat(...)` entry in `FORMATS`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # frames arrive from the queries; importing pandas here slowed every command
    import pandas as pd

from .errors import error


def _json_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    # pandas writes dates as 2024-02-23T00:00:00.000; analysts want 2024-02-23.
    text = df.to_json(orient="records", date_format="iso").replace("T00:00:00.000", "")
    return json.loads(text)


def _csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


def _json(df: pd.DataFrame) -> bytes:
    return (json.dumps(_json_records(df), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _jsonl(df: pd.DataFrame) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n"
                   for r in _json_records(df)).encode("utf-8")


def _parquet(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def _table(df: pd.DataFrame) -> bytes:
    return (df.to_string(index=False) + "\n").encode("utf-8")


def _geojson(df: pd.DataFrame) -> bytes:
    from .analysis.geojson import render_geojson

    return render_geojson(df).encode("utf-8")


@dataclass(frozen=True)
class OutputFormat:
    """One output format. `binary` formats are never printed to a terminal;
    `duckdb` names the DuckDB relation writer (write_csv, write_parquet)
    that exports use for large selections, when there is one."""

    name: str
    suffixes: tuple[str, ...]
    media_type: str
    write: Callable[[pd.DataFrame], bytes]
    binary: bool = False
    duckdb: str | None = None
    help: str = ""


FORMATS: dict[str, OutputFormat] = {f.name: f for f in (
    OutputFormat("table", (".txt",), "text/plain; charset=utf-8", _table,
                 help="a table for reading (in a terminal: fitted and styled)"),
    OutputFormat("csv", (".csv",), "text/csv; charset=utf-8", _csv, duckdb="write_csv",
                 help="comma-separated, one header line"),
    OutputFormat("json", (".json",), "application/json", _json,
                 help="one JSON array of records"),
    OutputFormat("jsonl", (".jsonl", ".ndjson"), "application/x-ndjson", _jsonl,
                 help="JSON Lines, one record per line"),
    OutputFormat("parquet", (".parquet", ".pq"), "application/vnd.apache.parquet", _parquet,
                 binary=True, duckdb="write_parquet", help="Apache Parquet (needs a file)"),
    OutputFormat("geojson", (".geojson",), "application/geo+json", _geojson,
                 help="GeoJSON points of the located events"),
)}

#: What each kind of output can be written as.
LISTING = ("table", "csv", "json", "jsonl", "parquet")
DOCUMENT = ("table", "json")  # one nested record: show, summary, stats
EXPORT = ("csv", "json", "jsonl", "parquet", "geojson")


def get(name: str, allowed: Sequence[str] | None = None) -> OutputFormat:
    allowed = tuple(allowed or FORMATS)
    if name not in allowed:
        raise error("E505", name="format", value=name, allowed=", ".join(allowed))
    return FORMATS[name]


def from_path(path: str | Path, allowed: Sequence[str] = EXPORT) -> OutputFormat:
    """The format a file name asks for, by its suffix."""
    suffix = Path(path).suffix.lower()
    for name in allowed:
        if suffix in FORMATS[name].suffixes:
            return FORMATS[name]
    known = ", ".join(s for n in allowed for s in FORMATS[n].suffixes)
    raise error("E526", name=Path(path).name, known=known, allowed=", ".join(allowed))


def choice(name: str, allowed: Sequence[str]) -> type[Enum]:
    """An Enum of the allowed format names, for one command's --format."""
    return Enum(name, {n: n for n in allowed}, type=str)  # type: ignore[return-value]
