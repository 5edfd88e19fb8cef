"""Peak memory against corpus size and spaCy, and 1 vs 2 workers, as ratios measured in one run.

    python bench/memory.py [--sizes 500 2000 8000] [--words 300] [--workers-size 2000]
                           [--rounds 2] [--no-code]

Every figure is of a whole command in a fresh process, as a user runs it:
  spacy   - spaCy alone (the pipes dyadwatch uses, `nlp.pipe` at the same
            batch size) over the same cleaned texts, streamed from a file
  ingest  - `dyadwatch ingest CORPUS --db FILE -q`
  code    - `dyadwatch code CORPUS -o FILE`
CPU seconds and peak memory come from os.wait4, so other jobs on the machine
do not count in them; with workers, the CPU is that of every process and the
peak that of the largest one (the kernel reports the child's own usage and
that of the children it waited for).

Part 1, per corpus size: peak MB of each kind, ingest and code against spaCy
(target <= 1.5x) and the smallest size against the largest (target: within
5%). Part 2, at --workers-size articles: `ingest --workers 1` and
`--workers 2` alternating for --rounds rounds: articles per wall second, CPU
milliseconds per article, cores busy (CPU seconds of all processes per wall
second: what the machine's load left the command), and the database file's
size (target: 2 workers >= 1.85x one, the same file size, the same rows). The machine is shared, so
the load average is printed with every run: judge the wall-clock ratio with
it, and the CPU per article (equal for 1 and 2 workers when nothing is
wasted) without.
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

import duckdb

COUNTS = ("articles", "sentences", "actors", "events", "quotes", "canonical_events")


def run(argv: list[str]) -> dict:
    """CPU seconds (all processes), peak MB (largest process) and wall seconds of a command."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(argv)} failed:\n{err[-3000:]}")
    return {"cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "wall_s": wall, "load": (load, os.getloadavg()[0])}


def spacy_child(texts: Path, batch: int) -> None:
    """spaCy alone over the cleaned texts, one JSON string per line, streamed."""
    from dyadwatch.coding import nlp as nlp_mod
    from dyadwatch.config import Settings

    settings = Settings()
    nlp = nlp_mod.load(settings.model, settings.max_chars)
    with open(texts, encoding="utf-8") as fh:
        for _ in nlp.pipe((json.loads(line) for line in fh), batch_size=batch):
            pass


def cleaned_texts(corpus: Path, out: Path) -> int:
    """The texts `ingest` parses (read, cleaned, cut at max_chars), one per line."""
    from dyadwatch.coding.pipeline import Pipeline
    from dyadwatch.sources import ingest
    from dyadwatch.types import Article

    fit = Pipeline()._fit
    n = 0
    with open(out, "w", encoding="utf-8") as fh:
        for item in ingest.read_paths([str(corpus)]):
            if isinstance(item, Article):
                fh.write(json.dumps(fit(item).text) + "\n")
                n += 1
    return n


def db_facts(db: Path) -> dict:
    """File size and row counts of a finished ingest's database."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTS}
    finally:
        con.close()
    return {"mb": db.stat().st_size / 2**20, "rows": counts}


def commands(corpus: Path, texts: Path, folder: Path, batch: int) -> dict[str, list[str]]:
    py = sys.executable
    return {"spacy": [py, __file__, "--child", str(texts), "--batch", str(batch)],
            "ingest": [py, "-m", "dyadwatch.cli", "ingest", str(corpus), "--db",
                       str(folder / "ingest.duckdb"), "-q"],
            "code": [py, "-m", "dyadwatch.cli", "code", str(corpus), "-o",
                     str(folder / "code.jsonl")]}


def fresh(folder: Path) -> None:
    for name in ("ingest.duckdb", "ingest.duckdb.wal", "code.jsonl"):
        (folder / name).unlink(missing_ok=True)


def load_text(r: dict) -> str:
    return f"load {r['load'][0]:.1f}->{r['load'][1]:.1f}"


def spread(values: list[float], fmt: str = ".2f") -> str:
    mid = statistics.median(values)
    if len(values) == 1:
        return format(mid, fmt)
    return f"{mid:{fmt}} [{min(values):{fmt}}-{max(values):{fmt}}]"


def by_size(sizes: list[int], words: int, batch: int, kinds: list[str], tmp: Path) -> dict:
    """Part 1: peak memory of each kind at each corpus size."""
    from dyadwatch import synthetic

    peaks: dict[tuple[int, str], dict] = {}
    for size in sizes:
        folder = tmp / f"n{size}"
        folder.mkdir()
        corpus, texts = folder / "corpus.jsonl", folder / "texts.jsonl"
        synthetic.write_jsonl(corpus, size, words=words)
        cleaned_texts(corpus, texts)
        argv = commands(corpus, texts, folder, batch)
        for kind in kinds:
            fresh(folder)
            r = peaks[(size, kind)] = run(argv[kind])
            print(f"  n={size:5} {kind:6}: peak {r['peak_mb']:5.0f} MB, "
                  f"{1000 * r['cpu_s'] / size:4.0f} CPU-ms/article, wall {r['wall_s']:6.1f} s; "
                  f"{load_text(r)}", flush=True)
    print("\npeak memory against spaCy alone on the same texts (target <= 1.5x):")
    for size in sizes:
        base = peaks[(size, "spacy")]["peak_mb"]
        print(f"  n={size:5}: " + ", ".join(
            f"{k} {peaks[(size, k)]['peak_mb']:.0f} MB (x{peaks[(size, k)]['peak_mb'] / base:.2f})"
            for k in kinds if k != "spacy") + f"; spacy {base:.0f} MB")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        print(f"peak memory n={small} -> n={large} (target: within 5%):")
        for kind in kinds:
            a, b = peaks[(small, kind)]["peak_mb"], peaks[(large, kind)]["peak_mb"]
            print(f"  {kind:6}: {a:.0f} -> {b:.0f} MB ({100 * (b / a - 1):+.1f}%)")
    return peaks


def workers(size: int, words: int, batch: int, rounds: int, tmp: Path) -> None:
    """Part 2: ingest with 1 and 2 workers, alternating."""
    from dyadwatch import synthetic

    folder = tmp / f"workers{size}"
    folder.mkdir()
    corpus = folder / "corpus.jsonl"
    synthetic.write_jsonl(corpus, size, words=words)
    base = commands(corpus, folder / "unused", folder, batch)["ingest"]
    runs: dict[int, list[dict]] = {1: [], 2: []}
    print(f"\ningest --workers 1 vs 2, n={size}, {rounds} alternating rounds:")
    for k in range(rounds):
        for n in (1, 2) if k % 2 == 0 else (2, 1):
            fresh(folder)
            r = run(base + ["--workers", str(n)])
            r.update(db_facts(folder / "ingest.duckdb"))
            runs[n].append(r)
            print(f"  round {k + 1} workers {n}: {size / r['wall_s']:5.1f} art/s, "
                  f"{1000 * r['cpu_s'] / size:4.0f} CPU-ms/article (all processes), "
                  f"{r['cpu_s'] / r['wall_s']:.2f} cores busy, peak "
                  f"{r['peak_mb']:.0f} MB, database {r['mb']:.2f} MB; {load_text(r)}", flush=True)
    pairs = list(zip(runs[1], runs[2]))
    same_rows = all(a["rows"] == b["rows"] for a, b in pairs)
    print(f"  2 workers vs 1 (median [range] of {rounds} pairs): throughput "
          f"x{spread([a['wall_s'] / b['wall_s'] for a, b in pairs])} wall (target >= 1.85); "
          f"CPU per article x{spread([b['cpu_s'] / a['cpu_s'] for a, b in pairs])} "
          f"(1.00 = no CPU lost to the second worker); cores busy "
          f"x{spread([(b['cpu_s'] / b['wall_s']) / (a['cpu_s'] / a['wall_s']) for a, b in pairs])} "
          f"(2.00 = both cores all the time: wall ratio = this / CPU ratio); database "
          f"x{spread([b['mb'] / a['mb'] for a, b in pairs], '.3f')} "
          f"({spread([a['mb'] for a, _ in pairs])} vs {spread([b['mb'] for _, b in pairs])} MB; "
          f"target 1.000); same rows: {'yes' if same_rows else 'NO'}")


def main() -> None:
    from dyadwatch.config import Settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000])
    ap.add_argument("--words", type=int, default=300)
    ap.add_argument("--batch", type=int, default=Settings().batch_size)
    ap.add_argument("--workers-size", type=int, default=2000,
                    help="corpus size of the 1-vs-2-workers rounds (0: skip them)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--no-code", action="store_true", help="measure spacy and ingest only")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        spacy_child(args.child, args.batch)
        return
    kinds = ["spacy", "ingest"] + ([] if args.no_code else ["code"])
    print(f"machine: {os.cpu_count()} CPUs; batch {args.batch}; {args.words} words/article; "
          f"loadavg {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        by_size(args.sizes, args.words, args.batch, kinds, Path(tmp))
        if args.workers_size:
            workers(args.workers_size, args.words, args.batch, args.rounds, Path(tmp))
    print(f"loadavg at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
