"""What watching costs over ingesting the same articles from files, in one run.

    python bench/watch.py [--feeds 200] [--per-feed 20] [--words 300]

A local site on 127.0.0.1 (scripts/watch_demo.serve) serves `--feeds` RSS
feeds of `--per-feed` new synthetic articles each (dyadwatch.synthetic), as
HTML pages. The same pages are also written to a folder. With one loaded
pipeline (model load outside the clocks) it times:

  ingest  pipeline.process over the folder of .html files (read, extract,
          code, store, dedup): what `dyadwatch ingest` does
  watch   one `Watcher.cycle` over the feeds: poll (feeds), fetch (pages,
          fetched and extracted FETCH_THREADS at a time), code (coding,
          storing, dedup: pipeline.process less the fetch time)
  idle    a second cycle with nothing new: every feed answers 304 to its
          ETag; and a third with conditional GET defeated (the feeds
          re-sent and parsed, every address found already handled)

and prints watch/ingest, each part's share, and the no-news cycle cost per
100 feeds. All feeds are on one host here, so the per-host politeness
limits are lifted (interval 0, 8 in flight); against real sites those
limits, not dyadwatch, set the pace. Compare ratios from one run: the
machine is shared.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from dyadwatch import synthetic  # noqa: E402
from dyadwatch.coding import pipeline as pipeline_mod  # noqa: E402
from dyadwatch.config import Settings  # noqa: E402
from dyadwatch.sources import watchfile  # noqa: E402
from dyadwatch.sources.fetch import FetchPolicy  # noqa: E402
from dyadwatch.sources.watch import Watcher  # noqa: E402
from dyadwatch.store.db import Store  # noqa: E402
from watch_demo import page_html, rss, serve  # noqa: E402


def build(site: dict, folder: Path, base: str, feeds: int, per_feed: int, words: int) -> None:
    records = synthetic.articles(feeds * per_feed, seed=17, words=words)
    for i in range(feeds):
        items = []
        for j in range(per_feed):
            rec = next(records)
            path = f"/a/{i}/{j}.html"
            markup = page_html(rec["title"], rec["text"].split("\n\n"))
            site[path] = (markup.encode(), "text/html; charset=utf-8")
            (folder / f"{i}-{j}.html").write_text(markup, encoding="utf-8")
            items.append((path, html.escape(rec["title"]), rec["date"]))
        site[f"/feed{i}.xml"] = (rss(base, items, f"Feed {i}").encode(), "application/rss+xml")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--per-feed", type=int, default=20)
    ap.add_argument("--words", type=int, default=300)
    args = ap.parse_args()
    site: dict = {}
    server = serve(site)
    base = f"http://127.0.0.1:{server.server_port}"
    tmp = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    folder = tmp / "pages"
    folder.mkdir()
    build(site, folder, base, args.feeds, args.per_feed, args.words)
    n = args.feeds * args.per_feed
    settings = Settings.from_env()
    pipe = pipeline_mod.Pipeline(settings).warm_up()
    print(f"{args.feeds} feeds x {args.per_feed} articles = {n} articles of ~{args.words} "
          f"words; load {os.getloadavg()[0]:.1f}", flush=True)

    t0 = time.perf_counter()
    rep = pipeline_mod.process([str(folder)], tmp / "ingest.duckdb", settings, pipeline=pipe)
    ingest_s = time.perf_counter() - t0
    print(f"ingest: {rep.n_stored} stored, {rep.n_events} events in {ingest_s:.1f} s", flush=True)

    wf = watchfile.WatchFile.model_validate(
        {"sources": [{"url": f"{base}/feed{i}.xml"} for i in range(args.feeds)]})
    policy = FetchPolicy(per_host_interval_s=0.0, per_host_concurrency=8)
    with Store.open(tmp / "watch.duckdb") as store:
        w = Watcher(store, wf, pipe, policy=policy)
        r = w.cycle(force=True)
        rest = r.seconds - r.poll_s - r.fetch_s - r.code_s
        print(f"watch:  {r.stored} stored, {r.events} events in {r.seconds:.1f} s = poll "
              f"{r.poll_s:.1f} + fetch {r.fetch_s:.1f} + code {r.code_s:.1f} + other "
              f"{rest:.1f}; {r.errors} errors", flush=True)
        idle = w.cycle(force=True)
        site.update({k: (v[0] + b" ", v[1]) for k, v in site.items() if k.startswith("/feed")})
        resent = w.cycle(force=True)
    print(f"\nwatch / ingest of the same articles: {r.seconds / ingest_s:.2f}")
    print(f"shares of the watch cycle: poll {r.poll_s / r.seconds:.1%}, fetch+extract "
          f"{r.fetch_s / r.seconds:.1%}, code+store {r.code_s / r.seconds:.1%}")
    per100 = 100 / args.feeds
    print(f"no-news cycle (304s): {idle.seconds:.2f} s = {idle.seconds * per100:.2f} s per 100 "
          f"feeds; feeds re-sent (200, all known): {resent.seconds:.2f} s = "
          f"{resent.seconds * per100:.2f} s per 100 feeds")
    server.shutdown()


if __name__ == "__main__":
    main()
