"""The table of coded messages (errors.MESSAGES): one message per code, each
filled by its fields and saying what to do next, and every code raised
somewhere in the package (a code nothing raises is a stale entry; a code
raised but missing from the table would be a KeyError at the worst moment).
The README's error table is checked in test_docs.py."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from dyadwatch import errors
from dyadwatch.errors import MESSAGES, error, error_class

SRC = Path(errors.__file__).resolve().parent
RAISED = re.compile(r"\berror\(\s*\"(E\d{3})\"")


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def _raised_codes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "errors.py":
            continue
        for code in RAISED.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, []).append(str(path.relative_to(SRC)))
    return found


def test_every_code_is_written_once_in_the_table():
    """A dict literal keeps the last of two equal keys silently; read the source."""
    tree = ast.parse(Path(errors.__file__).read_text(encoding="utf-8"))
    keys = [k.value for node in ast.walk(tree) if isinstance(node, ast.Dict)
            for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
            and re.fullmatch(r"E\d{3}", k.value)]
    assert len(keys) == len(MESSAGES) > 40
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert not duplicates, f"codes written twice in MESSAGES: {duplicates}"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_each_message_formats_with_its_fields_and_says_what_to_do(code):
    message = MESSAGES[code]
    fields = {name: 1234 for name in _fields(message.template) | _fields(message.hint)}
    err = error(code, **fields)
    assert isinstance(err, message.error) and err.code == code
    assert str(err).startswith(f"[{code}] ") and "{" not in str(err)
    assert err.message and err.hint, f"{code} must say what happened and what to do next"
    assert error_class(code) is message.error  # re-raised as its class across processes


def test_a_code_declared_by_a_class_is_raised_as_that_class():
    classes: dict[str, type] = {}
    todo = [errors.DyadwatchError]
    while todo:
        cls = todo.pop()
        classes.setdefault(cls.code, cls)
        todo.extend(cls.__subclasses__())
    clashes = {code: (classes[code].__name__, m.error.__name__) for code, m in MESSAGES.items()
               if code in classes and not issubclass(m.error, classes[code])}
    assert not clashes


def test_every_code_in_the_table_is_raised_and_every_raised_code_is_in_it():
    raised = _raised_codes()
    never = sorted(set(MESSAGES) - set(raised))
    unknown = {code: where for code, where in raised.items() if code not in MESSAGES}
    assert not never, f"codes in MESSAGES that nothing raises: {never}"
    assert not unknown, f"codes raised but missing from MESSAGES: {unknown}"
