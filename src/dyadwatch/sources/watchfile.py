"""The sources file: what to watch and when to tell whom.

One YAML file holds both halves, so that a person points dyadwatch at their
sources once:

    sources:
      - url: https://example.org/world/rss.xml      # kind inferred: feed
        outlet: Example News
        interval: 15m
      - {url: https://example.org/news-sitemap.xml, kind: sitemap}
      - {path: ./inbox}                              # a local folder
    rules:
      - name: korea
        dyads: [PRK-KOR, CHN-PRK]                    # either direction
        counts: {ASSAULT: 1}                         # what counts as a change
        min_stories: 2
        channels: ["mailto://alerts@example.org"]    # apprise URLs

It is validated with pydantic models that forbid unknown keys (a misspelt
`treshold` must not silently mean "no threshold"), and every error names
the file and the line of the offending value, read from the YAML node
marks, because "rules.0.counts.ASAULT" alone is hard to find in a long file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import error
from ..plover import PLOVER_TYPES

SourceKind = Literal["feed", "sitemap", "article", "folder"]
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 60}
_CODE = re.compile(r"^[A-Z]{3}[A-Z]*$")


def parse_duration(value: object) -> float:
    """Seconds in "15m", "2h", "30s", "1d" (a bare number is minutes)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value) * 60
    m = _DURATION.match(str(value))
    if not m or float(m.group(1)) <= 0:
        raise ValueError(f"{value!r} is not a duration; write e.g. 30s, 15m, 2h or 1d")
    return float(m.group(1)) * _UNIT_S[m.group(2)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSpec(_Strict):
    """One place news comes from. `url` for feeds, sitemaps and single
    articles; `path` for a local folder whose new files are read."""

    url: str | None = None
    path: str | None = None
    kind: SourceKind | None = None
    name: str | None = None
    outlet: str | None = None
    language: str | None = None
    interval: float = Field(default=15 * 60, description="seconds between polls")
    tags: tuple[str, ...] = ()

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, v: object) -> float:
        return parse_duration(v)

    @model_validator(mode="after")
    def _where(self) -> "SourceSpec":
        if (self.url is None) == (self.path is None):
            raise ValueError("give exactly one of url (feed, sitemap, article) or path (folder)")
        if self.url is not None and not re.match(r"^https?://", self.url, re.I):
            raise ValueError(f"url {self.url!r} must start with http:// or https://")
        if self.path is not None and self.kind not in (None, "folder"):
            raise ValueError("a path is always a folder; use url for feeds and pages")
        if self.url is not None and self.kind == "folder":
            raise ValueError("a folder needs path:, not url:")
        return self

    @property
    def resolved_kind(self) -> str:
        """The kind given, else guessed from the address: a path is a folder,
        a URL naming a sitemap is one, an .html/.htm page is an article, and
        anything else is read as a feed."""
        if self.kind:
            return self.kind
        if self.path is not None:
            return "folder"
        low = self.url.lower().split("?")[0]
        if "sitemap" in low:
            return "sitemap"
        if low.endswith((".html", ".htm")):
            return "article"
        return "feed"

    @property
    def address(self) -> str:
        return self.url or self.path or ""

    @property
    def label(self) -> str:
        return self.name or self.address


