"""A polite, bounded HTTP client for watching news sources.

Everything a crawler must not do to a site or to itself is decided here,
once, with well-kept libraries: httpx (timeouts, bounded redirects,
streamed bodies with transparent gzip), Protego (robots.txt the way
Google reads it) and courlan (URL normalisation). A fetch never raises:
it returns a `FetchResult` whose `error` says what went wrong, so one bad
source or page can never stop a cycle, and every attempt is reported to
the caller's `record` callback (the watch loop stores them in `fetches`).

Politeness: one robots.txt per host (a missing or unreachable one allows
everything, as most crawlers read it), its Crawl-delay honoured; at most
`per_host_concurrency` requests in flight per host and `per_host_interval_s`
between their starts; retries with exponential backoff and full jitter on
timeouts, connection errors and 5xx, never on 4xx (the server has answered).
Bodies are counted while they stream, after decompression, so neither a
50 MB page nor a small gzip that inflates past the limit is held in memory.
"""

from __future__ import annotations

import dataclasses
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import courlan
import httpx
from protego import Protego

from .. import __version__

#: robots.txt is read again after this many seconds (a long-running watcher
#: must notice a site that changes it).
ROBOTS_TTL_S = 3600.0
DEFAULT_USER_AGENT = f"dyadwatch/{__version__} (+https://github.com/dyadwatch; news event coder)"
#: Accepted media types per kind of resource; a body of another type is
#: refused (a feed URL that now serves an image or a login page is an error
#: to report, not something to parse). A missing Content-Type is sniffed.
ACCEPT: dict[str, frozenset[str]] = {
    "feed": frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml",
                       "application/xml", "text/xml", "application/x-rss+xml",
                       "application/feed+json", "text/plain"}),
    "sitemap": frozenset({"application/xml", "text/xml", "application/x-gzip",
                          "application/gzip", "text/plain"}),
    "html": frozenset({"text/html", "application/xhtml+xml"}),
    "robots": frozenset({"text/plain"}),
}


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one watcher. Defaults suit news sites polled every few
    minutes: a page over 5 MB is not an article, and 10 s is long enough
    for a slow site and short enough for a cycle to move on."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = 10.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 3
    backoff_s: float = 0.5
    max_backoff_s: float = 8.0
    per_host_concurrency: int = 2
    per_host_interval_s: float = 0.25
    respect_robots: bool = True


@dataclass(frozen=True)
class FetchResult:
    """What one fetch gave. `body` is None unless status is 200 and the
    body passed every check; `not_modified` is a 304 answer to a
    conditional GET. `final_url` is where redirects ended."""

    url: str
    final_url: str
    status: int | None
    body: bytes | None = None
    content_type: str | None = None
    n_bytes: int = 0
    seconds: float = 0.0
    error: str | None = None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    attempts: int = 1
    transient: bool = False  # a timeout, connection error or 5xx: worth trying later

    @property
    def ok(self) -> bool:
        return self.error is None and self.body is not None


@dataclass(frozen=True)
class Validators:
    """Conditional-GET state of one URL, from its last 200 answer."""

    etag: str | None = None
    last_modified: str | None = None


def normalize_url(url: str) -> str:
    """The canonical form of an article URL: lower-case host, default port
    and fragment dropped, tracking parameters (utm_*, fbclid, gclid ...)
    removed and the rest sorted (courlan), so that the same article shared
    with different tracking tags is one article."""
    url = url.strip()
    try:
        norm = courlan.normalize_url(url)
    except (ValueError, AttributeError):
        norm = url
    parts = urlsplit(norm)
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def url_key(url: str) -> str:
    """Identity of an article address: the normalised URL without its
    scheme, so http:// and https:// of one page are one article."""
    return re.sub(r"^[a-z][a-z0-9+.-]*://", "", normalize_url(url), flags=re.I)


class _Host:
    """Per-host politeness state: a concurrency cap and the earliest start
    time of the next request (rate limit), shared by the worker threads."""

    def __init__(self, concurrency: int) -> None:
        self.slots = threading.BoundedSemaphore(max(1, concurrency))
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.robots: Protego | None = None
        self.robots_at: float | None = None  # when robots.txt was read (monotonic)
        self.crawl_delay = 0.0


