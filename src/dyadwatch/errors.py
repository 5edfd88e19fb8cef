"""One exception hierarchy for dyadwatch.

Every error carries a short code (E1xx input, E2xx model/NLP, E3xx store,
E4xx configuration and data tables, E5xx query) and a message that says what
happened *and what to do next*, as spaCy's errors do. The CLI turns any
`DyadwatchError` into one line on stderr and exit code 1; anything else is a
bug and keeps its traceback.

Errors with a fixed shape are raised by code through `error(code, **fields)`:
`MESSAGES` below is the one place their wording lives (as spaCy's `Errors`
table is), so a message is changed once and every raise site follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


class DyadwatchError(Exception):
    """Base class: `str(err)` is a complete, user-facing sentence."""

    code = "E000"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"[{self.code}] {self.message}"
        if self.hint:
            text += f" {self.hint}"
        return text


class InputError(DyadwatchError):
    """A document or input file cannot be read. Names the file and line."""

    code = "E100"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message, hint=hint)
        self.reason = message


class EmptyDocumentError(InputError):
    code = "E101"


class EncodingError(InputError):
    code = "E102"


class FormatError(InputError):
    """Malformed JSON, XML, HTML or a record with wrong field types."""

    code = "E103"


class DateError(InputError):
    code = "E104"


class ModelError(DyadwatchError):
    """The spaCy model is missing or unusable."""

    code = "E200"


class StoreError(DyadwatchError):
    code = "E300"


class StoreLockedError(StoreError):
    """Another process holds the DuckDB file for writing."""

    code = "E301"


class StoreReadOnlyError(StoreError):
    code = "E302"


class StoreCorruptError(StoreError):
    """The database file is damaged (bad checksums, truncated, not a DuckDB file)."""

    code = "E303"


class ConfigError(DyadwatchError):
    """A setting or a data table (actors, patterns, ontology) is invalid."""

    code = "E400"


class DataTableError(ConfigError):
    """A data table in dyadwatch/data (or a copy of it) is unreadable or has a
    bad entry; `path` is the file and `entry` the line or key at fault."""

    code = "E401"

    def __init__(self, message: str, *, hint: str | None = None, path: str | None = None,
                 entry: str | None = None) -> None:
        self.path = path
        self.entry = entry
        super().__init__(message, hint=hint)


class StageError(ConfigError):
    """The coding stages in `Settings.stages` cannot run in that order (a stage
    needs a piece no earlier stage assigns, or a spaCy attribute no pipe sets)."""

    code = "E420"


class QueryError(DyadwatchError):
    """A query argument is invalid (bad actor code, date, format)."""

    code = "E500"


class NotFoundError(QueryError):
    code = "E501"


class QueryTooLargeError(QueryError):
    """A query asks for more rows than one answer may hold (a series over
    thousands of years): refused before any work, with the allowed range."""

    code = "E502"

@dataclass(frozen=True)
class Message:
    """One coded message: the class raised, its template and what to do next."""

    error: type[DyadwatchError]
    template: str
    hint: str


_TABLE_HINT = "Fix that entry (the schema is in dyadwatch/schemas.py and the file's header)."

#: code -> message. Templates name their fields; `error()` fills them.
MESSAGES: MappingProxyType[str, Message] = MappingProxyType({
    "E401": Message(DataTableError, "{file}: cannot read this data table ({reason}).",
                    "Check the path, or restore the file from the package (reinstall dyadwatch)."),
    "E402": Message(DataTableError, "{file}, {entry}: not valid {syntax}: {reason}.",
                    "Fix the syntax at that place; quote values that contain ':' or '#'."),
    "E403": Message(DataTableError, "{file}, {entry}: the header must be {expected}, found {found}.",
                    "Fix the header line of the table (columns in that order)."),
    "E404": Message(DataTableError, "{file}, {entry}: {problem}.", _TABLE_HINT),
    "E405": Message(DataTableError, "{file}, {entry}: {problem}, which {table} does not define.",
                    "Use a value {table} defines, or add it there first."),
    "E406": Message(DataTableError, "{file}: {problem}.",
                    "The data folder is incomplete: restore it from the package."),
    "E407": Message(DataTableError, "{file}, {entry}: {key} {value!r} is also used at {other}.",
                    "Each {key} must be unique: rename one of them."),
    "E410": Message(ConfigError, "unknown setting(s): {names}.",
                    "See `dyadwatch --help` or the Settings table of the README for the list."),
    "E411": Message(ConfigError, "{variable}={value!r} is not a number.",
                    "Unset it or give a number."),
})


def error(code: str, *, hint: str | None = None, **fields: object) -> DyadwatchError:
    """The error of `code`, its message filled with `fields` (a `file` and an
    `entry` field are kept on a DataTableError as `path` and `entry`)."""
    message = MESSAGES[code]
    text = message.template.format(**fields)
    default_hint = message.hint.format(**fields)
    if issubclass(message.error, DataTableError):
        err: DyadwatchError = message.error(text, hint=hint or default_hint,
                                            path=_str(fields.get("file")),
                                            entry=_str(fields.get("entry")))
    else:
        err = message.error(text, hint=hint or default_hint)
    err.code = code
    err.args = (str(err),)  # the text with this code, as str() and pickling give it
    return err


def error_class(code: str) -> type[DyadwatchError]:
    """The most specific error class declared with `code` (DyadwatchError for
    a code no class declares, such as E900), so an error carried across a
    process boundary as (code, reason) is raised again as its own class."""
    todo, found = [DyadwatchError], DyadwatchError
    while todo:
        cls = todo.pop()
        if cls.code == code:
            found = cls
        todo.extend(cls.__subclasses__())
    return found


def _str(value: object) -> str | None:
    return None if value is None else str(value)
