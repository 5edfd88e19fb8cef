"""The stored tables, declared once: every column's name, SQL type, Arrow
type (derived from the SQL type), nullability, default and meaning.

Everything that knows the shape of a stored row reads it from here: the
DDL `Store` runs (`ddl()`), the columns added to files made by an earlier
version (`upgrade`), the Arrow tables a batch is written as
(`Table.arrow_schema`), the column lists of queries and exports
(`Projection`) and the HTTP API's response models (`Projection.model`).
Adding a column is one `Column(...)` line in its table; a column the
batch writer fills also needs its value in the row builder (store/rows.py),
and forgetting it fails the first write with the column's name.

Views and anything else that is not a table stay in schema.sql, which runs
after the tables are created.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

#: Bumped when a change needs more than adding columns (see `upgrade`).
#: 2: canonical_events.factual is set on every row (readers count by it).
SCHEMA_VERSION = "2"
#: The first version whose files keep `canonical_events.factual` right.
FACTUAL_SINCE = 2


def stored_version(con: Any) -> str | None:
    """The schema version a file records in `meta` (None for a new file):
    what `upgrade` brings it up from, and how readers count its events."""
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return row[0] if row else None

#: DuckDB type -> (Arrow type, made from the pyarrow module; Python type).
#: The one place a SQL type is translated: Arrow for bulk writes, Python for
#: the API's models. pyarrow is imported when a writer first asks for an
#: Arrow type: coding processes read this module (the event field names) and
#: never write, and importing pyarrow cost each of them 0.03-0.05 CPU-s.
SQL_TYPES: dict[str, tuple[Callable[[Any], pa.DataType], Any]] = {
    "VARCHAR": (lambda pa: pa.string(), str),
    "INTEGER": (lambda pa: pa.int32(), int),
    "BIGINT": (lambda pa: pa.int64(), int),
    "TINYINT": (lambda pa: pa.int8(), int),
    "DOUBLE": (lambda pa: pa.float64(), float),
    "BOOLEAN": (lambda pa: pa.bool_(), bool),
    "DATE": (lambda pa: pa.date32(), dt.date),
    "TIMESTAMP": (lambda pa: pa.timestamp("us"), dt.datetime),
    "UBIGINT[]": (lambda pa: pa.list_(pa.uint64()), list[int]),
    "VARCHAR[]": (lambda pa: pa.list_(pa.string()), list[str]),
}


@functools.cache
def arrow_type(sql: str) -> pa.DataType:
    """The Arrow type of a SQL type of `SQL_TYPES` (pyarrow imported on first use)."""
    import pyarrow

    return SQL_TYPES[sql][0](pyarrow)


@dataclass(frozen=True)
class Column:
    """One stored column. `filled_by` names who sets a column that the
    batch writer leaves out (dedup, or the database's default); None means
    every written batch carries it."""

    name: str
    sql: str
    nullable: bool = True
    default: str | None = None
    doc: str = ""
    filled_by: str | None = None
    #: SQL (a SET expression over the table's rows) that computes the column
    #: on a file last written by an older version: `upgrade` runs it when it
    #: adds the column and whenever such a version may have written the
    #: table since, as a version that does not know the column leaves it NULL.
    backfill: str | None = None

    def __post_init__(self) -> None:
        if self.sql not in SQL_TYPES:
            raise ValueError(f"column {self.name}: unknown SQL type {self.sql!r}; add it to "
                             "SQL_TYPES with its Arrow and Python types.")

    @property
    def arrow(self) -> pa.DataType:
        return arrow_type(self.sql)

    @property
    def python(self) -> Any:
        return SQL_TYPES[self.sql][1]

    def ddl(self, primary_key: bool = False) -> str:
        parts = [f"{self.name} {self.sql}"]
        if primary_key:
            parts.append("PRIMARY KEY")
        elif not self.nullable:
            parts.append("NOT NULL")
        if self.default is not None:
            parts.append(f"DEFAULT {self.default}")
        return " ".join(parts)


@dataclass(frozen=True)
class Table:
    """A stored table. `batch` tables are written from `DocResult`s as one
    Arrow table each (and are the Parquet files of a Dask shard)."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    batch: bool = False
    doc: str = ""

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: a column is declared twice.")
        if not set(self.primary_key) <= set(names):
            raise ValueError(f"table {self.name}: primary key {self.primary_key} names an "
                             "undeclared column.")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def written(self) -> tuple[Column, ...]:
        """The columns a batch carries, in order."""
        return tuple(c for c in self.columns if c.filled_by is None)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name!r}.")

    def pick(self, *names: str) -> tuple[str, ...]:
        """Column names, checked: a name the table does not declare fails at import."""
        for name in names:
            self.column(name)
        return names

    def arrow_schema(self) -> pa.Schema:
        import pyarrow as pa

        return pa.schema([pa.field(c.name, c.arrow, nullable=c.nullable) for c in self.written])

    def ddl(self) -> str:
        single = self.primary_key[0] if len(self.primary_key) == 1 else None
        lines = [c.ddl(primary_key=c.name == single) for c in self.columns]
        if len(self.primary_key) > 1:
            lines.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        body = ",\n    ".join(lines)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n    {body}\n);"


