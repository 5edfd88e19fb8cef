"""The `dyadwatch` command line.

`main` is the console entry point. The typer app and its commands live in
commands.py (and the modules it registers), imported when first needed:
`events`, `dyad`, `alerts` and `stats` given a plain command line run
without typer (quick.py), which is most of their start. `app`, `only_asked`
and the other names of commands.py are reachable here as before.
"""

from __future__ import annotations

import sys
from typing import Any

from ..errors import DyadwatchError


def main() -> None:
    """Console entry point: domain errors become one clean line, exit 1."""
    from .printing import console, escape

    try:
        _run(sys.argv[1:])
    except DyadwatchError as exc:
        console(stderr=True).print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        sys.exit(1)
    except Exception as exc:  # a damaged file met outside a guarded read (ingest's queries)
        # imported here: it imports duckdb, which commands that code or read no database
        # (`code`, `--help`) never load
        from ..store.damage import damaged_error, is_damaged

        if not is_damaged(exc):
            raise
        console(stderr=True).print(f"[red]error:[/] {escape(str(damaged_error(None, exc)))}",
                                   soft_wrap=True)
        sys.exit(1)


def _run(args: list[str]) -> None:
    """The quick start when it reads the command line, else the typer app
    with only the command asked for."""
    from .quick import parse, run

    parsed = parse(args)
    if parsed is not None:
        run(*parsed)
        return
    from .commands import app, only_asked

    only_asked(app, args)()


def __getattr__(name: str) -> Any:
    """`dyadwatch.cli.app` and the other names of commands.py, loaded when
    first asked for (PEP 562). A submodule's name is not one of them: the
    import system asks for it before importing the submodule."""
    import importlib
    import os

    here = os.path.dirname(__file__)
    if name.startswith("__") or os.path.exists(os.path.join(here, f"{name}.py")):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    commands = importlib.import_module(f"{__name__}.commands")
    try:
        return getattr(commands, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
