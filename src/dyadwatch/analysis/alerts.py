"""Escalation alerts: the robust z-score over all dyads (`alerts`), and the
watch rules of a sources file (`evaluate`, `evaluate_history`).

A rule names dyads or actors and the changes that matter (conflict share,
a Goldstein drop, counts of given PLOVER types, the first event of a type,
the z-score); `evaluate` checks the latest window of every matching dyad
and returns a `RuleReport`: the window checked, the alerts, and when
nothing fires the dyads that came closest and what they lacked, so that
"no alert" is an answer a user can check rather than silence.

The unit is the canonical event (one happening however many articles
reported it), counted only when factual; evidence independence is counted
in stories (dedup's groups of near-duplicate articles), so one wire story
reprinted by ten outlets is one story. Self-dyads never count, and every
change measured against a baseline needs `min_baseline_events` events
before the window: a dyad nobody wrote about does not "escalate" on its
first handful of events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import error
from ..store.queries import base_events_sql, fetch_records, first_row, frame, parse_date

if TYPE_CHECKING:  # pandas loads with the first frame; `alerts_query` needs neither
    import pandas as pd

#: Scale factors that make MAD and mean absolute deviation estimate a
#: standard deviation for normal data (Iglewicz & Hoaglin's modified z).
MAD_TO_SD = 1.4826
MEANAD_TO_SD = 1.2533
#: How many windows `evaluate_history` walks back at most.
MAX_HISTORY_WINDOWS = 240

#: The z-score over all dyads: {pair} and {base} are filled in per call,
#: the values are bound parameters (see `alerts_query` for their order).
_ALERTS_SQL = """
    WITH ev AS (
        SELECT b.id, b.event_id, b.date, {pair},
               greatest(1.0, -coalesce(b.goldstein, -1.0)) AS weight,
               date_diff('day', b.date, ?::DATE) // ? AS w
        FROM ({base}) b
        WHERE b.quad_class IN (3, 4) AND b.source_country IS NOT NULL
          AND b.target_country IS NOT NULL AND b.source_country <> b.target_country
          AND b.date <= ? AND b.date > ?),
    per AS (SELECT actor_a, actor_b, w, sum(weight) AS x, count(*) AS n FROM ev GROUP BY ALL),
    latest AS (SELECT actor_a, actor_b, x AS intensity, n AS n_events FROM per
               WHERE w = 0 AND n >= ?),
    grid AS (SELECT l.actor_a, l.actor_b, r.w FROM latest l CROSS JOIN range(1, ?) r(w)),
    hist AS (SELECT g.actor_a, g.actor_b, g.w, coalesce(p.x, 0.0) AS x FROM grid g
             LEFT JOIN per p USING (actor_a, actor_b, w)),
    med AS (SELECT actor_a, actor_b, median(x) AS med FROM hist GROUP BY ALL),
    nbase AS (SELECT actor_a, actor_b, sum(n) AS nb FROM per WHERE w >= 1 GROUP BY ALL),
    dev AS (SELECT h.actor_a, h.actor_b, any_value(m.med) AS med,
                   median(abs(h.x - m.med)) AS mad, avg(abs(h.x - m.med)) AS meanad,
                   list(h.x ORDER BY h.w DESC) AS baseline
            FROM hist h JOIN med m USING (actor_a, actor_b) GROUP BY ALL),
    scored AS (
        SELECT l.*, d.baseline, d.med, d.mad,
               CASE WHEN d.mad > 0 THEN greatest({mad} * d.mad, 1.0)
                    ELSE greatest({meanad} * d.meanad, 1.0) END AS scale
        FROM latest l JOIN dev d USING (actor_a, actor_b)),
    drivers AS (
        SELECT actor_a, actor_b,
               list_slice(list(event_id ORDER BY weight DESC, date DESC, id), 1, ?) AS event_ids,
               list_slice(list(id ORDER BY weight DESC, date DESC, id), 1, ?) AS canonical_ids
        FROM ev WHERE w = 0 GROUP BY ALL)
    SELECT actor_a || '-' || actor_b AS dyad, actor_a, actor_b, n_events, intensity, baseline,
           med AS baseline_median, mad AS baseline_mad, scale,
           round((intensity - med) / scale, 3) AS z,
           ?::DATE AS window_start, ?::DATE AS window_end, event_ids, canonical_ids,
           coalesce(nb, 0)::BIGINT AS baseline_events
    FROM scored JOIN drivers USING (actor_a, actor_b) LEFT JOIN nbase USING (actor_a, actor_b)
    WHERE (intensity - med) / scale >= ? AND coalesce(nb, 0) >= ?
    ORDER BY z DESC, intensity DESC, dyad"""


def alerts(con: Any, *, window_days: int = Settings.alert_window_days,
           baseline_windows: int = Settings.alert_baseline_windows,
           threshold: float = Settings.alert_threshold, as_of: Any = None,
           min_events: int = 3, directed: bool = False, unit: str = "canonical",
           include_nonfactual: bool = False, max_evidence: int = 10,
           min_baseline_events: int = 3) -> pd.DataFrame:
    """The alerts of `alerts_query` as a frame (with its columns when none fire)."""
    query = alerts_query(con, window_days=window_days, baseline_windows=baseline_windows,
                         threshold=threshold, as_of=as_of, min_events=min_events,
                         directed=directed, unit=unit, include_nonfactual=include_nonfactual,
                         max_evidence=max_evidence, min_baseline_events=min_baseline_events)
    return _empty_alerts() if query is None else frame(con, *query)


def alerts_query(con: Any, *, window_days: int = Settings.alert_window_days,
                 baseline_windows: int = Settings.alert_baseline_windows,
                 threshold: float = Settings.alert_threshold, as_of: Any = None,
                 min_events: int = 3, directed: bool = False, unit: str = "canonical",
                 include_nonfactual: bool = False, max_evidence: int = 10,
                 min_baseline_events: int = 3) -> tuple[str, list[Any]] | None:
    """Country dyads whose conflict intensity in the latest window is far
    above their own baseline, ranked by robust z-score.

    Intensity of a window = sum over the dyad's conflict events (QuadClass 3
    or 4) of max(1, -Goldstein): each conflict event weighs at least 1, an
    armed attack (-10) ten times a complaint. The latest window is the
    `window_days` days up to `as_of` (default: the last event date, so an
    old corpus is judged at its own end); the baseline is the
    `baseline_windows` windows before it, fully covered by the data.

        z = (latest - median(baseline)) / scale,
        scale = max(1.4826 * MAD, 1)              if MAD > 0
              = max(1.2533 * mean |x - median|, 1) otherwise

    Why a robust z-score and not a change-point method (ruptures): a dyad
    has only a handful of windows (six baseline months), where change-point
    search has nothing to fit and its penalty would be a second threshold to
    tune; the median and MAD ignore one earlier flare-up, the score reads as
    "how many typical deviations above normal", and it needs no extra
    dependency and runs in one SQL query over all dyads. MAD is 0 whenever
    most baseline windows are equal (typically all quiet): then the mean
    absolute deviation is used, and the scale never drops below 1 (one
    minimal conflict event), so a quiet dyad needs at least `threshold`
    units of new conflict to alert and a perfectly flat one scores 0.
    Dyads need `min_events` conflict events in the latest window and
    `min_baseline_events` in their baseline windows together: a dyad nobody
    reported on before does not "escalate" on its first handful of events
    (its empty baseline would make three complaints a z of 3). Self-dyads
    (a country against itself: internal conflict) are not dyads here.

    Columns: dyad, actor_a, actor_b, n_events, intensity, baseline (window
    intensities, oldest first), baseline_median, baseline_mad, scale, z,
    window_start, window_end, event_ids (mentions to show, strongest first),
    canonical_ids (the counted events) and baseline_events. Returns the SQL
    and its parameters, or None when the data cannot cover a window and its
    baseline (no alert can fire).
    """
    _check_alert_options(window_days=window_days, baseline_windows=baseline_windows,
                         min_events=min_events, max_evidence=max_evidence,
                         min_baseline_events=min_baseline_events)
    base = base_events_sql(con, unit, include_nonfactual)
    window = _alert_window(con, base, as_of, window_days, baseline_windows)
    if window is None:
        return None
    start, end, covered = window
    if directed:
        pair = "b.source_country AS actor_a, b.target_country AS actor_b"
    else:
        pair = ("least(b.source_country, b.target_country) AS actor_a, "
                "greatest(b.source_country, b.target_country) AS actor_b")
    sql = _ALERTS_SQL.format(pair=pair, base=base, mad=MAD_TO_SD, meanad=MEANAD_TO_SD)
    params = [end, window_days, end, start, min_events, covered + 1, max_evidence, max_evidence,
              end - dt.timedelta(days=window_days - 1), end, float(threshold),
              min_baseline_events]
    return sql, params


def _check_alert_options(*, min_baseline_events: int, **positive: Any) -> None:
    """Refuse window sizes and counts that would make the query meaningless
    (E503 names the option), before any SQL runs."""
    for name, value in positive.items():
        if not isinstance(value, int) or value < 1:
            raise error("E503", name=name, value=value, minimum=1)
    if not isinstance(min_baseline_events, int) or min_baseline_events < 0:
        raise error("E503", name="min_baseline_events", value=min_baseline_events, minimum=0)


def _alert_window(con: Any, base: str, as_of: Any, window_days: int,
                  baseline_windows: int) -> tuple[dt.date, dt.date, int] | None:
    """(start, end, baseline windows covered) of the latest window and its
    baseline, or None when the data cannot cover one window and one baseline
    window before it."""
    first, last = first_row(con, f"SELECT min(date), max(date) FROM ({base}) b")
    end = parse_date(as_of, name="as_of") or last
    if end is None or first is None:
        return None
    covered = min(baseline_windows, ((end - first).days + 1) // window_days - 1)
    if covered < 1:
        return None
    return end - dt.timedelta(days=(covered + 1) * window_days), end, covered


def closest(con: Any, *, threshold: float, min_events: int, n: int = 3, **opts: Any) -> str:
    """What `alerts` checked when nothing crossed the threshold: the window,
    and the dyads that came closest with their scores, so that "no alert"
    can be checked rather than taken on trust."""
    query = alerts_query(con, threshold=float("-inf"), min_events=1, min_baseline_events=0,
                         **opts)
    near = fetch_records(con, *query) if query is not None else []
    if not near:
        return ("no dyad crosses the threshold: the data do not yet cover a window and its "
                "baseline (or hold no dated conflict events between two countries).")
    first = near[0]
    lines = [f"no dyad crosses the threshold (z >= {threshold:g} with >= {min_events} conflict "
             f"events) in the window {first['window_start']} to {first['window_end']}; closest:"]
    for row in near[:n]:
        lines.append(f"  {row['dyad']}: z {row['z']:g}, {row['n_events']} conflict events, "
                     f"intensity {row['intensity']:g} vs baseline median "
                     f"{row['baseline_median']:g} ({row['baseline_events']} events in the "
                     "baseline)")
    return "\n".join(lines)


def _empty_alerts() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=["dyad", "actor_a", "actor_b", "n_events", "intensity",
                                 "baseline", "baseline_median", "baseline_mad", "scale", "z",
                                 "window_start", "window_end", "event_ids", "canonical_ids",
                                 "baseline_events"])



# -- watch rules -------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One change a rule watches for, as measured: `value` against `threshold`."""

    kind: str  # conflict_share | goldstein_drop | zscore | count | first_of
    detail: str
    value: float
    threshold: float

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "detail": self.detail, "value": round(self.value, 4),
                "threshold": self.threshold}

    @property
    def met(self) -> bool:
        return self.value >= self.threshold


