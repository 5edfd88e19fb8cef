"""Sending a message to one apprise URL, with retries.

A failed send (apprise returns False, or the URL is not one apprise
knows) is retried with exponential backoff and jitter; the outcome with
the number of attempts and the reason goes back to the caller, who records
it in `notifications`. Channels are stored by a hash of their URL and
shown with apprise's own privacy form, so passwords in a mailto:// URL
never reach the database or a log.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import apprise

from .message import Message


@dataclass(frozen=True)
class SendResult:
    ok: bool
    attempts: int
    error: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0


def channel_id(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]


def display(url: str) -> str:
    """The channel URL with secrets hidden (apprise's privacy form)."""
    ap = apprise.Apprise()
    if not ap.add(url) or not len(ap):
        return url.split("://", 1)[0] + "://(invalid)"
    return ap[0].url(privacy=True)


class Sender:
    """Sends messages through apprise; `sleep` and `rng` are injectable so
    tests can run the retry path without waiting."""

    def __init__(self, policy: RetryPolicy | None = None, *,
                 sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()

    def send(self, url: str, message: Message) -> SendResult:
        ap = apprise.Apprise()
        if not ap.add(url):
            return SendResult(False, 0, "not a valid apprise URL (see apprise's list of "
                                        "services); fix the rule's channels")
        error = None
        for attempt in range(1, self.policy.attempts + 1):
            if attempt > 1:
                cap = min(self.policy.max_backoff_s, self.policy.backoff_s * 2 ** (attempt - 2))
                self._sleep(self._rng.uniform(cap / 2, cap))
            with apprise.LogCapture(level=logging.WARNING) as log:
                ok = ap.notify(body=message.body, title=message.title)
            if ok:
                return SendResult(True, attempt)
            error = (log.getvalue().strip().splitlines() or ["the service refused it"])[-1]
            error = error.split(" - ", 2)[-1][:300]
        return SendResult(False, self.policy.attempts, error)
