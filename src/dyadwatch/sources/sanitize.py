"""The input boundary: every text that enters dyadwatch passes here first.

Readers (plain files, JSON Lines and JSON, feeds, HTML metadata, HTTP
bodies, the `code` command) produce Python strings that can hold things no
later stage can store or print: lone surrogates (a JSON `"\\udfff"`, a file
name that is not UTF-8), NUL and other control characters, or fields of
megabytes. Arrow, DuckDB and UTF-8 output refuse lone surrogates with an
exception far from the record that caused it, so one bad title used to
abort a whole ingest. Cleaning them here, in one module, keeps that rule in
one place and makes it testable on its own.

What happens to each problem, and why:

- lone surrogates become U+FFFD (the replacement character), as a UTF-8
  decoder with errors="replace" does: the rest of the text is good and is
  kept;
- NUL and control characters other than tab, newline and carriage return
  are removed: they carry no meaning in news text and break terminals,
  CSV and some drivers;
- a metadata field (title, outlet, byline, url, id, date) longer than its
  limit is an error for that record (`FormatError`), because cutting an id
  or a URL silently would store a wrong value; article bodies are bounded
  by the file size limit and cut later at `max_chars`;
- JSON is decoded by `parse_json`, which turns every way decoding can fail
  (syntax, numbers too long for Python's int limit, nesting too deep,
  invalid UTF-8) into one `FormatError` naming the file and line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from ..errors import error

#: Longest metadata field accepted, in characters (an id, a title, a URL...).
MAX_FIELD_CHARS: dict[str, int] = {"id": 512, "title": 2000, "outlet": 500, "byline": 1000,
                                   "author": 1000, "url": 8192, "date": 200}
#: Longest JSON integer accepted, in digits. Python refuses int() of more than
#: 4,300 digits with a ValueError; no id or field needs more than this.
MAX_INT_DIGITS = 256
#: Lone surrogates (never valid in UTF-8 text).
_SURROGATES = re.compile("[\ud800-\udfff]")
#: C0 controls except tab, newline, carriage return; DEL; C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Bytes that start a JSON text encoded as UTF-8 with a byte-order mark.
_UTF8_BOM = "\ufeff"


def clean_text(value: str) -> str:
    """`value` with lone surrogates replaced by U+FFFD and control characters
    (other than tab, newline and carriage return) removed."""
    if value.isascii():
        return _CONTROLS.sub("", value) if not value.isprintable() else value
    return _CONTROLS.sub("", _SURROGATES.sub("\ufffd", value))


def clean_field(value: str | None, name: str, *, path: str | None = None,
                line: int | None = None) -> str | None:
    """A metadata field cleaned by `clean_text` and checked against its limit
    in `MAX_FIELD_CHARS`; raises FormatError naming the field when too long."""
    if value is None:
        return None
    limit = MAX_FIELD_CHARS.get(name)
    if limit is not None and len(value) > limit:
        raise error("E150", name=name, length=len(value), limit=limit, path=path, line=line)
    return clean_text(value)


def clean_value(value: object) -> object:
    """A JSON value with every string in it (keys too) passed through
    `clean_text`, for records that are echoed back (the `code` command)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    return value


def parse_json(data: str | bytes, *, path: str | None = None,
               line: int | None = None) -> object:
    """`json.loads` that fails only with FormatError (naming `path` and
    `line`): malformed JSON, invalid UTF-8, a UTF-8 byte-order mark,
    integers over `MAX_INT_DIGITS` digits, nesting too deep for the parser."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise error("E151", byte=exc.start + 1, path=path, line=line) from None
    try:
        return json.loads(data.removeprefix(_UTF8_BOM), parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}" if line is None else \
            f"column {exc.colno}"
        raise error("E152", reason=exc.msg, where=where, path=path,
                    line=line if line is not None else exc.lineno) from None
    except RecursionError:
        raise error("E153", path=path, line=line) from None
    except _LongNumber as exc:
        raise error("E154", digits=exc.digits, limit=MAX_INT_DIGITS, path=path,
                    line=line) from None


class _LongNumber(ValueError):
    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _LongNumber(digits)
    return int(text)
