"""Response models of the HTTP API: the OpenAPI schema clients code against.

The read functions in queries.py and analysis.py return DataFrames and
dicts; these models fix the field names and types that go over the wire,
so a column renamed in SQL breaks a test here instead of a client
somewhere. The models of rows that come from stored tables are derived
from the query's projection (store/schema.py), so a stored column has one
declared type and description. Fields carry descriptions because the
generated /docs page is the API's reference.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..analysis import dyads
from ..store import queries
from ..store.schema import Projection


class _Model(BaseModel):
    # Rows from SQL may carry extra columns; they are dropped, not an error.
    model_config = ConfigDict(extra="ignore")


class ErrorBody(_Model):
    code: str = Field(description="Stable error code: E1xx input, E3xx store, E5xx query "
                                  "(see errors.py), or an HTTP-level code such as "
                                  "'unauthorized', 'too_large', 'timeout', 'invalid_request'.")
    message: str = Field(description="What went wrong and what to do next.")


class ErrorResponse(_Model):
    """Every error response has this shape, whatever the status code."""

    error: ErrorBody


class Page(_Model):
    limit: int = Field(description="Page size asked for.")
    offset: int = Field(description="Rows skipped before this page.")
    next_offset: int | None = Field(
        None, description="Offset of the next page, or null when this is the last one.")


def _rows(name: str, projection: Projection, doc: str, *, base: type[_Model] = _Model,
          required: tuple[str, ...] = (), optional: tuple[str, ...] = (),
          docs: dict[str, str] | None = None, **extra: Any) -> type[_Model]:
    """The model of a query's rows, from its projection: stored columns keep
    their declared type, nullability and description (store/schema.py);
    `required`/`optional` and `docs` keep what the API promised clients where
    it differs from the stored column."""
    fields = projection.model_fields(required=required, optional=optional, docs=docs)
    return create_model(name, __base__=base, __doc__=doc, **fields, **extra)


EventRow = _rows("EventRow", queries.EVENT_LIST, "One event mention in a listing.",
                 distance_km=(float | None, Field(None, description=queries.DISTANCE.column.doc)))
QuoteRef = _rows("QuoteRef", queries.EVENT_QUOTE, "The quote an event was said in.")
OtherMention = _rows("OtherMention", queries.OTHER_MENTION,
                     "Another report of the same deduplicated event.")
ArticleEvent = _rows("ArticleEvent", queries.ARTICLE_EVENT, "An event found in the article.")
ArticleQuote = _rows("ArticleQuote", queries.ARTICLE_QUOTE, "A quote in the article.")
QuoteRow = _rows("QuoteRow", queries.QUOTE_LIST, "A quote with its speaker and article.")


class EventPage(Page):
    total: int = Field(description="Rows matching the filters, over all pages.")
    items: list[EventRow]


class Sentence(_Model):
    text: str | None = None
    index: int | None = Field(None, description="Sentence number in the article (0-based).")
    trigger: list[int] | None = Field(None, description="[start, end) of the trigger in "
                                                        "`text`, for highlighting.")
    source: list[int] | None = Field(None, description="[start, end) of the source actor's "
                                                       "mention in `text`.")
    target: list[int] | None = Field(None, description="[start, end) of the target actor's "
                                                       "mention in `text`.")


class ArticleRef(_Model):
    id: str
    title: str | None = None
    outlet: str | None = None
    date: dt.date | None = None
    url: str | None = None
    byline: str | None = None
    story_id: str | None = Field(None, description="Articles telling the same story share it.")


class EventDetail(_Model):
    """One event with everything that shows where it came from."""

    event: dict[str, Any] = Field(description="Every stored column of the event mention "
                                              "(actors, type, date and how it was found, "
                                              "location, the pattern that fired).")
    sentence: Sentence
    article: ArticleRef
    quotes: list[QuoteRef] = Field(description="The quote the event was said in, if any.")
    canonical: dict[str, Any] | None = Field(None, description="The deduplicated event.")
    other_mentions: list[OtherMention] = Field(
        description="Other reports of the same deduplicated event.")


ArticleRow = _rows(
    "ArticleRow", Projection(tuple(f for f in queries.ARTICLE_LIST.fields
                                   if f.name != "source_path")),
    "One article in a listing.",
    source_file=(str | None, Field(None, description="Name of the file it was read from "
                                                     "(no folders).")))


class ArticlePage(Page):
    items: list[ArticleRow]


ArticleFull = _rows("ArticleFull", queries.ARTICLE_TEXT, "An article with its text.",
                    base=ArticleRow)


class ArticleDetail(_Model):
    article: ArticleFull
    events: list[ArticleEvent]
    quotes: list[ArticleQuote]
    story_id: str
    story_articles: list[str] = Field(description="Other articles of the same story.")


class QuotePage(Page):
    items: list[QuoteRow]


ActorRow = _rows("ActorRow", queries.ACTOR_LIST, "An actor code with its event counts.")


class ActorPage(Page):
    items: list[ActorRow]


class QuadCounts(_Model):
    verbal_cooperation: int
    material_cooperation: int
    verbal_conflict: int
    material_conflict: int


class SeriesPoint(_Model):
    period: dt.date = Field(description="First day of the period.")
    n_events: int
    quad: QuadCounts = Field(description="Counts by QuadClass.")
    types: dict[str, int] = Field(description="Counts by PLOVER type (zeros left out).")
    goldstein_sum: float
    goldstein_mean: float | None = Field(None, description="Null when the period is empty.")
    conflict_share: float | None = Field(None, description="Share of QuadClass 3-4 events; "
                                                           "null when the period is empty.")


class Series(_Model):
    dyad: str
    directed: bool
    freq: str
    unit: str
    points: list[SeriesPoint]


class Alert(_Model):
    dyad: str
    actor_a: str
    actor_b: str
    n_events: int = Field(description="Conflict events in the latest window.")
    intensity: float = Field(description="Sum of max(1, -Goldstein) over them.")
    baseline: list[float] = Field(description="Intensity of each earlier window, oldest first.")
    baseline_median: float
    baseline_mad: float
    scale: float
    z: float = Field(description="Robust z-score of the latest window against the baseline.")
    window_start: dt.date
    window_end: dt.date
    event_ids: list[str] = Field(description="Event mentions that drove it, strongest first.")
    canonical_ids: list[str]
    baseline_events: int = Field(description="Conflict events in the baseline windows together "
                                             "(a dyad with too few does not alert).")


class Alerts(_Model):
    items: list[Alert]


TimelineItem = _rows("TimelineItem", dyads.TIMELINE, "One event of a dyad's timeline.",
                     optional=("sentence", "trigger", "article_id"))


class Timeline(_Model):
    dyad: str
    items: list[TimelineItem]


class Citation(_Model):
    article_id: str | None = None
    title: str | None = None
    outlet: str | None = None
    date: dt.date | None = None
    url: str | None = None


class SummarySentence(_Model):
    text: str
    date: dt.date | None = None
    event_id: str
    canonical_id: str | None = None
    plover: str | None = None
    n_stories: int
    goldstein: float | None = None
    citation: Citation


class Summary(_Model):
    dyad: str
    directed: bool
    since: dt.date | None = None
    until: dt.date | None = None
    n_events: int
    sentences: list[SummarySentence] = Field(description="Verbatim evidence sentences, "
                                                         "in date order.")
    text: str = Field(description="The sentences joined, with [n] citation markers.")


class Edge(_Model):
    source: str
    target: str
    n_events: int
    goldstein_sum: float
    goldstein_mean: float | None = None
    conflict_share: float | None = None


class Network(_Model):
    level: str
    edges: list[Edge]


class DyadCount(_Model):
    source: str
    target: str
    n: int


class IngestStatus(_Model):
    running: bool = Field(description="An ingest is being processed now.")
    queued: int = Field(description="Ingests waiting for the writer.")
    last_run_id: str | None = None


class CoderCount(_Model):
    fingerprint: str | None = Field(None, description="The coder's fingerprint (null: stored "
                                                      "before fingerprints).")
    articles: int


class Stats(_Model):
    articles: int
    stories: int
    sentences: int
    events: int = Field(description="Stored event mentions.")
    factual_events: int
    canonical_events: int = Field(description="Deduplicated factual events (the counting unit).")
    quotes: int
    errors: int = Field(description="Documents that could not be read or coded.")
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    events_by_type: dict[str, int]
    top_dyads: list[DyadCount]
    coders: list[CoderCount] = Field(default_factory=list, description="Articles per coder "
                                     "fingerprint (which version of the tables coded them).")
    ingest: IngestStatus
    writes_enabled: bool = Field(description="False when no API token is configured.")


class StoredArticle(_Model):
    article_id: str
    doc_id: str | None = Field(None, description="The record's own id, if it had one.")
    title: str | None = None
    event_ids: list[str]


class DuplicateArticle(_Model):
    article_id: str
    doc_id: str | None = None
    title: str | None = None


class FailedRecord(_Model):
    where: str = Field(description="Record or file (and line) that failed, e.g. request:3.")
    doc_id: str | None = None
    code: str
    reason: str


class IngestResult(_Model):
    """What a POST /api/articles did."""

    run_id: str | None = None
    n_read: int = Field(description="Documents read from the request.")
    n_stored: int
    n_duplicate: int = Field(description="Documents already stored (same cleaned text).")
    n_failed: int
    n_events: int = Field(description="Events coded in the stored documents.")
    seconds: float
    stored: list[StoredArticle]
    duplicates: list[DuplicateArticle]
    failures: list[FailedRecord]


class RecordIn(_Model):
    """One article to ingest (the same fields as a JSON Lines record)."""

    text: str = Field(description="Article text (required).")
    title: str | None = None
    date: str | None = Field(None, description="Publication date, YYYY-MM-DD.")
    url: str | None = None
    outlet: str | None = None
    id: str | int | None = Field(None, description="Your id for the document.")