#: The canonical events with a mention that does not count (negated, or not
#: asserted): what `canonical_events.factual` was computed from before it was
#: stored, and still is on files an older version wrote last. A canonical
#: event mixing modalities (files made before modality was part of dedup's
#: key) is left out: undercounting is the safe side.
NONFACTUAL_MEMBERS = ("SELECT DISTINCT canonical_id FROM events WHERE canonical_id IS NOT NULL "
                      "AND (negated OR modality <> 'asserted')")


def _c(name: str, sql: str = "VARCHAR", doc: str = "", **kw: Any) -> Column:
    return Column(name, sql, doc=doc, **kw)


def _req(name: str, sql: str = "VARCHAR", doc: str = "", **kw: Any) -> Column:
    return Column(name, sql, nullable=False, doc=doc, **kw)


def _actor(role: str, what: str) -> tuple[Column, ...]:
    """code, country, sector and name of an actor in a role (source, target, speaker)."""
    return (_c(role, doc=f"{what} actor code, e.g. CHNGOV."),
            _c(f"{role}_country", doc=f"ISO3 country of the {what.lower()} actor."),
            _c(f"{role}_sector", doc=f"Sector code of the {what.lower()} actor (GOV, MIL ...)."),
            _c(f"{role}_name", doc=f"Canonical name of the {what.lower()} actor."))


