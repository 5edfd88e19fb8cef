"""Stories (near-duplicate articles) and canonical events (deduplicated events).

Analysts distrust counts inflated by one wire story printed ten times, so
dyadwatch groups near-duplicate articles into *stories* and reports of the
same happening into *canonical events*, while keeping every article and every
event mention as evidence.

Stories
    `signature` turns an article's cleaned text into a MinHash (the values of datasketch's affine32 scheme,
    `settings.minhash_perm` values) over word shingles of
    `settings.shingle_size` words, lowercased with punctuation stripped. It
    runs per document in the workers; the store keeps it in
    `article_minhash`. `update` finds candidate pairs among all stored
    signatures by LSH banding (the bands datasketch's MinHashLSH chooses for
    the threshold, computed by `lsh_bands`), confirms each by its estimated Jaccard similarity
    (>= `settings.story_threshold`) and joins confirmed pairs with
    union-find, so a story is a connected group of near-duplicates (a chain
    A~B~C is one story even if A and C are further apart). The story id is
    the id of its earliest article (date, then id; undated articles last),
    which depends only on the set of stored articles: a re-run, or ingesting
    in several runs, gives the same ids as one run over everything. Exact
    duplicates never get here: the store keys articles by content hash.

Canonical events
    Built from the events that are not negated ("X did not sanction Y" is not
    a report of a sanction). Modality is part of the key, so a canonical event
    never mixes "will impose sanctions" with "imposed sanctions"; every member
    has the same modality, stored in `canonical_events.modality`. Events with the
    same source, target, PLOVER type and modality are sorted by (date, id)
    (source and target by country when they have one: CHNGOV->KOR from one
    outlet and CHN->KOR from another are one act; a canonical event whose
    members differ in sector keeps the country code)
    and cut into clusters greedily: an event joins the current cluster when
    its date is at most `settings.event_window_days` after the cluster's
    *first* date, else it starts a new cluster. Anchoring on the first date
    (not the previous event) stops daily reports from chaining into a
    months-long "event". Events without a date cannot be placed in time, so
    they are grouped per story instead: the undated mentions of one key in
    copies of one story are one canonical event.

    The id is sha1("v2|source|target|plover|modality|date:<first date>") (source
    and target as keyed) (or
    "story:<story id>" for undated ones), 16 hex digits. It does not include
    an event id, so adding another report of a known event leaves the id
    unchanged; within a key, clusters have distinct first dates, so ids are
    unique. `n_stories` counts distinct stories among the mentions: ten
    syndicated copies of one story are one independent report.

Everything is rebuilt from what is stored, in one transaction, with the
heavy lifting in DuckDB (window functions, joins, bulk UPDATE ... FROM temp
tables). The only Python loop is the union-find over confirmed pairs (the
greedy cut runs in numpy over the distinct key-and-day pairs), so
the cost grows with the number of articles and events, not with its square
(see bench/dedup.py).
"""

from __future__ import annotations

import functools
import re
import time
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..config import Settings
from ..errors import error
from .rows import arrow

if TYPE_CHECKING:  # `signature` runs in coding processes, which never load the store
    import duckdb
    import pyarrow as pa

#: Words after lowercasing: runs of letters and digits (punctuation and
#: underscores are separators), so "U.S." and "US" differ but "talks," and
#: "talks" do not.
_WORD = re.compile(r"[^\W_]+")

#: datasketch's default scheme since 2.0: 32-bit values, stored as UBIGINT.
_SCHEME = "affine32"
_SEED = 1
_MAX_VALUE = (1 << 32) - 1

#: Odd 64-bit constant (golden ratio) for hashing a band's values into one key.
_BAND_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

#: Prefix of the canonical id hash input; bump it if the clustering changes,
#: so that ids from different definitions never collide.
_ID_VERSION = "v2"  # v2: keyed on country where there is one


@dataclass(frozen=True)
class DedupReport:
    """What `update` found, for the CLI summary and tests."""

    articles: int  # articles stored
    signed: int  # articles with a signature (the others are stories of their own)
    stories: int
    grouped_articles: int  # articles in a story with at least one other article
    candidate_pairs: int  # LSH candidates checked
    story_changes: int  # articles whose story_id changed in this update
    events: int  # not-negated event mentions clustered
    canonical_events: int
    canonical_changes: int  # events whose canonical_id changed in this update
    seconds: float


