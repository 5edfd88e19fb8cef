"""The fetcher against a real HTTP server on 127.0.0.1 (pytest-httpserver),
with the faults a news site can throw at a watcher."""

from __future__ import annotations

import gzip
import time

import pytest
from werkzeug import Response

from dyadwatch.sources.fetch import Fetcher, FetchPolicy, Validators, normalize_url, url_key

FEED = b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title></channel></rss>"


@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)


def _policy(**kw) -> FetchPolicy:
    base = dict(timeout_s=2.0, retries=2, backoff_s=0.01, max_backoff_s=0.02,
                per_host_interval_s=0.0, max_bytes=1_000_000)
    base.update(kw)
    return FetchPolicy(**base)


@pytest.fixture
def fetched():
    """A Fetcher whose recorded results are kept for the test to inspect."""
    log: list = []
    fetchers: list[Fetcher] = []

    def make(**kw) -> Fetcher:
        f = Fetcher(_policy(**kw), record=lambda r, s: log.append(r))
        fetchers.append(f)
        return f

    make.log = log
    yield make
    for f in fetchers:
        f.close()


def test_plain_feed_is_read_and_recorded(httpserver, fetched):
    httpserver.expect_request("/feed.xml").respond_with_data(FEED,
                                                             content_type="application/rss+xml")
    r = fetched().get(httpserver.url_for("/feed.xml"), "feed")
    assert r.ok and r.status == 200 and r.body == FEED and r.n_bytes == len(FEED)
    assert [x.url.rsplit("/", 1)[1] for x in fetched.log] == ["robots.txt", "feed.xml"]


def test_conditional_get_304_costs_no_body(httpserver, fetched):
    def handler(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response(FEED, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    httpserver.expect_request("/feed.xml").respond_with_handler(handler)
    f = fetched()
    first = f.get(httpserver.url_for("/feed.xml"), "feed")
    assert first.ok and first.etag == '"v1"'
    second = f.get(httpserver.url_for("/feed.xml"), "feed", Validators(first.etag, None))
    assert second.not_modified and second.status == 304 and second.body is None


def test_5xx_is_retried_until_success(httpserver, fetched):
    url = httpserver.url_for("/flaky.html")
    httpserver.expect_ordered_request("/flaky.html").respond_with_data("down", status=503)
    httpserver.expect_ordered_request("/flaky.html").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/flaky.html").respond_with_data(
        "<html><body><p>up</p></body></html>", content_type="text/html")
    r = fetched(respect_robots=False).get(url, "html")
    assert r.ok and r.attempts == 3


def test_4xx_is_not_retried(httpserver, fetched):
    httpserver.expect_request("/gone.html").respond_with_data("no", status=404)
    r = fetched(respect_robots=False).get(httpserver.url_for("/gone.html"), "html")
    assert r.status == 404 and r.error == "HTTP 404" and r.attempts == 1 and not r.transient
    assert len(httpserver.log) == 1


def test_timeout_is_retried_then_reported(httpserver, fetched):
    def slow(request):
        time.sleep(0.6)
        return Response("<p>late</p>", content_type="text/html")

    httpserver.expect_request("/slow.html").respond_with_handler(slow)
    r = fetched(timeout_s=0.2, retries=1, respect_robots=False).get(
        httpserver.url_for("/slow.html"), "html")
    assert not r.ok and r.error.startswith("timed out") and r.attempts == 2 and r.transient


def test_redirect_loop_fails_cleanly(httpserver, fetched):
    httpserver.expect_request("/a").respond_with_data("", status=302,
                                                      headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302,
                                                      headers={"Location": "/a"})
    r = fetched(respect_robots=False).get(httpserver.url_for("/a"), "html")
    assert not r.ok and "redirect" in r.error and r.attempts == 1


def test_redirect_is_followed(httpserver, fetched):
    httpserver.expect_request("/old").respond_with_data("", status=301,
                                                        headers={"Location": "/new.html"})
    httpserver.expect_request("/new.html").respond_with_data("<p>here</p>",
                                                             content_type="text/html")
    r = fetched(respect_robots=False).get(httpserver.url_for("/old"), "html")
    assert r.ok and r.final_url.endswith("/new.html")


def test_50_mb_body_is_refused_while_streaming(httpserver, fetched):
    chunk = b"<p>" + b"x" * (1 << 20) + b"</p>"

    def big(request):  # chunked, no Content-Length: the limit must hold while reading
        return Response((chunk for _ in range(50)), content_type="text/html")

    httpserver.expect_request("/big.html").respond_with_handler(big)
    r = fetched(respect_robots=False).get(httpserver.url_for("/big.html"), "html")
    assert not r.ok and "limit" in r.error and r.n_bytes <= 1_000_000 + len(chunk)


def test_declared_oversize_body_is_refused_before_reading(httpserver, fetched):
    httpserver.expect_request("/big2.html").respond_with_data(b"x" * 2_000_000,
                                                              content_type="text/html")
    r = fetched(respect_robots=False).get(httpserver.url_for("/big2.html"), "html")
    assert not r.ok and "2,000,000 bytes" in r.error and r.n_bytes == 0


def test_gzip_bomb_stops_at_the_inflated_limit(httpserver, fetched):
    bomb = gzip.compress(b"\0" * 30_000_000)
    assert len(bomb) < 100_000
    httpserver.expect_request("/bomb.html").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"})
    r = fetched(respect_robots=False).get(httpserver.url_for("/bomb.html"), "html")
    assert not r.ok and "limit" in r.error and r.body is None


def test_wrong_content_type_is_refused(httpserver, fetched):
    httpserver.expect_request("/feed.xml").respond_with_data(b"\x89PNG", content_type="image/png")
    r = fetched(respect_robots=False).get(httpserver.url_for("/feed.xml"), "feed")
    assert not r.ok and r.error == "content type image/png is not a feed"


def test_robots_disallow_is_honoured_and_crawl_delay_read(httpserver, fetched):
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    httpserver.expect_request("/private/a.html").respond_with_data("<p>secret</p>",
                                                                   content_type="text/html")
    httpserver.expect_request("/public/a.html").respond_with_data("<p>open</p>",
                                                                  content_type="text/html")
    f = fetched()
    blocked = f.get(httpserver.url_for("/private/a.html"), "html")
    allowed = f.get(httpserver.url_for("/public/a.html"), "html")
    assert blocked.error == "disallowed by robots.txt" and blocked.status is None
    assert allowed.ok
    assert [req.path for req, _ in httpserver.log] == ["/robots.txt", "/public/a.html"]


def test_user_agent_is_sent(httpserver, fetched):
    httpserver.expect_request("/ua.html", headers={"User-Agent": "test-watcher/1"}
                              ).respond_with_data("<p>ok</p>", content_type="text/html")
    r = fetched(respect_robots=False, user_agent="test-watcher/1").get(
        httpserver.url_for("/ua.html"), "html")
    assert r.ok


def test_connection_refused_is_an_error_not_an_exception(fetched):
    r = fetched(retries=1, respect_robots=False).get("http://127.0.0.1:9/none.html", "html")
    assert not r.ok and r.transient and r.attempts == 2


def test_tracking_parameters_and_scheme_are_one_article():
    a = "https://News.Example.org:443/world/story.html?utm_source=rss&id=7&fbclid=abc#top"
    b = "http://news.example.org/world/story.html?id=7"
    assert normalize_url(a) == "https://news.example.org/world/story.html?id=7"
    assert url_key(a) == url_key(b)
    assert url_key("http://x.org/a?id=7") != url_key("http://x.org/a?id=8")
