"""The coding stages, each declared with what it requires and what it assigns.

As spaCy declares its pipes (`Language.factory(..., requires=, assigns=)`,
checked by `analyze_pipes`), every stage here is a `Stage`: a name, the
pieces of the document's `State` it reads, the spaCy attributes it reads
("token.dep", "doc.ents": the pipes to keep are derived from these), the
pieces it adds, and a factory that loads it once. Every loaded stage is
called the same way, `stage(doc, state) -> state`, so `Pipeline.code_doc` is
one loop over the names in `Settings.stages`, and `check` refuses at load
time an order in which a stage would read what no earlier stage assigned.

An event is made once, by the event coder, and never rebuilt on the way:
the stages after it add what they find about an event as records keyed by
its id (its place in `locations`, the arguments the place completes in
`completions`, its quote in `quote_links`), and `State.result` applies them
once when the document's `DocResult` is made. The id an event is made with
is the id it is stored with.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..config import Settings
from ..errors import error
from ..types import Actor, Article, DocResult, Event, Location, Mention, Quote, Sentence

#: A loaded stage: reads the parsed Doc and the state, returns the state with its pieces added.
StageFn = Callable[[object, "State"], "State"]


@dataclass(frozen=True, slots=True)
class Completion:
    """Arguments an event takes from where it happened (see `places.complete_from_places`)."""

    source: Actor | None
    target: Actor | None
    target_text: str | None
    confidence: float


@dataclass(frozen=True, slots=True)
class State:
    """What is known about one document so far; each stage returns a new one.

    `article` and `text` (the text the Doc was parsed from) are given; every
    other field is a piece some stage assigns. The per-event maps are keyed by
    `Event.id`.
    """

    article: Article
    text: str
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    events: tuple[Event, ...] = ()
    locations: Mapping[str, Location] = field(default_factory=dict)
    completions: Mapping[str, Completion] = field(default_factory=dict)
    quote_links: Mapping[str, str] = field(default_factory=dict)
    quotes: tuple[Quote, ...] = ()
    signature: tuple[int, ...] = ()

    def result(self) -> DocResult:
        """The document's record, each event with what later stages added to it."""
        events = tuple(_finished(e, self.locations.get(e.id), self.completions.get(e.id),
                                 self.quote_links.get(e.id)) for e in self.events)
        return DocResult(self.article, self.sentences, self.mentions, events, self.quotes,
                         self.signature)


#: Pieces a stage may assign (the given `article` and `text` are there from the start).
GIVEN = frozenset({"article", "text"})
PIECES = frozenset(f.name for f in dataclasses.fields(State)) - GIVEN
_EVENT_FIELDS = tuple(f.name for f in dataclasses.fields(Event))


def _finished(e: Event, location: Location | None, completion: Completion | None,
              quote_id: str | None) -> Event:
    """The event with its enrichments, built in one call (`dataclasses.replace`
    reads every field's definition again on each call; every event passes here)."""
    if location is None and completion is None and quote_id is None:
        return e
    values = {name: getattr(e, name) for name in _EVENT_FIELDS}
    if location is not None:
        values["location"] = location
    if completion is not None:
        values.update(source=completion.source, target=completion.target,
                      target_text=completion.target_text, confidence=completion.confidence)
    values["quote_id"] = quote_id
    return Event(**values)


