"""Dedup cost at two corpus sizes: is it near-linear?

Builds a synthetic corpus per size (Zipf-distributed words so that common
phrases recur by chance, as in news; 30% of articles are planted
near-duplicates of another: a few words changed, a paragraph dropped, site
boilerplate appended; every article carries three events, copies repeat
their original's events), writes it into a fresh DuckDB file with
Store.write, and times:

  signature  dedup.signature over every text (what the workers do)
  update     dedup.update (stories + canonical events), the writer's step

It prints rows/s per size, then the ratio of times against the ratio of
sizes measured in this run (near-linear: time ratio close to size ratio;
quadratic would be its square), and how many planted copies landed in their
original's story. Times are CPU seconds of this process (all threads), which
other jobs on a shared machine disturb far less than wall time (also
printed). No assertions: timings depend on the machine.

    .venv/bin/python bench/dedup.py                 # 10,000 and 40,000 articles
    .venv/bin/python bench/dedup.py --sizes 2000 8000
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from dyadwatch.store import dedup
from dyadwatch.config import Settings
from dyadwatch.store.db import Store
from dyadwatch.types import PLOVER_TYPES, Actor, Article, DocResult, Event

VOCAB = 20_000
COPY_SHARE = 0.3
BOILERPLATE = [
    "Sign up for our morning newsletter and get the day's top stories in your inbox.",
    "All rights reserved. This material may not be published, broadcast or redistributed.",
    "Follow us for live coverage and download our app for breaking news alerts.",
    "Reporting by our correspondents; editing by the international desk.",
]
ACTORS = [Actor(f"C{i:02d}GOV", f"C{i:02d}", "GOV") for i in range(40)]
START = dt.date(2023, 1, 1)


def make_corpus(n: int, seed: int) -> tuple[list[Article], list[tuple[Event, ...]], list[int]]:
    """Articles, their events, and for each article the index of the
    original it copies (itself for originals)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = ["".join(rng.choice(letters, size=rng.integers(2, 10))) for _ in range(VOCAB)]
    cdf = np.cumsum(1.0 / np.arange(1, VOCAB + 1) ** 1.05)
    cdf /= cdf[-1]
    n_orig = int(n * (1 - COPY_SHARE))
    origin = list(range(n_orig)) + sorted(rng.integers(0, n_orig, size=n - n_orig).tolist())
    paragraphs: list[list[str]] = []
    articles: list[Article] = []
    events: list[tuple[Event, ...]] = []
    for i, src in enumerate(origin):
        if src == i:
            paras = [" ".join(vocab[w] for w in np.searchsorted(
                         cdf, rng.random(rng.integers(40, 90)))) + "."
                     for _ in range(rng.integers(3, 6))]
            day = int(rng.integers(0, 365))
        else:
            paras = list(paragraphs[src])
            if len(paras) > 3 and rng.random() < 0.5:
                paras.pop(int(rng.integers(1, len(paras))))
            words = paras[0].split()
            for k in rng.integers(0, len(words), size=3):
                words[k] = vocab[int(rng.integers(0, VOCAB))]
            paras[0] = " ".join(words)
            paras.append(BOILERPLATE[int(rng.integers(0, len(BOILERPLATE)))])
            day = articles[src].date.toordinal() - START.toordinal() + int(rng.integers(0, 2))
        paragraphs.append(paras)
        aid = f"a{i:07d}"
        date = START + dt.timedelta(days=day)
        articles.append(Article(id=aid, text="\n\n".join(paras), date=date))
        if src == i:
            evs = tuple(_event(f"{aid}-{k}", aid, rng, date) for k in range(3))
        else:
            evs = tuple(dataclasses.replace(e, id=f"{aid}-{k}", article_id=aid)
                        for k, e in enumerate(events[src]))
        events.append(evs)
    return articles, events, origin


