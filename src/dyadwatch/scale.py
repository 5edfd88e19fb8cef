"""Scale-out on Dask: the same stage functions over corpora that outgrow one machine.

Nothing here re-implements a stage. The input is cut into *units* (a file,
or a range of lines of a large JSON Lines file), units are grouped into
*shards*, and each Dask task runs `Pipeline.code_articles` over one shard
and writes its rows with `store.results_to_arrow` as Parquet files in
`SHARD_DIR/<name>/`. The driver then loads the shards into DuckDB in bulk
(or a user queries the Parquet directly).

Resumable by construction: a shard's name is the coder fingerprint
(provenance.py) and the hash of its input's bytes, a shard directory appears only
when complete (written under a temporary name, then renamed), and loading
skips shards already loaded and articles already stored. A killed run
restarted with the same command codes only what is missing and ends with
exactly the rows of an uninterrupted run.

Memory stays flat as the corpus grows: workers stream their shard (never
the corpus), the driver holds only unit descriptors and loads one shard at
a time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .store import dedup
from .sources import files, ingest, records
from . import provenance
from .config import Settings
from .errors import error
from .coding.pipeline import RunReport, worker_pipeline
from .store.db import COLUMNS, Store, results_to_arrow
from .types import DocResult, Failure

ERRORS_SCHEMA = pa.schema([("path", pa.string()), ("line", pa.int32()),
                           ("doc_id", pa.string()), ("code", pa.string()),
                           ("reason", pa.string())])


@dataclass(frozen=True)
class Unit:
    """A piece of input: a whole file, or lines [first, last] of a JSONL file
    (starting at byte `offset`, so a worker seeks to it)."""

    path: str
    first_line: int | None = None
    last_line: int | None = None
    offset: int = 0


@dataclass(frozen=True)
class Shard:
    name: str
    units: tuple[Unit, ...]


def plan(paths: Sequence[str | Path], settings: Settings, *, docs_per_shard: int = 200,
         lines_per_unit: int = 200,
         failures: list[Failure] | None = None) -> list[Shard]:
    """Cut the input into shards of roughly `docs_per_shard` documents.

    Runs on the driver and reads every byte once to hash it (that is what
    makes names content-based); it keeps only descriptors in memory.
    Problems met while walking folders go to `failures`. A JSON Lines unit
    is never longer than a shard, so one large file still gives as many
    shards as there are workers to keep busy.
    """
    lines_per_unit = max(1, min(lines_per_unit, docs_per_shard))
    units: list[tuple[Unit, str, int]] = []  # (unit, content hash, documents)
    for path in files.walk(paths):
        if isinstance(path, Failure):
            if failures is not None:
                failures.append(path)
            continue
        if path.suffix.lower() in files.JSONL_SUFFIXES:
            units.extend(_jsonl_units(path, lines_per_unit))
        else:
            units.append((Unit(str(path)), _hash_file(path), 1))
    fingerprint = provenance.fingerprint(settings).id
    shards: list[Shard] = []
    group: list[tuple[Unit, str, int]] = []
    for item in units:
        group.append(item)
        if sum(n for _, _, n in group) >= docs_per_shard:
            shards.append(_shard(group, fingerprint))
            group = []
    if group:
        shards.append(_shard(group, fingerprint))
    return shards


def _shard(group: list[tuple[Unit, str, int]], fingerprint: str) -> Shard:
    """The shard's name is the coder fingerprint and a hash of its input: a
    shard coded by another coder (new tables, model, settings) is not reused."""
    h = hashlib.sha1()
    for _, digest, _ in group:
        h.update(digest.encode())
    return Shard(f"{fingerprint}-{h.hexdigest()[:20]}", tuple(u for u, _, _ in group))


def _hash_file(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        for block in iter(functools.partial(fh.read, 1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _jsonl_units(path: Path, lines_per_unit: int) -> Iterator[tuple[Unit, str, int]]:
    h, first, n, start, pos = hashlib.sha1(), 1, 0, 0, 0
    with open(path, "rb") as fh:
        for n, line in enumerate(fh, 1):
            h.update(line)
            pos += len(line)
            if n - first + 1 == lines_per_unit:
                yield Unit(str(path), first, n, start), h.hexdigest(), lines_per_unit
                h, first, start = hashlib.sha1(), n + 1, pos
    if n >= first:
        yield Unit(str(path), first, n, start), h.hexdigest(), n - first + 1


def read_unit(unit: Unit) -> Iterator:
    """Articles and failures of one unit, with the file's own line numbers."""
    if unit.first_line is None:
        return ingest.read_paths([unit.path])
    return records.read_jsonl(Path(unit.path), first_line=unit.first_line,
                             last_line=unit.last_line, offset=unit.offset)


def code_shard(shard: Shard, shard_dir: str, settings: Settings) -> str:
    """Worker task: code one shard into SHARD_DIR/<name>/ (Parquet per table).

    Returns the shard's name. Does nothing if the shard is already complete.
    """
    final = Path(shard_dir) / shard.name
    if final.is_dir():
        return shard.name
    pipeline = worker_pipeline(settings)
    results: list[DocResult] = []
    failures: list[Failure] = []

    def articles():
        for unit in shard.units:
            for item in read_unit(unit):
                if isinstance(item, Failure):
                    failures.append(item)
                else:
                    yield item

    for r in pipeline.code_articles(articles()):
        (failures if isinstance(r, Failure) else results).append(r)
    tmp = Path(shard_dir) / f".tmp-{shard.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, table in results_to_arrow(results, pipeline.fingerprint.id).items():
        pq.write_table(table, tmp / f"{name}.parquet")
    pq.write_table(pa.Table.from_pylist([{k: v for k, v in asdict(f).items()
                                           if k in ERRORS_SCHEMA.names} for f in failures],
                                        schema=ERRORS_SCHEMA), tmp / "errors.parquet")
    try:
        tmp.rename(final)  # atomic: a shard directory is complete or absent
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another worker finished it first
    return shard.name


