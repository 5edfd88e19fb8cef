"""Scoring coded events against the gold sets in ../shared/data.

What is scored, and why this way:

- Triples (source country, target country, PLOVER type): the unit users count
  in dyad series. Matched as multisets *per record*, so two correct events in
  one sentence count twice and an event from another sentence never matches.
- Types alone: per record, the set of PLOVER types; this separates "the right
  kind of event" from "the right actors".
- Only events that count as having happened are scored: negated events and
  events whose modality is not "asserted" are left out (they stay in the
  coded output, auditable).
- Macro-F1 averages the per-type F1 over the types that occur in the gold or
  in the predictions (sklearn's convention), so a type the coder never
  predicts counts as 0 rather than vanishing; a type only predicted (a false
  alarm in a split that has none of it) counts as 0 too. `macro_f1_gold`
  averages over the gold's types only, as papers that report per-class F1 on
  their own label set do; both are in the JSON.
- Gold sets whose PLOVER label was derived from CAMEO (petr2_*) drop CAMEO
  roots 01/02 (the conversion table has no PLOVER type for them), so
  predicted events with those roots are dropped from the PLOVER figures too;
  these sets are also scored on CAMEO roots.
- conflibert_cameo has only 5 coarse classes per sentence (see its README):
  predicted CAMEO roots map to them (01-02 -> 0, 03-05 -> 1, 06-08 -> 2,
  09-13 and 16 -> 3, 14-15 and 17-20 -> 4) and are scored per record as sets.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, error
from ..store.schema import TABLE
from ..types import PLOVER_TYPES, Failure

NONE = "NONE"  # the "no event" row/column of the confusion table
#: Three-letter column heads for the confusion table (fits an 80-column terminal).
ABBREV = {"AGREE": "AGR", "CONSULT": "CNS", "SUPPORT": "SUP", "CONCEDE": "CND", "COOPERATE": "COO",
          "AID": "AID", "RETREAT": "RET", "REQUEST": "REQ", "ACCUSE": "ACC", "REJECT": "REJ",
          "THREATEN": "THR", "PROTEST": "PRO", "SANCTION": "SAN", "MOBILIZE": "MOB",
          "COERCE": "CRC", "ASSAULT": "ASL", NONE: "-"}

#: ConfliBERT "PentaClass" of a CAMEO root (see conflibert_cameo/README.md).
PENTACLASS = {**{f"{r:02d}": 0 for r in (1, 2)}, **{f"{r:02d}": 1 for r in (3, 4, 5)},
              **{f"{r:02d}": 2 for r in (6, 7, 8)}, **{f"{r:02d}": 3 for r in (9, 10, 11, 12, 13, 16)},
              **{f"{r:02d}": 4 for r in (14, 15, 17, 18, 19, 20)}}
PENTACLASS_NAMES = {0: "statement/appeal", 1: "verbal cooperation", 2: "material cooperation",
                    3: "verbal conflict", 4: "material conflict"}

#: The fields of one coded event in `code_records` output (the stable machine interface).
#: Named as the stored event columns they carry (store/schema.py).
EVENT_FIELDS = TABLE["events"].pick(
    "id", "source", "target", "source_country", "target_country", "plover", "cameo", "date",
    "trigger", "sentence", "goldstein", "quad_class", "confidence", "negated", "modality",
    "pattern", "source_text", "target_text", "geo_name", "geo_country", "lat", "lon",
    "geo_precision")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_json(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "support": self.tp + self.fn}


@dataclass
class Scores:
    """Counts per label plus the micro total; macro-F1 over the labels seen."""

    per_label: dict[str, Counts] = field(default_factory=dict)

    def label(self, name: str) -> Counts:
        return self.per_label.setdefault(name, Counts())

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.per_label.values():
            total.add(c)
        return total

    @property
    def macro_f1(self) -> float:
        """Mean F1 over the labels in the gold or the predictions (sklearn's default)."""
        seen = [c for c in self.per_label.values() if c.tp + c.fp + c.fn]
        return sum(c.f1 for c in seen) / len(seen) if seen else 0.0

    @property
    def macro_f1_gold(self) -> float:
        """Mean F1 over the labels the gold contains (a label only ever predicted
        does not count): the convention of papers that average over gold classes."""
        seen = [c for c in self.per_label.values() if c.tp + c.fn]
        return sum(c.f1 for c in seen) / len(seen) if seen else 0.0

    def to_json(self) -> dict:
        return {"micro": self.micro.to_json(), "macro_f1": round(self.macro_f1, 4),
                "macro_f1_gold_labels": round(self.macro_f1_gold, 4),
                "per_label": {k: v.to_json() for k, v in sorted(self.per_label.items())}}


@dataclass
class Report:
    """The evaluation of one gold set."""

    name: str
    n_records: int = 0
    n_gold: int = 0
    n_pred: int = 0
    triples: Scores = field(default_factory=Scores)
    types: Scores = field(default_factory=Scores)
    confusion: Counter = field(default_factory=Counter)  # (gold type, predicted type) -> n
    misses: list[dict] = field(default_factory=list)
    cameo_root_triples: Scores | None = None
    cameo_root_accuracy: tuple[int, int] | None = None  # (correct, gold events aligned)
    pentaclass: Scores | None = None

    def to_json(self) -> dict:
        out = {"name": self.name, "n_records": self.n_records, "n_gold_events": self.n_gold,
               "n_predicted_events": self.n_pred, "triples": self.triples.to_json(),
               "types": self.types.to_json(),
               "confusion": [{"gold": g, "predicted": p, "n": n}
                             for (g, p), n in sorted(self.confusion.items())],
               "misses": self.misses}
        if self.cameo_root_triples is not None:
            out["cameo_root_triples"] = self.cameo_root_triples.to_json()
        if self.cameo_root_accuracy is not None:
            ok, n = self.cameo_root_accuracy
            out["cameo_root_accuracy"] = {"correct": ok, "n": n,
                                          "accuracy": round(ok / n, 4) if n else 0.0}
        if self.pentaclass is not None:
            out["pentaclass"] = self.pentaclass.to_json()
        return out


@dataclass
class Reports:
    """Several gold sets evaluated in one run (the CLI's `eval A.jsonl B.jsonl`)."""

    reports: list  # Report, or articles_eval.ArticleReport for whole-article gold

    def to_json(self) -> dict:
        return {"sets": [r.to_json() for r in self.reports]}


# -- reading -----------------------------------------------------------------
def read_gold(path: str | Path) -> list[dict]:
    """Gold records of a JSON Lines file; a malformed line is an InputError naming it."""
    path = Path(path)
    if not path.is_file():
        raise error("E125", path=path)
    records = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise error("E126", reason=exc.msg, path=path, line=n) from exc
            if not isinstance(rec, dict) or "id" not in rec or not isinstance(rec.get("events"), list):
                raise error("E127", path=path, line=n)
            records.append(rec)
    return records


def set_name(path: str | Path) -> str:
    """"plover_gsr/dev" for ../shared/data/plover_gsr/dev.jsonl."""
    p = Path(path)
    return f"{p.parent.name}/{p.stem}"


# -- coding ------------------------------------------------------------------
def code_records(records: Iterable[dict], pipeline, *,
                 on_skip: Callable[[int, str], None] | None = None) -> Iterator[dict]:
    """Code {"id", "text", "date"} records; yield each record with "events".

    Runs `pipeline.code_articles`, the driver `ingest` runs: every stage of
    the pipeline, in batches of `settings.batch_size`, each text cut at
    `settings.max_chars`, so that `eval` and `code` score and print what
    `ingest` stores. Records are read as they are needed (a generator is
    consumed lazily) and each text is cleaned once. Each event is a dict with
    the fields in `EVENT_FIELDS`; negated and non-asserted events are
    included, flagged. A record that cannot be read or coded is passed to
    `on_skip(n, why)` (n: its 1-based position) and left out; without
    `on_skip` its error is raised.
    """
    return code_numbered(enumerate(records, 1), pipeline, on_skip=on_skip)


def code_numbered(numbered: Iterable[tuple[int, dict]], pipeline, *,
                  on_skip: Callable[[int, str], None] | None = None) -> Iterator[dict]:
    """`code_records` for records that carry their own number (a line of a file)."""
    pending: deque[tuple[int, dict]] = deque()  # records handed to the pipeline, not yet out

    def articles() -> Iterator:
        for n, rec in numbered:
            try:
                article = _article(rec)
            except InputError as exc:
                if on_skip is None:
                    raise
                on_skip(n, exc.reason + (f" {exc.hint}" if exc.hint else ""))
                continue
            pending.append((n, rec))
            yield article

    for result in pipeline.code_articles(articles()):
        n, rec = pending.popleft()  # one result per article, in input order
        if isinstance(result, Failure):
            if on_skip is None:
                from ..coding.pipeline import failure_error

                raise failure_error(result)
            on_skip(n, result.reason)
            continue
        out = {k: v for k, v in rec.items() if k != "events"}
        out["events"] = [event_record(e) for e in result.events]
        yield out


def _article(rec: dict):
    """The Article of a record, cleaned as `ingest` cleans (InputError when
    its text or date cannot be read)."""
    from ..coding.dates import parse_iso
    from ..sources.articles import article_from_text, json_type

    if not isinstance(rec, dict):
        raise error("E156", found=json_type(rec))
    if rec.get("text") is None:
        raise error("E157")
    if not isinstance(rec["text"], str):
        raise error("E158", name="text", found=json_type(rec["text"]))
    doc_id = str(rec.get("id")) if rec.get("id") is not None else None
    return article_from_text(rec["text"], date=parse_iso(rec.get("date")), doc_id=doc_id)


def event_record(e) -> dict:
    """The machine-interface dict of one Event (field names in EVENT_FIELDS)."""
    loc = e.location
    return {
        "id": e.id,
        "source": e.source.code if e.source else None,
        "target": e.target.code if e.target else None,
        "source_country": e.source.country if e.source else None,
        "target_country": e.target.country if e.target else None,
        "plover": e.plover, "cameo": e.cameo,
        "date": e.date.isoformat() if e.date else None,
        "trigger": e.trigger, "sentence": e.sentence,
        "goldstein": e.goldstein, "quad_class": e.quad_class,
        "confidence": round(e.confidence, 4), "negated": e.negated, "modality": e.modality,
        "pattern": e.pattern, "source_text": e.source_text, "target_text": e.target_text,
        "geo_name": loc.name if loc else None, "geo_country": loc.country if loc else None,
        "lat": loc.lat if loc else None, "lon": loc.lon if loc else None,
        "geo_precision": loc.precision if loc else None,
    }


# -- scoring -----------------------------------------------------------------
def counted(events: Iterable[dict]) -> list[dict]:
    """Events that count as having happened: not negated, asserted."""
    return [e for e in events if not e.get("negated") and e.get("modality", "asserted") == "asserted"]


def evaluate(gold_path: str | Path, coded_records: Iterable[dict], *, name: str | None = None,
             min_confidence: float = 0.0) -> Report:
    """Score coded records (the output of `code_records`) against a gold file."""
    gold = read_gold(gold_path)
    return score(gold, coded_records, name=name or set_name(gold_path), min_confidence=min_confidence)


def score(gold: Sequence[dict], coded_records: Iterable[dict], *, name: str = "gold",
          min_confidence: float = 0.0) -> Report:
    """Score coded records against gold records (matched by "id")."""
    pred_by_id = {str(r["id"]): r for r in coded_records}
    report = Report(name=name)
    cameo_gold = any(e.get("cameo") for r in gold for e in r["events"])
    penta_gold = any("pentaclass" in e for r in gold for e in r["events"])
    if cameo_gold:
        report.cameo_root_triples = Scores()
        report.cameo_root_accuracy = (0, 0)
    if penta_gold:
        report.pentaclass = Scores()
    for rec in gold:
        report.n_records += 1
        coded = pred_by_id.get(str(rec["id"]), {"events": []})
        pred = [e for e in counted(coded.get("events", []))
                if (e.get("confidence") or 0.0) >= min_confidence]
        _score_record(report, rec, pred, cameo_gold)
    return report


def _score_record(report: Report, rec: dict, pred: list[dict], cameo_gold: bool) -> None:
    gold_events = rec["events"]
    if report.pentaclass is not None:
        g_classes = {str(e["pentaclass"]) for e in gold_events if e.get("pentaclass") is not None}
        p_classes = {str(PENTACLASS[e["cameo"][:2]]) for e in pred if (e.get("cameo") or "")[:2] in PENTACLASS}
        _score_sets(report.pentaclass, g_classes, p_classes)
        report.n_gold += len(gold_events)
        report.n_pred += len(pred)
        if g_classes != p_classes:
            report.misses.append({"id": rec["id"], "text": rec.get("text"),
                                  "missed": sorted(g_classes - p_classes),
                                  "spurious": sorted(p_classes - g_classes),
                                  "predicted": [_brief(e) for e in pred]})
        return
    if cameo_gold:
        pred = [e for e in pred if not (e.get("cameo") or "").startswith(("01", "02"))]
        roots_g = Counter(_triple(e, (e.get("cameo") or "")[:2]) for e in gold_events if e.get("cameo"))
        roots_p = Counter(_triple(e, (e.get("cameo") or "")[:2]) for e in pred if e.get("cameo"))
        _score_multiset(report.cameo_root_triples, roots_g, roots_p)
        ok, n = report.cameo_root_accuracy
        g_roots = Counter((e.get("cameo") or "")[:2] for e in gold_events if e.get("cameo"))
        p_roots = Counter((e.get("cameo") or "")[:2] for e in pred if e.get("cameo"))
        report.cameo_root_accuracy = (ok + sum((g_roots & p_roots).values()), n + sum(g_roots.values()))
    gold_events = [e for e in gold_events if e.get("plover")]
    report.n_gold += len(gold_events)
    report.n_pred += len(pred)
    g = Counter(_triple(e, e["plover"]) for e in gold_events)
    p = Counter(_triple(e, e["plover"]) for e in pred)
    missed, spurious = _score_multiset(report.triples, g, p)
    g_types = {e["plover"] for e in gold_events}
    p_types = {e["plover"] for e in pred}
    _score_sets(report.types, g_types, p_types)
    _confuse(report.confusion, g_types, p_types, gold_events, pred)
    if missed or spurious:
        report.misses.append({
            "id": rec["id"], "text": rec.get("text"),
            "missed": [list(t) for t in missed], "spurious": [list(t) for t in spurious],
            "predicted": [_brief(e) for e in pred],
        })


def _brief(e: dict) -> dict:
    return {k: e.get(k) for k in ("source", "target", "plover", "cameo", "trigger", "pattern", "confidence")}


def _triple(e: dict, label: str) -> tuple[str | None, str | None, str]:
    return (e.get("source_country"), e.get("target_country"), label)


def _score_multiset(scores: Scores, gold: Counter, pred: Counter) -> tuple[list, list]:
    hit = gold & pred
    missed = list((gold - hit).elements())
    spurious = list((pred - hit).elements())
    for t, n in hit.items():
        scores.label(t[2]).tp += n
    for t in missed:
        scores.label(t[2]).fn += 1
    for t in spurious:
        scores.label(t[2]).fp += 1
    return missed, spurious


def _score_sets(scores: Scores, gold: set[str], pred: set[str]) -> None:
    for t in gold & pred:
        scores.label(t).tp += 1
    for t in gold - pred:
        scores.label(t).fn += 1
    for t in pred - gold:
        scores.label(t).fp += 1


def _confuse(table: Counter, g_types: set[str], p_types: set[str], gold: list[dict],
             pred: list[dict]) -> None:
    """Type confusion per record: shared types on the diagonal; the rest is
    aligned greedily, first by the same (source, target) countries, then in
    order; what is left is paired with NONE."""
    for t in g_types & p_types:
        table[(t, t)] += 1
    g_left = [e for e in gold if e["plover"] not in p_types]
    p_left = [e for e in pred if e["plover"] not in g_types]
    g_seen, p_seen = set(), set()
    g_rest, p_rest = [], []
    for e in g_left:
        if e["plover"] not in g_seen:
            g_seen.add(e["plover"])
            g_rest.append(e)
    for e in p_left:
        if e["plover"] not in p_seen:
            p_seen.add(e["plover"])
            p_rest.append(e)
    for ge in list(g_rest):
        match = next((pe for pe in p_rest if _triple(pe, "")[:2] == _triple(ge, "")[:2]), None)
        if match is not None:
            table[(ge["plover"], match["plover"])] += 1
            g_rest.remove(ge)
            p_rest.remove(match)
    for ge, pe in zip(g_rest, p_rest):
        table[(ge["plover"], pe["plover"])] += 1
    for ge in g_rest[len(p_rest):]:
        table[(ge["plover"], NONE)] += 1
    for pe in p_rest[len(g_rest):]:
        table[(NONE, pe["plover"])] += 1


# -- files and rendering -------------------------------------------------------
def evaluate_files(gold_paths: Sequence[str | Path], settings=None, *, pipeline=None,
                   min_confidence: float = 0.0,
                   progress: Callable[[int, int], None] | None = None) -> Reports:
    """Code every gold file's records with the pipeline and score them (only
    events with at least `min_confidence` count: the precision/recall dial).
    `progress(done, total)` is called after each record."""
    if pipeline is None:
        from ..config import Settings
        from ..coding.pipeline import Pipeline

        pipeline = Pipeline(settings or Settings())
    from .articles_eval import is_article_set, score_articles

    golds = [(path, read_gold(path)) for path in gold_paths]
    total, done = sum(len(gold) for _, gold in golds), 0
    reports = []
    for path, gold in golds:
        coded = []
        for rec in code_records(gold, pipeline):
            coded.append(rec)
            done += 1
            if progress:
                progress(done, total)
        scorer = score_articles if is_article_set(gold) else score
        reports.append(scorer(gold, coded, name=set_name(path), min_confidence=min_confidence))
    return Reports(reports)


def render(report: Report | Reports, console=None, *, misses: int = 10) -> None:
    """Print the figures as rich tables (per type, confusion, first misses)."""
    from rich.console import Console
    from rich.table import Table

    from .articles_eval import ArticleReport, render_articles

    console = console or Console()
    for rep in (report.reports if isinstance(report, Reports) else [report]):
        if isinstance(rep, ArticleReport):
            render_articles(rep, console, misses=misses)
            continue
        console.rule(f"[bold]{rep.name}[/]: {rep.n_records} records, {rep.n_gold} gold events, "
                     f"{rep.n_pred} predicted (counted) events")
        if rep.pentaclass is not None:
            _scores_table(console, Table, rep.pentaclass, "PentaClass (per record)",
                          names={str(k): f"{k} {v}" for k, v in PENTACLASS_NAMES.items()})
            for miss in rep.misses[:misses]:
                console.print(f"[yellow]{miss['id']}[/] {miss['text']}\n"
                              f"   missed classes {miss['missed']}  spurious {miss['spurious']}")
            continue
        table = Table(title="PLOVER triples (source country, target country, type) and types")
        for col in ("type", "support", "triple P", "triple R", "triple F1", "type P", "type R", "type F1"):
            table.add_column(col, justify="right" if col != "type" else "left")
        labels = [t for t in PLOVER_TYPES if t in rep.triples.per_label or t in rep.types.per_label]
        for t in labels:
            tr, ty = rep.triples.label(t), rep.types.label(t)
            table.add_row(t, str(tr.tp + tr.fn), *_prf(tr), *_prf(ty))
        tr, ty = rep.triples.micro, rep.types.micro
        table.add_row("[bold]micro[/]", str(tr.tp + tr.fn), *_prf(tr), *_prf(ty))
        table.add_row("[bold]macro F1[/]", "", "", "", f"{rep.triples.macro_f1:.3f}", "", "",
                      f"{rep.types.macro_f1:.3f}")
        table.add_row("macro F1, gold types", "", "", "", f"{rep.triples.macro_f1_gold:.3f}", "", "",
                      f"{rep.types.macro_f1_gold:.3f}")
        console.print(table)
        if rep.cameo_root_accuracy is not None:
            ok, n = rep.cameo_root_accuracy
            rt = rep.cameo_root_triples.micro
            console.print(f"CAMEO roots: {ok}/{n} gold events with the right root "
                          f"({ok / n if n else 0:.3f}); root triples P {rt.precision:.3f} "
                          f"R {rt.recall:.3f} F1 {rt.f1:.3f}")
        _confusion_table(console, Table, rep)
        for miss in rep.misses[:misses]:
            console.print(f"[yellow]{miss['id']}[/] {miss['text']}\n"
                          f"   missed {_fmt(miss['missed'])}  spurious {_fmt(miss['spurious'])}")
        if len(rep.misses) > misses:
            console.print(f"... {len(rep.misses) - misses} more records with misses (see --json)")


def _prf(c: Counts) -> tuple[str, str, str]:
    return f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}"