@dataclass(frozen=True)
class Alert:
    """A rule that fired for a dyad in a window, with the events behind it
    (strongest conflict first)."""

    id: str
    rule: str
    dyad: str
    actor_a: str
    actor_b: str
    window_start: dt.date
    window_end: dt.date
    changes: tuple[Change, ...]
    score: float
    n_events: int
    n_stories: int
    event_ids: tuple[str, ...]


@dataclass(frozen=True)
class DyadCheck:
    """How near a dyad came to firing, and what it lacked."""

    dyad: str
    n_events: int
    n_stories: int
    n_baseline: int
    closeness: float  # the largest value/threshold among its changes
    changes: tuple[Change, ...]
    lacking: str | None


@dataclass(frozen=True)
class RuleReport:
    rule: str
    window_start: dt.date | None
    window_end: dt.date | None
    alerts: tuple[Alert, ...]
    closest: tuple[DyadCheck, ...]
    n_dyads: int


def alert_id(rule: str, dyad: str, window_end: dt.date) -> str:
    """Deterministic, so a resumed or repeated evaluation finds the alert it
    stored before instead of adding (and notifying) a second one."""
    return hashlib.sha1(f"{rule}|{dyad}|{window_end.isoformat()}".encode()).hexdigest()[:16]


def evaluate(con: Any, rule: Any, *, as_of: Any = None, n_closest: int = 3) -> RuleReport:
    """Check `rule` (a watchfile.RuleSpec) on the latest window ending at
    `as_of` (default: the date of the newest stored event, so that a
    corpus is judged at its own end and a quiet dyad is judged as quiet)."""
    match, params = _match_sql(rule)
    end = parse_date(as_of, name="as_of")
    if end is None:
        end = first_row(con, "SELECT max(date) FROM factual_events")[0]
    if end is None:
        return RuleReport(rule.name, None, None, (), (), 0)
    wd = rule.window_days
    start = end - dt.timedelta(days=wd - 1)
    rows = _window_rows(con, match, params, end, wd * (rule.baseline_windows + 1))
    prior = _prior_types(con, match, params, start) if rule.first_of else {}
    checks, alerts = [], []
    for (a, b), group in rows.groupby(["a", "b"], sort=True):
        check, alert = _check(rule, a, b, group, prior.get((a, b), set()), start, end)
        checks.append(check)
        if alert is not None:
            alerts.append(alert)
    alerts.sort(key=lambda x: (-x.score, x.dyad))
    closest = () if alerts else tuple(sorted(checks, key=lambda c: (-c.closeness, c.dyad))
                                      [:n_closest])
    return RuleReport(rule.name, start, end, tuple(alerts), closest, len(checks))


