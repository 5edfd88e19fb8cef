"""Which coder made a stored article: the coder fingerprint.

Why: when the dictionaries, the patterns, the model or the package improve,
a user's database must be brought up to date, and only the articles coded by
an older coder need it. The fingerprint is a short hash of everything that
decides what coding produces: the package version, the bytes of every data
table and pattern file (`table_files` of the data folder in use), the
spaCy model's name and version, and the settings that change output
(`CODING_SETTINGS`; batch size and process count do not). It is stamped on
every run and every stored article; `recode` re-codes the articles whose
stamp differs, and Dask shard names include it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .config import Settings, data_dir

#: Suffixes of data tables; anything else in the data folder (PROVENANCE.md) is not one.
TABLE_SUFFIXES = (".yaml", ".yml", ".csv", ".tsv")

#: Settings that change what coding stores for an article.
CODING_SETTINGS = ("model", "max_chars", "minhash_perm", "shingle_size", "stages")


@dataclass(frozen=True)
class Fingerprint:
    """The coder's identity; `id` is what the store keeps."""

    id: str
    version: str
    tables: str  # sha256 of the data tables, in path order
    model: str  # "name version"
    settings: tuple[tuple[str, object], ...]

    def as_dict(self) -> dict:
        return {"id": self.id, "version": self.version, "tables": self.tables,
                "model": self.model, "settings": dict(self.settings)}


def table_files(folder: Path) -> list[Path]:
    """Every data table under `folder` (patterns/ included), in a stable order.

    Here rather than beside the loader (tables.py): every start hashes the
    tables for the prebuilt cache's key, and the loader imports PyYAML, which
    a process that reads its tables back prebuilt never needs otherwise."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES)


def tables_hash(folder: Path | None = None) -> str:
    """sha256 over the relative path and bytes of every data table in `folder`."""
    folder = folder or data_dir()
    digest = hashlib.sha256()
    for path in table_files(folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def model_version(model: str) -> str:
    """The installed version of a spaCy model package, without loading it;
    a model given as a folder is hashed by its meta.json instead."""
    meta = Path(model) / "meta.json"
    if meta.is_file():
        data = json.loads(meta.read_text(encoding="utf-8"))
        return str(data.get("version", hashlib.sha256(meta.read_bytes()).hexdigest()[:12]))
    import importlib.metadata  # here: `stats` reads `coder_counts` and needs none of it

    try:
        return importlib.metadata.version(model)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def fingerprint(settings: Settings) -> Fingerprint:
    """The fingerprint of the coder `settings` and the data folder in use make."""
    from . import __version__

    chosen = tuple((name, getattr(settings, name)) for name in CODING_SETTINGS)
    model = f"{settings.model} {model_version(settings.model)}"
    tables = tables_hash()
    text = json.dumps([__version__, tables, model, chosen], sort_keys=True, default=str)
    return Fingerprint(hashlib.sha256(text.encode()).hexdigest()[:16], __version__, tables,
                       model, chosen)


def coder_counts(con) -> list[tuple[str | None, int]]:
    """How many stored articles each fingerprint coded, most first; None
    counts articles coded before fingerprints were stamped (a file not yet
    migrated, opened read-only, counts all its articles there)."""
    has_column = con.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'articles' AND column_name = 'fingerprint'").fetchone()[0]
    if not has_column:
        return [(None, con.execute("SELECT count(*) FROM articles").fetchone()[0])]
    return [(fp, n) for fp, n in con.execute(
        "SELECT fingerprint, count(*) AS n FROM articles GROUP BY ALL "
        "ORDER BY n DESC, fingerprint NULLS LAST").fetchall()]
