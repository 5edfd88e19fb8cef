"""Declared shapes of the data tables, as pydantic models (spaCy's schemas.py
does the same for token patterns).

Why declared: the shape of a table was prose in a header comment plus hand
checks in each loader, and they drifted. Each model here is the schema of
one file (or of one row of a CSV/TSV file: its fields are the columns, in
order); `extra="forbid"` refuses a misspelt key instead of ignoring it.
`tables.py` loads a file into its model and turns a validation error into a
DataTableError naming the file, the entry and the problem. Checks that need
another table (a sector defined in sectors.yaml, a CAMEO code of the
ontology) read it from the validation context.

The models check and normalise; the coders' own frozen records (actor_tables,
patterns, ...) are built from them, so a model never leaks into coding.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictFloat, StrictStr,
                      ValidationInfo, field_validator, model_validator)

from .types import Complement


class Schema(BaseModel):
    """Base of every table schema: unknown keys are errors, values are immutable.

    Each model's validator is built when a table is first validated
    (`defer_build`), not when this module is imported: a process that reads
    its tables back from the prebuilt cache (prebuilt.py) validates nothing,
    and building them all cost it 0.02-0.03 CPU-s."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _as_list(value: object) -> object:
    """A single word may be written without brackets."""
    return [value] if isinstance(value, str) else value


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("an empty word")
    return value


Words = Annotated[list[Annotated[StrictStr, Field(min_length=1)]], BeforeValidator(_as_list)]
Cameo = Annotated[StrictStr, Field(pattern=r"^[0-9]{2,4}$",
                                   description='a CAMEO code, quoted ("040") to keep its zero')]


def _optional(value: object) -> object:
    """An empty CSV field is a missing value."""
    return None if value == "" else value


OptionalDate = Annotated[dt.date | None, BeforeValidator(_optional)]


def _known(value: str | None, info: ValidationInfo, key: str, table: str) -> str | None:
    """`value` must be one of context[key] (codes another table defines)."""
    known = (info.context or {}).get(key)
    if value is not None and known is not None and value not in known:
        raise ValueError(f"{value!r} is not defined in {table}")
    return value


# ------------------------------------------------------------------ actors

class CountryRow(Schema):
    """countries.csv: a country, its names and the words for its people and capital."""

    iso3: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    name: Annotated[str, Field(min_length=1)]
    aliases: str
    demonyms: str
    capitals: str


class PersonRow(Schema):
    """people.csv: one person in one office for a period (end empty: in office)."""

    name: Annotated[str, Field(min_length=1)]
    aliases: str
    country: str
    sector: Annotated[str | None, BeforeValidator(_optional)]
    role: str
    start: OptionalDate
    end: OptionalDate

    @model_validator(mode="after")
    def _ordered(self) -> "PersonRow":
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class OrganisationRow(Schema):
    """organisations.csv: an organisation's CAMEO code over a period."""

    name: Annotated[str, Field(min_length=1)]
    aliases: str
    code: Annotated[str, Field(pattern=r"^(?:[A-Z]{3}|---)(?:[A-Z0-9]{3})*$")]
    country: Annotated[str | None, BeforeValidator(_optional)]
    sector: Annotated[str | None, BeforeValidator(_optional)]
    kind: Literal["igo", "ngo", "group", "country"]
    start: OptionalDate
    end: OptionalDate


class Sector(Schema):
    name: str
    words: Words = []
    inherit: Words = []  # words that take the sector of the sector word before them
    needs_country: Words = []
    without_country: dict[StrictStr, StrictStr] = {}


class SectorsTable(Schema):
    """sectors.yaml: sector code -> its words."""

    sectors: dict[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], Sector]