def evaluate_history(con: Any, rule: Any) -> list[RuleReport]:
    """The rule checked on consecutive windows over the whole history,
    newest first (at most MAX_HISTORY_WINDOWS)."""
    match, params = _match_sql(rule)
    first = first_row(con, f"SELECT min(e.date) FROM factual_events e WHERE {match}",
                      params)[0]
    last = first_row(con, "SELECT max(date) FROM factual_events")[0]
    reports = []
    end = last
    while end is not None and end >= first and len(reports) < MAX_HISTORY_WINDOWS:
        reports.append(evaluate(con, rule, as_of=end))
        end = end - dt.timedelta(days=rule.window_days)
    return reports


def _match_sql(rule: Any) -> tuple[str, list[Any]]:
    """Which stored events a rule looks at: its dyads (either direction) or
    actors (as source or target), by code prefix; every dyad if it names none."""
    parts, params = [], []
    for d in rule.dyads:
        x, y = d.split("-")
        parts.append("((starts_with(e.source, ?) AND starts_with(e.target, ?)) OR "
                     "(starts_with(e.source, ?) AND starts_with(e.target, ?)))")
        params += [x, y, y, x]
    for actor in rule.actors:
        parts.append("(starts_with(e.source, ?) OR starts_with(e.target, ?))")
        params += [actor, actor]
    return ("(" + " OR ".join(parts) + ")" if parts else "TRUE"), params


