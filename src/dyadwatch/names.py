"""Names where codes are expected, and readable labels for codes.

An analyst types "China", "north korean", "Kim Jong Un" or "Chinese
government" where a command wants CHN, PRK, PRKGOV or CHNGOV; `resolve`
turns each into its code from the package's own actor tables (countries
with aliases and demonyms, organisations, office holders, sector words),
case-insensitively, and a miss names the closest known names. Codes are
accepted as they are. `label` goes the other way and names what a code
stands for: CHNGOV is "China: government", the sector, not whichever
official was quoted most.

The tables are read directly as CSV/YAML (no spaCy, no pattern
compilation), so resolving a name costs a few milliseconds at start-up.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .config import data_path
from .errors import QueryError, error

#: What parse_actor accepts: a country (or IGO/NGO, "---") code and sectors.
_CODE = re.compile(r"^(?:[A-Z]{3}|---)(?:[A-Z]{3})*$")
_SPACES = re.compile(r"[\s.]+")


def key(name: str) -> str:
    """Lookup key: case, dots and runs of spaces do not matter ("U.S." = "us")."""
    return _SPACES.sub(" ", name.casefold().replace(".", " ")).strip()


@dataclass(frozen=True)
class Names:
    """Name -> code and code -> label, built once by `from_package`."""

    codes: dict[str, str]          # key(name) -> actor code
    shown: dict[str, str]          # key(name) -> the name as written, for suggestions
    countries: dict[str, str]      # ISO3 / IGO code -> name
    sectors: dict[str, str]        # sector code -> name ("GOV" -> "Government")
    sector_words: dict[str, str]   # key(word) -> sector code ("government" -> "GOV")
    org_codes: frozenset[str]      # codes of organisations (IGOUNO, NGOHRW)

    @classmethod
    def from_package(cls) -> "Names":
        return cls.from_paths(data_path("countries.csv"), data_path("organisations.csv"),
                              data_path("people.csv"), data_path("sectors.yaml"))

    @classmethod
    def from_paths(cls, countries: Path, organisations: Path, people: Path,
                   sectors: Path) -> "Names":
        codes: dict[str, str] = {}
        shown: dict[str, str] = {}
        country_names: dict[str, str] = {}

        def add(name: str, code: str) -> None:
            k = key(name)
            if k and k not in codes:
                codes[k] = code
                shown[k] = name

        for row in _csv(countries):
            country_names[row["iso3"]] = row["name"]
            for name in (row["name"], *_split(row["aliases"]), *_split(row["demonyms"])):
                add(name, row["iso3"])
        org_codes = set()
        for row in _csv(organisations):
            org_codes.add(row["code"])
            if row["kind"] != "country":
                country_names.setdefault(row["code"], row["name"])
            for name in (row["name"], *_split(row["aliases"])):
                add(name, row["code"])
        for name, code in _people(people):
            add(name, code)
        with open(sectors, encoding="utf-8") as fh:
            # libyaml's loader when present: 10x faster on this file.
            table = (yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
                     or {}).get("sectors", {})
        sector_names = {code: str(spec.get("name", code)) for code, spec in table.items()}
        words: dict[str, str] = {}
        for code, spec in table.items():
            for w in (spec.get("name", ""), *(spec.get("words") or [])):
                words.setdefault(key(str(w)), code)
        return cls(codes, shown, country_names, sector_names, words, frozenset(org_codes))

    def resolve(self, text: str, *, what: str = "actor") -> str:
        """The actor code for a name, a demonym + sector ("Chinese military")
        or a code; QueryError with the closest names when nothing matches."""
        k = key(text)
        if k in self.codes:
            return self.codes[k]
        combined = self._country_and_sector(k)
        if combined:
            return combined
        code = text.strip().upper()
        if self.is_code(code):
            return code
        close = difflib.get_close_matches(k, list(self.codes), n=8, cutoff=0.72)
        by_code = {self.codes[c]: self.shown[c] for c in reversed(close)}
        picks = sorted(by_code.items(), key=lambda cn: close.index(key(cn[1])))[:3]
        hint = ("Did you mean " + ", ".join(f"{name} ({c})" for c, name in picks)
                + "?") if picks else ("Use a country (China, PRK), a demonym (North Korean), "
                                      "a person or organisation, or a code (KORGOV).")
        raise error("E511", what=what, value=text, advice=hint)

    def resolve_pair(self, text: str) -> tuple[str, str]:
        """Two actors from "CHN-PRK", "China - North Korea", "China,North Korea"
        or "China North Korea": the first split where both sides resolve
        (separators before spaces; "Guinea-Bissau" stays one name)."""
        cuts = [m.start() for m in re.finditer(r"[,/-]", text)]
        cuts += [m.start() for m in re.finditer(r"\s", text.strip())]
        for at in cuts:
            left, right = text[:at].strip(" ,/-"), text[at + 1:].strip(" ,/-")
            if not left or not right:
                continue
            try:
                return self.resolve(left, what="dyad"), self.resolve(right, what="dyad")
            except QueryError:
                continue
        raise error("E510", value=text)

    def is_code(self, code: str) -> bool:
        """A known country or organisation code followed by known sector codes."""
        if not _CODE.match(code):
            return False
        head, rest = (code, "") if code in self.org_codes else (code[:3], code[3:])
        known_head = (head in self.org_codes or head in self.countries
                      or head in ("---", "IGO", "NGO", "MNC"))
        return known_head and all(rest[i:i + 3] in self.sectors for i in range(0, len(rest), 3))

    def _country_and_sector(self, k: str) -> str | None:
        """"chinese government" -> CHNGOV: the longest known name first."""
        words = k.split()
        for cut in range(len(words) - 1, 0, -1):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            country = self.codes.get(head)
            sector = self.sector_words.get(tail) or self.sector_words.get(tail.rstrip("s"))
            if country and sector and len(country) == 3:
                return country + sector
        return None

    def label(self, code: str | None) -> str:
        """What a code names: "China: government", "United Nations", "South
        Korea: military, government"; the code itself when unknown."""
        if not code:
            return ""
        head, rest = code[:3], code[3:]
        country = self.countries.get(code) or self.countries.get(head)
        parts = [self.sectors.get(rest[i:i + 3], rest[i:i + 3]).lower()
                 for i in range(0, len(rest), 3)]
        if code in self.countries:
            return self.countries[code]
        if head == "---" and parts:
            return f"{', '.join(parts).capitalize()} (no country named)"
        if country is None:
            return code
        return f"{country}: {', '.join(parts)}" if parts else country


def _csv(path: Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(line for line in fh if not line.startswith("#"))


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _people(path: Path) -> Iterator[tuple[str, str]]:
    """(name or alias, country+sector) per person, from their latest office;
    aliases listed on any of their rows count."""
    latest: dict[str, dict[str, str]] = {}
    aliases: dict[str, list[str]] = {}
    for row in _csv(path):
        prev = latest.get(row["name"])
        if prev is None or (row["start"] or "") >= (prev["start"] or ""):
            latest[row["name"]] = row
        aliases.setdefault(row["name"], []).extend(_split(row["aliases"]))
    for name, row in latest.items():
        code = row["country"] + (row["sector"] or "")
        for spelling in (name, *aliases[name]):
            yield spelling, code