#: Offsets (start_char/end_char, trigger_start/trigger_end) index articles.text.
#: Every row of sentences, actors, events and quotes belongs to one article and
#: is written in the same transaction, so an article is stored whole or absent.
TABLES: tuple[Table, ...] = (
    Table("meta", (_req("key"), _c("value")), primary_key=("key",)),
    Table("articles", (
        _req("id", doc="Content hash of the cleaned text."),
        _c("doc_id", doc="The id the document had in its source."),
        _c("title", doc="Title of the article."),
        _c("outlet"), _c("byline"),
        _c("date", "DATE", doc="Publication date."),
        _c("date_text", doc="The string the date was read from."),
        _c("url"), _c("source_path"), _c("source_line", "INTEGER"),
        _req("text"),
        _c("n_sentences", "INTEGER"),
        _c("story_id", doc="Articles telling the same story share it (the story's first "
                           "article).", filled_by="dedup"),
        _c("ingested_at", "TIMESTAMP", default="current_timestamp", filled_by="default"),
        _c("fingerprint", doc="The coder that coded it (provenance.py); NULL on files made "
                              "before fingerprints: `recode` treats those as stale."),
    ), primary_key=("id",), batch=True),
    Table("article_minhash", (
        _req("article_id"),
        _c("signature", "UBIGINT[]", doc="datasketch MinHash hash values."),
    ), primary_key=("article_id",), batch=True),
    Table("sentences", (
        _req("article_id"), _req("idx", "INTEGER"), _req("text"),
        _req("start_char", "INTEGER"), _req("end_char", "INTEGER"),
    ), primary_key=("article_id", "idx"), batch=True),
    Table("actors", (
        _req("article_id"),
        _req("idx", "INTEGER", doc="Mention number within the article."),
        _req("sentence_idx", "INTEGER"), _req("text"),
        _req("start_char", "INTEGER"), _req("end_char", "INTEGER"),
        _req("code"), _c("country"), _c("sector"), _c("name"), _c("kind"),
        _c("antecedent"), _c("confidence", "DOUBLE"),
    ), primary_key=("article_id", "idx"), batch=True,
        doc="Actor mentions, after coding and coreference."),
    Table("events", (
        _req("id", doc="Event mention id (one event as reported in one sentence)."),
        _req("article_id"),
        _req("sentence_idx", "INTEGER", doc="Sentence number in the article (0-based)."),
        _req("sentence", doc="The evidence sentence."),
        _req("trigger", doc="The word(s) that express the event."),
        _req("trigger_start", "INTEGER"), _req("trigger_end", "INTEGER"),
        _req("plover", doc="PLOVER event type, e.g. CONSULT, ACCUSE."),
        _c("cameo", doc="CAMEO code of the event."),
        _c("goldstein", "DOUBLE", doc="Goldstein score, -10 (conflict) to +10 (cooperation)."),
        _c("quad_class", "TINYINT", doc="1 verbal cooperation, 2 material cooperation, "
                                        "3 verbal conflict, 4 material conflict."),
        *_actor("source", "Source"), _c("source_text", doc="How the source was named."),
        *_actor("target", "Target"), _c("target_text", doc="How the target was named."),
        _c("date", "DATE", doc="When the event happened (resolved)."),
        _c("date_source", doc="How the date was found: sentence, article or none."),
        _c("date_text"),
        _c("confidence", "DOUBLE", doc="Coding confidence, 0-1."),
        _req("negated", "BOOLEAN", default="false"),
        _req("modality", default="'asserted'", doc="asserted, future, conditional, "
                                                   "hypothetical or background."),
        _c("pattern", doc="The pattern that fired."),
        _c("quote_id", doc="The quote the event was said in."),
        _c("geo_name", doc="Where the event happened."), _c("geo_id", "BIGINT"),
        _c("geo_country", doc="ISO3 country where the event happened."), _c("geo_admin1"),
        _c("lat", "DOUBLE"), _c("lon", "DOUBLE"),
        _c("geo_precision", doc="place, admin1, country or none."), _c("geo_text"),
        _c("canonical_id", doc="The deduplicated event this mention belongs to.",
           filled_by="dedup"),
    ), primary_key=("id",), batch=True),
    Table("quotes", (
        _req("id"), _req("article_id"), _req("text"),
        _req("start_char", "INTEGER"), _req("end_char", "INTEGER"),
        _req("kind", doc="direct or indirect."),
        _c("speaker_text", doc="How the speaker was named."),
        *_actor("speaker", "Speaker"),
        _c("verb", doc="Reporting verb (said, warned ...)."),
        _c("sentence_start", "INTEGER"), _c("sentence_end", "INTEGER"),
    ), primary_key=("id",), batch=True),
    Table("canonical_events", (
        _req("id"), _c("source"), _c("source_country"), _c("target"), _c("target_country"),
        _req("plover"),
        _req("modality", doc="Every member event has this modality."),
        _c("cameo"), _c("goldstein", "DOUBLE"), _c("quad_class", "TINYINT"),
        _c("date", "DATE"),
        _req("n_mentions", "INTEGER"), _req("n_stories", "INTEGER"),
        _req("n_articles", "INTEGER"), _req("first_event_id"),
        _c("confidence", "DOUBLE"),
        _c("factual", "BOOLEAN", doc="Every member is asserted and none negated: the event "
                                     "counts (set by dedup).",
           backfill=f"id NOT IN ({NONFACTUAL_MEMBERS})"),
    ), primary_key=("id",), doc="One row per deduplicated event; members are "
                                "events.canonical_id."),
    Table("errors", (
        _req("id", "BIGINT", default="nextval('errors_seq')"),
        _c("path"), _c("line", "INTEGER"), _c("doc_id"), _c("code"), _req("reason"),
        _c("run_id"), _c("occurred_at", "TIMESTAMP", default="current_timestamp"),
    ), primary_key=("id",)),
    Table("runs", (
        _req("id"), _c("started_at", "TIMESTAMP", default="current_timestamp"),
        _c("finished_at", "TIMESTAMP"), _c("command"),
        _c("n_read", "INTEGER"), _c("n_stored", "INTEGER"), _c("n_duplicate", "INTEGER"),
        _c("n_failed", "INTEGER"),
        _c("fingerprint", doc="The coder of the run."),
    ), primary_key=("id",)),
    Table("shards", (
        _req("name"), _c("loaded_at", "TIMESTAMP", default="current_timestamp"),
    ), primary_key=("name",), doc="Dask shards already loaded, so a resumed run loads "
                                  "each once."),
    # -- watching live sources: written only through the Store's writer
    # (store/watch_state.py), one transaction per call, so a killed cycle
    # leaves each row whole or absent.
    Table("sources", (
        _req("address", doc="URL of a feed, sitemap or page, or a folder path."),
        _req("kind", doc="feed | sitemap | article | folder."),
        _c("name"), _c("outlet"), _c("language"),
        _req("interval_s", "DOUBLE", doc="Polling interval in seconds."),
        _c("tags", "VARCHAR[]"),
        _req("origin", doc="cli (sources add) | file (a sources file)."),
        _c("added_at", "TIMESTAMP", default="current_timestamp"),
        _c("last_polled_at", "TIMESTAMP"), _c("last_status", "INTEGER"), _c("last_error"),
        _req("n_articles", "INTEGER", default="0"),
    ), primary_key=("address",), doc="Sources the watcher polls."),
    Table("fetches", (
        _req("id", "BIGINT", default="nextval('fetches_seq')"),
        _req("url"), _c("final_url"), _c("source"), _c("status", "INTEGER"),
        _c("bytes", "BIGINT"), _c("seconds", "DOUBLE"), _c("attempts", "INTEGER"), _c("error"),
        _c("fetched_at", "TIMESTAMP", default="current_timestamp"),
    ), primary_key=("id",), doc="Every HTTP fetch of the watcher, failed ones included."),
    Table("http_cache", (
        _req("url"), _c("etag"), _c("last_modified"),
        _c("updated_at", "TIMESTAMP", default="current_timestamp"),
    ), primary_key=("url",), doc="Conditional GET validators of a source, saved once its "
                                 "articles are stored."),
    Table("watch_urls", (
        _req("key", doc="Normalised URL without scheme, or a file path."),
        _req("url"), _c("source"), _c("article_id"),
        _req("status", doc="stored | duplicate | failed."), _c("reason"),
        _c("seen_at", "TIMESTAMP", default="current_timestamp"),
    ), primary_key=("key",), doc="Every article address handled, so none is fetched twice."),
    Table("alerts", (
        _req("id", doc="Hash of rule, dyad and window end."),
        _req("rule"), _req("dyad"), _req("actor_a"), _req("actor_b"),
        _req("window_start", "DATE"), _req("window_end", "DATE"),
        _req("changes", doc="JSON list of {kind, detail, value, threshold}."),
        _c("score", "DOUBLE"), _c("n_events", "INTEGER"), _c("n_stories", "INTEGER"),
        _c("event_ids", "VARCHAR[]"),
        _c("created_at", "TIMESTAMP", default="current_timestamp"),
    ), primary_key=("id",), doc="Alerts the watch rules raised."),
    Table("notifications", (
        _req("alert_id"), _req("channel", doc="Hash of the apprise URL."),
        _c("target", doc="The URL with any password hidden."),
        _req("status", doc="sent | failed."), _req("attempts", "INTEGER"), _c("error"),
        _req("digest", "BOOLEAN", default="false"),
        _c("sent_at", "TIMESTAMP", default="current_timestamp"),
    ), primary_key=("alert_id", "channel"), doc="One row per alert and channel: an alert is "
                                                 "sent once per channel."),
)

