"""Evaluation metrics on a tiny hand-made gold/prediction pair with known figures."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dyadwatch.errors import InputError
from dyadwatch.analysis.evaluate import EVENT_FIELDS, NONE, event_record, evaluate, read_gold, render, score
from dyadwatch.types import Actor, Event


def ev(src, tgt, plover, **extra):
    return {"source": src, "target": tgt, "source_country": src, "target_country": tgt,
            "plover": plover, **extra}


GOLD = [
    {"id": "r1", "text": "one", "events": [ev("USA", "CHN", "REQUEST"), ev("USA", "PRK", "REQUEST")]},
    {"id": "r2", "text": "two", "events": [ev("RUS", "UKR", "ASSAULT")]},
    {"id": "r3", "text": "three", "events": []},
    {"id": "r4", "text": "four", "events": [ev("PRK", "KOR", "ASSAULT")]},
    {"id": "r5", "text": "five", "events": [ev("JPN", "KOR", "CONSULT"), ev("KOR", "JPN", "CONSULT")]},
]
PRED = [
    {"id": "r1", "events": [ev("USA", "CHN", "REQUEST", confidence=0.9),
                            ev("USA", "CHN", "ACCUSE", confidence=0.3)]},
    # negated and future events never count
    {"id": "r2", "events": [ev("RUS", "UKR", "ASSAULT", negated=True),
                            ev("RUS", None, "ASSAULT", modality="future")]},
    {"id": "r3", "events": [ev("ISR", "IRN", "THREATEN", confidence=0.4)]},
    {"id": "r4", "events": [ev("PRK", "KOR", "MOBILIZE", confidence=0.8)]},
    {"id": "r5", "events": [ev("JPN", "KOR", "CONSULT", confidence=0.9),
                            ev("KOR", "JPN", "CONSULT", confidence=0.9)]},
]


def test_triples_types_macro_and_confusion():
    rep = score(GOLD, PRED)
    m = rep.triples.micro
    assert (m.tp, m.fp, m.fn) == (3, 3, 3)
    assert m.precision == pytest.approx(0.5) and m.recall == pytest.approx(0.5)
    assert m.f1 == pytest.approx(0.5)
    req = rep.triples.label("REQUEST")
    assert (req.tp, req.fp, req.fn) == (1, 0, 1) and req.f1 == pytest.approx(2 / 3)
    assert rep.triples.label("CONSULT").f1 == pytest.approx(1.0)
    # six labels seen (REQUEST, ACCUSE, ASSAULT, THREATEN, MOBILIZE, CONSULT)
    assert rep.triples.macro_f1 == pytest.approx((2 / 3 + 1.0) / 6)
    t = rep.types.micro
    assert (t.tp, t.fp, t.fn) == (2, 3, 2)
    assert t.f1 == pytest.approx(2 * 0.4 * 0.5 / 0.9)
    assert rep.types.macro_f1 == pytest.approx(2 / 6)
    # over the gold's labels only (REQUEST, ASSAULT, CONSULT): predicted-only labels drop out
    assert rep.types.macro_f1_gold == pytest.approx(2 / 3)
    assert rep.confusion == {("REQUEST", "REQUEST"): 1, (NONE, "ACCUSE"): 1, ("ASSAULT", NONE): 1,
                             (NONE, "THREATEN"): 1, ("ASSAULT", "MOBILIZE"): 1,
                             ("CONSULT", "CONSULT"): 1}
    assert [miss["id"] for miss in rep.misses] == ["r1", "r2", "r3", "r4"]
    assert rep.misses[0]["missed"] == [["USA", "PRK", "REQUEST"]]
    assert rep.n_gold == 6 and rep.n_pred == 6  # the negated and future events are not counted


def test_min_confidence_trades_recall_for_precision():
    rep = score(GOLD, PRED, min_confidence=0.5)
    m = rep.triples.micro
    assert (m.tp, m.fp, m.fn) == (3, 1, 3)
    assert m.precision == pytest.approx(0.75)


def test_cameo_roots_and_dropped_appeals():
    gold = [{"id": "a", "events": [ev("GBR", "RUS", "ACCUSE", cameo="112"),
                                   ev("CHN", "PRK", None, cameo="020")]}]
    pred = [{"id": "a", "events": [ev("GBR", "RUS", "ACCUSE", cameo="111"),
                                   ev("CHN", "PRK", "REQUEST", cameo="020")]}]
    rep = score(gold, pred)
    # the appeal has no PLOVER type in this gold set, so it is left out on both sides
    assert (rep.triples.micro.tp, rep.triples.micro.fp, rep.triples.micro.fn) == (1, 0, 0)
    assert rep.cameo_root_accuracy == (1, 2)
    assert rep.cameo_root_triples.micro.tp == 1 and rep.cameo_root_triples.micro.fn == 1


def test_pentaclass():
    gold = [{"id": "p", "events": [{"pentaclass": 1}, {"pentaclass": 3}]}]
    pred = [{"id": "p", "events": [ev("A", "B", "CONSULT", cameo="042"), ev("A", "B", "ASSAULT", cameo="190")]}]
    rep = score(gold, pred)
    per = rep.pentaclass.per_label
    assert (per["1"].tp, per["3"].fn, per["4"].fp) == (1, 1, 1)
    assert rep.pentaclass.macro_f1 == pytest.approx(1 / 3)


def test_evaluate_reads_gold_file_and_reports_json(tmp_path, capsys):
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in GOLD) + "\n", encoding="utf-8")
    rep = evaluate(path, PRED)
    assert rep.name == f"{tmp_path.name}/dev"
    data = rep.to_json()
    assert data["triples"]["micro"]["f1"] == 0.5
    assert {"gold": "ASSAULT", "predicted": "MOBILIZE", "n": 1} in data["confusion"]
    json.dumps(data)  # serialisable
    render(rep, misses=1)
    out = capsys.readouterr().out
    assert "REQUEST" in out and "r1" in out


def test_bad_gold_line_names_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "events": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_gold(path)
    assert "bad.jsonl:2" in str(info.value)


def test_event_record_fields():
    e = Event(id="e1", article_id="a", sentence_index=0, sentence="Seoul hosted talks.",
              trigger="hosted", trigger_start=6, trigger_end=12, plover="CONSULT", cameo="043",
              goldstein=2.8, quad_class=1, source=Actor("KORGOV", "KOR", "GOV"), target=None,
              date=dt.date(2024, 3, 6), date_source="article", confidence=0.81234,
              pattern="consult.host")
    rec = event_record(e)
    assert tuple(rec) == EVENT_FIELDS
    assert rec["source"] == "KORGOV" and rec["source_country"] == "KOR"
    assert rec["target"] is None and rec["date"] == "2024-03-06" and rec["confidence"] == 0.8123


def test_eval_command_with_a_confidence_floor(tmp_path):
    """`dyadwatch eval --min-confidence` drops low-confidence events before scoring."""
    import subprocess
    import sys

    records = [
        {"id": "a", "text": "Chile condemned Peru on Monday.", "date": "2024-03-04",
         "events": [{"source": "CHL", "target": "PER", "plover": "ACCUSE",
                     "source_country": "CHL", "target_country": "PER"}]},
        {"id": "b", "text": "Ministers condemned the decision.", "date": "2024-03-04", "events": []},
    ]
    gold = tmp_path / "dev.jsonl"
    gold.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    out = {}
    for floor in ("0", "0.6"):
        path = tmp_path / f"r{floor}.json"
        subprocess.run([sys.executable, "-m", "dyadwatch.cli", "eval", str(gold), "--json", str(path),
                        "--min-confidence", floor], check=True, capture_output=True)
        out[floor] = json.loads(path.read_text())["sets"][0]["triples"]["micro"]
    assert out["0"]["tp"] == 1 and out["0"]["fp"] == 1  # "Ministers" (---GOV) is a weak actor
    assert out["0.6"]["tp"] == 1 and out["0.6"]["fp"] == 0


# -- whole-article gold (voa_real kind) ----------------------------------------
def _art_event(src, tgt, plover, date=None, sentence="s."):
    return {"source_country": src, "target_country": tgt, "plover": plover, "date": date,
            "sentence": sentence, "negated": False, "modality": "asserted", "confidence": 0.9}


def test_article_scoring_distinct_triples_wildcards_and_kinds():
    from dyadwatch.analysis.articles_eval import is_article_set, score_articles

    gold = [{"id": "a1", "text": "t", "not_counted": [], "events": [
        {"source_country": "FRA", "target_country": None, "plover": "CONSULT", "evidence": "met"},
        {"source_country": "FRA", "target_country": None, "plover": "CONSULT", "evidence": "met again"},
        {"source_country": ["DEU", "AUT"], "target_country": "ITA", "plover": ["REJECT", "ACCUSE"],
         "evidence": "denied", "date": "2026-01-02"},
        {"source_country": "ESP", "target_country": "PRT", "plover": "AID", "evidence": "sent aid"},
        {"source_country": "NLD", "target_country": "BEL", "plover": "SANCTION", "evidence": "banned"},
        {"source_country": "POL", "target_country": "CZE", "plover": "PROTEST", "evidence": "marched"},
    ]}]
    pred = {"id": "a1", "events": [
        _art_event("FRA", "ITA", "CONSULT"), _art_event("FRA", "GRC", "CONSULT"),  # one wildcard, two guesses
        _art_event("AUT", "ITA", "ACCUSE", date="2026-01-03"),
        _art_event("GBR", "PRT", "AID"),          # wrong source
        _art_event("NLD", "BEL", "COERCE"),       # wrong type
        _art_event("USA", "CHN", "THREATEN"),
        {**_art_event("POL", "CZE", "PROTEST"), "modality": "future"},  # not counted: missed
    ]}
    assert is_article_set(gold)
    rep = score_articles(gold, [pred])
    m = rep.triples.micro
    assert (m.tp, m.fp, m.fn) == (2, 4, 3)
    assert rep.kinds["wrong_source"] == 1 and rep.kinds["wrong_type"] == 1
    assert rep.kinds["missed"] == 1 and rep.kinds["spurious"] == 2
    assert rep.kinds["wrong_date"] == 1 and rep.dates.fn == 1
    assert {e["kind"] for e in rep.errors} >= {"wrong_source", "wrong_type", "missed", "spurious", "wrong_date"}
    # document types: gold {CONSULT, ACCUSE (the predicted alternative), AID, SANCTION, PROTEST}
    assert rep.doc_types.label("ACCUSE").tp == 1 and rep.doc_types.label("REJECT").fn == 0
    assert rep.doc_types.label("PROTEST").fn == 1 and rep.doc_types.label("THREATEN").fp == 1
    assert rep.to_json()["error_kinds"]["wrong_date"] == 1


def test_sentence_gold_is_not_an_article_set():
    from dyadwatch.analysis.articles_eval import is_article_set

    assert not is_article_set([{"id": "1", "text": "t", "events": [
        {"source_country": "FRA", "target_country": "DEU", "plover": "CONSULT"}]}])


def test_accuracy_table_script_reproduces_the_report(tmp_path):
    """scripts/accuracy_table.py renders a report's figures (the README's table)."""
    import subprocess
    import sys
    from pathlib import Path

    from dyadwatch.analysis.articles_eval import score_articles

    gold = [{"id": "a1", "text": "t", "not_counted": [], "events": [
        {"source_country": "FRA", "target_country": "ITA", "plover": "CONSULT", "evidence": "met"},
        {"source_country": "ESP", "target_country": "PRT", "plover": "AID", "evidence": "sent aid"}]}]
    pred = {"id": "a1", "events": [_art_event("FRA", "ITA", "CONSULT"),
                                   _art_event("USA", "CHN", "THREATEN")]}
    report = tmp_path / "r.json"
    report.write_text(json.dumps({"sets": [{"name": "t", "kind": "articles", "n_records": 1,
                                            **score_articles(gold, [pred]).to_json()}]}))
    script = Path(__file__).parents[1] / "scripts" / "accuracy_table.py"
    out = subprocess.run([sys.executable, str(script), str(report), "--before", str(report)],
                         check=True, capture_output=True, text=True).stdout
    rows = {line.split(" | ")[0].strip("| "): line for line in out.splitlines() if line.startswith("| ")}
    assert rows["CONSULT"].startswith("| CONSULT | 1 | 1.00 | 1.00 | 1.00 (1.00) |")
    assert rows["AID"].split(" | ")[-2] == "1"          # missed
    assert rows["THREATEN"].split(" | ")[-3] == "1"     # spurious
    assert "**0.500 (0.500)**" in rows["**all**"]       # P 1/2, R 1/2
    assert "CHN" not in out and "counted precision 0.500" in out


@pytest.mark.parametrize("content", ["", "{}", '{"sets": []}', '{"sets": [{"name": "x"}]}', "not json"])
def test_accuracy_table_script_refuses_what_is_not_a_report(tmp_path, content):
    import subprocess
    import sys
    from pathlib import Path

    bad = tmp_path / "bad.json"
    bad.write_text(content)
    script = Path(__file__).parents[1] / "scripts" / "accuracy_table.py"
    done = subprocess.run([sys.executable, str(script), str(bad)], capture_output=True, text=True)
    assert done.returncode == 1 and done.stdout == ""
    assert f"{bad}: not an article-level report" in done.stderr and "Traceback" not in done.stderr
