"""The table of coded messages (errors.MESSAGES): one message per code, each
filled by its fields and saying what to do next, and every code raised
somewhere in the package (a code nothing raises is a stale entry; a code
raised but missing from the table would be a KeyError at the worst moment).
The source is read, not run: no error class is built with a message written
at the raise site, and every `error(code, ...)` call gives the fields its
template and hint name (a missing one would be a KeyError only when that
error happens). The README's error table is checked in test_docs.py."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from dyadwatch import errors
from dyadwatch.api.refusals import REFUSALS, refuse
from dyadwatch.errors import MESSAGES, error, error_class

SRC = Path(errors.__file__).resolve().parent
#: Exceptions that may still be raised with a message of their own: Python's
#: (pydantic gathers the ValueErrors of its validators into coded errors;
#: the others are a programmer's misuse of an internal function; an import
#: finder answers with ImportError, as the import system expects) and the
#: request errors of FastAPI. The HTTP API's own refusals come from
#: `api.refusals.refuse` (their table is checked below).
NOT_CODED = {"ValueError", "TypeError", "KeyError", "AttributeError", "ImportError",
             "RequestValidationError"}


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def _error_classes() -> set[str]:
    names, todo = set(), [errors.DyadwatchError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _sources() -> list[tuple[str, ast.AST]]:
    return [(str(path.relative_to(SRC)), ast.parse(path.read_text(encoding="utf-8")))
            for path in sorted(SRC.rglob("*.py")) if path.name != "errors.py"]


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else \
        func.attr if isinstance(func, ast.Attribute) else None


def _codes(node: ast.expr) -> list[str]:
    """The codes an `error()` call's first argument can be ("E130" if ... else "E131")."""
    if isinstance(node, ast.IfExp):
        return _codes(node.body) + _codes(node.orelse)
    assert isinstance(node, ast.Constant) and isinstance(node.value, str), ast.unparse(node)
    return [node.value]


def _error_calls() -> list[tuple[str, int, str, ast.Call]]:
    """(file, line, code, call) for each `error(code, ...)` in the package."""
    return [(where, call.lineno, code, call) for where, tree in _sources()
            for call in ast.walk(tree) if isinstance(call, ast.Call) and _name(call) == "error"
            and call.args for code in _codes(call.args[0])]


def _raised_codes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for where, _, code, _ in _error_calls():
        found.setdefault(code, []).append(where)
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


def test_no_error_is_built_with_a_message_written_where_it_is_raised():
    """Every dyadwatch error comes from `error(code, ...)`, so its wording and
    hint live in MESSAGES alone; a raise of another exception with a literal
    message is allowed only for the exceptions of NOT_CODED."""
    classes = _error_classes()
    inline = []
    for where, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) in classes:
                inline.append(f"{where}:{node.lineno}: {_name(node)}(...)")
            elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) \
                    and (_name(node.exc) or "").endswith("Error") \
                    and _name(node.exc) not in NOT_CODED | {"error"}:
                inline.append(f"{where}:{node.lineno}: raise {_name(node.exc)}(...)")
    assert not inline, "errors built with an inline message (use errors.error):\n" + \
        "\n".join(inline)


def test_each_raise_site_gives_the_fields_of_its_message():
    """Read statically: the keywords of each `error(code, ...)` call cover the
    fields of the code's template and hint, and name nothing else than those
    and the fields that locate the error (path and line of an input error,
    file and entry of a data table's)."""
    problems = []
    for where, line, code, call in _error_calls():
        message = MESSAGES[code]
        needed = _fields(message.template) | _fields(message.hint)
        given = {k.arg for k in call.keywords}
        if None in given:  # error(code, **fields): not decidable here
            continue
        located = {"path", "line"} if issubclass(message.error, errors.InputError) else \
            {"file", "entry"} if issubclass(message.error, errors.DataTableError) else set()
        if needed - given or given - needed - located:
            problems.append(f"{where}:{line}: {code} needs {sorted(needed)}, given {sorted(given)}")
    assert not problems, "\n".join(problems)


def test_an_input_error_keeps_its_place_and_its_specific_code():
    err = error("E157", path="in.jsonl", line=3)
    assert isinstance(err, errors.FormatError) and (err.path, err.line) == ("in.jsonl", 3)
    assert str(err) == ('[E157] in.jsonl:3: record has no "text" field. Give the article body '
                        'as "text".')
    assert err.reason == 'record has no "text" field.' and err.code == "E157"


@pytest.mark.parametrize("code,cls", [("E100", errors.InputError),
                                      ("E101", errors.EmptyDocumentError),
                                      ("E102", errors.EncodingError),
                                      ("E103", errors.FormatError), ("E104", errors.DateError)])
def test_codes_stored_by_older_databases_still_name_their_class(code, cls):
    """Before each message had its own code, failed documents were stored
    with their class's code (E100-E104): those rows are still read as that
    class, and the specific codes of a class lie in one range of it."""
    assert error_class(code) is cls and code not in MESSAGES
    ranges = {errors.InputError: ("E110", "E129"), errors.EmptyDocumentError: ("E130", "E139"),
              errors.EncodingError: ("E140", "E149"), errors.FormatError: ("E150", "E179"),
              errors.DateError: ("E180", "E199")}
    low, high = ranges[cls]
    for specific, message in MESSAGES.items():
        if message.error is cls:
            assert low <= specific <= high, f"{specific} is outside the range of {cls.__name__}"


def _refusal_calls() -> list[tuple[str, int, ast.Call]]:
    """(file, line, call) for each `refuse(name, ...)` / `message(name, ...)` of the API."""
    return [(where, call.lineno, call) for where, tree in _sources()
            if where.startswith("api/") and where != "api/refusals.py"
            for call in ast.walk(tree) if isinstance(call, ast.Call)
            and _name(call) in ("refuse", "message") and call.args]


def test_every_refusal_is_used_with_its_fields_and_none_is_written_inline():
    """The API's refusals live in one table as coded errors do: each
    `refuse`/`message` call names a refusal of the table and gives exactly
    its template's fields, every refusal is used, and no `ApiError` is built
    anywhere but in `refuse`."""
    used, problems = set(), []
    for where, line, call in _refusal_calls():
        name = call.args[0].value
        used.add(name)
        if name not in REFUSALS:
            problems.append(f"{where}:{line}: no refusal named {name!r}")
            continue
        given = {k.arg for k in call.keywords}
        if given != _fields(REFUSALS[name].template):
            problems.append(f"{where}:{line}: {name} needs "
                            f"{sorted(_fields(REFUSALS[name].template))}, given {sorted(given)}")
    inline = [f"{where}:{node.lineno}" for where, tree in _sources() if where != "api/refusals.py"
              for node in ast.walk(tree)
              if isinstance(node, ast.Call) and _name(node) == "ApiError"]
    assert not problems, "\n".join(problems)
    assert not inline, f"ApiError built with an inline message (use refusals.refuse): {inline}"
    assert used == set(REFUSALS), f"refusals nothing raises: {sorted(set(REFUSALS) - used)}"


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_each_refusal_formats_and_a_401_challenges(name):
    refusal = REFUSALS[name]
    err = refuse(name, **{field: 1234 for field in _fields(refusal.template)})
    assert (err.status, err.code) == (refusal.status, refusal.code)
    assert "{" not in err.message.replace('{"text"', "") and err.message.endswith((".", ")"))
    assert (err.headers or {}).get("WWW-Authenticate") == ("Bearer" if err.status == 401 else None)
