"""Analysis on a DuckDB file with known events: exact series counts, alerts
that must (and must not) fire, timelines, extractive summaries, the
network, the overview and export."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from dyadwatch.analysis import dyads as analysis
from dyadwatch.errors import QueryError
from dyadwatch.store.db import Store
from test_queries import Ev, build_db

END = dt.date(2024, 6, 30)


def at(days_before_end: int) -> str:
    return (END - dt.timedelta(days=days_before_end)).isoformat()


def _specs() -> list[Ev]:
    s: list[Ev] = []
    # CHN-PRK: one complaint per baseline window, then five armed clashes.
    for w in range(1, 7):
        s.append(Ev(f"cp-acc{w}", at(w * 30 + 10), "CHNGOV", "PRKGOV", "ACCUSE", 3, -2.0,
                    f"China accused North Korea of provocation number {w}.", "accused"))
    s += [
        Ev("cp-a0", at(0), "CHNMIL", "PRKMIL", "ASSAULT", 4, -10.0,
           "Chinese artillery struck a North Korean outpost near the Yalu river on Sunday.",
           "struck"),
        Ev("cp-a0b", at(0), "CHNMIL", "PRKMIL", "ASSAULT", 4, -10.0,
           "Artillery from China hit a North Korean position by the Yalu, officials said.",
           "hit", outlet="Harbour Times"),
        Ev("cp-a5", at(5), "CHNMIL", "PRKMIL", "ASSAULT", 4, -10.0,
           "Chinese artillery struck a North Korean outpost near the Yalu river on Tuesday.",
           "struck"),
        Ev("cp-a10", at(10), "CHNMIL", "PRKMIL", "ASSAULT", 4, -10.0,
           "Chinese troops fired on North Korean soldiers across the frozen border.", "fired"),
        Ev("pc-a2", at(2), "PRKMIL", "CHNMIL", "ASSAULT", 4, -10.0,
           "North Korean guns answered with fire on a Chinese border town, calling it "
           "\"a just response\".", "answered", quote=("a just response", "PRKMIL")),
        Ev("pc-a12", at(12), "PRKMIL", "CHNMIL", "ASSAULT", 4, -10.0,
           "North Korean units raided a Chinese customs post at dawn.", "raided"),
        Ev("cp-neg", at(7), "CHNMIL", "PRKMIL", "ASSAULT", 4, -10.0,
           "China denied that its troops attacked North Korean soldiers.", "attacked",
           negated=True),
        Ev("cp-aid", at(40), "CHNGOV", "PRKGOV", "AID", 2, 7.4,
           "China sent food aid to North Korea.", "sent"),
    ]
    # USA-RUS: exactly the same conflict every window (flat).
    for w in range(7):
        for k in (1, 8, 15):
            s.append(Ev(f"ur{w}-{k}", at(w * 30 + k), "USAGOV", "RUSGOV", "ACCUSE", 3, -2.0,
                        f"Washington accused Moscow of meddling, case {w}-{k}.", "accused"))
    # KOR-JPN: threats 1,2,1,3,1,2 per baseline window (newest first), 4 in the latest.
    for w, n in enumerate((4, 1, 2, 1, 3, 1, 2)):
        for k in range(n):
            src, tgt = ("KORGOV", "JPNGOV") if k % 2 == 0 else ("JPNGOV", "KORGOV")
            s.append(Ev(f"kj{w}-{k}", at(w * 30 + 3 + 6 * k), src, tgt, "THREATEN", 3, -3.0,
                        f"Officials warned the other side of consequences, note {w}-{k}.",
                        "warned"))
    # RUS-UKR: baseline 2,2,2,2,2 then one 8 (oldest): MAD is 0, mean deviation is not.
    for w in range(1, 6):
        s.append(Ev(f"ru-acc{w}", at(w * 30 + 10), "RUSGOV", "UKRGOV", "ACCUSE", 3, -2.0,
                    f"Moscow accused Kyiv of sabotage, claim {w}.", "accused"))
    s.append(Ev("ru-hit6", at(6 * 30 + 10), "RUSMIL", "UKRMIL", "ASSAULT", 4, -8.0,
                "Russian drones hit a Ukrainian depot.", "hit"))
    for k in (1, 8, 15):
        s.append(Ev(f"ru-now{k}", at(k), "RUSGOV", "UKRGOV", "ACCUSE", 3, -2.0,
                    f"Moscow accused Kyiv of sabotage again, claim now-{k}.", "accused"))
    # An old event so that six full baseline windows are covered by the data.
    s.append(Ev("old", at(215), "JPNGOV", "KORGOV", "CONSULT", 1, 1.0,
                "Tokyo consulted Seoul on fisheries.", "consulted"))
    # IND-PAK in 2023, for the series.
    s += [
        Ev("ip1", "2023-01-05", "INDGOV", "PAKGOV", "ACCUSE", 3, -2.0,
           "India accused Pakistan of shelling.", "accused"),
        Ev("ip2", "2023-01-20", "PAKGOV", "INDGOV", "ACCUSE", 3, -2.0,
           "Pakistan accused India of spying.", "accused"),
        Ev("ip3", "2023-03-10", "INDGOV", "PAKGOV", "CONSULT", 1, 1.0,
           "Indian and Pakistani envoys met in Dubai.", "met"),
        Ev("ip3b", "2023-03-11", "INDGOV", "PAKGOV", "CONSULT", 1, 1.0,
           "Envoys of India and Pakistan held quiet talks in Dubai.", "held"),
        Ev("ip4", "2023-03-25", "PAKMIL", "INDMIL", "ASSAULT", 4, -10.0,
           "Pakistani troops fired across the Line of Control.", "fired"),
    ]
    return s


SPECS = _specs()


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    path = tmp_path_factory.mktemp("analysis") / "a.duckdb"
    build_db(path, SPECS)
    with Store.open(path, read_only=True) as store:
        yield store.cursor()


# -- series --------------------------------------------------------------------

def test_monthly_series_counts_with_zero_gap(con):
    df = analysis.dyad_series(con, "IND", "PAK")
    assert list(df["period"]) == [dt.date(2023, 1, 1), dt.date(2023, 2, 1), dt.date(2023, 3, 1)]
    assert list(df["n_events"]) == [2, 0, 2]  # the two reports of the Dubai talks count once
    assert list(df["ACCUSE"]) == [2, 0, 0]
    assert list(df["CONSULT"]) == [0, 0, 1] and list(df["ASSAULT"]) == [0, 0, 1]
    assert list(df["verbal_conflict"]) == [2, 0, 0]
    assert list(df["material_conflict"]) == [0, 0, 1]
    assert list(df["verbal_cooperation"]) == [0, 0, 1]
    assert list(df["goldstein_sum"]) == [-4.0, 0.0, -9.0]
    assert df["goldstein_mean"][0] == -2.0 and math.isnan(df["goldstein_mean"][1])
    assert df["goldstein_mean"][2] == -4.5
    assert df["conflict_share"][0] == 1.0 and df["conflict_share"][2] == 0.5


def test_series_since_until_pad_with_zero_rows(con):
    df = analysis.dyad_series(con, "IND", "PAK", since="2022-12-15", until="2023-04")
    assert [str(p) for p in df["period"]] == ["2022-12-01", "2023-01-01", "2023-02-01",
                                              "2023-03-01", "2023-04-01"]
    assert list(df["n_events"]) == [0, 2, 0, 2, 0]


def test_directed_and_mentions(con):
    df = analysis.dyad_series(con, "IND", "PAK", directed=True)
    assert list(df["n_events"]) == [1, 0, 1] and list(df["goldstein_sum"]) == [-2.0, 0.0, 1.0]
    df = analysis.dyad_series(con, "PAK", "IND", directed=True)
    assert list(df["n_events"]) == [1, 0, 1]
    df = analysis.dyad_series(con, "IND", "PAK", unit="mentions")
    assert list(df["n_events"]) == [2, 0, 3] and list(df["CONSULT"]) == [0, 0, 2]


def test_weekly_and_daily_series(con):
    df = analysis.dyad_series(con, "IND", "PAK", freq="week")
    assert len(df) == 12 and df["period"].iloc[0] == dt.date(2023, 1, 2)  # Monday
    assert df["n_events"].sum() == 4
    df = analysis.dyad_series(con, "INDGOV", "PAKGOV", freq="day", since="2023-03-09",
                              until="2023-03-12")
    assert list(df["n_events"]) == [0, 1, 0, 0]


def test_sector_codes_and_actor_series(con):
    assert analysis.dyad_series(con, "PAKMIL", "IND")["n_events"].sum() == 1
    df = analysis.actor_series(con, "PAK", since="2023-01", until="2023-03")
    assert list(df["n_events"]) == [2, 0, 2]
    df = analysis.actor_series(con, "PAK", directed=True, since="2023-01", until="2023-03")
    assert list(df["n_events"]) == [1, 0, 1]


def test_negated_events_count_only_on_request(con):
    since, until = at(7), at(7)
    assert analysis.dyad_series(con, "CHN", "PRK", freq="day", since=since,
                                until=until)["n_events"].tolist() == [0]
    assert analysis.dyad_series(con, "CHN", "PRK", freq="day", since=since, until=until,
                                include_nonfactual=True)["n_events"].tolist() == [1]


def test_open_series_span_check_reads_the_series_own_dates(tmp_path):
    """An open-ended series is checked against its own first and last dates,
    not the whole file's: the file's span (here from 1978) only lets the
    check skip reading them when even it is short enough."""
    path = tmp_path / "span.duckdb"
    build_db(path, [
        Ev("old", "1978-05-02", "INDGOV", "PAKGOV", "CONSULT", 1, 1.0,
           "Indian envoys called on their Pakistani hosts in the spring.", "called"),
        Ev("n1", "2024-01-10", "CHNGOV", "PRKGOV", "ACCUSE", 3, -2.0,
           "Beijing blamed Pyongyang for the stalled border survey.", "blamed"),
        Ev("n2", "2024-03-05", "PRKGOV", "CHNGOV", "REJECT", 3, -4.0,
           "Pyongyang dismissed the complaint from Beijing as baseless.", "dismissed"),
    ])
    with Store.open(path, read_only=True) as store:
        con = store.cursor()
        daily = analysis.dyad_series(con, "CHN", "PRK", freq="day")  # file: > 10,000 days
        assert (daily["period"].iloc[0], daily["period"].iloc[-1], len(daily)) == (
            dt.date(2024, 1, 10), dt.date(2024, 3, 5), 56)
        monthly = analysis.dyad_series(con, "CHN", "PRK", until="2024-04-30")
        assert [str(p) for p in monthly["period"]] == ["2024-01-01", "2024-02-01",
                                                       "2024-03-01", "2024-04-01"]
        with pytest.raises(QueryError, match="1978-05-02 to 2024-03-05"):
            analysis.dyad_series(con, "IND", "PAK", freq="day", until="2024-03-05")
        assert len(analysis.dyad_series(con, "IND", "PAK", freq="day", since="2000")) == 1


def test_empty_series_and_bad_arguments(con):
    assert len(analysis.dyad_series(con, "FRA", "DEU")) == 0
    assert list(analysis.dyad_series(con, "FRA", "DEU", since="2024-01",
                                     until="2024-02")["n_events"]) == [0, 0]
    with pytest.raises(QueryError):
        analysis.dyad_series(con, "CHN", "PRK", freq="year")
    with pytest.raises(QueryError, match="not a date"):
        analysis.dyad_series(con, "CHN", "PRK", since="last spring")
    with pytest.raises(QueryError):
        analysis.dyad_series(con, "CHN'; --", "PRK")
    with pytest.raises(QueryError):
        analysis.dyad_series(con, "CHN", "PRK", unit="articles")


# -- alerts --------------------------------------------------------------------

def test_a_jump_alerts_and_a_flat_dyad_does_not(con):
    df = analysis.alerts(con)
    assert list(df["dyad"]) == ["CHN-PRK", "JPN-KOR", "RUS-UKR"]
    cp = df.iloc[0]
    assert (cp["n_events"], cp["intensity"], cp["baseline_median"], cp["scale"], cp["z"]) == (
        5, 50.0, 2.0, 1.0, 48.0)
    assert cp["baseline"] == [2.0] * 6
    assert cp["event_ids"] == ["cp-a0", "pc-a2", "cp-a5", "cp-a10", "pc-a12"]
    assert (cp["window_start"], cp["window_end"]) == (dt.date(2024, 6, 1), END)


def test_alert_scores_with_mad_and_with_mean_deviation(con):
    df = analysis.alerts(con).set_index("dyad")
    kj = df.loc["JPN-KOR"]  # baseline 6,3,9,3,6,3 (oldest first): median 4.5, MAD 1.5
    assert kj["baseline"] == [6.0, 3.0, 9.0, 3.0, 6.0, 3.0]
    assert (kj["intensity"], kj["baseline_median"], kj["baseline_mad"]) == (12.0, 4.5, 1.5)
    assert kj["z"] == round(7.5 / (1.4826 * 1.5), 3)
    ru = df.loc["RUS-UKR"]  # baseline 8,2,2,2,2,2: MAD 0, mean deviation 1
    assert (ru["baseline_mad"], ru["scale"]) == (0.0, 1.2533)
    assert ru["z"] == round(4 / 1.2533, 3)


def test_flat_dyad_scores_zero(con):
    df = analysis.alerts(con, threshold=-math.inf).set_index("dyad")
    assert df.loc["RUS-USA", "z"] == 0.0 and df.loc["RUS-USA", "baseline"] == [6.0] * 6
    assert "IND-PAK" not in df.index  # nothing in the latest window


def test_alert_options(con):
    assert analysis.alerts(con, unit="mentions").iloc[0]["z"] == 58.0
    directed = analysis.alerts(con, directed=True)
    assert list(directed["dyad"]) == ["CHN-PRK", "RUS-UKR"]  # the others split 2+2 < 3 events
    assert directed.iloc[0]["intensity"] == 30.0
    assert len(analysis.alerts(con, as_of=at(30))) == 0
    assert list(analysis.alerts(con, threshold=10)["dyad"]) == ["CHN-PRK"]
    assert list(analysis.alerts(con, min_events=5)["dyad"]) == ["CHN-PRK"]
    with pytest.raises(QueryError):
        analysis.alerts(con, window_days=0)


def test_alerts_need_a_covered_baseline(con):
    # 10-day windows ending in 2023: the data only starts on 2023-01-05
    assert len(analysis.alerts(con, as_of="2023-01-10", window_days=10)) == 0


# -- timeline and summary ----------------------------------------------------------

def test_timeline_in_date_order_with_evidence_and_quotes(con):
    df = analysis.timeline(con, "CHN", "PRK", since=at(29))
    assert list(df["event_id"]) == ["pc-a12", "cp-a10", "cp-a5", "pc-a2", "cp-a0"]
    last = df.iloc[-1]
    assert (last["n_mentions"], last["n_stories"]) == (2, 2)
    assert last["sentence"] == SPECS[6].sentence and last["outlet"] == "Peninsula Wire"
    assert df.iloc[3]["quote"] == "a just response"
    assert list(analysis.timeline(con, "PRK", "CHN", directed=True, since=at(29))[
        "event_id"]) == ["pc-a12", "pc-a2"]
    assert len(analysis.timeline(con, "CHN", "PRK", since=at(29), unit="mentions")) == 6
    assert len(analysis.timeline(con, "CHN", "PRK", limit=2)) == 2


def test_summary_is_verbatim_with_citations(con):
    s = analysis.summary(con, "CHN", "PRK", since=at(29), max_sentences=3)
    assert s["n_events"] == 5
    got = [x["event_id"] for x in s["sentences"]]
    # ranked: reported by 2 stories first, then newest; cp-a5 repeats cp-a0's words
    assert got == ["cp-a10", "pc-a2", "cp-a0"]
    for x in s["sentences"]:
        text = con.execute("SELECT text FROM articles WHERE id = ?",
                           [x["citation"]["article_id"]]).fetchone()[0]
        assert x["text"] in text
        assert x["citation"]["outlet"] == "Peninsula Wire"
        assert x["citation"]["date"] == dt.date.fromisoformat(
            next(e.date for e in SPECS if e.id == x["event_id"]))
    assert s["text"] == " ".join(f"{x['text']} [{i}]" for i, x in enumerate(s["sentences"], 1))


def test_summary_of_a_quiet_dyad_is_empty(con):
    s = analysis.summary(con, "FRA", "DEU")
    assert s["sentences"] == [] and s["text"] == "" and s["n_events"] == 0


# -- network, overview, export -------------------------------------------------------

def test_network(con):
    df = analysis.network(con, since=at(29), min_events=3)
    assert list(zip(df["source"], df["target"], df["n_events"])) == [
        ("CHN", "PRK", 3), ("RUS", "UKR", 3), ("USA", "RUS", 3)]
    assert list(df["goldstein_sum"]) == [-30.0, -6.0, -6.0]
    actors = analysis.network(con, since=at(29), level="actor")
    assert ("CHNMIL", "PRKMIL", 3) in set(zip(actors["source"], actors["target"],
                                               actors["n_events"]))


def test_overview(con):
    ov = analysis.overview(con)
    assert (ov["articles"], ov["events"], ov["factual_events"], ov["canonical_events"]) == (
        len(SPECS), 64, 63, 61)
    assert ov["events_by_type"]["ACCUSE"] == 37
    assert ov["top_dyads"][0] == {"source": "USA", "target": "RUS", "n": 21}
    assert ov["errors"] == 0 and ov["first_date"] == dt.date(2023, 1, 5)


def test_export_csv_and_parquet(con, tmp_path):
    n = analysis.export_events(con, tmp_path / "all.csv")
    df = pd.read_csv(tmp_path / "all.csv")
    assert n == len(df) == 63
    for col in ("event_id", "canonical_id", "date", "source", "source_name", "source_country",
                "source_sector", "target", "target_country", "plover", "cameo", "goldstein",
                "quad_class", "sentence", "url", "outlet", "lat", "lon"):
        assert col in df.columns
    n = analysis.export_events(con, tmp_path / "ip.parquet", dyad=("IND", "PAK"))
    pq = pd.read_parquet(tmp_path / "ip.parquet")
    assert n == 5 and list(pq["event_id"]) == ["ip1", "ip2", "ip3", "ip3b", "ip4"]
    assert pq.loc[2, "n_stories"] == 2 and pq.loc[0, "source_sector"] == "GOV"
    with pytest.raises(QueryError):
        analysis.export_events(con, tmp_path / "x.xlsx")


def test_canonical_events_count_only_when_factual(tmp_path):
    # dedup keys canonical events by modality too, so the asserted report and
    # the announced one are two canonical events; only the first is a fact.
    path = tmp_path / "modality.duckdb"
    build_db(path, [
        Ev("m1", "2024-05-02", "CHNGOV", "PRKGOV", "AID", 2, 7.4,
           "China delivered rice to North Korea.", "delivered"),
        Ev("m2", "2024-05-03", "CHNGOV", "PRKGOV", "AID", 2, 7.4,
           "Beijing's rice shipment reached Pyongyang.", "reached"),
        Ev("m3", "2024-05-03", "CHNGOV", "PRKGOV", "AID", 2, 7.4,
           "China will deliver more rice to North Korea.", "deliver", modality="future"),
        Ev("m4", "2024-05-04", "CHNGOV", "PRKGOV", "AID", 2, 7.4,
           "China did not deliver fertiliser to North Korea.", "deliver", negated=True),
    ])
    with Store.open(path, read_only=True) as store:
        con = store.cursor()
        assert con.execute("SELECT count(*) FROM canonical_events").fetchall() == [(2,)]

        def count(**kw) -> int:
            return int(analysis.dyad_series(con, "CHN", "PRK", **kw)["n_events"].sum())

        assert count() == 1
        assert count(include_nonfactual=True) == 3  # + the future one + the negated mention
        assert count(unit="mentions") == 2
        assert count(unit="mentions", include_nonfactual=True) == 4
        timeline = analysis.timeline(con, "CHN", "PRK")
        assert list(timeline["event_id"]) == ["m1"] and timeline["n_mentions"][0] == 2


def test_goldstein_sums_are_exact_whatever_order_the_rows_are_added(tmp_path):
    """Ten scores of 0.1 add up to 1.0: floats added in DuckDB's parallel order
    give 0.9999999999999999 (and may differ in the last digit between runs)."""
    specs = [Ev(f"tn{k}", f"2022-05-{k + 1:02d}", "THAGOV", "NPLGOV", "CONSULT", 1, 0.1,
                f"Thai and Nepali officials met again, round {k}.", "met") for k in range(10)]
    build_db(tmp_path / "exact.duckdb", specs)
    with Store.open(tmp_path / "exact.duckdb", read_only=True) as store:
        df = analysis.dyad_series(store.cursor(), "THA", "NPL", unit="mentions")
        edges = analysis.network(store.cursor(), unit="mentions")
    assert list(df["goldstein_sum"]) == [1.0] and list(df["goldstein_mean"]) == [0.1]
    assert list(edges["goldstein_sum"]) == [1.0] and list(edges["goldstein_mean"]) == [0.1]


# -- the stored factual flag and files written by earlier versions -------------------

def _modality_specs() -> list[Ev]:
    return [
        Ev("f1", "2024-05-02", "CHNGOV", "PRKGOV", "AID", 2, 7.4,
           "China delivered rice to North Korea.", "delivered"),
        Ev("f2", "2024-05-20", "CHNGOV", "PRKGOV", "AID", 2, 7.4,
           "China will deliver more rice to North Korea.", "deliver", modality="future"),
        Ev("f3", "2024-05-21", "CHNGOV", "PRKGOV", "ACCUSE", 3, -2.0,
           "China blamed North Korea for the border incident.", "blamed"),
        Ev("f4", "2024-05-22", "CHNGOV", "PRKGOV", "ACCUSE", 3, -2.0,
           "China did not blame North Korea for the flood.", "blame", negated=True),
    ]


def _counts(path) -> tuple:
    """What the read paths count on a file (opened read-only)."""
    with Store.open(path, read_only=True) as store:
        con = store.cursor()
        series = analysis.dyad_series(con, "CHN", "PRK")
        ov = analysis.overview(con)
        return (int(series["n_events"].sum()), ov["canonical_events"], ov["events_by_type"],
                list(analysis.timeline(con, "CHN", "PRK")["event_id"]))


def _as_written_by_an_earlier_version(path, *, drop: tuple[str, ...]) -> None:
    """Make the file look as one an earlier version wrote last: its
    canonical events without the columns `drop`, its schema version 1."""
    import duckdb

    con = duckdb.connect(str(path))
    for col in drop:
        con.execute(f"ALTER TABLE canonical_events DROP COLUMN {col}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()


def test_dedup_stores_whether_a_canonical_event_counts(tmp_path):
    path = tmp_path / "flag.duckdb"
    build_db(path, _modality_specs())
    with Store.open(path, read_only=True) as store:
        rows = store.con.execute("SELECT first_event_id, modality, factual FROM canonical_events "
                                 "ORDER BY first_event_id").fetchall()
        version = store.con.execute("SELECT value FROM meta WHERE key = 'schema_version'"
                                    ).fetchone()[0]
    assert rows == [("f1", "asserted", True), ("f2", "future", False), ("f3", "asserted", True)]
    assert version == "2"
    assert _counts(path) == (2, 2, {"ACCUSE": 1, "AID": 1}, ["f1", "f3"])


@pytest.mark.parametrize("drop", [("factual",), ("factual", "modality")])
def test_a_file_from_before_the_flag_is_read_the_old_way_then_upgraded(tmp_path, drop):
    """A file an earlier version wrote last (its canonical events without
    the flag, or even without modality) counts the same read-only, by the
    mentions, and after its next write, which fills the flag."""
    path = tmp_path / "old.duckdb"
    build_db(path, _modality_specs())
    expected = _counts(path)
    _as_written_by_an_earlier_version(path, drop=drop)
    assert _counts(path) == expected
    with Store.open(path) as store:  # the next write's open upgrades it
        flags = store.con.execute("SELECT first_event_id, factual FROM canonical_events "
                                  "ORDER BY first_event_id").fetchall()
    assert flags == [("f1", True), ("f2", False), ("f3", True)]
    assert _counts(path) == expected


def test_a_file_an_earlier_version_wrote_after_the_upgrade_is_read_the_old_way(tmp_path):
    """An earlier version's dedup leaves the flag NULL and records its own
    schema version: readers then count by the mentions, and the next write
    of this version computes the flag again."""
    import duckdb

    path = tmp_path / "back.duckdb"
    build_db(path, _modality_specs())
    expected = _counts(path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE canonical_events SET factual = NULL")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()
    assert _counts(path) == expected
    with Store.open(path) as store:
        assert store.con.execute("SELECT count(*) FROM canonical_events WHERE factual IS NULL"
                                 ).fetchone()[0] == 0
    assert _counts(path) == expected


def test_an_upgrade_that_fails_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    from dyadwatch.errors import StoreError
    from dyadwatch.store import db as store_db

    path = tmp_path / "half.duckdb"
    build_db(path, _modality_specs())
    _as_written_by_an_earlier_version(path, drop=("factual",))
    real = store_db.upgrade
    monkeypatch.setattr(store_db, "upgrade",
                        lambda *a: [*real(*a), "UPDATE canonical_events SET plover = NULL"])
    with pytest.raises(StoreError):
        Store.open(path)
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    cols = {r[0] for r in con.execute("DESCRIBE canonical_events").fetchall()}
    version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    con.close()
    assert "factual" not in cols and version == "1"