class Title(Schema):
    title: Annotated[StrictStr, Field(min_length=1)]
    sector: StrictStr
    country: StrictStr | None = None
    kind: StrictStr | None = None
    inherit: StrictBool = False

    @field_validator("sector")
    @classmethod
    def _sector(cls, value: str, info: ValidationInfo) -> str:
        return _known(value, info, "sectors", "sectors.yaml")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None, info: ValidationInfo) -> str | None:
        return _known(value, info, "countries", "countries.csv")


class TitlesTable(Schema):
    """titles.yaml: titles of office holders and their sector."""

    titles: list[Title]


class Korea(Schema):
    context_markers: Words = []
    south_markers: Words = []
    bare: Words = []
    north_south: dict[StrictStr, StrictStr] = {}


class CountryGroup(Schema):
    phrase: StrictStr
    countries: list[StrictStr]

    @field_validator("countries")
    @classmethod
    def _countries(cls, value: list[str], info: ValidationInfo) -> list[str]:
        for code in value:
            _known(code, info, "countries", "countries.csv")
        return value


class PluralReference(Schema):
    phrase: StrictStr
    count: Annotated[int, Field(ge=1)]
    sector: StrictStr | None = None
    people: StrictBool = False


class ActorRules(Schema):
    """actor_rules.yaml: the actor coder's word lists and special phrases."""

    korea: Korea = Korea()
    country_groups: list[CountryGroup] = []
    plural_references: list[PluralReference] = []
    non_actors: Words = []
    modifiers: Words = []
    region_words: Words = []
    former_markers: Words = []
    locative_prepositions: Words = []
    context_sectors: Words = []
    hyphen_suffixes: Words = []
    family_name_first: Words = []
    surname_roles: Words = []
    surname_roles_family_first: Words = []
    surname_stoplist: Words = []
    person_pronouns: Words = []
    thing_pronouns: Words = []
    expletive_heads: Words = []


class Gendered(Schema):
    male: Words = []
    female: Words = []


class Pronouns(Gendered):
    plural: Words = []


class GenderedWords(Schema):
    """gendered_words.yaml: words that state a person's gender."""

    pronouns: Pronouns
    honorifics: Gendered
    titles: Gendered
    nouns: Gendered


# ------------------------------------------------------------------ sources

class BoilerplateRules(Schema):
    """boilerplate.yaml: what the cleaner drops and the outlet names it knows."""

    exact_lines: list[StrictStr]
    line_patterns: list[StrictStr]
    tail_markers: list[StrictStr]
    section_words: list[StrictStr]
    outlet_words: list[StrictStr]
    outlets: dict[StrictStr, list[StrictStr] | None]


# ------------------------------------------------------------------ quotes

class ReportingVerbs(Schema):
    """reporting_verbs.yaml: verbs of saying ('say', 'point out') and
    two-word source phrases ('according to')."""

    verbs: list[Annotated[StrictStr, Field(pattern=r"^\s*\S+(?:\s+\S+)?\s*$")]]
    source_phrases: list[Annotated[StrictStr, Field(pattern=r"^\s*\S+\s+\S+\s*$")]] | None = None


# ------------------------------------------------------------------ geography

class GeoHints(Schema):
    """geo_hints.yaml: feature words and syntactic roles for placing events."""

    locative_preps: list[StrictStr]
    weak_preps: list[StrictStr]
    relative_words: list[StrictStr]
    not_places: list[StrictStr]
    admin1_words: list[StrictStr]
    place_words: list[StrictStr]
    country_words: list[StrictStr]
    coast_words: list[StrictStr]
    actor_heads: list[StrictStr]
    destination_verbs: list[StrictStr]
    actor_deps: list[StrictStr]


class CountryPointRow(Schema):
    """geo_countries.csv: the point an event placed in a country gets."""

    iso2: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    geonameid: int
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


class Admin1Row(Schema):
    """geo_admin1.tsv: a first-level division (code is ISO2.admin1 code)."""

    code: Annotated[str, Field(pattern=r"^[A-Z]{2}\.\w+$")]
    name: Annotated[str, Field(min_length=1)]
    geonameid: int
    aliases: str


