"""Throughput of dyadwatch against the spaCy limit, as ratios measured in one run.

    python bench/pipeline.py [--sizes 500 2000] [--words 300] [--procs 1 2]

For each corpus size and process count it times, each in a fresh
subprocess (so peak memory is that of the measured work alone):
  spacy  - spaCy alone with the pipes dyadwatch uses, through nlp.pipe
  full   - the whole `dyadwatch ingest` path (read JSONL, code, store in DuckDB, dedup)
and prints articles/second, the ratio full/spacy (target >= 0.8), the
speed-up of 2 processes over 1 (target >= 1.7), time ratio against size
ratio (linear growth), and peak RSS. It also times bulk event insertion.
The machine is shared and noisy: compare ratios from one run, not absolute
figures across runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure(kind: str, corpus: Path, procs: int, batch: int) -> dict:
    """Run in a child process; print one JSON line."""
    from dyadwatch import synthetic  # noqa: F401  (import cost outside timing)
    from dyadwatch.config import Settings

    settings = Settings(n_process=procs, batch_size=batch)
    texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8")]
    if kind == "spacy":
        from dyadwatch import nlp as nlp_mod

        nlp = nlp_mod.load(settings.model, settings.max_chars)
        start = time.perf_counter()
        n = sum(1 for _ in nlp.pipe(texts, batch_size=batch, n_process=procs))
        seconds = time.perf_counter() - start
    elif kind == "full":
        from dyadwatch.pipeline import Pipeline, process

        pipeline = Pipeline(settings)
        if procs == 1:
            pipeline.warm_up()
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            report = process([str(corpus)], Path(tmp) / "bench.duckdb", settings,
                             pipeline=pipeline)
            seconds = time.perf_counter() - start
        n = report.n_stored
    else:
        raise SystemExit(f"unknown kind {kind}")
    peak_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    words = sum(len(t.split()) for t in texts)
    return {"kind": kind, "procs": procs, "n": n, "seconds": seconds, "words": words,
            "peak_mb": peak_kb / 1024}


def insert_rate(n_docs: int = 5000) -> float:
    """Events per second through Store.write (bulk Arrow appends)."""
    import datetime as dt

    from dyadwatch.store import Store
    from dyadwatch.types import Actor, Article, DocResult, Event, Sentence

    a, b = Actor("CHNGOV", "CHN", "GOV"), Actor("PRK", "PRK")
    results = []
    for i in range(n_docs):
        art = Article(id=f"d{i}", text="x" * 200, date=dt.date(2020, 1, 1))
        evs = tuple(Event(id=f"e{i}-{k}", article_id=art.id, sentence_index=k, sentence="s",
                          trigger="t", trigger_start=0, trigger_end=1, plover="CONSULT",
                          cameo="040", goldstein=1.0, quad_class=1, source=a, target=b,
                          date=art.date) for k in range(10))
        results.append(DocResult(art, (Sentence(art.id, 0, "s", 0, 1),), (), evs))
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "i.duckdb") as store:
        start = time.perf_counter()
        for k in range(0, n_docs, 500):
            store.write(results[k:k + 500])
        return n_docs * 10 / (time.perf_counter() - start)


def child(kind: str, corpus: Path, procs: int, batch: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--corpus", str(corpus),
                          "--procs", str(procs), "--batch", str(batch)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--child")
    ap.add_argument("--corpus", type=Path)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.corpus, args.procs[0], args.batch)))
        return

    from dyadwatch import synthetic

    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            corpus = Path(tmp) / f"corpus-{size}.jsonl"
            synthetic.write_jsonl(corpus, size, words=args.words)
            for procs in args.procs:
                for kind in ("spacy", "full"):
                    r = child(kind, corpus, procs, args.batch)
                    rows[(size, procs, kind)] = r
                    print(f"{kind:5} n={size:6} procs={procs}: {r['n'] / r['seconds']:8.1f} "
                          f"articles/s, {r['words'] / r['seconds']:8.0f} words/s, "
                          f"peak {r['peak_mb']:.0f} MB", flush=True)
    print("\nratios (same run):")
    for size in args.sizes:
        for procs in args.procs:
            s, f = rows[(size, procs, "spacy")], rows[(size, procs, "full")]
            print(f"  n={size} procs={procs}: full/spacy throughput = "
                  f"{s['seconds'] / f['seconds']:.2f}  (target >= 0.8)")
        if 1 in args.procs and 2 in args.procs:
            one, two = rows[(size, 1, "full")], rows[(size, 2, "full")]
            print(f"  n={size}: full, 2 processes vs 1 = {one['seconds'] / two['seconds']:.2f}x "
                  f"(target >= 1.7); spaCy alone: "
                  f"{rows[(size, 1, 'spacy')]['seconds'] / rows[(size, 2, 'spacy')]['seconds']:.2f}x")
    if len(args.sizes) >= 2:
        small, large = args.sizes[0], args.sizes[-1]
        a, b = rows[(small, 1, "full")], rows[(large, 1, "full")]
        print(f"  scaling n={small}->{large} (x{large / small:.1f}): time x"
              f"{b['seconds'] / a['seconds']:.2f}, peak memory x{b['peak_mb'] / a['peak_mb']:.2f}")
    print(f"  bulk event insertion: {insert_rate():,.0f} events/s")


if __name__ == "__main__":
    main()
