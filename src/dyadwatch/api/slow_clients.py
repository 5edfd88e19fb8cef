"""A deadline for a request's headers, which uvicorn does not have.

uvicorn closes an idle keep-alive connection after `timeout_keep_alive`,
but a client that sends a request line and then one header byte every few
seconds holds its connection (and a file descriptor, and a slot counted by
`limit_concurrency`) for as long as it likes: a few hundred such sockets
(a "slowloris") starve a server. The body already has a deadline
(`api.writes.UPLOAD_TIMEOUT_S`); this protocol adds one for the headers.

`HeaderTimeoutH11Protocol` is uvicorn's h11 protocol with one timer per
request: armed when the connection opens and again when a response is
complete, it closes the connection if the next request's headers have not
all arrived by then. Pass it as `uvicorn.run(..., http=HeaderTimeoutH11Protocol)`.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a request's line and headers.
HEADER_TIMEOUT_S = 10.0


class HeaderTimeoutH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose headers come too slowly."""

    header_timeout_s = HEADER_TIMEOUT_S

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        self._cancel_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _cancel_header_deadline(self) -> None:
        deadline = getattr(self, "_header_deadline", None)
        if deadline is not None:
            deadline.cancel()
            self._header_deadline = None

    def _headers_late(self) -> None:
        """Close the connection if the current request's headers are not all
        in (h11 leaves IDLE once it has parsed them)."""
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()