class RuleSpec(_Strict):
    """When a dyad's news deserves a notification.

    A rule fires for a dyad when any of the changes it names is seen in the
    latest window and the window's evidence comes from at least
    `min_stories` independent stories. Changes relative to a baseline
    (`goldstein_drop`, `zscore`) need `min_baseline_events` events before
    the window, so an empty baseline never fires on a handful of events.
    """

    name: str
    dyads: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    conflict_share: float | None = Field(default=None, gt=0, le=1)
    goldstein_drop: float | None = Field(default=None, gt=0)
    zscore: float | None = Field(default=None, gt=0)
    counts: dict[str, int] = Field(default_factory=dict)
    first_of: tuple[str, ...] = ()
    window: float = Field(default=30 * 86400, description="seconds")
    baseline_windows: int = Field(default=6, ge=1, le=60)
    min_events: int = Field(default=3, ge=1)
    min_stories: int = Field(default=2, ge=1)
    min_baseline_events: int = Field(default=3, ge=1)
    channels: tuple[str, ...] = ()
    digest: bool = False

    @field_validator("window", mode="before")
    @classmethod
    def _window(cls, v: object) -> float:
        seconds = parse_duration(v if not isinstance(v, (int, float)) else f"{v}d")
        if seconds < 86400:
            raise ValueError("window must be at least 1d (events are dated by day)")
        return seconds

    @field_validator("dyads")
    @classmethod
    def _dyads(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for d in v:
            parts = d.split("-")
            if len(parts) != 2 or not all(_CODE.match(p) for p in parts):
                raise ValueError(f"dyad {d!r} must be two actor codes joined by '-', e.g. CHN-PRK")
        return v

    @field_validator("actors")
    @classmethod
    def _actors(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for a in v:
            if not _CODE.match(a):
                raise ValueError(f"actor {a!r} must be an upper-case code such as RUS or PRKMIL")
        return v

    @field_validator("counts")
    @classmethod
    def _counts(cls, v: dict[str, int]) -> dict[str, int]:
        for t, n in v.items():
            _plover(t)
            if not isinstance(n, int) or n < 1:
                raise ValueError(f"counts.{t}: {n!r} must be a whole number >= 1")
        return v

    @field_validator("first_of")
    @classmethod
    def _first(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for t in v:
            _plover(t)
        return v

    @model_validator(mode="after")
    def _something(self) -> "RuleSpec":
        if not (self.conflict_share or self.goldstein_drop or self.zscore or self.counts
                or self.first_of):
            raise ValueError("a rule needs at least one change to watch: conflict_share, "
                             "goldstein_drop, zscore, counts or first_of")
        return self

    @property
    def window_days(self) -> int:
        return max(1, int(self.window // 86400))


def _plover(t: str) -> None:
    if t not in PLOVER_TYPES:
        raise ValueError(f"{t!r} is not a PLOVER type ({', '.join(PLOVER_TYPES)})")


class WatchFile(_Strict):
    sources: tuple[SourceSpec, ...] = ()
    rules: tuple[RuleSpec, ...] = ()
    user_agent: str | None = None
    dashboard_url: str | None = None

    @model_validator(mode="after")
    def _unique(self) -> "WatchFile":
        names = [r.name for r in self.rules]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"rule names must be unique: {', '.join(dup)} repeated")
        return self


def load(path: str | Path) -> WatchFile:
    """Read and validate a sources file; relative folder paths are taken
    from the file's own folder (so the file can be moved with its inbox)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error("E431", path=path, reason=exc) from exc
    wf = parse(text, str(path))
    base = path.resolve().parent
    fixed = tuple(s.model_copy(update={"path": str((base / s.path).resolve())})
                  if s.path and not Path(s.path).is_absolute() else s for s in wf.sources)
    return wf.model_copy(update={"sources": fixed})


def parse(text: str, name: str = "<sources>") -> WatchFile:
    """Validate YAML text; errors say `name:line: where: what`."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", exc)
        raise error("E432", name=name, line=line or "?", problem=problem) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise error("E433", name=name)
    lines = _lines(node)
    try:
        return WatchFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:10]:
            loc = tuple(err["loc"])
            line = _line_of(lines, loc)
            where = ".".join(str(p) for p in loc) or "(top)"
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{name}:{line}: {where}: {msg}")
        raise error("E434", problems="; ".join(problems)) from exc


def _lines(node: Any, path: tuple = ()) -> dict[tuple, int]:
    """1-based line of every mapping key and sequence item, by its path."""
    out: dict[tuple, int] = {path: node.start_mark.line + 1} if node is not None else {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = (*path, k.value)
            out[key] = k.start_mark.line + 1
            out.update({p: n for p, n in _lines(v, key).items() if p != key})
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out.update(_lines(v, (*path, i)))
    return out


def _line_of(lines: dict[tuple, int], loc: tuple) -> int:
    """The line of the longest known prefix of a pydantic error location
    (pydantic adds model names or '[key]' parts YAML does not have)."""
    loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return 1
