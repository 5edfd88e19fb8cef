"""Option values converted without pydantic (cli/lean.py) read exactly as
typer's own adapters read them: same values, same errors, same help."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from dyadwatch.cli import app as dyadwatch_app
from dyadwatch.cli import only_asked
from dyadwatch.cli.lean import LeanCommand, LeanGroup


class Shade(str, enum.Enum):
    pale = "pale"
    deep_blue = "deep-blue"


def _demo_app() -> typer.Typer:
    """An app with one option of each kind the lean path converts or declines."""
    demo = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @demo.callback()
    def _top(loud: Annotated[bool, typer.Option("--loud")] = False) -> None:
        """Top."""

    @demo.command()
    def echo(
        label: Annotated[str | None, typer.Option()] = None,
        count: int = 5,
        ratio: float | None = None,
        where: Path = Path("x.db"),
        given: Annotated[Path | None, typer.Option(exists=True)] = None,
        shade: Shade = Shade.pale,
        flag: bool = False,
        floor: Annotated[int, typer.Option(min=0)] = 1,
        parsed: Annotated[int | None, typer.Option(parser=lambda v: int(v) * 2)] = None,
    ) -> None:
        """Print what arrived."""
        print(repr((label, count, ratio, where, given, shade, flag, floor, parsed)))

    @demo.command()
    def other() -> None:
        """Nothing."""

    return demo


@pytest.mark.parametrize("extra", [
    [], ["--count", "050"], ["--count", "-3"], ["--count", " 7"], ["--count", "5_0"],
    ["--count", "seven"], ["--count", "\u0663"], ["--count", "99999999999999999999"],
    ["--count", "1e3"], ["--ratio", "1.5"], ["--ratio", "nan"], ["--ratio", "x"],
    ["--where", ""], ["--where", "/tmp/some/dir/"], ["--where", "~/a b.db"],
    ["--given", "/no/such/place/"], ["--given", "."], ["--shade", "DEEP-BLUE"],
    ["--shade", "deep-blue"], ["--shade", "green"], ["--label", ""], ["--label", "caf\u00e9"],
    ["--flag"], ["--floor", "-1"], ["--floor", "4"], ["--parsed", "21"], ["--help"],
])
def test_lean_values_and_errors_equal_typers(extra):
    demo = _demo_app()
    args = ["echo", *extra]
    lean = only_asked(demo, args)
    command = typer.main.get_command(lean)
    assert isinstance(command, LeanGroup) and isinstance(command.commands["echo"], LeanCommand)
    runner = CliRunner()
    full, fast = runner.invoke(demo, args), runner.invoke(lean, args)
    assert (fast.exit_code, fast.output) == (full.exit_code, full.output)


def test_the_dyadwatch_app_runs_lean_commands():
    command = typer.main.get_command(only_asked(dyadwatch_app, ["events", "--limit", "5"]))
    assert isinstance(command, LeanGroup)
    assert isinstance(command.commands["events"], LeanCommand)
    assert typer.main.get_command(only_asked(dyadwatch_app, ["--help"])).__class__ is not LeanGroup
