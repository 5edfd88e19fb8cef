"""The HTTP API's own refusals: one table, as `errors.MESSAGES` is for the
rest of dyadwatch.

A refusal is what the server says when the request, not the data, is the
problem: no token, the writer busy, a body that is not JSON. Its code is a
word of the API's protocol (`unauthorized`, `busy`, ...), which clients
branch on, so several refusals may share a code and a status; each has one
message, written here and nowhere else, that says what to do next. The
README's table of refusals lists them all (tests/test_errors.py checks both
ways, and that no `ApiError` is built outside `refuse`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


class ApiError(Exception):
    """An HTTP-level error with a status, a stable code and an actionable message."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


@dataclass(frozen=True)
class Refusal:
    """One refusal: its HTTP status, protocol code and message template.
    `challenge` adds `WWW-Authenticate: Bearer` (RFC 6750) to a 401;
    `retry_after` tells a client when to try again, in seconds."""

    status: int
    code: str
    template: str
    challenge: bool = False
    retry_after: int | None = None

    @property
    def headers(self) -> dict[str, str] | None:
        if self.challenge:
            return {"WWW-Authenticate": "Bearer"}
        if self.retry_after is not None:
            return {"Retry-After": str(self.retry_after)}
        return None


_REFUSALS: dict[str, Refusal] = {
    # -- the server's state
    "starting": Refusal(503, "unavailable",
                        "the server is starting or stopping; retry in a moment."),
    "stopping": Refusal(503, "unavailable", "the server is stopping; retry later."),
    "busy": Refusal(503, "busy",
                    "{queued} ingests are already waiting for the writer; retry when they are "
                    "done (GET /api/stats shows the queue).", retry_after=10),
    "query_timeout": Refusal(504, "timeout",
                             "the query took longer than {seconds:g} s and was stopped. Narrow "
                             "it (a dyad or actor, a date range) or ask for a smaller page."),
    # -- tokens
    "read_token_missing": Refusal(401, "unauthorized",
                                  "this server requires a token to read. Send 'Authorization: "
                                  "Bearer <token>' (or open the dashboard once with "
                                  "?token=<token>).", challenge=True),
    "read_token_invalid": Refusal(401, "unauthorized",
                                  "the token is not valid for reading; check it with whoever "
                                  "runs the server.", challenge=True),
    "writes_disabled": Refusal(403, "writes_disabled",
                               "writes are disabled on this server because no API token is "
                               "configured. Restart it with `dyadwatch serve --token TOKEN` or "
                               "with DYADWATCH_API_TOKEN=TOKEN in its environment, then send "
                               "'Authorization: Bearer TOKEN'."),
    "write_token_missing": Refusal(401, "unauthorized",
                                   "writing needs the API token: send 'Authorization: Bearer "
                                   "<token>'.", challenge=True),
    "write_token_wrong": Refusal(401, "unauthorized",
                                 "the API token is wrong; check the value the server was "
                                 "started with.", challenge=True),
    # -- request bodies
    "bad_content_length": Refusal(400, "bad_request", "Content-Length is not a number."),
    "too_large": Refusal(413, "too_large",
                         "the request body is larger than the server's limit of {limit:,} "
                         "bytes. Send fewer articles per request, or raise "
                         "DYADWATCH_MAX_BODY_BYTES on the server."),
    "body_timeout": Refusal(408, "timeout",
                            "the request body did not arrive within {seconds:g} s. Send "
                            "smaller batches."),
    "unsupported_media_type": Refusal(415, "unsupported_media_type",
                                      "cannot read a {media_type} body. Send JSON records "
                                      "(Content-Type: application/json) or upload a file as "
                                      "multipart/form-data in a field named 'file'."),
    "body_not_json": Refusal(400, "bad_request",
                             "the body is not readable JSON: {reason} Send a record object or a "
                             "list of them."),
    "body_not_records": Refusal(422, "invalid_request",
                                "the body must be a record {{\"text\": ..., \"title\": ..., "
                                "\"date\": ...}} or a non-empty list of records."),
    "no_file": Refusal(422, "invalid_request",
                       "no file in the upload: send it as multipart/form-data in a field "
                       "named 'file'."),
    "no_record_stored": Refusal(422, "no_record_stored",
                                "none of the {count} records could be stored: {failures}. Fix "
                                "them and resend."),
    # -- routing and the server's own faults
    "no_endpoint": Refusal(404, "not_found",
                           "there is no page or endpoint at {path}. The API is under /api/ "
                           "(GET /openapi.json lists it); the dashboard is at /."),
    "method_not_allowed": Refusal(405, "method_not_allowed",
                                  "{method} is not allowed on {path}."),
    "internal": Refusal(500, "internal",
                        "internal error while answering this request; the server log has the "
                        "details. Please report it with the URL you asked for."),
}

#: Every refusal by name; read-only so that no caller rewrites a message.
REFUSALS = MappingProxyType(_REFUSALS)


def message(name: str, **fields: object) -> str:
    """Refusal `name`'s message, its template filled with `fields`."""
    return REFUSALS[name].template.format(**fields)


def refuse(name: str, **fields: object) -> ApiError:
    """The `ApiError` for refusal `name` (raise it: `raise refuse("busy", queued=3)`)."""
    refusal = REFUSALS[name]
    return ApiError(refusal.status, refusal.code, message(name, **fields), refusal.headers)
