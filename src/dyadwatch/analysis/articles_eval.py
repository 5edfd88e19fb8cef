"""Scoring whole articles (the voa_real gold kind) against coded events.

Why a scorer of its own: in sentence-level gold every event is one line, but
an article restates the same act many times, and its gold lists each act once.
So an article is scored over DISTINCT triples (source country, target country,
PLOVER type) of the events that count (not negated, asserted), and:

- a gold field may be a list of acceptable values (readers' alternatives), and
  a gold country of null matches any country (an actor no reader could name a
  country for); a predicted null is only a null;
- gold and predicted triples are paired by a maximum matching, so one gold
  triple with a wildcard cannot absorb several predictions;
- what is left is explained by kind, the way a reader would describe it: a
  prediction differing from a leftover gold triple only in its source is a
  wrong source (likewise target, type); other predictions are spurious, other
  gold triples missed; a matched triple whose gold date no predicted event of
  that triple carries is a wrong date (scored apart from the triple figures);
- document types: a type is present in an article when any event has it (the
  NGEC-2025 convention), scored per article as sets, macro-F1 over types.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .evaluate import Counts, Scores, counted

#: Error kinds in the order they are reported (most actionable first).
KINDS = ("wrong_source", "wrong_target", "wrong_type", "spurious", "missed", "wrong_date")
_SLOTS = {"wrong_source": 0, "wrong_target": 1, "wrong_type": 2}


def is_article_set(gold: Sequence[dict]) -> bool:
    """True for whole-article gold: records list `not_counted` acts or carry
    list-valued event fields (sentence gold has neither)."""
    return any("not_counted" in r or any(isinstance(v, list) for e in r["events"] for v in e.values())
               for r in gold)


@dataclass(frozen=True)
class GoldTriple:
    """One distinct gold act: acceptable values per slot (None = any country)."""

    source: frozenset | None
    target: frozenset | None
    types: frozenset
    date: str | None
    evidence: str

    def accepts(self, t: tuple) -> bool:
        return all(opts is None or v in opts for opts, v in zip((self.source, self.target, self.types), t))

    def slots_differing(self, t: tuple) -> list[int]:
        return [i for i, (opts, v) in enumerate(zip((self.source, self.target, self.types), t))
                if opts is not None and v not in opts]

    def label(self, pred_types: set[str]) -> str:
        """The type this act is counted under: a predicted alternative if any."""
        hit = sorted(self.types & pred_types)
        return hit[0] if hit else sorted(self.types)[0] if len(self.types) > 1 else next(iter(self.types))


def _options(value) -> frozenset | None:
    if value is None:
        return None
    return frozenset(value) if isinstance(value, list) else frozenset([value])


def gold_triples(events: list[dict]) -> list[GoldTriple]:
    """Distinct gold acts of one article (the first event's date and evidence kept)."""
    seen: dict[tuple, GoldTriple] = {}
    for e in events:
        if not e.get("plover"):
            continue
        key = (_options(e.get("source_country")), _options(e.get("target_country")), _options(e["plover"]))
        if key not in seen:
            seen[key] = GoldTriple(*key, date=e.get("date"), evidence=e.get("evidence") or "")
    return list(seen.values())


@dataclass
class ArticleReport:
    """The evaluation of one whole-article gold set."""

    name: str
    n_records: int = 0
    n_gold: int = 0
    n_pred: int = 0
    triples: Scores = field(default_factory=Scores)
    doc_types: Scores = field(default_factory=Scores)
    kinds: Counter = field(default_factory=Counter)
    kinds_by_type: Counter = field(default_factory=Counter)  # (kind, type) -> n
    dates: Counts = field(default_factory=Counts)  # tp = right date, fn = wrong/absent
    errors: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"name": self.name, "kind": "articles", "n_records": self.n_records,
                "n_gold_triples": self.n_gold, "n_predicted_triples": self.n_pred,
                "triples": self.triples.to_json(), "doc_types": self.doc_types.to_json(),
                "counted_precision": round(self.triples.micro.precision, 4),
                "error_kinds": {k: self.kinds.get(k, 0) for k in KINDS},
                "error_kinds_by_type": [{"kind": k, "type": t, "n": n}
                                        for (k, t), n in sorted(self.kinds_by_type.items())],
                "dates": {"right": self.dates.tp, "wrong": self.dates.fn},
                "errors": self.errors}


