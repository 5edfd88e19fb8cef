"""Events as GeoJSON: points a map or a GIS can read (RFC 7946).

One Feature per located event row: geometry [lon, lat] (GeoJSON's order),
properties id, date, source, target, plover, quad, place, country,
precision and count. `count` is how many stored mentions report the event
(1 for a single mention), so a map can size a deduplicated event by how
much it was reported. Rows without coordinates are left out: a feature
needs a point.

`render_geojson(rows) -> str` is an output format like CSV or JSON: it
takes the rows a listing produces (a DataFrame or dicts with the `events`
columns) and needs no database. `map_rows` reads the rows the dashboard's
map draws: one per canonical event, located, with its mention count.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from ..store.queries import Where, event_where, frame, records

#: Properties of each Feature, in order: (property, row column).
PROPERTIES = (("id", "id"), ("date", "date"), ("source", "source"), ("target", "target"),
              ("plover", "plover"), ("quad", "quad_class"), ("place", "geo_name"),
              ("country", "geo_country"), ("precision", "geo_precision"),
              ("count", "count"))
#: Most events a map draws (the newest): beyond that, points hide each other.
MAP_LIMIT = 5000


def feature(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """A GeoJSON point Feature for one event row, or None without coordinates."""
    lat, lon = _number(row.get("lat")), _number(row.get("lon"))
    if lat is None or lon is None:
        return None
    props = {name: _plain(row.get(col)) for name, col in PROPERTIES}
    props["id"] = props["id"] if props["id"] is not None else _plain(row.get("event_id"))
    props["count"] = int(props["count"] or row.get("n_mentions") or 1)
    props["precision"] = point_precision(props["precision"])
    return {"type": "Feature", "id": props["id"],
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            "properties": props}


def point_precision(precision: str | None) -> str:
    """The precision of a point that has coordinates: never "none". Rows
    stored before "region" existed carry "none" with a region's point."""
    return "region" if precision in (None, "", "none") else precision


def feature_collection(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of the located rows (others are skipped)."""
    feats = [f for f in map(feature, rows) if f is not None]
    return {"type": "FeatureCollection", "features": feats}


def render_geojson(rows: Any) -> str:
    """Rows (a pandas DataFrame or an iterable of dicts) -> GeoJSON text."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict(orient="records")
    return json.dumps(feature_collection(rows), ensure_ascii=False, separators=(",", ":")) + "\n"


def map_rows(con: Any, flt: Any = None, *, event_id: str | None = None,
             limit: int = MAP_LIMIT, **filters: Any) -> list[dict[str, Any]]:
    """Located events matching the filter (an EventFilter or its fields as
    keywords; canonical=True gives one row per deduplicated event), with
    their mention counts, the newest `limit`; with `event_id` only that
    mention, wherever it stands in its canonical event."""
    w = Where().add("e.id = ?", event_id) if event_id else event_where(flt, **filters)
    w.add("e.lat IS NOT NULL AND e.lon IS NOT NULL")
    sql = ("SELECT e.id, e.date, e.source, e.target, e.plover, e.quad_class, e.geo_name, "
           "e.geo_country, e.geo_precision, e.lat, e.lon, coalesce(c.n_mentions, 1) AS count "
           "FROM events e LEFT JOIN canonical_events c ON c.id = e.canonical_id "
           f"{w.sql()} ORDER BY e.date DESC NULLS LAST, e.id LIMIT ?")
    return records(frame(con, sql, [*w.params, int(limit)]))


def _number(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _plain(v: Any) -> Any:
    """JSON-ready scalars: dates as ISO days, NaN/NaT as null, numpy as Python."""
    if v is None or (not isinstance(v, (str, list, dict)) and v != v):  # NaN, NaT
        return None
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "item") and not isinstance(v, str):
        return _plain(v.item())
    return v