@dataclass(frozen=True)
class Stage:
    """A declared stage. `requires` names State pieces and spaCy attributes
    ("token.*", "doc.*"); `make(settings)` loads it (once per process)."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    make: Callable[[Settings], StageFn]

    @property
    def spacy_attrs(self) -> tuple[str, ...]:
        return tuple(r for r in self.requires if r.startswith(("token.", "doc.")))


def check(names: Iterable[str], registry: Mapping[str, Stage]) -> tuple[Stage, ...]:
    """The stages in order, after checking that each one's requirements are
    assigned by an earlier stage (spaCy attributes are checked against the
    model when it loads). StageError names the stage and the missing piece."""
    stages: list[Stage] = []
    assigned = set(GIVEN)
    for name in names:
        stage = registry.get(name)
        if stage is None:
            raise error("E421", stage=name, known=", ".join(registry))
        unknown = [a for a in stage.assigns if a not in PIECES]
        if unknown:
            raise error("E422", stage=name, unknown=", ".join(unknown),
                        pieces=", ".join(sorted(PIECES)))
        for need in stage.requires:
            if need not in assigned and need not in stage.spacy_attrs:
                makers = [s.name for s in registry.values() if need in s.assigns]
                advice = (f"Put {' or '.join(repr(m) for m in makers)} before {name!r} in "
                          f"Settings.stages." if makers else "No known stage assigns it.")
                raise error("E420", stage=name, need=need, advice=advice)
        assigned.update(stage.assigns)
        stages.append(stage)
    return tuple(stages)


# -- the stages ---------------------------------------------------------------------------------
def _sentences(settings: Settings) -> StageFn:
    from .nlp import sentences

    def run(doc, state: State) -> State:
        text, aid = state.text, state.article.id
        return dataclasses.replace(state, sentences=tuple(
            Sentence(aid, i, text[s.start_char:s.end_char], s.start_char, s.end_char)
            for i, s in enumerate(sentences(doc))))
    return run


def _actors(settings: Settings) -> StageFn:
    from .actors import ActorCoder

    coder = ActorCoder.from_package()
    return lambda doc, state: dataclasses.replace(
        state, mentions=tuple(coder.code(doc, state.article)))


def _events(settings: Settings) -> StageFn:
    from .events import EventCoder
    from .quotes import QuoteExtractor

    coder = EventCoder.from_package()
    quotes = QuoteExtractor.from_package()  # a direct quote's speaker speaks its first person
    return lambda doc, state: dataclasses.replace(state, events=coder.code(
        doc, state.article, state.mentions, quotes.direct_speakers(doc, state.article)))


class GeoStage:
    """Places every event; keeps its geocoder for the query side (`--near`)."""

    def __init__(self, settings: Settings) -> None:
        from .geo import Geocoder

        self.geocoder = Geocoder.from_package()

    def __call__(self, doc, state: State) -> State:
        return dataclasses.replace(state, locations=self.geocoder.locations(
            doc, state.article, state.mentions, state.events))


def _places(settings: Settings) -> StageFn:
    from .ontology import Ontology
    from .places import complete_from_places

    ontology = Ontology.from_package()
    return lambda doc, state: dataclasses.replace(state, completions=complete_from_places(
        state.events, state.locations, doc, ontology))


def _quotes(settings: Settings) -> StageFn:
    from .quotes import QuoteExtractor

    extractor = QuoteExtractor.from_package()

    def run(doc, state: State) -> State:
        quotes, links = extractor.extract(doc, state.article, state.mentions, state.events)
        return dataclasses.replace(state, quotes=quotes, quote_links=links)
    return run


def _signature(settings: Settings) -> StageFn:
    from ..store import dedup

    return lambda doc, state: dataclasses.replace(
        state, signature=dedup.signature(state.article.text, settings))


_PARSE = ("token.tag", "token.pos", "token.dep", "token.lemma", "doc.sents")

#: Every stage dyadwatch knows, by name (`Settings.stages` lists the ones that run, in order).
STAGES: Mapping[str, Stage] = MappingProxyType({s.name: s for s in (
    Stage("sentences", ("doc.sents",), ("sentences",), _sentences),
    Stage("actors", (*_PARSE, "doc.ents"), ("mentions",), _actors),
    Stage("events", ("mentions", *_PARSE), ("events",), _events),
    Stage("geo", ("mentions", "events", *_PARSE, "doc.ents"), ("locations",), GeoStage),
    Stage("places", ("events", "locations", "doc.sents"), ("completions",), _places),
    Stage("quotes", ("mentions", "events", *_PARSE), ("quotes", "quote_links"), _quotes),
    Stage("signature", (), ("signature",), _signature),
)})
