"""PLOVER event types and QuadClass names: the event vocabulary every layer
names (stages, queries, filters, the CLI, the dashboard).

Kept apart from types.py, which re-exports them, so that what reads the
database (filters, queries, the read commands) gets the names without
building the stages' record classes at each start.
"""

from __future__ import annotations

#: PLOVER event types (2023 manual names), in the manual's order.
PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION",
    "MOBILIZE", "COERCE", "ASSAULT",
)

#: QuadClass as in ICEWS/GDELT: 1 verbal cooperation, 2 material cooperation,
#: 3 verbal conflict, 4 material conflict.
QUAD_NAMES: dict[int, str] = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}