#: Sequences that column defaults use; created before the tables.
SEQUENCES: tuple[str, ...] = ("errors_seq", "fetches_seq")

TABLE: dict[str, Table] = {t.name: t for t in TABLES}
#: Tables written from DocResults, in write order (articles first).
BATCH_TABLES: tuple[Table, ...] = tuple(t for t in TABLES if t.batch)


def ddl() -> str:
    """CREATE statements for every sequence and table (each IF NOT EXISTS)."""
    seqs = [f"CREATE SEQUENCE IF NOT EXISTS {s};" for s in SEQUENCES]
    return "\n".join(seqs + [t.ddl() for t in TABLES])


def upgrade(existing: dict[str, set[str]], version: str | None) -> list[str]:
    """Statements that bring a file made or last written by an earlier
    version (`existing`: table -> its column names; `version`: the schema
    version it records) up to the declared tables, to run in one
    transaction: an ALTER for every declared column it lacks (DuckDB adds
    no NOT NULL constraint in ALTER, so an added column is nullable in old
    files; defaults still apply), then the backfill of every column that
    declares one, when the file's version is not this one."""
    out, fills = [], []
    for table in TABLES:
        have = existing.get(table.name)
        if have is None:
            continue
        for col in table.columns:
            if col.name not in have:
                default = f" DEFAULT {col.default}" if col.default is not None else ""
                out.append(f"ALTER TABLE {table.name} ADD COLUMN IF NOT EXISTS "
                           f"{col.name} {col.sql}{default}")
            if col.backfill is not None and version != SCHEMA_VERSION:
                fills.append(f"UPDATE {table.name} SET {col.name} = {col.backfill}")
    return out + fills