def score_articles(gold: Sequence[dict], coded_records, *, name: str = "gold",
                   min_confidence: float = 0.0) -> ArticleReport:
    """Score coded articles (the output of `code_records`) against article gold."""
    pred_by_id = {str(r["id"]): r for r in coded_records}
    report = ArticleReport(name=name)
    for rec in gold:
        report.n_records += 1
        coded = pred_by_id.get(str(rec["id"]), {"events": []})
        pred = [e for e in counted(coded.get("events", [])) if (e.get("confidence") or 0.0) >= min_confidence]
        _score_article(report, rec, pred)
    return report


def _triple(e: dict) -> tuple:
    return (e.get("source_country"), e.get("target_country"), e.get("plover"))


def _match(gold: list[GoldTriple], pred: list[tuple]) -> dict[int, int]:
    """Maximum bipartite matching gold index -> pred index (augmenting paths;
    articles have tens of triples, so the simple algorithm is plenty)."""
    owner: dict[int, int] = {}

    def place(gi: int, seen: set[int]) -> bool:
        for pi, t in enumerate(pred):
            if pi in seen or not gold[gi].accepts(t):
                continue
            seen.add(pi)
            if pi not in owner or place(owner[pi], seen):
                owner[pi] = gi
                return True
        return False

    for gi in range(len(gold)):
        place(gi, set())
    return {gi: pi for pi, gi in owner.items()}


def _score_article(report: ArticleReport, rec: dict, pred_events: list[dict]) -> None:
    gold = gold_triples(rec["events"])
    by_triple: dict[tuple, list[dict]] = {}
    for e in pred_events:
        by_triple.setdefault(_triple(e), []).append(e)
    pred = list(by_triple)
    pred_types = {t[2] for t in pred}
    report.n_gold += len(gold)
    report.n_pred += len(pred)
    matched = _match(gold, pred)
    for gi, pi in matched.items():
        report.triples.label(pred[pi][2]).tp += 1
        _check_date(report, rec, gold[gi], by_triple[pred[pi]])
    g_left = [g for i, g in enumerate(gold) if i not in matched]
    p_left = [t for i, t in enumerate(pred) if i not in set(matched.values())]
    for g in g_left:
        report.triples.label(g.label(pred_types)).fn += 1
    for t in p_left:
        report.triples.label(t[2]).fp += 1
    _explain(report, rec, g_left, p_left, by_triple, pred_types)
    g_types = {g.label(pred_types) for g in gold}
    for t in g_types & pred_types:
        report.doc_types.label(t).tp += 1
    for t in g_types - pred_types:
        report.doc_types.label(t).fn += 1
    for t in pred_types - g_types:
        report.doc_types.label(t).fp += 1


def _check_date(report: ArticleReport, rec: dict, g: GoldTriple, events: list[dict]) -> None:
    if not g.date:
        return
    if any(e.get("date") == g.date for e in events):
        report.dates.tp += 1
        return
    report.dates.fn += 1
    report.kinds["wrong_date"] += 1
    report.kinds_by_type[("wrong_date", events[0]["plover"])] += 1
    report.errors.append(_error(rec, "wrong_date", g, events[0],
                                note=f"gold {g.date}, predicted {sorted({str(e.get('date')) for e in events})}"))