_DYAD_EVENTS = """
    SELECT coalesce(e.canonical_id, e.id) AS cid, min(e.date) AS date,
           least(e.source_country, e.target_country) AS a,
           greatest(e.source_country, e.target_country) AS b,
           any_value(e.plover) AS plover, any_value(e.goldstein) AS goldstein,
           any_value(e.quad_class) AS quad_class,
           list(DISTINCT coalesce(ar.story_id, ar.id)) AS stories,
           min(e.id) AS event_id
    FROM factual_events e JOIN articles ar ON ar.id = e.article_id
    WHERE e.source_country IS NOT NULL AND e.target_country IS NOT NULL
      AND e.source_country <> e.target_country AND e.date IS NOT NULL AND {match}
      {dates}
    GROUP BY ALL"""


def _window_rows(con: Any, match: str, params: list[Any], end: dt.date, days: int
                 ) -> pd.DataFrame:
    import pandas as pd

    sql = _DYAD_EVENTS.format(match=match, dates="AND e.date <= ? AND e.date > ?")
    df = frame(con, sql, [*params, end, end - dt.timedelta(days=days)])
    df["w"] = [(end - d).days for d in pd.to_datetime(df["date"]).dt.date] if len(df) else []
    return df


def _prior_types(con: Any, match: str, params: list[Any], start: dt.date
                 ) -> dict[tuple[str, str], set[str]]:
    sql = (f"SELECT a, b, list(DISTINCT plover) FROM ("
           f"{_DYAD_EVENTS.format(match=match, dates='AND e.date < ?')}) GROUP BY a, b")
    return {(a, b): set(types) for a, b, types in con.execute(sql, [*params, start]).fetchall()}