# -- signatures (workers) ------------------------------------------------------

def words(text: str) -> list[str]:
    """The normalised words of a cleaned text (lowercase, no punctuation)."""
    return _WORD.findall(text.lower())


def shingles(tokens: list[str], size: int) -> list[bytes]:
    """Word n-grams of `size` words; a text shorter than that is one shingle."""
    if len(tokens) <= size:
        return [" ".join(tokens).encode()] if tokens else []
    # the n-grams as a zip of the word list shifted 0..size-1 places, joined and
    # encoded by map (no slice and no Python call per shingle: 45% less CPU)
    return list(map(str.encode, map(" ".join, zip(*(tokens[i:] for i in range(size))))))


@functools.cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine permutations (a odd, b) of datasketch's "affine32" scheme
    for seed 1, drawn exactly as `datasketch.MinHash` draws them, so stored
    signatures stay those of datasketch 2.0 (tests/test_dedup.py compares
    both on random texts).

    Computed here rather than by `datasketch.MinHash`: importing datasketch
    imports its LSH module and with it scipy, which cost every coding process
    ~0.5 CPU-s and ~40 MB at start-up (`lsh_bands` spares the writer the
    same cost)."""
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch pre-mixes each input hash
    with it); uint32 multiplication wraps, which is the intended modulo."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def signature(text: str, settings: Settings) -> tuple[int, ...]:
    """MinHash signature of a cleaned text: `settings.minhash_perm` ints.

    zlib.crc32 hashes each shingle: deterministic across processes and runs
    (Python's `hash` is not) and 32-bit as the affine32 scheme expects (the
    same estimation error as SHA-1 over 300 random set pairs, sd 0.048
    against 0.052, at less than half the cost). Empty for a text without
    words: an empty MinHash would look identical to every other empty one,
    so such articles are never grouped.
    """
    grams = shingles(words(text), settings.shingle_size)
    if not grams:
        return ()
    a, b = _permutations(settings.minhash_perm)
    hv = _fmix32(np.fromiter(map(zlib.crc32, grams), dtype=np.uint32, count=len(grams)))
    return tuple((hv[:, None] * a + b).min(axis=0).tolist())


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal values)."""
    if not a or len(a) != len(b):
        return 0.0
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / len(a)


# -- update (writer) -----------------------------------------------------------

