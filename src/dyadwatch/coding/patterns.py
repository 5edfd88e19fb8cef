"""Event patterns: the readable YAML files in data/patterns/, validated on load.

Why data files: a coder's decisions must be auditable and changeable by people
who do not read Python. Every Event records the id of the pattern that fired;
that id is a key of these files. Validation is strict because a typo in a
pattern silently loses events: an unknown key, a missing field or a CAMEO code
without a PLOVER type raises DataTableError naming the file and the entry.

Schema of data/patterns/verbs.yaml and nouns.yaml (a list under `patterns:`):

    - id: hold-talks          # unique across all files; the Event.pattern audit trail
      lemma: [hold, resume]   # word lemma(s) of the trigger (required)
      cameo: "040"            # CAMEO code (required); PLOVER, Goldstein, QuadClass come from the ontology
      strength: 0.9           # 0..1, how reliably the words mean this event (default 0.8)
      object: [talk, negotiation]   # required object lemma (light verbs): of the direct object,
                                    # passive subject or prepositional object, or one of their
                                    # compound/adjective modifiers ("hunger strike")
      object_not: [minister]  # the pattern does not fire with these object lemmas
      subject: [peacekeeper]  # required lemma of the subject ("peacekeepers arrived")
      subject_not: [troop]    # the pattern does not fire with these subject lemmas
      needs_target: true      # no event without a target ("X charged" alone is a verb of saying)
      no_object: true         # only without a direct object ("returned to Geneva", not
                              # "returned the land")
      active: true            # adjectival participles read as active ("X is opposed to Y",
                              # "forces were engaged in cleansing"): the subject is the source
      prep: [on]              # required preposition or particle child ("call on", "cut off")
      pos: [VERB]             # allowed parts of speech of the trigger (default VERB for verbs,
                              # NOUN/PROPN for nouns)
      target: [dobj, to, with]   # where the target is looked for, in order: "dobj", "dative"
                                 # or a preposition (on the trigger or the light verb's object)
      symmetric: true         # joint acts: coordinated subjects give every ordered pair, and
                              # source + target give both directions (talks, agreements);
                              # "subjects": only coordinated subjects pair up ("X and Y agreed"),
                              # a source with a target stays one direction ("X agreed to Y's plan")
      untargeted: "150"       # CAMEO code to use when no target is found ("launched missiles")
      complement: intent      # how events in the trigger's clausal complement are marked:
                              #   intent (agree/offer to X: future), derive (promise/vow to X:
                              #   the governor takes AGREE or THREATEN from X), negate (refuse
                              #   to X), request (urge X to Y: Y is hypothetical, its subject
                              #   is X), allege (accuse X of Y: Y is not coded), threat,
                              #   obligation (the trigger is a modal: "X said Y must Z" is X's
                              #   REQUEST to Y whatever Z is)
      note: "free text"       # why the pattern exists or what it deliberately leaves out

data/patterns/modality.yaml holds the grammar words that mark negation,
futures, conditions, reported speech and requests, and the tables that turn a
stated intention into AGREE or THREATEN (see that file's header).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..config import data_path
from ..errors import DataTableError
from .ontology import Ontology

PATTERN_KEYS = {"id", "lemma", "cameo", "strength", "object", "object_not", "prep", "pos", "target",
                "symmetric", "untargeted", "complement", "note", "subject", "subject_not",
                "needs_target", "active", "no_object"}
COMPLEMENTS = {"intent", "derive", "negate", "request", "allege", "threat", "obligation"}
DEFAULT_TARGETS = ("dative", "dobj", "to", "with", "against", "on", "at", "into", "toward",
                   "towards", "upon", "for", "from")
MODALITY_LISTS = ("future_aux", "hypothetical_aux", "obligation_aux", "intent_verbs",
                  "intent_adjectives", "intent_nouns", "request_nouns", "content_nouns", "negating_nouns", "preparation_verbs", "purpose_verbs",
                  "deliberation_verbs", "comment_verbs", "wish_verbs", "circumstance_preps", "negating_verbs",
                  "refusal_verbs", "support_verbs", "speech_verbs", "allegation_verbs",
                  "request_verbs", "object_control_verbs", "condition_marks", "negation_words",
                  "pronouns", "people_nouns", "prospective_modifiers",
                  "prospective_preps", "attack_nouns",
                  "question_verbs", "background_marks", "document_nouns", "inference_verbs",
                  "forecast_words", "belief_verbs")
MODALITY_TABLES = ("intent", "refusal", "demand", "preparation")


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
    active: bool = False
    no_object: bool = False
    preps: frozenset[str] = frozenset()
    pos: frozenset[str] = frozenset()
    targets: tuple[str, ...] = DEFAULT_TARGETS
    symmetric: str | None = None  # None | "all" | "subjects"
    untargeted: str | None = None
    complement: str | None = None
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
        folder = Path(folder)
        files = sorted(folder.glob("*.yaml"))
        if not files:
            raise DataTableError(f"no pattern files in {folder}.",
                                 hint="The package data is incomplete: reinstall dyadwatch.")
        patterns: list[Pattern] = []
        modality = None
        for path in files:
            data = _load(path)
            if path.stem == "modality":
                modality = _modality(path, data, ontology)
                continue
            kind = "noun" if path.stem.startswith("noun") else "verb"
            entries = data.get("patterns") if isinstance(data, dict) else None
            if not isinstance(entries, list):
                raise DataTableError(f"{path}: expected a top-level `patterns:` list.")
            patterns.extend(_pattern(path, i, e, kind, ontology) for i, e in enumerate(entries))
        if modality is None:
            raise DataTableError(f"{folder}/modality.yaml is missing.")
        by_id: dict[str, Pattern] = {}
        for p in patterns:
            if p.id in by_id:
                raise DataTableError(f"{p.source_file}: pattern id {p.id!r} is also used in "
                                     f"{by_id[p.id].source_file}.", hint="Pattern ids must be unique.")
            by_id[p.id] = p
        return cls(_index(p for p in patterns if p.kind == "verb"),
                   _index(p for p in patterns if p.kind == "noun"), modality, by_id)


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. Under YAML 1.1 the prepositions and
    particles these files are made of ("on", "off", "no") would load as booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def _load(path: Path):
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise DataTableError(f"cannot read {path}: {exc}") from exc


def _index(patterns: Iterable[Pattern]) -> dict[str, tuple[Pattern, ...]]:
    index: dict[str, list[Pattern]] = {}
    for p in patterns:
        for lemma in p.lemmas:
            index.setdefault(lemma, []).append(p)
    # stable: more specific first, then file order
    return {k: tuple(sorted(v, key=lambda p: -p.specificity)) for k, v in index.items()}


def _words(value, path: Path, where: str, key: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataTableError(f"{path}: {where}: `{key}` must be a word or a list of words.")
    return frozenset(v.strip().lower() for v in value)


def _cameo(value, path: Path, where: str, key: str, ontology: Ontology) -> str:
    code = str(value).strip() if value is not None else ""
    if code not in ontology.cameo:
        raise DataTableError(f"{path}: {where}: `{key}` {value!r} is not a CAMEO code of the ontology.",
                             hint='Quote codes ("040") so YAML keeps the leading zero.')
    if ontology.cameo[code].plover is None:
        raise DataTableError(f"{path}: {where}: CAMEO {code} ({ontology.cameo[code].name}) has no "
                             f"PLOVER type, so it cannot make an event.")
    return code


def _pattern(path: Path, i: int, entry, kind: str, ontology: Ontology) -> Pattern:
    where = f"entry {i + 1}"
    if not isinstance(entry, dict):
        raise DataTableError(f"{path}: {where} is not a mapping.")
    where = f"entry {i + 1} ({entry.get('id', 'no id')})"
    unknown = set(entry) - PATTERN_KEYS
    if unknown:
        raise DataTableError(f"{path}: {where}: unknown key(s) {', '.join(sorted(unknown))}.",
                             hint=f"Allowed keys: {', '.join(sorted(PATTERN_KEYS))}.")
    for key in ("id", "lemma", "cameo"):
        if key not in entry:
            raise DataTableError(f"{path}: {where}: `{key}` is required.")
    strength = entry.get("strength", 0.8)
    if not isinstance(strength, (int, float)) or not 0 < strength <= 1:
        raise DataTableError(f"{path}: {where}: `strength` must be a number in (0, 1].")
    complement = entry.get("complement")
    if complement is not None and complement not in COMPLEMENTS:
        raise DataTableError(f"{path}: {where}: `complement` must be one of {sorted(COMPLEMENTS)}.")
    targets = entry.get("target")
    if targets is None:
        targets = DEFAULT_TARGETS
    elif isinstance(targets, str):
        targets = (targets,)
    if not isinstance(targets, (list, tuple)) or not all(isinstance(t, str) for t in targets):
        raise DataTableError(f"{path}: {where}: `target` must be a list of slots.")
    pos = _words(entry.get("pos"), path, where, "pos")
    if not pos:
        pos = frozenset({"noun", "propn"}) if kind == "noun" else frozenset({"verb"})
    return Pattern(
        id=str(entry["id"]), lemmas=_words(entry["lemma"], path, where, "lemma"),
        cameo=_cameo(entry["cameo"], path, where, "cameo", ontology), kind=kind,
        strength=float(strength), objects=_words(entry.get("object"), path, where, "object"),
        objects_not=_words(entry.get("object_not"), path, where, "object_not"),
        subjects=_words(entry.get("subject"), path, where, "subject"),
        subjects_not=_words(entry.get("subject_not"), path, where, "subject_not"),
        needs_target=bool(entry.get("needs_target", False)),
        active=bool(entry.get("active", False)),
        no_object=bool(entry.get("no_object", False)),
        preps=_words(entry.get("prep"), path, where, "prep"),
        pos=frozenset(p.upper() for p in pos), targets=tuple(t.lower() for t in targets),
        symmetric=_symmetric_value(entry.get("symmetric"), path, where),
        untargeted=(_cameo(entry["untargeted"], path, where, "untargeted", ontology)
                    if entry.get("untargeted") is not None else None),
        complement=complement, source_file=path.name,
    )


def _symmetric_value(value, path: Path, where: str) -> str | None:
    if value in (None, False):
        return None
    if value is True:
        return "all"
    if value == "subjects":
        return "subjects"
    raise DataTableError(f"{path}: {where}: `symmetric` must be true, false or subjects.")


def _modality(path: Path, data, ontology: Ontology) -> Modality:
    if not isinstance(data, dict):
        raise DataTableError(f"{path}: expected a mapping.")
    unknown = set(data) - set(MODALITY_LISTS) - set(MODALITY_TABLES)
    if unknown:
        raise DataTableError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}.")
    words = {}
    for key in MODALITY_LISTS:
        if key not in data:
            raise DataTableError(f"{path}: `{key}` is required.")
        words[key] = _words(data[key], path, key, key)

    def table(value, key: str, expect: str) -> dict[str, str]:
        if not isinstance(value, dict):
            raise DataTableError(f"{path}: `{key}` must map PLOVER types to CAMEO codes.")
        out = {}
        for plover, code in value.items():
            if plover not in ontology.plover:
                raise DataTableError(f"{path}: {key}: {plover!r} is not a PLOVER type.")
            out[plover] = _cameo(code, path, f"{key}.{plover}", "cameo", ontology)
            if ontology.cameo[out[plover]].plover != expect:
                raise DataTableError(f"{path}: {key}.{plover}: CAMEO {code} is "
                                     f"{ontology.cameo[out[plover]].plover}, expected {expect}.")
        return out

    intent = data.get("intent")
    if not isinstance(intent, dict) or set(intent) != {"AGREE", "THREATEN"}:
        raise DataTableError(f"{path}: `intent` must have exactly the keys AGREE and THREATEN.")
    intent_tables = {goal: table(intent[goal], f"intent.{goal}", goal) for goal in ("AGREE", "THREATEN")}
    preparation = _cameo(data.get("preparation"), path, "preparation", "preparation", ontology)
    if ontology.cameo[preparation].plover != "MOBILIZE":
        raise DataTableError(f"{path}: `preparation` must be a MOBILIZE code.")
    return Modality(words, intent_tables, table(data.get("refusal"), "refusal", "REJECT"),
                    table(data.get("demand"), "demand", "REQUEST"), preparation)