# -- projections: column lists of queries and exports ------------------------------------

@dataclass(frozen=True)
class Field:
    """One output column of a query: a stored column (`table.column` under an
    alias) or a computed expression with its declared type."""

    name: str
    sql: str
    column: Column
    nullable: bool
    renamed: bool = True

    def select(self) -> str:
        return f"{self.sql} AS {self.name}" if self.renamed else self.sql


def ref(alias: str, table: str, column: str, *, name: str | None = None,
        joined: bool = False) -> Field:
    """A stored column as an output field; `joined` (a LEFT JOIN) makes it nullable."""
    col = TABLE[table].column(column)
    return Field(name or column, f"{alias}.{column}", col, col.nullable or joined,
                 renamed=name not in (None, column))


def expr(name: str, sql: str, type_: str, *, nullable: bool = True, doc: str = "") -> Field:
    """A computed output field with its SQL expression and type."""
    return Field(name, sql, Column(name, type_, nullable=nullable, doc=doc), nullable)


def refs(alias: str, table: str, *columns: str, joined: bool = False) -> tuple[Field, ...]:
    return tuple(ref(alias, table, c, joined=joined) for c in columns)


@dataclass(frozen=True)
class Projection:
    """The output columns of one query, in order: its SELECT list, and the
    fields of the API model that carries its rows."""

    fields: tuple[Field, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def sql(self) -> str:
        return ", ".join(f.select() for f in self.fields)

    def model_fields(self, *, required: tuple[str, ...] = (), optional: tuple[str, ...] = (),
                     docs: dict[str, str] | None = None) -> dict[str, Any]:
        """pydantic `create_model` field definitions: NOT NULL columns (and
        `required`) are required, the rest (and `optional`, for a model that
        promised clients a nullable field) default to None. `docs` gives a
        field a description of its own in place of the column's."""
        from pydantic import Field as PField

        out: dict[str, Any] = {}
        for f in self.fields:
            py = f.column.python
            doc = (docs or {}).get(f.name) or f.column.doc or None
            if f.name not in optional and (f.name in required or not f.nullable):
                out[f.name] = (py, PField(description=doc))
            else:
                out[f.name] = (py | None, PField(None, description=doc))
        return out
