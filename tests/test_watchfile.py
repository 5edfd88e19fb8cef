"""The sources file (validation, line numbers) and feed/sitemap parsing."""

from __future__ import annotations

import datetime as dt

import pytest

from dyadwatch.sources import watchfile
from dyadwatch.sources.feeds import parse_feed, parse_sitemap
from dyadwatch.errors import WatchFileError

GOOD = """\
sources:
  - url: https://example.org/rss.xml
    outlet: Example
    interval: 5m
    tags: [asia]
  - url: https://example.org/news-sitemap.xml
  - url: https://example.org/2024/story.html
  - path: inbox
rules:
  - name: korea
    dyads: [PRK-KOR]
    actors: [RUS]
    counts: {ASSAULT: 2}
    first_of: [SANCTION]
    conflict_share: 0.6
    window: 14d
    channels: ["json://127.0.0.1:9/hook"]
    digest: true
"""


def test_good_file_and_kinds(tmp_path):
    (tmp_path / "s.yaml").write_text(GOOD)
    wf = watchfile.load(tmp_path / "s.yaml")
    kinds = [s.resolved_kind for s in wf.sources]
    assert kinds == ["feed", "sitemap", "article", "folder"]
    assert wf.sources[0].interval == 300 and wf.sources[0].tags == ("asia",)
    assert wf.sources[3].path == str(tmp_path / "inbox")  # relative to the file
    rule = wf.rules[0]
    assert rule.window_days == 14 and rule.counts == {"ASSAULT": 2} and rule.digest


@pytest.mark.parametrize("bad, line, words", [
    (GOOD.replace("    digest: true", "    digets: true"), 18, "rules.0.digets"),
    (GOOD.replace("{ASSAULT: 2}", "{ASAULT: 2}"), 13, "not a PLOVER type"),
    (GOOD.replace("interval: 5m", "interval: soon"), 4, "not a duration"),
    (GOOD.replace("PRK-KOR", "north korea"), 11, "two actor codes"),
    (GOOD.replace("  - path: inbox", "  - path: inbox\n    url: https://x.org/"), 8,
     "exactly one of url"),
    (GOOD.replace("https://example.org/rss.xml", "ftp://example.org/rss.xml"), 2,
     "must start with http"),
])
def test_errors_name_the_line(bad, line, words):
    with pytest.raises(WatchFileError) as err:
        watchfile.parse(bad, "s.yaml")
    assert f"s.yaml:{line}:" in str(err.value) and words in str(err.value)


def test_rule_needs_a_change_and_yaml_errors_have_lines():
    with pytest.raises(WatchFileError, match="at least one change"):
        watchfile.parse("rules:\n  - name: x\n    dyads: [CHN-PRK]\n")
    with pytest.raises(WatchFileError, match=r"s.yaml:3:"):
        watchfile.parse("sources:\n  - url: http://x\n\t- url: y\n", "s.yaml")


def test_feed_entries_keep_what_precedes_broken_xml():
    body = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Wire</title>"
            b"<item><title>One</title><link>https://x.org/1?utm_source=rss</link>"
            b"<pubDate>Wed, 02 Nov 2022 09:00:00 +0900</pubDate></item>"
            b"<item><title>Two</title><link>https://x.org/2</link></item><item><title>bro")
    listing = parse_feed(body)
    assert listing.problem and "broken XML" in listing.problem
    assert [e.url for e in listing.entries][:1] == ["https://x.org/1"]
    assert listing.entries[0].date == dt.date(2022, 11, 2) and listing.entries[0].outlet == "Wire"


def test_not_a_feed():
    assert parse_feed(b"<html><body>hello</body></html>").problem


def test_news_sitemap_and_index():
    body = (b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
            b"xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'><url>"
            b"<loc>https://x.org/a.html</loc><news:news><news:publication><news:name>X News"
            b"</news:name></news:publication><news:publication_date>2024-06-20T10:00:00+09:00"
            b"</news:publication_date><news:title>Treaty</news:title></news:news></url>"
            b"<url><loc>javascript:alert(1)</loc></url></urlset>")
    listing = parse_sitemap(body)
    (e,) = listing.entries
    assert (e.url, e.title, e.outlet, e.date) == ("https://x.org/a.html", "Treaty", "X News",
                                                  dt.date(2024, 6, 20))
    index = (b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><sitemap>"
             b"<loc>https://x.org/s1.xml</loc></sitemap></sitemapindex>")
    assert parse_sitemap(index).children == ("https://x.org/s1.xml",)
    assert "broken XML" in parse_sitemap(b"<urlset><url>").problem
