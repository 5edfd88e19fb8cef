"""Dyad series and alerts over a million synthetic events, against a plain
`SELECT count(*)` over the same table.

Builds a DuckDB file with the dyadwatch schema and N synthetic events (30
countries with a skewed share of the news, three sectors, ten years of
dates, every PLOVER type with its QuadClass and a Goldstein score, 2% of
mentions negated, 3% of canonical events future, about 0.7 canonical
events per mention),
generated inside DuckDB from `range()` with hash-based values (the same
file every run). Then it times, as the median of `--repeat` warm runs:

  count(*)          SELECT count(*) FROM events (the reference)
  scan              SELECT count(*), avg(goldstein) FROM events WHERE plover = 'ASSAULT'
                    (a query that reads columns: a fairer reference)
  factual IN / anti / flag  the factual canonical events counted with `id IN
                    (SELECT canonical_id FROM factual_events)`, with the anti-join
                    of the non-factual mentions (how files written by versions
                    before the stored flag are read) and with the stored flag
                    `canonical_events.factual` (queries.base_events_sql)
  dyad_series       analysis.dyad_series(con, "CHN", "PRK"), monthly, both units
  actor_series      analysis.actor_series(con, "CHN"), weekly
  alerts            analysis.alerts(con): every dyad, 30-day window, 6 baseline windows

and prints each time with its ratio to count(*) and to the scan. No
assertions: timings depend on the machine (2 shared cores here).

    .venv/bin/python bench/analysis.py                  # 1,000,000 events
    .venv/bin/python bench/analysis.py --events 200000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dyadwatch.analysis import dyads as analysis
from dyadwatch.store.queries import base_events_sql
from dyadwatch.store.schema import NONFACTUAL_MEMBERS
from dyadwatch.store.db import Store

COUNTRIES = ("CHN", "PRK", "KOR", "USA", "JPN", "RUS", "UKR", "IND", "PAK", "IRN", "ISR",
             "PSE", "SYR", "TUR", "DEU", "FRA", "GBR", "TWN", "VNM", "PHL", "AFG", "IRQ",
             "SAU", "YEM", "EGY", "ETH", "SDN", "NGA", "BRA", "MEX")
#: PLOVER type, QuadClass, Goldstein (roughly CAMEO root scores).
TYPES = (("AGREE", 1, 4.0), ("CONSULT", 1, 1.0), ("SUPPORT", 1, 3.4), ("CONCEDE", 2, 5.0),
         ("COOPERATE", 2, 6.0), ("AID", 2, 7.4), ("RETREAT", 2, 5.0), ("REQUEST", 1, 3.0),
         ("ACCUSE", 3, -2.0), ("REJECT", 3, -4.0), ("THREATEN", 3, -7.0),
         ("PROTEST", 3, -6.5), ("SANCTION", 4, -4.5), ("MOBILIZE", 4, -7.2),
         ("COERCE", 4, -7.0), ("ASSAULT", 4, -10.0))


#: 3% of canonical events are "future"; their mentions share the modality.
_MODALITY = "CASE WHEN hash(k * 19) % 33 = 0 THEN 'future' ELSE 'asserted' END"


def build(path: Path, n_events: int) -> None:
    """Fill a fresh file with synthetic canonical events and their mentions."""
    n_canonical = n_events * 7 // 10
    countries = "[" + ", ".join(f"'{c}'" for c in COUNTRIES) + "]"
    types = ", ".join(f"('{t}', {q}, {g}, {i})" for i, (t, q, g) in enumerate(TYPES))
    with Store.open(path) as store:
        con = store.con
        con.execute(f"CREATE TEMP TABLE types (plover VARCHAR, quad TINYINT, gold DOUBLE, ti INT);"
                    f"INSERT INTO types VALUES {types}")
        # country index skewed towards the first countries (square of a uniform)
        pick = "1 + floor({n} * pow((hash({x}) % 10007) / 10007.0, 2))::INT"
        con.execute(f"""
            CREATE TEMP TABLE c AS
            SELECT k, {countries}[{pick.format(n=len(COUNTRIES), x='k * 2 + 1')}] AS sc,
                   {countries}[{pick.format(n=len(COUNTRIES), x='k * 2 + 2')}] AS tc,
                   ['', 'GOV', 'MIL'][(1 + hash(k * 5) % 3)::INT] AS ss,
                   ['', 'GOV', 'MIL'][(1 + hash(k * 7) % 3)::INT] AS ts,
                   (hash(k * 11) % 16)::INT AS ti,
                   DATE '2015-01-01' + (hash(k * 13) % 3652)::INT AS d
            FROM range({n_canonical}) r(k)""")
        con.execute(f"""
            INSERT INTO canonical_events (id, source, source_country, target, target_country,
                plover, modality, goldstein, quad_class, date, n_mentions, n_stories,
                n_articles, first_event_id, factual)
            SELECT 'c' || k, sc || ss, sc, tc || ts, tc, t.plover, {_MODALITY}, t.gold, t.quad,
                   d, 1, 1, 1,
                   'e' || ceil(k * {n_events - n_events // 50} / {n_canonical})::BIGINT,
                   {_MODALITY} = 'asserted'
            FROM c JOIN types t USING (ti)""")
        # Mentions of canonical k share its modality (3% of canonical events
        # are "future"), as dedup guarantees; negated mentions (2%) belong to
        # no canonical event, as dedup leaves them out.
        n_neg = n_events // 50
        con.execute(f"""
            INSERT INTO events (id, article_id, sentence_idx, sentence, trigger, trigger_start,
                trigger_end, plover, goldstein, quad_class, source, source_country,
                source_sector, target, target_country, target_sector, date, negated, modality,
                canonical_id)
            SELECT 'e' || i, 'a' || (i // 5), 0, 'Synthetic sentence ' || i || '.', 'acted',
                   0, 5, t.plover, t.gold, t.quad, sc || ss, sc, nullif(ss, ''), tc || ts, tc,
                   nullif(ts, ''), d, i >= {n_events - n_neg},
                   {_MODALITY},
                   CASE WHEN i < {n_events - n_neg} THEN 'c' || k END
            FROM (SELECT i, (i % {n_events - n_neg}) * {n_canonical} // {n_events - n_neg} AS k
                  FROM range({n_events}) r(i)) e
            JOIN c USING (k) JOIN types t USING (ti)""")
        con.execute("CHECKPOINT")


def timed(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: the first run reads the file into DuckDB's buffer
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--db", type=Path, help="DuckDB file to build (default: a temp file)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.duckdb"
        if path.exists():
            path.unlink()
        t0 = time.perf_counter()
        build(path, args.events)
        print(f"built {args.events:,} events in {time.perf_counter() - t0:.1f} s ({path})")
        with Store.open(path, read_only=True) as store:
            con = store.cursor()
            n, n_can = con.execute("SELECT (SELECT count(*) FROM events), "
                                   "(SELECT count(*) FROM canonical_events)").fetchall()[0]
            print(f"events {n:,}, canonical events {n_can:,}")
            cases: list[tuple[str, Callable[[], object]]] = [
                ("count(*)", lambda: con.execute("SELECT count(*) FROM events").fetchall()),
                ("scan", lambda: con.execute(
                    "SELECT count(*), avg(goldstein) FROM events "
                    "WHERE plover = 'ASSAULT'").fetchall()),
                ("factual IN", lambda: con.execute(
                    "SELECT count(*) FROM canonical_events WHERE id IN "
                    "(SELECT canonical_id FROM factual_events)").fetchall()),
                ("factual anti", lambda: con.execute(
                    f"SELECT count(*) FROM canonical_events c ANTI JOIN ({NONFACTUAL_MEMBERS}) "
                    "nf ON nf.canonical_id = c.id").fetchall()),
                ("factual flag", lambda: con.execute(
                    f"SELECT count(*) FROM ({base_events_sql(con)}) b").fetchall()),
                ("dyad_series canonical", lambda: analysis.dyad_series(con, "CHN", "PRK")),
                ("dyad_series mentions", lambda: analysis.dyad_series(con, "CHN", "PRK",
                                                                      unit="mentions")),
                ("actor_series weekly", lambda: analysis.actor_series(con, "CHN", freq="week")),
                ("alerts canonical", lambda: analysis.alerts(con)),
                ("alerts mentions", lambda: analysis.alerts(con, unit="mentions")),
            ]
            results = {name: timed(fn, args.repeat) for name, fn in cases}
            rows = analysis.dyad_series(con, "CHN", "PRK")
            found = analysis.alerts(con)
    base, scan = results["count(*)"], results["scan"]
    print(f"\n{'query':24} {'median s':>9} {'x count(*)':>11} {'x scan':>8}")
    for name, secs in results.items():
        print(f"{name:24} {secs:9.4f} {secs / base:11.1f} {secs / scan:8.1f}")
    print(f"\nCHN-PRK series: {len(rows)} months, {int(rows['n_events'].sum()):,} events; "
          f"alerts: {len(found)} dyads")


if __name__ == "__main__":
    sys.exit(main())
