"""The one loader of data tables: YAML 1.2, CSV and TSV, each checked by a
declared pydantic model (schemas.py) before any coder sees it.

Why one loader: a typo in a table silently loses events, so every table is
validated the same strict way (unknown keys refused, types checked) and every
error names the file, the entry (its line, and its key or id) and what is
wrong, as a coded `DataTableError` (errors.MESSAGES E401-E407).

YAML 1.2, with PyYAML: `Yaml12Loader` is a SafeLoader whose implicit types
are those of the YAML 1.2 core schema. PyYAML follows YAML 1.1, where the
words these tables are made of turn into other things: "on", "off", "no",
"yes" into booleans, 2024-02-24 into a date, 010 into 8, "1:30" into 90, and
"<<" merges mappings. ruamel.yaml implements 1.2 but is not installed here
and would be a second YAML library beside PyYAML, which the package needs
anyway; the core schema is four regular expressions, written out below.

Where the tables live: `data_dir()` (config.py), the packaged folder unless
DYADWATCH_DATA_DIR names a copy; `provenance.table_files` lists what the
coder fingerprint hashes.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import error

M = TypeVar("M", bound=BaseModel)

class Yaml12Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's safe loader with the YAML 1.2 core schema's implicit types
    (null, bool, int, float; everything else is a string). On libyaml's
    parser when PyYAML has it: the tables (ontology.yaml, verbs.yaml) parse
    7x faster than with the pure-Python one, which was most of their load time."""

    yaml_implicit_resolvers: dict = {}


def _construct_int(loader: Yaml12Loader, node: yaml.ScalarNode) -> int:
    value = loader.construct_scalar(node)
    if value.startswith(("0o", "+0o", "-0o")):
        return int(value.replace("0o", ""), 8)
    if value.startswith(("0x", "+0x", "-0x")):
        return int(value.replace("0x", ""), 16)
    return int(value)


def _construct_float(loader: Yaml12Loader, node: yaml.ScalarNode) -> float:
    value = loader.construct_scalar(node).lower()
    if value.endswith(".inf"):
        return float("-inf") if value.startswith("-") else float("inf")
    if value == ".nan":
        return float("nan")
    return float(value)


for _tag, _pattern, _first in (
        ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
        ("bool", r"true|True|TRUE|false|False|FALSE", list("tTfF")),
        ("int", r"[-+]?[0-9]+|[-+]?0o[0-7]+|[-+]?0x[0-9a-fA-F]+", list("-+0123456789")),
        ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)", list("-+.0123456789"))):
    Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(rf"^(?:{_pattern})$"),
                                       _first)
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error("E401", file=path, reason=getattr(exc, "strerror", None) or str(exc)) from exc


def read_yaml(path: str | Path) -> Any:
    """A YAML file parsed with YAML 1.2 types, unvalidated (for a table whose
    schema lives elsewhere); a syntax error names the line."""
    path = Path(path)
    text = _read_text(path)
    try:
        return yaml.load(text, Loader=Yaml12Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        entry = f"line {mark.line + 1}" if mark is not None else "the file"
        reason = getattr(exc, "problem", None) or str(exc)
        raise error("E402", file=path, entry=entry, syntax="YAML 1.2", reason=reason) from exc


def load_yaml(path: str | Path, model: type[M], *, context: dict | None = None) -> M:
    """A YAML table validated by `model`; `context` reaches the model's
    validators (known codes from other tables)."""
    path = Path(path)
    data = read_yaml(path)
    try:
        return model.model_validate({} if data is None else data, context=context)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        raise error("E404", file=path, entry=_yaml_entry(path, data, loc),
                    problem=_problem(first)) from None


def load_rows(path: str | Path, model: type[M], *, context: dict | None = None
              ) -> list[tuple[int, M]]:
    """A CSV (or, by suffix, TSV) table as (line number, row) pairs, each row
    validated by `model`, whose fields are the columns in order. Lines that
    start with '#' and blank lines are skipped; fields are stripped."""
    path = Path(path)
    lines = _read_text(path).splitlines()
    columns = [f.alias or name for name, f in model.model_fields.items()]
    first = 0
    while first < len(lines) and (lines[first].startswith("#") or not lines[first].strip()):
        first += 1
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(lines[first:], delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != columns:
            raise error("E403", file=path, entry=f"line {first + 1}", expected=delimiter.join(columns),
                        found=repr(delimiter.join(header or [])))
        rows = []
        for number, row in enumerate(reader, start=first + 2):
            if not row or (len(row) == 1 and not row[0].strip()) or row[0].startswith("#"):
                continue
            if len(row) != len(columns):
                raise error("E404", file=path, entry=f"line {number}",
                            problem=f"expected {len(columns)} columns ({','.join(columns)}), "
                                    f"found {len(row)}; quote fields that contain the delimiter")
            values = {c: v.strip() for c, v in zip(columns, row)}
            try:
                rows.append((number, model.model_validate(values, context=context)))
            except ValidationError as exc:
                raise error("E404", file=path, entry=f"line {number}",
                            problem=_problem(exc.errors()[0])) from None
    except csv.Error as exc:
        raise error("E402", file=path, entry=f"line {first + 1 + reader.line_num}", syntax="CSV",
                    reason=str(exc)) from exc
    return rows


def _problem(err: dict) -> str:
    """One pydantic error as a sentence about the table's own key."""
    loc = ".".join(str(part) for part in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"unknown key {loc!r}"
    if err["type"] == "missing":
        return f"{loc!r} is required"
    message = err["msg"].removeprefix("Value error, ")
    return f"{loc}: {message} (found {err.get('input')!r})" if loc else message


def _yaml_entry(path: Path, data: Any, loc: tuple) -> str:
    """'line N (patterns[3], id agree.with)': where a validation error is, as
    a person finds it in the file. Lines come from PyYAML's node marks."""
    node = yaml.compose(_read_text(path), Loader=Yaml12Loader)
    line = node.start_mark.line + 1 if node is not None else 1
    parts: list[str] = []
    ident = None
    value = data
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == str(key)), None)
            if match is None:
                break
            node = match[1]
            parts.append(f".{key}" if parts else str(key))
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            parts.append(f"[{key}]")
        else:
            break
        value = value[key] if isinstance(value, (dict, list)) else None
        if isinstance(value, dict) and "id" in value:
            ident = value["id"]
        line = node.start_mark.line + 1
    where = "".join(parts)
    if ident is not None:
        where += f", id {ident}"
    return f"line {line}" + (f" ({where})" if where else "")


def entry_error(path: str | Path, line: int | str, problem: str):
    """A bad entry found by a check across rows (an unknown sector, a duplicate)."""
    entry = f"line {line}" if isinstance(line, int) else line
    return error("E404", file=Path(path), entry=entry, problem=problem)


def unknown_error(path: str | Path, line: int | str, problem: str, table: str):
    """An entry that refers to a code another table does not define."""
    entry = f"line {line}" if isinstance(line, int) else line
    return error("E405", file=Path(path), entry=entry, problem=problem, table=table)

