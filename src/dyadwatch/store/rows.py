"""Stored rows from the pipeline's records, built by column name.

Each builder returns a dict keyed by the column names declared in
schema.py; `rows_to_arrow` takes exactly the table's written columns from
it and refuses a row with a missing or an undeclared key, naming it, so a
column added to the schema and forgotten here (or the reverse) fails the
first write instead of shifting or dropping values.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..errors import error
from .schema import BATCH_TABLES, TABLE

if TYPE_CHECKING:  # pyarrow: loaded by the writer only (`rows_to_arrow`); the records: only named
    import pyarrow as pa

    from ..types import Actor, DocResult, Event, Mention, Quote, Sentence

Row = dict[str, Any]


def _actor(role: str, actor: Actor | None) -> Row:
    if actor is None:
        return {role: None, f"{role}_country": None, f"{role}_sector": None, f"{role}_name": None}
    return {role: actor.code, f"{role}_country": actor.country, f"{role}_sector": actor.sector,
            f"{role}_name": actor.name}


def article_row(r: DocResult, fingerprint: str | None) -> Row:
    a = r.article
    return {"id": a.id, "doc_id": a.doc_id, "title": a.title, "outlet": a.outlet,
            "byline": a.byline, "date": a.date, "date_text": a.date_text, "url": a.url,
            "source_path": a.source_path, "source_line": a.source_line, "text": a.text,
            "n_sentences": len(r.sentences), "fingerprint": fingerprint}


def sentence_row(article_id: str, s: Sentence) -> Row:
    """A sentence without the paragraph's trailing whitespace ("...said.\n\n"),
    so CSV rows and terminal lines stay one line; its end offset moves with it."""
    text = s.text.rstrip()
    return {"article_id": article_id, "idx": s.index, "text": text, "start_char": s.start,
            "end_char": min(s.end, s.start + len(text))}


def actor_row(article_id: str, idx: int, m: Mention) -> Row:
    return {"article_id": article_id, "idx": idx, "sentence_idx": m.sentence_index,
            "text": m.text, "start_char": m.start, "end_char": m.end, "code": m.actor.code,
            "country": m.actor.country, "sector": m.actor.sector, "name": m.actor.name,
            "kind": m.actor.kind, "antecedent": m.antecedent, "confidence": m.confidence}


def event_row(e: Event) -> Row:
    loc = e.location
    return {
        "id": e.id, "article_id": e.article_id, "sentence_idx": e.sentence_index,
        "sentence": e.sentence.rstrip(), "trigger": e.trigger, "trigger_start": e.trigger_start,
        "trigger_end": e.trigger_end, "plover": e.plover, "cameo": e.cameo,
        "goldstein": e.goldstein, "quad_class": e.quad_class,
        **_actor("source", e.source), "source_text": e.source_text,
        **_actor("target", e.target), "target_text": e.target_text,
        "date": e.date, "date_source": e.date_source, "date_text": e.date_text,
        "confidence": e.confidence, "negated": e.negated, "modality": e.modality,
        "pattern": e.pattern, "quote_id": e.quote_id,
        "geo_name": loc and loc.name, "geo_id": loc and loc.geonameid,
        "geo_country": loc and loc.country, "geo_admin1": loc and loc.admin1,
        "lat": loc and loc.lat, "lon": loc and loc.lon,
        "geo_precision": loc and loc.precision, "geo_text": loc and loc.text,
    }


def quote_row(article_id: str, q: Quote) -> Row:
    return {"id": q.id, "article_id": article_id, "text": q.text, "start_char": q.start,
            "end_char": q.end, "kind": q.kind, "speaker_text": q.speaker_text,
            **_actor("speaker", q.speaker), "verb": q.verb,
            "sentence_start": q.sentence_start, "sentence_end": q.sentence_end}


def results_to_rows(results: Iterable[DocResult], fingerprint: str | None = None
                    ) -> dict[str, list[Row]]:
    """Rows per batch table (duplicate article ids and duplicate event/quote
    ids inside the batch are dropped: first wins); `fingerprint` is the
    coder's, stamped on each article."""
    rows: dict[str, list[Row]] = {t.name: [] for t in BATCH_TABLES}
    seen_articles: set[str] = set()
    seen_ids: set[str] = set()
    for r in results:
        aid = r.article.id
        if aid in seen_articles:
            continue
        seen_articles.add(aid)
        rows["articles"].append(article_row(r, fingerprint))
        if r.minhash:
            rows["article_minhash"].append({"article_id": aid, "signature": list(r.minhash)})
        rows["sentences"].extend(sentence_row(aid, s) for s in r.sentences)
        rows["actors"].extend(actor_row(aid, i, m) for i, m in enumerate(r.mentions))
        for e in r.events:
            if e.id not in seen_ids:
                seen_ids.add(e.id)
                rows["events"].append(event_row(e))
        for q in r.quotes:
            if q.id not in seen_ids:
                seen_ids.add(q.id)
                rows["quotes"].append(quote_row(aid, q))
    return rows


class _NoPandas:
    """An import finder under which `import pandas` fails (see `arrow`)."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> None:
        if name == "pandas":
            raise ImportError("pandas is not used to build Arrow arrays from lists")
        return None


@functools.cache
def arrow() -> ModuleType:
    """pyarrow, with its question "is pandas installed?" answered "no" once.

    `pa.array` asks whether its input is a pandas object before converting
    it, and the first time it asks it imports pandas (+34 MB on the peak
    of an ingest, 54 MB RSS) although the writer only passes lists. Asked
    while `import pandas` fails, pyarrow records that pandas is absent and
    never imports it for a list again; the failing import lasts for one
    empty conversion (another thread importing pandas for the first time in
    that instant would fail too: the server's writer reaches here once, at
    its first write). What needs pandas still has it: pyarrow's own pandas
    functions (`to_pandas`, `from_pandas`) import it again when called, and
    DuckDB's `.df()` imports it itself. A process that has already loaded
    pandas has nothing to save and is left alone. Give every array its
    type: pyarrow's type inference imports pandas from C++ all the same,
    and so does `Array.to_numpy` (read buffers with `np.from_dlpack`).
    """
    import pyarrow as pa

    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _NoPandas)
        try:
            pa.array([], pa.null())
        finally:
            sys.meta_path.remove(_NoPandas)
    return pa


def rows_to_arrow(name: str, rows: list[Row]) -> pa.Table:
    """The Arrow table of `rows` with the declared written columns and types.

    The rows are converted in one call, as one struct array whose fields are
    the columns, then split into its columns: pyarrow reads the dicts in C++,
    where a Python list per column (a dict lookup per row and column) cost as
    much again as building the rows. The arrays are allocated by the system
    allocator, not by pyarrow's default pool (mimalloc), which keeps what a
    batch freed for later batches: 12 MB more at an ingest's peak for tables
    that live one write.
    """
    pa = arrow()
    pool = pa.system_memory_pool()
    table = TABLE[name]
    cols = table.written
    expected = {c.name for c in cols}
    for row in rows:
        if row.keys() != expected:
            missing = sorted(expected - row.keys())
            extra = sorted(row.keys() - expected)
            raise error("E308", table=name, missing=missing, extra=extra)
    struct = pa.array(rows, type=pa.struct([pa.field(c.name, c.arrow) for c in cols]),
                      memory_pool=pool)
    return pa.Table.from_arrays(struct.flatten(memory_pool=pool), schema=table.arrow_schema())
