"""Shared fixtures: the real spaCy model (loaded once per session), real
DuckDB files in temporary folders, and the repository's paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from dyadwatch.coding.pipeline import Pipeline
    from dyadwatch.config import Settings

    return Pipeline(Settings()).nlp  # the model the pipeline uses: loaded once, shared


@pytest.fixture(scope="session")
def settings():
    from dyadwatch.config import Settings

    return Settings()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return ROOT / "demo"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def loaded_pipeline():
    """A Pipeline with every stage loaded, shared by the tests that code
    articles through the watch loop or the server."""
    from dyadwatch.coding.pipeline import Pipeline
    from dyadwatch.config import Settings

    return Pipeline(Settings()).warm_up()


# -- the HTTP API over real HTTP (helpers in live_api.py) ------------------------------------

@pytest.fixture(scope="module")
def pipe(nlp):
    """A warmed-up pipeline for the API tests (the session model, batches of 16)."""
    from dyadwatch.config import Settings
    from dyadwatch.coding.pipeline import Pipeline

    return Pipeline(Settings(batch_size=16)).warm_up()


@pytest.fixture(scope="module")
def built(tmp_path_factory, pipe) -> Path:
    """The API fixture database, built once per module; tests get copies."""
    from live_api import build_db

    return build_db(tmp_path_factory.mktemp("api") / "built.duckdb", pipe, pipe.settings)


@pytest.fixture(scope="module")
def live(request, built, pipe, tmp_path_factory):
    """A real server on 127.0.0.1 over a copy of `built`, one per test module.
    A module may set LIVE_SETTINGS (a dict of Settings changes) for its server."""
    from dyadwatch.api import create_app
    from live_api import LiveServer, api_settings, copy_db

    changes = getattr(request.module, "LIVE_SETTINGS", {})
    db = copy_db(built, tmp_path_factory, "live")
    with LiveServer(create_app(db, api_settings(**changes), pipeline=pipe)) as srv:
        srv.db = db
        yield srv


@pytest.fixture
def client(live):
    """An HTTP client of the module's live server."""
    import httpx

    with httpx.Client(base_url=live.url, timeout=120) as c:
        yield c
