"""Print the README's per-type accuracy table from a `dyadwatch eval --json`
report, so that the Accuracy section is regenerated from a run, not typed.

    dyadwatch eval ../shared/data/voa_real/dev.jsonl --json voa.json
    python scripts/accuracy_table.py voa.json [--before old.json]

Columns: gold triples, triple P/R/F1, document-type F1 and the errors by kind
(wrong source, wrong target, wrong type, spurious, missed, wrong date) per
type; with `--before`, the triple and document-type F1 of that earlier report
in brackets. Types with neither gold nor predicted triples are left out.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

KINDS = ("wrong_source", "wrong_target", "wrong_type", "spurious", "missed", "wrong_date")


def _set(path: Path) -> dict[str, Any]:
    """The first (article-level) set of a report; a file that is not one
    stops the script with a message naming it."""
    try:
        report = json.loads(path.read_text(encoding="utf-8"))["sets"][0]
        missing = {"triples", "doc_types", "error_kinds", "error_kinds_by_type"} - set(report)
        if missing:
            raise KeyError(", ".join(sorted(missing)))
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise SystemExit(f"{path}: not an article-level report of `dyadwatch eval --json` "
                         f"({type(exc).__name__}: {exc}); run `dyadwatch eval "
                         "../shared/data/voa_real/dev.jsonl --json FILE` first") from None
    return report


def _f1(report: dict[str, Any] | None, part: str, label: str) -> float | None:
    if report is None:
        return None
    row = report[part]["per_label"].get(label)
    return None if row is None else row["f1"]


def _cell(now: float, before: float | None, digits: int = 2) -> str:
    return f"{now:.{digits}f}" if before is None else f"{now:.{digits}f} ({before:.{digits}f})"


def rows(report: dict[str, Any], before: dict[str, Any] | None = None) -> list[str]:
    """Markdown lines: header, one row per type, the overall row."""
    kinds: dict[tuple[str, str], int] = {(k["type"], k["kind"]): k["n"]
                                         for k in report["error_kinds_by_type"]}
    head = ("| type | gold | triple P | triple R | triple F1 | doc F1 | wrong source | "
            "wrong target | wrong type | spurious | missed | wrong date |")
    out = [head, "|" + "---|" * 12]
    for label, t in report["triples"]["per_label"].items():
        if not t["support"] and not t["tp"] + t["fp"]:
            continue
        doc = report["doc_types"]["per_label"][label]["f1"]
        counts = [str(kinds.get((label, k), "")) for k in KINDS]
        out.append(f"| {label} | {t['support']} | {t['precision']:.2f} | {t['recall']:.2f} | "
                   f"{_cell(t['f1'], _f1(before, 'triples', label))} | "
                   f"{_cell(doc, _f1(before, 'doc_types', label))} | " + " | ".join(counts) + " |")
    micro = report["triples"]["micro"]
    kinds_all = [str(report["error_kinds"].get(k, 0)) for k in KINDS]
    old = before["triples"]["micro"]["f1"] if before else None
    old_doc = before["doc_types"]["macro_f1"] if before else None
    out.append(f"| **all** | {micro['support']} | {micro['precision']:.3f} | "
               f"{micro['recall']:.3f} | **{_cell(micro['f1'], old, 3)}** | macro "
               f"**{_cell(report['doc_types']['macro_f1'], old_doc, 3)}** | "
               + " | ".join(kinds_all) + " |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--before", type=Path, default=None)
    args = parser.parse_args()
    report = _set(args.report)
    before = _set(args.before) if args.before else None
    print("\n".join(rows(report, before)))
    dates = report.get("dates") or {}
    print(f"\ncounted precision {report['counted_precision']:.3f}; dates right on "
          f"{dates.get('right', 0)} of {dates.get('right', 0) + dates.get('wrong', 0)} matched "
          "acts with a gold date")


if __name__ == "__main__":
    main()
