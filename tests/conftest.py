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