class PlaceRow(Schema):
    """geo_places.csv: a site, border island, sea or region, or an alias of a
    country (country_alias, by ISO3) or of a city (city_alias, by geonameid)."""

    name: Annotated[str, Field(min_length=1)]
    aliases: str
    kind: Literal["place", "region", "country_alias", "city_alias"]
    country: str
    geonameid: Annotated[int | None, BeforeValidator(_optional)]
    lat: Annotated[float | None, BeforeValidator(_optional)]
    lon: Annotated[float | None, BeforeValidator(_optional)]
    weight: Annotated[int | None, BeforeValidator(_optional)]
    note: str

    @model_validator(mode="after")
    def _point(self) -> "PlaceRow":
        if self.kind in ("place", "region") and None in (self.lat, self.lon, self.weight):
            raise ValueError(f"a {self.kind} needs lat, lon and weight")
        return self


# ------------------------------------------------------------------ patterns


def _cameo_of_ontology(code: str, info: ValidationInfo) -> str:
    """A CAMEO code the ontology knows and maps to a PLOVER type."""
    ontology = (info.context or {}).get("ontology")
    if ontology is None:
        return code
    if code not in ontology.cameo:
        raise ValueError(f"{code!r} is not a CAMEO code of the ontology")
    if ontology.cameo[code].plover is None:
        raise ValueError(f"CAMEO {code} ({ontology.cameo[code].name}) has no PLOVER type, "
                         f"so it cannot make an event")
    return code


