"""Typer's option values converted without pydantic where a command line
gives plain ones.

Typer (0.29) converts every option value through a pydantic TypeAdapter
built at each start: importing pydantic for it and building the adapters
took about a third of a read command's CPU on a million-event database
(bench/startup.py). `LeanCommand` gives each of its parameters a
`LeanParam`, which converts the plain cases itself exactly as the adapter
would (a str for a str option, ASCII digits for an int, a path, an enum
choice) and hands every other value to typer's own adapter, built only
then. A value the lean path would reject also goes to the adapter, so
errors read as before, word for word. Help and completion are typer's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from typer import BadParameter
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import coerce_cli_choice, coerce_cli_path
from typer.core import TyperCommand, TyperGroup

#: What pydantic's lax int parsing and `int()` read alike: optional minus,
#: ASCII digits, short enough to stay clear of huge-number limits.
_INT = re.compile(r"-?[0-9]{1,18}")
#: `_plain`'s answer when the value is not a plain case.
_DECLINE = object()


@dataclass(frozen=True)
class LeanParam(RuntimeParam):
    """Runtime coercion of one parameter: the plain cases here, the rest by
    typer's adapter (`build_runtime_param`)."""

    descriptor: TypeDescriptor

    @classmethod
    def of(cls, descriptor: TypeDescriptor) -> LeanParam:
        return cls(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation,
                   descriptor=descriptor)

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        out = _plain(self.descriptor, value, param, ctx)
        if out is _DECLINE:
            adapter = build_runtime_param(self.descriptor)
            return adapter._coerce_value(value, param=param, ctx=ctx)
        return out


def _plain(d: TypeDescriptor, value: Any, param: Any, ctx: Any) -> Any:
    """`value` converted as typer's adapter for `d` converts it, or _DECLINE.
    The cases follow the adapter's own order (typer._adapters.build_leaf_adapter);
    a parser, a file, a list, a range or a clamp always declines."""
    info, ann = d.parameter_info, d.annotation
    if (info.parser is not None or d.file_annotation is not None or d.is_ranged
            or info.clamp or not isinstance(ann, type)):
        return _DECLINE
    if issubclass(ann, Enum):
        try:
            return coerce_cli_choice(value, choices=list(ann), case_sensitive=info.case_sensitive,
                                     ctx=ctx)
        except ValueError:  # the adapter words the error
            return _DECLINE
    if ann is int:
        if type(value) is int:
            return value
        if type(value) is str and _INT.fullmatch(value):
            return int(value)
        return _DECLINE
    if ann is float:
        return value if type(value) is float else _DECLINE
    if ann is str:
        return value if type(value) is str and _utf8(value) else _DECLINE
    if ann is Path and info.path_type in (None, Path):
        if type(value) is str and "\x00" not in value and _utf8(value):
            value = Path(value)
        if isinstance(value, Path):  # the adapter's checks (exists, ...), without pydantic
            try:
                return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)
            except BadParameter:  # its message quotes the path as typed: the adapter's
                return _DECLINE
    return _DECLINE


def _utf8(value: str) -> bool:
    """pydantic refuses strings that are not valid Unicode (lone surrogates
    from undecodable argv bytes); those go to the adapter."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _lean_params(command: Any, ctx: Any) -> None:
    """Give typer's parameters of `command` (with its --help) that have no
    runtime coercion yet a LeanParam."""
    for p in command.get_params(ctx):
        if getattr(p, "_runtime_param", False) is None:
            p._runtime_param = LeanParam.of(p.type_descriptor)


class LeanCommand(TyperCommand):
    """A typer command whose parameters convert plain values without pydantic."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _lean_params(self, ctx)
        return super().parse_args(ctx, args)


class LeanGroup(TyperGroup):
    """The app's group, with its own options (--version, --help) lean too:
    an absent --help is a None that typer's adapter would still be built for."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _lean_params(self, ctx)
        return super().parse_args(ctx, args)
