"""The text of a notification: what changed for which dyad, the evidence
sentences with outlet and link, and a link to the dashboard's alert page.

Every sentence is quoted verbatim from a stored article (nothing is
generated), so a reader can check the alert at its source before acting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

#: Longest evidence sentence quoted in a message (characters).
MAX_SENTENCE = 320


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    alert_ids: tuple[str, ...]


def _count(n: int, one: str, many: str | None = None) -> str:
    """'1 event', '2 events': the message is read by people, not parsed."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def alert_message(alert: dict, evidence: pd.DataFrame, dashboard_url: str | None) -> Message:
    """One alert as a message. `alert` is a stored alerts row (a dict)."""
    changes = "; ".join(c["detail"] for c in alert["changes"])
    title = f"dyadwatch: {alert['dyad']} — {changes}"[:250]
    lines = [f"Rule '{alert['rule']}' fired for {alert['dyad']} (either direction) in the "
             f"window {alert['window_start']} to {alert['window_end']}.",
             f"What changed: {changes}.",
             f"Evidence: {_count(alert['n_events'], 'event')} from "
             f"{_count(alert['n_stories'], 'independent story', 'independent stories')}. "
             "Top sentences:"]
    lines += _evidence_lines(evidence)
    if dashboard_url:
        lines.append(f"Details: {dashboard_url.rstrip('/')}/alerts/{alert['id']}")
    lines.append(f"(alert id {alert['id']})")
    return Message(title, "\n".join(lines), (alert["id"],))


def digest_message(items: Sequence[tuple[dict, pd.DataFrame]], dashboard_url: str | None
                   ) -> Message:
    """Several alerts of one cycle in one message (a rule's digest mode)."""
    dyads = ", ".join(dict.fromkeys(a["dyad"] for a, _ in items))
    title = f"dyadwatch: {len(items)} alert{'s' if len(items) != 1 else ''} ({dyads})"[:250]
    parts = []
    for alert, ev in items:
        changes = "; ".join(c["detail"] for c in alert["changes"])
        part = [f"* {alert['dyad']} ({alert['rule']}, {alert['window_start']} to "
                f"{alert['window_end']}): {changes}"]
        part += ["  " + line for line in _evidence_lines(ev.head(1))]
        if dashboard_url:
            part.append(f"  Details: {dashboard_url.rstrip('/')}/alerts/{alert['id']}")
        parts.append("\n".join(part))
    return Message(title, "\n\n".join(parts), tuple(a["id"] for a, _ in items))


def _evidence_lines(evidence: pd.DataFrame) -> list[str]:
    out = []
    for row in evidence.itertuples(index=False):
        sentence = " ".join(str(row.sentence).split())
        if len(sentence) > MAX_SENTENCE:
            sentence = sentence[:MAX_SENTENCE - 1] + "…"
        where = ", ".join(str(x) for x in (row.outlet, row.date) if _present(x))
        link = f" {row.url}" if _present(row.url) else ""
        out.append(f"- \"{sentence}\" ({where or 'unknown outlet'}){link}")
    return out


def _present(x: object) -> bool:
    return x is not None and not (isinstance(x, float) and x != x) and x is not pd.NaT