def _explain(report: ArticleReport, rec: dict, g_left: list[GoldTriple], p_left: list[tuple],
             by_triple: dict, pred_types: set[str]) -> None:
    """Pair leftovers differing in one slot (source, then target, then type)."""
    for kind, slot in _SLOTS.items():
        for g in list(g_left):
            t = next((t for t in p_left if g.slots_differing(t) == [slot]), None)
            if t is None:
                continue
            g_left.remove(g)
            p_left.remove(t)
            report.kinds[kind] += 1
            report.kinds_by_type[(kind, g.label(pred_types))] += 1
            report.errors.append(_error(rec, kind, g, by_triple[t][0]))
    for t in p_left:
        report.kinds["spurious"] += 1
        report.kinds_by_type[("spurious", t[2])] += 1
        report.errors.append(_error(rec, "spurious", None, by_triple[t][0]))
    for g in g_left:
        report.kinds["missed"] += 1
        report.kinds_by_type[("missed", g.label(pred_types))] += 1
        report.errors.append(_error(rec, "missed", g, None))


def _fmt_opts(opts: frozenset | None) -> str:
    return "*" if opts is None else "|".join(sorted(opts))


def _error(rec: dict, kind: str, g: GoldTriple | None, e: dict | None, note: str = "") -> dict:
    out = {"id": rec["id"], "kind": kind}
    if g is not None:
        out["gold"] = f"{_fmt_opts(g.source)}>{_fmt_opts(g.target)}:{_fmt_opts(g.types)}"
        out["evidence"] = g.evidence
    if e is not None:
        out["predicted"] = f"{e.get('source_country') or '-'}>{e.get('target_country') or '-'}:{e['plover']}"
        out["sentence"] = e.get("sentence")
        out["trigger"] = e.get("trigger")
        out["pattern"] = e.get("pattern")
    if note:
        out["note"] = note
    return out


def render_articles(rep: ArticleReport, console, *, misses: int = 10) -> None:
    """Per type (triples and document types), error kinds, and the first errors."""
    from rich.markup import escape
    from rich.table import Table

    from ..plover import PLOVER_TYPES

    console.rule(f"[bold]{rep.name}[/]: {rep.n_records} articles, {rep.n_gold} distinct gold triples, "
                 f"{rep.n_pred} distinct predicted (counted) triples")
    labels = [t for t in PLOVER_TYPES if t in rep.triples.per_label or t in rep.doc_types.per_label]
    table = Table(title="Distinct (source country, target country, type) triples per article; document types")
    for col in ("type", "gold", "triple P", "triple R", "triple F1", "doc P", "doc R", "doc F1"):
        table.add_column(col, justify="left" if col == "type" else "right")
    for t in labels:
        table.add_row(t, str(rep.triples.label(t).tp + rep.triples.label(t).fn),
                      *_prf(rep.triples.label(t)), *_prf(rep.doc_types.label(t)))
    tr, dt = rep.triples.micro, rep.doc_types.micro
    table.add_row("[bold]micro[/]", str(tr.tp + tr.fn), *_prf(tr), *_prf(dt))
    table.add_row("[bold]macro F1[/]", "", "", "", f"{rep.triples.macro_f1:.3f}", "", "",
                  f"{rep.doc_types.macro_f1:.3f}")
    console.print(table)
    kinds = Table(title="Errors by kind (type: the gold type; spurious: the predicted one)")
    for col in ("type", "source", "target", "type", "spurious", "missed", "date"):
        kinds.add_column(col, justify="right")
    for t in labels:
        kinds.add_row(t, *[str(rep.kinds_by_type.get((k, t), "")) for k in KINDS])
    kinds.add_row("[bold]all[/]", *[str(rep.kinds.get(k, 0)) for k in KINDS])
    console.print(kinds)
    console.print(f"counted precision {tr.precision:.3f}; dates right on {rep.dates.tp} of "
                  f"{rep.dates.tp + rep.dates.fn} matched triples with a gold date")
    for err in rep.errors[:misses]:
        console.print(f"[yellow]{err['id']}[/] {err['kind']}: gold {err.get('gold', '-')} "
                      f"predicted {err.get('predicted', '-')} {escape(err.get('note', ''))}\n"
                      f"   {escape(str(err.get('sentence') or err.get('evidence') or ''))[:300]}")
    if len(rep.errors) > misses:
        console.print(f"... {len(rep.errors) - misses} more errors (see --json)")


def _prf(c: Counts) -> tuple[str, str, str]:
    return f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}"
