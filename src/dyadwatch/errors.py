"""One exception hierarchy for dyadwatch.

Every error carries a short code (E1xx input, E2xx model/NLP, E3xx store,
E4xx configuration and data tables, E5xx query) and a message that says what
happened *and what to do next*, as spaCy's errors do. The CLI turns any
`DyadwatchError` into one line on stderr and exit code 1; anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations


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
    code = "E401"


class QueryError(DyadwatchError):
    """A query argument is invalid (bad actor code, date, format)."""

    code = "E500"


class NotFoundError(QueryError):
    code = "E501"


class QueryTooLargeError(QueryError):
    """A query asks for more rows than one answer may hold (a series over
    thousands of years): refused before any work, with the allowed range."""

    code = "E502"
