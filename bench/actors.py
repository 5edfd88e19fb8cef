"""Cost of actor coding against the spaCy parse it runs on, as a ratio.

    python bench/actors.py [--docs 200] [--repeat 3]

Parses the demo corpus's plain-text articles (repeated to --docs documents)
once, then times `ActorCoder.code` over the parsed documents. Prints both
times and the ratio coding/parse (target: < 0.20, i.e. coding adds less than
20% to the parse). The machine is shared: compare the ratio, not the seconds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from dyadwatch.coding import nlp as nlp_mod
    from dyadwatch.coding.actors import ActorCoder
    from dyadwatch.sources.articles import article_from_text

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "demo").rglob("*.txt"))]
    if not texts:
        raise SystemExit("no demo/*.txt articles to measure")
    texts = (texts * (args.docs // len(texts) + 1))[:args.docs]
    nlp = nlp_mod.load()
    load = time.perf_counter()
    coder = ActorCoder.from_package()
    load = time.perf_counter() - load
    start = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=64))
    parse = time.perf_counter() - start
    articles = [article_from_text(t) for t in texts]
    best = float("inf")
    mentions = 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        mentions = sum(len(coder.code(d, a)) for d, a in zip(docs, articles))
        best = min(best, time.perf_counter() - start)
    tokens = sum(len(d) for d in docs)
    print(f"docs {len(docs)}  tokens {tokens}  mentions {mentions}  coder load {load:.2f}s")
    print(f"parse {parse:.2f}s  actor coding {best:.2f}s (best of {args.repeat})  "
          f"ratio coding/parse {best / parse:.3f} (target < 0.20)")


if __name__ == "__main__":
    main()