def update(con: duckdb.DuckDBPyConnection, settings: Settings) -> DedupReport:
    """Regroup stories and rebuild canonical events from everything stored.

    One transaction: readers see either the previous grouping or the new one.
    Idempotent: a second call changes nothing.
    """
    import duckdb

    _check_settings(settings)
    started = time.perf_counter()
    kept = _return_freed_memory(con)
    try:
        con.begin()
        stories = _update_stories(con, settings)
        events = _update_canonical_events(con, settings)
        for table in ("_dedup_story", "_dedup_cluster", "_dedup_member"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        con.commit()
    except duckdb.Error as exc:
        _rollback(con)
        raise error("E306", reason=exc) from exc
    except BaseException:
        _rollback(con)
        raise
    finally:  # after any rollback: the setting is not transactional
        con.execute(f"SET {_FLUSH_SETTING} = '{kept}'")
    return DedupReport(**stories, **events, seconds=time.perf_counter() - started)


#: DuckDB's allocator keeps what its operators free for reuse until one bulk
#: release passes this setting (512 MiB by default), so every sort, window and
#: aggregate of the update left the writer's RSS higher (signatures +48 MB,
#: the clustering's sort +60 MB at 8,192 articles) while DuckDB itself held
#: 20 MB: the process's peak grew with the database, and the parse that
#: follows in a long-running writer could not reuse those pages.
_FLUSH_SETTING = "allocator_bulk_deallocation_flush_threshold"


def _return_freed_memory(con: duckdb.DuckDBPyConnection) -> str:
    """Have freed memory go back to the system at once during the update
    (0.15-0.2 CPU-ms per article more: pages are released and faulted in
    again); returns the setting to restore (the database's, not the
    connection's)."""
    kept = con.execute(f"SELECT current_setting('{_FLUSH_SETTING}')").fetchall()[0][0]
    con.execute(f"SET {_FLUSH_SETTING} = '0 bytes'")
    return kept


def _check_settings(settings: Settings) -> None:
    if not 0.0 < settings.story_threshold <= 1.0:
        raise error("E412", value=settings.story_threshold)
    if settings.minhash_perm < 2:
        raise error("E413", value=settings.minhash_perm)
    if settings.event_window_days < 0:
        raise error("E414", value=settings.event_window_days)


def _read_signatures(con: duckdb.DuckDBPyConnection,
                     settings: Settings) -> tuple[list[str], np.ndarray]:
    """Article ids in story-id order (date, then id, undated last) and their
    signatures as an (n, num_perm) uint32 matrix, in one Arrow query."""
    table = con.sql(
        "SELECT a.id, m.signature FROM articles a JOIN article_minhash m ON m.article_id = a.id "
        "ORDER BY a.date NULLS LAST, a.id").to_arrow_table()
    ids = table.column("id").to_pylist()
    perm = settings.minhash_perm
    if not ids:
        return ids, np.empty((0, perm), dtype=np.uint32)
    sigs = table.column("signature").combine_chunks()
    # DLPack views of the Arrow buffers: `to_numpy` goes through pyarrow's
    # pandas conversion, which imports pandas (+54 MB RSS) in the writer
    lengths = np.diff(np.from_dlpack(sigs.offsets))
    if (lengths != perm).any():
        found = sorted(set(lengths.tolist()) - {perm})
        raise error("E415", count=int((lengths != perm).sum()), found=found, perm=perm,
                    built=found[0])
    flat = np.from_dlpack(sigs.flatten())
    if flat.max() > _MAX_VALUE:
        raise error("E416")
    return ids, flat.astype(np.uint32).reshape(len(ids), perm)


def _story_roots(matrix: np.ndarray, threshold: float) -> tuple[list[int], int]:
    """For each row, the index of the first row of its story, and the number
    of LSH candidate pairs checked.

    LSH banding: `lsh_bands` chooses the bands (b bands of r values) that
    balance false positives and negatives at the threshold, and two rows are candidates when all r values of some band are equal. The
    bucketing itself is done per band with numpy instead of inserting every
    row into a MinHashLSH and querying it: the same candidates, but
    datasketch's per-row, per-band Python calls took 9.0 s for 40,000
    signatures against 0.7 s this way (2-core machine). Candidates are
    confirmed by estimated Jaccard similarity, all at once; union-find keeps
    the smallest index as the root, and rows are in (date, id) order, so the
    root is the story's earliest article.
    """
    n, perm = matrix.shape
    pairs = _candidate_pairs(matrix, lsh_bands(threshold, perm))
    parent = list(range(n))
    if len(pairs):
        a, b = pairs[:, 0], pairs[:, 1]
        sim = np.count_nonzero(matrix[a] == matrix[b], axis=1) / perm
        keep = sim >= threshold
        for i, j in zip(a[keep].tolist(), b[keep].tolist()):
            ri, rj = _find(parent, i), _find(parent, j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    return [_find(parent, i) for i in range(n)], len(pairs)


@functools.cache
def lsh_bands(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    """The column ranges of the LSH bands datasketch's MinHashLSH (default
    weights 0.5/0.5) uses for `threshold`: the b bands of r values, b * r <=
    num_perm, that minimise the mean of the false-positive probability
    (integral of 1 - (1 - s^r)^b over [0, threshold]) and the false-negative
    one ((1 - s^r)^b over [threshold, 1]).

    Computed here because importing datasketch's LSH imports scipy (for
    those two integrals), which cost the writer ~48 MB of its peak memory
    and ~1 CPU-s; the integrands are polynomials of degree b * r <= num_perm,
    so Gauss-Legendre quadrature with num_perm // 2 + 2 nodes integrates them
    exactly (tests/test_dedup.py compares the choice with datasketch's).
    """
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 2)

    def integral(b: int, r: int, lo: float, hi: float, miss: bool) -> float:
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        kept = (1 - s ** float(r)) ** float(b)  # probability that no band matches
        return (hi - lo) / 2 * float(weights @ (kept if miss else 1 - kept))

    best, chosen = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            loss = 0.5 * integral(b, r, 0.0, threshold, False) + \
                0.5 * integral(b, r, threshold, 1.0, True)
            if loss < best:
                best, chosen = loss, (b, r)
    b, r = chosen
    if b < 2:
        raise error("E418", threshold=threshold, perm=num_perm)
    return tuple((i * r, (i + 1) * r) for i in range(b))


def _candidate_pairs(matrix: np.ndarray, hashranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Distinct (i, j), i < j, of rows equal on at least one band.

    Per band, rows are sorted by bucket; rows d apart in that order share a
    bucket when their bucket numbers are equal, so stepping d = 1, 2, ...
    until no bucket is that large lists every pair with vectorised steps.
    The work is the number of pairs, which stays linear in the rows unless
    one story has very many copies (k copies give k^2 / 2 pairs).
    """
    n = len(matrix)
    found: list[np.ndarray] = []
    for lo, hi in hashranges:
        bucket = np.zeros(n, dtype=np.uint64)
        for col in range(lo, hi):  # a 64-bit hash of the band; collisions only add candidates
            bucket = bucket * _BAND_MULTIPLIER + matrix[:, col]
        order = np.argsort(bucket, kind="stable")
        sorted_bucket = bucket[order]
        d = 1
        while d < n:
            at = np.flatnonzero(sorted_bucket[d:] == sorted_bucket[:-d])
            if not len(at):
                break
            i, j = order[at], order[at + d]
            found.append(np.minimum(i, j) * n + np.maximum(i, j))
            d += 1
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found).astype(np.int64))
    return np.stack([codes // n, codes % n], axis=1)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _update_stories(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, int]:
    pa = arrow()

    ids, matrix = _read_signatures(con, settings)
    roots, n_candidates = _story_roots(matrix, settings.story_threshold)
    members = [(ids[i], ids[r]) for i, r in enumerate(roots) if r != i]
    grouped = len(members) + len({r for i, r in enumerate(roots) if r != i})
    story = pa.table({"id": pa.array([m[0] for m in members], pa.string()),
                      "story_id": pa.array([m[1] for m in members], pa.string())})
    _temp_table(con, "_dedup_story", story)
    changed = _assign(con, "articles", "story_id", "_dedup_story", "story_id", otherwise="id")
    n_articles, n_stories = con.execute(
        "SELECT count(*), count(DISTINCT story_id) FROM articles").fetchall()[0]
    return {"articles": n_articles, "signed": len(ids), "stories": n_stories,
            "grouped_articles": grouped, "candidate_pairs": n_candidates,
            "story_changes": changed}


#: An event's key in canonical events: source and target by country where
#: they have one (see the module docstring), PLOVER type and modality.
_EVENT_KEY = ("coalesce(e.source_country, e.source)", "coalesce(e.target_country, e.target)",
              "e.plover", "e.modality")


#: Names of the key's parts in _dedup_key (see `_cluster_dated`).
_KEY_NAMES = ("s", "t", "p", "m")


def _update_canonical_events(con: duckdb.DuckDBPyConnection,
                             settings: Settings) -> dict[str, int]:
    """Canonical events rebuilt from every not-negated mention. The members
    table is the one copy of the mentions this holds (the clustering reads
    only ids, keys and dates), because temp tables stay in memory until the
    transaction ends: a second wide copy grew the writer's peak with the
    database."""
    _cluster_dated(con, settings.event_window_days)
    skey, tkey = _EVENT_KEY[:2]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _dedup_member AS
        SELECT e.id, e.article_id, a.story_id AS story, e.source, e.source_country,
               e.target, e.target_country, e.plover, e.modality, e.cameo, e.goldstein,
               e.quad_class, e.date, e.confidence, c.first_date,
               substr(sha1(concat_ws('|', '{_ID_VERSION}', coalesce({skey}, ''),
                   coalesce({tkey}, ''), e.plover, e.modality,
                   CASE WHEN e.date IS NULL THEN 'story:' || a.story_id
                        ELSE 'date:' || strftime(c.first_date, '%Y-%m-%d') END)), 1, 16) AS cid
        FROM events e JOIN articles a ON a.id = e.article_id
        LEFT JOIN _dedup_cluster c ON c.id = e.id
        WHERE NOT e.negated""")
    con.execute("DELETE FROM canonical_events")
    n_members = con.execute("SELECT count(*) FROM _dedup_member").fetchall()[0][0]
    for low, high in _cid_ranges(n_members):
        con.execute(_CANONICAL_INSERT, {"low": low, "high": high})
    changed = _assign(con, "events", "canonical_id", "_dedup_member", "cid", otherwise="NULL")
    n_events, n_canonical = con.execute(
        "SELECT count(*), count(DISTINCT cid) FROM _dedup_member").fetchone()
    return {"events": n_events, "canonical_events": n_canonical, "canonical_changes": changed}


#: Canonical events of the members whose cid is in [$low, $high) (cid
#: prefixes; NULL for none), each from its members' values.
_CANONICAL_INSERT = """
    INSERT INTO canonical_events (id, source, source_country, target, target_country,
        plover, modality, cameo, goldstein, quad_class, date, n_mentions, n_stories, n_articles,
        first_event_id, confidence, factual)
    WITH code AS (
        SELECT cid, cameo, min(goldstein) AS goldstein, min(quad_class) AS quad_class,
               row_number() OVER (PARTITION BY cid
                                  ORDER BY count(*) DESC, cameo NULLS LAST) AS rank
        FROM _dedup_member m WHERE {in_slice} GROUP BY cid, cameo)
    SELECT m.cid,
           CASE WHEN count(DISTINCT m.source) > 1 THEN min(m.source_country) ELSE min(m.source) END,
           min(m.source_country),
           CASE WHEN count(DISTINCT m.target) > 1 THEN min(m.target_country) ELSE min(m.target) END,
           min(m.target_country), min(m.plover), min(m.modality), c.cameo, c.goldstein, c.quad_class,
           min(m.first_date), count(*), count(DISTINCT m.story),
           count(DISTINCT m.article_id), first(m.id ORDER BY m.date NULLS LAST, m.id),
           max(m.confidence), bool_and(m.modality = 'asserted')
    FROM _dedup_member m JOIN code c ON c.cid = m.cid AND c.rank = 1
    WHERE {in_slice}
    GROUP BY m.cid, c.cameo, c.goldstein, c.quad_class""".format(
    in_slice="m.cid >= coalesce($low::VARCHAR, '') AND ($high::VARCHAR IS NULL OR m.cid < $high)")

#: Members aggregated per INSERT: the aggregates (distinct counts, ordered
#: firsts) hold their input in memory and do not spill, so a database's
#: canonical events are built in slices of about this many mentions.
_MEMBERS_PER_SLICE = 32_768


def _cid_ranges(n_members: int) -> list[tuple[str | None, str | None]]:
    """[low, high) bounds that cut the cids (16 hex digits, evenly spread:
    a hash) into slices of about _MEMBERS_PER_SLICE members; a canonical
    event's members share its cid, so each is built whole in one slice."""
    k = max(1, -(-n_members // _MEMBERS_PER_SLICE))
    bounds = [f"{i * 16 ** 6 // k:06x}" for i in range(1, k)]
    return list(zip([None, *bounds], [*bounds, None]))


def _cluster_dated(con: duckdb.DuckDBPyConnection, window: int) -> None:
    """Temp table _dedup_cluster(id, first_date): the first date of each dated
    event's cluster. The greedy cut (a new cluster when the date is more
    than `window` days after the cluster's first date) depends on the
    cluster's own start, which window functions cannot express, so it is
    computed in numpy (`_first_days`) over the distinct (key, date) pairs,
    numbered keys and their dates sorted, and joined back to the events:
    mentions of one key on one day are in one cluster, so no event, and no
    event id, is sorted (ranking and sorting every mention by its key's
    text and then by id held most of the update's peak: +100 MB at
    231,000 mentions)."""
    pa = arrow()

    keyed = ", ".join(f"{k} AS {a}" for k, a in zip(_EVENT_KEY, _KEY_NAMES))
    on_key = " AND ".join(f"k.{a} IS NOT DISTINCT FROM {k}" for k, a in zip(_EVENT_KEY, _KEY_NAMES))
    mentions = "FROM events e JOIN articles a ON a.id = e.article_id"
    dated = "WHERE NOT e.negated AND e.date IS NOT NULL"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _dedup_key AS
        SELECT row_number() OVER (ORDER BY {', '.join(_KEY_NAMES)}) AS grp, *
        FROM (SELECT DISTINCT {keyed} {mentions} {dated})""")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _dedup_day AS SELECT DISTINCT k.grp, e.date "
                f"{mentions} JOIN _dedup_key k ON {on_key} {dated} ORDER BY k.grp, e.date")
    table = con.sql("SELECT grp, date FROM _dedup_day").to_arrow_table()
    groups, days = (np.from_dlpack(col.combine_chunks()) if table.num_rows else
                    np.empty(0, dtype=np.int32)
                    for col in (table.column("grp"), table.column("date").cast(pa.int32())))
    firsts = pa.table({"first_date": pa.array(_first_days(groups, days, window), pa.int32())
                       .cast(pa.date32())})
    del table, groups, days
    con.register("_dedup_firsts", firsts)
    con.execute("CREATE OR REPLACE TEMP TABLE _dedup_first AS SELECT d.grp, d.date, f.first_date "
                "FROM _dedup_day d POSITIONAL JOIN _dedup_firsts f")
    con.unregister("_dedup_firsts")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _dedup_cluster AS SELECT e.id, f.first_date "
                f"{mentions} JOIN _dedup_key k ON {on_key} "
                f"JOIN _dedup_first f ON f.grp = k.grp AND f.date = e.date {dated}")
    for table_name in ("_dedup_first", "_dedup_day", "_dedup_key"):
        con.execute(f"DROP TABLE {table_name}")


def _first_days(groups: np.ndarray, days: np.ndarray, window: int) -> np.ndarray:
    """The first day of each row's cluster, rows sorted by (group, day): a
    group's first row starts a cluster, and so does the first row of its
    group more than `window` days after the current cluster's start. All
    groups advance together, one cluster per step (the steps are the most
    clusters one key has), each by a binary search on (group, day)."""
    n = len(days)
    if not n:
        return np.empty(0, dtype=np.int32)
    key = (groups.astype(np.int64) << 32) | (days.astype(np.int64) + (1 << 31))
    starts = np.zeros(n, dtype=bool)
    active = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    while len(active):
        starts[active] = True
        nxt = np.searchsorted(key, key[active] + window, side="right")
        inside = nxt < n
        nxt, here = nxt[inside], active[inside]
        active = nxt[groups[nxt] == groups[here]]
    first_row = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    return days[first_row].astype(np.int32)


def _temp_table(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Copy an Arrow table into the temp table `name` (replacing it), so that
    the UPDATEs join a DuckDB table rather than a registered Python object."""
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def _assign(con: duckdb.DuckDBPyConnection, table: str, column: str, temp: str, value: str, *,
            otherwise: str) -> int:
    """Set `table.column` to `temp.value` for the rows (by id) in `temp`, and
    to the SQL expression `otherwise` for every other row; only rows whose
    value changes are written, and their number is returned (so a rerun
    that changes nothing reports 0 and rewrites nothing)."""
    changed = _count(con.execute(
        f"UPDATE {table} SET {column} = t.{value} FROM {temp} t "
        f"WHERE {table}.id = t.id AND {table}.{column} IS DISTINCT FROM t.{value}"))
    changed += _count(con.execute(
        f"UPDATE {table} SET {column} = {otherwise} WHERE {column} IS DISTINCT FROM {otherwise} "
        f"AND id NOT IN (SELECT id FROM {temp})"))
    return changed


def _count(result: duckdb.DuckDBPyConnection) -> int:
    """Rows changed by an UPDATE (DuckDB returns the count as a one-row result)."""
    row = result.fetchone()
    return int(row[0]) if row else 0


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    import duckdb

    try:
        con.rollback()
    except duckdb.Error:
        pass
