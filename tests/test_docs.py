"""The README documents every command and every setting (as datasette's
test_docs does): a new option without documentation fails here."""

from __future__ import annotations

import dataclasses
import re
import string
from pathlib import Path

import typer.main

from dyadwatch.cli import app
from dyadwatch.config import Settings
from dyadwatch import errors
from dyadwatch.api.refusals import REFUSALS
from dyadwatch.errors import MESSAGES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    group = typer.main.get_command(app)
    documented = set(re.findall(r"^\| `([a-z-]+)", README, flags=re.M))
    missing = sorted(set(group.commands) - documented)
    assert not missing, f"commands missing from the README's Commands table: {missing}"


def test_every_setting_is_documented_with_its_default():
    for field in dataclasses.fields(Settings):
        row = re.search(rf"^\| `{field.name}` \| ([^|]+) \|", README, flags=re.M)
        assert row, f"setting {field.name} missing from the README's Settings table"
        default = field.default
        shown = row.group(1).strip().strip("`")
        if isinstance(default, tuple):  # as the environment variable takes it: comma-separated
            default = ",".join(default)
        assert shown == ("none" if default is None else str(default)), field.name


def test_readme_starts_with_the_two_commands():
    head = README.split("## ", 1)[0]
    assert "make demo" in head and "make test" in head
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "make test" in ci


def test_every_error_code_is_in_the_readme_error_table():
    listed = set(re.findall(r"^\| (E\d{3}) \| `\w+` \|", README, flags=re.M))
    missing = sorted(set(MESSAGES) - listed)
    assert not missing, f"error codes missing from the README's Error codes table: {missing}"


def test_the_readme_error_table_shows_each_message_and_each_class():
    """Each coded message's row gives its class, template and hint as raised
    (a field shown as <name>); each error class's own code has a row too."""
    rows = dict(re.findall(r"^\| (E\d{3}) (\| .* \|)$", README, flags=re.M))

    def shown(text: str) -> str:
        return re.sub(r"\{(\w+)[^}]*\}", r"<\1>", text).replace("|", "\\|")

    stale = [code for code, m in MESSAGES.items() if rows.get(code) !=
             f"| `{m.error.__name__}` | {shown(m.template)} | {shown(m.hint)} |"]
    assert not stale, f"README rows that differ from errors.MESSAGES: {stale}"
    todo, own = [errors.DyadwatchError], {}
    while todo:  # the classes that declare a code of their own (E100, ..., E501)
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "code" in vars(cls) and cls is not errors.DyadwatchError:
            own[cls.code] = cls.__name__
    missing = [name for code, name in own.items() if not rows.get(code, "").startswith(f"| `{name}`")]
    assert not missing, f"error classes without a README row for their code: {missing}"


def test_the_readme_lists_every_http_refusal_as_raised():
    """One row per refusal of `api.refusals`, with its status, code and
    message (a field shown as <name>), and no row for a refusal that is gone."""
    rows = dict(re.findall(r"^\| ([a-z_]+) (\| \d{3} \| `\w+` \| .* \|)$", README, flags=re.M))

    def shown(text: str) -> str:
        parts = string.Formatter().parse(text)
        return "".join(literal + (f"<{field}>" if field else "")
                       for literal, field, _, _ in parts).replace("|", "\\|")

    expected = {name: f"| {r.status} | `{r.code}` | {shown(r.template)} |"
                for name, r in REFUSALS.items()}
    assert rows == expected