class Fetcher:
    """One httpx client with per-host politeness; safe to share between threads."""

    def __init__(self, policy: FetchPolicy | None = None, *,
                 record: Callable[[FetchResult, str | None], None] | None = None,
                 transport: httpx.BaseTransport | None = None,
                 rng: random.Random | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self._record = record or (lambda result, source: None)
        self._rng = rng or random.Random()
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._client = httpx.Client(
            follow_redirects=True, max_redirects=self.policy.max_redirects,
            timeout=httpx.Timeout(self.policy.timeout_s),
            headers={"User-Agent": self.policy.user_agent,
                     "Accept-Encoding": "gzip, deflate"},
            transport=transport)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ------------------------------------------------------------
    def get(self, url: str, kind: str, validators: Validators | None = None, *,
            source: str | None = None) -> FetchResult:
        """Fetch `url` as a `kind` ("feed", "sitemap", "html"); never raises.
        `source` is passed on to the record callback with the result."""
        host = self._host(url)
        if self.policy.respect_robots and not self._allowed(url, host, source):
            result = FetchResult(url, url, None, error="disallowed by robots.txt")
            self._record(result, source)
            return result
        result = self._with_retries(url, kind, validators, host)
        self._record(result, source)
        return result

    # -- politeness ---------------------------------------------------------
    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        with self._hosts_lock:
            if key not in self._hosts:
                self._hosts[key] = _Host(self.policy.per_host_concurrency)
            return self._hosts[key]

    def _allowed(self, url: str, host: _Host, source: str | None) -> bool:
        with host.lock:
            now = time.monotonic()
            if host.robots_at is None or now - host.robots_at > ROBOTS_TTL_S:
                host.robots = self._load_robots(url, host, source)
                host.robots_at = now
        if host.robots is None:
            return True
        return host.robots.can_fetch(url, self.policy.user_agent)

    def _load_robots(self, url: str, host: _Host, source: str | None) -> Protego | None:
        parts = urlsplit(url)
        robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
        result = self._with_retries(robots_url, "robots", None, host, retries=0, locked=True)
        self._record(result, source)
        if not result.ok:
            return None  # none, or unreachable: everything is allowed
        rp = Protego.parse(result.body.decode("utf-8", errors="replace"))
        delay = rp.crawl_delay(self.policy.user_agent)
        if delay:
            host.crawl_delay = min(float(delay), 60.0)
        return rp

    def _wait_turn(self, host: _Host, locked: bool = False) -> None:
        """Block until the host's rate limit lets the next request start."""
        interval = max(self.policy.per_host_interval_s, host.crawl_delay)

        def claim() -> float:
            now = time.monotonic()
            start = max(now, host.next_start)
            host.next_start = start + interval
            return start - now

        if locked:
            delay = claim()
        else:
            with host.lock:
                delay = claim()
        if delay > 0:
            time.sleep(delay)

    # -- fetching -----------------------------------------------------------
    def _with_retries(self, url: str, kind: str, validators: Validators | None, host: _Host,
                      retries: int | None = None, locked: bool = False) -> FetchResult:
        retries = self.policy.retries if retries is None else retries
        seconds = 0.0  # time on the wire, without waiting for a turn or backing off
        for attempt in range(retries + 1):
            if attempt:
                cap = min(self.policy.max_backoff_s, self.policy.backoff_s * 2 ** (attempt - 1))
                time.sleep(self._rng.uniform(0, cap))  # full jitter
            with host.slots:
                self._wait_turn(host, locked)
                started = time.perf_counter()
                result, transient = self._once(url, kind, validators)
                seconds += time.perf_counter() - started
            if not transient:
                break
        return _replace(result, seconds=seconds, attempts=attempt + 1, transient=transient)

    def _once(self, url: str, kind: str, validators: Validators | None
              ) -> tuple[FetchResult, bool]:
        """One request; the flag says whether trying again may help."""
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        try:
            with self._client.stream("GET", url, headers=headers) as resp:
                return self._read(url, kind, resp)
        except httpx.TooManyRedirects:
            return FetchResult(url, url, None, error=f"more than {self.policy.max_redirects} "
                                                     "redirects (a redirect loop?)"), False
        except httpx.TimeoutException as exc:
            return FetchResult(url, url, None, error=f"timed out ({type(exc).__name__})"), True
        except httpx.DecodingError as exc:
            return FetchResult(url, url, None, error=f"body could not be decoded: {exc}"), False
        except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            return FetchResult(url, url, None, error=f"{type(exc).__name__}: {exc}"), \
                isinstance(exc, httpx.TransportError)

    def _read(self, url: str, kind: str, resp: httpx.Response) -> tuple[FetchResult, bool]:
        final = str(resp.url)
        ctype = (resp.headers.get("content-type") or "").split(";")[0].strip().lower() or None
        meta = dict(url=url, final_url=final, status=resp.status_code, content_type=ctype,
                    etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"))
        if resp.status_code == 304:
            return FetchResult(**meta, not_modified=True), False
        if resp.status_code >= 400:
            return FetchResult(**meta, error=f"HTTP {resp.status_code}"), resp.status_code >= 500
        if resp.status_code != 200:
            return FetchResult(**meta, error=f"unexpected HTTP {resp.status_code}"), False
        if ctype and ctype not in ACCEPT.get(kind, ACCEPT["html"]):
            return FetchResult(**meta, error=f"content type {ctype} is not a {kind}"), False
        limit = self.policy.max_bytes
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit \
                and "content-encoding" not in resp.headers:
            return FetchResult(**meta, error=f"body of {int(declared):,} bytes is over the "
                                             f"{limit:,}-byte limit"), False
        chunks, size = [], 0
        for chunk in resp.iter_bytes():  # decompressed: counts what a gzip bomb inflates to
            size += len(chunk)
            if size > limit:
                return FetchResult(**meta, n_bytes=size, error=f"body passed the {limit:,}-byte "
                                                               "limit; stopped reading"), False
            chunks.append(chunk)
        return FetchResult(**meta, body=b"".join(chunks), n_bytes=size), False


def _replace(result: FetchResult, **changes: object) -> FetchResult:
    return dataclasses.replace(result, **changes)
