"""Event patterns: the readable YAML files in data/patterns/, validated on load.

Why data files: a coder's decisions must be auditable and changeable by people
who do not read Python. Every Event records the id of the pattern that fired;
that id is a key of these files. Validation is strict because a typo in a
pattern silently loses events: an unknown key, a missing field or a CAMEO code
without a PLOVER type raises DataTableError naming the file and the entry.

The schema of data/patterns/verbs.yaml and nouns.yaml (a list under
`patterns:`) is `schemas.PatternEntry`, whose docstring says what each key
means; `tables.load_yaml` validates every file against it (unknown keys,
types, CAMEO codes through the ontology) and names the file, the line and
the entry's id on an error.

data/patterns/modality.yaml holds the grammar words that mark negation,
futures, conditions, reported speech and requests, and the tables that turn a
stated intention into AGREE or THREATEN (see that file's header).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import data_path
from ..errors import error
from .ontology import Ontology
from ..types import Complement

if TYPE_CHECKING:
    from ..schemas import ModalityTables, PatternEntry

DEFAULT_TARGETS = ("dative", "dobj", "to", "with", "against", "on", "at", "into", "toward",
                   "towards", "upon", "for", "from")


@dataclass(frozen=True, slots=True)
class Pattern:
    id: str
    lemmas: frozenset[str]
    cameo: str
    kind: str  # verb | noun
    strength: float = 0.8
    objects: frozenset[str] = frozenset()
    objects_not: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    subjects_not: frozenset[str] = frozenset()
    needs_target: bool = False
    needs_place: bool = False
    active: bool = False
    no_object: bool = False
    preps: frozenset[str] = frozenset()
    pos: frozenset[str] = frozenset()
    targets: tuple[str, ...] = DEFAULT_TARGETS
    symmetric: str | None = None  # None | "all" | "subjects"
    untargeted: str | None = None
    about_other: str | None = None
    promised_only: bool = False
    complement: Complement | None = None
    agent_only: bool = False
    beside: bool = False  # tried beside the pattern that took the word (schemas.PatternEntry)
    source_file: str = ""

    @property
    def specificity(self) -> int:
        """Patterns that demand more (an object, a preposition) are tried first."""
        return 2 * bool(self.objects) + bool(self.preps) + bool(self.subjects)


@dataclass(frozen=True)
class Modality:
    """Grammar words (lemmas) and the intent/refusal/demand code tables."""

    words: dict[str, frozenset[str]]
    intent: dict[str, dict[str, str]]   # AGREE|THREATEN -> {embedded PLOVER type -> CAMEO}
    refusal: dict[str, str]             # embedded PLOVER type -> REJECT CAMEO code
    demand: dict[str, str]              # embedded PLOVER type -> REQUEST CAMEO code
    preparation: str                    # MOBILIZE code for "prepared to <attack>"

    def __getitem__(self, name: str) -> frozenset[str]:
        return self.words[name]


@dataclass(frozen=True)
class PatternSet:
    """All patterns, indexed by trigger lemma, plus the modality lexicon."""

    verbs: dict[str, tuple[Pattern, ...]]
    nouns: dict[str, tuple[Pattern, ...]]
    modality: Modality
    by_id: dict[str, Pattern] = field(default_factory=dict)

    @classmethod
    def from_package(cls, ontology: Ontology) -> "PatternSet":
        return cls.from_dir(data_path("patterns"), ontology)

    @classmethod
    def from_dir(cls, folder: str | Path, ontology: Ontology) -> "PatternSet":
        from ..schemas import ModalityTables, PatternFile  # read back from the prebuilt
        from ..tables import load_yaml  # cache, a process loads neither (prebuilt.py)

        folder = Path(folder)
        files = sorted(folder.glob("*.yaml"))
        if not files:
            raise error("E406", file=folder, problem="no pattern files (*.yaml) in this folder")
        context = {"ontology": ontology}
        patterns: list[Pattern] = []
        modality = None
        for path in files:
            if path.stem == "modality":
                modality = _modality(path, load_yaml(path, ModalityTables, context=context),
                                     ontology)
                continue
            kind = "noun" if path.stem.startswith("noun") else "verb"
            table = load_yaml(path, PatternFile, context=context)
            patterns.extend(_pattern(path, entry, kind) for entry in table.patterns)
        if modality is None:
            raise error("E406", file=folder / "modality.yaml", problem="the file is missing")
        by_id: dict[str, Pattern] = {}
        for p in patterns:
            if p.id in by_id:
                raise error("E407", file=p.source_file, entry=f"pattern {p.id}", key="pattern id",
                            value=p.id, other=by_id[p.id].source_file)
            by_id[p.id] = p
        return cls(_index(p for p in patterns if p.kind == "verb"),
                   _index(p for p in patterns if p.kind == "noun"), modality, by_id)


def _index(patterns: Iterable[Pattern]) -> dict[str, tuple[Pattern, ...]]:
    index: dict[str, list[Pattern]] = {}
    for p in patterns:
        for lemma in p.lemmas:
            index.setdefault(lemma, []).append(p)
    # stable: more specific first, then file order
    return {k: tuple(sorted(v, key=lambda p: -p.specificity)) for k, v in index.items()}


def _pattern(path: Path, entry: PatternEntry, kind: str) -> Pattern:
    """The coder's record of a validated entry: lemmas lower-cased, default
    targets and parts of speech filled in, `symmetric` as None/"all"/"subjects"."""
    def words(values: list[str]) -> frozenset[str]:
        return frozenset(v.strip().lower() for v in values)

    pos = words(entry.pos) or (frozenset({"noun", "propn"}) if kind == "noun" else frozenset({"verb"}))
    targets = DEFAULT_TARGETS if entry.target is None else tuple(t.lower() for t in entry.target)
    symmetric = {False: None, True: "all", "subjects": "subjects"}[entry.symmetric]
    return Pattern(
        id=entry.id, lemmas=words(entry.lemma), cameo=entry.cameo, kind=kind,
        strength=float(entry.strength), objects=words(entry.object),
        objects_not=words(entry.object_not), subjects=words(entry.subject),
        subjects_not=words(entry.subject_not), needs_target=entry.needs_target,
        needs_place=entry.needs_place,
        active=entry.active, no_object=entry.no_object, preps=words(entry.prep),
        pos=frozenset(p.upper() for p in pos), targets=targets, symmetric=symmetric,
        untargeted=entry.untargeted, about_other=entry.about_other, complement=entry.complement,
        promised_only=entry.promised_only,
        agent_only=entry.agent_only, beside=entry.beside,
        source_file=path.name,
    )


def _modality(path: Path, data: ModalityTables, ontology: Ontology) -> Modality:
    """The modality lexicon; each code table must give codes of its own type
    (intent.AGREE -> AGREE codes, refusal -> REJECT, demand -> REQUEST)."""
    from ..schemas import ModalityTables
    from ..tables import entry_error

    words = {name: frozenset(w.strip().lower() for w in getattr(data, name))
             for name in ModalityTables.model_fields
             if name not in ("intent", "refusal", "demand", "preparation")}

    def table(value: dict[str, str], key: str, expect: str) -> dict[str, str]:
        for plover, code in value.items():
            if plover not in ontology.plover:
                raise entry_error(path, key, f"{plover!r} is not a PLOVER type")
            if ontology.cameo[code].plover != expect:
                raise entry_error(path, f"{key}.{plover}", f"CAMEO {code} is "
                                  f"{ontology.cameo[code].plover}, expected {expect}")
        return dict(value)

    intent = {goal: table(data.intent[goal], f"intent.{goal}", goal) for goal in ("AGREE", "THREATEN")}
    if ontology.cameo[data.preparation].plover != "MOBILIZE":
        raise entry_error(path, "preparation", f"CAMEO {data.preparation} is not a MOBILIZE code")
    return Modality(words, intent, table(data.refusal, "refusal", "REJECT"),
                    table(data.demand, "demand", "REQUEST"), data.preparation)