def _fmt(triples: list) -> str:
    return ", ".join(f"{s or '-'}>{t or '-'}:{k}" for s, t, k in triples) or "-"


def _scores_table(console, Table, scores: Scores, title: str, names: dict[str, str]) -> None:
    table = Table(title=title)
    for col in ("class", "support", "P", "R", "F1"):
        table.add_column(col)
    for k in sorted(scores.per_label):
        c = scores.per_label[k]
        table.add_row(names.get(k, k), str(c.tp + c.fn), *_prf(c))
    m = scores.micro
    table.add_row("[bold]micro[/]", str(m.tp + m.fn), *_prf(m))
    table.add_row("[bold]macro F1[/]", "", "", "", f"{scores.macro_f1:.3f}")
    console.print(table)


def _confusion_table(console, Table, rep: Report) -> None:
    labels = [t for t in (*PLOVER_TYPES, NONE)
              if any(t in key for key in rep.confusion)]
    if not labels:
        return
    table = Table(title="type confusion (rows gold, columns predicted, - = none)", padding=(0, 0))
    table.add_column("gold")
    for t in labels:
        table.add_column(ABBREV[t], justify="right")
    for g in labels:
        table.add_row(ABBREV[g], *[str(rep.confusion.get((g, p), "")) for p in labels])
    console.print(table)
    console.print("  " + ", ".join(f"{ABBREV[t]}={t}" for t in labels if t != NONE))
