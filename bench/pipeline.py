"""Throughput of dyadwatch against the spaCy limit, as ratios measured in one run.

    python bench/pipeline.py [--sizes 300 1200] [--words 300] [--procs 1 2] [--repeat 3]
    python bench/pipeline.py --batch-sweep 16 32 64 128     # choose Settings.batch_size

For each corpus size and process count it times, each in a fresh
subprocess (so peak memory is that of the measured work alone):
  spacy  - spaCy alone with the pipes dyadwatch uses, through nlp.pipe
  full   - the whole `dyadwatch ingest` path (read JSONL, code, store in
           DuckDB, dedup) through pipeline.process
and prints articles/second, the ratio full/spacy (target >= 0.90), the
speed-up of 2 processes over 1 (target >= 1.7), time against size (linear
growth), peak memory per process (flat), and bulk event insertion.

The machine is shared: every figure comes with the load average, the CPU
seconds of all processes involved, and an estimate for otherwise idle cores
(wall time minus the time the critical thread waited for a CPU, from
/proc/PID/task/TID/schedstat; see procstat.py). Compare ratios from one run,
not absolute figures across runs. Other jobs change the speed of a core
by 10-30% within minutes (the same parse took 57 to 79 ms per article
here), so a spaCy run and a full run timed a minute apart can differ by
that much for no reason of their own: with --repeat N the two kinds
alternate N times and the ratios printed are medians over the N adjacent
pairs (with their range). The stage timer adds the one ratio that no load
can skew: the parse's share of the full ingest's CPU, measured inside one
process (what full/spacy would be if both ran under the same conditions).

Start-up: with one process the stages are loaded before the clock starts
(`load` column, printed separately); with a pool, workers load their stages
inside the measured time, as they do in a real run. The 2-vs-1 speed-up is
therefore computed on cold times for both (load + run for one process).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procstat import Sampler  # noqa: E402


def measure(kind: str, corpus: Path, procs: int, batch: int) -> dict:
    """Run in a child process; return one JSON-able record."""
    from dyadwatch.config import Settings

    settings = Settings(n_process=procs, batch_size=batch)
    texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8")]
    load_s = 0.0
    if kind == "spacy":
        from dyadwatch.coding import nlp as nlp_mod

        nlp = nlp_mod.load(settings.model, settings.max_chars)
        sampler = Sampler().start()
        n = sum(1 for _ in nlp.pipe(texts, batch_size=batch, n_process=procs))
        usage = sampler.stop()
    elif kind == "stages":
        return {"kind": kind, **stage_times(corpus, batch)}
    elif kind == "full":
        from dyadwatch.coding.pipeline import Pipeline, process

        pipeline = Pipeline(settings)
        if procs == 1:
            start = time.perf_counter()
            pipeline.warm_up()
            load_s = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as tmp:
            sampler = Sampler().start()
            report = process([str(corpus)], Path(tmp) / "bench.duckdb", settings,
                             pipeline=pipeline)
            usage = sampler.stop()
        n = report.n_stored
    else:
        raise SystemExit(f"unknown kind {kind}")
    return {"kind": kind, "procs": procs, "batch": batch, "n": n, "load_s": load_s,
            "words": sum(len(t.split()) for t in texts), **usage.as_dict(),
            "free_wall_s": usage.free_wall_s(parallel=procs > 1)}


def stage_times(corpus: Path, batch: int) -> dict:
    """CPU seconds per stage over `corpus`, one process, stages loaded first.

    Runs the pipeline's own declared stages (`Settings.stages`) one by one,
    as `Pipeline.code_doc` does, timing each; batch by batch so memory stays
    that of one batch; the parse is timed inside nlp.pipe's iteration.
    """
    from collections import Counter

    from dyadwatch.store import dedup
    from dyadwatch.sources import ingest
    from dyadwatch.coding import nlp as nlp_mod
    from dyadwatch.config import Settings
    from dyadwatch.coding.pipeline import Pipeline, batched
    from dyadwatch.coding.stages import State
    from dyadwatch.store.db import Store, results_to_arrow
    from dyadwatch.types import Article

    settings = Settings(batch_size=batch)
    p = Pipeline(settings).warm_up()
    cpu = time.process_time
    t: Counter = Counter()
    n = 0
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "s.duckdb") as store:
        c = cpu()
        items = ingest.read_paths([str(corpus)])
        for chunk in batched(items, batch * 4):
            t["read"] += cpu() - c
            arts = [a for a in chunk if isinstance(a, Article)]
            results = []
            docs = iter(p.nlp.pipe([a.text for a in arts], batch_size=batch))
            for a in arts:
                c = cpu()
                doc = next(docs)
                t["parse (spaCy)"] += cpu() - c
                state = State(a, nlp_mod.doc_text(doc, a))
                for stage, run in zip(p.stages, p.loaded):
                    c = cpu()
                    state = run(doc, state)
                    t[stage.name] += cpu() - c
                c = cpu()
                results.append(state.result())
                t["result (enrichments applied)"] += cpu() - c
            n += len(arts)
            c = cpu()
            store.write_tables(results_to_arrow(results))
            t["store"] += cpu() - c
            c = cpu()
        c = cpu()
        dedup.update(store.con, settings)
        t["dedup update"] += cpu() - c
    return {"n": n, "stages": dict(t)}


def print_stages(r: dict, label: str = "") -> None:
    total = sum(r["stages"].values())
    print(f"\nCPU per stage{label}, n={r['n']}, one process, stages loaded beforehand:")
    for name, sec in sorted(r["stages"].items(), key=lambda kv: -kv[1]):
        print(f"  {name:14} {1000 * sec / r['n']:6.1f} ms/article  {100 * sec / total:5.1f}%")
    print(f"  {'total':14} {1000 * total / r['n']:6.1f} ms/article; parse share "
          f"{100 * r['stages']['parse (spaCy)'] / total:.1f}%")


def insert_rate(n_docs: int = 5000) -> float:
    """Events per second through Store.write (bulk Arrow appends)."""
    import datetime as dt

    from dyadwatch.store.db import Store
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
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{kind} procs={procs} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak(r: dict) -> str:
    workers = sorted(w["peak_mb"] for w in r["workers"] if w["cpu_s"] > 1)
    text = f"main {r['main']['peak_mb']:.0f} MB"
    if workers:
        text += ", workers " + "/".join(f"{w:.0f}" for w in workers) + " MB"
    return text


def row(r: dict) -> str:
    n = r["n"]
    return (f"{r['kind']:5} n={n:5} procs={r['procs']}: {n / r['wall_s']:6.1f} art/s "
            f"(idle-core est. {n / r['free_wall_s']:6.1f}), {1000 * r['cpu_s'] / n:5.0f} CPU-ms/art, "
            f"{r['words'] / r['wall_s']:6.0f} words/s"
            + (f", load {r['load_s']:.1f}s" if r["load_s"] else "")
            + f"; peak {peak(r)}; loadavg {r['load_before']:.1f}->{r['load_after']:.1f}")


def batch_sweep(batches: list[int], size: int, words: int) -> None:
    """spaCy alone per batch size: CPU per article and peak memory."""
    from dyadwatch import synthetic
    from dyadwatch.config import Settings

    print(f"batch sweep, spaCy alone, n={size}, {words} words, 1 process "
          f"(Settings.batch_size now {Settings().batch_size}):")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        synthetic.write_jsonl(corpus, size, words=words)
        for batch in batches:
            r = child("spacy", corpus, 1, batch)
            print(f"  batch {batch:4}: {1000 * r['cpu_s'] / r['n']:5.0f} CPU-ms/article, "
                  f"{r['n'] / r['free_wall_s']:5.1f} art/s idle-core est., "
                  f"peak {r['main']['peak_mb']:.0f} MB (loadavg {r['load_before']:.1f})",
                  flush=True)


def main() -> None:
    from dyadwatch.config import Settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[300, 1200])
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--batch", type=int, default=Settings().batch_size)
    ap.add_argument("--repeat", type=int, default=1,
                    help="alternate spaCy and full runs this many times; ratios are medians")
    ap.add_argument("--batch-sweep", type=int, nargs="+")
    ap.add_argument("--no-insert", action="store_true", help="skip the insertion benchmark")
    ap.add_argument("--child")
    ap.add_argument("--corpus", type=Path)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.corpus, args.procs[0], args.batch)))
        return
    if args.batch_sweep:
        batch_sweep(args.batch_sweep, args.sizes[0], args.words)
        return

    from dyadwatch import synthetic

    print(f"machine: {os.cpu_count()} CPUs; batch {args.batch}; {args.words} words/article; "
          f"repeat {args.repeat}; loadavg {os.getloadavg()[0]:.2f}", flush=True)
    rows: dict[tuple[int, int, str], list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            corpus = Path(tmp) / f"corpus-{size}.jsonl"
            synthetic.write_jsonl(corpus, size, words=args.words)
            for _ in range(args.repeat):  # rounds: the runs compared are minutes apart at most
                for procs in args.procs:
                    for kind in ("spacy", "full"):
                        r = child(kind, corpus, procs, args.batch)
                        rows.setdefault((size, procs, kind), []).append(r)
                        print(row(r), flush=True)
            if size == args.sizes[0]:
                stages = child("stages", corpus, 1, args.batch)

    print("\nratios (same run; 'est.' = for otherwise idle cores"
          + (f"; median of {args.repeat} rounds [range]" if args.repeat > 1 else "") + "):")
    for size in args.sizes:
        for procs in args.procs:
            pairs = list(zip(rows[(size, procs, "spacy")], rows[(size, procs, "full")]))
            print(f"  n={size} procs={procs}: full/spacy throughput = "
                  f"{median([s['wall_s'] / f['wall_s'] for s, f in pairs])} wall, "
                  f"{median([s['free_wall_s'] / f['free_wall_s'] for s, f in pairs])} est., "
                  f"{median([s['cpu_s'] / f['cpu_s'] for s, f in pairs])} CPU  (target >= 0.90)")
        if 1 in args.procs and 2 in args.procs:
            one_two = list(zip(rows[(size, 1, "full")], rows[(size, 2, "full")]))
            spacy = list(zip(rows[(size, 1, "spacy")], rows[(size, 2, "spacy")]))
            wall = median([(o["wall_s"] + o["load_s"]) / t["wall_s"] for o, t in one_two])
            est = median([(o["free_wall_s"] + o["load_s"]) / t["free_wall_s"] for o, t in one_two])
            cpu = median([t["cpu_s"] / o["cpu_s"] for o, t in one_two])
            print(f"  n={size}: full, 2 processes vs 1 = {wall}x wall, {est}x est. "
                  f"(target >= 1.7; CPU of all processes x{cpu}); spaCy alone "
                  f"{median([a['wall_s'] / b['wall_s'] for a, b in spacy])}x wall, "
                  f"{median([a['free_wall_s'] / b['free_wall_s'] for a, b in spacy])}x est.")
    if len(args.sizes) >= 2:
        small, large = args.sizes[0], args.sizes[-1]
        for procs in args.procs:
            a_runs, b_runs = rows[(small, procs, "full")], rows[(large, procs, "full")]
            mem_a, mem_b = largest_peak(a_runs), largest_peak(b_runs)
            wall = middle(b_runs, "wall_s") / middle(a_runs, "wall_s")
            cpu = middle(b_runs, "cpu_s") / middle(a_runs, "cpu_s")
            print(f"  scaling procs={procs} n={small}->{large} (x{large / small:.1f}): time "
                  f"x{wall:.2f} wall, x{cpu:.2f} CPU; "
                  f"largest process peak memory x{mem_b / mem_a:.2f} "
                  f"({mem_a:.0f} -> {mem_b:.0f} MB)")
    share = stages["stages"]["parse (spaCy)"] / sum(stages["stages"].values())
    print(f"  in one process (stage timer, n={stages['n']}): parse share of the full ingest's CPU "
          f"{share:.2f} = full/spacy when both run under the same conditions (target >= 0.90)")
    if not args.no_insert:
        print(f"  bulk event insertion: {insert_rate():,.0f} events/s")
    print_stages(stages)


def largest_peak(runs: list[dict]) -> float:
    """Peak memory (MB) of the largest process over runs."""
    return max(max([r["main"]["peak_mb"]] + [w["peak_mb"] for w in r["workers"]]) for r in runs)


def middle(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def median(values: list[float]) -> str:
    """Median of ratios, with their range when there are several."""
    mid = statistics.median(values)
    if len(values) == 1:
        return f"{mid:.2f}"
    return f"{mid:.2f} [{min(values):.2f}-{max(values):.2f}]"


if __name__ == "__main__":
    main()
