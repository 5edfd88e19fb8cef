"""Synthetic news articles for benchmarks and scale tests.

Benchmarks need thousands of articles of realistic length and vocabulary
that anybody can regenerate; the demo corpus is too small and real news
cannot be shipped. These articles are assembled from templates written for
this project (no third-party text), deterministically from a seed, with the
constructions the coder handles (meetings, requests, accusations,
reported speech, relative dates) so that every stage does real work.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

ACTORS = (
    "China", "North Korea", "South Korea", "Japan", "Russia", "the United States",
    "Chinese Foreign Minister Wang Yi", "the South Korean foreign ministry",
    "North Korea's military", "the Japanese government", "Russian President Vladimir Putin",
    "US Secretary of State Antony Blinken", "the United Nations", "Beijing", "Seoul",
    "Pyongyang", "Tokyo", "Moscow", "Washington", "the European Union", "Ukraine", "India",
)
ACTIONS = (
    "met {o} to discuss regional security",
    "urged {o} to return to dialogue",
    "accused {o} of raising tensions",
    "called on {o} to exercise restraint",
    "signed a trade agreement with {o}",
    "condemned {o} over the missile launch",
    "praised {o} for its constructive role",
    "warned {o} against further provocations",
    "held talks with {o} in the capital",
    "expressed deep concern about {o}'s nuclear programme",
    "rejected a proposal from {o}",
    "imposed new sanctions on {o}",
    "sent humanitarian aid to {o}",
    "threatened to cut ties with {o}",
    "agreed with {o} to expand cooperation",
)
WHEN = ("on Monday", "on Tuesday", "on Wednesday", "last week", "earlier this month",
        "on Friday", "yesterday", "last month", "")
FILLER = (
    "Analysts said the move reflected growing unease in the region.",
    "The statement came ahead of a planned summit later this year.",
    "Officials did not give further details about the talks.",
    "The two sides have held several rounds of discussions since the spring.",
    "Markets in the region were little changed after the announcement.",
    "Diplomats said the next meeting could take place within weeks.",
    "Observers noted that the tone of the remarks was sharper than usual.",
)
OUTLETS = ("Harbour Wire", "Eastern Ledger", "Daily Meridian", "Peninsula Post")


def sentence(rng: random.Random) -> str:
    s, o = rng.sample(ACTORS, 2)
    when = rng.choice(WHEN)
    action = rng.choice(ACTIONS).format(o=o)
    text = f"{s} {action}{' ' + when if when else ''}."
    if rng.random() < 0.25:
        quote = rng.choice(("We will not accept threats to peace",
                            "Dialogue remains the only way forward",
                            "Our position has not changed"))
        text += f' "{quote}," a spokesperson said.'
    return text[0].upper() + text[1:]


def article(rng: random.Random, n: int, words: int = 350) -> dict:
    """One article record (JSON Lines shape accepted by `dyadwatch ingest`)."""
    date = dt.date(2014, 1, 1) + dt.timedelta(days=rng.randrange(3650))
    paras, count = [], 0
    while count < words:
        para = " ".join(sentence(rng) if rng.random() < 0.7 else rng.choice(FILLER)
                        for _ in range(rng.randint(2, 4)))
        paras.append(para)
        count += len(para.split())
    title = sentence(rng).rstrip(".")
    return {"id": f"synthetic-{n}", "title": title, "date": date.isoformat(),
            "outlet": rng.choice(OUTLETS), "text": "\n\n".join(paras)}


def articles(count: int, seed: int = 7, words: int = 350) -> Iterator[dict]:
    rng = random.Random(seed)
    for n in range(count):
        yield article(rng, n, words)


def write_jsonl(path: str | Path, count: int, seed: int = 7, words: int = 350,
                per_file: int | None = None) -> list[Path]:
    """Write `count` articles as JSON Lines (split into files of `per_file`
    records if given); returns the files written."""
    path = Path(path)
    recs = list(articles(count, seed, words))
    if per_file is None:
        chunks = [recs]
        files = [path]
    else:
        path.mkdir(parents=True, exist_ok=True)
        chunks = [recs[i:i + per_file] for i in range(0, len(recs), per_file)]
        files = [path / f"part-{i:05d}.jsonl" for i in range(len(chunks))]
    for f, chunk in zip(files, chunks):
        f.parent.mkdir(parents=True, exist_ok=True)
        with open(f, "w", encoding="utf-8") as fh:
            for r in chunk:
                fh.write(json.dumps(r) + "\n")
    return files