def _check(rule: Any, a: str, b: str, group: pd.DataFrame, prior: set[str], start: dt.date,
           end: dt.date) -> tuple[DyadCheck, Alert | None]:
    """Measure every change the rule names for one dyad; an alert when one
    is met, the window has `min_stories` stories and, for the changes that
    need it, enough events in the window and the baseline."""
    wd = rule.window_days
    win = group[group["w"] < wd]
    base = group[group["w"] >= wd]
    n, n_base = len(win), len(base)
    stories = {s for ss in win["stories"] for s in ss}
    changes = _measure(rule, win, base, prior, wd)
    lacking = None
    if len(stories) < rule.min_stories:
        lacking = f"{len(stories)} of {rule.min_stories} independent stories"
    relative = {"conflict_share", "goldstein_drop", "zscore"}
    if n < rule.min_events:
        changes = tuple(c for c in changes if c.kind not in relative) + tuple(
            Change(c.kind, c.detail + f" (only {n} of {rule.min_events} events)", 0.0,
                   c.threshold) for c in changes if c.kind in relative)
    if n_base < rule.min_baseline_events:
        changes = tuple(c for c in changes if c.kind not in relative) + tuple(
            Change(c.kind, c.detail + f" (baseline has {n_base} of {rule.min_baseline_events} "
                                      "events)", 0.0, c.threshold)
            for c in changes if c.kind in relative)
    met = tuple(c for c in changes if c.met)
    closeness = max((c.value / c.threshold for c in changes), default=0.0)
    dyad = f"{a}-{b}"
    check = DyadCheck(dyad, n, len(stories), n_base, round(closeness, 3), changes,
                      lacking or (None if met else "no change reached its threshold"))
    if not met or lacking:
        return check, None
    order = win.assign(weight=[_weight(q, g) for q, g in zip(win["quad_class"],
                                                              win["goldstein"])])
    order = order.sort_values(["weight", "date", "event_id"], ascending=[False, False, True])
    alert = Alert(alert_id(rule.name, dyad, end), rule.name, dyad, a, b, start, end, met,
                  round(closeness, 3), n, len(stories), tuple(order["event_id"][:10]))
    return check, alert


