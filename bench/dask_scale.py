"""Dask scale-out: one corpus coded by 1 and by 2 local Dask workers.

    python bench/dask_scale.py [--sizes 500 2000] [--words 300] [--docs-per-shard 200]

(Not bench/dask.py: the script's folder comes first on sys.path, and a
dask.py there would shadow the dask package.)

For each corpus size (one generated JSON Lines file) and worker count, a
fresh subprocess runs `scale.run(..., scheduler="local", workers=W)` into a
fresh DuckDB file and shard folder: planning, the LocalCluster's start, the
workers loading their stages, coding, Parquet shards and the driver's bulk
load into DuckDB are all inside the measured time, as in a real run. It
prints articles/second for each, the speed-up of 2 workers over 1 (target
>= 1.7 on 2 cores), each worker's peak memory and CPU, and whether worker
memory stays flat from the small corpus to the large one. Last, the CPU
share of each stage from bench/pipeline.py's stage timer, geo's among them
(issue 11 asks for it).

The machine is shared: every figure comes with the load average and an
estimate for otherwise idle cores (wall time minus the CPU-wait of the
least-starved worker, from /proc; see procstat.py). Compare ratios from one
run, not absolute figures across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procstat import Sampler  # noqa: E402


def measure(corpus: Path, workers: int, docs_per_shard: int) -> dict:
    """Run in a child process: one scale.run, measured."""
    from dyadwatch import scale
    from dyadwatch.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "dask.duckdb"
        sampler = Sampler().start()
        report = scale.run([str(corpus)], db, Settings(), scheduler="local", workers=workers,
                           docs_per_shard=docs_per_shard)
        usage = sampler.stop()
        n_shards = sum(1 for p in Path(f"{db}.shards").iterdir() if not p.name.startswith("."))
    busy = [w for w in usage.workers
            if w.cpu_s > 0.2 * max((x.cpu_s for x in usage.workers), default=0)]
    return {"workers": workers, "n": report.n_stored, "events": report.n_events,
            "shards": n_shards, **usage.as_dict(), "free_wall_s": usage.free_wall_s(True),
            "dask_workers": [{"cpu_s": round(w.cpu_s, 2), "wait_s": round(w.wait_s, 2),
                              "peak_mb": round(w.peak_mb)} for w in busy]}


def child(corpus: Path, workers: int, docs_per_shard: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", "--corpus", str(corpus),
                          "--workers", str(workers), "--docs-per-shard", str(docs_per_shard)],
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"workers={workers} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--docs-per-shard", type=int, default=200)
    ap.add_argument("--no-stages", action="store_true", help="skip the per-stage CPU shares")
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.corpus, args.workers, args.docs_per_shard)))
        return

    from dyadwatch import synthetic

    print(f"machine: {os.cpu_count()} CPUs; {args.words} words/article; "
          f"{args.docs_per_shard} documents per shard; loadavg {os.getloadavg()[0]:.2f}",
          flush=True)
    rows: dict[tuple[int, int], dict] = {}
    stages = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            corpus = Path(tmp) / f"corpus-{size}.jsonl"
            synthetic.write_jsonl(corpus, size, words=args.words)
            for workers in (1, 2):
                r = rows[(size, workers)] = child(corpus, workers, args.docs_per_shard)
                each = ", ".join(f"{w['peak_mb']} MB/{w['cpu_s']:.0f} CPU-s"
                                 for w in r["dask_workers"])
                print(f"n={size:5} workers={workers}: {r['n'] / r['wall_s']:6.1f} art/s "
                      f"(idle-core est. {r['n'] / r['free_wall_s']:6.1f}), {r['shards']} shards, "
                      f"{1000 * r['cpu_s'] / r['n']:4.0f} CPU-ms/art (all processes); "
                      f"workers: {each}; driver peak {r['main']['peak_mb']:.0f} MB; "
                      f"loadavg {r['load_before']:.1f}->{r['load_after']:.1f}", flush=True)
            if stages is None and not args.no_stages:
                import pipeline as bench_pipeline  # bench/pipeline.py

                stages = bench_pipeline.child("stages", corpus, 1, 64)

    print("\nratios (same run; 'est.' = for otherwise idle cores):")
    for size in args.sizes:
        one, two = rows[(size, 1)], rows[(size, 2)]
        print(f"  n={size}: 2 workers vs 1 = {one['wall_s'] / two['wall_s']:.2f}x wall, "
              f"{one['free_wall_s'] / two['free_wall_s']:.2f}x est. (target >= 1.7); "
              f"CPU of all processes x{two['cpu_s'] / one['cpu_s']:.2f}")
    if len(args.sizes) >= 2:
        small, large = args.sizes[0], args.sizes[-1]
        for workers in (1, 2):
            a, b = rows[(small, workers)], rows[(large, workers)]
            pa_ = max(w["peak_mb"] for w in a["dask_workers"])
            pb = max(w["peak_mb"] for w in b["dask_workers"])
            print(f"  scaling workers={workers} n={small}->{large} (x{large / small:.1f}): "
                  f"time x{b['wall_s'] / a['wall_s']:.2f} wall, x{b['cpu_s'] / a['cpu_s']:.2f} "
                  f"CPU; worker peak memory x{pb / pa_:.2f} ({pa_} -> {pb} MB); driver "
                  f"{a['main']['peak_mb']:.0f} -> {b['main']['peak_mb']:.0f} MB")
    if stages is not None:
        total = sum(stages["stages"].values())
        geo = stages["stages"]["geo"]
        print(f"  geo: {1000 * geo / stages['n']:.1f} CPU-ms/article = {100 * geo / total:.1f}% "
              f"of pipeline CPU ({100 * geo / stages['stages']['parse (spaCy)']:.1f}% of the "
              f"spaCy parse)")
        bench_pipeline.print_stages(stages, f" (n={args.sizes[0]})")


if __name__ == "__main__":
    main()
