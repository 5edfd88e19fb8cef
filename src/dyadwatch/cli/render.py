"""Rich renderings of one document for the terminal: an event with its
evidence (`show`), a dyad's cited summary (`summary`) and the database
overview (`stats`). Kept apart from the commands so that each read command
module stays about parsing, one API call and printing."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text


def render_event(ev: dict[str, Any]) -> Group:
    """The event as rich text: facts, highlighted sentence, article, quotes."""
    e, s, art = ev["event"], ev["sentence"], ev["article"]
    sentence = Text(s["text"])
    for key, style in (("source", "green"), ("target", "red"), ("trigger", "bold")):
        if s[key]:
            sentence.stylize(style, *s[key])
    sentence.rstrip()
    head = Text.assemble(
        (f"{e['id']}  ", "dim"), (e["plover"], "bold"),
        f"  CAMEO {e['cameo'] or '-'}  QuadClass {e['quad_class'] or '-'}  "
        f"Goldstein {e['goldstein'] if e['goldstein'] is not None else '-'}  "
        f"date {e['date'] or 'unknown'} ({e['date_source']})")
    who = Text.assemble(("source ", "dim"), (f"{e['source'] or '?'}", "green"),
                        f" {e['source_name'] or ''}  ", ("target ", "dim"),
                        (f"{e['target'] or '?'}", "red"), f" {e['target_name'] or ''}")
    parts: list[Any] = [head, who]
    if e["negated"] or e["modality"] != "asserted":
        parts.append(Text(f"not factual: {'negated ' if e['negated'] else ''}"
                          f"{e['modality']}", style="yellow"))
    if e.get("geo_name"):
        parts.append(Text(f"where: {e['geo_name']} ({e['geo_country'] or '?'}, "
                          f"{e['geo_precision']})"))
    parts += [Text(""), sentence, Text("")]
    parts.append(Text.assemble(("article ", "dim"), f"{art['title'] or '(untitled)'} — "
                               f"{art['outlet'] or '?'}, {art['date'] or 'undated'}  ",
                               (art["url"] or "", "underline"), (f"  [{art['id']}]", "dim")))
    for q in ev["quotes"]:
        parts.append(Text.assemble(("quote ", "dim"), f"“{q['text']}” — "
                                   f"{q['speaker_text'] or q['speaker'] or 'unknown speaker'}"))
    canonical = ev["canonical"]
    if canonical:
        parts.append(Text(f"canonical event {canonical['id']}: {canonical['n_mentions']} "
                          f"mentions in {canonical['n_stories']} stories", style="dim"))
    for m in ev["other_mentions"]:
        parts.append(Text(f"  also {m['event_id']}: {m['outlet'] or '?'}, {m['date']}: "
                          f"{m['sentence']}"))
    return Group(*parts)


def render_summary(result: dict[str, Any]) -> Group:
    """Numbered verbatim sentences, each followed by its citation."""
    period = " ".join(x for x in (
        f"from {result['since']}" if result["since"] else "",
        f"to {result['until']}" if result["until"] else "") if x) or "all dates"
    parts: list[Any] = [Text(f"{result['dyad']} ({period}): {result['n_events']} events; "
                             f"{len(result['sentences'])} evidence sentences", style="bold")]
    if not result["sentences"]:
        parts.append(Text("no events for this dyad in this period."))
    for i, s in enumerate(result["sentences"], 1):
        c = s["citation"]
        parts.append(Text.assemble(f"[{i}] ", s["text"]))
        parts.append(Text(f"    {c['title'] or '(untitled)'} — {c['outlet'] or '?'}, "
                          f"{c['date'] or 'undated'} [{c['article_id']}]"
                          f"{'  ' + c['url'] if c['url'] else ''}", style="dim"))
    return Group(*parts)


def render_overview(ov: dict[str, Any], title: str = "database") -> Table:
    """The overview as one rich table (also what `ingest` can print)."""
    table = Table(title=title, show_header=False)
    table.add_column("what", style="dim")
    table.add_column("value")
    for key in ("articles", "stories", "sentences", "events", "factual_events",
                "canonical_events", "quotes", "errors"):
        table.add_row(key.replace("_", " "), str(ov[key]))
    table.add_row("dates", f"{ov['first_date'] or '-'} to {ov['last_date'] or '-'}")
    table.add_row("events by type", ", ".join(f"{k} {v}" for k, v in
                                              ov["events_by_type"].items()) or "-")
    table.add_row("top dyads", ", ".join(f"{d['source']}->{d['target']} {d['n']}"
                                         for d in ov["top_dyads"]) or "-")
    if "coders" in ov:  # `stats` adds it; ingest's summary does not
        table.add_row("articles by coder", ", ".join(
            f"{c['fingerprint'] or 'unstamped'} {c['articles']}" for c in ov["coders"]) or "-")
    return table