def _event(eid: str, aid: str, rng: np.random.Generator, date: dt.date) -> Event:
    s, t = rng.choice(len(ACTORS), size=2, replace=False)
    return Event(id=eid, article_id=aid, sentence_index=0, sentence="s", trigger="t",
                 trigger_start=0, trigger_end=1,
                 plover=PLOVER_TYPES[int(rng.integers(0, len(PLOVER_TYPES)))], cameo="040",
                 goldstein=1.0, quad_class=1, source=ACTORS[s], target=ACTORS[t],
                 date=date + dt.timedelta(days=int(rng.integers(-2, 1))), date_source="sentence")


def run(n: int, settings: Settings, folder: Path) -> dict:
    articles, events, origin = make_corpus(n, seed=n)
    wall, cpu = time.perf_counter(), time.process_time()
    signatures = [dedup.signature(a.text, settings) for a in articles]
    t_sig, w_sig = time.process_time() - cpu, time.perf_counter() - wall
    results = [DocResult(a, (), (), e, (), s) for a, e, s in zip(articles, events, signatures)]
    with Store.open(folder / f"bench-{n}.duckdb") as store:
        started = time.perf_counter()
        for k in range(0, n, 5000):
            store.write(results[k:k + 5000])
        t_write = time.perf_counter() - started
        cpu = time.process_time()
        report = dedup.update(store.con, settings)
        t_update = time.process_time() - cpu
        cpu = time.process_time()
        dedup.update(store.con, settings)
        t_rerun = time.process_time() - cpu
        story = dict(store.con.execute("SELECT id, story_id FROM articles").fetchall())
    ids = [a.id for a in articles]
    copies = [(i, src) for i, src in enumerate(origin) if src != i]
    found = sum(story[ids[i]] == story[ids[src]] for i, src in copies)
    planted = {ids[i] for i, _ in copies} | {ids[src] for _, src in copies}
    stray = sum(1 for aid in ids if aid not in planted and story[aid] != aid)
    return {"n": n, "events": sum(len(e) for e in events), "sig": t_sig, "sig_wall": w_sig,
            "write": t_write, "update": t_update, "update_wall": report.seconds,
            "rerun": t_rerun, "report": report,
            "copies": len(copies), "found": found, "stray": stray}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 40_000])
    args = parser.parse_args(argv)
    settings = Settings()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"settings: story_threshold={settings.story_threshold} "
          f"minhash_perm={settings.minhash_perm} shingle_size={settings.shingle_size} "
          f"event_window_days={settings.event_window_days}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            r = run(n, settings, Path(tmp))
            rows.append(r)
            rep = r["report"]
            print(f"{n:>7} articles {r['events']:>7} events | signature {r['sig']:6.2f} s "
                  f"({n / r['sig']:,.0f} docs/s; wall {r['sig_wall']:.2f} s) | "
                  f"update {r['update']:6.2f} s ({n / r['update']:,.0f} articles/s, "
                  f"{r['events'] / r['update']:,.0f} events/s; wall {r['update_wall']:.2f} s) | "
                  f"re-run {r['rerun']:5.2f} s | store.write wall {r['write']:5.2f} s")
            print(f"        stories {rep.stories:,} | LSH candidate pairs "
                  f"{rep.candidate_pairs:,} | canonical events {rep.canonical_events:,} | "
                  f"planted copies in their original's story {r['found']}/{r['copies']} | "
                  f"unplanted articles merged {r['stray']}")
            sys.stdout.flush()
    base = rows[0]
    for r in rows[1:]:
        size = r["n"] / base["n"]
        print(f"size x{size:.2f}: signature CPU time x{r['sig'] / base['sig']:.2f}, "
              f"update CPU time x{r['update'] / base['update']:.2f}, "
              f"LSH candidate pairs x{r['report'].candidate_pairs / base['report'].candidate_pairs:.2f}"
              f" (linear = x{size:.2f}, quadratic = x{size * size:.2f}); "
              f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