def _weight(quad: Any, goldstein: Any) -> float:
    if quad in (3, 4):
        return max(1.0, -(goldstein if goldstein is not None and goldstein == goldstein else -1))
    return 0.0


def _measure(rule: Any, win: pd.DataFrame, base: pd.DataFrame, prior: set[str],
             wd: int) -> tuple[Change, ...]:
    out: list[Change] = []
    n = len(win)
    if rule.conflict_share:
        share = float(win["quad_class"].isin([3, 4]).mean()) if n else 0.0
        base_share = float(base["quad_class"].isin([3, 4]).mean()) if len(base) else 0.0
        out.append(Change("conflict_share", f"conflict share {share:.0%} (baseline "
                                            f"{base_share:.0%})", share, rule.conflict_share))
    if rule.goldstein_drop:
        now = float(win["goldstein"].mean()) if n else 0.0
        before = float(base["goldstein"].mean()) if len(base) else 0.0
        drop = before - now if n and len(base) else 0.0
        out.append(Change("goldstein_drop", f"mean Goldstein {before:+.1f} -> {now:+.1f}",
                          drop, rule.goldstein_drop))
    if rule.zscore:
        out.append(_zscore(rule, win, base, wd))
    for t, k in rule.counts.items():
        c = int((win["plover"] == t).sum())
        out.append(Change("count", f"{c} {t} event{'s' if c != 1 else ''} (threshold {k})",
                          float(c), float(k)))
    for t in rule.first_of:
        here = bool((win["plover"] == t).any())
        first = here and t not in prior
        out.append(Change("first_of", f"first {t} event between them" if first else
                          (f"{t} seen before" if here else f"no {t} event"),
                          1.0 if first else 0.0, 1.0))
    return tuple(out)


def _zscore(rule: Any, win: pd.DataFrame, base: pd.DataFrame, wd: int) -> Change:
    """The conflict-intensity z-score of `alerts`, for one dyad."""
    import numpy as np

    def intensity(df: pd.DataFrame) -> float:
        return float(sum(_weight(q, g) for q, g in zip(df["quad_class"], df["goldstein"])))

    latest = intensity(win)
    hist = np.array([intensity(base[(base["w"] // wd) == k])
                     for k in range(1, rule.baseline_windows + 1)])
    med = float(np.median(hist))
    mad = float(np.median(np.abs(hist - med)))
    scale = max(MAD_TO_SD * mad, 1.0) if mad > 0 else \
        max(MEANAD_TO_SD * float(np.mean(np.abs(hist - med))), 1.0)
    z = (latest - med) / scale
    return Change("zscore", f"conflict intensity {latest:g} vs baseline median {med:g} "
                            f"(z {z:.1f})", z, rule.zscore)


def evidence(con: Any, event_ids: list[str] | tuple[str, ...], limit: int = 3) -> pd.DataFrame:
    """The sentences behind an alert, in the order given, with outlet, link
    and date of the article each came from; a sentence that holds two of
    the events (A->B and B->A) is shown once."""
    import pandas as pd

    ids = list(event_ids)
    if not ids:
        return pd.DataFrame(columns=["event_id", "plover", "source", "target", "date",
                                     "sentence", "article_id", "title", "outlet", "url"])
    df = frame(con, """
        SELECT e.id AS event_id, e.plover, e.source, e.target, e.date, e.sentence,
               e.article_id, a.title, a.outlet, a.url
        FROM events e LEFT JOIN articles a ON a.id = e.article_id
        WHERE list_contains(?, e.id)
        ORDER BY list_position(?, e.id)""", [ids, ids])
    return df.drop_duplicates(["article_id", "sentence"]).head(limit).reset_index(drop=True)