class PatternEntry(Schema):
    """One event pattern of data/patterns/verbs.yaml or nouns.yaml.

    id: unique across files (Event.pattern, the audit trail); lemma: trigger
    lemma(s); cameo: its code (PLOVER type, Goldstein and QuadClass come from
    the ontology); strength: how reliably the words mean the event. object /
    object_not, subject / subject_not: required / refused lemmas of the object
    (of the direct object, passive subject or prepositional object, or their
    compound or adjective modifiers; for a noun, of its "of" complement: "the
    activation of a force") and of the subject. needs_target: no
    event without a target. needs_place: with no target, an event only when
    a preposition of the trigger names a place ("returned to Geneva"; not
    "came to our forces", "comes together in a manner"). no_object: only without a direct object. active:
    adjectival participles read as active ("X is opposed to Y"). prep:
    required preposition or particle child. pos: allowed parts of speech
    (default VERB for verbs, NOUN/PROPN for nouns). target: where the target
    is looked for, in order ("dobj", "dative" or a preposition; "judged": a
    predicate adjective or noun whose reported subject's actor is criticised by
    the speaker, "X said Y's move was illegal"; "subject": the subject undergoes
    the act, "X faces charges"). symmetric:
    true (joint acts: every ordered pair, both directions) or "subjects" (only
    coordinated subjects pair up). untargeted: the CAMEO code when no target
    is found. about_other: the CAMEO code when the trigger's "that" clause is
    about another party's doing, not the source's own ("warned that X's
    moves would divide the country" criticises; "warned that it will
    retaliate" threatens). promised_only: the words name an act only as
    something promised or threatened ("could retaliate", "will take revenge"):
    said of a past act they code nothing, the act itself is coded by other
    words ("retaliated with tariffs"). complement: how events in the trigger's clausal complement are
    marked (intent, derive, negate, request, allege, threat, obligation; see
    event_context.py). agent_only (nouns): coded only when the doer is named
    by "from" or "by" ("support from X"), then with or without a target; an
    owner ("X's support for Y") describes a standing stance. beside: tried even
    when another pattern already took the word, to code a second reading of the
    same words ("called Y's claims baseless": a rejection and an accusation of lying).
    note: free text.
    """

    id: Annotated[StrictStr, Field(min_length=1)]
    lemma: Words
    cameo: Cameo
    strength: Annotated[StrictFloat, Field(gt=0, le=1)] = 0.8
    object: Words = []
    object_not: Words = []
    subject: Words = []
    subject_not: Words = []
    needs_target: StrictBool = False
    needs_place: StrictBool = False
    active: StrictBool = False
    no_object: StrictBool = False
    prep: Words = []
    pos: Words = []
    target: Words | None = None
    symmetric: StrictBool | Literal["subjects"] = False
    untargeted: Cameo | None = None
    about_other: Cameo | None = None
    promised_only: StrictBool = False
    complement: Complement | None = None
    agent_only: StrictBool = False
    beside: StrictBool = False
    note: StrictStr | None = None

    @field_validator("lemma", "object", "object_not", "subject", "subject_not", "prep", "pos")
    @classmethod
    def _words(cls, value: list[str]) -> list[str]:
        for word in value:
            _nonblank(word)
        return value

    @field_validator("cameo", "untargeted", "about_other")
    @classmethod
    def _cameo(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _cameo_of_ontology(value, info)


class PatternFile(Schema):
    """verbs.yaml / nouns.yaml: a list of patterns under `patterns:`."""

    patterns: list[PatternEntry]


class ModalityTables(Schema):
    """modality.yaml: grammar words (lemmas) marking negation, futures,
    conditions, reported speech and requests, and the tables that turn a
    stated intention into AGREE or THREATEN (PLOVER type -> CAMEO code)."""

    future_aux: Words
    hypothetical_aux: Words
    obligation_aux: Words
    obligation_verbs: Words
    cognition_verbs: Words
    domestic_critics: Words
    illustrative_verbs: Words
    intent_verbs: Words
    intent_adjectives: Words
    intent_nouns: Words
    request_nouns: Words
    content_nouns: Words
    negating_nouns: Words
    preparation_verbs: Words
    purpose_verbs: Words
    journey_verbs: Words
    directive_verbs: Words
    convening_verbs: Words
    meeting_nouns: Words
    meeting_purposes: Words
    deliberation_verbs: Words
    comment_verbs: Words
    wish_verbs: Words
    circumstance_preps: Words
    negating_verbs: Words
    refusal_verbs: Words
    support_verbs: Words
    speech_verbs: Words
    allegation_verbs: Words
    denial_verbs: Words
    reception_verbs: Words
    request_verbs: Words
    object_control_verbs: Words
    condition_marks: Words
    negation_words: Words
    pronouns: Words
    people_nouns: Words
    prospective_modifiers: Words
    prospective_preps: Words
    standing_nouns: Words
    news_modifiers: Words
    attack_nouns: Words
    question_verbs: Words
    background_marks: Words
    document_nouns: Words
    inference_verbs: Words
    forecast_words: Words
    belief_verbs: Words
    recall_adverbs: Words
    recall_periods: Words
    recall_modifiers: Words
    commentator_nouns: Words
    institution_nouns: Words
    intent: dict[Literal["AGREE", "THREATEN"], dict[StrictStr, Cameo]]
    refusal: dict[StrictStr, Cameo]
    demand: dict[StrictStr, Cameo]
    preparation: Cameo

    @field_validator("intent")
    @classmethod
    def _both_goals(cls, value: dict, info: ValidationInfo) -> dict:
        if set(value) != {"AGREE", "THREATEN"}:
            raise ValueError("intent must have exactly the keys AGREE and THREATEN")
        for table in value.values():
            for code in table.values():
                _cameo_of_ontology(code, info)
        return value

    @field_validator("refusal", "demand")
    @classmethod
    def _table_codes(cls, value: dict, info: ValidationInfo) -> dict:
        for code in value.values():
            _cameo_of_ontology(code, info)
        return value

    @field_validator("preparation")
    @classmethod
    def _preparation(cls, value: str, info: ValidationInfo) -> str:
        return _cameo_of_ontology(value, info)
