"""Who may read: tokens from a header or the dashboard's cookie, compared in
constant time. Shared by the HTTP API (api/server.py) and the dashboard
(web/pages.py), which must agree on both."""

from __future__ import annotations

import hmac

from starlette.requests import Request

#: Name of the cookie the dashboard keeps the read token in (see web/pages.py).
TOKEN_COOKIE = "dyadwatch_token"


def bearer(request: Request) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header, if any."""
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def tokens_match(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison (hmac.compare_digest), so response time
    does not tell an attacker how many leading characters were right."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
