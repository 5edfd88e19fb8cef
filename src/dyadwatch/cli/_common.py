"""What every command shares: the --db and --format options and the event
filter options (generated from the one filter declaration), as typer
options; printing in the registered output formats is printing.py's.

The options are declared once, as plain data, in options.py (which the
quick start also reads); `typer_option` and `typer_command` make typer's
annotations and commands from those declarations. Commands stay thin (as
in sqlite-utils' cli.py): parse options, call one API function, print its
result with `emit`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from ..store.filters import PARAMS, Param
from . import options
from .options import Arg, Command, Opt
from .printing import event_filter


def typer_option(o: Opt) -> Any:
    """The annotation typer reads an option from."""
    kind = o.kind | None if o.optional else o.kind
    return Annotated[kind, typer.Option(*o.names, help=o.help, envvar=o.envvar)]


def typer_argument(a: Arg) -> Any:
    return Annotated[str, typer.Argument(help=a.help)]


def typer_command(command: Command) -> Callable[..., None]:
    """A declared read command as a function typer can register: its
    signature holds the declared parameters in order (then the event
    filters), its docstring the help, and it runs the command as the quick
    start does (`options.run`)."""
    params = [inspect.Parameter(p.dest, inspect.Parameter.KEYWORD_ONLY,
                                annotation=typer_argument(p)) if isinstance(p, Arg)
              else inspect.Parameter(p.dest, inspect.Parameter.KEYWORD_ONLY, default=p.default,
                                     annotation=typer_option(p))
              for p in command.params]
    if command.filters:
        params += _filter_parameters()

    def run(**values: Any) -> None:
        options.run(command.name, values)

    run.__name__ = run.__qualname__ = command.name
    run.__doc__ = command.help
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    return run


DbOption = typer_option(options.DB)
DEFAULT_DB_PATH = options.DB.default
FormatOption = typer_option(options.FORMAT)
DocumentFormatOption = typer_option(options.DOCUMENT_FORMAT)
OutputOption = typer_option(options.OUTPUT)


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command one option per declared event filter (store/filters.py).

    The command takes `flt: EventFilter`; the options replace that parameter
    in the signature typer reads, and their values arrive parsed and
    validated as one EventFilter (a place name in --near resolved by the
    package's gazetteer, and said on stderr)."""
    sig = inspect.signature(command, eval_str=True)
    own = [p for p in sig.parameters.values() if p.name != "flt"]

    @functools.wraps(command)
    def run(**kwargs: Any) -> Any:
        flt = event_filter({p.field: kwargs.pop(f"filter_{p.field}") for p in PARAMS})
        return command(flt=flt, **kwargs)

    run.__signature__ = sig.replace(parameters=own + _filter_parameters())  # type: ignore[attr-defined]
    return run


def _filter_parameters() -> list[inspect.Parameter]:
    return [inspect.Parameter(f"filter_{p.field}", inspect.Parameter.KEYWORD_ONLY,
                              default=False if p.kind is bool else None, annotation=_option(p))
            for p in PARAMS]


def _option(p: Param) -> Any:
    kind = bool if p.kind is bool else p.kind | None
    return Annotated[kind, typer.Option(p.cli, help=p.help)]
