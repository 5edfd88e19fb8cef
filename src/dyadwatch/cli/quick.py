"""The read commands' quick start: `events`, `dyad`, `alerts` and `stats`
run without importing typer when their command line is a plain one.

Typer (with the click it bundles) takes about as much CPU to import and
to build a command's options as a read command's whole query on a million
events (issue 19: a read in <= 0.3 s as a whole command). The command
lines people and scripts type are plain: known options, each given once,
with ordinary values. Those are parsed here, converted as typer converts
them (cli/lean.py's plain cases), and handed to the same functions the
typer commands call (listings.py), so they print the same. Anything else
(help, an unknown or repeated option, a value typer could refuse or read
another way, shell completion) returns None from `parse`, and the typer
app runs as before, with its own help, errors and wording. The options
are those declared in options.py, from which the typer commands are made
too; `tests/test_cli_quick.py` checks them against the click commands
typer builds (names, defaults, flags) and runs argument lists both ways.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from .. import formats
from ..store.filters import PARAMS
from . import options

#: The values lean.py converts itself for a plain int option, minus a sign:
#: a leading "-" could be read by click as another option.
_INT = re.compile(r"[0-9]{1,18}")
#: An optional int or float goes through pydantic in typer: only the forms
#: it reads as Python does (no leading zeros, no exponent, no underscores).
_OPT_INT = re.compile(r"0|[1-9][0-9]{0,17}")
_OPT_FLOAT = re.compile(r"(0|[1-9][0-9]{0,17})(\.[0-9]{1,17})?")
#: `parse`'s answer for a value it does not convert itself.
_DECLINE = object()


@dataclass(frozen=True)
class Opt:
    """One option as the quick start parses it: its names, the parameter it
    fills, how its value is converted (None: a flag, which takes none), its
    default and environment variable."""

    names: tuple[str, ...]
    dest: str
    convert: Callable[[str], Any] | None  # None: a flag
    default: Any = None
    envvar: str | None = None


def _str(value: str) -> Any:
    try:
        value.encode("utf-8")  # lone surrogates from undecodable argv: typer's to refuse
    except UnicodeEncodeError:
        return _DECLINE
    return value


def _int(value: str) -> Any:
    return int(value) if _INT.fullmatch(value) else _DECLINE


def _opt_int(value: str) -> Any:
    return int(value) if _OPT_INT.fullmatch(value) else _DECLINE


def _opt_float(value: str) -> Any:
    return float(value) if _OPT_FLOAT.fullmatch(value) else _DECLINE


def _path(value: str) -> Any:
    """A path as typer's Path options give it; an existing one must be
    readable (typer's `readable=True`), else typer words the error."""
    if not value or "\x00" in value or _str(value) is _DECLINE:
        return _DECLINE
    if os.path.exists(value) and not os.access(value, os.R_OK):
        return _DECLINE
    return Path(value)


def _choice(values: Sequence[str], enum: Any = None) -> Callable[[str], Any]:
    def convert(value: str) -> Any:
        if value not in values:
            return _DECLINE
        return enum(value) if enum is not None else value
    return convert


def _converter(o: options.Opt) -> Callable[[str], Any] | None:
    """How the quick start converts a declared option's value (None: a flag)."""
    if o.flag:
        return None
    if issubclass(o.kind, Enum):
        return _choice([m.value for m in o.kind], o.kind)
    by_kind = {(str, True): _str, (Path, False): _path, (Path, True): _path,
               (int, False): _int, (int, True): _opt_int, (float, True): _opt_float}
    return by_kind[o.kind, o.optional]


def _filters() -> tuple[Opt, ...]:
    by_kind = {str: _str, int: _opt_int, float: _opt_float}
    return tuple(Opt((p.cli,), f"filter_{p.field}", None if p.kind is bool else by_kind[p.kind],
                     False if p.kind is bool else None) for p in PARAMS)


def _quick(command: options.Command) -> tuple[tuple[str, ...], tuple[Opt, ...]]:
    own = tuple(Opt(o.names, o.dest, _converter(o), o.default, o.envvar)
                for o in command.options)
    return (tuple(a.dest for a in command.arguments),
            own + (_filters() if command.filters else ()))


#: Each quick command: its positional arguments and its options, made from
#: their declarations (options.py).
COMMANDS: dict[str, tuple[tuple[str, ...], tuple[Opt, ...]]] = {
    name: _quick(command) for name, command in options.COMMANDS.items()}


def parse(args: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """(command, its parameters' values) for a plain command line of a quick
    command, else None (typer's to run)."""
    if not args or args[0] not in COMMANDS or any(k.endswith("_COMPLETE") for k in os.environ):
        return None
    positional, opts = COMMANDS[args[0]]
    by_name = {name: opt for opt in opts for name in opt.names}
    values: dict[str, Any] = {}
    given: list[str] = []
    rest = list(args[1:])
    while rest:
        token = rest.pop(0)
        if not token.startswith("-"):
            given.append(token)
            continue
        name, eq, inline = token.partition("=")
        opt = by_name.get(name)
        if opt is None or opt.dest in values or (eq and (opt.convert is None
                                                       or not name.startswith("--"))):
            return None
        if opt.convert is None:
            values[opt.dest] = True
            continue
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None
            inline = rest.pop(0)
        value = opt.convert(inline)
        if value is _DECLINE:
            return None
        values[opt.dest] = value
    if len(given) != len(positional) or any(_str(v) is _DECLINE for v in given):
        return None
    values.update(zip(positional, given))
    for opt in opts:
        if opt.dest not in values:
            env = os.environ.get(opt.envvar) if opt.envvar else None
            value = opt.convert(env) if env else opt.default
            if value is _DECLINE or (isinstance(value, Path) and _path(str(value)) is _DECLINE):
                return None
            values[opt.dest] = value
    fmt = getattr(values.get("fmt"), "value", values.get("fmt"))
    if fmt is not None and formats.FORMATS[fmt].binary and values.get("output") is None:
        return None  # typer's usage error
    return args[0], values


def run(command: str, values: dict[str, Any]) -> None:
    """Run a parsed quick command as typer's standalone mode would: an
    interrupt exits 130, a closed pipe 1 (with click's flush guard)."""
    try:
        options.run(command, values)
    except KeyboardInterrupt:
        sys.exit(130)
    except EOFError:
        from typer import rich_utils

        print(file=sys.stderr)
        rich_utils.rich_abort_error()
        sys.exit(1)
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
        sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
        sys.exit(1)
