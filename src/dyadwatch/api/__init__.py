"""The HTTP API and dashboard server: `create_app(db_path, settings)`.

Run it with `dyadwatch serve --db FILE`; see app.py for the app, server.py
for how the one writer and the many readers share the database.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