def load_shard(store: Store, shard_dir: Path, name: str, run_id: str | None,
               report: RunReport) -> None:
    """Load one completed shard into DuckDB (skipped if it was loaded before)."""
    con = store.con
    if con.execute("SELECT 1 FROM shards WHERE name = ?", [name]).fetchall():
        return
    folder = shard_dir / name
    tables = {t: pq.read_table(folder / f"{t}.parquet") for t in COLUMNS}
    ids = tables["articles"].column("id").to_pylist()
    present = store.existing_ids(ids)
    store.write_tables(tables)
    errors = pq.read_table(folder / "errors.parquet").to_pylist()
    con.begin()  # errors and the "loaded" mark together: a kill between them repeats neither
    store.record_failures([Failure(**e) for e in errors], run_id)
    con.execute("INSERT INTO shards (name) VALUES (?)", [name])
    con.commit()
    report.n_read += len(ids)
    report.n_stored += len(set(ids) - present)
    report.n_duplicate += len(present)
    report.n_failed += len(errors)
    report.failures.extend(Failure(**e) for e in errors)
    fresh = set(ids) - present
    report.n_events += sum(a in fresh for a in tables["events"].column("article_id").to_pylist())

ProgressFn = Callable[[int, int], None]


def run(paths: Sequence[str | Path], db: str | Path, settings: Settings | None = None, *,
        scheduler: str = "local", workers: int = 2, shard_dir: str | Path | None = None,
        docs_per_shard: int = 200, progress: ProgressFn | None = None,
        on_dashboard: Callable[[str], None] | None = None) -> RunReport:
    """Code `paths` on Dask and load the result into the DuckDB file `db`.

    scheduler: "local" (a distributed LocalCluster of `workers` processes),
    "processes" (dask's multiprocessing scheduler) or "tcp://HOST:PORT" (an
    existing scheduler; workers need dyadwatch installed and must see the
    input files and `shard_dir`, e.g. on a shared file system).
    """
    settings = settings or Settings()
    shard_dir = Path(shard_dir or f"{db}.shards")
    shard_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    walk_failures: list[Failure] = []
    shards = plan(paths, settings, docs_per_shard=docs_per_shard, failures=walk_failures)
    report = RunReport()
    with Store.open(db) as store:
        report.run_id = store.start_run(f"ingest --scheduler {scheduler} --workers {workers}",
                                        provenance.fingerprint(settings).id)
        store.record_failures(walk_failures, report.run_id)
        report.n_failed += len(walk_failures)
        report.failures.extend(walk_failures)
        done = 0

        def loaded(name: str) -> None:
            nonlocal done
            load_shard(store, shard_dir, name, report.run_id, report)
            done += 1
            if progress:
                progress(done, len(shards))

        _execute(shards, str(shard_dir), settings, scheduler, workers, loaded, on_dashboard)
        dedup.update(store.con, settings)
        report.seconds = time.perf_counter() - started
        store.finish_run(report.run_id, n_read=report.n_read, n_stored=report.n_stored,
                         n_duplicate=report.n_duplicate, n_failed=report.n_failed)
    return report


def _execute(shards: list[Shard], shard_dir: str, settings: Settings, scheduler: str,
             workers: int, loaded: Callable[[str], None],
             on_dashboard: Callable[[str], None] | None) -> None:
    """Run code_shard for every shard; call `loaded(name)` on the driver as
    each one completes, so loading overlaps with coding."""
    if scheduler == "processes":
        import dask

        tasks = [dask.delayed(code_shard)(s, shard_dir, settings) for s in shards]
        for name in dask.compute(*tasks, scheduler="processes", num_workers=workers):
            loaded(name)
        return
    from distributed import Client, LocalCluster, as_completed

    if scheduler == "local":
        import dask

        # distributed starts workers with MALLOC_TRIM_THRESHOLD_=65536 so that
        # they hand freed memory back at once; for spaCy's many mid-size
        # arrays that means an mmap/munmap and fresh page faults per batch
        # (270,000 faults per 100 articles instead of 10,000) and 10-25% more
        # CPU per shard. A coding worker's memory is flat without it
        # (bench/dask_scale.py prints the peaks), so local workers run
        # with glibc's default.
        environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
                   if k != "MALLOC_TRIM_THRESHOLD_"}
        with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=":0", memory_limit=0)
        client = Client(cluster)
    elif scheduler.startswith("tcp://"):
        cluster, client = None, Client(scheduler)
    else:
        raise error("E417", scheduler=scheduler)
    try:
        if on_dashboard and client.dashboard_link:
            on_dashboard(client.dashboard_link)
        futures = [client.submit(code_shard, s, shard_dir, settings, key=f"shard-{s.name}",
                                 pure=False) for s in shards]
        for fut in as_completed(futures):
            loaded(fut.result())
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
